"""Rule packs, the standards as data (design.md §3, docs/standards-format.md), and the code that
judges them: one module per evaluator kind, registered in ``EVALUATORS``."""
from .context import Context
from .evaluators import EVALUATORS, KINDS
from .packs import Pack, Rule, RulePackError, load_pack, load_packs, pack_paths

__all__ = ["Context", "EVALUATORS", "KINDS", "Pack", "Rule", "RulePackError", "load_pack", "load_packs",
           "pack_paths"]

"""Rule packs: the standards as data (design.md §3, docs/standards-format.md)."""
from .packs import KINDS, MEASURES, Pack, Rule, RulePackError, load_pack, load_packs, pack_paths

__all__ = ["KINDS", "MEASURES", "Pack", "Rule", "RulePackError", "load_pack", "load_packs", "pack_paths"]

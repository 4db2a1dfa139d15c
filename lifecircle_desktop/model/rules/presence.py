"""presence: at least N facilities of the types in the planning unit (design.md §3).

Stops count too: "公交站点" is a presence rule over the stops layer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from .common import base, met, met_word, number, verdict
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    feats = context.facilities(rule.unit_kind, params["types"])
    lo = threshold.get("min", params.get("min_count", 1))
    hi = threshold.get("max")
    n = len(feats)
    ok = met(n, lo, hi)
    names_zh, names_en = context.type_names(params["types"], True), context.type_names(params["types"], False)
    want_zh = f"至少 {number(lo)} 处" if hi is None else f"{number(lo)}–{number(hi)} 处"
    want_en = f"at least {number(lo)}" if hi is None else f"{number(lo)}–{number(hi)}"
    return Finding(**base(rule, pack), status=verdict(rule, ok), measured=float(n), threshold=lo, threshold_max=hi,
                   features=tuple((f.layer, f.fid) for f in feats),
                   message_zh=f"{rule.name_zh}：{names_zh} {n} 处，要求{want_zh}，{met_word(ok)}",
                   message_en=f"{rule.name_en}: {n} {names_en} found, {want_en} required{'' if ok else ' — not met'}")

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
    rows = context.facility_rows(rule.unit_kind, params["types"])
    minimum = threshold.get("min", params.get("min_count", 1))
    maximum = threshold.get("max")
    n = len(rows)
    ok = met(n, minimum, maximum)
    names_zh, names_en = context.type_names(params["types"], True), context.type_names(params["types"], False)
    want_zh = f"至少 {number(minimum)} 处" if maximum is None else f"{number(minimum)}–{number(maximum)} 处"
    want_en = f"at least {number(minimum)}" if maximum is None else f"{number(minimum)}–{number(maximum)}"
    return Finding(**base(rule, pack), status=verdict(rule, ok), measured=float(n), threshold=minimum,
                   threshold_max=maximum, features=context.facility_pairs(rows),
                   message_zh=f"{rule.name_zh}：{names_zh} {n} 处，要求{want_zh}，{met_word(ok)}",
                   message_en=f"{rule.name_en}: {n} {names_en} found, {want_en} required{'' if ok else ' — not met'}")

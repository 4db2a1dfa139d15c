"""facility_area: each facility of a type against its floor or land area band (design.md §3), with
the standard's alternatives, e.g. "one supermarket ≥ 300 m², or 2–3 convenience stores of 50–100 m²"
(seed 003 标准表 item 6)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..findings import Finding
from ..measures import measure
from ..plan import Feature
from .common import base, bounds_text, finding, met, met_word
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    facility_type, measure_name = params["facility_type"], params["measure"]
    minimum, maximum = threshold.get("min"), threshold.get("max")
    values = [(f, measure(f, measure_name, context.catalogue))
              for f in context.facilities(rule.unit_kind, [facility_type])]
    short = [(f.layer, f.fid) for f, v in values if not met(v, minimum, maximum)]
    if params.get("require") == "any" and len(short) < len(values):
        # "至少一片/一个 … 不小于": one facility of that size suffices; report the best one.
        best = max(v for _, v in values) if minimum is not None else min(v for _, v in values)
        meeting = [(f.layer, f.fid) for f, v in values if met(v, minimum, maximum)]
        return finding(rule, pack, True, best, threshold, meeting)
    if values and not short:
        worst = min(v for _, v in values) if minimum is not None else max(v for _, v in values)
        return finding(rule, pack, True, worst, threshold, [(f.layer, f.fid) for f, _ in values])
    for alternative in params.get("alternatives", ()):
        meeting = _meeting_alternative(alternative, measure_name, rule.unit_kind, context)
        if len(meeting) >= alternative.get("min_count", 1):
            return _met_by_alternative(rule, pack, alternative, meeting, context)
    if not values:
        return finding(rule, pack, False, None, threshold, [],
                       f"规划中没有{context.type_names([facility_type], True)}",
                       f"the plan has no {context.type_names([facility_type], False)}")
    worst = min(v for _, v in values) if minimum is not None else max(v for _, v in values)
    n_zh = f"{len(short)}/{len(values)} 处不足，" if len(values) > 1 else ""
    n_en = f"{len(short)} of {len(values)} below; " if len(values) > 1 else ""
    return finding(rule, pack, False, worst, threshold, short, n_zh, n_en)


def _meeting_alternative(alternative: Mapping, measure_name: str, unit_kind: str, context: Context) -> list[Feature]:
    """The facilities of the alternative's types whose size lies in its band. More than ``max_count``
    of them still meets it: "2–3 stores" says how many suffice, not a ceiling."""
    return [f for f in context.facilities(unit_kind, alternative["types"])
            if met(measure(f, measure_name, context.catalogue), alternative.get("min"), alternative.get("max"))]


def _met_by_alternative(rule: Rule, pack: Pack, alternative: Mapping, facilities: list[Feature],
                        context: Context) -> Finding:
    n = len(facilities)
    names_zh, names_en = context.type_names(alternative["types"], True), context.type_names(alternative["types"], False)
    band_zh = bounds_text(alternative.get("min"), alternative.get("max"), rule.unit, True)
    band_en = bounds_text(alternative.get("min"), alternative.get("max"), rule.unit, False)
    return Finding(**base(rule, pack), status="pass", measured=float(n), threshold=None,
                   features=tuple((f.layer, f.fid) for f in facilities),
                   message_zh=f"{rule.name_zh}：以 {n} 处{names_zh}（{band_zh}）替代，{met_word(True)}",
                   message_en=f"{rule.name_en}: met by {n} {names_en} ({band_en}) instead")

"""facility_area: facilities of a type against a band of a per-facility measure — floor, land or
usable area, or what the plan's attributes hold (classes, beds, floors) or the footprint shows
(width) — read the way the source's sentence is built (issue 11):

- ``require = "any"``: "一个…不小于300平方米", "至少有一片…不小于150平方米": one facility of that
  size suffices; the others are not judged;
- ``require = "each"``: "每处…不小于": every facility of the type must meet it;
- ``require = "total"``: "总建筑面积不小于": the sum over the facilities meets it.

``alternatives`` are the source's substitutes, with counts: "或2–3个50–100平方米的便利店" is met by
two or three convenience stores of 50–100 m²; more than three is a note to check (提示), not a pass
nobody read (seed 003 标准表 第6项).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..findings import Finding
from .common import base, bounds_text, finding, met, met_each, met_word
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    facility_type, measure_name = params["facility_type"], params["measure"]
    minimum, maximum = threshold.get("min"), threshold.get("max")
    require = params.get("require", "each")
    rows = context.facility_rows(rule.unit_kind, [facility_type])
    # (layer, fid) and the measure of each, from the columns (issue 17: no Feature per facility).
    measured = context.facility_measures(rows, measure_name)
    values = list(zip(context.facility_pairs(rows), measured.tolist()))
    ok = met_each(measured, minimum, maximum).tolist()
    meeting = [f for (f, _), good in zip(values, ok) if good]
    short = [f for (f, _), good in zip(values, ok) if not good]
    if values and require == "total":
        total = sum(v for _, v in values)
        n = len(values)
        return finding(rule, pack, met(total, minimum, maximum), total, threshold, [f for f, _ in values],
                       f"{n} 处合计，", f"{n} together, ")
    if values and require == "any" and meeting:
        # One facility of that size suffices: report the best one and name those that meet it.
        best = max(v for _, v in values) if minimum is not None else min(v for _, v in values)
        return finding(rule, pack, True, best, threshold, meeting,
                       *(("最大一处", "the largest: ") if minimum is not None and len(values) > 1 else ("", "")))
    if values and require == "each" and not short:
        worst = min(v for _, v in values) if minimum is not None else max(v for _, v in values)
        return finding(rule, pack, True, worst, threshold, meeting)
    for alternative in params.get("alternatives", ()):
        found = _meeting_alternative(alternative, measure_name, rule.unit_kind, context)
        if len(found) >= alternative.get("min_count", 1):
            return _met_by_alternative(rule, pack, alternative, found, context)
    if not values:
        return finding(rule, pack, False, None, threshold, [],
                       f"规划中没有{context.type_names([facility_type], True)}",
                       f"the plan has no {context.type_names([facility_type], False)}")
    if require == "any":
        best = max(v for _, v in values) if minimum is not None else min(v for _, v in values)
        said = ("最大一处", "the largest: ") if minimum is not None else ("最小一处", "the smallest: ")
        return finding(rule, pack, False, best, threshold, short, *(said if len(values) > 1 else ("", "")))
    worst = min(v for _, v in values) if minimum is not None else max(v for _, v in values)
    n_zh = f"{len(short)}/{len(values)} 处不足，" if len(values) > 1 else ""
    n_en = f"{len(short)} of {len(values)} below; " if len(values) > 1 else ""
    return finding(rule, pack, False, worst, threshold, short, n_zh, n_en)


def _meeting_alternative(alternative: Mapping, measure_name: str, unit_kind: str,
                         context: Context) -> list[tuple[str, int]]:
    """(layer, fid) of the facilities of the alternative's types whose measure lies in its band."""
    rows = context.facility_rows(unit_kind, alternative["types"])
    ok = met_each(context.facility_measures(rows, measure_name), alternative.get("min"), alternative.get("max"))
    return [f for f, good in zip(context.facility_pairs(rows), ok.tolist()) if good]


def _met_by_alternative(rule: Rule, pack: Pack, alternative: Mapping, facilities: list[tuple[str, int]],
                        context: Context) -> Finding:
    """Met by the substitute when its count lies in min_count..max_count; more than max_count is
    a note (提示): the source names how many stand in for one supermarket, and the reviewer will
    ask whether four small shops are that."""
    n = len(facilities)
    low, high = alternative.get("min_count", 1), alternative.get("max_count")
    names_zh, names_en = context.type_names(alternative["types"], True), context.type_names(alternative["types"], False)
    band_zh = bounds_text(alternative.get("min"), alternative.get("max"), rule.unit, True)
    band_en = bounds_text(alternative.get("min"), alternative.get("max"), rule.unit, False)
    count_zh = f"{low}–{high}" if high is not None and high != low else f"{low}"
    features = tuple(facilities)
    if high is not None and n > high:
        return Finding(**base(rule, pack), status="warn", measured=float(n), threshold=float(low),
                       threshold_max=float(high), features=features,
                       message_zh=f"{rule.name_zh}：有 {n} 处{names_zh}（{band_zh}），多于原文替代方案的 {count_zh} 处，"
                                  f"请核对是否符合替代方案",
                       message_en=f"{rule.name_en}: {n} {names_en} ({band_en}), more than the {count_zh} the source "
                                  f"allows instead; check that they stand in for it")
    return Finding(**base(rule, pack), status="pass", measured=float(n), threshold=float(low),
                   threshold_max=None if high is None else float(high), features=features,
                   message_zh=f"{rule.name_zh}：以 {n} 处{names_zh}（{band_zh}）替代（原文 {count_zh} 处），{met_word(True)}",
                   message_en=f"{rule.name_en}: met by {n} {names_en} ({band_en}) instead (the source allows {count_zh})")

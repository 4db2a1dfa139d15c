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
    t, m = params["facility_type"], params["measure"]
    lo, hi = threshold.get("min"), threshold.get("max")
    values = [(f, measure(f, m, context.catalogue)) for f in context.facilities(rule.unit_kind, [t])]
    short = [(f.layer, f.fid) for f, v in values if not met(v, lo, hi)]
    if params.get("require") == "any" and len(short) < len(values):
        # "至少一片/一个 … 不小于": one facility of that size suffices; report the best one.
        best = max(v for _, v in values) if lo is not None else min(v for _, v in values)
        return finding(rule, pack, True, best, threshold, [(f.layer, f.fid) for f, v in values if met(v, lo, hi)])
    if values and not short:
        worst = min(v for _, v in values) if lo is not None else max(v for _, v in values)
        return finding(rule, pack, True, worst, threshold, [(f.layer, f.fid) for f, _ in values])
    for alt in params.get("alternatives", ()):
        alt_feats = _meeting_alternative(alt, m, rule.unit_kind, context)
        if len(alt_feats) >= alt.get("min_count", 1):
            return _met_by_alternative(rule, pack, alt, alt_feats, context)
    if not values:
        return finding(rule, pack, False, None, threshold, [], f"规划中没有{context.type_names([t], True)}",
                       f"the plan has no {context.type_names([t], False)}")
    worst = min(v for _, v in values) if lo is not None else max(v for _, v in values)
    n_zh = f"{len(short)}/{len(values)} 处不足，" if len(values) > 1 else ""
    n_en = f"{len(short)} of {len(values)} below; " if len(values) > 1 else ""
    return finding(rule, pack, False, worst, threshold, short, n_zh, n_en)


def _meeting_alternative(alt: Mapping, measure_name: str, unit_kind: str, context: Context) -> list[Feature]:
    """The facilities of the alternative's types whose size lies in its band. More than ``max_count``
    of them still meets it: "2–3 stores" says how many suffice, not a ceiling."""
    return [f for f in context.facilities(unit_kind, alt["types"])
            if met(measure(f, measure_name, context.catalogue), alt.get("min"), alt.get("max"))]


def _met_by_alternative(rule: Rule, pack: Pack, alt: Mapping, feats: list[Feature], context: Context) -> Finding:
    n = len(feats)
    names_zh, names_en = context.type_names(alt["types"], True), context.type_names(alt["types"], False)
    band_zh = bounds_text(alt.get("min"), alt.get("max"), rule.unit, True)
    band_en = bounds_text(alt.get("min"), alt.get("max"), rule.unit, False)
    return Finding(**base(rule, pack), status="pass", measured=float(n), threshold=None,
                   features=tuple((f.layer, f.fid) for f in feats),
                   message_zh=f"{rule.name_zh}：以 {n} 处{names_zh}（{band_zh}）替代，{met_word(True)}",
                   message_en=f"{rule.name_en}: met by {n} {names_en} ({band_en}) instead")

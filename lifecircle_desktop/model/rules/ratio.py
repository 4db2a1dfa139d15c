"""ratio: scale × Σ numerator / Σ denominator over the planning unit (design.md §3): m² per 100
households, shares, parking spaces per household, property rooms ≥ 2‰."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from .common import finding, met, number
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    numerator = context.total(params["numerator"], rule.unit_kind)
    denominator = context.total(params["denominator"], rule.unit_kind)
    if denominator <= 0:
        return finding(rule, pack, False, None, threshold, [], "分母为零（没有住户或面积）",
                       "the base is zero (no households or area)")
    value = params.get("scale", 1) * numerator / denominator
    types = params["numerator"].get("types")
    features = [(f.layer, f.fid) for f in context.facilities(rule.unit_kind, types)] if types else []
    said = f"{number(numerator)} / {number(denominator)}"
    return finding(rule, pack, met(value, threshold.get("min"), threshold.get("max")), value, threshold,
                   features, f"{said}，", f"{said}; ")

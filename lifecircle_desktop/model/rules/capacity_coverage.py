"""capacity_coverage: the share of households within reach of a place (issue 15), shown beside the
plain walking coverage of the same type.

Plain coverage counts a 3-class kindergarten as serving every home within the walking limit. Here a
home counts when the two-step floating catchment ratio A_i of its type (model/capacity.py: the
places within its walk, each facility's places shared among all the children who can walk to it)
gives each of its children at least one place: A_i ≥ 1. The walking limit is the one the applied
walking finding judges the type by (catchments.walk_limit), so the two readings sit side by side.

No source sets a threshold for this reading: the pack gives it the walking rule's threshold and the
basis 供需测算 (informative).
"""
from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from ..capacity import CAPACITY_KINDS
from ..findings import Finding
from ..schema import RESIDENTIAL
from .common import figure, finding
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    facility_type = params["facility_type"]
    name_zh, name_en = context.type_names([facility_type], True), context.type_names([facility_type], False)
    got = context.access.get(facility_type)
    if got is None:
        return finding(rule, pack, False, None, threshold, [], f"没有按步行距离判定{name_zh}的指标，无法核算",
                       f"no walking rule judges the {name_en}: nothing to measure")
    if len(got.fids) == 0:
        return finding(rule, pack, False, None, threshold, [], f"规划中没有{name_zh}",
                       f"the plan has no {name_en}", limit_m=got.limit_m)
    if got.unknown == len(got.fids):
        return finding(rule, pack, False, None, threshold, [], f"{name_zh}均未填写容量（班数或床位数），无法核算",
                       f"no {name_en} has its capacity (classes or beds) entered: nothing to measure",
                       limit_m=got.limit_m)
    mask = context.home_mask(rule.unit_kind)
    ids = context.home_ids[mask]
    if len(ids) == 0:
        return finding(rule, pack, False, None, threshold, [], "没有住宅", "there are no homes", limit_m=got.limit_m)
    weights = context.household_weights[mask]
    inside = got.within_reach[mask]
    share = 100.0 * float(weights[inside].sum()) / float(weights.sum()) if weights.sum() > 0 else 0.0
    outside = tuple(zip(repeat(RESIDENTIAL), ids[~inside].tolist()))
    over = _over_capacity(got, context)
    notes_zh, notes_en = [], []
    estimated = context.estimated_in(rule.unit_kind)
    if estimated:  # the demand is households × …: an estimate when the households are
        notes_zh.append(f"{estimated[0]}/{estimated[1]} 处住宅的户数为估算")
        notes_en.append(f"{estimated[0]} of {estimated[1]} homes have estimated households")
    if got.unknown:
        notes_zh.append(f"{got.unknown} 处{name_zh}未填写容量，按 0 计")
        notes_en.append(f"{got.unknown} {name_en} without a capacity entered count 0")
    if over:
        notes_zh.append(f"{over} 处{name_zh}超出容量")
        notes_en.append(f"{over} {name_en} over capacity")
    note_zh = "（" + "；".join(notes_zh) + "）" if notes_zh else ""
    note_en = "; " + "; ".join(notes_en) if notes_en else ""
    minimum = threshold.get("min", 100.0)
    approx_zh = "（直线距离×1.3 估算）" if context.approximate else ""
    approx_en = " (approximate: straight line × 1.3)" if context.approximate else ""
    return finding(rule, pack, share >= minimum - 1e-9, share, {"min": minimum}, outside,
                   f"步行 {figure(got.limit_m)} 米内按容量可获得{name_zh}{_what(got, True)}的住户比例"
                   f"（两步移动搜索法：人均可达 ≥ 1）{approx_zh}",
                   f"households with a {name_en} {_what(got, False)} within {figure(got.limit_m)} m "
                   f"(two-step floating catchment: at least one each){approx_en}: ",
                   note_zh, note_en, approximate=context.approximate, limit_m=got.limit_m,
                   estimated=estimated)


def _what(got, zh: bool) -> str:
    """学位 / 床位 / 面积: what a home is within reach of."""
    measure = CAPACITY_KINDS[got.facility_type].measure
    return {"classes": ("学位", "place"), "beds": ("床位", "bed"),
            "floor_area": ("面积", "floor area")}[measure][0 if zh else 1]


def _over_capacity(got, context: Context) -> int:
    """Facilities whose service population (the homes reaching them first within the limit,
    catchments.py) needs more than they hold."""
    dist, near, _ = context.distances[got.facility_type]
    within = dist <= got.limit_m
    served = np.array([float(context.household_weights[within & (near == fid)].sum()) for fid in got.fids.tolist()])
    known = ~np.isnan(got.supply)
    return int(np.sum(known & (served * got.per_household > np.nan_to_num(got.supply) + 1e-9)))

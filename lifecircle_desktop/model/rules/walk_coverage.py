"""walk_coverage: the share of households whose walking distance to the nearest facility of the
types is within the limit (design.md §3, §4), the limit given in metres or in minutes at a walking
speed of the plan's settings (model/settings.py; no published figure: shown as a default).

The homes counted are those of the planning unit the rule names (its ``tier``): a 15-minute rule
counts the 15-minute unit's homes, a 5–10-minute rule the community's (issue 11). ``reach = "each"``
counts a home only when the nearest facility of every listed type is within the limit ("步行
300—500米到达社区基本公共服务设施")."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Mapping

import numpy as np

from ..findings import Finding
from ..settings import SPEED_KEYS
from .common import figure, finding, number
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule

PROFILES_ZH = {"adult": "成人", "elderly": "老年人", "child": "儿童"}


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    limit, how_zh, how_en = _limit(params, context.settings)
    # The unit's homes, households and connectors, masked once for every walking rule of the unit.
    mask, weights, total, connectors = context.unit_homes(rule.unit_kind)
    extra = dict(approximate=context.approximate, limit_m=limit)
    if len(weights) == 0:
        return finding(rule, pack, False, None, threshold, [], "没有住宅", "there are no homes", **extra)
    types = params["facility_types"]
    if params.get("reach", "any") == "each":
        # Pairwise maxima (exact, as np.max over a stacked copy, which cost ~10 ms a rule at 10^5 homes).
        distance = functools.reduce(np.maximum, [context.masked_distance([t], mask) for t in types])
    else:
        distance = context.masked_distance(types, mask)
    inside = distance <= limit + 1e-9
    share = 100.0 * float(weights[inside].sum()) / total
    outside = context.homes_outside(("walk", rule.unit_kind, tuple(types), params.get("reach", "any"), limit),
                                    mask, inside)
    estimated = context.estimated_in(rule.unit_kind)
    long_connectors = int(np.sum(connectors > context.settings["connector_limit_m"]))
    if params.get("reach") == "each" and len(types) > 1:  # "A、B及C" / "each of A, B and C"
        zh = [context.type_names([t], True) for t in types]
        en = [context.type_names([t], False) for t in types]
        names_zh = "、".join(zh[:-1]) + "及" + zh[-1]
        names_en = "each of " + ", ".join(en[:-1]) + " and " + en[-1]
    else:
        names_zh, names_en = context.type_names(types, True), context.type_names(types, False)
    approx_zh = "（直线距离×1.3 估算）" if context.approximate else ""
    approx_en = " (approximate: straight line × 1.3)" if context.approximate else ""
    note_zh, note_en = _notes(estimated, long_connectors, context.settings["connector_limit_m"])
    minimum = threshold.get("min", 100.0)
    return finding(rule, pack, share >= minimum - 1e-9, share, {"min": minimum}, outside,
                   f"{how_zh}可达{names_zh}的住户比例{approx_zh}",
                   f"households {how_en} of {names_en}{approx_en}: ", note_zh, note_en,
                   estimated=estimated, long_connectors=long_connectors, **extra)


def _notes(estimated: tuple[int, int] | None, long_connectors: int, connector_limit: float) -> tuple[str, str]:
    """What the reader must know to trust the share: estimated households, homes far off the network."""
    zh, en = [], []
    if estimated:
        zh.append(f"{estimated[0]}/{estimated[1]} 处住宅的户数为估算")
        en.append(f"{estimated[0]} of {estimated[1]} homes have estimated households")
    if long_connectors:
        zh.append(f"{long_connectors} 处住宅距步行路网超过 {figure(connector_limit)} 米")
        en.append(f"{long_connectors} homes are more than {figure(connector_limit)} m from the walking network")
    return ("（" + "；".join(zh) + "）" if zh else ""), ("; " + "; ".join(en) if en else "")


def _limit(params: Mapping, settings: Mapping) -> tuple[float, str, str]:
    """(limit in metres, the limit in zh words, in en words): ``limit_m``, or ``limit_min`` at the
    profile's speed (a plan setting)."""
    if "limit_m" in params:
        limit = float(params["limit_m"])
        return limit, f"步行 {figure(limit)} 米内", f"within {figure(limit)} m walk"
    profile = params.get("profile", "adult")
    speed = float(settings[SPEED_KEYS.get(profile, "speed_adult_kmh")])
    limit = float(params["limit_min"]) / 60.0 * speed * 1000.0
    prof_zh = PROFILES_ZH.get(profile, profile)
    how_zh = f"{prof_zh}步行 {figure(params['limit_min'])} 分钟（{figure(speed)} 千米/小时，约 {number(limit, 0)} 米）内"
    how_en = f"within a {figure(params['limit_min'])}-min {profile} walk ({figure(speed)} km/h ≈ {number(limit, 0)} m)"
    return limit, how_zh, how_en

"""walk_coverage: the share of households whose walking distance to the nearest facility of the
types is within the limit (design.md §3, §4), the limit given in metres or in minutes at a walking
profile's speed (seed 003 §2.4: 4 km/h adult ≈ 1000 m in 15 min)."""
from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING, Mapping

from ..findings import Finding
from ..schema import RESIDENTIAL
from .common import finding, number
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule

PROFILES_ZH = {"adult": "成人", "elderly": "老年人", "child": "儿童"}
DEFAULT_SPEED_KMH = 4.0  # a profile the plan does not define walks at the adult speed


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    limit, how_zh, how_en = _limit(params, context.snapshot.speed_profiles)
    ids = context.home_ids
    extra = dict(approximate=context.approximate, limit_m=limit)
    if len(ids) == 0:
        return finding(rule, pack, False, None, threshold, [], "没有住宅", "there are no homes", **extra)
    weights = context.weights
    inside = context.walking_distance(params["facility_types"]) <= limit + 1e-9
    share = 100.0 * float(weights[inside].sum()) / float(weights.sum())
    outside = tuple(zip(repeat(RESIDENTIAL), ids[~inside].tolist()))
    names_zh = context.type_names(params["facility_types"], True)
    names_en = context.type_names(params["facility_types"], False)
    approx_zh = "（直线距离×1.3 估算）" if context.approximate else ""
    approx_en = " (approximate: straight line × 1.3)" if context.approximate else ""
    minimum = threshold.get("min", 100.0)
    return finding(rule, pack, share >= minimum - 1e-9, share, {"min": minimum}, outside,
                   f"{how_zh}可达{names_zh}的住户比例{approx_zh} ",
                   f"households {how_en} of {names_en}{approx_en}: ", **extra)


def _limit(params: Mapping, speed_profiles: Mapping[str, float]) -> tuple[float, str, str]:
    """(limit in metres, the limit in zh words, in en words): ``limit_m``, or ``limit_min`` at the
    profile's speed."""
    if "limit_m" in params:
        limit = float(params["limit_m"])
        return limit, f"步行 {number(limit)} 米内", f"within {number(limit)} m walk"
    profile = params.get("profile", "adult")
    speed = speed_profiles.get(profile, DEFAULT_SPEED_KMH)
    limit = float(params["limit_min"]) / 60.0 * speed * 1000.0
    prof_zh = PROFILES_ZH.get(profile, profile)
    how_zh = f"{prof_zh}步行 {number(params['limit_min'])} 分钟（{speed:g} km/h ≈ {number(limit)} 米）内"
    how_en = f"within a {number(params['limit_min'])}-min {profile} walk ({speed:g} km/h ≈ {number(limit)} m)"
    return limit, how_zh, how_en

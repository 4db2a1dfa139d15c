"""scale: the population, households, area or size of the planning unit within a band (design.md §3),
e.g. a 15-minute life circle of 50 000–100 000 residents (GB 50180-2018 表3.0.4). ``radius_m`` is the
radius of the circle of the unit's area — an equivalent radius (等效半径), never a walking distance:
a walking distance is a walk_coverage rule (issue 11)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..findings import Finding
from ..schema import RESIDENTIAL, UNIT_KIND_WORDS
from .common import finding, met
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule

def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    m = params["measure"]
    unit = context.unit(rule.unit_kind)
    units = context.unit_features(rule.unit_kind)
    if unit is None:  # the scale of a tier is only meaningful for a unit drawn as that tier
        zh, en = UNIT_KIND_WORDS.get(rule.unit_kind, (rule.unit_kind, rule.unit_kind))
        return finding(rule, pack, False, None, threshold, [], f"未绘制{zh}规划单元",
                       f"no {en} planning unit is drawn")
    detail_zh = detail_en = note_zh = note_en = ""
    estimated = None
    if m in ("population", "households"):
        # The planner's own figure on the unit wins over the sum of its homes (a census count).
        given = [u.get(m) for u in units if u.get(m) is not None]
        # The sum over the unit's homes and how many are estimates, from the columns when the homes
        # are (context.total, estimated_in; issue 17: a Feature per home of a district's unit).
        value = float(sum(given)) if given else context.total({"measure": m, "layer": RESIDENTIAL}, rule.unit_kind)
        estimated = None if given else context.estimated_in(rule.unit_kind, m)
        if estimated:
            word_zh = "户数" if m == "households" else "人口"
            note_zh = f"（{estimated[0]}/{estimated[1]} 处住宅的{word_zh}为估算）"
            note_en = f"; {estimated[0]} of {estimated[1]} homes have an estimated {m}"
    elif m == "area_ha":
        value = unit.area / 10_000
    else:  # radius_m: the radius of the circle of equal area
        value = math.sqrt(unit.area / math.pi)
        detail_zh, detail_en = "规划单元等效圆半径（非步行距离）", "equivalent-circle radius of the unit (not a walking distance): "
    ok = met(value, threshold.get("min"), threshold.get("max"))
    return finding(rule, pack, ok, value, threshold, [(u.layer, u.fid) for u in units], detail_zh, detail_en,
                   note_zh, note_en, estimated=estimated)

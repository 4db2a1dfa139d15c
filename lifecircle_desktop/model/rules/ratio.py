"""ratio: scale × Σ numerator / Σ denominator over the planning unit (design.md §3): m² per 100
households, shares, parking spaces per household, property rooms ≥ 2‰. A base of households or
population counts homes whose figure is estimated; the finding says how many (issue 11)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ..findings import Finding
from ..schema import FACILITIES, RESIDENTIAL
from .common import finding, met, number
from .units import unit_word
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule

# What a side of a ratio sums, in words: the finding names a zero base by what it is.
MEASURE_WORDS = {"households": ("住户", "households"), "population": ("人口", "residents"),
                 "floor_area": ("建筑面积", "floor area"), "land_area": ("用地面积", "land area"),
                 "usable_area": ("使用面积", "usable area"), "activity_area": ("居民活动面积", "activity area"),
                 "parking_spaces": ("停车位", "parking spaces"), "accessible_spaces": ("无障碍车位", "accessible spaces"),
                 "charging_spaces": ("充电车位", "charging spaces"), "beds": ("床位", "beds"),
                 "classes": ("班级", "classes"), "lockers": ("智能信包箱格口", "lockers"), "count": ("数量", "count")}


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, threshold, _ = context.terms(rule)
    numerator = context.total(params["numerator"], rule.unit_kind)
    denominator = context.total(params["denominator"], rule.unit_kind)
    if denominator <= 0:
        zh, en = _base_words(params["denominator"], context)
        return finding(rule, pack, False, None, threshold, [], f"无法计算：规划单元内没有{zh}",
                       f"cannot be computed: the unit has no {en}")
    value = params.get("scale", 1) * numerator / denominator
    types = params["numerator"].get("types")
    features = context.facility_pairs(context.facility_rows(rule.unit_kind, types)) if types else ()
    said_zh = f"{_side_words(params['numerator'], numerator, True)} / {_side_words(params['denominator'], denominator, True)}"
    said_en = f"{_side_words(params['numerator'], numerator, False)} / {_side_words(params['denominator'], denominator, False)}"
    estimated = _estimated(params, rule.unit_kind, context)
    note_zh = f"（{estimated[0]}/{estimated[1]} 处住宅的户数或人口为估算）" if estimated else ""
    note_en = f"; {estimated[0]} of {estimated[1]} homes have estimated households or residents" if estimated else ""
    return finding(rule, pack, met(value, threshold.get("min"), threshold.get("max")), value, threshold,
                   features, f"{said_zh}，", f"{said_en}; ", note_zh, note_en, estimated=estimated)


# The unit of what a side sums: the reviewer reads "建筑面积 0 平方米 / 住户 12967 户", not "0 / 12967".
MEASURE_UNITS = {"floor_area": "m2", "land_area": "m2", "usable_area": "m2", "activity_area": "m2",
                 "households": "households", "population": "persons", "beds": "beds", "classes": "classes",
                 "count": "count"}
SPACES = ("个", "spaces")


def _side_words(side: Mapping, value: float, zh: bool) -> str:
    word = MEASURE_WORDS.get(side["measure"], (side["measure"], side["measure"]))[0 if zh else 1]
    if side.get("layer") == "unit":  # the planning unit's own area, not a facility's
        word = f"规划单元{word}" if zh else f"unit {word}"
    unit = MEASURE_UNITS.get(side["measure"])
    unit_text = unit_word(unit, zh) if unit else SPACES[0 if zh else 1]
    if not zh and side["measure"] in ("households", "population"):
        word = ""  # "12967 households", not "households 12967 households"
    return f"{word} {number(value)}{' ' if unit_text else ''}{unit_text}".strip()


def _base_words(side: Mapping, context: Context) -> tuple[str, str]:
    zh, en = MEASURE_WORDS.get(side["measure"], (side["measure"], side["measure"]))
    if side.get("types"):
        return f"{context.type_names(side['types'], True)}的{zh}", f"{en} of {context.type_names(side['types'], False)}"
    return zh, en


def _estimated(params: Mapping, unit_kind: str, context: Context) -> tuple[int, int] | None:
    """(homes with an estimated figure, homes) when a side sums homes' households or population."""
    for side in (params["numerator"], params["denominator"]):
        layer = side.get("layer", FACILITIES if "types" in side else RESIDENTIAL)
        if layer in (RESIDENTIAL, "unit") and side["measure"] in ("households", "population"):
            return context.estimated_in(unit_kind, side["measure"])
    return None

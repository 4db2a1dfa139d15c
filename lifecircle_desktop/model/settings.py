"""Plan settings (规划设置): the numbers and classes a plan is judged with that are not features.

Issue 11: rules for one kind of community fired on all, and the walking speeds, persons per
household, floor area per household and usable share were hidden constants. Each is now a
setting of the plan — stored in it, undoable, shown in the CLI report, the JSON and the desktop —
with the source it comes from, or "默认值，无公开依据 / default, no published figure".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

NO_SOURCE = ("默认值，无公开依据", "default, no published figure")


@dataclass(frozen=True)
class Setting:
    key: str
    name_zh: str
    name_en: str
    default: Any
    unit: str = ""  # a key of rules/units.py UNITS, or "km/h"
    choices: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # code -> (zh, en); empty: a number
    minimum: float | None = None  # a number setting's allowed band (both ends included)
    maximum: float | None = None
    source: tuple[str, str] = NO_SOURCE  # (zh, en): where the default comes from

    def choice_words(self, value: str, zh: bool = True) -> str:
        zh_word, en_word = self.choices.get(value, (value, value))
        return zh_word if zh else en_word


COMMUNITY_CLASSES = {"basic": ("基础类", "basic"), "characteristic": ("特色类", "characteristic")}
# 上海 area classes the Shanghai sources name (standards.md: sh_bus_stop_300m_inner_ring, …). "none":
# not set yet; "outside_shanghai": a plan elsewhere. Rules for one part of Shanghai are n/a in both,
# and the finding says which (a plan in Shanghai must not read "outside Shanghai").
AREA_CLASSES = {"none": ("未设置", "not set"),
                "outside_shanghai": ("上海以外", "outside Shanghai"),
                "inner_ring": ("内环内", "inside the Inner Ring"),
                "between_rings": ("内外环间", "between the Inner and Outer Rings"),
                "outer_ring": ("外环外", "outside the Outer Ring"),
                "new_town": ("新城", "new town"),
                "new_market_town": ("新市镇", "new market town")}

_SETTINGS = (
    Setting("community_class", "完整社区类别", "Complete-community class", "basic", choices=COMMUNITY_CLASSES,
            source=("《上海市完整社区建设实施方案》：分类推进本市基础类和特色类完整社区建设",
                    "Shanghai complete community implementation plan: basic and characteristic communities")),
    Setting("area_class", "上海区位类别", "Shanghai area class", "none", choices=AREA_CLASSES,
            source=("《上海15分钟社区生活圈规划技术标准（征求意见稿）》：内环内 / 内外环间 / 新城",
                    "Shanghai 15-minute life circle technical standard (draft): inner ring / between rings / new towns")),
    Setting("speed_adult_kmh", "成人步行速度", "Adult walking speed", 4.0, "km/h", minimum=1.0, maximum=8.0),
    Setting("speed_elderly_kmh", "老年人步行速度", "Elderly walking speed", 3.0, "km/h", minimum=1.0, maximum=8.0),
    Setting("speed_child_kmh", "儿童步行速度", "Child walking speed", 3.0, "km/h", minimum=1.0, maximum=8.0),
    Setting("persons_per_household", "户均人口", "Persons per household", 2.3, "persons", minimum=1.0, maximum=10.0),
    Setting("floor_area_per_household_m2", "户均住宅建筑面积", "Floor area per household", 90.0, "m2",
            minimum=20.0, maximum=500.0),
    Setting("usable_share", "使用面积占建筑面积比例", "Usable share of floor area", 0.7, "", minimum=0.3, maximum=1.0),
    Setting("connector_limit_m", "住宅接入路网距离上限", "Longest home-to-network connector", 100.0, "m",
            minimum=1.0, maximum=2000.0),
    # Capacity and demand (issue 15, model/capacity.py). The reference found neither 建标175-2016's
    # 班额 nor any age share or 千人指标 (standards.md §11 "sought but not found"): defaults, said so.
    Setting("kindergarten_places_per_class", "幼儿园每班学位数", "Kindergarten places per class", 30.0,
            "places/class", minimum=1.0, maximum=60.0),
    Setting("kindergarten_age_share", "3—6岁儿童占人口比例", "Share of residents aged 3–6", 0.03, "",
            minimum=0.001, maximum=0.5),
    Setting("nursery_places_per_class", "托儿所每班托位数", "Nursery places per class", 20.0, "places/class",
            minimum=1.0, maximum=60.0),
    Setting("nursery_age_share", "0—3岁婴幼儿占人口比例", "Share of residents aged 0–3", 0.025, "",
            minimum=0.001, maximum=0.5),
    Setting("elderly_age_share", "60岁及以上老年人占人口比例", "Share of residents aged 60 and over", 0.2, "",
            minimum=0.001, maximum=1.0),
    Setting("care_bed_share", "需机构照护床位的老年人比例", "Share of the elderly needing a care bed", 0.03, "",
            minimum=0.001, maximum=1.0),
    Setting("service_area_per_100_households_m2", "每百户社区综合服务设施面积", "Service floor area per 100 households",
            30.0, "m2/100 households", minimum=1.0, maximum=500.0,
            source=("《上海市完整社区建设实施方案》：每百户居民拥有社区综合服务设施面积原则上不低于30平方米",
                    "Shanghai complete community implementation plan: in principle at least 30 m² of community "
                    "service floor area per 100 households")),
)
SETTINGS: Mapping[str, Setting] = MappingProxyType({s.key: s for s in _SETTINGS})
DEFAULTS: Mapping[str, Any] = MappingProxyType({s.key: s.default for s in _SETTINGS})
# A walking profile's setting (walk_coverage `profile`).
SPEED_KEYS = {"adult": "speed_adult_kmh", "elderly": "speed_elderly_kmh", "child": "speed_child_kmh"}


def resolved(stored: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Every setting's value: the stored ones (known keys only), defaults for the rest."""
    stored = stored or {}
    return MappingProxyType({k: stored.get(k, d) if stored.get(k) is not None else d for k, d in DEFAULTS.items()})


def check(key: str, value: Any) -> str | None:
    """Why ``value`` is not a valid value of setting ``key`` (a sentence in English), or None."""
    setting = SETTINGS.get(key)
    if setting is None:
        return f"there is no plan setting {key!r}"
    if setting.choices:
        return None if value in setting.choices else f"{key} must be one of {', '.join(setting.choices)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return f"{key} must be a number"
    if (setting.minimum is not None and value < setting.minimum) or (setting.maximum is not None and value > setting.maximum):
        return f"{key} must lie between {setting.minimum:g} and {setting.maximum:g}"
    return None


def is_default(key: str, value: Any) -> bool:
    return value == DEFAULTS[key]


# --- words, checks and storage (the settings lane of issue 11) ----------------------------------
# Units a setting has that model/rules/units.py does not list (a rule never measures a speed).
_EXTRA_UNITS = {"km/h": ("千米/小时", "km/h"), "places/class": ("个/班", "places per class")}
# The plan_meta keys: "settings" holds the settings set (a JSON object, defaults not stored);
# "speed_profiles_kmh" ({adult, elderly, child}) is where plans before issue 11 kept the walking
# speeds — read when "settings" lacks a speed, and kept equal to the speeds in use, so that an
# older version of the program reading the plan walks at the same speeds.
META_KEY = "settings"
LEGACY_SPEEDS_KEY = "speed_profiles_kmh"


def unit_words(key: str, zh: bool = True) -> str:
    """The unit of setting ``key`` as a reviewer reads it (千米/小时, 平方米, 米, 人); "" for a share."""
    from .rules.units import UNITS
    code = SETTINGS[key].unit
    zh_word, en_word = _EXTRA_UNITS.get(code) or UNITS.get(code, (code, code))
    return zh_word if zh else en_word


def name_words(key: str, zh: bool = True) -> str:
    setting = SETTINGS[key]
    return setting.name_zh if zh else setting.name_en


def source_words(key: str, zh: bool = True) -> str:
    zh_words, en_words = SETTINGS[key].source
    return zh_words if zh else en_words


def value_words(key: str, value: Any, zh: bool = True) -> str:
    """A value as the planner reads it: a class by its name (特色类), a number with its unit (4.5 千米/小时)."""
    setting = SETTINGS[key]
    if setting.choices:
        return setting.choice_words(value, zh)
    unit = unit_words(key, zh)
    return f"{value:g} {unit}" if unit else f"{value:g}"


def problem(key: str, value: Any) -> tuple[str, str] | None:
    """Why ``value`` cannot be setting ``key``: one sentence in Chinese and in English; None if it can."""
    setting = SETTINGS.get(key)
    if setting is None:
        return (f"没有规划设置 {key!r}（可设置：{'、'.join(SETTINGS)}）",
                f"there is no plan setting {key!r} (settings: {', '.join(SETTINGS)})")
    if check(key, value) is None:
        return None
    if setting.choices:
        words = "、".join(f"{code}（{zh}）" for code, (zh, _en) in setting.choices.items())
        return (f"{setting.name_zh}（{key}）必须是{words}之一，而不是 {value!r}",
                f"{setting.name_en} {key} must be one of {', '.join(setting.choices)}, not {value!r}")
    unit_zh, unit_en = unit_words(key, True), unit_words(key, False)
    low, high = f"{setting.minimum:g}", f"{setting.maximum:g}"
    return (f"{setting.name_zh}（{key}）必须是 {low}—{high}{unit_zh}之间的数，而不是 {value!r}",
            f"{setting.name_en} {key} must be a number from {low} to {high}{(' ' + unit_en) if unit_en else ''}, "
            f"not {value!r}")


def normalized(key: str, value: Any) -> Any:
    """A number setting's value as a float (4 and 4.0 are one speed); anything else unchanged."""
    setting = SETTINGS.get(key)
    if setting is not None and not setting.choices and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def parse(key: str, text: str) -> Any:
    """A value typed on the command line (``--set speed_adult_kmh=4.5``): a number for a number
    setting when it reads as one, else the text (which ``problem`` then names)."""
    setting = SETTINGS.get(key)
    text = text.strip()
    if setting is None or setting.choices:
        return text
    try:
        return float(text)
    except ValueError:
        return text


def stored(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a plan sets (defaults left out), from its plan_meta. A speed missing from
    "settings" comes from an older plan's "speed_profiles_kmh". A value no setting allows (written
    by another program) is left out: the default holds, as if it were not set. Reads only."""
    raw = meta.get(META_KEY)
    raw = raw if isinstance(raw, Mapping) else {}
    legacy = meta.get(LEGACY_SPEEDS_KEY)
    legacy = legacy if isinstance(legacy, Mapping) else {}
    out: dict[str, Any] = {}
    for key in SETTINGS:
        if key in raw:
            value = raw[key]
        else:
            profile = next((p for p, k in SPEED_KEYS.items() if k == key), None)
            if profile is None or profile not in legacy:
                continue
            value = legacy[profile]
        value = normalized(key, value)
        if check(key, value) is None and not is_default(key, value):
            out[key] = value
    return out


def meta_values(meta: Mapping[str, Any], key: str, value: Any) -> dict[str, Any]:
    """The plan_meta keys to write so that setting ``key`` reads ``value`` (``value`` valid):
    "settings" with the key set, or left out when ``value`` is the default; for a speed, also
    "speed_profiles_kmh" with the speeds in use."""
    settings = stored(meta)
    value = normalized(key, value)
    if is_default(key, value):
        settings.pop(key, None)
    else:
        settings[key] = value
    out: dict[str, Any] = {META_KEY: {k: settings[k] for k in SETTINGS if k in settings}}
    if key in SPEED_KEYS.values():
        now = resolved(settings)
        out[LEGACY_SPEEDS_KEY] = {profile: now[k] for profile, k in SPEED_KEYS.items()}
    return out


def speed_profiles(values: Mapping[str, Any]) -> dict[str, float]:
    """{adult, elderly, child} km/h of resolved settings (walk_coverage rules' ``profile``)."""
    return {profile: float(values[key]) for profile, key in SPEED_KEYS.items()}

"""Loading and checking rule packs. A bad rule is reported with its file and line."""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..capacity import CAPACITY_KINDS
from ..catalogue import Catalogue, load_catalogue
from ..errors import PlanError
from ..resources import STANDARDS
from ..schema import FACILITIES, RESIDENTIAL
from ..settings import AREA_CLASSES, COMMUNITY_CLASSES
from .evaluators import EVALUATORS
from .units import UNITS

SEVERITIES = ("required", "recommended", "informative")
CONFIDENCES = ("high", "medium", "low")
# The source's own words set a rule's severity (issue 11; standards.md legend): 应/必须/不应 →
# required, 宜/原则上/为原则 → recommended, 鼓励/可 → informative. A rule names the word of its quote
# that governs (``modal``); the loader refuses a word its quote does not hold or a severity that
# disagrees with it.
MODAL_WORDS = {
    "required": ("应", "必须", "不应", "不得", "严禁", "不小于", "不低于", "不少于", "至少", "约束性"),
    "recommended": ("宜", "不宜", "为宜", "原则上", "为原则", "尽量", "因地制宜", "优先", "一般"),
    "informative": ("鼓励", "可", "可以", "预期性"),
}
MODALITY = {word: severity for severity, words in MODAL_WORDS.items() for word in words}
# When the quoted words carry no modal word, the basis the severity rests on.
MODAL_BASES = {"建设标准表": "required",  # the 20 建设要求 of 完整居住社区建设标准（试行）
               "控制指标": "required",  # a control indicator of a national standard's table (GB 50180-2018 表4.0.4)
               "目标": "required",  # a community class's quantitative target (特色类 "100%完成")
               "全市目标": "informative",  # a city-wide programme rate (十四五 "覆盖率达到85%"): one plan is shown against it
               "定义": "informative",  # a definitional scale ("步行距离：300—500米")
               # A reading no source gives a threshold (issue 15: households within reach of a kindergarten
               # place by the 2SFCA, beside the walking rule whose threshold it shows): informative.
               "供需测算": "informative"}
MODALITY.update(MODAL_BASES)
# What a citation must never print: the catalogue's source keys and our own words for them.
INTERNAL_CODE = re.compile(r"\[S\d+\]|(?<![A-Za-z])(?:S0\d\d|P_[A-Z]+|C_[A-Z0-9]+)|(?<![A-Za-z])(?:items?|seeds?)(?![A-Za-z])|standards\.md", re.I)
APPLIES_TO = {"community_class": tuple(COMMUNITY_CLASSES), "area_class": tuple(a for a in AREA_CLASSES if a not in ("none", "outside_shanghai"))}
REQUIRE = ("each", "any", "total")
COMMUNITY_KINDS = ("new_build", "existing")
PROFILES = ("adult", "elderly", "child")
MEASURES = {  # the measures a ratio's side may sum, by the layer it sums over ("unit": the planning unit)
    FACILITIES: ("floor_area", "land_area", "usable_area", "activity_area", "parking_spaces",
                   "accessible_spaces", "charging_spaces", "beds", "classes", "lockers", "count"),
    RESIDENTIAL: ("households", "population", "floor_area", "land_area", "count"),
    "unit": ("land_area", "population", "households"),
}
# A rule's `tier` (standards.md) names the planning unit it is measured on.
TIER_UNITS = {"residential_block": "block", "5min": "5min", "10min": "10min", "15min": "15min",
              "complete_community": "community", "community": "community", "block": "block"}
SCALE_MEASURES = ("population", "households", "area_ha", "radius_m")
AREA_MEASURES = ("floor_area", "land_area", "usable_area")
# Measured on each facility by the facility_area kind: its areas, and what the plan's attributes
# hold (classes of a kindergarten, beds of a care home, floors) or its footprint shows (width).
FACILITY_MEASURES = (*AREA_MEASURES, "classes", "beds", "floors", "width")


class RulePackError(PlanError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    name_zh: str
    name_en: str
    kind: str
    severity: str
    unit: str
    params: Mapping
    thresholds: Mapping[str, Mapping]
    citation: Mapping[str, str]
    confidence: str = "high"
    pack: str = ""
    unit_kind: str = "community"  # the planning-unit kind the rule is measured on
    modal: str = ""  # the source's word (or basis) that sets the severity
    applies_to: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # setting -> the values it applies to
    group: str = ""  # the indicator it measures, shared by every rule reading that indicator

    def for_kind(self, community_kind: str) -> tuple[dict, dict] | None:
        """(params with this kind's overrides, threshold {min,max}) or None when n/a for the kind."""
        if self.kind == "manual":
            # A checklist item with per-kind tables applies only to the kinds it names.
            if self.thresholds and community_kind not in self.thresholds:
                return None
            return dict(self.params), {}
        t = self.thresholds.get(community_kind)
        if t is None:
            return None
        params = {**self.params, **{k: v for k, v in t.items() if k not in ("min", "max")}}
        return params, {k: t[k] for k in ("min", "max") if k in t}

    @cached_property
    def facility_types(self) -> tuple[str, ...]:
        """Every facility type the rule names, sorted; worked out once (a rule never changes, and
        every finding of every run carries them)."""
        p = self.params
        out = set(p.get("types", ())) | set(p.get("facility_types", ()))
        if "facility_type" in p:
            out.add(p["facility_type"])
        for side in ("numerator", "denominator"):
            out |= set(p.get(side, {}).get("types", ()))
        for alt in p.get("alternatives", ()):
            out |= set(alt.get("types", ()))
        return tuple(sorted(out))


@dataclass(frozen=True)
class Pack:
    id: str
    name_zh: str
    name_en: str
    document: str
    rules: tuple[Rule, ...]
    text: str = field(repr=False, default="")
    unit_kind: str = "community"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _rule_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[rule\]\]", line)]


def _check_rule(rule: dict, catalogue: Catalogue) -> str | None:
    """The first problem with ``rule`` (a [[rule]] table of a pack), or None."""
    for key in ("id", "name_zh", "name_en", "kind", "severity", "citation", "modal", "confidence"):
        if key not in rule:
            return f"missing {key!r}"
    if rule["kind"] not in EVALUATORS:
        return f"unknown kind {rule['kind']!r} (one of {', '.join(EVALUATORS)})"
    if rule["severity"] not in SEVERITIES:
        return f"unknown severity {rule['severity']!r}"
    citation = rule["citation"]
    if not isinstance(citation, dict) or not all(citation.get(k) for k in ("document", "clause", "text")):
        return "citation needs document, clause and text"
    for key in ("document", "clause"):
        code = INTERNAL_CODE.search(citation[key])
        if code:
            return f"citation.{key} holds an internal code {code.group(0)!r}: cite the document's own words"
    problem = _check_modality(rule)
    if problem:
        return problem
    if rule.get("unit", "") not in UNITS:
        return f"unknown unit {rule.get('unit')!r} (one of {', '.join(u for u in UNITS if u)})"
    for setting, values in rule.get("applies_to", {}).items():
        if setting not in APPLIES_TO:
            return f"applies_to.{setting}: not a setting rules are scoped by ({', '.join(APPLIES_TO)})"
        unknown = [v for v in values if v not in APPLIES_TO[setting]]
        if not values or unknown:
            return f"applies_to.{setting}: unknown {unknown or 'empty list'} (one of {', '.join(APPLIES_TO[setting])})"
    params = rule.get("params", {})
    types = [*params.get("types", ()), *params.get("facility_types", ()),
             *([params["facility_type"]] if "facility_type" in params else [])]
    for side in ("numerator", "denominator"):
        types += params.get(side, {}).get("types", [])
    for alternative in params.get("alternatives", ()):
        types += alternative.get("types", [])
    for t in types:
        if t not in catalogue:
            return f"unknown facility type {t!r}"
    kind = rule["kind"]
    if kind == "presence" and not params.get("types"):
        return "presence needs params.types"
    if kind == "facility_area":
        if "facility_type" not in params:
            return "facility_area needs params.facility_type"
        if params.get("measure") not in FACILITY_MEASURES:
            return f"facility_area measure must be one of {', '.join(FACILITY_MEASURES)}"
        if params.get("require", "each") not in REQUIRE:
            return f"facility_area require must be one of {', '.join(REQUIRE)}"
        for alternative in params.get("alternatives", ()):
            low, high = alternative.get("min_count", 1), alternative.get("max_count")
            if high is not None and high < low:
                return "an alternative's max_count is below its min_count"
    if kind == "ratio":
        for side in ("numerator", "denominator"):
            side_table = params.get(side)
            if not isinstance(side_table, dict) or "measure" not in side_table:
                return f"ratio needs params.{side}.measure"
            layer = side_table.get("layer", FACILITIES if "types" in side_table else RESIDENTIAL)
            if layer not in MEASURES or side_table["measure"] not in MEASURES[layer]:
                return f"unknown measure {side_table['measure']!r} on {layer}"
    if kind == "walk_coverage":
        if not params.get("facility_types"):
            return "walk_coverage needs params.facility_types"
        if params.get("reach", "any") not in ("any", "each"):
            return "walk_coverage reach must be 'any' or 'each'"
    if kind == "capacity_coverage" and params.get("facility_type") not in CAPACITY_KINDS:
        return f"capacity_coverage facility_type must be one of {', '.join(CAPACITY_KINDS)}"
    if kind == "scale" and params.get("measure") not in SCALE_MEASURES:
        return f"scale measure must be one of {', '.join(SCALE_MEASURES)}"
    if kind == "manual":
        if not (params.get("question_zh") and params.get("question_en")):
            return "manual needs params.question_zh and question_en"
        return None
    thresholds = rule.get("threshold", {})
    if not thresholds:
        return "no threshold for any community kind"
    for community_kind, threshold in thresholds.items():
        if community_kind not in COMMUNITY_KINDS:
            return f"unknown community kind {community_kind!r} in threshold"
        if "min" not in threshold and "max" not in threshold:
            return f"threshold.{community_kind} needs min or max"
        if kind == "walk_coverage":
            merged = {**params, **threshold}
            if "limit_m" not in merged and "limit_min" not in merged:
                return "walk_coverage needs limit_m or limit_min"
            if "limit_min" in merged and merged.get("profile", "adult") not in PROFILES:
                return f"unknown walking profile {merged.get('profile')!r}"
    return None


def _check_modality(rule: dict) -> str | None:
    """The rule's severity must be what its source's words say (issue 11)."""
    modal, text = rule["modal"], rule["citation"]["text"]
    if rule["confidence"] not in CONFIDENCES:
        return f"unknown confidence {rule['confidence']!r}"
    if modal not in MODALITY:
        return f"modal {modal!r} is neither a modal word ({', '.join(sorted(MODALITY))}) nor a basis"
    if modal not in MODAL_BASES and modal not in text:
        return f"modal {modal!r} does not occur in the quoted source words"
    if MODALITY[modal] != rule["severity"]:
        return f"severity {rule['severity']!r} disagrees with the source's word {modal!r} ({MODALITY[modal]})"
    return None


def _freeze(obj):
    if isinstance(obj, dict):
        return MappingProxyType({k: _freeze(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return tuple(_freeze(v) for v in obj)
    return obj


def load_pack(path: Path | str, catalogue: Catalogue | None = None, text: str | None = None) -> Pack:
    """Load and check one pack; RulePackError names the file and the line of a bad rule."""
    path = Path(path)
    catalogue = catalogue or load_catalogue()
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
        data = tomllib.loads(text)
    except OSError as e:
        raise RulePackError(f"无法读取规则包 {path.name}：{e.strerror}", f"cannot read rule pack {path.name}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise RulePackError(f"{path.name}：TOML 语法错误（{e}）", f"{path.name}: TOML syntax error ({e})") from None
    head = data.get("pack", {})
    if not head.get("id"):
        raise RulePackError(f"{path.name}：缺少 [pack] id", f"{path.name}: [pack] has no id")
    lines = _rule_lines(text)
    rules, seen = [], set()
    for i, table in enumerate(data.get("rule", [])):
        line = lines[i] if i < len(lines) else 0
        problem = _check_rule(table, catalogue)
        if problem is None and table["id"] in seen:
            problem = "duplicate rule id"
        if problem:
            rule_id = table.get("id", "?")
            raise RulePackError(f"{path.name}:{line}: 规则 {rule_id}：{problem}",
                                f"{path.name}:{line}: rule {rule_id}: {problem}")
        seen.add(table["id"])
        rules.append(Rule(table["id"], table["name_zh"], table["name_en"], table["kind"], table["severity"],
                          table.get("unit", ""), _freeze(table.get("params", {})),
                          _freeze(table.get("threshold", {})), _freeze(table["citation"]),
                          table["confidence"], head["id"],
                          TIER_UNITS.get(table.get("tier", ""), head.get("unit_kind", "community")),
                          table["modal"], _freeze({k: list(v) for k, v in table.get("applies_to", {}).items()}),
                          table.get("group", "")))
    return Pack(head["id"], head.get("name_zh", head["id"]), head.get("name_en", head["id"]),
                head.get("document", ""), tuple(rules), text, head.get("unit_kind", "community"))


def pack_paths(directory: Path = STANDARDS) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.toml") if p.name != "catalogue.toml")


@lru_cache(maxsize=64)
def _load_shipped(path: str, mtime_ns: int, size: int) -> Pack:
    """Packs are immutable, so one parse serves every plan opened (48 ms per open before); an
    edited file has another mtime or size and is parsed again."""
    return load_pack(path)


def load_packs(ids=None, directory: Path = STANDARDS) -> list[Pack]:
    packs = [_load_shipped(str(p), st.st_mtime_ns, st.st_size)
             for p in pack_paths(directory) for st in [p.stat()]]
    if ids is None:
        return packs
    by_id = {p.id: p for p in packs}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise RulePackError(f"没有规则包 {', '.join(missing)}", f"no rule pack {', '.join(missing)}")
    return [by_id[i] for i in ids]

"""The report's words and facts that need no Qt: the cover's lines (packs with their hashes, the
plan settings with their sources), the walking-distance footnote, the overrides, the checklist
and the findings that changed between two scenarios. Every phrase is a (Chinese, English) pair,
picked by the report's language (like model/errors.PlanError)."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from ...model import settings as plan_settings
from ...model.findings import Finding, Results, status_word
from ...model.gaps import Difference, compare
from ...model.resources import STANDARDS
from ...model.rules.packs import Pack
from ...model.rules.units import unit_word
from ...model.session import OSM_CREDIT

BASE_SCENARIO = ("基础方案", "Base scenario")  # ui/undo.scenario_title's words, without Qt
KIND_WORDS = {"existing": ("既有居住社区", "existing community"), "new_build": ("新建居住社区", "new-build community")}
# docs/walking-distance.md: what every walking figure of the report means.
WALK_FOOTNOTE = (
    "步行距离：自住宅出入口经接入段走到最近的步行道，沿步行网络的最短路径，再经接入段到设施出入口的距离，"
    "取住宅与设施各出入口之间的最小值（只计开放的出入口）；步行时间按规划设置中的步行速度换算为距离。",
    "Walking distance: from a home's entrance onto the nearest walkable path, along the shortest path of the "
    "walking network, then to the facility's entrance — the least over the open entrances of both; walking "
    "times become distances at the plan's walking speeds.")
OSM_CREDIT_ZH = "© OpenStreetMap 贡献者"


def pick(pair: tuple[str, str], zh: bool) -> str:
    return pair[0] if zh else pair[1]


def scenario_words(name: str, zh: bool) -> str:
    """A scenario as the reviewer reads it: the base scenario by its name (基础方案)."""
    return pick(BASE_SCENARIO, zh) if name == "base" else name


def credit_lines(credits: list[str], zh: bool) -> list[str]:
    """The data credits in the report's language (ODbL asks for the credit, in any language)."""
    return [OSM_CREDIT_ZH if zh and line == OSM_CREDIT else line for line in credits]


def pack_hash(pack: Pack) -> str:
    """The first 12 hex digits of the sha256 of the pack as loaded (its file's text), so a reviewer
    can tell which edition of a pack judged the plan."""
    if pack.text:
        return pack.sha256[:12]
    path = Path(STANDARDS) / f"{pack.id}.toml"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "—"


def pack_version(pack: Pack) -> str:
    """A pack's version: its ``version`` field where it has one, else the year in its id."""
    version = getattr(pack, "version", None)
    if version:
        return str(version)
    digits = [part for part in pack.id.split("_") if part.isdigit()]
    return digits[-1] if digits else "—"


@dataclass(frozen=True)
class SettingRow:
    name: str
    value: str
    source: str
    default: bool


def setting_rows(values, zh: bool) -> list[SettingRow]:
    """The plan settings (model/settings.py) with their values and where each comes from."""
    rows = []
    for key, setting in plan_settings.SETTINGS.items():
        value = values.get(key, setting.default)
        rows.append(SettingRow(plan_settings.name_words(key, zh), plan_settings.value_words(key, value, zh),
                               plan_settings.source_words(key, zh), plan_settings.is_default(key, value)))
    return rows


def number_words(value: float | None, unit: str, zh: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}".rstrip("0").rstrip(".")
    word = unit_word(unit, zh)
    return f"{text} {word}".strip() if word not in ("%", "‰") else f"{text}{word}"


@dataclass(frozen=True)
class Override:
    rule: str
    name: str
    key: str
    value: str
    standard: str
    note: str


def overrides(results: Results, plan, standard_of, zh: bool) -> list[Override]:
    """The district's own thresholds (区级调整) the findings were judged with, beside the pack's
    own value (``standard_of(rule)``: (key, value) or None — PlanSession.standard_threshold)
    and the note the district gave."""
    out = []
    for f in results.findings:
        for key, value in f.overrides:
            _value, note = plan.override(f.rule, plan.community_kind, key)
            standard = standard_of(f.rule)
            out.append(Override(f.rule, f.name_zh if zh else f.name_en, key, number_words(value, f.unit, zh),
                                number_words(standard[1], f.unit, zh) if standard and standard[0] == key else "—",
                                note or ""))
    return out


ANSWER_WORDS = {"yes": ("是", "yes"), "no": ("否", "no"), "n/a": ("不适用", "n/a"), None: ("未作答", "not answered")}


def checklist(results: Results, plan, scenario: str, packs: list[Pack], zh: bool) -> list[tuple[str, str, str, str]]:
    """(pack, question, answer, verdict) of each checklist item (manual finding) that applies, in the
    validator's order — the questions in the pack's words, as the checklist panel asks them; the
    answer with the planner's note."""
    answers = plan.manual_answers(scenario)
    rules = {r.id: r for p in packs for r in p.rules}
    titles = {p.id: p.name_zh if zh else p.name_en for p in packs}
    rows = []
    for f in results.findings:
        if f.kind != "manual" or (f.status == "n/a" and answers.get(f.rule) is None):
            continue
        rule = rules.get(f.rule)
        params = rule.params if rule is not None else {}
        question = params.get("question_zh", f.name_zh) if zh else params.get("question_en", f.name_en)
        answer = pick(ANSWER_WORDS.get(answers.get(f.rule), ANSWER_WORDS[None]), zh)
        _answer, note = plan.manual_answer(scenario, f.rule) if f.rule in answers else (None, None)
        if note:
            answer = f"{answer}（{note}）" if zh else f"{answer} ({note})"
        rows.append((titles.get(f.pack, f.pack), question, answer, status_word(f.status, "zh" if zh else "en")))
    return rows


def changed_findings(before: Results, after: Results) -> list[Difference]:
    """The findings whose status or measured value differs between two scenarios (model/gaps, the
    comparison the desktop's 方案对比 shows)."""
    return compare(before, after)


def finding_words(f: Finding | None, zh: bool) -> str:
    """A finding's verdict and measured value in one cell ("未达标 · 0%")."""
    if f is None:
        return pick(("无此项", "no finding"), zh)
    verdict = status_word(f.status, "zh" if zh else "en")
    return verdict if f.measured is None else f"{verdict} · {number_words(f.measured, f.unit, zh)}"

"""What every evaluator kind says the same way: the verdict, the threshold in words, numbers at the
precision the source gives them, units in the reader's language, citations as a reviewer reads them,
and the fields every Finding of a rule carries."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np

from ..findings import Finding, status_word
from ..settings import SETTINGS
from .units import unit_word

if TYPE_CHECKING:
    from .packs import Pack, Rule

COMMUNITY_KINDS_ZH = {"new_build": "新建社区", "existing": "既有社区"}
APPLIES_TO_WORDS = {"community_class": ("社区类别", "community class"), "area_class": ("上海区位类别", "Shanghai area class")}


def decimals(value: float) -> int:
    """How many decimals a figure is given with (0.35 → 2, 30 → 0, 2.5 → 1), at most 3."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def figure(value: float) -> str:
    """A threshold at the source's precision: 0.35 stays 0.35 (issue 11: it printed as 0.3), 2200
    stays 2200."""
    value = float(value)
    places = decimals(value)
    return f"{value:.0f}" if places == 0 else f"{value:.{places}f}"


def number(value: float, places: int | None = None) -> str:
    """A measured value as a planner reads it: ``places`` decimals (one more than its threshold's,
    so that 0.348 is not printed as 0.35 beside "≥ 0.35"), else whole from 100 up and one
    decimal below."""
    value = float(value)
    if places is None:
        places = 0 if abs(value) >= 100 else 1
    if places == 0 or value.is_integer():
        return f"{value:.0f}"
    return f"{value:.{places}f}"


def measured_places(value: float, minimum: float | None, maximum: float | None) -> int:
    """Decimals for a measured value shown beside a threshold: one more than the threshold's, at
    least one below 100, none from 100 up unless the threshold has decimals."""
    given = max((decimals(t) for t in (minimum, maximum) if t is not None), default=0)
    if given:
        return given + 1
    return 0 if abs(value) >= 100 else 1


def toward_verdict(value: float, places: int, missed: float | None) -> float:
    """The measured value rounded away from ``missed`` (the threshold it falls short of; None when
    met) so that the printed figure agrees with the verdict: 99.96 % short of "≥ 100%" prints
    99.9 %, never "100.0%，未达标". The findings panel rounds its column the same way."""
    if missed is None:
        return value
    scale = 10 ** places
    return math.floor(value * scale) / scale if value < missed else math.ceil(value * scale) / scale


def bounds_text(minimum: float | None, maximum: float | None, unit: str, zh: bool) -> str:
    """The threshold in words: "≥ 2200 平方米", "≤ 300 m", "50–100 平方米"."""
    word = unit_word(unit, zh)
    word = f" {word}" if word and word not in ("%", "‰") else word
    if minimum is not None and maximum is not None:
        return f"{figure(minimum)}–{figure(maximum)}{word}"
    if minimum is not None:
        return f"≥ {figure(minimum)}{word}"
    if maximum is not None:
        return f"≤ {figure(maximum)}{word}"
    return "—"


def amount(value: float, unit: str, zh: bool, places: int | None = None) -> str:
    """A measured value with its unit: "144 平方米", "81.8%"."""
    word = unit_word(unit, zh)
    return f"{number(value, places)}{'' if not word or word in ('%', '‰') else ' '}{word}"


def met(value: float, minimum: float | None, maximum: float | None) -> bool:
    """Within the band, both ends included (a float sum of areas may miss 2200 by 1e-12)."""
    return (minimum is None or value >= minimum - 1e-9) and (maximum is None or value <= maximum + 1e-9)


def met_each(values: np.ndarray, minimum: float | None, maximum: float | None) -> np.ndarray:
    """:func:`met` of each of ``values`` (floats), as an array."""
    ok = np.ones(len(values), dtype=bool)
    if minimum is not None:
        ok &= values >= minimum - 1e-9
    if maximum is not None:
        ok &= values <= maximum + 1e-9
    return ok


def verdict(rule: Rule, ok: bool) -> str:
    """pass, or fail for a required rule and warn for a recommended or informative one (design.md §3)."""
    if ok:
        return "pass"
    return "fail" if rule.severity == "required" else "warn"


def met_word(ok: bool) -> str:
    """达标 / 未达标: the status words for a rule met or not (a recommended rule not met is still 未达标
    in the message; its status says 提示)."""
    return status_word("pass" if ok else "fail")


def citation_words(citation: Mapping[str, str], zh: bool = True) -> str:
    """A citation as a reviewer reads it: the document's title and its own clause, then the quoted
    words — "《完整居住社区建设指南》标准表 第14项：“至少有一片公共活动场地…”". Never a catalogue key."""
    head = " ".join(x for x in (citation.get("document", ""), citation.get("clause", "")) if x)
    text = citation.get("text", "")
    if not text:
        return head
    return f"{head}：“{text}”" if zh else f"{head}: “{text}”"


def base(rule: Rule, pack: Pack) -> dict:
    """The fields every finding of ``rule`` carries, whatever its verdict."""
    return dict(rule=rule.id, pack=pack.id, kind=rule.kind, severity=rule.severity, unit=rule.unit,
                citation=dict(rule.citation), name_zh=rule.name_zh, name_en=rule.name_en,
                facility_types=rule.facility_types, confidence=rule.confidence, modal=rule.modal, group=rule.group)


def finding(rule: Rule, pack: Pack, ok: bool, measured: float | None, threshold: dict,
            features: Iterable[tuple[str, int]], detail_zh: str = "", detail_en: str = "",
            note_zh: str = "", note_en: str = "", **extra) -> Finding:
    """A measured finding: "<name>：<detail>实测 X，要求 ≥ Y，达标<note>"; with nothing measured
    (``measured`` is None), n/a and the detail says why."""
    minimum, maximum = threshold.get("min"), threshold.get("max")
    status = verdict(rule, ok) if measured is not None else "n/a"
    if measured is None:
        message_zh = f"{rule.name_zh}：{detail_zh or '无可测对象'}"
        message_en = f"{rule.name_en}: {detail_en or 'nothing to measure'}"
    else:
        places = measured_places(measured, minimum, maximum)
        missed = None if ok else (minimum if minimum is not None and measured < minimum else maximum)
        shown = toward_verdict(measured, places, missed)
        verdict_en = "meets" if ok else "falls short of"
        message_zh = (f"{rule.name_zh}：{detail_zh}实测 {amount(shown, rule.unit, True, places)}，"
                      f"要求 {bounds_text(minimum, maximum, rule.unit, True)}，{met_word(ok)}{note_zh}")
        message_en = (f"{rule.name_en}: {detail_en}measured {amount(shown, rule.unit, False, places)}, "
                      f"{verdict_en} {bounds_text(minimum, maximum, rule.unit, False)}{note_en}")
    return Finding(**base(rule, pack), status=status, measured=None if measured is None else round(float(measured), 3),
                   threshold=minimum if minimum is not None else maximum,
                   threshold_max=maximum if minimum is not None else None,
                   features=tuple(features), message_zh=message_zh, message_en=message_en, **extra)


def not_applicable(rule: Rule, pack: Pack, community_kind: str) -> Finding:
    """The rule has no threshold for this community kind (e.g. a new-build-only rule in an old estate)."""
    kind_zh = COMMUNITY_KINDS_ZH.get(community_kind, community_kind)
    return Finding(**base(rule, pack), status="n/a", measured=None, threshold=None, features=(),
                   message_zh=f"{rule.name_zh}：{status_word('n/a')}于{kind_zh}",
                   message_en=f"{rule.name_en}: does not apply to {community_kind.replace('_', '-')} communities")


def out_of_scope(rule: Rule, pack: Pack, key: str, value: str) -> Finding:
    """The rule is for another community class or another part of Shanghai than the plan's
    setting: n/a, and the message says which it is for and what the plan is."""
    setting = SETTINGS[key]
    wanted = rule.applies_to[key]
    what_zh, what_en = APPLIES_TO_WORDS[key]
    for_zh = "、".join(setting.choice_words(v, True) for v in wanted)
    for_en = ", ".join(setting.choice_words(v, False) for v in wanted)
    return Finding(**base(rule, pack), status="n/a", measured=None, threshold=None, features=(),
                   message_zh=f"{rule.name_zh}：{status_word('n/a')}——仅适用于{for_zh}（本规划{what_zh}："
                              f"{setting.choice_words(value, True)}）",
                   message_en=f"{rule.name_en}: n/a — applies to {for_en} only (this plan's {what_en}: "
                              f"{setting.choice_words(value, False)})")


def with_overrides(finding: Finding, overridden: tuple[tuple[str, float], ...]) -> Finding:
    """Shown in the finding and the report: the value is the district's, not the pack's (design.md §3)."""
    if not overridden:
        return finding
    said = ", ".join(f"{key} = {figure(value)}" for key, value in overridden)
    return replace(finding, overrides=overridden,
                   message_zh=f"{finding.message_zh}（区级调整阈值：{said}）",
                   message_en=f"{finding.message_en} (district override: {said})")

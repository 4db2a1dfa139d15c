"""What every evaluator kind says the same way: the verdict, the threshold in words, numbers at the
precision a planner reads them, units, and the fields every Finding of a rule carries."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from ..findings import Finding, status_word

if TYPE_CHECKING:
    from .packs import Pack, Rule

UNITS_ZH = {"m2": "m²", "m": "米", "%": "%", "min": "分钟", "count": "处", "persons": "人", "households": "户",
            "ha": "公顷", "m2/100hh": "m²/百户", "spaces/household": "个/户", "‰": "‰"}
COMMUNITY_KINDS_ZH = {"new_build": "新建社区", "existing": "既有社区"}


def number(value: float) -> str:
    """A measured value or threshold as a planner reads it: whole from 100 up, else one decimal."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.1f}"


def bounds_text(minimum: float | None, maximum: float | None, unit: str, zh: bool) -> str:
    """The threshold in words: "≥ 2200 m²", "≤ 300 米", "50–100 m²"."""
    unit_word = UNITS_ZH.get(unit, unit) if zh else unit
    if minimum is not None and maximum is not None:
        return f"{number(minimum)}–{number(maximum)} {unit_word}"
    if minimum is not None:
        return f"≥ {number(minimum)} {unit_word}"
    if maximum is not None:
        return f"≤ {number(maximum)} {unit_word}"
    return "—"


def met(value: float, minimum: float | None, maximum: float | None) -> bool:
    """Within the band, both ends included (a float sum of areas may miss 2200 by 1e-12)."""
    return (minimum is None or value >= minimum - 1e-9) and (maximum is None or value <= maximum + 1e-9)


def verdict(rule: Rule, ok: bool) -> str:
    """pass, or fail for a required rule and warn for a recommended or informative one (design.md §3)."""
    if ok:
        return "pass"
    return "fail" if rule.severity == "required" else "warn"


def met_word(ok: bool) -> str:
    """达标 / 未达标: the status words for a rule met or not (a recommended rule not met is still 未达标
    in the message; its status says 提示)."""
    return status_word("pass" if ok else "fail")


def base(rule: Rule, pack: Pack) -> dict:
    """The fields every finding of ``rule`` carries, whatever its verdict."""
    return dict(rule=rule.id, pack=pack.id, kind=rule.kind, severity=rule.severity, unit=rule.unit,
                citation=dict(rule.citation), name_zh=rule.name_zh, name_en=rule.name_en,
                facility_types=rule.facility_types)


def finding(rule: Rule, pack: Pack, ok: bool, measured: float | None, threshold: dict,
            features: Iterable[tuple[str, int]], detail_zh: str = "", detail_en: str = "", **extra) -> Finding:
    """A measured finding: "<name>：<detail>实测 X，要求 ≥ Y，达标"; with nothing measured (``measured`` is
    None), n/a and the detail says why."""
    minimum, maximum = threshold.get("min"), threshold.get("max")
    status = verdict(rule, ok) if measured is not None else "n/a"
    if measured is None:
        message_zh = f"{rule.name_zh}：{detail_zh or '无可测对象'}"
        message_en = f"{rule.name_en}: {detail_en or 'nothing to measure'}"
    else:
        want_zh = bounds_text(minimum, maximum, rule.unit, True)
        want_en = bounds_text(minimum, maximum, rule.unit, False)
        verdict_en = "meets" if ok else "falls short of"
        message_zh = (f"{rule.name_zh}：{detail_zh}实测 {number(measured)} {UNITS_ZH.get(rule.unit, rule.unit)}，"
                      f"要求 {want_zh}，{met_word(ok)}")
        message_en = f"{rule.name_en}: {detail_en}measured {number(measured)} {rule.unit}, {verdict_en} {want_en}"
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


def with_overrides(finding: Finding, overridden: tuple[tuple[str, float], ...]) -> Finding:
    """Shown in the finding and the report: the value is the district's, not the pack's (design.md §3)."""
    if not overridden:
        return finding
    said = ", ".join(f"{key} = {number(value)}" for key, value in overridden)
    return replace(finding, overrides=overridden,
                   message_zh=f"{finding.message_zh}（区级调整阈值：{said}）",
                   message_en=f"{finding.message_en} (district override: {said})")

"""The bundle's tables as pandas DataFrames (issue 12): the compliance table (one row per finding),
the per-facility table and the project list (项目实施清单). The report and the XLSX write these
same frames, so the PDF and the spreadsheet never disagree.

Columns are language-independent keys; :func:`headers` gives their titles in Chinese or English.
Words inside the cells (verdicts, units, names) follow ``ctx.lang``. Qt-free.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..model.catchments import service_populations, walk_limit
from ..model.findings import STATUSES, Finding, Results, status_word
from ..model.measures import floor_area, land_area
from ..model.rules.common import amount, bounds_text, measured_places, number, toward_verdict
from ..model.schema import FACILITIES

if TYPE_CHECKING:  # pragma: no cover
    from .context import BundleContext

COMPLIANCE_COLUMNS = ("pack", "pack_title", "group", "applied", "rule", "name", "document", "clause",
                      "required", "measured", "status", "verdict", "severity", "confidence", "message")
FACILITY_COLUMNS = ("fid", "type", "type_name", "name", "status", "status_word", "floor_area", "land_area",
                    "required_min", "verdict", "households_served", "homes_served", "limit_m")

# column -> (Chinese, English) title
TITLES: dict[str, tuple[str, str]] = {
    # compliance
    "pack": ("规则包", "Rule pack id"),
    "pack_title": ("标准", "Standard"),
    "group": ("指标", "Indicator"),
    "applied": ("计入汇总", "Counted"),
    "rule": ("规则编号", "Rule id"),
    "name": ("规则", "Rule"),
    "document": ("依据文件", "Document"),
    "clause": ("条款", "Clause"),
    "required": ("要求", "Required"),
    "measured": ("实测", "Measured"),
    "verdict": ("结论", "Verdict"),
    "severity": ("约束性", "Severity"),
    "confidence": ("来源可信度", "Source confidence"),
    "message": ("说明", "Message"),
    # facilities
    "fid": ("编号", "Id"),
    "type": ("类型代码", "Type code"),
    "type_name": ("设施类型", "Facility type"),
    "status": ("状态代码", "Status code"),
    "status_word": ("现状/规划", "Existing/planned"),
    "floor_area": ("建筑面积（平方米）", "Floor area (m²)"),
    "land_area": ("用地面积（平方米）", "Land area (m²)"),
    "required_min": ("面积下限（平方米）", "Required minimum (m²)"),
    "households_served": ("步行服务户数", "Households served"),
    "homes_served": ("步行服务住宅数", "Homes served"),
    "limit_m": ("步行服务半径（米）", "Walking limit (m)"),
}

SEVERITY_WORDS = {"required": ("约束性", "required"), "recommended": ("推荐性", "recommended"),
                  "informative": ("参考性", "informative")}
CONFIDENCE_WORDS = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
FACILITY_STATUS_WORDS = {"existing": ("现状", "existing"), "planned": ("规划", "planned")}
# The worse of two verdicts about one facility (a facility short of one area rule is short).
_WORSE = {"fail": 0, "warn": 1, "manual": 2, "pass": 3, "n/a": 4}


def headers(lang: str = "zh") -> dict[str, str]:
    """column -> its display title in ``lang`` (zh | en)."""
    i = 0 if lang.startswith("zh") else 1
    return {column: titles[i] for column, titles in TITLES.items()}


def summary_counts(results: Results) -> dict[str, int]:
    """Counts of the applied findings by status (达标/未达标/提示/待核查/不适用), plus
    ``required_failed`` — :meth:`Results.summary`."""
    return results.summary()


def _word(words: dict[str, tuple[str, str]], code: str, zh: bool) -> str:
    pair = words.get(code)
    return code if pair is None else pair[0 if zh else 1]


# --- compliance ---------------------------------------------------------------------------------

def _bounds(ctx: "BundleContext", f: Finding) -> tuple[float | None, float | None]:
    """(minimum, maximum) of a finding. A finding of a maximum alone stores it in ``threshold``
    (model/rules/common.finding), so the rule's own table says which side it is on."""
    if f.threshold is None or f.threshold_max is not None:
        return f.threshold, f.threshold_max
    rule = ctx.session.rule(f.rule)
    spec = rule.for_kind(ctx.session.plan.community_kind) if rule is not None else None
    if spec is not None and "max" in spec[1] and "min" not in spec[1]:
        return None, f.threshold
    return f.threshold, None


def required_words(ctx: "BundleContext", f: Finding) -> str:
    """The threshold in words with its unit ("≥ 300 平方米"); a walking rule adds its limit."""
    lo, hi = _bounds(ctx, f)
    text = bounds_text(lo, hi, f.unit, ctx.zh)
    if f.kind == "walk_coverage" and f.limit_m is not None and text != "—":
        text += f"（{number(f.limit_m)} 米内）" if ctx.zh else f" within {number(f.limit_m)} m"
    return text


def measured_words(ctx: "BundleContext", f: Finding) -> str:
    """The measured value with its unit, rounded as the finding's message rounds it (toward its
    verdict: 99.96 % short of 100 % reads 99.9 %)."""
    if f.measured is None:
        return "—"
    lo, hi = _bounds(ctx, f)
    places = measured_places(f.measured, lo, hi)
    missed = None
    if f.status in ("fail", "warn"):
        missed = lo if lo is not None and f.measured < lo else hi
    return amount(toward_verdict(f.measured, places, missed), f.unit, ctx.zh, places)


def compliance_table(ctx: "BundleContext", results: Results | None = None) -> pd.DataFrame:
    """One row per finding of ``results`` (default ``ctx.results``), ordered by pack (the plan's
    order) then indicator group (the applied reading first)."""
    results = ctx.results if results is None else results
    zh = ctx.zh
    packs = {p.id: (i, p) for i, p in enumerate(ctx.session.enabled_packs())}
    first_of_group: dict[tuple[str, str], int] = {}
    for i, f in enumerate(results.findings):
        first_of_group.setdefault((f.pack, f.group or f.rule), i)

    def order(item):
        i, f = item
        return (packs.get(f.pack, (len(packs), None))[0], first_of_group[(f.pack, f.group or f.rule)],
                not f.applied, i)

    rows = []
    for _, f in sorted(enumerate(results.findings), key=order):
        pack = packs.get(f.pack, (0, None))[1]
        rows.append({
            "pack": f.pack,
            "pack_title": (pack.name_zh if zh else pack.name_en) if pack is not None else f.pack,
            "group": f.group,
            "applied": bool(f.applied),
            "rule": f.rule,
            "name": (f.name_zh if zh else f.name_en) or f.rule,
            "document": f.citation.get("document", ""),
            "clause": f.citation.get("clause", ""),
            "required": required_words(ctx, f),
            "measured": measured_words(ctx, f),
            "status": f.status,
            "verdict": status_word(f.status, "zh" if zh else "en"),
            "severity": _word(SEVERITY_WORDS, f.severity, zh),
            "confidence": _word(CONFIDENCE_WORDS, f.confidence, zh),
            "message": f.message("zh" if zh else "en"),
        })
    return pd.DataFrame(rows, columns=list(COMPLIANCE_COLUMNS))


# --- facilities -------------------------------------------------------------------------------

def area_verdicts(results: Results) -> dict[tuple[str, int], str]:
    """(layer, fid) -> the worst status the applied area rules (facility_area) give the facility.

    A facility a finding names takes the finding's status; one of the finding's type it does not
    name, under a failing finding, met the rule (a rule of "每处" lists the facilities short of it).
    A passing finding names the facilities it judged; the others it left unjudged."""
    out: dict[tuple[str, int], str] = {}
    findings = [f for f in results.findings if f.kind == "facility_area" and f.applied and f.status != "n/a"]
    for f in findings:
        for key in f.features:
            if key not in out or _WORSE[f.status] < _WORSE[out[key]]:
                out[key] = f.status
    return out


def _failing_area_types(results: Results) -> set[str]:
    return {t for f in results.findings if f.kind == "facility_area" and f.applied and f.status in ("fail", "warn")
            for t in f.facility_types}


def facility_table(ctx: "BundleContext") -> pd.DataFrame:
    """One row per facility of the scenario: its areas against its type's minimum, the verdict of
    the area rules about it, and the households it serves on foot (model/catchments)."""
    zh = ctx.zh
    results = ctx.results
    catalogue = ctx.session.catalogue
    served = service_populations(results)
    verdicts = area_verdicts(results)
    judged_short = _failing_area_types(results)
    minimum_of: dict[str, float] = {}
    rows = []
    for f in sorted(ctx.features(FACILITIES), key=lambda f: f.fid):
        code = f.get("type") or ""
        if code not in minimum_of:
            floor_min, land_min = ctx.session.area_minimum(code) if code else (None, None)
            minimum_of[code] = floor_min if floor_min is not None else (land_min if land_min is not None else math.nan)
        status = verdicts.get((f.layer, f.fid))
        if status is None and code in judged_short:
            status = "pass"  # not among the facilities a failing rule of its type names
        catchment = served.get((f.layer, f.fid))
        measured_type = code in results.distances
        limit = walk_limit(results, code) if measured_type else None
        rows.append({
            "fid": f.fid,
            "type": code,
            "type_name": catalogue[code].name("zh" if zh else "en") if code in catalogue else code,
            "name": f.get("name") or "",
            "status": f.get("status") or "",
            "status_word": _word(FACILITY_STATUS_WORDS, f.get("status") or "", zh),
            "floor_area": floor_area(f, catalogue),
            "land_area": land_area(f),
            "required_min": minimum_of[code],
            "verdict": status_word(status, "zh" if zh else "en") if status is not None else "—",
            "households_served": (catchment.households if catchment is not None else 0.0) if measured_type else math.nan,
            "homes_served": (len(catchment.homes) if catchment is not None else 0) if measured_type else pd.NA,
            "limit_m": limit if limit is not None else math.nan,
        })
    frame = pd.DataFrame(rows, columns=list(FACILITY_COLUMNS))
    frame["homes_served"] = frame["homes_served"].astype("Int64")
    for column in ("floor_area", "land_area", "required_min", "households_served", "limit_m"):
        frame[column] = frame[column].astype(float)
    frame["fid"] = frame["fid"].astype("int64")
    return frame


__all__ = ["COMPLIANCE_COLUMNS", "FACILITY_COLUMNS", "STATUSES", "compliance_table", "facility_table",
           "headers", "summary_counts"]

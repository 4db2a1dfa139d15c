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

import shapely

from ..model.catchments import walk_limit
from ..model.capacity import facility_capacity
from ..model.findings import STATUSES, Finding, Results, status_word
from ..model.gaps import is_gap
from ..model.measures import floor_area, land_area
from ..model.rules.common import amount, bounds_text, measured_places, number, toward_verdict
from ..model.schema import FACILITIES, PLANNING_UNITS, UNIT_KIND_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from .context import BundleContext

COMPLIANCE_COLUMNS = ("pack", "pack_title", "group", "applied", "rule", "name", "document", "clause",
                      "required", "measured", "status", "verdict", "severity", "confidence", "message")
FACILITY_COLUMNS = ("fid", "type", "type_name", "name", "status", "status_word", "floor_area", "land_area",
                    "required_min", "verdict", "households_served", "homes_served", "limit_m",
                    "capacity", "demand", "capacity_unit", "over_capacity")
# The project list (项目实施清单): the fields seed 002 task 13 names for a street's annual list —
# "明确项目建设内容、实施路径、实施主体、资金来源、时间安排和设计团队" — after what the project is and
# where it lies, with the rules it answers and the investment estimate.
PROJECT_COLUMNS = ("fid", "project", "unit", "type_name", "land_use", "land_use_name", "project_content",
                   "scale_m2", "construction", "implementation_path", "implementing_body", "funding", "year",
                   "schedule", "design_team", "answers", "investment")
# The facility fields that make an existing facility a project of the list (a rebuild, an extension).
PROJECT_FIELDS = ("project_content", "construction", "implementation_path", "implementing_body", "funding",
                  "schedule", "design_team", "investment", "year")

# column -> (Chinese, English) title
TITLES: dict[str, tuple[str, str]] = {
    # compliance
    "pack": ("规则包", "Rule pack id"),
    "pack_title": ("标准", "Standard"),
    "group": ("指标", "Indicator"),
    "applied": ("计入汇总", "Counted"),
    "rule": ("规则编号", "Rule id"),
    "name": ("名称", "Name"),
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
    # At limit_m, the tightest walking limit of the type (catchments.walk_limit): it may be tighter
    # than the limit a resident summary line reads (幼儿园 10 分钟 vs 500 米), so the title says so.
    "households_served": ("步行距离限值内服务户数（以其为最近同类设施）",
                          "Households served within the walking limit (nearest of its type)"),
    "homes_served": ("步行服务住宅数", "Homes served"),
    "limit_m": ("步行距离限值（米）", "Walking limit (m)"),
    "capacity": ("容量", "Capacity"),
    "demand": ("服务人群需求", "Demand served"),
    "capacity_unit": ("容量单位", "Capacity unit"),
    "over_capacity": ("是否超容", "Over capacity"),
    # project list
    "project": ("项目名称", "Project"),
    "unit": ("所属生活圈/社区", "Life circle / community"),
    "land_use": ("用地代码", "Land-use code"),
    "land_use_name": ("用地类别", "Land-use class"),
    "project_content": ("建设内容", "Construction content"),
    "scale_m2": ("规模（平方米）", "Scale (m²)"),
    "construction": ("新建/改建", "New build / rebuild"),
    "implementation_path": ("实施路径", "Implementation path"),
    "implementing_body": ("实施主体", "Implementing body"),
    "funding": ("资金来源", "Funding source"),
    "year": ("年度", "Year"),
    "schedule": ("时间安排", "Schedule"),
    "design_team": ("设计团队", "Design team"),
    "answers": ("对应规则或缺项", "Rules or gaps it answers"),
    "investment": ("投资估算（万元）", "Investment estimate (10,000 yuan)"),
}
# A title that differs by table: a column key several tables share ("name": the rule, the facility).
TABLE_TITLES: dict[str, dict[str, tuple[str, str]]] = {
    "compliance": {"name": ("规则", "Rule"), "status": ("结论代码", "Status code")},
    "facility": {"name": ("名称", "Name"), "status": ("现状/规划代码", "Status code"),
                 "verdict": ("面积结论", "Area verdict")},
    "project": {},
}
CONSTRUCTION_WORDS = {"new": ("新建", "new build"), "rebuild": ("改建", "rebuild"), "extend": ("扩建", "extension")}

SEVERITY_WORDS = {"required": ("约束性", "required"), "recommended": ("推荐性", "recommended"),
                  "informative": ("参考性", "informative")}
CONFIDENCE_WORDS = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
FACILITY_STATUS_WORDS = {"existing": ("现状", "existing"), "planned": ("规划", "planned")}
# The worse of two verdicts about one facility (a facility short of one area rule is short).
_WORSE = {"fail": 0, "warn": 1, "manual": 2, "pass": 3, "n/a": 4}


def headers(lang: str = "zh", table: str | None = None) -> dict[str, str]:
    """column -> its display title in ``lang`` (zh | en); ``table`` (compliance | facility |
    project) picks the title of a key several tables share ("name": 规则 or 名称)."""
    i = 0 if lang.startswith("zh") else 1
    titles = {**TITLES, **TABLE_TITLES["compliance"]}
    if table is not None:
        titles.update(TABLE_TITLES[table])
    return {column: pair[i] for column, pair in titles.items()}


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
    # Who each facility serves (model/catchments, through model/capacity) and, for a type with a
    # capacity (issue 15), its places, beds or floor area against what those households need.
    room = {(c.layer, c.fid): c for c in facility_capacity(results)}
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
        catchment = room.get((f.layer, f.fid))
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
            "households_served": (catchment.households_served if catchment is not None else 0.0) if measured_type else math.nan,
            "homes_served": (catchment.homes_served if catchment is not None else 0) if measured_type else pd.NA,
            "limit_m": limit if limit is not None else math.nan,
            **_capacity_columns(catchment, zh),
        })
    frame = pd.DataFrame(rows, columns=list(FACILITY_COLUMNS))
    frame["homes_served"] = frame["homes_served"].astype("Int64")
    for column in ("floor_area", "land_area", "required_min", "households_served", "limit_m", "capacity", "demand"):
        frame[column] = frame[column].astype(float)
    frame["fid"] = frame["fid"].astype("int64")
    return frame


def _capacity_columns(c, zh: bool) -> dict:
    """A facility's capacity, the demand of the households it serves and whether it is over capacity
    (in words: 超容/未超容; "—" where the capacity is not entered or the type has none)."""
    if c is None or c.capacity is None:
        return {"capacity": math.nan, "demand": c.demand if c is not None and c.demand is not None else math.nan,
                "capacity_unit": (c.unit_zh if zh else c.unit_en) if c is not None else "", "over_capacity": "—"}
    return {"capacity": c.capacity, "demand": c.demand if c.demand is not None else math.nan,
            "capacity_unit": c.unit_zh if zh else c.unit_en,
            "over_capacity": ("超容" if zh else "over capacity") if c.over_capacity else ("未超容" if zh else "within capacity")}


# --- the project list -----------------------------------------------------------------------

def is_project(feature) -> bool:
    """A planned facility, or an existing one with project fields filled (a rebuild, an extension)."""
    if feature.get("status") == "planned":
        return True
    return any(feature.get(name) not in (None, "") for name in PROJECT_FIELDS)


def _unit_words(unit, zh: bool) -> str:
    kind = UNIT_KIND_WORDS.get(unit.get("kind") or "", (unit.get("kind") or "", unit.get("kind") or ""))
    word = kind[0 if zh else 1]
    name = (unit.get("name") or "").strip()
    if not name:
        return word
    return f"{word}：{name}" if zh else f"{word}: {name}"


# Largest first: a facility in a 15-minute life circle and a community names the life circle first.
_UNIT_ORDER = {"15min": 0, "10min": 1, "5min": 2, "community": 3, "block": 4}


def answered_rules(results: Results, facility_type: str, zh: bool) -> str:
    """The applied rules naming ``facility_type``, failing ones (the gaps, model/gaps.py) first, each
    with its verdict and clause: what a project of that type answers."""
    lang = "zh" if zh else "en"
    named = [f for f in results.findings if f.applied and facility_type in f.facility_types
             and f.status not in ("n/a", "manual")]
    named.sort(key=lambda f: (not is_gap(f), f.status != "fail"))  # stable: the packs' order within
    parts = []
    for f in named:
        clause = f.citation.get("clause", "")
        said = status_word(f.status, lang) + (("，" if zh else ", ") + clause if clause else "")
        parts.append(f"{(f.name_zh if zh else f.name_en) or f.rule}（{said}）" if zh else
                     f"{(f.name_en or f.rule)} ({said})")
    return ("；" if zh else "; ").join(parts)


def project_table(ctx: "BundleContext") -> pd.DataFrame:
    """The project list (项目实施清单): one row per planned facility of the scenario, and per existing
    one with project fields (a rebuild, an extension), in the fields seed 002 names."""
    zh = ctx.zh
    lang = "zh" if zh else "en"
    catalogue = ctx.session.catalogue
    units = sorted(ctx.features(PLANNING_UNITS), key=lambda u: (_UNIT_ORDER.get(u.get("kind"), 9), u.fid))
    unit_geoms = [u.geometry for u in units]
    answers: dict[str, str] = {}
    rows = []
    for f in sorted(ctx.features(FACILITIES), key=lambda f: f.fid):
        if not is_project(f):
            continue
        code = f.get("type") or ""
        kind = catalogue.types.get(code)
        where = shapely.intersects(unit_geoms, f.geometry.representative_point()) if unit_geoms else []
        lies_in = [_unit_words(u, zh) for u, inside in zip(units, where) if inside]
        built = floor_area(f, catalogue)
        if code not in answers:
            answers[code] = answered_rules(ctx.results, code, zh)
        construction = f.get("construction") or ""
        land_use = kind.land_use if kind is not None else ""
        rows.append({
            "fid": f.fid,
            "project": f.get("name") or (kind.name(lang) if kind is not None else code),
            "unit": ("、" if zh else "; ").join(lies_in) or ctx.session.plan.name,
            "type_name": kind.name(lang) if kind is not None else code,
            "land_use": land_use,
            "land_use_name": catalogue.land_uses.get(land_use, ""),
            "project_content": f.get("project_content") or "",
            "scale_m2": built if built > 0 else land_area(f),  # floor area; an open space: its land area
            "construction": _word(CONSTRUCTION_WORDS, construction, zh) if construction else "",
            "implementation_path": f.get("implementation_path") or "",
            "implementing_body": f.get("implementing_body") or "",
            "funding": f.get("funding") or "",
            "year": f.get("year") if f.get("year") is not None else pd.NA,
            "schedule": f.get("schedule") or "",
            "design_team": f.get("design_team") or "",
            "answers": answers[code],
            "investment": f.get("investment") if f.get("investment") is not None else math.nan,
        })
    frame = pd.DataFrame(rows, columns=list(PROJECT_COLUMNS))
    frame["fid"] = frame["fid"].astype("int64")
    frame["year"] = frame["year"].astype("Int64")
    frame["scale_m2"] = frame["scale_m2"].astype(float)
    frame["investment"] = frame["investment"].astype(float)
    return frame


__all__ = ["COMPLIANCE_COLUMNS", "FACILITY_COLUMNS", "PROJECT_COLUMNS", "STATUSES", "compliance_table",
           "facility_table", "headers", "project_table", "summary_counts"]

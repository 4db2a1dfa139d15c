"""The comment pins (居民意见) handed out after a meeting (issue 13 item 5): one row per pin with what
was said, by whom, at which meeting, its status and reply, where it is (the plan's CRS and WGS 84)
and what is nearest to it — the facility (name, type, straight-line metres) and the home.

The same table feeds File → Export Comments… and ``lifecircle export-comments`` (XLSX through pandas
and openpyxl, every cell data, never a formula), the report's 居民意见 section and the bundle's
workbook sheet. Qt-free.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from ..model import crs as crs_mod
from ..model.comments import CODES, STATUSES, CATEGORIES, Comment, code_words
from ..model.errors import PlanError
from ..model.schema import FACILITIES, RESIDENTIAL

if TYPE_CHECKING:  # pragma: no cover
    from ..model.session import PlanSession

OTHER_STATUS, OTHER_WORDS = "other", ("其他", "other")  # comment_counts: a status not in STATUSES
COLUMNS = ("number", "category", "author_role", "author", "meeting", "meeting_date", "status", "text", "reply",
           "x", "y", "lon", "lat", "facility_name", "facility_type", "facility_m", "home_name", "created")
TITLES = {
    "number": ("编号", "No."), "category": ("类别", "Category"), "author_role": ("提出人身份", "Role"),
    "author": ("提出人", "Name"), "meeting": ("会议", "Meeting"), "meeting_date": ("会议日期", "Meeting date"),
    "status": ("状态", "Status"), "text": ("意见内容", "Comment"), "reply": ("答复", "Reply"),
    "x": ("X（规划坐标，米）", "X (plan CRS, m)"), "y": ("Y（规划坐标，米）", "Y (plan CRS, m)"),
    "lon": ("经度（WGS 84）", "Longitude (WGS 84)"), "lat": ("纬度（WGS 84）", "Latitude (WGS 84)"),
    "facility_name": ("最近设施", "Nearest facility"), "facility_type": ("最近设施类型", "Its type"),
    "facility_m": ("到最近设施直线距离（米）", "Straight-line distance to it (m)"),
    "home_name": ("最近住宅", "Nearest home"), "created": ("标注时间", "Placed at"),
}
SHEET = ("居民意见", "Comments")
COUNTS_SHEET = ("分类统计", "Counts")
# Text a spreadsheet would read as the start of a formula when typed in (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@")


def _lang(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def headers(lang: str = "zh") -> dict[str, str]:
    i = 0 if _lang(lang) == "zh" else 1
    return {key: pair[i] for key, pair in TITLES.items()}


def _nearest(pins: list[Comment], features) -> tuple[list, np.ndarray]:
    """For each pin, the nearest of ``features`` (or None) and its straight-line distance in metres
    (0 inside a polygon); one STRtree query for all pins."""
    found: list = [None] * len(pins)
    dist = np.full(len(pins), np.nan)
    features = [f for f in features if f.geometry is not None and not f.geometry.is_empty]
    if not pins or not features:
        return found, dist
    tree = shapely.STRtree([f.geometry for f in features])
    points = shapely.points([(c.x, c.y) for c in pins])
    (which, hit), d = tree.query_nearest(points, return_distance=True, all_matches=False)
    for w, h, metres in zip(which, hit, d):
        found[w], dist[w] = features[h], metres
    return found, dist


def comments_table(session: "PlanSession", scenario: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """One row per pin of ``scenario`` (default: the one worked on), by number; columns ``COLUMNS``
    (language-independent keys, titles: ``headers``), codes in words of ``lang``."""
    scenario, lang = scenario or session.scenario, _lang(lang)
    session.plan.require_scenario(scenario)
    pins = session.comments(scenario)
    facilities, facility_m = _nearest(pins, session.plan.features(FACILITIES, scenario))
    homes, _ = _nearest(pins, session.plan.features(RESIDENTIAL, scenario))
    epsg = session.plan.epsg
    lon = lat = np.full(len(pins), np.nan)
    if pins:
        lon, lat = crs_mod.transformer(epsg, 4326).transform([c.x for c in pins], [c.y for c in pins])
    zh = lang == "zh"
    types = session.catalogue.types
    rows = []
    for i, c in enumerate(pins):
        facility, home = facilities[i], homes[i]
        ftype = types.get(facility.get("type")) if facility is not None else None
        rows.append({
            "number": c.number, **{f: c.words(f, lang) for f in CODES}, "author": c.author or "",
            "meeting_date": c.meeting_date or "", "text": c.text, "reply": c.reply or "",
            "x": round(c.x, 2), "y": round(c.y, 2), "lon": round(float(lon[i]), 7), "lat": round(float(lat[i]), 7),
            "facility_name": (facility.get("name") or "") if facility is not None else "",
            "facility_type": (ftype.name_zh if zh else ftype.name_en) if ftype is not None else
            ((facility.get("type") or "") if facility is not None else ""),
            "facility_m": None if facility is None else round(float(facility_m[i]), 1),
            "home_name": (home.get("name") or "") if home is not None else "",
            "created": c.created or "",
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def comment_counts(session: "PlanSession", scenario: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """Pins by category (rows) and status (columns), with totals: the report's count table."""
    pins, lang = session.comments(scenario or session.scenario), _lang(lang)
    i = 0 if lang == "zh" else 1
    statuses = list(STATUSES)
    # A status this program does not know ("closed", written by another program) is counted as
    # 其他, never as 新意见: a pin answered elsewhere must not be reported as still waiting.
    if any(c.status not in STATUSES for c in pins):
        statuses.append(OTHER_STATUS)
    categories = list(CATEGORIES) + sorted({c.category or "" for c in pins} - set(CATEGORIES))
    table = pd.DataFrame(0, index=categories, columns=statuses, dtype=int)
    for c in pins:
        table.loc[c.category or "", c.status if c.status in STATUSES else OTHER_STATUS] += 1
    table = table[table.sum(axis=1) > 0] if len(pins) else table.iloc[0:0]
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    total = ("合计", "Total")[i]
    table.index = [total if k == "total" else (code_words("category", k, lang) or ("未分类", "no category")[i])
                   for k in table.index]
    table.columns = [total if k == "total" else ({**STATUSES, OTHER_STATUS: OTHER_WORDS})[k][i]
                     for k in table.columns]
    table.index.name = ("类别", "Category")[i]
    return table


def safe_cells(sheet) -> None:
    """Every cell data: text a spreadsheet would take for a formula is stored as text with Excel's
    quote prefix (openpyxl writes a str starting with "=" as a formula otherwise)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True


def write_comment_sheets(writer: pd.ExcelWriter, session: "PlanSession", scenario: str | None, lang: str, *,
                         counts: bool = True) -> int:
    """The 居民意见 sheet (and, with ``counts``, the counts by category and status) into an open
    workbook; returns the number of pins."""
    from .xlsx import _clean, _style  # the project list's look: bold frozen header, CJK widths
    lang = _lang(lang)
    i = 0 if lang == "zh" else 1
    frame = comments_table(session, scenario, lang)
    _clean(frame).rename(columns=headers(lang)).to_excel(writer, sheet_name=SHEET[i], index=False)
    sheet = writer.sheets[SHEET[i]]
    safe_cells(sheet)
    _style(sheet, list(frame.columns))
    if counts:
        table = comment_counts(session, scenario, lang).reset_index()
        table.to_excel(writer, sheet_name=COUNTS_SHEET[i], index=False)
        safe_cells(writer.sheets[COUNTS_SHEET[i]])
        _style(writer.sheets[COUNTS_SHEET[i]], list(table.columns))
    return len(frame)


def write_comments_xlsx(session: "PlanSession", path: str | os.PathLike, *, scenario: str | None = None,
                        lang: str = "zh") -> Path:
    """Write the pins of ``scenario`` to ``path`` (.xlsx), under a temporary name renamed when
    complete; PlanError in one sentence when it cannot be written."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise PlanError.about_file(path, "居民意见导出为 .xlsx 文件，请换一个以 .xlsx 结尾的文件名",
                                   "comments are exported as an .xlsx file: give a name ending in .xlsx")
    scenario = scenario or session.scenario
    session.plan.require_scenario(scenario)
    partial = path.with_name(f".{path.stem}.partial-{os.getpid()}.xlsx")
    try:
        with pd.ExcelWriter(partial, engine="openpyxl") as writer:
            write_comment_sheets(writer, session, scenario, lang)
            writer.book.properties.title = ("居民意见 " if _lang(lang) == "zh" else "Comments ") + session.plan.name
            writer.book.properties.creator = "lifecircle_desktop"
        os.replace(partial, path)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise PlanError.about_file(path, f"无法写入（{e.strerror or e}）", f"cannot be written ({e.strerror or e})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path

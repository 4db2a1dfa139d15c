"""The project list (项目实施清单, XLSX) a street sends its district (seed 002 task 13): the projects of
the scenario on the first sheet, the compliance table on the second, the facilities on the third,
and what the workbook is (plan, scenario, date, sources, credits) on the last.

Written with pandas and openpyxl: a bold, filled, frozen header row with an autofilter; columns as
wide as their content (a CJK character counts two); long text wrapped; numbers as numbers. Every
cell is data: a name such as "=HYPERLINK(…)" is written as text, never as a formula.
"""
from __future__ import annotations

import os
import unicodedata
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..model.errors import PlanError
from .tables import compliance_table, facility_table, headers, project_table

if TYPE_CHECKING:  # pragma: no cover
    from .context import BundleContext, Progress

MAX_WIDTH = 50          # characters (a CJK one counts two); wider text wraps
HEADER_FILL = "DDEBF7"
NUMBER_FORMATS = {      # column -> Excel number format
    "scale_m2": "#,##0", "investment": "#,##0.00", "year": "0", "fid": "0",
    "floor_area": "#,##0", "land_area": "#,##0", "required_min": "#,##0", "households_served": "#,##0",
    "homes_served": "#,##0", "limit_m": "#,##0", "capacity": "#,##0", "demand": "#,##0.0",
}
# The compliance sheet: what a reviewer reads first, the codes (for filtering) last.
COMPLIANCE_ORDER = ("pack_title", "name", "document", "clause", "required", "measured", "verdict", "severity",
                    "confidence", "message", "applied", "group", "rule", "pack", "status")
FACILITY_ORDER = ("fid", "type_name", "name", "status_word", "floor_area", "land_area", "required_min", "verdict",
                  "households_served", "homes_served", "limit_m", "capacity", "demand", "capacity_unit",
                  "over_capacity", "type", "status")
SHEETS = {"project": ("项目实施清单", "Project list"), "compliance": ("达标核查", "Compliance"),
          "facility": ("设施一览", "Facilities"), "about": ("说明", "About")}


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a wide (CJK) character two, others one; the longest line."""
    return max((sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)
                for line in str(text).splitlines()), default=0)


def _text(value):
    """A text cell without the control characters XML 1.0 cannot hold; "" an empty cell."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if value else None


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Text without the control characters XML 1.0 cannot hold (a pasted name may carry one)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_text)
    return out


def _sheet(ctx: "BundleContext", frame: pd.DataFrame, table: str) -> pd.DataFrame:
    titles = headers(ctx.lang, table)
    return _clean(frame).rename(columns=titles)


def write_project_list(ctx: "BundleContext", path: str | os.PathLike, progress: "Progress | None" = None) -> None:
    """Write the project list of ``ctx``'s scenario to ``path`` (.xlsx)."""
    from .context import Progress
    progress = progress or Progress()
    zh = ctx.zh
    i = 0 if zh else 1
    progress.step(0.0, "正在整理项目实施清单", "listing the projects")
    projects = project_table(ctx)
    progress.step(0.2, "正在整理达标核查表", "tabulating the findings")
    compliance = compliance_table(ctx)
    compliance["applied"] = compliance["applied"].map({True: "是" if zh else "yes", False: "否" if zh else "no"})
    compliance = compliance[list(COMPLIANCE_ORDER)]
    progress.step(0.4, "正在整理设施一览", "tabulating the facilities")
    facilities = facility_table(ctx)[list(FACILITY_ORDER)]
    frames = {"project": projects, "compliance": compliance, "facility": facilities}
    progress.step(0.6, "正在写入 XLSX", "writing the XLSX")
    try:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for key, frame in frames.items():
                _sheet(ctx, frame, key).to_excel(writer, sheet_name=SHEETS[key][i], index=False)
                _style(writer.sheets[SHEETS[key][i]], list(frame.columns))
                progress.check()
            if ctx.session.comments(ctx.scenario):  # 居民意见 (issue 13 item 5), when the scenario has pins
                from .comments import write_comment_sheets
                write_comment_sheets(writer, ctx.session, ctx.scenario, ctx.lang, counts=False)
            about = pd.DataFrame(_about_rows(ctx, len(projects)), columns=["项目" if zh else "Item",
                                                                           "内容" if zh else "Value"])
            _clean(about).to_excel(writer, sheet_name=SHEETS["about"][i], index=False)
            _style(writer.sheets[SHEETS["about"][i]], list(about.columns))
            writer.book.properties.title = ("项目实施清单 " if zh else "Project list ") + ctx.session.plan.name
            writer.book.properties.creator = "lifecircle_desktop"
    except OSError as e:
        raise PlanError.about_file(path, f"无法写入（{e.strerror or e}）", f"cannot be written ({e.strerror or e})") from None
    progress.step(1.0, "项目实施清单已写入", "project list written")


def _about_rows(ctx: "BundleContext", n_projects: int) -> list[tuple[str, str]]:
    plan = ctx.session.plan
    where = " ".join(x for x in (plan.meta.get("district", ""), plan.meta.get("subdistrict", "")) if x)
    if ctx.zh:
        rows = [("规划", plan.name), ("区、街道", where), ("方案", ctx.scenario), ("日期", ctx.date.isoformat()),
                ("项目数", str(n_projects)),
                ("清单字段依据", "《2025年上海市“15分钟社区生活圈”行动方案》任务13：明确项目建设内容、实施路径、"
                           "实施主体、资金来源、时间安排和设计团队"),
                ("用地代码依据", "《国土空间调查、规划、用途管制用地用海分类指南》（2023）"),
                ("规模", "建筑面积（平方米）；无建筑面积的场地、绿地为用地面积")]
    else:
        rows = [("Plan", plan.name), ("District, sub-district", where), ("Scenario", ctx.scenario),
                ("Date", ctx.date.isoformat()), ("Projects", str(n_projects)),
                ("Fields of the list", "2025 Shanghai 15-minute community life circle action plan, task 13"),
                ("Land-use codes", "Land and sea use classification guide for territorial surveys, planning and "
                                   "use control (2023)"),
                ("Scale", "floor area (m²); the land area of grounds and green spaces with no floor area")]
    return rows + [("数据来源" if ctx.zh else "Data credit", credit) for credit in ctx.credits]


def _style(sheet, keys: list[str]) -> None:
    """Header bold, filled, frozen, filtered; columns sized to their text, long text wrapped;
    numbers formatted; and no cell a formula (a name like "=HYPERLINK(…)" stays text)."""
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    if sheet.max_row >= 1 and sheet.max_column >= 1:
        sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.iter_cols(min_row=1, max_row=sheet.max_row), start=1):
        key = keys[index - 1] if index - 1 < len(keys) else ""
        widest = 0
        for row, cell in enumerate(column, start=1):
            if cell.data_type == "f":  # we write data only: what openpyxl read as a formula is text
                cell.data_type = "s"
                cell.quotePrefix = True
            if row > 1 and key in NUMBER_FORMATS and isinstance(cell.value, (int, float)):
                cell.number_format = NUMBER_FORMATS[key]
            text = "" if cell.value is None else (f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value))
            width = display_width(text)
            if row > 1 and width > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widest = max(widest, min(width, MAX_WIDTH) if row > 1 else min(width, 24))
        sheet.column_dimensions[get_column_letter(index)].width = max(widest, 6) + 2

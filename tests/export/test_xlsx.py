"""The project list (export/xlsx.py) read back by pandas and by openpyxl — never by the writer — and
compared with the plan itself (its planned facilities counted with plan.features)."""
import shutil

import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

from lifecircle_desktop.export import BundleContext, ExportOptions, ExportCancelled, Progress
from lifecircle_desktop.export.xlsx import display_width, write_project_list
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.session import PlanSession

pytestmark = pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")

# The project list's columns, in seed 002 task 13's words ("明确项目建设内容、实施路径、实施主体、
# 资金来源、时间安排和设计团队") after what and where the project is (issue 12 item 3).
COLUMNS_ZH = ["项目名称", "所属生活圈/社区", "设施类型", "用地代码", "建设内容", "规模（平方米）", "新建/改建", "实施路径",
              "实施主体", "资金来源", "年度", "时间安排", "设计团队", "对应规则或缺项", "投资估算（万元）"]
COLUMNS_EN = ["Project", "Life circle / community", "Facility type", "Land-use code", "Construction content",
              "Scale (m²)", "New build / rebuild", "Implementation path", "Implementing body", "Funding source",
              "Year", "Schedule", "Design team", "Rules or gaps it answers", "Investment estimate (10,000 yuan)"]
HOSTILE = ['=HYPERLINK("http://example.com","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    yield session
    session.close()


def add_projects(session):
    """Planned facilities inside the demo's planning unit (hostile names among them), and an existing
    facility turned into a project (an extension)."""
    unit = session.plan.features("planning_units", session.scenario)[0]
    x, y = unit.geometry.representative_point().coords[0]
    session.add("facilities", box(x, y, x + 40, y + 30), type="kindergarten", name="四平幼儿园", status="planned",
                floor_area=2400.0, land_area=3600.0, construction="new", implementation_path="规划新建",
                project_content="新建6班幼儿园", implementing_body="四平路街道办事处", funding="区财政",
                schedule="2026年开工，2027年竣工", design_team="同济规划院", investment=1850.5, year=2026)
    for i, name in enumerate(HOSTILE):
        session.add("facilities", box(x + 60 * (i + 1), y, x + 60 * (i + 1) + 20, y + 20), type="pocket_park",
                    name=name, status="planned")
    existing = next(f for f in session.plan.features("facilities", session.scenario) if f["status"] == "existing")
    from lifecircle_desktop.model.edits import ChangeAttributes
    session.apply(ChangeAttributes.of(session.plan, "facilities", existing.fid, construction="extend", year=2027))
    return existing.fid


def projects_in_plan(session) -> list:
    """The plan's projects, counted from the plan: planned facilities and those with project fields."""
    fields = ("project_content", "construction", "implementation_path", "implementing_body", "funding",
              "schedule", "design_team", "investment", "year")
    return [f for f in session.plan.features("facilities", session.scenario)
            if f["status"] == "planned" or any(f[k] not in (None, "") for k in fields)]


def test_the_project_list_has_the_columns_and_one_row_per_project(demo, tmp_path):
    extended = add_projects(demo)
    out = tmp_path / "project_list.xlsx"
    write_project_list(BundleContext.build(demo, ExportOptions(lang="zh")), out)
    sheets = pd.read_excel(out, sheet_name=None, dtype={"用地代码": str})
    names = list(sheets)
    projects = sheets[names[0]]
    assert names[0] == "项目实施清单"
    assert [c for c in projects.columns if c in COLUMNS_ZH] == COLUMNS_ZH
    expected = projects_in_plan(demo)
    assert len(projects) == len(expected) == 1 + len(HOSTILE) + 1
    assert sorted(projects["编号"]) == sorted(f.fid for f in expected)
    row = projects.set_index("项目名称").loc["四平幼儿园"]
    assert (row["设施类型"], row["用地代码"], row["新建/改建"], row["实施路径"], row["年度"], row["投资估算（万元）"]) == \
        ("幼儿园", "080404", "新建", "规划新建", 2026, 1850.5)
    assert row["规模（平方米）"] == 2400.0  # its floor area
    unit = demo.plan.features("planning_units", demo.scenario)[0]
    assert unit["name"] in row["所属生活圈/社区"]
    assert "幼儿园建筑面积" in row["对应规则或缺项"]
    # A pocket park has no floor area: its scale is its land area.
    park = demo.plan.feature("facilities", int(projects.set_index("项目名称").loc[HOSTILE[1], "编号"]))
    assert projects.set_index("项目名称").loc[HOSTILE[1], "规模（平方米）"] == pytest.approx(park.geometry.area)
    assert projects.set_index("编号").loc[extended, "新建/改建"] == "扩建"
    # Second sheet: one row per finding of the scenario (validated here, not taken from the writer).
    compliance = sheets[names[1]]
    assert len(compliance) == len(demo.validate().findings)
    assert {"规则", "条款", "要求", "实测", "结论"} <= set(compliance.columns)


def test_numbers_are_numbers_and_names_are_text_never_formulas(demo, tmp_path):
    add_projects(demo)
    out = tmp_path / "project_list.xlsx"
    write_project_list(BundleContext.build(demo, ExportOptions(lang="zh")), out)
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) for name in header}
    rows = list(sheet.iter_rows(min_row=2))
    by_name = {r[col["项目名称"]].value: r for r in rows}
    for name in HOSTILE:
        cell = by_name[name][col["项目名称"]]
        assert cell.data_type == "s" and cell.value == name
    assert not any(c.data_type == "f" for ws in book.worksheets for r in ws.iter_rows() for c in r)
    kindergarten = by_name["四平幼儿园"]
    for title in ("规模（平方米）", "年度", "投资估算（万元）", "编号"):
        assert kindergarten[col[title]].data_type == "n", title
    assert kindergarten[col["用地代码"]].data_type == "s"  # "080404" keeps its leading zero
    # The header is bold and filled, frozen, filtered; Chinese reads back as written (UTF-8 XML).
    assert all(c.font.bold for c in sheet[1]) and sheet[1][0].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    assert sheet.title == "项目实施清单" and kindergarten[col["实施主体"]].value == "四平路街道办事处"
    # Columns sized to their content: a CJK character counts two.
    letter = openpyxl.utils.get_column_letter(col["实施主体"] + 1)
    assert sheet.column_dimensions[letter].width >= display_width("四平路街道办事处") == 16
    # The compliance sheet's long messages wrap.
    compliance = book.worksheets[1]
    assert any(c.alignment.wrap_text for r in compliance.iter_rows(min_row=2) for c in r)


def test_english_titles(demo, tmp_path):
    extended = add_projects(demo)
    out = tmp_path / "project_list.xlsx"
    write_project_list(BundleContext.build(demo, ExportOptions(lang="en")), out)
    sheets = pd.read_excel(out, sheet_name=None)
    projects = sheets[list(sheets)[0]]
    assert [c for c in projects.columns if c in COLUMNS_EN] == COLUMNS_EN
    extended_type = demo.catalogue[demo.plan.feature("facilities", extended)["type"]].name_en
    assert set(projects["Facility type"]) == {"Kindergarten", "Pocket park", extended_type}
    assert projects.set_index("Id").loc[extended, "New build / rebuild"] == "extension"


def test_a_plan_with_no_projects_writes_an_empty_list_with_its_header(demo, tmp_path):
    out = tmp_path / "project_list.xlsx"
    assert not projects_in_plan(demo)
    write_project_list(BundleContext.build(demo), out)
    projects = pd.read_excel(out, sheet_name=0)
    assert len(projects) == 0 and [c for c in projects.columns if c in COLUMNS_ZH] == COLUMNS_ZH


def test_control_characters_in_a_name_do_not_break_the_workbook(demo, tmp_path):
    unit = demo.plan.features("planning_units", demo.scenario)[0]
    x, y = unit.geometry.representative_point().coords[0]
    demo.add("facilities", box(x, y, x + 20, y + 20), type="kindergarten", name="幼\x07儿\x00园", status="planned")
    out = tmp_path / "project_list.xlsx"
    write_project_list(BundleContext.build(demo), out)
    assert pd.read_excel(out, sheet_name=0)["项目名称"].tolist() == ["幼儿园"]


def test_progress_reaches_the_end_and_a_cancel_stops_the_writer(demo, tmp_path):
    ctx = BundleContext.build(demo)
    seen = []
    write_project_list(ctx, tmp_path / "a.xlsx", Progress(lambda f, zh, en: seen.append(f)))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(ExportCancelled):
        write_project_list(ctx, tmp_path / "b.xlsx", Progress(cancelled=lambda: True))

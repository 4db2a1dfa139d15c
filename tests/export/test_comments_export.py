"""The comment pins handed out (issue 13 item 5): `lifecircle export-comments` read back by pandas and
openpyxl (one row per pin, coordinates checked against pyproj, the nearest facility and home against
a brute-force search over the plan as GDAL reads it, no formula cell), the bundle's workbook sheet,
and the report's 居民意见 section read back by poppler."""
import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pyogrio
import pytest
from pyproj import Transformer

from lifecircle_desktop.export import ExportOptions
from lifecircle_desktop.model.session import PlanSession
from tests.export.conftest import drawn_plan
from tests.helpers import cli

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils are not installed")

# Offsets from the plan's home corner (drawn_plan: the home 赤峰小区 at (x, y)–(x+120, y+80), the
# kindergarten at x+200…260, the stop at x+150).
PINS = [
    ((60.0, 40.0), {"text": "小区里缺一个菜场", "category": "facility_need", "author_role": "resident", "author": "李阿姨",
                    "meeting": "hearing", "meeting_date": "2026-05-20", "status": "answered",
                    "reply": "规划方案在四平路口设社区菜场"}),
    ((250.0, 10.0), {"text": "=1+1 幼儿园门口上下学太挤", "category": "traffic", "author_role": "owners_committee",
                     "meeting": "coordination", "meeting_date": "2026-06-03", "status": "new"}),
    ((150.0, 120.0), {"text": "-夜里路灯不亮", "category": "safety", "author_role": "property_manager",
                      "meeting": "evaluation", "status": "adopted", "reply": "@物业 已列入年度项目"}),
]


@pytest.fixture
def plan_with_pins(tmp_path):
    with drawn_plan(tmp_path / "同济.gpkg") as session:
        x, y = session.plan.features("residential", "base")[0].geometry.bounds[:2]
        for (dx, dy), values in PINS:
            session.add_comment((x + dx, y + dy), **values)
        session.switch_scenario("方案二")
        session.add_comment((x + 420, y + 15), text="只在方案二的意见", category="other")
        path, origin = session.plan.path, (x, y)
    return path, origin


def oracle_nearest(path, layer, xy):
    """(name, type, metres) of the nearest feature of ``layer`` in base, by GDAL and a full scan."""
    from shapely.geometry import Point
    frame = pyogrio.read_dataframe(path, layer=layer)
    frame = frame[frame["scenario"] == "base"]
    d = frame.geometry.distance(Point(xy))
    row = frame.loc[d.idxmin()]
    return row["name"], row.get("type"), float(d.min())


def test_export_comments_writes_one_row_per_pin_read_back_by_pandas(plan_with_pins, tmp_path):
    path, (x, y) = plan_with_pins
    out = tmp_path / "意见.xlsx"
    r = cli("export-comments", path, "--to", out, "--lang", "zh")
    assert r.returncode == 0, r.stderr
    frame = pd.read_excel(out, sheet_name="居民意见", dtype={"会议日期": str})
    assert frame["编号"].tolist() == [1, 2, 3]  # base only, by number
    assert frame["意见内容"].tolist() == [values["text"] for _xy, values in PINS]
    assert frame["类别"].tolist() == ["设施需求", "交通", "安全"]
    assert frame["提出人身份"].tolist() == ["居民", "业委会", "物业"]
    assert frame["会议"].tolist() == ["听证会", "协调会", "评议会"]
    assert frame["状态"].tolist() == ["已答复", "新意见", "已采纳"]
    assert frame["会议日期"].fillna("").tolist() == ["2026-05-20", "2026-06-03", ""]
    assert frame["答复"].fillna("").tolist() == [PINS[0][1]["reply"], "", PINS[2][1]["reply"]]
    epsg = pyogrio.read_info(path, layer="comments")["crs"]
    to_wgs84 = Transformer.from_crs(epsg, 4326, always_xy=True)
    for i, ((dx, dy), _values) in enumerate(PINS):
        row = frame.iloc[i]
        assert row["X（规划坐标，米）"] == pytest.approx(x + dx, abs=0.01)
        assert row["Y（规划坐标，米）"] == pytest.approx(y + dy, abs=0.01)
        lon, lat = to_wgs84.transform(x + dx, y + dy)
        assert (row["经度（WGS 84）"], row["纬度（WGS 84）"]) == (pytest.approx(lon, abs=1e-6), pytest.approx(lat, abs=1e-6))
        name, _type, metres = oracle_nearest(path, "facilities", (x + dx, y + dy))
        assert row["最近设施"] == name and row["到最近设施直线距离（米）"] == pytest.approx(metres, abs=0.1)
        assert row["最近住宅"] == oracle_nearest(path, "residential", (x + dx, y + dy))[0]
    # The pin inside the kindergarten's outline is 0 m from it, and its type is said in words.
    assert frame.iloc[1]["最近设施类型"] == "幼儿园" and frame.iloc[1]["到最近设施直线距离（米）"] == 0
    counts = pd.read_excel(out, sheet_name="分类统计")
    assert counts.set_index("类别").loc["合计", "合计"] == 3


def test_no_cell_is_a_formula_and_text_that_looks_like_one_stays_text(plan_with_pins, tmp_path):
    path, _ = plan_with_pins
    out = tmp_path / "c.xlsx"
    assert cli("export-comments", path, "--to", out, "--lang", "zh").returncode == 0
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    risky = {c.value: c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"}
    assert set(risky) == {PINS[1][1]["text"], PINS[2][1]["text"], PINS[2][1]["reply"]}
    assert all(c.quotePrefix for c in risky.values())


def test_another_scenario_and_english(plan_with_pins, tmp_path):
    path, _ = plan_with_pins
    out = tmp_path / "en.xlsx"
    assert cli("export-comments", path, "--to", out, "--scenario", "方案二", "--lang", "en").returncode == 0
    frame = pd.read_excel(out, sheet_name="Comments")
    assert frame["Comment"].tolist() == ["只在方案二的意见"] and frame["Category"].tolist() == ["other"]
    assert frame["No."].tolist() == [1]  # 方案二 was copied from base before the pins: numbered on its own


def test_a_bad_scenario_or_file_name_is_one_sentence_and_no_file(plan_with_pins, tmp_path):
    path, _ = plan_with_pins
    r = cli("export-comments", path, "--to", tmp_path / "x.xlsx", "--scenario", "没有这个方案")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli("export-comments", path, "--to", tmp_path / "x.csv")
    assert r.returncode == 2 and ".xlsx" in r.stderr
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*partial*")) == []


def test_the_bundle_workbook_has_a_comments_sheet_and_the_cad_numbers_the_pins(plan_with_pins, tmp_path):
    import ezdxf
    path, _ = plan_with_pins
    with PlanSession.open(path) as session:
        folder = session.export(tmp_path / "out", ExportOptions(only=("xlsx", "dxf"), lang="zh"))
    (book,) = folder.glob("*.xlsx")
    sheets = pd.read_excel(book, sheet_name=None)
    assert sheets["居民意见"]["意见内容"].tolist() == [values["text"] for _xy, values in PINS]
    (drawing,) = folder.glob("*.dxf")
    texts = [e.plain_text() for e in ezdxf.readfile(drawing).modelspace().query("MTEXT") if e.dxf.layer == "居民意见"]
    assert sorted(texts) == sorted(f"{i}. {values['text']}" for i, (_xy, values) in enumerate(PINS, start=1))


@needs_poppler
def test_the_report_has_the_comments_section_with_counts_and_replies(plan_with_pins, tmp_path, qapp):
    path, _ = plan_with_pins
    with PlanSession.open(path) as session:
        folder = session.export(tmp_path / "out", ExportOptions(only=("report",), lang="zh"))
    (pdf,) = folder.glob("*.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    section = flat[flat.rindex("居民意见"):]
    assert "按类别与状态统计" in section and "意见与答复" in section
    for _xy, values in PINS:
        assert re.sub(r"\s+", "", values["text"]) in section
    assert re.sub(r"\s+", "", PINS[0][1]["reply"]) in section and "李阿姨" in section
    assert "只在方案二的意见" not in flat  # the report is of one scenario


def test_a_status_written_by_another_program_is_counted_as_other_not_as_new(plan_with_pins, tmp_path):
    """Review item 5: a pin "closed" elsewhere was filed under 新意见 (still waiting for an answer)."""
    import sqlite3

    from lifecircle_desktop.export.comments import comment_counts
    path, _ = plan_with_pins
    with sqlite3.connect(path) as db:  # another program, writing the GeoPackage directly
        db.execute("UPDATE comments SET status = ? WHERE text = ?", ("closed", PINS[0][1]["text"]))
    db.close()
    with PlanSession.open(path) as session:
        zh = comment_counts(session, "base", "zh")
        en = comment_counts(session, "base", "en")
    assert zh.loc["设施需求", "其他"] == 1 and zh.loc["设施需求", "已答复"] == 0
    assert zh.loc["合计", "新意见"] == 1  # only the pin that is new (PINS[1])
    assert zh.loc["合计", "其他"] == 1 and zh.loc["合计", "合计"] == len(PINS)
    assert en.loc["Total", "other"] == 1

"""CAD drawings (DXF) into a plan (issue 14 points 1, 2, 6): drawings built here with ezdxf in local
millimetres — GBK text in an R2000 ANSI_936 file, UTF-8 in R2010, blocks (nested, scaled, rotated),
a bulge arc, a hatch with a hole — placed by control points; areas, names, floors, the RMSE and
coordinates checked against the transform chosen here (within 1 cm), the plan file read back by GDAL."""
import math

import ezdxf
import numpy as np
from ezdxf.enums import TextEntityAlignment
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.io.dxf import parse_label, read_dxf
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import cli, sha256, snapshot

# The transform the test chooses: drawing millimetres → UTM 51N metres near Tongji, turned 15°.
ANGLE = math.radians(15)
ORIGIN = (355_000.0, 3_464_000.0)


def to_plan(x, y):
    c, s = 0.001 * math.cos(ANGLE), 0.001 * math.sin(ANGLE)
    return (ORIGIN[0] + c * x - s * y, ORIGIN[1] + s * x + c * y)


CONTROL = [((x, y), to_plan(x, y)) for x, y in [(0, 0), (200_000, 0), (200_000, 120_000), (0, 120_000)]]

# Home A: 60 m × 12 m. Home B: 40 m × 15 m with a semicircular top (bulge 1 on the top edge).
HOME_A = [(0, 0), (60_000, 0), (60_000, 12_000), (0, 12_000)]
HOME_B = [(0, 30_000, 0), (40_000, 30_000, 0), (40_000, 45_000, 1.0), (0, 45_000, 0)]
AREA_B = 40 * 15 + math.pi * 20 ** 2 / 2
BLOCK = [(0, 0), (20_000, 0), (20_000, 10_000), (0, 10_000)]  # 20 m × 10 m, drawn on layer 0


def build(path, version="R2000", codepage="ANSI_936", fmt="asc", insunits=4):
    doc = ezdxf.new(version)
    if codepage == "ANSI_936":
        doc.encoding = "gbk"  # ezdxf writes $DWGCODEPAGE from the document's encoding (ANSI_936)
    doc.header["$INSUNITS"] = insunits
    for name in ("住宅", "文字", "道路", "公建", "绿地"):
        doc.layers.add(name)
    bld = doc.blocks.new("BLD")
    bld.add_lwpolyline(BLOCK, close=True, dxfattribs={"layer": "0"})
    pair = doc.blocks.new("PAIR")
    pair.add_blockref("BLD", (0, 0), dxfattribs={"layer": "0"})
    pair.add_blockref("BLD", (0, 20_000), dxfattribs={"layer": "0"})
    msp = doc.modelspace()
    msp.add_lwpolyline(HOME_A, close=True, dxfattribs={"layer": "住宅"})
    msp.add_lwpolyline(HOME_B, format="xyb", close=True, dxfattribs={"layer": "住宅"})
    # Home C: the block scaled 1.5 and turned 30° (30 m × 15 m); homes D, E: the nested pair.
    msp.add_blockref("BLD", (100_000, 0), dxfattribs={"layer": "住宅", "xscale": 1.5, "yscale": 1.5, "rotation": 30})
    msp.add_blockref("PAIR", (150_000, 50_000), dxfattribs={"layer": "住宅"})
    msp.add_text("18#楼", dxfattribs={"layer": "文字", "height": 2500}).set_placement((5_000, 3_000))
    msp.add_text("6F", dxfattribs={"layer": "文字", "height": 2500}).set_placement(
        (40_000, 6_000), align=TextEntityAlignment.MIDDLE_CENTER)  # placed by its alignment point
    msp.add_mtext("幸福小区\\P12层", dxfattribs={"layer": "文字", "char_height": 2500, "insert": (10_000, 40_000)})
    msp.add_lwpolyline([(0, 60_000), (80_000, 60_000), (80_000, 100_000), (0, 100_000)], close=True,
                       dxfattribs={"layer": "公建"})
    msp.add_text("幼儿园 3层", dxfattribs={"layer": "文字", "height": 2500}).set_placement((20_000, 80_000))
    msp.add_line((0, -10_000), (200_000, -10_000), dxfattribs={"layer": "道路"})
    msp.add_lwpolyline([(-10_000, -10_000), (-10_000, 110_000)], dxfattribs={"layer": "道路"})
    msp.add_arc((100_000, 100_000), 20_000, 0, 90, dxfattribs={"layer": "道路"})
    hatch = msp.add_hatch(dxfattribs={"layer": "绿地"})
    hatch.paths.add_polyline_path([(100_000, 60_000), (140_000, 60_000), (140_000, 90_000), (100_000, 90_000)],
                                  is_closed=True, flags=1)
    hatch.paths.add_polyline_path([(110_000, 70_000), (120_000, 70_000), (120_000, 80_000), (110_000, 80_000)],
                                  is_closed=True, flags=16)
    doc.saveas(path, fmt=fmt)
    return path


MAPPING = {"住宅": "residential", "公建": "facilities:kindergarten", "道路": "walk_network"}


@pytest.fixture
def session(tmp_path):
    path = tmp_path / "plan.gpkg"
    Plan.create(path, "CAD 测试", 32651).close()
    with PlanSession.open(path) as s:
        yield s


def homes_by_name(session):
    return {f["name"]: f for f in session.plan.features("residential", "base")}


@pytest.mark.parametrize("version, codepage, encoding", [("R2000", "ANSI_936", "gbk"), ("R2010", None, "utf-8")])
def test_homes_names_floors_and_areas_placed_by_control_points(session, tmp_path, version, codepage, encoding):
    path = build(tmp_path / "总图.dxf", version, codepage)
    data = path.read_bytes()
    assert "18#楼".encode(encoding) in data  # the file really holds GBK / UTF-8 text
    assert (b"ANSI_936" in data) == (codepage == "ANSI_936")
    changes = session.import_dxf(path, control=CONTROL, mapping=MAPPING)
    record = changes.edit.edits[0].record
    assert record["rmse_m"] == pytest.approx(0.0, abs=1e-6)
    homes = session.plan.features("residential", "base")
    assert len(homes) == 5  # A, B, the scaled block, the nested pair
    named = homes_by_name(session)
    a = named["18#楼"]
    assert a["floors"] == 6 and a["source"] == "cad"
    assert a.geometry.area == pytest.approx(720.0, abs=0.01)
    expected = Polygon([to_plan(x, y) for x, y in HOME_A])
    assert shapely.hausdorff_distance(a.geometry, expected) < 0.01
    b = named["幸福小区"]
    assert b["floors"] == 12
    # The bulge arc is flattened to chords within 2 cm of the curve: the area loses at most 2 cm × arc.
    assert AREA_B - 0.02 * math.pi * 20 <= b.geometry.area <= AREA_B + 1e-6
    areas = sorted(round(f.geometry.area, 2) for f in homes)
    assert areas[:3] == [200.0, 200.0, 450.0]  # nested pair 20×10, the block ×1.5
    kindergarten = session.plan.features("facilities", "base")
    assert [(f["type"], f["name"], f["floors"]) for f in kindergarten] == [("kindergarten", "幼儿园", 3)]
    assert kindergarten[0].geometry.area == pytest.approx(80 * 40, abs=0.01)


def test_blocks_exploded_with_scale_rotation_and_nesting(session, tmp_path):
    session.import_dxf(build(tmp_path / "a.dxf"), control=CONTROL, mapping=MAPPING)
    # The block at (100 m, 0) scaled 1.5 and turned 30°: its far corner, computed here.
    r = math.radians(30)
    bx, by = 20_000 * 1.5, 10_000 * 1.5
    far = to_plan(100_000 + bx * math.cos(r) - by * math.sin(r), bx * math.sin(r) + by * math.cos(r))
    scaled = [f for f in session.plan.features("residential", "base") if abs(f.geometry.area - 450) < 0.01][0]
    assert min(math.dist(far, c) for c in scaled.geometry.exterior.coords) < 0.01
    pair = [f for f in session.plan.features("residential", "base") if abs(f.geometry.area - 200) < 0.01]
    corners = {tuple(np.round(f.geometry.centroid.coords[0], 2)) for f in pair}
    assert corners == {tuple(np.round(to_plan(150_000 + 10_000, 50_000 + dy + 5_000), 2)) for dy in (0, 20_000)}


def test_every_shape_kept_as_base_map_with_its_cad_layer_read_back_by_gdal(session, tmp_path):
    session.import_dxf(build(tmp_path / "a.dxf"), control=CONTROL, mapping=MAPPING)
    frame = pyogrio.read_dataframe(session.plan.path, layer="basemap_cad")
    layers = frame.groupby("cad_layer").size().to_dict()
    assert layers == {"住宅": 5, "文字": 4, "道路": 3, "公建": 1, "绿地": 1}
    assert set(frame.loc[frame.cad_layer == "文字", "text"]) == {"18#楼", "6F", "幸福小区 12层", "幼儿园 3层"}
    green = frame.loc[frame.cad_layer == "绿地"].geometry.iloc[0]
    assert green.area == pytest.approx(40 * 30 - 10 * 10, abs=0.01)  # the hatch's hole is kept
    assert set(frame.source) == {"a.dxf"}


def test_walking_paths_from_lines_with_the_arc_flattened(session, tmp_path):
    session.import_dxf(build(tmp_path / "a.dxf"), control=CONTROL, mapping=MAPPING)
    paths = session.plan.features("walk_network", "base")
    assert len(paths) == 3 and {p["source"] for p in paths} == {"cad"}
    lengths = sorted(p.geometry.length for p in paths)
    arc = math.pi / 2 * 20
    assert arc - 0.02 < lengths[0] <= arc and lengths[1:] == pytest.approx([120.0, 200.0], abs=1e-6)


def test_the_import_is_one_undoable_edit(session, tmp_path):
    before = snapshot(session.plan)
    session.import_dxf(build(tmp_path / "a.dxf"), control=CONTROL, mapping=MAPPING)
    after = snapshot(session.plan)
    assert len(session.history()) == 1
    session.undo()
    assert snapshot(session.plan) == before and not session.plan.meta.get("imports")
    session.redo()
    assert snapshot(session.plan) == after
    with Plan.open(session.plan.path) as again:  # and in the file
        assert snapshot(again) == after


def test_placement_stored_with_the_import_and_read_back(session, tmp_path):
    from lifecircle_desktop.model.georef import Georef
    noisy = [(p, (e + d, n - d)) for (p, (e, n)), d in zip(CONTROL, (0.03, -0.02, 0.01, -0.02))]
    session.import_dxf(build(tmp_path / "a.dxf"), control=noisy, mapping=MAPPING)
    with Plan.open(session.plan.path) as again:
        record = again.meta["imports"][-1]
    stored = Georef.from_json(record["placement"])
    assert stored.kind == "affine" and len(stored.pairs) == 4
    assert 0 < record["rmse_m"] < 0.05 and stored.rmse == pytest.approx(record["rmse_m"], abs=1e-4)
    assert np.allclose(stored.apply((60_000, 12_000)), to_plan(60_000, 12_000), atol=0.05)


def test_drawing_in_a_known_crs_with_zone_prefix(session, tmp_path):
    from pyproj import Transformer
    to_gk = Transformer.from_crs(32651, 4549, always_xy=True)
    corners = [to_gk.transform(*to_plan(x, y)) for x, y in HOME_A]
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 6
    doc.modelspace().add_lwpolyline([(e + 40_000_000, n) for e, n in corners], close=True, dxfattribs={"layer": "房屋"})
    doc.saveas(tmp_path / "gk.dxf")
    session.import_dxf(tmp_path / "gk.dxf", crs="EPSG:4549", mapping={"房屋": "residential"})
    home = session.plan.features("residential", "base")[0]
    assert shapely.hausdorff_distance(home.geometry, Polygon([to_plan(x, y) for x, y in HOME_A])) < 0.01


def test_drawing_coordinates_in_millimetres_are_plan_coordinates_by_default(session, tmp_path):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    xy = [(ORIGIN[0] * 1000 + x, ORIGIN[1] * 1000 + y) for x, y in HOME_A]
    doc.modelspace().add_lwpolyline(xy, close=True)
    doc.saveas(tmp_path / "mm.dxf")
    session.import_dxf(tmp_path / "mm.dxf", mapping={"0": "residential"})
    home = session.plan.features("residential", "base")[0]
    assert home.geometry.bounds == pytest.approx((ORIGIN[0], ORIGIN[1], ORIGIN[0] + 60, ORIGIN[1] + 12), abs=1e-6)


@pytest.mark.parametrize("text, said", [
    ("6F", {"floors": 6}), ("6层", {"floors": 6}), ("六层", {"floors": 6}), ("十八层", {"floors": 18}),
    ("18#楼", {"building": "18#楼"}), ("18#", {"building": "18#楼"}), ("18号楼", {"building": "18#楼"}),
    ("3幢", {"building": "3#楼"}), ("18#楼 11F", {"building": "18#楼", "floors": 11}),
    ("幼儿园", {"name": "幼儿园"}), ("社区卫生服务站 2层", {"name": "社区卫生服务站", "floors": 2}),
    ("-1F", {}), ("12.5", {}),
])
def test_chinese_labels(text, said):
    assert parse_label(text) == said


def test_binary_dxf_reads_like_ascii(tmp_path):
    ascii_ = read_dxf(build(tmp_path / "a.dxf"))
    binary = read_dxf(build(tmp_path / "b.dxf", fmt="bin"))
    assert binary.layer_counts() == ascii_.layer_counts()
    assert sorted(binary.texts, key=str) == sorted(ascii_.texts, key=str)
    # The same shapes, whether ezdxf built every entity (binary) or the common ones were parsed
    # from their tags while streaming (ASCII).
    def shapes(d):
        return sorted(shapely.to_wkt(shapely.normalize(g), rounding_precision=6) for g in d.geometries)
    assert shapes(binary) == shapes(ascii_)


def test_layer_counts_for_the_dialog(tmp_path):
    counts = read_dxf(build(tmp_path / "a.dxf")).layer_counts()
    assert counts["住宅"] == {"outline": 5, "line": 0, "text": 0}
    assert counts["道路"] == {"outline": 0, "line": 3, "text": 0}
    assert counts["文字"] == {"outline": 0, "line": 0, "text": 4}


def refused(session, path, **kw):
    before, digest = snapshot(session.plan), sha256(session.plan.path)
    with pytest.raises(PlanError) as e:
        session.import_dxf(path, **kw)
    assert snapshot(session.plan) == before and sha256(session.plan.path) == digest
    assert not session.history()
    return e.value


def test_truncated_dxf_refused(session, tmp_path):
    data = build(tmp_path / "a.dxf").read_bytes()
    (tmp_path / "cut.dxf").write_bytes(data[: len(data) * 2 // 3])
    e = refused(session, tmp_path / "cut.dxf", control=CONTROL)
    assert "截断" in e.message_zh and "truncated" in e.message_en


def test_dwg_refused_with_what_to_do(session, tmp_path):
    (tmp_path / "总图.dwg").write_bytes(b"AC1032\x00\x00\x00\x00\x00\x03\x00" + bytes(range(256)) * 8)
    e = refused(session, tmp_path / "总图.dwg")
    assert e.message_zh == "总图.dwg：这是 DWG 文件，请先在 CAD 中另存为 DXF"


@pytest.mark.parametrize("content", [b"", b"hello, not a drawing\n", b"  0\nSECTION\n  2\nENTITIES\n  0\nEOF\n"])
def test_not_a_dxf_refused_in_one_sentence(session, tmp_path, content):
    (tmp_path / "x.dxf").write_bytes(content)
    e = refused(session, tmp_path / "x.dxf")
    assert e.message_en.startswith("x.dxf: ")


def sqlite_bytes(tmp_path):
    import sqlite3
    db = sqlite3.connect(tmp_path / "db.sqlite")
    db.execute("CREATE TABLE t (a)")
    db.execute("INSERT INTO t VALUES (?)", ("  0\nSECTION\n  0\nEOF\n",))  # DXF-looking text inside
    db.commit()
    db.close()
    return (tmp_path / "db.sqlite").read_bytes()


@pytest.mark.parametrize("make", [
    lambda tmp: b"",
    lambda tmp: b" \n\t\n",
    sqlite_bytes,
    lambda tmp: bytes(__import__("random").Random(7).randrange(256) for _ in range(4096)) + b"\n  0\nEOF\n",
    lambda tmp: b"AutoCAD Binary DXF\r\n\x1a\x00",                       # the sentinel and nothing more
    lambda tmp: b"AutoCAD Binary DXF\r\n\x1a\x00" + bytes(range(64)) + b"EOF\x00",
    lambda tmp: b"999\nmade by hand\n  0\nLINE\n  0\nEOF\n",               # a first tag that is no SECTION
], ids=["empty", "blank", "sqlite", "random", "binary-header-only", "binary-garbage", "no-section"])
def test_a_file_named_dxf_that_is_no_dxf_says_so(session, tmp_path, make):
    (tmp_path / "总图.dxf").write_bytes(make(tmp_path))
    e = refused(session, tmp_path / "总图.dxf")
    assert e.message_zh.startswith("总图.dxf：这不是 DXF 文件") and e.message_en.startswith("总图.dxf: this is not a DXF file")
    assert "截断" not in e.message_zh and "truncated" not in e.message_en


def test_comments_before_the_first_section_are_a_dxf(tmp_path):
    data = build(tmp_path / "a.dxf").read_bytes()
    (tmp_path / "b.dxf").write_bytes(b"999\nexported by hand\n999\nsecond comment\n" + data)
    assert read_dxf(tmp_path / "b.dxf").layer_counts() == read_dxf(tmp_path / "a.dxf").layer_counts()


@pytest.mark.parametrize("fmt", ["asc", "bin"])
def test_unicode_escapes_of_an_r2000_cp1252_drawing_are_decoded(session, tmp_path, fmt):
    """ezdxf's R2000 writer (like AutoCAD on a non-Chinese code page) stores Chinese as \\U+XXXX."""
    doc = ezdxf.new("R2000")
    for name in ("住宅", "文字"):
        doc.layers.add(name)
    doc.blocks.new("楼").add_lwpolyline(BLOCK, close=True, dxfattribs={"layer": "0"})
    msp = doc.modelspace()
    msp.add_lwpolyline(HOME_A, close=True, dxfattribs={"layer": "住宅"})
    msp.add_blockref("楼", (100_000, 0), dxfattribs={"layer": "住宅"})
    msp.add_text("1#楼", dxfattribs={"layer": "文字", "height": 2500}).set_placement((5_000, 3_000))
    msp.add_text("6层", dxfattribs={"layer": "文字", "height": 2500}).set_placement(
        (40_000, 6_000), align=TextEntityAlignment.MIDDLE_CENTER)
    msp.add_mtext("幼儿园 3层", dxfattribs={"layer": "文字", "char_height": 2500, "insert": (105_000, 6_000)})
    path = tmp_path / "cp1252.dxf"
    doc.saveas(path, fmt=fmt)
    data = path.read_bytes()
    assert b"\\U+4F4F\\U+5B85" in data.upper() and "住宅".encode("utf-8") not in data  # really escaped
    session.import_dxf(path, control=CONTROL, mapping={"住宅": "residential"})
    homes = {f["name"]: f for f in session.plan.features("residential", "base")}
    assert set(homes) == {"1#楼", "幼儿园"}
    assert homes["1#楼"]["floors"] == 6 and homes["幼儿园"]["floors"] == 3
    assert homes["1#楼"].geometry.area == pytest.approx(720.0, abs=0.01)
    frame = pyogrio.read_dataframe(session.plan.path, layer="basemap_cad")
    assert set(frame["cad_layer"]) == {"住宅", "文字"}
    assert set(frame["text"].dropna()) == {"1#楼", "6层", "幼儿园 3层"}


def test_cli_maps_a_layer_named_by_unicode_escapes(tmp_path):
    plan = tmp_path / "plan.gpkg"
    Plan.create(plan, "CLI", 32651).close()
    doc = ezdxf.new("R2000")
    doc.layers.add("住宅")
    doc.modelspace().add_lwpolyline(HOME_A, close=True, dxfattribs={"layer": "住宅"})
    doc.modelspace().add_text("1#楼 6层", dxfattribs={"height": 2500}).set_placement((5_000, 3_000))
    doc.saveas(tmp_path / "a.dxf")
    args = [f"--control={x},{y}={e},{n}" for (x, y), (e, n) in CONTROL]
    cli("import-dxf", plan, tmp_path / "a.dxf", *args, "--as", "住宅=residential")
    homes = pyogrio.read_dataframe(plan, layer="residential")
    assert list(homes["name"]) == ["1#楼"] and list(homes["floors"]) == [6]


def test_drawing_far_from_the_plan_asks_for_placement(session, tmp_path):
    e = refused(session, build(tmp_path / "a.dxf"))  # local millimetres taken as UTM metres
    assert "控制点" in e.message_zh and "control points" in e.message_en


def test_collinear_control_points_refused_for_affine(session, tmp_path):
    line = [((x, 0.0), to_plan(x, 0.0)) for x in (0, 50_000, 100_000)]
    e = refused(session, build(tmp_path / "a.dxf"), control=line, kind="affine")
    assert e.message_zh.startswith("控制点共线，无法确定仿射变换")


def test_unknown_cad_layer_or_target_refused(session, tmp_path):
    e = refused(session, build(tmp_path / "a.dxf"), control=CONTROL, mapping={"没有": "residential"})
    assert "没有" in e.message_zh
    with pytest.raises(PlanError, match="unknown facility type"):
        session.import_dxf(build(tmp_path / "b.dxf"), control=CONTROL, mapping={"公建": "facilities:nope"})


def test_cancelled_import_leaves_the_plan_unchanged(session, tmp_path):
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    for i in range(6000):
        msp.add_line((i * 1000, 0), (i * 1000, 5000))
    doc.saveas(tmp_path / "big.dxf")
    seen = []

    def progress(fraction, message):
        seen.append(fraction)
        return len(seen) < 3  # cancel at the third report
    e = refused(session, tmp_path / "big.dxf", control=CONTROL, progress=progress)
    assert e.message_en == "import cancelled" and seen == sorted(seen)


def test_cli_import_dxf(tmp_path):
    plan = tmp_path / "plan.gpkg"
    Plan.create(plan, "CLI", 32651).close()
    path = build(tmp_path / "总图.dxf")
    args = [f"--control={x},{y}={e},{n}" for (x, y), (e, n) in CONTROL]
    r = cli("import-dxf", plan, path, *args, "--as", "住宅=residential", "--as", "道路=walk_network",
            "--transform", "similarity")
    assert r.returncode == 0, r.stderr
    assert "RMSE 0.000 m" in r.stdout and "residential" in r.stdout
    with Plan.open(plan) as p:
        assert len(p.features("residential", "base")) == 5 and len(p.features("walk_network", "base")) == 3
    bad = cli("import-dxf", plan, path, "--control=0,0=1,1")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "at least 2" in bad.stderr
    wrong = cli("import-dxf", plan, path, "--as", "住宅=houses")
    assert wrong.returncode == 2 and "unknown layer mapping" in wrong.stderr


@pytest.mark.parametrize("bulge", [1.0, -1.0, 0.4142, -0.2, 2.0])
def test_bulge_points_lie_on_the_true_arc(tmp_path, bulge):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 6
    doc.modelspace().add_lwpolyline([(0, 0, bulge), (10, 0, 0)], format="xyb")
    doc.saveas(tmp_path / "arc.dxf")
    line = read_dxf(tmp_path / "arc.dxf").geometries[0]
    theta = 4 * math.atan(bulge)
    radius = 10 / (2 * abs(math.sin(theta / 2)))
    # The centre from the arc's geometry: on x = 5, at distance radius from both ends; the arc's
    # middle point is the sagitta away from the chord, on the side the sign of the bulge says.
    sagitta = bulge * 10 / 2
    cy = -sagitta + math.copysign(radius, bulge)
    pts = np.array(line.coords)
    assert np.allclose(np.hypot(pts[:, 0] - 5, pts[:, 1] - cy), radius, atol=1e-9)
    assert pts[:, 1].min() == pytest.approx(min(0, -sagitta), abs=0.02)
    assert pts[:, 1].max() == pytest.approx(max(0, -sagitta), abs=0.02)


def test_a_v4_plan_gains_an_empty_cad_layer_with_its_first_edit(tmp_path):
    import sqlite3
    path = tmp_path / "v4.gpkg"
    Plan.create(path, "旧规划", 32651).close()
    conn = sqlite3.connect(path, isolation_level=None)  # as version 4 of the app wrote it
    conn.execute("DROP TABLE basemap_cad")
    conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'basemap_cad'")
    conn.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'basemap_cad'")
    conn.execute("UPDATE plan_meta SET value = '4' WHERE key = 'schema_version'")
    conn.close()
    with PlanSession.open(path) as session:
        assert session.upgrade()
    frame = pyogrio.read_dataframe(path, layer="basemap_cad")  # GDAL sees the new, empty layer
    assert len(frame) == 0 and {"cad_layer", "entity", "text", "source"} <= set(frame.columns)
    assert pyogrio.read_info(path, layer="basemap_cad")["crs"] == "EPSG:32651"
    with PlanSession.open(path) as session:
        session.import_dxf(build(tmp_path / "a.dxf"), control=CONTROL, mapping=MAPPING)
    assert len(pyogrio.read_dataframe(path, layer="basemap_cad")) == 14


def test_a_drawing_beyond_the_shape_limit_is_refused_while_read_and_layers_can_be_chosen(session, tmp_path, monkeypatch):
    from lifecircle_desktop.model.io import dxf
    monkeypatch.setattr(dxf, "MAX_SHAPES", 10)  # the drawing has 14 shapes
    path = build(tmp_path / "a.dxf")
    e = refused(session, path, control=CONTROL)
    assert "10" in e.message_en and "only the layers you need" in e.message_en
    session.import_dxf(path, control=CONTROL, mapping={"住宅": "residential"}, layers=["住宅", "文字"])
    assert {f["cad_layer"] for f in session.plan.features("basemap_cad")} == {"住宅", "文字"}
    assert homes_by_name(session)["18#楼"]["floors"] == 6  # the texts read with the outlines


@pytest.mark.parametrize("fmt", ["asc", "bin"])
def test_the_refusal_names_the_biggest_layers_counted_to_the_end(session, tmp_path, monkeypatch, fmt):
    from lifecircle_desktop.model.io import dxf
    monkeypatch.setattr(dxf, "MAX_SHAPES", 50)
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    # 建筑 mostly after the limit is reached: its count is known only if reading goes on counting.
    for layer, n in (("道路", 40), ("绿化", 7), ("建筑", 120), ("水系", 3), ("文字", 2), ("围墙", 1)):
        for i in range(n):
            msp.add_line((i * 1000, 0), (i * 1000, 5000), dxfattribs={"layer": layer})
    tree = doc.blocks.new("TREE")
    tree.add_circle((0, 0), 500, dxfattribs={"layer": "0"})
    for i in range(30):  # block references count as the shapes they explode to, on their own layer
        msp.add_blockref("TREE", (i * 1000, 9000), dxfattribs={"layer": "绿化"})
    doc.saveas(tmp_path / "big.dxf", fmt=fmt)
    e = refused(session, tmp_path / "big.dxf", control=CONTROL)
    assert e.message_zh.startswith("big.dxf：图纸超过 50 个图形（已读 203 个）")
    assert e.message_zh.endswith("可用 --layer 只导入部分图层，例如：建筑 (120)、道路 (40)、绿化 (37)、水系 (3)、文字 (2)…")
    assert "--layer" in e.message_en and "建筑 (120), 道路 (40), 绿化 (37)" in e.message_en
    # Under the limit with the layers the refusal suggested.
    session.import_dxf(tmp_path / "big.dxf", control=CONTROL, layers=["道路"])
    assert len(session.plan.features("basemap_cad")) == 40


def test_damaged_drawings_are_one_sentence_or_read(session, tmp_path):
    """Seeded mutations of a good drawing (values replaced by text, infinities, huge numbers; tags
    dropped or doubled): each read or import ends in a drawing or a PlanError, never another error,
    and a refused import leaves the plan as it was."""
    import random
    lines = build(tmp_path / "good.dxf").read_bytes().split(b"\n")
    rng = random.Random(14)
    before = snapshot(session.plan)
    for i in range(120):
        mutated = list(lines)
        for _ in range(rng.randint(1, 4)):
            j = rng.randrange(len(mutated) - 4)
            op = rng.random()
            if op < 0.4:
                mutated[j] = rng.choice([b"abc", b"-1e999", b"nan", b"99999999999999999999", b"", b"0", b"1e308", b"\xff\xfe"])
            elif op < 0.7:
                del mutated[j]
            else:
                mutated.insert(j, rng.choice([b"10", b"0", b"LINE", b"INSERT", b"2", b"BLD"]))
        path = tmp_path / f"m{i}.dxf"
        path.write_bytes(b"\n".join(mutated))
        try:
            session.import_dxf(path, control=CONTROL)
        except PlanError:
            assert snapshot(session.plan) == before
            continue
        session.undo()
        assert snapshot(session.plan) == before

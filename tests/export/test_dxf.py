"""CAD (DXF) of the bundle (issue 12 point 4): read back by GDAL (pyogrio) and by ezdxf, and
compared with the plan's own features, vertex by vertex, within 1 mm."""
import colorsys
import dataclasses
import shutil

import ezdxf
import numpy as np
import pyogrio
import pytest
import shapely
from ezdxf import recover
from pyproj import Transformer
from shapely.geometry import Point, Polygon, box

from lifecircle_desktop.export import BundleContext, ExportCancelled, ExportOptions, Progress
from lifecircle_desktop.export.dxf import layer_name, write_dxf
from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.schema import LAYERS
from lifecircle_desktop.model.session import PlanSession, create_plan

pytestmark = pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")

MM = 1e-3
# The layer names a CAD user finds (the brief's words, not read from the writer).
LAYER_NAMES = {"planning_units": "规划单元", "residential": "居住用地", "walk_network": "步行网络",
               "stops": "公交与轨交站点", "entrances": "出入口", "comments": "居民意见",
               "basemap_buildings": "底图-建筑", "basemap_landuse": "底图-用地", "basemap_water": "底图-水系",
               "basemap_roads": "底图-道路"}
CATALOGUE = load_catalogue()
OSM = "© OpenStreetMap contributors"


def expected_layer(feature) -> str:
    if feature.layer == "facilities":
        return "设施-" + CATALOGUE.categories[CATALOGUE[feature.attributes["type"]].category].name_zh
    return LAYER_NAMES[feature.layer]


def plan_features(session):
    """Every feature the scenario shows, straight from the plan file."""
    plan = session.plan
    return [f for layer, spec in LAYERS.items()
            for f in plan.features(layer, session.scenario if spec.editable else None) if f.geometry is not None]


def parts(geometry):
    """(vertices without a ring's repeated end, closed) of every ring and line of a plan geometry."""
    if geometry.geom_type == "Polygon":
        return [(shapely.get_coordinates(r)[:-1], True) for r in (geometry.exterior, *geometry.interiors)]
    if geometry.geom_type == "LineString":
        return [(shapely.get_coordinates(geometry), False)]
    if geometry.geom_type == "Point":
        return [(shapely.get_coordinates(geometry), None)]
    return [p for g in geometry.geoms for p in parts(g)]


def gdal_read(path, fills=None):
    """{layer: [(vertices, closed)]} of lines and points and the texts {layer: [text]} as GDAL's DXF
    driver reads them; the polygons it makes of fills (HATCH) go into ``fills`` {layer: [polygon]}."""
    df = pyogrio.read_dataframe(path)
    shapes, texts = {}, {}
    for layer, kind, text, geom in zip(df["Layer"], df["SubClasses"], df["Text"], df.geometry):
        if "AcDbMText" in kind:
            texts.setdefault(layer, []).append(text)
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):  # a HATCH (GDAL gives its pattern as Text)
            if fills is not None:
                fills.setdefault(layer, []).extend(getattr(geom, "geoms", [geom]))
            continue
        xy = shapely.get_coordinates(geom)
        if geom.geom_type == "Point":
            shapes.setdefault(layer, []).append((xy, None))
        else:
            shapes.setdefault(layer, []).append((xy, False))
            if len(xy) > 2 and np.array_equal(xy[0], xy[-1]):  # a ring, or a line that ends where it began
                shapes[layer].append((xy[:-1], True))
    return shapes, texts


def ezdxf_read(path):
    doc = ezdxf.readfile(path)
    shapes = {}
    for e in doc.modelspace():
        if e.dxftype() == "LWPOLYLINE":
            shapes.setdefault(e.dxf.layer, []).append((np.array(e.get_points("xy")), e.closed))
        elif e.dxftype() == "POINT":
            shapes.setdefault(e.dxf.layer, []).append((np.array([(e.dxf.location.x, e.dxf.location.y)]), None))
    return doc, shapes


def assert_all_found(features, shapes, reader, transform=None, tolerance=MM):
    """Each ring, line and point of each feature is on its layer with every vertex within ``tolerance``."""
    missing = []
    for f in features:
        layer = expected_layer(f)
        for xy, closed in parts(f.geometry):
            if transform is not None:
                xy = np.column_stack(transform.transform(xy[:, 0], xy[:, 1]))
            found = any(len(c) == len(xy) and k == closed and np.abs(c - xy).max() <= tolerance
                        for c, k in shapes.get(layer, ()))
            if not found:
                missing.append((f.layer, f.fid, layer))
    assert not missing, f"{reader}: {len(missing)} parts not found, e.g. {missing[:5]}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dxf")
    shutil.copyfile(DEMO_PLAN, folder / DEMO_PLAN.name)
    session = PlanSession.open(folder / DEMO_PLAN.name)
    yield session, folder
    session.close()


@pytest.fixture(scope="module")
def demo_dxf(demo):
    session, folder = demo
    ctx = BundleContext.build(session, ExportOptions())
    reports = []
    path = write_dxf(ctx, folder / "plan.dxf", Progress(lambda f, zh, en: reports.append(f)))
    return ctx, path, reports


def test_gdal_reads_every_feature_on_its_chinese_layer_at_the_plans_coordinates(demo, demo_dxf):
    session, _ = demo
    _, path, _ = demo_dxf
    shapes, _ = gdal_read(path)
    features = plan_features(session)
    assert {f.layer for f in features} >= {"facilities", "residential", "walk_network", "stops", "basemap_buildings"}
    assert_all_found(features, shapes, "GDAL")
    assert "设施-教育" in shapes and "居住用地" in shapes


def test_ezdxf_reads_closed_polylines_for_areas_and_open_ones_for_lines(demo, demo_dxf):
    session, _ = demo
    _, path, _ = demo_dxf
    doc, shapes = ezdxf_read(path)
    assert_all_found(plan_features(session), shapes, "ezdxf")
    auditor = doc.audit()
    assert not auditor.has_errors, [e.message for e in auditor.errors]


def test_header_says_metres_gbk_and_the_extent_holds_everything(demo_dxf):
    _, path, _ = demo_dxf
    doc = ezdxf.readfile(path)
    assert doc.header["$INSUNITS"] == 6
    assert doc.header["$DWGCODEPAGE"] == "ANSI_936"
    assert doc.dxfversion >= "AC1018"  # R2004: true colours
    bounds = shapely.total_bounds(pyogrio.read_dataframe(path).geometry.values)
    lo, hi = doc.header["$EXTMIN"], doc.header["$EXTMAX"]
    assert lo[0] <= bounds[0] + MM and lo[1] <= bounds[1] + MM
    assert hi[0] >= bounds[2] - MM and hi[1] >= bounds[3] - MM
    style = doc.styles.get(doc.header["$TEXTSTYLE"])
    assert style.dxf.font.lower() in ("simsun.ttc", "simhei.ttf")
    for e in doc.modelspace().query("MTEXT"):
        assert e.dxf.style == style.dxf.name


def test_names_come_back_in_chinese_on_their_layers(demo, demo_dxf):
    session, _ = demo
    _, path, _ = demo_dxf
    _, texts = gdal_read(path)
    named = [f for f in plan_features(session) if f.layer in ("facilities", "residential", "planning_units")
             and f.attributes.get("name")]
    assert len(named) > 20 and any("路" in f.attributes["name"] for f in named)
    for f in named:
        assert f.attributes["name"] in texts[expected_layer(f)], (f.layer, f.fid, f.attributes["name"])
    # A facility without a name is labelled with its type, in the plan's language.
    unnamed = [f for f in session.plan.features("facilities", session.scenario) if not f.attributes.get("name")]
    for f in unnamed[:5]:
        assert CATALOGUE[f.attributes["type"]].name_zh in texts[expected_layer(f)]


def test_title_block_names_plan_scenario_crs_date_and_the_osm_credit(demo, demo_dxf):
    session, _ = demo
    ctx, path, _ = demo_dxf
    _, texts = gdal_read(path)
    title = " ".join(texts["图框"])
    for words in (session.plan.name, ctx.scenario, ctx.crs.label(), ctx.date.isoformat(), OSM, "米"):
        assert words in title, words
    # …below the drawing.
    df = pyogrio.read_dataframe(path)
    frame = df[df["Layer"] == "图框"].geometry.total_bounds
    drawing = df[df["Layer"] != "图框"].geometry.total_bounds
    assert frame[3] < drawing[1]


def test_layer_colours_are_the_canvas_colours(demo, demo_dxf):
    from lifecircle_desktop.ui.map import styles
    session, _ = demo
    _, path, _ = demo_dxf
    doc = ezdxf.readfile(path)

    def rgb(qcolor):
        return qcolor.red(), qcolor.green(), qcolor.blue()

    canvas = {"居住用地": rgb(styles.area_style("residential")[0].color()),
              "规划单元": rgb(styles.area_style("planning_units")[0].color()),
              "底图-建筑": rgb(styles.area_style("basemap_buildings")[0].color()),
              "底图-水系": rgb(styles.area_style("basemap_water")[0].color())}
    for cat in CATALOGUE.categories.values():
        canvas["设施-" + cat.name_zh] = tuple(int(cat.colour[i:i + 2], 16) for i in (1, 3, 5))
    for name, colour in canvas.items():
        layer = doc.layers.get(name)
        assert tuple(layer.rgb) == colour, name
        # The ACI colour for old viewers keeps the hue (the palette's nearest is rarely exact):
        # a coloured layer does not turn grey, nor another colour.
        h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
        ah, as_, av = colorsys.rgb_to_hsv(*(c / 255 for c in ezdxf.colors.aci2rgb(layer.color)))
        if s > 0.2:
            assert as_ > 0.2 and min(abs(h - ah), 1 - abs(h - ah)) < 1 / 8, (name, layer.color)
        else:
            assert abs(v - av) < 0.3, (name, layer.color)
    # A facility is drawn in its type's colour, as on the canvas; a planned one dashed.
    facilities = {f.fid: f for f in session.plan.features("facilities", session.scenario)}
    polylines = [e for e in doc.modelspace().query("LWPOLYLINE") if e.dxf.layer.startswith("设施-")]
    for f in list(facilities.values())[:10]:
        ring = shapely.get_coordinates(f.geometry.exterior)[:-1]
        e = next(e for e in polylines
                 if len(e) == len(ring) and np.abs(np.array(e.get_points("xy")) - ring).max() <= MM)
        assert "#%02x%02x%02x" % tuple(e.rgb) == CATALOGUE[f.attributes["type"]].colour.lower()
        assert (e.dxf.linetype == "DASHED") == (f.attributes.get("status") != "existing")


def test_gauss_kruger_coordinates_equal_pyprojs_own_transform(demo, tmp_path):
    session, _ = demo
    ctx = BundleContext.build(session, ExportOptions(crs="cgcs2000-gk"))
    assert 4534 <= ctx.crs.epsg <= 4554
    path = write_dxf(ctx, tmp_path / "plan.dxf", Progress())
    shapes, texts = gdal_read(path)
    oracle = Transformer.from_crs(f"EPSG:{session.plan.epsg}", f"EPSG:{ctx.crs.epsg}", always_xy=True)
    features = [f for f in plan_features(session) if f.layer in ("facilities", "residential", "stops", "planning_units")]
    assert_all_found(features, shapes, "GDAL (GK)", transform=oracle)
    assert f"EPSG:{ctx.crs.epsg}" in " ".join(texts["图框"])
    assert "CGCS2000" in " ".join(texts["图框"])
    assert ezdxf.readfile(path).header["$INSUNITS"] == 6


def test_wgs84_is_written_in_degrees_and_the_title_block_says_so(demo, tmp_path):
    session, _ = demo
    ctx = BundleContext.build(session, ExportOptions(crs="wgs84", lang="en"))
    path = write_dxf(ctx, tmp_path / "plan.dxf", Progress())
    shapes, texts = gdal_read(path)
    oracle = Transformer.from_crs(f"EPSG:{session.plan.epsg}", "EPSG:4326", always_xy=True)
    features = [f for f in plan_features(session) if f.layer == "facilities"]
    assert_all_found(features, shapes, "GDAL (WGS 84)", transform=oracle, tolerance=1e-8)  # ~1 mm
    title = " ".join(texts["图框"])
    assert "EPSG:4326" in title and "degrees" in title
    assert ezdxf.readfile(path).header["$INSUNITS"] == 0  # not metres
    # Labels stay legible in degrees: a facility's name is smaller than the community, not 0.
    doc = ezdxf.readfile(path)
    heights = [e.dxf.char_height for e in doc.modelspace().query("MTEXT")]
    assert 1e-6 < min(heights) and max(heights) < 1e-2


HOSTILE = "幼儿园\n\x00\x1b[31m\t{\\P}%%d ^J ©😀 <a>/b:c;\u202e" + "长" * 400


def test_a_hostile_name_does_not_break_the_file(tmp_path):
    session = create_plan(tmp_path / "p.gpkg", HOSTILE[:200], 32651)
    try:
        session.add("facilities", box(0, 0, 30, 20), type="kindergarten", name=HOSTILE)
        session.add("residential", Polygon([(50, 0), (150, 0), (150, 100), (50, 100)],
                                           [[(80, 30), (120, 30), (120, 70), (80, 70)]]), name="有天井的小区")
        session.add("stops", Point(10, 60), type="bus_stop", name="站\r\n名")
        # A category whose name holds what a layer name may not.
        cats = dict(CATALOGUE.categories)
        cats["education"] = dataclasses.replace(cats["education"], name_zh='教育<>/\\":;?*|=`\x07©')
        session.catalogue = dataclasses.replace(CATALOGUE, categories=cats)
        ctx = BundleContext.build(session, ExportOptions())
        path = write_dxf(ctx, tmp_path / "plan.dxf", Progress())
    finally:
        session.close()
    df = pyogrio.read_dataframe(path)
    layers = set(df["Layer"])
    df = df[df["SubClasses"].str.contains("AcDbMText") | ~df["Text"].notna()]  # not a HATCH's pattern name
    assert all(not set('<>/\\":;?*|=`') & set(n) and n.isprintable() for n in layers), layers
    edu = next(n for n in layers if n.startswith("设施-教育"))
    texts = [t for t in df["Text"] if isinstance(t, str)]
    label = next(t for t in df[df["Layer"] == edu]["Text"] if isinstance(t, str))
    assert label.startswith("幼儿园") and len(label) <= 80 and label.isprintable()
    assert "{\\P}%%d ^J ©" in label   # shown literally, not as MTEXT codes
    assert "站 名" in texts
    assert all(t.isprintable() for t in texts)
    # The hole is a second closed polyline on the compound's layer.
    rings = [g for g in df[df["Layer"] == "居住用地"].geometry if g.geom_type == "LineString"]
    assert sorted(round(Polygon(shapely.get_coordinates(g)).area) for g in rings) == [1600, 10000]
    doc, _ = recover.readfile(path)
    assert not doc.audit().has_errors


def test_layer_names_are_made_safe():
    name = layer_name("设施/教育:<x>?" + "\x01" * 3 + "长" * 300)
    assert not set('<>/\\":;?*|=`') & set(name) and name.isprintable()
    assert name.startswith("设施_教育_") and len(name) <= 255
    assert layer_name("\x00\x01") == "图层"


def test_progress_rises_to_the_end_and_a_cancel_stops_the_writing_and_leaves_no_file(demo, demo_dxf, tmp_path):
    session, _ = demo
    ctx, _, reports = demo_dxf
    assert reports == sorted(reports) and reports[-1] == 1.0 and len(reports) >= 5
    polls = []
    write_dxf(ctx, tmp_path / "count.dxf", Progress(cancelled=lambda: polls.append(1) and False))
    # Cancel at every few polls, down to the last ones (taken while the file is being written).
    for stop_at in sorted({1, len(polls) // 2, len(polls) - 2, len(polls) - 1}):
        calls = []

        def cancelled():
            calls.append(1)
            return len(calls) >= stop_at

        target = tmp_path / f"cancel{stop_at}.dxf"
        with pytest.raises(ExportCancelled):
            write_dxf(ctx, target, Progress(cancelled=cancelled))
        assert not target.exists()


def test_an_empty_plan_gives_a_drawing_with_only_its_title_block(tmp_path):
    session = create_plan(tmp_path / "empty.gpkg", "空白规划", 32651)
    try:
        ctx = BundleContext.build(session, ExportOptions())
        path = write_dxf(ctx, tmp_path / "plan.dxf", Progress())
    finally:
        session.close()
    df = pyogrio.read_dataframe(path)
    assert set(df["Layer"]) == {"图框"}
    assert "空白规划" in set(df["Text"])


def test_an_unwritable_place_is_one_sentence_and_no_file(demo_dxf, tmp_path):
    from lifecircle_desktop.model.errors import PlanError
    ctx, _, _ = demo_dxf
    target = tmp_path / "no such folder" / "plan.dxf"
    with pytest.raises(PlanError) as caught:
        write_dxf(ctx, target, Progress())
    assert "plan.dxf" in str(caught.value) and "\n" not in str(caught.value)
    assert not target.exists()


def test_the_drawing_is_the_chosen_scenarios(tmp_path):
    session = create_plan(tmp_path / "s.gpkg", "两个方案", 32651)
    try:
        session.add("facilities", box(0, 0, 30, 20), type="kindergarten", name="现状幼儿园", status="existing")
        session.add("facilities", box(100, 0, 130, 20), type="clinic", name="将拆除的诊所")
        session.create_scenario("方案二")  # works on it from now on
        clinic = next(f for f in session.plan.features("facilities", "方案二") if f.attributes["name"] == "将拆除的诊所")
        session.delete([("facilities", clinic.fid)])
        session.add("facilities", box(200, 0, 240, 30), type="elderly_day_care", name="新建日间照料中心")
        texts = {}
        for scenario in ("base", "方案二"):
            ctx = BundleContext.build(session, ExportOptions(scenario=scenario))
            path = write_dxf(ctx, tmp_path / f"{scenario}.dxf", Progress())
            df = pyogrio.read_dataframe(path)
            texts[scenario] = set(df["Text"].dropna())
    finally:
        session.close()
    assert {"现状幼儿园", "将拆除的诊所"} <= texts["base"] and "新建日间照料中心" not in texts["base"]
    assert {"现状幼儿园", "新建日间照料中心"} <= texts["方案二"] and "将拆除的诊所" not in texts["方案二"]
    assert "方案二" in texts["方案二"]  # the title block names it


def test_homes_and_facilities_are_filled_as_on_the_canvas(demo, demo_dxf):
    from lifecircle_desktop.ui.map import styles
    session, _ = demo
    _, path, _ = demo_dxf
    fills = {}
    gdal_read(path, fills)
    areas = [f for f in plan_features(session) if f.layer in ("residential", "facilities")]
    for f in areas:
        near = [p for p in fills.get(expected_layer(f), ())
                if shapely.hausdorff_distance(p.boundary, f.geometry.boundary) <= MM]
        assert near, (f.layer, f.fid)
        assert len(near[0].interiors) == len(f.geometry.interiors)
    # In the canvas brush's colour and opacity; the fill is written before its outline (drawn under it).
    doc = ezdxf.readfile(path)
    brush = styles.area_style("residential")[1].color()
    entities = list(doc.modelspace())
    hatches = [e for e in entities if e.dxftype() == "HATCH" and e.dxf.layer == "居住用地"]
    assert len(hatches) == len([f for f in areas if f.layer == "residential"])
    for h in hatches:
        assert tuple(h.rgb) == (brush.red(), brush.green(), brush.blue())
        assert abs((1 - h.transparency) * 255 - brush.alpha()) <= 1
    first = {e.dxftype(): i for i, e in reversed(list(enumerate(entities))) if e.dxf.layer == "居住用地"}
    assert first["HATCH"] < first["LWPOLYLINE"]


def test_the_writer_loads_no_qt(tmp_path):
    import subprocess
    import sys
    from tests.helpers import ROOT
    code = ("import sys\n"
            "from lifecircle_desktop.model.session import create_plan\n"
            "from lifecircle_desktop.export import BundleContext, ExportOptions, Progress\n"
            "from lifecircle_desktop.export.dxf import write_dxf\n"
            f"s = create_plan({str(tmp_path / 'q.gpkg')!r}, 'q', 32651)\n"
            f"write_dxf(BundleContext.build(s, ExportOptions()), {str(tmp_path / 'q.dxf')!r}, Progress())\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
            "assert 'ezdxf' in sys.modules and not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "q.dxf").exists()

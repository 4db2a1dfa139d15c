"""OSM import (docs/import.md): real extracts, the hand-made fixture, hostile files, atomicity."""
import collections
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.errors import PlanError, PlanFileError
from lifecircle_desktop.model.io import DEFAULTS, OSM_CREDIT, import_osm, import_osm_new, is_walkable, read_osm
from lifecircle_desktop.model.io.osm import MAX_REPAIR_CROSSINGS
from lifecircle_desktop.model.io.osm_reader import (MAX_MARKUP_BYTES, MAX_NODES, MAX_TAG_CHARS, MAX_TEXT_BYTES,
                                                     MAX_VERTICES, MAX_WAY_NODES)
from tests.conftest import REAL_DATA
from tests.helpers import cli, sha256, snapshot

DATA = Path(__file__).resolve().parent.parent / "data"
SIPING = REAL_DATA / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"
CAU = REAL_DATA / "beijing_haidian_cau_east" / "beijing_haidian_cau_east.osm"
WUDAOKOU = REAL_DATA / "beijing_wudaokou_tsinghua" / "beijing_wudaokou_tsinghua.osm"
MALTA = REAL_DATA / "malta_2018" / "malta-latest-2018-08-27.osm.pbf"


def gdal_layer(path, layer):
    """(attribute columns by name, shapely geometries) as GDAL reads them."""
    meta, _fids, geoms, values = pyogrio.raw.read(path, layer=layer, return_fids=True)
    cols = dict(zip(list(meta["fields"]), values))
    return cols, shapely.from_wkb(geoms) if len(geoms) else np.empty(0, dtype=object)


@pytest.fixture(scope="module")
def siping(tmp_path_factory):
    out = tmp_path_factory.mktemp("siping") / "siping.gpkg"
    plan, summary = import_osm_new(SIPING, out, name="四平路街道")
    plan.close()
    return out, summary


# --- the walk filter ----------------------------------------------------------------------------
@pytest.mark.parametrize("tags, walkable", [
    ({"highway": "footway"}, True), ({"highway": "residential"}, True), ({"highway": "service"}, True),
    ({"highway": "steps"}, True), ({"highway": "primary", "sidewalk": "both"}, True),
    ({"highway": "motorway"}, False), ({"highway": "motorway_link"}, False), ({"highway": "cycleway"}, False),
    ({"highway": "construction"}, False), ({"highway": "proposed"}, False), ({"highway": "platform"}, False),
    ({"highway": "bus_guideway"}, False), ({"highway": "raceway"}, False), ({"highway": "footway", "area": "yes"}, False),
    ({"highway": "footway", "foot": "no"}, False), ({"highway": "service", "access": "private"}, False),
    ({"highway": "service", "service": "private"}, False), ({"highway": "service", "service": "parking_aisle"}, True),
    ({"building": "yes"}, False),
])
def test_walk_filter_follows_osmnx(tags, walkable):
    assert is_walkable(tags) is walkable


# --- the hand-made fixture: every rule once ------------------------------------------------------
@pytest.fixture
def tiny(tmp_path):
    plan, summary = import_osm_new(DATA / "tiny.osm", tmp_path / "tiny.gpkg")
    yield plan, summary
    plan.close()


def by_name(plan, layer):
    return {f["name"]: f for f in plan.features(layer)}


def test_tiny_counts_and_every_skip_counted(tiny):
    plan, s = tiny
    assert s["crs"] == "EPSG:32651" and plan.epsg == 32651
    assert s["layers"] == {"residential": 3, "facilities": 3, "stops": 1, "entrances": 2, "walk_network": 4,
                           "basemap_buildings": 5, "basemap_landuse": 1, "basemap_water": 2, "basemap_roads": 2}
    assert s["skipped"] == {"invalid polygon (no single polygon after repair)": 1,  # the bow-tie
                            "multipolygon with member ways missing from the file": 1,
                            "facility node inside the same facility mapped as an area": 1}
    assert s["repaired"] == {"invalid polygon repaired": 1}  # the spike


def test_tiny_homes_households(tiny):
    plan, _ = tiny
    homes = by_name(plan, "residential")
    assert all(f["estimated"] and f["source"] == "osm" for f in homes.values())
    # 测试新村: its two mapped apartment blocks (14 % of the compound) are the homes:
    # 720 m² × 6 floors ÷ 90 m² ≈ 48 households each; the blocks stay on the base map only.
    built = homes["测试新村"]
    blocks = [f for f in plan.features("basemap_buildings") if f["kind"] == "apartments"]
    assert len(blocks) == 2
    expect = sum(np.floor(b.geometry.area * 6 / DEFAULTS.floor_area_per_household + 0.5) for b in blocks)
    assert built["households"] == expect == 96
    assert built["floors"] == 6
    assert built["population"] == pytest.approx(96 * DEFAULTS.household_size)
    # 空白小区 has no building mapped: area × FAR 1.5 ÷ 90 m².
    empty = homes["空白小区"]
    assert empty["households"] == np.floor(empty.geometry.area * DEFAULTS.compound_far / 90 + 0.5)
    assert empty["floors"] is None
    # The house outside any compound is a home itself: 100 m² × 2 default floors ÷ 90 → 2.
    house = [f for f in plan.features("residential") if f["osm_id"] == "way/104"][0]
    assert house["households"] == 2 and house["floors"] == 2


def test_tiny_facilities_stops_entrances(tiny):
    plan, _ = tiny
    fac = by_name(plan, "facilities")
    assert {f["type"] for f in fac.values()} == {"kindergarten", "supermarket", "convenience_store"}
    assert all(f["status"] == "existing" and f["source"] == "osm" for f in fac.values())
    # The supermarket node takes the retail building's footprint (20 × 20 m) …
    retail = [f for f in plan.features("basemap_buildings") if f["kind"] == "retail"][0]
    assert fac["测试超市"].geometry.equals(retail.geometry)
    assert fac["测试超市"]["osm_id"] == "node/50"
    # … the convenience store in the open a 12 × 12 m square around its node.
    assert fac["测试便利店"].geometry.area == pytest.approx(144)
    assert fac["测试幼儿园"]["osm_id"] == "way/106"  # the area, not the duplicate node
    (stop,) = plan.features("stops")
    assert (stop["type"], stop["name"], stop.geometry.geom_type) == ("bus_stop", "测试站", "Point")
    compound = by_name(plan, "residential")["测试新村"]
    gates = {f["osm_id"]: f for f in plan.features("entrances")}
    assert {g["feature"] for g in gates.values()} == {compound.fid}
    assert all(g["layer"] == "residential" and g["kind"] == "gate" for g in gates.values())
    assert gates["node/5"]["open"] is True and gates["node/6"]["open"] is False  # locked=yes


def test_tiny_walk_network_and_base_map(tiny):
    plan, _ = tiny
    walk = {f["osm_id"]: f for f in plan.features("walk_network")}
    assert set(walk) == {"way/10", "way/11", "way/16", "way/17"}  # no motorway, cycleway, private, foot=no
    assert walk["way/11"]["node_ids"] == "12 11 13" and walk["way/11"]["class"] == "residential"
    for f in walk.values():
        assert len(f["node_ids"].split()) == len(f.geometry.coords)
    assert {f["name"] for f in plan.features("basemap_roads")} == {"测试路", "测试高速"}
    water = {f["kind"]: f for f in plan.features("basemap_water")}
    lake = water["water"].geometry
    assert lake.geom_type == "Polygon" and len(lake.interiors) == 1  # the island
    assert lake.area == pytest.approx(100 * 100 - 20 * 20, rel=0.01)
    assert water["river"].geometry.geom_type == "LineString"
    courtyard = [f for f in plan.features("basemap_buildings") if f["name"] == "回字楼"][0]
    assert len(courtyard.geometry.interiors) == 1
    assert [f["kind"] for f in plan.features("basemap_landuse")] == ["grass"]


def test_reimport_adds_nothing_twice(tiny):
    plan, first = tiny
    before = snapshot(plan)
    again = import_osm(plan, DATA / "tiny.osm")
    assert sum(again["layers"].values()) == 0
    assert again["skipped"]["already in the plan (same OSM object)"] == sum(first["layers"].values())
    assert snapshot(plan) == before


# --- real extracts ---------------------------------------------------------------------------------
def test_siping_read_back_through_gdal(siping):
    path, s = siping
    assert pyogrio.read_info(path, layer="residential")["crs"] == "EPSG:32651"
    for layer, n in s["layers"].items():
        assert pyogrio.read_info(path, layer=layer)["features"] == n, layer

    stops, _ = gdal_layer(path, "stops")
    assert collections.Counter(stops["type"])["bus_stop"] == 15  # README: 15 highway=bus_stop
    fac, _ = gdal_layer(path, "facilities")
    types = collections.Counter(fac["type"])
    assert types["supermarket"] == 4 and types["convenience_store"] == 4
    assert types["kindergarten"] == 0  # README: no kindergarten in this extract
    assert set(fac["status"]) == {"existing"} and set(fac["source"]) == {"osm"}

    res, geoms = gdal_layer(path, "residential")
    names = list(res["name"])
    for compound in ("同济新村", "玉田新村", "赤峰小区", "同济国康公寓", "大连西路30弄"):
        i = names.index(compound)
        assert res["households"][i] > 0 and res["estimated"][i] == 1 and res["source"][i] == "osm", compound
        assert res["population"][i] == pytest.approx(res["households"][i] * DEFAULTS.household_size, abs=0.06)
    # 同济新村 (17.5 ha, a few buildings mapped) is estimated from its area, not from 2 small houses.
    assert res["households"][names.index("同济新村")] > 1000

    walk, lines = gdal_layer(path, "walk_network")
    assert len(lines) > 100
    assert not {"motorway", "motorway_link", "cycleway", "construction"} & set(walk["class"])
    assert all(len(ids.split()) == len(shapely.get_coordinates(g)) for ids, g in zip(walk["node_ids"], lines))


def test_siping_meta_records_credit_and_import(siping):
    path, s = siping
    with Plan.open(path) as plan:
        assert plan.meta["credits"] == [OSM_CREDIT]
        (record,) = plan.meta["imports"]
    assert record["file"] == SIPING.name and record["format"] == "OSM XML"
    assert record["data_timestamp"] == "2026-03-16T15:36:26Z"
    assert record["counts"] == s["layers"]


def test_beijing_cau_east_has_two_kindergartens(tmp_path):
    plan, s = import_osm_new(CAU, tmp_path / "cau.gpkg")
    with plan:
        assert plan.epsg == 32650
        kinder = [f for f in plan.features("facilities") if f["type"] == "kindergarten"]
        assert len(kinder) == 2
        assert "中国农业大学东校区幼儿园" in {f["name"] for f in kinder}
        homes = {f["name"] for f in plan.features("residential")}
        assert {"富润家园", "静淑苑", "学士居"} <= homes
        assert collections.Counter(f["type"] for f in plan.features("stops"))["bus_stop"] >= 24
    assert pyogrio.read_info(tmp_path / "cau.gpkg", layer="walk_network")["crs"] == "EPSG:32650"


def test_beijing_wudaokou(tmp_path):
    plan, s = import_osm_new(WUDAOKOU, tmp_path / "wdk.gpkg")
    with plan:
        assert plan.epsg == 32650
        assert collections.Counter(f["type"] for f in plan.features("stops"))["bus_stop"] >= 68
        homes = {f["name"] for f in plan.features("residential")}
        assert {"荷清苑教师住宅区", "华清嘉园小区"} <= homes
        assert all(f["households"] > 0 for f in plan.features("residential"))
        assert s["layers"]["walk_network"] > 400


def test_malta_pbf(tmp_path):
    plan, s = import_osm_new(MALTA, tmp_path / "malta.gpkg", name="Malta")
    with plan:
        assert plan.epsg == 32633
        assert s["layers"]["walk_network"] > 20_000
        assert s["layers"]["basemap_buildings"] + s["layers"]["residential"] > 13_000
        types = collections.Counter(f["type"] for f in plan.features("facilities"))
        assert types["supermarket"] >= 100
        # A school is primary when its tags or name say so (docs/import.md §5.2); Malta's schools have names only.
        primary = [f["name"] for f in plan.features("facilities") if f["type"] == "primary_school"]
        assert len(primary) >= 15 and all(re.search(r"primar|elementary", n, re.IGNORECASE) for n in primary)
        assert collections.Counter(f["type"] for f in plan.features("stops"))["bus_stop"] >= 2000
        assert not {f["class"] for f in plan.features("walk_network")} & {"motorway", "cycleway"}
        assert plan.meta["imports"][-1]["format"] == "OSM PBF"
        assert plan.meta["imports"][-1]["data_timestamp"] == "2018-08-27T20:14:02Z"


# --- hostile input: one sentence, nothing changed ------------------------------------------------
@pytest.fixture
def filled(tmp_path):
    """A plan near Siping with one feature of its own, closed so the file is checkpointed."""
    path = tmp_path / "plan.gpkg"
    with Plan.create(path, "目标规划", 32651) as plan:
        plan.apply(AddFeature("residential", box(357000, 3461000, 357050, 3461050),
                              {"name": "自绘小区", "households": 100}))
    return path


def _truncated(tmp_path) -> Path:
    cut = tmp_path / "truncated.osm"
    cut.write_bytes(SIPING.read_bytes()[:700_000])
    return cut


def _written(name, data: bytes):
    def write(tmp_path) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return write


# case -> (how to make the file in tmp_path, words of the sentence); each made only when its test runs.
_HOSTILE_CASES = {
    "truncated": (_truncated, "ends early"),
    "empty": (_written("empty.osm", b""), "empty"),
    "png": (_written("image.osm", b"\x89PNG\r\n\x1a\n" + bytes(100)), "PNG image"),
    "geojson": (lambda tmp_path: shutil.copy(DATA / "homes_lonlat.geojson", tmp_path / "homes.osm"), "JSON"),
    "svg": (_written("drawing.osm", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            "root element is <svg>"),
    "bomb": (lambda tmp_path: DATA / "bomb.osm", "declares an entity"),
    "xxe": (lambda tmp_path: DATA / "external_entity.osm", "declares an entity"),
    "missing node": (lambda tmp_path: DATA / "missing_node.osm", "way 10 refers to node 3, which is not in the file"),
    "broken pbf": (lambda tmp_path: _written("broken.osm.pbf", MALTA.read_bytes()[:300_000])(tmp_path),
                   "not a valid OSM PBF file"),
    # Issue 10, item 8: small files that cost gigabytes or minutes before the limits.
    "looping way": (lambda tmp_path: _looping_way(tmp_path), f"way 1 has more than {MAX_WAY_NODES:,} nodes"),
    "long tag": (lambda tmp_path: _osm(tmp_path, "long_tag.osm", '<node id="1" lon="121.5" lat="31.28">'
                                       f'<tag k="name" v="{"x" * (MAX_TAG_CHARS + 1)}"/></node>'),
                 "node 1 has a tag longer than 255"),
    "huge attribute": (lambda tmp_path: _huge_attribute(tmp_path), "markup longer than 1 MB"),
}


def _hostile_case(tmp_path, case) -> tuple[Path, str]:
    make, words = _HOSTILE_CASES[case]
    return Path(make(tmp_path)), words


def _osm(tmp_path, name, body) -> Path:
    path = tmp_path / name
    path.write_text(f'<osm version="0.6">{body}</osm>')
    return path


def _looping_way(tmp_path) -> Path:
    """A 104 KB building way of 8,000 nodes looping one square: 20 s and 3.2 GB of repair before."""
    corners = "".join(f'<node id="{i + 1}" lon="{121.5 + 1e-4 * (i in (1, 2))}" lat="{31.28 + 1e-4 * (i > 1)}"/>'
                      for i in range(4))
    refs = "".join(f'<nd ref="{i % 4 + 1}"/>' for i in range(8001))
    return _osm(tmp_path, "loop.osm", f'{corners}<way id="1">{refs}<tag k="building" v="yes"/></way>')


def _huge_attribute(tmp_path) -> Path:
    """A gzipped file whose one attribute outgrows the markup limit (a 1 MB file held a 1 GB one)."""
    import gzip
    path = tmp_path / "attribute.osm.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(b'<osm version="0.6"><node id="1" lon="121.5" lat="31.28"><tag k="name" v="')
        f.write(b"x" * (2 * MAX_MARKUP_BYTES + 5))
        f.write(b'"/></node></osm>')
    return path


def _expanding_pbf(tmp_path, ways: int) -> Path:
    """A small PBF whose one-byte tag references expand to ``ways`` × 51 KB of text."""
    import osmium
    path = tmp_path / "tags.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for i in range(1, 5):
        writer.add_node(osmium.osm.mutable.Node(id=i, location=(121.5 + i * 1e-4, 31.28)))
    tags = {f"k{t}": "v" * MAX_TAG_CHARS for t in range(200)}
    for j in range(1, ways + 1):
        writer.add_way(osmium.osm.mutable.Way(id=j, nodes=[1, 2, 3, 4, 1], tags=tags))
    writer.close()
    return path


HOSTILE = list(_HOSTILE_CASES)


def test_expanding_pbf_stops_at_the_text_limit(tmp_path, filled, monkeypatch):
    """A 135 KB PBF expanded to over 1 GB of text (4 GB of memory) before; the conversion now stops
    at MAX_TEXT_BYTES. Shown here with the limit lowered to 16 MB so that the test stays quick."""
    from lifecircle_desktop.model.io import osm_reader
    monkeypatch.setattr(osm_reader, "MAX_TEXT_BYTES", 16 << 20)
    path = _expanding_pbf(tmp_path, ways=2_000)  # ~100 MB of text
    assert path.stat().st_size < 100_000
    before = sha256(filled)
    with Plan.open(filled) as plan, pytest.raises(PlanError, match="expands to more than 16 MB"):
        import_osm(plan, path)
    assert sha256(filled) == before
    assert not list(tmp_path.glob("**/*.opl"))


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_one_sentence_and_plan_unchanged(case, filled, tmp_path):
    path, words = _hostile_case(tmp_path, case)
    before = sha256(filled)
    with Plan.open(filled) as plan:
        mem = snapshot(plan)
        with pytest.raises(PlanError) as err:
            import_osm(plan, path)
        assert snapshot(plan) == mem
    assert words in err.value.message_en
    for text in (err.value.message_en, err.value.message_zh):
        assert "\n" not in text and "Traceback" not in text
    assert sha256(filled) == before


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_creates_no_plan(case, tmp_path):
    path, _ = _hostile_case(tmp_path, case)
    out = tmp_path / "new.gpkg"
    with pytest.raises(PlanError):
        import_osm_new(path, out)
    assert not out.exists() and not Path(str(out) + "-wal").exists()


def test_entity_bomb_refused_before_expansion():
    with pytest.raises(PlanError, match="refused for safety"):
        read_osm(DATA / "bomb.osm")


def test_way_node_limit_is_osms_own(tmp_path):
    """A way of exactly OSM's 2,000 nodes imports; one more is refused (PBF and XML alike)."""
    angle = np.linspace(0, 2 * np.pi, MAX_WAY_NODES - 1, endpoint=False)
    nodes = "".join(f'<node id="{i + 1}" lon="{121.5 + 0.001 * np.cos(a):.7f}" lat="{31.28 + 0.001 * np.sin(a):.7f}"/>'
                    for i, a in enumerate(angle))
    ring = [*range(1, MAX_WAY_NODES), 1]
    ok = _osm(tmp_path, "ok.osm", nodes + '<way id="7">' + "".join(f'<nd ref="{i}"/>' for i in ring) +
              '<tag k="building" v="yes"/></way>')
    assert read_osm(ok).way_lengths.tolist() == [MAX_WAY_NODES]
    over = _osm(tmp_path, "over.osm", nodes + '<way id="7">' + "".join(f'<nd ref="{i}"/>' for i in [1, *ring]) +
                '<tag k="building" v="yes"/></way>')
    with pytest.raises(PlanError, match="way 7 has more than 2,000 nodes"):
        read_osm(over)


def test_tangled_polygon_is_skipped_not_repaired(tmp_path):
    """A 101-point star crosses itself ~2,500 times (make_valid took 11 s per way): skipped, counted;
    a ring touching itself is still repaired as before."""
    n, k = 101, 50
    t = np.arange(n) * k % n * 2 * np.pi / n
    nodes = "".join(f'<node id="{i + 1}" lon="{121.5 + 1e-3 * np.cos(a):.7f}" lat="{31.28 + 1e-3 * np.sin(a):.7f}"/>'
                    for i, a in enumerate(t))
    star = "".join(f'<way id="{w}">' + "".join(f'<nd ref="{i % n + 1}"/>' for i in range(n + 1)) +
                   '<tag k="building" v="yes"/></way>' for w in range(1, 31))
    # A ring touching itself (an inverted hole) crosses nowhere: repaired into a polygon with a hole.
    ring = [(0, 0), (10, 0), (10, 10), (5, 10), (7, 5), (3, 5), (5, 10), (0, 10)]
    touching = "".join(f'<node id="{900 + i}" lon="{121.51 + 1e-4 * x}" lat="{31.28 + 1e-4 * y}"/>'
                       for i, (x, y) in enumerate(ring))
    touching += ('<way id="99">' + "".join(f'<nd ref="{900 + i}"/>' for i in [*range(len(ring)), 0]) +
                 '<tag k="building" v="yes"/></way>')
    _plan, summary = import_osm_new(_osm(tmp_path, "star.osm", nodes + touching + star), tmp_path / "star.gpkg")
    _plan.close()
    reason = f"invalid polygon too tangled to repair (edges cross more than {MAX_REPAIR_CROSSINGS} times)"
    assert summary["skipped"][reason] == 30
    assert summary["repaired"] == {"invalid polygon repaired": 1}


def test_cancel_while_writing_rolls_back(filled):
    before = sha256(filled)
    seen = []

    def progress(fraction, message):
        seen.append(fraction)
        return not message.startswith("writing walk_network")  # cancel half-way through the writes

    with Plan.open(filled) as plan:
        mem = snapshot(plan)
        with pytest.raises(PlanError, match="import cancelled"):
            import_osm(plan, SIPING, progress=progress)
        assert snapshot(plan) == mem
        assert plan.meta.get("credits") == []
    assert sha256(filled) == before
    assert seen == sorted(seen) and 0.7 < seen[-1] < 1.0


def test_error_inside_transaction_rolls_back(filled, monkeypatch):
    """Any error while writing (here a failing bulk insert half-way) leaves the file byte-identical."""
    before = sha256(filled)
    real = Plan.bulk_insert

    def failing(self, layer, rows, *a, **k):
        if layer == "walk_network":
            raise sqlite3.OperationalError("disk I/O error")
        return real(self, layer, rows, *a, **k)

    monkeypatch.setattr(Plan, "bulk_insert", failing)
    with Plan.open(filled) as plan:
        mem = snapshot(plan)
        with pytest.raises(PlanFileError):  # the store's one sentence for any sqlite3.Error
            import_osm(plan, DATA / "tiny.osm")
        assert snapshot(plan) == mem
        assert plan.count("residential") == 1
    assert sha256(filled) == before


def test_progress_reports_and_completes(tmp_path):
    seen = []
    plan, _ = import_osm_new(DATA / "tiny.osm", tmp_path / "p.gpkg", progress=lambda f, m: seen.append((f, m)))
    plan.close()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_data_far_from_existing_plan_is_refused(tmp_path):
    """Beijing data into a plan of Shanghai features: not a silent import 1000 km away."""
    path = tmp_path / "sh.gpkg"
    with Plan.create(path, "上海", 32651) as plan:
        plan.apply(AddFeature("residential", box(357000, 3461000, 357100, 3461100), {"name": "甲"}))
        with pytest.raises(PlanError, match="far from the plan area"):
            import_osm(plan, CAU)


# --- the command line --------------------------------------------------------------------------------
def test_cli_import_osm_creates_then_imports_into(tmp_path):
    out = tmp_path / "cli.gpkg"
    r = cli("import-osm", DATA / "tiny.osm", "--out", out, "--name", "测试", "--kind", "new_build")
    assert r.returncode == 0, r.stderr
    assert "EPSG:32651" in r.stdout and "residential" in r.stdout and "© OpenStreetMap contributors" in r.stdout
    with Plan.open(out) as plan:
        assert plan.name == "测试" and plan.community_kind == "new_build" and plan.count("residential") == 3
    r = cli("import-osm", DATA / "tiny.osm", "--out", out)
    assert r.returncode == 0, r.stderr
    assert "already in the plan" in r.stdout


def test_cli_import_osm_hostile_exits_2_with_one_line(tmp_path):
    out = tmp_path / "x.gpkg"
    r = cli("import-osm", DATA / "bomb.osm", "--out", out)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "refused for safety" in r.stderr
    assert not out.exists()


def test_docs_cover_every_option_and_default():
    """docs/import.md names every CLI option of both commands and every estimating default."""
    from lifecircle_desktop.cli import build_parser

    text = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    sub = build_parser()._subparsers._group_actions[0].choices
    for command in ("import-osm", "import"):
        for action in sub[command]._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in text, (command, option)
    for figure in (f"{DEFAULTS.floor_area_per_household:g} m²", f"× {DEFAULTS.household_size:g}",
                   f"FAR {DEFAULTS.compound_far:g}", f"{DEFAULTS.poi_square_m:g} × {DEFAULTS.poi_square_m:g} m",
                   f"{DEFAULTS.entrance_snap_m:g} m", f"{MAX_VERTICES:,}", f"{DEFAULTS.mapped_coverage:.0%}".replace("%", " %"),
                   f"| {MAX_WAY_NODES:,} |", f"| {MAX_TAG_CHARS} 个字符", f"| {MAX_TEXT_BYTES >> 20} MB |",
                   f"| {MAX_MARKUP_BYTES >> 20} MB |", f"| {MAX_NODES:,} |", f"more than {MAX_REPAIR_CROSSINGS} times"):
        assert figure in text, figure
    for kind, floors in DEFAULTS.default_levels.items():
        assert f"{kind} {floors}" in text, kind


def test_minimal_file_with_one_footway(tmp_path):
    path = tmp_path / "one.osm"
    path.write_text('<?xml version="1.0"?>\n<osm version="0.6">\n'
                    '<node id="1" lat="31.2800" lon="121.5000"/><node id="2" lat="31.2805" lon="121.5005"/>\n'
                    '<way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>\n</osm>\n')
    plan, s = import_osm_new(path, tmp_path / "one.gpkg")
    with plan:
        assert s["layers"]["walk_network"] == 1 and sum(s["layers"].values()) == 1
        (w,) = plan.features("walk_network")
        assert w["node_ids"] == "1 2" and w.geometry.length == pytest.approx(73, abs=2)


def test_cancel_a_new_plan_leaves_no_file(tmp_path):
    out = tmp_path / "new.gpkg"
    with pytest.raises(PlanError, match="import cancelled") as err:
        import_osm_new(DATA / "tiny.osm", out, progress=lambda f, m: f < 0.8)
    assert err.value.message_zh == "导入已取消"
    assert not out.exists() and not Path(f"{out}-wal").exists()


def test_deleted_ways_leave_no_nodes_behind(tmp_path):
    """A deleted or invisible way (JOSM files) between two kept ones: left out, and the kept
    ways keep exactly their own nodes (the reader holds all ways' nodes in one array)."""
    path = tmp_path / "josm.osm"
    nodes = "".join(f'<node id="{i}" lat="31.28{i:02d}" lon="121.50{i:02d}"/>' for i in range(1, 9))
    path.write_text('<?xml version="1.0"?>\n<osm version="0.6">\n' + nodes +
                    '<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>'
                    '<way id="11" action="delete"><nd ref="3"/><nd ref="4"/><nd ref="5"/><tag k="highway" v="footway"/></way>'
                    '<way id="12" visible="false"><nd ref="4"/><nd ref="5"/><tag k="highway" v="path"/></way>'
                    '<way id="13"><nd ref="6"/><nd ref="7"/><nd ref="8"/><tag k="highway" v="path"/></way>\n</osm>\n')
    data = read_osm(path)
    assert data.way_ids.tolist() == [10, 13]
    assert [data.way_refs[a:b].tolist() for a, b in zip(data.way_offsets[:-1], data.way_offsets[1:])] == [[1, 2], [6, 7, 8]]
    plan, s = import_osm_new(path, tmp_path / "josm.gpkg")
    with plan:
        assert sorted(f["node_ids"] for f in plan.features("walk_network")) == ["1 2", "6 7 8"]


def test_ways_with_the_same_tags_each_counted(tmp_path):
    """Ways are classified once per set of tags; what the summary counts is still counted per way."""
    path = tmp_path / "same.osm"
    nodes = "".join(f'<node id="{i}" lat="31.28{i:02d}" lon="121.50{i:02d}"/>' for i in range(1, 8))
    open_building = '<tag k="building" v="yes"/>'
    open_kindergarten = '<tag k="amenity" v="kindergarten"/>'
    path.write_text('<?xml version="1.0"?>\n<osm version="0.6">\n' + nodes +
                    "".join(f'<way id="{20 + k}"><nd ref="{k + 1}"/><nd ref="{k + 2}"/>{tags}</way>'
                            for k, tags in enumerate([open_building] * 3 + [open_kindergarten] * 2 + ['<tag k="highway" v="footway"/>']))
                    + "\n</osm>\n")
    plan, s = import_osm_new(path, tmp_path / "same.gpkg")
    with plan:
        assert s["skipped"]["building or land use mapped as an open line"] == 3
        assert s["skipped"]["facility mapped as an open line"] == 2
        assert s["layers"]["walk_network"] == 1

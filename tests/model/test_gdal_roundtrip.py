"""The plan travels through GDAL and comes back (design.md §2): GDAL's own tools index it, copy it
and edit it; the app edits it again; GDAL's GeoPackage validator (validate_gpkg.py, Debian's
python3-gdal, installed by scripts/system-deps.sh) accepts every plan we write."""
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import Point, box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry, DeleteFeature, Plan
from lifecircle_desktop.model.edits import SetManualAnswer
from lifecircle_desktop.model.gpkg_sql import foreign_code, register_functions
from lifecircle_desktop.model.schema import ENTRANCES, FACILITIES, LAYERS, RESIDENTIAL
from tests.helpers import ROOT, cli

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"
TINY_OSM = ROOT / "tests" / "data" / "tiny.osm"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's Python, where python3-gdal installs osgeo


def _validator() -> Path | None:
    """GDAL's validate_gpkg.py as Debian's python3-gdal ships it."""
    try:
        listing = subprocess.run(["dpkg", "-L", "python3-gdal"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return None
    found = [Path(line) for line in listing.splitlines() if line.endswith("/validate_gpkg.py")]
    return next((p for p in found if p.exists()), None)


VALIDATOR = _validator()
needs_gdal = pytest.mark.skipif(VALIDATOR is None or shutil.which("ogr2ogr") is None,
                                reason="GDAL's gdal-bin and python3-gdal are not installed (run scripts/system-deps.sh as root)")


def validate_gpkg(path) -> str:
    """GDAL's verdict on ``path`` ('' when it passes), keeping going past the first error (-k)."""
    r = subprocess.run([SYSTEM_PYTHON, str(VALIDATOR), "-k", str(path)], capture_output=True, text=True)
    return "" if r.returncode == 0 else (r.stdout + r.stderr).strip() or f"exit {r.returncode}"


def gdal(*args):
    r = subprocess.run([*map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def rtree(path, layer) -> dict[int, tuple[float, float, float, float]]:
    conn = sqlite3.connect(path)
    try:
        return {r[0]: r[1:] for r in conn.execute(f'SELECT id, minx, maxx, miny, maxy FROM "rtree_{layer}_geom"')}
    finally:
        conn.close()


def assert_index_matches(path, layer, plan_features):
    """The R-tree holds exactly the features, each box enclosing its geometry (R-tree stores float32)."""
    index = rtree(path, layer)
    assert set(index) == {f.fid for f in plan_features}
    for f in plan_features:
        x0, y0, x1, y1 = f.geometry.bounds
        minx, maxx, miny, maxy = index[f.fid]
        assert minx <= x0 and maxx >= x1 and miny <= y0 and maxy >= y1, f.fid
        assert max(x0 - minx, maxx - x1, y0 - miny, maxy - y1) < 1e-3 * max(1.0, abs(x1), abs(y1)), f.fid


@pytest.fixture
def new_plan(tmp_path):
    path = tmp_path / "同济.gpkg"
    r = cli("new", path, "--name", "同济新村", "--lonlat", "121.50,31.285", "--kind", "existing")
    assert r.returncode == 0, r.stderr
    with Plan.open(path) as plan:
        home = plan.apply(AddFeature(RESIDENTIAL, box(300, 300, 420, 380), {"households": 420})).edit.fid
        plan.apply(AddFeature(ENTRANCES, Point(300, 340), {"layer": RESIDENTIAL, "feature": home}))
        plan.apply(AddFeature(FACILITIES, box(0, 0, 40, 60), {"type": "kindergarten", "name": "幼儿园"}))
    return path


@needs_gdal
def test_a_plan_gdal_indexed_is_edited_and_the_index_stays_consistent(new_plan):
    gdal("ogrinfo", new_plan, "-q", "-sql", f"SELECT CreateSpatialIndex('{FACILITIES}','geom')")
    with Plan.open(new_plan) as plan:
        fid = plan.apply(AddFeature(FACILITIES, box(100, 100, 150, 130), {"type": "supermarket"})).edit.fid
        plan.apply(ChangeGeometry.of(plan, FACILITIES, fid, box(500, 500, 560, 540)))
        plan.apply(ChangeAttributes.of(plan, FACILITIES, fid, name="社区超市"))
        first = min(f.fid for f in plan.features(FACILITIES))
        plan.apply(DeleteFeature.of(plan, FACILITIES, first))
        features = plan.features(FACILITIES)
    assert_index_matches(new_plan, FACILITIES, features)
    assert validate_gpkg(new_plan) == ""


@needs_gdal
def test_round_trip_gdal_copy_edited_by_gdal_then_by_the_app(new_plan, tmp_path):
    gdal("ogrinfo", new_plan, "-q", "-sql", f"SELECT CreateSpatialIndex('{RESIDENTIAL}','geom')")
    copy = tmp_path / "copy.gpkg"
    gdal("ogr2ogr", "-f", "GPKG", copy, new_plan)
    gdal("ogrinfo", copy, "-q", "-sql", f"UPDATE {FACILITIES} SET name = '幼儿园（区里改过）'")
    with Plan.open(copy) as plan:
        (kg,) = plan.features(FACILITIES)
        assert kg["name"] == "幼儿园（区里改过）"
        (home,) = plan.features(RESIDENTIAL)
        plan.apply(ChangeGeometry.of(plan, RESIDENTIAL, home.fid, box(300, 300, 450, 400)))
        plan.apply(AddFeature(RESIDENTIAL, box(600, 0, 650, 40), {"households": 80}))
        plan.apply(ChangeAttributes.of(plan, FACILITIES, kg.fid, floors=3))
        plan.set_meta(district="杨浦区")
        plan.apply(SetManualAnswer.of(plan, "base", "some_rule", "yes"))
        plan.apply(SetManualAnswer.of(plan, "base", "some_rule", "no"))
        homes = plan.features(RESIDENTIAL)
    with Plan.open(copy) as plan:
        assert plan.meta["district"] == "杨浦区"
        assert plan.manual_answer("base", "some_rule") == ("no", None)
        assert plan.feature(FACILITIES, kg.fid)["floors"] == 3
    assert_index_matches(copy, RESIDENTIAL, homes)
    assert validate_gpkg(copy) == ""


@needs_gdal
def test_gdal_validator_accepts_the_demo_a_new_plan_and_an_imported_plan(new_plan, tmp_path):
    imported = tmp_path / "tiny.gpkg"
    r = cli("import-osm", TINY_OSM, "--out", imported, "--name", "tiny")
    assert r.returncode == 0, r.stderr
    demo = tmp_path / "siping.gpkg"
    shutil.copyfile(DEMO, demo)
    for path in (demo, new_plan, imported):
        assert validate_gpkg(path) == "", path.name


@needs_gdal
def test_extents_in_gpkg_contents_follow_edits_so_zoom_to_layer_finds_new_features(new_plan):
    def contents(layer):
        conn = sqlite3.connect(new_plan)
        try:
            return conn.execute("SELECT min_x, min_y, max_x, max_y, last_change FROM gpkg_contents "
                                "WHERE table_name = ?", [layer]).fetchone()
        finally:
            conn.close()
    before = contents(FACILITIES)
    with Plan.open(new_plan) as plan:
        fid = plan.apply(AddFeature(FACILITIES, box(900, -50, 950, 10), {"type": "supermarket"})).edit.fid
        plan.apply(ChangeGeometry.of(plan, FACILITIES, fid, box(1000, -80, 1040, 10)))
        bounds = plan.features(FACILITIES)
        want = shapely.total_bounds([f.geometry for f in bounds]).tolist()
    *extent, changed = contents(FACILITIES)
    assert extent[0] <= want[0] and extent[1] <= want[1] and extent[2] >= want[2] and extent[3] >= want[3]
    assert extent[2] == 1040 and extent[1] == -80
    assert changed > before[4]
    info = gdal("ogrinfo", "-so", new_plan, FACILITIES)
    assert "1040" in info.split("Extent:")[1].splitlines()[0]


def test_every_layer_is_in_gpkg_contents_and_attribute_tables_have_integer_keys(new_plan):
    conn = sqlite3.connect(new_plan)
    try:
        attributes = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type='attributes'")]
        assert {"plan_meta", "scenarios", "rule_packs", "manual_checks", "rule_overrides"} <= set(attributes)
        for table in attributes:
            keys = [(r[1], r[2]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5]]
            assert keys == [("fid", "INTEGER")], table  # GeoPackage 1.3 requirement 119
        assert set(LAYERS) <= {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    finally:
        conn.close()


def _write_notes(path, layer="planner_notes"):
    """A point layer written by pyogrio's own GDAL (3.12 here), as another program would."""
    notes = np.array([shapely.to_wkb(Point(10, 10))], dtype=object)
    pyogrio.raw.write(path, notes, [np.array(["看这里"], dtype=object)], ["text"], layer=layer,
                      driver="GPKG", geometry_type="Point", crs="EPSG:32651")


def test_a_layer_gdal_added_beside_the_plans_layers_keeps_the_plan_editable(new_plan):
    _write_notes(new_plan)
    with Plan.open(new_plan) as plan:
        plan.apply(AddFeature(FACILITIES, box(200, 0, 240, 40), {"type": "supermarket"}))
    _meta, _fids, _geoms, values = pyogrio.raw.read(new_plan, layer="planner_notes", return_fids=True)
    assert values[0].tolist() == ["看这里"]


def test_every_trigger_a_newer_gdal_writes_is_recognised_as_gdals(tmp_path):
    """GDAL 3.7 and later write GeoPackage 1.4 files with the R-tree triggers update5…update7 and
    the tile-matrix constraint triggers: GDAL's own, so never refused as foreign code."""
    path = tmp_path / "gdal.gpkg"
    _write_notes(path)
    conn = sqlite3.connect(path)
    try:
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "rtree_planner_notes_geom_update6" in triggers and len(triggers) > 10
        assert foreign_code(conn) == []
    finally:
        conn.close()


@pytest.mark.parametrize("blob", [None, b"GP\x00", "text in geom", b"GP\x00\x03" + b"\x00" * 10, b"\x00" * 60])
def test_the_geopackage_functions_answer_null_for_what_is_not_a_geometry(blob):
    """A row QGIS or a script wrote badly must never make an edit fail inside a trigger."""
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    assert conn.execute("SELECT ST_IsEmpty(?), ST_MinX(?), ST_MaxY(?)", [blob] * 3).fetchone()[1:] == (None, None)


def test_the_geopackage_functions_read_a_point_gdal_wrote_without_an_envelope(tmp_path):
    path = tmp_path / "gdal.gpkg"
    _write_notes(path)
    conn = sqlite3.connect(path)
    register_functions(conn)
    (blob,) = conn.execute("SELECT geom FROM planner_notes").fetchone()
    assert blob[3] >> 1 & 0b111 == 0  # GDAL stores points without an envelope
    assert conn.execute("SELECT ST_IsEmpty(geom), ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) "
                        "FROM planner_notes").fetchone() == (0, 10.0, 10.0, 10.0, 10.0)
    conn.close()

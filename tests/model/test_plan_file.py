"""The plan file is a real GeoPackage: GDAL (pyogrio) reads back exactly what the model wrote."""
import sqlite3

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.edits import CreateScenario
from lifecircle_desktop.model.schema import LAYERS
from lifecircle_desktop.model.store import GPKG_APPLICATION_ID, GPKG_USER_VERSION
from tests.helpers import cli

GDAL_TYPES = {"POLYGON": "Polygon", "POINT": "Point", "LINESTRING": "LineString", "GEOMETRY": "Unknown"}


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "tongji.gpkg"
    r = cli("new", path, "--name", "同济新村", "--lonlat", "121.50,31.285", "--kind", "existing")
    assert r.returncode == 0, r.stderr
    with Plan.open(path) as plan:
        plan.apply(AddFeature("facilities", box(100, 200, 140, 260), {
            "type": "kindergarten", "name": "同济幼儿园", "floors": 3, "land_area": 3600.5, "status": "planned",
            "classes": 6, "funding": "区财政"}))
        plan.apply(AddFeature("facilities", Polygon([(0, 0), (30, 0), (30, 10), (15, 25), (0, 10)]), {
            "type": "elderly_service_station", "name": "老年服务站", "floors": 1}))
        plan.apply(AddFeature("residential", box(300, 300, 420, 380), {
            "name": "赤峰小区", "households": 420, "floors": 6, "estimated": True, "source": "osm"}))
        plan.apply(AddFeature("stops", Point(55.25, 66.125), {"type": "bus_stop", "name": "四平路站"}))
        plan.apply(AddFeature("entrances", Point(300, 340), {"layer": "residential", "feature": 1, "open": False}))
        plan.apply(AddFeature("walk_network", LineString([(0, -5), (500, -5), (500, 400)]), {"class": "footway"}))
        plan.apply(AddFeature("planning_units", box(-50, -50, 600, 600), {"kind": "community", "name": "同济社区"}))
        plan.apply(AddFeature("comments", Point(10, 10), {"text": "希望增加座椅", "author_role": "居民"}))
        plan.bulk_insert("basemap_buildings", [(box(500, 500, 520, 530), {"kind": "apartments", "levels": 6})])
        plan.bulk_insert("basemap_water", [(LineString([(0, 700), (900, 720)]), {"kind": "river", "name": "虹口港"})])
        plan.bulk_insert("basemap_landuse", [(box(0, 0, 1, 1), {"kind": "grass"})])
        plan.bulk_insert("basemap_roads", [(LineString([(0, 0), (1, 1)]), {"kind": "primary", "name": "四平路"})])
        expected = {layer: {f.fid: f for f in plan.features(layer, None)} for layer in LAYERS}
    return path, expected


def test_gdal_reads_every_layer_with_types_crs_geometry_and_attributes(filled):
    path, expected = filled
    layers = dict(pyogrio.list_layers(path))
    for name, spec in LAYERS.items():
        assert layers[name] == GDAL_TYPES[spec.geometry], name
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == "EPSG:32651"
        meta, fids, geoms, values = pyogrio.raw.read(path, layer=name, return_fids=True)
        assert sorted(fids.tolist()) == sorted(expected[name]), name
        fields = list(meta["fields"])
        for i, fid in enumerate(fids.tolist()):
            mine = expected[name][fid]
            theirs = shapely.from_wkb(geoms[i])
            assert shapely.equals_exact(theirs, mine.geometry, tolerance=0), (name, fid)
            assert np.array_equal(shapely.get_coordinates(theirs), shapely.get_coordinates(mine.geometry))
            for field in spec.fields:
                got = values[fields.index(field.name)][i]
                want = mine.attributes[field.name]
                if want is None:
                    assert got is None or (isinstance(got, float) and np.isnan(got)), (name, field.name, got)
                elif field.type is bool:
                    assert bool(got) == want
                else:
                    assert got == want, (name, field.name, got, want)
            if spec.editable:
                assert values[fields.index("scenario")][i] == "base"


def test_file_is_a_geopackage_1_3_in_wal(filled):
    path, _ = filled
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == GPKG_USER_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    srs = {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert {-1, 0, 4326, 32651} <= srs
    contents = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert all(contents[n] == "features" for n in LAYERS)
    assert contents["plan_meta"] == "attributes"
    conn.close()


def test_scenario_copy_keeps_entrances_on_the_copies(plan):
    res = plan.apply(AddFeature("residential", box(0, 0, 50, 50), {"households": 100})).edit.fid
    plan.apply(AddFeature("entrances", Point(0, 25), {"layer": "residential", "feature": res}))
    plan.apply(CreateScenario("方案B", "base"))
    assert [s.name for s in plan.scenarios()] == ["base", "方案B"]
    (copy,) = plan.features("residential", "方案B")
    (gate,) = plan.features("entrances", "方案B")
    assert copy.fid != res and gate["feature"] == copy.fid
    assert plan.features("entrances", "base")[0]["feature"] == res
    plan.apply(CreateScenario("空白"))
    assert plan.features("residential", "空白") == []


def test_migration_from_schema_1(tmp_path):
    path = tmp_path / "old.gpkg"
    Plan.create(path, "old", 32651).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE rule_overrides")
    conn.execute("DELETE FROM gpkg_contents WHERE table_name='rule_overrides'")
    conn.execute("UPDATE plan_meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Plan.open(path) as plan:
        assert plan.meta["schema_version"] == 2
        plan.store.conn.execute("INSERT INTO rule_overrides VALUES ('x', 'existing', 'min', 1, NULL)")

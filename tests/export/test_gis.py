"""The bundle's GIS layers read back by GDAL (pyogrio, ogrinfo, validate_gpkg.py), never by our code:
the scenario's GeoPackage in the plan file's schema, RFC 7946 GeoJSON, and CGCS2000 3° Gauss–Krüger
coordinates compared with pyproj's own transform of the plan's coordinates (issue 12 items 5, 6)."""
import json
import re
import sqlite3

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from pyproj import CRS, Transformer

from lifecircle_desktop.export import ExportOptions
from lifecircle_desktop.model.schema import LAYERS
from lifecircle_desktop.model.store import GPKG_APPLICATION_ID
from tests.export.conftest import drawn_plan
from tests.model.test_gdal_roundtrip import needs_gdal, validate_gpkg

GIS = ("gpkg", "geojson")


def read_layer(path, layer=None):
    """{fid: (geometry, {field: value})} as GDAL reads it."""
    meta, fids, geoms, values = pyogrio.raw.read(path, layer=layer, return_fids=True)
    fields = list(meta["fields"])
    return {int(fid): (shapely.from_wkb(geoms[i]), {f: values[j][i] for j, f in enumerate(fields)})
            for i, fid in enumerate(fids)}


def same_value(got, want):
    if want is None:
        return got is None or (isinstance(got, float) and np.isnan(got))
    return bool(got) == want if isinstance(want, bool) else got == want


@needs_gdal
def test_the_geopackage_holds_the_scenario_in_the_plans_schema_and_gdal_validates_it(shanghai, tmp_path):
    folder = shanghai.export(tmp_path / "out", ExportOptions(only=("gpkg",)))
    path = folder / "plan.gpkg"
    assert sorted(p.name for p in folder.iterdir()) == ["plan.gpkg"]
    assert validate_gpkg(path) == ""
    layers = dict(pyogrio.list_layers(path))
    for name, spec in LAYERS.items():
        assert name in layers
        assert pyogrio.read_info(path, layer=name)["crs"] == f"EPSG:{shanghai.plan.epsg}"
        theirs = read_layer(path, name)
        mine = {f.fid: f for f in shanghai.plan.features(name, None if not spec.editable else "base")}
        assert set(theirs) == set(mine), name
        for fid, (geometry, values) in theirs.items():
            assert shapely.equals_exact(geometry, mine[fid].geometry, tolerance=0), (name, fid)
            for field in spec.fields:
                assert same_value(values[field.name], mine[fid].attributes[field.name]), (name, fid, field.name)
            if spec.editable:
                assert values["scenario"] == "base"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT name, parent FROM scenarios").fetchall() == [("base", None)]
        assert [r[0] for r in conn.execute("SELECT note FROM manual_checks")] == ["居委会已确认"]
        source = sqlite3.connect(shanghai.plan.path)
        try:
            for table in ("rule_packs", "rule_overrides"):  # copied as the plan holds them
                assert conn.execute(f"SELECT * FROM {table}").fetchall() == source.execute(f"SELECT * FROM {table}").fetchall()
        finally:
            source.close()
        meta = dict(conn.execute("SELECT key, value FROM plan_meta"))
        assert json.loads(meta["name"]) == "同济新村" and json.loads(meta["rule_packs"]) == shanghai.plan.rule_packs
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # The suite's GeoPackage checks (tests/model/test_gdal_roundtrip.py): every layer in
        # gpkg_contents, attribute tables keyed by an INTEGER fid (requirement 119).
        attributes = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type='attributes'")]
        assert {"plan_meta", "scenarios", "rule_packs", "manual_checks", "rule_overrides"} <= set(attributes)
        for table in attributes:
            assert [(r[1], r[2]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5]] == [("fid", "INTEGER")]
        contents = {r[0]: r[1:] for r in conn.execute(
            "SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents WHERE data_type='features'")}
        assert set(LAYERS) <= set(contents)
        for layer, spec in LAYERS.items():  # extents enclose the layer (QGIS zooms to them)
            features = shanghai.plan.features(layer, "base" if spec.editable else None)
            if features:
                x0, y0, x1, y1 = shapely.total_bounds([f.geometry for f in features])
                minx, miny, maxx, maxy = contents[layer]
                assert minx <= x0 and miny <= y0 and maxx >= x1 and maxy >= y1, layer
    finally:
        conn.close()
    # Nothing of the other scenario, not even in the file's free pages.
    raw = path.read_bytes()
    assert "只在方案二".encode() not in raw and "方案二的备注".encode() not in raw
    assert not list(folder.glob("*-wal")) and not list(folder.glob("*-shm"))


def test_the_geopackage_of_another_scenario_has_its_own_features(shanghai, tmp_path):
    folder = shanghai.export(tmp_path / "out", ExportOptions(scenario="方案二", only=("gpkg",)))
    facilities = read_layer(folder / "plan.gpkg", "facilities")
    assert sorted(v["name"] for _g, v in facilities.values()) == ["只在方案二的超市", "同济幼儿园"]
    assert {v["scenario"] for _g, v in facilities.values()} == {"方案二"}
    assert set(facilities) == {f.fid for f in shanghai.plan.features("facilities", "方案二")}
    assert "方案二" in folder.name and shanghai.scenario == "base"


def test_geojson_is_rfc_7946_every_feature_in_lon_lat_right_hand_7_decimals(shanghai, tmp_path):
    folder = shanghai.export(tmp_path / "out", ExportOptions(only=("geojson",), crs="cgcs2000-gk"))
    files = sorted(p.name for p in (folder / "geojson").iterdir())
    assert files == sorted(f"{layer}.geojson" for layer in LAYERS)
    to_lonlat = Transformer.from_crs(shanghai.plan.epsg, 4326, always_xy=True)
    for layer, spec in LAYERS.items():
        path = folder / "geojson" / f"{layer}.geojson"
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
        assert doc["type"] == "FeatureCollection" and "crs" not in doc
        assert not re.search(r"\d\.\d{8,}", json.dumps([f["geometry"] for f in doc["features"]]))
        mine = {f.fid: f for f in shanghai.plan.features(layer, "base" if spec.editable else None)}
        if not mine:
            assert doc["features"] == []
            continue
        assert pyogrio.read_info(path)["crs"] == "EPSG:4326"
        theirs = read_layer(path)
        assert {int(v["fid"]) for _g, v in theirs.values()} == set(mine), layer
        for _fid, (geometry, values) in theirs.items():
            plan_feature = mine[int(values["fid"])]
            want = np.column_stack(to_lonlat.transform(*shapely.get_coordinates(plan_feature.geometry).T))
            got = shapely.get_coordinates(geometry)
            if geometry.geom_type == "Polygon":  # the right-hand rule: exterior counter-clockwise, holes clockwise
                assert shapely.is_ccw(geometry.exterior)
                assert all(not shapely.is_ccw(ring) for ring in geometry.interiors)
                rings = [plan_feature.geometry.exterior, *plan_feature.geometry.interiors]
                for theirs_ring, plan_ring in zip([geometry.exterior, *geometry.interiors], rings, strict=True):
                    ring = np.column_stack(to_lonlat.transform(*np.asarray(plan_ring.coords).T))
                    assert min(np.abs(np.asarray(theirs_ring.coords) - r).max() for r in (ring, ring[::-1])) <= 0.5e-7 + 1e-12
            else:
                assert np.abs(got - want).max() <= 0.5e-7 + 1e-12
            assert 121 < got[:, 0].min() < 122 and 31 < got[:, 1].min() < 32  # lon, lat
            for field in spec.fields:
                assert same_value(values[field.name], plan_feature.attributes[field.name]), (layer, field.name)


def _extent_in(session, tmp_path, **options):
    folder = session.export(tmp_path / "gk", ExportOptions(only=("gpkg",), crs="cgcs2000-gk", **options))
    path = folder / "plan.gpkg"
    epsg = CRS.from_user_input(pyogrio.read_info(path, layer="facilities")["crs"]).to_epsg()
    plan_to_gk = Transformer.from_crs(session.plan.epsg, epsg, always_xy=True)
    worst = 0.0
    for layer, spec in LAYERS.items():
        theirs = read_layer(path, layer)
        for f in session.plan.features(layer, "base" if spec.editable else None):
            want = np.column_stack(plan_to_gk.transform(*shapely.get_coordinates(f.geometry).T))
            got = shapely.get_coordinates(theirs[f.fid][0])
            worst = max(worst, float(np.abs(got - want).max()))
    eastings = shapely.get_coordinates([g for g, _v in read_layer(path, "facilities").values()])[:, 0]
    return epsg, worst, eastings


# (lon, lat) → the zone's name as EPSG gives it, plain and with the zone number before the easting:
# 3° zones are centred on multiples of 3° (zone n at 3n °E), so 121.45°E is in CM 120E (zone 40),
# 121.55°E in CM 123E (zone 41) and Beijing's 116.35°E in CM 117E (zone 39).
PLACES = {"shanghai west of 121.5°E": ((121.45, 31.28), "CM 120E", "zone 40"),
          "shanghai east of 121.5°E": ((121.55, 31.28), "CM 123E", "zone 41"),
          "beijing": ((116.35, 39.99), "CM 117E", "zone 39")}


@pytest.mark.parametrize("place", PLACES)
def test_gauss_kruger_coordinates_agree_with_pyproj_within_a_millimetre(place, tmp_path):
    lonlat, cm, zone = PLACES[place]
    with drawn_plan(tmp_path / "p.gpkg", lonlat=lonlat) as session:
        epsg, worst, eastings = _extent_in(session, tmp_path)
        assert CRS.from_epsg(epsg).name == f"CGCS2000 / 3-degree Gauss-Kruger {cm}" and 4534 <= epsg <= 4554
        assert worst < 1e-3
        assert (np.abs(eastings - 500_000) < 200_000).all()  # a plain easting: false easting 500 km
        epsg, worst, eastings = _extent_in(session, tmp_path, gk_zone_prefix=True)
        assert CRS.from_epsg(epsg).name == f"CGCS2000 / 3-degree Gauss-Kruger {zone}" and 4513 <= epsg <= 4533
        assert worst < 1e-3
        assert all(f"{e:.2f}".startswith(zone[-2:]) and len(f"{e:.0f}") == 8 for e in eastings)  # 40xxxxxx.xx


def test_a_wgs84_geopackage_holds_lon_lat(shanghai, tmp_path):
    folder = shanghai.export(tmp_path / "out", ExportOptions(only=("gpkg",), crs="wgs84"))
    path = folder / "plan.gpkg"
    assert pyogrio.read_info(path, layer="stops")["crs"] == "EPSG:4326"
    (stop, _values), = read_layer(path, "stops").values()
    want = Transformer.from_crs(shanghai.plan.epsg, 4326, always_xy=True).transform(
        *shapely.get_coordinates(shanghai.plan.features("stops", "base")[0].geometry)[0])
    assert np.allclose(shapely.get_coordinates(stop)[0], want, atol=1e-9, rtol=0)


def test_the_geopackage_of_the_base_scenario_opens_as_a_plan(shanghai, tmp_path):
    from lifecircle_desktop.model.session import PlanSession
    folder = shanghai.export(tmp_path / "out", ExportOptions(only=("gpkg",)))
    with PlanSession.open(folder / "plan.gpkg") as copy:
        for layer in LAYERS:
            assert [(f.fid, f.attributes) for f in copy.plan.features(layer, None)] == \
                [(f.fid, f.attributes) for f in shanghai.plan.features(layer, "base" if LAYERS[layer].editable else None)]
        assert copy.plan.manual_answers("base") == shanghai.plan.manual_answers("base")
        assert copy.validate().summary() == shanghai.validate().summary()

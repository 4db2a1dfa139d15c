"""GeoJSON import/export (docs/import.md): CRS handling, attribute mapping, errors, round trip."""
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.io import export_geojson, import_geojson, import_osm_new
from tests.conftest import REAL_DATA
from tests.helpers import cli, sha256, snapshot

DATA = Path(__file__).resolve().parent.parent / "data"
SIPING = REAL_DATA / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"
TO_UTM51 = Transformer.from_crs(4326, 32651, always_xy=True)


@pytest.fixture
def shanghai(tmp_path):
    """An empty plan in UTM 51N (Shanghai)."""
    with Plan.create(tmp_path / "sh.gpkg", "上海", 32651) as plan:
        yield plan


def write(tmp_path, doc, name="data.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_lonlat_with_chinese_property_names(shanghai):
    s = import_geojson(shanghai, "residential", DATA / "homes_lonlat.geojson")
    assert s["layers"] == {"residential": 3}  # a Polygon and a MultiPolygon of two parts
    assert s["crs"] == "EPSG:4326"
    homes = shanghai.features("residential")
    assert [f["name"] for f in homes] == ["甲小区", "乙小区", "乙小区"]
    assert [f["households"] for f in homes] == [320.0, 150.0, 150.0]  # "150" coerced to a number
    assert [f["floors"] for f in homes] == [6, 5, 5]
    assert {f["source"] for f in homes} == {"import"} and not any(f["estimated"] for f in homes)
    # The first corner of 甲小区, projected independently.
    x, y = TO_UTM51.transform(121.500, 31.283)
    assert np.allclose(shapely.get_coordinates(homes[0].geometry)[0], (x, y), atol=1e-6)
    assert shanghai.meta["imports"][-1]["format"] == "GeoJSON"


def test_legacy_crs_member_gives_the_same_features(tmp_path):
    a = Plan.create(tmp_path / "a.gpkg", "a", 32651)
    b = Plan.create(tmp_path / "b.gpkg", "b", 32651)
    with a, b:
        import_geojson(a, "residential", DATA / "homes_lonlat.geojson")
        s = import_geojson(b, "residential", DATA / "homes_utm51.geojson")
        assert s["crs"] == "EPSG:32651"
        for fa, fb in zip(a.features("residential"), b.features("residential")):
            assert fa["name"] == fb["name"]
            # The UTM file holds coordinates rounded to 1 mm.
            assert shapely.hausdorff_distance(fa.geometry, fb.geometry) < 0.002


def test_explicit_crs_overrides(tmp_path, shanghai):
    doc = json.loads((DATA / "homes_utm51.geojson").read_text(encoding="utf-8"))
    del doc["crs"]  # projected coordinates with no crs member: only --crs can say what they are
    path = write(tmp_path, doc)
    with pytest.raises(PlanError, match="far from the plan area — wrong CRS"):
        import_geojson(shanghai, "residential", path)
    s = import_geojson(shanghai, "residential", path, crs="EPSG:32651")
    assert s["layers"]["residential"] == 3


def test_wrong_crs_lands_far_away_and_changes_nothing(tmp_path):
    """Lon/lat data declared as UTM 51N lands near the zone's origin, thousands of km away."""
    path = tmp_path / "plan.gpkg"
    with Plan.create(path, "上海", 32651) as plan:
        plan.apply(AddFeature("residential", box(357000, 3461000, 357100, 3461100), {"name": "甲"}))
    before = sha256(path)
    with Plan.open(path) as plan:
        mem = snapshot(plan)
        with pytest.raises(PlanError) as err:
            import_geojson(plan, "residential", DATA / "homes_lonlat.geojson", crs="EPSG:32651")
        assert snapshot(plan) == mem
    assert "the data lies far from the plan area" in err.value.message_en
    assert "wrong CRS?" in err.value.message_en and "km away" in err.value.message_en
    assert "坐标系是否有误" in err.value.message_zh
    assert sha256(path) == before


def test_invalid_geometry_names_the_feature_and_changes_nothing(tmp_path):
    path = tmp_path / "plan.gpkg"
    Plan.create(path, "上海", 32651).close()
    before = sha256(path)
    with Plan.open(path) as plan:
        with pytest.raises(PlanError) as err:
            import_geojson(plan, "residential", DATA / "bowtie_lonlat.geojson")
        assert plan.count("residential") == 0
    assert err.value.message_en == "features[1]: the polygon's edges cross each other (self-intersection)"
    assert err.value.message_zh.startswith("features[1]：")
    assert sha256(path) == before  # feature 0 was fine, but nothing was written


def test_wrong_geometry_type_and_bad_values(tmp_path, shanghai):
    pt = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [121.5, 31.28]}}]}
    with pytest.raises(PlanError, match=r"features\[0\]: a Point cannot go into layer residential, which needs polygons"):
        import_geojson(shanghai, "residential", write(tmp_path, pt))
    doc = json.loads((DATA / "homes_lonlat.geojson").read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["户数"] = "很多"
    with pytest.raises(PlanError, match=r"features\[1\]: attribute households = '很多' is not a float"):
        import_geojson(shanghai, "residential", write(tmp_path, doc))
    nogeom = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": None}]}
    with pytest.raises(PlanError, match=r"features\[0\]: has no geometry"):
        import_geojson(shanghai, "residential", write(tmp_path, nogeom))
    (tmp_path / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(PlanError, match="not valid JSON"):
        import_geojson(shanghai, "residential", tmp_path / "broken.geojson")
    assert shanghai.count("residential") == 0


def test_facilities_need_a_known_type(tmp_path, shanghai):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "幼儿园A"},
         "geometry": {"type": "Polygon", "coordinates": [[[121.5, 31.28], [121.5004, 31.28], [121.5004, 31.2804],
                                                          [121.5, 31.2804], [121.5, 31.28]]]}}]}
    path = write(tmp_path, doc)
    with pytest.raises(PlanError, match=r"features\[0\]: has no facility type"):
        import_geojson(shanghai, "facilities", path)
    with pytest.raises(PlanError, match="unknown facility type 'kinder'"):
        import_geojson(shanghai, "facilities", path, type_code="kinder")
    import_geojson(shanghai, "facilities", path, type_code="kindergarten")
    (f,) = shanghai.features("facilities")
    assert (f["type"], f["name"], f["source"]) == ("kindergarten", "幼儿园A", "import")


def test_mapping_overrides_defaults(tmp_path, shanghai):
    doc = json.loads((DATA / "homes_lonlat.geojson").read_text(encoding="utf-8"))
    s = import_geojson(shanghai, "residential", write(tmp_path, doc), mapping={"备注": "name"})
    assert s["mapping"]["name"] == "备注"
    assert shanghai.features("residential")[0]["name"] == "示例"
    with pytest.raises(PlanError, match="layer residential has no field colour"):
        import_geojson(shanghai, "residential", write(tmp_path, doc), mapping={"备注": "colour"})


def test_round_trip_through_export(tmp_path):
    plan, _ = import_osm_new(SIPING, tmp_path / "siping.gpkg")
    with plan:
        n = export_geojson(plan, "residential", tmp_path / "homes.geojson")
        doc = json.loads((tmp_path / "homes.geojson").read_text(encoding="utf-8"))
        assert "crs" not in doc  # RFC 7946: lon/lat, no crs member
        lon, lat = shapely.get_coordinates(shapely.from_geojson(json.dumps(doc["features"][0]["geometry"]))).T
        assert 121.4 < lon.min() < 121.6 and 31.2 < lat.min() < 31.4
        originals = plan.features("residential")
    assert n == len(originals) > 10
    with Plan.create(tmp_path / "copy.gpkg", "副本", 32651) as copy:
        import_geojson(copy, "residential", tmp_path / "homes.geojson")
        back = copy.features("residential")
        assert len(back) == n
        for a, b in zip(originals, back):
            assert (a["name"], a["households"], a["floors"], a["estimated"]) == \
                (b["name"], b["households"], b["floors"], b["estimated"])
            assert shapely.hausdorff_distance(a.geometry, b.geometry) < 1e-6  # metres


def test_points_and_lines(tmp_path, shanghai):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "甲站"}, "geometry": {"type": "MultiPoint",
                                                                        "coordinates": [[121.5, 31.28], [121.501, 31.28]]}}]}
    s = import_geojson(shanghai, "stops", write(tmp_path, doc), type_code="bus_stop")
    assert s["layers"] == {"stops": 2}
    line = {"type": "Feature", "properties": {"highway": "footway"},
            "geometry": {"type": "LineString", "coordinates": [[121.5, 31.28], [121.501, 31.281]]}}
    import_geojson(shanghai, "walk_network", write(tmp_path, line, "line.geojson"))
    (w,) = shanghai.features("walk_network")
    assert w["class"] == "footway" and w["source"] == "import" and w.geometry.length > 100


def test_cli_import(tmp_path):
    path = tmp_path / "plan.gpkg"
    assert cli("new", path, "--name", "上海", "--crs", "EPSG:32651").returncode == 0
    r = cli("import", path, "--layer", "residential", DATA / "homes_utm51.geojson", "--map", "备注=name")
    assert r.returncode == 0, r.stderr
    assert "residential" in r.stdout and "备注→name" in r.stdout
    r = cli("import", path, "--layer", "residential", DATA / "homes_lonlat.geojson", "--crs", "EPSG:32651")
    assert r.returncode == 2
    assert r.stderr.strip().endswith("wrong CRS?") and r.stderr.count("\n") == 1
    with Plan.open(path) as plan:
        assert plan.count("residential") == 3


# --- issue 10, item 10: what the import must refuse, in one sentence, changing nothing -----------
SQUARE = {"type": "Polygon", "coordinates": [[[121.5, 31.28], [121.501, 31.28], [121.501, 31.281],
                                              [121.5, 31.281], [121.5, 31.28]]]}


def _one_home(properties, geometry=SQUARE) -> str:
    """A FeatureCollection of one home as JSON text; ``properties`` is spliced in as raw JSON."""
    return ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": %s, "geometry": %s}]}'
            % (properties, json.dumps(geometry)))


BOOLEAN_SQUARE = {"type": "Polygon", "coordinates": [[[True, True], [False, True], [False, False], [True, False],
                                                      [True, True]]]}
REFUSED = {
    "NaN households": (_one_home('{"households": NaN}'), "holds NaN, which is not a JSON number"),
    "infinite households": (_one_home('{"households": Infinity}'), "holds Infinity, which is not a JSON number"),
    "overflowing float": (_one_home('{"households": 1e999}'), "holds 1e999, which is not a JSON number"),
    "NaN as text": (_one_home('{"households": "NaN"}'), "households = nan is not a finite number"),
    "negative households": (_one_home('{"households": -5}'), r"features\[0\]: households is negative \(-5\)"),
    "fractional floors": (_one_home('{"floors": 5.7}'), r"features\[0\]: floors = 5.7 is not a whole number"),
    "past int64": (_one_home('{"floors": 99999999999999999999999}'), r"floors is too large \(1e\+23\)"),
    "too many digits": (_one_home('{"floors": %s}' % ("9" * 5000)), "a number in it has too many digits"),
    "boolean households": (_one_home('{"households": true}'), "households is true, not a number"),
    "boolean coordinates": (_one_home("{}", BOOLEAN_SQUARE), "coordinates are not positions made of numbers"),
    "list properties": (_one_home("[1, 2]"), r"features\[0\]: its properties member is not an object"),
    "text properties": (_one_home('"homes"'), "its properties member is not an object"),
    "object as a name": (_one_home('{"name": {"zh": "x"}}'), "name is not a number or text"),
    "lone surrogate": (_one_home('{"name": "\\ud800 village"}'), "not valid Unicode"),
    "deep properties": (_one_home('{"a": %s}' % ("[" * 5000 + "]" * 5000)), "nested too deeply"),
    "deep geometry": (_one_home("{}", None).replace('"geometry": null', '"geometry": ' + '{"type": "GeometryCollection", '
                      '"geometries": [' * 1500 + "]}" * 1500), "nested too deeply"),
    "geometry collection": (_one_home("{}", {"type": "GeometryCollection", "geometries": []}),
                            "type 'GeometryCollection' cannot go into layer residential"),
    "ragged coordinates": (_one_home("{}", {"type": "Polygon", "coordinates": [[121.5, 31.28]]}),
                           "coordinates are not positions made of numbers"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_in_one_sentence_and_plan_unchanged(case, tmp_path):
    """Each of these crashed ("unexpected error") or was stored (NaN, 7,800 km polygons, 5 floors)."""
    text, words = REFUSED[case]
    source = tmp_path / "bad.geojson"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    path = tmp_path / "plan.gpkg"
    Plan.create(path, "上海", 32651).close()
    before = sha256(path)
    with Plan.open(path) as plan, pytest.raises(PlanError, match=words) as err:
        import_geojson(plan, "residential", source)
    assert "\n" not in err.value.message_en and "\n" not in err.value.message_zh
    assert sha256(path) == before


def test_whole_floors_given_as_decimals_are_kept(tmp_path, shanghai):
    """6.0 floors (how spreadsheets export whole numbers) is 6, not a refusal."""
    source = tmp_path / "homes.geojson"
    source.write_text(_one_home('{"floors": 6.0, "households": "120"}'), encoding="utf-8")
    import_geojson(shanghai, "residential", source)
    (home,) = shanghai.features("residential")
    assert home["floors"] == 6 and home["households"] == 120.0


def test_a_file_name_that_is_not_utf8_is_recorded_readably(tmp_path, shanghai):
    """Linux allows any bytes in a name; Python hands them over as lone surrogates, which SQLite
    refused ("unexpected error: UnicodeEncodeError" before issue 10)."""
    import os
    source = tmp_path / os.fsdecode(b"homes-\xff.geojson")
    source.write_text(_one_home('{"households": 12}'), encoding="utf-8")
    import_geojson(shanghai, "residential", source)
    assert shanghai.meta["imports"][-1]["file"] == "homes-\ufffd.geojson"

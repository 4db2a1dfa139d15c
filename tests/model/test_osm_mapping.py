"""Which OSM object becomes which facility type (docs/import.md §5): schools by level, statues and memorials
not parks, the docs table against the catalogue, and the real extracts and the Siping demo checked against
counts taken from their raw tags here."""
import collections
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyproj
import pytest
from shapely.geometry import Point

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.io import import_osm_new
from lifecircle_desktop.model.io.osm_mapping import OsmRules, mapping_table, parse_spec
from lifecircle_desktop.model.resources import DEMO_PLAN
from tests.conftest import REAL_DATA
from tests.helpers import ROOT

SIPING = REAL_DATA / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"
CAU = REAL_DATA / "beijing_haidian_cau_east" / "beijing_haidian_cau_east.osm"
WUDAOKOU = REAL_DATA / "beijing_wudaokou_tsinghua" / "beijing_wudaokou_tsinghua.osm"


# --- small .osm files built here -----------------------------------------------------------------
def osm_file(path: Path, objects) -> Path:
    """An .osm file near Siping: each object is ("area" | "node", tags), areas 40 × 40 m squares 100 m apart."""
    nodes, ways, nid, wid = [], [], 1, 1000
    lat0, lon0, dlat, dlon = 31.280, 121.500, 40 / 111_000, 40 / 95_000
    for k, (kind, tags) in enumerate(objects):
        lat, lon = lat0, lon0 + k * 2.5 * dlon
        tag_xml = "".join(f'<tag k="{a}" v="{b}"/>' for a, b in tags.items())
        if kind == "node":
            nodes.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{tag_xml}</node>')
            nid += 1
            continue
        corners = [(lat, lon), (lat, lon + dlon), (lat + dlat, lon + dlon), (lat + dlat, lon)]
        ids = []
        for la, lo in corners:
            nodes.append(f'<node id="{nid}" version="1" lat="{la:.7f}" lon="{lo:.7f}"/>')
            ids.append(nid)
            nid += 1
        refs = "".join(f'<nd ref="{i}"/>' for i in ids + ids[:1])
        ways.append(f'<way id="{wid}" version="1">{refs}{tag_xml}</way>')
        wid += 1
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(nodes + ways) + "\n</osm>\n", encoding="utf-8")
    return path


def imported(tmp_path, objects):
    """(facility type by name, the import summary, base-map land use kinds by name)."""
    plan, summary = import_osm_new(osm_file(tmp_path / "t.osm", objects), tmp_path / "t.gpkg")
    with plan:
        types = {f["name"]: f["type"] for f in plan.features("facilities")}
        landuse = {f["name"]: f["kind"] for f in plan.features("basemap_landuse")}
    return types, summary, landuse


def test_schools_by_isced_level_school_tag_and_name(tmp_path):
    types, summary, landuse = imported(tmp_path, [
        ("area", {"amenity": "school", "name": "甲校", "isced:level": "2"}),
        ("area", {"amenity": "school", "name": "乙校", "isced:level": "1"}),
        ("area", {"amenity": "school", "name": "丙校", "isced:level": "2;3"}),
        ("area", {"amenity": "school", "name": "丁校", "school": "primary"}),
        ("area", {"amenity": "school", "name": "曲阳第四小学"}),
        ("area", {"amenity": "school", "name": "上海市曲阳第二中学"}),
        ("area", {"amenity": "school", "name": "北京石油学院附属中学"}),  # 学院 earlier, 中学 the head word
        ("area", {"amenity": "school", "name": "中国农业大学附属实验小学"}),
        ("area", {"amenity": "school", "name": "清华附小"}),
        ("area", {"amenity": "school", "name": "某某初级中学"}),
        ("area", {"amenity": "school", "name": "某某高中"}),
        ("area", {"amenity": "school", "name": "某某中学部"}),
        ("area", {"amenity": "school", "name": "清华大学洁华幼儿园"}),
        ("area", {"amenity": "school", "name": "Mosta Primary School"}),
        ("area", {"amenity": "school", "name": "某某小学", "isced:level": "2"}),  # the tag wins over the name
    ])
    assert types == {"甲校": "middle_school", "乙校": "primary_school", "丙校": "middle_school",
                     "丁校": "primary_school", "曲阳第四小学": "primary_school", "上海市曲阳第二中学": "middle_school",
                     "北京石油学院附属中学": "middle_school", "中国农业大学附属实验小学": "primary_school",
                     "清华附小": "primary_school", "某某初级中学": "middle_school", "某某高中": "middle_school",
                     "某某中学部": "middle_school", "清华大学洁华幼儿园": "kindergarten",
                     "Mosta Primary School": "primary_school", "某某小学": "middle_school"}
    assert not any("school not imported" in reason for reason in summary["skipped"])
    assert not landuse


def test_a_school_of_several_levels_is_what_its_name_says_else_primary(tmp_path):
    types, _, _ = imported(tmp_path, [
        ("area", {"amenity": "school", "name": "某某中学", "isced:level": "1;2"}),
        ("area", {"amenity": "school", "name": "某某学校", "isced:level": "1;2"}),
        ("area", {"amenity": "school", "name": "某某九年一贯制学校"}),
        ("area", {"amenity": "school", "name": "某某小学", "isced:level": "0;1"}),
    ])
    assert types == {"某某中学": "middle_school", "某某学校": "primary_school", "某某九年一贯制学校": "primary_school",
                     "某某小学": "primary_school"}


def test_universities_vocational_and_unknown_schools_stay_on_the_base_map(tmp_path):
    types, summary, landuse = imported(tmp_path, [
        ("area", {"amenity": "school", "name": "同济大学东校区"}),
        ("area", {"amenity": "school", "name": "同济大学设计创意学院"}),
        ("area", {"amenity": "school", "name": "上海市南湖职校第二分校"}),
        ("area", {"amenity": "school", "name": "民办沪东外国语学校"}),
        ("area", {"amenity": "school", "name": "上海外国语大学附属外国语学校"}),  # 学校 is the head, not 大学
        ("area", {"amenity": "school", "name": "某校", "isced:level": "5"}),
        ("node", {"amenity": "school"}),
    ])
    assert types == {}
    assert set(landuse) == {"同济大学东校区", "同济大学设计创意学院", "上海市南湖职校第二分校", "民办沪东外国语学校",
                            "上海外国语大学附属外国语学校", "某校"}
    assert set(landuse.values()) == {"amenity=school"}
    reasons = {r: n for r, n in summary["skipped"].items() if r.startswith("school not imported")}
    assert sorted(reasons.values()) == [3, 4]  # university/college/vocational 4; level unknown 3


def test_statues_and_memorials_are_not_parks_or_gardens(tmp_path):
    types, summary, landuse = imported(tmp_path, [
        ("node", {"leisure": "park", "name": "李国豪像"}),  # as on the Siping extract
        ("area", {"leisure": "park", "name": "纪念园", "historic": "memorial"}),
        ("area", {"leisure": "park", "name": "英雄纪念碑"}),
        ("area", {"leisure": "park", "name": "Statue of Liberty", "name:zh": "自由女神"}),
        ("area", {"leisure": "garden", "garden:type": "community", "name": "雕像花园", "memorial": "statue"}),
        ("area", {"leisure": "garden", "garden:type": "community", "name": "艺术花园", "tourism": "artwork"}),
        ("area", {"leisure": "garden", "garden:type": "community", "name": "私家花园", "access": "private"}),
        ("area", {"leisure": "garden", "name": "庭院"}),  # a garden not said to be a community garden
        ("area", {"landuse": "village_green", "name": "碑亭绿地", "historic": "monument"}),
        ("area", {"leisure": "pitch", "name": "内部球场", "access": "no"}),
        # … and what stays a park or a garden:
        ("area", {"leisure": "park", "name": "水杉林"}),
        ("area", {"leisure": "park", "name": "影像公园", "tourism": "attraction"}),
        ("area", {"leisure": "garden", "garden:type": "community", "name": "百草园"}),
        ("area", {"leisure": "park", "name": "紫荆雕塑园"}),
    ])
    assert types == {"水杉林": "community_park", "影像公园": "community_park", "百草园": "community_garden",
                     "紫荆雕塑园": "community_park"}
    assert landuse == {"纪念园": "leisure=park", "英雄纪念碑": "leisure=park", "Statue of Liberty": "leisure=park",
                       "雕像花园": "leisure=garden", "艺术花园": "leisure=garden", "私家花园": "leisure=garden",
                       "庭院": "leisure=garden", "碑亭绿地": "village_green", "内部球场": "leisure=pitch"}
    skipped = summary["skipped"]
    assert skipped["not imported as community_park: named as a statue or memorial"] == 3
    assert skipped["not imported as community_park: tagged historic=memorial"] == 1
    assert skipped["not imported as sports_field: tagged access=no"] == 1


@pytest.mark.parametrize("tags, code", [
    ({"amenity": "social_facility", "social_facility": "nursing_home"}, "nursing_home"),  # more specific first
    ({"amenity": "social_facility"}, "elderly_service_station"),
    ({"amenity": "kindergarten"}, "kindergarten"),
    ({"amenity": "school", "school": "secondary"}, "middle_school"),
    ({"amenity": "school", "isced:level": "1-3", "name": "某某完全中学"}, "middle_school"),
    ({"amenity": "school", "name": "Maria Regina Junior Lyceum"}, "middle_school"),
    ({"amenity": "school", "name": "University of Malta"}, None),
    ({"amenity": "school", "name": "St Ignatius College, Luqa Primary School"}, "primary_school"),
    ({"amenity": "school", "name": "某某职业高中"}, None),  # vocational, though 高中 ends there too
    ({"amenity": "university", "name": "同济大学"}, None),
    ({"leisure": "park", "historic": "yes"}, "community_park"),  # a historic garden is still a park
    ({"leisure": "playground", "access": "private"}, None),
])
def test_rule_look_up(tags, code):
    assert OsmRules(load_catalogue()).match(tags) == code


def test_malformed_catalogue_entries_are_refused():
    assert [c.text() for c in parse_spec("leisure=park+!memorial+access!=private|no")] == \
        ["leisure=park", "!memorial", "access!=private|no"]
    for bad in ("!memorial", "leisure=", "lei sure=park", "a=b+c!="):
        with pytest.raises(PlanError):
            parse_spec(bad)


# --- the docs cannot drift from the catalogue ----------------------------------------------------
def test_docs_table_is_the_catalogues_mapping():
    text = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    assert mapping_table(load_catalogue()) in text, "docs/import.md's OSM table is stale: run scripts/build_demo.py"
    for t in load_catalogue():
        assert f"`{t.code}`" in text


# --- the real extracts and the demo, against their raw tags -------------------------------------
def raw_objects(path):
    """(osm_id, tags, (lon, lat) of a node or None) of every tagged object of an .osm file, read here with
    ElementTree (not the app's reader)."""
    out = []
    for _, el in ET.iterparse(path):
        if el.tag in ("node", "way", "relation"):
            tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
            if tags:
                where = (float(el.get("lon")), float(el.get("lat"))) if el.tag == "node" else None
                out.append((f"{el.tag}/{el.get('id')}", tags, where))
            el.clear()
    return out


def says(tags, level):
    """Whether a school's tags or name say primary / middle school, in the plainest reading."""
    if tags.get("isced:level"):
        return tags["isced:level"] in {"primary": ("1",), "middle": ("2", "3", "2;3")}[level]
    if tags.get("school"):
        return tags["school"] == {"primary": "primary", "middle": "secondary"}[level]
    name = tags.get("name", "")
    primary = "小学" in name or "附小" in name
    middle = any(w in name for w in ("中学", "附中", "初中", "高中")) and "职" not in name
    return (primary and not middle) if level == "primary" else (middle and not primary)


def check_schools(objects, plan):
    """Every school whose raw tags say primary (middle) is a primary (middle) school of the plan, and no
    other school is — but for a school node inside the same school mapped as an area (imported once)."""
    to_plan = pyproj.Transformer.from_crs(4326, plan.epsg, always_xy=True)
    schools = [o for o in objects if o[1].get("amenity") == "school"]
    for level, code in (("primary", "primary_school"), ("middle", "middle_school")):
        got = {f["osm_id"]: f.geometry for f in plan.features("facilities") if f["type"] == code}
        expected = {osm_id: where for osm_id, tags, where in schools if says(tags, level)}
        assert set(got) <= set(expected), (code, set(got) - set(expected))
        for osm_id in set(expected) - set(got):
            where = expected[osm_id]
            assert where is not None and any(g.contains(Point(*to_plan.transform(*where))) for g in got.values()), \
                (code, osm_id)
    return schools


@pytest.mark.parametrize("path", [SIPING, CAU, WUDAOKOU], ids=["siping", "cau_east", "wudaokou"])
def test_real_extract_schools_and_parks_follow_the_tags(path, tmp_path):
    objects = raw_objects(path)
    plan, _ = import_osm_new(path, tmp_path / "x.gpkg")
    with plan:
        check_schools(objects, plan)
        green = {f["osm_id"] for f in plan.features("facilities") if f["type"] in ("community_park", "community_garden",
                                                                                   "public_green")}
    memorials = {osm_id for osm_id, tags, _ in objects if tags.get("historic") in ("memorial", "monument")
                 or "memorial" in tags or tags.get("tourism") == "artwork" or (tags.get("name") or "").endswith("像")}
    assert not green & memorials


def test_siping_demo_schools_and_parks_follow_the_tags():
    objects = raw_objects(SIPING)
    with Plan.open(DEMO_PLAN) as plan:
        schools = check_schools(objects, plan)
        types = collections.Counter(f["type"] for f in plan.features("facilities"))
        names = {f["name"] for f in plan.features("facilities")}
    assert types["primary_school"] == sum(says(tags, "primary") for _, tags, _ in schools) < len(schools)
    assert types["middle_school"] == sum(says(tags, "middle") for _, tags, _ in schools) > 0
    statues = {tags.get("name") for _, tags, _ in objects if (tags.get("name") or "").endswith("像")}
    assert "李国豪像" in statues and not statues & names

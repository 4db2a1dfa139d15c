"""Points of interest from Chinese map services (docs/import.md §10): real places of the demo sent
through GCJ-02 / BD-09 by a forward formula written here, independently, and read back in place."""
import csv
import json
import math
import shutil

import numpy as np
import pytest
from pyproj import Geod, Transformer

from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import ROOT, cli, sha256

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"
GEOD = Geod(ellps="WGS84")


# --- the published forward formulas, written again for the test (not imported) -------------------
def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs_to_gcj(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    dlat, dlon = _transform_lat(lon - 105.0, lat - 35.0), _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj_to_bd(lon, lat):
    x_pi = math.pi * 3000.0 / 180.0
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * x_pi)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


# --- fixtures ---------------------------------------------------------------------------------
@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "siping.gpkg"
    shutil.copy(DEMO, path)
    return path


def places(plan_path, n=12):
    """(name, type, WGS lon, WGS lat) of the demo's first ``n`` facilities' centroids."""
    with PlanSession.open(plan_path) as s:
        to_wgs = Transformer.from_crs(s.plan.epsg, 4326, always_xy=True)
        out = []
        for f in s.plan.features("facilities", "base")[:n]:
            c = f.geometry.centroid
            lon, lat = to_wgs.transform(c.x, c.y)
            out.append((f.get("name") or f"设施{f.fid}", f["type"], lon, lat))
    return out


def write_csv(path, header, rows, encoding="gbk"):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


CATEGORY = {"kindergarten": "科教文化服务;学校;幼儿园", "clinic": "医疗保健服务;诊所", "supermarket": "购物服务;超级市场"}


def imported(plan_path, layer):
    with PlanSession.open(plan_path) as s:
        return [f for f in s.plan.features(layer, "base") if f.get("source") == "poi"], s.plan.epsg


def test_gcj02_gbk_csv_lands_within_half_a_metre_of_the_real_places(demo, tmp_path):
    real = places(demo)
    rows = []
    for name, code, lon, lat in real:
        glon, glat = wgs_to_gcj(lon, lat)
        rows.append((name, f"{glon:.9f}", f"{glat:.9f}", code))  # the catalogue's own code as category
    csv_path = write_csv(tmp_path / "高德导出.csv", ["名称", "经度", "纬度", "类型"], rows)
    r = cli("import", demo, "--layer", "facilities", csv_path, "--coords", "gcj02")
    assert r.returncode == 0, r.stderr
    assert "GBK" in r.stdout  # the encoding it detected is said
    got, epsg = imported(demo, "facilities")
    assert len(got) == len(real)
    to_wgs = Transformer.from_crs(epsg, 4326, always_xy=True)
    for f, (name, code, lon, lat) in zip(sorted(got, key=lambda f: f.fid), real):
        c = f.geometry.centroid
        glon, glat = to_wgs.transform(c.x, c.y)
        assert GEOD.inv(glon, glat, lon, lat)[2] < 0.5
        assert (f["name"], f["type"], f["source"]) == (name, code, "poi")


def test_bd09_geojson_of_stops(demo, tmp_path):
    real = places(demo, 5)
    feats = []
    for name, _code, lon, lat in real:
        blon, blat = gcj_to_bd(*wgs_to_gcj(lon, lat))
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [blon, blat]},
                      "properties": {"name": name, "category": "交通设施服务;公交车站;公交车站相关"}})
    path = tmp_path / "baidu.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    with PlanSession.open(demo) as s:
        changes = s.import_features("stops", path, coords="bd09")
        assert len(changes.edit.fids) == 5
    got, epsg = imported(demo, "stops")
    to_wgs = Transformer.from_crs(epsg, 4326, always_xy=True)
    for f, (name, _code, lon, lat) in zip(sorted(got, key=lambda f: f.fid), real):
        glon, glat = to_wgs.transform(f.geometry.x, f.geometry.y)
        assert GEOD.inv(glon, glat, lon, lat)[2] < 0.5
        assert (f["name"], f["type"]) == (name, "bus_stop")


def test_categories_map_to_the_catalogue_and_unknown_ones_are_listed(demo, tmp_path):
    (_, _, lon, lat), = places(demo, 1)
    rows = [("甲幼儿园", lon, lat, "科教文化服务;学校;幼儿园"), ("乙诊所", lon, lat, "医疗保健服务;诊所"),
            ("丙超市", lon, lat, "购物服务;超级市场"), ("社区站", lon, lat, "社区卫生服务站"),
            ("菜场", lon, lat, "菜市场"), ("工行", lon, lat, "金融保险服务;银行"), ("建行", lon, lat, "金融保险服务;银行"),
            ("网吧", lon, lat, "体育休闲服务;娱乐场所;网吧"), ("公交", lon, lat, "公交站")]
    path = write_csv(tmp_path / "poi.csv", ["name", "lng", "lat", "category"], rows, encoding="utf-8-sig")
    with PlanSession.open(demo) as s:
        before = len(s.plan.features("facilities", "base"))
        changes = s.import_features("facilities", path)  # wgs84: the default for a CSV
        types = [s.plan.feature("facilities", fid)["type"] for fid in changes.edit.fids]
        assert types == ["kindergarten", "clinic", "supermarket", "health_station", "fresh_market"]
        from lifecircle_desktop.model.io.poi import unrecognised_message
        zh, en = unrecognised_message(changes.edit)
        assert zh.startswith("未识别的类别：") and "金融保险服务;银行（2 个）" in zh and "网吧（1 个）" in zh
        assert "公交站（1 个）" in zh and "4 rows" in en
        assert changes.edit.record["encoding"] == "UTF-8 (BOM)"
        # one undoable edit: undo takes every row back out
        s.undo()
        assert len(s.plan.features("facilities", "base")) == before


def test_a_facility_point_gets_the_types_minimum_area(demo, tmp_path):
    (_, _, lon, lat), = places(demo, 1)
    path = write_csv(tmp_path / "k.csv", ["名称", "经度", "纬度", "分类"], [("新幼儿园", lon, lat, "幼儿园")])
    with PlanSession.open(demo) as s:
        floor_min, land_min = s.area_minimum("kindergarten")
        changes = s.import_features("facilities", path, coords="wgs84")
        f = s.plan.feature("facilities", changes.edit.fids[0])
        expected = max(v for v in (land_min, (floor_min or 0) / s.catalogue["kindergarten"].default_floors) if v)
        assert f.geometry.area == pytest.approx(expected, rel=1e-6)
        assert f["status"] == "existing"


def test_other_headers_by_mapping_and_an_amap_location_column(demo, tmp_path):
    (_, _, lon, lat), = places(demo, 1)
    glon, glat = wgs_to_gcj(lon, lat)
    odd = write_csv(tmp_path / "odd.csv", ["设施", "东经", "北纬", "种类"], [("某诊所", glon, glat, "诊所")])
    r = cli("import", demo, "--layer", "facilities", odd, "--coords", "gcj02")
    assert r.returncode == 2 and ("经度" in r.stderr or "longitude" in r.stderr)
    r = cli("import", demo, "--layer", "facilities", odd, "--coords", "gcj02", "--lon-column", "东经",
            "--lat-column", "北纬", "--name-column", "设施", "--type-column", "种类")
    assert r.returncode == 0, r.stderr
    amap = write_csv(tmp_path / "amap.csv", ["name", "location", "type"], [("某超市", f"{glon},{glat}", "购物服务;超级市场")])
    r = cli("import", demo, "--layer", "facilities", amap, "--coords", "gcj02")
    assert r.returncode == 0, r.stderr
    got, epsg = imported(demo, "facilities")
    assert sorted((f["name"], f["type"]) for f in got) == [("某诊所", "clinic"), ("某超市", "supermarket")]
    to_wgs = Transformer.from_crs(epsg, 4326, always_xy=True)
    for f in got:
        c = f.geometry.centroid
        assert GEOD.inv(*to_wgs.transform(c.x, c.y), lon, lat)[2] < 0.5


@pytest.mark.parametrize("header, rows, words", [
    (["名称", "地址"], [("甲", "四平路")], ("经度", "longitude")),
    (["名称", "经度", "纬度", "类型"], [("甲", 31.28, 121.5, "幼儿园")], ("对调", "swapped")),
    (["名称", "经度", "纬度", "类型"], [("甲", 121.5, 131.28, "幼儿园")], ("超出", "out of range")),
    (["名称", "经度", "纬度", "类型"], [("甲", 116.4, 39.9, "幼儿园")], ("很远", "far from the plan")),
    (["名称", "经度", "纬度", "类型"], [("甲", "东经121度", 31.28, "幼儿园")], ("不是数字", "not a number")),
    (["名称", "经度", "纬度", "类型"], [], ("没有数据行", "no rows")),
    (["名称", "经度", "纬度", "类型"], [("甲", 121.5, 31.28, "银行")], ("未识别", "unrecognised")),
])
def test_bad_input_is_one_sentence_and_the_plan_is_unchanged(demo, tmp_path, header, rows, words):
    path = write_csv(tmp_path / "bad.csv", header, rows)
    digest = sha256(demo)
    r = cli("import", demo, "--layer", "facilities", path, "--coords", "gcj02")
    out = r.stderr + r.stdout
    assert r.returncode == 2
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1
    assert words[0] in out or words[1] in out
    assert sha256(demo) == digest


def test_an_empty_file_and_a_file_that_is_not_text(demo, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(128, 256)) * 4)
    digest = sha256(demo)
    with PlanSession.open(demo) as s:
        with pytest.raises(PlanError, match="empty"):
            s.import_features("facilities", empty, coords="wgs84")
        with pytest.raises(PlanError, match="neither UTF-8 nor GBK"):
            s.import_features("facilities", binary, coords="wgs84")
        with pytest.raises(PlanError, match="facilities or stops"):
            s.import_features("residential", empty, coords="wgs84")
    assert sha256(demo) == digest


def test_a_hundred_thousand_rows(demo, tmp_path):
    (_, _, lon, lat), = places(demo, 1)
    rng = np.random.default_rng(14)
    n = 100_000
    lons, lats = lon + rng.uniform(-0.01, 0.01, n), lat + rng.uniform(-0.01, 0.01, n)
    kinds = np.array(["便利店", "餐饮服务;中餐厅;中餐厅", "生活服务;美容美发店", "金融保险服务;银行"])[rng.integers(0, 4, n)]
    path = write_csv(tmp_path / "big.csv", ["名称", "经度", "纬度", "类型"],
                     [(f"点{i}", f"{x:.7f}", f"{y:.7f}", k) for i, (x, y, k) in enumerate(zip(lons, lats, kinds))])
    with PlanSession.open(demo) as s:
        changes = s.import_features("facilities", path, coords="gcj02")
        banks = int((kinds == "金融保险服务;银行").sum())
        assert len(changes.edit.fids) == n - banks
        assert changes.edit.record["unrecognised"] == {"金融保险服务;银行": banks}


def test_rows_without_coordinates_are_left_out_and_listed_not_the_whole_file(demo, tmp_path):
    # Map services' exports often hold a few rows with a blank or unreadable location: the others
    # come in, and the planner is told which lines did not.
    (_, _, lon1, lat1), (_, _, lon2, lat2) = places(demo, n=2)
    path = write_csv(tmp_path / "gaps.csv", ["名称", "经度", "纬度", "类型"],
                     [("甲幼儿园", lon1, lat1, "幼儿园"), ("乙幼儿园", "", "", "幼儿园"),
                      ("丙幼儿园", "未知", lat2, "幼儿园"), ("丁幼儿园", lon2, lat2, "幼儿园")])
    before = PlanSession.open(demo)
    n = before.plan.count("facilities", "base")
    before.close()
    r = cli("import", demo, "--layer", "facilities", path, "--coords", "wgs84")
    assert r.returncode == 0, r.stderr
    assert "skipped: 2 rows without usable coordinates (lines 3, 4)" in r.stdout
    with PlanSession.open(demo) as s:
        names = {f.get("name") for f in s.plan.features("facilities", "base")}
        assert s.plan.count("facilities", "base") == n + 2
        assert {"甲幼儿园", "丁幼儿园"} <= names and not {"乙幼儿园", "丙幼儿园"} & names

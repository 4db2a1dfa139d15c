"""Rebuild resources/demo/siping.gpkg from the real OSM extract of Siping, Yangpu, Shanghai.

    python scripts/build_demo.py [--osm PATH] [--out PATH]

Real streets, compounds and POIs (© OpenStreetMap contributors, ODbL 1.0), and a drawn community
boundary (社区范围) around the residential compounds inside the extract's bounds. Nothing else is
invented in the base scenario: validating it tells what the real data says (e.g. no kindergarten in
the extract). A second scenario, 规划方案, is what a planner would propose (issue 13's before/after):
a copy of base plus the facilities the failing required rules ask for, each on a real site of the
extract — an OSM building, land-use parcel or residential compound (PLANNED below says why each).
Facility types come from the catalogue's osm mapping (docs/import.md §5), so run this after changing
it; run as a script it also rewrites the mapping table of docs/import.md from the catalogue.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402
from shapely.geometry import box  # noqa: E402

from lifecircle_desktop.model import Plan  # noqa: E402
from lifecircle_desktop.model.session import PlanSession  # noqa: E402
from lifecircle_desktop.model.store import remove_plan_file  # noqa: E402
from lifecircle_desktop.model.crs import transformer  # noqa: E402
from lifecircle_desktop.model.catalogue import load_catalogue  # noqa: E402
from lifecircle_desktop.model.io.osm import import_osm  # noqa: E402
from lifecircle_desktop.model.io.osm_mapping import write_table  # noqa: E402

OSM = ROOT.parent / "shared" / "data" / "real" / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"
OUT = ROOT / "resources" / "demo" / "siping.gpkg"
IMPORT_DOC = ROOT / "docs" / "import.md"
# The extract's <bounds> (README of the data): what the export was cut for.
BOUNDS_LONLAT = (121.49149, 31.28090, 121.50325, 31.28945)


def build(osm: Path = OSM, out: Path = OUT) -> Path:
    tmp = out.with_name(out.name + ".building")
    remove_plan_file(tmp)
    plan = Plan.create(tmp, "四平路街道·同济社区（示范）Siping demo", 32651, kind="existing",
                       district="杨浦区", subdistrict="四平路街道")
    import_osm(plan, osm)
    # The community boundary: around the homes whose footprint lies inside the extract's bounds.
    t = transformer(4326, plan.epsg)
    x0, y0 = t.transform(BOUNDS_LONLAT[0], BOUNDS_LONLAT[1])
    x1, y1 = t.transform(BOUNDS_LONLAT[2], BOUNDS_LONLAT[3])
    extent = box(x0, y0, x1, y1)
    homes = [f.geometry for f in plan.features("residential") if extent.contains(f.geometry.representative_point())]
    boundary = shapely.union_all([h.buffer(25, join_style="mitre") for h in homes]).convex_hull.intersection(extent)
    boundary = shapely.set_precision(boundary, 0.01)
    session = PlanSession(plan)
    session.add("planning_units", boundary, kind="community", name="同济社区（示范范围）")
    # 上海区位类别: the community lies south of 中山北二路's 内环高架路 (in the extract), on the city
    # centre's side of the Inner Ring — 内环内. Rules for one part of Shanghai then apply (issue 11).
    session.set_setting("area_class", "inner_ring")
    add_planned_scenario(session)
    session.close()
    out.unlink(missing_ok=True)
    os.replace(tmp, out)
    return out


PLANNED_SCENARIO = "规划方案"
YEAR = 2027  # the annual project list (项目实施清单) the proposals belong to

# What the planner adds, on which real site (OSM id of a base-map building or land-use parcel, or a
# residential compound for the small things that stand inside one), and why there. The sites west of
# the campus, along 密云路 and 伊敏河路, are the ordinary (unnamed, not university) buildings between
# the 密云路 and 巴林 compounds and the campus dormitories: one facility there reaches 65–72 % of the
# community's households within a 10-minute walk (667 m), the most any site reaches — the east of
# the unit is campus, and 18 % of its households reach no site at all. Types and figures: the
# required rules the base scenario fails (lifecircle validate), each facility sized to its area rule.
# (site, type, name, attributes)
PLANNED = (
    # 社区综合服务站 ≥ 800 m² (完整居住社区建设指南 2.3 第1项): a 1,100 m² unnamed building between the
    # 密云路 homes and the campus dormitories, 2 floors → 2,200 m²; the most central site of the west.
    ("way/436877300", "community_service_station", "同济社区综合服务站", dict(floors=2, construction="rebuild")),
    # 社区综合为老服务中心 (沪 15 分钟养老服务圈"1"): the 1,000 m² building on 密云路's side, 3 floors,
    # next to the 密云路 homes where most older residents of the unit live.
    ("way/436877324", "elderly_care_center", "四平社区综合为老服务中心", dict(floors=3, construction="rebuild")),
    # 老年服务站 ("N" points): the small building beside 密云路 that reaches the most households
    # within 10 minutes (72 %) and within the 500 m an older person walks in 10 minutes (56 %).
    ("way/189248345", "elderly_service_station", "密云路老年服务站", dict(floors=1, construction="rebuild")),
    # 社区卫生服务站 ≥ 120 m², ≤ 4 floors: a 690 m² building in the same group, 2 floors.
    ("way/387456861", "health_station", "同济社区卫生服务站", dict(floors=2, construction="rebuild")),
    # 幼儿园 ≥ 3,500 m² of land, ≥ 2,200 m², ≥ 6 classes (建设指南 2.3 第2项): the only vacant
    # land large enough, the 6,500 m² construction site south of the 密云路 buildings; a new
    # 9-class kindergarten of 3 floors, with its own playground on the site.
    ("way/436877314", "kindergarten", "同济社区幼儿园", dict(floors=3, floor_area=3000.0, classes=9,
                                                          construction="new")),
    # 托儿所 ≥ 200 m²: the ground floor of the 1,180 m² building next to the kindergarten site.
    ("way/189248346", "nursery", "同济社区托育园", dict(floors=1, floor_area=600.0, classes=4, construction="rebuild")),
    # 宝宝屋 (上海 中心城区街镇覆盖): a 365 m² building beside the 巴林 compounds.
    ("way/436877294", "baby_house", "四平宝宝屋", dict(floors=1, construction="rebuild")),
    # 社区食堂（长者食堂）: a 1,070 m² single-storey building in the 密云路 group, near the elderly centre.
    ("way/387456859", "community_canteen", "同济社区长者食堂", dict(floors=1, construction="rebuild")),
    # 菜市场 (recommended: older people within 10 minutes; none in the extract): the 590 m² building
    # that brings 54 % of the households within 500 m.
    ("way/387456860", "fresh_market", "密云路菜市场", dict(floors=1, construction="rebuild")),
    # 邮政快递末端综合服务站: the campus's existing 菜鸟驿站 (OSM names it), opened to the community.
    ("way/183964058", "express_station", "同济菜鸟驿站（社区综合服务站点）", dict(floors=1, construction="rebuild")),
    # 药店、维修点、家政服务网点 (便民商业网点, 建设指南 2.3 第8项): street-front buildings on 密云路 beside
    # 密云大厦 and 石油大厦, where the shops of the west side are.
    ("way/729113579", "pharmacy", "密云路药店", dict(floors=1, construction="rebuild")),
    ("way/729113578", "repair_point", "密云路便民维修点", dict(floors=1, construction="rebuild")),
    ("way/1093112851", "housekeeping", "四平家政服务点", dict(floors=1, construction="rebuild")),
    # 公共厕所 ≥ 30 m² (建设指南 2.3 第13项): a small 2-level building 15 m from the dormitories.
    ("way/1466443147", "public_toilet", "同济社区公共厕所", dict(floors=1, floor_area=60.0, construction="rebuild")),
    # 非机动车停车棚: the low building inside the 密云路 compound.
    ("way/436877326", "bicycle_parking", "密云路非机动车停车棚", dict(floors=1, construction="rebuild")),
    # 公共活动场地 ≥ 150 m² (建设指南 2.3 第14项): the 770 m² lawn between the dormitories, the site
    # that brings the most households within an older person's 10 minutes.
    ("way/189478401", "activity_ground", "同济社区健身场地", dict(construction="rebuild")),
    # 口袋公园 on leftover land (既有社区, 建设指南 2.3 第15项): the 1,050 m² wooded corner between the
    # dormitories and the sports fields, inside the community (the wooded strips by 密云路 lie
    # outside its boundary).
    ("way/1429463173", "pocket_park", "同济社区口袋公园", dict(construction="rebuild")),
)
# Small things that stand inside a residential compound (OSM landuse=residential): a footprint of
# (width, depth) metres at the compound's representative point. 智能快递箱 (with the 菜鸟驿站: the
# "多个" postal facilities, 2.3 第7项) and two 垃圾分类收集点 ("多处", 2.3 第13项).
IN_COMPOUND = (
    ("way/1385162453", "parcel_locker", "巴林小区智能快递柜", (3.0, 1.0)),
    ("way/433248140", "waste_sorting_point", "密云路454弄垃圾分类投放点", (6.0, 4.0)),
    ("way/1385162453", "waste_sorting_point", "伊敏河路50弄垃圾分类投放点", (6.0, 4.0)),
)
# The comprehensive service facilities whose floor area is mostly residents' space (sh_resident_activity_share).
RESIDENT_SPACES = ("community_service_station", "elderly_care_center", "elderly_service_station", "baby_house",
                   "community_canteen")
BODIES = {"kindergarten": "杨浦区教育局", "nursery": "杨浦区教育局", "health_station": "杨浦区卫生健康委员会",
          "elderly_care_center": "杨浦区民政局", "elderly_service_station": "杨浦区民政局",
          "community_canteen": "杨浦区民政局", "waste_sorting_point": "杨浦区绿化和市容管理局",
          "public_toilet": "杨浦区绿化和市容管理局", "pocket_park": "杨浦区绿化和市容管理局"}


def add_planned_scenario(session: PlanSession) -> None:
    """The scenario 规划方案: base plus PLANNED and IN_COMPOUND, then back to base."""
    plan = session.plan
    by_osm = {f.get("osm_id"): f for layer in ("basemap_buildings", "basemap_landuse", "residential")
              for f in plan.features(layer, "base" if layer == "residential" else None)}
    session.create_scenario(PLANNED_SCENARIO, copy_from="base")
    for osm_id, facility_type, name, attributes in PLANNED:
        site = by_osm[osm_id]
        session.add("facilities", site.geometry, type=facility_type, name=name, status="planned",
                    **_project(facility_type, name, site, attributes))
    for osm_id, facility_type, name, (w, d) in IN_COMPOUND:
        compound = by_osm[osm_id]
        p = compound.geometry.representative_point()
        if facility_type == "waste_sorting_point" and sum(1 for o, t, *_ in IN_COMPOUND if o == osm_id) > 1:
            p = shapely.Point(p.x + 15.0, p.y)  # beside the compound's locker, not on it
        footprint = box(p.x - w / 2, p.y - d / 2, p.x + w / 2, p.y + d / 2)
        session.add("facilities", footprint, type=facility_type, name=name, status="planned", floors=1,
                    **_project(facility_type, name, compound, dict(construction="new")))
    session.switch_scenario("base")


def _project(facility_type: str, name: str, site, attributes: dict) -> dict:
    if facility_type in RESIDENT_SPACES:
        # 上海 "十四五" 社区服务规划 专栏1: 居民活动区域 ≥ 60% of a comprehensive service facility; the
        # planner's brief for these buildings asks for two thirds.
        floors = attributes.get("floors", 1)
        attributes = dict(attributes, activity_area=round(attributes.get("floor_area", site.geometry.area * floors)
                                                          * 2 / 3))
    word = "新建" if attributes.get("construction") == "new" else "改建"
    where = site.get("name") or f"OSM {site.get('osm_id')}"
    return dict(attributes, year=YEAR, implementing_body=BODIES.get(facility_type, "四平路街道办事处"),
                project_content=f"{word}{name}（{where}）", source="drawn")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osm", type=Path, default=OSM)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    print(build(a.osm, a.out))
    if write_table(IMPORT_DOC, load_catalogue()):
        print(f"{IMPORT_DOC}: OSM mapping table rewritten from the catalogue")

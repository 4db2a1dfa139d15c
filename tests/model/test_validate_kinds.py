"""Each evaluator kind (model/rules/<kind>.py) on a small grid plan and one rule written as a pack
author would write it: the status, the measured value and the words a planner reads."""
import json
import math
from dataclasses import replace

import pytest
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, DeleteFeature, Plan
from lifecircle_desktop.model.rules import EVALUATORS, load_pack
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import validate
from tests.model.planbuilder import facility, grid_plan, home

# The source's word for each severity (the loader checks that a rule's severity is its quote's).
CITATION = {"document": "《测试标准》", "clause": "第1条", "text": "应；宜；鼓励"}
MODAL = {"required": "应", "recommended": "宜", "informative": "鼓励"}


def toml(value) -> str:
    """A value as TOML (inline tables and arrays; JSON strings and numbers are TOML too)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def judge(plan, kind, params, threshold, *, unit="m2", severity="required", tier=None, confidence="high",
          applies_to=None, **snapshot_fields):
    """The finding of one rule of ``kind`` on ``plan`` (an existing community), loaded through the
    real pack loader so the rule is checked as a shipped one would be."""
    rule = dict(id="r", name_zh="规则", name_en="Rule", kind=kind, severity=severity, modal=MODAL[severity],
                confidence=confidence, unit=unit, params=params, threshold={"existing": threshold}, citation=CITATION)
    if tier:
        rule["tier"] = tier
    if applies_to:
        rule["applies_to"] = applies_to
    text = '[pack]\nid = "test"\n\n[[rule]]\n' + "".join(f"{k} = {toml(v)}\n" for k, v in rule.items())
    pack = load_pack("test.toml", text=text)
    snapshot = replace(take_snapshot(plan), rule_packs=("test",), **snapshot_fields)
    (finding,) = validate(snapshot, [pack]).findings
    return finding


def unit(plan, bounds, kind="community", **attrs):
    return plan.apply(AddFeature("planning_units", box(*bounds), {"kind": kind, **attrs})).edit.fid


@pytest.fixture
def grid(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg")
    yield plan
    plan.close()


def test_every_kind_has_an_evaluator_named_after_its_module():
    assert set(EVALUATORS) == {"presence", "facility_area", "ratio", "walk_coverage", "scale", "manual",
                               "capacity_coverage"}
    for kind, evaluate in EVALUATORS.items():
        assert evaluate.__module__.endswith(f".rules.{kind}")


# --- presence --------------------------------------------------------------------------------------

def test_presence_with_a_band_counts_too_many_as_not_met(grid):
    for x in (100, 200, 300):
        facility(grid, "kindergarten", x, 100)
    f = judge(grid, "presence", {"types": ["kindergarten"]}, {"min": 1, "max": 2}, unit="count")
    assert (f.status, f.measured, f.threshold, f.threshold_max) == ("fail", 3, 1, 2)
    assert f.message_zh == "规则：幼儿园 3 处，要求1–2 处，未达标"


# --- facility_area ---------------------------------------------------------------------------------

def test_facility_area_require_any_one_large_enough_suffices(grid):
    small = facility(grid, "residential_park", 100, 100, w=20, h=20)  # 400 m² site
    large = facility(grid, "residential_park", 300, 300, w=90, h=80)  # 7200 m²
    params = {"facility_type": "residential_park", "measure": "land_area"}
    each = judge(grid, "facility_area", params, {"min": 4000})
    assert (each.status, each.measured, each.features) == ("fail", 400, (("facilities", small),))
    assert "1/2 处不足" in each.message_zh
    anyone = judge(grid, "facility_area", {**params, "require": "any"}, {"min": 4000})
    assert (anyone.status, anyone.measured, anyone.features) == ("pass", 7200, (("facilities", large),))


def test_facility_area_alternative_two_convenience_stores_instead_of_a_supermarket(grid):
    # seed 003 标准表 item 6: a supermarket ≥ 300 m², or 2–3 convenience stores of 50–100 m².
    facility(grid, "supermarket", 200, 200, w=10, h=10, floors=1)  # 100 m² < 300
    stores = [facility(grid, "convenience_store", x, 100, w=10, h=8, floors=1) for x in (100, 300)]  # 80 m² each
    facility(grid, "convenience_store", 400, 100, w=20, h=20, floors=1)  # 400 m²: outside the band
    params = {"facility_type": "supermarket", "measure": "floor_area",
              "alternatives": [{"types": ["convenience_store"], "min_count": 2, "max_count": 3, "min": 50, "max": 100}]}
    f = judge(grid, "facility_area", params, {"min": 300})
    assert (f.status, f.measured, f.threshold, f.threshold_max) == ("pass", 2, 2, 3)
    assert f.features == tuple(("facilities", s) for s in stores)
    assert f.message_zh == "规则：以 2 处便利店（50–100 平方米）替代（原文 2–3 处），达标"
    # Four stores in the band: more than the source's 2–3 — a note to check, not a silent pass.
    more = [facility(grid, "convenience_store", x, 300, w=10, h=8, floors=1) for x in (100, 300)]
    f = judge(grid, "facility_area", params, {"min": 300})
    assert (f.status, f.measured) == ("warn", 4)
    assert "多于原文替代方案的 2–3 处" in f.message_zh
    for fid in more:
        grid.apply(DeleteFeature.of(grid, "facilities", fid))
    grid.apply(ChangeAttributes.of(grid, "facilities", stores[0], floors=2))  # 160 m²: one store left in the band
    f = judge(grid, "facility_area", params, {"min": 300})
    assert (f.status, f.measured) == ("fail", 100)


def test_facility_area_counts_only_facilities_in_the_planning_unit(grid):
    facility(grid, "kindergarten", 100, 100, w=20, h=20, floors=1)  # 400 m², inside
    facility(grid, "kindergarten", 400, 400, w=60, h=60, floors=1)  # 3600 m², outside the unit
    unit(grid, (0, 0, 250, 250))
    f = judge(grid, "facility_area", {"facility_type": "kindergarten", "measure": "floor_area"}, {"max": 500})
    assert (f.status, f.measured, f.threshold, f.threshold_max) == ("pass", 400, 500, None)
    assert "要求 ≤ 500 平方米" in f.message_zh


# --- ratio -----------------------------------------------------------------------------------------

def test_ratio_over_the_unit_land_area_and_its_population(grid):
    home(grid, 0, 0, households=100)  # 230 residents
    facility(grid, "community_park", 200, 200, w=50, h=40)  # 2000 m² site
    green = {"numerator": {"measure": "land_area", "types": ["community_park"]},
             "denominator": {"measure": "land_area", "layer": "unit"}, "scale": 100}
    f = judge(grid, "ratio", green, {"min": 10}, unit="%")
    assert f.status == "n/a" and f.message_en == "Rule: cannot be computed: the unit has no land area"  # no unit drawn
    unit(grid, (0, 0, 250, 200))  # 5 ha
    f = judge(grid, "ratio", green, {"min": 10}, unit="%")
    assert (f.status, f.measured) == ("fail", 4.0)
    assert f.message_zh.startswith("规则：用地面积 2000 平方米 / 规划单元用地面积 50000 平方米，实测 4%")
    per_person = {"numerator": {"measure": "land_area", "types": ["community_park"]},
                  "denominator": {"measure": "population", "layer": "unit"}}
    f = judge(grid, "ratio", per_person, {"min": 1}, unit="m2/person")
    assert f.measured == pytest.approx(2000 / 230, abs=1e-3) and f.status == "pass"


# --- walk_coverage ---------------------------------------------------------------------------------

def test_walk_coverage_without_homes_has_nothing_to_measure(grid):
    facility(grid, "kindergarten", 100, 100)
    f = judge(grid, "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": 300}, {"min": 100}, unit="%")
    assert (f.status, f.measured, f.limit_m) == ("n/a", None, 300)
    assert f.message_zh == "规则：没有住宅"


def test_walk_coverage_without_a_network_is_straight_line_times_1_3_and_says_so(tmp_path):
    plan = Plan.create(tmp_path / "bare.gpkg", "无路网", 32651, kind="existing")
    home(plan, 100, 0, households=300)  # centroid (121, 21): 100 m straight, 130 m with the detour
    beyond, _ = home(plan, 0, 0, households=100)  # centroid (21, 21): 200 m straight, 260 m > 250
    facility(plan, "kindergarten", 221, 21)  # its entrance
    f = judge(plan, "walk_coverage", {"facility_types": ["kindergarten"], "limit_min": 5, "profile": "elderly"},
              {"min": 100}, unit="%", severity="recommended")
    plan.close()
    assert f.approximate and f.limit_m == pytest.approx(250.0)  # 5 min at the elderly 3 km/h
    assert (f.status, f.measured, f.features) == ("warn", 75.0, (("residential", beyond),))
    assert "（直线距离×1.3 估算）" in f.message_zh
    assert "老年人步行 5 分钟（3 千米/小时，约 250 米）内" in f.message_zh


# --- scale -----------------------------------------------------------------------------------------

def test_scale_population_of_the_unit_sums_its_homes_unless_the_unit_gives_its_own(grid):
    home(grid, 0, 0, households=300)  # 690 residents, inside
    home(grid, 400, 400, households=100)  # outside
    f = judge(grid, "scale", {"measure": "population"}, {"min": 1000}, unit="persons")
    assert f.status == "n/a" and f.message_zh == "规则：未绘制社区规划单元"
    fid = unit(grid, (-10, -10, 200, 200))
    f = judge(grid, "scale", {"measure": "population"}, {"min": 1000}, unit="persons")
    assert (f.status, f.measured, f.features) == ("fail", 690, (("planning_units", fid),))
    grid.apply(ChangeAttributes.of(grid, "planning_units", fid, population=5000))  # the census figure
    f = judge(grid, "scale", {"measure": "population"}, {"min": 1000}, unit="persons")
    assert (f.status, f.measured) == ("pass", 5000)


def test_scale_area_and_radius_of_a_unit_drawn_in_two_parts(grid):
    first = unit(grid, (0, 0, 200, 100), kind="5min")
    second = unit(grid, (0, 100, 200, 200), kind="5min")  # together 4 ha
    area = judge(grid, "scale", {"measure": "area_ha"}, {"min": 2, "max": 5}, unit="ha", tier="5min")
    assert (area.status, area.measured) == ("pass", 4)
    assert area.features == (("planning_units", first), ("planning_units", second))
    assert area.message_zh == "规则：实测 4 公顷，要求 2–5 公顷，达标"
    radius = judge(grid, "scale", {"measure": "radius_m"}, {"max": 100}, unit="m", tier="5min")
    assert radius.measured == pytest.approx(math.sqrt(40_000 / math.pi), abs=1e-3)
    assert radius.status == "fail" and radius.message_zh == "规则：规划单元等效圆半径（非步行距离）实测 113 米，要求 ≤ 100 米，未达标"


# --- a district's own threshold ---------------------------------------------------------------------

def test_a_district_limit_replaces_the_packs_and_is_said(grid):
    home(grid, 0, 0, households=100, gates=[(0, 0)])
    facility(grid, "kindergarten", 300, 0)  # 300 m along the street
    params = {"facility_types": ["kindergarten"], "limit_m": 200}
    assert judge(grid, "walk_coverage", params, {"min": 100}, unit="%").status == "fail"
    f = judge(grid, "walk_coverage", params, {"min": 100}, unit="%",
              overrides={("r", "limit_m"): 300.0, ("r", "no_such_key"): 1.0})
    assert (f.status, f.limit_m, f.overrides) == ("pass", 300, (("limit_m", 300.0),))
    assert f.message_zh.endswith("（区级调整阈值：limit_m = 300）")

"""Issue 11: the standards applied the way the sources say — which rules apply (community class,
Shanghai area class), how strict (the source's modal word, its confidence), on which homes (the
unit the rule names), one verdict per indicator, and the words a reviewer accepts. Small plans
built here; the Siping demo is checked in test_demo_fidelity.py."""
from dataclasses import replace

import pytest
from shapely.geometry import LineString, box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, Plan, SetOverride
from lifecircle_desktop.model.findings import Results
from lifecircle_desktop.model.rules import RulePackError, load_pack
from lifecircle_desktop.model.rules.common import citation_words
from lifecircle_desktop.model.settings import DEFAULTS, resolved
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import validate
from tests.model.planbuilder import facility, grid_plan, home
from tests.model.test_validate_kinds import toml, unit

TEXT = "应；宜；鼓励"
MODAL = {"required": "应", "recommended": "宜", "informative": "鼓励"}


def rule(id="r", kind="presence", params=None, threshold=None, severity="required", **extra) -> dict:
    out = dict(id=id, name_zh=f"规则{id}", name_en=f"Rule {id}", kind=kind, severity=severity,
               modal=MODAL[severity], confidence="high", unit="count",
               params=params or {"types": ["kindergarten"]}, threshold={"existing": threshold or {"min": 1}},
               citation={"document": "《测试标准》", "clause": "第1条", "text": TEXT})
    out.update(extra)
    return out


def pack_text(*rules: dict) -> str:
    return '[pack]\nid = "test"\n' + "".join(
        "\n[[rule]]\n" + "".join(f"{k} = {toml(v)}\n" for k, v in r.items()) for r in rules)


def run(plan, *rules: dict, **settings) -> Results:
    pack = load_pack("test.toml", text=pack_text(*rules))
    snapshot = take_snapshot(plan)
    snapshot = replace(snapshot, rule_packs=("test",), settings=resolved({**snapshot.settings, **settings}))
    return validate(snapshot, [pack])


def one(plan, *rules, **settings):
    return {f.rule: f for f in run(plan, *rules, **settings).findings}


@pytest.fixture
def grid(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg")
    yield plan
    plan.close()


# --- 1. "at least one" is not "every one" -----------------------------------------------------------

def test_one_supermarket_of_300_m2_meets_the_rule_although_three_small_ones_do_not(grid):
    # seed 003 标准表 第6项: "一个综合超市…建筑面积不小于300平方米"
    big = facility(grid, "supermarket", 100, 100, w=20, h=20, floors=1)  # 400 m²
    for x in (200, 300, 400):
        facility(grid, "supermarket", x, 100, w=10, h=10, floors=1)  # 100 m² each
    params = {"facility_type": "supermarket", "measure": "floor_area"}
    got = one(grid, rule("any", "facility_area", {**params, "require": "any"}, {"min": 300}, unit="m2"),
              rule("each", "facility_area", {**params, "require": "each"}, {"min": 300}, unit="m2"),
              rule("total", "facility_area", {**params, "require": "total"}, {"min": 800}, unit="m2"))
    assert (got["any"].status, got["any"].measured, got["any"].features) == ("pass", 400, (("facilities", big),))
    assert got["each"].status == "fail" and "3/4 处不足" in got["each"].message_zh
    assert (got["total"].status, got["total"].measured) == ("fail", 700)  # 400 + 3 × 100 < 800
    assert got["total"].message_zh.startswith("规则total：4 处合计，实测 700 平方米")


def test_a_pack_refuses_an_unknown_reading_of_a_sentence():
    bad = rule("r", "facility_area", {"facility_type": "supermarket", "measure": "floor_area", "require": "most"},
               {"min": 300}, unit="m2")
    with pytest.raises(RulePackError, match="require must be one of each, any, total"):
        load_pack("district.toml", text=pack_text(bad))


# --- 2. precision and block-level rules ---------------------------------------------------------------

def test_a_threshold_keeps_the_sources_precision_and_a_block_rule_is_met_block_by_block(grid):
    # GB 50180-2018 4.0.7: 旧区改建 居住街坊集中绿地 "不应低于0.35㎡/人" — per block, never on the whole plan.
    green = rule("g", "ratio", {"numerator": {"measure": "land_area", "types": ["community_garden"]},
                                "denominator": {"measure": "population", "layer": "residential"}},
                 {"min": 0.35}, unit="m2/person", tier="residential_block")
    home(grid, 0, 0, households=100)  # 230 residents in block A
    home(grid, 200, 0, households=100)  # 230 residents in block B
    facility(grid, "community_garden", 150, 100, w=10, h=10)  # 100 m² in block A only
    found = one(grid, green)["g"]
    assert found.status == "n/a" and "未绘制居住街坊规划单元" in found.message_zh  # not the whole plan
    unit(grid, (-5, -5, 160, 160), kind="block")
    b = unit(grid, (170, -5, 300, 160), kind="block")
    found = one(grid, green)["g"]
    assert (found.status, found.measured, found.features) == ("fail", 0, (("planning_units", b),))
    assert found.message_zh.startswith("1/2 个居住街坊未达标")
    assert "要求 ≥ 0.35 平方米/人" in found.message_zh  # not "≥ 0.3"
    facility(grid, "community_garden", 250, 100, w=10, h=8)  # 80 m² / 230 = 0.348 in block B
    found = one(grid, green)["g"]
    assert found.status == "fail" and "实测 0.347 平方米/人" in found.message_zh  # 80 / 230 = 0.3478: not printed as 0.35
    grid.apply(ChangeAttributes.of(grid, "facilities", found_fid(grid, 250), land_area=81.0))
    found = one(grid, green)["g"]
    assert found.status == "pass" and found.message_zh.startswith("2 个居住街坊均达标")


def found_fid(plan, x):
    return next(f.fid for f in plan.features("facilities") if round(f.geometry.bounds[2]) == x - 1)


# --- 3. rules for one kind of community or one part of Shanghai ---------------------------------------

def test_a_characteristic_community_target_is_na_for_a_basic_community(grid):
    target = rule("c", params={"types": ["pocket_park", "community_garden"]}, modal="至少",
                  applies_to={"community_class": ["characteristic"]},
                  citation={"document": "《上海市完整社区建设实施方案》", "clause": "打造宜居生活环境",
                            "text": "特色类社区内至少有1处口袋公园或社区花园"})
    basic = one(grid, target)["c"]
    assert basic.status == "n/a"
    assert basic.message_zh == "规则c：不适用——仅适用于特色类（本规划社区类别：基础类）"
    characteristic = one(grid, target, community_class="characteristic")["c"]
    assert characteristic.status == "fail" and characteristic.severity == "required"


def test_a_bus_stop_rule_for_inside_the_inner_ring_is_na_elsewhere(grid):
    home(grid, 0, 0)
    stop = rule("b", "walk_coverage", {"facility_types": ["bus_stop"], "limit_m": 300}, {"min": 100}, unit="%",
                applies_to={"area_class": ["inner_ring"]})
    assert "仅适用于内环内（本规划上海区位类别：未设置）" in one(grid, stop)["b"].message_zh
    assert "仅适用于内环内（本规划上海区位类别：上海以外）" in one(grid, stop, area_class="outside_shanghai")["b"].message_zh
    assert one(grid, stop, area_class="between_rings")["b"].status == "n/a"
    assert one(grid, stop, area_class="inner_ring")["b"].status == "fail"


def test_a_pack_refuses_an_unknown_class():
    with pytest.raises(RulePackError, match="applies_to.community_class"):
        load_pack("x.toml", text=pack_text(rule(applies_to={"community_class": ["luxury"]})))


# --- 4. modality from the source's words; confidence ---------------------------------------------------

@pytest.mark.parametrize("severity, modal, text, ok", [
    ("recommended", "为原则", "以居民步行5—10分钟到达幼儿园…为原则", True),
    ("required", "为原则", "以居民步行5—10分钟到达幼儿园…为原则", False),  # the source's word is not 应
    ("informative", "鼓励", "鼓励物业服务企业不断拓展延伸服务内容", True),
    ("required", "应", "既有居住社区应结合边角地…建设口袋公园", True),
    ("recommended", "应", "既有居住社区应结合边角地…建设口袋公园", False),
    ("required", "必须", "既有居住社区应结合边角地", False),  # 必须 is not in the quote
    ("required", "建设标准表", "建筑面积不小于2200平方米", True),
    ("informative", "定义", "步行距离：300—500米", True),
])
def test_the_loader_holds_a_rules_severity_to_its_sources_word(severity, modal, text, ok):
    r = rule(severity=severity, modal=modal, citation={"document": "《指南》", "clause": "2.2节", "text": text})
    if ok:
        assert load_pack("x.toml", text=pack_text(r)).rules[0].modal == modal
    else:
        with pytest.raises(RulePackError, match="modal|severity"):
            load_pack("x.toml", text=pack_text(r))


@pytest.mark.parametrize("clause", ["标准表 item 14", "§2.2 [S003]", "§交通 P_ZENDOG", "seed 003"])
def test_a_citation_with_an_internal_code_is_refused(clause):
    r = rule(citation={"document": "《指南》", "clause": clause, "text": TEXT})
    with pytest.raises(RulePackError, match="internal code"):
        load_pack("x.toml", text=pack_text(r))


def test_a_low_confidence_rule_is_informative_unless_the_district_turns_it_on(grid):
    draft = rule("d", confidence="low")  # e.g. a consultation draft known from a secondary summary
    found = one(grid, draft)["d"]
    assert (found.status, found.severity, found.confidence) == ("warn", "informative", "low")
    grid.apply(SetOverride.of(grid, "d", "enforce", 1.0))
    found = one(grid, draft)["d"]
    assert (found.status, found.severity) == ("fail", "required")
    assert found.to_json()["confidence"] == "low"


# --- 5. walking rules on the homes of the unit they name ----------------------------------------------

def test_walking_rules_count_the_homes_of_the_unit_they_name(grid):
    near, _ = home(grid, 0, 0, households=100)
    far, _ = home(grid, 300, 300, households=100)
    facility(grid, "kindergarten", 0, 0)
    walk = dict(kind="walk_coverage", params={"facility_types": ["kindergarten"], "limit_m": 200},
                threshold={"min": 100}, unit="%")
    community = rule("c", tier="complete_community", **walk)
    fifteen = rule("f", tier="15min", **walk)
    unit(grid, (-5, -5, 150, 150), kind="community")  # only the near home
    unit(grid, (-5, -5, 400, 400), kind="15min")  # both
    got = one(grid, community, fifteen)
    assert (got["c"].status, got["c"].measured) == ("pass", 100)
    assert (got["f"].status, got["f"].measured, got["f"].features) == ("fail", 50, (("residential", far),))


def test_reach_each_counts_a_home_only_when_every_listed_facility_is_within_the_walk(grid):
    # "步行300—500米…到达社区基本公共服务设施": a walking distance, not the unit's equivalent radius.
    home(grid, 0, 0, households=100)
    facility(grid, "kindergarten", 100, 0)
    facility(grid, "elderly_service_station", 400, 400)
    params = {"facility_types": ["kindergarten", "elderly_service_station"], "limit_m": 500}
    got = one(grid, rule("any", "walk_coverage", params, {"min": 100}, unit="%"),
              rule("each", "walk_coverage", {**params, "reach": "each"}, {"min": 100}, unit="%"))
    assert got["any"].measured == 100 and got["each"].measured == 0
    assert "幼儿园及老年服务站" in got["each"].message_zh


# --- 6. one verdict per indicator ------------------------------------------------------------------------

def test_readings_of_one_indicator_count_once_with_the_most_binding_applied(grid):
    home(grid, 300, 300, households=100)
    facility(grid, "kindergarten", 0, 0)
    walk = dict(kind="walk_coverage", unit="%", threshold={"min": 100}, group="kindergarten_access")
    rules = [rule("m10", params={"facility_types": ["kindergarten"], "limit_m": 667}, severity="recommended", **walk),
             rule("m5", params={"facility_types": ["kindergarten"], "limit_m": 300}, severity="required", **walk),
             rule("r3", params={"facility_types": ["kindergarten"], "limit_m": 500}, severity="required",
                  confidence="low", **walk)]
    results = run(grid, *rules)
    by_id = {f.rule: f for f in results.findings}
    assert by_id["m5"].applied and by_id["m5"].alternatives == ("m10", "r3")
    assert not by_id["m10"].applied and not by_id["r3"].applied
    assert results.summary()["required_failed"] == 1 and results.summary()["warn"] == 0
    assert results.groups() == [{"group": "kindergarten_access", "applied": "m5", "status": "fail",
                                 "alternatives": ["m10", "r3"]}]
    assert by_id["m10"].to_json()["applied"] is False


# --- 7. hidden defaults are plan settings --------------------------------------------------------------

def test_walking_speed_and_persons_per_household_come_from_the_plans_settings(grid):
    home(grid, 0, 0, households=100)
    facility(grid, "kindergarten", 300, 0)  # 300 m along the street from the home's corner
    walk = rule("w", "walk_coverage", {"facility_types": ["kindergarten"], "limit_min": 5, "profile": "adult"},
                {"min": 100}, unit="%")
    assert one(grid, walk)["w"].limit_m == pytest.approx(4.0 / 60 * 5 * 1000)  # 333 m: met
    slow = one(grid, walk, speed_adult_kmh=3.0)["w"]
    assert slow.limit_m == pytest.approx(250.0) and slow.status == "fail"
    assert "（3 千米/小时，约 250 米）" in slow.message_zh
    people = rule("p", "scale", {"measure": "population"}, {"min": 1}, unit="persons")
    unit(grid, (-5, -5, 150, 150))
    assert one(grid, people)["p"].measured == pytest.approx(230)
    assert one(grid, people, persons_per_household=3.0)["p"].measured == pytest.approx(300)


def test_a_finding_that_rests_on_estimated_households_says_how_many(grid):
    given, _ = home(grid, 0, 0, households=100)
    guessed = grid.apply(AddFeature("residential", box(201, 1, 241, 41), {"floor_area": 9000.0})).edit.fid
    facility(grid, "kindergarten", 0, 0)
    walk = rule("w", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": 1000}, {"min": 100}, unit="%")
    found = one(grid, walk)["w"]
    assert found.estimated == (1, 2)
    assert "1/2 处住宅的户数为估算" in found.message_zh and "1 of 2 homes have estimated households" in found.message_en
    grid.apply(ChangeAttributes.of(grid, "residential", guessed, households=100.0))
    assert one(grid, walk)["w"].estimated is None
    assert given != guessed


def test_a_home_far_from_the_network_is_flagged_and_counted(grid):
    home(grid, 0, 0, households=100)
    far = grid.apply(AddFeature("residential", box(600, 600, 640, 640), {"households": 50.0})).edit.fid  # ~140 m off
    facility(grid, "kindergarten", 0, 0)
    walk = rule("w", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": 2000}, {"min": 100}, unit="%")
    results = run(grid, walk)
    (found,) = results.findings
    assert found.long_connectors == 1 and "1 处住宅距步行路网超过 100 米" in found.message_zh
    assert results.connector_m(far) == pytest.approx(((600 - 400) ** 2 + (600 - 400) ** 2) ** 0.5)
    assert run(grid, walk, connector_limit_m=300.0).findings[0].long_connectors == 0


# --- 8. words a reviewer accepts -------------------------------------------------------------------------

def test_chinese_messages_carry_chinese_units_and_citations_carry_the_documents_words(grid):
    home(grid, 0, 0, households=100)
    facility(grid, "community_service_station", 100, 100, w=10, h=10, floors=1)
    ratio = rule("a", "ratio", {"numerator": {"measure": "floor_area", "types": ["community_service_station"]},
                                "denominator": {"measure": "households", "layer": "residential"}, "scale": 100},
                 {"min": 30}, unit="m2/100 households")
    parking = rule("p", "ratio", {"numerator": {"measure": "accessible_spaces", "types": ["parking"]},
                                  "denominator": {"measure": "parking_spaces", "types": ["parking"]}, "scale": 100},
                   {"min": 1}, unit="%")
    got = one(grid, ratio, parking)
    assert got["a"].message_zh == "规则a：建筑面积 100 平方米 / 住户 100 户，实测 100 平方米/百户，要求 ≥ 30 平方米/百户，达标"
    assert got["a"].message_en == ("Rule a: floor area 100 m² / 100 households; measured 100 m² per 100 "
                                   "households, meets ≥ 30 m² per 100 households")
    # the base it has, not "没有住户或面积"
    assert got["p"].message_zh == "规则p：无法计算：规划单元内没有机动车停车场（库）的停车位"
    assert citation_words({"document": "《完整居住社区建设指南》", "clause": "标准表 第14项", "text": "至少有一片"}) == \
        "《完整居住社区建设指南》 标准表 第14项：“至少有一片”"


def test_a_pack_refuses_a_unit_nobody_can_read():
    with pytest.raises(RulePackError, match="unknown unit"):
        load_pack("x.toml", text=pack_text(rule(unit="m2/100hh")))


# --- 10. what the plan holds is computed, not asked ------------------------------------------------------

def test_classes_beds_floors_and_width_are_measured_on_each_facility(grid):
    facility(grid, "kindergarten", 100, 100, w=40, h=30, floors=4, classes=6)
    facility(grid, "elderly_care_center", 300, 100, w=30, h=30, beds=80)
    strip = grid.apply(AddFeature("facilities", LineString([(0, 450), (120, 450)]).buffer(4, cap_style="flat"),
                                  {"type": "community_garden"})).edit.fid
    got = one(grid,
              rule("classes", "facility_area", {"facility_type": "kindergarten", "measure": "classes", "require": "any"},
                   {"min": 6}, unit="classes"),
              rule("floors", "facility_area", {"facility_type": "kindergarten", "measure": "floors"},
                   {"max": 3}, unit="storeys"),
              rule("beds", "facility_area", {"facility_type": "elderly_care_center", "measure": "beds",
                                             "require": "any"}, {"min": 100}, unit="beds"),
              rule("width", "facility_area", {"facility_type": "community_garden", "measure": "width"},
                   {"min": 8}, unit="m"))
    assert (got["classes"].status, got["classes"].measured) == ("pass", 6)
    assert (got["floors"].status, got["floors"].measured) == ("fail", 4) and "层" in got["floors"].message_zh
    assert (got["beds"].status, got["beds"].measured) == ("fail", 80) and "张床位" in got["beds"].message_zh
    assert (got["width"].status, got["width"].measured, got["width"].features) == ("pass", 8, (("facilities", strip),))


def test_settings_default_when_the_plan_sets_none(tmp_path):
    plan = Plan.create(tmp_path / "p.gpkg", "空", 32651)
    assert dict(take_snapshot(plan).settings) == dict(DEFAULTS)
    plan.close()


def test_the_district_turns_a_low_confidence_rule_on_through_the_session_and_the_cli(tmp_path):
    import contextlib
    import io
    import shutil

    from lifecircle_desktop.cli import main
    from lifecircle_desktop.model.errors import PlanError
    from lifecircle_desktop.model.resources import DEMO_PLAN
    from lifecircle_desktop.model.session import PlanSession
    path = tmp_path / "demo.gpkg"
    shutil.copy(DEMO_PLAN, path)
    with PlanSession.open(path) as session:
        low = next(r.id for p in session.enabled_packs() for r in p.rules
                   if r.confidence == "low" and r.severity == "required" and not r.applies_to)
        before = {f.rule: f for f in session.validate().findings}[low]
        assert before.severity == "informative" and before.status != "fail"
        session.apply(session.enforce_edit(low, True))
        after = {f.rule: f for f in session.validate().findings}[low]
        assert after.severity == "required" and "（区级要求执行）" in after.message_zh
        assert session.enforce_edit(low, True) is None  # already on: nothing to do
        session.undo()
        assert not session.enforced(low)
        with pytest.raises(PlanError, match="not from a low-confidence source"):
            session.enforce_edit("cc_kindergarten_sunlight", True)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["settings", str(path), "--enforce", low, "--format", "json"]) == 0
    assert json_of(out)["enforced"] == [low]
    with PlanSession.open(path) as session:
        assert session.enforced(low)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["settings", str(path), "--no-enforce", low]) == 0
        assert main(["settings", str(path), "--enforce", "cc_kindergarten_sunlight"]) == 2
    with PlanSession.open(path) as session:
        assert not session.enforced(low)


def json_of(out) -> dict:
    import json
    return json.loads(out.getvalue())


def test_a_group_applies_the_reading_written_for_this_kind_of_community(grid):
    # GB 50180-2018 4.0.7: 新区建设 0.5, 旧区改建 0.35 m²/person; no block is drawn, so neither is measured —
    # the group shows the existing community's reading, not the new-build one.
    green = dict(kind="ratio", unit="m2/person", tier="residential_block", group="green_block",
                 params={"numerator": {"measure": "land_area", "types": ["community_garden"]},
                         "denominator": {"measure": "population", "layer": "residential"}})
    new = rule("new", threshold={"min": 0.5}, **green)
    new["threshold"] = {"new_build": {"min": 0.5}}
    old = rule("old", threshold={"min": 0.35}, **green)
    by_id = {f.rule: f for f in run(grid, new, old).findings}
    assert by_id["old"].applied and not by_id["new"].applied
    assert by_id["old"].status == by_id["new"].status == "n/a"


def test_a_tier_that_is_not_drawn_is_not_measured_on_the_whole_plan_once_units_are_drawn(grid):
    home(grid, 0, 0, households=100)
    facility(grid, "kindergarten", 0, 0)
    presence = dict(kind="presence", params={"types": ["kindergarten"]})
    ten, fifteen = rule("ten", tier="10min", **presence), rule("fifteen", tier="15min", **presence)
    # No planning unit at all: the plan is judged as a whole, every tier.
    got = one(grid, ten, fifteen)
    assert got["ten"].status == got["fifteen"].status == "pass" and "整个规划范围" not in got["fifteen"].message_zh
    unit(grid, (-5, -5, 150, 150), kind="community")
    got = one(grid, ten, fifteen)
    assert got["ten"].status == "n/a" and got["ten"].message_zh == "规则ten：未绘制十分钟生活圈规划单元，无法核算"
    assert got["fifteen"].status == "pass"
    assert got["fifteen"].message_zh.endswith("（未绘制十五分钟生活圈规划单元，按整个规划范围计）")


def test_a_share_just_short_of_its_threshold_is_not_printed_as_the_threshold(grid):
    for x in range(0, 400, 100):
        home(grid, x, 0, households=2499 if x else 1)  # 1 household of 7498 is beyond the walk: 99.99 %
    facility(grid, "kindergarten", 100, 0)
    far = grid.apply(AddFeature("residential", box(1, 301, 41, 341), {"households": 1.0})).edit.fid
    walk = rule("w", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": 350}, {"min": 100}, unit="%")
    found = one(grid, walk)["w"]
    assert found.status == "fail" and ("residential", far) in found.features
    assert "实测 99.9%，要求 ≥ 100%，未达标" in found.message_zh

"""The engine end to end on a hand-built grid plan: each evaluator kind gives the verdict a planner
would work out by hand, with its citation."""
import json
import os
import re

import jsonschema
import pytest
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, ChangeAttributes
from lifecircle_desktop.model.findings import STATUS_WORDS
from lifecircle_desktop.model.rules import load_packs
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.helpers import ROOT, cli
from tests.model.planbuilder import facility, grid_plan, home


@pytest.fixture
def grid(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg")
    h1, (g1,) = home(plan, 0, 0, households=300, name="一号院", gates=[(0, 0)])
    h2, (g2,) = home(plan, 400, 400, households=100, name="二号院", gates=[(400, 400)])
    kg = facility(plan, "kindergarten", 100, 0, w=50, h=40, floors=1)  # 2000 m² floor area < 2200
    yield plan, dict(h1=h1, h2=h2, g1=g1, g2=g2, kg=kg)
    plan.close()


def findings(plan):
    results = Validator(load_packs()).full(take_snapshot(plan))
    return {f.rule: f for f in results.findings}, results


def test_walk_distance_and_coverage(grid):
    plan, ids = grid
    by_rule, results = findings(plan)
    # home 1 gate at (0,0), kindergarten entrance at (100,0): 100 m; home 2 at (400,400): 300 + 400 = 700 m.
    assert results.nearest[ids["h1"]]["kindergarten"].distance_m == pytest.approx(100.0)
    assert results.nearest[ids["h2"]]["kindergarten"].distance_m == pytest.approx(700.0)
    assert results.nearest[ids["h1"]]["kindergarten"].facility == ids["kg"]
    kg300 = [f for f in results.findings if f.kind == "walk_coverage" and f.facility_types == ("kindergarten",)
             and f.limit_m == 300]
    assert kg300, "a 300 m kindergarten rule exists (GB 50180 表5.0.3)"
    assert kg300[0].measured == pytest.approx(75.0)  # 300 of 400 households
    assert kg300[0].features == (("residential", ids["h2"]),)
    assert kg300[0].status in ("fail", "warn") and kg300[0].citation["clause"]


def test_facility_area_presence_and_manual(grid):
    plan, ids = grid
    by_rule, _ = findings(plan)
    area = by_rule["cc_kindergarten_building_area"]
    assert area.status == "fail" and area.measured == pytest.approx(50 * 40)
    assert area.features == (("facilities", ids["kg"]),) and "2200" in area.message_zh
    assert by_rule["cc_kindergarten_land_area"].status == "fail"  # 2000 m² site < 3500
    plan.apply(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=2))  # 4000 m² ≥ 2200
    by_rule, _ = findings(plan)
    assert by_rule["cc_kindergarten_building_area"].status == "pass"
    assert by_rule["cc_basic_facility_set_kindergarten"].status == "pass"
    assert by_rule["cc_basic_facility_set_nursery"].status == "fail"
    assert any(f.status == "manual" for f in by_rule.values())
    # A new-build-only rule is n/a in an existing community.
    assert by_rule["cc_multisport_field_new"].status == "n/a"


def test_ratio_per_100_households(grid):
    plan, ids = grid
    rule = "sh_service_area_per_100hh"
    assert findings(plan)[0][rule].status == "fail"  # no service space at all: 0 m² per 100 households
    # 400 households need ≥ 120 m² of community service floor area (30 m² per 100 households).
    plan.apply(AddFeature("facilities", box(200, 100, 230, 120), {"type": "community_service_station", "floors": 1}))
    f = findings(plan)[0][rule]
    assert f.measured == pytest.approx(600 / 400 * 100) and f.status == "pass"


def test_closing_a_gate_moves_coverage(grid):
    plan, ids = grid
    plan.apply(ChangeAttributes.of(plan, "entrances", ids["g1"], open=False))
    _, results = findings(plan)
    assert results.nearest[ids["h1"]]["kindergarten"].distance_m is None  # its only gate is closed


def test_cli_validate_json_schema_and_exit_code(grid):
    plan, ids = grid
    path = plan.path
    plan.close()
    r = cli("validate", path, "--format", "json", "--detail")
    assert r.returncode == 1, r.stderr  # required rules fail (e.g. no nursery)
    out = json.loads(r.stdout)
    schema = json.loads((ROOT / "docs" / "validate-output.schema.json").read_text())
    jsonschema.validate(out, schema)
    assert out["summary"]["required_failed"] > 0
    homes = {h["id"]: h for h in out["homes"]}
    assert homes[ids["h2"]]["nearest"]["kindergarten"] == {"facility": ids["kg"], "layer": "facilities",
                                                            "distance_m": pytest.approx(700.0)}
    text = cli("validate", path)
    assert text.returncode == 1 and "kindergarten" in text.stdout.lower() or "幼儿园" in text.stdout
    assert cli("validate", path, "--scenario", "nope").returncode == 2


def test_cli_text_says_one_word_per_status_in_each_language(grid):
    plan, _ids = grid
    path = plan.path
    plan.close()
    for index, lang in ((0, "zh_CN.UTF-8"), (1, "C.UTF-8")):
        text = cli("validate", path, "--detail", env={**os.environ, "LANG": lang, "LC_ALL": ""}).stdout
        said = set(re.findall(r"^  \S \[([^|\]]+)\|", text, flags=re.M))
        assert said == {words[index] for words in STATUS_WORDS.values()}, said  # all five, with --detail
        assert not any(other in text for other in ("不达标", "不合格", "建议未达", "待人工核查"))

"""缺项 (what the community lacks most) and 方案对比 (two scenarios' findings side by side):
model/gaps.py on findings built here and on a small plan validated for real."""
import math

import numpy as np
import pytest

from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.findings import Finding, Results
from lifecircle_desktop.model.gaps import affected, compare, gaps, plan_households, top_gaps
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import validate
from shapely.geometry import Point, box

from .planbuilder import grid_plan, home


def finding(rule, status="fail", kind="presence", severity="required", measured=0.0, threshold=1.0, types=(),
            features=(), **extra):
    return Finding(rule=rule, pack="p", kind=kind, status=status, severity=severity, measured=measured,
                   threshold=threshold, unit="count", features=tuple(features), message_zh="", message_en="",
                   citation={}, name_zh=f"名 {rule}", name_en=f"Name {rule}", facility_types=tuple(types), **extra)


def results(findings, households=None):
    households = households or {1: 100.0, 2: 300.0, 3: 600.0}
    return Results("base", list(findings), home_ids=np.array(sorted(households), dtype=np.int64),
                   households=dict(households))


def test_gaps_are_ranked_by_severity_times_households_affected():
    r = results([
        finding("walk_rec", "warn", "walk_coverage", "recommended", 10.0, 100.0, ("nursery",),
                [("residential", 3), ("residential", 2)]),                       # 2 × 900 = 1800
        finding("walk_req", "fail", "walk_coverage", "required", 90.0, 100.0, ("bus_stop",),
                [("residential", 1)]),                                           # 3 × 100 = 300
        finding("kg_absent", types=("kindergarten",)),                           # 3 × 1000 = 3000
        finding("green", kind="ratio", measured=0.7, threshold=1.4, types=("park",)),  # 3 × 500 = 1500
        finding("info_absent", "warn", severity="informative", types=("nursing_home",)),  # 1 × 1000
        finding("two_needed", measured=1.0, threshold=2.0, types=("waste",)),    # 3 × 500 = 1500, after green
    ])
    ranked = gaps(r)
    assert [g.rule for g in ranked] == ["kg_absent", "walk_rec", "green", "two_needed", "info_absent", "walk_req"]
    by_rule = {g.rule: g for g in ranked}
    assert by_rule["kg_absent"].reason == "absent" and by_rule["kg_absent"].households == 1000
    assert by_rule["walk_rec"].reason == "beyond" and by_rule["walk_rec"].households == 900
    assert math.isclose(by_rule["walk_rec"].share, 90.0)  # 100 − measured: the rule's own households
    assert by_rule["green"].reason == "short" and math.isclose(by_rule["green"].share, 50.0)
    assert [g.rule for g in top_gaps(r, 2)] == ["kg_absent", "walk_rec"]
    assert top_gaps(None) == []


def test_what_is_not_a_gap_and_one_gap_per_facility_type():
    r = results([
        finding("kg_walk", "warn", "walk_coverage", "recommended", 0.0, 100.0, ("kindergarten",),
                [("residential", 1), ("residential", 2), ("residential", 3)]),
        finding("kg_absent", types=("kindergarten",)),
        finding("passes", "pass", measured=1.0, types=("shop",)),
        finding("manual", "manual", kind="manual", measured=None),
        finding("row", "fail", kind="plan_file", measured=None),
        finding("other_reading", types=("clinic",), applied=False),
        finding("na", "n/a", measured=None, types=("x",)),
    ])
    ranked = gaps(r)
    assert [g.rule for g in ranked] == ["kg_absent"]  # the walk rule is part of the same gap
    assert ranked[0].rules == ("kg_absent", "kg_walk")


def test_a_home_without_households_counts_one_and_a_walking_limit_in_minutes_is_kept():
    class Rule:
        params = {"limit_min": 10, "profile": "elderly"}

    r = results([finding("walk", "fail", "walk_coverage", measured=50.0, threshold=100.0, types=("t",),
                         features=[("residential", 1), ("residential", 2)])], households={1: 0.0, 2: 5.0})
    assert plan_households(r) == 6.0
    (g,) = gaps(r, {"walk": Rule()})
    assert g.households == 6.0 and g.limit_min == 10.0 and g.profile == "elderly"


@pytest.fixture
def two_scenarios(tmp_path):
    """A grid plan with three homes and no kindergarten in base; 方案二 adds one next to two homes."""
    plan = grid_plan(tmp_path / "g.gpkg")
    session = PlanSession(plan)
    hh = {}
    for x, y, n in ((0, 0, 120), (100, 0, 80), (400, 400, 200)):
        fid, _ = home(plan, x, y, n, gates=[(x, y)])
        hh[fid] = n
    plan.set_meta(rule_packs=["national_complete_community_2021"])
    session.create_scenario("方案二")
    kg = session.apply(AddFeature("facilities", box(30, 30, 90, 90), {"type": "kindergarten", "floors": 2},
                                  "方案二")).edit.fid
    session.apply(AddFeature("entrances", Point(50, 0), {"layer": "facilities", "feature": kg}, "方案二"))
    yield plan, hh
    plan.close()


def test_the_worst_gaps_of_a_small_plan_validated_for_real(two_scenarios):
    plan, hh = two_scenarios
    base = validate(take_snapshot(plan, "base"))
    ranked = gaps(base)
    assert ranked and all(g.finding.applied and g.finding.status in ("fail", "warn") for g in ranked)
    scores = [g.score for g in ranked]
    assert scores == sorted(scores, reverse=True)
    # With no kindergarten, its absence is one gap over every household of the plan.
    kg = next(g for g in ranked if "kindergarten" in g.finding.facility_types)
    assert kg.reason == "absent" and kg.households == sum(hh.values())
    # In 方案二 the walking gap of the kindergarten weighs exactly the homes beyond the limit.
    other = validate(take_snapshot(plan, "方案二"))
    # (The scenario's copies of the homes have their own ids: households come from its results.)
    walk = next(f for f in other.findings if f.kind == "walk_coverage" and f.applied and f.status != "pass"
                and f.facility_types == ("kindergarten",))
    beyond = other.distances["kindergarten"][0] > walk.limit_m + 1e-9
    expected = sum(other.households[int(h)] for h, out in zip(other.home_ids, beyond) if out)
    assert expected == 200  # the far home
    assert affected(walk, other)[:2] == ("beyond", expected)
    assert any(walk.rule in g.rules for g in gaps(other))  # on its own, or with the kindergarten's other gap


def test_compare_lists_exactly_the_findings_whose_status_or_measured_value_differs(two_scenarios):
    plan, _ = two_scenarios
    a = validate(take_snapshot(plan, "base"))
    b = validate(take_snapshot(plan, "方案二"))
    diff = compare(a, b)
    fa, fb = {f.rule: f for f in a.findings}, {f.rule: f for f in b.findings}
    expected = [r for r in fa if (fa[r].applied or fb[r].applied) and
                (fa[r].status != fb[r].status or
                 (fa[r].measured is None) != (fb[r].measured is None) or
                 (fa[r].measured is not None and not math.isclose(fa[r].measured, fb[r].measured, abs_tol=1e-9)))]
    assert [d.rule for d in diff] == expected
    assert any(d.rule.startswith("cc_basic_facility_set_kindergarten") for d in diff)
    d = next(d for d in diff if d.rule == "cc_basic_facility_set_kindergarten")
    assert (d.a.status, d.b.status) == ("fail", "pass") and d.name_zh == fa[d.rule].name_zh
    assert compare(a, a) == []

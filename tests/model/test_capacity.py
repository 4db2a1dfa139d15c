"""Capacity-aware coverage (issue 15 points 2 and 3, model/capacity.py): capacity from classes, beds
and floor area; the 2SFCA ratios on a hand-built grid against a hand computation; each facility's
service population against its capacity; the finding beside the plain coverage; incremental equals
full after a move; the settings' sources; the JSON against its schema."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from shapely import affinity
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry
from lifecircle_desktop.model.capacity import capacity, facility_capacity, two_step
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.rules import load_pack
from lifecircle_desktop.model.settings import DEFAULTS, NO_SOURCE, SETTINGS, resolved
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.helpers import ROOT
from tests.model.planbuilder import facility, grid_plan, home
from tests.model.test_fidelity import pack_text, rule

SEEDS = ROOT.parent / "shared" / "reference" / "seeds"
# Round figures so the hand computation stays readable: 2 persons per household × 5 % aged 3–6 =
# 0.1 child per household; 30 places per class.
SETTINGS_USED = {"persons_per_household": 2.0, "kindergarten_age_share": 0.05, "kindergarten_places_per_class": 30.0}
LIMIT = 350.0


def walk_and_places(limit=LIMIT):
    """A plain walking rule (the limit d0) and the capacity rule beside it."""
    return (rule("walk", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": limit}, {"min": 100},
                 unit="%"),
            rule("places", "capacity_coverage", {"facility_type": "kindergarten"}, {"min": 100}, unit="%",
                 severity="informative", modal="供需测算"))


def snapshot_of(plan, **settings):
    from dataclasses import replace
    snap = take_snapshot(plan)
    return replace(snap, rule_packs=("test",), settings=resolved({**snap.settings, **SETTINGS_USED, **settings}))


def kindergarten(plan, x, y, **attrs):
    """A 20 × 20 m kindergarten whose corner is 1 m from grid point (x, y), with no entrance: reached at
    that corner (design.md §4), so moving its footprint moves where it is reached."""
    return plan.apply(AddFeature("facilities", box(x - 21, y - 21, x - 1, y - 1), {"type": "kindergarten", **attrs})).edit.fid


def validator(*rules):
    return Validator([load_pack("test.toml", text=pack_text(*rules))])


@pytest.fixture
def grid(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg", missing=())  # 5 × 5 nodes, 100 m apart, every link
    yield plan
    plan.close()


@pytest.fixture
def two_kindergartens(grid):
    # Walking distances (homes and kindergartens are reached at a corner 1 m off a grid point, so each
    # distance is the grid distance + 2–4 m; none lies within 40 m of the 350 m limit):
    #   H1 (0, 0)     400 households: A ≈ 4 m,   B ≈ 400 m (beyond 350)
    #   H2 (300, 0)   300 households: A ≈ 300 m, B ≈ 100 m
    #   H3 (400, 100) 200 households: A ≈ 500 m, B ≈ 100 m
    # A (0, 0) has 2 classes = 60 places, B (400, 0) 1 class = 30 places.
    h1, _ = home(grid, 0, 0, households=400)
    h2, _ = home(grid, 300, 0, households=300)
    h3, _ = home(grid, 400, 100, households=200)
    a = kindergarten(grid, 0, 0, classes=2)
    b = kindergarten(grid, 400, 0, classes=1)
    return grid, (h1, h2, h3), (a, b)


def test_two_step_ratios_equal_a_hand_computation(two_kindergartens):
    plan, (h1, h2, h3), (a, b) = two_kindergartens
    results = validator(*walk_and_places()).full(snapshot_of(plan))
    got = results.access["kindergarten"]
    # Demand: 0.1 child per household → H1 40, H2 30, H3 20 children.
    # Step 1: A reaches H1, H2 → R_A = 60 / (40 + 30) = 6/7; B reaches H2, H3 → R_B = 30 / (30 + 20) = 0.6.
    # Step 2: A_H1 = 6/7; A_H2 = 6/7 + 0.6; A_H3 = 0.6.
    ratio = dict(zip(got.fids.tolist(), got.ratio.tolist()))
    assert ratio[a] == pytest.approx(6 / 7) and ratio[b] == pytest.approx(0.6)
    access = dict(zip(results.home_ids.tolist(), got.access.tolist()))
    assert access[h1] == pytest.approx(6 / 7)
    assert access[h2] == pytest.approx(6 / 7 + 0.6)
    assert access[h3] == pytest.approx(0.6)
    found = {f.rule: f for f in results.findings}
    # Plain coverage: every home within 350 m of a kindergarten. Places: only H2 (A ≥ 1): 300/900.
    assert found["walk"].measured == pytest.approx(100.0)
    assert found["places"].measured == pytest.approx(100 * 300 / 900, abs=1e-3)
    assert found["places"].status == "warn" and found["places"].severity == "informative"
    assert set(found["places"].features) == {("residential", h1), ("residential", h3)}
    assert "1 处幼儿园超出容量" in found["places"].message_zh
    # Beside the plain coverage: the capacity reading follows the walking rule in the list.
    order = [f.rule for f in results.findings]
    assert order.index("places") == order.index("walk") + 1


def test_two_step_alone_on_a_matrix_worked_by_hand():
    # Three facilities, four homes; pairs within the limit: F0–H0, F0–H1, F1–H1, F1–H2, (F2 reaches none).
    supply = np.array([10.0, 4.0, 7.0])
    demand = np.array([5.0, 15.0, 5.0, 8.0])
    facility_of = np.array([0, 0, 1, 1])
    home_of = np.array([0, 1, 1, 2])
    ratio, access = two_step(supply, demand, facility_of, home_of, 4)
    # R0 = 10 / (5 + 15) = 0.5; R1 = 4 / (15 + 5) = 0.2; R2: no demand in reach → 0.
    assert ratio.tolist() == pytest.approx([0.5, 0.2, 0.0])
    # A0 = 0.5; A1 = 0.5 + 0.2; A2 = 0.2; A3 = 0 (no facility within reach).
    assert access.tolist() == pytest.approx([0.5, 0.7, 0.2, 0.0])
    # Places are conserved: Σ A_i × D_i = the supply that demand can reach.
    assert float((access * demand).sum()) == pytest.approx(14.0)


def test_each_facility_s_service_population_against_its_capacity(two_kindergartens):
    plan, (h1, h2, h3), (a, b) = two_kindergartens
    results = validator(*walk_and_places()).full(snapshot_of(plan))
    rows = {r.fid: r for r in facility_capacity(results, "kindergarten")}
    # Nearest within 350 m: H1 → A (≈ 4 m); H2 → B (≈ 100 m < ≈ 300 m); H3 → B.
    assert (rows[a].homes_served, rows[a].households_served) == (1, 400)
    assert (rows[b].homes_served, rows[b].households_served) == (2, 500)
    # A: 60 places for 40 children (ratio 1.5); B: 30 places for 50 children — over capacity.
    assert (rows[a].capacity, rows[a].demand, rows[a].over_capacity) == (60, pytest.approx(40), False)
    assert rows[a].ratio == pytest.approx(1.5)
    assert (rows[b].capacity, rows[b].demand, rows[b].over_capacity) == (30, pytest.approx(50), True)
    assert rows[b].ratio == pytest.approx(0.6)
    assert rows[b].catchment_ratio == pytest.approx(0.6) and rows[a].catchment_ratio == pytest.approx(6 / 7)


def test_capacity_from_classes_beds_and_floor_area(grid):
    kg = facility(grid, "kindergarten", 100, 100, classes=3)
    nursery = facility(grid, "nursery", 200, 100, classes=2)
    care = facility(grid, "nursing_home", 300, 100, beds=50)
    station = facility(grid, "community_service_station", 100, 300, w=20, h=20, floors=2)  # 400 m² × 2
    unknown = kindergarten(grid, 300, 300)  # no classes entered
    shop = facility(grid, "supermarket", 400, 400)
    settings = resolved({"kindergarten_places_per_class": 25.0})
    got = {fid: capacity(grid.feature("facilities", fid), None, settings)
           for fid in (kg, nursery, care, station, unknown, shop)}
    assert got[kg] == 75  # 3 classes × 25
    assert got[nursery] == 2 * DEFAULTS["nursery_places_per_class"]
    assert got[care] == 50
    assert got[station] == pytest.approx(800)
    assert got[unknown] is None and got[shop] is None


def test_unknown_capacity_counts_zero_and_none_known_is_not_measured(two_kindergartens):
    plan, homes, (a, b) = two_kindergartens
    plan.apply(ChangeAttributes.of(plan, "facilities", b, classes=None))
    found = {f.rule: f for f in validator(*walk_and_places()).full(snapshot_of(plan)).findings}
    # B counts 0: A's 60 places for the 70 children within its reach — R_A = 6/7 < 1 everywhere.
    assert found["places"].measured == 0 and "1 处幼儿园未填写容量，按 0 计" in found["places"].message_zh
    plan.apply(ChangeAttributes.of(plan, "facilities", a, classes=None))
    found = {f.rule: f for f in validator(*walk_and_places()).full(snapshot_of(plan)).findings}
    assert found["places"].status == "n/a" and "未填写容量" in found["places"].message_zh


def test_more_places_bring_every_home_within_reach(two_kindergartens):
    plan, homes, (a, b) = two_kindergartens
    # B with 3 classes = 90 places: R_B = 90/50 = 1.8 ≥ 1 covers H2, H3; A's 6/7 < 1 leaves H1 out (400/900).
    plan.apply(ChangeAttributes.of(plan, "facilities", b, classes=3))
    found = {f.rule: f for f in validator(*walk_and_places()).full(snapshot_of(plan)).findings}
    assert found["places"].measured == pytest.approx(100 * 500 / 900, abs=1e-3)


def test_after_one_facility_moves_the_update_equals_a_full_run(two_kindergartens):
    plan, homes, (a, b) = two_kindergartens
    v = validator(*walk_and_places())
    v.full(snapshot_of(plan))
    # B moves 400 m north, to grid point (400, 400): H2 is now ≈ 500 m from it (beyond), H3 ≈ 300 m.
    moved = plan.apply(ChangeGeometry.of(plan, "facilities", b,
                                         affinity.translate(plan.feature("facilities", b).geometry, 0, 400)))
    snap = snapshot_of(plan)
    updated = v.update(snap, moved)
    fresh = validator(*walk_and_places()).full(snap)
    for t in ("kindergarten",):
        for name in ("fids", "supply", "ratio", "demand", "access"):
            assert np.allclose(getattr(updated.access[t], name), getattr(fresh.access[t], name), equal_nan=True), name
    assert [f.to_json() for f in updated.findings] == [f.to_json() for f in fresh.findings]
    # And the move did change the answer: H2 lost B, so B's places now go to H3 alone (R_B = 30/20).
    ratio = dict(zip(updated.access["kindergarten"].fids.tolist(), updated.access["kindergarten"].ratio.tolist()))
    assert ratio[b] == pytest.approx(1.5)


def test_only_the_moved_facility_is_searched_again(two_kindergartens, monkeypatch):
    plan, homes, (a, b) = two_kindergartens
    from lifecircle_desktop.model import capacity as module
    v = validator(*walk_and_places())
    v.full(snapshot_of(plan))
    searched = []
    real = module.reach

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        searched.extend(got)  # the facilities a limited search ran from
        return got

    monkeypatch.setattr(module, "reach", spy)
    moved = plan.apply(ChangeGeometry.of(plan, "facilities", a,
                                         affinity.translate(plan.feature("facilities", a).geometry, 5, 0)))
    v.update(snapshot_of(plan), moved)
    assert searched == [a]


def test_the_new_settings_say_their_source():
    for key in ("kindergarten_places_per_class", "kindergarten_age_share", "nursery_places_per_class",
                "nursery_age_share", "elderly_age_share", "care_bed_share"):
        # No 班额, age share or 千人指标 was found in the reference (standards.md §11): said so.
        assert SETTINGS[key].source == NO_SOURCE
    zh, en = SETTINGS["service_area_per_100_households_m2"].source
    quote = zh.split("：", 1)[1]
    seeds = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")) if SEEDS.exists() else None
    if seeds is not None:
        assert quote in seeds  # the quoted words are the source's own
    assert "30" in quote and DEFAULTS["service_area_per_100_households_m2"] == 30


def test_the_json_lists_each_facility_and_validates_against_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    plan = grid_plan(tmp_path / "g.gpkg", missing=())
    h1, _ = home(plan, 0, 0, households=400)
    home(plan, 300, 0, households=300)
    a = kindergarten(plan, 0, 0, classes=2, name="东幼儿园")
    b = kindergarten(plan, 400, 0)  # capacity not entered
    plan.close()
    out = subprocess.run([sys.executable, "-m", "lifecircle_desktop", "validate", str(tmp_path / "g.gpkg"),
                          "--format", "json", "--detail"], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode in (0, 1), out.stderr
    report = json.loads(out.stdout)
    jsonschema.validate(report, json.loads((ROOT / "docs" / "validate-output.schema.json").read_text()))
    rows = {r["id"]: r for r in report["facilities"] if r["type"] == "kindergarten"}
    assert set(rows) == {a, b}
    assert rows[a]["name"] == "东幼儿园" and rows[a]["capacity"] == 2 * DEFAULTS["kindergarten_places_per_class"]
    assert rows[b]["capacity"] is None and rows[b]["over_capacity"] is None
    # H1 (400 households, next to A) is A's: demand = 400 × persons per household × age share.
    assert rows[a]["households_served"] >= 400
    per_household = DEFAULTS["persons_per_household"] * DEFAULTS["kindergarten_age_share"]
    assert rows[a]["demand"] == pytest.approx(rows[a]["households_served"] * per_household, rel=1e-3)
    assert rows[a]["over_capacity"] == (rows[a]["demand"] > rows[a]["capacity"])
    homes = {h["id"]: h for h in report["homes"]}
    assert "kindergarten" in homes[h1]["access"]
    assert any(f["rule"] == "cc_kindergarten_place_access" for f in report["findings"])


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_on_the_demo_a_placed_kindergarten_serves_and_is_measured(tmp_path):
    from lifecircle_desktop.model.session import PlanSession
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    try:
        before = {f.rule: f for f in session.validate().findings}
        assert before["cc_kindergarten_place_access"].status == "n/a"  # the demo has no kindergarten
        x, y = session.plan.features("residential")[0].geometry.centroid.coords[0]
        session.plan.apply(AddFeature("facilities", box(x + 60, y, x + 100, y + 40), {"type": "kindergarten", "classes": 6}))
        results = session.validate()
        found = {f.rule: f for f in results.findings}
        assert found["cc_kindergarten_place_access"].measured is not None
        assert found["cc_kindergarten_place_access"].measured <= found["cc_walking_time_kindergarten"].measured + 1e-9
        rows = facility_capacity(results, "kindergarten")
        assert len(rows) == 1 and rows[0].capacity == 6 * DEFAULTS["kindergarten_places_per_class"]
    finally:
        session.close()

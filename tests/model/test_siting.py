"""Siting suggestions (model/siting.py, issue 15 points 1 and 4).

- The choice: on instances small enough to enumerate, the answer equals the optimum found by
  brute force; greedy (CELF) is within 1 − 1/e of the optimum (found by enumeration, or by an
  integer program written here) elsewhere; an instance where greedy alone falls short.
- What a candidate covers: each row of the coverage matrix equals the homes the validator itself
  finds within the limit once a facility with that footprint is in the plan.
- The promise: accepting a site raises the finding's coverage by the households it promised — the
  validator's own number afterwards — on a grid plan and on the Siping demo; undo takes it back.
- The command line: exit 0 with JSON, exit 2 with one sentence.
"""
import itertools
import json
import math
import shutil
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pytest
import shapely
from hypothesis import given, settings, strategies as st
from scipy.sparse import csr_matrix
from shapely.geometry import LineString, Point, box

from lifecircle_desktop.cli import main
from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.findings import Results
from lifecircle_desktop.model.network import WalkGraph, access_points
from lifecircle_desktop.model.plan import Feature, typed_attributes
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.rules import load_pack
from lifecircle_desktop.model.schema import FACILITIES, RESIDENTIAL, WALK_NETWORK
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.settings import resolved
from lifecircle_desktop.model import siting
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.helpers import cli
from tests.model.planbuilder import facility, grid_plan, home
from tests.model.test_fidelity import pack_text, rule

BOUND = 1 - 1 / math.e


# --- the choice -----------------------------------------------------------------------------------
def brute_force(cover: np.ndarray, weights: np.ndarray, k: int) -> float:
    """The best weight any k rows cover, by trying every k-subset (the oracle)."""
    n = cover.shape[0]
    best = 0.0
    for rows in itertools.combinations(range(n), min(k, n)):
        best = max(best, float(weights[cover[list(rows)].any(axis=0)].sum()))
    return best


def milp_optimum(cover: np.ndarray, weights: np.ndarray, k: int) -> float:
    """The optimum by an integer program written here, independently of siting.exact: binary x per
    site, binary y per home, y_h ≤ Σ x_s over sites covering h, Σ x ≤ k."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    n, m = cover.shape
    a = np.zeros((m + 1, n + m))
    a[:m, :n] = -cover.T.astype(float)
    a[:m, n:] = np.eye(m)
    a[m, :n] = 1
    res = milp(np.concatenate([np.zeros(n), -weights]), integrality=np.ones(n + m), bounds=Bounds(0, 1),
               constraints=LinearConstraint(a, np.full(m + 1, -np.inf), np.concatenate([np.zeros(m), [k]])))
    assert res.status == 0
    return -res.fun


def weight_of(cover, weights, rows) -> float:
    return float(weights[cover[list(rows)].any(axis=0)].sum()) if len(rows) else 0.0


def random_instance(rng, n_sites, n_homes, density):
    cover = rng.random((n_sites, n_homes)) < density
    weights = rng.integers(1, 200, n_homes).astype(float)
    return cover, weights


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_sites=st.integers(1, 12), n_homes=st.integers(1, 25),
       density=st.floats(0.05, 0.6), k=st.integers(1, 4))
def test_on_small_instances_the_answer_is_the_optimum_found_by_enumeration(seed, n_sites, n_homes, density, k):
    cover, weights = random_instance(np.random.default_rng(seed), n_sites, n_homes, density)
    rows, method = siting.choose(csr_matrix(cover), weights, k)
    assert method == "exact" and len(rows) <= k and len(set(rows)) == len(rows)
    assert weight_of(cover, weights, rows) == pytest.approx(brute_force(cover, weights, k))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_sites=st.integers(1, 14), n_homes=st.integers(1, 30),
       density=st.floats(0.05, 0.6), k=st.integers(1, 5))
def test_greedy_is_within_1_minus_1_over_e_of_the_enumerated_optimum(seed, n_sites, n_homes, density, k):
    cover, weights = random_instance(np.random.default_rng(seed), n_sites, n_homes, density)
    rows = siting.greedy(csr_matrix(cover), weights, k)
    assert weight_of(cover, weights, rows) >= BOUND * brute_force(cover, weights, k) - 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_greedy_is_within_the_bound_on_larger_instances_and_the_exact_answer_is_the_optimum(seed):
    rng = np.random.default_rng(seed)
    cover, weights = random_instance(rng, 150, 400, 0.02)
    k = 6
    optimum = milp_optimum(cover, weights, k)
    greedy = weight_of(cover, weights, siting.greedy(csr_matrix(cover), weights, k))
    assert BOUND * optimum - 1e-9 <= greedy <= optimum + 1e-9
    rows, method = siting.choose(csr_matrix(cover), weights, k)
    assert method == "exact" and weight_of(cover, weights, rows) == pytest.approx(optimum)


def test_greedy_alone_falls_short_where_the_exact_solver_does_not():
    # Homes a, b, c, d of 1 household, e of 0.5. Site 2 covers b, c, e (2.5): greedy takes it first
    # and then gets one more (3.5); sites 0 and 1 together cover a–d (4).
    cover = np.array([[1, 1, 0, 0, 0], [0, 0, 1, 1, 0], [0, 1, 1, 0, 1]], dtype=bool)
    weights = np.array([1, 1, 1, 1, 0.5])
    assert weight_of(cover, weights, siting.greedy(csr_matrix(cover), weights, 2)) == 3.5
    rows, method = siting.choose(csr_matrix(cover), weights, 2)
    assert (sorted(rows), method) == ([0, 1], "exact")
    # Ranked among themselves, each with what it adds to those before it.
    ranked = siting.in_rank_order(csr_matrix(cover), weights, rows)
    assert [(r, sorted(h.tolist())) for r, h in ranked] == [(0, [0, 1]), (1, [2, 3])]


def test_greedy_stops_when_nothing_more_is_gained():
    cover = np.array([[1, 0], [1, 0], [0, 0]], dtype=bool)
    assert siting.greedy(csr_matrix(cover), np.array([5.0, 7.0]), 3) == [0]


# --- a grid plan ----------------------------------------------------------------------------------
LIMIT = 150.0


def walk_rule(**params):
    return rule("walk", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": LIMIT, **params},
                {"min": 100}, unit="%")


def run(plan, pack):
    snapshot = take_snapshot(plan)
    snapshot = replace(snapshot, rule_packs=("test",), settings=resolved(dict(snapshot.settings)))
    return snapshot, Validator([pack]).full(snapshot)


@pytest.fixture
def grid(tmp_path):
    """A 7 × 7 grid of 100 m blocks with homes spread over it (one behind gates, one of them closed)
    and one kindergarten in a corner."""
    plan = grid_plan(tmp_path / "grid.gpkg", n=7)
    for x, y, hh in [(0, 0, 40), (100, 200, 120), (300, 300, 90), (500, 100, 60), (200, 500, 150), (500, 500, 30),
                     (400, 300, 70), (100, 400, 20)]:
        home(plan, x, y, households=hh)
    home(plan, 300, 0, households=80, gates=[(341, 21), (321, 41)])
    # Mid-block homes: they meet the network inside an edge, where a site on the same edge is
    # reached along it without passing a junction.
    for x, y in [(230, 105), (430, 205), (105, 330)]:
        plan.apply(AddFeature(RESIDENTIAL, box(x, y, x + 30, y + 30), {"households": 25}))
    facility(plan, "kindergarten", 0, 0)
    yield plan
    plan.close()


def test_each_candidate_covers_what_the_validator_finds_once_a_facility_stands_there(grid):
    pack = load_pack("test.toml", text=pack_text(walk_rule()))
    snapshot, results = run(grid, pack)
    ids = results.home_ids
    graph = WalkGraph.from_features(snapshot.features(WALK_NETWORK))
    footprints, _ = siting.candidate_footprints(snapshot, graph, siting.Candidates(spacing_m=30), 900.0, False)
    homes = access_points({int(h): snapshot.feature(RESIDENTIAL, int(h)).geometry for h in ids},
                          [(e["feature"], e.geometry, e["open"]) for e in snapshot.features("entrances")
                           if e["layer"] == RESIDENTIAL], graph)
    sites = access_points(dict(enumerate(footprints)), (), graph)
    limits = (20.0, 45.0, 80.0, LIMIT)
    covers = {limit: siting.coverage_matrix(graph, sites, homes, limit).toarray() for limit in limits}
    assert all(c.any() and not c.all() for c in covers.values())
    # Measured from the homes (fewer than the sites) above; from the sites when they are fewer.
    few = access_points(dict(enumerate(footprints[:5])), (), graph)
    assert len(few.owners) < len(homes.owners) < len(sites.owners)
    for limit in limits:
        assert (siting.coverage_matrix(graph, few, homes, limit).toarray() == covers[limit][:5]).all()
    validator = Validator([pack])
    for i, footprint in enumerate(footprints):
        # The validator's own distances with only this facility of the type in the plan.
        only = Feature(FACILITIES, 10**6, footprint, typed_attributes(FACILITIES, {"type": "kindergarten"}))
        layers = dict(snapshot.layers)
        layers[FACILITIES] = MappingProxyType({only.fid: only})
        dist = validator.full(replace(snapshot, layers=MappingProxyType(layers))).distances["kindergarten"][0]
        for limit in limits:
            assert (dist <= limit + 1e-9).tolist() == covers[limit][i].tolist(), (i, limit)


def accept(plan, site):
    plan.apply(AddFeature(site.layer, site.footprint, site.attributes()))


@pytest.mark.parametrize("reach", ["any", "each"])
def test_on_a_grid_accepting_each_site_in_turn_gives_the_coverage_it_promised(grid, reach):
    params = {"reach": "each", "facility_types": ["kindergarten", "nursery"]} if reach == "each" else {}
    if reach == "each":  # nurseries near some homes only: the others cannot be brought in by a kindergarten
        facility(grid, "nursery", 300, 300)
        facility(grid, "nursery", 500, 500)
    pack = load_pack("test.toml", text=pack_text(walk_rule(**params)))
    snapshot, results = run(grid, pack)
    finding = siting.failing_finding(results, "kindergarten")
    before = set(finding.features)
    got = siting.suggest(snapshot, results, pack.rules[0], finding, "kindergarten", load_catalogue(), (None, 900.0),
                         count=3, candidates=siting.Candidates(spacing_m=25))
    assert got.sites and got.footprint_m2 == 900.0
    assert got.coverage_before == pytest.approx(finding.measured, abs=5e-4)
    for site in got.sites:
        assert site.footprint.area == pytest.approx(900.0)
        accept(grid, site)
        _, results = run(grid, pack)
        now = next(f for f in results.findings if f.rule == finding.rule)
        # The validator's own number: the homes it no longer leaves out, their households as it counts them.
        brought_in = before - set(now.features)
        assert brought_in == {(RESIDENTIAL, h) for h in site.homes}
        assert sum(results.households[h] for _, h in brought_in) == pytest.approx(site.households)
        assert now.measured == pytest.approx(site.coverage_after, abs=5e-4)  # the finding rounds to 3 decimals
        before = set(now.features)
    if reach == "each":
        assert got.notes and "another type" in got.notes[0][1]


def test_candidate_polygons_large_enough_are_the_footprint_and_small_ones_get_a_square(grid):
    pack = load_pack("test.toml", text=pack_text(walk_rule()))
    big = box(205, 205, 275, 275)       # 4,900 m²
    small = box(405, 105, 415, 115)     # 100 m²
    snapshot, results = run(grid, pack)
    finding = siting.failing_finding(results, "kindergarten")
    got = siting.suggest(snapshot, results, pack.rules[0], finding, "kindergarten", load_catalogue(), (None, 900.0),
                         count=2, candidates=siting.Candidates("candidates.geojson"), file_geometries=[big, small])
    by_origin = {s.origin: s for s in got.sites}
    assert got.candidates == 2 and set(by_origin) <= {"candidates.geojson #1", "candidates.geojson #2"}
    if "candidates.geojson #1" in by_origin:
        assert by_origin["candidates.geojson #1"].footprint.equals(big)
    if "candidates.geojson #2" in by_origin:
        square = by_origin["candidates.geojson #2"].footprint
        assert square.area == pytest.approx(900.0) and square.contains(small.representative_point())


def test_network_points_are_at_most_the_spacing_apart_along_each_edge():
    graph = WalkGraph.build([LineString([(0, 0), (230, 0)]), LineString([(230, 0), (230, 40)])], [None, None])
    xy, direction = siting.network_points(graph, 50)
    along_first = sorted(x for x, y in xy if y == 0)
    assert len(along_first) == 5 and np.allclose(np.diff(along_first), 46.0)  # 230 m in 5 equal parts
    assert len([1 for x, y in xy if x == 230 and y > 0]) == 1                 # 40 m: one point, its middle
    assert np.allclose(np.hypot(*direction.T), 1.0)
    with pytest.raises(PlanError):
        siting.network_points(graph, 0)


# --- the demo ---------------------------------------------------------------------------------------
demo = pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")


@pytest.fixture
def demo_session(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    yield session
    session.close()


def finding_of(results: Results, rule_id: str):
    return next(f for f in results.findings if f.rule == rule_id)


@demo
def test_on_the_demo_accepting_the_first_kindergarten_site_raises_coverage_by_what_it_promised(demo_session):
    session = demo_session
    results = session.validate()
    suggestion = session.suggest("kindergarten", results=results)
    first = suggestion.sites[0]
    before = finding_of(results, suggestion.rule)
    n_facilities = len(session.plan.features(FACILITIES, session.scenario))
    minimum_floor, minimum_land = session.area_minimum("kindergarten")
    assert first.footprint.area == pytest.approx(minimum_land)
    assert first.footprint.area * first.floors >= minimum_floor

    session.use_site(first)
    results_after = session.validate()
    after = finding_of(results_after, suggestion.rule)
    # The validator's own number: the homes it no longer leaves out, their households as it counts them.
    brought_in = set(before.features) - set(after.features)
    assert brought_in == {(RESIDENTIAL, h) for h in first.homes} and first.households > 0
    assert sum(results_after.households[h] for _, h in brought_in) == pytest.approx(first.households)
    assert set(after.features) <= set(before.features)
    assert after.measured == pytest.approx(first.coverage_after, abs=5e-4)  # the finding rounds to 3 decimals
    assert (after.measured - before.measured) / 100 * suggestion.households_total == \
        pytest.approx(first.households, abs=5e-4 * suggestion.households_total / 100)
    assert len(session.plan.features(FACILITIES, session.scenario)) == n_facilities + 1

    session.undo()
    assert finding_of(session.validate(), suggestion.rule).measured == before.measured
    assert len(session.plan.features(FACILITIES, session.scenario)) == n_facilities


@demo
def test_on_the_demo_a_bus_stop_is_placed_as_a_point_and_keeps_its_promise(demo_session):
    session = demo_session
    results = session.validate()
    suggestion = session.suggest("bus_stop", count=1, results=results)
    (site,) = suggestion.sites
    assert site.layer == "stops" and site.footprint.geom_type == "Point" and site.floors is None
    before = finding_of(results, suggestion.rule)
    session.use_site(site)
    after = finding_of(session.validate(), suggestion.rule)
    assert set(before.features) - set(after.features) == {(RESIDENTIAL, h) for h in site.homes} != set()
    assert after.measured == pytest.approx(site.coverage_after, abs=5e-4)


@demo
def test_on_the_demo_base_map_buildings_of_chosen_kinds_are_candidates(demo_session):
    session = demo_session
    got = session.suggest("kindergarten", count=2, candidates="basemap_buildings", kinds=["apartments"])
    kinds = {session.plan.feature("basemap_buildings", int(s.origin.split()[1])).get("kind") for s in got.sites}
    assert got.sites and kinds == {"apartments"}
    assert got.candidates == sum(1 for f in session.plan.features("basemap_buildings") if f.get("kind") == "apartments")


@demo
def test_on_the_demo_a_geojson_file_of_candidate_polygons_is_read_in_the_plans_crs(demo_session, tmp_path):
    session = demo_session
    c = session.suggest("kindergarten", count=1).sites[0].footprint.centroid
    big = box(c.x - 35, c.y - 35, c.x + 35, c.y + 35)            # 4,900 m²: the footprint itself
    small = box(c.x + 300, c.y - 5, c.x + 310, c.y + 5)          # 100 m²: a square of the minimum there
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:32651"}},
           "features": [{"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(g)}
                        for g in (big, small)]}
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(doc))
    got = session.suggest("kindergarten", count=2, candidates=str(path))
    assert got.candidates == 2
    by_origin = {s.origin: s for s in got.sites}
    assert by_origin["sites.geojson #1"].footprint.equals(big)
    if "sites.geojson #2" in by_origin:
        assert by_origin["sites.geojson #2"].footprint.area == pytest.approx(session.area_minimum("kindergarten")[1])
    results = session.validate()
    first = got.sites[0]
    session.use_site(first)
    after = finding_of(session.validate(), got.rule)
    assert set(finding_of(results, got.rule).features) - set(after.features) == {(RESIDENTIAL, h) for h in first.homes}


@demo
def test_on_the_demo_refusals_are_one_sentence(demo_session):
    with pytest.raises(PlanError, match="unknown facility type"):
        demo_session.suggest("no_such_type")
    with pytest.raises(PlanError, match="holds no candidate site"):
        demo_session.suggest("kindergarten", candidates="basemap_buildings", kinds=["castle"])
    with pytest.raises(PlanError, match="is not a failing walking rule"):
        demo_session.suggest("kindergarten", rule="cc_bus_stop_walk")


def test_without_a_walking_network_there_is_nothing_to_measure(tmp_path):
    from lifecircle_desktop.model.session import create_plan
    session = create_plan(tmp_path / "bare.gpkg", "无路网", 32651, rule_packs=["national_complete_community_2021"])
    try:
        session.add(RESIDENTIAL, box(0, 0, 40, 40), households=100)
        with pytest.raises(PlanError, match="no walking network"):
            session.suggest("kindergarten")
    finally:
        session.close()


# --- the command line ---------------------------------------------------------------------------------
@demo
def test_the_command_line_prints_the_sites_as_json_and_refuses_in_one_sentence(tmp_path, capsys, monkeypatch):
    ok = cli("suggest", DEMO_PLAN, "--type", "kindergarten", "--count", "2", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    got = json.loads(ok.stdout)
    assert got["facility_type"] == "kindergarten" and len(got["sites"]) == 2
    assert [s["rank"] for s in got["sites"]] == [1, 2]
    assert got["sites"][0]["coverage_after"] <= got["sites"][1]["coverage_after"]
    assert shapely.from_wkt(got["sites"][0]["footprint_wkt"]).area == pytest.approx(got["footprint_m2"], rel=1e-3)
    bad = tmp_path / "sites.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                   '"geometry": {"type": "LineString", "coordinates": [[121.5, 31.28], [121.51, 31.28]]}}]}')
    for args, words in [(["--type", "no_such_type"], "unknown facility type"),
                        (["--type", "kindergarten", "--candidates", str(bad)], "polygons or points"),
                        (["--type", "kindergarten", "--candidates", str(tmp_path / "none.geojson")], "does not exist")]:
        monkeypatch.setenv("LC_ALL", "C.UTF-8")
        assert main(["suggest", str(DEMO_PLAN), *args]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1

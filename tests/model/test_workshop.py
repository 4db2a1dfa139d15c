"""What workshop mode tells residents (model/workshop.py, issue 13): the shares of the summary and
the households of a catchment checked against walking distances worked out again with networkx on a
hand-built grid; the demo's second scenario 规划方案 checked site by site."""
import math
import shutil
from dataclasses import replace

import networkx as nx
import pytest
import shapely
from shapely.geometry import Point, box

from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.catchments import service_population
from lifecircle_desktop.model.edits import ChangeAttributes, ChangeGeometry
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.rules.packs import load_pack
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.settings import resolved
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import validate
from lifecircle_desktop.model.workshop import catchment, new_facilities, resident_summary
from tests.model.planbuilder import BLOCK, grid_plan
from tests.model.test_fidelity import pack_text, rule

N = 5  # grid_plan's nodes per side
MISSING = (2, 2, "h")  # grid_plan's default: the link (200, 200)–(300, 200) is left out
# 6 minutes at the default adult speed of 4 km/h: 400 m.
WALK = rule("walk_kg", "walk_coverage", {"facility_types": ["kindergarten"], "limit_min": 6, "profile": "adult"},
            {"min": 100}, severity="recommended", unit="%")
CANTEEN = rule("canteen", "presence", {"types": ["community_canteen"]}, {"min": 1})
LIMIT_M = 400.0
CATALOGUE = load_catalogue()


def oracle_graph() -> nx.Graph:
    """The grid of planbuilder.grid_plan as networkx sees it: nodes (x, y), 100 m edges."""
    g = nx.Graph()
    for j in range(N):
        for i in range(N):
            if i + 1 < N and (i, j, "h") != MISSING:
                g.add_edge((i * BLOCK, j * BLOCK), ((i + 1) * BLOCK, j * BLOCK), weight=BLOCK)
            if j + 1 < N and (i, j, "v") != MISSING:
                g.add_edge((i * BLOCK, j * BLOCK), (i * BLOCK, (j + 1) * BLOCK), weight=BLOCK)
    return g


def add_home(plan, x, y, households, scenario="base"):
    """A compound north-east of grid node (x, y) with its one gate on the node."""
    fid = plan.apply(AddFeature("residential", box(x + 1, y + 1, x + 41, y + 41), {"households": households},
                                scenario)).edit.fid
    plan.apply(AddFeature("entrances", Point(x, y), {"layer": "residential", "feature": fid}, scenario))
    return fid


def add_facility(plan, facility_type, x, y, scenario="base"):
    """A facility south-west of grid node (x, y) with its one entrance on the node."""
    fid = plan.apply(AddFeature("facilities", box(x - 21, y - 21, x - 1, y - 1), {"type": facility_type},
                                scenario)).edit.fid
    plan.apply(AddFeature("entrances", Point(x, y), {"layer": "facilities", "feature": fid}, scenario))
    return fid


def run(plan, scenario="base", rules=(WALK, CANTEEN)):
    pack = load_pack("test.toml", text=pack_text(*rules))
    snapshot = take_snapshot(plan, scenario)
    snapshot = replace(snapshot, rule_packs=("test",), settings=resolved(dict(snapshot.settings)))
    return validate(snapshot, [pack]), snapshot, {r.id: r for r in pack.rules}


def walk_distances(sources: dict, targets: dict) -> dict:
    """target -> (distance, source) of its nearest source node on the oracle grid."""
    g = oracle_graph()
    dist, paths = nx.multi_source_dijkstra(g, set(sources.values()), weight="weight")
    by_node = {node: key for key, node in sources.items()}
    return {t: (dist.get(node, math.inf), by_node[paths[node][0]] if node in paths else None)
            for t, node in targets.items()}


@pytest.fixture
def grid(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg", n=N)
    yield plan
    plan.close()


def test_the_summary_says_the_share_of_households_within_the_walk_in_plain_words(grid):
    homes = {add_home(grid, 0, 0, 120): (0.0, 0.0), add_home(grid, 300, 0, 80): (300.0, 0.0),
             add_home(grid, 400, 400, 50): (400.0, 400.0), add_home(grid, 300, 200, 30): (300.0, 200.0)}
    add_facility(grid, "kindergarten", 100, 100)
    results, snapshot, rules = run(grid)
    near = walk_distances({"k": (100.0, 100.0)}, homes)
    households = {fid: h for fid, h in zip(homes, (120, 80, 50, 30))}
    within = sum(households[h] for h, (d, _) in near.items() if d <= LIMIT_M)
    expected = within / sum(households.values())
    assert 0 < expected < 1  # the plan is built so that some homes are beyond the walk

    summary = resident_summary(results, snapshot, CATALOGUE, rules=rules)
    (line,) = summary.lines
    assert line.facility_type == "kindergarten" and line.rule_id == "walk_kg" and not line.met
    assert line.share == pytest.approx(expected, abs=1e-5)
    assert line.text_zh == f"{math.floor(expected * 100)}% 的家庭步行 6 分钟内可到幼儿园"
    assert line.text_en == f"{math.floor(expected * 100)}% of households are within a 6-minute walk of a kindergarten"
    assert "walk_kg" not in line.text_zh + line.text_en  # no rule ids for residents
    assert summary.households == sum(households.values())
    assert summary.missing == ("community_canteen",)
    assert summary.missing_zh == "还缺：社区食堂（长者食堂）"
    assert summary.text("zh") == [line.text_zh, "还缺：社区食堂（长者食堂）"]


def test_a_share_just_short_of_everyone_is_never_printed_as_everyone(grid):
    add_home(grid, 0, 0, 2499)
    add_home(grid, 400, 400, 1)  # 600 m from the kindergarten: 1 household of 2,500 left out
    add_facility(grid, "kindergarten", 100, 100)
    results, snapshot, rules = run(grid)
    (line,) = resident_summary(results, snapshot, CATALOGUE, rules=rules).lines
    assert line.share == pytest.approx(0.9996)
    assert line.text_zh.startswith("99% ")  # 99.96 %: not "100%" beside a need not met
    # Met (a district's 80 %) but not everyone: still not "100%".
    met, snapshot, rules = run(grid, rules=(dict(WALK, threshold={"existing": {"min": 80}}),))
    (line,) = resident_summary(met, snapshot, CATALOGUE, rules=rules).lines
    assert line.met and line.text_zh.startswith("99% ")


def test_before_and_after_give_both_shares_the_change_and_what_is_no_longer_missing(grid):
    homes = {add_home(grid, 0, 0, 100): (0.0, 0.0), add_home(grid, 400, 400, 60): (400.0, 400.0),
             add_home(grid, 400, 0, 40): (400.0, 0.0)}
    session = PlanSession(grid)
    session.create_scenario("规划", copy_from="base")
    add_facility(grid, "kindergarten", 300, 300, scenario="规划")
    add_facility(grid, "community_canteen", 100, 100, scenario="规划")
    before, before_snapshot, rules = run(grid, "base")
    after, after_snapshot, _ = run(grid, "规划")
    copies = {fid: xy for fid, xy in zip(sorted(after_snapshot.layers["residential"]), homes.values())}
    near = walk_distances({"k": (300.0, 300.0)}, copies)
    hh = dict(zip(copies, (100, 60, 40)))
    expected = sum(hh[h] for h, (d, _) in near.items() if d <= LIMIT_M) / 200

    summary = resident_summary(after, after_snapshot, CATALOGUE, before=before, before_snapshot=before_snapshot,
                               rules=rules)
    (line,) = summary.lines
    assert (line.share_before, line.share) == (0.0, pytest.approx(expected, abs=1e-5))
    assert line.is_new  # no kindergarten before, one now
    assert line.text_zh == f"幼儿园 6 分钟可达：0% → {math.floor(expected * 100)}%"
    assert line.text_en == f"Kindergarten within 6 minutes' walk: 0% → {math.floor(expected * 100)}%"
    assert summary.missing == () and summary.missing_zh == "" and summary.before == "base"
    assert resident_summary(before, before_snapshot, CATALOGUE, rules=rules).missing == ("community_canteen",)


def test_a_catchment_counts_the_households_the_validator_assigns_and_networkx_finds(grid):
    spots = {(0, 0): 100, (200, 0): 70, (0, 300): 50, (300, 200): 30, (400, 400): 20, (200, 300): 10}
    homes = {add_home(grid, x, y, h): (float(x), float(y)) for (x, y), h in spots.items()}
    households = dict(zip(homes, spots.values()))
    a = add_facility(grid, "kindergarten", 100, 100)
    b = add_facility(grid, "kindergarten", 400, 300)
    results, snapshot, rules = run(grid)
    nodes = {a: (100.0, 100.0), b: (400.0, 300.0)}
    nearest = walk_distances(nodes, homes)
    g = oracle_graph()

    for fid in (a, b):
        got = catchment(results, snapshot, ("facilities", fid), rules=rules)
        assert (got.facility_type, got.limit_m, got.minutes) == ("kindergarten", pytest.approx(LIMIT_M), 6)
        # The homes that reach it first: the validator's nearest-facility assignment …
        assigned = service_population(results, "kindergarten")[fid]
        assert (set(got.homes_first), got.households) == (set(assigned.homes), assigned.households)
        # … and networkx's.
        first = {h for h, (d, src) in nearest.items() if src == fid and d <= LIMIT_M}
        assert set(got.homes_first) == first and got.households == sum(households[h] for h in first)
        # Every home within the walk of it, whether or not another is nearer.
        alone = nx.single_source_dijkstra_path_length(g, nodes[fid], weight="weight")
        within = {h for h, xy in homes.items() if alone.get(xy, math.inf) <= LIMIT_M}
        assert set(got.homes_within) == within and first <= within
        assert got.households_within == sum(households[h] for h in within)
        # The network reached: each edge as far as the walk goes from either end.
        reach = sum(min(w, max(0.0, LIMIT_M - alone.get(u, math.inf)) + max(0.0, LIMIT_M - alone.get(v, math.inf)))
                    for u, v, w in g.edges(data="weight"))
        assert sum(line.length for line in got.edges) == pytest.approx(reach, abs=0.5)
        assert got.area.geom_type in ("Polygon", "MultiPolygon") and got.area.covers(snapshot.layers[
            "facilities"][fid].geometry)
        assert all(got.area.covers(Point(homes[h])) for h in within)
    assert catchment(results, snapshot, ("residential", next(iter(homes))), rules=rules) is None


def test_a_catchment_counts_the_homes_of_the_rules_unit_and_tells_those_outside_apart(grid):
    """Review item 2: the headline beside the summary counts the homes the walking finding counts
    (its planning unit); homes beyond the unit that reach the facility first are told separately."""
    inside_spots = {(0, 0): 100, (200, 0): 70}
    outside_spots = {(0, 300): 50, (300, 200): 30}
    inside = {add_home(grid, x, y, h): h for (x, y), h in inside_spots.items()}
    outside = {add_home(grid, x, y, h): h for (x, y), h in outside_spots.items()}
    # The community unit: the southern strip of the grid (homes at y = 0 only).
    grid.apply(AddFeature("planning_units", box(-50, -50, 450, 150), {"kind": "community", "name": "南片"}, "base"))
    kg = add_facility(grid, "kindergarten", 100, 100)
    results, snapshot, rules = run(grid)
    near = walk_distances({kg: (100.0, 100.0)}, {h: xy for h, xy in zip(
        list(inside) + list(outside), [(0.0, 0.0), (200.0, 0.0), (0.0, 300.0), (300.0, 200.0)])})
    assert all(near[h][0] <= LIMIT_M for h in list(inside) + list(outside))  # all four reach it first

    got = catchment(results, snapshot, ("facilities", kg), rules=rules)
    assert set(got.homes_first) == set(inside) and got.households == 170
    assert set(got.homes_outside) == set(outside) and got.households_outside == 80
    assert (got.unit_kind, got.unit_zh) == ("community", "社区")
    assert got.outside_words("zh") == "另有 80 户在社区范围外"
    # The same households the walking finding counts as covered (all 170 of the unit's 170).
    (walk,) = [f for f in results.findings if f.rule == "walk_kg"]
    assert walk.measured == pytest.approx(100.0)
    # No unit drawn: every home counts and none is outside.
    plain = replace(snapshot, layers={**snapshot.layers, "planning_units": {}})
    every = catchment(results, plain, ("facilities", kg), rules=rules)
    assert every.households == 250 and every.homes_outside == () and every.outside_words() == ""


# A second, tighter reading of the kindergarten's walk, in metres and informative: the summary tells
# the 6-minute line first (recommended before informative), catchments.walk_limit would take 300 m.
WALK_300 = rule("walk_kg_300", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": 300},
                {"min": 100}, severity="informative", unit="%")


def test_a_catchment_is_walked_at_the_limit_the_summary_tells_for_its_type(grid):
    spots = {(0, 0): 100, (200, 0): 70, (0, 400): 50, (300, 200): 30, (400, 400): 20}
    homes = {add_home(grid, x, y, h): (float(x), float(y)) for (x, y), h in spots.items()}
    households = dict(zip(homes, spots.values()))
    kg = add_facility(grid, "kindergarten", 100, 100)
    results, snapshot, rules = run(grid, rules=(WALK, WALK_300, CANTEEN))
    summary = resident_summary(results, snapshot, CATALOGUE, rules=rules)
    assert [line.rule_id for line in summary.lines] == ["walk_kg", "walk_kg_300"]
    assert "6 分钟" in summary.lines[0].text_zh

    got = catchment(results, snapshot, ("facilities", kg), rules=rules)
    assert (got.limit_m, got.minutes, got.pace) == (pytest.approx(LIMIT_M), 6, "adult")
    # Households counted by networkx within the 400 m (not 300 m): home (0, 400) is 400 m away.
    near = walk_distances({kg: (100.0, 100.0)}, homes)
    first = {h for h, (d, _) in near.items() if d <= LIMIT_M}
    assert any(300 < near[h][0] <= LIMIT_M for h in first)  # the plan tells the two limits apart
    assert set(got.homes_first) == first and got.households == sum(households[h] for h in first)
    # … which is the validator's nearest-facility assignment within that limit.
    assert got.households == service_population(results, "kindergarten", LIMIT_M)[kg].households


def test_a_type_no_summary_line_names_keeps_the_tightest_walking_limit(grid):
    """Walking findings with no share to tell (measured None) make no summary line; the type's
    catchment is then walked at catchments.walk_limit, the tightest of them."""
    home = add_home(grid, 0, 0, 40)  # 200 m from the kindergarten on the grid
    kg = add_facility(grid, "kindergarten", 100, 100)
    results, snapshot, rules = run(grid, rules=(WALK, WALK_300))
    assert catchment(results, snapshot, ("facilities", kg), rules=rules).limit_m == pytest.approx(LIMIT_M)
    silent = replace(results, findings=[replace(f, measured=None) for f in results.findings])
    assert resident_summary(silent, snapshot, CATALOGUE, rules=rules).lines == ()
    got = catchment(silent, snapshot, ("facilities", kg), rules=rules)
    assert (got.limit_m, got.minutes) == (pytest.approx(300.0), None)  # the 300 m reading, in metres
    assert got.homes_first == (home,) and got.households == 40


def test_new_facilities_are_those_added_moved_or_retyped_in_the_after_scenario(grid):
    kept = add_facility(grid, "kindergarten", 100, 100)
    to_move = add_facility(grid, "supermarket", 200, 100)
    to_retype = add_facility(grid, "pharmacy", 300, 100)
    session = PlanSession(grid)
    session.create_scenario("规划", copy_from="base")
    copies = {x.get("type"): x.fid for x in grid.features("facilities", "规划")}
    moved = grid.feature("facilities", copies["supermarket"])
    session.apply(ChangeGeometry("facilities", moved.fid, moved.geometry,
                                 shapely.affinity.translate(moved.geometry, 30, 0)))
    session.apply(ChangeAttributes.of(grid, "facilities", copies["pharmacy"], type="repair_point"))
    added = add_facility(grid, "nursery", 400, 400, scenario="规划")

    got = set(new_facilities(take_snapshot(grid, "base"), take_snapshot(grid, "规划")))
    assert got == {("facilities", copies["supermarket"]), ("facilities", copies["pharmacy"]),
                   ("facilities", added)}
    assert ("facilities", copies["kindergarten"]) not in got
    assert {kept, to_move, to_retype}.isdisjoint({fid for _, fid in got})  # base's own are not "new"
    session.switch_scenario("规划")
    assert set(session.new_facilities("base")) == got


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_the_demo_plan_scenario_adds_facilities_on_real_sites_and_fixes_required_failures(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    try:
        assert [s.name for s in session.plan.scenarios()] == ["base", "规划方案"]
        base = session.validate(scenario="base")
        session.switch_scenario("规划方案")
        after = session.validate()
        added = session.new_facilities("base")
        assert len(added) >= 15
        # Every site is real: an OSM building, land-use parcel or residential compound of the base map.
        sites = [f.geometry for layer in ("basemap_buildings", "basemap_landuse") for f in session.plan.features(layer)]
        sites += [f.geometry for f in session.plan.features("residential", "base")]
        tree = shapely.STRtree(sites)
        for layer, fid in added:
            facility = session.plan.feature(layer, fid)
            assert any(sites[i].buffer(0.5).covers(facility.geometry) for i in tree.query(facility.geometry)), \
                facility.get("name")
            assert facility.get("status") == "planned" and facility.get("name")
            assert facility.get("construction") in ("new", "rebuild") and facility.get("year")
            assert facility.get("implementing_body")
            assert facility.get("type") not in ("primary_school", "middle_school")
        # Fewer required failures, and every required "at least one" that failed now passes.
        assert after.summary()["required_failed"] < base.summary()["required_failed"]
        passed_after = {f.rule for f in after.findings if f.applied and f.status == "pass"}
        for f in base.findings:
            if f.applied and f.kind == "presence" and f.severity == "required" and f.status == "fail":
                assert f.rule in passed_after, f.rule
        # What residents are told shows the change.
        summary = session.resident_summary("base", results=after, before_results=base)
        assert summary.before == "base" and summary.scenario == "规划方案"
        better = [line for line in summary.lines if line.share > (line.share_before or 0) + 0.2]
        assert any(line.facility_type == "kindergarten" and line.is_new for line in better)
        assert "→" in better[0].text_zh
        # No space after a closing bracket (review item 11: "社区卫生服务中心（社区医院） 15 分钟可达").
        assert not any("） " in line.text_zh for line in summary.lines)
        assert any("（社区医院）15 分钟可达" in line.text_zh for line in summary.lines)
        session.switch_scenario("base")
        assert len(summary.missing) < len(session.resident_summary(results=base).missing)
        session.switch_scenario("规划方案")
        # The catchment of each added facility judged by a walking rule: the validator's households
        # within the limit the summary's line for its type reads.
        for key in added:
            got = session.catchment(key, results=after)
            if got is None:
                continue
            lines = [line for line in summary.lines if line.facility_type == got.facility_type]
            if lines:  # the type's own line: its finding's limit (kindergarten: 10 minutes, not 500 m)
                (read,) = [f for f in after.findings if f.rule == lines[0].rule_id and f.applied]
                assert got.limit_m == read.limit_m
            assigned = service_population(after, got.facility_type, got.limit_m).get(key[1])
            assert got.households + got.households_outside == pytest.approx(assigned.households if assigned else 0.0)
            assert set(got.homes_first) <= set(got.homes_within)
    finally:
        session.close()


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_the_demos_kindergarten_catchments_add_up_to_the_households_its_summary_line_counts(tmp_path):
    """Review item 2: 同济社区幼儿园's headline, the 58% line beside it and validate must tell one
    story. The covered households are worked out here again: the community unit's homes (shapely),
    their households, and the finding's share of them."""
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    try:
        session.switch_scenario("规划方案")  # base has no kindergarten; the plan adds 同济社区幼儿园
        results = session.validate()
        summary = session.resident_summary(results=results)
        (line,) = [line for line in summary.lines if line.facility_type == "kindergarten"][:1]
        (read,) = [f for f in results.findings if f.rule == line.rule_id and f.applied]
        units = [u.geometry for u in session.plan.features("planning_units", "规划方案")
                 if (u.get("kind") or "community") == "community"]
        unit = shapely.union_all(units)
        homes = session.plan.features("residential", "规划方案")
        in_unit = {h.fid: float(h.get("households") or 0) for h in homes
                   if unit.intersects(h.geometry.point_on_surface())}
        assert 0 < len(in_unit) < len(homes)  # the demo has homes beyond the community
        covered = read.measured / 100.0 * sum(in_unit.values())
        kindergartens = [f for f in session.plan.features("facilities", "规划方案") if f.get("type") == "kindergarten"]
        assert kindergartens
        got = [session.catchment(("facilities", k.fid), results=results) for k in kindergartens]
        assert sum(c.households for c in got) == pytest.approx(covered, abs=0.5)
        assert all(set(c.homes_first) <= set(in_unit) for c in got)
        assert all(not set(c.homes_outside) & set(in_unit) for c in got)
        assert any(c.households_outside > 0 for c in got)  # homes beyond the unit are told apart
    finally:
        session.close()



def test_the_session_builds_the_walking_graph_again_when_a_path_is_added(grid):
    from shapely.geometry import LineString

    from lifecircle_desktop.model.edits import SetRulePacks
    pack = load_pack("test.toml", text=pack_text(WALK, CANTEEN))
    session = PlanSession(grid, packs=[pack])
    session.apply(SetRulePacks.of(grid, ["test"]))
    home = add_home(grid, 300, 200, 40)  # its gate behind the missing link (200, 200)–(300, 200)
    kg = add_facility(grid, "kindergarten", 0, 200)
    g = oracle_graph()
    assert nx.shortest_path_length(g, (0.0, 200.0), (300.0, 200.0), weight="weight") == 500  # round the block
    before = session.catchment(("facilities", kg))
    assert home not in before.homes_within and home not in before.homes_first
    assert session.catchment(("facilities", kg)).homes_within == before.homes_within  # the cached graph
    session.add("walk_network", LineString([(200, 200), (300, 200)]), **{"class": "footway"})
    after = session.catchment(("facilities", kg))
    assert home in after.homes_within and home in after.homes_first  # 300 m now: the new path is walked
    assert after.households == 40


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_the_command_line_validates_the_demo_plan_scenario(tmp_path):
    import json

    from tests.helpers import cli
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    base = json.loads(cli("validate", path, "--format", "json").stdout)
    planned = cli("validate", path, "--scenario", "规划方案", "--format", "json")
    assert planned.returncode in (0, 1), planned.stderr  # 1: a required rule still fails
    planned = json.loads(planned.stdout)
    assert planned["scenario"] == "规划方案"
    assert planned["summary"]["required_failed"] < base["summary"]["required_failed"]

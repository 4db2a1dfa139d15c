"""design.md §5: incremental re-validation after any edit equals a full re-run."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import LineString, box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry, DeleteFeature
from lifecircle_desktop.model.network import WalkGraph, access_points
from lifecircle_desktop.model.rules import load_packs
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.model.planbuilder import facility, grid_plan, home

PACKS = load_packs()
TYPES = ["kindergarten", "supermarket", "elderly_service_station", "health_station", "community_service_station"]

step = st.tuples(st.sampled_from(["move_fac", "retype", "add_fac", "del_fac", "households", "gate", "path",
                                  "move_home", "floors"]),
                 st.integers(0, 10 ** 6), st.floats(-150, 150, allow_nan=False), st.floats(-150, 150, allow_nan=False))


def comparable(results):
    return ([f.to_json() for f in results.findings],
            {h: {t: (n.facility, n.distance_m) for t, n in row.items()} for h, row in results.nearest.items()})


def walking_distance(snapshot, layer, facility, home_fid, limit_m):
    """One facility to one home, searched on its own with the public network API."""
    graph = WalkGraph.from_features(snapshot.features("walk_network"))

    def gates(of):
        return [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snapshot.features("entrances")
                if e.get("layer") == of]
    source = access_points({facility: snapshot.feature(layer, facility).geometry}, gates(layer), graph)
    home_ap = access_points({home_fid: snapshot.feature("residential", home_fid).geometry}, gates("residential"), graph)
    return float(graph.nearest(source, home_ap, limit_m).distance[0])


def assert_same(incremental, full, snapshot):
    """The same findings and walking distances; the nearest facility named the same, or, where two
    stand at the same distance (a search from fewer facilities may meet the other first), one at
    exactly that distance."""
    assert [f.to_json() for f in incremental.findings] == [f.to_json() for f in full.findings]
    assert np.array_equal(incremental.home_ids, full.home_ids)
    assert incremental.distances.keys() == full.distances.keys()
    for t, (dist, near, layer) in full.distances.items():
        got_dist, got_near, got_layer = incremental.distances[t]
        assert got_layer == layer
        assert np.array_equal(got_dist, dist), t
        for i in np.flatnonzero(got_near != near):
            assert walking_distance(snapshot, layer, int(got_near[i]), int(full.home_ids[i]),
                                    full.search_limit_m) == dist[i], (t, int(full.home_ids[i]))


def _pick(plan, layer, seed):
    fids = sorted(f.fid for f in plan.features(layer))
    return fids[seed % len(fids)] if fids else None


def _edit(plan, kind, seed, dx, dy):
    fac = _pick(plan, "facilities", seed)
    if kind == "add_fac" or fac is None:
        x, y = (seed % 400), (seed // 400 % 400)
        return AddFeature("facilities", box(x, y, x + 20, y + 15), {"type": TYPES[seed % len(TYPES)], "floors": 2,
                                                                          "classes": seed % 4 or None})  # capacity (issue 15)
    if kind == "move_fac":
        return ChangeGeometry.of(plan, "facilities", fac, affinity.translate(plan.feature("facilities", fac).geometry, dx, dy))
    if kind == "retype":
        return ChangeAttributes.of(plan, "facilities", fac, type=TYPES[seed % len(TYPES)])
    if kind == "floors":
        return ChangeAttributes.of(plan, "facilities", fac, floors=seed % 6 + 1)
    if kind == "del_fac":
        return DeleteFeature.of(plan, "facilities", fac)
    res = _pick(plan, "residential", seed)
    if kind == "households":
        return ChangeAttributes.of(plan, "residential", res, households=seed % 500)
    if kind == "move_home":
        return ChangeGeometry.of(plan, "residential", res, affinity.translate(plan.feature("residential", res).geometry, dx, dy))
    gate = _pick(plan, "entrances", seed)
    if kind == "gate" and gate is not None:
        return ChangeAttributes.of(plan, "entrances", gate, open=not plan.feature("entrances", gate)["open"])
    return AddFeature("walk_network", LineString([(200 + dx, 200 + dy), (260 + dx, 175 + dy)]), {"class": "path"})


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_incremental_equals_full(steps):
    with tempfile.TemporaryDirectory() as d:
        plan = grid_plan(Path(d) / "g.gpkg", n=5)
        home(plan, 0, 0, 300, gates=[(0, 0), (100, 0)])
        home(plan, 300, 200, 120)
        home(plan, 100, 300, 80, gates=[(100, 300)])
        facility(plan, "kindergarten", 200, 100, classes=2)
        facility(plan, "supermarket", 400, 400)
        live = Validator(PACKS)
        live.full(take_snapshot(plan, version=0))
        for version, (kind, seed, dx, dy) in enumerate(steps, start=1):
            changes = plan.apply(_edit(plan, kind, seed, dx, dy))
            snap = take_snapshot(plan, version=version)
            assert_same(live.update(snap, changes), Validator(PACKS).full(snap), snap)
        plan.close()


@pytest.mark.parametrize("edges, moves", [(1000, 30), (10000, 15)])
def test_facility_moves_on_a_district_grid_equal_full(tmp_path, edges, moves):
    """Issue 17: moving one facility at a time on the scale benchmark's synthetic district
    (bench/synthetic.py) — the bounded search and the findings kept equal a full run."""
    from bench.synthetic import make_plan, move_facility
    make_plan(tmp_path / "district.gpkg", edges, seed=3)
    session = PlanSession.open(tmp_path / "district.gpkg")
    try:
        live = Validator(session.enabled_packs(), catalogue=session.catalogue)
        live.full(session.snapshot())
        rng = np.random.default_rng(edges)
        for version in range(1, moves + 1):
            changes = move_facility(session, rng, max_offset_m=400.0)
            snap = session.snapshot(version=version)
            full = Validator(session.enabled_packs(), catalogue=session.catalogue).full(snap)
            assert_same(live.update(snap, changes), full, snap)
    finally:
        session.close()


def test_the_walking_graph_is_built_once_per_network(tmp_path):
    """Issue 17: every validator of the process shares the graph of one walking network; a path
    edit makes another, and undoing the edit's content does not bring back a stale one."""
    from lifecircle_desktop.model.validate import walk_graph
    plan = grid_plan(tmp_path / "g.gpkg", n=4)
    home(plan, 0, 0, 100)
    facility(plan, "kindergarten", 200, 100)
    first = take_snapshot(plan, version=0)
    graph = walk_graph(first)
    assert graph is not None and graph.n_edges == 23
    assert walk_graph(take_snapshot(plan, version=1)) is graph
    added = plan.apply(AddFeature("facilities", box(50, 50, 60, 60), {"type": "supermarket"}))
    assert walk_graph(take_snapshot(plan, version=2)) is graph  # not a path: the same graph
    changes = plan.apply(AddFeature("walk_network", LineString([(0, 0), (300, 300)]), {"class": "path"}))
    edited = take_snapshot(plan, version=3)
    other = walk_graph(edited)
    assert other is not graph and other.n_edges > graph.n_edges
    live = Validator(PACKS)
    live.full(first)
    assert_same(live.update(edited, added.merge(changes)), Validator(PACKS).full(edited), edited)
    plan.close()


def test_a_polygon_drawn_invalid_elsewhere_stays_named_after_other_edits_and_goes_once_redrawn(tmp_path):
    """The invalid-polygon check of a layer an edit touched tests again only the polygons the edit
    made (rules/plan_file.py); the findings equal a full run's."""
    from tests.model.test_session import bad_rows_plan
    path, fids = bad_rows_plan(tmp_path)
    bow_tie = f"plan_file.invalid.facilities.{fids['bow_tie']}"
    with PlanSession.open(path) as session:
        plan = session.plan
        live = Validator(PACKS)
        assert bow_tie in {f.rule for f in live.full(take_snapshot(plan, version=0)).findings}
        other = next(f.fid for f in plan.features("facilities") if f.get("type") == "kindergarten")
        edits = [ChangeGeometry.of(plan, "facilities", other,
                                   affinity.translate(plan.feature("facilities", other).geometry, 30, 0)),
                 ChangeGeometry.of(plan, "facilities", fids["bow_tie"], box(200, 200, 260, 260))]
        for version, edit in enumerate(edits, start=1):
            changes = plan.apply(edit)
            snap = take_snapshot(plan, version=version)
            got = live.update(snap, changes)
            assert [f.to_json() for f in got.findings] == [f.to_json() for f in Validator(PACKS).full(snap).findings]
            invalid = [f.rule for f in got.findings if f.rule.startswith("plan_file.invalid.")]
            assert invalid == ([bow_tie] if version == 1 else [])

"""Re-noding only the paths an edit touched (network.renode, issue 17 item 4) gives the graph a full
build gives: the same nodes (by coordinates and OSM id), the same edges with their lengths, and the
same walking distance for every home — checked against a full build, the networkx oracle on the same
edges, and (drawn paths only) an oracle that nodes the lines with GEOS and snaps by brute force."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.affinity import translate

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry, DeleteFeature
from lifecircle_desktop.model.network import SNAP_TOLERANCE_M, AccessPoints, WalkGraph, renode
from lifecircle_desktop.model.rules import load_packs
from lifecircle_desktop.model.schema import WALK_NETWORK
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator, walk_graph
from tests.model.planbuilder import facility, grid_plan, home
from tests.model.test_network import (check_against_edge_list_oracle, check_against_split_segment_oracle,
                                      random_owners, random_planar_ways, segments_of)
from tests.model.test_validate_incremental import assert_same

PACKS = load_packs()

SIZE = 1000.0


def node_set(graph):
    return sorted(zip(graph.node_xy[:, 0].tolist(), graph.node_xy[:, 1].tolist(), graph.node_osm_id.tolist()))


def edge_set(graph):
    """Each edge as (its two end places, its path fid, its length): the graph without numbering."""
    out = []
    for a, b, fid, length in zip(graph.u.tolist(), graph.v.tolist(), graph.edge_fid.tolist(), graph.length.tolist()):
        ends = sorted([tuple(graph.node_xy[a].tolist()), tuple(graph.node_xy[b].tolist())])
        out.append((ends[0], ends[1], fid, round(length, 9)))
    return sorted(out)


class Network:
    """Walking lines by fid, edited at random: drawn paths added (some ending on another path,
    on one of its vertices or part way along), moved, deleted; OSM ways (node ids) among them."""

    def __init__(self, rng, with_osm: bool):
        self.rng = rng
        self.lines: dict[int, LineString] = {}
        self.ids: dict[int, str | None] = {}
        if with_osm:
            ways, ids = random_planar_ways(rng, n_points=25, size=SIZE)
            for way, way_ids in zip(ways, ids):
                self._put(way, " ".join(str(i) for i in way_ids))
        for _ in range(15):
            self._put(self._new_path(), None)

    def _put(self, line, ids, fid=None):
        fid = fid if fid is not None else max(self.lines, default=0) + 1
        self.lines[fid], self.ids[fid] = line, ids
        return fid

    def _new_path(self) -> LineString:
        rng = self.rng
        xy = rng.uniform(0, SIZE, (int(rng.integers(2, 5)), 2))
        if self.lines and rng.random() < 0.5:  # start on another path: a vertex, or part way along
            other = self.lines[int(rng.choice(list(self.lines)))]
            if rng.random() < 0.5:
                xy[0] = np.asarray(other.coords)[int(rng.integers(len(other.coords)))]
            else:
                xy[0] = np.asarray(other.interpolate(rng.random(), normalized=True).coords)[0]
        line = LineString(xy)
        # A path crossing itself is not noded there by either build (a full build nodes crossings
        # of different lines), while the GEOS oracle would: draw paths that do not.
        return line if line.is_simple else self._new_path()

    def edit(self) -> set[int]:
        """One random edit; the fids it added, changed or removed."""
        rng = self.rng
        drawn = [f for f in self.lines if self.ids[f] is None]
        kind = rng.choice(["add", "move", "delete", "reshape"]) if drawn else "add"
        if kind == "add":
            return {self._put(self._new_path(), None)}
        fid = int(rng.choice(drawn if kind != "delete" or rng.random() < 0.7 else list(self.lines)))
        if kind == "delete":
            del self.lines[fid], self.ids[fid]
        elif kind == "move":
            self.lines[fid] = translate(self.lines[fid], *rng.normal(0, 40, 2))  # still simple
        else:
            self._put(self._new_path(), None, fid)
        return {fid}

    def arrays(self):
        fids = sorted(self.lines)
        return [self.lines[f] for f in fids], [self.ids[f] for f in fids], fids


def geos_noded(lines):
    """The lines noded by GEOS: each first snapped (1 cm, SNAP_TOLERANCE_M) to the others' vertices —
    a path started part way along another lies on it only to float precision — then shapely.node."""
    vertices = [shapely.multipoints(shapely.get_coordinates(line)) for line in lines]
    snapped = [shapely.snap(line, shapely.union_all(vertices[:k] + vertices[k + 1:]), SNAP_TOLERANCE_M)
               for k, line in enumerate(lines)]
    return shapely.get_parts(shapely.node(MultiLineString(snapped)))


def check_same(incremental, full):
    assert incremental.n_nodes == full.n_nodes and incremental.n_edges == full.n_edges
    assert node_set(incremental) == node_set(full)
    assert edge_set(incremental) == edge_set(full)
    # Every node is an end of some edge, as in a full build.
    assert len(np.unique(np.concatenate([incremental.u, incremental.v]))) == incremental.n_nodes


def check_distances(incremental, full, rng):
    s_fids, s_xy = random_owners(rng, 4, size=SIZE)
    t_fids, t_xy = random_owners(rng, 40, size=SIZE, first_fid=100)
    for limit in (math.inf, 400.0):
        got = incremental.nearest(AccessPoints.at_points(s_fids, s_xy, incremental),
                                  AccessPoints.at_points(t_fids, t_xy, incremental), limit)
        want = full.nearest(AccessPoints.at_points(s_fids, s_xy, full), AccessPoints.at_points(t_fids, t_xy, full), limit)
        np.testing.assert_allclose(got.distance, want.distance, rtol=0, atol=1e-6)
        check_against_edge_list_oracle(incremental, AccessPoints.at_points(s_fids, s_xy, incremental),
                                       AccessPoints.at_points(t_fids, t_xy, incremental), limit)
    return s_fids, s_xy, t_fids, t_xy


@pytest.mark.parametrize("with_osm", [False, True], ids=["drawn", "drawn+osm"])
@pytest.mark.parametrize("seed", range(4))
def test_renoding_after_random_edits_equals_a_full_build(seed, with_osm):
    rng = np.random.default_rng(1700 + seed)
    net = Network(rng, with_osm)
    graph = WalkGraph.build(*net.arrays())
    for step in range(12):
        changed = net.edit()
        lines, ids, fids = net.arrays()
        incremental = renode(graph, changed, lines, ids, fids)
        full = WalkGraph.build(lines, ids, fids)
        check_same(incremental, full)
        if step % 4 == 3:
            s_fids, s_xy, t_fids, t_xy = check_distances(incremental, full, rng)
            if not with_osm:  # an oracle that shares no code with the graph build
                noded = geos_noded(lines)
                check_against_split_segment_oracle(incremental, segments_of(noded, [None] * len(noded)),
                                                   s_fids, s_xy, t_fids, t_xy, math.inf, 1e-6)
        graph = incremental  # the next edit starts from the re-noded graph, as the live loop does


def test_a_path_drawn_across_a_street_joins_it_and_deleting_it_parts_them_again():
    street = LineString([(0, 0), (200, 0)])
    lane = LineString([(100, -50), (100, 50)])
    before = WalkGraph.build([street], None, [1])
    after = renode(before, {2}, [street, lane], [None, None], [1, 2])
    assert (after.n_nodes, after.n_edges) == (5, 4)  # the crossing at (100, 0) is a junction
    assert (100.0, 0.0) in {tuple(xy) for xy in after.node_xy.tolist()}
    again = renode(after, {2}, [street], [None], [1])
    assert (again.n_nodes, again.n_edges) == (2, 1)
    assert again.length.tolist() == [200.0]


def test_an_edit_to_a_path_that_is_not_walkable_leaves_the_graph_as_it_was():
    street = LineString([(0, 0), (200, 0)])
    before = WalkGraph.build([street], None, [1])
    assert renode(before, {7}, [street], [None], [1]) is before


# --- the live loop: Validator.update after path edits -------------------------------------------
def fresh_copy(snapshot):
    """The same snapshot with its walk_network handed in as a plain mapping: a table of its own,
    so walk_graph builds its graph in full instead of reusing the re-noded one."""
    layers = dict(snapshot.layers)
    layers[WALK_NETWORK] = dict(snapshot.layers[WALK_NETWORK].items())
    return replace(snapshot, layers=layers)


@pytest.mark.parametrize("seed", range(3))
def test_revalidation_after_path_edits_equals_a_full_run(tmp_path, seed):
    """Drawn paths added across the OSM grid, moved, closed and deleted, one edit at a time: the live
    validator (re-noding the edited paths) gives what a validator with a fully built graph gives."""
    rng = np.random.default_rng(seed)
    plan = grid_plan(tmp_path / "g.gpkg", n=5)
    home(plan, 0, 0, 300, gates=[(0, 0), (100, 0)])
    home(plan, 300, 200, 120)
    home(plan, 100, 300, 80)
    facility(plan, "kindergarten", 200, 100, classes=2)
    facility(plan, "supermarket", 400, 400)
    live = Validator(PACKS)
    live.full(take_snapshot(plan, version=0))
    drawn = []
    for version in range(1, 9):
        kind = rng.choice(["add", "move", "close", "delete"]) if drawn else "add"
        if kind == "add":
            edit = AddFeature(WALK_NETWORK, LineString(rng.uniform(-20, 420, (2, 2))), {"class": "path"})
        else:
            fid = int(rng.choice(drawn))
            if kind == "move":
                moved = translate(plan.feature(WALK_NETWORK, fid).geometry, *rng.normal(0, 60, 2))
                edit = ChangeGeometry.of(plan, WALK_NETWORK, fid, moved)
            elif kind == "close":
                edit = ChangeAttributes.of(plan, WALK_NETWORK, fid, closed=True)
            else:
                edit = DeleteFeature.of(plan, WALK_NETWORK, fid)
            drawn.remove(fid) if kind in ("close", "delete") else None
        changes = plan.apply(edit)
        if kind == "add":
            drawn.append(changes.edit.fid)
        snap = take_snapshot(plan, version=version)
        got = live.update(snap, changes)
        graph = walk_graph(snap)
        full_snap = fresh_copy(snap)
        full_graph = walk_graph(full_snap)
        assert full_graph is not graph
        check_same(graph, full_graph)
        assert_same(got, Validator(PACKS).full(full_snap), full_snap)
    plan.close()

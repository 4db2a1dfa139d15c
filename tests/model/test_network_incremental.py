"""Re-noding only the paths an edit touched (network.renode, issue 17 item 4) gives the graph a full
build gives: the same nodes (by coordinates and OSM id), the same edges with their lengths, and the
same walking distance for every home — checked against a full build, the networkx oracle on the same
edges, and (drawn paths only) an oracle that nodes the lines with GEOS and snaps by brute force."""
from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.affinity import translate

from lifecircle_desktop.model.network import SNAP_TOLERANCE_M, AccessPoints, WalkGraph, renode
from tests.model.test_network import (check_against_edge_list_oracle, check_against_split_segment_oracle,
                                      random_owners, random_planar_ways, segments_of)

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

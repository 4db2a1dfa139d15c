"""Walking network and walking distance (design.md §4; docs/walking-distance.md).

Hand-built networks check exact distances; random and real (OSM) networks check agreement with
the networkx oracles in tests/oracle.py.
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from lifecircle_desktop.model.network import (AccessPoints, WalkGraph, access_points, parse_node_ids,
                                              straight_line_nearest)
from lifecircle_desktop.model.plan import Feature, typed_attributes
from tests.conftest import REAL_DATA
from tests.oracle import distance_between, nearest_from_edge_list, split_segment_nearest

SQRT2 = math.sqrt(2.0)


def at(graph, points: dict[int, tuple[float, float]]) -> AccessPoints:
    """Owners given as points: {fid: (x, y)}."""
    return AccessPoints.at_points(list(points), list(points.values()), graph)


def walk(graph, facilities: dict, homes: dict, limit=math.inf) -> dict[int, float]:
    """{home fid: distance to the nearest facility}."""
    targets = at(graph, homes)
    distance, _ = graph.nearest(at(graph, facilities), targets, limit)
    return dict(zip(targets.owners.tolist(), distance.tolist()))


# --- a 5 × 5 grid of 100 m blocks with the link (200,200)–(300,200) missing ------------------
MISSING = ((200, 200), (300, 200))


def grid_osm(missing=MISSING):
    """Every block side is its own OSM way; node ids 1 + 10 i + j at (100 i, 100 j)."""
    lines, ids = [], []
    for i in range(6):
        for j in range(6):
            for di, dj in ((1, 0), (0, 1)):
                if i + di > 5 or j + dj > 5:
                    continue
                a, b = (100 * i, 100 * j), (100 * (i + di), 100 * (j + dj))
                if (a, b) == missing:
                    continue
                lines.append(LineString([a, b]))
                ids.append(f"{1 + 10 * i + j} {1 + 10 * (i + di) + j + dj}")
    return lines, ids


def grid_drawn():
    """The same grid drawn as 12 crossing streets (no node ids), one street with the gap."""
    lines = [LineString([(x, 0), (x, 500)]) for x in range(0, 501, 100)]
    lines += [LineString([(0, y), (500, y)]) for y in (0, 100, 300, 400, 500)]
    lines += [LineString([(0, 200), (200, 200)]), LineString([(300, 200), (500, 200)])]
    return lines, None


@pytest.fixture(params=["osm_ids", "drawn"])
def grid(request):
    lines, ids = grid_osm() if request.param == "osm_ids" else grid_drawn()
    return WalkGraph.build(lines, ids)


def test_grid_topology(grid):
    assert (grid.n_nodes, grid.n_edges) == (36, 59)
    assert np.allclose(grid.length, 100.0)
    assert np.allclose(grid.length, shapely.length(grid.edge_geometry))
    # Each edge runs from node u to node v.
    starts = shapely.get_coordinates(shapely.get_point(grid.edge_geometry, 0))
    ends = shapely.get_coordinates(shapely.get_point(grid.edge_geometry, -1))
    assert np.allclose(starts, grid.node_xy[grid.u]) and np.allclose(ends, grid.node_xy[grid.v])


def test_grid_distances_are_street_distances_with_the_detour(grid):
    got = walk(grid, {1: (200, 200)}, {10: (300, 200), 11: (500, 200), 12: (0, 0), 13: (400, 400),
                                       14: (200, 0), 15: (250, 130), 16: (200, 200)})
    assert got[10] == pytest.approx(300.0, abs=1e-9)  # around the missing link: up, across, down
    assert got[11] == pytest.approx(500.0, abs=1e-9)  # the row is cut: detour of 200 m
    assert got[12] == pytest.approx(400.0, abs=1e-9)
    assert got[13] == pytest.approx(400.0, abs=1e-9)
    assert got[14] == pytest.approx(200.0, abs=1e-9)
    # Off the grid: 30 m onto y=100 at x=250, 50 m to x=200, 100 m up.
    assert got[15] == pytest.approx(30.0 + 50.0 + 100.0, abs=1e-9)
    assert got[16] == pytest.approx(0.0, abs=1e-9)


def test_grid_nearest_facility_is_named(grid):
    targets = at(grid, {10: (100, 100), 11: (400, 300), 12: (500, 200)})
    distance, source = grid.nearest(at(grid, {1: (0, 0), 2: (500, 500)}), targets)
    assert distance.tolist() == pytest.approx([200.0, 300.0, 300.0])
    assert source.tolist() == [1, 2, 2]


# --- compound gates ----------------------------------------------------------------------------
HOME = Polygon([(40, 30), (60, 30), (60, 70), (40, 70)])  # inside the block (0..100, 0..100)
SOUTH_GATE, NORTH_GATE = Point(50, 30), Point(50, 70)
SCHOOL = Polygon([(0, 0), (-20, -30), (20, -30)])  # touches the network only at node (0, 0)


def gate_distance(graph, gates) -> float:
    homes = access_points({7: HOME}, gates, graph)
    school = access_points({1: SCHOOL}, [], graph)
    distance, _ = graph.nearest(school, homes)
    return float(distance[0])


def test_closing_the_nearer_gate_sends_residents_round_to_the_other(grid):
    # South gate: 30 m to y=0, 50 m west to the school. North gate: 30 + 50 + 100 m.
    assert gate_distance(grid, [(7, SOUTH_GATE, True), (7, NORTH_GATE, True)]) == pytest.approx(80.0)
    assert gate_distance(grid, [(7, SOUTH_GATE, False), (7, NORTH_GATE, True)]) == pytest.approx(180.0)
    assert gate_distance(grid, [(7, SOUTH_GATE, False), (7, NORTH_GATE, False)]) == math.inf


def test_entrances_of_other_owners_do_not_count(grid):
    gates = [(7, NORTH_GATE, True), (99, SOUTH_GATE, True)]
    assert gate_distance(grid, gates) == pytest.approx(180.0)


def test_without_entrances_the_footprint_point_nearest_the_network_is_used(grid):
    diamond = Polygon([(50, 20), (70, 50), (50, 80), (30, 50)])  # nearest the network at (50, 20)
    homes = access_points({7: diamond}, [], grid)
    assert homes.xy.tolist() == [[50.0, 20.0]]
    assert homes.snaps.connector.tolist() == pytest.approx([20.0])
    distance, source = grid.nearest(access_points({1: SCHOOL}, [], grid), homes)
    assert distance.tolist() == pytest.approx([70.0]) and source.tolist() == [1]
    # A footprint touching a path has no connector at all.
    assert access_points({1: SCHOOL}, [], grid).snaps.connector.tolist() == [0.0]


def test_bus_stops_are_their_own_access_points(grid):
    stops = access_points({5: Point(100, 110)}, [], grid)
    assert stops.xy.tolist() == [[100.0, 110.0]]
    assert stops.snaps.connector.tolist() == pytest.approx([0.0])


# --- drawn paths -------------------------------------------------------------------------------
def square_block():
    """OSM ways round a 200 m square: A(0,0) B(200,0) C(200,200) D(0,200)."""
    return [LineString([(0, 0), (200, 0), (200, 200)]), LineString([(200, 200), (0, 200), (0, 0)])], \
        ["1 2 3", "3 4 1"]


def test_drawn_path_joining_the_middle_of_an_edge_is_a_shortcut():
    lines, ids = square_block()
    facility, home = {1: (100, 0)}, {7: (90, 210)}
    before = walk(WalkGraph.build(lines, ids), facility, home)[7]
    assert before == pytest.approx(10 + 90 + 200 + 100)
    # A path drawn from the middle of the north side to the middle of the south side.
    graph = WalkGraph.build(lines + [LineString([(100, 200), (100, 0)])], ids + [None])
    after = walk(graph, facility, home)[7]
    assert after == pytest.approx(10 + 10 + 200)
    assert before - after == pytest.approx(180.0)
    # Corners B and D are mere vertices of the ways; A, C and the two split points are nodes.
    assert graph.n_nodes == 4 and graph.n_edges == 5


def test_drawn_path_crossing_osm_ways_joins_them_but_osm_crossings_do_not():
    street = LineString([(0, 0), (200, 0)])
    bridge = LineString([(100, -100), (100, 100)])  # crosses the street without a shared node
    facility, home = {1: (0, 0)}, {7: (100, 100)}
    assert walk(WalkGraph.build([street, bridge], ["1 2", "3 4"]), facility, home)[7] == math.inf
    # A drawn path crossing the street at (70, 0) and the bridge at (100, 30).
    path = LineString([(50, -20), (150, 80)])
    graph = WalkGraph.build([street, bridge, path], ["1 2", "3 4", None])
    assert walk(graph, facility, home)[7] == pytest.approx(70 + 30 * SQRT2 + 70)
    # New nodes: the two crossings and the drawn path's ends; the OSM ids stay on their nodes.
    assert (graph.n_nodes, graph.n_edges) == (8, 7)
    assert sorted(graph.node_osm_id.tolist()) == [-1, -1, -1, -1, 1, 2, 3, 4]


def test_drawn_path_ending_within_a_centimetre_of_a_path_joins_it():
    street = LineString([(0, 0), (200, 0)])
    path = LineString([(120, 0.005), (120, 100)])  # drawn by hand, 5 mm short of the street
    graph = WalkGraph.build([street, path], ["1 2", None])
    assert walk(graph, {1: (0, 0)}, {7: (120, 100)})[7] == pytest.approx(220.0, abs=0.01)
    gap = LineString([(120, 0.05), (120, 100)])  # 5 cm short: not joined
    assert walk(WalkGraph.build([street, gap], ["1 2", None]), {1: (0, 0)}, {7: (120, 100)})[7] == math.inf


def test_a_closed_loop_path_can_be_walked_round():
    ring = LineString([(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)])
    graph = WalkGraph.build([ring], ["1 2 3 4 1"])
    assert graph.n_edges == 2 and graph.length.sum() == pytest.approx(400.0)
    assert walk(graph, {1: (0, -5)}, {7: (60, 105)})[7] == pytest.approx(5 + 160 + 5)


# --- same edge -------------------------------------------------------------------------------
def test_source_and_target_on_the_same_long_edge():
    graph = WalkGraph.build([LineString([(0, 0), (1000, 0)])], ["1 2"])
    assert graph.n_edges == 1
    assert walk(graph, {1: (200, 5)}, {7: (700, -5), 8: (150, 0)}) == pytest.approx({7: 510.0, 8: 55.0})


def test_same_edge_takes_the_shorter_of_along_the_edge_and_round_the_network():
    # A U-shaped edge 910 m long whose two ends are joined by a 10 m link.
    u_path = LineString([(0, 0), (0, 450), (10, 450), (10, 0)])
    graph = WalkGraph.build([u_path, LineString([(10, 0), (0, 0)])], ["1 2 3 4", "4 1"])
    got = walk(graph, {1: (-5, 100)}, {7: (15, 100), 8: (-5, 300)})
    assert got[7] == pytest.approx(5 + 100 + 10 + 100 + 5)  # round by the link, not 720 m along
    assert got[8] == pytest.approx(5 + 200 + 5)             # straight along the edge
    edges = graph.edge_list(at(graph, {1: (-5, 100)}), at(graph, {7: (15, 100), 8: (-5, 300)}))
    assert (("source", 1), ("target", 8), pytest.approx(210.0)) in edges


# --- limit -----------------------------------------------------------------------------------
def test_targets_beyond_the_limit_are_unreachable_and_those_within_exact():
    graph = WalkGraph.build([LineString([(0, 0), (1000, 0), (1000, 3000)])], ["1 2 3"])
    homes = {7: (1000, 500), 8: (1000, 1000), 9: (1000, 1500), 10: (1000, 2500)}
    got = walk(graph, {1: (0, 0)}, homes, limit=2000)
    assert got == {7: 1500.0, 8: 2000.0, 9: math.inf, 10: math.inf}
    assert walk(graph, {1: (0, 0)}, homes) == {7: 1500.0, 8: 2000.0, 9: 2500.0, 10: 3500.0}
    _, source = graph.nearest(at(graph, {1: (0, 0)}), at(graph, homes), 2000)
    assert source.tolist() == [1, 1, -1, -1]


def test_the_limit_includes_both_connectors():
    graph = WalkGraph.build([LineString([(0, 0), (1000, 0)])], ["1 2"])
    assert walk(graph, {1: (0, 30)}, {7: (400, 40), 8: (400, 41)}, limit=470) == {7: 470.0, 8: math.inf}


# --- nothing to walk on ----------------------------------------------------------------------
def test_without_a_network_nothing_is_reachable_and_straight_lines_stand_in():
    empty = WalkGraph.build([])
    assert (empty.n_nodes, empty.n_edges) == (0, 0)
    sources, targets = at(empty, {1: (0, 0), 2: (1000, 0)}), at(empty, {7: (30, 40), 8: (900, 0), 9: (0, 900)})
    distance, source = empty.nearest(sources, targets)
    assert distance.tolist() == [math.inf] * 3 and source.tolist() == [-1] * 3
    distance, source = straight_line_nearest(sources, targets, limit_m=1000)
    assert distance.tolist() == pytest.approx([65.0, 130.0, math.inf])
    assert source.tolist() == [1, 2, -1]
    assert straight_line_nearest(sources, targets, detour=1.0)[0][2] == pytest.approx(900.0)


def test_without_a_network_footprints_are_reached_at_their_centroid():
    homes = access_points({7: Polygon([(0, 0), (20, 0), (20, 40), (0, 40)])}, [], None)
    assert homes.xy.tolist() == [[10.0, 20.0]] and homes.snaps.edge.tolist() == [-1]


# --- from the plan's walk_network layer --------------------------------------------------------
def walk_feature(fid, geometry, **attributes):
    return Feature("walk_network", fid, geometry, typed_attributes("walk_network", attributes))


def test_from_features_leaves_out_unwalkable_and_closed_paths():
    features = [
        walk_feature(1, LineString([(0, 0), (100, 0)]), node_ids="11 12"),
        walk_feature(2, LineString([(100, 0), (200, 0)]), node_ids="12 13"),
        walk_feature(3, LineString([(100, 0), (100, 100)]), walkable=False),   # e.g. a fenced strip
        walk_feature(4, LineString([(200, 0), (200, 100)]), closed=True),      # a locked gate
        walk_feature(5, LineString([(50, 0), (50, 100)])),                     # drawn, joins at 50
    ]
    graph = WalkGraph.from_features(features)
    assert sorted(set(graph.edge_fid.tolist())) == [1, 2, 5]
    assert graph.n_edges == 4
    assert walk(graph, {1: (200, 0)}, {7: (50, 100)})[7] == pytest.approx(250.0)


class _Columns:
    """A layer as columns, the interface of a snapshot's LayerTable (fids, geometry, column())."""

    def __init__(self, features):
        self.fids = np.array([f.fid for f in features], dtype=np.int64)
        self.geometry = np.array([f.geometry for f in features], dtype=object)
        self._columns = {name: np.array([f.attributes.get(name) for f in features], dtype=object)
                         for name in ("walkable", "closed", "node_ids")}

    def __len__(self):
        return len(self.fids)

    def column(self, name):
        return self._columns[name]


def test_from_table_is_from_features_read_as_columns():
    features = [
        walk_feature(1, LineString([(0, 0), (100, 0)]), node_ids="11 12"),
        walk_feature(2, LineString([(100, 0), (200, 0)]), node_ids="12 13"),
        walk_feature(3, LineString([(100, 0), (100, 100)]), walkable=False),
        walk_feature(4, LineString([(200, 0), (200, 100)]), closed=True),
        walk_feature(5, LineString([(50, 0), (50, 100)])),
        walk_feature(6, LineString([(0, 0), (0, 80), (40, 80)]), node_ids="11 x 14"),  # not ids: drawn
    ]
    by_table, by_features = WalkGraph.from_table(_Columns(features)), WalkGraph.from_features(features)
    assert sorted(set(by_table.edge_fid.tolist())) == [1, 2, 5, 6]
    for graph in (by_table, by_features):
        assert walk(graph, {1: (200, 0)}, {7: (50, 100), 8: (40, 80)}) == pytest.approx({7: 250.0, 8: 320.0})
    assert sorted(by_table.length.tolist()) == pytest.approx(sorted(by_features.length.tolist()))
    assert by_table.n_nodes == by_features.n_nodes


def test_parse_node_ids():
    assert parse_node_ids("1 22 -3").tolist() == [1, 22, -3]
    assert parse_node_ids(None) is None and parse_node_ids("") is None and parse_node_ids("a b") is None
    # An id list that does not match the vertices is ignored: the line is noded as drawn.
    graph = WalkGraph.build([LineString([(0, 0), (100, 0)]), LineString([(50, 0), (50, 50)])], ["1 2 3", "4 5"])
    assert graph.n_edges == 3


def test_multilines_are_walked_as_drawn_parts():
    m = MultiLineString([[(0, 0), (100, 0)], [(100, 0), (100, 100)]])
    assert walk(WalkGraph.build([m]), {1: (0, 0)}, {7: (100, 100)})[7] == pytest.approx(200.0)


# --- the service area overlay ------------------------------------------------------------------
def test_reachable_edges_cut_where_the_limit_runs_out(grid):
    pieces = grid.reachable_edges(at(grid, {1: (0, 0)}), 150.0)
    # Two whole edges from the corner, then 50 m further on each of the four next edges.
    assert sum(p.length for p in pieces) == pytest.approx(400.0)
    assert shapely.union_all(pieces).covers(Point(0, 150)) and not shapely.union_all(pieces).covers(Point(0, 160))


def test_reachable_edges_count_the_connector(grid):
    pieces = grid.reachable_edges(at(grid, {1: (250, -30)}), 100.0)
    # 70 m left after the connector: the whole block side (±50), then 20 m beyond each end, ×2.
    assert sum(p.length for p in pieces) == pytest.approx(100.0 + 4 * 20.0)


def test_reachable_edges_on_a_single_edge():
    graph = WalkGraph.build([LineString([(0, 0), (500, 0), (1000, 0)])], ["1 2 3"])
    pieces = graph.reachable_edges(at(graph, {1: (300, 0)}), 200.0)
    assert shapely.union_all(pieces).equals(LineString([(100, 0), (500, 0)]))


# --- random networks against the networkx oracles ---------------------------------------------
def random_planar_ways(rng, n_points=60, size=1000.0):
    """A random planar network: Delaunay triangles' sides as OSM ways (ids shared at corners),
    thinned, some sides bent through a mid vertex."""
    from scipy.spatial import Delaunay
    xy = rng.uniform(0, size, (n_points, 2))
    sides = set()
    for tri in Delaunay(xy).simplices:
        for i in range(3):
            a, b = sorted((int(tri[i]), int(tri[(i + 1) % 3])))
            sides.add((a, b))
    sides = sorted(sides)
    keep = rng.random(len(sides)) < 0.8
    lines, ids, mid_id = [], [], 10_000
    for (a, b), k in zip(sides, keep):
        if not k:
            continue
        if rng.random() < 0.3:
            mid = (xy[a] + xy[b]) / 2 + rng.normal(0, 20, 2)
            lines.append(LineString([xy[a], mid, xy[b]]))
            ids.append([a, mid_id, b])
            mid_id += 1
        else:
            lines.append(LineString([xy[a], xy[b]]))
            ids.append([a, b])
    return lines, ids


def random_owners(rng, n, size=1000.0, first_fid=1, multi=False):
    """Random point access points; with ``multi`` some owners get two."""
    fids = list(range(first_fid, first_fid + n))
    if multi:
        fids += list(rng.choice(fids, n // 3, replace=False))
    return fids, rng.uniform(-50, size + 50, (len(fids), 2))


def check_against_edge_list_oracle(graph, sources, targets, limit):
    distance, source = graph.nearest(sources, targets, limit)
    edges = graph.edge_list(sources, targets)
    want_d, want_s = nearest_from_edge_list(edges, sources.owners.tolist(), targets.owners.tolist(), limit)
    np.testing.assert_allclose(distance, want_d, rtol=0, atol=1e-6)
    assert ((source == -1) == (want_s == -1)).all()
    for i in np.flatnonzero(source != want_s):  # a tie: the named source is just as near
        assert distance_between(edges, int(source[i]), int(targets.owners[i])) == pytest.approx(want_d[i], abs=1e-6)
    return distance


@pytest.mark.parametrize("seed", range(4))
def test_a_search_from_few_facilities_with_a_short_limit_agrees_with_networkx(seed):
    """Issue 17: a search from a few sources with a limit runs on the part of a large network
    within the limit of them (here a few per cent of the junctions); the same distances."""
    rng = np.random.default_rng(50 + seed)
    lines, ids = random_planar_ways(rng, n_points=3000, size=6000.0)
    graph = WalkGraph.build(lines, ids)
    s_fids, s_xy = random_owners(rng, 3, size=6000.0, multi=True)
    sources = AccessPoints.at_points(s_fids, s_xy, graph)
    near = s_xy[0] + rng.uniform(-500, 500, (80, 2))  # homes around the first source: many reached
    targets = AccessPoints.at_points(np.arange(100, 180), near, graph)
    assert np.mean(np.hypot(*(graph.node_xy - s_xy[0]).T) <= 900.0) < 0.1
    for limit in (300.0, 900.0):
        distance = check_against_edge_list_oracle(graph, sources, targets, limit)
    assert np.isfinite(distance).sum() >= 10


@pytest.mark.parametrize("seed", range(12))
def test_random_networks_agree_with_networkx_on_the_same_edges(seed):
    rng = np.random.default_rng(seed)
    lines, ids = random_planar_ways(rng)
    graph = WalkGraph.build(lines, ids)
    s_fids, s_xy = random_owners(rng, 6, multi=True)
    t_fids, t_xy = random_owners(rng, 60, first_fid=100, multi=True)
    sources = AccessPoints.at_points(s_fids, s_xy, graph)
    targets = AccessPoints.at_points(t_fids, t_xy, graph)
    # Some targets on a source's edge, to exercise the direct along-edge walk.
    on_edge = shapely.get_coordinates(shapely.line_interpolate_point(
        graph.edge_geometry[sources.snaps.edge], rng.random(len(sources)), normalized=True))
    targets_same = AccessPoints.at_points(np.arange(500, 500 + len(on_edge)), on_edge + rng.normal(0, 3, on_edge.shape),
                                          graph)
    for limit in (math.inf, 400.0):
        check_against_edge_list_oracle(graph, sources, targets, limit)
        check_against_edge_list_oracle(graph, sources, targets_same, limit)


def segments_of(lines, ids):
    """Straight segments of lines with per-vertex node labels (OSM ids, or exact coordinates)."""
    out = []
    for line, line_ids in zip(lines, ids):
        xy = [tuple(c) for c in np.asarray(line.coords)]
        labels = list(line_ids) if line_ids is not None else xy
        out += [(labels[k], labels[k + 1], xy[k], xy[k + 1]) for k in range(len(xy) - 1)]
    return out


def check_against_split_segment_oracle(graph, segments, s_fids, s_xy, t_fids, t_xy, limit, atol):
    sources = AccessPoints.at_points(s_fids, s_xy, graph)
    targets = AccessPoints.at_points(t_fids, t_xy, graph)
    distance, source = graph.nearest(sources, targets, limit)
    want = split_segment_nearest(segments, list(zip(s_fids, map(tuple, s_xy))),
                                 list(zip(t_fids, map(tuple, t_xy))), limit)
    for fid, d, s in zip(targets.owners.tolist(), distance.tolist(), source.tolist()):
        if fid not in want:
            assert d == math.inf and s == -1, fid
        else:
            assert d == pytest.approx(want[fid][0], abs=atol), fid
    return distance


@pytest.mark.parametrize("seed", range(6))
def test_random_drawn_networks_agree_with_independent_noding(seed):
    """Drawn paths only: triangle sides meeting at their ends, plus long paths crossing them
    anywhere. The oracle nodes them with GEOS (shapely.node) and snaps by brute force."""
    rng = np.random.default_rng(100 + seed)
    ways, _ = random_planar_ways(rng, n_points=30)
    crossing = [LineString(rng.uniform(0, 1000, (2, 2))) for _ in range(8)]
    lines = ways + crossing
    graph = WalkGraph.build(lines)
    noded = shapely.get_parts(shapely.node(MultiLineString(lines)))
    segments = segments_of(noded, [None] * len(noded))
    s_fids, s_xy = random_owners(rng, 5)
    t_fids, t_xy = random_owners(rng, 50, first_fid=100)
    for limit in (math.inf, 500.0):
        check_against_split_segment_oracle(graph, segments, s_fids, s_xy, t_fids, t_xy, limit, 1e-6)


# --- real OSM extracts ---------------------------------------------------------------------------
# osmnx's "walk" network filter: highway values matched as regular expressions, as osmnx does.
WALK_EXCLUDED = re.compile("abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|"
                           "proposed|raceway|razed")


def is_walkable(tags: dict) -> bool:
    return ("highway" in tags and not WALK_EXCLUDED.search(tags["highway"])
            and not re.search("yes", tags.get("area", "")) and not re.search("no", tags.get("foot", ""))
            and not re.search("private", tags.get("access", ""))
            and not re.search("private", tags.get("service", "")))


def read_osm(path, epsg):
    """Walkable ways (node-id runs with projected coordinates) and building centroids."""
    from pyproj import Transformer
    nodes, ways = {}, []
    for _, el in ET.iterparse(path):
        if el.tag == "node":
            nodes[int(el.get("id"))] = (float(el.get("lon")), float(el.get("lat")))
        elif el.tag == "way":
            tags = {t.get("k"): t.get("v") for t in el.iter("tag")}
            ways.append(([int(n.get("ref")) for n in el.iter("nd")], tags))
        if el.tag in ("node", "way", "relation"):
            el.clear()
    ids = np.array(list(nodes), dtype=np.int64)
    lonlat = np.array(list(nodes.values()))
    x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    xy = dict(zip(ids.tolist(), zip(x.tolist(), y.tolist())))
    walk_runs, buildings = [], []
    for refs, tags in ways:
        if is_walkable(tags):
            run = []
            for ref in refs + [None]:  # split at node refs missing from the extract
                if ref in xy:
                    run.append(ref)
                    continue
                if len(run) >= 2:
                    walk_runs.append(run)
                run = []
        elif "building" in tags and len(refs) >= 4 and all(r in xy for r in refs):
            buildings.append(Polygon([xy[r] for r in refs]).centroid)
    return walk_runs, xy, buildings


REAL = [("beijing_haidian_cau_east", 32650), ("beijing_wudaokou_tsinghua", 32650),
        ("shanghai_tongji_siping", 32651)]


@pytest.mark.parametrize("name,epsg", REAL)
def test_real_osm_networks_agree_with_both_oracles(name, epsg):
    path = REAL_DATA / name / f"{name}.osm"
    if not path.exists():
        pytest.skip(f"real data not found: {path}")
    runs, xy, buildings = read_osm(path, epsg)
    lines = [LineString([xy[r] for r in run]) for run in runs]
    graph = WalkGraph.build(lines, runs)
    assert graph.n_edges > 200
    rng = np.random.default_rng(7)
    # ~200 homes: building centroids, topped up with random points near the network.
    homes = [buildings[i] for i in rng.choice(len(buildings), min(200, len(buildings)), replace=False)]
    near = graph.node_xy[rng.choice(graph.n_nodes, 200 - len(homes))] + rng.normal(0, 40, (200 - len(homes), 2))
    t_xy = np.vstack([shapely.get_coordinates(homes).reshape(-1, 2), near])
    s_xy = graph.node_xy[rng.choice(graph.n_nodes, 10)] + rng.normal(0, 60, (10, 2))
    s_fids, t_fids = list(range(1, 11)), list(range(100, 100 + len(t_xy)))

    sources = AccessPoints.at_points(s_fids, s_xy, graph)
    targets = AccessPoints.at_points(t_fids, t_xy, graph)
    distance = check_against_edge_list_oracle(graph, sources, targets, 2000.0)
    assert np.isfinite(distance).mean() > 0.5  # the check saw real paths, not only "unreachable"
    segments = segments_of(lines, runs)
    check_against_split_segment_oracle(graph, segments, s_fids, s_xy, t_fids, t_xy, 2000.0, 0.5)


# --- snapping ----------------------------------------------------------------------------------
def test_snap_finds_the_nearest_edge_near_and_far(grid):
    rng = np.random.default_rng(3)
    xy = np.vstack([rng.uniform(-100, 600, (200, 2)), [[250, 9000], [-7000, -7000]]])
    snaps = grid.snap(xy)
    brute = shapely.distance(shapely.points(xy)[:, None], grid.edge_geometry[None, :]).min(axis=1)
    np.testing.assert_allclose(snaps.connector, brute, atol=1e-9)
    np.testing.assert_allclose(np.hypot(*(snaps.point - xy).T), snaps.connector, atol=1e-9)
    on_edge = shapely.line_interpolate_point(grid.edge_geometry[snaps.edge], snaps.along)
    np.testing.assert_allclose(shapely.get_coordinates(on_edge), snaps.point, atol=1e-9)
    assert snaps.connector[-2] == pytest.approx(8500.0)
    # Beyond max_distance nothing is snapped; the owner is left to the straight-line fallback.
    far = grid.snap(xy[-2:], max_distance=1000.0)
    assert far.edge.tolist() == [-1, -1] and far.connector.tolist() == [math.inf] * 2


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("batch_nodes", [50, 2_000_000])
def test_within_each_gives_every_facility_the_homes_it_reaches_as_networkx(seed, batch_nodes, monkeypatch):
    """Issue 17: the 2SFCA's pairs (each facility alone: the homes within the limit on foot) come
    from one search over copies of each facility's region; per facility the same pairs as
    networkx on the same edges, and the very distances of a search from that facility alone.
    Small batches make several searches."""
    from lifecircle_desktop.model import network
    monkeypatch.setattr(network, "WITHIN_BATCH_NODES", batch_nodes)
    rng = np.random.default_rng(70 + seed)
    lines, ids = random_planar_ways(rng, n_points=400, size=3000.0)
    graph = WalkGraph.build(lines, ids)
    s_fids, s_xy = random_owners(rng, 12, size=3000.0, multi=True)
    sources = AccessPoints.at_points(s_fids, s_xy, graph)
    t_fids, t_xy = random_owners(rng, 300, size=3000.0, first_fid=100, multi=True)
    on_edge = shapely.get_coordinates(shapely.line_interpolate_point(   # some homes on a facility's edge
        graph.edge_geometry[sources.snaps.edge], rng.random(len(sources)), normalized=True))
    t_fids += list(range(900, 900 + len(on_edge)))
    targets = AccessPoints.at_points(t_fids, np.concatenate([t_xy, on_edge + rng.normal(0, 3, on_edge.shape)]), graph)
    limit = 400.0
    some = np.arange(0, len(sources.owners), 2)  # half the facilities asked about
    got = graph.within_each(sources, targets, limit, some)
    assert sorted(got) == sorted(sources.owners[some].tolist())
    reached = 0
    for k in some.tolist():
        alone = sources.subset(np.arange(len(sources.owners)) == k)
        want_d, _ = nearest_from_edge_list(graph.edge_list(alone, targets), alone.owners.tolist(),
                                           targets.owners.tolist(), limit)
        positions, distances = got[int(sources.owners[k])]
        np.testing.assert_array_equal(positions, np.flatnonzero(np.isfinite(want_d)))
        np.testing.assert_allclose(distances, want_d[positions], rtol=0, atol=1e-6)
        own, _ = graph.nearest(alone, targets, limit)  # bit for bit: results stay identical to before
        np.testing.assert_array_equal(distances, own[positions])
        reached += len(positions)
    assert reached >= 20


def test_node_ids_beyond_int64_make_a_drawn_path_not_a_false_junction():
    """A hostile or damaged file's ids too long for int64 must not be clamped into one id (two
    different ones would become one node): that line is read as a drawn path."""
    from shapely.geometry import LineString
    from lifecircle_desktop.model.network import WalkGraph
    lines = [LineString([(0, 0), (100, 0)]), LineString([(500, 0), (600, 0)]), LineString([(900, 0), (1000, 0)])]
    graph = WalkGraph.build(lines, ["1 2", "99999999999999999999 3", "88888888888888888888 4"], [1, 2, 3])
    assert np.iinfo(np.int64).max not in graph.node_osm_id
    assert graph.n_edges == 3 and graph.n_nodes == 6  # three separate lines: nothing joined

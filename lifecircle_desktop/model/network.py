"""The walking network (步行网络): graph, access points and walking distances (design.md §4).

Walking distance from a home to a facility is

    connector (home access point → nearest walkable edge)
    + shortest path along the network
    + connector (nearest walkable edge → facility access point),

minimised over the home's and the facility's access points. docs/walking-distance.md says it in
plain words, with the assumptions and the limits.

How the pieces fit:

- ``WalkGraph.build`` / ``WalkGraph.from_features`` turn walking lines into a graph once. OSM ways
  meet where they share node ids; paths the planner draws (no node ids) are noded geometrically.
  The base graph is a cached CSR matrix and is never rebuilt when homes or facilities move.
- ``access_points`` finds where each home, facility or stop meets the network: its open entrances,
  or else the point of its footprint nearest to the network, snapped to the nearest walkable edge.
- ``WalkGraph.nearest`` runs one multi-source Dijkstra (scipy) from all facilities at once. A
  facility joins the graph as a virtual node with one-way edges to both ends of the edge it
  snapped to, so base edges are never split and no path can pass *through* a facility; only
  these few virtual rows are appended to the cached matrix per call.
- ``straight_line_nearest`` is the fallback without a network: straight-line distance × 1.3,
  which callers label approximate.

Qt-free; numpy, scipy and shapely only (networkx is a test oracle, never imported here).
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

# Drawn paths whose vertices come within 1 cm of another line join it there: planners snap
# to existing paths on screen, and 1 cm is far below what a map click can tell apart.
SNAP_TOLERANCE_M = 0.01
# A search from this many sources or fewer, with a limit, runs on the part of the graph within
# the limit of them when that part is under a quarter of the graph (WalkGraph._dijkstra_in).
REGION_MAX_SOURCES = 64
# WalkGraph.within_each searches its owners in batches whose regions hold about this many nodes in
# all: a bound on its memory (~300 bytes a region node: ~4 matrix entries, each in a few int64
# arrays; ~150 MB a batch) whatever the limit.
WITHIN_BATCH_NODES = 500_000
# design.md §4: without a walking network, straight-line distance × 1.3 stands in for the
# walking distance; every finding computed that way is labelled "approximate".
DETOUR_FACTOR = 1.3

__all__ = ["WalkGraph", "Snaps", "AccessPoints", "Nearest", "access_points", "straight_line_nearest",
           "parse_node_ids", "renode", "SNAP_TOLERANCE_M", "DETOUR_FACTOR"]


# --- small value types ----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Snaps:
    """Where points meet the network, one row per point.

    ``edge`` is the nearest walkable edge (-1 when there is none to snap to), ``along`` the
    position on it in metres from its start node ``u``, ``point`` the snapped point and
    ``connector`` the straight distance from the point to it (the walk onto the network).
    """
    edge: np.ndarray       # (n,) int64, -1 = not snapped
    along: np.ndarray      # (n,) float64, NaN when not snapped
    point: np.ndarray      # (n, 2) float64, NaN when not snapped
    connector: np.ndarray  # (n,) float64, inf when not snapped

    @property
    def snapped(self) -> np.ndarray:
        return self.edge >= 0

    def __len__(self) -> int:
        return len(self.edge)

    @classmethod
    def none(cls, n: int) -> "Snaps":
        """``n`` points that are not on any network."""
        return cls(np.full(n, -1, np.int64), np.full(n, np.nan), np.full((n, 2), np.nan), np.full(n, np.inf))


@dataclass(frozen=True, eq=False)
class AccessPoints:
    """The access points (出入口/接入点) of a set of owners: homes, facilities or stops.

    ``owners`` lists every owner asked about, in result order — also owners with no access
    point at all (a compound whose gates are all closed), which are then unreachable.
    Each access point ``k`` belongs to ``owners[index[k]]``, stands at ``xy[k]`` and meets
    the network at ``snaps`` row ``k``.
    """
    owners: np.ndarray  # (m,) int64 feature ids
    index: np.ndarray   # (k,) int64 into owners
    xy: np.ndarray      # (k, 2) float64
    snaps: Snaps        # (k,)
    _tree: object = field(default=None, repr=False, compare=False)  # cKDTree of xy, made by near()

    @property
    def owner(self) -> np.ndarray:
        """The owner fid of each access point."""
        return self.owners[self.index]

    def __len__(self) -> int:
        return len(self.index)

    def subset(self, keep: np.ndarray) -> "AccessPoints":
        """The owners where ``keep`` (a mask over ``owners``) holds, with their access points."""
        keep = np.asarray(keep, dtype=bool)
        position = np.cumsum(keep) - 1  # new index of each kept owner
        rows = keep[self.index]
        snaps = Snaps(*(getattr(self.snaps, f)[rows] for f in ("edge", "along", "point", "connector")))
        return AccessPoints(self.owners[keep], position[self.index[rows]], self.xy[rows], snaps)

    def take(self, rows: np.ndarray) -> tuple["AccessPoints", np.ndarray]:
        """Only the access points ``rows``, with their owners; and where those owners stand in
        ``owners`` (to map a result back)."""
        rows = np.sort(np.asarray(rows, dtype=np.int64))
        kept, index = np.unique(self.index[rows], return_inverse=True)
        snaps = Snaps(*(getattr(self.snaps, f)[rows] for f in ("edge", "along", "point", "connector")))
        return AccessPoints(self.owners[kept], index.astype(np.int64), self.xy[rows], snaps), kept

    def near(self, xy: np.ndarray, distance: float) -> np.ndarray:
        """The rows of the access points within ``distance`` (straight line) of any of ``xy``:
        the only ones a walk of ``distance`` from there can reach — a walk is never shorter than
        the straight line between its ends. (A kd-tree of the points, made once.)"""
        if self._tree is None:
            object.__setattr__(self, "_tree", cKDTree(np.nan_to_num(self.xy, nan=1e300)))  # no point: never near
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) == 0 or len(self.xy) == 0:
            return np.zeros(0, dtype=np.int64)
        hits = self._tree.query_ball_point(xy, distance * (1 + 1e-9) + 1e-6)
        return _unique(np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]))

    @classmethod
    def at_points(cls, owners: Sequence[int], xy, graph: "WalkGraph | None" = None) -> "AccessPoints":
        """Owners that are points (bus stops, or homes and facilities given as points).

        An owner may appear more than once (several access points); ``owners`` of the result is
        sorted.
        """
        fids, index = np.unique(np.asarray(owners, dtype=np.int64), return_inverse=True)
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        snaps = graph.snap(xy) if graph is not None else Snaps.none(len(xy))
        return cls(fids, index.astype(np.int64), xy, snaps)


class Nearest(NamedTuple):
    """Per target owner: walking distance to the nearest source (inf when none within the
    limit) and that source's owner fid (-1 when none). Unpacks as ``distance, source``."""
    distance: np.ndarray
    source: np.ndarray


class Search:
    """A search begun by ``WalkGraph.start_search``: its answer now, or a worker's future with the
    search to run here if the worker fails (a dead worker costs time, never a result)."""

    def __init__(self, found, future=None, here=None):
        self._found, self._future, self._here = found, future, here

    def result(self) -> tuple:
        if self._found is None:
            if self._future.cancel():  # no worker has taken it yet (they are still starting): here
                self._found = self._here()
            else:
                try:
                    self._found = self._future.result()
                except Exception:
                    self._found = self._here()
        return self._found


def parse_node_ids(value) -> np.ndarray | None:
    """``walk_network.node_ids`` (space-separated OSM node ids) as an int64 array, or None for a
    drawn path (or text that is not a list of integers)."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.split()
        if not parts:
            return None
        try:
            return np.array([int(p) for p in parts], dtype=np.int64)
        except (ValueError, OverflowError):  # not integers, or beyond int64: a drawn path
            return None
    return np.asarray(value, dtype=np.int64).ravel()


# --- the graph ------------------------------------------------------------------------------
class WalkGraph:
    """An undirected walking graph in the plan's metric CRS.

    Nodes are junctions and path ends; an edge is a stretch of path between two of them with its
    real geometry (for drawing and snapping) and its planar length in metres. Build it with
    ``WalkGraph.build`` or ``WalkGraph.from_features``.
    """

    def __init__(self, u, v, length, edge_xy, edge_start, node_xy, node_osm_id, edge_fid, lines, edge_line,
                 edge_along):
        self.u = np.asarray(u, dtype=np.int64)
        self.v = np.asarray(v, dtype=np.int64)
        self.length = np.asarray(length, dtype=np.float64)
        self.node_xy = np.asarray(node_xy, dtype=np.float64).reshape(-1, 2)
        self.node_osm_id = np.asarray(node_osm_id, dtype=np.int64)  # -1: a node from geometric noding
        self.edge_fid = np.asarray(edge_fid, dtype=np.int64)        # walk_network fid, -1 if unknown
        # Each edge's stations, u → v: edge_xy[edge_start[i]:edge_start[i + 1]]. No LineString per
        # edge unless asked for (``edge_geometry``): making 10^6 of them and a tree over them was
        # ~1.2 s of a full validation at 10^6 edges (issue 17).
        self.edge_xy = np.asarray(edge_xy, dtype=np.float64).reshape(-1, 2)
        self.edge_start = np.asarray(edge_start, dtype=np.int64)
        # The walking lines the edges lie on (the layer's own geometries, one per line or part of a
        # multi-line), each edge's line and where along it the edge starts (metres). Snapping finds
        # the nearest line, then the edge at that point along it: the same point as the nearest edge.
        self.lines = lines
        self.edge_line = np.asarray(edge_line, dtype=np.int64)
        self.edge_along = np.asarray(edge_along, dtype=np.float64)
        self._geometry = None
        self._geometry_lock = threading.Lock()
        self._line_index = None  # (tree of the lines carrying an edge, their line numbers, their boxes)
        self._station_info = None  # per row of edge_xy: (its edge, metres along it), made by the first snap
        self._base_csr()

    @property
    def edge_geometry(self) -> np.ndarray:
        """Every edge as a LineString (u → v), made on first use (the map overlay, siting)."""
        with self._geometry_lock:
            if self._geometry is None:
                self._geometry = self._edge_geoms(np.arange(self.n_edges))
            return self._geometry

    def _edge_geoms(self, edges: np.ndarray) -> np.ndarray:
        """LineStrings of ``edges`` only, from their stations."""
        edges = np.asarray(edges, dtype=np.int64)
        if len(edges) == 0:
            return np.empty(0, dtype=object)
        xy, start = _ragged_take(self.edge_xy, self.edge_start, edges)
        return shapely.linestrings(xy, indices=np.repeat(np.arange(len(edges)), np.diff(start)))

    @property
    def line_fid(self) -> np.ndarray:
        """The walk_network fid of each of ``lines`` (-1 if unknown)."""
        out = np.full(len(self.lines), -1, dtype=np.int64)
        out[self.edge_line] = self.edge_fid
        return out

    def _lines_indexed(self):
        with self._geometry_lock:
            if self._line_index is None:
                used = _unique(self.edge_line)
                geoms = np.asarray(self.lines, dtype=object)[used]
                self._line_index = (shapely.STRtree(geoms), used, shapely.bounds(geoms), geoms)
            return self._line_index

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def from_features(cls, features: Iterable, tolerance: float = SNAP_TOLERANCE_M) -> "WalkGraph":
        """The graph of ``walk_network`` features that can be walked now.

        Features with ``walkable`` false or ``closed`` true are left out; ``node_ids`` (OSM node
        ids, one per vertex) give OSM topology, features without them are drawn paths.
        """
        lines, ids, fids = [], [], []
        for f in features:
            attrs = f.attributes
            if attrs.get("walkable") is not None and not attrs.get("walkable") or attrs.get("closed"):
                continue
            lines.append(f.geometry)
            ids.append(attrs.get("node_ids"))
            fids.append(f.fid)
        return cls.build(lines, ids, fids, tolerance=tolerance)

    @classmethod
    def from_table(cls, table, tolerance: float = SNAP_TOLERANCE_M, *,
                   since: "tuple[WalkGraph, Iterable[int]] | None" = None) -> "WalkGraph":
        """``from_features`` over a layer's columns (a ``LayerTable`` of ``walk_network``: fids,
        geometry, ``walkable``, ``closed``, ``node_ids``), with no Feature made per row.

        ``since``: (the graph of the network before an edit, the path fids the edit added,
        changed or removed): only those paths and their neighbours are noded again
        (``renode``); the result equals a full build."""
        walkable, closed = table.column("walkable"), table.column("closed")
        # Element-wise in C (a generator over the rows cost 0.2 s at 10^6 paths): not walkable when
        # set and false, or closed.
        kept = ~((np.not_equal(walkable, None) & ~walkable.astype(bool)) | closed.astype(bool))
        node_ids = table.column("node_ids")
        lines, ids, fids = table.geometry[kept], np.asarray(node_ids, dtype=object)[kept], table.fids[kept]
        if since is not None:
            return renode(since[0], since[1], lines, ids, fids, tolerance)
        return cls.build(lines, ids, fids, tolerance=tolerance)

    @classmethod
    def build(cls, lines: Sequence, node_ids: Sequence | None = None, fids: Sequence[int] | None = None,
              *, tolerance: float = SNAP_TOLERANCE_M) -> "WalkGraph":
        """Build the graph from walking lines.

        ``node_ids[i]`` is None for a drawn path, or the OSM node ids of line ``i``'s vertices
        (a space-separated string or a sequence of ints; ids whose count does not match the
        vertices are ignored and the line is treated as drawn). Lines meet where they share an
        id. Drawn paths are noded geometrically: where one of their vertices lies within
        ``tolerance`` of another line, or where they cross another line, both lines get a node.
        OSM ways that cross without a shared id do not meet (bridges, tunnels).
        """
        return _build(lines, node_ids, fids, tolerance)

    def _base_csr(self) -> None:
        """Cache the base graph as CSR arrays: both directions, parallel edges reduced to the
        shortest (a CSR matrix built from COO would *sum* them)."""
        n = self.n_nodes
        # One int64 key per (row, col) sorted once, the shortest of each run taken by reduceat
        # (a lexsort of three keys cost ~1 s at 10^6 edges).
        key = np.concatenate([self.u * n + self.v, self.v * n + self.u])
        w = np.concatenate([self.length, self.length])
        order = np.argsort(key)  # not stable: only the least weight of equal keys is kept (0.1 s less at 10^6)
        key, w = key[order], w[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        starts = np.flatnonzero(first)
        w = np.minimum.reduceat(w, starts) if len(starts) else w
        rows, cols = np.divmod(key[starts], max(n, 1))
        # int32 throughout: what scipy.sparse.csgraph works in, so no per-call conversion.
        self._indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=self._indptr[1:])
        self._indices = cols.astype(np.int32)
        self._data = w
        # Each search appends a few rows (its sources) after the base rows. Copying the base
        # arrays for that cost 6 ms a search at 10^6 edges, so they live at the front of buffers
        # with room behind them; the lock keeps two threads sharing the graph (validate.walk_graph)
        # from writing that room at once.
        self._room_data, self._room_indices = self._data, self._indices
        self._room_lock = threading.Lock()
        self._node_tree = None  # cKDTree of node_xy, made by the first search within a region
        self._shared = None  # the base rows in shared memory for a search pool (start_search)

    # --- shape ------------------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        return len(self.u)

    def __repr__(self) -> str:
        return f"WalkGraph({self.n_nodes} nodes, {self.n_edges} edges, {self.length.sum() / 1000:.1f} km)"

    # --- snapping ---------------------------------------------------------------------------
    def snap(self, points_xy, max_distance: float | None = None) -> Snaps:
        """Snap points to the nearest walkable edge (nearest point on it).

        Points farther than ``max_distance`` (if given) from every edge stay unsnapped.
        """
        xy = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
        return self._snap_geometries(shapely.points(xy), max_distance)[1]

    def _snap_geometries(self, geoms, max_distance=None) -> tuple[np.ndarray, Snaps]:
        """For each geometry: its point nearest to the network, and that point's snap."""
        n = len(geoms)
        out = Snaps.none(n)
        access = np.full((n, 2), np.nan)
        if n == 0 or self.n_edges == 0:
            return access, out
        _, used, _, line_geoms = self._lines_indexed()
        nearest = self._nearest_line(geoms, max_distance)
        gi = np.flatnonzero(nearest >= 0)
        lines = line_geoms[nearest[gi]]
        # shortest_line runs from the geometry (its point nearest to the line) to the line.
        link = shapely.shortest_line(geoms[gi], lines)
        ends = shapely.get_coordinates(link).reshape(-1, 2, 2)
        ei, along = self._locate(used[nearest[gi]], ends[:, 1])
        access[gi] = ends[:, 0]
        out.edge[gi] = ei
        out.along[gi] = along
        out.point[gi] = ends[:, 1]
        out.connector[gi] = shapely.length(link)
        return access, out

    def _locate(self, line: np.ndarray, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The edge under each point ``xy`` lying on ``line`` (numbers of ``lines``), and how far
        along that edge it lies: the nearest of the line's segments (ties to the first), measured
        from the stations (a shapely point and line_locate_point per home cost 0.25 s at 10^5 homes)."""
        station_edge, into_edge = self._stations()
        first = self.edge_start[np.searchsorted(self.edge_line, line, "left")]
        last = self.edge_start[np.searchsorted(self.edge_line, line, "right")] - 1  # the line's last station
        count = np.maximum(last - first, 0)  # candidate segments: each station of the line but its last
        query = np.repeat(np.arange(len(line)), count)
        row = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
        ok = station_edge[row] == station_edge[row + 1]  # a segment, not the step to the next edge
        query, row = query[ok], row[ok]
        distance, t, length = _onto_segments(xy[query], self.edge_xy[row], self.edge_xy[row + 1])
        # Segments within 1e-9 m of the nearest are ties (a path that doubles back on itself has two
        # overlapping edges, whose distances differ only in rounding): the first edge takes the point,
        # as the nearest-edge search did.
        best = _first_best(query, distance, row, tolerance=1e-9)
        edge = station_edge[row[best]]
        along = into_edge[row[best]] + t[best] * length[best]
        return edge, np.clip(along, 0.0, self.length[edge])

    def _stations(self) -> tuple[np.ndarray, np.ndarray]:
        """Per row of ``edge_xy``: its edge, and its distance along that edge (made once)."""
        with self._geometry_lock:
            if self._station_info is None:
                count = np.diff(self.edge_start)
                edge = np.repeat(np.arange(self.n_edges), count)
                cum = np.cumsum(_segment_lengths(self.edge_xy, self.edge_start))
                self._station_info = (edge, cum - np.repeat(cum[self.edge_start[:-1]], count))
            return self._station_info

    def _nearest_line(self, geoms, max_distance=None) -> np.ndarray:
        """Index (into the indexed lines, ``_lines_indexed``) of the line nearest to each geometry
        (-1 beyond ``max_distance``); ties go to the first line.

        Searches a box around each geometry that widens ×4, from about how far most of them are
        (a sample's third quartile, at least 10 m): exact distances to the few lines in a small box
        were 4× faster than ``STRtree.query_nearest`` for 13k homes on 10^5 edges (and searching
        10 m first found almost none of the district's homes, 0.2 s of 1.6). A line within distance
        r always has its envelope in the box widened by r, so the nearest found within r is the nearest.
        """
        tree, _, line_bounds, line_geoms = self._lines_indexed()
        n = len(geoms)
        nearest = np.full(n, -1, dtype=np.int64)
        cap = np.inf if max_distance is None else float(max_distance)
        todo = np.arange(n)
        bounds = shapely.bounds(geoms)
        radius = 10.0
        if n > 1000:
            sample = geoms[np.linspace(0, n - 1, 200).astype(np.int64)]
            _, far = tree.query_nearest(sample, return_distance=True, all_matches=False)
            radius = float(np.clip(np.percentile(far, 75) * 1.01, 10.0, 2560.0)) if len(far) else radius
        r = 0.0
        while len(todo):
            r = min(radius, cap)
            b = bounds[todo]
            gi, ei = tree.query(shapely.box(b[:, 0] - r, b[:, 1] - r, b[:, 2] + r, b[:, 3] + r))
            gi, ei, d = _closer_than_one(geoms[todo], b, gi, ei, line_geoms, line_bounds)
            best = _first_best(gi, d, ei)
            best = best[d[best] <= r]
            nearest[todo[gi[best]]] = ei[best]
            found = np.zeros(len(todo), dtype=bool)
            found[gi[best]] = True
            todo = todo[~found]
            if r >= cap or radius >= 2560.0:
                break
            radius *= 4.0
        if r >= cap:
            return nearest
        if len(todo):  # far from every path: let the tree search the whole network
            (gi, ei) = tree.query_nearest(geoms[todo], max_distance=max_distance, all_matches=False)
            nearest[todo[gi]] = ei
        return nearest

    # --- distances --------------------------------------------------------------------------
    def nearest(self, sources: AccessPoints, targets: AccessPoints, limit_m: float = np.inf,
                found: "Search | None" = None) -> Nearest:
        """Walking distance from each target owner to its nearest source owner, within ``limit_m``.

        Typically sources are the facilities of one type and targets the homes. One multi-source
        Dijkstra from all sources at once (``min_only``), stopped at the limit; each owner takes
        its best access point. Owners with no snapped access point are unreachable (inf, -1).
        A query never changes the graph: build it once, query it after every edit. ``found``: the
        search from ``sources`` begun earlier (``start_search``), e.g. in a worker process.
        """
        found = self._dijkstra(sources, limit_m, whole=False) if found is None else found.result()
        rows = np.flatnonzero(targets.snaps.snapped)
        e = targets.snaps.edge[rows]
        t = targets.snaps.along[rows]
        c = targets.snaps.connector[rows]
        # Enter the target's edge from whichever end is nearer the sources, walk along it, step off.
        dist_u, src_u = _at(found, self.u[e])
        dist_v, src_v = _at(found, self.v[e])
        via_u = dist_u + t
        via_v = dist_v + (self.length[e] - t)
        use_u = via_u <= via_v
        d = np.where(use_u, via_u, via_v) + c
        s = np.where(use_u, src_u, src_v) - self.n_nodes  # source owner index
        # Source and target on the same edge: the direct walk along it touches no node, so the
        # node distances above cannot see it.
        ti, si, direct = self._same_edge(sources, rows, targets)
        return _per_owner(targets.owners, np.concatenate([targets.index[rows], targets.index[ti]]),
                          np.concatenate([d, direct]), np.concatenate([s, sources.index[si]]),
                          sources.owners, limit_m)

    def within_each(self, sources: AccessPoints, targets: AccessPoints, limit_m: float,
                    owners: np.ndarray | None = None) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For each source owner (of ``owners``, positions in ``sources.owners``; all by default):
        the target owners (positions in ``targets.owners``, ascending) within ``limit_m`` of it on
        foot, and their distances — what ``nearest`` from that owner alone gives for the targets
        within ``limit_m`` of it in a straight line, in one search for many owners (issue 17: a
        search per facility cost ~1 s at 10^6 edges, mostly the overhead of each). Each owner
        searches its own copy of its region (the nodes within the limit in a straight line), the
        copies side by side in one matrix with no edge between them: one multi-source Dijkstra
        then gives each copy the distances from its own owner only."""
        if not np.isfinite(limit_m):
            raise ValueError("within_each needs a finite limit")
        owners = np.arange(len(sources.owners)) if owners is None else np.asarray(owners, dtype=np.int64)
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
        for k in owners.tolist():
            out[int(sources.owners[k])] = empty
        radius = limit_m * (1 + 1e-9) + 1e-6
        ok = sources.snaps.snapped & np.isin(sources.index, owners)
        if not ok.any() or len(targets) == 0 or self.n_nodes == 0:
            return out
        with self._room_lock:
            if self._node_tree is None:
                self._node_tree = _node_tree(self.node_xy)
        # Batches of owners whose regions hold about WITHIN_BATCH_NODES in all (one batch at district
        # scale and the limits of the 2SFCA).
        rows = np.flatnonzero(ok)
        size = self._node_tree.query_ball_point(sources.xy[rows], radius, return_length=True)
        by_owner = np.bincount(sources.index[rows], weights=size, minlength=len(sources.owners))
        todo = _unique(sources.index[rows])
        batch = np.cumsum(by_owner[todo]) // WITHIN_BATCH_NODES
        for b in _unique(batch).tolist():
            self._within_batch(sources, targets, limit_m, radius, todo[batch == b], out)
        return out

    def _within_batch(self, sources, targets, limit_m, radius, owners, out) -> None:
        """``within_each`` for a few owners (sorted positions in ``sources.owners``), into ``out``."""
        n, K = self.n_nodes, len(owners)
        local = np.full(len(sources.owners), -1, dtype=np.int64)
        local[owners] = np.arange(K)
        # Every access point of the owners finds the targets near it (as ``nearest`` does: all of
        # them, snapped or not); the snapped ones start the search.
        ap = np.flatnonzero(local[sources.index] >= 0)
        ap_k = local[sources.index[ap]]
        snapped = sources.snaps.snapped[ap]
        s_rows, s_k = ap[snapped], ap_k[snapped]
        hits = self._node_tree.query_ball_point(sources.xy[s_rows], radius)
        count = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        nodes = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]) if count.sum() else \
            np.zeros(0, dtype=np.int64)
        keys = _unique(np.repeat(s_k, count) * n + nodes)  # (owner, node), sorted: the copies side by side
        M = len(keys)
        e, t, c = sources.snaps.edge[s_rows], sources.snaps.along[s_rows], sources.snaps.connector[s_rows]
        if M:
            matrix = self._region_matrix(keys, s_k, s_k, e, t, c, K)
            dist = dijkstra(matrix, directed=True, indices=M + np.arange(K), limit=limit_m, min_only=True)[:M]
        else:
            dist = np.zeros(0)

        def at(k, node):  # distance from owner k to base node (inf outside its region)
            want = k * n + node
            if M == 0:
                return np.full(len(want), np.inf)
            pos = np.minimum(np.searchsorted(keys, want), M - 1)
            return np.where(keys[pos] == want, dist[pos], np.inf)

        # Target access points near each owner's access points: (owner, target access point) once.
        targets.near(np.zeros((0, 2)), 0.0)  # makes its kd-tree
        xy = sources.xy[ap]
        finite = np.isfinite(xy).all(axis=1)
        near = targets._tree.query_ball_point(xy[finite], radius)
        count = np.fromiter((len(h) for h in near), dtype=np.int64, count=len(near))
        if count.sum() == 0:
            return
        flat = np.concatenate([np.asarray(h, dtype=np.int64) for h in near])
        pair = _unique(np.repeat(ap_k[finite], count) * len(targets) + flat)
        p_k, p_t = pair // len(targets), pair % len(targets)
        p_k, p_t = p_k[targets.snaps.snapped[p_t]], p_t[targets.snaps.snapped[p_t]]
        te, tt, tc = targets.snaps.edge[p_t], targets.snaps.along[p_t], targets.snaps.connector[p_t]
        via_u = at(p_k, self.u[te]) + tt
        via_v = at(p_k, self.v[te]) + (self.length[te] - tt)
        d = np.where(via_u <= via_v, via_u, via_v) + tc
        # Source and target on the same edge: the direct walk along it (``_same_edge``).
        E = max(self.n_edges, 1)
        s_key = s_k * E + e
        order = np.argsort(s_key, kind="stable")
        sorted_key = s_key[order]
        q = p_k * E + te
        lo = np.searchsorted(sorted_key, q, "left")
        many = np.searchsorted(sorted_key, q, "right") - lo
        total = int(many.sum())
        if total:
            pi = np.repeat(np.arange(len(q)), many)
            si = order[np.arange(total) - np.repeat(np.cumsum(many) - many, many) + np.repeat(lo, many)]
            direct = c[si] + np.abs(t[si] - tt[pi]) + tc[pi]
            cand_k, cand_t, cand_d = np.concatenate([p_k, p_k[pi]]), np.concatenate([p_t, p_t[pi]]), \
                np.concatenate([d, direct])
        else:
            cand_k, cand_t, cand_d = p_k, p_t, d
        # Each target owner's best access point, within the limit (``_per_owner``).
        owner_key = cand_k * len(targets.owners) + targets.index[cand_t]
        order = np.lexsort((cand_d, owner_key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = owner_key[order][1:] != owner_key[order][:-1]
        best = order[first]
        best = best[np.isfinite(cand_d[best]) & (cand_d[best] <= limit_m)]
        best_k, best_owner, best_d = cand_k[best], targets.index[cand_t[best]], cand_d[best]
        bounds = np.searchsorted(best_k, np.arange(K + 1))
        for k in range(K):
            a, b = bounds[k], bounds[k + 1]
            if b > a:
                out[int(sources.owners[owners[k]])] = (best_owner[a:b], best_d[a:b])

    def reachable_edges(self, sources: AccessPoints, limit_m: float) -> list:
        """The network walkable from ``sources`` within ``limit_m`` (connectors included), as
        LineString pieces: whole edges, and partial edges cut where the limit runs out. For the
        map overlay of a facility's service area (服务范围)."""
        if not np.isfinite(limit_m):
            raise ValueError("reachable_edges needs a finite limit")
        dist, _ = self._dijkstra(sources, limit_m)
        L = self.length
        du, dv = dist[self.u], dist[self.v]
        ru = np.where(np.isfinite(du), np.clip(limit_m - du, 0.0, L), 0.0)
        rv = np.where(np.isfinite(dv), np.clip(limit_m - dv, 0.0, L), 0.0)
        whole = (ru + rv >= L) & (np.isfinite(du) | np.isfinite(dv))
        # Intervals [a, b] along an edge, measured from u: from each reached end, and around each
        # source access point on the edge itself (reachable before either end is).
        ok = sources.snaps.snapped
        se = sources.snaps.edge[ok]
        budget = limit_m - sources.snaps.connector[ok]
        st = sources.snaps.along[ok]
        has_src = np.zeros(self.n_edges, dtype=bool)
        has_src[se[budget > 0]] = True
        pieces_e, pieces_a, pieces_b = [], [], []
        simple = ~whole & ~has_src
        for reach, from_u in ((ru, True), (rv, False)):
            idx = np.flatnonzero(simple & (reach > 0))
            pieces_e.append(idx)
            pieces_a.append(np.zeros(len(idx)) if from_u else L[idx] - reach[idx])
            pieces_b.append(reach[idx] if from_u else L[idx])
        for edge in np.flatnonzero(has_src & ~whole):
            spans = [(0.0, ru[edge]), (L[edge] - rv[edge], L[edge])]
            for t, b in zip(st[se == edge], budget[se == edge]):
                if b > 0:
                    spans.append((max(0.0, t - b), min(L[edge], t + b)))
            for a, b in _merge_spans(spans):
                if b > a:
                    pieces_e.append([edge])
                    pieces_a.append([a])
                    pieces_b.append([b])
        partial = self._cut(np.concatenate(pieces_e).astype(np.int64), np.concatenate(pieces_a),
                            np.concatenate(pieces_b))
        return list(self._edge_geoms(np.flatnonzero(whole))) + list(partial)

    def edge_list(self, sources: AccessPoints, targets: AccessPoints) -> list[tuple]:
        """Every weighted directed edge of the problem ``nearest`` solves, as (tail, head, metres).

        Base nodes are ints; source owners are ``("source", fid)`` (out-edges only) and target
        owners ``("target", fid)`` (in-edges only). A test oracle rebuilds the same problem with
        networkx from this list.
        """
        L = self.length
        out = list(zip(self.u.tolist(), self.v.tolist(), L.tolist()))
        out += list(zip(self.v.tolist(), self.u.tolist(), L.tolist()))
        for aps, kind in ((sources, "source"), (targets, "target")):
            ok = aps.snaps.snapped
            e, t, c = aps.snaps.edge[ok], aps.snaps.along[ok], aps.snaps.connector[ok]
            names = [(kind, fid) for fid in aps.owner[ok].tolist()]
            for node, w in ((self.u[e], c + t), (self.v[e], c + (L[e] - t))):
                pairs = zip(names, node.tolist(), w.tolist())
                out += [(a, b, x) if kind == "source" else (b, a, x) for a, b, x in pairs]
        ti, si, direct = self._same_edge(sources, np.flatnonzero(targets.snaps.snapped), targets)
        out += [(("source", int(sources.owner[s])), ("target", int(targets.owner[t])), float(w))
                for t, s, w in zip(ti, si, direct)]
        return out

    # --- internals --------------------------------------------------------------------------
    def _dijkstra(self, sources: AccessPoints, limit_m: float, whole: bool = True) -> tuple:
        """Distances from the nearest source to every base node, and that source's graph index
        (``n_nodes + owner index``; negative when unreached). With ``whole`` false, a search within
        a region may answer (distances, sources, region nodes) for the region's nodes only — read
        it with ``_at`` (two arrays the size of the graph per facility cost 1 s a full run at 10^6)."""
        n = self.n_nodes
        n_src = len(sources.owners)
        ok = sources.snaps.snapped
        if n_src == 0 or not ok.any():
            return np.full(n, np.inf), np.full(n, -9999, dtype=np.int64)
        e = sources.snaps.edge[ok]
        t = sources.snaps.along[ok]
        c = sources.snaps.connector[ok]
        owner = sources.index[ok]
        if np.isfinite(limit_m) and n_src <= REGION_MAX_SOURCES:
            region = self._region(sources.xy[ok], limit_m)
            if len(region) <= n // 4:
                return self._dijkstra_in(region, owner, e, t, c, n_src, limit_m, whole)
        extra, cols, w = self._source_rows(sources)
        indptr = np.concatenate([self._indptr, extra])
        base, total = len(self._data), int(extra[-1]) if n_src else len(self._data)
        with self._room_lock:
            if len(self._room_data) < total:  # grow the room: at least double what is asked
                size = base + 2 * (total - base) + 64
                self._room_data = np.concatenate([self._data, np.zeros(size - base)])
                self._room_indices = np.concatenate([self._indices, np.zeros(size - base, dtype=np.int32)])
            self._room_data[base:total] = w
            self._room_indices[base:total] = cols
            matrix = csr_matrix((self._room_data[:total], self._room_indices[:total], indptr),
                                shape=(n + n_src, n + n_src), copy=False)
            dist, _, src = dijkstra(matrix, directed=True, indices=n + np.arange(n_src), limit=limit_m,
                                    min_only=True, return_predecessors=True)
        return dist[:n], src[:n].astype(np.int64)

    def _source_rows(self, sources: AccessPoints) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows a whole-graph search appends below the base rows: one virtual node per source
        owner, with one-way edges to both ends of each of its access points' edges (so only these
        few rows are built per search). (row ends continuing the base indptr, int32; their columns,
        int32; their weights.)"""
        ok = sources.snaps.snapped
        e, t, c = sources.snaps.edge[ok], sources.snaps.along[ok], sources.snaps.connector[ok]
        owner = sources.index[ok]
        rows = np.concatenate([owner, owner])
        cols = np.concatenate([self.u[e], self.v[e]])
        w = np.concatenate([c + t, c + (self.length[e] - t)])
        order = np.argsort(rows, kind="stable")
        extra = self._indptr[-1] + np.cumsum(np.bincount(rows, minlength=len(sources.owners)))
        return extra.astype(np.int32), cols[order].astype(np.int32), w[order]

    def start_search(self, sources: AccessPoints, limit_m: float, pool=None) -> "Search":
        """Begin the search from ``sources`` that ``nearest`` runs: in a worker process of ``pool``
        (model/search_pool.py) when it is a whole-graph search and a pool is given, else here and
        now. Pass the result to ``nearest(..., found=)``. Issue 17: scipy's Dijkstra holds the GIL,
        and at 10^6 edges eight of them were 2.4 s of one core while the other was idle."""
        def here():
            return self._dijkstra(sources, limit_m, whole=False)
        ok = sources.snaps.snapped
        if pool is None or not ok.any() or len(sources.owners) <= REGION_MAX_SOURCES:
            return Search(here())  # nothing to search, or a search within a region: cheap here
        try:
            with self._room_lock:
                if self._shared is None:
                    self._shared = pool.share(self._indptr, self._indices, self._data)
            extra, cols, w = self._source_rows(sources)
            return Search(None, pool.search(self._shared, extra, cols, w, limit_m), here)
        except Exception:  # the pool cannot take it (shared memory full, workers gone): search here
            return Search(here())

    def _region(self, xy: np.ndarray, limit_m: float) -> np.ndarray:
        """The nodes (sorted) within ``limit_m`` in a straight line of any of ``xy``: all a walk of
        ``limit_m`` from there can reach."""
        with self._room_lock:
            if self._node_tree is None:
                self._node_tree = _node_tree(self.node_xy)
        hits = self._node_tree.query_ball_point(xy, limit_m * (1 + 1e-9) + 1e-6)
        return _unique(np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]))

    def _region_matrix(self, keys, src_row, src_copy, e, t, c, n_src) -> csr_matrix:
        """The CSR matrix of a part of the graph, shared by the regional search (``_dijkstra_in``) and
        ``within_each``. ``keys`` (sorted) are copy · n + node: the region's nodes, side by side in
        several copies when each source searches its own; then ``n_src`` virtual source rows, source
        ``src_row[i]`` joining copy ``src_copy[i]`` at edge ``e[i]``, ``t[i]`` along it after a
        connector ``c[i]``. Edges leaving the region are left out: a node beyond it is beyond the limit."""
        n, m = self.n_nodes, len(keys)
        node = keys % n
        start = self._indptr[node].astype(np.int64)
        deg = self._indptr[node + 1].astype(np.int64) - start
        entry = np.repeat(start - (np.cumsum(deg) - deg), deg) + np.arange(deg.sum())
        row = np.repeat(np.arange(m), deg)
        want = np.repeat(keys // n, deg) * n + self._indices[entry]
        col = np.minimum(np.searchsorted(keys, want), m - 1)
        inside = keys[col] == want
        v_want = np.concatenate([src_copy * n + self.u[e], src_copy * n + self.v[e]])
        v_col = np.minimum(np.searchsorted(keys, v_want), m - 1)
        v_in = keys[v_col] == v_want
        rows = np.concatenate([row[inside], m + np.concatenate([src_row, src_row])[v_in]])
        cols = np.concatenate([col[inside], v_col[v_in]])
        w = np.concatenate([self._data[entry][inside], np.concatenate([c + t, c + (self.length[e] - t)])[v_in]])
        order = np.argsort(rows, kind="stable")
        indptr = np.zeros(m + n_src + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=m + n_src), out=indptr[1:])
        return csr_matrix((w[order], cols[order].astype(np.int32), indptr), shape=(m + n_src, m + n_src))

    def _dijkstra_in(self, region, owner, e, t, c, n_src, limit_m, whole=True) -> tuple:
        """``_dijkstra`` on the part of the graph within the limit of a few sources: the same
        distances (a node beyond the region is beyond the limit, so no path within it passes
        there), at the cost of the region — a whole-graph search costs O(nodes) however small the
        limit (2 ms a facility at 10^6 edges, and the 2SFCA searches from every facility)."""
        n, m = self.n_nodes, len(region)
        if m == 0:  # no junction within reach (a source midway along a long edge)
            return (np.full(n, np.inf), np.full(n, -9999, dtype=np.int64)) if whole else \
                (np.zeros(0), np.zeros(0, dtype=np.int64), region)
        region = np.asarray(region, dtype=np.int64)
        matrix = self._region_matrix(region, np.asarray(owner, dtype=np.int64), np.zeros(len(e), dtype=np.int64),
                                     e, t, c, n_src)
        d, _, s = dijkstra(matrix, directed=True, indices=m + np.arange(n_src), limit=limit_m,
                           min_only=True, return_predecessors=True)
        sub_src = np.where(s[:m] >= m, s[:m].astype(np.int64) - m + n, -9999)
        if not whole:
            return d[:m], sub_src, region
        dist = np.full(n, np.inf)
        dist[region] = d[:m]
        src = np.full(n, -9999, dtype=np.int64)
        src[region] = sub_src
        return dist, src

    @staticmethod
    def _same_edge(sources: AccessPoints, t_rows: np.ndarray, targets: AccessPoints):
        """Pairs (target access point, source access point) on the same edge, with the direct
        walk between them along it."""
        s_rows = np.flatnonzero(sources.snaps.snapped)
        se = sources.snaps.edge[s_rows]
        order = np.argsort(se, kind="stable")
        se_sorted = se[order]
        te = targets.snaps.edge[t_rows]
        lo = np.searchsorted(se_sorted, te, "left")
        count = np.searchsorted(se_sorted, te, "right") - lo
        total = int(count.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        ti = np.repeat(t_rows, count)
        si = s_rows[order[np.arange(total) - np.repeat(np.cumsum(count) - count, count) + np.repeat(lo, count)]]
        direct = (sources.snaps.connector[si] + np.abs(sources.snaps.along[si] - targets.snaps.along[ti])
                  + targets.snaps.connector[ti])
        return ti, si, direct

    def _cut(self, e: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Pieces [a, b] (metres from u) of edges ``e``, vectorised."""
        if len(e) == 0:
            return np.empty(0, dtype=object)
        geoms = self._edge_geoms(e)
        coords, gi = shapely.get_coordinates(geoms, return_index=True)
        seg = np.zeros(len(coords))
        seg[1:] = np.hypot(*np.diff(coords, axis=0).T)
        seg[1:][gi[1:] != gi[:-1]] = 0.0
        cum = np.cumsum(seg)
        first = np.searchsorted(gi, np.arange(len(e)))
        along = cum - cum[first][gi]
        inside = (along > a[gi]) & (along < b[gi])
        start = shapely.get_coordinates(shapely.line_interpolate_point(geoms, a))
        end = shapely.get_coordinates(shapely.line_interpolate_point(geoms, b))
        piece = np.concatenate([np.arange(len(e)), gi[inside], np.arange(len(e))])
        key = np.concatenate([np.full(len(e), -np.inf), along[inside], np.full(len(e), np.inf)])
        xy = np.concatenate([start, coords[inside], end])
        order = np.lexsort((key, piece))
        return shapely.linestrings(xy[order], indices=piece[order])


def _node_id_runs(values: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``parse_node_ids`` of every line at once: (all ids in one array, where each line's run
    starts in it, how many ids it has — -1 for a drawn path). When every line's ids are text of
    digits and spaces, one ``np.fromstring`` parses them all and the ids per line are counted on
    the bytes (a parse per line cost ~2 s at 10^6 lines, a split per line 0.3 s); anything else is
    parsed line by line."""
    values = np.asarray(values, dtype=object).reshape(-1) if not isinstance(values, np.ndarray) else values
    n = len(values)
    count = np.full(n, -1, dtype=np.int64)
    present = np.not_equal(values, None) if n else np.zeros(0, dtype=bool)
    given = np.flatnonzero(present)
    text = values[given].tolist()
    parsed = _parse_all(text) if text else None
    if parsed is not None:
        flat, per = parsed
        count[given] = np.where(per > 0, per, -1)
        start = np.zeros(n, dtype=np.int64)
        start[given] = np.cumsum(per) - per
        return flat, start, count
    runs = []
    for i in given.tolist():
        ids = parse_node_ids(values[i])
        if ids is not None:
            count[i] = len(ids)
            runs.append(ids)
    lengths = np.maximum(count, 0)
    return (np.concatenate(runs) if runs else np.zeros(0, np.int64)), np.cumsum(lengths) - lengths, count


def _parse_all(text: list) -> tuple[np.ndarray, np.ndarray] | None:
    """(every id, ids per line) of lines of space-separated integers, or None when they are not
    all such text (the caller then parses line by line)."""
    try:
        data = "\n".join(text).encode("ascii")
    except (TypeError, UnicodeEncodeError):  # not all text, or not digits
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    newline = np.flatnonzero(raw == 10)
    if len(newline) != len(text) - 1:
        return None  # a value holding a line break of its own
    blank = (raw == 32) | (raw == 10)
    if not ((raw >= 48) & (raw <= 57) | blank | (raw == 45)).all():
        return None  # something else than digits, minus signs and spaces
    starts = np.flatnonzero(~blank & np.concatenate([[True], blank[:-1]]))  # where each id begins
    ends = np.flatnonzero(~blank & np.concatenate([blank[1:], [True]]))  # where each id ends
    if len(starts) and (ends - starts).max() >= 18:
        return None  # an id of 19 digits or more may not fit int64: parsed (and refused) line by line
    per = np.bincount(np.searchsorted(newline, starts), minlength=len(text)).astype(np.int64)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            flat = np.fromstring(data.decode("ascii").replace("\n", " "), dtype=np.int64, sep=" ")
    except ValueError:
        return None
    return (flat, per) if len(flat) == per.sum() else None


def _at(found: tuple, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance and source at ``nodes`` from a ``WalkGraph._dijkstra`` answer: whole-graph arrays,
    or (distances, sources, region nodes) of a search within a region (inf, -9999 outside it)."""
    if len(found) == 2:
        return found[0][nodes], found[1][nodes]
    dist, src, region = found
    if len(region) == 0:
        return np.full(len(nodes), np.inf), np.full(len(nodes), -9999, dtype=np.int64)
    pos = np.minimum(np.searchsorted(region, nodes), len(region) - 1)
    inside = region[pos] == nodes
    return np.where(inside, dist[pos], np.inf), np.where(inside, src[pos], -9999)


def _per_owner(owners, point_owner, distances, source_rows, source_owners, limit_m) -> Nearest:
    """Reduce candidate (access point, distance, source owner index) rows to the best per owner —
    the least distance, of equal ones the first row; beyond the limit is unreachable. Two passes
    of np.minimum.at instead of a lexsort (8 × 15 ms at 10^5 homes)."""
    n = len(owners)
    dist = np.full(n, np.inf)
    source = np.full(n, -1, dtype=np.int64)
    if len(distances):
        best = np.full(n, np.inf)
        np.minimum.at(best, point_owner, distances)
        won = np.flatnonzero(distances == best[point_owner])
        first = np.full(n, len(distances), dtype=np.int64)
        np.minimum.at(first, point_owner[won], won)
        rows = first[first < len(distances)]
        rows = rows[np.isfinite(distances[rows]) & (distances[rows] <= limit_m)]
        dist[point_owner[rows]] = distances[rows]
        source[point_owner[rows]] = source_owners[source_rows[rows]]
    return Nearest(dist, source)


def _merge_spans(spans):
    """Union of intervals, as sorted disjoint intervals."""
    out = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _build(lines, node_ids, fids, tolerance) -> WalkGraph:
    """WalkGraph.build, in numpy: every step is over all lines at once."""
    geoms = np.empty(len(lines), dtype=object)
    geoms[:] = list(lines)
    if isinstance(node_ids, np.ndarray) and node_ids.dtype == object and node_ids.ndim == 1:
        ids_in = node_ids  # a layer's column (from_table)
    else:
        ids_in = np.full(len(geoms), None, dtype=object)
        for i, ids in enumerate(node_ids if node_ids is not None else ()):  # element by element: lists stay lists
            if i < len(ids_in):
                ids_in[i] = ids
        if node_ids is not None and len(node_ids) != len(geoms):
            raise ValueError("node_ids and fids must have one entry per line")
    fid_in = np.asarray(fids if fids is not None else np.full(len(geoms), -1), dtype=np.int64).reshape(-1)
    if len(ids_in) != len(geoms) or len(fid_in) != len(geoms):
        raise ValueError("node_ids and fids must have one entry per line")

    # Explode multi-part lines (their parts are drawn paths: ids are per vertex of one line).
    if len(geoms) and (shapely.get_type_id(geoms) == 1).all():  # no multi-part line: nothing to explode
        parts, part_of = geoms, np.arange(len(geoms))
    else:
        parts, part_of = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & (shapely.get_num_coordinates(parts) >= 2)
    parts, part_of = parts[keep], part_of[keep]
    single = np.bincount(part_of, minlength=len(geoms)) == 1
    n_lines = len(parts)
    if n_lines == 0:
        return _empty_graph()
    coords, vline = shapely.get_coordinates(parts, return_index=True)
    counts = np.bincount(vline, minlength=n_lines)
    line_start = np.concatenate([[0], np.cumsum(counts)[:-1]])

    # Vertex keys: OSM ids where given (shared id = shared node), else one key per vertex.
    flat, id_start, id_count = _node_id_runs(ids_in)
    osm_line = single[part_of] & (id_count[part_of] == counts)
    n_ids = counts[osm_line]
    gather = np.repeat(id_start[part_of[osm_line]], n_ids) + np.arange(n_ids.sum()) - \
        np.repeat(np.cumsum(n_ids) - n_ids, n_ids)
    osm_vertex = osm_line[vline]
    key = np.empty(len(coords), dtype=np.int64)
    osm_unique, osm_key = _unique_inverse(flat[gather])
    key[osm_vertex] = osm_key
    n_drawn_v = int((~osm_vertex).sum())
    key[~osm_vertex] = len(osm_unique) + np.arange(n_drawn_v)
    n_keys = len(osm_unique) + n_drawn_v
    vertex_osm_id = np.full(len(coords), -1, dtype=np.int64)
    vertex_osm_id[osm_vertex] = osm_unique[osm_key]

    # Position of each vertex along its line.
    seg = np.zeros(len(coords))
    seg[1:] = np.hypot(*np.diff(coords, axis=0).T)
    seg[line_start] = 0.0
    cum = np.cumsum(seg)
    along = cum - cum[line_start][vline]

    # Stations: the vertices, plus split points inserted by geometric noding.
    s_line, s_along, s_xy, s_key, s_osm = vline, along, coords, key, vertex_osm_id
    label = None
    if (~osm_line).any():
        extra, links, n_points = _node_drawn(parts, osm_line, coords, vline, along, key, n_keys, cum,
                                             line_start, counts, tolerance)
        if extra is not None:
            e_line, e_along, e_xy, e_point = extra
            s_line = np.concatenate([vline, e_line])
            s_along = np.concatenate([along, e_along])
            s_xy = np.concatenate([coords, e_xy])
            s_key = np.concatenate([key, n_keys + e_point])
            s_osm = np.concatenate([vertex_osm_id, np.full(len(e_line), -1, dtype=np.int64)])
        if n_points:
            # Keys joined by noding (a point, the vertices it lands on, points within tolerance of
            # each other) become one node: connected components of the "same place" links.
            size = n_keys + n_points
            link = coo_matrix((np.ones(len(links)), (links[:, 0], links[:, 1])), shape=(size, size))
            _, label = connected_components(link, directed=False)
            s_key = label[s_key]
    if s_line is not vline:  # noding inserted stations: put them in place along their lines
        order = np.lexsort((s_along, s_line))
        s_line, s_along, s_xy, s_key, s_osm = s_line[order], s_along[order], s_xy[order], s_key[order], s_osm[order]
    # else the vertices are in order already (by line, then along it): sorting 3·10^6 of them cost ~0.5 s

    forced = np.zeros(len(s_line), dtype=bool)
    for _ in range(2):  # the second round only splits closed loops in two
        pieces = _pieces(s_line, s_key, forced)
        loops = pieces["loop_mid"]
        if len(loops) == 0:
            break
        forced[loops] = True

    u_key, v_key = pieces["u"], pieces["v"]
    good = np.flatnonzero(u_key != v_key)  # a two-point "loop" is a repeated point: no length to walk
    u_key, v_key = u_key[good], v_key[good]
    # Node numbers: the keys at edge ends, in key order (keys are 0..size-1: a mark and a running count
    # instead of np.unique, 0.2 s at 10^6 edges).
    n_e = len(u_key)
    ends_key = np.concatenate([u_key, v_key])
    is_node = np.zeros(int(ends_key.max()) + 1 if n_e else 0, dtype=bool)
    is_node[ends_key] = True
    number = np.cumsum(is_node) - 1
    inv = number[ends_key]
    u, v = inv[:n_e], inv[n_e:]
    n_nodes = int(is_node.sum())
    node_xy = np.zeros((n_nodes, 2))
    node_osm = np.full(n_nodes, -1, dtype=np.int64)
    ends = np.concatenate([pieces["start"][good], pieces["end"][good]])
    node_xy[inv[::-1]] = s_xy[ends[::-1]]  # the first station at a node gives its position
    osm_end = s_osm[ends] != -1
    node_osm[inv[osm_end]] = s_osm[ends][osm_end]
    start_station = pieces["start"][good]
    edge_fid = fid_in[part_of[s_line[start_station]]]
    edge_xy, edge_start = _ragged_take(s_xy[pieces["station"]], pieces["offset"], good)
    return WalkGraph(u, v, _run_lengths(edge_xy, edge_start), edge_xy, edge_start, node_xy, node_osm, edge_fid,
                     parts, s_line[start_station], s_along[start_station])


def _empty_graph() -> WalkGraph:
    return WalkGraph([], [], [], np.zeros((0, 2)), np.zeros(1, dtype=np.int64), np.zeros((0, 2)), [], [],
                     np.empty(0, dtype=object), [], [])


def _ragged_take(xy: np.ndarray, start: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs ``idx`` of a ragged array (run i is xy[start[i]:start[i + 1]]), as (rows, their starts)."""
    idx = np.asarray(idx, dtype=np.int64)
    count = start[idx + 1] - start[idx]
    new_start = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum(count, out=new_start[1:])
    rows = np.repeat(start[idx] - new_start[:-1], count) + np.arange(int(new_start[-1]))
    return xy[rows], new_start


def _run_lengths(xy: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The length of each run of points (a polyline), summed segment by segment as GEOS does."""
    if len(start) <= 1:
        return np.zeros(0)
    return np.add.reduceat(_segment_lengths(xy, start), start[:-1])


def _segment_lengths(xy: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per point of runs of points: the length of the segment into it (0 at a run's first point)."""
    d = np.diff(xy, axis=0)
    seg = np.zeros(len(xy))
    seg[1:] = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
    seg[start[:-1]] = 0.0
    return seg


def renode(old: WalkGraph, changed: Iterable[int], lines, node_ids, fids,
           tolerance: float = SNAP_TOLERANCE_M) -> WalkGraph:
    """The graph of ``lines`` (the whole network after an edit, as ``build`` takes it) made from
    ``old`` (the graph before it) by noding again only the paths ``changed`` (fids added, changed
    or removed) and the paths near them (issue 17 item 4: one drawn path on a district plan took
    a full build, seconds).

    Why this equals a full build: a path's pieces depend only on the lines within ``tolerance``
    of it (vertex hits, crossings) and on OSM ids it shares with lines that touch it. The
    "affected" paths — the changed ones and every path within tolerance of their old or new
    geometry — are built again together with their own neighbours (so each gets all its cuts,
    and its junction nodes the same position: the first station in line order); every other
    path keeps its edges. Nodes of the two parts are the same node when they have the same OSM
    id, or else the same coordinates. Assumed: a shared OSM node id is one place (as OSM data
    is), and no chain of points each within tolerance of the next runs beyond a path's
    neighbours."""
    geoms = np.empty(len(lines), dtype=object)
    geoms[:] = list(lines)
    ids = list(node_ids)
    fids = np.asarray(fids, dtype=np.int64)
    changed = np.asarray(sorted(int(f) for f in changed), dtype=np.int64)
    if old is None or (old.edge_fid < 0).any() or len(_unique(fids)) != len(fids) or \
            not (shapely.get_type_id(geoms) == 1).all():
        return _build(geoms, ids, fids, tolerance)  # no fids to tell paths apart, or multi-part lines
    now = np.isin(fids, changed)
    # The changed paths as the old graph walked them (their lines), and as they are now.
    touched = np.concatenate([np.asarray(old.lines, dtype=object)[np.isin(old.line_fid, changed)], geoms[now]])
    if len(touched) == 0:
        return old  # none of the changed paths is walkable, before or after
    affected = _unique(np.concatenate([changed, _fids_near(old, touched, tolerance)]))
    in_affected = np.isin(fids, affected)
    context = _fids_near(old, geoms[in_affected], tolerance)
    sub_rows = np.flatnonzero(in_affected | np.isin(fids, context))
    sub = _build(geoms[sub_rows], [ids[i] for i in sub_rows], fids[sub_rows], tolerance)
    keep = np.flatnonzero(~np.isin(old.edge_fid, affected))
    take = np.flatnonzero(np.isin(sub.edge_fid, affected))

    # The sub-build's nodes that are nodes of the old graph: those are ends of old edges of
    # affected paths (a junction of an affected path with a kept one was one before the edit).
    def place(xy, osm):
        return ("osm", int(osm)) if osm >= 0 else ("xy", float(xy[0]), float(xy[1]))
    gone = old.edge_fid >= 0
    gone[keep] = False
    border = _unique(np.concatenate([old.u[gone], old.v[gone]]))
    known = {place(old.node_xy[k], old.node_osm_id[k]): int(k) for k in border}
    sub_nodes = _unique(np.concatenate([sub.u[take], sub.v[take]]))
    node_of = np.full(sub.n_nodes, -1, dtype=np.int64)
    fresh = []
    for k in sub_nodes:
        got = known.get(place(sub.node_xy[k], sub.node_osm_id[k]))
        if got is None:
            fresh.append(k)
        else:
            node_of[k] = got
    fresh = np.asarray(fresh, dtype=np.int64)
    node_of[fresh] = old.n_nodes + np.arange(len(fresh))
    all_xy = np.concatenate([old.node_xy, sub.node_xy[fresh]])
    all_osm = np.concatenate([old.node_osm_id, sub.node_osm_id[fresh]])

    u = np.concatenate([old.u[keep], node_of[sub.u[take]]])
    v = np.concatenate([old.v[keep], node_of[sub.v[take]]])
    length = np.concatenate([old.length[keep], sub.length[take]])
    kept_xy, kept_start = _ragged_take(old.edge_xy, old.edge_start, keep)
    new_xy, new_start = _ragged_take(sub.edge_xy, sub.edge_start, take)
    edge_xy = np.concatenate([kept_xy, new_xy])
    edge_start = np.concatenate([kept_start[:-1], new_start + kept_start[-1]])
    edge_fid = np.concatenate([old.edge_fid[keep], sub.edge_fid[take]])
    edge_along = np.concatenate([old.edge_along[keep], sub.edge_along[take]])
    # Edges in line order, as a full build lists them (ties in snapping go to the first edge); a
    # path's edges all come from one side, in their order along it. Each edge's line is its row in
    # ``lines``.
    by_fid = np.argsort(fids, kind="stable")
    rank = by_fid.argsort()[np.searchsorted(fids[by_fid], edge_fid)] if len(fids) else edge_fid
    order = np.argsort(rank, kind="stable")
    u, v, length, edge_fid, edge_along = u[order], v[order], length[order], edge_fid[order], edge_along[order]
    edge_xy, edge_start = _ragged_take(edge_xy, edge_start, order)
    # Only nodes some edge ends at, numbered afresh.
    used, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    n_e = len(u)
    return WalkGraph(inv[:n_e], inv[n_e:], length, edge_xy, edge_start, all_xy[used], all_osm[used], edge_fid,
                     geoms, rank[order], edge_along)


def _fids_near(graph: WalkGraph, geoms, tolerance: float) -> np.ndarray:
    """The path fids of ``graph``'s lines whose boxes come within ``tolerance`` of the boxes of
    ``geoms`` (a superset of the paths within tolerance of them: enough, and one STRtree query)."""
    if len(geoms) == 0 or graph.n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    b = shapely.bounds(geoms)
    boxes = shapely.box(b[:, 0] - tolerance, b[:, 1] - tolerance, b[:, 2] + tolerance, b[:, 3] + tolerance)
    tree, used, _, _ = graph._lines_indexed()
    _, hit = tree.query(boxes)
    return _unique(graph.line_fid[used[hit]])


def _pieces(s_line, s_key, forced) -> dict:
    """Cut each line at its break stations: ends, stations shared with another line or another
    place on the same line (same key), and forced breaks. A piece is its run of stations
    (``station[offset[i]:offset[i + 1]]``): no geometry is made (issue 17)."""
    n = len(s_line)
    first = np.ones(n, dtype=bool)
    first[1:] = s_line[1:] != s_line[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = s_line[1:] != s_line[:-1]
    shared = np.bincount(s_key)[s_key] >= 2
    brk = first | last | shared | forced
    starts = brk & ~last
    pid = np.cumsum(starts) - 1
    # A break inside a line ends one piece and starts the next: emit it twice.
    twice = brk & ~first & ~last
    rep = np.where(twice, 2, 1)
    e_station = np.repeat(np.arange(n), rep)
    e_pid = pid[e_station]
    first_copy = (np.cumsum(rep) - rep)[twice]
    e_pid[first_copy] -= 1
    start_idx = np.flatnonzero(starts)
    end_idx = np.flatnonzero(brk & ~first)
    u, v = s_key[start_idx], s_key[end_idx]
    n_pts = np.bincount(e_pid, minlength=len(start_idx))
    loop = (u == v) & (n_pts >= 3)
    first_pt = np.cumsum(n_pts) - n_pts
    loop_mid = e_station[first_pt[loop] + n_pts[loop] // 2]
    offset = np.zeros(len(start_idx) + 1, dtype=np.int64)
    np.cumsum(n_pts, out=offset[1:])
    return dict(u=u, v=v, start=start_idx, end=end_idx, station=e_station, offset=offset, loop_mid=loop_mid)


def _node_drawn(parts, osm_line, coords, vline, along, key, n_keys, cum, line_start, counts, tolerance):
    """Geometric noding of drawn paths (design.md §4), in array operations (issue 17: 10^5 drawn
    lines took 22 s and 3.3 GB when every pair of lines near each other was intersected whole).

    Finds the places where a drawn path meets another line — a vertex of one within ``tolerance``
    of the other (a drawn line's vertex near any line, any line's vertex near a drawn line) and
    crossings of their segments — and returns (new stations to insert into lines, "same place"
    links between keys, number of points). Point ``p`` has key ``n_keys + p``: one per place where
    vertices meet other lines (vertices at exactly one place are one point) and one per crossing.
    """
    n_lines = len(parts)
    segments = _Segments(coords, vline, ~osm_line, tolerance)
    # Vertex hits: (vertex, other line within tolerance): a drawn line's vertices near any line,
    # any line's vertices near a drawn line.
    hv, hl = segments.vertex_hits()

    # One point per place: the vertices that hit something, grouped where they coincide exactly.
    vertices = _unique(hv)
    vx = coords[vertices]
    order = np.lexsort((vx[:, 1], vx[:, 0]))
    new_place = np.ones(len(order), dtype=bool)
    new_place[1:] = (np.diff(vx[order], axis=0) != 0).any(axis=1)
    place = np.empty(len(vertices), dtype=np.int64)
    place[order] = np.cumsum(new_place) - 1
    n_places = int(new_place.sum())
    place_xy = vx[order][new_place]
    place_of = place[np.searchsorted(vertices, hv)]
    # A line with a vertex at the place is joined there through that vertex: no record needed.
    at_place = _unique(place * n_lines + vline[vertices])
    rec = _unique(place_of * n_lines + hl)
    rec = rec[~_member(rec, at_place)]
    v_point, v_line = rec // n_lines, rec % n_lines
    links = [np.column_stack([n_keys + place, key[vertices]])]

    # Crossings of segments of different lines, one of them drawn: the interiors of both.
    x_xy, x_a, x_b = segments.crossings()

    p_xy = np.concatenate([place_xy, x_xy])
    n_points = len(p_xy)
    if n_points == 0:
        return None, np.zeros((0, 2), dtype=np.int64), 0
    x_point = n_places + np.arange(len(x_xy))
    rec_point = np.concatenate([v_point, x_point, x_point])
    rec_line = np.concatenate([v_line, x_a, x_b])

    rec_along = shapely.line_locate_point(parts[rec_line], shapely.points(p_xy[rec_point]))
    rec_xy = shapely.get_coordinates(shapely.line_interpolate_point(parts[rec_line], rec_along))
    # A record landing on one of its line's vertices (within tolerance) joins that vertex instead of
    # adding a station: keeps OSM ids as the node and avoids centimetre-long edges.
    length_of = cum[line_start + counts - 1] - cum[line_start]
    offset = np.concatenate([[0.0], np.cumsum(length_of + 1.0)[:-1]])
    v_pos = along + offset[vline]
    r_pos = rec_along + offset[rec_line]
    hi = np.searchsorted(v_pos, r_pos)
    best = np.full(len(rec_line), -1)
    best_d = np.full(len(rec_line), np.inf)
    for cand in (hi - 1, hi, hi + 1):
        cand = np.clip(cand, 0, len(coords) - 1)
        d = np.hypot(*(coords[cand] - rec_xy).T)
        better = (vline[cand] == rec_line) & (d <= tolerance) & (d < best_d)
        best[better], best_d[better] = cand[better], d[better]
    on_vertex = best >= 0
    links.append(np.column_stack([n_keys + rec_point[on_vertex], key[best[on_vertex]]]))
    # Points within tolerance of each other are the same place (e.g. a drawn end on a crossing).
    close = cKDTree(p_xy).query_pairs(tolerance, output_type="ndarray")
    links.append(n_keys + close)
    links = np.concatenate(links).astype(np.int64)
    new = ~on_vertex
    extra = (rec_line[new], rec_along[new], rec_xy[new], rec_point[new])
    return extra, links, n_points


def _member(a: np.ndarray, sorted_unique: np.ndarray) -> np.ndarray:
    """np.isin(a, sorted_unique) by binary search (np.isin hashed: 0.2 s at 10^5 drawn paths)."""
    if len(sorted_unique) == 0:
        return np.zeros(len(a), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_unique, a), len(sorted_unique) - 1)
    return sorted_unique[pos] == a


def _closer_than_one(geoms, bounds, gi, ei, edges, edge_bounds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the candidate pairs (geometry ``gi``, line ``ei``), those that may be a geometry's
    nearest: the distance between their boxes (never more than theirs) is within that of one
    candidate measured exactly — the one whose box is nearest. Issue 17: homes set back from the
    street had ~11 lines in the box searched and measuring all cost ~1 s at 10^5 homes; a grid's
    boxes leave ~2. Ties are kept (a margin of 1e-9), so the nearest and its tie-break are as before.
    Returns the pairs kept and their exact distances."""
    if len(gi) == 0:
        return gi, ei, np.zeros(0)
    eb = edge_bounds[ei]
    hb = bounds[gi]
    dx = np.maximum(0.0, np.maximum(eb[:, 0] - hb[:, 2], hb[:, 0] - eb[:, 2]))
    dy = np.maximum(0.0, np.maximum(eb[:, 1] - hb[:, 3], hb[:, 1] - eb[:, 3]))
    low = np.hypot(dx, dy)
    one = _first_best(gi, low, ei)
    bound = np.full(int(gi.max()) + 1, np.inf)
    bound[gi[one]] = shapely.distance(geoms[gi[one]], edges[ei[one]])
    keep = low <= bound[gi] * (1 + 1e-9) + 1e-9
    d = np.full(len(gi), np.nan)
    d[one] = bound[gi[one]]
    keep_rows = np.flatnonzero(keep)
    todo = keep_rows[np.isnan(d[keep_rows])]  # the one measured already is not measured again
    d[todo] = shapely.distance(geoms[gi[todo]], edges[ei[todo]])
    return gi[keep_rows], ei[keep_rows], d[keep_rows]


def _first_best(group: np.ndarray, value: np.ndarray, tie: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """Per group (``group`` ascending, as STRtree.query gives its input index): the row of the
    smallest ``value``, ties (within ``tolerance``) to the smallest ``tie`` — a lexsort of (tie,
    value, group) without the sort (0.5 s of the snapping of 10^5 homes on 10^6 edges)."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    if (np.diff(group) < 0).any():  # not grouped: sort them first (never seen from STRtree.query)
        order = np.argsort(group, kind="stable")
        return order[_first_best(group[order], value[order], tie[order], tolerance)]
    starts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
    lowest = np.minimum.reduceat(value, starts)
    size = np.diff(np.append(starts, len(group)))
    at_low = value <= np.repeat(lowest, size) + tolerance
    # Among the rows at the lowest value: the smallest tie key (inf elsewhere).
    key = np.where(at_low, tie, np.iinfo(np.int64).max)
    least = np.minimum.reduceat(key, starts)
    hit = at_low & (key == np.repeat(least, size))
    rows = np.flatnonzero(hit)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = group[rows][1:] != group[rows][:-1]
    return rows[first]


def _node_tree(xy: np.ndarray) -> cKDTree:
    """A kd-tree of the junctions, split at the middle of each box rather than the median: built in
    half the time (0.13 → 0.07 s for 540k junctions), queried as fast (issue 17)."""
    return cKDTree(xy, balanced_tree=False)


def _unique_inverse(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(a, return_inverse=True) with an unstable sort (equal values need no order):
    0.2 → 0.1 s for the 1.4·10^6 vertex ids of a 10^6-edge network."""
    order = np.argsort(a)
    ordered = a[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(a), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def _unique(a: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy 2.4's hash-based np.unique (no return_inverse) took 2 s for
    10^6 int64 here, sorting 20 ms."""
    a = np.sort(a)
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = a[1:] != a[:-1]
    return a[keep]


class _Segments:
    """The segments of every line (one per pair of consecutive vertices), for noding drawn lines:
    one STRtree over their boxes widened by the tolerance; the exact tests are vector arithmetic
    (issue 17: GEOS predicates pair by pair cost seconds at 10^5 lines)."""

    def __init__(self, coords, vline, drawn_line, tolerance):
        self.coords, self.vline, self.drawn_line, self.tolerance = coords, vline, drawn_line, tolerance
        self.start = np.flatnonzero(vline[1:] == vline[:-1])  # segment i runs from vertex start[i] to +1
        self.a0, self.a1 = coords[self.start], coords[self.start + 1]
        self.line = vline[self.start]
        lo, hi = np.minimum(self.a0, self.a1) - tolerance, np.maximum(self.a0, self.a1) + tolerance
        self.boxes = shapely.box(lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1])
        self.tree = shapely.STRtree(self.boxes)
        self._pairs = None

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of segments (i, j) of different lines, i of a drawn line, whose widened boxes
        meet: one STRtree query, each pair once (both drawn: the lower asks; else the drawn one)."""
        if self._pairs is None:
            query = np.flatnonzero(self.drawn_line[self.line])
            if len(query) == 0:
                self._pairs = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            else:
                qi, qj = self.tree.query(self.boxes[query])
                i, j = query[qi], qj
                keep = (self.line[i] != self.line[j]) & ((i < j) | ~self.drawn_line[self.line[j]])
                self._pairs = i[keep], j[keep]
        return self._pairs

    def vertex_hits(self) -> tuple[np.ndarray, np.ndarray]:
        """(vertex, line) for each vertex within tolerance of a segment of another line, where the
        vertex or the line is drawn, each pair once. A vertex within tolerance of a segment lies in
        the widened box of a segment it ends, and that box meets the segment's widened box: so the
        candidates are the ends of the ``pairs`` against the other segment of the pair (no point
        geometry made, no second tree query: 0.5 s at 10^5 drawn paths)."""
        i, j = self.pairs()
        hits_v, hits_line = [], []
        for v, seg in ((self.start[i], j), (self.start[i] + 1, j), (self.start[j], i), (self.start[j] + 1, i)):
            # One end of each pair at a time: the four at once held ~250 MB more at 10^5 paths.
            ok = _onto_segments(self.coords[v], self.a0[seg], self.a1[seg])[0] <= self.tolerance
            hits_v.append(v[ok])
            hits_line.append(self.line[seg[ok]])
        v, line = np.concatenate(hits_v), np.concatenate(hits_line)
        width = int(self.line.max()) + 1 if len(self.line) else 1
        pair = _unique(v * width + line)
        return pair // width, pair % width

    def crossings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where segments of two different lines, one of them drawn, cross inside both (ends that
        meet or touch are vertex hits): (points, first line, second line)."""
        i, j = self.pairs()
        line = self.line
        p, r = self.a0[i], self.a1[i] - self.a0[i]
        q, s = self.a0[j], self.a1[j] - self.a0[j]
        denom = r[:, 0] * s[:, 1] - r[:, 1] * s[:, 0]
        qp = q - p
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (qp[:, 0] * s[:, 1] - qp[:, 1] * s[:, 0]) / denom
            u = (qp[:, 0] * r[:, 1] - qp[:, 1] * r[:, 0]) / denom
        # Strictly inside both, beyond tolerance of their ends (nearer is a vertex hit); parallel
        # segments never cross (where they overlap, their ends lie on each other: vertex hits).
        len_r, len_s, tol = np.hypot(*r.T), np.hypot(*s.T), self.tolerance
        inside = (denom != 0) & (t * len_r > tol) & ((1 - t) * len_r > tol) & (u * len_s > tol) & ((1 - u) * len_s > tol)
        i, j, t = i[inside], j[inside], t[inside]
        return p[inside] + t[:, None] * r[inside], line[i], line[j]


def _onto_segments(xy: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each point projected onto the segment a–b of its row: (distance to it, where its foot lies as
    a share of the segment, 0–1; the segment's length)."""
    ab = b - a
    length2 = (ab * ab).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.where(length2 > 0, ((xy - a) * ab).sum(axis=1) / length2, 0.0), 0.0, 1.0)
    foot = a + t[:, None] * ab
    return np.hypot(*(xy - foot).T), t, np.sqrt(length2)


# --- access points --------------------------------------------------------------------------
def access_points(footprints: Mapping[int, object], entrances: Iterable = (), graph: WalkGraph | None = None,
                  *, max_connector_m: float | None = None) -> AccessPoints:
    """Access points of homes, facilities or stops (design.md §4).

    ``footprints`` maps owner fid → geometry (polygon, or point for a stop). ``entrances`` are
    ``(owner_fid, Point, open)``: an owner with entrances is reached through its *open* ones only
    — if all are closed it has no access point and is unreachable (a closed compound gate
    changes coverage). An owner without entrances is reached at the point of its footprint
    nearest to the network (0 connector if it touches a path); a point is its own access point.
    Without a graph, that point is the footprint's centroid (for ``straight_line_nearest``).
    The result's ``owners`` are the keys of ``footprints``, in their order; ``footprints`` may
    also be a pair of arrays (fids, geometries), as a layer's table holds them.
    """
    if isinstance(footprints, tuple):
        fids = np.asarray(footprints[0], dtype=np.int64)
        geoms = np.asarray(footprints[1], dtype=object)
    else:
        fids = np.fromiter(footprints.keys(), dtype=np.int64, count=len(footprints))
        geoms = np.empty(len(fids), dtype=object)
        geoms[:] = list(footprints.values())
    position = {int(f): i for i, f in enumerate(fids.tolist())}
    with_entrance = np.zeros(len(fids), dtype=bool)
    e_owner, e_xy = [], []
    for owner, point, is_open in entrances:
        i = position.get(int(owner))
        if i is None:
            continue  # an entrance of a feature not asked about
        with_entrance[i] = True
        if is_open:
            e_owner.append(i)
            e_xy.append(shapely.get_coordinates(point)[0])
    e_owner = np.asarray(e_owner, dtype=np.int64)
    e_xy = np.asarray(e_xy, dtype=np.float64).reshape(-1, 2)

    plain = np.flatnonzero(~with_entrance & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if graph is not None and graph.n_edges:
        p_xy, p_snaps = graph._snap_geometries(geoms[plain], max_connector_m)
        e_snaps = graph.snap(e_xy, max_connector_m)
        unsnapped = ~p_snaps.snapped  # beyond max_connector_m: fall back to the centroid below
    else:
        p_xy = np.full((len(plain), 2), np.nan)
        p_snaps, e_snaps = Snaps.none(len(plain)), Snaps.none(len(e_xy))
        unsnapped = np.ones(len(plain), dtype=bool)
    if unsnapped.any():
        p_xy[unsnapped] = shapely.get_coordinates(shapely.centroid(geoms[plain[unsnapped]]))

    index = np.concatenate([plain, e_owner])
    order = np.argsort(index, kind="stable")
    snaps = Snaps(*(np.concatenate([getattr(p_snaps, f), getattr(e_snaps, f)])[order]
                    for f in ("edge", "along", "point", "connector")))
    return AccessPoints(fids, index[order], np.concatenate([p_xy, e_xy])[order], snaps)


# --- fallback without a network -------------------------------------------------------------
def straight_line_nearest(sources: AccessPoints, targets: AccessPoints, limit_m: float = np.inf,
                          detour: float = DETOUR_FACTOR) -> Nearest:
    """Approximate walking distance without a network: straight line between access points ×
    ``detour`` (design.md §4: 1.3). Callers label every result from here "approximate"."""
    m = len(targets.owners)
    if len(sources) == 0 or len(targets) == 0:
        return Nearest(np.full(m, np.inf), np.full(m, -1, dtype=np.int64))
    straight, nearest_ap = cKDTree(sources.xy).query(targets.xy, k=1)
    return _per_owner(targets.owners, targets.index, straight * detour, sources.index[nearest_ap],
                      sources.owners, limit_m)

"""Snapping and picking: which vertex, edge or feature is near a point (Qt-free).

Like QGIS's ``QgsSnappingUtils``/``QgsPointLocator``: the caller passes the tolerance in map units
(metres), converted from screen pixels at event time, and the result remembers what it snapped to
(vertex or edge, layer, feature id). A vertex within tolerance wins over a nearer edge, so a
click near a corner lands exactly on the corner.

Geometry code is array code (style.md, shapely 2): one ``STRtree`` per layer over the features,
plus flat arrays of every vertex and every segment grouped by feature; a query asks the tree for
the few features whose box is near and measures only their vertices and segments with numpy.
An edit to a few features does not rebuild the tree: changed features are kept aside in a small
second index until there are enough of them to make a rebuild worth it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

Key = tuple[str, int]

# A rebuild of a 20k-feature layer costs ~30 ms; an aside index of a few dozen features costs
# microseconds per query. Rebuild when the aside set outgrows this.
_MAX_ASIDE = 64


@dataclass(frozen=True)
class SnapResult:
    """Where a point snapped to: ``point`` is exact (a vertex's stored coordinates, or the
    projection onto an edge), ``kind`` is ``"vertex"`` or ``"edge"``; ``segment`` is the edge's
    two ends (for an edge snap)."""
    point: tuple[float, float]
    kind: str
    layer: str
    fid: int
    distance: float
    segment: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def key(self) -> Key:
        return (self.layer, self.fid)


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, e)`` for every pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shifts = starts - np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.repeat(shifts, lengths) + np.arange(total)


class _Index:
    """An immutable spatial index over one set of features (one layer, or the changed few)."""

    def __init__(self, fids: np.ndarray, geoms: np.ndarray):
        self.fids = fids
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms)
        n = len(geoms)
        parts, part_owner = shapely.get_parts(geoms, return_index=True)
        types = shapely.get_type_id(parts)
        polys = types == 3
        rings, ring_part = shapely.get_rings(parts[polys], return_index=True)
        lines = (types == 1) | (types == 2)
        chains = np.concatenate([rings, parts[lines]])
        chain_owner = np.concatenate([part_owner[polys][ring_part], part_owner[lines]]).astype(np.int64)
        coords, chain_idx = shapely.get_coordinates(chains, return_index=True)
        # Vertices: every coordinate of every ring, line and point, grouped by feature.
        points = parts[types == 0]
        pcoords = shapely.get_coordinates(points)
        v_xy = np.concatenate([coords, pcoords])
        v_owner = np.concatenate([chain_owner[chain_idx], part_owner[types == 0]]).astype(np.int64)
        order = np.argsort(v_owner, kind="stable")
        self.v_xy, self.v_owner = v_xy[order], v_owner[order]
        # Segments: consecutive coordinates of the same ring or line.
        same = chain_idx[:-1] == chain_idx[1:] if len(chain_idx) else np.empty(0, bool)
        s_a, s_b = coords[:-1][same], coords[1:][same]
        s_owner = chain_owner[chain_idx[:-1][same]] if len(chain_idx) else np.empty(0, np.int64)
        order = np.argsort(s_owner, kind="stable")
        self.s_a, self.s_b, self.s_owner = s_a[order], s_b[order], s_owner[order]
        ids = np.arange(n)
        self.v_start = np.searchsorted(self.v_owner, ids, "left")
        self.v_end = np.searchsorted(self.v_owner, ids, "right")
        self.s_start = np.searchsorted(self.s_owner, ids, "left")
        self.s_end = np.searchsorted(self.s_owner, ids, "right")

    def candidates(self, box: BaseGeometry, skip: np.ndarray | None) -> np.ndarray:
        candidates = self.tree.query(box)
        if skip is not None and len(skip) and len(candidates):
            candidates = candidates[~np.isin(self.fids[candidates], skip)]
        return candidates

    def nearest_vertex(self, point: np.ndarray, candidates: np.ndarray):
        vi = _ranges(self.v_start[candidates], self.v_end[candidates])
        if not len(vi):
            return None
        d = np.hypot(*(self.v_xy[vi] - point).T)
        k = int(np.argmin(d))
        return float(d[k]), int(vi[k])

    def nearest_edge(self, point: np.ndarray, candidates: np.ndarray):
        si = _ranges(self.s_start[candidates], self.s_end[candidates])
        if not len(si):
            return None
        a, b = self.s_a[si], self.s_b[si]
        ab = b - a
        len2 = (ab * ab).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(len2 > 0, ((point - a) * ab).sum(axis=1) / len2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        q = a + t[:, None] * ab
        d = np.hypot(*(q - point).T)
        k = int(np.argmin(d))
        return float(d[k]), int(si[k]), (float(q[k, 0]), float(q[k, 1]))


class _Layer:
    def __init__(self, geoms: dict[int, BaseGeometry]):
        self.geoms = geoms
        self.base: _Index | None = None
        self.base_fids: set[int] = set()
        self.aside: set[int] = set()        # fids changed or removed since ``base`` was built
        self.aside_index: _Index | None = None
        self.aside_dirty = False
        self.cached: list | None = None

    def indexes(self) -> list[tuple[_Index, np.ndarray | None]]:
        """(index, fids of that index to skip) pairs, building what is stale."""
        if self.cached is not None:
            return self.cached
        if self.base is None or len(self.aside) > _MAX_ASIDE:
            fids = np.fromiter(self.geoms.keys(), dtype=np.int64, count=len(self.geoms))
            geoms = np.array(list(self.geoms.values()), dtype=object)
            self.base = _Index(fids, geoms) if len(fids) else None
            self.base_fids = set(self.geoms)
            self.aside.clear()
            self.aside_index, self.aside_dirty = None, False
        if self.aside_dirty:
            live = [f for f in self.aside if f in self.geoms]
            self.aside_index = _Index(np.array(live, dtype=np.int64),
                                      np.array([self.geoms[f] for f in live], dtype=object)) if live else None
            self.aside_dirty = False
        out = []
        if self.base is not None:
            skip = np.fromiter(self.aside, dtype=np.int64, count=len(self.aside)) if self.aside else None
            out.append((self.base, skip))
        if self.aside_index is not None:
            out.append((self.aside_index, None))
        self.cached = out
        return out


class Snapper:
    """Snap points to the vertices and edges of features, and find the features near a point.

    Layers are registered with ``set_layer`` and kept current with ``update``; indexes are built
    lazily, on the first query after a change.
    """

    def __init__(self):
        self._layers: dict[str, _Layer] = {}

    # --- content --------------------------------------------------------------------------
    def set_layer(self, layer: str, features: Iterable[tuple[int, BaseGeometry]]) -> None:
        """Replace all of ``layer``'s features: (fid, geometry) pairs (empty geometries skipped)."""
        self._layers[layer] = _Layer({int(fid): g for fid, g in features if g is not None and not g.is_empty})

    def update(self, layer: str, fid: int, geometry: BaseGeometry | None) -> None:
        """One feature changed (``geometry``) or was removed (``None``)."""
        state = self._layers.setdefault(layer, _Layer({}))
        fid = int(fid)
        if geometry is None or geometry.is_empty:
            state.geoms.pop(fid, None)
        else:
            state.geoms[fid] = geometry
        if state.base is not None:
            state.aside.add(fid)
            state.aside_dirty = True
        state.cached = None

    def clear(self) -> None:
        self._layers.clear()

    def layers(self) -> list[str]:
        return list(self._layers)

    def geometry(self, layer: str, fid: int) -> BaseGeometry | None:
        state = self._layers.get(layer)
        return None if state is None else state.geoms.get(int(fid))

    def prepare(self, layers: Iterable[str] | None = None) -> None:
        """Build the indexes now (e.g. when snapping is switched on), not on the first query."""
        for name in (self._layers if layers is None else layers):
            if name in self._layers:
                self._layers[name].indexes()

    def _states(self, layers):
        names = self._layers.keys() if layers is None else layers
        return [(n, self._layers[n]) for n in names if n in self._layers and self._layers[n].geoms]

    # --- queries ------------------------------------------------------------------------------
    def snap(self, xy: tuple[float, float], tolerance: float, layers: Iterable[str] | None = None, *,
             vertices: bool = True, edges: bool = True, exclude: Iterable[Key] = ()) -> SnapResult | None:
        """The nearest vertex within ``tolerance`` (metres) of ``xy``, else the nearest point on an
        edge within it, else None. ``exclude`` names features not to snap to (the one being edited)."""
        if tolerance <= 0 or not (vertices or edges):
            return None
        x, y = float(xy[0]), float(xy[1])
        p = np.array([x, y])
        box = shapely.box(x - tolerance, y - tolerance, x + tolerance, y + tolerance)
        excluded: dict[str, list[int]] = {}
        for layer, fid in exclude:
            excluded.setdefault(layer, []).append(int(fid))
        best_v: SnapResult | None = None
        best_e: SnapResult | None = None
        for name, state in self._states(layers):
            extra = np.array(excluded.get(name, ()), dtype=np.int64)
            for index, skip in state.indexes():
                if len(extra):
                    skip = extra if skip is None else np.concatenate([skip, extra])
                candidates = index.candidates(box, skip)
                if not len(candidates):
                    continue
                if vertices:
                    hit = index.nearest_vertex(p, candidates)
                    if hit and hit[0] <= tolerance and (best_v is None or hit[0] < best_v.distance):
                        d, vi = hit
                        fid = int(index.fids[index.v_owner[vi]])
                        vx, vy = index.v_xy[vi]
                        best_v = SnapResult((float(vx), float(vy)), "vertex", name, fid, d)
                if edges and best_v is None:
                    hit = index.nearest_edge(p, candidates)
                    if hit and hit[0] <= tolerance and (best_e is None or hit[0] < best_e.distance):
                        d, si, q = hit
                        fid = int(index.fids[index.s_owner[si]])
                        seg = (tuple(map(float, index.s_a[si])), tuple(map(float, index.s_b[si])))
                        best_e = SnapResult(q, "edge", name, fid, d, seg)
        return best_v or best_e

    def features_at(self, xy: tuple[float, float], tolerance: float,
                    layers: Iterable[str] | None = None) -> list[Key]:
        """Features within ``tolerance`` of ``xy`` (a polygon: inside it or near its edge).

        Ordered by the order of ``layers``, then by distance, then smallest area first — so a
        facility inside a residential compound is picked before the compound."""
        point = shapely.Point(float(xy[0]), float(xy[1]))
        out: list[Key] = []
        for name, state in self._states(layers):
            hits: list[tuple[float, float, int]] = []
            for index, skip in state.indexes():
                candidates = index.tree.query(point, predicate="dwithin", distance=max(tolerance, 0.0))
                if skip is not None and len(candidates):
                    candidates = candidates[~np.isin(index.fids[candidates], skip)]
                if not len(candidates):
                    continue
                geoms = index.geoms[candidates]
                dist, area = shapely.distance(geoms, point), shapely.area(geoms)
                hits.extend(zip(dist.tolist(), area.tolist(), index.fids[candidates].tolist()))
            hits.sort()
            out.extend((name, fid) for _, _, fid in hits)
        return out

    def features_in(self, bounds: tuple[float, float, float, float],
                    layers: Iterable[str] | None = None) -> list[Key]:
        """Features intersecting the rectangle ``(xmin, ymin, xmax, ymax)``."""
        box = shapely.box(*bounds)
        out: list[Key] = []
        for name, state in self._states(layers):
            for index, skip in state.indexes():
                candidates = index.tree.query(box, predicate="intersects")
                if skip is not None and len(candidates):
                    candidates = candidates[~np.isin(index.fids[candidates], skip)]
                out.extend((name, int(f)) for f in sorted(index.fids[candidates].tolist()))
        return out


__all__ = ["Snapper", "SnapResult"]

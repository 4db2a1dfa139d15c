"""Capturing geometry by clicks (digitising), as Qt-free state machines (style.md §2).

The map tools in ``ui/tools`` only translate mouse and keys into these calls and draw the
rubber band; everything that decides — when a polygon may be closed, what its area is so far,
whether it crosses itself, what an edited vertex does to a shape — lives here and is tested
with plain pytest.

Conventions from QGIS users' complaints (design.md §6) are the UI's business (Esc asks before
discarding, a right-click does not finish); the captures only never lose a vertex silently:
``close()`` on an invalid shape raises and keeps every vertex so the planner can fix it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from .errors import InvalidGeometry
from .geometry import check_linestring, check_polygon
from .snapping import SnapResult

XY = tuple[float, float]


@dataclass(frozen=True)
class CapturedVertex:
    """A clicked vertex and, when it was snapped, what it snapped to."""
    xy: XY
    snapped_to: SnapResult | None = None


def _xy(xy) -> XY:
    x, y = float(xy[0]), float(xy[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        raise InvalidGeometry("坐标含有无效数值（NaN 或无穷大）", "a coordinate is NaN or infinite")
    return (x, y)


def ring_area(coords) -> float:
    """Area enclosed by the ring through ``coords`` (shoelace; the ring need not be closed)."""
    if len(coords) < 3:
        return 0.0
    # Plain Python: a ring being drawn has tens of vertices, where numpy's call overhead dominates.
    # Shifted to the first vertex: no cancellation at UTM's 10^6 m.
    x0, y0 = coords[0]
    pts = [(x - x0, y - y0) for x, y in coords]
    total = 0.0
    px, py = pts[-1]
    for x, y in pts:
        total += px * y - x * py
        px, py = x, y
    return abs(total) / 2.0


def path_length(coords) -> float:
    if len(coords) < 2:
        return 0.0
    a = np.asarray(coords, dtype=float)
    return float(np.hypot(*np.diff(a, axis=0).T).sum())


class _Capture:
    """Vertices clicked so far; subclasses say what they make of them."""

    def __init__(self):
        self._vertices: list[CapturedVertex] = []

    @property
    def vertices(self) -> tuple[CapturedVertex, ...]:
        return tuple(self._vertices)

    @property
    def coords(self) -> list[XY]:
        return [v.xy for v in self._vertices]

    def __len__(self) -> int:
        return len(self._vertices)

    @property
    def is_active(self) -> bool:
        """A capture is in progress (at least one vertex)."""
        return bool(self._vertices)

    def add_vertex(self, xy, snapped_to: SnapResult | None = None, *, tolerance: float = 0.0) -> bool:
        """Add a vertex; False (and nothing added) if it repeats the last one within ``tolerance``
        metres — the second press of a double-click lands where the first did."""
        xy = _xy(xy)
        if self._vertices:
            lx, ly = self._vertices[-1].xy
            if math.hypot(xy[0] - lx, xy[1] - ly) <= tolerance:
                return False
        self._vertices.append(CapturedVertex(xy, snapped_to))
        return True

    def undo_vertex(self) -> CapturedVertex | None:
        """Remove and return the last vertex (None when there is none)."""
        return self._vertices.pop() if self._vertices else None

    def cancel(self) -> None:
        self._vertices.clear()

    def preview(self, cursor=None) -> list[XY]:
        """The vertices plus the cursor position (the rubber band's points)."""
        coords = self.coords
        if cursor is not None and coords:
            coords.append(_xy(cursor))
        return coords

    def _distinct(self) -> int:
        return len(set(self.coords))


class PolygonCapture(_Capture):
    """Drawing a polygon (a facility footprint, a residential compound) vertex by vertex."""

    min_vertices = 3

    @property
    def can_close(self) -> bool:
        return self._distinct() >= 3

    def _ring(self) -> list[XY]:
        coords = self.coords
        # Clicking the first vertex again closes the ring: that click is not a new vertex.
        if len(coords) > 3 and coords[-1] == coords[0]:
            coords = coords[:-1]
        return coords

    def area_so_far(self, cursor=None) -> float:
        """Area of the polygon through the vertices (and the cursor, if given), in m²."""
        return ring_area(self.preview(cursor))

    def self_intersects(self, cursor=None) -> bool:
        """Whether the outline so far (closed back to the first vertex) crosses itself."""
        coords = self.preview(cursor)
        if len(set(coords)) < 3:
            return False
        return not shapely.LinearRing(coords).is_simple

    def polygon(self, cursor=None) -> Polygon | None:
        coords = self.preview(cursor) if cursor is not None else self._ring()
        return Polygon(coords) if len(coords) >= 3 else None

    def close(self) -> Polygon:
        """The finished polygon (and the capture is reset); raises InvalidGeometry, keeping every
        vertex, when there are too few vertices or the edges cross."""
        if not self.can_close:
            raise InvalidGeometry(f"多边形只有 {self._distinct()} 个不同的顶点，至少需要 3 个",
                                  f"the polygon has {self._distinct()} distinct vertices; at least 3 are needed")
        polygon = check_polygon(Polygon(self._ring()))
        self.cancel()
        return polygon


class LineCapture(_Capture):
    """Drawing a line (a walking path, a measurement) vertex by vertex."""

    min_vertices = 2

    @property
    def can_close(self) -> bool:
        return self._distinct() >= 2

    def length_so_far(self, cursor=None) -> float:
        return path_length(self.preview(cursor))

    def close(self) -> LineString:
        if not self.can_close:
            raise InvalidGeometry("线至少需要两个不同的点", "a line needs at least two distinct points")
        line = check_linestring(LineString(self.coords))
        self.cancel()
        return line


class RectangleCapture(_Capture):
    """An axis-aligned rectangle from two opposite corners (two clicks, or press-drag-release)."""

    min_vertices = 2

    def add_vertex(self, xy, snapped_to: SnapResult | None = None, *, tolerance: float = 0.0) -> bool:
        if len(self._vertices) >= 2:
            return False
        return super().add_vertex(xy, snapped_to, tolerance=tolerance)

    @property
    def can_close(self) -> bool:
        if len(self._vertices) < 2:
            return False
        (x0, y0), (x1, y1) = self.coords
        return x0 != x1 and y0 != y1

    def rectangle(self, cursor=None) -> Polygon | None:
        coords = self.coords[:2]
        if len(coords) == 1 and cursor is not None:
            coords.append(_xy(cursor))
        if len(coords) < 2:
            return None
        (x0, y0), (x1, y1) = coords
        return shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), ccw=True)

    def area_so_far(self, cursor=None) -> float:
        rect = self.rectangle(cursor)
        return 0.0 if rect is None else float(rect.area)

    def close(self) -> Polygon:
        if not self.can_close:
            raise InvalidGeometry("矩形需要宽度和高度", "a rectangle needs a width and a height")
        rect = check_polygon(self.rectangle())
        self.cancel()
        return rect


# --- editing the vertices of a stored shape (the vertex tool) ---------------------------------
# A vertex is addressed by (ring, index): ring 0 is a polygon's exterior (or the line itself),
# ring k its k-th hole; index counts the ring's vertices without the closing repeat.

def rings(geometry: BaseGeometry) -> list[np.ndarray]:
    """The editable vertex rings of a Polygon or LineString (polygon rings without the repeat)."""
    if geometry.geom_type == "Polygon":
        return [np.asarray(r.coords)[:-1] for r in (geometry.exterior, *geometry.interiors)]
    if geometry.geom_type == "LineString":
        return [np.asarray(geometry.coords)]
    raise InvalidGeometry("只能编辑多边形或线的顶点", "only the vertices of a polygon or a line can be edited")


def _rebuild(geometry: BaseGeometry, parts: list[np.ndarray]) -> BaseGeometry:
    if geometry.geom_type == "Polygon":
        return Polygon(parts[0], parts[1:])
    return LineString(parts[0])


def nearest_vertex(geometry: BaseGeometry, xy) -> tuple[int, int, float]:
    """(ring, index, distance) of the vertex nearest to ``xy``."""
    p = np.asarray(_xy(xy))
    best = (0, 0, math.inf)
    for r, ring in enumerate(rings(geometry)):
        d = np.hypot(*(ring - p).T)
        k = int(np.argmin(d))
        if d[k] < best[2]:
            best = (r, k, float(d[k]))
    return best


def nearest_edge(geometry: BaseGeometry, xy) -> tuple[int, int, XY, float]:
    """(ring, index, point, distance): the edge from vertex ``index`` to the next one that passes
    nearest to ``xy``, and the nearest point on it. Inserting at ``index + 1`` splits that edge."""
    p = np.asarray(_xy(xy))
    closed = geometry.geom_type == "Polygon"
    best = (0, 0, (math.nan, math.nan), math.inf)
    for r, ring in enumerate(rings(geometry)):
        a = ring
        b = np.roll(ring, -1, axis=0) if closed else ring[1:]
        a = a if closed else ring[:-1]
        ab = b - a
        len2 = (ab * ab).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.clip(np.where(len2 > 0, ((p - a) * ab).sum(axis=1) / len2, 0.0), 0.0, 1.0)
        q = a + t[:, None] * ab
        d = np.hypot(*(q - p).T)
        k = int(np.argmin(d))
        if d[k] < best[3]:
            best = (r, k, (float(q[k, 0]), float(q[k, 1])), float(d[k]))
    return best


def move_vertex(geometry: BaseGeometry, ring: int, index: int, xy) -> BaseGeometry:
    parts = [r.copy() for r in rings(geometry)]
    parts[ring][index] = _xy(xy)
    return _rebuild(geometry, parts)


def insert_vertex(geometry: BaseGeometry, ring: int, index: int, xy) -> BaseGeometry:
    """A new vertex at position ``index`` of ``ring`` (before the vertex now there)."""
    parts = [r.copy() for r in rings(geometry)]
    parts[ring] = np.insert(parts[ring], index, _xy(xy), axis=0)
    return _rebuild(geometry, parts)


def delete_vertex(geometry: BaseGeometry, ring: int, index: int) -> BaseGeometry:
    """The shape without that vertex; InvalidGeometry if too few would remain."""
    parts = [r.copy() for r in rings(geometry)]
    need = 3 if geometry.geom_type == "Polygon" else 2
    if len(parts[ring]) - 1 < need:
        if geometry.geom_type == "Polygon":
            raise InvalidGeometry("多边形至少需要 3 个顶点，不能再删除", "a polygon needs at least 3 vertices; none can be removed")
        raise InvalidGeometry("线至少需要 2 个点，不能再删除", "a line needs at least 2 points; none can be removed")
    parts[ring] = np.delete(parts[ring], index, axis=0)
    return _rebuild(geometry, parts)


def translate(geometry: BaseGeometry, dx: float, dy: float) -> BaseGeometry:
    """The shape moved by (dx, dy) metres (every coordinate offset exactly)."""
    offset = np.array([float(dx), float(dy)])
    return shapely.transform(geometry, lambda c: c + offset)


__all__ = ["CapturedVertex", "PolygonCapture", "LineCapture", "RectangleCapture", "ring_area",
           "path_length", "rings", "nearest_vertex", "nearest_edge", "move_vertex", "insert_vertex",
           "delete_vertex", "translate"]

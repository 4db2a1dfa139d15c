"""Qt shapes and graphics items built from shapely geometries, and the marks (labels, symbols)
that exist as items only while they are due.

Coordinates come from shapely's arrays written straight into ``QPolygonF`` memory (pyqtgraph's
helpers): building 20k shapes is then a few array slices, not 100k ``QPointF`` objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyqtgraph.functions as pgfn
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsPolygonItem, QGraphicsScene

from . import styles

POLYGON, LINE = 3, 1  # shapely type ids of the simple shapes


def qpolygon(coords: np.ndarray) -> QPolygonF:
    """A QPolygonF holding ``coords`` (n×2 float64), written straight into its memory."""
    poly = pgfn.create_qpolygonf(len(coords))
    if len(coords):
        pgfn.ndarray_from_qpolygonf(poly)[:] = coords
    return poly


def painter_path(geometry) -> QPainterPath:
    """Any (multi)polygon or (multi)line as one painter path; holes by the odd-even rule."""
    path = QPainterPath()
    path.setFillRule(Qt.OddEvenFill)
    for part in shapely.get_parts(geometry):
        kind = part.geom_type
        if kind == "Polygon":
            for ring in shapely.get_rings(part):
                path.addPolygon(qpolygon(shapely.get_coordinates(ring)))
                path.closeSubpath()
        elif kind in ("LineString", "LinearRing"):
            path.addPolygon(qpolygon(shapely.get_coordinates(part)))
    return path


def qt_shapes(geometries: np.ndarray) -> tuple[list[QPolygonF | QPainterPath | None], np.ndarray]:
    """One Qt shape per geometry and its shapely type id: a ``QPolygonF`` for a polygon without
    holes (closed ring) or a simple line (open), a ``QPainterPath`` for anything else, None for
    points and empties. The coordinates of all simple shapes come from one shapely call."""
    n = len(geometries)
    out: list[QPolygonF | QPainterPath | None] = [None] * n
    if not n:
        return out, np.zeros(0, dtype=int)
    types = np.where(shapely.is_empty(geometries), -1, shapely.get_type_id(geometries))
    simple = ((types == POLYGON) & (shapely.get_num_interior_rings(geometries) == 0)) | (types == LINE)
    idx = np.flatnonzero(simple)
    if len(idx):
        # A polygon without holes has only its exterior's coordinates: no ring objects needed.
        coords, owner = shapely.get_coordinates(geometries[idx], return_index=True)
        bounds = np.searchsorted(owner, np.arange(len(idx) + 1))
        for k, s, e in zip(idx.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
            out[k] = qpolygon(coords[s:e])
    for i in np.flatnonzero(~simple & (types != 0) & (types != 4) & (types != -1)):
        out[i] = painter_path(geometries[i])
    return out, types


def shape_items(geometries: np.ndarray) -> list[QGraphicsItem | None]:
    """One native graphics item per geometry (None for points and empties): a
    ``QGraphicsPolygonItem`` for a simple polygon, a ``QGraphicsPathItem`` otherwise."""
    shapes, types = qt_shapes(geometries)
    out: list[QGraphicsItem | None] = []
    for shape, kind in zip(shapes, types.tolist()):
        if shape is None:
            out.append(None)
        elif isinstance(shape, QPainterPath):
            out.append(QGraphicsPathItem(shape))
        elif kind == POLYGON:
            out.append(QGraphicsPolygonItem(shape))
        else:
            path = QPainterPath()
            path.addPolygon(shape)
            out.append(QGraphicsPathItem(path))
    return out


class LabelItem(QGraphicsItem):
    """Text with a white halo, upright and the same size at every zoom, centred on its position.

    Cached as a device pixmap: painting text outlines costs ~1 ms a label, a blit microseconds,
    and an item that ignores the view transform keeps its cache through zooms."""

    def __init__(self, text: str, font, colour: str, angle: float = 0.0):
        super().__init__()
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.text, self._font, self._colour = text, font, QColor(colour)
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(text), fm.height()
        self._origin = QPointF(-w / 2, -h / 2 + fm.ascent())
        self._rect = QRectF(-w / 2 - 3, -h / 2 - 3, w + 6, h + 6)
        self._halo = QPainterPath()
        self._halo.addText(self._origin, font, text)
        if angle:
            self.setRotation(angle)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.strokePath(self._halo, styles.HALO_PEN)
        painter.setFont(self._font)
        painter.setPen(self._colour)
        painter.drawText(self._origin, self.text)


@dataclass
class Mark:
    """A label or point symbol at (x, y): exists as an item only while its zoom is reached and it
    is near the view (``Marks.update``)."""
    x: float
    y: float
    min_scale: float
    make: Callable[[], QGraphicsItem]
    item: QGraphicsItem | None = None


class Marks:
    """The marks of one layer by feature id. The scene never iterates thousands of hidden,
    untransformed items: an item is made when its mark becomes due and dropped when it is not."""

    def __init__(self, scene: QGraphicsScene):
        self.scene = scene
        self.by_fid: dict[int, list[Mark]] = {}

    def set(self, fid: int, marks: list[Mark]) -> None:
        self.remove(fid)
        if marks:
            self.by_fid[fid] = marks

    def remove(self, fid: int) -> None:
        for mark in self.by_fid.pop(fid, ()):
            self._drop(mark)

    def clear(self) -> None:
        for fid in list(self.by_fid):
            self.remove(fid)

    def items(self, fid: int) -> list[QGraphicsItem]:
        return [m.item for m in self.by_fid.get(fid, ()) if m.item is not None]

    def shown(self) -> list[QGraphicsItem]:
        return [m.item for marks in self.by_fid.values() for m in marks if m.item is not None]

    def update(self, shown: bool, scale: float, area: tuple[float, float, float, float],
               offsets: dict[int, tuple[float, float]]) -> None:
        """Make the items of the marks that are due (``shown``, zoom reached, inside ``area`` =
        x0, y0, x1, y1), drop the others; ``offsets``: features being dragged."""
        x0, y0, x1, y1 = area
        for fid, marks in self.by_fid.items():
            for m in marks:
                want = shown and scale >= m.min_scale and x0 <= m.x <= x1 and y0 <= m.y <= y1
                if want and m.item is None:
                    m.item = m.make()
                    dx, dy = offsets.get(fid, (0.0, 0.0))
                    m.item.setPos(m.x + dx, m.y + dy)
                    self.scene.addItem(m.item)
                elif not want and m.item is not None:
                    self._drop(m)

    def offset(self, fid: int, dx: float, dy: float) -> None:
        for m in self.by_fid.get(fid, ()):
            if m.item is not None:
                m.item.setPos(m.x + dx, m.y + dy)

    def _drop(self, mark: Mark) -> None:
        if mark.item is not None:
            if mark.item.scene() is not None:
                mark.item.scene().removeItem(mark.item)
            mark.item = None


__all__ = ["qpolygon", "painter_path", "qt_shapes", "shape_items", "LabelItem", "Mark", "Marks"]

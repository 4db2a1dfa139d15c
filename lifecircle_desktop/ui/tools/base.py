"""The map-tool lifecycle (after QGIS's ``QgsMapTool``): a tool is activated, gets the canvas's
mouse and key events already in plan metres (snapped when it asks for snapping), owns its
transient graphics (rubber bands), and is deactivated. Tools never change the plan: they hand
edit objects to ``canvas.request_edit``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from ...model.snapping import SnapResult
from ..map import styles


@dataclass
class MapEvent:
    """A mouse event on the map: ``xy`` in plan metres under the cursor, ``pos`` in viewport
    pixels, ``snap`` what it snapped to (when the tool snaps and snapping is on)."""
    xy: tuple[float, float]
    pos: QPointF
    button: Qt.MouseButton
    buttons: Qt.MouseButton
    modifiers: Qt.KeyboardModifier
    snap: SnapResult | None = None

    @property
    def point(self) -> tuple[float, float]:
        """Where the event counts: the snapped point if any, else the cursor."""
        return self.snap.point if self.snap is not None else self.xy


class MapTool:
    name = ""
    snaps = False               # the canvas snaps this tool's events (when snapping is on)
    cursor = Qt.ArrowCursor

    def __init__(self, canvas):
        self.canvas = canvas
        # (lines, colour) drawn beside the cursor by the canvas, or None.
        self.cursor_label: tuple[list[str], str] | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def hint(self) -> str:
        return ""

    def activate(self) -> None:
        hint = self.hint()
        if hint:
            self.canvas.status(hint)

    def deactivate(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Remove transient graphics and forget any gesture in progress."""
        self.cursor_label = None

    def is_drawing(self) -> bool:
        return False

    def leave(self) -> bool:
        """The tool is being switched away from while drawing: True to let it go."""
        return True

    # --- events (override what the tool needs) ------------------------------------------------
    def press(self, event: MapEvent) -> None: ...
    def move(self, event: MapEvent) -> None: ...
    def release(self, event: MapEvent) -> None: ...
    def double_click(self, event: MapEvent) -> None: ...
    def context_menu(self, event: MapEvent) -> None: ...

    def escape(self) -> bool:
        """Esc: True if the tool used it (a gesture in progress); otherwise the canvas returns to
        the select tool."""
        return False

    def finish(self) -> bool:
        """Enter: True if the tool used it."""
        return False

    def key_press(self, event) -> bool:
        return False

    def snap_exclude(self) -> tuple:
        return ()

    def on_refresh(self, changes) -> None:
        """Features changed (an edit was applied, undone or redone)."""

    def on_view_changed(self) -> None:
        """The zoom changed."""

    # --- helpers ----------------------------------------------------------------------------------
    def add_item(self, item: QGraphicsItem) -> QGraphicsItem:
        self.canvas.scene().addItem(item)
        return item

    def remove_item(self, item: QGraphicsItem | None) -> None:
        if item is not None and item.scene() is not None:
            item.scene().removeItem(item)

    def dragged(self, start: QPointF, end: QPointF, threshold: float = 3.0) -> bool:
        return math.hypot(start.x() - end.x(), start.y() - end.y()) >= threshold


class RubberBand(QGraphicsItem):
    """The shape being drawn: a line or ring through plan coordinates, its vertices as squares
    of fixed pixel size (cosmetic pens), optionally one vertex marked as current."""

    def __init__(self, canvas, closed: bool = True, pen: QPen = styles.RUBBER_PEN,
                 brush=styles.RUBBER_BRUSH, vertices: bool = True):
        super().__init__()
        self.canvas = canvas
        self.closed, self.pen, self.brush, self.vertices = closed, pen, brush, vertices
        self.bad = False
        self.current: tuple[float, float] | None = None
        self._coords: list[tuple[float, float]] = []
        self._rings: list[list[tuple[float, float]]] = []
        self._rect = QRectF()
        self.setZValue(styles.TOOL_Z)
        self.setAcceptedMouseButtons(Qt.NoButton)

    def set_coords(self, coords, bad: bool = False, rings=None) -> None:
        """``coords``: the main ring or line; ``rings``: further rings (holes) to outline."""
        self.prepareGeometryChange()
        self._coords = [tuple(c) for c in coords]
        self._rings = [list(map(tuple, r)) for r in (rings or [])]
        self.bad = bad
        self._update_rect()
        self.update()

    def set_current(self, xy) -> None:
        self.current = None if xy is None else tuple(xy)
        self.update()

    def _update_rect(self) -> None:
        pts = self._coords + [p for r in self._rings for p in r]
        if not pts:
            self._rect = QRectF()
            return
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        m = self.canvas.metres(10)
        self._rect = QRectF(min(xs) - m, min(ys) - m, max(xs) - min(xs) + 2 * m, max(ys) - min(ys) + 2 * m)

    def refresh_margin(self) -> None:
        self.prepareGeometryChange()
        self._update_rect()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._coords:
            return
        painter.setRenderHint(QPainter.Antialiasing)
        path = QPainterPath()
        for ring in [self._coords, *self._rings]:
            poly = QPolygonF([QPointF(x, y) for x, y in ring])
            path.addPolygon(poly)
            if self.closed and len(ring) > 2:
                path.closeSubpath()
        path.setFillRule(Qt.OddEvenFill)
        painter.setPen(styles.RUBBER_BAD_PEN if self.bad else self.pen)
        if self.closed and len(self._coords) > 2:
            painter.setBrush(styles.RUBBER_BAD_BRUSH if self.bad else self.brush)
        else:
            painter.setBrush(Qt.NoBrush)
        painter.drawPath(path)
        if self.vertices:
            marker = styles.cosmetic("white", 9.0)
            marker.setCapStyle(Qt.SquareCap)
            pts = QPolygonF([QPointF(x, y) for ring in [self._coords, *self._rings] for x, y in ring])
            painter.setPen(marker)
            painter.drawPoints(pts)
            inner = styles.cosmetic(styles.VERTEX_COLOUR, 6.0)
            inner.setCapStyle(Qt.SquareCap)
            painter.setPen(inner)
            painter.drawPoints(pts)
            if self.current is not None:
                cur = styles.cosmetic("#0a84ff", 10.0)
                cur.setCapStyle(Qt.SquareCap)
                painter.setPen(cur)
                painter.drawPoint(QPointF(*self.current))


__all__ = ["MapEvent", "MapTool", "RubberBand"]

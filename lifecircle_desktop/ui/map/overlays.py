"""What the map draws over the plan's layers.

In the scene (plan metres): outlines of features — the selection, the highlight of a finding,
the walking overlay (homes beyond a limit, the reachable network). In viewport pixels, painted in
``drawForeground``: the scale bar, the north arrow, the credit line, and the cursor feedback
(the snap marker and the active tool's label beside the cursor). Each viewport overlay says
where it paints (``rect``), so a scroll repaints exactly those places.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QWidget

from ...model.plan import Feature
from ...model.schema import RESIDENTIAL, WALK_NETWORK
from ..tools.text import translate
from . import styles
from .items import painter_path, shape_items

Key = tuple[str, int]


# --- in the scene -------------------------------------------------------------------------------
def feature_outline(feature: Feature, pen: QPen, brush, z: float) -> QGraphicsItem:
    """An item drawing ``feature`` with ``pen`` and ``brush`` (a point: a ring of fixed size)."""
    geom = feature.geometry
    if geom.geom_type == "Point":
        # A comment pin (28 px, above the labels) is ringed outside its edge, or the ring hides under it.
        r = 19 if feature.layer == "comments" else 9
        item = QGraphicsEllipseItem(-r, -r, 2 * r, 2 * r)
        item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        item.setPos(geom.x, geom.y)
        item.setData(0, (geom.x, geom.y))  # where it belongs, for showing it dragged
    else:
        item = QGraphicsPathItem(painter_path(geom))
    item.setPen(pen)
    if geom.geom_type not in ("LineString", "MultiLineString"):
        item.setBrush(brush)
    item.setZValue(z)
    item.setAcceptedMouseButtons(Qt.NoButton)
    return item


class FeatureOutlines:
    """Features outlined in one look: the selection, or the features of a finding."""

    def __init__(self, view, pen: QPen, brush, z: float):
        self.view, self.pen, self.brush, self.z = view, pen, brush, z
        self.keys: list[Key] = []
        self._items: dict[Key, QGraphicsItem] = {}

    def set(self, keys: Iterable[Key]) -> None:
        self.clear()
        self.keys = list(dict.fromkeys(tuple(k) for k in keys))
        for key in self.keys:
            item = self.view.overlay_item(key, self.pen, self.brush, self.z)
            if item is not None:
                self._items[key] = item

    def clear(self) -> None:
        for item in self._items.values():
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.keys, self._items = [], {}

    def forget(self) -> None:
        """The scene was replaced: its items went with it."""
        self.keys, self._items = [], {}

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        for key, item in self._items.items():
            if key[0] == layer:
                item.setVisible(visible)

    def offset(self, key: Key, dx: float, dy: float) -> None:
        item = self._items.get(key)
        if item is not None:
            base = item.data(0)
            item.setPos(*((base[0] + dx, base[1] + dy) if base else (dx, dy)))


class WalkOverlay:
    """The homes beyond a walking limit, shaded and hatched, and the reachable part of the network
    drawn thick (after a walking finding is chosen). ``labels``: what the map legend calls them."""

    def __init__(self, view):
        self.view = view
        self.shown_with: tuple[list[int], list, tuple[str, str]] | None = None
        self.labels: tuple[str, str] = ("", "")
        self.geometries: list = []  # the reachable lines drawn, as shapely geometries
        self._homes: list[QGraphicsItem] = []
        self._lines: list[QGraphicsItem] = []

    def show(self, outside_home_fids: Iterable[int], reachable_lines, labels: tuple[str, str] = ("", "")) -> None:
        self.clear()
        outside = list(outside_home_fids)
        lines = reachable_lines if reachable_lines is not None else []
        lines = [lines] if isinstance(lines, shapely.Geometry) else list(lines)
        self.shown_with = (outside, lines, tuple(labels))
        self.labels = tuple(labels)
        for fid in outside:
            for brush in (styles.WALK_OUTSIDE_FILL, styles.WALK_OUTSIDE_BRUSH):
                item = self.view.overlay_item((RESIDENTIAL, fid), styles.WALK_OUTSIDE_PEN, brush,
                                              styles.WALK_OVERLAY_Z)
                if item is not None:
                    self._homes.append(item)
        geoms = []
        for line in lines:
            if isinstance(line, shapely.Geometry):
                geoms.append(line)
            elif (feature := self.view.feature((WALK_NETWORK, int(line)))) is not None:
                geoms.append(feature.geometry)
        # One item per line (not one huge path): a repaint of a small area then strokes only the
        # lines under it, even with 10^4 reachable edges.
        for item in shape_items(np.array(geoms, dtype=object)):
            if item is not None:
                item.setPen(styles.WALK_REACHABLE_PEN)
                item.setZValue(styles.WALK_OVERLAY_Z + 1)
                self.view.scene().addItem(item)
                self._lines.append(item)
        self.geometries = geoms

    def clear(self) -> None:
        for item in self._homes + self._lines:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.forget()

    def forget(self) -> None:
        self._homes, self._lines, self.shown_with, self.geometries = [], [], None, []

    def counts(self) -> tuple[int, int]:
        """(homes shaded, reachable lines drawn)."""
        return len(self._homes) // 2, len(self._lines)


# --- in viewport pixels -------------------------------------------------------------------------
class MapLegend:
    """Top left: one line per overlay the map draws now (the homes beyond a walking limit, the
    reachable network, the features of a finding, the selection), each with its swatch. The view
    says what is drawn (``MapView.legend_entries``: (swatch, text) pairs)."""

    SWATCH_W, ROW_H, PAD, MAX_TEXT_W = 26, 20, 8, 340

    def __init__(self, view):
        self.view = view
        self._fm = QFontMetricsF(styles.font(12))

    def _lines(self) -> list[tuple[str, str]]:
        entries = self.view.legend_entries()
        if not entries:
            return []
        elided = [(swatch, self._fm.elidedText(text, Qt.ElideRight, self.MAX_TEXT_W)) for swatch, text in entries]
        return [("", translate("MapLegend", "Legend"))] + elided

    def rect(self, viewport: QRect) -> QRect:
        lines = self._lines()
        if not lines:
            return QRect()
        w = max(self._fm.horizontalAdvance(t) for _, t in lines) + self.SWATCH_W + 3 * self.PAD
        return QRect(8, 8, math.ceil(w), self.ROW_H * len(lines) + self.PAD + 2)

    def paint(self, painter: QPainter, viewport: QRect, scale: float) -> None:
        lines = self._lines()
        if not lines:
            return
        box = QRectF(self.rect(viewport)).adjusted(0.5, 0.5, -1, -1)
        painter.setPen(QPen(QColor("#9e9e9e"), 1))
        painter.setBrush(styles.OVERLAY_BOX)
        painter.drawRoundedRect(box, 4, 4)
        x, y = box.left() + self.PAD, box.top() + self.PAD / 2
        for i, (swatch, text) in enumerate(lines):
            row = QRectF(x, y + i * self.ROW_H, self.SWATCH_W, self.ROW_H)
            sample = row.adjusted(2, 4, -2, -4)
            if swatch == "walk_homes":
                painter.setPen(styles.WALK_OUTSIDE_PEN)
                for brush in (styles.WALK_OUTSIDE_FILL, styles.WALK_OUTSIDE_BRUSH):
                    painter.setBrush(brush)
                    painter.drawRect(sample)
            elif swatch == "walk_network":
                painter.setPen(styles.WALK_REACHABLE_PEN)
                painter.drawLine(QPointF(sample.left(), sample.center().y()), QPointF(sample.right(), sample.center().y()))
            elif swatch in ("highlight", "selection"):
                pen, brush = ((styles.HIGHLIGHT_PEN, styles.HIGHLIGHT_BRUSH) if swatch == "highlight"
                              else (styles.SELECTION_PEN, styles.SELECTION_BRUSH))
                painter.setPen(pen)
                painter.setBrush(brush)
                painter.drawRect(sample)
            painter.setFont(styles.font(12, bold=not swatch))
            painter.setPen(QColor(styles.OVERLAY_INK))
            left = x if not swatch else x + self.SWATCH_W + self.PAD
            painter.drawText(QRectF(left, row.top(), box.right() - left, self.ROW_H),
                             Qt.AlignVCenter | Qt.AlignLeft, text)


class ScaleBar:
    """A round length (1, 2 or 5 × 10^n m) of about 120 px, bottom left; its text in the view's look."""

    def __init__(self):
        self.height = 48  # of the last one painted: where a scroll repaints it

    def rect(self, viewport: QRect) -> QRect:
        return QRect(0, viewport.height() - self.height, 160 + 5 * self.height, self.height)

    def paint(self, painter: QPainter, viewport: QRect, scale: float) -> None:
        target = 120.0 / scale  # metres in ~120 px
        exp = 10 ** math.floor(math.log10(target))
        length = max(m * exp for m in (1, 2, 5, 10) if m * exp <= target * 1.0001) if target >= 1e-3 else 1.0
        px = length * scale
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        font = styles.overlay_font(_view_of(painter), "scale", True)
        fm = QFontMetricsF(font)
        text_h = fm.ascent()
        x, y = 14.0, viewport.height() - 16.0
        box = QRectF(x - 8, y - text_h - 18, px + fm.horizontalAdvance(label) + 30, text_h + 28)
        self.height = math.ceil(viewport.height() - box.top()) + 2
        painter.setPen(Qt.NoPen)
        painter.setBrush(styles.OVERLAY_BOX)
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(QPen(QColor(styles.OVERLAY_INK), 2 if text_h < 16 else 3))
        painter.drawLine(QPointF(x, y), QPointF(x + px, y))
        painter.drawLine(QPointF(x, y - 6), QPointF(x, y))
        painter.drawLine(QPointF(x + px, y - 6), QPointF(x + px, y))
        painter.drawLine(QPointF(x + px / 2, y - 4), QPointF(x + px / 2, y))
        painter.setFont(font)
        painter.drawText(QPointF(x + px + 8, y + 1), label)
        painter.drawText(QPointF(x, y - 10), "0")


class NorthArrow:
    """Top right: the view is always north up (plan metres, y up)."""

    def rect(self, viewport: QRect) -> QRect:
        return QRect(viewport.width() - 64, 0, 64, 84)

    def paint(self, painter: QPainter, viewport: QRect, scale: float) -> None:
        cx, top = viewport.width() - 32.0, 14.0
        ink = QColor(styles.OVERLAY_INK)
        painter.setPen(Qt.NoPen)
        painter.setBrush(styles.OVERLAY_BOX)
        painter.drawEllipse(QPointF(cx, top + 30), 24, 24)
        left = QPolygonF([QPointF(cx, top + 8), QPointF(cx - 10, top + 44), QPointF(cx, top + 36)])
        right = QPolygonF([QPointF(cx, top + 8), QPointF(cx + 10, top + 44), QPointF(cx, top + 36)])
        painter.setPen(QPen(ink, 1.2))
        painter.setBrush(ink)
        painter.drawPolygon(left)
        painter.setBrush(QColor("white"))
        painter.drawPolygon(right)
        painter.setFont(styles.font(12, True))
        painter.setPen(ink)
        painter.drawText(QRectF(cx - 20, top + 44, 40, 18), Qt.AlignCenter, translate("MapCanvas", "N"))


class CreditLine:
    """The data credits, bottom right (ODbL: "© OpenStreetMap contributors" where OSM data is shown)."""

    def __init__(self):
        self.lines: list[str] = []
        self.size = (420, 24)  # of the last one painted: where a scroll repaints it

    def rect(self, viewport: QRect) -> QRect:
        w, h = self.size
        return QRect(viewport.width() - w, viewport.height() - h, w, h) if self.lines else QRect()

    def paint(self, painter: QPainter, viewport: QRect, scale: float) -> None:
        if not self.lines:
            return
        painter.setFont(styles.overlay_font(_view_of(painter), "credit"))
        text = " · ".join(self.lines)
        fm = QFontMetricsF(painter.font())
        w = fm.horizontalAdvance(text) + 12
        box = QRectF(viewport.width() - w, viewport.height() - fm.height() - 6, w, fm.height() + 6)
        self.size = (max(420, math.ceil(w) + 2), max(24, math.ceil(fm.height()) + 8))
        painter.fillRect(box, styles.OVERLAY_BOX)
        painter.setPen(QColor(styles.CREDIT_INK))
        painter.drawText(box, Qt.AlignCenter, text)


def _view_of(painter: QPainter):
    """The map view whose viewport ``painter`` paints (its look sizes the overlays' text), or None."""
    device = painter.device()
    return device.parent() if isinstance(device, QWidget) else None


class CursorFeedback:
    """The snap marker (a square on a vertex, a cross on an edge) and the active tool's label
    beside the cursor. It remembers where it painted: a mouse move repaints the old and the new
    place only, never the whole map."""

    def __init__(self, view):
        self.view = view
        self.snap = None                   # SnapResult shown, or None
        self.pos: QPointF | None = None    # the cursor, viewport pixels
        self._painted = QRect()
        self._fm = QFontMetricsF(styles.font(12, True))
        self._size: tuple[tuple, float, float] = ((), 0.0, 0.0)
        self._char_widths: dict[str, float] = {}

    def rect(self, viewport: QRect) -> QRect:
        return self._painted

    def _rect(self) -> QRect:
        rect = QRect()
        if self.snap is not None:
            p = self.view.to_view(self.snap.point)
            rect = QRect(round(p.x()) - 10, round(p.y()) - 10, 21, 21)
        label = self.view.active_tool().cursor_label
        if label and self.pos is not None:
            w, h = self._box(label[0])
            x, y = round(self.pos.x()) + 16, round(self.pos.y()) + 14
            rect = rect.united(QRect(x - 1, y - 1, math.ceil(w) + 3, math.ceil(h) + 3))
        return rect

    def _box(self, lines) -> tuple[float, float]:
        """Size of the label box. Widths are summed from cached glyph advances: measuring a
        changing Chinese string on every move costs more than the rest of the move."""
        key = tuple(lines)
        if self._size[0] != key:
            widths = self._char_widths
            for ch in set("".join(lines)) - widths.keys():
                widths[ch] = self._fm.horizontalAdvance(ch)
            w = max(sum(widths[ch] for ch in t) for t in lines) + 16
            self._size = (key, w, self._fm.height() * len(lines) + 10)
        return self._size[1], self._size[2]

    def refresh(self) -> None:
        """Repaint where the feedback was and where it is now."""
        new = self._rect()
        dirty = self._painted.united(new)
        self._painted = new
        if not dirty.isNull():
            self.view.viewport().update(dirty)

    def paint(self, painter: QPainter, viewport: QRect, scale: float) -> None:
        if self.snap is not None:
            p = self.view.to_view(self.snap.point)
            painter.setPen(QPen(QColor(styles.SNAP_COLOUR), 2))
            painter.setBrush(Qt.NoBrush)
            if self.snap.kind == "vertex":
                painter.drawRect(QRectF(p.x() - 6, p.y() - 6, 12, 12))
            else:
                painter.drawLine(QPointF(p.x() - 6, p.y() - 6), QPointF(p.x() + 6, p.y() + 6))
                painter.drawLine(QPointF(p.x() - 6, p.y() + 6), QPointF(p.x() + 6, p.y() - 6))
                painter.drawEllipse(p, 4, 4)
        label = self.view.active_tool().cursor_label
        if label and self.pos is not None:
            lines, colour = label
            fm = self._fm
            w, h = self._box(lines)
            x, y = round(self.pos.x()) + 16, round(self.pos.y()) + 14
            painter.setPen(QPen(QColor(colour), 1.5))
            painter.setBrush(styles.CURSOR_LABEL_BOX)
            painter.drawRoundedRect(QRectF(x, y, w, h), 4, 4)
            painter.setFont(styles.font(12, True))
            painter.setPen(QColor(colour))
            for i, t in enumerate(lines):
                painter.drawText(QPointF(x + 8, y + 5 + fm.ascent() + i * fm.height()), t)


__all__ = ["feature_outline", "FeatureOutlines", "WalkOverlay", "MapLegend", "ScaleBar", "NorthArrow", "CreditLine",
           "CursorFeedback"]

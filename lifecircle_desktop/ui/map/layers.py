"""Layer views: how one layer of the plan is drawn (napari's ``_vispy/layers/``: one small view
class per kind of layer).

The map view feeds every layer view the same way — ``load`` the features of the open scenario,
``update`` one feature after an edit, ``set_visible``, ``on_view`` when the zoom or the visible
area changed — and never asks what kind of layer it is. A layer view either owns graphics items
in the map's scene (the plan's editable layers, which change under the planner's hands) or is
``painted``: drawn with a QPainter into the map image the view caches per scale (the read-only
base map, see basemap.py). Which class draws which layer is said once, in registry.py.
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem

from ...model.plan import Feature
from ...model.schema import FACILITIES, PLANNING_UNITS, STOPS
from ...model.validate import UNIT_WORDS
from ..tools import text as _text
from . import styles
from .items import LabelItem, Mark, Marks, shape_items

Area = tuple[float, float, float, float]  # x0, y0, x1, y1 in plan metres
Offsets = dict[int, tuple[float, float]]   # fid: (dx, dy) of features being dragged


class LayerView:
    """Draws one layer. Subclasses override what their kind of layer needs."""

    painted = False  # True: painted into the cached map image (``paint``), no scene items

    def __init__(self, view, layer: str):
        self.view, self.layer = view, layer
        self.visible = True
        self.z = styles.LAYER_Z[layer]

    # --- fed by the map view ----------------------------------------------------------------
    def load(self, features: list[Feature]) -> None:
        """Draw ``features`` (the layer's features in the shown scenario) instead of any before."""

    def update(self, fid: int, feature: Feature | None) -> None:
        """Feature ``fid`` was added or changed (``feature``) or removed (None)."""

    def set_visible(self, visible: bool) -> None:
        self.visible = bool(visible)

    def shown(self, scale: float) -> bool:
        """Drawn at this zoom: visible, and not too fine to see (buildings when a city fits)."""
        return self.visible and scale >= styles.LAYER_MIN_SCALE.get(self.layer, 0.0)

    def on_view(self, scale: float, area: Area, offsets: Offsets) -> None:
        """The zoom (``scale``, px per metre) or the area near the view changed."""

    def set_offset(self, fid: int, dx: float, dy: float) -> None:
        """Show feature ``fid`` displaced by (dx, dy) metres (a drag in progress)."""

    def paint(self, painter: QPainter, area: QRectF, scale: float) -> None:
        """Painted layers: draw what lies in ``area`` (plan metres) with ``painter`` (set up in
        plan metres)."""

    # --- read by tools and tests -------------------------------------------------------------
    def fids(self) -> list[int]:
        """The features this view draws now (in the shown scenario), in id order."""
        return []

    def item(self, fid: int) -> QGraphicsItem | None:
        """The graphics item showing feature ``fid`` now, if it has one."""
        return None


class ShapeLayer(LayerView):
    """Areas or lines of an editable layer: one native graphics item per feature in the map's
    scene (painting stays in C++; a repaint of a small area finds only the items under it)."""

    fill = True

    def __init__(self, view, layer: str):
        super().__init__(view, layer)
        self._items: dict[int, QGraphicsItem] = {}
        self._shown = True

    def style(self, feature: Feature):
        """(pen, brush or None) of ``feature``."""
        raise NotImplementedError

    def load(self, features: list[Feature]) -> None:
        scene = self.view.scene()
        for item in self._items.values():
            if item.scene() is scene:  # items of a replaced scene go with it, at no cost
                scene.removeItem(item)
        self._items = {}
        # Built from one array of geometries: this runs for every feature when a plan opens.
        items = shape_items(np.array([f.geometry for f in features], dtype=object))
        for feature, item in zip(features, items):
            if item is not None:
                self._place(feature, item)

    def update(self, fid: int, feature: Feature | None) -> None:
        old = self._items.pop(fid, None)
        if old is not None and old.scene() is not None:
            old.scene().removeItem(old)
        if feature is not None:
            item = shape_items(np.array([feature.geometry], dtype=object))[0]
            if item is not None:
                self._place(feature, item)

    def _place(self, feature: Feature, item: QGraphicsItem) -> None:
        pen, brush = self.style(feature)
        item.setPen(pen)
        if self.fill and brush is not None:
            item.setBrush(brush)
        item.setZValue(self.z)
        item.setVisible(self._shown and self.visible)
        self.view.scene().addItem(item)
        self._items[feature.fid] = item

    def set_visible(self, visible: bool) -> None:
        super().set_visible(visible)
        self._show(self._shown)

    def on_view(self, scale: float, area: Area, offsets: Offsets) -> None:
        shown = scale >= styles.LAYER_MIN_SCALE.get(self.layer, 0.0)
        if shown != self._shown:
            self._show(shown)

    def _show(self, shown: bool) -> None:
        self._shown = shown
        for item in self._items.values():
            item.setVisible(shown and self.visible)

    def set_offset(self, fid: int, dx: float, dy: float) -> None:
        item = self._items.get(fid)
        if item is not None:
            item.setPos(dx, dy)

    def fids(self) -> list[int]:
        return sorted(self._items)

    def item(self, fid: int) -> QGraphicsItem | None:
        return self._items.get(fid)


class PolygonLayer(ShapeLayer):
    """Planning units, residential compounds, facilities (by their type's catalogue colour)."""

    def style(self, feature: Feature):
        return styles.polygon_style(feature, self.view.catalogue)


class LineLayer(ShapeLayer):
    """The walking network: closed paths dashed red, the planner's own paths stronger."""

    fill = False

    def style(self, feature: Feature):
        return styles.path_pen(feature), None


class PointLayer(LayerView):
    """Stops, entrances, comments: a symbol per feature, upright and the same size at every zoom,
    made only when its zoom is reached and it is near the view."""

    def __init__(self, view, layer: str):
        super().__init__(view, layer)
        self._marks = Marks(view.scene())

    def load(self, features: list[Feature]) -> None:
        self._marks.clear()
        self._marks = Marks(self.view.scene())  # the view's scene is new for each plan shown
        for feature in features:
            self.update(feature.fid, feature)

    def update(self, fid: int, feature: Feature | None) -> None:
        if feature is None or feature.geometry is None or feature.geometry.is_empty:
            self._marks.remove(fid)
            return
        geom = feature.geometry
        pt = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
        pix, z = styles.icon(styles.icon_kind(feature)), self.z

        def make_icon():
            item = QGraphicsPixmapItem(pix)
            item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
            dpr = pix.devicePixelRatio()
            item.setOffset(-pix.width() / dpr / 2, -pix.height() / dpr / 2)
            item.setZValue(z)
            item.setAcceptedMouseButtons(Qt.NoButton)
            return item
        self._marks.set(fid, [Mark(pt.x, pt.y, styles.ICON_MIN_SCALE.get(self.layer, 0.0), make_icon)])

    def on_view(self, scale: float, area: Area, offsets: Offsets) -> None:
        self._marks.update(self.visible, scale, area, offsets)

    def set_offset(self, fid: int, dx: float, dy: float) -> None:
        self._marks.offset(fid, dx, dy)

    def fids(self) -> list[int]:
        return sorted(self._marks.by_fid)

    def item(self, fid: int) -> QGraphicsItem | None:
        items = self._marks.items(fid)
        return items[0] if items else None


class LabelView:
    """The labels of every layer: a feature's name (a facility without one: its type's name in
    the interface language), upright, with a halo; shown once the feature is at least as big on
    screen as its label (and not below the layer's minimum zoom), near the view only."""

    def __init__(self, view):
        self.view = view
        self._marks: dict[str, Marks] = {}

    def clear(self) -> None:
        for marks in self._marks.values():
            marks.clear()
        self._marks = {}

    def load(self, layer: str, features: list[Feature]) -> None:
        if layer not in styles.LABEL_MIN_SCALE:
            return
        marks = self._marks.setdefault(layer, Marks(self.view.scene()))
        marks.clear()
        for feature in features:
            # Only named features get a label (and every facility: its type names it; every
            # planning unit: its kind does).
            if layer in (FACILITIES, PLANNING_UNITS) or feature.attributes.get("name"):
                self.update(layer, feature.fid, feature)

    def update(self, layer: str, fid: int, feature: Feature | None) -> None:
        if layer not in styles.LABEL_MIN_SCALE:
            return
        marks = self._marks.setdefault(layer, Marks(self.view.scene()))
        mark = self._mark(feature) if feature is not None else None
        marks.set(fid, [mark] if mark is not None else [])

    def on_view(self, layer: str, shown: bool, scale: float, area: Area, offsets: Offsets) -> None:
        marks = self._marks.get(layer)
        if marks is not None:
            marks.update(shown, scale, area, offsets)

    def set_offset(self, layer: str, fid: int, dx: float, dy: float) -> None:
        marks = self._marks.get(layer)
        if marks is not None:
            marks.offset(fid, dx, dy)

    def texts(self, layer: str) -> list[str]:
        marks = self._marks.get(layer)
        return [item.text for item in marks.shown()] if marks is not None else []

    def text(self, feature: Feature) -> str:
        a = feature.attributes
        name = (a.get("name") or "").strip() if isinstance(a.get("name"), str) else ""
        if feature.layer == FACILITIES and not name:
            code = a.get("type")
            catalogue = self.view.catalogue
            if code in catalogue.types:
                return catalogue.types[code].name(_text.language())
            return code or ""
        if feature.layer == PLANNING_UNITS:  # the kind first: "十五分钟生活圈 · 四平"
            kind = a.get("kind") or "community"
            zh, en = UNIT_WORDS.get(kind, (kind, kind))
            word = zh if _text.language() == "zh" else en
            return f"{word} · {name}" if name else word
        return name

    def _mark(self, feature: Feature) -> Mark | None:
        layer, geom = feature.layer, feature.geometry
        text = self.text(feature) if geom is not None and not geom.is_empty else ""
        if not text:
            return None
        size, bold, italic, colour = styles.LABEL_STYLES.get(layer, styles.DEFAULT_LABEL_STYLE)
        font = styles.font(size, bold, italic)
        width = QFontMetricsF(font).horizontalAdvance(text) + 8
        angle = 0.0
        if geom.geom_type in ("LineString", "MultiLineString"):
            line = geom if geom.geom_type == "LineString" else max(shapely.get_parts(geom), key=lambda g: g.length)
            length = line.length
            if length <= 0:
                return None
            mid = shapely.line_interpolate_point(line, 0.5, normalized=True)
            step = min(5.0, length / 10)
            a = shapely.line_interpolate_point(line, max(0.0, length / 2 - step))
            b = shapely.line_interpolate_point(line, min(length, length / 2 + step))
            angle = -math.degrees(math.atan2(b.y - a.y, b.x - a.x))
            if angle > 90:  # never upside down
                angle -= 180
            elif angle <= -90:
                angle += 180
            x, y, need = mid.x, mid.y, width * 1.15 / length
        else:
            pt = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
            x, y = pt.x, pt.y
            xmin, ymin, xmax, ymax = geom.bounds
            fit = styles.FACILITY_LABEL_FIT if layer == FACILITIES else 1.0
            need = fit * width / max(xmax - xmin, 1e-6) if geom.geom_type != "Point" else 0.0
        min_scale = max(styles.LABEL_MIN_SCALE[layer], need)
        dy = styles.STOP_LABEL_OFFSET_PX if layer == STOPS else 0

        def make_label():
            item = LabelItem(text, font, colour, angle)
            item.setZValue(styles.LABEL_Z)
            if dy:
                item.setTransform(QTransform.fromTranslate(0, dy))
            return item
        return Mark(x, y, min_scale, make_label)


__all__ = ["LayerView", "ShapeLayer", "PolygonLayer", "LineLayer", "PointLayer", "LabelView"]

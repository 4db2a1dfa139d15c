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

from functools import lru_cache

import numpy as np
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem

from ...model.plan import Feature
from . import styles
from .items import Mark, Marks, shape_items
from .labels import LabelView  # noqa: F401 (the map view takes the layer views from here)

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
        return styles.look(self.view).polygon_style(feature, self.view.catalogue)


class LineLayer(ShapeLayer):
    """The walking network: closed paths dashed red, the planner's own paths stronger."""

    fill = False

    def style(self, feature: Feature):
        return styles.look(self.view).path_pen(feature), None


def symbol_item(pix, z: float) -> QGraphicsPixmapItem:
    """A symbol centred on its point, the same size at every zoom, never taking a click (stops,
    entrances and comment pins)."""
    item = QGraphicsPixmapItem(pix)
    item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
    dpr = pix.devicePixelRatio()
    item.setOffset(-pix.width() / dpr / 2, -pix.height() / dpr / 2)
    item.setZValue(z)
    item.setAcceptedMouseButtons(Qt.NoButton)
    return item


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
        pix, z = styles.look(self.view).icon(styles.icon_kind(feature)), self.z

        self._marks.set(fid, [Mark(pt.x, pt.y, styles.ICON_MIN_SCALE.get(self.layer, 0.0),
                                   lambda: symbol_item(pix, z))])

    def on_view(self, scale: float, area: Area, offsets: Offsets) -> None:
        self._marks.update(self.visible, scale, area, offsets)

    def set_offset(self, fid: int, dx: float, dy: float) -> None:
        self._marks.offset(fid, dx, dy)

    def fids(self) -> list[int]:
        return sorted(self._marks.by_fid)

    def item(self, fid: int) -> QGraphicsItem | None:
        items = self._marks.items(fid)
        return items[0] if items else None


# Comment pins (居民意见, issue 13): a filled circle with the pin's number, coloured by status — read
# from the back of a meeting room on a projector (28 px at 1920×1080 is about the height of a
# 20 pt label), the number the one residents and the reply sheet refer to.
PIN_SIZE = 28
PIN_COLOURS = {"new": "#d84315", "answered": "#1565c0", "adopted": "#2e7d32", "declined": "#616161"}


@lru_cache(maxsize=1024)
def pin_symbol(number: int | None, status: str | None, size: int = PIN_SIZE) -> QPixmap:
    """The pin of comment ``number``: a circle in its status colour with a white ring and the number."""
    colour = PIN_COLOURS.get(status or "new", PIN_COLOURS["new"])
    screen = QGuiApplication.primaryScreen()
    dpr = screen.devicePixelRatio() if screen else 1.0
    pix = QPixmap(round(size * dpr), round(size * dpr))
    pix.setDevicePixelRatio(dpr)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QPen(QColor("white"), 2.5))
    p.setBrush(QColor(colour))
    p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    text = "?" if number is None else str(number)
    p.setPen(QColor("white"))
    p.setFont(styles.font(round(size * (0.5 if len(text) < 3 else 0.38)), bold=True))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, text)
    p.end()
    return pix


class CommentLayer(PointLayer):
    """Comment pins: numbered circles coloured by status (new, answered, adopted, declined), the same
    in the editing window and in workshop mode (already as large and plain as a projector needs)."""

    def __init__(self, view, layer: str):
        super().__init__(view, layer)
        # Above the labels: a street name drawn across a pin hid its number on the demo.
        self.z = styles.LABEL_Z + 1

    def update(self, fid: int, feature: Feature | None) -> None:
        if feature is None or feature.geometry is None or feature.geometry.is_empty:
            self._marks.remove(fid)
            return
        geom, z = feature.geometry, self.z
        pt = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
        pix = pin_symbol(feature.attributes.get("number"), feature.attributes.get("status"))

        self._marks.set(fid, [Mark(pt.x, pt.y, styles.ICON_MIN_SCALE.get(self.layer, 0.0),
                                   lambda: symbol_item(pix, z))])


__all__ = ["LayerView", "ShapeLayer", "PolygonLayer", "LineLayer", "PointLayer", "CommentLayer", "LabelView",
           "PIN_COLOURS", "pin_symbol"]

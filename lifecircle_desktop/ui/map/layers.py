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

import numpy as np
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
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


__all__ = ["LayerView", "ShapeLayer", "PolygonLayer", "LineLayer", "PointLayer", "LabelView"]

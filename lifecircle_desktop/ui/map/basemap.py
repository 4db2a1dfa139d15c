"""The read-only base map (buildings, land use, water, roads), painted into a cached image.

QGIS's map canvas, not a scene of items: a base map of a whole district has 10^5 polygons, and
neither loading them as graphics items (seconds) nor repainting them on every zoom (113 ms for
20k) is acceptable. Each painted layer keeps its features as arrays — Qt shapes made once, a
style id per feature, a shapely STRtree — and paints only what lies in the area asked for.
``MapImage`` holds the result for one view transform: the view blits it while the planner works,
shows it moved or scaled as a preview during a wheel or pan gesture, and renders again only when
the gesture pauses and the scale or the visible area changed, or a painted layer changed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from ...model.plan import Feature
from . import styles
from .items import LINE, POLYGON, painter_path, qpolygon
from .layers import LayerView


@dataclass
class _Shapes:
    """The features of a painted layer as arrays aligned by position (in id order). A simple shape
    (a polygon without holes, a line) becomes a ``QPolygonF`` the first time it is painted, from
    its slice of one coordinate array: a district's 200k buildings load without 200k Qt objects,
    and only those ever seen are made."""
    coords: np.ndarray          # (n, 2) coordinates of all simple shapes
    starts: np.ndarray          # their slice in ``coords`` by position (-1: not simple)
    ends: np.ndarray
    shapes: list                # QPolygonF once made, QPainterPath (holes, multi-parts), or None
    is_path: np.ndarray         # bool: shapes[i] is a QPainterPath
    style: np.ndarray           # int: index into ``styles``
    styles: list                # the distinct style keys (the features' kinds)
    tree: shapely.STRtree

    def in_area(self, area: QRectF, pad: float) -> np.ndarray:
        """Positions of the shapes whose bounds meet ``area`` grown by ``pad`` metres, in id order
        (the order they were drawn in as items: overlaps look the same)."""
        box = shapely.box(area.left() - pad, area.top() - pad, area.right() + pad, area.bottom() + pad)
        idx = self.tree.query(box)
        idx.sort()
        return idx

    def shape(self, i: int):
        shape = self.shapes[i]
        if shape is None:
            shape = self.shapes[i] = qpolygon(self.coords[self.starts[i]:self.ends[i]])
        return shape


class PaintedLayer(LayerView):
    """A read-only layer painted into the map image."""

    painted = True
    fill_lines = True  # lines of the layer are filled as areas (True for the area layers)

    def __init__(self, view, layer: str):
        super().__init__(view, layer)
        self._features: dict[int, Feature] = {}
        self._shapes: _Shapes | None = None

    def style_key(self, feature: Feature):
        return feature.attributes.get("kind")

    def load(self, features: list[Feature]) -> None:
        self._features = {f.fid: f for f in features}
        self._shapes = self._build()
        self.view.map_changed()

    def update(self, fid: int, feature: Feature | None) -> None:
        if feature is None:
            self._features.pop(fid, None)
        else:
            self._features[fid] = feature
        self._shapes = None  # rebuilt at the next render: base-map edits come in bulk (imports)
        self.view.map_changed()

    def set_visible(self, visible: bool) -> None:
        super().set_visible(visible)
        self.view.map_changed()

    def fids(self) -> list[int]:
        return sorted(self._features)

    def _build(self) -> _Shapes:
        feats = [f for f in self._features.values() if f.geometry is not None]
        geoms = np.array([f.geometry for f in feats], dtype=object)
        types = np.where(shapely.is_empty(geoms), -1, shapely.get_type_id(geoms)) if len(geoms) else np.zeros(0, int)
        keep = np.flatnonzero((types != -1) & (types != 0) & (types != 4))  # no points, no empties
        geoms, types = geoms[keep], types[keep]
        simple = (types == POLYGON) & (shapely.get_num_interior_rings(geoms) == 0)
        if not self.fill_lines:
            # Roads are polylines; a line in an area layer (a canal in the water layer) stays a
            # path and is filled, as its graphics item was.
            simple |= types == LINE
        coords, owner = shapely.get_coordinates(geoms[simple], return_index=True)
        bounds = np.searchsorted(owner, np.arange(int(simple.sum()) + 1))
        starts, ends = np.full(len(geoms), -1), np.full(len(geoms), -1)
        starts[simple], ends[simple] = bounds[:-1], bounds[1:]
        shapes: list = [None] * len(geoms)
        for i in np.flatnonzero(~simple).tolist():
            shapes[i] = painter_path(geoms[i])
        ids: dict[object, int] = {}
        style = np.fromiter((ids.setdefault(self.style_key(feats[i]), len(ids)) for i in keep.tolist()),
                            np.int64, len(keep))
        return _Shapes(coords, starts, ends, shapes, ~simple, style, list(ids), shapely.STRtree(geoms))

    def _ensure(self) -> _Shapes:
        if self._shapes is None:
            self._shapes = self._build()
        return self._shapes


class BaseMapAreas(PaintedLayer):
    """Buildings, land use, water: filled by kind (OSM Carto's colours), outlined with hairlines."""

    def paint(self, painter: QPainter, area: QRectF, scale: float) -> None:
        d = self._ensure()
        looks = [styles.look(self.view).area_style(self.layer, key) for key in d.styles]
        drawn = [pen.style() != Qt.NoPen or brush.style() != Qt.NoBrush for pen, brush in looks]
        idx = d.in_area(area, 2.0 / scale)  # antialiased edges reach two pixels out
        polygon, path, shape = painter.drawPolygon, painter.drawPath, d.shape
        last = -1
        for i, s, is_path in zip(idx.tolist(), d.style[idx].tolist(), d.is_path[idx].tolist()):
            if s != last:
                painter.setPen(looks[s][0])
                painter.setBrush(looks[s][1])
                last = s
            if drawn[s]:
                (path if is_path else polygon)(shape(i))


class BaseMapRoads(PaintedLayer):
    """Roads coloured and widened by class: a darker casing under every road first, then the
    roads (junctions join cleanly); widths follow the zoom band (real width once wider)."""

    fill_lines = False

    def paint(self, painter: QPainter, area: QRectF, scale: float) -> None:
        d = self._ensure()
        band, look = styles.road_band(scale), styles.look(self.view)
        pens = [look.road_pens(key, band) for key in d.styles]
        idx = d.in_area(area, (look.widest_road_px(band) / 2 + 2.0) / scale)
        rows = list(zip(idx.tolist(), d.style[idx].tolist(), d.is_path[idx].tolist()))
        painter.setBrush(Qt.NoBrush)
        for layer in (1, 0):  # casings, then the roads over them
            last = -1
            polyline, path, shape = painter.drawPolyline, painter.drawPath, d.shape
            for i, s, is_path in rows:
                pen = pens[s][layer]
                if pen is None:
                    continue
                if s != last:
                    painter.setPen(pen)
                    last = s
                (path if is_path else polyline)(shape(i))


class BaseMapCad(PaintedLayer):
    """A CAD drawing (basemap_cad): its lines and outlines in a drafting grey, unfilled, as the
    drawing shows them; its texts once they can be read (CAD text is the drawing's own labels:
    building numbers, floors, names)."""

    fill_lines = False

    def load(self, features: list[Feature]) -> None:
        self._texts = None
        super().load(features)

    def update(self, fid: int, feature: Feature | None) -> None:
        self._texts = None
        super().update(fid, feature)

    def style_key(self, feature: Feature):
        return None

    def paint(self, painter: QPainter, area: QRectF, scale: float) -> None:
        d = self._ensure()
        idx = d.in_area(area, 2.0 / scale)
        painter.setPen(styles.CAD_PEN)
        painter.setBrush(Qt.NoBrush)
        polygon, polyline, path, shape = painter.drawPolygon, painter.drawPolyline, painter.drawPath, d.shape
        for i, is_path in zip(idx.tolist(), d.is_path[idx].tolist()):
            s = shape(i)
            if is_path:
                path(s)
            elif s.isClosed():
                polygon(s)
            else:
                polyline(s)
        if scale >= styles.CAD_TEXT_MIN_SCALE:
            self._paint_texts(painter, area)

    def _paint_texts(self, painter: QPainter, area: QRectF) -> None:
        if getattr(self, "_texts", None) is None:
            points = [(f.geometry.x, f.geometry.y, f.attributes.get("text") or "") for f in self._features.values()
                      if f.geometry is not None and f.geometry.geom_type == "Point"]
            xy = np.array([(x, y) for x, y, _ in points], dtype=float).reshape(-1, 2)
            self._texts = (xy, [t for *_, t in points])
        xy, words = self._texts
        inside = np.flatnonzero((xy[:, 0] >= area.left()) & (xy[:, 0] <= area.right())
                                & (xy[:, 1] >= area.top()) & (xy[:, 1] <= area.bottom()))
        if not len(inside):
            return
        to_device = painter.transform()
        painter.resetTransform()  # text upright in pixels, whatever the map's y axis
        painter.setFont(styles.font(*styles.CAD_TEXT_FONT))
        painter.setPen(QColor(styles.CAD_TEXT_COLOUR))
        for i in inside[:styles.CAD_TEXT_MAX].tolist():
            painter.drawText(to_device.map(QPointF(*xy[i])), words[i])
        painter.setTransform(to_device)


class MapImage:
    """The painted layers rendered for one view transform, over the viewport and a margin (so a
    short pan needs no new render). QGIS's map renderer cache."""

    MARGIN_PX = 128

    def __init__(self):
        self.image: QImage | None = None
        self.transform = QTransform()   # scene → viewport pixels when it was rendered
        self.size = QSize()             # the viewport's size then
        self.valid = False

    def invalidate(self) -> None:
        """A painted layer changed (data, visibility, style): the next render is due."""
        self.valid = False

    def covers(self, transform: QTransform, size: QSize) -> bool:
        """The image shows exactly what the view at ``transform`` (of a viewport of ``size``) shows:
        same scale, and the viewport lies inside the rendered area."""
        if not self.valid or self.image is None:
            return False
        t0, m = self.transform, self.MARGIN_PX
        if t0.m11() != transform.m11() or t0.m22() != transform.m22():
            return False
        dx, dy = transform.dx() - t0.dx(), transform.dy() - t0.dy()
        return (size.width() - self.size.width() - m <= dx <= m
                and size.height() - self.size.height() - m <= dy <= m)

    def render(self, layers: list[LayerView], transform: QTransform, size: QSize, device_pixel_ratio: float) -> None:
        """Paint ``layers`` (bottom first) for the view at ``transform``."""
        m = self.MARGIN_PX
        w, h = size.width() + 2 * m, size.height() + 2 * m
        image = QImage(round(w * device_pixel_ratio), round(h * device_pixel_ratio),
                       QImage.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(device_pixel_ratio)
        image.fill(QColor(styles.BACKGROUND))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        placed = transform * QTransform.fromTranslate(m, m)
        painter.setTransform(placed)
        area = placed.inverted()[0].mapRect(QRectF(0, 0, w, h))
        scale = abs(transform.m11())
        for layer in layers:
            if layer.shown(scale):
                painter.save()
                layer.paint(painter, area, scale)
                painter.restore()
        painter.end()
        self.image, self.transform, self.size, self.valid = image, QTransform(transform), QSize(size), True

    def paint(self, painter: QPainter, transform: QTransform) -> None:
        """Draw the image for the view at ``transform``: moved by whole pixels when the scale is
        the one rendered (a plain blit), else scaled — a preview until the next render."""
        if self.image is None:
            return
        painter.save()
        painter.resetTransform()  # viewport pixels
        t0, m = self.transform, self.MARGIN_PX
        if t0.m11() == transform.m11() and t0.m22() == transform.m22():
            painter.drawImage(QPointF(round(transform.dx() - t0.dx()) - m, round(transform.dy() - t0.dy()) - m),
                              self.image)
        else:
            painter.setTransform(QTransform.fromTranslate(-m, -m) * t0.inverted()[0] * transform)
            painter.drawImage(QPointF(0, 0), self.image)
        painter.restore()


__all__ = ["PaintedLayer", "BaseMapAreas", "BaseMapRoads", "BaseMapCad", "MapImage"]

"""The report's maps, drawn by the canvas's own code: the plan's layer views (ui/map/registry.py:
the same items, styles, symbols and labels the planner sees) feed a QGraphicsScene as they feed
the canvas's, and each map is painted as vectors into the PDF — the painted base-map layers
through their ``paint`` (what the canvas caches as an image), the scene's items through
``QGraphicsScene.render``, then the canvas's scale bar, north arrow and credit line.

No widget is made (the canvas's ``MapView`` is one): the desktop writes the bundle on a worker
thread, where widgets cannot live. ``PrintCanvas`` is what a layer view asks of its map view.
A map is sized in canvas pixels to the rect it is printed in (document.DPI), so pens, labels and
symbols keep their on-screen size on paper.
"""
from __future__ import annotations

from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsScene

from ...model.schema import (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, ENTRANCES, FACILITIES,
                             LAYERS, PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK)
from ...ui.map import styles
from ...ui.map.layers import LabelView
from ...ui.map.overlays import CreditLine, NorthArrow, ScaleBar, feature_outline
from ...ui.map.registry import LAYER_VIEWS
from ...ui.tools import text as map_text

# Above this many base-map shapes and paths the small maps are images: Malta's 10^5 shapes drawn
# as vectors in each of 30 maps made a 240 MB PDF that took two minutes to write.
HEAVY_SHAPES = 20000
RASTER_DPR = 2.5  # 300 dpi at the report's 120 dpi
FIT = 0.92        # the canvas's fit (MapView._fit): a margin round the plan


@contextmanager
def saved(painter: QPainter):
    painter.save()
    try:
        yield painter
    finally:
        painter.restore()


def _noop() -> None:
    pass


class PrintCanvas:
    """What a layer view asks of the map view it draws for: the scene its items go in, the
    catalogue (facility colours, type names), and ``map_changed`` (the canvas re-renders its
    cached base map; a print has no cache)."""

    def __init__(self, catalogue, plan=None, scenario: str = "base"):
        self.catalogue = catalogue
        # The raster base maps (scanned plans, offline tiles) read their images from the plan.
        self.plan, self.scenario = plan, scenario
        self._scene = QGraphicsScene()
        self._scene.setItemIndexMethod(QGraphicsScene.BspTreeIndex)  # a small map finds its items fast

    def scene(self) -> QGraphicsScene:
        return self._scene

    def map_changed(self) -> None:
        pass

    def plan_extent(self):
        return self.plan.bounds() if self.plan is not None else None


class PrintMap:
    """The maps of one scenario, painted into rects of the report."""

    def __init__(self, session, scenario: str, lang: str, credits: list[str], check=None):
        plan = session.plan
        self.plan, self.scenario = plan, scenario
        self._shapes = sum(plan.count(layer, None) for layer in
                           (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, WALK_NETWORK))
        map_text.set_language(lang)  # labels: facility type and unit kind names in the report's language
        self.canvas = PrintCanvas(session.catalogue, plan, scenario)
        self.layers = {name: view(self.canvas, name) for name, view in LAYER_VIEWS.items()}
        self.labels = LabelView(self.canvas)
        check = check or _noop
        for layer, view in self.layers.items():  # as MapView.set_plan feeds them
            check()  # a city's layers take a second or two to load: a cancel is heard between them
            if layer not in LAYERS:
                view.load([])
                continue
            features = plan.features(layer, scenario if LAYERS[layer].editable else None)
            view.load(features)
            self.labels.load(layer, features)
        if self.heavy:
            # A city's walking network (10^5 paths, OSM's roads again) is a grey mass at this
            # scale and most of the PDF's weight: the base map's roads show the streets.
            self.layers[WALK_NETWORK].set_visible(False)
        self.credit = CreditLine()
        self.credit.lines = list(credits)
        self._overlay: list = []
        self.transform, self.size, self.scale = QTransform(), QSize(1, 1), 1.0

    def close(self) -> None:
        # The map's words follow the application's language again: what the desktop pins them to
        # (MainWindow sets them to i18n.language() on every switch) and what a test expects.
        map_text.set_language(None)
        # Deleted here, in the thread that made them: the desktop's cyclic garbage collection
        # runs on the GUI thread, and a scene's timers cannot be stopped from another thread.
        self.layers, self.labels, self._overlay = {}, None, []
        shiboken6.delete(self.canvas.scene())

    @property
    def heavy(self) -> bool:
        """A city-scale plan: its small maps are painted as images (see ``paint``)."""
        return self._shapes > HEAVY_SHAPES

    def extent(self) -> tuple[float, float, float, float] | None:
        """What the planner works on, as the canvas opens it (Plan.planned_extent)."""
        return self.plan.planned_extent(self.scenario)

    def show(self, size: QSize, extent=None, walk_homes=(), highlight=()) -> None:
        """Set up one map: its size in pixels, what it shows (default the plan's extent, fitted
        as the canvas fits it, north up), a walking finding's homes beyond the limit (shaded and
        hatched as on the canvas) and the features outlined as a finding's."""
        bounds = extent or self.extent() or (-500.0, -500.0, 500.0, 500.0)
        xmin, ymin, xmax, ymax = bounds
        w, h = max(size.width(), 10), max(size.height(), 10)
        scale = FIT * min(w / max(xmax - xmin, 1.0), h / max(ymax - ymin, 1.0))
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        self.transform = QTransform(scale, 0, 0, -scale, w / 2 - scale * cx, h / 2 + scale * cy)
        self.size, self.scale = QSize(w, h), scale
        # Symbols and labels due at this view (MapView._update_marks), with the canvas's margin.
        view = self.transform.inverted()[0].mapRect(QRectF(0, 0, w, h))
        pad_x, pad_y = view.width() * 0.25, view.height() * 0.25
        area = (view.left() - pad_x, view.top() - pad_y, view.right() + pad_x, view.bottom() + pad_y)
        for layer, layer_view in self.layers.items():
            layer_view.on_view(scale, area, {})
            self.labels.on_view(layer, layer_view.visible, scale, area, {})
        self.labels.place()
        scene = self.canvas.scene()
        for item in self._overlay:
            scene.removeItem(item)
        self._overlay = []
        looks = [(RESIDENTIAL, fid, styles.WALK_OUTSIDE_PEN, brush, styles.WALK_OVERLAY_Z)
                 for fid in walk_homes for brush in (styles.WALK_OUTSIDE_FILL, styles.WALK_OUTSIDE_BRUSH)]
        looks += [(layer, fid, styles.HIGHLIGHT_PEN, styles.HIGHLIGHT_BRUSH, styles.HIGHLIGHT_Z)
                  for layer, fid in highlight]
        for layer, fid, pen, brush, z in looks:
            if self.plan.has_feature(layer, fid):
                item = feature_outline(self.plan.feature(layer, fid), pen, brush, z)
                scene.addItem(item)
                self._overlay.append(item)

    def paint(self, painter: QPainter, rect: QRectF, check=None, raster: bool = False) -> None:
        """Paint the map set up by ``show`` into ``rect`` (page pixels, the size shown).
        ``raster``: the layers as an image at RASTER_DPR × the map's pixels (the canvas's look on
        a high-density screen) — for the small maps of a city-scale plan, whose vectors would be
        10^5 shapes a map — with the scale bar, north arrow and credit still vectors."""
        w, h = self.size.width(), self.size.height()
        if raster:
            image = QImage(round(w * RASTER_DPR), round(h * RASTER_DPR), QImage.Format_RGB32)
            image.setDevicePixelRatio(RASTER_DPR)
            into = QPainter(image)
            try:
                into.setRenderHint(QPainter.Antialiasing)
                into.setRenderHint(QPainter.TextAntialiasing)
                self._paint_layers(into, w, h, check)
            finally:
                into.end()
            painter.drawImage(QRectF(rect.left(), rect.top(), w, h), image)
        else:
            with saved(painter):
                painter.translate(rect.topLeft())
                self._paint_layers(painter, w, h, check)
        with saved(painter):
            painter.translate(rect.topLeft())
            painter.setRenderHint(QPainter.Antialiasing)
            viewport = QRect(0, 0, w, h)
            for overlay in (ScaleBar(), NorthArrow(), self.credit):
                overlay.paint(painter, viewport, self.scale)
            painter.setPen(QPen(QColor("#9e9e9e"), 0))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(QRectF(0, 0, w, h))

    def _paint_layers(self, painter: QPainter, w: int, h: int, check) -> None:
        """The painted base-map layers, then the scene's items, in map pixels from (0, 0)."""
        check = check or _noop
        area = self.transform.inverted()[0].mapRect(QRectF(0, 0, w, h))  # plan metres shown
        with saved(painter):  # a cancel (``check`` raises) leaves the painter as it found it
            painter.setClipRect(QRectF(0, 0, w, h))
            painter.fillRect(QRectF(0, 0, w, h), QColor(styles.BACKGROUND))
            painter.setWorldTransform(self.transform, True)
            for layer in sorted(self.layers.values(), key=lambda v: v.z):
                if layer.painted and layer.shown(self.scale):
                    check()
                    with saved(painter):
                        layer.paint(painter, area, self.scale)
            check()
            self.canvas.scene().render(painter, area, area, Qt.IgnoreAspectRatio)


def legend_entries(session, scenario: str, zh: bool, heavy: bool = False) -> list[tuple[str, object]]:
    """What the main map's legend lists: planning units, homes, walking paths, then each facility
    category present in the scenario (in the catalogue's order), existing and planned."""
    plan, catalogue = session.plan, session.catalogue
    out: list[tuple[str, object]] = []
    if plan.features(PLANNING_UNITS, scenario):
        out.append(("规划单元" if zh else "Planning unit", styles.area_style(PLANNING_UNITS)))
    if plan.features(RESIDENTIAL, scenario):
        out.append(("住宅（小区）" if zh else "Homes (residential compound)", styles.area_style(RESIDENTIAL)))
    if plan.features(WALK_NETWORK, scenario) and not heavy:
        pen = QPen(styles.walk_pen(False, False))
        pen.setWidthF(1.5)  # the canvas's hairline, visible as a swatch
        out.append(("步行路径" if zh else "Walking path", ("line", pen)))
    present = {catalogue.types[f.attributes.get("type")].category for f in plan.features(FACILITIES, scenario)
               if f.attributes.get("type") in catalogue.types}
    for code, category in catalogue.categories.items():
        if code in present:
            out.append((category.name_zh if zh else category.name_en,
                        styles.area_style(FACILITIES, None, category.colour, False)))
    # Point symbols as the canvas draws them (styles.icon), one entry per kind present.
    icon_words = {"bus_stop": ("公交站点", "Bus stop"), "metro_station": ("轨道交通站点", "Metro station"),
                  "stop": ("站点", "Stop"), "gate_open": ("小区大门（开放）", "Gate (open)"),
                  "gate_closed": ("小区大门（关闭）", "Gate (closed)"), "door_open": ("出入口（开放）", "Entrance (open)"),
                  "door_closed": ("出入口（关闭）", "Entrance (closed)")}
    kinds = {styles.icon_kind(f) for layer in (STOPS, ENTRANCES) for f in plan.features(layer, scenario)}
    for kind, words in icon_words.items():
        if kind in kinds:
            out.append((words[0] if zh else words[1], ("icon", styles.icon(kind))))
    planned = any(f.attributes.get("status") != "existing" for f in plan.features(FACILITIES, scenario))
    if planned:
        out.append(("规划设施（虚线轮廓）" if zh else "Planned facility (dashed outline)",
                    styles.area_style(FACILITIES, None, "#ffffff", True)))
    return out


def paint_legend(painter: QPainter, rect: QRectF, entries, font, columns: int = 3) -> None:
    """The legend as swatches in ``columns`` columns across ``rect``."""
    painter.save()
    painter.setFont(font)
    row_h = painter.fontMetrics().height() * 1.5
    col_w = rect.width() / columns
    sw, sh = row_h * 1.4, row_h * 0.6
    for i, (text, look) in enumerate(entries):
        x = rect.left() + (i % columns) * col_w
        y = rect.top() + (i // columns) * row_h
        box = QRectF(x, y + (row_h - sh) / 2, sw, sh)
        if isinstance(look, tuple) and look and look[0] == "line":
            painter.setPen(look[1])
            painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()))
        elif isinstance(look, tuple) and look and look[0] == "icon":
            pix = look[1]
            side = min(row_h * 0.9, sw)
            painter.drawPixmap(QRectF(box.center().x() - side / 2, y + (row_h - side) / 2, side, side), pix,
                               QRectF(pix.rect()))
        else:
            pen, brush = look
            painter.setPen(pen)
            painter.setBrush(brush if brush is not None else QBrush(Qt.NoBrush))
            painter.drawRect(box)
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(box.right() + 6, y, col_w - sw - 10, row_h), Qt.AlignVCenter | Qt.AlignLeft, text)
    painter.restore()


def legend_height(entries, font_height: float, columns: int = 3) -> float:
    return -(-len(entries) // columns) * font_height * 1.5

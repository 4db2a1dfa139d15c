"""The report's maps, drawn by the canvas's own code: an off-screen ``MapView`` (ui/map/view.py)
holds the plan's layer views (registry.py: the same items, styles and labels the planner sees),
and each map is painted as vectors into the PDF — the painted base-map layers through their
``paint`` (what the canvas caches as an image), the scene's items through
``QGraphicsScene.render``, then the canvas's scale bar, north arrow and credit line.

The view is sized in canvas pixels to the rect it is printed in (document.DPI), so pens, labels
and symbols keep their on-screen size on paper.
"""
from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from ...model.schema import (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, ENTRANCES, FACILITIES,
                             PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK)
from ...ui.map import styles
from ...ui.map.overlays import CreditLine, NorthArrow, ScaleBar
from ...ui.map.view import MapView
from ...ui.tools import text as map_text


# Above this many base-map shapes and paths the small maps are images: Malta's 10^5 shapes drawn
# as vectors in each of 30 maps made a 240 MB PDF that took two minutes to write.
HEAVY_SHAPES = 20000
RASTER_DPR = 2.5  # 300 dpi at the report's 120 dpi


@contextmanager
def saved(painter: QPainter):
    painter.save()
    try:
        yield painter
    finally:
        painter.restore()


def _noop() -> None:
    pass


class PrintMap:
    """An off-screen map of one scenario, painted into rects of the report."""

    def __init__(self, session, scenario: str, lang: str, credits: list[str]):
        self._shapes = sum(session.plan.count(layer, None) for layer in
                           (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, WALK_NETWORK))
        self.view = MapView(session.catalogue)
        self.view.setAttribute(Qt.WA_DontShowOnScreen)
        self.view.resize(800, 800)
        self.view.show()
        self.view.set_language(lang)  # labels: facility type names in the report's language
        self.view.set_plan(session.plan, scenario)
        if self.heavy:
            # A city's walking network (10^5 paths, OSM's roads again) is a grey mass at this
            # scale and most of the PDF's weight: the base map's roads show the streets.
            self.view.set_layer_visible(WALK_NETWORK, False)
        self.view.set_credits(credits)
        self.credit = CreditLine()
        self.credit.lines = list(credits)

    def close(self) -> None:
        # The map's words follow the application's language again: what the desktop pins them to
        # (MainWindow sets them to i18n.language() on every switch) and what a test expects.
        map_text.set_language(None)
        self.view.close()
        self.view.deleteLater()

    def show(self, size: QSize, extent=None, walk_homes=(), highlight=(), homes_label="", highlight_label="") -> None:
        """Set the view up for one map: its size in pixels, what it shows (default the plan's
        extent, as the canvas opens it), and a walking finding's overlay."""
        self.view.resize(size)
        self.view.clear_walk_overlay()
        self.view.clear_highlight()
        if extent is None:
            self.view.fit_plan()
        else:
            self.view.show_extent(extent)
        if walk_homes:
            self.view.show_walk_overlay(list(walk_homes), [], (homes_label, ""))
        if highlight:
            self.view.highlight(list(highlight), highlight_label)
        self.view.render_now()

    def paint(self, painter: QPainter, rect: QRectF, check=None, raster: bool = False) -> None:
        """Paint the map as the view shows it into ``rect`` (page pixels, same size as the view).
        ``raster``: the layers as an image at RASTER_DPR × the view's pixels (the canvas's look on
        a high-density screen) — for the small maps of a city-scale plan, whose vectors would be
        10^5 shapes a map — with the scale bar, north arrow and credit still vectors."""
        view = self.view
        w, h = view.viewport().width(), view.viewport().height()
        scale = view.scale_factor()
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
        painter.save()
        painter.translate(rect.topLeft())
        painter.setRenderHint(QPainter.Antialiasing)
        viewport = QRect(0, 0, w, h)
        for overlay in (ScaleBar(), NorthArrow(), self.credit):
            overlay.paint(painter, viewport, scale)
        painter.setPen(QPen(QColor("#9e9e9e"), 0))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(QRectF(0, 0, w, h))
        painter.restore()

    def _paint_layers(self, painter: QPainter, w: int, h: int, check) -> None:
        """The painted base-map layers, then the scene's items, in view pixels from (0, 0)."""
        check = check or _noop
        view = self.view
        scale = view.scale_factor()
        to_view = view.viewportTransform()
        area = to_view.inverted()[0].mapRect(QRectF(0, 0, w, h))  # plan metres shown
        with saved(painter):  # a cancel (``check`` raises) leaves the painter as it found it
            painter.setClipRect(QRectF(0, 0, w, h))
            painter.fillRect(QRectF(0, 0, w, h), QColor(styles.BACKGROUND))
            painter.setWorldTransform(to_view, True)
            for layer in sorted((view.layer_view(n) for n in view.layer_names()), key=lambda v: v.z):
                if layer.painted and layer.shown(scale):
                    check()
                    with saved(painter):
                        layer.paint(painter, area, scale)
            check()
            view.scene().render(painter, area, area, Qt.IgnoreAspectRatio)

    @property
    def heavy(self) -> bool:
        """A city-scale plan: its small maps are painted as images (see ``paint``)."""
        return self._shapes > HEAVY_SHAPES


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

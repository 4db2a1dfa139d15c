"""The workshop look of a map view: high contrast, large labels, no hairlines (issue 13 item 1).

``apply_workshop_style(view)`` gives one map view (ui/map/view.MapView, or anything the layer
views draw for) the look of a projected plan read from the back of a room — labels ≥ 18 pt, every
pen ≥ 2 px, the base map muted so the plan's own layers stand out, facilities in their catalogue
colour with a round badge of their category — and ``restore_style(view)`` gives it back its
editing look. The look is the view's ``map_look`` (ui/map/styles.look): the layer views ask it
for every pen, brush, symbol and label font, so nothing else of the map changes.
"""
from __future__ import annotations

from functools import lru_cache

import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from ...model.schema import (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, FACILITIES,
                             PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK)
from ..map import styles
from ..tools import text as map_text

# The smallest label on the projected map, in points (issue 13: ≥ 18 pt at 1920×1080).
LABEL_POINTS = 18
MIN_PEN_PX = 2.0  # no hairlines: a 1-px line vanishes on a washed-out projector
BADGE_PX = 34     # the category badge of a facility, screen pixels

# A badge's glyph per catalogue category: one character a resident reads as the kind of place.
CATEGORY_GLYPHS_ZH = {"service": "社", "education": "学", "elderly": "老", "health": "医", "commerce": "商",
                      "municipal": "环", "green": "绿", "transport": "交", "management": "物"}
CATEGORY_GLYPHS_EN = {"service": "S", "education": "E", "elderly": "A", "health": "H", "commerce": "C",
                      "municipal": "U", "green": "G", "transport": "T", "management": "M"}


def points_to_pixels(points: float) -> int:
    """``points`` as a font pixel size on this screen (18 pt is 24 px at the usual 96 dpi)."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    return round(points * dpi / 72.0)


def _pen(colour, width: float, style=Qt.SolidLine) -> QPen:
    return styles.cosmetic(colour, max(MIN_PEN_PX, width), style)


def _muted(colour, share: float = 0.55) -> QColor:
    """``colour`` moved ``share`` of the way to the map's background: the base map recedes."""
    c, bg = QColor(colour), QColor(styles.BACKGROUND)
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in ((c.redF(), bg.redF()), (c.greenF(), bg.greenF()),
                                                               (c.blueF(), bg.blueF()))), c.alphaF())


@lru_cache(maxsize=None)
def _area_style(layer: str, kind: str | None, colour: str | None, planned: bool) -> tuple[QPen, QBrush]:
    # The base map as quiet fills without outlines: context, not content.
    if layer == BASEMAP_BUILDINGS:
        return QPen(Qt.NoPen), QBrush(QColor("#e2ded8"))
    if layer == BASEMAP_WATER or kind in styles.WATER_KINDS:
        return QPen(Qt.NoPen), QBrush(QColor("#cfe4ec"))
    if layer == BASEMAP_LANDUSE:
        return (QPen(Qt.NoPen), QBrush(QColor("#dcebd5"))) if kind in styles.GREEN_KINDS \
            else (QPen(Qt.NoPen), QBrush(Qt.NoBrush))
    if layer == RESIDENTIAL:  # homes: warm, solid, outlined
        return _pen("#8a5a1c", 2.5), QBrush(styles.with_alpha("#f4d6a0", 215))
    if layer == PLANNING_UNITS:
        return _pen("#1f2d3d", 3.5, Qt.DashLine), QBrush(Qt.NoBrush)
    if layer == FACILITIES:
        base = QColor(colour or "#9e9e9e")
        return _pen(base.darker(170), 3.0, Qt.DashLine if planned else Qt.SolidLine), QBrush(base)
    return _pen("#666666", 2.0), QBrush(styles.with_alpha("#bbbbbb", 120))


@lru_cache(maxsize=None)
def _road_pens(kind: str | None, band: int) -> tuple[QPen, QPen | None]:
    fill, casing = styles.road_pens(kind, band)
    pen = QPen(fill)
    pen.setColor(_muted(fill.color(), 0.35))
    pen.setWidthF(max(MIN_PEN_PX, fill.widthF()))
    if casing is None:
        return pen, None
    case = QPen(casing)
    case.setColor(_muted(casing.color(), 0.35))
    case.setWidthF(max(pen.widthF() + 2.0, casing.widthF()))
    return pen, case


@lru_cache(maxsize=None)
def _icon(kind: str):
    # Stops and gates half as big again: a symbol seen across a room.
    pix = styles.icon(kind)
    scaled = pix.scaled(round(pix.width() * 1.5), round(pix.height() * 1.5), Qt.KeepAspectRatio,
                        Qt.SmoothTransformation)
    scaled.setDevicePixelRatio(pix.devicePixelRatio())
    return scaled


class WorkshopLook:
    """The workshop's answers to the layer views' style questions (ui/map/styles.look); what it
    does not change (the zoom bands, icon kinds) is the editing look's."""

    def __init__(self):
        big, bigger = points_to_pixels(LABEL_POINTS), points_to_pixels(LABEL_POINTS + 4)
        self.LABEL_STYLES = {  # layer: (pixel size, bold, italic, colour)
            FACILITIES: (bigger, True, False, "#111111"),
            RESIDENTIAL: (big, True, False, "#5a3a0e"),
            PLANNING_UNITS: (bigger, True, False, "#1f2d3d"),
            STOPS: (big, True, False, "#0d3c8a"),
            BASEMAP_ROADS: (big, False, False, "#6b6b6b"),
            BASEMAP_BUILDINGS: (big, False, False, "#7a7470"),
            BASEMAP_LANDUSE: (big, False, True, "#4d7a4d"),
            BASEMAP_WATER: (big, False, True, "#3d7a96"),
            WALK_NETWORK: (big, False, False, "#4a3470"),
        }
        self.DEFAULT_LABEL_STYLE = (big, False, False, "#333333")
        # A facility's name is never cut to its footprint ("同济社区综合服…" hid what residents came
        # to see, review item 10): whole, or left out where another name already stands.
        self.FACILITY_LABEL_FIT = 0.01
        # The scale bar and the OSM credit read from the back of the room too (review item 8).
        self.OVERLAY_FONT_PX = {"scale": big, "credit": big}

    def area_style(self, layer: str, kind: str | None = None, colour: str | None = None,
                   planned: bool = False) -> tuple[QPen, QBrush]:
        return _area_style(layer, kind, colour, planned)

    def polygon_style(self, feature, catalogue) -> tuple[QPen, QBrush]:
        a = feature.attributes
        if feature.layer == FACILITIES:
            code = a.get("type")
            colour = catalogue.types[code].colour if code in catalogue.types else None
            return _area_style(FACILITIES, None, colour, a.get("status") != "existing")
        return _area_style(feature.layer, a.get("kind"), None, False)

    def path_pen(self, feature) -> QPen:
        a = feature.attributes
        if bool(a.get("closed")) or a.get("walkable") is False:
            return _pen("#c62828", 2.5, Qt.DashLine)
        return _pen("#7b5ea7", 2.5 if a.get("source") == "drawn" else 2.0)

    def road_pens(self, kind: str | None, band: int) -> tuple[QPen, QPen | None]:
        return _road_pens(kind, band)

    def widest_road_px(self, band: int) -> float:
        return styles.widest_road_px(band) + 2.0 * MIN_PEN_PX

    def icon(self, kind: str):
        return _icon(kind)


# --- facility badges -----------------------------------------------------------------------------
class BadgeItem(QGraphicsItem):
    """A round badge in a category's colour with its glyph, the same size at every zoom, standing
    just above the facility's label anchor."""

    def __init__(self, glyph: str, colour: str):
        super().__init__()
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.glyph, self.colour = glyph, QColor(colour)
        self._font = styles.font(round(BADGE_PX * 0.55), bold=True)

    def boundingRect(self) -> QRectF:
        return QRectF(-BADGE_PX / 2 - 2, -BADGE_PX - 26, BADGE_PX + 4, BADGE_PX + 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        circle = QRectF(-BADGE_PX / 2, -BADGE_PX - 24, BADGE_PX, BADGE_PX)
        painter.setPen(QPen(QColor("white"), 3))
        painter.setBrush(self.colour)
        painter.drawEllipse(circle)
        painter.setFont(self._font)
        painter.setPen(QColor("white"))
        painter.drawText(circle, Qt.AlignCenter, self.glyph)


def category_glyph(catalogue, category: str, language: str) -> tuple[str, str]:
    """(glyph, colour) of a catalogue category's badge."""
    cat = catalogue.categories.get(category)
    glyphs = CATEGORY_GLYPHS_ZH if language == "zh" else CATEGORY_GLYPHS_EN
    name = (cat.name_zh if language == "zh" else cat.name_en) if cat is not None else category
    return glyphs.get(category, (name or "?")[:1]), cat.colour if cat is not None else "#666666"


def badge_pixmap(catalogue, category: str, language: str, size: int = 30) -> QPixmap:
    """A category's badge as the legend shows it."""
    glyph, colour = category_glyph(catalogue, category, language)
    pix = QPixmap(size, size)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QPen(QColor("white"), 2))
    p.setBrush(QColor(colour))
    p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    p.setFont(styles.font(round(size * 0.55), bold=True))
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, glyph)
    p.end()
    return pix


class FacilityBadges:
    """The category badges of a view's facilities. ``sync()`` makes them again for what the view
    shows now (a view replaces its scene when it shows another plan or scenario)."""

    def __init__(self, view):
        self.view = view
        self.items: dict[int, BadgeItem] = {}
        self._scene = None

    def sync(self, force: bool = False) -> None:
        """Badges for the view's facilities; only when the view has a new scene, unless ``force``
        (the facilities changed: WorkshopMode asks after an edit)."""
        scene = self.view.scene()
        if not force and self._scene is scene:
            return
        self.clear()
        self._scene = scene
        catalogue = self.view.catalogue
        for fid in self.view.layer_view(FACILITIES).fids():
            feature = self.view.feature((FACILITIES, fid))
            if feature is None or feature.geometry is None or feature.geometry.is_empty:
                continue
            code = feature.attributes.get("type")
            if code not in catalogue.types:
                continue
            glyph, colour = category_glyph(catalogue, catalogue.types[code].category, map_text.language())
            item = BadgeItem(glyph, colour)
            pt = shapely.point_on_surface(feature.geometry)
            item.setPos(pt.x, pt.y)
            item.setZValue(styles.LABEL_Z - 1)
            scene.addItem(item)
            self.items[fid] = item

    def clear(self) -> None:
        for item in self.items.values():
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.items, self._scene = {}, None


# --- applying and restoring ------------------------------------------------------------------------
# The layers a resident does not need: the walking network is the validator's, the roads show the streets.
HIDDEN_LAYERS = (WALK_NETWORK,)


def apply_workshop_style(view) -> None:
    """Give ``view`` (a MapView) the workshop look; ``restore_style`` undoes it."""
    if is_workshop_style(view):
        return
    view.map_look = WorkshopLook()
    view.workshop_hidden = {layer: view.is_layer_visible(layer) for layer in HIDDEN_LAYERS}
    for layer in HIDDEN_LAYERS:
        view.set_layer_visible(layer, False)
    view.workshop_badges = FacilityBadges(view)
    # set_plan ends with drawingChanged: a new scene, badges again (sync skips an unchanged scene).
    view.drawingChanged.connect(view.workshop_badges.sync)
    _redraw(view)


def restore_style(view) -> None:
    """``view`` back to its editing look."""
    if not is_workshop_style(view):
        return
    view.map_look = None
    view.drawingChanged.disconnect(view.workshop_badges.sync)
    view.workshop_badges.clear()
    view.workshop_badges = None
    for layer, visible in view.workshop_hidden.items():
        view.set_layer_visible(layer, visible)
    _redraw(view)


def is_workshop_style(view) -> bool:
    return getattr(view, "map_look", None) is not None and isinstance(view.map_look, WorkshopLook)


def _redraw(view) -> None:
    """Every layer view built again in the view's look, at the same place and zoom."""
    if view.plan is not None:
        view.set_plan(view.plan, view.scenario, keep_view=True)  # emits drawingChanged: badges follow
    view.map_changed()


__all__ = ["apply_workshop_style", "restore_style", "is_workshop_style", "WorkshopLook", "FacilityBadges",
           "LABEL_POINTS"]

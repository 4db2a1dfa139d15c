"""How the map looks: colours, pens, stacking order, levels of detail, icons and label fonts —
the one place the map's layer views and overlays read them from.

Base map after the OpenStreetMap Carto conventions planners know — light grey buildings with a
darker outline, green areas, blue water, roads coloured and widened by class — so that the
planner's own layers (facilities by catalogue colour, residential compounds) stand out on top.
Every pen is cosmetic: widths are screen pixels at any zoom.
"""
from __future__ import annotations

import math
import sys
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from ...model.schema import (BASEMAP_BUILDINGS, BASEMAP_CAD, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, COMMENTS,
                             ENTRANCES, FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK)

BACKGROUND = "#f2efe9"

# Stacking order, bottom to top. Labels and point symbols sit above all areas and lines.
LAYER_Z = {
    BASEMAP_LANDUSE: 0, BASEMAP_WATER: 1, BASEMAP_BUILDINGS: 2, BASEMAP_ROADS: 3,
    PLANNING_UNITS: 4, RESIDENTIAL: 5, WALK_NETWORK: 6, FACILITIES: 7,
    STOPS: 30, ENTRANCES: 31, COMMENTS: 32,
    BASEMAP_CAD: 3.5,  # a CAD drawing over the OSM base map, under the plan's own layers
}
# Raster base maps (ui/map/raster.py) over the OSM base map, under the plan: a package of tiles,
# then a scanned plan (usually the most specific of the two).
LAYER_Z.update({"basemap_tiles": 3.4, "basemap_images": 3.6})
WALK_OVERLAY_Z = 10
HIGHLIGHT_Z = 20
SELECTION_Z = 21
LABEL_Z = 40
TOOL_Z = 50

# Top first, as a layers panel lists them.
LAYER_ORDER = (COMMENTS, ENTRANCES, STOPS, FACILITIES, WALK_NETWORK, RESIDENTIAL,
               PLANNING_UNITS, BASEMAP_CAD, BASEMAP_ROADS, BASEMAP_BUILDINGS, BASEMAP_WATER, BASEMAP_LANDUSE)

# Below this zoom (pixels per metre) a layer's shapes are not drawn: a 20 m building is < 2 px.
LAYER_MIN_SCALE = {BASEMAP_BUILDINGS: 0.1}
# Point symbols appear from this zoom on (px per metre); fewer symbols than pixels otherwise.
ICON_MIN_SCALE = {STOPS: 0.08, ENTRANCES: 0.3, COMMENTS: 0.05}
# Labels appear when the feature is at least as big on screen as its label, and not below these.
LABEL_MIN_SCALE = {FACILITIES: 0.15, RESIDENTIAL: 0.15, PLANNING_UNITS: 0.02, STOPS: 0.8,
                   BASEMAP_ROADS: 0.4, BASEMAP_BUILDINGS: 2.0, BASEMAP_LANDUSE: 0.5,
                   BASEMAP_WATER: 0.3, WALK_NETWORK: 3.0}
# Facility names matter most to planners: shown once the footprint is half as wide as the name.
FACILITY_LABEL_FIT = 0.5
STOP_LABEL_OFFSET_PX = 14  # a stop's name sits under its symbol


def cosmetic(colour, width: float = 1.0, style=Qt.SolidLine) -> QPen:
    # A 1-px line is drawn with width 0 (Qt's hairline): the same look, and a graphics item
    # then takes its bounding box from its points instead of stroking its outline — which made
    # indexing 20k buildings take half a second.
    pen = QPen(QColor(colour), 0 if width <= 1.0 else width, style)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.RoundJoin)
    pen.setCapStyle(Qt.RoundCap)
    return pen


def with_alpha(colour, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


# --- areas --------------------------------------------------------------------------------------
GREEN_KINDS = {"park", "grass", "garden", "forest", "wood", "meadow", "recreation_ground", "village_green",
               "playground", "pitch", "scrub", "heath", "grassland", "nature_reserve", "cemetery",
               "allotments", "orchard", "farmland", "greenfield", "green", "common", "golf_course"}
WATER_KINDS = {"water", "river", "riverbank", "reservoir", "basin", "pond", "lake", "canal", "stream",
               "wetland", "ditch", "drain", "bay", "coastline"}
LANDUSE_FILLS = {"residential": "#e6e1da", "commercial": "#f2dad9", "retail": "#ffd6d1",
                 "industrial": "#ebdbe8", "school": "#ffffe5", "university": "#ffffe5", "college": "#ffffe5",
                 "hospital": "#ffffe5", "parking": "#eeeeee", "construction": "#c7c7b4"}


@lru_cache(maxsize=None)
def area_style(layer: str, kind: str | None = None, colour: str | None = None,
               planned: bool = False) -> tuple[QPen, QBrush]:
    """(pen, brush) of a polygon. ``kind``: the base-map kind; ``colour``: a facility's type colour."""
    if layer == BASEMAP_BUILDINGS:
        return cosmetic("#b5aca4", 1.0), QBrush(QColor("#d9d0c9"))
    if layer == BASEMAP_WATER or (kind in WATER_KINDS):
        return cosmetic("#8cbfd0", 1.0), QBrush(QColor("#aad3df"))
    if layer == BASEMAP_LANDUSE:
        if kind in GREEN_KINDS:
            return cosmetic("#9fcf9f", 1.0), QBrush(QColor("#c8e9c0"))
        fill = LANDUSE_FILLS.get(kind or "")
        return (QPen(Qt.NoPen), QBrush(QColor(fill))) if fill else (QPen(Qt.NoPen), QBrush(Qt.NoBrush))
    if layer == RESIDENTIAL:
        return cosmetic("#a6773e", 1.5), QBrush(with_alpha("#f5deb0", 170))
    if layer == PLANNING_UNITS:
        return cosmetic("#3d4f66", 2.0, Qt.DashLine), QBrush(Qt.NoBrush)
    if layer == FACILITIES:
        base = QColor(colour or "#9e9e9e")
        # Planned facilities have a dashed outline: existing vs planned at a glance.
        return (cosmetic(base.darker(160), 1.8, Qt.DashLine if planned else Qt.SolidLine),
                QBrush(with_alpha(base, 205)))
    return cosmetic("#777777", 1.0), QBrush(with_alpha("#bbbbbb", 120))


# --- lines --------------------------------------------------------------------------------------
# kind: (fill, casing or None, minimum width px, typical width m). A road is drawn at its real
# width once that is wider than the minimum (zoomed in, a road is a band, not a hairline), with a
# darker casing so light roads stay visible on the light background (OSM Carto's look).
ROAD_STYLES = {
    "motorway": ("#e892a2", "#c24e6b", 5.0, 24), "trunk": ("#f9b29c", "#c8775d", 5.0, 20),
    "primary": ("#fcd6a4", "#b88a4a", 4.5, 18), "secondary": ("#f7fabf", "#9fa35c", 4.0, 16),
    "tertiary": ("#ffffff", "#b5ad9e", 3.5, 12), "residential": ("#ffffff", "#c2b9ac", 3.0, 8),
    "unclassified": ("#ffffff", "#c2b9ac", 3.0, 8), "living_street": ("#ededed", "#c2b9ac", 3.0, 7),
    "road": ("#ffffff", "#c2b9ac", 2.5, 7), "service": ("#ffffff", "#c9c1b5", 2.0, 5),
    "pedestrian": ("#dddde8", "#aaaabb", 2.5, 6), "track": ("#b59a6d", None, 1.5, 3),
    "footway": ("#f08877", None, 1.2, 2), "path": ("#f08877", None, 1.2, 1.5),
    "cycleway": ("#6b6bf0", None, 1.2, 2), "steps": ("#f08877", None, 2.0, 2),
    "bridleway": ("#6fb06f", None, 1.2, 2), "construction": ("#ffffff", "#c2b9ac", 2.0, 6),
}
DEFAULT_ROAD = ("#ffffff", "#c2b9ac", 2.0, 6)


def road_band(scale: float) -> int:
    """Zoom band for road widths: they are recomputed when the zoom changes by √2."""
    return round(2 * math.log2(max(scale, 1e-9)))


@lru_cache(maxsize=None)
def road_pens(kind: str | None, band: int) -> tuple[QPen, QPen | None]:
    """(fill pen, casing pen or None) of a road of ``kind`` at zoom band ``band``."""
    key = (kind or "").removesuffix("_link")
    fill, casing, px, metres = ROAD_STYLES.get(key, DEFAULT_ROAD)
    if kind and kind.endswith("_link"):
        px, metres = max(1.5, px - 1.0), metres * 0.6
    width = max(px, metres * 2 ** (band / 2))
    if casing is None:  # paths stay lines: a 2 m footway drawn 8 px wide hides what is around it
        width = min(width, 2 * px)
    pen = cosmetic(fill, width)
    if key in ("footway", "path", "steps", "track", "bridleway"):
        pen.setStyle(Qt.DashLine)
    casing_pen = cosmetic(casing, width + (2.0 if width < 8 else 3.0)) if casing else None
    return pen, casing_pen


def widest_road_px(band: int) -> float:
    """The widest road pen (casing included) at zoom band ``band``: how far outside the view a road
    can still reach into it."""
    return max(max(p.widthF() for p in road_pens(kind, band) if p is not None) for kind in ROAD_STYLES)


@lru_cache(maxsize=None)
def walk_pen(drawn: bool, closed: bool) -> QPen:
    if closed:  # not walkable / barrier: the walking graph skips it
        return cosmetic("#d32f2f", 1.5, Qt.DashLine)
    if drawn:  # the planner's own paths: stronger than the imported network
        return cosmetic("#6a3fa0", 2.2)
    return cosmetic(with_alpha("#7b5ea7", 150), 1.0)


# --- one feature's look ---------------------------------------------------------------------------
def polygon_style(feature, catalogue) -> tuple[QPen, QBrush]:
    """(pen, brush) of an area feature: a facility in its type's catalogue colour (dashed outline
    when planned), a base-map area by its kind."""
    a = feature.attributes
    if feature.layer == FACILITIES:
        code = a.get("type")
        colour = catalogue.types[code].colour if code in catalogue.types else None
        return area_style(FACILITIES, None, colour, a.get("status") != "existing")
    return area_style(feature.layer, a.get("kind"))


def path_pen(feature) -> QPen:
    """A walking path: closed or not walkable ones dashed red, the planner's own stronger."""
    a = feature.attributes
    closed = bool(a.get("closed")) or a.get("walkable") is False
    return walk_pen(a.get("source") == "drawn", closed)


def icon_kind(feature) -> str:
    """Which symbol (``icon``) a point feature gets."""
    a = feature.attributes
    if feature.layer == ENTRANCES:
        door = "door" if a.get("kind") == "door" else "gate"
        return f"{door}_{'closed' if a.get('open') is False else 'open'}"
    if feature.layer == STOPS:
        return a.get("type") if a.get("type") in ("bus_stop", "metro_station") else "stop"
    return "comment"


# --- overlays and tools -------------------------------------------------------------------------
SELECTION_PEN = cosmetic("#0a84ff", 3.0)
SELECTION_BRUSH = QBrush(with_alpha("#0a84ff", 40))
HIGHLIGHT_PEN = cosmetic("#e000a8", 3.5)
HIGHLIGHT_BRUSH = QBrush(with_alpha("#e000a8", 45))
WALK_OUTSIDE_PEN = cosmetic("#c62828", 1.5)
WALK_OUTSIDE_BRUSH = QBrush(with_alpha("#e53935", 110), Qt.BDiagPattern)
WALK_OUTSIDE_FILL = QBrush(with_alpha("#e53935", 60))
WALK_REACHABLE_PEN = cosmetic(with_alpha("#2e7d32", 200), 5.0)
RUBBER_PEN = cosmetic("#ff6f00", 2.0)
RUBBER_BAD_PEN = cosmetic("#d50000", 2.0, Qt.DashLine)
RUBBER_BRUSH = QBrush(with_alpha("#ff9800", 50))
RUBBER_BAD_BRUSH = QBrush(with_alpha("#ff1744", 40))
VERTEX_COLOUR = "#ff6f00"
SNAP_COLOUR = "#e91e63"
MEASURE_PEN = cosmetic("#1565c0", 2.0, Qt.DashLine)
RULE_MET = "#1b7f3b"
RULE_NOT_MET = "#c62828"
RULE_NONE = "#263238"
OVERLAY_BOX = QColor(255, 255, 255, 200)      # behind the scale bar, north arrow and credit line
OVERLAY_INK = "#222222"
CREDIT_INK = "#333333"
# The text of the scale bar and the credit line, in pixels; a look may set its own
# (``OVERLAY_FONT_PX``: the workshop's reads from the back of a room, issue 13 review item 8).
OVERLAY_FONT_PX = {"scale": 11, "credit": 11}
CURSOR_LABEL_BOX = QColor(255, 255, 255, 230)
HALO_PEN = QPen(QColor(255, 255, 255, 235), 3.2, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)  # around label text


# --- text ---------------------------------------------------------------------------------------
# Chinese must render on a fresh Linux machine (design.md §6): name the common CJK families first;
# Qt's fallback covers the rest.
FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
                 "PingFang SC", "Noto Sans", "DejaVu Sans", "sans-serif"]


@lru_cache(maxsize=None)
def font(pixel_size: int = 12, bold: bool = False, italic: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPixelSize(pixel_size)
    f.setBold(bold)
    f.setItalic(italic)
    f.setStyleStrategy(QFont.PreferAntialias)
    return f


DEFAULT_LABEL_STYLE = (11, False, False, "#333333")
LABEL_STYLES = {  # layer: (pixel size, bold, italic, colour)
    FACILITIES: (13, True, False, "#1d1d1f"),
    RESIDENTIAL: (12, False, True, "#6d4c1f"),
    PLANNING_UNITS: (14, True, False, "#3d4f66"),
    STOPS: (11, False, False, "#0d47a1"),
    BASEMAP_ROADS: (11, False, False, "#4a4a4a"),
    BASEMAP_BUILDINGS: (10, False, False, "#5d5550"),
    BASEMAP_LANDUSE: (11, False, True, "#3c7a3c"),
    BASEMAP_WATER: (11, False, True, "#2c6d8c"),
    WALK_NETWORK: (10, False, False, "#4a3470"),
}


# --- point symbols ------------------------------------------------------------------------------
def _device_pixel_ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return screen.devicePixelRatio() if screen else 1.0


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    dpr = _device_pixel_ratio()
    pix = QPixmap(round(size * dpr), round(size * dpr))
    pix.setDevicePixelRatio(dpr)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    return pix, p


@lru_cache(maxsize=None)
def icon(kind: str) -> QPixmap:
    """The symbol of a point feature: ``gate_open``, ``gate_closed``, ``door_open``, ``door_closed``,
    ``bus_stop``, ``metro_station``, ``stop``, ``comment``. Open and closed gates differ in shape
    (circle / square with a bar) as well as colour, for colour-blind readers and grey printouts."""
    if kind in ("gate_open", "door_open"):
        size = 14 if kind == "gate_open" else 12
        pix, p = _canvas(size)
        p.setPen(QPen(QColor("white"), 2))
        p.setBrush(QColor("#2e7d32"))
        p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
        p.end()
        return pix
    if kind in ("gate_closed", "door_closed"):
        size = 14 if kind == "gate_closed" else 12
        pix, p = _canvas(size)
        p.setPen(QPen(QColor("white"), 2))
        p.setBrush(QColor("#c62828"))
        p.drawRect(QRectF(1.5, 1.5, size - 3, size - 3))
        p.setPen(QPen(QColor("white"), 2.2))
        p.drawLine(QPointF(4, size / 2), QPointF(size - 4, size / 2))
        p.end()
        return pix
    if kind in ("bus_stop", "metro_station", "stop"):
        size = 18
        pix, p = _canvas(size)
        colour, letter = {"bus_stop": ("#1565c0", "B"), "metro_station": ("#d32f2f", "M")}.get(kind, ("#546e7a", "S"))
        p.setPen(QPen(QColor("white"), 1.5))
        p.setBrush(QColor(colour))
        if kind == "metro_station":
            p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
        else:
            p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 4, 4)
        p.setPen(QColor("white"))
        p.setFont(font(11, bold=True))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, letter)
        p.end()
        return pix
    size = 16  # comment pin
    pix, p = _canvas(size)
    path = QPainterPath()
    path.addEllipse(QRectF(2, 1, 12, 12))
    p.setPen(QPen(QColor("#5d4037"), 1.2))
    p.setBrush(QColor("#fbc02d"))
    p.drawPolygon(QPolygonF([QPointF(5, 10), QPointF(11, 10), QPointF(8, 15.5)]))
    p.drawPath(path)
    p.end()
    return pix


# --- CAD drawings (basemap_cad) -------------------------------------------------------------------
# A drafting grey, thin: the drawing is a reference under the plan, not part of it.
CAD_PEN = cosmetic("#7a7f87", 1.0)
CAD_TEXT_COLOUR = "#5f6670"
CAD_TEXT_FONT = (10, False, False)   # pixel size, bold, italic
CAD_TEXT_MIN_SCALE = 1.0             # px per metre: a building's "18#楼" is legible from about 1:2000
CAD_TEXT_MAX = 2000                  # texts painted per render at most (a dense drawing stays fast)


# --- looks --------------------------------------------------------------------------------------
def overlay_font(view, kind: str, bold: bool = False) -> QFont:
    """The font of the map overlay ``kind`` ("scale", "credit") in ``view``'s look."""
    sizes = getattr(look(view), "OVERLAY_FONT_PX", OVERLAY_FONT_PX)
    return font(sizes.get(kind, OVERLAY_FONT_PX[kind]), bold)


def look(view):
    """How ``view`` (a MapView, or the report's PrintCanvas) draws: its ``map_look`` when it has
    one — an object with this module's style names (``area_style``, ``road_pens``,
    ``widest_road_px``, ``polygon_style``, ``path_pen``, ``icon``, ``LABEL_STYLES``,
    ``DEFAULT_LABEL_STYLE``, ``FACILITY_LABEL_FIT``), such as the workshop's high-contrast look
    (ui/workshop/style.py) — else this module's own, the editing look."""
    return getattr(view, "map_look", None) or sys.modules[__name__]

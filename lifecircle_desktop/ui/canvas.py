"""The map canvas: a ``QGraphicsView`` over the plan, in plan metres with y up (design.md §6).

What it is:
- scenes in the plan's metric CRS; the view's transform flips y (scale s, -s), so north is up
  and items hold plain plan coordinates; labels and point symbols ignore the transform and stay
  upright and the same size at every zoom;
- one native graphics item per area or line feature (``QGraphicsPolygonItem`` for simple
  polygons, ``QGraphicsPathItem`` otherwise), built from shapely's coordinate arrays written
  straight into ``QPolygonF`` memory; painting stays in C++;
- the read-only base map (buildings, land use, water, roads) lives in a second scene that is
  rendered into the view's cached background: Qt keeps that pixmap across repaints and scrolls,
  so a rubber band moving over 20k buildings repaints a pixmap and a few items, and a pan only
  paints the strip that comes into view. The plan's own layers are items of the shown scene;
- labels and point symbols are "marks": created only when their level of detail is reached and
  they are near the view, so the scene never iterates thousands of hidden, untransformed items;
- scale bar, north arrow, data credits and the tools' cursor feedback are drawn in viewport
  coordinates in ``drawForeground``.

What it is not: an editor. The canvas never changes the plan. Tools emit edit objects through
``editRequested``; the main window pushes them on the undo stack and calls ``refresh(changes)``
with the ChangeSet, and the canvas rebuilds the items of exactly those ids.

Speed (design.md §8: a mouse move over 20k polygons ≤ 1 ms): a move never touches the scenes'
items — no hover events, no item cursors, no ``items()`` calls; picking and snapping ask the
Qt-free STRtree index (model/snapping.py). Both scenes keep Qt's BSP index for painting: a
repaint of a small area finds only the items under it.
"""
from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pyqtgraph.functions as pgfn
import shapely
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF, QTransform)
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QGraphicsPixmapItem,
                               QGraphicsPolygonItem, QGraphicsScene, QGraphicsView, QMenu, QMessageBox)

from ..model.catalogue import Catalogue
from ..model.edits import Batch, DeleteFeature
from ..model.plan import ChangeSet, Feature, Plan
from ..model.schema import LAYERS
from ..model.snapping import SnapResult, Snapper
from . import styles
from .tools import TOOLS, MapEvent, MapTool
from .tools import text as _text
from .tools.text import translate

Key = tuple[str, int]

MAX_SCALE = 400.0          # px per metre: 2.5 mm per pixel
ZOOM_STEP = 1.25           # per wheel notch
PICK_TOLERANCE_PX = 6      # clicking a feature
EDITABLE_SELECTABLE = ("comments", "entrances", "stops", "facilities", "walk_network", "residential",
                       "planning_units")
OSM_CREDIT = "© OpenStreetMap contributors"  # ODbL attribution: not translated
HALO_PEN = QPen(QColor(255, 255, 255, 235), 3.2, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)


# --- building graphics items from shapely arrays ------------------------------------------------
def _qpolygon(coords: np.ndarray) -> QPolygonF:
    """A QPolygonF holding ``coords`` (n×2 float64), written straight into its memory."""
    poly = pgfn.create_qpolygonf(len(coords))
    if len(coords):
        pgfn.ndarray_from_qpolygonf(poly)[:] = coords
    return poly


def _path(geom) -> QPainterPath:
    """Any (multi)polygon or (multi)line as one painter path; holes by the odd-even rule."""
    path = QPainterPath()
    path.setFillRule(Qt.OddEvenFill)
    for part in shapely.get_parts(geom):
        kind = part.geom_type
        if kind == "Polygon":
            for ring in shapely.get_rings(part):
                path.addPolygon(_qpolygon(shapely.get_coordinates(ring)))
                path.closeSubpath()
        elif kind in ("LineString", "LinearRing"):
            path.addPolygon(_qpolygon(shapely.get_coordinates(part)))
    return path


def shape_items(geoms: np.ndarray) -> list[QGraphicsItem | None]:
    """One native item per geometry (None for points and empties), vectorised where it counts:
    the coordinates of all simple polygons (and of all simple lines) come from one shapely call."""
    n = len(geoms)
    out: list[QGraphicsItem | None] = [None] * n
    if not n:
        return out
    types = np.where(shapely.is_empty(geoms), -1, shapely.get_type_id(geoms))
    simple_poly = (types == 3) & (shapely.get_num_interior_rings(geoms) == 0)
    simple_line = types == 1
    for mask, make in ((simple_poly, QGraphicsPolygonItem), (simple_line, None)):
        idx = np.flatnonzero(mask)
        if not len(idx):
            continue
        # A polygon without holes has only its exterior's coordinates: no ring objects needed.
        coords, owner = shapely.get_coordinates(geoms[idx], return_index=True)
        bounds = np.searchsorted(owner, np.arange(len(idx) + 1))
        for k, (s, e) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
            poly = _qpolygon(coords[s:e])
            if make is not None:
                out[idx[k]] = QGraphicsPolygonItem(poly)
            else:
                path = QPainterPath()
                path.addPolygon(poly)
                out[idx[k]] = QGraphicsPathItem(path)
    for i in np.flatnonzero(~(simple_poly | simple_line) & (types != 0) & (types != 4) & (types != -1)):
        out[i] = QGraphicsPathItem(_path(geoms[i]))
    return out


class LabelItem(QGraphicsItem):
    """Text with a white halo, upright and the same size at every zoom, centred on its position.

    Cached as a device pixmap: painting text outlines costs ~1 ms a label, a blit microseconds,
    and an item that ignores the view transform keeps its cache through zooms."""

    def __init__(self, text: str, font, colour: str, angle: float = 0.0):
        super().__init__()
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.text, self._font, self._colour = text, font, QColor(colour)
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(text), fm.height()
        self._origin = QPointF(-w / 2, -h / 2 + fm.ascent())
        self._rect = QRectF(-w / 2 - 3, -h / 2 - 3, w + 6, h + 6)
        self._halo = QPainterPath()
        self._halo.addText(self._origin, font, text)
        if angle:
            self.setRotation(angle)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.strokePath(self._halo, HALO_PEN)
        painter.setFont(self._font)
        painter.setPen(self._colour)
        painter.drawText(self._origin, self.text)


@dataclass
class Mark:
    """A label or point symbol: exists as an item only while its zoom is reached and it is near
    the view (see ``MapCanvas._update_marks``)."""
    layer: str
    x: float
    y: float
    min_scale: float
    make: Callable[[], QGraphicsItem]
    item: QGraphicsItem | None = None


def _guarded(handler):
    """An exception in an event handler goes to ``sys.excepthook`` (the app's error report;
    pytest-qt fails the test) instead of through shiboken's override-error path, which in
    PySide 6.11 can crash the process on some exceptions."""
    @functools.wraps(handler)
    def wrapper(self, *args):
        try:
            return handler(self, *args)
        except Exception:
            sys.excepthook(*sys.exc_info())
    return wrapper


def _text_width(text: str, font) -> float:
    return QFontMetricsF(font).horizontalAdvance(text) + 8


class MapCanvas(QGraphicsView):
    """The editable map. See the module docstring; the public API is the methods without a
    leading underscore above the "for tools" section, and the signals."""

    editRequested = Signal(object)      # an edit object (AddFeature, ChangeGeometry, …, Batch)
    selectionChanged = Signal(list)     # [(layer, fid), …]
    cursorMoved = Signal(float, float)  # plan metres
    statusMessage = Signal(str)
    drawingChanged = Signal()           # a drawing started, changed or ended
    toolChanged = Signal(str)           # the active tool (Esc returns to "select")

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.plan: Plan | None = None
        self.scenario = "base"
        self.snapper = Snapper()
        self._scene, self._base = self._new_scenes()
        self.setScene(self._scene)
        # The base map is painted once into the view's background pixmap (drawBackground), which
        # Qt keeps across repaints and scrolls: a rubber band moving over 20k buildings then
        # repaints a pixmap and a few items, not 20k polygons.
        self.setCacheMode(QGraphicsView.CacheBackground)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setTransformationAnchor(QGraphicsView.NoAnchor)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.NoFrame)
        self.setDragMode(QGraphicsView.NoDrag)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setViewportUpdateMode(QGraphicsView.MinimalViewportUpdate)

        self._scale = 1.0
        self._auto_fit = True       # refit on resize until the user navigates
        self._fit_bounds = None
        self._shapes: dict[str, dict[int, QGraphicsItem]] = {n: {} for n in LAYERS}
        self._marks: dict[str, dict[int, list[Mark]]] = {n: {} for n in LAYERS}
        self._visible: dict[str, bool] = {n: True for n in LAYERS}
        self._lod_hidden: set[str] = set()
        self._selection: list[Key] = []
        self._selection_items: dict[Key, QGraphicsItem] = {}
        self._highlight: list[Key] = []
        self._highlight_items: dict[Key, QGraphicsItem] = {}
        self._walk_items: list[QGraphicsItem] = []
        self._walk_args = None
        self._offset_keys: list[Key] = []
        self._credits: list[str] = []
        self._facility_type: str | None = None
        self._target_layer = "facilities"
        self._area_rule: Callable | None = None
        self._area_rule_cache: dict[str, tuple] = {}
        self._snapping = False
        self._snap_px = 10
        self._snap: SnapResult | None = None
        self._cursor_pos: QPointF | None = None
        self._overlay_dirty = QRect()
        self._pan_from: QPointF | None = None
        self._space_down = False
        self._menu = None
        self._marks_timer = QTimer(self)
        self._marks_timer.setSingleShot(True)
        self._marks_timer.setInterval(40)
        self._marks_timer.timeout.connect(self._update_marks)
        self._tool: MapTool = TOOLS["select"](self)
        self._bulk = False
        self._casings: dict[int, QGraphicsItem] = {}
        self._road_band = styles.road_band(1.0)
        self._label_fm = QFontMetricsF(styles.font(12, True))
        self._label_size: tuple[tuple, float, float] = ((), 0.0, 0.0)
        self._char_widths: dict[str, float] = {}
        self.setTransform(QTransform(1, 0, 0, -1, 0, 0))
        self._scene.setSceneRect(-1000, -1000, 2000, 2000)

    def _new_scenes(self) -> tuple[QGraphicsScene, QGraphicsScene]:
        """The scene of the plan's own layers (shown) and the base-map scene (rendered into the
        cached background). Both use a BSP index: repainting an area finds its items fast."""
        scene, base = QGraphicsScene(self), QGraphicsScene(self)
        for sc in (scene, base):
            sc.setItemIndexMethod(QGraphicsScene.BspTreeIndex)
        return scene, base

    # ================================================================================ public API
    def set_plan(self, plan: Plan, scenario: str = "base") -> None:
        """Show ``plan`` (its base map and the features of ``scenario``) and fit it in the view."""
        self._tool.deactivate()
        self.plan, self.scenario = plan, scenario
        # Fresh scenes: QGraphicsScene.clear() on 20k indexed items takes seconds, and the reused
        # index stays slow; dropping the index first makes deleting the old scenes cheap.
        old = (self._scene, self._base)
        rect = self._scene.sceneRect()
        self._scene, self._base = self._new_scenes()
        self._scene.setSceneRect(rect)
        self.setScene(self._scene)
        for sc in old:
            sc.setItemIndexMethod(QGraphicsScene.NoIndex)
            sc.deleteLater()
        self._shapes = {n: {} for n in LAYERS}
        self._casings = {}
        self._marks = {n: {} for n in LAYERS}
        self._selection, self._selection_items = [], {}
        self._highlight, self._highlight_items = [], {}
        self._walk_items, self._walk_args = [], None
        self._lod_hidden = set()
        self.snapper.clear()
        self._bulk = True
        try:
            for layer in LAYERS:
                self._build_layer(layer)
        finally:
            self._bulk = False
        self._base_changed()
        bounds = plan.bounds()
        self._set_scene_rect(bounds)
        self._credits = self._plan_credits()
        self._tool = TOOLS[self._tool.name](self)
        self._tool.activate()
        self.fit_plan()
        self.selectionChanged.emit([])
        self.drawingChanged.emit()

    def refresh(self, changes: ChangeSet) -> None:
        """Rebuild the items of the ids in ``changes`` (after an edit, an undo or a redo)."""
        if self.plan is None or not changes:
            return
        grew = None
        for layer in changes.layers():
            if layer not in LAYERS:
                continue
            for fid in changes.touched(layer):
                self._remove_feature(layer, fid)
                feature = self.feature((layer, fid))
                if feature is not None and self._in_scenario(feature):
                    self._add_feature(feature)
                    self.snapper.update(layer, fid, feature.geometry)
                    b = feature.geometry.bounds
                    grew = b if grew is None else (min(grew[0], b[0]), min(grew[1], b[1]),
                                                   max(grew[2], b[2]), max(grew[3], b[3]))
                else:
                    self.snapper.update(layer, fid, None)
        if grew is not None and not self.sceneRect().contains(QRectF(grew[0], grew[1], grew[2] - grew[0],
                                                                      grew[3] - grew[1])):
            self._set_scene_rect(grew, grow=True)
        alive = [k for k in self._selection if self._exists(k)]
        touched = {(l, f) for l in changes.layers() for f in changes.touched(l)}
        if alive != self._selection or touched & set(self._selection):
            self._set_selection(alive, emit=alive != self._selection)
        if touched & set(self._highlight):
            self.highlight([k for k in self._highlight if self._exists(k)])
        if self._walk_args is not None and touched:
            self.show_walk_overlay(*self._walk_args)
        if OSM_CREDIT not in self._credits:
            self._credits = self._plan_credits(
                f for f in (self.feature((l, fid)) for l in changes.layers() if l in LAYERS
                            for fid in changes.touched(l)) if f is not None)
        self._tool.on_refresh(changes)
        self._update_marks()

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        self._visible[layer] = bool(visible)
        self._apply_layer_visibility(layer)
        self._update_marks()

    def is_layer_visible(self, layer: str) -> bool:
        return self._visible.get(layer, False)

    def layer_names(self) -> list[str]:
        """The layers the canvas draws, top of the stack first (as a layers panel lists them)."""
        return list(styles.LAYER_ORDER)

    def set_tool(self, name: str) -> bool:
        """Make ``name`` the active tool (see ``tools.TOOLS``). Leaving a drawing with enough
        vertices asks first, like Esc; False if the planner chose to keep drawing."""
        if name not in TOOLS:
            raise ValueError(f"unknown map tool {name!r}; known: {', '.join(TOOLS)}")
        if self._tool.is_drawing() and not self._tool.leave():
            return False
        self._tool.deactivate()
        self._tool = TOOLS[name](self)
        self._tool.activate()
        self.viewport().setCursor(self._tool.cursor)
        self._snap = None
        self._refresh_cursor_overlay()
        self.toolChanged.emit(name)
        self.drawingChanged.emit()
        return True

    def tool(self) -> str:
        return self._tool.name

    def is_drawing(self) -> bool:
        return self._tool.is_drawing()

    def set_current_facility_type(self, code: str | None) -> None:
        self._facility_type = code

    def current_facility_type(self) -> str | None:
        return self._facility_type

    def set_target_layer(self, layer: str) -> None:
        """Where the polygon and rectangle tools put what they draw: "facilities" (default),
        "residential" (homes) or "planning_units". Point layers raise ValueError: stops are placed
        with the "stop" tool (the type set by ``set_current_facility_type``)."""
        if layer not in ("facilities", "residential", "planning_units"):
            raise ValueError(f"cannot draw polygons on layer {layer!r}")
        self._target_layer = layer

    def target_layer(self) -> str:
        return self._target_layer

    def set_snapping(self, enabled: bool, tolerance_px: int = 10) -> None:
        """Snap drawn and edited vertices to the vertices and edges of every visible layer within
        ``tolerance_px`` screen pixels (converted to metres at each event)."""
        self._snapping, self._snap_px = bool(enabled), max(1, int(tolerance_px))
        if enabled:
            self.snapper.prepare(self.snap_layers())  # build now, not on the first move
        else:
            self._snap = None
            self._refresh_cursor_overlay()

    def snapping(self) -> tuple[bool, int]:
        return self._snapping, self._snap_px

    def set_area_rule(self, fn: Callable[[str], tuple[float | None, float | None]] | None) -> None:
        """``fn(type_code) -> (min_floor_area, min_land_area)`` (either may be None): shown live
        while a facility is drawn."""
        self._area_rule, self._area_rule_cache = fn, {}

    def set_language(self, language: str) -> None:
        """"zh" or "en": labels (facility type names) and the canvas's messages."""
        _text.set_language(language)
        if self.plan is not None:
            for layer in LAYERS:
                for fid in list(self._marks[layer]):
                    self._remove_marks(layer, fid)
                    feature = self.feature((layer, fid))
                    if feature is not None:
                        self._add_marks(feature)
            self._update_marks()
        self._tool.activate()
        self.viewport().update()

    def language(self) -> str:
        return _text.language()

    def plan_extent(self) -> tuple[float, float, float, float] | None:
        """What the planner works on: the planning units, else the homes and facilities, else
        everything. A base-map river or road can run for kilometres beyond the community (the
        Siping demo's did), which made the opening view a thumbnail."""
        if self.plan is None:
            return None
        for layers in (("planning_units",), ("residential", "facilities", "stops")):
            geoms = [f.geometry for layer in layers for f in self.plan.features(layer, self.scenario)]
            if geoms:
                xmin, ymin, xmax, ymax = (float(v) for v in shapely.total_bounds(geoms))
                pad = max(20.0, 0.04 * max(xmax - xmin, ymax - ymin))
                return xmin - pad, ymin - pad, xmax + pad, ymax + pad
        return self.plan.bounds()

    def fit_plan(self) -> None:
        bounds = self.plan_extent()
        if bounds is None:
            r = self.sceneRect()
            bounds = (r.center().x() - 500, r.center().y() - 500, r.center().x() + 500, r.center().y() + 500)
        self._fit(bounds)
        self._auto_fit = True

    def zoom_to(self, features: Iterable[Key]) -> None:
        geoms = [f.geometry for f in (self.feature(tuple(k)) for k in features) if f is not None]
        if not geoms:
            return
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        pad = max(30.0, 0.15 * max(xmax - xmin, ymax - ymin))
        self._fit((xmin - pad, ymin - pad, xmax + pad, ymax + pad))

    def zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the map point under ``at`` (viewport pixels; default the
        centre) where it is."""
        at = QPointF(self.viewport().rect().center()) if at is None else QPointF(at)
        self._zoom_at(at, self._scale * factor)

    def scale_factor(self) -> float:
        """Current zoom in screen pixels per plan metre."""
        return self._scale

    def selection(self) -> list[Key]:
        return list(self._selection)

    def set_selection(self, keys: Iterable[Key]) -> None:
        self._set_selection([k for k in keys if self._exists(k)], emit=True)

    def delete_selection(self) -> None:
        """Ask for the selected features (and the entrances attached to them) to be deleted."""
        if self._selection:
            self.request_edit(self.delete_edit(self._selection))

    def highlight(self, features: list[Key]) -> None:
        """Outline ``features`` (e.g. those of a finding) until ``clear_highlight``."""
        for item in self._highlight_items.values():
            self._scene.removeItem(item)
        self._highlight = [tuple(k) for k in features]
        self._highlight_items = {}
        for key in self._highlight:
            item = self.overlay_item(key, styles.HIGHLIGHT_PEN, styles.HIGHLIGHT_BRUSH, styles.HIGHLIGHT_Z)
            if item is not None:
                self._highlight_items[key] = item

    def clear_highlight(self) -> None:
        self.highlight([])

    def show_walk_overlay(self, outside_home_fids: Iterable[int], reachable_lines) -> None:
        """Shade the residential features beyond a walking limit and draw the reachable part of
        the network thick. ``reachable_lines``: walk_network fids, or shapely (multi)lines."""
        self.clear_walk_overlay()
        outside = list(outside_home_fids)
        lines = reachable_lines if reachable_lines is not None else []
        if isinstance(lines, shapely.Geometry):
            lines = [lines]
        lines = list(lines)
        self._walk_args = (outside, lines)
        for fid in outside:
            for brush in (styles.WALK_OUTSIDE_FILL, styles.WALK_OUTSIDE_BRUSH):
                item = self.overlay_item(("residential", fid), styles.WALK_OUTSIDE_PEN, brush, styles.WALK_OVERLAY_Z)
                if item is not None:
                    self._walk_items.append(item)
        geoms = []
        for line in lines:
            if isinstance(line, shapely.Geometry):
                geoms.append(line)
            elif self.feature(("walk_network", int(line))) is not None:
                geoms.append(self.feature(("walk_network", int(line))).geometry)
        # One item per line (not one huge path): a repaint of a small area then strokes only the
        # lines under it, even with 10^4 reachable edges.
        for item in shape_items(np.array(geoms, dtype=object)):
            if item is not None:
                item.setPen(styles.WALK_REACHABLE_PEN)
                item.setZValue(styles.WALK_OVERLAY_Z + 1)
                self._scene.addItem(item)
                self._walk_items.append(item)

    def clear_walk_overlay(self) -> None:
        for item in self._walk_items:
            self._scene.removeItem(item)
        self._walk_items, self._walk_args = [], None

    # ============================================================ for tools (ui/tools/*.py)
    def request_edit(self, edit) -> None:
        self.editRequested.emit(edit)

    def status(self, message: str) -> None:
        self.statusMessage.emit(message)

    def metres(self, pixels: float) -> float:
        """A screen distance in plan metres at the current zoom."""
        return pixels / self._scale

    def to_view(self, xy) -> QPointF:
        return self.viewportTransform().map(QPointF(xy[0], xy[1]))

    def feature(self, key: Key) -> Feature | None:
        if self.plan is None:
            return None
        layer, fid = key
        if layer not in LAYERS or not self.plan.has_feature(layer, fid):
            return None
        return self.plan.feature(layer, fid)

    def editable_layers(self, kinds: tuple[str, ...] | None = None) -> list[str]:
        """Visible editable layers, top first; ``kinds`` filters by geometry ("POLYGON", …)."""
        return [l for l in EDITABLE_SELECTABLE if self._visible[l]
                and (kinds is None or LAYERS[l].geometry in kinds)]

    def features_at(self, xy, layers: Iterable[str] | None = None, tolerance_px: float = PICK_TOLERANCE_PX) -> list[Key]:
        layers = self.editable_layers() if layers is None else [l for l in layers if self._visible.get(l)]
        return self.snapper.features_at(xy, self.metres(tolerance_px), layers)

    def snap_layers(self) -> list[str]:
        return [l for l in styles.LAYER_ORDER if self._visible[l] and l not in self._lod_hidden]

    def area_rule(self, code: str | None) -> tuple[float | None, float | None]:
        if self._area_rule is None or not code:
            return (None, None)
        if code not in self._area_rule_cache:
            try:
                self._area_rule_cache[code] = tuple(self._area_rule(code) or (None, None))
            except Exception:  # a rule lookup must never break drawing
                self._area_rule_cache[code] = (None, None)
        return self._area_rule_cache[code]

    def set_offset(self, keys: list[Key], dx: float, dy: float) -> None:
        """Show ``keys`` displaced by (dx, dy) metres (a drag in progress); (0, 0) resets."""
        self._offset_keys = list(keys) if (dx or dy) else []
        for key in keys:
            layer, fid = key
            item = self._shapes[layer].get(fid)
            if item is not None:
                item.setPos(dx, dy)
            for mark in self._marks[layer].get(fid, ()):
                if mark.item is not None:
                    mark.item.setPos(mark.x + dx, mark.y + dy)
            sel = self._selection_items.get(key)
            if sel is not None:
                base = sel.data(0)
                sel.setPos(*((base[0] + dx, base[1] + dy) if base else (dx, dy)))

    def attached_entrances(self, keys: Iterable[Key]) -> list[int]:
        owners = {k for k in keys if k[0] in ("residential", "facilities")}
        if not owners or self.plan is None:
            return []
        return [f.fid for f in self.plan.features("entrances", self.scenario)
                if (f.get("layer"), f.get("feature")) in owners]

    def delete_edit(self, keys: Iterable[Key]):
        """One edit deleting ``keys`` and the entrances attached to them."""
        keys = [k for k in keys if self._exists(k)]
        extra = [("entrances", fid) for fid in self.attached_entrances(keys) if ("entrances", fid) not in keys]
        edits = tuple(DeleteFeature.of(self.plan, l, f) for l, f in [*keys, *extra])
        return edits[0] if len(edits) == 1 else Batch(edits, translate("MapCanvas", "Delete"))

    def ask_unfinished(self, kind: str, count: int) -> str:
        """Esc on a drawing that could be finished: "finish", "discard" or "keep" (design.md §6:
        Esc must not silently destroy a polygon being drawn)."""
        if kind == "polygon":
            title = translate("MapCanvas", "Unfinished polygon")
            text = translate("MapCanvas", "The polygon has {n} vertices. Finish it, discard it, or keep drawing?")
        else:
            title = translate("MapCanvas", "Unfinished path")
            text = translate("MapCanvas", "The path has {n} points. Finish it, discard it, or keep drawing?")
        box = QMessageBox(QMessageBox.Question, title, text.format(n=count),
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.button(QMessageBox.Save).setText(translate("MapCanvas", "Finish"))
        box.button(QMessageBox.Discard).setText(translate("MapCanvas", "Discard"))
        box.button(QMessageBox.Cancel).setText(translate("MapCanvas", "Keep drawing"))
        box.setDefaultButton(QMessageBox.Save)
        box.setEscapeButton(QMessageBox.Cancel)  # a second Esc keeps the drawing
        answer = box.exec()
        clicked = box.standardButton(box.clickedButton()) if box.clickedButton() is not None else None
        choice = QMessageBox.StandardButton(answer) if clicked in (None, QMessageBox.NoButton) else clicked
        return {QMessageBox.Save: "finish", QMessageBox.Discard: "discard"}.get(choice, "keep")

    def popup_menu(self, entries: list[tuple[str, Callable[[], None]]], pos: QPointF) -> None:
        """A small non-modal context menu at ``pos`` (viewport pixels)."""
        if self._menu is not None:
            self._menu.close()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # else every right-click leaks a menu
        for label, action in entries:
            menu.addAction(label).triggered.connect(lambda *_, a=action: a())
        menu.popup(self.viewport().mapToGlobal(pos.toPoint()))
        self._menu = menu
        menu.destroyed.connect(lambda *_: setattr(self, "_menu", None) if self._menu is menu else None)

    def refresh_cursor_overlay(self) -> None:
        self._refresh_cursor_overlay()

    def show_snap(self, hit: SnapResult | None) -> None:
        """Show the snap marker at ``hit`` (tools that snap on their own, like the entrance tool)."""
        self._snap = hit

    # ================================================================================ events
    def _map_event(self, event, snap: bool) -> MapEvent:
        pos = event.position()
        p = self.mapToScene(pos.toPoint())  # whole pixels, as QGIS: sub-pixel input adds nothing
        xy = (p.x(), p.y())
        hit = None
        if snap and self._snapping and self.plan is not None:
            hit = self.snapper.snap(xy, self.metres(self._snap_px), self.snap_layers(),
                                    exclude=self._tool.snap_exclude())
        return MapEvent(xy, pos, event.button(), event.buttons(), event.modifiers(), hit)

    @property
    def _inverse(self) -> QTransform:
        return self.viewportTransform().inverted()[0]

    @_guarded
    def mousePressEvent(self, event) -> None:
        self.setFocus(Qt.MouseFocusReason)
        if event.button() == Qt.MiddleButton or (
                event.button() == Qt.LeftButton and (self._space_down or self._tool.name == "pan")):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.ClosedHandCursor)
            return
        ev = self._map_event(event, self._tool.snaps)
        if event.button() == Qt.RightButton:
            self._tool.context_menu(ev)
            return
        self._tool.press(ev)

    @_guarded
    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            pos = event.position()
            self._pan_pixels(pos.x() - self._pan_from.x(), pos.y() - self._pan_from.y())
            self._pan_from = pos
            return
        ev = self._map_event(event, self._tool.snaps)
        self.cursorMoved.emit(ev.xy[0], ev.xy[1])
        self._snap = ev.snap
        self._cursor_pos = ev.pos
        self._tool.move(ev)
        self._refresh_cursor_overlay()

    @_guarded
    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None and event.button() in (Qt.MiddleButton, Qt.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(Qt.OpenHandCursor if self._space_down else self._tool.cursor)
            return
        ev = self._map_event(event, self._tool.snaps)
        self._tool.release(ev)

    @_guarded
    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() != Qt.LeftButton or self._space_down or self._tool.name == "pan":
            return
        self._tool.double_click(self._map_event(event, self._tool.snaps))

    def contextMenuEvent(self, event) -> None:
        event.accept()  # right-clicks are the tools' business (mousePressEvent)

    @_guarded
    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y() or event.pixelDelta().y()
        if not delta:
            return
        self._zoom_at(event.position(), self._scale * ZOOM_STEP ** (delta / 120.0))
        event.accept()

    @_guarded
    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key == Qt.Key_Space:
            if not event.isAutoRepeat():
                self._space_down = True
                self.viewport().setCursor(Qt.OpenHandCursor)
            return
        if key == Qt.Key_Escape:
            if self._tool.escape():
                return
            if self._tool.name != "select":
                self.set_tool("select")
            elif self._selection:
                self._set_selection([], emit=True)
            return
        if key in (Qt.Key_Return, Qt.Key_Enter) and self._tool.finish():
            return
        if self._tool.key_press(event):
            return
        super().keyPressEvent(event)

    @_guarded
    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            if self._pan_from is None:
                self.viewport().setCursor(self._tool.cursor)
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self._space_down = False
        super().focusOutEvent(event)

    def leaveEvent(self, event) -> None:
        self._cursor_pos, self._snap = None, None
        self._refresh_cursor_overlay()
        super().leaveEvent(event)

    @_guarded
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_fit and self._fit_bounds is not None:
            self._fit(self._fit_bounds)
            self._auto_fit = True
        else:
            self._zoom_at(QPointF(self.viewport().rect().center()), self._scale)
        self._schedule_marks()

    @_guarded
    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        # The viewport was scrolled as pixels, overlays with it: repaint where they were and are.
        region = QRect()
        for rect in self._overlay_rects():
            region = region.united(rect).united(rect.translated(dx, dy))
        self.viewport().update(region)
        self._schedule_marks()

    # ============================================================================ navigation
    def _fit(self, bounds) -> None:
        xmin, ymin, xmax, ymax = bounds
        w, h = max(xmax - xmin, 1.0), max(ymax - ymin, 1.0)
        vw, vh = max(self.viewport().width(), 10), max(self.viewport().height(), 10)
        scale = 0.92 * min(vw / w, vh / h)
        self._fit_bounds = bounds
        self._set_view(scale, ((xmin + xmax) / 2, (ymin + ymax) / 2), QPointF(vw / 2, vh / 2))

    def _min_scale(self) -> float:
        r = self.sceneRect()
        vw, vh = max(self.viewport().width(), 10), max(self.viewport().height(), 10)
        return max(vw / max(r.width(), 1e-9), vh / max(r.height(), 1e-9))

    def _zoom_at(self, at: QPointF, scale: float) -> None:
        p = self._inverse.map(QPointF(at))
        self._set_view(scale, (p.x(), p.y()), at)
        self._auto_fit = False

    def _set_view(self, scale: float, scene_xy, at: QPointF) -> None:
        """Zoom to ``scale`` px/m with the map point ``scene_xy`` at viewport position ``at``."""
        old = self._scale
        scale = min(max(scale, self._min_scale()), MAX_SCALE)
        self._scale = scale
        self.setTransform(QTransform(scale, 0, 0, -scale, 0, 0))
        h = scale * scene_xy[0] - at.x()
        v = -scale * scene_xy[1] - at.y()
        self.horizontalScrollBar().setValue(round(h))
        self.verticalScrollBar().setValue(round(v))
        if scale != old:
            self._tool.on_view_changed()
            self._update_lod()
            self._restyle_roads()
        self._update_marks()
        self.viewport().update()

    def _pan_pixels(self, dx: float, dy: float) -> None:
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        hbar.setValue(hbar.value() - round(dx))
        vbar.setValue(vbar.value() - round(dy))
        self._auto_fit = False

    def _set_scene_rect(self, bounds, grow: bool = False) -> None:
        """Data bounds plus a margin as wide as the data: room to pan and zoom out around it, but
        not so much that the BSP index's cells grow coarse over empty space."""
        if bounds is None:
            r = self.sceneRect()
            bounds = (r.center().x() - 500, r.center().y() - 500, r.center().x() + 500, r.center().y() + 500)
        xmin, ymin, xmax, ymax = bounds
        margin = max(xmax - xmin, ymax - ymin, 1000.0)
        rect = QRectF(xmin - margin, ymin - margin, xmax - xmin + 2 * margin, ymax - ymin + 2 * margin)
        if grow:
            rect = rect.united(self.sceneRect())
        self._scene.setSceneRect(rect)
        self._base.setSceneRect(rect)

    # ================================================================================ items
    def _in_scenario(self, feature: Feature) -> bool:
        return not LAYERS[feature.layer].editable or feature.scenario == self.scenario

    def _exists(self, key: Key) -> bool:
        f = self.feature(key)
        return f is not None and self._in_scenario(f)

    def _style(self, feature: Feature):
        layer, a = feature.layer, feature.attributes
        if layer == "facilities":
            code = a.get("type")
            colour = self.catalogue.types[code].colour if code in self.catalogue.types else None
            return styles.area_style(layer, None, colour, a.get("status") != "existing")
        if layer == "basemap_roads":
            return styles.road_pens(a.get("kind"), self._road_band)[0], None
        if layer == "walk_network":
            closed = bool(a.get("closed")) or a.get("walkable") is False
            return styles.walk_pen(a.get("source") == "drawn", closed), None
        return styles.area_style(layer, a.get("kind"))

    def _build_layer(self, layer: str) -> None:
        spec = LAYERS[layer]
        feats = self.plan.features(layer, self.scenario if spec.editable else None)
        self.snapper.set_layer(layer, ((f.fid, f.geometry) for f in feats))
        if layer not in styles.POINT_LAYERS and feats:
            # The loop body is _place_shape inlined: it runs 20k times when a city opens.
            items = shape_items(np.array([f.geometry for f in feats], dtype=object))
            scene = self._scene if spec.editable else self._base
            z, fill = styles.LAYER_Z[layer], spec.geometry != "LINESTRING"
            hidden = not self._visible[layer] or layer in self._lod_hidden
            shapes, style = self._shapes[layer], self._style
            for f, item in zip(feats, items):
                if item is None:
                    continue
                pen, brush = style(f)
                item.setPen(pen)
                if fill and brush is not None:
                    item.setBrush(brush)
                item.setZValue(z)
                if hidden:
                    item.setVisible(False)
                scene.addItem(item)
                shapes[f.fid] = item
            if layer == "basemap_roads":
                for f in feats:
                    self._add_casing(f)
        self._add_marks_bulk(layer, feats)

    def _add_casing(self, feature: Feature) -> None:
        """The darker band under a road (a second item: Qt pens have no casing)."""
        item = self._shapes["basemap_roads"].get(feature.fid)
        casing_pen = styles.road_pens(feature.attributes.get("kind"), self._road_band)[1]
        if item is None or casing_pen is None:
            return
        casing = QGraphicsPathItem(item.path())
        casing.setPen(casing_pen)
        casing.setZValue(styles.ROAD_CASING_Z)
        casing.setVisible(item.isVisible())
        self._base.addItem(casing)
        self._casings[feature.fid] = casing

    def _restyle_roads(self) -> None:
        """Road widths follow the zoom band (real width once wider than the minimum)."""
        band = styles.road_band(self._scale)
        if band == self._road_band:
            return
        self._road_band = band
        if self.plan is None or not self._shapes["basemap_roads"]:
            return
        for fid, item in self._shapes["basemap_roads"].items():
            pen, casing_pen = styles.road_pens(self.plan.feature("basemap_roads", fid).attributes.get("kind"), band)
            item.setPen(pen)
            casing = self._casings.get(fid)
            if casing is not None and casing_pen is not None:
                casing.setPen(casing_pen)
        self._base_changed()

    def _place_shape(self, feature: Feature, item: QGraphicsItem) -> None:
        pen, brush = self._style(feature)
        item.setPen(pen)
        if brush is not None and LAYERS[feature.layer].geometry != "LINESTRING":
            item.setBrush(brush)
        item.setZValue(styles.LAYER_Z[feature.layer])
        if not self._visible[feature.layer] or feature.layer in self._lod_hidden:
            item.setVisible(False)
        if LAYERS[feature.layer].editable:
            self._scene.addItem(item)
        else:
            self._base.addItem(item)
            if not self._bulk:
                self._base_changed()
        self._shapes[feature.layer][feature.fid] = item

    def _add_feature(self, feature: Feature) -> None:
        if feature.layer not in styles.POINT_LAYERS:
            item = shape_items(np.array([feature.geometry], dtype=object))[0]
            if item is not None:
                self._place_shape(feature, item)
                if feature.layer == "basemap_roads":
                    self._add_casing(feature)
        self._add_marks(feature)

    def _remove_feature(self, layer: str, fid: int) -> None:
        item = self._shapes[layer].pop(fid, None)
        if item is not None:
            item.scene().removeItem(item)
            if layer == "basemap_roads" and fid in self._casings:
                self._base.removeItem(self._casings.pop(fid))
            if not LAYERS[layer].editable:
                self._base_changed()
        self._remove_marks(layer, fid)

    # --- labels and point symbols (marks) ----------------------------------------------------
    def label_text(self, feature: Feature) -> str:
        a = feature.attributes
        name = (a.get("name") or "").strip() if isinstance(a.get("name"), str) else ""
        if feature.layer == "facilities" and not name:
            code = a.get("type")
            if code in self.catalogue.types:
                return self.catalogue.types[code].name(_text.language())
            return code or ""
        return name

    def _icon_kind(self, feature: Feature) -> str:
        a = feature.attributes
        if feature.layer == "entrances":
            door = "door" if a.get("kind") == "door" else "gate"
            return f"{door}_{'closed' if a.get('open') is False else 'open'}"
        if feature.layer == "stops":
            return a.get("type") if a.get("type") in ("bus_stop", "metro_station") else "stop"
        return "comment"

    def _add_marks_bulk(self, layer: str, feats: list[Feature]) -> None:
        if not feats:
            return
        if layer in styles.POINT_LAYERS or layer == "facilities":
            for f in feats:
                self._add_marks(f)
        elif layer in styles.LABEL_MIN_SCALE:  # only named features get a label
            for f in feats:
                if f.attributes.get("name"):
                    self._add_marks(f)

    def _add_marks(self, feature: Feature) -> None:
        layer, geom = feature.layer, feature.geometry
        if geom is None or geom.is_empty:
            return
        marks: list[Mark] = []
        if layer in styles.POINT_LAYERS:
            pt = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
            pix = styles.icon(self._icon_kind(feature))

            def make_icon(pix=pix):
                item = QGraphicsPixmapItem(pix)
                item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
                item.setOffset(-pix.width() / pix.devicePixelRatio() / 2, -pix.height() / pix.devicePixelRatio() / 2)
                item.setZValue(styles.LAYER_Z[layer])
                item.setAcceptedMouseButtons(Qt.NoButton)
                return item
            marks.append(Mark(layer, pt.x, pt.y, styles.ICON_MIN_SCALE.get(layer, 0.0), make_icon))
        text = self.label_text(feature) if layer in styles.LABEL_MIN_SCALE else ""
        if text:
            size, bold, italic, colour = styles.LABEL_STYLES.get(layer, (11, False, False, "#333333"))
            font = styles.font(size, bold, italic)
            width = _text_width(text, font)
            angle = 0.0
            if geom.geom_type in ("LineString", "MultiLineString"):
                line = geom if geom.geom_type == "LineString" else max(shapely.get_parts(geom), key=lambda g: g.length)
                length = line.length
                if length <= 0:
                    return self._store_marks(layer, feature.fid, marks)
                mid = shapely.line_interpolate_point(line, 0.5, normalized=True)
                step = min(5.0, length / 10)
                a = shapely.line_interpolate_point(line, max(0.0, length / 2 - step))
                b = shapely.line_interpolate_point(line, min(length, length / 2 + step))
                angle = -math.degrees(math.atan2(b.y - a.y, b.x - a.x))
                if angle > 90:
                    angle -= 180
                elif angle <= -90:
                    angle += 180
                x, y, need = mid.x, mid.y, width * 1.15 / length
            else:
                pt = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
                x, y = pt.x, pt.y
                xmin, ymin, xmax, ymax = geom.bounds
                # Facility names matter most to planners: shown once the footprint is half as wide.
                fit = 0.5 if layer == "facilities" else 1.0
                need = fit * width / max(xmax - xmin, 1e-6) if geom.geom_type != "Point" else 0.0
            min_scale = max(styles.LABEL_MIN_SCALE[layer], need)

            def make_label(text=text, font=font, colour=colour, angle=angle, dy=14 if layer == "stops" else 0):
                item = LabelItem(text, font, colour, angle)
                item.setZValue(styles.LABEL_Z)
                if dy:
                    item.setTransform(QTransform.fromTranslate(0, dy))
                return item
            marks.append(Mark(layer, x, y, min_scale, make_label))
        self._store_marks(layer, feature.fid, marks)

    def _store_marks(self, layer, fid, marks) -> None:
        if marks:
            self._marks[layer][fid] = marks

    def _remove_marks(self, layer: str, fid: int) -> None:
        for mark in self._marks[layer].pop(fid, ()):
            if mark.item is not None:
                self._scene.removeItem(mark.item)
                mark.item = None

    def _schedule_marks(self) -> None:
        if not self._marks_timer.isActive():
            self._marks_timer.start()

    def _update_marks(self) -> None:
        """Create the marks that are due (zoom reached, near the view), drop the others."""
        self._marks_timer.stop()
        s = self._scale
        view = self._inverse.mapRect(QRectF(self.viewport().rect()))
        pad_x, pad_y = view.width() * 0.25, view.height() * 0.25
        x0, x1 = view.left() - pad_x, view.right() + pad_x
        y0, y1 = view.top() - pad_y, view.bottom() + pad_y
        offset = set(self._offset_keys)
        for layer, by_fid in self._marks.items():
            if not by_fid:
                continue
            shown = self._visible[layer]
            for fid, marks in by_fid.items():
                for m in marks:
                    want = shown and s >= m.min_scale and x0 <= m.x <= x1 and y0 <= m.y <= y1
                    if want and m.item is None:
                        m.item = m.make()
                        m.item.setPos(m.x, m.y)
                        self._scene.addItem(m.item)
                        if (layer, fid) in offset:
                            m.item.setPos(m.x + self._shapes_offset(layer, fid)[0],
                                          m.y + self._shapes_offset(layer, fid)[1])
                    elif not want and m.item is not None:
                        self._scene.removeItem(m.item)
                        m.item = None

    def _shapes_offset(self, layer, fid) -> tuple[float, float]:
        item = self._shapes[layer].get(fid)
        sel = self._selection_items.get((layer, fid))
        if item is not None:
            return item.pos().x(), item.pos().y()
        if sel is not None and sel.data(0):
            base = sel.data(0)
            return sel.pos().x() - base[0], sel.pos().y() - base[1]
        return 0.0, 0.0

    def _update_lod(self) -> None:
        """Layers too fine to see at this zoom (buildings when a city fits the screen) go."""
        for layer, min_scale in styles.LAYER_MIN_SCALE.items():
            hidden = self._scale < min_scale
            if hidden != (layer in self._lod_hidden):
                (self._lod_hidden.add if hidden else self._lod_hidden.discard)(layer)
                self._apply_layer_visibility(layer)

    def _apply_layer_visibility(self, layer: str) -> None:
        show = self._visible[layer] and layer not in self._lod_hidden
        for item in self._shapes[layer].values():
            item.setVisible(show)
        if layer == "basemap_roads":
            for item in self._casings.values():
                item.setVisible(show)
        if not LAYERS[layer].editable:
            self._base_changed()
        for key, item in [*self._selection_items.items(), *self._highlight_items.items()]:
            if key[0] == layer:
                item.setVisible(self._visible[layer])

    # --- selection, highlight -------------------------------------------------------------------
    def overlay_item(self, key: Key, pen: QPen, brush, z: float) -> QGraphicsItem | None:
        feature = self.feature(key)
        if feature is None or not self._in_scenario(feature):
            return None
        geom = feature.geometry
        if geom.geom_type == "Point":
            item = QGraphicsEllipseItem(-9, -9, 18, 18)
            item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
            item.setPos(geom.x, geom.y)
            item.setData(0, (geom.x, geom.y))
        else:
            item = QGraphicsPathItem(_path(geom))
        item.setPen(pen)
        if geom.geom_type not in ("LineString", "MultiLineString"):
            item.setBrush(brush)
        item.setZValue(z)
        item.setAcceptedMouseButtons(Qt.NoButton)
        item.setVisible(self._visible[key[0]])
        self._scene.addItem(item)
        return item

    def _set_selection(self, keys: list[Key], emit: bool = True) -> None:
        for item in self._selection_items.values():
            self._scene.removeItem(item)
        self._selection = list(dict.fromkeys(tuple(k) for k in keys))
        self._selection_items = {}
        for key in self._selection:
            item = self.overlay_item(key, styles.SELECTION_PEN, styles.SELECTION_BRUSH, styles.SELECTION_Z)
            if item is not None:
                self._selection_items[key] = item
        if emit:
            self.selectionChanged.emit(list(self._selection))

    # --- credits --------------------------------------------------------------------------------
    def _plan_credits(self, features: Iterable[Feature] | None = None) -> list[str]:
        """Attribution lines: the plan's credits; OpenStreetMap data (an ``osm_id``) always carries
        its credit (ODbL), even when an importer forgot to record it. ``features``: only look at
        these (after an edit), instead of the whole plan."""
        out: list[str] = []
        for credit in (self.plan.meta.get("credits") or []) if self.plan is not None else []:
            if isinstance(credit, dict):
                credit = credit.get("text") or credit.get("name") or ""
            text = str(credit).strip()
            if "openstreetmap" in text.lower() or text.lower() == "osm":
                text = OSM_CREDIT
            if text and text not in out:
                out.append(text)
        if OSM_CREDIT not in out and self.plan is not None:
            if features is None:
                features = (f for layer in LAYERS if "osm_id" in LAYERS[layer].field_names
                            for f in self.plan.features(layer, None))
            if any(f.attributes.get("osm_id") for f in features):
                out.insert(0, OSM_CREDIT)
        return out

    # ====================================================================== overlays (viewport)
    def _overlay_rects(self) -> list[QRect]:
        vp = self.viewport().rect()
        rects = [QRect(0, vp.height() - 48, 230, 48), QRect(vp.width() - 64, 0, 64, 84)]
        if self._credits:
            rects.append(QRect(vp.width() - 420, vp.height() - 24, 420, 24))
        if not self._overlay_dirty.isNull():
            rects.append(self._overlay_dirty)
        return rects

    def _cursor_rect(self) -> QRect:
        rect = QRect()
        if self._snap is not None:
            p = self.to_view(self._snap.point)
            rect = QRect(round(p.x()) - 10, round(p.y()) - 10, 21, 21)
        label = self._tool.cursor_label
        if label and self._cursor_pos is not None:
            w, h = self._label_box(label[0])
            x, y = round(self._cursor_pos.x()) + 16, round(self._cursor_pos.y()) + 14
            rect = rect.united(QRect(x - 1, y - 1, math.ceil(w) + 3, math.ceil(h) + 3))
        return rect

    def _label_box(self, lines) -> tuple[float, float]:
        """Size of the cursor label box. Widths are summed from cached glyph advances: measuring
        a changing Chinese string on every move costs more than the rest of the move."""
        key = tuple(lines)
        if self._label_size[0] != key:
            widths = self._char_widths
            for ch in set("".join(lines)) - widths.keys():
                widths[ch] = self._label_fm.horizontalAdvance(ch)
            w = max(sum(widths[ch] for ch in t) for t in lines) + 16
            self._label_size = (key, w, self._label_fm.height() * len(lines) + 10)
        return self._label_size[1], self._label_size[2]

    def _refresh_cursor_overlay(self) -> None:
        new = self._cursor_rect()
        dirty = self._overlay_dirty.united(new)
        self._overlay_dirty = new
        if not dirty.isNull():
            self.viewport().update(dirty)

    @_guarded
    def _base_changed(self) -> None:
        """The base map's look changed: repaint the cached background."""
        self.resetCachedContent()
        self.viewport().update()

    @_guarded
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor(styles.BACKGROUND))
        painter.setRenderHint(QPainter.Antialiasing)  # the cache's painter has no view hints
        # Two pixels more each way: shapes just outside whose antialiased edge reaches in count
        # too (the view pads its own item lookups the same way). Source = target: no scaling.
        m = 2.0 / self._scale
        area = rect.adjusted(-m, -m, m, m)
        self._base.render(painter, area, area, Qt.IgnoreAspectRatio)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.Antialiasing)
        vp = self.viewport().rect()
        self._draw_scale_bar(painter, vp)
        self._draw_north_arrow(painter, vp)
        if self._credits:
            painter.setFont(styles.font(11))
            text = " · ".join(self._credits)
            fm = QFontMetricsF(painter.font())
            w = fm.horizontalAdvance(text) + 12
            box = QRectF(vp.width() - w, vp.height() - fm.height() - 6, w, fm.height() + 6)
            painter.fillRect(box, QColor(255, 255, 255, 200))
            painter.setPen(QColor("#333333"))
            painter.drawText(box, Qt.AlignCenter, text)
        self._draw_cursor_feedback(painter)
        painter.restore()

    def _draw_scale_bar(self, painter: QPainter, vp: QRect) -> None:
        target = 120.0 / self._scale  # metres in ~120 px
        exp = 10 ** math.floor(math.log10(target))
        length = max(m * exp for m in (1, 2, 5, 10) if m * exp <= target * 1.0001) if target >= 1e-3 else 1.0
        px = length * self._scale
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        x, y = 14.0, vp.height() - 16.0
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRoundedRect(QRectF(x - 8, y - 26, px + 70, 36), 4, 4)
        painter.setPen(QPen(QColor("#222222"), 2))
        painter.drawLine(QPointF(x, y), QPointF(x + px, y))
        painter.drawLine(QPointF(x, y - 6), QPointF(x, y))
        painter.drawLine(QPointF(x + px, y - 6), QPointF(x + px, y))
        painter.drawLine(QPointF(x + px / 2, y - 4), QPointF(x + px / 2, y))
        painter.setFont(styles.font(11, True))
        painter.drawText(QPointF(x + px + 8, y + 1), label)
        painter.drawText(QPointF(x, y - 10), "0")

    def _draw_north_arrow(self, painter: QPainter, vp: QRect) -> None:
        cx, top = vp.width() - 32.0, 14.0
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawEllipse(QPointF(cx, top + 30), 24, 24)
        left = QPolygonF([QPointF(cx, top + 8), QPointF(cx - 10, top + 44), QPointF(cx, top + 36)])
        right = QPolygonF([QPointF(cx, top + 8), QPointF(cx + 10, top + 44), QPointF(cx, top + 36)])
        painter.setPen(QPen(QColor("#222222"), 1.2))
        painter.setBrush(QColor("#222222"))
        painter.drawPolygon(left)
        painter.setBrush(QColor("white"))
        painter.drawPolygon(right)
        painter.setFont(styles.font(12, True))
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(cx - 20, top + 44, 40, 18), Qt.AlignCenter, translate("MapCanvas", "N"))

    def _draw_cursor_feedback(self, painter: QPainter) -> None:
        if self._snap is not None:
            p = self.to_view(self._snap.point)
            painter.setPen(QPen(QColor(styles.SNAP_COLOUR), 2))
            painter.setBrush(Qt.NoBrush)
            if self._snap.kind == "vertex":
                painter.drawRect(QRectF(p.x() - 6, p.y() - 6, 12, 12))
            else:
                painter.drawLine(QPointF(p.x() - 6, p.y() - 6), QPointF(p.x() + 6, p.y() + 6))
                painter.drawLine(QPointF(p.x() - 6, p.y() + 6), QPointF(p.x() + 6, p.y() - 6))
                painter.drawEllipse(p, 4, 4)
        label = self._tool.cursor_label
        if label and self._cursor_pos is not None:
            lines, colour = label
            font, fm = styles.font(12, True), self._label_fm
            w, h = self._label_box(lines)
            x, y = round(self._cursor_pos.x()) + 16, round(self._cursor_pos.y()) + 14
            painter.setPen(QPen(QColor(colour), 1.5))
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.drawRoundedRect(QRectF(x, y, w, h), 4, 4)
            painter.setFont(font)
            painter.setPen(QColor(colour))
            for i, t in enumerate(lines):
                painter.drawText(QPointF(x + 8, y + 5 + fm.ascent() + i * fm.height()), t)


__all__ = ["MapCanvas", "shape_items", "LabelItem"]

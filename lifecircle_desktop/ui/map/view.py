"""The map view: a ``QGraphicsView`` over the plan, in plan metres with y up (design.md §6).

What it does: navigation (wheel zoom at the cursor, pan, fit), dispatching mouse and keys to the
active map tool (ui/tools), the selection, and feeding the layer views (layers.py, basemap.py,
chosen per layer in registry.py) and the overlays (overlays.py) with what changed. How anything
looks is theirs and styles.py's; the view never asks what kind of layer it holds.

- The view's transform flips y (scale s, -s): north is up and items hold plain plan coordinates.
- The plan's editable layers are graphics items of the view's scene; the read-only base map is
  painted into a cached image (``MapImage``) drawn as the scene's background. During a wheel or
  pan gesture the image is shown moved or scaled (a preview) and the real render follows when the
  gesture pauses — only if the scale or the visible area changed (QGIS's map canvas).
- Labels and point symbols exist as items only when due (their zoom, near the view).

What it is not: an editor, nor a place for planning rules. Tools emit edit objects through
``editRequested``, deletions through ``deleteRequested`` and drags through ``moveRequested`` (the
owner — ui/document.py, see ``bind`` — adds what goes with them, such as a compound's entrances); the owner applies them and calls ``refresh(changes)`` with the
ChangeSet, and the view rebuilds exactly those features.

Speed (design.md §8: a mouse move ≤ 1 ms over 20k and 200k polygons): a move never touches the
scene's items — no hover events, no item cursors, no ``items()`` calls; picking and snapping ask
the Qt-free STRtree index (model/snapping.py); the repaint a move causes blits the map image.
"""
from __future__ import annotations

import functools
import sys
from typing import Callable, Iterable

import shapely
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QMenu

from ...model.catalogue import Catalogue
from ...model.edits import RULES
from ...model.plan import ChangeSet, Feature, Plan
from ...model.schema import (COMMENTS, ENTRANCES, FACILITIES, LAYERS, PLANNING_UNITS, RESIDENTIAL, STOPS,
                             WALK_NETWORK)
from ...model.snapping import SnapResult, Snapper
from ..tools import TOOLS, UNIT_KINDS, MapEvent, MapTool
from ..tools import text as _text
from ..tools.text import translate
from . import dialogs, styles
from .basemap import MapImage
from .layers import LabelView, LayerView
from .overlays import (CreditLine, CursorFeedback, FeatureOutlines, MapLegend, NorthArrow, ScaleBar, WalkOverlay,
                       feature_outline)
from .registry import LAYER_VIEWS

Key = tuple[str, int]

MAX_SCALE = 400.0          # px per metre: 2.5 mm per pixel
ZOOM_STEP = 1.25           # per wheel notch
PICK_TOLERANCE_PX = 6      # clicking a feature
GESTURE_PAUSE_MS = 120     # no wheel notch or pan move for this long: the gesture paused, render
LABELS_DELAY_MS = 40       # labels follow a scroll this much later (one pass per burst of scrolls)
EDITABLE_SELECTABLE = (COMMENTS, ENTRANCES, STOPS, FACILITIES, WALK_NETWORK, RESIDENTIAL, PLANNING_UNITS)


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


class MapView(QGraphicsView):
    """The editable map. Public: the signals, the methods of the "public API" section (what the
    window and tests use) and of the "for tools" section (what ui/tools use)."""

    editRequested = Signal(object)      # an edit object (AddFeature, ChangeGeometry, …, Batch)
    deleteRequested = Signal(list)      # [(layer, fid), …] the planner asked to delete
    moveRequested = Signal(list, float, float)  # keys, dx, dy metres: the planner dragged them
    selectionChanged = Signal(list)     # [(layer, fid), …]
    cursorMoved = Signal(float, float)  # plan metres
    statusMessage = Signal(str)
    drawingChanged = Signal()           # a drawing started, changed or ended
    toolChanged = Signal(str)           # the active tool (Esc returns to "select")
    rendered = Signal()                 # the map image was rendered: what shows next is final, not a preview
    viewChanged = Signal(bool)          # the place or zoom shown changed; True: during a pan or zoom gesture

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.plan: Plan | None = None
        self.scenario = "base"
        self.snapper = Snapper()
        # The base map has its own cache (MapImage); Qt's background cache would copy it again.
        self.setCacheMode(QGraphicsView.CacheNone)
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
        self._layers: dict[str, LayerView] = {name: view(self, name) for name, view in LAYER_VIEWS.items()}
        self._painted = sorted((v for v in self._layers.values() if v.painted), key=lambda v: v.z)
        self._labels = LabelView(self)
        self._select_added: str | None = None  # request_edit(select=True): the layer being added to
        self._offsets: dict[str, dict[int, tuple[float, float]]] = {}
        self._selection = FeatureOutlines(self, styles.SELECTION_PEN, styles.SELECTION_BRUSH, styles.SELECTION_Z)
        self._highlight = FeatureOutlines(self, styles.HIGHLIGHT_PEN, styles.HIGHLIGHT_BRUSH, styles.HIGHLIGHT_Z)
        self._walk = WalkOverlay(self)
        self._credits = CreditLine()
        self._cursor = CursorFeedback(self)
        self._highlight_label = ""
        self._legend = MapLegend(self)
        self._viewport_overlays = (ScaleBar(), NorthArrow(), self._credits, self._legend, self._cursor)
        self._image = MapImage()
        self._gesture = self._timer(GESTURE_PAUSE_MS, self._gesture_paused)
        self._labels_timer = self._timer(LABELS_DELAY_MS, self._update_marks)
        self._menus = dialogs.PopupMenus(self)
        self._facility_type: str | None = None
        self._target_layer = FACILITIES
        self._unit_kind = "community"  # what the planning-unit tool draws
        self._area_rule: Callable | None = None
        self._attached: Callable | None = None
        self._area_rule_cache: dict[str, tuple] = {}
        self._snapping = False
        self._snap_px = 10
        self._pan_from: QPointF | None = None
        self._space_down = False
        self._setting_view = False
        self._tool: MapTool = TOOLS["select"](self)
        self.setScene(self._new_scene())  # last: setting a scene already scrolls the view
        self.scene().setSceneRect(-1000, -1000, 2000, 2000)
        self.setTransform(QTransform(1, 0, 0, -1, 0, 0))

    def _timer(self, ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _new_scene(self) -> QGraphicsScene:
        """A BSP index: repainting an area finds its items fast."""
        scene = QGraphicsScene(self)
        scene.setItemIndexMethod(QGraphicsScene.BspTreeIndex)
        return scene

    # ================================================================================ public API
    def set_plan(self, plan: Plan, scenario: str = "base", keep_view: bool = False) -> None:
        """Show ``plan`` (its base map and the features of ``scenario``) and fit it in the view;
        ``keep_view``: the same place at the same zoom instead (another scenario of the plan)."""
        centre = self._inverse.map(QPointF(self.viewport().rect().center())) if keep_view else None
        auto_fit = self._auto_fit
        self._tool.deactivate()
        self.plan, self.scenario = plan, scenario
        # A fresh scene: QGraphicsScene.clear() on many indexed items takes seconds, and the
        # reused index stays slow; dropping the index first makes deleting the old scene cheap.
        old = self.scene()
        scene = self._new_scene()
        scene.setSceneRect(old.sceneRect())
        self.setScene(scene)
        old.setItemIndexMethod(QGraphicsScene.NoIndex)
        for outlines in (self._selection, self._highlight, self._walk):
            outlines.forget()
        self._labels.clear()
        old.deleteLater()
        self._offsets = {}
        self.snapper.clear()
        for layer, view in self._layers.items():
            if layer not in LAYERS:  # not a layer of features (say, a raster): the view reads the plan
                view.load([])
                continue
            features = self._features(layer)
            self.snapper.set_layer(layer, ((f.fid, f.geometry) for f in features))
            view.load(features)
            self._labels.load(layer, features)
        self._set_scene_rect(plan.bounds())
        if self._snapping:
            self.snapper.prepare(self.snap_layers())  # built now, not on the first move
        self._tool = TOOLS[self._tool.name](self)
        self._tool.activate()
        if centre is None:
            self.fit_plan()
        else:
            self._set_view(self._scale, (centre.x(), centre.y()), QPointF(self.viewport().rect().center()))
            self._auto_fit = auto_fit
        self.selectionChanged.emit([])
        self.drawingChanged.emit()

    def bind(self, document) -> None:
        """Follow ``document`` (ui/document.py) as the panels do: show its plan and scenario, redraw
        what its edits change, follow its selection; send the planner's requests to it (the session
        adds what goes along, such as a compound's gates) and ask it the live area minimum."""
        self._document = document
        self.editRequested.connect(document.push)
        self.deleteRequested.connect(document.delete)
        self.moveRequested.connect(document.move)
        self.selectionChanged.connect(document.select)
        document.selectionChanged.connect(self.set_selection)
        document.sessionChanged.connect(self._show_session)
        document.scenarioChanged.connect(self._show_scenario)
        document.changed.connect(self._show_changes)
        self.set_attached(document.attached_entrances)
        self.set_area_rule(document.area_minimum)

    def _show_session(self, session) -> None:
        if session is None:
            return
        self.set_plan(session.plan, session.scenario)
        self.set_credits(session.credits())
        self.set_area_rule(self._document.area_minimum)  # another plan: other packs

    def _show_scenario(self, scenario: str) -> None:
        self.set_plan(self._document.plan, scenario, keep_view=True)  # the planner keeps their place

    def _show_changes(self, changes: ChangeSet) -> None:
        self.refresh(changes)
        if self._select_added is not None and changes.added.get(self._select_added):
            # What the planner just drew is selected: its attributes open beside the map.
            layer, self._select_added = self._select_added, None
            self._set_selection([(layer, fid) for fid in sorted(changes.added[layer])], emit=True)
        if RULES in changes.layers():
            self.set_area_rule(self._document.area_minimum)  # packs or thresholds: the live minimum too
        self.set_credits(self._document.session.credits())

    def refresh(self, changes: ChangeSet) -> None:
        """Redraw the features in ``changes`` (after an edit, an undo or a redo)."""
        if self.plan is None or not changes:
            return
        grew = None
        for layer in changes.layers():
            view = self._layers.get(layer)
            if view is None:
                continue
            for fid in changes.touched(layer):
                feature = self.feature((layer, fid))
                if feature is not None and not self._in_scenario(feature):
                    feature = None
                view.update(fid, feature)
                self._labels.update(layer, fid, feature)
                self.snapper.update(layer, fid, feature.geometry if feature is not None else None)
                if feature is not None:
                    b = feature.geometry.bounds
                    grew = b if grew is None else (min(grew[0], b[0]), min(grew[1], b[1]),
                                                   max(grew[2], b[2]), max(grew[3], b[3]))
        if grew is not None and not self.sceneRect().contains(QRectF(grew[0], grew[1], grew[2] - grew[0],
                                                                      grew[3] - grew[1])):
            self._set_scene_rect(grew, grow=True)
        touched = {(l, f) for l in changes.layers() for f in changes.touched(l)}
        selection = self._selection.keys
        alive = [k for k in selection if self._exists(k)]
        if alive != selection or touched & set(selection):
            self._set_selection(alive, emit=alive != selection)
        if touched & set(self._highlight.keys):
            self.highlight([k for k in self._highlight.keys if self._exists(k)])
        if self._walk.shown_with is not None and touched:
            self.show_walk_overlay(*self._walk.shown_with)
        self._tool.on_refresh(changes)
        self._update_marks()

    def set_credits(self, lines: list[str]) -> None:
        """The data credits drawn bottom right (the owner knows what data the plan holds)."""
        self._credits.lines = list(lines)
        self.viewport().update()

    def credits(self) -> list[str]:
        return list(self._credits.lines)

    # --- layers ---------------------------------------------------------------------------------
    def layer_names(self) -> list[str]:
        """The layers the map draws, top of the stack first (as a layers panel lists them)."""
        return list(styles.LAYER_ORDER)

    def layer_view(self, layer: str) -> LayerView:
        """The view drawing ``layer``: ``fids()`` drawn now, ``item(fid)`` showing one of them."""
        return self._layers[layer]

    def labels(self, layer: str) -> list[str]:
        """The texts of ``layer``'s labels on the map now (at this zoom and place)."""
        return self._labels.texts(layer)

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        self._layers[layer].set_visible(visible)
        for outlines in (self._selection, self._highlight):
            outlines.set_layer_visible(layer, bool(visible))
        self._update_marks()

    def is_layer_visible(self, layer: str) -> bool:
        view = self._layers.get(layer)
        return view is not None and view.visible

    # --- tools and drawing settings -------------------------------------------------------------
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
        self._cursor.snap = None
        self._cursor.refresh()
        self.toolChanged.emit(name)
        self.drawingChanged.emit()
        return True

    def tool(self) -> str:
        return self._tool.name

    def active_tool(self) -> MapTool:
        """The active map tool: its state (``capture`` of a drawing tool, ``cursor_label``)."""
        return self._tool

    def is_drawing(self) -> bool:
        return self._tool.is_drawing()

    def set_current_facility_type(self, code: str | None) -> None:
        self._facility_type = code

    def current_facility_type(self) -> str | None:
        return self._facility_type

    def set_target_layer(self, layer: str) -> None:
        """Where the polygon and rectangle tools put what they draw: ``FACILITIES`` (default),
        ``RESIDENTIAL`` (homes) or ``PLANNING_UNITS``. Point layers raise ValueError: stops are
        placed with the "stop" tool (the type set by ``set_current_facility_type``)."""
        if layer not in (FACILITIES, RESIDENTIAL, PLANNING_UNITS):
            raise ValueError(f"cannot draw polygons on layer {layer!r}")
        self._target_layer = layer

    def target_layer(self) -> str:
        return self._target_layer

    def set_unit_kind(self, kind: str) -> None:
        """What the planning-unit tool ("unit") draws next: community, 5min, 10min, 15min, block."""
        if kind not in UNIT_KINDS:
            raise ValueError(f"unknown planning-unit kind {kind!r}; known: {', '.join(UNIT_KINDS)}")
        self._unit_kind = kind

    def unit_kind(self) -> str:
        return self._unit_kind

    def set_snapping(self, enabled: bool, tolerance_px: int = 10) -> None:
        """Snap drawn and edited vertices to the vertices and edges of every visible layer within
        ``tolerance_px`` screen pixels (converted to metres at each event)."""
        self._snapping, self._snap_px = bool(enabled), max(1, int(tolerance_px))
        if enabled:
            self.snapper.prepare(self.snap_layers())  # build now, not on the first move
        else:
            self._cursor.snap = None
            self._cursor.refresh()

    def snapping(self) -> tuple[bool, int]:
        return self._snapping, self._snap_px

    def snap_hit(self) -> SnapResult | None:
        """What the snap marker shows now (None: no marker)."""
        return self._cursor.snap

    def set_area_rule(self, area_minimum: Callable[[str], tuple[float | None, float | None]] | None) -> None:
        """``area_minimum(type_code) -> (min_floor_area, min_land_area)`` (either may be None):
        shown live while a facility is drawn."""
        self._area_rule, self._area_rule_cache = area_minimum, {}

    def set_language(self, language: str) -> None:
        """"zh" or "en": labels (facility type names) and the map's messages."""
        _text.set_language(language)
        if self.plan is not None:
            for layer in LAYERS:
                self._labels.load(layer, self._features(layer))
            self._update_marks()
        self._tool.activate()
        self.viewport().update()

    def language(self) -> str:
        return _text.language()

    # --- navigation -----------------------------------------------------------------------------
    def plan_extent(self) -> tuple[float, float, float, float] | None:
        """What the planner works on (Plan.planned_extent): the planning units, else the homes and
        facilities, else everything — not the thumbnail a long base-map river would make."""
        return None if self.plan is None else self.plan.planned_extent(self.scenario)

    def view_extent(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) in plan metres of what the view shows."""
        r = self._inverse.mapRect(QRectF(self.viewport().rect()))
        return r.left(), r.top(), r.right(), r.bottom()

    def fit_plan(self) -> None:
        bounds = self.plan_extent()
        if bounds is None:
            r = self.sceneRect()
            bounds = (r.center().x() - 500, r.center().y() - 500, r.center().x() + 500, r.center().y() + 500)
        self.show_extent(bounds)
        self._auto_fit = True

    def show_extent(self, bounds: tuple[float, float, float, float]) -> None:
        """Fit (xmin, ymin, xmax, ymax) in plan metres in the view."""
        self._gesture.stop()
        self._fit(bounds)

    def zoom_to(self, features: Iterable[Key]) -> None:
        geoms = [f.geometry for f in (self.feature(tuple(k)) for k in features) if f is not None]
        if not geoms:
            return
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        pad = max(30.0, 0.15 * max(xmax - xmin, ymax - ymin))
        self.show_extent((xmin - pad, ymin - pad, xmax + pad, ymax + pad))

    def zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the map point under ``at`` (viewport pixels; default the
        centre) where it is."""
        self._gesture.stop()
        at = QPointF(self.viewport().rect().center()) if at is None else QPointF(at)
        self._zoom_at(at, self._scale * factor)

    def scale_factor(self) -> float:
        """Current zoom in screen pixels per plan metre."""
        return self._scale

    def view_centre(self) -> tuple[float, float]:
        """The plan point (metres) at the viewport's centre."""
        p = self._inverse.map(QPointF(self.viewport().rect().center()))
        return p.x(), p.y()

    def show_view(self, scale: float, centre: tuple[float, float], gesture: bool = False) -> None:
        """Show plan point ``centre`` at the viewport's centre at ``scale`` px/m: another view's
        place (views kept in step, ``viewChanged``). ``gesture``: part of the other's pan or zoom,
        so this view previews its map image too and renders when the gesture pauses."""
        if gesture:
            self._gesture.start()
        else:
            self._gesture.stop()
        at = QPointF(self.viewport().rect().center())
        if scale == self._scale:  # a pan: scrolled as pixels, labels follow (as a pan of this view)
            self.horizontalScrollBar().setValue(round(scale * centre[0] - at.x()))
            self.verticalScrollBar().setValue(round(-scale * centre[1] - at.y()))
        else:
            self._set_view(scale, centre, at)
        self._auto_fit = False

    def render_now(self) -> None:
        """Finish what is pending — the labels and symbols due at this view, and the map image
        (a render, not the preview a gesture shows): the next frame painted is the final one."""
        self._gesture.stop()
        self._update_marks()
        if not self._image.covers(self.viewportTransform(), self.viewport().size()):
            self._render()
            self.viewport().update()

    def resetCachedContent(self) -> None:
        """Drop every cache, the map image included: the next paint renders from scratch."""
        self._image.invalidate()
        super().resetCachedContent()
        self.viewport().update()

    # --- selection and overlays -----------------------------------------------------------------
    def selection(self) -> list[Key]:
        return list(self._selection.keys)

    def set_selection(self, keys: Iterable[Key]) -> None:
        self._set_selection([k for k in keys if self._exists(k)], emit=True)

    def delete_selection(self) -> None:
        """Ask for the selected features to be deleted (``deleteRequested``)."""
        if self._selection.keys:
            self.request_delete(self._selection.keys)

    def highlight(self, features: list[Key], label: str | None = None) -> None:
        """Outline ``features`` (e.g. those of a finding) until ``clear_highlight``; ``label``: what
        the map legend calls them (None: as before)."""
        if label is not None:
            self._highlight_label = label
        self._highlight.set(features)
        self.viewport().update()  # the legend

    def clear_highlight(self) -> None:
        self._highlight.clear()
        self.viewport().update()

    def show_walk_overlay(self, outside_home_fids: Iterable[int], reachable_lines,
                          labels: tuple[str, str] = ("", "")) -> None:
        """Shade the residential features beyond a walking limit and draw the reachable part of
        the network thick. ``reachable_lines``: walk_network fids, or shapely (multi)lines;
        ``labels``: what the legend calls the homes and the network."""
        self._walk.show(outside_home_fids, reachable_lines, labels)
        self.viewport().update()

    def clear_walk_overlay(self) -> None:
        self._walk.clear()
        self.viewport().update()

    def walk_overlay_counts(self) -> tuple[int, int]:
        """(homes shaded, reachable lines drawn) by the walking overlay now."""
        return self._walk.counts()

    def walk_overlay_lines(self) -> list:
        """The reachable lines the walking overlay draws now (shapely geometries)."""
        return list(self._walk.geometries)

    def legend_entries(self) -> list[tuple[str, str]]:
        """What the map legend lists now: (swatch, text) of each overlay drawn — the homes beyond a
        walking limit, the reachable network, the highlighted features, the selection."""
        out = []
        homes, lines = self._walk.counts()
        homes_text, network_text = self._walk.labels
        if homes:
            out.append(("walk_homes", homes_text or translate("MapLegend", "Homes beyond the walking limit")))
        if lines:
            out.append(("walk_network", network_text or translate("MapLegend", "Network within the walking limit")))
        if self._highlight.keys:
            out.append(("highlight", self._highlight_label or translate("MapLegend", "Features of the finding")))
        if self._selection.keys:
            out.append(("selection", translate("MapLegend", "Selected")))
        return out

    def shown_menu(self) -> QMenu | None:
        """The map's context menu while it is open."""
        return self._menus.menu

    # ============================================================ for tools (ui/tools/*.py)
    def request_edit(self, edit, select: bool = False) -> None:
        """Ask the owner to apply ``edit``; ``select``: the feature it adds is selected once added."""
        self._select_added = getattr(edit, "layer", None) if select else None
        try:
            self.editRequested.emit(edit)
        finally:
            self._select_added = None

    def request_delete(self, keys: Iterable[Key]) -> None:
        self.deleteRequested.emit([tuple(k) for k in keys])

    def request_move(self, keys: Iterable[Key], dx: float, dy: float) -> None:
        self.moveRequested.emit([tuple(k) for k in keys], float(dx), float(dy))

    def set_attached(self, attached: Callable[[list[Key]], list[Key]] | None) -> None:
        """``attached(keys) -> keys`` of what moves along with ``keys`` (a compound's gates): the
        owner's rule (PlanSession.attached_entrances), asked for the preview of a drag."""
        self._attached = attached

    def attached(self, keys: list[Key]) -> list[Key]:
        return list(self._attached(keys)) if self._attached is not None else []

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

    def label_text(self, feature: Feature) -> str:
        """What the map's label of ``feature`` says (its name, or a facility's type)."""
        return self._labels.text(feature)

    def editable_layers(self, kinds: tuple[str, ...] | None = None) -> list[str]:
        """Visible editable layers, top first; ``kinds`` filters by geometry ("POLYGON", …)."""
        return [l for l in EDITABLE_SELECTABLE if self._layers[l].visible
                and (kinds is None or LAYERS[l].geometry in kinds)]

    def features_at(self, xy, layers: Iterable[str] | None = None, tolerance_px: float = PICK_TOLERANCE_PX) -> list[Key]:
        layers = self.editable_layers() if layers is None else [l for l in layers if self.is_layer_visible(l)]
        return self.snapper.features_at(xy, self.metres(tolerance_px), layers)

    def snap_layers(self) -> list[str]:
        return [l for l in styles.LAYER_ORDER if self._layers[l].shown(self._scale)]

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
        self._offsets = {}
        for layer, fid in keys:
            if dx or dy:
                self._offsets.setdefault(layer, {})[fid] = (dx, dy)
            self._layers[layer].set_offset(fid, dx, dy)
            self._labels.set_offset(layer, fid, dx, dy)
            self._selection.offset((layer, fid), dx, dy)

    def overlay_item(self, key: Key, pen: QPen, brush, z: float) -> QGraphicsItem | None:
        """An item outlining feature ``key`` in the scene (the caller removes it), or None."""
        feature = self.feature(key)
        if feature is None or not self._in_scenario(feature):
            return None
        item = feature_outline(feature, pen, brush, z)
        item.setVisible(self.is_layer_visible(key[0]))
        self.scene().addItem(item)
        return item

    def ask_unfinished(self, kind: str, count: int) -> str:
        """Esc on a drawing that could be finished: "finish", "discard" or "keep"."""
        return dialogs.ask_unfinished(self, kind, count)

    def popup_menu(self, entries: list[tuple[str, Callable[[], None]]], pos: QPointF) -> None:
        """A small non-modal context menu at ``pos`` (viewport pixels)."""
        self._menus.popup(entries, self.viewport().mapToGlobal(pos.toPoint()))

    def refresh_cursor_overlay(self) -> None:
        self._cursor.refresh()

    def show_snap(self, hit: SnapResult | None) -> None:
        """Show the snap marker at ``hit`` (tools that snap on their own, like the entrance tool)."""
        self._cursor.snap = hit

    def map_changed(self) -> None:
        """For painted layer views: their look changed, the map image is rendered again."""
        self._image.invalidate()
        self.viewport().update()

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
            self._gesture.start()
            self._pan_pixels(pos.x() - self._pan_from.x(), pos.y() - self._pan_from.y())
            self._pan_from = pos
            return
        ev = self._map_event(event, self._tool.snaps)
        self.cursorMoved.emit(ev.xy[0], ev.xy[1])
        self._cursor.snap = ev.snap
        self._cursor.pos = ev.pos
        self._tool.move(ev)
        self._cursor.refresh()

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
        self._gesture.start()
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
            elif self._selection.keys:
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
        self._cursor.pos, self._cursor.snap = None, None
        self._cursor.refresh()
        super().leaveEvent(event)

    @_guarded
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._gesture.start()  # dragging a window edge is a gesture: render when it pauses
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
        viewport = self.viewport().rect()
        for overlay in self._viewport_overlays:
            rect = overlay.rect(viewport)
            if not rect.isNull():
                region = region.united(rect).united(rect.translated(dx, dy))
        self.viewport().update(region)
        self._schedule_marks()
        if not self._setting_view:  # _set_view says so once, when both scroll bars are set
            self.viewChanged.emit(self._gesture.isActive())

    # ================================================================================ painting
    @_guarded
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor(styles.BACKGROUND))
        transform = self.viewportTransform()
        # A gesture sees the last image moved or scaled; an image of other data is never shown.
        if not self._image.valid or (not self._gesture.isActive()
                                     and not self._image.covers(transform, self.viewport().size())):
            self._render()
        self._image.paint(painter, transform)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.Antialiasing)
        viewport = self.viewport().rect()
        for overlay in self._viewport_overlays:
            overlay.paint(painter, viewport, self._scale)
        painter.restore()

    def _render(self) -> None:
        """Render the map image for the view as it is now. ``rendered`` is emitted at once (from
        inside a paint event when a paint found the image out of date: slots must not repaint)."""
        self._image.render(self._painted, self.viewportTransform(), self.viewport().size(),
                           self.viewport().devicePixelRatioF())
        self.rendered.emit()

    def _gesture_paused(self) -> None:
        if not self._image.covers(self.viewportTransform(), self.viewport().size()):
            self._render()
            self.viewport().update()

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
        h = scale * scene_xy[0] - at.x()
        v = -scale * scene_xy[1] - at.y()
        self._setting_view = True
        try:
            self.setTransform(QTransform(scale, 0, 0, -scale, 0, 0))
            self.horizontalScrollBar().setValue(round(h))
            self.verticalScrollBar().setValue(round(v))
        finally:
            self._setting_view = False
        if scale != old:
            self._tool.on_view_changed()
        self._update_marks()
        self.viewport().update()
        self.viewChanged.emit(self._gesture.isActive())

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
        self.scene().setSceneRect(rect)

    # ============================================================================ features
    def _features(self, layer: str) -> list[Feature]:
        """The features of ``layer`` the map shows: the scenario's, or all of a base-map layer."""
        return self.plan.features(layer, self.scenario if LAYERS[layer].editable else None)

    def _in_scenario(self, feature: Feature) -> bool:
        return not LAYERS[feature.layer].editable or feature.scenario == self.scenario

    def _exists(self, key: Key) -> bool:
        f = self.feature(key)
        return f is not None and self._in_scenario(f)

    def _set_selection(self, keys: list[Key], emit: bool = True) -> None:
        had = bool(self._selection.keys)
        self._selection.set(keys)
        if had != bool(self._selection.keys):
            self.viewport().update()  # the legend's "Selected" line
        if emit:
            self.selectionChanged.emit(list(self._selection.keys))

    def _schedule_marks(self) -> None:
        if not self._labels_timer.isActive():
            self._labels_timer.start()

    def _update_marks(self) -> None:
        """Labels and point symbols due at this view are made, the others dropped; layers too
        fine to see at this zoom are hidden."""
        self._labels_timer.stop()
        s = self._scale
        view = self._inverse.mapRect(QRectF(self.viewport().rect()))
        pad_x, pad_y = view.width() * 0.25, view.height() * 0.25
        area = (view.left() - pad_x, view.top() - pad_y, view.right() + pad_x, view.bottom() + pad_y)
        for layer, layer_view in self._layers.items():
            offsets = self._offsets.get(layer, {})
            layer_view.on_view(s, area, offsets)
            self._labels.on_view(layer, layer_view.visible, s, area, offsets)
        self._labels.place()  # all layers at once: a label's place depends on the others


__all__ = ["MapView"]

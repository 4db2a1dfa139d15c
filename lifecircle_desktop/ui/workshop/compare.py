"""Before / after of two scenarios in workshop mode (issue 13 item 2): a swipe and side-by-side views.

``SwipeView``: two map views of the same plan stacked, the "after" scenario on top, clipped (a
widget mask) right of a divider the planner drags with the mouse or a finger; left of it the
"before" scenario shows. While the divider is dragged, the strip it crosses is drawn from the two
maps' last frames (``GesturePreview``); nothing is rendered again. ``SideBySideView``: the two
views side by side. In both, the views share one place and zoom (``ViewLink``: pan or zoom
either, the other follows) and a large label names each scenario. Facilities new in "after" get
a thick ring and a "新" tag, magenta on white.

Panning and zooming: a whole frame of a map at 1920×1080 on the demo takes 40–60 ms to paint (its
items and label halos; a scroll repaints all of it), two maps twice that — too slow for 30 frames/s
on a laptop projector. So, as QGIS's map canvas does, a gesture is shown by ``GesturePreview``: the
maps' last frames (captured at rest) moved or scaled, a few ms a frame; the maps paint their real
frames once the gesture pauses (bench/bench_workshop.py).

The views show the plan as it was when the comparison was made: a workshop is a presentation, the
window makes a new comparison when the planner enters it again. Both views read the document's
open plan (``MapView.set_plan(plan, scenario)`` needs no session of its own) and pan with a left
drag: nothing in them edits the plan.
"""
from __future__ import annotations

from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QRegion, QTransform
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QWidget

from ...model.snapshot import take_snapshot
from ...model.workshop import new_facilities
from ..map import styles
from ..map.view import GESTURE_PAUSE_MS, MapView
from .style import apply_workshop_style

Key = tuple[str, int]

LAYOUTS = ("swipe", "side")
HANDLE_PX = 56          # the divider's grip: a fingertip wide (issue 13: run on a touch screen)
LINE_PX = 4             # the divider line drawn in the middle of the grip
LABEL_PX = 40           # the scenario names, read from the back of a room (≥ 18 pt at 1920×1080)
MARGIN_PX = 24
NEW_RING_PX = 8         # the ring round a new facility, on a white ring this much wider
NEW_HALO_PX = 6
NEW_COLOUR = "#d1007f"  # magenta: apart from the categories' colours (catalogue.toml) and the base map
FIRST_CAPTURE_MS = 1000  # maps just shown: their frames for a gesture preview are captured this much later
SCENARIO_SWATCH = ("#1c3d5a", "#0b6e4f")  # the labels' boxes: before (blue-grey), after (green)


def scenario_label(name: str) -> str:
    """A scenario's name for residents: the base scenario is the situation today (现状)."""
    return QCoreApplication.translate("CompareView", "Existing") if name == "base" else name


def before_after(plan, current: str, other: str) -> tuple[str, str]:
    """(before, after) of the scenario shown and the one to compare with: the one the other was made
    from (its ancestor: base comes before every scenario) is "before", whichever was passed; two
    unrelated scenarios: the one shown is "before". The same scenario twice: base before it."""
    if current == other:
        return ("base", current) if current != "base" else ("base", "base")
    parents = {s.name: s.parent for s in plan.scenarios()}

    def ancestors(name):
        seen = []
        while name is not None and name not in seen:
            seen.append(name)
            name = parents.get(name) or (None if name == "base" else "base")
        return seen[1:]
    if current in ancestors(other):
        return current, other
    if other in ancestors(current):
        return other, current
    return current, other


def new_facility_keys(plan, before: str, after: str) -> list[Key]:
    """Facilities of ``after`` that are new, moved or retyped against ``before`` (model/workshop)."""
    if before == after:
        return []
    return [tuple(k) for k in new_facilities(take_snapshot(plan, before), take_snapshot(plan, after))]


def compare_map(document, scenario: str, parent: QWidget | None = None) -> MapView:
    """A map view of ``scenario`` of the document's plan in the workshop look, panned with a left
    drag (the pan tool: nothing here edits), with the plan's data credits."""
    view = MapView(document.session.catalogue, parent)
    apply_workshop_style(view)  # before the plan: its layers are built once, in the workshop look
    view.set_plan(document.plan, scenario)
    view.set_credits(document.session.credits())
    view.set_tool("pan")
    return view


class ViewLink(QObject):
    """Keeps map views at one place and zoom: a pan or zoom of one is shown by the others (each
    previews its own map image during the gesture and renders when it pauses)."""

    def __init__(self, views: list[MapView], parent: QObject | None = None):
        super().__init__(parent)
        self.views = list(views)
        self._following = False
        for view in self.views:
            view.viewChanged.connect(partial(self._follow, view))

    def _follow(self, leader: MapView, gesture: bool) -> None:
        if self._following:  # the others' own viewChanged while they follow
            return
        self._following = True
        try:
            scale, centre = leader.scale_factor(), leader.view_centre()
            for view in self.views:
                if view is not leader:
                    view.show_view(scale, centre, gesture)
        finally:
            self._following = False


class NewTag(QGraphicsItem):
    """The "新" tag by a new facility's upper right corner: a filled round box of fixed size on screen."""

    def __init__(self, text: str, xy: tuple[float, float]):
        super().__init__()
        self.text = text
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setZValue(styles.LABEL_Z - 0.5)  # under the names: the ring says "new", the name says what
        self.setPos(*xy)
        self._font = styles.font(26, True)
        fm = QFontMetricsF(self._font)
        w, h = fm.horizontalAdvance(text) + 18, fm.height() + 6
        self._box = QRectF(6, -h - 6, w, h)  # up and right of the corner: off the facility's own badge

    def boundingRect(self) -> QRectF:
        return self._box.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(QColor(NEW_COLOUR))
        painter.drawRoundedRect(self._box, 8, 8)
        painter.setFont(self._font)
        painter.setPen(QColor("white"))
        painter.drawText(self._box, Qt.AlignCenter, self.text)


def mark_new(view: MapView, keys: list[Key]) -> list[Key]:
    """Ring the facilities ``keys`` in ``view`` and tag each "新" (``TagSpacing``); the keys marked."""
    return NewMarks(view, keys).keys


class NewMarks:
    """The rings and "新" tags of new facilities on a map view, removable (``clear``): the editing
    canvas shows them in workshop mode's one-map comparison and goes back to its own look."""

    def __init__(self, view: MapView, keys: list[Key]):
        def pen(colour: str, width: float) -> QPen:
            p = QPen(QColor(colour), width)
            p.setCosmetic(True)
            p.setJoinStyle(Qt.RoundJoin)
            return p
        self.view = view
        halo, ring = pen("white", NEW_RING_PX + NEW_HALO_PX), pen(NEW_COLOUR, NEW_RING_PX)
        self.keys: list[Key] = []
        self.items: list[QGraphicsItem] = []
        tags = []
        for key in keys:
            outline = view.overlay_item(key, halo, Qt.NoBrush, styles.HIGHLIGHT_Z)
            if outline is None:
                continue
            self.items += [outline, view.overlay_item(key, ring, Qt.NoBrush, styles.HIGHLIGHT_Z + 0.1)]
            b = view.feature(key).geometry.bounds
            tags.append(NewTag(QCoreApplication.translate("CompareView", "New"), (b[2], b[3])))
            view.scene().addItem(tags[-1])
            self.keys.append(key)
        self.items += tags
        self.spacing = TagSpacing(view, tags)

    def clear(self) -> None:
        for item in self.items:
            if item is not None and item.scene() is not None:
                item.scene().removeItem(item)
        self.items, self.keys = [], []
        self.spacing.stop()


class TagSpacing(QObject):
    """Hides a "新" tag that would cover one shown before it at this zoom: a cluster of new
    facilities reads as one tag and a ring round each, not a heap of tags over their names."""

    def __init__(self, view: MapView, tags: list[NewTag]):
        super().__init__(view)
        self.view, self.tags = view, tags
        self._scale: float | None = None
        view.viewChanged.connect(self.space)
        self.space()

    def stop(self) -> None:
        self.view.viewChanged.disconnect(self.space)
        self.deleteLater()

    def space(self, _gesture: bool = False) -> None:
        scale = self.view.scale_factor()
        if scale == self._scale:  # a pan moves them all alike
            return
        self._scale = scale
        shown: list[QRectF] = []
        for tag in self.tags:
            # A tag's height of room round each: tags a few pixels apart still read as a heap over
            # the names near them (同济社区长者食堂, review item 10).
            box = tag.boundingRect()
            rect = box.adjusted(-box.height(), -box.height(), box.height(), box.height()).translated(
                self.view.to_view((tag.pos().x(), tag.pos().y())))
            tag.setVisible(not any(rect.intersects(r) for r in shown))
            if tag.isVisible():
                shown.append(rect)


class ScenarioLabel(QLabel):
    """A scenario's name over its map, in big letters on a dark box."""

    def __init__(self, text: str, colour: str, parent: QWidget):
        super().__init__(text, parent)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setFont(styles.font(LABEL_PX, True))
        self.setStyleSheet(f"QLabel {{ color: white; background: {colour}; border-radius: 10px;"
                           f" padding: 6px 18px; }}")
        self.adjustSize()


class SwipeHandle(QWidget):
    """The divider's grip: a line down the map with a round knob, dragged by mouse or touch.
    Tells its owner where the planner put it (``dragged(x)``, x in the owner's pixels)."""

    dragged = Signal(float)
    pressed = Signal()
    released = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WA_AcceptTouchEvents)
        self.setCursor(Qt.SplitHCursor)
        self.setFixedWidth(HANDLE_PX)
        self._grab: float | None = None  # where in the grip the drag took hold

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        mid = self.width() / 2
        painter.fillRect(QRectF(mid - LINE_PX / 2 - 1, 0, LINE_PX + 2, self.height()), QColor("#202020"))
        painter.fillRect(QRectF(mid - LINE_PX / 2, 0, LINE_PX, self.height()), QColor("white"))
        r = HANDLE_PX / 2 - 3
        centre = QPointF(mid, self.height() / 2)
        painter.setPen(QPen(QColor("#202020"), 2))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(centre, r, r)
        painter.setBrush(QColor("#202020"))
        painter.setPen(Qt.NoPen)
        for sign in (-1, 1):  # ◀ ▶: it moves sideways
            arrow = QPainterPath()
            tip = centre + QPointF(sign * r * 0.7, 0)
            arrow.moveTo(tip)
            arrow.lineTo(tip - QPointF(sign * r * 0.4, r * 0.35))
            arrow.lineTo(tip - QPointF(sign * r * 0.4, -r * 0.35))
            arrow.closeSubpath()
            painter.drawPath(arrow)

    def _start(self, x: float) -> None:
        self._grab = x - self.width() / 2
        self.pressed.emit()

    def _end(self) -> None:
        if self._grab is not None:
            self._grab = None
            self.released.emit()

    def _move(self, x: float) -> None:
        if self._grab is not None:
            self.dragged.emit(self.x() + x - self._grab)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._start(event.position().x())

    def mouseMoveEvent(self, event) -> None:
        self._move(event.position().x())

    def mouseReleaseEvent(self, event) -> None:
        self._end()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.TouchBegin, QEvent.TouchUpdate, QEvent.TouchEnd, QEvent.TouchCancel):
            points = event.points()
            if points:
                x = points[0].position().x()
                if kind == QEvent.TouchBegin:
                    self._start(x)
                elif kind == QEvent.TouchUpdate:
                    self._move(x)
                else:
                    self._end()
            event.accept()
            return True
        return super().event(event)


class GesturePreview(QWidget):
    """Over the maps while they pan or zoom: each map's last frame at rest, moved or scaled to where
    the map is now and clipped to its part of the screen (``clip(view)``, owner pixels). Opaque, so
    the maps under it are not painted meanwhile; transparent to the mouse, so the gesture goes on
    in the map that has it. Gone when the gesture pauses: the maps render and paint their frames,
    which are captured again for the next gesture."""

    def __init__(self, owner: QWidget, views: list[MapView], clip):
        super().__init__(owner)
        self.views, self.clip = list(views), clip
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self._frames: dict[MapView, tuple] = {}  # view -> (its frame, its transform then)
        self._held = False
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(GESTURE_PAUSE_MS + 30)  # after the maps' own render when it pauses
        self._pause.timeout.connect(self.finish)
        self._capture = QTimer(self)
        self._capture.setSingleShot(True)
        self._capture.setInterval(2 * GESTURE_PAUSE_MS)  # at rest, after the maps' own paint
        self._capture.timeout.connect(self.capture)
        for view in self.views:
            view.viewChanged.connect(self._changed)
        self.hide()

    def frames_ready(self) -> bool:
        """There is a frame of each map, of its size now."""
        return len(self._frames) == len(self.views) and all(
            frame.deviceIndependentSize().toSize() == view.viewport().size()
            for view, (frame, _) in self._frames.items())

    def settled(self) -> bool:
        """At rest with frames of the maps as they are: the next gesture is previewed whole."""
        return self.frames_ready() and not self._capture.isActive() and not self.isVisible()

    def capture_later(self, delay_ms: int | None = None) -> None:
        """Capture the maps' frames a little later, at rest (``delay_ms``; default twice the gesture
        pause). Newly shown maps wait ``FIRST_CAPTURE_MS``: the first frame and the first validation
        come before a capture that holds the GUI thread for two whole-map paints."""
        self._capture.start(2 * GESTURE_PAUSE_MS if delay_ms is None else delay_ms)

    def capture(self) -> None:
        if self.isVisible() or not self.parentWidget().isVisible():
            return
        self._frames = {v: (v.viewport().grab(), QTransform(v.viewportTransform())) for v in self.views}

    def hold(self) -> None:
        """Show the frames until ``release`` (the divider is being dragged: only its strip repaints)."""
        if self.frames_ready():
            self._held = True
            self.setGeometry(self.parentWidget().rect())
            self.show()

    def release(self) -> None:
        """The divider let go: the maps show themselves again (at rest, their frames still hold)."""
        self._held = False
        if self.isVisible() and not self._pause.isActive():
            self.hide()

    def _changed(self, gesture: bool) -> None:
        if not gesture:  # a fit or a jump: the maps paint it; the frames are of another place now
            if not self.isVisible():
                self.capture_later()
            return
        if not self.isVisible():
            if not self.frames_ready():
                return  # nothing to move yet: the maps paint the gesture themselves
            self.setGeometry(self.parentWidget().rect())
            self.show()
        self._pause.start()
        self.update()

    def finish(self) -> None:
        """The gesture paused: the maps' real frames instead of the preview."""
        self._pause.stop()
        if self.isVisible() and not self._held:
            self.hide()
            for view in self.views:
                view.render_now()
            self.capture_later()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(styles.BACKGROUND))
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        for view, (frame, then) in self._frames.items():
            origin = view.viewport().mapTo(self.parentWidget(), QPoint(0, 0))
            painter.save()
            painter.setClipRect(self.clip(view))
            # A pixel of the frame → the plan point it showed → where that point is on screen now.
            moved = then.inverted()[0] * view.viewportTransform() * QTransform.fromTranslate(origin.x(), origin.y())
            painter.setTransform(moved)
            painter.drawPixmap(0, 0, frame)
            painter.restore()


class CompareMaps(QWidget):
    """What the swipe and the side-by-side views share: two maps of one plan (``before_view``,
    ``after_view``) kept in step, and a ``preview`` of their frames during a gesture."""

    before_view: MapView
    after_view: MapView
    preview: "GesturePreview"

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.preview.capture_later(FIRST_CAPTURE_MS)

    # --- for the window and tests ---------------------------------------------------------------
    def views(self) -> tuple[MapView, MapView]:
        return self.before_view, self.after_view

    def render_now(self) -> None:
        """The maps' real frames now (no preview of a gesture)."""
        self.preview.finish()
        for view in self.views():
            view.render_now()

    def fit_plan(self) -> None:
        self.before_view.fit_plan()  # the other follows


class SwipeView(CompareMaps):
    """Scenario ``before`` left of a divider, ``after`` right of it, on one map (see the module)."""

    dividerMoved = Signal(float)  # the divider's place, 0 (left edge) … 1 (right edge)

    def __init__(self, document, before: str, after: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.scenarios = (before, after)
        self.before_view = compare_map(document, before, self)
        self.after_view = compare_map(document, after, self)  # on top, clipped at the divider
        self.link = ViewLink([self.before_view, self.after_view], self)
        self.new_keys = mark_new(self.after_view, new_facility_keys(document.plan, before, after))
        self.preview = GesturePreview(self, [self.before_view, self.after_view], self._clip)
        self.handle = SwipeHandle(self)
        self.handle.dragged.connect(self._dragged)
        self.handle.pressed.connect(self.preview.hold)
        self.handle.released.connect(self.preview.release)
        self.labels = (ScenarioLabel(scenario_label(before), SCENARIO_SWATCH[0], self),
                       ScenarioLabel(scenario_label(after), SCENARIO_SWATCH[1], self))
        self._divider = 0.5
        self._shown_x = 0
        self._place()

    # --- the divider ----------------------------------------------------------------------------
    def divider(self) -> float:
        """Where the divider is: 0 (the left edge) … 1 (the right edge)."""
        return self._divider

    def divider_x(self) -> int:
        """The divider's x in this widget's pixels: "before" shows left of it, "after" from it on."""
        return round(self._divider * self.width())

    def set_divider(self, fraction: float) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        if fraction == self._divider:
            return
        self._divider = fraction
        self._place()
        self.dividerMoved.emit(fraction)

    def _dragged(self, x: float) -> None:
        self.set_divider(x / max(self.width(), 1))

    def _clip(self, view: MapView) -> QRect:
        x = self.divider_x()
        if view is self.before_view:
            return QRect(0, 0, x, self.height())
        return QRect(x, 0, self.width() - x, self.height())

    def _place(self) -> None:
        """The clip of the "after" view, the grip and the labels where the divider is now."""
        w, h, x = self.width(), self.height(), self.divider_x()
        self.after_view.setMask(QRegion(QRect(x, 0, max(w - x, 0), h)))
        self.handle.setGeometry(x - HANDLE_PX // 2, 0, HANDLE_PX, h)
        left, right = self.labels
        left.move(x - HANDLE_PX // 2 - left.width() - 8, MARGIN_PX)  # each name beside the divider, on its side
        right.move(x + HANDLE_PX // 2 + 8, MARGIN_PX)
        left.setVisible(left.x() >= 0)
        right.setVisible(right.x() + right.width() <= w)
        self.handle.raise_()
        for label in self.labels:
            label.raise_()
        if self.preview.isVisible():  # the strip the divider crossed changes sides, nothing else
            self.preview.update(QRect(min(x, self._shown_x) - 1, 0, abs(x - self._shown_x) + 2, h))
        self._shown_x = x

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        for view in (self.before_view, self.after_view):
            view.setGeometry(self.rect())
        self.preview.setGeometry(self.rect())
        self._place()
        self.preview.capture_later(FIRST_CAPTURE_MS)


class SideBySideView(CompareMaps):
    """Scenario ``before`` left, ``after`` right, each in its own map; one place and zoom."""

    def __init__(self, document, before: str, after: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.scenarios = (before, after)
        self.before_view = compare_map(document, before, self)
        self.after_view = compare_map(document, after, self)
        self.link = ViewLink([self.before_view, self.after_view], self)
        self.new_keys = mark_new(self.after_view, new_facility_keys(document.plan, before, after))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(LINE_PX)
        row.addWidget(self.before_view, 1)
        row.addWidget(self.after_view, 1)
        self.setStyleSheet("SideBySideView { background: #202020; }")
        self.setAttribute(Qt.WA_StyledBackground)
        self.preview = GesturePreview(self, [self.before_view, self.after_view], lambda view: view.geometry())
        self.labels = (ScenarioLabel(scenario_label(before), SCENARIO_SWATCH[0], self),
                       ScenarioLabel(scenario_label(after), SCENARIO_SWATCH[1], self))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.layout().activate()
        self.preview.setGeometry(self.rect())
        for view, label in zip(self.views(), self.labels):
            label.move(view.x() + MARGIN_PX, MARGIN_PX)
            label.raise_()
        self.preview.capture_later(FIRST_CAPTURE_MS)



def make_compare_view(document, scenario_b: str, layout: str, parent: QWidget | None = None,
                      *, before: str | None = None) -> QWidget:
    """The before/after view of workshop mode (``WorkshopMode.set_compare``): ``layout`` "swipe" or
    "side"; "after" is ``scenario_b`` and "before" the scenario shown — or the other way round when
    ``scenario_b`` is the one the shown scenario was made from (``before_after``); ``before`` names it
    outright."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout is one of {LAYOUTS}, not {layout!r}")
    document.plan.require_scenario(scenario_b)
    if before is None:
        before, after = before_after(document.plan, document.scenario, scenario_b)
    else:
        document.plan.require_scenario(before)
        after = scenario_b
    cls = SwipeView if layout == "swipe" else SideBySideView
    return cls(document, before, after, parent)


__all__ = ["SwipeView", "SideBySideView", "ViewLink", "GesturePreview", "make_compare_view", "before_after",
           "scenario_label", "new_facility_keys", "mark_new", "NewTag", "TagSpacing", "LAYOUTS"]

"""The workshop view (工作坊模式): map, resident summary and a touch bar, full screen (issue 13).

``enter(window)`` shows a MainWindow in workshop mode: its editing docks, tool bars, menus and
status bar hidden, its map moved into a ``WorkshopMode`` beside the summary for residents and above
a bar of large buttons (a planner often runs it on a touch screen), full screen on the projector
(the screen that is not the window's, when there are two). ``leave(window, workshop)`` puts the
editing desktop back exactly (``QMainWindow.saveState``/``restoreState``).

In workshop mode the map pans on a drag and shows who a facility serves on a click
(``PlanSession.catchment``): the area walked within the rule's limit, the network reached, the
homes that reach it first, and "步行 10 分钟 · 服务 N 户". ``set_compare`` swaps the map for a
before/after view made by ``compare_views`` (ui/workshop/compare.py, the swipe lane) when present.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import numpy as np
import shapely
from PySide6.QtCore import QByteArray, QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QGuiApplication, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (QDockWidget, QGraphicsItem, QGraphicsPathItem, QHBoxLayout, QPushButton,
                               QStackedLayout, QToolBar, QVBoxLayout, QWidget)

from ...model.errors import PlanError
from ...model.schema import COMMENTS, FACILITIES, RESIDENTIAL, STOPS
from ...model.workshop import PACE_EN, PACE_ZH
from .. import i18n
from ..map import styles
from ..map.items import painter_path, shape_items
from .compare import NEW_COLOUR, NewMarks, before_after, new_facility_keys
from .style import apply_workshop_style, points_to_pixels, restore_style
from .summary import LegendBox, ResidentSummaryPanel, legend_entries, line_swatch, swatch

LAYOUTS = ("single", "swipe", "side")
TOUCH_BUTTON_PX = 64  # the height of a touch bar button (a fingertip, issue 13 item 4)
CLICK_PX = 8          # a press and release closer than this is a click, not a pan
SUMMARY_SHARE = 0.3   # of the window's width: the summary beside the map
COMMENTS_SHARE = 0.4  # of the window's width: the comments panel in its place (its text is longer)
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" of a widget's size (not exported by PySide6)

CATCHMENT_INK = "#0b4f9c"
CATCHMENT_Z = styles.LAYER_Z[RESIDENTIAL] - 0.5  # the area under the homes, over the base map
Key = tuple[str, int]


def compare_views():
    """``make_compare_view(document, scenario_b, layout, parent) -> QWidget`` of ui/workshop/compare.py,
    or None while that module is not there."""
    try:
        from .compare import make_compare_view
    except ImportError:
        return None
    return make_compare_view


def button_words(action_text: str) -> str:
    """A menu action's text as a button's: no mnemonic ("&P", "(&P)"), no "…"."""
    return re.sub(r"\s*\(&\w\)", "", action_text).replace("&", "").rstrip("…. ")


def workshop_screen(window, chosen=None):
    """The screen workshop mode shows on: ``chosen`` when it is still connected, else a screen that
    is not the window's (the projector beside the laptop), else the window's."""
    screens = QGuiApplication.screens()
    if chosen is not None and chosen in screens:
        return chosen
    current = window.screen()
    others = [s for s in screens if s is not current]
    return others[0] if others else current


def catchment_words(catchment) -> str:
    """"步行 10 分钟 · 服务社区内 120 户" as the summary says the limit: "老人步行 10 分钟" at an older
    person's pace, "步行 500 米" for a limit stated in metres."""
    zh = i18n.language() == "zh"
    households = round(catchment.households)
    pace = catchment.pace
    if catchment.minutes is not None:
        walk = (f"{PACE_ZH.get(pace, '')}步行 {catchment.minutes:g} 分钟" if zh
                else f"{catchment.minutes:g} minutes' walk{PACE_EN.get(pace, '')}")
    else:
        walk = f"步行 {catchment.limit_m:g} 米" if zh else f"{catchment.limit_m:g} m walk"
    # The homes of the rule's unit, as the summary line beside it counts them (review item 2).
    serves = (f"服务{catchment.unit_zh}内 {households} 户" if zh
              else f"serves {households} households in the {catchment.unit_en}")
    return f"{walk} · {serves}"


def outside_words(catchment) -> str:
    """"（另有 N 户在社区范围外）": homes beyond the rule's unit that reach it first; "" when none."""
    words = catchment.outside_words(i18n.language())
    if not words:
        return ""
    return f"（{words}）" if i18n.language() == "zh" else f"({words})"


# --- the catchment on the map ---------------------------------------------------------------------
class CalloutItem(QGraphicsItem):
    """A large two-line label in a white box, the same size at every zoom, above its anchor."""

    def __init__(self, title: str, text: str):
        super().__init__()
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.title, self.text = title, text
        self._title_font = styles.font(points_to_pixels(20), bold=True)
        self._font = styles.font(points_to_pixels(24), bold=True)
        t, m = QFontMetricsF(self._title_font), QFontMetricsF(self._font)
        w = max(t.horizontalAdvance(title), m.horizontalAdvance(text)) + 32
        h = t.height() + m.height() + 22
        self._rect = QRectF(-w / 2, -h - 70, w, h)  # above the facility's badge

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(QColor(CATCHMENT_INK), 3))
        painter.setBrush(QColor(255, 255, 255, 240))
        painter.drawRoundedRect(self._rect, 8, 8)
        t = QFontMetricsF(self._title_font)
        painter.setPen(QColor("#222222"))
        painter.setFont(self._title_font)
        top = self._rect.adjusted(0, 8, 0, 0)
        painter.drawText(QRectF(top.left(), top.top(), top.width(), t.height()), Qt.AlignCenter, self.title)
        painter.setPen(QColor(CATCHMENT_INK))
        painter.setFont(self._font)
        line = QRectF(top.left(), top.top() + t.height() + 4, top.width(), QFontMetricsF(self._font).height())
        painter.drawText(line, Qt.AlignCenter, self.text)


class CatchmentOverlay:
    """Who one facility serves, drawn on a map view: the area walked, the network reached, the
    homes that reach it first, the facility outlined and the callout."""

    AREA_BRUSH = QBrush(styles.with_alpha("#4a90d9", 70))
    EDGE_PEN = styles.cosmetic(styles.with_alpha(CATCHMENT_INK, 210), 4.0)
    # The homes it is nearest to: solid and darker than the light-blue area they stand in, with a
    # white edge, so a washed-out projector still tells them apart (review item 10).
    HOME_COLOUR = "#0d2f6e"
    HOME_PEN = styles.cosmetic("#ffffff", 2.5)
    HOME_BRUSH = QBrush(styles.with_alpha(HOME_COLOUR, 235))
    FACILITY_PEN = styles.cosmetic("#e000a8", 5.0)

    def __init__(self, view):
        self.view = view
        self.catchment = None
        self.text = ""
        self._items: list[QGraphicsItem] = []

    def show(self, catchment, title: str) -> None:
        self.clear()
        self.catchment, self.text = catchment, catchment_words(catchment)
        scene = self.view.scene()
        area = QGraphicsPathItem(painter_path(catchment.area))
        area.setPen(QPen(Qt.NoPen))  # the fill's edge is enough; outlines of every street piece were noise
        area.setBrush(self.AREA_BRUSH)
        area.setZValue(CATCHMENT_Z)
        self._add(area, scene)
        for item in shape_items(np.array(list(catchment.edges), dtype=object)):
            if item is not None:
                item.setPen(self.EDGE_PEN)
                item.setZValue(styles.WALK_OVERLAY_Z + 1)
                self._add(item, scene)
        for fid in catchment.homes_first:
            item = self.view.overlay_item((RESIDENTIAL, fid), self.HOME_PEN, self.HOME_BRUSH, styles.WALK_OVERLAY_Z)
            if item is not None:
                self._items.append(item)
        outline = self.view.overlay_item(catchment.key, self.FACILITY_PEN, QBrush(Qt.NoBrush), styles.HIGHLIGHT_Z)
        if outline is not None:
            self._items.append(outline)
        feature = self.view.feature(catchment.key)
        if feature is not None:
            pt = shapely.point_on_surface(feature.geometry)
            callout = CalloutItem(title, self.text)
            callout.setPos(pt.x, pt.y)
            callout.setZValue(styles.TOOL_Z - 1)
            self._add(callout, scene)

    def _add(self, item: QGraphicsItem, scene) -> None:
        item.setAcceptedMouseButtons(Qt.NoButton)
        scene.addItem(item)
        self._items.append(item)

    def clear(self) -> None:
        for item in self._items:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self._items, self.catchment, self.text = [], None, ""

    def forget(self) -> None:
        """The view replaced its scene: the items went with it."""
        self._items, self.catchment, self.text = [], None, ""


class _MapInput(QObject):
    """On the map's viewport: tells a click (press and release in one place, the pan tool active)
    from a pan. On the map itself: Esc leaves (the map would take it to go back to its select tool)."""

    def __init__(self, view, clicked, escaped):
        super().__init__(view)
        self.view, self.clicked, self.escaped, self._down = view, clicked, escaped, None

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.KeyPress and event.key() == Qt.Key_Escape and obj is self.view:
            self.escaped()
            return True
        if kind == QEvent.MouseButtonPress and event.button() == Qt.LeftButton:
            self._down = event.position()
        elif kind == QEvent.MouseButtonRelease and event.button() == Qt.LeftButton and self._down is not None:
            moved = (event.position() - self._down).manhattanLength()
            self._down = None
            if moved <= CLICK_PX and self.view.tool() == "pan":
                p = self.view.mapToScene(event.position().toPoint())
                self.clicked((p.x(), p.y()))
        return False  # the map still pans


# --- the workshop view ----------------------------------------------------------------------------
@dataclass
class _Saved:
    """What ``enter`` changed of the window, to put back on ``leave``."""
    state: QByteArray
    geometry: QByteArray
    window_state: Qt.WindowState
    menu_bar: bool
    status_bar: bool
    tool: str
    central: QWidget
    canvas_index: int
    scenario: str | None = None  # the scenario being edited: a comparison may show another one


class WorkshopMode(QWidget):
    """The workshop view over ``window`` (a MainWindow). ``leaveRequested`` when the planner leaves;
    ``catchmentShown(key or None)`` when a facility's catchment is shown or cleared."""

    leaveRequested = Signal()
    catchmentShown = Signal(object)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.setObjectName("workshopMode")
        self.window_ = window
        self.document = window.document
        self.canvas = window.canvas
        self.compare: str | None = None
        self.layout_name = "single"
        self.compare_view: QWidget | None = None
        self.screen_choice = None
        self.saved: _Saved | None = None
        self.summary = None  # the ResidentSummary shown
        self._before_results = None

        self.map_area = QWidget(self)
        self._map_stack = QStackedLayout(self.map_area)
        self._map_stack.setContentsMargins(0, 0, 0, 0)
        self.panel = ResidentSummaryPanel(self)
        self.legend = LegendBox(self.map_area)  # floats over the map, outside the stack
        self.map_area.installEventFilter(self)  # kept in the lower left corner as the map resizes
        self.touch_bar = QWidget(self)
        self.touch_bar.setObjectName("workshopTouchBar")
        self.touch_bar.setStyleSheet(
            "QWidget#workshopTouchBar { background: #1f2328; }"
            f"QPushButton {{ min-height: {TOUCH_BUTTON_PX}px; font-size: {points_to_pixels(16)}px; font-weight: bold;"
            " color: #111111; background: #f4f4f4; border: 2px solid #888888; border-radius: 8px; padding: 0 18px; }"
            "QPushButton:checked { background: #ffd54f; border-color: #111111; }"
            "QPushButton:disabled { color: #888888; background: #cfcfcf; }")
        self._bar = QHBoxLayout(self.touch_bar)
        self._bar.setContentsMargins(12, 8, 12, 8)
        self._bar.setSpacing(12)
        self.buttons: dict[str, QPushButton] = {}
        self._canvas_overlay = CatchmentOverlay(self.canvas)
        self._after_overlay: CatchmentOverlay | None = None  # on the "after" map of a before/after view
        self._after_input: _MapInput | None = None
        self._canvas_new = None  # compare.NewMarks: the new facilities ringed on the one map

        row = self._row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.map_area, 1)
        row.addWidget(self.panel)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(row, 1)
        column.addWidget(self.touch_bar)
        self._build_bar()

        # Esc leaves (F5 is the window's action, added to this widget so it works with the menus hidden).
        self._esc = QShortcut(QKeySequence(Qt.Key_Escape), self, self.leaveRequested.emit,
                              context=Qt.WidgetWithChildrenShortcut)
        doc = self.document
        doc.resultsReady.connect(self.refresh_summary)
        doc.changed.connect(self._on_changed)
        doc.scenarioChanged.connect(self._on_scenario)
        self.canvas.toolChanged.connect(self._on_tool)
        self._input = _MapInput(self.canvas, self.click_at, self.leaveRequested.emit)

    # --- the touch bar --------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot, checkable: bool = False) -> QPushButton:
        button = QPushButton(text, self.touch_bar)
        button.setObjectName(f"workshop_{name}")
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.NoFocus)  # the map keeps the keys (Esc, F5)
        button.clicked.connect(lambda _checked=False: slot())
        self._bar.addWidget(button)
        self.buttons[name] = button
        return button

    def _build_bar(self) -> None:
        window = self.window_
        self._button("leave", self.tr("Leave"), self.leaveRequested.emit)
        self._button("fit", self.tr("Whole Plan"), self.fit)
        self._bar.addSpacing(24)
        for layout, text in (("single", self.tr("One Map")), ("swipe", self.tr("Before | After Swipe")),
                             ("side", self.tr("Side by Side"))):
            self._button(layout, text, partial(self._layout_chosen, layout), checkable=True)
        self._bar.addSpacing(24)
        # The other lanes' actions, when the window has them (a missing action: no button).
        pin = getattr(window, "tool_actions", {}).get("pin")
        if pin is not None:
            self._button("pin", button_words(pin.text()) or self.tr("Pin"), self._toggle_pin, checkable=True)
        if window.actions_.get("comments") is not None and getattr(window, "comments_panel", None) is not None:
            self._button("comments", button_words(window.actions_["comments"].text()), self.toggle_comments,
                         checkable=True)
        act = window.actions_.get("export_poster")
        if act is not None:
            self._button("export_poster", button_words(act.text()), act.trigger)
        self._bar.addStretch(1)
        if len(QGuiApplication.screens()) > 1:
            self._button("screen", self.tr("Other Screen"), self.next_screen)
        self._sync_buttons()

    def _layout_chosen(self, layout: str) -> None:
        # One map keeps the summary's comparison as it is; a swipe or two maps need a "before".
        self.set_compare(self.compare if layout == "single" else self.compare or self.default_before(), layout)

    def _sync_buttons(self) -> None:
        can_compare = compare_views() is not None and self.default_before() is not None
        for layout in LAYOUTS:
            button = self.buttons[layout]
            button.setChecked(layout == self.layout_name)
            button.setEnabled(layout == "single" or can_compare)
        if "pin" in self.buttons:
            self.buttons["pin"].setChecked(self.canvas.tool() == "pin")

    def comments_shown(self) -> bool:
        """The comments panel is beside the map (in place of the summary)."""
        panel = getattr(self.window_, "comments_panel", None)
        return panel is not None and panel.parentWidget() is self

    def toggle_comments(self) -> None:
        """The comments panel beside the map in place of the summary, its rows large enough to read
        from the back of the room; again: the summary back. The panel is the window's, taken from
        its dock meanwhile: a dock beside the workshop would squeeze the map and the touch bar."""
        window = self.window_
        panel = window.comments_panel
        on = not self.comments_shown()
        if on:
            self._row.addWidget(panel)  # out of the dock (Qt's layouts follow the reparenting)
            panel.setFixedWidth(round(self.width() * COMMENTS_SHARE))
            panel.show()
        else:
            self._return_comments()
        panel.set_presentation(on)
        self.panel.setVisible(not on)  # one column to read beside the map, not two
        self.buttons["comments"].setChecked(on)

    def _return_comments(self) -> None:
        panel = self.window_.comments_panel
        if panel.parentWidget() is self:
            panel.setMaximumWidth(QWIDGETSIZE_MAX)  # setFixedWidth undone: CommentsPanel's own limits
            panel.setMinimumSize(200, 80)
            self.window_.docks["comments"].setWidget(panel)
            panel.set_presentation(False)  # the editing sizes in the dock

    def _toggle_pin(self) -> None:
        if self.canvas.tool() == "pin":
            self.canvas.set_tool("pan")
        else:
            if self.layout_name != "single":
                # Pins are placed on the one map (the canvas, which draws them); the before/after maps
                # show the plan as it was when compared and have no pin tool.
                self.set_compare(self.compare, "single")
            self.window_.tool_actions["pin"].trigger()

    def _on_tool(self, _name: str) -> None:
        self._sync_buttons()

    # --- what it shows ----------------------------------------------------------------------------
    def default_before(self) -> str | None:
        """The scenario to compare with: the current one's parent, else the first other one."""
        session = self.document.session
        if session is None:
            return None
        scenarios = {s.name: s for s in session.scenarios()}
        current = scenarios.get(self.document.scenario)
        if current is not None and current.parent in scenarios and current.parent != current.name:
            return current.parent
        others = [name for name in scenarios if name != self.document.scenario]
        return others[0] if others else None

    def set_compare(self, scenario: str | None, layout: str = "single") -> None:
        """Show ``scenario`` as "before" beside the current one ("after") in ``layout``
        ("single", "swipe", "side"); ``None`` or "single": the current scenario alone (the
        summary still compares with ``scenario`` when one is given)."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout is one of {LAYOUTS}, not {layout!r}")
        if scenario is not None and self.document.session is not None:
            self.document.session.plan.require_scenario(scenario)  # PlanError: one clear sentence
            # "Before" is the scenario the other was made from, whichever one was named (the swipe
            # orders its maps so): `--compare 规划方案` on a plan opened at base reads base → 规划方案.
            # The summary's "after" is the document's scenario, so the document shows the later one.
            before, after = before_after(self.document.plan, self.document.scenario, scenario)
            if before != after:
                self.document.switch_scenario(after)
                scenario = before
        factory = compare_views()
        if layout != "single" and (scenario is None or factory is None):
            layout = "single"  # nothing to compare with, or no compare views in this build

        if scenario == self.document.scenario:  # "before" and "after" one scenario: nothing to compare
            scenario, layout = None, "single"
        self.compare, self.layout_name, self._before_results = scenario, layout, None
        if self.compare_view is not None:
            self.clear_catchment()
            self._after_overlay = self._after_input = None  # they go with the view
            self._map_stack.removeWidget(self.compare_view)
            self.compare_view.deleteLater()
            self.compare_view = None
        self._mark_new_on_canvas()
        if layout == "single":
            self._map_stack.setCurrentWidget(self.canvas)
        else:
            self.clear_catchment()
            self.compare_view = factory(self.document, scenario, layout, self.map_area)
            self._map_stack.addWidget(self.compare_view)
            self._map_stack.setCurrentWidget(self.compare_view)
            self._catchments_on_after_map()
        self._sync_buttons()
        self.refresh_summary()

    def _mark_new_on_canvas(self) -> None:
        """One map compared with another scenario: the facilities it adds ringed and tagged "新" as
        the before/after views ring them (issue 13 item 2: new facilities highlighted)."""
        if self._canvas_new is not None:
            self._canvas_new.clear()
            self._canvas_new = None
        if self.layout_name == "single" and self.compare is not None:
            self._canvas_new = NewMarks(self.canvas, new_facility_keys(self.document.plan, self.compare,
                                                                       self.document.scenario))

    def _catchments_on_after_map(self) -> None:
        """A click on a facility of the "after" map (the document's scenario, the one the session
        counts) shows its catchment there. The "before" map shows none: its households are another
        run's, and one catchment at a time is what a room can follow."""
        after = getattr(self.compare_view, "after_view", None)
        scenarios = getattr(self.compare_view, "scenarios", ())
        if after is None or len(scenarios) != 2 or scenarios[1] != self.document.scenario:
            return
        self._after_overlay = CatchmentOverlay(after)
        self._after_input = _MapInput(after, partial(self.click_at, view=after), self.leaveRequested.emit)
        after.viewport().installEventFilter(self._after_input)

    @property
    def overlay(self) -> CatchmentOverlay:
        """The catchment drawn on the map shown: the "after" map of a before/after view, else the canvas."""
        if self.compare_view is not None and self._after_overlay is not None:
            return self._after_overlay
        return self._canvas_overlay

    def refresh_summary(self, results=None) -> None:
        """The summary, legend and credit for the plan as validated now."""
        session = self.document.session
        results = results if results is not None else self.document.results
        if session is None or results is None or results.scenario != self.document.scenario:
            return  # a run of another scenario: the next one follows
        try:
            if self.compare is not None and (self._before_results is None
                                             or self._before_results.scenario != self.compare):
                self._before_results = session.validate(scenario=self.compare)
            self.summary = session.resident_summary(self.compare, results=results,
                                                    before_results=self._before_results)
        except PlanError as e:  # a plan the validator cannot judge: say so, keep the map
            self.panel.show_catchment(e.message(i18n.language()))
            return
        self.panel.show_summary(self.summary, session.plan.name, session.catalogue)
        self._show_legend()
        self.panel.show_credit(session.credits())

    def _show_legend(self) -> None:
        session = self.document.session
        if self.overlay.catchment is not None:
            # While a catchment is shown the legend says only what its colours mean: the full one
            # covered a third of the map, and of the catchment (review item 10).
            self.legend.show_entries([(swatch("#c9dcf2", CATCHMENT_INK), self.tr("Reached on foot")),
                                      (line_swatch(CATCHMENT_INK), self.tr("Paths walked")),
                                      (swatch(CatchmentOverlay.HOME_COLOUR, CATCHMENT_INK),
                                       self.tr("Homes it is nearest to"))])
            self._place_legend()
            return
        facilities = session.plan.features(FACILITIES, self.document.scenario)
        entries = legend_entries(session.catalogue, facilities, i18n.language(),
                                 stops=session.plan.features(STOPS, self.document.scenario))
        ringed = (self._canvas_new.keys if self._canvas_new is not None
                  else getattr(self.compare_view, "new_keys", None))  # the magenta rings of compare.NewMarks
        if ringed:
            entries.append((swatch("", NEW_COLOUR), self.tr("New in this plan")))
        self.legend.show_entries(entries)
        self._place_legend()

    def _place_legend(self) -> None:
        # Above the map's scale bar (ui/map/overlays.ScaleBar: its text and a box of 28 px more).
        above = round(QFontMetricsF(styles.overlay_font(self.canvas, "scale", True)).ascent()) + 56
        self.legend.adjustSize()
        self.legend.move(12, max(0, self.map_area.height() - self.legend.height() - above))
        self.legend.raise_()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.map_area and event.type() == QEvent.Resize:
            self._place_legend()
        return False

    def _on_changed(self, changes) -> None:
        self._before_results = None  # the "before" scenario may have changed too
        badges = getattr(self.canvas, "workshop_badges", None)
        if badges is not None and FACILITIES in changes.layers():
            badges.sync(force=True)
        if self._canvas_new is not None and FACILITIES in changes.layers():
            self._mark_new_on_canvas()
        if self.overlay.catchment is not None and set(changes.layers()) - {COMMENTS}:
            # What it serves changed and the validation that counts it is still running: cleared, not
            # shown with the last run's count (a pin, in the comments layer, changes nothing of it).
            self.clear_catchment()

    def _on_scenario(self, _name: str) -> None:
        self._canvas_overlay.forget()  # the canvas's new scene dropped the items
        self._mark_new_on_canvas()
        self.panel.show_catchment(None)

    # --- who a facility serves ----------------------------------------------------------------------
    def click_at(self, xy, view=None) -> None:
        """A click on the map (``view``: the canvas, or the "after" map of a before/after view): the
        catchment of the facility (or stop) there, else none."""
        keys = [k for k in (view or self.canvas).features_at(xy, [FACILITIES, STOPS])]
        if keys:
            self.show_catchment(keys[0])
        else:
            self.clear_catchment()

    def show_catchment(self, key: Key) -> bool:
        """Draw who facility ``key`` serves; False (and nothing drawn) when no walking rule judges it."""
        session = self.document.session
        results = self.document.results
        if session is None:
            return False
        key = (key[0], int(key[1]))
        catchment = session.catchment(key, results=results if results is not None
                                      and results.scenario == self.document.scenario else None)
        overlay = self.overlay
        feature = overlay.view.feature(key)
        title = self._facility_title(feature)
        if catchment is None:
            self.clear_catchment()
            self.panel.show_catchment(i18n.fill(self.tr("%1: no walking distance is set for this kind of place"),
                                                title))
            return False
        overlay.show(catchment, title)
        outside = outside_words(catchment)
        self.panel.show_catchment(f"{title}\n{overlay.text}" + (f"\n{outside}" if outside else ""))
        self._show_legend()
        self._recapture()
        self.catchmentShown.emit(key)
        return True

    def _recapture(self) -> None:
        # A before/after view previews a pan with the frames it captured at rest: take them again.
        preview = getattr(self.compare_view, "preview", None)
        if preview is not None:
            preview.capture_later()

    def _facility_title(self, feature) -> str:
        if feature is None:
            return ""
        name = feature.attributes.get("name") or ""
        code = feature.attributes.get("type")
        catalogue = self.document.session.catalogue
        kind = catalogue.types[code].name(i18n.language()) if code in catalogue.types else (code or "")
        return f"{kind} · {name}" if name and name != kind else kind

    def clear_catchment(self) -> None:
        had = self.overlay.catchment is not None
        self.overlay.clear()
        self.panel.show_catchment(None)
        if had:
            self._show_legend()
            self._recapture()
            self.catchmentShown.emit(None)

    def catchment_text(self) -> str:
        """The catchment's words on the map now ("步行 10 分钟 · 服务 120 户"), "" when none."""
        return self.overlay.text

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.panel.setFixedWidth(max(480, round(self.width() * SUMMARY_SHARE)))
        if self.comments_shown():
            self.window_.comments_panel.setFixedWidth(round(self.width() * COMMENTS_SHARE))

    # --- navigation and screens -----------------------------------------------------------------
    def fit(self) -> None:
        self.canvas.fit_plan()

    def next_screen(self) -> None:
        """Full screen on the next screen (a projector that was not chosen first)."""
        screens = QGuiApplication.screens()
        current = self.window_.screen()
        self.screen_choice = screens[(screens.index(current) + 1) % len(screens)] if current in screens else None
        show_full_screen(self.window_, workshop_screen(self.window_, self.screen_choice))

    def closing(self) -> None:
        """Disconnect from the document and the map before the view goes."""
        doc = self.document
        doc.resultsReady.disconnect(self.refresh_summary)
        doc.changed.disconnect(self._on_changed)
        doc.scenarioChanged.disconnect(self._on_scenario)
        self.canvas.toolChanged.disconnect(self._on_tool)
        self.canvas.viewport().removeEventFilter(self._input)
        self.canvas.removeEventFilter(self._input)
        self.clear_catchment()
        if self._after_input is not None:
            self._after_input.view.viewport().removeEventFilter(self._after_input)
        if self._canvas_new is not None:
            self._canvas_new.clear()
            self._canvas_new = None
        if "comments" in self.buttons:
            self._return_comments()


def show_full_screen(window, screen) -> None:
    """``window`` full screen on ``screen``."""
    if window.isFullScreen():
        window.showNormal()
    handle = window.windowHandle()
    if handle is not None and screen is not None:
        handle.setScreen(screen)
    if screen is not None:
        window.move(screen.availableGeometry().topLeft())
    window.showFullScreen()


def enter(window, full_screen: bool = True, compare: str | None = None) -> WorkshopMode:
    """Show ``window`` (a MainWindow) in workshop mode; ``leave`` puts its editing desktop back.
    ``full_screen``: False keeps the window's size (screenshots, tests). ``compare``: the scenario
    ``set_compare`` will be given next, if known."""
    canvas = window.canvas
    saved_state, saved_geometry = window.saveState(), window.saveGeometry()
    workshop = WorkshopMode(window)
    central = window.centralWidget()
    index = central.layout().indexOf(canvas)
    workshop._map_stack.addWidget(canvas)  # reparented from the editing column into the workshop
    workshop.saved = _Saved(saved_state, saved_geometry, window.windowState(), window.menuBar().isVisible(),
                            window.statusBar().isVisible(), canvas.tool(), window.takeCentralWidget(), index,
                            window.document.scenario)
    for dock in window.findChildren(QDockWidget):
        if dock.parent() is window:
            dock.hide()
    for bar in window.findChildren(QToolBar):
        if bar.parent() is window:
            bar.hide()
    window.menuBar().hide()
    window.statusBar().hide()
    document = window.document
    if compare is not None and document.session is not None \
            and compare in {s.name for s in document.plan.scenarios()}:
        # The map shows the later of the two (set_compare): shown before it takes the workshop
        # look, its layers are built once, not in the look for one scenario and again for the other.
        document.switch_scenario(before_after(document.plan, document.scenario, compare)[1])
    window.setCentralWidget(workshop)
    workshop.show()  # now, not when the layout's queued show comes: F5 must find it visible at once
    workshop.addAction(window.actions_["workshop"])  # F5 with the menus hidden
    workshop.leaveRequested.connect(window.leave_workshop)
    apply_workshop_style(canvas)
    canvas.set_tool("pan")
    canvas.viewport().installEventFilter(workshop._input)
    canvas.installEventFilter(workshop._input)
    if full_screen:
        show_full_screen(window, workshop_screen(window))
    canvas.setFocus()  # the summary follows from set_compare (MainWindow.enter_workshop calls it at once)
    return workshop


def leave(window, workshop: WorkshopMode) -> None:
    """Undo ``enter``: the editing desktop as it was — docks, tool bars, menus, the map's tool, the scenario."""
    saved, canvas = workshop.saved, window.canvas
    workshop.closing()
    if workshop.compare_view is not None:
        workshop.compare_view.deleteLater()
    restore_style(canvas)
    if saved.scenario is not None and window.document.scenario != saved.scenario:
        # A comparison shows the later scenario (set_compare): the planner goes on editing the one
        # they were on (a scenario gone meanwhile: the document says so and stays where it is).
        window.document.switch_scenario(saved.scenario)
    window.takeCentralWidget()  # the workshop view, deleted below
    saved.central.layout().insertWidget(saved.canvas_index, canvas)
    window.setCentralWidget(saved.central)
    saved.central.show()  # a widget taken out of a window, or moved to another parent, is hidden
    canvas.show()
    window.menuBar().setVisible(saved.menu_bar)
    window.statusBar().setVisible(saved.status_bar)
    if window.isFullScreen() and not saved.window_state & Qt.WindowFullScreen:
        window.showNormal()
    window.setWindowState(saved.window_state)
    window.restoreGeometry(saved.geometry)
    window.restoreState(saved.state)
    canvas.set_tool(saved.tool)
    workshop.removeAction(window.actions_["workshop"])
    workshop.setParent(None)
    workshop.deleteLater()

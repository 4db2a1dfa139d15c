"""The main window (主窗口): the map in the middle, the panels in docks around it (design.md §6).

The window only builds and wires (design.md §10). The plan, its scenario, its selection, its
undo history and its live validation are the :class:`PlanDocument`'s (ui/document.py, over the
Qt-free PlanSession); the map and the panels listen to the document's signals themselves, and
every change to the plan goes through ``document.push`` (one undoable step, saved at once).

Switching language rebuilds the menus, tool bars and docks (a window rebuild, not a restart); the
map, the document, its undo history and its validation loop live on.
"""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QInputDialog, QLabel, QMainWindow, QMessageBox,
                               QToolBar, QUndoView, QVBoxLayout, QWidget, QWidgetAction)

from ..model import crs
from ..model.catalogue import Catalogue, load_catalogue
from ..model.errors import PlanError, as_plan_error
from ..model.findings import Finding, Results
from ..model.plan import Plan
from ..model.session import PlanSession, create_plan, create_plan_from_osm
from ..model.store import ForeignCode
from . import i18n
from .map.view import MapView
from .panels.attributes import AttributePanel
from .panels.common import icon
from .panels.checklist import ChecklistPanel, RulePacksDialog
from .panels.coverage import CoverageChart
from .dock_share import KeepDockShare
from .panels.findings import FindingsPanel
from .panels.layers import LayersPanel
from .panels.import_dxf import CadImportDialog, DxfRead
from .cad_layers import CadLayers
from .raster_layers import RasterLayers
from .panels.new_plan import NewPlanDialog, OsmImport, default_plan_path
from .panels.palette import FacilityPalette
from .panels.walk_homes import metres, type_names
from .panels.settings import PlanSettingsDialog
from .document import PlanDocument
from .scenarios import NoteBanner, scenario_button
from .undo import scenario_title
from .validation import DEBOUNCE_MS
from .export_dialog import open_export_dialog  # issue 12: File → Export Bundle…
from .panels.comments import CommentsPanel, export_comments_dialog  # issue 13: 居民意见

RECENT_KEY = "plans/recent"
LAST_KEY = "plans/last"
MAX_RECENT = 8

# The map tools (ui/tools, MapView.set_tool names) with their tool bar icons and shortcuts.
TOOLS = ("select", "pan", "polygon", "rectangle", "vertex", "path", "gate", "entrance", "stop", "unit", "measure",
         "delete", "duplicate", "pin")
TOOL_SHORTCUTS = {"select": "S", "pan": "H", "polygon": "P", "rectangle": "R", "vertex": "V", "path": "W",
                  "gate": "G", "entrance": "E", "stop": "T", "unit": "U", "measure": "M", "duplicate": "D",
                  "pin": "C"}


def recent_plans() -> list[str]:
    return [p for p in (QSettings().value(RECENT_KEY, [], type=list) or []) if p]


def remember_plan(path: Path) -> None:
    path = str(Path(path).resolve())
    recent = [path] + [p for p in recent_plans() if p != path]
    s = QSettings()
    s.setValue(RECENT_KEY, recent[:MAX_RECENT])
    s.setValue(LAST_KEY, path)


def agree_to_remove_code(error: ForeignCode, parent: QWidget | None = None) -> bool:
    """Ask whether the triggers or views another program stored in a plan may be removed (design.md
    §2: no code stored in a received file runs unasked)."""
    translate = QCoreApplication.translate
    answer = QMessageBox.question(
        parent, translate("MainWindow", "Code stored in the plan"),
        error.message(i18n.language()) + "\n\n" + translate("MainWindow", "Remove that code and open the plan?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(QMainWindow):
    """``resultsShown(Results)`` once validation results are on screen (findings, chart, summary)."""

    resultsShown = Signal(object)

    def __init__(self, plan: Plan | PlanSession | None = None, *, catalogue: Catalogue | None = None,
                 validator_factory=None, debounce_ms: int = DEBOUNCE_MS, restore_state: bool = True):
        super().__init__()
        self.setObjectName("MainWindow")
        self.catalogue = catalogue or load_catalogue()
        self.active_finding: Finding | None = None
        self._walk_key = None
        self._ui: list = []  # what a language switch tears down and builds again
        self._dock_widgets: dict[str, QDockWidget] = {}  # kept through a language switch
        self._tool = "select"
        self.settings_dialog: PlanSettingsDialog | None = None
        self.boundary_prompt: QMessageBox | None = None  # offer_boundary(), until answered

        self.document = doc = PlanDocument(self, debounce_ms=debounce_ms, validator_factory=validator_factory)
        doc.refused.connect(self._on_refused)
        doc.historyNote.connect(self._on_history_note)
        doc.validationFailed.connect(self._on_validation_failed)
        doc.busyChanged.connect(self._on_busy)
        doc.sessionChanged.connect(self._on_session)
        doc.scenarioChanged.connect(self._on_scenario)
        doc.reachableReady.connect(self._on_reachable)
        # Queued: the panels (connected when they are built) show the results first.
        doc.resultsReady.connect(self._on_results, Qt.ConnectionType.QueuedConnection)
        # Connected once: the slot looks up the actions of the current (possibly rebuilt) UI.
        for sig in (doc.stack.undoTextChanged, doc.stack.redoTextChanged,
                    doc.stack.canUndoChanged, doc.stack.canRedoChanged):
            sig.connect(self._update_undo_texts)

        self.canvas = MapView(self.catalogue, self)
        # Above the map, shown while the plan is read-only (design.md §2): the planner learns it
        # before an edit is refused, not from the refusal.
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 6px; }")
        self.read_only_banner.hide()
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        # Above the map: "Switched to scenario 方案二 to undo: …" (issue 16).
        self.scenario_note = NoteBanner(central)
        column.addWidget(self.scenario_note)
        column.addWidget(self.canvas)
        self.setCentralWidget(central)
        self.canvas.bind(doc)
        doc.changed.connect(self._after_change)
        self.canvas.cursorMoved.connect(self._on_cursor)
        self.canvas.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.canvas.toolChanged.connect(self._sync_tool)  # Esc on the map goes back to select
        self.canvas.set_language(i18n.language())

        self._build_ui()
        self._needs_default_layout = True
        if restore_state:
            s = QSettings()
            geometry, state = s.value("window/geometry"), s.value("window/state")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            if isinstance(state, QByteArray):
                self._needs_default_layout = not self.restoreState(state)
        if plan is not None:
            self.set_plan(plan)

    @property
    def session(self) -> PlanSession | None:
        return self.document.session

    # ==== building the window ==================================================================
    def _build_ui(self) -> None:
        self._build_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_docks()
        self._build_statusbar()
        if self.document.session is not None:
            self._fill_for_plan()

    def _teardown_ui(self) -> None:
        self.menuBar().clear()
        for obj in self._ui:
            if isinstance(obj, QWidget) and obj.parent() is self.statusBar():
                self.statusBar().removeWidget(obj)
            obj.deleteLater()
        self._ui.clear()

    def _action(self, text: str, slot=None, shortcut=None, icon_name: str | None = None, checkable=False,
                tip: str | None = None) -> QAction:
        act = QAction(text, self)
        if icon_name:
            act.setIcon(icon(icon_name))
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts(list(shortcut))
            else:
                act.setShortcut(shortcut)
        act.setCheckable(checkable)
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        if slot is not None:
            # PySide ≥ 6.7 passes triggered(bool)'s `checked` into a slot's first defaulted
            # parameter; a zero-argument lambda keeps it out of methods like open_plan(path=None).
            act.triggered.connect(lambda: slot())
        self._ui.append(act)
        return act

    def _build_actions(self) -> None:
        SK = QKeySequence.StandardKey
        a = self.actions_ = {}
        a["new"] = self._action(self.tr("&New Plan…"), self.new_plan_dialog, SK.New)
        a["new_osm"] = self._action(self.tr("New Plan from &OpenStreetMap Extract…"), self.new_plan_from_osm_dialog)
        a["open"] = self._action(self.tr("&Open…"), self.open_plan_dialog, SK.Open)
        a["save_as"] = self._action(self.tr("Save &As…"), self.save_as_dialog, SK.SaveAs,
                                    tip=self.tr("Copy the plan to a new file and continue there"))
        a["export_bundle"] = self._action(self.tr("&Export Bundle…"), lambda: open_export_dialog(self),
                                          tip=self.tr("Report, project list, CAD, GeoPackage and GeoJSON for the district"))
        # Issue 13: the A3 poster of the workshop view for the notice board (export/poster.py).
        a["export_poster"] = self._action(self.tr("Print &Poster (A3)…"), self.export_poster_dialog,
                                          tip=self.tr("One A3 page for the notice board: the map, what residents "
                                                      "can walk to, a legend"))
        a["quit"] = self._action(self.tr("&Quit"), self.close, SK.Quit)

        a["undo"] = self._action(self.tr("&Undo"), self.document.undo, SK.Undo, "undo")
        # Ctrl+Shift+Z is the standard redo on Linux, Ctrl+Y on Windows: both, everywhere.
        redo_keys = []
        for seq in [*QKeySequence.keyBindings(SK.Redo), QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]:
            if not seq.isEmpty() and seq not in redo_keys:
                redo_keys.append(seq)
        a["redo"] = self._action(self.tr("&Redo"), self.document.redo, redo_keys, "redo")
        a["delete_selection"] = self._action(self.tr("&Delete Selected"), self.delete_selection, SK.Delete)
        # Shown in the menu, but the key itself stays with the focused widget: on the map the select
        # tool deletes the selection and the vertex tool deletes a vertex; in a field it edits text.
        a["delete_selection"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        a["new_scenario"] = self._action(self.tr("New &Scenario…"), self.new_scenario_dialog)
        a["rename_scenario"] = self._action(self.tr("Re&name Scenario…"), self.rename_scenario_dialog)
        a["delete_scenario"] = self._action(self.tr("Delete Scenario"), self.delete_scenario,
                                            tip=self.tr("Delete the scenario shown (Undo brings it back)"))
        a["fit"] = self._action(self.tr("&Fit Plan"), self._fit, QKeySequence("Ctrl+0"), "fit")
        a["snap"] = self._action(self.tr("&Snapping"), None, None, "snap", checkable=True,
                                 tip=self.tr("Snap to vertices and edges of the base map and features"))
        a["snap"].setChecked(QSettings().value("canvas/snapping", True, type=bool))
        a["snap"].toggled.connect(self._set_snapping)
        self.canvas.set_snapping(a["snap"].isChecked(), 10)
        a["about"] = self._action(self.tr("&About"), self._about)
        # Workshop mode (一图三会, issue 13): the plan full screen for residents; F5 again or Esc leaves.
        a["workshop"] = self._action(self.tr("&Workshop Mode"), self.toggle_workshop, QKeySequence("F5"),
                                     tip=self.tr("The plan full screen for residents: large map, plain summary"))

        self._update_undo_texts()

        self.tool_group = QActionGroup(self)
        self.tool_group.setExclusive(True)
        self._ui.append(self.tool_group)
        names = self.tool_names()
        self.tool_actions: dict[str, QAction] = {}
        for name in TOOLS:
            act = self._action(names[name], None, TOOL_SHORTCUTS.get(name), f"tool-{name}", checkable=True)
            act.setData(name)
            act.triggered.connect(lambda _checked=False, n=name: self._tool_chosen(n))
            self.tool_group.addAction(act)
            self.tool_actions[name] = act
        self.tool_actions[getattr(self, "_tool", "select")].setChecked(True)

        self.language_group = QActionGroup(self)
        self._ui.append(self.language_group)
        self.language_actions = {}
        for lang, label in (("zh", "中文"), ("en", "English")):  # each in its own language
            act = self._action(label, None, None, checkable=True)
            act.setChecked(i18n.language() == lang)
            act.triggered.connect(lambda _checked=False, l=lang: self.set_language(l))
            self.language_group.addAction(act)
            self.language_actions[lang] = act

    def tool_names(self) -> dict[str, str]:
        return {"select": self.tr("Select / Move"), "pan": self.tr("Pan"), "polygon": self.tr("Draw Polygon"),
                "rectangle": self.tr("Draw Rectangle"), "vertex": self.tr("Edit Vertices"),
                "path": self.tr("Draw Walking Path"), "gate": self.tr("Open / Close Gate"),
                "entrance": self.tr("Place Entrance"), "stop": self.tr("Place Bus Stop / Metro Station"),
                "unit": self.tr("Draw Planning Unit (community, 5-, 10-, 15-minute circle)"),
                "measure": self.tr("Measure"),
                "delete": self.tr("Delete Feature"), "duplicate": self.tr("Duplicate Feature"),
                "pin": self.tr("Pin a Comment")}

    def _build_menus(self) -> None:
        a = self.actions_
        mb = self.menuBar()
        file = mb.addMenu(self.tr("&File"))
        file.addAction(a["new"])
        file.addAction(a["new_osm"])
        file.addAction(a["open"])
        self.import_menu = file.addMenu(self.tr("&Import"))  # base maps and data from other programs
        self.import_menu.addAction(self._action(self.tr("&CAD Drawing (DXF)…"), self.import_cad_dialog,
                                                tip=self.tr("A CAD drawing as a base map; its layers as homes, "
                                                            "facilities or walking paths")))
        self._ui.append(self.import_menu)
        self.recent_menu = file.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file.addAction(a["save_as"])
        file.addAction(a["export_bundle"])
        file.addAction(a["export_poster"])
        # 居民意见 of the scenario shown, one row per pin (issue 13 item 5): ui/panels/comments.py.
        a["export_comments"] = self._action(self.tr("Export &Comments…"), lambda: export_comments_dialog(self),
                                            tip=self.tr("The comment pins of the scenario as a workbook (XLSX)"))
        file.addAction(a["export_comments"])
        file.addSeparator()
        # Into File ▸ Import where the window has one (the CAD import's submenu), else the File menu.
        imports = getattr(self, "import_menu", None) or file
        imports.addAction(self.tr("Import Scanned Plan…"), lambda: self.raster_layers.import_scan())
        imports.addAction(self.tr("Import Offline Tiles (MBTiles)…"), lambda: self.raster_layers.import_tiles())
        file.addSeparator()
        # Points of interest from Chinese map services (issue 14 item 5): panels/import_poi.py.
        a["import_poi"] = self._action(self.tr("Import &Points of Interest (CSV, GeoJSON)…"), self.import_poi_dialog,
                                       tip=self.tr("Facilities or stops from an Amap, Tencent or Baidu export "
                                                   "(GCJ-02, BD-09) or a WGS-84 list"))
        file.addAction(a["import_poi"])
        file.addSeparator()
        file.addAction(a["quit"])
        edit = mb.addMenu(self.tr("&Edit"))
        edit.addAction(a["undo"])
        edit.addAction(a["redo"])
        edit.addSeparator()
        edit.addAction(a["delete_selection"])
        edit.addSeparator()
        edit.addAction(a["new_scenario"])
        edit.addAction(a["rename_scenario"])
        edit.addAction(a["delete_scenario"])
        self.view_menu = mb.addMenu(self.tr("&View"))
        self.view_menu.addAction(a["fit"])
        self.view_menu.addSeparator()
        lang = self.view_menu.addMenu(self.tr("&Language"))
        for act in self.language_actions.values():
            lang.addAction(act)
        a["restore_layout"] = self._action(self.tr("&Restore Default Layout"), self.restore_default_layout,
                                           tip=self.tr("Put every panel back where it was at the first start"))
        self.view_menu.addAction(a["restore_layout"])
        self.view_menu.addSeparator()
        self.view_menu.addAction(a["workshop"])
        self.view_menu.addSeparator()
        tools = mb.addMenu(self.tr("&Tools"))
        for act in self.tool_actions.values():
            tools.addAction(act)
        tools.addSeparator()
        tools.addAction(a["snap"])
        tools.addSeparator()
        # What the plan is judged with: its settings (issue 11) and its rule packs.
        plan_menu = mb.addMenu(self.tr("&Plan"))
        a["plan_settings"] = self._action(self.tr("Plan &Settings…"), self.plan_settings_dialog,
                                          tip=self.tr("Community class, area class, walking speeds, households: "
                                                      "what the plan is judged with"))
        plan_menu.addAction(a["plan_settings"])
        a["rule_packs"] = self._action(self.tr("Rule &Packs…"), self.rule_packs_dialog)
        plan_menu.addAction(a["rule_packs"])
        # Before the Tools menu, after View: the menu bar keeps File, Edit, View first.
        mb.insertMenu(tools.menuAction(), plan_menu)
        help_ = mb.addMenu(self.tr("&Help"))
        help_.addAction(a["about"])
        for m in (file, edit, self.view_menu, plan_menu, tools, help_, lang, self.recent_menu):
            self._ui.append(m)

    def _build_toolbars(self) -> None:
        a = self.actions_
        main = self._toolbar("plan", self.tr("Plan"))
        main.addAction(a["undo"])
        main.addAction(a["redo"])
        main.addSeparator()
        main.addWidget(QLabel(" " + self.tr("Scenario") + " "))
        self.scenario_box = QComboBox()
        self.scenario_box.setMinimumContentsLength(10)
        self.scenario_box.setToolTip(self.tr("The scenario (方案) being edited and validated"))
        self.scenario_box.activated.connect(lambda _i: self.document.switch_scenario(self.scenario_box.currentData()))
        main.addWidget(self.scenario_box)
        self.scenario_button = scenario_button(main, a["new_scenario"], a["rename_scenario"], a["delete_scenario"])
        main.addWidget(self.scenario_button)
        tools = self._toolbar("tools", self.tr("Tools"))
        for act in self.tool_actions.values():
            tools.addAction(act)
        tools.addSeparator()
        tools.addAction(a["snap"])
        tools.addAction(a["fit"])
        self.toolbars = {"plan": main, "tools": tools}

    def _toolbar(self, name: str, title: str) -> QToolBar:
        """The (empty) tool bar ``name``: kept through a language switch, like the docks."""
        bar = self.findChild(QToolBar, f"toolbar_{name}")
        if bar is None:
            bar = QToolBar(title, self)
            bar.setObjectName(f"toolbar_{name}")  # saveState/restoreState find tool bars by name
            self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
            return bar
        bar.setWindowTitle(title)
        for act in bar.actions():
            bar.removeAction(act)
            if isinstance(act, QWidgetAction) and act.parent() is bar:  # made by addWidget: its widget goes too
                act.deleteLater()
        return bar

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """The dock ``name`` holding ``widget``. A language switch keeps the docks (their place,
        size and tabs stay as the planner left them) and puts the rebuilt panels into them."""
        dock = self._dock_widgets.get(name)
        if dock is None:
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")  # saveState/restoreState find docks by name
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self._dock_widgets[name] = dock
        else:
            dock.setWindowTitle(title)
            old = dock.widget()
            dock.setWidget(widget)
            if old is not None:
                old.deleteLater()
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_docks(self) -> None:
        L, R, B = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                   Qt.DockWidgetArea.BottomDockWidgetArea)
        doc = self.document
        self.palette = FacilityPalette(self.catalogue)
        self.palette.facilityChosen.connect(self.choose_facility_type)
        self.palette.residentialChosen.connect(self.choose_residential)
        self.palette.unitChosen.connect(self.choose_unit)
        self.layers_panel = LayersPanel()
        self.layers_panel.visibilityChanged.connect(self.canvas.set_layer_visible)
        self.layers_panel.bind(doc)
        # Scans and offline tiles listed under the layers, with their context menu (issue 14).
        self.raster_layers = RasterLayers(self.layers_panel, doc, self.canvas, self.catalogue, self)
        self.cad_layers = CadLayers(self.layers_panel, doc, self.catalogue, self)
        self.attributes = AttributePanel(self.catalogue)
        self.attributes.message.connect(self._show_status_error)
        self.attributes.bind(doc)
        self.findings = FindingsPanel(catalogue=self.catalogue)
        self.findings.findingActivated.connect(self.show_finding)
        self.findings.walk_homes.homeActivated.connect(self.show_home)
        self.findings.overrideRequested.connect(self.override_dialog)
        self.findings.enforceRequested.connect(self.document.set_enforced)
        self.findings.bind(doc)
        self.findings.siting.bind_map(self.canvas)  # 建议选址: the ranked sites on the map (issue 15)
        self.coverage = CoverageChart(self.catalogue)
        self.coverage.bind(doc)
        self.history_view = QUndoView(doc.stack)
        self.history_view.setEmptyLabel(self.tr("<plan opened>"))
        self.docks = {
            "palette": self._dock("palette", self.tr("Facilities"), self.palette, L),
            "layers": self._dock("layers", self.tr("Layers"), self.layers_panel, L),
            "attributes": self._dock("attributes", self.tr("Attributes"), self.attributes, R),
            "findings": self._dock("findings", self.tr("Findings"), self.findings, R),
            "coverage": self._dock("coverage", self.tr("Coverage Chart"), self.coverage, B),
            "history": self._dock("history", self.tr("History"), self.history_view, B),
        }
        self.checklist = ChecklistPanel()
        self.checklist.bind(doc)
        first = "checklist" not in self._dock_widgets
        self.docks["checklist"] = self._dock("checklist", self.tr("Checklist"), self.checklist, R)
        # 居民意见 (issue 13): the pins of the scenario; a row zooms the map to its pin.
        self.comments_panel = CommentsPanel()
        self.comments_panel.bind(doc)
        self.comments_panel.zoomRequested.connect(lambda key: self.canvas.zoom_to([key]))
        new_dock = "comments" not in self._dock_widgets
        self.docks["comments"] = self._dock("comments", self.tr("Residents' Comments"), self.comments_panel, R)
        self.actions_["comments"] = self.docks["comments"].toggleViewAction()
        if new_dock:  # shown means in front: the dock is a tab behind the findings (the workshop's button)
            dock = self.docks["comments"]
            self.actions_["comments"].triggered.connect(lambda on: on and dock.raise_())
        self.actions_["comments"].setShortcut(QKeySequence("Ctrl+Shift+C"))
        if first:
            self._arrange_docks()
        for layer in self.layers_panel.hidden_layers():
            self.canvas.set_layer_visible(layer, False)

    # The dock areas of a first start, in the order they are added (View ▸ Restore Default Layout).
    DOCK_AREAS = (("palette", Qt.DockWidgetArea.LeftDockWidgetArea), ("layers", Qt.DockWidgetArea.LeftDockWidgetArea),
                  ("attributes", Qt.DockWidgetArea.RightDockWidgetArea),
                  ("findings", Qt.DockWidgetArea.RightDockWidgetArea),
                  ("coverage", Qt.DockWidgetArea.BottomDockWidgetArea),
                  ("history", Qt.DockWidgetArea.BottomDockWidgetArea),
                  ("checklist", Qt.DockWidgetArea.RightDockWidgetArea),
                  ("comments", Qt.DockWidgetArea.RightDockWidgetArea))

    def _arrange_docks(self) -> None:
        """The default arrangement of the docks (added already): splits, tabs and corners."""
        # The side panels run the full height; the chart sits under the map only. Set first: set
        # after the tabs, it left the bottom tab bar drawn across the left column.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.docks["attributes"], self.docks["findings"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["findings"], self.docks["checklist"])  # after the split, which re-places findings
        self.tabifyDockWidget(self.docks["checklist"], self.docks["comments"])
        self.docks["findings"].raise_()
        KeepDockShare(self, self.docks["findings"])  # the findings grow with the window (issue 16)
        self.tabifyDockWidget(self.docks["coverage"], self.docks["history"])
        self.docks["coverage"].raise_()

    def restore_default_layout(self) -> None:
        """Every dock back where a first start has it: docked, shown, in its area, at its size."""
        for name, _area in self.DOCK_AREAS:
            self.docks[name].setFloating(False)
            self.removeDockWidget(self.docks[name])
        for name, area in self.DOCK_AREAS:
            dock = self.docks[name]
            self.addDockWidget(area, dock)
            dock.show()
        self._arrange_docks()
        self.default_layout()

    def _build_statusbar(self) -> None:
        bar = self.statusBar()
        self.busy_label = QLabel()
        self.summary_label = QLabel()
        self.coords_label = QLabel()
        # A fixed width: the text changes on every mouse move and must not re-lay out the bar.
        self.coords_label.setFixedWidth(self.coords_label.fontMetrics().horizontalAdvance(
            "E 000,000,000.0  N 0,000,000.0 m · -000.00000°, -00.00000°"))
        for w in (self.busy_label, self.summary_label, self.coords_label):
            bar.addPermanentWidget(w)
            self._ui.append(w)
        self._on_busy(self.document.loop.busy)

    # ==== the plan =============================================================================
    def set_plan(self, plan: Plan | PlanSession, keep_history: bool = False) -> None:
        """Show ``plan`` (the window's document owns it from now on and closes the one it replaces)."""
        session = plan if isinstance(plan, PlanSession) else PlanSession(plan, catalogue=self.catalogue)
        self.document.set_session(session, keep_history=keep_history)

    def _on_session(self, session: PlanSession | None) -> None:
        self.active_finding = None
        if session is None:
            return
        self._fill_for_plan()
        remember_plan(session.plan.path)

    def _fill_for_plan(self) -> None:
        """What the window itself shows of the plan (also after a language rebuild)."""
        session = self.document.session
        self.setWindowTitle(f"{session.plan.name} — {session.plan.path.name} — lifecircle")
        self.read_only_banner.setText(self.tr("This plan file is read-only: you can look at it and validate it, "
                                              "but not change it. Save a copy (File ▸ Save As) to edit it."))
        self.read_only_banner.setVisible(session.plan.read_only)
        self._fill_scenarios()
        self._update_summary()

    def _fill_scenarios(self) -> None:
        box = self.scenario_box
        box.blockSignals(True)
        box.clear()
        for s in self.document.session.scenarios():
            box.addItem(scenario_title(s.name), s.name)
        box.setCurrentIndex(max(0, box.findData(self.document.scenario)))
        box.blockSignals(False)

    def _on_scenario(self, name: str) -> None:
        self.active_finding = None
        self._fill_scenarios()

    def create_scenario(self, name: str) -> bool:
        """A new scenario copied from the current one, then switched to (undoable)."""
        return self.document.create_scenario(name) is not None

    def close_plan(self) -> None:
        task = getattr(self, "_import_task", None)
        if task is not None:
            task.cancel()
            task.wait()
        self.document.close()

    # ==== edits ================================================================================
    def plan_settings_dialog(self) -> PlanSettingsDialog | None:
        """The plan settings (规划设置), beside the map: each change is validated at once and
        undoable, so the dialog stays open while the planner watches the findings."""
        if self.document.session is None:
            return None
        if self.settings_dialog is None:
            self.settings_dialog = PlanSettingsDialog(self)
            self.settings_dialog.bind(self.document)
            # Ctrl+Z / Ctrl+Shift+Z work in the dialog too (the Edit menu's actions).
            self.settings_dialog.addActions([self.actions_["undo"], self.actions_["redo"]])
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()
        return self.settings_dialog

    def rule_packs_dialog(self) -> None:
        session = self.document.session
        if session is None:
            return
        dialog = RulePacksDialog(session.packs, session.plan.rule_packs, self)
        if dialog.exec():
            self.document.set_rule_packs(dialog.enabled())

    def override_dialog(self, finding: Finding) -> None:
        session = self.document.session
        standard = session.standard_threshold(finding.rule) if session is not None else None
        if standard is None:
            return
        key, own = standard
        rule = session.rule(finding.rule)
        label = i18n.fill(self.tr("%1 for “%2” (the standard says %3; entering that removes the override):"),
                          self.tr("Minimum") if key == "min" else self.tr("Maximum"),
                          i18n.pick(rule.name_zh, rule.name_en), f"{own:g}")
        value, ok = QInputDialog.getDouble(self, self.tr("District Threshold"), label,
                                           dict(finding.overrides).get(key, own), -1e12, 1e12, 2)
        if ok:
            self.document.set_override(finding.rule, key, value)

    def _after_change(self, changes) -> None:
        """What the window itself shows of an edit: the scenarios in its selector."""
        box = self.scenario_box
        if [s.name for s in self.document.session.scenarios()] != [box.itemData(i) for i in range(box.count())]:
            self._fill_scenarios()  # one created, renamed or deleted

    def _on_refused(self, error: PlanError) -> None:
        self._show_status_error(error.message(i18n.language()))

    def _show_status_error(self, text: str) -> None:
        self.statusBar().showMessage("⚠ " + text, 10000)

    def delete_selection(self) -> None:
        """Delete the selected features (with the entrances that belong to them) as one step."""
        self.document.delete_selection()

    # ==== canvas and palette ===================================================================
    def _tool_chosen(self, name: str) -> None:
        # The canvas may refuse (the planner chose to keep drawing an unfinished polygon).
        if self.canvas.set_tool(name) is False:
            self.tool_actions[self._tool].setChecked(True)
            return
        self._tool = name

    def _sync_tool(self, name: str) -> None:
        self._tool = name
        if name in self.tool_actions:
            self.tool_actions[name].setChecked(True)

    def set_tool(self, name: str) -> None:
        self.tool_actions[name].setChecked(True)
        self._tool_chosen(name)

    def choose_facility_type(self, code: str) -> None:
        """The palette's choice: draw that facility type next — an area with the polygon tool, or
        for a point type (catalogue geometry "point": bus stop, metro station) a stop placed with
        one click of the stop tool, whose hint then is the status message."""
        t = self.catalogue.types.get(code)
        name = i18n.pick(t.name_zh, t.name_en) if t else code
        if t is not None and t.geometry == "point":
            previous = self.canvas.current_facility_type()
            self.canvas.set_current_facility_type(code)  # before the switch: the tool's hint names it
            self.set_tool("stop")
            if self.canvas.tool() != "stop":  # the planner kept drawing a polygon: it keeps its type
                self.canvas.set_current_facility_type(previous)
            return
        self.canvas.set_target_layer("facilities")
        self.canvas.set_current_facility_type(code)
        self.set_tool("polygon")
        self.statusBar().showMessage(i18n.fill(self.tr("Draw: %1"), name), 5000)

    def choose_unit(self, kind: str) -> None:
        """Draw a planning unit of ``kind`` (community, 5min, 10min, 15min, block) next."""
        self.canvas.set_unit_kind(kind)
        self.set_tool("unit")

    def choose_residential(self) -> None:
        self.canvas.set_target_layer("residential")
        self.set_tool("polygon")

    def _set_snapping(self, on: bool) -> None:
        QSettings().setValue("canvas/snapping", on)
        self.canvas.set_snapping(on, 10)

    def _fit(self) -> None:
        self.canvas.fit_plan()

    def _on_cursor(self, x: float, y: float) -> None:
        """Plan metres and WGS-84 lon/lat (what a planner matches against other maps)."""
        plan = self.document.plan
        if plan is None:
            return
        lon, lat = crs.transformer(plan.epsg, crs.WGS84).transform(x, y)
        self.coords_label.setText(f"E {x:,.1f}  N {y:,.1f} m · {lon:.5f}°, {lat:.5f}°")

    # ==== validation ===========================================================================
    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("Validating…") if busy else "")

    def _on_results(self, results: Results) -> None:
        if results is not self.document.results:
            return  # a newer run came while this one was queued
        self._update_summary()
        if self.active_finding is not None:
            fresh = next((f for f in results.findings if f.rule == self.active_finding.rule), None)
            if fresh is not None and fresh.features != self.active_finding.features:
                self.show_finding(fresh, zoom=False)
        self.resultsShown.emit(results)

    def _update_summary(self) -> None:
        self.summary_label.setText(self.findings.summary_text())

    def _on_validation_failed(self, error) -> None:
        if isinstance(error, PlanError):
            self._show_status_error(error.message(i18n.language()))
        else:
            print(f"lifecircle: validation failed:\n{error}", file=sys.stderr)
            last_line = str(error).strip().splitlines()[-1]
            self._show_status_error(i18n.fill(self.tr("Validation failed: %1"), last_line))

    def show_finding(self, finding: Finding, zoom: bool = True) -> None:
        """Highlight (and zoom to) what a finding concerns. For walk_coverage: the homes beyond the
        limit are shaded and the network reachable from the finding's facility is drawn."""
        self.active_finding = finding
        features = [tuple(f) for f in finding.features]
        if finding.kind != "walk_coverage":
            self.canvas.clear_walk_overlay()
            self.canvas.highlight(features, self.tr("Features of the finding"))
            if zoom and features:
                self.canvas.zoom_to(features)
            return
        self.coverage.set_finding(finding)
        outside = [fid for layer, fid in features if layer == "residential"]
        # Zoomed to the homes left out and the facility nearest them; every facility of the rule's
        # types is outlined, and the network within the limit of any of them drawn.
        facility = self.document.session.facility_for_finding(finding)
        facilities = self.document.session.facilities_of_types(finding.facility_types)
        names = type_names(self.catalogue, finding.facility_types)
        self.canvas.highlight(facilities, i18n.fill(self.tr("Facilities measured to: %1"), names))
        shown = features + ([facility] if facility else [])
        if zoom and shown:
            self.canvas.zoom_to(shown)
        self.canvas.show_walk_overlay(outside, [], self._walk_labels(finding, len(outside)))
        self._walk_key = (finding.rule, self.document.loop.version)
        self.document.request_reachable_all(finding, self._walk_key)

    def _walk_labels(self, finding: Finding, homes: int) -> tuple[str, str]:
        """What the map legend calls the walking overlay: the homes beyond the limit, the network
        within it."""
        limit = metres(finding.limit_m) if finding.limit_m is not None else ""
        names = type_names(self.catalogue, finding.facility_types)
        return (i18n.fill(self.tr("Homes beyond a %1 walk (%2)"), limit, homes),
                i18n.fill(self.tr("Network within %1 of %2"), limit, names))

    def _on_reachable(self, key, lines) -> None:
        if key != self._walk_key or self.active_finding is None:
            return  # a later click asked for another finding
        outside = [fid for layer, fid in self.active_finding.features if layer == "residential"]
        self.canvas.show_walk_overlay(outside, list(lines), self._walk_labels(self.active_finding, len(outside)))

    def show_home(self, key) -> None:
        """A home of a walking finding's list: zoomed to and selected (its attributes show its
        nearest facilities)."""
        self.document.select([tuple(key)])
        self.canvas.zoom_to([tuple(key)])

    # ==== files ================================================================================
    # --- CAD drawings (issue 14) ----------------------------------------------------------------
    def import_cad_dialog(self) -> None:
        """File → Import → CAD drawing…: choose a DXF, read it (worker, cancellable), map its layers."""
        if self.document.session is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("CAD drawing"), "",
                                              self.tr("CAD drawings (*.dxf *.dwg);;All files (*)"))
        if path:
            self.read_cad(path)

    def read_cad(self, path) -> DxfRead:
        task = DxfRead(path, self)
        task.done.connect(self.map_cad_layers)
        task.failed.connect(lambda e: self.show_error(
            (e if isinstance(e, PlanError) else as_plan_error(e)).message(i18n.language())
            if isinstance(e, Exception) else str(e)))
        task.cancelled.connect(lambda: self.statusBar().showMessage(self.tr("Import cancelled."), 5000))
        self._cad_task = task
        task.start()
        return task

    def map_cad_layers(self, drawing) -> None:
        """The dialog of the drawing's layers and placement; the import as one undoable step."""
        dialog = CadImportDialog(drawing, self, catalogue=self.document.session.catalogue, plan=self.document.plan,
                                 scenario=self.document.scenario)
        self.cad_dialog = dialog  # tests answer it
        if dialog.exec() != CadImportDialog.DialogCode.Accepted:
            return
        changes = self.document.import_dxf(drawing.path, drawing=drawing, mapping=dialog.mapping(),
                                           **dialog.placement())
        if changes is not None:
            record = changes.edit.edits[0].record
            counts = ", ".join(f"{layer} {n:,}" for layer, n in record["counts"].items())
            rmse = i18n.fill(self.tr("; RMSE %1 m"), f"{record['rmse_m']:.3f}") if record.get("rmse_m") is not None else ""
            self.statusBar().showMessage(i18n.fill(self.tr("Imported %1: %2%3"), drawing.path.name, counts, rmse), 10000)

    def show_error(self, text: str) -> None:
        QMessageBox.warning(self, "lifecircle", text)

    def open_plan_path(self, path) -> bool:
        try:
            try:
                self.document.open(path)
            except ForeignCode as e:
                # Code another program stored in the plan runs only if it stays: the planner decides.
                if not agree_to_remove_code(e, self):
                    return False
                self.document.open(path, remove_foreign_code=True)
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return False
        return True


    def open_plan_dialog(self) -> None:
        plan = self.document.plan
        start = str(plan.path.parent) if plan is not None else ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open plan"), start,
                                              self.tr("Plans (*.gpkg);;All files (*)"))
        if path:
            self.open_plan_path(path)

    def save_as_path(self, path) -> bool:
        """Continue editing a copy of the plan at ``path`` (the history stays: ids match)."""
        if self.document.session is None:
            return False
        try:
            target = self.document.save_as(path)
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return False
        remember_plan(target)
        self.setWindowTitle(f"{self.document.plan.name} — {target.name} — lifecircle")
        self.statusBar().showMessage(i18n.fill(self.tr("Now editing %1"), target), 6000)
        return True

    def save_as_dialog(self) -> None:
        plan = self.document.plan
        if plan is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save plan as"), str(plan.path.parent),
                                              self.tr("Plans (*.gpkg)"))
        if path:
            self.save_as_path(path)

    def export_poster_dialog(self) -> None:
        """File → Print Poster (A3)…: the scenario shown, compared with the one it was copied from."""
        session = self.document.session
        if session is None:
            self.show_error(self.tr("Open a plan first."))
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the poster as"),
                                              str(session.plan.path.with_suffix(".poster.pdf")), self.tr("PDF (*.pdf)"))
        if not path:
            return
        from ..export.poster import write_poster
        parent = next((s.parent for s in session.scenarios() if s.name == session.scenario), None)
        try:
            write_poster(session, path, compare=parent, language=i18n.language())
        except Exception as e:  # one sentence (a folder that cannot be written), never a traceback
            self.show_error((e if isinstance(e, PlanError) else as_plan_error(e)).message(i18n.language()))

    def new_plan_dialog(self) -> None:
        dialog = NewPlanDialog(self)
        if dialog.exec() != NewPlanDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("New plan file"),
                                              str(default_plan_path(values["name"], Path.home())),
                                              self.tr("Plans (*.gpkg)"))
        if path and self.create_plan(path, values):
            self.offer_boundary()

    def create_plan(self, path, values: dict) -> bool:
        """A new blank plan at ``path``; the save dialog asked already, so a file there is replaced
        (never the plan open now). ``values["rule_packs"]`` absent: those of the plan's place."""
        if self.document.is_open(path):
            self.show_error(self.tr("That is the plan open now; choose another file."))
            return False
        try:
            session = create_plan(path, values["name"], lonlat=values["lonlat"], kind=values["kind"],
                                  district=values.get("district", ""), subdistrict=values.get("subdistrict", ""),
                                  rule_packs=values.get("rule_packs"), replace=True, catalogue=self.catalogue)
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return False
        self.document.set_session(session)
        return True

    def new_plan_from_osm_dialog(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, self.tr("OpenStreetMap extract"), "",
                                                self.tr("OSM extracts (*.osm *.pbf *.osm.pbf *.xml);;All files (*)"))
        if not source:
            return
        dialog = NewPlanDialog(self, source=source)
        if dialog.exec() != NewPlanDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        suggested = default_plan_path(values["name"], Path(source).parent) if values["name"] else \
            Path(source).with_suffix(".gpkg")
        target, _ = QFileDialog.getSaveFileName(self, self.tr("New plan file"), str(suggested), self.tr("Plans (*.gpkg)"))
        if target:
            task = self.import_osm(source, target, values=values)
            if task is not None:
                task.done.connect(lambda _path: self.offer_boundary())

    def import_osm(self, source, target, importer=None, values: dict | None = None) -> OsmImport | None:
        """A new plan from an OSM extract in a worker. ``values`` (the New plan dialog's): its name
        (blank: the place the data shows), kind, district and rule packs."""
        if self.document.is_open(target):
            self.show_error(self.tr("That is the plan open now; choose another file."))
            return None
        if importer is None and values is not None:
            importer = partial(create_plan_from_osm, name=values.get("name") or None,
                               kind=values.get("kind", "existing"), rule_packs=values.get("rule_packs"),
                               district=values.get("district", ""), subdistrict=values.get("subdistrict", ""))
        task = OsmImport(source, target, self, importer=importer, replace=True)
        task.done.connect(self.open_plan_path)
        task.failed.connect(lambda e: self.show_error(
            (e if isinstance(e, PlanError) else as_plan_error(e)).message(i18n.language())
            if isinstance(e, Exception) else str(e)))
        task.cancelled.connect(lambda: self.statusBar().showMessage(self.tr("Import cancelled."), 5000))
        self._import_task = task
        try:
            task.start()
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return None
        return task

    def import_poi_dialog(self) -> None:
        if self.document.session is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Points of interest"), "",
                                              self.tr("Point lists (*.csv *.txt *.geojson *.json);;All files (*)"))
        if not path:
            return
        from .panels.import_poi import PoiImportDialog
        try:
            dialog = PoiImportDialog(path, self.document.session.catalogue, self)
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return
        if dialog.exec() == PoiImportDialog.DialogCode.Accepted:
            self.import_poi(path, dialog.values())

    def import_poi(self, path, values: dict):
        """Import a POI file with the dialog's ``values`` as one undoable step; the categories that
        did not come in are listed in ``poi_report`` (not modal). None when refused."""
        from ..model.io.poi import poi_summary, unrecognised_message
        try:
            edit = self.document.session.poi_import_edit(values["layer"], path, values["coords"],
                                                         facility_type=values.get("facility_type"),
                                                         columns=values.get("columns"))
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return None
        changes = self.document.push(edit, self.tr("Import points of interest"))
        if changes is None:
            return None
        n = len(poi_summary(changes.edit)["fids"])
        self.statusBar().showMessage(self.tr("Imported %n point(s) of interest.", "", n), 10000)
        message = unrecognised_message(changes.edit)
        if message is not None:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Points of interest"),
                              self.tr("Imported %n point(s) of interest.", "", n) + "\n"
                              + i18n.pick(*message), QMessageBox.StandardButton.Ok, self)
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(lambda _r: setattr(self, "poi_report", None))
            self.poi_report = box
            box.show()
        return changes

    def offer_boundary(self) -> QMessageBox:
        """After a new plan: ask for the community's boundary — draw it (the planning-unit tool) or
        pick a residential compound's outline — or later. Not modal: the map stays usable; the
        box is ``boundary_prompt`` until answered."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Community boundary"),
                          self.tr("The scale and ratio rules measure within the community's boundary. "
                                  "Draw it now, or pick a residential compound on the map to use its outline?"),
                          QMessageBox.StandardButton.NoButton, self)
        draw = box.addButton(self.tr("Draw the boundary"), QMessageBox.ButtonRole.AcceptRole)
        pick = box.addButton(self.tr("Pick a compound"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.NonModal)

        def answered(button) -> None:
            self.boundary_prompt = None
            if button is draw:
                self.choose_unit("community")
            elif button is pick:
                self.canvas.set_unit_kind("community")
                if self.canvas.set_tool("pick_unit"):
                    self.statusBar().showMessage(self.tr("Click a residential compound to use its outline as the "
                                                         "community boundary."), 10000)
        box.buttonClicked.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.boundary_prompt = box
        box.show()
        return box

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = [p for p in recent_plans() if Path(p).exists()]
        for p in paths:
            act = menu.addAction(Path(p).name)
            act.setToolTip(p)
            act.setStatusTip(p)
            act.triggered.connect(lambda _checked=False, path=p: self.open_plan_path(path))
        if not paths:
            none = menu.addAction(self.tr("(none)"))
            none.setEnabled(False)

    def new_scenario_dialog(self) -> None:
        if self.document.session is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New scenario"),
                                        i18n.fill(self.tr("Name of the new scenario (a copy of “%1”):"),
                                                  scenario_title(self.document.scenario)))
        if ok and name.strip():
            self.create_scenario(name)

    def rename_scenario_dialog(self) -> None:
        """Ask a new name for the scenario shown, and rename it (undoable; a refusal — the base
        scenario, a name in use — is said in the status bar)."""
        if self.document.session is None:
            return
        old = self.document.scenario
        name, ok = QInputDialog.getText(self, self.tr("Rename scenario"),
                                        i18n.fill(self.tr("New name of scenario “%1”:"), scenario_title(old)),
                                        text=old if old != "base" else "")
        if ok:
            self.document.rename_scenario(old, name)

    def delete_scenario(self) -> bool:
        """Delete the scenario shown (undoable); its parent is shown then."""
        if self.document.session is None:
            return False
        name = self.document.scenario
        if self.document.delete_scenario(name) is None:
            return False
        self.statusBar().showMessage(i18n.fill(self.tr("Scenario “%1” deleted (Undo brings it back)"), scenario_title(name)),
                                     10000)
        return True

    def _on_history_note(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        self.scenario_note.show_note(text)

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About lifecircle"),
                          self.tr("<h3>lifecircle_desktop</h3><p>Plans 15-minute community life circles and "
                                  "complete residential communities, and checks them live against the standards."
                                  "</p><p>Map data © OpenStreetMap contributors, ODbL 1.0.</p>"))

    # ==== language =============================================================================
    def set_language(self, lang: str) -> None:
        """Switch language (saved for the next start) by rebuilding menus, tool bars and panels."""
        if lang == i18n.language() and i18n._current["language"] == lang:
            self.language_actions[lang].setChecked(True)
            return
        i18n.install_language(lang, save=True)
        self.rebuild_ui()

    def rebuild_ui(self) -> None:
        findings_state = self.findings.view_state()
        reopen = self.settings_dialog is not None and self.settings_dialog.isVisible()
        if self.settings_dialog is not None:  # built in the old language, with the old actions
            self.settings_dialog.close()
            self.settings_dialog.deleteLater()
            self.settings_dialog = None
        self.canvas.set_language(i18n.language())  # before the panels: their map words (unit kinds) too
        self._teardown_ui()
        self._build_ui()  # into the same docks and tool bars: the layout stays as it was
        self.findings.restore_view_state(findings_state)
        self.canvas.set_language(i18n.language())
        if self.active_finding is not None:
            self.findings.select_rule(self.active_finding.rule)
        if reopen:
            self.plan_settings_dialog()

    def _update_undo_texts(self, *_):
        stack = self.document.stack
        u, r = stack.undoText(), stack.redoText()
        self.actions_["undo"].setEnabled(stack.canUndo())
        self.actions_["redo"].setEnabled(stack.canRedo())
        self.actions_["undo"].setText(i18n.fill(self.tr("&Undo %1"), u) if u else self.tr("&Undo"))
        self.actions_["redo"].setText(i18n.fill(self.tr("&Redo %1"), r) if r else self.tr("&Redo"))

    def default_layout(self) -> None:
        """Dock sizes for a first start: the map gets the room, findings more than attributes."""
        d = self.docks
        # Findings are what the planner reads while drawing: rule names must not be cut to "…".
        # A third of a wide window (1920 px: 640), and the same share as it is resized (KeepDockShare).
        self.resizeDocks([d["palette"], d["findings"]], [230, max(500, self.width() // 3)], Qt.Orientation.Horizontal)
        self.resizeDocks([d["palette"], d["layers"]], [420, 300], Qt.Orientation.Vertical)
        self.resizeDocks([d["attributes"], d["findings"]], [170, 600], Qt.Orientation.Vertical)
        self.resizeDocks([d["coverage"]], [230], Qt.Orientation.Vertical)

    def showEvent(self, event):
        super().showEvent(event)
        if self._needs_default_layout:
            self._needs_default_layout = False
            self.default_layout()

    # ==== workshop mode (issue 13) =============================================================
    @property
    def workshop(self):
        """The workshop view while the window shows it (ui/workshop/mode.py), else None."""
        return getattr(self, "_workshop", None)

    def enter_workshop(self, compare: str | None = None, layout: str = "single", full_screen: bool = True) -> None:
        """Show the plan full screen for residents: editing docks, tool bars, menus hidden;
        ``compare``: the "before" scenario beside the current one, in ``layout`` (single, swipe, side)."""
        from .workshop.mode import enter
        if self.workshop is None:
            self._workshop = enter(self, full_screen=full_screen, compare=compare)
        self._workshop.set_compare(compare, layout)

    def leave_workshop(self) -> None:
        """Back to the editing desktop, every dock and tool bar where it was."""
        from .workshop.mode import leave
        if self.workshop is not None:
            workshop, self._workshop = self._workshop, None
            leave(self, workshop)

    def toggle_workshop(self) -> None:
        if self.workshop is None:
            self.enter_workshop()
        else:
            self.leave_workshop()

    # ==== closing ==============================================================================
    def closeEvent(self, event):
        self.leave_workshop()  # the editing layout is what is saved for the next start
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        self.close_plan()
        super().closeEvent(event)

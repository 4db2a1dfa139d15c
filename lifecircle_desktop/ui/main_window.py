"""The main window (主窗口): the map canvas in the middle, the panels in docks around it, the live
validation loop underneath (design.md §5, §6).

The window is a thin view (napari's habit): the plan changes only through :class:`PlanHistory`
(one undoable step per user action, each persisted at once), and every applied step flows the same
way — ChangeSet → canvas.refresh, validation loop, attribute panel, layer counts.

Switching language rebuilds the menus, tool bars and docks (a window rebuild, not a restart); the
canvas, the undo history and the validation loop live on.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import shapely
from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QInputDialog, QLabel, QMainWindow, QMessageBox,
                               QToolBar, QUndoView, QWidget)

from ..model import crs
from ..model.catalogue import Catalogue, load_catalogue
from ..model.errors import PlanError
from ..model.findings import Finding, Results
from ..model.edits import Batch, DeleteFeature, SetManualAnswer, SetOverride, SetRulePacks
from ..model.plan import ChangeSet, Plan
from ..model.schema import LAYERS
from . import i18n
from .map.view import MapView as MapCanvas
from .panels.attributes import AttributePanel
from .panels.common import icon
from .panels.checklist import ChecklistPanel, RulePacksDialog
from .panels.coverage import CoverageChart
from .panels.findings import FindingsPanel
from .panels.layers import LayersPanel
from .panels.new_plan import NewPlanDialog, OsmImport, create_blank_plan
from .panels.palette import FacilityPalette
from .tools.text import translate
from .undo import PlanHistory
from .validation import DEBOUNCE_MS, ValidationLoop, make_validator

RECENT_KEY = "plans/recent"
LAST_KEY = "plans/last"
MAX_RECENT = 8

# The canvas tools (ui/canvas.py set_tool names) with their tool bar icons and shortcuts.
TOOLS = ("select", "pan", "polygon", "rectangle", "vertex", "path", "gate", "entrance", "stop", "measure",
         "delete", "duplicate")
TOOL_SHORTCUTS = {"select": "S", "pan": "H", "polygon": "P", "rectangle": "R", "vertex": "V", "path": "W",
                  "gate": "G", "entrance": "E", "stop": "T", "measure": "M", "duplicate": "D"}


def recent_plans() -> list[str]:
    return [p for p in (QSettings().value(RECENT_KEY, [], type=list) or []) if p]


def remember_plan(path: Path) -> None:
    path = str(Path(path).resolve())
    recent = [path] + [p for p in recent_plans() if p != path]
    s = QSettings()
    s.setValue(RECENT_KEY, recent[:MAX_RECENT])
    s.setValue(LAST_KEY, path)


def copy_plan_file(plan: Plan, target: Path) -> None:
    """Copy the open plan to ``target`` with SQLite's online backup: consistent while open, and
    the WAL's committed pages included (a file copy could miss them)."""
    target = Path(target)
    tmp = target.with_name(target.name + ".creating")
    tmp.unlink(missing_ok=True)
    dst = sqlite3.connect(tmp)
    try:
        plan.store.conn.backup(dst)
    finally:
        dst.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp.replace(target)  # renamed into place: a crash leaves no half copy under the real name


# --- interim (issue 9): PlanSession.delete and PlanSession.credits replace these two ---------------
OSM_CREDIT = "© OpenStreetMap contributors"  # ODbL attribution: not translated


def delete_edit(plan: Plan, scenario: str, keys):
    """One edit deleting ``keys`` and the entrances attached to them (one undo step)."""
    keys = [tuple(k) for k in keys if plan.has_feature(*k)
            and (not LAYERS[k[0]].editable or plan.feature(*k).scenario == scenario)]
    owners = {k for k in keys if k[0] in ("residential", "facilities")}
    attached = [("entrances", f.fid) for f in plan.features("entrances", scenario)
                if (f.get("layer"), f.get("feature")) in owners] if owners else []
    edits = tuple(DeleteFeature.of(plan, l, f) for l, f in [*keys, *(k for k in attached if k not in keys)])
    return edits[0] if len(edits) == 1 else Batch(edits, translate("MapCanvas", "Delete"))


def plan_credits(plan: Plan, changes: ChangeSet | None = None) -> list[str]:
    """Attribution lines: the plan's credits; OpenStreetMap data (an ``osm_id``) always carries
    its credit (ODbL), even when an importer forgot to record it. ``changes``: only look at the
    features these touched (after an edit), instead of the whole plan."""
    out: list[str] = []
    for credit in plan.meta.get("credits") or []:
        if isinstance(credit, dict):
            credit = credit.get("text") or credit.get("name") or ""
        text = str(credit).strip()
        if "openstreetmap" in text.lower() or text.lower() == "osm":
            text = OSM_CREDIT
        if text and text not in out:
            out.append(text)
    if OSM_CREDIT not in out:
        if changes is None:
            features = (f for layer in LAYERS if "osm_id" in LAYERS[layer].field_names
                        for f in plan.features(layer, None))
        else:
            features = (plan.feature(l, fid) for l in changes.layers() if l in LAYERS
                        for fid in changes.touched(l) if plan.has_feature(l, fid))
        if any(f.attributes.get("osm_id") for f in features):
            out.insert(0, OSM_CREDIT)
    return out


class MainWindow(QMainWindow):
    """``resultsShown(Results)`` once validation results are on screen (findings, chart, summary)."""

    resultsShown = Signal(object)
    planChanged = Signal(object)

    def __init__(self, plan: Plan | None = None, *, catalogue: Catalogue | None = None,
                 validator_factory=make_validator, debounce_ms: int = DEBOUNCE_MS, restore_state: bool = True):
        super().__init__()
        self.setObjectName("MainWindow")
        self.catalogue = catalogue or load_catalogue()
        self.plan: Plan | None = None
        self.scenario = "base"
        self.selection: list[tuple[str, int]] = []
        self.results: Results | None = None
        self.active_finding: Finding | None = None
        self._walk_key = None
        self._ui: list = []  # what a language switch tears down and builds again

        self._tool = "select"
        self.history = PlanHistory(None, self)
        self.history.changed.connect(self._on_changed)
        self.history.refused.connect(self._on_refused)
        # Connected once: the slot looks up the actions of the current (possibly rebuilt) UI.
        for sig in (self.history.stack.undoTextChanged, self.history.stack.redoTextChanged,
                    self.history.stack.canUndoChanged, self.history.stack.canRedoChanged):
            sig.connect(self._update_undo_texts)
        self.loop = ValidationLoop(self, debounce_ms, validator_factory)
        self.loop.resultsReady.connect(self._on_results)
        self.loop.reachableReady.connect(self._on_reachable)
        self.loop.failed.connect(self._on_validation_failed)
        self.loop.busyChanged.connect(self._on_busy)

        self.canvas = MapCanvas(self.catalogue, self)
        self.setCentralWidget(self.canvas)
        self.canvas.editRequested.connect(self.push_edit)
        self.canvas.deleteRequested.connect(lambda keys: self.push_edit(delete_edit(self.plan, self.scenario, keys)))
        self.canvas.selectionChanged.connect(self._on_selection)
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

    # ==== building the window ==================================================================
    def _build_ui(self) -> None:
        self._build_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_docks()
        self._build_statusbar()
        if self.plan is not None:
            self._fill_for_plan()

    def _teardown_ui(self) -> None:
        self.menuBar().clear()
        for obj in self._ui:
            if isinstance(obj, QToolBar):
                self.removeToolBar(obj)
            elif isinstance(obj, QDockWidget):
                self.removeDockWidget(obj)
            elif isinstance(obj, QWidget) and obj.parent() is self.statusBar():
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
        a["quit"] = self._action(self.tr("&Quit"), self.close, SK.Quit)

        a["undo"] = self._action(self.tr("&Undo"), self.history.undo, SK.Undo, "undo")
        # Ctrl+Shift+Z is the standard redo on Linux, Ctrl+Y on Windows: both, everywhere.
        redo_keys = []
        for seq in [*QKeySequence.keyBindings(SK.Redo), QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]:
            if not seq.isEmpty() and seq not in redo_keys:
                redo_keys.append(seq)
        a["redo"] = self._action(self.tr("&Redo"), self.history.redo, redo_keys, "redo")
        a["delete_selection"] = self._action(self.tr("&Delete Selected"), self.delete_selection, SK.Delete)
        # Shown in the menu, but the key itself stays with the focused widget: on the map the select
        # tool deletes the selection and the vertex tool deletes a vertex; in a field it edits text.
        a["delete_selection"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        a["new_scenario"] = self._action(self.tr("New &Scenario…"), self.new_scenario_dialog)
        a["fit"] = self._action(self.tr("&Fit Plan"), self._fit, QKeySequence("Ctrl+0"), "fit")
        a["snap"] = self._action(self.tr("&Snapping"), None, None, "snap", checkable=True,
                                 tip=self.tr("Snap to vertices and edges of the base map and features"))
        a["snap"].setChecked(QSettings().value("canvas/snapping", True, type=bool))
        a["snap"].toggled.connect(self._set_snapping)
        a["about"] = self._action(self.tr("&About"), self._about)

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
                "measure": self.tr("Measure"),
                "delete": self.tr("Delete Feature"), "duplicate": self.tr("Duplicate Feature")}

    def _build_menus(self) -> None:
        a = self.actions_
        mb = self.menuBar()
        file = mb.addMenu(self.tr("&File"))
        file.addAction(a["new"])
        file.addAction(a["new_osm"])
        file.addAction(a["open"])
        self.recent_menu = file.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file.addAction(a["save_as"])
        file.addSeparator()
        file.addAction(a["quit"])
        edit = mb.addMenu(self.tr("&Edit"))
        edit.addAction(a["undo"])
        edit.addAction(a["redo"])
        edit.addSeparator()
        edit.addAction(a["delete_selection"])
        edit.addSeparator()
        edit.addAction(a["new_scenario"])
        self.view_menu = mb.addMenu(self.tr("&View"))
        self.view_menu.addAction(a["fit"])
        self.view_menu.addSeparator()
        lang = self.view_menu.addMenu(self.tr("&Language"))
        for act in self.language_actions.values():
            lang.addAction(act)
        self.view_menu.addSeparator()
        tools = mb.addMenu(self.tr("&Tools"))
        for act in self.tool_actions.values():
            tools.addAction(act)
        tools.addSeparator()
        tools.addAction(a["snap"])
        tools.addSeparator()
        a["rule_packs"] = self._action(self.tr("Rule &Packs…"), self.rule_packs_dialog)
        tools.addAction(a["rule_packs"])
        help_ = mb.addMenu(self.tr("&Help"))
        help_.addAction(a["about"])
        for m in (file, edit, self.view_menu, tools, help_, lang, self.recent_menu):
            self._ui.append(m)

    def _build_toolbars(self) -> None:
        a = self.actions_
        main = QToolBar(self.tr("Plan"), self)
        main.setObjectName("toolbar_plan")
        main.addAction(a["undo"])
        main.addAction(a["redo"])
        main.addSeparator()
        main.addWidget(QLabel(" " + self.tr("Scenario") + " "))
        self.scenario_box = QComboBox()
        self.scenario_box.setMinimumContentsLength(10)
        self.scenario_box.setToolTip(self.tr("The scenario (方案) being edited and validated"))
        self.scenario_box.activated.connect(lambda _i: self.set_scenario(self.scenario_box.currentData()))
        main.addWidget(self.scenario_box)
        main.addAction(a["new_scenario"])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, main)
        tools = QToolBar(self.tr("Tools"), self)
        tools.setObjectName("toolbar_tools")
        for act in self.tool_actions.values():
            tools.addAction(act)
        tools.addSeparator()
        tools.addAction(a["snap"])
        tools.addAction(a["fit"])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tools)
        self.toolbars = {"plan": main, "tools": tools}
        self._ui.extend([main, tools])

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")  # saveState/restoreState find docks by name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.view_menu.addAction(dock.toggleViewAction())
        self._ui.append(dock)
        return dock

    def _build_docks(self) -> None:
        L, R, B = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                   Qt.DockWidgetArea.BottomDockWidgetArea)
        self.palette = FacilityPalette(self.catalogue)
        self.palette.facilityChosen.connect(self.choose_facility_type)
        self.palette.residentialChosen.connect(self.choose_residential)
        self.layers_panel = LayersPanel()
        self.layers_panel.visibilityChanged.connect(self._set_layer_visible)
        self.attributes = AttributePanel(self.catalogue)
        self.attributes.editRequested.connect(self.push_edit)
        self.attributes.message.connect(self._show_status_error)
        self.findings = FindingsPanel()
        self.findings.findingActivated.connect(self.show_finding)
        self.findings.overrideRequested.connect(self.override_dialog)
        self.coverage = CoverageChart(self.catalogue)
        self.history_view = QUndoView(self.history.stack)
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
        self.checklist.answerChosen.connect(self.set_manual_answer)
        self.docks["checklist"] = self._dock("checklist", self.tr("Checklist"), self.checklist, R)
        self.splitDockWidget(self.docks["attributes"], self.docks["findings"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["findings"], self.docks["checklist"])  # after the split, which re-places findings
        self.docks["findings"].raise_()
        self.tabifyDockWidget(self.docks["coverage"], self.docks["history"])
        self.docks["coverage"].raise_()
        # The side panels run the full height; the chart sits under the map only.
        self.setCorner(Qt.Corner.BottomLeftCorner, L)
        self.setCorner(Qt.Corner.BottomRightCorner, R)
        for layer in self.layers_panel.hidden_layers():
            self.canvas.set_layer_visible(layer, False)

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
        self._on_busy(self.loop.busy)

    # ==== the plan =============================================================================
    def set_plan(self, plan: Plan, keep_history: bool = False, scenario: str | None = None) -> None:
        """Show ``plan`` (the window owns it from now on and closes the one it replaces)."""
        old = self.plan
        self.plan = plan
        names = [s.name for s in plan.scenarios()]
        self.scenario = scenario if scenario in names else ("base" if "base" in names else names[0])
        self.history.set_plan(plan, keep_history=keep_history)
        self.selection = []
        self.results = None
        self.active_finding = None
        self.canvas.set_plan(plan, self.scenario)
        self.canvas.set_credits(plan_credits(plan))
        self.loop.set_plan(plan, self.scenario)  # builds the validator; the first (full) run starts
        self._apply_area_rule()
        self._fill_for_plan()
        if old is not None and old is not plan:
            old.close()
        remember_plan(plan.path)
        self.planChanged.emit(plan)

    def _fill_for_plan(self) -> None:
        """Everything in the panels that depends on the plan (also after a language rebuild)."""
        plan = self.plan
        self.setWindowTitle(f"{plan.name} — {plan.path.name} — lifecircle")
        self._fill_scenarios()
        self.attributes.set_plan(plan)
        self.attributes.set_selection(self.selection)
        self.layers_panel.update_counts(plan, self.scenario)
        packs = getattr(self.loop.validator, "packs", None) or []
        self.findings.set_pack_titles({p.id: (p.name_zh, p.name_en) for p in packs})
        self.findings.set_results(self.results)
        self.checklist.set_packs(packs)
        self._fill_checklist()
        self.coverage.set_results(self.results)
        self._update_summary()

    def _fill_scenarios(self) -> None:
        box = self.scenario_box
        box.blockSignals(True)
        box.clear()
        for s in self.plan.scenarios():
            box.addItem(s.name if s.name != "base" else self.tr("base (现状/基础)"), s.name)
        box.setCurrentIndex(max(0, box.findData(self.scenario)))
        box.blockSignals(False)

    def set_scenario(self, name: str) -> None:
        if self.plan is None or name == self.scenario or not name:
            return
        self.scenario = name
        self.selection = []
        self.active_finding = None
        self.canvas.set_plan(self.plan, name)
        self.attributes.set_selection([])
        self.layers_panel.update_counts(self.plan, name)
        self._fill_scenarios()
        self.loop.set_scenario(name)

    def create_scenario(self, name: str) -> bool:
        """A new scenario copied from the current one, then switched to."""
        try:
            self.plan.create_scenario(name, copy_from=self.scenario)
        except PlanError as e:
            self._show_status_error(e.message(i18n.language()))
            return False
        self.set_scenario(name.strip())
        return True

    def close_plan(self) -> None:
        task = getattr(self, "_import_task", None)
        if task is not None:
            task.cancel()
            task.wait()
        self.loop.shutdown()
        if self.plan is not None:
            self.plan.close()
            self.plan = None

    # ==== edits ================================================================================
    def push_edit(self, edit) -> ChangeSet | None:
        """Every change to the plan comes here: onto the undo stack, applied and saved at once."""
        return self.history.push(edit)

    def set_manual_answer(self, rule: str, answer: str | None) -> ChangeSet | None:
        """The planner's answer to a checklist item of the current scenario, through the undo stack."""
        if self.plan is None:
            return None
        return self.push_edit(SetManualAnswer.of(self.plan, self.scenario, rule, answer))

    def set_rule_packs(self, enabled) -> ChangeSet | None:
        if self.plan is None or tuple(enabled) == tuple(self.plan.rule_packs):
            return None
        return self.push_edit(SetRulePacks.of(self.plan, enabled))

    def rule_packs_dialog(self) -> None:
        if self.plan is None:
            return
        dialog = RulePacksDialog(getattr(self.loop.validator, "packs", None) or [], self.plan.rule_packs, self)
        if dialog.exec():
            self.set_rule_packs(dialog.enabled())

    def set_override(self, rule: str, key: str, value: float | None) -> ChangeSet | None:
        """A district's own threshold (None: the pack's again) for this plan's community kind."""
        if self.plan is None:
            return None
        edit = SetOverride.of(self.plan, rule, key, value)
        return None if edit.old == edit.new else self.push_edit(edit)

    def override_dialog(self, finding: Finding) -> None:
        packs = getattr(self.loop.validator, "packs", None) or []
        rule = next((r for p in packs for r in p.rules if r.id == finding.rule), None)
        spec = rule.for_kind(self.plan.community_kind) if rule is not None and self.plan is not None else None
        if not spec or not spec[1]:
            return
        key = "min" if "min" in spec[1] else "max"
        own = float(spec[1][key])
        label = i18n.fill(self.tr("%1 for “%2” (the standard says %3; entering that removes the override):"),
                          self.tr("Minimum") if key == "min" else self.tr("Maximum"),
                          i18n.pick(rule.name_zh, rule.name_en), f"{own:g}")
        value, ok = QInputDialog.getDouble(self, self.tr("District Threshold"), label,
                                           dict(finding.overrides).get(key, own), -1e12, 1e12, 2)
        if ok:
            self.set_override(finding.rule, key, None if value == own else value)

    def _fill_checklist(self) -> None:
        answers = self.plan.manual_answers(self.scenario) if self.plan is not None else {}
        self.checklist.set_results(self.results, answers)

    def _on_changed(self, changes: ChangeSet) -> None:
        self.canvas.refresh(changes)
        if OSM_CREDIT not in self.canvas.credits():
            self.canvas.set_credits(plan_credits(self.plan, changes))
        self.loop.mark_dirty(changes)
        alive = [s for s in self.selection if self.plan.has_feature(*s)]
        if alive != self.selection:
            self.selection = alive
            self.attributes.set_selection(alive)
        else:
            self.attributes.refresh(changes)
        self.layers_panel.update_counts(self.plan, self.scenario)

    def _on_refused(self, error: PlanError) -> None:
        self._show_status_error(error.message(i18n.language()))

    def _show_status_error(self, text: str) -> None:
        self.statusBar().showMessage("⚠ " + text, 10000)

    def delete_selection(self) -> None:
        """Delete the selected features (with the entrances that belong to them) as one step."""
        if self.plan is None or not self.selection:
            return
        # The same edit as the map's delete tool and Delete key: one way to delete.
        self.push_edit(delete_edit(self.plan, self.scenario, self.selection))

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

    def choose_residential(self) -> None:
        self.canvas.set_target_layer("residential")
        self.set_tool("polygon")

    def _set_snapping(self, on: bool) -> None:
        QSettings().setValue("canvas/snapping", on)
        self.canvas.set_snapping(on, 10)

    def _set_layer_visible(self, layer: str, visible: bool) -> None:
        self.canvas.set_layer_visible(layer, visible)

    def _fit(self) -> None:
        self.canvas.fit_plan()

    def _apply_area_rule(self) -> None:
        self.canvas.set_area_rule(self.area_rule)
        self.canvas.set_snapping(self.actions_["snap"].isChecked(), 10)

    def area_rule(self, facility_type: str) -> tuple[float | None, float | None]:
        """(minimum floor area, minimum land area) of ``facility_type`` in the enabled rule packs
        for this plan's community kind — the strictest where packs differ. The canvas checks a
        polygon being drawn against it on every vertex (design.md §5)."""
        packs = getattr(self.loop.validator, "packs", None)
        if not packs or self.plan is None:
            return None, None
        enabled = set(self.plan.rule_packs)
        mins = {"floor_area": None, "land_area": None}
        for pack in packs:
            if pack.id not in enabled:
                continue
            for rule in pack.rules:
                if rule.kind != "facility_area" or rule.params.get("facility_type") != facility_type:
                    continue
                spec = rule.for_kind(self.plan.community_kind)
                measure = rule.params.get("measure")
                if spec is None or measure not in mins or spec[1].get("min") is None:
                    continue
                lo = float(spec[1]["min"])
                mins[measure] = lo if mins[measure] is None else max(mins[measure], lo)
        return mins["floor_area"], mins["land_area"]

    def _on_selection(self, selection) -> None:
        self.selection = [tuple(s) for s in selection]
        self.attributes.set_selection(self.selection)

    def _on_cursor(self, x: float, y: float) -> None:
        """Plan metres and WGS-84 lon/lat (what a planner matches against other maps)."""
        if self.plan is None:
            return
        lon, lat = crs.transformer(self.plan.epsg, crs.WGS84).transform(x, y)
        self.coords_label.setText(f"E {x:,.1f}  N {y:,.1f} m · {lon:.5f}°, {lat:.5f}°")

    # ==== validation ===========================================================================
    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("Validating…") if busy else "")

    def _on_results(self, results: Results) -> None:
        self.results = results
        self.findings.set_results(results)
        self._fill_checklist()
        self.coverage.set_results(results)
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
        limit are shaded and the network reachable from the chosen facility is drawn."""
        self.active_finding = finding
        features = [tuple(f) for f in finding.features]
        if finding.kind != "walk_coverage":
            self.canvas.clear_walk_overlay()
            self.canvas.highlight(features)
            if zoom and features:
                self.canvas.zoom_to(features)
            return
        self.coverage.set_finding(finding)
        outside = [fid for layer, fid in features if layer == "residential"]
        facility = self._facility_for_walk(finding, outside)
        shown = features + ([facility] if facility else [])
        self.canvas.highlight(shown)
        if zoom and shown:
            self.canvas.zoom_to(shown)
        self.canvas.show_walk_overlay(outside, [])
        if facility is not None and finding.limit_m is not None:
            self._walk_key = (finding.rule, facility, self.loop.version)
            self.loop.request_reachable(facility[0], facility[1], finding.limit_m, self._walk_key)

    def _facility_for_walk(self, finding: Finding, outside: list[int]) -> tuple[str, int] | None:
        """The selected facility if it is of the rule's types, else the one nearest to the homes
        beyond the limit (or to all homes)."""
        types = set(finding.facility_types)
        for layer, fid in self.selection:
            if layer in ("facilities", "stops") and self.plan.has_feature(layer, fid) and \
                    self.plan.feature(layer, fid).get("type") in types:
                return layer, fid
        candidates = [f for layer in ("facilities", "stops") for f in self.plan.features(layer, self.scenario)
                      if f.get("type") in types]
        if not candidates:
            return None
        homes = [self.plan.feature("residential", h).geometry for h in outside
                 if self.plan.has_feature("residential", h)] or \
            [f.geometry for f in self.plan.features("residential", self.scenario)]
        if not homes:
            return candidates[0].layer, candidates[0].fid
        centre = shapely.centroid(shapely.union_all([g.centroid for g in homes]))
        best = min(candidates, key=lambda f: f.geometry.distance(centre))
        return best.layer, best.fid

    def _on_reachable(self, key, lines) -> None:
        if key != self._walk_key or self.active_finding is None:
            return  # a later click asked for another facility
        outside = [fid for layer, fid in self.active_finding.features if layer == "residential"]
        self.canvas.show_walk_overlay(outside, list(lines))

    # ==== files ================================================================================
    def show_error(self, text: str) -> None:
        QMessageBox.warning(self, "lifecircle", text)

    def open_plan_path(self, path) -> bool:
        if self.plan is not None and Path(path).resolve() == self.plan.path.resolve():
            return True
        try:
            plan = Plan.open(path)
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return False
        self.set_plan(plan)
        return True

    def open_plan_dialog(self) -> None:
        start = str(self.plan.path.parent) if self.plan is not None else ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open plan"), start,
                                              self.tr("Plans (*.gpkg);;All files (*)"))
        if path:
            self.open_plan_path(path)

    def save_as_path(self, path) -> bool:
        """Copy the plan to ``path`` and continue editing the copy (the history stays: ids match)."""
        if self.plan is None:
            return False
        path = Path(path)
        if path.suffix.lower() != ".gpkg":
            path = path.with_name(path.name + ".gpkg")
        if path.resolve() == self.plan.path.resolve():
            return True  # the plan is always saved: nothing to do
        try:
            copy_plan_file(self.plan, path)
            copy = Plan.open(path)
        except (OSError, sqlite3.Error) as e:
            self.show_error(i18n.fill(self.tr("Cannot write %1: %2"), path, e))
            return False
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return False
        self.set_plan(copy, keep_history=True, scenario=self.scenario)
        self.statusBar().showMessage(i18n.fill(self.tr("Now editing %1"), path), 6000)
        return True

    def save_as_dialog(self) -> None:
        if self.plan is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save plan as"), str(self.plan.path.parent),
                                              self.tr("Plans (*.gpkg)"))
        if path:
            self.save_as_path(path)

    def new_plan_dialog(self) -> None:
        dialog = NewPlanDialog(self)
        if dialog.exec() != NewPlanDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("New plan file"),
                                              str(Path.home() / f"{values['name'] or 'plan'}.gpkg"),
                                              self.tr("Plans (*.gpkg)"))
        if path:
            self.create_plan(path, values)

    def create_plan(self, path, values: dict) -> bool:
        path = Path(path)
        if path.suffix.lower() != ".gpkg":
            path = path.with_name(path.name + ".gpkg")
        if path.exists() and (self.plan is None or path.resolve() != self.plan.path.resolve()):
            # The save dialog asked the planner already; a plan file is replaced as a whole.
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        try:
            plan = create_blank_plan(path, values)
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return False
        self.set_plan(plan)
        return True

    def new_plan_from_osm_dialog(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, self.tr("OpenStreetMap extract"), "",
                                                self.tr("OSM extracts (*.osm *.pbf *.osm.pbf *.xml);;All files (*)"))
        if not source:
            return
        target, _ = QFileDialog.getSaveFileName(self, self.tr("New plan file"),
                                                str(Path(source).with_suffix(".gpkg")), self.tr("Plans (*.gpkg)"))
        if target:
            self.import_osm(source, target)

    def import_osm(self, source, target, importer=None) -> OsmImport | None:
        target = Path(target)
        if self.plan is not None and target.resolve() == self.plan.path.resolve():
            self.show_error(self.tr("That is the plan open now; choose another file."))
            return None
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        task = OsmImport(source, target, self, importer=importer)
        task.done.connect(self.open_plan_path)
        task.failed.connect(lambda e: self.show_error(e.message(i18n.language()) if isinstance(e, PlanError)
                                                      else self.tr("The import failed:") + "\n" + str(e)))
        task.cancelled.connect(lambda: self.statusBar().showMessage(self.tr("Import cancelled."), 5000))
        self._import_task = task
        try:
            task.start()
        except PlanError as e:
            self.show_error(e.message(i18n.language()))
            return None
        return task

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
        if self.plan is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New scenario"),
                                        i18n.fill(self.tr("Name of the new scenario (a copy of “%1”):"), self.scenario))
        if ok and name.strip():
            self.create_scenario(name)

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
        state = self.saveState()
        self._teardown_ui()
        self._build_ui()
        self.restoreState(state)
        self.canvas.set_language(i18n.language())
        if self.active_finding is not None:
            self.findings.select_rule(self.active_finding.rule)

    def _update_undo_texts(self, *_):
        stack = self.history.stack
        u, r = stack.undoText(), stack.redoText()
        self.actions_["undo"].setEnabled(stack.canUndo())
        self.actions_["redo"].setEnabled(stack.canRedo())
        self.actions_["undo"].setText(i18n.fill(self.tr("&Undo %1"), u) if u else self.tr("&Undo"))
        self.actions_["redo"].setText(i18n.fill(self.tr("&Redo %1"), r) if r else self.tr("&Redo"))

    def default_layout(self) -> None:
        """Dock sizes for a first start: the map gets the room, findings more than attributes."""
        d = self.docks
        # Findings are what the planner reads while drawing: rule names must not be cut to "…".
        self.resizeDocks([d["palette"], d["findings"]], [230, 500], Qt.Orientation.Horizontal)
        self.resizeDocks([d["palette"], d["layers"]], [420, 300], Qt.Orientation.Vertical)
        self.resizeDocks([d["attributes"], d["findings"]], [170, 600], Qt.Orientation.Vertical)
        self.resizeDocks([d["coverage"]], [230], Qt.Orientation.Vertical)

    def showEvent(self, event):
        super().showEvent(event)
        if self._needs_default_layout:
            self._needs_default_layout = False
            self.default_layout()

    # ==== closing ==============================================================================
    def closeEvent(self, event):
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        self.close_plan()
        super().closeEvent(event)

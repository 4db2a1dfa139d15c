"""The open plan as the desktop sees it (design.md §10): the Qt-free :class:`PlanSession` plus what
Qt brings — the undo stack, the live validation loop on its worker thread, and signals that say
what changed. The map and the panels listen to these signals themselves (napari's habit); the
main window only builds and wires.

The path of one edit: a map tool or a panel calls :meth:`PlanDocument.push` → the session applies
it (one transaction in the plan file) and records it in its history → the undo stack gets one
command mirroring that history entry → ``changed(ChangeSet)`` → the map redraws those ids, the
panels refresh, the validation loop re-runs what the ChangeSet touches → ``resultsReady``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..model.edits import SetManualAnswer, SetRulePacks
from ..model.errors import PlanError
from ..model.findings import Finding, Results
from ..model.plan import ChangeSet
from ..model.session import PlanSession
from ..model.settings import DEFAULTS
from ..model.validate import Validator
from .undo import describe, follow_note, history_row
from .validation import DEBOUNCE_MS, ValidationLoop

Key = tuple[str, int]


def make_validator(session: PlanSession) -> Validator:
    """The validator of ``session``: it knows every pack and evaluates those the snapshot enables,
    so switching packs (and undoing it) needs no new validator. A PlanError names a missing pack."""
    session.enabled_packs()
    return Validator(session.packs, session.catalogue)


class _HistoryCommand(QUndoCommand):
    """One entry of the session's history on the Qt undo stack (for the Edit menu and the History
    panel). The session does the work: undo → ``session.undo()``, redo → ``session.redo()``."""

    def __init__(self, document: "PlanDocument", scenario: str | None, words: str):
        super().__init__(history_row(scenario, words))  # "方案二：添加 老年服务站"
        self._document = document
        self._words = words
        self._first = True  # QUndoStack.push calls redo(); the session applied the edit just before

    def retitle(self, scenario: str | None) -> None:
        """The row again, under the scenario's name now (a scenario renamed since)."""
        self.setText(history_row(scenario, self._words))

    def redo(self):
        if self._first:
            self._first = False
            return
        self._document._step(self._document.session.redo, self._words, undo=False)

    def undo(self):
        self._document._step(self._document.session.undo, self._words, undo=True)


class PlanDocument(QObject):
    """The session, its undo stack and its validation loop, with signals:

    - ``sessionChanged(session)``: another plan was opened (or None: closed);
    - ``changed(ChangeSet)``: after every applied step (an edit, an undo, a redo);
    - ``scenarioChanged(str)``: the scenario shown and validated;
    - ``selectionChanged(list)``: the selected (layer, fid) keys;
    - ``resultsReady(Results)``, ``reachableReady(key, lines)``, ``busyChanged(bool)``,
      ``validationFailed(error)``: from the validation loop;
    - ``refused(PlanError)``: the plan refused an edit (the message is for the planner);
    - ``historyNote(str)``: an undo or redo was made in another scenario than the one shown, and
      the view switched to it first (the sentence says so, for the status bar and the banner).
    """

    sessionChanged = Signal(object)
    changed = Signal(object)
    scenarioChanged = Signal(str)
    selectionChanged = Signal(list)
    resultsReady = Signal(object)
    reachableReady = Signal(object, object)
    busyChanged = Signal(bool)
    validationFailed = Signal(object)
    refused = Signal(object)
    historyNote = Signal(str)

    def __init__(self, parent: QObject | None = None, *, debounce_ms: int = DEBOUNCE_MS, validator_factory=None):
        super().__init__(parent)
        self.session: PlanSession | None = None
        self.stack = QUndoStack(self)
        # The session's history is the truth; the stack follows it (see _step and _follow_history).
        self._out_of_step = False
        self._following = False
        self.stack.indexChanged.connect(self._follow_history)
        self._validator_factory = validator_factory
        self.loop = ValidationLoop(self, debounce_ms)
        self.loop.resultsReady.connect(self.resultsReady)
        self.loop.reachableReady.connect(self.reachableReady)
        self.loop.busyChanged.connect(self.busyChanged)
        self.loop.failed.connect(self.validationFailed)

    # --- the plan ---------------------------------------------------------------------------
    @property
    def plan(self):
        return self.session.plan if self.session is not None else None

    @property
    def scenario(self) -> str:
        return self.session.scenario if self.session is not None else "base"

    @property
    def selection(self) -> list[Key]:
        return list(self.session.selection) if self.session is not None else []

    @property
    def results(self) -> Results | None:
        return self.loop.results

    def set_session(self, session: PlanSession | None, keep_history: bool = False) -> None:
        """Show ``session`` (the document owns it from now on and closes the one it replaces)."""
        old = self.session
        self.session = session
        if not keep_history:
            self.stack.clear()
            if session is not None:
                session.clear_history()  # the undo stack and the session's history stay one
        validator = None
        if session is not None:
            try:
                session.upgrade()  # no write lock held while the planner works (QGIS may write)
            except PlanError as e:
                self.refused.emit(e)
            try:
                validator = (self._validator_factory or make_validator)(session)
            except PlanError as e:
                self.validationFailed.emit(e)  # e.g. the plan enables a pack this version lacks
        self.loop.set_plan(session.plan if session is not None else None, self.scenario, validator=validator)
        if old is not None and old is not session:
            old.close()
        self.sessionChanged.emit(session)

    def open(self, path, remove_foreign_code: bool = False) -> None:
        """Open the plan at ``path`` (PlanError: not a plan, damaged, unreadable — nothing changes;
        ForeignCode: another program stored code in it, which ``remove_foreign_code`` drops first)."""
        if self.session is not None and Path(path).resolve() == self.session.plan.path.resolve():
            return
        self.set_session(PlanSession.open(path, remove_foreign_code=remove_foreign_code))

    def save_as(self, path) -> Path:
        """Continue on a copy of the plan at ``path`` (the history stays: feature ids match)."""
        target = self.session.save_as(path)
        self.set_session(self.session, keep_history=True)  # the loop validates the copy from now on
        return target

    def is_open(self, path) -> bool:
        return self.session is not None and Path(path).resolve() == self.session.plan.path.resolve()

    def close(self) -> None:
        self.loop.shutdown()
        if self.session is not None:
            self.session.close()
            self.session = None

    # --- edits -------------------------------------------------------------------------------
    def push(self, edit, text: str | None = None) -> ChangeSet | None:
        """Apply ``edit`` (saved at once) as one undoable step; None when the plan refused it."""
        return self._record(lambda: self.session.apply(edit), text)

    def _record(self, step, text: str | None = None) -> ChangeSet | None:
        """Run one step of the session that adds a history entry, and mirror it on the stack."""
        if self.session is None:
            return None
        before = self.session.scenario, self.session.selection
        try:
            changes = step()
        except PlanError as e:
            self._refuse(e)
            return None
        entry = self.session.history_entries()[-1]
        self.stack.push(_HistoryCommand(self, entry.scenario, text or describe(changes.edit)))
        self._retitle()
        self._announce(changes, *before)
        return changes

    def _retitle(self) -> None:
        """Every history row names its scenario as it is called now (the session's history
        follows a rename; the rows are told here)."""
        for i, entry in enumerate(self.session.history_entries()):
            command = self.stack.command(i)
            if isinstance(command, _HistoryCommand):
                command.retitle(entry.scenario)

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

    def _step(self, step, words: str = "", undo: bool = True) -> None:
        """One undo or redo of the stack, done by the session. QUndoStack moves its index whatever
        the command does, so a step the file refused (locked, disk full, changed by another
        program) marks the stack out of step: the further steps of the same move are skipped
        and _follow_history puts the index back where the session's history is. A step of
        another scenario is made there (the session decides): ``historyNote`` says so."""
        if self._following or self._out_of_step:
            return
        before = self.session.scenario, self.session.selection
        try:
            changes = step()
        except PlanError as e:
            self._out_of_step = True
            self._refuse(e)
            return
        if changes is not None:
            self._retitle()
            self._announce(changes, *before)
            if self.session.scenario != before[0]:  # after the map and panels showed the scenario
                self.historyNote.emit(follow_note(self.session.scenario, words, undo))

    def _follow_history(self, _index: int) -> None:
        if not self._out_of_step:
            return
        self._out_of_step = False
        self._following = True  # the commands' undo()/redo() do nothing while the index is set back
        try:
            self.stack.setIndex(self.session.history_index)
        finally:
            self._following = False

    def _refuse(self, error: PlanError) -> None:
        """Tell the planner why, and show what the plan re-read from the file meanwhile (another
        program's changes, or the state a refused write left)."""
        self.refused.emit(error)
        before = self.session.scenario, self.session.selection
        try:
            changes = self.session.refresh()
        except PlanError:
            return
        if changes:
            self._announce(changes, *before)

    def _announce(self, changes: ChangeSet, scenario_before: str, selection_before: tuple) -> None:
        if self.session.scenario != scenario_before:
            self._scenario_switched()
        else:
            self.loop.mark_dirty(changes)
        self.changed.emit(changes)
        # Only a real change of the selection: the attribute form is rebuilt on it, and rebuilding
        # it under an editor that is just losing focus (Tab after typing a value) crashed Qt.
        if self.session.selection != selection_before:
            self.selectionChanged.emit(self.selection)

    # --- the planner's verbs ----------------------------------------------------------------
    def delete(self, keys) -> ChangeSet | None:
        """Delete ``keys`` with the entrances that belong to them, as one step."""
        keys = list(keys)
        if self.session is None or not keys:
            return None
        try:
            edit = self.session.delete_edit(keys)
        except PlanError as e:  # nothing left to delete, or a read-only base-map feature
            self.refused.emit(e)
            return None
        return self.push(edit)

    def move(self, keys, dx: float, dy: float) -> ChangeSet | None:
        """Move ``keys`` (with the entrances that belong to them) by (dx, dy) metres, as one step."""
        if self.session is None:
            return None
        try:
            edit = self.session.move_edit(keys, dx, dy)
        except PlanError as e:
            self.refused.emit(e)
            return None
        return self.push(edit)

    def import_dxf(self, path, **options) -> ChangeSet | None:
        """Import a CAD drawing (PlanSession.import_dxf's options) as one undoable step; None when
        refused (``refused`` says why, the plan unchanged)."""
        from PySide6.QtCore import QCoreApplication
        from .i18n import fill
        text = fill(QCoreApplication.translate("PlanHistory", "Import CAD drawing %1"), Path(path).name)
        return self._record(lambda: self.session.import_dxf(path, **options), text)

    def attached_entrances(self, keys) -> list[Key]:
        return self.session.attached_entrances(keys) if self.session is not None else []

    def delete_selection(self) -> ChangeSet | None:
        return self.delete(self.selection)

    def create_scenario(self, name: str) -> ChangeSet | None:
        """A new scenario copied from the current one, switched to; undoable."""
        return self._record(lambda: self.session.create_scenario(name))

    def rename_scenario(self, old: str, new: str) -> ChangeSet | None:
        """Rename scenario ``old`` (undoable); None when refused (``refused`` says why)."""
        return self._record(lambda: self.session.rename_scenario(old, new))

    def delete_scenario(self, name: str | None = None) -> ChangeSet | None:
        """Delete scenario ``name`` (default: the one shown; undoable); the parent is shown then.
        None when refused (the base scenario, the only one: ``refused`` says why)."""
        return self._record(lambda: self.session.delete_scenario(name))

    def switch_scenario(self, name: str) -> None:
        if self.session is None or not name or name == self.session.scenario:
            return
        try:
            self.session.switch_scenario(name)
        except PlanError as e:
            self.refused.emit(e)
            return
        self._scenario_switched()
        self.selectionChanged.emit([])

    def _scenario_switched(self) -> None:
        self.loop.set_scenario(self.session.scenario)
        self.scenarioChanged.emit(self.session.scenario)

    def select(self, keys) -> None:
        if self.session is not None and self.session.select(keys):
            self.selectionChanged.emit(self.selection)

    def set_manual_answer(self, rule: str, answer: str | None) -> ChangeSet | None:
        """The planner's answer to a checklist item of the current scenario."""
        if self.session is None:
            return None
        return self.push(SetManualAnswer.of(self.session.plan, self.session.scenario, rule, answer))

    def set_rule_packs(self, enabled) -> ChangeSet | None:
        if self.session is None or tuple(enabled) == tuple(self.session.plan.rule_packs):
            return None
        return self.push(SetRulePacks.of(self.session.plan, enabled))

    def set_override(self, rule: str, key: str, value: float | None) -> ChangeSet | None:
        """A district's own threshold (None: the pack's again) for this plan's community kind."""
        if self.session is None:
            return None
        edit = self.session.override_edit(rule, key, value)
        return None if edit is None else self.push(edit)

    def set_enforced(self, rule: str, on: bool) -> ChangeSet | None:
        """Turn a low-confidence rule on for this district (its source's severity applies) or off."""
        if self.session is None:
            return None
        try:
            edit = self.session.enforce_edit(rule, on)
        except PlanError as e:
            self._refuse(e)
            return None
        return None if edit is None else self.push(edit)

    def set_setting(self, key: str, value) -> ChangeSet | None:
        """A plan setting (规划设置: community class, area class, walking speeds …) as one undoable
        step; the validation re-runs every rule. None: unchanged, or refused (``refused`` says why)."""
        if self.session is None:
            return None
        try:
            edit = self.session.setting_edit(key, value)
        except PlanError as e:
            self.refused.emit(e)
            return None
        return None if edit is None else self.push(edit)

    # --- questions the map and the panels ask -----------------------------------------------
    def settings(self) -> Mapping[str, Any]:
        """Every plan setting's value (model/settings.py SETTINGS), defaults filled."""
        return self.session.settings if self.session is not None else DEFAULTS

    @property
    def read_only(self) -> bool:
        """The plan file cannot be changed (design.md §2): editors are disabled, not refused."""
        return self.session is not None and self.session.plan.read_only

    def area_minimum(self, facility_type: str) -> tuple[float | None, float | None]:
        if self.session is None:
            return None, None
        try:
            return self.session.area_minimum(facility_type)
        except PlanError:
            return None, None

    def request_reachable_all(self, finding: Finding, key) -> list[Key]:
        """The walking network within the finding's limit of every facility of its types (for the
        map overlay); returns those facilities."""
        keys = self.session.facilities_of_types(finding.facility_types) if self.session is not None else []
        if finding.limit_m is not None and keys:
            self.loop.request_reachable_from(keys, finding.limit_m, key)
        return keys

    def flush(self) -> None:
        """Validate now instead of after the debounce (tests, screenshots, benchmarks)."""
        self.loop.flush()

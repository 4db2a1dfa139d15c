"""Undo and redo: a thin Qt shell around the model's edit objects (style.md §1, Orange3's habit).

One ``EditCommand`` per user action wraps any model edit (AddFeature, ChangeGeometry,
ChangeAttributes, DeleteFeature, Batch, …). Its first redo applies the edit as given and keeps
``changes.edit`` — the edit as applied, with new ids filled in — so the exact inverse is known;
undo applies ``applied.inverted()``. Every step is one transaction in the plan file, so the file
is always current: there is no "unsaved work" and no Save.

Nothing in the UI changes the plan except through :meth:`PlanHistory.push`.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..model import edits as E
from ..model.errors import PlanError
from ..model.plan import ChangeSet, Plan
from ..model.schema import LAYERS
from . import i18n


def _layer_title(layer: str) -> str:
    spec = LAYERS.get(layer)
    return i18n.pick(spec.title_zh, spec.title_en) if spec else layer


def describe(edit) -> str:
    """The history line of an edit, in the UI language ("Add Facilities", "Delete Residential #3" …)."""
    fill, translate = i18n.fill, QCoreApplication.translate
    if isinstance(edit, E.AddFeature):
        return fill(translate("PlanHistory", "Add %1"), _layer_title(edit.layer))
    if isinstance(edit, E.DeleteFeature):
        return fill(translate("PlanHistory", "Delete %1 #%2"), _layer_title(edit.layer), edit.fid)
    if isinstance(edit, E.ChangeGeometry):
        return fill(translate("PlanHistory", "Reshape %1 #%2"), _layer_title(edit.layer), edit.fid)
    if isinstance(edit, E.ChangeAttributes):
        from .panels.attributes import field_label
        names = ", ".join(field_label(k) for k, _ in edit.new)
        return fill(translate("PlanHistory", "Set %1 of %2 #%3"), names, _layer_title(edit.layer), edit.fid)
    if isinstance(edit, E.SetManualAnswer):
        answers = {"yes": translate("PlanHistory", "yes"), "no": translate("PlanHistory", "no"),
                   "n/a": translate("PlanHistory", "n/a")}
        return fill(translate("PlanHistory", "Answer %1: %2"), edit.rule,
                    answers.get(edit.new, translate("PlanHistory", "not answered")))
    if isinstance(edit, E.SetRulePacks):
        return translate("PlanHistory", "Change rule packs")
    if isinstance(edit, E.SetOverride):
        return fill(translate("PlanHistory", "Set threshold %1 of %2"), edit.key, edit.rule)
    if isinstance(edit, E.Batch):
        return edit.label or translate("PlanHistory", "Several edits")
    return type(edit).__name__


class EditCommand(QUndoCommand):
    """One user action. ``redo`` → plan.apply(edit); ``undo`` → plan.apply(applied.inverted())."""

    def __init__(self, history: "PlanHistory", edit, text: str):
        super().__init__(text)
        self._history = history
        self._edit = edit
        self.applied = None  # the edit as applied (ids filled in), known after the first redo
        self._already_done = False

    def apply_first(self) -> ChangeSet:
        """Apply the edit as given, before the command goes on the stack (so that an edit the
        model refuses is never pushed)."""
        changes = self._history.plan.apply(self._edit)
        self.applied = changes.edit
        self._already_done = True
        return changes

    def redo(self):
        if self._already_done:  # QUndoStack.push calls redo(); the edit was applied just before
            self._already_done = False
            return
        self._run(self.applied if self.applied is not None else self._edit)

    def undo(self):
        self._run(self.applied.inverted())

    def _run(self, edit) -> None:
        try:
            changes = self._history.plan.apply(edit)
        except PlanError as e:
            # The file refused the step (locked, disk full, changed by another program): the
            # command cannot be trusted any more, so Qt drops it from the stack.
            self.setObsolete(True)
            self._history.refused.emit(e)
            return
        self._history.changed.emit(changes)


class PlanHistory(QObject):
    """The undo stack of the open plan. ``changed(ChangeSet)`` after every applied step (push,
    undo, redo); ``refused(PlanError)`` when the model refuses an edit."""

    changed = Signal(object)
    refused = Signal(object)

    def __init__(self, plan: Plan | None, parent: QObject | None = None):
        super().__init__(parent)
        self.plan = plan
        self.stack = QUndoStack(self)

    def push(self, edit, text: str | None = None) -> ChangeSet | None:
        """Apply ``edit`` and put it on the stack; None (stack unchanged) if the model refused."""
        if self.plan is None:
            return None
        command = EditCommand(self, edit, text or describe(edit))
        try:
            changes = command.apply_first()
        except PlanError as e:
            self.refused.emit(e)
            return None
        self.stack.push(command)
        self.changed.emit(changes)
        return changes

    def set_plan(self, plan: Plan | None, keep_history: bool = False) -> None:
        """Another plan: the history goes, unless the new plan is a copy of the old one (Save As)
        whose feature ids are the same."""
        self.plan = plan
        if not keep_history:
            self.stack.clear()

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

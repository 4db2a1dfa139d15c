"""The words of the undo history: one line per user action, in the UI language.

The history itself is the session's (model/session.py); ui/document.py mirrors it on a
QUndoStack, one command per entry, for the Edit menu and the History panel.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..model import edits, settings
from ..model.schema import LAYERS
from . import i18n


def _layer_title(layer: str) -> str:
    spec = LAYERS.get(layer)
    return i18n.pick(spec.title_zh, spec.title_en) if spec else layer


def describe(edit) -> str:
    """The history line of an edit, in the UI language ("Add Facilities", "Delete Residential #3" …)."""
    fill, translate = i18n.fill, QCoreApplication.translate
    if isinstance(edit, edits.AddFeature):
        return fill(translate("PlanHistory", "Add %1"), _layer_title(edit.layer))
    if isinstance(edit, edits.DeleteFeature):
        return fill(translate("PlanHistory", "Delete %1 #%2"), _layer_title(edit.layer), edit.fid)
    if isinstance(edit, edits.ChangeGeometry):
        return fill(translate("PlanHistory", "Reshape %1 #%2"), _layer_title(edit.layer), edit.fid)
    if isinstance(edit, edits.ChangeAttributes):
        from .panels.attributes import field_label
        names = ", ".join(field_label(k) for k, _ in edit.new)
        return fill(translate("PlanHistory", "Set %1 of %2 #%3"), names, _layer_title(edit.layer), edit.fid)
    if isinstance(edit, edits.SetManualAnswer):
        answers = {"yes": translate("PlanHistory", "yes"), "no": translate("PlanHistory", "no"),
                   "n/a": translate("PlanHistory", "n/a")}
        return fill(translate("PlanHistory", "Answer %1: %2"), edit.rule,
                    answers.get(edit.new, translate("PlanHistory", "not answered")))
    if isinstance(edit, edits.SetRulePacks):
        return translate("PlanHistory", "Change rule packs")
    if isinstance(edit, edits.SetOverride):
        return fill(translate("PlanHistory", "Set threshold %1 of %2"), edit.key, edit.rule)
    if isinstance(edit, edits.SetSetting):
        zh = i18n.is_chinese()
        return fill(translate("PlanHistory", "Set %1 to %2"), settings.name_words(edit.key, zh),
                    settings.value_words(edit.key, edit.new, zh))
    if isinstance(edit, edits.CreateScenario):
        return fill(translate("PlanHistory", "New scenario %1"), edit.name)
    if isinstance(edit, edits.DeleteScenario):
        return fill(translate("PlanHistory", "Delete scenario %1"), edit.name)
    if isinstance(edit, edits.AddFeatures):
        return fill(translate("PlanHistory", "Import %1 %2"), len(edit.rows), _layer_title(edit.layer))
    if isinstance(edit, edits.DeleteFeatures):
        return fill(translate("PlanHistory", "Delete %1 %2"), len(edit.fids), _layer_title(edit.layer))
    if isinstance(edit, edits.Batch):
        # The session names its batches by what the planner did ("delete", "move").
        words = {"delete": translate("PlanHistory", "Delete"), "move": translate("PlanHistory", "Move"),
                 "settings": translate("PlanHistory", "Change plan settings")}
        return words.get(edit.label, edit.label) or translate("PlanHistory", "Several edits")
    return type(edit).__name__

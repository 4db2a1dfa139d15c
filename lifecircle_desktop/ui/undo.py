"""The words of the undo history: one line per user action, in the UI language.

The history itself is the session's (model/session.py); ui/document.py mirrors it on a
QUndoStack, one command per entry, for the Edit menu and the History panel.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..model import edits, settings
from ..model.catalogue import load_catalogue
from ..model.schema import LAYERS
from . import i18n


def _layer_title(layer: str) -> str:
    spec = LAYERS.get(layer)
    return i18n.pick(spec.title_zh, spec.title_en) if spec else layer


def _feature_title(edit) -> str:
    """A facility by its type ("老年服务站"), anything else by its layer."""
    code = dict(edit.attributes).get("type") if edit.layer == "facilities" else None
    facility_type = load_catalogue().types.get(code) if code else None
    if facility_type is None:
        return _layer_title(edit.layer)
    return i18n.pick(facility_type.name_zh, facility_type.name_en)


def describe(edit) -> str:
    """The history line of an edit, in the UI language ("Add Facilities", "Delete Residential #3" …)."""
    fill, translate = i18n.fill, QCoreApplication.translate
    if isinstance(edit, edits.AddFeature):
        return fill(translate("PlanHistory", "Add %1"), _feature_title(edit))
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
        return fill(translate("PlanHistory", "Delete scenario %1"), scenario_title(edit.name))
    if isinstance(edit, edits.RenameScenario):
        return fill(translate("PlanHistory", "Rename scenario %1 to %2"), scenario_title(edit.old),
                    scenario_title(edit.new))
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


def scenario_title(name: str | None) -> str:
    """A scenario's name as the planner reads it (the base scenario: "Base scenario" / 基础方案)."""
    if name is None:
        return QCoreApplication.translate("PlanHistory", "All scenarios")
    return QCoreApplication.translate("PlanHistory", "Base scenario") if name == "base" else name


def history_row(scenario: str | None, words: str) -> str:
    """A row of the History panel: the scenario of the step, then what was done
    ("方案二：添加 老年服务站"; an edit of the whole plan: "全部方案：…")."""
    return i18n.fill(QCoreApplication.translate("PlanHistory", "%1: %2"), scenario_title(scenario), words)


def follow_note(scenario: str, words: str, undo: bool) -> str:
    """The note shown when an undo or redo took the planner to another scenario first."""
    text = QCoreApplication.translate("PlanHistory", "Switched to scenario “%1” to undo: %2") if undo else \
        QCoreApplication.translate("PlanHistory", "Switched to scenario “%1” to redo: %2")
    return i18n.fill(text, scenario_title(scenario), words)

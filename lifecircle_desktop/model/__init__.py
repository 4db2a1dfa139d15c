"""The Qt-free model: plan file, edits, catalogue, rules, walking network, validation.

Never imports PySide6 or pyqtgraph (design.md §1; tests/model/test_qt_free.py checks).
"""
from .catalogue import Catalogue, FacilityType, load_catalogue
from .edits import (AddFeature, Batch, ChangeAttributes, ChangeGeometry, DeleteFeature, SetManualAnswer,
                    SetOverride, SetRulePacks)
from .errors import InvalidGeometry, NotAPlan, PlanError
from .plan import ChangeSet, Feature, Plan, Scenario

__all__ = ["Plan", "Feature", "ChangeSet", "Scenario", "AddFeature", "DeleteFeature", "ChangeGeometry",
           "ChangeAttributes", "Batch", "SetManualAnswer", "SetRulePacks", "SetOverride", "PlanError", "InvalidGeometry", "NotAPlan", "Catalogue",
           "FacilityType", "load_catalogue"]

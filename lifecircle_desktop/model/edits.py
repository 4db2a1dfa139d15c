"""Edits are data (style.md §1): small frozen objects with ``apply(plan) -> ChangeSet`` and
``inverted()``. The UI wraps each in one QUndoCommand; undo is testable without Qt.

``apply`` returns a ChangeSet whose ``edit`` is the edit as applied — for ``AddFeature`` with
its new feature id filled in — and ``changes.edit.inverted()`` undoes it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from shapely.geometry.base import BaseGeometry

from .errors import PlanError
from .plan import ChangeSet, Feature, Plan, typed_attributes


def _frozen(values) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(dict(values).items()))


@dataclass(frozen=True)
class AddFeature:
    layer: str
    geometry: BaseGeometry
    attributes: tuple[tuple[str, object], ...] = ()
    scenario: str = "base"
    fid: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "attributes", _frozen(self.attributes))

    def apply(self, plan: Plan) -> ChangeSet:
        if self.scenario not in {s.name for s in plan.scenarios()}:
            raise PlanError(f"没有方案 {self.scenario}", f"there is no scenario {self.scenario}")
        attrs = typed_attributes(self.layer, self.attributes)
        changes, (f,) = plan._commit([Feature(self.layer, self.fid, self.geometry, attrs, self.scenario)], [])
        changes.edit = replace(self, fid=f.fid, attributes=tuple(attrs.items()))
        return changes

    def inverted(self) -> "DeleteFeature":
        if self.fid is None:
            raise PlanError("未应用的新增要素不能撤销", "an add that was never applied cannot be undone")
        return DeleteFeature(self.layer, self.fid, self.geometry, self.attributes, self.scenario)


@dataclass(frozen=True)
class DeleteFeature:
    """Carries the feature's last state so that its inverse can put it back exactly."""
    layer: str
    fid: int
    geometry: BaseGeometry
    attributes: tuple[tuple[str, object], ...]
    scenario: str

    def __post_init__(self):
        object.__setattr__(self, "attributes", _frozen(self.attributes))

    @classmethod
    def of(cls, plan: Plan, layer: str, fid: int) -> "DeleteFeature":
        f = plan.feature(layer, fid)
        return cls(layer, fid, f.geometry, f.attributes, f.scenario)

    def apply(self, plan: Plan) -> ChangeSet:
        plan.feature(self.layer, self.fid)  # raises if absent
        changes, _ = plan._commit([], [(self.layer, self.fid)])
        changes.edit = self
        return changes

    def inverted(self) -> AddFeature:
        return AddFeature(self.layer, self.geometry, self.attributes, self.scenario, self.fid)


@dataclass(frozen=True)
class ChangeGeometry:
    """Move, reshape, vertex edits: any new geometry for one feature."""
    layer: str
    fid: int
    old: BaseGeometry
    new: BaseGeometry

    @classmethod
    def of(cls, plan: Plan, layer: str, fid: int, new: BaseGeometry) -> "ChangeGeometry":
        return cls(layer, fid, plan.feature(layer, fid).geometry, new)

    def apply(self, plan: Plan) -> ChangeSet:
        f = plan.feature(self.layer, self.fid)
        changes, _ = plan._commit([Feature(f.layer, f.fid, self.new, f.attributes, f.scenario)], [])
        changes.edit = self
        return changes

    def inverted(self) -> "ChangeGeometry":
        return replace(self, old=self.new, new=self.old)


@dataclass(frozen=True)
class ChangeAttributes:
    """New values for some attributes of one feature (type, name, floors, gate open, …)."""
    layer: str
    fid: int
    old: tuple[tuple[str, object], ...]
    new: tuple[tuple[str, object], ...]

    def __post_init__(self):
        object.__setattr__(self, "old", _frozen(self.old))
        object.__setattr__(self, "new", _frozen(self.new))

    @classmethod
    def of(cls, plan: Plan, layer: str, fid: int, **values) -> "ChangeAttributes":
        f = plan.feature(layer, fid)
        typed = typed_attributes(layer, values, base=f.attributes)
        return cls(layer, fid, {k: f.attributes[k] for k in values}, {k: typed[k] for k in values})

    def apply(self, plan: Plan) -> ChangeSet:
        f = plan.feature(self.layer, self.fid)
        attrs = typed_attributes(self.layer, self.new, base=f.attributes)
        changes, _ = plan._commit([Feature(f.layer, f.fid, f.geometry, attrs, f.scenario)], [])
        changes.edit = self
        return changes

    def inverted(self) -> "ChangeAttributes":
        return replace(self, old=self.new, new=self.old)


@dataclass(frozen=True)
class Batch:
    """Several edits as one user action (multi-select move, delete with entrances): one transaction."""
    edits: tuple = ()
    label: str = ""

    def apply(self, plan: Plan) -> ChangeSet:
        applied, total = [], ChangeSet()
        try:
            with plan.store.transaction():
                for edit in self.edits:
                    changes = edit.apply(plan)
                    applied.append(changes.edit)
                    total = total.merge(changes)
        except BaseException:
            plan.reload()  # memory followed the edits that the rollback undid
            raise
        total.edit = replace(self, edits=tuple(applied))
        return total

    def inverted(self) -> "Batch":
        return replace(self, edits=tuple(e.inverted() for e in reversed(self.edits)))


__all__ = ["AddFeature", "DeleteFeature", "ChangeGeometry", "ChangeAttributes", "Batch"]

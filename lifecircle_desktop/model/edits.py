"""Edits are data (style.md §1): small frozen objects with ``apply(plan) -> ChangeSet`` and
``inverted()``. The UI wraps each in one QUndoCommand; undo is testable without Qt.

``apply`` returns a ChangeSet whose ``edit`` is the edit as applied — for ``AddFeature`` with
its new feature id filled in — and ``changes.edit.inverted()`` undoes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType

from shapely.geometry.base import BaseGeometry

from . import settings as settings_mod
from .errors import PlanError
from .plan import RULES_CHANGED, ChangeSet, Feature, Plan, same_feature, same_value, typed_attributes
from .schema import EDITABLE_LAYERS


def _frozen(values) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(dict(values).items()))


# How the base scenario reads in the interface (ui/undo.scenario_title): a scenario of that name
# would look like it.
BASE_WORDS = ("基础方案", "Base scenario", "base")


def _check_scenario_name(plan: Plan, name: str) -> None:
    """A new scenario name must be free, and must not read as the base scenario."""
    if name in BASE_WORDS or name.lower() in ("base", "base scenario"):
        raise PlanError(f"“{name}”是基础方案的名称，请换一个名称", f"“{name}” is the base scenario's name: choose another name")
    if plan.has_scenario(name):
        raise PlanError(f"方案“{name}”已存在，请换一个名称", f"scenario “{name}” already exists: choose another name")


def _changed_elsewhere(layer: str, fid: int) -> PlanError:
    """An edit made from what the plan held before another program changed the feature: applying
    it would write over that change (design.md §2: no lost update), so it is refused."""
    return PlanError(f"图层 {layer} 的要素 {fid} 已被另一个程序修改，未作任何更改（图上是它现在的样子）",
                     f"feature {fid} of layer {layer} was changed by another program; nothing was changed "
                     f"(the map shows it as it is now)")


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
        if self.fid is not None and plan.has_feature(self.layer, self.fid):
            raise PlanError(f"图层 {self.layer} 中已有要素 {self.fid}", f"layer {self.layer} already has a feature {self.fid}")
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
        # Its inverse puts back the state carried here: a feature changed since would come back stale.
        if not same_feature(plan.feature(self.layer, self.fid),
                            Feature(self.layer, self.fid, self.geometry, self.attributes, self.scenario)):
            raise _changed_elsewhere(self.layer, self.fid)
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
        if not f.geometry.equals_exact(self.old, 0):
            raise _changed_elsewhere(self.layer, self.fid)
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
        if not all(same_value(f.attributes.get(name), value) for name, value in self.old):
            raise _changed_elsewhere(self.layer, self.fid)
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


@dataclass(frozen=True)
class AddFeatures:
    """Many features of one layer as one edit (a GeoJSON import): one transaction through
    Plan.bulk_insert. ``rows``: ((geometry, ((name, value), ...)), ...). ``record``: the import
    log entry written with them (and taken off again by the inverse)."""
    layer: str
    rows: tuple
    scenario: str = "base"
    fids: tuple[int, ...] | None = None
    record: dict | None = field(default=None, compare=False)

    def apply(self, plan: Plan) -> ChangeSet:
        plan.require_scenario(self.scenario)
        rows = [(geometry, dict(attributes)) for geometry, attributes in self.rows]
        with plan.store.transaction() as db:
            try:
                fids = plan.bulk_insert(self.layer, rows, self.scenario, db=db, fids=self.fids)
                if self.record is not None:
                    plan.add_import(self.record)
            except BaseException:
                plan.reload()  # memory took rows that the rollback undid
                raise
        features = [plan.feature(self.layer, fid) for fid in fids]
        applied = replace(self, fids=tuple(fids),
                          rows=tuple((f.geometry, tuple(f.attributes.items())) for f in features))
        return ChangeSet(added={self.layer: set(fids)} if fids else {}, edit=applied)

    def inverted(self) -> "DeleteFeatures":
        if self.fids is None:
            raise PlanError("未应用的导入不能撤销", "an import that was never applied cannot be undone")
        return DeleteFeatures(self.layer, self.fids, self.rows, self.scenario, self.record)


@dataclass(frozen=True)
class DeleteFeatures:
    """Removes the features an AddFeatures put in; carries their rows so its inverse puts them back."""
    layer: str
    fids: tuple[int, ...]
    rows: tuple
    scenario: str = "base"
    record: dict | None = field(default=None, compare=False)

    def apply(self, plan: Plan) -> ChangeSet:
        for fid in self.fids:
            plan.feature(self.layer, fid)  # raises if absent
        with plan.store.transaction():
            changes, _ = plan._commit([], [(self.layer, fid) for fid in self.fids])
            if self.record is not None:
                plan.remove_import(self.record)
        changes.edit = self
        return changes

    def inverted(self) -> AddFeatures:
        return AddFeatures(self.layer, self.rows, self.scenario, self.fids, self.record)


@dataclass(frozen=True)
class CreateScenario:
    """A new scenario (方案), empty or a copy of ``parent``'s features (entrances re-pointed to
    the copies). ``copied`` is None until applied; the applied edit records the scenario's
    features as ((layer, fid, geometry, attributes), ...) and its creation time, so a redo puts
    back the same fids that later edits in the history refer to. ``answers``: checklist answers
    ((rule, answer, note), ...) put back when this undoes a DeleteScenario."""
    name: str
    parent: str | None = None
    copied: tuple | None = None
    created: str | None = None
    answers: tuple = ()

    def apply(self, plan: Plan) -> ChangeSet:
        name = (self.name or "").strip()
        if not name:
            raise PlanError("方案名称不能为空", "a scenario needs a name")
        _check_scenario_name(plan, name)
        if self.parent is not None and self.copied is None:
            plan.require_scenario(self.parent)
        features = self.copied if self.copied is not None else self._copies_of_parent(plan)
        changes = ChangeSet()
        with plan.store.transaction() as db:
            try:
                created = plan._insert_scenario_row(db, name, self.parent, self.created)
                for layer in EDITABLE_LAYERS:
                    rows = [(geometry, dict(attributes)) for lyr, _fid, geometry, attributes in features if lyr == layer]
                    fids = [fid for lyr, fid, _g, _a in features if lyr == layer]
                    if rows:
                        plan.bulk_insert(layer, rows, name, db=db, fids=fids)
                        changes.added[layer] = set(fids)
                for rule, answer, note in self.answers:
                    db.execute("INSERT INTO manual_checks(scenario, rule, answer, note) VALUES (?, ?, ?, ?)",
                               [name, rule, answer, note])
            except BaseException:
                plan.reload()
                raise
        changes.edit = replace(self, name=name, copied=tuple(features), created=created)
        return changes

    def _copies_of_parent(self, plan: Plan) -> list[tuple]:
        """(layer, new fid, geometry, attributes) of a copy of every feature of the parent."""
        if self.parent is None:
            return []
        copies, fid_of_copy = [], {}
        for layer in EDITABLE_LAYERS:
            next_fid = plan._next_fid(layer)
            for original in plan.features(layer, self.parent):
                fid_of_copy[(layer, original.fid)] = next_fid
                copies.append((layer, next_fid, original.geometry, original.attributes))
                next_fid += 1
        # An entrance of a copied home or facility belongs to the copy.
        return [(layer, fid, geometry, self._repointed(attributes, fid_of_copy) if layer == "entrances" else attributes)
                for layer, fid, geometry, attributes in copies]

    @staticmethod
    def _repointed(attributes, fid_of_copy) -> MappingProxyType:
        values = dict(attributes)
        values["feature"] = fid_of_copy.get((values.get("layer"), values.get("feature")), values.get("feature"))
        return MappingProxyType(values)

    def inverted(self) -> "DeleteScenario":
        if self.copied is None:
            raise PlanError("未应用的新方案不能撤销", "a scenario that was never created cannot be undone")
        return DeleteScenario(self.name, self.parent, self.created, self.copied, self.answers)


@dataclass(frozen=True)
class DeleteScenario:
    """Removes a scenario: its row, its features and its checklist answers. The applied edit
    carries all of them (read from the plan), so its inverse restores the scenario exactly."""
    name: str
    parent: str | None = None
    created: str | None = None
    features: tuple = ()
    answers: tuple = ()

    def apply(self, plan: Plan) -> ChangeSet:
        if self.name == "base":
            raise PlanError("基础方案不能删除，它是其他方案的起点", "the base scenario cannot be deleted: the others start from it")
        row = plan.store.conn.execute("SELECT parent, created FROM scenarios WHERE name = ?", [self.name]).fetchone()
        if row is None:
            raise PlanError(f"没有方案 {self.name}", f"there is no scenario {self.name}")
        if len(plan.scenarios()) <= 1:
            raise PlanError(f"方案 {self.name} 是规划中唯一的方案，不能删除",
                            f"scenario {self.name} is the plan's only scenario and cannot be deleted")
        features = tuple((f.layer, f.fid, f.geometry, f.attributes)
                         for layer in EDITABLE_LAYERS for f in plan.features(layer, self.name))
        answers = tuple(plan.store.conn.execute(
            "SELECT rule, answer, note FROM manual_checks WHERE scenario = ? ORDER BY rule", [self.name]).fetchall())
        with plan.store.transaction() as db:
            plan._delete_scenario_rows(db, self.name)
            changes, _ = plan._commit([], [(layer, fid) for layer, fid, _g, _a in features])
        changes.edit = replace(self, parent=row[0], created=row[1], features=features, answers=answers)
        return changes

    def inverted(self) -> CreateScenario:
        return CreateScenario(self.name, self.parent, self.features, self.created, self.answers)


@dataclass(frozen=True)
class RenameScenario:
    """A scenario's new name: its row, the children that name it as parent, its features and its
    checklist answers follow. The base scenario keeps its name (the plan and the tools start
    from it). Its inverse is the rename back."""
    old: str
    new: str

    def apply(self, plan: Plan) -> ChangeSet:
        new = (self.new or "").strip()
        if self.old == "base":
            raise PlanError("基础方案不能重命名", "the base scenario cannot be renamed")
        plan.require_scenario(self.old)
        if not new:
            raise PlanError("方案名称不能为空", "a scenario needs a name")
        if new == self.old:
            raise PlanError(f"方案已叫 {new}", f"the scenario is already called {new}")
        _check_scenario_name(plan, new)
        puts = [Feature(f.layer, f.fid, f.geometry, f.attributes, new)
                for layer in EDITABLE_LAYERS for f in plan.features(layer, self.old)]
        with plan.store.transaction() as db:
            try:
                db.execute("UPDATE scenarios SET name = ? WHERE name = ?", [new, self.old])
                db.execute("UPDATE scenarios SET parent = ? WHERE parent = ?", [new, self.old])
                db.execute("UPDATE manual_checks SET scenario = ? WHERE scenario = ?", [new, self.old])
                changes, _ = plan._commit(puts, []) if puts else (ChangeSet(), [])
            except BaseException:
                plan.reload()
                raise
        changes.edit = replace(self, new=new)
        return changes

    def inverted(self) -> "RenameScenario":
        return replace(self, old=self.new, new=self.old)


# Edits of the plan as a whole (every scenario reads them): their history entries belong to no scenario.
PLAN_WIDE = ()  # filled below, once the classes exist


def plan_wide(edit) -> bool:
    """True for an edit of the whole plan (packs, a district's threshold, a plan setting): undoing
    it needs no particular scenario on screen."""
    if isinstance(edit, Batch):
        return bool(edit.edits) and all(plan_wide(e) for e in edit.edits)
    # An edit of another module may say so itself (model/rasters.py: a scan, a tile package).
    return isinstance(edit, PLAN_WIDE) or getattr(edit, "whole_plan", False)


# --- the non-spatial part of a plan: checklist answers, rule packs, a district's own thresholds ----
# Their ChangeSets name a pseudo-layer (not a table of LAYERS) so that the validator knows what
# changed: MANUAL_CHECKS = an answer (rules re-evaluated over the cached distances), RULES = the
# pack set or a threshold (Validator.update re-runs everything).
MANUAL_CHECKS = "manual_checks"
RULES = RULES_CHANGED
ANSWERS = ("yes", "no", "n/a")


def _nonspatial(name: str, edit) -> ChangeSet:
    return ChangeSet(changed={name: set()}, edit=edit)


@dataclass(frozen=True)
class SetManualAnswer:
    """The planner's answer to one checklist item (人工核查项) in one scenario: "yes", "no", "n/a",
    or None (not answered yet), with an optional note."""
    scenario: str
    rule: str
    old: str | None
    new: str | None
    old_note: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, plan: Plan, scenario: str, rule: str, new: str | None, note: str | None = None) -> "SetManualAnswer":
        old, old_note = plan.manual_answer(scenario, rule)
        return cls(scenario, rule, old, new, old_note, old_note if note is None else note)

    def apply(self, plan: Plan) -> ChangeSet:
        if self.new is not None and self.new not in ANSWERS:
            raise PlanError(f"答案必须是 是/否/不适用，而不是 {self.new!r}",
                            f"an answer must be yes, no or n/a, not {self.new!r}")
        if self.scenario not in {s.name for s in plan.scenarios()}:
            raise PlanError(f"没有方案 {self.scenario}", f"there is no scenario {self.scenario}")
        with plan.store.transaction() as db:
            if self.new is None and not self.note:
                db.execute("DELETE FROM manual_checks WHERE scenario = ? AND rule = ?", [self.scenario, self.rule])
            else:
                db.execute("INSERT INTO manual_checks(scenario, rule, answer, note) VALUES (?, ?, ?, ?) ON CONFLICT "
                           "(scenario, rule) DO UPDATE SET answer = excluded.answer, note = excluded.note",
                           [self.scenario, self.rule, self.new, self.note])
        return _nonspatial(MANUAL_CHECKS, self)

    def inverted(self) -> "SetManualAnswer":
        return replace(self, old=self.new, new=self.old, old_note=self.note, note=self.old_note)


@dataclass(frozen=True)
class SetRulePacks:
    """The rule packs enabled for the plan (plan_meta "rule_packs"), in order."""
    old: tuple[str, ...]
    new: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "old", tuple(self.old))
        object.__setattr__(self, "new", tuple(self.new))

    @classmethod
    def of(cls, plan: Plan, new) -> "SetRulePacks":
        return cls(tuple(plan.rule_packs), tuple(new))

    def apply(self, plan: Plan) -> ChangeSet:
        if not all(isinstance(p, str) and p for p in self.new) or len(set(self.new)) != len(self.new):
            raise PlanError("规则包列表无效", f"not a list of rule pack ids: {self.new!r}")
        plan.set_meta(rule_packs=list(self.new))  # one transaction, memory after the commit
        return _nonspatial(RULES, self)

    def inverted(self) -> "SetRulePacks":
        return replace(self, old=self.new, new=self.old)


@dataclass(frozen=True)
class SetOverride:
    """A district's own threshold (区级调整) for one rule and community kind: ``key`` is "min",
    "max" or a parameter such as "limit_m"; ``new`` None removes the override."""
    rule: str
    community_kind: str
    key: str
    old: float | None
    new: float | None
    old_note: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, plan: Plan, rule: str, key: str, new: float | None, community_kind: str | None = None,
           note: str | None = None) -> "SetOverride":
        kind = community_kind or plan.community_kind
        old, old_note = plan.override(rule, kind, key)
        return cls(rule, kind, key, old, new, old_note, old_note if note is None else note)

    def apply(self, plan: Plan) -> ChangeSet:
        from .plan import COMMUNITY_KINDS
        if self.community_kind not in COMMUNITY_KINDS:
            raise PlanError(f"社区类型必须是 {' 或 '.join(COMMUNITY_KINDS)}",
                            f"the community kind must be {' or '.join(COMMUNITY_KINDS)}, not {self.community_kind!r}")
        if self.new is not None and not (isinstance(self.new, (int, float)) and self.new == self.new):
            raise PlanError(f"阈值必须是数字，而不是 {self.new!r}", f"a threshold must be a number, not {self.new!r}")
        with plan.store.transaction() as db:
            if self.new is None:
                db.execute("DELETE FROM rule_overrides WHERE rule = ? AND community_kind = ? AND key = ?",
                           [self.rule, self.community_kind, self.key])
            else:
                db.execute("INSERT INTO rule_overrides(rule, community_kind, key, value, note) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT (rule, community_kind, key) DO UPDATE SET value = excluded.value, note = excluded.note",
                           [self.rule, self.community_kind, self.key, float(self.new), self.note])
        return _nonspatial(RULES, self)

    def inverted(self) -> "SetOverride":
        return replace(self, old=self.new, new=self.old, old_note=self.note, note=self.old_note)


@dataclass(frozen=True)
class SetSetting:
    """One plan setting (规划设置, model/settings.py): the community class, the Shanghai area class,
    a walking speed, persons or floor area per household, the usable share, the connector limit.
    Stored in plan_meta "settings" (a value equal to the default is not stored). ``old`` is the
    value in use when the edit was made: a setting another program changed since is not written
    over. Its ChangeSet names RULES: the validator re-runs everything."""
    key: str
    old: object
    new: object

    @classmethod
    def of(cls, plan: Plan, key: str, new) -> "SetSetting":
        return cls(key, plan.settings.get(key), settings_mod.normalized(key, new))

    def apply(self, plan: Plan) -> ChangeSet:
        new = settings_mod.normalized(self.key, self.new)
        why = settings_mod.problem(self.key, new)
        if why is not None:
            raise PlanError(*why)
        current = plan.settings[self.key]
        if current != settings_mod.normalized(self.key, self.old):
            words = settings_mod.name_words, settings_mod.value_words
            raise PlanError(f"规划设置“{words[0](self.key)}”已被另一个程序改为 {words[1](self.key, current)}，"
                            f"未作任何更改",
                            f"the plan setting {words[0](self.key, False)} was changed to "
                            f"{words[1](self.key, current, False)} by another program; nothing was changed")
        plan.set_meta(**settings_mod.meta_values(plan.meta, self.key, new))  # one transaction
        return _nonspatial(RULES, replace(self, new=new))

    def inverted(self) -> "SetSetting":
        return replace(self, old=self.new, new=self.old)


PLAN_WIDE = (SetRulePacks, SetOverride, SetSetting)

__all__ = ["AddFeature", "DeleteFeature", "ChangeGeometry", "ChangeAttributes", "Batch", "AddFeatures",
           "DeleteFeatures", "CreateScenario", "DeleteScenario", "RenameScenario", "plan_wide",
           "SetManualAnswer", "SetRulePacks", "SetOverride", "SetSetting", "MANUAL_CHECKS", "RULES", "ANSWERS"]

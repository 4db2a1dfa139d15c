"""The open plan as the planner works on it (design.md §10): the plan, its current scenario, the
selection, the catalogue and the rule packs, with the planner's verbs (draw, delete with the
entrances, create a scenario, import, export) and questions (the area minimum of a type, the
facility a finding concerns, the credits a map must carry).

``PlanSession`` is the only caller of ``Plan.apply``. It keeps its own history of applied edits
(Qt-free undo); the desktop's QUndoStack mirrors it one command per entry. The command line and
the desktop both go through it, so a feature exists, and is tested, once.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from dataclasses import replace as replace_dataclass
from pathlib import Path
from typing import Iterable, Mapping

import shapely

from .capture import translate as moved
from .catalogue import Catalogue, load_catalogue
from .comments import Comment, checked_values, comments_of, pin_edit
from .edits import (AddFeature, Batch, ChangeAttributes, ChangeGeometry, CreateScenario, DeleteFeature, DeleteScenario,
                    RenameScenario, SetOverride, SetSetting, plan_wide)
from .errors import PlanError
from .findings import Finding, Results
from .measures import floor_area
from . import settings as settings_module
from .places import packs_for_location
from .plan import ChangeSet, Feature, Plan, Scenario, same_value
from .rules import Pack, Rule, RulePackError, load_packs
from .schema import COMMENTS, LAYERS
from .snapshot import Snapshot, take_snapshot
from . import store as store_module
from .store import remove_plan_file, remove_side_files

Key = tuple[str, int]

# ODbL 1.0 §4.3: a map made from OpenStreetMap data credits its contributors (not translated).
OSM_CREDIT = "© OpenStreetMap contributors"
# Where a walking finding's facility may be: what the walk_coverage rules measure to.
DESTINATION_LAYERS = ("facilities", "stops")


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the history: the edit as applied, the scenario the planner worked on when it
    was made (``before``) and the one worked on once it was applied (``after``: another for a
    created, renamed or deleted scenario). Undoing it leaves the session on ``before``, redoing it
    on ``after``, so a step is never undone or redone in a scenario other than the one worked on.
    Both None: an edit of the whole plan (packs, thresholds, plan settings)."""
    edit: object
    before: str | None
    after: str | None

    @property
    def scenario(self) -> str | None:
        """The scenario the step was made in (None: the whole plan)."""
        return self.before


class PlanSession:
    """One plan open for the planner. Not thread-safe: workers get ``snapshot()``s."""

    def __init__(self, plan: Plan, *, catalogue: Catalogue | None = None, packs: list[Pack] | None = None,
                 scenario: str | None = None):
        self.plan = plan
        self.catalogue = catalogue or load_catalogue()
        self.packs: list[Pack] = list(packs) if packs is not None else load_packs()
        scenario = scenario or "base"
        plan.require_scenario(scenario)
        self._scenario = scenario
        self._selection: tuple[Key, ...] = ()
        self._history: list[HistoryEntry] = []
        self._applied = 0  # history[:_applied] are applied; the rest can be redone
        self._osm_data: bool | None = None  # found lazily (credits), then kept up to date by edits
        self._paths_graph: tuple | None = None  # (the walking paths, their WalkGraph): catchment's cache

    @classmethod
    def open(cls, path: str | os.PathLike, *, remove_foreign_code: bool = False, **kw) -> "PlanSession":
        """Open a plan file (PlanError, in one sentence, for anything that is not a plan; ForeignCode
        for triggers or views another program stored in it). ``remove_foreign_code``: the planner
        agreed that such code be dropped first (none of it runs)."""
        if remove_foreign_code:
            store_module.remove_foreign_code(path)
        from .validate import prepare_for
        prepare_for(path)  # a district's search workers start while it loads (issue 17)
        plan = Plan.open(path)
        try:
            return cls(plan, **kw)
        except BaseException:
            plan.close()
            raise

    def close(self) -> None:
        self.plan.close()

    def upgrade(self) -> bool:
        """Write an old plan's migration (or the keys a GDAL copy dropped) now: an editing session
        (the desktop) must not hold the file's write lock until its first edit. Reading alone
        (`lifecircle info`) never writes it. True if the file was upgraded."""
        return False if self.plan.read_only else self.plan.store.write_pending()

    def __enter__(self) -> "PlanSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- rule packs -----------------------------------------------------------------------------
    def enabled_packs(self) -> list[Pack]:
        """The packs the plan enables, in the plan's order."""
        by_id = {p.id: p for p in self.packs}
        missing = [i for i in self.plan.rule_packs if i not in by_id]
        if missing:
            raise RulePackError(f"没有规则包 {', '.join(missing)}", f"no rule pack {', '.join(missing)}")
        return [by_id[i] for i in self.plan.rule_packs]

    # --- scenarios and selection ----------------------------------------------------------------
    @property
    def scenario(self) -> str:
        return self._scenario

    def scenarios(self) -> list[Scenario]:
        return self.plan.scenarios()

    def switch_scenario(self, name: str) -> bool:
        """Work on scenario ``name``; True if it changed (the selection is then cleared)."""
        self.plan.require_scenario(name)
        if name == self._scenario:
            return False
        self._scenario = name
        self._selection = ()
        return True

    @property
    def selection(self) -> tuple[Key, ...]:
        return self._selection

    def select(self, keys: Iterable) -> bool:
        """Select ``keys`` that exist in the current scenario, once each, in the order given."""
        chosen = tuple(dict.fromkeys(key for key in (tuple(k) for k in keys) if self.exists(key)))
        if chosen == self._selection:
            return False
        self._selection = chosen
        return True

    def exists(self, key: Key) -> bool:
        """The feature is in the plan and in the current scenario (base-map layers: in every one)."""
        layer, fid = key
        if layer not in LAYERS or not self.plan.has_feature(layer, fid):
            return False
        return not LAYERS[layer].editable or self.plan.feature(layer, fid).scenario == self._scenario

    # --- history --------------------------------------------------------------------------------
    def apply(self, edit) -> ChangeSet:
        """Apply ``edit`` and record it as applied (the redo tail is dropped). A refused edit
        (PlanError) changes nothing and records nothing. The ChangeSet also holds what another
        program had changed in the file (re-read before the edit, Plan.apply). A created scenario
        is worked on from then on."""
        before = self._scenario
        changes = self._with_reloaded(self.plan.apply(edit))
        if isinstance(changes.edit, CreateScenario):
            self.switch_scenario(changes.edit.name)
        self._after(changes)
        del self._history[self._applied:]
        whole = plan_wide(changes.edit)
        self._history.append(HistoryEntry(changes.edit, None if whole else before, None if whole else self._scenario))
        self._applied += 1
        self._follow_rename(changes.edit)
        return changes

    def undo(self) -> ChangeSet | None:
        """Undo the last applied edit; None when there is none. The session then works on the
        scenario the edit was made in (``undo_scenario``): an edit of another scenario is undone
        there, never out of sight. On a PlanError nothing moves: the file, the plan, the
        scenario and the history stay as they were."""
        if not self.can_undo:
            return None
        entry = self._history[self._applied - 1]
        changes = self._with_reloaded(self.plan.apply(entry.edit.inverted()))
        self._applied -= 1
        self._after(changes)
        self._follow_rename(changes.edit)
        entry = self._history[self._applied]  # its scenario names follow a rename it undid
        self._land(entry.before)
        return changes

    def redo(self) -> ChangeSet | None:
        """Apply the next undone edit again; the session then works on the scenario it left the
        planner in when made (``redo_scenario``: a redone CreateScenario is worked on). On a
        PlanError nothing moves."""
        if not self.can_redo:
            return None
        entry = self._history[self._applied]
        changes = self._with_reloaded(self.plan.apply(entry.edit))
        self._history[self._applied] = HistoryEntry(changes.edit, entry.before, entry.after)
        self._applied += 1
        self._after(changes)
        self._follow_rename(changes.edit)
        entry = self._history[self._applied - 1]
        self._land(entry.after)
        return changes

    def _follow_rename(self, edit) -> None:
        """A renamed scenario keeps its history: every entry made in it now names it by its new
        name (an undone rename gives the old one back), so each row and each undo still find it."""
        if not isinstance(edit, RenameScenario):
            return
        renamed = {edit.old: edit.new}
        self._history = [HistoryEntry(e.edit, renamed.get(e.before, e.before), renamed.get(e.after, e.after))
                         for e in self._history]

    @property
    def undo_scenario(self) -> str | None:
        """The scenario the next undo is made in and leaves the session on; None when there is
        nothing to undo or it is an edit of the whole plan (the scenario stays)."""
        return self._history[self._applied - 1].before if self.can_undo else None

    @property
    def redo_scenario(self) -> str | None:
        """The scenario the next redo leaves the session on (None: nothing to redo, or the whole plan)."""
        return self._history[self._applied].after if self.can_redo else None

    def _land(self, scenario: str | None) -> None:
        if scenario is not None and scenario != self._scenario and self.plan.has_scenario(scenario):
            self.switch_scenario(scenario)

    def refresh(self) -> ChangeSet:
        """Re-read what another program (QGIS, GDAL) committed to the file since the plan last
        looked — and what a refused write made the plan re-read; the ChangeSet of what differs
        (empty when nothing did). The desktop calls it after a refused step."""
        self.plan.follow_file()
        changes = self.plan.take_reloaded()
        self._after(changes)
        return changes

    def _with_reloaded(self, changes: ChangeSet) -> ChangeSet:
        """``changes`` (its edit kept) with what re-reading the file changed in memory."""
        return self.plan.take_reloaded().merge(changes)

    @property
    def history_index(self) -> int:
        """How many edits of ``history()`` are applied (the next undo is the one before it)."""
        return self._applied

    @property
    def can_undo(self) -> bool:
        return self._applied > 0

    @property
    def can_redo(self) -> bool:
        return self._applied < len(self._history)

    def history(self) -> list:
        """Every edit as applied, oldest first (those from ``history_index`` on are undone)."""
        return [entry.edit for entry in self._history]

    def history_entries(self) -> list[HistoryEntry]:
        """The history with the scenario of each step, oldest first."""
        return list(self._history)

    def clear_history(self) -> None:
        self._history.clear()
        self._applied = 0

    def _after(self, changes: ChangeSet) -> None:
        """After any edit: leave a scenario that is gone (an undone CreateScenario) for its
        parent, follow a rename of the scenario worked on, drop selected features that are gone,
        and note OSM data coming in."""
        edit = changes.edit
        if isinstance(edit, RenameScenario) and edit.old == self._scenario and self.plan.has_scenario(edit.new):
            self._scenario = edit.new
        if not self.plan.has_scenario(self._scenario):
            # Only a DeleteScenario takes the scenario worked on away, and it names the parent.
            parent = edit.parent if isinstance(edit, DeleteScenario) and edit.name == self._scenario else None
            self._scenario = parent if parent is not None and self.plan.has_scenario(parent) else "base"
        self._selection = tuple(k for k in self._selection if self.exists(k))
        if self._osm_data is False:
            self._osm_data = any(self.plan.feature(layer, fid).get("osm_id")
                                 for layer, fids in (*changes.added.items(), *changes.changed.items())
                                 if layer in LAYERS and "osm_id" in LAYERS[layer].field_names
                                 for fid in fids if self.plan.has_feature(layer, fid))

    # --- the planner's verbs --------------------------------------------------------------------
    def add(self, layer: str, geometry, **attributes) -> ChangeSet:
        """Draw a feature in the current scenario."""
        return self.apply(AddFeature(layer, geometry, attributes, self._scenario))

    def delete_edit(self, keys: Iterable):
        """One edit deleting ``keys`` and the entrances attached to them (a compound's gates go
        with it): a DeleteFeature, or a Batch of them."""
        keys = list(dict.fromkeys(tuple(k) for k in keys))
        read_only = [layer for layer, _fid in keys if layer in LAYERS and not LAYERS[layer].editable]
        if read_only:
            raise PlanError(f"底图图层 {read_only[0]} 不可编辑", f"base-map layer {read_only[0]} is read-only")
        keys = [k for k in keys if self.exists(k)]
        if not keys:
            raise PlanError("没有可删除的要素", "nothing to delete")
        gates = [key for key in self.attached_entrances(keys) if key not in keys]
        edits = tuple(DeleteFeature.of(self.plan, layer, fid) for layer, fid in [*keys, *gates])
        return edits[0] if len(edits) == 1 else Batch(edits, "delete")

    def attached_entrances(self, keys: Iterable) -> list[Key]:
        """The entrances (gates, doors) that belong to the compounds and facilities among ``keys``
        in the current scenario: they go wherever their owner goes (moved, deleted)."""
        owners = {tuple(k) for k in keys if k[0] in ("residential", "facilities")}
        if not owners:
            return []
        return [("entrances", f.fid) for f in self.plan.features("entrances", self._scenario)
                if (f.get("layer"), f.get("feature")) in owners]

    def move_edit(self, keys: Iterable, dx: float, dy: float):
        """One edit moving ``keys`` by (dx, dy) metres, with the entrances attached to them (a
        compound keeps its gates); a Batch of ChangeGeometry."""
        keys = [k for k in dict.fromkeys(tuple(k) for k in keys) if self.exists(k)]
        keys += [key for key in self.attached_entrances(keys) if key not in keys]
        if not keys or not (dx or dy):
            raise PlanError("没有可移动的要素", "nothing to move")
        edits = tuple(ChangeGeometry.of(self.plan, layer, fid, moved(self.plan.feature(layer, fid).geometry, dx, dy))
                      for layer, fid in keys)
        return Batch(edits, "move")

    def delete(self, keys: Iterable) -> ChangeSet:
        return self.apply(self.delete_edit(keys))

    # --- comment pins (居民意见, issue 13 item 4) ---------------------------------------------------
    def comments(self, scenario: str | None = None) -> list[Comment]:
        """The pins of ``scenario`` (default: the one worked on), by number."""
        return comments_of(self.plan.features(COMMENTS, scenario or self._scenario))

    def comment(self, fid: int) -> Comment:
        return Comment.of(self.plan.feature(COMMENTS, fid))

    def add_comment_edit(self, xy, **values) -> AddFeature:
        """One edit placing a pin at ``xy`` (plan metres) in the scenario worked on, numbered next;
        ``values``: the fields of ``comments.FIELDS`` (unknown codes refused in one sentence)."""
        return pin_edit(self.plan, self._scenario, xy, values)

    def add_comment(self, xy, **values) -> ChangeSet:
        return self.apply(self.add_comment_edit(xy, **values))

    def comment_edit(self, fid: int, **values) -> ChangeAttributes | None:
        """One edit of a pin's fields (None when nothing changes); its number and place stay."""
        if not self.exists((COMMENTS, fid)):
            raise PlanError(f"本方案中没有第 {fid} 条居民意见", f"this scenario has no comment {fid}")
        current = self.plan.feature(COMMENTS, fid).attributes
        changed = {k: v for k, v in checked_values(values).items() if not same_value(current.get(k), v)}
        return ChangeAttributes.of(self.plan, COMMENTS, fid, **changed) if changed else None

    def edit_comment(self, fid: int, **values) -> ChangeSet | None:
        edit = self.comment_edit(fid, **values)
        return None if edit is None else self.apply(edit)

    def delete_comment(self, fid: int) -> ChangeSet:
        return self.delete([(COMMENTS, fid)])

    def create_scenario(self, name: str, copy_from: str | None = None, *, empty: bool = False) -> ChangeSet:
        """A new scenario (undoable): a copy of ``copy_from`` (default: the scenario worked on), or
        an empty one. The session then works on it."""
        parent = None if empty else (copy_from or self._scenario)
        return self.apply(CreateScenario(name, parent))

    def rename_scenario(self, old: str, new: str) -> ChangeSet:
        """Give scenario ``old`` the name ``new`` (undoable). Refused, in one sentence: the base
        scenario, an empty name, a name another scenario has."""
        return self.apply(RenameScenario(old, new))

    def delete_scenario(self, name: str | None = None) -> ChangeSet:
        """Delete scenario ``name`` (default: the one worked on) with its features and answers
        (undoable: it comes back exactly). The session then works on its parent. Refused, in one
        sentence: the base scenario, the plan's only scenario."""
        return self.apply(DeleteScenario(name or self._scenario))

    def import_features(self, layer: str, path: str | os.PathLike, *, facility_type: str | None = None, crs=None,
                        mapping: dict | None = None, progress=None, coords: str | None = None,
                        columns: dict | None = None) -> ChangeSet:
        """Import a GeoJSON file into ``layer`` of the current scenario as one undoable edit
        (docs/import.md). ``changes.edit.record`` says what came in (counts, source CRS, mapping).
        A CSV, or any file with ``coords`` ("wgs84", "gcj02", "bd09"), is a list of points of
        interest (poi_import_edit; ``columns`` maps lon/lat/location/name/type to headers)."""
        from .io.geojson import geojson_import_edit
        from .io.osm_reader import check_progress
        check_progress(progress, 0.0, "reading GeoJSON")
        if coords is not None or Path(path).suffix.lower() in (".csv", ".txt"):
            edit = self.poi_import_edit(layer, path, coords or "wgs84", facility_type=facility_type, columns=columns)
        else:
            edit = geojson_import_edit(self.plan, layer, path, facility_type, crs, mapping, self._scenario)
        check_progress(progress, 0.5, "writing the plan")
        changes = self.apply(edit)
        check_progress(progress, 1.0, "done")
        return changes

    def import_dxf(self, path: str | os.PathLike, *, crs=None, control=None, mapping: dict | None = None,
                   progress=None, units: str | None = None, kind: str = "auto", drawing=None,
                   layers=None) -> ChangeSet:
        """Import a CAD drawing (DXF) into the current scenario as ONE undoable edit: every shape into
        the read-only ``basemap_cad`` layer (its CAD layer kept), mapped layers' closed outlines as
        homes or facilities, lines as walking paths (docs/import.md). Placed by ``control`` points
        ``[((x, y), (E, N)), …]`` (drawing units → plan metres; ``kind`` similarity/affine/auto), a
        known ``crs`` of the drawing, or neither (drawing coordinates are plan coordinates, scaled
        by $INSUNITS or ``units``). ``drawing``: a ``CadDrawing`` already read (the desktop reads
        once to list the layers); ``layers``: read only these CAD layers (a drawing too big whole). ``changes.edit.edits[0].record`` holds the placement (JSON),
        the RMSE and the counts."""
        from .io import dxf
        from .io.osm_reader import check_progress
        part = (lambda lo, hi: None if progress is None else
                (lambda f, m: progress(lo + (hi - lo) * f, m)))
        if drawing is None:
            drawing = dxf.read_dxf(path, progress=part(0.0, 0.6), layers=layers)
        placement = dxf.placement_for(self.plan, drawing, crs=crs, control=control, units=units, kind=kind)
        edit = dxf.dxf_import_edit(self.plan, drawing, placement, mapping, self._scenario, progress=part(0.6, 0.8))
        changes = self.apply(edit)
        check_progress(progress, 1.0, "done")
        return changes

    def place_cad(self, import_id_or_source, georef) -> ChangeSet:
        """Place an imported CAD drawing again (model/cad_placement.py) as ONE undoable edit: its
        ``basemap_cad`` shapes move by new ∘ old⁻¹ and the import record keeps the new placement.
        ``import_id_or_source``: the import's position in the plan's import log, or the DXF's file
        name; ``georef``: a ``Georef`` or its JSON. Homes, facilities and paths the import made stay."""
        from .cad_placement import PlaceCadDrawing
        return self.apply(PlaceCadDrawing.of(self.plan, import_id_or_source, georef))

    def poi_import_edit(self, layer: str, path: str | os.PathLike, coords: str = "wgs84", *,
                        facility_type: str | None = None, columns: dict | None = None):
        """Points of interest from a Chinese map service's export (CSV or GeoJSON, WGS-84, GCJ-02
        or BD-09) as one edit, not yet applied (model/io/poi.py): the desktop pushes it on its stack."""
        from .io.poi import poi_import_edit
        return poi_import_edit(self.plan, layer, path, coords, facility_type=facility_type, columns=columns,
                               footprint_area=self.poi_footprint_area, scenario=self._scenario)

    def poi_footprint_area(self, facility_type: str) -> float | None:
        """The footprint (m²) a facility known only as a point gets: the type's minimum land area,
        or its minimum floor area over its default floors, in the enabled packs; None when no
        pack sets one."""
        from .measures import default_floors
        from .schema import FACILITIES
        floor_min, land_min = self.area_minimum(facility_type)
        floors = max(default_floors(FACILITIES, facility_type, self.catalogue), 1)
        candidates = [v for v in (land_min, floor_min / floors if floor_min else None) if v]
        return max(candidates) if candidates else None

    def import_osm(self, source: str | os.PathLike, *, progress=None) -> dict:
        """Import an OpenStreetMap extract into the current scenario (docs/import.md); returns the
        importer's summary. One transaction, but not (yet) an entry of the history."""
        from .io.osm import import_osm
        summary = import_osm(self.plan, source, scenario=self._scenario, progress=progress)
        self._osm_data = None
        return summary

    def export(self, to_dir: str | os.PathLike, options=None, progress=None) -> Path:
        """Write the district bundle (report, project list, CAD, GeoPackage, GeoJSON — ``options``:
        an ``export.ExportOptions``; default: every part of the current scenario) into a new folder
        inside ``to_dir``; returns that folder. ``progress``: an ``export.Progress`` (its cancel
        raises ExportCancelled). A failed or cancelled export leaves nothing behind (export/bundle.py)."""
        from ..export import ExportOptions
        from ..export.bundle import write_bundle
        if options is None:
            options = ExportOptions(scenario=self._scenario)
        elif options.scenario is None:
            from dataclasses import replace
            options = replace(options, scenario=self._scenario)
        return write_bundle(self, to_dir, options, progress)

    def save_as(self, target: str | os.PathLike) -> Path:
        """Copy the plan to ``target`` (".gpkg" added if missing) and go on editing the copy.
        SQLite's online backup copies a consistent state including the WAL's committed pages (a
        file copy could miss them); the copy is written under a temporary name and renamed, so a
        crash leaves no half copy under the real name. The history stays: the copy's fids match."""
        target = Path(target)
        if target.suffix.lower() != ".gpkg":
            target = target.with_name(target.name + ".gpkg")
        if target.exists() and target.resolve() == self.plan.path.resolve():
            raise PlanError("不能把规划另存为它自己", "the plan cannot be saved over itself")
        temporary = target.with_name(target.name + ".creating")
        try:
            temporary.unlink(missing_ok=True)
            database = sqlite3.connect(temporary)
            try:
                self.plan.store.backup_to(database)
            finally:
                database.close()
            remove_side_files(target)
            temporary.replace(target)
        except (OSError, sqlite3.Error) as e:
            temporary.unlink(missing_ok=True)
            reason = getattr(e, "strerror", None) or str(e)
            raise PlanError.about_file(target, f"无法写入（{reason}）", f"cannot be written ({reason})") from None
        copy = Plan.open(target)  # before closing the first: a copy that cannot open leaves the session as it was
        self.plan.close()
        self.plan = copy
        return target

    # --- the planner's questions ----------------------------------------------------------------
    def area_minimum(self, facility_type: str) -> tuple[float | None, float | None]:
        """(minimum floor area, minimum land area) of ``facility_type`` in the enabled packs for
        the plan's community kind — the strictest where packs differ, a district's own
        threshold where it set one. The live label checks a polygon being drawn against it."""
        kind = self.plan.community_kind
        minimum: dict[str, float | None] = {"floor_area": None, "land_area": None}
        for pack in self.enabled_packs():
            for rule in pack.rules:
                if rule.kind != "facility_area" or rule.params.get("facility_type") != facility_type:
                    continue
                spec = rule.for_kind(kind)
                measure = rule.params.get("measure")
                if spec is None or measure not in minimum:
                    continue
                district, _note = self.plan.override(rule.id, kind, "min")
                value = district if district is not None else spec[1].get("min")
                if value is not None:
                    minimum[measure] = float(value) if minimum[measure] is None else max(minimum[measure], float(value))
        return minimum["floor_area"], minimum["land_area"]

    def rule(self, rule_id: str) -> Rule | None:
        """The rule of that id in any known pack (None if no pack has it)."""
        return next((r for pack in self.packs for r in pack.rules if r.id == rule_id), None)

    def standard_threshold(self, rule_id: str) -> tuple[str, float] | None:
        """("min" or "max", the pack's own value) of a rule for this plan's community kind: what a
        district may replace with its own threshold (区级调整); None when the rule has no number."""
        rule = self.rule(rule_id)
        terms = rule.for_kind(self.plan.community_kind) if rule is not None else None
        if not terms or not terms[1]:
            return None
        key = "min" if "min" in terms[1] else "max" if "max" in terms[1] else None
        return (key, float(terms[1][key])) if key is not None else None

    def override_edit(self, rule_id: str, key: str, value: float | None):
        """The edit setting a district's own threshold for this plan's community kind; the
        standard's own value (or None) removes the override. None when nothing would change."""
        standard = self.standard_threshold(rule_id)
        if value is not None and standard is not None and standard == (key, float(value)):
            value = None
        edit = SetOverride.of(self.plan, rule_id, key, value)
        return None if edit.old == edit.new else edit

    def enforce_edit(self, rule_id: str, on: bool):
        """The edit turning a low-confidence rule (a consultation draft, a secondary summary) on for
        this district — its source's severity then applies — or off again (informative, issue 11).
        None when nothing would change; a PlanError for a rule that is not of low confidence."""
        rule = self.rule(rule_id)
        if rule is None or rule.confidence != "low":
            raise PlanError(f"规则 {rule_id} 不是低可信度来源，无需区级启用",
                            f"rule {rule_id} is not from a low-confidence source: there is nothing to turn on")
        edit = SetOverride.of(self.plan, rule_id, "enforce", 1.0 if on else None)
        return None if edit.old == edit.new else edit

    def enforced(self, rule_id: str) -> bool:
        """Whether the district has turned a low-confidence rule on."""
        return self.plan.override(rule_id, self.plan.community_kind, "enforce")[0] is not None

    # --- plan settings (规划设置, model/settings.py) ----------------------------------------------
    @property
    def settings(self) -> Mapping[str, object]:
        """Every plan setting's value, defaults filled in (read-only)."""
        return self.plan.settings

    def setting_edit(self, key: str, value) -> SetSetting | None:
        """The edit giving setting ``key`` the value ``value``; None when it has that value
        already. An unknown key or a value the setting does not allow: PlanError, one sentence."""
        value = settings_module.normalized(key, value)
        why = settings_module.problem(key, value)
        if why is not None:
            raise PlanError(*why)
        edit = SetSetting.of(self.plan, key, value)
        return None if edit.old == edit.new else edit

    def settings_edit(self, values: Mapping[str, object]) -> SetSetting | Batch | None:
        """One edit giving several settings their values (the settings dialog's OK, the CLI's
        --set …): a SetSetting, a Batch of them, or None when nothing would change. Every value
        is checked first: one refused, none is applied."""
        edits = [edit for edit in (self.setting_edit(k, v) for k, v in values.items()) if edit is not None]
        if not edits:
            return None
        return edits[0] if len(edits) == 1 else Batch(tuple(edits), "settings")

    def set_setting(self, key: str, value) -> ChangeSet:
        """Give plan setting ``key`` the value ``value`` (undoable); an empty ChangeSet when it
        has it already."""
        edit = self.setting_edit(key, value)
        return ChangeSet() if edit is None else self.apply(edit)

    def set_settings(self, values: Mapping[str, object]) -> ChangeSet:
        """Several settings as one undoable step; an empty ChangeSet when nothing changes."""
        edit = self.settings_edit(values)
        return ChangeSet() if edit is None else self.apply(edit)

    def floor_area(self, feature: Feature) -> float:
        return floor_area(feature, self.catalogue)

    def facilities_of_types(self, types: Iterable[str]) -> list[Key]:
        """Every facility (or stop) of ``types`` in the scenario: those a walking rule measures to."""
        wanted = set(types)
        return [(layer, f.fid) for layer in DESTINATION_LAYERS for f in self.plan.features(layer, self._scenario)
                if f.get("type") in wanted]

    def facility_for_finding(self, finding: Finding) -> Key | None:
        """The facility (or stop) a walking finding concerns: the selected one if it is of the
        finding's types, else the one nearest the centre of the homes beyond the limit (of all
        homes when none is beyond). None for other findings, or when there is no such facility."""
        if finding.kind != "walk_coverage":
            return None
        types = set(finding.facility_types)
        for layer, fid in self._selection:
            if layer in DESTINATION_LAYERS and self.exists((layer, fid)) and \
                    self.plan.feature(layer, fid).get("type") in types:
                return layer, fid
        candidates = [f for layer in DESTINATION_LAYERS for f in self.plan.features(layer, self._scenario)
                      if f.get("type") in types]
        if not candidates:
            return None
        homes = [self.plan.feature(layer, fid).geometry for layer, fid in finding.features
                 if layer == "residential" and self.exists((layer, fid))] or \
            [f.geometry for f in self.plan.features("residential", self._scenario)]
        if not homes:
            return candidates[0].layer, candidates[0].fid
        centre = shapely.centroid(shapely.union_all([g.centroid for g in homes]))
        nearest = min(candidates, key=lambda f: f.geometry.distance(centre))
        return nearest.layer, nearest.fid

    def credits(self) -> list[str]:
        """Attribution lines for maps and reports: the plan's credits, with the OpenStreetMap
        credit first wherever OSM data is in the plan — even if an importer forgot to record it
        (ODbL 1.0: it must never be lost)."""
        lines: list[str] = []
        osm = False
        for credit in self.plan.meta.get("credits") or []:
            if isinstance(credit, dict):
                credit = credit.get("text") or credit.get("name") or ""
            text = str(credit).strip()
            if "openstreetmap" in text.lower() or text.lower() == "osm":
                osm = True
            elif text and text not in lines:
                lines.append(text)
        if osm or self._has_osm_data():
            lines.insert(0, OSM_CREDIT)
        return lines

    def _has_osm_data(self) -> bool:
        if self._osm_data is None:
            self._osm_data = any(f.attributes.get("osm_id") for layer, spec in LAYERS.items()
                                 if "osm_id" in spec.field_names for f in self.plan.features(layer, None))
        return self._osm_data

    # --- siting suggestions (建议选址, issue 15, model/siting.py) ------------------------------------
    def suggest(self, facility_type: str, *, rule: str | None = None, count: int = 3, candidates: str = "network",
                kinds: Iterable[str] = (), spacing_m: float | None = None, method: str = "auto",
                results: Results | None = None):
        """The ``count`` sites where a new facility of ``facility_type`` would bring the most households
        a failing walking rule (``rule``, or the most binding one naming the type) leaves out within
        its limit (model/siting.Suggestion). ``candidates``: "network" (points every ``spacing_m``
        along the walking network), a layer of the plan (``kinds`` filter its kind), or a GeoJSON
        file. ``results``: the current validation run, if the caller has it."""
        from . import siting
        if facility_type not in self.catalogue:
            raise PlanError(f"未知设施类型 {facility_type!r}", f"unknown facility type {facility_type!r}")
        snapshot = self.snapshot()
        if results is None or results.scenario != self._scenario:
            results = self.validate()
        zh, en = self.catalogue[facility_type].name_zh, self.catalogue[facility_type].name_en
        en = en[:1].lower() + en[1:] if len(en) > 1 and en[1].islower() else en  # mid-sentence; "ATM" stays
        finding = siting.failing_finding(results, facility_type, rule, (zh, en))
        spec = siting.Candidates(candidates or siting.NETWORK, tuple(kinds),
                                 siting.DEFAULT_SPACING_M if spacing_m is None else float(spacing_m))
        geometries = siting.read_candidates(self.plan, spec.source) if spec.is_file else None
        return siting.suggest(snapshot, results, self.rule(finding.rule), finding, facility_type, self.catalogue,
                              self.area_minimum(facility_type), count=count, candidates=spec,
                              file_geometries=geometries, method=method)

    def use_site(self, site, language: str = "zh") -> ChangeSet:
        """Draw a facility on a suggested site (model/siting.Site): one undoable edit."""
        return self.apply(site.edit(self._scenario, language))

    # --- raster base maps: scanned plans and offline tiles (model/rasters.py) --------------------
    def import_image(self, path: str | os.PathLike, control: Iterable = (), kind: str = "auto",
                     opacity: float = 1.0) -> ChangeSet:
        """Store a scanned plan (PNG, JPEG, TIFF) inside the plan as one undoable edit, placed by
        ``control`` points ``[((px, py), (E, N)), …]`` (pixels from the top-left corner, plan
        metres; ≥ 2 for a similarity, ≥ 3 for an affine) or un-placed when there are none."""
        from .georef import fit
        from .io.image import read_image
        from .rasters import ImportImage, checked_opacity
        control = list(control)
        georef = fit(control, kind, y_down=True).to_json() if control else None  # refused before the file is read
        scanned, tiles = read_image(path)
        scanned = replace_dataclass(scanned, georef=georef, opacity=checked_opacity(opacity))
        return self.apply(ImportImage(scanned, tiles))

    def place_image(self, fid: int, georef) -> ChangeSet:
        """Place scanned plan ``fid`` by a ``georef.Georef`` (None: un-place it); undoable."""
        from .rasters import SetImageLook
        return self.apply(SetImageLook.of(self.plan, fid, georef=georef))

    def set_image_opacity(self, fid: int, opacity: float) -> ChangeSet:
        from .rasters import SetImageLook
        return self.apply(SetImageLook.of(self.plan, fid, opacity=opacity))

    def remove_image(self, fid: int) -> ChangeSet:
        from .rasters import RemoveImage
        return self.apply(RemoveImage.of(self.plan, fid))

    def import_tiles(self, path: str | os.PathLike) -> ChangeSet:
        """Copy an MBTiles package's raster tiles around the plan into it (one undoable edit); its
        attribution joins the plan's credits. ``changes.edit.count``: the tiles copied."""
        from .rasters import ImportTiles
        return self.apply(ImportTiles(str(path)))

    def set_tiles_opacity(self, tile_set: int, opacity: float) -> ChangeSet:
        from .rasters import SetTilesOpacity
        return self.apply(SetTilesOpacity.of(self.plan, tile_set, opacity))

    # --- validation -----------------------------------------------------------------------------
    def snapshot(self, version: int = 0) -> Snapshot:
        """An immutable picture of the current scenario, for the validator's worker thread."""
        return take_snapshot(self.plan, self._scenario, version)

    def validate(self, *, detail: bool = False, scenario: str | None = None) -> Results:
        """Full validation of the current scenario (or ``scenario``, without switching to it) against
        the enabled packs. ``detail``: also the nearest facility of every type no rule names
        (per-home distances of the CLI)."""
        from .validate import Validator
        validator = Validator(self.enabled_packs(), catalogue=self.catalogue, every_type=detail)
        if scenario is None or scenario == self._scenario:
            return validator.full(self.snapshot())
        self.plan.require_scenario(scenario)
        return validator.full(take_snapshot(self.plan, scenario, 0))

    # --- workshop mode (一图三会, issue 13; model/workshop.py) ------------------------------------------
    def resident_summary(self, compare: str | None = None, *, results: Results | None = None,
                         before_results: Results | None = None):
        """The plan's walking needs in residents' words (workshop.ResidentSummary) for the current
        scenario; ``compare``: the "before" scenario, whose shares stand beside each line.
        ``results``/``before_results``: validation runs the caller already has."""
        from . import workshop
        if results is None or results.scenario != self._scenario:
            results = self.validate()
        before_snapshot = None
        if compare is not None:
            self.plan.require_scenario(compare)
            before_snapshot = take_snapshot(self.plan, compare, 0)
            if before_results is None or before_results.scenario != compare:
                before_results = self.validate(scenario=compare)
        else:
            before_results = None
        return workshop.resident_summary(results, self.snapshot(), self.catalogue, before=before_results,
                                         before_snapshot=before_snapshot, rules=self._rules_by_id())

    def catchment(self, key: Key, *, results: Results | None = None):
        """Who facility (or stop) ``key`` serves on foot (workshop.Catchment), or None when it is not
        one, or no walking rule judges its type."""
        from . import workshop
        if results is None or results.scenario != self._scenario:
            results = self.validate()
        snapshot = self.snapshot()
        return workshop.catchment(results, snapshot, tuple(key), rules=self._rules_by_id(),
                                  graph=self._walk_graph(snapshot))

    def _walk_graph(self, snapshot: Snapshot):
        """The scenario's walking graph, built again only when its paths changed: workshop mode asks
        for a catchment at every click, and a district's graph takes a second or more to build. An
        edit replaces the Feature objects it changes, so the same objects are the same paths."""
        from .network import WalkGraph
        paths = tuple(snapshot.layers["walk_network"].values())
        cached = self._paths_graph
        if cached is None or len(cached[0]) != len(paths) or any(a is not b for a, b in zip(cached[0], paths)):
            graph = WalkGraph.from_features(paths) if paths else None
            self._paths_graph = (paths, graph if graph is not None and graph.n_edges > 0 else None)
        return self._paths_graph[1]

    def new_facilities(self, compare: str) -> list[Key]:
        """Facilities and stops of the current scenario that ``compare`` lacks (new, moved, retyped)."""
        from . import workshop
        self.plan.require_scenario(compare)
        return workshop.new_facilities(take_snapshot(self.plan, compare, 0), self.snapshot())

    def _rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for p in self.packs for r in p.rules}


def create_plan(path: str | os.PathLike, name: str, epsg: int | None = None, *,
                lonlat: tuple[float, float] | None = None, kind: str = "existing", district: str = "",
                subdistrict: str = "", rule_packs: Iterable[str] | None = None, replace: bool = False,
                **session_options) -> PlanSession:
    """A new, empty plan file and a session on it. ``rule_packs``: the packs it enables; None:
    those that apply where it lies (``places.packs_for_location(lonlat)``: Shanghai's packs only
    inside Shanghai; the national ones only when only a CRS is given). ``replace``: an existing file at ``path`` is
    replaced — the new plan is made beside it and renamed into place, so a plan that cannot be made
    leaves the old one as it was; otherwise it is refused. A plan file is a .gpkg: the suffix is
    added when missing (as QGIS and GDAL know the file by it)."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        path = path.with_name(path.name + ".gpkg")
    rule_packs = packs_for_location(lonlat) if rule_packs is None else known_packs(rule_packs, session_options)
    if replace and path.exists():
        made = beside(path)
        remove_plan_file(made)  # left by a crash during an earlier attempt
        Plan.create(made, name, epsg, lonlat=lonlat, kind=kind, district=district, subdistrict=subdistrict,
                    packs=rule_packs).close()
        move_into_place(made, path)
        plan = Plan.open(path)
    else:
        plan = Plan.create(path, name, epsg, lonlat=lonlat, kind=kind, district=district, subdistrict=subdistrict,
                           packs=rule_packs)
    try:
        return PlanSession(plan, **session_options)
    except BaseException:
        plan.close()
        raise


def known_packs(rule_packs: Iterable[str], session_options: Mapping) -> tuple[str, ...]:
    """``rule_packs`` as given, refused in one sentence (PlanError) if one is not a known pack."""
    rule_packs = tuple(rule_packs)
    known = [p.id for p in (session_options.get("packs") or load_packs())]
    unknown = [p for p in rule_packs if p not in known]
    if unknown:
        raise PlanError(f"没有规则包 {unknown[0]}（可选：{'、'.join(known)}）",
                        f"there is no rule pack {unknown[0]} (choose from {', '.join(known)})")
    return rule_packs


def beside(path: Path) -> Path:
    """Where a plan replacing ``path`` is made before it is renamed into place (same folder: the
    rename is atomic)."""
    return path.with_name(path.name + ".new")


def move_into_place(made: str | os.PathLike, path: str | os.PathLike) -> None:
    """Rename a closed, finished plan file over ``path`` (the old plan's -wal/-shm go first: they
    belong to the file being replaced)."""
    try:
        remove_side_files(path)
        os.replace(made, path)
    except OSError as e:
        remove_plan_file(made)
        reason = e.strerror or str(e)
        raise PlanError.about_file(path, f"无法写入（{reason}）", f"cannot be written ({reason})") from None


def create_plan_from_osm(source: str | os.PathLike, path: str | os.PathLike, *, name: str | None = None,
                         kind: str = "existing", progress=None, rule_packs: Iterable[str] | None = None,
                         district: str = "", subdistrict: str = "",
                         **session_options) -> tuple[PlanSession, dict]:
    """A new plan in the UTM zone of an OpenStreetMap extract, with the extract imported; returns
    the session and the importer's summary. A failed import leaves no file behind. ``name``
    None: the place the extract shows (its addresses, ``places.osm_place_name``), else the file's
    stem. ``rule_packs`` None: those that apply at the extract's centre (``packs_for_location``)."""
    from .io.osm import import_osm_new
    if rule_packs is not None:
        rule_packs = known_packs(rule_packs, session_options)
    plan, summary = import_osm_new(source, path, name=name, kind=kind, progress=progress, packs=rule_packs,
                                   district=district, subdistrict=subdistrict)
    try:
        return PlanSession(plan, **session_options), summary
    except BaseException:
        plan.close()
        raise


__all__ = ["PlanSession", "HistoryEntry", "Key", "OSM_CREDIT", "create_plan", "create_plan_from_osm", "beside", "move_into_place"]

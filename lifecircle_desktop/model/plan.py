"""The plan: scenarios and features of every layer, edited only through edit objects.

A ``Plan`` keeps every layer in memory as columns (model/table.py: ids, a geometry array,
attribute arrays, loaded in bulk; a district has 10^6 walking edges), makes a ``Feature`` of a row
when one is asked for, and writes through to its GeoPackage on each edit, one transaction per edit; an edit's effect is
reported as a ``ChangeSet`` (ids added/changed/removed per layer) so the validator and the map
redo only what it touches (design.md §5).
"""
from __future__ import annotations

import datetime as _dt
import gc
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .. import __version__
from . import crs as crs_mod
from . import settings as settings_mod
from .errors import InvalidGeometry, PlanError, PlanFileError
from .gc_pause import no_gc
from .geometry import (CHECKS, check_many, header_size, read_geometries, read_wkb_geometries, to_gpkg,
                       to_gpkg_many)
from .schema import LAYERS, SCHEMA_VERSION, coerce
from .gpkg_sql import foreign_code
from .store import ForeignCode, Store
from .table import Columns, FeatureMap, LayerData, LayerTable, object_array

COMMUNITY_KINDS = ("new_build", "existing")
DEFAULT_PACKS = ("national_complete_community_2021", "shanghai_community_service_2022",
                 "shanghai_complete_community_2025", "gb50180_2018_life_circle")
# No official walking speed is published (design.md §4): adult 4.0 km/h ≈ 1000 m in 15 min
# (seed 003 §2.4); elderly and children 3.0 km/h ≈ 500 m in 10 min (seed 003 §2.2). They are plan
# settings now (model/settings.py); a new plan also writes them as "speed_profiles_kmh", the key
# plans before issue 11 kept them in, so that an older version of the program reads the same speeds.
DEFAULT_SPEED_PROFILES = settings_mod.speed_profiles(settings_mod.DEFAULTS)


@dataclass(frozen=True, eq=False)
class Feature:
    """One row of a layer: geometry in the plan's metric CRS plus typed attributes."""
    layer: str
    fid: int
    geometry: BaseGeometry
    attributes: Mapping[str, object]
    scenario: str | None = "base"
    # Values derived from this (immutable) feature, e.g. its floor area for the validator: an edit
    # makes a new Feature, so a memo never outlives what it was computed from.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, name):
        return self.attributes[name]

    def get(self, name, default=None):
        value = self.attributes.get(name)
        return default if value is None else value


def typed_attributes(layer: str, values: Mapping[str, object] | Iterable = (), base=None) -> MappingProxyType:
    """All of ``layer``'s fields, typed; ``values`` over ``base`` over the defaults."""
    spec = LAYERS[layer]
    out = {f.name: f.default for f in spec.fields} if base is None else dict(base)
    for name, value in dict(values).items():
        if name not in out:
            raise PlanError(f"图层 {layer} 没有属性 {name!r}", f"layer {layer} has no attribute {name!r}")
        try:
            out[name] = coerce(layer, name, value)
        except (TypeError, ValueError):
            ftype = spec.field(name).type.__name__
            raise PlanError(f"属性 {name} 的值 {value!r} 不是 {ftype} 类型",
                            f"attribute {name} = {value!r} is not a {ftype}") from None
    return MappingProxyType(out)


def fast_typed_attributes(layer: str, values: Mapping[str, object]) -> MappingProxyType:
    """typed_attributes for bulk imports: the defaults are already typed, so only the values
    given are checked, and values already of the right type pass untouched."""
    out = dict(_DEFAULTS[layer])
    for name, v in values.items():
        if name not in out:
            raise PlanError(f"图层 {layer} 没有属性 {name!r}", f"layer {layer} has no attribute {name!r}")
        if v is not None and type(v) is not _TYPES[layer][name]:
            v = None if v == "" and _TYPES[layer][name] is not str else coerce(layer, name, v)
        out[name] = v
    return MappingProxyType(out)


_DEFAULTS = {n: {f.name: f.default for f in spec.fields} for n, spec in LAYERS.items()}
_TYPES = {n: {f.name: f.type for f in spec.fields} for n, spec in LAYERS.items()}


@dataclass
class ChangeSet:
    """What an edit changed: feature ids per layer. ``edit`` is the edit as applied (ids filled in)."""
    added: dict[str, set[int]] = field(default_factory=dict)
    changed: dict[str, set[int]] = field(default_factory=dict)
    removed: dict[str, set[int]] = field(default_factory=dict)
    edit: object = None

    def layers(self) -> set[str]:
        return set(self.added) | set(self.changed) | set(self.removed)

    def touched(self, layer: str) -> set[int]:
        return self.added.get(layer, set()) | self.changed.get(layer, set()) | self.removed.get(layer, set())

    def merge(self, other: "ChangeSet") -> "ChangeSet":
        """The union, as one debounced batch of edits: an add then remove is still 'touched'."""
        out = ChangeSet()
        for name in ("added", "changed", "removed"):
            for src in (getattr(self, name), getattr(other, name)):
                for layer, ids in src.items():
                    getattr(out, name).setdefault(layer, set()).update(ids)
        out.edit = other.edit
        return out

    def __bool__(self) -> bool:
        return bool(self.layers())


@dataclass(frozen=True)
class Scenario:
    name: str
    parent: str | None
    created: str


class Plan:
    """A plan file open for editing. Not thread-safe: workers get snapshots (design.md §5)."""

    def __init__(self, store: Store):
        self.store = store
        self.meta = store.get_meta()
        self.epsg: int = self.meta["srs_id"]
        self._layers: dict[str, LayerData] = {}
        self._tables: dict = {}  # (layer, scenario) -> the LayerTable of its current version
        # Rows no feature can be made of (design.md §2: QGIS may write a row with no geometry):
        # (layer, fid) -> (scenario, why in zh, why in en). They stay in the file; the validator
        # names them (model/rules/plan_file.py).
        self.unreadable: dict[tuple[str, int], tuple[str | None, str, str]] = {}
        # Content versions (LayerTable.version): (layer, scenario) -> a number from one counter of
        # the process, new whenever that scenario's rows of the layer change; a layer's load stamp
        # stands for the scenarios no edit has touched since it was read.
        self._versions: dict[tuple[str, str | None], int] = {}
        self._load()
        self._data_version = self._file_version()
        self._reloaded = ChangeSet()  # what reload() found different, until take_reloaded()

    # --- creating and opening ---------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, name: str, epsg: int | None = None, *,
               lonlat: tuple[float, float] | None = None, kind: str = "existing",
               district: str = "", subdistrict: str = "", packs: Iterable[str] = DEFAULT_PACKS) -> "Plan":
        if kind not in COMMUNITY_KINDS:
            raise PlanError(f"社区类型必须是 {' 或 '.join(COMMUNITY_KINDS)}",
                            f"the community kind must be {' or '.join(COMMUNITY_KINDS)}, not {kind!r}")
        if epsg is None:
            if lonlat is None:
                raise PlanError("请给出坐标系（--crs）或位置（--lonlat）", "give a CRS (--crs) or a location (--lonlat)")
            epsg = crs_mod.utm_epsg(*lonlat)
        crs_mod.check_metric(epsg)
        if not name or not name.strip():
            raise PlanError("规划名称不能为空", "the plan needs a name")
        meta = dict(name=name.strip(), district=district, subdistrict=subdistrict, community_kind=kind,
                    speed_profiles_kmh=DEFAULT_SPEED_PROFILES, rule_packs=list(packs),
                    app_version=__version__, created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                    credits=[])
        return cls(Store.create(path, epsg, meta))

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Plan":
        return cls(Store.open(path))

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _load(self) -> None:
        self.unreadable = {}
        self._versions = {(layer, _LOADED): next(_CONTENT_VERSIONS) for layer in LAYERS}
        conn = self.store.conn
        # One read transaction for every layer: the rows agree with the count and the checks
        # _read_columns makes before reading them (it takes the ids from them), and the layers
        # with each other, whatever another program commits meanwhile (a reload inside an edit's
        # transaction, or an old plan's pending migration, is in one already).
        # The collector paused: reading makes ~10^6 acyclic objects (the rows' tuples, strings,
        # WKB, geometries), and its eight full scans over them were 0.64 s of opening 10^6 edges
        # (issue 17; the importers pause it too, io/_common.no_gc). One full collection after
        # (~0.1 s) leaves it as those scans did: else the next full scan pays for them. Not after a
        # small plan (a new one): the scan of the whole process would be most of its opening.
        # (gc.freeze instead was tried: it froze every object of the process, not only the plan's,
        # so cyclic garbage pending then was never collected.)
        began = not conn.in_transaction
        with no_gc():
            if began:
                conn.execute("BEGIN")
            try:
                self._layers = {layer: LayerData(self._read_columns(layer), Feature) for layer in LAYERS}
            finally:
                if began and conn.in_transaction:
                    conn.execute("COMMIT")  # read only: nothing to write
        if gc.isenabled() and sum(len(data.columns) for data in self._layers.values()) > 20_000:
            gc.collect()

    def _read_columns(self, layer: str, read_ids: bool = False) -> Columns:
        """One layer's rows as columns: one query, one shapely call decoding every geometry, no
        Python object per row beyond what SQLite hands back (issue 17 item 3). Called within one
        read transaction (_load): its queries see the same rows."""
        conn, spec = self.store.conn, LAYERS[layer]
        names = spec.field_names
        kept = [*(["scenario"] if spec.editable else []), *names]
        quoted = _quoted(kept)
        # A column NULL in every row (most of a network's), or holding one value in every row (its
        # source, its scenario, a default), is not read row by row. A sample of rows (the first
        # ones, and some spread over the fids: a base map's first roads may all be one street)
        # shows which columns may be so; one query then looks for a row where one of them differs
        # from the first row's value (issue 17, the walking lines at 10^6 edges: 0.05 s; the
        # count, min and max of every column this replaces took 0.29 s). BINARY: a collation the
        # file declares must not make two values the same.
        sample_sql = f'SELECT fid, substr(geom, 1, 4), {", ".join(quoted)} FROM "{layer}"'
        first_rows = conn.execute(f"{sample_sql} ORDER BY fid LIMIT {_FIRST_ROWS}").fetchall()
        first = first_rows[0] if first_rows else (None,) * (2 + len(kept))
        total = conn.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]
        last = conn.execute(f'SELECT max(rowid) FROM "{layer}"').fetchone()[0] if _has_rowid(conn, layer) \
            else None
        sample = first_rows
        if isinstance(first[0], int) and isinstance(last, int) and total > len(first_rows):
            spread = sorted({first[0] + (last - first[0]) * k // _SPREAD_ROWS for k in range(1, _SPREAD_ROWS + 1)})
            sample = sample + conn.execute(f'{sample_sql} WHERE rowid IN ({", ".join("?" * len(spread))})',
                                           spread).fetchall()
        tests: dict[str, tuple[str, list]] = {}  # what is assumed: the SQL true where it does not hold
        # The ids are not read when they are first..first+count-1 and each row's fid is its rowid
        # (GeoPackage's INTEGER PRIMARY KEY): ORDER BY fid hands the rows back in that order (0.1 s
        # of the walking lines' query at 10^6 edges was making an int of each fid). count(*) and
        # max(rowid) are answered from the b-trees without reading the rows.
        if (not read_ids and total and isinstance(first[0], int) and isinstance(last, int)
                and last - first[0] + 1 == total):
            tests["fid"] = ("fid IS NOT rowid", [])
        # Every row's geometry with the same GeoPackage header (an imported layer): SQLite cuts the
        # headers off in C and one shapely call decodes the rest; else each blob is looked at.
        size = header_size(first[1]) if all(r[1] == first[1] for r in sample) else None
        if size is not None:
            tests["geom"] = ("substr(geom, 1, 4) IS NOT ?", [first[1]])
        for i, n in enumerate(kept):
            if all(_identical(r[2 + i], first[2 + i]) for r in sample):
                tests[n] = (f"{quoted[i]} IS NOT ? COLLATE BINARY", [first[2 + i]])
        if tests and total:
            params = [p for _sql, ps in tests.values() for p in ps]
            if conn.execute(f'SELECT 1 FROM "{layer}" WHERE {" OR ".join(sql for sql, _ in tests.values())} LIMIT 1',
                            params).fetchone() is not None:
                # One of them differs somewhere past the sample: which ones (rare; a scan more).
                sums = conn.execute(f'SELECT {", ".join(f"total({sql})" for sql, _ in tests.values())} '
                                    f'FROM "{layer}"', params).fetchone()
                tests = {what: test for (what, test), differing in zip(tests.items(), sums) if not differing}
        numbered = "fid" in tests
        if "geom" not in tests:
            size = None
        bools = {f.name for f in spec.fields if f.type is bool}
        constant = {}
        for i, n in enumerate(kept):
            if n in tests:
                value = first[2 + i]
                constant[n] = bool(value) if value is not None and n in bools else value
        read = [n for n in kept if n not in constant]
        selected = [*([] if numbered else ["fid"]), "geom" if size is None else f"substr(geom, {size + 1})",
                    *_quoted(read)]
        rows = conn.execute(f'SELECT {", ".join(selected)} FROM "{layer}" ORDER BY fid').fetchall()
        if numbered and len(rows) != total:  # not read in one transaction (see _load): read the ids
            return self._read_columns(layer, read_ids=True)
        # One 2-d object array made in C (a transposition by zip(*rows) cost 4x as much).
        grid = np.array(rows, dtype=object).reshape(len(rows), len(selected))
        del rows
        at = 0 if numbered else 1  # the column of the geometry in grid
        fids = np.arange(first[0], first[0] + total, dtype=np.int64) if numbered else grid[:, 0].astype(np.int64)
        geoms, unreadable = (read_geometries(spec.geometry, grid[:, at].tolist()) if size is None
                             else read_wkb_geometries(spec.geometry, grid[:, at]))
        grid[:, :at + 1] = None  # the attribute columns below are views of grid: let the ids and WKB go
        read_values = {n: grid[:, at + 1 + i] for i, n in enumerate(read)}
        values = {n: read_values[n] if n in read_values else _filled(constant[n], len(fids)) for n in kept}
        scenario = values.pop("scenario") if spec.editable else None
        for n in bools & read_values.keys():
            values[n] = object_array(None if v is None else bool(v) for v in values[n].tolist())
        if unreadable:
            for i, why in unreadable.items():
                self.unreadable[(layer, int(fids[i]))] = (None if scenario is None else scenario[i], *why)
            keep = np.ones(len(fids), dtype=bool)
            keep[list(unreadable)] = False
            fids, geoms = fids[keep], geoms[keep]
            scenario = None if scenario is None else scenario[keep]
            values = {n: v[keep] for n, v in values.items()}
        return Columns(layer, fids, geoms, scenario, values, names)

    # --- properties ---------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def read_only(self) -> bool:
        """The file cannot be written (a read-only file, folder or mount): it is shown, and every
        edit is refused with a sentence before it reaches the file."""
        return self.store.read_only

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def community_kind(self) -> str:
        return self.meta["community_kind"]

    @property
    def stored_settings(self) -> dict[str, object]:
        """The plan settings this plan sets (model/settings.py; defaults left out); a plan from
        before issue 11 sets its walking speeds in "speed_profiles_kmh". Reads only."""
        return settings_mod.stored(self.meta)

    @property
    def settings(self) -> Mapping[str, object]:
        """Every plan setting's value (read-only): the plan's own, defaults for the rest."""
        return settings_mod.resolved(self.stored_settings)

    @property
    def speed_profiles(self) -> dict[str, float]:
        """Walking speeds (km/h) of the profiles adult, elderly, child: the speed settings."""
        return settings_mod.speed_profiles(self.settings)

    @property
    def rule_packs(self) -> list[str]:
        return list(self.meta.get("rule_packs", DEFAULT_PACKS))

    def set_meta(self, **values) -> None:
        """Write plan_meta keys (inside the caller's transaction, if any: a rolled-back import
        reloads the plan, so memory never keeps what the file lost)."""
        with self.store.transaction() as db:
            self.store.set_meta(db, **values)
        self.meta.update(values)

    def add_credit(self, text: str) -> None:
        """An attribution line the plan's maps and reports must carry (e.g. the ODbL credit)."""
        credits = list(self.meta.get("credits") or [])
        if text not in credits:
            self.set_meta(credits=[*credits, text])

    def add_import(self, record: dict) -> None:
        """Append one entry to the plan's import log (which file, when, what came in)."""
        self.set_meta(imports=[*(self.meta.get("imports") or []), record])

    def remove_import(self, record: dict) -> None:
        """Take the last entry equal to ``record`` off the import log (an undone import)."""
        imports = list(self.meta.get("imports") or [])
        for i in range(len(imports) - 1, -1, -1):
            if imports[i] == record:
                del imports[i]
                self.set_meta(imports=imports)
                return

    # --- checklist answers and a district's own thresholds (read from the file: no cache) ------
    def manual_answer(self, scenario: str, rule: str) -> tuple[str | None, str | None]:
        """(answer, note) of one checklist item; (None, None) when not answered."""
        row = self.store.conn.execute("SELECT answer, note FROM manual_checks WHERE scenario = ? AND rule = ?",
                                      [scenario, rule]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def manual_answers(self, scenario: str) -> dict[str, str | None]:
        return dict(self.store.conn.execute("SELECT rule, answer FROM manual_checks WHERE scenario = ?",
                                            [scenario]).fetchall())

    def override(self, rule: str, community_kind: str, key: str) -> tuple[float | None, str | None]:
        """(value, note) of one threshold override; (None, None) when the pack's own value holds."""
        row = self.store.conn.execute("SELECT value, note FROM rule_overrides WHERE rule = ? AND community_kind = ? "
                                      "AND key = ?", [rule, community_kind, key]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    # --- scenarios ----------------------------------------------------------------------------
    def scenarios(self) -> list[Scenario]:
        return [Scenario(r["name"], r["parent"], r["created"]) for r in
                self.store.db.query("SELECT name, parent, created FROM scenarios ORDER BY created, name")]

    def has_scenario(self, name: str) -> bool:
        return name in {s.name for s in self.scenarios()}

    def require_scenario(self, name: str) -> None:
        if not self.has_scenario(name):
            raise PlanError(f"没有方案 {name}", f"there is no scenario {name}")

    def _insert_scenario_row(self, db, name: str, parent: str | None, created: str | None = None) -> str:
        """The scenarios row only (CreateScenario copies the features); returns its creation time."""
        if created is None:
            db.execute("INSERT INTO scenarios(name, parent) VALUES (?, ?)", [name, parent])
        else:
            db.execute("INSERT INTO scenarios(name, parent, created) VALUES (?, ?, ?)", [name, parent, created])
        return self.store.conn.execute("SELECT created FROM scenarios WHERE name = ?", [name]).fetchone()[0]

    def _delete_scenario_rows(self, db, name: str) -> None:
        """The scenarios row and its checklist answers (DeleteScenario removes the features)."""
        db.execute("DELETE FROM manual_checks WHERE scenario = ?", [name])
        db.execute("DELETE FROM scenarios WHERE name = ?", [name])

    # --- reading ------------------------------------------------------------------------------
    def features(self, layer: str, scenario: str | None = "base") -> list[Feature]:
        """The features of ``layer`` in ``scenario`` (base-map layers belong to every scenario)."""
        return self._layers[layer].view().features(scenario if LAYERS[layer].editable else None)

    def layer(self, layer: str, scenario: str | None = "base") -> FeatureMap:
        """The rows of ``layer`` in ``scenario`` as they are now, unaffected by later edits: a
        Mapping fid -> Feature with a LayerTable (snapshots; O(edits since the last merge))."""
        scenario = scenario if LAYERS[layer].editable else None
        return FeatureMap(layer, self._layers[layer].frozen(), scenario, self.content_version(layer, scenario),
                          self._tables)

    def table(self, layer: str, scenario: str | None = "base") -> LayerTable:
        """The rows of ``layer`` in ``scenario`` as columns (None: every scenario's)."""
        return self.layer(layer, scenario).table()

    def feature(self, layer: str, fid: int) -> Feature:
        f = self._layers[layer].get(fid)
        if f is not None:
            return f
        raise PlanError(f"图层 {layer} 中没有要素 {fid}", f"layer {layer} has no feature {fid}")

    def has_feature(self, layer: str, fid: int) -> bool:
        return fid in self._layers[layer]

    def count(self, layer: str, scenario: str | None = None) -> int:
        return len(self.layer(layer, scenario))

    def content_version(self, layer: str, scenario: str | None = "base") -> tuple[int, str | None]:
        """A token that changes whenever the rows of ``layer`` in ``scenario`` change (an edit,
        an import, a reload); equal tokens mean the same rows, within this process."""
        scenario = scenario if LAYERS[layer].editable else None
        stamp = self._versions.get((layer, scenario)) or self._versions[(layer, _LOADED)]
        return stamp, scenario

    def _touch(self, layer: str, scenarios: Iterable[str | None]) -> None:
        """New content versions for the scenarios of ``layer`` whose rows just changed."""
        for scenario in set(scenarios):
            self._versions[(layer, scenario if LAYERS[layer].editable else None)] = next(_CONTENT_VERSIONS)
        if LAYERS[layer].editable:  # the rows of every scenario at once (table(layer, None), bounds) changed too
            self._versions[(layer, None)] = next(_CONTENT_VERSIONS)

    # --- editing ------------------------------------------------------------------------------
    def apply(self, edit) -> ChangeSet:
        """Apply one edit in one transaction; returns its ChangeSet (``.edit`` = the applied edit).
        Inside that transaction (the write lock held) what another program committed is read
        first (design.md §2, PRAGMA data_version), so the edit meets the file as it is: it applies,
        or is refused with a sentence — it never writes over another program's change. When the
        file refuses the write (PlanFileError) memory is re-read, so it never holds what the file lost."""
        if self.read_only:
            raise PlanFileError("规划文件是只读的，不能修改；未作任何更改",
                                "the plan file is read-only and cannot be changed (nothing was changed)")
        try:
            with self.store.transaction():
                self.follow_file()
                return edit.apply(self)
        except PlanFileError:
            self.reload()
            raise

    def follow_file(self) -> ChangeSet:
        """Re-read the plan if another program (QGIS, GDAL, a second app) committed to the file
        since this plan last looked; what differs is returned and kept for take_reloaded()."""
        version = self._file_version()
        if version == self._data_version:
            return ChangeSet()
        # Code another program stored meanwhile (a trigger, a view) must not run on our edits:
        # refused here, before this write, as it is when a plan opens (design.md §2).
        foreign = [name for _kind, name in foreign_code(self.store.conn)]
        if foreign:
            raise ForeignCode(self.path, foreign)
        changes = self.reload()
        # Answers, thresholds and packs may have changed too: the validator re-runs everything.
        changes.changed.setdefault(RULES_CHANGED, set())
        self._reloaded.changed.setdefault(RULES_CHANGED, set())
        return changes

    def take_reloaded(self) -> ChangeSet:
        """What re-reading the file changed in memory since the last call (the map and the
        validator must redraw and re-run it)."""
        changes, self._reloaded = self._reloaded, ChangeSet()
        return changes

    def _file_version(self) -> int:
        # Changes whenever another connection commits to the file (sqlite.org/pragma.html#pragma_data_version).
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def check(self, layer: str, geometry: BaseGeometry) -> BaseGeometry:
        if layer not in LAYERS:
            raise PlanError(f"没有图层 {layer}", f"there is no layer {layer}")
        return CHECKS[LAYERS[layer].geometry](geometry)

    def _commit(self, puts: list[Feature], deletes: list[tuple[str, int]]) -> tuple[ChangeSet, list[Feature]]:
        """Write ``puts`` and ``deletes`` in one transaction, then update memory. A put whose fid
        is in the plan updates only the columns it changes (design.md §2: another program's change
        to the other columns stays); any other put is a new row (fid None = a new id)."""
        for f in puts:
            if not LAYERS[f.layer].editable:
                raise PlanError(f"底图图层 {f.layer} 不可编辑", f"base-map layer {f.layer} is read-only")
            self.check(f.layer, f.geometry)
        changes, written = ChangeSet(), []
        by_layer: dict[str, list[int]] = {}
        for layer, fid in deletes:
            by_layer.setdefault(layer, []).append(fid)
        with self.store.transaction() as db:
            for layer, fids in by_layer.items():
                db.conn.executemany(f'DELETE FROM "{layer}" WHERE fid = ?', [(fid,) for fid in fids])
            for f in puts:
                old = self._layers[f.layer].get(f.fid) if f.fid is not None else None
                written.append(self._insert(db, f) if old is None else self._update(db, old, f))
        for layer, fid in deletes:
            old = self._layers[layer].pop(fid)
            if old is not None:
                self._touch(layer, [old.scenario])
            changes.removed.setdefault(layer, set()).add(fid)
        for f in written:
            old = self._layers[f.layer].get(f.fid)
            kind = "changed" if old is not None else "added"
            self._touch(f.layer, [f.scenario] + ([old.scenario] if old is not None else []))
            self._layers[f.layer].put(f)
            getattr(changes, kind).setdefault(f.layer, set()).add(f.fid)
        return changes, written

    def _insert(self, db, f: Feature) -> Feature:
        """A new row (under ``f.fid`` when given: an undone delete comes back under its id; a row
        of that id already in the file is refused, never replaced)."""
        spec = LAYERS[f.layer]
        names = ["geom", *(["scenario"] if spec.editable else []), *spec.field_names]
        values = [to_gpkg(f.geometry, self.epsg), *([f.scenario] if spec.editable else []),
                  *(f.attributes.get(n) for n in spec.field_names)]
        if f.fid is not None:
            names.insert(0, "fid")
            values.insert(0, f.fid)
        cols = ", ".join(f'"{n}"' for n in names)
        cur = db.execute(f'INSERT INTO "{f.layer}" ({cols}) VALUES ({", ".join("?" * len(names))})', values)
        fid = f.fid if f.fid is not None else cur.lastrowid
        return Feature(f.layer, fid, f.geometry, f.attributes, f.scenario if spec.editable else None)

    def _update(self, db, old: Feature, new: Feature) -> Feature:
        """Write the columns in which ``new`` differs from ``old`` (the row as the file holds it)."""
        columns = {}
        if not new.geometry.equals_exact(old.geometry, 0):
            columns["geom"] = to_gpkg(new.geometry, self.epsg)
        if new.scenario != old.scenario:
            columns["scenario"] = new.scenario
        columns.update({n: new.attributes.get(n) for n in LAYERS[new.layer].field_names
                        if not same_value(new.attributes.get(n), old.attributes.get(n))})
        if columns:
            assignments = ", ".join(f'"{n}" = ?' for n in columns)
            cur = db.execute(f'UPDATE "{new.layer}" SET {assignments} WHERE fid = ?', [*columns.values(), new.fid])
            if cur.rowcount != 1:
                raise gone_from_file(new.layer, new.fid)
        return new

    def bulk_insert(self, layer: str, rows: Iterable[tuple[BaseGeometry, Mapping]], scenario: str = "base",
                    db=None, fids: Iterable[int] | None = None) -> list[int]:
        """Insert many features (imports) — array code: one geometry check, one WKB encoding and
        one executemany for the whole batch (10^5 rows in well under a second). Inside the caller's
        transaction when ``db`` is given, so an import stays one transaction. ``fids``: the ids to
        use (a redo puts features back under the ids later edits refer to); new ids when None."""
        spec = LAYERS[layer]
        rows = list(rows)
        if not rows:
            return []
        geoms = np.empty(len(rows), dtype=object)
        geoms[:] = [g for g, _ in rows]
        bad = ~check_many(spec.geometry, geoms)
        for i in np.flatnonzero(bad):
            self.check(layer, geoms[i])  # raises with the message naming the problem
        attrs = [fast_typed_attributes(layer, a) for _, a in rows]
        blobs = to_gpkg_many(geoms, self.epsg)
        if fids is None:
            start = self._next_fid(layer)
            fids = list(range(start, start + len(rows)))
        else:
            fids = [int(fid) for fid in fids]
            if len(fids) != len(rows):
                raise PlanError("要素编号与要素数量不一致", f"{len(fids)} feature ids for {len(rows)} features")
        scenario_value = scenario if spec.editable else None
        # Columns that are NULL in every row are left out: binding ~20 empty columns per row was
        # most of the insert cost of an import.
        used = [n for n in spec.field_names if any(a[n] is not None for a in attrs)]
        names = ["fid", "geom", *(["scenario"] if spec.editable else []), *used]
        values = [(fid, blob, *([scenario_value] if spec.editable else []), *(a[n] for n in used))
                  for fid, blob, a in zip(fids, blobs, attrs)]
        sql = (f'INSERT INTO "{layer}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
               f'VALUES ({", ".join("?" * len(names))})')
        if db is None:
            with self.store.transaction() as tx:
                tx.conn.executemany(sql, values)
        else:
            db.conn.executemany(sql, values)
        # Memory: the rows appended to the layer's columns, no Feature made (an import of 10^6 rows).
        data = self._layers[layer]
        values = {n: object_array(a[n] for a in attrs) for n in spec.field_names}
        data.merge(Columns(layer, np.asarray(fids, dtype=np.int64), geoms,
                           np.full(len(fids), scenario_value, dtype=object) if spec.editable else None,
                           values, spec.field_names))
        self._touch(layer, [scenario_value])
        self.store.set_extent(layer, shapely.total_bounds(data.columns.geometry))
        return fids

    def replace_base_geometries(self, layer: str, fids, geometries) -> ChangeSet:
        """New geometries for features of a read-only base-map layer (a CAD drawing placed again,
        model/cad_placement.py): one executemany, inside the caller's transaction if any. Only
        the geometry changes; ids and attributes stay."""
        fids = [int(fid) for fid in fids]
        geoms = np.empty(len(fids), dtype=object)
        geoms[:] = list(geometries)
        if len(geoms) != len(fids):
            raise PlanError("要素编号与要素数量不一致", f"{len(fids)} feature ids for {len(geoms)} geometries")
        data = self._layers[layer]
        old = [self.feature(layer, fid) for fid in fids]  # raises if absent
        blobs = to_gpkg_many(geoms, self.epsg)
        placed = {fid: Feature(layer, fid, g, f.attributes, f.scenario) for fid, f, g in zip(fids, old, geoms)}
        table = self.table(layer, None)
        everything = table.geometry.copy()
        where = {fid: i for i, fid in enumerate(table.fids.tolist())}
        for fid, f in placed.items():
            everything[where[fid]] = f.geometry
        with self.store.transaction() as db:
            db.conn.executemany(f'UPDATE "{layer}" SET geom = ? WHERE fid = ?', list(zip(blobs, fids)))
            if len(everything):
                self.store.set_extent(layer, shapely.total_bounds(everything))
        for f in placed.values():  # memory follows the file once the write has gone through
            data.put(f)
        self._touch(layer, {f.scenario for f in placed.values()})
        return ChangeSet(changed={layer: set(fids)} if fids else {})

    def _next_fid(self, layer: str) -> int:
        row = self.store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [layer]).fetchone()
        return max(row[0] if row else 0, self._layers[layer].max_fid()) + 1

    def reload(self) -> ChangeSet:
        """Re-read every feature from the file (after a rolled-back import, or another program's
        commit); returns what now differs from what memory held (also kept for take_reloaded())."""
        before = self._layers
        self.meta = self.store.get_meta()
        self._load()
        self._tables = {}
        self._data_version = self._file_version()
        changes = _difference(before, self._layers)
        self._reloaded = self._reloaded.merge(changes)
        return changes

    def planned_extent(self, scenario: str | None = "base", *, pad: bool = True) -> tuple[float, float, float, float] | None:
        """What the planner works on: the planning units, else the homes, facilities and stops, else
        everything. A base-map river or road can run for kilometres beyond the community (the Siping
        demo's did): the canvas opens on this, the report's map shows it, and the export's
        Gauss–Krüger zone is taken from its centre. ``pad``: a margin of 4 % (at least 20 m)."""
        from .schema import FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS
        for layers in ((PLANNING_UNITS,), (RESIDENTIAL, FACILITIES, STOPS)):
            tables = [self.table(layer, scenario) for layer in layers]
            if any(len(t) for t in tables):
                xmin, ymin, xmax, ymax = (float(v) for v in shapely.total_bounds(
                    np.concatenate([t.geometry for t in tables])))
                margin = max(20.0, 0.04 * max(xmax - xmin, ymax - ymin)) if pad else 0.0
                return xmin - margin, ymin - margin, xmax + margin, ymax + margin
        return self.bounds()

    def bounds(self) -> tuple[float, float, float, float] | None:
        geoms = np.concatenate([self.table(layer, None).geometry for layer in LAYERS])
        if not len(geoms):
            return None
        return tuple(float(v) for v in shapely.total_bounds(geoms))

    def __repr__(self) -> str:
        return f"<Plan {self.name!r} {self.path.name} EPSG:{self.epsg}>"


def _quoted(names, form: str = "{}") -> list[str]:
    """Column names as SQL identifiers (the schema's own names), each put into ``form``."""
    return [form.format('"' + n.replace('"', '""') + '"') for n in names]


# How many rows of a layer _read_columns samples to see which columns may hold one value: the
# first ones, and some spread over the fids.
_FIRST_ROWS = 16
_SPREAD_ROWS = 48


def _identical(a, b) -> bool:
    return type(a) is type(b) and a == b


def _has_rowid(conn, layer: str) -> bool:
    """True when ``rowid`` in a query of ``layer`` is its rowid (not a WITHOUT ROWID table, no
    column of that name)."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (layer,)).fetchone()
    if sql is None or re.search(r"WITHOUT\s+ROWID", sql[0] or "", re.IGNORECASE):
        return False
    return all(r[1].lower() != "rowid" for r in conn.execute(f'PRAGMA table_info("{layer}")'))


def _filled(value, n: int) -> np.ndarray:
    """An object array of ``n`` times the one object ``value``. np.full made a new str per row of
    a text value (the walking lines' scenario and source at 10^6 edges: 2 × 385,325 strings, 40 MB
    and 0.05 s); a read-only broadcast view of one value made the full validation at 10^4 homes
    0.02-0.04 s slower (numpy's strided paths)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


# LayerTable versions: one counter for every plan of the process, so no two contents share a number.
_CONTENT_VERSIONS = itertools.count(1)
_LOADED = "\0loaded"  # the key of a layer's load stamp in Plan._versions (no scenario has this name)


# The pseudo-layer of a ChangeSet saying rules, answers or thresholds may have changed
# (model/edits.py RULES): the validator then re-runs everything.
RULES_CHANGED = "rules"


def gone_from_file(layer: str, fid: int) -> PlanError:
    return PlanError(f"图层 {layer} 的要素 {fid} 已被另一个程序删除，未作任何更改",
                     f"feature {fid} of layer {layer} was deleted by another program; nothing was changed")


def same_value(a, b) -> bool:
    """Equal attribute values, NaN equal to NaN (a value read back from the file is a new float)."""
    return a == b or (a != a and b != b)


def same_feature(a: Feature, b: Feature) -> bool:
    """The same row: geometry, scenario and attributes equal (features are immutable values)."""
    if a is b:
        return True
    ours, theirs = dict(a.attributes), dict(b.attributes)
    return (a.scenario == b.scenario and ours.keys() == theirs.keys()
            and all(same_value(ours[k], theirs[k]) for k in ours) and a.geometry.equals_exact(b.geometry, 0))


def _difference(before: dict[str, LayerData], after: dict[str, LayerData]) -> ChangeSet:
    """The ids added, changed and removed between two loads of the plan's layers — array code
    over their columns (a reload of a district must not make a Feature per row)."""
    changes = ChangeSet()
    for layer in LAYERS:
        new = after[layer].view().merged()
        old = before[layer].view().merged() if layer in before else Columns(
            layer, np.empty(0, np.int64), object_array(()), None, {n: object_array(()) for n in new.field_names},
            new.field_names)
        common, i, j = np.intersect1d(old.fids, new.fids, assume_unique=True, return_indices=True)
        differs = ~shapely.equals_exact(old.geometry[i], new.geometry[j], 0)
        if old.scenario is not None and new.scenario is not None:
            differs |= _unequal(old.scenario[i], new.scenario[j])
        for name in new.field_names:
            differs |= _unequal(old.values[name][i], new.values[name][j])
        for kind, fids in (("added", np.setdiff1d(new.fids, old.fids)), ("removed", np.setdiff1d(old.fids, new.fids)),
                           ("changed", common[differs])):
            if len(fids):
                getattr(changes, kind)[layer] = set(fids.tolist())
    return changes


def _unequal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise not same_value (NaN equal to NaN) of two object arrays."""
    if not len(a):
        return np.zeros(0, dtype=bool)
    return (a != b) & ~((a != a) & (b != b))


__all__ = ["Plan", "Feature", "ChangeSet", "Scenario", "typed_attributes", "InvalidGeometry",
           "COMMUNITY_KINDS", "SCHEMA_VERSION"]

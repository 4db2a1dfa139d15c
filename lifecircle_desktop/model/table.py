"""A layer as columns: ids, a shapely geometry array and attribute columns, in one order.

Array code reads a layer this way (style.md: shapely 2 is array code) — the walking graph, the
homes' access points, a plan's bounds — instead of making one ``Feature`` per row; a district has
10^6 walking edges (issue 17 item 3).
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Hashable, Mapping

import numpy as np


class LayerTable:
    """The rows of one layer as a scenario sees them. ``fids`` (int64), ``geometry`` (object
    array of shapely geometries) and every ``column(name)`` share one order. ``version`` is a
    hashable token: two tables with the same token hold the same rows (within one process), so
    a cache keyed by it (the walking graph) is reused until the layer changes. Read-only."""

    __slots__ = ("layer", "fids", "geometry", "_columns", "version")

    def __init__(self, layer: str, fids: np.ndarray, geometry: np.ndarray, columns: Mapping[str, np.ndarray],
                 version: Hashable):
        self.layer = layer
        self.fids = _read_only(np.asarray(fids, dtype=np.int64))
        self.geometry = _read_only(geometry)
        self._columns = {name: _read_only(values) for name, values in columns.items()}
        self.version = version

    def __len__(self) -> int:
        return len(self.fids)

    def column(self, name: str) -> np.ndarray:
        """One attribute's values (object array: None where not set), in the order of ``fids``."""
        try:
            return self._columns[name]
        except KeyError:
            raise KeyError(f"layer {self.layer} has no column {name!r}") from None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def __repr__(self) -> str:
        return f"<LayerTable {self.layer} rows={len(self)} version={self.version!r}>"


def object_array(values) -> np.ndarray:
    """A 1-d object array of ``values`` (np.array would make a 2-d array of coordinate tuples)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _read_only(a: np.ndarray) -> np.ndarray:
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def table_of_features(layer: str, features, field_names, version: Hashable) -> LayerTable:
    """A LayerTable of Feature objects (the simple path: a few rows, or a layer held as features)."""
    features = list(features)
    columns = {name: object_array(f.attributes.get(name) for f in features) for name in field_names}
    return LayerTable(layer, np.fromiter((f.fid for f in features), dtype=np.int64, count=len(features)),
                      object_array(f.geometry for f in features), columns, version)


class FeatureMap(Mapping):
    """A layer of a snapshot: fid -> Feature (read-only; Features made on access), which also
    knows its content ``version`` and gives its rows as a LayerTable (made once per version)."""

    __slots__ = ("layer", "_rows", "_scenario", "version", "_cache", "_fids")

    def __init__(self, layer: str, rows: "FrozenLayer", scenario: str | None, version: Hashable,
                 cache: dict | None = None):
        self.layer = layer
        self._rows = rows
        self._scenario = scenario
        self.version = version
        self._cache = {} if cache is None else cache  # shared with the plan: (layer, scenario) -> table
        self._fids = None

    def __getitem__(self, fid):
        f = self._rows.get(fid, self._scenario)
        if f is None:
            raise KeyError(fid)
        return f

    def __contains__(self, fid) -> bool:
        return self._rows.get(fid, self._scenario) is not None

    def _ids(self) -> list[int]:
        if self._fids is None:
            self._fids = self._rows.fids(self._scenario).tolist()
        return self._fids

    def __iter__(self):
        return iter(self._ids())

    def __len__(self) -> int:
        return len(self._fids) if self._fids is not None else self._rows.count(self._scenario)

    def values(self):
        return self._rows.features(self._scenario)

    def items(self):
        return [(f.fid, f) for f in self._rows.features(self._scenario)]

    def table(self) -> LayerTable:
        key = (self.layer, self._scenario)
        made = self._cache.get(key)
        if made is None or made.version != self.version:
            made = self._rows.table(self._scenario, self.version)
            self._cache[key] = made
        return made


# --- the columnar store of a Plan ------------------------------------------------------------
#
# A layer is held as immutable ``Columns`` (loaded in bulk: no Python object per row) plus a small
# overlay of the edits since (rows changed in place, rows removed, rows added). A snapshot copies
# the overlay only — O(changes), not O(rows) — and shares the columns; the overlay is merged into
# new columns when it grows past a share of the layer (amortised O(1) per edit). Features are
# made on access and kept, so a feature's memo lives as long as the row is unchanged.

class Columns:
    """Immutable columns of one layer: ``fids`` (int64), ``geometry`` (object array),
    ``scenario`` (object array; None for base-map layers), one object array per attribute."""

    __slots__ = ("layer", "fids", "geometry", "scenario", "values", "field_names", "_sorter", "_sorted",
                 "_features", "_masks", "__weakref__")

    def __init__(self, layer: str, fids: np.ndarray, geometry: np.ndarray, scenario: np.ndarray | None,
                 values: Mapping[str, np.ndarray], field_names, features: dict | None = None):
        self.layer = layer
        self.fids = np.asarray(fids, dtype=np.int64)
        self.geometry = geometry
        self.scenario = scenario
        self.values = dict(values)
        self.field_names = tuple(field_names)
        order = None if len(self.fids) < 2 or bool((self.fids[1:] > self.fids[:-1]).all()) else \
            np.argsort(self.fids, kind="stable")
        self._sorter = order
        self._sorted = self.fids if order is None else self.fids[order]
        self._features: dict = {} if features is None else features  # fid -> Feature, made on access
        self._masks: dict = {}  # scenario -> bool array of its rows

    def __len__(self) -> int:
        return len(self.fids)

    def row(self, fid) -> int | None:
        """The row of ``fid`` (binary search over the sorted ids), None when absent."""
        i = int(np.searchsorted(self._sorted, fid))
        if i < len(self._sorted) and self._sorted[i] == fid:
            return i if self._sorter is None else int(self._sorter[i])
        return None

    def scenario_at(self, row: int):
        return None if self.scenario is None else self.scenario[row]

    def feature(self, row: int, make):
        """The Feature of a row, made by ``make(layer, fid, geometry, attributes, scenario)`` once."""
        fid = int(self.fids[row])
        f = self._features.get(fid)
        if f is None:
            attributes = MappingProxyType({name: self.values[name][row] for name in self.field_names})
            f = make(self.layer, fid, self.geometry[row], attributes, self.scenario_at(row))
            f = self._features.setdefault(fid, f)  # another thread may have made it meanwhile
        return f

    def mask(self, scenario) -> np.ndarray | None:
        """The rows of ``scenario`` (None: every row)."""
        if scenario is None or self.scenario is None:
            return None
        m = self._masks.get(scenario)
        if m is None:
            m = self._masks[scenario] = self.scenario == scenario
        return m


class LayerData:
    """The current rows of one layer in a Plan: columns plus the overlay of edits since."""

    # The overlay is merged into new columns once it holds more than this share of the rows.
    MERGE_SHARE = 1 / 16
    MERGE_MINIMUM = 512

    def __init__(self, columns: Columns, make):
        self.columns = columns
        self.make = make  # the Feature class
        self.changed: dict[int, object] = {}  # fid -> Feature: a row of the columns replaced in place
        self.dead: set[int] = set()           # rows of the columns removed (or added again at the end)
        self.added: dict[int, object] = {}    # fid -> Feature: rows after the columns, in order

    def __len__(self) -> int:
        return len(self.columns) - len(self.dead) + len(self.added)

    def __contains__(self, fid) -> bool:
        return self.get(fid) is not None

    def get(self, fid):
        f = self.added.get(fid)
        if f is not None:
            return f
        f = self.changed.get(fid)
        if f is not None:
            return f
        if fid in self.dead:
            return None
        row = self.columns.row(fid)
        return None if row is None else self.columns.feature(row, self.make)

    def put(self, f) -> None:
        """A feature replaces the row of its fid, or is added after the others."""
        if f.fid in self.added or f.fid in self.dead or self.columns.row(f.fid) is None:
            self.added[f.fid] = f
        else:
            self.changed[f.fid] = f
        self._merge_if_large()

    def pop(self, fid):
        f = self.get(fid)
        if f is None:
            return None
        if self.added.pop(fid, None) is None:
            self.changed.pop(fid, None)
            self.dead.add(fid)
        self._merge_if_large()
        return f

    def max_fid(self) -> int:
        fids = [*self.added, *(self.columns._sorted[-1:].tolist())]
        return max(fids, default=0)

    def view(self) -> "FrozenLayer":
        """The rows as they are now, for reading at once (shares the overlay: not for keeping)."""
        return FrozenLayer(self.columns, self.changed, self.dead, self.added, self.make)

    def frozen(self) -> "FrozenLayer":
        """The rows as they are now, unaffected by later edits: shares the columns, copies the overlay."""
        return FrozenLayer(self.columns, dict(self.changed), frozenset(self.dead), dict(self.added), self.make)

    def _merge_if_large(self) -> None:
        if len(self.changed) + len(self.dead) + len(self.added) > max(self.MERGE_MINIMUM,
                                                                         len(self.columns) * self.MERGE_SHARE):
            self.merge()

    def merge(self, extra: "Columns | None" = None) -> None:
        """Fold the overlay (and ``extra`` rows, an import) into new columns."""
        self.columns = self.frozen().merged(extra)
        self.changed, self.dead, self.added = {}, set(), {}


class FrozenLayer:
    """One layer's rows at one moment: shared columns and a copied overlay (immutable)."""

    __slots__ = ("columns", "changed", "dead", "added", "make", "_alive")

    def __init__(self, columns: Columns, changed, dead, added, make):
        self.columns, self.changed, self.dead, self.added, self.make = columns, changed, dead, added, make
        self._alive = None

    def alive(self) -> np.ndarray | None:
        """False at the rows of the columns removed since (None: every row alive)."""
        if self._alive is None and self.dead:
            alive = np.ones(len(self.columns), dtype=bool)
            rows = [self.columns.row(fid) for fid in self.dead]
            alive[[r for r in rows if r is not None]] = False
            self._alive = alive
        return self._alive

    def get(self, fid, scenario=None):
        f = self.added.get(fid)
        if f is None:
            f = self.changed.get(fid)
        if f is None:
            if fid in self.dead:
                return None
            row = self.columns.row(fid)
            if row is None:
                return None
            if scenario is not None and self.columns.scenario_at(row) != scenario:
                return None
            return self.columns.feature(row, self.make)
        return f if scenario is None or f.scenario == scenario else None

    def rows(self, scenario) -> np.ndarray | None:
        """The rows of the columns in this view, in order (None: all of them)."""
        alive, mask = self.alive(), self.columns.mask(scenario)
        if mask is not None and self.changed:
            # A row changed into another scenario (a renamed scenario) leaves this one, or joins it.
            moved = {self.columns.row(fid): f.scenario == scenario for fid, f in self.changed.items()
                     if f.scenario != self.columns.scenario_at(self.columns.row(fid))}
            if moved:
                mask = mask.copy()
                mask[list(moved)] = list(moved.values())
        if alive is None and mask is None:
            return None
        keep = alive if mask is None else (mask if alive is None else alive & mask)
        return None if keep.all() else np.flatnonzero(keep)

    def count(self, scenario) -> int:
        rows = self.rows(scenario)
        return (len(self.columns) if rows is None else len(rows)) + len(self.added_in(scenario))

    def added_in(self, scenario) -> list:
        return [f for f in self.added.values() if scenario is None or f.scenario == scenario]

    def features(self, scenario=None) -> list:
        """The Features of the view, in order: the columns' rows (changed ones in place), then the added."""
        cols, changed = self.columns, self.changed
        rows = self.rows(scenario)
        rows = range(len(cols)) if rows is None else rows.tolist()
        out = []
        fids = cols.fids
        for row in rows:
            f = changed.get(int(fids[row])) if changed else None
            out.append(f if f is not None else cols.feature(row, self.make))
        out.extend(self.added_in(scenario))
        return out

    def fids(self, scenario=None) -> np.ndarray:
        """The ids of the view, in the order of ``features``."""
        rows = self.rows(scenario)
        fids = self.columns.fids if rows is None else self.columns.fids[rows]
        added = [f.fid for f in self.added_in(scenario)]
        return np.concatenate([fids, np.asarray(added, dtype=np.int64)]) if added else fids

    def table(self, scenario, version) -> LayerTable:
        """The view as a LayerTable: the columns themselves when nothing is filtered or changed."""
        cols = self.columns
        rows = self.rows(scenario)
        changed = {fid: f for fid, f in self.changed.items() if scenario is None or f.scenario == scenario}
        added = self.added_in(scenario)
        if rows is None and not changed and not added:
            return LayerTable(cols.layer, cols.fids, cols.geometry, cols.values, version)
        take = (lambda a: a.copy()) if rows is None else (lambda a: a[rows])
        fids = take(cols.fids)
        geometry = take(cols.geometry)
        values = {name: take(cols.values[name]) for name in cols.field_names}
        if changed:
            at = np.flatnonzero(np.isin(fids, np.fromiter(changed, dtype=np.int64, count=len(changed))))
            for i in at.tolist():
                f = changed[int(fids[i])]
                geometry[i] = f.geometry
                for name in cols.field_names:
                    values[name][i] = f.attributes.get(name)
        if added:
            fids = np.concatenate([fids, np.fromiter((f.fid for f in added), dtype=np.int64, count=len(added))])
            geometry = np.concatenate([geometry, object_array(f.geometry for f in added)])
            values = {name: np.concatenate([values[name], object_array(f.attributes.get(name) for f in added)])
                      for name in cols.field_names}
        return LayerTable(cols.layer, fids, geometry, values, version)

    def merged(self, extra: "Columns | None" = None) -> Columns:
        """New columns holding this view's rows (every scenario), then ``extra``; Features made so
        far are kept (their memos with them)."""
        cols = self.columns
        whole = self.table(None, None)
        scen_of = self.columns.scenario
        if scen_of is not None:
            rows = self.rows(None)
            scen = scen_of.copy() if rows is None else scen_of[rows]
            if self.changed:
                at = np.flatnonzero(np.isin(whole.fids[:len(scen)], np.fromiter(self.changed, dtype=np.int64,
                                                                                 count=len(self.changed))))
                for i in at.tolist():
                    scen[i] = self.changed[int(whole.fids[i])].scenario
            scen = np.concatenate([scen, object_array(f.scenario for f in self.added.values())])
        else:
            scen = None
        fids, geometry = whole.fids, whole.geometry
        values = {name: whole.column(name) for name in cols.field_names}
        features = {fid: f for fid, f in dict(cols._features).items() if fid not in self.dead}
        features.update(self.changed)
        features.update(self.added)
        if extra is not None and len(extra):
            fids = np.concatenate([fids, extra.fids])
            geometry = np.concatenate([geometry, extra.geometry])
            values = {name: np.concatenate([values[name], extra.values[name]]) for name in cols.field_names}
            if scen is not None:
                scen = np.concatenate([scen, extra.scenario])
        return Columns(cols.layer, fids, _writable(geometry), scen, {k: _writable(v) for k, v in values.items()},
                       cols.field_names, features)


def _writable(a: np.ndarray) -> np.ndarray:
    """An array owned by the columns (a LayerTable's are read-only views)."""
    return a if a.flags.writeable else a.copy()

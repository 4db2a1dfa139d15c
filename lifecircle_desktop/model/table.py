"""A layer as columns: ids, a shapely geometry array and attribute columns, in one order.

Array code reads a layer this way (style.md: shapely 2 is array code) — the walking graph, the
homes' access points, a plan's bounds — instead of making one ``Feature`` per row; a district has
10^6 walking edges (issue 17 item 3).
"""
from __future__ import annotations

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
    """A layer of a snapshot: fid -> Feature (read-only), which also knows its content ``version``
    and gives its rows as a LayerTable (made once, on first ask)."""

    __slots__ = ("layer", "_features", "_field_names", "version", "_table")

    def __init__(self, layer: str, features: Mapping[int, object], field_names, version: Hashable):
        self.layer = layer
        self._features = features
        self._field_names = tuple(field_names)
        self.version = version
        self._table = None

    def __getitem__(self, fid):
        return self._features[fid]

    def __iter__(self):
        return iter(self._features)

    def __len__(self) -> int:
        return len(self._features)

    def __contains__(self, fid) -> bool:
        return fid in self._features

    def table(self) -> LayerTable:
        if self._table is None:
            self._table = table_of_features(self.layer, self._features.values(), self._field_names, self.version)
        return self._table

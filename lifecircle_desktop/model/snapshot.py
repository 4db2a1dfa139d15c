"""An immutable picture of one scenario of a plan, handed to the validator's worker thread
(style.md §4: no connection crosses a thread; workers get snapshots)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .plan import Feature, Plan
from .schema import LAYERS
from .table import FeatureMap, LayerTable, table_of_features
from .settings import DEFAULTS, speed_profiles


@dataclass(frozen=True)
class Snapshot:
    plan_name: str
    scenario: str
    epsg: int
    community_kind: str
    speed_profiles: Mapping[str, float]  # {adult, elderly, child} km/h: the speed settings
    rule_packs: tuple[str, ...]
    layers: Mapping[str, Mapping[int, Feature]]  # layer -> fid -> Feature (features are immutable)
    manual_answers: Mapping[str, str] = field(default_factory=dict)
    overrides: Mapping[tuple[str, str], float] = field(default_factory=dict)  # (rule, key) -> value
    version: int = 0  # increases with every edit; lets the UI drop stale results
    # Rows of the scenario no feature could be made of: (layer, fid) -> (why, zh; why, en) (Plan.unreadable).
    unreadable: Mapping[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    # Every plan setting (model/settings.py SETTINGS) -> its value, defaults filled in; read-only.
    settings: Mapping[str, Any] = field(default_factory=lambda: DEFAULTS)

    def features(self, layer: str) -> list[Feature]:
        return list(self.layers[layer].values())

    def feature(self, layer: str, fid: int) -> Feature:
        return self.layers[layer][fid]

    def table(self, layer: str) -> LayerTable:
        """The layer's rows as columns (ids, geometry array, attribute columns): what array code
        reads where rows are many. Its ``version`` changes when the layer's rows change."""
        features = self.layers[layer]
        if isinstance(features, FeatureMap):
            return features.table()
        # A mapping put in by hand (dataclasses.replace in a test): a token no other table shares.
        table = self._tables.get(layer)
        if table is None:
            table = table_of_features(layer, features.values(), LAYERS[layer].field_names,
                                      ("own", next(_OWN_TABLES)))
            self._tables[layer] = table
        return table

    def version_of(self, layer: str):
        """The content version of one layer (LayerTable.version), without making its table."""
        features = self.layers[layer]
        return features.version if isinstance(features, FeatureMap) else self.table(layer).version

    # LayerTables of layers that are not FeatureMaps, made on first ask (not part of the value).
    _tables: dict = field(default_factory=dict, init=False, repr=False, compare=False)


_OWN_TABLES = itertools.count(1)


def take_snapshot(plan: Plan, scenario: str = "base", version: int = 0) -> Snapshot:
    layers = {}
    for name, spec in LAYERS.items():
        layers[name] = plan.layer(name, scenario)  # shares the plan's columns: O(edits), not O(rows)
    conn = plan.store.conn
    answers = dict(conn.execute("SELECT rule, answer FROM manual_checks WHERE scenario = ?", [scenario]).fetchall())
    kind = plan.community_kind
    overrides = {(r, k): v for r, k, v in conn.execute(
        "SELECT rule, key, value FROM rule_overrides WHERE community_kind = ?", [kind]).fetchall()}
    unreadable = {key: (why_zh, why_en) for key, (row_scenario, why_zh, why_en) in plan.unreadable.items()
                  if row_scenario in (None, scenario)}
    settings = plan.settings
    return Snapshot(plan.name, scenario, plan.epsg, kind, MappingProxyType(speed_profiles(settings)),
                    tuple(plan.rule_packs), MappingProxyType(layers), MappingProxyType(answers),
                    MappingProxyType(overrides), version, MappingProxyType(unreadable), settings)

"""An immutable picture of one scenario of a plan, handed to the validator's worker thread
(style.md §4: no connection crosses a thread; workers get snapshots)."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .plan import Feature, Plan
from .schema import LAYERS
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


def take_snapshot(plan: Plan, scenario: str = "base", version: int = 0) -> Snapshot:
    layers = {}
    for name, spec in LAYERS.items():
        feats = plan.features(name, None if not spec.editable else scenario)
        layers[name] = MappingProxyType({f.fid: f for f in feats})
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

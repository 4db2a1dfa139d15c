"""Plan (+ ChangeSet) -> Findings: runs the evaluator kinds of model/rules/ (design.md §3), full and
incremental.

``Validator.full(snapshot)`` evaluates every rule of the enabled packs; ``Validator.update(snapshot,
changes)`` recomputes only what the ChangeSet touches — the walking distances of the facility types
whose facilities changed, the graph only when paths or gates changed — and re-evaluates the rules,
which are cheap sums over cached arrays. Both give the same Results (tests/model/test_validate_incremental.py).
Each rule goes to its kind's ``evaluate(rule, pack, context)`` (rules/evaluators.py) with one
rules.Context per run. No Qt, no database: a Snapshot in, Results out (style.md §3).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from shapely.geometry.base import BaseGeometry

from . import network
from .catalogue import Catalogue, load_catalogue
from .findings import Finding, Results
from .plan import ChangeSet, Feature
from .rules import EVALUATORS, Context, Pack, Rule, load_packs, plan_file
from .rules.common import not_applicable, with_overrides
from .rules.context import lying_in, planning_unit
from .schema import ENTRANCES, FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK
from .snapshot import Snapshot

SEARCH_LIMIT_M = 2000.0  # distances are exact up to here (issue 3: a planner needs "900 m", not "> 300 m")
STOP_LAYER_TYPES = ("bus_stop", "metro_station")

# --- the walking part, cached between runs ----------------------------------------------------

@dataclass
class _WalkState:
    graph: object | None = None  # network.WalkGraph, None = no walking network (straight-line fallback)
    homes: object | None = None  # network.AccessPoints of the homes
    home_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # facility type -> (distance per home (inf = none within the limit), nearest fid per home, layer)
    by_type: dict[str, tuple[np.ndarray, np.ndarray, str]] = field(default_factory=dict)


class Validator:
    """Evaluates the enabled rule packs over snapshots of one plan, keeping walking distances cached."""

    def __init__(self, packs: Sequence[Pack] | None = None, catalogue: Catalogue | None = None,
                 search_limit_m: float = SEARCH_LIMIT_M, every_type: bool = False):
        """``every_type``: also compute the nearest facility of types no rule names (the CLI's
        --detail lists them); the live loop needs only the types the walking rules name."""
        self.every_type = every_type
        self.catalogue = catalogue or load_catalogue()
        self.packs = list(packs) if packs is not None else load_packs()
        self.search_limit_m = search_limit_m
        self._walk = _WalkState()
        self._last: Snapshot | None = None

    # --- public ---------------------------------------------------------------------------------
    def rules(self, snapshot: Snapshot) -> list[Rule]:
        enabled = set(snapshot.rule_packs)
        return [r for p in self.packs if p.id in enabled for r in p.rules]

    def full(self, snapshot: Snapshot) -> Results:
        self._walk = _WalkState()
        self._build_graph(snapshot)
        self._build_homes(snapshot)
        for t in self._walk_types(snapshot):
            self._distances_for(snapshot, t)
        self._last = snapshot
        return self._evaluate(snapshot)

    def update(self, snapshot: Snapshot, changes: ChangeSet) -> Results:
        """Re-validate after ``changes`` (since the previous run): only what they touch is recomputed."""
        if self._last is None or self._last.scenario != snapshot.scenario or \
                self._last.community_kind != snapshot.community_kind or self._walk.homes is None:
            return self.full(snapshot)
        layers = changes.layers()
        if WALK_NETWORK in layers:
            return self.full(snapshot)  # the graph itself changed
        if "rules" in layers or self._last.rule_packs != snapshot.rule_packs or \
                self._last.overrides != snapshot.overrides:
            # Another pack set or a district's own threshold (model/edits.py SetRulePacks,
            # SetOverride): new packs may name new facility types and an override may change a
            # walking limit — rare, so everything again. A checklist answer needs no distances.
            return self.full(snapshot)
        if ENTRANCES in layers or RESIDENTIAL in layers or PLANNING_UNITS in layers:
            # Access points of homes (and maybe facilities) moved: recompute every type's distances.
            self._build_homes(snapshot)
            self._walk.by_type.clear()
        else:
            for t in self._touched_types(self._last, snapshot, changes):
                self._walk.by_type.pop(t, None)
        wanted = self._walk_types(snapshot)
        for t in wanted - set(self._walk.by_type):
            self._distances_for(snapshot, t)
        for t in set(self._walk.by_type) - wanted:
            del self._walk.by_type[t]
        self._last = snapshot
        return self._evaluate(snapshot)

    def reachable(self, snapshot: Snapshot, layer: str, fid: int, limit_m: float) -> list[BaseGeometry]:
        """The walking network reachable within ``limit_m`` from one facility (for the map overlay)."""
        graph = self._walk.graph if self._last is not None else None
        if graph is None:
            return []
        f = snapshot.feature(layer, fid)
        sources = network.access_points({fid: f.geometry}, self._entrances_of(snapshot, layer), graph)
        return graph.reachable_edges(sources, limit_m)

    # --- walking distances ----------------------------------------------------------------------
    def _walk_rules(self, snapshot: Snapshot) -> list[Rule]:
        return [r for r in self.rules(snapshot) if r.kind == "walk_coverage"]

    def _walk_types(self, snapshot: Snapshot) -> set[str]:
        """Types with a distance per home: those the walking rules name, and with ``every_type``
        every type in the plan (the --detail report lists the nearest of each)."""
        types = {t for r in self._walk_rules(snapshot) for t in r.params.get("facility_types", ())}
        if not self.every_type:
            return types
        for layer in (FACILITIES, STOPS):
            types |= {f.attributes["type"] for f in snapshot.layers[layer].values()}
        types.discard(None)
        return types

    @staticmethod
    def _touched_types(old: Snapshot, new: Snapshot, changes: ChangeSet) -> set[str]:
        types = set()
        for layer in (FACILITIES, STOPS):
            for fid in changes.touched(layer):
                for snap in (old, new):
                    f = snap.layers[layer].get(fid)
                    if f is not None and f.get("type"):
                        types.add(f["type"])
        return types

    def _build_graph(self, snapshot: Snapshot) -> None:
        features = snapshot.features(WALK_NETWORK)
        graph = network.WalkGraph.from_features(features) if features else None
        self._walk.graph = graph if graph is not None and graph.n_edges > 0 else None

    @staticmethod
    def _entrances_of(snapshot: Snapshot, layer: str) -> list[tuple[int, BaseGeometry, bool]]:
        return [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snapshot.features(ENTRANCES)
                if e.get("layer") == layer and e.get("feature") is not None]

    @staticmethod
    def _homes(snapshot: Snapshot) -> list[Feature]:
        """The homes the walking rules count: those of the community unit, all when none is drawn."""
        unit = planning_unit(snapshot, "community")
        homes = snapshot.features(RESIDENTIAL)
        return homes if unit is None else lying_in(unit, homes)

    def _build_homes(self, snapshot: Snapshot) -> None:
        homes = self._homes(snapshot)
        self._walk.home_ids = np.array([h.fid for h in homes], dtype=np.int64)
        footprints = {h.fid: h.geometry for h in homes}
        self._walk.homes = self._access(footprints, self._entrances_of(snapshot, RESIDENTIAL))

    def _access(self, footprints, entrances):
        return network.access_points(footprints, entrances, self._walk.graph)

    def _distances_for(self, snapshot: Snapshot, facility_type: str) -> None:
        layer = STOPS if facility_type in STOP_LAYER_TYPES else FACILITIES
        features = [f for f in snapshot.features(layer) if f.get("type") == facility_type]
        n = len(self._walk.home_ids)
        if not features or n == 0:
            self._walk.by_type[facility_type] = (np.full(n, np.inf), np.full(n, -1, dtype=np.int64), layer)
            return
        sources = self._access({f.fid: f.geometry for f in features}, self._entrances_of(snapshot, layer))
        if self._walk.graph is None:
            dist, nearest = network.straight_line_nearest(sources, self._walk.homes, self.search_limit_m)
        else:
            dist, nearest = self._walk.graph.nearest(sources, self._walk.homes, self.search_limit_m)
        self._walk.by_type[facility_type] = (np.asarray(dist, dtype=float), np.asarray(nearest, dtype=np.int64), layer)

    # --- evaluation -----------------------------------------------------------------------------
    def _evaluate(self, snapshot: Snapshot) -> Results:
        context = Context(snapshot, self.catalogue, self._walk.home_ids, self._walk.by_type,
                          approximate=self._walk.graph is None)
        by_id = {p.id: p for p in self.packs}
        # In the plan's order of packs (as the CLI loads them), whatever packs the validator knows.
        findings = [_judge(rule, pack, context)
                    for pack in (by_id[i] for i in dict.fromkeys(snapshot.rule_packs) if i in by_id)
                    for rule in pack.rules]
        findings += plan_file.findings(snapshot, self.catalogue)  # rows to fix, named (design.md §2)
        return Results(snapshot.scenario, findings, self._walk.home_ids.copy(), dict(self._walk.by_type),
                       context.households, approximate=self._walk.graph is None,
                       search_limit_m=self.search_limit_m, version=snapshot.version)


def _judge(rule: Rule, pack: Pack, context: Context) -> Finding:
    """The rule's finding: n/a for a community kind it has no threshold for, else its kind's
    evaluator, with a district's own threshold said in the message."""
    terms = context.terms(rule)
    if terms is None:
        return not_applicable(rule, pack, context.snapshot.community_kind)
    return with_overrides(EVALUATORS[rule.kind](rule, pack, context), terms.overridden)


def validate(snapshot: Snapshot, packs: Sequence[Pack] | None = None, catalogue: Catalogue | None = None) -> Results:
    """One full validation with a fresh Validator (tests and scripts; the live loop keeps one)."""
    return Validator(packs, catalogue).full(snapshot)

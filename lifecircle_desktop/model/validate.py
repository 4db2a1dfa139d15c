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

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Hashable, Sequence

import numpy as np
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from . import capacity, network
from .catalogue import Catalogue, load_catalogue
from .catchments import limit_of
from .findings import Finding, Results
from .gc_pause import no_gc
from .plan import ChangeSet
from .rules import EVALUATORS, Context, Pack, Rule, load_packs, plan_file
from .rules.common import finding, not_applicable, out_of_scope, with_overrides
from .schema import ENTRANCES, FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS, UNIT_KIND_WORDS, WALK_NETWORK
from .snapshot import Snapshot

SEARCH_LIMIT_M = 2000.0  # distances are exact up to here (issue 3: a planner needs "900 m", not "> 300 m")
# A full validation sends each facility type's search to worker processes (model/search_pool.py)
# from this many walking junctions (issue 17): a search costs ~17 ms at 10^5 edges (54k junctions)
# and 0.3 s at 10^6, handing one over ~1 ms; the demo's few thousand junctions search in a few ms
# here. The workers start (~0.3 s) when a plan of this many paths is opened (``prepare_for``) or
# its first full validation begins, whichever comes first: a network has ~1.4 junctions a path
# (Malta 25k paths, 37k junctions: no worker, its searches stay here; the 10^5-edge district 39k, 54k).
POOL_MIN_NODES = 40_000
POOL_WARM_PATHS = 28_000
STOP_LAYER_TYPES = ("bus_stop", "metro_station")

# --- the walking graph, built once per walking network -----------------------------------------
# Issue 17: building the graph was half of a full validation (7.9 s of 15 s at 10^6 edges), and
# every Validator (the live loop's, the export's, the CLI's, the siting panel's) built its own.
# Kept per content of the walk_network layer: the version token of its table (model/table.py: two
# tables with one token hold the same rows in this process). Two entries: the network as it is and
# as it was before the last path edit (undo), or two scenarios; a 10^6-edge graph holds ~0.4 GB,
# and the budget of a validation at that size is 1.5 GB.
GRAPH_CACHE_SIZE = 2
_graphs: "OrderedDict[Hashable, network.WalkGraph | None]" = OrderedDict()
_graphs_lock = threading.Lock()


def walk_graph(snapshot: Snapshot, since: "tuple[Snapshot, set[int]] | None" = None) -> network.WalkGraph | None:
    """The walking graph of the snapshot's walk_network (None: no walkable path), built once per
    content and shared by every Validator in the process.

    ``since``: (the snapshot before a path edit, the path fids it touched). When that snapshot's
    graph is still cached, only the touched paths and their neighbours are noded again
    (network.renode; issue 17: a full build after drawing one path took seconds at 10^5 paths)."""
    token = snapshot.version_of(WALK_NETWORK)
    with _graphs_lock:
        got = _graphs.get(token)
        if got is not None:
            _graphs.move_to_end(token)
            return got
        before = _graphs.get(since[0].version_of(WALK_NETWORK)) if since is not None else None
    table = snapshot.table(WALK_NETWORK)
    if before is not None and len(table):
        graph = network.WalkGraph.from_table(table, since=(before, since[1]))
    else:
        graph = network.WalkGraph.from_table(table) if len(table) else None
    graph = graph if graph is not None and graph.n_edges > 0 else None
    with _graphs_lock:
        _graphs[token] = graph
        while len(_graphs) > GRAPH_CACHE_SIZE:
            _graphs.popitem(last=False)
    return graph


def prepare_for(path) -> None:
    """Start the search workers while a district-sized plan (POOL_WARM_PATHS walking paths or more)
    is being opened, so that they are ready for its first validation. Only for a file that passes
    the store's probe, holds no view or trigger at all and whose walking layer is a plain table: a
    row count of it then runs nothing stored in a received file (a view named walk_network in an
    old-version file would run, and could run for ever). Says nothing if it cannot."""
    import sqlite3
    from contextlib import closing
    from pathlib import Path
    from . import store
    try:
        if Path(path).stat().st_size < POOL_WARM_PATHS * 100:  # a path's row is ~100 bytes or more: too few
            return
        store.probe(path)
        with closing(sqlite3.connect(store.read_uri(Path(path)), uri=True)) as db:
            db.execute("PRAGMA trusted_schema=OFF")
            stored = db.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
                                "OR name = ?", (WALK_NETWORK,)).fetchall()
            plain = [row for row in stored if row[0] == "table" and row[1] == WALK_NETWORK
                     and not str(row[2] or "").lstrip().upper().startswith("CREATE VIRTUAL")]
            if len(plain) != 1 or len(stored) != 1:
                return
            paths = db.execute(f'SELECT count(*) FROM "{WALK_NETWORK}"').fetchone()[0]
    except Exception:  # noqa: BLE001 — opening the plan says what is wrong with it, in one sentence
        return
    _search_pool(int(paths))


def _search_pool(paths: int):
    """The process's search pool, warming up, for a network of ``paths`` lines; None for a small
    one or where there is none (one CPU, a batch worker, LIFECIRCLE_SEARCH_WORKERS=0)."""
    if paths < POOL_WARM_PATHS:
        return None
    try:
        from . import search_pool
        pool = search_pool.shared_pool()
        if pool is not None:
            pool.warm()
        return pool
    except Exception:  # no pool here: every search runs in this process, as on a small plan
        return None


# --- the walking part, cached between runs ----------------------------------------------------

@dataclass
class _WalkState:
    graph: object | None = None  # network.WalkGraph, None = no walking network (straight-line fallback)
    homes: object | None = None  # network.AccessPoints of the homes
    home_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    connectors: np.ndarray = field(default_factory=lambda: np.empty(0))  # per home: its walk onto the network
    # facility type -> (distance per home (inf = none within the limit), nearest fid per home, layer)
    by_type: dict[str, tuple[np.ndarray, np.ndarray, str]] = field(default_factory=dict)
    # (facility type, fid) -> (limit, home positions within it, their distances): the 2SFCA pairs
    # of model/capacity.py, kept per facility so that moving one searches from that one only.
    reach: dict[tuple[str, int], tuple[float, np.ndarray, np.ndarray]] = field(default_factory=dict)
    sources: dict[str, object] = field(default_factory=dict)  # facility type -> its AccessPoints, as last searched
    # What rules/context.py works out from the homes and planning units alone (households per
    # home, unit masks, estimated counts, sums over homes) — kept until homes, units or settings
    # change (at 10^5 homes, working them out again cost ~40 ms a move).
    home_answers: dict = field(default_factory=dict)
    # id(rule) -> (rule, its finding as judged, before groups): reused while its inputs stand.
    findings: dict[int, tuple[Rule, Finding]] = field(default_factory=dict)
    in_scope: set[str] | None = None  # the rules written for this plan (its kind, class, area)
    access: dict = field(default_factory=dict)  # capacity type -> capacity.Access of the last run
    file_findings: dict = field(default_factory=dict)  # rules/plan_file.py: each layer's part
    touched_layers: set[str] = field(default_factory=set)  # the layers of the edit being re-validated


def _within(points: np.ndarray, around: np.ndarray, distance: float) -> np.ndarray:
    """Which of ``points`` lie within ``distance`` (straight line) of any of ``around``."""
    ok = np.isfinite(around).all(axis=1)
    if not ok.any() or len(points) == 0:
        return np.zeros(len(points), dtype=bool)
    return cKDTree(around[ok]).query_ball_point(points, distance * (1 + 1e-9) + 1e-6, return_length=True) > 0


def _joined(a: network.AccessPoints, b: network.AccessPoints) -> network.AccessPoints:
    """The owners of ``a`` then those of ``b`` (none in both), with their access points."""
    snaps = network.Snaps(*(np.concatenate([getattr(a.snaps, f), getattr(b.snaps, f)])
                            for f in ("edge", "along", "point", "connector")))
    return network.AccessPoints(np.concatenate([a.owners, b.owners]), np.concatenate([a.index, b.index + len(a.owners)]),
                                np.concatenate([a.xy, b.xy]), snaps)


def _connectors(homes: network.AccessPoints) -> np.ndarray:
    """Per home (in ``homes.owners`` order): the shortest walk from one of its access points onto
    the network; inf when none reaches it (a home far from every path, or all gates closed)."""
    out = np.full(len(homes.owners), np.inf)
    if len(homes):
        np.minimum.at(out, homes.index, homes.snaps.connector)
    return out


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
        self._run_access: dict | None = None

    # --- public ---------------------------------------------------------------------------------
    def rules(self, snapshot: Snapshot) -> list[Rule]:
        enabled = set(snapshot.rule_packs)
        return [r for p in self.packs if p.id in enabled for r in p.rules]

    def full(self, snapshot: Snapshot) -> Results:
        with no_gc():  # a district's millions of row objects: ~0.4 s of full scans at 10^6 edges
            return self._full(snapshot)

    def _full(self, snapshot: Snapshot) -> Results:
        self._walk = _WalkState()
        self._run_access = {}  # a layer's access points, snapped once for every type of this run
        try:
            return self._full_run(snapshot)
        finally:
            self._run_access = None

    def _full_run(self, snapshot: Snapshot) -> Results:
        pool = _search_pool(len(snapshot.table(WALK_NETWORK)))  # warming up while the graph is built
        self._build_graph(snapshot)
        types = self._walk_types(snapshot)
        if pool is not None and self._walk.graph is not None and self._walk.graph.n_nodes >= POOL_MIN_NODES:
            # A district: each type's search goes to a worker process as soon as its facilities are
            # snapped, and this process snaps the homes meanwhile (issue 17: at 10^6 edges the eight
            # searches, 2.4 s, and the homes, 1.1 s, ran one after the other on one of two cores).
            started = {t: self._start_search(snapshot, t, pool) for t in types}
            self._build_homes(snapshot)
            for t in types:
                self._distances_for(snapshot, t, started[t])
        else:
            self._build_homes(snapshot)
            for t in types:
                self._distances_for(snapshot, t)
        self._last = snapshot
        return self._evaluate(snapshot)

    def update(self, snapshot: Snapshot, changes: ChangeSet) -> Results:
        """Re-validate after ``changes`` (since the previous run): only what they touch is recomputed."""
        if self._last is None or self._last.scenario != snapshot.scenario or \
                self._last.community_kind != snapshot.community_kind or self._walk.homes is None or \
                self._last.settings != snapshot.settings:
            return self.full(snapshot)
        layers = changes.layers()
        if WALK_NETWORK in layers:
            # The graph itself changed: node again only the paths edited (walk_graph), then the rest in full.
            walk_graph(snapshot, since=(self._last, changes.touched(WALK_NETWORK)))
            return self.full(snapshot)
        if "rules" in layers or self._last.rule_packs != snapshot.rule_packs or \
                self._last.overrides != snapshot.overrides:
            # Another pack set or a district's own threshold (model/edits.py SetRulePacks,
            # SetOverride): new packs may name new facility types and an override may change a
            # walking limit — rare, so everything again. A checklist answer needs no distances.
            return self.full(snapshot)
        dirty: set[str] | None = None  # the facility types whose rules are judged again; None: every rule
        self._walk.touched_layers = layers
        if ENTRANCES in layers or RESIDENTIAL in layers or PLANNING_UNITS in layers:
            # Access points of homes (and maybe facilities) moved: recompute every type's distances.
            self._build_homes(snapshot)
            self._walk.by_type.clear()
            self._walk.reach.clear()
        else:
            touched = self._touched_types(self._last, snapshot, changes)
            dirty = touched if self._last.manual_answers == snapshot.manual_answers else None
            for t in touched:
                layer = STOPS if t in STOP_LAYER_TYPES else FACILITIES
                if not self._update_distances(snapshot, t, changes.touched(layer)):
                    self._walk.by_type.pop(t, None)  # searched in full below
            touched_fids = changes.touched(FACILITIES) | changes.touched(STOPS)
            for key in [k for k in self._walk.reach if k[1] in touched_fids]:
                del self._walk.reach[key]
        wanted = self._walk_types(snapshot)
        for t in wanted - set(self._walk.by_type):
            self._distances_for(snapshot, t)
        for t in set(self._walk.by_type) - wanted:
            del self._walk.by_type[t]
        self._last = snapshot
        return self._evaluate(snapshot, dirty)

    def reachable(self, snapshot: Snapshot, layer: str, fid, limit_m: float) -> list[BaseGeometry]:
        """The walking network reachable within ``limit_m`` from one facility, or from any of
        several (``fid`` a list: one search from all at once, the union of their networks), for
        the map overlay."""
        graph = self._walk.graph if self._last is not None else None
        if graph is None:
            return []
        fids = [fid] if isinstance(fid, (int, np.integer)) else list(fid)
        features = snapshot.layers[layer]
        footprints = {int(f): features[int(f)].geometry for f in fids if int(f) in features}
        if not footprints:
            return []
        sources = network.access_points(footprints, self._entrances_of(snapshot, layer), graph)
        return graph.reachable_edges(sources, limit_m)

    def reachable_from(self, snapshot: Snapshot, keys, limit_m: float) -> list[BaseGeometry]:
        """The walking network within ``limit_m`` of any of ``keys`` ((layer, fid) of facilities
        or stops): the network of every facility of a walking rule's types."""
        by_layer: dict[str, list[int]] = {}
        for layer, fid in keys:
            by_layer.setdefault(layer, []).append(int(fid))
        return [line for layer, fids in by_layer.items() for line in self.reachable(snapshot, layer, fids, limit_m)]

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
        self._walk.graph = walk_graph(snapshot)

    @staticmethod
    def _entrances_of(snapshot: Snapshot, layer: str) -> list[tuple[int, BaseGeometry, bool]]:
        return [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snapshot.features(ENTRANCES)
                if e.get("layer") == layer and e.get("feature") is not None]

    def _build_homes(self, snapshot: Snapshot) -> None:
        """Every home's access points; each walking rule then counts the homes of the unit it
        names (rules/context.py ``home_mask``)."""
        homes = snapshot.table(RESIDENTIAL)  # columns: no Feature per home (issue 17)
        self._walk.home_ids = np.array(homes.fids, dtype=np.int64)
        self._walk.homes = self._access((homes.fids, homes.geometry), self._entrances_of(snapshot, RESIDENTIAL))
        self._walk.connectors = _connectors(self._walk.homes) if self._walk.graph is not None \
            else np.full(len(homes), np.nan)
        self._walk.home_answers = {}
        self._walk.findings.clear()

    def _access(self, footprints, entrances):
        return network.access_points(footprints, entrances, self._walk.graph)

    def _sources_of(self, snapshot: Snapshot, facility_type: str) -> tuple[str, network.AccessPoints | None]:
        """The layer of a facility type and the access points of its facilities (None: none)."""
        layer = STOPS if facility_type in STOP_LAYER_TYPES else FACILITIES
        # The layer's columns: a Feature per facility for each of ~30 types cost ~0.4 s at 10^6 edges.
        table = snapshot.table(layer)
        of_type = np.asarray(table.column("type") == facility_type, dtype=bool) if len(table) else \
            np.zeros(0, dtype=bool)
        if not of_type.any():
            return layer, None
        if self._run_access is None:
            return layer, self._access((table.fids[of_type], table.geometry[of_type]), self._entrances_of(snapshot, layer))
        # A full run snaps a layer's facilities in one call, then takes each type's (issue 17: one
        # call per type cost ~0.1 s each for 10^4 facilities at 10^6 edges; a facility's snap does not
        # depend on the others).
        if layer not in self._run_access:
            self._run_access[layer] = self._access((table.fids, table.geometry), self._entrances_of(snapshot, layer))
        return layer, self._run_access[layer].subset(of_type)

    def _start_search(self, snapshot: Snapshot, facility_type: str, pool) -> tuple:
        """(layer, sources, the search from them begun in ``pool``) of a facility type."""
        layer, sources = self._sources_of(snapshot, facility_type)
        if sources is None:
            return layer, None, None
        return layer, sources, self._walk.graph.start_search(sources, self.search_limit_m, pool)

    def _distances_for(self, snapshot: Snapshot, facility_type: str, started: tuple | None = None) -> None:
        layer, sources, found = started if started is not None else (*self._sources_of(snapshot, facility_type), None)
        n = len(self._walk.home_ids)
        if sources is None or n == 0:
            self._walk.by_type[facility_type] = (np.full(n, np.inf), np.full(n, -1, dtype=np.int64), layer)
            self._walk.sources.pop(facility_type, None)
            return
        self._walk.sources[facility_type] = sources
        if self._walk.graph is None:
            dist, nearest = network.straight_line_nearest(sources, self._walk.homes, self.search_limit_m)
        else:
            dist, nearest = self._walk.graph.nearest(sources, self._walk.homes, self.search_limit_m, found)
        self._walk.by_type[facility_type] = (np.asarray(dist, dtype=float), np.asarray(nearest, dtype=np.int64), layer)

    def _update_distances(self, snapshot: Snapshot, facility_type: str, changed: set[int]) -> bool:
        """The distances per home to ``facility_type`` again after its facilities among ``changed``
        (fids) were added, moved, retyped or deleted, searching only where they can change (issue
        17: the full search for every home cost 356 ms a move at 10^6 edges):

        - a home whose nearest is another facility can only get nearer, to a changed one where it
          stands now: one search from those, bounded by the limit, for the homes within the limit
          of them (a walk is never shorter than the straight line between its ends);
        - a home whose nearest was a changed facility gets the search from every facility of the
          type within the limit of it (the others cannot reach it within the limit).

        The same distances as a full search (ties between facilities at one distance may name
        another of them). False when there is nothing to start from: the caller searches in full."""
        graph, before = self._walk.graph, self._walk.by_type.get(facility_type)
        if graph is None or before is None or facility_type not in self._walk.sources:
            return False
        old_dist, old_near, layer = before
        changed_fids = np.fromiter(changed, dtype=np.int64, count=len(changed))
        # The type's access points: those of the unchanged facilities as last searched, and the
        # changed ones that are of the type now, snapped again (snapping all cost 70 ms at 10^4).
        features = snapshot.layers[layer]
        now_of_type = {int(f): features[int(f)].geometry for f in changed_fids.tolist()
                       if int(f) in features and features[int(f)].get("type") == facility_type}
        last = self._walk.sources[facility_type]
        sources = _joined(last.subset(~np.isin(last.owners, changed_fids)),
                          self._access(now_of_type, self._entrances_of(snapshot, layer)))
        if len(sources.owners) == 0:
            return False
        homes, limit = self._walk.homes, self.search_limit_m
        dist, near = old_dist.copy(), old_near.copy()
        lost = np.isin(old_near, changed_fids)
        if lost.any():
            home_rows = lost[homes.index]
            close = _within(sources.xy, homes.xy[home_rows], limit)
            owners = np.zeros(len(sources.owners), dtype=bool)
            owners[sources.index[close]] = True
            dist[lost], near[lost] = graph.nearest(sources.subset(owners), homes.subset(lost), limit)
        now = sources.subset(np.isin(sources.owners, changed_fids))
        if len(now):
            reach = np.zeros(len(homes.owners), dtype=bool)
            reach[homes.index[homes.near(now.xy[now.snaps.snapped], limit)]] = True
            reach &= ~lost  # already searched from every facility
            if reach.any():
                d, s = graph.nearest(now, homes.subset(reach), limit)
                at = np.flatnonzero(reach)
                nearer = d < dist[at]
                dist[at[nearer]], near[at[nearer]] = d[nearer], s[nearer]
        self._walk.by_type[facility_type] = (dist, near, layer)
        self._walk.sources[facility_type] = sources
        return True

    # --- evaluation -----------------------------------------------------------------------------
    def _evaluate(self, snapshot: Snapshot, dirty: set[str] | None = None) -> Results:
        """Judge the rules; with ``dirty`` (after an edit of facilities or stops only: their types
        before and after), a rule that reads none of those types keeps its last finding."""
        context = Context(snapshot, self.catalogue, self._walk.home_ids, self._walk.by_type,
                          approximate=self._walk.graph is None, connectors=self._walk.connectors,
                          home_answers=self._walk.home_answers)
        judged = self._walk.findings
        if dirty is None:
            judged.clear()

        def judge(rule: Rule, pack: Pack) -> Finding:
            kept = judged.get(id(rule))
            if kept is not None and kept[0] is rule and not _reads_types(rule, dirty):
                return kept[1]
            found = _judge(rule, pack, context)
            judged[id(rule)] = (rule, found)
            return found
        by_id = {p.id: p for p in self.packs}
        # In the plan's order of packs (as the CLI loads them), whatever packs the validator knows.
        rules = [(pack, rule) for pack in (by_id[i] for i in dict.fromkeys(snapshot.rule_packs) if i in by_id)
                 for rule in pack.rules]
        # A reading for another community kind, class or area is never the one a group applies
        # (the packs, settings and overrides it reads re-run everything when they change).
        if dirty is None or self._walk.in_scope is None:
            self._walk.in_scope = {rule.id for pack in self.packs if pack.id in snapshot.rule_packs
                                   for rule in pack.rules
                                   if context.terms(rule) is not None and _out_of_scope(rule, context) is None}
        in_scope = self._walk.in_scope
        # Capacity rules come second: their 2SFCA runs at the walking limit the applied walking
        # findings judge the type by (catchments.walk_limit), so those are judged first.
        first = {i: judge(rule, pack) for i, (pack, rule) in enumerate(rules) if rule.kind != "capacity_coverage"}
        context.access = self._capacity(snapshot, _walk_readings(list(first.values()), in_scope), context, dirty)
        findings = [first[i] if i in first else judge(rule, pack) for i, (pack, rule) in enumerate(rules)]
        findings = apply_groups(findings, in_scope)
        # Rows to fix, named (design.md §2); a layer's part kept while the layer is not touched.
        findings += plan_file.findings(snapshot, self.catalogue, kept=self._walk.file_findings,
                                       touched=None if dirty is None else self._walk.touched_layers)
        return Results(snapshot.scenario, findings, self._walk.home_ids.copy(), dict(self._walk.by_type),
                       context.households, approximate=self._walk.graph is None,
                       search_limit_m=self.search_limit_m, version=snapshot.version,
                       connectors=self._walk.connectors.copy(), access=context.access)

    def _capacity(self, snapshot: Snapshot, findings: list[Finding], context: Context,
                  dirty: set[str] | None = None) -> dict[str, capacity.Access]:
        """The 2SFCA of every type with a capacity whose walking limit a finding sets (issue 15):
        pairs within the limit are searched only for facilities not already cached (after one
        facility moved: that one), the ratios are sums over them; a type not in ``dirty`` (the
        types an edit of facilities touched) at the same limit keeps its last answer."""
        out: dict[str, capacity.Access] = {}
        if self._walk.homes is None:
            return out
        kept, self._walk.access = (self._walk.access if dirty is not None else {}), out
        table = None  # the facilities as columns: a Feature per facility cost ~0.1 s at 10^6 edges (issue 17)
        for t in capacity.CAPACITY_KINDS:
            got = self._walk.by_type.get(t)
            limit = limit_of(findings, t) if got is not None else None
            if limit is None:
                continue
            if dirty is not None and t not in dirty and t in kept and kept[t].limit_m == limit:
                out[t] = kept[t]
                continue
            if table is None:
                table = snapshot.table(FACILITIES)
                types = table.column("type")
            layer = got[2]
            of_type = np.flatnonzero(types == t) if len(table) else np.zeros(0, dtype=np.int64)
            fids = table.fids[of_type]
            reach = self._walk.reach
            stale = {fid for fid in fids.tolist() if reach.get((t, fid), (None,))[0] != limit}
            if stale:
                # The access points the nearest search just used (snapping them again cost 4 ms a move).
                sources = self._walk.sources.get(t)
                if sources is None or not stale <= set(sources.owners.tolist()):
                    sources = self._access((fids, table.geometry[of_type]), self._entrances_of(snapshot, layer))
                for fid, (homes, dist) in capacity.reach(self._walk.graph, sources, self._walk.homes, limit,
                                                         only=stale).items():
                    reach[(t, fid)] = (limit, homes, dist)
            pairs = {fid: reach[(t, fid)][1:] for fid in fids.tolist()}
            out[t] = capacity.access_of(t, layer, limit, fids,
                                        capacity.supply(t, table, of_type, self.catalogue, snapshot.settings),
                                        pairs, context.household_weights, snapshot.settings)
        return out


# What each evaluator kind reads (issue 17: judging every rule again cost 837 ms a facility move at
# 10^6 edges). Every kind reads the settings, overrides, packs and community kind — a change to any
# of them re-runs everything (Validator.update) — and most read the homes and planning units (an
# edit of those judges every rule again). Of the facilities and stops, a kind reads only:
#   walk_coverage, capacity_coverage  the distances / 2SFCA of its facility types;
#   facility_area, presence           the facilities of its types (alternatives' types included);
#   ratio                             the facilities of its sides' types — every facility when a
#                                     side sums facilities without naming types;
#   scale, manual                     none (the homes and units; the planner's answers).
# A kind not listed here is judged every run.
_READS_FACILITIES_OF_ITS_TYPES = frozenset({"walk_coverage", "capacity_coverage", "facility_area", "presence", "ratio"})
_READS_NO_FACILITY = frozenset({"scale", "manual"})


def _reads_types(rule: Rule, types: set[str] | None) -> bool:
    """Whether the rule's finding may change when facilities or stops of ``types`` change (None:
    anything may have changed)."""
    if types is None:
        return True
    if rule.kind in _READS_NO_FACILITY:
        return False
    if rule.kind not in _READS_FACILITIES_OF_ITS_TYPES:
        return True
    if rule.kind == "ratio" and any(side.get("layer", FACILITIES if "types" in side else RESIDENTIAL) == FACILITIES
                                    and not side.get("types") for side in
                                    (rule.params.get("numerator", {}), rule.params.get("denominator", {}))):
        return True
    return not types.isdisjoint(rule.facility_types)


def _judge(rule: Rule, pack: Pack, context: Context) -> Finding:
    """The rule's finding: n/a for a community kind it has no threshold for, or for a community
    class or part of Shanghai it is not written for (the plan's settings); else its kind's
    evaluator — block by block for a block-level rule — with a district's own threshold said in
    the message, and a low-confidence source's verdict reported as informative."""
    scope = _out_of_scope(rule, context)
    if scope is not None:
        return _as_sourced(out_of_scope(rule, pack, *scope), rule, context)
    terms = context.terms(rule)
    if terms is None:
        return _as_sourced(not_applicable(rule, pack, context.snapshot.community_kind), rule, context)
    if rule.unit_kind == "block" and rule.kind != "manual":
        found = _per_block(rule, pack, context)
    elif rule.kind in ("manual", "scale") or context.unit(rule.unit_kind) is not None or \
            not context.snapshot.layers[PLANNING_UNITS]:
        found = EVALUATORS[rule.kind](rule, pack, context)
    elif rule.unit_kind == "15min":
        found = _on_whole_plan(EVALUATORS[rule.kind](rule, pack, context))
    else:
        found = _unit_not_drawn(rule, pack)
    return _as_sourced(with_overrides(found, terms.overridden), rule, context)


def _out_of_scope(rule: Rule, context: Context) -> tuple[str, str] | None:
    """(setting, the plan's value) of the first class or area the rule is not written for, or None."""
    for key, values in rule.applies_to.items():
        if context.settings[key] not in values:
            return key, context.settings[key]
    return None


# Which planning unit stands in for a tier that is not drawn (issue 11: a 10-minute rule measured
# on the whole plan gave the 15-minute rule's figure a second time). A plan with no planning unit at
# all is judged as a whole. Once the planner draws units, those are the scopes: the plan's extent
# stands for the 15-minute life circle (the largest), said in the message; a smaller tier not drawn
# (5-, 10-minute circle, community) is n/a.


def _unit_not_drawn(rule: Rule, pack: Pack) -> Finding:
    zh, en = UNIT_KIND_WORDS.get(rule.unit_kind, (rule.unit_kind, rule.unit_kind))
    return finding(rule, pack, False, None, {}, [], f"未绘制{zh}规划单元，无法核算",
                   f"no {en} planning unit is drawn: it cannot be measured")


def _on_whole_plan(found: Finding) -> Finding:
    if found.status == "n/a":
        return found
    note_zh = "未绘制十五分钟生活圈规划单元，按整个规划范围计"
    # One bracket of notes: "…未达标（45/45 处住宅的户数为估算；未绘制…，按整个规划范围计）".
    zh = f"{found.message_zh[:-1]}；{note_zh}）" if found.message_zh.endswith("）") else f"{found.message_zh}（{note_zh}）"
    return replace(found, message_zh=zh,
                   message_en=f"{found.message_en}; no 15-minute life circle unit is drawn: measured on the whole plan")


def _per_block(rule: Rule, pack: Pack, context: Context) -> Finding:
    """A 居住街坊 rule holds for each block (GB 50180-2018 4.0.7: "居住街坊内集中绿地…"), so it is
    judged block by block: the worst block speaks for all, and the message says how many fall
    short. No block drawn: n/a (the whole plan is not a block, issue 11)."""
    blocks = context.unit_features("block")
    if not blocks:
        return finding(rule, pack, False, None, {}, [], "未绘制居住街坊规划单元，无法逐街坊核算",
                       "no residential block unit is drawn: the rule is met block by block")
    found = [EVALUATORS[rule.kind](rule, pack, context.narrowed(b)) for b in blocks]
    if len(found) == 1:
        return found[0]
    threshold = context.terms(rule).threshold
    low, high = threshold.get("min"), threshold.get("max")

    def room(f: Finding) -> float:  # how far inside its band a block's value lies (negative: outside)
        if f.measured is None:
            return float("inf")
        return min(f.measured - low if low is not None else float("inf"),
                   high - f.measured if high is not None else float("inf"))

    failing = [(b, f) for b, f in zip(blocks, found) if f.status in ("fail", "warn")]
    worst = min([f for _, f in failing] or found, key=room)
    if failing:  # the blocks that fall short are what the planner must look at
        return replace(worst, message_zh=f"{len(failing)}/{len(found)} 个居住街坊未达标；最差一处：{worst.message_zh}",
                       message_en=f"{len(failing)} of {len(found)} blocks fall short; the worst: {worst.message_en}",
                       features=tuple((b.layer, b.fid) for b, _ in failing))
    return replace(worst, message_zh=f"{len(found)} 个居住街坊均达标；最接近限值一处：{worst.message_zh}",
                   message_en=f"all {len(found)} blocks meet it; the closest: {worst.message_en}")


def _as_sourced(found: Finding, rule: Rule, context: Context) -> Finding:
    """A rule quoted from a consultation draft or a secondary summary (low confidence) is
    informative unless the district turns it on (override "enforce" = 1, issue 11)."""
    if rule.confidence != "low" or found.severity == "informative":
        return found
    if context.snapshot.overrides.get((rule.id, "enforce")):
        return replace(found, overrides=(*found.overrides, ("enforce", 1.0)),
                       message_zh=f"{found.message_zh}（区级要求执行）",
                       message_en=f"{found.message_en} (enforced by the district)")
    status = "warn" if found.status == "fail" else found.status
    return replace(found, severity="informative", status=status)


SEVERITY_RANK = {"required": 0, "recommended": 1, "informative": 2}
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


def apply_groups(findings: list[Finding], in_scope: set[str] | None = None) -> list[Finding]:
    """Rules that measure one indicator form a group (issue 11: kindergarten access had three
    verdicts, the 30 m²/100 households indicator was counted twice). One reading per group is
    applied — the most binding that applies: required before recommended before informative,
    then the surer source, then the plan's order of packs — and the others are shown beside it
    as alternatives, counted in no summary. When none can be measured, a reading written for this
    plan (``in_scope``: its community kind, class and area) is applied before one that is not."""
    by_group: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        if f.group:
            by_group.setdefault(f.group, []).append(i)
    out = list(findings)
    for members in by_group.values():
        if len(members) < 2:
            continue
        applicable = [i for i in members if findings[i].status != "n/a"] or \
            [i for i in members if in_scope is None or findings[i].rule in in_scope] or members
        chosen = min(applicable, key=lambda i: (SEVERITY_RANK.get(findings[i].severity, 3),
                                                CONFIDENCE_RANK.get(findings[i].confidence, 3), i))
        others = tuple(findings[i].rule for i in members if i != chosen)
        for i in members:
            out[i] = replace(findings[i], applied=i == chosen, alternatives=others if i == chosen else ())
    return out


def _walk_readings(findings: list[Finding], in_scope: set[str]) -> list[Finding]:
    """The walking findings naming a type with a capacity, with ``applied`` set as :func:`apply_groups`
    sets it — worked out over their groups only (all findings twice cost 9 ms a re-validation)."""
    walking = [f for f in findings if f.kind == "walk_coverage" and not _CAPACITY_TYPES.isdisjoint(f.facility_types)]
    groups = {f.group for f in walking if f.group}
    alone = {id(f) for f in walking if not f.group}  # by identity: comparing Findings field by field cost 5 ms
    return apply_groups([f for f in findings if (f.group in groups if f.group else id(f) in alone)], in_scope)


_CAPACITY_TYPES = frozenset(capacity.CAPACITY_KINDS)


def validate(snapshot: Snapshot, packs: Sequence[Pack] | None = None, catalogue: Catalogue | None = None) -> Results:
    """One full validation with a fresh Validator (tests and scripts; the live loop keeps one)."""
    return Validator(packs, catalogue).full(snapshot)

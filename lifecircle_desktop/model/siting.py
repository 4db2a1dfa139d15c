"""Siting suggestions (建议选址, issue 15 points 1 and 4, design.md §14): for a failing walking rule,
the K candidate sites that together bring the most uncovered households within the rule's limit —
the maximal covering location problem (MCLP, Church & ReVelle 1974).

What a candidate covers is measured the way the validator will measure the facility dropped there:

- the facility's footprint is built first (the catalogue's minimum footprint, or the candidate
  polygon when it is large enough), and its access point is found by ``network.access_points``, as
  ``Validator._distances_for`` finds a facility's;
- the homes it could bring within the limit are the homes the finding leaves out, read from the
  validator's own Results (the rule's planning unit, reach "any"/"each", the finding's ``limit_m``),
  with their access points as the validator finds them;
- the walking distance candidate → home is the one ``WalkGraph.nearest`` computes (a virtual node
  per candidate with one-way edges to both ends of its edge, the same-edge direct walk).

So a site's promise (the households it adds) is the validator's number once it is accepted.

Speed (design.md §8): one multi-source Dijkstra from every uncovered home drops the candidates no
uncovered home reaches within the limit; the rest are measured in batches, one bounded Dijkstra
(scipy, ``min_only=False``) per batch of candidates, never one per home. The choice is greedy with
lazy evaluation (CELF, Leskovec et al. 2007: within 1 − 1/e of the optimum, as coverage is
submodular) or, for small inputs, exact (scipy.optimize.milp).

Qt-free; numpy, scipy and shapely.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from . import network
from .catalogue import Catalogue
from .edits import AddFeature
from .errors import PlanError
from .findings import Finding, Results
from .measures import default_floors
from .rules.context import Context
from .schema import BASEMAP_BUILDINGS, BASEMAP_LANDUSE, ENTRANCES, FACILITIES, LAYERS, RESIDENTIAL, STOPS, WALK_NETWORK
from .snapshot import Snapshot

# Candidate points along the walking network every 50 m: a plan setting of the suggestion, not a
# standard's figure (默认值，无公开依据); half a typical 100 m block, so each block face gets one.
DEFAULT_SPACING_M = 50.0
DEFAULT_COUNT = 3
# A facility type with no area minimum in the enabled packs is dropped as a 10 × 10 m square:
# a placeholder the planner redraws (默认值，无公开依据).
FALLBACK_FOOTPRINT_M2 = 100.0
# The exact solver (MILP, HiGHS) is used up to this many distinct candidates, when it proves the
# optimum within the time limit; beyond, greedy (CELF). Malta's 1,414 distinct land-use candidates
# took it 0.24 s (bench/bench_siting.py).
EXACT_MAX_CANDIDATES = 2000
EXACT_TIME_LIMIT_S = 2.0
# Candidates measured per Dijkstra: a (batch × nodes) distance block, 64 × 10^5 doubles ≈ 50 MB.
BATCH = 64
# The evaluator's own tolerance (rules/walk_coverage.py: ``distance <= limit + 1e-9``).
TOLERANCE_M = 1e-9
NETWORK = "network"
CANDIDATE_LAYERS = (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, "planning_units", FACILITIES, RESIDENTIAL, STOPS)
STOP_LAYER_TYPES = ("bus_stop", "metro_station")  # as model/validate.py


@dataclass(frozen=True)
class Candidates:
    """Where the planner lets a facility go: ``source`` is "network" (points along the walking
    network every ``spacing_m``), a layer of the plan (its polygons or points, ``kinds`` filtering
    its ``kind`` — or ``type`` — field), or a GeoJSON file of polygons or points."""
    source: str = NETWORK
    kinds: tuple[str, ...] = ()
    spacing_m: float = DEFAULT_SPACING_M

    @property
    def is_file(self) -> bool:
        return self.source != NETWORK and self.source not in LAYERS


@dataclass(frozen=True)
class Site:
    """One suggested site, in rank order: the footprint the facility would have, the homes it adds
    (beyond those the sites ranked before it add) and the coverage once it and those are built."""
    rank: int
    facility_type: str
    layer: str                     # where the facility goes: facilities, or stops for a stop type
    footprint: BaseGeometry
    origin: str                    # "network", "<layer> <fid>" or "<file> #<i>"
    homes: tuple[int, ...]
    households: float
    coverage_after: float          # % of the rule's households within the limit with sites 1..rank
    floors: int | None = None

    def attributes(self, language: str = "zh") -> dict:
        """The facility's attributes as ``use_site`` draws it."""
        name = f"建议选址 {self.rank}" if language.startswith("zh") else f"Suggested site {self.rank}"
        out = {"type": self.facility_type, "name": name}
        if self.layer == FACILITIES:
            out["status"] = "planned"
            if self.floors is not None:
                out["floors"] = self.floors
        return out

    def edit(self, scenario: str, language: str = "zh") -> AddFeature:
        """The one edit drawing the facility here (``PlanSession.use_site``; the desktop pushes it)."""
        return AddFeature(self.layer, self.footprint, tuple(self.attributes(language).items()), scenario)

    def to_json(self) -> dict:
        c = self.footprint.centroid
        return {"rank": self.rank, "households_added": round(self.households, 2), "homes_added": list(self.homes),
                "coverage_after": round(self.coverage_after, 2), "origin": self.origin,
                "centre": [round(c.x, 2), round(c.y, 2)], "area_m2": round(self.footprint.area, 1),
                "footprint_wkt": shapely.to_wkt(self.footprint, rounding_precision=2)}


@dataclass(frozen=True)
class Suggestion:
    """The answer for one walking finding and one facility type."""
    rule: str
    facility_type: str
    limit_m: float
    reach: str
    households_total: float        # of the rule's planning unit
    households_covered: float      # within the limit now
    households_uncovered: float    # beyond it, that a facility of the type alone could bring in
    candidates: int                # candidate sites considered
    useful: int                    # of them, those reaching some uncovered home within the limit
    method: str                    # "greedy" (CELF) or "exact" (MILP)
    footprint_m2: float
    sites: tuple[Site, ...] = ()
    notes: tuple[tuple[str, str], ...] = field(default=())  # (zh, en)

    @property
    def coverage_before(self) -> float:
        return _share(self.households_covered, self.households_total)

    def to_json(self) -> dict:
        return {"rule": self.rule, "facility_type": self.facility_type, "limit_m": round(self.limit_m, 2),
                "reach": self.reach, "households_total": round(self.households_total, 2),
                "households_covered": round(self.households_covered, 2),
                "coverage_before": round(self.coverage_before, 2),
                "households_uncovered": round(self.households_uncovered, 2),
                "candidates": self.candidates, "useful_candidates": self.useful, "method": self.method,
                "footprint_m2": round(self.footprint_m2, 1), "sites": [s.to_json() for s in self.sites],
                "notes": [{"zh": zh, "en": en} for zh, en in self.notes]}


# --- which finding, and the homes it leaves out ------------------------------------------------
FAILING = ("fail", "warn")
SEVERITY_ORDER = {"required": 0, "recommended": 1, "informative": 2}


def failing_finding(results: Results, facility_type: str, rule: str | None = None,
                    names: tuple[str, str] | None = None) -> Finding:
    """The failing walking finding a suggestion for ``facility_type`` serves: ``rule`` if given,
    else the applied one of the most binding severity, then the tightest limit. PlanError when
    there is none (one sentence; ``names``: the type's (zh, en) name for it)."""
    found = [f for f in results.findings if f.kind == "walk_coverage" and f.status in FAILING
             and facility_type in f.facility_types and f.limit_m is not None and (rule is None or f.rule == rule)]
    if not found:
        zh, en = names or (facility_type, facility_type)
        if rule is not None:
            raise PlanError(f"规则 {rule} 不是未达标的、含{zh}的步行距离规则",
                            f"rule {rule} is not a failing walking rule naming {en}")
        raise PlanError(f"没有未达标的{zh}步行距离规则，无需选址",
                        f"no walking rule for {en} fails: there is nothing to site")
    return min(found, key=lambda f: (not f.applied, SEVERITY_ORDER.get(f.severity, 3), f.limit_m, f.rule))


@dataclass(frozen=True)
class Demand:
    """The homes of the rule's unit, weighted as the evaluator weighs them."""
    home_ids: np.ndarray       # the unit's homes
    weights: np.ndarray        # their households (ones when all are 0, as the evaluator)
    covered: np.ndarray        # within the limit now
    open: np.ndarray           # beyond it, and a facility of the type alone would bring them in


def demand(snapshot: Snapshot, results: Results, rule, finding: Finding, facility_type: str,
           catalogue: Catalogue) -> Demand:
    """The rule's homes as rules/walk_coverage.evaluate counts them (its unit, its weights, reach
    any/each), from the validator's own distances."""
    context = Context(snapshot, catalogue, results.home_ids, results.distances, results.approximate, results.connectors)
    terms = context.terms(rule)
    params = terms.params if terms is not None else rule.params
    mask = context.home_mask(rule.unit_kind)
    limit = float(finding.limit_m) + TOLERANCE_M
    weights = context.household_weights[mask]
    if weights.sum() <= 0:
        weights = np.ones(len(weights))
    types = list(params["facility_types"])
    if params.get("reach", "any") == "each":
        distance = np.max([context.walking_distance([t])[mask] for t in types], axis=0)
        others = [t for t in types if t != facility_type]
        rest = np.max([context.walking_distance([t])[mask] for t in others], axis=0) if others \
            else np.zeros(int(mask.sum()))
        can = rest <= limit
    else:
        distance = context.walking_distance(types)[mask]
        can = np.ones(int(mask.sum()), dtype=bool)
    covered = distance <= limit
    return Demand(results.home_ids[mask], weights, covered, ~covered & can)


# --- candidate sites ----------------------------------------------------------------------------
def footprint_area(facility_type: str, minimum: tuple[float | None, float | None], catalogue: Catalogue) -> float:
    """The footprint (m²) a suggested facility gets: the land-area minimum, or the floor-area minimum
    over the type's default floors, whichever is larger (``PlanSession.area_minimum``)."""
    floor_min, land_min = minimum
    floors = max(default_floors(FACILITIES, facility_type, catalogue) or 1, 1)
    need = max(land_min or 0.0, (floor_min or 0.0) / floors)
    return need if need > 0 else FALLBACK_FOOTPRINT_M2


def floors_for(facility_type: str, area_m2: float, floor_min: float | None, catalogue: Catalogue) -> int:
    """The type's default floors, more when the footprint would fall short of the floor-area minimum."""
    floors = max(default_floors(FACILITIES, facility_type, catalogue) or 1, 1)
    if floor_min and area_m2 > 0 and area_m2 * floors < floor_min:
        floors = int(math.ceil(floor_min / area_m2 - 1e-9))
    return floors


def network_points(graph: network.WalkGraph, spacing_m: float):
    """Points along every walkable edge, at most ``spacing_m`` apart and none at a junction (each
    edge of length L gets ceil(L / spacing) points at the middles of equal parts); with each
    point's unit direction along its edge."""
    if spacing_m <= 0 or not math.isfinite(spacing_m):
        raise PlanError("候选点间距必须是正数（米）", "the spacing of candidate points must be a positive number of metres")
    L = graph.length
    n = np.maximum(np.ceil(L / spacing_m), 1).astype(np.int64)
    edge = np.repeat(np.arange(graph.n_edges), n)
    part = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    along = (part + 0.5) * (L[edge] / n[edge])
    geoms = graph.edge_geometry[edge]
    xy = shapely.get_coordinates(shapely.line_interpolate_point(geoms, along))
    step = np.minimum(1.0, L[edge] / 4)
    a = shapely.get_coordinates(shapely.line_interpolate_point(geoms, np.maximum(along - step, 0)))
    b = shapely.get_coordinates(shapely.line_interpolate_point(geoms, np.minimum(along + step, L[edge])))
    d = b - a
    norm = np.hypot(d[:, 0], d[:, 1])
    norm[norm == 0] = 1.0
    return xy, d / norm[:, None]


def beside_path(xy: np.ndarray, direction: np.ndarray, area_m2: float, obstacles: Sequence[BaseGeometry]):
    """A square of ``area_m2`` beside the path at each point: one side along the path, touching it
    at the point — on whichever side meets fewer homes, facilities and buildings (left on a tie)."""
    s = math.sqrt(area_m2)
    d = direction * (s / 2)
    normal = np.column_stack([-direction[:, 1], direction[:, 0]]) * s
    tree = shapely.STRtree(np.asarray(list(obstacles) + [shapely.Point()], dtype=object)[:-1]) if obstacles else None
    sides = []
    for sign in (1.0, -1.0):
        ring = np.stack([xy - d, xy + d, xy + d + sign * normal, xy - d + sign * normal], axis=1)
        squares = shapely.polygons(ring)
        hits = np.zeros(len(xy), dtype=np.int64)
        if tree is not None and len(xy):
            q, _ = tree.query(squares, predicate="intersects")
            hits = np.bincount(q, minlength=len(xy))
        sides.append((squares, hits))
    (left, hl), (right, hr) = sides
    return np.where(hr < hl, right, left)


def sized(geoms: np.ndarray, area_m2: float) -> np.ndarray:
    """Each candidate polygon as the footprint: itself when it is at least ``area_m2`` (its largest
    part, for a multi-polygon), else a square of ``area_m2`` centred on a point inside it."""
    out = np.empty(len(geoms), dtype=object)
    s = math.sqrt(area_m2) / 2
    for i, g in enumerate(geoms):
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda p: p.area)
        if g.geom_type == "Polygon" and g.area >= area_m2:
            out[i] = g
        else:
            p = g.representative_point() if g.geom_type != "Point" else g
            out[i] = shapely.box(p.x - s, p.y - s, p.x + s, p.y + s)
    return out


def candidate_footprints(snapshot: Snapshot, graph: network.WalkGraph, candidates: Candidates, area_m2: float,
                         point_type: bool, file_geometries: Sequence[BaseGeometry] | None = None):
    """(footprints, origins): where the facility could go, as it would be drawn. ``point_type``: a
    point feature (a stop) — the point itself, or a point inside each candidate polygon."""
    if candidates.source == NETWORK:
        xy, direction = network_points(graph, candidates.spacing_m)
        origins = np.full(len(xy), NETWORK, dtype=object)
        if point_type:
            return shapely.points(xy), origins
        obstacles = [f.geometry for layer in (RESIDENTIAL, FACILITIES, BASEMAP_BUILDINGS)
                     for f in snapshot.features(layer)]
        return beside_path(xy, direction, area_m2, obstacles), origins
    if candidates.is_file:
        geoms = np.asarray(list(file_geometries or []) + [None], dtype=object)[:-1]
        name = Path(candidates.source).name
        origins = np.array([f"{name} #{i + 1}" for i in range(len(geoms))], dtype=object)
    else:
        layer = candidates.source
        if layer not in CANDIDATE_LAYERS:
            raise PlanError(f"图层 {layer} 不能作为候选地块（可选：{'、'.join(CANDIDATE_LAYERS)}）",
                            f"layer {layer} cannot hold candidate sites (choose {', '.join(CANDIDATE_LAYERS)})")
        field_name = "kind" if "kind" in LAYERS[layer].field_names else "type"
        features = [f for f in snapshot.features(layer)
                    if not candidates.kinds or f.get(field_name) in candidates.kinds]
        geoms = np.asarray([f.geometry for f in features] + [None], dtype=object)[:-1]
        origins = np.array([f"{layer} {f.fid}" for f in features], dtype=object)
    if len(geoms) == 0:
        what = f"（{'、'.join(candidates.kinds)}）" if candidates.kinds else ""
        raise PlanError(f"{candidates.source}{what} 中没有候选地块", f"{candidates.source} holds no candidate site"
                        + (f" of kind {', '.join(candidates.kinds)}" if candidates.kinds else ""))
    if point_type:
        return np.array([g if g.geom_type == "Point" else g.representative_point() for g in geoms], dtype=object), origins
    return sized(geoms, area_m2), origins


def read_candidates(plan, path) -> list[BaseGeometry]:
    """The polygons (or points) of a GeoJSON file of candidate sites, in the plan's CRS, read and
    checked as an import would be (nothing is written)."""
    from .io.geojson import geojson_import_edit
    try:
        edit = geojson_import_edit(plan, "planning_units", path)
    except PlanError as polygons:
        try:
            edit = geojson_import_edit(plan, STOPS, path)
        except PlanError:
            raise PlanError(f"候选地块文件须为多边形或点（{polygons.message_zh}）",
                            f"a candidates file holds polygons or points ({polygons.message_en})") from None
    return [geometry for geometry, _attributes in edit.rows]


# --- what each candidate covers -----------------------------------------------------------------
def _csr_min(rows, cols, w, n, n_cols: int | None = None) -> csr_matrix:
    """A CSR matrix keeping the shortest of parallel edges (a CSR built from COO would sum them)."""
    order = np.lexsort((w, cols, rows))
    rows, cols, w = rows[order], cols[order], w[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, w = rows[keep], cols[keep], w[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return csr_matrix((w, cols, indptr), shape=(n, n if n_cols is None else n_cols))


def coverage_matrix(graph: network.WalkGraph, sites: network.AccessPoints, homes: network.AccessPoints,
                    limit_m: float) -> csr_matrix:
    """Boolean (site owner × home owner): the home is within ``limit_m`` walk of the site, by
    ``WalkGraph.nearest``'s definition (a virtual node per owner with one-way edges to both ends of
    its edge, the nearer end of the other's edge, the direct walk along a shared edge). One bounded
    Dijkstra per batch of ``BATCH`` owners, from whichever side has fewer: walking has no direction,
    so a home's distance from a site is the site's from the home (Malta: 10^3 homes, 10^5 points)."""
    if len(homes.owners) < len(sites.owners):
        return _within(graph, homes, sites, limit_m).T.tocsr()
    return _within(graph, sites, homes, limit_m)


def _within(graph: network.WalkGraph, sources: network.AccessPoints, targets: network.AccessPoints,
            limit_m: float) -> csr_matrix:
    """Boolean (source owner × target owner) within ``limit_m``, as ``WalkGraph.nearest`` measures."""
    n, n_src, n_tgt = graph.n_nodes, len(sources.owners), len(targets.owners)
    limit = limit_m + TOLERANCE_M
    L = graph.length
    base = _csr_min(np.concatenate([graph.u, graph.v]), np.concatenate([graph.v, graph.u]),
                    np.concatenate([L, L]), n)
    t_rows = np.flatnonzero(targets.snaps.snapped)
    t_rows = t_rows[np.argsort(targets.index[t_rows], kind="stable")]
    te, tt, tc = targets.snaps.edge[t_rows], targets.snaps.along[t_rows], targets.snaps.connector[t_rows]
    t_owner = targets.index[t_rows]
    first = np.flatnonzero(np.r_[True, t_owner[1:] != t_owner[:-1]]) if len(t_rows) else np.zeros(0, np.int64)
    by_edge = np.argsort(te, kind="stable")
    te_sorted = te[by_edge]
    s_ok = np.flatnonzero(sources.snaps.snapped)
    out_rows, out_cols = [], []
    for start in range(0, n_src, BATCH):
        owners = np.arange(start, min(start + BATCH, n_src))
        rows_here = s_ok[np.isin(sources.index[s_ok], owners)]
        if len(rows_here) == 0 or len(t_rows) == 0:
            continue
        b = len(owners)
        e, t, c = sources.snaps.edge[rows_here], sources.snaps.along[rows_here], sources.snaps.connector[rows_here]
        local = sources.index[rows_here] - start
        # As WalkGraph._dijkstra: one virtual node per source owner, one-way edges to both ends of
        # its edges, as rows appended below the base rows (built once).
        extra = _csr_min(np.concatenate([local, local]), np.concatenate([graph.u[e], graph.v[e]]),
                         np.concatenate([c + t, c + (L[e] - t)]), b, n)
        matrix = csr_matrix((np.concatenate([base.data, extra.data]),
                             np.concatenate([base.indices, extra.indices]),
                             np.concatenate([base.indptr, base.indptr[-1] + extra.indptr[1:]])), shape=(n + b, n + b))
        dist = dijkstra(matrix, directed=True, indices=n + np.arange(b), limit=limit, min_only=False)[:, :n]
        via_u = dist[:, graph.u[te]] + tt
        via_v = dist[:, graph.v[te]] + (L[te] - tt)
        d = np.where(via_u <= via_v, via_u, via_v) + tc
        # A source and a target on the same edge: the direct walk along it (WalkGraph._same_edge).
        lo = np.searchsorted(te_sorted, e, "left")
        hi = np.searchsorted(te_sorted, e, "right")
        for k in np.flatnonzero(hi > lo):
            same = by_edge[lo[k]:hi[k]]
            direct = c[k] + np.abs(t[k] - tt[same]) + tc[same]
            d[local[k], same] = np.minimum(d[local[k], same], direct)
        # Each target owner takes its best access point (most have one: nothing to reduce).
        best = d if len(first) == len(t_rows) else np.minimum.reduceat(d, first, axis=1)
        r, col = np.nonzero(best <= limit)
        out_rows.append(start + r)
        out_cols.append(t_owner[first][col])
    rows = np.concatenate(out_rows) if out_rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(out_cols) if out_cols else np.zeros(0, dtype=np.int64)
    return csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n_src, n_tgt))


# --- choosing K sites ---------------------------------------------------------------------------
def greedy(cover: csr_matrix, weights: np.ndarray, k: int) -> list[int]:
    """K rows of ``cover`` (site × home, boolean) that together cover the most weight, greedily with
    lazy evaluation (CELF): a site's gain only falls as others are chosen, so a stale gain that
    still tops the heap once recomputed is the best. Stops early when nothing more is gained; ties
    go to the lower index."""
    cover = csr_matrix(cover, dtype=bool)
    weights = np.asarray(weights, dtype=float)
    gains = cover.astype(float) @ weights
    heap = [(-g, i, 0) for i, g in enumerate(gains.tolist()) if g > 0]
    heapq.heapify(heap)
    taken = np.zeros(cover.shape[1], dtype=bool)
    chosen: list[int] = []
    while heap and len(chosen) < k:
        neg, i, round_ = heapq.heappop(heap)
        if round_ == len(chosen):
            chosen.append(i)
            taken[cover.indices[cover.indptr[i]:cover.indptr[i + 1]]] = True
            continue
        homes = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
        gain = float(weights[homes[~taken[homes]]].sum())
        if gain > 0:
            heapq.heappush(heap, (-gain, i, len(chosen)))
    return chosen


def exact(cover: csr_matrix, weights: np.ndarray, k: int, time_limit: float = EXACT_TIME_LIMIT_S) -> list[int] | None:
    """The optimum K rows by integer programming (scipy.optimize.milp): maximise Σ w_h y_h with
    y_h ≤ Σ_{sites s covering h} x_s, Σ x_s ≤ K, x binary. None when the solver does not prove an
    optimum within ``time_limit``."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import hstack, identity
    cover = csr_matrix(cover, dtype=float)
    n_sites, n_homes = cover.shape
    if n_sites == 0 or n_homes == 0:
        return []
    c = np.concatenate([np.zeros(n_sites), -np.asarray(weights, dtype=float)])
    link = hstack([-cover.T, identity(n_homes)]).tocsr()        # y_h − Σ x_s ≤ 0
    budget = csr_matrix(np.concatenate([np.ones(n_sites), np.zeros(n_homes)])[None, :])
    result = milp(c, constraints=[LinearConstraint(link, -np.inf, 0.0), LinearConstraint(budget, 0, k)],
                  integrality=np.concatenate([np.ones(n_sites), np.zeros(n_homes)]), bounds=Bounds(0, 1),
                  options={"time_limit": time_limit})
    if result.status != 0 or result.x is None:
        return None
    return [int(i) for i in np.flatnonzero(result.x[:n_sites] > 0.5)]


def covered_weight(cover: csr_matrix, weights: np.ndarray, rows: Iterable[int]) -> float:
    """The weight of the homes any of ``rows`` covers."""
    rows = list(rows)
    if not rows:
        return 0.0
    homes = np.unique(csr_matrix(cover)[rows].indices)
    return float(np.asarray(weights, dtype=float)[homes].sum())


def in_rank_order(cover: csr_matrix, weights: np.ndarray, rows: Sequence[int]) -> list[tuple[int, np.ndarray]]:
    """``rows`` ranked greedily among themselves, each with the homes it adds to those before it."""
    cover = csr_matrix(cover, dtype=bool)
    taken = np.zeros(cover.shape[1], dtype=bool)
    left, out = list(rows), []
    while left:
        def added(i):
            homes = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
            return homes[~taken[homes]]
        best = max(left, key=lambda i: (float(weights[added(i)].sum()), -i))
        homes = added(best)
        out.append((best, homes))
        taken[homes] = True
        left.remove(best)
    return out


def choose(cover: csr_matrix, weights: np.ndarray, k: int, method: str = "auto") -> tuple[list[int], str]:
    """(chosen rows, the method that chose them): "exact" on small inputs (``auto``: up to
    ``EXACT_MAX_CANDIDATES`` sites, when the solver proves its optimum in time), else "greedy"."""
    picked = greedy(cover, weights, k)
    if method == "greedy" or (method == "auto" and cover.shape[0] > EXACT_MAX_CANDIDATES):
        return picked, "greedy"
    best = exact(cover, weights, k)
    if best is None or covered_weight(cover, weights, best) <= covered_weight(cover, weights, picked) + 1e-9:
        return picked, "greedy" if best is None else "exact"  # greedy was optimal: keep its order
    return best, "exact"


# --- the whole question -------------------------------------------------------------------------
def _share(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


def _entrances(snapshot: Snapshot, layer: str):
    """As Validator._entrances_of."""
    return [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snapshot.features(ENTRANCES)
            if e.get("layer") == layer and e.get("feature") is not None]


@dataclass(frozen=True, eq=False)
class Problem:
    """One maximal covering problem, as ``suggest`` poses it: ``cover`` (distinct candidate × open
    home, boolean) with the homes' ``weights``; ``rows`` maps each row to its candidate in
    ``footprints``."""
    need: Demand
    footprints: np.ndarray
    origins: np.ndarray
    useful: int                 # candidates reaching some open home within the limit
    cover: csr_matrix
    rows: np.ndarray
    home_ids: np.ndarray        # the open homes, the columns of ``cover``
    weights: np.ndarray


def problem(snapshot: Snapshot, results: Results, rule, finding: Finding, facility_type: str, catalogue: Catalogue,
            area_m2: float, point_type: bool, candidates: Candidates = Candidates(),
            file_geometries: Sequence[BaseGeometry] | None = None, graph: network.WalkGraph | None = None) -> Problem:
    """Candidate footprints, the open homes and what each candidate covers (see the module's doc)."""
    if results.approximate:
        raise PlanError("规划没有步行网络，无法按步行距离选址", "the plan has no walking network: sites cannot be chosen by walking distance")
    if graph is None:
        graph = network.WalkGraph.from_features(snapshot.features(WALK_NETWORK))
    if graph.n_edges == 0:
        raise PlanError("规划没有步行网络，无法按步行距离选址", "the plan has no walking network: sites cannot be chosen by walking distance")
    limit = float(finding.limit_m)
    need = demand(snapshot, results, rule, finding, facility_type, catalogue)
    footprints, origins = candidate_footprints(snapshot, graph, candidates, area_m2, point_type, file_geometries)
    open_ids = need.home_ids[need.open]
    open_w = need.weights[need.open]
    empty = csr_matrix((0, len(open_ids)), dtype=bool)
    if len(open_ids) == 0 or len(footprints) == 0:
        return Problem(need, footprints, origins, 0, empty, np.zeros(0, np.int64), open_ids, open_w)
    # The open homes' access points, as the validator finds them.
    homes = network.access_points({int(h): snapshot.feature(RESIDENTIAL, int(h)).geometry for h in open_ids},
                                  _entrances(snapshot, RESIDENTIAL), graph)
    # A candidate's access point, as the validator will find the facility's (no entrance drawn yet).
    sites = network.access_points({i: g for i, g in enumerate(footprints)}, (), graph)
    # One Dijkstra from every open home: candidates none of them reaches are left out.
    useful = np.flatnonzero(np.isfinite(graph.nearest(homes, sites, limit + 1e-6).distance))
    if len(useful) == 0:
        return Problem(need, footprints, origins, 0, empty, np.zeros(0, np.int64), open_ids, open_w)
    kept = network.AccessPoints(np.arange(len(useful)), *_rows_of(sites, useful))
    cover = coverage_matrix(graph, kept, homes, limit)
    # Candidates covering the same homes (many network points do): the first stands for them.
    distinct = _distinct_rows(cover)
    return Problem(need, footprints, origins, len(useful), cover[distinct], useful[distinct], open_ids, open_w)


def suggest(snapshot: Snapshot, results: Results, rule, finding: Finding, facility_type: str,
            catalogue: Catalogue, minimum: tuple[float | None, float | None], *, count: int = DEFAULT_COUNT,
            candidates: Candidates = Candidates(), file_geometries: Sequence[BaseGeometry] | None = None,
            method: str = "auto", graph: network.WalkGraph | None = None) -> Suggestion:
    """The ``count`` sites for a facility of ``facility_type`` that together bring the most of
    ``finding``'s uncovered households within its limit. ``results`` is the validator's run on
    ``snapshot``; ``rule`` the finding's rule; ``minimum`` (floor, land) area minimum of the type."""
    if count < 1:
        raise PlanError("建议数量至少为 1", "the number of sites must be at least 1")
    if facility_type not in catalogue:
        raise PlanError(f"未知设施类型 {facility_type!r}", f"unknown facility type {facility_type!r}")
    point_type = catalogue[facility_type].geometry == "point"
    layer = STOPS if facility_type in STOP_LAYER_TYPES or point_type else FACILITIES
    area = 0.0 if point_type else footprint_area(facility_type, minimum, catalogue)
    p = problem(snapshot, results, rule, finding, facility_type, catalogue, area, point_type, candidates,
                file_geometries, graph)
    need = p.need
    total = float(need.weights.sum())
    now = float(need.weights[need.covered].sum())
    reach = (rule.params if rule is not None else {}).get("reach", "any")
    notes = list(_reach_note(reach, need))
    if minimum == (None, None) and not point_type:
        notes.append(("该设施类型在所启用的规则包中没有面积下限：按 100 m² 放置（默认值，无公开依据）",
                      "the enabled packs set no area minimum for this type: it is placed as 100 m² (a default, no published figure)"))
    chosen, how = choose(p.cover, p.weights, count, method) if p.cover.shape[0] else ([], "greedy")
    out, gained = [], 0.0
    for rank, (row, added) in enumerate(in_rank_order(p.cover, p.weights, chosen), start=1):
        i = int(p.rows[row])
        gained += float(p.weights[added].sum())
        fp = p.footprints[i]
        out.append(Site(rank, facility_type, layer, fp, str(p.origins[i]), tuple(int(h) for h in p.home_ids[added]),
                        float(p.weights[added].sum()), _share(now + gained, total),
                        None if point_type else floors_for(facility_type, fp.area, minimum[0], catalogue)))
    return Suggestion(rule=finding.rule, facility_type=facility_type, limit_m=float(finding.limit_m), reach=reach,
                      households_total=total, households_covered=now, households_uncovered=float(p.weights.sum()),
                      candidates=len(p.footprints), useful=p.useful, method=how, footprint_m2=area,
                      sites=tuple(out), notes=tuple(notes))


def _reach_note(reach: str, need: Demand):
    """With reach "each", homes still missing another of the rule's types are not counted: one
    new facility of this type alone cannot bring them within the limit."""
    blocked = int(np.sum(~need.covered & ~need.open))
    if reach == "each" and blocked:
        yield (f"该规则要求各类设施均在步行范围内：{blocked} 处住宅还缺其他类设施，新建此类设施无法使其达标，未计入",
               f"the rule needs each of its types within reach: {blocked} homes also lack another type, "
               "so a new facility of this type alone cannot bring them in and they are not counted")


def _rows_of(aps: network.AccessPoints, owners: np.ndarray):
    """(index, xy, snaps) of the access points of ``owners`` (indices into ``aps.owners``),
    re-indexed 0..len(owners)−1 in that order."""
    position = np.full(len(aps.owners), -1, dtype=np.int64)
    position[owners] = np.arange(len(owners))
    keep = np.flatnonzero(position[aps.index] >= 0)
    keep = keep[np.argsort(position[aps.index[keep]], kind="stable")]
    s = aps.snaps
    snaps = network.Snaps(s.edge[keep], s.along[keep], s.point[keep], s.connector[keep])
    return position[aps.index[keep]], aps.xy[keep], snaps


def _distinct_rows(cover: csr_matrix) -> np.ndarray:
    """Indices of the first row of each distinct set of covered homes (empty rows dropped)."""
    cover = csr_matrix(cover, dtype=bool)
    cover.sort_indices()
    seen: dict[bytes, int] = {}
    for i in range(cover.shape[0]):
        homes = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
        if len(homes):
            seen.setdefault(homes.tobytes(), i)
    return np.array(sorted(seen.values()), dtype=np.int64)


__all__ = ["Candidates", "Site", "Suggestion", "Demand", "Problem", "problem", "suggest", "failing_finding", "demand", "coverage_matrix",
           "greedy", "exact", "choose", "read_candidates", "covered_weight", "in_rank_order", "network_points", "footprint_area",
           "DEFAULT_SPACING_M", "DEFAULT_COUNT", "NETWORK"]

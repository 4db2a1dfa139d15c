"""Whether each facility has room for the homes it serves (issue 15 points 2 and 3).

Capacity (容量) of a facility: classes × places per class for a kindergarten (学位) or a nursery
(托位), beds for a care home, floor area for a community service station. Demand (需求) of a home:
its households × persons per household × the share of residents of the age the facility serves
(3—6 岁 for a kindergarten, 《完整居住社区建设指南》3.1 第2项), or for a service station the floor
area the households need (30 m² per 100 households, 《上海市完整社区建设实施方案》). Each factor is
a plan setting (model/settings.py) with its source, or "默认值，无公开依据".

The supply/demand ratio per home is the two-step floating catchment area method (2SFCA, Luo &
Wang 2003), with d the validator's own walking distances (same engine, same access points) and d0
the walking limit the plan's findings judge the type by (catchments.walk_limit):

    R_j = S_j / Σ_{k: d_kj ≤ d0} D_k          places per child within d0 of facility j
    A_i = Σ_{j: d_ij ≤ d0} R_j                places per child within d0 of home i

A home is "within reach of a place" when A_i ≥ 1: the places within its walk, shared among every
child who can walk to them, give each of its children one (A_i × demand_i ≥ demand_i).

Each facility's service population (catchments.py: the homes that reach it first, within d0) is
set against its capacity: a facility whose served homes need more than it holds is over capacity.

Qt-free; numpy only for the arithmetic. The Validator computes :class:`Access` per type and puts it
on Results (``Results.access``); :func:`facility_capacity` reads the per-facility table from there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from . import network
from .catalogue import Catalogue
from .catchments import service_population, walk_limit
from .measures import floor_area, floor_area_column, given_column
from .plan import Feature


@dataclass(frozen=True)
class CapacityKind:
    """How a facility type's capacity and its homes' demand are counted."""
    facility_type: str
    measure: str  # the facility's attribute or measure: classes, beds, floor_area
    per_unit: str | None  # the setting that turns one unit of the measure into places (None: 1)
    shares: tuple[str, ...]  # settings multiplied into persons per household (who needs the facility)
    per_100_households: str | None = None  # or: a floor area the setting gives per 100 households
    unit_zh: str = ""
    unit_en: str = ""


CAPACITY_KINDS: Mapping[str, CapacityKind] = {k.facility_type: k for k in (
    CapacityKind("kindergarten", "classes", "kindergarten_places_per_class", ("kindergarten_age_share",),
                 unit_zh="个学位", unit_en="places"),
    CapacityKind("nursery", "classes", "nursery_places_per_class", ("nursery_age_share",),
                 unit_zh="个托位", unit_en="places"),
    CapacityKind("nursing_home", "beds", None, ("elderly_age_share", "care_bed_share"),
                 unit_zh="张床位", unit_en="beds"),
    CapacityKind("elderly_care_home", "beds", None, ("elderly_age_share", "care_bed_share"),
                 unit_zh="张床位", unit_en="beds"),
    CapacityKind("community_service_station", "floor_area", None, (),
                 per_100_households="service_area_per_100_households_m2", unit_zh="平方米", unit_en="m²"),
)}


def capacity(feature: Feature, catalogue: Catalogue | None, settings: Mapping) -> float | None:
    """The facility's capacity in its kind's unit, None when its type has none or the plan does not
    say (a kindergarten with no classes entered: unknown, not zero)."""
    kind = CAPACITY_KINDS.get(feature.get("type"))
    if kind is None:
        return None
    if kind.measure == "floor_area":
        return floor_area(feature, catalogue)
    value = feature.get(kind.measure)
    if value is None:
        return None
    return float(value) * (float(settings[kind.per_unit]) if kind.per_unit else 1.0)


def demand_per_household(facility_type: str, settings: Mapping) -> float:
    """What one household needs of the type: children of the age per household (places), elderly
    needing a bed per household (beds), or service floor area per household (m²)."""
    kind = CAPACITY_KINDS[facility_type]
    if kind.per_100_households:
        return float(settings[kind.per_100_households]) / 100.0
    return float(settings["persons_per_household"]) * math.prod(float(settings[s]) for s in kind.shares)


def two_step(supply: np.ndarray, demand: np.ndarray, facility: np.ndarray, home: np.ndarray,
             n_homes: int) -> tuple[np.ndarray, np.ndarray]:
    """2SFCA (Luo & Wang 2003) over the pairs (``facility[p]``, ``home[p]``) within the limit:
    (R per facility, A per home). A facility no demand reaches has R = 0 (it serves nobody; no
    home reaches it either, so no A changes); a facility of unknown supply (NaN) counts 0."""
    supply = np.nan_to_num(np.asarray(supply, dtype=float), nan=0.0)
    reached = np.bincount(facility, weights=demand[home], minlength=len(supply))
    ratio = np.divide(supply, reached, out=np.zeros(len(supply)), where=reached > 0)
    access = np.bincount(home, weights=ratio[facility], minlength=n_homes)
    return ratio, access


@dataclass(frozen=True)
class Access:
    """One type's 2SFCA on one validation run: facilities in ``fids`` order, homes in the run's
    ``home_ids`` order."""
    facility_type: str
    layer: str
    limit_m: float
    fids: np.ndarray  # (m,) facility ids
    supply: np.ndarray  # (m,) capacity, NaN when the plan does not say
    ratio: np.ndarray  # (m,) R_j: capacity per unit of demand within the limit
    demand: np.ndarray  # (n,) per home: households × demand per household
    access: np.ndarray  # (n,) A_i
    per_household: float  # demand of one household

    @property
    def within_reach(self) -> np.ndarray:
        """Per home: A_i ≥ 1 (and some demand). A float sum of ratios may miss 1 by 1e-12."""
        return (self.access >= 1.0 - 1e-9) & (self.demand > 0)

    @property
    def unknown(self) -> int:
        """Facilities whose capacity the plan does not give (counted as 0)."""
        return int(np.isnan(self.supply).sum())


def reach(graph: network.WalkGraph | None, sources: network.AccessPoints, homes: network.AccessPoints,
          limit_m: float, only: set[int] | None = None) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """fid -> (home positions within ``limit_m``, their walking distances): the pairs d_ij ≤ d0 of
    the 2SFCA, on the validator's engine — ``WalkGraph.within_each`` (what ``nearest`` from each
    facility alone gives, in one search for all), or the straight-line fallback facility by
    facility. Positions index ``homes.owners``. ``only``: the facilities to search (the others of
    ``sources`` are skipped)."""
    if graph is not None and np.isfinite(limit_m):  # every facility in one search (network.within_each)
        wanted = np.flatnonzero([only is None or fid in only for fid in sources.owners.tolist()])
        return graph.within_each(sources, homes, limit_m, wanted)
    out = {}
    order = np.argsort(sources.index, kind="stable")
    bounds = np.searchsorted(sources.index[order], np.arange(len(sources.owners) + 1))
    for i, fid in enumerate(sources.owners.tolist()):
        if only is not None and fid not in only:
            continue
        rows = order[bounds[i]:bounds[i + 1]]
        one = network.AccessPoints(sources.owners[i:i + 1], np.zeros(len(rows), dtype=np.int64), sources.xy[rows],
                                   network.Snaps(sources.snaps.edge[rows], sources.snaps.along[rows],
                                                 sources.snaps.point[rows], sources.snaps.connector[rows]))
        # Only the homes within the limit in a straight line can be within it on foot (issue 17:
        # every home for every facility made the full run quadratic — 2 minutes at 10^6 edges).
        near, position = homes.take(homes.near(one.xy, limit_m))
        if graph is None:
            dist, _ = network.straight_line_nearest(one, near, limit_m)
        else:
            dist, _ = graph.nearest(one, near, limit_m)
        inside = np.flatnonzero(dist <= limit_m + 1e-9)
        out[int(fid)] = (position[inside], np.asarray(dist)[inside])
    return out


def supply(facility_type: str, table, rows: np.ndarray, catalogue: Catalogue | None, settings: Mapping) -> np.ndarray:
    """:func:`capacity` of the facilities at ``rows`` of the facilities' LayerTable, NaN where the
    plan does not say — from the columns (issue 17: no Feature per facility)."""
    kind = CAPACITY_KINDS[facility_type]
    if kind.measure == "floor_area":
        return floor_area_column(table, catalogue)[rows]
    given, values = given_column(table, kind.measure)
    per_unit = float(settings[kind.per_unit]) if kind.per_unit else 1.0
    return np.where(given[rows], values[rows] * per_unit, np.nan)


def access_for(facility_type: str, layer: str, limit_m: float, facilities: list[Feature],
               pairs: Mapping[int, tuple[np.ndarray, np.ndarray]], households: np.ndarray,
               catalogue: Catalogue | None, settings: Mapping) -> Access:
    """The type's :class:`Access` from the pairs within the limit (:func:`reach`) and each home's
    households (aligned with the run's homes)."""
    fids = np.array([f.fid for f in facilities], dtype=np.int64)
    capacities = np.array([np.nan if (c := capacity(f, catalogue, settings)) is None else c for f in facilities],
                          dtype=float)
    return access_of(facility_type, layer, limit_m, fids, capacities, pairs, households, settings)


def access_of(facility_type: str, layer: str, limit_m: float, fids: np.ndarray, capacities: np.ndarray,
              pairs: Mapping[int, tuple[np.ndarray, np.ndarray]], households: np.ndarray,
              settings: Mapping) -> Access:
    """:func:`access_for` of facilities given as ids and their capacities (NaN: unknown; :func:`supply`)."""
    fids = np.asarray(fids, dtype=np.int64)
    per_household = demand_per_household(facility_type, settings)
    demand = np.asarray(households, dtype=float) * per_household
    home = [pairs[fid][0] for fid in fids.tolist()]
    fac = np.repeat(np.arange(len(fids), dtype=np.int64), [len(h) for h in home])
    home = np.concatenate(home).astype(np.int64) if home else np.zeros(0, dtype=np.int64)
    ratio, access = two_step(capacities, demand, fac, home, len(demand))
    return Access(facility_type, layer, float(limit_m), fids, np.asarray(capacities, dtype=float), ratio, demand,
                  access, per_household)


@dataclass(frozen=True)
class FacilityCapacity:
    """One row of the per-facility table: whom the facility serves and whether it has room."""
    facility_type: str
    fid: int
    layer: str
    limit_m: float | None
    homes_served: int
    households_served: float  # its service population (catchments.py), in households
    capacity: float | None  # None: the plan does not say (classes or beds not entered)
    demand: float | None  # what the households served need, in the capacity's unit
    ratio: float | None  # capacity / demand of the households served (None: unknown or no demand)
    over_capacity: bool | None  # demand > capacity (None: capacity unknown)
    catchment_ratio: float | None  # R_j of the 2SFCA: capacity per unit of demand within the limit
    unit_zh: str = ""
    unit_en: str = ""

    def to_json(self) -> dict:
        return {"type": self.facility_type, "id": self.fid, "layer": self.layer, "limit_m": self.limit_m,
                "homes_served": self.homes_served, "households_served": round(self.households_served, 2),
                "capacity": _rounded(self.capacity), "demand": _rounded(self.demand), "ratio": _rounded(self.ratio),
                "over_capacity": self.over_capacity, "catchment_ratio": _rounded(self.catchment_ratio),
                "unit": self.unit_en}


def _rounded(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(float(value), places)


def facility_capacity(results, facility_type: str | None = None) -> list[FacilityCapacity]:
    """The per-facility table of a validation run (``Results``): every facility of each type
    measured — its service population (catchments.service_population, at the type's walking
    limit) and, for a type with a capacity, its capacity, the demand of the homes it serves, their
    ratio, whether it is over capacity and its 2SFCA ratio. Sorted by type, then id."""
    out = []
    types = [facility_type] if facility_type else sorted(results.distances)
    for t in types:
        if t not in results.distances:
            continue
        limit = walk_limit(results, t)
        served = service_population(results, t, limit)
        got = results.access.get(t)
        kind = CAPACITY_KINDS.get(t)
        layer = results.distances[t][2]
        fids = sorted(set(served) | (set(got.fids.tolist()) if got is not None else set()))
        for fid in fids:
            c = served.get(fid)
            households = c.households if c is not None else 0.0
            cap = need = ratio = r_j = over = None
            if got is not None:
                j = int(np.flatnonzero(got.fids == fid)[0])
                cap = None if math.isnan(got.supply[j]) else float(got.supply[j])
                need = households * got.per_household
                r_j = float(got.ratio[j]) if cap is not None else None
                if cap is not None:
                    ratio = cap / need if need > 0 else None
                    over = need > cap + 1e-9
            out.append(FacilityCapacity(t, fid, c.layer if c is not None else layer, limit,
                                        len(c.homes) if c is not None else 0, households, cap, need, ratio, over,
                                        r_j, kind.unit_zh if kind else "", kind.unit_en if kind else ""))
    return out

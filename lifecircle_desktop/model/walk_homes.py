"""The homes a walking finding leaves out, as a planner reads them (issue 16 point 4): each home
beyond the limit with its households, its walking distance to the nearest facility of the rule's
types and how far over the limit it is — worst first (households × metres over).

Read from a validation run's :class:`~.findings.Results` (the validator's own per-home distances)
and the finding's ``limit_m``; nothing is measured again here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .findings import Finding, Nearest, Results
from .schema import RESIDENTIAL

Key = tuple[str, int]


@dataclass(frozen=True)
class HomeBeyond:
    """One home beyond a walking limit."""
    fid: int
    name: str
    households: float
    distance_m: float | None  # to the nearest facility of the types; None: none within the search limit
    over_m: float             # distance − limit; with no facility within the search limit, the least it is over
    reached: bool             # False: no facility of the types within the search limit (``over_m`` is a bound)
    facility: Key | None      # the nearest facility (with reach "each": of the type farthest away)
    facility_type: str | None

    @property
    def key(self) -> Key:
        return RESIDENTIAL, self.fid

    @property
    def weight(self) -> float:
        """What the list is sorted by: households × metres over the limit."""
        return self.households * self.over_m


def homes_beyond(results: Results, finding: Finding, *, reach: str = "any",
                 names: Mapping[int, str] | None = None) -> list[HomeBeyond]:
    """The homes of a walk_coverage ``finding`` beyond its limit, worst first.

    ``reach``: the rule's "any" (the nearest facility of any of the types counts) or "each" (a home
    needs the nearest of every type within the limit: its distance is that of the type farthest
    away). ``names``: home fid -> name, for the planner's list. Empty for other findings, or when
    ``results`` has no distances for the finding's homes.
    """
    if finding.kind != "walk_coverage" or finding.limit_m is None:
        return []
    limit = float(finding.limit_m)
    index = {int(h): i for i, h in enumerate(results.home_ids.tolist())}
    types = [t for t in finding.facility_types if t in results.distances]
    names = names or {}
    rows = []
    for layer, fid in finding.features:
        if layer != RESIDENTIAL or fid not in index:
            continue
        i = index[fid]
        best_d, best_t = (-math.inf, None) if reach == "each" else (math.inf, None)
        for t in types:
            d = float(results.distances[t][0][i])
            if (d > best_d) if reach == "each" else (d < best_d):
                best_d, best_t = d, t
        if not types or (reach == "each" and len(types) < len(finding.facility_types)):
            best_d = math.inf  # a type with no distances: none of it within reach
        reached = math.isfinite(best_d)
        facility = None
        if reached and best_t is not None:
            _, near, f_layer = results.distances[best_t]
            facility = (f_layer, int(near[i]))
        over = best_d - limit if reached else max(float(results.search_limit_m) - limit, 0.0)
        rows.append(HomeBeyond(fid=int(fid), name=names.get(fid) or "",
                               households=float(results.households.get(int(fid), 0.0)),
                               distance_m=best_d if reached else None, over_m=over, reached=reached,
                               facility=facility, facility_type=best_t if reached else None))
    # Worst first: households × metres over; homes with no facility in reach before those with one.
    rows.sort(key=lambda r: (-r.weight, r.reached, -r.over_m, r.fid))
    return rows


def households_beyond(rows: list[HomeBeyond]) -> float:
    return float(np.sum([r.households for r in rows])) if rows else 0.0


def nearest_facilities(results: Results, home: int) -> list[tuple[str, Nearest]]:
    """A home's nearest facility of each type the run measured, nearest first (those with none
    within the search limit last, by type)."""
    where = np.flatnonzero(results.home_ids == home)
    if len(where) == 0:
        return []
    i = int(where[0])
    out = []
    for t, (dist, near, layer) in results.distances.items():
        d = float(dist[i])
        reached = math.isfinite(d)
        out.append((t, Nearest(int(near[i]) if reached else None, layer, round(d, 2) if reached else None)))
    out.sort(key=lambda item: (item[1].distance_m is None, item[1].distance_m or 0.0, item[0]))
    return out


__all__ = ["HomeBeyond", "homes_beyond", "households_beyond", "nearest_facilities"]

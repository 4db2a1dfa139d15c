"""Who each facility serves: its service population (issue 12's per-facility table, issue 13's
workshop catchment, issue 15's catchments in numbers).

A facility serves the homes whose nearest facility of its type, on the walking network, is this one
and lies within the walking limit of the rule that judges the type — the same nearest-facility
assignment the validator measured coverage with (``Results.distances``), so the households counted
here add up to the households the walking finding counts as covered for a rule naming one type.

Read from a validation run's :class:`~.findings.Results`; nothing is measured again here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .findings import Results


@dataclass(frozen=True)
class Catchment:
    """The homes that reach one facility first, within ``limit_m``."""
    facility_type: str
    fid: int
    layer: str
    limit_m: float | None  # None: no walking rule judges the type (every home whose nearest it is)
    homes: tuple[int, ...]
    households: float


def walk_limit(results: Results, facility_type: str) -> float | None:
    """The walking limit (m) the plan's findings judge ``facility_type`` by: the tightest limit among
    the applied walking findings that name the type (a kindergarten judged at 300 m and at 500 m
    serves, first of all, the homes within 300 m). None when no walking finding names it."""
    return limit_of(results.findings, facility_type)


def limit_of(findings, facility_type: str) -> float | None:
    """:func:`walk_limit` of a list of findings (the Validator asks before its Results exist: the
    2SFCA of model/capacity.py runs at the same limit)."""
    limits = [float(f.limit_m) for f in findings
              if f.kind == "walk_coverage" and f.applied and f.limit_m is not None
              and facility_type in f.facility_types and f.status != "n/a"]
    return min(limits) if limits else None


def service_population(results: Results, facility_type: str,
                       limit_m: float | None = None, homes_mask: np.ndarray | None = None) -> dict[int, Catchment]:
    """fid -> :class:`Catchment` for every facility of ``facility_type`` that is nearest to at least
    one home within the limit (``limit_m``; by default :func:`walk_limit`). A facility no home
    reaches first within the limit is absent (its service population is 0).
    ``homes_mask`` (over ``results.home_ids``): count only these homes — the planning unit a walking
    rule counts (rules/context ``home_mask``), so the catchments add up to that finding's covered
    households (issue 13 review: a kindergarten's headline counted homes outside the community)."""
    got = results.distances.get(facility_type)
    if got is None:
        return {}
    if limit_m is None:
        limit_m = walk_limit(results, facility_type)
    dist, near, layer = got
    within = np.isfinite(dist) if limit_m is None else dist <= limit_m
    if homes_mask is not None:
        within = within & np.asarray(homes_mask, dtype=bool)
    homes = results.home_ids[within].tolist()
    owners = near[within].tolist()
    served: dict[int, list[int]] = {}
    for home, owner in zip(homes, owners):
        served.setdefault(int(owner), []).append(int(home))
    return {fid: Catchment(facility_type, fid, layer, limit_m, tuple(hs),
                           float(sum(results.households.get(h, 0.0) for h in hs)))
            for fid, hs in served.items()}


def service_populations(results: Results) -> dict[tuple[str, int], Catchment]:
    """(layer, fid) -> Catchment for every facility of every type the run measured, each at its
    type's :func:`walk_limit`. A facility of several types is listed under the first type measured."""
    out: dict[tuple[str, int], Catchment] = {}
    for facility_type in results.distances:
        for fid, c in service_population(results, facility_type).items():
            out.setdefault((c.layer, fid), c)
    return out


def households_covered(results: Results, facility_type: str, limit_m: float) -> float:
    """Households whose nearest ``facility_type`` is within ``limit_m`` — what the catchments of all
    facilities of the type add up to."""
    got = results.distances.get(facility_type)
    if got is None:
        return 0.0
    dist = got[0]
    return float(sum(results.households.get(int(h), 0.0)
                     for h, d in zip(results.home_ids.tolist(), dist.tolist()) if math.isfinite(d) and d <= limit_m))

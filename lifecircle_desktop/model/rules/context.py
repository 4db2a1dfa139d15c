"""One validation run: what the evaluator kinds ask of a snapshot, each worked out once per run.

The Validator (model/validate.py) builds a Context from the snapshot and its cached walking
distances; the evaluators read it and never change it. No Qt, no database (style.md §3).
"""
from __future__ import annotations

import copy
from itertools import repeat
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..catalogue import Catalogue
from ..measures import estimated, given_column, households, measure, measure_column
from ..plan import Feature
from ..schema import FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS
from ..snapshot import Snapshot

if TYPE_CHECKING:
    from .packs import Rule

THRESHOLD_KEYS = ("min", "max")


def planning_unit(snapshot: Snapshot, unit_kind: str) -> BaseGeometry | None:
    """The planning unit of ``unit_kind`` (the union when several are drawn), None when none is."""
    units = [u.geometry for u in snapshot.features(PLANNING_UNITS) if (u.get("kind") or "community") == unit_kind]
    if not units:
        return None
    return units[0] if len(units) == 1 else shapely.union_all(units)


def lying_in(unit: BaseGeometry, features: list[Feature]) -> list[Feature]:
    """The features lying in the unit: a point on their surface is inside (vectorised)."""
    if not features:
        return features
    geoms = np.empty(len(features), dtype=object)
    geoms[:] = [f.geometry for f in features]
    inside = shapely.intersects(unit, shapely.point_on_surface(geoms))
    return [f for f, ok in zip(features, inside) if ok]


def _in_sentence(name: str) -> str:
    """A catalogue name inside an English sentence: "0 public toilet found", not "0 Public toilet"
    (an acronym such as "ATM" keeps its capitals)."""
    return name[:1].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


class Terms(NamedTuple):
    """A rule's parameters and threshold for the plan's community kind, a district's overrides applied."""
    params: dict
    threshold: dict  # {"min": ..., "max": ...}, either or both
    overridden: tuple[tuple[str, float], ...]  # (key, value) of the district's own values used, sorted


class Context:
    """What the rules of one run may ask: the planning units and what lies in them, sums of measures,
    the homes and their walking distances. Each answer is computed once and kept for the run."""

    def __init__(self, snapshot: Snapshot, catalogue: Catalogue, home_ids: np.ndarray,
                 distances: Mapping[str, tuple[np.ndarray, np.ndarray, str]], approximate: bool,
                 connectors: np.ndarray | None = None, home_answers: dict | None = None):
        """``home_ids``: every home of the plan (each walking rule counts those of the unit it
        names: :meth:`home_mask`); ``distances``: facility type -> (walking distance per home,
        inf = none within the search limit; nearest fid per home; layer); ``approximate``:
        straight-line fallback, no network; ``connectors``: per home, its shortest walk onto the
        network (inf: none within reach, NaN: no network); ``home_answers``: a dict the caller
        keeps between runs while the homes, planning units and settings stay as they are — the
        answers worked out from those alone (households, unit masks, estimated counts) are kept
        in it instead of being worked out every run."""
        self.snapshot = snapshot
        self.catalogue = catalogue
        self.settings = snapshot.settings
        self.home_ids = home_ids
        self.distances = distances
        self.approximate = approximate
        self.connectors = connectors if connectors is not None else np.full(len(home_ids), np.nan)
        shared = {} if home_answers is None else home_answers
        # The homes as columns when they are the rows of ``home_ids`` (issue 17: one Feature per
        # home for households, estimate flags and sums cost ~2 s a full run at 10^5 homes).
        self._homes = _home_columns(snapshot, home_ids)
        # A point on the surface of every home: kept with the home answers, for the masks of the
        # blocks a block-level rule is judged in, every run (~0.1 s at 10^5 homes, issue 17).
        self._home_points: list = shared.setdefault("home_points", [None])
        self._home_measures: dict = shared.setdefault("home_measures", {})  # measure -> per home
        self._home_columns: dict = shared.setdefault("given", {})  # attribute -> (table, set?, value) per home
        if "households" not in shared:
            if self._homes is not None:
                weights = self.home_values("households")
                shared["households"] = dict(zip(home_ids.tolist(), weights.tolist()))
            else:
                shared["households"] = {int(f.fid): households(f, self.settings) for f in
                                        (snapshot.feature(RESIDENTIAL, int(h)) for h in home_ids)}
                weights = np.array([shared["households"][int(h)] for h in home_ids.tolist()], dtype=float)
            shared["weights"] = weights
        self.households = shared["households"]
        self.household_weights = shared["weights"]
        self._narrowed: dict[str, Feature] = {}  # unit kind -> the one unit a per-unit run looks at
        self._overrides: dict[str, list[tuple[str, float]]] = {}
        for (rule_id, key), value in snapshot.overrides.items():
            self._overrides.setdefault(rule_id, []).append((key, value))
        self._terms: dict[int, tuple[Rule, Terms | None]] = {}
        # Answers from the homes and units alone: kept in ``home_answers`` (narrowed() copies them).
        self._units: dict[str, BaseGeometry | None] = shared.setdefault("units", {})
        self._homes_in: dict[str, list[Feature]] = shared.setdefault("homes_in", {})
        self._per_unit: dict[tuple, object] = shared.setdefault("per_unit", {})  # (what, unit kind, …) -> a mask or count
        # The facilities and stops as columns (made on first ask, shared by narrowed copies), and
        # per unit (None: the whole plan) their rows grouped by type.
        self._facility_columns: list = [None]
        self._facility_parts: dict = shared.setdefault("facility_parts", {})  # FacilityColumns' ``kept``
        self._facilities_in: dict[str | None, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._totals: dict[tuple, float] = {}
        self._nearest: dict[tuple[str, ...], np.ndarray] = {}
        self._per_run: dict = {}  # what several rules of this run read: masked arrays
        # facility type -> capacity.Access (model/capacity.py), set by the Validator before the
        # capacity rules are judged.
        self.access: dict = {}

    # --- the rule's terms -----------------------------------------------------------------------
    def terms(self, rule: Rule) -> Terms | None:
        """The rule's params and threshold for this community kind; None when it does not apply."""
        # Keyed by the object (rules with one id may differ between packs); holding the rule keeps
        # its id from being reused while the Context lives.
        got = self._terms.get(id(rule))
        if got is None:
            got = self._terms[id(rule)] = (rule, self._terms_uncached(rule))
        return got[1]

    def _terms_uncached(self, rule: Rule) -> Terms | None:
        spec = rule.for_kind(self.snapshot.community_kind)
        if spec is None:
            return None
        params, threshold = spec
        # A district's own values (design.md §3); a checklist answer has no threshold to override.
        district = self._overrides.get(rule.id) if rule.kind != "manual" else None
        if not district:
            return Terms(params, threshold, ())
        overridden = {}
        for key, value in district:
            if key in THRESHOLD_KEYS:
                threshold[key] = value
            elif key in params:
                params[key] = value
            else:
                continue  # not a key of this rule: nothing to override
            overridden[key] = value
        return Terms(params, threshold, tuple(sorted(overridden.items())))

    # --- planning units and what lies in them ---------------------------------------------------
    def unit(self, unit_kind: str) -> BaseGeometry | None:
        if unit_kind not in self._units:
            self._units[unit_kind] = planning_unit(self.snapshot, unit_kind)
        return self._units[unit_kind]

    def unit_features(self, unit_kind: str) -> list[Feature]:
        """The planning-unit features of ``unit_kind`` as drawn (they may carry a population)."""
        if unit_kind in self._narrowed:
            return [self._narrowed[unit_kind]]
        return [u for u in self.snapshot.features(PLANNING_UNITS) if (u.get("kind") or "community") == unit_kind]

    def narrowed(self, unit: Feature) -> "Context":
        """The same run looking at one planning unit of its kind only (a block-level rule is met
        block by block, not by the sum of every block, issue 11). Shares the rule terms and the
        walking arrays; whatever depends on the unit is worked out again."""
        kind = unit.get("kind") or "community"
        other = copy.copy(self)
        other._narrowed = {**self._narrowed, kind: unit}
        other._units = {**self._units, kind: unit.geometry}
        other._homes_in, other._totals, other._per_unit, other._per_run = {}, {}, {}, {}
        other._facilities_in = {k: v for k, v in self._facilities_in.items() if k != kind}
        return other

    def homes_in(self, unit_kind: str) -> list[Feature]:
        """Homes in the unit of ``unit_kind``; every home when no such unit is drawn."""
        if unit_kind not in self._homes_in:
            unit, homes = self.unit(unit_kind), self.snapshot.features(RESIDENTIAL)
            self._homes_in[unit_kind] = homes if unit is None else lying_in(unit, homes)
        return self._homes_in[unit_kind]

    def facilities(self, unit_kind: str, types: Iterable[str] | None = None) -> list[Feature]:
        """Facilities and stops in the unit of ``unit_kind``, of ``types``, as Features (the
        evaluators read :meth:`facility_rows`)."""
        return [self.snapshot.feature(layer, fid) for layer, fid in
                self.facility_pairs(self.facility_rows(unit_kind, types))]

    def facility_rows(self, unit_kind: str, types: Iterable[str] | None = None) -> np.ndarray:
        """Rows of :meth:`facility_columns` in the unit of ``unit_kind``, of ``types`` (each type
        in turn, in the layers' order; every type, in the order each first appears, when None)."""
        unit = self.unit(unit_kind)
        key = None if unit is None else unit_kind  # every kind with no unit drawn: the whole plan
        if key not in self._facilities_in:
            columns = self.facility_columns()
            rows = np.arange(len(columns.fids)) if unit is None else \
                np.flatnonzero(shapely.intersects(unit, columns.points()))
            codes = columns.codes[rows]
            order = np.argsort(codes, kind="stable")
            present, first = np.unique(codes, return_index=True)
            self._facilities_in[key] = (rows[order], np.searchsorted(codes[order], np.arange(len(columns.code_of) + 1)),
                                        present[np.argsort(first)])
        by_type, bounds, appearance = self._facilities_in[key]
        code_of = self.facility_columns().code_of
        wanted = appearance.tolist() if types is None else [code_of[t] for t in dict.fromkeys(types) if t in code_of]
        if len(wanted) == 1:
            return by_type[bounds[wanted[0]]:bounds[wanted[0] + 1]]
        return np.concatenate([by_type[bounds[c]:bounds[c + 1]] for c in wanted]) if wanted else \
            np.zeros(0, dtype=np.int64)

    def facility_columns(self) -> "FacilityColumns":
        """The facilities, then the stops, as columns (made once per run)."""
        if self._facility_columns[0] is None:
            self._facility_columns[0] = FacilityColumns(self.snapshot, self._facility_parts)
        return self._facility_columns[0]

    def facility_pairs(self, rows: np.ndarray) -> tuple[tuple[str, int], ...]:
        """(layer, fid) of each of ``rows``, for a finding to name."""
        return tuple(self.facility_columns().pairs[rows].tolist())

    def facility_measures(self, rows: np.ndarray, name: str) -> np.ndarray:
        """``measures.measure`` of each of ``rows`` (floats, row for row the Feature's)."""
        columns = self.facility_columns()
        values = columns.measures.get(name)
        if values is None:
            try:
                parts = [measure_column(t, name, self.catalogue, self.settings) for t in columns.tables]
            except (TypeError, ValueError):  # a value that is not a number: said by measure() below, if asked
                parts = [None]
            values = columns.measures[name] = np.concatenate(parts) if all(p is not None for p in parts) else False
        if values is False:  # a measure only a Feature gives
            pairs = columns.pairs[rows].tolist()
            return np.array([measure(self.snapshot.feature(layer, fid), name, self.catalogue, self.settings)
                             for layer, fid in pairs], dtype=float).reshape(-1)
        return values[rows]

    def total(self, side: Mapping, unit_kind: str) -> float:
        """Σ of one side of a ratio (``{measure, types?, layer?}``) over the unit of ``unit_kind``."""
        key = (unit_kind, side.get("layer"), side["measure"], tuple(side.get("types", ())))
        # A sum over the homes or the unit reads nothing else: kept with the other home answers.
        kept = self._per_unit if side.get("layer", FACILITIES if "types" in side else RESIDENTIAL) != FACILITIES \
            else self._totals
        if ("total", key) not in kept:
            kept[("total", key)] = self._total_uncached(side, unit_kind)
        return kept[("total", key)]

    def _total_uncached(self, side: Mapping, unit_kind: str) -> float:
        layer = side.get("layer", FACILITIES if "types" in side else RESIDENTIAL)
        if layer == "unit":
            unit = self.unit(unit_kind)
            if unit is None:
                return 0.0
            if side["measure"] == "land_area":
                return float(unit.area)
            # else the unit's population or households: those of the homes in it
        if layer != FACILITIES and self._homes is not None and side["measure"] in HOME_MEASURES:
            # The same sum, in the same order, over columns: no Feature per home.
            values = self.home_values(side["measure"])[self.home_mask(unit_kind)]
            return float(sum(values.tolist()))
        if layer == FACILITIES:  # the same sum, in the same order, over columns
            return float(sum(self.facility_measures(self.facility_rows(unit_kind, side.get("types")),
                                                    side["measure"]).tolist()))
        name, catalogue, settings = side["measure"], self.catalogue, self.settings
        return float(sum(measure(f, name, catalogue, settings) for f in self.homes_in(unit_kind)))

    # --- homes ---------------------------------------------------------------------------------
    def home_values(self, name: str) -> np.ndarray:
        """A measure of every home, aligned with ``home_ids`` (from the columns; kept with the home answers)."""
        if name not in self._home_measures:
            self._home_measures[name] = home_measure(self._homes, name, self.settings, self._home_columns)
        return self._home_measures[name]

    def home_mask(self, unit_kind: str) -> np.ndarray:
        """Which of ``home_ids`` lie in the unit of ``unit_kind`` (every home when none is drawn):
        a walking rule counts the homes of the unit it names (issue 11: all used the community's)."""
        key = ("mask", unit_kind)
        if key not in self._per_unit:
            if self.unit(unit_kind) is None:
                self._per_unit[key] = np.ones(len(self.home_ids), dtype=bool)
            elif self._homes is not None:  # lying_in over the columns, in one pass
                if self._home_points[0] is None:
                    self._home_points[0] = shapely.point_on_surface(self._homes.geometry)
                self._per_unit[key] = np.asarray(shapely.intersects(self.unit(unit_kind), self._home_points[0]),
                                                 dtype=bool)
            else:
                inside = np.array([h.fid for h in self.homes_in(unit_kind)], dtype=np.int64)
                self._per_unit[key] = np.isin(self.home_ids, inside)
        return self._per_unit[key]

    def homes_outside(self, key: tuple, mask: np.ndarray, inside: np.ndarray) -> tuple[tuple[str, int], ...]:
        """(layer, fid) of the homes of ``mask`` (over ``home_ids``) not ``inside`` (over the
        masked homes), for the finding to name. ``key`` says which reading asks (its unit, types):
        when the same homes are outside as in its last run the same tuple is given back — a facility
        move changes few homes, and making ~10^5 pairs again cost ~20 ms a rule."""
        outside = ~inside
        kept = self._per_unit.get(("outside", key))
        if kept is not None and np.array_equal(kept[0], mask) and np.array_equal(kept[1], outside):
            return kept[2]
        pairs = self._per_unit.get("pairs")
        if pairs is None:  # (layer, fid) of every home, made once: a tuple of them is then only references
            pairs = self._per_unit["pairs"] = np.empty(len(self.home_ids), dtype=object)
            pairs[:] = list(zip(repeat(RESIDENTIAL), self.home_ids.tolist()))
        named = tuple(self._masked(pairs, mask)[outside].tolist())
        self._per_unit[("outside", key)] = (mask, outside, named)
        return named

    def _masked(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``values[mask]`` of a per-home array kept for the run (``mask`` from :meth:`home_mask`),
        made once per unit: ~35 walking rules masked the same 10^5 values each (issue 17)."""
        key = ("masked", id(values), id(mask))
        got = self._per_run.get(key)
        if got is None or got[0] is not values or got[1] is not mask:
            got = self._per_run[key] = (values, mask, values if mask.all() else values[mask])
        return got[2]

    def unit_homes(self, unit_kind: str) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
        """(mask over ``home_ids``, households of the unit's homes — one each when they have none
        at all —, their sum, walk onto the network of each): what every walking rule of the unit reads."""
        key = ("homes", unit_kind)
        got = self._per_run.get(key)
        if got is None:
            mask = self.home_mask(unit_kind)
            weights = self.household_weights[mask]
            if len(weights) and weights.sum() <= 0:
                weights = np.ones(len(weights))  # homes with no households still count one each
            got = self._per_run[key] = (mask, weights, float(weights.sum()), self.connectors[mask])
        return got

    def estimated_in(self, unit_kind: str, name: str = "households") -> tuple[int, int] | None:
        """:meth:`estimated_homes` of the homes of the unit (every walking rule of a unit asks)."""
        key = ("estimated", unit_kind, name)
        if key not in self._per_unit:
            if self._narrowed and self._homes is None:  # one block, its homes as Features
                self._per_unit[key] = self.estimated_homes(self.homes_in(unit_kind), name)
            else:  # a flag per home, read once; each unit counts its mask (6 passes over 10^5 homes cost 0.7 s;
                # a block by its Features made one for every home of the plan: ~0.2 s a run at 10^4 homes)
                flags = self._per_unit.get(("flags", name))
                if flags is None and self._homes is not None:
                    flags = self._per_unit[("flags", name)] = home_estimated(self._homes, name, self._home_columns)
                elif flags is None:
                    flags = self._per_unit[("flags", name)] = np.fromiter(
                        (estimated(self.snapshot.feature(RESIDENTIAL, h), name) for h in self.home_ids.tolist()),
                        dtype=bool, count=len(self.home_ids))
                mask = self.home_mask(unit_kind)
                n = int(flags[mask].sum())
                self._per_unit[key] = (n, int(mask.sum())) if n else None
        return self._per_unit[key]

    def estimated_homes(self, homes: Iterable[Feature], name: str = "households") -> tuple[int, int] | None:
        """(homes whose ``name`` is an estimate, homes counted), None when none is estimated."""
        homes = list(homes)
        n = sum(1 for h in homes if estimated(h, name))
        return (n, len(homes)) if n else None

    # --- walking -------------------------------------------------------------------------------
    def walking_distance(self, types: Iterable[str]) -> np.ndarray:
        """Per home (aligned with ``home_ids``): the walking distance to the nearest facility of any
        of ``types``, inf when none is within the search limit. Several rules ask the same."""
        key = tuple(types)
        if key not in self._nearest:
            best = np.full(len(self.home_ids), np.inf)
            for t in key:
                got = self.distances.get(t)
                if got is not None:  # a type only a threshold table names has no distances
                    best = np.minimum(best, got[0])
            self._nearest[key] = best
        return self._nearest[key]

    def masked_distance(self, types: Iterable[str], mask: np.ndarray) -> np.ndarray:
        """:meth:`walking_distance` of the homes of ``mask`` (a :meth:`home_mask`); read-only."""
        return self._masked(self.walking_distance(types), mask)

    # --- words ----------------------------------------------------------------------------------
    def type_names(self, types: Iterable[str], zh: bool) -> str:
        """"幼儿园、托儿所" / "kindergarten, nursery": the catalogue's names of ``types``."""
        cat = self.catalogue
        names = [(cat[t].name_zh if zh else _in_sentence(cat[t].name_en)) if t in cat else t for t in types]
        return ("、" if zh else ", ").join(names)


class FacilityColumns:
    """The facilities, then the stops, as columns in the order ``snapshot.features`` gives them
    (issue 17: a Feature each for ~1.5·10^4 facilities and stops, to index and measure them, cost
    ~0.3 s a full validation at 10^6 edges). ``codes``: each row's type as a number (``code_of``);
    ``pairs``: each row's (layer, fid); ``measures``: name -> per row, filled by Context.
    ``kept``: a dict the caller keeps between runs — each layer's pairs and points on surface are
    made again only when its table is another (after a facility move, the stops' are kept)."""

    def __init__(self, snapshot: Snapshot, kept: dict | None = None):
        kept = {} if kept is None else kept
        self.tables = [snapshot.table(FACILITIES), snapshot.table(STOPS)]
        self._parts = []
        for layer, table in zip((FACILITIES, STOPS), self.tables):
            got = kept.get(layer)
            if got is None or got[0] is not table:
                pairs = np.empty(len(table), dtype=object)
                pairs[:] = list(zip(repeat(layer), table.fids.tolist()))
                got = kept[layer] = (table, pairs, [None])
            self._parts.append(got)
        self.fids = np.concatenate([t.fids for t in self.tables])
        self.geometry = np.concatenate([t.geometry for t in self.tables])
        types = [*self.tables[0].column("type").tolist(), *self.tables[1].column("type").tolist()]
        self.code_of: dict = {t: i for i, t in enumerate(dict.fromkeys(types))}  # in order of first appearance
        self.codes = np.fromiter(map(self.code_of.__getitem__, types), dtype=np.int64, count=len(types))
        self.pairs = np.concatenate([part[1] for part in self._parts])
        self.measures: dict = {}
        self._points = None

    def points(self) -> np.ndarray:
        """A point on the surface of each row: what lies in a unit (as :func:`lying_in`)."""
        if self._points is None:
            for table, _, points in self._parts:
                if points[0] is None:
                    points[0] = shapely.point_on_surface(table.geometry)
            self._points = np.concatenate([part[2][0] for part in self._parts])
        return self._points


# --- homes as columns -----------------------------------------------------------------------
# measures.py's definitions over a residential LayerTable, row for row the same floats (a home's
# default floors is 1, and a home has no land-area override: its footprint).
HOME_MEASURES = frozenset({"count", "households", "population", "floor_area", "land_area", "floors"})


def _home_columns(snapshot: Snapshot, home_ids: np.ndarray):
    """The snapshot's residential table when its rows are ``home_ids`` in order, else None."""
    table = snapshot.table(RESIDENTIAL)
    if len(table) != len(home_ids) or not np.array_equal(table.fids, home_ids):
        return None
    return table


def _given(table, name: str, cache: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(set per row, the value as a float where set) of one attribute column; ``cache``: a dict
    kept with the home answers (one column is read by several measures: 13 reads a full run)."""
    if cache is None:
        return given_column(table, name)
    kept = cache.get(name)
    if kept is None or kept[0] is not table:
        kept = cache[name] = (table, *given_column(table, name))
    return kept[1], kept[2]


def home_measure(table, name: str, settings: Mapping, cache: dict | None = None) -> np.ndarray:
    """``measures.measure(home, name)`` of every row of a residential table (``cache``: :func:`_given`'s)."""
    n = len(table)
    if name == "count":
        return np.ones(n)
    if name == "land_area":
        return shapely.area(table.geometry).astype(float)
    if name == "floors":
        given, floors = _given(table, "floors", cache)
        return np.where(given, floors, 1.0)
    if name == "floor_area":
        given, area = _given(table, "floor_area", cache)
        return np.where(given, area, shapely.area(table.geometry) * home_measure(table, "floors", settings, cache))
    if name == "households":
        given, value = _given(table, "households", cache)
        by_people, people = _given(table, "population", cache)
        out = home_measure(table, "floor_area", settings, cache) / settings["floor_area_per_household_m2"]
        out = np.where(by_people, people / settings["persons_per_household"], out)
        return np.where(given, value, out)
    if name == "population":
        given, people = _given(table, "population", cache)
        return np.where(given, people,
                        home_measure(table, "households", settings, cache) * settings["persons_per_household"])
    raise ValueError(f"not a measure of homes as columns: {name}")


def home_estimated(table, name: str, cache: dict | None = None) -> np.ndarray:
    """``measures.estimated(home, name)`` of every row: not given, or marked estimated."""
    given, _ = _given(table, name, cache)
    marked = np.zeros(len(table), dtype=bool)
    if "estimated" in table.column_names:
        marked = table.column("estimated").astype(bool)  # bool(v) per row, in C
    return ~given | marked

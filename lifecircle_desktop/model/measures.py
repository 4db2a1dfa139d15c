"""What a feature measures: floor area, land area, households, population.

One definition each, used by the validator, the attribute panel and the live label while
drawing (issue 9: the three used to disagree on a type whose default floors is 0).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import shapely

from .catalogue import Catalogue
from .plan import Feature
from .schema import FACILITIES
from .settings import DEFAULTS

# The estimates below use the plan's settings (model/settings.py: persons per household, floor
# area per household, usable share), shown with "default, no published figure" where the plan
# keeps the default: issue 11 found them hidden constants.


def default_floors(layer: str, facility_type: str | None, catalogue: Catalogue | None) -> int:
    """Floors assumed when none are given: the catalogue's for a facility type (0 for open
    spaces and stops: they have no floor area), else 1."""
    if layer == FACILITIES and catalogue is not None and facility_type in catalogue:
        return catalogue[facility_type].default_floors
    return 1


def floors(feature: Feature, catalogue: Catalogue | None = None) -> float:
    """The feature's floors: its own value, else the default of its type."""
    value = feature.get("floors")
    return float(value) if value is not None else float(default_floors(feature.layer, feature.get("type"), catalogue))


def floor_area(feature: Feature, catalogue: Catalogue | None = None) -> float:
    """Gross floor area (建筑面积): the stored override, else footprint × floors."""
    if feature.get("floor_area") is not None:
        return float(feature["floor_area"])
    return float(feature.geometry.area) * floors(feature, catalogue)


def drawn_floor_area(footprint_m2: float, facility_type: str | None,
                     catalogue: Catalogue | None) -> tuple[float, int]:
    """(floor area, floors) of a facility footprint being drawn, before it is a feature: the
    same footprint × default floors that :func:`floor_area` gives once it is saved."""
    n = default_floors(FACILITIES, facility_type, catalogue)
    return float(footprint_m2) * n, n


def land_area(feature: Feature) -> float:
    """Site area (用地面积): the stored override, else the footprint."""
    if feature.get("land_area") is not None:
        return float(feature["land_area"])
    return float(feature.geometry.area)


def households(feature: Feature, settings: Mapping = DEFAULTS) -> float:
    """A home's households: its own figure, else its population / persons per household, else its
    floor area / floor area per household (the last two are estimates: :func:`estimated`)."""
    if feature.get("households") is not None:
        return float(feature["households"])
    if feature.get("population") is not None:
        return float(feature["population"]) / settings["persons_per_household"]
    return floor_area(feature) / settings["floor_area_per_household_m2"]


def population(feature: Feature, settings: Mapping = DEFAULTS) -> float:
    if feature.get("population") is not None:
        return float(feature["population"])
    return households(feature, settings) * settings["persons_per_household"]


def estimated(feature: Feature, name: str) -> bool:
    """Whether a home's ``households`` or ``population`` is an estimate: not given, or marked
    estimated (the OSM import's floor area ÷ floor area per household, docs/import.md)."""
    return feature.get(name) is None or bool(feature.get("estimated"))


def width(feature: Feature) -> float:
    """The width of a footprint: the shorter side of its minimum rotated rectangle (a green strip
    of 8 m × 120 m is 8 m wide, whatever its orientation)."""
    rectangle = shapely.oriented_envelope(feature.geometry)
    if rectangle.geom_type != "Polygon":
        return 0.0
    xy = shapely.get_coordinates(rectangle)[:3]
    sides = [float(((xy[i + 1] - xy[i]) ** 2).sum() ** 0.5) for i in range(2)]
    return min(sides)


def measure(feature: Feature, name: str, catalogue: Catalogue, settings: Mapping = DEFAULTS) -> float:
    """A feature's measure, memoised on the (immutable) feature: re-validation reuses it. The key
    holds the settings an estimate uses, so a changed setting is never answered from the memo."""
    key = (name, settings["persons_per_household"], settings["floor_area_per_household_m2"], settings["usable_share"])
    value = feature.memo.get(key)
    if value is None:
        value = feature.memo[key] = _measure(feature, name, catalogue, settings)
    return value


def _measure(feature: Feature, name: str, catalogue: Catalogue, settings: Mapping) -> float:
    if name == "count":
        return 1.0
    if name == "floor_area":
        return floor_area(feature, catalogue)
    if name == "land_area":
        return land_area(feature)
    if name == "usable_area":
        value = feature.get("usable_area")
        return float(value) if value is not None else floor_area(feature, catalogue) * settings["usable_share"]
    if name == "households":
        return households(feature, settings)
    if name == "population":
        return population(feature, settings)
    if name == "floors":
        return floors(feature, catalogue)
    if name == "width":
        return width(feature)
    value = feature.get(name)
    return float(value) if value is not None else 0.0


# --- the same definitions over a layer's columns (model/table.py LayerTable) --------------------
# Issue 17: a Feature per facility to measure cost ~0.3 s of a full validation at 10^6 edges (10^4
# facilities). Row for row the same floats as the functions above on that row's Feature.

def given_column(table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(set per row, the value as a float where set, else 0) of one attribute column of ``table``
    (a column the layer does not have: set nowhere, as ``Feature.get`` gives None)."""
    n = len(table)
    if name not in table.column_names:
        return np.zeros(n, dtype=bool), np.zeros(n)
    column = table.column(name)
    given = np.not_equal(column, None)  # elementwise in C: 1.3 M generator steps at 10^5 homes before
    values = np.zeros(n)
    if given.any():
        values[given] = column[given].astype(float)
    return given, values


def floors_column(table, catalogue: Catalogue | None) -> np.ndarray:
    """:func:`floors` of every row."""
    given, values = given_column(table, "floors")
    if given.all():
        return values
    if table.layer == FACILITIES and catalogue is not None and "type" in table.column_names:
        types = table.column("type").tolist()
        default = {t: float(default_floors(table.layer, t, catalogue)) for t in set(types)}
        fallback = np.fromiter((default[t] for t in types), dtype=float, count=len(types))
    else:
        fallback = np.ones(len(table))
    return np.where(given, values, fallback)


def floor_area_column(table, catalogue: Catalogue | None) -> np.ndarray:
    """:func:`floor_area` of every row."""
    given, values = given_column(table, "floor_area")
    if given.all():
        return values
    return np.where(given, values, shapely.area(table.geometry).astype(float) * floors_column(table, catalogue))


# What measure() can only say of each Feature (a facility's households, population or width).
_PER_FEATURE = frozenset({"households", "population", "width"})


def measure_column(table, name: str, catalogue: Catalogue | None, settings: Mapping = DEFAULTS) -> np.ndarray | None:
    """:func:`measure` of every row of a facilities or stops table; None for a measure only a
    Feature gives (:data:`_PER_FEATURE`)."""
    if name in _PER_FEATURE:
        return None
    if name == "count":
        return np.ones(len(table))
    if name == "floor_area":
        return floor_area_column(table, catalogue)
    if name == "floors":
        return floors_column(table, catalogue)
    if name == "land_area":
        given, values = given_column(table, "land_area")
        return np.where(given, values, shapely.area(table.geometry).astype(float))
    if name == "usable_area":
        given, values = given_column(table, "usable_area")
        return np.where(given, values, floor_area_column(table, catalogue) * settings["usable_share"])
    return given_column(table, name)[1]  # an attribute: its value, 0 where not set

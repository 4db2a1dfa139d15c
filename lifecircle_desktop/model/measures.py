"""What a feature measures: floor area, land area, households, population.

One definition each, used by the validator, the attribute panel and the live label while
drawing (issue 9: the three used to disagree on a type whose default floors is 0).
"""
from __future__ import annotations

from .catalogue import Catalogue
from .plan import Feature
from .schema import FACILITIES

FLOOR_AREA_PER_HOUSEHOLD_M2 = 90.0  # used only when a home has neither households nor population
PERSONS_PER_HOUSEHOLD = 2.3  # Shanghai 7th census average household size (≈2.3)
USABLE_SHARE_OF_FLOOR_AREA = 0.7  # usable (使用面积) ≈ 70 % of gross floor area when not given


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


def households(feature: Feature) -> float:
    if feature.get("households") is not None:
        return float(feature["households"])
    if feature.get("population") is not None:
        return float(feature["population"]) / PERSONS_PER_HOUSEHOLD
    return floor_area(feature) / FLOOR_AREA_PER_HOUSEHOLD_M2


def population(feature: Feature) -> float:
    if feature.get("population") is not None:
        return float(feature["population"])
    return households(feature) * PERSONS_PER_HOUSEHOLD


def measure(feature: Feature, name: str, catalogue: Catalogue) -> float:
    """A feature's measure, memoised on the (immutable) feature: re-validation reuses it."""
    value = feature.memo.get(name)
    if value is None:
        value = feature.memo[name] = _measure(feature, name, catalogue)
    return value


def _measure(feature: Feature, name: str, catalogue: Catalogue) -> float:
    if name == "count":
        return 1.0
    if name == "floor_area":
        return floor_area(feature, catalogue)
    if name == "land_area":
        return land_area(feature)
    if name == "usable_area":
        value = feature.get("usable_area")
        return float(value) if value is not None else floor_area(feature, catalogue) * USABLE_SHARE_OF_FLOOR_AREA
    if name == "households":
        return households(feature)
    if name == "population":
        return population(feature)
    value = feature.get(name)
    return float(value) if value is not None else 0.0

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


def floors(f: Feature, catalogue: Catalogue | None = None) -> float:
    """The feature's floors: its own value, else the default of its type."""
    value = f.get("floors")
    return float(value) if value is not None else float(default_floors(f.layer, f.get("type"), catalogue))


def floor_area(f: Feature, catalogue: Catalogue | None = None) -> float:
    """Gross floor area (建筑面积): the stored override, else footprint × floors."""
    if f.get("floor_area") is not None:
        return float(f["floor_area"])
    return float(f.geometry.area) * floors(f, catalogue)


def drawn_floor_area(footprint_m2: float, facility_type: str | None,
                     catalogue: Catalogue | None) -> tuple[float, int]:
    """(floor area, floors) of a facility footprint being drawn, before it is a feature: the
    same footprint × default floors that :func:`floor_area` gives once it is saved."""
    n = default_floors(FACILITIES, facility_type, catalogue)
    return float(footprint_m2) * n, n


def land_area(f: Feature) -> float:
    """Site area (用地面积): the stored override, else the footprint."""
    if f.get("land_area") is not None:
        return float(f["land_area"])
    return float(f.geometry.area)


def households(f: Feature) -> float:
    if f.get("households") is not None:
        return float(f["households"])
    if f.get("population") is not None:
        return float(f["population"]) / PERSONS_PER_HOUSEHOLD
    return floor_area(f) / FLOOR_AREA_PER_HOUSEHOLD_M2


def population(f: Feature) -> float:
    if f.get("population") is not None:
        return float(f["population"])
    return households(f) * PERSONS_PER_HOUSEHOLD


def measure(f: Feature, name: str, catalogue: Catalogue) -> float:
    """A feature's measure, memoised on the (immutable) feature: re-validation reuses it."""
    value = f.memo.get(name)
    if value is None:
        value = f.memo[name] = _measure(f, name, catalogue)
    return value


def _measure(f: Feature, name: str, catalogue: Catalogue) -> float:
    if name == "count":
        return 1.0
    if name == "floor_area":
        return floor_area(f, catalogue)
    if name == "land_area":
        return land_area(f)
    if name == "usable_area":
        v = f.get("usable_area")
        return float(v) if v is not None else floor_area(f, catalogue) * USABLE_SHARE_OF_FLOOR_AREA
    if name == "households":
        return households(f)
    if name == "population":
        return population(f)
    v = f.get(name)
    return float(v) if v is not None else 0.0

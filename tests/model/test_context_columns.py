"""Issue 17 round 2: rules.Context reads the homes as columns (households, estimate flags, sums);
each value is measures.py's definition on the Feature, bit for bit, whatever attributes a home has.
Round 3: the facilities and stops too (which lie in a unit, of which types, in which order, their
measures and capacities)."""
from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point, box

from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.capacity import CAPACITY_KINDS, capacity, supply
from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.measures import estimated, measure
from lifecircle_desktop.model.rules.context import HOME_MEASURES, Context, home_estimated, home_measure
from lifecircle_desktop.model.settings import DEFAULTS
from lifecircle_desktop.model.snapshot import take_snapshot
from tests.model.planbuilder import grid_plan

HOMES = [  # every way a home's households and residents may be given, or not
    {"households": 120},
    {"population": 301, "estimated": True},
    {"floors": 6},
    {"floor_area": 5432.1, "floors": 3},
    {"households": 80, "population": 200},
    {},
    {"population": 77.5, "floors": 11, "estimated": False},
]


@pytest.fixture
def plan(tmp_path):
    plan = grid_plan(tmp_path / "p.gpkg")
    for k, attributes in enumerate(HOMES):
        plan.apply(AddFeature("residential", box(10 * k, 0, 10 * k + 7.3 + k, 13.1), attributes))
    return plan


@pytest.mark.parametrize("settings", [DEFAULTS, {**DEFAULTS, "persons_per_household": 2.7,
                                                  "floor_area_per_household_m2": 95.0}])
def test_home_measures_from_columns_equal_the_feature_measures(plan, settings):
    snapshot = take_snapshot(plan)
    table = snapshot.table("residential")
    homes = [snapshot.feature("residential", int(fid)) for fid in table.fids]
    assert len(homes) == len(HOMES)
    for name in sorted(HOME_MEASURES):
        want = [measure(h, name, None, settings) for h in homes]
        assert home_measure(table, name, settings).tolist() == want, name
    for name in ("households", "population"):
        assert home_estimated(table, name).tolist() == [estimated(h, name) for h in homes]
    assert np.unique(home_measure(table, "households", settings)).size >= 5  # the cases differ


# --- facilities and stops as columns (issue 17 round 3) ----------------------------------------
FACILITIES = [  # (type, footprint, attributes): every way a facility gives its figures, or not
    ("kindergarten", box(0, 0, 30, 20), {"classes": 6}),
    ("kindergarten", box(40, 0, 61.5, 17), {"floors": 2, "classes": None}),
    ("community_service_station", box(0, 30, 25, 55), {"floor_area": 420.5}),
    ("community_service_station", box(30, 30, 47, 49), {"floors": 1, "usable_area": 80.0}),
    ("community_park", box(60, 30, 110, 70), {"land_area": 1800.0}),
    ("nursing_home", box(120, 0, 150, 33), {"beds": 40, "parking_spaces": 5}),
    ("nursing_home", box(160, 0, 181, 21), {}),
    ("supermarket", box(0, 80, 33, 101), {"floors": 2}),
    ("kindergarten", box(200, 0, 230, 20), {"classes": 3, "floor_area": 900.0}),
    ("no_such_type", box(240, 0, 250, 10), {}),
]
STOPS = [("bus_stop", Point(5, 110)), ("metro_station", Point(300, 5)), ("bus_stop", Point(80, 112))]


@pytest.fixture
def facilities_plan(tmp_path):
    plan = grid_plan(tmp_path / "f.gpkg")
    for type_, footprint, attributes in FACILITIES:
        plan.apply(AddFeature("facilities", footprint, {"type": type_, **attributes}))
    for type_, point in STOPS:
        plan.apply(AddFeature("stops", point, {"type": type_}))
    # A community unit holding some of them only (the rest lie beyond x = 155).
    plan.apply(AddFeature("planning_units", box(-5, -5, 155, 120), {"kind": "community"}))
    return plan


def _context(snapshot):
    table = snapshot.table("residential")
    return Context(snapshot, load_catalogue(), np.asarray(table.fids, dtype=np.int64), {}, approximate=True)


@pytest.mark.parametrize("name", ["count", "floor_area", "land_area", "usable_area", "floors", "classes", "beds",
                                  "parking_spaces", "activity_area", "households", "population", "width"])
def test_facility_measures_from_columns_equal_the_feature_measures(facilities_plan, name):
    snapshot = take_snapshot(facilities_plan)
    context, catalogue = _context(snapshot), load_catalogue()
    rows = context.facility_rows("15min")  # no 15-minute unit drawn: every facility and stop
    features = [snapshot.feature(layer, fid) for layer, fid in context.facility_pairs(rows)]
    assert len(features) == len(FACILITIES) + len(STOPS)
    want = [measure(f, name, catalogue, snapshot.settings) for f in features]
    assert context.facility_measures(rows, name).tolist() == want


def test_facility_rows_are_the_features_in_the_unit_by_type_in_order(facilities_plan):
    snapshot = take_snapshot(facilities_plan)
    context = _context(snapshot)
    features = snapshot.features("facilities") + snapshot.features("stops")
    unit = next(u.geometry for u in snapshot.features("planning_units"))
    inside = [f for f in features if unit.intersects(f.geometry.point_on_surface())]
    assert 0 < len(inside) < len(features)
    by_type: dict = {}
    for f in inside:
        by_type.setdefault(f["type"], []).append((f.layer, f.fid))
    for types in (["kindergarten"], ["nursing_home", "kindergarten", "bus_stop"], ["hospital"], None):
        want = [p for t in (by_type if types is None else types) for p in by_type.get(t, [])]
        assert list(context.facility_pairs(context.facility_rows("community", types))) == want, types
        assert [(f.layer, f.fid) for f in context.facilities("community", types)] == want


def test_capacities_from_columns_equal_the_feature_capacities(facilities_plan):
    snapshot = take_snapshot(facilities_plan)
    table, catalogue = snapshot.table("facilities"), load_catalogue()
    for facility_type in CAPACITY_KINDS:
        rows = np.flatnonzero(table.column("type") == facility_type)
        want = [capacity(snapshot.feature("facilities", int(fid)), catalogue, snapshot.settings)
                for fid in table.fids[rows]]
        got = supply(facility_type, table, rows, catalogue, snapshot.settings).tolist()
        assert [None if np.isnan(g) else g for g in got] == want, facility_type


def test_a_block_counts_its_estimated_homes_as_their_features_do(plan):
    plan.apply(AddFeature("planning_units", box(-1, -1, 36, 20), {"kind": "block"}))  # the first few homes
    snapshot = take_snapshot(plan)
    context = _context(snapshot)
    block = next(u for u in snapshot.features("planning_units") if u["kind"] == "block")
    narrowed = context.narrowed(block)
    homes = narrowed.homes_in("block")  # Features lying in the block
    assert 0 < len(homes) < len(HOMES)
    for name in ("households", "population"):
        want = narrowed.estimated_homes(homes, name)
        assert want is not None
        assert narrowed.estimated_in("block", name) == want

"""Issue 17 round 2: rules.Context reads the homes as columns (households, estimate flags, sums);
each value is measures.py's definition on the Feature, bit for bit, whatever attributes a home has."""
from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.measures import estimated, measure
from lifecircle_desktop.model.rules.context import HOME_MEASURES, home_estimated, home_measure
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

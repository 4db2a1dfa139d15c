"""Who each facility serves (model/catchments.py): on a hand-built grid the catchments are worked
out by hand; on the demo they add up to the households the walking findings count as covered."""
import shutil

import numpy as np
import pytest

from lifecircle_desktop.model.catchments import households_covered, service_population, service_populations, walk_limit
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.session import PlanSession
from tests.model.planbuilder import facility, home
from tests.model.test_fidelity import grid, run, rule  # noqa: F401 (grid is a fixture)


def test_each_home_is_served_by_its_nearest_kindergarten_within_the_limit(grid):
    near_a, _ = home(grid, 0, 0, households=100)      # next to A
    near_b, _ = home(grid, 300, 300, households=50)   # 200 m from B along the grid, 600 m from A
    far, _ = home(grid, 0, 400, households=30)        # 400 m from both: beyond 300 m
    a = facility(grid, "kindergarten", 0, 0)
    b = facility(grid, "kindergarten", 400, 400)
    results = run(grid, rule("w", "walk_coverage", {"facility_types": ["kindergarten"], "limit_m": 300},
                             {"min": 100}, unit="%"))
    assert walk_limit(results, "kindergarten") == 300
    got = service_population(results, "kindergarten")
    assert set(got) == {a, b}
    assert (got[a].homes, got[a].households) == ((near_a,), 100)
    assert (got[b].homes, got[b].households) == ((near_b,), 50)
    assert far not in got[a].homes + got[b].homes
    # With a longer limit the far home joins whichever is nearer (equal here: one of them).
    wide = service_population(results, "kindergarten", limit_m=1000)
    assert sum(c.households for c in wide.values()) == 180


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_on_the_demo_catchments_add_up_to_the_households_covered(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    try:
        results = session.validate()
        everyone = service_populations(results)
        assert everyone
        checked = 0
        for facility_type in results.distances:
            limit = walk_limit(results, facility_type)
            if limit is None:
                continue
            caught = service_population(results, facility_type)
            assert sum(c.households for c in caught.values()) == pytest.approx(
                households_covered(results, facility_type, limit))
            for fid, c in caught.items():
                for h in c.homes:  # each home is caught by its own nearest facility, within the limit
                    n = results.nearest[h][facility_type]
                    assert n.facility == fid and n.distance_m <= limit + 0.01
            checked += 1
        assert checked >= 5
    finally:
        session.close()

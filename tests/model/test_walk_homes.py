"""The homes a walking finding leaves out (issue 16 point 4), against the validator's own per-home
distances on the demo: the rows are recomputed here from the Results arrays, independently."""
import math
import shutil

import numpy as np
import pytest

from lifecircle_desktop.model.findings import Finding, Results
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.walk_homes import homes_beyond, nearest_facilities

pytestmark = pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    yield session, session.validate()
    session.close()


def expected_rows(results: Results, finding: Finding, reach: str):
    """fid -> (distance or inf, households), from the Results arrays."""
    position = {int(h): i for i, h in enumerate(results.home_ids)}
    out = {}
    for layer, fid in finding.features:
        per_type = [results.distances[t][0][position[fid]] if t in results.distances else np.inf
                    for t in finding.facility_types]
        d = max(per_type) if reach == "each" else min(per_type)
        out[fid] = (float(d), results.households.get(fid, 0.0))
    return out


def test_the_homes_listed_are_the_findings_with_the_validators_distances(demo):
    session, results = demo
    walking = [f for f in results.findings if f.kind == "walk_coverage" and f.features]
    assert len(walking) > 20
    reached = 0
    for f in walking:
        reach = session.rule(f.rule).params.get("reach", "any")
        rows = homes_beyond(results, f, reach=reach)
        expected = expected_rows(results, f, reach)
        assert sorted(r.fid for r in rows) == sorted(expected), f.rule
        for r in rows:
            d, households = expected[r.fid]
            assert r.households == households
            assert d > f.limit_m  # beyond the limit, as the finding says
            if math.isinf(d):
                assert not r.reached and r.distance_m is None and r.facility is None
                assert r.over_m == pytest.approx(results.search_limit_m - f.limit_m)
            else:
                reached += 1
                assert r.reached and r.distance_m == pytest.approx(d) and r.over_m == pytest.approx(d - f.limit_m)
                # The nearest facility is the validator's own (Results.nearest, the --detail report's).
                nearest = results.nearest[r.fid][r.facility_type]
                assert r.facility == (nearest.layer, nearest.facility)
                assert nearest.distance_m == pytest.approx(d, abs=0.01)
        weights = [r.households * r.over_m for r in rows]
        assert weights == sorted(weights, reverse=True), f.rule  # worst first
    assert reached > 10  # the check saw real distances, not only "none within 2 km"


def test_each_type_takes_the_farthest_and_a_missing_type_is_none_within_reach():
    results = Results("base", [], home_ids=np.array([1, 2]),
                      distances={"a": (np.array([100.0, 900.0]), np.array([7, 7]), "facilities"),
                                 "b": (np.array([700.0, np.inf]), np.array([8, -1]), "facilities")},
                      households={1: 10.0, 2: 50.0})
    f = Finding("r", "p", "walk_coverage", "fail", "required", 0.0, 100.0, "%",
                (("residential", 1), ("residential", 2)), "", "", {}, facility_types=("a", "b"), limit_m=500.0)
    rows = homes_beyond(results, f, reach="each")
    assert [(r.fid, r.distance_m, r.facility, r.facility_type) for r in rows] == [
        (2, None, None, None), (1, 700.0, ("facilities", 8), "b")]
    assert rows[0].over_m == pytest.approx(1500.0) and rows[1].over_m == pytest.approx(200.0)
    rows = homes_beyond(results, f, reach="any")
    assert [(r.fid, r.distance_m, r.facility) for r in rows] == [(2, 900.0, ("facilities", 7)),
                                                                 (1, 100.0, ("facilities", 7))]
    f3 = Finding("r", "p", "walk_coverage", "fail", "required", 0.0, 100.0, "%", (("residential", 1),), "", "", {},
                 facility_types=("a", "c"), limit_m=50.0)
    assert homes_beyond(results, f3, reach="each")[0].distance_m is None  # no distances for c: none in reach
    assert homes_beyond(results, f3, reach="any")[0].distance_m == 100.0


def test_a_homes_nearest_facilities_are_results_nearest(demo):
    _, results = demo
    for home in results.home_ids.tolist()[:10]:
        got = dict(nearest_facilities(results, home))
        assert got == results.nearest[home]
        distances = [n.distance_m for _, n in nearest_facilities(results, home) if n.distance_m is not None]
        assert distances == sorted(distances)
    assert nearest_facilities(results, -1) == []

"""Invalid polygons are refused with a message naming the problem and never stored."""
import math
import warnings

import pytest
from shapely.geometry import LineString, Point, Polygon, box

from lifecircle_desktop.model import AddFeature, ChangeGeometry, InvalidGeometry
from tests.helpers import sha256

with warnings.catch_warnings():  # shapely warns on building the NaN polygon: that one is on purpose
    warnings.simplefilter("ignore", RuntimeWarning)
    BAD = {
        "self-intersection": Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]),
        "distinct vertices": Polygon([(0, 0), (10, 0), (0, 0), (10, 0)]),
        "zero area": Polygon([(0, 0), (5, 0), (10, 0)]),
        "NaN": Polygon([(0, 0), (10, math.nan), (10, 10)]),
    }


@pytest.mark.parametrize("problem", list(BAD))
def test_invalid_polygon_refused_and_not_stored(plan, problem):
    plan.apply(AddFeature("facilities", box(0, 0, 10, 10), {"type": "kindergarten"}))
    plan.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = sha256(plan.path)
    with pytest.raises(InvalidGeometry) as err:
        plan.apply(AddFeature("facilities", BAD[problem], {"type": "kindergarten"}))
    assert problem.lower() in err.value.message_en.lower()
    assert err.value.message_zh and "\n" not in err.value.message_en
    with pytest.raises(InvalidGeometry):
        plan.apply(ChangeGeometry.of(plan, "facilities", 1, BAD[problem]))
    assert plan.count("facilities") == 1 and plan.feature("facilities", 1).geometry.equals(box(0, 0, 10, 10))
    assert plan.store.conn.execute("SELECT count(*) FROM facilities").fetchone()[0] == 1
    plan.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert sha256(plan.path) == before


def test_points_and_lines_checked(plan):
    with pytest.raises(InvalidGeometry):
        plan.apply(AddFeature("stops", Point(math.inf, 0)))
    with pytest.raises(InvalidGeometry):
        plan.apply(AddFeature("walk_network", LineString([(1, 1), (1, 1)])))
    with pytest.raises(InvalidGeometry):
        plan.apply(AddFeature("facilities", Point(0, 0)))
    assert plan.count("stops") == plan.count("walk_network") == plan.count("facilities") == 0

"""Issue 17 acceptance: on the 10^5-edge synthetic district, 50 random facility moves re-validated
incrementally equal a full run each time (slow: `make test-slow`)."""
import numpy as np
import pytest

from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.validate import Validator
from tests.model.test_validate_incremental import assert_same


@pytest.mark.slow
def test_fifty_facility_moves_on_the_1e5_district_equal_full(tmp_path):
    from bench.synthetic import make_plan, move_facility
    make_plan(tmp_path / "district.gpkg", 100_000, seed=0)
    session = PlanSession.open(tmp_path / "district.gpkg")
    try:
        live = Validator(session.enabled_packs(), catalogue=session.catalogue)
        live.full(session.snapshot())
        rng = np.random.default_rng(17)
        for version in range(1, 51):
            changes = move_facility(session, rng)
            snap = session.snapshot(version=version)
            full = Validator(session.enabled_packs(), catalogue=session.catalogue).full(snap)
            assert_same(live.update(snap, changes), full, snap)
    finally:
        session.close()

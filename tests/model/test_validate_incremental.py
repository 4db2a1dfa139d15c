"""design.md §5: incremental re-validation after any edit equals a full re-run."""
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import LineString, box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry, DeleteFeature
from lifecircle_desktop.model.rules import load_packs
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.model.planbuilder import facility, grid_plan, home

PACKS = load_packs()
TYPES = ["kindergarten", "supermarket", "elderly_service_station", "health_station", "community_service_station"]

step = st.tuples(st.sampled_from(["move_fac", "retype", "add_fac", "del_fac", "households", "gate", "path",
                                  "move_home", "floors"]),
                 st.integers(0, 10 ** 6), st.floats(-150, 150, allow_nan=False), st.floats(-150, 150, allow_nan=False))


def comparable(results):
    return ([f.to_json() for f in results.findings],
            {h: {t: (n.facility, n.distance_m) for t, n in row.items()} for h, row in results.nearest.items()})


def _pick(plan, layer, seed):
    fids = sorted(f.fid for f in plan.features(layer))
    return fids[seed % len(fids)] if fids else None


def _edit(plan, kind, seed, dx, dy):
    fac = _pick(plan, "facilities", seed)
    if kind == "add_fac" or fac is None:
        x, y = (seed % 400), (seed // 400 % 400)
        return AddFeature("facilities", box(x, y, x + 20, y + 15), {"type": TYPES[seed % len(TYPES)], "floors": 2,
                                                                          "classes": seed % 4 or None})  # capacity (issue 15)
    if kind == "move_fac":
        return ChangeGeometry.of(plan, "facilities", fac, affinity.translate(plan.feature("facilities", fac).geometry, dx, dy))
    if kind == "retype":
        return ChangeAttributes.of(plan, "facilities", fac, type=TYPES[seed % len(TYPES)])
    if kind == "floors":
        return ChangeAttributes.of(plan, "facilities", fac, floors=seed % 6 + 1)
    if kind == "del_fac":
        return DeleteFeature.of(plan, "facilities", fac)
    res = _pick(plan, "residential", seed)
    if kind == "households":
        return ChangeAttributes.of(plan, "residential", res, households=seed % 500)
    if kind == "move_home":
        return ChangeGeometry.of(plan, "residential", res, affinity.translate(plan.feature("residential", res).geometry, dx, dy))
    gate = _pick(plan, "entrances", seed)
    if kind == "gate" and gate is not None:
        return ChangeAttributes.of(plan, "entrances", gate, open=not plan.feature("entrances", gate)["open"])
    return AddFeature("walk_network", LineString([(200 + dx, 200 + dy), (260 + dx, 175 + dy)]), {"class": "path"})


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_incremental_equals_full(steps):
    with tempfile.TemporaryDirectory() as d:
        plan = grid_plan(Path(d) / "g.gpkg", n=5)
        home(plan, 0, 0, 300, gates=[(0, 0), (100, 0)])
        home(plan, 300, 200, 120)
        home(plan, 100, 300, 80, gates=[(100, 300)])
        facility(plan, "kindergarten", 200, 100, classes=2)
        facility(plan, "supermarket", 400, 400)
        live = Validator(PACKS)
        live.full(take_snapshot(plan, version=0))
        for version, (kind, seed, dx, dy) in enumerate(steps, start=1):
            changes = plan.apply(_edit(plan, kind, seed, dx, dy))
            snap = take_snapshot(plan, version=version)
            assert comparable(live.update(snap, changes)) == comparable(Validator(PACKS).full(snap)), kind
        plan.close()

"""Any random sequence of edits, then their inverses in reverse order, restores the plan exactly —
in memory and in the file (design.md §6: undo is testable without Qt)."""
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import Point, box

from lifecircle_desktop.model import (AddFeature, Batch, ChangeAttributes, ChangeGeometry, DeleteFeature,
                                      Plan)
from tests.helpers import snapshot

coord = st.floats(-1000, 1000, allow_nan=False, width=32)
size = st.floats(1, 200, allow_nan=False, width=32)
names = st.text(alphabet="幼儿园社区abc 0", max_size=8)

ops = st.lists(st.tuples(st.sampled_from(["add_fac", "add_res", "add_stop", "move", "attrs", "delete", "batch",
                                          "reshape"]),
                         coord, coord, size, size, names, st.integers(0, 10 ** 6)), min_size=1, max_size=25)


def _pick(plan, layer, seed):
    feats = sorted(f.fid for f in plan.features(layer, "base"))
    return feats[seed % len(feats)] if feats else None


def _edit(plan, op):
    kind, x, y, w, h, name, seed = op
    layer = ["facilities", "residential", "stops"][seed % 3]
    if kind == "add_fac":
        return AddFeature("facilities", box(x, y, x + w, y + h), {"type": "kindergarten", "name": name, "floors": seed % 5 + 1})
    if kind == "add_res":
        return AddFeature("residential", box(x, y, x + w, y + h), {"households": seed % 900, "name": name})
    if kind == "add_stop":
        return AddFeature("stops", Point(x, y), {"name": name})
    fid = _pick(plan, layer, seed)
    if fid is None:
        return AddFeature("stops", Point(x, y), {"name": name})
    if kind == "move":
        return ChangeGeometry.of(plan, layer, fid, affinity.translate(plan.feature(layer, fid).geometry, w, -h))
    if kind == "reshape" and layer != "stops":
        return ChangeGeometry.of(plan, layer, fid, box(x, y, x + w, y + h))
    if kind == "attrs":
        return ChangeAttributes.of(plan, layer, fid, name=name)
    if kind == "batch":
        return Batch((ChangeAttributes.of(plan, layer, fid, name=name + "!"),
                      AddFeature("stops", Point(y, x), {"name": name})), "batch")
    return DeleteFeature.of(plan, layer, fid)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops, seed_features=st.integers(0, 3))
def test_edits_then_inverses_restore_plan_exactly(ops, seed_features):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.gpkg"
        plan = Plan.create(path, "p", 32651)
        for i in range(seed_features):
            plan.apply(AddFeature("facilities", box(i * 50, 0, i * 50 + 20, 20), {"type": "supermarket", "name": f"s{i}"}))
        before = snapshot(plan)
        applied = []
        for op in ops:
            applied.append(plan.apply(_edit(plan, op)).edit)
        for edit in reversed(applied):
            plan.apply(edit.inverted())
        assert snapshot(plan) == before
        plan.close()
        with Plan.open(path) as reopened:
            assert snapshot(reopened) == before


other_ops = st.lists(st.one_of(
    st.tuples(st.just("other"), st.integers(0, 10 ** 6), st.integers(0, 2)),
    st.tuples(st.sampled_from(["add_fac", "add_res", "move", "attrs", "delete", "batch", "reshape"]),
              coord, coord, size, size, names, st.integers(0, 10 ** 6))), min_size=1, max_size=25)


@settings(max_examples=30, deadline=None)
@given(ops=other_ops)
@example(ops=[("other", 0, 0), ("move", 1.0, 1.0, 5.0, 5.0, "x", 3)])  # QGIS renames, the app moves
def test_another_program_s_renames_are_never_written_over(ops):
    """Random edits of the app, built from what it held (maybe before another program renamed the
    feature), interleaved with that program's renames: every edit applies or is refused, and a
    rename the app did not itself change afterwards stays in the file (design.md §2: no lost update)."""
    import sqlite3
    from lifecircle_desktop.model.errors import PlanError
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.gpkg"
        plan = Plan.create(path, "p", 32651)
        for i in range(3):
            plan.apply(AddFeature("facilities", box(i * 50, 0, i * 50 + 20, 20), {"type": "supermarket", "name": f"s{i}"}))
        other = sqlite3.connect(path, isolation_level=None)
        theirs: dict[tuple[str, int], str] = {}  # the other program's last rename of a feature
        for n, op in enumerate(ops):
            if op[0] == "other":
                layer = ["facilities", "residential", "stops"][op[2]]
                fids = [r[0] for r in other.execute(f'SELECT fid FROM "{layer}" ORDER BY fid')]
                if fids:
                    fid = fids[op[1] % len(fids)]
                    other.execute(f'UPDATE "{layer}" SET name = ? WHERE fid = ?', [f"theirs{n}", fid])
                    theirs[(layer, fid)] = f"theirs{n}"
                continue
            edit = _edit(plan, op)
            try:
                applied = plan.apply(edit).edit
            except PlanError:
                continue
            for e in getattr(applied, "edits", (applied,)):
                if isinstance(e, (ChangeAttributes, DeleteFeature)):
                    theirs.pop((e.layer, e.fid), None)
        other.close()
        plan.follow_file()  # what the desktop does after a refusal (PlanSession.refresh)
        with Plan.open(path) as on_file:
            assert snapshot(on_file) == snapshot(plan)
            for (layer, fid), name in theirs.items():
                assert on_file.feature(layer, fid)["name"] == name
        plan.close()

"""Snapshot.table (model/table.py): a layer as columns holds exactly the rows the features hold and
the file holds (read back by GDAL through pyogrio, an independent reader), after edits, undo, redo
and in every scenario; a snapshot never changes after it is taken; a layer's version changes
exactly when its rows change."""
import itertools
import math
import shutil
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from shapely import affinity
from shapely.geometry import Point, box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry, Plan
from lifecircle_desktop.model.schema import FACILITIES, LAYERS, RESIDENTIAL, STOPS, WALK_NETWORK
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.table import LayerData
from tests import helpers
from tests.model import test_undo_property as undo_property

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "siping.gpkg"


def _value(v):
    """One attribute value as comparable data: NaN and None alike (GDAL reads a NULL integer as NaN),
    numbers as floats (GDAL reads an integer column with NULLs as float64)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


def assert_table_matches_features(snapshot, layer):
    table = snapshot.table(layer)
    features = snapshot.features(layer)
    assert len(table) == len(features) == len(snapshot.layers[layer])
    assert table.fids.dtype == np.int64
    assert table.fids.tolist() == [f.fid for f in features]
    assert all(g.equals_exact(f.geometry, 0) for g, f in zip(table.geometry, features))
    for name in LAYERS[layer].field_names:
        assert [_value(v) for v in table.column(name)] == [_value(f.attributes.get(name)) for f in features], name


def assert_table_matches_file(snapshot, path, layer):
    """The table against GDAL's reading of the same layer (this scenario's rows)."""
    table = snapshot.table(layer)
    if layer not in pyogrio.list_layers(path)[:, 0]:  # a layer an older plan file lacks until its first edit
        assert len(table) == 0
        return
    frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
    if LAYERS[layer].editable:
        frame = frame[frame["scenario"] == snapshot.scenario]
    frame = frame.sort_index()
    order = np.argsort(table.fids, kind="stable")
    assert table.fids[order].tolist() == frame.index.tolist()
    geometry = table.geometry[order]
    assert all(a.equals_exact(b, 1e-9) for a, b in zip(geometry, frame.geometry)), layer
    for name in LAYERS[layer].field_names:
        ours = [_value(v) for v in table.column(name)[order]]
        if name in frame.columns:
            assert ours == [_value(v) for v in frame[name]], (layer, name)
        else:  # a column an older plan file lacks (added by the first edit's migration)
            assert all(v is None for v in ours), (layer, name)


def closed_file(session) -> Path:
    """A copy of the session's file as it is now (SQLite's online backup, through a read-only
    connection of our own), for GDAL to read: GDAL's SQLite must not open a file this process holds
    open — the two libraries' POSIX locks clash within one process."""
    path = session.plan.path
    copy = path.with_name(f"{path.stem}-{next(_COPIES)}.gpkg")
    source, target = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


_COPIES = itertools.count()


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "siping.gpkg"
    shutil.copy(DEMO, path)
    session = PlanSession.open(path)
    yield session, path
    session.close()


def test_every_layer_of_the_demo_as_columns_equals_its_features_and_the_file(demo):
    session, _path = demo
    snap = session.snapshot()
    path = closed_file(session)
    for layer in LAYERS:
        assert_table_matches_features(snap, layer)
        assert_table_matches_file(snap, path, layer)
    assert len(snap.table(WALK_NETWORK)) > 100  # the demo's network is real, not an empty layer


def _edit_a_little(session):
    """Add, move, change and delete rows of three layers (the session's verbs: undoable edits)."""
    plan = session.plan
    home = plan.features(RESIDENTIAL, session.scenario)[0]
    fac = plan.features(FACILITIES, session.scenario)[-1]
    stop = plan.features(STOPS, session.scenario)[0]
    session.apply(AddFeature(FACILITIES, box(356800, 3462100, 356840, 3462130),
                             {"type": "kindergarten", "name": "新幼儿园", "classes": 6}, session.scenario))
    session.apply(session.move_edit([(RESIDENTIAL, home.fid)], 12.5, -3.0))
    session.apply(ChangeAttributes.of(plan, FACILITIES, fac.fid, name="改名", floors=3))
    session.delete([(STOPS, stop.fid)])


def test_tables_follow_edits_undo_redo_and_scenarios(demo):
    session, _path = demo
    _edit_a_little(session)
    for step in ("edited", "undone", "redone"):
        snap = session.snapshot()
        path = closed_file(session)
        for layer in (FACILITIES, RESIDENTIAL, STOPS, WALK_NETWORK):
            assert_table_matches_features(snap, layer)
            assert_table_matches_file(snap, path, layer)
        if step == "edited":
            while session.can_undo:
                session.undo()
        elif step == "undone":
            while session.can_redo:
                session.redo()
    session.create_scenario("方案二")
    _edit_a_little(session)
    snaps = {scenario: take_snapshot(session.plan, scenario) for scenario in ("base", "方案二")}
    path = closed_file(session)
    for snap in snaps.values():
        for layer in (FACILITIES, RESIDENTIAL, STOPS, WALK_NETWORK):
            assert_table_matches_features(snap, layer)
            assert_table_matches_file(snap, path, layer)
    # A renamed scenario: its rows change scenario in place.
    session.rename_scenario("方案二", "方案三")
    renamed = take_snapshot(session.plan, "方案三")
    path = closed_file(session)
    for layer in (FACILITIES, RESIDENTIAL, WALK_NETWORK):
        assert len(renamed.table(layer)) == len(snaps["方案二"].table(layer))
        assert len(take_snapshot(session.plan, "方案二").table(layer)) == 0
        assert_table_matches_features(renamed, layer)
        assert_table_matches_file(renamed, path, layer)


def test_a_snapshot_taken_before_an_edit_does_not_change(demo):
    session, _path = demo
    before = session.snapshot()
    columns = {layer: (before.table(layer).fids.copy(), list(before.table(layer).geometry),
                       list(before.table(layer).column("name")))
               for layer in (FACILITIES, RESIDENTIAL, STOPS)}
    features = {layer: dict(before.layers[layer]) for layer in (FACILITIES, RESIDENTIAL, STOPS)}
    _edit_a_little(session)
    for layer, (fids, geometry, names) in columns.items():
        table = before.table(layer)
        assert table.fids.tolist() == fids.tolist()
        assert all(a is b for a, b in zip(table.geometry, geometry))
        assert list(table.column("name")) == names
        assert dict(before.layers[layer]) == features[layer]
    after = session.snapshot()
    assert len(after.table(FACILITIES)) == len(before.table(FACILITIES)) + 1
    assert len(after.table(STOPS)) == len(before.table(STOPS)) - 1


def test_a_layer_version_changes_exactly_when_its_rows_change(demo):
    session, _path = demo
    first = session.snapshot()
    assert session.snapshot().table(WALK_NETWORK).version == first.table(WALK_NETWORK).version
    session.apply(AddFeature(STOPS, Point(356900, 3462200), {"name": "新站"}, session.scenario))
    second = session.snapshot()
    assert second.table(STOPS).version != first.table(STOPS).version
    assert second.table(WALK_NETWORK).version == first.table(WALK_NETWORK).version
    assert second.version_of(STOPS) == second.table(STOPS).version
    session.create_scenario("方案二")  # copies every editable layer into the new scenario
    line = session.plan.features(WALK_NETWORK, session.scenario)[0]
    session.apply(ChangeGeometry.of(session.plan, WALK_NETWORK, line.fid, affinity.translate(line.geometry, 1, 0)))
    # An edit of the network in 方案二 leaves the base scenario's network (and its graph) as it was.
    assert take_snapshot(session.plan, "base").table(WALK_NETWORK).version == second.table(WALK_NETWORK).version
    assert session.snapshot().table(WALK_NETWORK).version != second.table(WALK_NETWORK).version


def test_an_empty_layer_is_an_empty_table(plan):
    table = take_snapshot(plan).table(FACILITIES)
    assert len(table) == 0 and table.fids.dtype == np.int64 and len(table.column("type")) == 0
    with pytest.raises(KeyError):
        table.column("no_such_column")


def test_bulk_insert_rows_read_as_columns(plan):
    rows = [(box(i * 10, 0, i * 10 + 5, 5), {"households": i, "name": f"h{i}"}) for i in range(50)]
    fids = plan.bulk_insert(RESIDENTIAL, rows)
    table = take_snapshot(plan).table(RESIDENTIAL)
    assert table.fids.tolist() == fids
    assert [_value(v) for v in table.column("households")] == [float(i) for i in range(50)]
    snap = take_snapshot(plan)
    plan.close()
    assert_table_matches_file(snap, plan.path, RESIDENTIAL)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=undo_property.ops)
def test_with_the_overlay_merged_after_every_edit_the_plan_still_holds_what_the_file_holds(ops, monkeypatch):
    """The edits of the undo property test with the overlay of edits merged into new columns at
    every edit (LayerData.MERGE_MINIMUM 0): features, tables and a snapshot taken before all hold."""
    monkeypatch.setattr(LayerData, "MERGE_MINIMUM", 0)
    monkeypatch.setattr(LayerData, "MERGE_SHARE", 0.0)
    with tempfile.TemporaryDirectory() as d:
        plan = Plan.create(Path(d) / "p.gpkg", "p", 32651)
        plan.apply(AddFeature(FACILITIES, box(0, 0, 20, 20), {"type": "supermarket", "name": "s"}))
        first = take_snapshot(plan)
        first_rows = helpers.snapshot(plan)
        applied = [plan.apply(undo_property._edit(plan, op)).edit for op in ops]
        now = take_snapshot(plan)
        for layer in (FACILITIES, RESIDENTIAL, STOPS):
            assert_table_matches_features(now, layer)
            assert_table_matches_features(first, layer)
        assert {(layer, f.fid): (shapely.to_wkb(f.geometry), dict(f.attributes), f.scenario)
                for layer in LAYERS for f in first.features(layer)} == first_rows
        on_file = helpers.snapshot(plan)
        path = plan.path
        plan.close()
        with Plan.open(path) as reopened:
            assert helpers.snapshot(reopened) == on_file
            plan = reopened
            for edit in reversed(applied):
                plan.apply(edit.inverted())
            assert helpers.snapshot(plan) == first_rows


def test_every_scenario_table_and_bounds_follow_edits(tmp_path):
    """The rows of all scenarios at once (``plan.table(layer, None)``, ``plan.bounds()``: the imports'
    wrong-CRS check and the map's extent read them) after adds in two scenarios and an undo, against
    the file read by sqlite3. A second reader found them stale: an edit renewed only the edited
    scenario's version, never the all-scenarios one."""
    session = PlanSession(Plan.create(tmp_path / "p.gpkg", "p", 32651))
    plan = session.plan
    assert plan.bounds() is None
    session.add(FACILITIES, box(0, 0, 10, 10), type="kindergarten")
    assert plan.bounds() == pytest.approx((0, 0, 10, 10))
    session.create_scenario("B", "base")
    session.add(FACILITIES, box(14000, 0, 14010, 10), type="clinic")  # in B

    def file_fids():  # the file's rows through a connection of its own (sqlite3, read-only)
        with sqlite3.connect(f"file:{plan.path}?mode=ro", uri=True) as conn:
            return [fid for (fid,) in conn.execute("SELECT fid FROM facilities ORDER BY fid")]

    assert sorted(plan.table(FACILITIES, None).fids.tolist()) == file_fids()
    assert len(file_fids()) == 3  # base's kindergarten, B's copy of it, B's clinic
    assert plan.bounds()[2] == pytest.approx(14010)
    session.undo()
    assert sorted(plan.table(FACILITIES, None).fids.tolist()) == file_fids()
    assert plan.bounds()[2] == pytest.approx(10)
    session.close()

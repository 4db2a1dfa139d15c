"""The undo stack of the document (ui/document.py): each user action is one command mirroring one
entry of the session's history; every step is in the FILE at once (no Save); an edit the model
refuses never reaches the stack."""
import pytest
from PySide6.QtGui import QKeySequence
from shapely import affinity
from shapely.geometry import Polygon, box

from lifecircle_desktop.model import AddFeature, Batch, ChangeAttributes, ChangeGeometry, DeleteFeature, Plan
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.document import PlanDocument
from tests.helpers import snapshot


def on_disk(path):
    """Every feature as stored in the file, read through a second, independent connection."""
    with Plan.open(path) as other:
        return snapshot(other)


@pytest.fixture
def history(qtbot, grid):
    plan, ids = grid
    document = PlanDocument()
    document.set_session(PlanSession(plan))
    yield document, plan, ids
    document.close()


def test_each_step_is_in_the_file(history):
    h, plan, ids = history
    states = [on_disk(plan.path)]
    assert states[0] == snapshot(plan)
    kg = plan.feature("facilities", ids["kg"])
    edits = [
        AddFeature("facilities", box(300, 300, 330, 330), {"type": "pharmacy", "name": "药房"}),
        ChangeGeometry.of(plan, "facilities", ids["kg"], affinity.translate(kg.geometry, 5, 5)),
        ChangeAttributes.of(plan, "facilities", ids["kg"], floors=2, name="新幼儿园"),
        DeleteFeature.of(plan, "facilities", ids["shop"]),
    ]
    for edit in edits:
        changes = h.push(edit)
        assert changes is not None
        states.append(on_disk(plan.path))
        assert states[-1] == snapshot(plan), "the file holds the step the moment it returns"
    assert h.stack.count() == 4 and len(set(map(repr, map(sorted, map(dict.items, states))))) == 5
    # The new pharmacy got an id; undo removes exactly it, redo puts it back with the same id.
    pharmacy = h.session.history()[0].fid
    assert plan.feature("facilities", pharmacy)["name"] == "药房"
    for i in range(4, 0, -1):
        h.undo()
        assert on_disk(plan.path) == states[i - 1] == snapshot(plan)
    assert not plan.has_feature("facilities", pharmacy)
    for i in range(1, 5):
        h.redo()
        assert on_disk(plan.path) == states[i] == snapshot(plan)
    assert plan.feature("facilities", pharmacy)["name"] == "药房"


def test_changed_signal_carries_each_changeset(qtbot, history):
    h, plan, ids = history
    with qtbot.waitSignal(h.changed) as blocker:
        h.push(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=3))
    assert blocker.args[0].changed == {"facilities": {ids["kg"]}}
    with qtbot.waitSignal(h.changed) as blocker:
        h.undo()
    assert blocker.args[0].changed == {"facilities": {ids["kg"]}}
    assert plan.feature("facilities", ids["kg"])["floors"] == 1


def test_batch_is_one_step(history):
    h, plan, ids = history
    batch = Batch((ChangeAttributes.of(plan, "facilities", ids["kg"], name="a"),
                   DeleteFeature.of(plan, "facilities", ids["shop"])), "two in one")
    h.push(batch)
    assert h.stack.count() == 1 and h.stack.undoText() == "Base scenario: two in one"
    h.undo()
    assert plan.feature("facilities", ids["kg"])["name"] == "同济幼儿园" and plan.has_feature("facilities", ids["shop"])


@pytest.mark.parametrize("bad", [
    lambda plan, ids: AddFeature("facilities", Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]), {"type": "kindergarten"}),
    lambda plan, ids: AddFeature("basemap_buildings", box(0, 0, 5, 5), {}),
    lambda plan, ids: AddFeature("facilities", box(0, 0, 5, 5), {"type": "kindergarten"}, scenario="no such scenario"),
    lambda plan, ids: DeleteFeature("facilities", 99999, box(0, 0, 1, 1), (), "base"),
], ids=["self-intersecting", "base-map", "unknown-scenario", "missing-feature"])
def test_refused_edit_leaves_stack_and_file_unchanged(qtbot, history, bad):
    h, plan, ids = history
    h.push(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=2))
    before_mem = snapshot(plan)
    before_disk = on_disk(plan.path)
    with qtbot.waitSignal(h.refused) as blocker:
        assert h.push(bad(plan, ids)) is None
    error = blocker.args[0]
    assert isinstance(error, PlanError) and error.message_zh and error.message_en
    assert h.stack.count() == 1 and h.stack.index() == 1
    assert snapshot(plan) == before_mem and on_disk(plan.path) == before_disk
    h.undo()  # the stack still undoes the good edit
    assert plan.feature("facilities", ids["kg"])["floors"] == 1


def test_the_stack_mirrors_the_session_history(history):
    h, plan, ids = history
    changes = h.push(AddFeature("facilities", box(300, 300, 330, 330), {"type": "pharmacy"}))
    fid = changes.edit.fid
    assert h.session.history() == [changes.edit] and h.stack.count() == 1
    assert len([f for f in plan.features("facilities") if f["type"] == "pharmacy"]) == 1  # applied once
    h.undo()
    assert not plan.has_feature("facilities", fid) and h.session.history_index == 0 == h.stack.index()
    h.redo()
    assert plan.has_feature("facilities", fid) and h.session.history_index == 1 == h.stack.index()
    h.stack.setIndex(0)  # the History panel's click goes through the session as well
    assert not plan.has_feature("facilities", fid) and not h.session.can_undo


def test_window_edit_undo_redo_and_shortcuts(qtbot, window):
    plan, ids = window.document.plan, window.ids
    kg = ids["kg"]
    window.document.push(ChangeAttributes.of(plan, "facilities", kg, floors=4))
    assert on_disk(plan.path)[("facilities", kg)][1]["floors"] == 4
    undo, redo = window.actions_["undo"], window.actions_["redo"]
    assert undo.isEnabled() and not redo.isEnabled()
    assert QKeySequence(QKeySequence.StandardKey.Undo) in undo.shortcuts()
    assert {QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")} <= set(redo.shortcuts())
    undo.trigger()
    assert plan.feature("facilities", kg)["floors"] == 1 and on_disk(plan.path)[("facilities", kg)][1]["floors"] == 1
    redo.trigger()
    assert plan.feature("facilities", kg)["floors"] == 4
    assert window.history_view.stack() is window.document.stack and window.document.stack.count() == 1


def test_window_shows_refusal_in_the_ui_language(qtbot, window):
    bowtie = AddFeature("facilities", Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]), {"type": "kindergarten"})
    window.document.push(bowtie)
    assert window.document.stack.count() == 0
    english = window.statusBar().currentMessage()
    assert english.startswith("⚠") and any(c.isascii() and c.isalpha() for c in english)
    window.set_language("zh")
    window.document.push(bowtie)
    chinese = window.statusBar().currentMessage()
    assert chinese != english and any("\u4e00" <= c <= "\u9fff" for c in chinese)


# --- issue 10 item 3: the stack moves only when the file did ----------------------------------------
def hold_write_lock(plan):
    """Another program holding the plan's write lock (the plan's busy timeout shortened: the
    refusal comes at once)."""
    import sqlite3
    plan.store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(plan.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_an_undo_the_file_refuses_leaves_the_stack_where_the_session_is(qtbot, history):
    h, plan, ids = history
    for floors in (2, 3):
        h.push(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=floors))
    after_edits = on_disk(plan.path)
    other = hold_write_lock(plan)
    try:
        with qtbot.waitSignal(h.refused) as refused:
            h.undo()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "another program is writing" in refused.args[0].message_en
    assert h.stack.count() == 2 and h.stack.index() == h.session.history_index == 2
    assert on_disk(plan.path) == after_edits == snapshot(plan)
    h.undo()  # the lock is gone: the same undo now works
    assert h.stack.index() == h.session.history_index == 1
    assert plan.feature("facilities", ids["kg"])["floors"] == 2 == on_disk(plan.path)[("facilities", ids["kg"])][1]["floors"]


def test_a_history_jump_stops_at_the_step_the_file_refuses(qtbot, history):
    """The History panel jumps several steps at once (QUndoStack.setIndex): a refused step stops
    the jump there, and the stack shows where the session is."""
    h, plan, ids = history
    for floors in (2, 3, 4):
        h.push(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=floors))
    other = hold_write_lock(plan)
    try:
        with qtbot.waitSignal(h.refused):
            h.stack.setIndex(0)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert h.stack.index() == h.session.history_index == 3 and h.stack.count() == 3
    h.stack.setIndex(1)
    assert h.stack.index() == h.session.history_index == 1
    assert plan.feature("facilities", ids["kg"])["floors"] == 2 == on_disk(plan.path)[("facilities", ids["kg"])][1]["floors"]

"""Issue 16: the history knows the scenario of every step (an undo never changes a scenario out
of sight), and scenarios are renamed and deleted as undoable edits (Qt-free)."""
import sqlite3

import pytest
from shapely.geometry import box

from lifecircle_desktop.model.edits import DeleteScenario, RenameScenario, SetManualAnswer, plan_wide
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.session import HistoryEntry, PlanSession
from tests.model.planbuilder import facility, grid_plan, home
from tests.model.test_session import file_contents


@pytest.fixture
def session(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg")
    facility(plan, "kindergarten", 0, 0)
    home(plan, 0, 100, gates=[(0, 120)])
    with PlanSession(plan) as s:
        yield s


def elderly(session):
    return [f.fid for f in session.plan.features("facilities", session.scenario) if f["type"] == "elderly_station"]


def test_every_step_carries_its_scenario(session):
    session.add("facilities", box(50, 50, 80, 80), type="supermarket")
    session.create_scenario("方案二")
    session.add("facilities", box(150, 150, 180, 180), type="elderly_station")
    session.set_setting("speed_adult_kmh", 4.5)
    entries = session.history_entries()
    assert all(isinstance(e, HistoryEntry) for e in entries)
    assert [(e.before, e.after) for e in entries] == [("base", "base"), ("base", "方案二"), ("方案二", "方案二"),
                                                      (None, None)]
    assert [e.scenario for e in entries] == ["base", "base", "方案二", None]
    assert session.history() == [e.edit for e in entries]
    assert plan_wide(entries[3].edit) and not plan_wide(entries[2].edit)


def test_undo_of_another_scenario_is_made_there(session):
    session.create_scenario("方案二")
    added = session.add("facilities", box(150, 150, 180, 180), type="elderly_station").edit.fid
    session.switch_scenario("base")
    base_before = {f.fid for f in session.plan.features("facilities", "base")}
    assert session.undo_scenario == "方案二"
    session.undo()
    assert session.scenario == "方案二", "the undo leaves the planner where it was made"
    assert not session.plan.has_feature("facilities", added)
    assert {f.fid for f in session.plan.features("facilities", "base")} == base_before
    session.switch_scenario("base")
    assert session.redo_scenario == "方案二"
    session.redo()
    assert session.scenario == "方案二" and session.plan.has_feature("facilities", added)


def test_a_plan_setting_is_undone_where_the_planner_is(session):
    session.set_setting("speed_adult_kmh", 4.5)
    session.create_scenario("方案二")
    session.undo()  # the scenario: back to base
    assert session.scenario == "base"
    session.switch_scenario("base")
    assert session.undo_scenario is None
    session.undo()
    assert session.scenario == "base" and session.settings["speed_adult_kmh"] == 4.0


def test_a_failed_undo_moves_no_scenario(session):
    session.create_scenario("方案二")
    added = session.add("facilities", box(150, 150, 180, 180), type="elderly_station").edit.fid
    session.switch_scenario("base")
    conn = sqlite3.connect(session.plan.path)
    conn.execute("DELETE FROM facilities WHERE fid = ?", [added])  # another program deletes it
    conn.commit()
    conn.close()
    with pytest.raises(PlanError):
        session.undo()
    assert session.scenario == "base" and session.history_index == 2


def test_rename_carries_features_answers_and_children_and_undoes(session):
    session.create_scenario("方案二")
    session.add("facilities", box(150, 150, 180, 180), type="elderly_station")
    session.apply(SetManualAnswer.of(session.plan, "方案二", "cc_survey_10min_facilities", "yes", note="已调查"))
    session.create_scenario("方案二甲")  # a child of 方案二
    session.switch_scenario("方案二")
    fids = sorted(f.fid for f in session.plan.features("facilities", "方案二"))
    selected = ("facilities", fids[0])
    session.select([selected])
    before = file_contents(session.plan.path)

    session.rename_scenario("方案二", " 方案三 ")
    assert session.scenario == "方案三" and session.selection == (selected,)
    assert not session.plan.has_scenario("方案二")
    assert sorted(f.fid for f in session.plan.features("facilities", "方案三")) == fids
    assert session.plan.manual_answer("方案三", "cc_survey_10min_facilities") == ("yes", "已调查")
    assert [s.parent for s in session.scenarios() if s.name == "方案二甲"] == ["方案三"]
    # The step names the scenario as it is called now (its row reads "方案三：重命名…").
    assert (session.history_entries()[-1].before, session.history_entries()[-1].after) == ("方案三", "方案三")

    session.switch_scenario("base")
    session.undo()
    assert session.scenario == "方案二" and file_contents(session.plan.path) == before
    session.redo()
    assert session.scenario == "方案三" and session.plan.has_scenario("方案三")


@pytest.mark.parametrize("old, new", [("base", "现状"), ("方案二", "base"), ("方案二", "  "), ("方案二", "方案二"),
                                      ("没有的方案", "甲")])
def test_rename_refusals_say_why_and_change_nothing(session, old, new):
    session.create_scenario("方案二")
    before, steps = file_contents(session.plan.path), len(session.history())
    with pytest.raises(PlanError) as refused:
        session.rename_scenario(old, new)
    assert refused.value.message("zh").count("，") <= 1 and file_contents(session.plan.path) == before
    assert len(session.history()) == steps and session.scenario == "方案二"


def test_rename_refuses_a_duplicate_name(session):
    session.create_scenario("方案二")
    session.create_scenario("方案三")
    with pytest.raises(PlanError) as refused:
        session.rename_scenario("方案三", "方案二")
    assert refused.value.message("zh") == "方案“方案二”已存在，请换一个名称"
    assert refused.value.message("en") == "scenario “方案二” already exists: choose another name"
    assert session.plan.has_scenario("方案三") and len(session.history()) == 2
    # A name that reads as the base scenario would be mistaken for it, in either language.
    for name in ("基础方案", "Base scenario"):
        with pytest.raises(PlanError, match="base scenario's name"):
            session.rename_scenario("方案三", name)
        with pytest.raises(PlanError, match="base scenario's name"):
            session.create_scenario(name)
    assert len(session.history()) == 2


def test_delete_goes_to_the_parent_and_undo_brings_it_back_on_screen(session):
    session.create_scenario("方案二")
    session.add("facilities", box(150, 150, 180, 180), type="elderly_station")
    before = file_contents(session.plan.path)
    session.delete_scenario()
    assert session.scenario == "base" and not session.plan.has_scenario("方案二")
    entry = session.history_entries()[-1]
    assert isinstance(entry.edit, DeleteScenario) and (entry.before, entry.after) == ("方案二", "base")
    session.undo()
    assert session.scenario == "方案二" and file_contents(session.plan.path) == before
    assert elderly(session)
    session.redo()
    assert session.scenario == "base" and not session.plan.has_scenario("方案二")


def test_the_base_and_the_only_scenario_are_not_deleted(session, tmp_path):
    with pytest.raises(PlanError) as refused:
        session.delete_scenario("base")
    assert refused.value.message("zh") == "基础方案不能删除，它是其他方案的起点"
    assert not session.can_undo
    # A plan whose only scenario is not called base (made by another program).
    session.create_scenario("唯一")
    session.switch_scenario("唯一")
    conn = sqlite3.connect(session.plan.path)
    conn.execute("DELETE FROM scenarios WHERE name = 'base'")
    conn.commit()
    conn.close()
    session.plan.follow_file()
    with pytest.raises(PlanError) as refused:
        session.apply(DeleteScenario("唯一"))
    assert "唯一的方案" in refused.value.message("zh") and session.plan.has_scenario("唯一")


def test_rename_edit_inverts_to_the_rename_back():
    edit = RenameScenario("方案二", "方案三")
    assert edit.inverted() == RenameScenario("方案三", "方案二")
    assert not plan_wide(edit)


def test_the_history_follows_a_renamed_scenario(session):
    session.create_scenario("方案二")
    fid = session.add("facilities", box(0, 0, 20, 20), type="kindergarten").edit.fid
    session.rename_scenario("方案二", "方案三")
    assert [e.scenario for e in session.history_entries()] == ["base", "方案三", "方案三"]
    session.switch_scenario("base")
    session.undo()  # the rename, made in the scenario now called 方案三: shown and undone there
    assert session.scenario == "方案二" and [e.scenario for e in session.history_entries()] == ["base", "方案二", "方案二"]
    session.undo()  # the kindergarten, in 方案二 as it is called again
    assert session.scenario == "方案二" and fid not in {f.fid for f in session.plan.features("facilities", "方案二")}
    session.redo()
    session.redo()
    assert session.scenario == "方案三" and [e.scenario for e in session.history_entries()] == ["base", "方案三", "方案三"]

"""Comment pins (居民意见, issue 13 item 4): their fields, their numbers, undo and redo through the
session, and the v5 → v6 migration — every field read back by sqlite3 and by GDAL (pyogrio)."""
import json
import sqlite3
import struct

import pyogrio
import pytest
import shapely

from lifecircle_desktop.model.comments import AUTHOR_ROLES, CATEGORIES, MEETINGS, STATUSES
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.schema import SCHEMA_VERSION
from lifecircle_desktop.model.session import PlanSession, create_plan
from tests.helpers import sha256
from tests.model.test_gdal_roundtrip import needs_gdal, validate_gpkg

PIN = {"text": "小区门口缺一个菜场", "category": "facility_need", "author_role": "neighbourhood_committee",
       "author": "王阿姨", "meeting": "hearing", "meeting_date": "2026-05-20", "status": "new", "reply": ""}


def rows(path, scenario=None) -> list[dict]:
    """The comments table as sqlite3 reads it, by fid."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        where, args = ("WHERE scenario = ?", [scenario]) if scenario else ("", [])
        return [dict(r) for r in conn.execute(f"SELECT * FROM comments {where} ORDER BY fid", args)]
    finally:
        conn.close()


@pytest.fixture
def session(tmp_path):
    s = create_plan(tmp_path / "plan.gpkg", "意见测试", 32651)
    yield s
    s.close()


def test_a_pin_is_stored_with_every_field_and_read_back_by_sqlite_and_gdal(session):
    fid = session.add_comment((351000.5, 3460000.25), **PIN).edit.fid
    path = session.plan.path
    (row,) = rows(path)
    assert row["fid"] == fid and row["scenario"] == "base" and row["number"] == 1
    for name in ("text", "category", "author_role", "author", "meeting", "meeting_date", "status"):
        assert row[name] == PIN[name], name
    assert row["reply"] is None  # an empty reply is no reply
    assert row["created"].endswith("Z") and row["created"][:4].isdigit()
    frame = pyogrio.read_dataframe(path, layer="comments")
    assert len(frame) == 1
    got = frame.iloc[0]
    assert (got.geometry.x, got.geometry.y) == (351000.5, 3460000.25)
    assert {k: got[k] for k in ("text", "category", "author_role", "author", "meeting", "meeting_date", "status")} == \
        {k: PIN[k] for k in ("text", "category", "author_role", "author", "meeting", "meeting_date", "status")}
    assert got["number"] == 1


def test_each_code_the_form_offers_is_accepted_and_an_unknown_one_refused_leaving_the_file(session):
    for i, (category, role, meeting, status) in enumerate(zip(CATEGORIES, AUTHOR_ROLES, [*MEETINGS, "hearing", "hearing"],
                                                              [*STATUSES, "new"])):
        session.add_comment((i * 10.0, 0.0), text=f"意见{i}", category=category, author_role=role,
                            meeting=meeting, status=status)
    assert [c.category for c in session.comments()] == list(CATEGORIES)
    before, history = sha256(session.plan.path), len(session.history())
    for bad in ({"category": "噪音"}, {"status": "open"}, {"meeting": "party"}, {"meeting_date": "5月20日"},
                {"author_role": "mayor"}, {"colour": "red"}):
        with pytest.raises(PlanError) as e:
            session.add_comment((0.0, 0.0), text="x", **bad)
        assert e.value.message_zh and e.value.message_en
    assert sha256(session.plan.path) == before and len(session.history()) == history


def test_numbers_are_stable_through_deletes_and_per_scenario(session):
    fids = [session.add_comment((i * 10.0, 0.0), text=f"第{i + 1}条").edit.fid for i in range(3)]
    session.delete_comment(fids[1])
    assert [c.number for c in session.comments()] == [1, 3]  # pin 3 stays pin 3
    fourth = session.add_comment((40.0, 0.0), text="第4条").edit.fid
    assert session.comment(fourth).number == 4
    session.create_scenario("规划方案")  # a copy: the same pins under the same numbers
    assert [(c.number, c.text) for c in session.comments()] == [(1, "第1条"), (3, "第3条"), (4, "第4条")]
    session.add_comment((50.0, 0.0), text="方案里的意见")
    assert [c.number for c in session.comments("规划方案")] == [1, 3, 4, 5]
    assert [c.number for c in session.comments("base")] == [1, 3, 4]


def test_the_highest_pins_number_is_never_given_again_not_after_a_delete_nor_an_undo(session):
    """Review item 6: "意见 3" read out at a meeting must never come to mean another pin."""
    path = session.plan.path
    fids = [session.add_comment((i * 10.0, 0.0), text=f"第{i + 1}条").edit.fid for i in range(3)]
    session.delete_comment(fids[2])  # the highest, pin 3
    assert [r["number"] for r in rows(path)] == [1, 2]
    fourth = session.add_comment((30.0, 0.0), text="第4条").edit.fid
    assert session.comment(fourth).number == 4
    session.undo()  # placing pin 4 undone: 4 is not given again either
    assert [r["number"] for r in rows(path)] == [1, 2]
    fifth = session.add_comment((40.0, 0.0), text="第5条").edit.fid
    assert session.comment(fifth).number == 5
    session.undo()
    session.redo()  # the pin comes back under its own number
    assert sorted(r["number"] for r in rows(path)) == [1, 2, 5]
    session.close()
    # The record is in the file (read by sqlite3), per scenario: reopened, the next pin is 6.
    conn = sqlite3.connect(path)
    try:
        (value,) = conn.execute("SELECT value FROM plan_meta WHERE key = 'comment_numbers'").fetchone()
    finally:
        conn.close()
    assert json.loads(value) == {"base": 5}
    with PlanSession.open(path) as again:
        assert again.comment(again.add_comment((50.0, 0.0), text="第6条").edit.fid).number == 6


def test_add_edit_delete_are_each_one_step_undone_and_redone_in_the_file(session):
    path = session.plan.path
    fid = session.add_comment((10.0, 20.0), **PIN).edit.fid
    session.edit_comment(fid, status="answered", reply="已列入年度项目清单", category="traffic")
    assert rows(path)[0]["status"] == "answered" and rows(path)[0]["reply"] == "已列入年度项目清单"
    assert session.edit_comment(fid, status="answered") is None  # nothing changed: no step
    session.delete_comment(fid)
    assert rows(path) == [] and len(session.history()) == 3
    session.undo()
    assert rows(path)[0]["reply"] == "已列入年度项目清单" and rows(path)[0]["number"] == 1
    session.undo()
    row = rows(path)[0]
    assert (row["status"], row["reply"], row["category"]) == ("new", None, "facility_need")
    session.undo()
    assert rows(path) == []
    session.redo()
    session.redo()
    row = rows(path)[0]
    assert (row["fid"], row["number"], row["status"], row["category"]) == (fid, 1, "answered", "traffic")
    session.redo()
    assert rows(path) == []


def make_v5(path):
    """A plan as version 5 of the app wrote it: the comments table of v5 with two pins in base,
    one in another scenario, their status "open" and a role in words."""
    with create_plan(path, "旧规划", 32651) as s:
        s.create_scenario("方案二", empty=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for name in ("category", "author", "meeting", "meeting_date", "reply", "number"):
        conn.execute(f'ALTER TABLE comments DROP COLUMN "{name}"')
    header = b"GP\x00\x01" + struct.pack("<i", 32651)  # GeoPackage binary: no envelope, little-endian
    for fid, (x, scenario, role, status) in enumerate([(1.0, "base", "居民", "open"), (2.0, "方案二", "物业", "open"),
                                                       (3.0, "base", "街道", None)], start=1):
        wkb = header + shapely.to_wkb(shapely.Point(x, 5.0))
        conn.execute("INSERT INTO comments(fid, geom, scenario, text, author_role, created, status) "
                     "VALUES (?, ?, ?, ?, ?, '2025-01-01T00:00:00Z', ?)", (fid, wkb, scenario, f"旧意见{fid}", role, status))
    conn.execute("UPDATE plan_meta SET value = '5' WHERE key = 'schema_version'")
    conn.close()


def test_a_v5_plan_gains_the_comment_fields_in_one_migration_read_by_gdal(tmp_path):
    path = tmp_path / "v5.gpkg"
    make_v5(path)
    before = sha256(path)
    with PlanSession.open(path) as s:  # reading migrates in the open transaction only
        assert [(c.number, c.status, c.author_role) for c in s.comments()] == [(1, "new", "resident"), (2, "new", "街道")]
    assert sha256(path) == before
    with PlanSession.open(path) as s:
        assert s.upgrade()
    conn = sqlite3.connect(path)
    assert json.loads(conn.execute("SELECT value FROM plan_meta WHERE key='schema_version'").fetchone()[0]) == \
        SCHEMA_VERSION == 6
    conn.close()
    got = {r["fid"]: (r["scenario"], r["number"], r["status"], r["author_role"], r["text"]) for r in rows(path)}
    assert got == {1: ("base", 1, "new", "resident", "旧意见1"), 2: ("方案二", 1, "new", "property_manager", "旧意见2"),
                   3: ("base", 2, "new", "街道", "旧意见3")}  # a role the app has no code for is kept as written
    frame = pyogrio.read_dataframe(path, layer="comments")
    assert {"category", "author", "meeting", "meeting_date", "reply", "number"} <= set(frame.columns)
    assert sorted(frame["number"]) == [1, 1, 2] and (frame["status"] == "new").all()
    with PlanSession.open(path) as s:  # the next pin of base follows the migrated numbers
        assert dict(s.add_comment((9.0, 9.0), text="新意见").edit.attributes)["number"] == 3


@needs_gdal
def test_the_migrated_plan_passes_gdals_validator(tmp_path):
    path = tmp_path / "v5.gpkg"
    make_v5(path)
    with PlanSession.open(path) as s:
        s.upgrade()
    assert validate_gpkg(path) == ""


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_the_shipped_demo_is_stored_at_the_current_schema_version():
    """Review item 1: a demo built before the comments' v6 was migrated, and rewritten, on first open."""
    conn = sqlite3.connect(f"file:{DEMO_PLAN}?mode=ro", uri=True)
    try:
        (value,) = conn.execute("SELECT value FROM plan_meta WHERE key = 'schema_version'").fetchone()
        columns = {r[1] for r in conn.execute("PRAGMA table_info(comments)")}
    finally:
        conn.close()
    assert json.loads(value) == SCHEMA_VERSION
    assert {"number", "category", "status", "reply", "meeting", "meeting_date"} <= columns

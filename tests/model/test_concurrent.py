"""Two programs at once, and writes the file refuses (design.md §2, issue 10 items 3 and 4).

The other program is a second, plain sqlite3 connection writing the file as QGIS or GDAL would
(GeoPackage binary through the model's encoder, no Plan). What the app must do: notice what the
other program committed (PRAGMA data_version) before each write, never write over it, and turn
whatever SQLite refuses (a held lock, a full disk, a read-only file, a trigger's error) into one
sentence with nothing moved — not the file, not the plan in memory, not the history.
"""
import sqlite3
from contextlib import closing, contextmanager

import pytest
from shapely import affinity
from shapely.geometry import box

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.edits import ChangeAttributes, ChangeGeometry
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.geometry import to_gpkg
from lifecircle_desktop.model.schema import FACILITIES, RESIDENTIAL
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.store import Store
from tests.helpers import snapshot
from tests.model.planbuilder import facility, grid_plan, home


@pytest.fixture
def session(tmp_path):
    plan = grid_plan(tmp_path / "grid.gpkg", n=3)
    facility(plan, "kindergarten", 0, 0)
    home(plan, 100, 100)
    with PlanSession(plan) as s:
        # A short busy timeout: the refusal under a held lock comes at once, not after 5 s.
        s.plan.store.conn.execute("PRAGMA busy_timeout = 50")
        yield s


def kindergarten(session):
    return next(f for f in session.plan.features(FACILITIES) if f["type"] == "kindergarten")


@contextmanager
def other_program(path):
    """A second connection to the plan file, committing on leaving the block."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")


def on_disk(path):
    with Plan.open(path) as plan:
        return snapshot(plan)


def assert_one_sentence(error: PlanError):
    for text in (error.message_en, error.message_zh):
        assert text and "\n" not in text and "Error" not in text


# --- item 4: no lost update ------------------------------------------------------------------------
def test_a_rename_keeps_a_vertex_moved_by_another_program(session):
    kg = kindergarten(session)
    moved = affinity.translate(kg.geometry, 7, 0)
    with other_program(session.plan.path) as qgis:
        qgis.execute("UPDATE facilities SET geom = ? WHERE fid = ?", [to_gpkg(moved, 32651), kg.fid])
    changes = session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))
    on_file = on_disk(session.plan.path)[(FACILITIES, kg.fid)]
    assert on_file[1]["name"] == "新名字"
    assert on_file[0] == moved.wkb, "the other program's move is still in the file"
    assert session.plan.feature(FACILITIES, kg.fid).geometry.equals(moved), "and the plan shows it"
    assert kg.fid in changes.changed[FACILITIES]


def test_a_feature_deleted_by_another_program_does_not_come_back(session):
    kg = kindergarten(session)
    rename = ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字")
    with other_program(session.plan.path) as qgis:
        qgis.execute("DELETE FROM facilities WHERE fid = ?", [kg.fid])
    with pytest.raises(PlanError) as refused:
        session.apply(rename)
    assert_one_sentence(refused.value)
    assert (FACILITIES, kg.fid) not in on_disk(session.plan.path)
    assert not session.plan.has_feature(FACILITIES, kg.fid)
    assert session.history() == []


def test_a_move_made_before_another_program_moved_the_feature_is_refused(session):
    kg = kindergarten(session)
    mine = ChangeGeometry.of(session.plan, FACILITIES, kg.fid, affinity.translate(kg.geometry, 0, 5))
    theirs = affinity.translate(kg.geometry, 9, 0)
    with other_program(session.plan.path) as qgis:
        qgis.execute("UPDATE facilities SET geom = ? WHERE fid = ?", [to_gpkg(theirs, 32651), kg.fid])
    with pytest.raises(PlanError, match="changed by another program") as refused:
        session.apply(mine)
    assert_one_sentence(refused.value)
    assert on_disk(session.plan.path)[(FACILITIES, kg.fid)][0] == theirs.wkb
    assert snapshot(session.plan) == on_disk(session.plan.path)


def test_a_feature_added_by_another_program_is_seen_before_the_next_edit(session):
    with other_program(session.plan.path) as qgis:
        fid = qgis.execute("INSERT INTO facilities(geom, scenario, type, name) VALUES (?, 'base', 'pharmacy', '药房')",
                           [to_gpkg(box(300, 300, 320, 320), 32651)]).lastrowid
    home_fid = session.plan.features(RESIDENTIAL)[0].fid
    changes = session.apply(ChangeAttributes.of(session.plan, RESIDENTIAL, home_fid, households=50))
    assert fid in changes.added[FACILITIES]
    assert session.plan.feature(FACILITIES, fid)["name"] == "药房"
    assert snapshot(session.plan) == on_disk(session.plan.path)


def test_refresh_reports_what_another_program_changed(session):
    kg = kindergarten(session)
    assert not session.refresh()
    with other_program(session.plan.path) as qgis:
        qgis.execute("UPDATE facilities SET name = 'QGIS' WHERE fid = ?", [kg.fid])
    changes = session.refresh()
    assert changes.changed[FACILITIES] == {kg.fid}
    assert session.plan.feature(FACILITIES, kg.fid)["name"] == "QGIS"


# --- item 3: what SQLite refuses is one sentence, and nothing moves ----------------------------------
def test_a_writer_holding_the_lock_gives_a_sentence_and_nothing_moves(session):
    kg = kindergarten(session)
    before = snapshot(session.plan)
    with other_program(session.plan.path):
        with pytest.raises(PlanError, match="another program is writing") as refused:
            session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))
    assert_one_sentence(refused.value)
    assert snapshot(session.plan) == before == on_disk(session.plan.path)
    assert session.history() == []
    session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))  # the lock is gone
    assert on_disk(session.plan.path)[(FACILITIES, kg.fid)][1]["name"] == "新名字"


def test_an_undo_refused_by_the_file_moves_nothing(session):
    kg = kindergarten(session)
    session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))
    after_edit = on_disk(session.plan.path)
    with other_program(session.plan.path):
        with pytest.raises(PlanError):
            session.undo()
    assert session.history_index == 1 and session.can_undo
    assert on_disk(session.plan.path) == after_edit == snapshot(session.plan)
    session.undo()
    assert session.plan.feature(FACILITIES, kg.fid)["name"] == ""


def test_a_full_disk_gives_a_sentence_and_memory_keeps_what_the_file_holds(session):
    conn = session.plan.store.conn
    before = snapshot(session.plan)
    # No page may be added: what a full disk does to the next write (SQLITE_FULL).
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    big = box(500, 500, 600, 600).buffer(30, quad_segs=4000)
    with pytest.raises(PlanError, match="disk is full") as refused:
        session.add(FACILITIES, big, type="pharmacy", name="x" * 100_000)
    assert_one_sentence(refused.value)
    assert snapshot(session.plan) == before == on_disk(session.plan.path)
    assert session.history() == []


def test_a_trigger_another_program_adds_while_open_is_refused_with_a_sentence(session):
    """Code stored in the plan by another program never runs unasked (design.md §2): the next
    edit sees the trigger, refuses in one sentence naming it, and changes nothing."""
    kg = kindergarten(session)
    with other_program(session.plan.path) as other:
        other.execute("CREATE TRIGGER keep BEFORE UPDATE ON facilities BEGIN SELECT RAISE(ABORT, 'kept by the district'); END")
    with pytest.raises(PlanError, match="keep") as refused:
        session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))
    assert_one_sentence(refused.value)
    with other_program(session.plan.path) as other:  # the trigger never ran; the row is as it was
        assert other.execute("SELECT name FROM facilities WHERE fid = ?", [kg.fid]).fetchone()[0] == kg["name"]
        other.execute("DROP TRIGGER keep")  # the planner agreed to remove it: editing goes on
    session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))
    assert snapshot(session.plan) == on_disk(session.plan.path)


def test_a_read_only_plan_refuses_edits_with_a_sentence_before_touching_the_file(session, monkeypatch):
    monkeypatch.setattr(Store, "read_only", property(lambda self: True))
    before = snapshot(session.plan)
    assert session.plan.read_only
    with pytest.raises(PlanError, match="read-only") as refused:
        session.add(FACILITIES, box(500, 500, 520, 520), type="pharmacy")
    assert_one_sentence(refused.value)
    assert snapshot(session.plan) == before


GDAL_APPEND = """
import sys, numpy as np, pyogrio.raw, shapely
from shapely.geometry import box
pyogrio.raw.write(sys.argv[1], np.array([shapely.to_wkb(box(300, 300, 330, 330))], dtype=object),
                  [np.array(["pharmacy"], dtype=object), np.array(["GDAL"], dtype=object), np.array(["base"], dtype=object)],
                  fields=["type", "name", "scenario"], layer="facilities", driver="GPKG", append=True,
                  geometry_type="Polygon", crs="EPSG:32651")
"""
GDAL_NAMES = """
import sys, pyogrio.raw
meta, _fids, _geometry, columns = pyogrio.raw.read(sys.argv[1], layer="facilities", read_geometry=False)
print("\\n".join(columns[list(meta["fields"]).index("name")]))
"""


def gdal(script, path) -> str:
    """Run ``script`` in another process, as QGIS or ogr2ogr would be: GDAL brings its own SQLite,
    and two SQLite libraries in one process break each other's locks (sqlite.org/howtocorrupt.html §2.2)."""
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True,
                          timeout=120).stdout


def test_a_feature_gdal_appended_while_the_plan_is_open_survives_the_next_edit(session):
    """GDAL (pyogrio, as ogr2ogr -append or QGIS would) writes while the app has the plan open."""
    gdal(GDAL_APPEND, session.plan.path)
    kg = kindergarten(session)
    changes = session.apply(ChangeAttributes.of(session.plan, FACILITIES, kg.fid, name="新名字"))
    added = [f for f in session.plan.features(FACILITIES) if f["name"] == "GDAL"]
    assert len(added) == 1 and added[0].fid in changes.added[FACILITIES]
    names = set(gdal(GDAL_NAMES, session.plan.path).splitlines())
    assert {"GDAL", "新名字"} <= names, "both programs' changes are in the file, as GDAL reads it"

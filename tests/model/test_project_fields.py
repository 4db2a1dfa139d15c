"""The project list's fields (issue 12: 新建/改建, 实施路径, 投资估算, 年度), added by schema v4: an old
plan — the demo as committed, written at v3 — opens, gains the columns, and validates the same."""
import json
import shutil
import sqlite3

import pyogrio
import pytest
from shapely.geometry import box

from lifecircle_desktop.model.edits import ChangeAttributes
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.schema import SCHEMA_VERSION
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import sha256

NEW_COLUMNS = {"construction": "TEXT", "implementation_path": "TEXT", "investment": "REAL", "year": "INTEGER"}


def columns(path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {r[1]: r[2] for r in conn.execute("PRAGMA table_info(facilities)")}
    finally:
        conn.close()


def stored_version(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return json.loads(conn.execute("SELECT value FROM plan_meta WHERE key = 'schema_version'").fetchone()[0])
    finally:
        conn.close()


def findings_json(results) -> list[dict]:
    return sorted((f.to_json() for f in results.findings), key=lambda f: f["rule"])


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_a_v3_plan_opens_gains_the_project_columns_and_validates_the_same(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    if stored_version(path) != 3 or set(NEW_COLUMNS) <= set(columns(path)):
        pytest.skip("the demo is no longer a v3 plan")
    before = sha256(path)
    with PlanSession.open(path) as session:  # read: migrated in the open transaction, not on disk
        assert session.plan.meta["schema_version"] == SCHEMA_VERSION == 4
        read = findings_json(session.validate())
    assert sha256(path) == before
    with PlanSession.open(path) as session:
        assert session.upgrade()  # the desktop writes the migration on opening
    assert stored_version(path) == 4
    assert {name: columns(path)[name] for name in NEW_COLUMNS} == NEW_COLUMNS
    with PlanSession.open(path) as session:
        assert findings_json(session.validate()) == read
        facilities = session.plan.features("facilities", "base")
        assert all(f["year"] is None and f["construction"] is None for f in facilities)
    # GDAL reads the migrated plan with the new fields, every facility still there.
    frame = pyogrio.read_dataframe(path, layer="facilities")
    assert set(NEW_COLUMNS) <= set(frame.columns) and len(frame) == len(facilities)


def test_the_project_fields_are_stored_typed_and_undone(tmp_path):
    from lifecircle_desktop.model.session import create_plan
    session = create_plan(tmp_path / "p.gpkg", "项目测试", 32651)
    with session:
        fid = session.add("facilities", box(0, 0, 30, 30), type="kindergarten", status="planned").edit.fid
        values = {"construction": "extend", "implementation_path": "挖潜改造", "investment": "1250.5", "year": "2026"}
        session.apply(ChangeAttributes.of(session.plan, "facilities", fid, **values))
        got = session.plan.feature("facilities", fid)
        assert (got["construction"], got["implementation_path"], got["investment"], got["year"]) == \
            ("extend", "挖潜改造", 1250.5, 2026)
        session.undo()
        assert session.plan.feature("facilities", fid)["year"] is None
    frame = pyogrio.read_dataframe(tmp_path / "p.gpkg", layer="facilities")
    assert frame["year"].isna().all()

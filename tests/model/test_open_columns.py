"""Opening a plan reads each layer as columns without reading every column row by row (issue 17:
ids taken from the row count when they run first..last, a column of one value held once, a
geometry header cut off by SQLite): whatever the file holds, the plan holds exactly what a plain
row-by-row reading of the file gives — read here by sqlite3 and the test's own GeoPackage
decoding — after edits by another program between opening and reload()."""
import shutil
import sqlite3
import struct

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.schema import LAYERS, RESIDENTIAL, WALK_NETWORK
from lifecircle_desktop.model.snapshot import take_snapshot

LINES = 600  # more rows than opening samples, so that a row edited below may lie outside its sample
HOMES = 200


def _geometry(blob):
    """GeoPackage binary → shapely (GeoPackage 1.3 §2.1.3: 8 bytes, the envelope its flags name, WKB)."""
    if not isinstance(blob, bytes) or blob[:2] != b"GP":
        return None
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    geom = shapely.from_wkb(blob[8 + envelope:], on_invalid="ignore")
    return None if geom is None or geom.is_empty else geom


def read_file(path, layer):
    """fid -> (scenario, geometry, {field: value}) of every row with a geometry, as sqlite3 reads it
    row by row (booleans as Python bools, as the plan types them)."""
    spec = LAYERS[layer]
    columns = ["fid", "geom", *(["scenario"] if spec.editable else []), *spec.field_names]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{layer}"').fetchall()
    finally:
        conn.close()
    out = {}
    for row in rows:
        values = dict(zip(columns, row))
        geom = _geometry(values.pop("geom"))
        if geom is None:
            continue
        fid, scenario = values.pop("fid"), values.pop("scenario", None)
        for f in spec.fields:
            if f.type is bool and values[f.name] is not None:
                values[f.name] = bool(values[f.name])
        out[fid] = (scenario, geom, values)
    return out


def assert_plan_holds_file(plan, path):
    for layer in LAYERS:
        expected = read_file(path, layer)
        table = plan.table(layer, None)
        assert sorted(table.fids.tolist()) == sorted(expected), layer
        scenarios = {f.fid: f.scenario for f in plan.features(layer, None)}
        for i, fid in enumerate(table.fids.tolist()):
            scenario, geom, values = expected[fid]
            assert table.geometry[i].equals_exact(geom, 0), (layer, fid)
            assert scenarios[fid] == scenario, (layer, fid)
            for name, value in values.items():
                got = table.column(name)[i]
                assert type(got) is type(value) and got == value, (layer, fid, name, got, value)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A closed plan as an import writes it: walking lines whose source, class, walkable and closed
    are one value in every row, barrier NULL in every row; homes with one source and estimate flag."""
    path = tmp_path_factory.mktemp("open") / "imported.gpkg"
    plan = Plan.create(path, "大网格", 32651)
    plan.bulk_insert(WALK_NETWORK, [(LineString([(i * 10.0, 0), (i * 10.0 + 8, 5), (i * 10.0 + 9, 0)]),
                                     {"class": "footway", "name": f"路{i % 7}", "source": "osm", "walkable": True,
                                      "closed": False, "osm_id": f"way/{i}", "node_ids": f"{2 * i} {2 * i + 1}"})
                                    for i in range(LINES)])
    plan.bulk_insert(RESIDENTIAL, [(box(i * 50.0, 100, i * 50.0 + 40, 140),
                                    {"name": f"住宅{i}", "households": 100 + i, "source": "osm", "estimated": True})
                                   for i in range(HOMES)])
    plan.close()
    return path


def _no_envelope(blob: bytes) -> bytes:
    """The same geometry with a header of 8 bytes (no envelope), as GDAL writes points."""
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return blob[:3] + bytes([blob[3] & ~0b1110]) + blob[4:8] + blob[8 + envelope:]


EDITS = {
    "as imported": [],
    # One row differs from a column's value elsewhere, for each kind of column opening holds once.
    "one source differs": [f"UPDATE walk_network SET source = 'drawn' WHERE fid = {LINES // 2 + 7}"],
    "one barrier set": [f"UPDATE walk_network SET barrier = 'gate' WHERE fid = {LINES // 3 + 5}"],
    "the last barrier set": [f"UPDATE walk_network SET barrier = 'gate' WHERE fid = {LINES}"],
    "booleans 0, 1 and NULL": [f"UPDATE walk_network SET walkable = NULL WHERE fid = {LINES // 2 + 3}",
                               f"UPDATE walk_network SET closed = 1 WHERE fid = {LINES // 4 + 1}",
                               f"UPDATE residential SET estimated = 0 WHERE fid = {HOMES // 2 + 1}",
                               f"UPDATE residential SET estimated = NULL WHERE fid = {HOMES // 3 + 1}"],
    "a row in another scenario": ["INSERT INTO scenarios (name, parent, created) VALUES ('方案二', 'base', '2026-12-03')",
                                  f"UPDATE walk_network SET scenario = '方案二' WHERE fid = {LINES // 2 + 11}"],
    "one value everywhere": ["UPDATE walk_network SET name = '同一条路'", "UPDATE residential SET households = 7"],
    "a number and a text in one column": [f"UPDATE residential SET households = 'many' WHERE fid = {HOMES // 2 + 3}"],
    "one integer in every row": ["UPDATE residential SET floors = 3"],
    "rows deleted": ["DELETE FROM walk_network WHERE fid IN (2, 3, 301)", f"DELETE FROM residential WHERE fid = {HOMES}"],
    "a far fid": [f"INSERT INTO walk_network (fid, geom, scenario, class, source, walkable, closed) "
                  f"SELECT 1000000, geom, scenario, class, source, walkable, closed FROM walk_network WHERE fid = 1"],
    "no geometry in one row": [f"UPDATE walk_network SET geom = NULL WHERE fid = {LINES // 2 + 13}"],
    "every row deleted": ["DELETE FROM walk_network", "DELETE FROM residential"],
}


@pytest.mark.parametrize("edit", EDITS)
def test_opening_holds_what_the_file_holds(imported, tmp_path, edit):
    path = tmp_path / "plan.gpkg"
    shutil.copy(imported, path)
    conn = sqlite3.connect(path)
    for sql in EDITS[edit]:
        conn.execute(sql)
    conn.commit()
    conn.close()
    with Plan.open(path) as plan:
        assert_plan_holds_file(plan, path)
        if edit == "no geometry in one row":
            assert (WALK_NETWORK, LINES // 2 + 13) in plan.unreadable


def test_a_header_without_envelope_in_one_row(imported, tmp_path):
    path = tmp_path / "plan.gpkg"
    shutil.copy(imported, path)
    conn = sqlite3.connect(path)
    fid = LINES // 2 + 17
    blob = conn.execute("SELECT geom FROM walk_network WHERE fid = ?", (fid,)).fetchone()[0]
    conn.execute("UPDATE walk_network SET geom = ? WHERE fid = ?", (_no_envelope(blob), fid))
    conn.commit()
    conn.close()
    with Plan.open(path) as plan:
        assert_plan_holds_file(plan, path)
        assert not plan.unreadable


@pytest.mark.parametrize("table_sql", [
    # fid a plain column, not the rowid: the rows' order in the file is not their fids' order
    'CREATE TABLE walk_network (fid INTEGER NOT NULL, geom LINESTRING, scenario TEXT NOT NULL DEFAULT \'base\', '
    '"class" TEXT, "name" TEXT, "walkable" BOOLEAN, "closed" BOOLEAN, "barrier" TEXT, "source" TEXT, '
    '"osm_id" TEXT, "node_ids" TEXT)',
    'CREATE TABLE walk_network (fid INTEGER PRIMARY KEY NOT NULL, geom LINESTRING, scenario TEXT NOT NULL '
    'DEFAULT \'base\', "class" TEXT, "name" TEXT, "walkable" BOOLEAN, "closed" BOOLEAN, "barrier" TEXT, '
    '"source" TEXT, "osm_id" TEXT, "node_ids" TEXT) WITHOUT ROWID',
], ids=["fid not the rowid", "without rowid"])
def test_a_layer_whose_fid_is_not_its_rowid(imported, tmp_path, table_sql):
    path = tmp_path / "plan.gpkg"
    shutil.copy(imported, path)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE walk_network RENAME TO old_lines")
    conn.execute(table_sql)
    conn.execute("INSERT INTO walk_network SELECT * FROM old_lines ORDER BY fid DESC")
    # fids 1, 1002..1600 in rows 1..600: as many rows as from the first fid to the last rowid
    conn.execute("UPDATE walk_network SET fid = fid + 1000 WHERE fid > 1")
    conn.execute("DROP TABLE old_lines")
    conn.execute('CREATE INDEX IF NOT EXISTS "walk_network_scenario" ON walk_network (scenario)')
    conn.commit()
    conn.close()
    with Plan.open(path) as plan:
        assert_plan_holds_file(plan, path)
        assert len(plan.table(WALK_NETWORK, None)) == LINES


def test_reload_sees_another_programs_edit_of_a_column_held_once(imported, tmp_path):
    """Opened, then sqlite3 (standing for QGIS) changes a value opening held once for the whole
    column, deletes a row and adds one: reload() finds each, the plan then holds the file, and a
    snapshot taken before still holds the rows as they were."""
    path = tmp_path / "plan.gpkg"
    shutil.copy(imported, path)
    with Plan.open(path) as plan:
        before = take_snapshot(plan)
        old_source = before.table(WALK_NETWORK).column("source").copy()
        changed, removed = LINES // 2 + 1, LINES // 3
        conn = sqlite3.connect(path)
        conn.execute("UPDATE walk_network SET source = 'drawn', barrier = 'gate' WHERE fid = ?", (changed,))
        conn.execute("DELETE FROM walk_network WHERE fid = ?", (removed,))
        conn.execute("INSERT INTO walk_network (fid, geom, scenario, class, source, walkable, closed) "
                     "SELECT 5000, geom, scenario, class, 'cad', walkable, closed FROM walk_network WHERE fid = 1")
        conn.commit()
        conn.close()
        changes = plan.follow_file()
        assert changes.changed[WALK_NETWORK] == {changed}
        assert changes.removed[WALK_NETWORK] == {removed}
        assert changes.added[WALK_NETWORK] == {5000}
        assert_plan_holds_file(plan, path)
        assert np.array_equal(before.table(WALK_NETWORK).column("source"), old_source)
        assert set(old_source.tolist()) == {"osm"}


def test_an_edit_after_opening_changes_one_row_of_a_column_held_once(imported, tmp_path):
    """A column opening holds once is copied by the first edit that changes it: only that row
    changes, in memory and in the file."""
    from lifecircle_desktop.model import ChangeAttributes
    path = tmp_path / "plan.gpkg"
    shutil.copy(imported, path)
    with Plan.open(path) as plan:
        plan.apply(ChangeAttributes.of(plan, WALK_NETWORK, 5, source="drawn", closed=True))
        assert_plan_holds_file(plan, path)
        plan.reload()
        assert_plan_holds_file(plan, path)
        column = plan.table(WALK_NETWORK).column("source")
        assert sorted(set(column.tolist())) == ["drawn", "osm"] and (column == "drawn").sum() == 1

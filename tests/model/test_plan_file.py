"""The plan file is a real GeoPackage: GDAL (pyogrio) reads back exactly what the model wrote."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from lifecircle_desktop.model import AddFeature, ChangeAttributes, Plan, PlanError, SetManualAnswer, SetOverride
from lifecircle_desktop.model.edits import CreateScenario
from lifecircle_desktop.model.schema import LAYERS, SCHEMA_VERSION
from lifecircle_desktop.model.store import GPKG_APPLICATION_ID, GPKG_USER_VERSION, ForeignCode, remove_foreign_code
from tests.helpers import cli, sha256

GDAL_TYPES = {"POLYGON": "Polygon", "POINT": "Point", "LINESTRING": "LineString", "GEOMETRY": "Unknown"}


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "tongji.gpkg"
    r = cli("new", path, "--name", "同济新村", "--lonlat", "121.50,31.285", "--kind", "existing")
    assert r.returncode == 0, r.stderr
    with Plan.open(path) as plan:
        plan.apply(AddFeature("facilities", box(100, 200, 140, 260), {
            "type": "kindergarten", "name": "同济幼儿园", "floors": 3, "land_area": 3600.5, "status": "planned",
            "classes": 6, "funding": "区财政"}))
        plan.apply(AddFeature("facilities", Polygon([(0, 0), (30, 0), (30, 10), (15, 25), (0, 10)]), {
            "type": "elderly_service_station", "name": "老年服务站", "floors": 1}))
        plan.apply(AddFeature("residential", box(300, 300, 420, 380), {
            "name": "赤峰小区", "households": 420, "floors": 6, "estimated": True, "source": "osm"}))
        plan.apply(AddFeature("stops", Point(55.25, 66.125), {"type": "bus_stop", "name": "四平路站"}))
        plan.apply(AddFeature("entrances", Point(300, 340), {"layer": "residential", "feature": 1, "open": False}))
        plan.apply(AddFeature("walk_network", LineString([(0, -5), (500, -5), (500, 400)]), {"class": "footway"}))
        plan.apply(AddFeature("planning_units", box(-50, -50, 600, 600), {"kind": "community", "name": "同济社区"}))
        plan.apply(AddFeature("comments", Point(10, 10), {"text": "希望增加座椅", "author_role": "居民"}))
        plan.bulk_insert("basemap_buildings", [(box(500, 500, 520, 530), {"kind": "apartments", "levels": 6})])
        plan.bulk_insert("basemap_water", [(LineString([(0, 700), (900, 720)]), {"kind": "river", "name": "虹口港"})])
        plan.bulk_insert("basemap_landuse", [(box(0, 0, 1, 1), {"kind": "grass"})])
        plan.bulk_insert("basemap_roads", [(LineString([(0, 0), (1, 1)]), {"kind": "primary", "name": "四平路"})])
        expected = {layer: {f.fid: f for f in plan.features(layer, None)} for layer in LAYERS}
    return path, expected


def test_gdal_reads_every_layer_with_types_crs_geometry_and_attributes(filled):
    path, expected = filled
    layers = dict(pyogrio.list_layers(path))
    for name, spec in LAYERS.items():
        assert layers[name] == GDAL_TYPES[spec.geometry], name
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == "EPSG:32651"
        meta, fids, geoms, values = pyogrio.raw.read(path, layer=name, return_fids=True)
        assert sorted(fids.tolist()) == sorted(expected[name]), name
        fields = list(meta["fields"])
        for i, fid in enumerate(fids.tolist()):
            mine = expected[name][fid]
            theirs = shapely.from_wkb(geoms[i])
            assert shapely.equals_exact(theirs, mine.geometry, tolerance=0), (name, fid)
            assert np.array_equal(shapely.get_coordinates(theirs), shapely.get_coordinates(mine.geometry))
            for field in spec.fields:
                got = values[fields.index(field.name)][i]
                want = mine.attributes[field.name]
                if want is None:
                    assert got is None or (isinstance(got, float) and np.isnan(got)), (name, field.name, got)
                elif field.type is bool:
                    assert bool(got) == want
                else:
                    assert got == want, (name, field.name, got, want)
            if spec.editable:
                assert values[fields.index("scenario")][i] == "base"


def test_file_is_a_geopackage_1_3_in_wal(filled):
    path, _ = filled
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == GPKG_USER_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    srs = {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert {-1, 0, 4326, 32651} <= srs
    contents = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert all(contents[n] == "features" for n in LAYERS)
    assert contents["plan_meta"] == "attributes"
    conn.close()


def test_scenario_copy_keeps_entrances_on_the_copies(plan):
    res = plan.apply(AddFeature("residential", box(0, 0, 50, 50), {"households": 100})).edit.fid
    plan.apply(AddFeature("entrances", Point(0, 25), {"layer": "residential", "feature": res}))
    plan.apply(CreateScenario("方案B", "base"))
    assert [s.name for s in plan.scenarios()] == ["base", "方案B"]
    (copy,) = plan.features("residential", "方案B")
    (gate,) = plan.features("entrances", "方案B")
    assert copy.fid != res and gate["feature"] == copy.fid
    assert plan.features("entrances", "base")[0]["feature"] == res
    plan.apply(CreateScenario("空白"))
    assert plan.features("residential", "空白") == []


def make_version_2(path):
    """A plan as version 2 of the app wrote it: TEXT primary keys on the attribute tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for table, columns, key in VERSION_2_TABLES:
        names = ", ".join(c.split()[0] for c in columns)
        conn.execute(f"CREATE TABLE v2 ({', '.join(columns)}, PRIMARY KEY ({key}))")
        conn.execute(f"INSERT INTO v2 ({names}) SELECT {names} FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE v2 RENAME TO {table}")
    conn.execute("UPDATE plan_meta SET value='2' WHERE key='schema_version'")
    conn.execute("COMMIT")
    conn.close()


VERSION_2_TABLES = (
    ("plan_meta", ("key TEXT", "value TEXT NOT NULL"), "key"),
    ("scenarios", ("name TEXT", "parent TEXT", "created TEXT NOT NULL"), "name"),
    ("rule_packs", ("id TEXT", "text TEXT NOT NULL", "sha256 TEXT NOT NULL", "enabled BOOLEAN NOT NULL DEFAULT 1"), "id"),
    ("manual_checks", ("scenario TEXT NOT NULL", "rule TEXT NOT NULL", "answer TEXT", "note TEXT"), "scenario, rule"),
    ("rule_overrides", ("rule TEXT NOT NULL", "community_kind TEXT NOT NULL", "key TEXT NOT NULL",
                        "value REAL NOT NULL", "note TEXT"), "rule, community_kind, key"),
)


@pytest.fixture
def version_2(tmp_path):
    path = tmp_path / "old.gpkg"
    with Plan.create(path, "旧规划", 32651) as plan:
        plan.apply(AddFeature("facilities", box(0, 0, 30, 30), {"type": "kindergarten"}))
        plan.apply(CreateScenario("方案B", "base"))
        plan.apply(SetManualAnswer.of(plan, "方案B", "national_item_17", "yes", "居委会确认"))
        plan.apply(SetOverride.of(plan, "some_rule", "min", 250.0, "existing", "区里的标准"))
    make_version_2(path)
    return path


def test_migration_from_schema_1(version_2):
    conn = sqlite3.connect(version_2)
    conn.execute("DROP TABLE rule_overrides")
    conn.execute("DELETE FROM gpkg_contents WHERE table_name='rule_overrides'")
    conn.execute("UPDATE plan_meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Plan.open(version_2) as plan:
        assert plan.meta["schema_version"] == SCHEMA_VERSION
        plan.apply(SetOverride.of(plan, "x", "min", 1.0, "existing"))
        assert plan.override("x", "existing", "min") == (1.0, None)


def test_migration_to_integer_keys_keeps_everything(version_2):
    with Plan.open(version_2) as plan:
        plan.set_meta(district="杨浦区")  # the first write commits the migration
    conn = sqlite3.connect(version_2)
    for table, _, _ in VERSION_2_TABLES:
        assert [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({table})") if r[5]] == [("fid", "INTEGER")]
    conn.close()
    with Plan.open(version_2) as plan:
        assert plan.meta["schema_version"] == SCHEMA_VERSION and plan.name == "旧规划"
        assert [s.name for s in plan.scenarios()] == ["base", "方案B"]
        assert plan.manual_answer("方案B", "national_item_17") == ("yes", "居委会确认")
        assert plan.override("some_rule", "existing", "min") == (250.0, "区里的标准")
        plan.apply(SetManualAnswer.of(plan, "方案B", "national_item_17", "no"))  # keys still unique
        assert plan.manual_answers("方案B") == {"national_item_17": "no"}


def test_reading_an_old_plan_never_changes_it_even_when_the_reader_fails(version_2):
    """Issue 10 item 10: a failed `info` on an old plan committed the migration. Reading migrates
    nothing on disk; the migration is written with the first edit."""
    before = sha256(version_2)
    with pytest.raises(ZeroDivisionError):
        with Plan.open(version_2) as plan:
            assert plan.meta["schema_version"] == SCHEMA_VERSION
            1 / 0
    assert sha256(version_2) == before
    r = cli("info", version_2)
    assert r.returncode == 0, r.stderr
    assert sha256(version_2) == before


SAVE_AS_OLD_PLAN = """
import sys
from pathlib import Path
from lifecircle_desktop.model.session import PlanSession
with PlanSession.open(sys.argv[1]) as session:
    session.save_as(sys.argv[2])
    print(session.plan.meta["schema_version"], session.plan.name, session.plan.count("facilities"))
"""


def test_save_as_of_an_old_plan_copies_it_and_leaves_the_original(version_2, tmp_path):
    """Save As on a plan whose migration is not yet written hung for ever (the backup met the
    open write transaction). In a child process with a time limit, so a hang fails the test."""
    before = sha256(version_2)
    conn = sqlite3.connect(version_2)
    facilities = conn.execute("SELECT count(*) FROM facilities").fetchone()[0]  # base and 方案B
    conn.close()
    r = subprocess.run([sys.executable, "-c", SAVE_AS_OLD_PLAN, str(version_2), str(tmp_path / "副本")],
                       capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(SCHEMA_VERSION), "旧规划", str(facilities)]
    assert sha256(version_2) == before  # only read: the original keeps its old schema
    conn = sqlite3.connect(tmp_path / "副本.gpkg")
    assert conn.execute("SELECT count(*) FROM facilities").fetchone() == (facilities,)
    conn.close()


# --- code another program stored in the plan (issue 10 item 7) ------------------------------------
EVIL = {
    "deletes homes": "CREATE TRIGGER helper AFTER INSERT ON facilities BEGIN DELETE FROM residential; "
                     "UPDATE plan_meta SET value='\"pwned\"' WHERE key='name'; END",
    "fires on migration": "CREATE TRIGGER on_meta AFTER UPDATE ON plan_meta BEGIN DELETE FROM residential; END",
    "burns the CPU": "CREATE TRIGGER burn BEFORE UPDATE ON facilities BEGIN SELECT count(*) FROM "
                     "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n); END",
    "a view": "CREATE VIEW residential_view AS SELECT * FROM residential",
    "posing as GDAL's": "CREATE TRIGGER rtree_facilities_geom_insert AFTER INSERT ON facilities "
                        "BEGIN DELETE FROM residential; END",
}


@pytest.mark.parametrize("what", EVIL)
def test_code_another_program_stored_is_refused_before_any_write(tmp_path, what):
    path = tmp_path / "received.gpkg"
    with Plan.create(path, "收到的规划", 32651) as plan:
        plan.apply(AddFeature("residential", box(0, 0, 50, 50), {"households": 100}))
    if what == "fires on migration":
        make_version_2(path)
    conn = sqlite3.connect(path)
    conn.execute(EVIL[what])
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(ForeignCode) as err:
        Plan.open(path)
    name = EVIL[what].split()[2]
    assert name in err.value.message_en and "\n" not in err.value.message_en and err.value.message_zh
    r = cli("info", path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and name in r.stderr
    assert sha256(path) == before
    # With the planner's consent the code is removed, and then the plan is theirs to edit.
    assert remove_foreign_code(path) == [name]
    with Plan.open(path) as plan:
        plan.apply(AddFeature("facilities", box(100, 0, 130, 30), {"type": "kindergarten"}))
        plan.apply(ChangeAttributes.of(plan, "facilities", plan.features("facilities")[0].fid, name="幼儿园"))
        assert plan.count("residential") == 1 and plan.name == "收到的规划"


# --- read-only plans (issue 10 item 9) ------------------------------------------------------------
@pytest.fixture
def read_only_folder(tmp_path):
    """A folder on a read-only mount (as root: chmod does not stop root) or without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: folder.chmod(0o555)
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)]).returncode != 0:
        pytest.skip("running as root without permission to mount a read-only tmpfs")
    try:
        yield folder, lambda: subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    finally:
        subprocess.run(["umount", str(folder)])


def test_a_plan_in_a_read_only_folder_opens_read_only_and_leaves_nothing(read_only_folder):
    folder, make_read_only = read_only_folder
    path = folder / "plan.gpkg"
    with Plan.create(path, "只读", 32651) as plan:
        plan.apply(AddFeature("facilities", box(0, 0, 30, 30), {"type": "kindergarten"}))
    make_read_only()
    before = sha256(path)
    with Plan.open(path) as plan:
        assert plan.read_only and plan.store.read_only
        assert plan.count("facilities") == 1
        with pytest.raises(sqlite3.Error):
            plan.store.conn.execute("DELETE FROM facilities")
    assert sorted(os.listdir(folder)) == ["plan.gpkg"] and sha256(path) == before
    r = cli("info", path)
    assert r.returncode == 0 and "damaged" not in r.stderr, r.stderr
    with pytest.raises(PlanError, match="read-only"):
        Plan.create(folder / "another.gpkg", "另一个", 32651)


def test_an_old_plan_on_a_read_only_mount_reads_as_migrated(read_only_folder, tmp_path):
    folder, make_read_only = read_only_folder
    path = folder / "old.gpkg"
    with Plan.create(path, "旧", 32651):
        pass
    make_version_2(path)
    make_read_only()
    with Plan.open(path) as plan:
        assert plan.read_only and plan.meta["schema_version"] == SCHEMA_VERSION


def test_a_writable_plan_is_not_read_only(plan):
    assert not plan.read_only and not plan.store.read_only


def test_the_command_line_lists_code_stored_in_a_plan_and_removes_it_with_consent(tmp_path):
    """`lifecircle info` refuses such a plan and says how to agree; `remove-code` lists the code and
    changes nothing without --yes; with --yes the code goes (none of it ran) and the plan opens."""
    import sqlite3
    from tests.helpers import cli
    path = tmp_path / "received.gpkg"
    Plan.create(path, "收到", 32651).close()
    with sqlite3.connect(path) as conn:
        conn.execute('CREATE TRIGGER "wipe ""all""" AFTER INSERT ON facilities BEGIN DELETE FROM residential; END')
    before = path.read_bytes()
    refused = cli("info", path)
    assert refused.returncode == 2 and "remove-code" in refused.stderr and refused.stderr.count("\n") == 1
    listed = cli("remove-code", path)
    assert listed.returncode == 1 and 'wipe "all"' in listed.stdout and path.read_bytes() == before
    removed = cli("remove-code", path, "--yes")
    assert removed.returncode == 0 and 'wipe "all"' in removed.stdout
    assert cli("info", path).returncode == 0


def test_new_plan_ignores_a_wal_left_by_a_deleted_plan(tmp_path):
    """A plan deleted while its process died left its -wal behind: a new plan at that path must
    not replay it (it came back with the old plan's features)."""
    import sys

    from tests.helpers import ROOT
    path = tmp_path / "p.gpkg"
    code = ("import os\nfrom shapely.geometry import box\nfrom lifecircle_desktop.model import AddFeature, Plan\n"
            f"p = Plan.create({str(path)!r}, 'old', 32651)\n"
            "p.apply(AddFeature('facilities', box(0, 0, 10, 10), {'type': 'kindergarten'}))\n"
            "os._exit(0)\n")  # no close: the WAL is not checkpointed
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert os.path.getsize(f"{path}-wal") > 0
    path.unlink()
    with Plan.create(path, "new", 32651) as plan:
        assert plan.features("facilities") == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM facilities").fetchone() == (0,)

"""Opening what is not a plan gives one clear sentence and leaves the file byte-identical."""
import os
from pathlib import Path
import sqlite3

import pytest

from lifecircle_desktop.model import NotAPlan, Plan
from lifecircle_desktop.model.geometry import to_gpkg
from lifecircle_desktop.model.schema import LAYERS
from shapely.geometry import box
from lifecircle_desktop.model import AddFeature
from tests.helpers import cli, sha256


def _text(p):
    p.write_text("name,households\n同济新村,300\n", encoding="utf-8")


def _random(p):
    p.write_bytes(os.urandom(50_000))


def _sqlite(p):
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()


def _truncated(p):
    with Plan.create(p.with_name("full.gpkg"), "full", 32651) as plan:
        for i in range(200):
            plan.apply(AddFeature("facilities", box(i, 0, i + 5, 5), {"type": "supermarket", "name": "x" * 200}))
    data = p.with_name("full.gpkg").read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _empty(p):
    p.write_bytes(b"")


def _header_only(p):
    with Plan.create(p.with_name("full2.gpkg"), "full", 32651):
        pass
    p.write_bytes(p.with_name("full2.gpkg").read_bytes()[:100])


@pytest.mark.parametrize("make,words", [(_text, "not a plan"), (_random, "not a plan"), (_sqlite, "not a geopackage"),
                                        (_truncated, "truncated"), (_empty, "not a plan"),
                                        (_header_only, "truncated")])
def test_bad_file_clear_error_and_untouched(tmp_path, make, words):
    path = tmp_path / "bad.gpkg"
    make(path)
    before = sha256(path)
    listing = sorted(os.listdir(tmp_path))
    with pytest.raises(NotAPlan) as err:
        Plan.open(path)
    assert words in err.value.message_en.lower()
    assert "\n" not in err.value.message_en and err.value.message_zh
    r = cli("info", path)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert sha256(path) == before
    assert sorted(os.listdir(tmp_path)) == listing  # no -wal/-shm left beside it


def test_geopackage_of_another_program(tmp_path):
    path = tmp_path / "other.gpkg"
    with Plan.create(tmp_path / "p.gpkg", "p", 32651):
        pass
    conn = sqlite3.connect(tmp_path / "p.gpkg")
    conn.execute("DROP TABLE plan_meta")
    conn.commit()
    conn.close()
    os.replace(tmp_path / "p.gpkg", path)
    before = sha256(path)
    with pytest.raises(NotAPlan, match="not a lifecircle plan"):
        Plan.open(path)
    assert sha256(path) == before
    assert set(LAYERS)  # layers still there; we just do not claim the file


@pytest.mark.parametrize("reader", ["plan", "osm", "geojson"])
def test_missing_file_or_folder_named_in_one_sentence(tmp_path, plan, reader):
    from lifecircle_desktop.model.errors import PlanError
    from lifecircle_desktop.model.io.geojson import import_geojson
    from lifecircle_desktop.model.io.osm import import_osm
    read = {"plan": Plan.open, "osm": lambda p: import_osm(plan, p),
            "geojson": lambda p: import_geojson(plan, "facilities", p)}[reader]
    for path, words in ((tmp_path / "nowhere.gpkg", "does not exist"), (tmp_path, "this is a folder")):
        with pytest.raises(PlanError) as err:
            read(path)
        assert words in err.value.message_en and path.name in err.value.message_en
        assert "\n" not in err.value.message_en and err.value.message_zh


def _checkpoint_cut_short(folder):
    """A plan whose checkpoint was cut short (a kill, a full disk): the main file's header already
    counts the pages the log is copying in, the pages are not there yet, and the log holds them."""
    folder.mkdir()
    path = folder / "plan.gpkg"
    with Plan.create(path, "full", 32651):
        pass
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("BEGIN")
    for i in range(300):
        conn.execute("INSERT INTO facilities(geom, type, name) VALUES (?, 'supermarket', ?)",
                     [to_gpkg(box(i, 0, i + 5, 5), 32651), "x" * 300])
    conn.execute("COMMIT")
    before, log = path.read_bytes(), Path(str(path) + "-wal").read_bytes()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(FULL)")
    after = path.read_bytes()
    conn.close()
    assert len(after) > len(before)
    path.write_bytes(after[:page_size] + before[page_size:])
    Path(str(path) + "-wal").write_bytes(log)
    return path


def test_a_checkpoint_cut_short_is_not_damage_the_log_holds_every_edit(tmp_path):
    path = _checkpoint_cut_short(tmp_path / "cut")
    with Plan.open(path) as plan:
        assert plan.count("facilities") == 300
        assert plan.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_truncated_file_whose_log_lacks_the_missing_pages_is_still_damaged(tmp_path):
    path = _checkpoint_cut_short(tmp_path / "cut")
    wal = Path(str(path) + "-wal")
    wal.write_bytes(wal.read_bytes()[:32])  # the log's header only: it holds no page
    before = sha256(path)
    with pytest.raises(NotAPlan, match="truncated"):
        Plan.open(path)
    assert sha256(path) == before

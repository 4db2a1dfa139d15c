"""Offline tiles (issue 14 item 4): an MBTiles package made here is copied into the plan (only
around the plan), read back by sqlite3 and GDAL, undone and redone; bad packages are refused in
one sentence with the plan unchanged."""
import sqlite3

import pytest
from pyproj import Transformer
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import cli, snapshot
from tests.model.test_gdal_roundtrip import needs_gdal, validate_gpkg
from tests.rasterdata import mbtiles, png, xyz_tile

LON, LAT = 121.5190, 31.2920   # inside the Siping demo
TO_UTM = Transformer.from_crs(4326, 32651, always_xy=True)
Z = 17


@pytest.fixture
def session(tmp_path):
    """A plan with one home at (LON, LAT)."""
    e, n = TO_UTM.transform(LON, LAT)
    s = PlanSession(Plan.create(tmp_path / "p.gpkg", "四平", 32651))
    s.apply(AddFeature("residential", box(e - 20, n - 20, e + 20, n + 20), {"name": "甲"}))
    yield s
    s.close()


def package(tmp_path, scheme="tms", far=True, **kw):
    """2 × 2 tiles at zoom 17 around (LON, LAT), a zoom-16 parent, and one tile 100 km away."""
    x, y = xyz_tile(Z, LON, LAT)
    tiles = {(Z, x + i, y + j): png((40 + 100 * i, 40 + 100 * j, 90)) for i in range(2) for j in range(2)}
    tiles[(Z - 1, x // 2, y // 2)] = png((200, 200, 200))
    if far:
        tiles[(Z, *xyz_tile(Z, LON + 1.0, LAT))] = png((0, 0, 0))
    return mbtiles(tmp_path / f"t_{scheme}.mbtiles", tiles, scheme=scheme, **kw), tiles


def stored(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'basemap_tiles'").fetchone() is None:
            return {}  # no package imported yet: the tables do not exist
        return {(z, x, y): bytes(d) for z, x, y, d in conn.execute("SELECT zoom, x, y, data FROM basemap_tiles")}
    finally:
        conn.close()


@pytest.mark.parametrize("scheme", ["tms", "xyz"])
def test_tiles_around_the_plan_are_copied_with_xyz_numbers(tmp_path, session, scheme):
    path, tiles = package(tmp_path, scheme)
    changes = session.import_tiles(path)
    near = {k: v for k, v in tiles.items() if v != png((0, 0, 0))}
    assert changes.edit.count == len(near) == 5
    assert stored(session.plan.path) == near          # the far tile stayed out; rows flipped back to XYZ
    assert "© Test Maps" in session.credits()


def test_a_package_whose_tiles_are_a_view_is_read(tmp_path, session):
    x, y = xyz_tile(Z, LON, LAT)
    tiles = {(Z, x, y): png((10, 20, 30)), (Z, x + 1, y): png((10, 20, 30))}  # the same image twice
    session.import_tiles(mbtiles(tmp_path / "dedup.mbtiles", tiles, deduplicated=True))
    assert stored(session.plan.path) == tiles


def test_an_empty_plan_takes_a_small_package_whole_and_refuses_a_big_one(tmp_path, monkeypatch):
    from lifecircle_desktop.model import rasters
    with PlanSession(Plan.create(tmp_path / "empty.gpkg", "空", 32651)) as empty:
        path, tiles = package(tmp_path)
        assert empty.import_tiles(path).edit.count == len(tiles)  # nothing to clip to: all of it
        empty.undo()
        monkeypatch.setattr(rasters, "MAX_UNCLIPPED_TILES", 3)
        with pytest.raises(PlanError) as err:
            empty.import_tiles(path)
        assert "has no features yet" in err.value.message_en and stored(empty.plan.path) == {}


def test_attribution_html_becomes_one_plain_credit_line(tmp_path, session):
    path, _ = package(tmp_path, attribution='<a href="https://example.org">&copy; 某某地图 &amp; Co</a>')
    session.import_tiles(path)
    assert "© 某某地图 & Co" in session.credits()


def test_undo_removes_tiles_and_credit_redo_brings_them_back(tmp_path, session):
    path, tiles = package(tmp_path)
    before = snapshot(session.plan)
    session.import_tiles(path)
    session.undo()
    assert stored(session.plan.path) == {}
    assert "© Test Maps" not in session.credits()
    assert snapshot(session.plan) == before
    session.redo()
    assert len(stored(session.plan.path)) == 5 and "© Test Maps" in session.credits()


@needs_gdal
def test_plan_with_tiles_passes_gdals_validator(tmp_path, session):
    path, _ = package(tmp_path)
    session.import_tiles(path)
    session.close()
    assert validate_gpkg(session.plan.path) == ""


def _refused(session, path, words_en: str, words_zh: str = ""):
    before = snapshot(session.plan)
    with pytest.raises(PlanError) as err:
        session.import_tiles(path)
    assert words_en in err.value.message_en, err.value.message_en
    assert words_zh in err.value.message_zh, err.value.message_zh
    assert "\n" not in err.value.message_en and "\n" not in err.value.message_zh
    assert snapshot(session.plan) == before and stored(session.plan.path) == {}
    assert session.credits() == []


def test_bad_packages_are_refused_in_one_sentence(tmp_path, session):
    text = tmp_path / "notes.mbtiles"
    text.write_text("not a database", encoding="utf-8")
    _refused(session, text, "not an SQLite database", "不是 SQLite")
    empty = tmp_path / "empty.mbtiles"
    sqlite3.connect(empty).execute("CREATE TABLE other (a)").connection.close()
    _refused(session, empty, "no metadata or tiles table", "缺少")
    no_tiles = mbtiles(tmp_path / "no_tiles.mbtiles", {}, tiles_table=False)
    _refused(session, no_tiles, "no tiles table")
    vector = mbtiles(tmp_path / "vector.mbtiles", {(14, 1, 1): b"\x1f\x8b\x08\x00"}, fmt="pbf")
    _refused(session, vector, "vector tiles are not supported", "矢量瓦片暂不支持")
    far = mbtiles(tmp_path / "far.mbtiles", {(Z, *xyz_tile(Z, LON + 1.0, LAT)): png((0, 0, 0))})
    _refused(session, far, "does not cover the plan", "不覆盖规划区域")
    _refused(session, tmp_path / "missing.mbtiles", "does not exist", "不存在")
    truncated = tmp_path / "truncated.mbtiles"
    truncated.write_bytes(package(tmp_path)[0].read_bytes()[:3000])
    _refused(session, truncated, "")  # the sentence SQLite's reader gives; never a traceback


def test_cli_imports_and_reports_one_line_errors(tmp_path, session):
    path, _ = package(tmp_path)
    session.close()
    done = cli("import-tiles", session.plan.path, path)
    assert done.returncode == 0, done.stderr
    assert "imported 5 tiles" in done.stdout and "© Test Maps" in done.stdout
    vector = mbtiles(tmp_path / "vector.mbtiles", {(14, 1, 1): b"\x1f\x8b"}, fmt="pbf")
    bad = cli("import-tiles", session.plan.path, vector)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert len(stored(session.plan.path)) == 5
    info = cli("info", session.plan.path)
    assert "tile package test tiles (5 tiles, zoom 16–17)" in info.stdout

"""Scanned plans (issue 14 item 3): stored inside the plan as a pyramid of tiles, placed by control
points, undoable; bad images and bad control points refused in one sentence, the plan unchanged."""
import io
import sqlite3

import numpy as np
import pytest
from PIL import Image
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.georef import Georef
from lifecircle_desktop.model.rasters import images
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import cli, snapshot
from tests.model.test_gdal_roundtrip import needs_gdal, validate_gpkg

E0, N0 = 357000.0, 3463000.0
# Three pixels and where they are on the map: 0.5 m per pixel, north up, image y down.
CONTROL = [((0, 0), (E0, N0)), ((1200, 0), (E0 + 600, N0)), ((0, 900), (E0, N0 - 450))]


@pytest.fixture
def session(tmp_path):
    s = PlanSession(Plan.create(tmp_path / "p.gpkg", "四平", 32651))
    s.apply(AddFeature("residential", box(E0, N0 - 400, E0 + 500, N0), {"name": "甲"}))
    yield s
    s.close()


def scan(path, size=(1200, 900), fmt="PNG", smooth=False, **save):
    """Noise (incompressible, so no tile is trivially equal to another) on a paper colour; ``smooth``:
    gradients instead (what a lossy format keeps)."""
    rng = np.random.default_rng(1)
    if smooth:
        yy, xx = np.mgrid[0:size[1], 0:size[0]]
        pixels = np.stack([xx * 255 // size[0], yy * 255 // size[1], (xx + yy) % 256], axis=2).astype(np.uint8)
    else:
        pixels = rng.integers(180, 256, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, fmt, **save)
    return path, pixels


def stored_level(path, image_id, level) -> np.ndarray:
    """A pyramid level put back together from the plan file (sqlite3, decoded by Pillow)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT col, row, data FROM basemap_image_tiles WHERE image = ? AND level = ?",
                            (image_id, level)).fetchall()
        size = conn.execute("SELECT tile_size FROM basemap_images WHERE fid = ?", (image_id,)).fetchone()[0]
    finally:
        conn.close()
    tiles = {(c, r): np.asarray(Image.open(io.BytesIO(d)).convert("RGB")) for c, r, d in rows}
    width = sum(t.shape[1] for (c, r), t in tiles.items() if r == 0)
    height = sum(t.shape[0] for (c, r), t in tiles.items() if c == 0)
    out = np.zeros((height, width, 3), np.uint8)
    for (c, r), t in tiles.items():
        out[r * size:r * size + t.shape[0], c * size:c * size + t.shape[1]] = t
    return out


def test_png_is_stored_losslessly_with_a_halving_pyramid(tmp_path, session):
    path, pixels = scan(tmp_path / "总图.png")
    changes = session.import_image(path, CONTROL)
    (found,) = images(session.plan)
    assert (found.width, found.height, found.format, found.name, found.source) == (1200, 900, "png", "总图", "总图.png")
    assert found.levels == 3  # 1200 → 600 → 300 px: one 512-px tile holds the last
    assert np.array_equal(stored_level(session.plan.path, found.fid, 0), pixels)
    assert stored_level(session.plan.path, found.fid, 1).shape == (450, 600, 3)
    assert stored_level(session.plan.path, found.fid, 2).shape == (225, 300, 3)
    assert changes.edit.image.fid == found.fid


def test_control_points_place_the_scan_and_the_placement_is_kept(tmp_path, session):
    path, _ = scan(tmp_path / "scan.png")
    session.import_image(path, CONTROL)
    placed = Georef.from_json(images(session.plan)[0].georef)
    # A pixel's place by hand: 0.5 m per pixel east, and south as y grows.
    assert np.allclose(placed.apply((300, 200)), (E0 + 150, N0 - 100), atol=1e-6)
    assert placed.kind == "affine" and placed.rmse < 1e-6


def test_unplaced_then_placed_then_undone(tmp_path, session):
    path, _ = scan(tmp_path / "scan.png")
    session.import_image(path)
    (found,) = images(session.plan)
    assert found.georef is None and found.placement is None
    from lifecircle_desktop.model.georef import fit
    session.place_image(found.fid, fit(CONTROL[:2], "similarity", y_down=True))
    assert images(session.plan)[0].placement.kind == "similarity"
    session.undo()
    assert images(session.plan)[0].georef is None
    session.redo()
    assert images(session.plan)[0].placement is not None


def test_opacity_is_undoable_and_checked(tmp_path, session):
    path, _ = scan(tmp_path / "scan.png")
    session.import_image(path, CONTROL)
    session.set_image_opacity(1, 0.5)
    assert images(session.plan)[0].opacity == 0.5
    session.undo()
    assert images(session.plan)[0].opacity == 1.0
    with pytest.raises(PlanError) as err:
        session.set_image_opacity(1, 1.5)
    assert "between 0 and 1" in err.value.message_en


def test_undoing_the_import_removes_it_and_redo_puts_back_the_same(tmp_path, session):
    path, pixels = scan(tmp_path / "scan.png")
    before = snapshot(session.plan)
    session.import_image(path, CONTROL)
    session.undo()
    assert images(session.plan) == [] and snapshot(session.plan) == before
    session.redo()
    assert np.array_equal(stored_level(session.plan.path, images(session.plan)[0].fid, 0), pixels)


@pytest.mark.parametrize("fmt,save", [("JPEG", {"quality": 95}), ("TIFF", {"compression": "tiff_lzw"})])
def test_jpeg_and_tiff_come_in_as_jpeg_tiles(tmp_path, session, fmt, save):
    path, pixels = scan(tmp_path / f"scan.{fmt.lower()}", (700, 300), fmt, smooth=True, **save)
    session.import_image(path, CONTROL)
    (found,) = images(session.plan)
    assert (found.width, found.height, found.format, found.levels) == (700, 300, "jpeg", 2)
    level0 = stored_level(session.plan.path, found.fid, 0).astype(int)
    assert level0.shape == pixels.shape
    source = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert np.abs(level0 - source).mean() < 4  # JPEG, not a different picture


def _refused(session, words_en, words_zh, *args, **kw):
    before = snapshot(session.plan)
    with pytest.raises(PlanError) as err:
        session.import_image(*args, **kw)
    assert words_en in err.value.message_en, err.value.message_en
    assert words_zh in err.value.message_zh, err.value.message_zh
    assert "\n" not in err.value.message_en + err.value.message_zh
    assert snapshot(session.plan) == before and images(session.plan) == []


def test_bad_images_and_control_points_are_refused_in_one_sentence(tmp_path, session):
    text = tmp_path / "plan.png"
    text.write_text("this is not a picture", encoding="utf-8")
    _refused(session, "is not a PNG, JPEG or TIFF image", "不是 PNG", text)
    path, _ = scan(tmp_path / "scan.png")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])
    _refused(session, "damaged or incomplete", "已损坏或不完整", truncated)
    _refused(session, "does not exist", "不存在", tmp_path / "missing.png")
    collinear = [((0, 0), (E0, N0)), ((100, 100), (E0 + 50, N0 - 50)), ((200, 200), (E0 + 100, N0 - 100))]
    _refused(session, "collinear", "共线", path, collinear, kind="affine")
    _refused(session, "at least 2 control points", "至少需要 2 个控制点", path, CONTROL[:1])


def test_an_oversized_scan_is_refused_before_it_is_decoded(tmp_path, session, monkeypatch):
    from lifecircle_desktop.model.io import image as image_module
    monkeypatch.setattr(image_module, "MAX_PIXELS", 1_000_000)
    path, _ = scan(tmp_path / "big.png", (1200, 900))
    _refused(session, "the image is too large (1200×900 pixels", "图像过大", path)


@needs_gdal
def test_plan_with_a_scan_passes_gdals_validator(tmp_path, session):
    path, _ = scan(tmp_path / "scan.png")
    session.import_image(path, CONTROL)
    session.close()
    assert validate_gpkg(session.plan.path) == ""


def test_cli_import_image_with_control_points(tmp_path, session):
    path, _ = scan(tmp_path / "scan.png")
    session.close()
    args = [f"--control={px},{py}={e},{n}" for (px, py), (e, n) in CONTROL]
    done = cli("import-image", session.plan.path, path, *args, "--opacity", "0.5")
    assert done.returncode == 0, done.stderr
    assert "RMSE 0.00 m" in done.stdout and "3 control points (affine)" in done.stdout
    with Plan.open(session.plan.path) as plan:
        (found,) = images(plan)
        assert found.opacity == 0.5 and Georef.from_json(found.georef).kind == "affine"
    assert "scan scan (1200×900 px, placed, RMSE 0.00 m)" in cli("info", session.plan.path).stdout
    bad = cli("import-image", session.plan.path, path, "--control=0,0=1,1", "--control=5,5=2,2", "--control=9,9=3,3",
              "--kind", "affine")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1

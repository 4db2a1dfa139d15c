"""Raster base maps on the canvas (issue 14 items 3, 4): tiles and scans land where an independent
calculation says, seen as pixels of the rendered canvas."""
import math

import numpy as np
import pytest
from pyproj import Transformer
from PySide6.QtCore import QPointF
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.map.view import MapView
from tests.rasterdata import mbtiles, png, tile_lonlat, xyz_tile
from tests.ui.test_canvas import catalogue  # noqa: F401 (fixture)

LON, LAT = 121.5190, 31.2920   # inside the Siping demo
TO_UTM = Transformer.from_crs(4326, 32651, always_xy=True)
COLOURS = {(0, 0): (220, 30, 30), (1, 0): (30, 180, 30), (0, 1): (30, 30, 220), (1, 1): (230, 200, 20)}


@pytest.fixture
def session(tmp_path):
    e, n = TO_UTM.transform(LON, LAT)
    s = PlanSession(Plan.create(tmp_path / "p.gpkg", "四平", 32651))
    s.apply(AddFeature("residential", box(e - 400, n - 400, e - 380, n - 380), {"name": "甲"}))  # away from the tiles
    yield s
    s.close()


@pytest.fixture
def canvas(qtbot, catalogue):  # noqa: F811
    c = MapView(catalogue)
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.show()
    qtbot.waitExposed(c)
    return c


def rgb(image, p: QPointF):
    c = image.pixelColor(round(p.x()), round(p.y()))
    return c.red(), c.green(), c.blue()


def near(colour, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def frame(canvas):
    canvas.render_now()
    canvas.viewport().repaint()
    return canvas.viewport().grab().toImage()


@pytest.mark.parametrize("scheme", ["tms", "xyz"])
def test_tiles_show_under_the_plan_where_their_corners_are(tmp_path, session, canvas, scheme):
    z = 17
    x, y = xyz_tile(z, LON, LAT)
    tiles = {(z, x + i, y + j): png(c) for (i, j), c in COLOURS.items()}
    session.import_tiles(mbtiles(tmp_path / "t.mbtiles", tiles, scheme=scheme))
    # The corner the four tiles share, by the slippy-map formula and pyproj (not the layer's code).
    e, n = TO_UTM.transform(*tile_lonlat(z, x + 1, y + 1))
    session.add("residential", box(e - 120, n + 80, e - 80, n + 120), name="乙")  # a home on the red tile
    canvas.set_plan(session.plan)
    canvas.set_credits(session.credits())
    canvas.show_extent((e - 200, n - 150, e + 200, n + 150))
    image = frame(canvas)
    centre = canvas.mapFromScene(QPointF(e, n))
    centre = QPointF(centre.x(), centre.y())
    px = 1 / canvas.scale_factor()  # metres per screen pixel
    assert px < 1.0
    for (i, j), colour in COLOURS.items():
        # Two pixels from the shared corner into each tile: a misplaced tile would show its neighbour.
        at = canvas.mapFromScene(QPointF(e + (2 * px if i else -2 * px), n + (-2 * px if j else 2 * px)))
        assert near(rgb(image, QPointF(at)), colour), (i, j, rgb(image, QPointF(at)))
    home = rgb(image, QPointF(canvas.mapFromScene(QPointF(e - 110, n + 90))))
    assert not near(home, COLOURS[(0, 0)], 6)  # the plan's home is drawn over the tiles
    assert "© Test Maps" in canvas.credits()


def test_tile_layer_picks_the_zoom_of_the_scale(tmp_path, session, canvas):
    """Zoomed out, the parent tile (zoom 16) is drawn, not the zoom-17 tiles."""
    x, y = xyz_tile(17, LON, LAT)
    tiles = {(17, x, y): png((220, 30, 30)), (16, x // 2, y // 2): png((30, 30, 220))}
    session.import_tiles(mbtiles(tmp_path / "t.mbtiles", tiles))
    canvas.set_plan(session.plan)
    w, s_ = tile_lonlat(17, x, y + 1)
    e_, n_ = tile_lonlat(17, x + 1, y)
    (x0, x1), (y0, y1) = TO_UTM.transform([w, e_], [s_, n_])
    middle = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
    canvas.show_extent((middle.x() - 100, middle.y() - 75, middle.x() + 100, middle.y() + 75))
    assert near(rgb(frame(canvas), QPointF(canvas.mapFromScene(middle))), (220, 30, 30))
    canvas.show_extent((middle.x() - 1500, middle.y() - 1100, middle.x() + 1500, middle.y() + 1100))
    assert near(rgb(frame(canvas), QPointF(canvas.mapFromScene(middle))), (30, 30, 220))


def test_undoing_the_import_clears_the_tiles_from_the_canvas(tmp_path, session, canvas):
    x, y = xyz_tile(17, LON, LAT)
    session.import_tiles(mbtiles(tmp_path / "t.mbtiles", {(17, x, y): png((220, 30, 30))}))
    canvas.set_plan(session.plan)
    assert canvas.layer_view("basemap_tiles").fids() == [1]
    changes = session.undo()
    canvas.refresh(changes)
    assert canvas.layer_view("basemap_tiles").fids() == []
    assert math.isfinite(canvas.scale_factor()) and np.isfinite(canvas.view_extent()).all()


# --- scanned plans --------------------------------------------------------------------------------
# A known affine placement of the test scan: E = E0 + a·px + b·py, N = N0 + c·px + d·py (y down: d < 0),
# half a metre per pixel, turned by 20°, a little sheared — what three control points will give.
ANGLE = math.radians(20)
A, B = 0.5 * math.cos(ANGLE), 0.5 * math.sin(ANGLE) + 0.03
C, D = 0.5 * math.sin(ANGLE), -0.5 * math.cos(ANGLE)


def place(e0, n0, px, py):
    return e0 + A * px + B * py, n0 + C * px + D * py


def scan_png(path, mark=(250, 120)):
    """A 400 × 300 paper-coloured scan with a 6 × 6 magenta block centred on pixel corner ``mark``."""
    from PySide6.QtGui import QColor, QImage
    image = QImage(400, 300, QImage.Format_RGB32)
    image.fill(QColor(245, 240, 225))
    for yy in range(mark[1] - 3, mark[1] + 3):
        for xx in range(mark[0] - 3, mark[0] + 3):
            image.setPixelColor(xx, yy, QColor(255, 0, 255))
    assert image.save(str(path), "PNG")
    return path


def test_scan_placed_by_three_points_shows_its_pixel_at_its_map_coordinate(tmp_path, session, canvas):
    e0, n0 = TO_UTM.transform(LON, LAT)
    corners = [(0, 0), (400, 0), (0, 300)]
    control = [((px, py), place(e0, n0, px, py)) for px, py in corners]
    session.import_image(scan_png(tmp_path / "scan.png"), control, kind="affine")
    canvas.set_plan(session.plan)
    target = place(e0, n0, 250, 120)
    canvas.show_extent((target[0] - 60, target[1] - 45, target[0] + 60, target[1] + 45))
    image = frame(canvas)
    image = image.convertToFormat(image.Format.Format_RGB888)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = pixels[:, :image.width() * 3].reshape(image.height(), image.width(), 3)
    magenta = np.argwhere((pixels[:, :, 0] > 200) & (pixels[:, :, 1] < 80) & (pixels[:, :, 2] > 200))
    assert len(magenta) > 20
    found = magenta.mean(axis=0)[::-1] + 0.5  # (x, y) of the block's centre in viewport pixels
    expected = canvas.mapFromScene(QPointF(*target))
    one_scan_pixel = 0.5 * canvas.scale_factor()  # screen pixels per scan pixel
    assert math.hypot(found[0] - expected.x(), found[1] - expected.y()) <= one_scan_pixel


def test_unplaced_scan_shows_beside_the_plan_with_a_hint(tmp_path, session, canvas):
    session.import_image(scan_png(tmp_path / "scan.png"))
    canvas.set_plan(session.plan)
    view = canvas.layer_view("basemap_images")
    (fid,) = view.fids()
    transform, placed = view.transform(fid)
    assert not placed
    x1 = max(f.geometry.bounds[2] for f in session.plan.features("residential"))
    y1 = max(f.geometry.bounds[3] for f in session.plan.features("residential"))
    corner = transform.map(QPointF(0, 0))
    assert corner.x() > x1 and abs(corner.y() - y1) < 1e-6  # right of the plan's features, tops aligned


def test_opacity_is_an_undoable_edit_seen_on_the_canvas(tmp_path, session, canvas):
    e0, n0 = TO_UTM.transform(LON, LAT)
    control = [((px, py), place(e0, n0, px, py)) for px, py in [(0, 0), (400, 0), (0, 300)]]
    session.import_image(scan_png(tmp_path / "scan.png"), control)
    canvas.set_plan(session.plan)
    target = place(e0, n0, 250, 120)
    canvas.show_extent((target[0] - 60, target[1] - 45, target[0] + 60, target[1] + 45))
    at = QPointF(canvas.mapFromScene(QPointF(*target)))
    opaque = rgb(frame(canvas), at)
    canvas.refresh(session.set_image_opacity(1, 0.5))
    half = rgb(frame(canvas), at)
    assert near(opaque, (255, 0, 255)) and not near(half, (255, 0, 255))
    assert half[1] > 60  # the paper-coloured base map shows through
    canvas.refresh(session.undo())
    assert near(rgb(frame(canvas), at), (255, 0, 255))

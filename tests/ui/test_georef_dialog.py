"""The georeferencing dialog (issue 14 item 2) and scans in the window: clicks make control points,
the RMSE follows each click and each removed row, collinear points are refused with the reason,
OK places the scan as one undoable step."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox

from lifecircle_desktop.model.rasters import images
from lifecircle_desktop.ui.georef_dialog import GeorefDialog, image_scene
from lifecircle_desktop.ui.map.view import MapView
from tests.ui.test_canvas import catalogue  # noqa: F401 (fixture)
from tests.ui.test_raster_layers import frame, near, place, rgb, scan_png, session  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen dialogs


def lstsq_rmse(pairs) -> float:
    """The affine least-squares RMSE by plain numpy: the test's own oracle."""
    src = np.array([[x, y, 1.0] for (x, y), _ in pairs])
    dst = np.array([m for _, m in pairs])
    coef, *_ = np.linalg.lstsq(src, dst, rcond=None)
    return float(np.sqrt((np.hypot(*(src @ coef - dst).T) ** 2).mean()))


@pytest.fixture
def dialog(qtbot, session, catalogue):  # noqa: F811
    picture = QImage(400, 300, QImage.Format_RGB32)
    picture.fill(QColor(245, 240, 225))
    canvas = MapView(catalogue)
    canvas.set_plan(session.plan)
    d = GeorefDialog(image_scene(picture), canvas, y_down=True)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.source_view.fit()
    x0, y0, x1, y1 = canvas.plan_extent()
    d.origin = ((x0 + x1) / 2 - 100, (y0 + y1) / 2 - 50)
    canvas.show_extent((d.origin[0] - 50, d.origin[1] - 150, d.origin[0] + 250, d.origin[1] + 150))
    return d


def click_pair(qtbot, d, pixel, where):
    src = d.source_view
    qtbot.mouseClick(src.viewport(), Qt.LeftButton, Qt.NoModifier, src.mapFromScene(QPointF(*pixel)))
    qtbot.mouseClick(d.canvas.viewport(), Qt.LeftButton, Qt.NoModifier, d.canvas.mapFromScene(QPointF(*where)))


def test_three_pairs_show_the_rmse_removing_one_updates_it(qtbot, dialog):
    e0, n0 = dialog.origin
    targets = [((20, 20), place(e0, n0, 20, 20)), ((380, 30), place(e0, n0, 380, 30)),
               ((60, 280), place(e0, n0, 60, 280)), ((300, 250), place(e0, n0, 300, 250))]
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    click_pair(qtbot, dialog, *targets[0])
    assert dialog.georef() is None and not ok.isEnabled() and dialog.message_text()  # one pair: not yet
    for pixel, where in targets[1:]:
        click_pair(qtbot, dialog, pixel, where)
    pairs = dialog.pairs()
    assert len(pairs) == 4 and dialog.table.rowCount() == 4
    metre_per_px = 1 / dialog.canvas.scale_factor()
    for (s, m), (pixel, where) in zip(pairs, targets):  # the clicks landed where aimed (to a pixel)
        assert np.hypot(s[0] - pixel[0], s[1] - pixel[1]) <= 1.5
        assert np.hypot(m[0] - where[0], m[1] - where[1]) <= 1.5 * metre_per_px
    expected = lstsq_rmse(pairs)
    assert f"{expected:.2f}" in dialog.rmse_label.text() and "affine" in dialog.rmse_label.text()
    assert dialog.rmse() == pytest.approx(expected, abs=1e-6)
    residuals = [float(dialog.table.item(r, 4).text()) for r in range(4)]
    assert np.sqrt(np.mean(np.square(residuals))) == pytest.approx(expected, abs=0.01)
    assert ok.isEnabled()
    dialog.table.selectRow(3)
    dialog.remove_selected()
    assert len(dialog.pairs()) == 3
    assert dialog.rmse() == pytest.approx(0.0, abs=1e-6)  # three points fix an affine exactly
    dialog.remove_point(2)
    assert dialog.georef().kind == "similarity" and "similarity" in dialog.rmse_label.text()


def test_collinear_points_are_refused_with_the_reason(qtbot, dialog):
    e0, n0 = dialog.origin
    dialog.kind.setCurrentIndex(dialog.kind.findData("affine"))
    for k in range(3):  # along one row of the scan (one row of screen pixels: exactly on a line)
        pixel = (50 + 150 * k, 150)
        click_pair(qtbot, dialog, pixel, place(e0, n0, *pixel))
    assert dialog.georef() is None
    assert "collinear" in dialog.message_text()
    assert not dialog.buttons.button(QDialogButtonBox.Ok).isEnabled()


def test_window_imports_a_scan_places_it_and_undoes(qtbot, window, tmp_path):
    layers = window.raster_layers
    path = scan_png(tmp_path / "总图扫描.png")
    assert layers.import_scan(str(path), open_dialog=False) is not None
    (scan,) = images(window.document.plan)
    assert scan.georef is None and any("not placed" in row for row in layers.rows())
    assert window.document.stack.undoText().endswith("Import scan 总图扫描")  # a step of the whole plan
    d = layers.georeference(scan.fid)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    for pixel in [(0, 0), (400, 0), (0, 300)]:
        d.add_source_point(*pixel)
        d.add_map_point(*place(0, 0, *pixel))
    # The map pane previews the scan where the points put it: its magenta mark at its map position.
    mark = place(0, 0, 250, 120)
    d.canvas.show_extent((mark[0] - 30, mark[1] - 20, mark[0] + 30, mark[1] + 20))
    assert near(rgb(frame(d.canvas), QPointF(d.canvas.mapFromScene(QPointF(*mark)))), (255, 128, 255), 70)
    d.accept()
    placed = images(window.document.plan)[0].placement
    assert np.allclose(placed.apply((250, 120)), place(0, 0, 250, 120), atol=1e-6)
    assert not any("not placed" in row for row in layers.rows())
    window.show()
    qtbot.waitExposed(window)
    mark = place(0, 0, 250, 120)
    window.canvas.show_extent((mark[0] - 15, mark[1] - 15, mark[0] + 15, mark[1] + 15))
    at = QPointF(window.canvas.mapFromScene(QPointF(*mark)))
    assert near(rgb(frame(window.canvas), at), (255, 0, 255))
    layers.set_shown("image", scan.fid, False)  # unticked in the layers panel: off the map
    assert not near(rgb(frame(window.canvas), at), (255, 0, 255), 60)
    layers.set_shown("image", scan.fid, True)
    window.document.undo()
    assert images(window.document.plan)[0].georef is None
    layers.set_opacity("image", scan.fid, 0.5)
    assert images(window.document.plan)[0].opacity == 0.5 and any("50 %" in row for row in layers.rows())


def test_window_refuses_a_bad_image_in_the_status_bar(qtbot, window, tmp_path):
    bad = tmp_path / "scan.png"
    bad.write_text("no", encoding="utf-8")
    assert window.raster_layers.import_scan(str(bad), open_dialog=False) is None
    assert "is not a PNG, JPEG or TIFF image" in window.statusBar().currentMessage()
    assert images(window.document.plan) == []
    assert window.raster_layers.menu_for(window.raster_layers.top) is not None
    from PySide6.QtGui import QAction
    texts = {a.text() for a in window.menuBar().findChildren(QAction)}
    assert {"Import Scanned Plan…", "Import Offline Tiles (MBTiles)…"} <= texts

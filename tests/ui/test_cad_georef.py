"""CAD drawings placed by clicking (issue 14 point 2): the import dialog's "Pick control points on the
map…" opens the georeferencing dialog with the drawing in its own coordinates; three clicked pairs
come back into the control-point table with their residuals; the layers panel's "Georeference…" on
the CAD base map places an imported drawing again, and Ctrl+Z puts it back."""
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence

from lifecircle_desktop.model.io.dxf import read_dxf
from lifecircle_desktop.ui.georef_dialog import GeorefDialog
from lifecircle_desktop.ui.panels.import_dxf import CadImportDialog
from tests.model.test_import_dxf import build
from tests.ui.test_canvas import catalogue  # noqa: F401 (fixture)
from tests.ui.test_import_dxf import CONTROL, to_grid

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen dialogs

# Drawing points (mm) to click: three corners of what the test drawing holds.
CORNERS = [(0.0, 0.0), (200_000.0, -10_000.0), (-10_000.0, 110_000.0)]


def click(qtbot, view, x, y):
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene(QPointF(x, y)))


def pixel_size(view) -> float:
    """Scene units per screen pixel of a view (its scale, whatever the y axis's sign)."""
    t = view.transform()
    return 1.0 / abs(t.m11())


def test_pick_on_map_opens_the_drawing_and_three_clicked_pairs_fill_the_table(qtbot, tmp_path, grid, catalogue):  # noqa: F811
    plan, _ = grid
    drawing = read_dxf(build(tmp_path / "总图.dxf"))
    dialog = CadImportDialog(drawing, catalogue=catalogue, plan=plan)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.pick, Qt.MouseButton.LeftButton)
    georef = dialog.georef_dialog
    assert isinstance(georef, GeorefDialog) and georef.isVisible()
    source = georef.source_view
    # The drawing, in drawing millimetres (the road at y = −10 m from x = −10 m to 200 m, the arc up to
    # y = 120 m, as build() draws them), with y up.
    rect = source.scene().itemsBoundingRect()
    assert rect.left() == pytest.approx(-10_000, abs=50) and rect.right() == pytest.approx(200_000, abs=50)
    assert rect.top() == pytest.approx(-10_000, abs=50) and rect.bottom() == pytest.approx(120_000, abs=50)
    assert source.transform().m22() < 0
    assert not georef.preview.isVisible()  # no points yet: nothing to preview on the map
    georef.resize(1400, 900)
    qtbot.waitExposed(georef)
    source.fit()
    georef.canvas.show_extent((-20, 0, 230, 150))
    for x, y in CORNERS:
        click(qtbot, source, x, y)
        click(qtbot, georef.canvas, *to_grid(x, y))
    assert len(georef.pairs()) == 3
    src_px, map_px = pixel_size(source), pixel_size(georef.canvas)
    for ((x, y), (e, n)), corner in zip(georef.pairs(), CORNERS):
        assert np.hypot(x - corner[0], y - corner[1]) <= 1.5 * src_px
        assert np.hypot(e - to_grid(*corner)[0], n - to_grid(*corner)[1]) <= 1.5 * map_px
    # The map pane previews the drawing where the points put it: drawing (100 m, 50 m) on its map point.
    preview = georef.preview
    assert preview.isVisible()
    at = preview.mapToScene(QPointF(100_000, 50_000))
    assert np.hypot(at.x() - to_grid(100_000, 50_000)[0], at.y() - to_grid(100_000, 50_000)[1]) < 4 * map_px
    georef.accept()
    # The picked pairs are the table's rows now, with residuals and the RMSE as for typed points.
    assert dialog.by_control.isChecked() and dialog.control.rowCount() == 3
    typed = dialog.control_points()
    for (xy, en), (pxy, pen) in zip(typed, georef.pairs()):
        assert np.allclose(xy, pxy, atol=1e-3) and np.allclose(en, pen, atol=1e-3)
    assert all(dialog.control.item(r, 4).text() for r in range(3))
    assert "RMSE" in dialog.rmse.text()
    # Placed by the clicked points, a point of the drawing lands within a few pixels of where it belongs.
    placement = dialog.placement()
    from lifecircle_desktop.model.georef import fit
    placed = fit(placement["control"], placement["kind"]).apply((100_000, 50_000))
    assert np.hypot(*(placed - np.array(to_grid(100_000, 50_000)))) < 4 * max(map_px, src_px * 0.001)


def test_without_a_plan_the_button_is_off(qtbot, tmp_path, catalogue):  # noqa: F811
    dialog = CadImportDialog(read_dxf(build(tmp_path / "总图.dxf")), catalogue=catalogue)
    qtbot.addWidget(dialog)
    assert not dialog.pick.isEnabled()


def cad_xy(plan):
    return {f.fid: shapely.get_coordinates(f.geometry) for f in plan.features("basemap_cad")}


def test_layers_panel_entry_places_the_drawing_again_and_ctrl_z_restores(qtbot, window, tmp_path):
    document = window.document
    document.import_dxf(build(tmp_path / "总图.dxf"), control=CONTROL, mapping={"住宅": "residential"})
    plan = document.plan
    before = cad_xy(plan)
    homes = {f.fid: f.geometry for f in plan.features("residential", "base")}
    menu = window.cad_layers.menu_for(window.layers_panel.items["basemap_cad"])
    assert menu is not None
    action = next(a for a in menu.actions() if a.text() in ("Georeference…", "配准…"))
    action.trigger()
    dialog = window.cad_layers.dialog
    assert dialog.isVisible()
    assert "do not move" in dialog.note.text() or "不随底图移动" in dialog.note.text()
    # The stored control points, in drawing coordinates, are the dialog's rows.
    assert [tuple(map(tuple, p)) for p in dialog.pairs()] == [tuple(map(tuple, p)) for p in CONTROL]
    # The planner corrects the map side: every point 5 m further east.
    for row in range(len(CONTROL) - 1, -1, -1):
        dialog.remove_point(row)
    for (x, y), (e, n) in CONTROL:
        dialog.add_source_point(x, y)
        dialog.add_map_point(e + 5.0, n)
    with qtbot.waitSignal(document.changed, timeout=10000):
        dialog.accept()
    after = cad_xy(plan)
    assert set(after) == set(before)
    for fid, xy in before.items():
        assert np.abs(after[fid] - (xy + [5.0, 0.0])).max() < 0.01
    assert all(plan.feature("residential", fid).geometry.equals_exact(g, 0) for fid, g in homes.items())
    assert window.canvas.layer_view("basemap_cad").fids()  # still drawn
    # Ctrl+Z: the window's undo action (offscreen, no window is active to receive the key itself).
    undo = window.actions_["undo"]
    assert QKeySequence(QKeySequence.StandardKey.Undo) in undo.shortcuts() and undo.isEnabled()
    undo.trigger()
    restored = cad_xy(plan)
    assert all(np.array_equal(restored[fid], xy) for fid, xy in before.items())
    assert sorted(window.canvas.layer_view("basemap_cad").fids()) == sorted(before)

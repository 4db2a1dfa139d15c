"""File → Import → CAD drawing… (issue 14): the read on a worker thread (cancellable), the dialog's
layer list with counts and its mapping, control points with live residuals, the import as one undo
step, and the drawing painted on the map."""
import ezdxf
import numpy as np
import pytest
from PySide6.QtCore import QPointF

from lifecircle_desktop.model.io.dxf import read_dxf
from lifecircle_desktop.ui.panels.import_dxf import CadImportDialog, DxfRead
from tests.model.test_import_dxf import build


def to_grid(x, y):
    """The transform this test chooses: drawing mm → the grid plan's metres, shifted (10, 20)."""
    return (0.001 * x + 10.0, 0.001 * y + 20.0)


CONTROL = [((x, y), to_grid(x, y)) for x, y in [(0, 0), (200_000, 0), (0, 120_000)]]


@pytest.fixture
def drawing(tmp_path):
    return read_dxf(build(tmp_path / "总图.dxf"))


def fill_points(dialog, pairs):
    while dialog.control.rowCount() < len(pairs):
        dialog.add_control_point()
    for row, ((x, y), (e, n)) in enumerate(pairs):
        for col, v in enumerate((x, y, e, n)):
            dialog.control.item(row, col).setText(str(v))


def test_dialog_lists_layers_with_counts_and_maps_them(qtbot, drawing):
    dialog = CadImportDialog(drawing)
    qtbot.addWidget(dialog)
    rows = {dialog.layers.item(r, 0).text(): [dialog.layers.item(r, c).text() for c in (1, 2, 3)]
            for r in range(dialog.layers.rowCount())}
    assert rows["住宅"] == ["5", "0", "0"] and rows["道路"] == ["0", "3", "0"] and rows["文字"] == ["0", "0", "4"]
    assert dialog.mapping() == {}  # every layer is base map only until chosen
    # A layer with only lines offers walking paths, not homes; one with outlines offers homes.
    road_choices = [dialog.targets["道路"].itemData(i) for i in range(dialog.targets["道路"].count())]
    assert "walk_network" in road_choices and "residential" not in road_choices
    dialog.set_target("住宅", "residential")
    dialog.set_target("公建", "facilities:kindergarten")
    assert dialog.mapping() == {"住宅": "residential", "公建": "facilities:kindergarten"}


def test_residuals_and_rmse_follow_the_points_as_typed(qtbot, drawing):
    dialog = CadImportDialog(drawing)
    qtbot.addWidget(dialog)
    assert "at least 2" in dialog.rmse.text()  # two empty rows
    fill_points(dialog, CONTROL)
    assert "RMSE 0.000 m" in dialog.rmse.text()
    dialog.control.item(2, 2).setText(str(CONTROL[2][1][0] + 3.0))  # 3 m off on the map
    # An affine through three points fits any three: the similarity shows the misplaced point.
    dialog.kind.setCurrentIndex(dialog.kind.findData("similarity"))
    residuals = [float(dialog.control.item(r, 4).text()) for r in range(3)]
    assert max(residuals) > 1.0 and "similarity" in dialog.rmse.text()
    assert dialog.placement()["kind"] == "similarity" and len(dialog.placement()["control"]) == 3


def test_collinear_points_keep_the_dialog_open_with_the_reason(qtbot, drawing):
    dialog = CadImportDialog(drawing)
    qtbot.addWidget(dialog)
    fill_points(dialog, [((x, 0.0), to_grid(x, 0.0)) for x in (0, 50_000, 100_000)])
    dialog.kind.setCurrentIndex(dialog.kind.findData("affine"))
    dialog.accept()
    assert dialog.result() != CadImportDialog.DialogCode.Accepted
    assert "collinear" in dialog.error.text()


def test_known_crs_and_plan_coordinates_placements(qtbot, drawing):
    dialog = CadImportDialog(drawing)
    qtbot.addWidget(dialog)
    dialog.by_crs.setChecked(True)
    dialog.crs.setText("EPSG:4549")
    assert dialog.placement() == {"crs": "EPSG:4549"}
    dialog.as_is.setChecked(True)
    dialog.units.setCurrentIndex(dialog.units.findData("m"))
    assert dialog.placement() == {"units": "m"}


def test_import_from_the_window_is_one_undo_step_and_drawn(qtbot, window, tmp_path, monkeypatch):
    path = build(tmp_path / "总图.dxf")

    def answer(dialog):
        dialog.set_target("住宅", "residential")
        fill_points(dialog, CONTROL)
        dialog.accept()
        return dialog.result()
    monkeypatch.setattr(CadImportDialog, "exec", answer)
    plan = window.document.plan
    homes_before = len(plan.features("residential", "base"))
    with qtbot.waitSignal(window.document.changed, timeout=30000):
        task = window.read_cad(path)
    assert task.dialog is None  # the progress dialog is gone
    assert len(plan.features("basemap_cad")) == 14
    assert len(plan.features("residential", "base")) == homes_before + 5
    view = window.canvas.layer_view("basemap_cad")
    assert len(view.fids()) == 14
    assert "(14)" in window.layers_panel.items["basemap_cad"].text(0)
    # The road along y = −10 m of the drawing is painted in the CAD grey at its place on the map.
    window.canvas.fit_plan()
    window.canvas.resetCachedContent()
    window.canvas.render_now()
    window.canvas.viewport().repaint()
    image = window.canvas.viewport().grab().toImage()
    for e in (60.0, 120.0, 180.0):
        p = window.canvas.mapFromScene(QPointF(*to_grid(e * 1000, -10_000)))
        assert _near_colour(image, p.x(), p.y(), (0x7a, 0x7f, 0x87)), e
    window.document.undo()
    assert len(plan.features("basemap_cad")) == 0 and len(view.fids()) == 0
    assert len(plan.features("residential", "base")) == homes_before


def _near_colour(image, x, y, rgb, radius=3, tolerance=40) -> bool:
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            c = image.pixelColor(x + dx, y + dy)
            if max(abs(c.red() - rgb[0]), abs(c.green() - rgb[1]), abs(c.blue() - rgb[2])) <= tolerance:
                return True
    return False


def test_reading_a_large_drawing_can_be_cancelled(qtbot, tmp_path):
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    for i in range(30_000):
        msp.add_line((i, 0), (i, 5))
    doc.saveas(tmp_path / "big.dxf")
    task = DxfRead(tmp_path / "big.dxf")
    done = []
    task.done.connect(done.append)
    with qtbot.waitSignal(task.cancelled, timeout=60000):
        task.start()
        task.worker.progress.connect(lambda *_: task.cancel())
    assert not done


def test_a_dwg_is_refused_in_one_sentence(qtbot, tmp_path):
    (tmp_path / "总图.dwg").write_bytes(b"AC1032" + bytes(200))
    task = DxfRead(tmp_path / "总图.dwg")
    with qtbot.waitSignal(task.failed, timeout=30000) as blocker:
        task.start()
    assert "DWG" in blocker.args[0].message_en and "save it as DXF" in blocker.args[0].message_en

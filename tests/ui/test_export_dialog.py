"""File → Export Bundle… on the demo (issue 12): the bundle written by a worker thread while the
window stays responsive, its progress on the bar, and Cancel leaving nothing on disk."""
import pyogrio
import pytest

from lifecircle_desktop.export.context import FORMATS
from lifecircle_desktop.ui.export_dialog import ExportDialog

# The offscreen platform says so for every dialog shown (as in the other dialog tests).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
EXPORT_TIMEOUT_MS = 120000


def open_dialog(window, out) -> ExportDialog:
    window.actions_["export_bundle"].trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.folder.setText(str(out))
    for part in FORMATS:
        dialog.parts[part].setChecked(part in ("gpkg", "geojson"))
    return dialog


def test_the_file_menu_exports_the_bundle_on_a_worker(qtbot, demo_window, tmp_path):
    out = tmp_path / "out"
    dialog = open_dialog(demo_window, out)
    assert demo_window.actions_["export_bundle"] in demo_window.menuBar().actions()[0].menu().actions()
    dialog.crs.setCurrentIndex(dialog.crs.findData("cgcs2000-gk"))
    assert dialog.zone_prefix.isEnabled()
    values = []
    dialog.progress_bar.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.exportFinished, timeout=EXPORT_TIMEOUT_MS) as finished:
        dialog.export_button.click()
        assert dialog.running() and not dialog.export_button.isEnabled() and dialog.cancel_button.text() == "Cancel"
    folder = finished.args[0]
    assert folder is not None and folder.parent == out
    assert sorted(p.name for p in folder.iterdir()) == ["geojson", "plan.gpkg"]
    crs = pyogrio.read_info(folder / "plan.gpkg", layer="facilities")["crs"]
    assert crs == "EPSG:4549"  # the demo community lies west of 121.5°E: CGCS2000 3° Gauss–Krüger CM 120E
    assert pyogrio.read_info(folder / "geojson" / "facilities.geojson")["features"] == \
        demo_window.document.plan.count("facilities", "base")
    assert values and values == sorted(values) and values[-1] == 1000
    assert str(folder) in dialog.status.text() and dialog.cancel_button.text() == "Close"
    assert dialog.show_button.isEnabled()
    dialog.close()


def test_cancel_stops_the_export_and_leaves_nothing(qtbot, demo_window, tmp_path):
    out = tmp_path / "out"
    dialog = open_dialog(demo_window, out)
    # Cancel as soon as the first progress report arrives (the worker then stops at its next step).
    dialog.progress_bar.valueChanged.connect(lambda _v: dialog.cancel_button.click())
    with qtbot.waitSignal(dialog.exportFinished, timeout=EXPORT_TIMEOUT_MS) as finished:
        dialog.export_button.click()
    assert finished.args == [None]
    assert not out.exists() or list(out.iterdir()) == []
    assert "nothing was left behind" in dialog.status.text()
    assert not dialog.running() and dialog.export_button.isEnabled()
    dialog.close()


def test_the_window_collects_no_garbage_while_the_worker_writes_the_report(qtbot, demo_window, tmp_path):
    """While the worker writes the report (Qt objects made on its thread) the GUI thread collects
    no garbage: a collection there would destroy the worker's objects from the wrong thread, and a
    QObject destroyed on the GUI thread can deadlock with the worker (ui/validation.py,
    hold_garbage_collection). Once the export has finished, it collects again."""
    import gc
    import threading

    gui = threading.get_ident()
    phase = ["before"]
    collections = []

    def seen(stage, _info):
        if stage == "start":
            collections.append((threading.get_ident(), phase[0]))

    dialog = open_dialog(demo_window, tmp_path / "out")
    dialog.parts["report"].setChecked(True)
    # Connected before waitSignal's own slot: "after" from the moment the dialog says it finished.
    dialog.exportFinished.connect(lambda _folder: phase.__setitem__(0, "after"))
    gc.callbacks.append(seen)
    try:
        with qtbot.waitSignal(dialog.exportFinished, timeout=EXPORT_TIMEOUT_MS) as finished:
            phase[0] = "during"
            dialog.export_button.click()
        assert finished.args[0] is not None and (finished.args[0] / "report.pdf").is_file()
        assert (gui, "during") not in collections
        garbage = []
        for _ in range(5000):  # cyclic garbage past the collector's threshold
            cycle = []
            cycle.append(cycle)
            garbage.append(cycle)
        del garbage, cycle
        qtbot.waitUntil(lambda: (gui, "after") in collections, timeout=10_000)
    finally:
        gc.callbacks.remove(seen)
    dialog.close()

"""Placing a bus stop from the palette, in the real main window with the real validator: one click
on the map, the stop in the plan FILE, the bus-stop walking finding up, and Ctrl+Z takes it back."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from lifecircle_desktop.model.edits import AddFeature
from lifecircle_desktop.model.plan import Plan
from tests.ui.conftest import RESULTS_TIMEOUT_MS, add_home, grid_plan, shown_window

# The offscreen platform cannot resize native windows on show and says so; not our fault (as in
# test_acceptance_demo.py). Any other Qt warning still fails the test.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

RULE = "cc_bus_stop_walk"  # 社区居民步行10分钟可以到达公交站点


@pytest.fixture
def stopless(qtbot, tmp_path):
    """The main window, shown, on a 5 × 5 grid of footpaths (100 m blocks) with two compounds and
    no stop at all: every home lacks a bus stop."""
    plan = grid_plan(tmp_path / "stops.gpkg")
    add_home(plan, 0, 0, 300, "一号院")
    add_home(plan, 300, 300, 200, "二号院")
    w = shown_window(qtbot, plan)
    yield w
    w.close()


def finding(results, rule):
    return next(f for f in results.findings if f.rule == rule)


def stored_stops(path):
    """The stops as stored in the plan file (read through a second connection)."""
    with Plan.open(path) as other:
        return other.features("stops", None)


def test_a_bus_stop_from_the_palette_is_one_click_saved_validated_and_undone(qtbot, stopless):
    window, canvas = stopless, stopless.canvas
    path = window.document.plan.path
    before = finding(window.document.results, RULE)
    assert before.measured == 0 and before.status == "fail"
    assert canvas.snapping()[0]  # on by default: the stop lands on the path

    # The palette: a real click on "Bus stop".
    tree = window.palette.tree
    item = window.palette.item("bus_stop")
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert canvas.tool() == "stop" and canvas.current_facility_type() == "bus_stop"
    assert window.tool_actions["stop"].isChecked()
    assert "Bus stop" in window.statusBar().currentMessage()

    # One click a few pixels off the footpath y = 100, between its vertices: snapped onto the path.
    edits = []
    canvas.editRequested.connect(edits.append)
    near = canvas.mapFromScene(QPointF(150, 100)) + QPoint(0, -4)
    with qtbot.waitSignal(window.document.loop.resultsReady, timeout=RESULTS_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, near)
    (edit,) = edits
    assert isinstance(edit, AddFeature) and edit.layer == "stops"
    assert dict(edit.attributes) == {"type": "bus_stop", "source": "drawn"}
    assert edit.geometry.y == pytest.approx(100, abs=1e-9) and 120 < edit.geometry.x < 180

    # In the file, as drawn.
    (stop,) = stored_stops(path)
    assert stop.get("type") == "bus_stop" and stop.get("source") == "drawn"
    assert stop.geometry.equals(edit.geometry) and stop.scenario == window.document.scenario
    # In the findings: both homes now reach a bus stop within the 10-minute walk.
    after = finding(blocker.args[0], RULE)
    assert after.measured > before.measured and after.measured == pytest.approx(100)
    assert after.status == "pass"

    # Ctrl+Z as a planner presses it: gone from the file, the finding back where it was.
    with qtbot.waitSignal(window.document.loop.resultsReady, timeout=RESULTS_TIMEOUT_MS) as blocker:
        window.activateWindow()
        canvas.setFocus()
        qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.stack.index() == 0
    assert stored_stops(path) == [] and canvas.layer_view("stops").fids() == []
    undone = finding(blocker.args[0], RULE)
    assert undone.measured == before.measured and undone.status == before.status

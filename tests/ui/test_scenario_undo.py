"""Issue 16: undo respects scenarios (an undo of another scenario shows it first and says so),
every history row names its scenario, switching keeps the map where it is, and scenarios are
renamed and deleted from the window — undoably."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QToolButton

from lifecircle_desktop.ui import i18n
from tests.ui.conftest import RESULTS_TIMEOUT_MS, shown_window

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

ELDERLY = "elderly_service_station"


@pytest.fixture
def win(qtbot, grid):
    plan, ids = grid
    w = shown_window(qtbot, plan)
    w.actions_["snap"].setChecked(False)  # the clicks land where they are made
    yield w
    w.close()


def elderly_findings(window):
    """(rule, status, measured) of every walking finding about elderly service stations."""
    return sorted((f.rule, f.status, f.measured) for f in window.document.results.findings
                  if f.kind == "walk_coverage" and ELDERLY in f.facility_types)


def elderly_in(window, scenario):
    return [f.fid for f in window.document.plan.features("facilities", scenario) if f["type"] == ELDERLY]


def draw_box(qtbot, window, xmin, ymin, xmax, ymax):
    canvas = window.canvas
    canvas.show_extent((xmin - 60, ymin - 60, xmax + 60, ymax + 60))
    for x, y in [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]:
        qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, canvas.to_view((x, y)).toPoint())
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        qtbot.keyClick(canvas, Qt.Key_Return)


def switch(qtbot, window, name):
    box = window.scenario_box
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        box.setCurrentIndex(box.findData(name))
        box.activated.emit(box.currentIndex())


def test_undo_of_another_scenario_shows_it_first_and_says_so(qtbot, win):
    win.set_language("zh")
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        assert win.create_scenario("方案二")
    before_drawing = elderly_findings(win)
    base_facilities = sorted(f.fid for f in win.document.plan.features("facilities", "base"))

    win.choose_facility_type(ELDERLY)
    draw_box(qtbot, win, 160, 160, 190, 190)
    assert len(elderly_in(win, "方案二")) == 1 and elderly_findings(win) != before_drawing
    rows = [win.document.stack.text(i) for i in range(win.document.stack.count())]
    assert rows == ["基础方案：新建方案 方案二", "方案二：新增老年服务站"]

    switch(qtbot, win, "base")
    assert win.document.scenario == "base" and not win.scenario_note.isVisible()
    win.canvas.setFocus()
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        qtbot.keyClick(win.canvas, Qt.Key_Z, Qt.ControlModifier)  # Ctrl+Z while 基础方案 is shown

    note = "已切换到方案“方案二”以撤销：新增老年服务站"
    assert win.document.scenario == "方案二" and win.scenario_box.currentData() == "方案二"
    assert win.scenario_box.currentText() == "方案二"
    assert win.scenario_note.isVisible() and win.scenario_note.text() == note
    assert win.statusBar().currentMessage() == note
    assert elderly_in(win, "方案二") == [] and elderly_in(win, "base") == []
    assert sorted(f.fid for f in win.document.plan.features("facilities", "base")) == base_facilities
    assert elderly_findings(win) == before_drawing, "方案二's elderly coverage is back to what it was"

    # Redo from 基础方案 goes to 方案二 as well.
    switch(qtbot, win, "base")
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.actions_["redo"].trigger()
    assert win.document.scenario == "方案二" and len(elderly_in(win, "方案二")) == 1
    assert win.scenario_note.text() == "已切换到方案“方案二”以重做：新增老年服务站"


def test_history_rows_name_their_scenario_in_english(qtbot, win):
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.create_scenario("Option B")
    win.document.set_setting("speed_adult_kmh", 4.5)
    win.choose_facility_type(ELDERLY)
    draw_box(qtbot, win, 160, 160, 190, 190)
    rows = [win.history_view.stack().text(i) for i in range(win.document.stack.count())]
    assert rows == ["Base scenario: New scenario Option B", "All scenarios: Set Adult walking speed to 4.5 km/h",
                    "Option B: Add Elderly service station"]


def test_switching_keeps_the_view(qtbot, win):
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.create_scenario("方案二")
    win.canvas.show_extent((150, 150, 250, 230))  # the planner zoomed in on a corner
    shown = win.canvas.view_extent()
    whole = win.canvas.plan_extent()
    switch(qtbot, win, "base")
    assert win.canvas.view_extent() == pytest.approx(shown, abs=1.0)
    assert win.canvas.view_extent() != pytest.approx(whole, abs=5.0)
    switch(qtbot, win, "方案二")
    assert win.canvas.view_extent() == pytest.approx(shown, abs=1.0)


def test_rename_and_delete_from_the_window_and_undo(qtbot, win, monkeypatch):
    win.set_language("zh")
    button = win.scenario_button
    assert isinstance(button, QToolButton)
    qtbot.waitUntil(button.isVisible)
    assert [a.text() for a in button.menu().actions()] == ["新建方案(&S)…", "重命名方案(&N)…", "删除方案"]
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.create_scenario("方案二")
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda parent, title, label, **kw: (asked.append((title, label, kw)), ("方案三", True))[1])
    win.actions_["rename_scenario"].trigger()
    assert asked[0][:2] == ("重命名方案", "方案“方案二”的新名称：") and asked[0][2]["text"] == "方案二"
    assert win.document.scenario == "方案三" and win.scenario_box.currentText() == "方案三"
    assert [win.scenario_box.itemText(i) for i in range(win.scenario_box.count())] == ["基础方案", "方案三"]
    assert win.document.stack.undoText() == "方案三：重命名方案 方案二 为 方案三"  # the scenario as it is called now

    # A name in use is refused with one sentence, and nothing changes.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **kw: ("基础方案", True))
    win.actions_["rename_scenario"].trigger()
    assert win.statusBar().currentMessage() == "⚠ “基础方案”是基础方案的名称，请换一个名称"
    assert win.document.scenario == "方案三" and win.document.stack.count() == 2

    win.actions_["undo"].trigger()
    assert win.document.scenario == "方案二" and win.scenario_box.currentText() == "方案二"

    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        assert win.delete_scenario()
    assert win.document.scenario == "base" and not win.document.plan.has_scenario("方案二")
    assert [win.scenario_box.itemData(i) for i in range(win.scenario_box.count())] == ["base"]
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.actions_["undo"].trigger()
    assert win.document.scenario == "方案二" and win.scenario_box.currentText() == "方案二"
    assert win.scenario_note.text() == "已切换到方案“方案二”以撤销：删除方案 方案二"

    # The base scenario is neither deleted nor renamed: one sentence says why.
    switch(qtbot, win, "base")
    steps = win.document.stack.count()
    win.actions_["delete_scenario"].trigger()
    assert win.statusBar().currentMessage() == "⚠ 基础方案不能删除，它是其他方案的起点"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **kw: ("现状", True))
    win.actions_["rename_scenario"].trigger()
    assert win.statusBar().currentMessage() == "⚠ 基础方案不能重命名"
    assert win.document.stack.count() == steps and i18n.language() == "zh"


def test_history_rows_follow_a_renamed_scenario(qtbot, win, monkeypatch):
    from shapely.geometry import box

    from lifecircle_desktop.model import AddFeature
    win.set_language("zh")
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.create_scenario("方案二")
    with qtbot.waitSignal(win.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        win.document.push(AddFeature("facilities", box(0, 0, 20, 20), {"type": "kindergarten"}, "方案二"))
    assert win.document.stack.text(1).startswith("方案二：")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **kw: ("方案三", True))
    win.actions_["rename_scenario"].trigger()
    assert win.document.stack.text(1).startswith("方案三：")  # the row of the kindergarten, under its new name
    win.document.undo()  # the rename
    assert win.document.stack.text(1).startswith("方案二：")

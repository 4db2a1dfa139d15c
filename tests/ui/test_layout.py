"""The dock layout (issue 16 §6): switching language changes words, not the arrangement — each
dock keeps its area, place, size and visibility, and the findings keep their grouping; View ▸
Restore Default Layout puts moved docks back where a first start has them."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def on_screen(dock):
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def layout(window):
    """Each dock: its area, whether it is on screen (not behind another tab) and then its
    geometry, floating, and the docks tabbed with it."""
    return {name: (window.dockWidgetArea(d), on_screen(d), d.geometry().getRect() if on_screen(d) else None,
                   d.isFloating(), sorted(t.objectName() for t in window.tabifiedDockWidgets(d)))
            for name, d in window.docks.items()}


@pytest.fixture
def shown(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()  # the first start's dock sizes are laid out
    return window


def test_switching_language_twice_keeps_the_layout_and_the_grouping(qtbot, shown):
    w = shown
    # The planner's own arrangement: a wider right column, the history raised, grouping by status.
    w.resizeDocks([w.docks["findings"]], [420], Qt.Orientation.Horizontal)
    w.resizeDocks([w.docks["attributes"]], [260], Qt.Orientation.Vertical)
    w.docks["history"].raise_()
    w.findings.set_grouping("status")
    qtbot.waitUntil(lambda: on_screen(w.docks["history"]) and w.docks["attributes"].height() > 200)
    before = layout(w)
    w.language_actions["zh"].trigger()
    assert w.docks["findings"].windowTitle() == "检查结果"
    assert w.findings.grouping.currentData() == "status"
    w.language_actions["en"].trigger()
    # The same docks, refilled: no second set waiting to be deleted while the layout is restored.
    assert len(w.findChildren(QDockWidget)) == len(w.docks) == 8  # 8: the comments dock (issue 13)
    qtbot.waitUntil(lambda: layout(w) == before)
    assert w.findings.grouping.currentData() == "status"


def test_restore_default_layout_puts_a_moved_dock_back(qtbot, shown):
    w = shown
    default = layout(w)
    assert on_screen(w.docks["findings"]) and on_screen(w.docks["coverage"])
    w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, w.docks["findings"])
    w.docks["layers"].hide()
    w.docks["coverage"].setFloating(True)
    assert layout(w) != default
    w.actions_["restore_layout"].trigger()
    assert w.dockWidgetArea(w.docks["findings"]) == Qt.DockWidgetArea.RightDockWidgetArea
    qtbot.waitUntil(lambda: layout(w) == default)


def test_restore_default_layout_is_in_the_view_menu_in_chinese(shown):
    shown.set_language("zh")
    assert "恢复默认布局(&R)" in [a.text() for a in shown.view_menu.actions()]

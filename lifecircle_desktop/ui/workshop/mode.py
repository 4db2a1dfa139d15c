"""The workshop view (工作坊模式): map, resident summary and a touch bar, full screen (issue 13).

``WorkshopMode`` is what ``MainWindow.enter_workshop`` shows in place of the editing desktop: the
window's map in the workshop style, the summary for residents beside it, and a bar of large
buttons (a planner often runs it on a touch screen). ``set_compare`` swaps the map for a
before/after view made by ``compare_views`` (ui/workshop/compare.py, the swipe lane) when present.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

LAYOUTS = ("single", "swipe", "side")
TOUCH_BUTTON_PX = 64  # the height of a touch bar button (a fingertip, issue 13 item 4)


def compare_views():
    """``make_compare_view(document, scenario_b, layout, parent) -> QWidget`` of ui/workshop/compare.py,
    or None while that module is not there."""
    try:
        from .compare import make_compare_view
    except ImportError:
        return None
    return make_compare_view


class WorkshopMode(QWidget):
    """The workshop view over ``window`` (a MainWindow). ``leaveRequested`` when the planner leaves."""

    leaveRequested = Signal()

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window_ = window
        self.document = window.document
        self.compare: str | None = None
        self.layout_name = "single"
        self.map_area = QWidget(self)
        self.touch_bar = QWidget(self)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(self.map_area, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row, 1)
        column.addWidget(self.touch_bar)

    def set_compare(self, scenario: str | None, layout: str = "single") -> None:
        """Show ``scenario`` as "before" beside the current one ("after") in ``layout``
        ("single", "swipe", "side"); ``None`` or "single": the current scenario alone."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout is one of {LAYOUTS}, not {layout!r}")
        self.compare, self.layout_name = scenario, layout
        self._show_compare()

    def _show_compare(self) -> None:
        """The before/after view of ``compare_views`` in the map area (swipe lane), or none."""
        old = getattr(self, "compare_view", None)
        if old is not None:
            old.hide()
            old.deleteLater()
        self.compare_view = None
        make = compare_views()
        if make is None or self.compare is None or self.layout_name == "single":
            return
        if self.map_area.layout() is None:
            QVBoxLayout(self.map_area).setContentsMargins(0, 0, 0, 0)
        self.compare_view = make(self.document, self.compare, self.layout_name, self.map_area)
        self.map_area.layout().addWidget(self.compare_view)


def enter(window) -> WorkshopMode:
    """Show ``window`` (a MainWindow) in workshop mode; ``leave`` puts its editing desktop back."""
    workshop = WorkshopMode(window)
    workshop.leaveRequested.connect(window.leave_workshop)
    return workshop


def leave(window, workshop: WorkshopMode) -> None:
    """Undo ``enter``: the editing desktop as it was."""
    workshop.deleteLater()

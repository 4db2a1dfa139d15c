"""A dock that grows with the window (issue 16 item 3): QMainWindow gives every pixel of a wider
window to the map and leaves the docks as they were, so the findings' names stay cut on a large
screen. :class:`KeepDockShare` keeps a dock's share of the window's width: the share the planner
last gave it by dragging its edge, applied again whenever the window is resized.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow


class KeepDockShare(QObject):
    """Owned by ``dock`` (it goes with it when the window rebuilds its docks)."""

    def __init__(self, window: QMainWindow, dock: QDockWidget):
        super().__init__(dock)
        self.window, self.dock = window, dock
        self.share: float | None = None
        self._applying = False
        self._pending = False
        self._window_width = window.width()
        window.installEventFilter(self)
        dock.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Resize:
            # Qt lays the docks out before filters see the window's resize: a dock resized while the
            # window's width differs from the one last seen is the window's doing, not the planner's.
            if obj is self.window:
                if event.size().width() != event.oldSize().width() and self.share is not None and not self._pending:
                    self._pending = True
                    QTimer.singleShot(0, self, self._apply)  # after the layout; not after the dock is gone
                self._window_width = event.size().width()
            elif obj is self.dock and not self._applying and not self._pending and \
                    event.size().width() != event.oldSize().width() and self.window.width() == self._window_width \
                    and self.window.width() > 0:
                self.share = self.dock.width() / self.window.width()  # the planner's own width
        return False

    def _apply(self) -> None:
        self._pending = False
        if self.share is None or self.dock.isFloating() or not self.dock.isVisible() or \
                self.window.dockWidgetArea(self.dock) == Qt.DockWidgetArea.NoDockWidgetArea:
            return  # a dock taken out of the window (a language switch rebuilds them) is left alone
        self._applying = True
        try:
            self.window.resizeDocks([self.dock], [round(self.share * self.window.width())],
                                    Qt.Orientation.Horizontal)
        finally:
            self._applying = False

"""The scenario controls beside the scenario selector (issue 16): a button that makes a new
scenario, with a menu to rename or delete the one shown, and the note shown above the map when
an undo or redo took the planner to another scenario. The work is the document's (undoable
session verbs); these widgets only ask and show."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget

NOTE_MS = 10000


def scenario_button(parent: QWidget, new, rename, delete) -> QToolButton:
    """"New scenario…" with a drop-down menu of new, rename and delete (the actions given)."""
    button = QToolButton(parent)
    button.setObjectName("scenarioButton")
    button.setDefaultAction(new)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    menu = QMenu(button)
    for action in (new, rename, delete):
        menu.addAction(action)
    button.setMenu(menu)
    return button


class NoteBanner(QLabel):
    """A one-line note above the map that goes away by itself (NOTE_MS)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scenarioNote")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { background: #cfe2ff; color: #052c65; padding: 6px; }")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_note(self, text: str) -> None:
        self.setText(text)
        self.show()
        self._timer.start()

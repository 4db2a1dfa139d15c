"""The questions and menus the map tools put to the planner."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from ..tools.text import translate


def ask_unfinished(parent: QWidget, kind: str, count: int) -> str:
    """Esc on a drawing that could be finished: "finish", "discard" or "keep" (design.md §6:
    Esc must not silently destroy a polygon being drawn)."""
    if kind == "polygon":
        title = translate("MapCanvas", "Unfinished polygon")
        text = translate("MapCanvas", "The polygon has {n} vertices. Finish it, discard it, or keep drawing?")
    else:
        title = translate("MapCanvas", "Unfinished path")
        text = translate("MapCanvas", "The path has {n} points. Finish it, discard it, or keep drawing?")
    box = QMessageBox(QMessageBox.Question, title, text.format(n=count),
                      QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, parent)
    box.button(QMessageBox.Save).setText(translate("MapCanvas", "Finish"))
    box.button(QMessageBox.Discard).setText(translate("MapCanvas", "Discard"))
    box.button(QMessageBox.Cancel).setText(translate("MapCanvas", "Keep drawing"))
    box.setDefaultButton(QMessageBox.Save)
    box.setEscapeButton(QMessageBox.Cancel)  # a second Esc keeps the drawing
    answer = box.exec()
    clicked = box.standardButton(box.clickedButton()) if box.clickedButton() is not None else None
    choice = QMessageBox.StandardButton(answer) if clicked in (None, QMessageBox.NoButton) else clicked
    return {QMessageBox.Save: "finish", QMessageBox.Discard: "discard"}.get(choice, "keep")


class PopupMenus:
    """At most one small non-modal context menu of the map at a time."""

    def __init__(self, parent: QWidget):
        self.parent = parent
        self.menu: QMenu | None = None

    def popup(self, entries: list[tuple[str, Callable[[], None]]], global_pos: QPoint) -> None:
        if self.menu is not None:
            self.menu.close()
        menu = QMenu(self.parent)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # else every right-click leaks a menu
        for label, action in entries:
            menu.addAction(label).triggered.connect(lambda *_, a=action: a())
        menu.popup(global_pos)
        self.menu = menu
        menu.destroyed.connect(lambda *_: self._gone(menu))

    def _gone(self, menu: QMenu) -> None:
        if self.menu is menu:
            self.menu = None


__all__ = ["ask_unfinished", "PopupMenus"]

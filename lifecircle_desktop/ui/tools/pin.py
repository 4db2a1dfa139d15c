"""The comment pin tool (居民意见, issue 13 item 4): click where a comment is about, fill in the form
(what was said, category, who, meeting and date, status, reply), and the pin is placed — numbered
next in the scenario — as one undoable edit. The same tool serves the editing window and workshop
mode (``window.tool_actions["pin"]``).
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from ...model.comments import pin_edit
from ...model.errors import PlanError
from .base import MapEvent, MapTool
from .text import language, translate


class PinTool(MapTool):
    name = "pin"
    cursor = Qt.CrossCursor

    def __init__(self, canvas):
        super().__init__(canvas)
        self.dialog = None  # the pin's form while it is open

    def hint(self) -> str:
        return translate("MapCanvas", "Comment pin: click where the comment is about, then fill in what was said.")

    def move(self, event: MapEvent) -> None:
        self.cursor_label = ([translate("MapCanvas", "Pin a comment here")], "#d84315")

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton or self.dialog is not None:
            return
        self.open_form(event.xy)

    def open_form(self, xy):
        """The pin's form for a pin at ``xy``; OK places it. Window-modal, not blocking: the map
        stays as it is behind it."""
        from ..panels.comments import CommentDialog
        dialog = CommentDialog(self.canvas.window())
        dialog.accepted.connect(lambda: self._place(xy, dialog.values()))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _place(self, xy, values: dict) -> None:
        try:
            edit = pin_edit(self.canvas.plan, self.canvas.scenario, xy, values)
        except PlanError as e:
            self.canvas.status(e.message(language()))
            return
        self.canvas.request_edit(edit, select=True)

    def deactivate(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        super().deactivate()

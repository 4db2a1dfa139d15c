"""Select/move and pan.

Select: click picks the topmost editable feature (points, then facilities, paths, compounds,
units); Shift-click adds or removes; dragging from empty space selects everything the box
touches; dragging a selected feature moves the whole selection — shown live by offsetting the
items, requested once on release (``MapView.request_move``; napari: one event per gesture). The
session moves the entrances attached to a compound or facility with it; the preview asks the view
which ones (``MapView.attached``) so that they move on screen too.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QRubberBand

from .base import MapEvent, MapTool
from .text import translate


class SelectTool(MapTool):
    name = "select"

    def __init__(self, canvas):
        super().__init__(canvas)
        self._press: MapEvent | None = None
        self._drag_keys: list = []
        self._dragging = False
        self._band: QRubberBand | None = None

    def hint(self) -> str:
        return translate("MapCanvas", "Select: click a feature, Shift-click to add, drag a box to select several, "
                                      "drag a selected feature to move it.")

    def is_drawing(self) -> bool:
        return self._dragging

    def clear(self) -> None:
        super().clear()
        if self._dragging:
            self.canvas.set_offset(self._moving_keys(), 0, 0)
        self._press, self._drag_keys, self._dragging = None, [], False
        if self._band is not None:
            self._band.hide()
            self._band.deleteLater()
            self._band = None

    def _moving_keys(self) -> list:
        return self._drag_keys + [key for key in self.canvas.attached(self._drag_keys) if key not in self._drag_keys]

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        self.clear()
        self._press = event
        shift = bool(event.modifiers & Qt.ShiftModifier)
        hits = self.canvas.features_at(event.xy)
        selection = self.canvas.selection()
        if hits:
            key = hits[0]
            if shift:
                self.canvas.set_selection([k for k in selection if k != key] if key in selection
                                          else selection + [key])
            else:
                if key not in selection:
                    self.canvas.set_selection([key])
                self._drag_keys = self.canvas.selection()
        else:
            if not shift and selection:
                self.canvas.set_selection([])
            self._band = QRubberBand(QRubberBand.Rectangle, self.canvas.viewport())

    def move(self, event: MapEvent) -> None:
        if self._press is None:
            return  # hovering costs nothing: no hit tests per move
        if self._drag_keys:
            if not self._dragging and self.dragged(self._press.pos, event.pos):
                self._dragging = True
                self.canvas.drawingChanged.emit()
            if self._dragging:
                dx, dy = event.xy[0] - self._press.xy[0], event.xy[1] - self._press.xy[1]
                self.canvas.set_offset(self._moving_keys(), dx, dy)
        elif self._band is not None and self.dragged(self._press.pos, event.pos):
            self._band.setGeometry(QRect(self._press.pos.toPoint(), event.pos.toPoint()).normalized())
            self._band.show()

    def release(self, event: MapEvent) -> None:
        if self._press is None or event.button != Qt.LeftButton:
            return
        press = self._press
        if self._dragging:
            dx, dy = event.xy[0] - press.xy[0], event.xy[1] - press.xy[1]
            self.canvas.set_offset(self._moving_keys(), 0, 0)  # a synchronous refresh then finds clean items
            keys = self._drag_keys
            self._dragging = False
            self._press = None
            if keys and (dx or dy):
                self.canvas.request_move(keys, dx, dy)
            self.canvas.drawingChanged.emit()
        elif self._band is not None and self._band.isVisible():
            a, b = self.canvas.mapToScene(self._band.geometry().topLeft()), \
                self.canvas.mapToScene(self._band.geometry().bottomRight())
            bounds = (min(a.x(), b.x()), min(a.y(), b.y()), max(a.x(), b.x()), max(a.y(), b.y()))
            found = self.canvas.snapper.features_in(bounds, self.canvas.editable_layers())
            if event.modifiers & Qt.ShiftModifier:
                found = self.canvas.selection() + [k for k in found if k not in self.canvas.selection()]
            self.canvas.set_selection(found)
            if found:
                self.canvas.status(translate("MapCanvas", "{n} features selected.").format(n=len(found)))
        self.clear()

    def escape(self) -> bool:
        if self._dragging or (self._band is not None and self._band.isVisible()):
            self.clear()
            self.canvas.drawingChanged.emit()
            return True
        return False

    def key_press(self, event) -> bool:
        if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self.canvas.selection():
            self.canvas.delete_selection()
            return True
        return False


class PanTool(MapTool):
    """Drag the map (the canvas pans for left drags while this tool is active)."""
    name = "pan"
    cursor = Qt.OpenHandCursor

    def hint(self) -> str:
        return translate("MapCanvas", "Pan: drag the map.")

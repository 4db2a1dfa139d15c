"""Edit vertices: click a polygon or path, drag its vertices; double-click or Ctrl-click an edge to
insert one; Delete/Backspace (or the right-click menu) removes the chosen vertex. Each gesture
is one ``ChangeGeometry``, checked first: an edit that would make the shape invalid is refused
with a one-sentence reason.
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from ...model import capture
from ...model.edits import ChangeGeometry
from ...model.errors import InvalidGeometry
from .base import MapEvent, MapTool, RubberBand
from .text import language, translate

GRAB_PX = 8


class VertexTool(MapTool):
    name = "vertex"
    snaps = True
    cursor = Qt.CrossCursor

    def __init__(self, canvas):
        super().__init__(canvas)
        self.key = None
        self.geometry = None
        self.current: tuple[int, int] | None = None
        self.band: RubberBand | None = None
        self._press: MapEvent | None = None
        self._dragging = False

    def hint(self) -> str:
        return translate("MapCanvas", "Edit vertices: click a feature, drag a vertex; double-click or Ctrl-click "
                                      "an edge to add one; Delete removes the chosen vertex.")

    def is_drawing(self) -> bool:
        return self._dragging

    def clear(self) -> None:
        super().clear()
        self.remove_item(self.band)
        self.band, self.key, self.geometry, self.current = None, None, None, None
        self._press, self._dragging = None, False

    def snap_exclude(self) -> tuple:
        return (self.key,) if self.key is not None else ()

    # --- target -----------------------------------------------------------------------------------
    def target(self, key) -> None:
        self.clear()
        if key is None:
            return
        feature = self.canvas.feature(key)
        try:
            capture.rings(feature.geometry)
        except InvalidGeometry:
            self.canvas.status(translate("MapCanvas", "Only the vertices of polygons and paths can be edited."))
            return
        self.key, self.geometry = key, feature.geometry
        self.band = self.add_item(RubberBand(self.canvas, closed=feature.geometry.geom_type == "Polygon"))
        self.show(self.geometry)

    def show(self, geometry, bad: bool = False) -> None:
        rings = capture.rings(geometry)
        self.band.set_coords(rings[0].tolist(), bad=bad, rings=[r.tolist() for r in rings[1:]])
        if self.current is not None:
            ring, index = self.current
            if ring < len(rings) and index < len(rings[ring]):
                self.band.set_current(rings[ring][index])
            else:
                self.current = None
                self.band.set_current(None)
        else:
            self.band.set_current(None)

    def _vertex_at(self, event: MapEvent):
        ring, index, dist = capture.nearest_vertex(self.geometry, event.xy)
        return (ring, index) if dist <= self.canvas.metres(GRAB_PX) else None

    def _edge_at(self, event: MapEvent):
        ring, index, point, dist = capture.nearest_edge(self.geometry, event.xy)
        if dist > self.canvas.metres(GRAB_PX):
            return None
        if event.snap is not None:
            point = event.snap.point
        return ring, index + 1, point

    def _emit(self, new) -> bool:
        try:
            self.canvas.plan.check(self.key[0], new)
        except InvalidGeometry as e:
            self.canvas.status(translate("MapCanvas", "Not changed: {reason}.").format(reason=e.message(language())))
            self.show(self.geometry)
            return False
        self.canvas.request_edit(ChangeGeometry(self.key[0], self.key[1], self.geometry, new))
        if self.key is not None and self.band is not None:
            self.show(self.geometry)  # the refreshed geometry if the edit was applied, else the old one
        return True

    # --- events -----------------------------------------------------------------------------------
    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        if self.key is not None:
            if event.modifiers & Qt.ControlModifier:
                self.insert_at(event)
                return
            vertex = self._vertex_at(event)
            if vertex is not None:
                self.current = vertex
                self._press = event
                self.show(self.geometry)
                return
        hits = self.canvas.features_at(event.xy, self.canvas.editable_layers(("POLYGON", "LINESTRING")))
        if hits:
            if hits[0] != self.key:
                self.target(hits[0])
        else:
            self.target(None)

    def move(self, event: MapEvent) -> None:
        if self._press is None or self.current is None:
            return
        if not self._dragging and self.dragged(self._press.pos, event.pos):
            self._dragging = True
            self.canvas.drawingChanged.emit()
        if self._dragging:
            ring, index = self.current
            preview = capture.move_vertex(self.geometry, ring, index, event.point)
            self.show(preview, bad=not preview.is_valid)

    def release(self, event: MapEvent) -> None:
        if self._press is None:
            return
        self._press = None
        if self._dragging:
            self._dragging = False
            ring, index = self.current
            self._emit(capture.move_vertex(self.geometry, ring, index, event.point))
            self.canvas.drawingChanged.emit()

    def double_click(self, event: MapEvent) -> None:
        if self.key is not None and self._vertex_at(event) is None:
            self.insert_at(event)

    def insert_at(self, event: MapEvent) -> None:
        edge = self._edge_at(event)
        if edge is None:
            return
        ring, index, point = edge
        self.current = (ring, index)
        self._emit(capture.insert_vertex(self.geometry, ring, index, point))

    def delete_current(self) -> None:
        if self.current is None:
            self.canvas.status(translate("MapCanvas", "Click a vertex first."))
            return
        ring, index = self.current
        try:
            new = capture.delete_vertex(self.geometry, ring, index)
        except InvalidGeometry as e:
            self.canvas.status(translate("MapCanvas", "Not changed: {reason}.").format(reason=e.message(language())))
            return
        self.current = None
        self._emit(new)

    def key_press(self, event) -> bool:
        if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self.key is not None:
            self.delete_current()
            return True
        return False

    def context_menu(self, event: MapEvent) -> None:
        if self.key is None:
            return
        vertex = self._vertex_at(event)
        if vertex is not None:
            def delete(vertex=vertex):
                self.current = vertex
                self.delete_current()
            self.canvas.popup_menu([(translate("MapCanvas", "Delete vertex"), delete)], event.pos)
        elif self._edge_at(event) is not None:
            def insert(event=event):
                self.insert_at(event)
            self.canvas.popup_menu([(translate("MapCanvas", "Insert vertex here"), insert)], event.pos)

    def escape(self) -> bool:
        if self._dragging:
            self._dragging, self._press = False, None
            self.show(self.geometry)
            self.canvas.drawingChanged.emit()
            return True
        if self.key is not None:
            self.clear()
            return True
        return False

    def on_refresh(self, changes) -> None:
        if self.key is None or self.key[1] not in changes.touched(self.key[0]):
            return
        feature = self.canvas.feature(self.key)
        if feature is None:
            self.clear()
            return
        self.geometry = feature.geometry
        self.show(self.geometry)

    def on_view_changed(self) -> None:
        if self.band is not None:
            self.band.refresh_margin()

"""Delete and duplicate features with one click.

Delete asks for the feature under the cursor to be deleted (``canvas.request_delete``; the owner
deletes the entrances attached to it in the same undo step). The feature under the cursor is
outlined first: a destructive tool shows what it will hit.
Duplicate copies a feature: a click puts the copy a little down-right, a drag puts it where it
is dropped.
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from ...model.capture import translate as move_geometry
from ...model.edits import AddFeature
from ...model.schema import LAYERS
from ..map import styles
from .base import MapEvent, MapTool
from .text import translate

GHOST_PEN = styles.cosmetic("#ff6f00", 2.0, Qt.DashLine)
GHOST_BRUSH = styles.RUBBER_BRUSH
DELETE_PEN = styles.cosmetic("#d50000", 3.0)
DELETE_BRUSH = styles.RUBBER_BAD_BRUSH
COPY_OFFSET_PX = 14


class DeleteTool(MapTool):
    name = "delete"
    cursor = Qt.PointingHandCursor

    def __init__(self, canvas):
        super().__init__(canvas)
        self._hover = None
        self._outline = None

    def hint(self) -> str:
        return translate("MapCanvas", "Delete: click a feature to delete it.")

    def clear(self) -> None:
        super().clear()
        self.remove_item(self._outline)
        self._hover, self._outline = None, None

    def move(self, event: MapEvent) -> None:
        hits = self.canvas.features_at(event.xy)
        key = hits[0] if hits else None
        if key != self._hover:  # re-outline only when the feature under the cursor changes
            self.clear()
            self._hover = key
            if key is not None:
                self._outline = self.canvas.overlay_item(key, DELETE_PEN, DELETE_BRUSH, styles.TOOL_Z)

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        hits = self.canvas.features_at(event.xy)
        if not hits:
            self.canvas.status(translate("MapCanvas", "No feature here."))
            return
        self.clear()
        self.canvas.request_delete([hits[0]])

    def on_refresh(self, changes) -> None:
        if self._hover is not None and self._hover[1] in changes.touched(self._hover[0]):
            self.clear()


class DuplicateTool(MapTool):
    name = "duplicate"
    cursor = Qt.PointingHandCursor

    def __init__(self, canvas):
        super().__init__(canvas)
        self._source = None
        self._press: MapEvent | None = None
        self._ghost = None
        self._dragging = False

    def hint(self) -> str:
        return translate("MapCanvas", "Duplicate: click a feature to copy it, or drag it to place the copy.")

    def is_drawing(self) -> bool:
        return self._dragging

    def clear(self) -> None:
        super().clear()
        self.remove_item(self._ghost)
        self._source, self._press, self._ghost, self._dragging = None, None, None, False

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        self.clear()
        hits = self.canvas.features_at(event.xy)
        if not hits:
            self.canvas.status(translate("MapCanvas", "No feature here."))
            return
        self._source, self._press = hits[0], event
        self._ghost = self.canvas.overlay_item(hits[0], GHOST_PEN, GHOST_BRUSH, styles.TOOL_Z)

    def _offset(self, event: MapEvent) -> tuple[float, float]:
        if self._dragging:
            return event.xy[0] - self._press.xy[0], event.xy[1] - self._press.xy[1]
        m = self.canvas.metres(COPY_OFFSET_PX)
        return m, -m  # down-right on screen (y is up in plan metres)

    def move(self, event: MapEvent) -> None:
        if self._press is None or self._ghost is None:
            return
        if not self._dragging and self.dragged(self._press.pos, event.pos):
            self._dragging = True
        if self._dragging:
            dx, dy = self._offset(event)
            base = self._ghost.data(0)
            self._ghost.setPos(*((base[0] + dx, base[1] + dy) if base else (dx, dy)))

    def release(self, event: MapEvent) -> None:
        if self._source is None or event.button != Qt.LeftButton:
            return
        dx, dy = self._offset(event)
        feature = self.canvas.feature(self._source)
        self.clear()
        if feature is None:
            return
        attrs = dict(feature.attributes)
        fields = LAYERS[feature.layer].field_names
        if "osm_id" in fields:
            attrs["osm_id"] = None  # a copy is the planner's, not OpenStreetMap's
        if "source" in fields:
            attrs["source"] = "drawn"
        self.canvas.request_edit(AddFeature(feature.layer, move_geometry(feature.geometry, dx, dy), attrs,
                                            self.canvas.scenario))

"""Drawing tools: polygon, rectangle, walking path, measure.

Conventions from QGIS users' complaints (design.md §6): a click adds a vertex; Backspace removes
the last; Enter or a double-click finishes; Esc on a shape that could be finished asks (finish /
discard / keep drawing) instead of silently destroying it; a right-click never finishes — it
opens a small menu; an invalid shape is not emitted and the status bar says why.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from ...model.capture import LineCapture, PolygonCapture, RectangleCapture
from ...model.edits import AddFeature
from ...model.errors import InvalidGeometry
from ...model.measures import drawn_floor_area
from ...model.schema import FACILITIES, RESIDENTIAL, WALK_NETWORK
from ..map import styles
from .base import MapEvent, MapTool, RubberBand
from .text import language, translate


def area_text(area: float) -> str:
    return f"{area:,.1f}" if area < 100 else f"{area:,.0f}"


def length_text(metres: float) -> str:
    return f"{metres / 1000:,.2f} km" if metres >= 1000 else f"{metres:,.1f} m"


class _CaptureTool(MapTool):
    """Shared by the tools that capture vertices into a ``model.capture`` state machine."""
    snaps = True
    cursor = Qt.CrossCursor
    closed = True
    kind = "polygon"            # for the Esc question: "polygon" or "path"

    def __init__(self, canvas):
        super().__init__(canvas)
        self.capture = self.new_capture()
        self.band: RubberBand | None = None
        self._cursor: tuple[float, float] | None = None

    def new_capture(self):
        return PolygonCapture()

    def is_drawing(self) -> bool:
        return self.capture.is_active

    def clear(self) -> None:
        super().clear()
        self.capture.cancel()
        self.remove_item(self.band)
        self.band = None

    def ready(self) -> bool:
        """Whether a new shape may be started (e.g. a facility type is chosen)."""
        return True

    # --- events ---------------------------------------------------------------------------------
    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        if not self.capture.is_active and not self.ready():
            return
        if self.capture.add_vertex(event.point, event.snap, tolerance=self.canvas.metres(2)):
            self._cursor = event.point
            self.update_band()
            self.canvas.drawingChanged.emit()

    def move(self, event: MapEvent) -> None:
        self._cursor = event.point
        if self.capture.is_active:
            self.update_band()

    def double_click(self, event: MapEvent) -> None:
        # Qt delivers press, release, press, double-click: the second press already added this
        # vertex (or was a repeat and added nothing); synthetic double-clicks come alone.
        if self.capture.is_active:
            self.capture.add_vertex(event.point, event.snap, tolerance=self.canvas.metres(2))
        self.finish()

    def key_press(self, event) -> bool:
        if event.key() == Qt.Key_Backspace and self.capture.is_active:
            self.undo_vertex()
            return True
        return False

    def context_menu(self, event: MapEvent) -> None:
        # A stray right-click must not finish the shape (design.md §6): offer, don't act.
        if not self.capture.is_active:
            return
        self.canvas.popup_menu([
            (translate("MapCanvas", "Finish"), self.finish),
            (translate("MapCanvas", "Undo last vertex"), self.undo_vertex),
            (translate("MapCanvas", "Cancel drawing"), self.cancel),
        ], event.pos)

    # --- actions --------------------------------------------------------------------------------
    def undo_vertex(self) -> None:
        self.capture.undo_vertex()
        self.update_band()
        self.canvas.drawingChanged.emit()

    def cancel(self, message: str | None = None) -> None:
        self.clear()
        self.canvas.refresh_cursor_overlay()
        self.canvas.status(message or translate("MapCanvas", "Drawing cancelled."))
        self.canvas.drawingChanged.emit()

    def finish(self) -> bool:
        if not self.capture.is_active:
            return False
        try:
            geometry = self.capture.close()
        except InvalidGeometry as e:
            reason = e.message(language())
            self.canvas.status(translate("MapCanvas", "Not added: {reason}.").format(reason=reason))
            return True
        self.update_band()
        self.canvas.refresh_cursor_overlay()  # the live label goes with the finished shape
        self.canvas.drawingChanged.emit()
        self.emit(geometry)
        return True

    def emit(self, geometry) -> None:
        raise NotImplementedError

    def _ask(self) -> bool:
        """Esc or leaving with a shape that could be finished: ask. False = keep drawing."""
        if not self.capture.can_close:
            self.cancel()
            return True
        choice = self.canvas.ask_unfinished(self.kind, len(self.capture))
        if choice == "finish":
            self.finish()
            return not self.capture.is_active  # an invalid shape stays for fixing
        if choice == "discard":
            self.cancel(translate("MapCanvas", "Polygon discarded.") if self.kind == "polygon"
                        else translate("MapCanvas", "Path discarded."))
            return True
        return False

    def escape(self) -> bool:
        if not self.capture.is_active:
            return False
        self._ask()
        return True

    def leave(self) -> bool:
        return self._ask() if self.capture.is_active else True

    # --- feedback -------------------------------------------------------------------------------
    def update_band(self) -> None:
        if not self.capture.is_active:
            self.remove_item(self.band)
            self.band = None
            self.cursor_label = None
            return
        if self.band is None:
            self.band = self.add_item(RubberBand(self.canvas, closed=self.closed))
        coords = self.capture.preview(self._cursor)
        self._bad = self.is_bad()
        self.band.set_coords(coords, bad=self._bad)
        self.cursor_label = self.label()

    _bad = False

    def is_bad(self) -> bool:
        return False

    def label(self):
        return None

    def on_view_changed(self) -> None:
        if self.band is not None:
            self.band.refresh_margin()


class _AreaTool(_CaptureTool):
    """Polygon and rectangle: shapes for the target layer, with the live area check."""

    def ready(self) -> bool:
        if self.canvas.target_layer() == FACILITIES and not self.canvas.current_facility_type():
            self.canvas.status(translate("MapCanvas", "Choose a facility type before drawing."))
            return False
        return True

    def attributes(self) -> dict:
        layer = self.canvas.target_layer()
        if layer == FACILITIES:
            return {"type": self.canvas.current_facility_type(), "status": "planned", "source": "drawn"}
        if layer == RESIDENTIAL:
            return {"source": "drawn"}
        return {}

    def emit(self, geometry) -> None:
        self.canvas.request_edit(AddFeature(self.canvas.target_layer(), geometry, self.attributes(),
                                            self.canvas.scenario), select=True)

    def area(self) -> float:
        """The area finishing now would store (the polygon: the corners placed, not the cursor)."""
        return self.capture.area_so_far(self._cursor)

    def cursor_area(self) -> float | None:
        """The area with the cursor as the next corner, when that differs from ``area()``."""
        return None

    def label(self):
        """Land and floor area of what finishing would store, against the type's minimum: green
        when met, red when not (design.md §5: the area rule is checked synchronously while
        drawing); then, apart, the area with the cursor as the next corner."""
        area = self.area()
        lines: list[str] = []
        with_cursor = self.cursor_area()
        colour = styles.RULE_NONE
        if self.canvas.target_layer() != FACILITIES:
            lines.append(translate("MapCanvas", "Area {area} m²").format(area=area_text(area)))
        else:
            code = self.canvas.current_facility_type()
            facility_type = self.canvas.catalogue.types.get(code)
            # The validator's own definition: a type without floors (a pocket park) has none.
            floor_area, floors = drawn_floor_area(area, code,
                                                  self.canvas.catalogue)
            if facility_type is not None:
                lines.append(facility_type.name(language()))
            lines.append(translate("MapCanvas", "Land area {area} m²").format(area=area_text(area)))
            lines.append(translate("MapCanvas", "Floor area {area} m² ({floors} floors)").format(
                area=area_text(floor_area), floors=floors))
            min_floor, min_land = self.canvas.area_rule(code)
            checks = []
            if min_floor is not None:
                ok = floor_area >= min_floor
                checks.append(ok)
                lines.append(translate("MapCanvas", "Minimum floor area {area} m²").format(
                    area=area_text(min_floor)) + (" ✓" if ok else " ✗"))
            if min_land is not None:
                ok = area >= min_land
                checks.append(ok)
                lines.append(translate("MapCanvas", "Minimum land area {area} m²").format(
                    area=area_text(min_land)) + (" ✓" if ok else " ✗"))
            if checks:
                colour = styles.RULE_MET if all(checks) else styles.RULE_NOT_MET
        if with_cursor is not None:
            lines.append(translate("MapCanvas", "With the cursor as the next corner: {area} m²").format(
                area=area_text(with_cursor)))
        if self._bad:
            lines.append(translate("MapCanvas", "The edges cross each other: move or remove the last vertex."))
            colour = styles.RULE_NOT_MET
        return lines, colour


class PolygonTool(_AreaTool):
    name = "polygon"

    def hint(self) -> str:
        return translate("MapCanvas", "Draw a polygon: click to add vertices; Enter or double-click finishes, "
                                      "Backspace removes the last vertex, Esc cancels.")

    def is_bad(self) -> bool:
        return self.capture.self_intersects(self._cursor)

    def area(self) -> float:
        return self.capture.area_so_far()  # Enter stores the corners placed: the cursor is not one

    def cursor_area(self) -> float | None:
        return self.capture.area_so_far(self._cursor) if self._cursor is not None else None


class RectangleTool(_AreaTool):
    name = "rectangle"

    def __init__(self, canvas):
        super().__init__(canvas)
        self._press_pos: QPointF | None = None

    def new_capture(self):
        return RectangleCapture()

    def hint(self) -> str:
        return translate("MapCanvas", "Draw a rectangle: click two opposite corners, or drag.")

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        if not self.capture.is_active:
            if self.ready() and self.capture.add_vertex(event.point, event.snap):
                self._press_pos, self._cursor = event.pos, event.point
                self.update_band()
                self.canvas.drawingChanged.emit()
            return
        if self.capture.add_vertex(event.point, event.snap):  # the second click
            self.finish()

    def release(self, event: MapEvent) -> None:
        # Press-drag-release draws in one gesture.
        if self.capture.is_active and len(self.capture) == 1 and self._press_pos is not None \
                and self.dragged(self._press_pos, event.pos, 5):
            if self.capture.add_vertex(event.point, event.snap):
                self.finish()
        self._press_pos = None

    def update_band(self) -> None:
        if not self.capture.is_active:
            super().update_band()
            return
        if self.band is None:
            self.band = self.add_item(RubberBand(self.canvas, closed=True))
        rect = self.capture.rectangle(self._cursor)
        coords = list(rect.exterior.coords)[:-1] if rect is not None else self.capture.coords
        self.band.set_coords(coords)
        self.cursor_label = self.label()

    def finish(self) -> bool:
        if len(self.capture) < 2:
            return self.capture.is_active  # Enter after one corner: nothing to finish yet
        done = super().finish()
        if self.capture.is_active:  # refused (zero width): start again
            self.capture.cancel()
            self.update_band()
        return done

    def escape(self) -> bool:
        if not self.capture.is_active:
            return False
        self.cancel()  # one gesture: nothing worth asking about
        return True

    def leave(self) -> bool:
        self.clear()
        return True

    def context_menu(self, event: MapEvent) -> None:
        if self.capture.is_active:
            self.canvas.popup_menu([(translate("MapCanvas", "Cancel drawing"), self.cancel)], event.pos)


class PathTool(_CaptureTool):
    name = "path"
    closed = False
    kind = "path"

    def new_capture(self):
        return LineCapture()

    def hint(self) -> str:
        return translate("MapCanvas", "Draw a walking path: click to add points; Enter or double-click finishes.")

    def emit(self, geometry) -> None:
        self.canvas.request_edit(AddFeature(WALK_NETWORK, geometry, {"class": "footway", "source": "drawn",
                                                                     "walkable": True}, self.canvas.scenario))

    def label(self):
        return [translate("MapCanvas", "Length {length}").format(
            length=length_text(self.capture.length_so_far(self._cursor)))], styles.RULE_NONE


class MeasureTool(_CaptureTool):
    """Distances along clicked points; nothing is stored. The last measurement stays on the map
    until the next click or Esc."""
    name = "measure"
    closed = False
    kind = "path"

    def new_capture(self):
        return LineCapture()

    def __init__(self, canvas):
        super().__init__(canvas)
        self._done = False

    def hint(self) -> str:
        return translate("MapCanvas", "Measure: click to add points; double-click or Enter finishes.")

    def is_drawing(self) -> bool:
        return False  # nothing to lose: switching tools or Esc may drop a measurement

    def press(self, event: MapEvent) -> None:
        if event.button == Qt.LeftButton and self._done:
            self._done = False
            self.capture.cancel()
        super().press(event)

    def move(self, event: MapEvent) -> None:
        if not self._done:
            super().move(event)

    def finish(self) -> bool:
        if not self.capture.is_active or self._done:
            return False
        length = self.capture.length_so_far()
        self._done = True
        self._cursor = None
        self.update_band()
        self.cursor_label = None
        self.canvas.refresh_cursor_overlay()
        self.canvas.status(translate("MapCanvas", "Measured length: {length}.").format(length=length_text(length)))
        return True

    def context_menu(self, event: MapEvent) -> None:
        self.finish()  # measuring stores nothing: a right-click may end it

    def escape(self) -> bool:
        if not self.capture.is_active:
            return False
        self._done = False
        self.clear()
        self.canvas.refresh_cursor_overlay()
        return True

    def leave(self) -> bool:
        return True

    def label(self):
        coords = self.capture.preview(self._cursor)
        length = self.capture.length_so_far(self._cursor)
        lines = [translate("MapCanvas", "Length {length}").format(length=length_text(length))]
        if len(coords) >= 2:
            (x0, y0), (x1, y1) = coords[-2], coords[-1]
            lines.append(translate("MapCanvas", "Segment {length}").format(
                length=length_text(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)))
        return lines, "#1565c0"

    def update_band(self) -> None:
        super().update_band()
        if self.band is not None:
            self.band.pen = styles.MEASURE_PEN

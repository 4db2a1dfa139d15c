"""Point tools: open/close a gate; place an entrance on the edge of a compound or facility; place
a bus stop or metro station.

Gates matter in China: a closed compound gate changes walking coverage (design.md §4), so the
gate tool is one click — a ``ChangeAttributes`` of ``open`` — and the map shows open and closed
gates with different symbols.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from shapely.geometry import Point

from ...model.edits import AddFeature, ChangeAttributes
from ...model.schema import ENTRANCES, FACILITIES, RESIDENTIAL, STOPS
from ..map import styles
from .base import MapEvent, MapTool
from .text import language, translate

GATE_PICK_PX = 10
EDGE_SNAP_PX = 15


class GateTool(MapTool):
    name = "gate"
    cursor = Qt.PointingHandCursor

    def hint(self) -> str:
        return translate("MapCanvas", "Gate: click an entrance to open or close it.")

    def _entrance(self, event: MapEvent):
        hits = self.canvas.features_at(event.xy, [ENTRANCES], tolerance_px=GATE_PICK_PX)
        return self.canvas.feature(hits[0]) if hits else None

    def move(self, event: MapEvent) -> None:
        f = self._entrance(event)
        if f is None:
            self.cursor_label = None
        else:
            is_open = f.attributes.get("open") is not False
            self.cursor_label = ([translate("MapCanvas", "Close the gate") if is_open
                                  else translate("MapCanvas", "Open the gate")],
                                 styles.RULE_NOT_MET if is_open else styles.RULE_MET)

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        f = self._entrance(event)
        if f is None:
            self.canvas.status(translate("MapCanvas", "No entrance here: click on an entrance symbol."))
            return
        now_open = f.attributes.get("open") is False  # None counts as open (the default)
        self.canvas.request_edit(ChangeAttributes.of(self.canvas.plan, ENTRANCES, f.fid, open=now_open))
        self.canvas.status(translate("MapCanvas", "Gate opened.") if now_open else translate("MapCanvas", "Gate closed."))
        self.cursor_label = None


class EntranceTool(MapTool):
    """Click near the edge of a residential compound or facility: an entrance lands exactly on the
    edge and belongs to that feature (``layer``/``feature`` attributes)."""
    name = "entrance"
    cursor = Qt.CrossCursor

    def hint(self) -> str:
        return translate("MapCanvas", "Entrance: click on the edge of a residential compound or facility.")

    def _edge(self, event: MapEvent):
        layers = [l for l in (RESIDENTIAL, FACILITIES) if self.canvas.is_layer_visible(l)]
        return self.canvas.snapper.snap(event.xy, self.canvas.metres(EDGE_SNAP_PX), layers)

    def move(self, event: MapEvent) -> None:
        hit = self._edge(event)
        self.canvas.show_snap(hit)  # the marker shows where the entrance would go
        if hit is None:
            self.cursor_label = None
            return
        f = self.canvas.feature(hit.key)
        name = self.canvas.label_text(f) if f is not None else ""
        self.cursor_label = ([translate("MapCanvas", "Entrance of {name}").format(name=name or hit.layer)],
                             styles.RULE_NONE)

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        hit = self._edge(event)
        if hit is None:
            self.canvas.status(translate("MapCanvas", "Click on the edge of a residential compound or facility."))
            return
        attrs = {"layer": hit.layer, "feature": hit.fid, "kind": "gate" if hit.layer == RESIDENTIAL else "door",
                 "open": True, "source": "drawn"}
        self.canvas.request_edit(AddFeature(ENTRANCES, Point(hit.point), attrs, self.canvas.scenario))


class StopTool(MapTool):
    """Place a bus stop or metro station (公交站点 / 轨道交通站点): the type chosen in the palette
    (a catalogue type with ``geometry = "point"``), one click, one ``AddFeature`` on the stops
    layer. Snaps like the drawing tools, so a stop can sit exactly on a road or path edge.

    A tool of its own rather than the polygon tool on a point layer: the polygon and rectangle
    tools keep one meaning (areas on ``set_target_layer``'s polygon layers), and a single click
    needs no capture state machine — the same shape as the entrance tool."""
    name = "stop"
    snaps = True
    cursor = Qt.CrossCursor

    def stop_type(self):
        """The catalogue type to place, or None when the palette's choice is not a point type."""
        code = self.canvas.current_facility_type()
        t = self.canvas.catalogue.types.get(code) if code else None
        return t if t is not None and t.geometry == "point" else None

    def hint(self) -> str:
        t = self.stop_type()
        if t is None:
            return translate("MapCanvas", "Choose a bus stop or metro station in the palette first.")
        return translate("MapCanvas", "Place {name}: click on the map (it snaps to roads and paths when snapping "
                                      "is on); Esc cancels.").format(name=t.name(language()))

    def move(self, event: MapEvent) -> None:
        t = self.stop_type()
        self.cursor_label = None if t is None else ([t.name(language())], t.colour)

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        t = self.stop_type()
        if t is None:
            self.canvas.status(translate("MapCanvas", "Choose a bus stop or metro station in the palette first."))
            return
        self.canvas.request_edit(AddFeature(STOPS, Point(event.point), {"type": t.code, "source": "drawn"},
                                            self.canvas.scenario))

"""The 规划单元 (planning unit) tool: draw a community, a 5-, 10- or 15-minute life circle or a
residential block (the kind chosen on the map view, ``MapView.set_unit_kind``) into the
planning_units layer — one undoable AddFeature, as every drawn polygon. The scale rules measure
each unit of their tier (model/rules/scale.py), so drawing the community makes them apply."""
from __future__ import annotations

from PySide6.QtCore import Qt
from shapely.geometry import Point, Polygon

from ...model.edits import AddFeature
from ...model.schema import BASEMAP_LANDUSE, PLANNING_UNITS, RESIDENTIAL, UNIT_KIND_WORDS
from ..map import styles
from .base import MapEvent, MapTool
from .draw import PolygonTool, area_text
from .text import language, translate

UNIT_KINDS = ("community", "5min", "10min", "15min", "block")
PICK_LAYERS = (RESIDENTIAL, BASEMAP_LANDUSE)


def unit_word(kind: str) -> str:
    """The kind of a planning unit in the interface language (社区, 十五分钟生活圈, …)."""
    zh, en = UNIT_KIND_WORDS.get(kind, (kind, kind))
    return zh if language() == "zh" else en


class UnitTool(PolygonTool):
    name = "unit"

    def ready(self) -> bool:
        return True

    def attributes(self) -> dict:
        return {"kind": self.canvas.unit_kind()}

    def emit(self, geometry) -> None:
        self.canvas.request_edit(AddFeature(PLANNING_UNITS, geometry, self.attributes(), self.canvas.scenario))

    def hint(self) -> str:
        return translate("MapCanvas", "Draw the planning unit ({kind}): click to add vertices; Enter or "
                                      "double-click finishes, Backspace removes the last vertex, Esc cancels.").format(
            kind=unit_word(self.canvas.unit_kind()))

    def label(self):
        lines = [unit_word(self.canvas.unit_kind()),
                 translate("MapCanvas", "Area {area} m²").format(area=area_text(self.area()))]
        colour = styles.RULE_NONE
        if self._bad:
            lines.append(translate("MapCanvas", "The edges cross each other: move or remove the last vertex."))
            colour = styles.RULE_NOT_MET
        return lines, colour


class PickUnitTool(MapTool):
    """Click a residential compound (or a residential landuse area of the base map) to make its
    outline the planning unit of the chosen kind: one undoable AddFeature."""
    name = "pick_unit"
    cursor = Qt.CursorShape.PointingHandCursor

    def hint(self) -> str:
        return translate("MapCanvas", "Click a residential compound or residential area to use its outline as the "
                                      "{kind} boundary; Esc stops.").format(kind=unit_word(self.canvas.unit_kind()))

    def press(self, event: MapEvent) -> None:
        if event.button != Qt.LeftButton:
            return
        for key in self.canvas.features_at(event.xy, PICK_LAYERS, tolerance_px=0):
            feature = self.canvas.feature(key)
            if feature is None or feature.geometry is None or feature.geometry.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            if key[0] == BASEMAP_LANDUSE and feature.get("kind") != "residential":
                continue
            geometry = feature.geometry
            if geometry.geom_type == "MultiPolygon":  # one unit: the part clicked
                geometry = next((p for p in geometry.geoms if p.covers(Point(event.xy))), max(geometry.geoms, key=lambda p: p.area))
            self.canvas.request_edit(AddFeature(PLANNING_UNITS, Polygon(geometry.exterior), self.attributes(),
                                                self.canvas.scenario))
            self.canvas.set_tool("select")
            return
        self.canvas.status(translate("MapCanvas", "No residential compound or residential area there."))

    def attributes(self) -> dict:
        return {"kind": self.canvas.unit_kind()}

"""Map tools of the map view, by the names ``MapView.set_tool`` takes (``canvas`` below: the view).

Each tool maps mouse and keys onto a Qt-free state machine (model/capture.py) or a one-click
edit and owns its transient graphics; none changes the plan — edits go out through
``canvas.request_edit`` and deletions through ``canvas.request_delete`` (style.md §2, QGIS's
map-tool lifecycle). Tools use the view's public methods only.
"""
from .base import MapEvent, MapTool, RubberBand
from .draw import MeasureTool, PathTool, PolygonTool, RectangleTool
from .feature_ops import DeleteTool, DuplicateTool
from .points import EntranceTool, GateTool, StopTool
from .pin import PinTool  # comment pins (issue 13)
from .select import PanTool, SelectTool
from .unit import UNIT_KINDS, PickUnitTool, UnitTool, unit_word
from .vertex import VertexTool

TOOLS: dict[str, type[MapTool]] = {t.name: t for t in (
    SelectTool, PanTool, PolygonTool, RectangleTool, VertexTool, PathTool, GateTool, EntranceTool,
    StopTool, MeasureTool, DeleteTool, DuplicateTool, UnitTool, PickUnitTool, PinTool)}

__all__ = ["TOOLS", "UNIT_KINDS", "MapEvent", "MapTool", "RubberBand", "unit_word"]

"""The plan file's layers and their typed attributes (design.md §2).

One table per layer; every editable feature row carries ``scenario``. The types here are the
single source of truth for the store (SQL column types), the model (Python types) and the UI
(attribute panel).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

SCHEMA_VERSION = 6  # v3: INTEGER keys on the attribute tables (GeoPackage requirement 119); v4: project fields; v5: basemap_cad;
# v6: the comment pins' fields (issue 13)


@dataclass(frozen=True)
class Field:
    name: str
    type: type  # str, int, float or bool
    default: object = None

    @property
    def sql(self) -> str:
        return {str: "TEXT", int: "INTEGER", float: "REAL", bool: "BOOLEAN"}[self.type]


@dataclass(frozen=True)
class Layer:
    name: str
    geometry: str  # GeoPackage geometry type name: POLYGON, POINT, LINESTRING, GEOMETRY
    fields: tuple[Field, ...]
    editable: bool = True
    title_zh: str = ""
    title_en: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# The plan's layers, by name: one set of constants for the whole code base (the names are the
# GeoPackage tables of design.md §2, which QGIS and GDAL show the planner).
PLANNING_UNITS = "planning_units"      # 规划单元
RESIDENTIAL = "residential"            # 居住用地 (homes: compounds and buildings)
FACILITIES = "facilities"              # 设施
STOPS = "stops"                        # 公交与轨交站点
ENTRANCES = "entrances"                # 出入口 (gates and doors)
WALK_NETWORK = "walk_network"          # 步行网络
COMMENTS = "comments"                  # 居民意见
BASEMAP_BUILDINGS = "basemap_buildings"
BASEMAP_LANDUSE = "basemap_landuse"
BASEMAP_WATER = "basemap_water"
BASEMAP_ROADS = "basemap_roads"
BASEMAP_CAD = "basemap_cad"            # CAD 底图: every shape of an imported DXF, its CAD layer kept

F = Field
_PROJECT = (  # project fields of the annual project list (项目实施清单, seed 002)
    F("project_content", str), F("implementing_body", str), F("funding", str),
    F("schedule", str), F("design_team", str),
    # v4 (issue 12): 新建/改建/扩建 as a code word (new | rebuild | extend); 实施路径 in the planner's
    # words; 投资估算 in 万元; 年度, the year of the annual list the project belongs to.
    F("construction", str), F("implementation_path", str), F("investment", float), F("year", int),
)
# The columns v4 added to the facilities table (Store.MIGRATIONS[3]).
PROJECT_FIELDS_V4 = ("construction", "implementation_path", "investment", "year")
CONSTRUCTION_KINDS = ("new", "rebuild", "extend")  # 新建 / 改建 / 扩建
# v6 (issue 13): a comment pin's category, who said it, at which meeting and when, the planner's
# reply and its number on the map (codes and words: model/comments.py). Status "open" became "new".
_COMMENT_V6 = (F("category", str), F("author", str), F("meeting", str), F("meeting_date", str),
               F("reply", str), F("number", int))
# The columns v6 added to the comments table (Store.MIGRATIONS[5]).
COMMENT_FIELDS_V6 = tuple(f.name for f in _COMMENT_V6)

LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer(PLANNING_UNITS, "POLYGON", (
            F("kind", str, "community"), F("name", str, ""), F("population", float),
            F("households", float)), title_zh="规划单元", title_en="Planning units"),
        Layer(RESIDENTIAL, "POLYGON", (
            F("name", str, ""), F("households", float), F("population", float),
            F("floors", int), F("floor_area", float), F("source", str, "drawn"),
            F("estimated", bool, False), F("osm_id", str)), title_zh="居住用地", title_en="Residential"),
        Layer(FACILITIES, "POLYGON", (
            F("type", str), F("name", str, ""), F("floors", int), F("floor_area", float),
            F("land_area", float), F("usable_area", float), F("activity_area", float),
            F("status", str, "planned"), F("classes", int), F("beds", int),
            F("parking_spaces", int), F("accessible_spaces", int), F("charging_spaces", int),
            F("lockers", int), F("source", str, "drawn"), F("osm_id", str), *_PROJECT),
            title_zh="设施", title_en="Facilities"),
        Layer(STOPS, "POINT", (
            F("type", str, "bus_stop"), F("name", str, ""), F("source", str, "drawn"),
            F("osm_id", str)), title_zh="公交与轨交站点", title_en="Stops"),
        Layer(ENTRANCES, "POINT", (
            F("layer", str, RESIDENTIAL), F("feature", int), F("kind", str, "gate"),
            F("open", bool, True), F("name", str, ""), F("source", str, "drawn"),
            F("osm_id", str)), title_zh="出入口", title_en="Entrances"),
        Layer(WALK_NETWORK, "LINESTRING", (
            F("class", str, "footway"), F("name", str, ""), F("walkable", bool, True),
            F("closed", bool, False), F("barrier", str), F("source", str, "drawn"),
            F("osm_id", str), F("node_ids", str)), title_zh="步行网络", title_en="Walking network"),
        Layer(COMMENTS, "POINT", (
            F("text", str, ""), F("author_role", str, ""), F("created", str),
            F("status", str, "new"), *_COMMENT_V6), title_zh="居民意见", title_en="Comments"),
        # Read-only reference layers from imports (not per scenario).
        Layer(BASEMAP_BUILDINGS, "POLYGON", (
            F("kind", str), F("name", str), F("levels", float), F("osm_id", str)),
            editable=False, title_zh="建筑", title_en="Buildings"),
        Layer(BASEMAP_LANDUSE, "POLYGON", (
            F("kind", str), F("name", str), F("osm_id", str)),
            editable=False, title_zh="用地", title_en="Land use"),
        Layer(BASEMAP_WATER, "GEOMETRY", (
            F("kind", str), F("name", str), F("osm_id", str)),
            editable=False, title_zh="水系", title_en="Water"),
        Layer(BASEMAP_ROADS, "LINESTRING", (
            F("kind", str), F("name", str), F("osm_id", str)),
            editable=False, title_zh="道路", title_en="Roads"),
        Layer(BASEMAP_CAD, "GEOMETRY", (
            F("cad_layer", str), F("entity", str), F("text", str), F("source", str)),
            editable=False, title_zh="CAD 底图", title_en="CAD base map"),
    )
}

EDITABLE_LAYERS = tuple(n for n, l in LAYERS.items() if l.editable)


def coerce(layer: str, name: str, value):
    """Return ``value`` as the field's Python type (None stays None)."""
    field = LAYERS[layer].field(name)
    if value is None or value == "":
        return None if field.type is not str else (value if value == "" else None)
    if field.type is bool:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "y", "是")
        return bool(value)
    return field.type(value)

# The kinds of planning unit (planning_units.kind) in words, (Chinese, English mid-sentence): the
# validator's messages, the map labels and the unit tool all say them the same way.
UNIT_KIND_WORDS = {"community": ("社区", "community"), "5min": ("五分钟生活圈", "5-minute life circle"),
                   "10min": ("十分钟生活圈", "10-minute life circle"),
                   "15min": ("十五分钟生活圈", "15-minute life circle"), "block": ("居住街坊", "residential block")}

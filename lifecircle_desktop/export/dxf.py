"""CAD (DXF) of the scenario for a district office's CAD desk (issue 12 point 4, design.md §11).

What a CAD user expects of a planning drawing (规划图) from China:
- one layer per plan layer and per facility category, with Chinese names ("设施-教育", "居住用地",
  "底图-建筑"), each in a colour close to the canvas's (true colour, plus the nearest ACI colour for
  viewers that read only ACI);
- areas as closed LWPOLYLINEs (a hole is one more closed polyline on the same layer) — homes and
  facilities also filled, as on the canvas, by a solid HATCH under the outline — lines as open
  LWPOLYLINEs, points as POINT plus a small symbol, in the chosen CRS's units — metres, unless WGS 84
  was asked for (then degrees, and the title block says so);
- names as MTEXT in a text style whose font a Chinese AutoCAD has (SimSun);
- text heights and dash lengths at a standard planning scale (1:500…1:10000) chosen from the plan's
  size, and a title block (图签) below the drawing: plan, scenario, CRS, scale, date, data credits.

Why DXF R2004 in code page ANSI_936 (GBK) and not R2010 in UTF-8: GDAL's DXF reader — QGIS's —
decodes a file by ``$DWGCODEPAGE`` whatever its version (ogrdxfdatasource.cpp, ReadHeaderSection), so a
UTF-8 R2010 file reads as mojibake there unless the user sets DXF_ENCODING. R2004 is the newest
version still written in its code page, and it keeps true colours (R2000 has none); AutoCAD, ZWCAD,
LibreCAD and ezdxf read GBK by ``$DWGCODEPAGE``. A character GBK lacks ("©" of the OSM credit) goes
into MTEXT as ``\\U+00A9``, which AutoCAD and GDAL both decode (GDAL does not in TEXT, hence MTEXT).

Qt-free. The bundle gives the path (``plan.dxf`` in its temporary folder) and removes it if this raises.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np
import shapely

from ..model.errors import PlanError
from ..model.schema import (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, COMMENTS,
                            ENTRANCES, FACILITIES, LAYERS, PLANNING_UNITS, RESIDENTIAL, STOPS, UNIT_KIND_WORDS,
                            WALK_NETWORK)

if TYPE_CHECKING:  # pragma: no cover
    from .context import BundleContext, Progress

DXF_VERSION = "R2004"          # written in its code page: see the module's docstring
ENCODING = "gbk"               # $DWGCODEPAGE ANSI_936
FONT_FILE = "simsun.ttc"       # 宋体: on every Chinese Windows, where AutoCAD looks for TrueType fonts
FONT_FAMILY = "SimSun"
TEXT_STYLE = "LC_SimSun"
TITLE_LAYER = "图框"
OTHER_CATEGORY = "其他"

# Areas and lines in the order a CAD user reads the layer list: base map first, the plan on top.
# The colours are the canvas's (ui/map/styles.py; that module needs Qt, this one must not — a test
# checks the two agree): outline colours, as CAD draws outlines, not fills.
LAYER_STYLE = {  # plan layer: (DXF layer name, colour, lineweight in 1/100 mm)
    BASEMAP_LANDUSE: ("底图-用地", "#9fcf9f", 13),
    BASEMAP_WATER: ("底图-水系", "#8cbfd0", 13),
    BASEMAP_BUILDINGS: ("底图-建筑", "#b5aca4", 13),
    BASEMAP_ROADS: ("底图-道路", "#c2b9ac", 18),
    PLANNING_UNITS: ("规划单元", "#3d4f66", 50),
    RESIDENTIAL: ("居住用地", "#a6773e", 30),
    WALK_NETWORK: ("步行网络", "#7b5ea7", 18),
    FACILITIES: ("设施", "#9e9e9e", 35),
    STOPS: ("公交与轨交站点", "#1565c0", 25),
    ENTRANCES: ("出入口", "#2e7d32", 25),
    COMMENTS: ("居民意见", "#fbc02d", 25),
}
# The areas the canvas fills, filled here too (a solid HATCH under the outline): the brush's colour
# (None: the facility type's) and opacity (ui/map/styles.area_style).
FILLS = {RESIDENTIAL: ("#f5deb0", 170), FACILITIES: (None, 205)}
# Per-feature colours where the canvas varies them within a layer (ui/map/styles.py).
GREEN_KINDS = {"park", "grass", "garden", "forest", "wood", "meadow", "recreation_ground", "village_green",
               "playground", "pitch", "scrub", "heath", "grassland", "nature_reserve", "cemetery",
               "allotments", "orchard", "farmland", "greenfield", "green", "common", "golf_course"}
ROAD_COLOURS = {  # the casing where the canvas draws one (white fills vanish on a white CAD sheet)
    "motorway": "#c24e6b", "trunk": "#c8775d", "primary": "#b88a4a", "secondary": "#9fa35c",
    "tertiary": "#b5ad9e", "residential": "#c2b9ac", "unclassified": "#c2b9ac", "living_street": "#c2b9ac",
    "road": "#c2b9ac", "service": "#c9c1b5", "pedestrian": "#aaaabb", "track": "#b59a6d",
    "footway": "#f08877", "path": "#f08877", "cycleway": "#6b6bf0", "steps": "#f08877",
    "bridleway": "#6fb06f", "construction": "#c2b9ac",
}
WALK_DRAWN, WALK_CLOSED = "#6a3fa0", "#d32f2f"
STOP_COLOURS = {"bus_stop": "#1565c0", "metro_station": "#d32f2f"}
GATE_CLOSED = "#c62828"         # an open gate takes the layer colour, the canvas's green
# Labels and the title block in ACI 7, CAD's ink colour: black on a white sheet, white on a dark
# screen (the canvas's labels are near-black, #1d1d1f, which a dark CAD screen would swallow).
INK = 7

# Standard scales of planning drawings (规划图常用比例尺); the smallest whose sheet holds the plan.
SCALES = (500, 1000, 2000, 5000, 10000)
SHEET_M = 0.8                  # drawing width on paper, metres (an A0 sheet is 1.189 m wide)
TEXT_MM = {PLANNING_UNITS: 5.0, FACILITIES: 2.5, RESIDENTIAL: 2.5, STOPS: 2.0, COMMENTS: 2.0}
LABELLED = (PLANNING_UNITS, RESIDENTIAL, FACILITIES, STOPS, COMMENTS)
MAX_TEXT = 80                  # characters of a label: a CAD label is one line
CHECK_EVERY = 1000             # features between two progress polls (≈ 50 ms of work)

# A layer name may not hold these (AutoCAD's symbol-table rules), nor control characters.
_NOT_IN_NAMES = re.compile(r'[<>/\\":;?*|=`,\x00-\x1f\x7f]')


@dataclass(frozen=True)
class DrawingScale:
    """The print scale text heights and dashes are sized for, in the target CRS's units."""
    denominator: int
    unit: float                # target units per paper millimetre (metres: denominator / 1000)

    def height(self, mm: float) -> float:
        return mm * self.unit


def layer_name(text: str, fallback: str = "图层") -> str:
    """A DXF layer name from any text: the characters AutoCAD refuses, and those the file's code
    page lacks (a layer name has no escapes), become "_"; at most 255 characters."""
    name = _NOT_IN_NAMES.sub("_", plain_text(text, 255))
    name = "".join(c if _in_codepage(c) else "_" for c in name).strip()
    return name or fallback


def _in_codepage(c: str) -> bool:
    try:
        c.encode(ENCODING)
        return True
    except UnicodeEncodeError:
        return False


def mtext(text, limit: int = MAX_TEXT) -> str:
    """MTEXT content showing ``text`` literally, on one line: MTEXT's own codes (\\ { } and the %%
    and ^ controls) escaped, a character the code page lacks as \\U+XXXX, one beyond the BMP (no
    DXF escape holds it) as □, the typesetter's mark for a missing character (缺字)."""
    out = []
    for c in plain_text(text, limit):
        if c in "\\{}":
            out.append("\\" + c)
        elif c in "%^":
            out.append(f"\\U+{ord(c):04X}")
        elif _in_codepage(c):
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append(f"\\U+{ord(c):04X}")
        else:
            out.append("□")
    return "".join(out)


def plain_text(text, limit: int = MAX_TEXT) -> str:
    """One line of text for a label: control and format characters (a name pasted with a
    newline or a bidi mark) become spaces, runs of spaces one, and a long text ends in "…"."""
    s = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def hex_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


@lru_cache(maxsize=None)
def nearest_aci(colour: str) -> int:
    """The AutoCAD Colour Index (1–255) nearest to ``colour`` for readers that ignore true colour,
    nearest as the eye sees it (CIELAB ΔE): in plain RGB distance the elderly-care mauve and the
    land-use green came out grey."""
    distance = ((_aci_lab() - _lab(np.array([hex_rgb(colour)], dtype=float))) ** 2).sum(axis=1)
    return int(np.argmin(distance)) + 1


@lru_cache(maxsize=1)
def _aci_lab() -> np.ndarray:
    from ezdxf.colors import aci2rgb
    return _lab(np.array([tuple(aci2rgb(i)) for i in range(1, 256)], dtype=float))


def _lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0–255, one colour a row) to CIELAB under D65."""
    c = rgb / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = c @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])])


def drawing_scale(plan_bounds, target_bounds) -> DrawingScale:
    """The smallest standard scale at which the plan fits a sheet ``SHEET_M`` wide; target units
    per plan metre from the two extents (1 when projected, ~1e-5 for degrees)."""
    if plan_bounds is None:
        return DrawingScale(1000, 1.0)
    width = max(plan_bounds[2] - plan_bounds[0], plan_bounds[3] - plan_bounds[1], 1.0)
    denominator = next((s for s in SCALES if width / s <= SHEET_M), SCALES[-1])
    target_width = max(target_bounds[2] - target_bounds[0], target_bounds[3] - target_bounds[1])
    per_metre = target_width / width if target_width > 0 else 1.0
    return DrawingScale(denominator, denominator / 1000.0 * per_metre)


# --- the writer -------------------------------------------------------------------------------------
def write_dxf(ctx: "BundleContext", path, progress: "Progress") -> Path:
    """Write the scenario as DXF R2004 at ``path`` in ``ctx.crs``; returns ``path``."""
    import ezdxf
    from ezdxf.enums import MTextEntityAlignment

    path = Path(path)
    catalogue = ctx.session.catalogue
    progress.step(0.0, "CAD：读取图层", "CAD: reading the layers")
    layers = {}
    for layer in LAYER_STYLE:
        progress.check()
        layers[layer] = ctx.features(layer)
    total = sum(len(v) for v in layers.values()) or 1

    target = {layer: _transformed(ctx, [f.geometry for f in fs]) for layer, fs in layers.items()}
    target_bounds = _bounds([g for gs in target.values() for g in gs])
    # The scale is the planning area's (the units, else the plan's own layers): a river of the base
    # map running off for kilometres should not shrink the community's labels.
    for chosen in ((PLANNING_UNITS,), tuple(LAYERS[n].name for n in LAYER_STYLE if LAYERS[n].editable),
                   tuple(LAYER_STYLE)):
        area = _bounds([f.geometry for n in chosen for f in layers[n]])
        if area is not None:
            area_target = _bounds([g for n in chosen for g in target[n]])
            break
    else:
        area = area_target = None
    scale = drawing_scale(area, area_target)

    doc = ezdxf.new(DXF_VERSION, setup=["linetypes"])
    doc.encoding = ENCODING                               # sets $DWGCODEPAGE to ANSI_936
    doc.header["$MEASUREMENT"] = 1                         # metric
    doc.header["$INSUNITS"] = 0 if ctx.crs.is_geographic else 6   # 6: metres; 0: unitless (degrees)
    doc.header["$LTSCALE"] = scale.height(2.0)            # DASHED's 1.27-unit dash ≈ 2.5 mm on paper
    doc.header["$PSLTSCALE"] = 0
    style = doc.styles.add(TEXT_STYLE, font=FONT_FILE)
    style.set_extended_font_data(family=FONT_FAMILY, italic=False, bold=False)
    doc.header["$TEXTSTYLE"] = TEXT_STYLE
    doc.header["$TEXTSIZE"] = scale.height(2.5)
    msp = doc.modelspace()

    def add_layer(name: str, colour: str, lineweight: int = -3, description: str = "") -> str:
        if name not in doc.layers:
            entry = doc.layers.add(name, color=nearest_aci(colour), lineweight=lineweight)
            entry.rgb = hex_rgb(colour)
            if description:
                entry.description = plain_text(description, 255)
        return name

    for layer, (name, colour, weight) in LAYER_STYLE.items():
        if layer == FACILITIES:  # one layer per category instead, in the catalogue's order
            for cat in catalogue.categories.values():
                add_layer(layer_name(f"设施-{cat.name_zh}"), cat.colour, weight, f"Facilities: {cat.name_en}")
        else:
            add_layer(name, colour, weight, LAYERS[layer].title_en)
    title = doc.layers.add(TITLE_LAYER, color=INK, lineweight=25)
    title.description = "Title block"

    shapes = _Entities(doc.entitydb.handles, msp.block_record_handle)

    def text(value: str, xy, height: float, layer: str, align=MTextEntityAlignment.MIDDLE_CENTER):
        t = msp.add_mtext(mtext(value), dxfattribs={"layer": layer, "style": TEXT_STYLE, "char_height": height,
                                                    "color": INK})
        t.set_location((float(xy[0]), float(xy[1])), attachment_point=align)

    done = 0
    for layer, features in layers.items():
        geoms = target[layer]
        labels = _label_points(ctx, features) if layer in LABELLED else None
        for i, (feature, geom) in enumerate(zip(features, geoms)):
            if done % CHECK_EVERY == 0:
                progress.step(0.55 * done / total, f"CAD：{LAYERS[layer].title_zh}", f"CAD: {LAYERS[layer].title_en}")
            done += 1
            if geom is None or geom.is_empty:
                continue
            name, colour, dashed = _entity_style(feature, catalogue)
            if name is None:  # a facility: its category's layer, its type's colour
                name = _facility_layer(feature, catalogue, add_layer)
            look = _look(name, colour, dashed)
            if layer in FILLS:
                fill, alpha = FILLS[layer]
                _add_fill(shapes, geom, _look(name, fill or colour, False), alpha)
            if layer in (STOPS, ENTRANCES, COMMENTS):
                _add_points(shapes, geom, layer, feature, scale, look)
            else:
                _add_shape(shapes, geom, look)
            if labels is not None and labels[i] is not None:
                label = _label(feature, catalogue, ctx.lang)
                if label:
                    x, y = labels[i]
                    if layer == STOPS:  # under the symbol, as on the canvas
                        y -= scale.height(3.0)
                    text(label, (x, y), scale.height(TEXT_MM[layer]), name)

    progress.step(0.55, "CAD：图签", "CAD: the title block")
    extent = target_bounds or (0.0, 0.0, scale.height(180), scale.height(120))
    # Under the drawing, at the planning area's right edge (not the far end of a long river).
    right = area_target[2] if area_target is not None else extent[2]
    box = _title_block(ctx, msp, right, extent[1], scale, text)
    xmin, ymin = min(extent[0], box[0]), min(extent[1], box[1])
    xmax, ymax = max(extent[2], box[2]), max(extent[3], box[3])
    # ezdxf copies the model space's extents into $EXTMIN/$EXTMAX when it saves.
    msp.reset_extents((xmin, ymin, 0.0), (xmax, ymax, 0.0))
    doc.header["$LIMMIN"] = (xmin, ymin)
    doc.header["$LIMMAX"] = (xmax, ymax)
    doc.set_modelspace_vport(height=(ymax - ymin) * 1.05, center=((xmin + xmax) / 2, (ymin + ymax) / 2))

    progress.step(0.6, "CAD：写入文件", "CAD: writing the file")
    rest = _Polled(progress)
    doc.write(rest)  # the header, tables, labels and title block
    rest = rest.getvalue()
    # The areas, lines and points go first in the ENTITIES section: labels are drawn over them.
    at = rest.index(_ENTITIES_SECTION) + len(_ENTITIES_SECTION)
    try:
        with open(path, "wt", encoding=doc.output_encoding, errors="dxfreplace", newline="") as fp:
            fp.write(rest[:at])
            for i in range(0, len(shapes.chunks), CHECK_EVERY):
                progress.step(0.6 + 0.4 * i / len(shapes.chunks), "CAD：写入文件", "CAD: writing the file")
                fp.write("".join(shapes.chunks[i:i + CHECK_EVERY]))
            fp.write(rest[at:])
    except BaseException as e:
        path.unlink(missing_ok=True)  # cancelled or failed: no half-written drawing, even outside a bundle
        if isinstance(e, OSError):
            raise PlanError(f"无法写入 CAD 文件 {path.name}：{e.strerror or e}",
                            f"cannot write the CAD file {path.name}: {e.strerror or e}") from None
        raise
    progress.step(1.0, "CAD 完成", "CAD done")
    return path


def _bounds(geoms: list) -> tuple[float, float, float, float] | None:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return None
    b = shapely.total_bounds(np.asarray(geoms, dtype=object))
    return tuple(float(v) for v in b)


def _transformed(ctx: "BundleContext", geoms: list) -> list:
    """``geoms`` in the target CRS, in one call per layer (the transformer's set-up dominates a call)."""
    keep = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    out = [None] * len(geoms)
    if keep:
        moved = ctx.crs.transform(np.asarray([geoms[i] for i in keep], dtype=object))
        for i, g in zip(keep, np.atleast_1d(moved)):
            out[i] = g
    return out


def _label_points(ctx, features) -> list:
    """Where each feature's name goes, in the target CRS: a point inside the area (its
    representative point: a centroid can fall outside an L-shaped compound)."""
    points = [shapely.point_on_surface(f.geometry) if f.geometry is not None and not f.geometry.is_empty else None
              for f in features]
    moved = _transformed(ctx, points)
    return [(p.x, p.y) if p is not None else None for p in moved]


def _entity_style(feature, catalogue) -> tuple[str | None, str | None, bool]:
    """(layer name or None for a facility's category layer, colour or None for the layer's, dashed)."""
    a = feature.attributes
    layer = feature.layer
    name = LAYER_STYLE[layer][0]
    if layer == FACILITIES:
        code = a.get("type")
        colour = catalogue.types[code].colour if code in catalogue.types else "#9e9e9e"
        # Planned facilities are dashed, existing ones solid: the canvas's convention.
        return None, colour, a.get("status") != "existing"
    if layer == PLANNING_UNITS:
        return name, None, True
    if layer == WALK_NETWORK:
        closed = bool(a.get("closed")) or a.get("walkable") is False
        if closed:
            return name, WALK_CLOSED, True
        return name, WALK_DRAWN if a.get("source") == "drawn" else None, False
    if layer == BASEMAP_ROADS:
        kind = (a.get("kind") or "").removesuffix("_link")
        return name, ROAD_COLOURS.get(kind), False
    if layer == BASEMAP_LANDUSE and a.get("kind") not in GREEN_KINDS:
        # The canvas only tints these (no outline): a CAD outline in the buildings' grey.
        return name, "#b5aca4", False
    if layer == STOPS:
        return name, STOP_COLOURS.get(a.get("type"), "#546e7a"), False
    if layer == ENTRANCES:
        return name, GATE_CLOSED if a.get("open") is False else None, False
    return name, None, False


def _facility_layer(feature, catalogue, add_layer) -> str:
    code = feature.attributes.get("type")
    cat = catalogue.categories.get(catalogue.types[code].category) if code in catalogue.types else None
    if cat is None:
        return add_layer(layer_name(f"设施-{OTHER_CATEGORY}"), "#9e9e9e", 35, "Facilities: other")
    return layer_name(f"设施-{cat.name_zh}")


def _label(feature, catalogue, lang: str) -> str:
    a = feature.attributes
    zh = lang.startswith("zh")
    if feature.layer == COMMENTS:  # the pin's number first, as on the map and in the comments workbook
        number = f"{a['number']}. " if a.get("number") is not None else ""
        return plain_text(number + (a.get("text") or ""))
    name = plain_text(a.get("name") or "")
    if name:
        return name
    if feature.layer == FACILITIES and a.get("type") in catalogue.types:
        return catalogue.types[a["type"]].name(lang)
    if feature.layer == PLANNING_UNITS and a.get("kind") in UNIT_KIND_WORDS:
        return UNIT_KIND_WORDS[a["kind"]][0 if zh else 1]
    return ""


def _rings(geom) -> Iterable[tuple[np.ndarray, bool]]:
    """(coordinates, closed) of every ring and line of ``geom``; a ring without its repeated end."""
    kind = geom.geom_type
    if kind == "Polygon":
        for ring in (geom.exterior, *geom.interiors):
            xy = shapely.get_coordinates(ring)
            if len(xy) >= 4:
                yield xy[:-1], True
    elif kind in ("LineString", "LinearRing"):
        xy = shapely.get_coordinates(geom)
        if len(xy) >= 2:
            yield xy, False
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _rings(part)


def _add_shape(shapes: "_Entities", geom, look: str) -> None:
    for xy, closed in _rings(geom):
        shapes.polyline(look, xy, closed)


def _add_fill(shapes: "_Entities", geom, look: str, alpha: int) -> None:
    """A solid HATCH per polygon: its outer ring and holes as boundary paths."""
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            shapes.hatch(look, alpha, [xy for xy, _ in _rings(part)])


def _add_points(shapes: "_Entities", geom, layer: str, feature, scale: DrawingScale, look: str) -> None:
    """A POINT (what GIS reads) with a symbol around it: a circle for a stop, an open gate and a
    comment; a square for a closed gate (shape as well as colour, as on the canvas)."""
    r = scale.height(1.2 if layer == STOPS else 0.8)
    closed_gate = layer == ENTRANCES and feature.attributes.get("open") is False
    for x, y in shapely.get_coordinates(geom).tolist():
        shapes.point(look, x, y)
        if closed_gate:
            shapes.polyline(look, np.array([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]), True)
        else:
            shapes.circle(look, x, y, r)


@lru_cache(maxsize=None)
def _look(layer: str, colour: str | None, dashed: bool) -> str:
    """The common group codes of an entity: layer, linetype, ACI and true colour (none: BYLAYER)."""
    tags = f"  8\n{layer}\n"
    if dashed:
        tags += "  6\nDASHED\n"
    if colour is not None:
        r, g, b = hex_rgb(colour)
        tags += f" 62\n{nearest_aci(colour)}\n420\n{(r << 16) | (g << 8) | b}\n"
    return tags


_ENTITIES_SECTION = "  0\nSECTION\n  2\nENTITIES\n"


class _Polled(io.StringIO):
    """A buffer that polls for cancel while ezdxf writes into it (5 000 labels take ~0.7 s)."""

    def __init__(self, progress: "Progress"):
        super().__init__()
        self._progress, self._writes = progress, 0

    def write(self, s: str) -> int:
        self._writes += 1
        if self._writes % 5000 == 0:
            self._progress.check()
        return super().write(s)


class _Entities:
    """The drawing's areas, lines and points as DXF text, written straight into the ENTITIES
    section: ezdxf builds and exports an entity in ~0.6 ms, which made Malta's 70 000 take 26 s;
    formatted here they take ~2 s. Handles come from the document's own generator, so they stay
    unique and below ``$HANDSEED``; the group codes are those ezdxf writes (the tests read the
    file back with ezdxf and GDAL, and ezdxf's audit checks handles and owners)."""

    def __init__(self, handles, owner: str):
        self._handles, self._owner = handles, owner
        self.chunks: list[str] = []

    def _head(self, kind: str, look: str) -> str:
        return f"  0\n{kind}\n  5\n{self._handles.next()}\n330\n{self._owner}\n100\nAcDbEntity\n{look}"

    def polyline(self, look: str, xy: np.ndarray, closed: bool) -> None:
        vertices = "".join([f" 10\n{x!r}\n 20\n{y!r}\n" for x, y in xy.tolist()])
        self.chunks.append(f"{self._head('LWPOLYLINE', look)}100\nAcDbPolyline\n 90\n{len(xy)}\n"
                           f" 70\n{1 if closed else 0}\n{vertices}")

    def hatch(self, look: str, alpha: int, rings: list[np.ndarray]) -> None:
        """A solid fill: the first ring the outer boundary (path flags 3: external, polyline), the
        others holes (2: polyline); odd parity leaves the holes empty. ``alpha``: 0–255 opacity."""
        paths = []
        for k, xy in enumerate(rings):
            vertices = "".join([f" 10\n{x!r}\n 20\n{y!r}\n" for x, y in xy.tolist()])
            paths.append(f" 92\n{3 if k == 0 else 2}\n 72\n0\n 73\n1\n 93\n{len(xy)}\n{vertices} 97\n0\n")
        self.chunks.append(f"{self._head('HATCH', look)}440\n{0x02000000 | alpha}\n100\nAcDbHatch\n"
                           " 10\n0.0\n 20\n0.0\n 30\n0.0\n210\n0.0\n220\n0.0\n230\n1.0\n  2\nSOLID\n 70\n1\n 71\n0\n"
                           f" 91\n{len(paths)}\n{''.join(paths)} 75\n0\n 76\n1\n 98\n0\n")

    def point(self, look: str, x: float, y: float) -> None:
        self.chunks.append(f"{self._head('POINT', look)}100\nAcDbPoint\n 10\n{x!r}\n 20\n{y!r}\n 30\n0.0\n")

    def circle(self, look: str, x: float, y: float, r: float) -> None:
        self.chunks.append(f"{self._head('CIRCLE', look)}100\nAcDbCircle\n 10\n{x!r}\n 20\n{y!r}\n 30\n0.0\n"
                           f" 40\n{r!r}\n")


def _title_block(ctx, msp, right: float, bottom: float, scale: DrawingScale, text) -> tuple[float, float, float, float]:
    """The title block (图签), 180 mm wide on paper, its right edge at ``right``, 10 mm under
    ``bottom`` (the drawing's lowest point); returns its bounds."""
    from ezdxf.enums import MTextEntityAlignment
    zh = ctx.zh
    plan = ctx.session.plan
    meta = plan.meta
    if ctx.crs.is_geographic:
        units = ("单位：度（经纬度），不是米" if zh else "units: degrees (longitude, latitude), not metres")
    else:
        units = "单位：米" if zh else "units: metres"
    place = " ".join(plain_text(meta.get(k) or "", 40) for k in ("district", "subdistrict") if meta.get(k))
    rows = [
        ("规划名称" if zh else "Plan", plain_text(plan.name, 60)),
        ("方案" if zh else "Scenario", plain_text(ctx.scenario, 60)),
        ("区/街道" if zh else "District", place or "—"),
        ("坐标系" if zh else "CRS", f"{ctx.crs.label(ctx.lang)}；{units}" if zh else f"{ctx.crs.label(ctx.lang)}; {units}"),
        ("比例" if zh else "Scale", (f"1:{scale.denominator}（文字高度与线型按此比例）" if zh
                                   else f"1:{scale.denominator} (text heights and dashes at this scale)")),
        ("日期" if zh else "Date", ctx.date.isoformat()),
        ("数据来源" if zh else "Data", plain_text("；".join(ctx.credits) if zh else "; ".join(ctx.credits), 100) or "—"),
    ]
    u = scale.height
    width, row, head = u(180), u(8), u(14)
    height = head + row * len(rows)
    x1 = right
    x0 = x1 - width
    y1 = bottom - u(10)
    y0 = y1 - height
    attribs = {"layer": TITLE_LAYER}
    msp.add_lwpolyline([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], format="xy", close=True,
                       dxfattribs={**attribs, "lineweight": 50})
    title = "社区生活圈规划图" if zh else "Community life circle plan"
    text(title, (x0 + width / 2, y1 - head / 2), u(6), TITLE_LAYER)
    msp.add_line((x0, y1 - head), (x1, y1 - head), dxfattribs=attribs)
    split = x0 + u(30)
    msp.add_line((split, y0), (split, y1 - head), dxfattribs=attribs)
    for k, (key, value) in enumerate(rows):
        top = y1 - head - k * row
        if k:
            msp.add_line((x0, top), (x1, top), dxfattribs=attribs)
        text(key, (x0 + u(2), top - row / 2), u(3), TITLE_LAYER, MTextEntityAlignment.MIDDLE_LEFT)
        text(value, (split + u(2), top - row / 2), u(3), TITLE_LAYER, MTextEntityAlignment.MIDDLE_LEFT)
    return x0, y0, x1, y1

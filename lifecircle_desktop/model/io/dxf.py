"""CAD drawings (DXF) as read-only base maps, and as homes, facilities and walking paths (issue 14).

A street office's 总图 is a DWG saved as DXF, drawn in millimetres from a local origin. ``read_dxf``
reads its model space with ezdxf — lines, polylines with bulges (arcs flattened to a sagitta
tolerance), arcs, circles, ellipses, splines, hatch boundaries, blocks exploded (nested, scaled,
rotated; entities on layer 0 take the block reference's layer, as CAD draws them), TEXT, MTEXT and
block attributes as plain text — into a ``CadDrawing`` in drawing units. Text is decoded as ezdxf
reads the header: ``$DWGCODEPAGE`` (ANSI_936 = GBK) before R2007, UTF-8 from R2007 on; ``\\U+XXXX``
escapes (a code page without the character) are decoded in layer names and texts. Units come
from ``$INSUNITS``. A file that does not open like a DXF is called so, not a truncated drawing.

The model space is walked entity by entity in a memory map (LINE, LWPOLYLINE and TEXT parsed from
their tags, the rest built by ezdxf), so a drawing of 10^6 entities never exists as an ezdxf document;
the header, layers and block definitions are read by ezdxf from a copy of the file without its
model-space entities. Binary DXF is read whole by ezdxf.

``dxf_import_edit`` places the drawing (a ``georef.Georef``: control points, a known CRS, or drawing
coordinates = plan coordinates) and builds ONE undoable edit: every entity into ``basemap_cad``
keeping its CAD layer name, and the layers the planner mapped — closed outlines to homes or
facilities (a text inside an outline fills its name and floors), lines to walking paths.
"""
from __future__ import annotations

import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from .. import georef as georef_mod
from ..errors import PlanError, read_user_file
from ..schema import BASEMAP_CAD, FACILITIES, RESIDENTIAL, WALK_NETWORK
from . import _common
from .osm_reader import check_progress

# Arcs and bulges become chords no farther than this from the true curve (in metres on the ground):
# well below what a 1:500 总图 draws (0.1 mm on paper = 5 cm).
SAGITTA_M = 0.02
# A drawing exploding to more shapes than this is refused while it is read, before memory runs out:
# the canvas is budgeted for a 200k-polygon base map (design.md §8), and an imported shape costs about
# 4 KB in the open plan and its undo history (bench/bench_dxf_import.py: 567 MB peak for 115k shapes), so
# 200k keeps an import near the 1 GB a plan may take. ``layers`` reads only the CAD layers needed.
# Past the limit the shapes read are dropped and the rest of the file only counted per layer, so the
# refusal can name the layers to choose (memory: one count per layer).
MAX_SHAPES = 200_000
# The refusal of a drawing beyond MAX_SHAPES names this many of its biggest layers.
SHOWN_LAYERS = 5
# Blocks nested deeper than this are not exploded further (a block that contains itself recurses).
MAX_BLOCK_DEPTH = 16
# $INSUNITS → metres per drawing unit (AutoCAD's unit codes); 0 = unitless.
UNIT_METRES = {1: 0.0254, 2: 0.3048, 4: 0.001, 5: 0.01, 6: 1.0, 7: 1000.0, 10: 0.9144, 14: 0.1}
UNIT_NAMES = {"mm": 4, "cm": 5, "dm": 14, "m": 6, "km": 7, "in": 1, "ft": 2}

OUTLINE, LINE, TEXT = "outline", "line", "text"
MAPPING_TARGETS = ("basemap", RESIDENTIAL, FACILITIES, WALK_NETWORK)
PROGRESS_EVERY = 2000  # entities between progress reports (and cancel checks)

_BINARY_SENTINEL = b"AutoCAD Binary DXF"
_BINARY_START = b"AutoCAD Binary DXF\r\n\x1a\x00"
_DWG_MAGIC = re.compile(rb"^AC1\d{3}")
# AutoCAD on a code page without the character, and ezdxf's own R2000 writer (cp1252), store each
# such character as \U+XXXX in layer names, block names and texts (DXF reference, "Unicode
# characters"); ezdxf's readfile keeps the escape as written.
_UNICODE_ESCAPE = re.compile(r"\\[Uu]\+([0-9A-Fa-f]{4})")


def _unescaped(value: str) -> str:
    """A DXF string with its \\U+XXXX escapes decoded (a lone surrogate, which SQLite cannot store,
    becomes U+FFFD)."""
    if "\\" not in value:
        return value
    return _UNICODE_ESCAPE.sub(lambda m: _character(int(m.group(1), 16)), value)


def _character(code: int) -> str:
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


@dataclass
class CadDrawing:
    """What ``read_dxf`` found, in drawing units: one row per shape (aligned lists)."""
    path: Path
    version: str = ""                      # AC1015 = R2000, AC1024 = R2010 …
    encoding: str = "utf8"                 # as ezdxf decoded the text
    insunits: int = 0
    layers: list = field(default_factory=list)     # CAD layer of each shape
    entities: list = field(default_factory=list)   # DXF type of each shape (LINE, LWPOLYLINE, …)
    kinds: list = field(default_factory=list)      # OUTLINE, LINE or TEXT
    geometries: list = field(default_factory=list)  # shapely, drawing units: Polygon, LineString, Point
    texts: list = field(default_factory=list)      # the plain text of a TEXT shape, else None
    skipped: Counter = field(default_factory=Counter)  # DXF types not drawn (DIMENSION, 3DSOLID …)
    only: frozenset | None = None                  # the CAD layers read (None: all)

    @property
    def unit_metres(self) -> float | None:
        """Metres per drawing unit from $INSUNITS (None for a unitless drawing)."""
        return UNIT_METRES.get(self.insunits)

    def __len__(self) -> int:
        return len(self.geometries)

    def layer_counts(self) -> dict[str, dict[str, int]]:
        """{CAD layer: {"outline": n, "line": n, "text": n}} in the order the layers first appear."""
        counts: dict[str, Counter] = {}
        for layer, kind in zip(self.layers, self.kinds):
            counts.setdefault(layer, Counter())[kind] += 1
        return {layer: {k: c.get(k, 0) for k in (OUTLINE, LINE, TEXT)} for layer, c in counts.items()}


# --- reading ------------------------------------------------------------------------------------
def read_dxf(path: str | os.PathLike, *, progress=None, sagitta: float | None = None,
             layers=None) -> CadDrawing:
    """Read a DXF file's model space. Refused in one sentence: a DWG, a truncated or damaged file,
    a drawing beyond MAX_SHAPES, a cancelled read. ``sagitta``: the chord tolerance in drawing
    units (default SAGITTA_M converted by $INSUNITS; metres for a unitless drawing). ``layers``: read
    only the shapes on these CAD layers (after a block's layer-0 shapes take their reference's layer)."""
    import ezdxf
    from ezdxf.lldxf.const import DXFError

    path = Path(path)
    head = read_user_file(path, " DXF 文件", "a DXF file", size=_HEAD_BYTES)
    check_progress(progress, 0.0, "reading the drawing")
    if not head.strip():
        raise PlanError.about_file(path, "这不是 DXF 文件（文件是空的）", "this is not a DXF file (the file is empty)")
    if _DWG_MAGIC.match(head):
        raise PlanError.about_file(path, "这是 DWG 文件，请先在 CAD 中另存为 DXF",
                                   "this is a DWG file; save it as DXF in your CAD program first")
    binary = head.startswith(_BINARY_SENTINEL)
    if not _starts_like_dxf(head):
        raise PlanError.about_file(path, "这不是 DXF 文件", "this is not a DXF file")
    if not _ends_with_eof(path, binary):
        raise PlanError.about_file(path, "DXF 文件不完整（没有结尾，可能被截断），请重新导出",
                                   "the DXF file is incomplete (it has no end; it may be truncated) — export it again")
    drawing = CadDrawing(path, only=frozenset(layers) if layers else None)
    try:
        if binary:
            doc = ezdxf.readfile(path)
            _read_document(drawing, doc, doc.modelspace(), None, progress, sagitta)
        else:
            _read_streamed(drawing, path, progress, sagitta)
    except PlanError:
        raise
    except (DXFError, UnicodeError, ValueError, LookupError, TypeError, AttributeError, EOFError, ArithmeticError,
            AssertionError, RecursionError) as e:
        # ezdxf reports damage in many ways; the planner needs one sentence, not which one.
        raise PlanError.about_file(path, f"DXF 文件已损坏，无法读取（{type(e).__name__}）",
                                   f"the DXF file is damaged and cannot be read ({type(e).__name__})") from None
    except OSError as e:
        reason = e.strerror or str(e)
        raise PlanError.about_file(path, f"无法读取（{reason}）", f"cannot be read ({reason})") from None
    check_progress(progress, 1.0, "drawing read")
    return drawing


_HEAD_BYTES = 64 * 1024
# A DXF opens with its first section: ASCII "  0\nSECTION" after optional 999 comments; binary, the
# sentinel then group code 0 (1 byte before R13, 2 bytes after) and "SECTION\0".
_BINARY_SECTION = (b"\x00SECTION\x00", b"\x00\x00SECTION\x00")


def _starts_like_dxf(head: bytes) -> bool:
    """Whether the first bytes of a file begin a DXF (so an SQLite file or a photo named .dxf is
    called what it is, not a truncated drawing)."""
    if head.startswith(_BINARY_SENTINEL):
        return head.startswith(_BINARY_START) and head[len(_BINARY_START):].startswith(_BINARY_SECTION)
    lines = head.removeprefix(b"\xef\xbb\xbf").lstrip().split(b"\n")
    complete = len(lines) - 1  # the last piece may be cut by the head's end
    j = 0
    while j + 1 < complete:
        code, value = lines[j].strip(), lines[j + 1].strip()
        if code == b"999":
            j += 2
            continue
        return code == b"0" and value == b"SECTION"
    # Comments longer than the head: too long to tell here; the later checks judge the rest.
    return complete >= 1 and lines[0].strip() == b"999"


def _ends_with_eof(path: Path, binary: bool) -> bool:
    """A complete DXF ends with the EOF tag (binary: b"EOF\\0"); a cut-off copy does not."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        f.seek(max(0, size - 64))
        tail = f.read()
    if binary:
        return tail.rstrip(b"\x00").endswith(b"EOF")
    return tail.rstrip().endswith(b"EOF") and re.search(rb"(^|\n)\s*0\s*\r?\n\s*EOF\s*$", tail) is not None


# Tags found by pattern in the raw bytes. A structure tag is a group-code-0 line followed by a line
# with a letter in it: a group-code line never has one, so a value line "0" is never taken for it.
_ENTITIES = re.compile(rb"(?:^|\n)[ \t]*0\r?\nSECTION\r?\n[ \t]*2\r?\nENTITIES\r?\n")
_ENDSEC = re.compile(rb"\n[ \t]*0\r?\nENDSEC\r?\n")
_STRUCTURE = re.compile(rb"\n[ \t]*0\r?\n([0-9]*[A-Za-z_][A-Za-z0-9_]*)\r?\n")


def _read_streamed(drawing: CadDrawing, path: Path, progress, sagitta) -> None:
    """An ASCII DXF: the file without its model-space entities (header, layers, blocks, objects) is
    read by ezdxf; the ENTITIES section is then walked entity by entity in a memory map, so memory
    follows the shapes kept, not the file's size (ezdxf's iterdxf indexes every tag of the file
    first: 846 MB for 10^6 entities)."""
    import mmap

    import ezdxf

    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        found = _ENTITIES.search(mm)
        end = _ENDSEC.search(mm, found.end() - 1) if found else None
        if found is None or end is None:
            raise PlanError.about_file(path, "DXF 文件没有完整的图形段（ENTITIES），无法读取",
                                       "the DXF file has no complete ENTITIES section and cannot be read")
        start, stop = found.end(), end.start() + 1  # the entities' bytes: [start, stop)
        with tempfile.TemporaryDirectory(prefix="lifecircle-dxf-") as tmp:
            frame = Path(tmp) / "frame.dxf"
            with open(frame, "wb") as out:
                out.write(mm[:start])
                out.write(mm[stop:])
            doc = ezdxf.readfile(frame)
        size = max(len(mm), 1)
        state = {"at": start}
        # DXF R2007 (AC1021) and later are UTF-8 whatever $DWGCODEPAGE says (ezdxf reads them so).
        encoding = "utf8" if doc.dxfversion >= "AC1021" else doc.encoding
        entities = _stream(mm, start, stop, encoding, state)
        try:
            _read_document(drawing, doc, entities, lambda: state["at"] / size, progress, sagitta)
        finally:
            entities.close()  # its pattern search holds the map: released before the map closes


_FAST_TYPES = frozenset(("LINE", "LWPOLYLINE", "TEXT"))
_PAPER = ("paper",)


def _stream(mm, start: int, stop: int, encoding: str, state: dict):
    """The model-space entities in bytes [start, stop) as ezdxf's iterdxf yields them (a POLYLINE
    with its VERTEXes and an INSERT with its ATTRIBs linked; paper space left out) — except LINE,
    LWPOLYLINE and TEXT in the XY plane, most of a 总图, parsed from their tags into plain tuples
    (an ezdxf entity object costs ~80 µs to build)."""
    from ezdxf.addons.iterdxf import SUPPORTED_TYPES
    from ezdxf.entities import factory
    from ezdxf.entities.subentity import entity_linker
    from ezdxf.lldxf.extendedtags import ExtendedTags

    def chunks():
        previous = None
        for m in _STRUCTURE.finditer(mm, start - 1, stop):
            at = m.start() + 1
            if previous is not None:
                yield previous[0], at, previous[1]
            previous = (at, m.group(1))
        if previous is not None:
            yield previous[0], stop, previous[1]

    linked = entity_linker()
    queued = None
    for begin, finish, name in chunks():
        state["at"] = finish
        kind = name.decode("ascii")
        if kind not in SUPPORTED_TYPES:
            continue
        # Bytes the code page cannot decode become U+FFFD: SQLite stores no lone surrogates.
        text = mm[begin:finish].decode(encoding, errors="replace").replace("\r\n", "\n")
        if kind in _FAST_TYPES:
            fast = _parse_fast(kind, text)
            if fast is _PAPER:
                continue
            if fast is not None:
                if queued is not None:  # a LINE/LWPOLYLINE/TEXT ends a queued entity's linked ones
                    yield queued
                    queued = None
                yield fast
                continue
        e = factory.load(ExtendedTags.from_text(text))
        if not linked(e) and e.dxf.paperspace == 0:
            if queued is not None:
                yield queued
            queued = e
    if queued is not None:
        yield queued


def _parse_fast(kind: str, text: str):
    """(kind, layer, data) from an entity's DXF tags; None to leave it to ezdxf (an OCS other than
    the world's); _PAPER for a paper-space entity. \\U+XXXX escapes are decoded by ``_Reader._row``."""
    from ezdxf.tools.text import plain_text
    lines = text.split("\n")
    layer, paper, extrusion = "0", False, [0.0, 0.0, 1.0]
    xs, ys, bulges = [], [], []
    point = [0.0, 0.0, 0.0, 0.0]      # 10, 20, 11, 21
    flags = halign = valign = 0
    words, has_align = "", False
    for j in range(2, len(lines) - 1, 2):
        try:
            code = int(lines[j])
        except ValueError:
            return None
        value = lines[j + 1]
        if code >= 1000:
            break  # extended data: nothing of the shape
        if code == 8:
            layer = value.strip()
        elif code == 67:
            paper = int(value) == 1
        elif code in (210, 220, 230):
            extrusion[(code - 210) // 10] = float(value)
        elif kind == "LWPOLYLINE":
            if code == 10:
                xs.append(float(value))
                bulges.append(0.0)
            elif code == 20:
                ys.append(float(value))
            elif code == 42 and bulges:
                bulges[-1] = float(value)
            elif code == 70:
                flags = int(value)
        elif code in (10, 20, 11, 21):
            point[{10: 0, 20: 1, 11: 2, 21: 3}[code]] = float(value)
            has_align = has_align or code == 11
        elif kind == "TEXT":
            if code == 1:
                words = value.rstrip("\r")
            elif code == 72:
                halign = int(value)
            elif code == 73:
                valign = int(value)
    if paper:
        return _PAPER
    if extrusion != [0.0, 0.0, 1.0]:
        return None
    if kind == "LINE":
        return kind, layer, tuple(point)
    if kind == "LWPOLYLINE":
        if len(xs) != len(ys):
            return None
        xyb = np.column_stack([xs, ys, bulges]) if xs else np.zeros((0, 3))
        return kind, layer, (xyb, bool(flags & 1))
    at = (point[2], point[3]) if (halign or valign) and has_align else (point[0], point[1])
    return kind, layer, (at, plain_text(words))


def _read_document(drawing: CadDrawing, doc, entities, position, progress, sagitta) -> None:
    drawing.version = doc.dxfversion
    drawing.encoding = "utf8" if doc.dxfversion >= "AC1021" else doc.encoding
    drawing.insunits = int(doc.header.get("$INSUNITS", 0) or 0)
    if sagitta is None:
        sagitta = SAGITTA_M / (drawing.unit_metres or 1.0)
    reader = _Reader(drawing, doc, sagitta)
    for n, entity in enumerate(entities, 1):
        reader.add(entity, None, 0)
        if n % PROGRESS_EVERY == 0:
            done = position() if position else 0.5
            check_progress(progress, 0.95 * done, f"reading the drawing ({n:,} entities)")
    if reader.over:
        raise reader.too_many()


class _Reader:
    """Turns ezdxf entities into the drawing's rows."""

    def __init__(self, drawing: CadDrawing, doc, sagitta: float):
        self.d = drawing
        self.doc = doc
        self.sagitta = sagitta
        self.scratch = doc.modelspace()  # where a streamed block reference is re-created to explode it
        self.blocks: dict[str, list] = {}  # block name → its rows in block coordinates
        self._reading: set[str] = set()
        self.top = drawing                  # the drawing read (self.d is a block's rows meanwhile)
        self.per_layer: Counter = Counter()  # shapes per CAD layer, kept or not
        self.over = False                    # beyond MAX_SHAPES: the rest is only counted

    def too_many(self) -> PlanError:
        """The refusal of a drawing beyond MAX_SHAPES, naming its biggest layers for ``--layer``."""
        biggest = self.per_layer.most_common(SHOWN_LAYERS)
        more = "…" if len(self.per_layer) > SHOWN_LAYERS else ""
        total = sum(self.per_layer.values())
        zh = "、".join(f"{layer} ({n:,})" for layer, n in biggest) + more
        en = ", ".join(f"{layer} ({n:,})" for layer, n in biggest) + more
        return PlanError.about_file(
            self.top.path,
            f"图纸超过 {MAX_SHAPES:,} 个图形（已读 {total:,} 个），超出一个规划底图所需；"
            f"可用 --layer 只导入部分图层，例如：{zh}",
            f"the drawing has more than {MAX_SHAPES:,} shapes ({total:,} read), beyond what a plan's base map "
            f"needs; import only the layers you need with --layer, the biggest being: {en}")

    def _row(self, layer: str, entity: str, kind: str, geometry, text=None) -> None:
        # Every shape of both reading paths (streamed tags, ezdxf entities, block contents) passes
        # here: the one place \\U+XXXX escapes are decoded, before the layer is compared.
        layer = sys_intern(_unescaped(layer))
        if text is not None:
            text = _unescaped(text)
        if self.d.only is not None and layer not in self.d.only:
            return
        if self.d is self.top:
            self.per_layer[layer] += 1
            if self.over:
                return  # beyond the limit only the count per layer goes on (for the refusal)
        if len(self.d.geometries) >= MAX_SHAPES:
            if self.d is not self.top:  # one block holding more than the limit: refused at once
                self.per_layer = Counter(self.d.layers)
                raise self.too_many()
            # The shapes read so far are dropped (the import is refused); reading goes on counting
            # shapes per layer so the refusal can name the layers that make the drawing big.
            self.over = True
            for rows in (self.d.layers, self.d.entities, self.d.kinds, self.d.geometries, self.d.texts):
                rows.clear()
            return
        self.d.layers.append(layer)
        self.d.entities.append(entity)
        self.d.kinds.append(kind)
        self.d.geometries.append(geometry)
        self.d.texts.append(text)

    def add_fast(self, fast: tuple) -> None:
        """A model-space LINE, LWPOLYLINE or TEXT parsed by ``_stream`` without an ezdxf entity."""
        kind, layer, data = fast
        layer = sys_intern(layer)
        if kind == "LINE":
            x0, y0, x1, y1 = data
            if (x0, y0) != (x1, y1):
                self._row(layer, kind, LINE, shapely.linestrings([(x0, y0), (x1, y1)]))
        elif kind == "LWPOLYLINE":
            xyb, closed = data
            self._shape(layer, kind, _bulge_polyline(xyb, closed, self.sagitta), closed)
        else:
            at, text = data
            text = " ".join(text.split())
            if text:
                self._row(layer, kind, TEXT, shapely.points(at), text)

    def add(self, e, parent_layer: str | None, depth: int) -> None:
        if isinstance(e, tuple):
            self.add_fast(e)
            return
        kind = e.dxftype()
        layer = e.dxf.get("layer", "0") or "0"
        if parent_layer is not None and layer == "0":
            layer = parent_layer  # CAD convention: layer 0 inside a block takes the reference's layer
        layer = sys_intern(layer)
        if kind == "INSERT":
            self._explode(e, layer, depth)
        elif kind == "LINE":
            s, t = e.dxf.start, e.dxf.end
            if (s.x, s.y) != (t.x, t.y):
                self._row(layer, kind, LINE, shapely.linestrings([(s.x, s.y), (t.x, t.y)]))
        elif kind in ("LWPOLYLINE", "POLYLINE", "ARC", "CIRCLE", "ELLIPSE", "SPLINE"):
            if kind == "POLYLINE" and (e.is_poly_face_mesh or e.is_polygon_mesh):
                self.d.skipped[kind] += 1
                return
            self._curve(e, layer, kind)
        elif kind == "HATCH":
            self._hatch(e, layer)
        elif kind in ("TEXT", "MTEXT", "ATTRIB", "ATTDEF"):
            if kind == "ATTDEF":
                return  # a block's attribute template; its values come as the reference's ATTRIBs
            self._text(e, layer, kind)
        else:
            self.d.skipped[kind] += 1

    def _curve(self, e, layer: str, kind: str) -> None:
        from ezdxf import path as dxfpath
        closed = kind in ("CIRCLE",) or (kind in ("LWPOLYLINE", "POLYLINE") and e.is_closed) \
            or (kind == "ELLIPSE" and _full_ellipse(e)) or (kind == "SPLINE" and e.closed)
        if kind == "LWPOLYLINE" and _flat(e):
            xy = _bulge_polyline(np.array(e.get_points("xyb"), dtype=float).reshape(-1, 3), e.is_closed, self.sagitta)
        elif kind in ("ARC", "CIRCLE") and _flat(e):
            # On the true circle (ezdxf's path tools approximate arcs by cubic Béziers, ~3·10^-4 r off).
            xy = np.array([(v.x, v.y) for v in e.flattening(self.sagitta)], dtype=float).reshape(-1, 2)
        else:
            p = dxfpath.make_path(e)
            xy = np.array([(v.x, v.y) for v in p.flattening(self.sagitta, segments=4)], dtype=float).reshape(-1, 2)
        self._shape(layer, kind, xy, closed)

    def _shape(self, layer: str, kind: str, xy: np.ndarray, closed: bool) -> None:
        """A flattened curve: an outline when closed around an area, else a line."""
        xy = _dedupe(xy)
        if len(xy) >= 2 and xy[0, 0] == xy[-1, 0] and xy[0, 1] == xy[-1, 1]:
            closed = closed or len(xy) >= 4
        if closed and len(xy) >= 3:
            ring = xy if np.array_equal(xy[0], xy[-1]) else np.vstack([xy, xy[:1]])
            if len(ring) >= 4:
                polygon = shapely.polygons(ring)
                if not polygon.is_valid:
                    polygon = shapely.make_valid(polygon)
                if polygon.area > 0:
                    self._row(layer, kind, OUTLINE, polygon)
                    return
        if len(xy) >= 2:
            self._row(layer, kind, LINE, shapely.linestrings(xy))

    def _hatch(self, e, layer: str) -> None:
        from ezdxf import path as dxfpath
        rings = []
        for p in dxfpath.from_hatch(e):
            xy = _dedupe(np.array([(v.x, v.y) for v in p.flattening(self.sagitta, segments=4)], dtype=float).reshape(-1, 2))
            if len(xy) >= 3:
                rings.append(shapely.polygons(np.vstack([xy, xy[:1]]) if not np.array_equal(xy[0], xy[-1]) else xy))
        if not rings:
            return
        # Nested boundaries alternate solid and hole (the hatch's "normal" style): symmetric difference.
        area = rings[0]
        for ring in rings[1:]:
            area = shapely.symmetric_difference(area, ring)
        area = shapely.make_valid(area) if not area.is_valid else area
        for part in shapely.get_parts(area):
            if part.geom_type == "Polygon" and part.area > 0:
                self._row(layer, "HATCH", OUTLINE, part)

    def _text(self, e, layer: str, kind: str) -> None:
        text = (e.plain_text() if kind == "MTEXT" else e.plain_text()) if hasattr(e, "plain_text") else e.dxf.get("text", "")
        text = " ".join(str(text).split())
        if not text:
            return
        at = _text_point(e, kind)
        self._row(layer, kind, TEXT, shapely.points(at), text)

    def _explode(self, insert, layer: str, depth: int) -> None:
        if depth >= MAX_BLOCK_DEPTH:
            self.d.skipped["INSERT"] += 1
            return
        name = insert.dxf.get("name")
        block = self.doc.blocks.get(name) if name is not None else None
        if block is None:
            self.d.skipped["INSERT"] += 1
            return
        for attrib in getattr(insert, "attribs", ()):
            self.add(attrib, layer, depth + 1)
        affine = _insert_affine(insert, block)
        if affine is None:
            self._explode_by_ezdxf(insert, name, layer, depth)
            return
        # The block's shapes are read once (in block coordinates) and placed by each reference's
        # matrix: a drawing of 10^4 trees or parking bays explodes at array speed.
        content = self._block_content(name, depth)
        if not content:
            return
        a, t = affine
        geoms = np.array([c[3] for c in content], dtype=object)
        placed = shapely.transform(geoms, lambda xy: xy @ a.T + t)
        for (lay, entity, kind, _g, text), g in zip(content, placed):
            self._row(layer if lay == "0" else lay, entity, kind, g, text)

    def _block_content(self, name: str, depth: int) -> list:
        """The rows of block ``name`` in its own coordinates (layer "0" kept, for each reference to
        replace with its own layer); read once per drawing."""
        if name in self.blocks:
            return self.blocks[name]
        if name in self._reading:  # a block that contains itself
            self.d.skipped["INSERT"] += 1
            return []
        self._reading.add(name)
        outer = self.d
        self.d = CadDrawing(outer.path)
        try:
            for e in self.doc.blocks.get(name):
                self.add(e, None, depth + 1)
            inner = self.d
        finally:
            self.d = outer
            self._reading.discard(name)
        self.d.skipped.update(inner.skipped)
        content = list(zip(inner.layers, inner.entities, inner.kinds, inner.geometries, inner.texts))
        self.blocks[name] = content
        return content

    def _explode_by_ezdxf(self, insert, name: str, layer: str, depth: int) -> None:
        """A reference the 2-D matrix cannot place (an arrayed MINSERT, a tilted extrusion): ezdxf's
        own explosion."""
        ref, temporary = insert, False
        if insert.doc is None:  # streamed: re-create the reference in the frame document to explode it
            attribs = {k: v for k, v in insert.dxfattribs().items() if k not in ("handle", "owner", "name", "insert")}
            ref = self.scratch.add_blockref(name, insert.dxf.insert, dxfattribs=attribs)
            temporary = True
        try:
            refs = list(ref.multi_insert()) if ref.mcount > 1 else [ref]
            for one in refs:
                for child in one.virtual_entities():
                    self.add(child, layer, depth + 1)
        finally:
            if temporary:
                self.scratch.delete_entity(ref)


def _insert_affine(insert, block) -> tuple[np.ndarray, np.ndarray] | None:
    """(A, t) with world = A·block + t for a block reference in the XY plane (DXF: translate by
    −base point, scale, rotate, move to the insertion point); None for an arrayed or tilted one."""
    if insert.mcount > 1 or tuple(insert.dxf.get("extrusion", (0, 0, 1))) != (0, 0, 1):
        return None
    sx, sy = insert.dxf.get("xscale", 1.0), insert.dxf.get("yscale", 1.0)
    if sx == 0 or sy == 0:
        return None
    r = math.radians(insert.dxf.get("rotation", 0.0))
    c, s = math.cos(r), math.sin(r)
    a = np.array([[c * sx, -s * sy], [s * sx, c * sy]])
    base = block.block.dxf.get("base_point", (0, 0, 0))
    at = insert.dxf.insert
    t = np.array([at[0], at[1]]) - a @ np.array([base[0], base[1]])
    return a, t


sys_intern = __import__("sys").intern


def _flat(e) -> bool:
    """An entity in the world's XY plane (no OCS to apply)."""
    ex = e.dxf.get("extrusion", (0, 0, 1))
    return tuple(ex) == (0, 0, 1) and not e.dxf.get("elevation", 0)


def _full_ellipse(e) -> bool:
    return math.isclose(abs(e.dxf.end_param - e.dxf.start_param), math.tau, abs_tol=1e-9)


def _bulge_polyline(xyb: np.ndarray, closed: bool, sagitta: float) -> np.ndarray:
    """A polyline's vertices with each bulged segment replaced by points on its true arc, no chord
    farther than ``sagitta`` from it. DXF: bulge = tan(θ/4) of the arc from this vertex to the next,
    counter-clockwise when positive."""
    if len(xyb) == 0 or not xyb[:, 2].any():
        return xyb[:, :2]
    out = []
    n = len(xyb)
    for i in range(n if closed else n - 1):
        (x0, y0, b), (x1, y1, _) = xyb[i], xyb[(i + 1) % n]
        out.append((x0, y0))
        chord = math.hypot(x1 - x0, y1 - y0)
        if b == 0 or chord == 0:
            continue
        theta = 4 * math.atan(b)                     # the arc's signed sweep
        radius = chord / (2 * abs(math.sin(theta / 2)))
        # The centre lies on the chord's left normal at radius·cos(θ/2)·sign(θ) from its middle
        # (left of a counter-clockwise arc under a half turn, right beyond it; mirrored when clockwise).
        h = radius * math.cos(theta / 2) * math.copysign(1, theta)
        nx, ny = -(y1 - y0) / chord, (x1 - x0) / chord
        cx, cy = (x0 + x1) / 2 + nx * h, (y0 + y1) / 2 + ny * h
        start = math.atan2(y0 - cy, x0 - cx)
        step = 2 * math.acos(max(-1.0, 1 - sagitta / radius)) if sagitta < radius else math.pi / 2
        count = max(2, math.ceil(abs(theta) / max(step, 1e-9)))
        for k in range(1, count):
            a = start + theta * k / count
            out.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    if not closed:
        out.append(tuple(xyb[-1, :2]))
    return np.array(out, dtype=float)


def _dedupe(xy: np.ndarray) -> np.ndarray:
    """Drop repeated consecutive vertices (CAD polylines often double a corner)."""
    if len(xy) < 2:
        return xy
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = np.any(np.diff(xy, axis=0) != 0, axis=1)
    return xy[keep]


def _text_point(e, kind: str) -> tuple[float, float]:
    """Where a text sits, in world coordinates: its alignment point when aligned (centred text is
    placed by it), else its insertion point."""
    if kind == "MTEXT":
        p = e.dxf.insert
        return (p.x, p.y)
    p = e.dxf.insert
    if (e.dxf.get("halign", 0) or e.dxf.get("valign", 0)) and e.dxf.hasattr("align_point"):
        p = e.dxf.align_point
    if not _flat(e):
        p = e.ocs().to_wcs(p)
    return (p.x, p.y)


# --- texts inside outlines: names, building numbers and floors ------------------------------------
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
# "6F", "6f", "6层", "六层", "18F+1", "地上18层": the floors above ground (a basement "-1F" is not them).
_FLOORS = re.compile(rf"(?<![-\d]){_NUMBER}\s*(?:F|f|层|樓层|楼层)(?![a-zA-Z])")
# "-1F", "地下2层": a basement, not the floors above ground — dropped from the label.
_BASEMENT = re.compile(r"-\s*\d{1,2}\s*[Ff层]|地下\s*[\d一二三四五]{1,2}\s*层")
# "18#", "18#楼", "18号楼", "18幢", "18栋", "A3#": a building's number (楼号).
_BUILDING = re.compile(r"([A-Za-z]?\d{1,4}[A-Za-z]?)\s*(?:#|＃|号楼|幢|栋|號樓)\s*楼?")


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, 1) if tens else 1
        o = _CN_DIGITS.get(ones, 0) if ones else 0
        return t * 10 + o
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


def parse_label(text: str) -> dict:
    """What a text inside an outline says about it: {"floors": int, "building": "18#楼", "name": str}
    (keys only for what it says). "18#楼 6F" → building 18#楼, floors 6; "幼儿园" → name."""
    out: dict = {}
    rest = _BASEMENT.sub(" ", text)
    m = _FLOORS.search(rest)
    if m:
        floors = _chinese_number(m.group(1))
        if floors and 0 < floors < 200:
            out["floors"] = floors
            rest = rest.replace(m.group(0), " ")
    m = _BUILDING.search(rest)
    if m:
        out["building"] = f"{m.group(1)}#楼"
        rest = rest.replace(m.group(0), " ")
    rest = " ".join(rest.split()).strip(" ,，;；:：")
    if rest and not re.fullmatch(r"[\d.\s+\-]*", rest):
        out["name"] = rest
    return out


def _labels_for(outlines, texts, words) -> list[dict]:
    """For each outline, what the texts inside it say (all texts of the drawing, whatever layer):
    name (the building number, else the other words), floors (the largest stated)."""
    result = [dict() for _ in outlines]
    if len(outlines) == 0 or len(texts) == 0:
        return result
    tree = shapely.STRtree(texts)
    outline_index, text_index = tree.query(outlines, predicate="contains")
    for o, t in sorted(zip(outline_index.tolist(), text_index.tolist())):
        said = parse_label(words[t])
        r = result[o]
        if "floors" in said:
            r["floors"] = max(r.get("floors", 0), said["floors"])
        if "building" in said:
            r.setdefault("building", said["building"])
        if "name" in said:
            r.setdefault("names", []).append(said["name"])
    for r in result:
        names = r.pop("names", [])
        building = r.pop("building", None)
        parts = [*names[:1], *([building] if building else [])]
        if parts:
            r["name"] = " ".join(parts)
    return result


# --- placing and mapping into the plan --------------------------------------------------------------
def parse_mapping(items, catalogue=None) -> dict[str, str]:
    """``["住宅=residential", "公建=facilities:kindergarten", "道路=walk_network"]`` → {CAD layer: target}."""
    mapping = {}
    for item in items or ():
        layer, sep, target = str(item).rpartition("=")
        layer, target = layer.strip(), target.strip()
        if not sep or not layer:
            raise PlanError(f"图层对应 {item!r} 应写成 CAD图层=residential|facilities:类型|walk_network",
                            f"layer mapping {item!r} should read CADLAYER=residential|facilities:TYPE|walk_network")
        mapping[layer] = check_target(target, catalogue)
    return mapping


def check_target(target: str, catalogue=None) -> str:
    base, _, code = target.partition(":")
    if base not in MAPPING_TARGETS or (base == FACILITIES) != bool(code):
        raise PlanError(f"未知的图层对应 {target!r}（可选：basemap、residential、facilities:类型、walk_network）",
                        f"unknown layer mapping {target!r} (choose basemap, residential, facilities:TYPE or walk_network)")
    if code:
        from ..catalogue import load_catalogue
        catalogue = catalogue or load_catalogue()
        if code not in catalogue:
            raise PlanError(f"未知设施类型 {code!r}", f"unknown facility type {code!r}")
    return target


def placement_for(plan, drawing: CadDrawing, *, crs=None, control=None, units: str | None = None,
                  kind: str = "auto") -> georef_mod.Georef:
    """How the drawing lands on the plan: by control points (drawing units → plan metres), by a
    known projected CRS, or — neither given — drawing coordinates are plan coordinates. ``units``
    overrides $INSUNITS ("mm", "m", …); a unitless drawing placed without control points is taken
    to be in metres."""
    if crs is not None and control:
        raise PlanError("控制点和已知坐标系只能选一种", "give either control points or a known CRS, not both")
    if control:
        return georef_mod.fit(control, kind)
    scale = drawing.unit_metres or 1.0
    if units is not None:
        if units not in UNIT_NAMES:
            raise PlanError(f"未知单位 {units!r}（可选：{', '.join(UNIT_NAMES)}）",
                            f"unknown unit {units!r} (choose {', '.join(UNIT_NAMES)})")
        scale = UNIT_METRES[UNIT_NAMES[units]]
    if crs is None:
        return georef_mod.identity(plan.epsg, scale=scale)
    from .. import crs as crs_mod
    epsg = crs_mod.parse_crs(str(crs))
    minx = _min_easting(drawing)
    offset = georef_mod.zone_offset_for(epsg, minx * scale) if minx is not None else 0.0
    return georef_mod.from_crs(epsg, plan.epsg, scale=scale, zone_offset=offset)


def _min_easting(drawing: CadDrawing) -> float | None:
    if not len(drawing):
        return None
    bounds = shapely.bounds(np.array(drawing.geometries, dtype=object))
    return float(np.nanmin(bounds[:, 0]))


def dxf_import_edit(plan, drawing: CadDrawing, placement: georef_mod.Georef, mapping: dict | None = None,
                    scenario: str = "base", *, progress=None):
    """The import as ONE edit (a Batch of AddFeatures, one transaction), not yet applied."""
    from ..edits import AddFeatures, Batch
    from ..plan import typed_attributes  # noqa: F401 — attribute checks happen in bulk_insert
    plan.require_scenario(scenario)
    mapping = {layer: check_target(t) for layer, t in (mapping or {}).items()}
    present = set(drawing.layers)
    unknown = [layer for layer in mapping if layer not in present]
    if unknown:
        raise PlanError(f"图纸中没有图层 {unknown[0]!r}", f"the drawing has no layer {unknown[0]!r}")
    if not len(drawing):
        raise PlanError.about_file(drawing.path, "图纸模型空间中没有可读取的图形", "the drawing's model space has nothing to read")
    check_progress(progress, 0.0, "placing the drawing")
    raw = np.array(drawing.geometries, dtype=object)
    with np.errstate(all="ignore"):
        placed = placement.to_shapely(raw)
    xy = shapely.get_coordinates(placed)
    try:
        _common.check_near_plan(plan, xy[:, 0], xy[:, 1])
    except PlanError as far:
        raise PlanError(f"{far.message_zh.rstrip('？?')}？请用控制点或已知坐标系放置图纸",
                        f"{far.message_en.rstrip('?')}? Place the drawing by control points or a known CRS") from None
    check_progress(progress, 0.4, "mapping layers")
    source = os.fsencode(drawing.path.name).decode("utf-8", "replace")
    layers = np.array(drawing.layers, dtype=object)
    kinds = np.array(drawing.kinds, dtype=object)
    # Shapes too small to show survive as base map only if they still have length or area once placed.
    keep = ~shapely.is_empty(placed) & shapely.is_valid(placed)
    base_rows = tuple((g, (("cad_layer", layer), ("entity", ent), ("text", text), ("source", source)))
                      for g, layer, ent, text, ok in zip(placed, drawing.layers, drawing.entities, drawing.texts, keep)
                      if ok)
    text_mask = kinds == TEXT
    texts, words = placed[text_mask], [t for t, m in zip(drawing.texts, text_mask) if m]
    edits, counts = [], {BASEMAP_CAD: len(base_rows)}
    homes, facilities, paths = [], [], []
    for cad_layer, target in mapping.items():
        chosen = layers == cad_layer
        if target == "basemap":
            continue
        if target == WALK_NETWORK:
            for g in placed[chosen & (kinds == LINE)]:
                if g.length > 0:
                    paths.append((g, (("source", "cad"), ("class", "footway"))))
            continue
        outlines = shapely.get_parts(placed[chosen & (kinds == OUTLINE) & keep])
        outlines = outlines[shapely.get_type_id(outlines) == 3]  # Polygons (a repaired outline may split)
        labels = _labels_for(outlines, texts, words)
        for g, label in zip(outlines, labels):
            attributes = [("source", "cad")]
            if "name" in label:
                attributes.append(("name", label["name"][:200]))
            if "floors" in label:
                attributes.append(("floors", label["floors"]))
            if target == RESIDENTIAL:
                homes.append((g, tuple(attributes)))
            else:
                facilities.append((g, (("type", target.partition(":")[2]), *attributes)))
    record = _common.import_record(drawing.path, "DXF", {}, scenario=scenario, placement=placement.to_json(),
                                   rmse_m=round(placement.rmse, 4) if placement.pairs else None,
                                   dxf_version=drawing.version, encoding=drawing.encoding,
                                   insunits=drawing.insunits, mapping=dict(mapping),
                                   skipped=dict(drawing.skipped))
    for layer, rows in ((RESIDENTIAL, homes), (FACILITIES, facilities), (WALK_NETWORK, paths)):
        if rows:
            counts[layer] = len(rows)
            edits.append(AddFeatures(layer, tuple(rows), scenario))
    record["counts"] = counts
    edits.insert(0, AddFeatures(BASEMAP_CAD, base_rows, scenario, record=record))
    check_progress(progress, 0.6, "writing the plan")
    return Batch(tuple(edits), "import CAD drawing")

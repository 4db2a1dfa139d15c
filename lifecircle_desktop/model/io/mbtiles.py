"""Reading an offline tile package (MBTiles 1.3, github.com/mapbox/mbtiles-spec): raster tiles in
Web Mercator (EPSG:3857) in an SQLite file, and where each tile lies.

The package is opened read-only (a URI with ``mode=ro``; ``trusted_schema`` off, so a view in a
stranger's file cannot call functions with side effects), every query is parameterised. Rows are
TMS-numbered by the spec (row 0 at the south); ``scheme = xyz`` in the metadata (written by some
tools) means they are already XYZ. Tiles here are always XYZ (row 0 at the north).
"""
from __future__ import annotations

import html
import math
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .. import crs as crs_mod
from ..errors import PlanError, read_user_file

RASTER_FORMATS = ("png", "jpg", "jpeg", "webp")
WEB_MERCATOR_HALF = 20037508.342789244  # π × 6378137 m: half the width of the Web Mercator square
TILE_PX = 256  # MBTiles raster tiles are 256 px (the spec's default; a 512-px tile still fills the same square)


@dataclass(frozen=True)
class TilePackage:
    """What a package says about itself (its metadata table)."""
    name: str
    format: str           # png, jpg, webp
    attribution: str      # plain text (HTML tags and entities of the metadata removed)
    bounds: tuple[float, float, float, float] | None  # west, south, east, north (degrees)
    scheme: str           # "tms" (the spec) or "xyz"
    zooms: tuple[int, ...]


def _bad(path, zh: str, en: str) -> PlanError:
    return PlanError.about_file(path, zh, en)


def open_package(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the package, or one sentence why it is not one."""
    header = read_user_file(path, "MBTiles 瓦片包", "an MBTiles tile package", 16)
    if header != b"SQLite format 3\x00":
        raise _bad(path, "不是 MBTiles 瓦片包（不是 SQLite 数据库）", "is not an MBTiles tile package (not an SQLite database)")
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.execute("PRAGMA trusted_schema = OFF")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    except sqlite3.DatabaseError as e:
        raise _bad(path, f"无法作为 MBTiles 读取（{e}）", f"cannot be read as MBTiles ({e})") from None
    missing = [t for t in ("metadata", "tiles") if t not in tables]
    if missing:
        conn.close()
        raise _bad(path, f"不是 MBTiles 瓦片包（缺少 {'、'.join(missing)} 表）",
                   f"is not an MBTiles tile package (no {' or '.join(missing)} table)")
    return conn


def plain_text(attribution: str) -> str:
    """The attribution as one line of text: MBTiles stores it as HTML (``<a href=…>© …</a>``)."""
    text = html.unescape(re.sub(r"<[^>]*>", "", attribution or ""))
    return " ".join(text.split())


def read_package(path: str | Path, conn: sqlite3.Connection) -> TilePackage:
    """The package's metadata; refused in one sentence: vector tiles, an unknown format, no tiles."""
    try:
        meta = {str(k): str(v) for k, v in conn.execute("SELECT name, value FROM metadata")}
        zooms = tuple(r[0] for r in conn.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY zoom_level"))
    except sqlite3.DatabaseError as e:
        raise _bad(path, f"无法作为 MBTiles 读取（{e}）", f"cannot be read as MBTiles ({e})") from None
    fmt = meta.get("format", "").strip().lower()
    if fmt == "pbf" or fmt == "mvt":
        raise _bad(path, "这是矢量瓦片（pbf），矢量瓦片暂不支持；请使用栅格瓦片（png/jpg）",
                   "holds vector tiles (pbf); vector tiles are not supported yet — use raster tiles (png/jpg)")
    if not fmt:
        fmt = _sniff_format(conn)
    if fmt not in RASTER_FORMATS:
        raise _bad(path, f"瓦片格式 {fmt!r} 不受支持（可用 png、jpg、webp）",
                   f"tile format {fmt!r} is not supported (png, jpg or webp)")
    if not zooms:
        raise _bad(path, "瓦片包中没有瓦片", "the tile package holds no tiles")
    bounds = None
    try:
        west, south, east, north = (float(v) for v in meta.get("bounds", "").split(","))
        if -180 <= west < east <= 180 and -90 <= south < north <= 90:
            bounds = (west, south, east, north)
    except ValueError:
        pass  # optional in the spec: the tiles say where they are
    scheme = "xyz" if meta.get("scheme", "").strip().lower() == "xyz" else "tms"
    return TilePackage(meta.get("name") or Path(path).stem, "jpg" if fmt == "jpeg" else fmt,
                       plain_text(meta.get("attribution", "")), bounds, scheme, zooms)


def _sniff_format(conn: sqlite3.Connection) -> str:
    """A package without a format in its metadata: the first tile's magic bytes say it."""
    row = conn.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
    data = bytes(row[0]) if row and row[0] is not None else b""
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b") or data[:1] == b"\x1a":
        return "pbf"  # gzip'd or bare protobuf: a vector tile
    return "unknown"


def tile_range(zoom: int, west: float, south: float, east: float, north: float) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) inclusive XYZ tile numbers covering the lon/lat box at ``zoom``."""
    n = 2 ** zoom
    x0, y1 = tile_at(zoom, west, south)
    x1, y0 = tile_at(zoom, east, north)
    return max(0, x0), max(0, y0), min(n - 1, x1), min(n - 1, y1)


def tile_at(zoom: int, lon: float, lat: float) -> tuple[int, int]:
    """The XYZ tile holding (lon, lat) (the slippy-map formula, wiki.openstreetmap.org/wiki/Slippy_map_tilenames)."""
    n = 2 ** zoom
    lat = max(min(lat, 85.0511), -85.0511)
    x = int(math.floor((lon + 180.0) / 360.0 * n))
    y = int(math.floor((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n))
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def read_tiles(conn: sqlite3.Connection, package: TilePackage, lonlat_box=None):
    """Yield (zoom, x, y, data) with XYZ numbering; only the tiles meeting ``lonlat_box``
    (west, south, east, north) when it is given."""
    for zoom in package.zooms:
        n = 2 ** zoom
        sql = "SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = ?"
        params: list = [zoom]
        if lonlat_box is not None:
            x0, y0, x1, y1 = tile_range(zoom, *lonlat_box)
            rows = (n - 1 - y1, n - 1 - y0) if package.scheme == "tms" else (y0, y1)
            sql += " AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?"
            params += [x0, x1, *rows]
        for column, row, data in conn.execute(sql, params):
            if data is None:
                continue
            y = n - 1 - int(row) if package.scheme == "tms" else int(row)
            yield zoom, int(column), y, bytes(data)


def mercator_corner(zoom: int, x: float, y: float) -> tuple[float, float]:
    """Web Mercator metres of the XYZ tile corner (x, y) (fractions allowed: a point inside)."""
    size = 2 * WEB_MERCATOR_HALF / 2 ** zoom
    return -WEB_MERCATOR_HALF + x * size, WEB_MERCATOR_HALF - y * size


def tile_corners(zoom: int, x: int, y: int, epsg: int) -> tuple[tuple[float, float], ...]:
    """The plan coordinates of the tile's north-west, north-east and south-west corners: three
    points fix the affine map of the tile's pixels into the plan's CRS. Web Mercator and a plan's
    transverse Mercator differ by a smooth warp; across one tile (≤ 150 m at zoom 18, ~600 m at
    zoom 16) its departure from the affine map is far below a pixel at neighbourhood scale."""
    to_plan = crs_mod.transformer(3857, epsg)
    xs, ys = zip(mercator_corner(zoom, x, y), mercator_corner(zoom, x + 1, y), mercator_corner(zoom, x, y + 1))
    ex, ny = to_plan.transform(xs, ys)
    return tuple(zip((float(v) for v in ex), (float(v) for v in ny)))


def ground_resolution(zoom: int, lat: float) -> float:
    """Metres on the ground per tile pixel at ``zoom`` and latitude ``lat``."""
    return 2 * WEB_MERCATOR_HALF * math.cos(math.radians(lat)) / (TILE_PX * 2 ** zoom)


def zoom_for_scale(scale_px_per_m: float, lat: float, zooms) -> int:
    """The stored zoom whose tiles show about one tile pixel per screen pixel at this scale (the
    nearest coarser one past the finest: it is stretched; the coarsest below it)."""
    wanted = math.log2(max(2 * WEB_MERCATOR_HALF * math.cos(math.radians(lat)) * scale_px_per_m / TILE_PX, 1e-9))
    zooms = sorted(zooms)
    finer = [z for z in zooms if z >= wanted - 0.5]
    return finer[0] if finer else zooms[-1]


__all__ = ["TilePackage", "open_package", "read_package", "read_tiles", "tile_range", "tile_at", "tile_corners",
           "mercator_corner", "ground_resolution", "zoom_for_scale", "plain_text", "RASTER_FORMATS"]

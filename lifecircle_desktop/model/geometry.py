"""Geometry on the way in and out of the plan file.

GeoPackage binary is a small header (magic, flags, srs id, envelope) followed by ISO WKB
(GeoPackage 1.3 §2.1.3). Geometry entering the plan is checked first: an invalid polygon is
refused with a message naming the problem and is never stored.
"""
from __future__ import annotations

import math
import struct

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .errors import InvalidGeometry

_HEADER = struct.Struct("<2sBBi4d")  # magic, version, flags, srs_id, minx maxx miny maxy
_FLAGS_LE_XY_ENVELOPE = 0b0000_0011  # little-endian, envelope = [minx, maxx, miny, maxy]
_FLAGS_LE_EMPTY = 0b0001_0001


def to_gpkg(geom: BaseGeometry, srs_id: int) -> bytes:
    if geom.is_empty:
        return struct.pack("<2sBBi", b"GP", 0, _FLAGS_LE_EMPTY, srs_id) + shapely.to_wkb(geom, byte_order=1)
    minx, miny, maxx, maxy = geom.bounds
    return _HEADER.pack(b"GP", 0, _FLAGS_LE_XY_ENVELOPE, srs_id, minx, maxx, miny, maxy) + shapely.to_wkb(
        geom, byte_order=1, flavor="iso")


def to_gpkg_many(geoms: np.ndarray, srs_id: int) -> list[bytes]:
    """Vectorised to_gpkg for non-empty geometries (imports)."""
    wkbs = shapely.to_wkb(geoms, byte_order=1, flavor="iso")
    b = shapely.bounds(geoms)
    pack = _HEADER.pack
    return [pack(b"GP", 0, _FLAGS_LE_XY_ENVELOPE, srs_id, x0, x1, y0, y1) + w
            for (x0, y0, x1, y1), w in zip(b.tolist(), wkbs)]


def check_many(kind: str, geoms: np.ndarray) -> np.ndarray:
    """True where a geometry may be stored — the array form of CHECKS (per-feature messages come
    from CHECKS for the ones that fail)."""
    type_id = _TYPE_IDS.get(kind)
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if type_id is not None:
        ok &= shapely.get_type_id(geoms) == type_id
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        ok[np.unique(index[~finite])] = False
    if kind == "POLYGON":
        ok &= shapely.is_valid(geoms) & (shapely.area(geoms) > 1e-9)
    elif kind == "LINESTRING":
        ok &= shapely.length(geoms) > 0
    return ok


# The envelope sizes of GeoPackage binary (GeoPackage 1.3 §2.1.3.1.1: flags bits 1–3).
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_TYPE_IDS = {"POLYGON": 3, "POINT": 0, "LINESTRING": 1}
_TYPE_NAMES = {"POLYGON": ("多边形", "polygon"), "POINT": ("点", "point"), "LINESTRING": ("线", "line")}


def header_size(header: bytes | None) -> int | None:
    """The size of a GeoPackage binary header (8 bytes and the envelope its flags announce,
    GeoPackage 1.3 §2.1.3.1.1) from its first 4 bytes; None when it is not GeoPackage binary."""
    if not isinstance(header, bytes) or len(header) < 4 or header[:2] != b"GP":
        return None
    envelope = _ENVELOPE_BYTES.get((header[3] >> 1) & 0b111)
    return None if envelope is None else 8 + envelope


def read_wkb_geometries(kind: str, wkbs: np.ndarray) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """read_geometries for blobs whose headers SQLite already cut off (a layer whose every row
    has the same header: ``header_size``), so no Python runs per row."""
    return _decode(kind, np.asarray(wkbs, dtype=object), {})


def read_geometries(kind: str, blobs: list) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """The geometries of a layer's GeoPackage blobs (``kind``: the layer's geometry type name), and
    (index -> why, in zh and en) for those no feature can be made of: no geometry (NULL — QGIS's
    attribute-table "Add feature" — or empty), not GeoPackage binary, damaged, or not the layer's
    type (design.md §2). Array code: one shapely call decodes the readable ones."""
    unreadable: dict[int, tuple[str, str]] = {}
    wkbs = np.empty(len(blobs), dtype=object)
    for i, blob in enumerate(blobs):
        envelope = _ENVELOPE_BYTES.get((blob[3] >> 1) & 0b111) if isinstance(blob, bytes) and len(blob) >= 8 else None
        if blob is None:
            unreadable[i] = ("没有几何", "it has no geometry")
        elif envelope is None or blob[:2] != b"GP":
            unreadable[i] = ("几何不是 GeoPackage 格式", "its geometry is not GeoPackage binary")
        else:
            wkbs[i] = blob[8 + envelope:]
    return _decode(kind, wkbs, unreadable)


def _decode(kind: str, wkbs: np.ndarray, unreadable: dict[int, tuple[str, str]]):
    geoms = shapely.from_wkb(wkbs, on_invalid="ignore")
    for i in np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms)).tolist():
        unreadable.setdefault(i, ("几何已损坏或为空", "its geometry is damaged or empty"))
    if kind in _TYPE_IDS:
        for i in np.flatnonzero(~shapely.is_missing(geoms) & (shapely.get_type_id(geoms) != _TYPE_IDS[kind])).tolist():
            unreadable.setdefault(i, (f"不是{_TYPE_NAMES[kind][0]}（是 {geoms[i].geom_type}）",
                                      f"it is a {geoms[i].geom_type}, not a {_TYPE_NAMES[kind][1]}"))
    return geoms, unreadable


def check_polygon(geom: BaseGeometry) -> BaseGeometry:
    """Return the polygon if it may be stored, else raise InvalidGeometry naming the problem."""
    if geom is None or geom.geom_type != "Polygon":
        raise InvalidGeometry("需要一个多边形", "a polygon is required")
    coords = np.asarray(geom.exterior.coords)
    if not np.isfinite(coords).all() or any(
            not np.isfinite(np.asarray(r.coords)).all() for r in geom.interiors):
        raise InvalidGeometry("多边形坐标含有无效数值（NaN 或无穷大）",
                              "the polygon has a NaN or infinite coordinate")
    distinct = {tuple(c) for c in coords.tolist()}
    if len(distinct) < 3:
        raise InvalidGeometry(f"多边形只有 {len(distinct)} 个不同的顶点，至少需要 3 个",
                              f"the polygon has {len(distinct)} distinct vertices; at least 3 are needed")
    # Collinear vertices enclose nothing (a bow-tie also sums to zero area, but is a crossing).
    if not geom.convex_hull.area > 1e-9:
        raise InvalidGeometry("多边形面积为零（顶点共线）", "the polygon has zero area (its vertices are collinear)")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if "Self-intersection" in reason or "Ring Self-intersection" in reason:
            raise InvalidGeometry("多边形的边自相交", "the polygon's edges cross each other (self-intersection)")
        raise InvalidGeometry(f"多边形无效：{reason}", f"the polygon is invalid: {reason}")
    if not geom.area > 1e-9:
        raise InvalidGeometry("多边形面积为零", "the polygon has zero area")
    return geom


def check_point(geom: BaseGeometry) -> BaseGeometry:
    if geom is None or geom.geom_type != "Point" or geom.is_empty:
        raise InvalidGeometry("需要一个点", "a point is required")
    if not all(math.isfinite(c) for c in (geom.x, geom.y)):
        raise InvalidGeometry("点坐标含有无效数值（NaN 或无穷大）", "the point has a NaN or infinite coordinate")
    return geom


def check_linestring(geom: BaseGeometry) -> BaseGeometry:
    if geom is None or geom.geom_type != "LineString":
        raise InvalidGeometry("需要一条线", "a line is required")
    coords = np.asarray(geom.coords)
    if not np.isfinite(coords).all():
        raise InvalidGeometry("线的坐标含有无效数值（NaN 或无穷大）", "the line has a NaN or infinite coordinate")
    if len({tuple(c) for c in coords.tolist()}) < 2 or not geom.length > 0:
        raise InvalidGeometry("线至少需要两个不同的点", "a line needs at least two distinct points")
    return geom


def check_any(geom: BaseGeometry) -> BaseGeometry:
    if geom is None or geom.is_empty:
        raise InvalidGeometry("几何为空", "the geometry is empty")
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise InvalidGeometry("坐标含有无效数值（NaN 或无穷大）", "a coordinate is NaN or infinite")
    return geom


CHECKS = {"POLYGON": check_polygon, "POINT": check_point, "LINESTRING": check_linestring,
          "GEOMETRY": check_any}

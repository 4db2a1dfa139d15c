"""The SQL a plan file carries from QGIS and GDAL, and the functions it calls (design.md §2).

QGIS's "Create spatial index" and any GDAL write add an R-tree per layer with triggers calling
the GeoPackage SQL functions ``ST_IsEmpty``, ``ST_MinX``… (GeoPackage 1.3 §F.3), plus GDAL's
feature-count triggers. The app registers those functions on its connection so the triggers keep
the index consistent, and recognises those triggers by their exact text: any other trigger or
view in a received plan is code another program put there and is never run without consent.
"""
from __future__ import annotations

import re
import sqlite3
import struct

import shapely

# Envelope bytes by the header's envelope indicator (GeoPackage 1.3 §2.1.3.1.1, flags bits 1–3).
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_EMPTY_FLAG = 0b1_0000
_OURS = b"GP\x00\x03"  # version 0, little-endian, xy envelope: what geometry.to_gpkg writes
_LITTLE_ENDIAN_BOX = struct.Struct("<4d").unpack_from


def _header(blob):
    """(flags, envelope bytes) of a GeoPackage geometry blob, or None for anything else
    (a 3-byte blob, text, NULL: what a foreign program may have written)."""
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None or len(blob) < 8 + envelope:
        return None
    return flags, envelope


def is_empty(blob):
    """ST_IsEmpty: 1 for an empty geometry, 0 otherwise, NULL when the blob is not one."""
    header = _header(blob)
    return None if header is None else int(bool(header[0] & _EMPTY_FLAG))


def envelope(blob):
    """(minx, maxx, miny, maxy) of a geometry blob: from its header when it has one (GDAL writes
    points without), else from its WKB; None when empty or unreadable."""
    if isinstance(blob, bytes) and blob[:4] == _OURS and len(blob) >= 40:
        return _LITTLE_ENDIAN_BOX(blob, 8)  # the app's own blobs: the common case, kept fast
    header = _header(blob)
    if header is None or header[0] & _EMPTY_FLAG:
        return None
    flags, size = header
    if size:
        return struct.unpack_from("<4d" if flags & 1 else ">4d", blob, 8)
    try:
        x0, y0, x1, y1 = shapely.from_wkb(blob[8:]).bounds
    except shapely.errors.ShapelyError:
        return None
    return x0, x1, y0, y1


def _bound(i):
    def st(blob):
        box = envelope(blob)
        return None if box is None else box[i]
    return st


GEOPACKAGE_FUNCTIONS = {"ST_IsEmpty": is_empty, "ST_MinX": _bound(0), "ST_MaxX": _bound(1),
                        "ST_MinY": _bound(2), "ST_MaxY": _bound(3)}


def register_functions(conn: sqlite3.Connection) -> None:
    """Make the GeoPackage SQL functions GDAL's R-tree triggers call available on ``conn``."""
    for name, fn in GEOPACKAGE_FUNCTIONS.items():
        conn.create_function(name, 1, fn, deterministic=True)


# --- the triggers the plan may carry: GDAL's, recognised by their exact text ------------------
# GDAL 3.x (ogr/ogrsf_frmts/gpkg/ogrgeopackagetablelayer.cpp), which follows GeoPackage 1.3 §F.3.
_RTREE = {
    "insert": 'AFTER INSERT ON "{t}" WHEN (new."{g}" NOT NULL AND NOT ST_IsEmpty(NEW."{g}")) BEGIN '
              'INSERT OR REPLACE INTO "rtree_{t}_{g}" VALUES (NEW."{f}",ST_MinX(NEW."{g}"), '
              'ST_MaxX(NEW."{g}"),ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    "update1": 'AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD."{f}" = NEW."{f}" AND (NEW."{g}" NOTNULL AND NOT '
               'ST_IsEmpty(NEW."{g}")) BEGIN INSERT OR REPLACE INTO "rtree_{t}_{g}" VALUES (NEW."{f}",'
               'ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    "update2": 'AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD."{f}" = NEW."{f}" AND (NEW."{g}" ISNULL OR '
               'ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM "rtree_{t}_{g}" WHERE id = OLD."{f}"; END',
    "update3": 'AFTER UPDATE ON "{t}" WHEN OLD."{f}" != NEW."{f}" AND (NEW."{g}" NOTNULL AND NOT '
               'ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM "rtree_{t}_{g}" WHERE id = OLD."{f}"; INSERT OR '
               'REPLACE INTO "rtree_{t}_{g}" VALUES (NEW."{f}",ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),'
               'ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    "update4": 'AFTER UPDATE ON "{t}" WHEN OLD."{f}" != NEW."{f}" AND (NEW."{g}" ISNULL OR '
               'ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM "rtree_{t}_{g}" WHERE id IN (OLD."{f}", '
               'NEW."{f}"); END',
    # GDAL ≥ 3.7 replaces update1 by update6/update7 (GeoPackage 1.4): the same statements split.
    "update6": 'AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD."{f}" = NEW."{f}" AND (NEW."{g}" NOTNULL AND NOT '
               'ST_IsEmpty(NEW."{g}")) AND (OLD."{g}" NOTNULL AND NOT ST_IsEmpty(OLD."{g}")) BEGIN UPDATE '
               '"rtree_{t}_{g}" SET minx = ST_MinX(NEW."{g}"), maxx = ST_MaxX(NEW."{g}"), miny = '
               'ST_MinY(NEW."{g}"), maxy = ST_MaxY(NEW."{g}") WHERE id = NEW."{f}"; END',
    "update7": 'AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD."{f}" = NEW."{f}" AND (NEW."{g}" NOTNULL AND NOT '
               'ST_IsEmpty(NEW."{g}")) AND (OLD."{g}" ISNULL OR ST_IsEmpty(OLD."{g}")) BEGIN INSERT INTO '
               '"rtree_{t}_{g}" VALUES (NEW."{f}",ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),'
               'ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    "update5": 'AFTER UPDATE ON "{t}" WHEN OLD."{f}" != NEW."{f}" AND (NEW."{g}" NOTNULL AND NOT '
               'ST_IsEmpty(NEW."{g}")) BEGIN DELETE FROM "rtree_{t}_{g}" WHERE id = OLD."{f}"; INSERT OR '
               'REPLACE INTO "rtree_{t}_{g}" VALUES (NEW."{f}",ST_MinX(NEW."{g}"), ST_MaxX(NEW."{g}"),'
               'ST_MinY(NEW."{g}"), ST_MaxY(NEW."{g}")); END',
    "delete": 'AFTER DELETE ON "{t}" WHEN old."{g}" NOT NULL BEGIN DELETE FROM "rtree_{t}_{g}" WHERE id = '
              'OLD."{f}"; END',
}
_COUNT = {
    "insert": 'AFTER INSERT ON "{t}" BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1 '
              "WHERE lower(table_name) = lower('{t}'); END",
    "delete": 'AFTER DELETE ON "{t}" BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count - 1 '
              "WHERE lower(table_name) = lower('{t}'); END",
}

# The GeoPackage's own constraint triggers on gpkg_tile_matrix (GeoPackage 1.3 Annex F.5), which
# GDAL creates with a new file.
_TILE_MATRIX = {"zoom_level": ("less", 0), "matrix_width": ("less", 1), "matrix_height": ("less", 1),
                "pixel_x_size": ("greater", 0), "pixel_y_size": ("greater", 0)}


def _words(sql: str) -> str:
    """SQL with its spacing made uniform, for comparing a stored trigger with a template."""
    return re.sub(r"\s+", " ", re.sub(r"\s*([(),;=])\s*", r"\1", sql)).strip().rstrip(";").lower()


def known_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """{trigger name: its expected text} of every trigger GDAL may have added to this file."""
    out = {}
    spatial = conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
    for table, geom in spatial:
        fid = _primary_key(conn, table)
        if fid is None:
            continue
        for kind, body in _RTREE.items():
            out[f"rtree_{table}_{geom}_{kind}"] = (f'CREATE TRIGGER "rtree_{table}_{geom}_{kind}" '
                                                   + body.format(t=table, g=geom, f=fid))
    for column, (verb, limit) in _TILE_MATRIX.items():
        for op, kw in (("insert", "INSERT"), ("update", f"UPDATE OF {column}")):
            condition = f"NOT (NEW.{column} > 0)" if verb == "greater" else f"(NEW.{column} < {limit})"
            words = f"greater than 0" if verb == "greater" else f"less than {limit}"
            name = f"gpkg_tile_matrix_{column}_{op}"
            out[name] = (f"CREATE TRIGGER '{name}' BEFORE {kw} ON 'gpkg_tile_matrix' FOR EACH ROW BEGIN "
                         f"SELECT RAISE(ABORT, '{op} on table ''gpkg_tile_matrix'' violates constraint: "
                         f"{column} {'must be' if verb == 'greater' else 'cannot be'} {words}') "
                         f"WHERE {condition}; END")
    for (table,) in conn.execute("SELECT table_name FROM gpkg_contents"):
        for kind, body in _COUNT.items():
            out[f"trigger_{kind}_feature_count_{table}"] = (
                f'CREATE TRIGGER "trigger_{kind}_feature_count_{table}" ' + body.format(t=table))
    return out


def _primary_key(conn, table: str) -> str | None:
    names = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5] == 1]
    return names[0] if len(names) == 1 else None


def foreign_code(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(kind, name) of every trigger and view in the file that is not GDAL's own: code another
    program stored in the plan, which would run on our edits (issue 10 item 7)."""
    known = {name: _words(sql) for name, sql in known_triggers(conn).items()}
    out = []
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master "
                                        "WHERE type IN ('trigger', 'view') ORDER BY type, name"):
        if kind == "view" or known.get(name) != _words(sql or ""):
            out.append((kind, name))
    return out

"""Raster test data made in the test: PNG tiles and MBTiles packages (Pillow, sqlite3 — not the
code under test)."""
import io
import math
import sqlite3

from PIL import Image


def png(color, size=256) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, "PNG")
    return out.getvalue()


def xyz_tile(zoom, lon, lat):
    """The slippy-map tile of (lon, lat), written out here as the test's oracle."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_lonlat(zoom, x, y):
    """North-west corner (lon, lat) of XYZ tile (x, y)."""
    n = 2 ** zoom
    lon = x / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lon, lat


def mbtiles(path, tiles: dict, *, scheme="tms", fmt="png", attribution="© Test Maps", name="test tiles",
            metadata=True, tiles_table=True, deduplicated=False):
    """An MBTiles file: ``tiles`` {(z, x, y) XYZ: bytes}; rows stored TMS-flipped unless scheme is "xyz"."""
    conn = sqlite3.connect(path)
    if metadata:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        rows = [("name", name), ("format", fmt), ("attribution", attribution), ("minzoom", "0"), ("maxzoom", "22")]
        if scheme == "xyz":
            rows.append(("scheme", "xyz"))
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", rows)
    if deduplicated:  # the layout mb-util and TileMill write: tiles is a view over map and images
        conn.execute("CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT)")
        conn.execute("CREATE TABLE images (tile_id TEXT, tile_data BLOB)")
        for k, ((z, x, y), data) in enumerate(tiles.items()):
            conn.execute("INSERT INTO map VALUES (?, ?, ?, ?)", (z, x, (2 ** z - 1 - y) if scheme == "tms" else y, f"t{k}"))
            conn.execute("INSERT INTO images VALUES (?, ?)", (f"t{k}", data))
        conn.execute("CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, "
                     "map.tile_row AS tile_row, images.tile_data AS tile_data FROM map JOIN images "
                     "ON images.tile_id = map.tile_id")
    elif tiles_table:
        conn.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        conn.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                         [(z, x, (2 ** z - 1 - y) if scheme == "tms" else y, data) for (z, x, y), data in tiles.items()])
    conn.commit()
    conn.close()
    return path

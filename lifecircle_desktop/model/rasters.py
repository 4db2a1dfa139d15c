"""Raster base maps stored inside the plan file (design.md §13): scanned plans and offline tiles.

The plan stays one file: a scan's pixels and a tile package's tiles are copied into it. Four
tables, created by the first import (their absence means "none imported": no schema version
bump), each registered in ``gpkg_contents`` as ``attributes`` (GeoPackage 1.3 §2.4; INTEGER
primary keys, requirement 119), so GDAL and QGIS open the plan as before:

- ``basemap_images``: one row per scanned plan — name, source file name, size in pixels, the
  placement (``model/georef.Georef`` JSON, NULL while un-placed), opacity;
- ``basemap_image_tiles``: its pyramid — level 0 at full size, each next level halved — cut in
  512-px tiles (``io/image.py``);
- ``basemap_tile_sets``: one row per imported MBTiles package — name, format, attribution, opacity;
- ``basemap_tiles``: its tiles with XYZ numbering, only those around the plan's area.

Changes are edits (``edits.py``'s habit: frozen data with ``apply`` and ``inverted``) applied by
the session, so an import, a placement or an opacity is undone like any other step. They concern
the whole plan, not a scenario. Their ChangeSets name the pseudo-layers ``IMAGES`` and ``TILES``
(the map's raster layer views reload from the plan).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import crs as crs_mod
from .errors import PlanError
from .plan import ChangeSet, Plan

IMAGES = "basemap_images"
IMAGE_TILES = "basemap_image_tiles"
TILES = "basemap_tiles"
TILE_SETS = "basemap_tile_sets"

_TABLES = {
    IMAGES: ("name TEXT NOT NULL", "source TEXT", "width INTEGER NOT NULL", "height INTEGER NOT NULL",
             "tile_size INTEGER NOT NULL", "levels INTEGER NOT NULL", "format TEXT NOT NULL", "georef TEXT",
             "opacity REAL NOT NULL DEFAULT 1.0"),
    IMAGE_TILES: ("image INTEGER NOT NULL", "level INTEGER NOT NULL", "col INTEGER NOT NULL", "row INTEGER NOT NULL",
                  "data BLOB NOT NULL"),
    TILE_SETS: ("name TEXT NOT NULL", "source TEXT", "format TEXT NOT NULL", "attribution TEXT",
                "min_zoom INTEGER", "max_zoom INTEGER", "opacity REAL NOT NULL DEFAULT 1.0"),
    TILES: ("tile_set INTEGER NOT NULL", "zoom INTEGER NOT NULL", "x INTEGER NOT NULL", "y INTEGER NOT NULL",
            "data BLOB NOT NULL"),
}
_KEYS = {IMAGE_TILES: ("image", "level", "col", "row"), TILES: ("tile_set", "zoom", "x", "y")}
_DESCRIPTIONS = {IMAGES: "Scanned plans (lifecircle)", IMAGE_TILES: "Scanned plan pyramid tiles (lifecircle)",
                 TILE_SETS: "Offline tile packages (lifecircle)", TILES: "Offline map tiles, XYZ (lifecircle)"}

# Around the plan's area, tiles of an imported package are kept this far out (a package of a
# whole city would otherwise swell the plan by gigabytes).
TILE_MARGIN_M = 1000.0
# A plan with no features yet has no area to keep tiles around: a whole package comes in, up to this
# many tiles (≈ a district from zoom 12 to 18; some 2 GB of a city's package is refused instead).
MAX_UNCLIPPED_TILES = 100_000
UNPLACED_HINT = ("未配准：请添加至少 2 个控制点", "Not placed: add at least 2 control points")


def has_table(plan: Plan, table: str) -> bool:
    return plan.store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                   (table,)).fetchone() is not None


def _ensure_tables(conn, *tables: str) -> None:
    """Create the raster tables on first use, registered as GeoPackage attributes."""
    for table in tables:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        if exists:
            continue
        conn.execute(f'CREATE TABLE "{table}" (fid INTEGER PRIMARY KEY NOT NULL, {", ".join(_TABLES[table])})')
        if table in _KEYS:
            conn.execute(f'CREATE UNIQUE INDEX "{table}_key" ON "{table}" ({", ".join(_KEYS[table])})')
        conn.execute("INSERT OR IGNORE INTO gpkg_contents(table_name, data_type, identifier, description) "
                     "VALUES (?, 'attributes', ?, ?)", (table, table, _DESCRIPTIONS[table]))


def _touch(conn, table: str) -> None:
    conn.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
                 (table,))


# ================================================================================ scanned plans
@dataclass(frozen=True)
class ScannedImage:
    """A scanned plan as stored: ``fid`` (None before import), its pixel size and its placement."""
    fid: int | None
    name: str
    source: str
    width: int
    height: int
    tile_size: int
    levels: int
    format: str
    georef: str | None = None   # Georef JSON; None: not placed yet
    opacity: float = 1.0

    @property
    def placement(self) -> Georef | None:
        """Pixel (x right, y down) → plan metres; None while un-placed."""
        from .georef import Georef
        return None if not self.georef else Georef.from_json(self.georef)


def images(plan: Plan) -> list[ScannedImage]:
    """The scanned plans stored in ``plan`` (none when no image was ever imported)."""
    if not has_table(plan, IMAGES):
        return []
    rows = plan.store.conn.execute("SELECT fid, name, source, width, height, tile_size, levels, format, georef, "
                                   "opacity FROM basemap_images ORDER BY fid").fetchall()
    return [ScannedImage(*row) for row in rows]


def image(plan: Plan, fid: int) -> ScannedImage:
    for found in images(plan):
        if found.fid == fid:
            return found
    raise PlanError(f"没有编号为 {fid} 的扫描图", f"there is no scanned plan {fid}")


def image_tile(plan: Plan, fid: int, level: int, col: int, row: int) -> bytes | None:
    """One tile of a scan's pyramid (PNG or JPEG bytes), None where there is none."""
    found = plan.store.conn.execute("SELECT data FROM basemap_image_tiles WHERE image = ? AND level = ? AND col = ? "
                                    "AND row = ?", (fid, level, col, row)).fetchone()
    return None if found is None else bytes(found[0])


@dataclass(frozen=True)
class ImportImage:
    """A scanned plan coming into the plan: its description and its pyramid tiles
    ((level, col, row, bytes), …). Kept whole so that undo and redo put back exactly the same."""
    image: ScannedImage
    tiles: tuple = field(repr=False, default=())
    whole_plan = True  # not an edit of a scenario (edits.plan_wide)

    def apply(self, plan: Plan) -> ChangeSet:
        if self.image.georef is not None:
            from .georef import Georef
            Georef.from_json(self.image.georef)  # a damaged placement is refused before anything is written
        with plan.store.transaction() as db:
            conn = db.conn
            _ensure_tables(conn, IMAGES, IMAGE_TILES)
            i = self.image
            cursor = conn.execute("INSERT INTO basemap_images(fid, name, source, width, height, tile_size, levels, "
                                  "format, georef, opacity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  (i.fid, i.name, i.source, i.width, i.height, i.tile_size, i.levels, i.format,
                                   i.georef, i.opacity))
            fid = cursor.lastrowid if i.fid is None else i.fid
            conn.executemany("INSERT INTO basemap_image_tiles(image, level, col, row, data) VALUES (?, ?, ?, ?, ?)",
                             [(fid, level, col, row, data) for level, col, row, data in self.tiles])
            _touch(conn, IMAGES)
        applied = replace(self, image=replace(self.image, fid=fid))
        return ChangeSet(added={IMAGES: {fid}}, edit=applied)

    def inverted(self) -> "RemoveImage":
        if self.image.fid is None:
            raise PlanError("未应用的导入不能撤销", "an import that was never applied cannot be undone")
        return RemoveImage(self.image, self.tiles)


@dataclass(frozen=True)
class RemoveImage:
    """A scanned plan taken out of the plan (its inverse puts it back: it carries the tiles)."""
    image: ScannedImage
    tiles: tuple = field(repr=False, default=())
    whole_plan = True

    @classmethod
    def of(cls, plan: Plan, fid: int) -> "RemoveImage":
        rows = plan.store.conn.execute("SELECT level, col, row, data FROM basemap_image_tiles WHERE image = ? "
                                       "ORDER BY level, row, col", (fid,)).fetchall()
        return cls(image(plan, fid), tuple((lv, c, r, bytes(d)) for lv, c, r, d in rows))

    def apply(self, plan: Plan) -> ChangeSet:
        fid = self.image.fid
        if not has_table(plan, IMAGES) or not any(i.fid == fid for i in images(plan)):
            raise PlanError(f"没有编号为 {fid} 的扫描图", f"there is no scanned plan {fid}")
        with plan.store.transaction() as db:
            db.conn.execute("DELETE FROM basemap_image_tiles WHERE image = ?", (fid,))
            db.conn.execute("DELETE FROM basemap_images WHERE fid = ?", (fid,))
            _touch(db.conn, IMAGES)
        return ChangeSet(removed={IMAGES: {fid}}, edit=self)

    def inverted(self) -> ImportImage:
        return ImportImage(self.image, self.tiles)


@dataclass(frozen=True)
class SetImageLook:
    """A scanned plan's placement (Georef JSON, None: un-placed) and opacity (0–1)."""
    fid: int
    old_georef: str | None
    new_georef: str | None
    old_opacity: float
    new_opacity: float
    whole_plan = True

    @classmethod
    def of(cls, plan: Plan, fid: int, *, georef=..., opacity=...) -> "SetImageLook":
        """``georef``: a Georef, its JSON or None; ``opacity``: 0–1; either left as it is when not given."""
        from .georef import Georef
        now = image(plan, fid)
        if isinstance(georef, Georef):
            georef = georef.to_json()
        return cls(fid, now.georef, now.georef if georef is ... else georef,
                   now.opacity, now.opacity if opacity is ... else opacity)

    def apply(self, plan: Plan) -> ChangeSet:
        opacity = checked_opacity(self.new_opacity)
        if self.new_georef is not None:
            from .georef import Georef
            Georef.from_json(self.new_georef)
        now = image(plan, self.fid)
        if now.georef != self.old_georef or not math.isclose(now.opacity, self.old_opacity):
            raise PlanError("扫描图已被另一个程序修改，未作任何更改",
                            "the scanned plan was changed by another program; nothing was changed")
        with plan.store.transaction() as db:
            db.conn.execute("UPDATE basemap_images SET georef = ?, opacity = ? WHERE fid = ?",
                            (self.new_georef, opacity, self.fid))
            _touch(db.conn, IMAGES)
        return ChangeSet(changed={IMAGES: {self.fid}}, edit=replace(self, new_opacity=opacity))

    def inverted(self) -> "SetImageLook":
        return replace(self, old_georef=self.new_georef, new_georef=self.old_georef,
                       old_opacity=self.new_opacity, new_opacity=self.old_opacity)


def checked_opacity(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise PlanError("不透明度必须在 0 到 1 之间", "opacity must be between 0 and 1")
    return value


# ================================================================================ offline tiles
@dataclass(frozen=True)
class TileSet:
    """An imported tile package: ``tiles`` maps (zoom, x, y) (XYZ) to the row holding its bytes."""
    fid: int
    name: str
    source: str
    format: str
    attribution: str
    opacity: float
    tiles: dict = field(repr=False, default_factory=dict)

    @property
    def zooms(self) -> tuple[int, ...]:
        return tuple(sorted({z for z, _x, _y in self.tiles}))


def tile_sets(plan: Plan) -> list[TileSet]:
    if not has_table(plan, TILE_SETS):
        return []
    conn = plan.store.conn
    sets = []
    for fid, name, source, fmt, attribution, opacity in conn.execute(
            "SELECT fid, name, source, format, attribution, opacity FROM basemap_tile_sets ORDER BY fid").fetchall():
        index = {(z, x, y): row for row, z, x, y in
                 conn.execute("SELECT fid, zoom, x, y FROM basemap_tiles WHERE tile_set = ?", (fid,))}
        sets.append(TileSet(fid, name, source or "", fmt, attribution or "", opacity, index))
    return sets


def tile_data(plan: Plan, row: int) -> bytes | None:
    found = plan.store.conn.execute("SELECT data FROM basemap_tiles WHERE fid = ?", (row,)).fetchone()
    return None if found is None else bytes(found[0])


def plan_lonlat_box(plan: Plan, margin_m: float = TILE_MARGIN_M):
    """The plan's features' extent grown by ``margin_m``, as a lon/lat box; None for an empty plan."""
    bounds = plan.bounds()
    if bounds is None:
        return None
    x0, y0, x1, y1 = bounds
    xs = [x0 - margin_m, x1 + margin_m, x0 - margin_m, x1 + margin_m]
    ys = [y0 - margin_m, y0 - margin_m, y1 + margin_m, y1 + margin_m]
    lon, lat = crs_mod.transformer(plan.epsg, crs_mod.WGS84).transform(xs, ys)
    return min(lon), min(lat), max(lon), max(lat)


@dataclass(frozen=True)
class ImportTiles:
    """An MBTiles package's tiles around the plan copied into it, its attribution added to the
    plan's credits. Redo reads the package again (a package can be large: the history does not
    keep its tiles); undo removes what the import added."""
    source: str
    tile_set: int | None = None
    count: int = 0
    credit: str | None = None   # the credit this import added (None: none, or it was there already)
    whole_plan = True

    def apply(self, plan: Plan) -> ChangeSet:
        from .io.mbtiles import open_package, read_package, read_tiles
        conn = open_package(self.source)
        try:
            package = read_package(self.source, conn)
            box = plan_lonlat_box(plan)
            if box is None and conn.execute("SELECT COUNT(*) FROM tiles").fetchone()[0] > MAX_UNCLIPPED_TILES:
                raise PlanError.about_file(
                    self.source, f"瓦片包超过 {MAX_UNCLIPPED_TILES:,} 张瓦片，而规划中还没有要素可确定范围；请先绘制或导入规划范围再导入瓦片",
                    f"the package holds more than {MAX_UNCLIPPED_TILES:,} tiles and the plan has no features yet to "
                    f"keep only the tiles around it; draw or import the plan's area first")
            with plan.store.transaction() as db:
                _ensure_tables(db.conn, TILE_SETS, TILES)
                cursor = db.conn.execute(
                    "INSERT INTO basemap_tile_sets(fid, name, source, format, attribution, min_zoom, max_zoom, opacity) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 1.0)",
                    (self.tile_set, package.name, Path(self.source).name, package.format, package.attribution,
                     min(package.zooms), max(package.zooms)))
                fid = cursor.lastrowid if self.tile_set is None else self.tile_set
                count = db.conn.executemany(
                    "INSERT OR REPLACE INTO basemap_tiles(tile_set, zoom, x, y, data) VALUES (?, ?, ?, ?, ?)",
                    ((fid, z, x, y, data) for z, x, y, data in read_tiles(conn, package, box))).rowcount
                if count <= 0:
                    raise PlanError.about_file(self.source, "瓦片包不覆盖规划区域，没有导入任何瓦片",
                                               "the tile package does not cover the plan's area; no tile was imported")
                _touch(db.conn, TILE_SETS)
                credit = package.attribution or None
                if credit is not None and credit in (plan.meta.get("credits") or []):
                    credit = None
                if credit is not None:
                    plan.add_credit(credit)
        finally:
            conn.close()
        return ChangeSet(added={TILES: {fid}}, edit=replace(self, tile_set=fid, count=count, credit=credit))

    def inverted(self) -> "RemoveTiles":
        if self.tile_set is None:
            raise PlanError("未应用的导入不能撤销", "an import that was never applied cannot be undone")
        return RemoveTiles(self)


@dataclass(frozen=True)
class RemoveTiles:
    """Undo of an ``ImportTiles``: its tiles and the credit it added go."""
    imported: ImportTiles
    whole_plan = True

    def apply(self, plan: Plan) -> ChangeSet:
        fid = self.imported.tile_set
        with plan.store.transaction() as db:
            db.conn.execute("DELETE FROM basemap_tiles WHERE tile_set = ?", (fid,))
            db.conn.execute("DELETE FROM basemap_tile_sets WHERE fid = ?", (fid,))
            _touch(db.conn, TILE_SETS)
            if self.imported.credit is not None:
                credits = [c for c in plan.meta.get("credits") or [] if c != self.imported.credit]
                plan.set_meta(credits=credits)
        return ChangeSet(removed={TILES: {fid}}, edit=self)

    def inverted(self) -> ImportTiles:
        return self.imported


@dataclass(frozen=True)
class SetTilesOpacity:
    tile_set: int
    old: float
    new: float
    whole_plan = True

    @classmethod
    def of(cls, plan: Plan, tile_set: int, opacity: float) -> "SetTilesOpacity":
        old = next((s.opacity for s in tile_sets(plan) if s.fid == tile_set), None)
        if old is None:
            raise PlanError(f"没有编号为 {tile_set} 的瓦片图层", f"there is no tile layer {tile_set}")
        return cls(tile_set, old, opacity)

    def apply(self, plan: Plan) -> ChangeSet:
        opacity = checked_opacity(self.new)
        with plan.store.transaction() as db:
            db.conn.execute("UPDATE basemap_tile_sets SET opacity = ? WHERE fid = ?", (opacity, self.tile_set))
        return ChangeSet(changed={TILES: {self.tile_set}}, edit=replace(self, new=opacity))

    def inverted(self) -> "SetTilesOpacity":
        return replace(self, old=self.new, new=self.old)


def describe(georef_json: str | None) -> dict:
    """The placement as the CLI prints it: kind, RMSE (m), residual per point (m)."""
    if not georef_json:
        return {"placed": False}
    from .georef import Georef
    try:
        g = Georef.from_json(georef_json)
    except PlanError:
        return {"placed": False, "damaged": True}  # shown un-placed, to be placed again
    return {"placed": True, "kind": g.kind, "rmse_m": g.rmse, "residuals_m": list(g.residuals),
            "points": len(g.pairs)}


__all__ = ["IMAGES", "IMAGE_TILES", "TILES", "TILE_SETS", "ScannedImage", "images", "image", "image_tile",
           "ImportImage", "RemoveImage", "SetImageLook", "TileSet", "tile_sets", "tile_data", "ImportTiles",
           "RemoveTiles", "SetTilesOpacity", "plan_lonlat_box", "describe", "UNPLACED_HINT", "has_table"]

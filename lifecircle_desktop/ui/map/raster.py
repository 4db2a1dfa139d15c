"""Raster base maps on the canvas: scanned plans and offline tiles (model/rasters.py), painted into
the cached map image like the rest of the base map (basemap.py).

Both draw only what the view needs: the pyramid level (or tile zoom) nearest one source pixel per
screen pixel and the tiles in the area asked for, decoded once and kept in a small cache (a pan
at one scale redraws from decoded tiles). A scan is drawn through the QTransform of its placement
— an affine placement is exactly a QTransform, so its pixels land where the control points say.
A Web-Mercator tile is drawn through the affine map fixed by three of its corners reprojected to
the plan's CRS (``io.mbtiles.tile_corners``): at neighbourhood scale its departure from the true
warp is far below a pixel.
"""
from __future__ import annotations

import math
from collections import OrderedDict

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QTransform

import shapely

from ...model import crs as crs_mod
from ...model import rasters
from ...model.errors import PlanError
from ...model.io.mbtiles import tile_corners, tile_range, zoom_for_scale
from ...model.schema import EDITABLE_LAYERS
from .. import i18n
from .basemap import PaintedLayer

# Decoded tiles kept per layer view: a 1920×1080 view shows ~12 scan tiles of 512 px or ~40 map
# tiles of 256 px; the caches hold a few views' worth (≈ 64 MB each at most).
IMAGE_CACHE_TILES = 64
MAP_CACHE_TILES = 256
# Past this many tiles in view the package is not drawn (zoomed far out of the tiles it holds).
MAX_TILES_IN_VIEW = 600
UNPLACED_GAP = 0.08   # an un-placed scan sits right of the plan, this share of the plan's width away


class _Decoded:
    """A small LRU cache of decoded tiles."""

    def __init__(self, size: int):
        self.size, self.items = size, OrderedDict()

    def get(self, key, load):
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
            return found
        data = load()
        image = QImage.fromData(data) if data else QImage()
        if not image.isNull():
            image = image.convertToFormat(QImage.Format_ARGB32_Premultiplied)  # the map image's format: a plain blit
        self.items[key] = image
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return image

    def clear(self) -> None:
        self.items.clear()


def set_hidden(layer_view, fid: int, hidden: bool) -> None:
    """Hide or show one scan or tile package of a raster layer view (a view setting, like a layer's tick)."""
    (layer_view.hidden.add if hidden else layer_view.hidden.discard)(fid)
    layer_view.view.map_changed()


def placement_transform(matrix) -> QTransform:
    """Georef matrix ((a, b, c), (d, e, f)): E = a·x + b·y + c, N = d·x + e·y + f, as a QTransform
    (Qt: x' = m11·x + m21·y + dx, y' = m12·x + m22·y + dy)."""
    (a, b, c), (d, e, f) = matrix
    return QTransform(a, d, b, e, c, f)


class ScannedPlans(PaintedLayer):
    """The plan's scanned plans, each at its opacity; an un-placed one beside the plan with a hint."""

    def __init__(self, view, layer: str):
        super().__init__(view, layer)
        self._images: list[rasters.ScannedImage] = []
        self._transforms: dict[int, tuple[QTransform, bool]] = {}
        self._previews: dict[int, tuple[QTransform | None, float]] = {}
        self.hidden: set[int] = set()  # scans the planner unticked in the layers panel (not stored)
        self._cache = _Decoded(IMAGE_CACHE_TILES)

    def load(self, features) -> None:
        plan = self.view.plan
        self._images = rasters.images(plan) if plan is not None else []
        self._cache.clear()
        self._transforms = {}
        for scan in self._images:
            try:
                placed = scan.placement
            except PlanError:
                placed = None  # a damaged placement shows the scan un-placed, to be placed again
            self._transforms[scan.fid] = ((placement_transform(placed.matrix), True) if placed is not None
                                          and placed.kind != "crs" else (self._beside_plan(scan), False))
        self.view.map_changed()

    def update(self, fid: int, feature) -> None:
        self.load([])

    def preview(self, fid: int, matrix, opacity: float = 0.5) -> None:
        """Show scan ``fid`` placed by ``matrix`` (a Georef matrix; None: not shown) instead of its
        stored placement — the georeferencing dialog's live preview, nothing stored."""
        self._previews[fid] = (None if matrix is None else placement_transform(matrix), opacity)
        self.view.map_changed()

    def fids(self) -> list[int]:
        return [scan.fid for scan in self._images]

    def images(self) -> list[rasters.ScannedImage]:
        return list(self._images)

    def transform(self, fid: int) -> tuple[QTransform, bool]:
        """Pixel → plan metres of scan ``fid``, and whether it is placed (else: beside the plan)."""
        return self._transforms[fid]

    def _beside_plan(self, scan: rasters.ScannedImage) -> QTransform:
        """Right of the plan's own features (the base map may run for kilometres), as tall as they are."""
        plan = self.view.plan
        geoms = [f.geometry for layer in EDITABLE_LAYERS for f in plan.features(layer, self.view.scenario)]
        bounds = tuple(float(v) for v in shapely.total_bounds(geoms)) if geoms else self.view.plan_extent()
        x0, y0, x1, y1 = bounds or (0.0, 0.0, 1000.0, 1000.0)
        s = max(y1 - y0, x1 - x0, 1.0) / max(scan.height, scan.width, 1)
        return QTransform(s, 0, 0, -s, x1 + UNPLACED_GAP * (x1 - x0), y1)

    def paint(self, painter: QPainter, area: QRectF, scale: float) -> None:
        painter.setRenderHint(QPainter.Antialiasing, False)  # antialiased image edges show seams between tiles
        painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
        base = painter.transform()
        for scan in self._images:
            if scan.fid in self.hidden:
                continue
            transform, placed = self._transforms[scan.fid]
            opacity = scan.opacity
            if scan.fid in self._previews:
                transform, opacity = self._previews[scan.fid]
                if transform is None:
                    continue
                placed = True
            inverse, invertible = transform.inverted()
            if not invertible:
                continue
            metres_per_px = math.sqrt(abs(transform.determinant()))
            screen_per_px = metres_per_px * scale
            level = 0 if screen_per_px >= 1 else min(int(math.floor(math.log2(1 / screen_per_px))), scan.levels - 1)
            level = max(level, 0)
            f, ts = 2 ** level, scan.tile_size
            pixels = inverse.mapRect(area).intersected(QRectF(0, 0, scan.width, scan.height))
            if pixels.isEmpty():
                continue
            painter.setTransform(transform * base)
            painter.setOpacity(opacity)
            step = ts * f
            for row in range(int(pixels.top() // step), int(math.ceil(pixels.bottom() / step))):
                for col in range(int(pixels.left() // step), int(math.ceil(pixels.right() / step))):
                    tile = self._cache.get((scan.fid, level, col, row),
                                           lambda: rasters.image_tile(self.view.plan, scan.fid, level, col, row))
                    if not tile.isNull():
                        painter.drawImage(QRectF(col * step, row * step, tile.width() * f, tile.height() * f), tile)
            painter.setOpacity(1.0)
            if not placed:
                self._hint(painter, transform * base, scan)
        painter.setTransform(base)

    def _hint(self, painter: QPainter, to_device: QTransform, scan) -> None:
        """The un-placed scan says so above its top-left corner, in screen pixels."""
        corner = to_device.map(QPointF(0, 0))
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPointSizeF(11)
        font.setBold(True)
        painter.setFont(font)
        text = i18n.pick(*rasters.UNPLACED_HINT)
        box = painter.fontMetrics().boundingRect(text).adjusted(-6, -4, 6, 4)
        box.moveBottomLeft(QPointF(corner.x(), corner.y() - 4).toPoint())
        painter.fillRect(box, QColor(255, 248, 220, 235))
        painter.setPen(QPen(QColor("#b35c00")))
        painter.drawRect(box)
        painter.drawText(box, Qt.AlignCenter, text)
        painter.restore()


class OfflineTiles(PaintedLayer):
    """Imported tile packages (MBTiles), reprojected on the fly to the plan's CRS at the zoom that
    matches the view's scale."""

    def __init__(self, view, layer: str):
        super().__init__(view, layer)
        self._sets: list[rasters.TileSet] = []
        self.hidden: set[int] = set()  # packages the planner unticked in the layers panel (not stored)
        self._cache = _Decoded(MAP_CACHE_TILES)
        self._corners: dict[tuple, QTransform] = {}

    def load(self, features) -> None:
        plan = self.view.plan
        self._sets = rasters.tile_sets(plan) if plan is not None else []
        self._cache.clear()
        self._corners.clear()
        self.view.map_changed()

    def update(self, fid: int, feature) -> None:
        self.load([])

    def fids(self) -> list[int]:
        return [s.fid for s in self._sets]

    def tile_sets(self) -> list[rasters.TileSet]:
        return list(self._sets)

    def paint(self, painter: QPainter, area: QRectF, scale: float) -> None:
        if not self._sets:
            return
        epsg = self.view.plan.epsg
        to_lonlat = crs_mod.transformer(epsg, crs_mod.WGS84)
        xs = [area.left(), area.right(), area.left(), area.right(), area.center().x()]
        ys = [area.top(), area.top(), area.bottom(), area.bottom(), area.center().y()]
        lon, lat = to_lonlat.transform(xs, ys)
        box = (min(lon[:4]), min(lat[:4]), max(lon[:4]), max(lat[:4]))
        painter.setRenderHint(QPainter.Antialiasing, False)
        painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
        base = painter.transform()
        for tiles in self._sets:
            if tiles.fid in self.hidden:
                continue
            zoom = zoom_for_scale(scale, lat[4], tiles.zooms)
            x0, y0, x1, y1 = tile_range(zoom, *box)
            if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES_IN_VIEW:
                continue
            painter.setOpacity(tiles.opacity)
            for y in range(y0, y1 + 1):
                for x in range(x0, x1 + 1):
                    row = tiles.tiles.get((zoom, x, y))
                    if row is None:
                        continue
                    tile = self._cache.get((tiles.fid, zoom, x, y), lambda: rasters.tile_data(self.view.plan, row))
                    if tile.isNull():
                        continue
                    painter.setTransform(self._tile_transform(zoom, x, y, epsg, tile.width(), tile.height()) * base)
                    painter.drawImage(QPointF(0, 0), tile)
            painter.setOpacity(1.0)
        painter.setTransform(base)

    def _tile_transform(self, zoom: int, x: int, y: int, epsg: int, w: int, h: int) -> QTransform:
        """Tile pixels → plan metres: the affine map through the tile's NW, NE and SW corners."""
        key = (zoom, x, y, epsg, w, h)
        found = self._corners.get(key)
        if found is None:
            (ax, ay), (bx, by), (cx, cy) = tile_corners(zoom, x, y, epsg)
            found = self._corners[key] = QTransform((bx - ax) / w, (by - ay) / w, (cx - ax) / h, (cy - ay) / h, ax, ay)
        return found


__all__ = ["ScannedPlans", "OfflineTiles", "placement_transform", "set_hidden"]

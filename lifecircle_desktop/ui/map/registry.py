"""Which layer view draws which layer of the plan: the one place a new kind of layer is added.

A raster base map (a scanned plan, MBTiles) is one ``PaintedLayer`` subclass whose ``load`` reads
its image from ``view.plan`` and whose ``paint`` draws it into the map image, plus one line here;
comment pins with their own look are one ``PointLayer`` subclass and one line. The map view builds
a view per entry and treats them all alike (a name that is not a feature layer of the schema gets
``load([])``: it reads what it needs from the plan); where it stacks is its ``styles.LAYER_Z``.
"""
from __future__ import annotations

from ...model.schema import (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, COMMENTS,
                             ENTRANCES, FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK)
from .basemap import BaseMapAreas, BaseMapRoads
from .layers import CommentLayer, LayerView, LineLayer, PointLayer, PolygonLayer
from ...model.schema import BASEMAP_CAD  # CAD drawings (issue 14)
from .basemap import BaseMapCad
from .raster import OfflineTiles, ScannedPlans

LAYER_VIEWS: dict[str, type[LayerView]] = {
    BASEMAP_LANDUSE: BaseMapAreas,
    BASEMAP_WATER: BaseMapAreas,
    BASEMAP_BUILDINGS: BaseMapAreas,
    BASEMAP_ROADS: BaseMapRoads,
    PLANNING_UNITS: PolygonLayer,
    RESIDENTIAL: PolygonLayer,
    WALK_NETWORK: LineLayer,
    FACILITIES: PolygonLayer,
    STOPS: PointLayer,
    ENTRANCES: PointLayer,
    COMMENTS: CommentLayer,  # numbered pins coloured by status (issue 13)
    BASEMAP_CAD: BaseMapCad,
    "basemap_tiles": OfflineTiles, "basemap_images": ScannedPlans,  # model/rasters.TILES, IMAGES
}

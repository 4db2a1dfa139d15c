"""Importers and exporters: OpenStreetMap (.osm, .osm.pbf) and GeoJSON (docs/import.md)."""
from .geojson import export_geojson, import_geojson
from .osm import DEFAULTS, OSM_CREDIT, Estimates, import_osm, import_osm_new, is_walkable
from .osm_reader import MAX_VERTICES, OsmData, read_osm

__all__ = ["import_osm", "import_osm_new", "import_geojson", "export_geojson", "read_osm", "OsmData",
           "Estimates", "DEFAULTS", "OSM_CREDIT", "MAX_VERTICES", "is_walkable"]

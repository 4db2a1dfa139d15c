"""Importing OpenStreetMap data (.osm XML, .osm.pbf) into a plan (design.md §2, §4, §9).

What goes where (docs/import.md says it for planners, in Chinese and English):

- ``walk_network``: every way a pedestrian may use — osmnx 2.x's ``walk`` filter, so that the
  benchmark peer (osmnx ``graph_from_xml``) sees the same ways. One feature per way, never split;
  ``node_ids`` keeps the OSM node id of every vertex, which is where the walking graph's topology
  comes from.
- ``residential`` (homes, estimated): residential compounds (``landuse=residential``, 小区) and
  residential buildings outside any compound. A compound's households are the sum of the
  residential buildings mapped inside it (those buildings then stay on the base map, so nothing
  is counted twice); a compound with no building mapped is estimated from its area and a default
  floor-area ratio. See ``Estimates`` for the numbers and their reasons.
- ``facilities`` and ``stops``: objects whose tags match a catalogue type (``osm_mapping.OsmRules``: the most
  specific entry first; a school's level and a statue named as a park are read from the name first); point
  types (bus stop, metro station) become stops.
- ``entrances``: gates and entrances, attached to the home or facility they open.
- ``basemap_*``: other buildings, land use, water and named roads, read-only.

Everything is written in one transaction (design.md §2): any error or a cancel leaves the plan file
as it was. Geometry is built with array-based shapely and projected with pyproj on numpy arrays;
the per-feature Python work left is the plan's own bulk insert.
"""
from __future__ import annotations

import math
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from .. import crs as crs_mod
from ..catalogue import Catalogue, load_catalogue
from ..errors import PlanError
from ..gc_pause import no_gc
from ..store import remove_plan_file
from . import _common
from .osm_mapping import OsmRules
from .osm_reader import MAX_VERTICES, OsmData, Progress, check_progress, read_osm

OSM_CREDIT = "© OpenStreetMap contributors, ODbL 1.0"

# --- what counts as what --------------------------------------------------------------------

# osmnx 2.x `_get_network_filter("walk")`: ["highway"]["area"!~"yes"]["access"!~"private"]
# ["highway"!~"abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|proposed|
# raceway|razed"]["foot"!~"no"]["service"!~"private"]. Overpass `!~` is an unanchored regex
# search, so "motor" also drops motorway and motorway_link; we match the same way.
WALK_EXCLUDED_HIGHWAY = re.compile("abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|"
                                   "proposed|raceway|razed")
WALK_EXCLUDED_TAGS = (("area", re.compile("yes")), ("access", re.compile("private")),
                      ("foot", re.compile("no")), ("service", re.compile("private")))

# Buildings that are homes wherever they stand (OSM wiki, "Key:building", accommodation values).
HOME_BUILDINGS = frozenset({"apartments", "residential", "house", "detached", "semidetached_house", "terrace",
                            "dormitory", "bungalow"})
# Inside a residential compound an untyped building (building=yes) is taken as a home too: the
# Siping README's rule, and how Chinese compounds are usually mapped.
HOME_IN_COMPOUND = frozenset({"yes"})
GATE_BARRIERS = frozenset({"gate", "lift_gate", "swing_gate", "sliding_gate"})
WATER_LANDUSE = frozenset({"reservoir", "basin"})
WATER_POLYGON_WATERWAYS = frozenset({"riverbank", "dock", "boatyard"})
WATER_LINE_NATURAL = frozenset({"coastline"})


@dataclass(frozen=True)
class Estimates:
    """Defaults for estimating homes from OSM footprints (docs/import.md explains each).

    households = footprint area × floors ÷ ``floor_area_per_household`` (at least 1 per building);
    a compound without mapped buildings: area × ``compound_far`` ÷ ``floor_area_per_household``;
    population = households × ``household_size``.
    """
    # Gross floor area per home, m². Shanghai's urban housing floor area is ≈ 37 m² per person
    # (建筑面积, shared parts included) × 2.3 persons ≈ 85–90 m² gross per household.
    floor_area_per_household: float = 90.0
    # Persons per household: Shanghai's 2020 census gives ≈ 2.3 (Beijing is similar).
    household_size: float = 2.3
    # Floor-area ratio (容积率) assumed for a compound whose buildings are not mapped: typical of
    # the 5–6-storey 新村 blocks of 1950s–1990s Shanghai, which most unmapped compounds are.
    compound_far: float = 1.5
    # A compound whose mapped homes cover less than this share of its area is taken as partly
    # mapped (OSM often has a few blocks of a large 新村): its households are then the larger of
    # the mapped buildings' sum and the area × FAR estimate. Built-out compounds cover 20–35 %.
    mapped_coverage: float = 0.10
    # Floors assumed when building:levels is missing, per building kind.
    default_levels: dict = field(default_factory=lambda: {
        "apartments": 6, "residential": 6, "dormitory": 5, "yes": 6, "terrace": 3,
        "house": 2, "detached": 2, "semidetached_house": 2, "bungalow": 1})
    # A facility mapped as a point, outside any building it could take, gets a square footprint
    # of this side (m): 12 × 12 = 144 m², the size of a typical street-front shop or clinic unit.
    poi_square_m: float = 12.0
    # An entrance belongs to the home or facility whose outline is within this distance (m).
    entrance_snap_m: float = 5.0


DEFAULTS = Estimates()


def is_walkable(tags: dict) -> bool:
    """osmnx 2.x's ``walk`` network filter on one way's tags."""
    hw = tags.get("highway")
    if hw is None or WALK_EXCLUDED_HIGHWAY.search(hw):
        return False
    for key, pattern in WALK_EXCLUDED_TAGS:
        value = tags.get(key)
        if value is not None and pattern.search(value):
            return False
    return True


def parse_levels(value) -> float | None:
    """building:levels → floors ("6", "5.5", "6;7" → first number); None if unusable."""
    if not value:
        return None
    m = re.search(r"\d+(?:\.\d+)?", str(value))
    if not m:
        return None
    v = float(m.group(0))
    return v if 0 < v <= 200 else None


def _name(tags: dict) -> str:
    return tags.get("name") or tags.get("name:zh") or tags.get("name:en") or ""


# --- the build: OsmData -> rows per layer -----------------------------------------------------
class OsmBuild:
    """Turn ``OsmData`` into rows (geometry, attributes) per layer, in plan CRS ``epsg``."""

    def __init__(self, data: OsmData, epsg: int, catalogue: Catalogue, estimates: Estimates = DEFAULTS,
                 progress: Progress | None = None):
        self.data = data
        self.epsg = epsg
        self.rules = OsmRules(catalogue)
        self.estimates = estimates
        self.progress = progress
        self.skipped: Counter = Counter()
        self.repaired: Counter = Counter()
        self.rows: dict[str, list] = {}
        self._entrance_nodes: tuple = ([], np.empty(0, dtype=object))
        self._entrance_owner: list[tuple[str, int]] = []  # (layer, row index) per entrance row

    def _step(self, fraction: float, message: str) -> None:
        check_progress(self.progress, 0.4 + 0.3 * fraction, message)

    # --- coordinates ------------------------------------------------------------------------
    def _project(self) -> None:
        data = self.data
        x, y = crs_mod.transformer(crs_mod.WGS84, self.epsg).transform(data.lon, data.lat)
        self.xy = np.column_stack([x, y])
        bad = ~np.isfinite(self.xy).all(axis=1)
        if bad.any():
            nid = int(data.node_ids[np.flatnonzero(bad)[0]])
            raise PlanError(f"节点 {nid} 无法投影到规划坐标系 EPSG:{self.epsg}",
                            f"node {nid} cannot be projected to the plan's CRS EPSG:{self.epsg}")
        # Every way node as an index into the node arrays; -1 where the node is not in the file.
        refs = data.way_refs
        if len(data.node_ids):
            pos = np.minimum(np.searchsorted(data.node_ids, refs), len(data.node_ids) - 1)
            found = data.node_ids[pos] == refs
        else:
            pos, found = np.zeros(len(refs), np.int64), np.zeros(len(refs), bool)
        self.ref_node = np.where(found, pos, -1)
        lengths = data.way_lengths
        way_of_ref = np.repeat(np.arange(len(data.way_ids)), lengths)
        self.way_missing = np.bincount(way_of_ref[~found], minlength=len(data.way_ids)) > 0
        first, last = data.way_offsets[:-1], data.way_offsets[1:] - 1
        nonempty = lengths > 0
        self.way_closed = np.zeros(len(data.way_ids), bool)
        self.way_closed[nonempty] = (lengths[nonempty] >= 4) & (refs[first[nonempty]] == refs[last[nonempty]])
        self.way_pos = {int(w): i for i, w in enumerate(data.way_ids)}

    def _require_nodes(self, ways) -> None:
        """A way we use must have all its nodes: name the first one that does not."""
        ways = np.asarray(ways, dtype=np.int64)
        if len(ways) == 0:
            return
        bad = ways[self.way_missing[ways]]
        if len(bad):
            w = int(bad[0])
            a, b = self.data.way_offsets[w], self.data.way_offsets[w + 1]
            missing = self.data.way_refs[a:b][self.ref_node[a:b] < 0]
            raise PlanError(f"路径 {self.data.way_ids[w]} 引用了文件中没有的节点 {missing[0]}",
                            f"way {self.data.way_ids[w]} refers to node {missing[0]}, which is not in the file")

    def _gather(self, ways: np.ndarray):
        """Coordinates of ``ways`` concatenated, with the position of each coordinate's way."""
        off = self.data.way_offsets
        starts, lengths = off[ways], off[ways + 1] - off[ways]
        total = int(lengths.sum())
        base = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        idx = base + np.arange(total)
        return self.xy[self.ref_node[idx]], np.repeat(np.arange(len(ways)), lengths)

    def _node_id_strings(self, ways: np.ndarray) -> list[str]:
        """'id id id' per way, cut from one joined string (no per-node Python work)."""
        if len(ways) == 0:
            return []
        off = self.data.way_offsets
        lengths = off[ways + 1] - off[ways]
        idx = np.repeat(off[ways] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        text = self.data.way_refs[idx].astype(str)
        widths = np.char.str_len(text) + 1  # each id and its separating space
        ends = np.cumsum(widths)
        joined = " ".join(text.tolist())
        stop = ends[np.cumsum(lengths) - 1] - 1
        start = np.concatenate([[0], ends[np.cumsum(lengths)[:-1] - 1]])
        return [joined[a:b] for a, b in zip(start.tolist(), stop.tolist())]

    def _lines(self, ways: np.ndarray) -> np.ndarray:
        """LineStrings of ``ways`` (None where a way has fewer than 2 distinct points, counted)."""
        out = np.full(len(ways), None, dtype=object)
        if len(ways) == 0:
            return out
        lengths = self.data.way_offsets[ways + 1] - self.data.way_offsets[ways]
        ok = lengths >= 2
        coords, part = self._gather(ways[ok])
        lines = shapely.linestrings(coords, indices=part)
        good = shapely.length(lines) > 0
        sub = np.flatnonzero(ok)
        out[sub[good]] = lines[good]
        self.skipped["degenerate line (fewer than 2 distinct points)"] += int(len(ways) - good.sum())
        return out

    def _way_polygons(self, ways: np.ndarray) -> np.ndarray:
        """Polygons of closed ``ways``, repaired or None (counted) where unusable."""
        if len(ways) == 0:
            return np.empty(0, dtype=object)
        coords, part = self._gather(ways)
        polys = shapely.polygons(shapely.linearrings(coords, indices=part))
        return self._clean(polys)

    def _clean(self, polys: np.ndarray) -> np.ndarray:
        """OSM polygons as the plan accepts them: invalid ones repaired by make_valid when that
        gives exactly one polygon, else dropped; zero-area ones dropped. Every drop is counted."""
        polys = np.asarray(polys, dtype=object).copy()
        if len(polys) == 0:
            return polys
        valid = shapely.is_valid(polys)
        for i in np.flatnonzero(~valid):
            if _tangled(polys[i]):
                polys[i] = None
                self.skipped[f"invalid polygon too tangled to repair (edges cross more than {MAX_REPAIR_CROSSINGS} times)"] += 1
                continue
            fixed = shapely.make_valid(polys[i])
            parts = [g for g in shapely.get_parts(fixed) if g.geom_type == "Polygon" and g.area > 1e-6] \
                if fixed is not None else []
            if len(parts) == 1:
                polys[i] = parts[0]
                self.repaired["invalid polygon repaired"] += 1
            else:
                polys[i] = None
                self.skipped["invalid polygon (no single polygon after repair)"] += 1
        alive = np.array([g is not None for g in polys])
        area = np.zeros(len(polys))
        area[alive] = shapely.area(polys[alive])
        flat = alive & ~(area > 1e-6)
        polys[flat] = None
        self.skipped["zero-area polygon"] += int(flat.sum())
        return polys

    # --- multipolygon relations -------------------------------------------------------------
    def _relation_polygons(self, rel) -> list | None:
        """Polygon parts of a multipolygon relation (outer/inner rings joined from member ways)."""
        outer, inner = [], []
        for mtype, ref, role in rel.members:
            if mtype != "w":
                continue
            w = self.way_pos.get(ref)
            if w is None or self.way_missing[w]:
                self.skipped["multipolygon with member ways missing from the file"] += 1
                return None
            a, b = self.data.way_offsets[w], self.data.way_offsets[w + 1]
            (inner if role == "inner" else outer).append(self.data.way_refs[a:b].tolist())
        if not outer:
            self.skipped["multipolygon without an outer ring"] += 1
            return None
        rings_o, rings_i = _join_rings(outer), _join_rings(inner)
        if rings_o is None or rings_i is None:
            self.skipped["multipolygon whose rings do not close"] += 1
            return None
        if sum(len(r) for r in rings_o + rings_i) > MAX_VERTICES:
            raise PlanError(f"多边形关系 {rel.id} 的顶点超过 {MAX_VERTICES:,} 个（每个要素的上限）",
                            f"multipolygon relation {rel.id} has more than {MAX_VERTICES:,} vertices, the limit per feature")

        def ring_xy(ids):
            pos = np.searchsorted(self.data.node_ids, np.asarray(ids, dtype=np.int64))
            return self.xy[pos]

        outers = [shapely.Polygon(ring_xy(r)) for r in rings_o]
        holes: list[list] = [[] for _ in outers]
        areas = [o.area for o in outers]
        for r in rings_i:
            ring = shapely.Polygon(ring_xy(r))
            probe = ring.representative_point()
            hosts = [k for k, o in enumerate(outers) if o.contains(probe)]
            if hosts:
                holes[min(hosts, key=lambda k: areas[k])].append(ring.exterior.coords)
            else:
                self.skipped["multipolygon inner ring outside every outer ring"] += 1
        return [shapely.Polygon(o.exterior.coords, h) for o, h in zip(outers, holes)]

    # --- classification ---------------------------------------------------------------------
    def _classify(self, tags: dict, closed: bool, relation: bool = False) -> dict:
        """The roles an OSM way/relation plays, from its tags."""
        roles: dict = {}
        if not tags:
            return roles
        code = None if self.rules.keys.isdisjoint(tags) else self.rules.match(tags)
        if code is not None:
            if self.rules.is_point(code):
                roles["stop"] = code
            elif closed:
                roles["facility"] = code
            else:
                self.skipped["facility mapped as an open line"] += 1
        hw = tags.get("highway")
        if hw is not None and not relation:
            if is_walkable(tags):
                roles["walk"] = True
            if tags.get("name"):
                roles["road"] = hw
        if not closed:
            ww, nat = tags.get("waterway"), tags.get("natural")
            if ww is not None and not relation:
                roles["water_line"] = ww
            elif nat in WATER_LINE_NATURAL and not relation:
                roles["water_line"] = nat
            elif hw is None and (tags.get("building", "no") != "no" or tags.get("landuse")):
                self.skipped["building or land use mapped as an open line"] += 1
            return roles
        if hw is not None and tags.get("area") != "yes" and not relation:
            return roles  # a closed highway (roundabout, loop) is a line, not an area
        building = tags.get("building")
        if building and building != "no" and "facility" not in roles:
            roles["building"] = building
        landuse, natural, leisure, ww = tags.get("landuse"), tags.get("natural"), tags.get("leisure"), tags.get("waterway")
        if landuse == "residential":
            roles["compound"] = True
        elif natural == "water" or landuse in WATER_LANDUSE or ww in WATER_POLYGON_WATERWAYS:
            roles["water"] = tags.get("water") or natural or landuse or ww
        elif ww is not None and not relation:
            roles["water_line"] = ww  # a closed ditch or canal loop is still a line
        elif "facility" not in roles and "building" not in roles:
            # A school no facility type took (its level unknown, or a university's) stays on the base map.
            kind = landuse or (leisure and f"leisure={leisure}") or (natural and f"natural={natural}") or \
                (tags.get("amenity") == "school" and "amenity=school")
            if kind:
                roles["landuse"] = kind
        return roles

    def _classify_same_tags(self):
        """``_classify`` for ways, once per distinct set of tags: the ways of one street, and the
        unnamed footways of a whole district, carry the same tags (10^5 ways, a few thousand
        sets). The counts a classification adds to the summary are added again on every reuse."""
        known: dict = {}
        skipped, not_counted = self.skipped, self.rules.not_counted

        def classify(tags: dict, closed: bool) -> dict:
            key = (closed, *tags.items())
            hit = known.get(key)
            if hit is None:
                self.skipped, self.rules.not_counted = Counter(), Counter()
                try:
                    roles = self._classify(tags, closed)
                    hit = known[key] = (roles, self.skipped, self.rules.not_counted)
                finally:
                    self.skipped, self.rules.not_counted = skipped, not_counted
            roles, more_skipped, more_not_counted = hit
            if more_skipped:
                skipped.update(more_skipped)
            if more_not_counted:
                not_counted.update(more_not_counted)
            return roles
        return classify

    # --- the whole build --------------------------------------------------------------------
    def run(self) -> dict[str, list]:
        data = self.data
        if not hasattr(self, "xy"):
            self._project()
        self._step(0.1, "classifying")
        classify = self._classify_same_tags()
        way_roles = [classify(t, closed) if t else {} for t, closed in zip(data.way_tags, self.way_closed.tolist())]

        used = [i for i, r in enumerate(way_roles) if r]
        self._require_nodes(used)

        # Lines: walking network, named roads, waterways, point objects mapped as lines.
        walk = np.array([i for i in used if "walk" in way_roles[i]], dtype=np.int64)
        road = np.array([i for i in used if "road" in way_roles[i]], dtype=np.int64)
        water_lines = np.array([i for i in used if "water_line" in way_roles[i]], dtype=np.int64)
        line_stops = np.array([i for i in used if "stop" in way_roles[i] and not self.way_closed[i]], dtype=np.int64)
        self._step(0.3, "building lines")
        line_of = {}
        need_lines = np.unique(np.concatenate([walk, road, water_lines, line_stops]))
        for i, g in zip(need_lines.tolist(), self._lines(need_lines)):
            line_of[i] = g

        # Polygons: closed ways with a polygon role, then multipolygon relations.
        poly_roles = ("facility", "building", "compound", "water", "landuse", "stop")
        polygon_ways = np.array([i for i in used if self.way_closed[i] and any(k in way_roles[i] for k in poly_roles)],
                         dtype=np.int64)
        self._step(0.45, "building polygons")
        objects: list[tuple[str, dict, dict]] = []  # (osm_id, tags, roles) of each polygonal object
        geometry_of_part: list = []  # one entry per polygon part …
        object_of_part: list[int] = []  # … and the object it belongs to
        for i, g in zip(polygon_ways.tolist(), self._way_polygons(polygon_ways)):
            objects.append((f"way/{data.way_ids[i]}", data.way_tags[i], way_roles[i]))
            if g is not None:
                geometry_of_part.append(g)
                object_of_part.append(len(objects) - 1)
        for rel in data.relations:
            if rel.tags.get("type") != "multipolygon":
                continue
            roles = self._classify(rel.tags, True, relation=True)
            if not roles:
                continue
            parts = self._relation_polygons(rel)
            if parts is None:
                continue
            objects.append((f"relation/{rel.id}", rel.tags, roles))
            for g in self._clean(np.array(parts + [None], dtype=object)[:-1]):
                if g is not None:
                    geometry_of_part.append(g)
                    object_of_part.append(len(objects) - 1)
        part_geometry = np.array(geometry_of_part + [None], dtype=object)[:-1]  # (the None keeps numpy from unpacking)
        part_object = np.array(object_of_part, dtype=np.int64)
        part_area = shapely.area(part_geometry) if len(part_geometry) else np.zeros(0)

        def parts_with(role):
            return np.array([k for k, o in enumerate(part_object.tolist()) if role in objects[o][2]], dtype=np.int64)

        self._step(0.6, "estimating homes")
        rows = {name: [] for name in ("walk_network", "residential", "facilities", "stops", "entrances",
                                      "basemap_buildings", "basemap_landuse", "basemap_water", "basemap_roads")}

        # --- walking network and lines ---
        for i, ids in zip(walk.tolist(), self._node_id_strings(walk)):
            g = line_of.get(i)
            if g is None:
                continue
            t = data.way_tags[i]
            rows["walk_network"].append((g, {
                "class": t["highway"], "name": _name(t), "walkable": True, "closed": False, "source": "osm",
                "osm_id": f"way/{data.way_ids[i]}", "node_ids": ids}))
        for i in road.tolist():
            g = line_of.get(i)
            if g is not None:
                rows["basemap_roads"].append((g, {"kind": data.way_tags[i]["highway"], "name": _name(data.way_tags[i]),
                                                  "osm_id": f"way/{data.way_ids[i]}"}))
        for i in water_lines.tolist():
            g = line_of.get(i)
            if g is not None:
                rows["basemap_water"].append((g, {"kind": way_roles[i]["water_line"], "name": _name(data.way_tags[i]),
                                                  "osm_id": f"way/{data.way_ids[i]}"}))

        # --- facilities from polygons (largest part of a multipart object) ---
        facility_parts = parts_with("facility")
        best_part: dict[int, int] = {}
        for k in facility_parts.tolist():
            o = int(part_object[k])
            if o not in best_part or part_area[k] > part_area[best_part[o]]:
                best_part[o] = k
        self.skipped["facility part (only the largest part of a multipolygon is kept)"] += len(facility_parts) - len(best_part)
        facility_rows: list = []  # (geometry, attrs)
        facility_types: list = []
        for o, k in best_part.items():
            osm_id, tags, roles = objects[o]
            facility_rows.append((part_geometry[k], self._facility_attrs(roles["facility"], tags, osm_id)))
            facility_types.append(roles["facility"])

        # --- stops from polygons/lines (centroid / middle) ---
        stop_rows: list = []
        stop_polys: list = []
        seen_stop_obj = set()
        for k in parts_with("stop").tolist():
            o = int(part_object[k])
            if o in seen_stop_obj:
                continue
            seen_stop_obj.add(o)
            osm_id, tags, roles = objects[o]
            stop_rows.append((part_geometry[k].centroid, {"type": roles["stop"], "name": _name(tags), "source": "osm",
                                                  "osm_id": osm_id}))
            stop_polys.append((part_geometry[k], roles["stop"]))
        for i in line_stops.tolist():
            g = line_of.get(i)
            if g is not None:
                t = data.way_tags[i]
                stop_rows.append((g.interpolate(0.5, normalized=True), {
                    "type": way_roles[i]["stop"], "name": _name(t), "source": "osm", "osm_id": f"way/{data.way_ids[i]}"}))

        # --- buildings and homes ---
        building_parts = parts_with("building")
        compound_parts = parts_with("compound")
        home_rows, base_buildings = self._homes(building_parts, compound_parts, part_geometry, part_object, part_area, objects)
        rows["residential"] = home_rows

        # --- point objects: facilities, stops, entrances ---
        self._step(0.8, "placing points")
        self._nodes(rows, facility_rows, facility_types, stop_rows, stop_polys, building_parts, part_geometry, part_object, objects)
        rows["facilities"] = facility_rows
        rows["stops"] = stop_rows
        rows["basemap_buildings"] = base_buildings

        # --- land use and water polygons ---
        for k in parts_with("landuse").tolist():
            osm_id, tags, roles = objects[int(part_object[k])]
            rows["basemap_landuse"].append((part_geometry[k], {"kind": roles["landuse"], "name": _name(tags), "osm_id": osm_id}))
        for k in parts_with("water").tolist():
            osm_id, tags, roles = objects[int(part_object[k])]
            rows["basemap_water"].append((part_geometry[k], {"kind": roles["water"], "name": _name(tags), "osm_id": osm_id}))

        self._entrances(rows)
        self.skipped.update(self.rules.not_counted)
        self._step(1.0, "ready to write")
        self.rows = rows
        return rows

    def _facility_attrs(self, code: str, tags: dict, osm_id: str, levels_from: dict | None = None) -> dict:
        levels = parse_levels(tags.get("building:levels")) or (parse_levels((levels_from or {}).get("building:levels")))
        return {"type": code, "name": _name(tags), "floors": int(round(levels)) if levels else None,
                "status": "existing", "source": "osm", "osm_id": osm_id}

    def _homes(self, building_parts, compound_parts, part_geometry, part_object, part_area, objects):
        """Residential rows (compounds and free-standing residential buildings) and base-map
        building rows. A building belongs to the smallest compound containing its inner point."""
        estimates = self.estimates
        nb, nc = len(building_parts), len(compound_parts)
        bgeom, cgeom = part_geometry[building_parts], part_geometry[compound_parts]
        barea, carea = part_area[building_parts], part_area[compound_parts]
        bkind = [objects[int(part_object[k])][2]["building"] for k in building_parts.tolist()]
        btags = [objects[int(part_object[k])][1] for k in building_parts.tolist()]
        owner = np.full(nb, -1, dtype=np.int64)
        if nb and nc:
            tree = shapely.STRtree(cgeom)
            bi, ci = tree.query(shapely.point_on_surface(bgeom), predicate="within")
            if len(bi):
                order = np.lexsort((carea[ci], bi))  # per building, smallest compound first
                bi, ci = bi[order], ci[order]
                first = np.ones(len(bi), bool)
                first[1:] = bi[1:] != bi[:-1]
                owner[bi[first]] = ci[first]
        tag_levels = np.array([parse_levels(t.get("building:levels")) or np.nan for t in btags], dtype=float)
        is_home = np.array([k in HOME_BUILDINGS or (k in HOME_IN_COMPOUND and owner[j] >= 0)
                            for j, k in enumerate(bkind)], dtype=bool)
        default = np.array([estimates.default_levels.get(k, estimates.default_levels["yes"]) for k in bkind], dtype=float)
        levels = np.where(np.isnan(tag_levels), default, tag_levels)
        floor_area = barea * levels
        households = np.maximum(1.0, np.floor(floor_area / estimates.floor_area_per_household + 0.5))

        home_rows, base = [], []

        def home_attributes(name, household_count, floors, floor_area_m2, osm_id):
            return {"name": name, "households": float(household_count),
                    "population": round(float(household_count) * estimates.household_size, 1),
                    "floors": floors, "floor_area": round(float(floor_area_m2), 1), "source": "osm",
                    "estimated": True, "osm_id": osm_id}

        # Compounds: the sum of their home buildings, or area × FAR when none is mapped.
        in_home = is_home & (owner >= 0)
        compound_households = np.bincount(owner[in_home], weights=households[in_home], minlength=nc)
        compound_floor_area = np.bincount(owner[in_home], weights=floor_area[in_home], minlength=nc)
        compound_footprint = np.bincount(owner[in_home], weights=barea[in_home], minlength=nc)
        nested_area = self._nested_area(cgeom, carea)
        for j, k in enumerate(compound_parts.tolist()):
            osm_id, tags, _ = objects[int(part_object[k])]
            area = max(float(carea[j] - nested_area[j]), 0.0)
            far_floor_area = area * estimates.compound_far
            far_households = max(1.0, math.floor(far_floor_area / estimates.floor_area_per_household + 0.5))
            if compound_households[j] > 0 and compound_footprint[j] >= estimates.mapped_coverage * area:
                # Built out in OSM: the homes are its buildings.
                floors = int(round(float(np.median(levels[in_home & (owner == j)]))))
                home_rows.append((cgeom[j], home_attributes(_name(tags), compound_households[j], floors, compound_floor_area[j], osm_id)))
            elif compound_households[j] > far_households:
                # Partly mapped, but what is mapped already holds more than the FAR estimate.
                home_rows.append((cgeom[j], home_attributes(_name(tags), compound_households[j], None, compound_floor_area[j], osm_id)))
            else:
                home_rows.append((cgeom[j], home_attributes(_name(tags), far_households, None, far_floor_area, osm_id)))
        # Home buildings outside compounds are homes themselves; all others are base map.
        for j, k in enumerate(building_parts.tolist()):
            osm_id, tags, _ = objects[int(part_object[k])]
            if is_home[j] and owner[j] < 0:
                home_rows.append((bgeom[j], home_attributes(_name(tags), households[j], int(round(levels[j])),
                                                      floor_area[j], osm_id)))
            else:
                lv = tag_levels[j]
                base.append((bgeom[j], {"kind": bkind[j], "name": _name(tags) or None,
                                        "levels": None if np.isnan(lv) else float(lv), "osm_id": osm_id}))
        self._building_is_home = is_home
        return home_rows, base

    @staticmethod
    def _nested_area(cgeom, carea) -> np.ndarray:
        """Area of the compounds nested inside each compound (counted once, by the inner one)."""
        out = np.zeros(len(cgeom))
        if len(cgeom) < 2:
            return out
        tree = shapely.STRtree(cgeom)
        inner, outer = tree.query(shapely.point_on_surface(cgeom), predicate="within")
        keep = (inner != outer) & (carea[outer] > carea[inner])
        for i, o in zip(inner[keep].tolist(), outer[keep].tolist()):
            out[o] += shapely.area(shapely.intersection(cgeom[i], cgeom[o]))
        return out

    def _nodes(self, rows, facility_rows, facility_types, stop_rows, stop_polys, building_parts, part_geometry, part_object, objects) -> None:
        """Tagged nodes: facilities (building footprint or a square), stops, entrances."""
        data = self.data
        estimates = self.estimates
        facility_nodes, stop_nodes, entrance_nodes = [], [], []
        for nid, tags in data.node_tags.items():
            code = self.rules.match(tags)
            if code is not None:
                (stop_nodes if self.rules.is_point(code) else facility_nodes).append((nid, tags, code))
            if tags.get("barrier") in GATE_BARRIERS or "entrance" in tags:
                entrance_nodes.append((nid, tags))

        def points(items):
            ids = np.array([it[0] for it in items], dtype=np.int64)
            pos = np.searchsorted(data.node_ids, ids) if len(ids) else ids
            return shapely.points(self.xy[pos]) if len(ids) else np.empty(0, dtype=object)

        # Stops: one per node, unless the same stop is also mapped as an area around it.
        spts = points(stop_nodes)
        dup = np.zeros(len(stop_nodes), bool)
        if len(stop_polys) and len(spts):
            sp_geom = np.array([g for g, _ in stop_polys] + [None], dtype=object)[:-1]
            ni, pi = shapely.STRtree(sp_geom).query(spts, predicate="within")
            for a, b in zip(ni.tolist(), pi.tolist()):
                if stop_polys[b][1] == stop_nodes[a][2]:
                    dup[a] = True
        self.skipped["stop node inside the same stop mapped as an area"] += int(dup.sum())
        for (nid, tags, code), g, skip in zip(stop_nodes, spts, dup):
            if not skip:
                stop_rows.append((g, {"type": code, "name": _name(tags), "source": "osm", "osm_id": f"node/{nid}"}))

        # Facility nodes: dropped when inside a facility area of the same type (mapped twice);
        # else the footprint of the non-residential building holding only this one POI; else a square.
        fpts = points(facility_nodes)
        if len(facility_nodes):
            skip = np.zeros(len(facility_nodes), bool)
            if facility_rows:
                fgeom = np.array([g for g, _ in facility_rows] + [None], dtype=object)[:-1]
                ni, fi = shapely.STRtree(fgeom).query(fpts, predicate="within")
                for a, b in zip(ni.tolist(), fi.tolist()):
                    if facility_types[b] == facility_nodes[a][2]:
                        skip[a] = True
            self.skipped["facility node inside the same facility mapped as an area"] += int(skip.sum())
            host = np.full(len(facility_nodes), -1, dtype=np.int64)
            if len(building_parts):
                bgeom = part_geometry[building_parts]
                ni, bi = shapely.STRtree(bgeom).query(fpts, predicate="within")
                live = ~skip[ni]
                ni, bi = ni[live], bi[live]
                per_building = np.bincount(bi, minlength=len(building_parts))
                for a, b in zip(ni.tolist(), bi.tolist()):
                    if per_building[b] == 1 and not self._building_is_home[b]:
                        host[a] = b
            half = estimates.poi_square_m / 2
            for j, (nid, tags, code) in enumerate(facility_nodes):
                if skip[j]:
                    continue
                if host[j] >= 0:
                    k = int(building_parts[host[j]])
                    geom, btags = part_geometry[k], objects[int(part_object[k])][1]
                else:
                    x, y = fpts[j].x, fpts[j].y
                    geom, btags = shapely.box(x - half, y - half, x + half, y + half), None
                facility_rows.append((geom, self._facility_attrs(code, tags, f"node/{nid}", btags)))
                facility_types.append(code)
        self._entrance_nodes = (entrance_nodes, points(entrance_nodes))

    def _entrances(self, rows) -> None:
        """Each gate/entrance joins the home or facility whose outline is nearest, within 5 m
        (or that contains it); an entrance near none of them is not imported (counted)."""
        items, pts = self._entrance_nodes
        if not items:
            return
        owners = [("residential", i, g) for i, (g, _) in enumerate(rows["residential"])] + \
                 [("facilities", i, g) for i, (g, _) in enumerate(rows["facilities"])]
        choice = np.full(len(items), -1, dtype=np.int64)
        if owners:
            geoms = np.array([o[2] for o in owners] + [None], dtype=object)[:-1]
            pi, oi = shapely.STRtree(geoms).query(pts, predicate="dwithin", distance=self.estimates.entrance_snap_m)
            if len(pi):
                edge = shapely.distance(pts[pi], shapely.boundary(geoms[oi]))
                area = shapely.area(geoms[oi])
                order = np.lexsort((area, edge, pi))
                pi, oi = pi[order], oi[order]
                first = np.ones(len(pi), bool)
                first[1:] = pi[1:] != pi[:-1]
                choice[pi[first]] = oi[first]
        self.skipped["entrance not within 5 m of any home or facility"] += int((choice < 0).sum())
        self._entrance_owner = []
        for j, ((nid, tags), g) in enumerate(zip(items, pts)):
            if choice[j] < 0:
                continue
            layer, index, _ = owners[int(choice[j])]
            kind = "gate" if tags.get("barrier") in GATE_BARRIERS or tags.get("entrance") == "gate" else "door"
            is_open = not (tags.get("access") == "no" or tags.get("locked") == "yes")
            rows["entrances"].append((g, {"layer": layer, "feature": None, "kind": kind, "open": is_open,
                                          "name": _name(tags) or tags.get("ref") or "", "source": "osm",
                                          "osm_id": f"node/{nid}"}))
            self._entrance_owner.append((layer, index))


# GEOS's make_valid grows much faster than the number of edge crossings: a 101-point star (2,500
# crossings) took 11 s, a way looping one square 2,000 times 20 s and 3.2 GB. Real invalid OSM
# outlines (a bow tie, a ring touching itself) cross a handful of times.
MAX_REPAIR_CROSSINGS = 64
_CHUNK = 256  # edges queried at a time, so that counting stops early at a bounded cost


def _tangled(polygon) -> bool:
    """Whether ``polygon``'s edges cross or overlap each other more than MAX_REPAIR_CROSSINGS times."""
    edges = []
    for ring in shapely.get_rings(polygon):
        xy = shapely.get_coordinates(ring)
        edges.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
    edges = np.concatenate(edges)
    tree = shapely.STRtree(edges)
    # Every edge meets itself and its two neighbours at shared end points: 3 pairs it may have.
    allowed = 3 * len(edges) + 2 * MAX_REPAIR_CROSSINGS
    met = 0
    for start in range(0, len(edges), _CHUNK):
        met += len(tree.query(edges[start:start + _CHUNK], predicate="intersects")[0])
        if met > allowed:
            return True
    return False


def _join_rings(ways: list[list[int]]) -> list[list[int]] | None:
    """Join way node lists into closed rings by shared end nodes; None if a ring stays open."""
    rings, open_ = [], []
    for w in ways:
        if len(w) >= 4 and w[0] == w[-1]:
            rings.append(w)
        elif len(w) >= 2:
            open_.append(w)
    ends: dict[int, list[int]] = {}
    for k, w in enumerate(open_):
        ends.setdefault(w[0], []).append(k)
        ends.setdefault(w[-1], []).append(k)
    used = [False] * len(open_)
    for k in range(len(open_)):
        if used[k]:
            continue
        used[k] = True
        ring = list(open_[k])
        while ring[0] != ring[-1]:
            nxt = next((m for m in ends.get(ring[-1], ()) if not used[m]), None)
            if nxt is None:
                return None
            used[nxt] = True
            w = open_[nxt]
            ring.extend(w[1:] if w[0] == ring[-1] else w[-2::-1])
        if len(ring) < 4:
            return None
        rings.append(ring)
    return rings


# --- writing --------------------------------------------------------------------------------
WRITE_CHUNK = 100_000  # rows per insert
WRITE_ORDER = ("residential", "facilities", "stops", "entrances", "walk_network",
               "basemap_buildings", "basemap_landuse", "basemap_water", "basemap_roads")


def _data_centre(data: OsmData) -> tuple[float, float]:
    if data.bounds is not None:
        w, s, e, n = data.bounds
        return (w + e) / 2, (s + n) / 2
    if not len(data.lon):
        raise PlanError("OSM 文件中没有任何节点", "the OSM file holds no nodes")
    return float(np.median(data.lon)), float(np.median(data.lat))


def import_osm(plan, source, *, scenario: str = "base", progress: Progress | None = None,
               catalogue: Catalogue | None = None, estimates: Estimates = DEFAULTS,
               source_path: str | os.PathLike | None = None) -> dict:
    """Import an OSM file (path) or already read ``OsmData`` into ``plan``, in one transaction.

    Returns the summary: ``{"layers": {layer: count}, "skipped": {reason: count},
    "repaired": {reason: count}, "crs": "EPSG:…", "seconds": …}``. On any error — and on a
    cancel from ``progress`` (it returned False) — the plan and its file are left unchanged and a
    PlanError says what went wrong in one sentence.
    """
    with no_gc():
        return _import_osm(plan, source, scenario, progress, catalogue, estimates, source_path)


def _import_osm(plan, source, scenario, progress, catalogue, estimates, source_path) -> dict:
    t0 = time.perf_counter()
    path = Path(source) if not isinstance(source, OsmData) else (Path(source_path) if source_path else None)
    data = source if isinstance(source, OsmData) else read_osm(path, progress)
    if scenario not in {s.name for s in plan.scenarios()}:
        raise PlanError(f"没有方案 {scenario}", f"there is no scenario {scenario}")
    if not len(data.node_ids):
        raise PlanError("OSM 文件中没有任何节点", "the OSM file holds no nodes")
    catalogue = catalogue or load_catalogue()
    build = OsmBuild(data, plan.epsg, catalogue, estimates, progress)
    build._project()
    _common.check_near_plan(plan, build.xy[:, 0], build.xy[:, 1])
    rows = build.run()
    # Importing the same (or an overlapping) extract again adds nothing twice: an OSM object
    # already in the layer (and scenario) is kept as it is, and counted.
    existing = {layer: {f.get("osm_id"): f.fid for f in plan.features(layer, scenario) if f.get("osm_id")}
                for layer in WRITE_ORDER}
    keep = {layer: [existing[layer].get(a.get("osm_id")) is None for _g, a in rows[layer]] if existing[layer]
            else [True] * len(rows[layer]) for layer in WRITE_ORDER}  # a new plan has nothing to look up
    already = sum(len(k) - sum(k) for k in keep.values())
    if already:
        build.skipped["already in the plan (same OSM object)"] += already
    counts = {layer: sum(keep[layer]) for layer in WRITE_ORDER}
    check_progress(progress, 0.7, "writing the plan")
    with _common.one_transaction(plan) as db:
        fid_of: dict[str, list] = {}  # layer -> fid of each row, new or already there
        total = max(sum(counts.values()), 1)
        done = 0
        for layer in WRITE_ORDER:
            layer_rows = rows[layer]
            if layer == "entrances":
                layer_rows = [(g, {**a, "feature": fid_of[owner_layer][idx]})
                              for (g, a), (owner_layer, idx) in zip(layer_rows, build._entrance_owner)]
            new_rows = [r for r, k in zip(layer_rows, keep[layer]) if k]
            # In chunks: what one insert builds beside the rows (typed attributes, WKB, value
            # tuples) stays bounded for a district's 10^5-10^6 rows.
            bounds = shapely.total_bounds(np.array([g for g, _a in new_rows] + [None], dtype=object)[:-1]) \
                if new_rows else None
            with plan.store.inserting_in_bulk(layer, bounds):
                new_fids = iter([fid for start in range(0, len(new_rows), WRITE_CHUNK)
                                 for fid in plan.bulk_insert(layer, new_rows[start:start + WRITE_CHUNK], scenario, db=db)])
            fid_of[layer] = [next(new_fids) if k else existing[layer][a.get("osm_id")]
                             for (_g, a), k in zip(layer_rows, keep[layer])]
            done += len(new_rows)
            # The plan holds the rows now: their attribute dicts (10^5 of them for a district's
            # walking network) go before the next layer is written.
            rows[layer] = layer_rows = new_rows = None
            check_progress(progress, 0.7 + 0.29 * done / total, f"writing {layer}")
        plan.add_credit(OSM_CREDIT)  # ODbL 1.0: every map and report made from the data carries it
        plan.add_import(_common.import_record(path, data.format, counts, data_timestamp=data.timestamp,
                                              generator=data.generator, scenario=scenario) if path else
                        {"format": data.format, "counts": counts, "data_timestamp": data.timestamp})
        check_progress(progress, 1.0, "done")
    return {"layers": counts, "skipped": {k: v for k, v in build.skipped.items() if v},
            "repaired": {k: v for k, v in build.repaired.items() if v}, "crs": f"EPSG:{plan.epsg}",
            "seconds": round(time.perf_counter() - t0, 3)}


def import_osm_new(path: str | os.PathLike, out: str | os.PathLike, *, name: str | None = None,
                   kind: str = "existing", progress: Progress | None = None, catalogue: Catalogue | None = None,
                   estimates: Estimates = DEFAULTS, packs=None, district: str = "", subdistrict: str = ""):
    """Create plan ``out`` in the UTM zone of the data's centre and import ``path`` into it.
    ``name`` None: the place the data shows (``places.osm_place_name``), else the file's stem.
    ``packs`` None: the rule packs that apply at the data's centre (``places.packs_for_location``).

    The file is read before the plan is created, so a bad input creates nothing; if the import
    itself fails, the new plan file is removed. Returns ``(plan, summary)``.
    """
    from ..plan import Plan

    path, out = Path(path), Path(out)
    with no_gc():
        data = read_osm(path, progress)
    if not len(data.node_ids):
        raise PlanError(f"{path.name}：OSM 文件中没有任何节点", f"{path.name}: the OSM file holds no nodes")
    from ..places import osm_place_name, packs_for_location
    centre = _data_centre(data)
    epsg = crs_mod.utm_epsg(*centre)
    packs = packs_for_location(centre) if packs is None else tuple(packs)
    name = (name or "").strip() or osm_place_name(data) or path.name.split(".")[0]
    plan = Plan.create(out, name, epsg, kind=kind, packs=packs, district=district, subdistrict=subdistrict)
    try:
        summary = import_osm(plan, data, progress=progress, catalogue=catalogue, estimates=estimates,
                             source_path=path)
    except BaseException:
        plan.close()
        remove_plan_file(out)
        raise
    return plan, summary

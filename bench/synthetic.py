"""Synthetic district plans for the scale benchmark (issue 17): a seeded street grid in Shanghai's
UTM zone with missing links and diagonals, homes, facilities of several types and bus stops.

- ``write_osm(path, edges, seed)``: the district as OSM XML, read by the real importer.
- ``make_plan(path, edges, seed, node_ids=True)``: the same district as a plan (imported from that
  file; ``node_ids=False``: the walking lines drawn without OSM node ids, as from CAD, so the
  graph is noded geometrically). Cached under ``bench/.cache/`` (or ``$LIFECIRCLE_BENCH_CACHE``).
- ``move_facility(session, rng)``: the benchmark's unit of live work — one facility moved.

"walking edges" are the segments between consecutive nodes of the walkable ways, so ``edges``
is what the walking graph holds (before any noding). Homes = edges/10, facilities = edges/100,
stops = edges/200. Same (edges, seed) → the same bytes.
"""
from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("LIFECIRCLE_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
GENERATOR_VERSION = 2  # part of every cache key: a change to the generator makes new files

EPSG = 32651  # WGS 84 / UTM zone 51N: Shanghai
CENTRE = (121.50, 31.28)  # lon, lat (Yangpu)
SPACING_M = 80.0  # a street block of the older Shanghai grid
JITTER_M = 3.0
MISSING = 0.08  # share of grid links left out (blocked, private)
DIAGONAL = 0.04  # share of blocks crossed by a diagonal path
BREAK = 0.3  # chance a street's way ends at a junction (OSM splits ways there often)
HIGHWAYS = (("residential", 0.35), ("footway", 0.30), ("service", 0.10), ("tertiary", 0.10),
            ("pedestrian", 0.05), ("living_street", 0.05), ("path", 0.05))
NAMED = frozenset({"residential", "tertiary", "living_street"})
# Facilities as the OSM mapping knows them (resources/standards/catalogue.toml `osm`), with weights.
FACILITIES = (
    ({"amenity": "kindergarten"}, "幼儿园", 0.15),
    ({"amenity": "school", "isced:level": "1"}, "小学", 0.10),
    ({"amenity": "clinic"}, "社区卫生服务站", 0.10),
    ({"shop": "supermarket"}, "超市", 0.15),
    ({"shop": "convenience"}, "便利店", 0.15),
    ({"amenity": "pharmacy"}, "药店", 0.10),
    ({"amenity": "community_centre"}, "社区服务站", 0.10),
    ({"leisure": "park"}, "公园", 0.15),  # a polygon filling its block
)


def _grid_size(edges: int) -> int:
    """Nodes per side of the square grid that holds at least ``edges`` walking edges."""
    per_node = 2 * (1 - MISSING) + DIAGONAL
    n = max(3, int(math.ceil(math.sqrt(edges / per_node))) + 1)
    while 2 * n * (n - 1) * (1 - MISSING) + (n - 1) ** 2 * DIAGONAL < edges * 1.02:
        n += 1
    return n


class _District:
    """The generated district in plan coordinates (EPSG 32651, metres)."""

    def __init__(self, edges: int, seed: int):
        if edges < 10:
            raise ValueError("a district needs at least 10 walking edges")
        rng = np.random.default_rng(seed)
        self.edges = edges
        n = self.n = _grid_size(edges)
        from pyproj import Transformer
        to_utm = Transformer.from_crs(4326, EPSG, always_xy=True)
        cx, cy = to_utm.transform(*CENTRE)
        self.x0, self.y0 = cx - SPACING_M * (n - 1) / 2, cy - SPACING_M * (n - 1) / 2
        jj, ii = np.meshgrid(np.arange(n), np.arange(n))  # node k = i * n + j at row i, column j
        self.x = (self.x0 + SPACING_M * jj + rng.uniform(-JITTER_M, JITTER_M, (n, n))).ravel()
        self.y = (self.y0 + SPACING_M * ii + rng.uniform(-JITTER_M, JITTER_M, (n, n))).ravel()

        # Candidate edges, each (a, b, kind, row/column): horizontal, vertical, diagonal.
        k = np.arange(n * n).reshape(n, n)
        h_a, h_b = k[:, :-1].ravel(), k[:, 1:].ravel()
        v_a, v_b = k[:-1, :].T.ravel(), k[1:, :].T.ravel()  # column by column, so a street runs on
        diag = rng.random((n - 1) * (n - 1)) < DIAGONAL
        blocks = np.flatnonzero(diag)
        bi, bj = blocks // (n - 1), blocks % (n - 1)
        flip = rng.random(len(blocks)) < 0.5
        d_a = np.where(flip, k[bi, bj + 1], k[bi, bj])
        d_b = np.where(flip, k[bi + 1, bj], k[bi + 1, bj + 1])
        a = np.concatenate([h_a, v_a, d_a])
        b = np.concatenate([h_b, v_b, d_b])
        kind = np.concatenate([np.zeros(len(h_a), np.int8), np.ones(len(v_a), np.int8), np.full(len(d_a), 2, np.int8)])
        keep = rng.random(len(a)) >= np.where(kind == 2, 0.0, MISSING)
        present = np.flatnonzero(keep)
        if len(present) < edges:
            raise AssertionError("grid too small")  # _grid_size guarantees it
        drop = rng.choice(present, len(present) - edges, replace=False)
        keep[drop] = False
        # Ways: runs of consecutive present edges along a street (row or column), cut at random
        # junctions; a diagonal is a way of its own.
        idx = np.flatnonzero(keep)
        a, b, kind = a[idx], b[idx], kind[idx]
        contiguous = np.zeros(len(idx), bool)
        contiguous[1:] = (kind[1:] == kind[:-1]) & (kind[1:] < 2) & (a[1:] == b[:-1])
        contiguous &= rng.random(len(idx)) >= BREAK
        starts = np.flatnonzero(~contiguous)
        self.way_edges = np.split(np.arange(len(idx)), starts[1:])
        self.edge_a, self.edge_b = a, b
        names, weights = zip(*HIGHWAYS)
        self.way_class = rng.choice(np.array(names), len(self.way_edges), p=np.array(weights))
        self.way_street = np.array([int(a[e[0]]) // n if kind[e[0]] == 0 else int(a[e[0]]) % n for e in self.way_edges])
        self.way_kind = kind[starts]

        # Blocks: homes in the first H of a shuffled list, parks in the next ones; none of them,
        # nor a point facility, in a block a diagonal crosses (a path through a building makes
        # its nearest point on the network ambiguous).
        n_blocks = (n - 1) ** 2
        homes = max(1, edges // 10)
        n_fac = max(len(FACILITIES), edges // 100)
        order = rng.permutation(n_blocks)
        order = order[~diag[order]]
        weights = np.array([w for _, _, w in FACILITIES])
        fac_kind = rng.choice(len(FACILITIES), n_fac, p=weights / weights.sum())
        fac_kind[:len(FACILITIES)] = np.arange(len(FACILITIES))  # every type at least once
        park = len(FACILITIES) - 1
        n_parks = int((fac_kind == park).sum())
        if homes + n_parks > len(order):
            raise AssertionError("more homes than blocks")
        self.home_block = order[:homes]
        self.park_block = order[homes:homes + n_parks]
        self.home_half = rng.uniform(10.0, 20.0, homes)  # squares of 20–40 m
        self.home_shift = rng.uniform(-8.0, 8.0, (homes, 2))
        self.home_levels = rng.integers(3, 19, homes)
        point_kind = fac_kind[fac_kind != park]
        self.point_kind = point_kind
        self.point_block = order[rng.integers(0, len(order), len(point_kind))]
        self.point_corner = rng.integers(0, 4, len(point_kind))
        n_stops = max(1, edges // 200)
        self.stop_node = rng.choice(n * n, n_stops, replace=False)

    def block_origin(self, blocks: np.ndarray) -> np.ndarray:
        """South-west corner (ideal grid, no jitter) of each block."""
        bi, bj = blocks // (self.n - 1), blocks % (self.n - 1)
        return np.column_stack([self.x0 + SPACING_M * bj, self.y0 + SPACING_M * bi])

    def way_nodes(self, w: int) -> np.ndarray:
        e = self.way_edges[w]
        return np.concatenate([self.edge_a[e[:1]], self.edge_b[e]])

    def squares(self, centre: np.ndarray, half: np.ndarray) -> np.ndarray:
        """Corner coordinates (k, 4, 2) of axis-aligned squares, counter-clockwise."""
        sx = np.array([-1, 1, 1, -1])[None, :] * half[:, None]
        sy = np.array([-1, -1, 1, 1])[None, :] * half[:, None]
        return np.stack([centre[:, :1] + sx, centre[:, 1:] + sy], axis=2)

    def homes(self) -> np.ndarray:
        centre = self.block_origin(self.home_block) + SPACING_M / 2 + self.home_shift
        return self.squares(centre, self.home_half)

    def parks(self) -> np.ndarray:
        centre = self.block_origin(self.park_block) + SPACING_M / 2
        return self.squares(centre, np.full(len(self.park_block), SPACING_M / 2 - 12.0))

    def points(self) -> np.ndarray:
        """Point facilities: 14 m in from a block corner (between the street and the home)."""
        corner = self.block_origin(self.point_block)
        dx = np.where(self.point_corner % 2 == 0, 14.0, SPACING_M - 14.0)
        dy = np.where(self.point_corner < 2, 14.0, SPACING_M - 14.0)
        return corner + np.column_stack([dx, dy])

    def stops(self) -> np.ndarray:
        return np.column_stack([self.x[self.stop_node] + 6.0, self.y[self.stop_node] + 6.0])


def _lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer
    lon, lat = Transformer.from_crs(EPSG, 4326, always_xy=True).transform(xy[..., 0], xy[..., 1])
    return np.asarray(lon), np.asarray(lat)


def write_osm(path: str | os.PathLike, edges: int, seed: int = 0, *, walk: bool = True) -> dict:
    """The synthetic district as OSM XML at ``path``; returns its counts. ``walk=False`` leaves the
    walkable ways out (make_plan adds them as drawn lines)."""
    d = _District(edges, seed)
    n_grid = d.n * d.n
    home_xy, park_xy = d.homes(), d.parks()
    point_xy, stop_xy = d.points(), d.stops()
    grid_lon, grid_lat = _lonlat(np.column_stack([d.x, d.y]))
    poly_xy = np.concatenate([home_xy.reshape(-1, 2), park_xy.reshape(-1, 2)])
    poly_lon, poly_lat = _lonlat(poly_xy)
    pt_lon, pt_lat = _lonlat(np.concatenate([point_xy, stop_xy]))
    lon = np.concatenate([grid_lon, poly_lon, pt_lon])
    lat = np.concatenate([grid_lat, poly_lat, pt_lat])
    ids = np.arange(1, len(lon) + 1)
    poly_first = n_grid + 1  # node id of the first polygon corner
    point_first = poly_first + len(poly_xy)
    stop_first = point_first + len(point_xy)

    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="lifecircle bench/synthetic.py">\n',
             f'<bounds minlat="{lat.min():.7f}" minlon="{lon.min():.7f}" maxlat="{lat.max():.7f}" maxlon="{lon.max():.7f}"/>\n']
    tagged = {}  # node id -> tags
    for j, (k, c) in enumerate(zip(d.point_kind.tolist(), d.point_corner.tolist())):
        tags, word, _ = FACILITIES[k]
        tagged[point_first + j] = {**tags, "name": f"{word}{j + 1}"}
    for j in range(len(stop_xy)):
        tagged[stop_first + j] = {"highway": "bus_stop", "name": f"公交站{j + 1}"}
    used = np.ones(len(lon), bool)
    if not walk:  # grid nodes are only on the walking ways
        used[:n_grid] = False
    for i, x, y in zip(ids[used].tolist(), np.char.mod("%.7f", lon[used]).tolist(), np.char.mod("%.7f", lat[used]).tolist()):
        t = tagged.get(i)
        if t is None:
            lines.append(f'<node id="{i}" lat="{y}" lon="{x}"/>\n')
        else:
            lines.append(f'<node id="{i}" lat="{y}" lon="{x}">'
                         + "".join(f'<tag k="{k}" v="{v}"/>' for k, v in t.items()) + "</node>\n")
    way_id = 1
    walk_ways = walk_edges = 0
    if walk:
        for w in range(len(d.way_edges)):
            nodes = d.way_nodes(w) + 1
            cls = str(d.way_class[w])
            name = ""
            if cls in NAMED and d.way_kind[w] < 2:
                name = f'<tag k="name" v="{"纵" if d.way_kind[w] else "横"}{int(d.way_street[w]) + 1}路"/>'
            lines.append(f'<way id="{way_id}">' + "".join(f'<nd ref="{r}"/>' for r in nodes.tolist())
                         + f'<tag k="highway" v="{cls}"/>{name}</way>\n')
            way_id += 1
            walk_ways += 1
            walk_edges += len(nodes) - 1
    corner = poly_first
    for h in range(len(home_xy)):
        refs = [corner, corner + 1, corner + 2, corner + 3, corner]
        corner += 4
        lines.append(f'<way id="{way_id}">' + "".join(f'<nd ref="{r}"/>' for r in refs)
                     + f'<tag k="building" v="residential"/><tag k="building:levels" v="{int(d.home_levels[h])}"/>'
                     f'<tag k="name" v="住宅{h + 1}"/></way>\n')
        way_id += 1
    for p in range(len(park_xy)):
        refs = [corner, corner + 1, corner + 2, corner + 3, corner]
        corner += 4
        lines.append(f'<way id="{way_id}">' + "".join(f'<nd ref="{r}"/>' for r in refs)
                     + f'<tag k="leisure" v="park"/><tag k="name" v="公园{p + 1}"/></way>\n')
        way_id += 1
    lines.append("</osm>\n")
    path = Path(path)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    return {"walk_edges": walk_edges, "walk_ways": walk_ways, "homes": len(home_xy),
            "facilities": len(point_xy) + len(park_xy), "stops": len(stop_xy), "nodes": int(used.sum()),
            "ways": way_id - 1, "grid": d.n, "bytes": path.stat().st_size}


def _walk_rows(d: _District) -> list:
    """The walking ways as drawn lines (plan CRS, no OSM node ids)."""
    import shapely
    lengths = np.array([len(e) + 1 for e in d.way_edges])
    nodes = np.concatenate([d.way_nodes(w) for w in range(len(d.way_edges))])
    lines = shapely.linestrings(np.column_stack([d.x[nodes], d.y[nodes]]),
                                indices=np.repeat(np.arange(len(lengths)), lengths))
    return [(g, {"class": str(c), "name": "", "walkable": True, "closed": False, "source": "drawn"})
            for g, c in zip(lines, d.way_class)]


def cache_path(edges: int, seed: int = 0, node_ids: bool = True) -> Path:
    """The cached plan's file, keyed by the generator's and the plan file's schema version: a
    plan made by older code would be migrated by whoever edits it first, and timed with it."""
    from lifecircle_desktop.model.schema import SCHEMA_VERSION
    return CACHE / (f"plan-v{GENERATOR_VERSION}-schema{SCHEMA_VERSION}-e{edges}-s{seed}-"
                    f"{'ids' if node_ids else 'drawn'}.gpkg")


def osm_path(edges: int, seed: int = 0, walk: bool = True) -> Path:
    """The synthetic OSM file, written once into the cache."""
    out = CACHE / f"grid-v{GENERATOR_VERSION}-e{edges}-s{seed}{'' if walk else '-nowalk'}.osm"
    if not out.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
        write_osm(tmp, edges, seed, walk=walk)
        os.replace(tmp, out)
    return out


def make_plan(path: str | os.PathLike, edges: int, seed: int = 0, *, node_ids: bool = True) -> dict:
    """The synthetic district as a plan at ``path`` (a copy of the cached one); returns counts per
    layer and whether it came from the cache."""
    from lifecircle_desktop.model.io.osm import import_osm_new
    from lifecircle_desktop.model.plan import Plan

    cached = cache_path(edges, seed, node_ids)
    hit = cached.exists()
    if not hit:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp.gpkg")
        plan, _summary = import_osm_new(osm_path(edges, seed, walk=node_ids), tmp, name=f"合成街区 {edges}")
        try:
            if not node_ids:
                plan.bulk_insert("walk_network", _walk_rows(_District(edges, seed)))
        finally:
            plan.close()
        os.replace(tmp, cached)  # closed: the WAL is checkpointed into the file
    shutil.copyfile(cached, path)
    plan = Plan.open(path)
    try:
        counts = {layer: len(plan.features(layer)) for layer in
                  ("walk_network", "residential", "facilities", "stops")}
    finally:
        plan.close()
    return {"layers": counts, "cached": hit, "path": str(path)}


def move_facility(session, rng, max_offset_m: float = 150.0):
    """Move one random facility of the session's scenario by a random offset (the live loop's unit
    of work); returns the ChangeSet. ``rng``: numpy Generator or random.Random (only .random())."""
    fids = [f.fid for f in session.plan.features("facilities", session.scenario)]
    fid = fids[min(int(rng.random() * len(fids)), len(fids) - 1)]
    dx = (rng.random() * 2 - 1) * max_offset_m
    dy = (rng.random() * 2 - 1) * max_offset_m
    return session.apply(session.move_edit([("facilities", fid)], dx, dy))

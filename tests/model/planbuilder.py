"""A hand-built plan: a grid of streets (100 m blocks) with homes and facilities on it."""
from shapely.geometry import LineString, Point, box

from lifecircle_desktop.model import AddFeature, Plan

BLOCK = 100.0


def grid_plan(path, n=5, missing=((2, 2, "h"),), kind="existing"):
    """n × n grid nodes 100 m apart; ``missing`` links (i, j, 'h'|'v') left out: (i, j)–(i+1, j) or (i, j+1)."""
    plan = Plan.create(path, "网格社区", 32651, kind=kind)
    missing = set(missing)
    for j in range(n):
        for i in range(n - 1):
            if (i, j, "h") not in missing:
                plan.apply(AddFeature("walk_network", LineString([(i * BLOCK, j * BLOCK), ((i + 1) * BLOCK, j * BLOCK)]),
                                      {"class": "footway", "source": "osm",
                                       "node_ids": f"{j * n + i} {j * n + i + 1}"}))
    for i in range(n):
        for j in range(n - 1):
            if (i, j, "v") not in missing:
                plan.apply(AddFeature("walk_network", LineString([(i * BLOCK, j * BLOCK), (i * BLOCK, (j + 1) * BLOCK)]),
                                      {"class": "footway", "source": "osm",
                                       "node_ids": f"{j * n + i} {(j + 1) * n + i}"}))
    return plan


def home(plan, x, y, households=100, name="", gates=()):
    """A 40 × 40 m compound whose corner touches grid point (x, y); optional gates at points."""
    fid = plan.apply(AddFeature("residential", box(x + 1, y + 1, x + 41, y + 41),
                                {"households": households, "name": name})).edit.fid
    ids = []
    for gx, gy in gates:
        ids.append(plan.apply(AddFeature("entrances", Point(gx, gy), {"layer": "residential", "feature": fid})).edit.fid)
    return fid, ids


def facility(plan, type_, x, y, w=20, h=20, **attrs):
    """A facility whose single entrance sits exactly on grid point (x, y)."""
    fid = plan.apply(AddFeature("facilities", box(x - w - 1, y - h - 1, x - 1, y - 1), {"type": type_, **attrs})).edit.fid
    plan.apply(AddFeature("entrances", Point(x, y), {"layer": "facilities", "feature": fid}))
    return fid

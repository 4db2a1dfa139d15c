"""Write a CAD 总图 (DXF) of the demo's own buildings and roads, as a street office's drawing would be:
local millimetres from a corner of the site, turned against north, GBK text in an R2000 file, road
centre lines and edges, trees as a block, building numbers and floors as text. Prints the control
points (drawing x,y = plan E,N) that place it, for ``lifecircle import-dxf``.

    python scripts/make_demo_cad.py [PLAN] [OUT.dxf]
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import ezdxf
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lifecircle_desktop.model import Plan  # noqa: E402

TURN = math.radians(8.0)   # the drawing's grid is turned 8° from north, as site grids often are
ROAD_WIDTH_M = {"primary": 24.0, "secondary": 18.0, "tertiary": 14.0, "residential": 8.0}


def main(plan_path: Path, out: Path) -> list[str]:
    with Plan.open(plan_path) as plan:  # read only: nothing is written
        buildings = [f.geometry for f in plan.features("basemap_buildings")]
        homes = plan.features("residential", "base")
        roads = [(f.geometry, f.attributes.get("kind") or "") for f in plan.features("basemap_roads")]
        minx, miny, maxx, maxy = plan.bounds()
    origin = np.array([minx - 50, miny - 50])

    def to_drawing(xy):
        """Plan metres → drawing millimetres: shift to the corner, turn by −TURN, ×1000."""
        d = np.asarray(xy, dtype=float) - origin
        c, s = math.cos(-TURN), math.sin(-TURN)
        return np.column_stack([c * d[:, 0] - s * d[:, 1], s * d[:, 0] + c * d[:, 1]]) * 1000.0

    doc = ezdxf.new("R2000")
    doc.encoding = "gbk"                 # $DWGCODEPAGE ANSI_936, as Chinese AutoCAD writes
    doc.header["$INSUNITS"] = 4          # millimetres
    for name, colour in (("建筑", 7), ("住宅", 2), ("道路中线", 1), ("道路边线", 8), ("文字", 3), ("绿化", 3), ("图框", 7)):
        doc.layers.add(name, color=colour)
    tree = doc.blocks.new("树")
    tree.add_circle((0, 0), 1500, dxfattribs={"layer": "0"})
    tree.add_line((-1000, 0), (1000, 0), dxfattribs={"layer": "0"})
    msp = doc.modelspace()
    for g in buildings:
        for part in shapely.get_parts(g):
            msp.add_lwpolyline(to_drawing(part.exterior.coords[:-1]).tolist(), close=True, dxfattribs={"layer": "建筑"})
    for n, home in enumerate(homes, 1):
        part = max(shapely.get_parts(home.geometry), key=lambda p: p.area)
        msp.add_lwpolyline(to_drawing(part.exterior.coords[:-1]).tolist(), close=True, dxfattribs={"layer": "住宅"})
        at = to_drawing([part.representative_point().coords[0]])[0]
        label = f"{n}#楼" + (f" {home['floors']}F" if home.get("floors") else "")
        msp.add_text(label, dxfattribs={"layer": "文字", "height": 3000}).set_placement(tuple(at))
    for g, kind in roads:
        for part in shapely.get_parts(g):
            msp.add_lwpolyline(to_drawing(part.coords).tolist(), dxfattribs={"layer": "道路中线", "linetype": "CENTER"})
            edge = part.buffer(ROAD_WIDTH_M.get(kind, 10.0) / 2, cap_style="flat").boundary
            for ring in shapely.get_parts(edge):
                msp.add_lwpolyline(to_drawing(ring.coords).tolist(), dxfattribs={"layer": "道路边线"})
            for d in np.arange(15.0, part.length, 30.0):  # street trees every 30 m
                p = part.interpolate(d)
                msp.add_blockref("树", tuple(to_drawing([(p.x, p.y)])[0]), dxfattribs={"layer": "绿化"})
    corners_plan = np.array([(minx - 50, miny - 50), (maxx + 50, miny - 50), (maxx + 50, maxy + 50), (minx - 50, maxy + 50)])
    corners = to_drawing(corners_plan)
    msp.add_lwpolyline(corners.tolist(), close=True, dxfattribs={"layer": "图框"})
    msp.add_text("四平路街道同济社区总图", dxfattribs={"layer": "图框", "height": 8000}).set_placement(
        tuple(corners[3] + [10_000, -15_000]))
    doc.saveas(out)
    return [f"--control={x:.0f},{y:.0f}={e:.3f},{n:.3f}" for (x, y), (e, n) in zip(corners, corners_plan)]


if __name__ == "__main__":
    plan = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "demo" / "siping.gpkg"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("siping_cad.dxf")
    print(" ".join(main(plan, out)))

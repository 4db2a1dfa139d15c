"""CAD export benchmark (design.md §8, issue 12): ``write_dxf`` on the Siping demo and on all of Malta,
with two peers measured in the same run on the same geometries (labels left out of the peers):
GDAL's own DXF writer (pyogrio) and ezdxf's object API (``add_lwpolyline`` … ``saveas``), which the
writer used before it formatted its entities itself. Also the longest gap between two cancel polls.

    python bench/bench_dxf.py [--repeat N] [--quick]

Prints medians and the data sizes. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MALTA = ROOT.parent / "shared" / "data" / "real" / "malta_2018" / "malta-latest-2018-08-27.osm.pbf"


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def geometries(ctx):
    """(DXF-ish layer, geometry in the target CRS) of every feature the writer draws."""
    from lifecircle_desktop.export.dxf import LAYER_STYLE
    out = []
    for layer in LAYER_STYLE:
        feats = [f for f in ctx.features(layer) if f.geometry is not None and not f.geometry.is_empty]
        out += [(layer, ctx.crs.transform(f.geometry)) for f in feats]
    return out


def gdal_peer(geoms, path, epsg):
    import geopandas as gpd
    import pyogrio
    df = gpd.GeoDataFrame({"Layer": [l for l, _ in geoms]}, geometry=[g for _, g in geoms],
                          crs=f"EPSG:{epsg}")
    pyogrio.write_dataframe(df, path, driver="DXF")


def ezdxf_peer(geoms, path):
    import ezdxf
    import shapely
    doc = ezdxf.new("R2004")
    msp = doc.modelspace()
    for layer, g in geoms:
        polys = [g] if g.geom_type == "Polygon" else [p for p in getattr(g, "geoms", [g])]
        for p in polys:
            if p.geom_type == "Polygon":
                for ring in (p.exterior, *p.interiors):
                    msp.add_lwpolyline(shapely.get_coordinates(ring)[:-1].tolist(), format="xy", close=True,
                                       dxfattribs={"layer": layer})
            elif p.geom_type == "LineString":
                msp.add_lwpolyline(shapely.get_coordinates(p).tolist(), format="xy", dxfattribs={"layer": layer})
            elif p.geom_type == "Point":
                msp.add_point((p.x, p.y), dxfattribs={"layer": layer})
    doc.saveas(path)


def poll_gap(ctx, path):
    from lifecircle_desktop.export import Progress
    from lifecircle_desktop.export.dxf import write_dxf
    stamps = [time.perf_counter()]
    write_dxf(ctx, path, Progress(cancelled=lambda: stamps.append(time.perf_counter()) and False))
    stamps.append(time.perf_counter())
    return max(b - a for a, b in zip(stamps, stamps[1:])), len(stamps) - 2


def run(name, session, repeat, folder):
    import ezdxf
    from lifecircle_desktop.export import BundleContext, ExportOptions, Progress
    from lifecircle_desktop.export.dxf import write_dxf
    ctx = BundleContext.build(session, ExportOptions())
    path = folder / f"{name}.dxf"
    ours, _ = timed(lambda: write_dxf(ctx, path, Progress()), repeat)
    doc = ezdxf.readfile(path)
    entities = len(doc.modelspace())
    geoms = geometries(ctx)
    print(f"{name}: {len(geoms)} features, {entities} DXF entities, {path.stat().st_size / 1e6:.1f} MB")
    print(f"  write_dxf                      median {ours:7.2f} s  (n={repeat})")
    gdal, _ = timed(lambda: gdal_peer(geoms, folder / f"{name}_gdal.dxf", ctx.crs.epsg), 1)
    print(f"  peer GDAL DXF writer (no text) {gdal:7.2f} s  (n=1)")
    plain, _ = timed(lambda: ezdxf_peer(geoms, folder / f"{name}_ezdxf.dxf"), 1)
    print(f"  peer ezdxf object API (no text){plain:7.2f} s  (n=1)")
    gap, polls = poll_gap(ctx, folder / f"{name}_poll.dxf")
    print(f"  cancel: {polls} polls, longest gap {gap * 1000:.0f} ms  [budget: cancel ≤ 1 s]")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="the demo only")
    args = ap.parse_args()
    from lifecircle_desktop.model.resources import DEMO_PLAN
    from lifecircle_desktop.model.session import PlanSession, create_plan_from_osm
    import shutil
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copyfile(DEMO_PLAN, folder / "siping.gpkg")
        with PlanSession.open(folder / "siping.gpkg") as session:
            run("siping (demo)", session, args.repeat, folder)
        if args.quick or not MALTA.exists():
            return
        session, _ = create_plan_from_osm(MALTA, folder / "malta.gpkg")
        with session:
            run("malta", session, args.repeat, folder)


if __name__ == "__main__":
    main()

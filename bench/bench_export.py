"""Export benchmark (design.md §8: the bundle, demo ≤ 5 s / Malta ≤ 60 s; cancel ≤ 1 s): the time of
``PlanSession.export`` on the Siping demo and on all of Malta, with GDAL's ogr2ogr writing the same
layers (a GeoPackage in the plan's CRS, one RFC 7946 GeoJSON per layer) from the plan file in the same
run as the peer, and the time from Cancel to the export's return.

    python bench/bench_export.py [--repeat N] [--quick]

Prints medians and spreads, the data size (features per layer, bytes written). Not a test: nothing
here asserts. The parts of the bundle other lanes write (report, xlsx, dxf) are timed when present.
"""
from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MALTA = ROOT.parent / "shared" / "data" / "real" / "malta_2018" / "malta-latest-2018-08-27.osm.pbf"
BUDGET_S = {"siping": 5.0, "malta": 60.0}


def spread(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f}, n={len(xs)})"


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_export(plan: Path, out: Path, options) -> tuple[float, Path]:
    from lifecircle_desktop.model.session import PlanSession
    with PlanSession.open(plan) as session:  # opening is not the export's time
        t = time.perf_counter()
        folder = session.export(out, options)
        return time.perf_counter() - t, folder


def tables_in(plan: Path) -> set[str]:
    """The layers the plan file holds (an older plan lacks the newer ones: the peers skip them)."""
    import sqlite3
    with sqlite3.connect(f"file:{plan}?mode=ro", uri=True) as db:
        return {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}


def ogr2ogr_peer(plan: Path, out: Path) -> float:
    """GDAL writing the same layers: the base scenario of each plan layer and the base map, as a
    GeoPackage in the plan's CRS and as RFC 7946 GeoJSON (7 decimals), one file per layer."""
    from lifecircle_desktop.model.schema import LAYERS
    out.mkdir()
    present = tables_in(plan)
    t = time.perf_counter()
    for layer, spec in LAYERS.items():
        if layer not in present:
            continue
        where = ["-where", "scenario = 'base'"] if spec.editable else []
        subprocess.run(["ogr2ogr", "-f", "GPKG", "-append", str(out / "plan.gpkg"), str(plan), layer, *where],
                       check=True, capture_output=True)
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=7",
                        str(out / f"{layer}.geojson"), str(plan), layer, *where], check=True, capture_output=True)
    return time.perf_counter() - t


def pyogrio_peer(plan: Path, out: Path) -> float:
    """GDAL in this process (pyogrio): the same layers read from the plan and written as a GeoPackage
    in the plan's CRS and as RFC 7946 GeoJSON (GDAL reprojects to WGS 84 itself), one file per layer."""
    import pyogrio.raw
    from lifecircle_desktop.model.schema import LAYERS
    out.mkdir()
    present = tables_in(plan)
    t = time.perf_counter()
    for layer, spec in LAYERS.items():
        if layer not in present:
            continue
        where = "scenario = 'base'" if spec.editable else None
        meta, _fids, geometry, values = pyogrio.raw.read(plan, layer=layer, where=where)
        common = dict(geometry=geometry, field_data=values, fields=meta["fields"], crs=meta["crs"],
                      geometry_type=meta["geometry_type"], encoding="UTF-8")
        pyogrio.raw.write(out / "plan.gpkg", layer=layer, driver="GPKG", append=(out / "plan.gpkg").exists(), **common)
        pyogrio.raw.write(out / f"{layer}.geojson", driver="GeoJSON",
                          layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "7"}, **common)
    return time.perf_counter() - t


def cancel_latency(plan: Path, out: Path, options) -> tuple[float, float]:
    """(seconds to the first progress report, seconds from Cancel to the export's return)."""
    from lifecircle_desktop.export import ExportCancelled, Progress
    from lifecircle_desktop.model.session import PlanSession
    cancel, marks = threading.Event(), {}

    def report(*_):
        if not cancel.is_set():
            marks["cancel"] = time.perf_counter()
            cancel.set()

    with PlanSession.open(plan) as session:
        start = time.perf_counter()
        try:
            session.export(out, options, Progress(report, cancel.is_set))
        except ExportCancelled:
            pass
        end = time.perf_counter()
    return marks["cancel"] - start, end - marks["cancel"]


def bench(name: str, plan: Path, repeat: int, tmp: Path) -> None:
    from lifecircle_desktop.export import BundleContext, ExportOptions
    from lifecircle_desktop.model.schema import LAYERS
    from lifecircle_desktop.model.session import PlanSession
    present = [p for p in ("dxf", "xlsx", "report") if importlib.util.find_spec(f"lifecircle_desktop.export.{p}")]
    gis = ExportOptions(only=("gpkg", "geojson"))
    with PlanSession.open(plan) as session:
        counts = {layer: len(session.plan.features(layer, "base" if spec.editable else None))
                  for layer, spec in LAYERS.items()}
        t = time.perf_counter()
        BundleContext.build(session, gis)
        validate_s = time.perf_counter() - t
    print(f"\n=== {name}: {plan.name} ({plan.stat().st_size / 1e6:.1f} MB) ===")
    print(f"  data: {', '.join(f'{k} {v:,}' for k, v in counts.items() if v)}  (total {sum(counts.values()):,} features)")
    print(f"  the scenario validated once for every part: {validate_s:.2f} s")
    runs = {"GeoPackage + GeoJSON": gis}
    if present:
        runs[f"whole bundle ({', '.join(('gpkg', 'geojson', *present))})"] = ExportOptions(only=("gpkg", "geojson", *present))
    for label, options in runs.items():
        times, folder = [], None
        for i in range(repeat):
            seconds, folder = timed_export(plan, tmp / f"{name}-{len(times)}-{label[:4]}", options)
            times.append(seconds)
        print(f"  export, {label:<40} {spread(times)}; {size_of(folder) / 1e6:.1f} MB written"
              f"   [budget {BUDGET_S[name]:.0f} s]")
    if shutil.which("ogr2ogr"):
        peers = [ogr2ogr_peer(plan, tmp / f"{name}-ogr-{i}") for i in range(repeat)]
        print(f"  peer: ogr2ogr, the same layers to GeoPackage + GeoJSON  {spread(peers)}  "
              f"({2 * len(LAYERS)} ogr2ogr runs: process start-up included)")
    else:
        print("  peer: ogr2ogr not installed (scripts/system-deps.sh)")
    peers = [pyogrio_peer(plan, tmp / f"{name}-pyogrio-{i}") for i in range(repeat)]
    print(f"  peer: GDAL in process (pyogrio), the same layers      {spread(peers)}")
    first, latency = zip(*(cancel_latency(plan, tmp / f"{name}-cancel-{i}", gis) for i in range(repeat)))
    print(f"  Cancel after the first report: first report after {statistics.median(first):.2f} s; "
          f"returned {statistics.median(latency) * 1e3:.0f} ms after Cancel (max {max(latency) * 1e3:.0f} ms)"
          f"   [budget 1000 ms]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the demo only")
    args = parser.parse_args()
    from lifecircle_desktop.model.resources import DEMO_PLAN
    from lifecircle_desktop.model.session import create_plan_from_osm
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        demo = tmp / "siping.gpkg"
        shutil.copyfile(DEMO_PLAN, demo)
        bench("siping", demo, args.repeat, tmp)
        if not args.quick and MALTA.exists():
            session, _ = create_plan_from_osm(MALTA, tmp / "malta.gpkg", name="Malta")
            session.close()
            bench("malta", tmp / "malta.gpkg", max(1, min(args.repeat, 3)), tmp)


if __name__ == "__main__":
    main()

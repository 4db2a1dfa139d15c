"""CAD drawing import (issue 14): time and peak memory of reading and importing a DXF of 10^5 entities
(lines, closed polylines some with bulge arcs, texts in GBK, block references), with a peer measured
in the same run: GDAL's ogr2ogr reading the same DXF into a GeoPackage.

    python bench/bench_dxf_import.py [--entities 100000] [--repeat 3]
    python bench/bench_dxf_import.py --entities 1000000 --repeat 1   # past MAX_SHAPES: time and memory until refused

Each measurement runs in its own process, so its peak resident memory (ru_maxrss) is its own. Prints
medians and the data size. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORIGIN = (355_000.0, 3_464_000.0)  # where the drawing's corner lands (UTM 51N, Shanghai)


def make_drawing(path: Path, entities: int) -> dict:
    """A 总图-like drawing in millimetres: 50 % lines, 30 % closed polylines (one in five with a bulge),
    15 % texts, 5 % references to a 4-shape block. Returns the counts."""
    import ezdxf
    doc = ezdxf.new("R2000")
    doc.encoding = "gbk"
    doc.header["$INSUNITS"] = 4
    block = doc.blocks.new("车位")
    for dx in (0, 2500, 5000, 7500):
        block.add_lwpolyline([(dx, 0), (dx + 2500, 0), (dx + 2500, 5000), (dx, 5000)], close=True)
    msp = doc.modelspace()
    side = int(math.sqrt(entities)) + 1
    counts = {"LINE": 0, "LWPOLYLINE": 0, "TEXT": 0, "INSERT": 0}
    for i in range(entities):
        x, y = (i % side) * 20_000.0, (i // side) * 20_000.0
        r = i % 20
        if r < 10:
            msp.add_line((x, y), (x + 15_000, y + 3_000), dxfattribs={"layer": "道路"})
            counts["LINE"] += 1
        elif r < 16:
            bulge = 0.4 if r == 15 else 0.0
            msp.add_lwpolyline([(x, y, 0), (x + 12_000, y, 0), (x + 12_000, y + 9_000, bulge), (x, y + 9_000, 0)],
                               format="xyb", close=True, dxfattribs={"layer": "建筑"})
            counts["LWPOLYLINE"] += 1
        elif r < 19:
            msp.add_text(f"{i % 40 + 1}#楼 {i % 30 + 1}F", dxfattribs={"layer": "文字", "height": 2000}).set_placement(
                (x + 3_000, y + 4_000))
            counts["TEXT"] += 1
        else:
            msp.add_blockref("车位", (x, y), dxfattribs={"layer": "停车", "rotation": 15})
            counts["INSERT"] += 1
    doc.saveas(path)
    return counts


OURS = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.io.dxf import read_dxf
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.session import PlanSession
mode, dxf, plan = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
t0 = time.perf_counter()
refused = None
try:
    if mode == "read":
        shapes = len(read_dxf(dxf))
    else:
        Plan.create(plan, "bench", 32651).close()
        with PlanSession.open(plan) as s:
            control = [((0.0, 0.0), (355000.0, 3464000.0)), ((1e6, 0.0), (356000.0, 3464000.0))]
            changes = s.import_dxf(dxf, control=control, mapping={"建筑": "residential", "道路": "walk_network"})
            shapes = changes.edit.edits[0].record["counts"]["basemap_cad"]
except PlanError as e:  # a drawing past MAX_SHAPES: how long and how much memory until refused
    shapes, refused = 0, e.message_en
t = time.perf_counter() - t0
print(json.dumps({"s": t, "shapes": shapes, "refused": refused,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PEER = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
t = time.perf_counter() - t0
print(json.dumps({"s": t, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run(script: str, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *map(str, args)], check=True, capture_output=True, text=True,
                         env={**os.environ, "OGR_DXF_ENCODING": "", "PYTHONHASHSEED": "0"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(runs: list[dict]) -> tuple[float, float]:
    return statistics.median(r["s"] for r in runs), statistics.median(r["peak_mb"] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", nargs=2, metavar=("DXF", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write:
        print(json.dumps(make_drawing(Path(args.write[0]), int(args.write[1])), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory(prefix="bench-dxf-") as tmp:
        tmp = Path(tmp)
        dxf = tmp / "总图.dxf"
        t0 = time.perf_counter()
        # Written by a child process: a forked child starts with its parent's resident pages in its
        # ru_maxrss, so the parent must never have held the 10^6-entity ezdxf document.
        made_by = subprocess.run([sys.executable, __file__, "--write", str(dxf), str(args.entities)],
                                 check=True, capture_output=True, text=True)
        counts = json.loads(made_by.stdout.strip().splitlines()[-1])
        made = time.perf_counter() - t0
        size_mb = dxf.stat().st_size / 2**20
        print(f"DXF R2000 (GBK), {args.entities:,} model-space entities {counts}, {size_mb:.1f} MB "
              f"(written by ezdxf in {made:.1f} s); {args.repeat} runs each, medians")
        reads = [run(OURS, ROOT, "read", dxf, tmp / "unused.gpkg") for _ in range(args.repeat)]
        imports = []
        for k in range(args.repeat):
            imports.append(run(OURS, ROOT, "import", dxf, tmp / f"plan{k}.gpkg"))
        s, mb = summary(reads)
        what = f"refused: {reads[0]['refused']}" if reads[0]["refused"] else f"{reads[0]['shapes']:,} shapes, blocks exploded"
        print(f"  read_dxf                                         median {s:6.2f} s   peak {mb:7.0f} MB   ({what})")
        s, mb = summary(imports)
        what = f"refused: {imports[0]['refused']}" if imports[0]["refused"] else f"{imports[0]['shapes']:,} base-map rows"
        print(f"  import-dxf into a plan (placed, mapped, one edit) median {s:6.2f} s   peak {mb:7.0f} MB   ({what})")
        ogr = shutil.which("ogr2ogr")
        if ogr is None:
            print("  peer ogr2ogr: not installed")
            return
        peers = []
        for k in range(args.repeat):
            out = tmp / f"ogr{k}.gpkg"
            peers.append(run(PEER, ogr, "-f", "GPKG", out, dxf))
        s, mb = summary(peers)
        version = subprocess.run([ogr, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"  peer ogr2ogr DXF → GPKG ({version})            median {s:6.2f} s   peak {mb:7.0f} MB   "
              f"(GDAL explodes blocks too: OGR_DXF_INLINE_BLOCKS default)")


if __name__ == "__main__":
    main()

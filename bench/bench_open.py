"""Opening a plan held as columns (issue 17 item 3, model/table.py): synthetic districts of 10^4,
10^5 (and with --sizes, 10^6) walking edges from bench/synthetic.py.

    python bench/bench_open.py [--sizes 10000,100000] [--repeat 3] [--before PATH_TO_OTHER_CHECKOUT]

For each size, each in a fresh process (medians of --repeat; peak memory = the process's VmHWM):
- ``open``: Plan.open (every layer read into columns), then a snapshot of the base scenario and
  the walking network's LayerTable — what the validator reads first;
- ``snapshot``: one more snapshot after one facility moved (the per-edit cost; O(edits), not O(rows));
- ``features``: every home made a Feature (what a caller iterating Features pays on top);
- the peer: GDAL reading the same GeoPackage's layers into GeoDataFrames (pyogrio.read_dataframe)
  — what a GIS library pays to hold the same rows;
- with ``--before``, the same ``open`` and snapshot after an edit with another checkout's code
  (e.g. main: one Feature per row, every layer's dict copied per snapshot).
Nothing asserts: figures are printed with the data sizes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lifecircle_desktop.model.store import remove_plan_file  # noqa: E402

_STEP = r'''
import json, sys, time
sys.path.insert(0, {root!r})
def peak():
    with open("/proc/self/status") as f:
        return int(f.read().split("VmHWM:")[1].split()[0]) / 1024
path, step = {path!r}, {step!r}
out = {{}}
if step == "peer":
    import pyogrio
    t, cpu = time.perf_counter(), time.process_time()
    for name, _kind in pyogrio.list_layers(path).tolist():
        if _kind is not None:  # the feature tables (not plan_meta, scenarios, ...)
            pyogrio.read_dataframe(path, layer=name)
    out["open_s"], out["open_cpu_s"] = time.perf_counter() - t, time.process_time() - cpu
else:
    from lifecircle_desktop.model.plan import Plan
    from lifecircle_desktop.model.snapshot import take_snapshot
    t, cpu = time.perf_counter(), time.process_time()
    plan = Plan.open(path)
    snap = take_snapshot(plan)
    network = snap.table("walk_network") if hasattr(snap, "table") else snap.features("walk_network")
    out["open_s"], out["open_cpu_s"] = time.perf_counter() - t, time.process_time() - cpu
    out["rows"] = sum(len(snap.layers[n]) for n in snap.layers)
    from lifecircle_desktop.model import ChangeGeometry
    from shapely import affinity
    f = plan.features("facilities", "base")[0]
    plan.apply(ChangeGeometry.of(plan, "facilities", f.fid, affinity.translate(f.geometry, 5, 5)))
    times = []
    for _ in range(5):
        t = time.perf_counter()
        take_snapshot(plan)
        times.append(time.perf_counter() - t)
    out["snapshot_ms"] = sorted(times)[2] * 1000
    if step == "open+edit":
        t = time.perf_counter()
        homes = plan.features("residential", "base")
        out["features_s"] = time.perf_counter() - t
    plan.close()
out["peak_mb"] = peak()
print(json.dumps(out))
'''


def run(step: str, path: Path, root: Path = ROOT) -> dict:
    """One step in a fresh process, on a fresh copy of the plan (the step edits it; another
    checkout's first edit may migrate the file to its own schema)."""
    copy = path.with_name(f"run-{path.name}")
    shutil.copyfile(path, copy)
    code = _STEP.format(root=str(root), path=str(copy), step=step)
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root)
    remove_plan_file(copy)
    if done.returncode:
        raise SystemExit(f"{step} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", type=Path, help="another checkout of lifecircle_desktop to measure beside")
    args = ap.parse_args(argv)
    from bench.synthetic import make_plan
    print("size      rows   file MB | open s (CPU s)  peak MB  snapshot after an edit ms  homes as Features s"
          " | peer GDAL→frames s (CPU s)  peak MB" + (" | before: open s (CPU s)  peak MB  snapshot" if args.before else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for edges in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"district-{edges}.gpkg"
            make_plan(path, edges)
            repeat = 1 if edges >= 1_000_000 else args.repeat
            ours, peer, before = [], [], []
            for _ in range(repeat):  # interleaved: a shared machine's load falls on all three alike
                ours.append(run("open+edit", path))
                peer.append(run("peer", path))
                if args.before:
                    before.append(run("open", path, args.before))
            cell = lambda runs: f"{median(runs, 'open_s'):>6.2f} ({median(runs, 'open_cpu_s'):.2f})"
            line = (f"{edges:>8,} {ours[0]['rows']:>9,} {path.stat().st_size / 2**20:>6.1f} | {cell(ours):>14} "
                    f"{median(ours, 'peak_mb'):>8.0f} {median(ours, 'snapshot_ms'):>26.2f} "
                    f"{median(ours, 'features_s'):>20.2f} | {cell(peer):>26} {median(peer, 'peak_mb'):>8.0f}")
            if args.before:
                line += (f" | {cell(before):>23} {median(before, 'peak_mb'):>8.0f}"
                         f"  snapshot {median(before, 'snapshot_ms'):.1f} ms")
            print(line, flush=True)
    print(f"medians of {args.repeat} runs (1 at 10^6), each in a fresh process; peak = VmHWM")


if __name__ == "__main__":
    main()

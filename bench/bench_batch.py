"""Batch validation benchmark (issue 17 item 5; budget: 100 demo-sized plans in ≤ 30 s with 2 jobs).

    python bench/bench_batch.py [--plans 100] [--repeat 3] [--no-dask]

In the same run, on the same folder of copies of the Siping demo, through the command line a
planner types (`lifecircle validate --dir DIR --format jsonl`): one job (this process), a pool of
two processes, and a Dask LocalCluster of two worker processes (by path and with --send-bytes).
Prints medians of the wall time, the per-plan validation time (a line's "seconds", its sum Σ),
the command's fixed cost (interpreter and imports), the pool's start-up (a fresh interpreter until
both workers answered) and Dask's per-task round trip (a no-op through Client.map on a warm
cluster). Not a test: nothing here asserts. Figures vary a lot with other load on the machine:
the load average is printed before and after.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "resources" / "demo" / "siping.gpkg"
BUDGET_S = 30.0  # issue 17: 100 demo-sized plans with 2 jobs
WORKERS = 2

POOL_START = """
import time; t = time.perf_counter()
from concurrent.futures import ProcessPoolExecutor
from lifecircle_desktop.model.batch import pool_context
with ProcessPoolExecutor(max_workers=2, mp_context=pool_context()) as pool:
    futures = [pool.submit(time.sleep, 0.05) for _ in range(2)]
    [f.result() for f in futures]
    print(time.perf_counter() - t)
"""


def cli_run(args: list[str]) -> tuple[float, list[dict], int]:
    """Wall time of one command as the planner runs it (interpreter start included), its lines."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "lifecircle_desktop", "validate", *args], cwd=ROOT,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    return wall, [json.loads(line) for line in result.stdout.splitlines()], result.returncode


def pool_start_seconds() -> float:
    """A fresh interpreter's pool of two (fork server, preloaded) until both workers ran a task,
    minus that task's 50 ms."""
    out = subprocess.run([sys.executable, "-c", POOL_START], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip()) - 0.05


def interpreter_seconds() -> float:
    """The command's fixed cost before any plan: start Python, import the CLI and the validator."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import lifecircle_desktop.cli, lifecircle_desktop.model.validate"],
                   cwd=ROOT, check=True)
    return time.perf_counter() - started


def report(label: str, walls: list[float], lines: list[dict], plans: int) -> None:
    wall = statistics.median(walls)
    per_plan = [line["seconds"] for line in lines]
    print(f"  {label:<34} wall median {wall:6.2f} s (of {len(walls)}: {min(walls):.2f}–{max(walls):.2f})"
          f"  per plan median {statistics.median(per_plan) * 1000:4.0f} ms, mean {statistics.mean(per_plan) * 1000:4.0f} ms"
          f"  Σ {sum(per_plan):5.2f} s  → {plans / wall:5.1f} plans/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()

    from lifecircle_desktop.model.session import PlanSession
    with PlanSession.open(DEMO) as session:
        sizes = {layer: len(session.plan.features(layer)) for layer in ("residential", "facilities", "walk_network")}
    print(f"load average before: {' '.join(Path('/proc/loadavg').read_text().split()[:3]) if Path('/proc/loadavg').exists() else '?'}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        for i in range(args.plans):
            shutil.copyfile(DEMO, folder / f"siping_{i:04d}.gpkg")
        print(f"data: {args.plans} copies of the Siping demo ({DEMO.stat().st_size / 1024:.0f} KB each; {sizes}); "
              f"{WORKERS} workers; repeat {args.repeat}")
        print(f"  interpreter + imports (a fixed cost of every command)  median "
              f"{statistics.median(interpreter_seconds() for _ in range(args.repeat)):.2f} s")
        print(f"  pool start-up (fork server preloaded, 2 workers ready)  median "
              f"{statistics.median(pool_start_seconds() for _ in range(args.repeat)):.2f} s")
        runs = {"1 job (in the command's process)": ["--jobs", "1"],
                f"pool of {WORKERS} processes (--jobs {WORKERS})": ["--jobs", str(WORKERS)]}
        cluster = None
        if not args.no_dask:
            try:
                from dask.distributed import Client, LocalCluster
            except ImportError:
                print("  dask not installed (pip install '.[cluster]'): no Dask figures")
            else:
                started = time.perf_counter()
                cluster = LocalCluster(n_workers=WORKERS, processes=True, threads_per_worker=1, host="127.0.0.1",
                                       dashboard_address=None)
                print(f"  Dask LocalCluster start ({WORKERS} worker processes)  {time.perf_counter() - started:.2f} s")
                with Client(cluster.scheduler_address) as client:
                    client.run(lambda: __import__("lifecircle_desktop.model.batch"))  # as a warm, long-lived cluster
                    trip = []
                    for _ in range(args.repeat):
                        started = time.perf_counter()
                        client.gather(client.map(abs, range(args.plans), pure=False))
                        trip.append(time.perf_counter() - started)
                    print(f"  Dask round trip of {args.plans} no-op tasks  median {statistics.median(trip):.3f} s "
                          f"→ {statistics.median(trip) / args.plans * 1000:.1f} ms per task")
                runs[f"Dask, {WORKERS} workers, by path"] = ["--cluster", cluster.scheduler_address]
                runs[f"Dask, {WORKERS} workers, --send-bytes"] = ["--cluster", cluster.scheduler_address, "--send-bytes"]
        try:
            for label, extra in runs.items():
                walls, lines = [], []
                for _ in range(args.repeat):
                    wall, lines, code = cli_run(["--dir", str(folder), "--format", "jsonl", *extra])
                    walls.append(wall)
                    if len(lines) != args.plans or code != 1:  # every copy of the demo fails a required rule
                        print(f"  {label}: {len(lines)} lines, exit {code}: not the expected run")
                report(label, walls, lines, args.plans)
                if extra[:2] == ["--jobs", str(WORKERS)]:
                    print(f"    [budget {args.plans} plans ≤ {BUDGET_S:.0f} s with {WORKERS} jobs "
                          f"(issue 17, for 100): {statistics.median(walls):.1f} s]")
        finally:
            if cluster is not None:
                cluster.close()
    print(f"load average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3]) if Path('/proc/loadavg').exists() else '?'}")


if __name__ == "__main__":
    main()

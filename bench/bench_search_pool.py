"""The walking searches of a full validation in worker processes (issue 17, model/search_pool.py):
the eight multi-source searches (one per facility type) of the 10^6-edge plan, in-process one after
the other (the peer: what a validation does without the pool) and through the pool of 2 workers,
the pool's warm-up, its overhead per search, and the workers' peak memory.

    python bench/bench_search_pool.py [--graph /tmp/g6.npz] [--repeat N] [--types 8] [--sources 1250]

The graph file holds the CSR rows of the plan's walking graph (indptr, indices, data; written from
``WalkGraph``): without it, a synthetic street grid of the same size is searched. Sources are
random points on random edges joined to both ends, as ``WalkGraph._dijkstra`` joins a facility's
access point. Prints medians, wall and CPU time of this process. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIMIT_M = 2000.0  # the largest walking limit of the rule packs (a 15-minute walk ≈ 1,000–1,200 m; 2SFCA up to 2 km)


def load_graph(path: str | None):
    if path and Path(path).exists():
        z = np.load(path)
        return z["indptr"].astype(np.int32), z["indices"].astype(np.int32), z["data"].astype(np.float64)
    side = 734  # ~10^6 streets: 734 × 734 junctions, 80 m blocks
    n = side * side
    node = np.arange(n).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    from scipy.sparse import csr_matrix
    w = np.full(len(u), 80.0)
    m = csr_matrix((np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n))
    return m.indptr.astype(np.int32), m.indices.astype(np.int32), m.data


def facility_rows(indptr, indices, data, types: int, sources: int, seed: int = 0) -> list:
    """Per facility type, the virtual rows of ``sources`` facilities, each on a random edge at a
    random point ``t`` along it after a connector ``c``: one-way edges to both of its ends."""
    rng = np.random.default_rng(seed)
    n, m = len(indptr) - 1, len(indices)
    row_of = np.repeat(np.arange(n), np.diff(indptr))
    out = []
    for _ in range(types):
        entry = rng.integers(0, m, sources)
        u, v, L = row_of[entry], indices[entry], data[entry]
        t, c = rng.uniform(0, 1, sources) * L, rng.uniform(0, 30, sources)
        extra_indices = np.column_stack([u, v]).ravel().astype(np.int32)
        extra_data = np.column_stack([c + t, c + (L - t)]).ravel()
        extra_indptr = (m + 2 * np.arange(1, sources + 1)).astype(np.int32)
        out.append((extra_indptr, extra_indices, extra_data))
    return out


def timed(fn, repeat: int):
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return out, statistics.median(walls), statistics.median(cpus)


def cpu_s(pid: int) -> float:
    """A process's CPU time (user + system) so far, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def vm_hwm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            return int(f.read().split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return float("nan")


COLD_WARM = """
import sys, time
sys.path.insert(0, {root!r})
from lifecircle_desktop.model.search_pool import SearchPool
import numpy as np
pool = SearchPool({workers})
t = time.perf_counter()
pool.warm()
returned = time.perf_counter() - t
with pool.share(np.array([0, 1, 2], np.int32), np.array([1, 0], np.int32), np.ones(2)) as g:
    futures = [pool.search(g, np.array([3], np.int32), np.array([0], np.int32), np.zeros(1), 10.0) for _ in range({workers})]
    first = futures[0].result(120)
    for f in futures: f.result(120)
    ready = time.perf_counter() - t
pool.close()
print(returned, ready)
"""


def main(argv=None) -> None:
    from lifecircle_desktop.model.search_pool import SearchPool, search_here

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", default="/tmp/g6.npz")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--types", type=int, default=8)
    ap.add_argument("--sources", type=int, default=1250)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    indptr, indices, data = load_graph(args.graph)
    rows = facility_rows(indptr, indices, data, args.types, args.sources)
    n, m = len(indptr) - 1, len(indices)
    print(f"graph: {n:,} nodes, {m:,} one-way edges ({'file ' + args.graph if Path(args.graph).exists() else 'synthetic grid'}); "
          f"{args.types} facility types × {args.sources:,} sources; limit {LIMIT_M:.0f} m; "
          f"{os.cpu_count()} CPUs; repeat {args.repeat} (medians)")

    def in_process():
        return [search_here(indptr, indices, data, *r, LIMIT_M) for r in rows]

    expected, here_wall, here_cpu = timed(in_process, args.repeat)
    print(f"  {args.types} searches in-process, one after another (peer):  {here_wall:6.2f} s wall  {here_cpu:6.2f} s CPU")

    # warm-up: a fresh interpreter, so that the fork server starts too (as at the app's start)
    warm = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-c", COLD_WARM.format(root=str(ROOT), workers=args.workers)],
                             capture_output=True, text=True, timeout=300)
        warm.append([float(x) for x in out.stdout.split()] if out.returncode == 0 else [float("nan")] * 2)
    print(f"  warm(): returns in {statistics.median(w[0] for w in warm) * 1000:5.1f} ms; "
          f"all {args.workers} workers have answered a search after {statistics.median(w[1] for w in warm):5.2f} s "
          f"(fresh process: fork server started, numpy + scipy.sparse.csgraph imported)")

    pool = SearchPool(args.workers)
    pool.warm()
    try:
        with pool.share(np.array([0, 1, 2], np.int32), np.array([1, 0], np.int32), np.ones(2)) as tiny:
            ready = [pool.search(tiny, np.array([3], np.int32), np.array([0], np.int32), np.zeros(1), 10.0)
                     for _ in range(args.workers)]
            for f in ready:
                f.result(120)  # the workers are up: what follows is the searches' own cost
        graph, share_wall, share_cpu = timed(lambda: pool.share(indptr, indices, data), 1)
        print(f"  share() the base rows ({(4 * (n + 1) + 12 * m) / 2**20:.0f} MB):  {share_wall * 1000:6.1f} ms")

        def through_pool():
            futures = [pool.search(graph, *r, LIMIT_M) for r in rows]
            return [f.result(600) for f in futures]

        pids = pool.worker_pids()
        before = [cpu_s(p) for p in pids]
        first, wall_first, cpu_first = timed(through_pool, 1)
        first_cpu = [cpu_s(p) - b for p, b in zip(pids, before)]
        before = [cpu_s(p) for p in pids]
        got, wall, cpu = timed(through_pool, args.repeat)
        workers_cpu = [(cpu_s(p) - b) / args.repeat for p, b in zip(pids, before)]
        same = all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(got, expected))
        print(f"  {args.types} searches via the pool ({args.workers} workers), first on a new graph:  "
              f"{wall_first:6.2f} s wall  {cpu_first:6.2f} s CPU here, workers "
              f"{' + '.join(f'{c:.2f}' for c in first_cpu)} s CPU (each maps the graph and copies its rows once)")
        print(f"  {args.types} searches via the pool ({args.workers} workers), warm:  {wall:6.2f} s wall  "
              f"{cpu:6.2f} s CPU here, workers {' + '.join(f'{c:.2f}' for c in workers_cpu)} s CPU "
              f"(mean of the rounds; same answers as in-process: {same})")

        # while this process works on something else (the homes' snapping, 1.75 s at 10^6)
        def busy(seconds_of_work):
            x = np.random.default_rng(1).random(200_000)
            for _ in range(seconds_of_work):
                np.sort(x)
        loops = 1
        t = time.perf_counter()
        busy(loops)
        one = time.perf_counter() - t
        loops = max(1, int(1.75 / one))

        def alone():
            busy(loops)

        _, busy_wall, _ = timed(alone, args.repeat)

        def overlapped():
            futures = [pool.search(graph, *r, LIMIT_M) for r in rows]
            busy(loops)
            return [f.result(600) for f in futures]

        def overlapped_then_here():
            """Once free, this process takes back the searches no worker has begun."""
            futures = [pool.search(graph, *r, LIMIT_M) for r in rows]
            busy(loops)
            return [search_here(indptr, indices, data, *r, LIMIT_M) if f.cancel() else f.result(600)
                    for f, r in zip(futures, rows)]

        _, over_wall, over_cpu = timed(overlapped, args.repeat)
        _, steal_wall, steal_cpu = timed(overlapped_then_here, args.repeat)
        print(f"  the same while this process does {busy_wall:.2f} s of other work:  {over_wall:6.2f} s wall; "
              f"taking back the searches not begun once free: {steal_wall:6.2f} s wall "
              f"(in-process, one after the other: {busy_wall + here_wall:.2f} s)")

        tiny = pool.share(np.array([0, 1, 2], np.int32), np.array([1, 0], np.int32), np.ones(2))
        small = (np.array([3], np.int32), np.array([0], np.int32), np.zeros(1))
        per = []
        for _ in range(50):
            t = time.perf_counter()
            pool.search(tiny, *small, 10.0).result(60)
            per.append(time.perf_counter() - t)
        tiny.close()
        print(f"  overhead per search (a 2-node graph, round trip):  {statistics.median(per) * 1000:6.2f} ms")
        hwm = [vm_hwm_mb(pid) for pid in pool.worker_pids()]
        print(f"  workers' peak memory (VmHWM):  {', '.join(f'{h:.0f} MB' for h in hwm)}; this process: "
              f"{vm_hwm_mb(os.getpid()):.0f} MB")
        graph.close()
    finally:
        pool.close()


if __name__ == "__main__":
    main()

"""District-scale benchmark (issue 17, design.md §8): synthetic street grids of 10^4, 10^5 and 10^6
walking edges (bench/synthetic.py; homes = edges/10, facilities = edges/100 over several types, stops).

    python bench/bench_scale.py [--sizes 10000,100000,1000000] [--repeat N] [--moves N] [--json]
    python bench/bench_scale.py --from-json FILE   (the report of an earlier --json run)
    make bench-scale

For each size: the network import (OSM XML file → new plan, ``create_plan_from_osm``: the real
importer), opening the plan (``PlanSession.open`` to its first snapshot), full validation,
re-validation after moving one facility (the desktop's path: ``session.apply`` of the move edit,
a snapshot, ``Validator.update``; p50/p95 over ``--moves`` random moves), peak memory and the plan's
file size; the graph built from 10^5 drawn paths (no OSM node ids: noded geometrically), and re-validation
after drawing one more path on that plan (re-noding only around it); networkx's
multi-source Dijkstra on the same edges as a peer (up to 10^5 edges). Each step runs in a fresh
process, and its peak memory is that process's VmHWM (/proc/self/status; not ru_maxrss, which
Linux carries across exec from the forked parent). Medians of ``--repeat`` runs (the import: one
run at 10^6).
Nothing here asserts: the budgets (issue 17) are printed beside each figure with PASS/FAIL.
Not part of ``make bench`` (it takes minutes).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10_000, 100_000, 1_000_000)
# Edges of the drawn-paths plan: ~10^5 lines (a synthetic way holds ~2.6 edges).
DRAWN_EDGES = 260_000
PATH_EDITS = 10  # paths drawn one at a time on the drawn-paths plan
PEER_MAX_EDGES = 100_000
# Issue 17's budgets, per size: (figure, limit, unit). A figure without a budget at a size prints none.
BUDGETS = {
    1_000_000: {"revalidate_p50_ms": 100, "full_s": 5, "open_s": 2, "import_s": 20, "peak_mb": 1536},
    100_000: {"revalidate_p50_ms": 30, "full_s": 0.5, "peak_mb": 400},
}
DRAWN_BUDGET = {"build_s": 2, "build_mb": 500}


# --- the steps, each run in a fresh process ---------------------------------------------------
def _peak_mb() -> float:
    with open("/proc/self/status") as f:
        return int(f.read().split("VmHWM:")[1].split()[0]) / 1024


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) / 1024


def step_import(osm: str, out: str) -> dict:
    from lifecircle_desktop.model.session import create_plan_from_osm
    t, cpu = time.perf_counter(), time.process_time()
    session, summary = create_plan_from_osm(osm, out, name="bench")
    session.plan.close()
    return {"import_s": time.perf_counter() - t, "import_cpu_s": time.process_time() - cpu, "peak_mb": _peak_mb(),
            "layers": summary["layers"]}


def step_open(path: str) -> dict:
    from lifecircle_desktop.model.session import PlanSession
    t, cpu = time.perf_counter(), time.process_time()
    session = PlanSession.open(path)
    session.snapshot()
    return {"open_s": time.perf_counter() - t, "open_cpu_s": time.process_time() - cpu, "peak_mb": _peak_mb()}


def step_validate(path: str, moves: int, seed: int) -> dict:
    import numpy as np

    from bench.synthetic import move_facility
    from lifecircle_desktop.model.session import PlanSession
    from lifecircle_desktop.model.validate import Validator

    session = PlanSession.open(path)
    validator = Validator(session.enabled_packs(), catalogue=session.catalogue)
    snapshot = session.snapshot()
    t, cpu = time.perf_counter(), time.process_time()
    results = validator.full(snapshot)
    full_s, full_cpu_s = time.perf_counter() - t, time.process_time() - cpu
    workers = _search_workers()  # right after the full run, the only one that hands searches out
    rng = np.random.default_rng(seed)
    update_ms, update_cpu_ms, edit_ms = [], [], []
    for i in range(moves):
        t0 = time.perf_counter()
        changes = move_facility(session, rng)
        snapshot = session.snapshot(version=i + 1)
        t1, cpu = time.perf_counter(), time.process_time()
        validator.update(snapshot, changes)
        t2 = time.perf_counter()
        update_ms.append((t2 - t1) * 1e3)
        update_cpu_ms.append((time.process_time() - cpu) * 1e3)
        edit_ms.append((t2 - t0) * 1e3)
    return {"full_s": full_s, "full_cpu_s": full_cpu_s, "workers": workers,
            "homes": len(results.home_ids), "findings": len(results.findings),
            "revalidate_ms": update_ms, "revalidate_cpu_ms": update_cpu_ms, "edit_to_results_ms": edit_ms, "peak_mb": _peak_mb()}


def _search_workers() -> dict:
    """The search workers' (model/search_pool.py) memory and CPU time so far. Memory is each one's
    proportional set size (Pss, /proc/<pid>/smaps_rollup) at the end of the run — its own pages and
    its share of those it shares with the fork server, its sibling and the validator (the graph in
    shared memory, which the validator's VmHWM counts already); a worker's memory does not fall
    after its searches, so this is its peak. CPU: utime + stime from /proc/<pid>/stat."""
    from lifecircle_desktop.model import search_pool
    pool = search_pool.shared_pool()
    pss, cpu, n = 0.0, 0.0, 0
    for pid in (pool.worker_pids() if pool is not None else []):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                pss += int(f.read().split("Pss:")[1].split()[0]) / 1024
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            n += 1
        except (OSError, IndexError, ValueError):
            continue
    return {"count": n, "peak_mb": pss, "cpu_s": cpu}


def step_graph(path: str) -> dict:
    """The walking graph of a plan built from its lines (drawn: no OSM node ids), as the validator
    builds it: from the layer's columns (``WalkGraph.from_table``, model/validate.walk_graph)."""
    from lifecircle_desktop.model.network import WalkGraph
    from lifecircle_desktop.model.session import PlanSession

    session = PlanSession.open(path)
    features = session.snapshot().table("walk_network")
    with_ids = sum(1 for ids in features.column("node_ids") if ids)
    before = _rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    graph = WalkGraph.from_table(features)
    seconds, cpu_s = time.perf_counter() - t, time.process_time() - cpu
    peak = _peak_mb()
    return {"build_s": seconds, "build_cpu_s": cpu_s, "build_mb": peak - before, "peak_mb": peak, "paths": len(features),
            "paths_with_node_ids": with_ids, "nodes": graph.n_nodes, "edges": graph.n_edges}


def step_path_edit(path: str, edits: int, seed: int) -> dict:
    """Drawing one path on the drawn-paths plan (a short path from a vertex of a random path, the
    desktop's path: ``session.apply``, a snapshot, ``Validator.update``), ``edits`` times. Beside it,
    the graph alone: noded again around the new path (``network.renode``) and built in full (what
    every path edit cost before: ``Validator.update`` ran a full validation with a new graph)."""
    import numpy as np
    from shapely.geometry import LineString

    from lifecircle_desktop.model.edits import AddFeature
    from lifecircle_desktop.model.network import WalkGraph
    from lifecircle_desktop.model.session import PlanSession
    from lifecircle_desktop.model.validate import Validator, walk_graph

    session = PlanSession.open(path)
    validator = Validator(session.enabled_packs(), catalogue=session.catalogue)
    snapshot = session.snapshot()
    t = time.perf_counter()
    validator.full(snapshot)
    full_s = time.perf_counter() - t
    rng = np.random.default_rng(seed)
    table = snapshot.table("walk_network")
    update_ms, renode_ms, build_ms = [], [], []
    for i in range(edits):
        line = table.geometry[int(rng.integers(len(table)))]
        start = np.asarray(line.coords)[0]
        edit = AddFeature("walk_network", LineString([start, start + rng.normal(0, 30, 2)]), {"class": "path"})
        before = walk_graph(snapshot)
        changes = session.apply(edit)
        snapshot = session.snapshot(version=i + 1)
        t0 = time.perf_counter()
        validator.update(snapshot, changes)
        update_ms.append((time.perf_counter() - t0) * 1e3)
        new_table = snapshot.table("walk_network")
        t0 = time.perf_counter()
        WalkGraph.from_table(new_table, since=(before, changes.touched("walk_network")))
        renode_ms.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        WalkGraph.from_table(new_table)
        build_ms.append((time.perf_counter() - t0) * 1e3)
    return {"paths": len(table), "full_s": full_s, "revalidate_ms": update_ms, "renode_ms": renode_ms,
            "build_ms": build_ms, "peak_mb": _peak_mb()}


def step_peer(path: str, repeat: int) -> dict:
    """Homes ← nearest kindergarten within 2 km: our graph (build + multi-source Dijkstra) and
    networkx (graph from the very same edges + multi_source_dijkstra_path_length)."""
    import networkx as nx
    import numpy as np

    from lifecircle_desktop.model.network import WalkGraph, access_points
    from lifecircle_desktop.model.session import PlanSession

    session = PlanSession.open(path)
    snap = session.snapshot()
    walk = snap.features("walk_network")
    limit = 2000.0
    ours_build, ours_search, nx_build, nx_search = [], [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        graph = WalkGraph.from_features(walk)
        ours_build.append(time.perf_counter() - t)
    sources = access_points({f.fid: f.geometry for f in snap.features("facilities") if f.get("type") == "kindergarten"},
                            (), graph)
    targets = access_points({f.fid: f.geometry for f in snap.features("residential")}, (), graph)
    for _ in range(repeat):
        t = time.perf_counter()
        ours = graph.nearest(sources, targets, limit)
        ours_search.append(time.perf_counter() - t)
    edges = graph.edge_list(sources, targets)
    for _ in range(repeat):
        t = time.perf_counter()
        g = nx.DiGraph()
        g.add_weighted_edges_from(edges)
        nx_build.append(time.perf_counter() - t)
    src_nodes = {a for a, _b, _w in edges if isinstance(a, tuple) and a[0] == "source"}
    for _ in range(repeat):
        t = time.perf_counter()
        dist = nx.multi_source_dijkstra_path_length(g, src_nodes, cutoff=limit)
        nx_search.append(time.perf_counter() - t)
    reached_nx = sum(1 for n in dist if isinstance(n, tuple) and n[0] == "target")
    reached_ours = int(np.isfinite(ours.distance).sum())
    m = statistics.median
    return {"edges": len(edges), "sources": len(sources), "targets": len(targets),
            "ours_build_s": m(ours_build), "ours_search_s": m(ours_search),
            "networkx_build_s": m(nx_build), "networkx_search_s": m(nx_search),
            "homes_reached": {"ours": reached_ours, "networkx": reached_nx}}


STEPS = {"import": step_import, "open": step_open, "validate": step_validate, "graph": step_graph, "peer": step_peer,
         "path_edit": step_path_edit}


def run_step(name: str, *args) -> dict:
    """One step in a fresh Python process; its JSON answer."""
    code = ("import json, sys; sys.path.insert(0, %r)\n"
            "from bench.bench_scale import STEPS\n"
            "print(json.dumps(STEPS[%r](*%r)))") % (str(ROOT), name, list(args))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one size ---------------------------------------------------------------------------------
def median_p95(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def bench_size(edges: int, repeat: int, moves: int, seed: int, tmp: Path, log) -> dict:
    from bench import synthetic
    runs = 1 if edges >= 1_000_000 else repeat  # imports: 18 s each at 10^6
    t = time.perf_counter()
    osm = synthetic.osm_path(edges, seed)
    log(f"[{edges:,}] OSM file {osm.name} ({osm.stat().st_size / 2**20:.0f} MB, {time.perf_counter() - t:.1f} s)")
    out: dict = {"edges": edges, "osm_mb": osm.stat().st_size / 2**20}
    imports = []
    for k in range(runs):
        plan = tmp / f"scale-{edges}-{k}.gpkg"
        imports.append(run_step("import", str(osm), str(plan)))
        log(f"[{edges:,}] import {imports[-1]['import_s']:.2f} s, {imports[-1]['peak_mb']:.0f} MB")
    out["layers"] = imports[-1]["layers"]
    out["import_s"] = statistics.median(r["import_s"] for r in imports)
    out["import_cpu_s"] = statistics.median(r["import_cpu_s"] for r in imports)
    out["import_peak_mb"] = max(r["peak_mb"] for r in imports)
    out["plan_mb"] = plan.stat().st_size / 2**20
    opens = [run_step("open", str(plan)) for _ in range(repeat)]
    out["open_s"] = statistics.median(r["open_s"] for r in opens)
    out["open_cpu_s"] = statistics.median(r["open_cpu_s"] for r in opens)
    out["open_peak_mb"] = max(r["peak_mb"] for r in opens)
    out["open_runs_s"] = [r["open_s"] for r in opens]
    log(f"[{edges:,}] open {out['open_s']:.2f} s (runs {', '.join(f'{x:.2f}' for x in out['open_runs_s'])})")
    v = [run_step("validate", str(plan), moves, seed + k) for k in range(repeat)]
    out["full_runs_s"] = [r["full_s"] for r in v]
    out["homes"] = v[-1]["homes"]
    out["full_s"] = statistics.median(r["full_s"] for r in v)
    out["full_cpu_s"] = statistics.median(r["full_cpu_s"] for r in v)
    out["revalidate_cpu_p50_ms"] = statistics.median(x for r in v for x in r["revalidate_cpu_ms"])
    out["revalidate_p50_ms"], out["revalidate_p95_ms"] = median_p95([x for r in v for x in r["revalidate_ms"]])
    out["edit_to_results_p50_ms"], out["edit_to_results_p95_ms"] = median_p95([x for r in v for x in r["edit_to_results_ms"]])
    out["moves"] = sum(len(r["revalidate_ms"]) for r in v)
    out["workers"] = v[-1].get("workers", {"count": 0, "peak_mb": 0.0, "cpu_s": 0.0})
    # The validator's process (its VmHWM) and its search workers (their Pss) together.
    out["validate_peak_mb"] = max(r["peak_mb"] + r.get("workers", {}).get("peak_mb", 0.0) for r in v)
    out["peak_mb"] = max(out["import_peak_mb"], out["open_peak_mb"], out["validate_peak_mb"])
    log(f"[{edges:,}] full {out['full_s']:.2f} s, re-validation p50 {out['revalidate_p50_ms']:.0f} ms")
    if edges <= PEER_MAX_EDGES:
        out["peer"] = run_step("peer", str(plan), repeat)
    for k in range(runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp / f'scale-{edges}-{k}.gpkg'}{suffix}").unlink(missing_ok=True)
    return out


def bench_drawn(seed: int, tmp: Path, log) -> dict:
    from bench import synthetic
    plan = tmp / "drawn.gpkg"
    t = time.perf_counter()
    synthetic.make_plan(plan, DRAWN_EDGES, seed, node_ids=False)
    log(f"[drawn] plan of {DRAWN_EDGES:,} edges without node ids ready ({time.perf_counter() - t:.1f} s)")
    out = run_step("graph", str(plan))
    edit = run_step("path_edit", str(plan), PATH_EDITS, seed)
    out["path_edit"] = {"edits": len(edit["revalidate_ms"]), "full_s": edit["full_s"], "peak_mb": edit["peak_mb"],
                        **{f"{k}_p50": statistics.median(edit[k]) for k in ("revalidate_ms", "renode_ms", "build_ms")}}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{plan}{suffix}").unlink(missing_ok=True)
    return out


# --- report -----------------------------------------------------------------------------------
def verdict(value, limit) -> str:
    return "PASS" if value <= limit else "FAIL"


def budget_cell(edges: int, key: str, value: float, unit: str) -> str:
    limit = BUDGETS.get(edges, {}).get(key)
    return "" if limit is None else f" [≤ {limit:g} {unit} {verdict(value, limit)}]"


def verdicts(results: dict) -> dict:
    """PASS/FAIL per budget, keyed like the budgets ("1000000": {"import_s": "PASS", …}, "drawn": …)."""
    out = {}
    for r in results["sizes"]:
        limits = BUDGETS.get(r["edges"], {})
        if limits:
            out[str(r["edges"])] = {k: verdict(r[k], limit) for k, limit in limits.items()}
    if results.get("drawn"):
        out["drawn"] = {k: verdict(results["drawn"][k], limit) for k, limit in DRAWN_BUDGET.items()}
    return out


def _runs(r: dict, key: str) -> str:
    runs = r.get(key) or []
    return f" · runs {min(runs):.2f}–{max(runs):.2f} s" if len(runs) > 1 else ""


def _workers_cpu(r: dict) -> str:
    w = r.get("workers") or {}
    return f" + {w['count']} search workers {w['cpu_s']:.2f} s" if w.get("count") else ""


def _workers_peak(r: dict) -> str:
    w = r.get("workers") or {}
    return f" (incl. {w['count']} search workers {w['peak_mb']:.0f} MB)" if w.get("count") else ""


def report(results: dict) -> None:
    m = results["machine"]
    print(f"\n=== District scale (issue 17) — {m['date']} · {m['cpu']} · {m['cpus']} CPUs · {m['python']} ===")
    print(f"Each step in a fresh process; peak memory = that process's VmHWM. Medians; re-validation over random facility moves.\n"
          f"Load average when the run began: {m.get('load', '?')} (budgets are wall-clock; CPU = the process's own CPU time, "
          f"what a quiet machine would show)")
    for r in results["sizes"]:
        e = r["edges"]
        lay = r["layers"]
        print(f"\n--- {e:,} walking edges: {lay['walk_network']:,} paths, {lay['residential']:,} homes, "
              f"{lay['facilities']:,} facilities, {lay['stops']:,} stops; OSM file {r['osm_mb']:.0f} MB, plan {r['plan_mb']:.0f} MB")
        print(f"  import network (OSM → plan)   {r['import_s']:8.2f} s{budget_cell(e, 'import_s', r['import_s'], 's')}"
              f"   CPU {r['import_cpu_s']:.2f} s · peak {r['import_peak_mb']:.0f} MB")
        print(f"  open plan (to first snapshot) {r['open_s']:8.2f} s{budget_cell(e, 'open_s', r['open_s'], 's')}"
              f"   CPU {r['open_cpu_s']:.2f} s · peak {r['open_peak_mb']:.0f} MB{_runs(r, 'open_runs_s')}")
        print(f"  full validation               {r['full_s']:8.2f} s{budget_cell(e, 'full_s', r['full_s'], 's')}"
              f"   CPU {r['full_cpu_s']:.2f} s{_workers_cpu(r)} ({r['homes']:,} homes){_runs(r, 'full_runs_s')}")
        print(f"  re-validation, 1 move         p50 {r['revalidate_p50_ms']:.1f} ms{budget_cell(e, 'revalidate_p50_ms', r['revalidate_p50_ms'], 'ms')}"
              f" · p95 {r['revalidate_p95_ms']:.1f} ms  (CPU p50 {r['revalidate_cpu_p50_ms']:.1f} ms; {r['moves']} moves; Validator.update)")
        print(f"  edit → results (apply+snapshot+update) p50 {r['edit_to_results_p50_ms']:.1f} ms · p95 {r['edit_to_results_p95_ms']:.1f} ms")
        print(f"  peak memory (validate)        {r['validate_peak_mb']:8.0f} MB{_workers_peak(r)}   of all steps {r['peak_mb']:.0f} MB"
              f"{budget_cell(e, 'peak_mb', r['peak_mb'], 'MB')}")
        p = r.get("peer")
        if p:
            ours = p["ours_build_s"] + p["ours_search_s"]
            theirs = p["networkx_build_s"] + p["networkx_search_s"]
            print(f"  peer: homes ← nearest kindergarten ({p['edges']:,} directed edges, {p['sources']} sources, "
                  f"{p['targets']:,} homes; reached ours {p['homes_reached']['ours']} · networkx {p['homes_reached']['networkx']})")
            print(f"    ours     build {p['ours_build_s'] * 1e3:8.1f} ms + search {p['ours_search_s'] * 1e3:7.1f} ms")
            print(f"    networkx build {p['networkx_build_s'] * 1e3:8.1f} ms + search {p['networkx_search_s'] * 1e3:7.1f} ms"
                  f"   → ours {theirs / ours:.1f}× faster")
    d = results.get("drawn")
    if d:
        print(f"\n--- graph from {d['paths']:,} drawn paths (no OSM node ids: {d['paths_with_node_ids']} with ids), "
              f"{d['edges']:,} graph edges")
        print(f"  build {d['build_s']:.2f} s [≤ {DRAWN_BUDGET['build_s']} s {verdict(d['build_s'], DRAWN_BUDGET['build_s'])}]"
              f" (CPU {d['build_cpu_s']:.2f} s)"
              f" · memory +{d['build_mb']:.0f} MB [≤ {DRAWN_BUDGET['build_mb']} MB {verdict(d['build_mb'], DRAWN_BUDGET['build_mb'])}]"
              f" (process peak {d['peak_mb']:.0f} MB)")
        e = d.get("path_edit")
        if e:
            print(f"  one path drawn, p50 of {e['edits']}: re-validation {e['revalidate_ms_p50']:.0f} ms "
                  f"(the graph re-noded around it {e['renode_ms_p50']:.0f} ms; built in full {e['build_ms_p50']:.0f} ms, "
                  f"and before re-noding every path edit ran a full validation: {e['full_s']:.2f} s here)")
    print()
    table(results)


def table(results: dict) -> None:
    """The Markdown table docs/benchmarks.md carries."""
    print("| walking edges | homes | import network | open plan | full validation | re-validation p50 / p95 | "
          "CPU: import · open · full · re-validation p50 | peak memory (validate) | peak (all steps) | plan file |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results["sizes"]:
        print(f"| {r['edges']:,} | {r['homes']:,} | {r['import_s']:.1f} s | {r['open_s']:.2f} s | {r['full_s']:.2f} s | "
              f"{r['revalidate_p50_ms']:.0f} / {r['revalidate_p95_ms']:.0f} ms | {r['import_cpu_s']:.1f} s · "
              f"{r['open_cpu_s']:.2f} s · {r['full_cpu_s']:.2f} s · {r['revalidate_cpu_p50_ms']:.0f} ms | "
              f"{r['validate_peak_mb']:,.0f} MB | {r['peak_mb']:,.0f} MB | {r['plan_mb']:.0f} MB |")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": cpu, "cpus": os.cpu_count(),
            "python": platform.python_version(), "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="walking edges, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (the import: one at 10^6)")
    ap.add_argument("--moves", type=int, default=20, help="facility moves per validation run (≥ 20)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-drawn", action="store_true", help="skip the graph from drawn paths")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object (progress on stderr)")
    ap.add_argument("--from-json", metavar="FILE", help="print the report of an earlier --json run")
    a = ap.parse_args(argv)
    if a.from_json:
        with open(a.from_json, encoding="utf-8") as f:
            report(json.load(f))
        return
    sizes = [int(float(s)) for s in a.sizes.split(",") if s.strip()]

    def log(msg):
        print(msg, file=sys.stderr, flush=True)
    results = {"machine": machine(), "sizes": []}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as d:
        for edges in sizes:
            results["sizes"].append(bench_size(edges, a.repeat, max(1, a.moves), a.seed, Path(d), log))
        if not a.no_drawn:
            results["drawn"] = bench_drawn(a.seed, Path(d), log)
    results["budgets"] = {str(k): v for k, v in BUDGETS.items()} | {"drawn": DRAWN_BUDGET}
    results["verdicts"] = verdicts(results)
    if a.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
    else:
        report(results)


if __name__ == "__main__":
    main()

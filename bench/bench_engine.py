"""Engine benchmarks (design.md §8): import, graph build, full validation, re-validation after
moving one facility, peak memory — on the Siping demo data and all of Malta — with peers measured in
the same run: osmnx ``graph_from_xml`` (+ projection) on the same walk-filtered data, and networkx
multi-source Dijkstra on the same edges.

    python bench/bench_engine.py [--repeat N] [--quick]

Prints medians (and p95 where it matters) and the data sizes. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"
DATA = {
    "siping": REAL / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm",
    "malta": REAL / "malta_2018" / "malta-latest-2018-08-27.osm.pbf",
}
BUDGET = {"revalidate_siping_ms": 20, "revalidate_malta_ms": 100, "import_malta_s": 3, "full_malta_s": 1,
          "memory_malta_mb": 1024}


def median_p95(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def timed(fn, repeat):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, times


def walk_filtered_xml(src: Path, dst: Path) -> tuple[int, int]:
    """The walkable ways of ``src`` (our filter = osmnx's walk filter) and their nodes, as OSM XML,
    so that osmnx reads exactly the data our importer walks on."""
    from lifecircle_desktop.model.io.osm import is_walkable
    from lifecircle_desktop.model.io.osm_reader import read_osm
    data = read_osm(src)
    coords = {int(i): (float(x), float(y)) for i, x, y in zip(data.node_ids, data.lon, data.lat)}
    off = data.way_offsets
    ways = [(int(data.way_ids[i]), data.way_refs[off[i]:off[i + 1]].tolist(), data.way_tags[i])
            for i in range(len(data.way_ids)) if is_walkable(data.way_tags[i])]
    used = sorted({int(n) for _, refs, _ in ways for n in refs if int(n) in coords})
    with open(dst, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="lifecircle-bench">\n')
        for n in used:
            lon, lat = coords[n]
            f.write(f'<node id="{n}" lat="{lat:.7f}" lon="{lon:.7f}" version="1"/>\n')
        for wid, refs, tags in ways:
            f.write(f'<way id="{wid}" version="1">')
            f.write("".join(f'<nd ref="{int(r)}"/>' for r in refs if int(r) in coords))
            f.write("".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()))
            f.write("</way>\n")
        f.write("</osm>\n")
    return len(used), len(ways)


def bench_place(name: str, repeat: int, tmp: Path) -> dict:
    from shapely import affinity

    from lifecircle_desktop.model import ChangeGeometry, Plan
    from lifecircle_desktop.model.io.osm import import_osm_new
    from lifecircle_desktop.model.network import WalkGraph
    from lifecircle_desktop.model.rules import load_packs
    from lifecircle_desktop.model.session import PlanSession
    from lifecircle_desktop.model.snapshot import take_snapshot
    from lifecircle_desktop.model.validate import Validator

    src = DATA[name]
    out: dict = {"place": name, "file": src.name, "file_mb": round(src.stat().st_size / 2**20, 2)}
    packs = load_packs()

    # 1. Import to a validated plan (read + classify + project + write the GeoPackage + full validation).
    def do_import():
        path = tmp / f"{name}-{time.perf_counter_ns()}.gpkg"
        t = time.perf_counter()
        plan, summary = import_osm_new(src, path)
        t_import = time.perf_counter() - t
        Validator(packs).full(take_snapshot(plan))
        t_total = time.perf_counter() - t
        plan.close()
        return path, summary, t_import, t_total
    runs = [do_import() for _ in range(repeat)]
    path, summary = runs[-1][0], runs[-1][1]
    out["import_s"] = statistics.median(r[2] for r in runs)
    out["import_to_validated_s"] = statistics.median(r[3] for r in runs)
    out["layers"] = summary["layers"]

    # 2. Graph build and full validation on the imported plan.
    plan = Plan.open(path)
    snap = take_snapshot(plan)
    walk = snap.features("walk_network")
    graph, t_graph = timed(lambda: WalkGraph.from_features(walk), repeat)
    out["graph"] = {"nodes": graph.n_nodes, "edges": graph.n_edges}
    out["graph_build_s"] = statistics.median(t_graph)
    validator = Validator(packs)
    results, t_full = timed(lambda: validator.full(snap), repeat)
    out["full_validation_s"] = statistics.median(t_full)
    out["homes"] = len(results.nearest)
    out["rules"] = len(results.findings)
    out["types_with_distances"] = len(validator._walk.by_type)

    # 3. Re-validation after moving one facility (the live loop's unit of work), p50/p95.
    facs = [f for f in plan.features("facilities") if f.get("type") in ("supermarket", "convenience_store",
                                                                         "restaurant", "primary_school")]
    fac = facs[len(facs) // 2] if facs else plan.features("facilities")[0]
    edit_times, reval_times = [], []
    session = PlanSession(plan, packs=packs)
    for i in range(max(20, repeat * 10)):
        dx = 40.0 if i % 2 == 0 else -40.0
        t = time.perf_counter()
        changes = session.apply(ChangeGeometry.of(plan, "facilities", fac.fid,
                                                  affinity.translate(plan.feature("facilities", fac.fid).geometry, dx, 0)))
        edit_times.append(time.perf_counter() - t)
        snap = take_snapshot(plan, version=i + 1)
        t = time.perf_counter()
        validator.update(snap, changes)
        reval_times.append(time.perf_counter() - t)
    p50, p95 = median_p95(reval_times)
    out["revalidate_ms"] = {"p50": p50 * 1e3, "p95": p95 * 1e3, "moved": fac.get("type"), "runs": len(reval_times)}
    out["edit_commit_ms_p50"] = statistics.median(edit_times) * 1e3
    snap_t = timed(lambda: take_snapshot(plan), 5)[1]
    out["snapshot_ms_p50"] = statistics.median(snap_t) * 1e3

    # 4. Peer: networkx multi-source Dijkstra on the very same edges (homes ← one facility type).
    try:
        import networkx as nx
        from lifecircle_desktop.model.network import access_points
        t_type = validator._walk.by_type and max(validator._walk.by_type, key=lambda k: (k == fac.get("type"), k))
        srcs = [f for f in snap.features("facilities") if f.get("type") == t_type] or [fac]
        sources = access_points({f.fid: f.geometry for f in srcs}, (), graph)
        targets = validator._walk.homes
        _, t_ours = timed(lambda: graph.nearest(sources, targets, 2000.0), repeat * 3)
        edges = graph.edge_list(sources, targets)
        g = nx.DiGraph()
        g.add_weighted_edges_from((a, b, w) for a, b, w in edges)
        src_nodes = {a for a, b, w in edges if isinstance(a, tuple) and a[0] == "source"}
        _, t_nx = timed(lambda: nx.multi_source_dijkstra_path_length(g, src_nodes, cutoff=2000.0), repeat * 3)
        out["dijkstra_ms"] = {"ours_scipy": statistics.median(t_ours) * 1e3, "networkx": statistics.median(t_nx) * 1e3,
                              "edges": len(edges)}
    except Exception as e:  # the peer must not hide our own figures
        out["dijkstra_ms"] = {"error": f"{type(e).__name__}: {e}"}
    plan.close()

    # 5. Peer: osmnx graph_from_xml (+ project_graph) on the same walk-filtered data.
    try:
        import osmnx as ox
        xml = tmp / f"{name}-walk.osm"
        n_nodes, n_ways = walk_filtered_xml(src, xml)

        def osmnx_graph():
            g = ox.graph_from_xml(xml, bidirectional=True, simplify=True, retain_all=True)
            return ox.project_graph(g)
        g, t_ox = timed(osmnx_graph, repeat)
        out["osmnx_graph_from_xml_s"] = statistics.median(t_ox)
        out["osmnx_input"] = {"nodes": n_nodes, "ways": n_ways, "graph_nodes": g.number_of_nodes(),
                              "graph_edges": g.number_of_edges()}
        out["import_speedup_vs_osmnx"] = out["osmnx_graph_from_xml_s"] / out["import_to_validated_s"]
    except Exception as e:
        out["osmnx_graph_from_xml_s"] = f"unavailable ({type(e).__name__}: {e})"

    # 6. Peak memory with the plan open and validated, in a fresh process. VmHWM, not ru_maxrss:
    # Linux carries ru_maxrss across exec from the forked copy of this (large) process.
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from lifecircle_desktop.model import Plan\n"
            "from lifecircle_desktop.model.snapshot import take_snapshot\n"
            "from lifecircle_desktop.model.validate import Validator\n"
            "p = Plan.open(%r); Validator().full(take_snapshot(p))\n"
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])") % (str(ROOT), str(path))
    rss_kb = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    out["peak_memory_mb"] = rss_kb / 1024
    return out


def report(r: dict) -> None:
    name = r["place"]
    print(f"\n=== {name}: {r['file']} ({r['file_mb']} MB) ===")
    print(f"  data: {json.dumps(r['layers'], ensure_ascii=False)}")
    print(f"  walking graph: {r['graph']['nodes']} nodes, {r['graph']['edges']} edges; homes {r['homes']}; "
          f"rules {r['rules']}; facility types with distances {r['types_with_distances']}")
    print(f"  import (read+build+write)      median {r['import_s']:.2f} s")
    print(f"  import → validated plan        median {r['import_to_validated_s']:.2f} s"
          + (f"   [budget {BUDGET['import_malta_s']} s]" if name == "malta" else ""))
    print(f"  graph build                    median {r['graph_build_s'] * 1e3:.0f} ms")
    print(f"  full validation                median {r['full_validation_s'] * 1e3:.0f} ms"
          + (f"   [budget {BUDGET['full_malta_s'] * 1000} ms]" if name == "malta" else ""))
    rv = r["revalidate_ms"]
    budget = BUDGET["revalidate_malta_ms"] if name == "malta" else BUDGET["revalidate_siping_ms"]
    print(f"  re-validation, 1 {rv['moved']} moved  p50 {rv['p50']:.1f} ms  p95 {rv['p95']:.1f} ms  "
          f"({rv['runs']} runs)   [budget {budget} ms]")
    print(f"  (the edit's own commit: p50 {r['edit_commit_ms_p50']:.1f} ms; snapshot {r['snapshot_ms_p50']:.1f} ms)")
    d = r["dijkstra_ms"]
    if "error" in d:
        print(f"  peer networkx Dijkstra: {d['error']}")
    else:
        print(f"  multi-source Dijkstra ({d['edges']} edges): ours (scipy) {d['ours_scipy']:.1f} ms · "
              f"networkx {d['networkx']:.1f} ms  → {d['networkx'] / d['ours_scipy']:.0f}× faster")
    ox_s = r["osmnx_graph_from_xml_s"]
    if isinstance(ox_s, float):
        o = r["osmnx_input"]
        print(f"  peer osmnx graph_from_xml+project ({o['nodes']} nodes, {o['ways']} ways → {o['graph_edges']} edges): "
              f"median {ox_s:.2f} s → our whole import-to-validated is {r['import_speedup_vs_osmnx']:.1f}× faster"
              + ("   [budget ≥ 10×]" if name == "malta" else ""))
    else:
        print(f"  peer osmnx: {ox_s}")
    print(f"  peak memory, plan open + validated: {r['peak_memory_mb']:.0f} MB"
          + (f"   [budget {BUDGET['memory_malta_mb']} MB]" if name == "malta" else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=list(DATA))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for name in ([a.only] if a.only else list(DATA)):
            report(bench_place(name, a.repeat, Path(d)))


if __name__ == "__main__":
    main()

"""Siting suggestions (issue 15 point 4, design.md §8: demo ≤ 1 s, Malta with 10^3 candidates ≤ 10 s).

    python bench/bench_siting.py [--repeat N] [--quick]

For the Siping demo and for all of Malta (imported from the PBF into a temporary plan): the time of
``PlanSession.suggest`` for a kindergarten (K = 3 on the demo, 5 on Malta) given the current
validation run (as the desktop has it), and with that validation included; the data sizes
(network edges, candidates, those reaching an uncovered home, distinct ones, uncovered homes). Peer
in the same run, on the very same coverage matrix: spopt's MCLP (PuLP + CBC; `pip install spopt`,
the ``bench`` extra), beside our CELF greedy and our exact MILP (scipy.optimize.milp/HiGHS), with
the households each choice covers. If spopt cannot be imported, scipy's MILP is the only peer and
the output says so. Prints medians; nothing here asserts.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"
MALTA = REAL / "malta_2018" / "malta-latest-2018-08-27.osm.pbf"
BUDGET_S = {"siping": 1.0, "malta": 10.0}
SPOPT_MAX_CELLS = 2_000_000  # spopt's dense cost matrix and CBC beyond this take minutes


def timed(fn, repeat):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times), times


def peers(p, k, repeat) -> dict:
    """Our greedy and exact choice and spopt's MCLP on the same (distinct candidate × home) matrix."""
    import numpy as np

    from lifecircle_desktop.model import siting
    out = {}
    rows, t, _ = timed(lambda: siting.greedy(p.cover, p.weights, k), repeat)
    out["ours_greedy"] = (t, siting.covered_weight(p.cover, p.weights, rows))
    rows, t, _ = timed(lambda: siting.exact(p.cover, p.weights, k, time_limit=60), 1)
    out["ours_exact_milp"] = (t, siting.covered_weight(p.cover, p.weights, rows) if rows is not None else None)
    try:
        import pulp
        from spopt.locate import MCLP
    except ImportError as e:
        out["spopt"] = f"not installed ({e}); scipy.optimize.milp above is the peer"
        return out
    cells = p.cover.shape[0] * p.cover.shape[1]
    if cells > SPOPT_MAX_CELLS:
        out["spopt_mclp_cbc"] = f"skipped: {cells:,} cells (CBC took 117 s on Malta's 6.8 million)"
        return out
    # spopt wants clients × facilities costs and a radius: 0 where covered, 1 elsewhere, radius 0.5.
    cost = np.where(p.cover.toarray().T, 0.0, 1.0)

    def solve():
        model = MCLP.from_cost_matrix(cost, p.weights, service_radius=0.5, p_facilities=k)
        return model.solve(pulp.PULP_CBC_CMD(msg=False))
    model, t, _ = timed(solve, 1 if cost.size > 2e6 else repeat)
    chosen = [j for j in range(cost.shape[1]) if model.fac_vars[j].value() and model.fac_vars[j].value() > 0.5]
    out["spopt_mclp_cbc"] = (t, siting.covered_weight(p.cover, p.weights, chosen))
    return out


def bench(name: str, path: Path, count: int, candidates: str, kinds: tuple, repeat: int) -> None:
    from lifecircle_desktop.model import siting
    from lifecircle_desktop.model.network import WalkGraph
    from lifecircle_desktop.model.session import PlanSession

    session = PlanSession.open(path)
    try:
        results, t_validate, _ = timed(session.validate, 1)
        args = dict(count=count, candidates=candidates, kinds=kinds)
        suggestion, t_suggest, times = timed(lambda: session.suggest("kindergarten", results=results, **args), repeat)
        _, t_total, _ = timed(lambda: session.suggest("kindergarten", **args), max(1, repeat // 2))
        snapshot = session.snapshot()
        graph = WalkGraph.from_features(snapshot.features("walk_network"))
        finding = siting.failing_finding(results, "kindergarten")
        area = siting.footprint_area("kindergarten", session.area_minimum("kindergarten"), session.catalogue)
        p = siting.problem(snapshot, results, session.rule(finding.rule), finding, "kindergarten", session.catalogue,
                           area, False, siting.Candidates(candidates, kinds), graph=graph)
        what = f"{candidates}" + (f" ({', '.join(kinds)})" if kinds else "")
        print(f"\n== {name}: kindergarten, rule {finding.rule} (≤ {finding.limit_m:.0f} m), K = {count}, candidates: {what}")
        print(f"  network: {graph.n_nodes:,} nodes, {graph.n_edges:,} edges; homes of the rule: {len(p.need.home_ids):,}, "
              f"uncovered that one facility could bring in: {len(p.home_ids):,} ({p.weights.sum():,.0f} households)")
        print(f"  candidates: {suggestion.candidates:,}; reaching an uncovered home: {suggestion.useful:,}; "
              f"distinct: {p.cover.shape[0]:,}; coverage matrix: {p.cover.shape[0]:,} × {p.cover.shape[1]:,}, "
              f"{p.cover.nnz:,} pairs")
        print(f"  suggest (validation given): median {t_suggest:.3f} s over {len(times)} runs "
              f"(min {min(times):.3f}, max {max(times):.3f}); budget {BUDGET_S[name]:g} s; method {suggestion.method}")
        print(f"  suggest with a fresh validation: median {t_total:.3f} s (validation alone {t_validate:.3f} s)")
        print("  sites: " + "; ".join(f"{s.rank}. +{s.households:,.0f} → {s.coverage_after:.1f}%" for s in suggestion.sites))
        print("  solvers on the same matrix (time s, households covered):")
        for solver, got in peers(p, count, repeat).items():
            print(f"    {solver:<18} {got}" if isinstance(got, str) else
                  f"    {solver:<18} {got[0]:8.3f} s  {'—' if got[1] is None else f'{got[1]:,.0f}'}")
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the demo only")
    args = parser.parse_args()
    from lifecircle_desktop.model.resources import DEMO_PLAN
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "siping.gpkg"
        shutil.copyfile(DEMO_PLAN, demo)
        bench("siping", demo, 3, "network", (), args.repeat)
        if args.quick or not MALTA.exists():
            return
        from lifecircle_desktop.model.io.osm import import_osm_new
        plan, _ = import_osm_new(MALTA, Path(tmp) / "malta.gpkg")
        plan.close()
        # ≈ 10^3 candidate sites (design.md §8): Malta's farmland parcels (1,043 in the 2018 extract).
        bench("malta", Path(tmp) / "malta.gpkg", 5, "basemap_landuse", ("farmland",), max(1, args.repeat // 2))
        # Beyond the budget's case, for the record: every land-use polygon, and the default network points.
        bench("malta", Path(tmp) / "malta.gpkg", 5, "basemap_landuse", (), 1)
        bench("malta", Path(tmp) / "malta.gpkg", 5, "network", (), 1)


if __name__ == "__main__":
    main()

"""Capacity-aware coverage benchmarks (issue 15 point 4, design.md §8): the two-step floating
catchment (2SFCA) of kindergartens on the Siping demo and on all of Malta — the full computation
(one limited search per kindergarten + the ratios), the live re-validation after moving one
kindergarten (only that one is searched again), and a peer on the same distance matrix in the same
run: PySAL ``access`` (``Access.two_stage_fca``), else a plain pandas groupby if it is not installed.

    python bench/bench_capacity.py [--repeat N] [--only siping|malta]

Prints medians (p95 for the live loop), the data sizes and the largest difference between our A_i
and the peer's. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MALTA = ROOT.parent / "shared" / "data" / "real" / "malta_2018" / "malta-latest-2018-08-27.osm.pbf"
BUDGET_MS = {"siping": 20, "malta": 100}  # design.md §8: re-validation after one facility edit
MALTA_KINDERGARTENS = 200  # OSM's plus synthetic ones (plan_for)
CLASSES = 6  # 《完整居住社区建设指南》3.1 第2项: 原则上不小于 6 班 — every kindergarten gets it here


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


def plan_for(name: str, tmp: Path):
    """A plan with kindergartens of 6 classes: the demo with four placed beside homes (it has none),
    or Malta as imported from OSM with every kindergarten given 6 classes."""
    from shapely.geometry import box

    from lifecircle_desktop.model import AddFeature, ChangeAttributes, Plan
    from lifecircle_desktop.model.io.osm import import_osm_new
    from lifecircle_desktop.model.resources import DEMO_PLAN
    path = tmp / f"{name}.gpkg"
    if name == "siping":
        shutil.copyfile(DEMO_PLAN, path)
        plan = Plan.open(path)
        homes = plan.features("residential")
        for h in homes[:: max(1, len(homes) // 4)][:4]:
            x, y = h.geometry.centroid.coords[0]
            plan.apply(AddFeature("facilities", box(x + 30, y, x + 70, y + 40), {"type": "kindergarten", "classes": CLASSES}))
        return plan
    plan, _ = import_osm_new(MALTA, path)
    for f in plan.features("facilities"):
        if f.get("type") == "kindergarten":
            plan.apply(ChangeAttributes.of(plan, "facilities", f.fid, classes=CLASSES))
    # OSM maps only a couple of Malta's kindergartens as polygons: SYNTHETIC ones beside every k-th home
    # bring the count to about MALTA_KINDERGARTENS, so that the searches have something to weigh.
    homes = plan.features("residential")
    have = sum(1 for f in plan.features("facilities") if f.get("type") == "kindergarten")
    step = max(1, len(homes) // max(1, MALTA_KINDERGARTENS - have))
    for h in homes[::step][:max(0, MALTA_KINDERGARTENS - have)]:
        x, y = h.geometry.centroid.coords[0]
        plan.apply(AddFeature("facilities", box(x + 30, y, x + 60, y + 30), {"type": "kindergarten", "classes": CLASSES}))
    return plan


def peer_2sfca(pairs_fac, pairs_home, dist, supply, demand, limit):
    """(name, A per home position) from PySAL access on the same matrix, or a pandas groupby."""
    import pandas as pd
    cost = pd.DataFrame({"origin": pairs_home, "dest": pairs_fac, "cost": dist})
    demand_df = pd.DataFrame({"demand": demand}, index=pd.Index(np.arange(len(demand)), name="origin"))
    supply_df = pd.DataFrame({"supply": supply}, index=pd.Index(np.arange(len(supply)), name="dest"))
    try:
        from access import Access
    except ImportError:
        reached = cost.assign(d=demand[cost.origin.to_numpy()]).groupby("dest")["d"].sum()
        r = supply_df["supply"].div(reached).fillna(0.0)
        a = cost.assign(r=r.reindex(cost.dest).to_numpy()).groupby("origin")["r"].sum()
        return "pandas groupby (PySAL access not installed)", a.reindex(np.arange(len(demand)), fill_value=0).to_numpy()
    acc = Access(demand_df=demand_df, demand_value="demand", supply_df=supply_df, supply_value="supply",
                 cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
    out = acc.two_stage_fca(name="2sfca", max_cost=limit, normalize=False)
    column = [c for c in out.columns if "2sfca" in c][0]
    return "PySAL access two_stage_fca", out[column].reindex(np.arange(len(demand))).fillna(0.0).to_numpy()


def bench(name: str, repeat: int, tmp: Path) -> None:
    from shapely import affinity

    from lifecircle_desktop.model import ChangeGeometry, capacity
    from lifecircle_desktop.model.rules import load_packs
    from lifecircle_desktop.model.session import PlanSession
    from lifecircle_desktop.model.snapshot import take_snapshot
    from lifecircle_desktop.model.validate import Validator

    t = time.perf_counter()
    plan = plan_for(name, tmp)
    prepared = time.perf_counter() - t
    packs = load_packs()
    validator = Validator(packs)
    snap = take_snapshot(plan)
    results, t_full = timed(lambda: validator.full(snap), repeat)
    got = results.access.get("kindergarten")
    kgs = [f for f in snap.features("facilities") if f.get("type") == "kindergarten"]
    print(f"\n=== {name}: {len(results.home_ids)} homes, {len(kgs)} kindergartens"
          f"{' (most of them synthetic, beside homes)' if name == 'malta' else ' (placed beside homes: the demo has none)'}, "
          f"walking graph {validator._walk.graph.n_edges if validator._walk.graph else 0} edges "
          f"(plan prepared in {prepared:.1f} s) ===")
    if got is None:
        print("  no walking finding judges kindergartens: no 2SFCA")
        plan.close()
        return
    print(f"  full validation (all rules, 2SFCA included)   median {statistics.median(t_full) * 1e3:.0f} ms")

    # The 2SFCA alone, from nothing: one limited search per kindergarten, then the ratios.
    homes, graph, limit = validator._walk.homes, validator._walk.graph, got.limit_m
    sources = network_access(validator, snap, kgs)
    pairs, t_reach = timed(lambda: capacity.reach(graph, sources, homes, limit), repeat)
    weights = np.array([results.households[int(h)] for h in results.home_ids.tolist()])
    _, t_ratio = timed(lambda: capacity.access_for("kindergarten", "facilities", limit, kgs, pairs, weights,
                                                   validator.catalogue, snap.settings), repeat * 5)
    n_pairs = sum(len(p[0]) for p in pairs.values())
    one = {kgs[len(kgs) // 2].fid}
    _, t_one = timed(lambda: capacity.reach(graph, sources, homes, limit, only=one), repeat * 10)
    print(f"  2SFCA from nothing at d0 = {limit:.0f} m: searches median {statistics.median(t_reach) * 1e3:.1f} ms "
          f"({len(kgs)} limited searches), ratios median {statistics.median(t_ratio) * 1e3:.2f} ms "
          f"({n_pairs} home–kindergarten pairs within d0)")
    print(f"  2SFCA after one kindergarten moved: its one search median {statistics.median(t_one) * 1e3:.2f} ms "
          f"+ the ratios")

    # Peer on the very same matrix (pairs within d0, their distances, supply and demand).
    fac_pos = {f.fid: j for j, f in enumerate(kgs)}
    pf = np.concatenate([np.full(len(pairs[f.fid][0]), fac_pos[f.fid]) for f in kgs])
    ph = np.concatenate([pairs[f.fid][0] for f in kgs]).astype(np.int64)
    pd_ = np.concatenate([pairs[f.fid][1] for f in kgs])
    supply = np.nan_to_num(np.array([capacity.capacity(f, validator.catalogue, snap.settings) or 0.0 for f in kgs]))
    demand = weights * capacity.demand_per_household("kindergarten", snap.settings)
    (_, ours), t_ours = timed(lambda: capacity.two_step(supply, demand, pf, ph, len(demand)), repeat * 5)
    (peer_name, theirs), t_peer = timed(lambda: peer_2sfca(pf, ph, pd_, supply, demand, limit), repeat)
    print(f"  same matrix: ours (numpy bincount) median {statistics.median(t_ours) * 1e3:.2f} ms · "
          f"{peer_name} median {statistics.median(t_peer) * 1e3:.1f} ms; "
          f"largest |A_ours − A_peer| = {float(np.max(np.abs(ours - theirs))) if len(ours) else 0.0:.2e}")

    # The live loop: move one kindergarten 40 m back and forth, re-validate (only it is searched again).
    fac = kgs[len(kgs) // 2]
    session = PlanSession(plan, packs=packs)
    times = []
    for i in range(max(20, repeat * 10)):
        dx = 40.0 if i % 2 == 0 else -40.0
        changes = session.apply(ChangeGeometry.of(plan, "facilities", fac.fid, affinity.translate(
            plan.feature("facilities", fac.fid).geometry, dx, 0)))
        snap = take_snapshot(plan, version=i + 1)
        t = time.perf_counter()
        validator.update(snap, changes)
        times.append(time.perf_counter() - t)
    p50, p95 = median_p95(times)
    print(f"  re-validation, 1 kindergarten moved (2SFCA included)  p50 {p50 * 1e3:.1f} ms  p95 {p95 * 1e3:.1f} ms "
          f"({len(times)} runs)   [budget {BUDGET_MS[name]} ms]")
    plan.close()


def network_access(validator, snap, kgs):
    from lifecircle_desktop.model import network
    entrances = [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snap.features("entrances")
                 if e.get("layer") == "facilities" and e.get("feature") is not None]
    return network.access_points({f.fid: f.geometry for f in kgs}, entrances, validator._walk.graph)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["siping", "malta"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for name in ([a.only] if a.only else ["siping", "malta"]):
            bench(name, a.repeat, Path(d))


if __name__ == "__main__":
    main()

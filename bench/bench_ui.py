"""Desktop benchmarks (design.md §8): opening the demo to the first validated frame, and an edit to
the updated findings on a plan with 20k base-map polygons.

    python bench/bench_ui.py [--repeat N] [--buildings 20000]

Prints medians and spread with the data sizes. Not a test: nothing here asserts. Runs offscreen
unless a display is set.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"
BUDGET_OPEN_S = 1.0  # design.md §8: opening the demo to the first validated frame


def spread(xs: list[float]) -> str:
    xs = sorted(xs)
    med = statistics.median(xs)
    return f"median {med:8.1f} ms  (min {xs[0]:.1f}, max {xs[-1]:.1f}, n={len(xs)})"


def wait_for(signal, timeout_s: float = 120.0):
    """Run the event loop until ``signal`` fires; returns its arguments."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop, got = QEventLoop(), []

    def done(*args):
        got.append(args)
        loop.quit()
    signal.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)
    if not got:
        raise TimeoutError("no signal within the timeout")
    return got[0]


def bench_open_demo(app, repeat: int, workdir: Path) -> None:
    from lifecircle_desktop.model.plan import Plan
    from lifecircle_desktop.ui.main_window import MainWindow
    from lifecircle_desktop.ui.validation import DEBOUNCE_MS

    if not DEMO.exists():
        print(f"open demo → first validated frame: skipped ({DEMO.relative_to(ROOT)} is absent; `make demo`)")
        return
    times = []
    for i in range(repeat + 1):  # the first run pays the imports and caches; reported apart
        path = workdir / f"demo{i}.gpkg"
        shutil.copyfile(DEMO, path)
        t0 = time.perf_counter()
        plan = Plan.open(path)
        window = MainWindow(plan, restore_state=False)
        window.resize(1280, 800)
        window.show()
        wait_for(window.resultsShown)
        window.repaint()  # the validated frame, painted
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
        sizes = {layer: plan.count(layer) for layer in ("residential", "facilities", "walk_network",
                                                         "basemap_buildings")}
        findings = len(window.document.results.findings)
        window.close()
        window.deleteLater()
        app.processEvents()
    print(f"open demo → first validated frame: first {times[0]:.1f} ms; then {spread(times[1:])}"
          f"  [budget {BUDGET_OPEN_S * 1000:.0f} ms]")
    print(f"    data: {sizes}, {findings} findings")


def build_city_plan(path: Path, buildings: int):
    """A 2 × 2 km district: a 41 × 41 street grid (50 m), ``buildings`` base-map polygons,
    400 homes with gates and 40 facilities of the types the walking rules name."""
    import numpy as np
    import shapely
    from shapely.geometry import LineString, Point, box

    from lifecircle_desktop.model import AddFeature, Plan
    from lifecircle_desktop.model.session import PlanSession

    plan = Plan.create(path, "bench 20k", 32651)
    n, step = 41, 50.0
    rows = []
    for j in range(n):
        for i in range(n - 1):
            rows.append((LineString([(i * step, j * step), ((i + 1) * step, j * step)]),
                         {"class": "footway", "source": "osm", "node_ids": f"{j * n + i} {j * n + i + 1}"}))
    for i in range(n):
        for j in range(n - 1):
            rows.append((LineString([(i * step, j * step), (i * step, (j + 1) * step)]),
                         {"class": "footway", "source": "osm", "node_ids": f"{j * n + i} {(j + 1) * n + i}"}))
    plan.bulk_insert("walk_network", rows)
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, (n - 1) * step, size=(buildings, 2))
    wh = rng.uniform(6, 18, size=(buildings, 2))
    boxes = shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + wh[:, 0], xy[:, 1] + wh[:, 1])
    plan.bulk_insert("basemap_buildings", [(g, {"kind": "building"}) for g in boxes])
    homes = []
    for k in range(400):
        i, j = int(rng.integers(0, n - 1)), int(rng.integers(0, n - 1))
        x, y = i * step, j * step
        homes.append((box(x + 2, y + 2, x + 30, y + 30), {"households": float(rng.integers(50, 400))}))
    home_ids = plan.bulk_insert("residential", homes)
    plan.bulk_insert("entrances", [(Point(g.bounds[0] - 2, g.bounds[1] - 2), {"layer": "residential", "feature": fid})
                                   for (g, _), fid in zip(homes, home_ids)])
    types = ["kindergarten", "nursery", "elderly_service_station", "health_station", "community_service_station",
             "supermarket", "fresh_market", "activity_ground", "primary_school", "pharmacy"]
    facility_ids = []
    for k in range(40):
        i, j = int(rng.integers(1, n - 1)), int(rng.integers(1, n - 1))
        x, y = i * step, j * step
        changes = PlanSession(plan).apply(AddFeature("facilities", box(x - 40, y - 40, x - 2, y - 2),
                                                     {"type": types[k % len(types)], "floors": 2}))
        facility_ids.append(changes.edit.fid)
    return plan, facility_ids


def bench_edit(app, repeat: int, workdir: Path, buildings: int) -> None:
    from shapely import affinity

    from lifecircle_desktop.model import ChangeGeometry
    from lifecircle_desktop.ui.main_window import MainWindow
    from lifecircle_desktop.ui.validation import DEBOUNCE_MS

    t = time.perf_counter()
    plan, facility_ids = build_city_plan(workdir / "city.gpkg", buildings)
    build_s = time.perf_counter() - t
    window = MainWindow(plan, restore_state=False)
    window.resize(1280, 800)
    window.show()
    wait_for(window.resultsShown)
    pushes, validated, totals = [], [], []
    for k in range(repeat):
        fid = facility_ids[k % len(facility_ids)]
        geom = plan.feature("facilities", fid).geometry
        edit = ChangeGeometry.of(plan, "facilities", fid, affinity.translate(geom, 25 if k % 2 == 0 else -25, 0))
        t0 = time.perf_counter()
        window.document.push(edit)  # apply + write the file + canvas refresh + mark dirty
        t1 = time.perf_counter()
        window.document.loop.flush()     # skip the 150 ms debounce: it is a wait, not work
        wait_for(window.resultsShown)
        t2 = time.perf_counter()
        pushes.append((t1 - t0) * 1000)
        validated.append((t2 - t1) * 1000)
        totals.append((t2 - t0) * 1000)
    print(f"edit → updated findings ({buildings:,} base-map polygons), one facility moved:")
    print(f"    push (apply, save, canvas refresh):   {spread(pushes)}")
    print(f"    snapshot + re-validate + panels:      {spread(validated)}")
    print(f"    total, without the {DEBOUNCE_MS} ms debounce:  {spread(totals)}")
    print(f"    data: {plan.count('basemap_buildings'):,} buildings, {plan.count('walk_network'):,} path segments, "
          f"{plan.count('residential')} homes, {plan.count('facilities')} facilities, "
          f"{len(window.document.results.findings)} findings; plan built in {build_s:.1f} s")
    window.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--buildings", type=int, default=20_000)
    args = p.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QSettings
    from lifecircle_desktop.ui.app import make_app

    app = make_app()
    with tempfile.TemporaryDirectory() as d:
        workdir = Path(d)
        # The benchmark's settings stay in its own folder (no recent-plans entries for the user).
        QCoreApplication.setOrganizationName("lifecircle-bench")
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(workdir / "settings"))
        print(f"lifecircle_desktop UI benchmarks — Qt platform {app.platformName()}, Python {sys.version.split()[0]}")
        bench_open_demo(app, max(3, args.repeat // 2), workdir)
        bench_edit(app, args.repeat, workdir, args.buildings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

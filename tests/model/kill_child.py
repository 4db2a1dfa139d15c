"""Child process for test_kill: works on a plan in a loop and prints a line after every step that
returned, until it is killed. ``MODE`` is one of:

- ``edits``: add a facility, then rename it ("add FID I", "set FID I");
- ``checkpoints``: the same, with a WAL checkpoint (TRUNCATE) after each edit, so that kills also
  land while pages are copied back into the main file;
- ``imports``: import a GeoJSON file of homes (one transaction of many rows and a meta record):
  "import N I" once the plan holds the N-th import.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shapely.geometry import box  # noqa: E402

from lifecircle_desktop.model import AddFeature, ChangeAttributes, Plan  # noqa: E402
from lifecircle_desktop.model.io import import_geojson  # noqa: E402

path, mode, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
plan = Plan.open(path)
print("ready", flush=True)
for i in range(start, start + 100000):
    if mode == "imports":
        import_geojson(plan, "residential", sys.argv[4])
        print(f"import {len(plan.meta.get('imports', []))} {i}", flush=True)
        continue
    fid = plan.apply(AddFeature("facilities", box(i, 0, i + 10, 10), {"type": "supermarket", "name": f"n{i}"})).edit.fid
    print(f"add {fid} {i}", flush=True)
    if mode == "checkpoints":
        plan.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plan.apply(ChangeAttributes.of(plan, "facilities", fid, floors=i % 7 + 1, name=f"m{i}"))
    print(f"set {fid} {i}", flush=True)
    if mode == "checkpoints":
        plan.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

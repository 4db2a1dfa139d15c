"""Child process for test_kill: edits in a loop and prints a line after every edit that returned."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shapely.geometry import box  # noqa: E402

from lifecircle_desktop.model import AddFeature, ChangeAttributes, Plan  # noqa: E402

plan = Plan.open(sys.argv[1])
start = int(sys.argv[2])
print("ready", flush=True)
for i in range(start, start + 100000):
    fid = plan.apply(AddFeature("facilities", box(i, 0, i + 10, 10), {"type": "supermarket", "name": f"n{i}"})).edit.fid
    print(f"add {fid} {i}", flush=True)
    plan.apply(ChangeAttributes.of(plan, "facilities", fid, floors=i % 7 + 1, name=f"m{i}"))
    print(f"set {fid} {i}", flush=True)

"""`python -m bench` (make bench): every benchmark in one run, each printing its own figures."""
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The engine, canvas and UI first (the budgets of design.md §8 most often asked about), then every
# other bench_*.py in name order (exports, siting, capacity, imports…): a new benchmark needs no line here.
FIRST = ["bench_engine.py", "bench_canvas.py", "bench_ui.py"]
# District scale takes minutes: its own target, `make bench-scale`.
SEPARATE = ["bench_scale.py"]
SCRIPTS = FIRST + sorted(p.name for p in HERE.glob("bench_*.py") if p.name not in FIRST + SEPARATE)

if __name__ == "__main__":
    for name in SCRIPTS:
        print(f"\n##### {name} #####", flush=True)
        sys.argv = [str(HERE / name)]
        try:
            runpy.run_path(str(HERE / name), run_name="__main__")
        except SystemExit as e:  # a script's own exit must not end the others
            if e.code not in (None, 0):
                print(f"{name} exited with {e.code}", flush=True)

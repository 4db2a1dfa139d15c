"""`python -m bench` (make bench): every benchmark in one run, each printing its own figures."""
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_engine.py", "bench_canvas.py", "bench_ui.py", "bench_dxf.py"]

if __name__ == "__main__":
    for name in SCRIPTS:
        print(f"\n##### {name} #####", flush=True)
        sys.argv = [str(HERE / name)]
        try:
            runpy.run_path(str(HERE / name), run_name="__main__")
        except SystemExit as e:  # a script's own exit must not end the others
            if e.code not in (None, 0):
                print(f"{name} exited with {e.code}", flush=True)

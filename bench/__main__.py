"""`python -m bench` (make bench): every benchmark in one run, each printing its own figures."""
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_engine.py", "bench_canvas.py", "bench_ui.py"]

if __name__ == "__main__":
    for name in SCRIPTS:
        print(f"\n##### {name} #####", flush=True)
        sys.argv = [str(HERE / name)]
        runpy.run_path(str(HERE / name), run_name="__main__")

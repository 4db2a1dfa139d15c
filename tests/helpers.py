"""Helpers shared by tests."""
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cli(*args, check=False, env=None) -> subprocess.CompletedProcess:
    """Run ``python -m lifecircle_desktop ARGS`` as a user would."""
    return subprocess.run([sys.executable, "-m", "lifecircle_desktop", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, check=check, env=env, timeout=600)


def snapshot(plan, scenario=None):
    """Every feature of every layer as comparable data: {(layer, fid): (wkb, attrs, scenario)}."""
    import shapely
    from lifecircle_desktop.model.schema import LAYERS
    return {(layer, f.fid): (shapely.to_wkb(f.geometry), dict(f.attributes), f.scenario)
            for layer in LAYERS for f in plan.features(layer, scenario)}

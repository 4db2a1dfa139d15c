"""design.md §1: the model never imports Qt."""
import pkgutil
import subprocess
import sys

import lifecircle_desktop.model as model
from tests.helpers import ROOT


def test_model_loads_no_qt_or_pyqtgraph():
    names = [m.name for m in pkgutil.walk_packages(model.__path__, "lifecircle_desktop.model.")]
    code = ("import importlib, sys\n"
            f"for n in {names!r}: importlib.import_module(n)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')"
            " or m.startswith('lifecircle_desktop.ui'))\n"
            "print(len(sys.modules)); assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(names) >= 8  # the walk really found the model's modules

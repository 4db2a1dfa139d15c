"""The look of the demo does not regress (style.md §8): the screenshot of the Siping demo, in
Chinese and in English, is compared with a golden image at 1/4 scale, with a tolerance — small
enough to catch a missing panel, map layer or unrendered Chinese, large enough for anti-aliasing.

After an intended change of look: LIFECIRCLE_UPDATE_GOLDEN=1 pytest tests/ui/test_golden.py, then
open the new PNGs in tests/ui/golden/ and look at them before committing.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from lifecircle_desktop.model.resources import DEMO_PLAN
from tests.helpers import ROOT

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")
SCALE = 4
TOLERANCE = 2.0  # mean grey difference out of 255: a re-render scores 0.0, a blank findings panel 6.0, English for Chinese 6.9


def small_grey(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
    image = image.scaled(image.width() // SCALE, image.height() // SCALE, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    ptr = image.constBits()
    rows = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes()).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].astype(float)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_demo_looks_as_it_did(tmp_path, language):
    plan = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, plan)
    out = tmp_path / "shot.png"
    # The language comes from the system locale, as on a planner's machine (settings stay in tmp).
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "QT_QPA_PLATFORM": "offscreen", "LANG": f"{language}.UTF-8", "LC_ALL": f"{language}.UTF-8"}
    result = subprocess.run([sys.executable, "main.py", str(plan), "--screenshot", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    golden = os.path.join(GOLDEN, f"demo_{language}.png")
    if os.environ.get("LIFECIRCLE_UPDATE_GOLDEN"):
        shutil.copyfile(out, golden)
    got, want = small_grey(out), small_grey(golden)
    assert got.shape == want.shape
    diff = float(np.abs(got - want).mean())
    assert diff < TOLERANCE, f"the demo looks different from tests/ui/golden/demo_{language}.png (mean diff {diff:.1f})"

"""`python main.py PLAN --screenshot PNG` renders the window once the first validation results
are on screen (it waits on resultsReady, not on a timer) and exits 0 (style.md §8)."""
import os
import subprocess
import sys

from PySide6.QtGui import QImage

from lifecircle_desktop.ui.app import SCREENSHOT_SIZE
from tests.helpers import ROOT


def run_main(*args, tmp_path):
    # Settings and data of the child go to the test's folder, never the user's.
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_screenshot_writes_a_png_of_the_window_size(grid, tmp_path):
    plan, _ = grid
    path = plan.path
    plan.close()
    out = tmp_path / "shot.png"
    result = run_main(path, "--screenshot", out, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    image = QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == SCREENSHOT_SIZE
    # Not a blank window: the map, panels and findings put many colours on it.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)}
    assert len(colours) > 20


def test_screenshot_of_a_file_that_is_not_a_plan_fails_cleanly(tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_text("hello")
    result = run_main(bad, "--screenshot", tmp_path / "x.png", tmp_path=tmp_path)
    assert result.returncode == 2 and "bad.gpkg" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_screenshot_of_a_plan_naming_a_missing_rule_pack_says_so_and_exits(grid, tmp_path):
    """The pack error comes while the plan is being shown, before the event loop runs: the run
    still ends (it used to wait for results forever) with one sentence and exit 2."""
    plan, _ = grid
    plan.set_meta(rule_packs=["no_such_pack"])
    path = plan.path
    plan.close()
    result = run_main(path, "--screenshot", tmp_path / "x.png", tmp_path=tmp_path)
    assert result.returncode == 2 and "no_such_pack" in result.stderr and "Traceback" not in result.stderr


def test_screenshot_at_a_given_size_for_the_readme(grid, tmp_path):
    import struct
    plan, _ = grid
    path = plan.path
    plan.close()
    out = tmp_path / "wide.png"
    result = run_main(path, "--screenshot", out, "--size", "1920x1080", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    # The PNG header, read by hand (IHDR: width, height as big-endian 32-bit after the signature).
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (1920, 1080)
    bad = run_main(path, "--screenshot", out, "--size", "huge", tmp_path=tmp_path)
    assert bad.returncode == 2 and "WIDTHxHEIGHT" in bad.stderr and "Traceback" not in bad.stderr

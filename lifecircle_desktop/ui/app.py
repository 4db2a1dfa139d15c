"""Starting the desktop: QApplication, the plan to open, the first window."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from ..model.errors import PlanError
from ..model.plan import Plan
from ..model.resources import DEMO_PLAN


def user_data_dir() -> Path:
    path = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or Path.home() / ".lifecircle")
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_plan_copy() -> Path:
    """The demo is opened from a copy in the user's data folder: the shipped file stays pristine."""
    target = user_data_dir() / "demo" / DEMO_PLAN.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if DEMO_PLAN.exists():
        if not target.exists() or target.stat().st_mtime < DEMO_PLAN.stat().st_mtime:
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            shutil.copyfile(DEMO_PLAN, target)
        return target
    # No demo built yet: an empty sample plan in Yangpu, Shanghai.
    sample = target.with_name("sample.gpkg")
    if not sample.exists():
        Plan.create(sample, "示例规划 Sample plan", lonlat=(121.497, 31.285), kind="existing").close()
    return sample


# The offscreen platform (screenshots, tests) cannot resize native windows and says so on every
# show(); it is not a fault of ours, so that one notice is dropped. Everything else passes through.
_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",)


def _message_handler(mode, context, message):
    if message not in _PLATFORM_NOISE:
        print(message, file=sys.stderr)


def run(plan_path: str | None = None, screenshot: str | None = None) -> int:
    qInstallMessageHandler(_message_handler)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("lifecircle_desktop")
    app.setOrganizationName("lifecircle")
    from .main_window import MainWindow

    try:
        plan = Plan.open(plan_path or demo_plan_copy())
    except PlanError as e:
        if screenshot:
            print(f"lifecircle: {e.message_en}", file=sys.stderr)
            return 2
        QMessageBox.critical(None, "lifecircle", e.message_zh + "\n" + e.message_en)
        return 2
    window = MainWindow(plan)
    window.resize(1280, 800)
    window.show()
    if screenshot:
        def grab():
            window.grab().save(screenshot)
            app.quit()
        QTimer.singleShot(0, grab)
    code = app.exec()
    window.close_plan()
    return code

"""The report (PDF) of the district bundle (issue 12 point 2, design.md §11): A4, in the export's
language, for a reviewer at a district planning office (区规划资源局).

Pages: the cover (plan, place, community kind and class, scenario, date, packs with versions and
hashes, plan settings with their sources, the CRS); the map (the canvas's own painter, vectors,
legend, scale bar, north arrow, OSM credit); the compliance table per pack and conflict group
with its summary; the facilities; each walking rule's coverage chart and map of the homes beyond
its limit, two to a page; the checklist with the planner's answers and the district's
overrides; with a compared scenario, every finding that changed. Page numbers on every page; the
walking-distance definition in a footnote where walking figures are shown.

Qt is imported when the report is written (a QApplication is made, off-screen, if none exists):
the rest of export/ stays Qt-free. No widget is made: the desktop writes the bundle on a worker
thread.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def write_report(ctx, path, progress) -> Path:
    """Write the report of ``ctx`` (a BundleContext) to ``path``; ``progress`` a Progress (cancel
    raises ExportCancelled and leaves no file)."""
    path = Path(path)
    if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
        from ...model.errors import PlanError
        raise PlanError(f"无法在 {path.parent} 中写入报告（文件夹不存在或没有写权限）",
                        f"cannot write the report in {path.parent} (no such folder, or no permission to write)")
    _ensure_app()
    from .build import build_report
    part = path.with_name(path.name + ".part")
    try:
        build_report(ctx, str(part), progress)
        os.replace(part, path)
    finally:
        if part.exists():
            part.unlink()
    return path


def _ensure_app():
    """The QApplication the map's graphics scene needs; an off-screen one when none runs (the
    command line)."""
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["lifecircle-export"])
    elif not isinstance(app, QApplication):
        from ...model.errors import PlanError
        raise PlanError("报告需要 QApplication（当前为 QGuiApplication）",
                        "the report needs a QApplication (a QGuiApplication is running)")
    return app


__all__ = ["write_report"]

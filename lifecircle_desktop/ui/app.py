"""Starting the desktop: QApplication, the plan to open, the first window."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from ..model.errors import PlanError
from ..model.resources import DEMO_PLAN
from ..model.session import PlanSession, create_plan
from ..model.store import ForeignCode, remove_plan_file
from . import i18n

SCREENSHOT_SIZE = (1280, 800)


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
            remove_plan_file(target)
            shutil.copyfile(DEMO_PLAN, target)
        return target
    # No demo built yet: an empty sample plan in Yangpu, Shanghai.
    sample = target.with_name("sample.gpkg")
    if not sample.exists():
        create_plan(sample, "示例规划 Sample plan", lonlat=(121.497, 31.285), kind="existing").close()
    return sample


# The offscreen platform (screenshots, tests) cannot resize native windows and says so on every
# show(); it is not a fault of ours, so that one notice is dropped. Everything else passes through.
_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",)


def _message_handler(mode, context, message):
    if message not in _PLATFORM_NOISE:
        print(message, file=sys.stderr)


def choose_plan(plan_path: str | None) -> Path:
    """The plan to open: the one given, else the last one opened (QSettings), else the demo copy."""
    if plan_path:
        return Path(plan_path)
    from .main_window import LAST_KEY
    last = QSettings().value(LAST_KEY)
    if last and Path(last).is_file():
        return Path(last)
    return demo_plan_copy()


def make_app() -> QApplication:
    """The QApplication with our names (QSettings), the UI language and a font that draws Chinese."""
    qInstallMessageHandler(_message_handler)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("lifecircle_desktop")
    app.setOrganizationName("lifecircle")
    i18n.setup_fonts(app)
    i18n.install_language()
    return app


def catchment_key(value) -> tuple[str, int]:
    """A --catchment value (a facility fid, or (layer, fid)) as a feature key."""
    return tuple(value) if isinstance(value, (tuple, list)) else ("facilities", int(value))


def require_facility(session: PlanSession, key: tuple[str, int]) -> None:
    """PlanError (one sentence) when the scenario shown has no facility (or stop) ``key``."""
    if not session.exists(key):
        what_zh, what_en = ("公交站点", "stop") if key[0] == "stops" else ("设施", "facility")
        raise PlanError(f"方案“{session.scenario}”中没有编号为 {key[1]} 的{what_zh}",
                        f"there is no {what_en} numbered {key[1]} in scenario \"{session.scenario}\"")


def run(plan_path: str | None = None, screenshot: str | None = None,
        size: tuple[int, int] | None = None, workshop: dict | None = None) -> int:
    """``workshop``: open in workshop mode (issue 13) — {"scenario": the one shown or None (base),
    "compare": the "before" scenario or None, "layout": "single"|"swipe"|"side", "catchment": a
    facility fid or (layer, fid) to show who it serves, or None}."""
    app = make_app()
    from .main_window import MainWindow

    # A screenshot shows the given plan or the demo, never whatever was open last.
    if screenshot:
        path = Path(plan_path) if plan_path else demo_plan_copy()
    else:
        path = choose_plan(plan_path)
    try:
        try:
            session = PlanSession.open(path)
        except ForeignCode as e:
            from .main_window import agree_to_remove_code
            if screenshot or not agree_to_remove_code(e):
                raise
            session = PlanSession.open(path, remove_foreign_code=True)
    except PlanError as e:
        if screenshot:
            print(f"lifecircle: {e.message_en}", file=sys.stderr)
            return 2
        QMessageBox.critical(None, "lifecircle", e.message(i18n.language()))
        return 2
    window = MainWindow(restore_state=not screenshot)
    if screenshot or QSettings().value("window/geometry") is None:
        window.resize(*(size or SCREENSHOT_SIZE))  # screenshots have a fixed size, whatever was saved
    outcome = {"code": 0}
    if screenshot:
        def grab():
            # Rendered after the first validation results are on screen — not after a timer.
            window.canvas.fit_plan()
            QApplication.processEvents()
            if workshop and workshop.get("catchment") is not None and window.workshop is not None:
                window.workshop.show_catchment(catchment_key(workshop["catchment"]))
                QApplication.processEvents()
            window.canvas.render_now()  # the final map, not the preview of a pending render
            if not window.grab().save(screenshot):
                print(f"lifecircle: cannot write {screenshot}", file=sys.stderr)
                outcome["code"] = 2
            window.close()
            app.quit()

        def failed(error):
            message = error.message_en if isinstance(error, PlanError) else str(error).strip().splitlines()[-1]
            print(f"lifecircle: validation failed: {message}", file=sys.stderr)
            outcome["code"] = 2
            QTimer.singleShot(0, grab)  # also when it failed before the event loop runs

        # Connected before the plan is shown: a plan naming a missing rule pack fails at once.
        once = Qt.ConnectionType.SingleShotConnection
        window.resultsShown.connect(lambda _results: QTimer.singleShot(0, grab), once)
        window.document.validationFailed.connect(failed, once)
    window.set_plan(session)
    if workshop is not None:
        try:
            if workshop.get("scenario"):
                session.plan.require_scenario(workshop["scenario"])  # PlanError: one sentence
                window.document.switch_scenario(workshop["scenario"])
            if workshop.get("catchment") is not None:
                require_facility(session, catchment_key(workshop["catchment"]))
            window.enter_workshop(workshop.get("compare"), workshop.get("layout") or "single",
                                  full_screen=not screenshot)  # a screenshot keeps its --size
        except PlanError as e:  # a --scenario, --compare or --catchment the plan lacks
            print(f"lifecircle: {e.message(i18n.language())}", file=sys.stderr)
            window.close_plan()
            return 2
    window.show()
    code = app.exec()
    window.close_plan()
    return outcome["code"] if screenshot else code

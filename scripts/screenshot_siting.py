"""The README's screenshot of siting suggestions (issue 15): the Siping demo in Chinese, the
kindergarten walking finding chosen, "建议选址" clicked, the ranked sites on the map.

    LC_ALL=zh_CN.UTF-8 QT_QPA_PLATFORM=offscreen python scripts/screenshot_siting.py OUT.png [WxH]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lifecircle_desktop.model.session import PlanSession  # noqa: E402
from lifecircle_desktop.ui.app import demo_plan_copy, make_app  # noqa: E402

RULE = "cc_walking_time_kindergarten"


def main(out: str, size: str = "1920x1080") -> int:
    app = make_app()
    from lifecircle_desktop.ui.main_window import MainWindow
    window = MainWindow(restore_state=False)
    window.resize(*(int(v) for v in size.split("x")))

    def shoot(_results):
        window.canvas.fit_plan()
        window.findings.select_rule(RULE)
        window.findings.suggest_sites()
        QApplication.processEvents()
        window.canvas.render_now()
        ok = window.grab().save(out)
        window.close()
        app.exit(0 if ok else 2)

    window.resultsShown.connect(lambda results: QTimer.singleShot(0, lambda: shoot(results)))
    window.set_plan(PlanSession.open(demo_plan_copy()))
    window.show()
    code = app.exec()
    window.close_plan()
    return code


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

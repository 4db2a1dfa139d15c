"""One floor area everywhere (issue 9): for a type drawn without floors (a pocket park: catalogue
default_floors = 0), the live label while drawing, the attribute panel and the finding agree.
The label used to say "1 floors" and count the footprint while the validator counted nothing."""
import re

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.edits import SetRulePacks
from lifecircle_desktop.model.rules.packs import load_pack
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.main_window import MainWindow
from tests.ui.conftest import RESULTS_TIMEOUT_MS

# The offscreen platform cannot size native windows and says so when one is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

# A pack of one rule that measures the floor area of pocket parks, so that a finding shows it.
PACK = """
[pack]
id = "test_floor_area"
name_zh = "测试"
name_en = "Test"

[[rule]]
id = "test_pocket_park_floor_area"
name_zh = "口袋公园建筑面积"
name_en = "Pocket park floor area"
kind = "facility_area"
severity = "required"
modal = "不小于"
confidence = "high"
unit = "m2"
params = { facility_type = "pocket_park", measure = "floor_area" }
threshold.new_build = { min = 100 }
threshold.existing = { min = 100 }
citation.document = "test"
citation.clause = "test"
citation.text = "建筑面积不小于100平方米"
"""


def number_before(text: str, unit: str) -> float:
    return float(re.search(r"([\d,.]+) " + unit, text).group(1).replace(",", ""))


@pytest.fixture
def park_window(qtbot, grid, tmp_path):
    plan, ids = grid
    pack = load_pack(tmp_path / "test_floor_area.toml", text=PACK)
    session = PlanSession(plan, packs=[pack])
    session.apply(SetRulePacks.of(plan, [pack.id]))
    window = MainWindow(restore_state=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        window.set_plan(session)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.canvas.fit_plan()
    yield window
    window.close()


def test_a_zero_floor_type_has_the_same_floor_area_in_label_panel_and_finding(qtbot, park_window):
    window, canvas = park_window, park_window.canvas
    assert load_catalogue()["pocket_park"].default_floors == 0
    window.actions_["snap"].setChecked(False)
    window.palette.choose("pocket_park")
    corners = [(250, 250), (290, 250), (290, 290), (250, 290)]
    for x, y in corners:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         canvas.mapFromScene(x, y))
    # The cursor rests on the last corner: the label describes the polygon Enter will save.
    at = QPointF(canvas.mapFromScene(*corners[-1]))
    QApplication.sendEvent(canvas.viewport(), QMouseEvent(QEvent.Type.MouseMove, at, canvas.viewport().mapToGlobal(at),
                                                          Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                          Qt.KeyboardModifier.NoModifier))
    lines, _colour = canvas.active_tool().cursor_label
    (floor_line,) = [t for t in lines if t.startswith("Floor area")]
    label_floor_area = number_before(floor_line, "m²")
    assert "(0 floors)" in floor_line and label_floor_area == 0
    assert any(t.startswith("Minimum floor area 100 m²") and t.endswith("✗") for t in lines)

    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_TIMEOUT_MS):
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    plan = window.document.plan
    (park,) = [f for f in plan.features("facilities") if f["type"] == "pocket_park"]
    assert park.geometry.area > 1000  # a real footprint, and still no floor area

    window.document.select([("facilities", park.fid)])
    placeholder = window.attributes.editors["floor_area"].placeholderText()
    assert "× 0 floors" in placeholder and placeholder.endswith("= 0 m²")

    finding = next(f for f in window.document.results.findings if f.rule == "test_pocket_park_floor_area")
    assert finding.status == "fail" and finding.measured == 0 == label_floor_area
    assert window.session.floor_area(park) == 0

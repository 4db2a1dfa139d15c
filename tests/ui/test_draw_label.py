"""The live area label while drawing (issue 16 §5): it shows what Enter will store — the corners
placed — and, apart, the area with the cursor as the next corner; it goes when the polygon is
finished, and the finished facility is selected (its attributes open)."""
import re

import pytest
from PySide6.QtCore import QPointF, Qt

from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.ui.tools.draw import area_text

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _vp(canvas, x, y):
    return canvas.mapFromScene(QPointF(x, y))


def _area_in(lines, prefix):
    line = next(l for l in lines if l.startswith(prefix))
    return re.search(r"([\d,.]+) m²", line).group(1)


def test_the_label_shows_what_enter_stores_and_the_finished_facility_is_selected(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    canvas = window.canvas
    canvas.set_snapping(False, 10)
    window.choose_facility_type("kindergarten")
    canvas.show_extent((230, 20, 370, 90))
    for x, y in [(250, 30), (340, 30), (340, 80)]:
        qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, _vp(canvas, x, y))
    qtbot.mouseMove(canvas.viewport(), _vp(canvas, 250, 80))  # the cursor where a fourth corner would go
    lines, _colour = canvas.active_tool().cursor_label
    placed = _area_in(lines, "Land area")
    with_cursor = _area_in(lines, "With the cursor as the next corner")
    assert placed != with_cursor  # the triangle now, the rectangle if the cursor were clicked

    with qtbot.waitSignal(window.document.changed):
        qtbot.keyClick(canvas.viewport(), Qt.Key_Return)

    assert canvas.active_tool().cursor_label is None and not canvas.is_drawing()
    stored = Plan.open(window.document.plan.path)
    try:
        new = max(stored.features("facilities"), key=lambda f: f.fid)
        assert area_text(new.geometry.area) == placed  # what the label said is what was saved
    finally:
        stored.close()
    assert window.document.selection == [("facilities", new.fid)]
    assert window.attributes.selection == [("facilities", new.fid)]

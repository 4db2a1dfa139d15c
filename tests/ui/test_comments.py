"""Comment pins in the desktop (issue 13 item 4): the pin tool places a pin with a mouse click and its
form, the comments panel lists, filters and edits it, Ctrl+Z / redo take the steps back and forth —
each state checked in the plan FILE, every field — and clicking a row zooms the map to its pin."""
import sqlite3

import pytest
from PySide6.QtCore import QDate, QPointF, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.map.layers import PIN_COLOURS
from lifecircle_desktop.ui.panels.comments import CommentDialog
from tests.ui.conftest import grid_plan, shown_window

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

FIELDS = ("number", "text", "category", "author_role", "author", "meeting", "meeting_date", "status", "reply")


def stored(path) -> list[dict]:
    """The pins as the file holds them (a second connection), with their point."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT fid, scenario, {', '.join(FIELDS)} FROM comments ORDER BY fid")]
    finally:
        conn.close()


def pin_colour(canvas, fid) -> str:
    """The fill of pin ``fid`` on the map: a pixel inside its circle, left of its number."""
    image = canvas.layer_view("comments").item(fid).pixmap().toImage()
    return image.pixelColor(round(image.width() * 0.22), image.height() // 2).name()


def open_form() -> CommentDialog:
    forms = [w for w in QApplication.topLevelWidgets() if isinstance(w, CommentDialog) and w.isVisible()]
    assert len(forms) == 1
    return forms[0]


def choose(box, code) -> None:
    box.setCurrentIndex(box.findData(code))


def press_ok(qtbot, form) -> None:
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


@pytest.fixture
def window(qtbot, tmp_path):
    w = shown_window(qtbot, grid_plan(tmp_path / "pins.gpkg"))
    yield w
    w.close()


def place_pin(qtbot, window, xy, text, **codes):
    """Choose the pin tool, click the map at plan metres ``xy``, fill the form, press OK."""
    canvas = window.canvas
    window.tool_actions["pin"].trigger()
    assert canvas.tool() == "pin"
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     canvas.mapFromScene(QPointF(*xy)))
    qtbot.waitUntil(lambda: any(isinstance(w, CommentDialog) and w.isVisible() for w in QApplication.topLevelWidgets()))
    form = open_form()
    form.text.insertPlainText(text)  # Chinese comes through an input method: QTest types ASCII only
    for name, code in codes.items():
        if name == "author":
            form.author.insert(code)
        elif name == "meeting_date":
            form.meeting_date.setDate(QDate.fromString(code, Qt.DateFormat.ISODate))
        elif name == "reply":
            form.reply.insertPlainText(code)
        else:
            choose(getattr(form, name), code)
    press_ok(qtbot, form)
    qtbot.waitUntil(lambda: not form.isVisible())


def test_a_pin_is_placed_edited_undone_and_redone_in_the_file_with_every_field(qtbot, window):
    path, canvas, panel = window.document.plan.path, window.canvas, window.comments_panel
    place_pin(qtbot, window, (150, 250), "这里缺一个社区食堂", category="facility_need", author_role="resident",
              author="张老伯", meeting="hearing", meeting_date="2026-05-20")
    (pin,) = stored(path)
    assert pin == {"fid": pin["fid"], "scenario": "base", "number": 1, "text": "这里缺一个社区食堂",
                   "category": "facility_need", "author_role": "resident", "author": "张老伯", "meeting": "hearing",
                   "meeting_date": "2026-05-20", "status": "new", "reply": None}
    with PlanSession.open(path) as other:  # where it was clicked (the click is a pixel: within a metre)
        point = other.plan.feature("comments", pin["fid"]).geometry
    assert point.distance(__import__("shapely").Point(150, 250)) < 1.0
    assert canvas.layer_view("comments").fids() == [pin["fid"]]
    assert window.document.selection == [("comments", pin["fid"])]  # the new pin is selected
    assert panel.table.rowCount() == 1 and panel.table.item(0, 5).text() == "这里缺一个社区食堂"
    assert pin_colour(canvas, pin["fid"]) == PIN_COLOURS["new"]

    # Edited in the panel (its tab brought to the front): a double-click on its row opens its form.
    window.docks["comments"].raise_()
    qtbot.waitUntil(panel.table.isVisible)
    rect = panel.table.visualItemRect(panel.table.item(0, 5))
    # A real double-click: a press and release, then the double-click (the view needs the press).
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: panel.edit_dialog is not None and panel.edit_dialog.isVisible())
    form = panel.edit_dialog
    assert form.text.toPlainText() == "这里缺一个社区食堂" and form.author.text() == "张老伯"
    choose(form.status, "answered")
    form.reply.insertPlainText("已在规划方案中选址")
    press_ok(qtbot, form)
    edited = dict(pin, status="answered", reply="已在规划方案中选址")
    assert stored(path) == [edited]
    assert panel.table.item(0, 4).text() == "answered" and panel.table.item(0, 6).text() == "已在规划方案中选址"
    assert pin_colour(canvas, pin["fid"]) == PIN_COLOURS["answered"] != PIN_COLOURS["new"]  # the map follows

    # Undo as the planner presses it, then redo, each step in the file.
    window.activateWindow()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(path) == [pin] and panel.table.item(0, 4).text() == "new"
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(path) == [] and panel.table.rowCount() == 0 and canvas.layer_view("comments").fids() == []
    window.actions_["redo"].trigger()
    assert stored(path) == [pin] and canvas.layer_view("comments").fids() == [pin["fid"]]
    window.actions_["redo"].trigger()
    assert stored(path) == [edited] and panel.table.item(0, 4).text() == "answered"


def test_clicking_a_row_selects_its_pin_and_zooms_the_map_to_it(qtbot, window):
    session = window.document.session
    for xy, text in (((20, 380), "西北角路灯不亮"), ((380, 20), "东南角过街不安全")):
        window.document.push(session.add_comment_edit(xy, text=text, category="safety"))
    panel = window.comments_panel
    window.docks["comments"].raise_()
    qtbot.waitUntil(panel.table.isVisible)
    assert [panel.table.item(r, 0).text() for r in range(2)] == ["1", "2"]
    x0, y0, x1, y1 = window.canvas.view_extent()
    assert x1 - x0 > 400  # the whole grid is shown
    rect = panel.table.visualItemRect(panel.table.item(1, 5))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    fid = panel.fid(1)
    assert window.document.selection == [("comments", fid)]
    x0, y0, x1, y1 = window.canvas.view_extent()
    lo_y, hi_y = min(y0, y1), max(y0, y1)
    assert x0 < 380 < x1 and lo_y < 20 < hi_y and x1 - x0 < 200  # zoomed in on pin 2


def test_filters_list_only_the_pins_asked_for(qtbot, window):
    session, panel = window.document.session, window.comments_panel
    for i, (category, status, meeting) in enumerate((("safety", "new", "hearing"), ("traffic", "adopted", "hearing"),
                                                     ("safety", "adopted", "evaluation"))):
        window.document.push(session.add_comment_edit((i * 50.0, 100.0), text=f"意见{i}", category=category,
                                                      status=status, meeting=meeting))
    choose(panel.category_filter, "safety")
    assert [panel.table.item(r, 5).text() for r in range(panel.table.rowCount())] == ["意见0", "意见2"]
    choose(panel.status_filter, "adopted")
    assert [panel.table.item(r, 5).text() for r in range(panel.table.rowCount())] == ["意见2"]
    choose(panel.category_filter, None)
    choose(panel.meeting_filter, "hearing")
    assert [panel.table.item(r, 5).text() for r in range(panel.table.rowCount())] == ["意见1"]


def test_the_comments_action_shows_and_hides_the_panel_and_the_pin_tool_is_in_the_tools_menu(qtbot, window):
    dock = window.docks["comments"]
    action = window.actions_["comments"]
    assert dock.isVisible() and dock.visibleRegion().isEmpty()  # a tab behind the findings at first
    action.trigger()
    assert not dock.isVisible()
    action.trigger()  # shown again: in front, where the planner sees it
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty())
    tools_menu = next(m.menu() for m in window.menuBar().actions() if m.menu() and window.tool_actions["pin"] in
                      m.menu().actions())
    assert tools_menu is not None and not window.tool_actions["pin"].icon().isNull()
    assert window.actions_["export_comments"] in next(
        m.menu() for m in window.menuBar().actions() if m.menu() and window.actions_["export_bundle"] in m.menu().actions()
    ).actions()


def test_file_export_comments_writes_the_scenarios_pins(qtbot, window, tmp_path, monkeypatch):
    import pandas as pd
    from PySide6.QtWidgets import QFileDialog
    session = window.document.session
    window.document.push(session.add_comment_edit((100.0, 100.0), text="路口需要红绿灯", category="traffic",
                                                  status="answered", reply="已报交警部门"))
    chosen = tmp_path / "意见"  # typed without the extension: the dialog adds it
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    window.actions_["export_comments"].trigger()
    frame = pd.read_excel(tmp_path / "意见.xlsx", sheet_name=0)
    # The desktop's language (English here): its headers and words.
    assert frame["No."].tolist() == [1] and frame["Comment"].tolist() == ["路口需要红绿灯"]
    assert frame["Category"].tolist() == ["traffic"] and frame["Status"].tolist() == ["answered"]
    assert frame["Reply"].tolist() == ["已报交警部门"]
    assert "意见.xlsx" in window.statusBar().currentMessage()

"""Workshop mode (issue 13): F5 and Esc, the editing desktop hidden and restored, the resident
summary as the session words it, the high-contrast map, who a facility serves — counted against
the validator's own nearest-facility assignment — and `main.py --workshop` on the demo."""
import shutil
import struct

import pytest
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage
from PySide6.QtWidgets import QAbstractGraphicsShapeItem, QDockWidget, QLabel, QScrollArea, QToolBar

from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.ui.map import styles
from lifecircle_desktop.ui.map.items import LabelItem
from lifecircle_desktop.ui.workshop.mode import TOUCH_BUTTON_PX, WorkshopMode
from tests.ui.conftest import shown_window
from tests.ui.test_screenshot import run_main

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

needs_demo = pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")


def editing_layout(w):
    """What the editing desktop shows: the docks and tool bars shown, each tool bar's actions, the
    tool checked, the menu and status bars."""
    docks = {d.objectName() for d in w.findChildren(QDockWidget) if d.parent() is w and not d.isHidden()}
    bars = {b.objectName(): [a.text() for a in b.actions()] for b in w.findChildren(QToolBar)
            if b.parent() is w and not b.isHidden()}
    checked = [name for name, act in w.tool_actions.items() if act.isChecked()]
    return docks, bars, checked, w.menuBar().isHidden(), w.statusBar().isHidden()


@pytest.fixture
def shown(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.canvas.setFocus()
    return window


def test_f5_enters_and_esc_or_f5_leaves(qtbot, shown):
    w = shown
    qtbot.keyClick(w.canvas, Qt.Key_F5)
    assert isinstance(w.workshop, WorkshopMode) and w.centralWidget() is w.workshop
    qtbot.keyClick(w.canvas, Qt.Key_Escape)
    assert w.workshop is None and w.centralWidget() is not None and w.canvas.isVisible()
    qtbot.keyClick(w.canvas, Qt.Key_F5)
    assert w.workshop is not None
    qtbot.keyClick(w.canvas, Qt.Key_F5)
    assert w.workshop is None
    assert w.actions_["workshop"].shortcut().toString() == "F5"


def test_docks_tools_and_menus_hidden_then_restored(qtbot, shown):
    w = shown
    w.set_tool("polygon")  # a tool other than the default: it must come back too
    before = editing_layout(w)
    assert before[0] and before[1] and before[2] == ["polygon"]
    w.enter_workshop(full_screen=False)
    assert not [d for d in w.findChildren(QDockWidget) if d.parent() is w and not d.isHidden()]
    assert not [b for b in w.findChildren(QToolBar) if b.parent() is w and not b.isHidden()]
    assert w.menuBar().isHidden() and w.statusBar().isHidden()
    assert w.workshop.map_area.isAncestorOf(w.canvas) and w.canvas.tool() == "pan"
    w.leave_workshop()
    assert editing_layout(w) == before
    assert w.canvas.tool() == "polygon" and w.centralWidget().isAncestorOf(w.canvas)


def test_touch_bar_buttons_are_large_and_only_for_actions_that_exist(qtbot, shown):
    w = shown
    w.enter_workshop(full_screen=False)
    buttons = w.workshop.buttons
    assert {"leave", "fit", "single", "swipe", "side"} <= set(buttons)
    for button in buttons.values():
        assert button.sizeHint().height() >= TOUCH_BUTTON_PX or button.minimumHeight() >= TOUCH_BUTTON_PX
        assert button.height() >= TOUCH_BUTTON_PX
    # A lane's action the window lacks has no button; one it has does.
    assert ("pin" in buttons) == (w.tool_actions.get("pin") is not None)
    assert ("comments" in buttons) == (w.actions_.get("comments") is not None)
    assert ("export_poster" in buttons) == (w.actions_.get("export_poster") is not None)
    buttons["leave"].click()
    assert w.workshop is None


def test_summary_compares_with_the_before_scenario(qtbot, shown):
    w = shown
    w.document.create_scenario("Plan B")  # a copy of base, worked on from now: base is "before"
    qtbot.waitUntil(lambda: w.document.results is not None and w.document.results.scenario == "Plan B",
                    timeout=30000)
    w.enter_workshop(compare="base", full_screen=False)
    expected = w.session.resident_summary("base", results=w.document.results)
    assert expected.before == "base" and expected.lines
    # The needs that fit the panel, the rest counted (tested on the demo below).
    shown = w.workshop.panel.lines()
    assert shown and set(shown) <= {line.text_en for line in expected.lines}
    assert len(shown) + w.workshop.panel.left_out() == len(expected.lines)
    assert "Plan B" in w.workshop.panel.subtitle.text() and "Base scenario" in w.workshop.panel.subtitle.text()
    # A facility badge per facility of the scenario shown, one category glyph each.
    facilities = w.session.plan.features("facilities", "Plan B")
    assert set(w.canvas.workshop_badges.items) == {f.fid for f in facilities}
    with pytest.raises(PlanError, match="no scenario"):
        w.workshop.set_compare("no such scenario", "single")


def test_leaving_returns_to_the_scenario_being_edited(qtbot, shown):
    w = shown
    w.document.create_scenario("Plan B")
    w.document.switch_scenario("base")
    assert w.document.scenario == "base"
    w.enter_workshop(compare="Plan B", full_screen=False)
    assert w.document.scenario == "Plan B"  # the later scenario is shown, base is "before"
    assert w.canvas.scenario == "Plan B"
    w.leave_workshop()
    assert w.document.scenario == "base" and w.canvas.scenario == "base"
    # Entered on Plan B, compared with base: Plan B stays.
    w.document.switch_scenario("Plan B")
    qtbot.keyClick(w.canvas, Qt.Key_F5)
    w.workshop.set_compare("base", "single")
    qtbot.keyClick(w.canvas, Qt.Key_Escape)
    assert w.workshop is None and w.document.scenario == "Plan B"


def test_the_map_goes_back_to_its_editing_look(qtbot, shown):
    w = shown
    edit_pens = {id(i): i.pen().widthF() for i in w.canvas.scene().items() if isinstance(i, QAbstractGraphicsShapeItem)}
    assert edit_pens
    w.enter_workshop(full_screen=False)
    assert styles.look(w.canvas) is not styles
    w.leave_workshop()
    assert styles.look(w.canvas) is styles
    # The editing look has its thin lines again (the walking network's 1-px pen).
    widths = [i.pen().widthF() for i in w.canvas.scene().items() if isinstance(i, QAbstractGraphicsShapeItem)]
    assert min(widths) < 2.0 and w.canvas.is_layer_visible("walk_network")


def test_a_pin_placed_in_workshop_mode_is_in_the_file_and_the_comments_are_read_large(qtbot, shown):
    """The touch bar's pin button, a click on the kindergarten (a pin there, not its catchment), the
    form's OK: a pin in the plan file. The comments button: the panel beside the map in place of
    the summary, its rows in text as large as the map's labels."""
    import sqlite3
    from PySide6.QtWidgets import QApplication, QDialogButtonBox
    from lifecircle_desktop.ui.panels.comments import CommentDialog
    w = shown
    path = w.document.plan.path
    w.resize(1920, 1080)  # a projector's
    w.enter_workshop(full_screen=False)
    ws = w.workshop
    shown_catchments = []
    ws.catchmentShown.connect(shown_catchments.append)
    qtbot.mouseClick(ws.buttons["pin"], Qt.LeftButton)
    assert w.canvas.tool() == "pin" and ws.buttons["pin"].isChecked()
    kg = w.session.plan.feature("facilities", w.ids["kg"])
    inside = shapely.point_on_surface(kg.geometry)
    qtbot.mouseClick(w.canvas.viewport(), Qt.LeftButton, pos=w.canvas.mapFromScene(QPointF(inside.x, inside.y)))
    qtbot.waitUntil(lambda: any(isinstance(x, CommentDialog) and x.isVisible() for x in QApplication.topLevelWidgets()))
    (form,) = [x for x in QApplication.topLevelWidgets() if isinstance(x, CommentDialog) and x.isVisible()]
    form.text.insertPlainText("幼儿园门口需要减速带")
    form.category.setCurrentIndex(form.category.findData("safety"))
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.LeftButton)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert shown_catchments == [] and ws.catchment_text() == ""  # the pin tool pins; it shows no catchment
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT scenario, number, text, category, status FROM comments").fetchall()
    finally:
        conn.close()
    assert rows == [("base", 1, "幼儿园门口需要减速带", "safety", "new")]

    panel = w.comments_panel
    qtbot.mouseClick(ws.buttons["comments"], Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.isVisible() and ws.isAncestorOf(panel))
    assert ws.buttons["comments"].isChecked() and not ws.panel.isVisible()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 5).text() == "幼儿园门口需要减速带"
    qtbot.waitUntil(lambda: ws.map_area.width() >= 0.5 * w.width())  # once the layout has placed it
    assert panel.width() >= 0.3 * w.width()
    assert QFontMetricsF(panel.table.font()).height() >= font_height(18) - 0.5  # as the map's labels
    assert panel.table.rowHeight(0) >= TOUCH_BUTTON_PX - 20
    qtbot.mouseClick(ws.buttons["comments"], Qt.LeftButton)  # again: the summary back
    assert ws.panel.isVisible() and not ws.buttons["comments"].isChecked()
    assert w.docks["comments"].widget() is panel  # back in its dock
    qtbot.mouseClick(ws.buttons["comments"], Qt.LeftButton)
    w.leave_workshop()  # with the comments shown: the panel goes back to its dock, at its editing size
    assert w.docks["comments"].widget() is panel
    assert QFontMetricsF(panel.table.font()).height() < font_height(18) - 0.5


# --- on the demo -------------------------------------------------------------------------------------
@pytest.fixture
def demo(qtbot, tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    w = shown_window(qtbot, Plan.open(path))
    w.resize(1920, 1080)
    yield w
    w.close()


@needs_demo
def test_summary_lines_are_the_sessions(qtbot, demo):
    w = demo
    w.enter_workshop(full_screen=False)
    expected = w.session.resident_summary(results=w.document.results)
    panel = w.workshop.panel
    assert expected.lines
    # Review item 9: the room cannot scroll — the lines shown fit the panel whole, the rest are
    # counted; every required need not met is among them, first; "still missing" names a few kinds.
    by_text = {line.text_en: line for line in expected.lines}
    shown = [by_text[text] for text in panel.lines()]
    assert shown and len(shown) + panel.left_out() == len(expected.lines)
    failing = [line for line in expected.lines if line.required and not line.met]
    assert failing and shown[:len(failing)] == failing
    assert panel.marks() == [line.met for line in shown]
    assert panel.symbols() == ["✓" if line.met else "✗" if line.required else "◯" for line in shown]
    assert "◯" in panel.symbols()  # the demo's recommended needs not met are not shown as failures
    assert not panel.findChildren(QScrollArea)
    labels = [label for label in panel.findChildren(QLabel) if label.isVisible() and label.text()]
    for label in labels:  # no line cut at the panel's bottom
        bottom = label.mapTo(panel, label.rect().bottomLeft()).y()
        assert bottom <= panel.height(), label.text()
    if panel.left_out():
        assert f"{panel.left_out()} more walking needs" in panel.more_label.text()
    assert len(expected.missing) > 6  # the demo's base lacks many kinds: six named, the rest counted
    assert panel.missing().startswith("Still missing:") and panel.missing() != expected.missing_en
    assert f"{len(expected.missing) - 6} more kinds of facility" in panel.missing()
    assert w.session.plan.name in panel.title.text()
    # The legend in plain words: the categories of the facilities on the map, and homes.
    catalogue = w.session.catalogue
    categories = {catalogue.types[f.attributes["type"]].category
                  for f in w.session.plan.features("facilities", w.document.scenario)}
    legend = w.workshop.legend.texts()
    assert {catalogue.categories[c].name_en for c in categories} <= set(legend) and "Homes" in legend


def font_height(points: float) -> float:
    font = QFont()
    font.setFamilies(styles.FONT_FAMILIES)
    font.setPointSizeF(points)
    return QFontMetricsF(font).height()


@needs_demo
def test_labels_are_at_least_18_pt_and_no_hairlines_at_1920x1080(qtbot, demo):
    w = demo
    w.enter_workshop(full_screen=False)
    qtbot.waitUntil(lambda: w.canvas.width() > 1000)
    w.canvas.fit_plan()
    w.canvas.render_now()
    labels = [i for i in w.canvas.scene().items() if isinstance(i, LabelItem)]
    assert len(labels) > 10
    # A label's box is its text's line height plus a 3-px margin each side (items.LabelItem).
    smallest = min(i.boundingRect().height() - 6 for i in labels)
    assert smallest >= font_height(18) - 0.5
    shapes = [i for i in w.canvas.scene().items() if isinstance(i, QAbstractGraphicsShapeItem) and i.isVisible()]
    assert shapes
    thin = [i for i in shapes if i.pen().style() != Qt.NoPen and i.pen().widthF() < 2.0]
    assert not thin


def nearest_households(results, facility_type: str, fid: int, limit_m: float, homes=None) -> float:
    """The validator's nearest-facility assignment (Results.nearest): households whose nearest
    facility of the type is ``fid``, within the limit (of ``homes`` only, when given)."""
    total = 0.0
    for home, by_type in results.nearest.items():
        near = by_type.get(facility_type)
        if homes is not None and home not in homes:
            continue
        if near is not None and near.facility == fid and near.distance_m is not None and near.distance_m <= limit_m:
            total += results.households.get(home, 0.0)
    return total


def community_homes(session, scenario) -> set:
    """The homes inside the plan's community units (shapely, not the rules' home mask)."""
    units = [u.geometry for u in session.plan.features("planning_units", scenario)
             if (u.get("kind") or "community") == "community"]
    if not units:
        return set()
    unit = shapely.union_all(units)
    return {h.fid for h in session.plan.features("residential", scenario)
            if unit.intersects(h.geometry.point_on_surface())}


@needs_demo
def test_clicking_a_facility_shows_whom_it_serves_with_the_validators_count(qtbot, demo):
    w = demo
    w.enter_workshop(full_screen=False)
    qtbot.waitUntil(lambda: w.canvas.width() > 1000)
    w.canvas.fit_plan()
    results = w.document.results
    facilities = w.session.plan.features("facilities", w.document.scenario)
    schools = [f for f in facilities if f.attributes.get("type") == "primary_school"]
    assert schools
    school = schools[0]
    # The limit residents read for a primary school: that of the summary's line for it ("小学（孩子）
    # 10 分钟可达": 10 minutes at a child's pace), not another rule's.
    (line,) = [line for line in w.workshop.summary.lines if line.facility_type == "primary_school"]
    (read,) = [f for f in results.findings if f.rule == line.rule_id and f.applied]
    limit = read.limit_m
    inside_unit = community_homes(w.session, w.document.scenario)
    expected = nearest_households(results, "primary_school", school.fid, limit, homes=inside_unit)
    everyone = nearest_households(results, "primary_school", school.fid, limit)
    assert expected > 0
    inside = shapely.point_on_surface(school.geometry)
    at = w.canvas.mapFromScene(QPointF(inside.x, inside.y))
    assert w.canvas.viewport().rect().contains(at)
    with qtbot.waitSignal(w.workshop.catchmentShown) as shown_key:
        qtbot.mouseClick(w.canvas.viewport(), Qt.LeftButton, pos=at)
    assert shown_key.args == [("facilities", school.fid)]
    text = w.workshop.catchment_text()
    # Review item 2: the headline counts the community's homes, as the summary line beside it does;
    # the homes beyond it that reach the school first are told apart.
    assert text == f"10 minutes' walk, at a child's pace · serves {round(expected)} households in the community"
    assert "10-minute walk" in line.text_en and "at a child's pace" in line.text_en  # the summary's limit
    assert text in w.workshop.panel.catchment_label.text()
    if everyone - expected > 0.5:
        assert (f"and {round(everyone - expected)} households outside the community"
                in w.workshop.panel.catchment_label.text())
    else:
        assert "outside" not in w.workshop.panel.catchment_label.text()
    # A click where there is no facility clears it.
    x0, y0, x1, y1 = w.canvas.view_extent()
    empty = w.canvas.mapFromScene(QPointF(x0 + (x1 - x0) * 0.01, y0 + (y1 - y0) * 0.01))
    assert not w.canvas.features_at(w.canvas.mapToScene(empty).toTuple(), ["facilities", "stops"])
    with qtbot.waitSignal(w.workshop.catchmentShown) as cleared:
        qtbot.mouseClick(w.canvas.viewport(), Qt.LeftButton, pos=empty)
    assert cleared.args == [None] and w.workshop.catchment_text() == ""
    # An edit of the plan clears it too: the count shown would be the last run's.
    w.workshop.show_catchment(("facilities", school.fid))
    with qtbot.waitSignal(w.workshop.catchmentShown) as after_edit:
        w.document.move([("facilities", school.fid)], 5.0, 0.0)
    assert after_edit.args == [None] and w.workshop.catchment_text() == ""


@needs_demo
def test_main_opens_the_demo_in_workshop_mode(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    out = tmp_path / "workshop.png"
    result = run_main(path, "--workshop", "--screenshot", out, "--size", "1920x1080", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (1920, 1080)
    image = QImage(str(out))
    # The summary panel (white) on the right, the touch bar (dark) along the bottom, no menu bar.
    panel = [image.pixelColor(x, y).lightness() for x in range(1500, 1900, 20) for y in range(300, 700, 20)]
    assert sum(v > 240 for v in panel) > 0.6 * len(panel)
    bar = [image.pixelColor(x, 1075).lightness() for x in range(1400, 1900, 10)]
    assert max(bar) < 80
    bad = run_main(path, "--workshop", "--compare", "no such scenario", "--screenshot", out, tmp_path=tmp_path)
    assert bad.returncode == 2 and "no such scenario" in bad.stderr and "Traceback" not in bad.stderr


TWO_SCREENS = """{"screens": [
 {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
 {"name": "projector", "x": 1280, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96,
  "dpr": 1}]}"""

ON_TWO_SCREENS = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.main_window import MainWindow
w = MainWindow(PlanSession.open(sys.argv[1]), restore_state=False)
w.resize(1000, 700)
w.show()
app.processEvents()
seen = {"editing": w.screen().name()}
w.enter_workshop()
app.processEvents()
seen["workshop"] = [w.screen().name(), w.isFullScreen(), w.width(), w.height()]
w.workshop.buttons["screen"].click()
app.processEvents()
seen["other"] = [w.screen().name(), w.isFullScreen()]
w.workshop.buttons["screen"].click()
app.processEvents()
w.leave_workshop()
app.processEvents()
seen["left"] = [w.screen().name(), w.isFullScreen()]
print(json.dumps(seen))
w.close()
"""


def test_full_screen_on_the_projector_when_there_are_two_screens(grid, tmp_path):
    """The offscreen platform with two screens (its configfile): workshop mode goes full screen on the
    screen that is not the window's, the bar's Other Screen button moves it, leaving brings it back."""
    import json
    import os
    import subprocess
    import sys
    from tests.helpers import ROOT
    plan, _ = grid
    path = plan.path
    plan.close()
    config = tmp_path / "screens.json"
    config.write_text(TWO_SCREENS)
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", ON_TWO_SCREENS, str(path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["editing"] == "laptop"
    assert seen["workshop"] == ["projector", True, 1920, 1080]
    assert seen["other"] == ["laptop", True]
    assert seen["left"] == ["laptop", False]


def test_main_with_the_catchment_of_a_facility_the_plan_lacks_says_so_and_exits(grid, tmp_path):
    """Review item 4: `--catchment 99999` is one sentence and exit 2, not a screenshot of nothing."""
    from lifecircle_desktop.cli.gui import facility_key
    from tests.ui.test_screenshot import run_main
    plan, _ = grid
    path = plan.path
    plan.close()
    out = tmp_path / "catchment.png"
    for number, words in (("99999", "no facility numbered 99999"), ("stops:99999", "no stop numbered 99999")):
        result = run_main(path, "--workshop", "--catchment", number, "--screenshot", out, tmp_path=tmp_path)
        assert result.returncode == 2 and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and not out.exists()
    assert facility_key("stops:3") == ("stops", 3) and facility_key("12") == ("facilities", 12)
    bad = run_main(path, "--workshop", "--catchment", "kindergarten", "--screenshot", out, tmp_path=tmp_path)
    assert bad.returncode == 2 and "not a facility number" in bad.stderr and "Traceback" not in bad.stderr


@needs_demo
def test_the_legend_scale_bar_and_credit_are_projector_size_and_name_every_symbol(qtbot, demo):
    """Review item 8: what the room reads besides the labels — the legend, the scale bar's length,
    the OSM credit — is ≥ 18 pt too; the legend names the stops' letters, the paths walked, and
    tells a planning unit's dashes from a planned facility's."""
    from PySide6.QtWidgets import QLabel
    w = demo
    editing_scale = styles.overlay_font(w.canvas, "scale").pixelSize()
    w.enter_workshop(full_screen=False)
    qtbot.waitUntil(lambda: w.canvas.width() > 1000)
    words = [label for label in w.workshop.legend.findChildren(QLabel) if label.text() and label.isVisible()]
    assert len(words) > 5
    smallest = min(QFontMetricsF(label.font()).height() for label in words)
    assert smallest >= font_height(18) - 0.5
    for kind in ("scale", "credit"):
        assert QFontMetricsF(styles.overlay_font(w.canvas, kind)).height() >= font_height(18) - 0.5
    legend = w.workshop.legend.texts()
    stops = {f.attributes.get("type") for f in w.session.plan.features("stops", w.document.scenario)}
    assert ("Bus stop (B)" in legend) == ("bus_stop" in stops) and "bus_stop" in stops
    assert ("Metro station (M)" in legend) == ("metro_station" in stops)
    assert "Planning unit (dashed)" in legend and "Planned (dashed)" not in legend
    (kindergarten, *_) = [f for f in w.session.plan.features("facilities", w.document.scenario)
                          if f.attributes.get("type") in ("primary_school", "kindergarten")]
    assert w.workshop.show_catchment(("facilities", kindergarten.fid))
    assert "Paths walked" in w.workshop.legend.texts()
    w.leave_workshop()
    assert styles.overlay_font(w.canvas, "scale").pixelSize() == editing_scale < font_height(18)

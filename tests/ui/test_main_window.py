"""The main window as a planner uses it: plans in and out (open, new, from OSM, Save As, recent),
tools, scenario selector, status bar, remembered window state."""
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton
from PySide6.QtGui import QKeySequence

from lifecircle_desktop.model import ChangeAttributes, Plan
from lifecircle_desktop.ui import app as app_mod
from lifecircle_desktop.ui.main_window import LAST_KEY, TOOLS, MainWindow, recent_plans
from lifecircle_desktop.ui.panels.palette import HOMES_ENTRY
from tests.conftest import REAL_DATA
from tests.helpers import snapshot

SIPING_OSM = REAL_DATA / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"


def record(obj, name, calls=None):
    """Wrap ``obj.name`` to record its calls (the canvas is another engineer's: we watch, not fake)."""
    calls = [] if calls is None else calls
    original = getattr(obj, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)
    setattr(obj, name, wrapper)
    return calls


@pytest.fixture
def errors(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_error", shown.append)
    return shown


def test_window_opens_the_plan_and_remembers_it(window):
    assert window.document.plan.name == "网格社区 Grid" and "grid.gpkg" in window.windowTitle()
    assert recent_plans()[0] == str(window.document.plan.path.resolve())
    assert QSettings().value(LAST_KEY) == str(window.document.plan.path.resolve())
    assert window.findings.results is window.document.results and window.document.results.findings
    assert window.summary_label.text()


def test_app_opens_given_then_last_then_demo(tmp_path, grid):
    plan, _ = grid
    assert app_mod.choose_plan(str(plan.path)) == plan.path
    QSettings().setValue(LAST_KEY, str(plan.path))
    assert app_mod.choose_plan(None) == plan.path
    QSettings().setValue(LAST_KEY, str(tmp_path / "gone.gpkg"))
    assert app_mod.choose_plan(None) == app_mod.demo_plan_copy()


def test_save_as_copies_the_file_and_continues_there(qtbot, window, tmp_path):
    old_path = window.document.plan.path
    window.document.push(ChangeAttributes.of(window.document.plan, "facilities", window.ids["kg"], name="改名"))
    before = snapshot(window.document.plan)
    target = tmp_path / "copy" / "副本.gpkg"
    target.parent.mkdir()
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        assert window.save_as_path(target)
    assert window.document.plan.path == target and snapshot(window.document.plan) == before
    with Plan.open(target) as copy:
        assert snapshot(copy) == before
    # The history came along (ids match); undoing changes the copy, not the original.
    assert window.document.stack.count() == 1
    window.document.undo()
    with Plan.open(target) as copy, Plan.open(old_path) as original:
        assert copy.feature("facilities", window.ids["kg"])["name"] == "同济幼儿园"
        assert original.feature("facilities", window.ids["kg"])["name"] == "改名"
    assert recent_plans()[0] == str(target.resolve())


def test_new_blank_plan(qtbot, window, tmp_path, errors):
    values = dict(name="新规划", kind="new_build", lonlat=(116.33, 39.99), district="海淀区", subdistrict="")
    with qtbot.waitSignal(window.resultsShown, timeout=30000):  # an empty plan validates too
        assert window.create_plan(tmp_path / "new", values)
    plan = window.document.plan
    assert plan.path == tmp_path / "new.gpkg" and plan.name == "新规划"
    assert plan.community_kind == "new_build" and plan.epsg == 32650  # Beijing: UTM 50N
    assert window.document.stack.count() == 0 and not errors
    assert not window.create_plan(tmp_path / "bad.gpkg", dict(values, name="  "))
    assert errors and "name" in errors[-1]


def test_open_refuses_a_file_that_is_not_a_plan(window, tmp_path, errors):
    bad = tmp_path / "notes.gpkg"
    bad.write_text("not a plan")
    plan = window.document.plan
    assert not window.open_plan_path(bad)
    assert window.document.plan is plan and errors and "notes.gpkg" in errors[0]
    assert bad.read_text() == "not a plan"


def test_recent_plan_action_opens_that_plan(qtbot, window, tmp_path):
    """The PySide ≥ 6.7 gotcha: triggered(bool) must not put `checked` where the path goes."""
    grid_path = window.document.plan.path
    Plan.create(tmp_path / "other.gpkg", "另一个", 32651).close()
    assert window.open_plan_path(tmp_path / "other.gpkg")
    assert window.open_plan_path(grid_path)
    window.recent_menu.aboutToShow.emit()  # as when the planner opens File → Open Recent
    action = next(a for a in window.recent_menu.actions() if a.text() == "other.gpkg")
    with qtbot.waitSignal(window.document.sessionChanged, timeout=5000):
        action.trigger()
    assert window.document.plan.path == tmp_path / "other.gpkg"


def test_standard_shortcuts(window):
    SK = QKeySequence.StandardKey
    a = window.actions_
    for name, key in (("new", SK.New), ("open", SK.Open), ("save_as", SK.SaveAs), ("quit", SK.Quit),
                      ("undo", SK.Undo), ("delete_selection", SK.Delete)):
        assert a[name].shortcut() == QKeySequence(key), name


def test_tools_palette_and_layers_drive_the_canvas(window):
    tools = record(window.canvas, "set_tool")
    for name in TOOLS:
        window.tool_actions[name].trigger()
    assert [c[0] for c in tools] == list(TOOLS)
    types, layers, targets = (record(window.canvas, "set_current_facility_type"),
                              record(window.canvas, "set_layer_visible"), record(window.canvas, "set_target_layer"))
    window.palette.choose("kindergarten")
    assert types[-1] == ("kindergarten",) and targets[-1] == ("facilities",) and tools[-1] == ("polygon",)
    assert window.tool_actions["polygon"].isChecked()
    window.palette.choose("bus_stop")  # a point type: placed with one click of the stop tool
    assert types[-1] == ("bus_stop",) and tools[-1] == ("stop",) and targets[-1] == ("facilities",)
    assert window.tool_actions["stop"].isChecked() and "Esc" in window.statusBar().currentMessage()
    window.palette.choose(HOMES_ENTRY)
    assert targets[-1] == ("residential",) and tools[-1] == ("polygon",)
    window.layers_panel.set_visible("basemap_buildings", False)
    assert layers[-1] == ("basemap_buildings", False)
    assert QSettings().value("layers/hidden", type=list) == ["basemap_buildings"]
    window.layers_panel.set_visible("basemap_buildings", True)
    assert layers[-1] == ("basemap_buildings", True)


def test_canvas_edits_go_on_the_stack_and_refresh_the_canvas(qtbot, window):
    refreshed = record(window.canvas, "refresh")
    edit = ChangeAttributes.of(window.document.plan, "facilities", window.ids["kg"], floors=2)
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        window.canvas.editRequested.emit(edit)
    assert window.document.stack.count() == 1 and refreshed[-1][0].changed == {"facilities": {window.ids["kg"]}}
    assert window.document.results.version == window.document.loop.version


def test_status_bar_shows_cursor_coordinates(window):
    window.canvas.cursorMoved.emit(350123.25, 3461000.5)
    text = window.coords_label.text()
    assert "350,123.2" in text and "3,461,000.5" in text
    assert "121.42563°, 31.27366°" in text  # lon/lat of that point in UTM 51N (Shanghai)
    window.canvas.statusMessage.emit("吸附到顶点")
    assert window.statusBar().currentMessage() == "吸附到顶点"


def test_scenario_selector(qtbot, window):
    # Waited for on screen (resultsShown is queued after resultsReady): a late one would be taken
    # for the base's below.
    with qtbot.waitSignal(window.resultsShown, timeout=30000, check_params_cb=lambda r: r.scenario == "方案一"):
        assert window.create_scenario("方案一")  # a copy of base, switched to
    assert window.document.scenario == "方案一" and window.scenario_box.currentData() == "方案一"
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        window.scenario_box.setCurrentIndex(window.scenario_box.findData("base"))
        window.scenario_box.activated.emit(window.scenario_box.currentIndex())
    assert window.document.scenario == "base" and window.document.results.scenario == "base"
    assert not window.create_scenario("方案一")  # exists: refused, said in the status bar
    assert window.statusBar().currentMessage().startswith("⚠")


def test_delete_selection_takes_the_entrances_along(qtbot, window):
    plan, kg = window.document.plan, window.ids["kg"]
    gates = [e.fid for e in plan.features("entrances") if (e["layer"], e["feature"]) == ("facilities", kg)]
    assert gates
    window.canvas.selectionChanged.emit([("facilities", kg)])
    assert window.attributes.selection == [("facilities", kg)]
    window.actions_["delete_selection"].trigger()
    assert not plan.has_feature("facilities", kg) and not any(plan.has_feature("entrances", g) for g in gates)
    assert window.document.stack.count() == 1 and window.attributes.selection == []
    window.document.undo()
    assert plan.has_feature("facilities", kg) and all(plan.has_feature("entrances", g) for g in gates)


def test_window_geometry_and_state_are_remembered(qtbot, grid):
    plan, _ = grid
    w = MainWindow(plan, restore_state=False)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.docks["coverage"].hide()
    w.close()
    s = QSettings()
    assert s.value("window/geometry") is not None and s.value("window/state") is not None
    again = MainWindow(None)
    qtbot.addWidget(again)
    assert not again.docks["coverage"].isVisibleTo(again)
    again.close()


@pytest.mark.skipif(not SIPING_OSM.exists(), reason="the Siping OSM extract is not beside the checkout")
def test_new_plan_from_osm_in_a_worker(qtbot, window, tmp_path, errors):
    target = tmp_path / "siping.gpkg"
    task = window.import_osm(SIPING_OSM, target)
    seen = []
    task.progressed.connect(seen.append)
    with qtbot.waitSignal(window.resultsShown, timeout=120000):
        pass
    assert window.document.plan.path == target and not errors
    assert window.document.plan.count("walk_network") > 0 and window.document.plan.count("facilities") > 0
    assert seen and max(seen) == 100


def test_osm_import_can_be_cancelled(qtbot, window, tmp_path, errors):
    target = tmp_path / "cancelled.gpkg"
    started = []

    def slow_importer(path, out, progress=None):
        Plan.create(out, "half", 32651).close()  # a half-made file that must not stay
        i = 0
        while progress(min(i / 1000, 0.99), "working") is not False:
            started.append(i)
            i += 1
            if i > 10_000_000:
                raise AssertionError("never cancelled")
        from lifecircle_desktop.model.errors import PlanError
        raise PlanError("导入已取消", "import cancelled")

    plan = window.document.plan
    task = window.import_osm(SIPING_OSM, target, importer=slow_importer)
    qtbot.waitUntil(lambda: len(started) > 5)
    cancel = task.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    with qtbot.waitSignal(task.cancelled, timeout=30000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not target.exists() and not Path(str(target) + "-wal").exists()
    assert window.document.plan is plan and not errors


# The offscreen platform cannot resize native windows and says so on show(); not our fault.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_drawing_a_facility_on_the_canvas_is_one_undoable_step(qtbot, window):
    """Palette → polygon tool → clicks on the map → an AddFeature on the stack, in the file and
    validated; Ctrl+Z (the window's shortcut) takes it away again."""
    canvas, plan = window.canvas, window.document.plan
    window.show()
    qtbot.waitExposed(window)
    canvas.fit_plan()
    window.actions_["snap"].setChecked(False)  # exactly where clicked: the grid lines are near
    window.palette.choose("nursery")
    corners = [(250, 250), (290, 250), (290, 290), (250, 290)]
    for x, y in corners:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         canvas.mapFromScene(x, y))
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert window.document.stack.count() == 1
    (nursery,) = [f for f in plan.features("facilities") if f["type"] == "nursery"]
    pixel = canvas.metres(1.0)  # clicks land on whole pixels
    assert nursery.geometry.bounds == pytest.approx((250, 250, 290, 290), abs=1.5 * pixel)
    with Plan.open(plan.path) as other:
        assert other.has_feature("facilities", nursery.fid)
    assert any(f.rule == "cc_basic_facility_set_nursery" and f.status == "pass" for f in window.document.results.findings)
    window.activateWindow()
    canvas.setFocus()
    with qtbot.waitSignal(window.document.changed, timeout=5000):
        qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not plan.has_feature("facilities", nursery.fid) and window.document.stack.index() == 0
    with qtbot.waitSignal(window.document.changed, timeout=5000):
        qtbot.keyClick(canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert plan.has_feature("facilities", nursery.fid)


@pytest.mark.qt_log_ignore("This plugin does not support")  # the community-boundary prompt is shown
def test_file_menu_actions_through_their_dialogs(qtbot, window, tmp_path, monkeypatch):
    """Open, Save As and New run from their menu actions (triggered(bool) must not leak `checked`
    into a path parameter) with the file dialogs answered."""
    from PySide6.QtWidgets import QFileDialog
    from lifecircle_desktop.ui.panels.new_plan import NewPlanDialog

    copy = tmp_path / "via_menu.gpkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(copy), "")))
    window.actions_["save_as"].trigger()
    assert window.document.plan.path == copy

    other = tmp_path / "other.gpkg"
    Plan.create(other, "另一个", 32651).close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(other), "")))
    window.actions_["open"].trigger()
    assert window.document.plan.path == other

    def fake_exec(dialog):
        dialog.name.setText("菜单新建")
        dialog.kind.setCurrentIndex(dialog.kind.findData("new_build"))
        return NewPlanDialog.DialogCode.Accepted
    monkeypatch.setattr(NewPlanDialog, "exec", fake_exec)
    fresh = tmp_path / "fresh.gpkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(fresh), "")))
    window.actions_["new"].trigger()
    assert window.document.plan.path == fresh and window.document.plan.name == "菜单新建" and window.document.plan.community_kind == "new_build"
    assert window.document.plan.epsg == 32651  # the dialog's default location: Siping, Shanghai
    assert [Path(p).name for p in recent_plans()[:3]] == ["fresh.gpkg", "other.gpkg", "via_menu.gpkg"]


# --- issue 10: replacing a plan, a safe default path, read-only plans, refusals said ---------------
def test_a_new_plan_that_cannot_be_made_leaves_the_plan_it_was_to_replace(window, tmp_path, errors):
    old = tmp_path / "old.gpkg"
    Plan.create(old, "旧规划", 32651).close()
    assert not window.create_plan(old, dict(name="新规划", kind="moon_base", lonlat=(121.5, 31.3)))
    assert errors
    with Plan.open(old) as kept:
        assert kept.name == "旧规划"
    assert not (tmp_path / "old.gpkg.new").exists()


def test_a_new_plan_replaces_the_old_file_in_one_step(qtbot, window, tmp_path, errors):
    old = tmp_path / "old.gpkg"
    Plan.create(old, "旧规划", 32651).close()
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        assert window.create_plan(old, dict(name="新规划", kind="existing", lonlat=(121.5, 31.3)))
    assert window.document.plan.path == old and window.document.plan.name == "新规划" and not errors
    assert not [p.name for p in tmp_path.iterdir() if ".new" in p.name or ".creating" in p.name]


def test_a_failed_osm_import_leaves_the_plan_it_was_to_replace(qtbot, window, tmp_path, errors):
    target = tmp_path / "kept.gpkg"
    Plan.create(target, "保留的规划", 32651).close()
    bad = tmp_path / "broken.osm"
    bad.write_text("<osm><node id='1' lat='x'")
    task = window.import_osm(bad, target)
    with qtbot.waitSignal(task.failed, timeout=30000):
        pass
    assert errors
    with Plan.open(target) as kept:
        assert kept.name == "保留的规划"
    assert not (tmp_path / "kept.gpkg.new").exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c", "..", "\x00\x1b[31m红\n", "  .hidden"])
def test_the_default_new_plan_path_stays_in_the_home_folder(name):
    from lifecircle_desktop.ui.panels.new_plan import default_plan_path
    home = Path("/home/planner")
    path = default_plan_path(name, home)
    assert path.parent == home and path.suffix == ".gpkg"
    assert not path.name.startswith(".") and all(ch.isprintable() for ch in path.name)


def test_a_read_only_plan_shows_a_banner_and_refuses_edits_with_a_sentence(qtbot, window, monkeypatch, grid):
    from lifecircle_desktop.model.store import Store
    plan, ids = grid
    assert not window.read_only_banner.isVisibleTo(window)
    monkeypatch.setattr(Store, "read_only", property(lambda self: True))
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        window.set_plan(Plan.open(plan.path))
    assert window.read_only_banner.isVisibleTo(window) and "read-only" in window.read_only_banner.text()
    before = snapshot(window.document.plan)
    with qtbot.waitSignal(window.document.refused):
        window.document.push(ChangeAttributes.of(window.document.plan, "facilities", ids["kg"], name="改名"))
    assert "read-only" in window.statusBar().currentMessage()
    assert snapshot(window.document.plan) == before and window.document.stack.count() == 0


def test_a_write_the_file_refuses_is_said_in_the_status_bar(qtbot, window):
    import sqlite3
    plan = window.document.plan
    plan.store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(plan.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with qtbot.waitSignal(window.document.refused):
            assert window.document.push(ChangeAttributes.of(plan, "facilities", window.ids["kg"], name="改名")) is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "another program is writing" in window.statusBar().currentMessage()
    assert window.document.stack.count() == 0


def test_code_another_program_stored_in_a_plan_is_removed_only_when_the_planner_agrees(qtbot, window, tmp_path,
                                                                                       monkeypatch):
    import sqlite3
    from PySide6.QtWidgets import QMessageBox
    target = tmp_path / "received.gpkg"
    Plan.create(target, "收到的规划", 32651).close()
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON facilities BEGIN DELETE FROM residential; END")
    before = target.read_bytes()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args[2]) or QMessageBox.StandardButton.No)
    assert not window.open_plan_path(target)
    assert "wipe" in asked[-1] and target.read_bytes() == before and window.document.plan.path != target
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: QMessageBox.StandardButton.Yes)
    assert window.open_plan_path(target)
    assert window.document.plan.path == target
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'wipe'").fetchone()[0] == 0


def test_an_old_plan_opened_in_the_desktop_holds_no_write_lock(qtbot, window, tmp_path):
    """Reading an old plan never changes it (issue 10 item 10), but the desktop works on it: its
    upgrade is written at open, so QGIS can write while the planner works (no lock held)."""
    import sqlite3
    path = tmp_path / "old.gpkg"
    Plan.create(path, "旧规划", 32651).close()
    with sqlite3.connect(path) as conn:  # an index a GDAL copy drops: opening restores it
        conn.execute('DROP INDEX "facilities_scenario"')
    assert window.open_plan_path(path)
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # "database is locked" while the open held the upgrade
        other.execute("ROLLBACK")
    finally:
        other.close()

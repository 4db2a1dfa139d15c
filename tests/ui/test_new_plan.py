"""A new plan as a planner makes one (issue 16): the New plan dialog pre-sets the rule packs from
where the plan lies, a plan from an OSM extract is named after its place, and the community
boundary is drawn with the planning-unit tool."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from lifecircle_desktop.ui import i18n
from lifecircle_desktop.ui.panels.new_plan import NewPlanDialog, progress_text
from tests.conftest import REAL_DATA

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

WUDAOKOU = REAL_DATA / "beijing_wudaokou_tsinghua" / "beijing_wudaokou_tsinghua.osm"
NATIONAL = ["national_complete_community_2021", "gb50180_2018_life_circle"]
SHANGHAI = ["shanghai_community_service_2022", "shanghai_complete_community_2025"]


def checked(dialog) -> list[str]:
    return [pid for pid, box in dialog.pack_boxes.items() if box.isChecked()]


def test_the_dialog_presets_the_packs_from_the_location_until_the_planner_chooses(qtbot):
    dialog = NewPlanDialog()
    qtbot.addWidget(dialog)
    assert sorted(checked(dialog)) == sorted(NATIONAL + SHANGHAI)  # the default point: Siping, Shanghai
    dialog.lon.setValue(116.33)
    dialog.lat.setValue(39.99)  # Beijing
    assert sorted(checked(dialog)) == sorted(NATIONAL)
    dialog.pack_boxes[SHANGHAI[1]].setChecked(True)  # the planner's own choice stays
    dialog.lon.setValue(14.51)
    dialog.lat.setValue(35.90)  # Malta
    assert sorted(dialog.values()["rule_packs"]) == sorted(NATIONAL + [SHANGHAI[1]])


def test_import_progress_reads_in_the_interface_language():
    i18n.install_language("zh")
    assert "读取" in progress_text("reading OSM XML") and "设施" in progress_text("writing facilities")


@pytest.mark.skipif(not WUDAOKOU.exists(), reason="the Beijing extract is not beside the checkout")
def test_a_new_plan_from_the_beijing_extract_and_its_drawn_community(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "wudaokou.gpkg"
    seen = {}

    def fill_in(dialog):
        seen["packs"] = checked(dialog)
        seen["title"] = dialog.windowTitle()
        dialog.kind.setCurrentIndex(dialog.kind.findData("existing"))
        dialog.district.setText("海淀区")
        return NewPlanDialog.DialogCode.Accepted  # the name left blank: the place the data shows

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(WUDAOKOU), "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    monkeypatch.setattr(NewPlanDialog, "exec", fill_in)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.resultsShown, timeout=120000):
        window.actions_["new_osm"].trigger()
    qtbot.waitUntil(lambda: window.boundary_prompt is not None, timeout=30000)
    plan = window.document.plan
    assert plan.path == target and sorted(seen["packs"]) == sorted(NATIONAL)
    assert plan.rule_packs == NATIONAL  # Shanghai's packs are off in Beijing
    assert plan.name != WUDAOKOU.stem and "海淀" in plan.name and plan.meta["district"] == "海淀区"
    scale = {f.rule: f for f in window.document.results.findings if f.rule == "cc_population"}
    assert scale["cc_population"].status == "n/a"  # no community drawn yet

    # "Draw the boundary": the planning-unit tool, drawing a community.
    (draw,) = [b for b in window.boundary_prompt.buttons() if b.text() == window.tr("Draw the boundary")]
    qtbot.mouseClick(draw, Qt.MouseButton.LeftButton)
    canvas = window.canvas
    assert canvas.tool() == "unit" and canvas.unit_kind() == "community"
    canvas.fit_plan()
    view = canvas.viewport().rect()
    w, h = view.width(), view.height()
    for fx, fy in ((0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8)):
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         view.topLeft() + type(view.topLeft())(int(w * fx), int(h * fy)))
    with qtbot.waitSignal(window.resultsShown, timeout=60000):
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    (unit,) = plan.features("planning_units")
    assert unit["kind"] == "community" and unit.geometry.area > 10000
    assert window.document.stack.count() == 1  # one undoable step
    after = next(f for f in window.document.results.findings if f.rule == "cc_population")
    assert after.status != "n/a"
    assert any("社区" in t or "ommunity" in t for t in canvas.labels("planning_units"))


def test_picking_a_compound_makes_its_outline_the_community_and_undo_takes_it_back(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    canvas, plan = window.canvas, window.document.plan
    canvas.fit_plan()
    home = next(iter(plan.features("residential")))
    box = window.offer_boundary()
    (pick,) = [b for b in box.buttons() if b.text() == window.tr("Pick a compound")]
    qtbot.mouseClick(pick, Qt.MouseButton.LeftButton)
    assert canvas.tool() == "pick_unit" and window.boundary_prompt is None
    centre = home.geometry.centroid
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         canvas.mapFromScene(centre.x, centre.y))
    (unit,) = plan.features("planning_units")
    assert unit["kind"] == "community" and unit.geometry.equals(home.geometry)
    assert canvas.tool() == "select"
    with qtbot.waitSignal(window.document.changed, timeout=5000):
        window.document.undo()
    assert plan.count("planning_units") == 0


def test_the_palette_draws_a_15_minute_unit(qtbot, window):
    window.palette.choose("__unit__:15min")
    assert window.canvas.tool() == "unit" and window.canvas.unit_kind() == "15min"

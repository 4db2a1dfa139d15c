"""The map view (ui/map/view.py) with real mouse and key events on its viewport (style.md §7).

A stand-in for the document applies every requested edit through a real session and calls
``refresh(changes)``, as ui/document.py does.
"""
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from shapely.geometry import LineString, Point, Polygon

from lifecircle_desktop.model.capture import translate as moved
from lifecircle_desktop.model.catalogue import Catalogue, FacilityType, load_catalogue
from lifecircle_desktop.model.edits import AddFeature, Batch, ChangeAttributes, ChangeGeometry, DeleteFeature
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.map.view import MapView
from lifecircle_desktop.ui.tools import text

X0, Y0 = 350_000.0, 3_460_000.0  # UTM 51N, Shanghai
# The offscreen platform cannot raise or grab for popup menus and says so; not our fault.
POPUP_NOISE = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def catalogue():
    try:
        cat = load_catalogue()
        if "kindergarten" in cat:
            return cat
    except PlanError:
        pass  # catalogue.toml not written yet: a tiny one will do
    return Catalogue({
        "kindergarten": FacilityType("kindergarten", "幼儿园", "Kindergarten", "education", "#f28e2b", default_floors=3),
        "community_service": FacilityType("community_service", "社区综合服务站", "Community service station",
                                          "service", "#4e79a7", default_floors=2)})


@pytest.fixture
def plan(tmp_path):
    p = Plan.create(tmp_path / "p.gpkg", "x", 32651)
    PlanSession(p).apply(AddFeature("residential", shapely.box(X0, Y0, X0 + 200, Y0 + 150), {"name": "同济新村"}))
    yield p
    p.close()


class Window:
    """What the document does with the map's requests: the session applies them (a delete with
    the entrances attached), then the map refreshes."""

    def __init__(self, plan, canvas):
        self.plan, self.canvas, self.edits, self.messages = plan, canvas, [], []
        self.session = PlanSession(plan)
        canvas.editRequested.connect(self.apply)
        canvas.deleteRequested.connect(self.delete)
        canvas.moveRequested.connect(self.move)
        canvas.set_attached(self.attached)
        canvas.statusMessage.connect(self.messages.append)

    def apply(self, edit):
        self.edits.append(edit)
        self.canvas.refresh(self.session.apply(edit))

    def delete(self, keys):
        self.session.switch_scenario(self.canvas.scenario)
        self.apply(self.session.delete_edit(keys))

    def move(self, keys, dx, dy):
        self.session.switch_scenario(self.canvas.scenario)
        self.apply(self.session.move_edit(keys, dx, dy))

    def attached(self, keys):
        self.session.switch_scenario(self.canvas.scenario)
        return self.session.attached_entrances(keys)


@pytest.fixture
def canvas(qtbot, plan, catalogue):
    c = MapView(catalogue)
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.show()
    qtbot.waitExposed(c)
    c.set_plan(plan)
    c.set_language("en")
    yield c
    text.set_language(None)  # back to following the application


@pytest.fixture
def window(plan, canvas):
    return Window(plan, canvas)


def vp(canvas, x, y) -> QPoint:
    return canvas.mapFromScene(QPointF(x, y))


def scene(canvas, pos: QPoint):
    p = canvas.mapToScene(pos)
    return (p.x(), p.y())


def click(qtbot, canvas, x, y, button=Qt.LeftButton, modifier=Qt.NoModifier):
    qtbot.mouseClick(canvas.viewport(), button, modifier, vp(canvas, x, y))


def zoom_to_box(canvas, xmin, ymin, xmax, ymax):
    canvas.show_extent((xmin, ymin, xmax, ymax))


# --- drawing polygons ---------------------------------------------------------------------------
def test_polygon_by_clicks_and_enter_emits_the_clicked_polygon(qtbot, canvas, window):
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    zoom_to_box(canvas, X0 + 20, Y0 + 20, X0 + 140, Y0 + 100)  # ~5 px per metre
    corners = [(X0 + 30, Y0 + 30), (X0 + 130, Y0 + 30), (X0 + 130, Y0 + 90), (X0 + 30, Y0 + 90)]
    for x, y in corners:
        click(qtbot, canvas, x, y)
    assert canvas.is_drawing()
    with qtbot.waitSignal(canvas.editRequested) as blocker:
        qtbot.keyClick(canvas, Qt.Key_Return)
    edit = blocker.args[0]
    assert isinstance(edit, AddFeature) and edit.layer == "facilities" and edit.scenario == "base"
    assert dict(edit.attributes)["type"] == "kindergarten"
    clicked = [scene(canvas, vp(canvas, x, y)) for x, y in corners]
    assert list(edit.geometry.exterior.coords)[:-1] == clicked  # exactly where the clicks landed
    assert edit.geometry.area == pytest.approx(6000.0, rel=0.005)
    assert not canvas.is_drawing()
    fid = window.plan.features("facilities")[0].fid
    assert fid in canvas.layer_view("facilities").fids()


def test_backspace_removes_the_last_vertex(qtbot, canvas, window):
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 120, Y0 + 20), (X0 + 170, Y0 + 140)]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key_Backspace)
    assert len(canvas.active_tool().capture) == 2
    click(qtbot, canvas, X0 + 120, Y0 + 100)
    qtbot.keyClick(canvas, Qt.Key_Return)
    (edit,) = window.edits
    assert len(edit.geometry.exterior.coords) == 4
    assert edit.geometry.exterior.coords[2] == pytest.approx((X0 + 120, Y0 + 100), abs=1.0)


def test_double_click_finishes_without_a_duplicate_vertex(qtbot, canvas, window):
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 120, Y0 + 20)]:
        click(qtbot, canvas, x, y)
    qtbot.mouseDClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, vp(canvas, X0 + 120, Y0 + 120))
    (edit,) = window.edits
    assert len(edit.geometry.exterior.coords) == 4  # a triangle, closed


def _answer(monkeypatch, button):
    asked = []

    def fake_exec(box):
        asked.append(box.text())
        return int(button.value if hasattr(button, "value") else button)
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return asked


def _three_vertices(qtbot, canvas):
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 120, Y0 + 20), (X0 + 120, Y0 + 120)]:
        click(qtbot, canvas, x, y)


def test_esc_with_three_vertices_asks_and_keeps_drawing_when_told(qtbot, canvas, window, monkeypatch):
    _three_vertices(qtbot, canvas)
    asked = _answer(monkeypatch, QMessageBox.Cancel)  # "Keep drawing"
    qtbot.keyClick(canvas, Qt.Key_Escape)
    assert len(asked) == 1 and "3" in asked[0]
    assert canvas.tool() == "polygon" and canvas.is_drawing() and len(canvas.active_tool().capture) == 3
    assert window.edits == []
    # ... and then a fourth vertex and Esc → "Finish": the polygon is emitted.
    click(qtbot, canvas, X0 + 20, Y0 + 120)
    _answer(monkeypatch, QMessageBox.Save)
    qtbot.keyClick(canvas, Qt.Key_Escape)
    (edit,) = window.edits
    assert isinstance(edit, AddFeature) and len(edit.geometry.exterior.coords) == 5
    assert canvas.tool() == "polygon" and not canvas.is_drawing()


def test_esc_discard_and_esc_with_few_vertices(qtbot, canvas, window, monkeypatch):
    _three_vertices(qtbot, canvas)
    _answer(monkeypatch, QMessageBox.Discard)
    qtbot.keyClick(canvas, Qt.Key_Escape)
    assert not canvas.is_drawing() and canvas.tool() == "polygon" and window.edits == []
    # With fewer than 3 vertices Esc cancels without asking.
    asked = _answer(monkeypatch, QMessageBox.Save)
    click(qtbot, canvas, X0 + 20, Y0 + 20)
    click(qtbot, canvas, X0 + 60, Y0 + 20)
    qtbot.keyClick(canvas, Qt.Key_Escape)
    assert asked == [] and not canvas.is_drawing() and canvas.tool() == "polygon"
    # Nothing drawn: Esc returns to the select tool.
    with qtbot.waitSignal(canvas.toolChanged) as blocker:
        qtbot.keyClick(canvas, Qt.Key_Escape)
    assert blocker.args == ["select"] and canvas.tool() == "select"
    assert window.edits == []


@POPUP_NOISE
def test_right_click_does_not_finish_and_offers_a_menu(qtbot, canvas, window):
    _three_vertices(qtbot, canvas)
    click(qtbot, canvas, X0 + 60, Y0 + 140, Qt.RightButton)
    assert window.edits == [] and len(canvas.active_tool().capture) == 3 and canvas.is_drawing()
    menu = canvas.shown_menu()
    assert menu is not None and menu.isVisible()
    labels = [a.text() for a in menu.actions()]
    assert labels == ["Finish", "Undo last vertex", "Cancel drawing"]
    menu.actions()[0].trigger()  # "Finish"
    menu.close()
    (edit,) = window.edits
    assert len(edit.geometry.exterior.coords) == 4


@POPUP_NOISE
def test_right_clicks_do_not_pile_up_menus(qtbot, canvas, window):
    from PySide6.QtWidgets import QMenu
    _three_vertices(qtbot, canvas)
    for _ in range(4):
        click(qtbot, canvas, X0 + 60, Y0 + 140, Qt.RightButton)
    canvas.shown_menu().close()
    qtbot.waitUntil(lambda: len(canvas.findChildren(QMenu)) == 0)
    assert window.edits == [] and len(canvas.active_tool().capture) == 3


def test_self_intersecting_polygon_is_not_emitted_and_the_status_says_why(qtbot, canvas, window):
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 120, Y0 + 20), (X0 + 20, Y0 + 120), (X0 + 120, Y0 + 120)]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key_Return)
    assert window.edits == []
    assert window.messages[-1].startswith("Not added:") and "self-intersection" in window.messages[-1]
    assert window.messages[-1].count(".") == 1  # one sentence
    assert canvas.is_drawing() and len(canvas.active_tool().capture) == 4  # kept for fixing
    qtbot.keyClick(canvas, Qt.Key_Backspace)
    qtbot.keyClick(canvas, Qt.Key_Return)
    assert len(window.edits) == 1


def test_drawing_a_facility_needs_a_type(qtbot, canvas, window):
    canvas.set_tool("polygon")
    click(qtbot, canvas, X0 + 20, Y0 + 20)
    assert not canvas.is_drawing() and "facility type" in window.messages[-1]


def test_residential_target_layer(qtbot, canvas, window):
    canvas.set_tool("polygon")
    canvas.set_target_layer("residential")
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 120, Y0 + 20), (X0 + 120, Y0 + 120)]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key_Enter)
    (edit,) = window.edits
    assert edit.layer == "residential" and dict(edit.attributes)["source"] == "drawn"


def test_live_area_against_the_types_minimum(qtbot, canvas, window):
    canvas.set_area_rule(lambda code: (2200.0, None) if code == "kindergarten" else (None, None))
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    zoom_to_box(canvas, X0, Y0, X0 + 100, Y0 + 100)
    click(qtbot, canvas, X0 + 10, Y0 + 10)
    click(qtbot, canvas, X0 + 40, Y0 + 10)
    click(qtbot, canvas, X0 + 40, Y0 + 20)  # 150 m² land, 450 m² floor (3 floors)
    qtbot.mouseMove(canvas.viewport(), vp(canvas, X0 + 10, Y0 + 90))  # the cursor does not count
    lines, colour = canvas.active_tool().cursor_label
    assert lines[0] == "Kindergarten" and "Minimum floor area 2,200 m² ✗" in lines
    assert colour == "#c62828"
    click(qtbot, canvas, X0 + 40, Y0 + 90)
    click(qtbot, canvas, X0 + 10, Y0 + 90)  # 2400 m² land, 7200 m² floor
    lines, colour = canvas.active_tool().cursor_label
    assert any(l.startswith("Floor area 7,2") for l in lines) and colour == "#1b7f3b"


def test_rectangle_by_two_clicks(qtbot, canvas, window):
    canvas.set_tool("rectangle")
    canvas.set_current_facility_type("kindergarten")
    click(qtbot, canvas, X0 + 20, Y0 + 20)
    click(qtbot, canvas, X0 + 80, Y0 + 60)
    (edit,) = window.edits
    (ax, ay), (bx, by) = scene(canvas, vp(canvas, X0 + 20, Y0 + 20)), scene(canvas, vp(canvas, X0 + 80, Y0 + 60))
    assert edit.geometry.bounds == (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    assert edit.geometry.area == pytest.approx(2400, rel=0.05)


def test_rectangle_by_dragging(qtbot, canvas, window):
    canvas.set_tool("rectangle")
    canvas.set_current_facility_type("kindergarten")
    a, b = vp(canvas, X0 + 20, Y0 + 20), vp(canvas, X0 + 80, Y0 + 60)
    qtbot.mousePress(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, a)
    qtbot.mouseMove(canvas.viewport(), b)
    qtbot.mouseRelease(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, b)
    (edit,) = window.edits
    assert edit.geometry.area == pytest.approx(2400, rel=0.05)


def test_walking_path(qtbot, canvas, window):
    canvas.set_tool("path")
    for x, y in [(X0 - 20, Y0 + 10), (X0 + 50, Y0 + 10), (X0 + 50, Y0 + 80)]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key_Return)
    (edit,) = window.edits
    assert edit.layer == "walk_network" and isinstance(edit.geometry, LineString)
    assert edit.geometry.length == pytest.approx(140, abs=3)


# --- snapping -----------------------------------------------------------------------------------
def test_snapping_to_a_vertex_is_exact_and_to_an_edge_lands_on_it(qtbot, canvas, window, plan):
    corner = (X0 + 50.37, Y0 + 40.81)  # not on any pixel
    plan.bulk_insert("basemap_buildings", [(Polygon([corner, (X0 + 90.2, Y0 + 40.81), (X0 + 90.2, Y0 + 70.4),
                                                     (X0 + 50.37, Y0 + 70.4)]), {"kind": "building"})])
    canvas.set_plan(plan)
    canvas.set_snapping(True, 10)
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    zoom_to_box(canvas, X0, Y0, X0 + 150, Y0 + 120)
    near = canvas.mapFromScene(QPointF(*corner)) + QPoint(3, -2)
    qtbot.mouseMove(canvas.viewport(), near)
    assert canvas.snap_hit() is not None and canvas.snap_hit().kind == "vertex"  # the marker shows
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, near)
    edge_near = canvas.mapFromScene(QPointF(X0 + 70.0, Y0 + 70.4)) + QPoint(1, -3)
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, edge_near)
    click(qtbot, canvas, X0 + 10, Y0 + 100)
    qtbot.keyClick(canvas, Qt.Key_Return)
    (edit,) = window.edits
    coords = list(edit.geometry.exterior.coords)
    assert coords[0] == corner                      # exactly the building's vertex
    assert coords[1][1] == pytest.approx(Y0 + 70.4, abs=1e-6)  # on the edge y = Y0 + 70.4
    assert X0 + 50.37 < coords[1][0] < X0 + 90.2
    assert canvas.active_tool().capture.vertices == ()


def test_snapping_off_means_raw_clicks(qtbot, canvas, window, plan):
    corner = (X0 + 50.37, Y0 + 40.81)
    plan.bulk_insert("basemap_buildings", [(shapely.box(corner[0], corner[1], X0 + 90, Y0 + 70), {})])
    canvas.set_plan(plan)
    canvas.set_tool("path")
    near = canvas.mapFromScene(QPointF(*corner)) + QPoint(3, -2)
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, near)
    assert canvas.active_tool().capture.coords[0] == scene(canvas, near)


# --- select and move ----------------------------------------------------------------------------
def test_select_and_drag_moves_by_the_dragged_amount_in_one_batch(qtbot, canvas, window, plan):
    window.session.apply(AddFeature("facilities", shapely.box(X0 + 40, Y0 + 40, X0 + 80, Y0 + 70), {"type": "kindergarten"}))
    canvas.set_plan(plan)
    fid = plan.features("facilities")[0].fid
    window.session.apply(AddFeature("entrances", Point(X0 + 40, Y0 + 50), {"layer": "facilities", "feature": fid}))
    canvas.set_plan(plan)
    canvas.set_tool("select")
    start = vp(canvas, X0 + 60, Y0 + 55)
    end = start + QPoint(37, -21)
    with qtbot.waitSignal(canvas.selectionChanged) as sel:
        qtbot.mousePress(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, start)
    assert sel.args[0] == [("facilities", fid)]
    for k in range(1, 6):  # a drag is many moves, and still one edit
        qtbot.mouseMove(canvas.viewport(), start + QPoint(37 * k // 5, -21 * k // 5))
    assert window.edits == []
    assert canvas.layer_view("facilities").item(fid).pos() != QPointF(0, 0)  # shown moving
    qtbot.mouseRelease(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, end)
    (edit,) = window.edits
    assert isinstance(edit, Batch)
    (sx, sy), (ex, ey) = scene(canvas, start), scene(canvas, end)
    dx, dy = ex - sx, ey - sy
    moves = {e.layer: e for e in edit.edits}
    assert set(moves) == {"facilities", "entrances"} and all(isinstance(e, ChangeGeometry) for e in edit.edits)
    assert moves["facilities"].new.equals_exact(moved(shapely.box(X0 + 40, Y0 + 40, X0 + 80, Y0 + 70), dx, dy), 1e-6)
    assert moves["entrances"].new.equals_exact(Point(X0 + 40 + dx, Y0 + 50 + dy), 1e-6)
    item = canvas.layer_view("facilities").item(fid)
    assert item.pos() == QPointF(0, 0)
    assert item.boundingRect().center().x() == pytest.approx(X0 + 60 + dx, abs=0.5)


def test_click_shift_click_and_box_select(qtbot, canvas, window, plan):
    window.session.apply(AddFeature("facilities", shapely.box(X0 + 20, Y0 + 20, X0 + 50, Y0 + 50), {"type": "kindergarten"}))
    window.session.apply(AddFeature("facilities", shapely.box(X0 + 120, Y0 + 20, X0 + 150, Y0 + 50), {"type": "kindergarten"}))
    canvas.set_plan(plan)
    a, b = [f.fid for f in plan.features("facilities")]
    click(qtbot, canvas, X0 + 35, Y0 + 35)
    assert canvas.selection() == [("facilities", a)]
    click(qtbot, canvas, X0 + 135, Y0 + 35, modifier=Qt.ShiftModifier)
    assert canvas.selection() == [("facilities", a), ("facilities", b)]
    click(qtbot, canvas, X0 + 100, Y0 + 100)  # inside the compound: the compound
    assert canvas.selection() == [("residential", 1)]
    qtbot.keyClick(canvas, Qt.Key_Escape)
    assert canvas.selection() == []
    # A box from empty space around both facilities (but the compound is touched too).
    qtbot.mousePress(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, vp(canvas, X0 - 30, Y0 + 60))
    qtbot.mouseMove(canvas.viewport(), vp(canvas, X0 + 10, Y0 + 30))
    qtbot.mouseMove(canvas.viewport(), vp(canvas, X0 + 160, Y0 + 10))
    qtbot.mouseRelease(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, vp(canvas, X0 + 160, Y0 + 10))
    assert set(canvas.selection()) == {("facilities", a), ("facilities", b), ("residential", 1)}
    assert window.edits == []


def test_delete_key_deletes_the_selection_with_its_entrances(qtbot, canvas, window, plan):
    window.session.apply(AddFeature("entrances", Point(X0, Y0 + 50), {"layer": "residential", "feature": 1}))
    canvas.set_plan(plan)
    canvas.set_selection([("residential", 1)])
    qtbot.keyClick(canvas, Qt.Key_Delete)
    (edit,) = window.edits
    assert isinstance(edit, Batch) and {type(e) for e in edit.edits} == {DeleteFeature}
    assert plan.count("residential") == 0 and plan.count("entrances") == 0
    assert canvas.selection() == [] and canvas.layer_view("residential").fids() == []


# --- gates and entrances ------------------------------------------------------------------------
def test_gate_tool_toggles_open_via_change_attributes(qtbot, canvas, window, plan):
    window.session.apply(AddFeature("entrances", Point(X0 + 100, Y0), {"layer": "residential", "feature": 1, "open": True}))
    canvas.set_plan(plan)
    fid = plan.features("entrances")[0].fid
    canvas.set_tool("gate")
    click(qtbot, canvas, X0 + 100, Y0)
    (edit,) = window.edits
    assert isinstance(edit, ChangeAttributes) and edit.fid == fid
    assert dict(edit.old) == {"open": True} and dict(edit.new) == {"open": False}
    assert plan.feature("entrances", fid)["open"] is False
    click(qtbot, canvas, X0 + 100, Y0)
    assert dict(window.edits[-1].new) == {"open": True}
    click(qtbot, canvas, X0 + 50, Y0 + 75)
    assert len(window.edits) == 2 and "No entrance" in window.messages[-1]


def test_entrance_tool_places_an_entrance_on_the_edge(qtbot, canvas, window):
    canvas.set_tool("entrance")
    click(qtbot, canvas, X0 + 70, Y0 + 151)  # just above the compound's top edge
    (edit,) = window.edits
    assert edit.layer == "entrances"
    assert edit.geometry.y == pytest.approx(Y0 + 150, abs=1e-9)
    attrs = dict(edit.attributes)
    assert (attrs["layer"], attrs["feature"], attrs["kind"], attrs["open"]) == ("residential", 1, "gate", True)
    click(qtbot, canvas, X0 + 100, Y0 + 75)  # the middle: no edge near
    assert len(window.edits) == 1


# --- bus stops and metro stations ---------------------------------------------------------------
def test_stop_tool_places_the_chosen_point_type_with_one_click(qtbot, canvas, window, plan):
    canvas.set_current_facility_type("bus_stop")
    canvas.set_tool("stop")
    assert "Bus stop" in window.messages[-1] and "Esc" in window.messages[-1]  # the hint names the type
    zoom_to_box(canvas, X0 + 150, Y0 + 150, X0 + 350, Y0 + 300)
    pos = vp(canvas, X0 + 260, Y0 + 220)  # open ground, away from the compound
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, pos)
    (edit,) = window.edits
    assert isinstance(edit, AddFeature) and edit.layer == "stops" and edit.scenario == canvas.scenario
    assert edit.geometry.geom_type == "Point" and (edit.geometry.x, edit.geometry.y) == scene(canvas, pos)
    assert dict(edit.attributes) == {"type": "bus_stop", "source": "drawn"}
    assert canvas.tool() == "stop"  # stays on: the next click places the next stop
    # Drawn with its symbol, where it was placed.
    (stop,) = plan.features("stops")
    symbol = canvas.layer_view("stops").item(stop.fid)
    assert symbol is not None and symbol.scene() is canvas.scene()
    assert (symbol.pos().x(), symbol.pos().y()) == scene(canvas, pos)
    canvas.set_current_facility_type("metro_station")
    canvas.set_tool("stop")
    click(qtbot, canvas, X0 + 300, Y0 + 250)
    assert dict(window.edits[-1].attributes)["type"] == "metro_station" and len(plan.features("stops")) == 2


def test_stop_tool_snaps_onto_a_road_edge(qtbot, canvas, window, plan):
    plan.bulk_insert("basemap_roads", [(LineString([(X0 + 220, Y0 + 200.3), (X0 + 400, Y0 + 200.3)]),
                                        {"kind": "residential"})])
    canvas.set_plan(plan)
    canvas.set_snapping(True, 10)
    canvas.set_current_facility_type("bus_stop")
    canvas.set_tool("stop")
    zoom_to_box(canvas, X0 + 200, Y0 + 150, X0 + 350, Y0 + 260)
    near = vp(canvas, X0 + 300, Y0 + 200.3) + QPoint(0, -4)  # 4 px beside the road
    qtbot.mouseMove(canvas.viewport(), near)
    assert canvas.snap_hit() is not None and canvas.snap_hit().kind == "edge"  # the marker shows where it goes
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, near)
    (edit,) = window.edits
    assert edit.geometry.y == pytest.approx(Y0 + 200.3, abs=1e-6)  # on the road, not at the cursor
    assert edit.geometry.x == pytest.approx(scene(canvas, near)[0], abs=1.0)


def test_stop_tool_esc_cancels_and_a_polygon_type_places_nothing(qtbot, canvas, window):
    changed = []
    canvas.toolChanged.connect(changed.append)
    canvas.set_current_facility_type("kindergarten")  # an area type: not a stop
    canvas.set_tool("stop")
    assert "palette" in window.messages[-1]
    click(qtbot, canvas, X0 + 260, Y0 + 220)
    assert window.edits == [] and "palette" in window.messages[-1]
    canvas.set_current_facility_type("bus_stop")
    canvas.set_tool("stop")
    qtbot.keyClick(canvas, Qt.Key_Escape)
    assert canvas.tool() == "select" and changed[-1] == "select"
    click(qtbot, canvas, X0 + 260, Y0 + 220)
    assert window.edits == []
    with pytest.raises(ValueError):  # the polygon tools' target stays a polygon layer
        canvas.set_target_layer("stops")


# --- vertex editing -----------------------------------------------------------------------------
def test_vertex_tool_drag_insert_delete(qtbot, canvas, window, plan):
    canvas.set_tool("vertex")
    click(qtbot, canvas, X0 + 100, Y0 + 75)  # pick the compound
    corner = vp(canvas, X0 + 200, Y0 + 150)
    qtbot.mousePress(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, corner)
    qtbot.mouseMove(canvas.viewport(), corner + QPoint(10, -10))
    qtbot.mouseMove(canvas.viewport(), corner + QPoint(20, -20))
    qtbot.mouseRelease(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, corner + QPoint(20, -20))
    (edit,) = window.edits
    assert isinstance(edit, ChangeGeometry) and edit.layer == "residential"
    assert scene(canvas, corner + QPoint(20, -20)) in list(edit.new.exterior.coords)
    # Ctrl-click on the bottom edge inserts a vertex there.
    click(qtbot, canvas, X0 + 100, Y0, modifier=Qt.ControlModifier)
    assert len(window.edits) == 2 and len(plan.feature("residential", 1).geometry.exterior.coords) == 6
    # Delete removes the chosen (just inserted) vertex.
    qtbot.keyClick(canvas, Qt.Key_Delete)
    assert len(window.edits) == 3 and len(plan.feature("residential", 1).geometry.exterior.coords) == 5


# --- navigation ---------------------------------------------------------------------------------
def test_wheel_zoom_keeps_the_point_under_the_cursor(qtbot, canvas):
    pos = QPoint(230, 170)
    before = canvas.mapToScene(pos)
    scale = canvas.scale_factor()
    event = QWheelEvent(QPointF(pos), QPointF(canvas.viewport().mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), event)
    assert canvas.scale_factor() == pytest.approx(scale * 1.25)
    after = canvas.mapFromScene(before)
    assert abs(after.x() - pos.x()) <= 1 and abs(after.y() - pos.y()) <= 1
    event = QWheelEvent(QPointF(pos), QPointF(canvas.viewport().mapToGlobal(pos)), QPoint(0, 0), QPoint(0, -240),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), event)
    after = canvas.mapFromScene(before)
    assert abs(after.x() - pos.x()) <= 1 and abs(after.y() - pos.y()) <= 1


def test_pan_with_middle_drag_and_space_drag(qtbot, canvas):
    a, b = QPoint(300, 300), QPoint(360, 260)
    under = canvas.mapToScene(a)
    qtbot.mousePress(canvas.viewport(), Qt.MiddleButton, Qt.NoModifier, a)
    qtbot.mouseMove(canvas.viewport(), b)
    qtbot.mouseRelease(canvas.viewport(), Qt.MiddleButton, Qt.NoModifier, b)
    assert canvas.mapFromScene(under) == b  # the map moved with the hand
    under = canvas.mapToScene(b)
    qtbot.keyPress(canvas, Qt.Key_Space)
    qtbot.mousePress(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, b)
    qtbot.mouseMove(canvas.viewport(), a)
    qtbot.mouseRelease(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, a)
    qtbot.keyRelease(canvas, Qt.Key_Space)
    assert canvas.mapFromScene(under) == a
    assert canvas.selection() == []  # the space-drag did not select


def test_fit_plan_and_zoom_to(canvas, plan):
    canvas.zoom_by(8)
    canvas.fit_plan()
    view = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert view.contains(QPointF(X0, Y0)) and view.contains(QPointF(X0 + 200, Y0 + 150))
    assert view.width() < 400
    PlanSession(plan).apply(AddFeature("stops", Point(X0 + 5000, Y0 + 5000), {"name": "远处"}))
    canvas.set_plan(plan)
    canvas.zoom_to([("residential", 1)])
    view = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert view.contains(QPointF(X0 + 100, Y0 + 75)) and view.width() < 600


def test_cursor_moved_reports_plan_metres(qtbot, canvas):
    pos = vp(canvas, X0 + 12, Y0 + 34)
    with qtbot.waitSignal(canvas.cursorMoved) as blocker:
        qtbot.mouseMove(canvas.viewport(), pos)
    assert blocker.args == pytest.approx(list(scene(canvas, pos)))
    assert blocker.args == pytest.approx([X0 + 12, Y0 + 34], abs=2)


def test_pan_tool_drags_the_map(qtbot, canvas):
    canvas.set_tool("pan")
    a, b = QPoint(200, 200), QPoint(260, 330)
    under = canvas.mapToScene(a)
    qtbot.mousePress(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, a)
    qtbot.mouseMove(canvas.viewport(), b)
    qtbot.mouseRelease(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, b)
    assert canvas.mapFromScene(under) == b and canvas.selection() == []


def test_esc_on_a_path_with_two_points_asks(qtbot, canvas, window, monkeypatch):
    canvas.set_tool("path")
    click(qtbot, canvas, X0, Y0)
    click(qtbot, canvas, X0 + 50, Y0)
    asked = _answer(monkeypatch, QMessageBox.Save)
    qtbot.keyClick(canvas, Qt.Key_Escape)
    assert len(asked) == 1 and "path" in asked[0]
    (edit,) = window.edits
    assert edit.layer == "walk_network" and not canvas.is_drawing()


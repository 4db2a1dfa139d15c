"""The map view's layers, overlays and the remaining tools: refresh, layers, labels, big plans."""
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsPolygonItem, QMessageBox
from shapely.geometry import LineString, Point

from lifecircle_desktop.model.edits import AddFeature, ChangeGeometry, DeleteFeature
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.map.items import LabelItem, shape_items
from lifecircle_desktop.ui.map.view import MapView
from tests.ui.test_canvas import X0, Y0, canvas, catalogue, click, plan, vp, window  # noqa: F401 (fixtures)


def labels(canvas):
    return [i.text for i in canvas.scene().items() if isinstance(i, LabelItem)]


def test_refresh_rebuilds_only_the_changed_items(qtbot, canvas, window, plan):
    PlanSession(plan).apply(AddFeature("facilities", shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 40), {"type": "kindergarten"}))
    PlanSession(plan).apply(AddFeature("facilities", shapely.box(X0 + 110, Y0 + 10, X0 + 150, Y0 + 40), {"type": "kindergarten"}))
    canvas.set_plan(plan)
    facilities = canvas.layer_view("facilities")
    a, b = facilities.fids()
    item_a, item_b = facilities.item(a), facilities.item(b)
    window.apply(ChangeGeometry.of(plan, "facilities", a, shapely.box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 40)))
    assert facilities.item(b) is item_b  # untouched
    assert facilities.item(a) is not item_a
    assert facilities.item(a).polygon().boundingRect().width() == pytest.approx(50)
    window.apply(DeleteFeature.of(plan, "facilities", b))
    assert b not in facilities.fids()
    # The snapper follows: the moved corner snaps, the deleted one does not.
    assert canvas.snapper.snap((X0 + 60, Y0 + 40), 0.5).fid == a
    assert canvas.snapper.snap((X0 + 150, Y0 + 40), 0.5, ["facilities"]) is None
    # Undo (the inverse edit) brings it back.
    window.apply(window.edits[-1].inverted())
    assert b in facilities.fids()


def test_features_of_other_scenarios_are_not_drawn(qtbot, canvas, window, plan):
    PlanSession(plan).create_scenario("alt", empty=True)
    window.apply(AddFeature("facilities", shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 40), {"type": "kindergarten"},
                            scenario="alt"))
    assert canvas.layer_view("facilities").fids() == []
    canvas.set_plan(plan, "alt")
    assert len(canvas.layer_view("facilities").fids()) == 1 and canvas.layer_view("residential").fids() == []  # alt is empty
    assert len(canvas.labels("facilities")) == 1


def test_layers_can_be_hidden_and_are_listed_top_first(canvas, plan):
    names = canvas.layer_names()
    assert names[0] == "comments" and names[-1] == "basemap_landuse" and "facilities" in names
    item = canvas.layer_view("residential").item(1)
    canvas.set_layer_visible("residential", False)
    assert not item.isVisible() and not canvas.is_layer_visible("residential")
    assert canvas.features_at((X0 + 100, Y0 + 75)) == []  # hidden layers are not picked
    canvas.set_layer_visible("residential", True)
    assert item.isVisible()


def test_labels_follow_zoom_and_language(qtbot, canvas, window, plan):
    PlanSession(plan).apply(AddFeature("facilities", shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 40), {"type": "kindergarten"}))
    PlanSession(plan).apply(AddFeature("facilities", shapely.box(X0 + 110, Y0 + 10, X0 + 150, Y0 + 40),
                          {"type": "kindergarten", "name": "同济幼儿园"}))
    canvas.set_plan(plan)
    canvas.zoom_to([("residential", 1)])
    assert {"Kindergarten", "同济幼儿园", "同济新村"} <= set(labels(canvas))
    canvas.set_language("zh")
    assert "幼儿园" in labels(canvas) and "Kindergarten" not in labels(canvas)
    canvas.zoom_by(0.02)  # far out: the small features' labels go
    canvas.render_now()
    assert "幼儿园" not in labels(canvas)


def test_symbols_for_open_and_closed_gates_differ(canvas, plan):
    PlanSession(plan).apply(AddFeature("entrances", Point(X0, Y0 + 10), {"layer": "residential", "feature": 1, "open": True}))
    PlanSession(plan).apply(AddFeature("entrances", Point(X0, Y0 + 20), {"layer": "residential", "feature": 1, "open": False}))
    canvas.set_plan(plan)
    entrances = canvas.layer_view("entrances")
    items = {fid: entrances.item(fid) for fid in entrances.fids()}
    assert all(i is not None for i in items.values())
    a, b = items.values()
    assert a.pixmap().toImage() != b.pixmap().toImage()


def test_credit_shown_when_the_plan_has_osm_data(qtbot, canvas, plan):
    assert canvas.credits() == []
    plan.set_meta(credits=["© OpenStreetMap contributors, ODbL 1.0"])
    canvas.set_plan(plan)
    canvas.set_credits(PlanSession(plan).credits())  # what the main window does with a plan it opens
    assert canvas.credits() == ["© OpenStreetMap contributors"]
    image = canvas.viewport().grab().toImage()
    assert image.width() > 0  # drawForeground ran with the credit, scale bar and north arrow


def test_highlight_and_walk_overlay(canvas, window, plan):
    window.apply(AddFeature("walk_network", LineString([(X0 - 50, Y0), (X0 + 250, Y0)]), {}))
    line = plan.features("walk_network")[0].fid
    n = len(canvas.scene().items())
    canvas.highlight([("residential", 1)])
    assert len(canvas.scene().items()) == n + 1
    canvas.clear_highlight()
    assert len(canvas.scene().items()) == n
    canvas.show_walk_overlay([1], [line, LineString([(X0, Y0), (X0, Y0 + 100)])])
    assert canvas.walk_overlay_counts() == (1, 2)  # the shaded home and the two reachable lines
    canvas.clear_walk_overlay()
    assert len(canvas.scene().items()) == n


def test_delete_tool_and_duplicate_tool(qtbot, canvas, window, plan):
    canvas.set_tool("duplicate")
    click(qtbot, canvas, X0 + 100, Y0 + 75)
    (edit,) = window.edits
    assert isinstance(edit, AddFeature) and edit.layer == "residential"
    assert edit.geometry.area == pytest.approx(200 * 150)
    assert edit.geometry.centroid.x > X0 + 100 and edit.geometry.centroid.y < Y0 + 75  # down-right
    copy = plan.features("residential")[-1].fid
    canvas.set_tool("delete")
    qtbot.mouseMove(canvas.viewport(), vp(canvas, X0 + 100, Y0 + 75))
    click(qtbot, canvas, X0 + 100, Y0 + 75)
    assert isinstance(window.edits[-1], DeleteFeature)
    assert plan.count("residential") == 1


def test_measure_tool_reports_length_and_emits_nothing(qtbot, canvas, window):
    canvas.set_tool("measure")
    click(qtbot, canvas, X0, Y0)
    click(qtbot, canvas, X0 + 100, Y0)
    qtbot.keyClick(canvas, Qt.Key_Return)
    assert window.edits == [] and window.messages[-1].startswith("Measured length: 10")


def test_switching_tools_mid_polygon_asks(qtbot, canvas, window, monkeypatch):
    canvas.set_tool("polygon")
    canvas.set_current_facility_type("kindergarten")
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 120, Y0 + 20), (X0 + 120, Y0 + 120)]:
        click(qtbot, canvas, x, y)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: int(QMessageBox.Cancel.value))
    assert canvas.set_tool("select") is False and canvas.tool() == "polygon" and canvas.is_drawing()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: int(QMessageBox.Save.value))
    assert canvas.set_tool("select") is True and canvas.tool() == "select"
    assert len(window.edits) == 1


def test_unknown_tool_and_layer_are_refused(canvas):
    with pytest.raises(ValueError):
        canvas.set_tool("lasso")
    with pytest.raises(ValueError):
        canvas.set_target_layer("basemap_buildings")


def test_shape_items_handle_holes_multiparts_and_lines():
    holed = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
    geoms = np.array([shapely.box(0, 0, 1, 1), holed, shapely.MultiPolygon([shapely.box(0, 0, 1, 1)]),
                      LineString([(0, 0), (5, 5)]), Point(1, 1), shapely.Polygon()], dtype=object)
    items = shape_items(geoms)
    assert isinstance(items[0], QGraphicsPolygonItem) and items[0].polygon().size() == 5
    assert not items[1].path().contains(QPointF(5, 5)) and items[1].path().contains(QPointF(2, 2))  # a hole
    assert items[2] is not None and items[3] is not None and items[4] is None and items[5] is None


def test_twenty_thousand_polygons_load_and_mouse_moves_do_not_touch_them(qtbot, catalogue, tmp_path):
    from lifecircle_desktop.model.plan import Plan
    plan = Plan.create(tmp_path / "big.gpkg", "x", 32651)
    rng = np.random.default_rng(0)
    x, y = X0 + rng.uniform(0, 5000, 20_000), Y0 + rng.uniform(0, 5000, 20_000)
    plan.bulk_insert("basemap_buildings", [(g, {"kind": "building"}) for g in
                                           shapely.box(x, y, x + rng.uniform(5, 25, 20_000), y + rng.uniform(5, 25, 20_000))])
    c = MapView(catalogue)
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.show()
    qtbot.waitExposed(c)
    c.set_plan(plan)
    assert len(c.layer_view("basemap_buildings").fids()) == 20_000
    c.set_snapping(True, 10)
    c.set_tool("polygon")
    seen = []
    c.cursorMoved.connect(lambda a, b: seen.append((a, b)))
    for i in range(50):
        p = QPointF(100 + i * 7, 300)
        QApplication.sendEvent(c.viewport(), QMouseEvent(QEvent.MouseMove, p, c.viewport().mapToGlobal(p),
                                                         Qt.NoButton, Qt.NoButton, Qt.NoModifier))
    assert len(seen) == 50
    plan.close()


def _frame(canvas):
    return canvas.viewport().grab().toImage()


def _fresh_frame(canvas):
    canvas.resetCachedContent()
    canvas.render_now()
    canvas.viewport().repaint()
    return _frame(canvas)


def _pixels(img):
    img = img.convertToFormat(img.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, :img.width() * 4]


def _differing_pixels(a, b, tolerance=8) -> int:
    diff = np.abs(_pixels(a).astype(int) - _pixels(b).astype(int)).reshape(a.height(), a.width(), 4)
    return int((diff > tolerance).any(axis=2).sum())


def test_panning_and_zooming_leave_no_stale_pixels(qtbot, canvas, plan):
    """The base map comes from a cached pixmap that Qt scrolls; the overlays are drawn in viewport
    coordinates: after a pan or a zoom the frame equals one painted from scratch."""
    rng = np.random.default_rng(3)
    x, y = X0 + rng.uniform(-300, 500, 400), Y0 + rng.uniform(-300, 450, 400)
    plan.bulk_insert("basemap_buildings", [(g, {}) for g in shapely.box(x, y, x + 12, y + 9)])
    plan.bulk_insert("basemap_roads", [(LineString([(X0 - 400, Y0 + 60), (X0 + 600, Y0 + 80)]),
                                        {"kind": "primary", "name": "四平路"})])
    plan.set_meta(credits=["OpenStreetMap"])
    canvas.set_plan(plan)
    canvas.set_credits(PlanSession(plan).credits())
    canvas.viewport().repaint()
    a, b = QPoint(400, 300), QPoint(310, 250)
    qtbot.mousePress(canvas.viewport(), Qt.MiddleButton, Qt.NoModifier, a)
    for k in range(1, 4):
        qtbot.mouseMove(canvas.viewport(), a + (b - a) * k / 3)
    qtbot.mouseRelease(canvas.viewport(), Qt.MiddleButton, Qt.NoModifier, b)
    canvas.render_now()
    canvas.viewport().repaint()
    panned = _frame(canvas)
    assert _differing_pixels(panned, _fresh_frame(canvas)) == 0
    canvas.zoom_by(1.25, QPointF(500, 200))
    canvas.viewport().repaint()
    assert _differing_pixels(_frame(canvas), _fresh_frame(canvas)) == 0

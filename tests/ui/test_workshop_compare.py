"""Before / after in workshop mode (issue 13 item 2): the swipe follows the mouse and a finger, each
side of the divider shows its own scenario, side-by-side views stay in step, new facilities are
ringed. The oracle for what a side shows is a single map view of that scenario alone at the same
place and zoom: the swipe must show exactly its pixels."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.document import PlanDocument
from lifecircle_desktop.ui.workshop.compare import (NEW_COLOUR, NewTag, SideBySideView, SwipeView, before_after,
                                                    compare_map, make_compare_view)

AFTER = "规划方案"
CANTEEN = (150.0, 300.0, 270.0, 380.0)  # a 120 × 80 m canteen only the after scenario has
SIZE = (900, 600)


@pytest.fixture
def document(qtbot, grid):
    """The grid plan with a second scenario (copied from base) that adds a community canteen."""
    plan, ids = grid
    session = PlanSession(plan)
    session.create_scenario(AFTER, "base")
    ids["canteen"] = session.apply(AddFeature("facilities", box(*CANTEEN), {"type": "community_canteen"},
                                              scenario=AFTER)).edit.fid
    session.switch_scenario("base")
    doc = PlanDocument()
    doc.set_session(session)
    doc.ids = ids
    yield doc
    doc.close()


def shown(qtbot, widget, size=SIZE):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def alone(qtbot, document, scenario, like):
    """The oracle: one map view of ``scenario`` alone, of the size and at the place of ``like``."""
    view = shown(qtbot, compare_map(document, scenario), (like.width(), like.height()))
    view.show_view(like.scale_factor(), like.view_centre())
    view.render_now()
    return view.grab().toImage()


def pixel(image, p: QPointF) -> QColor:
    return image.pixelColor(round(p.x()), round(p.y()))


def same(a: QColor, b: QColor, tolerance=6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


def drag_handle(qtbot, swipe: SwipeView, to_x: int) -> None:
    """Press the divider's grip in its middle, move to ``to_x`` (swipe pixels), release."""
    handle = swipe.handle
    mid = QPoint(handle.width() // 2, handle.height() // 2)
    qtbot.mousePress(handle, Qt.LeftButton, pos=mid)
    for x in (to_x + (swipe.divider_x() - to_x) // 2, to_x):  # two steps, as a hand moves
        qtbot.mouseMove(handle, QPoint(x - handle.x(), mid.y()))
    qtbot.mouseRelease(handle, Qt.LeftButton, pos=QPoint(to_x - handle.x(), mid.y()))


def test_the_divider_follows_the_mouse(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    assert swipe.divider_x() == SIZE[0] // 2
    with qtbot.waitSignal(swipe.dividerMoved):
        drag_handle(qtbot, swipe, 200)
    assert swipe.divider_x() == 200
    assert swipe.handle.geometry().center().x() in (199, 200)  # the grip went along
    drag_handle(qtbot, swipe, 700)
    assert swipe.divider_x() == 700


def test_the_divider_follows_a_finger(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    handle = swipe.handle
    grip = handle.mapTo(swipe.window(), QPoint(handle.width() // 2, handle.height() // 2))
    # Touch goes to the window (as a touch screen's does), which finds the grip under the finger.
    touch = QTest.touchEvent(swipe.window().windowHandle(), QTest.createTouchDevice())
    touch.press(0, grip)
    touch.commit()
    for dx in (-150, -300):
        touch.move(0, grip + QPoint(dx, 0))
        touch.commit()
    touch.release(0, grip + QPoint(-300, 0))
    touch.commit()
    assert swipe.divider_x() == SIZE[0] // 2 - 300


def test_each_side_of_the_divider_shows_its_scenario(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    assert swipe.scenarios == ("base", AFTER)
    before, after = swipe.views()
    key = ("facilities", document.ids["canteen"])
    after.zoom_to([key])  # the before view follows: the canteen large in both
    swipe.render_now()
    # A point inside the canteen, a quarter in from its lower-left corner: off its edge ring and label.
    x0, y0, x1, y1 = CANTEEN
    p = after.to_view((x0 + 0.25 * (x1 - x0), y0 + 0.25 * (y1 - y0)))
    only_before, only_after = alone(qtbot, document, "base", before), alone(qtbot, document, AFTER, after)
    canteen, ground = pixel(only_after, p), pixel(only_before, p)
    assert not same(canteen, ground)  # the oracle tells the scenarios apart at that point

    swipe.set_divider((p.x() - 60) / swipe.width())  # the canteen right of the divider: after shows
    swipe.render_now()
    assert same(pixel(swipe.grab().toImage(), p), canteen)
    swipe.set_divider((p.x() + 60) / swipe.width())  # left of it: before shows, no canteen
    assert same(pixel(swipe.grab().toImage(), p), ground)


def test_both_swipe_views_share_one_place_and_zoom(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    before, after = swipe.views()
    scale, (cx, cy) = after.scale_factor(), after.view_centre()
    viewport = after.viewport()  # the after side, right of the divider: a left drag pans (pan tool)
    start = QPoint(3 * SIZE[0] // 4, SIZE[1] // 2)
    qtbot.mousePress(viewport, Qt.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(-120, 80))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=start + QPoint(-120, 80))
    # Dragging the map 120 px left and 80 px down moves what is at the centre 120/s m east, 80/s m north.
    assert after.view_centre() == pytest.approx((cx + 120 / scale, cy + 80 / scale), abs=1 / scale)
    assert before.view_centre() == pytest.approx(after.view_centre(), abs=1e-6)
    assert before.viewportTransform() == after.viewportTransform()


def wheel(view, notches: int) -> None:
    at = QPointF(view.viewport().rect().center())
    QApplication.sendEvent(view.viewport(), QWheelEvent(at, view.viewport().mapToGlobal(at), QPoint(0, 0),
                                                        QPoint(0, 120 * notches), Qt.NoButton, Qt.NoModifier,
                                                        Qt.NoScrollPhase, False))


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # a top-level layout, offscreen
def test_side_by_side_views_stay_in_step(qtbot, document):
    side = shown(qtbot, make_compare_view(document, AFTER, "side"))
    assert isinstance(side, SideBySideView)
    before, after = side.views()
    assert before.geometry().right() < after.geometry().left()  # side by side, not stacked
    scale = before.scale_factor()
    wheel(after, 2)  # zoom in on the right map
    assert after.scale_factor() > scale
    assert before.scale_factor() == after.scale_factor()
    assert before.view_centre() == pytest.approx(after.view_centre(), abs=1e-6)
    cx, cy = before.view_centre()
    viewport = before.viewport()  # pan the left map
    start = QPoint(viewport.width() // 2, viewport.height() // 2)
    qtbot.mousePress(viewport, Qt.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(90, -40))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=start + QPoint(90, -40))
    s = before.scale_factor()
    assert before.view_centre() == pytest.approx((cx - 90 / s, cy - 40 / s), abs=1 / s)
    assert after.view_centre() == pytest.approx(before.view_centre(), abs=1e-6)
    assert after.scale_factor() == s


def test_new_facilities_are_ringed_and_tagged_in_the_after_view(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    key = ("facilities", document.ids["canteen"])
    assert swipe.new_keys == [key]  # the copies of base's facilities are not new
    before, after = swipe.views()
    tags = [item for item in after.scene().items() if isinstance(item, NewTag)]
    assert [t.text for t in tags] == ["New"]
    assert not [item for item in before.scene().items() if isinstance(item, NewTag)]
    after.zoom_to([key])
    swipe.render_now()
    x0, y0, x1, y1 = CANTEEN
    edge = after.to_view((x0, (y0 + y1) / 2)) + QPointF(-2, 0)  # just outside the canteen's west side
    swipe.set_divider((edge.x() - 80) / swipe.width())
    assert same(pixel(swipe.grab().toImage(), edge), QColor(NEW_COLOUR), tolerance=12)
    swipe.set_divider((edge.x() + 80) / swipe.width())
    assert not same(pixel(swipe.grab().toImage(), edge), QColor(NEW_COLOUR), tolerance=60)


def test_the_scenario_a_plan_was_made_from_comes_first(qtbot, document):
    plan = document.plan
    assert before_after(plan, "base", AFTER) == ("base", AFTER)
    assert before_after(plan, AFTER, "base") == ("base", AFTER)  # whichever is shown
    document.session.switch_scenario(AFTER)
    side = shown(qtbot, make_compare_view(document, "base", "swipe"))
    assert side.scenarios == ("base", AFTER)
    assert [label.text() for label in side.labels] == ["Existing", AFTER]
    with pytest.raises(ValueError):
        make_compare_view(document, AFTER, "diagonal")


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # the mode's window, offscreen
def test_workshop_mode_shows_the_chosen_layout_and_compares_in_the_same_order(qtbot, window):
    document = window.document
    document.create_scenario(AFTER)  # a copy of base, worked on from now
    document.push(AddFeature("facilities", box(*CANTEEN), {"type": "community_canteen"}, scenario=AFTER))
    document.switch_scenario("base")
    window.enter_workshop(AFTER, "swipe")  # as `--compare 规划方案` on a plan opened at base
    mode = window.workshop
    assert isinstance(mode.compare_view, SwipeView)
    assert mode.compare_view.scenarios == ("base", AFTER)
    assert len(mode.compare_view.new_keys) == 1
    # The summary beside the map reads the same way: base before, the plan after.
    qtbot.waitUntil(lambda: mode.summary is not None and mode.summary.scenario == AFTER, timeout=30000)
    assert mode.summary.before == "base"
    mode.set_compare("base", "side")
    assert isinstance(mode.compare_view, SideBySideView)
    assert mode.compare_view.scenarios == ("base", AFTER)
    mode.set_compare(None, "single")
    assert mode.compare_view is None
    mode.set_compare("base", "swipe")
    after = mode.compare_view.views()[1]
    after.setFocus()
    qtbot.keyClick(after, Qt.Key_Escape)  # Esc leaves from the before/after maps too
    assert window.workshop is None


def test_a_pan_is_previewed_by_moving_the_last_frames(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    before, after = swipe.views()
    key = ("facilities", document.ids["canteen"])
    after.zoom_to([key])
    swipe.set_divider(0.1)  # the canteen on the after side
    swipe.render_now()
    qtbot.waitUntil(swipe.preview.frames_ready)  # captured once the maps are at rest
    viewport, start = after.viewport(), QPoint(3 * SIZE[0] // 4, SIZE[1] // 2)
    qtbot.mousePress(viewport, Qt.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(-60, 30))
    assert swipe.preview.isVisible()  # the gesture is shown by the moved frames, not painted again
    x0, y0, x1, y1 = CANTEEN
    # 15 px inside the canteen's west side where it is now (past its ring): before the drag this
    # pixel was 45 px west of it, so a frame not moved shows ground there.
    p = after.to_view((x0, (y0 + y1) / 2)) + QPointF(15, 0)
    assert p.x() > swipe.divider_x()
    oracle = pixel(alone(qtbot, document, AFTER, after), p)
    assert same(pixel(swipe.grab().toImage(), p), oracle)
    qtbot.waitUntil(lambda: not swipe.preview.isVisible())  # the gesture paused: the maps' own frames
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=start + QPoint(-60, 30))
    assert same(pixel(swipe.grab().toImage(), p), oracle)


def test_tags_of_new_facilities_close_together_do_not_cover_each_other(qtbot, document):
    # A second new facility whose upper right corner (where a tag sits) is 60 m east of the canteen's.
    x0, y0, x1, y1 = CANTEEN
    second = document.session.apply(AddFeature("facilities", box(x1 + 30, y0, x1 + 60, y1),
                                               {"type": "community_canteen"}, scenario=AFTER)).edit.fid
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    before, after = swipe.views()
    assert sorted(swipe.new_keys) == sorted([("facilities", document.ids["canteen"]), ("facilities", second)])
    tags = [item for item in after.scene().items() if isinstance(item, NewTag)]
    width = tags[0].boundingRect().width()
    centre = (x1 + 30, (y0 + y1) / 2)
    after.show_view(0.5 * width / 60, centre)  # the corners half a tag apart on screen: one tag
    assert after.scale_factor() * 60 < width
    assert sum(t.isVisible() for t in tags) == 1
    # Review item 10: tags a few pixels apart still heap over the names near them — one of them.
    height = tags[0].boundingRect().height()
    after.show_view((width + 0.5 * height) / 60, centre)
    assert sum(t.isVisible() for t in tags) == 1
    after.show_view(4 * width / 60, centre)  # four tags apart: both
    assert all(t.isVisible() for t in tags)


def test_a_divider_drag_shows_each_side_from_the_frames_at_rest(qtbot, document):
    swipe = shown(qtbot, make_compare_view(document, AFTER, "swipe"))
    before, after = swipe.views()
    after.zoom_to([("facilities", document.ids["canteen"])])
    x0, y0, x1, y1 = CANTEEN
    p = after.to_view((x0 + 0.25 * (x1 - x0), y0 + 0.25 * (y1 - y0)))
    swipe.set_divider((p.x() + 60) / swipe.width())  # the canteen's side is "before": no canteen
    swipe.render_now()
    qtbot.waitUntil(swipe.preview.settled)
    canteen, ground = alone(qtbot, document, AFTER, after), alone(qtbot, document, "base", before)
    handle, mid = swipe.handle, QPoint(swipe.handle.width() // 2, swipe.handle.height() // 2)
    qtbot.mousePress(handle, Qt.LeftButton, pos=mid)
    qtbot.mouseMove(handle, QPoint(round(p.x()) - 60 - handle.x(), mid.y()))
    assert swipe.preview.isVisible()  # drawn from the frames, the maps not painted
    assert swipe.divider_x() < p.x()
    assert same(pixel(swipe.grab().toImage(), p), pixel(canteen, p))
    qtbot.mouseRelease(handle, Qt.LeftButton, pos=QPoint(round(p.x()) - 60 - handle.x(), mid.y()))
    assert not swipe.preview.isVisible()  # the maps themselves again, clipped at the new place
    assert same(pixel(swipe.grab().toImage(), p), pixel(canteen, p))
    assert not same(pixel(canteen, p), pixel(ground, p))


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_a_click_on_a_facility_of_the_after_map_shows_its_catchment_there(qtbot, window):
    import shapely

    from lifecircle_desktop.ui.workshop.mode import CalloutItem
    from tests.ui.test_workshop import community_homes, nearest_households
    document = window.document
    document.create_scenario(AFTER)
    document.switch_scenario("base")
    window.resize(1600, 900)
    window.enter_workshop(AFTER, "side", full_screen=False)
    mode = window.workshop
    qtbot.waitUntil(lambda: mode.summary is not None and mode.summary.scenario == AFTER, timeout=30000)
    results = document.results
    before, after = mode.compare_view.views()
    (kg,) = [f for f in document.plan.features("facilities", AFTER) if f.attributes.get("type") == "kindergarten"]
    inside = shapely.point_on_surface(kg.geometry)

    def click(view):
        at = view.mapFromScene(QPointF(inside.x, inside.y))
        assert view.viewport().rect().contains(at)
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=at)
    with qtbot.waitSignal(mode.catchmentShown) as shown_key:
        click(after)
    assert shown_key.args == [("facilities", kg.fid)]
    (line,) = [line for line in mode.summary.lines if line.facility_type == "kindergarten"]
    (read,) = [f for f in results.findings if f.rule == line.rule_id and f.applied]
    expected = nearest_households(results, "kindergarten", kg.fid, read.limit_m,
                                  homes=community_homes(document.session, AFTER) or None)  # no unit: all
    assert mode.catchment_text().endswith(f"serves {round(expected)} households in the community")
    callouts = [i for i in after.scene().items() if isinstance(i, CalloutItem)]
    assert len(callouts) == 1 and callouts[0].text == mode.catchment_text()
    assert not [i for i in before.scene().items() if isinstance(i, CalloutItem)]
    # The "before" map shows none, and a layout change clears it.
    click(before)
    assert mode.catchment_text() == mode.overlay.text != ""
    with qtbot.waitSignal(mode.catchmentShown) as cleared:
        mode.set_compare("base", "single")
    assert cleared.args == [None] and mode.catchment_text() == ""


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_one_map_compared_with_another_scenario_rings_the_new_facilities_until_left(qtbot, window):
    document = window.document
    document.create_scenario(AFTER)
    document.push(AddFeature("facilities", box(*CANTEEN), {"type": "community_canteen"}, scenario=AFTER))
    document.switch_scenario("base")
    window.enter_workshop(AFTER, "single", full_screen=False)
    tags = [i for i in window.canvas.scene().items() if isinstance(i, NewTag)]
    assert len(tags) == 1  # by the canteen's upper right corner, the only facility 规划方案 adds
    assert (tags[0].pos().x(), tags[0].pos().y()) == (CANTEEN[2], CANTEEN[3])
    window.workshop.set_compare(None, "single")  # no comparison: no ring
    assert not [i for i in window.canvas.scene().items() if isinstance(i, NewTag)]
    window.workshop.set_compare("base", "single")
    assert len([i for i in window.canvas.scene().items() if isinstance(i, NewTag)]) == 1
    window.leave_workshop()
    # Entered on 规划方案: the editing map shows it still, without the workshop's ring.
    document.switch_scenario(AFTER)
    window.enter_workshop("base", "single", full_screen=False)
    assert len([i for i in window.canvas.scene().items() if isinstance(i, NewTag)]) == 1
    window.leave_workshop()
    assert window.document.scenario == AFTER
    assert not [i for i in window.canvas.scene().items() if isinstance(i, NewTag)]


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_pin_button_in_a_before_after_view_goes_to_the_one_map_to_pin(qtbot, window):
    document = window.document
    document.create_scenario(AFTER)
    document.switch_scenario("base")
    window.enter_workshop(AFTER, "swipe", full_screen=False)
    mode = window.workshop
    qtbot.mouseClick(mode.buttons["pin"], Qt.LeftButton)
    assert mode.layout_name == "single" and mode.compare_view is None and window.canvas.isVisibleTo(mode)
    assert window.canvas.tool() == "pin" and mode.buttons["pin"].isChecked() and mode.buttons["single"].isChecked()
    assert mode.compare == "base"  # still compared: the summary's before → after stays

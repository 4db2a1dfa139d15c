"""Map labels placed with care (issue 16 §9): a long name is elided, not dropped, so two
facilities of one size are labelled at the same zoom whatever their names; labels do not overlap;
one name is not stacked on itself."""
import pytest
import shapely
from shapely.geometry import Point

from lifecircle_desktop.model.edits import AddFeature
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.ui.map.items import LabelItem
from tests.ui.test_canvas import X0, Y0, canvas, catalogue, plan  # noqa: F401 (fixtures)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

LONG_A = "同济新村社区综合为老服务中心（四平路街道赤峰路段）"
LONG_B = "四平路街道社区卫生服务站第二分站（同济新村北区）"


def shown_labels(canvas):
    """text -> its rectangle on screen (viewport pixels)."""
    out = {}
    for item in canvas.scene().items():
        if isinstance(item, LabelItem):
            out.setdefault(item.text, []).append(
                item.deviceTransform(canvas.viewportTransform()).mapRect(item.boundingRect()))
    return out


def add(plan, layer, geometry, **attrs):
    PlanSession(plan).apply(AddFeature(layer, geometry, attrs))


def test_two_long_names_side_by_side_are_both_shown_elided_and_apart(canvas, plan):
    add(plan, "facilities", shapely.box(X0 + 10, Y0 + 10, X0 + 40, Y0 + 40), type="kindergarten", name=LONG_A)
    add(plan, "facilities", shapely.box(X0 + 45, Y0 + 10, X0 + 75, Y0 + 40), type="kindergarten", name=LONG_B)
    add(plan, "facilities", shapely.box(X0 + 10, Y0 + 80, X0 + 40, Y0 + 110), type="kindergarten", name="幼儿园")
    canvas.set_plan(plan)
    canvas.show_extent((X0, Y0, X0 + 200, Y0 + 150))
    canvas.render_now()
    texts = canvas.labels("facilities")
    assert "幼儿园" in texts and len(texts) == 3  # the long names too, at the zoom the short one shows
    a = next(t for t in texts if LONG_A.startswith(t[:-1]))
    b = next(t for t in texts if LONG_B.startswith(t[:-1]))
    assert a.endswith("…") and b.endswith("…")
    rects = shown_labels(canvas)
    assert not rects[a][0].intersects(rects[b][0])
    # Closer in, the room grows and the whole names show.
    canvas.show_extent((X0 + 5, Y0 + 5, X0 + 80, Y0 + 45))
    canvas.render_now()
    assert {LONG_A, LONG_B} <= set(canvas.labels("facilities"))


def test_no_two_labels_overlap(canvas, plan):
    for i in range(12):  # a row of small facilities, closer than their names are long
        add(plan, "facilities", shapely.box(X0 + 10 + 12 * i, Y0 + 10, X0 + 20 + 12 * i, Y0 + 20),
            type="kindergarten", name=f"同济幼儿园第{i}分园")
    canvas.set_plan(plan)
    canvas.show_extent((X0, Y0, X0 + 160, Y0 + 40))
    canvas.render_now()
    rects = [r for rs in shown_labels(canvas).values() for r in rs]
    assert len(rects) >= 2
    assert not any(r.intersects(o) for i, r in enumerate(rects) for o in rects[i + 1:])


def test_one_name_close_together_is_labelled_once(canvas, plan):
    add(plan, "stops", Point(X0 + 50, Y0 + 60), type="bus_stop", name="四平路站")
    add(plan, "stops", Point(X0 + 62, Y0 + 60), type="bus_stop", name="四平路站")  # the stop across the road
    canvas.set_plan(plan)
    canvas.show_extent((X0 + 20, Y0 + 30, X0 + 100, Y0 + 90))
    canvas.render_now()
    assert canvas.labels("stops") == ["四平路站"]
    # Far apart, both are named.
    add(plan, "stops", Point(X0 + 190, Y0 + 140), type="bus_stop", name="四平路站")
    canvas.set_plan(plan)
    canvas.show_extent((X0 + 20, Y0 + 30, X0 + 200, Y0 + 150))
    canvas.render_now()
    assert canvas.labels("stops").count("四平路站") == 2

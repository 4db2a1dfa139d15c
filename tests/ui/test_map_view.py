"""The map view's rendering and its boundaries: the base map painted into a cached image with a
preview during gestures, deletions left to the owner, credits drawn as given."""
import numpy as np
import shapely
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from lifecircle_desktop.model.edits import AddFeature
from lifecircle_desktop.model.session import PlanSession
from tests.ui.test_canvas import X0, Y0, canvas, catalogue, plan  # noqa: F401 (fixtures)
from tests.ui.test_canvas_layers import _differing_pixels, _frame, _fresh_frame


def _buildings(plan, n=400, seed=5):
    rng = np.random.default_rng(seed)
    x, y = X0 + rng.uniform(-300, 500, n), Y0 + rng.uniform(-300, 450, n)
    plan.bulk_insert("basemap_buildings", [(g, {}) for g in shapely.box(x, y, x + 12, y + 9)])


def _wheel(canvas, notches, pos=QPoint(300, 200)):
    QApplication.sendEvent(canvas.viewport(), QWheelEvent(
        QPointF(pos), QPointF(canvas.viewport().mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120 * notches),
        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False))


def test_a_wheel_gesture_shows_a_preview_and_the_final_render_follows(qtbot, canvas, plan):
    _buildings(plan)
    canvas.set_plan(plan)
    canvas.render_now()
    renders = []
    canvas.rendered.connect(lambda: renders.append(canvas.scale_factor()))
    for _ in range(3):  # notches in quick succession: one gesture, no render yet
        _wheel(canvas, 1)
        canvas.viewport().repaint()
    assert renders == []
    preview = _frame(canvas)
    with qtbot.waitSignal(canvas.rendered, timeout=2000):
        pass  # the gesture pauses
    assert renders == [canvas.scale_factor()]  # one render, at the scale the gesture ended on
    canvas.viewport().repaint()
    final = _frame(canvas)
    assert _differing_pixels(final, _fresh_frame(canvas)) == 0
    assert _differing_pixels(preview, final) > 0  # the preview was the old image, scaled


def test_the_base_map_is_painted_not_made_of_items(canvas, plan):
    n = len(canvas.scene().items())
    _buildings(plan)
    canvas.set_plan(plan)
    assert len(canvas.layer_view("basemap_buildings").fids()) == 400
    assert len(canvas.scene().items()) == n  # not one item per building
    canvas.render_now()
    canvas.viewport().repaint()
    shown = _frame(canvas)
    canvas.set_layer_visible("basemap_buildings", False)
    canvas.render_now()
    canvas.viewport().repaint()
    assert _differing_pixels(shown, _frame(canvas)) > 1000


def test_delete_is_asked_of_the_owner_and_changes_nothing_itself(qtbot, canvas, plan):
    PlanSession(plan).apply(AddFeature("entrances", shapely.Point(X0, Y0 + 50), {"layer": "residential", "feature": 1}))
    canvas.set_plan(plan)
    edits = []
    canvas.editRequested.connect(edits.append)
    canvas.set_selection([("residential", 1)])
    with qtbot.waitSignal(canvas.deleteRequested) as blocker:
        qtbot.keyClick(canvas, Qt.Key_Delete)
    assert blocker.args == [[("residential", 1)]]  # the entrance's fate is the owner's rule
    assert edits == [] and plan.count("residential") == 1 and plan.count("entrances") == 1


def test_credits_are_drawn_as_given(canvas):
    canvas.render_now()
    canvas.viewport().repaint()
    without = _frame(canvas)
    canvas.set_credits(["© OpenStreetMap contributors"])
    assert canvas.credits() == ["© OpenStreetMap contributors"]
    canvas.viewport().repaint()
    with_credit = _frame(canvas)
    w, h = with_credit.width(), with_credit.height()
    assert _differing_pixels(with_credit.copy(w - 300, h - 30, 300, 30), without.copy(w - 300, h - 30, 300, 30)) > 100
    assert _differing_pixels(with_credit.copy(0, 0, w - 420, h - 60), without.copy(0, 0, w - 420, h - 60)) == 0


def test_a_new_kind_of_layer_is_one_class_and_one_registry_entry(qtbot, monkeypatch, plan, catalogue):  # noqa: F811
    """What a raster base map will be: a painted layer that reads the plan, registered once."""
    from PySide6.QtGui import QColor

    from lifecircle_desktop.ui.map import registry, styles
    from lifecircle_desktop.ui.map.basemap import PaintedLayer
    from lifecircle_desktop.ui.map.view import MapView

    class ScannedPlan(PaintedLayer):
        def load(self, features):
            self.extent = self.view.plan_extent()  # a raster would read its image from the plan here
            self.view.map_changed()

        def paint(self, painter, area, scale):
            xmin, ymin, xmax, ymax = self.extent
            painter.fillRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin), QColor("#ff0000"))

    monkeypatch.setitem(registry.LAYER_VIEWS, "basemap_scan", ScannedPlan)
    monkeypatch.setitem(styles.LAYER_Z, "basemap_scan", -1)
    view = MapView(catalogue)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    view.set_plan(plan)
    view.render_now()
    image = view.viewport().grab().toImage()
    assert QColor(image.pixel(200, 20)).name() == "#ff0000"  # under the plan's own layers, over the background
    view.set_layer_visible("basemap_scan", False)
    view.render_now()
    assert QColor(view.viewport().grab().toImage().pixel(200, 20)).name() == styles.BACKGROUND

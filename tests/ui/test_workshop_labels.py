"""The map labels' shared halo images (ui/map/labels.HaloCache): a label looks as items.LabelItem
draws it, a repaint, a pan or a second map of the same plan draws no halo again, and a PDF keeps
its labels as text (read back by poppler's pdftotext)."""
import shutil
import subprocess

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.ui.map import styles
from lifecircle_desktop.ui.map.items import LabelItem
from lifecircle_desktop.ui.map.labels import HALOS, CachedLabelItem
from lifecircle_desktop.ui.map.view import MapView
from lifecircle_desktop.ui.workshop.style import apply_workshop_style

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def drawn(qtbot, item) -> QImage:
    """``item`` at (100, 60) of a 240×120 view, as the view paints it."""
    scene = QGraphicsScene(0, 0, 240, 120)
    scene.setBackgroundBrush(QColor("#7f9fbf"))  # not white: the halo shows
    item.setPos(100, 60)
    scene.addItem(item)
    view = QGraphicsView(scene)
    view.setFrameShape(QGraphicsView.NoFrame)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    view.setFixedSize(240, 120)
    view.setSceneRect(QRectF(0, 0, 240, 120))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view.viewport().grab().toImage().convertToFormat(QImage.Format_RGB32)


def difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference of two images' channels, 0..255."""
    assert a.size() == b.size()
    total = 0
    for y in range(a.height()):
        for x in range(a.width()):
            p, q = a.pixelColor(x, y), b.pixelColor(x, y)
            total += abs(p.red() - q.red()) + abs(p.green() - q.green()) + abs(p.blue() - q.blue())
    return total / (3 * a.width() * a.height())


@pytest.mark.parametrize("angle", [0.0, -30.0])
def test_a_cached_label_looks_as_the_label_item_draws_it(qtbot, angle):
    font = styles.font(24, True)
    drawn_by_item = drawn(qtbot, LabelItem("同济幼儿园", font, "#1a1a1a", angle))
    drawn_cached = drawn(qtbot, CachedLabelItem("同济幼儿园", font, "#1a1a1a", angle))
    background = drawn(qtbot, CachedLabelItem("", font, "#1a1a1a", angle))
    assert difference(drawn_by_item, background) > 5  # there is a label to compare
    assert difference(drawn_cached, drawn_by_item) < 0.5  # the same label, turned ones too


def test_a_pdf_keeps_a_label_as_text(qtbot, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    scene = QGraphicsScene(0, 0, 400, 200)
    label = CachedLabelItem("Siping Road", styles.font(24, True), "#1a1a1a")
    label.setPos(200, 100)
    scene.addItem(label)
    path = tmp_path / "label.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.A5))
    painter = QPainter(writer)
    scene.render(painter)
    painter.end()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Siping Road" in text


@pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")
def test_a_repaint_a_pan_or_a_second_map_draws_no_label_again(qtbot, tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    plan = Plan.open(path)
    from lifecircle_desktop.model.catalogue import load_catalogue
    catalogue = load_catalogue()

    def shown_map() -> MapView:
        view = MapView(catalogue)
        qtbot.addWidget(view)
        view.set_plan(plan, "base")
        apply_workshop_style(view)
        view.resize(1600, 900)
        view.show()
        qtbot.waitExposed(view)
        view.fit_plan()
        view.render_now()
        view.viewport().repaint()
        return view
    first = shown_map()
    shown = [i for i in first.scene().items() if isinstance(i, LabelItem) and i.isVisible()]
    assert len(shown) > 20 and any(i.rotation() for i in shown)  # road names along their roads too
    made = HALOS.made
    first.viewport().repaint()
    first.horizontalScrollBar().setValue(first.horizontalScrollBar().value() + 40)
    first.viewport().repaint()
    second = shown_map()
    assert HALOS.made == made
    assert {i.text for i in second.scene().items() if isinstance(i, LabelItem)} >= {i.text for i in shown} - {""}
    plan.close()

"""The map labels' shared halo images (ui/map/labels.HaloCache): a label looks as items.LabelItem
draws it, a repaint, a pan or a second map of the same plan draws no halo again, and a PDF keeps
its labels as the LabelItem prints them (read back by poppler's pdftoppm)."""
import shutil
import subprocess

import numpy as np
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


def changed(a: QImage, b: QImage) -> int:
    """Pixels of two images of one size differing by more than 24 in a channel."""
    assert a.size() == b.size()

    def pixels(image):
        return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return int((np.abs(pixels(a).astype(int) - pixels(b).astype(int)) > 24).reshape(a.height(), -1, 4)
               .any(axis=2).sum())


def printed(tmp_path, item, name: str) -> QImage:
    """``item`` in a PDF (as the report and poster print a map's scene), read back by poppler's pdftoppm."""
    scene = QGraphicsScene(0, 0, 400, 200)
    item.setPos(200, 100)
    scene.addItem(item)
    path = tmp_path / f"{name}.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.A6))
    painter = QPainter(writer)
    scene.render(painter)
    painter.end()
    # At 600 dpi, round the scene's middle: the scene fills the page's width from its top (2:1, so its
    # middle is a quarter of the width down); the label, printed at the PDF's own resolution, is small.
    w = round(QPageSize(QPageSize.A6).sizePoints().width() / 72 * 600)
    subprocess.run(["pdftoppm", "-r", "600", "-x", str(w // 2 - 150), "-y", str(w // 4 - 100), "-W", "300", "-H", "200",
                    "-png", "-singlefile", str(path), str(tmp_path / name)], check=True)
    return QImage(str(tmp_path / f"{name}.png")).convertToFormat(QImage.Format_RGB32)


def test_a_printed_label_looks_as_the_label_item_prints_it(qtbot, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed")
    font = styles.font(24, True)
    by_item = printed(tmp_path, LabelItem("四平路 Siping Road", font, "#1a1a1a", -20.0), "item")
    cached = printed(tmp_path, CachedLabelItem("四平路 Siping Road", font, "#1a1a1a", -20.0), "cached")
    blank = printed(tmp_path, CachedLabelItem("", font, "#1a1a1a", -20.0), "blank")
    label = changed(by_item, blank)
    assert label > 200  # the label's pixels on the page
    assert changed(cached, by_item) <= 0.02 * label


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

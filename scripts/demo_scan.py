"""Make a "scanned plan" of the Siping demo and import it, placed by four control points:
``python scripts/demo_scan.py PLAN.gpkg [--scan OUT.jpg] [--opacity 0.5]``.

The demo's own map is rendered (the plan's features and base map, as the map view shows them), turned grey on a
paper colour, rotated and shrunk as a crooked scan would be, speckled with noise and saved as
JPEG; its pixel ↔ map correspondence is known from the render and the rotation, so four control
points are read off it (offset by up to a pixel, as a planner's clicks would be). The plan is
changed (the scan is imported into it): run it on a copy. Used for docs/screenshot-scan.png.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTransform  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

ANGLE_DEG = 4.0     # how crooked the scan lies on the scanner
SHRINK = 0.85


def render_plan(session, size=(1600, 1100)) -> tuple[QImage, QTransform]:
    """The plan's map as an image, and plan metres → image pixels."""
    from lifecircle_desktop.ui.map.view import MapView
    canvas = MapView(session.catalogue)
    canvas.resize(*size)
    canvas.show()
    canvas.set_plan(session.plan)
    x0, y0, x1, y1 = canvas.plan_extent()
    canvas.show_extent((x0, y0, x1, y1))
    canvas.render_now()
    canvas.viewport().repaint()
    # The view's own frame: the base map image and the features, as the planner sees them.
    frame = canvas.viewport().grab().toImage().convertToFormat(QImage.Format_RGB32)
    transform = canvas.viewportTransform()
    canvas.close()
    return frame, transform


def scanned(image: QImage, title: str) -> tuple[QImage, QTransform]:
    """Grey on paper, a title block, rotated and shrunk, with noise; and image → scan pixels."""
    width, height = image.width(), image.height()
    bits = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())[:, :width * 4]
    rgb = bits.reshape(height, width, 4)[:, :, 2::-1].astype(float)
    grey = rgb @ np.array([0.3, 0.59, 0.11])
    ink = np.clip((255 - grey) * 1.6, 0, 255)[:, :, None]  # dark where the map is drawn
    paper = np.array([236, 228, 206], float)
    out = np.clip(paper - ink * np.array([0.75, 0.78, 0.85]), 0, 255).astype(np.uint8)
    grey_image = QImage(np.ascontiguousarray(np.dstack([out, np.full(out.shape[:2], 255, np.uint8)])[:, :, [2, 1, 0, 3]]).data,
                        width, height, QImage.Format_RGB32).copy()
    painter = QPainter(grey_image)
    painter.setPen(QColor(60, 50, 40))
    font = QFont()
    font.setPointSize(26)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(grey_image.rect().adjusted(30, 20, -30, -20), Qt.AlignTop | Qt.AlignLeft, title)
    painter.end()
    turn = QTransform().rotate(ANGLE_DEG).scale(SHRINK, SHRINK)
    rotated = grey_image.transformed(turn, Qt.SmoothTransformation)
    to_scan = QImage.trueMatrix(turn, width, height)
    # The corners the rotation left empty are the scanner's lid: paper too, a little darker.
    canvas = QImage(rotated.size(), QImage.Format_RGB32)
    canvas.fill(QColor(214, 206, 186))
    painter = QPainter(canvas)
    painter.drawImage(0, 0, rotated)
    painter.end()
    rng = np.random.default_rng(14)
    h, w = canvas.height(), canvas.width()
    px = np.frombuffer(canvas.constBits(), np.uint8).reshape(h, canvas.bytesPerLine())[:, :w * 4].reshape(h, w, 4)
    noisy = np.clip(px[:, :, :3].astype(int) + rng.normal(0, 9, (h, w, 1)).astype(int), 0, 255).astype(np.uint8)
    result = QImage(np.ascontiguousarray(np.dstack([noisy, np.full((h, w), 255, np.uint8)])).data, w, h,
                    QImage.Format_RGB32).copy()
    return result, to_scan


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("--scan", default=None, help="where to write the scan (default: beside the plan)")
    parser.add_argument("--opacity", type=float, default=0.5)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    from lifecircle_desktop.model.session import PlanSession
    from lifecircle_desktop.ui import i18n
    i18n.setup_fonts(app)
    scan_path = Path(args.scan or Path(args.plan).with_name("siping-scan.jpg"))
    with PlanSession.open(args.plan) as session:
        picture, to_image = render_plan(session)
        scan, to_scan = scanned(picture, f"{session.plan.name} · 社区规划总图（扫描件）")
        assert scan.save(str(scan_path), "JPEG", 85)
        x0, y0, x1, y1 = _extent(session)
        rng = np.random.default_rng(3)
        control = []
        for e, n in ((x0, y1), (x1, y1), ((x0 + x1) / 2, y0), (x1, y0)):  # four spread points of the plan
            p = to_scan.map(to_image.map(QPointF(e, n)))
            control.append(((p.x() + rng.uniform(-1, 1), p.y() + rng.uniform(-1, 1)), (e, n)))
        changes = session.import_image(scan_path, control, kind="affine", opacity=args.opacity)  # 4 points: an RMSE
        from lifecircle_desktop.model.rasters import describe
        print(f"{scan_path}: {scan.width()}×{scan.height()} px, placed: {describe(changes.edit.image.georef)}")
    del app
    return 0


def _extent(session):
    """The area the planner works on (the map view's own choice: the planning units)."""
    from lifecircle_desktop.ui.map.view import MapView
    canvas = MapView(session.catalogue)
    canvas.set_plan(session.plan)
    x0, y0, x1, y1 = canvas.plan_extent()
    pad = 0.1 * (x1 - x0)
    return x0 + pad, y0 + pad, x1 - pad, y1 - pad


if __name__ == "__main__":
    sys.exit(main())

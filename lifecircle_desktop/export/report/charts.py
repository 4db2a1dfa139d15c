"""The coverage chart of a walking rule, drawn as vectors with QPainter: per facility type of the
rule, the share of households whose nearest facility of that type is within d (the desktop's
coverage panel's curve, ui/panels/coverage.coverage_curve), the rule's distance limit as a
vertical line and its required share as a horizontal one."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from ...model.findings import Finding, Results
from ...ui.panels.coverage import MAX_DISTANCE_M, STEP_M, coverage_curve

AXIS = QColor("#555555")
GRID = QColor("#e3e3e3")
LIMIT = QColor("#c62828")
REQUIRED = QColor("#1f5fa8")
MAX_CURVES = 6


def paint_coverage(painter: QPainter, rect: QRectF, results: Results, finding: Finding, catalogue,
                   font: QFont, zh: bool) -> None:
    """The chart of ``finding`` (a walk_coverage finding) filling ``rect``."""
    painter.save()
    painter.setFont(font)
    fm = QFontMetricsF(font)
    line = fm.height()
    types = [t for t in finding.facility_types][:MAX_CURVES]
    legend_rows = len(types)
    plot = QRectF(rect.left() + fm.horizontalAdvance("100%") + 8, rect.top() + line * 0.6,
                  rect.width() - fm.horizontalAdvance("100%") - 14, rect.height() - line * (3.2 + 1.1 * legend_rows))
    top = max(MAX_DISTANCE_M, (finding.limit_m or 0) * 1.25)
    distances = np.arange(0.0, top + STEP_M / 2, STEP_M)

    def xy(d: float, share: float) -> QPointF:
        return QPointF(plot.left() + plot.width() * d / top, plot.bottom() - plot.height() * share / 100.0)

    # Grid and axes.
    painter.setPen(QPen(GRID, 0))
    for share in (25, 50, 75, 100):
        painter.drawLine(xy(0, share), xy(top, share))
    step = 500.0 if top <= 2500 else 1000.0
    ticks = np.arange(0.0, top + 1, step)
    for d in ticks:
        painter.drawLine(xy(d, 0), xy(d, 100))
    painter.setPen(QPen(AXIS, 1.2))
    painter.drawLine(xy(0, 0), xy(top, 0))
    painter.drawLine(xy(0, 0), xy(0, 100))
    painter.setPen(AXIS)
    for share in (0, 50, 100):
        p = xy(0, share)
        painter.drawText(QRectF(rect.left(), p.y() - line / 2, plot.left() - rect.left() - 4, line),
                         Qt.AlignRight | Qt.AlignVCenter, f"{share}%")
    for d in ticks[1:]:  # "0" would sit on the share axis's "0%"
        p = xy(d, 0)
        painter.drawText(QRectF(p.x() - 30, p.y() + 2, 60, line), Qt.AlignHCenter | Qt.AlignTop, f"{d:,.0f}")
    axis_words = "步行距离（米）" if zh else "walking distance (m)"
    painter.drawText(QRectF(plot.left(), plot.bottom() + line, plot.width(), line), Qt.AlignHCenter, axis_words)

    # The rule's limit and required share.
    if finding.limit_m is not None:
        painter.setPen(QPen(LIMIT, 1.2, Qt.DashLine))
        painter.drawLine(xy(finding.limit_m, 0), xy(finding.limit_m, 100))
        p = xy(finding.limit_m, 100)
        painter.setPen(LIMIT)
        painter.drawText(QRectF(p.x() + 3, p.y(), 120, line), Qt.AlignLeft | Qt.AlignTop, f"{finding.limit_m:,.0f} m")
    if finding.unit == "%" and finding.threshold is not None:
        painter.setPen(QPen(REQUIRED, 1.2, Qt.DotLine))
        painter.drawLine(xy(0, finding.threshold), xy(top, finding.threshold))
        p = xy(top, finding.threshold)
        painter.setPen(REQUIRED)
        required = f"≥ {finding.threshold:g}%"
        painter.drawText(QRectF(p.x() - 90, p.y() + 2, 88, line), Qt.AlignRight | Qt.AlignTop, required)

    # One curve per facility type; curves at 0 % drawn just above the axis stay visible.
    for i, t in enumerate(types):
        colour = QColor(catalogue.types[t].colour) if t in catalogue.types else QColor("#555555")
        shares = coverage_curve(results, t, distances)
        poly = QPolygonF([xy(d, s) for d, s in zip(distances.tolist(), shares.tolist())])
        pen = QPen(colour, 2.0)
        if i:
            pen.setDashPattern([4.0, 2.0 + i])
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawPolyline(poly)
        y = plot.bottom() + line * (2.3 + 1.1 * i)
        painter.drawLine(QPointF(plot.left(), y + line / 2), QPointF(plot.left() + 22, y + line / 2))
        painter.setPen(QColor("#222222"))
        name = catalogue.types[t].name_zh if zh and t in catalogue.types else \
            catalogue.types[t].name_en if t in catalogue.types else t
        painter.drawText(QRectF(plot.left() + 28, y, plot.width() - 28, line), Qt.AlignLeft | Qt.AlignVCenter,
                         fm.elidedText(name, Qt.ElideRight, plot.width() - 28))
    if finding.measured is not None and finding.limit_m is not None and finding.unit == "%":
        painter.setPen(QPen(QColor("#222222"), 1))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(xy(finding.limit_m, finding.measured), 3.5, 3.5)
    painter.restore()

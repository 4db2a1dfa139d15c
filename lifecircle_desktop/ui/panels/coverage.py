"""The coverage chart (覆盖率曲线): per facility type, the share of households whose walking
distance to the nearest facility of that type is within d, for d from 0 to 2000 m, with the
selected walk_coverage rule's limit as a vertical line and its required share as a horizontal one.

pyqtgraph is for charts in panels only (design.md §6); the map canvas is a plain QGraphicsView.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ...model.catalogue import Catalogue
from ...model.findings import Finding, Results
from .. import i18n

MAX_DISTANCE_M = 2000.0
STEP_M = 10.0
MAX_CURVES = 6  # beyond this the legend is longer than the chart
Y_MIN = -6.0  # the bottom of the share axis: 0 % curves are drawn above the axis line
DASH = 5.0  # curves lying on one another (several at 0 %) are drawn in interleaved dashes


def coverage_curve(results: Results, facility_type: str, distances) -> np.ndarray:
    """``Results.share_within(facility_type, distances)`` with one sort instead of a pass per
    distance (the chart asks for 201 distances after every edit). Same numbers."""
    d = np.asarray(distances, dtype=float)
    got = results.distances.get(facility_type)
    homes = results.home_ids.tolist()
    weights = np.array([results.households.get(int(h), 0.0) for h in homes], dtype=float)
    total = float(weights.sum())
    if got is None or total <= 0 or not len(homes):
        return np.zeros(len(d))
    dist = np.asarray(got[0], dtype=float)
    order = np.argsort(dist, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(weights[order])])
    return 100.0 * cum[np.searchsorted(dist[order], d, side="right")] / total


class CoverageChart(QWidget):
    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.results: Results | None = None
        self.finding: Finding | None = None
        self.curves: dict[str, pg.PlotDataItem] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(160)
        font = QFont(QApplication.font())
        item = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTickFont(font)
            axis.setPen(pg.mkPen("#555555"))
            axis.setTextPen(pg.mkPen("#333333"))
        item.setLabel("bottom", self.tr("walking distance d (m)"))
        item.setLabel("left", self.tr("households within d (%)"))
        item.setXRange(0, MAX_DISTANCE_M, padding=0.02)
        # From below 0: a curve at 0 % (no facility of the type within reach) runs above the axis,
        # not hidden on it (issue 16).
        item.setYRange(Y_MIN, 102, padding=0)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        # The legend in a column of its own right of the plot, never over the curves (issue 16).
        self.legend = pg.LegendItem(labelTextColor="#222222", labelTextSize="8pt", colCount=1,
                                    verSpacing=-4)
        item.layout.addItem(self.legend, 2, 3)
        item.layout.setColumnStretchFactor(3, 0)
        item.layout.setColumnSpacing(2, 10)  # a gap between the plot and its legend
        self.limit_line = pg.InfiniteLine(angle=90, movable=False,
                                          pen=pg.mkPen("#c62828", width=2, style=Qt.PenStyle.DashLine))
        self.share_line = pg.InfiniteLine(angle=0, movable=False,
                                          pen=pg.mkPen("#c62828", width=1, style=Qt.PenStyle.DotLine))
        item.addItem(self.limit_line, ignoreBounds=True)
        item.addItem(self.share_line, ignoreBounds=True)
        self.limit_line.hide()
        self.share_line.hide()
        layout.addWidget(self.plot)
        self.distances = np.arange(0.0, MAX_DISTANCE_M + STEP_M / 2, STEP_M)
        self._update_caption()

    def bind(self, document) -> None:
        """Follow ``document``'s validation results (ui/document.py)."""
        document.resultsReady.connect(self.set_results)
        document.sessionChanged.connect(self._on_session)
        self.set_results(document.results)

    def _on_session(self, _session) -> None:
        self.finding = None
        self.set_results(None)

    def set_results(self, results: Results | None) -> None:
        self.results = results
        if self.finding is not None and results is not None:
            # Follow the same rule in the new results (its limit may come from a changed profile).
            self.finding = next((f for f in results.findings if f.rule == self.finding.rule), None)
        self._redraw()

    def set_finding(self, finding: Finding | None) -> None:
        """The selected rule: its types are drawn and its limit marked (other kinds keep the chart)."""
        if finding is not None and finding.kind != "walk_coverage":
            return
        self.finding = finding
        self._redraw()

    def types_shown(self) -> list[str]:
        if self.results is None:
            return []
        if self.finding is not None and self.finding.facility_types:
            return list(self.finding.facility_types)[:MAX_CURVES]
        # No rule chosen: the types of the walking rules that fail first, then the others.
        # (Another reading of an indicator is not counted: its types come with the applied one.)
        walk = [f for f in self.results.findings if f.kind == "walk_coverage" and f.status != "n/a" and f.applied]
        walk.sort(key=lambda f: {"fail": 0, "warn": 1}.get(f.status, 2))
        types: list[str] = []
        for f in walk:
            for t in f.facility_types:
                if t not in types:
                    types.append(t)
        return types[:MAX_CURVES]

    def _name(self, code: str) -> str:
        t = self.catalogue.types.get(code)
        return i18n.pick(t.name_zh, t.name_en) if t else code

    def _redraw(self) -> None:
        item = self.plot.getPlotItem()
        types = self.types_shown() if self.results is not None else []
        if types != list(self.curves):
            # Other types: new curves and legend. The same types (most edits): new data only,
            # which spares pyqtgraph rebuilding items (≈ 13 ms a curve).
            for curve in self.curves.values():
                item.removeItem(curve)
            self.curves.clear()
            self.legend.clear()
            for code in types:
                colour = self.catalogue.types[code].colour if code in self.catalogue.types else "#666666"
                self.curves[code] = item.plot(pen=pg.mkPen(QColor(colour), width=2))
                # The legend's sample is a solid line whatever dashes the curve gets (_interleave).
                self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(QColor(colour), width=2)), self._name(code))
        for code, curve in self.curves.items():
            curve.setData(self.distances, coverage_curve(self.results, code, self.distances))
        self._interleave()
        f = self.finding
        if f is not None and f.limit_m is not None:
            self.limit_line.setValue(min(f.limit_m, MAX_DISTANCE_M))
            self.limit_line.show()
        else:
            self.limit_line.hide()
        if f is not None and f.threshold is not None:
            self.share_line.setValue(f.threshold)
            self.share_line.show()
        else:
            self.share_line.hide()
        self._update_caption()

    def _interleave(self) -> None:
        """Curves with the same values (several types at 0 %, or all at 100 %) lie on one another:
        each of k such curves is drawn one dash in k, offset, so every colour shows along the line."""
        same: dict[bytes, list[str]] = {}
        for code, curve in self.curves.items():
            same.setdefault(np.round(curve.getData()[1], 6).tobytes(), []).append(code)
        for codes in same.values():
            for i, code in enumerate(codes):
                pen = QPen(self.curves[code].opts["pen"])
                if len(codes) > 1:
                    pen.setDashPattern([DASH, DASH * (len(codes) - 1)])
                    pen.setDashOffset(DASH * i)
                else:
                    pen.setStyle(Qt.PenStyle.SolidLine)
                self.curves[code].setPen(pen)

    def curve_pen(self, code: str) -> QPen:
        """The pen a type's curve is drawn with (tests: interleaved dashes of curves on one another)."""
        return QPen(self.curves[code].opts["pen"])

    def y_range(self) -> tuple[float, float]:
        """The share axis's visible range (it starts below 0 so that a 0 % curve shows)."""
        low, high = self.plot.getPlotItem().getViewBox().viewRange()[1]
        return float(low), float(high)

    def legend_labels(self) -> list[str]:
        """The names the legend shows, in order (what the planner reads beside the curves)."""
        return [label.text for _sample, label in self.legend.items]

    def legend_rect(self) -> QRectF:
        """The legend's box in the chart's coordinates."""
        return self._in_chart(self.legend.sceneBoundingRect())

    def plot_rect(self) -> QRectF:
        """The plot area (where the curves are drawn) in the chart's coordinates."""
        return self._in_chart(self.plot.getPlotItem().getViewBox().sceneBoundingRect())

    def _in_chart(self, scene_rect) -> QRectF:
        rect = self.plot.viewportTransform().mapRect(scene_rect)
        return rect.translated(QPointF(self.plot.viewport().mapTo(self, QPoint(0, 0))))

    def _update_caption(self) -> None:
        f = self.finding
        if self.results is None:
            self.caption.setText(self.tr("Coverage curves appear after the first validation."))
        elif f is None:
            self.caption.setText(self.tr("Households within walking distance d of the nearest facility; "
                                         "click a walking finding to mark its limit."))
        else:
            text = i18n.fill(self.tr("%1: limit %2 m, required share %3 %"), i18n.pick(f.name_zh, f.name_en),
                             f"{f.limit_m:,.0f}" if f.limit_m is not None else "—",
                             f"{f.threshold:g}" if f.threshold is not None else "—")
            if f.approximate:
                text += " " + self.tr("(approximate)")
            self.caption.setText(text)

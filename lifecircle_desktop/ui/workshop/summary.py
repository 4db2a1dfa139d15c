"""The resident-facing summary beside the workshop map (issue 13 item 1): big plain text.

One line per walking need from ``PlanSession.resident_summary`` with a ✓ or ✗ (and a 新增 tag when a
new facility meets it), the "还缺：…" line, the plan and scenario as the title, the data credit; and
the legend in plain words that floats over the map (``LegendBox``: the facility categories on the
map, homes, planned, the catchment's colours while one is shown). Nothing here is computed: the
words and numbers are the session's, so what residents read is what the findings say.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QScrollArea, QScroller, QSizePolicy, QVBoxLayout,
                               QWidget)

from .. import i18n
from ..undo import scenario_title
from .compare import NEW_COLOUR  # new facilities in one colour, map and summary alike
from .style import points_to_pixels

MET_COLOUR = "#1b7f3b"
NOT_MET_COLOUR = "#c62828"
INK = "#111111"
LEGEND_POINTS = 18  # the legend is read from the back of the room like the map's labels (≥ 18 pt)
SWATCH_PX = 36


def _label(text: str, points: float, bold: bool = False, colour: str = INK, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.PlainText)
    label.setStyleSheet(f"QLabel {{ color: {colour}; font-size: {points_to_pixels(points)}px;"
                        f" font-weight: {'bold' if bold else 'normal'}; }}")
    return label


def line_swatch(colour: str, width: float = 5.0, size: int = SWATCH_PX) -> QPixmap:
    """A legend swatch for a line (the paths walked)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    pen = p.pen()
    pen.setColor(QColor(colour))
    pen.setWidthF(width)
    pen.setCapStyle(Qt.RoundCap)
    p.setPen(pen)
    p.drawLine(4, size - 8, size - 4, 8)
    p.end()
    return pix


def _empty(layout) -> None:
    """Take every widget out of ``layout`` (hidden at once: a screenshot taken before the event loop
    deletes them must not show them)."""
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:
            w.hide()
            w.setParent(None)
            w.deleteLater()


def swatch(fill: str, outline: str, size: int = SWATCH_PX, dashed: bool = False) -> QPixmap:
    """A legend swatch: a rounded square filled and outlined (dashed: planned)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    pen = p.pen()
    pen.setColor(QColor(outline))
    pen.setWidthF(3)
    if dashed:
        pen.setStyle(Qt.DashLine)
    p.setPen(pen)
    p.setBrush(QColor(fill) if fill else Qt.NoBrush)
    p.drawRoundedRect(3, 3, size - 6, size - 6, 4, 4)
    p.end()
    return pix


class ResidentSummaryPanel(QFrame):
    """The summary for residents. ``show_summary(summary, plan_name)`` fills it; ``lines()`` and
    ``missing()`` say what it shows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("workshopSummary")
        self.setStyleSheet("QFrame#workshopSummary { background: #ffffff; border-left: 3px solid #222222; }")
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Expanding)
        self.title = _label("", 26, bold=True)
        self.subtitle = _label("", 18, colour="#333333")
        self.heading = _label(self.tr("On foot from home"), 20, bold=True, colour="#333333")
        # The needs scroll (a finger drags them) when a plan has more than fit.
        self._needs = QWidget()
        self._lines_box = QGridLayout(self._needs)
        self._lines_box.setContentsMargins(0, 0, 8, 0)
        self._lines_box.setHorizontalSpacing(10)
        self._lines_box.setVerticalSpacing(8)
        self._lines_box.setColumnStretch(1, 1)
        # What the plan lacks stays in sight above the needs (they scroll when a plan has many).
        self.missing_label = _label("", 18, bold=True, colour=NOT_MET_COLOUR)
        self.missing_label.hide()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(self._needs)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: #ffffff; }")
        QScroller.grabGesture(scroll.viewport(), QScroller.LeftMouseButtonGesture)  # a finger drags the list
        self.scroll = scroll
        self.catchment_label = _label("", 22, bold=True, colour="#0b4f9c")
        self.catchment_label.hide()
        self.credit_label = _label("", 14, colour="#333333")
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 24, 28, 20)
        column.setSpacing(14)
        for w in (self.title, self.subtitle, self.catchment_label, self.missing_label, self.heading):
            column.addWidget(w)
        column.addWidget(scroll, 1)
        column.addWidget(self.credit_label)
        self._line_texts: list[tuple[bool, str]] = []

    # --- filled by the workshop view ------------------------------------------------------------
    def show_summary(self, summary, plan_name: str) -> None:
        """Show ``summary`` (model/workshop.ResidentSummary) for the plan ``plan_name``."""
        zh = i18n.language() == "zh"
        after = scenario_title(summary.scenario)
        self.title.setText(plan_name)
        if summary.before:
            self.subtitle.setText(i18n.fill(self.tr("%1 compared with %2"), after, scenario_title(summary.before)))
        else:
            self.subtitle.setText(i18n.fill(self.tr("Scenario: %1"), after))
        _empty(self._lines_box)
        self._line_texts = []
        for row, line in enumerate(summary.lines):
            text = line.text_zh if zh else line.text_en
            # A mark that reads without colour too (✓/✗), for colour-blind residents and grey projectors.
            mark = _label("✓" if line.met else "✗", 22, bold=True,
                          colour=MET_COLOUR if line.met else NOT_MET_COLOUR, wrap=False)
            mark.setAlignment(Qt.AlignTop | Qt.AlignHCenter)
            self._lines_box.addWidget(mark, row, 0)
            # "0% → 58%" kept on one line: a line broken after the arrow reads as two numbers.
            shown = text.replace(" → ", "\u00a0→\u00a0")
            words = _label(shown, 20)
            if line.is_new:  # a need the plan meets with a new facility: tagged as the new facilities are
                tag = html.escape(self.tr("new"))
                words.setTextFormat(Qt.RichText)
                words.setText(f'<span style="color: #ffffff; background: {NEW_COLOUR};">&nbsp;{tag}&nbsp;</span>'
                              f'&nbsp;{html.escape(shown)}')
            self._lines_box.addWidget(words, row, 1)
            self._line_texts.append((line.met, text))
        if not summary.lines:
            self._lines_box.addWidget(_label(self.tr("No walking need is judged in this plan."), 20), 0, 0, 1, 2)
        missing = summary.missing_zh if zh else summary.missing_en
        self.missing_label.setText(missing)
        self.missing_label.setVisible(bool(missing))
        self._lines_box.setRowStretch(max(1, len(summary.lines)), 1)
        self.scroll.verticalScrollBar().setValue(0)

    def show_credit(self, lines: list[str]) -> None:
        self.credit_label.setText(" · ".join(lines))

    def show_catchment(self, text: str | None) -> None:
        """The catchment shown on the map, in words ("步行 10 分钟 · 服务 120 户"); None hides it."""
        self.catchment_label.setText(text or "")
        self.catchment_label.setVisible(bool(text))

    # --- what it shows ----------------------------------------------------------------------------
    def lines(self) -> list[str]:
        """The need lines shown, in order (without their ✓/✗ and "new" tag)."""
        return [text for _met, text in self._line_texts]

    def marks(self) -> list[bool]:
        """Met (✓) or not (✗), per line."""
        return [met for met, _text in self._line_texts]

    def missing(self) -> str:
        return self.missing_label.text() if self.missing_label.isVisibleTo(self) else ""


class LegendBox(QFrame):
    """The legend in plain words, in a box over the map's lower left corner (where maps keep it)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("workshopLegend")
        self.setStyleSheet("QFrame#workshopLegend { background: #ffffff; border: 2px solid #555555;"
                           " border-radius: 8px; }")
        self.title = _label(self.tr("Legend"), LEGEND_POINTS, bold=True, colour="#222222", wrap=False)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(4)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 10)
        column.setSpacing(6)
        column.addWidget(self.title)
        column.addLayout(self._grid)
        self._texts: list[str] = []

    def show_entries(self, entries: list[tuple[QPixmap, str]]) -> None:
        """(swatch, plain words) pairs, in two columns."""
        _empty(self._grid)
        self._texts = [text for _pix, text in entries]
        rows = (len(entries) + 1) // 2
        for i, (pix, text) in enumerate(entries):
            icon = QLabel()
            icon.setPixmap(pix)
            c, r = divmod(i, rows)
            words = _label(text, LEGEND_POINTS, wrap=False)
            self._grid.addWidget(icon, r, 2 * c)
            self._grid.addWidget(words, r, 2 * c + 1)
            icon.show()  # now: the box takes its size from them below (a layout shows them only later)
            words.show()
        self.layout().activate()
        self.adjustSize()

    def texts(self) -> list[str]:
        return list(self._texts)


def legend_entries(catalogue, features, language: str, stops=()) -> list[tuple[QPixmap, str]]:
    """The legend of a workshop map in plain words: the badge of each facility category on it
    (the type names are on the map), the stops' letters, homes, planning units and planned facilities
    (both drawn dashed: named apart so the room does not mistake one for the other)."""
    from ..tools.text import translate
    from ..map.styles import icon_kind
    from .style import WorkshopLook, badge_pixmap
    look = WorkshopLook()
    categories = []
    for feature in features:
        code = feature.attributes.get("type")
        category = catalogue.types[code].category if code in catalogue.types else None
        if category in catalogue.categories and category not in categories:
            categories.append(category)
    entries = [(badge_pixmap(catalogue, c, language), catalogue.categories[c].name_zh if language == "zh"
                else catalogue.categories[c].name_en) for c in sorted(categories, key=list(catalogue.categories).index)]
    kinds = {icon_kind(f) for f in stops}
    if "bus_stop" in kinds:
        entries.append((look.icon("bus_stop"), translate("Workshop", "Bus stop (B)")))
    if "metro_station" in kinds:
        entries.append((look.icon("metro_station"), translate("Workshop", "Metro station (M)")))
    entries.append((swatch("#f4d6a0", "#8a5a1c"), translate("Workshop", "Homes")))
    entries.append((swatch("", "#1f2d3d", dashed=True), translate("Workshop", "Planning unit (dashed)")))
    if any(f.attributes.get("status", "existing") != "existing" for f in features):
        entries.append((swatch("#bdbdbd", "#555555", dashed=True), translate("Workshop", "Planned facility (dashed edge)")))
    return entries


__all__ = ["ResidentSummaryPanel", "LegendBox", "legend_entries", "swatch", "line_swatch"]

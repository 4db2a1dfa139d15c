"""The resident-facing summary beside the workshop map (issue 13 item 1): big plain text.

One line per walking need from ``PlanSession.resident_summary`` with a ✓, ✗ (a required standard not
met) or ◯ (a recommended one), and a 新增 tag when a new facility meets it — as many as fit, the ones
that matter first, the rest counted (a room cannot scroll) — the "还缺：…" line with a few kinds
named, the plan and scenario as the title, the data credit; and
the legend in plain words that floats over the map (``LegendBox``: the facility categories on the
map, homes, planned, the catchment's colours while one is shown). Nothing here is computed: the
words and numbers are the session's, so what residents read is what the findings say.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .. import i18n
from ..undo import scenario_title
from .compare import NEW_COLOUR  # new facilities in one colour, map and summary alike
from .style import points_to_pixels

MET_COLOUR = "#1b7f3b"
NOT_MET_COLOUR = "#c62828"
RECOMMENDED_COLOUR = "#b26a00"  # amber: a recommendation not met, not a failure
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


def ranked_lines(summary) -> list:
    """The summary's lines in the order a room reads them, as the poster ranks them
    (export/poster.poster_lines): every required need not met first, then what the scenario
    changes, then the rest — each group in the summary's order."""
    def rank(item):
        i, line = item
        changed = line.share_before is not None and round(line.share * 100) != round(line.share_before * 100)
        return (not (line.required and not line.met), not (changed or line.is_new), line.facility_type is None, i)
    return [line for _, line in sorted(enumerate(summary.lines), key=rank)]


# The mark of a need line: met; a required (约束性) standard not met; a recommended one not met —
# softer, so the room does not read a 91% recommendation as a failure (review item 9).
MARKS = {"met": ("✓", MET_COLOUR), "required": ("✗", NOT_MET_COLOUR), "recommended": ("◯", RECOMMENDED_COLOUR)}


def mark_of(line) -> str:
    return "met" if line.met else "required" if line.required else "recommended"


class _NeedsBox(QWidget):
    """The need lines: as many as fit its height (nobody in a room can scroll); ``fitted`` is called
    when its size changes."""

    def __init__(self, fitted):
        super().__init__()
        self._fitted = fitted
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Ignored)  # the panel's height decides

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height() or event.size().width() != event.oldSize().width():
            self._fitted()


class ResidentSummaryPanel(QFrame):
    """The summary for residents. ``show_summary(summary, plan_name)`` fills it; ``lines()`` and
    ``missing()`` say what it shows. It never scrolls: the lines that matter are shown as many as
    fit and the rest counted ("另有 N 项…"), the poster's way."""

    LINE_POINTS, MARK_POINTS, SPACING = 20, 22, 8

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("workshopSummary")
        self.setStyleSheet("QFrame#workshopSummary { background: #ffffff; border-left: 3px solid #222222; }")
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Expanding)
        self.title = _label("", 26, bold=True)
        self.subtitle = _label("", 18, colour="#333333")
        self.heading = _label(self.tr("On foot from home"), 20, bold=True, colour="#333333")
        self._needs = _NeedsBox(self._fit)
        self._lines_box = QGridLayout(self._needs)
        self._lines_box.setContentsMargins(0, 0, 0, 0)
        self._lines_box.setHorizontalSpacing(10)
        self._lines_box.setVerticalSpacing(self.SPACING)
        self._lines_box.setColumnStretch(1, 1)
        self._lines_box.setAlignment(Qt.AlignTop)
        # What the plan lacks stays in sight above the needs, a few kinds named and the rest counted.
        self.missing_label = _label("", 18, bold=True, colour=NOT_MET_COLOUR)
        self.missing_label.hide()
        self.more_label = _label("", 18, colour="#444444")
        self.more_label.hide()
        dot = '<span style="color: {};">{}</span>'
        self.key_label = _label("", 18, colour="#333333")
        self.key_label.setTextFormat(Qt.RichText)
        # Each mark with its words on one line (the key wraps between them, never inside one).
        self.key_label.setText(" ".join(
            f'<span style="white-space: nowrap;">{dot.format(colour, mark)}&nbsp;{html.escape(words)}</span>&nbsp;'
            for (mark, colour), words in (
                (MARKS["met"], self.tr("met")), (MARKS["required"], self.tr("required, not met")),
                (MARKS["recommended"], self.tr("recommended, not met")))))
        self.catchment_label = _label("", 22, bold=True, colour="#0b4f9c")
        self.catchment_label.hide()
        self.credit_label = _label("", 14, colour="#333333")
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 24, 28, 20)
        column.setSpacing(14)
        for w in (self.title, self.subtitle, self.catchment_label, self.missing_label, self.heading):
            column.addWidget(w)
        column.addWidget(self._needs, 1)
        for w in (self.more_label, self.key_label, self.credit_label):
            column.addWidget(w)
        self._ranked: list = []
        self._shown: list = []

    # --- filled by the workshop view ------------------------------------------------------------
    def show_summary(self, summary, plan_name: str, catalogue=None) -> None:
        """Show ``summary`` (model/workshop.ResidentSummary) for the plan ``plan_name``; with the
        ``catalogue``, "还缺" names a few kinds and counts the rest (the poster's MAX_MISSING)."""
        from ...export.poster import missing_line
        zh = i18n.language() == "zh"
        after = scenario_title(summary.scenario)
        self.title.setText(plan_name)
        if summary.before:
            self.subtitle.setText(i18n.fill(self.tr("%1 compared with %2"), after, scenario_title(summary.before)))
        else:
            self.subtitle.setText(i18n.fill(self.tr("Scenario: %1"), after))
        self._ranked = ranked_lines(summary)
        missing = (missing_line(summary, catalogue, zh) if catalogue is not None
                   else summary.missing_zh if zh else summary.missing_en)
        self.missing_label.setText(missing)
        self.missing_label.setVisible(bool(missing))
        self._fit()

    def _line_widgets(self, line) -> tuple[QLabel, QLabel]:
        text = line.text_zh if i18n.language() == "zh" else line.text_en
        symbol, colour = MARKS[mark_of(line)]
        # A mark that reads without colour too (✓/✗/◯), for colour-blind residents and grey projectors.
        mark = _label(symbol, self.MARK_POINTS, bold=True, colour=colour, wrap=False)
        mark.setAlignment(Qt.AlignTop | Qt.AlignHCenter)
        # "0% → 58%" kept on one line: a line broken after the arrow reads as two numbers.
        shown = text.replace(" → ", "\u00a0→\u00a0")
        words = _label(shown, self.LINE_POINTS)
        if line.is_new:  # a need the plan meets with a new facility: tagged as the new facilities are
            tag = html.escape(self.tr("new"))
            words.setTextFormat(Qt.RichText)
            words.setText(f'<span style="color: #ffffff; background: {NEW_COLOUR};">&nbsp;{tag}&nbsp;</span>'
                          f'&nbsp;{html.escape(shown)}')
        return mark, words

    def _fit(self) -> None:
        """The ranked lines that fit the height the needs have, whole; the rest counted below."""
        _empty(self._lines_box)
        self._shown = []
        height, width = self._needs.height(), self._needs.width()
        mark_w = QFontMetricsF(_label("✓", self.MARK_POINTS, bold=True).font()).horizontalAdvance("✓✓")
        used = 0.0
        for line in self._ranked:
            mark, words = self._line_widgets(line)
            words.ensurePolished()
            need = words.heightForWidth(max(80, round(width - mark_w - 10)))
            if self._shown and used + need > height:
                mark.deleteLater()
                words.deleteLater()
                break
            row = len(self._shown)
            self._lines_box.addWidget(mark, row, 0)
            self._lines_box.addWidget(words, row, 1)
            self._shown.append(line)
            used += need + self.SPACING
        if not self._ranked:
            self._lines_box.addWidget(_label(self.tr("No walking need is judged in this plan."), 20), 0, 0, 1, 2)
        left_out = len(self._ranked) - len(self._shown)
        self.more_label.setText(self.tr("%n more walking needs in the plan's notice", "", left_out)
                                if left_out else "")
        self.more_label.setVisible(bool(left_out))
        self.key_label.setVisible(bool(self._ranked))

    def show_credit(self, lines: list[str]) -> None:
        self.credit_label.setText(" · ".join(lines))

    def show_catchment(self, text: str | None) -> None:
        """The catchment shown on the map, in words ("步行 10 分钟 · 服务 120 户"); None hides it."""
        self.catchment_label.setText(text or "")
        self.catchment_label.setVisible(bool(text))

    # --- what it shows ----------------------------------------------------------------------------
    def lines(self) -> list[str]:
        """The need lines shown, in order (without their marks and "new" tag)."""
        zh = i18n.language() == "zh"
        return [line.text_zh if zh else line.text_en for line in self._shown]

    def marks(self) -> list[bool]:
        """Met or not, per line shown."""
        return [line.met for line in self._shown]

    def symbols(self) -> list[str]:
        """The mark of each line shown: ✓ met, ✗ a required standard not met, ◯ a recommended one."""
        return [MARKS[mark_of(line)][0] for line in self._shown]

    def left_out(self) -> int:
        """How many need lines did not fit (counted in "另有 N 项…")."""
        return len(self._ranked) - len(self._shown)

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


__all__ = ["ranked_lines", "mark_of", "MARKS", "ResidentSummaryPanel", "LegendBox", "legend_entries", "swatch", "line_swatch"]

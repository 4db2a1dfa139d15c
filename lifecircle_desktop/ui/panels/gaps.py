"""缺项: what the community lacks most, above the findings (issue 16 item 3) — the worst gaps of
model/gaps.py in plain words ("缺幼儿园：54% 的住户步行 10 分钟内到不了"), each clickable: a click
selects its finding and shows it on the map, as clicking the finding's row does.

The ranking is the model's (model/gaps.py); this widget only words and shows it.
"""
from __future__ import annotations

from typing import Mapping

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...model.catalogue import Catalogue
from ...model.findings import Results
from ...model.gaps import Gap, top_gaps
from .. import i18n
from .common import STATUS_COLOURS, number, status_icon

TOP = 5
RULE_ROLE = Qt.ItemDataRole.UserRole


def thing_name(gap: Gap, catalogue: Catalogue | None) -> str:
    """What is lacking: the facility type(s) of the finding ("幼儿园", "小超市或便利店") when it
    names one or two, else the rule's name (a ratio, a set of many types)."""
    f = gap.finding
    name = i18n.pick(f.name_zh, f.name_en) or f.rule
    types = f.facility_types
    if f.kind in ("ratio", "scale") or not types or len(types) > 2 or catalogue is None:
        return name
    translate = QCoreApplication.translate
    names = [catalogue.types[t].name(i18n.language()) if t in catalogue.types else t for t in types]
    return i18n.fill(translate("GapSummary", "%1 or %2"), names[0], names[1]) if len(names) == 2 else names[0]


def gap_text(gap: Gap, catalogue: Catalogue | None = None) -> str:
    """One gap in plain words, in the UI language."""
    from .findings import measured_text, threshold_text  # the tree's own words for values
    translate = QCoreApplication.translate
    f = gap.finding
    what = thing_name(gap, catalogue)
    if gap.reason == "absent":
        return i18n.fill(translate("GapSummary", "Missing %1: the plan has none"), what)
    if gap.reason == "beyond":
        share = number(max(1.0, round(gap.share)) if gap.share > 0 else 0)
        if gap.limit_min is not None:
            text = i18n.fill(translate("GapSummary",
                                       "Missing %1: %2 % of households cannot walk there within %3 minutes"),
                             what, share, number(gap.limit_min, exact=True))
            if gap.profile == "elderly":
                text += translate("GapSummary", " (at an older person's pace)")
            elif gap.profile == "child":
                text += translate("GapSummary", " (at a child's pace)")
            return text
        limit = number(f.limit_m) if f.limit_m is not None else "—"
        return i18n.fill(translate("GapSummary", "Missing %1: %2 % of households cannot walk there within %3 m"),
                         what, share, limit)
    if f.kind == "presence":
        return i18n.fill(translate("GapSummary", "Too few %1: %2, required %3"), what, measured_text(f),
                         threshold_text(f))
    return i18n.fill(translate("GapSummary", "%1: %2, required %3"), what, measured_text(f), threshold_text(f))


class GapSummary(QWidget):
    """The top gaps; ``gapActivated(rule)`` when the planner clicks one."""

    gapActivated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.catalogue: Catalogue | None = None
        self.rules: Mapping = {}
        self._gaps: list[Gap] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setToolTip(self.tr("The failing and warning findings counted, ranked by severity (required 3, "
                                      "recommended 2, informative 1) × households affected; one line per facility "
                                      "type. Click a line to show its finding."))
        layout.addWidget(self.title)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setIconSize(QSize(14, 14))
        self.list.setStyleSheet("QListWidget::item { padding: 0px; }")
        self.list.itemClicked.connect(lambda item: self.gapActivated.emit(item.data(RULE_ROLE)))
        self.list.itemActivated.connect(lambda item: self.gapActivated.emit(item.data(RULE_ROLE)))
        layout.addWidget(self.list)
        self.set_results(None)

    def set_context(self, catalogue: Catalogue | None, rules: Mapping) -> None:
        """The plan's catalogue (facility names) and rules by id (walking limits in minutes)."""
        self.catalogue, self.rules = catalogue, dict(rules)

    def set_results(self, results: Results | None) -> None:
        self._gaps = top_gaps(results, TOP, self.rules)
        self.list.clear()
        if results is None:
            self.title.setText("")
        elif not self._gaps:
            self.title.setText(self.tr("<b>Nothing missing:</b> every rule counted passes."))
        else:
            self.title.setText(self.tr("<b>What is missing most</b> (by severity × households affected):"))
        for gap in self._gaps:
            item = QListWidgetItem(status_icon(gap.finding.status), gap_text(gap, self.catalogue))
            item.setData(RULE_ROLE, gap.rule)
            item.setForeground(QBrush(QColor(STATUS_COLOURS.get(gap.finding.status, "#000000"))))
            item.setToolTip(i18n.pick(gap.finding.message_zh, gap.finding.message_en))
            self.list.addItem(item)
        self.list.setVisible(bool(self._gaps))

    def preferred_height(self) -> int:
        """Room for the title and the TOP lines without a scroll bar (the panel's first size)."""
        line = self.fontMetrics().height()
        row = self.list.sizeHintForRow(0) if self.list.count() else max(line, self.list.iconSize().height()) + 4
        return line + 4 + TOP * row + 2 * self.list.frameWidth() + self.layout().spacing() + 6

    # --- for tests and the panel ---------------------------------------------------------------
    def gaps(self) -> list[Gap]:
        return list(self._gaps)

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def item(self, i: int) -> QListWidgetItem | None:
        return self.list.item(i)

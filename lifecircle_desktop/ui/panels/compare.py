"""方案对比 (issue 16 item 8): every finding that differs between the scenario shown (A) and
another one (B) — rule · A status/measured · B status/measured. Both scenarios are validated from
their snapshots by model/gaps.compare_scenarios (≈ 25 ms each on the demo: run on the GUI thread).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout)

from ...model.errors import PlanError
from ...model.findings import Finding
from ...model.gaps import Difference, compare_scenarios
from .. import i18n
from ..undo import scenario_title
from .common import STATUS_COLOURS, status_label

RULE_ROLE = Qt.ItemDataRole.UserRole


class CompareDialog(QDialog):
    """A table of the findings that differ between the current scenario and the one chosen."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.differences: list[Difference] = []
        self.setWindowTitle(self.tr("Compare Scenarios"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.a_label = QLabel()
        row.addWidget(self.a_label)
        row.addWidget(QLabel(self.tr("compared with")))
        self.other = QComboBox()
        self.other.setMinimumContentsLength(12)
        self.other.activated.connect(lambda _i: self.refresh())
        row.addWidget(self.other)
        row.addStretch(1)
        layout.addLayout(row)
        self.count = QLabel()
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        self.table = QTableWidget(0, 3)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fill_scenarios()
        # Kept current while open: another scenario shown, or new results after an edit (two
        # validations of the plan, ≈ 50 ms on the demo, once per validation run).
        document.scenarioChanged.connect(self._follow)
        document.resultsReady.connect(self._follow)

    def _follow(self, *_):
        if self.isVisible():
            self.fill_scenarios()

    def scenario_label(self, name: str) -> str:
        return scenario_title(name)  # one name for the base scenario everywhere (ui/undo.py)

    def fill_scenarios(self) -> None:
        """The scenarios to compare the current one with (all but the current one)."""
        session = self.document.session
        current = self.document.scenario
        chosen = self.other.currentData()
        self.other.clear()
        for s in session.scenarios() if session is not None else ():
            if s.name != current:
                self.other.addItem(self.scenario_label(s.name), s.name)
        if chosen is not None and self.other.findData(chosen) >= 0:
            self.other.setCurrentIndex(self.other.findData(chosen))
        self.a_label.setText(i18n.fill(self.tr("Scenario “%1”"), self.scenario_label(current)))
        self.refresh()

    def choose(self, name: str) -> None:
        """Compare with scenario ``name`` (as picking it in the list does)."""
        self.other.setCurrentIndex(max(0, self.other.findData(name)))
        self.refresh()

    def refresh(self) -> None:
        session, b = self.document.session, self.other.currentData()
        self.table.setRowCount(0)
        self.differences = []
        if session is None or b is None:
            self.count.setText(self.tr("This plan has one scenario: create another (Edit ▸ New Scenario) to compare "
                                       "them."))
            return
        a = self.document.scenario
        try:
            _, _, self.differences = compare_scenarios(session.plan, session.packs, session.catalogue, a, b)
        except PlanError as e:
            self.count.setText(e.message(i18n.language()))
            return
        self.table.setHorizontalHeaderLabels([self.tr("Rule"), self.scenario_label(a), self.scenario_label(b)])
        self.count.setText(self.tr("%n finding(s) differ between the two scenarios.", "", len(self.differences))
                           if self.differences else self.tr("The two scenarios have the same findings."))
        self.table.setRowCount(len(self.differences))
        for i, d in enumerate(self.differences):
            name = QTableWidgetItem(i18n.pick(d.name_zh, d.name_en) or d.rule)
            name.setData(RULE_ROLE, d.rule)
            name.setToolTip(i18n.pick(d.name_zh, d.name_en))
            self.table.setItem(i, 0, name)
            for col, f in ((1, d.a), (2, d.b)):
                self.table.setItem(i, col, self._verdict(f))
        self.table.resizeRowsToContents()

    @staticmethod
    def _verdict(f: Finding | None) -> QTableWidgetItem:
        from .findings import measured_text  # the findings tree's own words for a value
        if f is None:
            return QTableWidgetItem("—")
        item = QTableWidgetItem(f"{status_label(f.status)} · {measured_text(f)}")
        item.setForeground(QBrush(QColor(STATUS_COLOURS.get(f.status, "#000000"))))
        item.setToolTip(i18n.pick(f.message_zh, f.message_en))
        return item

    # --- for tests --------------------------------------------------------------------------------
    def rows(self) -> list[tuple[str, str, str, str]]:
        """(rule id, name, A, B) of each row as shown."""
        t = self.table
        return [(t.item(i, 0).data(RULE_ROLE), t.item(i, 0).text(), t.item(i, 1).text(), t.item(i, 2).text())
                for i in range(t.rowCount())]

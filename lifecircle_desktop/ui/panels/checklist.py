"""The checklist (人工核查清单): the manual items of the enabled rule packs for the current scenario,
grouped by pack, each with its question, the standard's words in a tooltip and a yes / no / n/a
selector — and the rule-packs dialog that switches packs on and off for the plan.

The panel changes nothing itself: ``answerChosen(rule, answer)`` goes to the window, which puts a
SetManualAnswer on the undo stack; the finding's new status comes back with the next results.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ...model.findings import Finding, Results
from .. import i18n
from .common import STATUS_COLOURS, status_icon, status_label
from .findings import citation_html, confidence_text, modal_text

RULE_ROLE = Qt.ItemDataRole.UserRole


class ChecklistPanel(QWidget):
    """``answerChosen(rule id, "yes" | "no" | "n/a" | None)`` when the planner picks an answer."""

    answerChosen = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: Results | None = None
        self.answers: dict[str, str | None] = {}
        self._rules: dict[str, object] = {}  # rule id -> Rule (its question)
        self.pack_titles: dict[str, tuple[str, str]] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self._selectors: dict[str, QComboBox] = {}
        self._shape: tuple = ()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.summary = QLabel(self.tr("Not validated yet."))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Question"), self.tr("Answer"), self.tr("Status")])
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 96), (2, 72)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(col, width)
        layout.addWidget(self.tree)

    # --- data -------------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Follow ``document`` (ui/document.py): the questions of its packs, its results and the
        planner's answers in its scenario; an answer goes to it as an undoable edit."""
        self._document = document
        document.sessionChanged.connect(self._on_session)
        document.resultsReady.connect(self._on_results)
        self.answerChosen.connect(document.set_manual_answer)
        self._on_session(document.session)
        self._on_results(document.results)

    def _on_session(self, session) -> None:
        self.set_packs(session.packs if session is not None else [])
        self.set_results(None)

    def _on_results(self, results) -> None:
        session = self._document.session
        answers = session.plan.manual_answers(session.scenario) if session is not None else {}
        self.set_results(results, answers)

    def set_packs(self, packs) -> None:
        """The packs the validator knows: their rules give the questions, their names the groups."""
        self._rules = {r.id: r for p in packs for r in p.rules if r.kind == "manual"}
        self.pack_titles = {p.id: (p.name_zh, p.name_en) for p in packs}

    def set_results(self, results: Results | None, answers: dict[str, str | None] | None = None) -> None:
        self.results = results
        self.answers = dict(answers or {})
        findings = self.findings()
        shape = tuple((f.rule, f.pack) for f in findings)
        if shape != self._shape:
            self._rebuild(findings)
        else:
            for f in findings:
                self._style(f)
        self._summarise(findings)

    def findings(self) -> list[Finding]:
        """The manual findings to answer: those of the enabled packs that apply to this kind of
        community (an unanswered n/a is a rule for the other kind)."""
        if self.results is None:
            return []
        return [f for f in self.results.findings if f.kind == "manual"
                and not (f.status == "n/a" and self.answers.get(f.rule) is None)]

    def item(self, rule: str) -> QTreeWidgetItem | None:
        return self._items.get(rule)

    def selector(self, rule: str) -> QComboBox | None:
        return self._selectors.get(rule)

    def question(self, rule: str) -> str:
        r = self._rules.get(rule)
        if r is None:
            return rule
        return i18n.pick(r.params.get("question_zh", r.name_zh), r.params.get("question_en", r.name_en))

    # --- building -----------------------------------------------------------------------------
    def _rebuild(self, findings: list[Finding]) -> None:
        self.tree.clear()
        self._items.clear()
        self._selectors.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for f in findings:
            group = groups.get(f.pack)
            if group is None:
                zh, en = self.pack_titles.get(f.pack, (f.pack, f.pack))
                group = QTreeWidgetItem([i18n.pick(zh, en)])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
                self.tree.addTopLevelItem(group)
                group.setExpanded(True)
                groups[f.pack] = group
            item = QTreeWidgetItem()
            item.setData(0, RULE_ROLE, f.rule)
            group.addChild(item)
            self._items[f.rule] = item
            box = QComboBox()
            for text, value in (("—", None), (self.tr("Yes"), "yes"), (self.tr("No"), "no"),
                                (self.tr("N/A"), "n/a")):
                box.addItem(text, value)
            box.setToolTip(self.tr("Your answer to this checklist item"))
            box.activated.connect(lambda _i, rule=f.rule, b=box: self.answerChosen.emit(rule, b.currentData()))
            self.tree.setItemWidget(item, 1, box)
            self._selectors[f.rule] = box
            self._style(f)
        self._shape = tuple((f.rule, f.pack) for f in findings)

    def _style(self, finding: Finding) -> None:
        item, box = self._items[finding.rule], self._selectors[finding.rule]
        name = i18n.pick(finding.name_zh, finding.name_en) or finding.rule
        question = self.question(finding.rule)
        item.setText(0, ("● " if finding.severity == "required" else "") + question)
        item.setText(2, status_label(finding.status))
        item.setIcon(2, status_icon(finding.status))
        item.setForeground(2, QBrush(QColor(STATUS_COLOURS.get(finding.status, "#000000"))))
        notes = "<br>".join(t for t in (modal_text(finding), confidence_text(finding)) if t)
        tip = f"<p><b>{name}</b></p><p>{question}</p>" + (f"<p>{notes}</p>" if notes else "") + \
            f"<p>{citation_html(finding)}</p>"
        for col in range(3):
            item.setToolTip(col, tip)
        index = box.findData(self.answers.get(finding.rule))
        box.blockSignals(True)
        box.setCurrentIndex(max(0, index))
        box.blockSignals(False)

    def _summarise(self, findings: list[Finding]) -> None:
        if self.results is None:
            self.summary.setText(self.tr("Not validated yet."))
            return
        open_ = sum(1 for f in findings if f.status == "manual")
        self.summary.setText(i18n.fill(self.tr("%1 checklist item(s), %2 not answered yet"), len(findings), open_))


class RulePacksDialog(QDialog):
    """A checkbox per rule pack; ``enabled()`` is the chosen ids in the packs' order."""

    def __init__(self, packs, enabled, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Rule packs"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The standards this plan is checked against:")))
        on = set(enabled)
        self.boxes: dict[str, QCheckBox] = {}
        for p in packs:
            box = QCheckBox(i18n.pick(p.name_zh, p.name_en))
            box.setToolTip(p.document or p.id)
            box.setChecked(p.id in on)
            layout.addWidget(box)
            self.boxes[p.id] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def enabled(self) -> tuple[str, ...]:
        return tuple(pid for pid, box in self.boxes.items() if box.isChecked())

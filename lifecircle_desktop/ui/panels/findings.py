"""The findings (检查结果): every rule's verdict on the scenario, grouped by rule pack, by rule kind
or by status, with measured value against threshold and the standard's own words.

Only findings whose verdict changed are restyled after an edit (design.md §5): the tree is
rebuilt only when the set of rules or the grouping changes.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QTextBrowser,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ...model.findings import Finding, Results
from ...model.rules import plan_file
from .. import i18n
from .common import STATUS_COLOURS, STATUS_ORDER, number, status_icon, status_label, unit_text

RULE_ROLE = Qt.ItemDataRole.UserRole


def _translated(text: str) -> str:
    return QCoreApplication.translate("FindingsPanel", text)


KIND_LABELS = {
    "presence": QT_TRANSLATE_NOOP("FindingsPanel", "Presence"),
    "facility_area": QT_TRANSLATE_NOOP("FindingsPanel", "Facility area"),
    "ratio": QT_TRANSLATE_NOOP("FindingsPanel", "Ratio"),
    "walk_coverage": QT_TRANSLATE_NOOP("FindingsPanel", "Walking coverage"),
    "scale": QT_TRANSLATE_NOOP("FindingsPanel", "Scale"),
    "manual": QT_TRANSLATE_NOOP("FindingsPanel", "Manual checklist"),
    plan_file.KIND: QT_TRANSLATE_NOOP("FindingsPanel", "Plan file"),
}
SEVERITY_LABELS = {
    "required": QT_TRANSLATE_NOOP("FindingsPanel", "required"),
    "recommended": QT_TRANSLATE_NOOP("FindingsPanel", "recommended"),
    "informative": QT_TRANSLATE_NOOP("FindingsPanel", "informative"),
}


def kind_label(kind: str) -> str:
    return _translated(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def severity_label(severity: str) -> str:
    return _translated(SEVERITY_LABELS[severity]) if severity in SEVERITY_LABELS else severity


def measured_text(finding: Finding) -> str:
    if finding.measured is None:
        return "—"
    return f"{number(finding.measured)} {unit_text(finding.unit, i18n.is_chinese())}".strip()


def threshold_text(finding: Finding) -> str:
    """"≥ 2,200 m²", "≤ 500", "90–100 %"; walk_coverage adds its distance limit."""
    u = unit_text(finding.unit, i18n.is_chinese())
    lo, hi = finding.threshold, finding.threshold_max
    if lo is not None and hi is not None:
        text = f"{number(lo)}–{number(hi)} {u}"
    elif lo is not None:
        text = f"≥ {number(lo)} {u}"
    elif hi is not None:
        text = f"≤ {number(hi)} {u}"
    else:
        return "—"
    if finding.kind == "walk_coverage" and finding.limit_m is not None:
        text += " " + i18n.fill(QCoreApplication.translate("FindingsPanel", "within %1 m"), number(finding.limit_m))
    return text.strip()


def citation_html(finding: Finding) -> str:
    citation = finding.citation or {}
    parts = []
    if citation.get("document"):
        parts.append(f"<b>{QCoreApplication.translate('FindingsPanel', 'Document')}</b>: {citation['document']}")
    if citation.get("clause"):
        parts.append(f"<b>{QCoreApplication.translate('FindingsPanel', 'Clause')}</b>: {citation['clause']}")
    if citation.get("text"):
        parts.append(f"<b>{QCoreApplication.translate('FindingsPanel', 'Source words')}</b>: “{citation['text']}”")
    return "<br>".join(parts)


class FindingsPanel(QWidget):
    """``findingActivated(Finding)`` when the planner clicks a finding (the window highlights it)."""

    findingActivated = Signal(object)
    overrideRequested = Signal(object)  # Finding: the planner wants a district's own threshold for it

    GROUPINGS = ("pack", "kind", "status")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: Results | None = None
        self.pack_titles: dict[str, tuple[str, str]] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._shape: tuple = ()
        self.restyled = 0  # items restyled by the last update (tests check the in-place path)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.summary = QLabel(self.tr("Not validated yet."))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        self.grouping = QComboBox()
        self.grouping.addItem(self.tr("By rule pack"), "pack")
        self.grouping.addItem(self.tr("By rule kind"), "kind")
        self.grouping.addItem(self.tr("By status"), "status")
        self.grouping.activated.connect(lambda _i: self._rebuild())
        top.addWidget(self.grouping)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Rule"), self.tr("Status"), self.tr("Measured"), self.tr("Threshold")])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 64), (2, 72), (3, 132)):  # the rule's name gets the rest
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(col, width)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._show_detail(cur))
        self.tree.itemClicked.connect(lambda item, _c: self._activate(item))
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.override_button = QPushButton(self.tr("District Threshold…"))
        self.override_button.setToolTip(self.tr("Use your district's own threshold for the selected rule"))
        self.override_button.setEnabled(False)
        self.override_button.clicked.connect(lambda: self._request_override())
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail)
        lower_layout.addWidget(self.override_button, 0, Qt.AlignmentFlag.AlignRight)
        split.addWidget(self.tree)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split)

    # --- data -------------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Follow ``document`` (ui/document.py): its packs' titles and its validation results."""
        document.resultsReady.connect(self.set_results)
        document.sessionChanged.connect(self._on_session)
        self._on_session(document.session)
        self.set_results(document.results)

    def _on_session(self, session) -> None:
        titles = {p.id: (p.name_zh, p.name_en) for p in session.packs} if session is not None else {}
        self.set_pack_titles({**titles, plan_file.PACK: plan_file.PACK_TITLE})
        self.set_results(None)

    def set_pack_titles(self, titles: dict[str, tuple[str, str]]) -> None:
        self.pack_titles = dict(titles)

    def set_results(self, results: Results | None) -> None:
        old = {f.rule: f for f in self.results.findings} if self.results else {}
        self.results = results
        self._summarise()
        if results is None:
            self.tree.clear()
            self._items.clear()
            self._groups.clear()
            self._shape = ()
            return
        shape = (self.grouping.currentData(),
                 tuple((f.rule, f.pack, f.kind) + ((f.status,) if self.grouping.currentData() == "status" else ())
                       for f in results.findings))
        if shape != self._shape:
            self._rebuild()
            return
        # Same rules, same groups: restyle only the findings that changed.
        self.restyled = 0
        for f in results.findings:
            if old.get(f.rule) != f:
                self._style(self._items[f.rule], f)
                self.restyled += 1
        self._update_group_counts()
        cur = self.tree.currentItem()
        if cur is not None:
            self._show_detail(cur)

    def finding(self, rule: str) -> Finding | None:
        if self.results is None:
            return None
        return next((f for f in self.results.findings if f.rule == rule), None)

    def item(self, rule: str) -> QTreeWidgetItem | None:
        return self._items.get(rule)

    def _group_key(self, finding: Finding) -> tuple[str, str]:
        how = self.grouping.currentData()
        if how == "kind":
            return finding.kind, kind_label(finding.kind)
        if how == "status":
            return finding.status, status_label(finding.status)
        zh, en = self.pack_titles.get(finding.pack, (finding.pack, finding.pack))
        return finding.pack, i18n.pick(zh, en)

    def _rebuild(self) -> None:
        current = self.tree.currentItem()
        current_rule = current.data(0, RULE_ROLE) if current is not None else None
        self.tree.clear()
        self._items.clear()
        self._groups.clear()
        self.restyled = 0
        if self.results is None:
            return
        how = self.grouping.currentData()
        findings = list(self.results.findings)
        if how == "status":
            findings.sort(key=lambda f: STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else 9)
        for f in findings:
            key, title = self._group_key(f)
            group = self._groups.get(key)
            if group is None:
                group = QTreeWidgetItem([title])
                group.setFirstColumnSpanned(False)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setData(0, Qt.ItemDataRole.UserRole + 1, key)
                group.setData(0, Qt.ItemDataRole.UserRole + 2, title)
                self.tree.addTopLevelItem(group)
                group.setExpanded(True)
                self._groups[key] = group
            item = QTreeWidgetItem()
            item.setData(0, RULE_ROLE, f.rule)
            group.addChild(item)
            self._items[f.rule] = item
            self._style(item, f)
            self.restyled += 1
        self._update_group_counts()
        self._shape = (how, tuple((f.rule, f.pack, f.kind) + ((f.status,) if how == "status" else ())
                                  for f in self.results.findings))
        if current_rule in self._items:
            self.tree.setCurrentItem(self._items[current_rule])

    def _style(self, item: QTreeWidgetItem, finding: Finding) -> None:
        name = i18n.pick(finding.name_zh, finding.name_en) or finding.rule
        if finding.severity == "required":
            name = "● " + name
        if finding.approximate:
            name += " ≈"
        item.setText(0, name)
        item.setText(1, status_label(finding.status))
        item.setIcon(1, status_icon(finding.status))
        item.setForeground(1, QBrush(QColor(STATUS_COLOURS.get(finding.status, "#000000"))))
        item.setText(2, measured_text(finding))
        item.setText(3, threshold_text(finding))
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tip = f"<p>{finding.message(i18n.language())}</p><p>{citation_html(finding)}</p>"
        for col in range(4):
            item.setToolTip(col, tip)

    def _update_group_counts(self) -> None:
        counts: dict[str, dict[str, int]] = {}
        if self.results is None:
            return
        for f in self.results.findings:
            key, _ = self._group_key(f)
            c = counts.setdefault(key, {})
            c[f.status] = c.get(f.status, 0) + 1
        for key, group in self._groups.items():
            c = counts.get(key, {})
            title = group.data(0, Qt.ItemDataRole.UserRole + 2)
            # Counts in the title, not in the status column: that column stays narrow.
            shown = " · ".join(f"{status_label(s)} {c[s]}" for s in ("fail", "warn") if c.get(s))
            group.setText(0, f"{title}  ({shown})" if shown else title)
            group.setToolTip(0, title + "\n" + " · ".join(f"{status_label(s)} {c[s]}" for s in STATUS_ORDER
                                                          if c.get(s)))
            group.setForeground(0, QBrush(QColor(STATUS_COLOURS["fail"] if c.get("fail") else "#202020")))

    def _summarise(self) -> None:
        if self.results is None:
            self.summary.setText(self.tr("Not validated yet."))
            return
        s = self.results.summary()
        parts = [f'<span style="color:{STATUS_COLOURS[k]}">{status_label(k)} <b>{s[k]}</b></span>'
                 for k in ("pass", "fail", "warn", "manual", "n/a")]
        text = " · ".join(parts)
        required = s["required_failed"]
        text += " — " + (self.tr("<b>%n required rule(s) failed</b>", "", required) if required
                         else self.tr("every required rule passes"))
        if self.results.approximate:
            text += " " + self.tr("(walking distances approximate: no walking network)")
        self.summary.setText(text)

    def summary_text(self) -> str:
        """The summary as plain text (status bar)."""
        if self.results is None:
            return ""
        s = self.results.summary()
        return i18n.fill(self.tr("%1 pass · %2 fail · %3 warn · %4 manual · %5 required failed"),
                         s["pass"], s["fail"], s["warn"], s["manual"], s["required_failed"])

    # --- interaction --------------------------------------------------------------------------
    def _show_detail(self, item: QTreeWidgetItem | None) -> None:
        rule = item.data(0, RULE_ROLE) if item is not None else None
        f = self.finding(rule) if rule else None
        self.override_button.setEnabled(f is not None and f.kind != "manual" and f.threshold is not None)
        if f is None:
            self.detail.clear()
            return
        colour = STATUS_COLOURS.get(f.status, "#000")
        rows = [
            f"<h3>{i18n.pick(f.name_zh, f.name_en)}</h3>",
            f'<p><span style="color:{colour}"><b>{status_label(f.status)}</b></span> · '
            f"{severity_label(f.severity)} · {kind_label(f.kind)} · <code>{f.rule}</code></p>",
            f"<p>{f.message(i18n.language())}</p>",
            f"<p><b>{self.tr('Measured')}</b>: {measured_text(f)} &nbsp; "
            f"<b>{self.tr('Threshold')}</b>: {threshold_text(f)}</p>",
        ]
        if f.features:
            concerned = self.tr("%n feature(s) concerned — click to show them on the map.", "", len(f.features))
            rows.append(f"<p>{concerned}</p>")
        rows.append(f"<p>{citation_html(f)}</p>")
        self.detail.setHtml("".join(rows))

    def _request_override(self) -> None:
        item = self.tree.currentItem()
        f = self.finding(item.data(0, RULE_ROLE)) if item is not None else None
        if f is not None:
            self.overrideRequested.emit(f)

    def _activate(self, item: QTreeWidgetItem) -> None:
        rule = item.data(0, RULE_ROLE)
        f = self.finding(rule) if rule else None
        if f is not None:
            self.findingActivated.emit(f)

    def select_rule(self, rule: str) -> None:
        """Select and activate a finding as if clicked."""
        item = self._items.get(rule)
        if item is not None:
            self.tree.setCurrentItem(item)
            self._activate(item)

"""The findings (检查结果): every rule's verdict on the scenario, grouped by rule pack, by rule kind
or by status, with measured value against threshold and the standard's own words.

Only findings whose verdict changed are restyled after an edit (design.md §5): the tree is
rebuilt only when the set of rules or the grouping changes.
"""
from __future__ import annotations


import re
from functools import lru_cache

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter,
                               QStyledItemDelegate, QStyleOptionViewItem, QTextBrowser, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)


from ...model.findings import Finding, Results
from ...model.rules.common import toward_verdict
from ...model.rules import plan_file
from ...model.settings import DEFAULTS
from .. import i18n
from .common import STATUS_COLOURS, STATUS_ORDER, number, status_icon, status_label, unit_text
from .gaps import GapSummary
from .siting import SitingList, can_suggest
from .walk_homes import WalkHomesList

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
    "capacity_coverage": QT_TRANSLATE_NOOP("FindingsPanel", "Capacity coverage"),
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
    value = finding.measured
    if finding.status in ("fail", "warn"):  # as the message rounds it: 99.96 % short of 100 % shows 99.9 %
        value = toward_verdict(value, 0 if abs(value) >= 100 else 1, finding.threshold)
    return f"{number(value)} {unit_text(finding.unit, i18n.is_chinese())}".strip()


def threshold_text(finding: Finding) -> str:
    """"≥ 2,200 m²", "≤ 500", "90–100 %" at the source's precision; walk_coverage adds its
    distance limit."""
    u = unit_text(finding.unit, i18n.is_chinese())
    lo, hi = finding.threshold, finding.threshold_max
    if lo is not None and hi is not None:
        text = f"{number(lo, exact=True)}–{number(hi, exact=True)} {u}"
    elif lo is not None:
        text = f"≥ {number(lo, exact=True)} {u}"
    elif hi is not None:
        text = f"≤ {number(hi, exact=True)} {u}"
    else:
        return "—"
    if finding.kind == "walk_coverage" and finding.limit_m is not None:
        text += " " + i18n.fill(QCoreApplication.translate("FindingsPanel", "within %1 m"), number(finding.limit_m))
    return text.strip()


def citation_html(finding: Finding) -> str:
    """The document, clause and quoted words, labelled in the UI language (the labels are
    translated outside the f-strings: lupdate does not read calls inside them)."""
    citation = finding.citation or {}
    translate = QCoreApplication.translate
    labels = {"document": translate("FindingsPanel", "Document"), "clause": translate("FindingsPanel", "Clause"),
              "text": translate("FindingsPanel", "Source words")}
    colon = "：" if i18n.is_chinese() else ": "
    parts = []
    for key in ("document", "clause", "text"):
        if citation.get(key):
            value = f"“{citation[key]}”" if key == "text" else citation[key]
            parts.append(f"<b>{labels[key]}</b>{colon}{value}")
    return "<br>".join(parts)


# standards.md: conf. = low (a single third-party or draft summary), medium (a single reliable
# secondary source), high (the seed text, or two concordant sources).
CONFIDENCE_TEXTS = {
    "medium": QT_TRANSLATE_NOOP("FindingsPanel", "Source confidence: medium (a single secondary source)"),
    "low": QT_TRANSLATE_NOOP("FindingsPanel",
                             "Source confidence: low (a consultation draft or a secondary summary)"),
}


def severity_reading(severity: str) -> str:
    """The strictness a modal word gives, in the sentence "read as … from the source's word"
    (约束性 / 推荐性 / 参考性)."""
    translate = QCoreApplication.translate
    words = {"required": translate("FindingsPanel", "binding", "strictness"),
             "recommended": translate("FindingsPanel", "recommended", "strictness"),
             "informative": translate("FindingsPanel", "informative", "strictness")}
    return words.get(severity, severity)


def confidence_text(finding: Finding) -> str:
    """"来源可信度：低（征求意见稿/二手摘要）" for a medium or low source; "" for a high one."""
    text = CONFIDENCE_TEXTS.get(finding.confidence)
    return _translated(text) if text else ""


def enforced(finding: Finding) -> bool:
    """A low-confidence rule the district turned on (override "enforce" = 1, spec11)."""
    return bool(dict(finding.overrides).get("enforce"))


def modal_text(finding: Finding) -> str:
    """Why the rule is as strict as it is: "依据原文“为原则”判为推荐性", or the basis when the quoted
    words have no modal word ("依据建设标准表判为约束性"). A low-confidence rule is reported as
    informative whatever its word says, unless the district turned it on."""
    if not finding.modal:
        return ""
    translate = QCoreApplication.translate
    quoted = finding.modal in (finding.citation or {}).get("text", "")
    if finding.confidence == "low" and not enforced(finding):
        if quoted:
            template = translate("FindingsPanel", "The source says “%1”; reported as informative while the "
                                                  "source is uncertain")
        else:
            template = translate("FindingsPanel", "Set by %1; reported as informative while the source is uncertain")
        return i18n.fill(template, finding.modal)
    reading = severity_reading(finding.severity)
    if quoted:
        template = translate("FindingsPanel", "Read as %2 from the source's word “%1”")
    else:
        template = translate("FindingsPanel", "Read as %2 by %1")
    return i18n.fill(template, finding.modal, reading)


def estimated_text(finding: Finding) -> str:
    """"3/34 处住宅的户数为估算" (issue 11 item 7: the households behind the verdict are guessed)."""
    if not finding.estimated or not finding.estimated[0]:
        return ""
    n, m = finding.estimated
    return i18n.fill(QCoreApplication.translate("FindingsPanel", "%1/%2 homes have estimated households"), n, m)


def connectors_text(finding: Finding, limit_m: float) -> str:
    """"2 处住宅距路网超过 100 米": homes whose walk onto the network is longer than the plan allows
    (the plan setting connector_limit_m)."""
    if not finding.long_connectors:
        return ""
    return i18n.fill(QCoreApplication.translate("FindingsPanel", "%1 home(s) more than %2 m from the walking network"),
                     finding.long_connectors, number(limit_m, exact=True))


def finding_notes(finding: Finding, connector_limit_m: float = DEFAULTS["connector_limit_m"]) -> list[str]:
    """The sentences a planner needs besides the verdict: how strict and why, how sure the source
    is, what was estimated."""
    return [t for t in (modal_text(finding), confidence_text(finding), estimated_text(finding),
                        connectors_text(finding, connector_limit_m)) if t]


OTHER_READING_COLOUR = "#8a8a8a"

# A presence rule named by a generic set and the facility in brackets or after a colon
# ("基本公共服务设施（一个幼儿园）", "便民商业网点（药店）", "十五分钟生活圈统筹设施：养老院",
# "Basic facility set: one kindergarten"): five rows read "基本公共服务设施：一个…" in a narrow
# column (issue 16), so the facility comes first: "幼儿园 · 基本公共服务设施".
_SET_ZH = re.compile(r"^(?P<set>[^（：]+)"
                     r"(?:（(?P<n>一个|一处|多个|多处)?(?P<a>[^（）]+)）|：(?P<b>.+))$")
_SET_EN = re.compile(r"^(?P<set>[^:(]+): (?:(?P<n>one|several) )?(?P<b>.+)$")


class WrappedNames(QStyledItemDelegate):
    """The rule's name (column 0) wraps onto as many lines as the column's width needs, never
    cut (issue 16: five rows read "基本公共服务设施：一个…"). Rows grow to fit; a resized column
    lays the rows out again."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def initStyleOption(self, option, index):
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideNone

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        icon = self.tree.iconSize().width() + 8 if index.data(Qt.ItemDataRole.DecorationRole) is not None else 0
        # The text's room: the column (a pack's title row spans the whole row) less the branch
        # indentation, the badge and the item's margins.
        spanned = self.tree.isFirstColumnSpanned(index.row(), index.parent())
        room = self.tree.viewport().width() if spanned else self.tree.header().sectionSize(0)
        width = room - self.tree.indentation() * (depth + 1) - icon - 24
        text = index.data() or ""
        flags = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere
        height = option.fontMetrics.boundingRect(QRect(0, 0, max(width, 40), 10_000), flags, text).height()
        return QSize(size.width(), max(size.height(), height + 4))


def display_name(finding: Finding) -> str:
    """The rule's name as the findings list shows it: the facility first for a presence rule of a
    generic set (the full name stays in the tooltip and the detail)."""
    name = i18n.pick(finding.name_zh, finding.name_en) or finding.rule
    if finding.kind != "presence":
        return name
    if i18n.is_chinese():
        m = _SET_ZH.match(name)
        if m is None:
            return name
        facility = m.group("a") or m.group("b")
        several = m.group("n") in ("多个", "多处")
        return f"{facility}{'（多个）' if several else ''} · {m.group('set')}"
    m = _SET_EN.match(name)
    if m is None:
        return name
    facility = m.group("b")
    facility = facility[:1].upper() + facility[1:]
    return f"{facility}{' (several)' if m.group('n') == 'several' else ''} · {m.group('set')}"


def applied_of(findings) -> dict[str, str]:
    """Another reading's rule -> the rule applied for the same indicator (its group). A reading
    whose group has no applied finding among ``findings`` stands on its own."""
    applied = {f.group: f.rule for f in findings if f.group and f.applied}
    listed = {alt: f.rule for f in findings if f.applied for alt in f.alternatives}
    out = {}
    for f in findings:
        if f.applied:
            continue
        parent = listed.get(f.rule) or applied.get(f.group)
        if parent is not None and parent != f.rule:
            out[f.rule] = parent
    return out


CONFIDENCE_COLOURS = {"medium": "#757575", "low": "#b26a00"}


@lru_cache(maxsize=16)
def _badge(letter: str, colour: str, size: int = 16) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    if letter:
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QColor(colour))
        p.setBrush(QColor(colour).lighter(190))
        p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
        font = QApplication.font()
        font.setPixelSize(size - 5)
        font.setBold(True)
        p.setFont(font)
        p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, letter)
        p.end()
    return QIcon(pix)


def confidence_icon(confidence: str) -> QIcon:
    """A small badge before the rule's name: 中 / 低 (M / L) for a medium or low source; an empty
    one for a high source, so that the names stay aligned."""
    if confidence not in CONFIDENCE_COLOURS:
        return _badge("", "#000000")
    letter = (QCoreApplication.translate("FindingsPanel", "M", "badge: medium source confidence")
              if confidence == "medium" else QCoreApplication.translate("FindingsPanel", "L", "badge: low source confidence"))
    return _badge(letter, CONFIDENCE_COLOURS[confidence])


class FindingsPanel(QWidget):
    """``findingActivated(Finding)`` when the planner clicks a finding (the window highlights it)."""

    findingActivated = Signal(object)
    overrideRequested = Signal(object)  # Finding: the planner wants a district's own threshold for it
    enforceRequested = Signal(str, bool)  # rule id, on: the district turns a low-confidence rule on or off

    GROUPINGS = ("pack", "kind", "status")

    def __init__(self, parent=None, catalogue=None):
        super().__init__(parent)
        self.results: Results | None = None
        self.pack_titles: dict[str, tuple[str, str]] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._shape: tuple = ()
        self._by_rule: dict[str, Finding] = {}
        self._parents: dict[str, str] = {}  # another reading's rule -> the rule applied for its indicator
        self._settings = None  # the document's plan settings (a callable), once bound
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
        # 方案对比: this scenario's findings against another's (issue 16 item 8).
        self.compare_button = QPushButton(self.tr("Compare…"))
        self.compare_button.setToolTip(self.tr("Compare the findings of this scenario with another scenario's"))
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(lambda: self.open_comparison())
        top.addWidget(self.compare_button)
        self.comparison = None
        self._document = None
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical)
        # 缺项: the worst gaps in plain words above the tree; a click shows the finding (issue 16).
        self.gaps = GapSummary()
        self.gaps.gapActivated.connect(self.select_rule)
        split.addWidget(self.gaps)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Rule"), self.tr("Status"), self.tr("Measured"), self.tr("Threshold")])
        self.tree.setUniformRowHeights(False)  # a long name wraps: its row is taller
        self.tree.setItemDelegateForColumn(0, WrappedNames(self.tree))  # only the name wraps
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The status column fits its longest word ("other reading" included); the name gets the rest.
        words = [status_label(s) for s in STATUS_ORDER] + [self.tr("other reading")]
        status_width = max(64, max(self.tree.fontMetrics().horizontalAdvance(w) for w in words) + 30)
        # The measured column fits a population with its unit ("6,619 persons" / "6,619 人").
        measured_width = self.tree.fontMetrics().horizontalAdvance(
            f"12,000 {unit_text('persons', i18n.is_chinese())}") + 16
        for col, width in ((1, status_width), (2, measured_width), (3, 132)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(col, width)
        header.sectionResized.connect(lambda col, _old, _new: self.tree.doItemsLayout() if col == 0 else None)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._show_detail(cur))
        self.tree.itemClicked.connect(lambda item, _c: self._activate(item))
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.override_button = QPushButton(self.tr("District Threshold…"))
        self.override_button.setToolTip(self.tr("Use your district's own threshold for the selected rule"))
        self.override_button.setEnabled(False)
        self.override_button.clicked.connect(lambda: self._request_override())
        # A rule from a consultation draft or a secondary summary is informative until the district
        # turns it on (issue 11); the button says which it is and toggles it (one undoable step).
        self.enforce_button = QPushButton(self.tr("Enforce in This District"))
        self.enforce_button.setCheckable(True)
        self.enforce_button.setToolTip(self.tr("A rule from a low-confidence source (a consultation draft or a secondary "
                                               "summary) is informative; checked, the district applies it as its "
                                               "source words it"))
        self.enforce_button.setEnabled(False)
        self.enforce_button.clicked.connect(lambda on: self._request_enforce(on))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail)
        # 建议选址 (issue 15): where a new facility would bring the most homes within a failing
        # walking rule's limit; the ranked sites show below and on the map.
        self.suggest_button = QPushButton(self.tr("Suggest Sites"))
        self.suggest_button.setToolTip(self.tr("Find the sites where a new facility would bring the most households "
                                               "within this walking rule's limit"))
        self.suggest_button.setEnabled(False)
        self.suggest_button.clicked.connect(lambda: self.suggest_sites())
        buttons = QHBoxLayout()
        buttons.addWidget(self.suggest_button)
        buttons.addStretch(1)
        buttons.addWidget(self.enforce_button)
        buttons.addWidget(self.override_button)
        lower_layout.addLayout(buttons)
        # A walking finding: the homes it leaves out, worst first (hidden for other findings).
        self.walk_homes = WalkHomesList(catalogue)
        self.siting = SitingList(catalogue)
        split.addWidget(self.tree)
        split.addWidget(lower)
        split.addWidget(self.walk_homes)
        split.addWidget(self.siting)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 1)
        split.setStretchFactor(3, 2)
        split.setStretchFactor(4, 2)
        # Suggested sites read whole when shown (rank, households, coverage, the button to use one).
        self.siting.setMinimumHeight(220)
        split.setCollapsible(4, False)
        # The five gaps and their title read whole, never behind a scroll bar (issue 16).
        self.gaps.setMinimumHeight(self.gaps.preferred_height())
        split.setSizes([self.gaps.preferred_height(), 330, 110, 160, 200])
        layout.addWidget(split)

    # --- data -------------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Follow ``document`` (ui/document.py): its packs' titles, its plan settings (the connector
        limit named in the findings) and its validation results."""
        self._settings = document.settings
        self.walk_homes.bind(document)
        self.siting.bind(document)
        self._document = document
        self.compare_button.setEnabled(True)
        document.resultsReady.connect(self.set_results)
        document.sessionChanged.connect(self._on_session)
        self._on_session(document.session)
        self.set_results(document.results)

    def _on_session(self, session) -> None:
        if self.comparison is not None:  # another plan: its scenarios are not the ones compared
            self.comparison.close()
            self.comparison.deleteLater()
            self.comparison = None
        titles = {p.id: (p.name_zh, p.name_en) for p in session.packs} if session is not None else {}
        self.gaps.set_context(session.catalogue if session is not None else None,
                              {r.id: r for p in session.packs for r in p.rules} if session is not None else {})
        self.set_pack_titles({**titles, plan_file.PACK: plan_file.PACK_TITLE})
        self.set_results(None)

    def set_grouping(self, how: str) -> None:
        """Group by "pack", "kind" or "status" (what the grouping box offers)."""
        index = self.grouping.findData(how)
        if index >= 0 and index != self.grouping.currentIndex():
            self.grouping.setCurrentIndex(index)
            self._rebuild()

    def view_state(self) -> dict:
        """How the planner arranged the panel (grouping, list/detail split, column widths): what a
        rebuilt panel takes over with ``restore_view_state`` (a language switch)."""
        split = self.findChild(QSplitter)
        return {"grouping": self.grouping.currentData(), "split": split.sizes() if split else None,
                "header": self.tree.header().saveState()}

    def restore_view_state(self, state: dict) -> None:
        self.set_grouping(state["grouping"])
        split = self.findChild(QSplitter)
        if split is not None and state["split"]:
            split.setSizes(state["split"])
        self.tree.header().restoreState(state["header"])

    def set_pack_titles(self, titles: dict[str, tuple[str, str]]) -> None:
        self.pack_titles = dict(titles)

    def connector_limit_m(self) -> float:
        """The plan's longest home-to-network connector (the default before a plan is bound)."""
        return (self._settings() if self._settings is not None else DEFAULTS)["connector_limit_m"]

    def set_results(self, results: Results | None) -> None:
        old = {f.rule: f for f in self.results.findings} if self.results else {}
        self.results = results
        self._by_rule = {f.rule: f for f in results.findings} if results is not None else {}
        self._parents = applied_of(results.findings) if results is not None else {}
        self._summarise()
        self.gaps.set_results(results)
        if results is None:
            self.tree.clear()
            self._items.clear()
            self._groups.clear()
            self._shape = ()
            return
        if self._tree_shape() != self._shape:
            self._rebuild()
            return
        # Same rules, same groups, same readings applied: restyle only the findings that changed.
        self.restyled = 0
        for f in results.findings:
            if old.get(f.rule) != f:
                self._style(self._items[f.rule], f)
                self.restyled += 1
        self._update_group_counts()
        cur = self.tree.currentItem()
        if cur is not None:
            self._show_detail(cur)

    def _tree_shape(self) -> tuple:
        how = self.grouping.currentData()
        return (how, tuple((f.rule, f.pack, f.kind, self._parents.get(f.rule, ""))
                           + ((f.status,) if how == "status" else ()) for f in self.results.findings))

    def finding(self, rule: str) -> Finding | None:
        return self._by_rule.get(rule) if self.results is not None else None

    def item(self, rule: str) -> QTreeWidgetItem | None:
        return self._items.get(rule)

    def applied_reading(self, rule: str) -> str | None:
        """The rule whose verdict stands for the indicator ``rule`` is another reading of (None:
        ``rule`` is applied itself, or has no group)."""
        return self._parents.get(rule)

    def _group_key(self, finding: Finding) -> tuple[str, str]:
        how = self.grouping.currentData()
        if how == "kind":
            return finding.kind, kind_label(finding.kind)
        if how == "status":
            return finding.status, status_label(finding.status)
        return finding.pack, self._pack_title(finding.pack)

    def _pack_title(self, pack: str) -> str:
        zh, en = self.pack_titles.get(pack, (pack, pack))
        return i18n.pick(zh, en)

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
        # The applied findings go into the groups; another reading of an indicator goes under the
        # finding applied for it (issue 11 item 6: one verdict per indicator, the others beside it).
        findings = [f for f in self.results.findings if f.rule not in self._parents]
        if how == "status":
            findings.sort(key=lambda f: STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else 9)
        for f in findings:
            key, title = self._group_key(f)
            group = self._groups.get(key)
            if group is None:
                group = QTreeWidgetItem([title])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setData(0, Qt.ItemDataRole.UserRole + 1, key)
                group.setData(0, Qt.ItemDataRole.UserRole + 2, title)
                self.tree.addTopLevelItem(group)
                group.setFirstColumnSpanned(True)  # the pack's title and counts across the row
                group.setExpanded(True)
                self._groups[key] = group
            self._add_item(group, f)
        for f in self.results.findings:
            parent = self._parents.get(f.rule)
            if parent is not None:
                self._add_item(self._items[parent], f)
                self._items[parent].setExpanded(True)
        self._update_group_counts()
        self._shape = self._tree_shape()
        if current_rule in self._items:
            self.tree.setCurrentItem(self._items[current_rule])

    def _add_item(self, parent: QTreeWidgetItem, finding: Finding) -> None:
        item = QTreeWidgetItem()
        item.setData(0, RULE_ROLE, finding.rule)
        parent.addChild(item)
        self._items[finding.rule] = item
        self._style(item, finding)
        self.restyled += 1

    def _style(self, item: QTreeWidgetItem, finding: Finding) -> None:
        full_name = i18n.pick(finding.name_zh, finding.name_en) or finding.rule
        name = display_name(finding)
        other = finding.rule in self._parents
        if finding.severity == "required":
            name = "● " + name
        if finding.approximate:
            name += " ≈"
        item.setText(0, name)
        item.setIcon(0, confidence_icon(finding.confidence))
        # Another reading of an indicator: named as such where the verdict would be (its verdict is
        # the icon's, and not counted), greyed; the applied reading carries the verdict.
        item.setText(1, self.tr("other reading") if other else status_label(finding.status))
        item.setIcon(1, status_icon(finding.status))
        item.setText(2, measured_text(finding))
        item.setText(3, threshold_text(finding))
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = item.font(0)
        font.setItalic(other)
        for col in range(4):
            item.setFont(col, font)
            item.setData(col, Qt.ItemDataRole.ForegroundRole, QBrush(QColor(OTHER_READING_COLOUR)) if other else None)
        if not other:
            item.setForeground(1, QBrush(QColor(STATUS_COLOURS.get(finding.status, "#000000"))))
        lines = [f"<b>{full_name}</b>", finding.message(i18n.language())]
        lines += [self._reading_html(finding)] if finding.group else []
        lines += finding_notes(finding, self.connector_limit_m())
        tip = "".join(f"<p>{line}</p>" for line in lines if line) + f"<p>{citation_html(finding)}</p>"
        for col in range(4):
            item.setToolTip(col, tip)

    def _reading_html(self, finding: Finding) -> str:
        """Which reading of the indicator this finding is: the one applied (with the others named),
        or another one (not counted)."""
        parent = self._parents.get(finding.rule)
        if parent is not None:
            applied = self._by_rule[parent]
            return i18n.fill(self.tr("Other reading of this indicator (%1), not counted: the plan is held to “%2”."),
                             status_label(finding.status), i18n.pick(applied.name_zh, applied.name_en) or applied.rule)
        others = [self._by_rule[r] for r in self._alternatives(finding)]
        if not others:
            return ""
        # One line per other reading: its name, its verdict and its threshold.
        zh = i18n.is_chinese()
        lines = ""
        for o in others:
            words = [status_label(o.status)] + ([threshold_text(o)] if threshold_text(o) != "—" else [])
            name = i18n.pick(o.name_zh, o.name_en) or o.rule
            lines += f"<br>· {name}：{'，'.join(words)}" if zh else f"<br>· {name} — {', '.join(words)}"
        return self.tr("Reading applied for this indicator; other readings (not counted):") + lines

    def _alternatives(self, finding: Finding) -> list[str]:
        return [r for r, p in self._parents.items() if p == finding.rule]

    def _update_group_counts(self) -> None:
        counts: dict[str, dict[str, int]] = {}
        if self.results is None:
            return
        for f in self.results.findings:
            if f.rule in self._parents:
                continue  # another reading: its verdict is not counted
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

    def group_counts(self, key: str) -> dict[str, int]:
        """Status -> number of findings counted in the group ``key`` (a pack id, a kind or a status)."""
        out: dict[str, int] = {}
        for f in self.results.findings if self.results is not None else ():
            if f.rule not in self._parents and self._group_key(f)[0] == key:
                out[f.status] = out.get(f.status, 0) + 1
        return out

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
        self.enforce_button.setEnabled(f is not None and f.confidence == "low")
        self.enforce_button.setChecked(f is not None and "enforce" in dict(f.overrides))
        self.suggest_button.setEnabled(self._document is not None and can_suggest(f))
        self.walk_homes.set_finding(f)
        self.siting.set_finding(f)
        if f is None:
            self.detail.clear()
            return
        colour = STATUS_COLOURS.get(f.status, "#000")
        measured, threshold = self.tr("Measured"), self.tr("Threshold")
        colon = "：" if i18n.is_chinese() else ": "
        rows = [
            f"<h3>{i18n.pick(f.name_zh, f.name_en)}</h3>",
            f'<p><span style="color:{colour}"><b>{status_label(f.status)}</b></span> · '
            f"{severity_label(f.severity)} · {kind_label(f.kind)} · {self._pack_title(f.pack)} · "
            f"<code>{f.rule}</code></p>",
        ]
        if f.group:
            reading = self._reading_html(f)
            if reading:
                rows.append(f'<p style="color:#555">{reading}</p>')
        rows += [
            f"<p>{f.message(i18n.language())}</p>",
            f"<p><b>{measured}</b>{colon}{measured_text(f)} &nbsp; <b>{threshold}</b>{colon}{threshold_text(f)}</p>",
        ]
        notes = finding_notes(f, self.connector_limit_m())
        if notes:
            rows.append("<p>" + "<br>".join(notes) + "</p>")
        if f.features:
            concerned = self.tr("%n feature(s) concerned — click to show them on the map.", "", len(f.features))
            rows.append(f"<p>{concerned}</p>")
        rows.append(f"<p>{citation_html(f)}</p>")
        self.detail.setHtml("".join(rows))

    def suggest_sites(self):
        """Suggest sites for the finding shown (a failing walking finding): the Suggestion, or None."""
        item = self.tree.currentItem()
        f = self.finding(item.data(0, RULE_ROLE)) if item is not None else None
        return self.siting.suggest(f) if can_suggest(f) else None

    def _request_override(self) -> None:
        item = self.tree.currentItem()
        f = self.finding(item.data(0, RULE_ROLE)) if item is not None else None
        if f is not None:
            self.overrideRequested.emit(f)

    def _request_enforce(self, on: bool) -> None:
        item = self.tree.currentItem()
        f = self.finding(item.data(0, RULE_ROLE)) if item is not None else None
        if f is not None:
            self.enforceRequested.emit(f.rule, on)

    def _activate(self, item: QTreeWidgetItem) -> None:
        rule = item.data(0, RULE_ROLE)
        f = self.finding(rule) if rule else None
        if f is not None:
            self.findingActivated.emit(f)

    def open_comparison(self):
        """Show the 方案对比 dialog (the current scenario against another) and return it."""
        from .compare import CompareDialog
        if self._document is None:
            return None
        if self.comparison is None:
            self.comparison = CompareDialog(self._document, self)  # a window of its own, gone with the panel
        else:
            self.comparison.fill_scenarios()
        self.comparison.show()
        self.comparison.raise_()
        return self.comparison

    def select_rule(self, rule: str) -> None:
        """Select and activate a finding as if clicked."""
        item = self._items.get(rule)
        if item is not None:
            self.tree.setCurrentItem(item)
            self._activate(item)

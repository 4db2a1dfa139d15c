"""Siting suggestions (建议选址, issue 15) under a failing walking finding: the K sites that together
bring the most households within the rule's limit, ranked — households each adds and the coverage
after it — drawn on the map (ui/map/siting.py); "Use This Site" draws the facility there as one
undoable step. The answer is the session's (``PlanSession.suggest``, model/siting.py); a change to
the plan makes it stale, so it is cleared and the planner asks again.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ...model.catalogue import Catalogue
from ...model.errors import PlanError
from ...model.findings import Finding
from ...model.siting import DEFAULT_COUNT, NETWORK, Site, Suggestion
from ...model.schema import BASEMAP_BUILDINGS, BASEMAP_LANDUSE
from .. import i18n
from .walk_homes import in_sentence, type_name

RANK_ROLE = Qt.ItemDataRole.UserRole
FAILING = ("fail", "warn")


def can_suggest(finding: Finding | None) -> bool:
    """A walking finding that falls short: there is something to site."""
    return finding is not None and finding.kind == "walk_coverage" and finding.status in FAILING \
        and finding.limit_m is not None and bool(finding.facility_types)


class SitingList(QWidget):
    """The ranked sites of one suggestion; hidden until the planner asks for one."""

    siteActivated = Signal(object)   # Site: a row clicked (the map shows it)
    siteUsed = Signal(object)        # (layer, fid) of the facility drawn on a site

    def __init__(self, catalogue: Catalogue | None = None, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.suggestion: Suggestion | None = None
        self.overlay = None  # ui/map/siting.SitingOverlay, once bound to a map
        self._document = None
        self._finding: Finding | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        options = QHBoxLayout()
        self.type_box = QComboBox()
        self.type_box.setToolTip(self.tr("The facility type to place"))
        self.type_box.activated.connect(lambda _i: self.suggest(self._finding))
        self.count_box = QSpinBox()
        self.count_box.setRange(1, 10)
        self.count_box.setValue(DEFAULT_COUNT)
        self.count_box.setPrefix(self.tr("Sites: "))
        self.count_box.setToolTip(self.tr("How many sites to suggest together"))
        self.candidates_box = QComboBox()
        self.candidates_box.addItem(self.tr("Along the walking network"), NETWORK)
        self.candidates_box.addItem(self.tr("Base-map buildings"), BASEMAP_BUILDINGS)
        self.candidates_box.addItem(self.tr("Base-map land use"), BASEMAP_LANDUSE)
        self.candidates_box.setToolTip(self.tr("Where a new facility may go"))
        self.again_button = QPushButton(self.tr("Suggest Again"))
        self.again_button.clicked.connect(lambda: self.suggest(self._finding))
        self.use_button = QPushButton(self.tr("Use This Site"))
        self.use_button.setToolTip(self.tr("Draw the facility on the chosen site, with the catalogue's minimum "
                                           "footprint (one step: Ctrl+Z removes it)"))
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(lambda: self.use_current())
        for w in (self.type_box, self.count_box, self.candidates_box):
            options.addWidget(w)
        options.addStretch(1)
        # At the top, beside the options: the list below may be cut short in a small window.
        options.addWidget(self.again_button)
        options.addWidget(self.use_button)
        layout.addLayout(options)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setColumnCount(4)
        self.table.setHeaderLabels([self.tr("Rank"), self.tr("Households added"), self.tr("Coverage after"),
                                    self.tr("Where")])
        header = self.table.header()
        header.setStretchLastSection(True)
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("Click a site to show it on the map."))
        self.table.itemClicked.connect(lambda item, _c: self._activate(item))
        self.table.currentItemChanged.connect(lambda cur, _prev: self.use_button.setEnabled(cur is not None))
        layout.addWidget(self.table)
        self.hide()

    # --- binding ------------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Follow ``document``: a change to the plan, another scenario or plan makes a suggestion stale."""
        self._document = document
        # Bound methods, not lambdas: a panel rebuilt (a language switch) must not be called once gone.
        document.changed.connect(self._stale)
        document.scenarioChanged.connect(self._stale)
        document.sessionChanged.connect(self._stale)

    def _stale(self, *_args) -> None:
        self.clear()

    def bind_map(self, view) -> None:
        """Draw the suggestions on ``view`` (the map)."""
        from ..map.siting import overlay_of
        self.overlay = overlay_of(view)
        self.overlay.clear()  # a rebuilt panel (a language switch) starts without a suggestion

    # --- asking -------------------------------------------------------------------------------
    def suggest(self, finding: Finding | None) -> Suggestion | None:
        """Ask the session for sites serving ``finding`` (a failing walking finding) and show them."""
        doc = self._document
        if not can_suggest(finding) or doc is None or doc.session is None:
            return None
        if finding is not self._finding:
            self._finding = finding
            self._fill_types(finding)
        facility_type = self.type_box.currentData() or finding.facility_types[0]
        # The results shown, if they are of the plan as it is now (else the session validates first:
        # a site's promise is only as good as the run it was measured against).
        results = doc.results
        if results is not None and results.version != doc.loop.version:
            results = None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            suggestion = doc.session.suggest(facility_type, rule=finding.rule, count=self.count_box.value(),
                                             candidates=self.candidates_box.currentData(), results=results)
        except PlanError as e:
            self._show(None, e.message(i18n.language()))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._show(suggestion)
        return suggestion

    def _fill_types(self, finding: Finding) -> None:
        self.type_box.clear()
        for code in finding.facility_types:
            if self.catalogue is None or code in self.catalogue:
                self.type_box.addItem(type_name(self.catalogue, code), code)
        self.type_box.setVisible(self.type_box.count() > 1)

    # --- showing ------------------------------------------------------------------------------
    def _show(self, suggestion: Suggestion | None, error: str = "") -> None:
        self.suggestion = suggestion
        self.table.clear()
        self.use_button.setEnabled(False)
        if self.overlay is not None:
            self.overlay.show(suggestion)
        if suggestion is None:
            self.header.setText(f'<span style="color:#c62828">{error}</span>')
            self.show()
            return
        name = type_name(self.catalogue, suggestion.facility_type)
        name = name if i18n.is_chinese() else in_sentence(name)
        lines = [i18n.fill(self.tr("<b>Where a new %1 brings the most households within %2 m</b> (now %3%; "
                                   "%4 candidate sites, %5 reach a home left out):"),
                           name, f"{suggestion.limit_m:,.0f}", f"{suggestion.coverage_before:.1f}",
                           f"{suggestion.candidates:,}", f"{suggestion.useful:,}")]
        if not suggestion.sites:
            lines.append(self.tr("No candidate site brings a home left out within the limit."))
        lines += [i18n.pick(zh, en) for zh, en in suggestion.notes]
        self.header.setText("<br>".join(lines))
        for site in suggestion.sites:
            item = QTreeWidgetItem([str(site.rank), f"+{site.households:,.0f}", f"{site.coverage_after:.1f}%",
                                    self._where(site)])
            item.setData(0, RANK_ROLE, site.rank)
            for col in (0, 1, 2):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(1, i18n.fill(self.tr("%n home(s) brought within the limit", "", len(site.homes))))
            self.table.addTopLevelItem(item)
        if self.table.topLevelItemCount():
            self.table.setCurrentItem(self.table.topLevelItem(0))  # the first is what "Use This Site" takes
        self.show()

    def _where(self, site: Site) -> str:
        area = i18n.fill(self.tr("%1 m²"), f"{site.footprint.area:,.0f}") if site.footprint.area else ""
        comma = "，" if i18n.is_chinese() else ", "
        where = self.tr("beside the path") if site.origin == NETWORK else site.origin
        return comma.join(w for w in (where, area) if w)

    def clear(self) -> None:
        self.suggestion = None
        self.table.clear()
        self.use_button.setEnabled(False)
        if self.overlay is not None:
            self.overlay.clear()
        self.hide()

    def set_finding(self, finding: Finding | None) -> None:
        """Another finding chosen: a suggestion made for another one goes."""
        if self._finding is not None and (finding is None or finding.rule != self._finding.rule):
            self._finding = None
            self.clear()

    def site(self, rank: int) -> Site | None:
        return next((s for s in self.suggestion.sites if s.rank == rank), None) if self.suggestion else None

    def item(self, row: int) -> QTreeWidgetItem | None:
        return self.table.topLevelItem(row)

    def _activate(self, item: QTreeWidgetItem) -> None:
        site = self.site(item.data(0, RANK_ROLE))
        if site is not None:
            if self.overlay is not None:
                self.overlay.focus(site)
            self.siteActivated.emit(site)

    # --- using one ----------------------------------------------------------------------------
    def use_current(self):
        """Draw the facility on the chosen site as one undoable step; its key, or None."""
        item = self.table.currentItem()
        site = self.site(item.data(0, RANK_ROLE)) if item is not None else None
        return self.use(site) if site is not None else None

    def use(self, site: Site):
        doc = self._document
        if doc is None or doc.session is None:
            return None
        text = i18n.fill(self.tr("Use suggested site %1 (%2)"), site.rank,
                         type_name(self.catalogue, site.facility_type))
        changes = doc.push(site.edit(doc.scenario, i18n.language()), text)
        if changes is None:
            return None
        key = (site.layer, changes.edit.fid)
        doc.select([key])
        self.siteUsed.emit(key)
        return key


__all__ = ["SitingList", "can_suggest"]

"""What a walking finding leaves out (issue 16 point 4): the homes beyond the limit, worst first —
name, households, walking distance to the nearest facility of the rule's types, how far over —
shown under the finding's detail; a click on a row zooms the map to the home and selects it
(``homeActivated``). The home's nearest facility of each type, for the attribute panel, is here too.

The rows are model/walk_homes.py's (the validator's own distances, from the document's Results).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ...model.catalogue import Catalogue
from ...model.findings import Finding, Results
from ...model.schema import RESIDENTIAL
from ...model.walk_homes import HomeBeyond, homes_beyond, households_beyond, nearest_facilities
from .. import i18n

KEY_ROLE = Qt.ItemDataRole.UserRole


def metres(value: float) -> str:
    """"812 米" / "812 m": a walking distance in whole metres."""
    return i18n.fill(QCoreApplication.translate("WalkHomes", "%1 m"), f"{value:,.0f}")


def type_name(catalogue: Catalogue | None, code: str) -> str:
    """A facility type as the planner reads it (the catalogue's name in the UI language)."""
    if catalogue is not None and code in catalogue:
        t = catalogue[code]
        return i18n.pick(t.name_zh, t.name_en)
    return code


def in_sentence(name: str) -> str:
    """A catalogue name inside an English sentence ("bus stop"; an acronym keeps its capitals)."""
    return name[:1].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def type_names(catalogue: Catalogue | None, codes) -> str:
    """Several types inside a sentence: "公交站点、地铁站" / "bus stop, metro station"."""
    if i18n.is_chinese():
        return "、".join(type_name(catalogue, c) for c in codes)
    return ", ".join(in_sentence(type_name(catalogue, c)) for c in codes)


def none_within(search_limit_m: float) -> str:
    """"2,000 米内没有": no facility of the types within the distance the validator searches."""
    return i18n.fill(QCoreApplication.translate("WalkHomes", "none within %1"), metres(search_limit_m))


def distance_text(row: HomeBeyond, search_limit_m: float) -> str:
    return metres(row.distance_m) if row.reached else none_within(search_limit_m)


def over_text(row: HomeBeyond) -> str:
    """"+146 米", or "> 1,333 米" when no facility is within the search limit (the least it is over)."""
    return ("+" if row.reached else "> ") + metres(row.over_m)


class WalkHomesList(QWidget):
    """The homes beyond a walking finding's limit; hidden for other findings."""

    homeActivated = Signal(object)  # (layer, fid) of the home clicked

    def __init__(self, catalogue: Catalogue | None = None, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self._document = None
        self._finding: Finding | None = None
        self._rows: list[HomeBeyond] = []
        self._shown = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setColumnCount(4)
        self.table.setHeaderLabels([self.tr("Home"), self.tr("Households"), self.tr("Walking distance"),
                                    self.tr("Over the limit")])
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("Click a home to show it on the map and select it."))
        self.table.itemClicked.connect(lambda item, _c: self._activate(item))
        self.table.itemActivated.connect(lambda item, _c: self._activate(item))
        layout.addWidget(self.table)
        self.hide()

    # --- data -------------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Follow ``document``: its results (the rows follow every validation) and its plan (home
        and facility names)."""
        self._document = document
        document.resultsReady.connect(self._on_results)
        document.sessionChanged.connect(lambda _s: self.set_finding(None))

    def set_finding(self, finding: Finding | None) -> None:
        """List the homes ``finding`` leaves out (a walk_coverage finding with homes beyond its
        limit); hide for any other."""
        self._finding = finding if finding is not None and finding.kind == "walk_coverage" else None
        self._refresh()

    def _on_results(self, results: Results | None) -> None:
        if self._finding is None or results is None:
            return
        self._finding = next((f for f in results.findings if f.rule == self._finding.rule), None)
        self._refresh()

    def rows(self) -> list[HomeBeyond]:
        """The homes listed, in the order shown."""
        return list(self._rows)

    def item(self, row: int) -> QTreeWidgetItem | None:
        return self.table.topLevelItem(row)

    def _results(self) -> Results | None:
        return self._document.results if self._document is not None else None

    def _refresh(self) -> None:
        f, results = self._finding, self._results()
        session = self._document.session if self._document is not None else None
        if f is not None and results is not None and self._shown == (f, id(results)):
            return  # the same finding of the same run: the list stays as it is (scroll, selection)
        self._shown = (f, id(results)) if f is not None and results is not None else None
        self._rows = []
        self.table.clear()
        if f is None or results is None or session is None or not f.features:
            self.hide()
            return
        rule = session.rule(f.rule)
        reach = rule.params.get("reach", "any") if rule is not None else "any"
        plan = session.plan
        names = {fid: plan.feature(RESIDENTIAL, fid).get("name") or "" for layer, fid in f.features
                 if layer == RESIDENTIAL and plan.has_feature(layer, fid)}
        self._rows = homes_beyond(results, f, reach=reach, names=names)
        n, households = len(self._rows), households_beyond(self._rows)
        self.header.setText(i18n.fill(self.tr("<b>%n home(s) beyond a %1 walk</b> to %2 (%3 households), "
                                              "the worst (households × distance over) first:", "", n),
                                      metres(f.limit_m), type_names(self.catalogue, f.facility_types),
                                      f"{households:,.0f}"))
        for row in self._rows:
            name = row.name or i18n.fill(self.tr("Home #%1"), row.fid)
            item = QTreeWidgetItem([name, f"{row.households:,.0f}", distance_text(row, results.search_limit_m),
                                    over_text(row)])
            item.setData(0, KEY_ROLE, row.key)
            for col in (1, 2, 3):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row.facility is not None:
                item.setToolTip(2, i18n.fill(self.tr("Nearest: %1"), self._facility_words(row.facility,
                                                                                          row.facility_type)))
            self.table.addTopLevelItem(item)
        self.show()

    def _facility_words(self, key, code: str | None) -> str:
        plan = self._document.plan
        name = plan.feature(*key).get("name") if plan is not None and plan.has_feature(*key) else ""
        kind = type_name(self.catalogue, code) if code else ""
        return f"{kind} {name}".strip() if name else kind

    def _activate(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        if key is not None:
            self.homeActivated.emit(tuple(key))


class NearestFacilities(QGroupBox):
    """A home's nearest facility of each type the validation measured, with the walking distance
    (for the attribute panel)."""

    def __init__(self, catalogue: Catalogue | None, parent=None):
        super().__init__(QCoreApplication.translate("WalkHomes", "Nearest facilities (walking)"), parent)
        self.catalogue = catalogue
        self.setObjectName("nearestFacilities")
        self._form = QFormLayout(self)
        self._texts: dict[str, str] = {}

    def texts(self) -> dict[str, str]:
        """Facility type code -> the text shown beside its name."""
        return dict(self._texts)

    def show_home(self, results: Results | None, home: int, plan) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)
        self._texts = {}
        rows = nearest_facilities(results, home) if results is not None else []
        if not rows:
            self._form.addRow(QLabel(QCoreApplication.translate("WalkHomes", "Not measured yet.")))
            return
        for code, nearest in rows:
            if nearest.distance_m is None:
                text = none_within(results.search_limit_m)
            else:
                text = metres(nearest.distance_m)
                key = (nearest.layer, nearest.facility)
                name = plan.feature(*key).get("name") if plan is not None and plan.has_feature(*key) else ""
                if name:
                    text += " · " + name
            self._texts[code] = text
            label = QLabel(text)
            label.setWordWrap(True)
            self._form.addRow(type_name(self.catalogue, code), label)
        if all(n.distance_m is None for _, n in rows) and results.connector_m(home) is not None:
            note = QLabel(QCoreApplication.translate(
                "WalkHomes", "No facility of any type within reach: the paths from this home may not join the "
                             "rest of the walking network."))
            note.setObjectName("unreachedNote")
            note.setWordWrap(True)
            self._form.insertRow(0, note)


__all__ = ["WalkHomesList", "NearestFacilities", "metres", "type_name", "type_names", "none_within"]

"""A facility's service population and capacity (issue 15 point 3), under its attributes: the
households that reach it first within its type's walking limit, its capacity (places, beds or floor
area), what those households need, and whether it is over capacity. The figures are
model/capacity.py's ``facility_capacity`` rows, read from the document's Results."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel

from ...model.capacity import FacilityCapacity, facility_capacity
from .. import i18n
from .common import number


class ServicePopulation(QGroupBox):
    """Who the selected facility serves and whether it has room for them."""

    def __init__(self, parent=None):
        super().__init__(self.tr("Service population"), parent)
        self.setObjectName("servicePopulation")
        self._form = QFormLayout(self)
        self._texts: dict[str, str] = {}

    def texts(self) -> dict[str, str]:
        """served / capacity / demand / state / catchment -> the text shown (those that apply)."""
        return dict(self._texts)

    def show_facility(self, results, facility_type: str | None, fid: int) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)
        self._texts = {}
        row = None
        if results is not None and facility_type in results.distances:
            row = next((r for r in facility_capacity(results, facility_type) if r.fid == fid), None)
        if row is None:
            self._add("served", self.tr("Served"), self.tr("not measured: no walking rule judges this type")
                      if results is not None else self.tr("waiting for validation"))
            return
        self._add("served", self.tr("Served"), self._served(row))
        if row.demand is None:  # a type without a capacity (model/capacity.py CAPACITY_KINDS)
            return
        unit = i18n.pick(row.unit_zh, row.unit_en)
        self._add("capacity", self.tr("Capacity"), f"{number(row.capacity)} {unit}" if row.capacity is not None
                  else self.tr("not entered (classes or beds)"))
        self._add("demand", self.tr("Needed by them"), f"{number(row.demand)} {unit}")
        if row.over_capacity is not None:
            state = self.tr("over capacity") if row.over_capacity else self.tr("has room")
            if row.ratio is not None:
                state = i18n.fill(self.tr("%1 (capacity ÷ need %2)"), state, f"{row.ratio:.2f}")
            self._add("state", self.tr("Capacity check"), state)
        if row.catchment_ratio is not None:
            self._add("catchment", self.tr("Within its walk (2SFCA)"),
                      i18n.fill(self.tr("%1 per person in need"), f"{row.catchment_ratio:.2f}"))

    def _served(self, row: FacilityCapacity) -> str:
        if row.limit_m is None:
            return i18n.fill(self.tr("%1 households (homes: %2) whose nearest it is"),
                             number(row.households_served), row.homes_served)
        return i18n.fill(self.tr("%1 households (homes: %2) reaching it first within %3 m"),
                         number(row.households_served), row.homes_served, f"{row.limit_m:,.0f}")

    def _add(self, key: str, label: str, text: str) -> None:
        value = QLabel(text)
        value.setWordWrap(True)
        value.setObjectName(f"{key}Value")
        self._form.addRow(label, value)
        self._texts[key] = text

"""File → Import Points of Interest…: a CSV or GeoJSON exported from a Chinese map service into
facilities or stops (model/io/poi.py). The dialog asks what only the planner knows — the
coordinate system (WGS-84, GCJ-02 of Amap/Tencent, BD-09 of Baidu), the layer, one type for every
point or each row's category, and the columns whose headers are not the usual ones."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ...model.catalogue import Catalogue
from ...model.io.poi import guess_columns, headers_of
from ...model.schema import FACILITIES, STOPS
from .. import i18n


class PoiImportDialog(QDialog):
    """The choices of one POI import; ``values()`` are PlanSession.poi_import_edit's arguments.
    Reading the file's headers may raise PlanError (an empty file, not text): the caller says so."""

    def __init__(self, path: str | os.PathLike, catalogue: Catalogue, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(self.tr("Import points of interest"))
        self.headers, self.encoding = headers_of(self.path)
        self.is_csv = self.path.suffix.lower() not in (".geojson", ".json")
        guessed = guess_columns(self.headers)
        form = QFormLayout(self)
        form.addRow(self.tr("File"), QLabel(f"{self.path.name}  ({self.encoding})"))
        self.coords = QComboBox()
        self.coords.addItem(self.tr("WGS-84 (GPS, OpenStreetMap)"), "wgs84")
        self.coords.addItem(self.tr("GCJ-02 (Amap, Tencent)"), "gcj02")
        self.coords.addItem(self.tr("BD-09 (Baidu)"), "bd09")
        self.coords.setCurrentIndex(1)  # most exports a street office has come from Amap
        form.addRow(self.tr("Coordinate system"), self.coords)
        self.layer = QComboBox()
        self.layer.addItem(self.tr("Facilities (a footprint of the type's minimum area)"), FACILITIES)
        self.layer.addItem(self.tr("Bus stops and metro stations"), STOPS)
        form.addRow(self.tr("Import into"), self.layer)
        self.facility_type = QComboBox()
        self.facility_type.addItem(self.tr("From each row's category"), None)
        for t in catalogue:
            self.facility_type.addItem(i18n.pick(t.name_zh, t.name_en), t.code)
        form.addRow(self.tr("Type"), self.facility_type)
        self.columns: dict[str, QComboBox] = {}
        roles = (("lon", self.tr("Longitude column")), ("lat", self.tr("Latitude column")),
                 ("name", self.tr("Name column")), ("type", self.tr("Category column")))
        for role, label in roles:
            if role in ("lon", "lat") and not self.is_csv:
                continue
            combo = QComboBox()
            combo.addItem(self.tr("(none)"), None)
            for h in self.headers:
                combo.addItem(h, h)
            if guessed.get(role):
                combo.setCurrentIndex(combo.findData(guessed[role]))
            combo.currentIndexChanged.connect(self._update)
            self.columns[role] = combo
            form.addRow(label, combo)
        self.location = guessed.get("location") if self.is_csv else None
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form.addRow(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._update()

    def _update(self) -> None:
        """OK only when the coordinates can be found: both columns, or an Amap "location" column."""
        lonlat = all(self.columns[r].currentData() for r in ("lon", "lat")) if self.is_csv else True
        ready = lonlat or (self.location is not None and not any(self.columns[r].currentData() for r in ("lon", "lat")))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)
        self.hint.setText("" if ready else self.tr("Choose the longitude and latitude columns: their headers "
                                                   "are not ones the importer knows."))

    def values(self) -> dict:
        columns = {role: combo.currentData() for role, combo in self.columns.items() if combo.currentData()}
        return dict(layer=self.layer.currentData(), coords=self.coords.currentData(),
                    facility_type=self.facility_type.currentData(), columns=columns)

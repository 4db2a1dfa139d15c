"""File → Import → CAD drawing…: read a DXF on a worker thread (progress, cancel), then a dialog that
lists its CAD layers with their counts, maps each to a plan layer and places the drawing (issue 14).

The model does the work (model/io/dxf.py, model/georef.py, PlanSession.import_dxf); this module only
collects the planner's choices: ``CadImportDialog.mapping()`` and ``.placement()`` are what
``PlanDocument.import_dxf`` takes. Control points are typed as numbers, or picked by clicking the
drawing and the plan's map in the georeferencing dialog (ui/georef_dialog.py, "Pick control points on
the map…"): the pairs picked come back into the same table.
"""
from __future__ import annotations

import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QGridLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressDialog, QPushButton,
                               QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...model import georef
from ...model.catalogue import load_catalogue
from ...model.errors import PlanError, as_plan_error
from ...model.io.dxf import LINE, OUTLINE, TEXT, UNIT_METRES, UNIT_NAMES, CadDrawing, read_dxf
from .. import i18n
from ..i18n import fill
from ..validation import collect_garbage_in_gui_thread


class _ReadWorker(QObject):
    progress = Signal(int, str)
    finished = Signal(object, object)  # CadDrawing or None, error (PlanError / text) or None (cancelled)

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.cancel_event = threading.Event()

    def _callback(self, fraction: float, message: str = "") -> bool:
        if self.cancel_event.is_set():
            return False  # the model's contract: False cancels (osm_reader.check_progress)
        self.progress.emit(int(max(0.0, min(1.0, fraction)) * 100), message)
        return True

    @Slot()
    def run(self) -> None:
        # Reading touches no plan: the drawing is plain data handed to the GUI thread.
        try:
            drawing = read_dxf(self.path, progress=self._callback)
        except PlanError as e:
            self.finished.emit(None, None if self.cancel_event.is_set() else e)
            return
        except Exception as e:  # a fault no check foresaw: one sentence for the planner, the trace on stderr
            traceback.print_exc(limit=5)
            self.finished.emit(None, as_plan_error(e))
            return
        self.finished.emit(drawing, None)


class DxfRead(QObject):
    """Reads a DXF in a worker thread behind a cancellable progress dialog: ``done(drawing)``,
    ``failed(error)``, ``cancelled()``."""

    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.thread: QThread | None = None
        self.worker: _ReadWorker | None = None
        self.dialog = QProgressDialog(fill(self.tr("Reading %1…"), self.path.name), self.tr("Cancel"), 0, 100, parent)
        self.dialog.setWindowTitle(self.tr("CAD drawing"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        collect_garbage_in_gui_thread()  # see ui/validation.py: no GC in worker threads
        self.thread = QThread()
        self.worker = _ReadWorker(self.path)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.dialog.setValue(0)
        self.thread.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel_event.set()
            if self.dialog is not None:
                self.dialog.setLabelText(self.tr("Cancelling…"))

    @Slot(int, str)
    def _progress(self, percent: int, _text: str) -> None:
        if self.dialog is not None:
            self.dialog.setValue(percent)

    @Slot(object, object)
    def _finished(self, drawing, error) -> None:
        self.thread.quit()
        self.thread.wait()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.dialog = None
        if drawing is not None:
            self.done.emit(drawing)
        elif error is None:
            self.cancelled.emit()
        else:
            self.failed.emit(error)


class CadImportDialog(QDialog):
    """The CAD layers with their counts and what each becomes; where the drawing goes."""

    COLUMNS = 5  # layer, outlines, lines, texts, use as

    def __init__(self, drawing: CadDrawing, parent: QWidget | None = None, catalogue=None, plan=None,
                 scenario: str | None = None):
        super().__init__(parent)
        self.drawing = drawing
        self.plan, self.scenario = plan, scenario  # the map to pick control points on (None: typed only)
        self.georef_dialog = None
        self.catalogue = catalogue or load_catalogue()
        self.setWindowTitle(fill(self.tr("Import CAD drawing %1"), drawing.path.name))
        layout = QVBoxLayout(self)
        units = self._unit_words(drawing.unit_metres)
        about = QLabel(fill(self.tr("%1 shapes; DXF %2, text %3, units: %4."), f"{len(drawing):,}",
                            drawing.version, drawing.encoding, units))
        about.setWordWrap(True)
        layout.addWidget(about)

        self.layers = QTableWidget(0, self.COLUMNS)
        self.layers.setHorizontalHeaderLabels([self.tr("CAD layer"), self.tr("Outlines"), self.tr("Lines"),
                                               self.tr("Texts"), self.tr("Use as")])
        self.layers.verticalHeader().setVisible(False)
        self.layers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.layers.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.layers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3, 4):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.targets: dict[str, QComboBox] = {}
        for name, counts in drawing.layer_counts().items():
            row = self.layers.rowCount()
            self.layers.insertRow(row)
            self.layers.setItem(row, 0, QTableWidgetItem(name))
            for col, kind in ((1, OUTLINE), (2, LINE), (3, TEXT)):
                item = QTableWidgetItem(f"{counts[kind]:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.layers.setItem(row, col, item)
            combo = self._target_combo(counts)
            self.layers.setCellWidget(row, 4, combo)
            self.targets[name] = combo
        layout.addWidget(self.layers, 2)
        hint = QLabel(self.tr("Every shape is kept as a read-only base map. Closed outlines can become homes or "
                              "facilities (a text inside names them: “18#楼”, “6F”), lines walking paths."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self._placement_box(drawing), 2)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 680)
        self._update_residuals()

    # --- mapping ---------------------------------------------------------------------------------
    def _target_combo(self, counts: dict) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("Base map only"), "basemap")
        if counts[OUTLINE]:
            combo.addItem(self.tr("Homes (residential)"), "residential")
            lang = i18n.language()
            for t in self.catalogue:
                if getattr(t, "geometry", "polygon") == "polygon":
                    combo.addItem(fill(self.tr("Facilities: %1"), t.name(lang)), f"facilities:{t.code}")
        if counts[LINE]:
            combo.addItem(self.tr("Walking paths"), "walk_network")
        return combo

    def set_target(self, cad_layer: str, target: str) -> None:
        combo = self.targets[cad_layer]
        combo.setCurrentIndex(combo.findData(target))

    def mapping(self) -> dict[str, str]:
        """{CAD layer: target} for the layers mapped to more than the base map."""
        return {name: combo.currentData() for name, combo in self.targets.items() if combo.currentData() != "basemap"}

    # --- placement -------------------------------------------------------------------------------
    def _unit_words(self, metres: float | None) -> str:
        names = {0.001: self.tr("millimetres"), 0.01: self.tr("centimetres"), 0.1: self.tr("decimetres"),
                 1.0: self.tr("metres"), 1000.0: self.tr("kilometres"), 0.0254: self.tr("inches"), 0.3048: self.tr("feet")}
        return names.get(metres, self.tr("not stated ($INSUNITS 0): taken as metres"))

    def _placement_box(self, drawing: CadDrawing) -> QGroupBox:
        box = QGroupBox(self.tr("Placement"))
        grid = QGridLayout(box)
        self.how = QButtonGroup(self)
        self.as_is = QRadioButton(self.tr("Drawing coordinates are plan coordinates"))
        self.by_crs = QRadioButton(self.tr("The drawing is in a known CRS:"))
        self.by_control = QRadioButton(self.tr("Control points (drawing x, y → plan E, N; ≥ 2 points)"))
        for i, b in enumerate((self.as_is, self.by_crs, self.by_control)):
            self.how.addButton(b, i)
        self.units = QComboBox()
        self.units.addItem(fill(self.tr("units from the drawing (%1)"), self._unit_words(drawing.unit_metres)), None)
        for name in UNIT_NAMES:
            self.units.addItem(self._unit_words(UNIT_METRES[UNIT_NAMES[name]]), name)
        self.crs = QLineEdit()
        self.crs.setPlaceholderText("EPSG:4549")
        self.crs.setToolTip(self.tr("e.g. EPSG:4549 (CGCS2000 3° Gauss–Krüger, CM 120°E); eastings with the zone "
                                    "number in front are recognised"))
        grid.addWidget(self.as_is, 0, 0)
        grid.addWidget(self.units, 0, 1)
        grid.addWidget(self.by_crs, 1, 0)
        grid.addWidget(self.crs, 1, 1)
        grid.addWidget(self.by_control, 2, 0, 1, 2)
        self.control = QTableWidget(0, 5)
        self.control.setHorizontalHeaderLabels(["x", "y", "E", "N", self.tr("Residual (m)")])
        self.control.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.control.itemChanged.connect(self._update_residuals)
        grid.addWidget(self.control, 3, 0, 1, 2)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add point"))
        add.clicked.connect(lambda: self.add_control_point())
        remove = QPushButton(self.tr("Remove point"))
        remove.clicked.connect(self._remove_point)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("auto"), "auto")
        self.kind.addItem(self.tr("similarity (shift, turn, one scale)"), "similarity")
        self.kind.addItem(self.tr("affine (≥ 3 points)"), "affine")
        self.kind.currentIndexChanged.connect(self._update_residuals)
        self.rmse = QLabel()
        self.pick = QPushButton(self.tr("Pick control points on the map…"))
        self.pick.setEnabled(self.plan is not None)
        if self.plan is None:
            self.pick.setToolTip(self.tr("Open a plan first: its map is where the points are picked."))
        self.pick.clicked.connect(lambda: self.pick_on_map())
        for w in (add, remove, self.pick, self.kind):
            row.addWidget(w)
        row.addWidget(self.rmse, 1)
        grid.addLayout(row, 4, 0, 1, 2)
        self.how.idToggled.connect(self._how_changed)
        self.by_control.setChecked(True)
        for _ in range(2):
            self.add_control_point()
        return box

    def _how_changed(self, *_):
        which = self.how.checkedId()
        self.units.setEnabled(which == 0)
        self.crs.setEnabled(which == 1)
        self.control.setEnabled(which == 2)
        self._update_residuals()

    def add_control_point(self, drawing_xy=None, plan_en=None) -> None:
        blocked = self.control.blockSignals(True)
        row = self.control.rowCount()
        self.control.insertRow(row)
        values = [*(drawing_xy or ("", "")), *(plan_en or ("", ""))]
        for col, v in enumerate(values):
            self.control.setItem(row, col, QTableWidgetItem("" if v == "" else f"{v:.3f}".rstrip("0").rstrip(".")))
        residual = QTableWidgetItem("")
        residual.setFlags(residual.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.control.setItem(row, 4, residual)
        self.control.blockSignals(blocked)
        self._update_residuals()

    def pick_on_map(self):
        """The georeferencing dialog: this drawing on the left (drawing coordinates), the plan's map on
        the right, the complete rows of the table as its first pairs. Its pairs replace the table's
        when it is accepted. Returned opened (window-modal)."""
        from ..cad_layers import drawing_scene, map_canvas, preview_on_map, show_points
        from ..georef_dialog import GeorefDialog
        try:
            pairs = self.control_points()
        except PlanError:
            pairs = []  # a row that is not numbers yet: start from the points that are
        dialog = GeorefDialog(drawing_scene(self.drawing.geometries), map_canvas(self.plan, self.catalogue, self.scenario),
                              y_down=False, pairs=pairs, kind=self.kind.currentData(),
                              title=fill(self.tr("Control points for %1"), self.drawing.path.name), parent=self)
        dialog.preview = preview_on_map(dialog)
        dialog.source_view.fit()
        show_points(dialog)
        dialog.accepted.connect(lambda: self.set_control_points(dialog.pairs(), dialog.kind.currentData()))
        self.georef_dialog = dialog
        dialog.open()
        return dialog

    def set_control_points(self, pairs, kind: str | None = None) -> None:
        """Replace the table's rows by ``pairs`` [((x, y), (E, N)), …]; placement by control points."""
        self.by_control.setChecked(True)
        blocked = self.control.blockSignals(True)
        self.control.setRowCount(0)
        self.control.blockSignals(blocked)
        for xy, en in pairs:
            self.add_control_point(xy, en)
        if kind is not None and self.kind.findData(kind) >= 0:
            self.kind.setCurrentIndex(self.kind.findData(kind))
        self._update_residuals()

    def _remove_point(self) -> None:
        row = self.control.currentRow()
        self.control.removeRow(row if row >= 0 else self.control.rowCount() - 1)
        self._update_residuals()

    def control_points(self) -> list:
        """The complete rows as ((x, y), (E, N)); a row with a cell that is not a number is refused."""
        pairs = []
        for row in range(self.control.rowCount()):
            cells = [(self.control.item(row, c).text() if self.control.item(row, c) else "").strip() for c in range(4)]
            if not any(cells):
                continue
            try:
                x, y, e, n = (float(v) for v in cells)
            except ValueError:
                raise PlanError(f"控制点 {row + 1} 的坐标不是数字", f"control point {row + 1} has a coordinate that is not a number") from None
            pairs.append(((x, y), (e, n)))
        return pairs

    def _update_residuals(self, *_) -> None:
        blocked = self.control.blockSignals(True)
        try:
            for row in range(self.control.rowCount()):
                self.control.item(row, 4).setText("")
            if self.how.checkedId() != 2:
                self.rmse.setText("")
                return
            try:
                pairs = self.control_points()
                fitted = georef.fit(pairs, self.kind.currentData())
            except PlanError as e:
                self.rmse.setText(e.message(i18n.language()))
                return
            complete = [r for r in range(self.control.rowCount())
                        if all((self.control.item(r, c).text() if self.control.item(r, c) else "").strip() for c in range(4))]
            for row, residual in zip(complete, fitted.residuals):
                self.control.item(row, 4).setText(f"{residual:.3f}")
            self.rmse.setText(fill(self.tr("%1 transform, RMSE %2 m"), self.kind_words(fitted.kind), f"{fitted.rmse:.3f}"))
        finally:
            self.control.blockSignals(blocked)

    def kind_words(self, kind: str) -> str:
        return {"similarity": self.tr("similarity"), "affine": self.tr("affine")}.get(kind, kind)

    def placement(self) -> dict:
        """Keyword arguments of ``PlanSession.import_dxf`` for the placement chosen; PlanError when
        the entries cannot place the drawing (said in the dialog before it closes)."""
        which = self.how.checkedId()
        if which == 0:
            return {"units": self.units.currentData()}
        if which == 1:
            text = self.crs.text().strip()
            if not text:
                raise PlanError("请填写图纸的坐标系，如 EPSG:4549", "enter the drawing's CRS, e.g. EPSG:4549")
            return {"crs": text}
        pairs = self.control_points()
        kind = self.kind.currentData()
        georef.fit(pairs, kind)  # refused here with the reason (too few, collinear, the same point)
        return {"control": pairs, "kind": kind}

    def accept(self) -> None:
        try:
            self.placement()
        except PlanError as e:
            self.error.setText(e.message(i18n.language()))
            return
        super().accept()

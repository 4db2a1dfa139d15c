"""File → Export Bundle…: the district bundle (design.md §11, issue 12) from the desktop.

The planner chooses the folder, the scenario (and one to compare), the parts, the coordinates and
the language; the export runs on a worker thread with its own connection to the plan (none crosses
a thread, style.md §4) through the same ``PlanSession.export`` as ``lifecircle export``. Its
progress reaches the bar by signals; Cancel stops it at the next progress step (the writers report
at least every ~0.2 s) and nothing of it is left on disk.
"""
from __future__ import annotations

import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from ..export import ExportCancelled, ExportOptions, Progress
from ..export.context import FORMATS
from ..model.errors import PlanError, as_plan_error
from ..model.session import PlanSession
from . import i18n
from .undo import scenario_title
from .validation import collect_garbage_in_gui_thread, hold_garbage_collection

SETTINGS_FOLDER = "export/folder"
# The parts as the issue lists them (the reviewer's document first); FORMATS is the writing order.
SHOWN_ORDER = ("report", "xlsx", "dxf", "gpkg", "geojson")


class _ExportWorker(QObject):
    progress = Signal(float, str, str)   # fraction 0–1, what is being done (zh, en)
    finished = Signal(object, object)    # the folder written or None; the error or None (both None: cancelled)

    def __init__(self, plan_path: Path, to_dir: Path, options: ExportOptions, catalogue, packs):
        super().__init__()
        self.plan_path, self.to_dir, self.options = plan_path, to_dir, options
        self.catalogue, self.packs = catalogue, packs
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        progress = Progress(lambda fraction, zh, en: self.progress.emit(fraction, zh, en), self.cancel_event.is_set)
        try:
            # Its own session on the plan file, opened and closed in this thread: every edit is on
            # disk when it returns, so the file is the plan as the planner sees it.
            with PlanSession.open(self.plan_path, catalogue=self.catalogue, packs=self.packs) as session:
                folder = session.export(self.to_dir, self.options, progress)
        except ExportCancelled:
            self.finished.emit(None, None)
        except PlanError as e:
            self.finished.emit(None, e)
        except Exception as e:  # a fault no check foresaw: one sentence for the planner, the trace on stderr
            traceback.print_exc(limit=5)
            self.finished.emit(None, as_plan_error(e))
        else:
            self.finished.emit(folder, None)


class ExportDialog(QDialog):
    """The export's choices, its progress bar and Cancel. ``exportFinished(folder)`` when the
    bundle is written; ``exportFinished(None)`` when it was cancelled or failed (the status line
    says which)."""

    exportFinished = Signal(object)

    def __init__(self, document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.thread_: QThread | None = None
        self.worker: _ExportWorker | None = None
        self.folder_written: Path | None = None
        self._holding = False  # this dialog's hold on the GUI thread's garbage collection
        self.setWindowTitle(self.tr("Export Bundle"))
        session = document.session

        self.folder = QLineEdit(QSettings().value(SETTINGS_FOLDER, "", type=str) or str(session.plan.path.parent))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)

        names = [s.name for s in session.scenarios()]
        self.scenario = QComboBox()
        self.compare = QComboBox()
        self.compare.addItem(self.tr("(none)"), None)
        for name in names:
            self.scenario.addItem(scenario_title(name), name)
            self.compare.addItem(scenario_title(name), name)
        self.scenario.setCurrentIndex(names.index(document.scenario) if document.scenario in names else 0)

        words = self.part_names()
        self.parts: dict[str, QCheckBox] = {}
        parts_row = QHBoxLayout()
        for part in SHOWN_ORDER:
            box = QCheckBox(words[part])
            box.setChecked(True)
            box.toggled.connect(self._update_buttons)
            self.parts[part] = box
            parts_row.addWidget(box)
        parts_row.addStretch(1)

        self.crs = QComboBox()
        self.crs.addItem(i18n.fill(self.tr("The plan's own (EPSG:%1)"), session.plan.epsg), "plan")
        self.crs.addItem(self.tr("CGCS2000 3° Gauss–Krüger (zone from the plan's location)"), "cgcs2000-gk")
        self.crs.addItem(self.tr("WGS 84 longitude/latitude"), "wgs84")
        self.zone_prefix = QCheckBox(self.tr("Zone number before the easting (EPSG 4513–4533)"))
        self.crs.currentIndexChanged.connect(self._update_buttons)

        self.language = QComboBox()
        for code, label in (("zh", "中文"), ("en", "English")):
            self.language.addItem(label, code)
        self.language.setCurrentIndex(0 if i18n.is_chinese() else 1)

        form = QFormLayout()
        form.addRow(self.tr("Folder:"), folder_row)
        form.addRow(self.tr("Scenario:"), self.scenario)
        form.addRow(self.tr("Compare with:"), self.compare)
        form.addRow(self.tr("Parts:"), parts_row)
        form.addRow(self.tr("Coordinates:"), self.crs)
        form.addRow("", self.zone_prefix)
        form.addRow(self.tr("Language:"), self.language)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("%p%")
        self.status = QLabel(self.tr("GeoJSON is always WGS 84 longitude/latitude (RFC 7946)."))
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.show_button = self.buttons.addButton(self.tr("Show Folder"), QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button.setEnabled(False)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        self.show_button.clicked.connect(self.show_folder)
        # Quitting while an export runs: stop it first (a QThread destroyed while running aborts).
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._update_buttons()
        self.resize(640, self.sizeHint().height())

    def part_names(self) -> dict[str, str]:
        return {"report": self.tr("Report (PDF)"), "xlsx": self.tr("Project list (XLSX)"),
                "dxf": self.tr("CAD (DXF)"), "gpkg": self.tr("GeoPackage"), "geojson": self.tr("GeoJSON")}

    # --- choices ------------------------------------------------------------------------------
    def options(self) -> ExportOptions:
        compare = self.compare.currentData()
        scenario = self.scenario.currentData()
        return ExportOptions(scenario=scenario, compare=compare if compare != scenario else None,
                             only=tuple(p for p in FORMATS if self.parts[p].isChecked()),
                             crs=self.crs.currentData(), gk_zone_prefix=self.zone_prefix.isChecked(),
                             lang=self.language.currentData())

    def running(self) -> bool:
        return self.worker is not None

    def _update_buttons(self, *_):
        busy = self.running()
        self.zone_prefix.setEnabled(self.crs.currentData() == "cgcs2000-gk" and not busy)
        self.export_button.setEnabled(not busy and any(b.isChecked() for b in self.parts.values()))
        self.cancel_button.setText(self.tr("Cancel") if busy else self.tr("Close"))
        for widget in (self.folder, self.scenario, self.compare, self.crs, self.language, *self.parts.values()):
            widget.setEnabled(not busy)

    def show_folder(self) -> None:
        if self.folder_written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder_written)))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the bundle into"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    # --- the export ---------------------------------------------------------------------------
    @Slot()
    def start(self) -> bool:
        """Start the export on a worker thread (False if one runs already or nothing is chosen)."""
        if self.running() or self.document.session is None:
            return False
        options = self.options()
        if not options.only:
            return False
        to_dir = Path(self.folder.text().strip() or ".").expanduser()
        QSettings().setValue(SETTINGS_FOLDER, str(to_dir))
        self.folder_written = None
        self.show_button.setEnabled(False)
        collect_garbage_in_gui_thread()  # see ui/validation.py: no GC in worker threads
        session = self.document.session
        self.worker = _ExportWorker(session.plan.path, to_dir, options, session.catalogue, session.packs)
        self.thread_ = QThread(self)
        self.worker.moveToThread(self.thread_)
        self.thread_.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.progress_bar.setValue(0)
        self.status.setText(self.tr("Validating the scenario…"))
        self._update_buttons()
        self._hold_garbage(True)  # nor on this thread while the worker makes Qt objects
        self.thread_.start()
        return True

    @Slot()
    def cancel(self) -> None:
        if self.running():
            self.worker.cancel_event.set()
            self.status.setText(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def reject(self) -> None:
        """Cancel while exporting (the dialog stays to say it was cancelled); close otherwise."""
        if self.running():
            self.cancel()
        else:
            super().reject()

    @Slot(float, str, str)
    def _progress(self, fraction: float, zh: str, en: str) -> None:
        if not self.running() or self.worker.cancel_event.is_set():
            return
        self.progress_bar.setValue(int(round(fraction * 1000)))
        if zh or en:
            text = i18n.pick(zh, en)
            self.status.setText(text[:1].upper() + text[1:])  # the model's English is mid-sentence

    @Slot(object, object)
    def _finished(self, folder, error) -> None:
        self.thread_.quit()
        self.thread_.wait()
        self._hold_garbage(False)
        self.worker.deleteLater()
        self.thread_.deleteLater()
        self.worker = self.thread_ = None
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        if folder is not None:
            self.folder_written = Path(folder)
            self.show_button.setEnabled(True)
            self.progress_bar.setValue(1000)
            self.status.setText(i18n.fill(self.tr("Written: %1"), folder))
        elif error is None:
            self.progress_bar.setValue(0)
            self.status.setText(self.tr("Export cancelled; nothing was left behind."))
        else:
            self.progress_bar.setValue(0)
            text = error.message(i18n.language()) if isinstance(error, PlanError) else str(error)
            self.status.setText(text)
        self.exportFinished.emit(self.folder_written)

    @Slot()
    def shutdown(self) -> None:
        """Cancel a running export and wait for its thread (the worker stops within a second)."""
        if self.running():
            self.worker.cancel_event.set()
            self.thread_.quit()  # the thread's event loop ends once run() has returned
            self.thread_.wait()
            self._hold_garbage(False)  # the queued _finished may never come

    def _hold_garbage(self, held: bool) -> None:
        """Hold or release this dialog's one hold on the GUI thread's collections (released once,
        whichever of _finished and shutdown comes first)."""
        if held != self._holding:
            self._holding = held
            hold_garbage_collection(held)

    def closeEvent(self, event) -> None:
        if self.running():  # the worker must not outlive its thread object
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def open_export_dialog(window) -> ExportDialog | None:
    """File → Export Bundle… of ``window`` (a MainWindow): the dialog, window-modal."""
    document = window.document
    if document.session is None:
        window.show_error(QCoreApplication.translate("ExportDialog", "Open a plan first."))
        return None
    dialog = ExportDialog(document, window)
    dialog.open()
    return dialog

"""Creating a plan: a blank one (name, community kind, location) or one imported from an
OpenStreetMap extract in a worker thread with a progress dialog that can cancel."""
from __future__ import annotations

import os
import threading
import unicodedata
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLineEdit,
                               QProgressDialog, QWidget)

from ..validation import collect_garbage_in_gui_thread
from ...model.errors import PlanError
from ...model.plan import Plan
from ...model.session import PlanSession, beside, move_into_place
from ...model.store import remove_plan_file
from ..i18n import fill


class NewPlanDialog(QDialog):
    """Name, community kind (新建 / 既有) and a point in the plan area (picks the UTM zone)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New plan"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Siping Road sub-district, Tongji New Village"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Existing community (renewal)"), "existing")
        self.kind.addItem(self.tr("New-build community"), "new_build")
        self.lon = QDoubleSpinBox()
        self.lon.setRange(-180, 180)
        self.lon.setDecimals(5)
        self.lon.setValue(121.497)  # Siping, Yangpu, Shanghai: where the demo is
        self.lat = QDoubleSpinBox()
        self.lat.setRange(-80, 84)
        self.lat.setDecimals(5)
        self.lat.setValue(31.285)
        self.district = QLineEdit()
        self.subdistrict = QLineEdit()
        form.addRow(self.tr("Plan name"), self.name)
        form.addRow(self.tr("Community kind"), self.kind)
        form.addRow(self.tr("Longitude"), self.lon)
        form.addRow(self.tr("Latitude"), self.lat)
        form.addRow(self.tr("District"), self.district)
        form.addRow(self.tr("Sub-district"), self.subdistrict)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        return dict(name=self.name.text().strip(), kind=self.kind.currentData(),
                    lonlat=(self.lon.value(), self.lat.value()), district=self.district.text().strip(),
                    subdistrict=self.subdistrict.text().strip())


def default_plan_path(name: str, folder: Path) -> Path:
    """``folder/<name>.gpkg`` for the save dialog, whatever the plan's name holds: a path separator,
    "..", a leading dot or a control character cannot take the file out of ``folder`` or hide it."""
    stem = "".join("_" if ch in '/\\:*?"<>|' or unicodedata.category(ch)[0] == "C" else ch for ch in name)
    stem = stem.strip(" .")[:120] or "plan"
    return folder / f"{stem}.gpkg"


def osm_importer():
    """The OSM importer that writes a new plan file, the command line's own entry point:
    ``create_plan_from_osm(source, out, progress=cb) -> (session, summary)`` (model/session.py;
    imported when first needed: it pulls in osmium)."""
    from ...model.session import create_plan_from_osm
    return create_plan_from_osm


class ImportCancelled(Exception):
    """Raised inside the progress callback of an importer that does not ask whether to go on."""


class _ImportWorker(QObject):
    progress = Signal(int, str)      # percent, what is being done
    finished = Signal(object, object)  # output path or None, error (PlanError / text / None if cancelled)

    def __init__(self, importer, source: Path, target: Path):
        super().__init__()
        self.importer, self.source, self.target = importer, source, target
        self.cancel_event = threading.Event()

    def _callback(self, fraction: float, message: str = "") -> bool:
        """The importer's progress callback (the model's contract, osm_reader.check_progress):
        ``(fraction 0–1, what is being done)``; returning False cancels."""
        if self.cancel_event.is_set():
            return False
        self.progress.emit(int(max(0.0, min(1.0, fraction)) * 100), message)
        return True

    @Slot()
    def run(self) -> None:
        try:
            # The importer creates the plan file with its own connection, in this thread, and the
            # plan (or its session) is closed here too: no connection crosses a thread (style.md §4).
            made = self.importer(self.source, self.target, progress=self._callback)
            for obj in (made if isinstance(made, tuple) else (made,)):
                if isinstance(obj, (Plan, PlanSession)):
                    obj.close()
        except ImportCancelled:
            self.finished.emit(None, None)
            return
        except PlanError as e:
            self.finished.emit(None, None if self.cancel_event.is_set() else e)
            return
        except Exception:
            self.finished.emit(None, traceback.format_exc(limit=5))
            return
        if self.cancel_event.is_set() and not self.target.exists():
            self.finished.emit(None, None)
        else:
            self.finished.emit(self.target, None)


class OsmImport(QObject):
    """Runs an OSM import in a worker thread behind a cancellable QProgressDialog.

    ``done(path)`` with the new plan file; ``failed(error)``; ``cancelled()``. The plan is made
    beside the target and renamed into place when the import has succeeded: a failed or cancelled
    import removes only what it made, and a plan it was to replace stays as it was."""

    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progressed = Signal(int)  # percent

    def __init__(self, source: str | os.PathLike, target: str | os.PathLike, parent: QWidget | None = None,
                 importer=None, replace: bool = False):
        super().__init__(parent)
        self.source, self.target = Path(source), Path(target)
        self.made = beside(self.target)  # the file the import writes, renamed to target when done
        self.replace = replace  # the save dialog asked the planner already
        self.importer = importer or osm_importer()
        self.thread: QThread | None = None
        self.worker: _ImportWorker | None = None
        self.dialog = QProgressDialog(fill(self.tr("Importing %1…"), self.source.name),
                                      self.tr("Cancel"), 0, 100, parent)
        self.dialog.setWindowTitle(self.tr("New plan from OpenStreetMap"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        if self.importer is None:
            self.failed.emit(PlanError("本版本未包含 OSM 导入模块", "OSM import is not in this build"))
            return
        if self.target.exists() and not self.replace:
            raise PlanError(f"文件已存在：{self.target.name}", f"the file already exists: {self.target.name}")
        remove_plan_file(self.made)  # left by a crash during an earlier import
        collect_garbage_in_gui_thread()  # see ui/validation.py: no GC in worker threads
        self.thread = QThread()
        self.worker = _ImportWorker(self.importer, self.source, self.made)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.dialog.setValue(0)
        self.dialog.show()
        self.thread.start()

    def cancel(self) -> None:
        if self.worker is not None and self.dialog is not None:
            self.worker.cancel_event.set()
            self.dialog.setLabelText(self.tr("Cancelling…"))

    @Slot(int, str)
    def _progress(self, percent: int, text: str) -> None:
        if self.dialog is None:
            return
        self.dialog.setValue(percent)
        if text and not self.worker.cancel_event.is_set():
            self.dialog.setLabelText(text)
        self.progressed.emit(percent)

    @Slot(object, object)
    def _finished(self, path, error) -> None:
        self.thread.quit()
        self.thread.wait()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.dialog = None  # finished: cancel() has nothing left to stop
        if path is not None:
            try:
                move_into_place(path, self.target)
            except PlanError as e:
                self.failed.emit(e)
                return
            self.done.emit(self.target)
            return
        remove_plan_file(self.made)  # this import made the file: no half plan stays
        if error is None:
            self.cancelled.emit()
        else:
            self.failed.emit(error)

    def wait(self) -> None:
        """Block until the worker has ended (the window closing during an import)."""
        if self.thread is not None and self.thread.isRunning():
            self.thread.quit()
            self.thread.wait()

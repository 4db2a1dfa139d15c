"""Creating a plan: a blank one (name, community kind, location) or one imported from an
OpenStreetMap extract in a worker thread with a progress dialog that can cancel."""
from __future__ import annotations

import os
import threading
import unicodedata
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QGroupBox, QLabel, QLineEdit, QProgressDialog, QVBoxLayout, QWidget)

from ..validation import collect_garbage_in_gui_thread
from ...model.errors import PlanError, as_plan_error
from ...model.io.osm_reader import header_centre
from ...model.places import in_shanghai, ordered, packs_for_location
from ...model.rules import load_packs
from ...model.schema import LAYERS
from .. import i18n
from ...model.plan import Plan
from ...model.session import PlanSession, beside, move_into_place
from ...model.store import remove_plan_file
from ..i18n import fill


class NewPlanDialog(QDialog):
    """A new plan: its name, community kind (新建 / 既有), city and district, a point in the plan
    area (a blank plan: it picks the UTM zone) and the rule packs it is checked against — pre-set
    from where it lies (national + GB 50180 everywhere, Shanghai's only inside Shanghai,
    model/places.py) until the planner changes them. ``source``: a new plan from this OSM extract
    (its location from the file's header; a blank name: the place the data shows)."""

    def __init__(self, parent: QWidget | None = None, *, packs=None, source: str | os.PathLike | None = None):
        super().__init__(parent)
        self.source = Path(source) if source is not None else None
        self.setWindowTitle(self.tr("New plan from OpenStreetMap") if self.source else self.tr("New plan"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        if self.source is None:
            self.name.setPlaceholderText(self.tr("e.g. Siping Road sub-district, Tongji New Village"))
        else:
            self.name.setPlaceholderText(self.tr("Leave blank to name it after the place the data shows"))
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
        self.district.setPlaceholderText(self.tr("e.g. Yangpu District, Shanghai"))
        self.subdistrict = QLineEdit()
        form.addRow(self.tr("Plan name"), self.name)
        form.addRow(self.tr("Community kind"), self.kind)
        self.centre = header_centre(self.source) if self.source is not None else None
        if self.source is None:
            form.addRow(self.tr("Longitude"), self.lon)
            form.addRow(self.tr("Latitude"), self.lat)
        else:
            self.lon.hide()
            self.lat.hide()
            form.addRow(self.tr("Extract"), QLabel(self.source.name))
        form.addRow(self.tr("City and district"), self.district)
        form.addRow(self.tr("Sub-district"), self.subdistrict)
        box = QGroupBox(self.tr("Rule packs checked"))
        column = QVBoxLayout(box)
        self.where = QLabel()
        self.where.setWordWrap(True)
        column.addWidget(self.where)
        self.pack_boxes: dict[str, QCheckBox] = {}
        for pack in (packs if packs is not None else load_packs()):
            check = QCheckBox(i18n.pick(pack.name_zh, pack.name_en))
            check.setToolTip(pack.document or pack.id)
            check.toggled.connect(self._packs_touched)
            column.addWidget(check)
            self.pack_boxes[pack.id] = check
        form.addRow(box)
        self._touched = False
        self._presetting = False
        self.lon.valueChanged.connect(self._preset_packs)
        self.lat.valueChanged.connect(self._preset_packs)
        self._preset_packs()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def location(self) -> tuple[float, float] | None:
        """Where the plan lies: the point given (blank plan) or the extract's centre (None when the
        extract declares no bounds)."""
        return (self.lon.value(), self.lat.value()) if self.source is None else self.centre

    def _preset_packs(self) -> None:
        """The packs that apply at the plan's location, until the planner has chosen their own."""
        where = self.location()
        inside = where is not None and in_shanghai(*where)
        if where is None:
            self.where.setText(self.tr("The extract does not say where it lies: only the national standards are on."))
        elif inside:
            self.where.setText(self.tr("The plan lies in Shanghai: the national and Shanghai standards apply."))
        else:
            self.where.setText(self.tr("The plan lies outside Shanghai: Shanghai's own standards do not apply."))
        if self._touched:
            return
        chosen = set(packs_for_location(where))
        self._presetting = True
        for pid, check in self.pack_boxes.items():
            check.setChecked(pid in chosen)
        self._presetting = False

    def _packs_touched(self) -> None:
        if not self._presetting:
            self._touched = True

    def rule_packs(self) -> tuple[str, ...]:
        """The checked packs, in the packs' order."""
        return ordered(pid for pid, check in self.pack_boxes.items() if check.isChecked())

    def values(self) -> dict:
        return dict(name=self.name.text().strip(), kind=self.kind.currentData(),
                    lonlat=self.location(), district=self.district.text().strip(),
                    subdistrict=self.subdistrict.text().strip(), rule_packs=self.rule_packs())


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


class ProgressWords(QObject):
    """The importers' progress texts (model: English, ``check_progress``) in the interface language."""

    def text(self, message: str) -> str:
        words = {"reading OSM XML": self.tr("Reading the OSM file…"), "reading OSM PBF": self.tr("Reading the OSM file…"),
                 "reading GeoJSON": self.tr("Reading the GeoJSON file…"), "classifying": self.tr("Sorting the map objects…"),
                 "building polygons": self.tr("Building areas…"), "building lines": self.tr("Building roads and paths…"),
                 "estimating homes": self.tr("Estimating households…"), "placing points": self.tr("Placing stops and entrances…"),
                 "ready to write": self.tr("Ready to write…"), "writing the plan": self.tr("Writing the plan…"),
                 "done": self.tr("Done")}
        if message in words:
            return words[message]
        if message.startswith("writing "):
            layer = message[len("writing "):]
            spec = LAYERS.get(layer)
            if spec is not None:
                return fill(self.tr("Writing %1…"), i18n.pick(spec.title_zh, spec.title_en))
        return message


def progress_text(message: str) -> str:
    """``ProgressWords().text(message)``: an importer's progress message as the planner reads it."""
    return ProgressWords().text(message)


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
        except Exception as e:  # a fault no check foresaw: one sentence for the planner, the trace on stderr
            traceback.print_exc(limit=5)
            self.finished.emit(None, as_plan_error(e))
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
            self.dialog.setLabelText(progress_text(text))
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

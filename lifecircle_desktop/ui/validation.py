"""The live validation loop (design.md §5).

Edit → ChangeSet → :meth:`ValidationLoop.mark_dirty` merges it with the pending ones and restarts a
~150 ms debounce timer → when it fires, an immutable Snapshot of the scenario is taken on the GUI
thread and sent to ONE worker thread → the validator recomputes what the ChangeSet touches
(``Validator.update``) or everything (``Validator.full``, the first run of a plan or scenario) →
``resultsReady(Results)`` on the GUI thread. A result whose snapshot is older than the latest edit
is dropped: a newer run is already due.

No database connection crosses the thread (style.md §4): the worker sees snapshots only, and the
validator object is used by the worker alone once the loop owns it.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ..model.errors import PlanError
from ..model.findings import Results
from ..model.plan import ChangeSet, Plan
from ..model.snapshot import Snapshot, take_snapshot

DEBOUNCE_MS = 150

_garbage_collector = None


def collect_garbage_in_gui_thread() -> None:
    """Python's cyclic GC runs in whichever thread happens to allocate; run in the worker, it
    finalised Qt objects of the GUI thread (a closed window's menu) while the GUI thread was deleting
    Qt objects itself, and the two deadlocked on Qt's and Python's locks (seen in the test suite).
    So automatic collection is off and collection happens on a GUI-thread timer (pyqtgraph's
    GarbageCollector, made for exactly this)."""
    global _garbage_collector
    if _garbage_collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector
        _garbage_collector = GarbageCollector(interval=0.5)


_held = 0


def hold_garbage_collection(held: bool) -> None:
    """Pause (True) or resume (False) the GUI thread's collections, counted, while a worker thread
    makes Qt objects (the export's report and poster). A collection on the GUI thread meanwhile
    would destroy the worker's objects from the wrong thread, and any QObject destroyed on the GUI
    thread asks for the GIL (PySide's disconnectNotify) while it holds one of Qt's signal-slot
    mutexes, which the worker, holding the GIL inside a PySide call, may be waiting for: the two
    deadlocked (in the test suite, and once in ~120 reports of a stress run). What the worker left is
    collected once it has finished."""
    global _held
    _held = max(0, _held + (1 if held else -1))
    timer = _garbage_collector.timer if _garbage_collector is not None else None
    if timer is None:
        return
    if _held:
        timer.stop()
    elif not timer.isActive():
        timer.start()


@dataclass
class Job:
    kind: str  # "full", "update" or "reachable"
    snapshot: Snapshot
    validator: object
    changes: ChangeSet | None = None
    request: dict = field(default_factory=dict)  # reachable: layer, fid (or keys), limit_m, key


class _Worker(QObject):
    """Lives in the worker thread; runs one job at a time, in the order they were sent."""
    done = Signal(object, object, object)  # job, result, error (PlanError or str)

    @Slot(object)
    def run(self, job: Job) -> None:
        result, error = None, None
        try:
            v, snap = job.validator, job.snapshot
            if job.kind == "full":
                result = v.full(snap)
            elif job.kind == "update":
                result = v.update(snap, job.changes)
            else:
                r = job.request
                if "keys" in r:
                    result = v.reachable_from(snap, r["keys"], r["limit_m"])
                else:
                    result = v.reachable(snap, r["layer"], r["fid"], r["limit_m"])
            if isinstance(result, Results):
                result.version = snap.version
        except PlanError as e:
            error = e
        except Exception:  # the engine's bug must not kill the desktop; it is reported instead
            error = traceback.format_exc(limit=6)
        self.done.emit(job, result, error)


class ValidationLoop(QObject):
    """Debounced, incremental, single-worker validation of one scenario of the open plan."""

    resultsReady = Signal(object)        # Results (current: never older than the latest edit)
    reachableReady = Signal(object, object)  # request key, list of LineStrings
    runStarted = Signal(int)             # snapshot version, as a run is sent to the worker
    busyChanged = Signal(bool)
    failed = Signal(object)              # PlanError or a traceback text

    _submit = Signal(object)

    def __init__(self, parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        collect_garbage_in_gui_thread()  # before the worker thread exists
        self.plan: Plan | None = None
        self.scenario = "base"
        self.validator = None
        self.results: Results | None = None
        self.runs = 0          # runs sent to the worker (tests count them)
        self.dropped = 0       # stale results dropped
        self._version = 0      # increases with every edit, plan or scenario switch
        self._dirty: ChangeSet | None = None
        self._needs_full = True
        self._busy = False
        self._want_run = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._start)
        self._thread = QThread()
        self._thread.setObjectName("validation")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()

    # --- what to validate --------------------------------------------------------------------
    def set_plan(self, plan: Plan | None, scenario: str = "base", validator=None) -> None:
        """A plan opened, with its validator (None: nothing to validate, e.g. a pack is missing);
        the first run, a full one, starts at once."""
        self.plan = plan
        self.scenario = scenario
        self.results = None
        self.validator = validator if plan is not None else None
        self._restart_full()

    def set_scenario(self, scenario: str) -> None:
        self.scenario = scenario
        self._restart_full()

    def _restart_full(self) -> None:
        self._version += 1
        self._dirty = None
        self._needs_full = True
        self._timer.stop()
        self._request_run()

    def mark_dirty(self, changes: ChangeSet) -> None:
        """After every committed edit: merge, and (re)start the debounce."""
        if self.plan is None:
            return
        self._version += 1
        self._dirty = changes if self._dirty is None else self._dirty.merge(changes)
        self._timer.start()

    def flush(self) -> None:
        """Run now instead of waiting out the debounce (tests, screenshot, benchmarks)."""
        if self._timer.isActive():
            self._timer.stop()
            self._request_run()

    @property
    def version(self) -> int:
        return self._version

    @property
    def busy(self) -> bool:
        return self._busy

    # --- running ------------------------------------------------------------------------------
    def _start(self) -> None:
        self._request_run()

    def _request_run(self) -> None:
        if self.plan is None or self.validator is None:
            return
        if self._busy:
            # One worker, one run at a time: the edits wait and go as one batch when it is free.
            self._want_run = True
            return
        self._want_run = False
        snapshot = take_snapshot(self.plan, self.scenario, self._version)
        if self._needs_full or self._dirty is None:
            job = Job("full", snapshot, self.validator)
        else:
            job = Job("update", snapshot, self.validator, self._dirty)
        self._dirty = None
        self._needs_full = False
        self._set_busy(True)
        self.runs += 1
        self.runStarted.emit(snapshot.version)
        self._submit.emit(job)

    def request_reachable(self, layer: str, fid: int, limit_m: float, key=None) -> None:
        """The walking network within ``limit_m`` of one facility (for the map's coverage overlay)."""
        if self.plan is None or self.validator is None:
            return
        snapshot = take_snapshot(self.plan, self.scenario, self._version)
        self._submit.emit(Job("reachable", snapshot, self.validator,
                              request=dict(layer=layer, fid=fid, limit_m=limit_m, key=key)))

    def request_reachable_from(self, keys, limit_m: float, key=None) -> None:
        """The walking network within ``limit_m`` of any of ``keys`` ((layer, fid) pairs): every
        facility of a walking rule's types, in one search."""
        if self.plan is None or self.validator is None:
            return
        snapshot = take_snapshot(self.plan, self.scenario, self._version)
        self._submit.emit(Job("reachable", snapshot, self.validator,
                              request=dict(keys=[tuple(k) for k in keys], limit_m=limit_m, key=key)))

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    @Slot(object, object, object)
    def _on_done(self, job: Job, result, error) -> None:
        if job.kind == "reachable":
            if error is None and job.validator is self.validator:
                self.reachableReady.emit(job.request.get("key"), result or [])
            elif error is not None:
                self.failed.emit(error)
            return
        self._set_busy(False)
        if error is not None:
            # The engine's incremental state is unknown after a failure: the next run is full.
            self._needs_full = True
            self.failed.emit(error)
        elif job.validator is not self.validator or job.snapshot.version < self._version \
                or job.snapshot.scenario != self.scenario:
            self.dropped += 1  # stale: an edit (or another plan/scenario) came after its snapshot
        else:
            self.results = result
            self.resultsReady.emit(result)
        if self._want_run or (error is None and job.snapshot.version < self._version
                              and not self._timer.isActive()):
            self._request_run()

    def shutdown(self) -> None:
        """Stop the worker thread (waits for a run in progress to end)."""
        self._timer.stop()
        self.plan = None
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()

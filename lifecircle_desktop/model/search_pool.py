"""The walking searches of a full validation on the other CPU cores (issue 17).

A full validation at 10^6 walking edges runs one multi-source Dijkstra per facility type: 8 ×
0.26–0.30 s on one core, and scipy's ``dijkstra`` holds the GIL (two threads took as long as one).
So they run in worker processes while the validator's own process snaps the homes to the network.

The base graph (the CSR rows of the network, ~26 MB at 10^6 edges) is put once in shared memory
(``SearchPool.share`` → ``SharedGraph``, which pickles as a name and two sizes); a search sends only
its virtual source rows and gets back the distances and the nearest source of every node.

Workers are forked from a fork server (spawned where there is none) that has imported only numpy
and scipy.sparse.csgraph, and they run this file by path, not as ``lifecircle_desktop.model.…``:
importing the package imports the whole model (0.6 s, shapely, pandas). Nor do they import the
caller's ``__main__`` (a script that validates at import would validate again in every worker).

This module imports numpy, scipy and the standard library only (workers run it on its own).
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import secrets
import signal
import sys
import threading
import weakref
from collections import OrderedDict
from concurrent.futures import Future
from multiprocessing import shared_memory

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

NO_SOURCE = -9999  # scipy's mark of a node no source reaches within the limit
_WORKER_RUN_NAME = "__lifecircle_search_worker__"
_NAME_PREFIX = "lcsp_"  # our shared memory blocks: /dev/shm/lcsp_<hex> (≤ 31 characters for macOS)


class SearchWorkerDied(RuntimeError):
    """The worker holding a search stopped (killed, out of memory) before it answered; the pool
    starts a new one for the next search, and the caller searches this one itself."""


# --- the search itself (the same in a worker and in-process) ---------------------------------------

def search_here(indptr, indices, data, extra_indptr, extra_indices, extra_data, limit: float) -> tuple:
    """The search a worker runs, in this process: the base rows ``indptr/indices/data`` followed by
    k virtual source rows (``extra_indptr`` their row ends, continuing ``indptr``), searched from the
    k virtual rows at once. Returns (dist[:n] float64, source[:n] int64: n + the source's row, or
    ``NO_SOURCE``)."""
    n = len(indptr) - 1
    extra_indptr = np.asarray(extra_indptr, dtype=np.int32)
    if len(extra_indptr) == 0:
        return np.full(n, np.inf), np.full(n, NO_SOURCE, dtype=np.int64)
    matrix = csr_matrix((np.concatenate([data, extra_data]).astype(np.float64, copy=False),
                         np.concatenate([indices, extra_indices]).astype(np.int32, copy=False),
                         np.concatenate([indptr, extra_indptr])),
                        shape=(n + len(extra_indptr),) * 2, copy=False)
    dist, src = _search(matrix, n, len(extra_indptr), limit)
    return dist, src.astype(np.int64)


def _search(matrix, n: int, k: int, limit: float) -> tuple:
    """(dist[:n], source[:n] as scipy gives it: int32)."""
    dist, _, src = dijkstra(matrix, directed=True, indices=n + np.arange(k), limit=limit,
                            min_only=True, return_predecessors=True)
    return dist[:n], src[:n]


def _check_extra(n: int, m: int, extra_indptr, extra_indices, extra_data) -> tuple:
    """The virtual rows as the dtypes the search wants, or ValueError when they do not continue
    the base rows (a caller's bug, said at once rather than in a worker)."""
    extra_indptr = np.ascontiguousarray(extra_indptr, dtype=np.int32).reshape(-1)
    extra_indices = np.ascontiguousarray(extra_indices, dtype=np.int32).reshape(-1)
    extra_data = np.ascontiguousarray(extra_data, dtype=np.float64).reshape(-1)
    if len(extra_indices) != len(extra_data):
        raise ValueError("extra_indices and extra_data differ in length")
    if len(extra_indptr) and (extra_indptr[-1] != m + len(extra_indices)
                              or extra_indptr[0] < m or (np.diff(extra_indptr) < 0).any()):
        raise ValueError("extra_indptr must continue the base indptr up to its entries' end")
    if len(extra_indices) and (extra_indices.min() < 0 or extra_indices.max() >= n):
        raise ValueError("extra_indices must name base nodes")
    return extra_indptr, extra_indices, extra_data


# --- the base graph in shared memory -------------------------------------------------------------

def _layout(n: int, m: int) -> tuple:
    """Byte offsets of indptr (int32, n + 1), indices (int32, m), data (float64, m, 8-aligned) in
    one block, and its size."""
    at_indices = 4 * (n + 1)
    at_data = (at_indices + 4 * m + 7) // 8 * 8
    return at_indices, at_data, max(1, at_data + 8 * m)


def _views(buf, n: int, m: int) -> tuple:
    at_indices, at_data, _ = _layout(n, m)
    return (np.frombuffer(buf, dtype=np.int32, count=n + 1),
            np.frombuffer(buf, dtype=np.int32, count=m, offset=at_indices),
            np.frombuffer(buf, dtype=np.float64, count=m, offset=at_data))


def _release(block: shared_memory.SharedMemory, maker: int) -> None:
    """Unlink first: a mapping someone still reads stays valid, the name is gone at once. Only in
    the process that made it (a plain fork of it runs the same finalizers at its exit)."""
    if os.getpid() != maker:
        return
    try:
        block.unlink()
    except FileNotFoundError:
        pass
    try:
        block.close()
    except BufferError:  # a view still exported: the mapping goes with it
        pass


def _attach(name: str) -> shared_memory.SharedMemory:
    """Map a block another process made, without telling the resource tracker: it is shared with
    the maker, so registering here (Python < 3.13 always does) would leave the name to be
    'leaked' at exit if it came after the maker's unlink."""
    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name, track=False)
    if os.name != "posix":  # no resource tracker for shared memory there
        return shared_memory.SharedMemory(name)
    from multiprocessing import resource_tracker
    register = resource_tracker.register
    resource_tracker.register = lambda *args: None  # a worker is single-threaded: nobody else sees this
    try:
        return shared_memory.SharedMemory(name)
    finally:
        resource_tracker.register = register


class SharedGraph:
    """A base graph's CSR rows in shared memory, for the workers to map. Pickles as its name and
    sizes. The maker unlinks it on ``close()``, when collected, or at exit."""

    def __init__(self, indptr, indices, data):
        indptr = np.ascontiguousarray(indptr, dtype=np.int32).reshape(-1)
        indices = np.ascontiguousarray(indices, dtype=np.int32).reshape(-1)
        data = np.ascontiguousarray(data, dtype=np.float64).reshape(-1)
        if (len(indptr) < 1 or len(indices) != len(data) or indptr[0] != 0 or indptr[-1] != len(indices)
                or (np.diff(indptr) < 0).any() or (len(indices) and (indices.min() < 0 or indices.max() >= len(indptr) - 1))):
            raise ValueError("not CSR rows of a square matrix")  # a worker's search would read out of bounds
        self.n, self.m = len(indptr) - 1, len(indices)
        while True:
            try:
                block = shared_memory.SharedMemory(_NAME_PREFIX + secrets.token_hex(8), create=True,
                                                   size=_layout(self.n, self.m)[2])
                break
            except FileExistsError:
                continue
        try:
            a, b, c = _views(block.buf, self.n, self.m)
            a[:], b[:], c[:] = indptr, indices, data
            del a, b, c
        except BaseException:
            _release(block, os.getpid())
            raise
        self.name = block.name
        self._finalizer = weakref.finalize(self, _release, block, os.getpid())

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        """Unlink the shared memory. A worker mid-search keeps its own mapping until it is done."""
        self._finalizer()

    @classmethod
    def _named(cls, name: str, n: int, m: int) -> "SharedGraph":
        """The same block, named on the other side of a pipe: it neither maps nor unlinks it."""
        graph = cls.__new__(cls)
        graph.name, graph.n, graph.m = name, n, m
        graph._finalizer = weakref.finalize(graph, int)  # alive until close(); nothing to release
        return graph

    def __reduce__(self):
        return (SharedGraph._named, (self.name, self.n, self.m))

    def __enter__(self) -> "SharedGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- the worker ----------------------------------------------------------------------------------

class _Mapped:
    """A worker's own mapping of one shared graph, and its room: a private copy of the base rows
    with space after them for the virtual rows (one copy per graph, not one per search)."""

    def __init__(self, name: str, n: int, m: int):
        self.block = _attach(name)
        self.n, self.m = n, m
        self.indptr, self.indices, self.data = _views(self.block.buf, n, m)
        self.room_indices = np.zeros(0, dtype=np.int32)
        self.room_data = np.zeros(0)

    def matrix(self, extra_indptr, extra_indices, extra_data) -> csr_matrix:
        m, total = self.m, self.m + len(extra_indices)
        if len(self.room_data) < total:  # at least double what is asked: searches differ a little
            size = m + 2 * (total - m) + 64
            self.room_data = np.empty(size)
            self.room_indices = np.empty(size, dtype=np.int32)
            self.room_data[:m] = self.data
            self.room_indices[:m] = self.indices
        self.room_data[m:total] = extra_data
        self.room_indices[m:total] = extra_indices
        k = len(extra_indptr)
        return csr_matrix((self.room_data[:total], self.room_indices[:total],
                           np.concatenate([self.indptr, extra_indptr])), shape=(self.n + k, self.n + k), copy=False)

    def close(self) -> None:
        self.indptr = self.indices = self.data = None
        try:
            self.block.close()
        except BufferError:
            pass


def _serve(conn) -> None:
    """A worker's loop: one search at a time, until the pool closes its end of the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the app, which closes the pool
    os.environ["LIFECIRCLE_SEARCH_WORKERS"] = "0"  # and anything started from here searches itself
    mapped: OrderedDict[str, _Mapped] = OrderedDict()
    try:
        _answer(conn, mapped)
    finally:  # views first, then the mappings: else SharedMemory.__del__ complains at exit
        for graph in mapped.values():
            graph.close()


def _answer(conn, mapped: OrderedDict) -> None:
    while True:
        try:
            graph, extra_indptr, extra_indices, extra_data, limit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            name, n, m = graph
            if name not in mapped:
                mapped[name] = _Mapped(name, n, m)
                while len(mapped) > 1:  # one graph at a time (~50 MB at 10^6 edges with its room); another
                    mapped.popitem(last=False)[1].close()  # scenario's costs a new mapping, ~20 ms
            mapped.move_to_end(name)
            k = len(extra_indptr)
            if k == 0:
                answer = (np.full(n, np.inf), np.full(n, NO_SOURCE, dtype=np.int64))
            else:
                # sources as int32, half the bytes through the pipe: int64 again on the other side
                answer = _search(mapped[name].matrix(extra_indptr, extra_indices, extra_data), n, k, limit)
            reply = ("ok", answer)
        except FileNotFoundError:
            reply = ("error", ValueError("the shared graph was closed before the search began"))
        except Exception as e:  # noqa: BLE001 — the caller gets it from the future
            reply = ("error", RuntimeError(f"{type(e).__name__}: {e}"))
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


# --- the pool ------------------------------------------------------------------------------------

_launching = threading.local()


def _install_lean_preparation() -> None:
    """Workers must not import the caller's ``__main__`` (spawn and the fork server do, to find
    pickled functions there): a script without a ``__main__`` guard would run again in every
    worker, and the app's entry point imports the whole model. The preparation data loses the
    main module only for processes this pool starts (a thread-local flag), nobody else's."""
    from multiprocessing import spawn
    original = spawn.get_preparation_data
    if getattr(original, "_lifecircle_lean", False):
        return

    def get_preparation_data(name):
        data = original(name)
        if getattr(_launching, "lean", False):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data._lifecircle_lean = True
    spawn.get_preparation_data = get_preparation_data


def _context():
    """The fork server on Linux (the app has threads: a plain fork of it is unsafe), preloading
    only what a search needs; spawn where there is none."""
    if "forkserver" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        # The fork server is one per process: if batch.py started it first, its preload (the
        # validator) stays, and workers merely inherit more than they need.
        # numpy + scipy.sparse.csgraph: 0.2–0.4 s once in the server; a worker then runs this file in ~5 ms
        context.set_forkserver_preload(["numpy", "scipy.sparse.csgraph", "runpy", "multiprocessing.shared_memory",
                                        "concurrent.futures"])
        return context
    return multiprocessing.get_context("spawn")


class _Slot:
    """One worker process and the thread that feeds it: one search at a time, so that a worker
    that dies fails only the search it held."""

    def __init__(self, pool: "SearchPool", index: int):
        self.pool = pool
        self.process = None
        self.conn = None
        self.busy = False  # a search is with the worker
        self.thread = threading.Thread(target=self._run, name=f"search-pool-{index}", daemon=True)
        self.thread.start()

    def _alive(self):
        """The worker's pipe, starting a worker if there is none or it has died."""
        if self.process is not None and self.process.is_alive():
            return self.conn
        self._bury()
        context = self.pool._context
        ours, theirs = context.Pipe(duplex=True)
        import runpy
        process = context.Process(target=runpy.run_path, args=(os.path.abspath(__file__),),
                                  kwargs={"init_globals": {"_worker_conn": theirs}, "run_name": _WORKER_RUN_NAME},
                                  name="lifecircle-search", daemon=True)
        _launching.lean = True
        try:
            process.start()
        except BaseException:
            ours.close()
            raise
        finally:
            _launching.lean = False
            theirs.close()  # only the worker holds that end now: its death reads as EOF here
        self.process, self.conn = process, ours
        return ours

    def _bury(self) -> None:
        """Close the pipe (a live worker reads EOF and exits) and reap the process."""
        if self.conn is not None:
            self.conn.close()
        if self.process is not None:
            self.process.join(2)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join(5)
            if self.process.exitcode is not None:
                self.process.close()
        self.process = self.conn = None

    def _run(self) -> None:
        pool = self.pool
        try:
            self._alive()  # warm: a worker ready before the first search comes
        except Exception as e:  # noqa: BLE001 — no worker can start (no fork server, no /dev/shm…)
            pool._failed(e)
        deaths = 0  # in a row, with no answer between: a worker that cannot live is not restarted for ever
        while True:
            item = pool._queue_get()
            if item is None:
                break
            future, request = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                conn = self._alive()
            except Exception as e:  # noqa: BLE001
                pool._failed(e)
                future.set_exception(SearchWorkerDied(f"no search worker could start: {e}"))
                continue
            self.busy = True
            try:
                conn.send(request)
                status, value = conn.recv()
            except Exception as e:  # noqa: BLE001 — EOF (the worker died), a broken pipe, a garbled answer
                code = self.process.exitcode if self.process is not None else None
                self._bury()
                deaths += 1
                if deaths >= 3:
                    pool._failed(e)
                future.set_exception(SearchWorkerDied(f"the search worker stopped (exit code {code}): {e!r}"))
                continue
            finally:
                self.busy = False
            deaths = 0
            if status == "ok":
                dist, src = value
                future.set_result((dist, src.astype(np.int64)))
            else:
                future.set_exception(value)
        self._bury()


class SearchPool:
    """Worker processes for ``search``; none start before ``warm()`` or the first search."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, int(workers))
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue: list = []
        self._slots: list[_Slot] = []
        self._context = None
        self._closed = False
        self.failure: BaseException | None = None  # why no worker could start, if none could

    def warm(self) -> None:
        """Start the workers in the background; returns at once."""
        with self._lock:
            self._start()

    def _start(self) -> None:
        if self._slots or self._closed:
            return
        self._context = _context()
        _install_lean_preparation()
        self._slots = [_Slot(self, i) for i in range(self.workers)]

    def share(self, indptr, indices, data) -> SharedGraph:
        """The base CSR rows (int32 (n+1,), int32 (m,), float64 (m,)) in shared memory."""
        return SharedGraph(indptr, indices, data)

    def search(self, graph: SharedGraph, extra_indptr, extra_indices, extra_data, limit: float) -> Future:
        """The multi-source search over ``graph``'s rows and k virtual source rows, in a worker.
        The future gives (dist[:n] float64, sources[:n] int64) as ``search_here``, or raises
        (``SearchWorkerDied``, a closed graph): then search in-process."""
        extra = _check_extra(graph.n, graph.m, extra_indptr, extra_indices, extra_data)
        future: Future = Future()
        if graph.closed:
            future.set_exception(ValueError("the shared graph is closed"))
            return future
        if len(extra[0]) == 0:  # no source: nothing reached, no worker needed
            future.set_result((np.full(graph.n, np.inf), np.full(graph.n, NO_SOURCE, dtype=np.int64)))
            return future
        # Plain tuples and arrays only: a worker must unpickle it without importing this package.
        request = ((graph.name, graph.n, graph.m), *extra, float(limit))
        with self._lock:
            if self._closed:
                raise RuntimeError("the search pool is closed")
            self._start()
            self._queue.append((future, request))
            self._cond.notify()
        return future

    def worker_pids(self) -> list[int]:
        """The process ids of the workers now running (for measuring their memory)."""
        with self._lock:
            slots = list(self._slots)
        pids = []
        for slot in slots:
            try:
                pids.append(slot.process.pid)
            except (AttributeError, ValueError):  # none, or just buried by its thread
                continue
        return [pid for pid in pids if pid is not None]

    def _queue_get(self):
        with self._cond:
            while not self._queue and not self._closed:
                self._cond.wait()
            return self._queue.pop(0) if self._queue else None

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            if self.failure is None:
                self.failure = error

    def close(self) -> None:
        """Stop the workers; searches not yet begun are cancelled, a search in hand fails."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            pending, self._queue = self._queue, []
            slots = list(self._slots)
            self._cond.notify_all()
        for future, _ in pending:
            if future.cancel():
                future.set_running_or_notify_cancel()  # so that wait() and as_completed() see it done
        for slot in slots:
            process = slot.process
            if process is not None and slot.busy:
                try:  # a worker mid-search: its answer is not wanted any more (an idle one reads EOF)
                    process.kill()
                except (ValueError, AttributeError):
                    pass
        for slot in slots:
            slot.thread.join(10)


# --- the process-wide pool -----------------------------------------------------------------------

_shared: SearchPool | None = None
_shared_lock = threading.Lock()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def shared_pool() -> SearchPool | None:
    """The process-wide pool (made, not started, on first call), or None where it must not be
    used: fewer than 2 CPUs, ``LIFECIRCLE_SEARCH_WORKERS=0``, inside a worker of any process pool
    (batch.py's, Dask's: they are parallel already), or its workers failed to start.
    ``LIFECIRCLE_SEARCH_WORKERS=N`` sets the number of workers (default: one fewer than the CPUs, at most 4)."""
    global _shared
    wanted = os.environ.get("LIFECIRCLE_SEARCH_WORKERS", "").strip()
    if wanted == "0" or multiprocessing.parent_process() is not None or _cpus() < 2:
        return None
    with _shared_lock:
        if _shared is None:
            # One core fewer than the machine has, up to four: the validator's own process snaps the
            # homes meanwhile and takes back the searches no worker has begun (network.Search). On the
            # 2-core reference machine one worker did as well as two, with half the memory (issue 17).
            workers = int(wanted) if wanted.isdigit() else min(4, max(1, _cpus() - 1))
            _shared = SearchPool(workers)
            atexit.register(_shared.close)
        pool = _shared
    return None if pool.failure is not None else pool


if __name__ == _WORKER_RUN_NAME:  # a worker, started by _Slot: this file run by path
    _serve(globals().pop("_worker_conn"))

"""Many plans validated in one batch: a district's or a city's communities (issue 17 item 5).

``validate_plan`` is the one per-plan function: the command line calls it in its own process
(one job), in a process pool (``--jobs N``) or on a Dask cluster (``--cluster``); each call opens
the plan, validates one scenario and returns one JSON-able line (docs/validate-batch.schema.json).
A plan that cannot be opened or validated gives a line with its sentence, never an exception, so
one bad plan never stops the others. Plans travel as a path (shared storage) or as the file's
bytes (``PlanBytes``), written by the worker to a temporary folder and removed after.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .errors import PlanError, as_plan_error, read_user_file

PLAN_SUFFIXES = (".gpkg",)


@dataclass(frozen=True)
class PlanBytes:
    """A plan file's content, sent to a worker that cannot see the planner's disk. ``wal`` is the
    content of its -wal log when one lies beside it: committed edits not yet in the file."""
    label: str
    content: bytes
    wal: bytes | None = None

    @classmethod
    def read(cls, path: str | os.PathLike) -> "PlanBytes":
        """The file and its log as one consistent pair, though a desktop may be editing the plan:
        edits go to the log (a checkpoint copies them into the file, and they stay in the log until
        the next edit starts it afresh), so a log read the same before and after the file was read
        makes a pair SQLite reads as one state; else read again."""
        for _attempt in range(5):
            before = _log_of(path)
            content = read_user_file(path, "规划文件", "a plan file")
            wal = _log_of(path)
            if wal == before:
                break
        return cls(str(path), content, wal)


def _log_of(path) -> bytes | None:
    wal = Path(str(path) + "-wal")
    try:
        return wal.read_bytes() or None
    except FileNotFoundError:
        return None


def validate_plan(plan: str | os.PathLike | PlanBytes | bytes, *, scenario: str | None = None,
                  detail: bool = False, label: str | None = None) -> dict:
    """One plan's line: its summary (and with ``detail`` its findings), or the sentence saying why
    it could not be validated. ``label`` names the plan in the line (default: the path given)."""
    started = time.perf_counter()
    if isinstance(plan, bytes):
        plan = PlanBytes(label or "plan.gpkg", plan)
    label = label or (plan.label if isinstance(plan, PlanBytes) else os.fspath(plan))
    scenario = scenario or "base"
    line = {"plan": label, "name": None, "scenario": scenario, "ok": False, "exit": 2, "summary": None}
    try:
        if isinstance(plan, PlanBytes):
            with _written(plan) as path:
                line.update(_validated(path, scenario, detail))
        else:
            line.update(_validated(plan, scenario, detail))
    except Exception as e:  # one sentence on the plan's own line (design.md §7); the batch goes on
        error = as_plan_error(e)
        line["error"] = {"zh": error.message_zh, "en": error.message_en}
    line["seconds"] = round(time.perf_counter() - started, 3)
    return line


def _validated(path, scenario: str, detail: bool) -> dict:
    from .session import PlanSession
    with PlanSession.open(path, scenario=scenario) as session:
        name = session.plan.name
        results = session.validate()
    summary = results.summary()
    out = {"name": name, "ok": True, "exit": 1 if summary["required_failed"] else 0, "summary": summary}
    if detail:  # the findings exactly as `validate --format json` gives them
        out["findings"] = [f.to_json() for f in results.findings]
    json.dumps(out, allow_nan=False)  # a value JSON cannot hold fails this plan's line, not the batch
    return out


class _written:
    """A PlanBytes as a file in a folder of its own, removed (with its side files) on exit. The
    file keeps the plan's own name, made safe, so that a sentence about it names the plan."""

    def __init__(self, plan: PlanBytes):
        self.plan = plan

    def __enter__(self) -> Path:
        self.folder = Path(tempfile.mkdtemp(prefix="lifecircle-batch-"))
        path = self.folder / safe_file_name(self.plan.label)
        path.write_bytes(self.plan.content)
        if self.plan.wal is not None:
            Path(str(path) + "-wal").write_bytes(self.plan.wal)
        return path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def safe_file_name(label: str) -> str:
    """The last part of a path, with nothing a file system could read as a folder, a device or an
    option; empty or dotted names become plan.gpkg."""
    name = re.sub(r"[^\w.\-]", "_", re.split(r"[\\/]", label)[-1])[:120].lstrip(".-").rstrip(". ")
    if name.split(".")[0].upper() in _DEVICES:  # Windows opens these as devices, with any extension
        name = "_" + name
    return name or "plan.gpkg"


# Windows's reserved device names (learn.microsoft.com, "Naming Files, Paths, and Namespaces"; the
# bundle's export/names.py keeps the same list for folder names).
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{d}" for d in "123456789"), *(f"LPT{d}" for d in "123456789")}


def plans_in(folder: str | os.PathLike, recursive: bool = False) -> list[Path]:
    """The plan files (*.gpkg) in a folder, sorted; its sub-folders too with ``recursive``."""
    root = Path(folder)
    if not root.exists():
        raise PlanError.about_file(root, "文件夹不存在", "the folder does not exist")
    if not root.is_dir():
        raise PlanError.about_file(root, "这不是文件夹（--dir 要一个文件夹）", "this is not a folder (--dir takes a folder)")
    found = root.rglob("*") if recursive else root.iterdir()
    return sorted(p for p in found if p.suffix.lower() in PLAN_SUFFIXES and p.is_file())


def validate_plans(plans: Sequence[str | os.PathLike], *, jobs: int = 1, cluster: str | None = None,
                   send_bytes: bool = False, scenario: str | None = None, detail: bool = False,
                   task=validate_plan) -> Iterator[dict]:
    """Each plan's line as its validation completes: in this process (one job, in the order
    given), in a pool of ``jobs`` processes, or on the Dask cluster at ``cluster``. A plan is
    read for ``send_bytes`` only when a worker is about to take it (6,000 plans are gigabytes).
    ``task``: the per-plan function, a module-level one with validate_plan's signature."""
    options = {"scenario": scenario, "detail": detail}
    if cluster:
        yield from _on_cluster(plans, cluster, send_bytes, options, task)
    elif jobs <= 1 or len(plans) <= 1:
        for path in plans:
            item = _payload(path, send_bytes)
            yield item if isinstance(item, dict) else task(item, **options)
    else:
        yield from _in_pool(plans, min(jobs, len(plans)), send_bytes, options, task)


def _payload(path, send_bytes: bool):
    """What travels to the worker: the path, or the file's bytes — or, when they cannot be read,
    the plan's error line at once."""
    if not send_bytes:
        return os.fspath(path)
    try:
        return PlanBytes.read(path)
    except Exception as e:
        return failed_line(os.fspath(path), e)


def failed_line(label: str, error: Exception, scenario: str | None = None) -> dict:
    """The line of a plan whose validation never returned (its worker died, the cluster lost it)."""
    error = as_plan_error(error)
    return {"plan": label, "name": None, "scenario": scenario or "base", "ok": False, "exit": 2,
            "summary": None, "error": {"zh": error.message_zh, "en": error.message_en}, "seconds": 0.0}


def _label(item) -> str:
    return item.label if isinstance(item, PlanBytes) else os.fspath(item)


_WORKER_GONE = ("验证这个规划的进程意外退出（内存不足？），未得到结果",
                "the process validating this plan stopped unexpectedly (out of memory?); no result")


def pool_context():
    """Workers forked from a server that imports the validator once (shapely, pandas, the rules:
    seconds), not each worker again; spawn where there is no fork server (Windows). Never plain
    fork: the parent may hold threads."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, f"{__package__}.session", f"{__package__}.validate"])
    return context


def _leave_interrupt_to_parent() -> None:
    """Ctrl-C reaches every process of the terminal's group: the command stops the batch (its
    workers finish the plan in hand and exit), not each worker with a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_pool(plans, jobs: int, send_bytes: bool, options: dict, task) -> Iterator[dict]:
    queue = list(plans)[::-1]
    stranded = []  # in flight when a worker died: the pool is broken, and they go again alone
    with ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context(), initializer=_leave_interrupt_to_parent) as pool:
        running: dict = {}
        try:
            while (queue or running) and not (stranded and not running):
                while queue and not stranded and len(running) < 2 * jobs:  # a few queued per worker
                    item = _payload(queue.pop(), send_bytes)
                    if isinstance(item, dict):
                        yield item
                        continue
                    try:
                        running[pool.submit(task, item, **options)] = item
                    except BrokenProcessPool:
                        stranded.append(item)
                # Every plan runs in a worker, never here: a plan that kills its process (out of
                # memory) must cost its own line only (measured: the command's own process helping
                # while the pool starts gained nothing on a busy 2-CPU machine).
                done, _ = wait(running, return_when=FIRST_COMPLETED) if running else ((), ())
                for future in done:
                    item = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        stranded.append(item)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    # One at a time, each in a fresh worker: the plan that kills its worker is the one named;
    # the plans not yet started go on in a fresh pool.
    for item in stranded:
        with ProcessPoolExecutor(max_workers=1, mp_context=pool_context(), initializer=_leave_interrupt_to_parent) as alone:
            try:
                yield alone.submit(task, item, **options).result()
            except BrokenProcessPool:
                yield failed_line(_label(item), PlanError(*_WORKER_GONE), options["scenario"])
    if queue:
        yield from validate_plans(queue[::-1], jobs=jobs, send_bytes=send_bytes, task=task, **options)


def _on_cluster(plans, address: str, send_bytes: bool, options: dict, task) -> Iterator[dict]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise PlanError("没有安装 Dask，不能使用 --cluster；请安装：pip install 'lifecircle-desktop[cluster]'",
                        "Dask is not installed, so --cluster cannot be used; install it with "
                        "pip install 'lifecircle-desktop[cluster]'") from None
    try:
        client = Client(address, timeout=20)
    except (OSError, TimeoutError, ValueError) as e:
        detail = " ".join(str(e).split())[:200]
        raise PlanError(f"无法连接 Dask 集群 {address}（{detail}）",
                        f"cannot connect to the Dask cluster at {address} ({detail})") from None
    with client:
        threads = sum(client.nthreads().values()) or 1
        queue = list(plans)[::-1]
        running = as_completed()
        items = {}

        def submit_more():
            while queue and running.count() < 4 * threads:  # bytes read only as workers free up
                item = _payload(queue.pop(), send_bytes)
                if isinstance(item, dict):
                    return item
                future = client.submit(task, item, **options, pure=False)
                items[future.key] = item
                running.add(future)
            return None

        while True:
            unreadable = submit_more()
            if unreadable is not None:
                yield unreadable
                continue
            if running.is_empty():
                break
            future = next(running)
            item = items.pop(future.key)
            try:
                yield future.result()
            except Exception as e:  # the worker died (KilledWorker) or could not import this package
                yield failed_line(_label(item), e, options["scenario"])
            future.release()

"""Errors the user sees: one sentence, Chinese and English (the UI picks per its language)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class PlanError(Exception):
    """Something the user must be told in one sentence; never a traceback."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    @classmethod
    def about_file(cls, path, zh: str, en: str) -> "PlanError":
        """An error about a file, led by its name: "siping.osm: the file is empty"."""
        from pathlib import Path
        name = Path(path).name
        return cls(f"{name}：{zh}", f"{name}: {en}")

    def message(self, language: str = "en") -> str:
        return self.message_zh if language.startswith("zh") else self.message_en


class InvalidGeometry(PlanError):
    """A geometry the plan refuses to store (self-intersection, too few points, …)."""


class NotAPlan(PlanError):
    """The file is not a plan, or it is damaged."""


class PlanFileError(PlanError):
    """The plan file refused a write (locked, full disk, read-only, a trigger): nothing of the
    edit is in the file, and the plan in memory must be re-read from it."""

    @classmethod
    def from_sqlite(cls, error: sqlite3.Error) -> "PlanFileError":
        """One sentence for an sqlite3.Error raised by a write (result codes: sqlite.org/rescode.html)."""
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
        if code in _SQLITE_SENTENCES:
            return cls(*_SQLITE_SENTENCES[code])
        # SQLITE_ERROR, SQLITE_CONSTRAINT (a trigger's RAISE) …: SQLite's own words name the cause.
        return cls(f"规划文件拒绝了这次修改（{error}），未作任何更改",
                   f"the plan file refused the change ({error}); nothing was changed")


_BUSY = ("另一个程序正在写入这个规划文件，请稍后再试；未作任何更改",
         "another program is writing to the plan file; try again in a moment (nothing was changed)")
# The primary SQLite result codes a write meets, as sentences for the planner.
_SQLITE_SENTENCES = {
    sqlite3.SQLITE_BUSY: _BUSY,
    sqlite3.SQLITE_LOCKED: _BUSY,
    sqlite3.SQLITE_READONLY: ("规划文件是只读的，不能修改；未作任何更改",
                              "the plan file is read-only and cannot be changed (nothing was changed)"),
    sqlite3.SQLITE_IOERR: ("无法写入规划文件（磁盘读写错误），未作任何更改",
                           "the plan file cannot be written (a disk input/output error); nothing was changed"),
    sqlite3.SQLITE_FULL: ("磁盘已满，未作任何更改；请腾出空间后再试",
                          "the disk is full; nothing was changed — free some space and try again"),
}


def read_user_file(path, what_zh: str, what_en: str, size: int = -1, error: type = PlanError) -> bytes:
    """The first ``size`` bytes (all with -1) of a file the user named, or ``error`` saying in one
    sentence why not: missing, a folder, unreadable. ``what`` names what the file should be."""
    from pathlib import Path
    p = Path(path)
    if not p.exists():
        raise error.about_file(p, "文件不存在", "the file does not exist")
    if p.is_dir():
        raise error.about_file(p, f"这是一个文件夹，不是{what_zh}", f"this is a folder, not {what_en}")
    try:
        with open(p, "rb") as f:
            return f.read(size)
    except OSError as e:
        reason = e.strerror or str(e)
        raise error.about_file(p, f"无法读取（{reason}）", f"cannot be read ({reason})") from None


def as_plan_error(error: Exception) -> PlanError:
    """Any error as the one sentence the planner reads. The model turns what it foresees into a
    PlanError; what still reaches here is the machine's side — the disk, the database, memory —
    and is said as such (issue 10: never "unexpected error")."""
    if isinstance(error, PlanError):
        return error
    detail = " ".join(str(error).split())[:200] or type(error).__name__
    if isinstance(error, sqlite3.Error):  # locked, disk full, read-only, a trigger's error
        return PlanError(f"无法读写规划文件（{detail}）", f"the plan file could not be read or written ({detail})")
    if isinstance(error, OSError):
        where = f"{Path(os.fsdecode(error.filename)).name}: " if isinstance(error.filename, (str, bytes)) else ""
        reason = error.strerror or detail
        return PlanError(f"{where}无法读写文件（{reason}）", f"{where}the file could not be read or written ({reason})")
    if isinstance(error, MemoryError):
        return PlanError("内存不足，无法完成", "there is not enough memory to finish")
    if isinstance(error, UnicodeDecodeError):  # text in a damaged plan file read back from SQLite
        return PlanError("文件中有不是 UTF-8 的文字（文件已损坏？）", "the file holds text that is not valid UTF-8 (is it damaged?)")
    if isinstance(error, RecursionError):
        return PlanError("数据嵌套过深，无法读取", "the data is nested too deeply to be read")
    # A fault of ours that no check foresaw: still one sentence, saying so, for a bug report.
    return PlanError(f"程序内部错误（{type(error).__name__}：{detail}），请报告此问题",
                     f"an internal error ({type(error).__name__}: {detail}); please report it")

"""Errors the user sees: one sentence, Chinese and English (the UI picks per its language)."""
from __future__ import annotations


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

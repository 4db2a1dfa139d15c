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

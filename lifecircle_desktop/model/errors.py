"""Errors the user sees: one sentence, Chinese and English (the UI picks per its language)."""
from __future__ import annotations


class PlanError(Exception):
    """Something the user must be told in one sentence; never a traceback."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, language: str = "en") -> str:
        return self.message_zh if language.startswith("zh") else self.message_en


class InvalidGeometry(PlanError):
    """A geometry the plan refuses to store (self-intersection, too few points, …)."""


class NotAPlan(PlanError):
    """The file is not a plan, or it is damaged."""

"""User-visible text of the map and its tools.

Every string goes through ``translate("MapCanvas", "English source")`` — the same call shape as
``QCoreApplication.translate``, so ``pyside6-lupdate`` extracts them into the project's one
translation catalogue (resources/translations/lifecircle_zh_CN.ts), like every other UI string.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_language: str | None = None  # None: follow the application's language (ui/i18n.py)
# Translations looked up so far. The drawing tools relabel the cursor on every mouse move, and a
# lookup (plus the application's language, read from QSettings) costs more than the move budget
# can spare; set_language() — called by the main window on every language change — clears it.
_cache: dict[tuple, str] = {}
_resolved: str | None = None  # the application's language, looked up once


def set_language(language: str | None) -> None:
    """"zh" or "en"; None follows the application's language again."""
    global _language, _resolved
    _language = None if language is None else ("zh" if language.lower().startswith("zh") else "en")
    _resolved = None
    _cache.clear()


def language() -> str:
    global _resolved
    if _language is not None:
        return _language
    if _resolved is None:
        try:
            from .. import i18n
            _resolved = i18n.language()
        except Exception:  # no application language yet: the planners' own
            _resolved = "zh"
    return _resolved


def translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    key = (context, source, disambiguation, n)
    try:
        return _cache[key]
    except KeyError:
        pass
    out = _cache[key] = QCoreApplication.translate(context, source, disambiguation, n)
    return out

"""File and folder names made safe from any plan or scenario name (issue 12 item 1).

A plan is named by a planner ("四平社区/二期", "CON", "..", a name pasted with a tab in it) and the
bundle's folder carries that name to a district office's Windows share: what no file system there
accepts is replaced, and the result is never empty, never a path, never hidden.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

# Windows refuses these as a file name's stem, in any case, with or without an extension
# (learn.microsoft.com, "Naming Files, Paths, and Namespaces"; COM¹²³/LPT¹²³ included).
_RESERVED = {"CON", "PRN", "AUX", "NUL",
             *(f"COM{c}" for c in "123456789¹²³"), *(f"LPT{c}" for c in "123456789¹²³")}
# Characters no Windows file name may hold, and the path separators of every system.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# A name's limit in UTF-8 bytes: ext4 and NTFS allow 255 for the whole name; the bundle's folder
# joins three parts and its temporary name adds ".….partial-<pid>", so each part gets far less.
MAX_BYTES = 80


def safe_name(text: str, *, fallback: str = "plan", max_bytes: int = MAX_BYTES) -> str:
    """``text`` as one file name every system accepts: no separators or characters Windows forbids
    (each becomes "_"), no control or format characters, no leading dot (hidden) or trailing dot or
    space (Windows drops them), not a reserved device name, at most ``max_bytes`` bytes of UTF-8
    (cut between characters); ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFC", str(text))
    # Control (Cc), format (Cf: bidi overrides that disguise an extension), separators of lines
    # and paragraphs, surrogates and unassigned code points: gone; every kind of space: one space.
    kept = []
    for c in text:
        category = unicodedata.category(c)
        if category.startswith("Z") or c in "\t\n\r\v\f":
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(c)
    text = _FORBIDDEN.sub("_", "".join(kept))
    text = " ".join(text.split())
    text = _trim(text)
    if len(text.encode("utf-8")) > max_bytes:
        text = _trim(text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore"))
    if not text or set(text) <= {"_"}:
        text = fallback
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    return text


def _trim(text: str) -> str:
    """No leading dots or spaces (a hidden file, "..") and no trailing ones (Windows drops them)."""
    return text.strip(" .")


def bundle_folder_name(plan_name: str, scenario_title: str, date: _dt.date) -> str:
    """The bundle's folder: "四平社区_基础方案_2026-12-02" (plan, scenario, date), each part made safe."""
    return f"{safe_name(plan_name)}_{safe_name(scenario_title, fallback='scenario', max_bytes=60)}_{date.isoformat()}"


def unique_path(folder, name: str):
    """``folder / name``, or ``name (2)``, ``name (3)``… — the first that does not exist: an
    earlier bundle is never overwritten."""
    from pathlib import Path
    folder = Path(folder)
    candidate = folder / name
    n = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{name} ({n})"
        n += 1
    return candidate

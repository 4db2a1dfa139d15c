"""Pinned because it bites (style.md §9): PySide6 6.12.0 drops a reference to True on every
signal emit with a bool argument under Python 3.11, until the interpreter aborts in bool_dealloc.
We pin PySide6-Essentials 6.11.3; this canary fails first if the pin moves or the bug returns."""
import sys

import PySide6
from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)


def test_bool_signal_emits_keep_reference_to_true(qapp):
    sender = _Emitter()
    seen = []
    sender.flag.connect(lambda value: seen.append(value) if len(seen) < 3 else None)
    before = sys.getrefcount(True)
    for _ in range(10_000):
        sender.flag.emit(True)
    after = sys.getrefcount(True)
    # Each leak would take one reference per emit: 10,000 gone. Allow a little noise.
    assert after >= before - 10, f"sys.getrefcount(True) fell from {before} to {after}"
    assert seen == [True, True, True]


def test_pyside_is_the_pinned_version():
    # pyproject.toml pins PySide6-Essentials==6.11.3 (6.12.0: bool_dealloc abort, see above).
    assert PySide6.__version__ == "6.11.3"

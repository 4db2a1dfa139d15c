"""The cyclic garbage collector paused around bulk work (imports, opening a plan, a full validation).

Each of them makes or walks ~10^5–10^6 acyclic objects (rows, strings, geometries); the collector's
repeated full scans over them cost 10–20 % of a Malta import and 0.4–0.6 s of opening or validating a
10^6-edge district (issue 17, measured). Nothing such work makes is cyclic garbage worth collecting
meanwhile.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def no_gc():
    """Pause the collector for the block (as it was after: a nested pause leaves it paused)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

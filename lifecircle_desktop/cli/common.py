"""What several subcommands share: the language of messages, argument types, import summaries."""
from __future__ import annotations

import argparse
import os
import sys


def language() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if lang.startswith("zh") else "en"


def lon_lat_point(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected LON,LAT, e.g. 121.50,31.28") from None
    return lon, lat


def print_import_summary(summary: dict, out=None) -> None:
    """Features per layer, then what was repaired or skipped and why (on stdout by default,
    looked up at the call, so that a redirected stdout is honoured)."""
    out = out or sys.stdout
    width = max(len(n) for n in summary["layers"]) if summary["layers"] else 8
    for layer, n in summary["layers"].items():
        print(f"  {layer:<{width}}  {n:>7,}", file=out)
    for reason, n in (summary.get("repaired") or {}).items():
        print(f"  repaired: {n:,} {reason}", file=out)
    for reason, n in (summary.get("skipped") or {}).items():
        print(f"  skipped: {n:,} {reason}", file=out)


def progress_reporter(enabled: bool):
    """A progress callback printing every 5 % on stderr (``--progress``), or None."""
    if not enabled:
        return None
    last = {"percent": -1}

    def report(fraction: float, message: str) -> bool:
        percent = int(fraction * 100)
        if percent // 5 != last["percent"] // 5:
            last["percent"] = percent
            print(f"  {percent:3d}%  {message}", file=sys.stderr)
        return True

    return report

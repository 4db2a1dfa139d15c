"""The command line: ``lifecircle`` / ``python -m lifecircle_desktop`` (design.md §7).

Exit codes: 0 ok (or every required rule passes), 1 a required rule fails, 2 error — with a
one-sentence message and no traceback.
"""
from __future__ import annotations

import argparse
import os
import sys

from .model.errors import PlanError


def language() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if lang.startswith("zh") else "en"


def lonlat_arg(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected LON,LAT, e.g. 121.50,31.28") from None
    return lon, lat


# Each module of lifecircle_desktop/commands has register(subparsers); its functions return the exit code.
COMMAND_MODULES = ("basic", "validate", "importing",)


def build_parser() -> argparse.ArgumentParser:
    import importlib
    p = argparse.ArgumentParser(prog="lifecircle", description="Plan 15-minute community life circles "
                                "(15分钟社区生活圈) and complete residential communities (完整居住社区).")
    sub = p.add_subparsers(dest="command")
    for name in COMMAND_MODULES:
        importlib.import_module(f"lifecircle_desktop.commands.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in parser._subparsers._group_actions[0].choices and not argv[0].startswith("-"):
        argv = ["gui", *argv]  # `lifecircle PLAN` opens the window, as `python main.py PLAN`
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    try:
        return args.func(args)
    except PlanError as e:
        print(f"lifecircle: {e.message(language())}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `lifecircle validate … | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("lifecircle: interrupted", file=sys.stderr)
        return 2
    except Exception as e:  # last resort: one sentence, never a traceback
        print(f"lifecircle: unexpected error: {type(e).__name__}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The command line: ``lifecircle`` / ``python -m lifecircle_desktop`` (design.md §7).

One module per subcommand, each with ``register(subparsers)`` and a ``run(args) -> exit code``
that goes through a PlanSession, as the desktop does. Exit codes: 0 ok (or every required rule
passes), 1 a required rule fails, 2 error — with a one-sentence message and no traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import unicodedata

from ..model.errors import as_plan_error
from ..model.store import ForeignCode
from .common import language

SUBCOMMANDS = ("gui", "new", "info", "import_osm", "import_features", "validate", "settings", "remove_code",
               "export", "suggest", "import_dxf", "import_tiles", "import_image", "poster",
               "export_comments")


# The words the subcommands are typed as (module import_features registers "import").
COMMAND_WORDS = frozenset({n.replace("_", "-") for n in SUBCOMMANDS} | {"import"})


def build_parser(only: tuple[str, ...] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lifecircle", description="Plan 15-minute community life circles "
                                     "(15分钟社区生活圈) and complete residential communities (完整居住社区).")
    subparsers = parser.add_subparsers(dest="command")
    for name in only or SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Opening the window (`python main.py PLAN`, `lifecircle gui …`) registers only the window's
    # command: importing every other command's module cost ~0.4 s of a 2.5 s cold start (issue 13:
    # the workshop view on a projector opens in ≤ 2 s).
    window = not argv or argv[0] == "gui" or (argv[0] not in COMMAND_WORDS and not argv[0].startswith("-"))
    parser = build_parser(("gui",) if window else None)
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    if not argv or argv[0] not in commands and not argv[0].startswith("-"):
        argv = ["gui", *argv]  # `lifecircle PLAN` opens the window, as `python main.py PLAN`
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    try:
        return args.run(args)
    except BrokenPipeError:  # `lifecircle validate … | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("lifecircle: interrupted", file=sys.stderr)
        return 2
    except Exception as e:  # one sentence, never a traceback (design.md §7)
        message = one_line(as_plan_error(e).message(language()))
        if isinstance(e, ForeignCode):  # how to agree, from the command line
            message += "（用 lifecircle remove-code PLAN --yes 删除）" if language() == "zh" else \
                " (lifecircle remove-code PLAN --yes removes it)"
        print(f"lifecircle: {message}", file=sys.stderr)
        return 2


def one_line(message: str) -> str:
    """The message on one line: a control character quoted from the data (a damaged file's schema
    held "\\x1c", which ends a line for Python; found by the fuzz test) is shown escaped."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in message)


__all__ = ["main", "build_parser", "as_plan_error"]

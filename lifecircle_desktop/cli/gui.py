"""`lifecircle gui [PLAN] [--screenshot PNG]`: the desktop window (the default subcommand)."""
from __future__ import annotations


def run(args) -> int:
    from ..ui.app import run as run_app
    return run_app(args.plan, screenshot=args.screenshot)


def register(subparsers) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop window (default)")
    parser.add_argument("plan", nargs="?")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window after the first validation, save, exit")
    parser.set_defaults(run=run)

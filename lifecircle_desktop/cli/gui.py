"""`lifecircle gui [PLAN] [--screenshot PNG] [--size WxH]`: the desktop window (the default subcommand)."""
from __future__ import annotations

import argparse


def window_size(text: str) -> tuple[int, int]:
    """"1920x1080" -> (1920, 1080): the window size of a screenshot."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size WIDTHxHEIGHT: {text!r}") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"a window of {width}x{height} pixels is not a screen size")
    return width, height


def run(args) -> int:
    from ..ui.app import run as run_app
    return run_app(args.plan, screenshot=args.screenshot, size=args.size)


def register(subparsers) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop window (default)")
    parser.add_argument("plan", nargs="?")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window after the first validation, save, exit")
    parser.add_argument("--size", type=window_size, metavar="WxH", help="the window size of the screenshot (default 1280x800)")
    parser.set_defaults(run=run)

"""`lifecircle gui [PLAN] [--screenshot PNG] [--size WxH] [--workshop [--scenario S] [--compare S] [--layout L]
[--catchment FID]]`: the desktop window (the default subcommand)."""
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


def facility_key(text: str) -> tuple[str, int]:
    """"12" or "facilities:12" or "stops:3" -> (layer, fid): the facility (or stop) whose catchment is shown."""
    layer, _, number = text.rpartition(":")
    layer = layer or "facilities"
    if layer not in ("facilities", "stops") or not number.strip().isdigit():
        raise argparse.ArgumentTypeError(f"not a facility number (12, facilities:12 or stops:3): {text!r}")
    return layer, int(number)


def run(args) -> int:
    from ..ui.app import run as run_app
    workshop = None
    if args.workshop or args.compare or args.layout or args.catchment is not None:
        # Workshop mode (issue 13): the plan for residents, optionally against a "before" scenario.
        workshop = {"scenario": args.scenario, "compare": args.compare,
                    "layout": args.layout or ("swipe" if args.compare else "single"), "catchment": args.catchment}
    return run_app(args.plan, screenshot=args.screenshot, size=args.size, workshop=workshop)


def register(subparsers) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop window (default)")
    parser.add_argument("plan", nargs="?")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window after the first validation, save, exit")
    parser.add_argument("--size", type=window_size, metavar="WxH", help="the window size of the screenshot (default 1280x800)")
    parser.add_argument("--workshop", action="store_true",
                        help="open in workshop mode: the plan full screen for residents (F5 leaves)")
    parser.add_argument("--scenario", metavar="SCENARIO",
                        help="workshop mode: the scenario shown (the 'after' of a comparison; default base)")
    parser.add_argument("--compare", metavar="SCENARIO", help="workshop mode: the 'before' scenario beside the one shown")
    parser.add_argument("--layout", choices=("single", "swipe", "side"),
                        help="workshop mode: one map, a swipe, or two maps side by side (default: swipe with --compare)")
    parser.add_argument("--catchment", type=facility_key, metavar="FID",
                        help="workshop mode: show who facility FID (or stops:FID) serves (for a screenshot)")
    parser.set_defaults(run=run)

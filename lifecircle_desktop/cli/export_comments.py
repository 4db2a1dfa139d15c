"""`lifecircle export-comments PLAN --to FILE.xlsx [--scenario S] [--lang zh|en]`: the comment pins
(居民意见) of a scenario as a workbook, one row per pin (issue 13 item 5; export/comments.py).

Exit 0 with the file's path on stdout; 2 with one sentence for a plan that cannot be read, a
scenario that does not exist or a file that cannot be written (nothing left behind).
"""
from __future__ import annotations

from .common import language


def run(args) -> int:
    from ..export.comments import write_comments_xlsx
    from ..model.session import PlanSession

    with PlanSession.open(args.plan) as session:
        path = write_comments_xlsx(session, args.to, scenario=args.scenario or "base", lang=args.lang or language())
    print(path)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("export-comments", help="write the comment pins (居民意见) of a scenario to an "
                                   "XLSX workbook: one row per pin, with coordinates and the nearest facility and home")
    parser.add_argument("plan", help="the plan (.gpkg)")
    parser.add_argument("--to", required=True, metavar="FILE.xlsx", help="the workbook to write (replaced if it exists)")
    parser.add_argument("--scenario", help="the scenario whose pins to export (default: base)")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the headers and words (default: the system's)")
    parser.set_defaults(run=run)

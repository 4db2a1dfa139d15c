"""`lifecircle poster PLAN --to FILE.pdf [--scenario S] [--compare S] [--lang zh|en]`: the one-page A3
poster of the workshop view for the notice board (issue 13 item 5; export/poster.py).

Exit 0 with the file's path on stdout; 2 with one sentence, and no file left behind, for a plan that
cannot be read, a scenario that does not exist or a folder that cannot be written.
"""
from __future__ import annotations

from .common import language


def run(args) -> int:
    from ..export.poster import write_poster
    from ..model.session import PlanSession

    with PlanSession.open(args.plan) as session:
        if args.scenario:
            session.switch_scenario(args.scenario)
        path = write_poster(session, args.to, compare=args.compare, language=args.lang or language())
    print(path)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("poster", help="write the one-page A3 poster of the workshop view (PDF): the map, "
                                   "what residents can walk to, a legend and the OSM credit")
    parser.add_argument("plan", help="the plan (.gpkg)")
    parser.add_argument("--to", required=True, metavar="FILE.pdf", help="the PDF to write (replaced if it exists)")
    parser.add_argument("--scenario", help="the scenario shown (default: base)")
    parser.add_argument("--compare", metavar="S", help="the scenario before: each line shows both shares "
                        "(\"46%% → 92%%\") and the new facilities are outlined")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the poster (default: the system's)")
    parser.set_defaults(run=run)

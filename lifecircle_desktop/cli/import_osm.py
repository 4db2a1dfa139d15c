"""`lifecircle import-osm FILE --out PLAN`: an OpenStreetMap extract into a plan, created in the
data's UTM zone when it does not exist (docs/import.md)."""
from __future__ import annotations

from pathlib import Path

from .common import print_import_summary, progress_reporter
from .new import PACKS_HELP, pack_list


def run(args) -> int:
    from ..model.errors import PlanError
    from ..model.session import PlanSession, create_plan_from_osm

    out = Path(args.out)
    progress = progress_reporter(args.progress)
    if out.exists():
        with PlanSession.open(out, scenario=args.scenario) as session:
            summary = session.import_osm(args.file, progress=progress)
            print(f"imported {Path(args.file).name} into {out} ({summary['crs']}, scenario {args.scenario}) "
                  f"in {summary['seconds']:.2f} s")
    else:
        if args.scenario != "base":
            raise PlanError("新建规划只有 base 方案", "a new plan has only the scenario base")
        session, summary = create_plan_from_osm(args.file, out, name=args.name, kind=args.kind, progress=progress,
                                                rule_packs=pack_list(args.packs))
        with session:
            plan = session.plan
            print(f"created {out} — {plan.name}, {summary['crs']}, {plan.community_kind}; "
                  f"rule packs {', '.join(plan.rule_packs)}; "
                  f"imported {Path(args.file).name} in {summary['seconds']:.2f} s")
    print_import_summary(summary)
    print("  © OpenStreetMap contributors, ODbL 1.0")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("import-osm", help="import an OpenStreetMap extract (.osm, .osm.pbf) into a plan")
    parser.add_argument("file", help=".osm XML (optionally .gz/.bz2) or .osm.pbf")
    parser.add_argument("--out", required=True, metavar="PLAN",
                        help="the plan (.gpkg); created in the data's UTM zone if it does not exist")
    parser.add_argument("--name", help="name of a new plan (default: the place the data shows, e.g. its addresses' city "
                        "and district; else the file name)")
    parser.add_argument("--kind", choices=["new_build", "existing"], default="existing",
                        help="community kind of a new plan: new_build (新建) or existing (既有)")
    parser.add_argument("--packs", help=PACKS_HELP + " — a new plan only")
    parser.add_argument("--scenario", default="base", help="scenario to import into (existing plans)")
    parser.add_argument("--progress", action="store_true", help="report progress on stderr")
    parser.set_defaults(run=run)

"""`lifecircle import-osm | import` (docs/import.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _print_summary(summary: dict, out=sys.stdout) -> None:
    width = max(len(n) for n in summary["layers"]) if summary["layers"] else 8
    for layer, n in summary["layers"].items():
        print(f"  {layer:<{width}}  {n:>7,}", file=out)
    for reason, n in (summary.get("repaired") or {}).items():
        print(f"  repaired: {n:,} {reason}", file=out)
    for reason, n in (summary.get("skipped") or {}).items():
        print(f"  skipped: {n:,} {reason}", file=out)


def _progress(enabled: bool):
    if not enabled:
        return None
    state = {"last": -1}

    def report(fraction: float, message: str) -> bool:
        pct = int(fraction * 100)
        if pct // 5 != state["last"] // 5:
            state["last"] = pct
            print(f"  {pct:3d}%  {message}", file=sys.stderr)
        return True

    return report


def cmd_import_osm(args) -> int:
    from ..model.io import import_osm, import_osm_new
    from ..model.plan import Plan

    out = Path(args.out)
    progress = _progress(args.progress)
    if out.exists():
        with Plan.open(out) as plan:
            summary = import_osm(plan, args.file, scenario=args.scenario, progress=progress)
            print(f"imported {Path(args.file).name} into {out} ({summary['crs']}, scenario {args.scenario}) "
                  f"in {summary['seconds']:.2f} s")
    else:
        if args.scenario != "base":
            from ..model.errors import PlanError
            raise PlanError("新建规划只有 base 方案", "a new plan has only the scenario base")
        plan, summary = import_osm_new(args.file, out, name=args.name, kind=args.kind, progress=progress)
        with plan:
            print(f"created {out} — {plan.name}, {summary['crs']}, {plan.community_kind}; "
                  f"imported {Path(args.file).name} in {summary['seconds']:.2f} s")
    _print_summary(summary)
    print("  © OpenStreetMap contributors, ODbL 1.0")
    return 0


def map_arg(text: str) -> tuple[str, str]:
    src, sep, dst = text.partition("=")
    if not sep or not src or not dst:
        raise argparse.ArgumentTypeError("expected SOURCE=FIELD, e.g. 户数=households")
    return src, dst


def cmd_import(args) -> int:
    from ..model.io import import_geojson
    from ..model.plan import Plan

    with Plan.open(args.plan) as plan:
        summary = import_geojson(plan, args.layer, args.file, type_code=args.type, crs=args.crs,
                                 mapping=dict(args.map or []), scenario=args.scenario)
        mapped = ", ".join(f"{src}→{field}" for field, src in summary["mapping"].items()) or "none"
        print(f"imported {Path(args.file).name} into {args.plan} ({args.layer}, scenario {args.scenario}, "
              f"from {summary['crs']}); properties: {mapped}")
    _print_summary(summary)
    return 0


def register(sub) -> None:
    o = sub.add_parser("import-osm", help="import an OpenStreetMap extract (.osm, .osm.pbf) into a plan")
    o.add_argument("file", help=".osm XML (optionally .gz/.bz2) or .osm.pbf")
    o.add_argument("--out", required=True, metavar="PLAN",
                   help="the plan (.gpkg); created in the data's UTM zone if it does not exist")
    o.add_argument("--name", help="name of a new plan (default: the file name)")
    o.add_argument("--kind", choices=["new_build", "existing"], default="existing",
                   help="community kind of a new plan: new_build (新建) or existing (既有)")
    o.add_argument("--scenario", default="base", help="scenario to import into (existing plans)")
    o.add_argument("--progress", action="store_true", help="report progress on stderr")
    o.set_defaults(func=cmd_import_osm)

    g = sub.add_parser("import", help="import a GeoJSON file into one layer of a plan")
    g.add_argument("plan")
    g.add_argument("file", help="GeoJSON (RFC 7946 lon/lat unless it has a crs member or --crs is given)")
    g.add_argument("--layer", required=True,
                   choices=["residential", "facilities", "walk_network", "stops", "entrances", "planning_units"])
    g.add_argument("--type", help="facility/stop type code for every feature (see the catalogue)")
    g.add_argument("--crs", help="CRS of the file's coordinates, e.g. EPSG:4490 or EPSG:32651")
    g.add_argument("--scenario", default="base")
    g.add_argument("--map", type=map_arg, action="append", metavar="SRC=FIELD",
                   help="map a property to a plan field, e.g. --map 户数=households (repeatable)")
    g.set_defaults(func=cmd_import)

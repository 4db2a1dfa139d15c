"""`lifecircle import PLAN FILE.geojson --layer L`: GeoJSON features into one layer of a plan
(docs/import.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..model.schema import ENTRANCES, FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS, WALK_NETWORK
from .common import print_import_summary


def property_mapping(text: str) -> tuple[str, str]:
    source, sep, field = text.partition("=")
    if not sep or not source or not field:
        raise argparse.ArgumentTypeError("expected SOURCE=FIELD, e.g. 户数=households")
    return source, field


def run(args) -> int:
    from ..model.io.geojson import import_summary
    from ..model.session import PlanSession

    with PlanSession.open(args.plan, scenario=args.scenario) as session:
        changes = session.import_features(args.layer, args.file, facility_type=args.type, crs=args.crs,
                                          mapping=dict(args.map or []))
        summary = import_summary(changes.edit)
        mapped = ", ".join(f"{source}→{field}" for field, source in summary["mapping"].items()) or "none"
        print(f"imported {Path(args.file).name} into {args.plan} ({args.layer}, scenario {args.scenario}, "
              f"from {summary['crs']}); properties: {mapped}")
    print_import_summary(summary)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="import a GeoJSON file into one layer of a plan")
    parser.add_argument("plan")
    parser.add_argument("file", help="GeoJSON (RFC 7946 lon/lat unless it has a crs member or --crs is given)")
    parser.add_argument("--layer", required=True,
                        choices=[RESIDENTIAL, FACILITIES, WALK_NETWORK, STOPS, ENTRANCES, PLANNING_UNITS])
    parser.add_argument("--type", help="facility/stop type code for every feature (see the catalogue)")
    parser.add_argument("--crs", help="CRS of the file's coordinates, e.g. EPSG:4490 or EPSG:32651")
    parser.add_argument("--scenario", default="base")
    parser.add_argument("--map", type=property_mapping, action="append", metavar="SRC=FIELD",
                        help="map a property to a plan field, e.g. --map 户数=households (repeatable)")
    parser.set_defaults(run=run)

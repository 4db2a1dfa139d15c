"""`lifecircle import PLAN FILE.geojson --layer L`: GeoJSON features into one layer of a plan
(docs/import.md); a CSV or a GeoJSON of points of interest, in WGS-84, GCJ-02 or BD-09, into
facilities or stops (``--coords``, docs/import.md §10)."""
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

    columns = {role: getattr(args, f"{role}_column", None) for role in ("lon", "lat", "name", "type")}
    columns = {role: header for role, header in columns.items() if header}
    with PlanSession.open(args.plan, scenario=args.scenario) as session:
        changes = session.import_features(args.layer, args.file, facility_type=args.type, crs=args.crs,
                                          mapping=dict(args.map or []), coords=getattr(args, "coords", None),
                                          columns=columns)
        if (changes.edit.record or {}).get("coords"):  # points of interest (CSV, or --coords)
            return _report_poi(args, changes.edit)
        summary = import_summary(changes.edit)
        mapped = ", ".join(f"{source}→{field}" for field, source in summary["mapping"].items()) or "none"
        print(f"imported {Path(args.file).name} into {args.plan} ({args.layer}, scenario {args.scenario}, "
              f"from {summary['crs']}); properties: {mapped}")
    print_import_summary(summary)
    return 0


def _report_poi(args, edit) -> int:
    from ..model.io.poi import poi_summary
    summary = poi_summary(edit)
    columns = ", ".join(f"{role}={header}" for role, header in summary["mapping"].items()) or "none"
    print(f"imported {Path(args.file).name} into {args.plan} ({args.layer}, scenario {args.scenario}, "
          f"from {summary['coords']}, {summary['encoding']}); columns: {columns}")
    print_import_summary(summary)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="import a GeoJSON file (or a CSV of points of interest) into one layer of a plan")
    parser.add_argument("plan")
    parser.add_argument("file", help="GeoJSON (RFC 7946 lon/lat unless it has a crs member or --crs is given)")
    parser.add_argument("--layer", required=True,
                        choices=[RESIDENTIAL, FACILITIES, WALK_NETWORK, STOPS, ENTRANCES, PLANNING_UNITS])
    parser.add_argument("--type", help="facility/stop type code for every feature (see the catalogue)")
    parser.add_argument("--crs", help="CRS of the file's coordinates, e.g. EPSG:4490 or EPSG:32651")
    parser.add_argument("--scenario", default="base")
    parser.add_argument("--map", type=property_mapping, action="append", metavar="SRC=FIELD",
                        help="map a property to a plan field, e.g. --map 户数=households (repeatable)")
    # Points of interest from Chinese map services (docs/import.md §10): CSV or GeoJSON points.
    parser.add_argument("--coords", choices=["wgs84", "gcj02", "bd09"],
                        help="the points' coordinate system: wgs84, gcj02 (Amap, Tencent) or bd09 (Baidu); "
                             "a CSV is read as points of interest (wgs84 unless given)")
    parser.add_argument("--lon-column", help="CSV: the longitude column, when its header is not a usual one")
    parser.add_argument("--lat-column", help="CSV: the latitude column, when its header is not a usual one")
    parser.add_argument("--name-column", help="points of interest: the name column")
    parser.add_argument("--type-column", help="points of interest: the category column (幼儿园, 医疗保健服务;诊所 …)")
    parser.set_defaults(run=run)

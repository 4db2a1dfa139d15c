"""`lifecircle import-dxf PLAN FILE.dxf`: a CAD drawing as a base map, its mapped layers as homes,
facilities or walking paths (issue 14; README "Base maps from CAD drawings")."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import print_import_summary, progress_reporter


def control_point(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """"x,y=E,N" (drawing units = plan metres) → ((x, y), (E, N))."""
    drawing, sep, ground = text.partition("=")
    try:
        if not sep:
            raise ValueError
        x, y = (float(v) for v in drawing.split(","))
        e, n = (float(v) for v in ground.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected x,y=E,N (a drawing point and its plan coordinates), "
                                         "e.g. 0,0=355200.5,3463100.2") from None
    return (x, y), (e, n)


def run(args) -> int:
    from ..model.georef import Georef
    from ..model.io.dxf import parse_mapping
    from ..model.session import PlanSession

    mapping = parse_mapping(args.as_)
    with PlanSession.open(args.plan, scenario=args.scenario) as session:
        changes = session.import_dxf(args.file, crs=args.crs, control=args.control or None, mapping=mapping,
                                     units=args.units, kind=args.transform, progress=progress_reporter(args.progress),
                                     layers=args.layer)
        record = changes.edit.edits[0].record
    placement = Georef.from_json(record["placement"])
    print(f"imported {Path(args.file).name} into {args.plan} (scenario {args.scenario}, "
          f"DXF {record['dxf_version']}, text {record['encoding']})")
    if placement.pairs:
        print(f"  placed by {len(placement.pairs)} control points ({placement.kind}), "
              f"RMSE {placement.rmse:.3f} m, {placement.scale_factor:.6g} m per drawing unit")
        for i, r in enumerate(placement.residuals, 1):
            print(f"    point {i}: residual {r:.3f} m")
    elif placement.source_epsg != placement.target_epsg:
        offset = f", zone prefix {placement.zone_offset / 1e6:.0f} stripped" if placement.zone_offset else ""
        print(f"  placed from EPSG:{placement.source_epsg}{offset}")
    else:
        print(f"  drawing coordinates taken as plan coordinates ({placement.scale:g} m per drawing unit)")
    print_import_summary({"layers": record["counts"], "skipped": record.get("skipped") or {}})
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("import-dxf", help="import a CAD drawing (DXF) as a base map, "
                                   "optionally mapping its layers to homes, facilities or walking paths")
    parser.add_argument("plan")
    parser.add_argument("file", help="DXF (ASCII or binary; a DWG must be saved as DXF first)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--crs", help="the drawing's projected CRS, e.g. EPSG:4549 (CGCS2000 3° Gauss–Krüger "
                       "CM 120°E; eastings with the zone number before them are recognised)")
    where.add_argument("--control", type=control_point, action="append", metavar="x,y=E,N",
                       help="a control point: drawing coordinates = plan coordinates (repeatable; "
                       "≥ 2 for a similarity, ≥ 3 for an affine transform; write --control=-5,3=E,N when x is negative)")
    parser.add_argument("--as", dest="as_", action="append", metavar="CADLAYER=TARGET",
                        help="map a CAD layer: residential, facilities:TYPE, walk_network or basemap (repeatable)")
    parser.add_argument("--layer", action="append", metavar="CADLAYER",
                        help="read only this CAD layer (repeatable; for a drawing too big to import whole)")
    parser.add_argument("--transform", choices=["auto", "similarity", "affine"], default="auto",
                        help="the transform through the control points (auto: affine from 3 points spread in "
                        "both directions, else similarity)")
    parser.add_argument("--units", choices=["mm", "cm", "dm", "m", "km", "in", "ft"],
                        help="drawing units when $INSUNITS is missing or wrong (not used with --control)")
    parser.add_argument("--scenario", default="base")
    parser.add_argument("--progress", action="store_true", help="report progress on stderr")
    parser.add_argument("--json", action="store_true", help="print the import record (placement, counts) as JSON")
    parser.set_defaults(run=run)

"""`lifecircle import-tiles PLAN FILE.mbtiles`: an offline raster tile package as a base map
(its tiles around the plan are copied into the plan; its attribution joins the plan's credits)."""
from __future__ import annotations


def run(args) -> int:
    from ..model.session import PlanSession

    with PlanSession.open(args.plan) as session:
        changes = session.import_tiles(args.file)
        edit = changes.edit
        print(f"imported {edit.count:,} tiles from {args.file} into {args.plan}")
        credits = session.credits()
    if credits:
        print("  credits: " + "; ".join(credits))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("import-tiles", help="import an MBTiles raster tile package as a base map")
    parser.add_argument("plan")
    parser.add_argument("file", help="MBTiles package of raster tiles (png, jpg, webp; Web Mercator, XYZ or TMS rows)")
    parser.set_defaults(run=run)

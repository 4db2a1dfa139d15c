"""`lifecircle new PLAN --name N (--crs EPSG:xxxx | --lonlat LON,LAT)`: an empty plan file."""
from __future__ import annotations

from .common import lon_lat_point


def pack_list(text: str | None) -> list[str] | None:
    """``--packs a,b``: those packs; absent: None (the packs that apply where the plan lies)."""
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


PACKS_HELP = ("rule packs to enable, comma-separated (default: those that apply where the plan lies — "
              "the national ones everywhere, Shanghai's only inside Shanghai)")


def run(args) -> int:
    from ..model import crs
    from ..model.session import create_plan
    epsg = crs.parse_crs(args.crs) if args.crs else None
    with create_plan(args.plan, args.name, epsg, lonlat=args.lonlat, kind=args.kind,
                     district=args.district or "", subdistrict=args.subdistrict or "",
                     rule_packs=pack_list(args.packs)) as session:
        plan = session.plan
        print(f"created {plan.path} — {plan.name}, EPSG:{plan.epsg}, {plan.community_kind}; "
              f"rule packs {', '.join(plan.rule_packs)}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("new", help="create an empty plan file (.gpkg)")
    parser.add_argument("plan")
    parser.add_argument("--name", required=True, help="the plan's name, e.g. 四平路街道同济新村")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--crs", help="projected metric CRS, e.g. EPSG:32651")
    where.add_argument("--lonlat", type=lon_lat_point, help="a point in the plan area; picks its UTM zone")
    parser.add_argument("--kind", choices=["new_build", "existing"], default="existing",
                        help="new_build (新建) or existing (既有) community; thresholds differ")
    parser.add_argument("--district", help="区")
    parser.add_argument("--subdistrict", help="街道/镇")
    parser.add_argument("--packs", help=PACKS_HELP)
    parser.set_defaults(run=run)

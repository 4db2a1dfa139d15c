"""`lifecircle gui | new | info`."""
from __future__ import annotations

import json

from ..cli import lonlat_arg


def cmd_new(args) -> int:
    from ..model import crs
    from ..model.plan import Plan
    epsg = crs.parse_crs(args.crs) if args.crs else None
    with Plan.create(args.plan, args.name, epsg, lonlat=args.lonlat, kind=args.kind,
                     district=args.district or "", subdistrict=args.subdistrict or "") as plan:
        print(f"created {plan.path} — {plan.name}, EPSG:{plan.epsg}, {plan.community_kind}")
    return 0


def cmd_info(args) -> int:
    from ..model import crs
    from ..model.plan import Plan
    from ..model.schema import LAYERS
    with Plan.open(args.plan) as plan:
        scenarios = [s.name for s in plan.scenarios()]
        info = {
            "plan": plan.name, "file": str(plan.path), "crs": f"EPSG:{plan.epsg}", "crs_name": crs.name(plan.epsg),
            "community_kind": plan.community_kind, "district": plan.meta.get("district", ""),
            "subdistrict": plan.meta.get("subdistrict", ""), "rule_packs": plan.rule_packs,
            "scenarios": scenarios, "schema_version": plan.meta.get("schema_version"),
            "layers": {name: ({s: len(plan.features(name, s)) for s in scenarios} if spec.editable
                              else {"*": len(plan.features(name))}) for name, spec in LAYERS.items()},
            "credits": plan.meta.get("credits", []),
        }
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"{info['plan']}  ({info['file']})")
    print(f"  CRS: {info['crs']} {info['crs_name']}; community kind: {info['community_kind']}; schema v{info['schema_version']}")
    print(f"  rule packs: {', '.join(info['rule_packs'])}")
    print(f"  scenarios: {', '.join(scenarios)}")
    width = max(len(n) for n in LAYERS)
    print("  layers" + " " * (width - 4) + "  ".join(f"{s:>8}" for s in scenarios))
    for name, counts in info["layers"].items():
        if "*" in counts:
            print(f"    {name:<{width}}" + f"{counts['*']:>8}  (base map, all scenarios)")
        else:
            print(f"    {name:<{width}}" + "  ".join(f"{counts[s]:>8}" for s in scenarios))
    for credit in info["credits"]:
        print(f"  {credit}")
    return 0


def cmd_gui(args) -> int:
    from ..ui.app import run
    return run(args.plan, screenshot=args.screenshot)



def register(sub) -> None:
    g = sub.add_parser("gui", help="open the desktop window (default)")
    g.add_argument("plan", nargs="?")
    g.add_argument("--screenshot", metavar="PNG", help="render the window after the first validation, save, exit")
    g.set_defaults(func=cmd_gui)

    n = sub.add_parser("new", help="create an empty plan file (.gpkg)")
    n.add_argument("plan")
    n.add_argument("--name", required=True, help="the plan's name, e.g. 四平路街道同济新村")
    where = n.add_mutually_exclusive_group(required=True)
    where.add_argument("--crs", help="projected metric CRS, e.g. EPSG:32651")
    where.add_argument("--lonlat", type=lonlat_arg, help="a point in the plan area; picks its UTM zone")
    n.add_argument("--kind", choices=["new_build", "existing"], default="existing",
                   help="new_build (新建) or existing (既有) community; thresholds differ")
    n.add_argument("--district", help="区")
    n.add_argument("--subdistrict", help="街道/镇")
    n.set_defaults(func=cmd_new)

    i = sub.add_parser("info", help="layers, feature counts per scenario, CRS, rule packs")
    i.add_argument("plan")
    i.add_argument("--format", choices=["text", "json"], default="text")
    i.set_defaults(func=cmd_info)

"""`lifecircle info PLAN [--format text|json]`: layers, feature counts per scenario, CRS, packs."""
from __future__ import annotations

import json


def plan_info(session) -> dict:
    from ..model import crs
    from ..model.schema import LAYERS
    plan = session.plan
    scenarios = [s.name for s in session.scenarios()]
    return {
        "plan": plan.name, "file": str(plan.path), "crs": f"EPSG:{plan.epsg}", "crs_name": crs.name(plan.epsg),
        "community_kind": plan.community_kind, "district": plan.meta.get("district", ""),
        "subdistrict": plan.meta.get("subdistrict", ""), "rule_packs": plan.rule_packs,
        "scenarios": scenarios, "schema_version": plan.meta.get("schema_version"),
        "layers": {name: ({s: len(plan.features(name, s)) for s in scenarios} if spec.editable
                          else {"*": len(plan.features(name))}) for name, spec in LAYERS.items()},
        "credits": plan.meta.get("credits", []),
        "rasters": raster_info(plan),
    }


def raster_info(plan) -> dict:
    """Scans (name, size, placed) and tile packages (name, tiles) stored in the plan (issue 14)."""
    from ..model import rasters
    return {"scans": [{"name": i.name, "source": i.source, "width": i.width, "height": i.height,
                       **rasters.describe(i.georef)} for i in rasters.images(plan)],
            "tile_packages": [{"name": t.name, "source": t.source, "tiles": len(t.tiles), "zooms": list(t.zooms)}
                              for t in rasters.tile_sets(plan)]}


def run(args) -> int:
    from ..model.session import PlanSession
    with PlanSession.open(args.plan) as session:
        info = plan_info(session)
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    scenarios = info["scenarios"]
    print(f"{info['plan']}  ({info['file']})")
    print(f"  CRS: {info['crs']} {info['crs_name']}; community kind: {info['community_kind']}; "
          f"schema v{info['schema_version']}")
    print(f"  rule packs: {', '.join(info['rule_packs'])}")
    print(f"  scenarios: {', '.join(scenarios)}")
    width = max(len(n) for n in info["layers"])
    print("  layers" + " " * (width - 4) + "  ".join(f"{s:>8}" for s in scenarios))
    for name, counts in info["layers"].items():
        if "*" in counts:
            print(f"    {name:<{width}}" + f"{counts['*']:>8}  (base map, all scenarios)")
        else:
            print(f"    {name:<{width}}" + "  ".join(f"{counts[s]:>8}" for s in scenarios))
    for scan in info["rasters"]["scans"]:
        placed = f"placed, RMSE {scan['rmse_m']:.2f} m" if scan["placed"] else "not placed"
        print(f"  scan {scan['name']} ({scan['width']}×{scan['height']} px, {placed})")
    for tiles in info["rasters"]["tile_packages"]:
        print(f"  tile package {tiles['name']} ({tiles['tiles']:,} tiles, zoom {min(tiles['zooms'])}–{max(tiles['zooms'])})")
    for credit in info["credits"]:
        print(f"  {credit}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("info", help="layers, feature counts per scenario, CRS, rule packs")
    parser.add_argument("plan")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)

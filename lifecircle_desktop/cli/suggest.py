"""`lifecircle suggest PLAN --type TYPE [--rule RULE] [--count K] [--candidates network|LAYER|FILE]
[--kind KIND] [--spacing M] [--scenario S] [--format text|json]`: where a new facility of a type
would bring the most households a failing walking rule leaves out within its limit (issue 15,
model/siting.py). Reads the plan, never writes it.

Exit 0 with the sites; 2 with one sentence (an unknown type, no failing walking rule for it, no
walking network, a bad candidates file). The JSON is described in the README (siting section).
"""
from __future__ import annotations

import json

from ..model.siting import DEFAULT_COUNT, DEFAULT_SPACING_M, NETWORK


def to_text(suggestion, catalogue, language: str) -> str:
    zh = language == "zh"
    name = catalogue[suggestion.facility_type].name(language)
    if not zh and len(name) > 1 and name[1].islower():
        name = name[:1].lower() + name[1:]  # "a kindergarten", not "a Kindergarten" ("ATM" keeps its capitals)
    s = suggestion
    method = {"exact": ("精确求解（整数规划）", "exact (integer programming)"),
              "greedy": ("贪心（惰性评估）", "greedy (lazy evaluation)")}[s.method][0 if zh else 1]
    if zh:
        lines = [f"规则 {s.rule}：步行 {s.limit_m:.0f} 米内可达{name}的住户 {s.households_covered:.0f}/"
                 f"{s.households_total:.0f}（{s.coverage_before:.1f}%）；新建{name}可覆盖的未达住户 {s.households_uncovered:.0f}",
                 f"候选地块 {s.candidates} 处（{s.useful} 处可覆盖未达住户），"
                 f"{f'每处按 {s.footprint_m2:.0f} 平方米放置' if s.footprint_m2 else '按点放置'}；{method}"]
    else:
        lines = [f"rule {s.rule}: households within {s.limit_m:.0f} m walk of a {name}: {s.households_covered:.0f} of "
                 f"{s.households_total:.0f} ({s.coverage_before:.1f}%); a new {name} could bring in {s.households_uncovered:.0f} more",
                 f"{s.candidates} candidate sites ({s.useful} reach an uncovered home), "
                 f"{f'each placed as {s.footprint_m2:.0f} m²' if s.footprint_m2 else 'each placed as a point'}; {method}"]
    if not s.sites:
        lines.append("没有能覆盖未达住户的候选地块" if zh else "no candidate site brings any uncovered household within the limit")
    for site in s.sites:
        c = site.footprint.centroid
        if zh:
            lines.append(f"  {site.rank}. 中心 ({c.x:.1f}, {c.y:.1f})  {site.origin}：新增住户 {site.households:.0f}"
                         f"（{len(site.homes)} 处住宅），覆盖率升至 {site.coverage_after:.1f}%")
        else:
            lines.append(f"  {site.rank}. centre ({c.x:.1f}, {c.y:.1f})  {site.origin}: adds {site.households:.0f} households "
                         f"({len(site.homes)} home{'' if len(site.homes) == 1 else 's'}), coverage then {site.coverage_after:.1f}%")
    lines += [zh_en for zh_en in ((n[0] if zh else n[1]) for n in s.notes)]
    return "\n".join(lines)


def run(args) -> int:
    from ..model.session import PlanSession
    from .common import language
    with PlanSession.open(args.plan, scenario=args.scenario) as session:
        suggestion = session.suggest(args.type, rule=args.rule, count=args.count, candidates=args.candidates,
                                     kinds=[k for text in args.kind for k in text.split(",") if k],
                                     spacing_m=args.spacing)
        catalogue = session.catalogue
    if args.format == "json":
        print(json.dumps(suggestion.to_json(), ensure_ascii=False, indent=1, allow_nan=False))
    else:
        print(to_text(suggestion, catalogue, language()))
    return 0


def _positive_int(text: str) -> int:
    import argparse
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of at least 1")
    return value


def _positive_metres(text: str) -> float:
    import argparse
    import math
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("expected a positive number of metres")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser("suggest", help="where a new facility would bring the most homes within a walking rule's limit")
    parser.add_argument("plan")
    parser.add_argument("--type", required=True, help="facility type code, e.g. kindergarten")
    parser.add_argument("--rule", default=None, help="the failing walking rule (default: the most binding one naming the type)")
    parser.add_argument("--count", type=_positive_int, default=DEFAULT_COUNT, help="how many sites (K)")
    parser.add_argument("--candidates", default=NETWORK,
                        help="network (points along the walking network), a layer (basemap_buildings, "
                             "basemap_landuse, …) or a GeoJSON file of candidate polygons")
    parser.add_argument("--kind", action="append", default=[], help="only candidates of this kind (repeat, or a,b)")
    parser.add_argument("--spacing", type=_positive_metres, default=DEFAULT_SPACING_M,
                        help=f"metres between candidate points along the network (default {DEFAULT_SPACING_M:g})")
    parser.add_argument("--scenario", default="base")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)

"""`lifecircle validate PLAN [--scenario S] [--format text|json] [--detail]` (design.md §7), and
`lifecircle validate PLAN... | --dir DIR [--jobs N] [--cluster ADDRESS] --format jsonl` for many.

Exit 0 when every required rule passes, 1 when one fails, 2 on error. The JSON is documented in
the README and in docs/validate-output.schema.json: district offices script it.
"""
from __future__ import annotations

import json
import math
import os

from ..model.capacity import facility_capacity
from ..model.findings import status_word
from ..model.measures import estimated
from ..model.rules.common import citation_words
from ..model.schema import RESIDENTIAL
from .settings import header_line, settings_json

STATUS_MARK = {"pass": "✔", "fail": "✘", "warn": "!", "manual": "?", "n/a": "·"}
SEVERITY_ZH = {"required": "必须", "recommended": "建议", "informative": "参考"}
# Failures first: what the planner has to act on.
STATUS_ORDER = {"fail": 0, "warn": 1, "pass": 2, "manual": 3, "n/a": 4}
# A source of less than high confidence (standards.md conf.: a consultation draft, a secondary summary).
CONFIDENCE_WORDS = {"medium": ("来源可信度中", "medium confidence"), "low": ("来源可信度低", "low confidence")}


def to_json(snapshot, packs, results, detail: bool) -> dict:
    out = {"plan": snapshot.plan_name, "scenario": snapshot.scenario, "community_kind": snapshot.community_kind,
           "settings": settings_json(snapshot.settings),
           "packs": [p.id for p in packs], "summary": results.summary(),
           "approximate": results.approximate, "search_limit_m": results.search_limit_m,
           "findings": [f.to_json() for f in results.findings], "groups": results.groups(),
           "facilities": [{**row.to_json(), "name": snapshot.feature(row.layer, row.fid).get("name")}
                          for row in facility_capacity(results)]}
    if detail:
        homes = []
        limit = snapshot.settings["connector_limit_m"]
        for fid, nearest in results.nearest.items():
            home = snapshot.feature(RESIDENTIAL, fid)
            connector = results.connector_m(fid)
            homes.append({"id": fid, "name": home.get("name", ""), "households": round(results.households[fid], 1),
                          "households_estimated": estimated(home, "households"),
                          "connector_m": None if connector is None or math.isinf(connector) else round(connector, 1),
                          "long_connector": connector is not None and connector > limit,
                          "nearest": {t: {"facility": n.facility, "layer": n.layer, "distance_m": n.distance_m}
                                      for t, n in sorted(nearest.items())}})
        position = {int(h): i for i, h in enumerate(results.home_ids.tolist())}
        for home in homes:  # the 2SFCA ratio of each type with a capacity (model/capacity.py)
            home["access"] = {t: round(float(a.access[position[home["id"]]]), 4) for t, a in sorted(results.access.items())}
        out["homes"] = homes
    return out


def summary_line(summary: dict, language: str) -> str:
    counts = " · ".join(f"{status_word(s, language)} {summary[s]}" for s in ("pass", "fail", "warn", "manual", "n/a"))
    if language == "zh":
        return f"汇总：{counts}   必选{status_word('fail', 'zh')} {summary['required_failed']}"
    return f"Summary: {counts}   required failed: {summary['required_failed']}"


def finding_lines(f, language: str, alternative: bool = False) -> list[str]:
    """A finding's verdict and its source in words; ``alternative``: another reading of the
    indicator, shown beside the one applied and counted in no summary."""
    zh = language == "zh"
    tags = [status_word(f.status, language), SEVERITY_ZH[f.severity] if zh else f.severity]
    if f.confidence in CONFIDENCE_WORDS:
        tags.append(CONFIDENCE_WORDS[f.confidence][0 if zh else 1])
    indent = "      " if alternative else "  "
    lead = ("另一读法（不计入汇总）：" if zh else "other reading (not counted): ") if alternative else ""
    return [f"{indent}{STATUS_MARK[f.status]} {lead}[{'|'.join(tags)}] {f.message(language)}",
            f"{indent}    {citation_words(f.citation, zh)}"]


def to_text(snapshot, packs, results, credits, language: str, detail: bool) -> str:
    zh = language == "zh"
    lines = []
    head = (f"规划：{snapshot.plan_name}  方案：{snapshot.scenario}  社区类型：{'新建' if snapshot.community_kind == 'new_build' else '既有'}"
            if zh else f"Plan: {snapshot.plan_name}   scenario: {snapshot.scenario}   community: {snapshot.community_kind}")
    lines += [head, header_line(snapshot.settings, zh), summary_line(results.summary(), language)]
    if results.approximate:
        lines.append("注意：没有步行网络，步行距离按直线距离×1.3估算。" if zh else
                     "Note: no walking network; walking distances are straight line × 1.3 (approximate).")
    by_rule = {f.rule: f for f in results.findings}
    # A reading of a group that is not applied is shown under the reading applied (issue 11).
    beside = {rule for f in results.findings if f.applied for rule in f.alternatives if rule in by_rule}
    for pack in packs:
        findings = sorted((f for f in results.findings if f.pack == pack.id and (f.applied or f.rule not in beside)),
                          key=lambda f: (STATUS_ORDER[f.status], f.rule))
        lines += ["", f"== {pack.name_zh if zh else pack.name_en} ({pack.id}) =="]
        for f in findings:
            if f.status in ("n/a", "manual") and not detail:
                continue
            lines += finding_lines(f, language)
            for rule in f.alternatives:
                other = by_rule.get(rule)
                if other is not None:
                    lines += finding_lines(other, language, alternative=True)
        hidden = sum(1 for f in findings if f.status in ("n/a", "manual"))
        if hidden and not detail:
            lines.append(f"  （另有 {hidden} 项{status_word('manual', 'zh')}或{status_word('n/a', 'zh')}，用 --detail 查看）"
                         if zh else f"  ({hidden} more to check by hand or not applicable: --detail shows them)")
    if detail and results.nearest:
        lines += ["", "== 各住宅到最近设施的步行距离（米） ==" if zh else "== Walking distance from each home to the nearest facility (m) =="]
        limit = snapshot.settings["connector_limit_m"]
        for fid, nearest in results.nearest.items():
            home = snapshot.feature(RESIDENTIAL, fid)
            parts = [f"{t} {'—' if n.distance_m is None else f'{n.distance_m:.0f}'}" for t, n in sorted(nearest.items())]
            households = ("户" if zh else "households") + (("，估算" if zh else ", estimated") if estimated(home, "households") else "")
            connector = results.connector_m(fid)
            far = ""
            if connector is not None and connector > limit:  # its walk onto the network is itself a walk
                far = (f" ⚠ 距步行路网 {'—' if math.isinf(connector) else f'{connector:.0f}'} 米，超过 {limit:g} 米" if zh else
                       f" ⚠ {'—' if math.isinf(connector) else f'{connector:.0f}'} m from the walking network, over {limit:g} m")
            lines.append(f"  #{fid} {home.get('name', '')} ({results.households[fid]:.0f} {households}){far}: " + ", ".join(parts))
    lines += ["", "距离定义：住宅出入口（无出入口时取轮廓上离路网最近的点）沿步行网络到设施出入口的最短路径长度，含两端接驳段。"
              if zh else "Distance: the shortest walk on the path network from a home's entrance (or the point of its "
                         "footprint nearest the network) to the facility's entrance, including both connectors."]
    lines += credits
    return "\n".join(lines)


def run(args) -> int:
    if args.format == "jsonl" or args.dir or len(args.plan) > 1:
        return run_batch(args)
    if not args.plan:
        from ..model.errors import PlanError
        raise PlanError("请给出要检查的规划文件", "give the plan file to check")
    from ..model.session import PlanSession
    from .common import language
    with PlanSession.open(args.plan[0], scenario=args.scenario) as session:
        snapshot = session.snapshot()
        packs = session.enabled_packs()
        results = session.validate(detail=args.detail)
        credits = session.credits()
    if args.format == "json":
        print(json.dumps(to_json(snapshot, packs, results, args.detail), ensure_ascii=False, indent=1,
                         allow_nan=False))
    else:
        print(to_text(snapshot, packs, results, credits, language(), args.detail))
    return 1 if results.summary()["required_failed"] else 0


def run_batch(args) -> int:
    """Many plans (issue 17 item 5): one JSON line per plan on stdout, in the order they finish,
    flushed as each comes (docs/validate-batch.schema.json); "done/total" on stderr; exit code
    the worst of the plans'."""
    import sys

    from ..model.batch import plans_in, validate_plans
    from ..model.errors import PlanError
    from . import one_line
    plans = list(args.plan)
    for folder in args.dir:  # a folder that is missing or is a file is said first, in its own words
        plans += plans_in(folder, args.recursive)
    if args.format != "jsonl":
        raise PlanError("检查多个规划（或 --dir）时请用 --format jsonl（每个规划一行 JSON）",
                        "several plans (or --dir) are checked with --format jsonl (one line of JSON per plan)")
    if args.jobs < 1:
        raise PlanError("--jobs 至少为 1", "--jobs must be at least 1")
    plans = list(dict.fromkeys(str(p) for p in plans))  # a plan named twice is validated once
    if not plans:
        raise PlanError("没有找到要检查的规划（*.gpkg）", "no plan (*.gpkg) to check was found")
    exits = []  # only the codes are kept: 6,000 plans' findings would not fit in memory
    for line in validate_plans(plans, jobs=args.jobs, cluster=args.cluster, send_bytes=args.send_bytes,
                               scenario=args.scenario, detail=args.detail):
        exits.append(line["exit"])
        print(json.dumps(line, ensure_ascii=False, allow_nan=False), flush=True)
        print(f"{len(exits)}/{len(plans)}  exit {line['exit']}  {line['seconds']:.2f} s  {one_line(line['plan'])}",
              file=sys.stderr, flush=True)
    return max(exits)


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="check a plan (or many: --format jsonl) against its rule packs")
    parser.add_argument("plan", nargs="*", help="plan files (.gpkg); several with --format jsonl")
    parser.add_argument("--scenario", default="base")
    parser.add_argument("--format", choices=["text", "json", "jsonl"], default="text",
                        help="jsonl: one line of JSON per plan (docs/validate-batch.schema.json)")
    parser.add_argument("--detail", action="store_true", help="also list n/a and manual items and per-home distances "
                        "(jsonl: each plan's findings)")
    parser.add_argument("--dir", action="append", default=[], metavar="DIR",
                        help="validate every plan (*.gpkg) in DIR (repeatable)")
    parser.add_argument("--recursive", action="store_true", help="with --dir: also the plans in its sub-folders")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="plans validated at once, each in its own process (default: the CPUs)")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="validate on this Dask distributed scheduler (tcp://host:8786); needs the [cluster] extra")
    parser.add_argument("--send-bytes", action="store_true",
                        help="send each plan's content to the workers (no shared storage) instead of its path")
    parser.set_defaults(run=run)

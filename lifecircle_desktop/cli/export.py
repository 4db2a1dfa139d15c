"""`lifecircle export PLAN --to DIR [--scenario S] [--compare S2] [--only …] [--crs …]
[--gk-zone-prefix] [--lang zh|en]`: the district bundle (design.md §11, issue 12).

Exit 0 with the bundle's folder on stdout; 2 with one sentence, and nothing left behind, for a
plan that cannot be read, a folder that cannot be written, a scenario or part that does not exist.
"""
from __future__ import annotations

import sys

from ..export.context import CRS_CHOICES, FORMATS, OPTIONAL_PARTS
from .common import language


def parts(text: str) -> tuple[str, ...]:
    """"report,xlsx" → ("report", "xlsx"); checked by the bundle (one sentence for an unknown part)."""
    return tuple(p.strip().lower() for p in text.split(",") if p.strip())


def run(args) -> int:
    from ..export import ExportOptions, Progress
    from ..model.session import PlanSession

    options = ExportOptions(scenario=args.scenario, compare=args.compare, only=args.only or FORMATS,
                            crs=args.crs, gk_zone_prefix=args.gk_zone_prefix,
                            lang=args.lang or language())
    progress = Progress(_printer(options.lang)) if args.progress else None
    with PlanSession.open(args.plan) as session:
        folder = session.export(args.to, options, progress)
    print(folder)
    return 0


def _printer(lang: str):
    """Progress on stderr, every 5 %."""
    last = {"step": -1}

    def report(fraction: float, zh: str, en: str) -> None:
        step = int(fraction * 20)
        if step != last["step"]:
            last["step"] = step
            print(f"  {int(fraction * 100):3d}%  {zh if lang == 'zh' else en}", file=sys.stderr)

    return report


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="write the district bundle: report (PDF), project list (XLSX), "
                                   "CAD (DXF), GeoPackage and GeoJSON, into one new folder")
    parser.add_argument("plan", help="the plan (.gpkg)")
    parser.add_argument("--to", required=True, metavar="DIR",
                        help="the folder to write the bundle's folder into (created if missing)")
    parser.add_argument("--scenario", help="the scenario to export (default: base)")
    parser.add_argument("--compare", metavar="S2", help="a second scenario: the report adds a before/after table")
    parser.add_argument("--only", type=parts, metavar="PARTS",
                        help=f"comma-separated parts to write (default: all of {','.join(FORMATS)}; "
                             f"also {','.join(OPTIONAL_PARTS)}: the residents' A3 poster)")
    parser.add_argument("--crs", choices=CRS_CHOICES, default="plan",
                        help="coordinates of the GeoPackage, the DXF and the report's CRS line: the plan's own, "
                             "CGCS2000 3° Gauss–Krüger (the zone from the plan's location) or WGS 84; "
                             "GeoJSON is always WGS 84 (RFC 7946)")
    parser.add_argument("--gk-zone-prefix", action="store_true",
                        help="with --crs cgcs2000-gk: eastings carry the zone number (EPSG 4513–4533) "
                             "instead of plain eastings (EPSG 4534–4554)")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the report, the project list and the "
                        "folder's name (default: the system's)")
    parser.add_argument("--progress", action="store_true", help="report progress on stderr")
    parser.set_defaults(run=run)

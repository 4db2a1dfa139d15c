"""`lifecircle import-image PLAN FILE [--control px,py=E,N ...]`: a scanned plan (PNG, JPEG, TIFF)
stored inside the plan and placed by control points (≥ 2: similarity, ≥ 3: affine) — or un-placed,
to be placed later in the desktop."""
from __future__ import annotations

import argparse


def control_point(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """"px,py=E,N" → ((px, py), (E, N))."""
    try:
        pixel, _sep, where = text.partition("=")
        px, py = (float(v) for v in pixel.split(","))
        e, n = (float(v) for v in where.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected px,py=E,N (image pixels = plan metres), e.g. 120,80=355200,3464100") from None
    return (px, py), (e, n)


def run(args) -> int:
    from ..model.rasters import describe
    from ..model.session import PlanSession

    with PlanSession.open(args.plan) as session:
        changes = session.import_image(args.file, args.control or [], kind=args.kind, opacity=args.opacity)
        scanned = changes.edit.image
        print(f"imported {args.file} ({scanned.width}×{scanned.height} px, {scanned.levels} pyramid levels) "
              f"into {args.plan}")
        placed = describe(scanned.georef)
        if placed["placed"]:
            residuals = ", ".join(f"{r:.2f}" for r in placed["residuals_m"])
            print(f"  placed by {placed['points']} control points ({placed['kind']}): RMSE {placed['rmse_m']:.2f} m; "
                  f"residuals {residuals} m")
        else:
            print("  not placed yet: add at least 2 control points (desktop: Layers → the scan → Georeference…)")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("import-image", help="import a scanned plan (PNG, JPEG, TIFF) as a base map")
    parser.add_argument("plan")
    parser.add_argument("file", help="PNG, JPEG or TIFF image")
    parser.add_argument("--control", type=control_point, action="append", metavar="PX,PY=E,N",
                        help="a control point: image pixel (from the top-left corner, y down) = plan coordinates "
                             "in metres (repeatable; 2 for a similarity, 3 or more for an affine)")
    parser.add_argument("--kind", choices=("auto", "similarity", "affine"), default="auto",
                        help="transform (default: affine from 3 points not on a line, else similarity)")
    parser.add_argument("--opacity", type=float, default=1.0, help="0–1 (default 1)")
    parser.set_defaults(run=run)

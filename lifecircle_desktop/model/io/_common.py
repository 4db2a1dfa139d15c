"""What every importer shares: one transaction, the import record, the "far from the plan" check."""
from __future__ import annotations

import datetime as _dt
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pyproj import CRS

from .. import crs as crs_mod
from ..errors import PlanError


# Data whose extent comes no closer than this to the plan's area was almost certainly read in
# the wrong CRS (a swapped axis or a projected file read as lon/lat lands 1000s of km away);
# 50 km still admits a neighbouring district imported into the same plan.
FAR_M = 50_000.0


def far_error(distance_m: float | None = None) -> PlanError:
    if distance_m is None or not np.isfinite(distance_m):
        return PlanError("数据离规划区域很远——坐标系是否有误？", "the data lies far from the plan area — wrong CRS?")
    km = distance_m / 1000
    return PlanError(f"数据离规划区域约 {km:,.0f} 公里——坐标系是否有误？",
                     f"the data lies far from the plan area (about {km:,.0f} km away) — wrong CRS?")


def plan_area(plan) -> tuple[float, float, float, float]:
    """The plan's features' extent, or — for an empty plan — its CRS's area of use, in plan metres."""
    bounds = plan.bounds()
    if bounds is not None:
        return bounds
    area = CRS.from_epsg(plan.epsg).area_of_use
    if area is None:
        return (-np.inf, -np.inf, np.inf, np.inf)
    west, south, east, north = area.west, area.south, area.east, area.north
    lon = np.array([west, east, west, east, (west + east) / 2, (west + east) / 2])
    lat = np.array([south, south, north, north, south, north])
    x, y = crs_mod.transformer(crs_mod.WGS84, plan.epsg).transform(lon, lat)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return (-np.inf, -np.inf, np.inf, np.inf)
    return (float(x[ok].min()), float(y[ok].min()), float(x[ok].max()), float(y[ok].max()))


def check_near_plan(plan, x: np.ndarray, y: np.ndarray) -> None:
    """Refuse data (plan-CRS coordinates) that lies far outside the plan's area: a wrong CRS."""
    if len(x) == 0:
        return
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise far_error()
    minx, miny, maxx, maxy = plan_area(plan)
    dx = max(minx - float(x.max()), float(x.min()) - maxx, 0.0)
    dy = max(miny - float(y.max()), float(y.min()) - maxy, 0.0)
    gap = float(np.hypot(dx, dy))
    if gap > FAR_M:
        raise far_error(gap)


def import_record(path: Path, format_name: str, counts: dict, **extra) -> dict:
    """One entry of plan meta ``imports``: which file, when, what came in."""
    st = path.stat()
    # A file name that is not UTF-8 (bytes a Linux folder allows) reaches Python as lone surrogates,
    # which SQLite cannot store: keep it readable with U+FFFD in their place.
    name = os.fsencode(path.name).decode("utf-8", "replace")
    return {"file": name, "format": format_name, "size": st.st_size,
            "file_modified": _dt.datetime.fromtimestamp(st.st_mtime, _dt.timezone.utc).isoformat(timespec="seconds"),
            "imported": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "counts": counts, **extra}


@contextmanager
def one_transaction(plan):
    """The whole import in one transaction: on any error it rolls back, the in-memory plan is
    re-read from the (unchanged) file and the error propagates."""
    try:
        with plan.store.transaction() as db:
            yield db
    except BaseException:
        plan.reload()
        raise



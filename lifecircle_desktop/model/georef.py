"""Placing a drawing or a scan on the plan (配准): control points → a transform, or a known CRS.

A CAD 总图 or a scanned plan comes in its own local coordinates (millimetres from a corner, pixels).
The planner pairs points on it with the same points on the map; ``fit`` turns the pairs into a
least-squares transform — a similarity (shift, rotation, one scale: 4 parameters, ≥ 2 points) or an
affine (6 parameters, ≥ 3 points not on one line) — with each point's residual and the RMSE in plan
metres, so a mis-clicked point shows. A drawing already in a projected CRS (CGCS2000 Gauss–Krüger,
with or without the zone number before the easting, or the plan's own UTM) is placed by pyproj
(``from_crs``). A ``Georef`` is stored in the plan as JSON (``to_json``/``from_json``) beside the
drawing or image it places, so it can be edited later.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely

from .errors import PlanError

SIMILARITY = "similarity"
AFFINE = "affine"
CRS = "crs"
KINDS = (SIMILARITY, AFFINE)
MIN_POINTS = {SIMILARITY: 2, AFFINE: 3}

# Points whose spread across their main direction is below this fraction of their length lie on
# one line for an affine fit: the shear across the line is then set by noise, not by the points.
_COLLINEAR_RATIO = 1e-3
# Two control points closer than this (fraction of the points' extent, or absolute) are one point.
_COINCIDENT_RATIO = 1e-9

Pair = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Georef:
    """A fitted or declared placement: drawing coordinates → plan coordinates (metres).

    ``kind`` is "similarity", "affine" (a 2×3 ``matrix`` fitted to ``pairs``) or "crs" (pyproj from
    ``source_epsg`` to ``target_epsg`` after scaling drawing units by ``scale`` and subtracting a zone
    prefix ``zone_offset`` from the eastings)."""

    kind: str
    matrix: tuple[tuple[float, float, float], tuple[float, float, float]] = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    pairs: tuple[Pair, ...] = ()
    residuals: tuple[float, ...] = ()      # metres, one per pair, in the pairs' order
    source_epsg: int | None = None
    target_epsg: int | None = None
    scale: float = 1.0                     # drawing units → metres, before the CRS transform
    zone_offset: float = 0.0               # metres subtracted from eastings (zone-prefixed Gauss–Krüger)
    y_down: bool = False                   # source rows grow downwards (image pixels): a mirrored similarity

    @property
    def rmse(self) -> float:
        """Root mean square of the residuals in metres (0 for a CRS placement)."""
        if not self.residuals:
            return 0.0
        return float(math.sqrt(sum(r * r for r in self.residuals) / len(self.residuals)))

    @property
    def scale_factor(self) -> float:
        """Metres per drawing unit (the mean of the two axes' scales for an affine)."""
        if self.kind == CRS:
            return self.scale
        (a, b, _), (c, d, _) = self.matrix
        return float(math.sqrt(abs(a * d - b * c)))

    def apply(self, xy) -> np.ndarray:
        """Plan coordinates of drawing points: an (n, 2) array (or one (x, y)) in, (n, 2) out."""
        pts = np.asarray(xy, dtype=float)
        single = pts.ndim == 1
        pts = pts.reshape(-1, 2)
        if self.kind == CRS:
            out = _crs_apply(self, pts)
        else:
            m = np.asarray(self.matrix)
            out = pts @ m[:, :2].T + m[:, 2]
        return out[0] if single else out

    def inverse_apply(self, en) -> np.ndarray:
        """Drawing coordinates of plan points (the inverse of ``apply``)."""
        pts = np.asarray(en, dtype=float)
        single = pts.ndim == 1
        pts = pts.reshape(-1, 2)
        if self.kind == CRS:
            if self.source_epsg == self.target_epsg:
                x, y = pts[:, 0], pts[:, 1]
            else:
                from . import crs as crs_mod
                x, y = crs_mod.transformer(self.target_epsg, self.source_epsg).transform(pts[:, 0], pts[:, 1])
            out = np.column_stack([(np.asarray(x, dtype=float) + self.zone_offset) / self.scale,
                                   np.asarray(y, dtype=float) / self.scale])
        else:
            m = np.asarray(self.matrix)
            out = np.linalg.solve(m[:, :2], (pts - m[:, 2]).T).T
        return out[0] if single else out

    def to_shapely(self, geometry):
        """The geometry (or array of geometries) placed in plan coordinates."""
        return shapely.transform(geometry, self.apply)

    def to_json(self) -> str:
        doc = {"kind": self.kind}
        if self.kind == CRS:
            doc.update(source_epsg=self.source_epsg, target_epsg=self.target_epsg, scale=self.scale,
                       zone_offset=self.zone_offset)
        else:
            doc.update(matrix=[list(r) for r in self.matrix], y_down=self.y_down,
                       control=[[x, y, e, n] for (x, y), (e, n) in self.pairs])
        return json.dumps(doc, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Georef":
        """Read a stored placement back; control points are fitted again (the stored matrix is only a
        cache for readers of the file), so an edited point list yields its own transform."""
        bad = PlanError("保存的配准参数已损坏", "the stored georeferencing is damaged")
        try:
            doc = json.loads(text)
            kind = doc["kind"]
            if kind == CRS:
                return from_crs(int(doc["source_epsg"]), int(doc["target_epsg"]), scale=float(doc["scale"]),
                                zone_offset=float(doc.get("zone_offset", 0.0)))
            if kind not in KINDS:
                raise bad
            pairs = [((float(x), float(y)), (float(e), float(n))) for x, y, e, n in doc["control"]]
            y_down = bool(doc.get("y_down", False))
        except (ValueError, KeyError, TypeError):
            raise bad from None
        return fit(pairs, kind, y_down=y_down)


def fit(pairs, kind: str = "auto", *, y_down: bool = False) -> Georef:
    """Least-squares transform through control points ``[((x, y), (E, N)), …]``.

    ``kind`` "similarity" needs ≥ 2 points, "affine" ≥ 3 not on one line; "auto" takes the affine when
    there are ≥ 3 points spread in both directions, else the similarity. ``y_down``: the source is an
    image whose pixel rows grow downwards, so the similarity mirrors (north is up on the map)."""
    pairs = [((float(x), float(y)), (float(e), float(n))) for (x, y), (e, n) in pairs]
    if kind not in (*KINDS, "auto"):
        raise ValueError(kind)
    src = np.array([p[0] for p in pairs], dtype=float).reshape(-1, 2)
    dst = np.array([p[1] for p in pairs], dtype=float).reshape(-1, 2)
    if not (np.isfinite(src).all() and np.isfinite(dst).all()):
        raise PlanError("控制点坐标必须是有限的数字", "control point coordinates must be finite numbers")
    need = MIN_POINTS[SIMILARITY if kind == "auto" else kind]
    if len(pairs) < need:
        name_zh = {SIMILARITY: "相似变换", AFFINE: "仿射变换"}[SIMILARITY if kind == "auto" else kind]
        name_en = SIMILARITY if kind == "auto" else kind
        raise PlanError(f"{name_zh}至少需要 {need} 个控制点（现有 {len(pairs)} 个）",
                        f"a {name_en} transform needs at least {need} control points ({len(pairs)} given)")
    _check_coincident(src, "图上", "on the drawing")
    _check_coincident(dst, "地图上", "on the map")
    if kind == "auto":
        kind = AFFINE if len(pairs) >= 3 and not _collinear(src) and not _collinear(dst) else SIMILARITY
    if kind == AFFINE:
        for pts, where_zh, where_en in ((src, "图上", "on the drawing"), (dst, "地图上", "on the map")):
            if _collinear(pts):
                raise PlanError(f"控制点共线，无法确定仿射变换：{where_zh}的点几乎在一条直线上，请在直线外再选一点",
                                f"the control points are collinear, so no affine transform can be determined: "
                                f"{where_en} they lie almost on one line — add a point off that line")
    # Centred coordinates keep the normal equations well conditioned for eastings of 10^5–10^7 m.
    flip = np.array([1.0, -1.0 if y_down else 1.0])
    s0, d0 = src.mean(axis=0), dst.mean(axis=0)
    s, d = (src - s0) * flip, dst - d0
    if kind == SIMILARITY:
        # E = a·x − b·y, N = b·x + a·y (centred): rows interleave the E and N equations.
        a_rows = np.zeros((2 * len(s), 2))
        a_rows[0::2] = np.column_stack([s[:, 0], -s[:, 1]])
        a_rows[1::2] = np.column_stack([s[:, 1], s[:, 0]])
        (a, b), *_ = np.linalg.lstsq(a_rows, d.reshape(-1), rcond=None)
        lin = np.array([[a, -b], [b, a]])
    else:
        sol, *_ = np.linalg.lstsq(s, d, rcond=None)
        lin = sol.T
    lin = lin * flip  # back to the source's own axes: lin · diag(flip)
    shift = d0 - lin @ s0
    matrix = tuple(tuple(float(v) for v in (*lin[i], shift[i])) for i in range(2))
    placed = src @ lin.T + shift
    residuals = tuple(float(r) for r in np.hypot(*(placed - dst).T))
    return Georef(kind=kind, matrix=matrix, pairs=tuple(pairs), residuals=residuals, y_down=y_down)


def from_crs(source_epsg: int, target_epsg: int, *, scale: float = 1.0, zone_offset: float = 0.0) -> Georef:
    """A drawing already in a projected CRS (its coordinates × ``scale`` are metres there)."""
    from pyproj import CRS as _CRS
    try:
        crs = _CRS.from_epsg(int(source_epsg))
    except Exception:
        raise PlanError(f"无法识别坐标系 EPSG:{source_epsg}", f"unknown coordinate reference system EPSG:{source_epsg}") from None
    if not crs.is_projected:
        raise PlanError(f"图纸坐标系必须是投影坐标系（EPSG:{source_epsg} 不是）",
                        f"the drawing's CRS must be projected (EPSG:{source_epsg} is not)")
    return Georef(kind=CRS, source_epsg=int(source_epsg), target_epsg=int(target_epsg), scale=float(scale),
                  zone_offset=float(zone_offset))


def identity(plan_epsg: int, *, scale: float = 1.0) -> Georef:
    """Drawing coordinates are plan coordinates (after scaling drawing units to metres)."""
    return Georef(kind=CRS, source_epsg=int(plan_epsg), target_epsg=int(plan_epsg), scale=float(scale))


def zone_offset_for(source_epsg: int, easting: float) -> float:
    """The zone prefix to subtract from eastings like 40 512 345 m read in a Gauss–Krüger CRS whose
    eastings have none (e.g. EPSG:4549, CM 120°E, zone 40): 40 000 000; 0 when there is no prefix.
    Refuses a prefix that names another zone than the CRS's."""
    from pyproj import CRS as _CRS
    if not math.isfinite(easting) or abs(easting) < 1_000_000:
        return 0.0
    crs = _CRS.from_epsg(int(source_epsg))
    params = {p.name: p.value for p in (crs.coordinate_operation.params if crs.coordinate_operation else [])}
    false_easting = params.get("False easting", 0.0)
    if false_easting >= 1_000_000:
        return 0.0      # the CRS itself carries the prefix (EPSG:4513–4533): pyproj handles it
    cm = params.get("Longitude of natural origin")
    prefix = int(easting // 1_000_000)
    if cm is not None:
        zones = {round(cm / 3), round((cm + 3) / 6)}  # a 3° zone number, or a 6° one
        if prefix not in zones:
            raise PlanError(f"图纸东坐标的带号 {prefix} 与坐标系 EPSG:{source_epsg}（中央经线 {cm:g}°）不符",
                            f"the zone number {prefix} before the drawing's eastings does not match "
                            f"EPSG:{source_epsg} (central meridian {cm:g}°)")
    return prefix * 1_000_000.0


def _crs_apply(g: Georef, pts: np.ndarray) -> np.ndarray:
    x = pts[:, 0] * g.scale - g.zone_offset
    y = pts[:, 1] * g.scale
    if g.source_epsg == g.target_epsg:
        return np.column_stack([x, y])
    from . import crs as crs_mod
    e, n = crs_mod.transformer(g.source_epsg, g.target_epsg).transform(x, y)
    return np.column_stack([np.asarray(e, dtype=float), np.asarray(n, dtype=float)])


def _extent(pts: np.ndarray) -> float:
    return float(np.ptp(pts, axis=0).max()) if len(pts) else 0.0


def _check_coincident(pts: np.ndarray, where_zh: str, where_en: str) -> None:
    tol = max(_extent(pts) * _COINCIDENT_RATIO, 1e-9)
    for i in range(len(pts)):
        d = np.hypot(*(pts[i + 1:] - pts[i]).T)
        close = np.flatnonzero(d <= tol)
        if close.size:
            j = i + 1 + int(close[0])
            raise PlanError(f"控制点 {i + 1} 和 {j + 1} 在{where_zh}是同一点，请删去一个或重新选点",
                            f"control points {i + 1} and {j + 1} are the same point {where_en}; "
                            f"remove one or pick again")


def _collinear(pts: np.ndarray) -> bool:
    """True when the points' spread across their main direction is negligible (or < 3 points)."""
    if len(pts) < 3:
        return True
    sv = np.linalg.svd(pts - pts.mean(axis=0), compute_uv=False)
    return bool(sv[0] == 0 or sv[1] / sv[0] < _COLLINEAR_RATIO)

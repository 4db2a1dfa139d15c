"""Chinese map services' coordinates: GCJ-02 (高德、腾讯, "火星坐标") and BD-09 (百度) to WGS-84.

Points exported from Amap, Tencent or Baidu Maps are not WGS-84: GCJ-02 shifts them by a few
hundred metres with a published (reverse-engineered) forward formula on the Krasovsky ellipsoid,
and BD-09 rotates and shifts GCJ-02 again. Only the forward directions have closed forms; the
inverses here iterate the forward until it reproduces the input within ``TOLERANCE_DEG``
(≈ 0.1 mm), so the round trip stays far below the 0.5 m the import promises (issue 14 item 5).
Arrays in, arrays out (numpy); longitudes first, as everywhere in the plan.
"""
from __future__ import annotations

import numpy as np

# The GCJ-02 forward formula's constants: the Krasovsky 1940 ellipsoid's semi-major axis and
# first eccentricity squared, as every published implementation (e.g. eviltransform) uses them.
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
# BD-09's rotation constant (π × 3000 / 180) from the same published formula.
X_PI = np.pi * 3000.0 / 180.0
# The rough box the GCJ-02 formula applies in; outside it a point is left unchanged (as the
# published implementations do).
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)
# The inverses stop when the forward of the estimate is this close to the input (degrees):
# 1e-9° is about 0.1 mm on the ground.
TOLERANCE_DEG = 1e-9
MAX_ITERATIONS = 50

SYSTEMS = ("wgs84", "gcj02", "bd09")


def out_of_china(lon, lat) -> np.ndarray:
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    west, south, east, north = CHINA_BOX
    return (lon < west) | (lon > east) | (lat < south) | (lat > north)


def _shift(x, y):
    """The published GCJ-02 offsets (degrees, before scaling) at x = lon − 105, y = lat − 35."""
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 → GCJ-02 by the published forward formula; points outside China unchanged."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _shift(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - KRASOVSKY_EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (KRASOVSKY_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 by the published x_pi formula (applied everywhere, as Baidu does)."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def _bd09_to_gcj02_estimate(lon, lat):
    """The published closed-form BD-09 → GCJ-02, which is only approximate: a starting point."""
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(forward, lon, lat, start=None) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(estimate) = (lon, lat) by fixed-point iteration: the offsets change slowly
    (their derivative is ~1e-3), so subtracting the residual converges geometrically. Each point
    stops on its own when its residual is below TOLERANCE_DEG."""
    lon, lat = np.atleast_1d(np.asarray(lon, dtype=float)).copy(), np.atleast_1d(np.asarray(lat, dtype=float)).copy()
    est_lon, est_lat = (lon.copy(), lat.copy()) if start is None else (np.atleast_1d(start[0]).astype(float),
                                                                      np.atleast_1d(start[1]).astype(float))
    todo = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    for _ in range(MAX_ITERATIONS):
        if not len(todo):
            break
        f_lon, f_lat = forward(est_lon[todo], est_lat[todo])
        r_lon, r_lat = f_lon - lon[todo], f_lat - lat[todo]
        est_lon[todo] -= r_lon
        est_lat[todo] -= r_lat
        todo = todo[(np.abs(r_lon) > TOLERANCE_DEG) | (np.abs(r_lat) > TOLERANCE_DEG)]
    return est_lon, est_lat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS-84 by iterating the forward formula (error ≪ 0.5 m)."""
    shape = np.shape(lon)
    out_lon, out_lat = _invert(wgs84_to_gcj02, lon, lat)
    return out_lon.reshape(shape), out_lat.reshape(shape)


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02: the published estimate refined by iterating the forward formula."""
    shape = np.shape(lon)
    out_lon, out_lat = _invert(gcj02_to_bd09, lon, lat, start=_bd09_to_gcj02_estimate(lon, lat))
    return out_lon.reshape(shape), out_lat.reshape(shape)


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS-84 by iterating the composed forward (WGS-84 → GCJ-02 → BD-09)."""
    shape = np.shape(lon)
    out_lon, out_lat = _invert(wgs84_to_bd09, lon, lat, start=gcj02_to_wgs84(*bd09_to_gcj02(lon, lat)))
    return out_lon.reshape(shape), out_lat.reshape(shape)


def to_wgs84(system: str, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in ``system`` ("wgs84", "gcj02" or "bd09") as WGS-84 lon/lat."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if system == "wgs84":
        return lon, lat
    if system == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if system == "bd09":
        return bd09_to_wgs84(lon, lat)
    raise ValueError(f"unknown coordinate system {system!r} (choose from {', '.join(SYSTEMS)})")

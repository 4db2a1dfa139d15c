"""Choosing the plan's projected metric CRS and transforming to it (pyproj).

Plans are drawn in metres: areas and walking distances are planar in the plan's CRS. The CRS is
the UTM zone of the data's location (for Shanghai EPSG:32651), chosen at creation and recorded in
the file. OSM and GeoJSON (RFC 7946) are WGS-84 lon/lat.
"""
from __future__ import annotations

from functools import lru_cache

from pyproj import CRS, Transformer

from .errors import PlanError

WGS84 = 4326


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS-84 UTM zone containing (lon, lat)."""
    if not (-180 <= lon <= 180 and -80 <= lat <= 84):
        raise PlanError(f"经纬度 ({lon}, {lat}) 超出范围", f"lon/lat ({lon}, {lat}) is out of range")
    zone = int((lon + 180) // 6) + 1
    return (32600 if lat >= 0 else 32700) + min(zone, 60)


def parse_crs(text: str) -> int:
    """'EPSG:32651' or '32651' -> 32651; refuses a CRS that is not projected in metres."""
    try:
        crs = CRS.from_user_input(text)
        epsg = crs.to_epsg()
    except Exception:
        raise PlanError(f"无法识别坐标系 {text!r}", f"unknown coordinate reference system {text!r}") from None
    if epsg is None:
        raise PlanError(f"坐标系 {text!r} 没有 EPSG 代码", f"CRS {text!r} has no EPSG code")
    return epsg


def check_metric(epsg: int) -> int:
    crs = CRS.from_epsg(epsg)
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if not crs.is_projected or unit not in ("metre", "meter"):
        raise PlanError(f"规划坐标系必须是以米为单位的投影坐标系（EPSG:{epsg} 不是）",
                        f"the plan's CRS must be projected in metres (EPSG:{epsg} is not)")
    return epsg


@lru_cache(maxsize=32)
def transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


@lru_cache(maxsize=32)
def wkt(epsg: int) -> str:
    return CRS.from_epsg(epsg).to_wkt("WKT1_GDAL")


@lru_cache(maxsize=32)
def name(epsg: int) -> str:
    return CRS.from_epsg(epsg).name

"""Points of interest from Chinese map services (高德、腾讯、百度) into facilities or stops.

A CSV (UTF-8 with or without BOM, or GBK/GB18030 as Chinese spreadsheet tools write it) or a
GeoJSON of points; coordinates in WGS-84, GCJ-02 or BD-09 (converted with chinacoords, < 0.5 m).
Columns are found by their usual names (COLUMN_ALIASES) unless named; a category ("幼儿园",
"科教文化服务;学校;幼儿园") becomes a catalogue type through poi_categories, and a row whose
category is unknown is skipped and LISTED in the record, never dropped silently. A point for the
facilities layer (polygons) becomes a square footprint of the type's minimum area, ``source =
"poi"`` marking it as a placeholder for the real outline. Everything is checked before anything is
written; the import is one edit (AddFeatures), so one undo takes it back.
"""
from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path
from typing import Callable

import numpy as np
import shapely

from .. import crs as crs_mod
from ..catalogue import load_catalogue
from ..edits import AddFeatures
from ..errors import PlanError, read_user_file
from ..schema import FACILITIES, STOPS
from . import _common
from .chinacoords import SYSTEMS, to_wgs84
from .poi_categories import category_type, category_words

POI_LAYERS = (FACILITIES, STOPS)
# Column role -> header names recognised without a mapping (case-insensitive, spaces ignored).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "lon": ("经度", "lng", "lon", "long", "longitude", "x", "gcj_lng", "bd_lng", "wgs_lng", "经度（gcj02）"),
    "lat": ("纬度", "lat", "latitude", "y", "gcj_lat", "bd_lat", "wgs_lat", "纬度（gcj02）"),
    "location": ("坐标", "经纬度", "location", "lnglat", "lng,lat"),
    "name": ("名称", "name", "名字", "poi名称", "设施名称", "title"),
    "type": ("类型", "分类", "类别", "type", "category", "poi类型", "大类;中类;小类", "行业分类", "tag"),
}
# A footprint for a facility type no enabled pack gives a minimum area to: 默认值，无公开依据
# (a plan setting would be the place if planners need to change it).
DEFAULT_FOOTPRINT_M2 = 100.0
MAX_FILE_BYTES = 256 << 20
# China's rough extent in degrees, to tell swapped columns (lat ≈ 120) from a wrong file.
_CHINA_LON, _CHINA_LAT = (72.0, 138.0), (0.8, 56.0)


class PoiTable:
    """What a file holds: per row its name, category text and coordinates (as read)."""

    def __init__(self, names, categories, lon, lat, rows, columns: dict, encoding: str, format_name: str):
        self.names, self.categories = names, categories
        self.lon, self.lat, self.rows = lon, lat, rows  # rows: the file's line (CSV) or feature index
        self.columns, self.encoding, self.format_name = columns, encoding, format_name
        # Lines left out for want of coordinates (a blank or unreadable cell): map services' exports
        # often hold a few such rows, which must not refuse the rest (listed to the planner instead).
        self.without_coordinates: list[int] = []

    def where(self, i: int) -> tuple[str, str]:
        if self.format_name == "CSV":
            return f"第 {self.rows[i]} 行", f"line {self.rows[i]}"
        return f"features[{self.rows[i]}]", f"features[{self.rows[i]}]"


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else GB18030 (which
    reads every GBK file: Excel and WPS save Chinese CSV so)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        raise PlanError(f"{path.name}：不是 UTF-8 或 GBK 编码的文本", f"{path.name}: the text is neither UTF-8 nor GBK") from None


def _key(header: str) -> str:
    return "".join(header.split()).lower()


def _find_column(headers: list[str], role: str, named: str | None, path: Path) -> str | None:
    if named:
        for h in headers:
            if h == named or _key(h) == _key(named):
                return h
        raise PlanError(f"{path.name}：没有列 {named!r}（表头：{'、'.join(headers)}）",
                        f"{path.name}: there is no column {named!r} (headers: {', '.join(headers)})")
    by_key = {_key(h): h for h in headers}
    for alias in COLUMN_ALIASES[role]:
        if _key(alias) in by_key:
            return by_key[_key(alias)]
    return None


def _number(text, path: Path, where: tuple[str, str], what: tuple[str, str]) -> float:
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        raise PlanError(f"{path.name}：{where[0]}的{what[0]} {text!r} 不是数字",
                        f"{path.name}: {where[1]}: the {what[1]} {text!r} is not a number") from None
    if not np.isfinite(value):
        raise PlanError(f"{path.name}：{where[0]}的{what[0]}不是有限数", f"{path.name}: {where[1]}: the {what[1]} is not finite")
    return value


def headers_of(path: str | os.PathLike) -> tuple[list[str], str]:
    """A CSV's headers (a GeoJSON's property names) and its encoding: the desktop shows them for
    the planner to map the columns it could not find."""
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        from .geojson import _features, _load_json
        raw = read_user_file(path, " GeoJSON 文件", "a GeoJSON file")
        if not raw.strip():
            raise PlanError(f"{path.name}：文件是空的", f"{path.name}: the file is empty")
        feats = _features(_load_json(path, raw))
        keys = sorted({k for f in feats if isinstance(f, dict) and isinstance(f.get("properties"), dict)
                       for k in f["properties"]})
        return keys, "UTF-8"
    raw = read_user_file(path, " CSV 文件", "a CSV file", size=1 << 20)
    if not raw.strip():
        raise PlanError(f"{path.name}：文件是空的", f"{path.name}: the file is empty")
    try:
        text, encoding = _decode(path, raw)
    except PlanError:  # the first MiB may end inside a character: judge by whole lines
        text, encoding = _decode(path, raw[:raw.rfind(b"\n") + 1] or raw)
    reader = csv.reader(io.StringIO(text.split("\n", 1)[0]), _dialect(text))
    return [h.strip() for h in next(reader, [])], encoding


def guess_columns(headers: list[str]) -> dict[str, str]:
    """role (lon, lat, location, name, type) -> the header the usual names find."""
    found = {role: _find_column(headers, role, None, Path("")) for role in COLUMN_ALIASES}
    return {role: h for role, h in found.items() if h is not None}


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_csv(path: Path, columns: dict) -> PoiTable:
    """Rows of a CSV: ``columns`` maps a role (lon, lat, location, name, type) to a header."""
    raw = read_user_file(path, " CSV 文件", "a CSV file")
    text, encoding = _decode(path, raw)
    if not text.strip():
        raise PlanError(f"{path.name}：文件是空的", f"{path.name}: the file is empty")
    reader = csv.reader(io.StringIO(text), _dialect(text))
    headers = [h.strip() for h in next(reader)]
    found = {role: _find_column(headers, role, columns.get(role), path) for role in COLUMN_ALIASES}
    if found["lon"] is None or found["lat"] is None:
        if found["location"] is None or columns.get("lon") or columns.get("lat"):
            raise PlanError(f"{path.name}：找不到经度、纬度列（表头：{'、'.join(headers)}）；请指定经度列和纬度列",
                            f"{path.name}: no longitude and latitude columns (headers: {', '.join(headers)}); "
                            "name the longitude and latitude columns")
    index = {h: i for i, h in enumerate(headers)}
    names, categories, lon, lat, rows = [], [], [], [], []
    skipped: list[int] = []
    first_error: PlanError | None = None
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        cell = (lambda role: row[index[found[role]]] if found[role] is not None and index[found[role]] < len(row) else "")
        where = f"第 {line} 行", f"line {line}"
        try:
            if found["lon"] is not None and found["lat"] is not None:
                x = _number(cell("lon"), path, where, ("经度", "longitude"))
                y = _number(cell("lat"), path, where, ("纬度", "latitude"))
            else:  # Amap's "location": "116.42703,39.90245"
                parts = cell("location").replace("，", ",").split(",")
                if len(parts) != 2:
                    raise PlanError(f"{path.name}：{where[0]}的坐标 {cell('location')!r} 不是“经度,纬度”",
                                    f"{path.name}: {where[1]}: the location {cell('location')!r} is not 'lon,lat'")
                x = _number(parts[0], path, where, ("经度", "longitude"))
                y = _number(parts[1], path, where, ("纬度", "latitude"))
        except PlanError as e:  # this row has no usable coordinates: left out and listed
            skipped.append(line)
            first_error = first_error or e
            continue
        names.append(cell("name").strip())
        categories.append(cell("type").strip())
        lon.append(x)
        lat.append(y)
        rows.append(line)
    if not rows:
        if first_error is not None:  # not one row with coordinates: the first one's reason
            raise first_error
        raise PlanError(f"{path.name}：只有表头，没有数据行", f"{path.name}: it has a header but no rows")
    used = {role: h for role, h in found.items() if h is not None}
    table = PoiTable(names, categories, np.array(lon), np.array(lat), rows, used, encoding, "CSV")
    table.without_coordinates = skipped
    return table


def read_geojson_points(path: Path, columns: dict) -> PoiTable:
    """Point features of a GeoJSON file (MultiPoints split); properties by the same names."""
    from .geojson import _features, _load_json
    raw = read_user_file(path, " GeoJSON 文件", "a GeoJSON file")
    if not raw.strip():
        raise PlanError(f"{path.name}：文件是空的", f"{path.name}: the file is empty")
    feats = _features(_load_json(path, raw))
    keys = sorted({k for f in feats if isinstance(f, dict) and isinstance(f.get("properties"), dict)
                   for k in f["properties"]})
    found = {role: _find_column(keys, role, columns.get(role), path) for role in ("name", "type")}
    names, categories, lon, lat, rows = [], [], [], [], []
    for i, f in enumerate(feats):
        g = f.get("geometry") if isinstance(f, dict) else None
        kind = g.get("type") if isinstance(g, dict) else None
        points = ([g.get("coordinates")] if kind == "Point" else g.get("coordinates") if kind == "MultiPoint" else None)
        if not isinstance(points, list) or not all(isinstance(p, list) and len(p) >= 2 for p in points):
            raise PlanError(f"{path.name}：features[{i}] 不是点（{kind}）", f"{path.name}: features[{i}] is not a point ({kind})")
        props = f.get("properties") or {}
        for p in points:
            where = f"features[{i}]", f"features[{i}]"
            lon.append(_number(p[0], path, where, ("经度", "longitude")))
            lat.append(_number(p[1], path, where, ("纬度", "latitude")))
            names.append(str(props.get(found["name"]) or "").strip() if found["name"] else "")
            categories.append(str(props.get(found["type"]) or "").strip() if found["type"] else "")
            rows.append(i)
    if not rows:
        raise PlanError(f"{path.name}：没有点要素", f"{path.name}: it has no point features")
    used = {role: h for role, h in found.items() if h is not None}
    return PoiTable(names, categories, np.array(lon), np.array(lat), rows, used, "UTF-8", "GeoJSON")


def read_poi_file(path: str | os.PathLike, columns: dict | None = None) -> PoiTable:
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise PlanError(f"{path.name}：文件超过 {MAX_FILE_BYTES >> 20} MB", f"{path.name}: the file is larger than {MAX_FILE_BYTES >> 20} MB")
    if path.suffix.lower() in (".geojson", ".json"):
        return read_geojson_points(path, columns or {})
    return read_csv(path, columns or {})


def _check_range(table: PoiTable, path: Path) -> None:
    """Latitude beyond ±90 or longitude beyond ±180, or (in China) the two columns swapped: one
    sentence naming the first such row."""
    lon, lat = table.lon, table.lat
    swapped = ((lat >= _CHINA_LON[0]) & (lat <= _CHINA_LON[1]) & (lon >= _CHINA_LAT[0]) & (lon <= _CHINA_LAT[1]))
    if swapped.any():
        i = int(np.flatnonzero(swapped)[0])
        zh, en = table.where(i)
        raise PlanError(f"{path.name}：经度和纬度似乎对调了（{zh}：经度 {lon[i]}，纬度 {lat[i]}）",
                        f"{path.name}: longitude and latitude look swapped ({en}: longitude {lon[i]}, latitude {lat[i]})")
    bad = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        zh, en = table.where(i)
        raise PlanError(f"{path.name}：坐标超出经纬度范围（{zh}：经度 {lon[i]}，纬度 {lat[i]}）",
                        f"{path.name}: a coordinate is out of range ({en}: longitude {lon[i]}, latitude {lat[i]})")


def words_list(counts: dict[str, int], english: bool = False) -> str:
    """"银行（3 个）、网吧（1 个）" — the categories a planner is told were not imported (most first)."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if english:
        return ", ".join(f"{c or '(empty)'} ({n})" for c, n in ordered)
    return "、".join(f"{c or '（空）'}（{n} 个）" for c, n in ordered)


def poi_import_edit(plan, layer: str, path: str | os.PathLike, coords: str = "wgs84", *,
                    facility_type: str | None = None, columns: dict | None = None,
                    footprint_area: Callable[[str], float | None] | None = None,
                    scenario: str = "base") -> AddFeatures:
    """Read and check a POI file for ``layer`` (facilities or stops): the import as one edit, not
    yet applied. ``columns``: role (lon, lat, location, name, type) -> header, for headers the
    aliases do not know. ``footprint_area(code)``: a facility point's footprint in m² (the
    type's minimum area in the enabled packs); DEFAULT_FOOTPRINT_M2 when it gives None."""
    path = Path(path)
    if layer not in POI_LAYERS:
        raise PlanError(f"兴趣点只能导入设施或站点图层（不是 {layer}）",
                        f"points of interest go into the facilities or stops layer (not {layer})")
    if coords not in SYSTEMS:
        raise PlanError(f"未知坐标系 {coords!r}（可选：{', '.join(SYSTEMS)}）",
                        f"unknown coordinate system {coords!r} (choose {', '.join(SYSTEMS)})")
    plan.require_scenario(scenario)
    catalogue = load_catalogue()
    if facility_type is not None and facility_type not in catalogue:
        raise PlanError(f"未知设施类型 {facility_type!r}", f"unknown facility type {facility_type!r}")
    table = read_poi_file(path, columns)
    _check_range(table, path)

    # Types: the given one, else each row's category through the word table.
    want_point = layer == STOPS
    words, memo = category_words(catalogue), {}
    codes: list[str | None] = []
    unrecognised, other_layer = Counter(), Counter()
    for category in table.categories:
        if facility_type is not None:
            code = facility_type
        elif not category and layer == STOPS:
            code = "bus_stop"  # a list of stops with no category column: the layer's default type
        else:
            if category not in memo:
                memo[category] = category_type(category, words)
            code = memo[category]
        if code is None:
            unrecognised[category] += 1
        elif (catalogue[code].geometry == "point") != want_point:
            other_layer[category or code] += 1
            code = None
        codes.append(code)
    keep = np.array([c is not None for c in codes], dtype=bool)
    if not keep.any():
        listed, listed_en = words_list(unrecognised + other_layer), words_list(unrecognised + other_layer, True)
        if "type" not in table.columns and facility_type is None:
            raise PlanError(f"{path.name}：没有类别列；请指定类型列或设施类型",
                            f"{path.name}: there is no category column; name the type column or give a facility type")
        raise PlanError(f"{path.name}：没有一行的类别能对应到设施目录（未识别的类别：{listed}）",
                        f"{path.name}: no row's category matches the catalogue (unrecognised: {listed_en})")

    # Coordinates: the service's system -> WGS-84 -> the plan's CRS, then the far-from-plan check.
    with np.errstate(all="ignore"):
        lon, lat = to_wgs84(coords, table.lon[keep], table.lat[keep])
        x, y = crs_mod.transformer(crs_mod.WGS84, plan.epsg).transform(lon, lat)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    _common.check_near_plan(plan, x, y)

    kept_codes = [c for c in codes if c is not None]
    kept_names = [n for n, k in zip(table.names, keep) if k]
    if want_point:
        geoms = shapely.points(x, y)
    else:
        area = {}
        for code in set(kept_codes):
            value = footprint_area(code) if footprint_area is not None else None
            area[code] = value if value else DEFAULT_FOOTPRINT_M2
        half = np.sqrt(np.array([area[c] for c in kept_codes])) / 2
        geoms = shapely.box(x - half, y - half, x + half, y + half)
    rows = []
    for geom, code, name in zip(geoms, kept_codes, kept_names):
        attrs = (("type", code), ("name", name), ("source", "poi"))
        if not want_point:
            attrs += (("status", "existing"),)
        rows.append((geom, attrs))
    record = _common.import_record(
        path, table.format_name, {layer: len(rows)}, source_crs="EPSG:4326", coords=coords,
        encoding=table.encoding, layer=layer, scenario=scenario, mapping=dict(table.columns),
        unrecognised=dict(unrecognised), other_layer=dict(other_layer),
        without_coordinates=list(table.without_coordinates))
    return AddFeatures(layer, tuple(rows), scenario, record=record)


def poi_summary(edit: AddFeatures) -> dict:
    """What an applied POI import brought in, with the categories it skipped and why."""
    record = edit.record or {}
    skipped = {}
    unrecognised, other = record.get("unrecognised") or {}, record.get("other_layer") or {}
    if unrecognised:
        skipped[f"unrecognised categories: {words_list(unrecognised, True)}"] = sum(unrecognised.values())
    if other:
        target = "facilities" if edit.layer == STOPS else "stops"
        skipped[f"categories of the {target} layer: {words_list(other, True)}"] = sum(other.values())
    lines = list(record.get("without_coordinates") or [])
    if lines:
        skipped[f"rows without usable coordinates (lines {', '.join(map(str, lines[:10]))})"] = len(lines)
    return {"layers": {edit.layer: len(edit.fids or ())}, "fids": list(edit.fids or ()),
            "crs": record.get("source_crs", ""), "coords": record.get("coords", ""),
            "encoding": record.get("encoding", ""), "mapping": dict(record.get("mapping") or {}),
            "unrecognised": dict(unrecognised), "other_layer": dict(other), "skipped": skipped}


def unrecognised_message(edit: AddFeatures) -> tuple[str, str] | None:
    """"未识别的类别：银行（12 个）、…" in Chinese and English, or None when every row came in."""
    record = edit.record or {}
    counts = Counter(record.get("unrecognised") or {}) + Counter(record.get("other_layer") or {})
    lines = list(record.get("without_coordinates") or [])
    zh, en = [], []
    if counts:
        n = sum(counts.values())
        zh.append(f"未识别的类别：{words_list(dict(counts))}（共 {n} 个，未导入）")
        en.append(f"Unrecognised categories: {words_list(dict(counts), True)} ({n} rows, not imported)")
    if lines:
        shown = "、".join(str(i) for i in lines[:10]) + ("…" if len(lines) > 10 else "")
        shown_en = ", ".join(str(i) for i in lines[:10]) + ("…" if len(lines) > 10 else "")
        zh.append(f"{len(lines)} 行没有可用的坐标，未导入（第 {shown} 行）")
        en.append(f"{len(lines)} rows have no usable coordinates and were not imported (lines {shown_en})")
    if not zh:
        return None
    return "；".join(zh), "; ".join(en)

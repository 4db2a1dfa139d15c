"""GeoJSON in and out of a plan layer (RFC 7946).

Coordinates are WGS-84 lon/lat unless the file has a legacy ``crs`` member (GeoJSON 2008, as
QGIS and GDAL still write for projected data) or the caller names the CRS. A (Multi)Polygon
becomes one feature per polygon part, likewise MultiPoint and MultiLineString. Properties map to
plan fields by name — common Chinese and English names are recognised (``DEFAULT_ALIASES``) and
``mapping`` overrides them. Every feature is checked before anything is written: the first bad one
stops the import with one sentence naming ``features[i]`` and the problem, and the plan is
unchanged (one transaction).
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from .. import crs as crs_mod
from ..catalogue import load_catalogue
from ..edits import AddFeatures
from ..errors import PlanError, read_user_file
from ..plan import typed_attributes
from ..schema import LAYERS
from . import _common

# Plan field -> property names recognised without a mapping (compared case-insensitively).
DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "名称", "名字", "title", "小区名称", "设施名称"),
    "households": ("households", "户数", "住户数", "hh"),
    "population": ("population", "人口", "人口数", "pop"),
    "floors": ("floors", "层数", "levels", "building:levels", "floor"),
    "type": ("type", "类型", "设施类型", "code", "facility_type"),
    "floor_area": ("floor_area", "建筑面积", "gfa"),
    "land_area": ("land_area", "用地面积", "占地面积"),
    "kind": ("kind", "类别"),
    "class": ("class", "highway", "等级"),
    "status": ("status", "状态"),
}

# What each layer geometry accepts, and how multi-part geometries split.
_ACCEPTS = {"POLYGON": ("Polygon", "MultiPolygon"), "POINT": ("Point", "MultiPoint"),
            "LINESTRING": ("LineString", "MultiLineString")}
_NEEDS = {"POLYGON": ("多边形", "polygons"), "POINT": ("点", "points"), "LINESTRING": ("线", "lines")}
IMPORTABLE_LAYERS = ("residential", "facilities", "walk_network", "stops", "entrances", "planning_units")
# How deep each geometry type nests its positions: Point [x, y]; LineString [[x, y], …]; …
_POSITION_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
                   "MultiPolygon": 3}
# The same ceiling as an OSM file's text (osm_reader.MAX_TEXT_BYTES): json.loads holds it all.
MAX_FILE_BYTES = 256 << 20
# SQLite stores integers in 64 bits; beyond that a value cannot be written (it crashed before).
MAX_INTEGER = 2**63 - 1


class _NotANumber(ValueError):
    """NaN, Infinity or a number too large for a double: JSON (RFC 8259 §6) has no such numbers."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotANumber(text)
    return value


def _no_constant(name: str):
    raise _NotANumber(name)


def _load_json(path: Path, raw: bytes):
    """The parsed document, or one sentence on why the file is not JSON we can read."""
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_float=_finite, parse_constant=_no_constant)
    except _NotANumber as e:
        raise PlanError(f"{path.name}：含有 {e} ，这不是 JSON 数值（数值必须是有限数）",
                        f"{path.name}: it holds {e}, which is not a JSON number (numbers must be finite)") from None
    except RecursionError:
        raise PlanError(f"{path.name}：JSON 嵌套过深，不是 GeoJSON", f"{path.name}: the JSON is nested too deeply to be GeoJSON") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        where = f" (line {e.lineno})" if isinstance(e, json.JSONDecodeError) else ""
        raise PlanError(f"{path.name}：不是有效的 JSON{where}", f"{path.name}: not valid JSON{where}") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise PlanError(f"{path.name}：有一个数值的位数太多", f"{path.name}: a number in it has too many digits") from None


def _well_formed(geometry: dict) -> bool:
    """Whether ``coordinates`` nest as the type says, down to positions of 2 or 3 numbers
    (true/false are not numbers, though Python counts them as 0 and 1)."""
    level = [geometry.get("coordinates")]
    for _ in range(_POSITION_DEPTH[geometry["type"]]):
        if not all(isinstance(c, list) for c in level):
            return False
        level = [c for items in level for c in items]
    return all(isinstance(p, list) and 2 <= len(p) <= 3 and all(type(v) in (int, float) for v in p) for p in level)


def _check_value(layer: str, name: str, value) -> None:
    """Refuse a property value the plan must not store, in one sentence: text that is not
    Unicode, a list or object, true/false for a number, a negative, fractional or too large count."""
    field = LAYERS[layer].field(name)
    if isinstance(value, (list, dict)):
        raise PlanError(f"属性 {name} 的值不是数字或文本", f"{name} is not a number or text")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PlanError(f"属性 {name} 含有无效的 Unicode 字符（孤立的代理项）",
                            f"{name} holds text that is not valid Unicode (a lone surrogate)") from None
    if field.type not in (int, float) or value is None:
        return
    if isinstance(value, str):  # "12" is read as 12, and so "NaN" would be NaN
        try:
            value = float(value)
        except ValueError:
            return  # typed_attributes says it is not a number
        if not math.isfinite(value):
            raise PlanError(f"属性 {name} 的值 {value} 不是有限数", f"{name} = {value} is not a finite number")
    if isinstance(value, bool):
        raise PlanError(f"属性 {name} 是 {str(value).lower()}，不是数字", f"{name} is {str(value).lower()}, not a number")
    # Every number a plan holds is a count, an area or a floor count: none is negative.
    if value < 0:
        raise PlanError(f"属性 {name} 为负数 {value}", f"{name} is negative ({value})")
    if value > MAX_INTEGER:
        raise PlanError(f"属性 {name} 的值 {value:.3g} 太大", f"{name} is too large ({value:.3g})")
    # Refused, not rounded: 5.7 floors or 12.5 beds is a wrong column (a height, a ratio) more
    # often than a typo, and rounding would hide it (docs/import.md §8).
    if field.type is int and value != int(value):
        raise PlanError(f"属性 {name} 的值 {value} 不是整数", f"{name} = {value} is not a whole number")


def _bad(index: int | None, zh: str, en: str) -> PlanError:
    if index is None:
        return PlanError(zh, en)
    return PlanError(f"features[{index}]：{zh}", f"features[{index}]: {en}")


def _legacy_crs(doc: dict) -> int | None:
    member = doc.get("crs")
    if not member:
        return None
    properties = member.get("properties") if isinstance(member, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise PlanError("GeoJSON 的 crs 成员无法识别", "the GeoJSON crs member cannot be read")
    if name.upper().endswith("CRS84"):
        return crs_mod.WGS84
    return crs_mod.parse_crs(name)


def _source_epsg(doc: dict, crs) -> int:
    if crs is not None:
        return crs if isinstance(crs, int) else crs_mod.parse_crs(str(crs))
    return _legacy_crs(doc) or crs_mod.WGS84


def _features(doc) -> list[dict]:
    if not isinstance(doc, dict):
        raise PlanError("不是 GeoJSON（顶层不是对象）", "not GeoJSON (the top level is not an object)")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise PlanError("GeoJSON 要素集合缺少 features 数组", "the GeoJSON FeatureCollection has no features array")
        return feats
    if kind == "Feature":
        return [doc]
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"):
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise PlanError(f"不是 GeoJSON（type 为 {kind!r}）", f"not GeoJSON (type is {kind!r})")


def _resolve_mapping(layer: str, props_keys: set[str], mapping: dict | None) -> dict[str, str]:
    """plan field -> source property."""
    spec = LAYERS[layer]
    out: dict[str, str] = {}
    lower = {k.lower(): k for k in props_keys}
    for field in spec.field_names:
        if field in props_keys:
            out[field] = field
            continue
        for alias in DEFAULT_ALIASES.get(field, ()):
            if alias.lower() in lower:
                out[field] = lower[alias.lower()]
                break
    for src, dst in (mapping or {}).items():
        if dst not in spec.field_names:
            raise PlanError(f"图层 {layer} 没有属性 {dst}（--map {src}={dst}）",
                            f"layer {layer} has no field {dst} (--map {src}={dst})")
        out = {f: s for f, s in out.items() if s != src}
        out[dst] = src
    return out


def import_geojson(plan, layer: str, path: str | os.PathLike, type_code: str | None = None, crs=None,
                   mapping: dict | None = None, scenario: str = "base") -> dict:
    """Import a GeoJSON file into ``layer`` of ``plan``; returns ``{"layers": {layer: n}, ...}``.
    Outside any history: the planner's import is PlanSession.import_features (undoable)."""
    changes = geojson_import_edit(plan, layer, path, type_code, crs, mapping, scenario).apply(plan)
    return import_summary(changes.edit)


def import_summary(edit: AddFeatures) -> dict:
    """What an applied GeoJSON import brought in: counts, fids, the source CRS, the property mapping."""
    record = edit.record or {}
    return {"layers": {edit.layer: len(edit.fids or ())}, "fids": list(edit.fids or ()),
            "crs": record.get("source_crs", ""), "mapping": dict(record.get("mapping") or {})}


def geojson_import_edit(plan, layer: str, path: str | os.PathLike, type_code: str | None = None, crs=None,
                   mapping: dict | None = None, scenario: str = "base") -> AddFeatures:
    """Read and check a GeoJSON file for ``layer``: the import as one edit, not yet applied.
    Every feature is checked here, so applying it writes all of them or (on a PlanError) none."""
    path = Path(path)
    if layer not in IMPORTABLE_LAYERS:
        raise PlanError(f"不能向图层 {layer} 导入（可选：{', '.join(IMPORTABLE_LAYERS)}）",
                        f"cannot import into layer {layer} (choose one of {', '.join(IMPORTABLE_LAYERS)})")
    plan.require_scenario(scenario)
    spec = LAYERS[layer]
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise PlanError(f"{path.name}：文件超过 {MAX_FILE_BYTES >> 20} MB，超出一个规划所需",
                        f"{path.name}: the file is larger than {MAX_FILE_BYTES >> 20} MB, beyond what one plan needs")
    raw = read_user_file(path, " GeoJSON 文件", "a GeoJSON file")
    if not raw.strip():
        raise PlanError(f"{path.name}：文件是空的", f"{path.name}: the file is empty")
    doc = _load_json(path, raw)
    feats = _features(doc)
    src_epsg = _source_epsg(doc, crs)
    catalogue = load_catalogue() if "type" in spec.field_names and layer in ("facilities", "stops") else None
    if type_code is not None and catalogue is not None and type_code not in catalogue:
        raise PlanError(f"未知设施类型 {type_code!r}", f"unknown facility type {type_code!r}")
    props_keys = set()
    for i, f in enumerate(feats):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raise _bad(i, "不是 GeoJSON 要素", "is not a GeoJSON Feature")
        props = f.get("properties")
        if props is not None and not isinstance(props, dict):  # RFC 7946 §3.2: an object or null
            raise _bad(i, "properties 不是对象", "its properties member is not an object")
        props_keys.update(props or ())
    fields = _resolve_mapping(layer, props_keys, mapping)

    # Geometry: parse, split multi-parts, transform all at once.
    parts, owners = [], []
    accepted = _ACCEPTS[spec.geometry]
    for i, f in enumerate(feats):
        g = f.get("geometry")
        if g is None:
            raise _bad(i, "没有几何", "has no geometry")
        kind = g.get("type") if isinstance(g, dict) else None
        if not isinstance(kind, str) or kind not in _POSITION_DEPTH:  # before shapely, which recurses into collections
            zh, en = _NEEDS[spec.geometry]
            raise _bad(i, f"几何类型 {kind!r} 不能放入图层 {layer}（需要{zh}）",
                       f"a geometry of type {kind!r} cannot go into layer {layer}, which needs {en}")
        if not _well_formed(g):
            raise _bad(i, "几何的坐标不是由数字组成的位置", "the geometry's coordinates are not positions made of numbers")
        try:
            geom = shapely.force_2d(shape(g))
        except Exception as e:  # shapely reports malformed coordinates in many ways
            raise _bad(i, f"几何无法读取（{e}）", f"the geometry cannot be read ({e})") from None
        if geom.geom_type not in accepted:
            zh, en = _NEEDS[spec.geometry]
            raise _bad(i, f"{geom.geom_type} 不能放入图层 {layer}（需要{zh}）",
                       f"a {geom.geom_type} cannot go into layer {layer}, which needs {en}")
        if geom.is_empty:
            raise _bad(i, "几何为空", "the geometry is empty")
        for part in shapely.get_parts(geom):
            parts.append(part)
            owners.append(i)
    geoms = np.array(parts + [None], dtype=object)[:-1]
    if len(geoms):
        coords = shapely.get_coordinates(geoms)
        bad = ~np.isfinite(coords).all(axis=1)
        if bad.any():
            raise PlanError("坐标含有无效数值（NaN 或无穷大）", "a coordinate is NaN or infinite")
        if src_epsg != plan.epsg:
            tr = crs_mod.transformer(src_epsg, plan.epsg)

            def project(xy):
                x, y = tr.transform(xy[:, 0], xy[:, 1])
                return np.column_stack([x, y])

            with np.errstate(all="ignore"):
                geoms = shapely.transform(geoms, project)
        xy = shapely.get_coordinates(geoms)
        _common.check_near_plan(plan, xy[:, 0], xy[:, 1])

    # Attributes and checks, feature by feature, before anything is written.
    rows = []
    for geom, i in zip(geoms, owners):
        props = feats[i].get("properties") or {}
        values = {field: props.get(src) for field, src in fields.items()}
        for field, value in values.items():
            try:
                _check_value(layer, field, value)
            except PlanError as e:
                raise _bad(i, e.message_zh, e.message_en) from None
        if "source" in spec.field_names and "source" not in fields:
            values["source"] = "import"
        if type_code is not None and "type" in spec.field_names:
            values["type"] = type_code
        if catalogue is not None:
            code = values.get("type")
            if layer == "facilities" and not code:
                raise _bad(i, "没有设施类型；请用 --type 指定，或用 --map 指定类型属性",
                           "has no facility type; give --type, or --map a property to type")
            if code and code not in catalogue:
                raise _bad(i, f"未知设施类型 {code!r}", f"unknown facility type {code!r}")
        try:
            plan.check(layer, geom)
            typed = {k: v for k, v in values.items() if v is not None}
            typed_attributes(layer, typed)
        except PlanError as e:
            raise _bad(i, e.message_zh, e.message_en) from None
        rows.append((geom, tuple(typed.items())))

    record = _common.import_record(path, "GeoJSON", {layer: len(rows)}, source_crs=f"EPSG:{src_epsg}",
                                   layer=layer, scenario=scenario, mapping=dict(fields))
    return AddFeatures(layer, tuple(rows), scenario, record=record)


def export_geojson(plan, layer: str, path: str | os.PathLike, scenario: str | None = "base") -> int:
    """Write ``layer`` (one scenario; base-map layers in full) as RFC 7946 lon/lat GeoJSON."""
    if layer not in LAYERS:
        raise PlanError(f"没有图层 {layer}", f"there is no layer {layer}")
    path = Path(path)
    feats = plan.features(layer, scenario)
    geoms = np.array([f.geometry for f in feats] + [None], dtype=object)[:-1]
    if len(geoms):
        tr = crs_mod.transformer(plan.epsg, crs_mod.WGS84)

        def unproject(xy):
            x, y = tr.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        geoms = shapely.transform(geoms, unproject)
    out = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": f.fid, "geometry": json.loads(shapely.to_geojson(g)),
         "properties": {"fid": f.fid, **({"scenario": f.scenario} if f.scenario is not None else {}),
                        **dict(f.attributes)}}
        for f, g in zip(feats, geoms)]}
    tmp = path.with_name(path.name + ".writing")
    tmp.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return len(feats)

"""The bundle's GIS layers (issue 12 item 5): the scenario as a GeoPackage with the plan file's own
schema (other scenarios left out), and one RFC 7946 GeoJSON file per layer.

The GeoPackage is made by the plan file's own code (``Store.create``: the same tables, columns,
GeoPackage metadata and extents), in the target CRS, and holds the scenario's features under their
own ids (an entrance still names its compound), the base map, the rule packs as used, the
district's overrides and the scenario's checklist answers. Nothing of another scenario is in it —
not even in free pages: the file is written fresh, never copied and pruned.

GeoJSON is always WGS 84 longitude/latitude whatever the bundle's CRS (RFC 7946 §4), polygons
with the right-hand rule (exterior rings counter-clockwise, §3.1.6), coordinates to 7 decimals
(about 1 cm; §11.2 advises no more than 6–7).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

from ..model.geometry import to_gpkg_many
from ..model.schema import LAYERS
from ..model.store import Store
from .context import Progress, target_crs

if TYPE_CHECKING:  # pragma: no cover
    from .context import BundleContext

# Rows per write and per cancellation check: ~0.05 s of work on the reference machine (Malta), so a cancel
# is seen well within the second the issue allows.
CHUNK = 2000
GEOJSON_DECIMALS = 7
# plan_meta keys that describe the file rather than the plan: Store.create writes its own.
_FILE_KEYS = ("srs_id", "schema_version")


def write_geopackage(ctx: "BundleContext", path: str | Path, progress: Progress) -> Path:
    """The scenario of ``ctx`` as a GeoPackage at ``path`` in ``ctx.crs`` (the plan file's schema)."""
    path = Path(path)
    plan = ctx.session.plan
    meta = {k: v for k, v in plan.meta.items() if k not in _FILE_KEYS}
    meta["exported"] = {"scenario": ctx.scenario, "date": ctx.date.isoformat(), "crs": f"EPSG:{ctx.crs.epsg}",
                        "from_crs": f"EPSG:{plan.epsg}"}
    progress.step(0.0, "写出 GeoPackage…", "writing the GeoPackage…")
    store = Store.create(path, ctx.crs.epsg, meta)
    try:
        _copy_tables(ctx, store)
        total = sum(len(ctx.features(layer)) for layer in LAYERS) or 1
        done = 0
        for layer, spec in LAYERS.items():
            features = ctx.features(layer)
            names = ["fid", "geom", *(["scenario"] if spec.editable else []), *spec.field_names]
            sql = (f'INSERT INTO "{layer}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                   f'VALUES ({", ".join("?" * len(names))})')
            for start in range(0, len(features), CHUNK):
                chunk = features[start:start + CHUNK]
                blobs = to_gpkg_many(ctx.crs.transform(_array(f.geometry for f in chunk)), ctx.crs.epsg)
                rows = [(f.fid, blob, *([f.scenario] if spec.editable else []),
                         *(f.attributes.get(n) for n in spec.field_names)) for f, blob in zip(chunk, blobs)]
                with store.transaction() as db:
                    db.conn.executemany(sql, rows)
                done += len(chunk)
                progress.step(done / total, f"写出 GeoPackage：{spec.title_zh}", f"writing the GeoPackage: {spec.title_en}")
        store.conn.execute("PRAGMA journal_mode=DELETE")  # one file to hand over, no -wal/-shm beside it
    finally:
        store.close()
    progress.step(1.0, "GeoPackage 已写出", "GeoPackage written")
    return path


def _copy_tables(ctx: "BundleContext", store: Store) -> None:
    """The attribute tables as the scenario sees them: its scenarios row (as the only one), the
    rule packs as used, the district's overrides, the scenario's checklist answers."""
    source = ctx.session.plan.store.conn
    created = source.execute("SELECT created FROM scenarios WHERE name = ?", [ctx.scenario]).fetchone()
    with store.transaction() as db:
        db.conn.execute("DELETE FROM scenarios")
        db.conn.execute("INSERT INTO scenarios(name, parent, created) VALUES (?, NULL, ?)",
                        [ctx.scenario, created[0] if created else None])
        db.conn.executemany("INSERT INTO rule_packs(id, text, sha256, enabled) VALUES (?, ?, ?, ?)",
                            source.execute("SELECT id, text, sha256, enabled FROM rule_packs").fetchall())
        db.conn.executemany("INSERT INTO rule_overrides(rule, community_kind, key, value, note) VALUES (?, ?, ?, ?, ?)",
                            source.execute("SELECT rule, community_kind, key, value, note FROM rule_overrides").fetchall())
        db.conn.executemany("INSERT INTO manual_checks(scenario, rule, answer, note) VALUES (?, ?, ?, ?)",
                            source.execute("SELECT scenario, rule, answer, note FROM manual_checks WHERE scenario = ?",
                                           [ctx.scenario]).fetchall())


def write_geojson(ctx: "BundleContext", folder: str | Path, progress: Progress) -> list[Path]:
    """One RFC 7946 file per layer, ``folder/<layer>.geojson`` (every layer, an empty one as an
    empty FeatureCollection, so a district's script finds the same files in every bundle)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wgs84 = target_crs(ctx.session.plan.epsg, "wgs84")
    total = sum(len(ctx.features(layer)) for layer in LAYERS) or 1
    done = 0
    written = []
    for layer, spec in LAYERS.items():
        features = ctx.features(layer)
        path = folder / f"{layer}.geojson"
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write('{"type": "FeatureCollection", "features": [')
            first = True
            for start in range(0, len(features), CHUNK):
                chunk = features[start:start + CHUNK]
                texts = shapely.to_geojson(rfc7946(wgs84.transform(_array(f.geometry for f in chunk))))
                for f, geometry in zip(chunk, texts):
                    properties = {"fid": f.fid, **({"scenario": f.scenario} if spec.editable else {}),
                                  **{k: _json_value(v) for k, v in f.attributes.items()}}
                    out.write(("\n" if first else ",\n") + '{"type": "Feature", "id": ' + str(f.fid) +
                              ', "geometry": ' + geometry + ', "properties": ' +
                              json.dumps(properties, ensure_ascii=False) + "}")
                    first = False
                done += len(chunk)
                progress.step(done / total, f"写出 GeoJSON：{spec.title_zh}", f"writing GeoJSON: {spec.title_en}")
            out.write("\n]}\n")
        written.append(path)
    progress.step(1.0, "GeoJSON 已写出", "GeoJSON written")
    return written


def rfc7946(geometries: np.ndarray) -> np.ndarray:
    """Lon/lat geometries as RFC 7946 wants them: 7 decimals, then the right-hand rule (rounding
    first: a ring is oriented as it will be read)."""
    rounded = shapely.transform(geometries, lambda xy: np.round(xy, GEOJSON_DECIMALS))
    return shapely.orient_polygons(rounded, exterior_cw=False)


def _array(geometries) -> np.ndarray:
    items = list(geometries)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _json_value(value):
    """JSON has no NaN or infinity (RFC 8259 §6): null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


__all__ = ["write_geopackage", "write_geojson", "rfc7946"]

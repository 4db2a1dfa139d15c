"""plan_file: what the plan file holds that no rule can measure (design.md §2) — a row QGIS wrote
with no geometry or a damaged one ("unreadable feature N"), a self-intersecting polygon drawn in
QGIS ("invalid polygon"), a type the catalogue does not know ("unknown type"). The plan opens
whatever its rows hold; these findings name the rows so that the planner can fix them, instead
of the validator silently counting them as nothing.

Not a rule of any pack: ``findings(snapshot, catalogue)`` is run by the Validator on every
snapshot, a pure function like the evaluators.
"""
from __future__ import annotations

import numpy as np
import shapely

from ..catalogue import Catalogue
from ..findings import Finding
from ..schema import FACILITIES, PLANNING_UNITS, RESIDENTIAL, STOPS
from ..snapshot import Snapshot

KIND = "plan_file"
PACK = "plan_file"
PACK_TITLE = ("规划文件检查", "Plan file checks")  # (zh, en): the group these findings are listed under
# The polygons a rule measures (areas, homes, units); base-map polygons only draw.
MEASURED_POLYGON_LAYERS = (PLANNING_UNITS, RESIDENTIAL, FACILITIES)
TYPED_LAYERS = (FACILITIES, STOPS)
CITATION = {"document": "design.md", "clause": "§2 The plan file",
            "text": "a row QGIS wrote with no geometry, an invalid polygon or an unknown type opens fine "
                    "and is reported as a finding that names it"}


def findings(snapshot: Snapshot, catalogue: Catalogue, kept: dict | None = None,
             touched: set[str] | None = None) -> list[Finding]:
    """The plan file's findings. ``kept`` (a dict the caller keeps between runs): each layer's part
    is kept in it and worked out again only for the layers in ``touched`` (None: every layer) —
    the live loop re-reads only the layer an edit changed (issue 17: 166 ms a move at 10^5 homes)."""
    if kept is None:
        kept = {}
    for layer in {*MEASURED_POLYGON_LAYERS, *TYPED_LAYERS}:
        if touched is None or layer in touched or layer not in kept:
            kept[layer] = (_invalid_polygons(snapshot, layer, kept) if layer in MEASURED_POLYGON_LAYERS else [],
                           _unknown_types(snapshot, catalogue, layer) if layer in TYPED_LAYERS else [])
    return [*_unreadable(snapshot), *(f for layer in MEASURED_POLYGON_LAYERS for f in kept[layer][0]),
            *(f for layer in TYPED_LAYERS for f in kept[layer][1])]


def _finding(problem: str, layer: str, fid: int, status: str, zh: str, en: str, name: tuple[str, str],
             features=()) -> Finding:
    return Finding(rule=f"{KIND}.{problem}.{layer}.{fid}", pack=PACK, kind=KIND, status=status,
                   severity="required" if status == "fail" else "recommended", measured=None, threshold=None,
                   unit="", features=tuple(features), message_zh=zh, message_en=en, citation=CITATION,
                   name_zh=name[0], name_en=name[1])


def _unreadable(snapshot: Snapshot) -> list[Finding]:
    """Rows the plan could not make a feature of: counted by no rule until fixed (fail)."""
    return [_finding("unreadable", layer, fid, "fail",
                     f"图层 {layer} 的要素 {fid} 无法读取：{why_zh}；它不计入任何指标，请在 QGIS 中修复或删除",
                     f"unreadable feature {fid} in {layer}: {why_en}; it counts for no rule until it is "
                     f"fixed or deleted (in QGIS)", ("无法读取的要素", "Unreadable feature"))
            for (layer, fid), (why_zh, why_en) in sorted(snapshot.unreadable.items())]


def _invalid_polygons(snapshot: Snapshot, layer: str, kept: dict | None = None) -> list[Finding]:
    """Polygons whose edges cross (drawn elsewhere: the app refuses them): their area is wrong (fail)."""
    # Over the layer's columns: a Feature per home to test cost ~0.15 s a full run at 10^5 homes
    # (issue 17); a layer's part is worked out again only when an edit touches it (findings()).
    table = snapshot.table(layer)
    out = []
    for i in np.flatnonzero(~_validity(table, kept)).tolist():
        fid, reason = int(table.fids[i]), shapely.is_valid_reason(table.geometry[i])
        out.append(_finding("invalid", layer, fid, "fail",
                            f"无效多边形：图层 {layer} 的要素 {fid}（{reason}），其面积不可信，请修正",
                            f"invalid polygon: feature {fid} in {layer} ({reason}); its area cannot be "
                            f"trusted until it is redrawn", ("无效多边形", "Invalid polygon"), [(layer, fid)]))
    return out


def _validity(table, kept: dict | None) -> np.ndarray:
    """``shapely.is_valid`` of every row; with ``kept`` (findings()'s), a row whose geometry is the
    very object tested last time keeps its answer — an edit makes a new geometry for the rows it
    changes, so after a facility move one polygon is tested, not 10^4 (~5 ms at 10^6 edges)."""
    geometry = table.geometry
    ids = np.fromiter(map(id, geometry.tolist()), dtype=np.int64, count=len(geometry))
    last = kept.get(("validity", table.layer)) if kept is not None else None
    if last is None:
        valid = np.asarray(shapely.is_valid(geometry), dtype=bool)
    else:
        # ``last`` holds its geometries, so no other object can have one of their ids.
        _, last_ids, last_valid = last
        order = np.argsort(last_ids, kind="stable")
        at = np.minimum(np.searchsorted(last_ids[order], ids), max(len(order) - 1, 0))
        same = last_ids[order][at] == ids if len(order) else np.zeros(len(ids), dtype=bool)
        valid = np.empty(len(ids), dtype=bool)
        valid[same] = last_valid[order][at[same]]
        valid[~same] = shapely.is_valid(geometry[~same])
    if kept is not None:
        kept[("validity", table.layer)] = (geometry, ids, valid)
    return valid


def _unknown_types(snapshot: Snapshot, catalogue: Catalogue, layer: str) -> list[Finding]:
    """A type the catalogue does not know (a misspelling in QGIS): no rule counts it (warn)."""
    # Over the layer's columns: a Feature per facility cost ~30 ms a full run at 10^6 edges (issue 17).
    table = snapshot.table(layer)
    types = table.column("type").tolist()
    unknown = {t for t in set(types) if t is not None and t not in catalogue}
    return [_finding("unknown_type", layer, fid, "warn",
                     f"未知类型 {kind!r}：图层 {layer} 的要素 {fid}，任何指标都不计入它",
                     f"unknown type {kind!r} of feature {fid} in {layer}: no rule counts it",
                     ("未知类型", "Unknown type"), [(layer, fid)])
            for fid, kind in zip(table.fids.tolist(), types) if kind in unknown]

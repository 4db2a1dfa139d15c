"""Placing an imported CAD drawing again (重新配准, issue 14 item 2: "the transform is stored in the
plan and can be edited later").

A DXF import writes every shape into ``basemap_cad`` already placed, and its placement (a
``georef.Georef`` as JSON) into the plan's import log. Placing it again maps each vertex back into
drawing coordinates by the old placement and forward by the new one (new ∘ old⁻¹), and stores the
new placement in the same log entry — ONE undoable edit, ``PlaceCadDrawing``. The shapes that
import turned into homes, facilities or walking paths are the planner's own features by then and
are not moved.

A drawing's shapes are found by the ``source`` attribute the import gave them (the file's name);
two imports of files with the same name share their shapes here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import shapely

from .errors import PlanError
from .georef import CRS, Georef
from .plan import ChangeSet, Plan
from .schema import BASEMAP_CAD

DXF_FORMAT = "DXF"


@dataclass(frozen=True)
class CadImport:
    """One DXF import of the plan's log: its position there, the file and the stored placement."""
    index: int
    file: str
    placement: str | None
    rmse_m: float | None

    def georef(self) -> Georef | None:
        return Georef.from_json(self.placement) if self.placement else None


def cad_imports(plan: Plan) -> list[CadImport]:
    """The DXF imports in the plan's log, oldest first."""
    return [CadImport(i, r.get("file", ""), r.get("placement"), r.get("rmse_m"))
            for i, r in enumerate(plan.meta.get("imports") or []) if r.get("format") == DXF_FORMAT]


def find_cad_import(plan: Plan, key) -> CadImport:
    """A DXF import by its position in the import log (int) or its file name (str: the latest import
    of that name)."""
    found = cad_imports(plan)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        match = [c for c in found if c.index == int(key)]
    else:
        match = [c for c in found if c.file == str(key)][-1:]
    if not match:
        raise PlanError(f"规划中没有导入过 CAD 图纸 {key}", f"the plan has no imported CAD drawing {key}")
    return match[0]


def drawing_fids(plan: Plan, source: str) -> list[int]:
    """The ``basemap_cad`` features a drawing's import wrote (ids in ascending order)."""
    return sorted(f.fid for f in plan.features(BASEMAP_CAD) if f.attributes.get("source") == source)


def replaced(geometries, old: Georef, new: Georef) -> np.ndarray:
    """The geometries moved from where ``old`` placed the drawing to where ``new`` places it."""
    def move(xy):
        return new.apply(old.inverse_apply(xy))
    with np.errstate(all="ignore"):
        return shapely.transform(np.asarray(geometries, dtype=object), move)


@dataclass(frozen=True)
class PlaceCadDrawing:
    """A CAD drawing placed again: its base-map shapes' geometries and the placement stored in its
    import record (``index`` in the plan's import log), old and new, so the inverse puts both back."""
    index: int
    fids: tuple[int, ...]
    old_geometries: tuple
    new_geometries: tuple
    old_placement: str
    new_placement: str
    old_rmse_m: float | None
    new_rmse_m: float | None
    whole_plan = True  # a base map belongs to every scenario (edits.plan_wide)

    @classmethod
    def of(cls, plan: Plan, key, georef: Georef | str) -> "PlaceCadDrawing":
        """Place the drawing ``key`` (see ``find_cad_import``) by ``georef`` (a Georef or its JSON)."""
        new = Georef.from_json(georef) if isinstance(georef, str) else georef
        found = find_cad_import(plan, key)
        if not found.placement:
            raise PlanError("这次导入没有保存图纸的位置，无法重新配准",
                            "this import stored no placement of the drawing, so it cannot be placed again")
        old = found.georef()
        if new.kind == CRS and new.source_epsg is None:
            raise PlanError("新的配准参数不完整", "the new placement is incomplete")
        fids = drawing_fids(plan, found.file)
        before = np.array([plan.feature(BASEMAP_CAD, fid).geometry for fid in fids], dtype=object)
        after = replaced(before, old, new)
        bad = ~(shapely.is_valid(after) & ~shapely.is_empty(after)) if len(after) else np.array([], dtype=bool)
        if bad.any():
            raise PlanError("新的配准会使图纸的图形失效（控制点是否点错？），未作任何更改",
                            "the new placement would make the drawing's shapes invalid (a mis-clicked control "
                            "point?); nothing was changed")
        return cls(found.index, tuple(fids), tuple(before), tuple(after), found.placement, new.to_json(),
                   found.rmse_m, round(new.rmse, 4) if new.pairs else None)

    def apply(self, plan: Plan) -> ChangeSet:
        imports = [dict(r) for r in plan.meta.get("imports") or []]
        if not (0 <= self.index < len(imports)) or imports[self.index].get("placement") != self.old_placement:
            raise PlanError("图纸的配准已被另一个程序修改，未作任何更改",
                            "the drawing's placement was changed by another program; nothing was changed")
        now = np.array([plan.feature(BASEMAP_CAD, fid).geometry for fid in self.fids], dtype=object)
        if len(now) and not shapely.equals_exact(now, np.array(self.old_geometries, dtype=object), 0).all():
            raise PlanError("图纸的图形已被另一个程序修改，未作任何更改",
                            "the drawing's shapes were changed by another program; nothing was changed")
        imports[self.index].update(placement=self.new_placement, rmse_m=self.new_rmse_m)
        with plan.store.transaction():
            try:
                changes = plan.replace_base_geometries(BASEMAP_CAD, self.fids, self.new_geometries)
                plan.set_meta(imports=imports)
            except BaseException:
                plan.reload()  # memory took what the rollback undid
                raise
        changes.edit = self
        return changes

    def inverted(self) -> "PlaceCadDrawing":
        return replace(self, old_geometries=self.new_geometries, new_geometries=self.old_geometries,
                       old_placement=self.new_placement, new_placement=self.old_placement,
                       old_rmse_m=self.new_rmse_m, new_rmse_m=self.old_rmse_m)


__all__ = ["CadImport", "PlaceCadDrawing", "cad_imports", "drawing_fids", "find_cad_import", "replaced"]

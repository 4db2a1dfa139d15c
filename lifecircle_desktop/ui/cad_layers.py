"""CAD drawings in the georeferencing dialog (issue 14 item 2): the drawing's lines and outlines drawn
into a scene in drawing coordinates (the dialog's left pane, y up), and the layers panel's
"Georeference…" entry on the CAD base map, which reopens the dialog with the stored control points
and places the drawing again as one undoable step (model/cad_placement.PlaceCadDrawing).
"""
from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QLabel, QMenu

from ..model import cad_placement
from ..model.errors import PlanError
from ..model.georef import CRS
from ..model.schema import BASEMAP_CAD
from . import i18n
from .georef_dialog import GeorefDialog

DRAWING_COLOUR = QColor("#3b4048")
TEXT_MARK_COLOUR = QColor("#9aa0a8")
PREVIEW_COLOUR = QColor(214, 39, 40, 170)  # the drawing where the points put it: the markers' red
LINES = "lines"  # the data of the scene's path of lines and outlines (the preview copies it)
PREVIEW_Z = 900.0  # over the map's layers, under the numbered markers


def drawing_scene(geometries) -> QGraphicsScene:
    """A scene of a CAD drawing in its own coordinates: one path of every line and outline ring (a
    hairline, whatever the zoom), texts as small crosses (their words would read mirrored in the
    y-up pane)."""
    geoms = np.asarray(geometries, dtype=object).reshape(-1)
    geoms = geoms[~shapely.is_empty(geoms)] if len(geoms) else geoms
    scene = QGraphicsScene()
    lines = QPainterPath()
    marks = QPainterPath()
    parts = shapely.get_parts(geoms) if len(geoms) else geoms
    kinds = shapely.get_type_id(parts) if len(parts) else np.array([], dtype=int)
    rings = shapely.get_rings(parts[kinds == 3]) if (kinds == 3).any() else np.array([], dtype=object)
    for line in [*parts[(kinds == 1) | (kinds == 2)], *rings]:
        xy = shapely.get_coordinates(line)
        if len(xy) < 2:
            continue
        lines.moveTo(QPointF(*xy[0]))
        for x, y in xy[1:]:
            lines.lineTo(x, y)
    points = shapely.get_coordinates(parts[kinds == 0]) if (kinds == 0).any() else np.empty((0, 2))
    extent = shapely.total_bounds(geoms) if len(geoms) else np.array([0.0, 0.0, 1.0, 1.0])
    size = max(float(extent[2] - extent[0]), float(extent[3] - extent[1]), 1e-9)
    arm = size / 400  # a text's cross: small beside the drawing
    for x, y in points:
        marks.moveTo(x - arm, y)
        marks.lineTo(x + arm, y)
        marks.moveTo(x, y - arm)
        marks.lineTo(x, y + arm)
    for path, colour, role in ((lines, DRAWING_COLOUR, LINES), (marks, TEXT_MARK_COLOUR, "texts")):
        pen = QPen(colour, 0)
        pen.setCosmetic(True)
        scene.addPath(path, pen).setData(0, role)
    margin = size * 0.05
    scene.setSceneRect(QRectF(extent[0] - margin, extent[1] - margin, extent[2] - extent[0] + 2 * margin,
                              extent[3] - extent[1] + 2 * margin))
    return scene


def preview_on_map(dialog: GeorefDialog) -> QGraphicsPathItem:
    """The drawing's lines on the dialog's map pane where the fitted points put it, moved at each
    fit (hidden while none can be fitted), so a mis-clicked point shows before OK."""
    lines = next((i for i in dialog.source_view.scene().items() if i.data(0) == LINES), None)
    item = QGraphicsPathItem(lines.path() if lines is not None else QPainterPath())
    pen = QPen(PREVIEW_COLOUR, 1.0)
    pen.setCosmetic(True)
    item.setPen(pen)
    item.setZValue(PREVIEW_Z)
    dialog.canvas.scene().addItem(item)

    def follow(georef):
        item.setVisible(georef is not None)
        if georef is not None:
            (a, b, e), (c, d, n) = georef.matrix
            item.setTransform(QTransform(a, c, b, d, e, n))  # x' = a·x + b·y + e, y' = c·x + d·y + n
    dialog.fitted.connect(follow)
    follow(dialog.georef())
    return item


def show_points(dialog: GeorefDialog) -> None:
    """Fit the map pane to the plan and the control points already on the map (a drawing's frame
    corners often lie beyond what the planner works on)."""
    canvas = dialog.canvas
    extent = canvas.plan_extent()
    points = [m for _, m in dialog.pairs()]
    if extent is None and not points:
        return
    xy = np.array([*(points or []), *([extent[:2], extent[2:]] if extent is not None else [])], dtype=float)
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    margin = 0.05 * max(x1 - x0, y1 - y0, 50.0)
    canvas.show_extent((x0 - margin, y0 - margin, x1 + margin, y1 + margin))


def map_canvas(plan, catalogue, scenario=None):
    """The plan's map for the dialog's right pane."""
    from .map.view import MapView
    canvas = MapView(catalogue)
    canvas.set_plan(plan, scenario)
    return canvas


class CadLayers(QObject):
    """The CAD base map's row of the layers panel: its context menu places a drawing again."""

    def __init__(self, panel, document, catalogue, parent_widget=None):
        super().__init__(panel)
        self.panel, self.document, self.catalogue = panel, document, catalogue
        self.parent_widget = parent_widget
        self.dialog: GeorefDialog | None = None
        panel.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        panel.tree.customContextMenuRequested.connect(self._menu)

    def _menu(self, pos) -> None:
        menu = self.menu_for(self.panel.tree.itemAt(pos))
        if menu is not None:
            menu.exec(self.panel.tree.viewport().mapToGlobal(pos))

    def menu_for(self, item) -> QMenu | None:
        """The CAD base map row's menu: one "Georeference…" per imported drawing (None: another row,
        or no drawing imported)."""
        plan = self.document.plan
        if item is None or plan is None or item is not self.panel.items.get(BASEMAP_CAD):
            return None
        drawings = [d for d in cad_placement.cad_imports(plan) if d.placement]
        if not drawings:
            return None
        menu = QMenu(self.panel)
        for d in drawings:
            words = (self.tr("Georeference…") if len(drawings) == 1
                     else i18n.fill(self.tr("Georeference %1…"), d.file))
            menu.addAction(words, lambda index=d.index: self.open_dialog(index))
        return menu

    def open_dialog(self, index: int) -> GeorefDialog | None:
        try:
            dialog = self.georeference(index)
        except PlanError as e:  # the import's record is gone or its placement damaged
            self.document.refused.emit(e)
            return None
        dialog.open()
        return dialog

    def georeference(self, index: int) -> GeorefDialog:
        """The georeferencing dialog for the drawing of import ``index``, its shapes back in drawing
        coordinates and its control points as stored; OK places it again (one undoable step).
        Returned unopened: the caller shows it (``open()``)."""
        plan = self.document.plan
        found = cad_placement.find_cad_import(plan, index)
        old = found.georef()
        fids = cad_placement.drawing_fids(plan, found.file)
        placed = np.array([plan.feature(BASEMAP_CAD, fid).geometry for fid in fids], dtype=object)
        with np.errstate(all="ignore"):
            drawn = shapely.transform(placed, old.inverse_apply) if len(placed) else placed
        manual = old.kind != CRS
        dialog = GeorefDialog(drawing_scene(drawn), map_canvas(plan, self.catalogue, self.document.scenario),
                              y_down=False, pairs=old.pairs if manual else (), kind=old.kind if manual else "auto",
                              title=i18n.fill(self.tr("Georeference %1"), found.file), parent=self.parent_widget)
        note = QLabel(self.tr("Shapes already turned into homes, facilities or walking paths do not move "
                              "with the base map."))
        note.setWordWrap(True)
        dialog.layout().insertWidget(1, note)
        dialog.note = note
        dialog.preview = preview_on_map(dialog)
        dialog.source_view.fit()
        show_points(dialog)

        def place():
            georef = dialog.georef()
            if georef is None:
                return
            try:
                edit = cad_placement.PlaceCadDrawing.of(self.document.plan, index, georef)
            except PlanError as e:
                self.document.refused.emit(e)
                return
            self.document.push(edit, i18n.fill(self.tr("Georeference %1"), found.file))
        dialog.accepted.connect(place)
        self.dialog = dialog
        return dialog


__all__ = ["CadLayers", "drawing_scene", "map_canvas", "preview_on_map", "show_points"]

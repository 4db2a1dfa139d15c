"""Scanned plans and offline tiles in the desktop (issue 14 items 2–4): importing them, listing them
in the layers panel, and what the planner does with one there (context menu: georeference,
opacity, remove). Every change goes through the document as one undoable step; the map's raster
layer views (ui/map/raster.py) redraw from the plan when the step's ChangeSet names them.
"""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QTreeWidgetItem

from ..model import rasters
from ..model.errors import PlanError
from . import i18n
from .georef_dialog import GeorefDialog, image_scene
from .map.raster import set_hidden

RASTER_ROLE = Qt.ItemDataRole.UserRole + 7   # ("image" | "tiles", fid) on the panel's rows
SOURCE_MAX_PX = 4096  # the georeferencing pane shows the finest pyramid level at most this wide
OPACITIES = (1.0, 0.75, 0.5, 0.25)


class RasterLayers(QObject):
    """Binds the scans and tile packages of the document's plan to the layers panel's tree."""

    def __init__(self, panel, document, canvas, catalogue, parent_widget=None):
        super().__init__(panel)
        self.panel, self.document, self.canvas, self.catalogue = panel, document, canvas, catalogue
        self.parent_widget = parent_widget
        self.dialog: GeorefDialog | None = None
        tree = panel.tree
        self.top = QTreeWidgetItem([self.tr("Scans and offline tiles")])
        self.top.setFlags(self.top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        tree.addTopLevelItem(self.top)
        self.top.setExpanded(True)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._menu)
        tree.itemChanged.connect(self._ticked)
        for signal in (document.sessionChanged, document.changed):
            signal.connect(self.refresh)
        self.refresh()

    # --- the list ----------------------------------------------------------------------------
    def refresh(self, *_) -> None:
        blocked = self.panel.tree.blockSignals(True)  # rows remade are not ticks
        try:
            self._fill()
        finally:
            self.panel.tree.blockSignals(blocked)

    def _fill(self) -> None:
        self.top.takeChildren()
        plan = self.document.plan
        if plan is None:
            return
        for scan in rasters.images(plan):
            state = "" if scan.georef else self.tr(" — not placed")
            item = QTreeWidgetItem([i18n.fill(self.tr("Scan: %1%2 (%3 %)"), scan.name, state, round(scan.opacity * 100))])
            item.setData(0, RASTER_ROLE, ("image", scan.fid))
            self._checkable(item, rasters.IMAGES, scan.fid)
            item.setToolTip(0, f"{scan.source} · {scan.width}×{scan.height} px")
            self.top.addChild(item)
        for tiles in rasters.tile_sets(plan):
            item = QTreeWidgetItem([i18n.fill(self.tr("Tiles: %1 (%2 %)"), tiles.name, round(tiles.opacity * 100))])
            item.setData(0, RASTER_ROLE, ("tiles", tiles.fid))
            self._checkable(item, rasters.TILES, tiles.fid)
            item.setToolTip(0, f"{tiles.source} · {tiles.attribution}")
            self.top.addChild(item)

    def _checkable(self, item, layer: str, fid: int) -> None:
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        shown = fid not in self.canvas.layer_view(layer).hidden
        item.setCheckState(0, Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)

    def _ticked(self, item, column: int) -> None:
        key = item.data(0, RASTER_ROLE)
        if key:
            kind, fid = key
            layer = self.canvas.layer_view(rasters.IMAGES if kind == "image" else rasters.TILES)
            set_hidden(layer, fid, item.checkState(0) != Qt.CheckState.Checked)

    def set_shown(self, kind: str, fid: int, shown: bool) -> None:
        """Tick or untick the row of a scan ("image") or tile package ("tiles"): shown on the map or not."""
        for i in range(self.top.childCount()):
            item = self.top.child(i)
            if item.data(0, RASTER_ROLE) == (kind, fid):
                item.setCheckState(0, Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)

    def rows(self) -> list[str]:
        return [self.top.child(i).text(0) for i in range(self.top.childCount())]

    def _menu(self, pos) -> None:
        item = self.panel.tree.itemAt(pos)
        menu = self.menu_for(item)
        if menu is not None:
            menu.exec(self.panel.tree.viewport().mapToGlobal(pos))

    def menu_for(self, item) -> QMenu | None:
        """The context menu of a row (None: not a row of ours)."""
        if item is None:
            return None
        menu = QMenu(self.panel)
        if item is self.top:
            menu.addAction(self.tr("Import Scanned Plan…"), lambda: self.import_scan())
            menu.addAction(self.tr("Import Offline Tiles (MBTiles)…"), lambda: self.import_tiles())
            return menu
        key = item.data(0, RASTER_ROLE)
        if not key:
            return None
        kind, fid = key
        if kind == "image":
            menu.addAction(self.tr("Georeference…"), lambda: self.georeference(fid))
        opacity = menu.addMenu(self.tr("Opacity"))
        for value in OPACITIES:
            opacity.addAction(f"{round(value * 100)} %", lambda v=value: self.set_opacity(kind, fid, v))
        if kind == "image":
            menu.addAction(self.tr("Remove Scan"), lambda: self.remove_scan(fid))
        return menu

    # --- the planner's verbs -----------------------------------------------------------------
    def _ask(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, title, "", filters)
        return path or None

    def import_scan(self, path: str | None = None, control=(), open_dialog: bool = True):
        """Store a scan in the plan (one undoable step); an un-placed one opens the georeferencing
        dialog at once. Returns the ChangeSet, or None (cancelled or refused)."""
        path = path or self._ask(self.tr("Import Scanned Plan"), self.tr("Images (*.png *.jpg *.jpeg *.tif *.tiff)"))
        if not path or self.document.session is None:
            return None
        from ..model.georef import fit
        from ..model.io.image import read_image
        try:
            georef = fit(list(control), "auto", y_down=True).to_json() if control else None
            scanned, tiles = read_image(path)
        except PlanError as e:
            self.document.refused.emit(e)
            return None
        from dataclasses import replace
        edit = rasters.ImportImage(replace(scanned, georef=georef), tiles)
        changes = self.document.push(edit, i18n.fill(self.tr("Import scan %1"), scanned.name))
        if changes is not None and georef is None and open_dialog:
            self.georeference(changes.edit.image.fid).open()
        return changes

    def import_tiles(self, path: str | None = None):
        path = path or self._ask(self.tr("Import Offline Tiles"), self.tr("MBTiles (*.mbtiles);;All files (*)"))
        if not path or self.document.session is None:
            return None
        return self.document.push(rasters.ImportTiles(str(path)),
                                  i18n.fill(self.tr("Import tiles %1"), Path(path).name))

    def set_opacity(self, kind: str, fid: int, value: float):
        words = i18n.fill(self.tr("Opacity %1 %"), round(value * 100))
        if kind == "image":
            return self.document.push(rasters.SetImageLook.of(self.document.plan, fid, opacity=value), words)
        return self.document.push(rasters.SetTilesOpacity.of(self.document.plan, fid, value), words)

    def remove_scan(self, fid: int):
        scan = rasters.image(self.document.plan, fid)
        return self.document.push(rasters.RemoveImage.of(self.document.plan, fid),
                                  i18n.fill(self.tr("Remove scan %1"), scan.name))

    def georeference(self, fid: int) -> GeorefDialog:
        """The georeferencing dialog for scan ``fid`` with its present control points; OK places it
        (one undoable step). Returned unopened: the caller shows it (``open()``)."""
        from ..model.georef import Georef
        from .map.view import MapView
        plan = self.document.plan
        scan = rasters.image(plan, fid)
        level = min(max(0, math.ceil(math.log2(max(scan.width, scan.height) / SOURCE_MAX_PX))), scan.levels - 1)
        picture, factor = level_image(plan, scan, level), 2 ** level
        placed = None
        try:
            placed = Georef.from_json(scan.georef) if scan.georef else None
        except PlanError:
            pass  # damaged: placed again from scratch
        canvas = MapView(self.catalogue)
        canvas.set_plan(plan, self.document.scenario)
        dialog = GeorefDialog(image_scene(picture, factor), canvas, y_down=True,
                              pairs=placed.pairs if placed is not None else (),
                              kind=placed.kind if placed is not None else "auto",
                              title=i18n.fill(self.tr("Georeference %1"), scan.name), parent=self.parent_widget)
        dialog.source_view.fit()
        # The map pane shows the scan where the points put it now (half transparent), or not at all.
        layer = canvas.layer_view(rasters.IMAGES)
        dialog.fitted.connect(lambda g: layer.preview(fid, None if g is None else g.matrix))
        layer.preview(fid, None if dialog.georef() is None else dialog.georef().matrix)

        def place():
            georef = dialog.georef()
            if georef is not None:
                self.document.push(rasters.SetImageLook.of(self.document.plan, fid, georef=georef),
                                   i18n.fill(self.tr("Georeference %1"), scan.name))
        dialog.accepted.connect(place)
        self.dialog = dialog
        return dialog


def level_image(plan, scan: rasters.ScannedImage, level: int) -> QImage:
    """One pyramid level of a stored scan, put together from its tiles."""
    f = 2 ** level
    width, height = math.ceil(scan.width / f), math.ceil(scan.height / f)
    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    for row in range(math.ceil(height / scan.tile_size)):
        for col in range(math.ceil(width / scan.tile_size)):
            data = rasters.image_tile(plan, scan.fid, level, col, row)
            if data:
                painter.drawImage(col * scan.tile_size, row * scan.tile_size, QImage.fromData(data))
    painter.end()
    return image


__all__ = ["RasterLayers", "level_image"]

"""Placing a scan or a drawing by control points (配准, issue 14 item 2).

The planner clicks a point on the source (left: the scan in its own pixels, or any drawing in its
own coordinates — the pane shows a ``QGraphicsScene`` in source coordinates, so the CAD drawing can
come in too) and the same point on the plan's map (right). Each pair is a row of the table; with
≥ 2 pairs the transform (similarity, or affine from 3 points not on a line) is fitted by
``model/georef.fit`` and every row shows its residual, with the RMSE in metres below — updated at
each click, each deleted row, each change of kind. What cannot be fitted (collinear points for an
affine, one point) is said in the model's own sentence and OK stays disabled. The dialog only
returns a ``Georef``: the caller applies it through the session as one undoable edit.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QGraphicsEllipseItem,
                               QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..model import georef as georef_mod
from ..model.errors import PlanError
from . import i18n

MARK_COLOUR = QColor("#d62728")


def _marker(scene: QGraphicsScene, number: int, at, z: float = 1000.0) -> QGraphicsEllipseItem:
    """A numbered ring at ``at`` that keeps its size on screen (the number beside it, in pixels)."""
    ring = QGraphicsEllipseItem(-6, -6, 12, 12)
    ring.setPen(QPen(MARK_COLOUR, 2))
    ring.setBrush(QBrush(QColor(255, 255, 255, 120)))
    ring.setFlag(ring.GraphicsItemFlag.ItemIgnoresTransformations)
    ring.setZValue(z)
    ring.setPos(QPointF(*at))
    label = QGraphicsSimpleTextItem(str(number), ring)
    font = QFont()
    font.setBold(True)
    label.setFont(font)
    label.setBrush(QBrush(MARK_COLOUR))
    label.setPos(7, -20)
    scene.addItem(ring)
    return ring


class SourceView(QGraphicsView):
    """The source pane: a scene in source coordinates (y down for an image), wheel zoom at the
    cursor, left click = a point (``clicked(x, y)`` in source coordinates)."""

    clicked = Signal(float, float)

    def __init__(self, scene: QGraphicsScene, y_up: bool = False, parent=None):
        super().__init__(scene, parent)
        if scene.parent() is None:
            scene.setParent(self)  # a view does not own its scene: the pane keeps it alive
        self.setRenderHints(QPainter.Antialiasing | QPainter.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        if y_up:  # a CAD drawing: y grows upwards
            self.scale(1, -1)
        self._press = None

    def fit(self) -> None:
        self.fitInView(self.scene().itemsBoundingRect(), Qt.KeepAspectRatio)

    def wheelEvent(self, event) -> None:
        factor = 1.25 if event.angleDelta().y() > 0 else 0.8
        self.scale(factor, factor)

    def mousePressEvent(self, event) -> None:
        self._press = event.position() if event.button() == Qt.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if self._press is not None and event.button() == Qt.LeftButton:
            moved = event.position() - self._press
            if abs(moved.x()) + abs(moved.y()) <= 4:  # a click, not a drag (panning)
                p = self.mapToScene(event.position().toPoint())
                self.clicked.emit(p.x(), p.y())
        self._press = None


class _MapClicks(QObject):
    """Left clicks on the map pane's viewport become points (the map's own tools never see them)."""

    def __init__(self, canvas, on_click):
        super().__init__(canvas)
        self.canvas, self.on_click = canvas, on_click
        self._press = None
        canvas.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.MouseButtonPress and event.button() == Qt.LeftButton:
            self._press = event.position()
            return True
        if kind == QEvent.MouseButtonRelease and event.button() == Qt.LeftButton and self._press is not None:
            moved = event.position() - self._press
            self._press = None
            if abs(moved.x()) + abs(moved.y()) <= 4:
                p = self.canvas.mapToScene(event.position().toPoint())
                self.on_click(p.x(), p.y())
            return True
        if kind == QEvent.MouseButtonDblClick and event.button() == Qt.LeftButton:
            return True
        return False


def image_scene(image: QImage, scale: float = 1.0) -> QGraphicsScene:
    """A scene showing ``image`` in full-size pixel coordinates (``scale``: source pixels per pixel of
    ``image``, for a downsampled level of a large scan)."""
    scene = QGraphicsScene()
    item = scene.addPixmap(QPixmap.fromImage(image))
    item.setTransformationMode(Qt.SmoothTransformation)
    item.setScale(scale)
    scene.setSceneRect(QRectF(0, 0, image.width() * scale, image.height() * scale))
    return scene


class GeorefDialog(QDialog):
    """Control points between a source (left) and the plan's map (right). ``georef()`` after accept."""

    fitted = Signal(object)  # the Georef fitted to the pairs now (None: none can be): a live preview

    COLUMNS = 5  # source x, y; easting, northing; residual (the row number is the marker's)

    def __init__(self, source: QGraphicsScene, canvas, *, y_down: bool = True, pairs=(), kind: str = "auto",
                 title: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Georeference"))
        self.y_down = y_down
        self.source_view = SourceView(source, y_up=not y_down)
        self.canvas = canvas
        self._points: list[list] = [[tuple(s), tuple(m)] for s, m in pairs]  # [source or None, map or None]
        self._marks: list = []
        self._fitted: georef_mod.Georef | None = None

        hint = QLabel(self.tr("Click a point on the drawing (left), then the same point on the map (right). "
                              "2 points: similarity; 3 or more: affine."))
        hint.setWordWrap(True)
        split = QSplitter(Qt.Horizontal)
        for pane, words in ((self.source_view, self.tr("Drawing or scan")), (canvas, self.tr("Plan map"))):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(QLabel(f"<b>{words}</b>"))
            lay.addWidget(pane)
            split.addWidget(box)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("Source x"), self.tr("Source y"), self.tr("Easting (m)"),
                                              self.tr("Northing (m)"), self.tr("Residual (m)")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.kind = QComboBox()
        for key, words in (("auto", self.tr("Automatic (affine from 3 points)")),
                           (georef_mod.SIMILARITY, self.tr("Similarity (shift, rotation, scale)")),
                           (georef_mod.AFFINE, self.tr("Affine (also shear and two scales)"))):
            self.kind.addItem(words, key)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.kind.currentIndexChanged.connect(self._refit)
        self.remove_button = QPushButton(self.tr("Remove Point"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.rmse_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Transform:")))
        row.addWidget(self.kind)
        row.addStretch(1)
        row.addWidget(self.rmse_label)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(split, 3)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(1200, 760)

        self.source_view.clicked.connect(self.add_source_point)
        self._map_clicks = _MapClicks(canvas, self.add_map_point)
        self._refresh()

    # --- the points --------------------------------------------------------------------------
    def add_source_point(self, x: float, y: float) -> None:
        """A point on the source: a new pair, unless the last pair still waits for its source point."""
        open_rows = [p for p in self._points if p[0] is None]
        if open_rows:
            open_rows[0][0] = (x, y)
        else:
            self._points.append([(x, y), None])
        self._refresh()

    def add_map_point(self, e: float, n: float) -> None:
        """A point on the map: completes the first pair waiting for one, else starts a pair."""
        open_rows = [p for p in self._points if p[1] is None]
        if open_rows:
            open_rows[0][1] = (e, n)
        else:
            self._points.append([None, (e, n)])
        self._refresh()

    def remove_point(self, row: int) -> None:
        if 0 <= row < len(self._points):
            del self._points[row]
            self._refresh()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [len(self._points) - 1]:
            self.remove_point(row)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self.table.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)

    def pairs(self) -> list:
        """The complete pairs ((x, y), (E, N)), in the table's order."""
        return [(s, m) for s, m in self._points if s is not None and m is not None]

    def georef(self) -> georef_mod.Georef | None:
        """The transform fitted to the pairs (None while it cannot be fitted)."""
        return self._fitted

    def rmse(self) -> float | None:
        return None if self._fitted is None else self._fitted.rmse

    def message_text(self) -> str:
        return self.message.text()

    # --- showing them ------------------------------------------------------------------------
    def _refit(self, *_):
        self._refresh()

    def _refresh(self) -> None:
        pairs = self.pairs()
        self._fitted, problem = None, ""
        if len(pairs) >= 2:
            try:
                self._fitted = georef_mod.fit(pairs, self.kind.currentData(), y_down=self.y_down)
            except PlanError as e:
                problem = e.message(i18n.language())
        elif pairs or self._points:
            problem = self.tr("At least 2 complete point pairs are needed.")
        residuals = iter(self._fitted.residuals if self._fitted is not None else ())
        self.table.setRowCount(len(self._points))
        for row, (s, m) in enumerate(self._points):
            values = ([f"{v:.1f}" for v in s] if s else ["—", "—"]) + ([f"{v:.2f}" for v in m] if m else ["—", "—"])
            values.append(f"{next(residuals):.2f}" if (s and m and self._fitted is not None) else "")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, col, item)
        if self._fitted is not None:
            kind = {georef_mod.SIMILARITY: self.tr("similarity"), georef_mod.AFFINE: self.tr("affine")}[self._fitted.kind]
            self.rmse_label.setText(i18n.fill(self.tr("RMSE %1 m (%2, %3 points)"), f"{self._fitted.rmse:.2f}", kind,
                                              len(pairs)))
        else:
            self.rmse_label.setText(self.tr("RMSE —"))
        self.message.setText(problem)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(self._fitted is not None)
        self._show_marks()
        self.fitted.emit(self._fitted)

    def _show_marks(self) -> None:
        for ring in self._marks:
            if ring.scene() is not None:
                ring.scene().removeItem(ring)
        self._marks = [_marker(scene, number, at)
                       for number, (s, m) in enumerate(self._points, start=1)
                       for scene, at in ((self.source_view.scene(), s), (self.canvas.scene(), m)) if at is not None]


__all__ = ["GeorefDialog", "SourceView", "image_scene"]

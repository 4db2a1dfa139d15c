"""The suggested sites (建议选址, issue 15) on the map: each site's footprint filled and outlined,
with a label giving its rank, the households it adds and the coverage after it. Scene items in plan
metres; the labels keep their size at any zoom. One overlay per map view (``overlay_of``).
"""
from __future__ import annotations

import weakref

import shiboken6
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ...model.siting import Site, Suggestion
from .. import i18n
from ..tools.text import translate
from . import styles
from .items import painter_path

SITE_Z = 30  # above the walking overlay, the highlight and the selection (styles.py: 10–21)
# The sites' words above the map's own labels (styles.LABEL_Z 40) but below the tools' rubber bands
# (TOOL_Z 50): a suggestion read through a car-park name is not read.
SITE_LABEL_Z = 45
SITE_COLOUR = QColor("#6a1b9a")         # purple: no layer or status uses it
SITE_FILL = QColor(106, 27, 154, 60)
FIRST_FILL = QColor(106, 27, 154, 110)  # the first site, the one that adds most
FOCUS_PEN = QPen(QColor("#ff6f00"), 4)


def site_words(site: Site) -> str:
    """"① +1,872 户 → 65.0%" / "1. +1,872 households → 65.0%"."""
    text = translate("SitingOverlay", "%1. +%2 households → %3%")
    return i18n.fill(text, site.rank, f"{site.households:,.0f}", f"{site.coverage_after:.1f}")


class SiteLabel(QGraphicsItem):
    """A rounded box with the site's words, the same size at any zoom, above the site's centre."""

    def __init__(self, text: str, first: bool):
        super().__init__()
        self.text = text
        self.first = first
        self._font = styles.font(13, bold=True)
        fm = QFontMetricsF(self._font)
        w, h = fm.horizontalAdvance(text) + 16, fm.height() + 8
        self._rect = QRectF(-w / 2, -h - 6, w, h)
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setZValue(SITE_LABEL_Z)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(SITE_COLOUR, 1.5))
        painter.setBrush(QColor("#ffffff") if not self.first else QColor("#f3e5f5"))
        painter.drawRoundedRect(self._rect, 5, 5)
        painter.setFont(self._font)
        painter.setPen(SITE_COLOUR)
        painter.drawText(self._rect, Qt.AlignCenter, self.text)


class SitingOverlay:
    """The ranked sites of one suggestion on one map view."""

    def __init__(self, view):
        self.view = view
        self.suggestion: Suggestion | None = None
        self.focused: int | None = None  # rank of the site shown with the focus pen
        self._items: list[QGraphicsItem] = []
        self._outlines: dict[int, QGraphicsPathItem] = {}

    def show(self, suggestion: Suggestion | None, zoom: bool = True) -> None:
        """Draw the suggestion's sites (replacing any shown), and zoom to them."""
        self.clear()
        self.suggestion = suggestion
        if suggestion is None or not suggestion.sites:
            return
        scene = self.view.scene()
        for site in suggestion.sites:
            geom = site.footprint
            shape = geom.buffer(6.0) if geom.geom_type == "Point" else geom  # a stop: a disc to see
            outline = QGraphicsPathItem(painter_path(shape))
            pen = QPen(SITE_COLOUR, 2.5)
            pen.setCosmetic(True)
            outline.setPen(pen)
            outline.setBrush(QBrush(FIRST_FILL if site.rank == 1 else SITE_FILL))
            outline.setZValue(SITE_Z)
            outline.setAcceptedMouseButtons(Qt.NoButton)
            outline.setToolTip(site_words(site))
            scene.addItem(outline)
            label = SiteLabel(site_words(site), site.rank == 1)
            centre = shape.centroid
            label.setPos(QPointF(centre.x, centre.y))
            scene.addItem(label)
            self._items += [outline, label]
            self._outlines[site.rank] = outline
        if zoom:
            self.zoom_to(suggestion.sites)
        self.view.viewport().update()

    def zoom_to(self, sites) -> None:
        xmin, ymin, xmax, ymax = shapely.total_bounds([s.footprint for s in sites])
        pad = max(80.0, 0.2 * max(xmax - xmin, ymax - ymin))
        self.view.show_extent((xmin - pad, ymin - pad, xmax + pad, ymax + pad))

    def focus(self, site: Site | None) -> None:
        """Show one site with the focus pen and centre the map on it (a row of the list clicked)."""
        for rank, item in self._outlines.items():
            if shiboken6.isValid(item):
                pen = QPen(FOCUS_PEN) if site is not None and rank == site.rank else QPen(SITE_COLOUR, 2.5)
                pen.setCosmetic(True)
                item.setPen(pen)
        self.focused = site.rank if site is not None else None
        if site is not None:
            self.zoom_to([site])

    def clear(self) -> None:
        for item in self._items:
            # The map replaces its scene when another plan opens: items gone with it are left alone.
            if shiboken6.isValid(item) and item.scene() is not None:
                item.scene().removeItem(item)
        self._items, self._outlines, self.suggestion, self.focused = [], {}, None, None
        if shiboken6.isValid(self.view):
            self.view.viewport().update()

    def items(self) -> list[QGraphicsItem]:
        """The items drawn now (two per site: its footprint and its label)."""
        return [i for i in self._items if shiboken6.isValid(i) and i.scene() is not None]

    def labels(self) -> list[str]:
        return [i.text for i in self.items() if isinstance(i, SiteLabel)]


_OVERLAYS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def overlay_of(view) -> SitingOverlay:
    """The one siting overlay of a map view (a rebuilt findings panel finds the same one)."""
    overlay = _OVERLAYS.get(view)
    if overlay is None:
        overlay = _OVERLAYS[view] = SitingOverlay(view)
    return overlay


__all__ = ["SitingOverlay", "SiteLabel", "overlay_of", "site_words"]

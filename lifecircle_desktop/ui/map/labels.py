"""Map labels with collision-aware placement (issue 16 §9).

Every labelled feature has one candidate: its name (a facility without one: its type's name),
anchored inside it (a polygon), at its middle (a line) or under its symbol (a stop). At each view
the candidates due — the layer's minimum zoom reached, near the view — are placed in priority
order (facilities first, then stops, homes, units, paths, the base map; bigger features first):

- a label wider than its feature on screen is elided ("同济幼…"), never dropped because its name
  is longer: whether a feature is labelled depends on its size, not on its name;
- a label that would overlap one already placed is tried above and below its anchor, and left out
  only when all three places are taken;
- a name already placed close by (an OSM road split into pieces, two buildings of one compound)
  is not repeated.

Items are made only for the labels placed (the scene never holds thousands of hidden labels).
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPaintEngine, QPixmap, QTransform

from ...model.plan import Feature
from ...model.schema import (BASEMAP_BUILDINGS, BASEMAP_LANDUSE, BASEMAP_ROADS, BASEMAP_WATER, FACILITIES,
                             PLANNING_UNITS, RESIDENTIAL, STOPS, UNIT_KIND_WORDS, WALK_NETWORK)
from ..tools import text as _text
from . import styles
from .items import LabelItem

Area = tuple[float, float, float, float]

# Which layer's labels win a place first.
PRIORITY = {FACILITIES: 0, STOPS: 1, RESIDENTIAL: 2, PLANNING_UNITS: 3, WALK_NETWORK: 4, BASEMAP_ROADS: 5,
            BASEMAP_WATER: 6, BASEMAP_LANDUSE: 7, BASEMAP_BUILDINGS: 8}
MIN_CHARS = 3          # an elided label keeps at least this many characters of the name
GAP_PX = 2.0           # between two labels
SAME_NAME_PX = 160.0   # a name is not repeated closer than this (or twice its width)
LINE_FIT = 1.15        # a road's name wants its length 1.15 × the label's width
CELL_PX = 64.0         # the grid the placed labels are looked up in
HALO_CACHE_SIZE = 2048  # label images kept (~20 kB each at the workshop's 24 px: ≤ ~40 MB)


class HaloCache:
    """One image per label look — text, font, colour, angle, device pixel ratio — shared by every
    map view and kept when a label's item is dropped and made again (a pan, a zoom, a scenario).

    Why: the halo (``strokePath`` of the text's outline) costs 1–5 ms a label. The items'
    ``DeviceCoordinateCache`` did not save it where it matters: a rotated label (a road's name)
    had its cache drawn again on every paint, a new item (``place`` makes one per label that comes
    into view) starts with no cache, and the workshop's two before/after maps and the editing
    canvas each drew the same labels again. A copy of a kept image costs microseconds."""

    def __init__(self, size: int = HALO_CACHE_SIZE):
        self.size = size
        self.made = 0  # images drawn so far (a miss); what the tests and benchmarks read
        self._images: OrderedDict[tuple, tuple[QPixmap, QPointF]] = OrderedDict()

    def image(self, text: str, font: QFont, colour: QColor, angle: float, dpr: float) -> tuple[QPixmap, QPointF]:
        """(the label drawn turned by ``angle`` degrees, where its top left is from the label's centre)."""
        key = (text, font.key(), colour.rgba(), round(angle, 3), round(dpr, 3))
        got = self._images.get(key)
        if got is not None:
            self._images.move_to_end(key)
            return got
        got = _halo_image(text, font, colour, angle, dpr)
        self.made += 1
        self._images[key] = got
        if len(self._images) > self.size:
            self._images.popitem(last=False)
        return got


def _halo_image(text: str, font: QFont, colour: QColor, angle: float, dpr: float) -> tuple[QPixmap, QPointF]:
    """The label as items.LabelItem paints it — the white halo, then the text — turned by
    ``angle`` (drawn turned, not an upright image turned later: as sharp as the item drew it)."""
    box, origin = label_box(text, font)
    turn = QTransform().rotate(angle)
    turned = turn.mapRect(box).toAlignedRect()
    image = QPixmap(max(1, math.ceil(turned.width() * dpr)), max(1, math.ceil(turned.height() * dpr)))
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    painter.translate(-turned.left(), -turned.top())
    painter.rotate(angle)
    outline = QPainterPath()
    outline.addText(origin, font, text)
    painter.strokePath(outline, styles.HALO_PEN)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(origin, text)
    painter.end()
    return image, QPointF(turned.topLeft())


def label_box(text: str, font: QFont) -> tuple[QRectF, QPointF]:
    """(bounding box, text origin) of a label centred on (0, 0), as items.LabelItem lays it out."""
    fm = QFontMetricsF(font)
    w, h = fm.horizontalAdvance(text), fm.height()
    return QRectF(-w / 2 - 3, -h / 2 - 3, w + 6, h + 6), QPointF(-w / 2, -h / 2 + fm.ascent())


HALOS = HaloCache()


class CachedLabelItem(LabelItem):
    """A LabelItem painted from :data:`HALOS`' shared image. Its own device cache stays: on screen
    Qt fills it with a copy of the shared image; printed (a PDF at the printer's scale), the label
    is drawn as the LabelItem draws it, into that cache, as before."""

    def __init__(self, text: str, font: QFont, colour: str, angle: float = 0.0):
        super().__init__(text, font, colour, angle)
        self.look = (QFont(font), QColor(colour), angle)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        t = painter.worldTransform()
        engine = painter.paintEngine()
        font, colour, angle = self.look
        turned = QTransform().rotate(angle)
        if engine is None or engine.type() != QPaintEngine.Raster \
                or not all(math.isclose(a, b, abs_tol=1e-6) for a, b in
                           zip((t.m11(), t.m12(), t.m21(), t.m22()),
                               (turned.m11(), turned.m12(), turned.m21(), turned.m22()))):
            # Another device or scale (a report's or poster's map): drawn as the LabelItem draws it.
            super().paint(painter, option, widget)
            return
        device = widget if widget is not None else painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        image, corner = HALOS.image(self.text, font, colour, angle, dpr)
        painter.save()
        painter.resetTransform()  # on whole device pixels: a plain copy, not a resampled one
        painter.drawPixmap(round(t.dx() + corner.x()), round(t.dy() + corner.y()), image)
        painter.restore()

@dataclass
class _Label:
    layer: str
    fid: int
    x: float               # the anchor, plan metres
    y: float
    text: str
    font: QFont
    colour: str
    angle: float
    width: float           # of the whole name, px
    height: float
    room_m: float | None   # what the label should fit in (polygon width / line length), None: a point
    fit: float             # the share of room the label may take (inverse)
    dy: float              # px below the anchor (a stop's name under its symbol)
    item: LabelItem | None = None

    def room_px(self, scale: float) -> float:
        return math.inf if self.room_m is None else self.room_m * scale / self.fit


class _Grid:
    """The rectangles placed so far, in a coarse grid (a view holds a few hundred labels)."""

    def __init__(self):
        self.cells: dict[tuple[int, int], list[QRectF]] = {}

    def _keys(self, r: QRectF):
        for i in range(math.floor(r.left() / CELL_PX), math.floor(r.right() / CELL_PX) + 1):
            for j in range(math.floor(r.top() / CELL_PX), math.floor(r.bottom() / CELL_PX) + 1):
                yield i, j

    def free(self, r: QRectF) -> bool:
        return not any(o.intersects(r) for k in self._keys(r) for o in self.cells.get(k, ()))

    def add(self, r: QRectF) -> None:
        for k in self._keys(r):
            self.cells.setdefault(k, []).append(r)


class LabelView:
    """The labels of every layer (``load``/``update`` as the layer views; ``on_view`` per layer,
    then ``place`` once per view)."""

    def __init__(self, view):
        self.view = view
        self._labels: dict[str, dict[int, _Label]] = {}
        self._views: dict[str, tuple[bool, float, Area, dict]] = {}

    # --- the candidates -----------------------------------------------------------------------
    def clear(self) -> None:
        for labels in self._labels.values():
            for label in labels.values():
                self._drop(label)
        self._labels = {}

    def load(self, layer: str, features: list[Feature]) -> None:
        if layer not in styles.LABEL_MIN_SCALE:
            return
        for label in self._labels.get(layer, {}).values():
            self._drop(label)
        self._labels[layer] = {}
        for feature in features:
            # Only named features get a label (and every facility: its type names it; every
            # planning unit: its kind does).
            if layer in (FACILITIES, PLANNING_UNITS) or feature.attributes.get("name"):
                self.update(layer, feature.fid, feature)

    def update(self, layer: str, fid: int, feature: Feature | None) -> None:
        if layer not in styles.LABEL_MIN_SCALE:
            return
        labels = self._labels.setdefault(layer, {})
        old = labels.pop(fid, None)
        if old is not None:
            self._drop(old)
        label = self._label(feature) if feature is not None else None
        if label is not None:
            labels[fid] = label

    def text(self, feature: Feature) -> str:
        a = feature.attributes
        name = (a.get("name") or "").strip() if isinstance(a.get("name"), str) else ""
        if feature.layer == FACILITIES and not name:
            code = a.get("type")
            catalogue = self.view.catalogue
            if code in catalogue.types:
                return catalogue.types[code].name(_text.language())
            return code or ""
        if feature.layer == PLANNING_UNITS:  # the kind first: "十五分钟生活圈 · 四平"
            kind = a.get("kind") or "community"
            zh, en = UNIT_KIND_WORDS.get(kind, (kind, kind))
            word = zh if _text.language() == "zh" else en[:1].upper() + en[1:]  # a label starts a line
            return f"{word} · {name}" if name else word
        return name

    def _label(self, feature: Feature) -> _Label | None:
        layer, geom = feature.layer, feature.geometry
        text = self.text(feature) if geom is not None and not geom.is_empty else ""
        if not text:
            return None
        look = styles.look(self.view)
        size, bold, italic, colour = look.LABEL_STYLES.get(layer, look.DEFAULT_LABEL_STYLE)
        font = styles.font(size, bold, italic)
        fm = QFontMetricsF(font)
        width, height = fm.horizontalAdvance(text) + 8, fm.height() + 6
        angle = 0.0
        if geom.geom_type in ("LineString", "MultiLineString"):
            line = geom if geom.geom_type == "LineString" else max(shapely.get_parts(geom), key=lambda g: g.length)
            length = line.length
            if length <= 0:
                return None
            mid = shapely.line_interpolate_point(line, 0.5, normalized=True)
            step = min(5.0, length / 10)
            a = shapely.line_interpolate_point(line, max(0.0, length / 2 - step))
            b = shapely.line_interpolate_point(line, min(length, length / 2 + step))
            angle = -math.degrees(math.atan2(b.y - a.y, b.x - a.x))
            if angle > 90:  # never upside down
                angle -= 180
            elif angle <= -90:
                angle += 180
            x, y, room, fit = mid.x, mid.y, length, LINE_FIT
        elif geom.geom_type == "Point":
            x, y, room, fit = geom.x, geom.y, None, 1.0
        else:
            pt = shapely.point_on_surface(geom)
            xmin, _ymin, xmax, _ymax = geom.bounds
            x, y, room = pt.x, pt.y, max(xmax - xmin, 1e-6)
            fit = look.FACILITY_LABEL_FIT if layer == FACILITIES else 1.0
        dy = styles.STOP_LABEL_OFFSET_PX if layer == STOPS else 0.0
        return _Label(layer, feature.fid, x, y, text, font, colour, angle, width, height, room, fit, dy)

    # --- placing ------------------------------------------------------------------------------
    def on_view(self, layer: str, shown: bool, scale: float, area: Area, offsets: dict) -> None:
        """This layer's part of the view (``place`` then places the labels of every layer)."""
        if layer in self._labels:
            self._views[layer] = (shown, scale, area, offsets)

    def place(self) -> None:
        due: list[tuple[tuple, _Label, str, dict]] = []
        for layer, labels in self._labels.items():
            shown, scale, area, offsets = self._views.get(layer, (False, 1.0, (0, 0, 0, 0), {}))
            x0, y0, x1, y1 = area
            on = shown and scale >= styles.LABEL_MIN_SCALE[layer]
            for label in labels.values():
                text = self._fitted(label, scale) if on and x0 <= label.x <= x1 and y0 <= label.y <= y1 else None
                if text is None:
                    self._drop(label)
                    continue
                size = label.room_m if label.room_m is not None else 0.0
                due.append(((PRIORITY.get(layer, 9), -size, label.fid), label, text, offsets))
        due.sort(key=lambda d: d[0])
        grid, names = _Grid(), {}
        for _key, label, text, offsets in due:
            scale = self._views[label.layer][1]
            dx, dy = offsets.get(label.fid, (0.0, 0.0))
            cx, cy = (label.x + dx) * scale, -(label.y + dy) * scale + label.dy  # screen px (y down)
            shift = self._spot(label, text, cx, cy, grid, names)
            if shift is None:
                self._drop(label)
                continue
            self._show(label, text, shift, dx, dy)

    def _fitted(self, label: _Label, scale: float) -> str | None:
        """The name, elided to the room its feature has on screen; None when not even a short
        start of it fits (the feature is too small at this zoom: a matter of size, not of name)."""
        room = label.room_px(scale)
        if label.width <= room:
            return label.text
        fm = QFontMetricsF(label.font)
        text = fm.elidedText(label.text, Qt.TextElideMode.ElideRight, room - 8)
        kept = len(text) - 1 if text.endswith("…") else len(text)
        return text if kept >= min(MIN_CHARS, len(label.text)) else None

    def _rect(self, label: _Label, text: str, cx: float, cy: float) -> QRectF:
        w = QFontMetricsF(label.font).horizontalAdvance(text) + 8 if text != label.text else label.width
        h = label.height
        if label.angle:
            a = math.radians(label.angle)
            w, h = abs(w * math.cos(a)) + abs(h * math.sin(a)), abs(w * math.sin(a)) + abs(h * math.cos(a))
        return QRectF(cx - w / 2, cy - h / 2, w, h)

    def _spot(self, label: _Label, text: str, cx: float, cy: float, grid: _Grid, names: dict) -> float | None:
        """The vertical shift (px) of a free place for ``label`` — on its anchor, above, below —
        or None (taken, or its name is already on the map close by)."""
        base = self._rect(label, text, cx, cy)
        near = max(SAME_NAME_PX, 2 * base.width())
        for (px, py) in names.get(label.text, ()):
            if abs(px - cx) < near and abs(py - cy) < near:
                return None
        step = base.height() + GAP_PX
        for shift in (0.0, -step, step):
            r = base.translated(0, shift)
            if grid.free(r.adjusted(-GAP_PX / 2, -GAP_PX / 2, GAP_PX / 2, GAP_PX / 2)):
                grid.add(r)
                names.setdefault(label.text, []).append((cx, cy))
                return shift
        return None

    def _show(self, label: _Label, text: str, shift: float, dx: float, dy: float) -> None:
        if label.item is not None and label.item.text != text:
            self._drop(label)
        if label.item is None:
            label.item = CachedLabelItem(text, label.font, label.colour, label.angle)
            label.item.setZValue(styles.LABEL_Z)
            self.view.scene().addItem(label.item)
        label.item.setPos(label.x + dx, label.y + dy)
        offset = label.dy + shift
        label.item.setTransform(QTransform.fromTranslate(0, offset) if offset else QTransform())

    def _drop(self, label: _Label) -> None:
        if label.item is not None:
            if label.item.scene() is not None:
                label.item.scene().removeItem(label.item)
            label.item = None

    # --- what is shown ------------------------------------------------------------------------
    def set_offset(self, layer: str, fid: int, dx: float, dy: float) -> None:
        label = self._labels.get(layer, {}).get(fid)
        if label is not None and label.item is not None:
            label.item.setPos(label.x + dx, label.y + dy)

    def texts(self, layer: str) -> list[str]:
        return [label.item.text for label in self._labels.get(layer, {}).values() if label.item is not None]


__all__ = ["LabelView"]

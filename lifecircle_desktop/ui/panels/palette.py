"""The facility palette (设施选板): every facility type of the catalogue, by category, in the
catalogue's colours. Choosing one sets the type the canvas draws next and picks the polygon tool."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ...model.catalogue import Catalogue
from .. import i18n
from ..tools import UNIT_KINDS, unit_word
from .common import icon, swatch

HOMES_ENTRY = "__residential__"  # the palette's entry for drawing homes (居住用地), not a facility type
UNIT_ENTRY = "__unit__:"  # + a planning-unit kind: the palette's entries for drawing 规划单元


class FacilityPalette(QWidget):
    """``facilityChosen(code)`` for a facility type; ``residentialChosen()`` for homes;
    ``unitChosen(kind)`` for a planning unit (community, 5min, 10min, 15min, block)."""

    facilityChosen = Signal(str)
    residentialChosen = Signal()
    unitChosen = Signal(str)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter facility types…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._fill()

    def _fill(self) -> None:
        zh = i18n.is_chinese()
        homes = QTreeWidgetItem([self.tr("Residential (homes)")])
        homes.setIcon(0, icon("residential"))
        homes.setData(0, Qt.ItemDataRole.UserRole, HOMES_ENTRY)
        homes.setToolTip(0, self.tr("Draw a residential block: households, population, floors"))
        self.tree.addTopLevelItem(homes)
        self._items[HOMES_ENTRY] = homes
        units = QTreeWidgetItem([self.tr("Planning units")])
        units.setIcon(0, icon("tool-unit"))
        units.setFlags(units.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        units.setToolTip(0, self.tr("Draw the boundary of the community or of a 5-, 10- or 15-minute life circle: "
                                    "the scale and ratio rules measure within it"))
        self.tree.addTopLevelItem(units)
        for kind in UNIT_KINDS:
            item = QTreeWidgetItem([unit_word(kind)])
            item.setData(0, Qt.ItemDataRole.UserRole, UNIT_ENTRY + kind)
            units.addChild(item)
            self._items[UNIT_ENTRY + kind] = item
        for cat_code, types in self.catalogue.by_category().items():
            if not types:
                continue
            cat = self.catalogue.categories.get(cat_code)
            title = (cat.name_zh if zh else cat.name_en) if cat else cat_code
            parent = QTreeWidgetItem([title])
            parent.setIcon(0, swatch(cat.colour if cat else "#888888"))
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(parent)
            for t in types:
                item = QTreeWidgetItem([t.name_zh if zh else t.name_en])
                item.setIcon(0, swatch(t.colour))
                item.setData(0, Qt.ItemDataRole.UserRole, t.code)
                # The other language in the tooltip: the standards are Chinese, a reader may not be.
                item.setToolTip(0, f"{t.name_zh} · {t.name_en}\n{t.code}" + (f"\n{t.source}" if t.source else ""))
                parent.addChild(item)
                self._items[t.code] = item
            parent.setExpanded(True)

    def item(self, code: str) -> QTreeWidgetItem | None:
        return self._items.get(code)

    def choose(self, code: str) -> None:
        """Select ``code`` as if clicked (a facility type code, or HOMES_ENTRY)."""
        item = self._items.get(code)
        if item is not None:
            self.tree.setCurrentItem(item)
            self._clicked(item)

    def _clicked(self, item: QTreeWidgetItem, column: int = 0) -> None:
        code = item.data(0, Qt.ItemDataRole.UserRole)
        if code == HOMES_ENTRY:
            self.residentialChosen.emit()
        elif isinstance(code, str) and code.startswith(UNIT_ENTRY):
            self.unitChosen.emit(code[len(UNIT_ENTRY):])
        elif code:
            self.facilityChosen.emit(code)

    def _apply_filter(self, text: str) -> None:
        text = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.childCount() == 0:
                top.setHidden(bool(text) and text not in top.text(0).lower())
                continue
            shown = 0
            for j in range(top.childCount()):
                child = top.child(j)
                code = child.data(0, Qt.ItemDataRole.UserRole)
                t = self.catalogue.types.get(code)
                hay = f"{child.text(0)} {t.name_zh} {t.name_en} {code}".lower() if t else child.text(0).lower()
                hidden = bool(text) and text not in hay
                child.setHidden(hidden)
                shown += not hidden
            top.setHidden(shown == 0)

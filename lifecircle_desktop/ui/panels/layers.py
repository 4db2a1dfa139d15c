"""The layers (图层) of the plan with a visibility checkbox each; the feature count in the
current scenario beside the name. Visibility is remembered per layer (QSettings)."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ...model.schema import LAYERS
from .. import i18n

LAYER_ROLE = Qt.ItemDataRole.UserRole
SETTINGS_GROUP = "layers/hidden"


class LayersPanel(QWidget):
    """``visibilityChanged(layer, visible)`` when the planner ticks a box."""

    visibilityChanged = Signal(str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        hidden = set(QSettings().value(SETTINGS_GROUP, [], type=list) or [])
        editable = QTreeWidgetItem([self.tr("Plan layers")])
        basemap = QTreeWidgetItem([self.tr("Base map (read-only)")])
        for top in (editable, basemap):
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        for name, spec in LAYERS.items():
            item = QTreeWidgetItem([i18n.pick(spec.title_zh, spec.title_en)])
            item.setData(0, LAYER_ROLE, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked if name in hidden else Qt.CheckState.Checked)
            item.setToolTip(0, f"{spec.title_zh} · {spec.title_en} ({name})")
            (editable if spec.editable else basemap).addChild(item)
            self.items[name] = item
        self.tree.itemChanged.connect(self._changed)

    def hidden_layers(self) -> list[str]:
        return [n for n, item in self.items.items() if item.checkState(0) != Qt.CheckState.Checked]

    def set_visible(self, layer: str, visible: bool) -> None:
        self.items[layer].setCheckState(0, Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def bind(self, document) -> None:
        """Follow ``document`` (ui/document.py): the counts of its plan and scenario."""
        self._document = document
        for signal in (document.sessionChanged, document.scenarioChanged, document.changed):
            signal.connect(self._recount)
        self._recount()

    def _recount(self, *_) -> None:
        self.update_counts(self._document.plan, self._document.scenario)

    def update_counts(self, plan, scenario: str) -> None:
        if plan is None:
            return
        blocked = self.tree.blockSignals(True)  # a new label is not a visibility change
        try:
            for name, item in self.items.items():
                spec = LAYERS[name]
                n = len(plan.features(name, scenario if spec.editable else None))
                item.setText(0, f"{i18n.pick(spec.title_zh, spec.title_en)} ({n:,})")
        finally:
            self.tree.blockSignals(blocked)

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        layer = item.data(0, LAYER_ROLE)
        if not layer:
            return
        QSettings().setValue(SETTINGS_GROUP, self.hidden_layers())
        self.visibilityChanged.emit(layer, item.checkState(0) == Qt.CheckState.Checked)

"""The attributes of the selection (属性): type, name, floors, areas, capacity, status, and the
project fields of the annual project list (项目实施清单). Every change is a ChangeAttributes edit
handed to the window, which puts it on the undo stack; the panel never writes to the plan."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QScrollArea,
                               QVBoxLayout, QWidget)

from ...model.catalogue import Catalogue
from ...model.edits import Batch, ChangeAttributes
from ...model import measures
from ...model.errors import PlanError
from ...model.schema import FACILITIES, LAYERS, RESIDENTIAL
from .. import i18n
from .common import number
from . import codes
from .service_population import ServicePopulation
from .walk_homes import NearestFacilities


def _translated(text: str) -> str:
    return QCoreApplication.translate("AttributePanel", text)


# The schema's names are English identifiers; these are what a planner reads (marked for lupdate,
# translated when shown).
FIELD_LABELS = {
    "type": QT_TRANSLATE_NOOP("AttributePanel", "Type"),
    "name": QT_TRANSLATE_NOOP("AttributePanel", "Name"),
    "floors": QT_TRANSLATE_NOOP("AttributePanel", "Floors"),
    "floor_area": QT_TRANSLATE_NOOP("AttributePanel", "Floor area (m²)"),
    "land_area": QT_TRANSLATE_NOOP("AttributePanel", "Land area (m²)"),
    "usable_area": QT_TRANSLATE_NOOP("AttributePanel", "Usable area (m²)"),
    "activity_area": QT_TRANSLATE_NOOP("AttributePanel", "Activity area (m²)"),
    "status": QT_TRANSLATE_NOOP("AttributePanel", "Status"),
    "classes": QT_TRANSLATE_NOOP("AttributePanel", "Classes"),
    "beds": QT_TRANSLATE_NOOP("AttributePanel", "Beds"),
    "parking_spaces": QT_TRANSLATE_NOOP("AttributePanel", "Parking spaces"),
    "accessible_spaces": QT_TRANSLATE_NOOP("AttributePanel", "Accessible spaces"),
    "charging_spaces": QT_TRANSLATE_NOOP("AttributePanel", "Charging spaces"),
    "lockers": QT_TRANSLATE_NOOP("AttributePanel", "Parcel lockers"),
    "source": QT_TRANSLATE_NOOP("AttributePanel", "Source"),
    "osm_id": QT_TRANSLATE_NOOP("AttributePanel", "OSM id"),
    "project_content": QT_TRANSLATE_NOOP("AttributePanel", "Project content"),
    "implementing_body": QT_TRANSLATE_NOOP("AttributePanel", "Implementing body"),
    "funding": QT_TRANSLATE_NOOP("AttributePanel", "Funding"),
    "schedule": QT_TRANSLATE_NOOP("AttributePanel", "Schedule"),
    "design_team": QT_TRANSLATE_NOOP("AttributePanel", "Design team"),
    "construction": QT_TRANSLATE_NOOP("AttributePanel", "New build / rebuild"),
    "implementation_path": QT_TRANSLATE_NOOP("AttributePanel", "Implementation path"),
    "investment": QT_TRANSLATE_NOOP("AttributePanel", "Investment (10k yuan)"),
    "year": QT_TRANSLATE_NOOP("AttributePanel", "Year"),
    "households": QT_TRANSLATE_NOOP("AttributePanel", "Households"),
    "population": QT_TRANSLATE_NOOP("AttributePanel", "Population"),
    "estimated": QT_TRANSLATE_NOOP("AttributePanel", "Estimated"),
    "kind": QT_TRANSLATE_NOOP("AttributePanel", "Kind"),
    "open": QT_TRANSLATE_NOOP("AttributePanel", "Open"),
    "layer": QT_TRANSLATE_NOOP("AttributePanel", "Belongs to layer"),
    "feature": QT_TRANSLATE_NOOP("AttributePanel", "Belongs to feature"),
    "class": QT_TRANSLATE_NOOP("AttributePanel", "Path class"),
    "walkable": QT_TRANSLATE_NOOP("AttributePanel", "Walkable"),
    "closed": QT_TRANSLATE_NOOP("AttributePanel", "Closed"),
    "barrier": QT_TRANSLATE_NOOP("AttributePanel", "Barrier"),
    "node_ids": QT_TRANSLATE_NOOP("AttributePanel", "OSM nodes"),
    "text": QT_TRANSLATE_NOOP("AttributePanel", "Text"),
    "author_role": QT_TRANSLATE_NOOP("AttributePanel", "Author role"),
    "created": QT_TRANSLATE_NOOP("AttributePanel", "Created"),
    # comment pins (schema v6, issue 13)
    "category": QT_TRANSLATE_NOOP("AttributePanel", "Category"),
    "author": QT_TRANSLATE_NOOP("AttributePanel", "Said by"),
    "meeting": QT_TRANSLATE_NOOP("AttributePanel", "Meeting"),
    "meeting_date": QT_TRANSLATE_NOOP("AttributePanel", "Meeting date"),
    "reply": QT_TRANSLATE_NOOP("AttributePanel", "Reply"),
    "number": QT_TRANSLATE_NOOP("AttributePanel", "Pin number"),
}


def field_label(name: str) -> str:
    """The label of an attribute in the UI language."""
    return _translated(FIELD_LABELS[name]) if name in FIELD_LABELS else name


# Facilities: the fields in the order a planner fills them, grouped as in the project list.
FACILITY_GROUPS = (
    (QT_TRANSLATE_NOOP("AttributePanel", "Facility"),
     ("type", "name", "status", "floors", "floor_area", "land_area", "usable_area", "activity_area")),
    (QT_TRANSLATE_NOOP("AttributePanel", "Capacity"),
     ("classes", "beds", "parking_spaces", "accessible_spaces", "charging_spaces", "lockers")),
    (QT_TRANSLATE_NOOP("AttributePanel", "Project (annual project list)"),
     ("project_content", "construction", "implementation_path", "implementing_body", "funding", "investment",
      "year", "schedule", "design_team")),
)
READ_ONLY = {"source", "osm_id", "node_ids", "layer", "feature", "created", "number"}  # a pin keeps its number
STATUSES = ("existing", "planned")


class AttributePanel(QWidget):
    """Shows the selected features' attributes; ``editRequested(edit)`` when the planner changes one."""

    editRequested = Signal(object)
    message = Signal(str)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.plan = None
        self.selection: list[tuple[str, int]] = []
        self.editors: dict[str, QWidget] = {}
        self.results = None  # the document's latest validation results (a home's nearest facilities)
        self.nearest: NearestFacilities | None = None
        self.served: ServicePopulation | None = None  # a facility's service population (issue 15)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        self.header = QLabel()
        self.header.setWordWrap(True)
        outer.addWidget(self.header)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll)
        self._body = None
        self._show_nothing()

    # --- what to show ------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Follow ``document`` (ui/document.py): its plan and selection; edits go to it."""
        document.sessionChanged.connect(self._on_session)
        document.selectionChanged.connect(self.set_selection)
        document.changed.connect(self.refresh)
        document.resultsReady.connect(self.set_results)
        self.editRequested.connect(document.push)
        self.results = document.results
        self.set_plan(document.plan)
        self.set_selection(document.selection)

    def _on_session(self, session) -> None:
        self.results = None  # another plan's: its homes' fids mean other homes
        self.set_plan(session.plan if session is not None else None)

    def set_plan(self, plan) -> None:
        self.plan = plan
        self.set_selection([])

    def set_results(self, results) -> None:
        """New validation results: a home's nearest facilities follow them."""
        self.results = results
        if self.nearest is not None and self.selection:
            self.nearest.show_home(results, self.selection[0][1], self.plan)
        self._show_served()

    def set_selection(self, selection) -> None:
        self.selection = [tuple(s) for s in selection
                          if self.plan is not None and self.plan.has_feature(s[0], s[1])]
        self._rebuild()

    def refresh(self, changes) -> None:
        """After an edit: the form follows the plan (an undo shows the old value again)."""
        if not any(fid in changes.touched(layer) for layer, fid in self.selection):
            return
        alive = [s for s in self.selection if self.plan.has_feature(*s)]
        if alive != self.selection or not self.editors:
            self.set_selection(alive)
            return
        # In place, so that the field the planner tabbed into keeps its focus.
        first = self.plan.feature(*alive[0])
        for name, editor in self.editors.items():
            self._load(first.layer, name, editor, first)
        info = self._body.findChild(QLabel, "geometryInfo") if self._body is not None else None
        if info is not None:
            info.setText(self._geometry_text(first))

    def _layers(self) -> set[str]:
        return {layer for layer, _ in self.selection}

    def _show_nothing(self) -> None:
        self.header.setText(self.tr("Nothing selected. Click a feature on the map, or choose a facility "
                                    "type in the palette and draw it."))
        self._set_body(QWidget())

    def _set_body(self, body: QWidget) -> None:
        self._body = body
        self.scroll.setWidget(body)

    def _rebuild(self) -> None:
        self.editors = {}
        self.nearest = None
        self.served = None
        if not self.selection:
            self._show_nothing()
            return
        layers = self._layers()
        if len(layers) > 1:
            self.header.setText(self.tr("%n features selected on several layers.", "", len(self.selection)))
            self._set_body(QWidget())
            return
        layer = next(iter(layers))
        spec = LAYERS[layer]
        first = self.plan.feature(*self.selection[0])
        title = i18n.pick(spec.title_zh, spec.title_en)
        if len(self.selection) == 1:
            self.header.setText(f"<b>{title}</b> #{first.fid}")
        else:
            self.header.setText(f"<b>{title}</b> — " + self.tr("%n selected; a change applies to all.", "",
                                                               len(self.selection)))
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 0, 0)
        if layer == FACILITIES:
            groups = FACILITY_GROUPS
        else:
            groups = ((QT_TRANSLATE_NOOP("AttributePanel", "Attributes"), spec.field_names),)
        for title_en, names in groups:
            group = QGroupBox(_translated(title_en))
            form = QFormLayout(group)
            for name in names:
                editor = self._editor(layer, name, first)
                if editor is not None:
                    form.addRow(field_label(name), editor)
                    self.editors[name] = editor
            box.addWidget(group)
        if layer == RESIDENTIAL and len(self.selection) == 1:
            self.nearest = NearestFacilities(self.catalogue)
            self.nearest.show_home(self.results, first.fid, self.plan)
            box.addWidget(self.nearest)
        if layer == FACILITIES and len(self.selection) == 1:
            self.served = ServicePopulation()
            self._show_served()
            box.addWidget(self.served)
        footprint = QLabel(self._geometry_text(first))
        footprint.setObjectName("geometryInfo")
        box.addWidget(footprint)
        box.addStretch(1)
        self._set_body(body)

    def _show_served(self) -> None:
        """The selected facility's service population and capacity, from the latest results."""
        if self.served is not None and self.selection and self.plan.has_feature(*self.selection[0]):
            facility = self.plan.feature(*self.selection[0])
            self.served.show_facility(self.results, facility.get("type"), facility.fid)

    def _geometry_text(self, feature) -> str:
        geometry = feature.geometry
        if geometry.geom_type.endswith("Polygon"):
            return i18n.fill(self.tr("Footprint %1 m²"), number(geometry.area))
        if geometry.geom_type.endswith("LineString"):
            return i18n.fill(self.tr("Length %1 m"), number(geometry.length))
        return i18n.fill(self.tr("Position %1, %2"), f"{geometry.x:.1f}", f"{geometry.y:.1f}")

    # --- editors ------------------------------------------------------------------------------
    def computed(self, feature, name: str):
        """What a blank area field stands for: floor area = footprint × floors, land area = footprint
        (model/measures.py: the validator's own definitions)."""
        if name == "floor_area" and feature.get("floor_area") is None:
            n = measures.floors(feature, self.catalogue)
            return measures.floor_area(feature, self.catalogue), int(n) if float(n).is_integer() else n
        if name == "land_area" and feature.get("land_area") is None:
            return measures.land_area(feature), None
        return None, None

    def _editor(self, layer: str, name: str, feature) -> QWidget | None:
        spec = LAYERS[layer].field(name)
        if layer == FACILITIES and name in ("type", "status"):
            combo = QComboBox()
            if name == "type":
                zh = i18n.is_chinese()
                for types in self.catalogue.by_category().values():
                    for t in types:
                        combo.addItem(t.name_zh if zh else t.name_en, t.code)
            else:
                combo.addItem(QCoreApplication.translate("AttributePanel", "existing"), "existing")
                combo.addItem(QCoreApplication.translate("AttributePanel", "planned"), "planned")
            combo.activated.connect(lambda _i, n=name, c=combo: self.commit(n, c.currentData()))
            editor = combo
        elif (offered := codes.suggestions(layer, name)) is not None:
            combo = QComboBox()  # words to pick, or to type over: the text is stored as shown
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.addItems(offered)
            combo.activated.connect(lambda _i, n=name, c=combo: self._commit_text(n, c.currentText()))
            combo.lineEdit().editingFinished.connect(
                lambda n=name, c=combo: c.currentText() != c.property("shown") and self._commit_text(n, c.currentText()))
            editor = combo
        elif (known := codes.choices(layer, name, self.catalogue)) is not None:
            combo = QComboBox()  # a code field: words to choose from, the code stored
            for code, words in known:
                combo.addItem(words, code)
            # The blank choice ("" — not answered yet) stores nothing.
            combo.activated.connect(lambda _i, n=name, c=combo: self.commit(n, c.currentData() if c.currentData() != "" else None))
            editor = combo
        elif spec.type is bool:
            editor = QCheckBox()
            editor.setEnabled(name not in READ_ONLY)
            editor.clicked.connect(lambda checked, n=name: self.commit(n, bool(checked)))
        else:
            editor = QLineEdit()
            editor.setReadOnly(name in READ_ONLY)
            if spec.type is int:
                editor.setValidator(QIntValidator(0, 10 ** 9, editor))
            elif spec.type is float:
                v = QDoubleValidator(0.0, 1e12, 2, editor)
                v.setNotation(QDoubleValidator.Notation.StandardNotation)
                editor.setValidator(v)
            if name not in READ_ONLY:
                # Only what the planner typed: a value shown rounded (population) is not written back.
                editor.editingFinished.connect(
                    lambda n=name, e=editor: e.text() != e.property("shown") and self._commit_text(n, e.text()))
        self._load(layer, name, editor, feature)
        return editor

    def _load(self, layer: str, name: str, editor: QWidget, feature) -> None:
        """Put ``feature``'s value of ``name`` into its editor (signals blocked: loading is not
        editing)."""
        spec = LAYERS[layer].field(name)
        value = feature.attributes.get(name)
        blocked = editor.blockSignals(True)
        try:
            if isinstance(editor, QComboBox) and editor.isEditable():
                editor.setEditText("" if value is None else str(value))
                editor.setProperty("shown", editor.currentText())
            elif isinstance(editor, QComboBox):
                if value is None and editor.findData("") >= 0:
                    value = ""  # not answered yet: the blank choice
                index = editor.findData(value)
                if index < 0:  # a code this catalogue does not know: shown, not lost
                    editor.insertItem(0, str(value or "—"), value)
                    index = 0
                editor.setCurrentIndex(index)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            else:
                editor.setText(shown_value(layer, name, value, spec.type))
                editor.setProperty("shown", editor.text())
                computed, floors = self.computed(feature, name)
                if computed is not None and name == "floor_area":
                    editor.setPlaceholderText(i18n.fill(self.tr("%1 m² × %2 floors = %3 m²"),
                                                        number(feature.geometry.area), floors, number(computed)))
                    editor.setToolTip(self.tr("Leave blank to use footprint × floors; type a value to override it."))
                elif computed is not None:
                    editor.setPlaceholderText(i18n.fill(self.tr("footprint %1 m²"), number(computed)))
                    editor.setToolTip(self.tr("Leave blank to use the footprint; type a value to override it."))
                elif spec.type is not str:
                    editor.setPlaceholderText("—")
        finally:
            editor.blockSignals(blocked)

    def _commit_text(self, name: str, text: str) -> None:
        text = text.strip()
        layer = self.selection[0][0] if self.selection else None
        if layer is not None and LAYERS[layer].field(name).type is not str:
            text = text.replace(",", "")
            self.commit(name, text if text else None)  # blank = no override (computed)
        else:
            self.commit(name, text)

    def commit(self, name: str, value) -> None:
        """One attribute of every selected feature, as one undoable step."""
        if self.plan is None or not self.selection:
            return
        try:
            edits = []
            for layer, fid in self.selection:
                f = self.plan.feature(layer, fid)
                edit = ChangeAttributes.of(self.plan, layer, fid, **{name: value})
                if dict(edit.new) != {name: f.attributes.get(name)}:
                    edits.append(edit)
        except PlanError as e:
            self.message.emit(e.message(i18n.language()))
            self.set_selection(self.selection)  # show the stored value again
            return
        if not edits:
            return
        if len(edits) == 1:
            self.editRequested.emit(edits[0])
            return
        label = QCoreApplication.translate("AttributePanel", "Set %1 of %n features", "", len(edits))
        self.editRequested.emit(Batch(tuple(edits), i18n.fill(label, field_label(name))))


def shown_value(layer: str, name: str, value, type_) -> str:
    """A stored value in its editor: read-only codes in words, people in whole persons."""
    if value is None:
        return ""
    words = codes.read_only_words(layer, name, value) if name in READ_ONLY else None
    if words is not None:
        return words
    if name == "population" and type_ is not str:
        return number_plain(round(float(value)))
    return str(value) if type_ is str else number_plain(value)


def number_plain(value) -> str:
    """A stored number as the planner typed it (no thousands separators: the field stays editable)."""
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")

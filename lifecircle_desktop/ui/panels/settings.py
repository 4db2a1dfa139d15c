"""Plan settings (规划设置): the classes and numbers the plan is judged with that are not features —
community class, Shanghai area class, walking speeds, persons and floor area per household, the
usable share, the longest connector to the walking network (model/settings.py SETTINGS, issue 11).

One row per setting: its name, an editor (a list for a class, a number box within the setting's
band), its unit, and where its default comes from — or, marked, that no published figure backs
it. Each change is one undoable step through the document (``set_setting``), saved at once and
followed by a new validation; the dialog follows undo and redo. A read-only plan: the editors are
disabled and the dialog says why.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QGridLayout, QLabel,
                               QToolButton, QVBoxLayout, QWidget)

from ...model.settings import DEFAULTS, NO_SOURCE, SETTINGS, Setting, name_words, source_words, unit_words, \
    value_words
from .. import i18n

NO_SOURCE_COLOUR = "#9a5b00"  # amber: the planner should know the number is the program's guess


def decimals(setting: Setting) -> int:
    """Digits a number setting is edited with: hundredths for a share (thousandths for an age
    share, 0.025, issue 15), tenths for speeds and persons per household, whole numbers for areas
    and distances."""
    if setting.maximum is not None and setting.maximum <= 1:
        return 3 if setting.minimum is not None and setting.minimum < 0.01 else 2
    return 1 if setting.maximum is not None and setting.maximum <= 10 else 0


def has_published_source(setting: Setting) -> bool:
    return tuple(setting.source) != tuple(NO_SOURCE)


class PlanSettingsDialog(QDialog):
    """The plan settings of the document's plan; ``editor(key)`` is a setting's editor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PlanSettingsDialog")
        self.setWindowTitle(self.tr("Plan Settings"))
        self.document = None
        self.editors: dict[str, QComboBox | QDoubleSpinBox] = {}
        self.reset_buttons: dict[str, QToolButton] = {}
        self.source_labels: dict[str, QLabel] = {}
        zh = i18n.is_chinese()

        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("What the plan is judged with besides its features: which rules apply to it, and "
                               "the numbers the walking distances and households are computed with. Each change "
                               "is one step you can undo (Ctrl+Z)."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # The sentence of the window's banner (design.md §2), shown while the plan is read-only.
        self.read_only_note = QLabel(QCoreApplication.translate(
            "MainWindow", "This plan file is read-only: you can look at it and validate it, "
                          "but not change it. Save a copy (File ▸ Save As) to edit it."))
        self.read_only_note.setObjectName("readOnlyNote")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 6px; }")
        self.read_only_note.hide()
        layout.addWidget(self.read_only_note)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for col, title in enumerate((self.tr("Setting"), self.tr("Value"), self.tr("Unit"), "",
                                     self.tr("Source"))):
            head = QLabel(f"<b>{title}</b>")
            grid.addWidget(head, 0, col)
        for row, setting in enumerate(SETTINGS.values(), start=1):
            name = QLabel(name_words(setting.key, zh))
            name.setToolTip(f"{setting.name_zh} / {setting.name_en} · {setting.key}")
            grid.addWidget(name, row, 0)
            editor = self._editor(setting, zh)
            grid.addWidget(editor, row, 1)
            grid.addWidget(QLabel(unit_words(setting.key, zh)), row, 2)
            reset = QToolButton()
            reset.setText(self.tr("Default"))
            reset.setToolTip(i18n.fill(self.tr("Back to the default, %1"),
                                       value_words(setting.key, setting.default, zh)))
            reset.clicked.connect(lambda _checked=False, key=setting.key: self._set(key, DEFAULTS[key]))
            grid.addWidget(reset, row, 3)
            source = QLabel()
            source.setWordWrap(True)
            source.setTextFormat(Qt.TextFormat.RichText)
            words = source_words(setting.key, zh)
            if has_published_source(setting):
                source.setText(words)
            else:  # marked: the number is the program's, no document publishes it
                source.setText(f'<span style="color:{NO_SOURCE_COLOUR}"><b>⚠ {words}</b></span>')
                source.setToolTip(self.tr("No standard publishes this number; check it against your district's "
                                          "own figure."))
            source.setMinimumWidth(260)
            grid.addWidget(source, row, 4)
            self.editors[setting.key] = editor
            self.reset_buttons[setting.key] = reset
            self.source_labels[setting.key] = source
        grid.setColumnStretch(4, 1)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def _editor(self, setting: Setting, zh: bool) -> QWidget:
        if setting.choices:
            box = QComboBox()
            for code in setting.choices:
                box.addItem(setting.choice_words(code, zh), code)
            box.activated.connect(lambda _i, key=setting.key, b=box: self._set(key, b.currentData()))
            return box
        spin = QDoubleSpinBox()
        spin.setDecimals(decimals(setting))
        spin.setRange(setting.minimum, setting.maximum)
        spin.setSingleStep({2: 0.05, 1: 0.1}.get(spin.decimals(), 10.0 if setting.maximum > 500 else 1.0))
        spin.setKeyboardTracking(False)  # one step when the value is entered, not one per key typed
        spin.setToolTip(i18n.fill(self.tr("From %1 to %2; the default is %3"), f"{setting.minimum:g}",
                                  f"{setting.maximum:g}", value_words(setting.key, setting.default, zh)))
        spin.valueChanged.connect(lambda value, key=setting.key: self._set(key, value))
        return spin

    def editor(self, key: str) -> QComboBox | QDoubleSpinBox:
        return self.editors[key]

    # --- the document -------------------------------------------------------------------------
    def bind(self, document) -> None:
        """Show ``document``'s settings and send changes to it; follow its undo, redo and plan."""
        self.document = document
        document.changed.connect(self._follow)
        document.sessionChanged.connect(self._follow)
        self.refresh()

    def _follow(self, _what) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Editors show the plan's values (after an edit, an undo, another plan); disabled while
        the plan is read-only or none is open."""
        document = self.document
        values = document.settings() if document is not None else DEFAULTS
        editable = document is not None and document.session is not None and not document.read_only
        self.read_only_note.setVisible(document is not None and document.read_only)
        for key, editor in self.editors.items():
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(values[key])))
            else:
                editor.setValue(float(values[key]))
            editor.blockSignals(False)
            editor.setEnabled(editable)
            own = values[key] != DEFAULTS[key]
            self.reset_buttons[key].setEnabled(editable and own)
            font = editor.font()
            font.setBold(own)  # the plan's own value, not the default
            editor.setFont(font)

    def _set(self, key: str, value) -> None:
        if self.document is None:
            return
        self.document.set_setting(key, value)
        self.refresh()  # a refused value goes back to the one in the plan

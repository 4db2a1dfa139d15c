"""居民意见: the comment pins of the scenario shown (issue 13 item 4) — a table to read, filter and
edit them at a meeting, the form a pin is filled in with, and File → Export Comments….

Large rows and buttons: a planner often runs a meeting on a touch screen. The pins, their codes and
their numbers are the model's (model/comments.py, PlanSession's comment verbs); every change goes
through ``document.push`` as one undoable step.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...model.comments import CODES, STATUSES, Comment
from ...model.errors import PlanError
from ...model.schema import COMMENTS
from .. import i18n
from ..map.layers import PIN_COLOURS

FID_ROLE = Qt.ItemDataRole.UserRole
TOUCH_PX = 44  # rows and buttons a finger hits (Apple HIG and Material both ask ≥ 44–48 px)
TOUCH_STYLE = (f"QPushButton, QComboBox, QLineEdit, QDateEdit {{ min-height: {TOUCH_PX - 8}px; font-size: 15px; }}"
               "QPlainTextEdit { font-size: 15px; }")
NO_DATE = QDate(2000, 1, 1)  # the date edit's "no date" (shown as its special text)


def words(field: str, code: str | None) -> str:
    """A code in the UI language ("" for none; an unknown code as stored)."""
    if not code:
        return ""
    pair = CODES[field].get(code)
    return code if pair is None else i18n.pick(*pair)


def _fill_codes(box: QComboBox, field: str, none: str | None) -> None:
    if none is not None:
        box.addItem(none, None)
    for code in CODES[field]:
        box.addItem(words(field, code), code)


def _choose(box: QComboBox, code) -> None:
    i = box.findData(code)
    if i < 0 and code:  # a code this version does not know (another program wrote it): kept as is
        box.addItem(str(code), code)
        i = box.count() - 1
    box.setCurrentIndex(max(i, 0))


class CommentDialog(QDialog):
    """The form of one pin: what was said, its category, who said it, the meeting and its date, the
    status and the reply. ``values()`` are the model's fields (codes, ISO date)."""

    def __init__(self, parent: QWidget | None = None, values: Mapping | None = None, number: int | None = None):
        super().__init__(parent)
        self.setObjectName("commentDialog")
        self.setWindowTitle(i18n.fill(self.tr("Comment %1"), number) if number else self.tr("New Comment"))
        self.setStyleSheet(TOUCH_STYLE)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("What was said, in the speaker's words"))
        self.text.setMinimumHeight(90)
        self.category = QComboBox()
        _fill_codes(self.category, "category", "—")
        self.author_role = QComboBox()
        _fill_codes(self.author_role, "author_role", "—")
        self.author = QLineEdit()
        self.author.setPlaceholderText(self.tr("Name (optional)"))
        self.meeting = QComboBox()
        _fill_codes(self.meeting, "meeting", "—")
        self.meeting_date = QDateEdit()
        self.meeting_date.setCalendarPopup(True)
        self.meeting_date.setDisplayFormat("yyyy-MM-dd")
        self.meeting_date.setMinimumDate(NO_DATE)
        self.meeting_date.setSpecialValueText("—")
        self.status = QComboBox()
        _fill_codes(self.status, "status", None)
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText(self.tr("The planner's reply (optional)"))
        self.reply.setMinimumHeight(70)
        who = QHBoxLayout()
        who.addWidget(self.author_role, 1)
        who.addWidget(self.author, 2)
        when = QHBoxLayout()
        when.addWidget(self.meeting, 1)
        when.addWidget(self.meeting_date, 1)
        form = QFormLayout()
        form.addRow(self.tr("Comment"), self.text)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Who"), who)
        form.addRow(self.tr("Meeting"), when)
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.tr("Reply"), self.reply)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.buttons)
        self.text.textChanged.connect(self._enable_ok)
        self.set_values(values or {"meeting_date": QDate.currentDate().toString(Qt.DateFormat.ISODate)})
        self.resize(560, 520)

    def _enable_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.text.toPlainText().strip()))

    def set_values(self, values: Mapping) -> None:
        self.text.setPlainText(values.get("text") or "")
        for name in ("category", "author_role", "meeting", "status"):
            _choose(getattr(self, name), values.get(name))
        self.author.setText(values.get("author") or "")
        date = QDate.fromString(values.get("meeting_date") or "", Qt.DateFormat.ISODate)
        self.meeting_date.setDate(date if date.isValid() else NO_DATE)
        self.reply.setPlainText(values.get("reply") or "")
        self._enable_ok()

    def values(self) -> dict:
        date = self.meeting_date.date()
        return {"text": self.text.toPlainText().strip(), "category": self.category.currentData(),
                "author_role": self.author_role.currentData(), "author": self.author.text().strip() or None,
                "meeting": self.meeting.currentData(),
                "meeting_date": None if date == NO_DATE else date.toString(Qt.DateFormat.ISODate),
                "status": self.status.currentData(), "reply": self.reply.toPlainText().strip() or None}


def comment_values(comment: Comment) -> dict:
    return {name: getattr(comment, name) for name in
            ("text", "category", "author_role", "author", "meeting", "meeting_date", "status", "reply")}


class CommentsPanel(QWidget):
    """The pins of the scenario shown, by number. ``zoomRequested(key)``: a row was clicked (the
    window zooms the map to the pin; the panel selects it)."""

    zoomRequested = Signal(object)
    COLUMNS = ("number", "category", "who", "meeting", "status", "text", "reply")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self.setStyleSheet(TOUCH_STYLE)
        self.document = None
        self.edit_dialog: CommentDialog | None = None  # open while a pin is being edited
        self.category_filter, self.status_filter, self.meeting_filter = QComboBox(), QComboBox(), QComboBox()
        for box, field, every in ((self.category_filter, "category", self.tr("All categories")),
                                  (self.status_filter, "status", self.tr("All statuses")),
                                  (self.meeting_filter, "meeting", self.tr("All meetings"))):
            box.addItem(every, None)
            _fill_codes(box, field, None)
            box.currentIndexChanged.connect(self.refill)
        filters = QHBoxLayout()
        for box in (self.category_filter, self.status_filter, self.meeting_filter):
            filters.addWidget(box, 1)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("No."), self.tr("Category"), self.tr("Who"), self.tr("Meeting"),
                                              self.tr("Status"), self.tr("Comment"), self.tr("Reply")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(TOUCH_PX)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for i in range(len(self.COLUMNS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(lambda row, _col: self.show_row(row))
        self.table.cellDoubleClicked.connect(lambda row, _col: self.edit_row(row))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(lambda: self.edit_row(self.table.currentRow()))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_current)
        self.count_label = QLabel()
        # What the pins' colours on the map mean (the numbers' cells above use the same colours).
        self.colour_key = QLabel("  ".join(f"<span style='color:{PIN_COLOURS[code]}; font-size:18px'>●</span> "
                                          f"{words('status', code)}" for code in STATUSES))
        self.colour_key.setObjectName("pinColourKey")
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        column.addWidget(self.colour_key)
        column.addLayout(buttons)
        self._update_buttons()
        # Touch-sized rows and buttons, but a dock that yields like the others when the docks are
        # stacked (View ▸ Restore Default Layout stacks them all before it tabs them).
        self.setMinimumSize(200, 80)

    # --- binding ------------------------------------------------------------------------------
    def bind(self, document) -> None:
        self.document = document
        # Bound methods, not lambdas: a language switch deletes this panel and Qt drops its connections.
        document.sessionChanged.connect(self._on_session_or_scenario)
        document.scenarioChanged.connect(self._on_session_or_scenario)
        document.changed.connect(self._on_changed)
        document.selectionChanged.connect(self._follow_selection)
        self.refill()

    def _on_session_or_scenario(self, _which) -> None:
        self.refill()

    def _on_changed(self, changes) -> None:
        if COMMENTS in changes.layers():
            self.refill()

    def _follow_selection(self, keys) -> None:
        """A pin selected on the map: its row is selected too."""
        fids = {fid for layer, fid in keys if layer == COMMENTS}
        for row in range(self.table.rowCount()):
            if self.fid(row) in fids:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, 0))
                return

    # --- the table ----------------------------------------------------------------------------
    def comments(self) -> list[Comment]:
        """The pins the filters let through, as listed."""
        session = self.document.session if self.document is not None else None
        if session is None:
            return []
        wanted = {"category": self.category_filter.currentData(), "status": self.status_filter.currentData(),
                  "meeting": self.meeting_filter.currentData()}
        return [c for c in session.comments()
                if all(code is None or getattr(c, field) == code for field, code in wanted.items())]

    def refill(self) -> None:
        current = self.fid(self.table.currentRow())
        pins = self.comments()
        self.table.setRowCount(len(pins))
        for row, c in enumerate(pins):
            who = " ".join(x for x in (words("author_role", c.author_role), c.author or "") if x)
            meeting = " ".join(x for x in (words("meeting", c.meeting), c.meeting_date or "") if x)
            cells = ("" if c.number is None else str(c.number), words("category", c.category), who, meeting,
                     words("status", c.status), c.text, c.reply or "")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(FID_ROLE, c.fid)
                item.setToolTip(text if col >= 5 else "")
                if col == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setForeground(QBrush(QColor("white")))
                    item.setBackground(QBrush(QColor(PIN_COLOURS.get(c.status, PIN_COLOURS["new"]))))
                self.table.setItem(row, col, item)
            if c.fid == current:
                self.table.selectRow(row)
        total = len(self.document.session.comments()) if self.document is not None and self.document.session else 0
        self.count_label.setText(i18n.fill(self.tr("%1 of %2 comments"), len(pins), total))
        self._update_buttons()

    def fid(self, row: int) -> int | None:
        item = self.table.item(row, 0) if row >= 0 else None
        return None if item is None else item.data(FID_ROLE)

    def row_of(self, fid: int) -> int | None:
        return next((row for row in range(self.table.rowCount()) if self.fid(row) == fid), None)

    def _update_buttons(self) -> None:
        editable = self.document is not None and self.document.session is not None and not self.document.read_only
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(editable and self.table.rowCount() > 0)

    # --- what a row does ----------------------------------------------------------------------
    def show_row(self, row: int) -> None:
        """Select the row's pin and zoom the map to it."""
        fid = self.fid(row)
        if fid is None:
            return
        self.document.select([(COMMENTS, fid)])
        self.zoomRequested.emit((COMMENTS, fid))

    def edit_row(self, row: int) -> CommentDialog | None:
        """Open the row's pin in its form; OK changes it as one undoable step."""
        fid = self.fid(row)
        if fid is None or self.document is None or self.document.session is None:
            return None
        comment = self.document.session.comment(fid)
        dialog = CommentDialog(self, comment_values(comment), comment.number)
        dialog.accepted.connect(lambda: self._save(fid, dialog.values()))
        dialog.finished.connect(lambda _r: setattr(self, "edit_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def _save(self, fid: int, values: dict) -> None:
        session = self.document.session
        try:
            edit = session.comment_edit(fid, **values)
        except PlanError as e:  # the form offers known codes only: another program changed the pin
            QMessageBox.warning(self, "lifecircle", e.message(i18n.language()))
            return
        if edit is not None:
            number = session.comment(fid).number
            self.document.push(edit, i18n.fill(self.tr("Edit comment %1"), number))

    def delete_current(self) -> None:
        fid = self.fid(self.table.currentRow())
        if fid is not None:
            self.document.delete([(COMMENTS, fid)])

    # --- workshop mode (issue 13: read on a projector from the back of a room) ------------------
    PRESENTATION_PX = 24  # the rows' text in workshop mode: 18 pt at 96 dpi, as the map's labels

    def set_presentation(self, on: bool) -> None:
        """Large text and rows for workshop mode (the meeting column hidden: it is this meeting),
        or the editing sizes back."""
        big = (f"QTableWidget, QHeaderView::section, QLabel, QComboBox, QPushButton"
               f" {{ font-size: {self.PRESENTATION_PX}px; }}") if on else ""
        self.setStyleSheet(TOUCH_STYLE + big)
        self.table.setColumnHidden(self.COLUMNS.index("meeting"), on)
        self.table.resizeRowsToContents()


def export_comments_dialog(window) -> Path | None:
    """File → Export Comments…: the pins of the scenario shown, as a workbook (export/comments.py)."""
    from ...export.comments import write_comments_xlsx
    from ...export.names import safe_name
    translate = QCoreApplication.translate
    document = window.document
    if document.session is None:
        return None
    session = document.session
    word = translate("CommentsPanel", "Comments")
    suggested = Path(session.plan.path).with_name(safe_name(f"{session.plan.name}_{word}", fallback="comments") + ".xlsx")
    path, _ = QFileDialog.getSaveFileName(window, translate("CommentsPanel", "Export Comments"), str(suggested),
                                          translate("CommentsPanel", "Excel workbooks (*.xlsx)"))
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    try:
        written = write_comments_xlsx(session, path, scenario=document.scenario, lang=i18n.language())
    except PlanError as e:
        window.show_error(e.message(i18n.language()))
        return None
    window.statusBar().showMessage(i18n.fill(translate("CommentsPanel", "Comments exported to %1"), written.name), 8000)
    return written

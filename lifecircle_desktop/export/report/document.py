"""The report's pages on A4: a running header, the page number ("第 3 页 / 共 12 页") and, on pages
that show walking figures, the walking-distance footnote.

Sections are laid out first and painted after, so every page knows the page count. A section is
a list of ``Page``s: text flowed by a QTextDocument (HTML tables paginate, wrap and repeat their
header row on every page — Qt breaks Chinese lines itself), or a drawing (the map, the charts).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen, QTextDocument, QTextOption,
                           QTextTable)

from ...model.errors import PlanError

# Device pixels per inch of the PDF. The map is painted in canvas pixels (its pens are cosmetic,
# its labels sized in pixels): at 120 dpi a canvas pixel is 0.21 mm, so map lines and labels read
# on paper as they do on screen, and an A4 body 180 mm wide holds an 850-pixel map.
DPI = 120
MARGIN_MM = (15.0, 14.0, 15.0, 14.0)  # left, top, right, bottom
HEADER_MM = 8.0
FOOTER_MM = 8.0
INK = QColor("#222222")
GREY = QColor("#6b6b6b")

Draw = Callable[[QPainter, QRectF], None]


def mm(value: float) -> float:
    return value / 25.4 * DPI


@dataclass
class Page:
    draw: Draw
    footnote: bool = False  # the page shows walking figures: the walking-distance definition below


class PdfReport:
    """One A4 PDF being written: ``body`` is the rect sections draw in; ``add`` queues pages,
    ``finish`` paints them all with their header and footer."""

    def __init__(self, path: str, *, font_family: str, title: str, header: str, footnote: str,
                 page_words: str, creator: str = "lifecircle_desktop"):
        self.path = path
        self.writer = QPdfWriter(path)
        self.writer.setResolution(DPI)
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
        self.writer.setTitle(title)
        self.writer.setCreator(creator)
        self.family = font_family
        self._footnote_doc: QTextDocument | None = None
        self.header, self.footnote, self.page_words = header, footnote, page_words
        size = self.writer.pageLayout().fullRectPixels(DPI)
        self.page = QRectF(0, 0, size.width(), size.height())
        left, top, right, bottom = (mm(v) for v in MARGIN_MM)
        self._footnote_h = self._measure(footnote, self.page.width() - left - right, 7)
        self.body = QRectF(left, top + mm(HEADER_MM), self.page.width() - left - right,
                           self.page.height() - top - bottom - mm(HEADER_MM) - mm(FOOTER_MM))
        self.pages: list[Page] = []

    # --- fonts and text -----------------------------------------------------------------------
    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(self.family)
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def text_document(self, html: str, width: float, points: float = 8.5, height: float | None = None) -> QTextDocument:
        """``html`` laid out ``width`` wide; with ``height``, paginated into pages that high (set
        before the text: one layout, not two — it halved the time of a long table)."""
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)  # fonts measured at the PDF's resolution
        doc.setDefaultFont(self.font(points))
        doc.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)  # long rule ids and URLs wrap too
        doc.setDefaultTextOption(option)
        doc.setDefaultStyleSheet(STYLE)
        if height is not None:
            doc.setPageSize(QSizeF(width, height))
        else:
            doc.setTextWidth(width)
        doc.setHtml(html)
        return doc

    def _footnote_document(self, width: float) -> QTextDocument:
        if self._footnote_doc is None:
            self._footnote_doc = self.text_document(f"<p class='note'>{self.footnote}</p>", width, 7)
        return self._footnote_doc

    def _measure(self, text: str, width: float, points: float) -> float:
        doc = self.text_document(f"<p class='note'>{text}</p>", width, points)
        return doc.size().height()

    # --- sections -----------------------------------------------------------------------------
    def body_for(self, footnote: bool) -> QRectF:
        """The rect a page draws in (shorter where the footnote sits under it)."""
        return self.body.adjusted(0, 0, 0, -(self._footnote_h + mm(3))) if footnote else QRectF(self.body)

    def add_text(self, html: str, *, footnote: bool = False, points: float = 8.5) -> int:
        """Flow ``html`` over as many pages as it needs (new pages from here); returns how many."""
        body = self.body_for(footnote)
        doc = self.text_document(html, body.width(), points, body.height())  # tables break between rows
        count = doc.pageCount()
        for i in range(count):
            self.pages.append(Page(self._text_page(doc, i, body.height()), footnote))
        return count

    def add_long_table(self, intro: str, table_open: str, head: str, rows: list[str], *, footnote: bool = False,
                       points: float = 8.5, check: Callable[[], None] | None = None, chunk: int = 100) -> int:
        """A table of any length (one row per facility of a city: 3000 rows): laid out ``chunk``
        rows at a time — a QTextDocument's layout grows faster than its rows, and a cancel is
        polled between chunks. The rows of a chunk's last page start the next chunk, so pages
        stay full. ``intro`` goes before the first part; the header row repeats on every page."""
        body = self.body_for(footnote)
        start, count, size = 0, 0, chunk
        while True:
            if check is not None:
                check()
            part = rows[start:start + size]
            html = (intro if start == 0 else "") + table_open + head + "<tbody>" + "".join(part) + "</tbody></table>"
            doc = self.text_document(html, body.width(), points, body.height())
            pages = doc.pageCount()
            split = _split(doc, pages, body.height()) if start + size < len(rows) else (pages, 0)
            if split is None:  # rows too few to fill a page: more of them
                size *= 2
                continue
            size = chunk
            keep, carried = split
            for i in range(keep):
                self.pages.append(Page(self._text_page(doc, i, body.height()), footnote))
            count += keep
            start += len(part) - carried
            if start >= len(rows):
                return count

    @staticmethod
    def _text_page(doc: QTextDocument, index: int, height: float) -> Draw:
        def draw(painter: QPainter, body: QRectF) -> None:
            painter.save()
            painter.translate(body.left(), body.top() - index * height)
            doc.drawContents(painter, QRectF(0, index * height, body.width(), height))
            painter.restore()
        return draw

    def add_drawing(self, draw: Draw, *, footnote: bool = False) -> None:
        self.pages.append(Page(draw, footnote))

    # --- painting -----------------------------------------------------------------------------
    def finish(self, progress_step: Callable[[float], None] | None = None) -> int:
        """Paint every page (header, body, footnote, page number); returns the page count."""
        painter = QPainter()
        if not painter.begin(self.writer):
            folder = Path(self.path).parent
            raise PlanError(f"无法在 {folder} 中写入报告（文件夹不存在或没有写权限）",
                            f"cannot write the report in {folder} (no such folder, or no permission to write)")
        try:
            total = len(self.pages)
            for n, page in enumerate(self.pages, 1):
                if n > 1:
                    self.writer.newPage()
                if progress_step is not None:
                    progress_step(n / total)
                painter.setRenderHint(QPainter.Antialiasing)
                painter.setRenderHint(QPainter.TextAntialiasing)
                self._frame(painter, n, total, page.footnote)
                body = self.body_for(page.footnote)
                painter.save()
                try:
                    painter.setClipRect(body.adjusted(-1, -1, 1, 1))
                    page.draw(painter, body)
                finally:  # a cancel raised inside a page leaves the painter balanced
                    painter.restore()
        finally:
            painter.end()
            count = len(self.pages)
            # The pages' closures hold their documents and this report: dropped now, in this
            # thread, rather than by a garbage collection on another (the desktop's GUI thread).
            self.pages.clear()
            self._footnote_doc = None
        return count

    def _frame(self, painter: QPainter, n: int, total: int, footnote: bool) -> None:
        left, top, right, bottom = (mm(v) for v in MARGIN_MM)
        width = self.page.width() - left - right
        painter.save()
        painter.setPen(GREY)
        painter.setFont(self.font(7.5))
        head = QRectF(left, top, width, mm(HEADER_MM) - mm(2))
        painter.drawText(head, Qt.AlignLeft | Qt.AlignVCenter | Qt.TextSingleLine, self.header)
        painter.setPen(QPen(QColor("#b0b0b0"), 0))
        painter.drawLine(head.bottomLeft(), head.bottomRight())
        foot_y = self.page.height() - bottom - mm(FOOTER_MM) + mm(2)
        if footnote:
            note_top = self.body.bottom() - self._footnote_h
            painter.drawLine(QRectF(left, note_top - mm(1.5), width / 3, 1).topLeft(),
                             QRectF(left, note_top - mm(1.5), width / 3, 1).topRight())
            doc = self._footnote_document(width)
            painter.translate(left, note_top)
            doc.drawContents(painter)
            painter.translate(-left, -note_top)
        painter.setPen(GREY)
        painter.setFont(self.font(8))
        words = self.page_words.replace("{n}", str(n)).replace("{total}", str(total))
        painter.drawText(QRectF(left, foot_y, width, mm(FOOTER_MM) - mm(2)), Qt.AlignHCenter | Qt.AlignVCenter, words)
        painter.restore()


def _split(doc: QTextDocument, pages: int, height: float) -> tuple[int, int] | None:
    """(pages to keep, body rows to carry into the next chunk) of a chunk of a long table: the
    rows that reach onto the last page are carried, and a row Qt broke across two pages is
    carried whole (with the page it began on), so no row is cut or printed twice. None: the
    chunk does not fill a page before its last (lay out more rows)."""
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    if not tables or pages < 2:
        return None
    table, layout = tables[-1], doc.documentLayout()
    n, cols = table.rows(), table.columns()

    def top(row: int) -> float:
        return layout.blockBoundingRect(table.cellAt(row, 0).firstCursorPosition().block()).top()

    def bottom(row: int) -> float:
        return max(layout.blockBoundingRect(table.cellAt(row, c).lastCursorPosition().block()).bottom()
                   for c in range(cols))

    keep = pages - 1
    while keep > 0:
        limit = keep * height
        first = n
        for row in range(n - 1, 0, -1):  # row 0 is the header
            if bottom(row) <= limit:
                break
            first = row
        if first == n:
            return pages, 0
        if first <= 1:
            return None  # the table starts beyond the pages kept
        if top(first) >= limit - 1.0:
            return keep, n - first
        keep -= 1  # a row broken across pages keep-1 and keep: carry it from its first page
    return None


STYLE = """
h1 { font-size: 17pt; font-weight: bold; color: #1d3557; margin-bottom: 4px; }
h2 { font-size: 12pt; font-weight: bold; color: #1d3557; margin-top: 10px; margin-bottom: 4px; }
h3 { font-size: 9.5pt; font-weight: bold; color: #333333; margin-top: 8px; margin-bottom: 3px; }
p { margin-top: 2px; margin-bottom: 2px; }
p.note { font-size: 7pt; color: #555555; }
p.small { font-size: 7.5pt; color: #555555; }
table { border-collapse: collapse; }
th { background-color: #e8edf3; font-weight: bold; text-align: left; }
td.pass { color: #1b7f3b; }
td.fail { color: #c62828; font-weight: bold; }
td.warn { color: #b26a00; }
td.manual { color: #1f5fa8; }
td.na { color: #777777; }
td.num { text-align: right; }
td.mid { text-align: center; }
"""

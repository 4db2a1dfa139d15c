"""The report's pages on A4: a running header, the page number ("第 3 页 / 共 12 页") and, on pages
that show walking figures, the walking-distance footnote.

Sections are laid out first and painted after, so every page knows the page count. A section is
a list of ``Page``s: text flowed by a QTextDocument (HTML tables paginate, wrap and repeat their
header row on every page — Qt breaks Chinese lines itself), or a drawing (the map, the charts).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen, QTextDocument, QTextOption

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
        self.writer = QPdfWriter(path)
        self.writer.setResolution(DPI)
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
        self.writer.setTitle(title)
        self.writer.setCreator(creator)
        self.family = font_family
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

    def text_document(self, html: str, width: float, points: float = 8.5) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)  # fonts measured at the PDF's resolution
        doc.setDefaultFont(self.font(points))
        doc.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)  # long rule ids and URLs wrap too
        doc.setDefaultTextOption(option)
        doc.setDefaultStyleSheet(STYLE)
        doc.setHtml(html)
        doc.setTextWidth(width)
        return doc

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
        doc = self.text_document(html, body.width(), points)
        doc.setPageSize(QSizeF(body.width(), body.height()))  # paginates: tables break between rows
        count = doc.pageCount()
        for i in range(count):
            self.pages.append(Page(self._text_page(doc, i, body.height()), footnote))
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
            raise OSError("cannot write the PDF")
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
        return len(self.pages)

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
            doc = self.text_document(f"<p class='note'>{self.footnote}</p>", width, 7)
            painter.translate(left, note_top)
            doc.drawContents(painter)
            painter.translate(-left, -note_top)
        painter.setPen(GREY)
        painter.setFont(self.font(8))
        words = self.page_words.replace("{n}", str(n)).replace("{total}", str(total))
        painter.drawText(QRectF(left, foot_y, width, mm(FOOTER_MM) - mm(2)), Qt.AlignHCenter | Qt.AlignVCenter, words)
        painter.restore()


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
"""

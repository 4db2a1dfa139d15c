"""The one-page A3 poster of the workshop view (一图三会, issue 13 item 5), for the notice board: the
map in the workshop look, what residents are told (model/workshop.py's resident summary, with the
change from another scenario), a legend in plain words, scale bar, north arrow, the OSM credit and
where to send comments. Read at 1.5 m: big type, few words, no rule ids.

The map is the report's (export/report/map.py: the canvas's own layer views painted as vectors),
drawn ``MAP_ZOOM`` times larger than on the report's page so that its labels, symbols, scale bar and
north arrow read from a distance, as workshop mode enlarges them on a projector. Qt is imported when
the poster is written, as for the report; no widget is made.
"""
from __future__ import annotations

import os
from datetime import date
from html import escape
from pathlib import Path

from ..model.errors import PlanError

MARGIN_MM = 12.0
MAP_SHARE = 0.6  # of the page's width inside the margins: the map left, the words right
MAP_ZOOM = 2.0  # canvas pixels → poster: labels of 11–12 px become ~5 mm, legible at 1.5 m
NEW_PEN = ("#e000a8", 6.0)  # new facilities (compare): the canvas's highlight colour, a thick outline
SUMMARY_POINTS = (22.0, 10.0)  # the summary's type size, largest first; shrunk until the lines fit
# A notice board is read standing: at most this many needs, those the scenario changes first, then
# those about one kind of facility (an indicator of eight kinds is the planner's, not a resident's).
MAX_LINES = 9  # compared: "幼儿园 10 分钟可达：0% → 58%" is short
MAX_LINES_ALONE = 6  # one scenario: each line is a sentence
MAX_MISSING = 6  # kinds of facility named in "还缺：…"; the rest counted
# Gates and entrances are not drawn: residents look for where things are, not which gate is open.
GATE_WORDS = {"小区大门（开放）", "小区大门（关闭）", "出入口（开放）", "出入口（关闭）",
              "Gate (open)", "Gate (closed)", "Entrance (open)", "Entrance (closed)"}
MET, UNMET, MISSING = "#1b7f3b", "#b26a00", "#c62828"


def write_poster(session, path, *, compare: str | None = None, language: str = "zh", scenario: str | None = None,
                 results=None, before_results=None) -> Path:
    """Write the poster of ``scenario`` (default: the session's) to ``path`` (a PDF, A3 landscape);
    ``compare``: the "before" scenario (its shares beside each line, the facilities it lacks
    outlined). ``results``/``before_results``: validation runs of the two the caller already has
    (the bundle's). Written to a temporary name in the same folder and renamed when complete."""
    from ..model import workshop
    from ..model.snapshot import take_snapshot

    path = Path(path)
    zh = language.startswith("zh")
    if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
        raise PlanError(f"无法在 {path.parent} 中写入海报（文件夹不存在或没有写权限）",
                        f"cannot write the poster in {path.parent} (no such folder, or no permission to write)")
    plan = session.plan
    scenario = scenario or session.scenario
    plan.require_scenario(scenario)
    if compare is not None:
        plan.require_scenario(compare)
    if results is None or results.scenario != scenario:
        results = session.validate(scenario=scenario)
    snapshot = take_snapshot(plan, scenario)
    before = before_snapshot = None
    if compare is not None:
        before = before_results if before_results is not None and before_results.scenario == compare \
            else session.validate(scenario=compare)
        before_snapshot = take_snapshot(plan, compare)
    rules = {r.id: r for p in session.packs for r in p.rules}
    summary = workshop.resident_summary(results, snapshot, session.catalogue, before=before,
                                        before_snapshot=before_snapshot, rules=rules)
    new = workshop.new_facilities(before_snapshot, snapshot) if compare is not None else []
    from .report import _ensure_app
    _ensure_app()
    part = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        part.touch()  # a folder that says it is writable and is not (/proc, a read-only mount): said here
    except OSError:
        raise PlanError(f"无法写入海报 {path}", f"cannot write the poster {path}") from None
    try:
        _draw(session, scenario, str(part), summary, new, compare, zh, path)
        os.replace(part, path)
    finally:
        if part.exists():
            part.unlink()
    return path


def _draw(session, scenario: str, path: str, summary, new, compare, zh: bool, target: Path) -> None:
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

    from ..model.schema import ENTRANCES
    from ..ui import i18n
    from .report.document import DPI, mm
    from .report.map import PrintMap, legend_entries, paint_legend
    from .report.words import credit_lines, scenario_words

    plan = session.plan
    family = i18n.cjk_family() or "sans-serif"
    writer = QPdfWriter(path)
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.A3))
    writer.setPageOrientation(QPageLayout.Landscape)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(f"{plan.name} — {'居民海报' if zh else 'poster'}")
    writer.setCreator("lifecircle_desktop")

    def font(points: float, bold: bool = False) -> QFont:
        f = QFont(family)
        f.setPointSizeF(points)
        f.setBold(bold)
        return f

    page = writer.pageLayout().fullRectPixels(DPI)
    body = QRectF(mm(MARGIN_MM), mm(MARGIN_MM), page.width() - 2 * mm(MARGIN_MM), page.height() - 2 * mm(MARGIN_MM))
    credits = credit_lines(session.credits(), zh)
    pmap = PrintMap(session, scenario, "zh" if zh else "en", credits)
    pmap.layers[ENTRANCES].set_visible(False)
    painter = QPainter()
    if not painter.begin(writer):  # a folder that says it is writable and is not (/proc, a full disk)
        pmap.close()
        raise PlanError(f"无法写入海报 {target}", f"cannot write the poster {target}")
    try:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.TextAntialiasing)
        # --- title ------------------------------------------------------------------------------
        painter.setPen(QColor("#1d3557"))
        painter.setFont(font(26, True))
        title_h = painter.fontMetrics().height() * 1.15
        painter.drawText(QRectF(body.left(), body.top(), body.width(), title_h), Qt.AlignLeft | Qt.AlignVCenter,
                         plan.name)
        painter.setFont(font(14))
        painter.setPen(QColor("#444444"))
        sub_h = painter.fontMetrics().height() * 1.3
        shown = scenario_words(scenario, zh)
        if compare is not None:
            against = scenario_words(compare, zh)
            shown = f"{shown}（与{against}对比）" if zh else f"{shown} (compared with {against})"
        today = date.today().isoformat()
        painter.drawText(QRectF(body.left(), body.top() + title_h, body.width(), sub_h), Qt.AlignLeft | Qt.AlignVCenter,
                         f"方案：{shown} · {today}" if zh else f"Scenario: {shown} · {today}")
        top = body.top() + title_h + sub_h + mm(3)
        # --- footer: where to send comments, the credit -------------------------------------------------
        painter.setFont(font(13))
        foot_h = painter.fontMetrics().height() * 1.4
        foot = QRectF(body.left(), body.bottom() - foot_h, body.width(), foot_h)
        place = " ".join(x for x in (plan.meta.get("district") or "", plan.meta.get("subdistrict") or "") if x)
        send = (f"意见和建议请交给：{place or '所在街道'}（社区居委会或街道办事处）" if zh else
                f"Please send comments to: {place or 'your sub-district office'} (the neighbourhood committee "
                f"or the sub-district office)")
        painter.setPen(QColor("#222222"))
        painter.drawText(foot, Qt.AlignLeft | Qt.AlignVCenter, send)
        painter.setPen(QColor("#555555"))
        painter.drawText(foot, Qt.AlignRight | Qt.AlignVCenter, ("地图数据 " if zh else "Map data ") + " · ".join(credits))
        # --- the map --------------------------------------------------------------------------------
        map_rect = QRectF(body.left(), top, body.width() * MAP_SHARE, foot.top() - top - mm(3))
        _paint_map(painter, pmap, map_rect, [plan.feature(layer, fid).geometry for layer, fid in new], new)
        # --- the words -------------------------------------------------------------------------------
        gap = mm(8)
        right = QRectF(map_rect.right() + gap, top, body.right() - map_rect.right() - gap, foot.top() - top - mm(3))
        painter.setPen(QColor("#1d3557"))
        painter.setFont(font(18, True))
        head_h = painter.fontMetrics().height() * 1.3
        heading = "步行可到的家庭比例" if zh else "Households within a walk"
        painter.drawText(QRectF(right.left(), right.top(), right.width(), head_h), Qt.AlignLeft | Qt.AlignVCenter,
                         heading)
        entries = [e for e in legend_entries(session, scenario, zh, pmap.heavy) if e[0] not in GATE_WORDS]
        if new:
            entries.append(("本方案新增设施（粗框）" if zh else "New in this scenario (thick outline)",
                            (QPen(QColor(NEW_PEN[0]), 3.0), None)))
        legend_font = font(13)
        painter.setFont(legend_font)
        fm = painter.fontMetrics()
        row = fm.height() * 1.5
        # Two columns when every entry fits half the width (paint_legend: a swatch 2.1 rows wide, 16 px).
        widest = max((fm.horizontalAdvance(text) for text, _ in entries), default=0) + row * 2.1 + 16
        columns = 2 if widest <= right.width() / 2 else 1
        legend_h = -(-len(entries) // columns) * row
        legend_top = right.bottom() - legend_h
        painter.setPen(QColor("#1d3557"))
        painter.setFont(font(13, True))
        legend_head = painter.fontMetrics().height() * 1.3
        painter.drawText(QRectF(right.left(), legend_top - legend_head, right.width(), legend_head),
                         Qt.AlignLeft | Qt.AlignVCenter, "图例" if zh else "Legend")
        paint_legend(painter, QRectF(right.left(), legend_top, right.width(), legend_h), entries, legend_font, columns)
        text_rect = QRectF(right.left(), right.top() + head_h, right.width(),
                           legend_top - legend_head - mm(4) - right.top() - head_h)
        doc = _summary_document(summary, session.catalogue, zh, family, text_rect, writer)
        painter.save()
        painter.translate(text_rect.topLeft())
        doc.drawContents(painter, QRectF(0, 0, text_rect.width(), text_rect.height()))
        painter.restore()
    finally:
        painter.end()
        pmap.close()


def _paint_map(painter, pmap, rect, new_shapes, new_keys) -> None:
    """The plan's map in ``rect``, MAP_ZOOM times the canvas's size, the new facilities outlined."""
    from PySide6.QtCore import QRectF, QSize, Qt
    from PySide6.QtGui import QColor, QPen

    size = QSize(int(rect.width() / MAP_ZOOM), int(rect.height() / MAP_ZOOM))
    pmap.show(size, highlight=new_keys)
    painter.save()
    painter.translate(rect.topLeft())
    painter.scale(MAP_ZOOM, MAP_ZOOM)
    pmap.paint(painter, QRectF(0, 0, size.width(), size.height()))
    if new_shapes:  # thick outlines, readable from the back of the room (the canvas's are hairlines)
        painter.setWorldTransform(pmap.transform, True)
        pen = QPen(QColor(NEW_PEN[0]), NEW_PEN[1])
        pen.setCosmetic(True)  # its width in the PDF's pixels, whatever the map's scale
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        for shape in new_shapes:
            _outline(painter, shape)
    painter.restore()


def _outline(painter, geometry) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPolygonF
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        ring = getattr(polygon, "exterior", None)
        if ring is None:
            continue
        painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in ring.coords]))


def poster_lines(summary) -> list:
    """The summary's lines the poster shows (MAX_LINES at most, MAX_LINES_ALONE without a
    comparison), in the summary's order: every required need not met first (what the plan still
    owes residents is never left off the notice board, review of issue 13 item 3), then the needs the
    scenario changes, then the rest."""
    def rank(item):
        i, line = item
        changed = line.share_before is not None and round(line.share * 100) != round(line.share_before * 100)
        return (not (line.required and not line.met), not (changed or line.is_new), line.facility_type is None, i)
    chosen = sorted(enumerate(summary.lines), key=rank)[:MAX_LINES if summary.before else MAX_LINES_ALONE]
    return [line for _, line in sorted(chosen, key=lambda item: item[0])]


def missing_line(summary, catalogue, zh: bool) -> str:
    """"还缺：…" as the poster says it: the summary's line, or its first MAX_MISSING kinds and a count."""
    if len(summary.missing) <= MAX_MISSING:
        return summary.missing_zh if zh else summary.missing_en
    names = [catalogue[t].name("zh" if zh else "en") if t in catalogue else t for t in summary.missing[:MAX_MISSING]]
    if not zh:  # mid-sentence, as the summary's own names: "kindergarten", while "ATM" stays
        names = [n[:1].lower() + n[1:] if len(n) > 1 and n[1].islower() else n for n in names]
    n = len(summary.missing)
    return (f"还缺：{'、'.join(names)}等 {n} 类设施" if zh else
            f"Still missing: {'; '.join(names)} and {n - MAX_MISSING} more kinds of facility")


def _summary_document(summary, catalogue, zh: bool, family: str, rect, writer):
    """The summary as one QTextDocument at the largest type (SUMMARY_POINTS) that fits ``rect``."""
    from PySide6.QtGui import QFont, QTextDocument, QTextOption

    items = []
    shown = poster_lines(summary)
    for line in shown:
        colour = MET if line.met else UNMET
        mark = "●"
        text = escape(line.text_zh if zh else line.text_en)
        if line.is_new:
            text += " <b>（新增）</b>" if zh else " <b>(new)</b>"
        items.append(f"<p style='margin-bottom:0.35em'><span style='color:{colour}'>{mark}</span> {text}</p>")
    left_out = len(summary.lines) - len(shown)
    if left_out:
        more = f"另有 {left_out} 项步行指标见规划公示文件" if zh else f"{left_out} more walking needs in the plan's notice"
        items.append(f"<p style='color:#555555; font-size:0.8em'>{escape(more)}</p>")
    missing = missing_line(summary, catalogue, zh)
    if missing:
        items.append(f"<p style='margin-top:0.6em; color:{MISSING}'><b>{escape(missing)}</b></p>")
    dot = "<span style='color:{}'>●</span>"
    note = (f"{dot.format(MET)} 已达标准　{dot.format(UNMET)} 尚未达到（按步行路径的距离计算）" if zh else
            f"{dot.format(MET)} meets the standard　{dot.format(UNMET)} not yet (measured along the walking paths)")
    items.append(f"<p style='margin-top:0.6em; color:#555555; font-size:0.8em'>{note}</p>")
    html = "".join(items)
    points, smallest = SUMMARY_POINTS
    while True:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(writer)
        f = QFont(family)
        f.setPointSizeF(points)
        doc.setDefaultFont(f)
        doc.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setTextWidth(rect.width())
        doc.setHtml(html)
        if doc.size().height() <= rect.height() or points <= smallest:
            return doc
        points -= 1.0


def write_bundle_poster(ctx, path, progress) -> Path:
    """The poster as a part of the district bundle (``lifecircle export --only poster``): the
    bundle's scenario, compared with its ``--compare`` scenario, in its language."""
    progress.step(0.0, "海报：绘制", "poster: drawing")
    out = write_poster(ctx.session, path, compare=ctx.options.compare, language=ctx.lang, scenario=ctx.scenario,
                       results=ctx.results, before_results=ctx.compare_results)
    progress.step(1.0, "海报：完成", "poster: done")
    return out

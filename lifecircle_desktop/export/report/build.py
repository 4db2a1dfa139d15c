"""The report's sections, in order, laid out into a PdfReport and painted."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from ...model.findings import status_word
from ...model.schema import FACILITIES, RESIDENTIAL, STOPS
from ...model.walk_homes import homes_beyond, households_beyond
from .. import tables
from . import charts, sections, words
from .document import PdfReport, mm
from .map import PrintMap, legend_entries, legend_height, paint_legend
from .words import pick

WALK_PER_PAGE = 2


def build_report(ctx, path: str, progress) -> int:
    """Lay out and paint the report of ``ctx`` at ``path``; returns the page count."""
    from ...ui import i18n
    zh = ctx.zh
    lang = "zh" if zh else "en"
    plan = ctx.session.plan
    progress.step(0.0, "报告：汇总审查结果", "report: collecting the findings")
    compliance = tables.compliance_table(ctx)
    # By type in the catalogue's order (as the palette lists them), planned before existing.
    order = {code: i for i, code in enumerate(ctx.session.catalogue.types)}
    facilities = tables.facility_table(ctx)
    facilities = facilities.assign(_order=facilities["type"].map(order).fillna(len(order)),
                                   _existing=facilities["status"] == "existing") \
        .sort_values(["_order", "_existing", "fid"], kind="stable")
    counts = tables.summary_counts(ctx.results)
    credits = words.credit_lines(ctx.credits, zh)
    crs_label = ctx.crs.label(lang)
    family = i18n.cjk_family() or "sans-serif"
    header = f"{plan.name} · {words.scenario_words(ctx.scenario, zh)} · " + \
        pick(("合规审查报告", "compliance report"), zh) + f" · {ctx.date.isoformat()}"
    report = PdfReport(path, font_family=family, title=f"{plan.name} — " + pick(("合规审查报告", "compliance report"), zh),
                       header=header, footnote=pick(words.WALK_FOOTNOTE, zh),
                       page_words=pick(("第 {n} 页 / 共 {total} 页", "Page {n} of {total}"), zh))

    report.add_text(sections.cover(ctx, zh, crs_label, counts), footnote=True)
    progress.step(0.02, "报告：准备地图", "report: preparing the map")
    pmap = PrintMap(ctx.session, ctx.scenario, lang, credits, progress.check)
    try:
        report.add_drawing(_map_page(report, pmap, ctx, zh, crs_label, progress))
        progress.step(0.05, "报告：合规审查表", "report: the compliance table")
        report.add_text(sections.compliance(compliance, counts, zh), footnote=True)
        progress.step(0.06, "报告：设施表", "report: the facilities")
        intro, head, rows = sections.facilities(facilities, zh)
        if rows:
            report.add_long_table(intro, sections.TABLE_OPEN, head, rows, footnote=True, check=progress.check)
        else:
            report.add_text(intro, footnote=True)
        progress.step(0.08, "报告：步行可达性", "report: walking access")
        walking = [f for f in ctx.results.findings
                   if f.kind == "walk_coverage" and f.applied and f.status != "n/a"]
        for i in range(0, len(walking), WALK_PER_PAGE):
            report.add_drawing(_walk_page(report, pmap, ctx, walking[i:i + WALK_PER_PAGE], zh, progress,
                                          first=i == 0), footnote=True)
        progress.step(0.09, "报告：核查清单", "report: the checklist")
        report.add_text(sections.checklist(
            words.checklist(ctx.results, plan, ctx.scenario, ctx.session.enabled_packs(), zh),
            words.overrides(ctx.results, plan, ctx.session.standard_threshold, zh), zh))
        # 居民意见 (issue 13 item 5): the counts, then every pin with its reply; before the comparison,
        # which stays the report's last section.
        from ..comments import comment_counts, comments_table
        intro = sections.comments_intro(comment_counts(ctx.session, ctx.scenario, lang), zh,
                                        words.scenario_words(ctx.scenario, zh))
        head, rows = sections.comments_rows(comments_table(ctx.session, ctx.scenario, lang), zh)
        if rows:
            report.add_long_table(intro, sections.TABLE_OPEN, head, rows, check=progress.check)
        else:
            report.add_text(intro)
        if ctx.compare_results is not None:
            before = words.scenario_words(ctx.options.compare, zh)
            after = words.scenario_words(ctx.scenario, zh)
            report.add_text(sections.comparison(words.changed_findings(ctx.compare_results, ctx.results),
                                                before, after, zh))
        progress.step(0.1, "报告：绘制页面", "report: drawing the pages")
        return report.finish(lambda f: progress.step(0.1 + 0.9 * f, "报告：绘制页面", "report: drawing the pages"))
    finally:
        pmap.close()


def _title(painter: QPainter, report: PdfReport, rect: QRectF, text: str, points: float = 12.0) -> float:
    """A section title at the top of ``rect``; returns its height."""
    painter.save()
    font = report.font(points, bold=True)
    painter.setFont(font)
    painter.setPen(QColor("#1d3557"))
    h = QFontMetricsF(font, painter.device()).height() * 1.4
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), h), Qt.AlignLeft | Qt.AlignVCenter, text)
    painter.restore()
    return h


def _map_page(report: PdfReport, pmap: PrintMap, ctx, zh: bool, crs_label: str, progress):
    entries = legend_entries(ctx.session, ctx.scenario, zh, pmap.heavy)

    def draw(painter: QPainter, body: QRectF) -> None:
        top = _title(painter, report, body, pick(("规划总图", "The plan"), zh))
        font = report.font(8)
        line = QFontMetricsF(font, painter.device()).height()
        legend_h = legend_height(entries, line) + line * 2.2
        # The map takes the page's width and whatever height the legend leaves.
        size = QSize(int(body.width()), int(body.height() - top - legend_h - line * 2.5))
        pmap.show(size)
        pmap.paint(painter, QRectF(body.left(), body.top() + top, size.width(), size.height()), progress.check)
        y = body.top() + top + size.height() + line * 0.6
        painter.save()
        painter.setFont(report.font(9, bold=True))
        painter.drawText(QRectF(body.left(), y, body.width(), line * 1.3), Qt.AlignLeft | Qt.AlignVCenter,
                         pick(("图例", "Legend"), zh))
        painter.restore()
        paint_legend(painter, QRectF(body.left(), y + line * 1.4, body.width(), legend_h), entries, font)
        painter.save()
        painter.setFont(report.font(7))
        painter.setPen(QColor("#555555"))
        note = pick(("坐标系：", "Coordinates: "), zh) + crs_label + pick(("（图面为规划坐标系，上北）", " (drawn in the plan's CRS, north up)"), zh) + \
            " · " + " · ".join(words.credit_lines(ctx.credits, zh))
        painter.drawText(QRectF(body.left(), body.bottom() - line * 1.2, body.width(), line * 1.2),
                         Qt.AlignLeft | Qt.AlignVCenter | Qt.TextSingleLine, note)
        painter.restore()
    return draw


def _walk_page(report: PdfReport, pmap: PrintMap, ctx, findings, zh: bool, progress, first: bool):
    rules = {r.id: r for p in ctx.session.enabled_packs() for r in p.rules}
    names = {f.fid: f.attributes.get("name") or "" for f in ctx.features(RESIDENTIAL)}

    def draw(painter: QPainter, body: QRectF) -> None:
        top = body.top()
        if first:
            top += _title(painter, report, body, pick(("步行可达性：逐条规则", "Walking access, rule by rule"), zh))
        block_h = (body.bottom() - top) / WALK_PER_PAGE
        for k, finding in enumerate(findings):
            progress.check()
            rule = rules.get(finding.rule)
            reach = rule.params.get("reach", "any") if rule is not None else "any"
            rows = homes_beyond(ctx.results, finding, reach=reach, names=names)
            _walk_block(painter, report, pmap, ctx, finding, rows,
                        QRectF(body.left(), top + k * block_h, body.width(), block_h - mm(4)), zh, progress.check)
    return draw


def _walk_block(painter, report, pmap, ctx, finding, rows, rect: QRectF, zh: bool, check) -> None:
    """One walking rule: its name, verdict and clause; the chart left, the map of the homes
    beyond the limit right; how many homes and households are beyond it."""
    font = report.font(8)
    fm = QFontMetricsF(font, painter.device())
    line = fm.height()
    name = finding.name_zh if zh else finding.name_en
    verdict = status_word(finding.status, "zh" if zh else "en")
    colour = {"pass": "#1b7f3b", "fail": "#c62828", "warn": "#b26a00"}.get(finding.status, "#333333")
    clause = " ".join(x for x in (finding.citation.get("document", ""), finding.citation.get("clause", "")) if x)
    head = (f"<p style='font-size:10pt'><b>{escape(name)}</b> &nbsp; <span style='color:{colour}'><b>{escape(verdict)}</b></span></p>"
            f"<p class='small'>{escape(clause)}</p><p>{escape(finding.message(ctx.lang))}</p>")
    doc = report.text_document(head, rect.width(), 8)
    painter.save()
    painter.translate(rect.topLeft())
    doc.drawContents(painter)
    painter.restore()
    top = rect.top() + doc.size().height() + line * 0.4
    foot_h = line * 1.6
    side = min((rect.width() - mm(6)) / 2, rect.bottom() - top - foot_h)
    chart = QRectF(rect.left(), top, side, side)
    check()
    charts.paint_coverage(painter, chart, ctx.results, finding, ctx.session.catalogue, font, zh)
    homes = [r.fid for r in rows]
    types = set(finding.facility_types)
    facilities = [(layer, f.fid) for layer in (FACILITIES, STOPS) for f in ctx.features(layer)
                  if f.attributes.get("type") in types]
    check()
    pmap.show(QSize(int(side), int(side)), walk_homes=homes, highlight=facilities)
    check()
    pmap.paint(painter, QRectF(rect.right() - side, top, side, side), check, raster=pmap.heavy)
    households = households_beyond(rows)
    limit = f"{finding.limit_m:,.0f}" if finding.limit_m is not None else "—"
    text = (f"地图：步行 {limit} 米以外的住宅 {len(rows)} 处（约 {households:,.0f} 户，红色斜线）；"
            f"粉色轮廓为该类设施。" if zh else
            f"Map: {len(rows)} homes (about {households:,.0f} households, red hatching) beyond a {limit} m walk; "
            f"the facilities of the rule outlined in pink.")
    painter.save()
    painter.setFont(font)
    painter.setPen(QColor("#333333"))
    painter.drawText(QRectF(rect.left(), top + side + line * 0.3, rect.width(), foot_h),
                     Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap, text)
    painter.restore()


__all__ = ["build_report"]

"""The report's text sections as HTML for QTextDocument: the cover, the compliance table per pack
and conflict group with its summary, the per-facility table, the checklist with the planner's
answers, the district's overrides, and the before/after table of a second scenario.

Every value from the plan or the packs is escaped; tables have a ``<thead>`` (repeated on every
page the table runs over)."""
from __future__ import annotations

import math
from html import escape

import pandas as pd

from ...model.findings import STATUS_WORDS
from . import words
from .words import pick

STATUS_CLASS = {"pass": "pass", "fail": "fail", "warn": "warn", "manual": "manual", "n/a": "na"}
COUNTED = ("pass", "fail", "warn", "manual")
CONFIDENCE_WORDS = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}

# Sentences of the report, (Chinese, English).
REQUIRED_FAILED = (
    "其中未达标的约束性条款（“应”）：",
    "Required clauses (shall) not met: ")
NO_SOURCE_NOTE = (
    "“默认值，无公开依据”：没有公开文件给出该数值，为本工具默认的规划设置，可在规划中修改。",
    "A value \"default, no published figure\" has no published source: it is a default plan setting of "
    "this tool, and the plan may change it.")
SUMMARY_NOTE = (
    "汇总（每项指标按其采用的读法计一次；不适用项不计）：",
    "Summary (each indicator counted once, by the reading applied; n/a not counted):")
GROUP_NOTE = (
    "同一指标有多种读法（冲突组）时，采用的读法计入汇总，其余读法列于其下（└），仅供参考。“步行”类指标的距离定义见页脚注。",
    "Where several rules read one indicator (a conflict group), the reading applied is counted and the "
    "others are listed under it (└), for reference. Walking distances are defined in the footnote.")
FACILITY_NOTE = (
    "步行服务户数：在步行距离上限内、以该设施为最近同类设施的住户数（步行距离定义见页脚注）；面积单位：平方米。容量 / 需求：规划填写的学位、床位或建筑面积，对比其服务住户按规划设置（每户人数、年龄比例等）折算的需求，超过即“超容”。按设施类型排列，规划设施在前。",
    "Households served: the households whose nearest facility of the type, within its walking limit, is "
    "this one (walking distance: see the footnote); areas in m². Capacity / demand: the places, beds or "
    "floor area entered, against what the households it serves need by the plan's settings (persons per "
    "household, age shares); more need than capacity is over capacity. Listed by type, planned facilities "
    "first.")
CHECKLIST_NOTE = (
    "无法从图上量测的条款，由规划师逐项作答。",
    "Clauses a map cannot measure, answered by the planner one by one.")
NO_OVERRIDES = (
    "无：全部规则按规则包的标准取值判定。",
    "None: every rule was judged with the threshold of its own pack.")
CHANGED_NOTE = (
    "下表列出结论或实测值不同的每一项（",
    "Every finding whose verdict or measured value differs is listed (")
NO_CHANGES = (
    "两个方案的审查结果相同。",
    "The two scenarios have the same findings.")


def _e(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return escape(str(value))


TABLE_OPEN = "<table width='100%' border='0.5' cellspacing='0' cellpadding='3' style='border-color:#9aa5b1'>"


def table_parts(headers: list[str], rows: list[list[str]], widths: list[int] | None = None,
                classes: list[list[str]] | None = None) -> tuple[str, list[str]]:
    """(the header row, the body rows) of an HTML table; cells of ``rows`` are HTML already."""
    cols = "".join(f"<th width='{w}%'>{h}</th>" if widths else f"<th>{h}</th>"
                   for h, w in zip(headers, widths or [0] * len(headers)))
    body = []
    for i, row in enumerate(rows):
        cls = classes[i] if classes else [""] * len(row)
        body.append("<tr>" + "".join(f"<td class='{c}'>{v}</td>" if c else f"<td>{v}</td>"
                                     for v, c in zip(row, cls)) + "</tr>")
    return f"<thead><tr>{cols}</tr></thead>", body


def table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None,
          classes: list[list[str]] | None = None) -> str:
    """An HTML table; cells of ``rows`` are HTML already (escape first)."""
    head, body = table_parts(headers, rows, widths, classes)
    return f"{TABLE_OPEN}{head}<tbody>{''.join(body)}</tbody></table>"


def _area(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):,.0f}"


# --- cover ------------------------------------------------------------------------------------------
def cover(ctx, zh: bool, crs_label: str, counts: dict | None = None) -> str:
    plan = ctx.session.plan
    meta = plan.meta
    kind = pick(words.KIND_WORDS.get(plan.community_kind, (plan.community_kind,) * 2), zh)
    settings = plan.settings
    place = " · ".join(x for x in (meta.get("district") or "", meta.get("subdistrict") or "") if x) or "—"
    facts = [
        (("所在区 / 街道", "District / sub-district"), _e(place)),
        (("社区类型", "Community kind"), _e(kind)),
        (("完整社区类别", "Complete-community class"),
         _e(words.plan_settings.value_words("community_class", settings.get("community_class"), zh))),
        (("方案", "Scenario"), _e(words.scenario_words(ctx.scenario, zh))),
    ]
    if ctx.compare_results is not None:
        facts.append((("对比方案", "Compared with"), _e(words.scenario_words(ctx.options.compare, zh))))
    facts += [
        (("报告日期", "Date"), _e(ctx.date.isoformat())),
        (("坐标系", "Coordinate system"), _e(crs_label)),
        (("数据来源", "Data"), _e(" · ".join(words.credit_lines(ctx.credits, zh)) or "—")),
    ]
    title = pick(("15分钟社区生活圈规划 合规审查报告", "15-minute community life circle — compliance report"), zh)
    out = [f"<p class='small'>{pick(('送审：区规划资源局', 'For review by the district planning office'), zh)}</p>",
           f"<h1>{_e(plan.name)}</h1>", f"<h2 style='margin-top:0'>{title}</h2>",
           "<table width='100%' cellspacing='0' cellpadding='3'>"]
    for label, value in facts:
        out.append(f"<tr><td width='24%'><b>{pick(label, zh)}</b></td><td>{value}</td></tr>")
    out.append("</table>")
    if counts is not None:
        out.append(f"<h2>{pick(('审查结论概要', 'Verdicts at a glance'), zh)}</h2>")
        out.append(summary(counts, zh))
        failed = counts.get("required_failed")
        if failed is not None:
            out.append(f"<p class='small'>{pick(REQUIRED_FAILED, zh)}"
                       f"<b>{int(failed)}</b>{pick(('项；明细见合规审查表。', '; see the compliance table.'), zh)}</p>")

    out.append(f"<h2>{pick(('采用的规则包', 'Rule packs used'), zh)}</h2>")
    rows = [[_e(p.name_zh if zh else p.name_en), _e(p.document), _e(words.pack_version(p)),
             f"<tt>{words.pack_hash(p)}</tt>", str(len(p.rules))] for p in ctx.session.enabled_packs()]
    out.append(table([pick(h, zh) for h in (("规则包", "Pack"), ("依据文件", "Source document"), ("版本", "Version"),
                                              ("SHA-256（前12位）", "SHA-256 (first 12)"), ("条数", "Rules"))],
                     rows, [30, 38, 8, 16, 8]))

    out.append(f"<h2>{pick(('规划设置及其依据', 'Plan settings and their sources'), zh)}</h2>")
    rows = [[_e(r.name), _e(r.value), _e(r.source)] for r in words.setting_rows(settings, zh)]
    # Set tighter than the other tables: the cover holds the settings (issue 12) on one page.
    out.append(table([pick(h, zh) for h in (("设置", "Setting"), ("取值", "Value"), ("依据", "Source"))],
                     rows, [26, 18, 56]).replace("cellpadding='3'", "cellpadding='1'", 1))
    out.append(f"<p class='small'>{pick(NO_SOURCE_NOTE, zh)}</p>")
    return "".join(out)


# --- compliance ---------------------------------------------------------------------------------------
def count_of(counts: dict, status: str) -> int:
    """A count from ``tables.summary_counts`` keyed by status code or by its Chinese word."""
    if status in counts:
        return int(counts[status])
    zh_word = STATUS_WORDS[status][0]
    return int(counts.get(zh_word, 0))


def summary(counts: dict, zh: bool) -> str:
    head = [pick(STATUS_WORDS[s], zh) for s in COUNTED]
    row = [str(count_of(counts, s)) for s in COUNTED]
    return table(head, [row], [25, 25, 25, 25], [[STATUS_CLASS[s] for s in COUNTED]])


def compliance(table_df: pd.DataFrame, counts: dict, zh: bool) -> str:
    out = [f"<h2>{pick(('合规审查表', 'Compliance table'), zh)}</h2>",
           f"<p>{pick(SUMMARY_NOTE, zh)}</p>",
           summary(counts, zh),
           f"<p class='small'>{pick(GROUP_NOTE, zh)}</p>"]
    headers = [pick(h, zh) for h in (("规则", "Rule"), ("依据条款", "Clause"), ("要求", "Required"),
                                      ("实测", "Measured"), ("结论", "Verdict"), ("可信度", "Confidence"))]
    if table_df.empty:
        return "".join(out)
    for pack, rows in table_df.groupby("pack", sort=False):
        # The pack's own document is named once under its title; a row cites it only when it
        # quotes another document.
        documents = rows["document"][rows["document"].astype(bool)]
        main = documents.mode().iloc[0] if len(documents) else ""
        out.append(f"<h3>{_e(rows['pack_title'].iloc[0])}</h3>")
        if main:
            out.append(f"<p class='small'>{pick(('依据：', 'Source: '), zh)}{_e(main)}</p>")
        cells, classes = [], []
        for _, group_rows in _by_group(rows):
            for _, r in group_rows.iterrows():
                alt = not bool(r["applied"])
                name = ("└ " if alt else "") + _e(r["name"])
                if alt:
                    name = f"<span style='color:#666666'>{name}</span>"
                clause = f"{_e(r['document'])}<br/>{_e(r['clause'])}" if r["document"] and r["document"] != main \
                    else _e(r["clause"])
                cells.append([name, clause, _e(r["required"]) if r["required"] else "—",
                              _e(r["measured"]) if r["measured"] else "—", _e(r["verdict"]),
                              _e(pick(CONFIDENCE_WORDS.get(r["confidence"], (r["confidence"],) * 2), zh))])
                classes.append(["", "", "", "", STATUS_CLASS.get(r["status"], "") if not alt else "na", ""])
        out.append(table(headers, cells, [33, 23, 14, 10, 10, 10], classes))
    return "".join(out)


def _by_group(rows: pd.DataFrame):
    """The pack's findings with each conflict group together, its applied reading first, in the
    order the groups first appear."""
    order, seen = [], {}
    for i, (group, applied) in enumerate(zip(rows["group"], rows["applied"])):
        key = group or f"#{i}"
        if key not in seen:
            seen[key] = len(order)
            order.append(key)
    keys = [r or f"#{i}" for i, r in enumerate(rows["group"])]
    frame = rows.assign(_key=keys, _pos=[seen[k] for k in keys], _alt=~rows["applied"].astype(bool))
    for key, group_rows in frame.sort_values(["_pos", "_alt"], kind="stable").groupby("_pos", sort=True):
        yield key, group_rows


# --- facilities ---------------------------------------------------------------------------------------
def facilities(df: pd.DataFrame, zh: bool) -> tuple[str, str, list[str]]:
    """(the heading and note, the table's header row, its body rows): one row per facility, laid
    out by ``PdfReport.add_long_table`` (a city has thousands)."""
    intro = (f"<h2>{pick(('设施一览', 'Facilities'), zh)}</h2>"
             f"<p class='small'>{pick(FACILITY_NOTE, zh)}</p>")
    if df.empty:
        return intro + f"<p>{pick(('本方案没有设施。', 'The scenario has no facilities.'), zh)}</p>", "", []
    headers = [pick(h, zh) for h in (("设施类型", "Type"), ("名称", "Name"), ("现状/规划", "Existing/planned"),
                                      ("建筑面积", "Floor area"), ("用地面积", "Land area"),
                                      ("最低要求", "Required min."), ("面积结论", "Area verdict"),
                                      ("步行服务户数", "Households served"), ("步行距离上限", "Walking limit"),
                                      ("容量 / 需求", "Capacity / demand"))]
    rows, classes = [], []
    for r in df.itertuples(index=False):
        served, limit = r.households_served, r.limit_m
        rows.append([_e(r.type_name), _e(r.name) if r.name else "—", _e(r.status_word),
                     _area(r.floor_area), _area(r.land_area), _area(r.required_min),
                     _e(r.verdict) if r.verdict else "—",
                     "—" if served is None or math.isnan(served) else f"{served:,.0f}",
                     "—" if limit is None or math.isnan(limit) else f"{limit:,.0f} m",
                     _room(r, zh)])
        classes.append(["", "", "", "num", "num", "num", "mid", "num", "num", "mid"])
    head, body = table_parts(headers, rows, [13, 17, 7, 8, 8, 8, 8, 10, 9, 12], classes)
    return intro, head, body


def _room(r, zh: bool) -> str:
    """"90 / 153 个学位（超容）": the capacity entered against the demand of the households the facility
    serves (issue 15); "—" where the type has no capacity or the plan does not give it."""
    if r.capacity is None or math.isnan(r.capacity):
        return "—"
    demand = "—" if r.demand is None or math.isnan(r.demand) else f"{r.demand:,.0f}"
    unit = f" {_e(r.capacity_unit)}" if r.capacity_unit else ""
    flag = f"（{_e(r.over_capacity)}）" if zh else f" ({_e(r.over_capacity)})"
    return f"{r.capacity:,.0f} / {demand}{unit}{flag}"


# --- checklist, overrides, comparison ----------------------------------------------------------------
def checklist(rows: list[tuple[str, str, str, str]], overrides: list[words.Override], zh: bool) -> str:
    out = [f"<h2>{pick(('人工核查清单', 'Manual checklist'), zh)}</h2>",
           f"<p class='small'>{pick(CHECKLIST_NOTE, zh)}</p>"]
    for pack in dict.fromkeys(p for p, *_ in rows):
        out.append(f"<h3>{_e(pack)}</h3>")
        out.append(table([pick(h, zh) for h in (("核查问题", "Question"), ("规划师回答", "Answer"), ("结论", "Verdict"))],
                         [[_e(q), _e(a), _e(v)] for p, q, a, v in rows if p == pack], [70, 15, 15]))
    if not rows:
        out.append(f"<p>{pick(('没有适用的核查项。', 'No checklist item applies.'), zh)}</p>")
    out.append(f"<h2>{pick(('区级阈值调整', 'District threshold overrides'), zh)}</h2>")
    if overrides:
        key_words = {"min": ("下限", "minimum"), "max": ("上限", "maximum")}
        out.append(table([pick(h, zh) for h in (("规则", "Rule"), ("调整项", "Threshold"), ("区级取值", "District value"),
                                                 ("规则包取值", "Pack's value"), ("说明", "Note"))],
                         [[_e(o.name), _e(pick(key_words.get(o.key, (o.key, o.key)), zh)), _e(o.value),
                           _e(o.standard), _e(o.note) if o.note else "—"] for o in overrides], [34, 10, 16, 16, 24]))
    else:
        out.append(f"<p>{pick(NO_OVERRIDES, zh)}</p>")
    return "".join(out)


def comparison(differences, before: str, after: str, zh: bool) -> str:
    out = [f"<h2>{pick(('方案对比：变化的指标', 'Scenario comparison: findings that changed'), zh)}</h2>",
           f"<p>{pick(('对比方案：', 'Compared: '), zh)}<b>{_e(before)}</b> → <b>{_e(after)}</b>{pick(('。', '. '), zh)}"
           f"{pick(CHANGED_NOTE, zh)}"
           f"{len(differences)}{pick(('项）。', ').'), zh)}</p>"]
    if not differences:
        out.append(f"<p>{pick(NO_CHANGES, zh)}</p>")
        return "".join(out)
    rows = []
    for d in differences:
        f = d.b or d.a
        clause = f.citation.get("clause", "") if f is not None else ""
        rows.append([_e(d.name_zh if zh else d.name_en), _e(clause), _e(words.finding_words(d.a, zh)),
                     _e(words.finding_words(d.b, zh))])
    out.append(table([pick(("规则", "Rule"), zh), pick(("依据条款", "Clause"), zh), _e(before), _e(after)],
                     rows, [34, 26, 20, 20]))
    return "".join(out)


# --- residents' comments (居民意见, issue 13 item 5) ---------------------------------------------------
COMMENTS_NOTE = (
    "规划图上标注的居民意见（一图三会：听证会、协调会、评议会），按编号排列；编号与图上的标注一致。",
    "The comments pinned on the plan at the meetings (hearing, coordination, evaluation), by number; the "
    "numbers are those on the map.")
NO_COMMENTS = ("本方案没有居民意见。", "No comment is pinned in this scenario.")


def comments_intro(counts: pd.DataFrame, zh: bool, scenario: str) -> str:
    """The section's title, its note and the counts by category and status (export/comments.comment_counts)."""
    out = [f"<h2>{pick(('居民意见', 'Residents’ comments'), zh)}</h2>",
           f"<p>{pick(('方案：', 'Scenario: '), zh)}<b>{_e(scenario)}</b>{pick(('。', '. '), zh)}"
           f"{pick(COMMENTS_NOTE, zh)}</p>"]
    if counts.empty:
        out.append(f"<p>{pick(NO_COMMENTS, zh)}</p>")
        return "".join(out)
    out.append(f"<h3>{pick(('按类别与状态统计', 'By category and status'), zh)}</h3>")
    rows = [[_e(category), *(_e(int(v)) for v in values)] for category, values in zip(counts.index, counts.values)]
    out.append(table([_e(counts.index.name), *(_e(c) for c in counts.columns)], rows))
    out.append(f"<h3>{pick(('意见与答复', 'Comments and replies'), zh)}</h3>")
    return "".join(out)


def comments_rows(frame: pd.DataFrame, zh: bool) -> tuple[str, list[str]]:
    """(the header, one row per pin) of the list with replies (export/comments.comments_table)."""
    def who(r) -> str:
        return " ".join(x for x in (r.author_role, r.author) if x) or "—"

    def meeting(r) -> str:
        return " ".join(x for x in (r.meeting, r.meeting_date) if x) or "—"

    head, body = table_parts(
        [pick(h, zh) for h in (("编号", "No."), ("类别", "Category"), ("提出人", "Who"), ("会议", "Meeting"),
                               ("意见", "Comment"), ("状态", "Status"), ("答复", "Reply"))],
        [[_e(r.number), _e(r.category or None), _e(who(r)), _e(meeting(r)), _e(r.text or None), _e(r.status),
          _e(r.reply or None)] for r in frame.itertuples()],
        [6, 10, 14, 14, 28, 8, 20])
    return head, body

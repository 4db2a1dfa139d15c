"""Issue 16 item 3 and the comparison of item 8, in the real window on a copy of the demo: the 缺项
summary above the findings names the worst gap and shows it on a click; findings names read whole;
the coverage chart shows 0 % curves and keeps its legend off the curves; 方案对比 lists exactly the
findings that differ between two scenarios."""
import math
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView
from shapely.geometry import Point, box

from lifecircle_desktop.model import AddFeature
from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.ui.conftest import RESULTS_TIMEOUT_MS, shown_window

pytestmark = [pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built"),
              pytest.mark.qt_log_ignore("This plugin does not support")]


@pytest.fixture
def demo(demo_window):
    return demo_window


def worst_gap(results):
    """The worst gap worked out here from the results alone: severity (3/2/1) × households
    affected — walking: the households of the homes beyond the limit; a presence rule with none
    present: every household; else every household × the relative shortfall."""
    weight = {"required": 3, "recommended": 2, "informative": 1}
    total = sum(results.households.get(int(h), 0) or 1 for h in results.home_ids)
    best, best_score = None, -1.0
    for f in results.findings:
        if not f.applied or f.status not in ("fail", "warn") or f.kind in ("manual", "plan_file"):
            continue
        if f.kind == "walk_coverage":
            hh = sum(results.households.get(fid, 0) or 1 for layer, fid in f.features if layer == "residential")
        elif f.kind == "presence" and f.measured == 0:
            hh = total
        elif f.measured is not None and f.threshold and f.measured < f.threshold:
            hh = total * min(1.0, (f.threshold - f.measured) / f.threshold)
        else:
            hh = total * 0.5
        score = weight[f.severity] * hh
        if score > best_score:  # the first of equals: the findings' order
            best, best_score = f, score
    return best


def test_the_summary_names_the_worst_gap_first_and_a_click_shows_it(demo, qtbot):
    results = demo.document.results
    worst = worst_gap(results)
    gaps = demo.findings.gaps
    assert gaps.isVisible() and 1 <= len(gaps.lines()) <= 5
    first = gaps.lines()[0]
    type_names = [demo.catalogue.types[t].name_en for t in worst.facility_types]
    assert any(name in first for name in type_names), (first, worst.rule)
    assert first.startswith("Missing ") and "the plan has none" in first  # the demo has none of it
    assert gaps.gaps()[0].rule == worst.rule
    # A click on the line selects its finding and shows it on the map, as a click on its row does.
    item = gaps.item(0)
    rect = gaps.list.visualItemRect(item)
    with qtbot.waitSignal(demo.findings.findingActivated, timeout=5000) as got:
        qtbot.mouseClick(gaps.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert got.args[0].rule == worst.rule
    assert demo.findings.tree.currentItem() is demo.findings.item(worst.rule)
    assert demo.active_finding.rule == worst.rule


def test_a_walking_gap_says_the_share_of_households_and_the_minutes(demo):
    from lifecircle_desktop.model.gaps import gaps as all_gaps
    from lifecircle_desktop.ui.panels.gaps import gap_text
    session = demo.document.session
    rules = {r.id: r for p in session.packs for r in p.rules}
    walking = [g for g in all_gaps(demo.document.results, rules) if g.reason == "beyond" and g.limit_min]
    assert walking
    g = walking[0]
    share = 100 - g.finding.measured
    text = gap_text(g, session.catalogue)
    assert f"{round(share) if share >= 1 else 1} % of households cannot walk there within " \
           f"{g.limit_min:g} minutes" in text


def test_comparison_lists_exactly_the_findings_that_differ(demo, qtbot):
    doc = demo.document
    assert demo.create_scenario("方案二")
    # A kindergarten in 方案二, inside the community, with its entrance.
    centre = doc.session.plan.features("planning_units", None)[0].geometry.centroid \
        if doc.session.plan.features("planning_units", None) else Point(0, 0)
    with qtbot.waitSignal(doc.loop.resultsReady, timeout=RESULTS_TIMEOUT_MS):
        fid = doc.push(AddFeature("facilities", box(centre.x - 30, centre.y - 30, centre.x + 30, centre.y + 30),
                                  {"type": "kindergarten", "floors": 2}, "方案二")).edit.fid
        doc.push(AddFeature("entrances", Point(centre.x, centre.y - 30), {"layer": "facilities", "feature": fid},
                            "方案二"))
        doc.flush()
    qtbot.mouseClick(demo.findings.compare_button, Qt.MouseButton.LeftButton)  # 方案对比…
    dialog = demo.findings.comparison
    assert dialog is not None and dialog.isVisible()
    dialog.choose("base")
    # Worked out here: both scenarios validated, finding by finding.
    plan = doc.session.plan
    a = Validator(doc.session.packs, doc.session.catalogue).full(take_snapshot(plan, "方案二"))
    b = Validator(doc.session.packs, doc.session.catalogue).full(take_snapshot(plan, "base"))
    fb = {f.rule: f for f in b.findings}
    expected = []
    for f in a.findings:
        g = fb[f.rule]
        if not (f.applied or g.applied):
            continue
        same_measure = (f.measured is None and g.measured is None) or (
            f.measured is not None and g.measured is not None and math.isclose(f.measured, g.measured, abs_tol=1e-9))
        if f.status != g.status or not same_measure:
            expected.append(f.rule)
    rows = dialog.rows()
    assert [r[0] for r in rows] == expected and expected
    row = next(r for r in rows if r[0] == "cc_basic_facility_set_kindergarten")
    assert row[1] == fb[row[0]].name_en  # the rule's name, not its id
    assert row[2].startswith("pass") and row[3].startswith("fail")
    headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(3)]
    assert headers == ["Rule", "方案二", "Base scenario"]


def test_the_chart_shows_0_percent_curves_above_the_axis_and_its_legend_beside_the_plot(demo):
    chart = demo.coverage
    zero = [code for code, curve in chart.curves.items() if not curve.getData()[1].any()]
    assert len(zero) >= 2  # the demo lacks several types its walking rules name
    low, high = chart.y_range()
    assert low < 0 and high >= 100  # a 0 % curve runs above the axis line, not on it
    # The curves at 0 % lie on one another: each is drawn one dash in k, each at its own offset.
    pens = [chart.curve_pen(code) for code in zero]
    assert all(p.style() == Qt.PenStyle.CustomDashLine for p in pens)
    assert len({p.dashOffset() for p in pens}) == len(zero)
    # The legend is outside the plot area, and names every curve.
    legend, plot = chart.legend_rect(), chart.plot_rect()
    assert legend.width() > 0 and plot.width() > 0 and not legend.intersects(plot)
    names = [label.text for _, label in chart.legend.items]
    assert names == [demo.catalogue[code].name_en for code in chart.curves]


def test_findings_names_read_whole_and_the_dock_grows_with_the_window(demo, qtbot):
    panel = demo.findings
    f = panel.finding("cc_basic_facility_set_kindergarten")
    item = panel.item(f.rule)
    assert item.text(0) == "● Kindergarten · Basic facility set"  # the facility first
    assert f"<b>{f.name_en}</b>" in item.toolTip(0)  # the whole name in the tooltip
    # A name wider than its column wraps onto more lines (its row grows), never cut.
    tree, line = panel.tree, panel.tree.fontMetrics().height()
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    tree.setColumnWidth(0, 140)
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() >= 2 * line, timeout=5000)
    tree.setColumnWidth(0, 900)
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() < 2 * line, timeout=5000)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    # A wider window: the findings dock keeps its share of the width, and the name column with it.
    dock = demo.docks["findings"]
    share = dock.width() / demo.width()
    column = panel.tree.columnWidth(0)
    demo.resize(1920, 1080)
    qtbot.waitUntil(lambda: abs(dock.width() / demo.width() - share) < 0.02, timeout=5000)
    assert dock.width() > 1.4 * (share * 1280)
    qtbot.waitUntil(lambda: panel.tree.columnWidth(0) > column, timeout=5000)
    # In Chinese too.
    demo.set_language("zh")
    panel = demo.findings
    assert panel.item(f.rule).text(0) == "● 幼儿园 · 基本公共服务设施"
    postal = panel.item("cc_basic_facility_set_postal").text(0)
    assert postal == "● 邮件和快件寄递服务设施（多个） · 便民商业服务设施"
    walk = panel.finding("cc_walking_time_kindergarten")
    assert panel.item(walk.rule).text(0) == walk.name_zh  # only a presence rule of a set is turned round


def test_the_open_comparison_follows_the_scenario_shown(demo, qtbot):
    doc = demo.document
    assert demo.create_scenario("方案二")
    dialog = demo.findings.open_comparison()
    assert dialog.rows() == [] and dialog.other.currentData() == "base"  # a copy: nothing differs yet
    doc.switch_scenario("base")
    # The demo ships a second scenario (规划方案, issue 13): B is one of the two others.
    assert dialog.a_label.text() == "Scenario “Base scenario”" and dialog.other.currentData() in ("规划方案", "方案二")
    # An edit in the scenario shown: the table follows the new results.
    with qtbot.waitSignal(doc.loop.resultsReady, timeout=RESULTS_TIMEOUT_MS):
        home = doc.session.plan.features("residential", "base")[0]
        doc.delete([("residential", home.fid)])
        doc.flush()
    qtbot.waitUntil(lambda: len(dialog.rows()) > 0, timeout=5000)

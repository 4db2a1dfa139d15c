"""Siting suggestions in the window (issue 15): on the demo, click a failing kindergarten finding's
"Suggest Sites" button, see the ranked sites in the list and on the map, use the first one (one
undoable step: the facility appears, the finding rises by what the site promised), Ctrl+Z removes it
(the facility count and the finding back)."""
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeySequence

from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.schema import FACILITIES, RESIDENTIAL
from lifecircle_desktop.ui.map.siting import SiteLabel
from tests.ui.conftest import RESULTS_TIMEOUT_MS

pytestmark = [
    pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built"),
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

RULE = "cc_walking_time_kindergarten"   # kindergarten within a 10-minute walk: none in the demo


def finding(window, rule=RULE):
    return next(f for f in window.document.results.findings if f.rule == rule)


def kindergartens(window) -> int:
    plan = window.document.plan
    return sum(1 for f in plan.features(FACILITIES, window.document.scenario) if f.get("type") == "kindergarten")


def test_suggest_show_use_and_undo_a_site(qtbot, demo_window):
    w = demo_window
    panel, listing = w.findings, w.findings.siting
    before = finding(w)
    assert before.status in ("fail", "warn")
    panel.select_rule(RULE)  # no kindergarten yet: no reachable network to wait for
    assert panel.suggest_button.isEnabled() and not listing.isVisible()

    qtbot.mouseClick(panel.suggest_button, Qt.MouseButton.LeftButton)
    suggestion = listing.suggestion
    assert suggestion is not None and listing.isVisible() and len(suggestion.sites) == 3
    # Ranked in the list: rank, households added, coverage after.
    rows = [[listing.item(i).text(c) for c in range(3)] for i in range(listing.table.topLevelItemCount())]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert [r[1] for r in rows] == [f"+{s.households:,.0f}" for s in suggestion.sites]
    coverage = [float(r[2].rstrip("%")) for r in rows]
    assert coverage == sorted(coverage) and coverage[0] > before.measured
    # On the map: a footprint and a label per site, in the map's scene.
    overlay = listing.overlay
    items = overlay.items()
    assert len(items) == 6 and all(item.scene() is w.canvas.scene() for item in items)
    labels = [i for i in items if isinstance(i, SiteLabel)]
    assert [label.text.split(".")[0] for label in labels] == ["1", "2", "3"]
    first = suggestion.sites[0]
    centre = first.footprint.centroid
    assert any(item.sceneBoundingRect().contains(centre.x, centre.y) for item in items if item not in labels)

    # Use the first site: one step on the stack, a kindergarten on the site.
    n, steps = kindergartens(w), w.document.stack.count()
    listing.table.setCurrentItem(listing.item(0))
    qtbot.mouseClick(listing.use_button, Qt.MouseButton.LeftButton)
    assert kindergartens(w) == n + 1 and w.document.stack.count() == steps + 1
    layer, fid = w.document.selection[0]
    assert (layer, fid) == (FACILITIES, w.document.plan.features(FACILITIES, w.document.scenario)[-1].fid)
    assert w.document.plan.feature(layer, fid).geometry.equals(first.footprint)
    assert overlay.items() == [] and not listing.isVisible()  # the plan changed: the suggestion is stale
    qtbot.waitUntil(lambda: finding(w).measured != before.measured, timeout=RESULTS_TIMEOUT_MS)
    after = finding(w)
    # What the site promised is what the validator now counts.
    assert set(before.features) - set(after.features) == {(RESIDENTIAL, h) for h in first.homes}
    assert after.measured == pytest.approx(first.coverage_after, abs=5e-4)

    # Ctrl+Z on the map removes it: the count and the finding come back.
    w.canvas.setFocus()
    qtbot.keySequence(w.canvas, QKeySequence.StandardKey.Undo)
    assert kindergartens(w) == n
    qtbot.waitUntil(lambda: finding(w).measured == before.measured, timeout=RESULTS_TIMEOUT_MS)
    assert set(finding(w).features) == set(before.features)


def test_the_button_is_off_for_findings_with_nothing_to_site(qtbot, demo_window):
    w = demo_window
    passing = next(f for f in w.document.results.findings if f.status == "pass")
    w.findings.select_rule(passing.rule)
    assert not w.findings.suggest_button.isEnabled()
    # A rule needing each of several types, none of them near any home: one new facility of a type
    # brings no home in, and the list says why.
    w.findings.select_rule("cc_walking_distance")
    assert w.findings.suggest_button.isEnabled()
    qtbot.mouseClick(w.findings.suggest_button, Qt.MouseButton.LeftButton)
    listing = w.findings.siting
    assert listing.type_box.count() == len(finding(w, "cc_walking_distance").facility_types) > 1
    assert listing.suggestion.sites == () and listing.overlay.items() == []
    assert listing.isVisible() and "another type" in listing.header.text()


def test_after_a_language_switch_the_new_panel_suggests_and_the_old_one_is_not_called(qtbot, demo_window):
    w = demo_window
    w.findings.select_rule(RULE)
    qtbot.mouseClick(w.findings.suggest_button, Qt.MouseButton.LeftButton)
    assert len(w.findings.siting.overlay.items()) == 6
    w.set_language("zh")  # panels rebuilt: the suggestion made in English goes with the old one
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old panel is gone now
    listing = w.findings.siting
    assert listing.overlay.items() == [] and not listing.isVisible()
    w.findings.select_rule(RULE)
    qtbot.mouseClick(w.findings.suggest_button, Qt.MouseButton.LeftButton)
    assert listing.overlay.labels()[0].startswith("1. +") and "户" in listing.overlay.labels()[0]
    n, before = kindergartens(w), finding(w).measured
    qtbot.mouseClick(listing.use_button, Qt.MouseButton.LeftButton)  # the first site is chosen already
    assert kindergartens(w) == n + 1 and listing.overlay.items() == []
    qtbot.waitUntil(lambda: finding(w).measured > before, timeout=RESULTS_TIMEOUT_MS)

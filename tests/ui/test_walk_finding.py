"""A failing walking finding explains itself (issue 16 point 4), on the demo in the real window: the
map legend lists the overlays drawn; the homes beyond the limit are listed with the validator's
distances, worst first, and a click shows and selects one; the network of every facility of the
rule's types is drawn; a home's attributes show its nearest facilities."""
import math
import re
import shutil

import numpy as np
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.ui import i18n
from lifecircle_desktop.ui.document import make_validator
from tests.ui.conftest import RESULTS_TIMEOUT_MS, shown_window

pytestmark = [
    pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built"),
    pytest.mark.qt_log_ignore("This plugin does not support"),
]

BUS = "cc_bus_stop_walk"                      # bus stops within a 10-minute walk (no home reaches one)
SHOP = "cc_elderly_10min_supermarket"         # a shop within 500 m: homes beyond it at real distances


@pytest.fixture
def demo(demo_window):
    return demo_window


def show(qtbot, window, rule):
    """Click the finding ``rule`` and wait for its reachable network."""
    with qtbot.waitSignal(window.document.reachableReady, timeout=RESULTS_TIMEOUT_MS):
        window.findings.select_rule(rule)
    return next(f for f in window.document.results.findings if f.rule == rule)


def test_the_homes_list_has_the_validators_distances_and_a_click_selects_the_home(qtbot, demo):
    finding = show(qtbot, demo, SHOP)
    results, listing = demo.document.results, demo.findings.walk_homes
    assert finding.status in ("fail", "warn") and listing.isVisible()
    # Expected independently, from the Results arrays: the nearest of the rule's types per home.
    position = {int(h): i for i, h in enumerate(results.home_ids)}
    expected = {}
    for _, fid in finding.features:
        d = min(results.distances[t][0][position[fid]] for t in finding.facility_types)
        expected[fid] = (float(d), results.households[fid])
    rows = listing.rows()
    assert sorted(r.fid for r in rows) == sorted(expected)
    assert any(r.reached for r in rows)
    weights = [expected[r.fid][1] * ((expected[r.fid][0] if math.isfinite(expected[r.fid][0])
                                      else results.search_limit_m) - finding.limit_m) for r in rows]
    assert weights == sorted(weights, reverse=True)  # households × metres over, worst first
    plan = demo.document.plan
    for i, r in enumerate(rows):
        item = listing.item(i)
        d, households = expected[r.fid]
        assert item.text(0) == (plan.feature("residential", r.fid).get("name") or f"Home #{r.fid}")
        assert item.text(1) == f"{households:,.0f}"
        if math.isfinite(d):
            assert item.text(2) == f"{d:,.0f} m" and item.text(3) == f"+{d - finding.limit_m:,.0f} m"
        else:
            assert item.text(2) == "none within 2,000 m"
    assert f"{len(rows)} home(s) beyond a 500 m walk" in listing.header.text()

    # A click on the last row (a home reached, but too far): selected, and in the view.
    target = max((i for i, r in enumerate(rows) if r.reached))
    item = listing.item(target)
    listing.table.scrollToItem(item)
    rect = listing.table.visualItemRect(item)
    qtbot.mouseClick(listing.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    key = ("residential", rows[target].fid)
    qtbot.waitUntil(lambda: demo.document.selection == [key])
    assert demo.canvas.selection() == [key]
    view = demo.canvas.mapToScene(demo.canvas.viewport().rect()).boundingRect()
    centre = plan.feature(*key).geometry.centroid
    assert view.contains(centre.x, centre.y)
    # Its attributes name its nearest shop at the validator's distance.
    nearest = demo.attributes.nearest.texts()
    n = results.nearest[key[1]]
    for t in finding.facility_types:
        if n[t].distance_m is not None:
            assert nearest[t].startswith(f"{n[t].distance_m:,.0f} m")
    assert "Selected" in [text for _, text in demo.canvas.legend_entries()]


def test_the_legend_lists_the_overlays_drawn(qtbot, demo):
    canvas = demo.canvas
    assert canvas.legend_entries() == []  # nothing drawn over the plan yet
    finding = show(qtbot, demo, BUS)
    entries = dict(canvas.legend_entries())
    assert list(entries) == ["walk_homes", "walk_network", "highlight"]
    assert entries["walk_homes"] == f"Homes beyond a 667 m walk ({len(finding.features)})"
    assert entries["walk_network"] == "Network within 667 m of bus stop"
    assert canvas.walk_overlay_counts()[0] == len(finding.features)
    # A finding that is not about walking: its features only, the walking overlay gone.
    other = next(f for f in demo.document.results.findings if f.kind == "facility_area" and f.features)
    demo.findings.select_rule(other.rule)
    assert canvas.legend_entries() == [("highlight", "Features of the finding")]
    assert canvas.walk_overlay_counts() == (0, 0)
    demo.document.select([other.features[0]])
    assert [s for s, _ in canvas.legend_entries()] == ["highlight", "selection"]


def test_the_reachable_network_of_every_facility_of_the_type_is_drawn(qtbot, demo):
    finding = show(qtbot, demo, BUS)
    session = demo.document.session
    stops = session.facilities_of_types(finding.facility_types)
    assert len(stops) == 15
    drawn = demo.canvas.walk_overlay_lines()
    assert len(drawn) == demo.canvas.walk_overlay_counts()[1] > 0
    union = shapely.union_all(drawn).buffer(0.05)
    validator = make_validator(session)
    snap = take_snapshot(session.plan, session.scenario)
    validator.full(snap)
    alone = {key: validator.reachable(snap, key[0], key[1], finding.limit_m) for key in stops}
    reaching = [key for key, pieces in alone.items() if pieces]
    assert len(reaching) >= 12  # nearly every stop is on the network: the test sees real networks
    for key in reaching:  # each stop's own network is drawn
        assert all(union.covers(piece) for piece in alone[key]), key
    assert len(drawn) >= max(len(p) for p in alone.values())
    # The drawn network is no more than theirs.
    theirs = shapely.union_all([p for pieces in alone.values() for p in pieces]).buffer(0.05)
    assert all(theirs.covers(piece) for piece in drawn)


def test_a_homes_attributes_show_its_nearest_facility_of_each_type(qtbot, demo):
    results = demo.document.results
    home = next(h for h in results.home_ids.tolist() if results.nearest[h]["supermarket"].distance_m is not None)
    demo.document.select([("residential", home)])
    texts = demo.attributes.nearest.texts()
    assert set(texts) == set(results.distances)
    near = results.nearest[home]
    assert texts["kindergarten"] == "none within 2,000 m"  # the demo has no kindergarten
    for code in ("bus_stop", "supermarket"):
        n = near[code]
        if n.distance_m is None:
            assert texts[code] == "none within 2,000 m"
        else:
            assert texts[code].startswith(f"{n.distance_m:,.0f} m")
            name = demo.document.plan.feature(n.layer, n.facility).get("name")
            assert not name or texts[code].endswith(name)


def test_in_chinese_the_walking_explanation_reads_chinese(qtbot, tmp_path):
    i18n.install_language("zh")
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    w = shown_window(qtbot, Plan.open(path))
    try:
        show(qtbot, w, BUS)
        texts = [t for _, t in w.canvas.legend_entries()]
        listing = w.findings.walk_homes
        texts += [listing.header.text()] + [listing.table.headerItem().text(c) for c in range(4)]
        texts += [listing.item(i).text(c) for i in range(len(listing.rows())) for c in (2, 3)]
        home = listing.rows()[0].key
        w.document.select([home])
        nearest = w.attributes.nearest
        texts += [nearest.title()] + [t.split(" · ")[0] for t in nearest.texts().values()]  # less the names
        for text in texts:
            plain = re.sub(r"<[^>]+>", "", text)
            assert not re.search(r"[A-Za-z]{2,}", plain), text  # no English word, no unit "m"
        assert "米" in texts[0] and "公交" in texts[1]
    finally:
        w.close()


def test_a_home_that_reaches_nothing_says_its_paths_may_not_join_the_network(qtbot, demo):
    results = demo.document.results
    lost = [h for h in results.home_ids.tolist() if all(n.distance_m is None for n in results.nearest[h].values())]
    reaching = next(h for h in results.home_ids.tolist() if h not in lost)
    assert lost  # the demo has homes on paths cut off from the rest of the network
    demo.document.select([("residential", lost[0])])
    assert demo.attributes.nearest.findChild(QLabel, "unreachedNote") is not None
    demo.document.select([("residential", reaching)])
    assert demo.attributes.nearest.findChild(QLabel, "unreachedNote") is None

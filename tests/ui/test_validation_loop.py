"""The live loop (design.md §5): debounced, one worker thread, snapshots only, stale runs dropped,
and what it delivers equals a direct full validation."""
import threading

import pytest
from shapely import affinity

from lifecircle_desktop.model import AddFeature, ChangeAttributes, ChangeGeometry
from lifecircle_desktop.model.rules import load_packs
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from lifecircle_desktop.ui.validation import ValidationLoop
from tests.ui.conftest import editing
from shapely.geometry import box


class RecordingValidator(Validator):
    """The real engine, recording the thread and mode of each run; it can hold a run until
    released, so a test can make a run go stale on purpose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []
        self.threads = set()
        self.hold = None  # a threading.Event the next run waits on
        self.held = []    # every event a run waited on (released at teardown)

    def _gate(self, mode, snapshot):
        self.calls.append((mode, snapshot.version))
        self.threads.add(threading.get_ident())
        if self.hold is not None:
            hold, self.hold = self.hold, None
            self.held.append(hold)
            assert hold.wait(30)

    def full(self, snapshot):
        self._gate("full", snapshot)
        return super().full(snapshot)

    def update(self, snapshot, changes):
        self._gate("update", snapshot)
        return super().update(snapshot, changes)


def by_rule(results):
    return {f.rule: f for f in results.findings}


@pytest.fixture
def loop(qtbot, grid):
    plan, ids = grid
    validator = RecordingValidator(load_packs(plan.rule_packs))
    loop = ValidationLoop(debounce_ms=150)
    loop.validator_under_test = validator
    with qtbot.waitSignal(loop.resultsReady, timeout=30000) as first:
        loop.set_plan(plan, validator=validator)
    loop.first = first.args[0]
    yield loop, plan, ids
    for event in [validator.hold, *validator.held]:
        if event is not None:
            event.set()
    loop.shutdown()


def test_first_run_is_full_in_one_worker_thread(loop):
    loop, plan, ids = loop
    v = loop.validator_under_test
    assert v.calls == [("full", loop.version)]
    assert threading.get_ident() not in v.threads and len(v.threads) == 1
    assert by_rule(loop.first) == by_rule(Validator(load_packs(plan.rule_packs)).full(take_snapshot(plan)))


def test_several_edits_make_one_run_equal_to_a_full_validation(qtbot, loop):
    loop, plan, ids = loop
    v = loop.validator_under_test
    runs = loop.runs
    kg = ids["kg"]
    edits = [ChangeAttributes.of(plan, "facilities", kg, floors=2),
             AddFeature("facilities", box(310, 310, 340, 340), {"type": "kindergarten", "floors": 2}),
             ChangeGeometry.of(plan, "facilities", ids["shop"],
                               affinity.translate(plan.feature("facilities", ids["shop"]).geometry, 0, 100))]
    with qtbot.waitSignal(loop.resultsReady, timeout=30000) as got:
        for edit in edits:  # faster than the debounce: one run
            loop.mark_dirty(editing(plan).apply(edit))
    assert loop.runs == runs + 1
    assert v.calls[-1] == ("update", loop.version) and len(v.calls) == 2
    results = got.args[0]
    assert results.version == loop.version
    direct = Validator(load_packs(plan.rule_packs)).full(take_snapshot(plan))
    assert by_rule(results) == by_rule(direct)
    assert results.nearest == direct.nearest and results.households == direct.households
    assert by_rule(results)["cc_kindergarten_building_area"] != by_rule(loop.first)["cc_kindergarten_building_area"]
    # Nothing else runs afterwards: the debounce made exactly one.
    qtbot.wait(400)
    assert loop.runs == runs + 1


def test_stale_results_are_dropped(qtbot, loop):
    loop, plan, ids = loop
    v = loop.validator_under_test
    hold = v.hold = threading.Event()
    delivered = []
    loop.resultsReady.connect(delivered.append)
    with qtbot.waitSignal(loop.runStarted, timeout=5000):
        loop.mark_dirty(editing(plan).apply(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=2)))
    stale_version = loop.version
    qtbot.waitUntil(lambda: len(v.calls) == 2)  # the worker is inside the held run
    # A newer edit arrives while that run is in progress…
    loop.mark_dirty(editing(plan).apply(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=3)))
    assert loop.version > stale_version
    with qtbot.waitSignal(loop.resultsReady, timeout=30000) as got:
        hold.set()
    assert loop.dropped == 1
    assert [r.version for r in delivered] == [loop.version] == [got.args[0].version]
    kg_area = by_rule(got.args[0])["cc_kindergarten_building_area"]
    assert kg_area.measured == pytest.approx(50 * 40 * 3)  # the latest edit, not the stale one


def test_scenario_switch_runs_full_and_drops_the_old_scenario(qtbot, loop):
    loop, plan, ids = loop
    editing(plan).create_scenario("方案二", copy_from="base")
    with qtbot.waitSignal(loop.resultsReady, timeout=30000) as got:
        loop.set_scenario("方案二")
    assert got.args[0].scenario == "方案二" and loop.validator_under_test.calls[-1][0] == "full"


def test_engine_failure_is_reported_and_the_loop_goes_on(qtbot, loop):
    loop, plan, ids = loop
    v = loop.validator_under_test
    original = v.update
    v.update = lambda snapshot, changes: 1 / 0
    with qtbot.waitSignal(loop.failed, timeout=30000) as failed:
        loop.mark_dirty(editing(plan).apply(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=2)))
    assert "ZeroDivisionError" in failed.args[0]
    v.update = original
    with qtbot.waitSignal(loop.resultsReady, timeout=30000):
        loop.mark_dirty(editing(plan).apply(ChangeAttributes.of(plan, "facilities", ids["kg"], floors=3)))
    assert v.calls[-1][0] == "full"  # the engine's state after a failure is not trusted


def test_reachable_network_comes_back_from_the_worker(qtbot, loop):
    loop, plan, ids = loop
    with qtbot.waitSignal(loop.reachableReady, timeout=30000) as got:
        loop.request_reachable("facilities", ids["kg"], 300.0, key="k")
    key, lines = got.args
    assert key == "k" and lines
    assert all(line.geom_type == "LineString" for line in lines)


def test_garbage_is_collected_in_the_gui_thread_only(qtbot, loop):
    """Automatic GC is off once a worker thread exists (a collection in the worker deadlocked with
    Qt deleting objects on the GUI thread); garbage cycles are still collected, by a GUI-thread timer."""
    import gc
    import weakref

    assert not gc.isenabled()

    class Cycle:
        pass

    # With automatic GC off nothing collects before the timer does, so the cycle is in generation 0.
    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    churn = [Cycle() for _ in range(2000)]  # live allocations past the generation-0 threshold, as in an app
    qtbot.waitUntil(lambda: gone() is None, timeout=10_000)
    del churn

"""Checklist answers, rule-pack switches and a district's own thresholds are edits too (style.md §1):
applied then inverted, the file and the plan in memory are as before; validation follows them, and
Validator.update after each equals Validator.full (design.md §3, §5)."""
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lifecircle_desktop.model import PlanError, SetManualAnswer, SetOverride, SetRulePacks
from lifecircle_desktop.model.edits import CreateScenario
from lifecircle_desktop.model.rules import load_packs
from lifecircle_desktop.model.snapshot import take_snapshot
from lifecircle_desktop.model.validate import Validator
from tests.model import test_validate_incremental as incremental
from tests.model.planbuilder import facility, grid_plan, home

PACKS = load_packs()
NATIONAL = "national_complete_community_2021"
SHANGHAI_2025 = "shanghai_complete_community_2025"
REQUIRED_ITEM = "cc_kindergarten_sunlight"       # manual, required (不应)
RECOMMENDED_ITEM = "sh_cc_age_child_friendly"    # manual, recommended
KG_AREA = "cc_kindergarten_building_area"        # facility_area, ≥ 2200 m²


@pytest.fixture
def plan(tmp_path):
    plan = grid_plan(tmp_path / "checklist.gpkg")
    home(plan, 0, 0, 300, gates=[(0, 0)])
    home(plan, 300, 300, 100, gates=[(300, 300)])
    facility(plan, "kindergarten", 100, 0, w=50, h=50, floors=1)  # 2500 m² ≥ 2200
    facility(plan, "supermarket", 200, 100, w=30, h=20, floors=1)
    yield plan
    plan.close()


def dump(plan):
    return list(plan.store.conn.iterdump())


def by_rule(results):
    return {f.rule: f for f in results.findings}


def comparable(results):
    return [f.to_json() for f in results.findings]


def check_undo(plan, edit):
    """Apply then invert: the file and the memory are exactly as before; the ChangeSet says
    something non-spatial changed."""
    before, meta = dump(plan), dict(plan.meta)
    changes = plan.apply(edit)
    assert changes and not (changes.layers() & {"facilities", "residential", "walk_network"})
    assert dump(plan) != before
    plan.apply(changes.edit.inverted())
    assert dump(plan) == before and plan.meta == meta
    return plan.apply(edit)


def updated_equals_full(validator, plan, changes):
    snap = take_snapshot(plan)
    incremental = validator.update(snap, changes)
    assert comparable(incremental) == comparable(Validator(PACKS).full(snap))
    return by_rule(incremental)


def test_each_edit_applied_then_inverted_restores_file_and_memory(plan):
    check_undo(plan, SetManualAnswer.of(plan, "base", REQUIRED_ITEM, "yes", note="园方确认"))
    check_undo(plan, SetManualAnswer.of(plan, "base", REQUIRED_ITEM, "no"))   # replacing an answer
    check_undo(plan, SetManualAnswer.of(plan, "base", REQUIRED_ITEM, None))   # clearing it
    check_undo(plan, SetRulePacks.of(plan, [NATIONAL]))
    check_undo(plan, SetOverride.of(plan, KG_AREA, "min", 3000, note="区级清单"))
    check_undo(plan, SetOverride.of(plan, KG_AREA, "min", 2600))               # replacing an override
    check_undo(plan, SetOverride.of(plan, KG_AREA, "min", None))               # removing it
    # The file holds what returned: a reopened plan sees the same state.
    plan.apply(SetManualAnswer.of(plan, "base", REQUIRED_ITEM, "n/a"))
    plan.apply(SetRulePacks.of(plan, [NATIONAL, SHANGHAI_2025]))
    path, state = plan.path, dump(plan)
    plan.close()
    reopened = type(plan).open(path)
    try:
        assert dump(reopened) == state and reopened.rule_packs == [NATIONAL, SHANGHAI_2025]
        assert reopened.manual_answer("base", REQUIRED_ITEM) == ("n/a", "园方确认")  # the note stays
    finally:
        reopened.close()


def test_bad_values_are_refused_and_change_nothing(plan):
    before = dump(plan)
    for edit in (SetManualAnswer("base", REQUIRED_ITEM, None, "maybe"), SetManualAnswer("nope", REQUIRED_ITEM, None, "yes"),
                 SetOverride(KG_AREA, "existing", "min", None, "big"), SetOverride(KG_AREA, "suburb", "min", None, 1.0),
                 SetRulePacks((), (NATIONAL, NATIONAL))):
        with pytest.raises(PlanError):
            plan.apply(edit)
    assert dump(plan) == before


def test_manual_answers_give_pass_fail_warn_and_na(plan):
    v = Validator(PACKS)
    first = by_rule(v.full(take_snapshot(plan)))
    assert first[REQUIRED_ITEM].status == "manual" and first[RECOMMENDED_ITEM].status == "manual"
    expected = [(REQUIRED_ITEM, "yes", "pass"), (REQUIRED_ITEM, "no", "fail"), (RECOMMENDED_ITEM, "no", "warn"),
                (RECOMMENDED_ITEM, "n/a", "n/a"), (REQUIRED_ITEM, None, "manual")]
    for rule, answer, status in expected:
        changes = plan.apply(SetManualAnswer.of(plan, "base", rule, answer))
        got = updated_equals_full(v, plan, changes)
        assert got[rule].status == status
    # An answer belongs to its scenario.
    plan.apply(CreateScenario("renewal", "base"))
    plan.apply(SetManualAnswer.of(plan, "renewal", REQUIRED_ITEM, "yes"))
    assert by_rule(Validator(PACKS).full(take_snapshot(plan, "renewal")))[REQUIRED_ITEM].status == "pass"
    assert by_rule(Validator(PACKS).full(take_snapshot(plan, "base")))[REQUIRED_ITEM].status == "manual"


def test_switching_a_pack_off_removes_its_findings_and_undo_brings_them_back(plan):
    v = Validator(PACKS)
    first = v.full(take_snapshot(plan))
    assert any(f.pack == SHANGHAI_2025 for f in first.findings)
    changes = plan.apply(SetRulePacks.of(plan, [p for p in plan.rule_packs if p != SHANGHAI_2025]))
    off = updated_equals_full(v, plan, changes)
    assert not any(f.pack == SHANGHAI_2025 for f in off.values()) and NATIONAL in {f.pack for f in off.values()}
    back = updated_equals_full(v, plan, plan.apply(changes.edit.inverted()))
    assert comparable(first) == [f.to_json() for f in back.values()]
    # A pack with walking rules switched on alone: its distances are computed.
    only_gb = updated_equals_full(v, plan, plan.apply(SetRulePacks.of(plan, ["gb50180_2018_life_circle"])))
    assert {f.pack for f in only_gb.values()} == {"gb50180_2018_life_circle"}


def test_a_stricter_district_threshold_flips_pass_to_fail_and_is_shown(plan):
    v = Validator(PACKS)
    before = by_rule(v.full(take_snapshot(plan)))[KG_AREA]
    assert before.status == "pass" and before.threshold == 2200 and before.overrides == ()
    changes = plan.apply(SetOverride.of(plan, KG_AREA, "min", 3000, note="某区公共服务设施配置清单"))
    after = updated_equals_full(v, plan, changes)[KG_AREA]
    assert after.status == "fail" and after.threshold == 3000 and after.measured == pytest.approx(2500)
    assert after.overrides == (("min", 3000.0),) and after.to_json()["overrides"] == {"min": 3000.0}
    assert "3000" in after.message_en and "district override" in after.message_en and "区级调整" in after.message_zh
    # An override for the other community kind does not apply to this plan.
    other = updated_equals_full(v, plan, plan.apply(SetOverride.of(plan, KG_AREA, "min", 100, community_kind="new_build")))
    assert other[KG_AREA].threshold == 3000
    # A walking limit override changes the walking finding's limit.
    walk = "t5_kindergarten_radius"
    got = updated_equals_full(v, plan, plan.apply(SetOverride.of(plan, walk, "limit_m", 120)))
    assert got[walk].limit_m == 120
    restored = updated_equals_full(v, plan, plan.apply(SetOverride.of(plan, KG_AREA, "min", None)))
    assert restored[KG_AREA].status == "pass" and restored[KG_AREA].threshold == 2200


# Checklist, pack and threshold edits mixed with spatial ones, in any order: update == full.
ALL_PACKS = tuple(p.id for p in PACKS)
checklist_step = st.one_of(
    st.tuples(st.just("answer"), st.sampled_from([REQUIRED_ITEM, RECOMMENDED_ITEM]),
              st.sampled_from(["yes", "no", "n/a", None])),
    st.tuples(st.just("packs"), st.lists(st.sampled_from(ALL_PACKS), unique=True, max_size=4), st.none()),
    st.tuples(st.just("override"), st.sampled_from([(KG_AREA, "min"), ("t5_kindergarten_radius", "limit_m")]),
              st.one_of(st.none(), st.floats(50, 4000, allow_nan=False))),
    st.tuples(st.just("spatial"), incremental.step, st.none()),
)


@settings(max_examples=20, deadline=None)
@given(steps=st.lists(checklist_step, min_size=1, max_size=10))
# Two kindergartens on one spot: every home is as near to one as to the other (a tie found by this test).
@example(steps=[("spatial", ("add_fac", 0, 0.0, 0.0), None)] * 2)
def test_update_equals_full_with_checklist_pack_and_threshold_edits(steps):
    with tempfile.TemporaryDirectory() as d:
        plan = grid_plan(Path(d) / "g.gpkg")
        home(plan, 0, 0, 300, gates=[(0, 0)])
        home(plan, 300, 200, 120)
        facility(plan, "kindergarten", 200, 100, w=50, h=50, floors=1)
        live = Validator(PACKS)
        live.full(take_snapshot(plan, version=0))
        for version, (kind, a, b) in enumerate(steps, start=1):
            if kind == "answer":
                edit = SetManualAnswer.of(plan, "base", a, b)
            elif kind == "packs":
                edit = SetRulePacks.of(plan, a)
            elif kind == "override":
                edit = SetOverride.of(plan, a[0], a[1], b)
            else:
                edit = incremental._edit(plan, *a)
            changes = plan.apply(edit)
            snap = take_snapshot(plan, version=version)
            # Equal findings and distances; two facilities at exactly one distance from a home may be
            # named in either order (assert_same checks the one named really is that far).
            incremental.assert_same(live.update(snap, changes), Validator(PACKS).full(snap), snap)
        plan.close()

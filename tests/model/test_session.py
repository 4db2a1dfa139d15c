"""PlanSession (design.md §10), Qt-free: the planner's story with undo, scenarios, selection,
the planner's questions, save as, import and export."""
import shutil
import sqlite3
import tomllib
from dataclasses import replace
from pathlib import Path

import pyogrio.raw
import pytest
from shapely.geometry import Point, box

from lifecircle_desktop.model.edits import (CreateScenario, DeleteFeature, DeleteScenario,
                                            SetManualAnswer, SetOverride, SetRulePacks)
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.schema import LAYERS
from lifecircle_desktop.model.session import OSM_CREDIT, PlanSession, create_plan
from tests.helpers import ROOT
from tests.model.planbuilder import facility, grid_plan, home

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"
STANDARDS = ROOT / "resources" / "standards"
DATA = Path(__file__).resolve().parent.parent / "data"


def file_contents(path) -> dict:
    """Every row of every layer (fid, scenario, attributes, geometry blob), the scenarios and the
    checklist answers — read with plain sqlite3, not through the model."""
    conn = sqlite3.connect(path)
    try:
        out = {layer: conn.execute(f'SELECT * FROM "{layer}" ORDER BY fid').fetchall() for layer in LAYERS}
        out["scenarios"] = conn.execute("SELECT * FROM scenarios ORDER BY name").fetchall()
        out["manual_checks"] = conn.execute("SELECT * FROM manual_checks ORDER BY scenario, rule").fetchall()
        out["rule_overrides"] = conn.execute("SELECT * FROM rule_overrides ORDER BY rule, key").fetchall()
    finally:
        conn.close()
    return out


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "siping.gpkg"
    shutil.copyfile(DEMO, path)
    return path


@pytest.fixture
def grid(tmp_path):
    """Two kindergartens at opposite corners of a 400 m grid, a home near each."""
    plan = grid_plan(tmp_path / "grid.gpkg")
    ids = {"kg_a": facility(plan, "kindergarten", 0, 0), "kg_b": facility(plan, "kindergarten", 400, 400),
           "market": facility(plan, "supermarket", 200, 0)}
    ids["near_a"], _ = home(plan, 0, 100, gates=[(0, 120)])
    ids["near_b"], _ = home(plan, 300, 300)
    session = PlanSession(plan)
    yield session, ids
    session.close()


def compound_with_gates(session):
    gates = {}
    for gate in session.plan.features("entrances", session.scenario):
        if gate["layer"] == "residential":
            gates.setdefault(gate["feature"], []).append(gate.fid)
    fid = next(iter(gates))
    return fid, gates[fid]


# --- the acceptance story ------------------------------------------------------------------------
def test_the_planners_story_undone_leaves_the_file_as_it_was(demo, tmp_path):
    original = tmp_path / "original.gpkg"
    shutil.copyfile(demo, original)
    with PlanSession.open(original) as upgraded:  # an older demo gains the schema's new columns with the first edit
        upgraded.upgrade()
    session = PlanSession.open(demo)
    x, y = session.plan.bounds()[:2]

    drawn = session.add("facilities", box(x + 100, y + 100, x + 160, y + 150), type="kindergarten", name="新幼儿园")
    kindergarten = ("facilities", drawn.edit.fid)
    assert session.plan.feature(*kindergarten)["type"] == "kindergarten"

    compound, gates = compound_with_gates(session)
    deleted = session.delete([("residential", compound)])
    assert deleted.removed == {"residential": {compound}, "entrances": set(gates)}
    assert not any(g["feature"] == compound and g["layer"] == "residential"
                   for g in session.plan.features("entrances", "base"))

    created = session.create_scenario("方案B")
    assert session.scenario == "方案B"
    copies = {layer: sorted(fids) for layer, fids in created.added.items()}
    assert len(copies["facilities"]) == session.plan.count("facilities", "base")
    copied_kindergarten = [f for f in session.plan.features("facilities", "方案B") if f["name"] == "新幼儿园"]
    assert len(copied_kindergarten) == 1 and copied_kindergarten[0].fid != kindergarten[1]

    for _ in range(3):
        assert session.undo() is not None
    assert session.scenario == "base" and not session.can_undo and session.undo() is None

    for _ in range(3):
        assert session.redo() is not None
    assert session.scenario == "方案B" and not session.can_redo
    assert {layer: sorted(f.fid for f in session.plan.features(layer, "方案B"))
            for layer in copies} == copies  # the same fids as the first time
    assert session.plan.has_feature(*kindergarten) and not session.plan.has_feature("residential", compound)

    for _ in range(3):
        session.undo()
    session.close()
    assert file_contents(demo) == file_contents(original)


# --- history -------------------------------------------------------------------------------------
def test_a_refused_edit_records_nothing_and_a_refused_undo_moves_nothing(grid):
    session, ids = grid
    with pytest.raises(PlanError):
        session.add("facilities", Point(0, 0), type="kindergarten")  # a point is no footprint
    assert session.history() == [] and session.history_index == 0

    added = session.add("facilities", box(50, 50, 70, 70), type="supermarket")
    DeleteFeature.of(session.plan, "facilities", added.edit.fid).apply(session.plan)  # behind the session's back
    with pytest.raises(PlanError):
        session.undo()
    assert session.history_index == 1 and session.can_undo and not session.can_redo


def test_a_new_edit_drops_the_redo_tail(grid):
    session, _ids = grid
    first = session.add("facilities", box(50, 50, 70, 70), type="supermarket").edit
    session.undo()
    assert session.can_redo
    second = session.add("facilities", box(150, 50, 170, 70), type="supermarket").edit
    assert session.history() == [second] and not session.can_redo and first not in session.history()
    session.clear_history()
    assert not session.can_undo and session.history() == []


def test_undoing_a_scenario_goes_back_to_its_parent(grid):
    session, ids = grid
    session.create_scenario("甲")
    session.create_scenario("乙")  # a copy of 甲
    assert [s.parent for s in session.scenarios() if s.name == "乙"] == ["甲"]
    session.undo()
    assert session.scenario == "甲"
    session.undo()
    assert session.scenario == "base" and [s.name for s in session.scenarios()] == ["base"]


def test_an_empty_scenario_and_refused_names(grid):
    session, _ids = grid
    session.create_scenario("空白", empty=True)
    assert session.scenario == "空白" and session.plan.features("facilities", "空白") == []
    for name in ("空白", "  "):
        with pytest.raises(PlanError):
            session.create_scenario(name)
    assert len(session.history()) == 1


def test_a_deleted_scenario_comes_back_with_its_edits_and_answers(grid):
    session, ids = grid
    session.create_scenario("方案B")
    session.add("facilities", box(250, 250, 280, 280), type="supermarket")
    session.apply(SetManualAnswer.of(session.plan, "方案B", "cc_survey_10min_facilities", "yes", note="已调查"))
    before = {layer: [(f.fid, dict(f.attributes)) for f in session.plan.features(layer, "方案B")] for layer in LAYERS}
    with pytest.raises(PlanError):
        session.apply(DeleteScenario("base"))

    removed = session.apply(DeleteScenario("方案B"))
    assert session.scenario == "base" and not session.plan.has_scenario("方案B")
    assert session.plan.manual_answers("方案B") == {} and removed.removed["facilities"]
    session.undo()
    session.switch_scenario("方案B")
    assert {layer: [(f.fid, dict(f.attributes)) for f in session.plan.features(layer, "方案B")]
            for layer in LAYERS} == before
    assert session.plan.manual_answer("方案B", "cc_survey_10min_facilities") == ("yes", "已调查")


# --- scenarios and selection ---------------------------------------------------------------------
def test_selection_keeps_what_exists_in_the_scenario(grid):
    session, ids = grid
    kg_a, market = ("facilities", ids["kg_a"]), ("facilities", ids["market"])
    road = ("walk_network", session.plan.features("walk_network")[0].fid)
    assert session.select([kg_a, ["facilities", ids["market"]], kg_a, ("facilities", 9999), ("nowhere", 1), road])
    assert session.selection == (kg_a, market, road)
    assert not session.select([kg_a, market, road])  # unchanged

    session.delete([market])
    assert session.selection == (kg_a, road)
    session.undo()
    assert session.selection == (kg_a, road)  # an undo does not select

    session.create_scenario("方案B")
    assert session.selection == ()
    assert not session.select([kg_a])  # base's feature is not in 方案B
    with pytest.raises(PlanError):
        session.switch_scenario("没有的方案")
    assert not session.switch_scenario("方案B")
    session.select([("facilities", f.fid) for f in session.plan.features("facilities", "方案B")][:1])
    assert session.switch_scenario("base") and session.selection == ()


def test_delete_takes_the_gates_with_the_compound_and_refuses_the_base_map(grid):
    session, ids = grid
    gates = [g.fid for g in session.plan.features("entrances") if g["layer"] == "residential"
             and g["feature"] == ids["near_a"]]
    assert len(gates) == 1
    edit = session.delete_edit([("residential", ids["near_a"])])
    assert {(e.layer, e.fid) for e in edit.edits} == {("residential", ids["near_a"]), ("entrances", gates[0])}
    single = session.delete_edit([("residential", ids["near_b"])])  # no gates: one DeleteFeature
    assert isinstance(single, DeleteFeature)
    with pytest.raises(PlanError):
        session.delete([("facilities", 9999)])


def test_a_compound_moves_with_its_gates_in_one_undoable_step(grid):
    session, ids = grid
    home = ("residential", ids["near_a"])
    (gate,) = session.attached_entrances([home])
    before = {key: session.plan.feature(*key).geometry for key in (home, gate)}
    session.apply(session.move_edit([home], 12.5, -4.0))
    for key in (home, gate):
        dx, dy = (a - b for a, b in zip(session.plan.feature(*key).geometry.bounds[:2], before[key].bounds[:2]))
        assert (dx, dy) == pytest.approx((12.5, -4.0))
    session.undo()
    assert all(session.plan.feature(*key).geometry.equals_exact(g, 0) for key, g in before.items())
    assert session.attached_entrances([("residential", ids["near_b"])]) == []  # no gates
    with pytest.raises(PlanError):
        session.move_edit([home], 0, 0)


# --- the planner's questions ---------------------------------------------------------------------
def kindergarten_minimum_in_the_packs(pack_ids, kind) -> dict:
    """The strictest kindergarten area minimum per measure, read straight from the TOML packs."""
    out = {}
    for path in STANDARDS.glob("*.toml"):
        pack = tomllib.loads(path.read_text(encoding="utf-8"))
        if pack.get("pack", {}).get("id") not in pack_ids:
            continue
        for rule in pack.get("rule", []):
            params = rule.get("params", {})
            if rule.get("kind") == "facility_area" and params.get("facility_type") == "kindergarten":
                low = rule.get("threshold", {}).get(kind, {}).get("min")
                if low is not None:
                    out[params["measure"]] = max(out.get(params["measure"], 0), low)
    return out


def test_area_minimum_is_the_strictest_of_the_enabled_packs(demo):
    with PlanSession.open(demo) as session:
        expected = kindergarten_minimum_in_the_packs(set(session.plan.rule_packs), session.plan.community_kind)
        assert expected  # the packs do set a kindergarten minimum
        assert session.area_minimum("kindergarten") == (expected.get("floor_area"), expected.get("land_area"))
        assert session.area_minimum("bus_stop") == (None, None)

        session.apply(SetOverride.of(session.plan, "cc_kindergarten_building_area", "min", 4000))
        assert session.area_minimum("kindergarten")[0] == 4000  # a district's own threshold

        session.apply(SetRulePacks.of(session.plan, ["gb50180_2018_life_circle"]))
        only = kindergarten_minimum_in_the_packs({"gb50180_2018_life_circle"}, session.plan.community_kind)
        assert session.area_minimum("kindergarten") == (only.get("floor_area"), only.get("land_area"))

        session.apply(SetRulePacks.of(session.plan, ["no_such_pack"]))
        with pytest.raises(PlanError, match="no_such_pack"):
            session.enabled_packs()


def test_floor_area_of_a_zero_floor_type(grid):
    session, _ids = grid
    kinds = [t.code for t in session.catalogue if t.default_floors == 0]
    assert kinds
    added = session.add("facilities", box(250, 250, 290, 290), type=kinds[0])
    assert session.floor_area(session.plan.feature("facilities", added.edit.fid)) == 0


def test_the_facility_a_walking_finding_concerns(grid):
    session, ids = grid
    walk = next(f for f in session.validate().findings
                if f.kind == "walk_coverage" and "kindergarten" in f.facility_types)
    beyond_b = replace(walk, features=(("residential", ids["near_b"]),))
    beyond_a = replace(walk, features=(("residential", ids["near_a"]),))
    assert session.facility_for_finding(beyond_b) == ("facilities", ids["kg_b"])
    assert session.facility_for_finding(beyond_a) == ("facilities", ids["kg_a"])
    session.select([("facilities", ids["market"])])  # not a kindergarten: no say
    assert session.facility_for_finding(beyond_b) == ("facilities", ids["kg_b"])
    session.select([("facilities", ids["kg_a"])])
    assert session.facility_for_finding(beyond_b) == ("facilities", ids["kg_a"])
    assert session.facility_for_finding(replace(walk, kind="facility_area")) is None


def test_credits_carry_openstreetmap_wherever_its_data_is(grid, demo):
    session, _ids = grid
    assert session.credits() == []
    session.plan.add_credit("上海市测绘院 底图")
    assert session.credits() == ["上海市测绘院 底图"]
    session.add("stops", Point(100, 150), name="四平路站", osm_id="node/1")  # no credit recorded by anyone
    assert session.credits() == [OSM_CREDIT, "上海市测绘院 底图"]
    with PlanSession.open(demo) as siping:
        assert siping.credits()[0] == OSM_CREDIT


# --- files ---------------------------------------------------------------------------------------
def test_save_as_goes_on_with_the_copy(grid, tmp_path):
    session, ids = grid
    first = session.plan.path
    added = session.add("facilities", box(250, 250, 280, 280), type="supermarket").edit
    session.save_as(tmp_path / "副本")
    assert session.plan.path == tmp_path / "副本.gpkg"
    assert file_contents(first) == file_contents(session.plan.path)
    session.undo()  # the history goes on, on the copy
    assert not session.plan.has_feature("facilities", added.fid)
    assert added.fid in [row[0] for row in file_contents(first)["facilities"]]  # the first file keeps it
    with pytest.raises(PlanError):
        session.save_as(session.plan.path)


def test_create_plan_replaces_a_file_with_its_side_files(tmp_path):
    path = tmp_path / "new.gpkg"
    with create_plan(path, "新规划", 32651) as session:
        session.add("facilities", box(0, 0, 10, 10), type="supermarket")
    Path(str(path) + "-wal").write_bytes(b"a stranger's log")
    with pytest.raises(PlanError):
        create_plan(path, "again", 32651)
    with create_plan(path, "again", 32651, replace=True) as session:
        assert session.plan.name == "again" and session.plan.count("facilities") == 0


def test_an_import_is_one_edit_that_undo_takes_back(tmp_path):
    with create_plan(tmp_path / "sh.gpkg", "上海", 32651) as session:
        reports = []
        imported = session.import_features("residential", DATA / "homes_lonlat.geojson",
                                           progress=lambda fraction, message: reports.append(fraction))
        fids = sorted(imported.added["residential"])
        assert fids and session.plan.count("residential") == len(fids) and reports[-1] == 1.0
        assert len(session.plan.meta["imports"]) == 1 and len(session.history()) == 1
        session.undo()
        assert session.plan.count("residential") == 0 and session.plan.meta["imports"] == []
        session.redo()
        assert sorted(f.fid for f in session.plan.features("residential")) == fids
        assert session.plan.meta["imports"][0]["file"] == "homes_lonlat.geojson"


def test_export_writes_geojson_that_gdal_reads(grid, tmp_path):
    session, _ids = grid
    written = session.export(tmp_path / "out")
    by_layer = {p.stem: p for p in written}
    meta, _fids, _geometries, values = pyogrio.raw.read(by_layer["facilities"])
    types = values[list(meta["fields"]).index("type")]
    assert len(types) == session.plan.count("facilities", "base")
    assert set(types) == {"kindergarten", "supermarket"}
    assert not list((tmp_path / "out").glob("*.writing"))
    with pytest.raises(PlanError):
        session.export(tmp_path / "out", formats=("dwg",))


def test_validate_is_the_current_scenario(grid):
    session, ids = grid
    session.create_scenario("没有幼儿园")
    for kg in [f.fid for f in session.plan.features("facilities", "没有幼儿园") if f["type"] == "kindergarten"]:
        session.delete([("facilities", kg)])
    results = session.validate()
    assert results.scenario == "没有幼儿园"
    presence = [f for f in results.findings if f.kind == "presence" and f.facility_types == ("kindergarten",)]
    assert presence and all(f.status != "pass" for f in presence)
    assert session.snapshot(version=7).version == 7 and session.snapshot().scenario == "没有幼儿园"


def test_create_scenario_edit_records_what_a_redo_needs(grid):
    session, _ids = grid
    applied = session.create_scenario("方案B").edit
    assert isinstance(applied, CreateScenario) and applied.parent == "base" and applied.created
    assert {(layer, fid) for layer, fid, _g, _a in applied.copied} == \
        {(layer, f.fid) for layer in LAYERS if LAYERS[layer].editable for f in session.plan.features(layer, "方案B")}
    gates = session.plan.features("entrances", "方案B")
    assert gates and all(session.plan.feature(g["layer"], g["feature"]).scenario == "方案B" for g in gates)


def test_a_district_threshold_and_the_standards_own_value(grid):
    session, _ids = grid
    rule = "cc_kindergarten_building_area"  # 建筑面积不小于2200平方米
    assert session.standard_threshold(rule) == ("min", 2200.0)
    session.apply(session.override_edit(rule, "min", 1800))
    assert session.plan.override(rule, session.plan.community_kind, "min")[0] == 1800
    assert session.override_edit(rule, "min", 1800) is None  # nothing would change
    session.apply(session.override_edit(rule, "min", 2200))  # the standard's own value: no override
    assert session.plan.override(rule, session.plan.community_kind, "min") == (None, None)
    assert session.standard_threshold("no_such_rule") is None


# --- bad rows another program wrote (design.md §2, issue 10 item 5) ---------------------------------
def bad_rows_plan(tmp_path):
    """A plan into which "QGIS" wrote, with plain sqlite3: a facility with no geometry (its
    attribute table's "Add feature"), a 3-byte blob, text in geom, a self-intersecting polygon and a
    misspelled type. Returns the path and the fids by name."""
    from lifecircle_desktop.model.geometry import to_gpkg
    from shapely.geometry import Polygon
    path = tmp_path / "bad.gpkg"
    plan = grid_plan(path, n=3)
    facility(plan, "kindergarten", 0, 0)
    home(plan, 100, 100)
    plan.close()
    bow_tie = Polygon([(200, 200), (260, 260), (260, 200), (200, 260)])
    rows = {"no_geometry": None, "three_bytes": b"GP\x00", "text": "POLYGON((0 0, 1 0, 1 1, 0 0))",
            "bow_tie": to_gpkg(bow_tie, 32651), "misspelled": to_gpkg(box(300, 0, 320, 20), 32651)}
    conn = sqlite3.connect(path)
    with conn:
        fids = {name: conn.execute("INSERT INTO facilities(geom, type, name) VALUES (?, ?, ?)",
                                   [geom, "kindergarden" if name == "misspelled" else "pharmacy", name]).lastrowid
                for name, geom in rows.items()}
    conn.close()
    return path, fids


def test_bad_rows_open_and_are_findings_naming_them(tmp_path):
    path, fids = bad_rows_plan(tmp_path)
    with PlanSession.open(path) as session:
        findings = {f.rule: f for f in session.validate().findings if f.kind == "plan_file"}
        assert session.plan.feature("facilities", fids["bow_tie"])  # loaded: the planner can redraw it
    messages = " | ".join(f.message_en for f in findings.values())
    for name in ("no_geometry", "three_bytes", "text"):
        assert f"unreadable feature {fids[name]} in facilities" in messages
    assert f"invalid polygon: feature {fids['bow_tie']} in facilities" in messages
    assert f"unknown type 'kindergarden' of feature {fids['misspelled']}" in messages
    statuses = {rule.split(".")[1]: f.status for rule, f in findings.items()}
    assert statuses == {"unreadable": "fail", "invalid": "fail", "unknown_type": "warn"}
    assert findings[f"plan_file.invalid.facilities.{fids['bow_tie']}"].features == (("facilities", fids["bow_tie"]),)


def test_the_command_line_reads_a_plan_with_bad_rows(tmp_path):
    import json
    from tests.helpers import cli
    path, fids = bad_rows_plan(tmp_path)
    info = cli("info", path)
    assert info.returncode == 0, info.stderr
    report = cli("validate", path, "--format", "json")
    assert report.returncode in (0, 1) and not report.stderr, report.stderr
    named = [f["message_en"] for f in json.loads(report.stdout)["findings"] if f["kind"] == "plan_file"]
    assert any(f"unreadable feature {fids['no_geometry']}" in m for m in named)

"""Plan settings (规划设置, issue 11): stored in the plan, undoable, read from plans made before them,
never written by reading; shown and changed by `lifecircle settings`, shown by `lifecircle validate`."""
import json
import os
import sqlite3

import pytest

from lifecircle_desktop.model.edits import RULES, SetSetting
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.model.session import PlanSession, create_plan
from lifecircle_desktop.model.settings import DEFAULTS, NO_SOURCE, SETTINGS
from tests.helpers import cli, sha256
from tests.model.test_plan_file import read_only_folder  # noqa: F401 (a fixture)

EN = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": ""}
ZH = {**os.environ, "LANG": "zh_CN.UTF-8", "LC_ALL": ""}


@pytest.fixture
def session(tmp_path):
    with create_plan(tmp_path / "plan.gpkg", "设置测试", 32651) as session:
        yield session


def meta_on_disk(path) -> dict:
    """plan_meta as the file holds it, read with plain sqlite3 (not through the model)."""
    conn = sqlite3.connect(path)
    try:
        return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM plan_meta").fetchall()}
    finally:
        conn.close()


def write_meta_as_another_program(path, **values) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO plan_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value", [(k, json.dumps(v)) for k, v in values.items()])
    conn.close()


def remove_meta_as_another_program(path, key) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM plan_meta WHERE key = ?", [key])
    conn.close()


# --- the model ---------------------------------------------------------------------------------------
def test_a_new_plan_has_every_default_and_stores_none(session):
    assert dict(session.settings) == dict(DEFAULTS)
    assert session.plan.stored_settings == {}
    assert "settings" not in meta_on_disk(session.plan.path)
    snap = session.snapshot()
    assert dict(snap.settings) == dict(DEFAULTS)
    assert dict(snap.speed_profiles) == {"adult": 4.0, "elderly": 3.0, "child": 3.0}
    with pytest.raises(TypeError):
        snap.settings["usable_share"] = 1.0  # read-only


def test_set_setting_undo_redo_through_the_session(session):
    changes = session.set_setting("speed_elderly_kmh", 2.5)
    assert isinstance(changes.edit, SetSetting) and changes.edit == SetSetting("speed_elderly_kmh", 3.0, 2.5)
    assert RULES in changes.changed  # the validator re-runs everything
    assert session.settings["speed_elderly_kmh"] == 2.5 and session.plan.speed_profiles["elderly"] == 2.5
    snap = session.snapshot()
    assert snap.settings["speed_elderly_kmh"] == 2.5 and snap.speed_profiles["elderly"] == 2.5
    assert meta_on_disk(session.plan.path)["settings"] == {"speed_elderly_kmh": 2.5}
    assert session.history() == [changes.edit]

    session.undo()
    assert session.settings["speed_elderly_kmh"] == 3.0
    assert meta_on_disk(session.plan.path)["settings"] == {}  # the default is not stored
    assert meta_on_disk(session.plan.path)["speed_profiles_kmh"]["elderly"] == 3.0
    session.redo()
    assert session.settings["speed_elderly_kmh"] == 2.5
    assert meta_on_disk(session.plan.path)["speed_profiles_kmh"]["elderly"] == 2.5  # what older versions read


def test_several_settings_are_one_undoable_step(session):
    session.set_settings({"community_class": "characteristic", "area_class": "new_town", "usable_share": 0.75})
    assert (session.settings["community_class"], session.settings["area_class"], session.settings["usable_share"]) \
        == ("characteristic", "new_town", 0.75)
    assert len(session.history()) == 1
    session.undo()
    assert dict(session.settings) == dict(DEFAULTS)


def test_a_setting_already_at_its_value_records_nothing(session):
    assert not session.set_setting("community_class", "basic")
    assert session.setting_edit("persons_per_household", 2.3) is None
    assert not session.can_undo


def test_settings_are_kept_after_reopening(session, tmp_path):
    path = session.plan.path
    session.set_setting("persons_per_household", 2.8)
    session.set_setting("connector_limit_m", 150)
    session.close()
    with PlanSession.open(path) as again:
        assert again.settings["persons_per_household"] == 2.8
        assert again.settings["connector_limit_m"] == 150.0
        assert again.snapshot().settings["connector_limit_m"] == 150.0


@pytest.mark.parametrize("key, value, words", [
    ("no_such_setting", 1, "no plan setting"),
    ("speed_adult_kmh", "fast", "number"),
    ("speed_adult_kmh", 0.2, "from 1 to 8"),
    ("usable_share", 1.5, "from 0.3 to 1"),
    ("community_class", "premium", "one of basic, characteristic"),
    ("area_class", True, "one of"),
])
def test_a_refused_value_leaves_the_file_and_history_unchanged(session, key, value, words):
    session.set_setting("speed_child_kmh", 2.8)
    before = meta_on_disk(session.plan.path)
    with pytest.raises(PlanError, match=words) as refused:
        session.set_setting(key, value)
    for language in ("zh", "en"):
        sentence = refused.value.message(language)
        assert sentence and "\n" not in sentence
    assert any("\u4e00" <= c <= "\u9fff" for c in refused.value.message("zh"))
    with pytest.raises(PlanError):  # the edit itself refuses too (the desktop may make one)
        session.apply(SetSetting(key, DEFAULTS.get(key), value))
    assert meta_on_disk(session.plan.path) == before
    assert len(session.history()) == 1 and session.settings["speed_child_kmh"] == 2.8


def test_a_refused_value_among_several_applies_none(session):
    with pytest.raises(PlanError):
        session.set_settings({"speed_adult_kmh": 4.5, "usable_share": 7})
    assert dict(session.settings) == dict(DEFAULTS) and not session.can_undo


def test_a_setting_another_program_changed_is_not_written_over(session):
    edit = SetSetting.of(session.plan, "community_class", "characteristic")
    write_meta_as_another_program(session.plan.path, settings={"community_class": "characteristic",
                                                               "usable_share": 0.9})
    with pytest.raises(PlanError, match="another program"):
        session.apply(SetSetting("community_class", "basic", "basic"))
    assert session.settings["usable_share"] == 0.9  # re-read before the edit
    assert edit.old == "basic"


def test_an_old_plan_reads_its_walking_speeds_as_settings(tmp_path):
    path = tmp_path / "old.gpkg"
    Plan.create(path, "旧规划", 32651).close()
    remove_meta_as_another_program(path, "settings")
    write_meta_as_another_program(path, speed_profiles_kmh={"adult": 4.5, "elderly": 2.5, "child": 3.0})
    before = sha256(path)
    with PlanSession.open(path) as session:
        assert session.plan.stored_settings == {"speed_adult_kmh": 4.5, "speed_elderly_kmh": 2.5}
        snap = session.snapshot()
        assert (snap.settings["speed_adult_kmh"], snap.settings["speed_elderly_kmh"]) == (4.5, 2.5)
        assert dict(snap.speed_profiles) == {"adult": 4.5, "elderly": 2.5, "child": 3.0}
    assert sha256(path) == before  # reading never writes
    with PlanSession.open(path) as session:  # setting one speed keeps the others
        session.set_setting("speed_child_kmh", 2.0)
        assert session.plan.speed_profiles == {"adult": 4.5, "elderly": 2.5, "child": 2.0}
        assert meta_on_disk(path)["speed_profiles_kmh"] == {"adult": 4.5, "elderly": 2.5, "child": 2.0}


def test_a_setting_no_setting_allows_reads_as_the_default(tmp_path):
    path = tmp_path / "odd.gpkg"
    Plan.create(path, "别的程序写过", 32651).close()
    write_meta_as_another_program(path, settings={"usable_share": 40, "community_class": "characteristic",
                                                  "unknown": 1})
    with PlanSession.open(path) as session:
        assert session.settings["usable_share"] == DEFAULTS["usable_share"]
        assert session.settings["community_class"] == "characteristic"
        assert set(session.settings) == set(SETTINGS)


def test_a_read_only_plan_shows_its_settings_and_refuses_a_change(read_only_folder):  # noqa: F811
    folder, make_read_only = read_only_folder
    path = folder / "plan.gpkg"
    with create_plan(path, "只读", 32651) as session:
        session.set_setting("area_class", "inner_ring")
    make_read_only()
    before = sha256(path)
    with PlanSession.open(path) as session:
        assert session.plan.read_only and session.settings["area_class"] == "inner_ring"
        assert session.snapshot().settings["area_class"] == "inner_ring"
        with pytest.raises(PlanError, match="read-only"):
            session.set_setting("area_class", "outer_ring")
        assert session.settings["area_class"] == "inner_ring" and not session.can_undo
    assert sha256(path) == before
    shown = cli("settings", path, env=EN)
    assert shown.returncode == 0 and "inside the Inner Ring" in shown.stdout, shown.stderr
    refused = cli("settings", path, "--set", "area_class=outer_ring", env=EN)
    assert refused.returncode == 2 and "read-only" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert sha256(path) == before


def test_every_setting_names_its_source_or_says_it_has_none():
    for setting in SETTINGS.values():
        zh, en = setting.source
        assert zh and en
        assert setting.source == NO_SOURCE or "《" in zh or "上海" in zh, setting.key


# --- the command line --------------------------------------------------------------------------------
def run_main(monkeypatch, capsys, language, *argv) -> tuple[int, str, str]:
    """`lifecircle ARGV` in this process (its main()), with the system language ``language``."""
    from lifecircle_desktop.cli import main
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if language == "zh" else "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "")
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def plan_path(tmp_path):
    """A small plan on a 400 m grid: a home, a kindergarten, a supermarket."""
    from tests.model.planbuilder import facility, grid_plan, home
    plan = grid_plan(tmp_path / "grid.gpkg")
    facility(plan, "kindergarten", 0, 0)
    facility(plan, "supermarket", 200, 0)
    home(plan, 0, 100, gates=[(0, 120)])
    plan.close()
    return tmp_path / "grid.gpkg"


def test_cli_settings_shows_every_setting_in_each_language(plan_path, monkeypatch, capsys):
    code, out, _err = run_main(monkeypatch, capsys, "zh", "settings", plan_path)
    assert code == 0
    for setting in SETTINGS.values():
        line = next(line for line in out.splitlines() if f" {setting.key} " in line)
        assert setting.name_zh in line and "默认值" in line and setting.source[0] in line
    assert "4 千米/小时" in out and "90 平方米" in out and "基础类 [basic]" in out
    values = [line.split(" = ", 1)[1] for line in out.splitlines() if " = " in line]
    assert len(values) == len(SETTINGS)
    assert not any(unit in value for value in values for unit in ("km/h", "m²", " m", "persons"))  # units in Chinese
    code, out, _err = run_main(monkeypatch, capsys, "en", "settings", plan_path)
    assert code == 0
    for setting in SETTINGS.values():
        line = next(line for line in out.splitlines() if f" {setting.key} " in line)
        assert setting.name_en in line and "(default)" in line and setting.source[1] in line
    assert out.count("default, no published figure") == sum(s.source == NO_SOURCE for s in SETTINGS.values())


def test_cli_settings_set_changes_the_plan(plan_path, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "en", "settings", plan_path, "--set", "community_class=characteristic",
                              "--set", "speed_elderly_kmh=2.5")
    assert code == 0, err
    assert "changed: Complete-community class, Elderly walking speed" in out
    assert "characteristic (set)" in out and "2.5 km/h (set)" in out
    with PlanSession.open(plan_path) as session:
        assert session.settings["community_class"] == "characteristic"
        assert session.settings["speed_elderly_kmh"] == 2.5
    code, out, _err = run_main(monkeypatch, capsys, "zh", "settings", plan_path, "--format", "json")
    shown = json.loads(out)["settings"]
    assert shown["speed_elderly_kmh"] == {
        "value": 2.5, "default": 3.0, "unit": "km/h", "is_default": False, "name_zh": "老年人步行速度",
        "name_en": "Elderly walking speed", "source_zh": NO_SOURCE[0], "source_en": NO_SOURCE[1]}
    assert shown["persons_per_household"]["is_default"] is True
    code, out, _err = run_main(monkeypatch, capsys, "zh", "settings", plan_path, "--set", "community_class=characteristic")
    assert code == 0 and "未作更改" in out


@pytest.mark.parametrize("assignment, words", [
    ("speed_adult_kmh=fast", "must be a number from 1 to 8 km/h"),
    ("walking_speed=4", "no plan setting 'walking_speed'"),
    ("area_class=pudong", "must be one of none, outside_shanghai, inner_ring"),
])
def test_cli_settings_refuses_a_bad_key_or_value_with_one_sentence(plan_path, monkeypatch, capsys, assignment, words):
    before = sha256(plan_path)
    code, _out, err = run_main(monkeypatch, capsys, "en", "settings", plan_path, "--set", "usable_share=0.8",
                               "--set", assignment)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    code, _out, err = run_main(monkeypatch, capsys, "zh", "settings", plan_path, "--set", assignment)
    assert code == 2 and any("\u4e00" <= c <= "\u9fff" for c in err) and len(err.strip().splitlines()) == 1
    assert sha256(plan_path) == before  # neither the good nor the bad value was written


def test_cli_settings_without_a_value_is_a_usage_error(plan_path):
    r = cli("settings", plan_path, "--set", "usable_share", env=EN)
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr


def test_validate_report_and_json_carry_the_settings(plan_path, monkeypatch, capsys):
    import jsonschema
    from tests.helpers import ROOT
    with PlanSession.open(plan_path) as session:
        session.set_settings({"speed_elderly_kmh": 2.5, "area_class": "inner_ring"})
    _code, out, _err = run_main(monkeypatch, capsys, "zh", "validate", plan_path)
    header = out.splitlines()[1]
    assert header.startswith("规划设置：") and "老年人步行速度 2.5 千米/小时*" in header
    assert "上海区位类别 内环内*" in header and "户均人口 2.3 人；" in header
    _code, out, _err = run_main(monkeypatch, capsys, "en", "validate", plan_path)
    header = out.splitlines()[1]
    assert header.startswith("Settings: ") and "Elderly walking speed 2.5 km/h*" in header
    _code, out, _err = run_main(monkeypatch, capsys, "en", "validate", plan_path, "--format", "json")
    report = json.loads(out)
    jsonschema.validate(report, json.loads((ROOT / "docs" / "validate-output.schema.json").read_text()))
    assert set(report["settings"]) == set(SETTINGS)
    assert report["settings"]["area_class"]["value"] == "inner_ring"
    assert report["settings"]["area_class"]["is_default"] is False
    assert report["settings"]["usable_share"] == {
        "value": 0.7, "default": 0.7, "unit": "", "is_default": True, "name_zh": "使用面积占建筑面积比例",
        "name_en": "Usable share of floor area", "source_zh": NO_SOURCE[0], "source_en": NO_SOURCE[1]}
    assert isinstance(report["groups"], list)


# --- groups and confidence in the report -------------------------------------------------------------
def reading(rule, status, group="", applied=True, alternatives=(), confidence="high", pack="p"):
    from lifecircle_desktop.model.findings import Finding
    return Finding(rule, pack, "walk_coverage", status, "required" if applied else "recommended", 600.0, 500.0, "m",
                   (), f"{rule} 中文结论", f"{rule} finding", {"document": "《某标准》", "clause": "第1条", "text": "应"},
                   confidence=confidence, group=group, applied=applied, alternatives=tuple(alternatives))


def test_groups_name_the_reading_applied_and_the_others():
    from lifecircle_desktop.model.findings import Results
    findings = [reading("kg_667", "fail", "kindergarten_access", alternatives=("kg_500", "kg_300")),
                reading("kg_500", "warn", "kindergarten_access", applied=False),
                reading("kg_300", "pass", "kindergarten_access", applied=False, pack="q"),
                reading("alone", "pass")]
    assert Results("base", findings).groups() == [{"group": "kindergarten_access", "applied": "kg_667",
                                                   "status": "fail", "alternatives": ["kg_500", "kg_300"]}]


def test_the_report_shows_other_readings_under_the_one_applied_and_the_confidence(plan_path):
    from types import SimpleNamespace

    from lifecircle_desktop.cli.validate import to_text
    from lifecircle_desktop.model.findings import Results
    findings = [reading("kg_667", "fail", "kindergarten_access", alternatives=("kg_500",)),
                reading("kg_500", "warn", "kindergarten_access", applied=False, confidence="low"),
                reading("alone", "fail")]
    packs = [SimpleNamespace(id="p", name_zh="包", name_en="pack")]
    with PlanSession.open(plan_path) as session:
        snap = session.snapshot()
    for language, other, low in (("zh", "另一读法（不计入汇总）", "来源可信度低"), ("en", "other reading (not counted)",
                                                                             "low confidence")):
        lines = to_text(snap, packs, Results("base", findings), [], language, False).splitlines()
        applied = next(i for i, line in enumerate(lines) if "kg_667" in line)
        assert other in lines[applied + 2] and "kg_500" in lines[applied + 2] and low in lines[applied + 2]
        assert sum("kg_500" in line for line in lines) == 1  # only beside the reading applied
        assert not any(low in line for line in lines if "kg_667" in line)


def test_the_schema_documents_the_finding_fields_and_refuses_what_they_cannot_be():
    import jsonschema
    from tests.helpers import ROOT
    schema = json.loads((ROOT / "docs" / "validate-output.schema.json").read_text())
    finding = {"rule": "kg_667", "pack": "p", "kind": "walk_coverage", "status": "fail", "severity": "required",
               "measured": 600.0, "threshold": 500.0, "unit": "m", "features": [], "message_zh": "结论",
               "message_en": "finding", "citation": {"document": "《某标准》", "clause": "第1条", "text": "应"},
               "confidence": "low", "modal": "应", "group": "kindergarten_access", "applied": True,
               "alternatives": ["kg_500"], "estimated": [3, 10], "long_connectors": 1}
    from lifecircle_desktop.cli.settings import settings_json
    report = {"plan": "x", "scenario": "base", "packs": ["p"], "settings": settings_json(DEFAULTS),
              "summary": {"pass": 0, "fail": 1, "warn": 0, "manual": 0, "n/a": 0, "required_failed": 1},
              "findings": [finding], "groups": [{"group": "kindergarten_access", "applied": "kg_667",
                                                  "status": "fail", "alternatives": ["kg_500"]}]}
    jsonschema.validate(report, schema)
    for key, bad in (("confidence", "certain"), ("estimated", [3]), ("applied", "yes"), ("long_connectors", -1)):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**report, "findings": [{**finding, key: bad}]}, schema)
    for missing in ("settings", "groups"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({k: v for k, v in report.items() if k != missing}, schema)
    assert set(schema["properties"]["settings"]["required"]) == set(SETTINGS)


def test_the_readme_documents_every_setting():
    from tests.helpers import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS.values():
        assert f"`{setting.key}`" in readme and setting.name_zh in readme and setting.name_en in readme
    assert "规划 → 规划设置" in readme and "lifecircle settings" in readme

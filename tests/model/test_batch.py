"""Many plans in one batch (issue 17 item 5): `validate --format jsonl` over a folder of ten plans,
one of them damaged, in one process, in a pool of two and on a Dask cluster of two workers."""
import json
import os
import shutil
import tempfile
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from shapely.geometry import box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.batch import PlanBytes, validate_plan, validate_plans
from lifecircle_desktop.model.edits import CreateScenario
from lifecircle_desktop.model.errors import PlanError
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import ROOT, cli
from tests.model.planbuilder import facility, grid_plan, home

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"


def schema_validator():
    """docs/validate-batch.schema.json, its $refs into validate-output.schema.json resolved."""
    docs = ROOT / "docs"
    single = json.loads((docs / "validate-output.schema.json").read_text(encoding="utf-8"))
    batch = json.loads((docs / "validate-batch.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(batch)
    registry = Registry().with_resource("validate-output.schema.json", Resource.from_contents(single))
    return jsonschema.Draft202012Validator(batch, registry=registry)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """Ten plans: four copies of the demo, four small grid communities (one with a second
    scenario), one with no rule pack enabled (nothing can fail), and a demo copy cut short."""
    folder = tmp_path_factory.mktemp("district")
    for i in range(4):
        shutil.copy(DEMO, folder / f"siping_{i}.gpkg")
    for i in range(4):
        plan = grid_plan(folder / f"grid_{i}.gpkg")
        home(plan, 0, 0, households=100 + 50 * i, gates=[(0, 0)])
        home(plan, 300, 300, households=80, gates=[(300, 300)])
        facility(plan, "kindergarten", 100 * (i + 1), 0, w=50, h=40, floors=1 + i)
        if i == 0:
            plan.apply(CreateScenario("方案二", parent="base"))
        plan.close()
    empty = Plan.create(folder / "no_packs.gpkg", "无规则包", 32651, packs=[])
    empty.apply(AddFeature("residential", box(0, 0, 40, 40), {"households": 50}))
    empty.close()
    (folder / "damaged.gpkg").write_bytes(DEMO.read_bytes()[:20000])
    return folder


def lines_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def without_seconds(lines) -> list[dict]:
    return sorted(({k: v for k, v in line.items() if k != "seconds"} for line in lines), key=lambda l: l["plan"])


@pytest.fixture(scope="module")
def local_run(district):
    """The folder validated by a pool of two processes, with every plan's findings."""
    result = cli("validate", "--dir", district, "--format", "jsonl", "--jobs", "2", "--detail")
    return result, lines_of(result)


def test_ten_plans_one_damaged_nine_validated(district, local_run):
    result, lines = local_run
    assert result.returncode == 2, result.stderr  # the damaged plan's 2 is the worst
    validator = schema_validator()
    for line in lines:
        validator.validate(line)
    assert sorted(line["plan"] for line in lines) == sorted(str(p) for p in district.glob("*.gpkg"))
    by_name = {Path(line["plan"]).name: line for line in lines}
    damaged = by_name.pop("damaged.gpkg")
    assert not damaged["ok"] and damaged["exit"] == 2 and damaged["summary"] is None
    assert damaged["error"]["en"].startswith("damaged.gpkg: the file is damaged")
    assert damaged["error"]["zh"].startswith("damaged.gpkg：")
    for name, line in by_name.items():  # each as the plan's own session judges it
        with PlanSession.open(district / name) as session:
            results = session.validate()
            summary, findings = results.summary(), [f.to_json() for f in results.findings]
            assert line["name"] == session.plan.name
        assert line["ok"] and line["summary"] == summary and "error" not in line, name
        assert line["exit"] == (1 if summary["required_failed"] else 0)
        assert json.loads(json.dumps(findings)) == line["findings"]
    assert by_name["no_packs.gpkg"]["exit"] == 0 and by_name["siping_0.gpkg"]["exit"] == 1
    progress = result.stderr.splitlines()
    assert progress[-1].startswith("10/10") and len(progress) == 10


def test_findings_are_those_of_the_single_plan_json(local_run):
    _, lines = local_run
    single = cli("validate", DEMO, "--format", "json")
    line = next(line for line in lines if line["plan"].endswith("siping_0.gpkg"))
    assert line["findings"] == json.loads(single.stdout)["findings"]
    assert line["summary"] == json.loads(single.stdout)["summary"] and single.returncode == line["exit"]


def test_one_job_gives_the_lines_of_two(district, local_run):
    result = cli("validate", "--dir", district, "--format", "jsonl", "--jobs", "1", "--detail")
    assert result.returncode == local_run[0].returncode
    assert without_seconds(lines_of(result)) == without_seconds(local_run[1])
    # One job goes in the order given (--dir: sorted by name).
    assert [line["plan"] for line in lines_of(result)] == sorted(str(p) for p in district.glob("*.gpkg"))


def test_exit_code_is_the_worst(district):
    passing = cli("validate", district / "no_packs.gpkg", "--format", "jsonl")
    assert passing.returncode == 0 and lines_of(passing)[0]["summary"]["required_failed"] == 0
    failing = cli("validate", district / "no_packs.gpkg", district / "grid_1.gpkg", district / "no_packs.gpkg",
                  "--format", "jsonl", "--jobs", "2")
    assert failing.returncode == 1
    assert [line["exit"] for line in lines_of(failing)].count(0) == 1  # a plan named twice runs once


def test_a_scenario_missing_from_a_plan_is_said_on_its_line(district):
    result = cli("validate", district / "grid_0.gpkg", district / "grid_1.gpkg", "--scenario", "方案二",
                 "--format", "jsonl", "--jobs", "1")
    first, second = lines_of(result)
    assert first["ok"] and first["scenario"] == "方案二"
    assert not second["ok"] and second["exit"] == 2 and "方案二" in second["error"]["zh"]
    assert result.returncode == 2


def test_several_plans_need_jsonl_and_a_missing_folder_is_one_sentence(district):
    text = cli("validate", district / "grid_1.gpkg", district / "grid_2.gpkg")
    assert text.returncode == 2 and "--format jsonl" in text.stderr and "Traceback" not in text.stderr
    missing = cli("validate", "--dir", district / "nowhere", "--format", "jsonl")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "nowhere" in missing.stderr


def test_bytes_carry_the_uncheckpointed_log_and_leave_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "worker_tmp"))
    (tmp_path / "worker_tmp").mkdir()
    plan = grid_plan(tmp_path / "open.gpkg")
    home(plan, 0, 0, households=300, gates=[(0, 0)])
    try:  # still open: its last edits are in open.gpkg-wal, not yet in the file
        facility(plan, "kindergarten", 100, 0, w=50, h=40, floors=2)
        payload = PlanBytes.read(plan.path)
        assert payload.wal is not None
        expected = PlanSession(plan).validate().summary()
        line = validate_plan(payload, detail=True)
    finally:
        plan.close()
    assert line["ok"] and line["summary"] == expected and line["plan"] == str(tmp_path / "open.gpkg")
    assert any(f["rule"] == "cc_kindergarten_building_area" and f["status"] == "pass" for f in line["findings"])
    assert list((tmp_path / "worker_tmp").iterdir()) == []


def test_bytes_that_are_not_a_plan_are_named_by_their_label(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    line = validate_plan(b"not a plan at all" * 10, label="../../etc/区 计划.gpkg")
    assert line["exit"] == 2 and line["plan"] == "../../etc/区 计划.gpkg"
    assert line["error"]["en"].startswith("区_计划.gpkg: not a plan file")
    assert list(tmp_path.iterdir()) == []


def dies_on_crash_plans(plan, **options):
    """The per-plan task, except that a plan named crash*.gpkg kills its worker process (as the
    kernel's OOM killer would): no line, no exception, the process is gone."""
    if "crash" in str(plan):
        os._exit(9)
    return validate_plan(plan, **options)


def test_a_worker_that_dies_costs_only_its_plan(district, tmp_path):
    plans = [district / "grid_1.gpkg", district / "grid_2.gpkg", tmp_path / "crash.gpkg",
             district / "grid_3.gpkg", district / "no_packs.gpkg", district / "siping_1.gpkg"]
    shutil.copy(district / "grid_1.gpkg", plans[2])
    lines = {line["plan"]: line for line in validate_plans([str(p) for p in plans], jobs=2, task=dies_on_crash_plans)}
    assert set(lines) == {str(p) for p in plans}
    crashed = lines.pop(str(plans[2]))
    assert crashed["exit"] == 2 and "stopped unexpectedly" in crashed["error"]["en"]
    for path, line in lines.items():
        assert line["ok"], (path, line.get("error"))


def test_cluster_without_dask_is_one_sentence(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "dask", None)
    monkeypatch.setitem(__import__("sys").modules, "dask.distributed", None)
    with pytest.raises(PlanError, match=r"pip install 'lifecircle-desktop\[cluster\]'"):
        list(validate_plans([str(DEMO)], cluster="tcp://127.0.0.1:8786"))


def test_a_dask_cluster_gives_the_lines_of_the_local_run(district, local_run):
    from dask.distributed import LocalCluster
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        by_path = cli("validate", "--dir", district, "--format", "jsonl", "--detail", "--cluster", address)
        by_bytes = list(validate_plans(sorted(str(p) for p in district.glob("*.gpkg")), cluster=address,
                                       send_bytes=True, detail=True))
    assert by_path.returncode == local_run[0].returncode, by_path.stderr
    assert without_seconds(lines_of(by_path)) == without_seconds(local_run[1])
    assert by_path.stderr.splitlines()[-1].startswith("10/10")
    assert without_seconds(json.loads(json.dumps(by_bytes))) == without_seconds(local_run[1])


def test_a_plan_sent_as_bytes_is_written_under_a_name_no_system_reads_as_a_device():
    """--send-bytes writes each plan under its own name in a temporary folder: a plan named CON.gpkg
    or nul must not open a Windows device, and a path in the label must not leave the folder."""
    from lifecircle_desktop.model.batch import safe_file_name
    assert safe_file_name("CON.gpkg") == "_CON.gpkg"
    assert safe_file_name("nul") == "_nul"
    assert safe_file_name("LPT1.gpkg").startswith("_")
    assert safe_file_name("console.gpkg") == "console.gpkg"
    assert safe_file_name("a/b/../四平.gpkg") == "四平.gpkg"
    assert safe_file_name("..") == "plan.gpkg"

"""The bundle as one folder: named from the plan, the scenario and the date, never over an earlier
one, and nothing left behind when it fails or is cancelled at any point (issue 12 item 1)."""
import datetime as dt
import errno
import threading

import pytest

from lifecircle_desktop.export import ExportCancelled, ExportOptions, Progress
from lifecircle_desktop.export import gis
from lifecircle_desktop.model.errors import PlanError

GIS = ExportOptions(only=("gpkg", "geojson"))


def everything_in(folder):
    """Every path under ``folder``, hidden ones too."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def others(folder):
    """What is in ``folder`` besides the plan file (and its -wal, -shm)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("同济.gpkg"))


def test_the_folder_is_named_from_plan_scenario_and_date_and_never_overwritten(shanghai, tmp_path):
    out = tmp_path / "out"
    first = shanghai.export(out, GIS)
    today = dt.date.today().isoformat()
    assert first == out / f"同济新村_基础方案_{today}"
    assert sorted(p.name for p in first.iterdir()) == ["geojson", "plan.gpkg"]
    before = everything_in(first)
    second = shanghai.export(out, GIS)
    assert second == out / f"同济新村_基础方案_{today} (2)"
    assert everything_in(first) == before
    english = shanghai.export(out, ExportOptions(only=("gpkg",), lang="en", scenario="方案二"))
    assert english.name == f"同济新村_方案二_{today}"
    assert sorted(p.name for p in out.iterdir()) == sorted([first.name, second.name, english.name])


def test_a_hostile_plan_name_gives_a_safe_folder_inside_the_target(tmp_path):
    from tests.export.conftest import drawn_plan
    with drawn_plan(tmp_path / "p.gpkg", name="../../CON/四平\x07社区 ") as session:
        folder = session.export(tmp_path / "out", ExportOptions(only=("gpkg",)))
    assert folder.parent == tmp_path / "out"
    assert folder.name.startswith("_.._CON_四平社区_基础方案_")
    assert (folder / "plan.gpkg").is_file()


@pytest.mark.parametrize("options, words", [
    (ExportOptions(scenario="没有这个方案", only=("gpkg",)), "there is no scenario 没有这个方案"),
    (ExportOptions(compare="也没有", only=("gpkg",)), "there is no scenario 也没有"),
    (ExportOptions(only=("pdf",)), "there is no export part pdf"),
    (ExportOptions(only=()), "no part of the bundle was chosen"),
    (ExportOptions(crs="gk"), "unknown CRS choice gk"),
    (ExportOptions(lang="fr"), "unknown language fr"),
    (ExportOptions(only=("gpkg", "dxf")), "this build cannot write the CAD drawing (DXF)"),
])
def test_what_does_not_exist_is_refused_in_one_sentence_leaving_nothing(shanghai, tmp_path, options, words, monkeypatch):
    from lifecircle_desktop.export import bundle
    monkeypatch.setitem(bundle.PARTS, "dxf", ("no_such_module", "write_dxf", "plan.dxf", ("CAD 图（DXF）", "CAD drawing (DXF)")))
    with pytest.raises(PlanError) as refused:
        shanghai.export(tmp_path / "new" / "folder", options)
    assert words in refused.value.message_en and refused.value.message_zh
    assert "\n" not in refused.value.message_en
    assert others(tmp_path) == []  # the folders it would have made: gone


def test_a_folder_that_cannot_be_written_is_refused_leaving_nothing(shanghai, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with pytest.raises(PlanError, match="is not a folder"):
        shanghai.export(blocker, GIS)
    with pytest.raises(PlanError, match="cannot be created"):
        shanghai.export(blocker / "inside", GIS)
    assert blocker.read_text() == "" and others(tmp_path) == ["a file"]


def test_a_part_failing_midway_leaves_nothing_and_says_so_in_one_sentence(shanghai, tmp_path, monkeypatch):
    def full_disk(ctx, folder, progress):
        folder.mkdir()
        (folder / "residential.geojson").write_text("{")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(gis, "write_geojson", full_disk)
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("the planner's own file")
    with pytest.raises(PlanError) as failed:
        shanghai.export(out, GIS)
    assert "No space left on device" in failed.value.message_en and "nothing was left behind" in failed.value.message_en
    assert everything_in(out) == ["earlier.txt"]


def _reports(shanghai, tmp_path) -> int:
    seen = []
    shanghai.export(tmp_path / "count", GIS, Progress(lambda *a: seen.append(a)))
    return len(seen)


def test_a_cancel_at_any_report_stops_at_once_and_leaves_nothing(shanghai, tmp_path):
    total = _reports(shanghai, tmp_path)
    assert total >= 5
    for k in sorted({1, 2, total // 2, total - 1, total}):
        cancel = threading.Event()
        after = []

        def report(fraction, zh, en, k=k):
            if cancel.is_set():
                after.append(fraction)  # a report once cancelled: the export went on
            seen.append(fraction)
            if len(seen) == k:
                cancel.set()
        seen = []
        out = tmp_path / f"cancel{k}"
        with pytest.raises(ExportCancelled):
            shanghai.export(out, GIS, Progress(report, cancel.is_set))
        assert after == [], k
        assert not out.exists(), (k, everything_in(out))


def test_the_progress_rises_from_validation_to_the_end(shanghai, tmp_path):
    fractions = []
    shanghai.export(tmp_path / "out", GIS, Progress(lambda f, zh, en: fractions.append((f, zh, en))))
    values = [f for f, _zh, _en in fractions]
    assert values == sorted(values) and values[0] > 0 and values[-1] == 1.0
    assert all(zh and en for _f, zh, en in fractions)


def test_a_cancelled_export_on_a_thread_returns_when_cancelled(shanghai, tmp_path):
    """The desktop's way: the export on a worker, Cancel pressed after the first report."""
    from lifecircle_desktop.model.session import PlanSession
    cancel, first = threading.Event(), threading.Event()
    outcome = {}
    path = shanghai.plan.path

    def work():
        # Its own connection to the plan, as the desktop's worker has: none crosses a thread.
        with PlanSession.open(path) as session:
            try:
                session.export(tmp_path / "out", GIS, Progress(lambda *a: first.set(), cancel.is_set))
            except ExportCancelled as e:
                outcome["error"] = e
    worker = threading.Thread(target=work)
    worker.start()
    assert first.wait(60)
    cancel.set()
    worker.join(60)
    assert not worker.is_alive() and isinstance(outcome.get("error"), ExportCancelled)
    assert not (tmp_path / "out").exists()


def test_a_killed_exports_temporary_folder_is_removed_by_the_next_export(shanghai, tmp_path):
    import os
    import subprocess
    import sys
    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)  # a process that has exited
    name = f"同济新村_基础方案_{dt.date.today().isoformat()}"
    abandoned = out / f".{name}.partial-{dead_pid}"
    (abandoned / "geojson").mkdir(parents=True)
    (abandoned / "plan.gpkg").write_bytes(b"half")
    living = out / f".{name}.partial-{os.getppid()}"  # a running process's export: left alone
    living.mkdir()
    shanghai.export(out, GIS)
    assert not abandoned.exists() and living.is_dir()


def test_every_part_is_written_at_its_fixed_name_under_its_share_of_the_progress(shanghai, tmp_path, monkeypatch):
    """The dispatch, with stand-ins for the parts other modules write: each is called once with the
    context, its path inside the temporary folder and a progress reporter of its own."""
    from lifecircle_desktop.export import bundle
    calls = []

    def stand_in(part):
        def write(ctx, path, progress):
            assert path.parent.name.startswith(".") and ".partial-" in path.parent.name
            assert ctx.scenario == "方案二" and ctx.compare_results is not None and ctx.crs.epsg == 4549
            progress.step(0.5, "一半", "half")
            path.write_text(part)
            calls.append((part, path.name))
        return write
    real = bundle.writer
    monkeypatch.setattr(bundle, "writer", lambda part: real(part) if part in ("gpkg", "geojson") else stand_in(part))
    fractions = []
    folder = shanghai.export(tmp_path / "out", ExportOptions(scenario="方案二", compare="base", crs="cgcs2000-gk",
                                                             only=("report", "geojson", "dxf", "xlsx", "gpkg")),
                             Progress(lambda f, zh, en: fractions.append(f)))
    assert calls == [("dxf", "plan.dxf"), ("xlsx", "project_list.xlsx"), ("report", "report.pdf")]
    assert sorted(p.name for p in folder.iterdir()) == ["geojson", "plan.dxf", "plan.gpkg", "project_list.xlsx",
                                                        "report.pdf"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0

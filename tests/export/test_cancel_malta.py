"""Issue 12: "a 2-minute export of a city-scale plan (Malta) shows progress and cancels within a
second, leaving no file". The export runs on a thread as the desktop runs it, with its own session;
Cancel comes after the first progress report."""
import threading
import time

import pytest

from lifecircle_desktop.export import ExportCancelled, ExportOptions, Progress
from lifecircle_desktop.model.session import PlanSession, create_plan_from_osm
from tests.conftest import REAL_DATA

MALTA = REAL_DATA / "malta_2018" / "malta-latest-2018-08-27.osm.pbf"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not MALTA.exists(), reason="the Malta extract is not here")]


@pytest.fixture(scope="module")
def malta(tmp_path_factory):
    path = tmp_path_factory.mktemp("malta") / "malta.gpkg"
    session, _summary = create_plan_from_osm(MALTA, path, name="Malta")
    session.close()
    return path


@pytest.mark.parametrize("cancel_after", [1, 4])
def test_an_export_of_malta_shows_progress_and_cancels_within_a_second_leaving_nothing(malta, tmp_path, cancel_after):
    reports, cancel, cancelled_at = [], threading.Event(), {}
    outcome = {}

    def report(fraction, zh, en):
        reports.append(fraction)
        if len(reports) == cancel_after and not cancel.is_set():
            cancelled_at["t"] = time.perf_counter()
            cancel.set()

    def work():
        with PlanSession.open(malta) as session:
            try:
                session.export(tmp_path / "out", ExportOptions(only=("gpkg", "geojson")), Progress(report, cancel.is_set))
            except ExportCancelled as e:
                outcome["error"] = e
            outcome["t"] = time.perf_counter()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(300)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), ExportCancelled)
    assert len(reports) == cancel_after and 0 < reports[0] < 1  # progress shown, none after the cancel
    assert outcome["t"] - cancelled_at["t"] < 1.0
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []

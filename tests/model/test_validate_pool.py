"""Issue 17: a district's full validation hands each facility type's search to worker processes
(model/search_pool.py) and snaps the homes meanwhile; what it finds equals searching here."""
import os
import signal

import numpy as np
import pytest

from lifecircle_desktop.model import search_pool, validate
from lifecircle_desktop.model.session import PlanSession
from lifecircle_desktop.model.validate import Validator


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    from bench.synthetic import make_plan
    path = tmp_path_factory.mktemp("pool") / "district.gpkg"
    make_plan(path, 10000, seed=5)
    session = PlanSession.open(path)
    yield session
    session.close()


@pytest.fixture
def pool(monkeypatch):
    """A pool of two workers, up and answering, used for every network however small."""
    made = search_pool.SearchPool(2)
    taken = []

    def search(*args):
        future = original(*args)
        taken.append(future)
        return future
    original, made.search = made.search, search
    with search_pool.SharedGraph(np.array([0, 1, 2], np.int32), np.array([1, 0], np.int32), np.ones(2)) as tiny:
        for _ in range(2):  # both workers started: a search sent now is taken at once
            made.search(tiny, np.array([3], np.int32), np.array([0], np.int32), np.zeros(1), 10.0).result(timeout=120)
    taken.clear()
    monkeypatch.setattr(search_pool, "shared_pool", lambda: made)
    monkeypatch.setattr(validate, "POOL_MIN_NODES", 0)
    monkeypatch.setattr(validate, "POOL_WARM_PATHS", 0)
    made.taken = taken
    yield made
    made.close()


def full(session):
    return Validator(session.enabled_packs(), catalogue=session.catalogue).full(session.snapshot())


def assert_same(got, want):
    assert [f.to_json() for f in got.findings] == [f.to_json() for f in want.findings]
    assert np.array_equal(got.home_ids, want.home_ids)
    assert got.distances.keys() == want.distances.keys()
    for t, (dist, near, layer) in want.distances.items():
        assert np.array_equal(got.distances[t][0], dist), t
        assert np.array_equal(got.distances[t][1], near), t  # the same search on the same matrix
        assert got.distances[t][2] == layer


def test_searches_in_workers_equal_searches_here(district, monkeypatch):
    from lifecircle_desktop.model import network
    monkeypatch.setattr(network, "REGION_MAX_SOURCES", 0)
    monkeypatch.setenv("LIFECIRCLE_SEARCH_WORKERS", "0")
    here = full(district)
    monkeypatch.delenv("LIFECIRCLE_SEARCH_WORKERS")
    made = search_pool.SearchPool(2)
    try:
        monkeypatch.setattr(search_pool, "shared_pool", lambda: made)
        monkeypatch.setattr(validate, "POOL_MIN_NODES", 0)
        monkeypatch.setattr(validate, "POOL_WARM_PATHS", 0)
        assert_same(full(district), here)  # workers still starting: some or all searched here
    finally:
        made.close()


def test_searches_taken_by_running_workers_equal_searches_here(district, pool, monkeypatch):
    from lifecircle_desktop.model import network
    monkeypatch.setattr(network, "REGION_MAX_SOURCES", 0)  # a dozen facilities a type here: whole-graph searches
    monkeypatch.setenv("LIFECIRCLE_SEARCH_WORKERS", "0")
    here = Validator(district.enabled_packs(), catalogue=district.catalogue).full(district.snapshot())
    monkeypatch.delenv("LIFECIRCLE_SEARCH_WORKERS")
    assert_same(full(district), here)
    answered = [f for f in pool.taken if f.done() and not f.cancelled() and f.exception() is None]
    assert answered, "no search was answered by a worker"


def test_a_killed_worker_costs_time_not_results(district, pool, monkeypatch):
    from lifecircle_desktop.model import network
    monkeypatch.setattr(network, "REGION_MAX_SOURCES", 0)
    monkeypatch.setenv("LIFECIRCLE_SEARCH_WORKERS", "0")
    here = full(district)
    monkeypatch.delenv("LIFECIRCLE_SEARCH_WORKERS")
    for pid in pool.worker_pids():
        os.kill(pid, signal.SIGKILL)
    assert_same(full(district), here)
    assert pool.taken, "no search was handed to the pool"



class Recorder:
    """Stands in for the process's search pool: counts warm-ups, takes no search."""

    def __init__(self):
        self.warmed = 0

    def warm(self):
        self.warmed += 1


def paths_in(path) -> int:
    import sqlite3
    from contextlib import closing
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT count(*) FROM walk_network").fetchone()[0]


def test_opening_a_district_sized_plan_starts_the_workers(tmp_path, monkeypatch):
    from tests.model.planbuilder import grid_plan
    grid_plan(tmp_path / "grid.gpkg", n=4).close()
    paths = paths_in(tmp_path / "grid.gpkg")
    recorder = Recorder()
    monkeypatch.setattr(search_pool, "shared_pool", lambda: recorder)
    monkeypatch.setattr(validate, "POOL_WARM_PATHS", paths + 1)
    PlanSession.open(tmp_path / "grid.gpkg").close()
    assert recorder.warmed == 0  # fewer paths than a district's
    monkeypatch.setattr(validate, "POOL_WARM_PATHS", paths)
    PlanSession.open(tmp_path / "grid.gpkg").close()
    assert recorder.warmed == 1


def test_a_damaged_or_foreign_file_starts_nothing(tmp_path, monkeypatch):
    import sqlite3
    from contextlib import closing
    from lifecircle_desktop.model.errors import PlanError
    from tests.model.planbuilder import grid_plan
    recorder = Recorder()
    monkeypatch.setattr(search_pool, "shared_pool", lambda: recorder)
    monkeypatch.setattr(validate, "POOL_WARM_PATHS", 1)
    grid_plan(tmp_path / "grid.gpkg", n=3).close()
    data = (tmp_path / "grid.gpkg").read_bytes()
    damaged = tmp_path / "damaged.gpkg"
    damaged.write_bytes(data[: len(data) // 3])
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(PlanError):
        PlanSession.open(damaged)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # nothing left beside it
    foreign = tmp_path / "foreign.gpkg"
    foreign.write_bytes(data)
    with closing(sqlite3.connect(foreign)) as db:  # another program's trigger: nothing runs before the planner agrees
        db.execute("CREATE TRIGGER sneaky AFTER INSERT ON walk_network BEGIN SELECT 1; END")
        db.commit()
    with pytest.raises(PlanError):
        PlanSession.open(foreign)
    assert recorder.warmed == 0


def test_a_view_posing_as_the_walking_layer_is_never_run(tmp_path, monkeypatch):
    """An old-version file whose walk_network is a view that never ends: counting its paths would
    run it (a second reader's find); opening must say what is wrong and return."""
    import sqlite3
    import threading
    from contextlib import closing
    from lifecircle_desktop.model.errors import PlanError
    path = tmp_path / "hostile.gpkg"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
        db.execute("CREATE TABLE gpkg_contents (table_name TEXT)")
        db.execute("CREATE TABLE plan_meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO plan_meta VALUES ('schema_version', '1')")
        db.execute("CREATE VIEW walk_network AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                   "SELECT x FROM c")
        db.commit()
    recorder = Recorder()
    monkeypatch.setattr(search_pool, "shared_pool", lambda: recorder)
    monkeypatch.setattr(validate, "POOL_WARM_PATHS", 1)
    said = []

    def open_it():
        try:
            PlanSession.open(path).close()
        except PlanError as e:
            said.append(e.message_en)
    opening = threading.Thread(target=open_it, daemon=True)
    opening.start()
    opening.join(60)
    assert not opening.is_alive(), "opening ran the view"
    assert said and "\n" not in said[0]
    assert recorder.warmed == 0

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

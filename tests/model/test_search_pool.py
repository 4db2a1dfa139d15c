"""The walking searches in worker processes (model/search_pool.py, issue 17) answer what the
in-process search answers: the same distance for every node and, as the nearest source, one that
is exactly that far — checked against scipy's search from each source alone. A worker killed
mid-search fails only that search; shared memory is never left behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import wait

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from lifecircle_desktop.model.search_pool import NO_SOURCE, SearchPool, SearchWorkerDied, search_here, shared_pool
from tests.helpers import ROOT

TIMEOUT = 60  # seconds a future may take on a busy machine before the test fails


def random_graph(seed: int, n: int, degree: float, k: int):
    """A walking-network-like problem: n base nodes, about ``degree`` one-way edges a node (each
    street both ways, with lengths 1–100 m), and k virtual sources joined to 1–3 nodes each, as
    ``WalkGraph._dijkstra`` builds them. Returns the base rows and the extra rows."""
    rng = np.random.default_rng(seed)
    streets = max(1, int(n * degree / 2))
    u, v = rng.integers(0, n, streets), rng.integers(0, n, streets)
    # integer lengths make ties between sources common: the rule for naming one is checked too
    length = rng.integers(1, 101, streets).astype(np.float64) if seed % 2 else rng.uniform(1, 100, streets)
    rows, cols, w = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([length, length])
    base = csr_matrix((w, (rows, cols)), shape=(n, n))  # duplicates summed: still a valid graph
    base.sum_duplicates()
    counts = rng.integers(1, 4, k)
    extra_indices = rng.integers(0, n, counts.sum()).astype(np.int32)
    extra_data = rng.integers(0, 60, counts.sum()).astype(np.float64)
    extra_indptr = (base.indptr[-1] + np.cumsum(counts)).astype(np.int32)
    return (base.indptr.astype(np.int32), base.indices.astype(np.int32), base.data,
            extra_indptr, extra_indices, extra_data)


def grid_graph(side: int, k: int, seed: int = 0):
    """A side × side street grid of 80 m blocks, and k sources at random junctions."""
    n = side * side
    node = np.arange(n).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    w = np.full(len(u), 80.0)
    base = csr_matrix((np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n))
    rng = np.random.default_rng(seed)
    extra_indices = rng.choice(n, k, replace=False).astype(np.int32)
    extra_data = np.zeros(k)
    extra_indptr = (base.indptr[-1] + np.arange(1, k + 1)).astype(np.int32)
    return (base.indptr.astype(np.int32), base.indices.astype(np.int32), base.data,
            extra_indptr, extra_indices, extra_data)


def assert_nearest(problem, limit, dist, sources):
    """The oracle: scipy's search from each virtual source alone (no min_only), over the matrix
    built here. Distances equal exactly; the source named is one of those exactly that far."""
    indptr, indices, data, extra_indptr, extra_indices, extra_data = problem
    n, k = len(indptr) - 1, len(extra_indptr)
    matrix = csr_matrix((np.concatenate([data, extra_data]), np.concatenate([indices, extra_indices]),
                         np.concatenate([indptr, extra_indptr])), shape=(n + k, n + k))
    each = dijkstra(matrix, directed=True, indices=n + np.arange(k), limit=limit)[:, :n]
    best = each.min(axis=0)
    assert dist.dtype == np.float64 and sources.dtype == np.int64 and dist.shape == sources.shape == (n,)
    np.testing.assert_array_equal(dist, best)
    reached = np.isfinite(best)
    assert (sources[~reached] == NO_SOURCE).all()
    named = sources[reached] - n
    assert ((named >= 0) & (named < k)).all()
    assert (each[named, np.flatnonzero(reached)] == best[reached]).all()


@pytest.fixture(scope="module")
def pool():
    pool = SearchPool(workers=2)
    pool.warm()
    yield pool
    pool.close()


def searched(pool, problem, limit):
    indptr, indices, data, *extra = problem
    with pool.share(indptr, indices, data) as graph:
        return pool.search(graph, *extra, limit).result(timeout=TIMEOUT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 400), degree=st.floats(0.0, 5.0),
       k=st.integers(1, 12), limit=st.sampled_from([np.inf, 50.0, 150.0, 400.0]))
def test_pool_finds_the_nearest_source_as_each_source_alone_does(pool, seed, n, degree, k, limit):
    problem = random_graph(seed, n, degree, k)
    dist, sources = searched(pool, problem, limit)
    assert_nearest(problem, limit, dist, sources)
    here = search_here(*problem, limit)  # and exactly what the in-process search answers
    np.testing.assert_array_equal(here[0], dist)
    np.testing.assert_array_equal(here[1], sources)


def test_a_street_grid_with_many_sources_and_ties(pool):
    problem = grid_graph(60, 40)
    for limit in (np.inf, 400.0, 2000.0):
        assert_nearest(problem, limit, *searched(pool, problem, limit))


def test_two_graphs_searched_in_turn(pool):
    """Two scenarios' graphs open at once: each search answers for its own graph."""
    a, b = grid_graph(30, 4, seed=1), random_graph(7, 500, 3.0, 6)
    with pool.share(*a[:3]) as graph_a, pool.share(*b[:3]) as graph_b:
        futures = [(problem, pool.search(graph, *problem[3:], 700.0))
                   for _ in range(3) for problem, graph in ((a, graph_a), (b, graph_b))]
        for problem, future in futures:
            assert_nearest(problem, 700.0, *future.result(timeout=TIMEOUT))


def test_no_source_reaches_nothing(pool):
    indptr, indices, data, *_ = grid_graph(5, 1)
    none = (np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
    dist, sources = searched(pool, (indptr, indices, data, *none), 1000.0)
    assert np.isinf(dist).all() and (sources == NO_SOURCE).all() and len(dist) == 25


def test_virtual_rows_that_do_not_continue_the_base_rows_are_refused_at_once(pool):
    indptr, indices, data, extra_indptr, extra_indices, extra_data = grid_graph(5, 2)
    with pool.share(indptr, indices, data) as graph:
        with pytest.raises(ValueError):
            pool.search(graph, extra_indptr - 1, extra_indices, extra_data, 100.0)
        with pytest.raises(ValueError):
            pool.search(graph, extra_indptr, extra_indices + 25, extra_data, 100.0)


def test_a_worker_killed_mid_search_fails_only_the_search_it_held():
    problem = grid_graph(450, 30)  # ~0.1 s a search: the kill lands mid-search
    expected = search_here(*problem, np.inf)
    indptr, indices, data, *extra = problem
    pool = SearchPool(workers=2)
    try:
        with pool.share(indptr, indices, data) as graph:
            wait([pool.search(graph, *extra, np.inf) for _ in range(2)], timeout=TIMEOUT)
            failed = []
            for _attempt in range(5):  # until a kill has landed while its worker held a search
                futures = [pool.search(graph, *extra, np.inf) for _ in range(6)]
                victim = pool.worker_pids()[0]
                os.kill(victim, signal.SIGKILL)
                done, not_done = wait(futures, timeout=TIMEOUT)
                assert not not_done
                failed = [f for f in futures if f.exception() is not None]
                assert len(failed) <= 1  # each worker holds one search at a time
                assert all(isinstance(f.exception(), SearchWorkerDied) for f in failed)
                for f in futures:
                    if f.exception() is None:
                        np.testing.assert_array_equal(f.result()[0], expected[0])
                        np.testing.assert_array_equal(f.result()[1], expected[1])
                if failed:
                    break
            assert failed
            # the pool has started a worker in the victim's place and answers every search again
            again = [pool.search(graph, *extra, np.inf) for _ in range(4)]
            for f in again:
                dist, sources = f.result(timeout=TIMEOUT)
                np.testing.assert_array_equal(dist, expected[0])
                np.testing.assert_array_equal(sources, expected[1])
            assert victim not in pool.worker_pids()
    finally:
        pool.close()


def test_a_worker_killed_between_searches_is_replaced():
    problem = grid_graph(20, 3)
    expected = search_here(*problem, 500.0)
    indptr, indices, data, *extra = problem
    pool = SearchPool(workers=1)
    try:
        with pool.share(indptr, indices, data) as graph:
            pool.search(graph, *extra, 500.0).result(timeout=TIMEOUT)
            [victim] = pool.worker_pids()
            os.kill(victim, signal.SIGKILL)
            first = pool.search(graph, *extra, 500.0)
            # dead before the search was sent (restarted at once) or after (that search fails)
            assert first.exception(timeout=TIMEOUT) is None or isinstance(first.exception(), SearchWorkerDied)
            dist, sources = pool.search(graph, *extra, 500.0).result(timeout=TIMEOUT)
            np.testing.assert_array_equal(dist, expected[0])
            np.testing.assert_array_equal(sources, expected[1])
            assert pool.worker_pids() and victim not in pool.worker_pids()
    finally:
        pool.close()


def shm_names() -> set:
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


def test_a_graph_closed_while_a_worker_searches_it():
    problem = grid_graph(200, 10)
    expected = search_here(*problem, np.inf)
    indptr, indices, data, *extra = problem
    pool = SearchPool(workers=1)
    try:
        graph = pool.share(indptr, indices, data)
        pool.search(graph, *extra, np.inf).result(timeout=TIMEOUT)  # the worker has mapped it
        [worker] = pool.worker_pids()
        future = pool.search(graph, *extra, np.inf)
        graph.close()
        assert graph.name not in shm_names()
        dist, sources = future.result(timeout=TIMEOUT)  # the worker's own mapping outlives the name
        np.testing.assert_array_equal(dist, expected[0])
        np.testing.assert_array_equal(sources, expected[1])
        with pytest.raises(ValueError):
            pool.search(graph, *extra, np.inf).result(timeout=TIMEOUT)
        # closed before the worker could map it: that search fails, the worker lives on
        other = pool.share(indptr, indices, data)
        racing = pool.search(other, *extra, np.inf)
        other.close()
        assert racing.exception(timeout=TIMEOUT) is None or isinstance(racing.exception(), ValueError)
        with pool.share(indptr, indices, data) as fresh:
            dist, _ = pool.search(fresh, *extra, np.inf).result(timeout=TIMEOUT)
        np.testing.assert_array_equal(dist, expected[0])
        assert pool.worker_pids() == [worker]
    finally:
        pool.close()


def test_searches_not_begun_are_cancelled_when_the_pool_closes():
    problem = grid_graph(300, 5)
    indptr, indices, data, *extra = problem
    pool = SearchPool(workers=1)
    with pool.share(indptr, indices, data) as graph:
        futures = [pool.search(graph, *extra, np.inf) for _ in range(5)]
        pool.close()
        done, not_done = wait(futures, timeout=TIMEOUT)
        assert not not_done and futures[-1].cancelled()
        with pytest.raises(RuntimeError):
            pool.search(graph, *extra, np.inf)


def test_a_search_not_begun_can_be_taken_back_and_run_here():
    """What a caller does with the searches still queued once it is free: cancel, search itself."""
    problem = grid_graph(300, 5)
    indptr, indices, data, *extra = problem
    pool = SearchPool(workers=1)
    try:
        with pool.share(indptr, indices, data) as graph:
            futures = [pool.search(graph, *extra, 1000.0) for _ in range(20)]
            taken = futures[-1].cancel()  # queued behind nineteen searches: not begun yet
            assert taken and futures[-1].cancelled()
            expected = search_here(*problem, 1000.0)
            for f in futures[:-1]:
                np.testing.assert_array_equal(f.result(timeout=TIMEOUT)[0], expected[0])
    finally:
        pool.close()


LEAK_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {root!r})
import numpy as np
from lifecircle_desktop.model.search_pool import SearchPool
n = 20000  # a path of n nodes, 10 m apart, both ways; sources at 5 of them
u = np.concatenate([np.arange(n - 1), np.arange(1, n)])
v = np.concatenate([np.arange(1, n), np.arange(n - 1)])
order = np.argsort(u, kind="stable")
indices, data = v[order].astype(np.int32), np.full(len(u), 10.0)
indptr = np.concatenate([[0], np.cumsum(np.bincount(u, minlength=n))]).astype(np.int32)
extra = (len(u) + np.arange(1, 6, dtype=np.int32), np.arange(0, n, n // 5, dtype=np.int32)[:5], np.zeros(5))
pool = SearchPool(2)
graphs = [pool.share(indptr, indices, data) for _ in range(3)]
for g in graphs:
    print(g.name, flush=True)
    pool.search(g, *extra, np.inf).result(60)
mode = sys.argv[1]
if mode == "close":
    for g in graphs:
        g.close()
    pool.close()
elif mode == "killed":  # a worker killed mid-search, the rest left to the exit
    futures = [pool.search(graphs[0], *extra, np.inf) for _ in range(4)]
    os.kill(pool.worker_pids()[0], signal.SIGKILL)
    for f in futures:
        f.exception(60)
    del graphs[1]  # one graph collected
# "exit": graphs and pool left open at exit
"""


@pytest.mark.parametrize("mode", ["close", "exit", "killed"])
def test_no_shared_memory_left_behind_and_nothing_said_at_exit(mode):
    out = subprocess.run([sys.executable, "-c", LEAK_SCRIPT.format(root=str(ROOT)), mode], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    names = out.stdout.split()
    assert len(names) == 3
    assert out.stderr == ""  # no resource_tracker warning about leaked shared memory, no traceback
    if os.path.isdir("/dev/shm"):
        assert not set(names) & shm_names()


LEAN_SCRIPT = """
import os, sys
sys.path.insert(0, {root!r})
print("the script ran", flush=True)  # no __main__ guard: a worker importing this would print again
import numpy as np
import shapely  # the app's process has these loaded; the workers must not
from lifecircle_desktop.model.search_pool import SearchPool
pool = SearchPool(1)
with pool.share(np.array([0, 1, 2], np.int32), np.array([1, 0], np.int32), np.ones(2)) as g:
    pool.search(g, np.array([3], np.int32), np.array([0], np.int32), np.zeros(1), 10.0).result(60)
    with open(f"/proc/{{pool.worker_pids()[0]}}/maps") as f:
        maps = f.read()
print("worker maps:", " ".join(w for w in ("shapely", "PySide6", "pandas", "pyogrio") if w in maps) or "none")
pool.close()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_load_neither_the_app_nor_the_callers_script(tmp_path):
    script = tmp_path / "validate_at_import.py"
    script.write_text(LEAN_SCRIPT.format(root=str(ROOT)), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("the script ran") == 1
    assert "worker maps: none" in out.stdout


def _shared_pool_is_none() -> bool:
    return shared_pool() is None


def test_the_shared_pool_is_not_used_where_it_must_not_be(monkeypatch):
    monkeypatch.delenv("LIFECIRCLE_SEARCH_WORKERS", raising=False)
    if len(os.sched_getaffinity(0)) >= 2:
        assert shared_pool() is not None and shared_pool() is shared_pool()
    monkeypatch.setenv("LIFECIRCLE_SEARCH_WORKERS", "0")
    assert shared_pool() is None
    monkeypatch.delenv("LIFECIRCLE_SEARCH_WORKERS")
    # in a worker of another process pool (batch.py's, Dask's): parallel already
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as other:
        assert other.submit(_shared_pool_is_none).result(timeout=TIMEOUT)
    # on one CPU
    one_cpu = subprocess.run(["taskset", "-c", "0", sys.executable, "-c",
                              "from lifecircle_desktop.model.search_pool import shared_pool; print(shared_pool())"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert one_cpu.stdout.strip() == "None", one_cpu.stderr

"""The walking searches in worker processes (model/search_pool.py, issue 17) answer what the
in-process search answers: the same distance for every node and, as the nearest source, one that
is exactly that far — checked against scipy's search from each source alone. A worker killed
mid-search fails only that search; shared memory is never left behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
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

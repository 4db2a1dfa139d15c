"""Test oracles for walking distances, written with networkx and independently of
lifecircle_desktop.model.network (design.md §4: networkx is a test oracle, never a runtime
dependency).

- ``nearest_from_edge_list``: the exact weighted directed problem the module solves
  (``WalkGraph.edge_list``) solved again with ``nx.multi_source_dijkstra``. Checks the Dijkstra,
  the limit and the way access points are attached.
- ``split_segment_nearest``: design.md §4 taken literally from raw straight segments: every
  access point is snapped by brute force to the nearest segment, that segment is split there,
  and the connectors become edges. Shares no code with the module, so it also checks graph
  building and snapping.
"""
from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np


def nearest_from_edge_list(edges, source_fids, target_fids, limit=math.inf):
    """(distance, nearest source fid) per target fid, from (tail, head, weight) edges whose
    sources are ``("source", fid)`` and targets ``("target", fid)``. Parallel edges: shortest."""
    graph = _digraph(edges)
    starts = [("source", f) for f in source_fids if ("source", f) in graph]
    dist, paths = (nx.multi_source_dijkstra(graph, starts, cutoff=limit, weight="weight")
                   if starts else ({}, {}))
    out_d = np.full(len(target_fids), np.inf)
    out_s = np.full(len(target_fids), -1, dtype=np.int64)
    for i, fid in enumerate(target_fids):
        node = ("target", fid)
        if node in dist:
            out_d[i] = dist[node]
            out_s[i] = paths[node][0][1]
    return out_d, out_s


def distance_between(edges, source_fid, target_fid) -> float:
    """Walking distance from one source owner to one target owner (to check ties)."""
    graph = _digraph(edges)
    try:
        return nx.dijkstra_path_length(graph, ("source", source_fid), ("target", target_fid), weight="weight")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return math.inf


def _digraph(edges) -> nx.DiGraph:
    graph = nx.DiGraph()
    for a, b, w in edges:
        if not graph.has_edge(a, b) or graph[a][b]["weight"] > w:
            graph.add_edge(a, b, weight=w)
    return graph


def split_segment_nearest(segments, sources, targets, limit=math.inf):
    """Nearest source per target owner on a network of straight segments.

    ``segments``: (node_a, node_b, (xa, ya), (xb, yb)) with hashable node labels (OSM ids, or
    coordinate tuples). ``sources``/``targets``: (owner fid, (x, y)) access points; an owner may
    have several. Returns {target fid: (distance, source fid)} for targets within ``limit``.
    """
    a = np.array([s[2] for s in segments], dtype=float)
    b = np.array([s[3] for s in segments], dtype=float)
    ab = b - a
    seg_len = np.hypot(ab[:, 0], ab[:, 1])
    splits = defaultdict(list)  # segment -> [(metres from a, node)]
    graph = nx.DiGraph()
    for kind, points in (("source", sources), ("target", targets)):
        for k, (fid, xy) in enumerate(points):
            p = np.asarray(xy, dtype=float)
            with np.errstate(invalid="ignore", divide="ignore"):
                t = np.clip(((p - a) * ab).sum(axis=1) / (seg_len ** 2), 0.0, 1.0)
            t = np.nan_to_num(t)
            foot = a + t[:, None] * ab
            gap = np.hypot(*(foot - p).T)
            nearest = int(np.argmin(gap))
            snap_node = ("snap", kind, k)
            splits[nearest].append((float(t[nearest] * seg_len[nearest]), snap_node))
            if kind == "source":   # one-way: a path never passes through a facility
                _add(graph, ("source", fid), snap_node, float(gap[nearest]))
            else:
                _add(graph, snap_node, ("target", fid), float(gap[nearest]))
    for i, (na, nb, _, _) in enumerate(segments):
        chain = [(0.0, na)] + sorted(splits.get(i, []), key=lambda x: x[0]) + [(float(seg_len[i]), nb)]
        for (t0, n0), (t1, n1) in zip(chain, chain[1:]):
            _add(graph, n0, n1, t1 - t0)
            _add(graph, n1, n0, t1 - t0)
    starts = sorted({("source", fid) for fid, _ in sources} & set(graph), key=str)
    dist, paths = nx.multi_source_dijkstra(graph, starts, cutoff=limit, weight="weight")
    return {node[1]: (d, paths[node][0][1]) for node, d in dist.items()
            if isinstance(node, tuple) and node[0] == "target"}


def _add(graph, a, b, w):
    if not graph.has_edge(a, b) or graph[a][b]["weight"] > w:
        graph.add_edge(a, b, weight=w)

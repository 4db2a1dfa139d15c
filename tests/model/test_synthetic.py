"""The synthetic districts of the scale benchmark (bench/synthetic.py, issue 17): seeded, counted as
asked (read back by GDAL's OSM driver, not by our reader), and a plan that validates."""
from __future__ import annotations

import hashlib
import sqlite3

import numpy as np
import pyogrio
import pytest

from bench import synthetic
from lifecircle_desktop.model import schema
from lifecircle_desktop.model.io.osm import is_walkable
from lifecircle_desktop.model.schema import SCHEMA_VERSION
from lifecircle_desktop.model.session import PlanSession

EDGES = 2_000


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(synthetic, "CACHE", tmp_path / "cache")
    return tmp_path / "cache"


def test_same_seed_same_file_other_seed_other_file(tmp_path):
    a, b, c = tmp_path / "a.osm", tmp_path / "b.osm", tmp_path / "c.osm"
    synthetic.write_osm(a, EDGES, seed=3)
    synthetic.write_osm(b, EDGES, seed=3)
    synthetic.write_osm(c, EDGES, seed=4)
    assert sha256(a) == sha256(b)
    assert sha256(a) != sha256(c)


def test_counts_as_asked_read_by_gdal(tmp_path):
    path = tmp_path / "grid.osm"
    synthetic.write_osm(path, EDGES, seed=0)
    lines = pyogrio.read_dataframe(path, layer="lines")
    walk = lines[[is_walkable({"highway": h}) for h in lines["highway"].fillna("")]]
    segments = sum(len(g.coords) - 1 for g in walk.geometry)
    assert segments == EDGES
    polygons = pyogrio.read_dataframe(path, layer="multipolygons")
    assert (polygons["building"] == "residential").sum() == EDGES // 10
    points = pyogrio.read_dataframe(path, layer="points")
    tagged = points["other_tags"].fillna("")
    point_facilities = tagged.str.contains('"amenity"=>|"shop"=>', regex=True).sum()
    parks = (polygons["leisure"] == "park").sum()
    assert point_facilities + parks == EDGES // 100
    assert (points["highway"] == "bus_stop").sum() == EDGES // 200
    # Shanghai's UTM zone (51N: 120°E–126°E), around Yangpu.
    lon = np.array([g.x for g in points.geometry])
    lat = np.array([g.y for g in points.geometry])
    assert ((120 < lon) & (lon < 126)).all() and ((30.5 < lat) & (lat < 32)).all()


def test_plan_validates_and_drawn_paths_walk_the_same(tmp_path, cache):
    """The plan from OSM ways (topology from node ids) and the plan with the same paths drawn
    (noded geometrically) give every home the same walking distances."""
    made = synthetic.make_plan(tmp_path / "ids.gpkg", EDGES, seed=1)
    drawn = synthetic.make_plan(tmp_path / "drawn.gpkg", EDGES, seed=1, node_ids=False)
    assert made["layers"]["residential"] == EDGES // 10
    assert made["layers"] == drawn["layers"]
    with PlanSession.open(tmp_path / "ids.gpkg") as a, PlanSession.open(tmp_path / "drawn.gpkg") as b:
        assert all(f.get("node_ids") for f in a.plan.features("walk_network"))
        assert not any(f.get("node_ids") for f in b.plan.features("walk_network"))
        ra, rb = a.validate(), b.validate()
    assert len(ra.nearest) == EDGES // 10
    reached = [n.distance_m for home in ra.nearest.values() for n in home.values() if n.distance_m is not None]
    assert len(reached) > EDGES // 10  # homes reach facilities of several types
    for home, by_type in ra.nearest.items():
        for kind, n in by_type.items():
            other = rb.nearest[home][kind]
            assert (n.distance_m is None) == (other.distance_m is None)
            if n.distance_m is not None:
                assert n.distance_m == pytest.approx(other.distance_m, abs=0.05)
    # A second call is served from the cache.
    assert synthetic.make_plan(tmp_path / "again.gpkg", EDGES, seed=1)["cached"]


def test_a_plan_cached_by_older_code_is_not_served(tmp_path, cache):
    """The cache key holds the plan file's schema version: a plan an older version cached is
    built again, not copied and then migrated by whoever edits it first."""
    with pytest.MonkeyPatch.context() as older_code:
        older_code.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
        older = synthetic.make_plan(tmp_path / "older.gpkg", 200, seed=2)
        conn = sqlite3.connect(synthetic.cache_path(200, seed=2))
        conn.execute("UPDATE plan_meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION - 1),))
        conn.commit()
        conn.close()
    made = synthetic.make_plan(tmp_path / "now.gpkg", 200, seed=2)
    assert not older["cached"] and not made["cached"]
    conn = sqlite3.connect(tmp_path / "now.gpkg")
    assert conn.execute("SELECT value FROM plan_meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    conn.close()
    assert synthetic.make_plan(tmp_path / "again.gpkg", 200, seed=2)["cached"]


def test_move_facility_moves_one_facility_undoably(tmp_path, cache):
    synthetic.make_plan(tmp_path / "p.gpkg", EDGES, seed=2)
    with PlanSession.open(tmp_path / "p.gpkg") as session:
        before = {f.fid: f.geometry for f in session.plan.features("facilities")}
        changes = synthetic.move_facility(session, np.random.default_rng(5), max_offset_m=100.0)
        (fid,) = changes.changed["facilities"]
        after = session.plan.feature("facilities", fid).geometry
        shift = np.array(after.centroid.coords[0]) - np.array(before[fid].centroid.coords[0])
        assert 0 < np.abs(shift).max() <= 100.0
        session.undo()
        assert session.plan.feature("facilities", fid).geometry.equals_exact(before[fid], 1e-9)


"""The Siping demo plan: rebuilt by scripts/build_demo.py from the real OSM extract, and its
validation tells a true, useful story."""
import json
import sys

import jsonschema

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.resources import DEMO_PLAN
from tests.conftest import REAL_DATA
from tests.helpers import ROOT, cli, snapshot

sys.path.insert(0, str(ROOT / "scripts"))
import build_demo  # noqa: E402


def test_build_script_reproduces_the_shipped_demo(tmp_path):
    out = build_demo.build(REAL_DATA / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm", tmp_path / "siping.gpkg")
    with Plan.open(out) as fresh, Plan.open(DEMO_PLAN) as shipped:
        assert snapshot(fresh) == snapshot(shipped), "resources/demo/siping.gpkg is stale: run make demo"
        assert fresh.epsg == shipped.epsg == 32651


def test_demo_carries_osm_credit_and_community_boundary():
    with Plan.open(DEMO_PLAN) as plan:
        assert any("OpenStreetMap" in c for c in plan.meta["credits"])
        (unit,) = plan.features("planning_units")
        assert unit["kind"] == "community" and unit.geometry.area > 100_000  # a real neighbourhood, > 10 ha
        assert plan.count("residential") >= 20 and plan.count("walk_network") >= 100


def test_demo_validation_tells_the_truth():
    r = cli("validate", DEMO_PLAN, "--format", "json", "--detail")
    assert r.returncode == 1, r.stderr  # required rules fail: there is no kindergarten in the extract
    out = json.loads(r.stdout)
    jsonschema.validate(out, json.loads((ROOT / "docs" / "validate-output.schema.json").read_text()))
    by_rule = {f["rule"]: f for f in out["findings"]}
    assert by_rule["cc_basic_facility_set_kindergarten"]["status"] == "fail"
    kg_walk = [f for f in out["findings"] if f["kind"] == "walk_coverage" and f["rule"] == "cc_walking_time_kindergarten"]
    assert kg_walk and kg_walk[0]["measured"] == 0  # coverage 0 %
    bus = [f for f in out["findings"] if f["rule"].startswith("cc_bus_stop_walk")]
    assert bus and 0 < bus[0]["measured"] <= 100  # real bus stops on Siping Rd reach some homes
    homes = out["homes"]
    assert all(h["nearest"].get("kindergarten", {"distance_m": None})["distance_m"] is None for h in homes)
    assert any(h["nearest"]["bus_stop"]["distance_m"] is not None for h in homes)
    text = cli("validate", DEMO_PLAN, env={"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin"})
    assert "幼儿园" in text.stdout and "OpenStreetMap" in text.stdout

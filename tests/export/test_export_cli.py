"""`lifecircle export` as a user runs it: the bundle's folder on stdout and exit 0; exit 2 with one
sentence, no traceback and nothing left behind for what cannot be done (issue 12 acceptance)."""
import os
import shutil

import pyogrio
import pytest

from tests.helpers import ROOT, cli

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "siping.gpkg"
    shutil.copyfile(DEMO, path)
    return path


def test_export_writes_the_gis_parts_and_prints_the_folder(demo, tmp_path):
    r = cli("export", demo, "--to", tmp_path / "out", "--only", "gpkg,geojson", "--crs", "cgcs2000-gk",
            "--gk-zone-prefix", "--lang", "zh", "--progress")
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "out" / r.stdout.strip().splitlines()[-1].split("/")[-1]
    assert folder.is_dir() and folder.name.endswith(tuple("0123456789")) and "基础方案" in folder.name
    assert sorted(p.name for p in folder.iterdir()) == ["geojson", "plan.gpkg"]
    # The demo's planning unit lies at 121.49–121.50°E: zone 40 (central meridian 120°E), whatever
    # the base map's extent east of 121.5°E.
    assert pyogrio.read_info(folder / "plan.gpkg", layer="facilities")["crs"] == "EPSG:4528"
    assert "100%" in r.stderr


@pytest.mark.parametrize("case", ["bad plan", "unknown scenario", "unknown part", "unwritable folder", "not a folder",
                                  "unknown compare"])
def test_what_cannot_be_exported_exits_2_with_one_sentence_and_leaves_nothing(demo, tmp_path, case):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    not_a_plan = tmp_path / "notes.gpkg"
    not_a_plan.write_text("这不是规划")
    out = tmp_path / "new" / "out"
    gis = ("--only", "gpkg,geojson")
    args, words = {"bad plan": ((not_a_plan, "--to", out, *gis), "not a plan file"),
                   "unknown scenario": ((demo, "--to", out, "--scenario", "方案九", *gis), "there is no scenario 方案九"),
                   "unknown compare": ((demo, "--to", out, "--compare", "方案九", *gis), "there is no scenario 方案九"),
                   "unknown part": ((demo, "--to", out, "--only", "gpkg,pdf"), "there is no export part pdf"),
                   "unwritable folder": ((demo, "--to", blocker / "out", *gis), "cannot be created"),
                   "not a folder": ((demo, "--to", blocker, *gis), "is not a folder")}[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    r = cli("export", *args, env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lifecircle: ") and "Traceback" not in r.stderr
    assert words in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("siping.gpkg-")) == \
        sorted(p for p in before if not p.startswith("siping.gpkg-"))
    assert blocker.read_text() == "x"

"""Issue 12's acceptance as a new user tries it: `lifecircle export resources/demo/siping.gpkg --to OUT`
writes all five parts and exits 0. Each part is checked in depth by its own tests; here, that the
whole bundle comes out of one command.

Until every lane's writer is merged this module skips (the lead removes the skip after the merge)."""
import importlib.util
import shutil

import pytest

from tests.helpers import ROOT, cli

MISSING = [m for m in ("dxf", "xlsx", "report")
           if importlib.util.find_spec(f"lifecircle_desktop.export.{m}") is None]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"writers not merged yet: {', '.join(MISSING)}")

DEMO = ROOT / "resources" / "demo" / "siping.gpkg"


def test_lifecircle_export_writes_all_five(tmp_path):
    plan = tmp_path / "siping.gpkg"
    shutil.copyfile(DEMO, plan)
    r = cli("export", plan, "--to", tmp_path / "OUT")
    assert r.returncode == 0, r.stderr
    (folder,) = (tmp_path / "OUT").iterdir()
    assert r.stdout.strip().endswith(folder.name)
    names = {p.name for p in folder.iterdir()}
    assert names == {"report.pdf", "project_list.xlsx", "plan.dxf", "plan.gpkg", "geojson"}
    assert all((folder / n).stat().st_size > 0 for n in names - {"geojson"})
    assert {p.name for p in (folder / "geojson").iterdir()} >= {"facilities.geojson", "residential.geojson"}

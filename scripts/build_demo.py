"""Rebuild resources/demo/siping.gpkg from the real OSM extract of Siping, Yangpu, Shanghai.

    python scripts/build_demo.py [--osm PATH] [--out PATH]

Real streets, compounds and POIs (© OpenStreetMap contributors, ODbL 1.0), and a drawn community
boundary (社区范围) around the residential compounds inside the extract's bounds. Nothing else is
invented: validating the demo tells what the real data says (e.g. no kindergarten in the extract).
Facility types come from the catalogue's osm mapping (docs/import.md §5), so run this after changing
it; run as a script it also rewrites the mapping table of docs/import.md from the catalogue.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402
from shapely.geometry import box  # noqa: E402

from lifecircle_desktop.model import Plan  # noqa: E402
from lifecircle_desktop.model.session import PlanSession  # noqa: E402
from lifecircle_desktop.model.store import remove_plan_file  # noqa: E402
from lifecircle_desktop.model.crs import transformer  # noqa: E402
from lifecircle_desktop.model.catalogue import load_catalogue  # noqa: E402
from lifecircle_desktop.model.io.osm import import_osm  # noqa: E402
from lifecircle_desktop.model.io.osm_mapping import write_table  # noqa: E402

OSM = ROOT.parent / "shared" / "data" / "real" / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"
OUT = ROOT / "resources" / "demo" / "siping.gpkg"
IMPORT_DOC = ROOT / "docs" / "import.md"
# The extract's <bounds> (README of the data): what the export was cut for.
BOUNDS_LONLAT = (121.49149, 31.28090, 121.50325, 31.28945)


def build(osm: Path = OSM, out: Path = OUT) -> Path:
    tmp = out.with_name(out.name + ".building")
    remove_plan_file(tmp)
    plan = Plan.create(tmp, "四平路街道·同济社区（示范）Siping demo", 32651, kind="existing",
                       district="杨浦区", subdistrict="四平路街道")
    import_osm(plan, osm)
    # The community boundary: around the homes whose footprint lies inside the extract's bounds.
    t = transformer(4326, plan.epsg)
    x0, y0 = t.transform(BOUNDS_LONLAT[0], BOUNDS_LONLAT[1])
    x1, y1 = t.transform(BOUNDS_LONLAT[2], BOUNDS_LONLAT[3])
    extent = box(x0, y0, x1, y1)
    homes = [f.geometry for f in plan.features("residential") if extent.contains(f.geometry.representative_point())]
    boundary = shapely.union_all([h.buffer(25, join_style="mitre") for h in homes]).convex_hull.intersection(extent)
    boundary = shapely.set_precision(boundary, 0.01)
    session = PlanSession(plan)
    session.add("planning_units", boundary, kind="community", name="同济社区（示范范围）")
    # 上海区位类别: the community lies south of 中山北二路's 内环高架路 (in the extract), on the city
    # centre's side of the Inner Ring — 内环内. Rules for one part of Shanghai then apply (issue 11).
    session.set_setting("area_class", "inner_ring")
    session.close()
    out.unlink(missing_ok=True)
    os.replace(tmp, out)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osm", type=Path, default=OSM)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    print(build(a.osm, a.out))
    if write_table(IMPORT_DOC, load_catalogue()):
        print(f"{IMPORT_DOC}: OSM mapping table rewritten from the catalogue")

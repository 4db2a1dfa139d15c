"""Plans the export tests share."""
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box

from lifecircle_desktop.model.edits import AddFeature, SetManualAnswer
from lifecircle_desktop.model.session import create_plan


def drawn_plan(path, lonlat=(121.45, 31.28), name="同济新村"):
    """A small plan at ``lonlat`` with a home and its gate, a kindergarten with a courtyard drawn
    clockwise, a stop, a path, and a second scenario "方案二" with a facility only it has."""
    session = create_plan(path, name, lonlat=lonlat, kind="existing")
    x, y = Transformer.from_crs(4326, session.plan.epsg, always_xy=True).transform(*lonlat)
    home = session.add("residential", box(x, y, x + 120, y + 80), name="赤峰小区", households=420)
    home_fid = next(iter(home.added["residential"]))
    session.apply(AddFeature("entrances", Point(x, y + 40), {"layer": "residential", "feature": home_fid, "kind": "gate"},
                             "base"))
    shell = [(x + 200, y), (x + 200, y + 60), (x + 260, y + 60), (x + 260, y)]  # clockwise
    hole = [(x + 220, y + 20), (x + 240, y + 20), (x + 240, y + 40), (x + 220, y + 40)]  # counter-clockwise
    session.add("facilities", Polygon(shell, [hole]), type="kindergarten", name="同济幼儿园", floors=3,
                status="planned", funding="区财政")
    session.add("stops", Point(x + 150.25, y - 10.125), type="bus_stop", name="四平路站")
    session.add("walk_network", LineString([(x - 10, y - 5), (x + 300, y - 5), (x + 300, y + 100)]), name="步道")
    session.add("planning_units", box(x - 50, y - 50, x + 350, y + 150), kind="community", name="同济社区")
    session.plan.bulk_insert("basemap_roads", [(LineString([(x - 60, y - 20), (x + 360, y - 20)]),
                                                {"kind": "primary", "name": "四平路"})])
    rule = next(r.id for p in session.enabled_packs() for r in p.rules if r.kind == "manual")
    session.apply(SetManualAnswer.of(session.plan, "base", rule, "yes", "居委会已确认"))
    session.create_scenario("方案二")
    session.add("facilities", box(x + 400, y, x + 440, y + 30), type="supermarket", name="只在方案二的超市")
    session.apply(SetManualAnswer.of(session.plan, "方案二", rule, "no", "方案二的备注"))
    session.switch_scenario("base")
    return session


@pytest.fixture
def shanghai(tmp_path):
    with drawn_plan(tmp_path / "同济.gpkg") as session:
        yield session

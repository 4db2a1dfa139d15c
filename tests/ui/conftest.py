"""Fixtures of the desktop tests: settings in a temporary folder (never the user's), a small
grid plan with homes, facilities and a walking network, and a main window on it."""
import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from shapely.geometry import LineString, Point, box

from lifecircle_desktop.model import AddFeature, Plan
from lifecircle_desktop.model.session import PlanSession

BLOCK = 100.0


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    """QSettings of each test live in its own folder; the language goes back to English."""
    from lifecircle_desktop.ui import i18n
    QCoreApplication.setOrganizationName("lifecircle-tests")
    QCoreApplication.setApplicationName("lifecircle_desktop")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    i18n.setup_fonts(qapp)
    i18n.install_language("en")
    yield
    i18n.install_language("en")


def editing(plan: Plan) -> PlanSession:
    """A session to build a test plan through: PlanSession is the only caller of Plan.apply."""
    return PlanSession(plan)


def grid_plan(path, n=5, kind="existing") -> Plan:
    """An n × n grid of footpaths 100 m apart (OSM-style node ids give the topology)."""
    plan = Plan.create(path, "网格社区 Grid", 32651, kind=kind)
    session = editing(plan)
    for j in range(n):
        for i in range(n - 1):
            session.apply(AddFeature("walk_network", LineString([(i * BLOCK, j * BLOCK), ((i + 1) * BLOCK, j * BLOCK)]),
                                  {"class": "footway", "source": "osm", "node_ids": f"{j * n + i} {j * n + i + 1}"}))
    for i in range(n):
        for j in range(n - 1):
            session.apply(AddFeature("walk_network", LineString([(i * BLOCK, j * BLOCK), (i * BLOCK, (j + 1) * BLOCK)]),
                                  {"class": "footway", "source": "osm", "node_ids": f"{j * n + i} {(j + 1) * n + i}"}))
    return plan


def add_home(plan, x, y, households=100, name=""):
    """A 40 × 40 m compound with its gate on grid point (x, y)."""
    session = editing(plan)
    fid = session.apply(AddFeature("residential", box(x + 1, y + 1, x + 41, y + 41),
                                {"households": households, "name": name})).edit.fid
    session.apply(AddFeature("entrances", Point(x, y), {"layer": "residential", "feature": fid}))
    return fid


def add_facility(plan, type_, x, y, w=20, h=20, **attrs):
    """A facility whose entrance sits on grid point (x, y)."""
    session = editing(plan)
    fid = session.apply(AddFeature("facilities", box(x - w - 1, y - h - 1, x - 1, y - 1), {"type": type_, **attrs})).edit.fid
    session.apply(AddFeature("entrances", Point(x, y), {"layer": "facilities", "feature": fid}))
    return fid


@pytest.fixture
def grid(tmp_path):
    """(plan, ids): two homes, a kindergarten (2000 m² < 2200 required) and a supermarket."""
    plan = grid_plan(tmp_path / "grid.gpkg")
    ids = dict(h1=add_home(plan, 0, 0, 300, "一号院"), h2=add_home(plan, 400, 400, 100, "二号院"),
               kg=add_facility(plan, "kindergarten", 100, 0, w=50, h=40, floors=1, name="同济幼儿园"),
               shop=add_facility(plan, "supermarket", 200, 200, w=30, h=20, floors=1))
    yield plan, ids
    try:
        plan.close()
    except Exception:
        pass  # the window closed it already


@pytest.fixture
def window(qtbot, grid):
    """The main window on the grid plan, after its first validation results are shown."""
    from lifecircle_desktop.ui.main_window import MainWindow
    plan, ids = grid
    w = MainWindow(restore_state=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.resultsShown, timeout=30000):
        w.set_plan(plan)
    w.resize(1280, 800)
    w.ids = ids
    yield w
    w.close()


RESULTS_TIMEOUT_MS = 30000


def shown_window(qtbot, plan):
    """The main window on ``plan``, shown and fitted, once its first validation results are in."""
    from lifecircle_desktop.ui.main_window import MainWindow
    w = MainWindow(restore_state=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.loop.resultsReady, timeout=RESULTS_TIMEOUT_MS):
        w.set_plan(plan)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.canvas.fit_plan()
    return w


@pytest.fixture
def demo_window(qtbot, tmp_path):
    """The main window on a copy of the Siping demo, shown, after its first validation results."""
    import shutil

    from lifecircle_desktop.model.resources import DEMO_PLAN
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    w = shown_window(qtbot, Plan.open(path))
    yield w
    w.close()

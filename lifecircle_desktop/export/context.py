"""What every writer of the bundle is given: the options, the plan and its validated scenario, the
target CRS, and a progress reporter that can be cancelled."""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from pyproj import CRS
from shapely import transform as _transform
from shapely.geometry.base import BaseGeometry

from ..model import crs as _crs
from ..model.errors import PlanError

if TYPE_CHECKING:  # pragma: no cover
    from ..model.findings import Results
    from ..model.plan import Feature
    from ..model.session import PlanSession

# The five parts of the bundle, in the order they are written (the report last: it is the slowest).
FORMATS = ("gpkg", "geojson", "dxf", "xlsx", "report")
# Parts written only when asked for (--only): the residents' A3 poster (issue 13), not a reviewer's document.
OPTIONAL_PARTS = ("poster",)
CRS_CHOICES = ("plan", "cgcs2000-gk", "wgs84")


class ExportCancelled(PlanError):
    """The planner cancelled the export: nothing of it is left on disk."""

    def __init__(self):
        super().__init__("导出已取消，未留下任何文件", "export cancelled; nothing was left behind")


@dataclass(frozen=True)
class ExportOptions:
    scenario: str | None = None        # None: the session's current scenario
    compare: str | None = None         # a second scenario for the before/after table
    only: tuple[str, ...] = FORMATS
    crs: str = "plan"                  # plan | cgcs2000-gk | wgs84
    gk_zone_prefix: bool = False       # cgcs2000-gk: EPSG 4513–4533 (zone number before the easting) or 4534–4554
    lang: str = "zh"                   # zh | en


@dataclass(frozen=True)
class TargetCRS:
    """The coordinates the GIS layers, the DXF and the report's CRS line are written in."""
    epsg: int
    name: str                          # as EPSG names it ("CGCS2000 / 3-degree Gauss-Kruger CM 120E")
    plan_epsg: int

    @property
    def is_geographic(self) -> bool:
        return CRS.from_epsg(self.epsg).is_geographic

    def label(self, lang: str = "zh") -> str:
        """The CRS as a reviewer reads it: "EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E"."""
        return f"EPSG:{self.epsg} {self.name}"

    def transform(self, geometry: BaseGeometry) -> BaseGeometry:
        """A plan geometry (plan CRS, metres) in this CRS (x = easting or longitude)."""
        if self.epsg == self.plan_epsg:
            return geometry
        t = _crs.transformer(self.plan_epsg, self.epsg)
        return _transform(geometry, lambda xy: _stack(t.transform(xy[:, 0], xy[:, 1])))


def _stack(xy):
    import numpy as np
    return np.column_stack(xy)


def gauss_kruger_epsg(lon: float, *, zone_prefix: bool = False) -> int:
    """CGCS2000 3° Gauss–Krüger EPSG code of the zone holding longitude ``lon`` (central meridians
    75°E…135°E, zones 25…45): 4534–4554 with plain eastings, 4513–4533 with the zone number before
    the easting. China only (other longitudes are refused)."""
    zone = math.floor(lon / 3.0 + 0.5)  # not round(): banker's rounding would move a boundary
    if not 25 <= zone <= 45:
        raise PlanError(f"经度 {lon:.2f}° 不在中国的 3° 高斯–克吕格分带（75°E–135°E）内",
                        f"longitude {lon:.2f}° lies outside China's 3° Gauss–Krüger zones (75°E–135°E)")
    return (4513 if zone_prefix else 4534) + (zone - 25)


def target_crs(plan_epsg: int, choice: str, *, lon: float | None = None, zone_prefix: bool = False) -> TargetCRS:
    """The target CRS for ``choice`` (plan | cgcs2000-gk | wgs84); ``lon``: the plan's centre
    longitude (needed for the Gauss–Krüger zone)."""
    if choice == "plan":
        epsg = plan_epsg
    elif choice == "wgs84":
        epsg = _crs.WGS84
    elif choice == "cgcs2000-gk":
        if lon is None:
            raise PlanError("规划没有任何要素，无法确定高斯–克吕格分带", "the plan is empty: no Gauss–Krüger zone to choose")
        epsg = gauss_kruger_epsg(lon, zone_prefix=zone_prefix)
    else:
        raise PlanError(f"未知的坐标系选项 {choice}（可选：{', '.join(CRS_CHOICES)}）",
                        f"unknown CRS choice {choice} (choose from {', '.join(CRS_CHOICES)})")
    return TargetCRS(epsg, _crs.name(epsg), plan_epsg)


def _plan_centre(plan, scenario: str) -> tuple[float, float] | None:
    """The centre of what is planned (Plan.planned_extent): the Gauss–Krüger zone is the community's,
    not that of a base-map river running for kilometres (the Siping demo's units lie west of
    121.5°E, in zone 40, while its base map's centre lies east of it)."""
    extent = plan.planned_extent(scenario, pad=False)
    return None if extent is None else ((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)


class Progress:
    """Progress of one export: ``report(fraction, message_zh, message_en)`` is called as work goes on;
    ``cancelled()`` is polled at every step (and by writers inside long loops, at least every ~0.2 s),
    and a cancelled export raises :class:`ExportCancelled` from :meth:`step` / :meth:`check`."""

    def __init__(self, report: Callable[[float, str, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None):
        self._report = report
        self._cancelled = cancelled
        self._span = (0.0, 1.0)

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled()

    def step(self, fraction: float, message_zh: str = "", message_en: str = "") -> None:
        """``fraction`` (0–1) of the part being written now (scaled into the bundle's whole)."""
        self.check()
        if self._report is not None:
            a, b = self._span
            self._report(a + (b - a) * max(0.0, min(1.0, fraction)), message_zh, message_en)

    def part(self, start: float, end: float) -> "Progress":
        """A reporter for one part of the export, mapping its 0–1 into [start, end] of the whole."""
        child = Progress(self._report, self._cancelled)
        a, b = self._span
        child._span = (a + (b - a) * start, a + (b - a) * end)
        return child


@dataclass
class BundleContext:
    """The plan as one export sees it. ``results``: the scenario validated once for every writer;
    ``compare_results``: the second scenario's, with ``--compare``."""
    session: "PlanSession"
    options: ExportOptions
    scenario: str
    results: "Results"
    crs: TargetCRS
    compare_results: "Results | None" = None
    date: _dt.date = field(default_factory=_dt.date.today)

    @classmethod
    def build(cls, session: "PlanSession", options: ExportOptions = ExportOptions()) -> "BundleContext":
        """The context of one export: the scenario (and the compared one) validated once, the target
        CRS chosen (the Gauss–Krüger zone from the plan's centre)."""
        scenario = options.scenario or session.scenario
        session.plan.require_scenario(scenario)
        if options.compare is not None:
            session.plan.require_scenario(options.compare)
        lon = None
        centre = _plan_centre(session.plan, scenario)
        if centre is not None:
            lon, _ = _crs.transformer(session.plan.epsg, _crs.WGS84).transform(*centre)
        crs = target_crs(session.plan.epsg, options.crs, lon=lon, zone_prefix=options.gk_zone_prefix)
        results = session.validate(scenario=scenario)
        compare = session.validate(scenario=options.compare) if options.compare is not None else None
        return cls(session, options, scenario, results, crs, compare)

    @property
    def lang(self) -> str:
        return self.options.lang

    @property
    def zh(self) -> bool:
        return self.options.lang.startswith("zh")

    def features(self, layer: str, scenario: str | None = None) -> list["Feature"]:
        """The features of ``layer`` in the exported scenario (or ``scenario``); base-map layers
        are not per scenario."""
        from ..model.schema import LAYERS
        plan = self.session.plan
        if not LAYERS[layer].editable:
            return plan.features(layer, None)
        return plan.features(layer, scenario or self.scenario)

    @cached_property
    def credits(self) -> list[str]:
        """The data credits every map and report must carry (© OpenStreetMap contributors, ODbL…)."""
        return list(self.session.credits())

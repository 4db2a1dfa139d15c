"""Plan (+ ChangeSet) -> Findings: every evaluator kind of design.md §3, full and incremental.

``Validator.full(snapshot)`` evaluates every rule of the enabled packs; ``Validator.update(snapshot,
changes)`` recomputes only what the ChangeSet touches — the walking distances of the facility types
whose facilities changed, the graph only when paths or gates changed — and re-evaluates the rules,
which are cheap sums over cached arrays. Both give the same Results (tests/model/test_validate_incremental.py).
No Qt, no database: a Snapshot in, Results out (style.md §3).
"""
from __future__ import annotations

import math
from itertools import repeat
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from . import network
from .catalogue import Catalogue, load_catalogue
from .findings import Finding, Results
from .measures import (FLOOR_AREA_PER_HOUSEHOLD_M2, PERSONS_PER_HOUSEHOLD, USABLE_SHARE_OF_FLOOR_AREA,  # noqa: F401
                       floor_area, households, land_area, measure, population)
from .plan import ChangeSet, Feature
from .rules import Pack, Rule, load_packs
from .snapshot import Snapshot

SEARCH_LIMIT_M = 2000.0  # distances are exact up to here (issue 3: a planner needs "900 m", not "> 300 m")
STOP_LAYER_TYPES = ("bus_stop", "metro_station")

UNITS_ZH = {"m2": "m²", "m": "米", "%": "%", "min": "分钟", "count": "处", "persons": "人", "households": "户",
            "ha": "公顷", "m2/100hh": "m²/百户", "spaces/household": "个/户", "‰": "‰"}


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.1f}"


def _bounds_text(lo, hi, unit, zh: bool) -> str:
    u = UNITS_ZH.get(unit, unit) if zh else unit
    if lo is not None and hi is not None:
        return f"{_fmt(lo)}–{_fmt(hi)} {u}"
    if lo is not None:
        return f"≥ {_fmt(lo)} {u}"
    if hi is not None:
        return f"≤ {_fmt(hi)} {u}"
    return "—"


def _met(value, lo, hi) -> bool:
    return (lo is None or value >= lo - 1e-9) and (hi is None or value <= hi + 1e-9)


# --- the walking part, cached between runs ----------------------------------------------------

@dataclass
class _WalkState:
    graph: object | None = None  # network.WalkGraph, None = no walking network (straight-line fallback)
    homes: object | None = None  # network.AccessPoints of the homes
    home_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # facility type -> (distance per home (inf = none within the limit), nearest fid per home, layer)
    by_type: dict[str, tuple[np.ndarray, np.ndarray, str]] = field(default_factory=dict)


class Validator:
    """Evaluates the enabled rule packs over snapshots of one plan, keeping walking distances cached."""

    def __init__(self, packs: Sequence[Pack] | None = None, catalogue: Catalogue | None = None,
                 search_limit_m: float = SEARCH_LIMIT_M, every_type: bool = False):
        """``every_type``: also compute the nearest facility of types no rule names (the CLI's
        --detail lists them); the live loop needs only the types the walking rules name."""
        self.every_type = every_type
        self.catalogue = catalogue or load_catalogue()
        self.packs = list(packs) if packs is not None else load_packs()
        self.search_limit_m = search_limit_m
        self._walk = _WalkState()
        self._last: Snapshot | None = None

    # --- public ---------------------------------------------------------------------------------
    def rules(self, snapshot: Snapshot) -> list[Rule]:
        enabled = set(snapshot.rule_packs)
        return [r for p in self.packs if p.id in enabled for r in p.rules]

    def full(self, snapshot: Snapshot) -> Results:
        self._walk = _WalkState()
        self._build_graph(snapshot)
        self._build_homes(snapshot)
        for t in self._walk_types(snapshot):
            self._distances_for(snapshot, t)
        self._last = snapshot
        return self._evaluate(snapshot)

    def update(self, snapshot: Snapshot, changes: ChangeSet) -> Results:
        """Re-validate after ``changes`` (since the previous run): only what they touch is recomputed."""
        if self._last is None or self._last.scenario != snapshot.scenario or \
                self._last.community_kind != snapshot.community_kind or self._walk.homes is None:
            return self.full(snapshot)
        layers = changes.layers()
        if "walk_network" in layers:
            return self.full(snapshot)  # the graph itself changed
        if "rules" in layers or self._last.rule_packs != snapshot.rule_packs or \
                self._last.overrides != snapshot.overrides:
            # Another pack set or a district's own threshold (model/edits.py SetRulePacks,
            # SetOverride): new packs may name new facility types and an override may change a
            # walking limit — rare, so everything again. A checklist answer needs no distances.
            return self.full(snapshot)
        if "entrances" in layers or "residential" in layers or "planning_units" in layers:
            # Access points of homes (and maybe facilities) moved: recompute every type's distances.
            self._build_homes(snapshot)
            self._walk.by_type.clear()
        else:
            for t in self._touched_types(self._last, snapshot, changes):
                self._walk.by_type.pop(t, None)
        wanted = self._walk_types(snapshot)
        for t in wanted - set(self._walk.by_type):
            self._distances_for(snapshot, t)
        for t in set(self._walk.by_type) - wanted:
            del self._walk.by_type[t]
        self._last = snapshot
        return self._evaluate(snapshot)

    def reachable(self, snapshot: Snapshot, layer: str, fid: int, limit_m: float) -> list[BaseGeometry]:
        """The walking network reachable within ``limit_m`` from one facility (for the map overlay)."""
        graph = self._walk.graph if self._last is not None else None
        if graph is None:
            return []
        f = snapshot.feature(layer, fid)
        sources = network.access_points({fid: f.geometry}, self._entrances_of(snapshot, layer), graph)
        return graph.reachable_edges(sources, limit_m)

    # --- walking distances ----------------------------------------------------------------------
    def _walk_rules(self, snapshot: Snapshot) -> list[Rule]:
        return [r for r in self.rules(snapshot) if r.kind == "walk_coverage"]

    def _walk_types(self, snapshot: Snapshot) -> set[str]:
        """Types with a distance per home: those the walking rules name, and with ``every_type``
        every type in the plan (the --detail report lists the nearest of each)."""
        types = {t for r in self._walk_rules(snapshot) for t in r.params.get("facility_types", ())}
        if not self.every_type:
            return types
        for layer in ("facilities", "stops"):
            types |= {f.attributes["type"] for f in snapshot.layers[layer].values()}
        types.discard(None)
        return types

    @staticmethod
    def _touched_types(old: Snapshot, new: Snapshot, changes: ChangeSet) -> set[str]:
        types = set()
        for layer in ("facilities", "stops"):
            for fid in changes.touched(layer):
                for snap in (old, new):
                    f = snap.layers[layer].get(fid)
                    if f is not None and f.get("type"):
                        types.add(f["type"])
        return types

    def _build_graph(self, snapshot: Snapshot) -> None:
        feats = snapshot.features("walk_network")
        graph = network.WalkGraph.from_features(feats) if feats else None
        self._walk.graph = graph if graph is not None and graph.n_edges > 0 else None

    @staticmethod
    def _entrances_of(snapshot: Snapshot, layer: str) -> list[tuple[int, BaseGeometry, bool]]:
        return [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snapshot.features("entrances")
                if e.get("layer") == layer and e.get("feature") is not None]

    def _homes(self, snapshot: Snapshot) -> list[Feature]:
        unit = self._unit_geometry(snapshot, "community")
        homes = snapshot.features("residential")
        if unit is None:
            return homes
        return self._in_unit_geometry(unit, homes)

    def _build_homes(self, snapshot: Snapshot) -> None:
        homes = self._homes(snapshot)
        self._walk.home_ids = np.array([h.fid for h in homes], dtype=np.int64)
        footprints = {h.fid: h.geometry for h in homes}
        self._walk.homes = self._access(footprints, self._entrances_of(snapshot, "residential"))

    def _access(self, footprints, entrances):
        return network.access_points(footprints, entrances, self._walk.graph)

    def _distances_for(self, snapshot: Snapshot, facility_type: str) -> None:
        layer = "stops" if facility_type in STOP_LAYER_TYPES else "facilities"
        feats = [f for f in snapshot.features(layer) if f.get("type") == facility_type]
        n = len(self._walk.home_ids)
        if not feats or n == 0:
            self._walk.by_type[facility_type] = (np.full(n, np.inf), np.full(n, -1, dtype=np.int64), layer)
            return
        sources = self._access({f.fid: f.geometry for f in feats}, self._entrances_of(snapshot, layer))
        if self._walk.graph is None:
            dist, nearest = network.straight_line_nearest(sources, self._walk.homes, self.search_limit_m)
        else:
            dist, nearest = self._walk.graph.nearest(sources, self._walk.homes, self.search_limit_m)
        self._walk.by_type[facility_type] = (np.asarray(dist, dtype=float), np.asarray(nearest, dtype=np.int64), layer)

    # --- planning unit --------------------------------------------------------------------------
    @staticmethod
    def _unit_geometry(snapshot: Snapshot, kind: str) -> BaseGeometry | None:
        units = [u.geometry for u in snapshot.features("planning_units") if (u.get("kind") or "community") == kind]
        if not units:
            return None
        return units[0] if len(units) == 1 else shapely.union_all(units)

    @staticmethod
    def _in_unit_geometry(unit: BaseGeometry, feats: list[Feature]) -> list[Feature]:
        """The features lying in the unit: a point on their surface is inside (vectorised)."""
        if not feats:
            return feats
        geoms = np.empty(len(feats), dtype=object)
        geoms[:] = [f.geometry for f in feats]
        inside = shapely.intersects(unit, shapely.point_on_surface(geoms))
        return [f for f, ok in zip(feats, inside) if ok]

    # --- evaluation -----------------------------------------------------------------------------
    def _evaluate(self, snapshot: Snapshot) -> Results:
        homes_ids = self._walk.home_ids
        home_feats = [snapshot.feature("residential", int(h)) for h in homes_ids]
        hh = {int(f.fid): households(f) for f in home_feats}
        ctx = _Context(self, snapshot, hh)
        findings = []
        by_id = {p.id: p for p in self.packs}
        # In the plan's order of packs (as the CLI loads them), whatever packs the validator knows.
        for pack in (by_id[i] for i in dict.fromkeys(snapshot.rule_packs) if i in by_id):
            for rule in pack.rules:
                findings.append(ctx.evaluate(rule, pack))
        return Results(snapshot.scenario, findings, homes_ids.copy(), dict(self._walk.by_type), hh,
                       approximate=self._walk.graph is None, search_limit_m=self.search_limit_m,
                       version=snapshot.version)


class _Context:
    """One evaluation pass: the rule kinds as methods over the snapshot and the cached distances."""

    def __init__(self, validator: Validator, snapshot: Snapshot, hh: dict[int, float]):
        self.v = validator
        self.s = snapshot
        self.hh = hh
        self.cat = validator.catalogue
        self._facilities_in_unit: dict[str | None, dict] = {}
        ids = validator._walk.home_ids
        self.weights = np.array([hh[int(h)] for h in ids.tolist()], dtype=float)
        if self.weights.sum() <= 0:
            self.weights = np.ones(len(ids))
        self._homes_in: dict[str, list[Feature]] = {}
        self._units: dict[str, BaseGeometry | None] = {}
        self._sums: dict[tuple, float] = {}

    def facilities(self, unit_kind: str, types: Iterable[str] | None = None) -> list[Feature]:
        """Facilities and stops in the unit of ``unit_kind``, of ``types`` (indexed once per run)."""
        unit = self.unit(unit_kind)
        key = None if unit is None else unit_kind  # every kind with no unit drawn: the whole plan
        if key not in self._facilities_in_unit:
            feats = self.s.features("facilities") + self.s.features("stops")
            by_type: dict[str | None, list[Feature]] = {}
            for f in (feats if unit is None else self.v._in_unit_geometry(unit, feats)):
                by_type.setdefault(f.attributes["type"], []).append(f)
            self._facilities_in_unit[key] = by_type
        by_type = self._facilities_in_unit[key]
        if types is None:
            return [f for feats in by_type.values() for f in feats]
        return [f for t in dict.fromkeys(types) for f in by_type.get(t, ())]

    def type_names(self, types, zh: bool) -> str:
        names = [(self.cat[t].name_zh if zh else self.cat[t].name_en) if t in self.cat else t for t in types]
        return ("、" if zh else ", ").join(names)

    def evaluate(self, rule: Rule, pack: Pack) -> Finding:
        spec = rule.for_kind(self.s.community_kind)
        base = dict(rule=rule.id, pack=pack.id, kind=rule.kind, severity=rule.severity, unit=rule.unit,
                    citation=dict(rule.citation), name_zh=rule.name_zh, name_en=rule.name_en,
                    facility_types=tuple(sorted(rule.facility_types())))
        if spec is None:
            kind_zh = "新建社区" if self.s.community_kind == "new_build" else "既有社区"
            return Finding(**base, status="n/a", measured=None, threshold=None, features=(),
                           message_zh=f"{rule.name_zh}：不适用于{kind_zh}",
                           message_en=f"{rule.name_en}: does not apply to {self.s.community_kind.replace('_', '-')} communities")
        params, threshold = spec
        overridden = {}
        if rule.kind != "manual":
            for (rid, key), value in self.s.overrides.items():  # a district's own threshold (design.md §3)
                if rid != rule.id or (key not in ("min", "max") and key not in params):
                    continue
                (threshold if key in ("min", "max") else params)[key] = value
                overridden[key] = value
        finding = getattr(self, rule.kind)(rule, params, threshold, base, pack)
        if not overridden:
            return finding
        # Shown in the finding and the report: the value is the district's, not the pack's.
        said = ", ".join(f"{k} = {_fmt(v)}" for k, v in sorted(overridden.items()))
        return replace(finding, overrides=tuple(sorted(overridden.items())),
                       message_zh=f"{finding.message_zh}（区级调整阈值：{said}）",
                       message_en=f"{finding.message_en} (district override: {said})")

    def _verdict(self, rule: Rule, ok: bool) -> str:
        if ok:
            return "pass"
        return "fail" if rule.severity == "required" else "warn"

    def _finding(self, rule, base, ok, measured, threshold, features, detail_zh="", detail_en="", **extra):
        lo, hi = threshold.get("min"), threshold.get("max")
        status = self._verdict(rule, ok) if measured is not None else "n/a"
        want_zh, want_en = _bounds_text(lo, hi, rule.unit, True), _bounds_text(lo, hi, rule.unit, False)
        u_zh = UNITS_ZH.get(rule.unit, rule.unit)
        if measured is None:
            msg_zh, msg_en = f"{rule.name_zh}：{detail_zh or '无可测对象'}", f"{rule.name_en}: {detail_en or 'nothing to measure'}"
        else:
            verdict_zh = "达标" if ok else "未达标"
            verdict_en = "meets" if ok else "falls short of"
            msg_zh = f"{rule.name_zh}：{detail_zh}实测 {_fmt(measured)} {u_zh}，要求 {want_zh}，{verdict_zh}"
            msg_en = f"{rule.name_en}: {detail_en}measured {_fmt(measured)} {rule.unit}, {verdict_en} {want_en}"
        return Finding(**base, status=status, measured=None if measured is None else round(float(measured), 3),
                       threshold=lo if lo is not None else hi, threshold_max=hi if lo is not None else None,
                       features=tuple(features), message_zh=msg_zh, message_en=msg_en, **extra)

    # presence: at least N facilities of the types in the unit
    def presence(self, rule, params, threshold, base, pack):
        feats = self.facilities(rule.unit_kind, params["types"])
        lo = threshold.get("min", params.get("min_count", 1))
        hi = threshold.get("max")
        n = len(feats)
        ok = _met(n, lo, hi)
        names_zh, names_en = self.type_names(params["types"], True), self.type_names(params["types"], False)
        want_zh = f"至少 {_fmt(lo)} 处" if hi is None else f"{_fmt(lo)}–{_fmt(hi)} 处"
        want_en = f"at least {_fmt(lo)}" if hi is None else f"{_fmt(lo)}–{_fmt(hi)}"
        status = self._verdict(rule, ok)
        return Finding(**base, status=status, measured=float(n), threshold=lo, threshold_max=hi,
                       features=tuple((f.layer, f.fid) for f in feats),
                       message_zh=f"{rule.name_zh}：{names_zh} {n} 处，要求{want_zh}，{'达标' if ok else '未达标'}",
                       message_en=f"{rule.name_en}: {n} {names_en} found, {want_en} required"
                                  f"{'' if ok else ' — not met'}")

    # facility_area: each facility of a type against its floor/land area minimum (with alternatives)
    def facility_area(self, rule, params, threshold, base, pack):
        t, m = params["facility_type"], params["measure"]
        lo, hi = threshold.get("min"), threshold.get("max")
        feats = self.facilities(rule.unit_kind, [t])
        values = [(f, measure(f, m, self.cat)) for f in feats]
        short = [(f.layer, f.fid) for f, v in values if not _met(v, lo, hi)]
        if params.get("require") == "any" and len(short) < len(values):
            # "至少一片/一个 … 不小于": one facility of that size suffices; report the best one.
            best = max(v for _, v in values) if lo is not None else min(v for _, v in values)
            ok_feats = [(f.layer, f.fid) for f, v in values if _met(v, lo, hi)]
            return self._finding(rule, base, True, best, threshold, ok_feats)
        if values and not short:
            worst = min(v for _, v in values) if lo is not None else max(v for _, v in values)
            return self._finding(rule, base, True, worst, threshold, [(f.layer, f.fid) for f, _ in values])
        for alt in params.get("alternatives", ()):
            alt_feats = [f for f in self.facilities(rule.unit_kind, alt["types"])
                         if _met(measure(f, m, self.cat), alt.get("min"), alt.get("max"))]
            n = len(alt_feats)
            if n >= alt.get("min_count", 1) and (alt.get("max_count") is None or n >= alt.get("min_count", 1)):
                names_zh = self.type_names(alt["types"], True)
                names_en = self.type_names(alt["types"], False)
                return Finding(**base, status="pass", measured=float(n), threshold=None,
                               features=tuple((f.layer, f.fid) for f in alt_feats),
                               message_zh=f"{rule.name_zh}：以 {n} 处{names_zh}"
                                          f"（{_bounds_text(alt.get('min'), alt.get('max'), rule.unit, True)}）替代，达标",
                               message_en=f"{rule.name_en}: met by {n} {names_en} "
                                          f"({_bounds_text(alt.get('min'), alt.get('max'), rule.unit, False)}) instead")
        if not values:
            return self._finding(rule, base, False, None, threshold, [],
                                 f"规划中没有{self.type_names([t], True)}", f"the plan has no {self.type_names([t], False)}")
        worst = min(v for _, v in values) if lo is not None else max(v for _, v in values)
        n_zh = f"{len(short)}/{len(values)} 处不足，" if len(values) > 1 else ""
        n_en = f"{len(short)} of {len(values)} below; " if len(values) > 1 else ""
        return self._finding(rule, base, False, worst, threshold, short, n_zh, n_en)

    def unit(self, unit_kind: str) -> BaseGeometry | None:
        if unit_kind not in self._units:
            self._units[unit_kind] = self.v._unit_geometry(self.s, unit_kind)
        return self._units[unit_kind]

    def homes_in(self, unit_kind: str) -> list[Feature]:
        if unit_kind not in self._homes_in:
            unit, homes = self.unit(unit_kind), self.s.features("residential")
            self._homes_in[unit_kind] = homes if unit is None else self.v._in_unit_geometry(unit, homes)
        return self._homes_in[unit_kind]

    def _sum(self, side: dict, unit_kind: str) -> float:
        key = (unit_kind, side.get("layer"), side["measure"], tuple(side.get("types", ())))
        if key not in self._sums:
            self._sums[key] = self._sum_uncached(side, unit_kind)
        return self._sums[key]

    def _sum_uncached(self, side: dict, unit_kind: str) -> float:
        layer = side.get("layer", "facilities" if "types" in side else "residential")
        if layer == "unit":
            unit = self.unit(unit_kind)
            if unit is None:
                return 0.0
            if side["measure"] == "land_area":
                return float(unit.area)
            return float(sum(measure(f, side["measure"], self.cat) for f in self.homes_in(unit_kind)))
        feats = self.homes_in(unit_kind) if layer == "residential" else self.facilities(unit_kind, side.get("types"))
        return float(sum(measure(f, side["measure"], self.cat) for f in feats))

    # ratio: scale × Σ numerator / Σ denominator over the unit
    def ratio(self, rule, params, threshold, base, pack):
        num = self._sum(params["numerator"], rule.unit_kind)
        den = self._sum(params["denominator"], rule.unit_kind)
        if den <= 0:
            return self._finding(rule, base, False, None, threshold, [], "分母为零（没有住户或面积）",
                                 "the base is zero (no households or area)")
        value = params.get("scale", 1) * num / den
        types = params["numerator"].get("types")
        feats = [(f.layer, f.fid) for f in self.facilities(rule.unit_kind, types)] if types else []
        return self._finding(rule, base, _met(value, threshold.get("min"), threshold.get("max")), value, threshold,
                             feats, f"{_fmt(num)} / {_fmt(den)}，", f"{_fmt(num)} / {_fmt(den)}; ")

    # walk_coverage: share of households within the walking limit of the nearest facility of the types
    def walk_coverage(self, rule, params, threshold, base, pack):
        if "limit_m" in params:
            limit = float(params["limit_m"])
            how_zh, how_en = f"步行 {_fmt(limit)} 米内", f"within {_fmt(limit)} m walk"
        else:
            profile = params.get("profile", "adult")
            speed = self.s.speed_profiles.get(profile, 4.0)
            limit = float(params["limit_min"]) / 60.0 * speed * 1000.0
            prof_zh = {"adult": "成人", "elderly": "老年人", "child": "儿童"}.get(profile, profile)
            how_zh = f"{prof_zh}步行 {_fmt(params['limit_min'])} 分钟（{speed:g} km/h ≈ {_fmt(limit)} 米）内"
            how_en = f"within a {_fmt(params['limit_min'])}-min {profile} walk ({speed:g} km/h ≈ {_fmt(limit)} m)"
        ids = self.v._walk.home_ids
        base = {**base, "approximate": self.v._walk.graph is None, "limit_m": limit}
        if len(ids) == 0:
            return self._finding(rule, base, False, None, threshold, [], "没有住宅", "there are no homes")
        best = np.full(len(ids), np.inf)
        for t in params["facility_types"]:
            got = self.v._walk.by_type.get(t)
            if got is not None:
                best = np.minimum(best, got[0])
        weights = self.weights
        inside = best <= limit + 1e-9
        share = 100.0 * float(weights[inside].sum()) / float(weights.sum())
        outside = tuple(zip(repeat("residential"), ids[~inside].tolist()))
        names_zh = self.type_names(params["facility_types"], True)
        names_en = self.type_names(params["facility_types"], False)
        approx_zh = "（直线距离×1.3 估算）" if base["approximate"] else ""
        approx_en = " (approximate: straight line × 1.3)" if base["approximate"] else ""
        lo = threshold.get("min", 100.0)
        return self._finding(rule, base, share >= lo - 1e-9, share, {"min": lo},
                             outside, f"{how_zh}可达{names_zh}的住户比例{approx_zh} ",
                             f"households {how_en} of {names_en}{approx_en}: ")

    # scale: population / households / area / radius of the planning unit within a band
    def scale(self, rule, params, threshold, base, pack):
        m = params["measure"]
        unit = self.unit(rule.unit_kind)
        units = [u for u in self.s.features("planning_units") if (u.get("kind") or "community") == rule.unit_kind]
        if unit is None:  # the scale of a tier is only meaningful for a unit drawn as that tier
            value = None
        elif m in ("population", "households"):
            override = [u.get(m) for u in units if u.get(m) is not None]
            homes = self.homes_in(rule.unit_kind)
            value = float(sum(override)) if override else float(sum(measure(h, m, self.cat) for h in homes))
        elif m == "area_ha":
            value = unit.area / 10_000
        else:  # radius_m: the radius of the circle of equal area
            value = math.sqrt(unit.area / math.pi)
        if value is None:
            tier = {"block": "居住街坊", "5min": "五分钟生活圈", "10min": "十分钟生活圈", "15min": "十五分钟生活圈",
                    "community": "社区"}.get(rule.unit_kind, rule.unit_kind)
            return self._finding(rule, base, False, None, threshold, [], f"未绘制{tier}规划单元",
                                 f"no {rule.unit_kind} planning unit is drawn")
        ok = _met(value, threshold.get("min"), threshold.get("max"))
        return self._finding(rule, base, ok, value, threshold, [(u.layer, u.fid) for u in units])

    # manual: a checklist item the planner answers (yes / no / n/a)
    def manual(self, rule, params, threshold, base, pack):
        answer = (self.s.manual_answers.get(rule.id) or "").strip().lower()
        if answer in ("yes", "y", "是", "pass"):
            status = "pass"
        elif answer in ("no", "n", "否", "fail"):
            status = self._verdict(rule, False)
        elif answer in ("n/a", "na", "不适用"):
            status = "n/a"
        else:
            status = "manual"
        said_zh = {"pass": "：已确认达标", "manual": "：待核查（人工）", "n/a": "：不适用"}.get(status, "：未达标")
        said_en = {"pass": ": confirmed", "manual": ": to be checked by hand", "n/a": ": not applicable"}.get(
            status, ": not met")
        return Finding(**base, status=status, measured=None, threshold=None, features=(),
                       message_zh=f"{rule.name_zh}{said_zh}——{params['question_zh']}",
                       message_en=f"{rule.name_en}{said_en} — {params['question_en']}")


def validate(snapshot: Snapshot, packs: Sequence[Pack] | None = None, catalogue: Catalogue | None = None) -> Results:
    """One full validation (the CLI and tests)."""
    return Validator(packs, catalogue).full(snapshot)

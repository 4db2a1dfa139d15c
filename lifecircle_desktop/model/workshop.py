"""What workshop mode (一图三会, issue 13) tells residents, Qt-free: the plan's walking needs in plain
words (one line per need, no rule ids), who one facility serves (its walking catchment), and which
facilities a scenario adds to another.

Everything is read from a validation run (:class:`~.findings.Results`) and the scenario's
:class:`~.snapshot.Snapshot`; the numbers are the validator's own, so what residents are told and
what the planner's findings say never differ.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from . import network
from .catalogue import Catalogue
from .catchments import service_population, walk_limit
from .findings import Finding, Results
from .rules import Rule, load_packs
from .rules.common import figure
from .rules.context import lying_in, planning_unit
from .schema import ENTRANCES, FACILITIES, RESIDENTIAL, STOPS, UNIT_KIND_WORDS, WALK_NETWORK
from .snapshot import Snapshot

Key = tuple[str, int]
DESTINATION_LAYERS = (FACILITIES, STOPS)
MANY = 3  # a need of more types than this is told by two of them and the number of kinds
SEVERITY_ORDER = {"required": 0, "recommended": 1, "informative": 2}

# Whose pace a rule's minutes are walked at (rules/walk_coverage.py ``profile``), as a resident says it.
PACE_ZH = {"adult": "", "elderly": "老人", "child": "孩子"}
PACE_EN = {"adult": "", "elderly": ", at an older person's pace", "child": ", at a child's pace"}

# The catchment drawn as an area: the reached paths widened by this much on each side. Homes stand
# back from the paths they are reached by (the validator lets a home step up to the plan's connector
# limit, 100 m by default, onto the network); 40 m covers the buildings along a reached street
# without filling the blocks behind them, which the walk does not reach. A picture, not a measure:
# every count of the catchment comes from the network distances.
AREA_WIDTH_M = 40.0


@dataclass(frozen=True)
class NeedLine:
    """One line of the resident-facing summary: one walking need."""
    facility_type: str | None  # catalogue type (None for a line about several)
    rule_id: str | None  # the applied walking finding it reads (never shown to residents)
    text_zh: str
    text_en: str
    share: float | None  # households within the limit / all households of the rule, 0..1
    share_before: float | None  # the same in the "before" scenario (with a comparison), else None
    met: bool  # the applied finding passes
    is_new: bool = False  # the need had no facility before and has one now
    required: bool = False  # the finding's rule is required (约束性): an unmet one is never left out


@dataclass(frozen=True)
class ResidentSummary:
    lines: tuple[NeedLine, ...]  # walking needs, plain words, most important first
    missing: tuple[str, ...]  # facility types a required rule asks for and the plan lacks
    missing_zh: str  # "还缺：社区食堂、养老院" ("" when nothing is missing)
    missing_en: str
    scenario: str
    before: str | None
    households: float

    def text(self, language: str = "zh") -> list[str]:
        """The summary as lines to show: the needs, then what is missing."""
        zh = language.startswith("zh")
        out = [line.text_zh if zh else line.text_en for line in self.lines]
        missing = self.missing_zh if zh else self.missing_en
        return out + ([missing] if missing else [])


@dataclass(frozen=True)
class Catchment:
    """Who one facility serves on foot (服务范围), within the walking limit its type is judged by."""
    key: Key
    facility_type: str
    limit_m: float
    minutes: float | None  # the limit as the rule states it in minutes (None: stated in metres)
    edges: tuple  # shapely LineStrings reached within limit_m (the network within walking)
    area: BaseGeometry  # a filled polygon made from the reached edges (what residents see)
    homes_first: tuple[int, ...]  # homes whose nearest facility of this type is this one, within the limit
    households: float  # their households (== the validator's nearest-facility assignment)
    homes_within: tuple[int, ...]  # every home within the limit of this facility
    households_within: float = 0.0
    pace: str = "adult"  # whose pace the rule's minutes are walked at (PACE_ZH: "elderly", "child")
    # ``homes_first`` and ``households`` count the homes of the planning unit the rule counts (its
    # finding's homes: rules/context ``home_mask``), so a type's catchments add up to the households
    # the summary line beside them counts as covered. The homes outside that unit that reach this
    # facility first within the limit are told apart ("另有 N 户在社区范围外").
    homes_outside: tuple[int, ...] = ()
    households_outside: float = 0.0
    unit_kind: str = "community"  # planning_units.kind of the rule's unit
    unit_zh: str = "社区"  # the unit in words (schema.UNIT_KIND_WORDS)
    unit_en: str = "community"

    def outside_words(self, language: str = "zh") -> str:
        """"另有 N 户在社区范围外" ("" when no home outside the unit reaches it first)."""
        if not self.homes_outside:
            return ""
        n = int(round(self.households_outside))
        if language.startswith("zh"):
            return f"另有 {n} 户在{self.unit_zh}范围外"
        return f"and {n} households outside the {self.unit_en}"


# --- the summary ---------------------------------------------------------------------------------

def resident_summary(results: Results, snapshot: Snapshot, catalogue: Catalogue, *,
                     before: Results | None = None, before_snapshot: Snapshot | None = None,
                     rules: Mapping[str, Rule] | None = None) -> ResidentSummary:
    """One line per walking need of ``results`` (its applied walking findings: an indicator read by
    several rules is told once, by the reading applied), most binding first, and what the plan
    lacks. With ``before`` (another scenario's run and snapshot): each line gives both shares and
    the change. ``rules``: rule id -> Rule (how each rule states its limit); the shipped packs
    when None."""
    if rules is None:
        rules = {r.id: r for p in load_packs() for r in p.rules}
    earlier = {_need_key(f): f for f in _walking_needs(before)} if before is not None else {}
    had_before = _types_present(before_snapshot) if before_snapshot is not None else None
    present = _types_present(snapshot)
    lines = []
    for f in _walking_needs(results):
        old = earlier.get(_need_key(f)) if before is not None else None
        types = tuple(f.facility_types)
        rule = rules.get(f.rule)
        pace, minutes = _how_stated(rule, snapshot.community_kind)
        each = rule is not None and rule.params.get("reach") == "each"
        words = _need_words(f, types, pace, minutes, each, catalogue)
        share = f.measured / 100.0
        share_before = old.measured / 100.0 if old is not None and old.measured is not None else None
        if before is None:
            zh = f"{_percent(f)} 的家庭{words['zh']}"
            en = f"{_percent(f)} of households {words['en']}"
        else:
            was = _percent(old) if share_before is not None else "—"
            zh = f"{words['short_zh']}：{was} → {_percent(f)}"
            en = f"{words['short_en']}: {was} → {_percent(f)}"
        is_new = had_before is not None and not (had_before & set(types)) and bool(present & set(types))
        lines.append(NeedLine(types[0] if len(types) == 1 else None, f.rule, zh, en, share, share_before,
                              f.status == "pass", is_new, f.severity == "required"))
    missing_rules = _missing(results, present)
    missing = tuple(dict.fromkeys(t for types in missing_rules for t in types))
    zh_items = list(dict.fromkeys(_names(types, catalogue, True, "或") for types in missing_rules))
    en_items = list(dict.fromkeys(_names(types, catalogue, False, "or") for types in missing_rules))
    return ResidentSummary(tuple(lines), missing,
                           "还缺：" + "、".join(zh_items) if zh_items else "",
                           "Still missing: " + "; ".join(en_items) if en_items else "",
                           results.scenario, before.scenario if before is not None else None,
                           float(sum(results.households.values())))


def _walking_needs(results: Results) -> list[Finding]:
    """The applied walking findings with a share to tell, most binding first (plan order within)."""
    found = [f for f in results.findings if f.kind == "walk_coverage" and f.applied and f.status != "n/a"
             and f.measured is not None]
    return sorted(found, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))


def _need_key(f: Finding) -> str:
    # Matched across scenarios by indicator: both runs apply the same reading of a group unless
    # one of them cannot be measured, and the indicator is what residents compare.
    return f.group or f.rule


def _how_stated(rule: Rule | None, community_kind: str) -> tuple[str, float | None]:
    """(whose pace, minutes) as the rule states its limit: walk_coverage's ``limit_min`` at the
    ``profile``'s speed, or (adult, None) for a limit in metres."""
    if rule is None:
        return "adult", None
    terms = rule.for_kind(community_kind)
    params = terms[0] if terms is not None else rule.params
    if "limit_m" in params or "limit_min" not in params:
        return "adult", None
    return str(params.get("profile", "adult")), float(params["limit_min"])


def _need_words(f: Finding, types: tuple[str, ...], pace: str, minutes: float | None, each: bool,
                catalogue: Catalogue) -> dict[str, str]:
    """The need in words: in full ("步行 10 分钟内可到幼儿园") and short, for a comparison ("幼儿园 10
    分钟可达"). ``each``: every type must be within the limit (walk_coverage ``reach = "each"``)."""
    joiner_zh, joiner_en = ("及", "and") if each else ("或", "or")
    names_zh = _names(types, catalogue, True, joiner_zh)
    names_en = _names(types, catalogue, False, joiner_en, article=True)
    short_en = _names(types, catalogue, False, joiner_en)
    if minutes is not None:
        how_zh, short_how_zh = f"步行 {figure(minutes)} 分钟内可到", f"{figure(minutes)} 分钟可达"
        how_en = f"within a {figure(minutes)}-minute walk of"
        short_how_en = f"within {figure(minutes)} minutes' walk"
    else:
        how_zh, short_how_zh = f"步行 {figure(f.limit_m)} 米内可到", f"{figure(f.limit_m)} 米内可达"
        how_en = f"within a {figure(f.limit_m)} m walk of"
        short_how_en = f"within {figure(f.limit_m)} m walk"
    who = PACE_ZH.get(pace, "")
    return {"zh": f"，{who}{how_zh}{names_zh}" if who else f"{how_zh}{names_zh}",
            "en": f"are {how_en} {names_en}{PACE_EN.get(pace, '')}",
            # "幼儿园 10 分钟可达", "菜市场（老人）10 分钟可达": no space after a closing bracket
            "short_zh": f"{names_zh}（{who}）{short_how_zh}" if who
                        else f"{names_zh}{'' if names_zh.endswith('）') else ' '}{short_how_zh}",
            "short_en": f"{short_en[:1].upper()}{short_en[1:]} {short_how_en}"
                        f"{PACE_EN.get(pace, '')}"}


def _names(types, catalogue: Catalogue, zh: bool, joiner: str, article: bool = False) -> str:
    names = []
    for t in types:
        if t not in catalogue:
            names.append(t)
        elif zh:
            names.append(catalogue[t].name_zh)
        else:
            en = catalogue[t].name_en
            en = en[:1].lower() + en[1:] if len(en) > 1 and en[1].islower() else en  # "ATM" stays
            vowel = en[:1].lower() in "aeiou" and not en.lower().startswith(("one", "uni", "eu"))
            names.append((("an " if vowel else "a ") + en) if article else en)
    if len(names) > MANY:  # "宝宝屋、社区食堂等 8 类设施" rather than a paragraph of names
        if zh:
            return "、".join(names[:2]) + f"等 {len(names)} 类设施" + ("" if joiner == "及" else "之一")
        kinds = f"{len(names)} kinds of facility (such as {names[0]} and {names[1]})"
        return ("each of " if joiner == "and" else "one of ") + kinds
    if zh:
        return names[0] if len(names) == 1 else "、".join(names[:-1]) + joiner + names[-1]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {joiner} " + names[-1]


def _percent(f: Finding) -> str:
    """The share in whole percent, rounded toward the verdict like the findings (rules/common
    ``toward_verdict``): a share short of its threshold is rounded down (99.96 % short of 100 % is
    "99%", never "100%"), and a share below 100 % is never printed as everyone."""
    value = float(f.measured)
    threshold = f.threshold if f.threshold is not None else 100.0
    if f.status != "pass" and value < threshold:
        shown = math.floor(value)
    else:
        shown = min(round(value), 99) if value < 100 else round(value)
    return f"{int(shown)}%"


def _types_present(snapshot: Snapshot | None) -> set[str]:
    if snapshot is None:
        return set()
    return {f.get("type") for layer in DESTINATION_LAYERS for f in snapshot.layers[layer].values()} - {None}


def _missing(results: Results, present: set[str]) -> list[tuple[str, ...]]:
    """The type sets of the required rules not met for want of any facility of their types. A rule
    that any of several types meets is left out when one of its types is already named by a rule of
    its own ("还缺：社区综合服务站", not also "社区综合服务站、党群服务中心或…")."""
    wanting = []
    for f in results.findings:
        if f.applied and f.severity == "required" and f.status == "fail" and f.facility_types \
                and not present & set(f.facility_types) and tuple(f.facility_types) not in wanting:
            wanting.append(tuple(f.facility_types))
    alone = {types[0] for types in wanting if len(types) == 1}
    named: set[str] = set(alone)
    out = []
    for types in wanting:
        if len(types) > 1 and named & set(types):
            continue
        named |= set(types)
        out.append(types)
    return out


# --- who a facility serves -----------------------------------------------------------------------

def summary_finding(results: Results, facility_type: str) -> Finding | None:
    """The applied walking finding the resident summary's line for ``facility_type`` reads: the
    first line (in the summary's order) about that type alone, else the first naming it among
    others ("便利店或综合超市…"); None when no line of the summary names it."""
    needs = [f for f in _walking_needs(results) if facility_type in f.facility_types and f.limit_m is not None]
    alone = [f for f in needs if tuple(f.facility_types) == (facility_type,)]
    return (alone or needs or [None])[0]


def catchment(results: Results, snapshot: Snapshot, key: Key, *,
              rules: Mapping[str, Rule] | None = None, graph=None) -> Catchment | None:
    """The walking catchment of facility (or stop) ``key`` at the limit of the summary's line for
    its type (:func:`summary_finding`; a type no line names: catchments.walk_limit, the tightest
    applied walking finding naming it). None when the key is not a facility or stop of the
    snapshot, or no walking finding judges its type.
    ``graph``: the scenario's network.WalkGraph, if the caller has it built (None: built here; a
    plan with no walking network is measured as the validator measures it, in straight lines)."""
    layer, fid = key
    if layer not in DESTINATION_LAYERS or fid not in snapshot.layers[layer]:
        return None
    feature = snapshot.layers[layer][fid]
    facility_type = feature.get("type")
    if not facility_type:
        return None
    if rules is None:
        rules = {r.id: r for p in load_packs() for r in p.rules}
    # Residents read one limit for a kind of facility: the summary beside the map says "幼儿园 10
    # 分钟可达", so a kindergarten's catchment is its 10-minute walk, not the 500 m of another
    # applied rule (the tightest, catchments.walk_limit, which the planner's tables use).
    read = summary_finding(results, facility_type)
    if read is not None:
        limit = float(read.limit_m)
    else:
        limit = walk_limit(results, facility_type)
        if limit is None:
            return None
        read = next((f for f in results.findings if f.kind == "walk_coverage" and f.applied
                     and f.limit_m == limit and facility_type in f.facility_types), None)
    rule = rules.get(read.rule) if read is not None else None
    pace, minutes = _how_stated(rule, snapshot.community_kind) if rule is not None else ("adult", None)
    unit_kind = rule.unit_kind if rule is not None else "community"
    in_unit = _unit_mask(results, snapshot, unit_kind)
    served = service_population(results, facility_type, limit, in_unit).get(fid)
    beyond = service_population(results, facility_type, limit, ~in_unit).get(fid)
    homes_first = served.homes if served is not None else ()
    households = served.households if served is not None else 0.0
    homes_outside = beyond.homes if beyond is not None else ()
    households_outside = beyond.households if beyond is not None else 0.0
    if graph is None:
        walk = snapshot.features(WALK_NETWORK)
        graph = network.WalkGraph.from_features(walk) if walk else None
        graph = graph if graph is not None and graph.n_edges > 0 else None
    homes = {h.fid: h.geometry for h in snapshot.features(RESIDENTIAL)}
    home_entrances = _entrances(snapshot, RESIDENTIAL)
    source = network.access_points({fid: feature.geometry}, _entrances(snapshot, layer), graph)
    targets = network.access_points(homes, home_entrances, graph)
    if graph is None:  # no network: the validator's straight-line estimate, and a circle
        nearest = network.straight_line_nearest(source, targets, limit)
        edges: tuple = ()
        area = feature.geometry.buffer(limit / 1.3)  # network.straight_line_nearest: straight line × 1.3
    else:
        nearest = graph.nearest(source, targets, limit)
        edges = tuple(graph.reachable_edges(source, limit))
        area = shapely.union_all([shapely.buffer(np.array(edges, dtype=object), AREA_WIDTH_M)]) \
            if edges else feature.geometry.buffer(AREA_WIDTH_M)
        area = shapely.union(area, feature.geometry)
    dist = np.asarray(nearest[0], dtype=float)
    within_ids = [int(h) for h, d in zip(targets.owners.tolist(), dist.tolist()) if math.isfinite(d) and d <= limit]
    within_hh = float(sum(results.households.get(h, 0.0) for h in within_ids))
    unit_zh, unit_en = UNIT_KIND_WORDS.get(unit_kind, (unit_kind, unit_kind))
    return Catchment(key, facility_type, float(limit), minutes, edges, area, tuple(homes_first), float(households),
                     tuple(within_ids), within_hh, pace, homes_outside, households_outside, unit_kind, unit_zh, unit_en)


def _unit_mask(results: Results, snapshot: Snapshot, unit_kind: str) -> np.ndarray:
    """Which of ``results.home_ids`` lie in the unit of ``unit_kind`` (every home when none is
    drawn): the homes a walking rule of that unit counts, as rules/context ``home_mask`` picks them."""
    unit = planning_unit(snapshot, unit_kind)
    if unit is None:
        return np.ones(len(results.home_ids), dtype=bool)
    inside = np.array([h.fid for h in lying_in(unit, snapshot.features(RESIDENTIAL))], dtype=np.int64)
    return np.isin(results.home_ids, inside)


def _entrances(snapshot: Snapshot, layer: str) -> list:
    return [(e["feature"], e.geometry, bool(e.get("open", True))) for e in snapshot.features(ENTRANCES)
            if e.get("layer") == layer and e.get("feature") is not None]


# --- what a scenario adds --------------------------------------------------------------------------

def new_facilities(before_snapshot: Snapshot, after_snapshot: Snapshot) -> list[Key]:
    """Facilities and stops of ``after`` that ``before`` does not have as they are: new, moved or
    of another type. Matched by type and geometry, not by fid: a scenario copied from another gets
    new fids for the same features (edits.CreateScenario)."""
    out = []
    for layer in DESTINATION_LAYERS:
        known = {(f.get("type"), _shape(f.geometry)) for f in before_snapshot.layers[layer].values()}
        out += [(layer, f.fid) for f in after_snapshot.layers[layer].values()
                if (f.get("type"), _shape(f.geometry)) not in known]
    return out


def _shape(geometry: BaseGeometry) -> bytes:
    # Centimetre precision: the file stores coordinates as doubles, but a copy is the same to far less.
    return shapely.to_wkb(shapely.normalize(shapely.set_precision(geometry, 0.01)))

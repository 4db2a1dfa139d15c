"""What the community lacks most (缺项, issue 16 item 3): the applied failing and warning findings
ranked by severity × households affected, one gap per facility type (set), and the comparison of
two scenarios' findings (方案对比).

Households affected, by the kind of finding:

- ``walk_coverage``: the households of the homes beyond the limit (the finding's residential
  features, weighed by ``Results.households``; a home without households counts one, as the
  evaluator counts it);
- ``presence`` with nothing present (measured 0): every household of the plan — nobody has one;
- everything else measured against a threshold (a presence count short of it, a facility area, a
  ratio, a scale): every household of the plan × the relative shortfall (a ratio at 0.3 of a 1.4
  minimum: 79 % of the households; a presence count 1 of 2: half);
- a verdict with no measure to weigh: half the households of the plan (the extent is unknown).

Severity weighs: required 3, recommended 2, informative 1. Ties keep the findings' order (the
plan's order of packs). Rows to fix in the plan file, checklist items, passes, n/a and another
reading of an indicator (not counted, issue 11) are no gaps. A facility type named by several
failing findings (a kindergarten absent, and so out of walking reach) is one gap: the worst
finding speaks for it and the others are listed in ``rules``.

No Qt: the findings panel only shows these (ui/panels/findings.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from .findings import Finding, Results
from .schema import RESIDENTIAL

SEVERITY_WEIGHTS = {"required": 3.0, "recommended": 2.0, "informative": 1.0}
UNKNOWN_EXTENT = 0.5  # share of the plan's households a verdict with no measure is taken to affect
NOT_GAPS = ("manual", "plan_file")  # checklist items; rows of the plan file to fix


@dataclass(frozen=True)
class Gap:
    """One thing the community lacks: ``finding`` (the worst finding of the gap) and how it is said.

    ``reason``: "absent" (none in the plan), "beyond" (homes beyond the walking limit) or "short"
    (measured short of the threshold). ``households``: households affected; ``share``: their
    percentage (for "beyond": of the households the rule counts, 100 − measured; else of the plan).
    ``limit_min``: the walking limit in minutes when the rule gives one (else ``finding.limit_m``).
    """
    finding: Finding
    reason: str
    households: float
    share: float
    score: float
    rules: tuple[str, ...]
    limit_min: float | None = None
    profile: str = "adult"

    @property
    def rule(self) -> str:
        return self.finding.rule


def plan_households(results: Results) -> float:
    """Households of every home of the run (a home without households counts one)."""
    return float(sum(_weight(results, int(h)) for h in results.home_ids.tolist()))


def _weight(results: Results, home: int) -> float:
    hh = results.households.get(home, 0.0)
    return hh if hh and hh > 0 else 1.0


def shortfall(finding: Finding) -> float | None:
    """How far short of its band the measured value is, relative to the bound it misses (0–1);
    None when there is no measure or no bound."""
    m, lo, hi = finding.measured, finding.threshold, finding.threshold_max
    if m is None or (lo is None and hi is None):
        return None
    if lo is not None and m < lo:
        return min(1.0, (lo - m) / lo) if lo > 0 else 1.0
    if hi is not None and m > hi:
        return min(1.0, (m - hi) / hi) if hi > 0 else 1.0
    return 0.0


def affected(finding: Finding, results: Results, total: float | None = None) -> tuple[str, float, float]:
    """(reason, households affected, their share in %) of a failing or warning finding."""
    total = plan_households(results) if total is None else total
    if finding.kind == "walk_coverage":
        homes = [fid for layer, fid in finding.features if layer == RESIDENTIAL]
        households = float(sum(_weight(results, h) for h in homes))
        share = 100.0 - finding.measured if finding.measured is not None else (
            100.0 * households / total if total else 0.0)
        return "beyond", households, max(0.0, min(100.0, share))
    if finding.kind == "presence" and finding.measured is not None and finding.measured <= 0:
        return "absent", total, 100.0
    short = shortfall(finding)
    fraction = UNKNOWN_EXTENT if short is None else short
    return "short", total * fraction, 100.0 * fraction


def is_gap(finding: Finding) -> bool:
    return finding.applied and finding.status in ("fail", "warn") and finding.kind not in NOT_GAPS


def gaps(results: Results, rules: Mapping | None = None) -> list[Gap]:
    """Every gap of ``results``, worst first. ``rules``: rule id -> Rule (packs.Rule), to say a
    walking limit in minutes as the source does (optional)."""
    total = plan_households(results)
    ranked: list[tuple[float, int, Gap]] = []
    for order, f in enumerate(results.findings):
        if not is_gap(f):
            continue
        reason, households, share = affected(f, results, total)
        score = SEVERITY_WEIGHTS.get(f.severity, 1.0) * households
        rule = (rules or {}).get(f.rule)
        params = getattr(rule, "params", None) or {}
        limit_min = params.get("limit_min") if f.kind == "walk_coverage" and "limit_m" not in params else None
        gap = Gap(f, reason, households, share, score, (f.rule,),
                  float(limit_min) if limit_min is not None else None, params.get("profile", "adult"))
        ranked.append((score, order, gap))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    out: list[Gap] = []
    by_types: dict[frozenset, int] = {}
    for _, _, gap in ranked:
        key = frozenset(gap.finding.facility_types) or frozenset([gap.rule])
        if key in by_types:  # the same facility type(s): one gap, the worst finding speaks for it
            i = by_types[key]
            first = out[i]
            out[i] = Gap(first.finding, first.reason, first.households, first.share, first.score,
                         first.rules + (gap.rule,), first.limit_min, first.profile)
            continue
        by_types[key] = len(out)
        out.append(gap)
    return out


def top_gaps(results: Results | None, n: int = 5, rules: Mapping | None = None) -> list[Gap]:
    """The ``n`` worst gaps (缺项 above the findings)."""
    return gaps(results, rules)[:n] if results is not None else []


# --- 方案对比: two scenarios' findings side by side ----------------------------------------------

@dataclass(frozen=True)
class Difference:
    """A finding whose status or measured value differs between scenario A and B (None: the rule
    has no finding in that scenario)."""
    rule: str
    name_zh: str
    name_en: str
    a: Finding | None
    b: Finding | None


def _same_measure(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def differs(a: Finding | None, b: Finding | None) -> bool:
    if a is None or b is None:
        return a is not b
    return a.status != b.status or not _same_measure(a.measured, b.measured)


def compare(a: Results, b: Results) -> list[Difference]:
    """Every finding that differs between ``a`` and ``b`` (status or measured value), in ``a``'s
    order then ``b``'s. Only counted findings: a rule applied in either scenario (another reading
    of an indicator counts in no summary, issue 11)."""
    in_a = {f.rule: f for f in a.findings}
    in_b = {f.rule: f for f in b.findings}
    order = list(dict.fromkeys([f.rule for f in a.findings] + [f.rule for f in b.findings]))
    out = []
    for rule in order:
        fa, fb = in_a.get(rule), in_b.get(rule)
        if not any(f is not None and f.applied for f in (fa, fb)):
            continue
        if differs(fa, fb):
            named = fa or fb
            out.append(Difference(rule, named.name_zh, named.name_en, fa, fb))
    return out


def compare_scenarios(plan, packs, catalogue, a: str, b: str) -> tuple[Results, Results, list[Difference]]:
    """Validate scenarios ``a`` and ``b`` of ``plan`` from their snapshots (a fresh validator each,
    so the live loop's caches stay its own) and compare them. On the demo: about 25 ms a scenario
    (tests/ui/test_gaps_compare.py measures it), so the desktop runs it on the GUI thread."""
    from .snapshot import take_snapshot
    from .validate import Validator
    results = [Validator(packs, catalogue).full(take_snapshot(plan, name)) for name in (a, b)]
    return results[0], results[1], compare(*results)

"""What validation says: Findings, per-home nearest facilities, and coverage curves (design.md §3)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

STATUSES = ("pass", "fail", "warn", "manual", "n/a")
# One word per status, everywhere (CLI, panels, report): (Chinese, English). 提示 is a
# recommended rule not met; 待核查 a checklist item the planner answers.
STATUS_WORDS = {"pass": ("达标", "pass"), "fail": ("未达标", "fail"), "warn": ("提示", "warn"),
                "manual": ("待核查", "manual"), "n/a": ("不适用", "n/a")}


def status_word(status: str, language: str = "zh") -> str:
    zh, en = STATUS_WORDS.get(status, (status, status))
    return zh if language == "zh" else en


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one scenario.

    ``status``: pass, fail (a required rule not met), warn (a recommended rule not met), manual (the
    planner must answer), n/a (does not apply to this community kind, or nothing to measure).
    ``features``: ids of what the finding concerns — (layer, fid) pairs, e.g. the homes beyond the
    walking limit or the facilities below the area minimum.
    """
    rule: str
    pack: str
    kind: str
    status: str
    severity: str
    measured: float | None
    threshold: float | None
    unit: str
    features: tuple[tuple[str, int], ...]
    message_zh: str
    message_en: str
    citation: dict
    name_zh: str = ""
    name_en: str = ""
    threshold_max: float | None = None
    approximate: bool = False  # straight-line fallback (no walking network)
    facility_types: tuple[str, ...] = ()
    limit_m: float | None = None  # walk_coverage: the distance limit used (time × speed)
    overrides: tuple[tuple[str, float], ...] = ()  # (key, value) of a district's own thresholds used
    confidence: str = "high"  # of the source (standards.md conf.): high | medium | low
    modal: str = ""  # the source's word that sets the severity (应, 宜, 为原则, 鼓励…) or its basis (建设标准表)
    # Rules measuring one indicator form a group (issue 11); one reading is applied and counted,
    # the others are shown beside it (``applied`` False) and counted in no summary.
    group: str = ""
    applied: bool = True
    alternatives: tuple[str, ...] = ()  # on the applied finding: the rule ids of the other readings
    estimated: tuple[int, int] | None = None  # (homes whose households are estimated, homes counted)
    long_connectors: int = 0  # homes counted whose walk onto the network is longer than the plan allows

    def message(self, language: str = "zh") -> str:
        return self.message_zh if language.startswith("zh") else self.message_en

    def to_json(self) -> dict:
        return {"rule": self.rule, "pack": self.pack, "kind": self.kind, "status": self.status,
                "severity": self.severity, "measured": self.measured, "threshold": self.threshold,
                "threshold_max": self.threshold_max, "unit": self.unit,
                "features": [fid for _, fid in self.features], "layers": sorted({l for l, _ in self.features}),
                "message_zh": self.message_zh, "message_en": self.message_en, "approximate": self.approximate,
                "overrides": dict(self.overrides), "confidence": self.confidence, "modal": self.modal,
                "group": self.group, "applied": self.applied, "alternatives": list(self.alternatives),
                "estimated": list(self.estimated) if self.estimated else None,
                "long_connectors": self.long_connectors,
                "citation": {"document": self.citation.get("document", ""), "clause": self.citation.get("clause", ""),
                             "text": self.citation.get("text", "")}}


@dataclass(frozen=True)
class Nearest:
    facility: int | None  # fid in facilities or stops
    layer: str
    distance_m: float | None  # None: none reachable within the search limit


@dataclass
class Results:
    """The output of one validation run.

    Walking distances are kept as arrays (one per facility type, aligned with ``home_ids``);
    ``nearest`` turns them into per-home records only when asked (the CLI's --detail), so the live
    loop never pays for ~10^5 small objects.
    """
    scenario: str
    findings: list[Finding]
    home_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # facility type -> (distance per home, inf = none within the limit; nearest fid per home; layer)
    distances: dict[str, tuple[np.ndarray, np.ndarray, str]] = field(default_factory=dict)
    households: dict[int, float] = field(default_factory=dict)
    approximate: bool = False
    search_limit_m: float = 2000.0
    version: int = 0
    # Per home (aligned with ``home_ids``): its walk onto the network in metres (inf: none within
    # reach; NaN: no network). Homes beyond the plan's connector limit are flagged (issue 11).
    connectors: np.ndarray = field(default_factory=lambda: np.empty(0))
    # facility type -> capacity.Access: the 2SFCA of each type with a capacity that a walking
    # finding judges (issue 15), at that finding's limit.
    access: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Counts by status of the findings that are counted: an indicator read by several rules
        (a group) counts once, by the reading applied (issue 11)."""
        counted = [f for f in self.findings if f.applied]
        out = {s: 0 for s in STATUSES}
        for f in counted:
            out[f.status] += 1
        out["required_failed"] = sum(1 for f in counted if f.status == "fail" and f.severity == "required")
        return out

    def groups(self) -> list[dict]:
        """Each indicator (group): the reading applied (counted in the summary), its status, and the
        rule ids of the other readings, shown beside it."""
        return [{"group": f.group, "applied": f.rule, "status": f.status, "alternatives": list(f.alternatives)}
                for f in self.findings if f.group and f.applied]

    def connector_m(self, home: int) -> float | None:
        """A home's walk onto the network (None: no network, or not a home of this run)."""
        where = np.flatnonzero(self.home_ids == home)
        if len(where) == 0 or len(self.connectors) <= where[0] or math.isnan(self.connectors[where[0]]):
            return None
        return float(self.connectors[where[0]])

    @cached_property
    def nearest(self) -> dict[int, dict[str, Nearest]]:
        """fid of each home -> facility type -> Nearest."""
        out: dict[int, dict[str, Nearest]] = {int(h): {} for h in self.home_ids.tolist()}
        for t, (dist, near, layer) in self.distances.items():
            for h, d, n in zip(self.home_ids.tolist(), dist.tolist(), near.tolist()):
                finite = math.isfinite(d)
                out[h][t] = Nearest(int(n) if finite else None, layer, round(d, 2) if finite else None)
        return out

    def share_within(self, facility_type: str, distances_m) -> list[float]:
        """Share (%) of households whose nearest ``facility_type`` is within each distance d — the
        coverage curve of the chart."""
        got = self.distances.get(facility_type)
        weights = np.array([self.households.get(int(h), 0.0) for h in self.home_ids.tolist()])
        total = float(weights.sum())
        if got is None or total <= 0:
            return [0.0 for _ in distances_m]
        dist = got[0]
        return [100.0 * float(weights[dist <= d].sum()) / total for d in distances_m]

"""What validation says: Findings, per-home nearest facilities, and coverage curves (design.md §3)."""
from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("pass", "fail", "warn", "manual", "n/a")


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

    def message(self, language: str = "zh") -> str:
        return self.message_zh if language.startswith("zh") else self.message_en

    def to_json(self) -> dict:
        return {"rule": self.rule, "pack": self.pack, "kind": self.kind, "status": self.status,
                "severity": self.severity, "measured": self.measured, "threshold": self.threshold,
                "threshold_max": self.threshold_max, "unit": self.unit,
                "features": [fid for _, fid in self.features], "layers": sorted({l for l, _ in self.features}),
                "message_zh": self.message_zh, "message_en": self.message_en, "approximate": self.approximate,
                "citation": {"document": self.citation.get("document", ""), "clause": self.citation.get("clause", ""),
                             "text": self.citation.get("text", "")}}


@dataclass(frozen=True)
class Nearest:
    facility: int | None  # fid in facilities or stops
    layer: str
    distance_m: float | None  # None: none reachable within the search limit


@dataclass
class Results:
    """The output of one validation run."""
    scenario: str
    findings: list[Finding]
    # fid of each home -> facility type -> Nearest
    nearest: dict[int, dict[str, Nearest]] = field(default_factory=dict)
    households: dict[int, float] = field(default_factory=dict)
    approximate: bool = False
    search_limit_m: float = 2000.0
    version: int = 0

    def summary(self) -> dict:
        out = {s: 0 for s in ("pass", "fail", "warn", "manual", "n/a")}
        for f in self.findings:
            out[f.status] += 1
        out["required_failed"] = sum(1 for f in self.findings if f.status == "fail" and f.severity == "required")
        return out

    def share_within(self, facility_type: str, distances_m) -> list[float]:
        """Share (%) of households whose nearest ``facility_type`` is within each distance d — the
        coverage curve of the chart."""
        total = sum(self.households.values()) or 0.0
        pairs = [(n[facility_type].distance_m, self.households.get(h, 0.0)) for h, n in self.nearest.items()
                 if facility_type in n]
        out = []
        for d in distances_m:
            within = sum(w for dist, w in pairs if dist is not None and dist <= d)
            out.append(100.0 * within / total if total else 0.0)
        return out

"""Comment pins (居民意见) of workshop meetings (一图三会: 听证会, 协调会, 评议会; design.md §12).

A pin is one point of the ``comments`` layer in a scenario: what was said (``text``), its
category, who said it (a role and an optional name), at which meeting and when, its status and the
planner's reply. Codes are stored as plain words (``facility_need``, ``resident``…) so that QGIS
and a spreadsheet read them; the words here say them in Chinese and English. ``number`` is the
pin's number on the map: given once and never given again in its scenario, even after the pin
is deleted or its placing undone ("意见 3" read out at a meeting keeps meaning one pin). The highest
number given per scenario is kept in plan_meta (``NUMBERS_KEY``).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from shapely.geometry import Point

from .edits import AddFeature
from .errors import PlanError
from .plan import Feature
from .schema import COMMENTS

if TYPE_CHECKING:  # pragma: no cover
    from .plan import ChangeSet, Plan

# plan_meta key: scenario -> the highest pin number ever given there (never lowered, not by undo).
NUMBERS_KEY = "comment_numbers"

# The codes of each field and their words (Chinese, English), in the order a form offers them
# (issue 13 item 4).
CATEGORIES = {
    "facility_need": ("设施需求", "facility need"),
    "safety": ("安全", "safety"),
    "environment": ("环境", "environment"),
    "traffic": ("交通", "traffic"),
    "other": ("其他", "other"),
}
AUTHOR_ROLES = {
    "resident": ("居民", "resident"),
    "neighbourhood_committee": ("居委会", "neighbourhood committee"),
    "owners_committee": ("业委会", "owners' committee"),
    "property_manager": ("物业", "property manager"),
    "planner": ("规划师", "planner"),
    "other": ("其他", "other"),
}
# The three meetings (三会) of seed 001 (三、(一) 1. 健全党建引领机制): “听证会、协调会、评议会”; seed 002 task 15 names the
# first one 征询会 (事前征询会, 事中协调会, 事后评议会): a pin of a 征询会 is filed under ``hearing``.
MEETINGS = {
    "hearing": ("听证会", "hearing"),
    "coordination": ("协调会", "coordination meeting"),
    "evaluation": ("评议会", "evaluation meeting"),
}
STATUSES = {
    "new": ("新意见", "new"),
    "answered": ("已答复", "answered"),
    "adopted": ("已采纳", "adopted"),
    "declined": ("未采纳", "declined"),
}
CODES = {"category": CATEGORIES, "author_role": AUTHOR_ROLES, "meeting": MEETINGS, "status": STATUSES}
# The fields a planner fills in (the pin's form and the panel's editor), in that order.
FIELDS = ("text", "category", "author_role", "author", "meeting", "meeting_date", "status", "reply")
_FIELD_WORDS = {"text": ("意见", "comment"), "category": ("类别", "category"), "author_role": ("提出人身份", "role"),
                "author": ("提出人", "name"), "meeting": ("会议", "meeting"), "meeting_date": ("会议日期", "meeting date"),
                "status": ("状态", "status"), "reply": ("答复", "reply"), "number": ("编号", "number")}


def code_words(field: str, code: str | None, language: str = "zh") -> str:
    """A code of ``field`` in words ("" for none; a code this version does not know, as stored)."""
    if not code:
        return ""
    words = CODES[field].get(code)
    return code if words is None else words[0 if language == "zh" else 1]


def field_words(field: str, language: str = "zh") -> str:
    zh, en = _FIELD_WORDS[field]
    return zh if language == "zh" else en


@dataclass(frozen=True)
class Comment:
    """One pin as the panel, the export and the report read it."""
    fid: int
    number: int | None
    x: float
    y: float
    text: str
    category: str | None
    author_role: str | None
    author: str | None
    meeting: str | None
    meeting_date: str | None
    status: str
    reply: str | None
    created: str | None
    scenario: str

    @classmethod
    def of(cls, feature: Feature) -> "Comment":
        a = feature.attributes
        g = feature.geometry  # a point; another program may have written a multipoint
        x, y = (g.x, g.y) if g.geom_type == "Point" else g.representative_point().coords[0]
        return cls(feature.fid, a.get("number"), x, y, a.get("text") or "",
                   a.get("category"), a.get("author_role"), a.get("author"), a.get("meeting"),
                   a.get("meeting_date"), a.get("status") or "new", a.get("reply"), a.get("created"),
                   feature.scenario)

    def words(self, field: str, language: str = "zh") -> str:
        """A field as shown: codes in words, the rest as stored ("" for none)."""
        value = getattr(self, field)
        if field in CODES:
            return code_words(field, value, language)
        return "" if value is None else str(value)


def comments_of(features: Iterable[Feature]) -> list[Comment]:
    """The pins, by number (pins without one, as another program may add them, last by fid)."""
    pins = [Comment.of(f) for f in features if f.geometry is not None and not f.geometry.is_empty]
    return sorted(pins, key=lambda c: (c.number is None, c.number or 0, c.fid))


def next_number(features: Iterable[Feature], given: int = 0) -> int:
    """The number of a new pin: one more than the highest of the scenario's pins and of ``given``
    (the highest ever given there, :func:`numbers_given`), so a deleted pin's number is never
    given to another."""
    return 1 + max([given] + [int(f.attributes["number"]) for f in features
                              if f.attributes.get("number") is not None])


def numbers_given(plan: "Plan", scenario: str) -> int:
    """The highest pin number ever given in ``scenario`` (0: none recorded; a file written by
    another program, or before the record was kept, has only its pins' numbers)."""
    record = plan.meta.get(NUMBERS_KEY)
    value = record.get(scenario) if isinstance(record, dict) else None
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class AddPin(AddFeature):
    """Placing a pin: the feature added, and its number recorded as given. Its undo deletes the
    pin but leaves the record (a number once read out is not given again); its redo puts the pin
    back with the same number."""

    def apply(self, plan: "Plan") -> "ChangeSet":
        changes = AddFeature.apply(self, plan)
        number = dict(self.attributes).get("number")
        if number is not None and int(number) > numbers_given(plan, self.scenario):
            record = plan.meta.get(NUMBERS_KEY)
            record = dict(record) if isinstance(record, dict) else {}
            plan.set_meta(**{NUMBERS_KEY: {**record, self.scenario: int(number)}})
        return changes


def checked_values(values: Mapping[str, object]) -> dict[str, object]:
    """The planner's values for a pin, refused in one sentence when a code is unknown or a date is
    not a date. Empty strings become None (except the text)."""
    unknown = [k for k in values if k not in FIELDS]
    if unknown:
        raise PlanError(f"居民意见没有字段 {', '.join(unknown)}", f"a comment has no field {', '.join(unknown)}")
    out: dict[str, object] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "text":
            out[name] = value or ""
            continue
        if value in ("", None):
            if name == "status":
                raise PlanError("意见的状态不能为空", "a comment's status cannot be empty")
            out[name] = None
            continue
        if name in CODES and value not in CODES[name]:
            zh, en = _FIELD_WORDS[name]
            known = "、".join(w[0] for w in CODES[name].values())
            raise PlanError(f"{zh}“{value}”无法识别（可选：{known}）",
                            f"unknown {en} “{value}” (one of: {', '.join(CODES[name])})")
        if name == "meeting_date":
            try:
                value = _dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise PlanError(f"会议日期“{value}”不是日期（应写作 2026-05-20）",
                                f"meeting date “{value}” is not a date (write it as 2026-05-20)") from None
        out[name] = value
    return out


def pin_edit(plan, scenario: str, xy, values: Mapping[str, object]):
    """The edit placing a pin at ``xy`` (plan metres) in ``scenario``, numbered next there, placed
    now; ``values``: fields of ``FIELDS`` (status "new" unless given)."""
    fields = checked_values(values)
    fields["status"] = fields.get("status") or "new"
    number = next_number(plan.features(COMMENTS, scenario), numbers_given(plan, scenario))
    return AddPin(COMMENTS, Point(float(xy[0]), float(xy[1])),
                  {**fields, "number": number, "created": now_iso()}, scenario)


def now_iso() -> str:
    """When a pin was placed: ISO 8601 UTC, like the plan's other time stamps."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["AUTHOR_ROLES", "AddPin", "CATEGORIES", "CODES", "COMMENTS", "Comment", "FIELDS", "MEETINGS",
           "NUMBERS_KEY", "STATUSES", "checked_values", "code_words", "comments_of", "field_words", "next_number",
           "numbers_given", "now_iso", "pin_edit"]

"""Which OSM object becomes which facility type (docs/import.md §5, "OSM → facility type").

The catalogue's ``osm`` lists (resources/standards/catalogue.toml) are the mapping, as data; docs/import.md §5.1
prints them (``mapping_table``, refreshed by scripts/build_demo.py). Each entry is
conditions joined by ``+``, all of which must hold:

- ``key=value`` — the key has that value; ``key=v1|v2`` — one of them; ``key`` or ``key=*`` — any value but "no";
- ``!key`` — the key is absent (or "no");
- ``key!=v1|v2`` — the key is absent or has none of those values.

The entry with the most positive conditions wins (``amenity=social_facility+social_facility=nursing_home`` over
``amenity=social_facility``), then the one with the most conditions, then catalogue order.

Before matching, two things OSM leaves to the name are read into the tags the catalogue names (``read_tags``):

- **a school's level** → one ``isced:level`` value (0 kindergarten, 1 primary, 2–3 middle school), from
  ``isced:level``, else ``school=``, else the name's head word (小学, 中学, 幼儿园 …); universities, colleges and
  vocational schools, and schools whose level nothing tells, get none and match no type;
- **a statue or memorial mapped as a park** (李国豪像 is ``leisure=park`` on the Siping extract) → ``memorial=statue``,
  from a name whose head word is 像, 雕像, 塑像, 雕塑, 纪念碑, 碑 or "statue", "bust", "monument", "memorial".

Nothing here imports Qt or touches a plan: ``OsmRules.match(tags)`` is a pure look-up.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import Catalogue
from ..errors import PlanError

# --- the spec grammar ---------------------------------------------------------------------------
EQ, ANY, ABSENT, NOT = "=", "*", "!", "!="


@dataclass(frozen=True)
class Condition:
    key: str
    op: str  # EQ | ANY | ABSENT | NOT
    values: tuple[str, ...] = ()

    @property
    def positive(self) -> bool:
        return self.op in (EQ, ANY)

    def holds(self, tags: dict) -> bool:
        value = tags.get(self.key)
        if self.op == EQ:
            return value in self.values
        if self.op == ANY:
            return value is not None and value != "no"
        if self.op == ABSENT:
            return value is None or value == "no"
        return value not in self.values  # NOT: absent or none of the values

    def text(self) -> str:
        if self.op == EQ:
            return f"{self.key}={'|'.join(self.values)}"
        if self.op == ANY:
            return f"{self.key}=*"
        if self.op == ABSENT:
            return f"!{self.key}"
        return f"{self.key}!={'|'.join(self.values)}"


_KEY = re.compile(r"[A-Za-z0-9_:\-]+")


def parse_spec(spec: str) -> tuple[Condition, ...]:
    """One catalogue ``osm`` entry → its conditions; PlanError naming the entry if it is malformed."""
    conds = []
    for part in spec.split("+"):
        part = part.strip()
        if part.startswith("!"):
            key, op, values = part[1:], ABSENT, ()
        elif "!=" in part:
            key, raw = part.split("!=", 1)
            op, values = NOT, tuple(raw.split("|"))
        elif "=" in part:
            key, raw = part.split("=", 1)
            op, values = (ANY, ()) if raw == "*" else (EQ, tuple(raw.split("|")))
        else:
            key, op, values = part, ANY, ()
        if not _KEY.fullmatch(key) or any(not v for v in values):
            raise PlanError(f"设施目录的 osm 规则 “{spec}” 无法解析", f"the catalogue's osm entry \"{spec}\" cannot be read")
        conds.append(Condition(key, op, values))
    if not any(c.positive for c in conds):
        raise PlanError(f"设施目录的 osm 规则 “{spec}” 没有肯定条件",
                        f"the catalogue's osm entry \"{spec}\" has no condition a tag must meet")
    return tuple(conds)


# --- a school's level --------------------------------------------------------------------------
# ISCED 2011 levels: 0 early childhood, 1 primary, 2 lower secondary (初中), 3 upper secondary (高中), 4+ post-secondary
# and tertiary. What the catalogue plans for: kindergarten (0), primary_school (1), middle_school (2, 3).
KINDERGARTEN, PRIMARY, MIDDLE = "0", "1", "2"
TERTIARY, VOCATIONAL = "tertiary", "vocational"  # no community facility type
SEVERAL = "several"  # the name says primary and middle (中小学, 九年一贯制)

# school=* values (OSM wiki Key:school, MapComplete's school layer).
SCHOOL_VALUES = {
    "kindergarten": KINDERGARTEN, "preschool": KINDERGARTEN, "primary": PRIMARY, "elementary": PRIMARY,
    "secondary": MIDDLE, "lower_secondary": MIDDLE, "middle_secondary": MIDDLE, "upper_secondary": MIDDLE,
    "middle": MIDDLE, "high": MIDDLE, "post_secondary": TERTIARY, "tertiary": TERTIARY, "university": TERTIARY,
    "college": TERTIARY, "vocational": VOCATIONAL,
}

# Head words of a school's name, in Chinese and English (Maltese "primarja" too). The word that ends LAST in the
# name is its head — 北京石油学院附属中学 is a middle school, 中国农业大学附属实验小学 a primary school — and of two
# ending at the same place the longer wins (职业高中 is vocational, not 高中; 九年一贯制学校 says primary and
# middle, not just 学校). 学校 alone says no level (上海外国语大学附属外国语学校 is not a university); 分校 and
# 校区 say nothing and are not head words.
NAME_WORDS = (
    (KINDERGARTEN, r"幼儿园|幼兒園|幼稚园|幼稚園|kindergarten|nursery school|pre-?school"),
    (PRIMARY, r"小学|小學|附小|primary|primarja|elementary|infant school|junior school"),
    (MIDDLE, r"中学|中學|初中|高中|附中|secondary|middle school|high school|lyceum"),
    (SEVERAL, r"中小学|中小學|一贯制学校|一贯制|一貫制學校|一貫制"),
    (VOCATIONAL, r"职业学校|职业技术学校|职业高中|职高|职校|技校|技工学校|中专|vocational"),
    (TERTIARY, r"大学|大學|学院|學院|大专|高校|university|universit[àa]"),
    (None, r"学校|學校"),
)
_NAME_RE = re.compile("|".join(f"(?P<w{i}>{p})" for i, (_, p) in enumerate(NAME_WORDS)), re.IGNORECASE)
_LATIN_WORD = re.compile(r"[a-z]", re.IGNORECASE)
NAME_KEYS = ("name", "name:zh", "name:zh-Hans", "name:en", "official_name")


def _head_word(name: str):
    """The level the head word of ``name`` says, or ``(False, None)`` when no word of NAME_WORDS occurs."""
    best = None  # (end, length, level)
    for m in _NAME_RE.finditer(name):
        a, b = m.span()
        word = m.group(0)
        if _LATIN_WORD.match(word):  # a Latin word must stand alone: "primary" but not "primaryx"
            if (a and name[a - 1].isalpha() and name[a - 1].isascii()) or \
                    (b < len(name) and name[b].isalpha() and name[b].isascii()):
                continue
        level = NAME_WORDS[int(m.lastgroup[1:])][0]
        key = (b, b - a)
        if best is None or key > best[:2]:
            best = (b, b - a, level)
    return (False, None) if best is None else (True, best[2])


def name_level(tags: dict):
    """(found, level) from the first name that holds a head word."""
    for key in NAME_KEYS:
        name = tags.get(key)
        if name:
            found, level = _head_word(name)
            if found:
                return True, level
    return False, None


def isced_levels(value: str) -> set[int]:
    """isced:level "1", "2;3", "1-3", "0,1" → {levels}; unreadable parts are ignored."""
    out: set[int] = set()
    for part in re.split(r"[;,]", value):
        part = part.strip()
        m = re.fullmatch(r"(\d)\s*-\s*(\d)", part)
        if m:
            lo, hi = sorted((int(m.group(1)), int(m.group(2))))
            out.update(range(lo, hi + 1))
        elif re.fullmatch(r"\d", part):
            out.add(int(part))
    return out


def _from_levels(levels: set[int], tags: dict) -> str | None:
    groups = []
    if 0 in levels:
        groups.append(KINDERGARTEN)
    if 1 in levels:
        groups.append(PRIMARY)
    if levels & {2, 3}:
        groups.append(MIDDLE)
    if not groups:
        return TERTIARY if any(v >= 4 for v in levels) else None
    if len(groups) == 1:
        return groups[0]
    # Several levels (九年一贯制 1;2, a primary school with a reception class 0;1): the name's head word decides
    # when it names one of them; otherwise the primary part — six of a 九年一贯制's nine grades, and the pupils
    # with the shortest walk (GB 50180-2018 表5.0.3: 小学 500 m, 中学 1000 m) — else the middle part.
    found, named = name_level(tags)
    if found and named in groups:
        return named
    return PRIMARY if PRIMARY in groups else MIDDLE


def school_level(tags: dict) -> str | None:
    """The level an ``amenity=school`` is counted at: "0", "1", "2", TERTIARY, VOCATIONAL or None (unknown).

    Order: ``isced:level`` (when readable), then ``school=``, then the name's head word.
    """
    raw = tags.get("isced:level") or tags.get("isced")
    if raw:
        levels = isced_levels(raw)
        if levels:
            return _from_levels(levels, tags)
    school = (tags.get("school") or "").strip().lower()
    if school:
        levels = {SCHOOL_VALUES[v.strip()] for v in school.split(";") if v.strip() in SCHOOL_VALUES}
        if len(levels) == 1:
            return levels.pop()
        if levels:
            digits = {int(v) for v in levels if v.isdigit()}
            return _from_levels(digits, tags) if digits else TERTIARY
    found, level = name_level(tags)
    if level == SEVERAL:
        return PRIMARY  # 中小学, 九年一贯制: the primary part, as above
    return level


# --- statues and memorials named as parks ------------------------------------------------------
STATUE_NAME = re.compile(r"(?:(?<![影图录画])像|雕塑|纪念碑|碑)\s*$"
                         r"|^\s*(?:statue|bust|monument|memorial)\b|\b(?:statue|bust|monument|memorial)\s*$",
                         re.IGNORECASE)
GREEN_KEYS = ("leisure", "landuse")


def names_a_statue(tags: dict) -> bool:
    return any(STATUE_NAME.search(tags.get(k) or "") for k in ("name", "name:zh", "name:en"))


def read_tags(tags: dict) -> dict:
    """``tags`` as the catalogue reads them: a school's level in one ``isced:level`` value, a statue named as a
    park marked ``memorial=statue``. Returns ``tags`` itself when nothing is read in (no copy)."""
    out = tags
    if tags.get("amenity") == "school":
        level = school_level(tags)
        out = dict(tags)
        if level in (KINDERGARTEN, PRIMARY, MIDDLE):
            out["isced:level"] = level
        else:
            out.pop("isced:level", None)
        out["school:counted"] = level or "unknown"
    if "memorial" not in tags and any(k in tags for k in GREEN_KEYS) and names_a_statue(tags):
        out = dict(out) if out is tags else out
        out["memorial"] = "statue"
        out["memorial:from_name"] = "yes"
    return out


# --- the rules ---------------------------------------------------------------------------------
class OsmRules:
    """The catalogue's osm entries, indexed by the keys of their positive conditions: a dict look-up per tag."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        entries = []
        for order, t in enumerate(catalogue):
            for spec in t.osm:
                conds = parse_spec(spec)
                entries.append((-sum(c.positive for c in conds), -len(conds), order, conds, t.code))
        entries.sort(key=lambda e: e[:3])
        self.rules: list[tuple[tuple[Condition, ...], str]] = [(e[3], e[4]) for e in entries]
        self.index: dict[str, dict[str, list[int]]] = {}
        for i, (conds, _code) in enumerate(self.rules):
            for c in conds:
                if c.positive:
                    for v in (c.values or ("*",)):
                        self.index.setdefault(c.key, {}).setdefault(v, []).append(i)
        self.keys = frozenset(self.index)
        # Objects a rule's positive conditions took but one of its exclusions turned away, or schools not counted,
        # by reason (the import summary's "skipped").
        self.not_counted: Counter = Counter()

    def _candidates(self, tags: dict) -> list[int]:
        found = set()
        for k in self.keys.intersection(tags):
            by_value = self.index[k]
            found.update(by_value.get(tags[k], ()))
            if tags[k] != "no":
                found.update(by_value.get("*", ()))
        return sorted(found)

    def match(self, tags: dict) -> str | None:
        """The facility type of an object with ``tags``, or None."""
        if self.keys.isdisjoint(tags):
            return None
        view = read_tags(tags)
        candidates = self._candidates(view)
        for i in candidates:
            if all(c.holds(view) for c in self.rules[i][0]):
                return self.rules[i][1]
        self._count_miss(view, candidates)
        return None

    def _count_miss(self, view: dict, candidates: list[int]) -> None:
        counted = view.get("school:counted")
        if counted in (TERTIARY, VOCATIONAL):
            self.not_counted["school not imported as a facility: a university, college or vocational school, "
                              "no community facility type"] += 1
            return
        if counted == "unknown":
            self.not_counted["school not imported as a facility: neither isced:level, school= nor its name "
                              "tells primary, middle school or kindergarten"] += 1
            return
        for i in candidates:
            conds, code = self.rules[i]
            if all(c.holds(view) for c in conds if c.positive):
                failed = next(c for c in conds if not c.holds(view))
                if failed.key == "memorial" and view.get("memorial:from_name"):
                    why = "named as a statue or memorial"
                else:
                    why = f"tagged {failed.key}={view.get(failed.key)}"
                self.not_counted[f"not imported as {code}: {why}"] += 1
                return

    def is_point(self, code: str) -> bool:
        return self.catalogue[code].geometry == "point"


# --- the table in docs/import.md ---------------------------------------------------------------
TABLE_BEGIN = "<!-- osm-mapping: generated from resources/standards/catalogue.toml, do not edit by hand -->"
TABLE_END = "<!-- osm-mapping: end -->"


def spec_words(conds: tuple[Condition, ...]) -> str:
    """One entry as the docs table prints it: the tags it needs, then "unless" and the tags that exclude it."""
    need = " + ".join(f"`{c.text()}`" for c in conds if c.positive)
    unless = []
    for c in conds:
        if c.op == ABSENT:
            unless.append(f"`{c.key}=*`")
        elif c.op == NOT:
            unless.append(f"`{c.key}={'|'.join(c.values)}`")
    words = need + (f"，除非 unless {', '.join(unless)}" if unless else "")
    return words.replace("|", "\\|")  # a bare | would end the table cell (GitHub Markdown)


def mapping_table(catalogue: Catalogue) -> str:
    """The OSM → facility type table of docs/import.md, one row per catalogue type, in catalogue order."""
    lines = [TABLE_BEGIN, "", "| 类别 category | 设施类型 type | 代码 code | OSM 标签 tags |", "|---|---|---|---|"]
    for t in catalogue:
        cat = catalogue.categories.get(t.category)
        cat_words = f"{cat.name_zh} {cat.name_en}" if cat else t.category
        tags = "<br>".join(spec_words(parse_spec(s)) for s in t.osm) or "— 手绘 drawn by the planner"
        lines.append(f"| {cat_words} | {t.name_zh} {t.name_en} | `{t.code}` | {tags} |")
    lines += ["", TABLE_END]
    return "\n".join(lines)


def write_table(doc_path, catalogue: Catalogue) -> bool:
    """Replace the generated table in ``doc_path`` (scripts/build_demo.py does it); True if the file changed."""
    path = Path(doc_path)
    text = path.read_text(encoding="utf-8")
    a, b = text.index(TABLE_BEGIN), text.index(TABLE_END) + len(TABLE_END)
    new = text[:a] + mapping_table(catalogue) + text[b:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text

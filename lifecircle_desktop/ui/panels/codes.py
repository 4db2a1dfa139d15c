"""Attribute values stored as codes (``bus_stop``, ``gate``, ``footway``, ``osm``) in the words a
planner reads: the Chinese interface shows no code (issue 16 §7). A field with known codes is
edited with a list of words; a code not listed is shown as stored, never lost.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from ...model.comments import CODES as COMMENT_CODES
from ...model.schema import COMMENTS, ENTRANCES, FACILITIES, LAYERS, PLANNING_UNITS, STOPS, WALK_NETWORK
from .. import i18n

CONTEXT = "AttributeCodes"

SOURCE = {
    "osm": QT_TRANSLATE_NOOP("AttributeCodes", "OpenStreetMap"),
    "drawn": QT_TRANSLATE_NOOP("AttributeCodes", "drawn"),
    "import": QT_TRANSLATE_NOOP("AttributeCodes", "imported file"),
}
ENTRANCE_KINDS = {
    "gate": QT_TRANSLATE_NOOP("AttributeCodes", "gate"),
    "door": QT_TRANSLATE_NOOP("AttributeCodes", "door"),
}
UNIT_KINDS = {  # the words of model/schema.UNIT_KIND_WORDS, through the Qt catalogue
    "community": QT_TRANSLATE_NOOP("AttributeCodes", "community"),
    "block": QT_TRANSLATE_NOOP("AttributeCodes", "residential block"),
    "5min": QT_TRANSLATE_NOOP("AttributeCodes", "5-minute life circle"),
    "10min": QT_TRANSLATE_NOOP("AttributeCodes", "10-minute life circle"),
    "15min": QT_TRANSLATE_NOOP("AttributeCodes", "15-minute life circle"),
}
# OpenStreetMap's highway values a walking path carries (model/io/osm.py keeps the tag as class).
PATH_CLASSES = {
    "footway": QT_TRANSLATE_NOOP("AttributeCodes", "footway"),
    "path": QT_TRANSLATE_NOOP("AttributeCodes", "path"),
    "pedestrian": QT_TRANSLATE_NOOP("AttributeCodes", "pedestrian street"),
    "steps": QT_TRANSLATE_NOOP("AttributeCodes", "steps"),
    "corridor": QT_TRANSLATE_NOOP("AttributeCodes", "indoor corridor"),
    "cycleway": QT_TRANSLATE_NOOP("AttributeCodes", "cycleway"),
    "bridleway": QT_TRANSLATE_NOOP("AttributeCodes", "bridleway"),
    "track": QT_TRANSLATE_NOOP("AttributeCodes", "track"),
    "living_street": QT_TRANSLATE_NOOP("AttributeCodes", "living street"),
    "residential": QT_TRANSLATE_NOOP("AttributeCodes", "residential street"),
    "service": QT_TRANSLATE_NOOP("AttributeCodes", "service road"),
    "unclassified": QT_TRANSLATE_NOOP("AttributeCodes", "minor road"),
    "tertiary": QT_TRANSLATE_NOOP("AttributeCodes", "branch road"),
    "tertiary_link": QT_TRANSLATE_NOOP("AttributeCodes", "branch road ramp"),
    "secondary": QT_TRANSLATE_NOOP("AttributeCodes", "secondary trunk road"),
    "secondary_link": QT_TRANSLATE_NOOP("AttributeCodes", "secondary trunk road ramp"),
    "primary": QT_TRANSLATE_NOOP("AttributeCodes", "primary trunk road"),
    "primary_link": QT_TRANSLATE_NOOP("AttributeCodes", "primary trunk road ramp"),
    "trunk": QT_TRANSLATE_NOOP("AttributeCodes", "expressway"),
    "trunk_link": QT_TRANSLATE_NOOP("AttributeCodes", "expressway ramp"),
    "road": QT_TRANSLATE_NOOP("AttributeCodes", "road of unknown class"),
}
BARRIERS = {
    "gate": QT_TRANSLATE_NOOP("AttributeCodes", "gate"),
    "lift_gate": QT_TRANSLATE_NOOP("AttributeCodes", "barrier arm"),
    "swing_gate": QT_TRANSLATE_NOOP("AttributeCodes", "swing gate"),
    "sliding_gate": QT_TRANSLATE_NOOP("AttributeCodes", "sliding gate"),
    "bollard": QT_TRANSLATE_NOOP("AttributeCodes", "bollard"),
    "fence": QT_TRANSLATE_NOOP("AttributeCodes", "fence"),
    "wall": QT_TRANSLATE_NOOP("AttributeCodes", "wall"),
    "kerb": QT_TRANSLATE_NOOP("AttributeCodes", "kerb"),
}

# 新建/改建/扩建 of a project (facilities.construction): seed 001 §三(三)1 "通过新建、改扩建等举措".
# "" is no answer yet: the list leaves the cell blank.
CONSTRUCTION = {
    "": QT_TRANSLATE_NOOP("AttributeCodes", "—"),
    "new": QT_TRANSLATE_NOOP("AttributeCodes", "new build"),
    "rebuild": QT_TRANSLATE_NOOP("AttributeCodes", "rebuild"),
    "extend": QT_TRANSLATE_NOOP("AttributeCodes", "extension"),
}
# Paths (实施路径) the Shanghai documents name, offered as words to pick or to type over (stored as
# typed): seed 001 三.3 "通过外部规划新建、内部挖潜改造、周边资源共享等多种路径", seed 001 §三(三)1
# "充分利用存量资源", seed 000 "推进服务设施复合利用" and "零星更新、微更新、微改造".
IMPLEMENTATION_PATHS = (
    QT_TRANSLATE_NOOP("AttributeCodes", "new build under the plan"),
    QT_TRANSLATE_NOOP("AttributeCodes", "refitting space found inside"),
    QT_TRANSLATE_NOOP("AttributeCodes", "sharing nearby resources"),
    QT_TRANSLATE_NOOP("AttributeCodes", "using existing stock"),
    QT_TRANSLATE_NOOP("AttributeCodes", "mixed use of facilities"),
    QT_TRANSLATE_NOOP("AttributeCodes", "micro-renewal"),
)

_CODES = {
    (FACILITIES, "construction"): CONSTRUCTION,
    (STOPS, "type"): None,  # the catalogue's point types
    (ENTRANCES, "kind"): ENTRANCE_KINDS,
    (PLANNING_UNITS, "kind"): UNIT_KINDS,
    (WALK_NETWORK, "class"): PATH_CLASSES,
    (WALK_NETWORK, "barrier"): BARRIERS,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def choices(layer: str, name: str, catalogue) -> list[tuple[str, str]] | None:
    """(code, words) of an editable code field, in the interface language; None: not a code field."""
    if layer == COMMENTS and name in COMMENT_CODES:  # a pin's codes: the model's words (model/comments.py)
        blank = [] if name == "status" else [("", "—")]  # a pin always has a status
        return blank + [(code, i18n.pick(*pair)) for code, pair in COMMENT_CODES[name].items()]
    if (layer, name) not in _CODES:
        return None
    words = _CODES[(layer, name)]
    if words is None:
        zh = i18n.is_chinese()
        return [(t.code, t.name_zh if zh else t.name_en) for t in catalogue.types.values() if t.geometry == "point"]
    return [(code, _tr(text)) for code, text in words.items()]


def suggestions(layer: str, name: str) -> list[str] | None:
    """Words offered for a free-text field, in the interface language; None: no suggestions."""
    if (layer, name) == (FACILITIES, "implementation_path"):
        return [_tr(text) for text in IMPLEMENTATION_PATHS]
    return None


def read_only_words(layer: str, name: str, value) -> str | None:
    """A read-only code (where a feature came from, the layer an entrance belongs to) in words."""
    if name == "source" and value in SOURCE:
        return _tr(SOURCE[value])
    if layer == ENTRANCES and name == "layer" and value in LAYERS:
        spec = LAYERS[value]
        return i18n.pick(spec.title_zh, spec.title_en)
    return None

"""The units a rule measures in, as a reviewer reads them: Chinese messages say 平方米、平方米/百户、米、
分钟、处、人 (issue 11: "实测 0 m2/100 households" in a Chinese sentence was sent back). A pack's
``unit`` must be a key here; the loader refuses any other."""
from __future__ import annotations

# code -> (Chinese, English). "" is a rule with no unit (a checklist item).
UNITS: dict[str, tuple[str, str]] = {
    "": ("", ""),
    "m2": ("平方米", "m²"),
    "m2/100 households": ("平方米/百户", "m² per 100 households"),
    "m2/person": ("平方米/人", "m² per person"),
    "m2/child": ("平方米/生", "m² per child"),
    "m2/class": ("平方米/班", "m² per class"),
    "m": ("米", "m"),
    "min": ("分钟", "min"),
    "h": ("小时", "h"),
    "h/day": ("小时/天", "h a day"),
    "ha": ("公顷", "ha"),
    "%": ("%", "%"),
    "‰": ("‰", "‰"),
    "count": ("处", ""),
    "persons": ("人", "persons"),
    "households": ("户", "households"),
    "beds": ("张床位", "beds"),
    "classes": ("个班", "classes"),
    "storeys": ("层", "storeys"),
    "spaces/household": ("个/户", "spaces per household"),
    "× daily deliveries": ("倍日均投递量", "× daily deliveries"),
}


def unit_word(code: str, zh: bool) -> str:
    zh_word, en_word = UNITS.get(code, (code, code))
    return zh_word if zh else en_word

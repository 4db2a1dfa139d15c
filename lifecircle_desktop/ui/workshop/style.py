"""The workshop look of a map view: high contrast, large labels, no hairlines (issue 13 item 1).

``apply_workshop_style(view)`` changes how one ``MapView`` draws; ``restore_style(view)`` puts its
editing look back. Readable from the back of a room: labels ≥ 18 pt at 1920×1080, pens ≥ 2 px,
facilities by category, the base map muted.
"""
from __future__ import annotations

# The smallest label on the projected map, in points (issue 13: ≥ 18 pt at 1920×1080).
LABEL_POINTS = 18


def apply_workshop_style(view) -> None:
    """Give ``view`` (a ui/map/view.MapView) the workshop look; ``restore_style`` undoes it."""
    view.setProperty("workshop_style", True)


def restore_style(view) -> None:
    """``view`` back to its editing look."""
    view.setProperty("workshop_style", False)


def is_workshop_style(view) -> bool:
    return bool(view.property("workshop_style"))

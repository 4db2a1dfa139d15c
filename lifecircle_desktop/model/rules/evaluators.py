"""The evaluator kinds (design.md §3): rules are data, these are the code. A pack naming any
other kind is refused when it loads (packs.py)."""
from . import facility_area, manual, presence, ratio, scale, walk_coverage

EVALUATORS = {
    "presence": presence.evaluate,
    "facility_area": facility_area.evaluate,
    "ratio": ratio.evaluate,
    "walk_coverage": walk_coverage.evaluate,
    "scale": scale.evaluate,
    "manual": manual.evaluate,
}
KINDS = tuple(EVALUATORS)

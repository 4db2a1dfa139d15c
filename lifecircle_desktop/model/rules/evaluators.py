"""The evaluator kinds (design.md §3): rules are data, these are the code. A pack naming any
other kind is refused when it loads (packs.py).

Each ``evaluate(rule, pack, context) -> Finding`` is a pure function of the rule and the run's
rules.Context. It is called only for a rule that applies to the plan's community kind: the
Validator (model/validate.py) answers n/a for the others itself and adds a district's overrides
to the message.
"""
from . import capacity_coverage, facility_area, manual, presence, ratio, scale, walk_coverage

EVALUATORS = {
    "presence": presence.evaluate,
    "facility_area": facility_area.evaluate,
    "ratio": ratio.evaluate,
    "walk_coverage": walk_coverage.evaluate,
    "scale": scale.evaluate,
    "manual": manual.evaluate,
    "capacity_coverage": capacity_coverage.evaluate,
}
KINDS = tuple(EVALUATORS)

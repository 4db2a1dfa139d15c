"""manual: a checklist item the planner answers — yes, no or not applicable (design.md §3): what a
drawn plan cannot show (sunlight hours, opening hours, waste sorting)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding, status_word
from .common import base, verdict
from .context import Context

if TYPE_CHECKING:
    from .packs import Pack, Rule

YES, NO, NOT_APPLICABLE = ("yes", "y", "是", "pass"), ("no", "n", "否", "fail"), ("n/a", "na", "不适用")
SAID_EN = {"pass": ": confirmed", "manual": ": to be checked by hand", "n/a": ": not applicable"}


def evaluate(rule: Rule, pack: Pack, context: Context) -> Finding:
    params, _, _ = context.terms(rule)
    status = _status(rule, context.snapshot.manual_answers.get(rule.id))
    said_zh = {"pass": f"：已确认{status_word('pass')}", "manual": f"：{status_word('manual')}（人工）",
               "n/a": f"：{status_word('n/a')}"}.get(status, f"：{status_word('fail')}")
    return Finding(**base(rule, pack), status=status, measured=None, threshold=None, features=(),
                   message_zh=f"{rule.name_zh}{said_zh}——{params['question_zh']}",
                   message_en=f"{rule.name_en}{SAID_EN.get(status, ': not met')} — {params['question_en']}")


def _status(rule: Rule, answer: str | None) -> str:
    """The planner's answer as a status; unanswered (or an answer we cannot read) stays manual."""
    answer = (answer or "").strip().lower()
    if answer in YES:
        return "pass"
    if answer in NO:
        return verdict(rule, False)
    if answer in NOT_APPLICABLE:
        return "n/a"
    return "manual"

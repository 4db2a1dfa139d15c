"""`lifecircle settings PLAN [--set KEY=VALUE …] [--format text|json]`: the plan settings (规划设置).

Every setting with its value, whether the plan sets it or the default holds, its unit and its
source — or "默认值，无公开依据 / default, no published figure". ``--set`` changes settings, all
of them as one edit (one refused: none is applied; exit 2 with the one sentence saying why).
"""
from __future__ import annotations

import argparse
import json
import unicodedata

from ..model import settings as settings_model


def assignment(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError("expected KEY=VALUE, e.g. speed_elderly_kmh=2.8 or community_class=characteristic")
    return key.strip(), value.strip()


def settings_json(values) -> dict:
    """{key: {value, default, unit, is_default, name_zh, name_en, source_zh, source_en}} of resolved
    settings: the "settings" object of `lifecircle settings --format json` and `lifecircle validate
    --format json` (docs/validate-output.schema.json)."""
    out = {}
    for key, setting in settings_model.SETTINGS.items():
        value = values[key]
        out[key] = {"value": value, "default": setting.default, "unit": setting.unit,
                    "is_default": settings_model.is_default(key, value),
                    "name_zh": setting.name_zh, "name_en": setting.name_en,
                    "source_zh": setting.source[0], "source_en": setting.source[1]}
    return out


def value_text(key: str, value, zh: bool) -> str:
    """A value as read, with what to type after --set: "特色类 [characteristic]", "4.5 千米/小时"."""
    setting = settings_model.SETTINGS[key]
    if setting.choices:
        word = setting.choice_words(value, zh)
        return value if word == value else f"{word} [{value}]"
    return settings_model.value_words(key, value, zh)


def padded(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def settings_lines(values, zh: bool) -> list[str]:
    """One line per setting: its name, key = value with its unit, default or set, and its source."""
    lines = []
    names = {key: settings_model.name_words(key, zh) for key in settings_model.SETTINGS}
    name_width = max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in n) for n in names.values())
    key_width = max(len(key) for key in settings_model.SETTINGS)
    for key in settings_model.SETTINGS:
        value = values[key]
        default = settings_model.is_default(key, value)
        state = ("默认值" if default else "本规划所设") if zh else ("default" if default else "set")
        source = settings_model.source_words(key, zh)
        start = f"  {padded(names[key], name_width)}  {key:<{key_width}} = {value_text(key, value, zh)}"
        lines.append(f"{start}（{state}）；来源：{source}" if zh else f"{start} ({state}); source: {source}")
    return lines


def header_line(values, zh: bool) -> str:
    """The settings in one line for a report's header (`lifecircle validate`): the ones this plan
    sets marked with *."""
    parts = []
    for key in settings_model.SETTINGS:
        mark = "" if settings_model.is_default(key, values[key]) else "*"
        parts.append(f"{settings_model.name_words(key, zh)} {settings_model.value_words(key, values[key], zh)}{mark}")
    if zh:
        return "规划设置：" + "；".join(parts) + "（* 为本规划所设，其余为默认值；来源见 lifecircle settings）"
    return "Settings: " + "; ".join(parts) + " (* set by this plan, the rest are defaults; sources: lifecircle settings)"


def choices_line(zh: bool) -> str:
    choices = "；".join(f"{k}：{'|'.join(s.choices)}" for k, s in settings_model.SETTINGS.items() if s.choices) if zh \
        else "; ".join(f"{k}: {'|'.join(s.choices)}" for k, s in settings_model.SETTINGS.items() if s.choices)
    return (f"用 --set KEY=VALUE 修改；{choices}" if zh else f"Change with --set KEY=VALUE; {choices}")


def run(args) -> int:
    from ..model.session import PlanSession
    from .common import language
    zh = language() == "zh"
    with PlanSession.open(args.plan) as session:
        changed = []
        if args.set:
            values = {key: settings_model.parse(key, text) for key, text in args.set}
            before = dict(session.settings)
            session.set_settings(values)
            changed = [key for key in values if session.settings[key] != before[key]]
        # A district turns a low-confidence rule (a consultation draft, a secondary summary) on or off.
        for rule, on in [(r, True) for r in args.enforce or ()] + [(r, False) for r in args.no_enforce or ()]:
            edit = session.enforce_edit(rule, on)
            if edit is not None:
                session.apply(edit)
                changed.append(f"{'enforce' if on else 'no-enforce'} {rule}")
        enforced = sorted(r.id for p in session.enabled_packs() for r in p.rules
                          if r.confidence == "low" and session.enforced(r.id))
        values = dict(session.settings)
        name = session.plan.name
    if args.format == "json":
        print(json.dumps({"plan": name, "changed": changed, "settings": settings_json(values), "enforced": enforced},
                         ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    if args.set or args.enforce or args.no_enforce:
        if changed:
            words = "、".join(settings_model.name_words(k, True) if k in settings_model.SETTINGS else k
                             for k in changed) if zh else \
                ", ".join(settings_model.name_words(k, False) if k in settings_model.SETTINGS else k for k in changed)
            print(f"已修改：{words}" if zh else f"changed: {words}")
        else:
            print("未作更改（已是这些值）" if zh else "nothing changed (the settings already have these values)")
    print(f"规划设置：{name}" if zh else f"Plan settings: {name}")
    print("\n".join(settings_lines(values, zh)))
    if enforced:
        print(("区级启用的低可信度规则：" if zh else "Low-confidence rules the district enforces: ") + ", ".join(enforced))
    print(choices_line(zh))
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("settings", help="show, or with --set change, the plan settings (community class, "
                                                    "area class, walking speeds, persons per household, …)")
    parser.add_argument("plan")
    parser.add_argument("--set", type=assignment, action="append", metavar="KEY=VALUE",
                        help="change a setting, e.g. --set community_class=characteristic (repeatable; all or none are applied)")
    parser.add_argument("--enforce", action="append", metavar="RULE",
                        help="apply a rule from a low-confidence source (a consultation draft, a secondary summary) "
                             "as its source words it; without this it is informative (repeatable)")
    parser.add_argument("--no-enforce", action="append", metavar="RULE", help="make such a rule informative again")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)

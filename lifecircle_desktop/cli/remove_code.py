"""`lifecircle remove-code PLAN [--yes]`: the triggers and views another program stored in a plan.

A plan holding such code does not open (it would run on every edit: design.md §2). This lists it,
and with ``--yes`` — the planner's consent — removes it; none of it runs while it is removed.
"""
from __future__ import annotations


def run(args) -> int:
    from ..model.store import ForeignCode, probe, remove_foreign_code
    try:
        probe(args.plan)
    except ForeignCode as found:
        if not args.yes:
            print(f"{args.plan}: code another program stored in the plan: {', '.join(found.names)}; "
                  "run again with --yes to remove it")
            return 1
        removed = remove_foreign_code(args.plan)
        print(f"{args.plan}: removed {', '.join(removed)}")
        return 0
    print(f"{args.plan}: no code stored by another program")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("remove-code", help="list, and with --yes remove, triggers and views another "
                                                       "program stored in a plan (it does not open while they are there)")
    parser.add_argument("plan")
    parser.add_argument("--yes", action="store_true", help="remove them (your consent)")
    parser.set_defaults(run=run)

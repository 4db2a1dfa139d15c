"""Docs that are tested: every CLI command and option is in the README."""
import argparse

from lifecircle_desktop.cli import build_parser
from tests.helpers import ROOT


def test_every_command_and_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {"gui", "new", "info", "validate", "import-osm", "import"} <= set(sub.choices)
    for name, parser in sub.choices.items():
        assert f"lifecircle {name}" in readme, name
        for action in parser._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"{name} {opt} is not documented in README.md"

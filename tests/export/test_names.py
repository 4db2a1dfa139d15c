"""Bundle file names made safe from any plan or scenario name (issue 12 item 1)."""
import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecircle_desktop.export.names import MAX_BYTES, bundle_folder_name, safe_name, unique_path

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def assert_safe(name: str, max_bytes: int = MAX_BYTES) -> None:
    assert name and name not in (".", "..")
    assert not WINDOWS_FORBIDDEN & set(name), name
    assert not any(unicodedata.category(c)[0] == "C" for c in name), repr(name)
    assert not any(unicodedata.category(c) in ("Zl", "Zp") for c in name), repr(name)
    assert name[0] not in ". " and name[-1] not in ". ", repr(name)
    assert name.split(".")[0].strip().upper() not in RESERVED, name
    assert len(name.encode("utf-8")) <= max_bytes


@pytest.mark.parametrize("hostile, expected", [
    ("四平社区/二期", "四平社区_二期"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("..", "plan"),
    ("", "plan"),
    ("   ", "plan"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("Lpt9", "_Lpt9"),
    ("COM1 ", "_COM1"),
    ("方案.", "方案"),
    ("a\tb\nc\x00d\x1b", "a b cd"),
    ("\u202egpj.exe", "gpj.exe"),  # a right-to-left override disguising an extension
    ("C:\\规划", "C__规划"),
])
def test_hostile_names_become_safe(hostile, expected):
    got = safe_name(hostile)
    assert got == expected
    assert_safe(got)


def test_a_long_chinese_name_is_cut_between_characters():
    got = safe_name("十五分钟社区生活圈" * 20)
    assert_safe(got)
    assert got == ("十五分钟社区生活圈" * 20)[:len(got)] and len(got) == MAX_BYTES // 3


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_any_text_gives_a_safe_name(text):
    assert_safe(safe_name(text))


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=200), st.text(min_size=0, max_size=200))
def test_the_bundle_folder_name_is_safe_and_can_be_made(tmp_path_factory, plan, scenario):
    name = bundle_folder_name(plan, scenario, dt.date(2026, 12, 2))
    assert name.endswith("_2026-12-02")
    assert len(name.encode("utf-8")) + len(".partial-4194304.") < 255  # the temporary name fits too
    folder = tmp_path_factory.mktemp("names") / name
    folder.mkdir()
    assert folder.is_dir() and folder.parent.name != name and folder.name == name


def test_the_folder_is_named_from_plan_scenario_and_date():
    assert bundle_folder_name("四平社区", "基础方案", dt.date(2026, 12, 2)) == "四平社区_基础方案_2026-12-02"


def test_a_taken_name_gets_a_number(tmp_path):
    (tmp_path / "四平").mkdir()
    (tmp_path / "四平 (2)").write_text("")
    assert unique_path(tmp_path, "四平") == tmp_path / "四平 (3)"
    assert unique_path(tmp_path, "新") == tmp_path / "新"

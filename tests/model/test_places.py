"""Rule packs from where a plan lies (issue 16): Shanghai's packs only inside Shanghai; a plan
from an OSM extract named after the place its data shows."""
from pathlib import Path

import pytest

from lifecircle_desktop.model.places import (NATIONAL_PACKS, in_shanghai, packs_for_location, place_name)
from lifecircle_desktop.model.session import create_plan, create_plan_from_osm

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
WUDAOKOU = REAL / "beijing_wudaokou_tsinghua" / "beijing_wudaokou_tsinghua.osm"
SIPING = REAL / "shanghai_tongji_siping" / "shanghai_tongji_siping.osm"
ALL_FOUR = ["national_complete_community_2021", "shanghai_community_service_2022",
            "shanghai_complete_community_2025", "gb50180_2018_life_circle"]
NATIONAL = ["national_complete_community_2021", "gb50180_2018_life_circle"]


@pytest.mark.parametrize("where, lonlat, inside", [
    ("Siping, Yangpu", (121.497, 31.285), True), ("Chongming", (121.40, 31.62), True),
    ("Jinshan", (121.34, 30.74), True), ("Lingang", (121.93, 30.90), True), ("Qingpu", (121.12, 31.15), True),
    ("Beijing Wudaokou", (116.32, 40.0), False), ("Malta", (14.45, 35.9), False),
    ("Kunshan", (120.98, 31.38), False), ("Jiashan", (120.92, 30.83), False), ("Suzhou", (120.6, 31.3), False),
])
def test_shanghai_is_told_from_its_neighbours_and_elsewhere(where, lonlat, inside):
    assert in_shanghai(*lonlat) is inside
    assert list(packs_for_location(lonlat)) == (ALL_FOUR if inside else NATIONAL)


def test_an_unknown_location_gets_the_national_packs_only():
    assert packs_for_location(None) == NATIONAL_PACKS


def test_a_blank_plan_gets_the_packs_of_its_place_unless_told(tmp_path):
    with create_plan(tmp_path / "sh.gpkg", "四平", lonlat=(121.497, 31.285)) as session:
        assert session.plan.rule_packs == ALL_FOUR
    with create_plan(tmp_path / "bj.gpkg", "五道口", lonlat=(116.33, 39.99)) as session:
        assert session.plan.rule_packs == NATIONAL
        assert [p.id for p in session.enabled_packs()] == NATIONAL
    with create_plan(tmp_path / "mt.gpkg", "Valletta", lonlat=(14.51, 35.90)) as session:
        assert session.plan.rule_packs == NATIONAL
    with create_plan(tmp_path / "told.gpkg", "北京", lonlat=(116.33, 39.99),
                     rule_packs=["shanghai_complete_community_2025"]) as session:
        assert session.plan.rule_packs == ["shanghai_complete_community_2025"]


def test_place_name_from_addresses_or_boundaries():
    assert place_name([{"addr:city": "上海市", "addr:district": "杨浦区"}, {"addr:city": "上海市"},
                       {"addr:city": "Shaghai"}]) == "上海市杨浦区"
    assert place_name([{"addr:city": "北京市海淀区"}, {"addr:district": "海淀区"}]) == "北京市海淀区"
    assert place_name([{"boundary": "administrative", "admin_level": "6", "name": "Valletta"},
                       {"boundary": "administrative", "admin_level": "2", "name": "Malta"}]) == "Valletta"
    assert place_name([{"building": "yes"}]) is None


@pytest.mark.skipif(not WUDAOKOU.exists(), reason="the real extracts are not beside the checkout")
def test_a_plan_from_the_beijing_extract_is_named_after_its_place_with_national_packs(tmp_path):
    session, _summary = create_plan_from_osm(WUDAOKOU, tmp_path / "wdk.gpkg")
    with session:
        assert session.plan.rule_packs == NATIONAL
        assert session.plan.name == "北京市海淀区" and session.plan.name != WUDAOKOU.stem
    session, _summary = create_plan_from_osm(SIPING, tmp_path / "sp.gpkg", name="四平路街道")
    with session:
        assert session.plan.rule_packs == ALL_FOUR and session.plan.name == "四平路街道"


def test_the_command_line_chooses_packs_by_place_unless_told(tmp_path):
    from lifecircle_desktop.model.plan import Plan
    from tests.helpers import cli
    assert cli("new", tmp_path / "bj.gpkg", "--name", "五道口", "--lonlat", "116.33,39.99").returncode == 0
    assert cli("new", tmp_path / "sh.gpkg", "--name", "四平", "--lonlat", "121.50,31.285").returncode == 0
    assert cli("new", tmp_path / "own.gpkg", "--name", "自选", "--lonlat", "116.33,39.99",
               "--packs", "national_complete_community_2021").returncode == 0
    with Plan.open(tmp_path / "bj.gpkg") as bj, Plan.open(tmp_path / "sh.gpkg") as sh, \
            Plan.open(tmp_path / "own.gpkg") as own:
        assert bj.rule_packs == NATIONAL and sh.rule_packs == ALL_FOUR
        assert own.rule_packs == ["national_complete_community_2021"]


def test_an_unknown_pack_is_refused_before_any_file_is_made(tmp_path):
    from lifecircle_desktop.model.errors import PlanError
    with pytest.raises(PlanError, match="no rule pack"):
        create_plan(tmp_path / "x.gpkg", "x", lonlat=(116.3, 40.0), rule_packs=["shanghai_2099"])
    assert not (tmp_path / "x.gpkg").exists()

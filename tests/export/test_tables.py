"""The bundle's tables (export/tables.py) against the plan and the packs' own TOML, read here with
tomllib — never against the tables' own helpers."""
import math
import shutil
import tomllib

import pytest
from shapely.geometry import box

from lifecircle_desktop.export import BundleContext, ExportOptions
from lifecircle_desktop.export.tables import (COMPLIANCE_COLUMNS, FACILITY_COLUMNS, PROJECT_COLUMNS, compliance_table,
                                              facility_table, headers, summary_counts)
from lifecircle_desktop.model.resources import DEMO_PLAN, STANDARDS
from lifecircle_desktop.model.session import PlanSession

pytestmark = pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    yield session
    session.close()


def pack_rules(pack_ids):
    """rule id -> its [[rule]] table, read from the packs' TOML files."""
    out = {}
    for pack in pack_ids:
        data = tomllib.loads((STANDARDS / f"{pack}.toml").read_text(encoding="utf-8"))
        out.update({r["id"]: r for r in data.get("rule", [])})
    return out


def test_the_compliance_table_has_one_row_per_finding_in_the_packs_order(demo):
    ctx = BundleContext.build(demo, ExportOptions(lang="zh"))
    table = compliance_table(ctx)
    assert tuple(table.columns) == COMPLIANCE_COLUMNS
    assert sorted(table["rule"]) == sorted(f.rule for f in ctx.results.findings)
    packs = demo.plan.rule_packs
    order = [packs.index(p) for p in table["pack"]]
    assert order == sorted(order)
    # Within a pack an indicator's readings stand together, the one applied first.
    for _, rows in table[table["group"] != ""].groupby(["pack", "group"], sort=False):
        assert rows.index.tolist() == list(range(rows.index[0], rows.index[0] + len(rows)))
        assert rows["applied"].iloc[0] or not rows["applied"].any()
    words = {"pass": "达标", "fail": "未达标", "warn": "提示", "manual": "待核查", "n/a": "不适用"}
    assert all(words[s] == v for s, v in zip(table["status"], table["verdict"]))


def test_the_required_value_says_the_sources_threshold_and_unit(demo):
    ctx = BundleContext.build(demo, ExportOptions(lang="zh"))
    table = compliance_table(ctx).set_index("rule")
    rules = pack_rules(demo.plan.rule_packs)
    kind = demo.plan.community_kind
    checked = {"min": 0, "max": 0, "band": 0}
    for rule_id, row in table.iterrows():
        band = rules[rule_id].get("threshold", {}).get(kind) or {}
        if row["required"] == "—" or rules[rule_id]["kind"] == "manual":
            continue
        if "min" in band and "max" in band:
            assert row["required"].startswith(f"{band['min']:g}–{band['max']:g}"), rule_id
            checked["band"] += 1
        elif "max" in band:
            assert row["required"].startswith(f"≤ {band['max']:g}"), rule_id
            checked["max"] += 1
        elif "min" in band:
            assert row["required"].startswith(f"≥ {band['min']:g}"), rule_id
            checked["min"] += 1
        if rules[rule_id].get("unit") == "m2":
            assert "平方米" in row["required"], rule_id
    assert checked["min"] > 0, checked


def test_english_titles_and_words(demo):
    ctx = BundleContext.build(demo, ExportOptions(lang="en"))
    table = compliance_table(ctx)
    assert set(table["verdict"]) <= {"pass", "fail", "warn", "manual", "n/a"}
    assert headers("en")["verdict"] == "Verdict" and headers("zh")["verdict"] == "结论"
    assert set(COMPLIANCE_COLUMNS) <= set(headers("zh")) and set(FACILITY_COLUMNS) <= set(headers("en"))
    # Every title differs within one language: a spreadsheet column is found by its title.
    for lang in ("zh", "en"):
        for table, columns in (("compliance", COMPLIANCE_COLUMNS), ("facility", FACILITY_COLUMNS),
                               ("project", PROJECT_COLUMNS)):
            titles = [headers(lang, table)[c] for c in columns]
            assert len(set(titles)) == len(titles), (lang, table)
    assert headers("zh")["name"] == "规则" and headers("zh", "facility")["name"] == "名称"


def test_summary_counts_count_each_applied_finding_once(demo):
    ctx = BundleContext.build(demo)
    counts = summary_counts(ctx.results)
    applied = compliance_table(ctx).query("applied")
    for status in ("pass", "fail", "warn", "manual", "n/a"):
        assert counts[status] == (applied["status"] == status).sum()


def test_the_facility_table_has_one_row_per_facility_with_its_areas_and_catchment(demo):
    ctx = BundleContext.build(demo)
    table = facility_table(ctx)
    assert tuple(table.columns) == FACILITY_COLUMNS
    facilities = demo.plan.features("facilities", demo.scenario)
    assert sorted(table["fid"]) == sorted(f.fid for f in facilities)
    by_fid = table.set_index("fid")
    for f in facilities:
        row = by_fid.loc[f.fid]
        assert row["land_area"] == pytest.approx(f["land_area"] if f["land_area"] is not None else f.geometry.area)
        if f["floor_area"] is not None:
            assert row["floor_area"] == pytest.approx(f["floor_area"])
        assert row["status_word"] == {"existing": "现状", "planned": "规划"}[f["status"]]
    # Households served add up, per type, to the households of the homes within the type's limit
    # whose nearest facility of the type is one of these (counted here from the distances).
    results = ctx.results
    for t, (dist, _near, _layer) in results.distances.items():
        rows = table[table["type"] == t]
        if rows.empty or math.isnan(rows["limit_m"].iloc[0]):
            continue
        limit = rows["limit_m"].iloc[0]
        within = sum(results.households[int(h)] for h, d in zip(results.home_ids, dist) if d <= limit)
        assert rows["households_served"].sum() == pytest.approx(within), t


def test_a_planned_kindergarten_short_of_the_minimum_is_said_so(demo):
    unit = demo.plan.features("planning_units", demo.scenario)[0].geometry
    cx, cy = unit.representative_point().coords[0]
    fid = demo.add("facilities", box(cx, cy, cx + 30, cy + 30), type="kindergarten", name="新幼儿园",
                   status="planned", floor_area=1000.0, land_area=1500.0).edit.fid
    ctx = BundleContext.build(demo)
    row = facility_table(ctx).set_index("fid").loc[fid]
    rules = pack_rules(demo.plan.rule_packs)
    floor_rules = [r for r in rules.values() if r["kind"] == "facility_area"
                   and r.get("params", {}).get("facility_type") == "kindergarten"
                   and r["params"].get("measure") == "floor_area"
                   and "min" in r.get("threshold", {}).get(demo.plan.community_kind, {})]
    assert floor_rules
    assert row["required_min"] == max(r["threshold"][demo.plan.community_kind]["min"] for r in floor_rules)
    assert (row["status"], row["status_word"], row["type_name"]) == ("planned", "规划", "幼儿园")
    assert row["verdict"] == "未达标"
    assert row["floor_area"] == 1000.0 and row["land_area"] == 1500.0


def test_the_facility_table_says_which_kindergartens_are_over_capacity(tmp_path):
    """Issue 15 point 2: capacity against the demand of the households a facility serves, worked out
    here from the plan's own settings and the service population (not from model/capacity)."""
    import shutil
    from lifecircle_desktop.export import BundleContext, ExportOptions
    from lifecircle_desktop.model.catchments import service_population
    from lifecircle_desktop.model.resources import DEMO_PLAN
    from lifecircle_desktop.model.session import PlanSession
    from shapely.geometry import box
    path = tmp_path / "demo.gpkg"
    shutil.copyfile(DEMO_PLAN, path)
    session = PlanSession.open(path)
    try:
        site = session.suggest("kindergarten", count=1).sites[0]  # where a kindergarten serves the most
        session.add("facilities", site.footprint, type="kindergarten", name="小班幼儿园", classes=1)
        ctx = BundleContext.build(session, ExportOptions())
        table = facility_table(ctx)
        kids = table[table["type"] == "kindergarten"]
        assert len(kids) >= 1
        settings = session.settings
        per_household = (settings["persons_per_household"] * settings["kindergarten_age_share"])
        served = service_population(ctx.results, "kindergarten")
        row = kids[kids["name"] == "小班幼儿园"].iloc[0]
        households = served[int(row["fid"])].households if int(row["fid"]) in served else 0.0
        assert row["capacity"] == settings["kindergarten_places_per_class"] * 1
        assert row["demand"] == pytest.approx(households * per_household)
        over = households * per_household > row["capacity"]
        assert row["over_capacity"] == ("超容" if over else "未超容")
        assert households > 0 and over  # one class cannot take the whole demo
    finally:
        session.close()


def test_households_served_says_it_is_counted_within_the_walking_limit_beside_it():
    """Review of issue 13 item 2: the table's households served (at the type's tightest limit, e.g.
    500 m) was read against the workshop's 10-minute catchment; its title says which limit."""
    zh, en = headers("zh", "facility"), headers("en", "facility")
    assert "限值内" in zh["households_served"] and "within the walking limit" in en["households_served"]
    columns = list(FACILITY_COLUMNS)
    assert columns.index("limit_m") - columns.index("households_served") <= 2  # the limit is beside it

"""The findings panel after issue 11: one verdict per indicator with its other readings under it,
the source's confidence and modal word, estimated households and long connectors — on results
built here (the engine fills the same Finding fields from the packs)."""
import pytest

from lifecircle_desktop.model.findings import Finding, Results
from lifecircle_desktop.ui import i18n
from lifecircle_desktop.ui.panels.findings import FindingsPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

CITATION = {"document": "《完整居住社区建设指南》", "clause": "表1 第3项",
            "text": "幼儿园步行距离以5—10分钟为原则"}


def finding(rule, status, **fields):
    base = dict(rule=rule, pack="national_complete_community_2021", kind="walk_coverage", status=status,
                severity="recommended", measured=80.0, threshold=100.0, unit="%", features=(),
                message_zh=f"{rule} 中文", message_en=f"{rule} English", citation=CITATION,
                name_zh=f"名称 {rule}", name_en=f"Name {rule}")
    base.update(fields)
    return Finding(**base)


def kindergarten_results():
    """Three readings of the kindergarten walk (spec11: one group, one applied) and a lone rule."""
    applied = finding("kg_walk_5min", "warn", group="kindergarten_access", modal="为原则",
                      alternatives=("kg_radius_300", "kg_radius_500"), estimated=(3, 34), long_connectors=2)
    other_300 = finding("kg_radius_300", "fail", pack="gb50180_2018_life_circle", severity="required",
                        group="kindergarten_access", applied=False, confidence="low", modal="应",
                        citation={"document": "GB 50180", "clause": "附录", "text": "幼儿园服务半径不宜大于300米，应……"})
    other_500 = finding("kg_radius_500", "fail", group="kindergarten_access", applied=False)
    lone = finding("green_space", "fail", kind="ratio", severity="required", modal="建设标准表", confidence="medium",
                   threshold=0.35, unit="m2/person")
    return Results(scenario="base", findings=[other_300, applied, other_500, lone])


@pytest.fixture
def panel(qtbot):
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.set_pack_titles({"national_complete_community_2021": ("完整居住社区", "Complete community"),
                           "gb50180_2018_life_circle": ("GB 50180", "GB 50180")})
    panel.set_results(kindergarten_results())
    return panel


def test_an_other_reading_is_shown_under_the_applied_finding_and_not_counted(panel):
    applied = panel.item("kg_walk_5min")
    children = {(applied.child(i).text(0), applied.child(i).text(1)) for i in range(applied.childCount())}
    assert children == {("● Name kg_radius_300", "other reading"), ("Name kg_radius_500", "other reading")}
    assert panel.applied_reading("kg_radius_300") == "kg_walk_5min"
    assert panel.applied_reading("kg_walk_5min") is None
    # The other readings fail, but the pack counts one warn (the applied reading) and one fail (the lone rule).
    assert panel.group_counts("national_complete_community_2021") == {"warn": 1, "fail": 1}
    assert panel.group_counts("gb50180_2018_life_circle") == {}
    tops = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert tops == ["Complete community  (fail 1 · warn 1)"]
    assert "Other reading of this indicator (fail), not counted: the plan is held to “Name kg_walk_5min”." \
        in panel.item("kg_radius_300").toolTip(0)
    assert "· Name kg_radius_300 — fail, ≥ 100 %" in panel.item("kg_walk_5min").toolTip(0)
    # Grouped by status, the failing other readings stay under their warn.
    panel.grouping.setCurrentIndex(panel.grouping.findData("status"))
    panel.grouping.activated.emit(panel.grouping.currentIndex())
    tops = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert tops == ["fail  (fail 1)", "warn  (warn 1)"]
    assert panel.item("kg_radius_500").parent() is panel.item("kg_walk_5min")


def test_confidence_modal_word_estimated_households_and_connectors_in_the_tooltip(panel):
    tip = panel.item("kg_walk_5min").toolTip(0)
    assert "Read as recommended from the source's word “为原则”" in tip
    assert "3/34 homes have estimated households" in tip
    assert "2 home(s) more than 100 m from the walking network" in tip
    assert "Source confidence" not in tip  # a high-confidence source needs no mark
    low = panel.item("kg_radius_300").toolTip(0)
    assert "Source confidence: low (a consultation draft or a secondary summary)" in low
    assert "reported as informative" in low
    medium = panel.item("green_space")
    assert "Source confidence: medium" in medium.toolTip(0) and "Read as binding by 建设标准表" in medium.toolTip(0)
    assert not medium.icon(0).isNull()
    # The threshold at the source's precision (issue 11 item 2: 0.35 printed as 0.3).
    assert medium.text(3) == "≥ 0.35 m² per person"


def test_the_same_in_chinese(qtbot, panel):
    i18n.install_language("zh")
    panel.set_results(None)
    panel.set_results(kindergarten_results())
    tip = panel.item("kg_walk_5min").toolTip(0)
    assert "依据原文“为原则”判为推荐性" in tip
    assert "3/34 处住宅的户数为估算" in tip and "2 处住宅距路网超过 100 米" in tip
    assert "来源可信度：低（征求意见稿/二手摘要）" in panel.item("kg_radius_300").toolTip(0)
    assert (panel.item("kg_radius_300").text(0), panel.item("kg_radius_300").text(1)) == ("● 名称 kg_radius_300", "其他口径")
    assert "本指标的其他口径（未达标），不计入统计" in panel.item("kg_radius_300").toolTip(1)
    assert panel.item("green_space").text(3) == "≥ 0.35 平方米/人"
    panel.tree.setCurrentItem(panel.item("kg_walk_5min"))
    detail = panel.detail.toPlainText()
    assert "其他口径（不计入统计）：\n· 名称 kg_radius_300：未达标，≥ 100 %" in detail
    assert "3/34 处住宅的户数为估算" in detail

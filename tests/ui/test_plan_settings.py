"""The plan settings dialog (规划设置, issue 11): one row per setting with its source, each change
one undoable step that re-validates, disabled on a read-only plan."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from lifecircle_desktop.model import Plan
from lifecircle_desktop.model.settings import DEFAULTS, SETTINGS
from lifecircle_desktop.ui import i18n

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
RESULTS_MS = 30000


def kindergarten_walk(window):
    """The 10-minute adult walk to a kindergarten (667 m at 4 km/h): the far home (gate 700 m
    away on the grid) is beyond it."""
    return next(f for f in window.document.results.findings if f.kind == "walk_coverage"
                and f.facility_types == ("kindergarten",) and f.limit_m and round(f.limit_m) == 667)


def rule_status(window, rule):
    return next(f for f in window.document.results.findings if f.rule == rule)


def test_every_setting_has_a_row_with_its_editor_unit_and_source(qtbot, window):
    dialog = window.plan_settings_dialog()
    assert dialog.isVisible() and dialog.windowTitle() == "Plan Settings"
    assert set(dialog.editors) == set(SETTINGS)
    for key, setting in SETTINGS.items():
        editor = dialog.editor(key)
        if setting.choices:
            assert isinstance(editor, QComboBox)
            assert [editor.itemData(i) for i in range(editor.count())] == list(setting.choices)
        else:
            assert isinstance(editor, QDoubleSpinBox)
            assert (editor.minimum(), editor.maximum()) == (setting.minimum, setting.maximum)
            assert editor.value() == pytest.approx(DEFAULTS[key])
        assert editor.isEnabled()
    # A default no document publishes is marked as such; a sourced one names its document.
    assert "default, no published figure" in dialog.source_labels["speed_adult_kmh"].text()
    assert "⚠" in dialog.source_labels["persons_per_household"].text()
    assert "⚠" not in dialog.source_labels["community_class"].text()
    assert "Shanghai" in dialog.source_labels["community_class"].text()


def test_a_walking_speed_changes_the_findings_and_ctrl_z_restores_it(qtbot, window):
    before = kindergarten_walk(window)
    assert before.status in ("fail", "warn")  # required or recommended: the far home is beyond 667 m
    dialog = window.plan_settings_dialog()
    speed = dialog.editor("speed_adult_kmh")
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        speed.setValue(4.5)  # 750 m in 10 minutes: the far home is within
    assert window.document.plan.settings["speed_adult_kmh"] == 4.5
    after = rule_status(window, before.rule)
    assert after.status == "pass" and after.limit_m == pytest.approx(750)
    assert window.document.stack.count() == 1
    assert window.document.stack.undoText() == "All scenarios: Set Adult walking speed to 4.5 km/h"
    assert dialog.reset_buttons["speed_adult_kmh"].isEnabled()
    # Ctrl+Z in the dialog undoes the change (the Edit menu's action is the dialog's too).
    dialog.activateWindow()
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.plan.settings["speed_adult_kmh"] == 4.0
    assert speed.value() == pytest.approx(4.0) and not dialog.reset_buttons["speed_adult_kmh"].isEnabled()
    assert rule_status(window, before.rule).status == before.status
    with Plan.open(window.document.plan.path) as other:  # saved at once, undone at once
        assert other.settings["speed_adult_kmh"] == 4.0


def scoped(window, key, value):
    """The rules of the plan's packs that apply only to plans whose setting ``key`` is ``value``
    (the packs' applies_to, spec11) — read from the packs, not listed here."""
    enabled = set(window.document.plan.rule_packs)
    return [r.id for p in window.document.session.packs if p.id in enabled for r in p.rules
            if value in r.applies_to.get(key, ())]


def statuses(window, rules):
    return {f.rule: f.status for f in window.document.results.findings if f.rule in rules}


def choose(qtbot, window, box, value):
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        box.setCurrentIndex(box.findData(value))
        box.activated.emit(box.currentIndex())


@pytest.mark.parametrize("key, value", [("community_class", "characteristic"), ("area_class", "inner_ring")])
def test_a_class_makes_the_rules_for_that_class_apply_and_ctrl_z_takes_them_back(qtbot, window, key, value):
    rules = scoped(window, key, value)
    assert rules, f"no rule of the packs is scoped to {key} = {value}"
    assert set(statuses(window, rules).values()) == {"n/a"}  # a basic community outside Shanghai
    dialog = window.plan_settings_dialog()
    choose(qtbot, window, dialog.editor(key), value)
    assert window.document.plan.settings[key] == value
    assert set(statuses(window, rules).values()) - {"n/a"}  # they are measured or asked now
    dialog.activateWindow()
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.plan.settings[key] == DEFAULTS[key] and dialog.editor(key).currentData() == DEFAULTS[key]
    assert set(statuses(window, rules).values()) == {"n/a"}


def test_a_class_is_chosen_from_a_list_stored_in_the_plan_and_undone(qtbot, window):
    dialog = window.plan_settings_dialog()
    box = dialog.editor("community_class")
    assert box.currentData() == "basic" and box.currentText() == "basic"
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        box.setCurrentIndex(box.findData("characteristic"))
        box.activated.emit(box.currentIndex())
    assert window.document.plan.settings["community_class"] == "characteristic"
    assert window.document.stack.undoText() == "All scenarios: Set Complete-community class to characteristic"
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        window.actions_["undo"].trigger()
    assert window.document.plan.settings["community_class"] == "basic" and box.currentData() == "basic"
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        window.actions_["redo"].trigger()
    assert box.currentData() == "characteristic"


def test_the_dialog_in_chinese(qtbot, window):
    window.set_language("zh")
    dialog = window.plan_settings_dialog()
    assert dialog.windowTitle() == "规划设置"
    assert dialog.editor("community_class").currentText() == "基础类"
    assert "默认值，无公开依据" in dialog.source_labels["usable_share"].text()
    plan_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("规划"))
    assert [a.text() for a in plan_menu.actions()][:1] == ["规划设置(&S)…"]
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        dialog.editor("area_class").setCurrentIndex(dialog.editor("area_class").findData("inner_ring"))
        dialog.editor("area_class").activated.emit(dialog.editor("area_class").currentIndex())
    assert window.document.stack.undoText() == "全部方案：设置上海区位类别为内环内"
    # The language switch rebuilds an open dialog in the new language.
    window.set_language("en")
    assert window.settings_dialog.isVisible() and window.settings_dialog.windowTitle() == "Plan Settings"
    assert window.settings_dialog.editor("area_class").currentText() == "inside the Inner Ring"
    i18n.install_language("en")


def test_read_only_plan_disables_the_editors_with_the_banner_sentence(qtbot, window, monkeypatch, grid):
    from lifecircle_desktop.model.store import Store
    plan, _ids = grid
    dialog = window.plan_settings_dialog()
    assert not dialog.read_only_note.isVisible()
    monkeypatch.setattr(Store, "read_only", property(lambda self: True))  # as a file on a read-only mount
    with qtbot.waitSignal(window.resultsShown, timeout=RESULTS_MS):
        window.set_plan(Plan.open(plan.path))
    assert not any(editor.isEnabled() for editor in dialog.editors.values())
    assert not any(button.isEnabled() for button in dialog.reset_buttons.values())
    assert dialog.read_only_note.isVisible() and dialog.read_only_note.text() == window.read_only_banner.text()


def test_the_district_turns_a_low_confidence_rule_on_from_the_findings_panel(qtbot, tmp_path):
    import shutil

    from lifecircle_desktop.model.resources import DEMO_PLAN
    from tests.ui.conftest import shown_window
    path = tmp_path / "demo.gpkg"
    shutil.copyfile(DEMO_PLAN, path)
    window = shown_window(qtbot, Plan.open(path))
    try:
        low = next(f for f in window.document.results.findings
                   if f.confidence == "low" and f.status == "warn")
        panel = window.findings
        panel.select_rule(low.rule)
        assert panel.enforce_button.isEnabled() and not panel.enforce_button.isChecked()
        qtbot.mouseClick(panel.enforce_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: rule_status(window, low.rule).severity != "informative", timeout=RESULTS_MS)
        on = rule_status(window, low.rule)
        assert "enforced by the district" in on.message_en and dict(on.overrides) == {"enforce": 1.0}
        assert window.document.stack.count() == 1
        panel.select_rule(low.rule)
        assert panel.enforce_button.isChecked()
        window.document.undo()
        qtbot.waitUntil(lambda: rule_status(window, low.rule).severity == "informative", timeout=RESULTS_MS)
        # A rule of a surer source has nothing to turn on.
        sure = next(f for f in window.document.results.findings if f.confidence == "high")
        panel.select_rule(sure.rule)
        assert not panel.enforce_button.isEnabled()
    finally:
        window.close()

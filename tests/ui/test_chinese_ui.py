"""No English, rule id or field code in the Chinese interface (issue 16 §7): the demo opened in
Chinese, every visible text walked — labels, buttons, menus, tabs, headers, combo boxes, every
column of every tree and table row — with a facility, a home and a walking finding selected.
Tooltips may name a rule id; so may a finding's detail (its citation), but no English words there.
"""
import re
import shutil

import pytest
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QDockWidget, QFileDialog, QGroupBox, QInputDialog, QLabel, QListView,
                               QLineEdit, QMenu, QMessageBox, QTabBar, QTableWidget, QTextBrowser, QTreeWidget, QWidget)

from lifecircle_desktop.model.plan import Plan
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.ui import i18n
from lifecircle_desktop.ui.panels.checklist import RulePacksDialog
from lifecircle_desktop.ui.panels.new_plan import NewPlanDialog
from tests.ui.conftest import RESULTS_TIMEOUT_MS, shown_window

pytestmark = [pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built"),
              pytest.mark.qt_log_ignore("This plugin does not support")]

RULE_ID = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
M2 = re.compile(r"\bm2\b")
ENGLISH = re.compile(r"\b(metres?|meters?|households?|persons?|people|minutes?|km|walk(ing)?|floors?|"
                     r"area|document|clause|source|words|base|scenario|rule|pack|facility|facilities|"
                     r"residential|kindergarten|elderly|pass|fail|n/a|true|false|none)\b", re.IGNORECASE)


def visible_texts(window):
    """(where, text, may_name_a_rule) of everything the planner can read on screen now."""
    out = []

    def add(where, text, detail=False):
        if text:
            out.append((where, text.replace("&", ""), detail))

    widgets = [window.menuBar(), *window.findChildren(QWidget)]
    for menu in window.menuBar().findChildren(QMenu):
        for act in menu.actions():
            add("menu", act.text())
    for act in window.menuBar().actions():
        add("menu bar", act.text())
    for w in widgets:
        if not w.isVisible():
            continue
        name = type(w).__name__
        if isinstance(w, QLabel):
            add(name, w.text())
        elif isinstance(w, QAbstractButton):
            add(name, w.text())
        elif isinstance(w, QGroupBox):
            add(name, w.title())
        elif isinstance(w, QDockWidget):
            add(name, w.windowTitle())
        elif isinstance(w, QLineEdit):
            add(name, w.text())
            add(name, w.placeholderText())
        elif isinstance(w, QAbstractSpinBox):
            add(name, w.text())
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                add(name, w.itemText(i))
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                add(name, w.tabText(i))
        elif isinstance(w, QTextBrowser):
            add(name, w.toPlainText(), detail=True)
        elif isinstance(w, QTreeWidget):
            header = w.headerItem()
            for c in range(w.columnCount()):
                add(name + " header", header.text(c))
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                item = stack.pop()
                for c in range(w.columnCount()):
                    add(name, item.text(c))
                stack.extend(item.child(i) for i in range(item.childCount()))
        elif isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                h = w.horizontalHeaderItem(c)
                add(name + " header", h.text() if h else "")
            for r in range(w.rowCount()):
                for c in range(w.columnCount()):
                    it = w.item(r, c)
                    add(name, it.text() if it else "")
        elif isinstance(w, QAbstractItemView) and w.model() is not None:  # lists: the gaps, the history rows
            model = w.model()
            root = w.rootIndex()
            columns = 1 if isinstance(w, QListView) else model.columnCount(root)  # a list model has one
            for r in range(model.rowCount(root)):
                for c in range(columns):
                    add(name, model.index(r, c, root).data())
    add("status bar", window.statusBar().currentMessage())
    if window.docks["coverage"].isVisible():
        for label in window.coverage.legend_labels():
            add("chart legend", label)
    return out


# A lowercase Latin word in the Chinese UI is a code shown raw ("osm", "footway"); an OSM id
# ("way/49209874") is a reference, like a file name, and stays.
CODE_WORD = re.compile(r"(?<![A-Za-z#])[a-z]{2,}(?![A-Za-z])")
REFERENCES = re.compile(r"\b(way|node|relation)/\d+|<[^>]*>")


def offending(texts):
    bad = []
    for where, text, detail in texts:
        text = REFERENCES.sub(" ", text)
        for pattern in ([M2, ENGLISH] if detail else [RULE_ID, M2, ENGLISH, CODE_WORD]):
            hit = pattern.search(text)
            if hit:
                bad.append(f"{where}: {hit.group(0)!r} in {text[:120]!r}")
    return bad


@pytest.fixture
def demo_zh(qtbot, tmp_path):
    i18n.install_language("zh")  # before the window is built, as at a Chinese start
    path = tmp_path / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    w = shown_window(qtbot, Plan.open(path))
    yield w
    w.close()


def test_switching_to_chinese_in_place_names_the_palettes_planning_units_in_chinese(demo_window):
    demo_window.set_language("zh")
    texts = [t for where, t, _ in visible_texts(demo_window) if where == "QTreeWidget"]
    assert "十五分钟生活圈" in texts and "15-minute life circle" not in texts


def test_the_chinese_demo_shows_no_rule_id_field_code_or_english_unit(qtbot, demo_zh):
    w = demo_zh
    seen = []
    seen += visible_texts(w)
    for how in ("kind", "status", "pack"):
        w.findings.set_grouping(how)
        seen += visible_texts(w)
    # A walking finding (the chart and the detail), a facility and a home (the attributes).
    walk = next(f for f in w.document.results.findings if f.kind == "walk_coverage")
    w.findings.select_rule(walk.rule)
    seen += visible_texts(w)
    plan = w.document.plan
    for layer in ("facilities", "residential", "walk_network", "entrances", "stops", "planning_units"):
        features = plan.features(layer)
        if features:
            w.document.select([(layer, features[0].fid)])
            seen += visible_texts(w)
    w.docks["checklist"].raise_()
    w.docks["history"].raise_()
    seen += visible_texts(w)
    # A second scenario, so that the history has a row and the comparison a table.
    w.document.create_scenario("方案二")
    w.docks["history"].raise_()
    seen += visible_texts(w)
    # The dialogs of the Plan and File menus and the findings panel, open beside the window.
    session = w.document.session
    dialogs = [w.plan_settings_dialog(), RulePacksDialog(session.packs, session.plan.rule_packs, w), NewPlanDialog(w),
               w.findings.open_comparison()]
    for dialog in dialogs:
        dialog.show()
        texts = visible_texts(w)
        assert any(where == "QLabel" and text == dialog.findChild(QLabel).text() for where, text, _ in texts)
        seen += texts
        dialog.close()
    assert len(seen) > 300  # the walk reached the trees and the forms
    # … and the lists: the gaps above the findings, the history rows, the chart's legend.
    assert any(text.startswith("缺") for where, text, _ in seen if where != "QLabel")
    assert any("方案二" in text for where, text, _ in seen if "View" in where or "List" in where)
    assert any(where == "chart legend" for where, _, _ in seen)
    bad = sorted(set(offending(seen)))
    assert not bad, "\n".join(bad)


def test_populations_are_whole_people(demo_zh):
    home = max(demo_zh.document.plan.features("residential"), key=lambda f: f.get("population") or 0)
    assert not float(home["population"]).is_integer()  # the demo stores 2.3 persons a household
    demo_zh.document.select([("residential", home.fid)])
    editor = demo_zh.attributes.editors["population"]
    assert editor.text() == str(round(home["population"]))
    editor.editingFinished.emit()  # leaving the field unchanged does not store the rounded value
    assert demo_zh.document.stack.count() == 0


def test_the_scenario_dialog_names_the_base_scenario_in_words(demo_zh, monkeypatch):
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda parent, title, label, *a, **k: asked.append(label) or ("", False))
    demo_zh.new_scenario_dialog()
    assert "基础方案" in asked[0] and "base" not in asked[0]
    assert demo_zh.scenario_box.itemText(0) == "基础方案"


def test_qt_dialogs_speak_chinese(qtbot, demo_zh):
    """Qt's own catalogue (qtbase_zh_CN.qm from PySide6) is loaded with ours."""
    box = QMessageBox(QMessageBox.Icon.Question, "t", "t",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert {box.button(b).text().replace("&", "") for b in (QMessageBox.StandardButton.Yes,
            QMessageBox.StandardButton.No, QMessageBox.StandardButton.Cancel)} == {"是(Y)", "否(N)", "取消"}
    dialog = QFileDialog(demo_zh, "t")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {l.text() for l in dialog.findChildren(QLabel)}
    assert "Look in:" not in labels and any("查看" in t or "文件类型" in t for t in labels), labels

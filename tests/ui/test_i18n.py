"""Chinese and English: Qt translation files, a language switch that rebuilds the window, and a
font that really draws Chinese (design.md §6: Chinese must render on a fresh Linux machine)."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from lifecircle_desktop.model import ChangeAttributes
from lifecircle_desktop.ui import i18n
from tests.helpers import ROOT

TS = ROOT / "resources" / "translations" / "lifecircle_zh_CN.ts"
QM = ROOT / "resources" / "translations" / "lifecircle_zh_CN.qm"


def menu_titles(window):
    return [a.text() for a in window.menuBar().actions()]


def covers(font, text):
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)


def test_application_font_draws_chinese(qapp):
    family = i18n.cjk_family()
    assert family, "no CJK font: run scripts/system-deps.sh (fonts-wqy-microhei)"
    assert covers(qapp.font(), "幼儿园") and qapp.font().families()[0] == family
    assert covers(qapp.font(), "社区生活圈 15分钟 ≥ m²")


def test_switching_to_chinese_rebuilds_the_window_in_chinese(qtbot, window):
    window.document.push(ChangeAttributes.of(window.document.plan, "facilities", window.ids["kg"], floors=2))
    with qtbot.waitSignal(window.resultsShown, timeout=30000):
        pass
    assert menu_titles(window)[:3] == ["&File", "&Edit", "&View"]
    window.language_actions["zh"].trigger()
    assert i18n.language() == "zh" and i18n.saved_language() == "zh"
    assert menu_titles(window)[:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"]
    assert window.docks["findings"].windowTitle() == "检查结果"
    assert window.tool_actions["polygon"].text() == "绘制多边形"
    assert window.palette.item("kindergarten").text(0) == "幼儿园"
    assert window.layers_panel.items["facilities"].text(0) == "设施 (2)"
    area = window.findings.item("cc_kindergarten_building_area")
    assert area.text(1) == "达标" and "幼儿园" in area.text(0)
    assert window.summary_label.text().startswith("达标 ")
    walk = next(f for f in window.document.results.findings if f.kind == "walk_coverage" and f.limit_m == 300)
    assert window.findings.item(walk.rule).text(3).endswith("（300 米内）")
    window.findings.select_rule(walk.rule)
    assert "步行覆盖" in window.findings.detail.toPlainText() and "限值 300 米" in window.coverage.caption.text()
    window.canvas.selectionChanged.emit([("facilities", window.ids["kg"])])
    assert window.attributes.editors["floor_area"].placeholderText().endswith("× 2 层 = 4,000 m²")
    assert window.canvas.language() == "zh"
    # The session lives on through the rebuild: plan, history, results.
    assert window.document.stack.count() == 1 and window.document.results is not None
    assert window.actions_["undo"].isEnabled() and window.actions_["undo"].text().startswith("撤销")
    # Every visible widget can draw what it shows.
    for widget in (window.palette.tree, window.findings.tree, window.menuBar(), window.docks["findings"]):
        assert covers(widget.font(), "幼儿园检查结果")
    window.language_actions["en"].trigger()
    assert menu_titles(window)[:3] == ["&File", "&Edit", "&View"] and i18n.saved_language() == "en"
    assert window.palette.item("kindergarten").text(0) == "Kindergarten"


def test_chart_legend_uses_chinese_type_names(qtbot, window):
    window.set_language("zh")
    chart = window.coverage
    labels = [label.text for _, label in chart.legend.items]
    assert labels and any("幼儿园" in text for text in labels)
    assert covers(chart.plot.getPlotItem().getAxis("bottom").style["tickFont"] or QApplication.font(), "米")


def test_translation_files_are_complete_and_compiled():
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 150
    unfinished = [m.find("source").text for m in messages if m.find("translation").get("type") == "unfinished"]
    assert not unfinished, unfinished
    assert QM.exists() and QM.stat().st_mtime >= TS.stat().st_mtime - 5
    assert (ROOT / "scripts" / "update_translations.sh").exists()


def test_chinese_by_default_when_the_system_is_chinese(tmp_path):
    code = ("from PySide6.QtCore import QCoreApplication, QSettings; import sys\n"
            "app = QCoreApplication([])\n"
            f"QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, {str(tmp_path)!r})\n"
            "from lifecircle_desktop.ui import i18n\n"
            "print(i18n.system_language(), i18n.install_language())\n"
            "print(QCoreApplication.translate('MainWindow', '&File'))")
    for lang, expected in (("zh_CN.UTF-8", ["zh zh", "文件(&F)"]), ("en_GB.UTF-8", ["en en", "&File"])):
        env = {**os.environ, "LANG": lang, "LC_ALL": lang, "LANGUAGE": ""}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split("\n")[:2] == expected


def test_every_ui_string_is_in_the_translation_file(tmp_path):
    """lupdate over the sources finds nothing the .ts lacks (else: scripts/update_translations.sh,
    then translate). The canvas (context MapCanvas) keeps a built-in Chinese table of its own."""
    lupdate = os.path.join(os.path.dirname(sys.executable), "pyside6-lupdate")
    if not os.path.exists(lupdate):
        import pytest
        pytest.skip("pyside6-lupdate is not beside this python")
    sources = sorted(str(p) for p in (ROOT / "lifecircle_desktop" / "ui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, "-silent", *sources, "-ts", str(fresh)], check=True, capture_output=True, timeout=120)

    def strings(path):
        return {(ctx.find("name").text, m.find("source").text) for ctx in ET.parse(path).getroot().iter("context")
                for m in ctx.iter("message")}
    missing = {s for s in strings(fresh) - strings(TS) if s[0] != "MapCanvas"}
    assert not missing, f"run scripts/update_translations.sh and translate: {sorted(missing)}"

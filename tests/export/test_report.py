"""The report (PDF) read back by poppler (pdftotext, pdffonts, pdftoppm) and PIL — never by the
code that wrote it — against the plan and the validator's Results."""
import faulthandler
import gc
import re
import shutil
import subprocess

import pytest
from shapely.geometry import box

from lifecircle_desktop.export import BundleContext, ExportCancelled, ExportOptions, Progress
from lifecircle_desktop.export.report import write_report
from lifecircle_desktop.model.edits import SetManualAnswer, SetOverride
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.schema import LAYERS
from lifecircle_desktop.model.session import PlanSession

pytestmark = [
    pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils are not installed"),
]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
ADDED = "新增幼儿园（测试）"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines where the page wraps them."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module", autouse=True)
def app(qapp):
    """pytest-qt's application (the report would otherwise make its own, off-screen)."""
    return qapp


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, path)
    return path


def export(plan_path, out, **options):
    session = PlanSession.open(plan_path)
    try:
        ctx = BundleContext.build(session, ExportOptions(**options))
        write_report(ctx, out, Progress())
        return ctx.results, ctx.compare_results, list(ctx.credits), session.plan.name
    finally:
        session.close()


@pytest.fixture(scope="module")
def zh_report(demo_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("zh") / "report.pdf"
    results, _, credits, name = export(demo_copy, out, lang="zh")
    return out, results, credits, name


@pytest.fixture(scope="module")
def en_report(demo_copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("en") / "report.pdf"
    results, _, credits, name = export(demo_copy, out, lang="en")
    return out, results, credits, name


def test_the_report_names_the_plan_every_failing_clause_and_the_osm_credit_in_chinese(zh_report):
    path, results, credits, name = zh_report
    text = squeeze(pdf_text(path))
    assert squeeze(name) in text
    failing = [f for f in results.findings if f.status == "fail"]
    assert failing, "the demo has failing rules"
    missing = [f.rule for f in failing if squeeze(f.citation.get("clause", "")) not in text]
    assert missing == []
    assert credits == ["© OpenStreetMap contributors"]
    assert "©OpenStreetMap贡献者" in text


def test_a_cjk_font_is_embedded(zh_report):
    fonts = subprocess.run(["pdffonts", str(zh_report[0])], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    cjk = [line for line in rows if re.search(r"WenQuanYi|Noto.*CJK|SourceHan|Han|Hei|Song", line, re.I)]
    assert cjk, fonts
    # Columns: name type encoding emb sub uni object ID — "emb" is the fourth from the end.
    assert all(line.split()[-5] == "yes" for line in cjk), fonts


def test_pages_are_numbered_and_page_one_is_not_blank(zh_report, tmp_path):
    from PIL import Image, ImageStat
    path = zh_report[0]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 1
    text = squeeze(pdf_text(path))
    assert "第1页/共" in text and f"第{pages}页/共{pages}页" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(path), str(tmp_path / "p")], check=True)
    for png in sorted(tmp_path.glob("p-*.png")):
        image = Image.open(png).convert("L")
        stat = ImageStat.Stat(image)
        assert stat.stddev[0] > 10, png.name  # not one flat colour
        dark = sum(image.histogram()[:128]) / (image.width * image.height)
        assert dark > 0.005, png.name  # ink on the page


def test_the_walking_distance_is_defined_and_every_walking_rule_has_its_chart(zh_report):
    path, results, _, _ = zh_report
    text = squeeze(pdf_text(path))
    assert "步行距离：" in text
    walking = [f for f in results.findings if f.kind == "walk_coverage" and f.applied and f.status != "n/a"]
    assert walking
    for f in walking:
        assert squeeze(f.name_zh) in text, f.rule
    assert "步行距离（米）" in text  # the charts' axis


def data_words(plan_path, results) -> list[str]:
    """Words from the plan and the data (names of every feature, the plan's name) and the
    standards' own citations (documents and clauses are quoted in their language)."""
    session = PlanSession.open(plan_path)
    try:
        out = [session.plan.name, session.plan.meta.get("district") or "", session.plan.meta.get("subdistrict") or ""]
        for layer in LAYERS:
            out += [str(f.attributes.get("name") or "") for f in session.plan.features(layer, None)]
        out += [p.document for p in session.enabled_packs()]
    finally:
        session.close()
    for f in results.findings:
        # A table cell holds the document and the clause on two lines, which pdftotext may join.
        out += [f.citation.get("document", "") + f.citation.get("clause", "")]
    return [squeeze(w) for w in out if w]


def test_the_english_report_has_no_chinese_but_names_and_quoted_sources(en_report, demo_copy):
    path, results, _, name = en_report
    text = pdf_text(path)
    assert "Page 1 of" in text
    words = data_words(demo_copy, results)
    foreign = set()
    for line in text.splitlines():
        for run in CJK.findall(squeeze(line)):
            # A map label may be elided ("同济幼…"): any part of a name is a name.
            if not any(run in w for w in words):
                foreign.add(run)
    assert foreign == set()
    assert "© OpenStreetMap contributors" in text


def test_with_a_compared_scenario_every_changed_finding_is_listed(demo_copy, tmp_path):
    plan_path = tmp_path / "compare.gpkg"
    shutil.copyfile(demo_copy, plan_path)
    session = PlanSession.open(plan_path)
    try:
        session.create_scenario("加幼儿园", copy_from="base")
        session.switch_scenario("加幼儿园")
        homes = [f.geometry for f in session.plan.features("residential", "加幼儿园")]
        x, y = homes[len(homes) // 2].centroid.coords[0]
        session.add("facilities", box(x + 60, y + 60, x + 110, y + 110), type="kindergarten", name=ADDED,
                    status="planned")
        # A district's own threshold and a checklist answer with the planner's note.
        session.apply(SetOverride.of(session.plan, "cc_kindergarten_building_area", "min", 1234.0,
                                     note="区里另定（测试）"))
        manual = next(f for f in session.validate().findings if f.kind == "manual" and f.status == "manual")
        session.apply(SetManualAnswer.of(session.plan, "加幼儿园", manual.rule, "yes", note="已核实（测试）"))
    finally:
        session.close()
    out = tmp_path / "report.pdf"
    after, before, _, _ = export(plan_path, out, lang="zh", scenario="加幼儿园", compare="base")
    english = tmp_path / "report_en.pdf"
    export(plan_path, english, lang="en", scenario="加幼儿园", compare="base")
    en_text = pdf_text(english)
    en_section = squeeze(en_text[en_text.index("Scenario comparison"):])
    # In English only the names are Chinese: the scenario, the added facility, the quoted clauses.
    clauses = [squeeze(f.citation.get("clause", "")) for f in after.findings]
    leftover = [run for run in CJK.findall(en_section)
                if run not in "加幼儿园" and not any(run in c for c in clauses)]
    assert leftover == []
    # The oracle: rules whose status or measured value differ, compared here finding by finding.
    a = {f.rule: (f.status, f.measured) for f in before.findings}
    b = {f.rule: (f.status, f.measured) for f in after.findings}
    changed = {r for r in a.keys() | b.keys() if a.get(r) != b.get(r)}
    assert changed, "a new kindergarten changes some finding"
    text = pdf_text(out)
    section = squeeze(text[text.index("方案对比"):])
    names = {f.rule: f.name_zh for f in after.findings}
    assert [r for r in changed if squeeze(names[r]) not in section] == []
    assert "基础方案" in section and "加幼儿园" in section
    overrides = squeeze(text[text.index("区级阈值调整"):text.index("方案对比")])
    assert squeeze(names["cc_kindergarten_building_area"]) in overrides
    assert "1,234" in overrides and "区里另定（测试）" in overrides
    checklist = squeeze(text[text.index("人工核查清单"):text.index("区级阈值调整")])
    assert "是（已核实（测试））" in checklist


def test_a_cancelled_report_leaves_no_file(demo_copy, tmp_path):
    session = PlanSession.open(demo_copy)
    try:
        ctx = BundleContext.build(session, ExportOptions(lang="zh"))
        calls = []

        def cancelled():
            calls.append(1)
            return len(calls) > 5  # partway through the pages

        out = tmp_path / "report.pdf"
        with pytest.raises(ExportCancelled):
            write_report(ctx, out, Progress(cancelled=cancelled))
        assert list(tmp_path.iterdir()) == []
    finally:
        session.close()


def test_a_long_table_keeps_every_row_once_in_order_on_full_pages(tmp_path):
    """A city's facility table (thousands of rows) is laid out in chunks: no row lost, cut or
    repeated where chunks meet, and the pages as full as one layout of the whole table."""
    from lifecircle_desktop.export.report.document import PdfReport
    from lifecircle_desktop.export.report.sections import TABLE_OPEN, table_parts
    # Rows of one, two and three lines, so that Qt breaks some rows across pages.
    rows = [[f"R{i:04d}", "<br/>".join(["x"] * (1 + i % 3)), f"E{i:04d}"] for i in range(260)]
    head, body = table_parts(["a", "b", "c"], rows)

    def pages_of(path, long: bool) -> int:
        report = PdfReport(str(path), font_family="sans-serif", title="t", header="h", footnote="f",
                           page_words="{n}/{total}")
        if long:
            report.add_long_table("<h2>T</h2>", TABLE_OPEN, head, body, chunk=40)
        else:
            report.add_text("<h2>T</h2>" + TABLE_OPEN + head + "<tbody>" + "".join(body) + "</tbody></table>")
        return report.finish()

    whole = pages_of(tmp_path / "whole.pdf", long=False)
    chunked = pages_of(tmp_path / "chunked.pdf", long=True)
    text = pdf_text(tmp_path / "chunked.pdf")
    for mark in ("R", "E"):  # a row's first and last cell
        found = re.findall(rf"{mark}\d{{4}}", text)
        assert found == [f"{mark}{i:04d}" for i in range(260)]
    assert chunked <= whole + 1


def test_the_report_package_imports_qt_only_when_it_writes():
    """export/ stays Qt-free to import (the command line lists formats without Qt); the report
    imports Qt when it runs."""
    import subprocess
    import sys
    from tests.helpers import ROOT
    code = ("import sys, lifecircle_desktop.export.report, lifecircle_desktop.export.report.words\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_report_in_another_language_leaves_the_map_words_of_the_desktop(demo_copy):
    """The report's map labels are in its language; the canvas's words follow the application's
    language again afterwards (the desktop may be in Chinese while the report is in English)."""
    from lifecircle_desktop.export.report.map import PrintMap
    from lifecircle_desktop.ui import i18n
    from lifecircle_desktop.ui.tools import text
    app_language = i18n.language()
    other = "en" if app_language.startswith("zh") else "zh"
    session = PlanSession.open(demo_copy)
    try:
        pmap = PrintMap(session, "base", other, [])
        assert text.language() == other
        pmap.close()
    finally:
        session.close()
    assert text.language() == ("zh" if app_language.startswith("zh") else "en")


def test_a_folder_that_cannot_be_written_is_one_sentence_and_no_file(demo_copy, tmp_path):
    from lifecircle_desktop.model.errors import PlanError
    session = PlanSession.open(demo_copy)
    try:
        ctx = BundleContext.build(session, ExportOptions(lang="en"))
        with pytest.raises(PlanError) as caught:
            write_report(ctx, tmp_path / "missing" / "report.pdf", Progress())
    finally:
        session.close()
    assert "cannot write the report" in caught.value.message("en")
    assert "无法" in caught.value.message("zh")
    assert list(tmp_path.iterdir()) == []


_RUNNING = []  # a worker thread that never ended (the test failed): kept, not destroyed while running


def test_the_report_is_written_on_a_worker_thread_as_the_desktop_exports(demo_copy, tmp_path, qtbot):
    """File → Export Bundle… writes on a worker thread with its own session (ui/export_dialog.py):
    the report makes no widget, and Qt warns of nothing (a warning fails the test)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot

    results = []

    class Worker(QObject):
        done = Signal()

        @Slot()
        def run(self):
            try:
                with PlanSession.open(demo_copy) as session:
                    ctx = BundleContext.build(session, ExportOptions(lang="zh"))
                    write_report(ctx, tmp_path / "report.pdf", Progress())
            except Exception as e:  # reported to the test, which fails on it
                results.append(repr(e))
            else:
                results.append(None)
            finally:
                self.done.emit()

    # The GUI thread waits in one event loop, made before the worker starts and ended by the
    # worker's signal (queued to it, a C++ slot), as the desktop's dialog waits for its worker. Not
    # qtbot.waitUntil: its wait makes and destroys a timer and an event loop every 10 ms, and a
    # QObject destroyed on this thread asks for the GIL (PySide's disconnectNotify) while it holds
    # one of Qt's signal-slot mutexes, which the worker, holding the GIL inside a PySide call
    # (QTextDocument.documentLayout() connects), may be waiting for: the two deadlocked once in
    # ~120 reports (py-spy on a stress run; stop 22's CI hung here). Not waitSignal either: a signal
    # from the worker would stop qtbot's timer from that thread.
    # What earlier tests left to destroy is destroyed now, on this thread, not while the worker runs.
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    thread, worker = QThread(), Worker()
    worker.moveToThread(thread)
    loop, deadline = QEventLoop(), QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    worker.done.connect(loop.quit, Qt.QueuedConnection)
    thread.started.connect(worker.run)
    deadline.start(120_000)
    thread.start()
    loop.exec()
    deadline.stop()
    thread.quit()
    if not thread.wait(60_000):
        # Kept referenced: a QThread destroyed while it runs aborts the whole test process.
        _RUNNING.append((thread, worker))
        faulthandler.dump_traceback(all_threads=True)
        pytest.fail(f"the report's thread did not end within three minutes (results: {results})")
    assert results == [None]
    text = squeeze(pdf_text(tmp_path / "report.pdf"))
    assert "规划总图" in text and "第1页/共" in text

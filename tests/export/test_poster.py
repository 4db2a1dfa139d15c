"""The A3 poster of the workshop view (export/poster.py, cli/poster.py, File → Print Poster; issue 13
item 5), read back by poppler (pdfinfo, pdftotext, pdffonts, pdftoppm) and Pillow — never by Qt."""
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from lifecircle_desktop.export.poster import missing_line, poster_lines
from lifecircle_desktop.model.catalogue import load_catalogue
from lifecircle_desktop.model.resources import DEMO_PLAN
from lifecircle_desktop.model.session import PlanSession
from tests.helpers import cli

pytestmark = [pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
              pytest.mark.skipif(not DEMO_PLAN.exists(), reason="the demo plan is not built")]
PT_PER_MM = 72 / 25.4


def words(text: str) -> str:
    """Text without white space: pdftotext breaks the lines where the poster wraps them."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("poster")
    plan = folder / DEMO_PLAN.name
    shutil.copyfile(DEMO_PLAN, plan)
    return plan


@pytest.fixture(scope="module")
def poster(demo):
    """The demo's 规划方案 against base, in Chinese, written by the command line."""
    out = demo.parent / "海报.pdf"
    done = cli("poster", demo, "--to", out, "--scenario", "规划方案", "--compare", "base", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    return out


def test_the_poster_is_one_a3_landscape_page_with_a_cjk_font_embedded(poster):
    info = subprocess.run(["pdfinfo", str(poster)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w / PT_PER_MM - 420) <= 1 and abs(h / PT_PER_MM - 297) <= 1
    fonts = subprocess.run(["pdffonts", str(poster)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if re.search(r"CID", line)]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column


def test_the_poster_says_the_plan_the_summary_the_credit_and_where_to_send_comments(poster, demo):
    text = words(subprocess.run(["pdftotext", str(poster), "-"], capture_output=True, text=True, check=True).stdout)
    with PlanSession.open(demo, scenario="规划方案") as session:
        summary = session.resident_summary("base")
        name = session.plan.name
    shown = poster_lines(summary)
    assert len(shown) >= 5
    assert words(name) in text
    for line in shown:
        assert words(line.text_zh) in text, line.text_zh
    assert any("→" in line.text_zh for line in shown)
    assert words("© OpenStreetMap 贡献者") in text
    assert "四平路街道" in text and "意见" in text
    assert "cc_" not in text and "sh_" not in text  # no rule ids for residents
    # The only required walking need the plan does not meet, unchanged by it, is on the poster
    # (review item 3: only changed lines were shown): the demo's bus stops, 81% → 81%.
    assert words("公交站点10分钟可达：81%→81%") in text


def test_the_map_is_drawn_with_the_facility_colours(poster, demo, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(poster), str(tmp_path / "p")], check=True)
    image = Image.open(tmp_path / "p.png").convert("RGB")
    w, h = image.size
    assert len(np.unique(np.asarray(image.resize((60, 40))).reshape(-1, 3), axis=0)) > 50  # not blank
    region = image.crop((int(w * 0.03), int(h * 0.12), int(w * 0.6), int(h * 0.9)))
    pixels = np.asarray(region).reshape(-1, 3).astype(float)
    catalogue = load_catalogue()
    with PlanSession.open(demo, scenario="规划方案") as session:
        types = {f.get("type") for f in session.plan.features("facilities", "规划方案")}
    background = (0xF2, 0xEF, 0xE9)  # the canvas's background (ui/map/styles.BACKGROUND), under the fills

    def seen(colour: str) -> bool:
        rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        fill = tuple(0.8 * c + 0.2 * b for c, b in zip(rgb, background))  # facility fills are 80 % opaque
        return int(np.sum(((pixels - np.array(fill)) ** 2).sum(axis=1) < 30 ** 2)) >= 4
    coloured = {t for t in types if t in catalogue and seen(catalogue[t].colour)}
    assert len(coloured) >= 5, coloured


def test_english_poster_without_comparison(demo, tmp_path):
    out = tmp_path / "poster_en.pdf"
    done = cli("poster", demo, "--to", out, "--lang", "en")
    assert done.returncode == 0, done.stderr
    text = words(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout)
    with PlanSession.open(demo) as session:
        summary = session.resident_summary()
        missing = missing_line(summary, session.catalogue, zh=False)
    for line in poster_lines(summary):
        assert words(line.text_en) in text
    assert missing.startswith("Still missing: ") and words(missing) in text  # base lacks facilities
    assert words("© OpenStreetMap contributors") in text


@pytest.mark.parametrize("case", ["missing plan", "unknown scenario", "unknown compare", "no such folder",
                                  "folder not writable"])
def test_bad_input_exits_2_with_one_sentence_and_leaves_no_file(case, demo, tmp_path):
    out = tmp_path / "poster.pdf"
    args = {"missing plan": (tmp_path / "nope.gpkg", "--to", out),
            "unknown scenario": (demo, "--to", out, "--scenario", "没有这个方案"),
            "unknown compare": (demo, "--to", out, "--compare", "没有这个方案"),
            "no such folder": (demo, "--to", tmp_path / "no" / "such" / "poster.pdf"),
            # /proc says it is writable to root, and is not
            "folder not writable": (demo, "--to", "/proc/poster.pdf")}[case]
    done = cli("poster", *args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lifecircle: ") and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, no part file left


def test_file_menu_prints_the_poster(qtbot, demo, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from lifecircle_desktop.model.plan import Plan
    from lifecircle_desktop.ui.main_window import MainWindow

    plan_path = tmp_path / "demo.gpkg"
    shutil.copyfile(demo, plan_path)
    w = MainWindow(restore_state=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.resultsShown, timeout=30000):
        w.set_plan(Plan.open(plan_path))
    out = tmp_path / "from_menu.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    w.actions_["export_poster"].trigger()
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    # An unwritable place: one sentence in a message box, no file.
    errors = []
    monkeypatch.setattr(w, "show_error", errors.append)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "no" / "poster.pdf"), "")))
    w.actions_["export_poster"].trigger()
    assert len(errors) == 1 and "\n" not in errors[0] and not (tmp_path / "no").exists()
    w.close()


def test_the_bundle_writes_the_poster_only_when_asked(demo, tmp_path):
    from lifecircle_desktop.export.bundle import checked_options
    from lifecircle_desktop.export.context import ExportOptions

    assert "poster" not in checked_options(ExportOptions()).only  # not a reviewer's document: never by default
    done = cli("export", demo, "--to", tmp_path, "--scenario", "规划方案", "--compare", "base", "--only", "poster",
               "--lang", "zh")
    assert done.returncode == 0, done.stderr
    folder = next(tmp_path.iterdir())
    assert [p.name for p in folder.iterdir()] == ["poster.pdf"]
    text = words(subprocess.run(["pdftotext", str(folder / "poster.pdf"), "-"], capture_output=True, text=True,
                                check=True).stdout)
    assert "→" in text and words("规划方案（与基础方案对比）") in text

"""File → Import Points of Interest… (issue 14 item 5): the planner picks the coordinate system and
the columns the importer could not find, the points land on the demo's real places, the unknown
categories are listed, and one undo takes the import back."""
import csv

import pytest
from pyproj import Geod, Transformer
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from lifecircle_desktop.ui import i18n
from lifecircle_desktop.ui.panels.import_poi import PoiImportDialog
from tests.model.test_import_poi import wgs_to_gcj

GEOD = Geod(ellps="WGS84")
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def demo_places(window, n):
    plan = window.document.plan
    to_wgs = Transformer.from_crs(plan.epsg, 4326, always_xy=True)
    out = []
    for f in plan.features("facilities", window.document.scenario)[:n]:
        c = f.geometry.centroid
        out.append((f["type"], *to_wgs.transform(c.x, c.y)))
    return out


def write_gbk(path, header, rows):
    with open(path, "w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_the_planner_maps_the_columns_and_picks_gcj02(qtbot, demo_window, tmp_path, monkeypatch):
    w = demo_window
    places = demo_places(w, 2)
    rows = [(f"点{i}", *wgs_to_gcj(lon, lat), code) for i, (code, lon, lat) in enumerate(places)]
    rows.append(("工商银行", *wgs_to_gcj(places[0][1], places[0][2]), "金融保险服务;银行"))
    path = write_gbk(tmp_path / "高德.csv", ["设施", "东经", "北纬", "种类"], rows)
    seen = {}

    def choose(dialog):
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["ok_before"] = ok.isEnabled()  # the headers are not usual ones: not yet
        seen["hint"] = dialog.hint.text()
        seen["systems"] = [dialog.coords.itemText(i) for i in range(dialog.coords.count())]
        dialog.coords.setCurrentIndex(dialog.coords.findData("gcj02"))
        for role, header in (("lon", "东经"), ("lat", "北纬"), ("name", "设施"), ("type", "种类")):
            dialog.columns[role].setCurrentIndex(dialog.columns[role].findData(header))
        seen["ok_after"] = ok.isEnabled()
        seen["encoding"] = dialog.encoding
        return PoiImportDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(PoiImportDialog, "exec", choose)
    before = {f.fid for f in w.document.plan.features("facilities", w.document.scenario)}
    w.actions_["import_poi"].trigger()
    assert seen["ok_before"] is False and "longitude" in seen["hint"]
    assert seen["ok_after"] is True and seen["encoding"] == "GBK/GB18030"
    assert any("GCJ-02" in s for s in seen["systems"]) and any("BD-09" in s for s in seen["systems"])
    new = [f for f in w.document.plan.features("facilities", w.document.scenario) if f.fid not in before]
    assert len(new) == 2
    to_wgs = Transformer.from_crs(w.document.plan.epsg, 4326, always_xy=True)
    for f, (code, lon, lat) in zip(sorted(new, key=lambda f: f.fid), places):
        c = f.geometry.centroid
        assert GEOD.inv(*to_wgs.transform(c.x, c.y), lon, lat)[2] < 0.5
        assert f["type"] == code and f["source"] == "poi"
    assert w.poi_report is not None and "金融保险服务;银行 (1)" in w.poi_report.text()
    w.document.undo()
    assert {f.fid for f in w.document.plan.features("facilities", w.document.scenario)} == before


def test_the_dialog_in_chinese_names_the_map_services(qtbot, tmp_path, demo_window):
    i18n.install_language("zh")
    path = write_gbk(tmp_path / "p.csv", ["名称", "经度", "纬度", "类型"], [("甲", 121.5, 31.28, "幼儿园")])
    dialog = PoiImportDialog(path, demo_window.document.session.catalogue)
    qtbot.addWidget(dialog)
    texts = [dialog.coords.itemText(i) for i in range(dialog.coords.count())]
    assert any("高德" in t for t in texts) and any("百度" in t for t in texts)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # usual headers: found
    assert dialog.values()["columns"] == {"lon": "经度", "lat": "纬度", "name": "名称", "type": "类型"}


def test_a_bad_file_is_one_sentence_and_the_plan_is_unchanged(qtbot, demo_window, tmp_path, monkeypatch):
    w = demo_window
    path = write_gbk(tmp_path / "swapped.csv", ["名称", "经度", "纬度", "类型"], [("甲", 31.28, 121.5, "幼儿园")])
    errors = []
    monkeypatch.setattr(w, "show_error", errors.append)
    before = len(w.document.plan.features("facilities", w.document.scenario))
    assert w.import_poi(path, {"layer": "facilities", "coords": "gcj02", "facility_type": None, "columns": {}}) is None
    assert len(errors) == 1 and "swapped" in errors[0] and "\n" not in errors[0]
    assert len(w.document.plan.features("facilities", w.document.scenario)) == before
    assert not w.document.session.can_undo

"""User-visible text of the canvas and its tools.

Every string goes through ``translate("MapCanvas", "English source")`` — the same call shape as
``QCoreApplication.translate``, so ``pyside6-lupdate`` extracts them into the project's .ts
files. Until a Chinese .qm is installed, the built-in table below keeps the canvas Chinese when
the language is "zh"; an installed translator always wins.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_language: str | None = None  # None: follow the application's language (ui/i18n.py)
# Translations looked up so far. The drawing tools relabel the cursor on every mouse move, and a
# lookup (plus the application's language, read from QSettings) costs more than the move budget
# can spare; set_language() — called by the main window on every language change — clears it.
_cache: dict[tuple, str] = {}
_resolved: str | None = None  # the application's language, looked up once


def set_language(language: str | None) -> None:
    """"zh" or "en"; None follows the application's language again."""
    global _language, _resolved
    _language = None if language is None else ("zh" if language.lower().startswith("zh") else "en")
    _resolved = None
    _cache.clear()


def language() -> str:
    global _resolved
    if _language is not None:
        return _language
    if _resolved is None:
        try:
            from .. import i18n
            _resolved = i18n.language()
        except Exception:  # no application language yet: the planners' own
            _resolved = "zh"
    return _resolved


def translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    key = (context, source, disambiguation, n)
    try:
        return _cache[key]
    except KeyError:
        pass
    out = QCoreApplication.translate(context, source, disambiguation, n)
    if out == source and source in ZH and language() == "zh":
        out = ZH[source]
    _cache[key] = out
    return out


ZH = {
    # tools: hints
    "Select: click a feature, Shift-click to add, drag a box to select several, drag a selected feature to move it.":
        "选择：单击要素，Shift+单击追加，拖出方框多选，拖动已选要素可移动。",
    "Pan: drag the map.": "平移：拖动地图。",
    "Draw a polygon: click to add vertices; Enter or double-click finishes, Backspace removes the last vertex, Esc cancels.":
        "绘制多边形：单击添加顶点；回车或双击完成，退格删除上一个顶点，Esc 取消。",
    "Draw a rectangle: click two opposite corners, or drag.": "绘制矩形：单击两个对角点，或拖动。",
    "Edit vertices: click a feature, drag a vertex; double-click or Ctrl-click an edge to add one; Delete removes the chosen vertex.":
        "编辑顶点：单击要素后拖动顶点；双击或 Ctrl+单击边可添加顶点；Delete 删除所选顶点。",
    "Draw a walking path: click to add points; Enter or double-click finishes.":
        "绘制步行路径：单击添加节点；回车或双击完成。",
    "Gate: click an entrance to open or close it.": "出入口开闭：单击出入口可开启或关闭。",
    "Entrance: click on the edge of a residential compound or facility.": "放置出入口：在居住用地或设施的边界上单击。",
    "Place {name}: click on the map (it snaps to roads and paths when snapping is on); Esc cancels.":
        "放置{name}：在地图上单击（开启吸附时吸附到道路和步行路径）；Esc 取消。",
    "Choose a bus stop or metro station in the palette first.": "请先在设施选板中选择公交站点或轨道交通站点。",
    "Measure: click to add points; double-click or Enter finishes.": "测量：单击添加节点；双击或回车结束。",
    "Delete: click a feature to delete it.": "删除：单击要删除的要素。",
    "Duplicate: click a feature to copy it, or drag it to place the copy.": "复制：单击要素复制，或拖动放置副本。",
    # drawing
    "Choose a facility type before drawing.": "请先选择设施类型再绘制。",
    "Not added: {reason}.": "未添加：{reason}。",
    "Not changed: {reason}.": "未修改：{reason}。",
    "Unfinished polygon": "未完成的多边形",
    "The polygon has {n} vertices. Finish it, discard it, or keep drawing?": "该多边形已有 {n} 个顶点。完成、放弃，还是继续绘制？",
    "Unfinished path": "未完成的路径",
    "The path has {n} points. Finish it, discard it, or keep drawing?": "该路径已有 {n} 个节点。完成、放弃，还是继续绘制？",
    "Finish": "完成",
    "Discard": "放弃",
    "Keep drawing": "继续绘制",
    "Undo last vertex": "撤销上一个顶点",
    "Cancel drawing": "取消绘制",
    "Drawing cancelled.": "已取消绘制。",
    "Polygon discarded.": "已放弃该多边形。",
    "Path discarded.": "已放弃该路径。",
    "The edges cross each other: move or remove the last vertex.": "边线相交：请移动或删除上一个顶点。",
    "Area {area} m²": "面积 {area} m²",
    "Land area {area} m²": "占地面积 {area} m²",
    "Floor area {area} m² ({floors} floors)": "建筑面积 {area} m²（{floors} 层）",
    "Minimum floor area {area} m²": "最小建筑面积 {area} m²",
    "Minimum land area {area} m²": "最小用地面积 {area} m²",
    "Length {length}": "长度 {length}",
    "Segment {length}": "本段 {length}",
    "Measured length: {length}.": "测量长度：{length}。",
    # editing
    "Move": "移动",
    "Delete": "删除",
    "Delete vertex": "删除顶点",
    "Insert vertex here": "在此插入顶点",
    "Open the gate": "开启出入口",
    "Close the gate": "关闭出入口",
    "Gate opened.": "出入口已开启。",
    "Gate closed.": "出入口已关闭。",
    "No entrance here: click on an entrance symbol.": "此处没有出入口：请单击出入口符号。",
    "Click on the edge of a residential compound or facility.": "请在居住用地或设施的边界上单击。",
    "Entrance of {name}": "{name} 的出入口",
    "No feature here.": "此处没有可编辑的要素。",
    "Only the vertices of polygons and paths can be edited.": "只能编辑多边形和路径的顶点。",
    "Click a vertex first.": "请先单击一个顶点。",
    "{n} features selected.": "已选择 {n} 个要素。",
    # overlays
    "N": "北",
}

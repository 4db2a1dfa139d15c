"""Small things the panels share: icons, status colours, number formatting."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ...model.findings import status_word
from ...model.resources import RESOURCES
from ...model.rules.units import unit_word
from .. import i18n

ICONS = RESOURCES / "icons"

STATUS_COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "warn": "#ef6c00", "manual": "#1565c0", "n/a": "#9e9e9e"}
STATUS_ORDER = ("fail", "warn", "manual", "pass", "n/a")


def status_label(status: str) -> str:
    """The status word in the UI language: the model's one word per status (达标 / 未达标 / 提示 /
    待核查 / 不适用), the same in the CLI, the panels and the report."""
    return status_word(status, i18n.language())


@lru_cache(maxsize=64)
def icon(name: str) -> QIcon:
    """An icon of resources/icons (an empty icon if the file is missing)."""
    path = ICONS / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def status_icon(status: str) -> QIcon:
    return icon("status-na" if status == "n/a" else f"status-{status}")


@lru_cache(maxsize=256)
def swatch(colour: str, size: int = 14) -> QIcon:
    """A filled square of a catalogue colour (palette and legend entries)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(QColor(colour).darker(140))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 2, 2)
    p.end()
    return QIcon(pix)


def unit_text(unit: str, zh: bool) -> str:
    """A pack's unit in the UI language: the reviewer's words of model/rules/units.py (平方米、
    平方米/百户、米 … in Chinese; issue 11 item 8)."""
    return unit_word(unit, zh)


def number(value, exact: bool = False) -> str:
    """A value for the planner: measured values rounded (one decimal under 100), a threshold
    ``exact`` at the source's own precision (0.35 stays 0.35, issue 11 item 2)."""
    if value is None:
        return "—"
    v = float(value)
    if exact:
        text = f"{v:,.4f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    if abs(v) >= 100 or v.is_integer():
        return f"{v:,.0f}"
    return f"{v:,.1f}"

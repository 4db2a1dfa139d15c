"""The main window. (The full desktop — canvas, tools, findings — comes with issue 4.)"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QVBoxLayout, QWidget

from ..model.plan import Plan
from ..model.schema import LAYERS


class MainWindow(QMainWindow):
    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan
        self.setWindowTitle(f"{plan.name} — lifecircle_desktop")
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel(f"<h2>{plan.name}</h2><p>EPSG:{plan.epsg} · {plan.path.name}</p>")
        self.layers = QListWidget()
        for name, spec in LAYERS.items():
            self.layers.addItem(f"{spec.title_zh} {spec.title_en} ({plan.count(name)})")
        layout.addWidget(title)
        layout.addWidget(self.layers)
        self.setCentralWidget(body)

    def close_plan(self) -> None:
        if self.plan is not None:
            self.plan.close()
            self.plan = None

    def closeEvent(self, event):
        self.close_plan()
        super().closeEvent(event)

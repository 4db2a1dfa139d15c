"""Strings of Qt's own dialogs that Qt's Chinese catalogue (qtbase_zh_CN.qm, shipped with PySide6)
lacks: the labels Qt 6 gave new mnemonics. Listed here so that lupdate puts them into our
catalogue, which Qt asks when its own has no translation (i18n.install_language installs both).
"""
from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_MISSING = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)

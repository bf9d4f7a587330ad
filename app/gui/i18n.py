"""Interface language: a Qt translator chosen from the setting or the system locale.

Source strings are English; ``resources/i18n/storeplan_zh_CN.qm`` holds the Chinese ones.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
_installed: list[QTranslator] = []


def i18n_dir() -> Path:
    from app.gui.resources import resource_dir

    return resource_dir() / "i18n"


def system_language() -> str:
    """``zh_CN`` for any Chinese system locale, else ``en``."""
    name = QLocale.system().name()
    return "zh_CN" if name.lower().startswith("zh") else "en"


def resolve_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else system_language()


def install_translator(language: str | None) -> str:
    """Install the translators for ``language`` (or the system's) and return the language used."""
    app = QCoreApplication.instance()
    lang = resolve_language(language)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return lang
    QLocale.setDefault(QLocale(lang))
    ours = QTranslator(app)
    if ours.load(f"storeplan_{lang}", str(i18n_dir())):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no translation file for %s in %s", lang, i18n_dir())
    qt_base = QTranslator(app)  # Qt's own dialogs (buttons of QMessageBox, QFileDialog…)
    if qt_base.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    return lang


def analysis_language(language: str) -> str:
    """The ``lang`` code the core's parameters use ("zh" or "en")."""
    return "zh" if language.startswith("zh") else "en"

"""Plain-language error messages: what went wrong and what to do, details in the log."""

from __future__ import annotations

import logging

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from gis import errors

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """A message a planner can act on; the core's typed errors already carry one."""
    if isinstance(exc, errors.Cancelled):
        return QCoreApplication.translate("Errors", "Cancelled.")
    if isinstance(exc, errors.IntakeError):
        return QCoreApplication.translate("Errors", "This file cannot be used: %1").replace("%1", str(exc))
    if isinstance(exc, errors.ProjectFileError):
        return QCoreApplication.translate("Errors", "The project file could not be used: %1").replace("%1", str(exc))
    if isinstance(exc, errors.ConfigError):
        return QCoreApplication.translate("Errors", "A parameter is not valid: %1").replace("%1", str(exc))
    if isinstance(exc, errors.StorePlanError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return QCoreApplication.translate("Errors", "Not enough memory for this task. Close other programs or use a smaller area.")
    if isinstance(exc, PermissionError):
        return QCoreApplication.translate("Errors", "StorePlan may not write there (%1). Choose another folder.").replace("%1", str(exc.filename or exc))
    if isinstance(exc, OSError):
        return QCoreApplication.translate("Errors", "A file could not be read or written: %1").replace("%1", exc.strerror or str(exc))
    return QCoreApplication.translate("Errors", "An unexpected error occurred (%1). Details are in the log file: Help → Open log file.").replace(
        "%1", type(exc).__name__)


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    text = exc if isinstance(exc, str) else describe(exc)
    QMessageBox.warning(parent, title, text)


def guide_path(language: str) -> Path | None:
    """The bundled user guide in ``language`` (Chinese for zh*, else English), None if not installed."""
    from app.gui.resources import resource_dir

    name = "guide_zh.html" if str(language).startswith("zh") else "guide_en.html"
    path = resource_dir() / "guide" / name
    return path if path.is_file() else None


class GuideDialog(QDialog):
    """The user guide, read in the app: no browser and no network needed."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Guide", "StorePlan user guide"))
        self.resize(820, 680)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setSource(QUrl.fromLocalFile(str(path)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

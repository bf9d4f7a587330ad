"""Qt set-up that must happen before the QApplication exists (the app and the tests share it)."""

from __future__ import annotations

import os
import sys


def prepare_qt() -> None:
    """Environment variables and application attributes QtWebEngine needs; idempotent."""
    if sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses its sandbox as root.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-logging")
    import PySide6.QtWebEngineWidgets  # noqa: F401  (must be imported before the QApplication)
    from PySide6.QtCore import QCoreApplication, Qt

    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

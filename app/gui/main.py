"""Start the desktop application: ``storeplan gui [PROJECT] [--screenshot PNG] [--lang …] [--size WxH]``."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from app.gui.qt_env import prepare_qt

log = logging.getLogger("storeplan.gui")
qt_log = logging.getLogger("qt")

SCREENSHOT_TIMEOUT_S = 900.0
SETTLE_MS = 500        # after the page says it has drawn, let the compositor paint the frame
PAINT_TIMEOUT_S = 60.0  # software compositing of a big map can lag the page's "drawn" by seconds


def _qt_message_handler(mode, context, message) -> None:
    from PySide6.QtCore import QtMsgType

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.INFO)
    qt_log.log(level, "%s", message)


def _install_excepthook() -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        from PySide6.QtWidgets import QApplication, QMessageBox

        from app.gui.dialogs import describe

        if QApplication.instance() is not None and not getattr(hook, "showing", False):
            hook.showing = True
            try:
                QMessageBox.warning(QApplication.activeWindow(), "StorePlan", describe(exc))
            finally:
                hook.showing = False

    sys.excepthook = hook


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in str(text).lower().split("x"))
    except ValueError:
        raise ValueError(f"--size must look like 1440x900, not {text!r}") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise ValueError(f"--size {text} is out of range")
    return w, h


def register_bundled_font() -> list[str]:
    """Add the CJK font shipped in ``resources/fonts`` to Qt; its family names (empty on failure)."""
    from PySide6.QtGui import QFontDatabase

    from gis.export.fonts import font_path

    try:
        path = font_path()
    except Exception as exc:  # noqa: BLE001 - a missing font degrades the look, it must not stop the app
        log.warning("bundled CJK font unavailable: %s", exc)
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("Qt could not load the bundled font %s", path)
        return []
    return list(QFontDatabase.applicationFontFamilies(font_id))


def create_application(argv=None):
    """The QApplication with StorePlan's names, icon and fonts (call once)."""
    prepare_qt()
    from PySide6.QtCore import QCoreApplication, qInstallMessageHandler
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.gui.resources import icon_path

    qInstallMessageHandler(_qt_message_handler)
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    QCoreApplication.setOrganizationName("StorePlan")
    QCoreApplication.setApplicationName("StorePlan")
    app.setWindowIcon(QIcon(str(icon_path("storeplan.png"))))
    font = app.font()
    # The default family plus fallbacks with Chinese glyphs: the system's, then the bundled font,
    # so Chinese never shows as boxes on a machine without a CJK font.
    font.setFamilies([font.family(), "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
                      "WenQuanYi Micro Hei", "Source Han Sans SC", *register_bundled_font()])
    app.setFont(font)
    return app


def run_gui(args) -> int:
    """Open the main window (on PROJECT, or the sample city); with ``--screenshot`` save it and exit."""
    from gis import __version__

    size = parse_size(getattr(args, "size", None) or "1440x900")
    app = create_application()
    _install_excepthook()
    from app.gui.autosave import find_recoverable
    from app.gui.i18n import install_translator
    from app.gui.main_window import MainWindow
    from app.gui.settings import Settings

    settings = Settings.load()
    language = install_translator(getattr(args, "lang", None) or settings.get("language") or None)
    screenshot = getattr(args, "screenshot", None)
    project = getattr(args, "project", None)
    wanted = Path(project) if project is not None else "sample"
    # Unsaved work from a crash is offered first; otherwise the project opens while the window builds.
    recover = screenshot is None and bool(find_recoverable())
    window = MainWindow(settings=settings, language=language, restore_layout=screenshot is None,
                        start=None if recover else wanted)
    if screenshot is not None:
        window.resize(*size)
    window.show()
    log.info("StorePlan %s started (language %s)", __version__, language)
    t0 = time.perf_counter()

    if recover and not window.offer_recovery():
        if project is not None:
            window.open_project(Path(project), ask=False)
        else:
            window.open_sample()

    if screenshot is not None:
        return _take_screenshot(app, window, Path(screenshot), t0)
    window.ready_logged = False

    def log_ready():
        if window.is_idle() and not window.ready_logged:
            window.ready_logged = True
            log.info("ready in %.1f s", time.perf_counter() - t0)

    from PySide6.QtCore import QTimer

    timer = QTimer(window)
    timer.timeout.connect(log_ready)
    timer.start(200)
    return app.exec()


def shows_content(image) -> bool:
    """Whether a widget's grabbed image has more than one flat colour (a web view is blank until composited)."""
    if image.isNull() or image.width() < 2 or image.height() < 2:
        return False
    small = image.scaled(48, 48)
    colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
    return len(colours) > 2


def _take_screenshot(app, window, out: Path, t0: float) -> int:
    from PySide6.QtCore import QTimer

    result = {"code": 1}

    def poll():
        elapsed = time.perf_counter() - t0
        if window.is_idle() and window.state.project is not None:
            timer.stop()
            QTimer.singleShot(SETTLE_MS, wait_for_paint)
        elif elapsed > SCREENSHOT_TIMEOUT_S:
            timer.stop()
            log.error("screenshot: the window was not ready after %.0f s", elapsed)
            print(f"error: the window was not ready after {elapsed:.0f} s", file=sys.stderr)
            grab(ok=False)

    painted_since = {"t": None, "last": None}

    def wait_for_paint():
        # the page reports "drawn" when its script is done; the frame reaches the widget later,
        # sometimes in parts: wait until the view shows content and stays the same for a moment
        image = window.map_view.grab().toImage()
        if shows_content(image) and image == painted_since["last"]:
            grab()
            return
        painted_since["last"] = image
        if painted_since["t"] is None:
            painted_since["t"] = time.perf_counter()
        if time.perf_counter() - painted_since["t"] > PAINT_TIMEOUT_S:
            log.warning("screenshot: the map view was still blank or changing after %.0f s", PAINT_TIMEOUT_S)
            grab()
            return
        QTimer.singleShot(400, wait_for_paint)

    def grab(ok: bool = True):
        out.parent.mkdir(parents=True, exist_ok=True)
        saved = window.grab().save(str(out))
        result["code"] = 0 if (ok and saved) else 1
        log.info("screenshot %s saved after %.1f s", out, time.perf_counter() - t0)
        window._confirmed_close = True
        window.close()
        app.quit()

    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(100)
    app.exec()
    if window.last_error:
        print(f"warning: {window.last_error}", file=sys.stderr)
    return result["code"]

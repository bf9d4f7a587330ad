"""The central map: a QWebEngineView on the core's map page, talking back through QWebChannel.

The page comes from ``gis.maprender.render_map_page(spec, folder)`` (written to a file and loaded
by URL: ``setHtml`` fails above 2 MB). The page exposes ``window.storeplan`` (showLayer,
setOpacity, select, fitTo) and calls ``bridge.select(kind, id)`` on the QWebChannel object named
``bridge`` when the user clicks a cell, outlet, site or stop.
"""

from __future__ import annotations

import html
import json
import logging
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView

from gis.maprender.project_map import MapOptions, build_spec
from app.gui.state import AppState, snapshot
from app.gui.workers import TaskSlot

log = logging.getLogger(__name__)

# what the page in the view is: "map" once the core's page has drawn every visible layer, "error"
# if its script failed, "message" for our own notice pages, "" while loading
READY_JS = ("(function(){var s=window.storeplan; if (!s) return ''; if (s.message) return 'message';"
            " if (s.error) return 'error'; return s.drawn === true ? 'map' : '';})()")
POLL_MS = 50


class MapBridge(QObject):
    """The object the page sees as ``bridge``: clicks come back as (kind, id)."""

    selected = Signal(str, str)

    @Slot(str, str)
    def select(self, kind: str, ident: str) -> None:
        self.selected.emit(str(kind), str(ident))


class _Page(QWebEnginePage):
    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt name)
        logger = log.warning if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel else log.debug
        logger("map page: %s (%s:%s)", message, source, line)


def render_page(progress, project, options: MapOptions, folder: Path, language: str, serial: int) -> Path:
    """Worker: build the spec and write the page; returns the page's path."""
    from gis.maprender import render_map_page

    progress.report(0.1, "preparing the map")
    spec = build_spec(project, options, language)
    progress.report(0.4, "drawing the map")
    target = folder / f"view-{serial}"
    target.mkdir(parents=True, exist_ok=True)
    path = Path(render_map_page(spec, target))
    progress.report(1.0, "map ready")
    return path


def engine_available() -> bool:
    """Whether the core's map engine imports (a broken installation shows a notice, not a crash)."""
    try:
        from gis.maprender import render_map_page  # noqa: F401
    except ImportError as exc:
        log.error("the map engine cannot be imported: %s", exc, exc_info=True)
        return False
    return True


class MapView(QWebEngineView):
    """``refresh()`` re-renders from the state; ``ready`` goes True when the page has drawn."""

    ready_changed = Signal(bool)
    render_failed = Signal(str)

    def __init__(self, state: AppState, pool=None, parent=None, language: str = "en"):
        super().__init__(parent)
        self.state = state
        self.language = language
        self.options = MapOptions()
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self)
        self.channel.registerObject("bridge", self.bridge)
        self.setPage(_Page(self))
        self.page().setWebChannel(self.channel)
        s = self.page().settings()
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        self.slot = TaskSlot(pool, self, name="map")
        self._folder = Path(tempfile.mkdtemp(prefix="storeplan-map-"))
        self._serial = 0
        self._adopted = None  # the project whose page came with it (see adopt_page)
        self._requested = None
        self._ready = False
        self._expect = "message"
        self._load_started = 0.0
        self.last_draw_seconds = float("nan")
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_ready)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.loadFinished.connect(self._on_load_finished)
        self.bridge.selected.connect(lambda kind, ident: state.select(kind, ident, origin="map"))
        state.events.subscribe("selection", self._on_selection)
        state.events.subscribe("project", self._on_project)
        state.events.subscribe("results", lambda names: self.schedule_refresh())
        state.events.subscribe("inputs", lambda names: self.schedule_refresh())
        self._show_message(self.tr("Loading…"))

    # page life cycle ----------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._ready

    def _set_ready(self, ready: bool) -> None:
        if ready != self._ready:
            self._ready = ready
            self.ready_changed.emit(ready)

    def schedule_refresh(self, *_):
        self._adopted = None
        self._debounce.start()

    def _on_project(self) -> None:
        adopted, self._adopted = self._adopted, None
        if adopted is not None and adopted is self.state.project:
            return  # its page is already loading
        self.schedule_refresh()

    def page_request(self) -> tuple:
        """What :func:`render_page` needs besides the project, for a page drawn in another worker
        (the project's opening) and shown with :meth:`adopt_page`."""
        self._serial += 1
        self._requested = replace(self.options)
        return self._requested, self._folder, self.language, self._serial

    def adopt_page(self, project, path: Path | None) -> bool:
        """Show ``path``, drawn for ``project`` just before it becomes the open project, so the map
        does not wait for a second rendering; False (nothing done) if the options changed since."""
        if path is None or self.options != self._requested:
            return False
        self._debounce.stop()
        self.slot.cancel()
        self._adopted = project
        self._expect = "map"
        self._set_ready(False)
        self._render_started = time.perf_counter()
        self._load_page(path)
        return True

    def refresh(self) -> None:
        """Re-render the page from the current project and options (in a worker)."""
        self._debounce.stop()
        project = self.state.project
        if project is None:
            self._show_message(self.tr("No project open. File → Open, or File → New and import data."))
            return
        if not engine_available():
            self._show_message(self.tr("The map engine is not available in this version yet; "
                                       "the tables and work areas show the data."))
            return
        self._serial += 1
        self._expect = "map"
        self._set_ready(False)
        self._render_started = time.perf_counter()
        self.slot.start(render_page, snapshot(project), self.options, self._folder, self.language, self._serial,
                        on_result=self._load_page, on_error=self._on_render_error)

    def _load_page(self, path: Path) -> None:
        self._load_started = time.perf_counter()
        self._expect = "map"
        self.load(QUrl.fromLocalFile(str(path)))

    def _on_render_error(self, exc) -> None:
        from app.gui.dialogs import describe

        text = describe(exc)
        log.warning("map could not be drawn: %s", exc)
        self._show_message(self.tr("The map could not be drawn: %1").replace("%1", text))
        self.render_failed.emit(text)

    def _show_message(self, text: str) -> None:
        self._set_ready(False)
        body = (f"<html><head><meta charset='utf-8'></head><body style=\"font-family:sans-serif;"
                f"background:#eef0f3;color:#445;display:flex;align-items:center;justify-content:center;"
                f"height:95vh\"><p style='max-width:32em;text-align:center'>{html.escape(text)}</p>"
                f"<script>window.storeplan={{drawn:true,message:true}}</script></body></html>")
        self._expect = "message"
        self.setHtml(body)

    def _on_load_finished(self, ok: bool) -> None:
        self._poll.start()

    def _check_ready(self) -> None:
        self.page().runJavaScript(READY_JS, 0, self._ready_answer)

    def _ready_answer(self, value) -> None:
        if value == "error" and self._expect == "map":
            self._poll.stop()
            self.page().runJavaScript("String(window.storeplan.error)", 0, self._page_failed)
            return
        if value and value == self._expect:
            self._poll.stop()
            if self._load_started:
                self.last_draw_seconds = time.perf_counter() - self._render_started
                log.info("map drawn in %.2f s", self.last_draw_seconds)
                self._load_started = 0.0
            self._set_ready(True)
            kind, ident = self.state.selection
            if kind:
                self._on_selection(kind, ident, "")
            if self.options.route_rep or self.options.route_day is not None:
                self.show_routes(self.options.route_rep, self.options.route_day, fit=False)

    def _page_failed(self, text) -> None:
        log.error("map page script failed: %s", text)
        self._on_render_error(RuntimeError(str(text).splitlines()[0] if text else "script error"))

    # talking to the page ------------------------------------------------------------------
    def run_js(self, call: str, *args) -> None:
        """Call ``window.storeplan.<call>(args…)`` if the page has it."""
        js_args = ", ".join(json.dumps(a, ensure_ascii=False) for a in args)
        self.page().runJavaScript(
            f"(function(){{var s=window.storeplan; if (s && typeof s.{call} === 'function') "
            f"{{ s.{call}({js_args}); }}}})();", 0)

    def show_layer(self, layer_id: str, visible: bool) -> None:
        self.run_js("showLayer", layer_id, bool(visible))

    def set_opacity(self, layer_id: str, opacity: float) -> None:
        self.run_js("setOpacity", layer_id, float(opacity))

    def show_routes(self, rep_id: str = "", day: int | None = None, fit: bool = True) -> None:
        """Only the routes of one rep (and day, 1-based), or every route when ``rep_id`` is empty."""
        self.options.route_rep, self.options.route_day = rep_id, day
        self.run_js("showRoutes", rep_id or "", "" if day is None else str(day), bool(fit))

    def _on_selection(self, kind: str, ident: str, origin: str) -> None:
        if origin != "map" and self._ready:
            self.run_js("select", kind, ident)

    def close_down(self) -> None:
        self.slot.cancel()
        self.slot.wait(10)
        shutil.rmtree(self._folder, ignore_errors=True)

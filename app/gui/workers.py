"""Background work on a QThreadPool: runnables with a companion QObject for their signals.

A :class:`TaskSlot` holds one panel's current task. Starting a task cancels the previous one, and
every signal carries the task's number, so the result of a task that was replaced (a *stale*
result) never reaches the panel. A task is a plain function ``fn(progress, *args)`` where
``progress`` is a :class:`TaskProgress` — the Qt-free handle ``gis`` functions take
(``report``/``cancelled``) plus ``partial(value)`` for results worth showing before the end. A
generator function works too: each value it yields is a partial result, its return value the
result.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from gis.errors import Cancelled

log = logging.getLogger(__name__)

# pyproj keeps each OS thread's PROJ context pointer in thread-specific storage but frees the
# context with the Python thread state; pool threads get a new Python thread state for every task,
# so the next task on the same thread would use a freed context (a crash in CRS code). Keeping
# every pool thread's context alive for the life of the process avoids that.
_PYPROJ_CONTEXTS: set = set()


def _keep_pyproj_context() -> None:
    import sys

    context = sys.modules.get("pyproj._context")
    if context is not None:
        manager = context.get_context_manager()
        if manager is not None:
            _PYPROJ_CONTEXTS.add(manager)


class TaskProgress:
    """The progress/cancel handle a task receives; thread-safe, throttles progress signals."""

    def __init__(self, signals: "WorkerSignals", token: int, min_interval: float = 0.05):
        self._signals = signals
        self._token = token
        self._event = threading.Event()
        self._min_interval = min_interval
        self._last = 0.0
        self._last_message = None

    def report(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if message == self._last_message and now - self._last < self._min_interval and fraction < 1.0:
            return
        self._last, self._last_message = now, message
        self._signals.progress.emit(self._token, min(max(float(fraction), 0.0), 1.0), str(message))

    def partial(self, value: Any) -> None:
        self._signals.partial.emit(self._token, value)

    def cancel(self) -> None:
        self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set()


class WorkerSignals(QObject):
    """Signals of one worker; created on the GUI thread so they arrive there (queued)."""

    progress = Signal(int, float, str)
    partial = Signal(int, object)
    result = Signal(int, object)
    error = Signal(int, object)
    cancelled = Signal(int)
    finished = Signal(int)


class Worker(QRunnable):
    """Runs ``fn(progress, *args, **kwargs)`` on a pool thread and reports through signals."""

    def __init__(self, fn: Callable, *args, token: int = 0, **kwargs):
        super().__init__()
        self.setAutoDelete(False)  # the slot keeps it until its ``finished`` has been handled
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.token = token
        self.signals = WorkerSignals()
        self.progress = TaskProgress(self.signals, token)
        self.done = threading.Event()

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> None:  # pool thread
        token, signals = self.token, self.signals
        try:
            if self.progress.cancelled():
                raise Cancelled()
            value = self.fn(self.progress, *self.args, **self.kwargs)
            if inspect.isgenerator(value):
                value = self._drain(value)
            if self.progress.cancelled():
                raise Cancelled()
        except Cancelled:
            signals.cancelled.emit(token)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the panel
            from gis.errors import StorePlanError

            if not isinstance(exc, StorePlanError):
                log.exception("background task %s failed", getattr(self.fn, "__name__", self.fn))
            else:
                log.info("background task stopped: %s", exc)
            signals.error.emit(token, exc)
        else:
            signals.result.emit(token, value)
        finally:
            _keep_pyproj_context()
            self.done.set()
            signals.finished.emit(token)

    def _drain(self, gen):
        while True:
            if self.progress.cancelled():
                gen.close()
                raise Cancelled()
            try:
                item = next(gen)
            except StopIteration as stop:
                return stop.value
            self.progress.partial(item)


class TaskSlot(QObject):
    """One panel's task: start (cancelling the previous), cancel, wait; stale signals dropped.

    Hooks given to :meth:`start` are called on the GUI thread: ``on_result(value)``,
    ``on_partial(value)``, ``on_error(exc)``, ``on_cancel()``. The slot's own signals drive a
    progress bar: ``busy(bool)``, ``progressed(fraction, message)``.
    """

    busy = Signal(bool)
    progressed = Signal(float, str)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None, name: str = ""):
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.name = name
        self._token = 0
        self._current: Worker | None = None
        self._hooks: dict[str, Callable | None] = {}
        self._alive: dict[int, Worker] = {}  # started and not yet finished (current or cancelled)

    @property
    def running(self) -> bool:
        return self._current is not None

    def start(self, fn: Callable, *args, on_result=None, on_partial=None, on_error=None,
              on_cancel=None, **kwargs) -> Worker:
        self.cancel()
        self._token += 1
        worker = Worker(fn, *args, token=self._token, **kwargs)
        s = worker.signals
        s.progress.connect(self._on_progress)
        s.partial.connect(self._on_partial)
        s.result.connect(self._on_result)
        s.error.connect(self._on_error)
        s.cancelled.connect(self._on_cancelled)
        s.finished.connect(self._on_finished)
        self._hooks = {"result": on_result, "partial": on_partial, "error": on_error, "cancel": on_cancel}
        self._current = worker
        self._alive[worker.token] = worker
        self.busy.emit(True)
        self.progressed.emit(0.0, "")
        self.pool.start(worker)
        return worker

    def cancel(self) -> None:
        """Ask the current task to stop; its result (if it still comes) is ignored."""
        worker, self._current = self._current, None
        if worker is not None:
            worker.cancel()
            hook = self._hooks.get("cancel")
            self._hooks = {}
            self.busy.emit(False)
            if hook:
                hook()

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until every task this slot started has finished (for closing and tests)."""
        deadline = time.monotonic() + timeout
        for worker in list(self._alive.values()):
            if not worker.done.wait(max(deadline - time.monotonic(), 0.0)):
                return False
        return True

    # signal handlers (GUI thread) -------------------------------------------------------------
    def _is_current(self, token: int) -> bool:
        return self._current is not None and self._current.token == token

    @Slot(int, float, str)
    def _on_progress(self, token: int, fraction: float, message: str) -> None:
        if self._is_current(token):
            self.progressed.emit(fraction, message)

    @Slot(int, object)
    def _on_partial(self, token: int, value) -> None:
        if self._is_current(token) and self._hooks.get("partial"):
            self._hooks["partial"](value)

    def _finish(self, token: int, kind: str, *args) -> None:
        if not self._is_current(token):
            return  # stale: a newer task replaced this one, or it was cancelled
        hook = self._hooks.get(kind)
        self._current, self._hooks = None, {}
        self.busy.emit(False)
        if hook:
            hook(*args)

    @Slot(int, object)
    def _on_result(self, token: int, value) -> None:
        self._finish(token, "result", value)

    @Slot(int, object)
    def _on_error(self, token: int, exc) -> None:
        self._finish(token, "error", exc)

    @Slot(int)
    def _on_cancelled(self, token: int) -> None:
        self._finish(token, "cancel")

    @Slot(int)
    def _on_finished(self, token: int) -> None:
        self._alive.pop(token, None)


def wait_for_pool(pool: QThreadPool, timeout_ms: int = 30_000) -> bool:
    return pool.waitForDone(timeout_ms)

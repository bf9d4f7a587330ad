"""A tiny, Qt-free progress and cancel handle for long work.

Long functions take ``progress: Progress | None`` and call ``progress.report(fraction, message)``
between chunks and ``progress.check()`` where stopping is safe. The GUI passes an object that
forwards to a signal and reads a cancel flag; the CLI passes one that prints.
"""

from __future__ import annotations

import threading
from typing import Callable, Protocol, runtime_checkable

from gis.errors import Cancelled


@runtime_checkable
class Progress(Protocol):
    def report(self, fraction: float, message: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class NullProgress:
    """Reports nowhere and is never cancelled."""

    def report(self, fraction: float, message: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False


class CallbackProgress:
    """Forwards reports to a callback; cancelled once :meth:`cancel` is called (thread-safe)."""

    def __init__(self, callback: Callable[[float, str], None] | None = None):
        self._callback = callback
        self._event = threading.Event()

    def report(self, fraction: float, message: str = "") -> None:
        if self._callback is not None:
            self._callback(min(max(float(fraction), 0.0), 1.0), message)

    def cancel(self) -> None:
        self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set()


class SubProgress:
    """Maps a child task's 0…1 onto the span [start, end] of a parent's progress."""

    def __init__(self, parent: Progress, start: float, end: float):
        self._parent, self._start, self._end = parent, start, end

    def report(self, fraction: float, message: str = "") -> None:
        self._parent.report(self._start + (self._end - self._start) * fraction, message)

    def cancelled(self) -> bool:
        return self._parent.cancelled()


def ensure(progress: Progress | None) -> Progress:
    """The given handle, or a :class:`NullProgress`."""
    return NullProgress() if progress is None else progress


def check(progress: Progress | None) -> None:
    """Raise :class:`Cancelled` if the handle says so."""
    if progress is not None and progress.cancelled():
        raise Cancelled()

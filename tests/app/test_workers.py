"""Background tasks: success, cancel at once, cancel mid-run, failure; stale results dropped."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThreadPool

from gis import progress as prog
from gis.errors import AnalysisError

from app.gui.workers import TaskSlot


def counting(progress, n: int, delay: float = 0.0, started: threading.Event | None = None):
    """Sums 0..n-1, reporting progress and stopping where a core function would."""
    total = 0
    for i in range(n):
        if started is not None and i == 1:
            started.set()
        prog.check(progress)
        progress.report(i / n, f"step {i}")
        total += i
        time.sleep(delay)
    return total


def failing(progress):
    progress.report(0.5, "half way")
    raise AnalysisError("no outlets have coordinates: import an outlets file with lat/lon")


def generator_task(progress, n: int):
    for i in range(n):
        yield i * 10
    return "done"


class Hooks:
    def __init__(self):
        self.results, self.errors, self.cancels, self.partials = [], [], 0, []

    def kwargs(self):
        return dict(on_result=self.results.append, on_error=self.errors.append,
                    on_cancel=self._cancel, on_partial=self.partials.append)

    def _cancel(self):
        self.cancels += 1


@pytest.fixture
def slot(qtbot):
    pool = QThreadPool()
    s = TaskSlot(pool)
    yield s
    s.cancel()
    assert pool.waitForDone(10_000)


def test_success_delivers_result_and_progress(qtbot, slot):
    hooks = Hooks()
    seen = []
    slot.progressed.connect(lambda f, m: seen.append((f, m)))
    with qtbot.waitSignal(slot.busy, timeout=5000, check_params_cb=lambda on: on is False):
        slot.start(counting, 50, **hooks.kwargs())
    assert hooks.results == [sum(range(50))]
    assert hooks.errors == [] and hooks.cancels == 0
    assert not slot.running
    assert seen and all(0.0 <= f <= 1.0 for f, _ in seen)


def test_cancel_at_once_never_runs_to_the_end(qtbot, slot):
    hooks = Hooks()
    slot.start(counting, 1000, 0.01, **hooks.kwargs())
    slot.cancel()
    assert slot.wait(10)
    qtbot.wait(50)
    assert hooks.results == [] and hooks.errors == []
    assert hooks.cancels == 1
    assert not slot.running


def test_cancel_mid_run_stops_the_task(qtbot, slot):
    hooks = Hooks()
    started = threading.Event()
    t0 = time.monotonic()
    slot.start(counting, 10_000, 0.005, started, **hooks.kwargs())
    assert started.wait(5)
    slot.cancel()
    assert slot.wait(10)
    assert time.monotonic() - t0 < 10  # far less than the 50 s the full task takes
    qtbot.wait(50)
    assert hooks.results == [] and hooks.errors == [] and hooks.cancels == 1


def test_failure_reaches_the_error_hook_with_its_message(qtbot, slot):
    hooks = Hooks()
    with qtbot.waitSignal(slot.busy, timeout=5000, check_params_cb=lambda on: on is False):
        slot.start(failing, **hooks.kwargs())
    assert hooks.results == []
    assert len(hooks.errors) == 1 and isinstance(hooks.errors[0], AnalysisError)
    assert "import an outlets file" in str(hooks.errors[0])


def test_a_new_task_replaces_the_running_one_and_its_result_is_dropped(qtbot, slot):
    first, second = Hooks(), Hooks()
    started = threading.Event()
    slot.start(counting, 400, 0.005, started, **first.kwargs())
    assert started.wait(5)
    with qtbot.waitSignal(slot.busy, timeout=10_000, check_params_cb=lambda on: on is False):
        slot.start(counting, 10, **second.kwargs())
    assert slot.wait(10)
    qtbot.wait(50)
    assert first.results == [] and first.cancels == 1
    assert second.results == [45]


def test_stale_result_of_a_task_that_ignores_cancel_is_dropped(qtbot, slot):
    """A task that never checks the flag still finishes; its result must not reach the panel."""
    first, second = Hooks(), Hooks()
    slot.start(lambda progress: (time.sleep(0.3), "old")[1], **first.kwargs())
    slot.start(lambda progress: "new", **second.kwargs())
    assert slot.wait(10)
    qtbot.waitUntil(lambda: second.results == ["new"], timeout=5000)
    qtbot.wait(100)
    assert first.results == []


def test_generator_tasks_send_partial_results(qtbot, slot):
    hooks = Hooks()
    with qtbot.waitSignal(slot.busy, timeout=5000, check_params_cb=lambda on: on is False):
        slot.start(generator_task, 3, **hooks.kwargs())
    assert hooks.partials == [0, 10, 20]
    assert hooks.results == ["done"]

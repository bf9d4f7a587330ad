"""Autosave and crash recovery.

While a project has unsaved changes, a copy is written every few minutes to
``user_dir("data")/autosave/autosave-<pid>.storeplan`` with a small JSON note beside it (the
process id, the project's own file, the time). A clean exit or an explicit save removes both. At
start, notes whose process is no longer running are what a crash or a kill left behind: the
window offers to restore the newest.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from gis.project import save_project

from app.gui.state import AppState, snapshot
from app.gui.workers import TaskSlot

log = logging.getLogger(__name__)


def autosave_dir() -> Path:
    from app.logs import user_dir

    path = user_dir("data") / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        import psutil

        return psutil.pid_exists(pid)
    except ImportError:
        pass
    if os.name == "nt":  # pragma: no cover - without psutil on Windows we cannot tell: assume dead
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find_recoverable() -> list[dict]:
    """Autosaves left by processes that are gone, newest first (each: note + ``project`` path)."""
    found = []
    for note in autosave_dir().glob("autosave-*.json"):
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
            pid = int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        project = note.with_suffix(".storeplan")
        if pid_alive(pid) or not project.is_file():
            continue
        data["note"], data["project"] = str(note), str(project)
        found.append(data)
    return sorted(found, key=lambda d: d.get("saved_at", ""), reverse=True)


def discard(entry: dict) -> None:
    for key in ("note", "project"):
        try:
            Path(entry[key]).unlink()
        except (OSError, KeyError):
            pass


def _write_copy(progress, project, target: Path, note: Path, source: str) -> Path:
    save_project(project, target)
    data = {"pid": os.getpid(), "source": source, "name": project.name,
            "saved_at": dt.datetime.now().isoformat(timespec="seconds")}
    tmp = note.with_name(note.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, note)
    return target


class Autosaver(QObject):
    """Saves a copy of the modified project every ``minutes`` (0 = never)."""

    def __init__(self, state: AppState, pool=None, minutes: float = 2.0, parent=None):
        super().__init__(parent)
        self.state = state
        base = autosave_dir() / f"autosave-{os.getpid()}"
        self.project_path = base.with_suffix(".storeplan")
        self.note_path = base.with_suffix(".json")
        self.slot = TaskSlot(pool, self, name="autosave")
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.set_interval(minutes)

    def set_interval(self, minutes: float) -> None:
        self.timer.stop()
        if minutes and minutes > 0:
            self.timer.start(int(minutes * 60_000))

    def _source(self) -> str:
        return str(self.state.path) if self.state.path else ""

    def tick(self) -> None:
        """Save in the background if there is something unsaved."""
        if self.state.project is None or not self.state.modified or self.slot.running:
            return
        self.slot.start(_write_copy, snapshot(self.state.project), self.project_path, self.note_path,
                        self._source(),
                        on_result=lambda p: log.info("autosaved to %s", p),
                        on_error=lambda exc: log.warning("autosave failed: %s", exc))

    def save_now(self) -> Path | None:
        """Save at once on this thread (used before risky operations and by tests)."""
        if self.state.project is None:
            return None
        return _write_copy(None, self.state.project, self.project_path, self.note_path, self._source())

    def discard(self) -> None:
        """Forget this process's autosave (after a save or a clean exit)."""
        self.slot.cancel()
        self.slot.wait(10)
        discard({"note": str(self.note_path), "project": str(self.project_path)})

"""Autosave and crash recovery: after a kill, the next start offers to restore the unsaved work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
from PySide6.QtWidgets import QMessageBox

from app.gui.autosave import find_recoverable

ROOT = Path(__file__).resolve().parents[2]

CRASHING = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtWidgets import QApplication
    from gis.project import load_project
    from app.gui.autosave import Autosaver
    from app.gui.state import AppState

    app = QApplication([])
    state = AppState()
    project = load_project(sys.argv[1])
    state.set_project(project)
    state.set_params("scoring", {"tier_shares": [0.1, 0.2, 0.3]})   # an unsaved edit
    Autosaver(state, minutes=0).save_now()
    print("autosaved", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)                        # no clean exit
""")


def test_after_a_kill_the_next_start_restores_the_work(qtbot, window_factory, small_project_file, monkeypatch):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CRASHING, str(small_project_file)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "autosaved" in proc.stdout
    assert len(find_recoverable()) == 1

    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes))
    w = window_factory()
    assert w.offer_recovery()
    assert asked and "Small city" in asked[0]
    project = w.state.project
    assert project.params["scoring"] == {"tier_shares": [0.1, 0.2, 0.3]}
    assert len(project.inputs["outlets"]) > 0
    assert w.state.modified  # restored work still needs saving
    assert find_recoverable() == []  # offered once


def test_declining_discards_the_autosave(qtbot, window_factory, small_project, monkeypatch):
    from app.gui.autosave import Autosaver, autosave_dir
    from app.gui.state import AppState

    state = AppState()
    state.set_project(small_project)
    saver = Autosaver(state, minutes=0)
    saver.save_now()
    note = saver.note_path
    data = note.read_text(encoding="utf-8").replace(f'"pid": {os.getpid()}', '"pid": 999999999')
    note.write_text(data, encoding="utf-8")  # as if written by a process that is gone
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    w = window_factory()
    assert not w.offer_recovery()
    assert w.state.project is None
    assert list(autosave_dir().glob("autosave-*")) == []


def test_a_clean_close_leaves_no_autosave(qtbot, window_factory, small_project):
    from app.gui.autosave import autosave_dir

    w = window_factory(small_project)
    w.state.mark_modified()
    w.autosaver.save_now()
    assert list(autosave_dir().glob("autosave-*.storeplan"))
    w.state.set_project(None)
    w._confirmed_close = True
    w.close()
    assert list(autosave_dir().glob("autosave-*")) == []


def test_the_timer_saves_only_modified_projects(qtbot, window_factory, small_project):
    w = window_factory(small_project)
    w.autosaver.tick()
    assert not w.autosaver.slot.running and not w.autosaver.project_path.exists()
    w.state.mark_modified()
    w.autosaver.tick()
    qtbot.waitUntil(lambda: w.autosaver.project_path.exists() and not w.autosaver.slot.running, timeout=10_000)
    from gis.project import load_project

    again = load_project(w.autosaver.project_path)
    pd.testing.assert_frame_equal(again.inputs["reps"], small_project.inputs["reps"])

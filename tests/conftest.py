"""Shared test set-up.

With ``STOREPLAN_WITHOUT_QT=1`` PySide6 and shiboken6 cannot be imported at all, so the analysis
core's tests prove they run in an environment without Qt.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

import pytest

_BLOCKED = ("PySide6", "shiboken6")


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _BLOCKED:
            raise ImportError(f"{name} is not available in this test environment")
        return None


if os.environ.get("STOREPLAN_WITHOUT_QT"):
    sys.meta_path.insert(0, _NoQt())
else:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Settings, logs and autosaves of every test go to a temporary folder, never the user's."""
    monkeypatch.setenv("STOREPLAN_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory):
    """Run `storeplan demo` once per test session; many tests read its outputs."""
    import subprocess

    outdir = tmp_path_factory.mktemp("demo")
    env = dict(os.environ, STOREPLAN_HOME=str(tmp_path_factory.mktemp("demo-home")))
    result = subprocess.run([sys.executable, "-m", "app.cli", "-q", "demo", str(outdir)],
                            capture_output=True, text=True, env=env, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    return outdir

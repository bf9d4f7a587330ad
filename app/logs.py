"""Logging for the application: a rotating log file the user can open from Help, and the console.

Only the application configures handlers; ``gis`` modules just call ``logging.getLogger(__name__)``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

import platformdirs

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def user_dir(kind: str) -> Path:
    """Per-user folder for ``config``, ``log`` or ``data``; ``STOREPLAN_HOME`` redirects all (tests)."""
    home = os.environ.get("STOREPLAN_HOME")
    if home:
        path = Path(home) / kind
    elif kind == "config":
        path = Path(platformdirs.user_config_dir("StorePlan", appauthor=False))
    elif kind == "log":
        path = Path(platformdirs.user_log_dir("StorePlan", appauthor=False))
    else:
        path = Path(platformdirs.user_data_dir("StorePlan", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    return user_dir("log") / "storeplan.log"


def setup_logging(console: bool = False, level: int = logging.INFO) -> Path:
    """Send records to the rotating log file (and warnings to stderr when ``console``)."""
    root = logging.getLogger()
    path = log_file()
    ours = [h for h in root.handlers if getattr(h, "_storeplan", False)]
    if ours and getattr(ours[0], "_storeplan_path", None) != path:  # the user folder moved (tests)
        for h in ours:
            root.removeHandler(h)
            h.close()
        ours = []
    if not ours:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._storeplan = True
        handler._storeplan_path = path
        root.addHandler(handler)
        if console:
            stream = logging.StreamHandler(sys.stderr)
            stream.setLevel(logging.WARNING)
            stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
            # tracebacks belong in the log file; the command prints its own plain message
            stream.addFilter(lambda record: not record.exc_info)
            stream._storeplan = True
            stream._storeplan_path = path
            root.addHandler(stream)
        root.setLevel(level)
        for noisy in ("fiona", "pyogrio", "matplotlib", "PIL", "numba", "distributed"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    return path

"""User settings: a versioned JSON file of primitives, with an explicit migration per version.

Window geometry and dock layout are Qt's business and live in QSettings (see
:mod:`app.gui.main_window`); everything here is plain JSON in ``user_dir("config")``. No pickle:
a settings file never runs code.

Versions
--------
1. ``{"version": 1, "lang": str, "recent": [paths]}`` — the first layout.
2. ``lang`` became ``language``; ``recent`` became ``recent_files``; autosave and analysis
   options were added.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

VERSION = 2
MAX_RECENT = 10

DEFAULTS: dict[str, Any] = {
    "version": VERSION,
    "language": "",               # "" follows the system locale; "zh_CN" or "en"
    "recent_files": [],
    "autosave_minutes": 2,        # 0 turns autosave off
    "auto_rerun": True,           # re-run analysis when a parameter changes
    "last_import_dir": "",
    "last_export_dir": "",
}


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["language"] = out.pop("lang", "")
    out["recent_files"] = out.pop("recent", [])
    out["version"] = 2
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings dict of any known version to :data:`VERSION` (unknown keys are kept)."""
    version = data.get("version", 1)
    if not isinstance(version, int) or version > VERSION:
        raise ValueError(f"settings version {version!r} is not one this StorePlan understands")
    while version < VERSION:
        data = MIGRATIONS[version](data)
        version = data["version"]
    return data


def _is_primitive(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, list):
        return all(_is_primitive(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_primitive(v) for k, v in value.items())
    return False


def settings_path() -> Path:
    from app.logs import user_dir

    return user_dir("config") / "settings.json"


class Settings:
    """The settings of this user; ``set`` validates, ``save`` writes atomically."""

    def __init__(self, data: dict[str, Any] | None = None, path: Path | None = None):
        self.path = path
        self._data = {**DEFAULTS, **(data or {})}
        self._data["version"] = VERSION

    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        path = path or settings_path()
        data: dict[str, Any] = {}
        if path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(raw, dict):
                    raise ValueError("not a JSON object")
                data = migrate(raw)
                data = {k: v for k, v in data.items() if _is_primitive(v)}
                for key, default in DEFAULTS.items():  # a value of the wrong type falls back
                    if key in data and type(data[key]) is not type(default):
                        log.warning("settings: %s=%r is not a %s; using the default", key, data[key],
                                    type(default).__name__)
                        data.pop(key)
            except (OSError, ValueError) as exc:
                log.warning("settings file %s unusable (%s); starting from defaults", path, exc)
                try:
                    path.replace(path.with_suffix(".json.bad"))
                except OSError:
                    pass
                data = {}
        return cls(data, path)

    def get(self, key: str, default=None):
        return self._data.get(key, DEFAULTS.get(key, default))

    def set(self, key: str, value) -> None:
        if not _is_primitive(value):
            raise TypeError(f"setting {key!r} must be plain JSON data, not {type(value).__name__}")
        self._data[key] = value

    def as_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._data))

    def save(self) -> None:
        path = self.path or settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self._data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    # recent files ---------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        return [p for p in self.get("recent_files") if isinstance(p, str)]

    def add_recent(self, path: str | os.PathLike) -> None:
        text = str(Path(path).resolve())
        recent = [p for p in self.recent_files() if p != text]
        self.set("recent_files", [text, *recent][:MAX_RECENT])

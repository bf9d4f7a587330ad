"""The StorePlan project: inputs, parameters and results in one file.

A project file (``.storeplan``) is an SQLite database:

- ``meta(key TEXT PRIMARY KEY, value TEXT)`` — JSON values: ``format_version``, ``app_version``,
  ``name``, ``saved_at``, ``settings`` (resolution, source systems…), ``params`` (one dict per
  stage), ``reports`` (intake reports and stage notes);
- ``tables(name TEXT PRIMARY KEY, role TEXT, geo INTEGER, attrs TEXT, data BLOB)`` — every table
  as a Parquet blob (GeoParquet for geometries), which keeps dtypes exactly.

No pickle anywhere: opening a colleague's project never runs code. Saving writes a temporary file
beside the target and renames it over the old one, so a crash mid-save leaves the previous file
intact.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gis import __version__
from gis.errors import ProjectFileError
from gis.fileio import atomic_path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
SUFFIX = ".storeplan"
_MAGIC = "storeplan-project"

# Roles a table can play. Inputs are what the user imported; "grid" is the merged H3 layer;
# results are produced by stages and dropped when an earlier stage changes.
INPUT_ROLES = ("outlets", "reps", "districts", "matrix", "sales_lines", "candidates")


@dataclass
class Project:
    """Everything a planner works on. Plain data: tests and the GUI drive it alike."""

    name: str = "未命名项目"
    settings: dict[str, Any] = field(default_factory=lambda: {"resolution": 9})
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict)
    grid: pd.DataFrame | None = None
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    # objects rebuilt from the tables above (e.g. an editable field plan); never saved
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def resolution(self) -> int:
        return int(self.settings.get("resolution", 9))

    def table(self, name: str) -> pd.DataFrame | None:
        """An input or result table by name (``grid`` for the H3 layer)."""
        if name == "grid":
            return self.grid
        if name in self.inputs:
            return self.inputs[name]
        return self.results.get(name)

    def drop_results(self, names) -> None:
        for name in names:
            self.results.pop(name, None)
            self.cache.pop(name, None)


# --------------------------------------------------------------------------------------------
# saving


def _frame_to_blob(df: pd.DataFrame) -> tuple[bytes, bool]:
    import geopandas as gpd

    buf = io.BytesIO()
    is_geo = isinstance(df, gpd.GeoDataFrame)
    clean = df.copy()
    clean.attrs = {}  # attrs go to their own column as JSON
    if is_geo:
        clean.to_parquet(buf, index=True, compression="zstd")
    else:
        clean.to_parquet(buf, index=True, compression="zstd", engine="pyarrow")
    return buf.getvalue(), is_geo


def _blob_to_frame(blob: bytes, is_geo: bool) -> pd.DataFrame:
    buf = io.BytesIO(blob)
    if is_geo:
        import geopandas as gpd

        return gpd.read_parquet(buf)
    return pd.read_parquet(buf, engine="pyarrow")


def _json_default(value):
    # numpy scalars and paths turn up in params and reports
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (Path, _dt.date, _dt.datetime)):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in a project file")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, sort_keys=True)


def save_project(project: Project, path: str | os.PathLike) -> Path:
    """Write ``project`` to ``path`` atomically and return the path."""
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    tables: list[tuple[str, str, pd.DataFrame]] = [(n, "input", df) for n, df in project.inputs.items()]
    if project.grid is not None:
        tables.append(("grid", "grid", project.grid))
    tables += [(n, "result", df) for n, df in project.results.items()]

    try:
        with atomic_path(path) as tmp, contextlib.closing(sqlite3.connect(tmp)) as con:
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute(
                "CREATE TABLE tables (name TEXT PRIMARY KEY, role TEXT NOT NULL, geo INTEGER NOT NULL,"
                " attrs TEXT NOT NULL, data BLOB NOT NULL)"
            )
            meta = {
                "magic": _MAGIC,
                "format_version": FORMAT_VERSION,
                "app_version": __version__,
                "name": project.name,
                "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "settings": project.settings,
                "params": project.params,
                "reports": project.reports,
            }
            con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, _dumps(v)) for k, v in meta.items()])
            for name, role, df in tables:
                blob, is_geo = _frame_to_blob(df)
                con.execute(
                    "INSERT INTO tables VALUES (?, ?, ?, ?, ?)",
                    (name, role, int(is_geo), _dumps(dict(df.attrs)), sqlite3.Binary(blob)),
                )
            con.commit()
    except OSError as exc:
        raise ProjectFileError(f"{path}: could not save the project ({exc.strerror or exc}).") from exc
    log.info("saved project %s (%d tables)", path, len(tables))
    return path


# --------------------------------------------------------------------------------------------
# loading


def _read_meta(con: sqlite3.Connection, path: Path) -> dict[str, Any]:
    try:
        rows = con.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"{path}: not a StorePlan project file, or it is damaged ({exc}).") from exc
    meta = {k: json.loads(v) for k, v in rows}
    if meta.get("magic") != _MAGIC:
        raise ProjectFileError(f"{path}: not a StorePlan project file.")
    return meta


def _load_v1(con: sqlite3.Connection, meta: dict[str, Any]) -> Project:
    project = Project(
        name=meta.get("name", ""),
        settings=meta.get("settings", {}),
        params=meta.get("params", {}),
        reports=meta.get("reports", {}),
    )
    for name, role, geo, attrs, data in con.execute("SELECT name, role, geo, attrs, data FROM tables ORDER BY rowid"):
        df = _blob_to_frame(data, bool(geo))
        df.attrs = json.loads(attrs)
        if role == "grid":
            project.grid = df
        elif role == "input":
            project.inputs[name] = df
        else:
            project.results[name] = df
    return project


_LOADERS = {1: _load_v1}


def load_project(path: str | os.PathLike) -> Project:
    """Open a project file of any supported format version."""
    path = Path(path)
    if not path.is_file():
        raise ProjectFileError(f"{path}: no such project file.")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ProjectFileError(f"{path}: cannot open the project file ({exc}).") from exc
    with contextlib.closing(con):
        meta = _read_meta(con, path)
        version = meta.get("format_version")
        loader = _LOADERS.get(version)
        if loader is None:
            raise ProjectFileError(
                f"{path}: project format version {version} is newer than this StorePlan "
                f"({__version__}) understands; update StorePlan to open it."
            )
        try:
            project = loader(con, meta)
        except (sqlite3.DatabaseError, OSError, ValueError) as exc:
            raise ProjectFileError(f"{path}: the project file is damaged ({exc}).") from exc
    log.info("opened project %s (format %s)", path, version)
    return project

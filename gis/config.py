"""Run configuration: the TOML file behind ``storeplan run CONFIG.toml``.

```toml
[project]
name = "华东区 2027 规划"
resolution = 9

[inputs]
crs = "gcj02"                     # system of every input; <input>_crs overrides, e.g. districts_crs
outlets = "outlets.xlsx"          # required
outlets_sheet = "门店"            # optional: XLSX sheet (likewise <input>_layer for GeoPackages)
districts = "districts.geojson"
grid = ["population.parquet", "poi.csv"]
reps = "reps.csv"
travel_matrix = "matrix.csv"
sales_lines = "lines.parquet"

[columns.outlets]                 # our column = the file's header
outlet_id = "门店编号"

[grid]
intensive = ["consumption_index"] # averaged, not summed

[scoring]                         # one section per stage, read by that stage's parameters
```

Relative paths are relative to the config file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gis.coords import CRS_NAMES, normalise_crs
from gis.errors import ConfigError, CoordinateError

# config key -> intake kind
INPUT_KINDS = {
    "outlets": "outlets",
    "reps": "reps",
    "districts": "districts",
    "grid": "grid",
    "travel_matrix": "matrix",
    "sales_lines": "sales_lines",
    "candidates": "outlets",
}
STAGE_SECTIONS = ("insight", "scoring", "expansion", "siting", "strategy", "routing", "export")
_TOP_LEVEL = {"project", "inputs", "columns", "grid", *STAGE_SECTIONS}


@dataclass(frozen=True)
class InputSpec:
    """One input file and how to read it."""

    key: str
    kind: str
    path: Path
    crs: str = "wgs84"
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str | int | None = None
    layer: str | None = None


@dataclass(frozen=True)
class RunConfig:
    path: Path | None
    name: str
    resolution: int
    inputs: tuple[InputSpec, ...]
    intensive: tuple[str, ...] = ()
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def input(self, key: str) -> InputSpec | None:
        return next((spec for spec in self.inputs if spec.key == key), None)

    def grid_inputs(self) -> list[InputSpec]:
        return [spec for spec in self.inputs if spec.key == "grid"]


def _err(path, message: str) -> ConfigError:
    return ConfigError(f"{path}: {message}")


def load_config(path: str | Path) -> RunConfig:
    """Read and check a run configuration; every problem is a :class:`ConfigError` naming the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file.") from None
    except UnicodeDecodeError:
        raise _err(path, "not UTF-8 text; save the configuration as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise _err(path, f"not valid TOML ({exc}).") from None
    return parse_config(raw, base=path.parent, source=path)


def parse_config(raw: dict[str, Any], base: Path, source: Path | None = None) -> RunConfig:
    where = source or base
    unknown = set(raw) - _TOP_LEVEL
    if unknown:
        raise _err(where, f"unknown section(s) {sorted(unknown)}; known: {sorted(_TOP_LEVEL)}.")
    project = raw.get("project", {})
    inputs = raw.get("inputs")
    if not isinstance(inputs, dict) or "outlets" not in inputs:
        raise _err(where, "[inputs] must name at least the outlets file: outlets = \"outlets.csv\".")
    try:
        default_crs = normalise_crs(inputs.get("crs", "wgs84"))
    except CoordinateError as exc:
        raise _err(where, f"[inputs] crs: {exc}") from None
    resolution = project.get("resolution", 9)
    if not isinstance(resolution, int) or not 0 <= resolution <= 15:
        raise _err(where, f"[project] resolution must be a whole number 0…15, not {resolution!r}.")

    columns = raw.get("columns", {})
    specs: list[InputSpec] = []
    known_keys = set(INPUT_KINDS) | {"crs"}
    for key, value in inputs.items():
        if key in known_keys or key.endswith(("_crs", "_sheet", "_layer")):
            continue
        raise _err(where, f"[inputs] unknown key {key!r}; inputs are {sorted(INPUT_KINDS)}.")
    for key, kind in INPUT_KINDS.items():
        value = inputs.get(key)
        if value is None:
            continue
        paths = value if isinstance(value, list) else [value]
        if not all(isinstance(p, str) and p for p in paths):
            raise _err(where, f"[inputs] {key} must be a file path (or a list of paths for grid).")
        if key != "grid" and len(paths) != 1:
            raise _err(where, f"[inputs] {key} takes one file, not a list.")
        try:
            crs = normalise_crs(inputs.get(f"{key}_crs", default_crs))
        except CoordinateError as exc:
            raise _err(where, f"[inputs] {key}_crs: {exc}") from None
        mapping = columns.get(key, columns.get(kind, {}))
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise _err(where, f"[columns.{key}] must map our column names to the file's headers (text).")
        for p in paths:
            full = (base / p).resolve() if not Path(p).is_absolute() else Path(p)
            specs.append(InputSpec(key, kind, full, crs, dict(mapping),
                                   inputs.get(f"{key}_sheet"), inputs.get(f"{key}_layer")))
    grid = raw.get("grid", {})
    intensive = grid.get("intensive", [])
    if not isinstance(intensive, list):
        raise _err(where, "[grid] intensive must be a list of column names.")
    stages = {name: dict(raw.get(name, {})) for name in STAGE_SECTIONS if name in raw}
    return RunConfig(
        path=source,
        name=str(project.get("name", source.stem if source else "StorePlan")),
        resolution=resolution,
        inputs=tuple(specs),
        intensive=tuple(str(c) for c in intensive),
        stages=stages,
    )


__all__ = ["CRS_NAMES", "InputSpec", "RunConfig", "load_config", "parse_config", "INPUT_KINDS", "STAGE_SECTIONS"]

"""The sample city's files: one accessor for the demo, the tests and the screenshots.

>>> from gis import datasets
>>> datasets.get_path("outlets")          # …/sample_data/outlets.csv
>>> datasets.sample_config()              # …/sample_data/demo.toml, for ``storeplan run``

The files live in the repository's ``sample_data/`` folder next to ``gis/``, and inside the frozen
application in ``sample_data/`` under the bundle folder (``sys._MEIPASS``). ``sample_data/README.md``
describes every file and the hidden sales model behind the outlets' sales.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: dataset name -> file, relative to the sample folder
FILES: dict[str, str] = {
    "outlets": "outlets.csv",
    "reps": "reps.csv",
    "districts": "districts_gcj02.geojson",
    "census": "district_population_2020.csv",
    "grid_population": "grid_population.parquet",
    "grid_consumption": "grid_consumption.parquet",
    "grid_poi": "grid_poi.parquet",
    "grid_heat_points": "grid_heat_points.csv",
    "sales_lines": "sales_lines.parquet",
    "outlet_truth": "truth/outlet_truth.csv",
    "demo_config": "demo.toml",
    "sample_project": "sample.storeplan",
    "readme": "README.md",
}

#: datasets made from the others rather than kept in the repository -> the command that makes them
#: (the installer and ``make start`` run it; the bundle always holds the result)
DERIVED: dict[str, str] = {"sample_project": "python -m sample_data.analysed"}


def sample_dir() -> Path:
    """The folder holding the sample city (bundle folder when frozen, else the repository's)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "sample_data"
    return Path(__file__).resolve().parent.parent / "sample_data"


def names() -> list[str]:
    """Every dataset name :func:`get_path` knows, sorted."""
    return sorted(FILES)


def get_path(name: str) -> Path:
    """Path of one sample file by dataset name (e.g. ``"outlets"``) or file name (``"outlets.csv"``).

    Raises ``ValueError`` for an unknown name (listing the known ones) and ``FileNotFoundError``
    when the file is missing from the installation.
    """
    key = str(name)
    if key not in FILES:
        by_file = {file: k for k, file in FILES.items()} | {Path(f).name: k for k, f in FILES.items()}
        if key not in by_file:
            raise ValueError(f"unknown sample dataset {name!r}; known datasets: {', '.join(names())}.")
        key = by_file[key]
    path = sample_dir() / FILES[key]
    if not path.is_file():
        command = DERIVED.get(key, "python -m sample_data.generate")
        raise FileNotFoundError(
            f"sample dataset {key!r} is missing: {path} does not exist. In a source checkout, "
            f"make it with `{command}`; in the installed application, reinstall it."
        )
    return path


def sample_config() -> Path:
    """The demo run configuration (TOML) whose relative paths point at the sample files."""
    return get_path("demo_config")


__all__ = ["DERIVED", "FILES", "get_path", "names", "sample_config", "sample_dir"]

"""Run an aggregation with either engine and write the layer atomically."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from gis import gridlayer
from gis.aggregate import kernel, local
from gis.aggregate.partitions import check_columns, list_partitions
from gis.aggregate.spec import AggregationSpec, is_url, load_spec
from gis.errors import ConfigError
from gis.fileio import atomic_path
from gis.progress import Progress, SubProgress, check, ensure

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class AggregateStats:
    """What a run did: rows read and where they went, partitions, cells written, time taken."""

    engine: str
    partitions: int
    rows_read: int
    rows_aggregated: int
    rows_missing_coordinates: int
    rows_out_of_range: int
    rows_filtered_out: int
    rows_bad_timestamp: int
    cells: int
    seconds: float

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {self.engine!r}")
        if self.rows_read != (self.rows_aggregated + self.rows_missing_coordinates
                              + self.rows_out_of_range + self.rows_filtered_out):
            raise ValueError("rows read must equal rows aggregated plus the rows left out")

    @classmethod
    def of(cls, engine: str, partitions: int, rows: kernel.RowCounts, cells: int,
           seconds: float) -> "AggregateStats":
        return cls(engine=engine, partitions=partitions, rows_read=rows.read,
                   rows_aggregated=rows.aggregated, rows_missing_coordinates=rows.missing_coordinates,
                   rows_out_of_range=rows.out_of_range, rows_filtered_out=rows.filtered_out,
                   rows_bad_timestamp=rows.bad_timestamp, cells=cells, seconds=seconds)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else float("nan")

    def to_dict(self) -> dict:
        return asdict(self)

    def message(self) -> str:
        text = (f"{self.rows_aggregated:,} of {self.rows_read:,} rows from {self.partitions} "
                f"partition(s) aggregated to {self.cells:,} cells in {self.seconds:.1f} s ({self.engine})")
        left = []
        if self.rows_filtered_out:
            left.append(f"{self.rows_filtered_out:,} filtered out")
        if self.rows_missing_coordinates:
            left.append(f"{self.rows_missing_coordinates:,} without coordinates")
        if self.rows_out_of_range:
            left.append(f"{self.rows_out_of_range:,} with coordinates out of range")
        if left:
            text += "; left out: " + ", ".join(left)
        if self.rows_bad_timestamp:
            text += f"; {self.rows_bad_timestamp:,} rows without a readable timestamp"
        return text


def _check_output(out_path: Path, spec: AggregationSpec, partitions) -> None:
    target = os.path.realpath(out_path)
    for p in partitions:
        if not is_url(p.path) and os.path.realpath(p.path) == target:
            raise ConfigError(f"the output {out_path} is one of the inputs; write it elsewhere")


def _require_dask() -> None:
    """A plain ConfigError when the Dask engine cannot run in this installation."""
    missing = [name for name in ("dask", "distributed") if importlib.util.find_spec(name) is None]
    if not missing:
        return
    if getattr(sys, "frozen", False):
        raise ConfigError("the desktop application runs the local engine only: leave out --engine dask and "
                          "--scheduler, or run `storeplan aggregate` from a Python installation of StorePlan "
                          "with dask[distributed]")
    raise ConfigError(f"the Dask engine needs {' and '.join(missing)} (pip install 'dask[distributed]'); "
                      "leave out --engine dask to use the local engine")


def aggregate(spec: AggregationSpec | str | os.PathLike, out_path, engine: str = "local",
              scheduler: str | None = None, progress: Progress | None = None,
              n_workers: int = 2) -> tuple[pd.DataFrame, AggregateStats]:
    """Aggregate the pings ``spec`` describes (a spec or a TOML path) to an H3 layer file.

    ``engine`` "local" streams the partitions in this process; "dask" runs the same kernel on a
    local Dask cluster of ``n_workers`` processes, or on the scheduler at ``scheduler``. The layer
    (see :mod:`gis.gridlayer`) is written to ``out_path`` with :func:`gridlayer.write_layer`
    only once complete: a failed or cancelled run leaves no output (an existing file stays as
    it was). Returns ``(layer, stats)``.
    """
    if not isinstance(spec, AggregationSpec):
        spec = load_spec(spec)
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != "dask":
        raise ConfigError("a scheduler address needs the dask engine")
    if n_workers < 1:
        raise ConfigError("n_workers must be at least 1")
    out_path = Path(out_path)
    progress = ensure(progress)
    started = time.perf_counter()
    if engine == "local":
        partitions = list_partitions(spec.input)
        _check_output(out_path, spec, partitions)
        check_columns(partitions[0], spec.needed_columns(), spec.input)
        partial, n_parts = local.run(spec, SubProgress(progress, 0.0, 0.97), partitions)
        check(progress)
        progress.report(0.97, "finalising")
        layer, rows = kernel.finalise(partial, spec), partial.rows
    else:
        _require_dask()
        from gis.aggregate import dask_engine

        if not scheduler:
            _check_output(out_path, spec, list_partitions(spec.input))
        layer, rows, n_parts = dask_engine.run(spec, scheduler, SubProgress(progress, 0.0, 0.97), n_workers)
    check(progress)
    progress.report(0.98, f"writing {out_path.name}")
    with atomic_path(out_path) as tmp:
        gridlayer.write_layer(layer, tmp)
    stats = AggregateStats.of(engine, n_parts, rows, len(layer), time.perf_counter() - started)
    progress.report(1.0, stats.message())
    log.info("%s → %s: %s", spec.input.paths, out_path, stats.message())
    return layer, stats

"""H3 grid layers from location big data: points, pre-indexed H3 tables and polygon grids.

A layer is a ``pd.DataFrame`` indexed by int64 ``cell`` (sorted ascending) with one float64 column
per metric; ``attrs["resolution"]`` is its H3 resolution and ``attrs["intensive"]`` lists the
metrics that are averaged rather than summed.

- Extensive metrics (counts, population, sales…) are summed when cells are merged and split in
  equal parts when a cell is refined; totals are preserved by every function here.
- Intensive metrics (consumption level, an index, a price…) are averaged when cells are merged and
  copied when a cell is refined.
- Missing values (NaN) are missing: they add nothing to sums and are left out of means; a cell
  whose intensive metric has no value at all gets NaN.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from gis import coords, hexgrid
from gis.errors import ColumnMappingError, GridError, IntakeError
from gis.progress import Progress, check, ensure

log = logging.getLogger(__name__)

LAYER_METADATA_KEY = b"storeplan.layer"
LAYER_FORMAT_VERSION = 1
CELL_STRING_COLUMN = "h3"


# ---------------------------------------------------------------------------------------------
# the layer format


def make_layer(frame: pd.DataFrame, resolution: int, intensive: Iterable[str] = ()) -> pd.DataFrame:
    """A layer from a frame indexed by cell: index int64 named ``cell`` sorted, float64 columns."""
    resolution = hexgrid.validate_resolution(resolution)
    intensive = [str(c) for c in intensive]
    missing = [c for c in intensive if c not in frame.columns]
    if missing:
        raise GridError(f"intensive metrics {missing} are not columns of the layer "
                        f"(columns: {list(frame.columns)})")
    index = np.asarray(frame.index, dtype=np.int64)
    data = {str(c): np.asarray(frame[c], dtype=np.float64) for c in frame.columns}
    layer = pd.DataFrame(data, index=pd.Index(index, name="cell", dtype=np.int64))
    if not layer.index.is_monotonic_increasing:
        layer = layer.sort_index()
    if layer.index.has_duplicates:
        raise GridError("a layer cannot list the same cell twice")
    layer.attrs["resolution"] = resolution
    layer.attrs["intensive"] = [c for c in layer.columns if c in intensive]
    return layer


def empty_layer(columns: Iterable[str], resolution: int, intensive: Iterable[str] = ()) -> pd.DataFrame:
    frame = pd.DataFrame({c: np.zeros(0) for c in columns}, index=np.zeros(0, dtype=np.int64))
    return make_layer(frame, resolution, intensive)


def layer_resolution(layer: pd.DataFrame) -> int:
    try:
        return hexgrid.validate_resolution(layer.attrs["resolution"])
    except KeyError:
        raise GridError("the table is not a grid layer: attrs['resolution'] is missing") from None


def _intensive_of(layer: pd.DataFrame) -> list[str]:
    return [c for c in layer.attrs.get("intensive", []) if c in layer.columns]


def _check_intensive(intensive: Iterable[str], columns: Iterable[str]) -> list[str]:
    intensive = [str(c) for c in intensive]
    columns = [str(c) for c in columns]
    unknown = [c for c in intensive if c not in columns]
    if unknown:
        raise GridError(f"intensive metrics {unknown} are not among the metric columns {columns}")
    return intensive


# ---------------------------------------------------------------------------------------------
# points → cells


@dataclass(frozen=True)
class BinStats:
    """What happened to the rows of a point file (or arrays) while binning.

    ``rows_read`` = ``rows_binned`` + ``rows_missing_coordinates`` + ``rows_out_of_range``;
    ``missing_values`` counts, per metric, binned rows whose value was missing or not a number.
    """

    rows_read: int = 0
    rows_binned: int = 0
    rows_missing_coordinates: int = 0
    rows_out_of_range: int = 0
    missing_values: tuple[tuple[str, int], ...] = ()

    def __post_init__(self):
        if self.rows_read != self.rows_binned + self.rows_skipped:
            raise ValueError("rows_read must equal rows_binned plus the skipped rows")

    @property
    def rows_skipped(self) -> int:
        return self.rows_missing_coordinates + self.rows_out_of_range

    def to_dict(self) -> dict:
        out = asdict(self)
        out["missing_values"] = dict(self.missing_values)
        out["rows_skipped"] = self.rows_skipped
        return out

    def message(self) -> str:
        text = f"{self.rows_binned:,} of {self.rows_read:,} rows binned"
        reasons = []
        if self.rows_missing_coordinates:
            reasons.append(f"{self.rows_missing_coordinates:,} without coordinates")
        if self.rows_out_of_range:
            reasons.append(f"{self.rows_out_of_range:,} with coordinates out of range")
        return text + (f"; skipped {', '.join(reasons)}" if reasons else "")


class _PointAccumulator:
    """Running per-cell aggregates; memory grows with the number of distinct cells, not rows."""

    def __init__(self, columns: list[str], intensive: list[str], resolution: int, count_column: str | None):
        self.columns, self.intensive, self.resolution = columns, intensive, resolution
        self.count_column = count_column
        self.cells = np.zeros(0, dtype=np.int64)
        # per column: running sum; intensive columns also a running count of values
        self.sums = {c: np.zeros(0) for c in columns}
        self.valued = {c: np.zeros(0) for c in intensive}
        self.counts = np.zeros(0)
        self.rows_read = self.rows_binned = self.rows_missing = self.rows_range = 0
        self.missing_values = {c: 0 for c in columns}

    def add(self, lat, lon, weights: Mapping[str, np.ndarray], crs: str = "wgs84") -> None:
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        n = len(lat)
        self.rows_read += n
        finite = np.isfinite(lat) & np.isfinite(lon)
        self.rows_missing += int(n - finite.sum())
        if crs != "wgs84" and finite.any():
            lon_w, lat_w = coords.to_wgs84(lon[finite], lat[finite], crs)
            lon, lat = lon.copy(), lat.copy()
            lon[finite], lat[finite] = lon_w, lat_w
        ok = finite & hexgrid.valid_latlon(lat, lon)
        self.rows_range += int(finite.sum() - ok.sum())
        if not ok.all():
            lat, lon = lat[ok], lon[ok]
            weights = {c: np.asarray(v)[ok] for c, v in weights.items()}
        if len(lat) == 0:
            return
        self.rows_binned += len(lat)
        codes, group_cells = hexgrid.latlon_to_cell_groups(lat, lon, self.resolution)
        # groups → distinct cells (a cell can appear in several groups)
        cells, group_to_cell = np.unique(group_cells, return_inverse=True)
        point_cell = group_to_cell[codes]
        m = len(cells)
        parts = {"__count": np.bincount(point_cell, minlength=m).astype(float)}
        for c in self.columns:
            values = np.asarray(weights[c], dtype=float)
            has = np.isfinite(values)
            self.missing_values[c] += int(len(values) - has.sum())
            parts[c] = np.bincount(point_cell, weights=np.where(has, values, 0.0), minlength=m)
            if c in self.valued:
                parts["__n_" + c] = np.bincount(point_cell, weights=has.astype(float), minlength=m)
        self._merge(cells, parts)

    def _merge(self, cells: np.ndarray, parts: dict[str, np.ndarray]) -> None:
        if len(self.cells) == 0:
            merged, inverse = cells, None
        else:
            merged, inverse = np.unique(np.concatenate([self.cells, cells]), return_inverse=True)
        def combine(old: np.ndarray, new: np.ndarray) -> np.ndarray:
            if inverse is None:
                return new
            return np.bincount(inverse, weights=np.concatenate([old, new]), minlength=len(merged))
        self.counts = combine(self.counts, parts["__count"])
        for c in self.columns:
            self.sums[c] = combine(self.sums[c], parts[c])
        for c in self.valued:
            self.valued[c] = combine(self.valued[c], parts["__n_" + c])
        self.cells = merged

    def stats(self) -> BinStats:
        return BinStats(rows_read=self.rows_read, rows_binned=self.rows_binned,
                        rows_missing_coordinates=self.rows_missing, rows_out_of_range=self.rows_range,
                        missing_values=tuple((c, n) for c, n in self.missing_values.items()))

    def layer(self) -> pd.DataFrame:
        data = {}
        if self.count_column is not None:
            data[self.count_column] = self.counts
        for c in self.columns:
            if c in self.valued:
                with np.errstate(invalid="ignore", divide="ignore"):
                    data[c] = np.where(self.valued[c] > 0, self.sums[c] / self.valued[c], np.nan)
            else:
                data[c] = self.sums[c]
        frame = pd.DataFrame(data, index=self.cells)
        if frame.columns.empty:
            frame = pd.DataFrame(index=self.cells)
        return make_layer(frame, self.resolution, self.intensive)


def _weights_dict(weights, n: int) -> dict[str, np.ndarray]:
    if weights is None:
        return {}
    if isinstance(weights, pd.DataFrame):
        items = {str(c): weights[c].to_numpy() for c in weights.columns}
    else:
        items = {str(c): np.asarray(v) for c, v in dict(weights).items()}
    out = {}
    for c, v in items.items():
        if len(v) != n:
            raise GridError(f"metric {c!r} has {len(v)} values for {n} points")
        try:
            out[c] = pd.to_numeric(pd.Series(v), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise GridError(f"metric {c!r} is not numeric") from None
    return out


def bin_points(lat, lon, weights=None, resolution: int = hexgrid.DEFAULT_RESOLUTION,
               intensive: Iterable[str] = (), count_column: str | None = "count",
               crs: str = "wgs84") -> pd.DataFrame:
    """Aggregate points to H3 cells.

    ``weights`` (dict of arrays or a DataFrame aligned to the points) holds the metrics. Extensive
    metrics are summed per cell; an intensive metric becomes the mean of its values over the
    points of the cell (each point weighs the same, i.e. weighted by the count of points).
    ``count_column`` (None to leave it out) counts the points per cell. Raises
    :class:`GridError` if any point has missing or out-of-range coordinates (use
    :func:`bin_points_file` to skip and count such rows instead).
    """
    resolution = hexgrid.validate_resolution(resolution)
    lat = np.asarray(lat, dtype=float).reshape(-1)
    lon = np.asarray(lon, dtype=float).reshape(-1)
    if lat.shape != lon.shape:
        raise GridError(f"lat and lon differ in length ({len(lat)} and {len(lon)})")
    crs = coords.normalise_crs(crs)
    w = _weights_dict(weights, len(lat))
    if count_column is not None and count_column in w:
        raise GridError(f"metric {count_column!r} clashes with the count column; rename one")
    intensive = _check_intensive(intensive, w)
    acc = _PointAccumulator(list(w), intensive, resolution, count_column)
    acc.add(lat, lon, w, crs)
    stats = acc.stats()
    if stats.rows_skipped:
        raise GridError(f"{stats.rows_skipped} points have missing or out-of-range coordinates")
    return acc.layer()


def _sniff_delimiter(path: Path, encoding: str | None) -> str:
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as fh:
        head = fh.read(65536)
    text = head.decode(encoding or "utf-8", errors="replace")
    try:
        return csv.Sniffer().sniff(text, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _csv_batches(path: Path, columns: list[str], encoding, delimiter, chunk_rows: int,
                 typed: bool) -> Iterator[tuple[dict[str, np.ndarray], float]]:
    """Yield (column arrays, fraction of the file read) of about ``chunk_rows`` rows each."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    size = max(os.path.getsize(path), 1)
    raw = pa.OSFile(str(path), "rb")
    stream = pa.CompressedInputStream(raw, "gzip") if path.suffix.lower() == ".gz" else raw
    read = pcsv.ReadOptions(block_size=1 << 22, encoding=encoding or "utf8")
    parse = pcsv.ParseOptions(delimiter=delimiter)
    types = {c: (pa.float64() if typed else pa.string()) for c in columns}
    convert = pcsv.ConvertOptions(include_columns=columns, column_types=types,
                                  strings_can_be_null=True,
                                  null_values=["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "-"])
    try:
        reader = pcsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
        pending, pending_rows = [], 0
        for batch in reader:
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows >= chunk_rows:
                yield _batch_arrays(pending, columns, typed), raw.tell() / size
                pending, pending_rows = [], 0
        if pending:
            yield _batch_arrays(pending, columns, typed), 1.0
    finally:
        raw.close()


def _batch_arrays(batches, columns: list[str], typed: bool) -> dict[str, np.ndarray]:
    import pyarrow as pa

    table = pa.Table.from_batches(batches)
    out = {}
    for c in columns:
        col = table.column(c)
        if typed or pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
            out[c] = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
        else:
            out[c] = pd.to_numeric(col.to_pandas(), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return out


def _parquet_batches(path: Path, columns: list[str], chunk_rows: int):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(str(path))
    total = max(pf.metadata.num_rows, 1)
    done = 0
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=columns):
        done += batch.num_rows
        yield _batch_arrays([batch], columns, typed=False), done / total


def bin_points_file(path, lat_col: str, lon_col: str, weight_cols: Iterable[str] = (),
                    resolution: int = hexgrid.DEFAULT_RESOLUTION, crs: str = "wgs84",
                    intensive: Iterable[str] = (), chunk_rows: int = 1_000_000,
                    encoding: str | None = None, delimiter: str | None = None,
                    count_column: str | None = "count",
                    progress: Progress | None = None) -> tuple[pd.DataFrame, BinStats]:
    """Aggregate a point file (CSV, CSV.GZ or Parquet) to H3 cells without loading it whole.

    The file is read in chunks of about ``chunk_rows`` rows; per chunk the coordinates are
    converted from ``crs`` to WGS-84 and the points binned, and the per-cell partial aggregates
    are merged into running arrays, so memory is bounded by the number of distinct cells. Rows
    with missing, non-numeric or out-of-range coordinates are skipped and counted.
    Metrics follow :func:`bin_points`. Returns ``(layer, stats)``.
    """
    path = Path(path)
    if not path.is_file():
        raise IntakeError(path, "file not found")
    resolution = hexgrid.validate_resolution(resolution)
    crs = coords.normalise_crs(crs)
    weight_cols = [str(c) for c in weight_cols]
    intensive = _check_intensive(intensive, weight_cols)
    if count_column is not None and count_column in weight_cols:
        raise GridError(f"metric {count_column!r} clashes with the count column; rename one")
    if chunk_rows < 1:
        raise GridError("chunk_rows must be at least 1")
    columns = list(dict.fromkeys([lat_col, lon_col, *weight_cols]))
    progress = ensure(progress)
    name = path.name.lower()
    is_parquet = name.endswith((".parquet", ".pq", ".geoparquet"))

    _check_columns(path, columns, is_parquet, encoding, delimiter)
    if not is_parquet and delimiter is None:
        delimiter = _sniff_delimiter(path, encoding)

    def run(typed: bool):
        acc = _PointAccumulator(weight_cols, intensive, resolution, count_column)
        if is_parquet:
            batches = _parquet_batches(path, columns, chunk_rows)
        else:
            batches = _csv_batches(path, columns, encoding, delimiter, chunk_rows, typed)
        for arrays, fraction in batches:
            check(progress)
            acc.add(arrays[lat_col], arrays[lon_col], {c: arrays[c] for c in weight_cols}, crs)
            progress.report(min(fraction, 1.0), f"{acc.rows_read:,} rows binned")
        return acc

    import pyarrow as pa

    try:
        try:
            acc = run(typed=True)
        except pa.ArrowInvalid as exc:
            if is_parquet or "conversion error" not in str(exc).lower() and "could not convert" not in str(exc).lower():
                raise
            log.info("%s: non-numeric values in %s; reading them as text", path, columns)
            acc = run(typed=False)
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError, UnicodeDecodeError) as exc:
        raise IntakeError(path, f"cannot be read as {'Parquet' if is_parquet else 'CSV'}: {exc}") from exc
    progress.report(1.0, "binned")
    stats = acc.stats()
    log.info("%s: %s", path, stats.message())
    return acc.layer(), stats


def _check_columns(path: Path, columns: list[str], is_parquet: bool, encoding, delimiter) -> None:
    import pyarrow as pa

    try:
        if is_parquet:
            import pyarrow.parquet as pq

            present = list(pq.ParquetFile(str(path)).schema_arrow.names)
        else:
            import pyarrow.csv as pcsv

            delim = delimiter or _sniff_delimiter(path, encoding)
            raw = pa.OSFile(str(path), "rb")
            stream = pa.CompressedInputStream(raw, "gzip") if path.suffix.lower() == ".gz" else raw
            try:
                reader = pcsv.open_csv(stream, read_options=pcsv.ReadOptions(block_size=1 << 16,
                                                                             encoding=encoding or "utf8"),
                                       parse_options=pcsv.ParseOptions(delimiter=delim))
                present = list(reader.schema.names)
            finally:
                raw.close()
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise IntakeError(path, f"cannot be read: {exc}") from exc
    missing = [c for c in columns if c not in present]
    if missing:
        raise ColumnMappingError(path, f"columns {missing} not found; the file has {present}")


# ---------------------------------------------------------------------------------------------
# pre-indexed H3 tables


def _weighted_combine(target: np.ndarray, contributions: dict[str, np.ndarray], weights: np.ndarray,
                      columns: list[str], intensive: list[str], resolution: int) -> pd.DataFrame:
    """Sum extensive and weight-average intensive contributions that share a target cell."""
    cells, inverse = np.unique(target, return_inverse=True)
    m = len(cells)
    data = {}
    for c in columns:
        values = contributions[c]
        has = np.isfinite(values)
        if c in intensive:
            w = np.where(has, weights, 0.0)
            num = np.bincount(inverse, weights=np.where(has, values * weights, 0.0), minlength=m)
            den = np.bincount(inverse, weights=w, minlength=m)
            with np.errstate(invalid="ignore", divide="ignore"):
                data[c] = np.where(den > 0, num / den, np.nan)
        else:
            data[c] = np.bincount(inverse, weights=np.where(has, values, 0.0), minlength=m)
    return make_layer(pd.DataFrame(data, index=cells), resolution, intensive)


def _numeric_frame(values: pd.DataFrame, what: str) -> pd.DataFrame:
    out = {}
    for c in values.columns:
        col = values[c]
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            raise GridError(f"{what}: metric {c!r} is not numeric")
        out[str(c)] = col.to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame(out)


def from_h3_table(cells, values: pd.DataFrame, resolution: int = hexgrid.DEFAULT_RESOLUTION,
                  intensive: Iterable[str] = (), weight_column: str | None = None) -> pd.DataFrame:
    """A layer at ``resolution`` from a table of H3 cells at any (even mixed) resolutions.

    Coarser cells are spread over their children: extensive values split equally among the
    children, intensive values copied. Finer cells are gathered to their parent: extensive values
    summed, intensive values averaged, weighted by ``weight_column`` if given (e.g. population),
    else plain means. Several rows landing on one cell combine the same way (a copied coarse
    value weighs as one row, or by its weight share).
    """
    resolution = hexgrid.validate_resolution(resolution)
    cells = hexgrid.require_valid_cells(hexgrid.as_cells(cells))
    values = _numeric_frame(values.reset_index(drop=True), "H3 table")
    if len(values) != len(cells):
        raise GridError(f"{len(cells)} cells but {len(values)} rows of values")
    columns = list(values.columns)
    intensive = _check_intensive(intensive, columns)
    if weight_column is not None and weight_column not in columns:
        raise GridError(f"weight column {weight_column!r} is not among the metrics {columns}")
    weights = (np.nan_to_num(values[weight_column].to_numpy(), nan=0.0) if weight_column
               else np.ones(len(cells)))
    res_of = hexgrid.cell_resolution(cells)
    targets, parts, part_weights = [], {c: [] for c in columns}, []
    for res in np.unique(res_of).tolist():
        rows = np.flatnonzero(res_of == res)
        if res > resolution:
            targets.append(hexgrid.cells_to_parent(cells[rows], resolution))
            for c in columns:
                parts[c].append(values[c].to_numpy()[rows])
            part_weights.append(weights[rows])
        elif res < resolution:
            parent_pos, children = hexgrid.cells_to_children(cells[rows], resolution)
            n_children = np.bincount(parent_pos, minlength=len(rows))[parent_pos].astype(float)
            targets.append(children)
            for c in columns:
                v = values[c].to_numpy()[rows][parent_pos]
                parts[c].append(v if c in intensive else v / n_children)
            part_weights.append(weights[rows][parent_pos] / n_children)
        else:
            targets.append(cells[rows])
            for c in columns:
                parts[c].append(values[c].to_numpy()[rows])
            part_weights.append(weights[rows])
    if not targets:
        return empty_layer(columns, resolution, intensive)
    return _weighted_combine(np.concatenate(targets), {c: np.concatenate(p) for c, p in parts.items()},
                             np.concatenate(part_weights), columns, intensive, resolution)


# ---------------------------------------------------------------------------------------------
# polygon grids and zones


def from_polygons(geometries, values: pd.DataFrame, resolution: int = hexgrid.DEFAULT_RESOLUTION,
                  intensive: Iterable[str] = (), progress: Progress | None = None) -> pd.DataFrame:
    """Area-weighted re-aggregation of polygons (a provider's square grid, zones) to hexagons.

    Each source polygon's extensive values are split over the hexagons it overlaps in proportion
    to the area of each intersection (the shares of one polygon add up to 1, so totals are
    preserved exactly). An intensive metric becomes the area-weighted mean of the source values
    over the part of the hexagon that the sources cover.

    Accuracy: areas are taken in longitude/latitude degrees. Shares are ratios of areas within one
    source polygon (and weights are compared within one hexagon), so the cos(latitude) scale of a
    local equal-area projection cancels; what remains is its variation across one polygon, a
    relative error of about Δlat·tan(lat) (≈ 1e-4 for a 1 km polygon at 31°N).
    """
    import shapely

    resolution = hexgrid.validate_resolution(resolution)
    crs = getattr(geometries, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        geometries = geometries.to_crs(4326)
    geoms = np.array(list(getattr(geometries, "values", geometries)), dtype=object)
    values = _numeric_frame(values.reset_index(drop=True), "polygon grid")
    if len(values) != len(geoms):
        raise GridError(f"{len(geoms)} polygons but {len(values)} rows of values")
    columns = list(values.columns)
    intensive = _check_intensive(intensive, columns)
    progress = ensure(progress)
    # candidate hexagons per polygon
    poly_idx, cand = [], []
    for i, geom in enumerate(geoms):
        if i % 500 == 0:
            check(progress)
            progress.report(0.5 * i / max(len(geoms), 1), "finding hexagons")
        if geom is None or shapely.is_empty(geom):
            continue
        found = hexgrid.polygon_to_cells(geom, resolution, contain="overlap")
        if len(found) == 0:  # degenerate or tiny: the cell of a point on it
            p = shapely.point_on_surface(geom)
            found = hexgrid.latlon_to_cells([p.y], [p.x], resolution)
        poly_idx.append(np.full(len(found), i))
        cand.append(found)
    if not cand:
        return empty_layer(columns, resolution, intensive)
    poly_idx = np.concatenate(poly_idx)
    cand = np.concatenate(cand)
    hex_cells, hex_pos = np.unique(cand, return_inverse=True)
    hexes = hexgrid.cells_to_polygons(hex_cells)
    check(progress)
    progress.report(0.6, "intersecting")
    area = shapely.area(shapely.intersection(geoms[poly_idx], hexes[hex_pos], grid_size=None))
    area = np.nan_to_num(area, nan=0.0)
    per_poly = np.bincount(poly_idx, weights=area, minlength=len(geoms))
    # a polygon with no area (a sliver or a point) goes whole to its first candidate hexagon
    degenerate = per_poly[poly_idx] <= 0
    if degenerate.any():
        first = np.r_[True, poly_idx[1:] != poly_idx[:-1]]
        area = np.where(degenerate, first.astype(float), area)
        per_poly = np.bincount(poly_idx, weights=area, minlength=len(geoms))
    keep = area > 0
    poly_idx, hex_pos, area = poly_idx[keep], hex_pos[keep], area[keep]
    share = area / per_poly[poly_idx]
    contributions = {}
    for c in columns:
        v = values[c].to_numpy()[poly_idx]
        contributions[c] = v if c in intensive else v * share
    progress.report(1.0, "re-aggregated")
    return _weighted_combine(hex_cells[hex_pos], contributions, area, columns, intensive, resolution)


# ---------------------------------------------------------------------------------------------
# combining, files, and the intake adapter


def merge_layers(layers: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Outer join of layers on cell. They must share a resolution and have distinct columns.

    Where a layer has no row for a cell, its extensive metrics become 0 and intensive ones NaN.
    """
    layers = list(layers)
    if not layers:
        raise GridError("no layers to merge")
    resolutions = {layer_resolution(layer) for layer in layers}
    if len(resolutions) > 1:
        raise GridError(f"cannot merge layers of different H3 resolutions {sorted(resolutions)}; "
                        "re-grid them to one resolution first")
    seen: set[str] = set()
    for layer in layers:
        clash = seen & set(layer.columns)
        if clash:
            raise GridError(f"metrics {sorted(clash)} appear in more than one layer; rename them")
        seen |= set(layer.columns)
    cells = np.unique(np.concatenate([np.asarray(l.index, dtype=np.int64) for l in layers]))
    data, intensive = {}, []
    for layer in layers:
        aligned = layer.reindex(pd.Index(cells, name="cell"))
        layer_intensive = _intensive_of(layer)
        intensive += layer_intensive
        present = np.isin(cells, layer.index.to_numpy())
        for c in layer.columns:
            col = aligned[c].to_numpy(dtype=float)
            data[c] = col if c in layer_intensive else np.where(present, col, 0.0)
    return make_layer(pd.DataFrame(data, index=cells), resolutions.pop(), intensive)


def layer_to_frame(layer: pd.DataFrame) -> pd.DataFrame:
    """The layer as a plain table for files: an ``h3`` string column then the metrics."""
    frame = pd.DataFrame({CELL_STRING_COLUMN: hexgrid.cells_to_str(layer.index.to_numpy())})
    for c in layer.columns:
        frame[c] = layer[c].to_numpy()
    return frame


def write_layer(layer: pd.DataFrame, path) -> Path:
    """Write a layer as Parquet: ``h3`` string column + metrics; resolution and intensive metrics
    in the file metadata, so :func:`read_layer` restores them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    meta = {"format_version": LAYER_FORMAT_VERSION, "resolution": layer_resolution(layer),
            "intensive": _intensive_of(layer)}
    frame = layer_to_frame(layer)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           LAYER_METADATA_KEY: json.dumps(meta).encode()})
    try:
        pq.write_table(table, str(path))
    except OSError as exc:
        raise IntakeError(path, f"cannot write the layer: {exc}") from exc
    return path


def read_layer(path, resolution: int | None = None) -> pd.DataFrame:
    """Read a layer written by :func:`write_layer`, or any Parquet table with an ``h3`` (string)
    or ``cell`` (integer) column. Without StorePlan metadata the cells must share one resolution
    (or pass ``resolution``) and every metric is taken as extensive."""
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(str(path))
    except OSError as exc:
        raise IntakeError(path, f"cannot be read as Parquet: {exc}") from exc
    meta = json.loads((table.schema.metadata or {}).get(LAYER_METADATA_KEY, b"{}"))
    if meta.get("format_version", LAYER_FORMAT_VERSION) > LAYER_FORMAT_VERSION:
        raise IntakeError(path, "written by a newer StorePlan; update the application")
    frame = table.to_pandas()
    if CELL_STRING_COLUMN in frame.columns:
        cells = hexgrid.str_to_cells(frame.pop(CELL_STRING_COLUMN).to_numpy())
    elif "cell" in frame.columns:
        cells = hexgrid.str_to_cells(frame.pop("cell").to_numpy())
    else:
        raise ColumnMappingError(path, f"no '{CELL_STRING_COLUMN}' or 'cell' column")
    res = meta.get("resolution", resolution)
    if res is None:
        found = np.unique(hexgrid.cell_resolution(cells))
        if len(found) > 1:
            raise IntakeError(path, f"cells of several resolutions {found.tolist()}; choose one")
        res = int(found[0]) if len(found) else hexgrid.DEFAULT_RESOLUTION
    frame.index = cells
    return make_layer(_numeric_frame(frame, str(path)).set_axis(cells), res, meta.get("intensive", []))


SHAPES = ("points", "h3", "polygons")


def build_layer(table: pd.DataFrame, shape: str, resolution: int = hexgrid.DEFAULT_RESOLUTION,
                intensive: Iterable[str] = (), weight_column: str | None = None,
                progress: Progress | None = None) -> pd.DataFrame:
    """Layer from the intake's validated grid table, by ``shape``:

    - "points": columns ``lat``, ``lon`` + metrics → :func:`bin_points` (with a ``count`` column
      unless a metric is already called so);
    - "h3": column ``cell`` (int64) + metrics → :func:`from_h3_table`;
    - "polygons": a GeoDataFrame with ``geometry`` (WGS-84) + metrics → :func:`from_polygons`.

    Numeric columns are metrics, extensive unless named in ``intensive``; other columns are
    ignored.
    """
    if shape not in SHAPES:
        raise GridError(f"unknown grid table shape {shape!r}: use one of {', '.join(SHAPES)}")
    key_columns = {"points": ["lat", "lon"], "h3": ["cell"], "polygons": ["geometry"]}[shape]
    missing = [c for c in key_columns if c not in table.columns]
    if missing:
        raise GridError(f"the {shape} table lacks the columns {missing}")
    metric_cols = [c for c in table.columns if c not in key_columns
                   and pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]
    ignored = [c for c in table.columns if c not in key_columns and c not in metric_cols]
    if ignored:
        log.debug("grid table: ignoring non-numeric columns %s", ignored)
    metrics = table[metric_cols]
    if shape == "points":
        count_column = None if "count" in metric_cols else "count"
        return bin_points(table["lat"].to_numpy(), table["lon"].to_numpy(), metrics, resolution,
                          intensive=intensive, count_column=count_column)
    if shape == "h3":
        return from_h3_table(table["cell"].to_numpy(), metrics, resolution, intensive, weight_column)
    return from_polygons(table["geometry"], metrics, resolution, intensive, progress=progress)

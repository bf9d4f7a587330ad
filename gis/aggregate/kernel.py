"""The partition kernel both engines run: rows → partial aggregates per cell → combined → layer.

- :func:`partial_from_frame` turns one chunk of rows (a ``pyarrow.Table`` or ``pandas.DataFrame``)
  into a :class:`Partial`: per cell and per group of measures (all rows, then each profile) the
  row count, the sums of the ``sum`` columns, and the sums and value counts of the ``mean``
  columns; for distinct ids, the distinct (cell, id) pairs.
- :func:`combine` adds partials (sums and counts add, pair sets are united) and
  :func:`finalise` makes the layer (means = sum / count, distinct ids = pairs per cell).
- :func:`partition_partial` reads one partition chunk by chunk and reduces its chunk partials.
- :class:`TreeReducer` fixes the shape of every reduction (groups of :data:`FAN_IN` in input
  order). Floating-point addition is not associative, so both engines reduce in this same shape
  and give bit-identical sums, whatever order the Dask workers finish in.

Distinct ids and memory. An exact distinct count per cell needs every distinct (cell, id) pair
until the end: 16 bytes per pair and per group of measures (all rows plus each profile), held
by the final combine step (one process), plus about as much again while two sets are united.
A month of pings at resolution 9 has roughly as many pairs as devices × cells each device visits:
10⁷ devices × 20 cells is 2·10⁸ pairs, 3.2 GB per group. Ids are keyed by a 64-bit hash of their
text (integers by their decimal text), so the same id in a Parquet and a CSV partition matches.
Two different ids in one cell are counted once only if their hashes collide: with k distinct ids
in a cell the chance is about k² / 2⁶⁵ (3·10⁻⁸ for a million ids in one cell).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from gis import coords, gridlayer, hexgrid
from gis.aggregate.partitions import Partition, read_chunks
from gis.aggregate.spec import AggregationSpec, ColumnSpec, TimeWindow, ValueFilter
from gis.errors import Cancelled, IntakeError, StorePlanError
from gis.progress import Progress, check, ensure

log = logging.getLogger(__name__)

FAN_IN = 8
NS_PER_DAY = 86_400 * 10**9
_UNIT_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
_EPOCH = dt.date(1970, 1, 1)
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})\s*$", re.IGNORECASE)
_NUMBER = r"^\s*[-+]?\d+(\.\d*)?\s*$"


# ---------------------------------------------------------------------------------------------
# partial aggregates


@dataclass(frozen=True)
class RowCounts:
    """What happened to the rows: read = aggregated + missing/out-of-range coordinates + filtered out.

    ``bad_timestamp`` counts rows whose timestamp is missing or unreadable (they fail every time
    filter and profile, and still count in the all-rows measures when no time filter is set).
    """

    read: int = 0
    aggregated: int = 0
    missing_coordinates: int = 0
    out_of_range: int = 0
    filtered_out: int = 0
    bad_timestamp: int = 0

    def __post_init__(self):
        if self.read != self.aggregated + self.missing_coordinates + self.out_of_range + self.filtered_out:
            raise ValueError("rows read must equal rows aggregated plus the rows left out")

    def __add__(self, other: "RowCounts") -> "RowCounts":
        return RowCounts(**{k: getattr(self, k) + getattr(other, k) for k in asdict(self)})

    def to_dict(self) -> dict:
        return asdict(self)


def stat_names(spec: AggregationSpec) -> list[str]:
    """The columns of :attr:`Partial.stats`, per group of measures (suffix "" then each profile)."""
    names = []
    for s in spec.suffixes:
        names.append(f"rows{s}")
        names += [f"sum:{c}{s}" for c in spec.measures.sum]
        for c in spec.measures.mean:
            names += [f"vsum:{c}{s}", f"vn:{c}{s}"]
    return names


@dataclass(frozen=True, eq=False)
class Partial:
    """Partial aggregates of some rows.

    ``cells`` (int64, sorted, distinct) are the cells with at least one aggregated row;
    ``stats[i, j]`` is statistic ``stat_names(spec)[j]`` of ``cells[i]``. With distinct ids,
    ``pair_cells[g]`` (positions in ``cells``) and ``pair_ids[g]`` (64-bit id keys) list the
    distinct (cell, id) pairs of group ``g``.
    """

    cells: np.ndarray
    stats: np.ndarray
    pair_cells: tuple[np.ndarray, ...]
    pair_ids: tuple[np.ndarray, ...]
    rows: RowCounts

    @classmethod
    def empty(cls, spec: AggregationSpec, rows: RowCounts | None = None) -> "Partial":
        n_groups = len(spec.suffixes) if spec.measures.distinct_ids else 0
        z = np.zeros(0, dtype=np.int64)
        return cls(cells=z, stats=np.zeros((0, len(stat_names(spec)))),
                   pair_cells=(z,) * n_groups, pair_ids=(z,) * n_groups, rows=rows or RowCounts())

    @property
    def n_pairs(self) -> int:
        return int(sum(len(p) for p in self.pair_cells))

    @property
    def nbytes(self) -> int:
        return int(self.cells.nbytes + self.stats.nbytes
                   + sum(a.nbytes for a in (*self.pair_cells, *self.pair_ids)))


# ---------------------------------------------------------------------------------------------
# column conversions (pyarrow columns → numpy)


def _floats(col) -> np.ndarray:
    """A numeric or text column as float64, NaN where missing or not a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_dictionary(t):
        col, t = col.cast(t.value_type), t.value_type
    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t):
        return col.cast(pa.float64()).fill_null(np.nan).to_numpy()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        try:
            return pc.cast(col, pa.float64()).fill_null(np.nan).to_numpy()
        except pa.ArrowInvalid:  # a few non-numbers ("-", "1,200", " 3"): value by value
            text = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object)
            return pd.to_numeric(text.str.strip(), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if pa.types.is_null(t):
        return np.full(len(col), np.nan)
    raise StorePlanError(f"a column of type {t} where numbers were expected")


def _id_codes(col) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, −1 where the id is missing; 64-bit key per code) for an id column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    t = col.type
    if pa.types.is_dictionary(t):
        col, t = col.cast(t.value_type), t.value_type
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        col = pc.cast(col, pa.string())
    enc = pc.dictionary_encode(col)
    codes = enc.indices.cast(pa.int64()).fill_null(-1).to_numpy()
    words = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    keys = pd.util.hash_array(words, categorize=False).view(np.int64) if len(words) else np.zeros(0, np.int64)
    return codes, keys


def _valid(col) -> np.ndarray:
    """Where an arrow array (or chunked array) has a value."""
    import pyarrow.compute as pc

    return np.asarray(pc.is_valid(col).to_numpy(zero_copy_only=False), dtype=bool)


def _epoch_ns(values: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Numbers since 1970-01-01 UTC in ``unit`` → (int64 ns, valid)."""
    values = np.asarray(values, dtype=float)
    scale = _UNIT_NS[unit]
    with np.errstate(invalid="ignore", over="ignore"):
        ns = values * scale
        valid = np.isfinite(ns) & (np.abs(ns) < 9.2e18)
    out = np.zeros(len(values), dtype=np.int64)
    out[valid] = np.rint(ns[valid]).astype(np.int64)
    return out, valid


def _to_local(utc_ns: np.ndarray, valid: np.ndarray, timezone: str) -> np.ndarray:
    """UTC nanoseconds → local wall-clock nanoseconds (daylight saving handled by pandas)."""
    out = np.zeros(len(utc_ns), dtype=np.int64)
    if valid.any():
        idx = pd.DatetimeIndex(utc_ns[valid].view("datetime64[ns]")).tz_localize("UTC")
        out[valid] = idx.tz_convert(timezone).tz_localize(None).asi8
    return out


def _text_timestamps(col, columns: ColumnSpec) -> tuple[np.ndarray, np.ndarray]:
    """Text timestamps → (local ns, valid). Text without a zone is local time already."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fmt = columns.timestamp_format
    if fmt is not None:
        ts = pc.strptime(col, format=fmt, unit="ns", error_is_null=True)
        return _arrow_timestamps(ts, columns)
    non_null = pc.drop_null(col)
    if len(non_null) and pc.all(pc.match_substring_regex(non_null, _NUMBER)).as_py():
        return _numeric_timestamps(col, columns)
    for target in (pa.timestamp("ns"), pa.timestamp("ns", tz="UTC")):
        try:
            return _arrow_timestamps(pc.cast(col, target), columns)
        except pa.ArrowInvalid:
            pass
    # mixed or unusual text: value by value; with and without a zone separately
    text = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object)
    n = len(text)
    local = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    zoned = text.str.contains(_OFFSET, na=False).to_numpy(dtype=bool)
    for mask, utc in ((~zoned, False), (zoned, True)):
        if not mask.any():
            continue
        parsed = pd.to_datetime(text[mask], format="ISO8601", errors="coerce", utc=utc)
        ok = parsed.notna().to_numpy(dtype=bool)
        ns = parsed.to_numpy(dtype="datetime64[ns]").view(np.int64) if not utc else \
            parsed.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
        if utc:
            ns = _to_local(ns, ok, columns.timezone)
        pos = np.flatnonzero(mask)
        local[pos[ok]] = ns[ok]
        valid[pos[ok]] = True
    return local, valid


def _numeric_timestamps(col, columns: ColumnSpec) -> tuple[np.ndarray, np.ndarray]:
    utc, valid = _epoch_ns(_floats(col), columns.timestamp_unit)
    return _to_local(utc, valid, columns.timezone), valid


def _arrow_timestamps(col, columns: ColumnSpec) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow as pa

    t = col.type
    valid = _valid(col)
    if pa.types.is_date(t):
        ns = col.cast(pa.date32()).cast(pa.int32()).fill_null(0).to_numpy().astype(np.int64) * NS_PER_DAY
        return ns, valid
    raw = col.cast(pa.int64()).fill_null(0).to_numpy()
    scale = _UNIT_NS[t.unit]
    with np.errstate(over="ignore"):
        ns = raw * scale
    if scale > 1:
        valid &= np.abs(raw) < (2**63 - 1) // scale
    if t.tz is None:
        return ns, valid
    return _to_local(ns, valid, columns.timezone), valid


def local_timestamps(col, columns: ColumnSpec) -> tuple[np.ndarray, np.ndarray]:
    """A timestamp column → (local wall-clock nanoseconds since 1970-01-01, valid mask).

    Timestamp columns with a time zone, and numbers (``timestamp_unit`` since 1970-01-01 UTC), are
    converted to ``columns.timezone``; timestamps without a zone and text without an offset are
    taken as local time already. Text is ISO 8601 unless ``timestamp_format`` says otherwise.
    """
    import pyarrow as pa

    t = col.type
    if pa.types.is_dictionary(t):
        col, t = col.cast(t.value_type), t.value_type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _arrow_timestamps(col, columns)
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return _numeric_timestamps(col, columns)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _text_timestamps(col, columns)
    if pa.types.is_null(t):
        return np.zeros(len(col), dtype=np.int64), np.zeros(len(col), dtype=bool)
    raise StorePlanError(f"timestamp column {columns.timestamp!r} has type {t}; "
                         "expected timestamps, dates, numbers or text")


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def window_mask(window: TimeWindow, local_ns: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Rows inside ``window``; rows without a valid time are outside any non-empty window."""
    if window.empty:
        return np.ones(len(local_ns), dtype=bool)
    day = np.floor_divide(local_ns, NS_PER_DAY)
    mask = valid.copy()
    if window.hours:
        of_day = local_ns - day * NS_PER_DAY
        in_hours = np.zeros(len(local_ns), dtype=bool)
        for start, end in window.hours:
            s = round(start * 60) * 10**9
            e = round(end * 60) * 10**9
            in_hours |= ((of_day >= s) & (of_day < e)) if s < e else ((of_day >= s) | (of_day < e))
        mask &= in_hours
    if window.weekdays:
        mask &= np.isin((day + 3) % 7, window.weekdays)  # 1970-01-01 was a Thursday (3)
    if window.date_from is not None:
        mask &= day >= _day_number(window.date_from)
    if window.date_to is not None:
        mask &= day <= _day_number(window.date_to)
    return mask


def value_mask(flt: ValueFilter, col) -> np.ndarray:
    """Rows passing one value filter."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(col)
    mask = np.ones(n, dtype=bool)
    if flt.min is not None or flt.max is not None:
        v = _floats(col)
        with np.errstate(invalid="ignore"):
            if flt.min is not None:
                mask &= v >= flt.min
            if flt.max is not None:
                mask &= v <= flt.max
    for values, keep in ((flt.isin, True), (flt.not_in, False)):
        if not values:
            continue
        if all(isinstance(x, str) for x in values):
            text = col if pa.types.is_string(col.type) else pc.cast(col, pa.string())
            hit = pc.is_in(text, value_set=pa.array(list(values), pa.string())).fill_null(False)
            hit = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
        else:
            v = _floats(col)
            hit = np.isin(v, np.asarray(values, dtype=float))
        mask &= hit if keep else ~hit & _valid(col)
    return mask


# ---------------------------------------------------------------------------------------------
# the kernel


def partial_from_frame(frame, spec: AggregationSpec) -> Partial:
    """Partial aggregates of one chunk of rows (a ``pyarrow.Table`` or ``pandas.DataFrame`` holding
    at least ``spec.needed_columns()``)."""
    import pyarrow as pa

    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    c = spec.columns
    n = table.num_rows
    lat = _floats(table.column(c.lat))
    lon = _floats(table.column(c.lon))
    finite = np.isfinite(lat) & np.isfinite(lon)
    if spec.input.crs != "wgs84" and finite.any():
        lon_w, lat_w = coords.to_wgs84(lon[finite], lat[finite], spec.input.crs)
        lon, lat = lon.copy(), lat.copy()
        lon[finite], lat[finite] = lon_w, lat_w
    ok = finite & hexgrid.valid_latlon(lat, lon)
    keep = ok.copy()
    bad_ts = 0
    local_ns = valid_ts = None
    if spec.needs_time():
        local_ns, valid_ts = local_timestamps(table.column(c.timestamp), c)
        bad_ts = int(n - valid_ts.sum())
        keep &= window_mask(spec.filters, local_ns, valid_ts)
    for flt in spec.value_filters:
        keep &= value_mask(flt, table.column(flt.column))
    n_ok, n_keep = int(ok.sum()), int(keep.sum())
    rows = RowCounts(read=n, aggregated=n_keep, missing_coordinates=int(n - finite.sum()),
                     out_of_range=int(finite.sum() - n_ok), filtered_out=n_ok - n_keep,
                     bad_timestamp=bad_ts)
    if n_keep == 0:
        return Partial.empty(spec, rows)

    idx = np.flatnonzero(keep)
    codes, group_cells = hexgrid.latlon_to_cell_groups(lat[idx], lon[idx], spec.resolution)
    cells, group_to_cell = np.unique(group_cells, return_inverse=True)
    point_cell = group_to_cell[codes]
    m = len(cells)
    groups = [np.ones(n_keep, dtype=bool)]
    for p in spec.profiles:
        groups.append(window_mask(p.window, local_ns[idx], valid_ts[idx]))
    values = {col: _floats(table.column(col))[idx] for col in spec.value_columns()}
    columns = []
    for mask in groups:
        pc_g = point_cell[mask]
        columns.append(np.bincount(pc_g, minlength=m).astype(float))
        for col in spec.measures.sum:
            v = values[col][mask]
            columns.append(np.bincount(pc_g, weights=np.where(np.isfinite(v), v, 0.0), minlength=m))
        for col in spec.measures.mean:
            v = values[col][mask]
            has = np.isfinite(v)
            columns.append(np.bincount(pc_g, weights=np.where(has, v, 0.0), minlength=m))
            columns.append(np.bincount(pc_g, weights=has.astype(float), minlength=m))
    stats = np.column_stack(columns) if columns else np.zeros((m, 0))

    pair_cells, pair_ids = [], []
    if spec.measures.distinct_ids:
        id_code, id_key = _id_codes(table.column(c.id).take(pa.array(idx)))
        n_ids = max(len(id_key), 1)
        has_id = id_code >= 0
        # the distinct pairs of all rows once; a profile's pairs are those its rows touch
        pair_of_row, pairs = pd.factorize(point_cell[has_id].astype(np.int64) * n_ids + id_code[has_id])
        for mask in groups:
            touched = np.bincount(pair_of_row[mask[has_id]], minlength=len(pairs)) > 0
            chosen = pairs[touched]
            pair_cells.append(chosen // n_ids)
            pair_ids.append(id_key[chosen % n_ids])
    return Partial(cells=cells, stats=stats, pair_cells=tuple(pair_cells), pair_ids=tuple(pair_ids),
                   rows=rows)


_SPLIT_PAIRS = 1 << 20  # above this many pairs, dedupe in pieces whose hash tables stay in cache
_PIECES = 64


def _unique_pairs(cells: np.ndarray, ids: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs of aligned cell positions (0…n_cells−1) and id keys."""
    if len(cells) > _SPLIT_PAIRS:
        # a pair's cell decides its piece, so the pieces' distinct pairs are disjoint
        piece = (cells % _PIECES).astype(np.uint8)
        order = np.argsort(piece, kind="stable")  # a radix sort for one-byte keys
        bounds = np.searchsorted(piece[order], np.arange(_PIECES + 1))
        cells, ids = cells[order], ids[order]
        parts = [_unique_pairs_small(cells[a:b], ids[a:b], n_cells)
                 for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        return np.concatenate([c for c, _ in parts]), np.concatenate([i for _, i in parts])
    return _unique_pairs_small(cells, ids, n_cells)


def _unique_pairs_small(cells: np.ndarray, ids: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    if len(cells) == 0:
        return cells, ids
    id_code, id_values = pd.factorize(ids)
    n_ids = len(id_values)
    if n_cells * n_ids < 2**62:
        pairs = pd.unique(cells * n_ids + id_code)
        return pairs // n_ids, id_values[pairs % n_ids]
    order = np.lexsort((ids, cells))  # too many to pack into one int64 key
    c, i = cells[order], ids[order]
    first = np.r_[True, (c[1:] != c[:-1]) | (i[1:] != i[:-1])]
    return c[first], i[first]


def combine(partials: Sequence[Partial]) -> Partial:
    """One partial from several: counts and sums added (in the given order), pair sets united."""
    partials = list(partials)
    if not partials:
        raise ValueError("nothing to combine")
    if len(partials) == 1:
        return partials[0]
    rows = partials[0].rows
    for p in partials[1:]:
        rows = rows + p.rows
    cells, inverse = np.unique(np.concatenate([p.cells for p in partials]), return_inverse=True)
    stacked = np.concatenate([p.stats for p in partials], axis=0)
    stats = np.empty((len(cells), stacked.shape[1]))
    for j in range(stacked.shape[1]):
        stats[:, j] = np.bincount(inverse, weights=stacked[:, j], minlength=len(cells))
    offsets = np.cumsum([0] + [len(p.cells) for p in partials])
    pair_cells, pair_ids = [], []
    for g in range(len(partials[0].pair_cells)):
        positions = np.concatenate([inverse[offsets[k] + p.pair_cells[g]] for k, p in enumerate(partials)])
        pc, pi = _unique_pairs(positions.astype(np.int64, copy=False),
                               np.concatenate([p.pair_ids[g] for p in partials]), len(cells))
        pair_cells.append(pc)
        pair_ids.append(pi)
    return Partial(cells=cells, stats=stats, pair_cells=tuple(pair_cells), pair_ids=tuple(pair_ids),
                   rows=rows)


# ----- distinct pairs by bucket of cells (for reducing them in parallel) -------------------


@dataclass(frozen=True, eq=False)
class PairSet:
    """Distinct (cell, id key) pairs per group of measures; ``cells`` are H3 cells here."""

    cells: tuple[np.ndarray, ...]
    ids: tuple[np.ndarray, ...]


def without_pairs(partial: Partial) -> Partial:
    """The partial with its pair sets emptied (its counts and sums travel alone)."""
    z = np.zeros(0, dtype=np.int64)
    n = len(partial.pair_cells)
    return Partial(cells=partial.cells, stats=partial.stats, pair_cells=(z,) * n, pair_ids=(z,) * n,
                   rows=partial.rows)


def _bucket_of(cells: np.ndarray, n_buckets: int) -> np.ndarray:
    # H3 cells share most of their bits (and end in 1s below their resolution): mix before taking
    # the remainder, so the buckets get about equal shares
    mixed = cells.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return ((mixed >> np.uint64(32)) % np.uint64(n_buckets)).astype(np.int64)


def split_pairs(partial: Partial, n_buckets: int) -> tuple[PairSet, ...]:
    """The pairs of ``partial`` in ``n_buckets`` buckets of cells. The buckets hold disjoint sets
    of cells, so each can be united and counted on its own."""
    per_bucket: list[tuple[list, list]] = [([], []) for _ in range(n_buckets)]
    for pos, keys in zip(partial.pair_cells, partial.pair_ids):
        cells = partial.cells[pos]
        bucket = _bucket_of(cells, n_buckets).astype(np.uint8 if n_buckets <= 256 else np.int64)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(n_buckets + 1))
        cells, keys = cells[order], keys[order]
        for b in range(n_buckets):
            per_bucket[b][0].append(cells[bounds[b]:bounds[b + 1]])
            per_bucket[b][1].append(keys[bounds[b]:bounds[b + 1]])
    return tuple(PairSet(tuple(c), tuple(i)) for c, i in per_bucket)


def combine_pairs(sets: Sequence[PairSet]) -> PairSet:
    """The union of pair sets."""
    sets = list(sets)
    if len(sets) == 1:
        return sets[0]
    cells, ids = [], []
    for g in range(len(sets[0].cells)):
        code, uniques = pd.factorize(np.concatenate([p.cells[g] for p in sets]))
        pos, keys = _unique_pairs(code.astype(np.int64, copy=False),
                                  np.concatenate([p.ids[g] for p in sets]), len(uniques))
        cells.append(uniques[pos])
        ids.append(keys)
    return PairSet(tuple(cells), tuple(ids))


def count_pairs(pairs: PairSet) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Per group: (cells, number of distinct ids in each)."""
    return tuple(np.unique(c, return_counts=True) for c in pairs.cells)


def finalise(partial: Partial, spec: AggregationSpec, distinct: Sequence | None = None) -> pd.DataFrame:
    """The H3 layer: one row per cell with aggregated rows, one float64 column per measure.

    Distinct ids come from the partial's pairs, or from ``distinct``: the :func:`count_pairs` of
    every bucket when the pairs were reduced by bucket.
    """
    names = {name: j for j, name in enumerate(stat_names(spec))}
    cells = partial.cells
    data = {}
    for g, s in enumerate(spec.suffixes):
        if spec.measures.count:
            data[f"count{s}"] = partial.stats[:, names[f"rows{s}"]].copy()
        if spec.measures.distinct_ids and distinct is None:
            data[f"distinct_ids{s}"] = np.bincount(partial.pair_cells[g], minlength=len(cells)).astype(float)
        elif spec.measures.distinct_ids:
            counted = np.zeros(len(cells))
            for per_group in distinct:
                found, n = per_group[g]
                counted[np.searchsorted(cells, found)] = n
            data[f"distinct_ids{s}"] = counted
        for col in spec.measures.sum:
            data[f"sum_{col}{s}"] = partial.stats[:, names[f"sum:{col}{s}"]].copy()
        for col in spec.measures.mean:
            total = partial.stats[:, names[f"vsum:{col}{s}"]]
            n = partial.stats[:, names[f"vn:{col}{s}"]]
            with np.errstate(invalid="ignore", divide="ignore"):
                data[f"mean_{col}{s}"] = np.where(n > 0, total / n, np.nan)
    frame = pd.DataFrame(data, index=pd.Index(cells, dtype=np.int64))
    if frame.columns.empty:
        frame = pd.DataFrame(index=pd.Index(cells, dtype=np.int64))
    return gridlayer.make_layer(frame, spec.resolution, spec.intensive_columns())


# ---------------------------------------------------------------------------------------------
# reduction shape and partitions


class TreeReducer:
    """Reduces items pushed in order in groups of ``fan_in``, level by level.

    ``combine_fn`` receives a list of items and returns one; it may also build a Dask task from
    futures, so one shape serves both engines. At most ``fan_in - 1`` items wait per level.
    """

    def __init__(self, combine_fn: Callable[[list], object], fan_in: int = FAN_IN):
        if fan_in < 2:
            raise ValueError("fan_in must be at least 2")
        self._combine, self._fan_in = combine_fn, fan_in
        self._levels: list[list] = []

    def push(self, item, level: int = 0) -> None:
        while len(self._levels) <= level:
            self._levels.append([])
        self._levels[level].append(item)
        if len(self._levels[level]) == self._fan_in:
            items, self._levels[level] = self._levels[level], []
            self.push(self._combine(items), level + 1)

    def result(self):
        """The reduction of everything pushed (None if nothing was)."""
        level = 0
        while level < len(self._levels):
            items, self._levels[level] = self._levels[level], []
            if items:
                merged = items[0] if len(items) == 1 else self._combine(items)
                if not any(self._levels[level + 1:]):
                    return merged
                self.push(merged, level + 1)
            level += 1
        return None


def partition_partial(partition: Partition, spec: AggregationSpec,
                      progress: Progress | None = None, label: str | None = None) -> Partial:
    """Read one partition chunk by chunk and reduce it to one :class:`Partial`.

    Errors name the partition. ``progress`` gets the fraction of the partition read and may cancel
    between chunks.
    """
    progress = ensure(progress)
    reducer = TreeReducer(combine)
    try:
        for table, fraction in read_chunks(partition, spec.needed_columns(), spec.input):
            check(progress)
            reducer.push(partial_from_frame(table, spec))
            progress.report(fraction, label or partition.path)
    except (IntakeError, Cancelled):
        raise
    except StorePlanError as exc:
        raise IntakeError(partition.path, str(exc)) from exc
    result = reducer.result()
    return Partial.empty(spec) if result is None else result

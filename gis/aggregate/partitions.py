"""The input of an aggregation as a list of partitions (files), each read in chunks of rows.

Local paths are read with pyarrow directly; URLs (``s3://bucket/pings/*.parquet``,
``gs://…``, ``abfs://…``) through fsspec, which needs the matching package (s3fs, gcsfs, adlfs)
wherever the partitions are listed and read.
"""

from __future__ import annotations

import csv
import glob
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from gis.aggregate.spec import InputSpec, is_url
from gis.errors import ColumnMappingError, ConfigError, IntakeError

log = logging.getLogger(__name__)

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
NULL_VALUES = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "-"]


@dataclass(frozen=True)
class Partition:
    """One input file: its path or URL, format ("parquet" or "csv") and size in bytes."""

    path: str
    format: str
    size: int = 0

    def __post_init__(self):
        if self.format not in ("parquet", "csv"):
            raise ValueError(f"partition format must be parquet or csv, not {self.format!r}")

    @property
    def gzip(self) -> bool:
        return self.path.lower().endswith(".gz")


def _format_of(name: str, forced: str) -> str | None:
    if forced != "auto":
        return forced
    low = name.lower()
    if low.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if low.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def _hidden(name: str) -> bool:
    # Spark/Hive leave _SUCCESS, _metadata and .crc files beside the data; temporary files start with "."
    return name.startswith((".", "_"))


def _has_magic(pattern: str) -> bool:
    return glob.has_magic(pattern)


def list_partitions(spec: InputSpec) -> tuple[Partition, ...]:
    """Every file the input names, sorted by path (so results do not depend on listing order).

    A folder is searched recursively for Parquet/CSV files (hidden files and ``_``-files skipped);
    a glob may use ``**``. Raises :class:`ConfigError` if an entry matches nothing.
    """
    found: dict[str, Partition] = {}
    for entry in spec.paths:
        parts = _list_url(entry, spec.format) if is_url(entry) else _list_local(entry, spec.format)
        if not parts:
            kinds = "Parquet or CSV files" if spec.format == "auto" else f"{spec.format} files"
            raise ConfigError(f"[input] {entry!r} matches no {kinds}; check the path, or set "
                              "format = \"parquet\"/\"csv\" for other file names")
        for p in parts:
            found.setdefault(p.path, p)
    return tuple(found[k] for k in sorted(found))


def _list_local(entry: str, forced: str) -> list[Partition]:
    if _has_magic(entry):
        matches = sorted(glob.glob(entry, recursive=True))
    else:
        matches = [entry] if os.path.exists(entry) else []
    out = []
    for m in matches:
        p = Path(m)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not _hidden(d))
                for f in sorted(files):
                    fmt = None if _hidden(f) else _format_of(f, forced)
                    if fmt:
                        full = Path(root) / f
                        out.append(Partition(str(full), fmt, full.stat().st_size))
        elif p.is_file():
            fmt = _format_of(p.name, forced)
            if fmt is None and not _has_magic(entry):
                raise ConfigError(f"[input] {entry!r}: cannot tell whether it is Parquet or CSV from "
                                  "its name; set format = \"parquet\" or \"csv\"")
            if fmt and not (_has_magic(entry) and _hidden(p.name)):
                out.append(Partition(str(p), fmt, p.stat().st_size))
    return out


def _list_url(entry: str, forced: str) -> list[Partition]:
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(entry)
    except (ImportError, ValueError) as exc:
        raise ConfigError(f"[input] {entry!r}: {exc}. Install the fsspec package for this storage "
                          "(s3fs, gcsfs, adlfs…)") from None
    try:
        if _has_magic(path):
            infos = fs.glob(path, detail=True)
        elif fs.isdir(path):
            infos = fs.find(path, detail=True)
        elif fs.exists(path):
            infos = {path: fs.info(path)}
        else:
            infos = {}
    except OSError as exc:
        raise IntakeError(entry, f"cannot be listed: {exc}") from exc
    root = path.rstrip("/") + "/"
    out = []
    for name, info in sorted(infos.items()):
        if info.get("type") == "directory":
            out += _list_url(fs.unstrip_protocol(name), forced)
            continue
        below = name[len(root):] if name.startswith(root) else name.rsplit("/", 1)[-1]
        if any(_hidden(part) for part in below.split("/") if part):
            continue
        fmt = _format_of(below.rsplit("/", 1)[-1], forced)
        if fmt:
            out.append(Partition(fs.unstrip_protocol(name), fmt, int(info.get("size") or 0)))
    return out


# ---------------------------------------------------------------------------------------------
# reading


def _open(path: str):
    """A pyarrow input stream for a local path or a URL, and the objects to close afterwards."""
    import pyarrow as pa

    if is_url(path):
        import fsspec

        fh = fsspec.open(path, "rb").open()
        return pa.PythonFile(fh, mode="r"), [fh]
    raw = pa.OSFile(path, "rb")
    return raw, [raw]


def _sniff_delimiter(part: Partition, encoding: str) -> str:
    import gzip
    import io

    stream, closers = _open(part.path)
    try:
        head = stream.read(65536)
    finally:
        for c in closers:
            c.close()
    if part.gzip:
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(head)).read(65536)
        except (OSError, EOFError):
            pass  # a truncated gzip head still decompresses most of the way
    text = head.decode(encoding, errors="replace")
    try:
        return csv.Sniffer().sniff(text, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_chunks(part: Partition, columns: list[str], spec: InputSpec) -> Iterator:
    """Yield ``(pyarrow.Table, fraction of the file read)`` in chunks of about ``spec.chunk_rows``
    rows with just ``columns``.

    CSV columns come as text (no per-block type guessing, so every chunk is read alike);
    Parquet columns keep their types. A file that cannot be read raises :class:`IntakeError`
    naming it; missing columns raise :class:`ColumnMappingError`.
    """
    import pyarrow as pa

    try:
        if part.format == "parquet":
            yield from _parquet_chunks(part, columns, spec.chunk_rows)
        else:
            yield from _csv_chunks(part, columns, spec)
    except (ColumnMappingError, IntakeError):
        raise
    except (pa.ArrowException, OSError, UnicodeDecodeError, EOFError, ValueError) as exc:
        kind = "Parquet" if part.format == "parquet" else "CSV"
        raise IntakeError(part.path, f"cannot be read as {kind}: {exc}") from exc


def _missing(part: Partition, columns: list[str], present: list[str]) -> None:
    missing = [c for c in columns if c not in present]
    if missing:
        raise ColumnMappingError(part.path, f"columns {missing} not found; the file has {present}")


def _parquet_chunks(part: Partition, columns: list[str], chunk_rows: int):
    import pyarrow as pa
    import pyarrow.parquet as pq

    stream, closers = _open(part.path)
    try:
        pf = pq.ParquetFile(stream)
        _missing(part, columns, list(pf.schema_arrow.names))
        total = max(pf.metadata.num_rows, 1)
        pending, rows, done = [], 0, 0
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=columns, use_threads=False):
            pending.append(batch)
            rows += batch.num_rows
            if rows >= chunk_rows:
                done += rows
                yield pa.Table.from_batches(pending), done / total
                pending, rows = [], 0
        if pending:
            yield pa.Table.from_batches(pending), 1.0
    finally:
        for c in closers:
            c.close()


def _csv_chunks(part: Partition, columns: list[str], spec: InputSpec):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    delimiter = spec.delimiter or _sniff_delimiter(part, spec.encoding)
    _missing(part, columns, _csv_header(part, spec, delimiter))
    stream, closers = _open(part.path)
    raw = stream
    size = max(part.size, 1)
    try:
        if part.gzip:
            stream = pa.CompressedInputStream(stream, "gzip")
        encoding = "utf8" if spec.encoding.lower().replace("-", "") == "utf8" else spec.encoding
        reader = pcsv.open_csv(
            stream,
            read_options=pcsv.ReadOptions(block_size=1 << 22, encoding=encoding, use_threads=False),
            parse_options=pcsv.ParseOptions(delimiter=delimiter),
            convert_options=pcsv.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.string() for c in columns}, strings_can_be_null=True,
                null_values=NULL_VALUES),
        )
        pending, rows = [], 0
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            if rows >= spec.chunk_rows:
                yield pa.Table.from_batches(pending), min(raw.tell() / size, 1.0)
                pending, rows = [], 0
        if pending:
            yield pa.Table.from_batches(pending), 1.0
    finally:
        for c in closers:
            c.close()


def _csv_header(part: Partition, spec: InputSpec, delimiter: str) -> list[str]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    stream, closers = _open(part.path)
    try:
        if part.gzip:
            stream = pa.CompressedInputStream(stream, "gzip")
        encoding = "utf8" if spec.encoding.lower().replace("-", "") == "utf8" else spec.encoding
        reader = pcsv.open_csv(stream, read_options=pcsv.ReadOptions(block_size=1 << 16, encoding=encoding),
                               parse_options=pcsv.ParseOptions(delimiter=delimiter))
        return list(reader.schema.names)
    finally:
        for c in closers:
            c.close()


def check_columns(part: Partition, columns: list[str], spec: InputSpec) -> None:
    """Raise :class:`ColumnMappingError` (or :class:`IntakeError`) unless ``part`` has ``columns``;
    reads only the file's footer or header."""
    import pyarrow as pa

    try:
        if part.format == "parquet":
            import pyarrow.parquet as pq

            stream, closers = _open(part.path)
            try:
                present = list(pq.ParquetFile(stream).schema_arrow.names)
            finally:
                for c in closers:
                    c.close()
        else:
            present = _csv_header(part, spec, spec.delimiter or _sniff_delimiter(part, spec.encoding))
    except (pa.ArrowException, OSError, UnicodeDecodeError, ValueError) as exc:
        kind = "Parquet" if part.format == "parquet" else "CSV"
        raise IntakeError(part.path, f"cannot be read as {kind}: {exc}") from exc
    _missing(part, columns, present)

"""Reading any supported file into raw values: a DataFrame of source columns, optional geometry.

Nothing is interpreted here beyond what the format itself says: text files are read as strings (so
"00123" keeps its zeros), spreadsheets keep their cell types (numbers, dates, times), geo files
their attribute types. Geometries come back in EPSG:4326 (reprojected from the file's CRS).
Row numbers are the ones a user sees: the header is row 1 in text and Excel files (title lines
above it counted), features count from 1 in geo and Parquet files.
"""

from __future__ import annotations

import csv
import logging
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from gis.errors import IntakeError
from gis.intake import encoding as enc
from gis.progress import Progress, check, ensure

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab", ".dat")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq", ".geoparquet")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb", ".kml")
CHUNK_ROWS = 200_000
_CHUNKED_ABOVE_BYTES = 16 * 1024 * 1024


@dataclass
class RawTable:
    """Raw values of one table as read from a file."""

    frame: pd.DataFrame
    rows: np.ndarray
    format: str
    geometry: np.ndarray | None = None
    source_crs: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    layer: str | None = None
    layers: tuple[str, ...] = ()
    header_row: int | None = None
    row_label: str = "row"
    notes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def detect_format(path: Path) -> str:
    """csv, xlsx, parquet, geo, or xls (unsupported), from magic bytes first, then the suffix."""
    if not path.exists():
        raise IntakeError(path, "file not found")
    if path.is_dir():
        raise IntakeError(path, "is a folder, not a file")
    if path.stat().st_size == 0:
        raise IntakeError(path, "the file is empty (0 bytes): export the table again")
    with open(path, "rb") as fh:
        head = fh.read(16)
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix in EXCEL_SUFFIXES:
            return "xlsx"
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            raise IntakeError(path, "the file is damaged (a broken zip archive)") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "geo"
    if head.startswith(b"SQLite format 3\x00"):
        return "geo"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if suffix in EXCEL_SUFFIXES:
        raise IntakeError(path, "is not a valid Excel workbook (.xlsx): it may be damaged or only renamed")
    if suffix in PARQUET_SUFFIXES:
        raise IntakeError(path, "is damaged or not a Parquet file (no Parquet signature)")
    if suffix == ".gpkg":
        raise IntakeError(path, "is damaged or not a GeoPackage (no SQLite signature)")
    if suffix in (".shp", ".fgb", ".kml", ".geojson"):
        return "geo"
    if suffix == ".json":
        stripped = head.lstrip()
        return "geo" if stripped.startswith(b"{") else "csv"
    return "csv"


def read_raw(path, sheet=None, layer=None, nrows: int | None = None,
             progress: Progress | None = None) -> RawTable:
    """Read ``path`` into a :class:`RawTable` (at most ``nrows`` data rows when given)."""
    path = Path(path)
    fmt = detect_format(path)
    progress = ensure(progress)
    if fmt == "xls":
        raise IntakeError(path, "is an old Excel 97-2003 workbook (.xls): open it in Excel or WPS and "
                                "save it as .xlsx or as CSV, then import that file")
    if fmt == "xlsx":
        raw = _read_xlsx(path, sheet, nrows, progress)
    elif fmt == "parquet":
        raw = _read_parquet(path, nrows)
    elif fmt == "geo":
        raw = _read_geo(path, layer, nrows)
    else:
        raw = _read_text(path, nrows, progress)
    raw.frame = raw.frame.reset_index(drop=True)
    return raw


# --------------------------------------------------------------------------- text


def _read_text(path: Path, nrows: int | None, progress: Progress) -> RawTable:
    sample, complete = enc.read_sample(path)
    if not sample.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise IntakeError(path, "the file is empty: it holds no header and no rows")
    codec = enc.detect_encoding(sample, complete)
    if codec is None:
        raise IntakeError(path, "cannot tell the character encoding (not UTF-8 nor GBK): "
                                "save the file again as 'CSV UTF-8' and import that")
    text = enc.decode_sample(sample, codec)
    preferred = "\t" if path.suffix.lower() in (".tsv", ".tab") else None
    sniff = enc.sniff_lines(text, complete, preferred)
    notes: list[str] = []
    per_row = len(sample) / max(1, sample.count(b"\n"))
    read = partial(_read_csv, path, sniff=sniff, nrows=nrows, progress=progress, per_row=per_row)
    try:
        frame = _read_with_fallbacks(path, read, codec, sniff, text, notes)
    except UnicodeDecodeError as exc:
        # The sample decoded but a later part did not: decide on the whole file.
        with _open_binary(path) as fh:
            whole = fh.read()
        other = enc.detect_encoding(whole, True)
        if other is None or other == codec:
            raise IntakeError(path, f"bytes {exc.start}–{exc.end} cannot be decoded as {codec} "
                                    f"(mixed encodings?): save the file again as 'CSV UTF-8'") from None
        notes.append(f"the start of the file looked like {codec} but the rest is {other}: read as {other}")
        codec = other
        frame = _read_with_fallbacks(path, read, codec, sniff, text, notes)
    frame.columns = _clean_headers(frame.columns)
    rows = sniff.header_line + 2 + np.arange(len(frame))
    frame, rows = _drop_blank(frame, rows, notes)
    frame = _drop_empty_unnamed(frame)
    return RawTable(frame=frame, rows=rows, format="csv", encoding=codec, delimiter=sniff.delimiter,
                    header_row=sniff.header_line + 1, notes=notes)


class _UnclosedQuote(Exception):
    pass


class _ExtraFields(Exception):
    pass


def _read_with_fallbacks(path: Path, read, codec: str, sniff, text: str, notes: list[str]) -> pd.DataFrame:
    """Read; retry without quote handling after an unclosed quote, or ignoring trailing delimiters."""
    quoting, lenient = csv.QUOTE_MINIMAL, False
    for _ in range(3):
        try:
            return read(codec=codec, quoting=quoting, lenient=lenient)
        except _UnclosedQuote:
            notes.append("the file has an unclosed quote (\"): read without treating quotes specially")
            quoting = csv.QUOTE_NONE
        except _ExtraFields:
            found = _first_extra_fields(text, sniff, quoting)
            if found is None:
                raise IntakeError(path, "some rows have more fields than the header: quote values that "
                                        "contain the delimiter, or export the file again") from None
            line, saw, expected, trailing_only = found
            if not trailing_only:
                raise IntakeError(path, _mismatch_message(text, sniff, line, saw, expected)) from None
            notes.append("rows end with an extra empty field (a trailing delimiter): ignored")
            lenient = True
    raise IntakeError(path, "cannot be read as a table")


def _first_extra_fields(text: str, sniff, quoting) -> tuple[int, int, int, bool] | None:
    """(line, fields, header fields, only empty extras) of the first row longer than the header."""
    lines = text.splitlines()[sniff.header_line:]
    rows = list(csv.reader(lines, delimiter=sniff.delimiter, quoting=quoting))
    if not rows:
        return None
    expected = len(rows[0])
    first = None
    for i, row in enumerate(rows[1:], start=1):
        if len(row) > expected:
            line = sniff.header_line + i + 1
            if any(f.strip() for f in row[expected:]):
                return line, len(row), expected, False
            if first is None:
                first = (line, len(row), expected, True)
    return first

def _open_binary(path: Path):
    import gzip
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else open(path, "rb")


def _read_csv(path: Path, codec: str, sniff, nrows, progress: Progress, per_row: float, quoting,
              lenient: bool) -> pd.DataFrame:
    kwargs = dict(sep=sniff.delimiter, encoding=codec, dtype=str, skiprows=sniff.header_line,
                  skip_blank_lines=False, index_col=False, keep_default_na=False, na_values=[""],
                  engine="c", quoting=quoting, compression="infer", nrows=nrows)
    try:
        with warnings.catch_warnings():
            # a row longer than the header is truncated with only a warning: make it an error
            warnings.simplefilter("ignore" if lenient else "error", pd.errors.ParserWarning)
            size = path.stat().st_size
            if nrows is None and size > _CHUNKED_ABOVE_BYTES:
                parts = []
                done = 0
                with pd.read_csv(path, chunksize=CHUNK_ROWS, **kwargs) as reader:
                    for chunk in reader:
                        parts.append(chunk)
                        done += len(chunk)
                        check(progress)
                        progress.report(min(0.95, done * per_row / size), f"read {done:,} rows")
                return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
            return pd.read_csv(path, **kwargs)
    except pd.errors.ParserWarning:
        raise _ExtraFields() from None
    except pd.errors.EmptyDataError:
        raise IntakeError(path, "the file is empty: it holds no header and no rows") from None
    except pd.errors.ParserError as exc:
        msg = str(exc)
        if "EOF inside string" in msg and quoting != csv.QUOTE_NONE:
            raise _UnclosedQuote() from None
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            expected, line, saw = (int(g) for g in m.groups())
            text = _head_text(path, codec)
            raise IntakeError(path, _mismatch_message(text, sniff, line + sniff.header_line, saw,
                                                      expected)) from None
        delim = {"\t": "tab"}.get(sniff.delimiter, repr(sniff.delimiter))
        raise IntakeError(path, f"cannot be read as a {delim}-separated table ({msg})") from None


def _head_text(path: Path, codec: str) -> str:
    with _open_binary(path) as fh:
        return enc.decode_sample(fh.read(65536), codec)


def _mismatch_message(text: str, sniff, line: int, saw: int, expected: int) -> str:
    delim = {"\t": "tab"}.get(sniff.delimiter, repr(sniff.delimiter))
    msg = f"line {line} has {saw} fields but the header has {expected} (delimiter {delim})"
    header = text.splitlines()[sniff.header_line:sniff.header_line + 1]
    hint = enc.delimiter_hint(header[0].replace(sniff.delimiter, "")) if header else None
    if expected == 1 and hint:
        shown = {"\t": "tab"}.get(hint, repr(hint))
        return msg + (f"; the header looks like {shown}-separated while the rows are not: use one "
                      f"delimiter throughout and export again")
    return msg + ": quote values that contain the delimiter, or export the file again"


def _clean_headers(columns) -> list[str]:
    out, seen = [], {}
    for i, c in enumerate(columns):
        name = "" if c is None or (isinstance(c, float) and np.isnan(c)) else str(c).strip()
        name = name.replace("\ufeff", "")
        if not name:
            name = f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _drop_blank(frame: pd.DataFrame, rows: np.ndarray, notes: list[str]):
    if frame.empty:
        return frame, rows
    blank = frame.isna().all(axis=1).to_numpy(dtype=bool)
    if blank.any():
        # trailing blank lines are normal; blank lines inside the table are worth a note
        last = np.flatnonzero(~blank)
        inner = int(blank[: last[-1] + 1].sum()) if last.size else 0
        if inner:
            notes.append(f"{inner} blank row{'s' if inner != 1 else ''} skipped")
        frame = frame.loc[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return frame, rows


def _drop_empty_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    drop = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()]
    return frame.drop(columns=drop) if drop else frame


# --------------------------------------------------------------------------- Excel


def _read_xlsx(path: Path, sheet, nrows, progress: Progress) -> RawTable:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and data validation
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken zips and XML
        raise IntakeError(path, f"is damaged or not an Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets = tuple(wb.sheetnames)
        name = _choose_sheet(path, sheets, sheet)
        ws = wb[name]
        if ws.max_row is None or (ws.max_row == 1 and ws.max_column == 1):
            ws.reset_dimensions()
        it = ws.iter_rows(min_row=1, min_col=1, values_only=True)
        head: list[tuple] = []
        for row in it:
            head.append(tuple(row))
            if len(head) >= 30:
                break
        if not any(any(v is not None and str(v).strip() for v in r) for r in head):
            raise IntakeError(path, f"sheet '{name}' is empty" + _other_sheets(sheets, name))
        h = enc.header_index(head)
        header = list(head[h])
        data = head[h + 1:]
        total = max(ws.max_row or 0, 1)
        for row in it:
            if nrows is not None and len(data) >= nrows:
                break
            data.append(tuple(row))
            if len(data) % 20000 == 0:
                check(progress)
                progress.report(min(0.95, len(data) / total), f"read {len(data):,} rows of sheet {name}")
        if nrows is not None:
            data = data[:nrows]
    finally:
        wb.close()
    width = max([len(header)] + [len(r) for r in data])
    # columns with no header and no value anywhere are just Excel's formatting
    while width > 0 and (width > len(header) or header[width - 1] is None) and \
            all(len(r) < width or r[width - 1] is None for r in data):
        width -= 1
    header = (header + [None] * width)[:width]
    data = [tuple(r[:width]) + (None,) * (width - len(r)) if len(r) != width else r for r in data]
    columns = _clean_headers(header)
    frame = pd.DataFrame.from_records(data, columns=columns) if data else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame = frame.replace(r"^\s*$", None, regex=True) if not frame.empty else frame
    rows = h + 2 + np.arange(len(frame))
    notes: list[str] = []
    if sheet is None and len(sheets) > 1:
        notes.append(f"the workbook has {len(sheets)} sheets ({', '.join(sheets)}): read the first, '{name}'")
    if h > 0:
        notes.append(f"header found on row {h + 1} of sheet '{name}' (rows above it skipped)")
    frame, rows = _drop_blank(frame, rows, notes)
    frame = _drop_empty_unnamed(frame)
    return RawTable(frame=frame, rows=rows, format="xlsx", sheet=name, sheets=sheets,
                    header_row=h + 1, notes=notes)


def _choose_sheet(path: Path, sheets: tuple[str, ...], sheet) -> str:
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
        raise IntakeError(path, f"has no sheet number {sheet} (sheets are numbered from 0); "
                                f"sheets: {', '.join(sheets)}")
    if sheet in sheets:
        return sheet
    for s in sheets:
        if s.strip().lower() == str(sheet).strip().lower():
            return s
    raise IntakeError(path, f"has no sheet named {sheet!r}; sheets: {', '.join(sheets)}")


def _other_sheets(sheets, name) -> str:
    others = [s for s in sheets if s != name]
    return f"; other sheets: {', '.join(others)}" if others else ""


# --------------------------------------------------------------------------- Parquet


def _read_parquet(path: Path, nrows) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        meta = pf.schema_arrow.metadata or {}
        if nrows is not None:
            batches = pf.iter_batches(batch_size=max(int(nrows), 1))
            first = next(batches, None)
            table = pa.Table.from_batches([first]) if first is not None else pf.schema_arrow.empty_table()
        else:
            table = pf.read()
    except (pa.ArrowException, OSError) as exc:
        raise IntakeError(path, f"is damaged or not a Parquet file ({exc})") from None
    geometry = source_crs = None
    notes: list[str] = []
    if b"geo" in meta:
        import geopandas as gpd

        try:
            gdf = gpd.read_parquet(path)
        except Exception as exc:  # noqa: BLE001 - geopandas wraps arrow and shapely errors
            raise IntakeError(path, f"is a damaged GeoParquet file ({_short(exc)})") from None
        if nrows is not None:
            gdf = gdf.iloc[:nrows]
        gdf = _maybe_reset_index(gdf)
        geometry, source_crs = _to_wgs84(path, gdf, notes)
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    else:
        frame = _maybe_reset_index(table.to_pandas())
    frame.columns = _clean_headers(frame.columns)
    return RawTable(frame=frame, rows=np.arange(1, len(frame) + 1), format="parquet",
                    geometry=geometry, source_crs=source_crs, row_label="record", notes=notes)


def _maybe_reset_index(frame: pd.DataFrame) -> pd.DataFrame:
    """A stored named index (e.g. a grid layer's ``cell``) becomes a column again."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame
    if frame.index.name is None and not isinstance(frame.index, pd.MultiIndex):
        return frame.reset_index(drop=True)
    return frame.reset_index()


# --------------------------------------------------------------------------- geo files


def _read_geo(path: Path, layer, nrows) -> RawTable:
    import pyogrio

    source, dbf_bytes, cpg = _geo_source(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            listed = pyogrio.list_layers(source)
    except Exception as exc:  # noqa: BLE001 - GDAL reports damage with several error types
        raise IntakeError(path, f"is damaged or not a {_geo_name(path)} ({_short(exc)})") from None
    layers = tuple(str(r[0]) for r in listed)
    if not layers:
        raise IntakeError(path, f"holds no layers: is it an empty {_geo_name(path)}?")
    name = _choose_layer(path, layers, layer)
    notes: list[str] = []
    if layer is None and len(layers) > 1:
        notes.append(f"the file has {len(layers)} layers ({', '.join(layers)}): read the first, '{name}'")
    encoding = None
    if dbf_bytes is not None and cpg is None:
        encoding = _sniff_dbf(dbf_bytes)
        if encoding:
            notes.append(f"no .cpg file: attribute text detected as {encoding}")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gdf = pyogrio.read_dataframe(source, layer=name, encoding=encoding, max_features=nrows)
        for w in caught:
            log.info("%s: %s", path, w.message)
    except Exception as exc:  # noqa: BLE001
        raise IntakeError(path, f"is damaged or not a {_geo_name(path)} ({_short(exc)})") from None
    if cpg is not None:
        encoding = cpg
    geometry, source_crs = _to_wgs84(path, gdf, notes)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)) if gdf.geometry is not None else pd.DataFrame(gdf)
    frame.columns = _clean_headers(frame.columns)
    fmt = {".gpkg": "gpkg", ".shp": "shp", ".zip": "shp", ".fgb": "fgb", ".kml": "kml"}.get(
        path.suffix.lower(), "geojson")
    if _is_sqlite(path):
        fmt = "gpkg"
    return RawTable(frame=frame, rows=np.arange(1, len(frame) + 1), format=fmt, geometry=geometry,
                    source_crs=source_crs, encoding=encoding, layer=name,
                    layers=layers, row_label="feature", notes=notes)


def _is_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _geo_name(path: Path) -> str:
    if _is_sqlite(path) or path.suffix.lower() == ".gpkg":
        return "GeoPackage"
    return {".shp": "Shapefile", ".zip": "zipped Shapefile", ".fgb": "FlatGeobuf", ".kml": "KML file"}.get(
        path.suffix.lower(), "GeoJSON file")


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _geo_source(path: Path) -> tuple[str, bytes | None, str | None]:
    """What to pass to GDAL, the .dbf bytes of a Shapefile (to sniff) and its .cpg text, if any."""
    suffix = path.suffix.lower()
    if suffix == ".shp":
        dbf = next((p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.exists()), None)
        cpg_file = next((p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.exists()), None)
        cpg = cpg_file.read_bytes().decode("ascii", "replace").strip() if cpg_file else None
        if not any(p.exists() for p in (path.with_suffix(".shx"), path.with_suffix(".SHX"))):
            raise IntakeError(path, "the .shx file that belongs to this Shapefile is missing: copy the "
                                    ".shp, .shx, .dbf and .prj files together")
        data = dbf.read_bytes()[: 2 * 1024 * 1024] if dbf else None
        return str(path), data, cpg
    if suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            shp = next((n for n in names if n.lower().endswith(".shp")), None)
            if shp is None:
                other = next((n for n in names if n.lower().endswith((".gpkg", ".geojson", ".json"))), None)
                if other is None:
                    raise IntakeError(path, "the zip archive holds no .shp, .gpkg or .geojson file")
                return f"/vsizip/{path}/{other}", None, None
            stem = shp[:-4]
            dbf = next((n for n in names if n.lower() == (stem + ".dbf").lower()), None)
            cpg_name = next((n for n in names if n.lower() == (stem + ".cpg").lower()), None)
            cpg = zf.read(cpg_name).decode("ascii", "replace").strip() if cpg_name else None
            data = zf.read(dbf)[: 2 * 1024 * 1024] if dbf else None
        return f"/vsizip/{path}/{shp}", data, cpg
    return str(path), None, None


def _dbf_text_chunks(data: bytes, max_records: int = 500) -> list[bytes]:
    """Field names and text values of a .dbf, each as its own byte string."""
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    names, fields = [], []
    pos = 32
    while pos + 32 <= min(header_len, len(data)) and data[pos] != 0x0D:
        desc = data[pos:pos + 32]
        names.append(desc[:11].split(b"\0")[0])
        fields.append((chr(desc[11]), desc[16]))
        pos += 32
    chunks = [n for n in names if n]
    for r in range(max_records):
        start = header_len + r * record_len + 1  # first byte: deletion flag
        if start + record_len - 1 > len(data) or record_len <= 1:
            break
        offset = start
        for ftype, width in fields:
            if ftype in "CM":
                value = data[offset:offset + width].rstrip(b" \0")
                if value:
                    chunks.append(value)
            offset += width
    return chunks


def _sniff_dbf(data: bytes) -> str | None:
    """Encoding of a .dbf's text (field names and values): UTF-8, GB18030, or None for ASCII.

    Fields are decoded one by one, tolerating a character cut at a field's end (dbf widths are
    in bytes, and writers cut multibyte text).
    """
    if len(data) < 32:
        return None
    chunks = [c for c in _dbf_text_chunks(data) if not c.isascii()]
    if not chunks:
        return None
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        failures = sum(1 for c in chunks if not enc._decodes(c, codec, final=False))
        if failures <= len(chunks) // 100:
            return label
    return None


def _choose_layer(path: Path, layers: tuple[str, ...], layer) -> str:
    if layer is None:
        return layers[0]
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if 0 <= layer < len(layers):
            return layers[layer]
        raise IntakeError(path, f"has no layer number {layer} (numbered from 0); layers: {', '.join(layers)}")
    if layer in layers:
        return layer
    raise IntakeError(path, f"has no layer named {layer!r}; layers: {', '.join(layers)}")


def _to_wgs84(path: Path, gdf, notes: list[str]) -> tuple[np.ndarray | None, str | None]:
    """Geometries in EPSG:4326 and the file's CRS as text (None when it is already 4326)."""
    import pyproj

    if gdf.geometry is None:
        return None, None
    crs = gdf.crs
    if crs is None:
        bounds = gdf.total_bounds if len(gdf) else np.array([0, 0, 0, 0])
        if np.all(np.isfinite(bounds)) and (abs(bounds[[0, 2]]).max() > 180 or abs(bounds[[1, 3]]).max() > 90):
            raise IntakeError(path, f"has no coordinate system (.prj) and its coordinates "
                                    f"(x {bounds[0]:.0f}…{bounds[2]:.0f}) are not longitude/latitude "
                                    f"degrees: supply the .prj file or export in WGS-84")
        if len(gdf):
            notes.append("the file names no coordinate system: coordinates read as longitude/latitude")
        return gdf.geometry.to_numpy(), None
    wgs84 = pyproj.CRS.from_epsg(4326)
    if crs.equals(wgs84, ignore_axis_order=True):
        return gdf.geometry.to_numpy(), None
    label = crs.to_string()
    try:
        out = gdf.to_crs(wgs84).geometry.to_numpy()
    except Exception as exc:  # noqa: BLE001
        raise IntakeError(path, f"cannot reproject from {label} to WGS-84 ({_short(exc)})") from None
    notes.append(f"reprojected from {label} ({crs.name}) to WGS-84")
    return out, label

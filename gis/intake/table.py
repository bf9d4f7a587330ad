"""Read a user's file into one of our validated tables, with a report of what was done."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gis import coords as cn
from gis.errors import ColumnMappingError, IntakeError
from gis.intake import columns as colmap
from gis.intake import encoding as enc
from gis.intake import shapes, validate
from gis.intake import values as vals
from gis.intake.readers import RawTable, read_raw
from gis.intake.report import IntakeReport
from gis.progress import Progress, SubProgress, check, ensure

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class IntakeResult:
    """The usable rows in our schema (WGS-84), the report, and for grids their shape.

    ``source_rows`` holds, for every row of ``table``, its row number in the file (as in the
    report), so a viewer can point back at the source.
    """

    table: pd.DataFrame
    report: IntakeReport
    grid_shape: str | None = None
    source_rows: np.ndarray | None = None

    def __post_init__(self):
        if self.grid_shape not in (None, "points", "h3", "polygons"):
            raise ValueError(f"grid_shape must be points, h3 or polygons, not {self.grid_shape!r}")

    @property
    def usable(self) -> bool:
        return self.report.usable

    @property
    def kind(self) -> str:
        return self.report.kind


def read_table(path, kind: str, crs: str | None = None, columns: dict | None = None, sheet=None,
               layer=None, progress: Progress | None = None) -> IntakeResult:
    """Read ``path`` as a table of ``kind`` (one of :data:`KINDS`).

    ``crs`` is the coordinate system of the file's coordinates: wgs84, gcj02 (AMap, Tencent) or
    bd09 (Baidu); None means WGS-84 unless a coordinate header names another system ("经度(高德)").
    Geo files are first reprojected from their own CRS (.prj) to WGS-84. ``columns`` maps our field
    names to source headers and overrides detection (a None value leaves a field out).

    Raises :class:`IntakeError` when the file cannot be read and :class:`ColumnMappingError`
    when required columns are missing; a file whose rows are all unusable gives a result with
    ``report.usable == False`` and the report says why.
    """
    colmap.check_kind(kind)
    user_crs = cn.normalise_crs(crs) if crs is not None else None
    path = Path(path)
    progress = ensure(progress)
    progress.report(0.0, f"reading {path.name}")
    raw = read_raw(path, sheet=sheet, layer=layer, progress=SubProgress(progress, 0.0, 0.6))
    check(progress)
    if not raw.headers:
        raise IntakeError(path, "the file has no columns")
    _check_single_column(path, raw)
    mapping = colmap.resolve_mapping(path, raw.headers, kind, columns)
    mapping, geometry_note = _prefer_geometry(raw, kind, mapping)
    present = set(mapping.fields) | ({"geometry"} if raw.geometry is not None else set())
    missing = colmap.missing_required(kind, present)
    if missing:
        raise ColumnMappingError(path, _missing_message(raw, kind, missing))
    crs_used, crs_note = _decide_crs(user_crs, mapping, raw)
    progress.report(0.65, "checking values")
    w = validate.Work(path, raw, mapping, kind, crs_used)
    if geometry_note:
        w.notes.append(geometry_note)
    grid_shape = None
    if kind == "outlets":
        table = validate.outlets(w)
    elif kind == "reps":
        table = validate.reps(w)
    elif kind == "matrix":
        table = validate.matrix(w)
    elif kind == "sales_lines":
        table = validate.sales_lines(w)
    elif kind == "districts":
        table = shapes.districts(w)
    else:
        table, grid_shape = shapes.grid(w)
    check(progress)
    if w.n == 0:
        w.notes.append("the file has a header but no data rows")
    elif not w.keep.any():
        w.notes.append("no usable rows: every row was dropped (see the problems below)")
    unmapped = [h for h in w.unmapped() if h not in w.ignored] if kind != "grid" else list(w.ignored)
    report = IntakeReport(
        file=str(path), kind=kind, rows_read=w.n, rows_usable=int(w.keep.sum()), format=raw.format,
        encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet, sheets=raw.sheets,
        layer=raw.layer, layers=raw.layers, row_label=raw.row_label, mapping=dict(w.mapping),
        mapping_source=dict(w.mapping_source), unmapped_columns=tuple(unmapped), crs=crs_used,
        source_crs=raw.source_crs, crs_note="; ".join([n for n in [crs_note, *w.crs_notes] if n]),
        notes=tuple(w.notes), problems=w.log.problems(), problem_counts=w.log.counts(),
        usable=bool(w.keep.any()),
    )
    progress.report(1.0, f"{report.rows_usable} of {report.rows_read} rows usable")
    log.info("read %s as %s: %d of %d rows usable", path, kind, report.rows_usable, report.rows_read)
    return IntakeResult(table=table, report=report, grid_shape=grid_shape, source_rows=w.rows[w.keep])


def _check_single_column(path: Path, raw: RawTable) -> None:
    if raw.format != "csv" or len(raw.headers) != 1:
        return
    header = raw.headers[0]
    hint = enc.delimiter_hint(header)
    if hint:
        shown = {"\t": "tab"}.get(hint, repr(hint))
        raise IntakeError(path, f"was read as a single column {header[:60]!r}: it looks like {shown}-separated, "
                                f"but the rows do not split on it consistently. Save it again as a "
                                f"comma-separated CSV (or use one delimiter throughout)")


def _prefer_geometry(raw: RawTable, kind: str, mapping: colmap.Mapping):
    """Point geometry of a geo file beats auto-detected lon/lat attribute columns."""
    if raw.geometry is None or kind not in ("outlets", "reps", "grid"):
        return mapping, None
    present = ~pd.isna(raw.geometry)
    if not present.any() or "cell" in mapping.fields:
        return mapping, None
    coord_fields = [f for f in ("lon", "lat", "lonlat", "latlon") if f in mapping.fields]
    if any(mapping.source[f] == "user" for f in coord_fields):
        return mapping, None
    fields = {f: h for f, h in mapping.fields.items() if f not in coord_fields}
    source = {f: s for f, s in mapping.source.items() if f in fields}
    note = None
    if coord_fields:
        note = (f"coordinates taken from the geometry; columns "
                f"{', '.join(mapping.fields[f] for f in coord_fields)} kept as they are")
    return colmap.Mapping(fields, source, None, None), note


def _decide_crs(user_crs: str | None, mapping: colmap.Mapping, raw: RawTable) -> tuple[str, str]:
    hint, header = mapping.crs_hint, mapping.crs_hint_header
    if user_crs is not None:
        if hint and hint != user_crs:
            return user_crs, (f"column '{header}' suggests {hint}, but {user_crs} was given: "
                              f"converted from {user_crs}")
        return user_crs, ("" if user_crs == "wgs84" else f"converted from {user_crs} to WGS-84")
    if hint:
        return hint, (f"column '{header}' names {hint}: converted from {hint} to WGS-84 "
                      f"(give the coordinate system explicitly to override)")
    return "wgs84", ""


def _missing_message(raw: RawTable, kind: str, missing) -> str:
    headers = raw.headers
    required = "; ".join(colmap.describe_group(g) for g in colmap.REQUIRED[kind])
    lacking = "; ".join(colmap.describe_group(g) for g in missing)
    text = (f"missing required column(s) for {kind}: {lacking}. Required: {required}. "
            f"Columns found: {colmap.list_headers(headers)}.")
    hints = {}
    for group in missing:
        for f in group[0]:
            guess = _guess_by_values(raw, f) or colmap.suggest(kind, f, headers)
            if guess and guess not in hints.values():
                hints[f] = guess
    if hints:
        text += " If these hold them, map them explicitly, e.g. columns=" + repr(hints)
    else:
        text += " Map them explicitly with columns={'our_name': 'header in the file'}"
    if kind == "districts" or (kind == "grid" and raw.geometry is None):
        text += " (polygons need a GeoJSON/GeoPackage/Shapefile or a WKT column)"
    return text


def _guess_by_values(raw: RawTable, field: str) -> str | None:
    """An unrecognised column whose numbers look like Chinese longitudes or latitudes."""
    if field not in ("lon", "lat") or raw.frame.empty:
        return None
    lo, hi = (73, 136) if field == "lon" else (3, 54)
    head = raw.frame.head(200)
    for h in head.columns:
        v = vals.parse_numbers(head[h]).values
        v = v[np.isfinite(v)]
        if v.size and np.all((v >= lo) & (v <= hi)) and np.any(v % 1 != 0):
            return h
    return None


def preview(path, nrows: int = 50, sheet=None, layer=None) -> tuple[pd.DataFrame, dict]:
    """The first ``nrows`` raw rows and what was sniffed, for an import wizard.

    ``info`` holds format, encoding, delimiter, sheets, sheet, layers, layer, headers, header_row,
    row_label, source_crs, notes, ``rows`` (the file's row numbers of the preview rows),
    ``detected`` (auto mapping per kind) and ``kind_guess`` (the kind whose required columns are
    all found and that maps the most columns, or None).
    """
    path = Path(path)
    raw = read_raw(path, sheet=sheet, layer=layer, nrows=nrows)
    frame = raw.frame.copy()
    if raw.geometry is not None:
        import shapely

        wkt = shapely.to_wkt(raw.geometry, rounding_precision=6)
        frame["geometry"] = [w if w is None or len(w) <= 80 else w[:77] + "..." for w in wkt]
    detected = {k: colmap.detect_columns(raw.headers, k) for k in colmap.KINDS}
    guess = _guess_kind(raw, detected)
    info = {
        "format": raw.format, "encoding": raw.encoding, "delimiter": raw.delimiter,
        "sheets": list(raw.sheets), "sheet": raw.sheet, "layers": list(raw.layers), "layer": raw.layer,
        "headers": raw.headers, "header_row": raw.header_row, "row_label": raw.row_label,
        "source_crs": raw.source_crs, "notes": list(raw.notes), "rows": raw.rows.tolist(),
        "detected": detected, "kind_guess": guess,
    }
    return frame, info


def guess_kind(path, sheet=None, layer=None) -> str:
    """The kind a file most likely holds, judged from its headers and geometry.

    Raises :class:`IntakeError` when no kind's required columns are all found.
    """
    path = Path(path)
    raw = read_raw(path, sheet=sheet, layer=layer, nrows=50)
    kind = _guess_kind(raw, {k: colmap.detect_columns(raw.headers, k) for k in colmap.KINDS})
    if kind is None:
        raise IntakeError(path, f"cannot tell what the file holds from its columns "
                                f"({colmap.list_headers(raw.headers)}): say which kind it is "
                                f"({', '.join(colmap.KINDS)})")
    return kind


def _guess_kind(raw: RawTable, detected: dict[str, dict]) -> str | None:
    """Kind whose required columns are found and that recognises the most columns (ties: KINDS order)."""
    shape = None
    if raw.geometry is not None:
        import shapely

        types = shapely.get_type_id(raw.geometry[~pd.isna(raw.geometry)])
        if types.size:
            shape = "polygons" if np.isin(types, (3, 6, 7)).mean() > 0.5 else "points"
    takes_geometry = {"polygons": ("districts", "grid"), "points": ("outlets", "reps", "grid")}.get(shape, ())
    best, best_score = None, 0
    for kind in colmap.KINDS:
        found = set(detected[kind])
        if kind in takes_geometry:
            found.add("geometry")
        elif kind == "districts" and shape is not None:
            continue  # districts must be polygons
        if colmap.missing_required(kind, found):
            continue
        if kind == "districts" and not found & {"district_id", "name"}:
            continue  # unnamed polygons are more likely a grid
        if len(found) > best_score:
            best, best_score = kind, len(found)
    return best

"""Districts and big-data grids: polygons repaired, H3 cells checked, metric columns found."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import coords as cn
from gis.errors import IntakeError
from gis.intake import values as vals
from gis.intake.columns import normalise_header
from gis.intake.report import Reason
from gis.intake.validate import GEOMETRY_LABEL, Work

_POLYGONAL = (3, 6)  # Polygon, MultiPolygon
_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}
# Grid columns that identify or label a cell rather than measure it.
_ID_LIKE = re.compile(r"(^(id|fid|objectid|oid|gid|index|idx|no|序号|编号|编码|代码|code|name|名称|adcode|"
                      r"gridid|grid|网格|格网)$)|(id$|编号$|编码$|代码$|名称$|name$|code$)")


def _geometry_source(w: Work) -> tuple[np.ndarray | None, str]:
    """Geometries from the file itself or from a WKT text column."""
    if w.geometry is not None:
        w.mapping["geometry"] = GEOMETRY_LABEL
        w.mapping_source["geometry"] = "file"
        return w.geometry, GEOMETRY_LABEL
    s = w.col("geometry")
    if s is None:
        return None, ""
    text = vals.as_text(s)
    geoms = shapely.from_wkt(text.to_numpy(dtype=object, na_value=None), on_invalid="ignore")
    unreadable = pd.isna(geoms) & text.notna().to_numpy()
    w.drop(unreadable, w.header("geometry"), s, Reason.INVALID_GEOMETRY, detail="not readable as WKT")
    return geoms, w.header("geometry")


def _polygonal_part(g):
    """Only the polygons of a geometry (None if it has none)."""
    if g is None:
        return None
    t = shapely.get_type_id(g)
    if t in _POLYGONAL:
        return g
    if t != 7:
        return None
    parts = shapely.get_parts(g)
    polys = [p for p in parts if shapely.get_type_id(p) in _POLYGONAL]
    if not polys:
        return None
    flat = [q for p in polys for q in shapely.get_parts(p)]
    return flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)


def clean_polygons(w: Work, geoms: np.ndarray, label: str, what: str) -> np.ndarray:
    """Drop empty and non-polygonal geometries, repair invalid ones (each reported)."""
    geoms = np.asarray(geoms, dtype=object).copy()
    present = ~(pd.isna(geoms))
    geoms[present] = shapely.force_2d(geoms[present])
    empty = ~present
    empty[present] = shapely.is_empty(geoms[present])
    w.drop(empty, label, "", Reason.EMPTY_GEOMETRY)
    types = np.full(len(geoms), -1)
    types[~empty] = shapely.get_type_id(geoms[~empty])
    collections = types == 7
    for i in np.flatnonzero(collections):
        geoms[i] = _polygonal_part(geoms[i])
        types[i] = 3 if geoms[i] is not None else -2
    polygonal = np.isin(types, _POLYGONAL)
    others = ~empty & ~polygonal & w.keep
    if others.any() and not (polygonal & w.keep).any():
        found = sorted({_TYPE_NAMES.get(int(t), "unknown") for t in types[others] if t >= 0})
        raise IntakeError(w.path, f"holds {', '.join(found) or 'non-polygon'} geometries, but {what} "
                                  f"must be polygons (areas): use a boundary file, not points or lines")
    shown_types = np.array([_TYPE_NAMES.get(int(t), "GeometryCollection without polygons") for t in types],
                           dtype=object)
    w.drop(others, label, shown_types, Reason.NOT_POLYGON)
    idx = np.flatnonzero(w.keep & polygonal)
    if idx.size:
        valid = shapely.is_valid(geoms[idx])
        bad = idx[~valid]
        if bad.size:
            reasons = np.asarray(shapely.is_valid_reason(geoms[bad]), dtype=object)
            fixed = shapely.make_valid(geoms[bad], method="structure", keep_collapsed=False)
            fixed = np.array([_polygonal_part(g) for g in fixed], dtype=object)
            gone = np.array([g is None or shapely.is_empty(g) for g in fixed])
            mask = np.zeros(len(geoms), dtype=bool)
            mask[bad[~gone]] = True
            detail = np.empty(len(geoms), dtype=object)
            detail[bad] = [f"{r}; repaired with make_valid" for r in reasons]
            w.flag(mask, label, shown_types, Reason.INVALID_GEOMETRY, action="repaired", detail=detail)
            geoms[bad[~gone]] = fixed[~gone]
            gone_mask = np.zeros(len(geoms), dtype=bool)
            gone_mask[bad[gone]] = True
            w.drop(gone_mask, label, "", Reason.INVALID_GEOMETRY, detail="nothing polygonal left after repair")
    if w.crs != "wgs84":
        ok = np.flatnonzero(w.keep)
        geoms[ok] = cn.transform_geometries(geoms[ok], w.crs, "wgs84")
    return geoms


def districts(w: Work) -> gpd.GeoDataFrame:
    geoms, label = _geometry_source(w)
    if geoms is None:
        raise IntakeError(w.path, "has no geometry: districts need polygons (GeoJSON, GeoPackage, "
                                  "Shapefile, or a WKT column named 'geometry')")
    geoms = clean_polygons(w, geoms, label, "districts")
    has_id, has_name = w.has("district_id"), w.has("name")
    ids = w.ids("district_id") if has_id else None
    names = w.text("name") if has_name else None
    if ids is None and names is None:
        ids = pd.Series([str(r) for r in w.rows], dtype="str")
        names = ids
        w.notes.append("no id or name column: districts numbered by their feature number")
    elif ids is None:
        ids = names
        w.drop(names.isna().to_numpy(), w.header("name"), "", Reason.MISSING_ID)
        w.notes.append(f"no id column: district names ('{w.header('name')}') used as ids")
    elif names is None:
        names = ids
        w.notes.append(f"no name column: district ids ('{w.header('district_id')}') used as names")
    else:
        names = names.fillna(ids)
    _merge_duplicates(w, ids, geoms)
    k = w.keep
    table = pd.DataFrame({"district_id": ids[k].to_numpy(), "name": names[k].to_numpy()})
    table["district_id"] = table["district_id"].astype("str")
    table["name"] = table["name"].astype("str")
    extras = w.extras(exclude={w.mapping.get("geometry", "")}, reserved={"district_id", "name", "geometry"})
    if extras.shape[1]:
        table = pd.concat([table, extras], axis=1)
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(list(geoms[k]), crs="EPSG:4326"), crs="EPSG:4326")


def _merge_duplicates(w: Work, ids: pd.Series, geoms: np.ndarray) -> None:
    """Features sharing an id are parts of one district: union them into the first."""
    idx = np.flatnonzero(w.keep)
    k = ids.iloc[idx].reset_index(drop=True)
    dup = k.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    mask = np.zeros(w.n, dtype=bool)
    detail = np.empty(w.n, dtype=object)
    for key, group in pd.Series(idx[dup]).groupby(k[dup].to_numpy()):
        members = group.to_numpy()
        first = members[0]
        geoms[first] = shapely.union_all(list(geoms[members]))
        mask[members[1:]] = True
        detail[members[1:]] = f"polygon merged into the district of row {int(w.rows[first])}"
    w.drop(mask, w.header("district_id") if w.has("district_id") else w.header("name"),
           ids.to_numpy(dtype=object), Reason.MERGED, detail=detail)


# --------------------------------------------------------------------------- grid


def grid(w: Work) -> tuple[pd.DataFrame, str]:
    """The grid table and its shape: "h3", "polygons" or "points"."""
    if w.has("cell"):
        shape = "h3"
    elif w.geometry is not None:
        types = shapely.get_type_id(w.geometry[~pd.isna(w.geometry)])
        polygons = np.isin(types, (3, 6, 7)).mean() > 0.5 if types.size else False
        shape = "polygons" if polygons else "points"
    elif w.has("geometry"):
        shape = "polygons"
    else:
        shape = "points"
    ignored = set()
    if shape == "h3":
        cells = _cells(w)
        lead = {"cell": cells}
        for f in ("lon", "lat", "lonlat", "latlon", "geometry"):
            if w.has(f):
                ignored.add(w.header(f))
                w.used.add(w.header(f))
        if ignored:
            w.notes.append(f"cells taken from '{w.header('cell')}'; coordinate columns "
                           f"{', '.join(sorted(ignored))} not used")
    elif shape == "polygons":
        geoms, label = _geometry_source(w)
        geoms = clean_polygons(w, geoms, label, "grid polygons")
        lead = {"geometry": geoms}
    else:
        lon, lat = w.coordinates()
        lead = {"lat": lat, "lon": lon}
    metrics = _metrics(w)
    k = w.keep
    out = {name: np.asarray(v)[k] for name, v in lead.items()}
    for name, values in metrics.items():
        out[name] = values[k]
    if shape == "polygons":
        geometry = out.pop("geometry")
        table = gpd.GeoDataFrame(pd.DataFrame(out, index=pd.RangeIndex(int(k.sum()))),
                                 geometry=gpd.GeoSeries(list(geometry), crs="EPSG:4326"), crs="EPSG:4326")
        table = table[["geometry"] + list(metrics)]
    else:
        table = pd.DataFrame(out, index=pd.RangeIndex(int(k.sum())))
    if shape == "h3":
        table["cell"] = table["cell"].astype("int64")
        res = _resolutions(table["cell"].to_numpy())
        if len(res) == 1:
            table.attrs["resolution"] = int(res[0])
            w.notes.append(f"H3 resolution {int(res[0])}")
        elif len(res) > 1:
            w.notes.append(f"cells of several H3 resolutions: {', '.join(str(r) for r in res)}")
    if not metrics:
        w.notes.append("no numeric metric columns found")
    else:
        w.notes.append("metrics: " + ", ".join(metrics))
    return table, shape


def _metrics(w: Work) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    taken = set(w.mapping.values())
    for h in w.frame.columns:
        if h in taken or h in w.used:
            continue
        w.used.add(h)
        if _ID_LIKE.search(normalise_header(h)):
            w.notes.append(f"column '{h}' looks like an id or a label: not used as a metric")
            w.ignored.append(h)
            continue
        s = w.frame[h]
        p = vals.parse_numbers(s)
        present = ~p.blank
        if not present.any() and w.n:
            w.notes.append(f"column '{h}' is empty: ignored")
            w.ignored.append(h)
            continue
        share = np.isfinite(p.values[present]).mean() if present.any() else 1.0
        if share < 0.5:
            w.notes.append(f"column '{h}' is text: not used as a metric")
            w.ignored.append(h)
            continue
        w.flag(p.bad, h, s, Reason.NOT_A_NUMBER, detail="value left empty")
        w.number_notes(h, p)
        out[str(h)] = p.values.astype("float64")
    return out


def _cells(w: Work) -> np.ndarray:
    """H3 cells as int64 (0 where dropped); hex strings, decimal strings and integers accepted."""
    import h3.api.basic_int as h3

    s = w.col("cell")
    h = w.header("cell")
    blank = vals.blank_mask(s)
    w.drop(blank, h, s, Reason.BAD_CELL, detail="empty")
    n = w.n
    cells = np.zeros(n, dtype=np.int64)
    parsed = np.zeros(n, dtype=bool)
    if pd.api.types.is_integer_dtype(s.dtype):
        cells = s.fillna(0).astype("int64").to_numpy()
        parsed = ~blank
    elif pd.api.types.is_float_dtype(s.dtype):
        arr = s.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        ok = np.isfinite(arr) & (arr > 0) & (arr < 2.0 ** 63)
        cells[ok] = arr[ok].astype(np.int64)
        parsed = ok
        w.notes.append(f"'{h}' holds H3 cells as floating-point numbers, which cannot store them exactly: "
                       f"store cells as text (hex such as '8931aa4a8a7ffff')")
    else:
        text = vals.as_text(s).str.strip().str.lower().str.removeprefix("0x")
        codes, uniques = pd.factorize(text)
        as_int, ok = _cell_ints(np.asarray(uniques, dtype=object))
        as_int, ok = np.append(as_int, 0), np.append(ok, False)  # code -1 (missing) -> last slot
        cells = as_int[codes]
        parsed = ok[codes]
    candidates = np.unique(cells[parsed & w.keep & (cells > 0)])
    is_cell = np.fromiter((h3.is_valid_cell(c) for c in candidates.tolist()), dtype=bool,
                          count=candidates.size)
    valid = parsed & np.isin(cells, candidates[is_cell])
    w.drop(~valid & ~blank, h, s, Reason.BAD_CELL, detail="not an H3 cell id")
    w.dedupe(pd.Series(cells), h, s, Reason.DUPLICATE_CELL)
    return cells


def _cell_ints(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """H3 indexes from text: 15–16 hex digits (vectorised) or 17–20 decimal digits."""
    n = texts.size
    out = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return out, ok
    fixed = texts.astype("U21")
    lengths = np.char.str_len(fixed)
    chars = fixed.view(np.uint32).reshape(n, 21)
    digit = (chars >= 48) & (chars <= 57)
    letter = (chars >= 97) & (chars <= 102)
    nibble = np.where(digit, chars - 48, np.where(letter, chars - 87, 0)).astype(np.uint64)
    inside = np.arange(21)[None, :] < lengths[:, None]
    is_hex = (lengths >= 15) & (lengths <= 16) & np.all(~inside | digit | letter, axis=1)
    value = np.zeros(n, dtype=np.uint64)
    for i in range(16):
        step = inside[:, i] & is_hex
        value = np.where(step, value * np.uint64(16) + nibble[:, i], value)
    fits = value < np.uint64(2 ** 63)
    out[is_hex & fits] = value[is_hex & fits].astype(np.int64)
    ok |= is_hex & fits
    decimal = ~is_hex & (lengths >= 17) & (lengths <= 20) & np.all(~inside | digit, axis=1)
    for i in np.flatnonzero(decimal):  # rare: cells written as decimal integers
        v = int(fixed[i])
        if v < 2 ** 63:
            out[i], ok[i] = v, True
    return out, ok


def _resolutions(cells: np.ndarray) -> list[int]:
    """Resolutions present among valid cells (bits 52-55 of every H3 index)."""
    if cells.size == 0:
        return []
    return [int(r) for r in np.unique((cells.astype(np.int64) >> 52) & 0xF)]

"""Writing the usable rows of an intake result: CSV, Excel, Parquet, GeoPackage or GeoJSON."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis.errors import IntakeError

EXCEL_CELL_LIMIT = 32767
SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet", ".gpkg", ".geojson", ".json")


def write_clean(result, out_path) -> Path:
    """Write ``result.table`` (our column names, WGS-84) in the format the suffix names.

    CSV is UTF-8 with a byte-order mark so Excel shows Chinese correctly. H3 cells are written as
    hex strings except in Parquet (int64). Polygons become WKT in CSV; in GeoPackage/GeoJSON point
    tables get point geometry and H3 grids the cell centres.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    table = result.table
    if suffix not in SUFFIXES:
        raise IntakeError(out, f"cannot write {suffix or 'files without a suffix'}: use one of "
                               f"{', '.join(SUFFIXES)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix in (".csv", ".txt"):
            _flat(table).to_csv(out, index=False, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            flat = _flat(table)
            if "geometry" in flat and flat["geometry"].str.len().max() > EXCEL_CELL_LIMIT:
                raise IntakeError(out, "polygons are too detailed for Excel cells (32,767 characters): "
                                       "write a .gpkg or .geojson instead")
            flat.to_excel(out, index=False, sheet_name=(result.report.kind or "table")[:31])
        elif suffix == ".parquet":
            table.to_parquet(out, index=False)
        else:
            geo = _geo(table)
            driver = "GPKG" if suffix == ".gpkg" else "GeoJSON"
            kwargs = {"layer": result.report.kind} if driver == "GPKG" else {}
            if out.exists():
                out.unlink()
            geo.to_file(out, driver=driver, engine="pyogrio", **kwargs)
    except OSError as exc:
        raise IntakeError(out, f"cannot be written ({exc.strerror or exc})") from None
    return out


def _cell_text(cells) -> list[str]:
    return [format(int(c), "x") for c in np.asarray(cells, dtype=np.int64)]


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    flat = pd.DataFrame(table).copy()
    if isinstance(table, gpd.GeoDataFrame):
        name = table.geometry.name
        flat[name] = table.geometry.to_wkt()
    if "cell" in flat and pd.api.types.is_integer_dtype(flat["cell"].dtype):
        flat["cell"] = _cell_text(flat["cell"])
    return flat


def _geo(table: pd.DataFrame) -> gpd.GeoDataFrame:
    if isinstance(table, gpd.GeoDataFrame):
        return table.to_crs("EPSG:4326") if table.crs is not None else table.set_crs("EPSG:4326")
    frame = pd.DataFrame(table).copy()
    if "lat" in frame and "lon" in frame:
        geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    elif "cell" in frame and pd.api.types.is_integer_dtype(frame["cell"].dtype):
        import h3.api.basic_int as h3

        centres = [h3.cell_to_latlng(int(c)) for c in frame["cell"]]
        geometry = gpd.points_from_xy([c[1] for c in centres], [c[0] for c in centres])
        frame["cell"] = _cell_text(frame["cell"])
    else:
        geometry = gpd.GeoSeries([None] * len(frame))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")

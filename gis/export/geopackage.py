"""Every layer of the project in one GeoPackage (``storeplan.gpkg``), for QGIS and other GIS.

Layers (English names, EPSG:4326, one geometry type each so QGIS opens them without asking):

========================  ===============  ==========================================================
layer                     geometry         rows
========================  ===============  ==========================================================
``districts``             MultiPolygon     district polygons with the ranking's metrics
``outlets``               Point            outlets with scores, tiers and strategy
``expansion``             Point            the expansion list
``sites``                 Point            evaluated candidate sites (``chosen`` flag)
``trade_areas``           MultiPolygon     union of each chosen site's trade-area cells
``routes``                LineString       one per rep-day: home → stops → home
``route_stops``           Point            one per visit, with arrival and departure times
``reps``                  Point            reps' home bases
``h3_grid``               Polygon          the H3 cells with every grid metric
``about``                 (none)           project, date, sources and what is missing
========================  ===============  ==========================================================

Fields keep proper types: integers, reals, text, booleans and dates (nullable where data is
missing); H3 cells are written as their hexadecimal ids, times of day as ``HH:MM`` text.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.errors import StorePlanError
from gis.export import frames, labels
from gis.export.options import ExportOptions

log = logging.getLogger(__name__)

CRS = "EPSG:4326"
TIME_OF_DAY = ("arrival", "start", "departure", "leave", "back", "break_start")
DROP = ("geometry",)


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns GeoPackage can store with a proper type: text for objects, hex ids for cells,
    ``HH:MM`` for times of day, dates for ISO date text; one-hot helper columns dropped."""
    out = {}
    for column in frame.columns:
        name = str(column)
        if name in DROP or name.startswith("_") or name.startswith("ch_"):
            continue
        s = frame[column]
        if name == "cell" and pd.api.types.is_integer_dtype(s.dtype):
            from gis import hexgrid

            s = pd.Series(hexgrid.cells_to_str(s.to_numpy(np.int64)), index=frame.index, dtype="string")
        elif name in TIME_OF_DAY and pd.api.types.is_numeric_dtype(s.dtype):
            seconds = frames.seconds_of_day(s)
            s = pd.Series([frames.clock(v) or pd.NA for v in seconds], index=frame.index, dtype="string")
        elif name == "date" and not pd.api.types.is_datetime64_any_dtype(s.dtype):
            parsed = pd.to_datetime(s, errors="coerce")
            s = pd.Series(parsed.dt.date, index=frame.index).where(parsed.notna(), None)
        elif pd.api.types.is_bool_dtype(s.dtype):
            s = s.astype("boolean")
        elif isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("string")
        elif s.dtype == object:
            sample = s.dropna().head(50).tolist()
            if sample and all(isinstance(v, (list, tuple, np.ndarray, dict, set)) for v in sample):
                s = s.map(lambda v: None if v is None else ", ".join(map(str, v)))
            s = s.astype("string")
        elif pd.api.types.is_string_dtype(s.dtype):
            s = s.astype("string")
        out[name] = s
    return pd.DataFrame(out, index=frame.index)


def _points(frame: pd.DataFrame):
    import geopandas as gpd

    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    f = frame.loc[ok].reset_index(drop=True)
    return gpd.GeoDataFrame(_clean(f), geometry=gpd.points_from_xy(lon[ok], lat[ok]), crs=CRS), int((~ok).sum())


def _multipolygons(geoms) -> np.ndarray:
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    single = shapely.get_type_id(geoms) == 3  # Polygon
    out = geoms.copy()
    out[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
    return out


# ---------------------------------------------------------------------------------------------
# layers


def districts_layer(project, district):
    import geopandas as gpd

    d = frames.district_frame(project)
    if d is None or len(d) == 0:
        return None
    if district is not None:
        keep = d["name"].astype(str).isin(list(district.keys())) | d["district_id"].astype(str).isin(
            list(district.keys()))
        d = d.loc[keep.to_numpy(bool)]
    d = d.reset_index(drop=True)
    return gpd.GeoDataFrame(_clean(d), geometry=_multipolygons(d.geometry.to_numpy()), crs=CRS)


def outlets_layer(project, district):
    o = frames.outlet_frame(project, district)
    if o is None or not {"lat", "lon"} <= set(o.columns):
        return None
    return _points(o)[0]


def expansion_layer(project, district):
    e = frames.expansion_frame(project, district)
    if e is None or not {"lat", "lon"} <= set(e.columns):
        return None
    return _points(e)[0]


def sites_layer(project, district):
    s = frames.sites_frame(project, district)
    if s is None:
        return None
    return _points(s)[0]


def trade_areas_layer(project, district):
    import geopandas as gpd

    sites = frames.sites_frame(project, district, chosen_only=True)
    if sites is None or len(sites) == 0:
        return None
    areas = frames.trade_area_frame(project, sites)
    if areas is None:
        return None
    info = sites[[c for c in ("site_id", "district", "pick_order", "net_sales", "marginal_net_sales")
                  if c in sites.columns]].assign(site_id=sites["site_id"].astype("string"))
    merged = areas.assign(site_id=areas["site_id"].astype("string")).merge(info, on="site_id", how="left")
    return gpd.GeoDataFrame(_clean(merged.drop(columns="geometry")),
                            geometry=_multipolygons(merged.geometry.to_numpy()), crs=CRS)


def route_lines(project, district):
    """One LineString per rep-day from the rep's home through the stops and back (to the end
    point when the rep has one); rep-days without a home and a single stop cannot be lines."""
    import geopandas as gpd
    import shapely

    routes = frames.routes_frame(project)
    if routes is None or len(routes) == 0:
        return None
    reps = frames.rep_frame(project)
    homes, ends, names = {}, {}, {}
    if reps is not None:
        for row in reps.itertuples(index=False):
            if pd.notna(getattr(row, "lat", np.nan)) and pd.notna(getattr(row, "lon", np.nan)):
                homes[row.rep_id] = (float(row.lon), float(row.lat))
            el, eo = getattr(row, "end_lat", np.nan), getattr(row, "end_lon", np.nan)
            if pd.notna(el) and pd.notna(eo):
                ends[row.rep_id] = (float(eo), float(el))
            name = getattr(row, "name", None)
            if name is not None and pd.notna(name):
                names[row.rep_id] = str(name)
    keys = None
    if district is not None:
        visits = frames.routes_frame(project, district)
        keys = set(zip(visits["rep_id"], visits["day"])) if visits is not None else set()
    rows, geoms, skipped = [], [], 0
    for (rep, day), g in routes.groupby(["rep_id", "day"], sort=True):
        if keys is not None and (rep, day) not in keys:
            continue
        xy = [tuple(p) for p in g[["lon", "lat"]].to_numpy(float) if np.isfinite(p).all()]
        home = homes.get(rep)
        if home is not None:
            xy = [home, *xy, ends.get(rep, home)]
        if len(xy) < 2 or len(set(xy)) < 2:
            skipped += 1
            continue
        start = frames.seconds_of_day(g["arrival"]).min() if "arrival" in g else np.nan
        finish = frames.seconds_of_day(g["departure"]).max() if "departure" in g else np.nan
        rows.append({
            "rep_id": str(rep), "rep_name": names.get(rep, pd.NA), "day": int(day),
            "date": g["date"].iloc[0] if "date" in g.columns else pd.NA,
            "stops": int(len(g)),
            "travel_km": float(pd.to_numeric(g["travel_m"], errors="coerce").sum() / 1000)
            if "travel_m" in g.columns else np.nan,
            "travel_min": float(pd.to_numeric(g["travel_s"], errors="coerce").sum() / 60)
            if "travel_s" in g.columns else np.nan,
            "first_arrival": frames.clock(start) or pd.NA, "last_departure": frames.clock(finish) or pd.NA,
        })
        geoms.append(shapely.LineString(xy))
    if skipped:
        log.info("routes layer: %d rep-day(s) without a home base and with one stop are not lines", skipped)
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame["rep_name"] = frame["rep_name"].astype("string")
    frame["first_arrival"] = frame["first_arrival"].astype("string")
    frame["last_departure"] = frame["last_departure"].astype("string")
    return gpd.GeoDataFrame(_clean(frame), geometry=np.asarray(geoms, dtype=object), crs=CRS)


def route_stops_layer(project, district):
    routes = frames.routes_frame(project, district)
    if routes is None:
        return None
    return _points(routes)[0]


def reps_layer(project, district):
    reps = frames.rep_frame(project)
    if reps is None or not {"lat", "lon"} <= set(reps.columns):
        return None
    if district is not None:
        visits = frames.routes_frame(project, district)
        ids = set(visits["rep_id"]) if visits is not None else set()
        reps = reps.loc[reps["rep_id"].isin(ids).to_numpy(bool)]
    out = reps.copy()
    for column in ("shift_start", "shift_end", "break_start", "break_end"):
        if column in out.columns:
            minutes = pd.to_numeric(out[column], errors="coerce")
            out[column] = pd.Series([frames.clock(v * 60) or pd.NA for v in minutes], index=out.index,
                                    dtype="string")
    return _points(out)[0]


def h3_layer(project, district, progress=None):
    import geopandas as gpd
    import shapely

    from gis import hexgrid

    grid = project.grid
    if grid is None or len(grid) == 0:
        return None
    cells = grid.index.to_numpy(dtype=np.int64)
    frame = grid
    if district is not None:
        polygons = project.inputs.get("districts")
        if polygons is None:
            return None
        keys = list(district.keys())
        hit = polygons["name"].astype(str).isin(keys) | polygons["district_id"].astype(str).isin(keys)
        if not hit.any():
            return None
        shape = shapely.union_all(np.asarray(polygons.loc[hit.to_numpy(bool)].geometry.to_numpy(), dtype=object))
        lat, lon = hexgrid.cells_to_latlon(cells)
        inside = shapely.contains_xy(shape, lon, lat)
        cells, frame = cells[inside], grid.loc[inside]
    prog.check(progress)
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    data = pd.DataFrame({"cell": hexgrid.cells_to_str(cells)}, dtype="string")
    data["resolution"] = hexgrid.cell_resolution(cells).astype(np.int64) if len(cells) else \
        pd.Series(dtype=np.int64)
    for c in numeric:
        data[str(c)] = frame[c].to_numpy(dtype=float)
    return gpd.GeoDataFrame(data, geometry=hexgrid.cells_to_polygons(cells), crs=CRS)


def about_table(project, options: ExportOptions, district, layers: list[str], missing: list[str]) -> pd.DataFrame:
    from gis.export.printmap import source_text

    rows = [("project", project.name), ("prepared", options.date_text()),
            ("scope", district.name if district is not None else "all districts"),
            ("crs", "EPSG:4326 (WGS-84)"), ("h3_resolution", str(project.resolution)),
            ("layers", ", ".join(layers)), ("source", source_text(project, "en"))]
    rows += [("missing", labels.result_name(m, "en")) for m in missing]
    return pd.DataFrame(rows, columns=["key", "value"]).astype("string")


LAYERS = (
    ("districts", districts_layer),
    ("outlets", outlets_layer),
    ("expansion", expansion_layer),
    ("sites", sites_layer),
    ("trade_areas", trade_areas_layer),
    ("routes", route_lines),
    ("route_stops", route_stops_layer),
    ("reps", reps_layer),
)


def build_geopackage(project, options: ExportOptions, path, progress=None) -> Path:
    """Write every layer that exists to ``path`` (the caller makes the write atomic)."""
    import pyogrio

    progress = prog.ensure(progress)
    district = frames.resolve_district(project, options.district)
    path = Path(path)
    written: list[str] = []

    def write(name: str, frame) -> None:
        try:
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", use_arrow=True,
                                    append=False, promote_to_multi=False)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, OSError) as error:
            raise StorePlanError(f"cannot write layer {name!r} to {path}: {error}") from error
        written.append(name)

    steps = len(LAYERS) + 2
    for i, (name, build) in enumerate(LAYERS):
        prog.check(progress)
        progress.report(i / steps, name)
        frame = build(project, district)
        if frame is None or len(frame) == 0:
            continue
        write(name, frame)
    prog.check(progress)
    progress.report(len(LAYERS) / steps, "h3_grid")
    grid = h3_layer(project, district, progress)
    if grid is not None and len(grid):
        write("h3_grid", grid)
    prog.check(progress)
    missing = frames.missing_results(project)
    write("about", about_table(project, options, district, list(written), missing))
    progress.report(1.0, "")
    return path

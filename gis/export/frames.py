"""The project's tables as the exports need them: joined, filtered to a district, never mutated.

Every function takes a :class:`gis.project.Project` and returns new frames (or ``None`` when the
table it needs does not exist), so each export works with whatever results exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis.errors import ConfigError

log = logging.getLogger(__name__)

PREFERRED_METRICS = ("population", "residents", "heat", "workers", "visitors", "consumption_index")
RESULTS = ("district_ranking", "outlet_scores", "expansion_list", "sites", "trade_areas",
           "outlet_strategy", "routes", "rep_summary", "unscheduled")
SECONDS_OF_DAY_LIMIT = 2 * 24 * 60  # a time of day above this many units is in seconds, not minutes


def missing_results(project) -> list[str]:
    """Names of the analysis results the exports use that the project does not hold."""
    return [name for name in RESULTS if _table(project.results, name) is None]


def _table(tables: dict, name: str):
    df = tables.get(name)
    return df if isinstance(df, pd.DataFrame) else None


def _str(series: pd.Series) -> pd.Series:
    return series.astype("string")


# ---------------------------------------------------------------------------------------------
# districts


@dataclass(frozen=True)
class District:
    """One district an export is restricted to: its id (may be empty) and display name."""

    id: str
    name: str

    def keys(self) -> set[str]:
        return {k for k in (self.id, self.name) if k}


def district_list(project) -> list[District]:
    """Every district the project knows, in ranking order when ranked, else by name."""
    polygons = project.inputs.get("districts")
    ranking = _table(project.results, "district_ranking")
    found: dict[str, District] = {}
    if polygons is not None and {"district_id", "name"} <= set(polygons.columns):
        for i, n in zip(polygons["district_id"].astype(str), polygons["name"].astype(str)):
            found.setdefault(n, District(i, n))
    if ranking is not None and "district" in ranking.columns:
        ids = ranking["district_id"].astype("string") if "district_id" in ranking.columns else None
        for k, n in enumerate(ranking["district"].astype("string")):
            if pd.isna(n):
                continue
            did = "" if ids is None or pd.isna(ids.iloc[k]) else str(ids.iloc[k])
            found.setdefault(str(n), District(did, str(n)))
    outlets = project.inputs.get("outlets")
    if outlets is not None and "district" in outlets.columns:
        for n in outlets["district"].dropna().astype(str).unique():
            found.setdefault(n, District("", n))
    order = []
    if ranking is not None and {"district", "rank"} <= set(ranking.columns):
        order = ranking.sort_values("rank", kind="stable")["district"].astype(str).tolist()
    position = {n: i for i, n in enumerate(order)}
    return sorted(found.values(), key=lambda d: (position.get(d.name, len(position)), d.name))


def resolve_district(project, key: str | None) -> District | None:
    """The district named or numbered ``key`` (None for the whole area); ConfigError when unknown."""
    if key is None:
        return None
    key = str(key).strip()
    districts = district_list(project)
    for d in districts:
        if key in d.keys():
            return d
    names = ", ".join(d.name for d in districts[:40]) or "none"
    raise ConfigError(f"no district {key!r} in this project; districts: {names}")


def in_district(frame: pd.DataFrame, district: District | None, column: str = "district") -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` names the district (by id or name); all rows for None."""
    if district is None:
        return frame
    if column not in frame.columns:
        return frame.iloc[0:0]
    keep = frame[column].astype("string").isin(list(district.keys())).fillna(False).to_numpy(bool)
    return frame.loc[keep]


def district_frame(project):
    """District polygons (GeoDataFrame, EPSG:4326) with the ranking's columns joined, or None."""
    polygons = project.inputs.get("districts")
    if polygons is None:
        return None
    ranking = _table(project.results, "district_ranking")
    out = polygons.copy()
    if ranking is None or "district" not in ranking.columns:
        return out
    right = ranking.drop_duplicates("district").copy()
    by_id = "district_id" in right.columns and out["district_id"].astype(str).isin(
        right["district_id"].astype(str)).any()
    left_key, right_key = ("district_id", "district_id") if by_id else ("name", "district")
    right["_key"] = right[right_key].astype(str)
    right = right.drop(columns=[c for c in right.columns if c in out.columns and c != "_key"])
    out["_key"] = out[left_key].astype(str)
    merged = out.merge(right, on="_key", how="left").drop(columns="_key")
    return merged.set_geometry("geometry") if hasattr(merged, "set_geometry") else merged


def ranking_frame(project, district: District | None = None) -> pd.DataFrame | None:
    ranking = _table(project.results, "district_ranking")
    if ranking is None:
        return None
    out = ranking.sort_values("rank", kind="stable") if "rank" in ranking.columns else ranking
    return in_district(out, district).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# outlets


def outlet_frame(project, district: District | None = None) -> pd.DataFrame | None:
    """Outlets with their scores (score, tier, potential, gap…) and strategy columns when present."""
    outlets = project.inputs.get("outlets")
    scores = _table(project.results, "outlet_scores")
    if outlets is None and scores is None:
        return None
    if outlets is None:
        out = scores.copy()
    elif scores is None or "outlet_id" not in scores.columns:
        out = outlets.copy()
    else:
        left = outlets.assign(outlet_id=_str(outlets["outlet_id"]))
        right = scores.drop_duplicates("outlet_id")
        right = right.assign(outlet_id=_str(right["outlet_id"]))
        extra = [c for c in right.columns if c not in left.columns or c == "outlet_id"]
        # the scores' district and channel win: scoring may have classified missing channels
        override = [c for c in ("district", "channel") if c in right.columns and c in left.columns]
        out = left.merge(right[extra + override].rename(columns={c: f"_{c}" for c in override}),
                         on="outlet_id", how="left")
        for c in override:
            theirs = out[f"_{c}"].astype("string")
            out[c] = theirs.where(theirs.notna(), out[c].astype("string"))
            out = out.drop(columns=f"_{c}")
    strategy = _table(project.results, "outlet_strategy")
    if strategy is not None and "outlet_id" in strategy.columns and "outlet_id" in out.columns:
        cols = [c for c in ("segment", "price_band", "promotion", "visits_per_month", "recommended_products")
                if c in strategy.columns and c not in out.columns]
        if cols:
            right = strategy.drop_duplicates("outlet_id")[["outlet_id", *cols]]
            right = right.assign(outlet_id=_str(right["outlet_id"]))
            out = out.assign(outlet_id=_str(out["outlet_id"])).merge(right, on="outlet_id", how="left")
    return in_district(out, district).reset_index(drop=True)


def with_points(frame: pd.DataFrame, project) -> pd.DataFrame:
    """``frame`` with lat/lon taken from the outlets by ``outlet_id`` when it has none."""
    if {"lat", "lon"} <= set(frame.columns) or "outlet_id" not in frame.columns:
        return frame
    outlets = project.inputs.get("outlets")
    if outlets is None:
        return frame
    pts = outlets[["outlet_id", "lat", "lon"]].assign(outlet_id=_str(outlets["outlet_id"]))
    return frame.assign(outlet_id=_str(frame["outlet_id"])).merge(pts.drop_duplicates("outlet_id"),
                                                                  on="outlet_id", how="left")


def expansion_frame(project, district: District | None = None) -> pd.DataFrame | None:
    table = _table(project.results, "expansion_list")
    if table is None:
        return None
    out = with_points(table, project)
    if "district" not in out.columns:
        out = out.merge(outlet_district(project), on="outlet_id", how="left")
    sort = [c for c in ("district", "rank") if c in out.columns]
    if sort:
        out = out.sort_values(sort, kind="stable")
    return in_district(out, district).reset_index(drop=True)


def outlet_district(project) -> pd.DataFrame:
    outlets = project.inputs.get("outlets")
    if outlets is None or "district" not in outlets.columns:
        return pd.DataFrame({"outlet_id": pd.Series(dtype="string"), "district": pd.Series(dtype="string")})
    return pd.DataFrame({"outlet_id": _str(outlets["outlet_id"]), "district": _str(outlets["district"])}) \
        .drop_duplicates("outlet_id")


def strategy_frame(project, district: District | None = None) -> pd.DataFrame | None:
    table = _table(project.results, "outlet_strategy")
    if table is None:
        return None
    out = table
    if "district" not in out.columns and "outlet_id" in out.columns:
        out = out.assign(outlet_id=_str(out["outlet_id"])).merge(outlet_district(project), on="outlet_id", how="left")
    return in_district(out, district).reset_index(drop=True)


def strategy_summary(project, district: District | None = None) -> pd.DataFrame | None:
    """Per segment: outlets, covered, the most common price band and promotion, visits per month."""
    table = strategy_frame(project, district)
    if table is None or "segment" not in table.columns or len(table) == 0:
        return None

    def mode(series: pd.Series):
        counts = series.dropna().astype(str).value_counts()
        return counts.index[0] if len(counts) else pd.NA

    g = table.assign(segment=table["segment"].astype("string").fillna("–")).groupby("segment", sort=False)
    out = pd.DataFrame({"segment": list(g.groups), "outlets": g.size().to_numpy()})
    if "covered" in table.columns:
        out["outlets_covered"] = g["covered"].apply(lambda s: int(s.astype("boolean").fillna(True).sum())).to_numpy()
    for column in ("price_band", "promotion"):
        if column in table.columns:
            out[column] = g[column].apply(mode).to_numpy()
    if "visits_per_month" in table.columns:
        out["visits_per_month"] = g["visits_per_month"].sum().to_numpy(dtype=float)
    return out.sort_values(["outlets", "segment"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# sites


def sites_frame(project, district: District | None = None, chosen_only: bool = False) -> pd.DataFrame | None:
    table = _table(project.results, "sites")
    if table is None or not {"lat", "lon"} <= set(table.columns):
        return None
    out = table
    if "chosen" in out.columns:
        chosen = out["chosen"].astype("boolean").fillna(False).to_numpy(bool)
        if chosen_only:
            out = out.loc[chosen]
        else:  # chosen first, in pick order
            order = np.lexsort((np.arange(len(out)), ~chosen))
            out = out.iloc[order]
    elif chosen_only:
        out = out.iloc[0:0]
    if district is not None and "district" not in out.columns:
        out = out.assign(district=_district_of_points(project, out))
    return in_district(out, district).reset_index(drop=True)


def _district_of_points(project, frame: pd.DataFrame) -> pd.Series:
    polygons = project.inputs.get("districts")
    if polygons is None or len(frame) == 0:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    from gis.districts import assign_points

    ids = assign_points(frame["lat"].to_numpy(float), frame["lon"].to_numpy(float), polygons)
    names = polygons.assign(district_id=polygons["district_id"].astype(str)).set_index("district_id")["name"]
    return pd.Series(np.asarray(ids, dtype=object), index=frame.index).map(names).astype("string")


def trade_area_frame(project, sites: pd.DataFrame | None = None):
    """One (Multi)Polygon per site: the union of its trade-area cells (GeoDataFrame) or None.

    Columns: site_id, cells, expected_sales (Σ over the cells when given), spend, geometry.
    ``sites`` restricts the result to those sites.
    """
    import geopandas as gpd
    import shapely

    from gis import hexgrid

    table = _table(project.results, "trade_areas")
    if table is None or not {"site_id", "cell"} <= set(table.columns) or len(table) == 0:
        return None
    t = table.assign(site_id=_str(table["site_id"]))
    if sites is not None:
        t = t.loc[t["site_id"].isin(_str(sites["site_id"]))]
    if len(t) == 0:
        return None
    cells = np.asarray(t["cell"].to_numpy(), dtype=np.int64)
    polys = hexgrid.cells_to_polygons(cells)
    rows = []
    for site, idx in t.groupby("site_id", sort=False).indices.items():
        shape = shapely.union_all(polys[idx], grid_size=1e-9)
        if shape.geom_type == "Polygon":
            shape = shapely.MultiPolygon([shape])
        g = t.iloc[idx]
        rows.append({
            "site_id": str(site), "cells": int(len(idx)),
            "spend": float(pd.to_numeric(g["spend"], errors="coerce").sum()) if "spend" in g else np.nan,
            "expected_sales": (float(pd.to_numeric(g["expected_sales"], errors="coerce").sum())
                               if "expected_sales" in g else np.nan),
            "geometry": shape,
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


# ---------------------------------------------------------------------------------------------
# routes


def seconds_of_day(series: pd.Series) -> pd.Series:
    """A time-of-day column as float seconds since midnight (minutes are detected by their range)."""
    v = pd.to_numeric(series, errors="coerce").astype(float)
    finite = v[np.isfinite(v)]
    if len(finite) and float(finite.max()) <= SECONDS_OF_DAY_LIMIT:
        return v * 60.0
    return v


def clock(seconds: float) -> str:
    """``"09:05"`` for 32,700 seconds since midnight; "" for missing."""
    if seconds is None or not np.isfinite(seconds):
        return ""
    minutes = int(round(float(seconds) / 60.0))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def routes_frame(project, district: District | None = None) -> pd.DataFrame | None:
    """Visits (rep_id, day, seq, outlet_id, lat, lon…) sorted by rep, day, stop; None without routes.

    With a district: the visits to outlets in that district (and the routes they belong to are
    found by :func:`route_keys`).
    """
    table = _table(project.results, "routes")
    if table is None or not {"rep_id", "day", "seq"} <= set(table.columns):
        return None
    out = with_points(table, project)
    if not {"lat", "lon"} <= set(out.columns):
        return None
    out = out.assign(rep_id=_str(out["rep_id"]))
    out = out.sort_values(["rep_id", "day", "seq"], kind="stable")
    if district is not None:
        if "district" not in out.columns:
            out = out.merge(outlet_district(project), on="outlet_id", how="left")
        out = in_district(out, district)
    return out.reset_index(drop=True)


def rep_frame(project) -> pd.DataFrame | None:
    reps = project.inputs.get("reps")
    if reps is None or "rep_id" not in reps.columns:
        return None
    return reps.assign(rep_id=_str(reps["rep_id"])).drop_duplicates("rep_id").reset_index(drop=True)


def rep_coverage(project, district: District | None = None) -> pd.DataFrame | None:
    """Per rep: outlets visited, visits, days worked, travel (km) — in ``district`` when given."""
    routes = routes_frame(project, district)
    if routes is None or len(routes) == 0:
        return None
    g = routes.groupby("rep_id", sort=True)
    out = pd.DataFrame({
        "rep_id": list(g.groups),
        "outlets": g["outlet_id"].nunique().to_numpy() if "outlet_id" in routes else g.size().to_numpy(),
        "visits": g.size().to_numpy(),
        "days": g["day"].nunique().to_numpy(),
    })
    if "travel_m" in routes.columns:
        out["travel_m"] = g["travel_m"].sum().to_numpy(dtype=float)
    reps = rep_frame(project)
    if reps is not None and "name" in reps.columns:
        out = out.merge(reps[["rep_id", "name"]].rename(columns={"name": "rep_name"}), on="rep_id", how="left")
        out = out[["rep_id", "rep_name", *[c for c in out.columns if c not in ("rep_id", "rep_name")]]]
    return out.sort_values(["visits", "rep_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# grid


def hex_metric(project, wanted: str = "") -> str | None:
    grid = project.grid
    if grid is None or len(grid) == 0:
        return None
    numeric = [c for c in grid.columns if pd.api.types.is_numeric_dtype(grid[c])]
    if wanted:
        if wanted not in numeric:
            raise ConfigError(f"the grid has no numeric metric {wanted!r}; it has {', '.join(numeric) or 'none'}")
        return wanted
    for m in PREFERRED_METRICS:
        if m in numeric:
            return m
    return numeric[0] if numeric else None

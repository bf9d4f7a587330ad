"""Candidate sites: H3 cells of the demand layer, or the user's own points, filtered by constraints.

Constraints (from :class:`~gis.siting.params.SitingParams`): the candidate lies in one of the
chosen districts (matched on district id or name), its cell's spend is at least ``min_demand``,
and it is at least ``min_distance_m`` from every existing own store (and
``min_distance_competitor_m`` from every competitor). Every filter reports how many candidates it
removed, so the user sees why a part of the map has no candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from gis.errors import AnalysisError
from gis.siting.huff import LocalPlane
from gis.siting.params import SitingParams


@dataclass(frozen=True)
class CandidateFilter:
    """Which candidates pass, and how many each constraint removed (in the order applied)."""

    keep: np.ndarray
    removed: dict[str, int]

    def describe(self) -> str:
        parts = [f"{n:,} by {what}" for what, n in self.removed.items() if n]
        kept = int(self.keep.sum())
        total = len(self.keep)
        return (f"{kept:,} of {total:,} candidates kept" + (f" (removed {', '.join(parts)})" if parts else "") + ".")


def _distance_to_nearest(xy: np.ndarray, points_xy: np.ndarray) -> np.ndarray:
    if len(points_xy) == 0 or len(xy) == 0:
        return np.full(len(xy), np.inf)
    d, _ = cKDTree(points_xy).query(xy, k=1)
    return d


def filter_candidates(lat, lon, demand, *, params: SitingParams, plane: LocalPlane,
                      own_lat=(), own_lon=(), competitor_lat=(), competitor_lon=(),
                      district_id=None, district_name=None) -> CandidateFilter:
    """Apply the constraints of ``params`` to candidate points (arrays aligned with each other)."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    demand = np.asarray(demand, dtype=float)
    keep = np.isfinite(lat) & np.isfinite(lon)
    removed = {"missing coordinates": int((~keep).sum())}
    if params.districts:
        if district_id is None and district_name is None:
            raise AnalysisError(
                f"siting: the candidates are restricted to districts {list(params.districts)} but no "
                "district boundaries were given; add a districts file or clear the district constraint.")
        wanted = set(params.districts)
        inside = np.zeros(len(lat), dtype=bool)
        for values in (district_id, district_name):
            if values is not None:
                arr = pd.Series(values, dtype="string").fillna("").to_numpy(dtype=object)
                inside |= np.isin(arr, list(wanted))
        removed["district"] = int((keep & ~inside).sum())
        keep &= inside
    if params.min_demand > 0:
        ok = np.nan_to_num(demand, nan=0.0) >= params.min_demand
        removed["minimum demand"] = int((keep & ~ok).sum())
        keep &= ok
    xy = plane.project(lat, lon)
    if params.min_distance_m > 0:
        d = _distance_to_nearest(xy, plane.project(np.asarray(own_lat, float), np.asarray(own_lon, float)))
        ok = d >= params.min_distance_m
        removed["distance to own stores"] = int((keep & ~ok).sum())
        keep &= ok
    if params.min_distance_competitor_m > 0:
        d = _distance_to_nearest(xy, plane.project(np.asarray(competitor_lat, float),
                                                   np.asarray(competitor_lon, float)))
        ok = d >= params.min_distance_competitor_m
        removed["distance to competitors"] = int((keep & ~ok).sum())
        keep &= ok
    return CandidateFilter(keep, removed)


def cell_candidates(cells, lat, lon, demand, district=None) -> pd.DataFrame:
    """Every demand cell as a candidate.

    Columns ``site_id`` (H3 text), ``cell``, ``lat``, ``lon``, ``name``, ``district``, ``demand``.
    """
    from gis.hexgrid import cells_to_str

    cells = np.asarray(cells, dtype=np.int64)
    return pd.DataFrame({
        "site_id": pd.array(cells_to_str(cells), dtype="string"),
        "cell": cells,
        "lat": np.asarray(lat, dtype=float),
        "lon": np.asarray(lon, dtype=float),
        "name": pd.array([""] * len(cells), dtype="string"),
        "district": pd.array(district if district is not None else [pd.NA] * len(cells), dtype="string"),
        "demand": np.asarray(demand, dtype=float),
    })


def point_candidates(points: pd.DataFrame) -> pd.DataFrame:
    """The user's candidate points (``lat``, ``lon``; optional ``site_id``/``outlet_id``, ``name``, ``district``)."""
    missing = [c for c in ("lat", "lon") if c not in points.columns]
    if missing:
        raise AnalysisError(f"siting: the candidate points have no {', '.join(missing)} column.")
    if "site_id" in points.columns:
        ids = points["site_id"].astype("string")
    elif "outlet_id" in points.columns:
        ids = points["outlet_id"].astype("string")
    else:
        ids = pd.Series([f"P{k + 1}" for k in range(len(points))], dtype="string", index=points.index)
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated(keep=False) | ids.isna()].head(5).tolist()
        raise AnalysisError(f"siting: candidate point ids must be unique and present (e.g. {dup}).")
    out = pd.DataFrame({
        "site_id": ids.to_numpy(),
        "lat": points["lat"].to_numpy(dtype=float),
        "lon": points["lon"].to_numpy(dtype=float),
    })
    out["site_id"] = out["site_id"].astype("string")
    out["name"] = (points["name"].astype("string").to_numpy() if "name" in points.columns
                   else pd.array([""] * len(points), dtype="string"))
    out["district"] = (points["district"].astype("string").to_numpy() if "district" in points.columns
                       else pd.array([pd.NA] * len(points), dtype="string"))
    return out


__all__ = ["CandidateFilter", "filter_candidates", "cell_candidates", "point_candidates"]

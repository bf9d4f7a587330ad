"""Assigning H3 cells and outlets to districts (片区).

Districts are a GeoDataFrame in EPSG:4326 with ``district_id`` (str), ``name`` and a valid
(Multi)Polygon ``geometry``. A point on a border shared by several districts goes to the one
with the smallest ``district_id`` (string order), so the answer never depends on row order.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis import hexgrid
from gis.errors import GridError
from gis.memo import Memo

log = logging.getLogger(__name__)


def _district_arrays(districts) -> tuple[np.ndarray, np.ndarray]:
    """(district ids as str, geometries) sorted by id; checks columns and CRS."""
    for col in ("district_id", "geometry"):
        if col not in districts.columns:
            raise GridError(f"the districts table lacks the column {col!r}")
    crs = getattr(districts, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        districts = districts.to_crs(4326)
    ids = districts["district_id"].astype(str).to_numpy(dtype=object)
    if len(set(ids)) != len(ids):
        raise GridError("district_id values must be unique")
    geoms = np.asarray(districts.geometry.values, dtype=object)
    order = np.argsort(ids, kind="stable")
    return ids[order], np.array(list(geoms[order]), dtype=object)




def _locate(lat: np.ndarray, lon: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Index into ``geoms`` of the polygon containing each point (boundary included), or −1.

    Districts are few and points many: one prepared polygon at a time, tested against the points
    in its bounding box, is ~30× faster than an STRtree query of every point. ``geoms`` is sorted
    by id, so a point on a shared border keeps the first (smallest id) district.
    """
    import shapely

    out = np.full(len(lat), -1, dtype=np.int64)
    for i, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            continue
        xmin, ymin, xmax, ymax = shapely.bounds(geom)
        cand = np.flatnonzero((out < 0) & (lon >= xmin) & (lon <= xmax) & (lat >= ymin) & (lat <= ymax))
        if cand.size == 0:
            continue
        shapely.prepare(geom)
        inside = shapely.intersects_xy(geom, lon[cand], lat[cand])
        out[cand[inside]] = i
    return out


def _string_series(values: np.ndarray, index) -> pd.Series:
    return pd.Series(pd.array(values, dtype="string"), index=index, name="district_id")


def assign_points(lat, lon, districts) -> pd.Series:
    """District of each point (``<NA>`` outside every district or with missing coordinates),
    aligned to the input (its index if ``lat`` is a Series)."""
    index = lat.index if isinstance(lat, pd.Series) else pd.RangeIndex(len(np.asarray(lat)))
    lat = np.asarray(lat, dtype=float).reshape(-1)
    lon = np.asarray(lon, dtype=float).reshape(-1)
    ids, geoms = _district_arrays(districts)
    values = np.full(len(lat), None, dtype=object)
    ok = hexgrid.valid_latlon(lat, lon)
    if ok.any() and len(geoms):
        hit = _locate(lat[ok], lon[ok], geoms)
        found = np.where(hit >= 0, ids[np.maximum(hit, 0)], None)
        values[ok] = found
    return _string_series(values, index)


@dataclass(frozen=True)
class OutsideSummary:
    """Points that fall in no district: how many, and the first few row labels."""

    count: int
    total: int
    rows: tuple = ()

    def to_dict(self) -> dict:
        return {"count": self.count, "total": self.total, "rows": list(self.rows)}

    def message(self) -> str:
        if not self.count:
            return f"all {self.total} points lie in a district"
        shown = ", ".join(str(r) for r in self.rows) + (", …" if self.count > len(self.rows) else "")
        return f"{self.count} of {self.total} points lie outside every district (rows {shown})"


def points_outside(assigned: pd.Series, limit: int = 10) -> OutsideSummary:
    """Summary of the points :func:`assign_points` left without a district, for the report."""
    missing = assigned.isna().to_numpy()
    rows = tuple(assigned.index[missing][:limit].tolist())
    return OutsideSummary(count=int(missing.sum()), total=len(assigned), rows=rows)


def assign_cells(cells, districts, method: str = "centroid"):
    """District of H3 cells.

    - "centroid": a Series indexed by cell (input order) with the district containing the cell's
      centre, ``<NA>`` outside;
    - "area": a DataFrame (``cell``, ``district_id``, ``share``) listing every district a cell
      overlaps and the share of the cell's area inside it (shares of a cell add to 1 when the
      districts cover it), sorted by cell then district. Areas are in degrees², fine for the
      ratio within one small cell.
    """
    import shapely

    arr = hexgrid.require_valid_cells(hexgrid.as_cells(cells))
    ids, geoms = _district_arrays(districts)
    if method == "centroid":
        lat, lon = hexgrid.cells_to_latlon(arr)
        hit = _locate(lat, lon, geoms) if len(arr) and len(geoms) else np.full(len(arr), -1)
        values = np.where(hit >= 0, ids[np.maximum(hit, 0)], None) if len(ids) else np.full(len(arr), None)
        return _string_series(values, pd.Index(arr, name="cell"))
    if method == "area":
        if len(arr) == 0 or len(geoms) == 0:
            return pd.DataFrame({"cell": np.zeros(0, dtype=np.int64),
                                 "district_id": pd.array([], dtype="string"), "share": np.zeros(0)})
        hexes = hexgrid.cells_to_polygons(arr)
        tree = shapely.STRtree(geoms)
        h, d = tree.query(hexes, predicate="intersects")
        area = shapely.area(shapely.intersection(hexes[h], geoms[d]))
        share = area / shapely.area(hexes[h])
        keep = share > 0
        frame = pd.DataFrame({"cell": arr[h[keep]], "district_id": pd.array(ids[d[keep]], dtype="string"),
                              "share": share[keep]})
        return frame.sort_values(["cell", "district_id"], kind="stable").reset_index(drop=True)
    raise GridError(f"unknown assignment method {method!r}: use 'centroid' or 'area'")


def cells_for_districts(districts, resolution: int = hexgrid.DEFAULT_RESOLUTION,
                        include_edge: bool = True) -> pd.Series:
    """The cells covering the districts: a Series cell → district_id, sorted by cell, with no cell
    twice.

    A cell belongs to the district containing its centre. With ``include_edge``, cells along the
    outer edge whose centre lies outside every district but which overlap one (a coastline, the
    city limit) go to the district holding the largest part of them, so every district area is
    covered; a district too small to hold any cell centre gets the cell containing a point of it.
    """
    resolution = hexgrid.validate_resolution(resolution)
    ids, geoms = _district_arrays(districts)
    key = _polygons_key(ids, geoms, resolution, include_edge)
    kept = _covers.get(key)
    if kept is not None:
        return kept
    cover = _cells_for_districts(districts, ids, geoms, resolution, include_edge)
    _covers.put(key, cover)
    return cover


# Covering polygons with cells takes seconds for a city and the districts rarely change between
# runs (each re-run of the insight stage asks again): the last few covers are kept.
_covers = Memo(size=4)


def _polygons_key(ids, geoms, resolution: int, include_edge: bool) -> tuple:
    import shapely

    digest = hashlib.blake2b(digest_size=16)
    for i, g in zip(ids, geoms):
        digest.update(str(i).encode("utf-8") + b"\0")
        digest.update(b"" if g is None else shapely.to_wkb(g))
    return digest.hexdigest(), resolution, include_edge


def _cells_for_districts(districts, ids, geoms, resolution: int, include_edge: bool) -> pd.Series:
    import shapely

    mode = "overlap" if include_edge else "center"
    found = [hexgrid.polygon_to_cells(g, resolution, contain=mode) for g in geoms]
    if include_edge:
        # a sliver can escape h3's overlap test: add the cell of a point on each district
        for i, g in enumerate(geoms):
            if g is not None and not shapely.is_empty(g):
                p = shapely.point_on_surface(g)
                found[i] = np.union1d(found[i], hexgrid.latlon_to_cells([p.y], [p.x], resolution))
    if not any(len(f) for f in found):
        return pd.Series(pd.array([], dtype="string"), index=pd.Index(np.zeros(0, np.int64), name="cell"),
                         name="district_id")
    cells = np.unique(np.concatenate(found))
    by_centre = assign_cells(cells, districts, method="centroid")
    values = by_centre.to_numpy(dtype=object, na_value=None)
    outside = np.array([v is None for v in values])
    if include_edge and outside.any():
        shares = assign_cells(cells[outside], districts, method="area")
        if len(shares):
            best = (shares.sort_values(["cell", "share", "district_id"], ascending=[True, False, True])
                    .drop_duplicates("cell"))
            lookup = dict(zip(best["cell"].tolist(), best["district_id"].tolist()))
            values[outside] = [lookup.get(c) for c in cells[outside].tolist()]
    keep = np.array([v is not None for v in values])
    if include_edge:
        # districts without any cell (smaller than a cell): give them the cell on their surface
        present = set(v for v in values[keep])
        for i, g in enumerate(geoms):
            if ids[i] not in present and len(found[i]):
                p = shapely.point_on_surface(g)
                cell = hexgrid.latlon_to_cells([p.y], [p.x], resolution)[0]
                values[np.searchsorted(cells, cell)] = ids[i]
                keep[np.searchsorted(cells, cell)] = True
    return _string_series(values[keep], pd.Index(cells[keep], name="cell"))

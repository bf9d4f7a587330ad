"""Catchment (商圈) sums: the metrics of a grid layer around points or around every cell.

A catchment is either a k-ring of H3 cells around the cell of the point (``k``), or the cells
whose centres lie within ``radius_m`` metres of the point itself (``radius_m``). Each cell gets a
weight from its distance ``d`` — in rings for ``k``, in metres (point to cell centre) for
``radius_m`` — and a scale ``L`` (``decay_param``):

- "none":        w = 1
- "linear":      w = max(0, 1 − d / L)       default L = k + 1 rings, or radius_m
- "exponential": w = exp(−d / L)             default L = (k + 1) / 2 rings, or radius_m / 2
- "gaussian":    w = exp(−(d / L)² / 2)      default L = (k + 1) / 2 rings, or radius_m / 2

Extensive metrics become weighted sums Σ w·v; intensive metrics weighted means Σ w·v / Σ w over
the cells of the catchment that have a value (NaN when none has).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from gis import hexgrid
from gis.errors import GridError
from gis.gridlayer import layer_resolution, make_layer

log = logging.getLogger(__name__)

DECAYS = ("none", "linear", "exponential", "gaussian")
EARTH_RADIUS_M = 6_371_008.8


def decay_weights(distance: np.ndarray, decay: str, scale: float) -> np.ndarray:
    """Weights for distances (rings or metres) under a decay and its scale (see module notes)."""
    d = np.asarray(distance, dtype=float)
    if decay == "none":
        return np.ones_like(d)
    if decay == "linear":
        return np.clip(1.0 - d / scale, 0.0, None)
    if decay == "exponential":
        return np.exp(-d / scale)
    if decay == "gaussian":
        return np.exp(-0.5 * (d / scale) ** 2)
    raise GridError(f"unknown decay {decay!r}: use one of {', '.join(DECAYS)}")


def _decay_scale(decay: str, decay_param, k: int | None, radius_m: float | None) -> float:
    if decay not in DECAYS:
        raise GridError(f"unknown decay {decay!r}: use one of {', '.join(DECAYS)}")
    if decay_param is not None:
        scale = float(decay_param)
        if not scale > 0:
            raise GridError(f"decay_param must be positive, got {decay_param!r}")
        return scale
    reach = (k + 1) if k is not None else radius_m
    return float(reach) if decay == "linear" else float(reach) / 2.0


def haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in metres between paired points."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _metric_columns(layer: pd.DataFrame, columns) -> tuple[list[str], list[str]]:
    cols = list(layer.columns) if columns is None else [str(c) for c in columns]
    unknown = [c for c in cols if c not in layer.columns]
    if unknown:
        raise GridError(f"metrics {unknown} are not in the layer (it has {list(layer.columns)})")
    intensive = [c for c in layer.attrs.get("intensive", []) if c in cols]
    return cols, intensive


def _aggregate(group: np.ndarray, n_groups: int, neighbour: np.ndarray, weight: np.ndarray,
               layer: pd.DataFrame, cols: list[str], intensive: list[str]) -> dict[str, np.ndarray]:
    """Weighted sums / means of layer values over (group, neighbour, weight) rows."""
    index = layer.index.to_numpy()
    pos = np.searchsorted(index, neighbour)
    pos_clipped = np.minimum(pos, max(len(index) - 1, 0))
    found = (pos < len(index)) & (index[pos_clipped] == neighbour) if len(index) else np.zeros(len(pos), bool)
    group, pos, weight = group[found], pos_clipped[found], weight[found]
    out = {}
    for c in cols:
        values = layer[c].to_numpy(dtype=float)[pos]
        has = np.isfinite(values)
        num = np.bincount(group, weights=np.where(has, values * weight, 0.0), minlength=n_groups)
        if c in intensive:
            den = np.bincount(group, weights=np.where(has, weight, 0.0), minlength=n_groups)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[c] = np.where(den > 0, num / den, np.nan)
        else:
            out[c] = num
    return out


def _validate_k(k) -> int:
    try:
        k_int = int(k)
    except (TypeError, ValueError):
        raise GridError(f"k must be a whole number of rings ≥ 0, got {k!r}") from None
    if k_int != k or k_int < 0:
        raise GridError(f"k must be a whole number of rings ≥ 0, got {k!r}")
    return k_int


def catchment_sums(lat, lon, layer: pd.DataFrame, k: int | None = None, radius_m: float | None = None,
                   decay: str = "none", decay_param: float | None = None,
                   columns=None) -> pd.DataFrame:
    """Metric totals (extensive) or means (intensive) in the catchment of each point.

    Give exactly one of ``k`` (rings around the point's cell) or ``radius_m`` (cells whose centre is
    within that many metres of the point). Returns a DataFrame aligned to the points (their index
    if ``lat`` is a Series, else a RangeIndex), one column per metric; points with missing or
    out-of-range coordinates get NaN.
    """
    if (k is None) == (radius_m is None):
        raise GridError("give exactly one of k (rings) or radius_m (metres)")
    res = layer_resolution(layer)
    cols, intensive = _metric_columns(layer, columns)
    index = lat.index if isinstance(lat, pd.Series) else pd.RangeIndex(len(np.asarray(lat)))
    lat = np.asarray(lat, dtype=float).reshape(-1)
    lon = np.asarray(lon, dtype=float).reshape(-1)
    if lat.shape != lon.shape:
        raise GridError(f"lat and lon differ in length ({len(lat)} and {len(lon)})")
    if k is not None:
        k = _validate_k(k)
    else:
        radius_m = float(radius_m)
        if not radius_m > 0:
            raise GridError(f"radius_m must be positive, got {radius_m!r}")
    scale = _decay_scale(decay, decay_param, k, radius_m)
    ok = hexgrid.valid_latlon(lat, lon)
    result = {c: np.full(len(lat), np.nan) for c in cols}
    if ok.any():
        p_lat, p_lon = lat[ok], lon[ok]
        codes, group_cells = hexgrid.latlon_to_cell_groups(p_lat, p_lon, res)
        origins, group_to_origin = np.unique(group_cells, return_inverse=True)
        point_origin = group_to_origin[codes]
        if k is not None:
            o_idx, nb, dist = hexgrid.grid_disk(origins, k)
            agg = _aggregate(o_idx, len(origins), nb, decay_weights(dist, decay, scale), layer, cols, intensive)
            for c in cols:
                result[c][ok] = agg[c][point_origin]
        else:
            agg = _radius_aggregate(p_lat, p_lon, point_origin, origins, radius_m, decay, scale,
                                    layer, cols, intensive)
            for c in cols:
                result[c][ok] = agg[c]
    return pd.DataFrame(result, index=index)


def _radius_aggregate(lat, lon, point_origin, origins, radius_m, decay, scale, layer, cols, intensive):
    """Per point: cells whose centre is within ``radius_m``, grown ring by ring until the
    outermost ring lies wholly beyond the radius for every point."""
    edge = hexgrid.edge_length_m(layer_resolution(layer))
    # neighbouring centres are ≥ 1.5 edges apart per ring, a point ≤ 1 edge from its centre;
    # cells vary in size, so start a little wider and verify below
    k = max(1, math.ceil((radius_m + edge) / (1.2 * edge)))
    pending = np.arange(len(lat))
    out = {c: np.full(len(lat), np.nan) for c in cols}
    while len(pending):
        origin_rows = np.unique(point_origin[pending])
        o_idx, nb, dist = hexgrid.grid_disk(origins[origin_rows], k)
        starts = np.searchsorted(o_idx, np.arange(len(origin_rows)))
        sizes = np.diff(np.r_[starts, len(o_idx)])
        # rows for each pending point: the disk of its origin
        local = np.searchsorted(origin_rows, point_origin[pending])
        take = sizes[local]
        point_rows = np.repeat(np.arange(len(pending)), take)
        offsets = np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
        src = np.repeat(starts[local], take) + offsets
        cells = nb[src]
        u_cells, u_pos = np.unique(cells, return_inverse=True)
        c_lat, c_lon = hexgrid.cells_to_latlon(u_cells)
        p = pending[point_rows]
        metres = haversine_m(lat[p], lon[p], c_lat[u_pos], c_lon[u_pos])
        inside = metres <= radius_m
        # a point whose outermost ring still reaches inside the radius needs a wider disk
        outer = dist[src] == k
        short = np.bincount(point_rows, weights=(inside & outer).astype(float), minlength=len(pending)) > 0
        done = ~short
        rows = inside & done[point_rows]
        weight = decay_weights(metres[rows], decay, scale)
        agg = _aggregate(point_rows[rows], len(pending), cells[rows], weight, layer, cols, intensive)
        for c in cols:
            out[c][pending[done]] = agg[c][done]
        pending = pending[short]
        k *= 2
    return out


def cell_neighbourhood_sums(layer: pd.DataFrame, k: int, decay: str = "none",
                            decay_param: float | None = None, columns=None) -> pd.DataFrame:
    """:func:`catchment_sums` for every cell of the layer (k-ring around each cell, rings as the
    distance): a layer with the same cells, resolution and intensive metrics."""
    k = _validate_k(k)
    cols, intensive = _metric_columns(layer, columns)
    scale = _decay_scale(decay, decay_param, k, None)
    cells = layer.index.to_numpy()
    o_idx, nb, dist = hexgrid.grid_disk(cells, k)
    agg = _aggregate(o_idx, len(cells), nb, decay_weights(dist, decay, scale), layer, cols, intensive)
    return make_layer(pd.DataFrame(agg, index=cells), layer_resolution(layer), intensive)

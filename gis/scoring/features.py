"""Catchment features of every outlet: what lives, works and shops around it.

Each function takes plain data and returns a frame aligned to its input:

- :func:`derived_layer` adds per-cell ``ta`` (target audience) and ``purchasing_power`` columns;
- :func:`grid_features` sums every layer metric over each outlet's catchment
  (:func:`gis.catchment.catchment_sums`; intensive metrics such as the consumption index are
  averaged there);
- :func:`poi_mix` turns POI counts into shares of the outlet's POI total;
- :func:`own_outlet_density` counts the brand's other covered outlets within the catchment reach;
- :func:`channel_dummies` one-hot encodes the channel;
- :func:`build_features` runs them all and says which features exist and which could not be made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.scoring.params import CHANNELS, CatchmentDef, ScoringParams, TADefinition

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8
NEAREST_CAP_M = 5_000.0   # "no other covered outlet nearby" is recorded as this distance
POI_COMPETITOR = "poi_competitor"
_CHUNK = 25_000


def to_xyz_m(lat, lon) -> np.ndarray:
    """Points on a sphere of the Earth's radius (metres); chord ≈ great-circle distance at city scale."""
    la = np.radians(np.asarray(lat, dtype=float))
    lo = np.radians(np.asarray(lon, dtype=float))
    c = np.cos(la)
    return EARTH_RADIUS_M * np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


def layer_resolution(layer: pd.DataFrame | None, default: int = 9) -> int:
    if layer is None:
        return default
    return int(layer.attrs.get("resolution", default))


def intensive_metrics(layer: pd.DataFrame | None) -> list[str]:
    if layer is None:
        return []
    return [c for c in layer.attrs.get("intensive", []) if c in layer.columns]


def cell_ta(layer: pd.DataFrame, ta: TADefinition) -> tuple[pd.Series | None, list[str]]:
    """Target-audience population per cell, or None with the reason when no TA layer exists."""
    notes = []
    present = {k: w for k, w in ta.layers.items() if k in layer.columns}
    missing = [k for k in ta.layers if k not in layer.columns]
    if missing:  # a TA without one of its layers is a different audience: leave it out
        return None, [f"TA ({ta.describe()}) not computed: the grid has no {missing} layer."]
    total = sum(layer[k].fillna(0.0).to_numpy(dtype=float) * w for k, w in present.items())
    if ta.band_metric and (ta.band_min is not None or ta.band_max is not None):
        if ta.band_metric in layer.columns:
            band = layer[ta.band_metric].to_numpy(dtype=float)
            keep = np.ones(len(layer), dtype=bool)
            if ta.band_min is not None:
                keep &= band >= ta.band_min
            if ta.band_max is not None:
                keep &= band <= ta.band_max
            total = np.where(keep, total, 0.0)
        else:
            notes.append(f"TA band ignored: the grid has no {ta.band_metric!r} layer.")
    return pd.Series(total, index=layer.index, name="ta", dtype=float), notes


def cell_purchasing_power(layer: pd.DataFrame, population_layers, index_metric: str = "consumption_index"
                          ) -> tuple[pd.Series | None, list[str]]:
    """Population × consumption index / 100 per cell, or None with the reason."""
    present = [c for c in population_layers if c in layer.columns]
    if not present:
        return None, [f"purchasing power not computed: the grid has none of {list(population_layers)}."]
    if index_metric not in layer.columns:
        return None, [f"purchasing power not computed: the grid has no {index_metric!r} layer."]
    pop = sum(layer[c].fillna(0.0).to_numpy(dtype=float) for c in present)
    idx = layer[index_metric].fillna(100.0).to_numpy(dtype=float)
    notes = []
    if len(present) < len(tuple(population_layers)):
        notes.append(f"purchasing power uses {present} only.")
    return pd.Series(pop * idx / 100.0, index=layer.index, name="purchasing_power"), notes


def derived_layer(layer: pd.DataFrame, params: ScoringParams) -> tuple[pd.DataFrame, list[str]]:
    """A copy of ``layer`` with ``ta`` and ``purchasing_power`` columns where they can be made."""
    out = layer.copy()
    notes: list[str] = []
    ta, n1 = cell_ta(layer, params.ta)
    pp, n2 = cell_purchasing_power(layer, params.purchasing_layers)
    notes += n1 + n2
    if ta is not None:
        out["ta"] = ta
    if pp is not None:
        out["purchasing_power"] = pp
    out.attrs = dict(layer.attrs)
    return out, notes


def grid_features(lat, lon, layer: pd.DataFrame, catchment: CatchmentDef, columns=None,
                  progress: prog.Progress | None = None) -> pd.DataFrame:
    """Every numeric layer metric summed (intensive: averaged) over each point's catchment."""
    from gis.catchment import catchment_sums

    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if columns is None:
        columns = [c for c in layer.columns if pd.api.types.is_numeric_dtype(layer[c])]
    columns = list(columns)
    progress = prog.ensure(progress)
    parts = []
    n = len(lat)
    for start in range(0, max(n, 1), _CHUNK):
        prog.check(progress)
        stop = min(start + _CHUNK, n)
        part = catchment_sums(lat[start:stop], lon[start:stop], layer, k=catchment.k,
                              radius_m=catchment.radius_m, decay=catchment.decay,
                              decay_param=catchment.decay_param, columns=columns)
        parts.append(pd.DataFrame(part).reset_index(drop=True))
        progress.report(stop / max(n, 1), "catchment features")
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return frame[columns].astype(float)


def poi_mix(frame: pd.DataFrame) -> pd.DataFrame:
    """Each POI kind's share of the outlet's POIs (competitors excluded from the mix)."""
    pois = [c for c in frame.columns if c.startswith("poi_") and c != POI_COMPETITOR and not c.endswith("_share")]
    if not pois:
        return pd.DataFrame(index=frame.index)
    counts = frame[pois].to_numpy(dtype=float)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, counts / total, 0.0)
    return pd.DataFrame(shares, index=frame.index, columns=[f"{c}_share" for c in pois])


def own_outlet_density(lat, lon, covered, radius_m: float) -> pd.DataFrame:
    """Per outlet: covered outlets other than itself within ``radius_m``, and the nearest one's distance."""
    from scipy.spatial import cKDTree

    lat = np.asarray(lat, dtype=float)
    covered = np.asarray(covered, dtype=bool)
    n = len(lat)
    counts = np.zeros(n)
    nearest = np.full(n, NEAREST_CAP_M)
    cov_idx = np.flatnonzero(covered)
    if n and len(cov_idx):
        xyz = to_xyz_m(lat, lon)
        tree = cKDTree(xyz[cov_idx])
        counts = tree.query_ball_point(xyz, r=radius_m, return_length=True).astype(float)
        counts -= covered  # an outlet does not count itself
        m = len(cov_idx)
        k = min(2, m)
        dist, idx = tree.query(xyz, k=k, distance_upper_bound=NEAREST_CAP_M)
        dist = dist.reshape(n, k)
        idx = idx.reshape(n, k)
        is_self = (idx < m) & (cov_idx[np.minimum(idx, m - 1)] == np.arange(n)[:, None])
        dist = np.where(is_self, np.inf, dist)
        nearest = np.minimum(dist.min(axis=1), NEAREST_CAP_M)
    return pd.DataFrame({"own_outlets": counts, "own_nearest_m": nearest})


def channel_dummies(channel: pd.Series) -> pd.DataFrame:
    """``ch_<channel>`` 0/1 columns for the canonical channels present."""
    ch = channel.astype("string")
    present = [c for c in CHANNELS if (ch == c).fillna(False).any()]
    return pd.DataFrame({f"ch_{c}": (ch == c).fillna(False).to_numpy(dtype=float) for c in present},
                        index=channel.index)


@dataclass(frozen=True)
class FeatureSet:
    """Features aligned to the outlets and what could not be computed."""

    frame: pd.DataFrame             # one row per outlet, same index as the outlets
    numeric: tuple[str, ...]        # numeric features (model and score candidates)
    grid: tuple[str, ...]           # of which from the grid catchment
    intensive: tuple[str, ...]      # averaged rather than summed
    notes: tuple[str, ...]


def build_features(outlets: pd.DataFrame, layer: pd.DataFrame | None, params: ScoringParams,
                   progress: prog.Progress | None = None) -> FeatureSet:
    """All catchment features for ``outlets`` (channel dummies are added by the pipeline once
    channels are classified)."""
    progress = prog.ensure(progress)
    notes: list[str] = []
    frames = []
    grid_cols: list[str] = []
    intensive: list[str] = []
    if layer is None or len(layer) == 0 or len(layer.columns) == 0:
        notes.append("no grid layer: the score uses outlet density and the potential model only.")
    else:
        dlayer, n = derived_layer(layer, params)
        notes += n
        grid_cols = [c for c in dlayer.columns if pd.api.types.is_numeric_dtype(dlayer[c])]
        intensive = [c for c in intensive_metrics(dlayer) if c in grid_cols]
        g = grid_features(outlets["lat"], outlets["lon"], dlayer, params.catchment, grid_cols,
                          prog.SubProgress(progress, 0.0, 0.85))
        g.index = outlets.index
        frames += [g, poi_mix(g).set_axis(outlets.index)]
    prog.check(progress)
    resolution = layer_resolution(layer)
    covered = outlets["covered"].fillna(True).to_numpy(dtype=bool) if "covered" in outlets else np.ones(len(outlets), bool)
    dens = own_outlet_density(outlets["lat"], outlets["lon"], covered, params.catchment.reach_m(resolution))
    dens.index = outlets.index
    frames.append(dens)
    progress.report(1.0, "features done")
    frame = pd.concat(frames, axis=1) if frames else pd.DataFrame(index=outlets.index)
    numeric = list(frame.columns)
    if params.features is not None:
        wanted = [f for f in params.features if f in frame.columns]
        missing = [f for f in params.features if f not in frame.columns]
        if missing:
            notes.append(f"feature(s) {missing} are not in the data and were left out.")
        numeric = wanted
    return FeatureSet(frame=frame, numeric=tuple(numeric), grid=tuple(c for c in grid_cols if c in numeric),
                      intensive=tuple(intensive), notes=tuple(notes))


__all__ = ["to_xyz_m", "cell_ta", "cell_purchasing_power", "derived_layer", "grid_features",
           "poi_mix", "own_outlet_density", "channel_dummies", "FeatureSet", "build_features",
           "layer_resolution", "intensive_metrics", "EARTH_RADIUS_M", "POI_COMPETITOR"]

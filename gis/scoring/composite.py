"""The composite score: a transparent weighted sum of scaled features.

Every feature is scaled (percentile by default, min-max or z-score) and oriented so that a
higher value raises the score (a feature with a negative weight enters as ``1 − scaled``, or
``−z``). Each outlet's weights come from its channel's preset, normalised to Σ|w| = 1 over the
features that exist. Then::

    score = 100 · Σ_f |w_f| · oriented_f        (percentile, min-max: 0…100)
    score = Σ_f |w_f| · oriented_f              (z-score: weighted mean z, in standard deviations)

The score is the sum of its components (demand, places, competition, potential), each computed
by its own function from the same scaled features and weights, so a planner can see which part
of the score an outlet owes to what.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from gis.scoring.features import POI_COMPETITOR
from gis.scoring.params import ScoringParams

NEUTRAL = {"percentile": 0.5, "minmax": 0.5, "zscore": 0.0}
COMPETITION_FEATURES = (POI_COMPETITOR, "own_outlets", "own_nearest_m")


def scale(values: pd.Series, method: str = "percentile", groups: pd.Series | None = None) -> pd.Series:
    """Scale one feature across outlets (or within each group). NaN stays NaN.

    percentile: mid-rank / n in (0, 1), ties share their average rank; minmax: (x − min)/(max − min),
    0.5 when every value is equal; zscore: (x − mean)/std, 0 when the spread is zero.
    """
    x = pd.Series(np.asarray(values, dtype=float), index=values.index)
    if groups is not None:
        keys = pd.Series(groups, index=values.index).astype("string").fillna("\x00")
        return x.groupby(keys, sort=False, dropna=False).transform(lambda g: scale(g, method))
    valid = x.notna()
    n = int(valid.sum())
    if n == 0:
        return x
    if method == "percentile":
        return (x.rank(method="average") - 0.5) / n
    if method == "minmax":
        lo, hi = x.min(), x.max()
        return (x - lo) / (hi - lo) if hi > lo else x.where(~valid, 0.5)
    if method == "zscore":
        sd = x.std(ddof=0)
        return (x - x.mean()) / sd if sd > 0 else x.where(~valid, 0.0)
    raise ValueError(f"unknown scaling {method!r}")


def scale_features(frame: pd.DataFrame, features, method: str, groups: pd.Series | None = None) -> pd.DataFrame:
    """Every feature scaled; missing values take the neutral value (the middle of the scale)."""
    out = pd.DataFrame({f: scale(frame[f], method, groups) for f in features}, index=frame.index)
    return out.fillna(NEUTRAL[method])


def resolve_weights(params: ScoringParams, channels: pd.Series, available,
                    silent=()) -> tuple[dict[str, dict[str, float]], list[str]]:
    """The normalised weights each preset actually uses, and notes on dropped features.

    A preset's weights on features that do not exist are dropped and the rest renormalised to
    Σ|w| = 1 (features in ``silent`` without a note: the caller explains them). A preset left
    with nothing falls back to equal weights on the available features.
    """
    available = list(available)
    notes: list[str] = []
    used_presets = {"default"} | {c for c in channels.dropna().unique() if c in params.weights}
    result: dict[str, dict[str, float]] = {}
    dropped: set[str] = set()
    for preset in sorted(used_presets):
        raw = {f: w for f, w in params.weights[preset].items() if w != 0}
        keep = {f: w for f, w in raw.items() if f in available}
        dropped |= set(raw) - set(keep)
        if not keep:
            if not available:
                result[preset] = {}
                continue
            keep = {f: 1.0 for f in available}
            notes.append(f"weights '{preset}': none of its features exist; equal weights on {available}.")
        total = sum(abs(w) for w in keep.values())
        result[preset] = {f: w / total for f, w in keep.items()}
    dropped -= set(silent)
    if dropped:
        notes.append(f"weights on {sorted(dropped)} dropped (not in the data); the rest renormalised.")
    return result, notes


def weight_matrix(channels: pd.Series, weights: Mapping[str, Mapping[str, float]], features) -> np.ndarray:
    """Signed weights per outlet (rows) and feature (columns) from each outlet's channel preset."""
    features = list(features)
    presets = list(weights)
    table = np.array([[weights[p].get(f, 0.0) for f in features] for p in presets]).reshape(len(presets), len(features))
    ch = channels.astype("string").fillna("default")
    row = ch.map({p: i for i, p in enumerate(presets)}).fillna(presets.index("default")).to_numpy(dtype=int)
    return table[row]


def oriented(scaled: np.ndarray, signs: np.ndarray, method: str) -> np.ndarray:
    """Scaled features turned so that higher always raises the score."""
    if method == "zscore":
        return np.where(signs < 0, -scaled, scaled)
    return np.where(signs < 0, 1.0 - scaled, scaled)


def contributions(scaled: pd.DataFrame, w: np.ndarray, method: str) -> pd.DataFrame:
    """Each feature's share of each outlet's score (points on the score's scale)."""
    factor = 1.0 if method == "zscore" else 100.0
    values = factor * np.abs(w) * oriented(scaled.to_numpy(dtype=float), np.sign(w), method)
    return pd.DataFrame(values, index=scaled.index, columns=scaled.columns)


def component_of(feature: str) -> str:
    if feature == "potential":
        return "potential"
    if feature in COMPETITION_FEATURES:
        return "competition"
    if feature.startswith("poi_") or feature.startswith("ch_"):
        return "places"
    return "demand"


def _component(contrib: pd.DataFrame, name: str) -> pd.Series:
    cols = [c for c in contrib.columns if component_of(c) == name]
    return contrib[cols].sum(axis=1).rename(f"score_{name}") if cols else pd.Series(0.0, index=contrib.index, name=f"score_{name}")


def demand_component(contrib: pd.DataFrame) -> pd.Series:
    """Population, target audience, purchasing power and spending level around the outlet."""
    return _component(contrib, "demand")


def places_component(contrib: pd.DataFrame) -> pd.Series:
    """Points of interest around the outlet (offices, schools, transit, food…) and their mix."""
    return _component(contrib, "places")


def competition_component(contrib: pd.DataFrame) -> pd.Series:
    """Competitors and the brand's own outlets nearby (usually negative weights: fewer is better)."""
    return _component(contrib, "competition")


def potential_component(contrib: pd.DataFrame) -> pd.Series:
    """The model's sales potential."""
    return _component(contrib, "potential")


COMPONENTS = {"demand": demand_component, "places": places_component,
              "competition": competition_component, "potential": potential_component}


def composite_score(scaled: pd.DataFrame, w: np.ndarray, method: str) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """The score, its components and the per-feature contributions."""
    contrib = contributions(scaled, w, method)
    comps = pd.concat([fn(contrib) for fn in COMPONENTS.values()], axis=1)
    score = comps.sum(axis=1).rename("score")
    return score, comps, contrib


def fast_score(oriented_values: np.ndarray, abs_w: np.ndarray, method: str) -> np.ndarray:
    """The score from pre-oriented values and |weights| (used by the resampling loops)."""
    factor = 1.0 if method == "zscore" else 100.0
    return factor * np.einsum("ij,ij->i", oriented_values, abs_w)


__all__ = ["scale", "scale_features", "resolve_weights", "weight_matrix", "oriented", "contributions",
           "component_of", "demand_component", "places_component", "competition_component",
           "potential_component", "COMPONENTS", "composite_score", "fast_score", "NEUTRAL"]

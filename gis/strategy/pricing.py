"""Price band per outlet from its catchment's consumption level and its segment.

level = consumption index of the catchment (100 = city average; an index on another scale is
divided by its median) + the segment's shift (``segment_price_shift``, e.g. +10 for office/CBD,
−10 for students). Below ``economy_below`` → economy, from ``premium_from`` → premium, otherwise
mainstream. Without a consumption index every outlet starts at 100, so only the segment decides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.strategy.params import StrategyParams
from gis.strategy.segments import base_key


def consumption_level(features: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Consumption level per outlet on a 100 = average scale (100 where unknown)."""
    notes: list[str] = []
    n = len(features)
    if "consumption_index" not in features.columns:
        notes.append("no consumption index: price bands follow the segment only.")
        return np.full(n, 100.0), notes
    ci = pd.to_numeric(features["consumption_index"], errors="coerce").to_numpy(dtype=float)
    valid = np.isfinite(ci) & (ci > 0)
    if not valid.any():
        notes.append("the consumption index is empty: price bands follow the segment only.")
        return np.full(n, 100.0), notes
    median = float(np.median(ci[valid]))
    if 20.0 <= median <= 500.0:
        level = ci
    else:
        level = ci / median * 100.0
        notes.append(f"consumption index not on a 100 = average scale (median {median:g}): divided by its median.")
    if (~valid).any():
        notes.append(f"{int((~valid).sum())} outlet(s) without a consumption index count as average (100).")
    return np.where(valid, level, 100.0), notes


def price_bands(level, segment_keys, params: StrategyParams) -> tuple[pd.Series, pd.Series]:
    """Band (economy / mainstream / premium) and the reason, aligned with ``segment_keys``."""
    keys = pd.Series(segment_keys).astype("string")
    level = np.asarray(level, dtype=float)
    shift = keys.map(lambda k: params.segment_price_shift.get(base_key(k), 0.0) if pd.notna(k) else 0.0)
    shift = shift.to_numpy(dtype=float)
    adjusted = level + shift
    band = np.where(adjusted < params.economy_below, "economy",
                    np.where(adjusted >= params.premium_from, "premium", "mainstream"))
    reasons = []
    for lv, sh, adj, b in zip(level, shift, adjusted, band):
        rule = (f"< {params.economy_below:g}" if b == "economy" else
                f"≥ {params.premium_from:g}" if b == "premium" else
                f"{params.economy_below:g}–{params.premium_from:g}")
        shift_text = f" {sh:+g} segment" if sh else ""
        reasons.append(f"consumption {lv:.0f}{shift_text} = {adj:.0f} ({rule})")
    return (pd.Series(band, index=keys.index, dtype="string"),
            pd.Series(reasons, index=keys.index, dtype="string"))


__all__ = ["consumption_level", "price_bands"]

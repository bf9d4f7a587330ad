"""Rank within district and tier A/B/C/D.

Rank 1 is the best score of its district; equal scores keep the input order. An outlet whose
position ``(rank − 1) / n`` in its district of ``n`` outlets is below the first cumulative
cut-off is tier A, below the second B, below the third C, otherwise D. With the default shares
(20 %, 30 %, 30 %) a district of 10 outlets has ranks 1–2 in A, 3–5 in B, 6–8 in C, 9–10 in D.
Outlets without a district are ranked together as one group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.scoring.params import TIER_LABELS


def group_codes(district: pd.Series) -> np.ndarray:
    """Integer code per district (missing districts share one code)."""
    keys = pd.Series(district).astype("string").fillna("\x00")
    codes, _ = pd.factorize(keys, sort=False)
    return codes.astype(np.int64)


def rank_within(score: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = highest score) within each group, and the size of each outlet's group."""
    score = np.asarray(score, dtype=float)
    n = len(score)
    order = np.lexsort((np.arange(n), -np.nan_to_num(score, nan=-np.inf), codes))
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]) if n else np.array([], int)
    sizes_sorted = np.diff(np.r_[starts, n])
    group_start = np.repeat(starts, sizes_sorted)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start + 1
    size = np.empty(n, dtype=np.int64)
    size[order] = np.repeat(sizes_sorted, sizes_sorted)
    return rank, size


def tier_index(rank: np.ndarray, size: np.ndarray, cutoffs) -> np.ndarray:
    """0 for A, 1 for B, 2 for C, 3 for D."""
    position = (np.asarray(rank) - 1) / np.maximum(np.asarray(size), 1)
    return np.searchsorted(np.asarray(cutoffs, dtype=float), position, side="right")


def rank_and_tier(score: pd.Series, district: pd.Series, cutoffs) -> pd.DataFrame:
    """``rank_in_district``, ``district_size`` and ``tier`` aligned to ``score``."""
    codes = group_codes(district)
    rank, size = rank_within(score.to_numpy(dtype=float), codes)
    tiers = np.asarray(TIER_LABELS)[tier_index(rank, size, cutoffs)]
    return pd.DataFrame({"rank_in_district": rank, "district_size": size,
                         "tier": pd.array(tiers, dtype="string")}, index=score.index)


__all__ = ["group_codes", "rank_within", "tier_index", "rank_and_tier"]

"""Promotion type per outlet by ordered rules on tier, segment, price band, coverage and gap.

The first rule of ``StrategyParams.promotion_rules`` whose conditions all hold decides; its reason
is reported beside the promotion so the planner sees why. Outlets no rule matches get no
promotion (the default rules end with a catch-all, so that happens only with custom rules).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.strategy.params import PromotionRule, StrategyParams
from gis.strategy.segments import base_key


def gap_ratio(potential, gap) -> np.ndarray:
    """gap / potential where the potential is positive, NaN elsewhere."""
    potential = np.asarray(pd.to_numeric(pd.Series(potential), errors="coerce"), dtype=float)
    gap = np.asarray(pd.to_numeric(pd.Series(gap), errors="coerce"), dtype=float)
    out = np.full(len(potential), np.nan)
    ok = np.isfinite(potential) & (potential > 0) & np.isfinite(gap)
    out[ok] = gap[ok] / potential[ok]
    return out


def _matches(rule: PromotionRule, tier, segment, band, covered, ratio) -> np.ndarray:
    n = len(tier)
    ok = np.ones(n, dtype=bool)
    if rule.tiers:
        ok &= tier.isin(rule.tiers).fillna(False).to_numpy(dtype=bool)
    if rule.segments:
        ok &= segment.map(lambda k: base_key(k) if pd.notna(k) else k).isin(rule.segments).fillna(False).to_numpy(bool)
    if rule.price_bands:
        ok &= band.isin(rule.price_bands).fillna(False).to_numpy(dtype=bool)
    if rule.covered is not None:
        ok &= covered == rule.covered
    if rule.min_gap_ratio is not None:
        ok &= np.nan_to_num(ratio, nan=-np.inf) >= rule.min_gap_ratio
    if rule.max_gap_ratio is not None:
        ok &= np.nan_to_num(ratio, nan=np.inf) <= rule.max_gap_ratio
    return ok


def assign_promotions(tier, segment_key, price_band, covered, ratio,
                      params: StrategyParams) -> tuple[pd.Series, pd.Series]:
    """Promotion code and reason per outlet (inputs aligned; ``ratio`` from :func:`gap_ratio`)."""
    tier = pd.Series(tier).astype("string").reset_index(drop=True)
    segment = pd.Series(segment_key).astype("string").reset_index(drop=True)
    band = pd.Series(price_band).astype("string").reset_index(drop=True)
    covered = np.asarray(covered, dtype=bool)
    ratio = np.asarray(ratio, dtype=float)
    n = len(tier)
    promo = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    open_ = np.ones(n, dtype=bool)
    for rule in params.promotion_rules:
        hit = open_ & _matches(rule, tier, segment, band, covered, ratio)
        promo[hit] = rule.promotion
        reason[hit] = rule.reason
        open_ &= ~hit
        if not open_.any():
            break
    return pd.Series(promo, dtype="string"), pd.Series(reason, dtype="string")


__all__ = ["gap_ratio", "assign_promotions"]

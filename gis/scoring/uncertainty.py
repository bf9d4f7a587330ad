"""How firm is an outlet's rank? Resample what the score depends on and watch the tiers.

Each resample ``r`` recomputes every score with

- the potential predicted by a model refitted on a bootstrap resample of the training outlets
  (for a training outlet only out-of-bag predictions count: when it was in the resample, one
  of its honest predictions — out-of-fold or out-of-bag — is drawn at random), and
- every feature weight multiplied by an independent factor drawn from U(1 − j, 1 + j) (j = 0.2
  by default, "±20 %"), then renormalised.

Results per outlet: ``tier_stability`` (share of resamples in which it keeps its tier),
``rank_low``/``rank_high`` (10th and 90th percentiles of its rank in the district), ``score_sd``
and ``tied``: the outlet is within noise of the neighbouring tier — its order with the last
outlet of the tier above, or with the first outlet of the tier below, reverses in at least
``tie_flip_share`` of the resamples — or its score equals its neighbour's in the ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.scoring.composite import NEUTRAL, fast_score, oriented, scale
from gis.scoring.params import UncertaintyParams
from gis.scoring.tiers import rank_within, tier_index


@dataclass(frozen=True)
class ScoreInputs:
    """What the resampling needs to recompute scores quickly."""

    scaled: pd.DataFrame          # scaled features (a "potential" column when a model exists)
    weights: np.ndarray           # signed, normalised weight per outlet and feature
    method: str                   # scaling method
    groups: pd.Series | None      # scaling groups (None = all outlets together)
    codes: np.ndarray             # district code per outlet
    cutoffs: tuple[float, float, float]


def honest_potentials(base_log: np.ndarray, boot_log: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fill each in-bag (NaN) entry with a random draw from the outlet's honest predictions."""
    out = boot_log.copy()
    B, n = out.shape
    pool = np.vstack([base_log[None, :], boot_log])          # (B + 1) × n, NaN where in-bag
    valid = np.isfinite(pool)
    counts = valid.sum(axis=0)
    # position of each valid value among its column's valid values
    order = np.argsort(~valid, axis=0, kind="stable")        # valid rows first
    sorted_pool = np.take_along_axis(pool, order, axis=0)
    missing = ~np.isfinite(out)
    if missing.any():
        draws = (rng.random(out.shape) * np.maximum(counts, 1)[None, :]).astype(int)
        picked = np.take_along_axis(sorted_pool, draws, axis=0)
        out[missing] = picked[missing]
    return out


def resample_scores(inputs: ScoreInputs, params: UncertaintyParams, base_log: np.ndarray | None = None,
                    boot_log: np.ndarray | None = None, to_potential=None,
                    progress: prog.Progress | None = None) -> np.ndarray:
    """Scores of every outlet (columns) in every resample (rows)."""
    progress = prog.ensure(progress)
    rng = np.random.default_rng(params.seed)
    R = params.resamples
    n, F = inputs.weights.shape
    features = list(inputs.scaled.columns)
    values = inputs.scaled.to_numpy(dtype=float).copy()
    signs = np.sign(inputs.weights)
    has_pot = "potential" in features and base_log is not None and np.isfinite(base_log).any()
    pot_col = features.index("potential") if has_pot else None
    honest = None
    if has_pot and boot_log is not None and len(boot_log):
        honest = honest_potentials(base_log, boot_log, rng)
    scores = np.empty((R, n))
    for r in range(R):
        prog.check(progress)
        if honest is not None:
            pot = to_potential(honest[r % len(honest)])
            s = scale(pd.Series(pot, index=inputs.scaled.index), inputs.method, inputs.groups)
            values[:, pot_col] = s.fillna(NEUTRAL[inputs.method]).to_numpy()
        factors = rng.uniform(1.0 - params.weight_jitter, 1.0 + params.weight_jitter, size=F)
        w = np.abs(inputs.weights) * factors[None, :]
        total = w.sum(axis=1, keepdims=True)
        w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
        scores[r] = fast_score(oriented(values, signs, inputs.method), w, inputs.method)
        progress.report((r + 1) / max(R, 1), f"rank stability {r + 1}/{R}")
    return scores


def stability(base_score: np.ndarray, scores: np.ndarray, inputs: ScoreInputs,
              params: UncertaintyParams) -> pd.DataFrame:
    """Tier stability, rank range, score spread and ties, from the resampled scores."""
    n = len(base_score)
    idx = inputs.scaled.index
    if scores.shape[0] == 0 or n == 0:
        return pd.DataFrame({"tier_stability": np.full(n, np.nan), "rank_low": np.full(n, np.nan),
                             "rank_high": np.full(n, np.nan), "score_sd": np.full(n, np.nan),
                             "tied": np.zeros(n, dtype=bool)}, index=idx)
    codes = inputs.codes
    rank0, size = rank_within(base_score, codes)
    tier0 = tier_index(rank0, size, inputs.cutoffs)
    R = scores.shape[0]
    ranks = np.empty((R, n), dtype=np.int64)
    same = np.zeros(n)
    for r in range(R):
        ranks[r], _ = rank_within(scores[r], codes)
        same += tier_index(ranks[r], size, inputs.cutoffs) == tier0
    tied = _tied(base_score, scores, codes, rank0, tier0, params.tie_flip_share)
    lo, hi = np.quantile(ranks, [0.1, 0.9], axis=0)
    return pd.DataFrame({"tier_stability": same / R, "rank_low": np.floor(lo), "rank_high": np.ceil(hi),
                         "score_sd": scores.std(axis=0), "tied": tied}, index=idx)


def _tied(base_score, scores, codes, rank0, tier0, share) -> np.ndarray:
    """Outlets within noise of the neighbouring tier, or with exactly the score of a neighbour."""
    n = len(base_score)
    order = np.lexsort((rank0, codes))
    c_s, t_s = codes[order], tier0[order]
    new_run = np.r_[True, (c_s[1:] != c_s[:-1]) | (t_s[1:] != t_s[:-1])]
    run_id = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    run_end = np.r_[run_start[1:], n] - 1
    above = run_start[run_id] - 1          # last outlet of the better tier (sorted position)
    below = run_end[run_id] + 1            # first outlet of the worse tier
    ok_above = (above >= 0) & (c_s[np.clip(above, 0, n - 1)] == c_s)
    ok_below = (below < n) & (c_s[np.clip(below, 0, n - 1)] == c_s)
    tied_sorted = np.zeros(n, dtype=bool)
    for ok, other, worse_is_other in ((ok_above, above, False), (ok_below, below, True)):
        p = np.flatnonzero(ok)
        if not len(p):
            continue
        me, them = order[p], order[other[p]]
        if worse_is_other:   # reversed when the outlet below scores higher
            flips = (scores[:, them] > scores[:, me]).mean(axis=0)
        else:
            flips = (scores[:, me] > scores[:, them]).mean(axis=0)
        tied_sorted[p[flips >= share]] = True
    b = base_score[order]
    same = np.r_[False, (c_s[1:] == c_s[:-1]) & (np.abs(b[1:] - b[:-1]) <= 1e-9 * np.maximum(1.0, np.abs(b[1:])))]
    tied_sorted |= same | np.r_[same[1:], False]
    tied = np.zeros(n, dtype=bool)
    tied[order] = tied_sorted
    return tied


__all__ = ["ScoreInputs", "honest_potentials", "resample_scores", "stability"]

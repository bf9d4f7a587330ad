"""Rank stability: tier kept under resampling, ties within noise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.scoring import composite
from gis.scoring.params import UncertaintyParams
from gis.scoring.tiers import group_codes
from gis.scoring.uncertainty import ScoreInputs, honest_potentials, resample_scores, stability


def _inputs(a, b, wa=0.5, wb=0.5):
    scaled = pd.DataFrame({"a": a, "b": b}, dtype=float)
    W = np.tile([wa, wb], (len(scaled), 1))
    return ScoreInputs(scaled=scaled, weights=W, method="minmax", groups=None,
                       codes=group_codes(pd.Series(["d"] * len(scaled))), cutoffs=(0.2, 0.5, 0.8))


def _run(inputs, params):
    base = composite.fast_score(composite.oriented(inputs.scaled.to_numpy(), np.sign(inputs.weights), "minmax"),
                                np.abs(inputs.weights), "minmax")
    scores = resample_scores(inputs, params)
    return base, stability(base, scores, inputs, params)


def test_clear_ranking_is_stable_and_untied():
    # both features agree: no weight change can reorder the outlets
    x = np.linspace(0, 1, 10)
    inputs = _inputs(x, x)
    _, st = _run(inputs, UncertaintyParams(resamples=30, seed=1))
    assert (st["tier_stability"] == 1.0).all()
    assert not st["tied"].any()
    assert (st["rank_low"] == st["rank_high"]).all()


def test_outlets_straddling_a_tier_cut_off_are_tied_and_unstable():
    # ten outlets; the 2nd and 3rd (the A/B cut-off) score nearly alike but on different features,
    # so ±20 % weight changes swap them; the others are far apart
    a = np.array([1.0, 0.80, 0.0, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0])
    b = np.array([1.0, 0.0, 0.81, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0])
    inputs = _inputs(a, b)
    base, st = _run(inputs, UncertaintyParams(resamples=60, seed=2))
    second, third = 2, 1       # outlet 2 (40.5 points) ranks 2nd (last of A), outlet 1 (40) 3rd (first of B)
    assert base[second] > base[third] > base[3]
    assert st.loc[[second, third], "tied"].all()
    assert (st.loc[[second, third], "tier_stability"] < 0.9).all()
    assert st.loc[[0, 3, 4, 5, 6, 7, 8, 9], "tier_stability"].eq(1.0).all()
    assert not st.loc[[0, 3, 4, 5, 6, 7, 8, 9], "tied"].any()


def test_equal_scores_are_tied():
    a = np.array([0.9, 0.5, 0.5, 0.1])
    inputs = _inputs(a, a)
    _, st = _run(inputs, UncertaintyParams(resamples=5, weight_jitter=0.0))
    assert st["tied"].tolist() == [False, True, True, False]


def test_honest_potentials_fill_in_bag_entries_from_the_outlets_own_predictions():
    base = np.array([1.0, 2.0])
    boot = np.array([[np.nan, 2.5], [1.5, np.nan], [np.nan, np.nan]])
    out = honest_potentials(base, boot, np.random.default_rng(0))
    assert np.isfinite(out).all()
    assert set(out[:, 0]) <= {1.0, 1.5} and set(out[:, 1]) <= {2.0, 2.5}
    assert out[1, 0] == 1.5 and out[0, 1] == 2.5          # out-of-bag values are kept


def test_no_resamples_gives_no_stability():
    inputs = _inputs([0.1, 0.2], [0.1, 0.2])
    st = stability(np.array([1.0, 2.0]), np.empty((0, 2)), inputs, UncertaintyParams(resamples=0))
    assert st["tier_stability"].isna().all() and not st["tied"].any()

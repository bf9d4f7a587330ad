"""The potential model: held-out figures, out-of-fold honesty, intervals, what it refuses to fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis.scoring.params import ModelParams
from gis.scoring.potential import bootstrap_log_predictions, fit_potential

FAST = ModelParams(kind="linear", bootstrap=0)


def _data(n=400, noise=0.25, cover=0.6, seed=0):
    """Sales = exp(1 + 0.8·log x1 + 0.4·log x2 + channel effect + noise)."""
    rng = np.random.default_rng(seed)
    x1 = rng.lognormal(3, 1, n)
    x2 = rng.lognormal(2, 0.5, n)
    junk = rng.normal(size=n)
    channel = pd.Series(rng.choice(["convenience", "supermarket"], n), dtype="string")
    truth = np.exp(1 + 0.8 * np.log(x1) + 0.4 * np.log(x2) + np.where(channel == "supermarket", 1.0, 0.0))
    sales_all = truth * np.exp(rng.normal(0, noise, n))
    covered = pd.Series(rng.random(n) < cover)
    sales = pd.Series(np.where(covered, sales_all, np.nan))
    feats = pd.DataFrame({"x1": x1, "x2": x2, "junk": junk})
    return feats, channel, sales, covered, truth, sales_all


def test_report_is_held_out_and_ranks_recover_the_truth():
    feats, channel, sales, covered, truth, _ = _data()
    res = fit_potential(feats, ["x1", "x2", "junk"], channel, sales, covered, ModelParams(bootstrap=0, max_iter=60))
    rep = res.report
    assert rep["fitted"] and rep["folds"] == 5 and rep["n_train"] == int(covered.sum())
    assert rep["kind"] == min(rep["candidates"], key=lambda k: rep["candidates"][k]["rmse_log"])
    held = rep["held_out"]
    assert set(held) >= {"rmse_log", "r2_log", "mape", "spearman", "spearman_per_fold"}
    assert len(held["spearman_per_fold"]) == 5
    assert held["spearman"] > 0.9 and held["r2_log"] > 0.8
    from scipy.stats import spearmanr

    cov = covered.to_numpy()
    assert spearmanr(res.potential[cov], truth[cov]).statistic > 0.95      # out-of-fold
    assert spearmanr(res.potential[~cov], truth[~cov]).statistic > 0.95    # never seen


def test_covered_outlets_get_out_of_fold_predictions_not_their_own_sales():
    feats, channel, sales, covered, _, _ = _data()
    # a feature that only one covered outlet has, and that outlet sells 1000× more than its peers:
    # a model that saw it would learn the feature; an out-of-fold model cannot.
    i = int(np.flatnonzero(covered)[0])
    feats = feats.assign(only_i=0.0)
    feats.loc[i, "only_i"] = 5.0
    sales = sales.copy()
    sales[i] = sales[i] * 1000
    res = fit_potential(feats, ["x1", "x2", "only_i"], channel, sales, covered, FAST)
    full_pred = res.predict_full(res.design.iloc[[i]])[0]
    assert res.log_pred[i] < np.log(sales[i]) - 4          # far below its own (memorable) sales
    assert full_pred > res.log_pred[i] + 2                  # the full model did memorise it
    # each training outlet is predicted by the model of its own fold
    f = res.fold[i]
    assert res.models[f].predict(res.design.iloc[[i]])[0] == pytest.approx(res.log_pred[i])
    assert np.all(res.fold[~res.train] == -1)


def test_interval_holds_about_eighty_percent_of_unseen_sales():
    feats, channel, sales, covered, _, sales_all = _data(n=1000, seed=3)
    res = fit_potential(feats, ["x1", "x2"], channel, sales, covered, FAST)
    unseen = ~covered.to_numpy()
    inside = (sales_all[unseen] >= res.low[unseen]) & (sales_all[unseen] <= res.high[unseen])
    assert 0.72 <= inside.mean() <= 0.88
    assert np.all(res.low <= res.potential) and np.all(res.potential <= res.high)


def test_potential_is_an_expectation_comparable_with_sales():
    feats, channel, sales, covered, _, _ = _data(n=1000, seed=4, noise=0.5)
    res = fit_potential(feats, ["x1", "x2"], channel, sales, covered, FAST)
    cov = covered.to_numpy()
    # smearing makes the summed potential of covered outlets match their summed sales
    assert res.potential[cov].sum() == pytest.approx(sales[cov].sum(), rel=0.05)
    assert res.smearing > 1.0


def test_too_few_training_outlets_means_no_model_and_a_note():
    feats, channel, sales, covered, _, _ = _data(n=60, cover=0.3, seed=5)
    res = fit_potential(feats, ["x1", "x2"], channel, sales, covered, ModelParams(min_train=30))
    assert not res.fitted and np.isnan(res.potential).all()
    assert any("need 30" in n for n in res.report["notes"])


def test_no_sales_at_all():
    feats, channel, _, covered, _, _ = _data(n=50)
    res = fit_potential(feats, ["x1"], channel, pd.Series(np.nan, index=feats.index), covered, FAST)
    assert not res.fitted and "no sales" in res.report["notes"][0]


def test_non_positive_sales_and_single_channel_are_reported():
    feats, _, sales, covered, _, _ = _data(n=300, seed=6)
    sales = sales.copy()
    first_two = np.flatnonzero(covered)[:2]
    sales[first_two] = [0.0, -5.0]
    one_channel = pd.Series(["convenience"] * 300, dtype="string")
    res = fit_potential(feats, ["x1", "x2"], one_channel, sales, covered, FAST)
    assert res.fitted and res.report["n_train"] == int(covered.sum()) - 2
    notes = " ".join(res.report["notes"])
    assert "2 covered outlet(s) with sales ≤ 0" in notes
    assert "single channel" in notes
    assert "channel" not in res.report["features"]


def test_bootstrap_predictions_are_out_of_bag_for_training_outlets():
    feats, channel, sales, covered, _, _ = _data(n=300, seed=7)
    res = fit_potential(feats, ["x1", "x2"], channel, sales, covered, FAST)
    boot = bootstrap_log_predictions(res, 5, seed=1)
    assert boot.shape == (5, 300)
    assert np.isfinite(boot[:, ~res.train]).all()           # prospects: every refit predicts them
    in_bag_share = np.isnan(boot[:, res.train]).mean()
    assert 0.55 < in_bag_share < 0.72                        # ≈ 1 − 1/e of a bootstrap sample


def test_an_unchanged_fit_is_reused_and_a_changed_one_is_not(monkeypatch):
    from gis.scoring import potential

    feats, channel, sales, covered, _, _ = _data(seed=5)
    fits = []
    original = potential._fit_potential
    monkeypatch.setattr(potential, "_fit_potential", lambda *a, **k: fits.append(1) or original(*a, **k))
    first = fit_potential(feats, ["x1", "x2"], channel, sales, covered, FAST)
    again = fit_potential(feats, ["x1", "x2"], channel, sales, covered, FAST)
    assert len(fits) == 1                                   # same inputs: the last fit, not a new one
    np.testing.assert_array_equal(first.potential, again.potential)
    again.potential[:] = 0                                  # a copy: the caller cannot spoil the memo
    assert fit_potential(feats, ["x1", "x2"], channel, sales, covered, FAST).potential.max() > 0
    changed = sales.copy()
    changed.iloc[np.flatnonzero(covered.to_numpy())[0]] *= 2
    fit_potential(feats, ["x1", "x2"], channel, changed, covered, FAST)
    fit_potential(feats, ["x1", "x2"], channel, changed, covered, ModelParams(bootstrap=0, max_iter=30))
    assert len(fits) == 3                                   # new sales, then new parameters: fitted again

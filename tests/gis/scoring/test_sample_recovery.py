"""Done-criterion of outlet scoring: on the sample city the potential model recovers the hidden
generator — rank correlation with the true potential of held-out outlets ≥ 0.8.

Held out: covered outlets are predicted by the fold model that never saw their sales; prospects
were never trained on at all. The cross-validated figures of the model report are printed.
"""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from gis import datasets
from gis.scoring import ModelParams, ScoringParams, UncertaintyParams, score_outlets

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample():
    from gis.gridlayer import make_layer, merge_layers, read_layer
    from gis.intake import read_table

    try:
        config_path = datasets.get_path("demo_config")
        truth_path = datasets.get_path("outlet_truth")
    except FileNotFoundError as exc:  # pragma: no cover - an installation without the sample
        pytest.skip(f"sample city not installed: {exc}")
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    outlets = read_table(datasets.get_path("outlets"), "outlets", crs=config["inputs"]["crs"],
                         columns=config["columns"]["outlets"]).table
    grids = [read_layer(config_path.parent / name) for name in config["inputs"]["grid"]]
    layer = make_layer(merge_layers(grids), config["project"]["resolution"], config["grid"]["intensive"])
    truth = pd.read_csv(truth_path, dtype={"outlet_id": str})
    return outlets, layer, truth


@pytest.fixture(scope="module")
def result(sample):
    outlets, layer, _ = sample
    params = ScoringParams(model=ModelParams(bootstrap=2), uncertainty=UncertaintyParams(resamples=10))
    return score_outlets(outlets, layer, params=params)


def test_held_out_potential_ranks_like_the_hidden_truth(sample, result):
    _, _, truth = sample
    t = result.table.merge(truth, on="outlet_id", how="left", validate="one_to_one")
    assert t["true_potential"].notna().all()
    covered = t["covered"].to_numpy()
    rho_oof = spearmanr(t.loc[covered, "potential"], t.loc[covered, "true_potential"]).statistic
    rho_new = spearmanr(t.loc[~covered, "potential"], t.loc[~covered, "true_potential"]).statistic
    rep = result.model_report
    held = rep["held_out"]
    print("\n" + result.summary())
    print(f"Spearman vs true potential: covered (out-of-fold) {rho_oof:.3f}, prospects {rho_new:.3f}")
    assert "Spearman" in result.summary() and f"{held['rmse_log']:.3f}" in result.summary()
    assert rho_oof >= 0.8
    assert rho_new >= 0.8


def test_report_states_held_out_figures_and_intervals_are_calibrated(sample, result):
    _, _, truth = sample
    rep = result.model_report
    assert rep["fitted"] and rep["folds"] == 5
    for key in ("rmse_log", "r2_log", "mape", "spearman"):
        assert np.isfinite(rep["held_out"][key])
    # the true potential is noise-free: most of it lies inside the 10–90 % sales interval
    t = result.table.merge(truth, on="outlet_id")
    inside = (t["true_potential"] >= t["potential_low"]) & (t["true_potential"] <= t["potential_high"])
    assert inside.mean() > 0.8

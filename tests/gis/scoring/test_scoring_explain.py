"""Explanations: labels, district percentiles, score points and potential effects in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis.scoring import composite, explain
from gis.scoring.params import CatchmentDef, ModelParams
from gis.scoring.potential import fit_potential

C500 = CatchmentDef(radius_m=500)


@pytest.mark.parametrize("pct, en, zh", [
    (0.96, "top 4 % of the district", "片区前4%"),
    (0.995, "top 1 % of the district", "片区前1%"),
    (0.5, "top 50 % of the district", "片区前50%"),
    (0.02, "bottom 2 % of the district", "片区后2%"),
])
def test_rank_phrase(pct, en, zh):
    assert explain.rank_phrase(pct, "en") == en
    assert explain.rank_phrase(pct, "zh") == zh


def test_labels_in_both_languages():
    assert explain.label("workers", "en", C500) == "workers within 500 m"
    assert explain.label("workers", "zh", C500) == "500米内工作人口"
    assert explain.label("poi_food_share", "en", C500) == "share of food & drink POIs within 500 m"
    assert explain.label("ch_catering", "zh") == "渠道为餐饮"
    assert explain.label("night_lights", "en", C500) == "night_lights within 500 m"


def test_factor_text_reads_like_a_sentence():
    text = explain.factor_text("workers", 12340.0, 0.96, "en", C500, 9, points=6.2)
    assert text == "workers within 500 m: 12,340 (top 4 % of the district), +6.2 pts"
    text = explain.factor_text("workers", 12340.0, 0.96, "zh", C500, 9, effect=np.log(1.18))
    assert text == "500米内工作人口：12,340（片区前4%） → 潜力+18%"


def test_district_percentiles_are_within_each_district():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 100.0]})
    pct = explain.district_percentiles(frame, ["x"], pd.Series(["a", "a", "a", "b"]))
    assert pct["x"].tolist() == pytest.approx([1 / 6, 0.5, 5 / 6, 0.5])


def test_score_points_add_up_to_the_gap_to_a_median_outlet():
    frame = pd.DataFrame({"a": [0.0, 2.0, 4.0, 10.0], "b": [3.0, 1.0, 2.0, 0.0]})
    district = pd.Series(["d"] * 4)
    scaled = composite.scale_features(frame, ["a", "b"], "minmax")
    W = composite.weight_matrix(pd.Series([pd.NA] * 4, dtype="string"), {"default": {"a": 0.6, "b": -0.4}}, ["a", "b"])
    score, _, _ = composite.composite_score(scaled, W, "minmax")
    deltas = explain.score_factors(scaled, W, district, "minmax")
    median = scaled.median()
    at_median, _, _ = composite.composite_score(pd.DataFrame([median] * 4), W, "minmax")
    assert deltas.sum(axis=1).to_numpy() == pytest.approx(score.to_numpy() - at_median.to_numpy())
    # outlet 3 has the most of "a" (good) and the least of "b" (negative weight: also good)
    assert (deltas.loc[3] > 0).all()


def test_potential_factors_find_the_feature_that_drives_sales():
    rng = np.random.default_rng(0)
    n = 300
    feats = pd.DataFrame({"driver": rng.lognormal(3, 1, n), "noise": rng.normal(size=n)})
    sales = pd.Series(np.exp(2 + np.log(feats["driver"]) + rng.normal(0, 0.1, n)))
    covered = pd.Series(rng.random(n) < 0.7)
    sales = sales.where(covered)
    res = fit_potential(feats, ["driver", "noise"], None, sales, covered, ModelParams(kind="linear", bootstrap=0))
    district = pd.Series(["d"] * n)
    eff = explain.potential_factors(res, district, max_features=2)
    assert list(eff.columns)[0] == "driver"
    above = feats["driver"] > feats["driver"].median()
    assert (eff.loc[above.to_numpy(), "driver"] > 0).all() and (eff.loc[~above.to_numpy(), "driver"] <= 0).all()
    # elasticity ≈ 1: a driver twice the median raises the prediction by about log(2)
    i = int(np.argmin(np.abs(feats["driver"] / feats["driver"].median() - 2)))
    assert eff.loc[i, "driver"] == pytest.approx(np.log(feats["driver"][i] / feats["driver"].median()), abs=0.1)


def test_top_factor_texts_pick_the_largest_and_skip_tiny_ones():
    frame = pd.DataFrame({"workers": [5000.0, 10.0], "poi_food": [3.0, 3.0]})
    pct = pd.DataFrame({"workers": [0.9, 0.1], "poi_food": [0.5, 0.5]})
    deltas = pd.DataFrame({"workers": [4.0, -3.0], "poi_food": [0.01, 1.5]})
    out = explain.top_factor_texts(frame, pct, deltas, "en", C500, 9, kind="score", top=2)
    assert out.iloc[0] == "+ workers within 500 m: 5,000 (top 10 % of the district), +4.0 pts"
    assert out.iloc[1] == ("− workers within 500 m: 10 (bottom 10 % of the district), -3.0 pts; "
                           "+ food & drink POIs within 500 m: 3 (top 50 % of the district), +1.5 pts")

"""Composite score: scaling, weight resolution and the weighted sum, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis.scoring import composite
from gis.scoring.params import ScoringParams


def test_percentile_is_mid_rank_over_n_with_shared_ties():
    s = pd.Series([10.0, 30.0, 20.0, 20.0])
    # ranks 1, 4, 2.5, 2.5 -> (rank - 0.5) / 4
    assert composite.scale(s, "percentile").tolist() == pytest.approx([0.125, 0.875, 0.5, 0.5])


def test_minmax_and_zscore_by_hand():
    s = pd.Series([2.0, 4.0, 6.0, np.nan])
    assert composite.scale(s, "minmax").iloc[:3].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert np.isnan(composite.scale(s, "minmax").iloc[3])
    sd = np.std([2.0, 4.0, 6.0])
    assert composite.scale(s, "zscore").iloc[:3].tolist() == pytest.approx([-2 / sd, 0.0, 2 / sd])
    # no spread: the middle of the scale
    assert composite.scale(pd.Series([5.0, 5.0]), "minmax").tolist() == [0.5, 0.5]
    assert composite.scale(pd.Series([5.0, 5.0]), "zscore").tolist() == [0.0, 0.0]


def test_scaling_within_groups():
    s = pd.Series([1.0, 2.0, 100.0, 200.0])
    g = pd.Series(["a", "a", "b", "b"])
    assert composite.scale(s, "minmax", g).tolist() == [0.0, 1.0, 0.0, 1.0]


def test_missing_values_take_the_neutral_value():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0]})
    assert composite.scale_features(frame, ["x"], "minmax")["x"].tolist() == [0.0, 0.5, 1.0]


def test_resolve_weights_drops_missing_features_and_renormalises():
    params = ScoringParams(weights={"default": {"a": 0.5, "b": -0.25, "missing": 0.25},
                                    "convenience": {"a": 1.0}})
    channels = pd.Series(["convenience", None, "catering"], dtype="string")
    weights, notes = composite.resolve_weights(params, channels, ["a", "b"])
    assert weights["default"] == pytest.approx({"a": 0.5 / 0.75, "b": -0.25 / 0.75})
    assert weights["convenience"] == {"a": 1.0}
    assert "catering" not in weights  # no preset: uses default
    assert any("missing" in n for n in notes)


def test_score_is_the_weighted_sum_of_oriented_scaled_features():
    # three outlets, two features; weights a = +0.75, b = -0.25 (normalised)
    frame = pd.DataFrame({"a": [0.0, 5.0, 10.0], "b": [10.0, 0.0, 5.0]})
    scaled = composite.scale_features(frame, ["a", "b"], "minmax")  # a: 0, .5, 1; b: 1, 0, .5
    weights = {"default": {"a": 0.75, "b": -0.25}}
    W = composite.weight_matrix(pd.Series([pd.NA] * 3, dtype="string"), weights, ["a", "b"])
    score, comps, contrib = composite.composite_score(scaled, W, "minmax")
    # b enters as 1 - scaled: 0, 1, 0.5
    expected = [100 * (0.75 * 0.0 + 0.25 * 0.0), 100 * (0.75 * 0.5 + 0.25 * 1.0), 100 * (0.75 * 1.0 + 0.25 * 0.5)]
    assert score.tolist() == pytest.approx(expected)
    assert comps.sum(axis=1).tolist() == pytest.approx(expected)
    # "a" is a demand feature, "b" too (neither POI, competition nor potential)
    assert comps["score_demand"].tolist() == pytest.approx(expected)


def test_components_split_by_feature_kind():
    frame = pd.DataFrame({"workers": [0.0, 1.0], "poi_food": [1.0, 0.0], "poi_competitor": [0.0, 1.0],
                          "potential": [1.0, 2.0]})
    feats = list(frame.columns)
    scaled = composite.scale_features(frame, feats, "minmax")
    weights = {"default": {"workers": 0.25, "poi_food": 0.25, "poi_competitor": -0.25, "potential": 0.25}}
    W = composite.weight_matrix(pd.Series(["x", "y"], dtype="string"), weights, feats)
    score, comps, _ = composite.composite_score(scaled, W, "minmax")
    assert comps.loc[0].to_dict() == pytest.approx({"score_demand": 0, "score_places": 25,
                                                    "score_competition": 25, "score_potential": 0})
    assert comps.loc[1].to_dict() == pytest.approx({"score_demand": 25, "score_places": 0,
                                                    "score_competition": 0, "score_potential": 25})
    assert score.tolist() == pytest.approx([50.0, 50.0])


def test_channel_presets_apply_per_outlet():
    weights = {"default": {"a": 1.0}, "catering": {"b": 1.0}}
    W = composite.weight_matrix(pd.Series(["catering", "convenience", pd.NA], dtype="string"), weights, ["a", "b"])
    assert W.tolist() == [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]

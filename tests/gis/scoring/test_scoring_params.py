"""Scoring parameters: validation, normalised weights, round trips through dicts and TOML."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from gis.errors import ConfigError
from gis.scoring.params import (DEFAULT_WEIGHTS, CatchmentDef, ModelParams, ScoringParams, TADefinition,
                                UncertaintyParams)


def test_defaults_round_trip_through_toml():
    params = ScoringParams()
    text = tomli_w.dumps({"scoring": params.to_dict()})
    back = ScoringParams.from_dict(tomllib.loads(text)["scoring"])
    assert back == params
    assert back.tier_cutoffs == pytest.approx((0.2, 0.5, 0.8))


def test_custom_values_round_trip():
    params = ScoringParams(
        catchment=CatchmentDef(k=2, radius_m=None, decay="exponential", decay_param=1.5),
        ta=TADefinition(layers={"workers": 1.0}, band_metric="consumption_index", band_min=110, band_max=None),
        scaling="minmax", scale_within="district", tier_shares=(0.1, 0.2, 0.3),
        weights={"default": {"workers": 2.0, "poi_competitor": -1.0}},
        model=ModelParams(kind="linear", folds=3, interval=(0.05, 0.95)),
        uncertainty=UncertaintyParams(resamples=10, weight_jitter=0.1), lang="zh")
    back = ScoringParams.from_dict(tomllib.loads(tomli_w.dumps(params.to_dict())))
    assert back == params
    assert back.catchment.k == 2 and back.catchment.radius_m is None
    assert back.ta.band_max is None and back.ta.band_min == 110.0
    assert back.tier_cutoffs == pytest.approx((0.1, 0.3, 0.6))


def test_ta_without_band_survives_the_round_trip():
    ta = TADefinition(layers={"residents": 1.0}, band_metric=None, band_min=None)
    assert TADefinition.from_dict(ta.to_dict()) == ta
    assert ta.describe() == "residents"
    assert TADefinition().describe() == "residents + workers in cells with consumption_index ≥ 100"


def test_presets_fall_back_to_default():
    params = ScoringParams()
    assert dict(params.preset("convenience")) == DEFAULT_WEIGHTS["convenience"]
    assert dict(params.preset("unknown-channel")) == DEFAULT_WEIGHTS["default"]
    assert dict(params.preset(None)) == DEFAULT_WEIGHTS["default"]


def test_weights_are_frozen():
    params = ScoringParams()
    with pytest.raises(TypeError):
        params.weights["default"]["ta"] = 5.0  # type: ignore[index]


@pytest.mark.parametrize("bad", [
    {"scaling": "rank"},
    {"tier_shares": [0.5, 0.4, 0.3]},
    {"tier_shares": [0.5, 0.5]},
    {"weights": {"convenience": {"workers": 1.0}}},           # no default preset
    {"weights": {"default": {"workers": 0.0}}},               # all zero
    {"weights": {"default": {"workers": "high"}}},
    {"catchment": {"k": 2, "radius_m": 500}},                 # both
    {"catchment": {"decay": "cubic"}},
    {"model": {"interval": [0.9, 0.1]}},
    {"model": {"folds": 1}},
    {"model": {"kind": "forest"}},
    {"uncertainty": {"weight_jitter": 1.5}},
    {"colour": "blue"},                                       # unknown key
    {"ta": {"layers": {}}},
])
def test_invalid_settings_raise_config_error(bad):
    with pytest.raises(ConfigError):
        ScoringParams.from_dict(bad)


def test_k_ring_reach_and_label():
    import h3

    c = CatchmentDef(k=2, radius_m=None)
    edge = h3.average_hexagon_edge_length(9, unit="m")   # about 200 m
    assert c.reach_m(9) == pytest.approx(2 * 3 ** 0.5 * edge + edge)  # two centre spacings plus one edge
    assert c.label("en", 9).startswith("within 2 rings")
    assert CatchmentDef(radius_m=500).label("zh") == "500米内"
    assert CatchmentDef(radius_m=500).label("en") == "within 500 m"

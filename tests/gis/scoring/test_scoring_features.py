"""Catchment features: derived cell metrics, POI mix, own-outlet density, the whole feature set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis import hexgrid
from gis.gridlayer import make_layer
from gis.scoring.features import (build_features, cell_purchasing_power, cell_ta, channel_dummies,
                                  own_outlet_density, poi_mix)
from gis.scoring.params import CatchmentDef, ScoringParams, TADefinition

M_PER_DEG_LAT = 111_195.0


def _layer(values: dict, cells=None) -> pd.DataFrame:
    cells = np.asarray(cells if cells is not None else [1, 2, 3], dtype=np.int64)
    return make_layer(pd.DataFrame(values, index=cells), 9, ["consumption_index"] if "consumption_index" in values else [])


def test_ta_counts_only_cells_in_the_band():
    layer = _layer({"residents": [100.0, 200.0, 300.0], "workers": [10.0, 20.0, 30.0],
                    "consumption_index": [90.0, 110.0, 130.0]})
    ta, notes = cell_ta(layer, TADefinition(layers={"workers": 1.0, "residents": 0.5}, band_min=100, band_max=120))
    assert ta.tolist() == [0.0, 20 + 100, 0.0]
    assert notes == []


def test_ta_missing_layer_gives_none_and_a_note():
    layer = _layer({"residents": [1.0, 2.0, 3.0]})
    ta, notes = cell_ta(layer, TADefinition())
    assert ta is None and "workers" in notes[0]
    # a missing band metric drops the band, not the TA
    ta, notes = cell_ta(layer, TADefinition(layers={"residents": 1.0}))
    assert ta.tolist() == [1.0, 2.0, 3.0] and "band ignored" in notes[0]


def test_purchasing_power_is_population_times_index():
    layer = _layer({"residents": [100.0, 200.0, 0.0], "workers": [100.0, 0.0, 50.0],
                    "consumption_index": [50.0, 100.0, 200.0]})
    pp, _ = cell_purchasing_power(layer, ("residents", "workers"))
    assert pp.tolist() == [100.0, 200.0, 100.0]
    pp, notes = cell_purchasing_power(layer.drop(columns="consumption_index"), ("residents",))
    assert pp is None and "consumption_index" in notes[0]


def test_poi_mix_shares_exclude_competitors():
    frame = pd.DataFrame({"poi_food": [3.0, 0.0], "poi_office": [1.0, 0.0], "poi_competitor": [50.0, 2.0]})
    mix = poi_mix(frame)
    assert list(mix.columns) == ["poi_food_share", "poi_office_share"]
    assert mix.loc[0].tolist() == [0.75, 0.25]
    assert mix.loc[1].tolist() == [0.0, 0.0]


def test_own_outlet_density_by_hand():
    # along a meridian: A at 0 m, B 300 m, C 700 m (covered), D 100 m (prospect)
    north = np.array([0.0, 300.0, 700.0, 100.0])
    lat = 31.0 + north / M_PER_DEG_LAT
    lon = np.full(4, 121.0)
    out = own_outlet_density(lat, lon, [True, True, True, False], radius_m=500.0)
    assert out["own_outlets"].tolist() == [1.0, 2.0, 1.0, 2.0]
    assert out["own_nearest_m"].to_numpy() == pytest.approx([300.0, 300.0, 400.0, 100.0], abs=0.5)


def test_own_outlet_density_without_other_covered_outlets():
    out = own_outlet_density([31.0, 31.001], [121.0, 121.0], [True, False], radius_m=50.0)
    assert out["own_outlets"].tolist() == [0.0, 0.0]
    assert out["own_nearest_m"].iloc[0] == 5000.0           # nothing else covered: the cap
    assert out["own_nearest_m"].iloc[1] == pytest.approx(111.2, abs=0.5)


def test_channel_dummies():
    d = channel_dummies(pd.Series(["catering", pd.NA, "convenience"], dtype="string"))
    assert list(d.columns) == ["ch_convenience", "ch_catering"]
    assert d["ch_catering"].tolist() == [1.0, 0.0, 0.0]


def test_build_features_sums_the_catchment_through_the_grid():
    centre = hexgrid.latlon_to_cells(np.array([31.23]), np.array([121.47]), 9)
    _, disk, dist = hexgrid.grid_disk(centre, 1)
    order = np.argsort(disk)
    cells, dist = disk[order], dist[order]
    layer = make_layer(pd.DataFrame({
        "residents": np.full(7, 10.0), "workers": np.where(dist == 0, 100.0, 0.0),
        "consumption_index": np.where(dist == 0, 150.0, 100.0), "poi_food": np.ones(7)}, index=cells),
        9, ["consumption_index"])
    lat, lon = hexgrid.cells_to_latlon(centre)
    outlets = pd.DataFrame({"outlet_id": ["a"], "lat": lat, "lon": lon, "covered": [True]})
    params = ScoringParams(catchment=CatchmentDef(k=1, radius_m=None, decay="none"),
                           ta=TADefinition(layers={"workers": 1.0}, band_min=120))
    fs = build_features(outlets, layer, params)
    row = fs.frame.iloc[0]
    assert row["residents"] == 70.0 and row["workers"] == 100.0 and row["poi_food"] == 7.0
    assert row["consumption_index"] == pytest.approx((150 + 6 * 100) / 7)   # intensive: averaged
    assert row["ta"] == 100.0                                               # workers where index ≥ 120
    # purchasing power: (residents + workers) × index / 100 per cell, summed
    assert row["purchasing_power"] == pytest.approx(110 * 1.5 + 6 * 10 * 1.0)
    assert row["poi_food_share"] == 1.0
    assert "consumption_index" in fs.intensive


def test_build_features_without_a_layer():
    outlets = pd.DataFrame({"outlet_id": ["a", "b"], "lat": [31.0, 31.001], "lon": [121.0, 121.0],
                            "covered": [True, True]})
    fs = build_features(outlets, None, ScoringParams())
    assert list(fs.numeric) == ["own_outlets", "own_nearest_m"]
    assert any("no grid layer" in n for n in fs.notes)

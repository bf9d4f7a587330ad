"""District insight: metrics per district by hand, priority ranking, missing data reduces the table."""

from __future__ import annotations

import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import tomli_w
from shapely.geometry import box

from gis import hexgrid
from gis.errors import ConfigError
from gis.gridlayer import make_layer
from gis.insight import InsightParams, district_insight
from gis.scoring.params import TADefinition

A_CENTRE = (31.20, 121.40)
B_CENTRE = (31.20, 121.50)   # ~9.5 km east


def _disk(lat, lon):
    centre = hexgrid.latlon_to_cells(np.array([lat]), np.array([lon]), 9)
    _, cells, dist = hexgrid.grid_disk(centre, 1)
    order = np.argsort(cells)
    return cells[order], dist[order]


@pytest.fixture()
def city():
    a_cells, a_dist = _disk(*A_CENTRE)
    b_cells, b_dist = _disk(*B_CENTRE)
    cells = np.r_[a_cells, b_cells]
    # district A: 7 cells × 100 residents, 50 workers at the centre only, index 120 at the centre;
    # district B: 7 cells × 300 residents, no workers, index 80 everywhere
    residents = np.r_[np.full(7, 100.0), np.full(7, 300.0)]
    workers = np.r_[np.where(a_dist == 0, 50.0, 0.0), np.zeros(7)]
    index = np.r_[np.where(a_dist == 0, 120.0, 100.0), np.full(7, 80.0)]
    poi_food = np.r_[np.full(7, 1.0), np.full(7, 3.0)]
    poi_office = np.r_[np.full(7, 1.0), np.zeros(7)]
    order = np.argsort(cells)
    layer = make_layer(pd.DataFrame({"residents": residents, "workers": workers, "consumption_index": index,
                                     "poi_food": poi_food, "poi_office": poi_office}).iloc[order]
                       .set_axis(cells[order]), 9, ["consumption_index"])
    outlets = pd.DataFrame({
        "outlet_id": ["a1", "a2", "a3", "b1", "b2"],
        "lat": [A_CENTRE[0]] * 3 + [B_CENTRE[0]] * 2,
        "lon": [A_CENTRE[1], A_CENTRE[1] + 0.0005, A_CENTRE[1] - 0.0005, B_CENTRE[1], B_CENTRE[1] + 0.0005],
        "channel": pd.array(["convenience", "convenience", "catering", "supermarket", "convenience"], dtype="string"),
        "covered": [True, True, False, True, False],
        "sales": [100.0, 200.0, np.nan, 50.0, np.nan],
        "district": pd.array(["A", "A", "A", "B", "B"], dtype="string"),
    })
    return layer, outlets


def test_metrics_by_hand_without_polygons(city):
    layer, outlets = city
    params = InsightParams(ta=TADefinition(layers={"residents": 1.0, "workers": 1.0}, band_min=100))
    res = district_insight(layer, outlets, params=params)
    t = res.district_ranking.set_index("district")
    assert t.loc["A", "residents"] == 700 and t.loc["B", "residents"] == 2100
    assert t.loc["A", "workers"] == 50 and t.loc["B", "workers"] == 0
    # TA: residents + workers in cells with index ≥ 100: all of A, none of B
    assert t.loc["A", "ta_population"] == 750 and t.loc["B", "ta_population"] == 0
    # purchasing power: (residents + workers) × index / 100
    assert t.loc["A", "purchasing_power"] == pytest.approx(150 * 1.2 + 6 * 100 * 1.0)
    assert t.loc["B", "purchasing_power"] == pytest.approx(2100 * 0.8)
    assert t.loc["A", "consumption_index"] == pytest.approx((150 * 120 + 600 * 100) / 750)
    assert t.loc["A", "poi_total"] == 14 and t.loc["A", "poi_food_share"] == 0.5
    assert t.loc["B", "poi_food_share"] == 1.0
    assert t.loc["A", "outlets_total"] == 3 and t.loc["A", "outlets_covered"] == 2 and t.loc["A", "outlets_prospect"] == 1
    assert t.loc["A", "outlets_convenience"] == 2 and t.loc["A", "prospects_catering"] == 1
    assert t.loc["A", "coverage_numeric"] == pytest.approx(2 / 3) and t.loc["B", "coverage_numeric"] == 0.5
    assert t.loc["A", "sales"] == 300 and t.loc["B", "sales"] == 50
    assert t.loc["A", "sales_per_capita"] == pytest.approx(300 / 750)
    assert t.loc["B", "sales_per_capita"] == pytest.approx(50 / 2100)
    assert any("nearest outlet" in n for n in res.notes)


def test_potential_coverage_weighted_and_headroom(city):
    layer, outlets = city
    scores = pd.DataFrame({"outlet_id": ["a1", "a2", "a3", "b1", "b2"],
                           "potential": [150.0, 150.0, 100.0, 80.0, 20.0]})
    t = district_insight(layer, outlets, scores=scores).district_ranking.set_index("district")
    assert t.loc["A", "potential_total"] == 400 and t.loc["B", "potential_total"] == 100
    assert t.loc["A", "coverage_weighted"] == pytest.approx(300 / 400)
    assert t.loc["B", "coverage_weighted"] == pytest.approx(80 / 100)
    # headroom: prospects' potential + covered (potential − sales) = 100 + (50 − 50) in A
    assert t.loc["A", "headroom"] == pytest.approx(100 + (150 - 100) + (150 - 200))
    assert t.loc["B", "headroom"] == pytest.approx(20 + (80 - 50))


def test_priority_is_the_sum_of_its_points_and_weights_are_editable(city):
    layer, outlets = city
    res = district_insight(layer, outlets)
    t = res.district_ranking
    pts = [c for c in t.columns if c.startswith("pts_")]
    assert np.allclose(t[pts].sum(axis=1), t["priority_score"])
    assert t["rank"].tolist() == [1, 2] and t["priority_score"].is_monotonic_decreasing
    assert sum(abs(w) for w in res.weights.values()) == pytest.approx(1.0)
    # only low coverage matters: B (50 %) before A (67 %)
    only = district_insight(layer, outlets, params=InsightParams(weights={"coverage_numeric": -1.0}))
    assert only.district_ranking["district"].tolist() == ["B", "A"]
    assert only.district_ranking["priority_score"].tolist() == [100.0, 0.0]
    # only residents matter: B first too; only workers: A first
    assert district_insight(layer, outlets, params=InsightParams(weights={"workers": 1.0})).district_ranking[
        "district"].tolist() == ["A", "B"]


def test_no_workers_layer_reduces_the_table(city):
    layer, outlets = city
    res = district_insight(layer.drop(columns="workers"), outlets)
    cols = set(res.district_ranking.columns)
    assert "workers" not in cols and "ta_population" not in cols and "pts_ta_population" not in cols
    assert "residents" in cols and "purchasing_power" in cols
    assert any("workers" in n for n in res.notes)
    assert res.district_ranking["rank"].tolist() == [1, 2]
    assert "ta_population" not in res.weights


def test_no_layer_and_no_sales(city):
    _, outlets = city
    res = district_insight(None, outlets.drop(columns="sales"))
    t = res.district_ranking
    assert len(t) == 2 and "residents" not in t.columns and "sales" not in t.columns
    notes = " ".join(res.notes)
    assert "no grid layer" in notes and "no sales" in notes
    assert t["priority_score"].notna().all()


def test_polygons_give_every_district_a_row(city):
    layer, outlets = city
    districts = gpd.GeoDataFrame({"district_id": ["d1", "d2", "d3"], "name": ["西区", "东区", "空区"]},
                                 geometry=[box(121.35, 31.15, 121.45, 31.25), box(121.45, 31.15, 121.55, 31.25),
                                           box(121.6, 31.15, 121.7, 31.25)], crs="EPSG:4326")
    t = district_insight(layer, outlets.drop(columns="district"), districts=districts).district_ranking
    t = t.set_index("district")
    assert set(t.index) == {"西区", "东区", "空区"}
    assert t.loc["西区", "district_id"] == "d1" and t.loc["西区", "residents"] == 700
    assert t.loc["东区", "outlets_total"] == 2 and t.loc["空区", "outlets_total"] == 0


def test_params_round_trip_and_validation():
    p = InsightParams(weights={"headroom": 1.0, "coverage_numeric": -0.5}, scaling="percentile",
                      ta=TADefinition(layers={"workers": 1.0}, band_min=110))
    assert InsightParams.from_dict(tomllib.loads(tomli_w.dumps(p.to_dict()))) == p
    assert InsightParams.from_dict({}) == InsightParams()
    for bad in ({"weights": {"headroom": "a lot"}}, {"scaling": "log"}, {"weights": {}}, {"colour": 1}):
        with pytest.raises(ConfigError):
            InsightParams.from_dict(bad)


def test_without_any_district_the_whole_area_is_one(city):
    layer, outlets = city
    res = district_insight(layer, outlets.drop(columns="district"))
    t = res.district_ranking
    assert t["district"].tolist() == ["(all)"] and t["outlets_total"].tolist() == [5]
    assert t["residents"].tolist() == [2800.0]
    assert any("whole area" in n for n in res.notes)

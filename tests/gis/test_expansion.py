"""Expansion list: cannibalization by catchment overlap, net sales, ranking and reasons."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w

from gis.errors import AnalysisError, ConfigError
from gis.expansion import ExpansionParams, cannibalization, expansion_list, overlap_share

M = 1 / 111_195.0  # degrees of latitude per metre


def test_overlap_share_by_hand():
    assert overlap_share([0.0, 1000.0, 5000.0], 500.0).tolist() == pytest.approx([1.0, 0.0, 0.0])
    # centres one radius apart: (2π/3 − √3/2) / π of the circle
    assert overlap_share([500.0], 500.0)[0] == pytest.approx((2 * math.pi / 3 - math.sqrt(3) / 2) / math.pi)
    d = np.linspace(0, 1000, 11)
    assert np.all(np.diff(overlap_share(d, 500.0)) < 0)


def test_cannibalization_by_hand():
    # a covered convenience store (sales 1,000) and a covered restaurant (sales 400) at the origin;
    # a new convenience store 250 m north
    o250 = overlap_share([250.0], 500.0)[0]
    taken, count, nearest = cannibalization(
        [31.0 + 250 * M], [121.0], ["convenience"], [31.0, 31.0], [121.0, 121.0],
        ["convenience", "catering"], [1000.0, 400.0], 500.0, capture_share=0.5, cross_channel_factor=0.5)
    assert taken[0] == pytest.approx(0.5 * o250 * 1000 + 0.5 * o250 * 0.5 * 400, rel=1e-4)
    assert count[0] == 2 and nearest[0] == pytest.approx(250.0, abs=0.5)


def _table():
    # district d: covered c1 (sales 1,000) at the origin; prospects p1 next to it, p2 far away,
    # p3 with a small potential right on top of c1; district e: one prospect, nothing covered
    return pd.DataFrame({
        "outlet_id": ["c1", "p1", "p2", "p3", "e1"],
        "name": ["covered", "near", "far", "tiny", "alone"],
        "lat": [31.0, 31.0 + 100 * M, 31.0 + 3000 * M, 31.0, 31.5],
        "lon": [121.0] * 5,
        "district": pd.array(["d", "d", "d", "d", "e"], dtype="string"),
        "channel": pd.array(["convenience"] * 5, dtype="string"),
        "covered": [True, False, False, False, False],
        "sales": [1000.0, np.nan, np.nan, np.nan, np.nan],
        "potential": [900.0, 800.0, 700.0, 100.0, 50.0],
        "score": [50.0, 80.0, 60.0, 40.0, 10.0],
        "tier": pd.array(["B", "A", "B", "C", "A"], dtype="string"),
        "top_factors": pd.array(["", "+ workers within 500 m: 9,000 (top 5 % of the district), +6.0 pts", "", "", ""],
                                dtype="string"),
    })


def test_net_sales_rank_the_prospects():
    res = expansion_list(_table(), ExpansionParams(radius_m=500.0))
    t = res.table
    assert list(t.columns[:6]) == ["district", "rank", "outlet_id", "expected_sales", "cannibalized_sales", "net_sales"]
    assert "c1" not in t["outlet_id"].tolist()
    d = t[t["district"] == "d"].set_index("outlet_id")
    o100 = overlap_share([100.0], 500.0)[0]
    assert d.loc["p1", "cannibalized_sales"] == pytest.approx(0.5 * o100 * 1000, rel=1e-3)
    assert d.loc["p2", "cannibalized_sales"] == 0.0 and d.loc["p2", "net_sales"] == 700.0
    # p3 would take 500 but sells only 100: capped at what it sells
    assert d.loc["p3", "cannibalized_sales"] == 100.0 and d.loc["p3", "net_sales"] == 0.0
    assert np.allclose(t["net_sales"], t["expected_sales"] - t["cannibalized_sales"])
    # p2 (700 net) before p1 (800 − ~375) before p3
    assert d.sort_values("rank").index.tolist() == ["p2", "p1", "p3"]
    assert t[t["district"] == "e"]["rank"].tolist() == [1]
    reasons = d.loc["p1", "reasons"]
    assert "expected sales 800" in reasons and "from 1 covered outlet" in reasons and "workers within 500 m" in reasons
    assert "no covered outlet within 1,000 m" in d.loc["p2", "reasons"]


def test_reasons_in_chinese_and_top_per_district():
    res = expansion_list(_table(), ExpansionParams(radius_m=500.0, lang="zh", top_per_district=1))
    t = res.table
    assert t["outlet_id"].tolist() == ["p2", "e1"]
    assert "预计销售700" in t["reasons"].iloc[0] and "1,000米内无已铺货售点" in t["reasons"].iloc[0]


def test_without_a_model_prospects_are_ranked_by_score():
    table = _table().assign(potential=np.nan)
    res = expansion_list(table, ExpansionParams(radius_m=500.0))
    d = res.table[res.table["district"] == "d"]
    assert d["outlet_id"].tolist() == ["p1", "p2", "p3"]           # by score 80, 60, 40
    assert d["expected_sales"].isna().all() and d["net_sales"].isna().all()
    assert any("ranked by score" in n for n in res.notes)


def test_from_a_scoring_result_uses_its_catchment():
    from gis.scoring import ModelParams, ScoringParams, UncertaintyParams, score_outlets
    from tests.gis.scoring.synthetic_city import make_layer, make_outlets

    layer = make_layer(radius_km=2.5)
    outlets = make_outlets(layer, n=200, seed=9).drop(columns="true_potential")
    scoring = score_outlets(outlets, layer, params=ScoringParams(
        model=ModelParams(kind="linear", bootstrap=0, explain_features=2), uncertainty=UncertaintyParams(resamples=0)))
    res = expansion_list(scoring)
    assert res.radius_m == 500.0
    assert len(res.table) == int((~outlets["covered"]).sum())
    assert (res.table["cannibalized_sales"] <= res.table["expected_sales"]).all()
    for _, g in res.table.groupby("district"):
        assert g["rank"].tolist() == list(range(1, len(g) + 1))
        assert g["net_sales"].is_monotonic_decreasing


def test_params_and_errors():
    p = ExpansionParams(capture_share=0.3, radius_m=800.0, top_per_district=10)
    assert ExpansionParams.from_dict(tomllib.loads(tomli_w.dumps(p.to_dict()))) == p
    for bad in ({"capture_share": 2}, {"radius_m": -1}, {"top_per_district": 0}, {"speed": 1}):
        with pytest.raises(ConfigError):
            ExpansionParams.from_dict(bad)
    with pytest.raises(AnalysisError):
        expansion_list(pd.DataFrame({"outlet_id": ["a"]}))

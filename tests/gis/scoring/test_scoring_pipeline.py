"""score_outlets end to end, and on data it has never seen: no sales, few sales, missing layers,
one channel, unknown channels; progress, cancel and failures."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from gis.errors import AnalysisError, Cancelled
from gis.progress import CallbackProgress
from gis.scoring import ModelParams, ScoringParams, UncertaintyParams, explain_outlet, score_outlets
from gis.scoring.pipeline import CORE_COLUMNS
from tests.gis.scoring.synthetic_city import make_layer, make_outlets, quadrant_districts

FAST = ScoringParams(model=ModelParams(kind="linear", bootstrap=3, explain_features=4),
                     uncertainty=UncertaintyParams(resamples=6))


@pytest.fixture(scope="module")
def city():
    layer = make_layer(radius_km=3.0)
    outlets = make_outlets(layer, n=300, seed=5).drop(columns="true_potential")
    return layer, outlets


@pytest.fixture(scope="module")
def full(city):
    layer, outlets = city
    return score_outlets(outlets, layer, params=FAST)


def test_one_row_per_outlet_in_input_order(city, full):
    _, outlets = city
    t = full.table
    assert t["outlet_id"].tolist() == outlets["outlet_id"].tolist()
    assert list(t.columns[:len(CORE_COLUMNS)]) == list(CORE_COLUMNS)
    assert t["score"].between(0, 100).all()
    assert t["rank_in_district"].min() == 1


def test_tiers_follow_the_cut_offs_in_every_district(full):
    for _, g in full.table.groupby("district"):
        n = len(g)
        counts = g["tier"].value_counts()
        assert counts.get("A", 0) == int(np.ceil(0.2 * n))
        assert counts.get("A", 0) + counts.get("B", 0) == int(np.ceil(0.5 * n))
        assert sorted(g["rank_in_district"]) == list(range(1, n + 1))
        # rank follows score
        assert g.sort_values("rank_in_district")["score"].is_monotonic_decreasing


def test_potential_gap_and_interval(full):
    t = full.table
    cov = t["covered"]
    assert np.allclose(t.loc[cov, "gap"], t.loc[cov, "potential"] - t.loc[cov, "sales"])
    assert t.loc[~cov, "gap"].isna().all()
    assert (t["potential_low"] <= t["potential"]).all() and (t["potential"] <= t["potential_high"]).all()
    rep = full.model_report
    assert rep["fitted"] and rep["n_train"] == int(cov.sum())
    assert rep["held_out"]["spearman"] > 0.8
    assert t["tier_stability"].between(0, 1).all()


def test_weights_used_are_normalised(full):
    for preset, w in full.weights.items():
        assert sum(abs(v) for v in w.values()) == pytest.approx(1.0), preset
    assert "potential" in full.weights["default"]


def test_explanations_in_words(full):
    t = full.table
    assert (t["top_factors"].str.len() > 0).mean() > 0.95
    assert (t["potential_factors"].str.len() > 0).mean() > 0.95
    first = t["top_factors"].iloc[0]
    assert "of the district" in first and "pts" in first
    detail = explain_outlet(full, t["outlet_id"].iloc[0], lang="zh")
    assert {"feature", "value", "district_percentile", "score_points", "potential_effect", "text"} <= set(detail.columns)
    assert "片区" in detail["text"].iloc[0]


def test_table_survives_parquet(full):
    buf = io.BytesIO()
    full.table.to_parquet(buf)
    back = pd.read_parquet(io.BytesIO(buf.getvalue()))
    assert len(back) == len(full.table) and back["tier"].tolist() == full.table["tier"].tolist()


def test_inputs_are_not_changed(city):
    layer, outlets = city
    before_o, before_l = outlets.copy(), layer.copy()
    score_outlets(outlets, layer, params=FAST)
    pd.testing.assert_frame_equal(outlets, before_o)
    pd.testing.assert_frame_equal(layer, before_l)


def test_no_sales_column_gives_score_only_ranking(city):
    layer, outlets = city
    res = score_outlets(outlets.drop(columns="sales"), layer, params=FAST)
    t = res.table
    assert t["potential"].isna().all() and t["gap"].isna().all()
    assert t["score"].nunique() > 250 and set(t["tier"]) == {"A", "B", "C", "D"}
    notes = " ".join(res.notes)
    assert "no sales" in notes and "'potential' weight is dropped" in notes
    assert "potential" not in res.weights["default"]
    assert res.model_report["fitted"] is False


def test_sales_for_a_few_outlets_only(city):
    layer, outlets = city
    few = outlets.copy()
    keep = np.flatnonzero(few["covered"])[:20]
    few.loc[~few.index.isin(keep), "sales"] = np.nan
    res = score_outlets(few, layer, params=FAST)
    assert not res.model_report["fitted"]
    assert any("only 20 covered outlets with sales" in n for n in res.notes)
    some = outlets.copy()
    keep = np.flatnonzero(some["covered"])[:100]
    some.loc[~some.index.isin(keep), "sales"] = np.nan
    res = score_outlets(some, layer, params=FAST)
    assert res.model_report["fitted"] and res.model_report["n_train"] == 100
    assert any("without sales: predicted, not trained on" in n for n in res.notes)
    assert res.table["potential"].notna().all()


def test_missing_layers_reduce_the_features(city):
    layer, outlets = city
    res = score_outlets(outlets, layer.drop(columns=["workers", "poi_competitor"]), params=FAST)
    cols = set(res.table.columns)
    assert "workers" not in cols and "ta" not in cols and "poi_competitor" not in cols
    assert "residents" in cols
    notes = " ".join(res.notes)
    assert "workers" in notes
    assert res.table["score"].notna().all()


def test_no_layer_at_all(city):
    _, outlets = city
    res = score_outlets(outlets, None, params=FAST)
    assert res.table["score"].notna().all()
    assert any("no grid layer" in n for n in res.notes)


def test_single_channel(city):
    layer, outlets = city
    one = outlets.assign(channel=pd.array(["convenience"] * len(outlets), dtype="string"))
    res = score_outlets(one, layer, params=FAST)
    assert any("single channel" in n for n in res.notes)
    assert res.model_report["fitted"]


def test_unknown_channels_are_classified_and_user_channels_kept(city):
    layer, outlets = city
    o = outlets.copy()
    hide = np.arange(len(o)) % 4 == 0
    o.loc[hide, "channel"] = pd.NA
    o.loc[1, "channel"] = "catering"           # a user's channel that disagrees with the name
    res = score_outlets(o, layer, params=FAST)
    t = res.table
    assert (t.loc[hide, "channel_source"] == "name").all()      # the synthetic names carry keywords
    assert (t.loc[hide, "channel"] == outlets.loc[hide, "channel"]).mean() > 0.95
    assert t.loc[1, "channel"] == "catering" and t.loc[1, "channel_source"] == "user"


def test_district_polygons_assign_districts(city):
    layer, outlets = city
    res = score_outlets(outlets.drop(columns="district"), layer, districts=quadrant_districts(), params=FAST)
    expected = outlets["district"].map({"NE": "东北区", "NW": "西北区", "SE": "东南区", "SW": "西南区"})
    assert res.table["district"].tolist() == expected.tolist()


def test_progress_runs_to_the_end(city):
    layer, outlets = city
    seen = []
    score_outlets(outlets, layer, params=FAST, progress=CallbackProgress(lambda f, m: seen.append(f)))
    assert seen[-1] == 1.0 and all(b >= a - 1e-9 for a, b in zip(seen, seen[1:]))


def test_cancel_at_once_and_mid_run(city):
    layer, outlets = city
    p = CallbackProgress()
    p.cancel()
    with pytest.raises(Cancelled):
        score_outlets(outlets, layer, params=FAST, progress=p)

    def cancel_in_model(fraction, message):
        if fraction > 0.45:
            mid.cancel()

    mid = CallbackProgress(cancel_in_model)
    with pytest.raises(Cancelled):
        score_outlets(outlets, layer, params=FAST, progress=mid)


def test_failures_name_the_problem(city):
    layer, outlets = city
    with pytest.raises(AnalysisError, match="lat"):
        score_outlets(outlets.drop(columns="lat"), layer)
    bad = outlets.copy()
    bad.loc[3, "lat"] = 123.0
    with pytest.raises(AnalysisError, match="rows 3"):
        score_outlets(bad, layer)
    with pytest.raises(AnalysisError, match="empty"):
        score_outlets(outlets.iloc[:0], layer)

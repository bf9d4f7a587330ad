import numpy as np
import pandas as pd
import pytest

from gis.errors import AnalysisError, Cancelled
from gis.progress import CallbackProgress
from gis.strategy import StrategyParams, derive_strategy
from gis.strategy.pipeline import TABLE_COLUMNS

from .test_segments_assortment import synthetic_city


@pytest.fixture
def city():
    """40 CBD and 60 residential outlets; 80 covered, 20 prospects; scores with tiers."""
    features, truth = synthetic_city({"cbd": 40, "home": 60}, seed=5)
    n = len(features)
    rng = np.random.default_rng(5)
    ids = [f"O{k:03d}" for k in range(n)]
    covered = np.arange(n) % 5 != 0
    potential = rng.uniform(1000, 5000, n)
    sales = np.where(covered, potential * rng.uniform(0.5, 1.1, n), np.nan)
    outlets = pd.DataFrame({"outlet_id": ids, "name": [f"店{k}" for k in range(n)], "lat": 31.2, "lon": 121.4,
                            "covered": covered, "sales": sales,
                            "district": np.where(np.arange(n) < 50, "甲区", "乙区")})
    score = rng.uniform(0, 100, n)
    scores = pd.DataFrame({"outlet_id": ids, "score": score, "potential": potential,
                           "gap": np.where(covered, potential - sales, np.nan),
                           "tier": pd.Series(np.array(["A", "B", "C", "D"])[np.arange(n) % 4], dtype="string"),
                           "district": outlets["district"]})
    # sales lines: every covered CBD outlet sells "冷萃咖啡" except O001; all sell "纯净水"
    rows = []
    for k in np.flatnonzero(covered):
        for period in ("2026-01", "2026-02"):
            rows.append((ids[k], "纯净水", "饮料", 2.0, period, 100, 200.0))
            if truth[k] == "cbd" and ids[k] != "O001":
                rows.append((ids[k], "冷萃咖啡", "饮料", 9.9, period, 50, 495.0))
    lines = pd.DataFrame(rows, columns=["outlet_id", "product", "category", "price", "period", "quantity", "amount"])
    return outlets, scores, features, lines, truth


def test_strategy_table(city):
    outlets, scores, features, lines, truth = city
    result = derive_strategy(outlets, scores, features, lines, StrategyParams(n_segments=2, min_peers=3))
    t = result.table
    assert list(t.columns) == list(TABLE_COLUMNS)
    assert t["outlet_id"].tolist() == outlets["outlet_id"].tolist()
    # visit frequency by tier
    expected = t["tier"].map({"A": 4.0, "B": 2.0, "C": 1.0, "D": 0.0})
    assert (t["visits_per_month"] == expected).all()
    # segments
    assert set(t.loc[truth == "cbd", "segment_key"]) == {"office_cbd"}
    assert set(t.loc[truth == "home", "segment_key"]) == {"residential_family"}
    # O001 is a covered A/B… CBD outlet without the coffee its CBD peers of the same tier sell
    o1 = t.set_index("outlet_id").loc["O001"]
    assert o1["covered"] and truth[1] == "cbd"
    assert o1["recommended_products"] == "冷萃咖啡"
    assert "avg ¥495/month" in o1["evidence"] and "商务办公" in o1["evidence"]
    # residential outlets carry everything their peers carry
    home_covered = (truth == "home") & outlets["covered"].to_numpy()
    assert t.loc[home_covered, "recommended_products"].isna().all()
    # prospects get sampling, and a priority order over all outlets
    assert (t.loc[~outlets["covered"], "promotion"] == "sampling").all()
    assert sorted(t["priority"]) == list(range(1, len(t) + 1))
    first = t.sort_values("priority").iloc[0]
    assert first["tier"] == "A"
    a = t[t["tier"] == "A"]
    assert first["opportunity"] == a["opportunity"].max()
    assert set(t["price_band"]) <= {"economy", "mainstream", "premium"}
    assert result.segments["outlets"].sum() == len(t)


def test_without_sales_lines_assortment_is_left_out(city):
    outlets, scores, features, _, _ = city
    result = derive_strategy(outlets, scores, features, None, StrategyParams(n_segments=2))
    assert result.table["recommended_products"].isna().all()
    assert result.table["evidence"].isna().all()
    assert result.assortment.empty
    assert any("no sales lines" in n for n in result.notes)


def test_tiers_derived_when_scores_have_none(city):
    outlets, scores, features, _, _ = city
    result = derive_strategy(outlets, scores.drop(columns="tier"), features, None, StrategyParams(n_segments=2))
    t = result.table
    assert any("derived from the score quartiles" in n for n in result.notes)
    # in each district the top quarter of scores is A
    for district, group in t.assign(score=scores["score"]).groupby("district"):
        top = group.sort_values("score", ascending=False)
        quarter = int(np.floor(len(group) * 0.25))
        assert (top["tier"].iloc[:quarter] == "A").all()
        assert (top["tier"].iloc[quarter + 1:] != "A").all()


def test_custom_visits_and_features_by_outlet_id(city):
    outlets, scores, features, _, _ = city
    shuffled = features.assign(outlet_id=outlets["outlet_id"]).sample(frac=1.0, random_state=1)
    params = StrategyParams(n_segments=2, visits_per_month={"A": 8, "B": 4, "C": 2, "D": 1})
    result = derive_strategy(outlets, scores, shuffled, None, params)
    t = result.table
    assert (t["visits_per_month"] == t["tier"].map({"A": 8.0, "B": 4.0, "C": 2.0, "D": 1.0})).all()
    aligned = derive_strategy(outlets, scores, features, None, params).table
    assert (t["segment_key"] == aligned["segment_key"]).all()
    with pytest.raises(AnalysisError, match="rows"):
        derive_strategy(outlets, scores, features.iloc[:10], None, params)


def test_cancel(city):
    outlets, scores, features, lines, _ = city
    handle = CallbackProgress()
    handle.cancel()
    with pytest.raises(Cancelled):
        derive_strategy(outlets, scores, features, lines, progress=handle)

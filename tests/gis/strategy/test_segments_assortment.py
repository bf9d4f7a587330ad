import numpy as np
import pandas as pd
import pytest

from gis.strategy import StrategyParams
from gis.strategy.assortment import monthly_product_sales, recommend_products
from gis.strategy.segments import profile_features, segment_outlets

KINDS = {
    # residents, workers, visitors, poi_office, poi_food, poi_retail, poi_school, poi_transit, poi_tourism,
    # poi_hotel, consumption_index
    "cbd": (200, 3000, 300, 30, 10, 5, 0, 3, 0, 2, 140),
    "home": (3000, 200, 200, 1, 8, 8, 3, 2, 0, 0, 90),
    "sights": (300, 300, 4000, 1, 12, 6, 0, 2, 20, 10, 110),
}
COLUMNS = ("residents", "workers", "visitors", "poi_office", "poi_food", "poi_retail", "poi_school",
           "poi_transit", "poi_tourism", "poi_hotel", "consumption_index")


def synthetic_city(counts: dict[str, int], seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Catchment features of outlets in areas of obvious kinds, with ±15 % noise."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for kind, n in counts.items():
        base = np.array(KINDS[kind], dtype=float)
        rows.append(base * rng.uniform(0.85, 1.15, (n, len(base))))
        truth += [kind] * n
    features = pd.DataFrame(np.vstack(rows), columns=COLUMNS)
    features["poi_competitor"] = rng.poisson(3, len(features)).astype(float)
    return features, np.array(truth)


def test_profile_features_shares():
    f = pd.DataFrame({"residents": [100.0], "workers": [300.0], "visitors": [0.0], "poi_office": [3.0],
                      "poi_food": [1.0], "poi_competitor": [50.0], "consumption_index": [120.0]})
    profile, kinds = profile_features(f)
    assert profile.loc[0, "workers_share"] == 0.75
    assert profile.loc[0, "poi_office"] == 0.75          # competitors are not part of the POI mix
    assert "poi_competitor" not in profile
    assert profile.loc[0, "consumption_level"] == 120.0
    assert kinds == {"poi_office": "office", "poi_food": "food"}


def test_cbd_and_residential_are_named_sensibly():
    features, truth = synthetic_city({"cbd": 40, "home": 60})
    seg = segment_outlets(features, StrategyParams(n_segments=2))
    keys = seg.key.to_numpy(dtype=object)
    assert set(keys[truth == "cbd"]) == {"office_cbd"}
    assert set(keys[truth == "home"]) == {"residential_family"}
    assert set(seg.name[truth == "cbd"]) == {"office/CBD 商务办公"}
    prof = seg.profiles.set_index("segment_key")
    assert prof.loc["office_cbd", "outlets"] == 40 and prof.loc["residential_family", "outlets"] == 60
    assert prof.loc["office_cbd", "workers_share"] > 0.7
    assert "workers share" in prof.loc["office_cbd", "dominant"]


def test_automatic_number_of_segments_and_tourist_area():
    features, truth = synthetic_city({"cbd": 30, "home": 50, "sights": 20}, seed=3)
    seg = segment_outlets(features, StrategyParams(seed=1))
    keys = seg.key.to_numpy(dtype=object)
    assert len(seg.profiles) == 3
    assert set(keys[truth == "cbd"]) == {"office_cbd"}
    assert set(keys[truth == "home"]) == {"residential_family"}
    assert set(keys[truth == "sights"]) == {"tourist"}
    # the same seed gives the same segments
    again = segment_outlets(features, StrategyParams(seed=1))
    assert (again.key == seg.key).all()


def test_user_names_replace_automatic_ones():
    features, truth = synthetic_city({"cbd": 40, "home": 60})
    params = StrategyParams(n_segments=2, segment_names={"office_cbd": "写字楼商圈", "students": "高校"})
    seg = segment_outlets(features, params)
    assert set(seg.name[truth == "cbd"]) == {"写字楼商圈"}
    assert any("students" in n for n in seg.notes)


def test_no_features_one_unknown_segment():
    seg = segment_outlets(pd.DataFrame(index=range(4)))
    assert seg.key.tolist() == ["unknown"] * 4
    assert seg.notes


def _lines():
    """Six A-tier family outlets: five carry X and Y, outlet O6 carries only Y; O1, O2 carry Z too."""
    rows = []
    for k in range(1, 7):
        oid = f"O{k}"
        for period, x_amount in (("2025-01", 1200.0), ("2025-02", 1300.0)):
            rows.append((oid, "Y", "饮料", 5.0, period, 100, 500.0))
            if k <= 5:
                rows.append((oid, "X", "零食", 10.0, period, 120, x_amount))
            if k <= 2:
                rows.append((oid, "Z", "乳品", 4.0, period, 50, 200.0))
    return pd.DataFrame(rows, columns=["outlet_id", "product", "category", "price", "period", "quantity", "amount"])


def _meta(n=6, extra=()):
    ids = [f"O{k}" for k in range(1, n + 1)] + list(extra)
    return pd.DataFrame({"outlet_id": ids, "segment_key": "residential_family",
                         "segment": "residential family 居住社区", "tier": "A"})


def test_assortment_recommends_the_missing_product_with_evidence():
    rec, notes = recommend_products(_meta(), _lines(), StrategyParams())
    # only O6 lacks a product that at least half of its peers carry (X: 5 of 5); Z is in 2 of 5 only
    assert rec["outlet_id"].tolist() == ["O6"]
    row = rec.iloc[0]
    assert row["product"] == "X" and row["category"] == "零食"
    assert row["peers"] == 5 and row["carriers"] == 5 and row["peer_share"] == 1.0
    assert row["avg_monthly"] == pytest.approx(1250.0)
    assert row["evidence"] == "X: sold in 100 % of A-tier residential family 居住社区 outlets (5 of 5), avg ¥1,250/month"


def test_assortment_share_threshold_and_prospects():
    # with a 40 % threshold O3…O6 lack Z, carried by 2 of their 5 peers; O6 also lacks X
    rec, _ = recommend_products(_meta(), _lines(), StrategyParams(min_share=0.4))
    got = {(r.outlet_id, r.product) for r in rec.itertuples()}
    assert got == {("O3", "Z"), ("O4", "Z"), ("O5", "Z"), ("O6", "Z"), ("O6", "X")}
    o6 = rec[rec["outlet_id"] == "O6"].sort_values("rank")
    assert o6["product"].tolist() == ["X", "Z"]            # X sells more in more outlets
    z = rec[(rec["outlet_id"] == "O3")].iloc[0]
    assert z["peer_share"] == pytest.approx(0.4) and z["avg_monthly"] == pytest.approx(200.0)
    # a prospect without lines: all six are its peers, X in 5 of 6, Y in 6 of 6
    rec, _ = recommend_products(_meta(extra=("NEW",)), _lines(), StrategyParams())
    new = rec[rec["outlet_id"] == "NEW"].sort_values("rank")
    assert new["product"].tolist() == ["X", "Y"]          # 5 × 1250 > 6 × 500
    assert new["peers"].tolist() == [6, 6] and new["carriers"].tolist() == [5, 6]


def test_assortment_needs_enough_peers():
    rec, notes = recommend_products(_meta(), _lines(), StrategyParams(min_peers=6))
    assert rec.empty
    # peers of other tiers in the same segment are used when the tier has too few
    meta = _meta()
    meta.loc[meta["outlet_id"].isin(["O1", "O2", "O3"]), "tier"] = "B"
    rec, notes = recommend_products(meta, _lines(), StrategyParams(min_peers=5))
    assert rec["outlet_id"].tolist() == ["O6"]
    assert rec.iloc[0]["peer_group"] == "residential family 居住社区 (all tiers)"
    assert any("6 by segment." in n for n in notes)


def test_monthly_sales_from_quantity_and_price():
    lines = _lines().drop(columns="amount")
    per, unit, label, _ = monthly_product_sales(lines)
    x = per[(per["outlet_id"] == "O1") & (per["product"] == "X")].iloc[0]
    assert unit == "money" and label == "month"
    assert x["monthly"] == pytest.approx(1200.0)           # 120 units × ¥10 in each of two months


def test_the_same_surroundings_are_not_clustered_twice(monkeypatch):
    from gis.strategy import segments

    features, _ = synthetic_city({"cbd": 30, "home": 50}, seed=4)
    runs = []
    original = segments._segment
    monkeypatch.setattr(segments, "_segment", lambda *a: runs.append(1) or original(*a))
    first = segment_outlets(features, StrategyParams(seed=2))
    again = segment_outlets(features, StrategyParams(seed=2))
    assert len(runs) == 1
    pd.testing.assert_series_equal(first.key, again.key)
    segment_outlets(features, StrategyParams(seed=2, n_segments=3))   # other parameters
    changed = features.copy()
    changed.iloc[0, 0] += 1.0
    segment_outlets(changed, StrategyParams(seed=2))                    # other surroundings
    assert len(runs) == 3

"""Strategy end to end on the sample city: intake → catchment features → segments, prices, assortment."""

import tomllib

import numpy as np
import pandas as pd
import pytest

from gis.catchment import catchment_sums
from gis.config import parse_config
from gis.datasets import sample_config, sample_dir
from gis.pipeline import build_project
from gis.strategy import StrategyParams, derive_strategy


@pytest.fixture(scope="module")
def sample():
    raw = tomllib.loads(sample_config().read_text(encoding="utf-8"))
    raw["inputs"].pop("reps", None)
    raw.get("columns", {}).pop("reps", None)
    project = build_project(parse_config(raw, base=sample_dir()))
    outlets = project.inputs["outlets"]
    features = catchment_sums(outlets["lat"], outlets["lon"], project.grid, k=2, decay="linear")
    # a stand-in score (purchasing power around the outlet) without tiers: the strategy derives them
    score = (features["residents"] + features["workers"] + features["visitors"]) * features["consumption_index"]
    scores = pd.DataFrame({"outlet_id": outlets["outlet_id"], "score": score.to_numpy(),
                           "district": outlets["district"]})
    return outlets, scores, features, project.inputs["sales_lines"]


def test_sample_city_strategy(sample):
    outlets, scores, features, lines = sample
    result = derive_strategy(outlets, scores, features, lines, StrategyParams(n_segments=4, seed=0))
    t = result.table
    assert len(t) == len(outlets)
    assert set(t["tier"].dropna()) == {"A", "B", "C", "D"}
    assert any("derived from the score quartiles" in n for n in result.notes)
    assert (t["visits_per_month"] == t["tier"].map({"A": 4.0, "B": 2.0, "C": 1.0, "D": 0.0})).all()
    keys = set(t["segment_key"])
    assert len(keys) == 4
    assert "office_cbd" in keys                    # Lujiazui, Nanjing Road: the city has a CBD
    # the CBD segment is where workers dominate
    prof = result.segments.set_index("segment_key")
    assert prof.loc["office_cbd", "workers_share"] == prof["workers_share"].max()
    assert set(t["price_band"]) == {"economy", "mainstream", "premium"}
    assert t["promotion"].notna().all()
    assert (t.loc[~outlets["covered"].to_numpy(), "promotion"] == "sampling").all()

    # assortment: recompute one recommendation's evidence from the raw sales lines
    rec = result.assortment
    assert len(rec) > 0 and t["recommended_products"].notna().sum() > 100
    # a restaurant is compared with restaurants: their recommendations come from catering peers
    catering = set(outlets.loc[outlets["channel"] == "catering", "outlet_id"])
    groups = rec.loc[rec["outlet_id"].isin(catering), "peer_group"]
    assert len(groups) and groups.str.contains("catering").mean() > 0.9
    row = rec.sort_values(["peer_share", "outlet_id", "product"], ascending=[False, True, True]).iloc[0]
    me = t.set_index("outlet_id").loc[row["outlet_id"]]
    group = t[t["segment_key"] == me["segment_key"]]
    if "(all tiers)" not in row["peer_group"]:
        group = group[group["tier"] == me["tier"]]
    if "·" in row["peer_group"]:                      # peers of the same channel
        channel = outlets.set_index("outlet_id").loc[row["outlet_id"], "channel"]
        group = group[outlets.set_index("outlet_id").loc[group["outlet_id"], "channel"].to_numpy() == channel]
    reporting = set(lines["outlet_id"])
    peers = [o for o in group["outlet_id"] if o in reporting and o != row["outlet_id"]]
    assert row["peers"] == len(peers)
    peer_lines = lines[lines["outlet_id"].isin(peers)]
    sold = (peer_lines["product"] == row["product"]) & (peer_lines["amount"] > 0)
    carriers = peer_lines.loc[sold, "outlet_id"].unique()
    assert row["carriers"] == len(carriers)
    months = lines[lines["outlet_id"].isin(carriers) & (lines["amount"] > 0)].groupby("outlet_id")["period"].nunique()
    of_product = lines["outlet_id"].isin(carriers) & (lines["product"] == row["product"])
    per = lines[of_product].groupby("outlet_id")["amount"].sum()
    assert row["avg_monthly"] == pytest.approx(float((per / months.reindex(per.index)).mean()))
    own = lines.loc[lines["outlet_id"] == row["outlet_id"], "product"]
    assert row["product"] not in set(own)
    assert np.isclose(row["peer_share"], len(carriers) / len(peers))

"""Channel classification: the user's channel wins, then names, then the surroundings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis.scoring.channels import (BRAND_CONFIDENCE, CONFLICT_FACTOR, WORD_CONFIDENCE, classify_by_name,
                                  classify_channels, keyword_hits)


@pytest.mark.parametrize("name, channel", [
    ("沃尔玛(五角场店)", "hypermarket"), ("家乐福古北店", "hypermarket"), ("大润发", "hypermarket"),
    ("全家FamilyMart(南京西路店)", "convenience"), ("罗森", "convenience"), ("7-Eleven 徐家汇", "convenience"),
    ("7-11便利店", "convenience"), ("便利蜂", "convenience"), ("好德便利", "convenience"), ("快客", "convenience"),
    ("华联超市(赵巷店)", "supermarket"), ("阳光超市", "supermarket"), ("Green Supermarket", "supermarket"),
    ("老王烟酒店", "traditional"), ("长风便民超市", "traditional"), ("何记烟纸店", "traditional"),
    ("兰州牛肉面馆", "catering"), ("小杨生煎", "catering"), ("川味饭店", "catering"), ("Blue Cafe", "catering"),
    ("宝宝母婴用品", "other"), ("老百姓大药房", "other"), ("City Pharmacy", "other"),
])
def test_names_in_chinese_and_english(name, channel):
    out = classify_by_name(pd.Series([name]))
    assert out["channel"].iloc[0] == channel


def test_confidence_brand_word_and_conflict():
    out = classify_by_name(pd.Series(["罗森便利超市", "幸福超市", "幸福便利超市", "张三的店铺", ""]))
    # a brand beats any generic word without doubt
    assert out["channel"].iloc[0] == "convenience" and out["confidence"].iloc[0] == BRAND_CONFIDENCE
    assert out["confidence"].iloc[1] == WORD_CONFIDENCE
    # two generic words of different channels: less sure
    assert out["confidence"].iloc[2] == pytest.approx(WORD_CONFIDENCE * CONFLICT_FACTOR)
    assert pd.isna(out["channel"].iloc[3]) and np.isnan(out["confidence"].iloc[3])
    assert pd.isna(out["channel"].iloc[4])


def test_keyword_hits_levels():
    hits = keyword_hits(pd.Series(["沃尔玛超市", "小卖部"]))
    assert hits.loc[0, "kw_hypermarket"] == 2 and hits.loc[0, "kw_supermarket"] == 1
    assert hits.loc[1, "kw_traditional"] == 1 and hits.loc[1].sum() == 1


def test_user_channel_always_wins_and_names_fill_gaps():
    outlets = pd.DataFrame({"name": ["沃尔玛", "沃尔玛", "某某面馆", "无名"],
                            "channel": pd.array(["catering", pd.NA, pd.NA, pd.NA], dtype="string")})
    res = classify_channels(outlets)
    f = res.frame
    assert f["channel"].tolist()[:3] == ["catering", "hypermarket", "catering"]
    assert f["channel_source"].tolist()[:3] == ["user", "name", "name"]
    assert f["channel_confidence"].iloc[0] == 1.0
    assert pd.isna(f["channel"].iloc[3]) and pd.isna(f["channel_source"].iloc[3])
    assert res.report["unclassified"] == 1 and res.report["user"] == 1 and res.report["name"] == 2
    notes = " ".join(res.report["notes"])
    assert "2 channel(s) read from outlet names" in notes and "too few" in notes


def test_surroundings_classify_nameless_outlets():
    rng = np.random.default_rng(0)
    n = 300
    channel = rng.choice(["convenience", "traditional"], n)
    # convenience stores sit among offices, traditional stores among homes
    offices = np.where(channel == "convenience", rng.normal(50, 10, n), rng.normal(10, 10, n))
    homes = np.where(channel == "convenience", rng.normal(1000, 300, n), rng.normal(3000, 300, n))
    features = pd.DataFrame({"poi_office": offices, "residents": homes})
    user = pd.Series(channel, dtype="string")
    hidden = np.arange(n) >= 250
    user[hidden] = pd.NA
    outlets = pd.DataFrame({"name": [""] * n, "channel": user})
    res = classify_channels(outlets, features)
    f = res.frame
    assert (f.loc[hidden, "channel_source"] == "model").all()
    assert (f.loc[~hidden, "channel_source"] == "user").all()
    accuracy = (f.loc[hidden, "channel"].to_numpy() == channel[hidden]).mean()
    assert accuracy > 0.9
    assert res.report["model_accuracy_held_out"] > 0.9
    assert f.loc[hidden, "channel_confidence"].between(0.5, 1.0).all()

import numpy as np
import pandas as pd
import pytest
import tomli_w
import tomllib

from gis.errors import ConfigError
from gis.strategy import PromotionRule, StrategyParams
from gis.strategy.pipeline import derive_tiers
from gis.strategy.pricing import consumption_level, price_bands
from gis.strategy.promotion import assign_promotions, gap_ratio


def test_params_round_trip_through_toml():
    params = StrategyParams(visits_per_month={"A": 8, "B": 4, "C": 2, "D": 0.5}, n_segments=4,
                            segment_names={"office_cbd": "写字楼"},
                            promotion_rules=(PromotionRule("bundle", "all bundles"),))
    text = tomli_w.dumps({"strategy": params.to_dict()})
    back = StrategyParams.from_dict(tomllib.loads(text)["strategy"])
    assert back == params
    assert back.promotion_rules[0].promotion == "bundle"
    assert StrategyParams.from_dict({}) == StrategyParams()
    assert "n_segments" not in StrategyParams().to_dict()      # None is left out of TOML


@pytest.mark.parametrize("bad", [
    {"visits_per_month": {"E": 1}}, {"visits_per_month": {"A": -1}}, {"tier_cutoffs": [0.5, 0.25, 0.75]},
    {"n_segments": 0}, {"economy_below": 120, "premium_from": 110}, {"min_share": 0},
    {"promotion_rules": [{"promotion": "free_lunch", "reason": "x"}]},
    {"promotion_rules": [{"promotion": "display", "reason": "x", "tiers": ["Z"]}]},
    {"promotion_rules": []}, {"colour": "red"}, {"segment_names": {"office_cbd": ""}},
])
def test_invalid_params(bad):
    with pytest.raises(ConfigError):
        StrategyParams.from_dict(bad)


def test_visit_frequency_default_and_partial_mapping():
    assert dict(StrategyParams().visits_per_month) == {"A": 4.0, "B": 2.0, "C": 1.0, "D": 0.0}
    # tiers left out of a custom mapping keep their default
    assert dict(StrategyParams(visits_per_month={"A": 8}).visits_per_month) == {"A": 8.0, "B": 2.0, "C": 1.0,
                                                                                "D": 0.0}


def test_derive_tiers_quartiles_within_district():
    score = [1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, np.nan]
    district = ["x"] * 8 + ["y"] * 4 + ["y"]
    tiers = derive_tiers(score, district)
    assert tiers.tolist()[:8] == ["D", "D", "C", "C", "B", "B", "A", "A"]
    assert tiers.tolist()[8:12] == ["D", "C", "B", "A"]
    assert pd.isna(tiers.iloc[12])


def test_price_bands_from_consumption_and_segment():
    level, notes = consumption_level(pd.DataFrame({"consumption_index": [130, 80, 100, 95, 112, np.nan]}))
    assert level.tolist() == [130, 80, 100, 95, 112, 100]
    assert any("without a consumption index" in n for n in notes)
    keys = ["mixed", "mixed", "mixed", "students", "office_cbd", "mixed"]
    band, reason = price_bands(level, keys, StrategyParams())
    # 95 − 10 (students) = 85 < 90 → economy; 112 + 10 (office) = 122 ≥ 115 → premium
    assert band.tolist() == ["premium", "economy", "mainstream", "economy", "premium", "mainstream"]
    assert reason.iloc[3] == "consumption 95 -10 segment = 85 (< 90)"
    # another scale: divided by the median
    level, notes = consumption_level(pd.DataFrame({"consumption_index": [1.0, 2.0, 3.0]}))
    assert level.tolist() == [50.0, 100.0, 150.0] and notes


def test_promotion_rules_first_match_wins():
    params = StrategyParams()
    tier = ["A", "A", "C", "B", "A", "D", "C", "A", "B"]
    seg = ["mixed", "mixed", "mixed", "office_cbd", "dining", "residential_family", "tourist", "transit", "mixed"]
    band = ["mainstream", "mainstream", "economy", "premium", "mainstream", "mainstream", "mainstream",
            "mainstream", "mainstream"]
    covered = [False, True, True, True, True, True, True, True, True]
    potential = [100, 100, 100, 100, 100, 100, 100, 100, np.nan]
    gap = [np.nan, 40, 30, 5, 5, 50, 0, 60, np.nan]
    promo, reason = assign_promotions(tier, seg, band, covered, gap_ratio(potential, gap), params)
    assert promo.tolist() == [
        "sampling",    # prospect
        "display",     # A tier, gap 40 % of potential
        "price_off",   # economy band, gap 30 %
        "bundle",      # office, small gap
        "loyalty",     # A tier at its potential, no segment rule before
        "bundle",      # family (D tier: not a display/price-off case)
        "sampling",    # tourist
        "display",     # A tier with a 60 % gap beats the transit bundle
        "display",     # unknown potential: the catch-all
    ]
    assert "family" in reason.iloc[5]
    custom = StrategyParams(promotion_rules=(PromotionRule("bundle", "only offices", segments=("office_cbd",)),))
    promo, _ = assign_promotions(tier, seg, band, covered, gap_ratio(potential, gap), custom)
    assert promo.tolist()[3] == "bundle" and promo.isna().sum() == 8

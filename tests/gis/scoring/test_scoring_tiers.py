"""Rank within district and tiers A/B/C/D."""

from __future__ import annotations

import pandas as pd

from gis.scoring.tiers import rank_and_tier


def test_ten_outlets_split_two_three_three_two():
    score = pd.Series([5, 3, 9, 1, 2, 7, 8, 6, 4, 10], dtype=float)
    out = rank_and_tier(score, pd.Series(["d"] * 10), (0.2, 0.5, 0.8))
    assert out["rank_in_district"].tolist() == [6, 8, 2, 10, 9, 4, 3, 5, 7, 1]
    by_rank = out.sort_values("rank_in_district")["tier"].tolist()
    assert by_rank == ["A", "A", "B", "B", "B", "C", "C", "C", "D", "D"]


def test_each_district_is_ranked_on_its_own_and_missing_districts_together():
    score = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    district = pd.Series(["x", "y", "x", pd.NA, pd.NA], dtype="string")
    out = rank_and_tier(score, district, (0.2, 0.5, 0.8))
    assert out["rank_in_district"].tolist() == [2, 1, 1, 2, 1]
    assert out["district_size"].tolist() == [2, 1, 2, 2, 2]
    # in a district of two: rank 1 at position 0 -> A, rank 2 at position 0.5 -> C (not below 0.5)
    assert out["tier"].tolist() == ["C", "A", "A", "C", "A"]


def test_equal_scores_keep_input_order_and_custom_cutoffs():
    score = pd.Series([1.0, 1.0, 1.0, 1.0])
    out = rank_and_tier(score, pd.Series(["d"] * 4), (0.5, 0.75, 1.0))
    assert out["rank_in_district"].tolist() == [1, 2, 3, 4]
    assert out["tier"].tolist() == ["A", "A", "B", "C"]

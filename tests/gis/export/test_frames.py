"""The tables the exports share: districts by id or name, joins, per-district filters, rep coverage."""

from __future__ import annotations

import pandas as pd
import pytest

from gis.errors import ConfigError
from gis.export import frames
from tests.gis.export import synthetic


def test_districts_in_rank_order_found_by_id_or_name():
    project = synthetic.project()
    assert [d.name for d in frames.district_list(project)] == ["东区", "西区"]
    assert frames.resolve_district(project, "D1") == frames.resolve_district(project, "西区")
    assert frames.resolve_district(project, None) is None
    with pytest.raises(ConfigError, match="东区"):
        frames.resolve_district(project, "南区")


def test_outlets_carry_scores_and_strategy():
    out = frames.outlet_frame(synthetic.project())
    assert len(out) == 12
    assert out.loc[out["outlet_id"] == "O05", ["tier", "score", "visits_per_month"]].iloc[0].tolist() == ["A", 90.0, 4.0]
    west = frames.outlet_frame(synthetic.project(), frames.District("D1", "西区"))
    assert sorted(west["outlet_id"]) == ["O01", "O02", "O03", "O04", "O05", "O06"]


def test_district_frame_joins_the_ranking_on_ids():
    d = frames.district_frame(synthetic.project())
    assert d.set_index("name")["rank"].to_dict() == {"西区": 2, "东区": 1}
    assert d.crs.to_epsg() == 4326


def test_rep_coverage_in_a_district():
    cov = frames.rep_coverage(synthetic.project(), frames.District("D2", "东区"))
    assert cov["rep_id"].tolist() == ["R2"]
    row = cov.iloc[0]
    assert (row["outlets"], row["visits"], row["days"], row["travel_m"]) == (3, 3, 2, 2500 + 1200 + 3100)
    assert row["rep_name"] == "李娜"


def test_times_of_day_in_minutes_or_seconds():
    assert frames.seconds_of_day(pd.Series([540.0, 1020.0])).tolist() == [32400.0, 61200.0]
    assert frames.seconds_of_day(pd.Series([32400, 61200])).tolist() == [32400.0, 61200.0]
    assert frames.clock(9 * 3600 + 5 * 60) == "09:05" and frames.clock(float("nan")) == ""


def test_missing_results():
    assert frames.missing_results(synthetic.project()) == []
    assert "outlet_scores" in frames.missing_results(synthetic.project(results=False))

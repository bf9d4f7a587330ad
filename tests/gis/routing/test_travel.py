"""Travel model: great-circle × circuity at a speed, and the user's matrix with fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gis.routing.travel import TravelModel, haversine_m


def test_haversine_one_degree_of_latitude():
    # one degree of latitude on the mean-radius sphere: 2πR/360 = 111 195 m
    assert haversine_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(111_195, abs=2)


def test_default_model_is_integer_seconds_at_the_mode_speed():
    lat = [31.0, 31.0 + 1 / 111.195]      # about 1 km apart
    lon = [121.0, 121.0]
    tm = TravelModel(lat, lon, ["a", "b"], speed_kmh=15.0, circuity=1.3)
    sec, met = tm.matrices([0, 1])
    assert sec.dtype == np.int64 and met.dtype == np.int64
    assert met[0, 1] == 1300                       # 1 km × 1.3
    assert sec[0, 1] == round(1300 / (15 / 3.6))   # 312 s at 15 km/h
    assert sec[0, 0] == 0 and sec[1, 0] == sec[0, 1]


def test_user_matrix_wins_and_missing_pairs_fall_back_and_are_reported():
    lat = [31.0, 31.01, 31.02]
    lon = [121.0, 121.0, 121.0]
    matrix = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["b", "a"],
                           "seconds": [100.4, 90.0], "meters": [700.0, np.nan]})
    tm = TravelModel(lat, lon, ["a", "b", "c"], speed_kmh=15.0, matrix=matrix)
    sec, met = tm.matrices([0, 1, 2])
    default = TravelModel(lat, lon, ["a", "b", "c"], speed_kmh=15.0)
    dsec, dmet = default.matrices([0, 1, 2])
    assert sec[0, 1] == 100 and met[0, 1] == 700
    assert sec[1, 0] == 90 and met[1, 0] == dmet[1, 0]   # no metres given: default metres
    assert sec[0, 2] == dsec[0, 2]                      # missing pair: default model
    rep = tm.missing_pairs()
    assert rep.used == 6 and rep.missing == 4
    assert ("a", "c") in rep.examples or ("c", "a") in rep.examples
    assert "4 of the 6" in rep.message


def test_legs_follow_the_path():
    tm = TravelModel([31.0, 31.01, 31.02], [121.0] * 3, ["a", "b", "c"], speed_kmh=4.5)
    sec, _ = tm.matrices([0, 1, 2])
    leg, _ = tm.legs([0, 2, 1, 0])
    assert list(leg) == [sec[0, 2], sec[2, 1], sec[1, 0]]

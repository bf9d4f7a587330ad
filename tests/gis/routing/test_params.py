"""RoutingParams: validation and the [routing] section round trip."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from gis.errors import ConfigError
from gis.routing import RoutingParams


def test_defaults_and_speeds():
    p = RoutingParams()
    assert p.days == 20 and p.mode == "ebike" and p.objective == "travel"
    assert p.speed_kmh == 15.0 and RoutingParams(mode="walk").speed_kmh == 4.5
    assert RoutingParams(mode="car").speed_kmh == 25.0
    assert RoutingParams(objective="balanced").tolerance < p.tolerance


def test_toml_round_trip():
    p = RoutingParams(days=10, time_limit_s=30, mode="car", start_date="2026-03-02",
                      working_weekdays=(0, 1, 2, 3, 4, 5), holidays=("2026-03-06",))
    text = tomli_w.dumps({"routing": p.to_dict()})
    assert RoutingParams.from_dict(tomllib.loads(text)["routing"]) == p


@pytest.mark.parametrize("bad", [{"days": 0}, {"mode": "bike"}, {"objective": "fast"},
                                 {"circuity": 0.5}, {"time_limit_s": 0},
                                 {"start_date": "March"}, {"working_weekdays": [7]},
                                 {"unknown_key": 1}])
def test_invalid_values_name_the_key(bad):
    with pytest.raises(ConfigError, match=r"\[routing\]"):
        RoutingParams.from_dict(bad)

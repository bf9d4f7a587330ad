import numpy as np
import pandas as pd
import pytest
import tomli_w
import tomllib

from gis.errors import AnalysisError, ConfigError
from gis.siting.candidates import filter_candidates, point_candidates
from gis.siting.params import SitingParams

from .conftest import PLANE, latlon


def test_params_round_trip_through_toml():
    params = SitingParams(districts=("浦东新区", "310115"), beta=-1.5, n_sites=4, target_sales=1e6,
                          channel_attractiveness={"convenience": 1.2, "supermarket": 4})
    text = tomli_w.dumps({"siting": params.to_dict()})
    back = SitingParams.from_dict(tomllib.loads(text)["siting"])
    assert back == params
    assert back.channel_attractiveness["supermarket"] == 4.0
    # None values are left out (TOML has no null) and come back as defaults
    assert "attractiveness_column" not in params.to_dict()
    assert SitingParams.from_dict({}) == SitingParams()


def test_params_are_frozen():
    params = SitingParams()
    with pytest.raises(Exception):
        params.beta = -1.0
    with pytest.raises(TypeError):
        params.channel_attractiveness["convenience"] = 3.0


@pytest.mark.parametrize("bad", [
    {"beta": 1.5}, {"beta": 0}, {"cutoff_m": 0}, {"distance_floor_m": 5000}, {"n_sites": 0},
    {"method": "annealing"}, {"candidate_source": "polygons"}, {"trade_area_min_p": 1.5},
    {"demand_weights": {"residents": 0}}, {"channel_attractiveness": {"convenience": -1}},
    {"unknown_key": 1}, {"min_distance_m": -5},
])
def test_invalid_params_raise_config_error(bad):
    with pytest.raises(ConfigError):
        SitingParams.from_dict(bad)


def test_filter_by_min_demand_and_distance_to_own_stores():
    lat, lon = latlon([(0, 0), (400, 0), (1000, 0), (3000, 0)])
    own_lat, own_lon = latlon([(0, 0)])
    comp_lat, comp_lon = latlon([(3000, 100)])
    demand = np.array([50.0, 50.0, 5.0, 50.0])
    params = SitingParams(min_demand=10.0, min_distance_m=500.0)
    f = filter_candidates(lat, lon, demand, params=params, plane=PLANE, own_lat=own_lat, own_lon=own_lon,
                          competitor_lat=comp_lat, competitor_lon=comp_lon)
    # 0 m and 400 m are too close to the store, 1000 m has too little demand
    assert f.keep.tolist() == [False, False, False, True]
    assert f.removed["minimum demand"] == 1
    assert f.removed["distance to own stores"] == 2
    assert "1 of 4 candidates kept" in f.describe()
    # competitors: the last one is 100 m from a competitor
    f2 = filter_candidates(lat, lon, demand, params=SitingParams(min_distance_m=0, min_distance_competitor_m=200),
                           plane=PLANE, competitor_lat=comp_lat, competitor_lon=comp_lon)
    assert f2.keep.tolist() == [True, True, True, False]


def test_filter_by_district_id_or_name():
    lat, lon = latlon([(0, 0), (1, 0), (2, 0)])
    params = SitingParams(districts=("黄浦区", "310115"), min_distance_m=0)
    f = filter_candidates(lat, lon, [1, 1, 1], params=params, plane=PLANE,
                          district_id=np.array(["310101", "310115", "310104"], dtype=object),
                          district_name=np.array(["黄浦区", "浦东新区", None], dtype=object))
    assert f.keep.tolist() == [True, True, False]
    assert f.removed["district"] == 1
    with pytest.raises(AnalysisError, match="district boundaries"):
        filter_candidates(lat, lon, [1, 1, 1], params=params, plane=PLANE)


def test_point_candidates_ids():
    pts = pd.DataFrame({"lat": [31.2, 31.3], "lon": [121.4, 121.5], "name": ["甲", "乙"]})
    out = point_candidates(pts)
    assert out["site_id"].tolist() == ["P1", "P2"]
    assert out["name"].tolist() == ["甲", "乙"]
    with pytest.raises(AnalysisError, match="unique"):
        point_candidates(pts.assign(site_id=["a", "a"]))
    with pytest.raises(AnalysisError, match="lon"):
        point_candidates(pts.drop(columns="lon"))

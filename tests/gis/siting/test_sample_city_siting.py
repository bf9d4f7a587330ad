"""Siting end to end on the sample city (intake → grid layer → Huff → chosen sites)."""

import tomllib

import numpy as np
import pytest

from gis.config import parse_config
from gis.datasets import sample_config, sample_dir
from gis.pipeline import build_project
from gis.siting import SitingParams, run_siting
from gis.siting.huff import LocalPlane


@pytest.fixture(scope="module")
def project():
    raw = tomllib.loads(sample_config().read_text(encoding="utf-8"))
    for key in ("reps", "sales_lines"):
        raw["inputs"].pop(key, None)
    raw.get("columns", {}).pop("reps", None)
    return build_project(parse_config(raw, base=sample_dir()))


def test_sample_city_siting_in_two_districts(project):
    outlets = project.inputs["outlets"]
    districts = project.inputs["districts"]
    params = SitingParams(districts=("静安区", "徐汇区"), n_sites=5, min_demand=50.0)
    result = run_siting(project.grid, outlets, districts=districts, params=params)
    chosen = result.chosen
    assert len(chosen) == 5
    assert set(chosen["district"]) <= {"静安区", "徐汇区"}
    assert set(result.sites["district"]) <= {"静安区", "徐汇区"}
    # calibrated on the covered outlets' actual sales
    covered = outlets[outlets["covered"] & outlets["sales"].notna()]
    assert result.cannibalization["sales_before"].sum() == pytest.approx(covered["sales"].sum(), rel=1e-9)
    # every chosen site keeps 500 m from every covered outlet
    plane = LocalPlane.around(chosen["lat"], chosen["lon"])
    own = plane.project(covered["lat"], covered["lon"])
    for xy in plane.project(chosen["lat"], chosen["lon"]):
        assert np.hypot(*(own - xy).T).min() >= 500.0
    # net new sales add up, and a new site never raises an own store's sales
    s = result.summary
    assert chosen["marginal_net_sales"].sum() == pytest.approx(s["net_new_sales"])
    assert s["net_new_sales"] > 0
    assert (result.cannibalization["cannibalized_sales"] >= -1e-6).all()
    assert (chosen["net_sales"] <= chosen["expected_sales"] + 1e-9).all()
    assert any("calibrated" in n for n in result.notes)
    assert s["competitor_cells"] > 0

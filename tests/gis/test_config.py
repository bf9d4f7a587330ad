"""Run configurations: paths, coordinate systems, column mappings, and plain errors."""

from __future__ import annotations

import pytest

from gis.config import load_config
from gis.errors import ConfigError


def _write(tmp_path, text: str):
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_resolves_paths_systems_and_mappings(tmp_path):
    (tmp_path / "data").mkdir()
    config = load_config(_write(tmp_path, """
[project]
name = "华东 2027"
resolution = 8

[inputs]
crs = "gcj02"
outlets = "data/outlets.csv"
outlets_sheet = "门店"
districts = "data/districts.geojson"
districts_crs = "wgs84"
grid = ["data/pop.parquet", "data/poi.csv"]
travel_matrix = "data/matrix.csv"

[columns.outlets]
outlet_id = "门店编号"
lat = "纬度"

[grid]
intensive = ["consumption_index"]

[routing]
days = 10
"""))
    assert config.name == "华东 2027"
    assert config.resolution == 8
    outlets = config.input("outlets")
    assert outlets.path == (tmp_path / "data" / "outlets.csv").resolve()
    assert outlets.crs == "gcj02"
    assert outlets.sheet == "门店"
    assert outlets.columns == {"outlet_id": "门店编号", "lat": "纬度"}
    assert config.input("districts").crs == "wgs84"
    assert config.input("travel_matrix").kind == "matrix"
    assert [spec.path.name for spec in config.grid_inputs()] == ["pop.parquet", "poi.csv"]
    assert config.intensive == ("consumption_index",)
    assert config.stages == {"routing": {"days": 10}}


def test_defaults(tmp_path):
    config = load_config(_write(tmp_path, '[inputs]\noutlets = "o.csv"\n'))
    assert config.resolution == 9
    assert config.input("outlets").crs == "wgs84"
    assert config.input("reps") is None


@pytest.mark.parametrize("text, message", [
    ('[inputs]\nreps = "r.csv"\n', "at least the outlets file"),
    ('[inputs]\noutlets = "o.csv"\ncrs = "utm"\n', "unknown coordinate system 'utm'"),
    ('[inputs]\noutlets = "o.csv"\nshops = "s.csv"\n', "unknown key 'shops'"),
    ('[inputs]\noutlets = ["a.csv", "b.csv"]\n', "takes one file"),
    ('[project]\nresolution = 17\n[inputs]\noutlets = "o.csv"\n', "resolution must be a whole number 0…15"),
    ('[inputs]\noutlets = "o.csv"\n[scorign]\n', "unknown section(s) ['scorign']"),
    ('[inputs\noutlets = "o.csv"\n', "not valid TOML"),
])
def test_bad_configs_say_what_is_wrong(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")

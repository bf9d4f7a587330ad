"""Reading and checking aggregation descriptions (TOML)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import tomli_w

from gis.aggregate.spec import load_spec, parse_spec
from gis.errors import ConfigError

FULL = """
[input]
paths = ["pings/", "more/*.csv"]
crs = "GCJ-02"
chunk_rows = 5000

[columns]
lat = "纬度"
lon = "经度"
id = "device_id"
timestamp = "ts"
timezone = "Asia/Shanghai"

[grid]
resolution = 8

[filters]
dates = ["2026-01-01", "2026-01-31"]
hours = ["06:00", "23:30"]
values = [{ column = "accuracy", max = 100 }, { column = "source", in = ["gps", "wifi"] }]

[measures]
count = true
distinct_ids = true
sum = ["dwell"]
mean = ["speed"]

[profiles.daytime]
hours = [["09:00", "18:00"]]
weekdays = ["mon", "tue", "wed", "thu", "fri"]

[profiles.night]
hours = [["21:00", "07:00"]]

[profiles.weekend]
weekdays = ["周六", 6]
"""


def _minimal(**sections):
    raw = {"input": {"paths": "p.parquet"}, "columns": {"lat": "lat", "lon": "lon"}}
    raw.update(sections)
    return raw


def test_full_description_is_read_with_paths_relative_to_the_file(tmp_path):
    path = tmp_path / "agg.toml"
    path.write_text(FULL, encoding="utf-8")
    spec = load_spec(path)
    assert spec.input.paths == (str(tmp_path / "pings"), str(tmp_path / "more/*.csv"))
    assert spec.input.crs == "gcj02" and spec.input.chunk_rows == 5000 and spec.resolution == 8
    assert spec.filters.hours == ((360.0, 1410.0),)
    assert (spec.filters.date_from, spec.filters.date_to) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert [f.column for f in spec.value_filters] == ["accuracy", "source"]
    assert spec.value_filters[1].isin == ("gps", "wifi")
    night = spec.profiles[1]
    assert night.name == "night" and night.window.hours == ((1260.0, 420.0),)
    assert spec.profiles[2].window.weekdays == (5, 6)
    assert spec.profiles[0].window.weekdays == (0, 1, 2, 3, 4)
    cols = spec.output_columns()
    assert cols[:4] == ["count", "distinct_ids", "sum_dwell", "mean_speed"]
    assert "count_night" in cols and "distinct_ids_daytime" in cols and "mean_speed_weekend" in cols
    assert len(cols) == 16
    assert spec.intensive_columns() == ["mean_speed", "mean_speed_daytime", "mean_speed_night",
                                        "mean_speed_weekend"]
    assert spec.needed_columns() == ["纬度", "经度", "device_id", "ts", "dwell", "speed", "accuracy", "source"]


def test_to_dict_reads_back_to_an_equal_spec_through_toml(tmp_path):
    path = tmp_path / "agg.toml"
    path.write_text(FULL, encoding="utf-8")
    spec = load_spec(path)
    again = tmp_path / "again.toml"
    again.write_text(tomli_w.dumps(spec.to_dict()), encoding="utf-8")
    assert load_spec(again) == spec


def test_defaults_count_rows_at_resolution_9_in_wgs84():
    spec = parse_spec(_minimal())
    assert spec.resolution == 9 and spec.input.crs == "wgs84"
    assert spec.output_columns() == ["count"] and spec.needed_columns() == ["lat", "lon"]
    assert not spec.needs_time()


@pytest.mark.parametrize("raw, words", [
    ({"input": {"paths": "p.parquet"}, "columns": {"lat": "lat"}}, "[columns] lon is required"),
    (_minimal(extra={}), "unknown section"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "lng": "x"}), "unknown key(s) ['lng']"),
    (_minimal(measures={"distinct_ids": True}), "distinct_ids needs the id column"),
    (_minimal(profiles={"night": {"hours": [["21:00", "07:00"]]}}), "need the timestamp column"),
    (_minimal(filters={"weekdays": ["sat"]}), "need the timestamp column"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timestamp": "t"},
              profiles={"night": {"hours": [["25:00", "07:00"]]}}), "not a time of day"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timestamp": "t"},
              profiles={"night": {"hours": [["07:00", "07:00"]]}}), "whole day"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timestamp": "t"},
              profiles={"Night": {"hours": [["21:00", "07:00"]]}}), "lower-case"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timestamp": "t"}, profiles={"all": {}}),
     "needs hours, weekdays or dates"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timestamp": "t"},
              filters={"weekdays": ["someday"]}), "not a day"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timestamp": "t"},
              filters={"dates": ["2026-02-01", "2026-01-01"]}), "ends (2026-01-01) before it starts"),
    (_minimal(grid={"resolution": 16}), "resolution"),
    (_minimal(measures={"count": False}), "asks for nothing"),
    (_minimal(filters={"values": [{"column": "acc"}]}), "give min, max, in or not_in"),
    (_minimal(filters={"values": [{"column": "acc", "min": 5, "max": 1}]}), "min 5 is above max 1"),
    (_minimal(input={"paths": "p.parquet", "crs": "mercator"}), "unknown coordinate system"),
    (_minimal(columns={"lat": "lat", "lon": "lon", "timezone": "Mars/Olympus"}), "timezone"),
    (_minimal(measures={"sum": ["a"], "mean": ["a"], "count": True},
              columns={"lat": "lat", "lon": "lon", "timestamp": "t"},
              profiles={"a_x": {"weekdays": [0]}}), None),  # valid: names do not clash
])
def test_invalid_descriptions_say_what_to_write(raw, words):
    if words is None:
        parse_spec(raw)
        return
    with pytest.raises(ConfigError) as info:
        parse_spec(raw)
    assert words in str(info.value)


def test_clashing_output_names_are_refused():
    raw = _minimal(measures={"sum": ["x_night"], "count": False},
                   columns={"lat": "lat", "lon": "lon", "timestamp": "t"})
    raw["measures"]["sum"] = ["x", "x_night"]
    raw["profiles"] = {"night": {"hours": [["21:00", "07:00"]]}}
    with pytest.raises(ConfigError, match="sum_x_night"):
        parse_spec(raw)


def test_load_spec_names_the_file_on_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[input\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_spec(bad)
    with pytest.raises(ConfigError, match="no such aggregation file"):
        load_spec(tmp_path / "missing.toml")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[input]\npaths = "p.csv"\n[columns]\nlat = "a"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wrong\.toml: \[columns\] lon is required"):
        load_spec(wrong)


def test_urls_are_kept_as_they_are():
    spec = parse_spec(_minimal(input={"paths": ["s3://bucket/pings/*.parquet", "rel/x.csv"]}), base=Path("/data"))
    assert spec.input.paths == ("s3://bucket/pings/*.parquet", str(Path("/data/rel/x.csv")))

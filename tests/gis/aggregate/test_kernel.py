"""The partition kernel on tiny inputs whose answers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from gis import coords, hexgrid
from gis.aggregate import kernel
from gis.aggregate.partitions import Partition
from gis.aggregate.spec import parse_spec
from tests.gis.aggregate.data import CELLS, CENTRES, RES, pings, random_pings

PROFILES = {
    "daytime": {"hours": [["09:00", "18:00"]], "weekdays": ["mon", "tue", "wed", "thu", "fri"]},
    "night": {"hours": [["21:00", "07:00"]]},
    "weekend": {"weekdays": ["sat", "sun"]},
}


def _spec(**over):
    raw = {
        "input": {"paths": "unused.parquet"},
        "columns": {"lat": "lat", "lon": "lon", "id": "device", "timestamp": "ts"},
        "grid": {"resolution": RES},
        "measures": {"count": True, "distinct_ids": True, "sum": ["dwell"], "mean": ["dwell"]},
        "profiles": PROFILES,
    }
    for key, value in over.items():
        raw[key] = value
    return parse_spec(raw)


def _layer(frame, spec):
    return kernel.finalise(kernel.partial_from_frame(frame, spec), spec)


def test_night_crosses_midnight_and_daytime_is_weekdays_nine_to_six():
    # 2026-01-05 is a Monday. [start, end): 21:00 and 00:00 are night, 07:00 and 20:59:59 are not.
    frame = pings([
        (0, "a", "2026-01-05 20:59:59", 1.0),
        (0, "a", "2026-01-05 21:00:00", 2.0),
        (0, "b", "2026-01-05 23:59:59", 4.0),
        (0, "b", "2026-01-06 00:00:00", 8.0),
        (0, "c", "2026-01-06 06:59:59", 16.0),
        (0, "c", "2026-01-06 07:00:00", 32.0),
        (0, "d", "2026-01-06 09:00:00", 64.0),
        (0, "d", "2026-01-06 17:59:59", 128.0),
        (0, "e", "2026-01-06 18:00:00", 256.0),
    ])
    layer = _layer(frame, _spec())
    row = layer.loc[CELLS[0]]
    assert row["count"] == 9 and row["distinct_ids"] == 5
    assert row["count_night"] == 4 and row["distinct_ids_night"] == 3  # a, b, b, c
    assert row["sum_dwell_night"] == 2 + 4 + 8 + 16
    assert row["mean_dwell_night"] == pytest.approx(30 / 4, rel=1e-15)
    assert row["count_daytime"] == 2 and row["sum_dwell_daytime"] == 64 + 128
    assert row["count_weekend"] == 0 and np.isnan(row["mean_dwell_weekend"])
    assert row["distinct_ids_weekend"] == 0


def test_weekend_is_the_day_of_each_ping():
    # Fri 2026-01-02 … Mon 2026-01-05; the Sunday 23:30 ping is weekend and night, the Monday 00:30
    # ping is night but not weekend.
    frame = pings([
        (0, "a", "2026-01-02 12:00", 1.0),
        (0, "a", "2026-01-03 12:00", 1.0),
        (1, "b", "2026-01-04 23:30", 1.0),
        (1, "b", "2026-01-05 00:30", 1.0),
    ])
    profiles = {**PROFILES, "weekend_night": {"weekdays": ["sat", "sun"], "hours": [["21:00", "07:00"]]}}
    layer = _layer(frame, _spec(profiles=profiles))
    assert list(layer.index) == sorted(CELLS[:2].tolist())
    assert layer.loc[CELLS[0], "count_weekend"] == 1 and layer.loc[CELLS[0], "count_daytime"] == 1
    assert layer.loc[CELLS[1], "count_weekend"] == 1
    assert layer.loc[CELLS[1], "count_night"] == 2
    assert layer.loc[CELLS[1], "count_weekend_night"] == 1
    assert layer.loc[CELLS[0], "count_weekend_night"] == 0
    assert layer.attrs["resolution"] == RES
    assert layer.attrs["intensive"] == [c for c in layer.columns if c.startswith("mean_")]


def test_means_skip_missing_values_and_sums_treat_them_as_nothing():
    frame = pings([(0, "a", "2026-01-05 12:00", 10.0), (0, "a", "2026-01-05 12:00", np.nan),
                   (0, "b", "2026-01-05 12:00", 20.0), (2, "c", "2026-01-05 12:00", np.nan)])
    layer = _layer(frame, _spec())
    assert layer.loc[CELLS[0], ["count", "sum_dwell", "mean_dwell"]].tolist() == [3.0, 30.0, 15.0]
    assert layer.loc[CELLS[2], "sum_dwell"] == 0.0 and np.isnan(layer.loc[CELLS[2], "mean_dwell"])


def test_utc_numbers_and_zoned_times_are_read_in_the_local_time_zone():
    # 13:30 UTC is 21:30 in Shanghai (night); 00:30 UTC is 08:30 there (not night).
    lat, lon = CENTRES
    utc = pd.to_datetime(["2026-01-05 13:30:00", "2026-01-05 00:30:00"]).tz_localize("UTC")
    frames = {
        "epoch seconds": pa.table({"ts": pa.array(utc.as_unit("s").asi8)}),
        "epoch ms": pa.table({"ts": pa.array(utc.as_unit("ms").asi8)}),
        "zoned timestamps": pa.table({"ts": pa.array(utc.to_numpy(), pa.timestamp("us", tz="UTC"))}),
        "ISO text with offsets": pa.table({"ts": ["2026-01-05T13:30:00Z", "2026-01-05T08:30:00+08:00"]}),
        "local text": pa.table({"ts": ["2026-01-05 21:30", "2026-01-05 08:30"]}),
        "digits in text": pa.table({"ts": [str(v) for v in utc.as_unit("s").asi8]}),
    }
    for name, ts in frames.items():
        unit = "ms" if name == "epoch ms" else "s"
        spec = _spec(columns={"lat": "lat", "lon": "lon", "timestamp": "ts", "timestamp_unit": unit},
                     measures={"count": True})
        table = ts.append_column("lat", pa.array([lat[0]] * 2)).append_column("lon", pa.array([lon[0]] * 2))
        layer = _layer(table, spec)
        assert layer["count_night"].tolist() == [1.0], name
        assert layer["count_daytime"].tolist() == [0.0], name  # 08:30 is before nine


def test_a_custom_timestamp_format_and_unreadable_timestamps():
    lat, lon = CENTRES
    table = pa.table({"lat": [lat[0]] * 3, "lon": [lon[0]] * 3,
                      "ts": ["2026/01/05 22:15:00", "yesterday", None]})
    spec = _spec(columns={"lat": "lat", "lon": "lon", "timestamp": "ts",
                          "timestamp_format": "%Y/%m/%d %H:%M:%S"}, measures={"count": True})
    partial = kernel.partial_from_frame(table, spec)
    layer = kernel.finalise(partial, spec)
    # no time filter: every row counts in the all-rows count, only the readable one in a profile
    assert layer["count"].tolist() == [3.0] and layer["count_night"].tolist() == [1.0]
    assert partial.rows.bad_timestamp == 2 and partial.rows.aggregated == 3


def test_filters_on_dates_hours_weekdays_and_values():
    frame = pings([
        (0, "a", "2026-01-01 10:00", 1.0),   # out: before the date range
        (0, "a", "2026-01-02 10:00", 2.0),   # in (Friday)
        (0, "b", "2026-01-03 10:00", 4.0),   # out: Saturday
        (0, "b", "2026-01-05 05:00", 8.0),   # out: hours
        (0, "c", "2026-01-06 22:59", 16.0),  # in: the end date is inclusive
        (0, "c", "2026-01-07 10:00", 32.0),  # out: after the date range
        (0, "d", "2026-01-06 10:00", 64.0),  # out: accuracy missing
        (0, "e", "2026-01-06 10:00", 128.0),  # out: source not listed
    ])
    frame["accuracy"] = [10, 10, 10, 10, 50, 10, np.nan, 10]
    frame["source"] = ["gps"] * 7 + ["cell"]
    spec = _spec(filters={"dates": ["2026-01-02", "2026-01-06"], "hours": [["06:00", "23:00"]],
                          "weekdays": [0, 1, 2, 3, 4],
                          "values": [{"column": "accuracy", "max": 50}, {"column": "source", "in": ["gps", "wifi"]}]},
                 profiles={})
    partial = kernel.partial_from_frame(frame, spec)
    layer = kernel.finalise(partial, spec)
    assert layer.loc[CELLS[0], "count"] == 2 and layer.loc[CELLS[0], "sum_dwell"] == 18.0
    assert partial.rows.filtered_out == 6 and partial.rows.read == 8

    spec = _spec(filters={"values": [{"column": "source", "not_in": ["cell"]},
                                     {"column": "accuracy", "min": 10, "max": 10}]}, profiles={})
    layer = _layer(frame, spec)
    assert layer.loc[CELLS[0], "sum_dwell"] == 1 + 2 + 4 + 8 + 32


def test_rows_without_usable_coordinates_are_counted_not_binned():
    frame = pings([(0, "a", "2026-01-05 12:00", 1.0)] * 4)
    frame.loc[1, "lat"] = np.nan
    frame.loc[2, "lat"] = 95.0
    frame["lon"] = frame["lon"].astype(str)
    frame.loc[3, "lon"] = "n/a"
    partial = kernel.partial_from_frame(frame, _spec())
    assert partial.rows.to_dict() == {"read": 4, "aggregated": 1, "missing_coordinates": 2,
                                      "out_of_range": 1, "filtered_out": 0, "bad_timestamp": 0}
    assert kernel.finalise(partial, _spec())["count"].tolist() == [1.0]


def test_gcj02_input_is_converted_to_wgs84_before_indexing():
    lat, lon = CENTRES
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    frame = pd.DataFrame({"lat": g_lat, "lon": g_lon})
    spec = parse_spec({"input": {"paths": "x.csv", "crs": "gcj02"}, "columns": {"lat": "lat", "lon": "lon"}})
    layer = _layer(frame, spec)
    assert sorted(layer.index) == sorted(CELLS.tolist())
    # read as WGS-84 the shifted points (~500 m off in Shanghai) fall elsewhere
    as_wgs = hexgrid.latlon_to_cells(g_lat, g_lon, RES)
    assert not set(as_wgs) & set(CELLS.tolist())


def test_the_same_id_as_text_and_as_integer_is_one_device():
    lat, lon = CENTRES
    spec = _spec(columns={"lat": "lat", "lon": "lon", "id": "device"}, profiles={},
                 measures={"distinct_ids": True})
    as_int = kernel.partial_from_frame(pa.table({"lat": [lat[0]] * 2, "lon": [lon[0]] * 2,
                                                 "device": pa.array([123, 7], pa.int64())}), spec)
    as_text = kernel.partial_from_frame(pa.table({"lat": [lat[0]] * 2, "lon": [lon[0]] * 2,
                                                  "device": ["123", None]}), spec)
    layer = kernel.finalise(kernel.combine([as_int, as_text]), spec)
    assert layer["distinct_ids"].tolist() == [2.0]


def test_results_do_not_depend_on_the_chunk_size(tmp_path):
    frame = random_pings(3000, seed=3)
    path = tmp_path / "p.parquet"
    frame.to_parquet(path, index=False)
    part = Partition(str(path), "parquet", path.stat().st_size)
    layers = []
    for chunk_rows in (3000, 250, 7):
        spec = _spec(input={"paths": str(path), "chunk_rows": chunk_rows})
        layers.append(kernel.finalise(kernel.partition_partial(part, spec), spec))
    whole, *others = layers
    # by hand: the all-rows count and distinct ids per cell straight from pandas
    cells = hexgrid.latlon_to_cells(frame["lat"].to_numpy(), frame["lon"].to_numpy(), RES)
    by_cell = frame.assign(cell=cells).groupby("cell")
    assert whole["count"].to_dict() == by_cell.size().astype(float).to_dict()
    assert whole["distinct_ids"].to_dict() == by_cell["device"].nunique().astype(float).to_dict()
    assert whole["sum_dwell"].to_numpy() == pytest.approx(by_cell["dwell"].sum().to_numpy(), rel=1e-12)
    for other in others:
        exact = [c for c in whole.columns if c.startswith(("count", "distinct"))]
        pd.testing.assert_frame_equal(other[exact], whole[exact])
        pd.testing.assert_frame_equal(other, whole, check_exact=False, rtol=1e-12)


def test_tree_reducer_groups_items_in_order_level_by_level():
    def combine(items):
        return tuple(items)

    r = kernel.TreeReducer(combine, fan_in=3)
    for i in range(8):
        r.push(i)
    # level 0: (0,1,2), (3,4,5), leftovers 6, 7 → (6,7); level 1 then holds three groups
    assert r.result() == ((0, 1, 2), (3, 4, 5), (6, 7))
    r = kernel.TreeReducer(combine, fan_in=3)
    for i in range(10):
        r.push(i)
    assert r.result() == (((0, 1, 2), (3, 4, 5), (6, 7, 8)), 9)
    r = kernel.TreeReducer(combine, fan_in=3)
    assert r.result() is None
    r.push("only")
    assert r.result() == "only"


@pytest.mark.parametrize("n_buckets", [1, 3, 8])
def test_distinct_counts_reduced_by_bucket_equal_those_of_the_whole(n_buckets):
    spec = _spec()
    parts = [kernel.partial_from_frame(random_pings(800, seed=s), spec) for s in range(4)]
    whole = kernel.combine(parts)
    expected = kernel.finalise(whole, spec)
    split = [kernel.split_pairs(p, n_buckets) for p in parts]
    per_bucket = [kernel.count_pairs(kernel.combine_pairs([s[b] for s in split])) for b in range(n_buckets)]
    stats_only = kernel.combine([kernel.without_pairs(p) for p in parts])
    assert stats_only.n_pairs == 0
    got = kernel.finalise(stats_only, spec, per_bucket)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # the buckets split the cells: every cell's pairs are in exactly one bucket
    seen = np.concatenate([found for counts in per_bucket for found, _ in counts[:1]])
    assert len(seen) == len(np.unique(seen)) == int((expected["distinct_ids"] > 0).sum())


def test_pairs_deduplicated_in_pieces_are_the_distinct_pairs(monkeypatch):
    rng = np.random.default_rng(5)
    cells = rng.integers(0, 500, 5000).astype(np.int64)
    ids = rng.integers(0, 40, 5000).astype(np.int64) * 7919
    monkeypatch.setattr(kernel, "_SPLIT_PAIRS", 100)
    got_cells, got_ids = kernel._unique_pairs(cells, ids, 500)
    got = list(zip(got_cells.tolist(), got_ids.tolist()))
    assert len(got) == len(set(got))
    assert set(got) == set(zip(cells.tolist(), ids.tolist()))

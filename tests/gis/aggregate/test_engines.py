"""Both engines on partitioned files: identical layers, errors that name the partition, no partial output."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

from gis import hexgrid
from gis.aggregate import aggregate, parse_spec
from gis.aggregate.spec import AggregationSpec
from gis.errors import Cancelled, ColumnMappingError, ConfigError, IntakeError
from gis.gridlayer import read_layer
from gis.progress import CallbackProgress
from tests.gis.aggregate.data import CELLS, CENTRES, RES, random_pings

SEEDS = range(6)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Six partitions (four Parquet, a CSV and a gzipped CSV in a sub-folder) and their union."""
    root = tmp_path_factory.mktemp("pings")
    folder = root / "pings"
    (folder / "csv").mkdir(parents=True)
    frames = []
    for seed in SEEDS:
        frame = random_pings(1500, seed=seed)
        frames.append(frame)
        if seed < 4:
            frame.to_parquet(folder / f"part-{seed:03d}.parquet", index=False)
        else:
            text = frame.assign(ts=frame["ts"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_csv(index=False)
            if seed == 4:
                (folder / "csv" / "part-004.csv").write_text(text, encoding="utf-8")
            else:
                (folder / "csv" / "part-005.csv.gz").write_bytes(gzip.compress(text.encode()))
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-009.parquet.crc").write_text("not data")
    return root, pd.concat(frames, ignore_index=True)


def _spec(paths, **input_options) -> AggregationSpec:
    return parse_spec({
        "input": {"paths": paths, "chunk_rows": 400, **input_options},
        "columns": {"lat": "lat", "lon": "lon", "id": "device", "timestamp": "ts"},
        "grid": {"resolution": RES},
        "measures": {"count": True, "distinct_ids": True, "sum": ["dwell"], "mean": ["dwell"]},
        "profiles": {"daytime": {"hours": [["09:00", "18:00"]], "weekdays": [0, 1, 2, 3, 4]},
                     "night": {"hours": [["21:00", "07:00"]]},
                     "weekend": {"weekdays": ["sat", "sun"]}},
    })


def _by_hand(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts and distinct devices per cell, all rows and at night, straight from pandas."""
    cells = hexgrid.latlon_to_cells(frame["lat"].to_numpy(), frame["lon"].to_numpy(), RES)
    minutes = frame["ts"].dt.hour * 60 + frame["ts"].dt.minute
    night = ((minutes >= 21 * 60) | (minutes < 7 * 60)).to_numpy()
    g = frame.assign(cell=cells).groupby("cell")
    gn = frame[night].assign(cell=cells[night]).groupby("cell")
    out = pd.DataFrame({"count": g.size(), "distinct_ids": g["device"].nunique(),
                        "count_night": gn.size(), "distinct_ids_night": gn["device"].nunique()})
    return out.fillna(0).astype(float)


def test_local_and_dask_give_identical_layers(dataset, dask_scheduler, tmp_path):
    root, union = dataset
    spec = _spec(str(root / "pings"))
    local_layer, local_stats = aggregate(spec, tmp_path / "local.parquet")
    dask_layer, dask_stats = aggregate(spec, tmp_path / "dask.parquet", engine="dask", scheduler=dask_scheduler)

    assert local_stats.partitions == dask_stats.partitions == 6  # _SUCCESS and the .crc skipped
    assert local_stats.rows_read == dask_stats.rows_read == len(union) == local_stats.rows_aggregated
    means = [c for c in local_layer.columns if c.startswith("mean_")]
    exact = [c for c in local_layer.columns if c not in means]
    pd.testing.assert_frame_equal(dask_layer[exact], local_layer[exact], check_exact=True)
    pd.testing.assert_frame_equal(dask_layer[means], local_layer[means], check_exact=False, rtol=1e-12)
    assert dask_layer.attrs == local_layer.attrs

    expected = _by_hand(union)
    assert local_layer.index.tolist() == expected.index.tolist()
    for col in expected.columns:
        assert local_layer[col].tolist() == expected[col].tolist(), col
    assert local_layer["sum_dwell"].sum() == pytest.approx(union["dwell"].sum(), rel=1e-12)
    # every ping is daytime, night, or neither; weekends are 2 of 7 days in January 2026's mix
    assert (local_layer["count_daytime"] + local_layer["count_weekend"] <= local_layer["count"]).all()

    written = read_layer(tmp_path / "dask.parquet")
    pd.testing.assert_frame_equal(written, dask_layer)
    assert written.attrs["intensive"] == means


def test_globs_and_lists_choose_partitions(dataset, tmp_path):
    root, union = dataset
    csv_only = _spec(str(root / "pings" / "**" / "*.csv*"))
    _, stats = aggregate(csv_only, tmp_path / "csv.parquet")
    assert stats.partitions == 2 and stats.rows_read == 3000
    mixed = _spec([str(root / "pings" / "part-00[01].parquet"), str(root / "pings" / "csv" / "part-004.csv")])
    layer, stats = aggregate(mixed, tmp_path / "mixed.parquet")
    assert stats.partitions == 3 and layer["count"].sum() == 4500
    with pytest.raises(ConfigError, match="matches no Parquet or CSV files"):
        aggregate(_spec(str(root / "pings" / "*.xlsx")), tmp_path / "none.parquet")


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_the_same_id_in_two_partitions_counts_once_per_cell(engine, dask_scheduler, tmp_path):
    lat, lon = CENTRES
    a = pd.DataFrame({"lat": [lat[0], lat[0]], "lon": [lon[0], lon[0]], "device": ["x", "y"]})
    b = pd.DataFrame({"lat": [lat[0], lat[1]], "lon": [lon[0], lon[1]], "device": ["x", "x"]})
    a.to_parquet(tmp_path / "a.parquet", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    spec = parse_spec({"input": {"paths": str(tmp_path)}, "columns": {"lat": "lat", "lon": "lon", "id": "device"},
                       "measures": {"count": True, "distinct_ids": True}})
    layer, _ = aggregate(spec, tmp_path / "out" / "layer.parquet", engine=engine,
                         scheduler=dask_scheduler if engine == "dask" else None)
    assert layer.loc[CELLS[0]].tolist() == [3.0, 2.0]  # x twice and y: three pings, two devices
    assert layer.loc[CELLS[1]].tolist() == [1.0, 1.0]


def _broken_copy(dataset, tmp_path):
    root, _ = dataset
    folder = tmp_path / "pings"
    shutil.copytree(root / "pings", folder)
    bad = folder / "part-002.parquet"
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 2])  # truncated: no footer
    return folder, bad


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_corrupt_partition_stops_the_run_names_it_and_writes_nothing(engine, dataset, dask_scheduler, tmp_path):
    folder, bad = _broken_copy(dataset, tmp_path)
    out = tmp_path / "layer.parquet"
    with pytest.raises(IntakeError) as info:
        aggregate(_spec(str(folder)), out, engine=engine, scheduler=dask_scheduler if engine == "dask" else None)
    assert str(bad) in str(info.value) and "Parquet" in str(info.value)
    assert info.value.path == str(bad)
    assert list(tmp_path.glob("*layer*")) == []  # neither the layer nor a temporary file


def test_a_failed_run_keeps_an_earlier_output_as_it_was(dataset, tmp_path):
    folder, _ = _broken_copy(dataset, tmp_path)
    out = tmp_path / "layer.parquet"
    out.write_bytes(b"earlier result")
    with pytest.raises(IntakeError):
        aggregate(_spec(str(folder)), out)
    assert out.read_bytes() == b"earlier result"


def test_a_partition_without_a_column_is_named(dataset, dask_scheduler, tmp_path):
    root, _ = dataset
    folder = tmp_path / "pings"
    shutil.copytree(root / "pings", folder)
    odd = folder / "part-003.parquet"
    pd.read_parquet(odd).drop(columns="device").to_parquet(odd, index=False)
    with pytest.raises(ColumnMappingError, match=r"part-003\.parquet: columns \['device'\] not found"):
        aggregate(_spec(str(folder)), tmp_path / "out.parquet", engine="dask", scheduler=dask_scheduler)
    assert not (tmp_path / "out.parquet").exists()


def _cancel_after(n_reports: int) -> CallbackProgress:
    seen = []

    def on_report(fraction, message):
        seen.append(message)
        if len(seen) >= n_reports:
            progress.cancel()

    progress = CallbackProgress(on_report)
    return progress


@pytest.mark.parametrize("engine, n_reports", [("local", 1), ("local", 4), ("dask", 1), ("dask", 3)])
def test_cancel_leaves_no_output(engine, n_reports, dataset, dask_scheduler, tmp_path):
    root, _ = dataset
    out = tmp_path / "layer.parquet"
    with pytest.raises(Cancelled):
        aggregate(_spec(str(root / "pings")), out, engine=engine,
                  scheduler=dask_scheduler if engine == "dask" else None, progress=_cancel_after(n_reports))
    assert list(tmp_path.iterdir()) == []
    if engine == "dask":  # the run's tasks are gone from the scheduler, not left running
        assert _scheduler_tasks_drain(dask_scheduler)


def _scheduler_tasks_drain(address: str, seconds: float = 10.0) -> bool:
    import time

    from distributed import Client

    with Client(address, set_as_default=False) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            keys = client.run_on_scheduler(lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks])
            if not [k for k in keys if k.startswith("storeplan-")]:
                return True
            time.sleep(0.1)
    return False


def test_the_output_may_not_be_one_of_the_inputs(dataset, tmp_path):
    root, _ = dataset
    folder = tmp_path / "pings"
    shutil.copytree(root / "pings", folder)
    with pytest.raises(ConfigError, match="is one of the inputs"):
        aggregate(_spec(str(folder)), folder / "part-000.parquet")


def test_an_unreachable_scheduler_is_a_plain_error(dataset, tmp_path, monkeypatch):
    from gis.aggregate import dask_engine
    from gis.errors import AnalysisError

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", "1s")
    root, _ = dataset
    with pytest.raises(AnalysisError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        aggregate(_spec(str(root / "pings")), tmp_path / "x.parquet", engine="dask",
                  scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "x.parquet").exists()


def test_a_scheduler_without_workers_is_a_plain_error(dataset, tmp_path, monkeypatch):
    from distributed import LocalCluster

    from gis.aggregate import dask_engine
    from gis.errors import AnalysisError

    monkeypatch.setattr(dask_engine, "WORKER_TIMEOUT", 0.5)
    root, _ = dataset
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        with pytest.raises(AnalysisError, match="has no workers; start some with `dask worker"):
            aggregate(_spec(str(root / "pings")), tmp_path / "x.parquet", engine="dask",
                      scheduler=empty.scheduler_address)
    assert not (tmp_path / "x.parquet").exists()


def test_empty_partitions_give_an_empty_layer_with_every_column(tmp_path):
    pd.DataFrame({"lat": np.zeros(0), "lon": np.zeros(0), "device": pd.Series([], dtype=str),
                  "ts": pd.Series([], dtype="datetime64[us]"), "dwell": np.zeros(0)}).to_parquet(
        tmp_path / "empty.parquet", index=False)
    spec = _spec(str(tmp_path / "empty.parquet"))
    layer, stats = aggregate(spec, tmp_path / "out.parquet")
    assert len(layer) == 0 and list(layer.columns) == spec.output_columns()
    assert stats.rows_read == 0 and read_layer(tmp_path / "out.parquet").columns.tolist() == spec.output_columns()


def test_urls_are_listed_and_read_through_fsspec(dataset, tmp_path):
    root, union = dataset
    url = (root / "pings").as_uri()
    layer, stats = aggregate(_spec(url), tmp_path / "url.parquet")
    assert stats.partitions == 6 and layer["count"].sum() == len(union)
    layer, stats = aggregate(_spec(url + "/**/*.csv*"), tmp_path / "csv.parquet")
    assert stats.partitions == 2 and layer["count"].sum() == 3000

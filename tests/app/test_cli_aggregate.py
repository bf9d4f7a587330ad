"""`storeplan aggregate SPEC.toml --out LAYER.parquet [--engine local|dask] [--scheduler ADDRESS]`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app import cli
from gis import hexgrid
from gis.intake import read_table

ROOT = Path(__file__).resolve().parents[2]
RES = 9

SPEC = """
[input]
paths = "pings/*.parquet"
crs = "wgs84"

[columns]
lat = "纬度"
lon = "经度"
id = "device"
timestamp = "ts"

[grid]
resolution = 9

[measures]
count = true
distinct_ids = true
mean = ["dwell"]

[profiles.night]
hours = [["21:00", "07:00"]]
"""


@pytest.fixture
def job(tmp_path):
    """Three Parquet partitions of 400 pings with Chinese headers, a spec, and the truth per cell."""
    rng = np.random.default_rng(11)
    (tmp_path / "pings").mkdir()
    frames = []
    for i in range(3):
        n = 400
        frame = pd.DataFrame({
            "纬度": 31.23 + rng.normal(0, 0.003, n), "经度": 121.47 + rng.normal(0, 0.003, n),
            "device": [f"d{k}" for k in rng.integers(0, 40, n)],
            "ts": np.datetime64("2026-01-05T00:00:00", "us") + rng.integers(0, 86400, n).astype("timedelta64[s]"),
            "dwell": rng.uniform(1, 30, n),
        })
        frame.to_parquet(tmp_path / "pings" / f"p{i}.parquet", index=False)
        frames.append(frame)
    spec = tmp_path / "agg.toml"
    spec.write_text(SPEC, encoding="utf-8")
    union = pd.concat(frames, ignore_index=True)
    cells = hexgrid.latlon_to_cells(union["纬度"].to_numpy(), union["经度"].to_numpy(), RES)
    hour = union["ts"].dt.hour.to_numpy()
    night = (hour >= 21) | (hour < 7)
    truth = pd.DataFrame({
        "count": pd.Series(cells).value_counts().sort_index().astype(float),
        "distinct_ids": union.assign(cell=cells).groupby("cell")["device"].nunique().astype(float),
        "count_night": pd.Series(cells[night]).value_counts().reindex(np.unique(cells), fill_value=0).astype(float),
    })
    return spec, truth


def _check_layer_file(out: Path, truth: pd.DataFrame) -> None:
    result = read_table(out, "grid")
    assert result.usable and result.grid_shape == "h3"
    table = result.table.set_index("cell").sort_index()
    assert table.index.tolist() == truth.index.tolist()
    for col in truth.columns:
        assert table[col].tolist() == truth[col].tolist(), col
    assert ((table["mean_dwell"] >= 1) & (table["mean_dwell"] <= 30)).all()


def test_aggregate_with_the_local_engine(job, tmp_path, capsys):
    spec, truth = job
    out = tmp_path / "out" / "layer.parquet"
    assert cli.main(["-q", "aggregate", str(spec), "--out", str(out)]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert "1,200 of 1,200 rows from 3 partition(s)" in printed and str(out) in printed
    _check_layer_file(out, truth)


def test_aggregate_with_dask_starts_a_local_cluster(job, tmp_path, capsys):
    spec, truth = job
    out = tmp_path / "dask.parquet"
    assert cli.main(["-q", "aggregate", str(spec), "--out", str(out), "--engine", "dask"]) == cli.EXIT_OK
    assert "(dask)" in capsys.readouterr().out
    _check_layer_file(out, truth)


def test_aggregate_is_headless_and_reports_progress(job, tmp_path):
    spec, truth = job
    out = tmp_path / "layer.parquet"
    code = ("import sys; from app.cli import main; rc = main(sys.argv[1:]); "
            "assert 'PySide6' not in sys.modules, 'headless command imported Qt'; sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, "aggregate", str(spec), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "partition 3 of 3" in result.stderr and "%]" in result.stderr
    _check_layer_file(out, truth)


def test_usage_and_input_errors(job, tmp_path, capsys):
    spec, _ = job
    out = tmp_path / "x.parquet"
    assert cli.main(["-q", "aggregate", str(spec), "--out", str(out), "--engine", "local",
                     "--scheduler", "tcp://127.0.0.1:8786"]) == cli.EXIT_USAGE
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    spec.write_text(SPEC.replace('lat = "纬度"', 'lat = "lat"'), encoding="utf-8")
    assert cli.main(["-q", "aggregate", str(spec), "--out", str(out)]) == cli.EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "p0.parquet: columns ['lat'] not found" in err and "Traceback" not in err
    assert not out.exists()

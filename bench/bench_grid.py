"""Benchmark of the H3 grid engine: indexing, streamed binning, catchments, polygons.

    python bench/bench_grid.py                 # full run: 2 M points, 20 M-row CSV (~0.5 GB)
    python bench/bench_grid.py --rows 2000000 --points 500000   # a quick run

Prints (a) latlon_to_cells throughput against a per-point loop over h3's string API measured
in the same run, (b) bin_points_file rows/s and peak RSS on a generated CSV and Parquet file,
measured in a subprocess that does only the binning, (c) catchment_sums for 100 k points with
k = 3, (d) cells_to_polygons for 100 k cells.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gis import catchment, gridlayer, hexgrid  # noqa: E402

# Shanghai's extent: dense city data, as location providers deliver it
LAT_RANGE = (30.70, 31.50)
LON_RANGE = (121.00, 121.90)


def points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(*LAT_RANGE, n), rng.uniform(*LON_RANGE, n)


def timed(fn, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start, time.process_time() - cpu


def bench_indexing(n: int, res: int) -> None:
    import h3

    lat, lon = points(n)
    fast, t_fast, c_fast = timed(hexgrid.latlon_to_cells, lat, lon, res)
    loop, t_loop, c_loop = timed(hexgrid.latlon_to_cells, lat, lon, res, method="loop")
    assert np.array_equal(fast, loop)
    m = min(n, 500_000)  # the string API is slow: time a slice and scale
    lat_l, lon_l = lat[:m].tolist(), lon[:m].tolist()
    start, cpu = time.perf_counter(), time.process_time()
    naive = [int(h3.latlng_to_cell(a, o, res), 16) for a, o in zip(lat_l, lon_l)]
    t_naive = (time.perf_counter() - start) * n / m
    c_naive = (time.process_time() - cpu) * n / m
    assert naive == fast[:m].tolist()
    print(f"(a) latlon_to_cells, {n:,} points at res {res} ({len(np.unique(fast)):,} distinct cells)")
    for label, wall, cpu_s in (("vectorised:           ", t_fast, c_fast),
                               ("loop over int API:    ", t_loop, c_loop),
                               ("naive string API loop:", t_naive, c_naive)):
        print(f"    {label} {n / wall / 1e6:6.2f} M points/s wall, {n / cpu_s / 1e6:6.2f} M per CPU-second")
    print(f"    ratio vectorised / naive string loop: {t_naive / t_fast:.1f}x wall, {c_naive / c_fast:.1f}x CPU;"
          f" vectorised / int loop: {t_loop / t_fast:.1f}x wall, {c_loop / c_fast:.1f}x CPU")


def write_csv(path: Path, rows: int, chunk: int = 1_000_000) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    schema = pa.schema([("lat", pa.float64()), ("lon", pa.float64()), ("weight", pa.int64())])
    rng = np.random.default_rng(42)
    with pcsv.CSVWriter(str(path), schema) as writer:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            lat = np.round(rng.uniform(*LAT_RANGE, n), 6)
            lon = np.round(rng.uniform(*LON_RANGE, n), 6)
            weight = rng.integers(1, 20, n)
            writer.write_table(pa.table({"lat": lat, "lon": lon, "weight": weight}, schema=schema))


def write_parquet(csv_path: Path, path: Path) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    reader = pcsv.open_csv(str(csv_path))
    writer = None
    for batch in reader:
        if writer is None:
            writer = pq.ParquetWriter(str(path), batch.schema)
        writer.write_batch(batch)
    if writer is not None:
        writer.close()


def worker(path: str, res: int) -> None:
    """Runs in a subprocess: bin one file and report time and peak RSS as JSON."""
    start, cpu = time.perf_counter(), time.process_time()
    layer, stats = gridlayer.bin_points_file(path, "lat", "lon", ["weight"], res)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu,
                      "rows": stats.rows_binned, "cells": len(layer),
                      "peak_mb": peak_kb / 1024, "weight_total": float(layer["weight"].sum())}))


def run_worker(path: Path, res: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", str(path), "--res", str(res)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_binning(rows: int, res: int, workdir: Path) -> None:
    csv_path = workdir / f"points_{rows}.csv"
    pq_path = workdir / f"points_{rows}.parquet"
    if not csv_path.exists():
        _, t, _ = timed(write_csv, csv_path, rows)
        print(f"    (wrote {csv_path.stat().st_size / 1e6:,.0f} MB CSV in {t:.0f} s)")
    if not pq_path.exists():
        write_parquet(csv_path, pq_path)
    print(f"(b) bin_points_file, {rows:,} rows at res {res}, in a subprocess (1 M rows per chunk)")
    for label, path in (("CSV", csv_path), ("Parquet", pq_path)):
        r = run_worker(path, res)
        print(f"    {label:8s} {path.stat().st_size / 1e6:7,.0f} MB: {r['rows'] / r['seconds'] / 1e6:5.2f} M rows/s"
              f" ({r['seconds']:.1f} s wall), {r['rows'] / r['cpu_seconds'] / 1e6:5.2f} M rows per CPU-second"
              f" ({r['cpu_seconds']:.1f} s CPU, all threads), {r['cells']:,} cells,"
              f" peak RSS {r['peak_mb']:,.0f} MB")


def bench_catchment(n: int, k: int, res: int) -> None:
    lat, lon = points(2_000_000, seed=1)
    layer = gridlayer.bin_points(lat, lon, {"pop": np.ones(len(lat))}, res)
    q_lat, q_lon = points(n, seed=2)
    out, t, c = timed(catchment.catchment_sums, q_lat, q_lon, layer, k=k, decay="linear")
    _, t_r, c_r = timed(catchment.catchment_sums, q_lat[: n // 10], q_lon[: n // 10], layer, radius_m=500.0)
    print(f"(c) catchment_sums, {n:,} points, k={k}, linear decay, layer of {len(layer):,} cells: "
          f"{t:.2f} s wall, {c:.2f} s CPU")
    print(f"    radius 500 m, {n // 10:,} points: {t_r:.2f} s wall, {c_r:.2f} s CPU")


def bench_polygons(n: int, res: int) -> None:
    lat, lon = points(3 * n, seed=3)
    cells = np.unique(hexgrid.latlon_to_cells(lat, lon, res))[:n]
    polys, t, c = timed(hexgrid.cells_to_polygons, cells)
    print(f"(d) cells_to_polygons, {len(cells):,} cells: {t:.2f} s wall, {c:.2f} s CPU")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=2_000_000, help="points for (a)")
    parser.add_argument("--rows", type=int, default=20_000_000, help="rows of the generated file for (b)")
    parser.add_argument("--catchment-points", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--polygons", type=int, default=100_000)
    parser.add_argument("--res", type=int, default=9)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated files here")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.res)
        return
    print(f"H3 grid benchmark on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    hexgrid.latlon_to_cells(*points(10_000), args.res)  # derive the face frames once
    bench_indexing(args.points, args.res)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        bench_binning(args.rows, args.res, args.workdir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            bench_binning(args.rows, args.res, Path(tmp))
    bench_catchment(args.catchment_points, args.k, args.res)
    bench_polygons(args.polygons, args.res)


if __name__ == "__main__":
    main()

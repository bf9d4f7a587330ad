"""Benchmark of the ping aggregation: the local engine against Dask with 2 workers, same input.

    python bench/bench_aggregate.py                      # 50 M rows in 50 Parquet files
    python bench/bench_aggregate.py --rows 10000000      # a quicker run (10 files of 1 M rows)
    python bench/bench_aggregate.py --data DIR --keep    # generate into DIR once and reuse it
    python bench/bench_aggregate.py --rows 10000000 --repeat 3   # best of three runs each

The input is generated once in chunks (memory stays low): one Parquet file per million rows
with lat, lon around Shanghai, a device id (each device has a home and a work place and
wanders in between), a UTC timestamp over January 2026 and a dwell time. Two aggregations run
on it with each engine:

- "counts": rows per cell only (reading + H3 indexing);
- "full": count, distinct devices, sum and mean of dwell, for all rows and for the profiles
  daytime (weekdays 09–18), night (21–07, crossing midnight) and weekend.

Printed per run: wall seconds, rows/s, the ratio to the local engine (the baseline measured in
the same run) and peak memory: for the local engine the peak RSS of this process; for Dask the
sum of the peak RSS of each worker process plus this process (which also hosts the scheduler),
sampled every 50 ms with psutil. The Dask cluster's start-up is timed separately. The two
engines' layers are checked to be identical.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FILE_ROWS = 1_000_000
CENTRE = (31.2304, 121.4737)
MB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# input


def generate(folder: Path, rows: int, seed: int = 0) -> list[Path]:
    """Partitioned Parquet pings, one file per million rows, written chunk by chunk."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_devices = max(rows // 40, 1000)  # about 40 pings per device and month
    home = np.column_stack([rng.normal(CENTRE[0], 0.08, n_devices), rng.normal(CENTRE[1], 0.09, n_devices)])
    work = np.column_stack([rng.normal(CENTRE[0], 0.03, n_devices), rng.normal(CENTRE[1], 0.035, n_devices)])
    start = np.datetime64("2026-01-01T00:00:00", "ms") - np.timedelta64(8, "h")  # local midnight in UTC
    paths = []
    for i, first in enumerate(range(0, rows, FILE_ROWS)):
        n = min(FILE_ROWS, rows - first)
        device = rng.integers(0, n_devices, n)
        where = rng.random(n)
        lat = np.where(where < 0.45, home[device, 0], np.where(where < 0.75, work[device, 0],
                                                                rng.normal(CENTRE[0], 0.1, n)))
        lon = np.where(where < 0.45, home[device, 1], np.where(where < 0.75, work[device, 1],
                                                                rng.normal(CENTRE[1], 0.12, n)))
        lat = lat + rng.normal(0, 0.0008, n)
        lon = lon + rng.normal(0, 0.0009, n)
        day = rng.integers(0, 31, n)
        minute = np.clip(rng.normal(14 * 60, 5 * 60, n), 0, 1439.99)
        ts = start + (day * 86_400_000 + (minute * 60_000).astype(np.int64)).astype("timedelta64[ms]")
        ids = pc.binary_join_element_wise("dev", pc.cast(pa.array(device), pa.string()), "")
        table = pa.table({
            "lat": lat, "lon": lon, "device_id": ids,
            "ts": pa.array(ts, pa.timestamp("ms", tz="UTC")),
            "dwell_min": rng.exponential(15.0, n),
        })
        path = folder / f"part-{i:05d}.parquet"
        pq.write_table(table, path, row_group_size=250_000)
        paths.append(path)
    return paths


def spec_for(folder: Path, full: bool):
    from gis.aggregate import parse_spec

    raw = {"input": {"paths": str(folder)},
           "columns": {"lat": "lat", "lon": "lon", "id": "device_id", "timestamp": "ts",
                       "timezone": "Asia/Shanghai"},
           "grid": {"resolution": 9}, "measures": {"count": True}}
    if full:
        raw["measures"] = {"count": True, "distinct_ids": True, "sum": ["dwell_min"], "mean": ["dwell_min"]}
        raw["profiles"] = {"daytime": {"hours": [["09:00", "18:00"]], "weekdays": [0, 1, 2, 3, 4]},
                           "night": {"hours": [["21:00", "07:00"]]},
                           "weekend": {"weekdays": ["sat", "sun"]}}
    return parse_spec(raw)


# ---------------------------------------------------------------------------------------------
# memory sampling


class PeakRss:
    """Samples the RSS of some processes every ``interval`` s (peak per process) and measures the
    CPU seconds they use in between."""

    def __init__(self, pids, interval: float = 0.05):
        import psutil

        self._procs = {pid: psutil.Process(pid) for pid in pids}
        self.peaks = {pid: 0 for pid in pids}
        self.cpu = 0.0
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            for pid, proc in self._procs.items():
                try:
                    self.peaks[pid] = max(self.peaks[pid], proc.memory_info().rss)
                except psutil.Error:
                    pass
            self._stop.wait(self._interval)

    def _cpu(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self._procs.values())

    def __enter__(self):
        self._cpu_start = self._cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.cpu = self._cpu() - self._cpu_start

    @property
    def total(self) -> int:
        return sum(self.peaks.values())


# ---------------------------------------------------------------------------------------------
# runs


def run_local(spec, out: Path):
    from gis.aggregate import aggregate

    with PeakRss([os.getpid()]) as mem:
        start = time.perf_counter()
        layer, stats = aggregate(spec, out, engine="local")
        seconds = time.perf_counter() - start
    return layer, stats, seconds, mem.total, None, mem.cpu


def run_dask(spec, out: Path, address: str, worker_pids: list[int]):
    from gis.aggregate import aggregate

    with PeakRss([os.getpid(), *worker_pids]) as mem:
        start = time.perf_counter()
        layer, stats = aggregate(spec, out, engine="dask", scheduler=address)
        seconds = time.perf_counter() - start
    workers = sum(mem.peaks[p] for p in worker_pids)
    return layer, stats, seconds, mem.total, workers, mem.cpu


def best_of(n: int, fn, *args):
    """The fastest of ``n`` runs (other work on the machine only ever slows a run down)."""
    return min((fn(*args) for _ in range(max(n, 1))), key=lambda r: r[2])


def _warm_up() -> None:
    import pyarrow.parquet  # noqa: F401  (imported once, outside the timings)

    from gis import hexgrid

    hexgrid.latlon_to_cells(np.full(5000, CENTRE[0]), np.full(5000, CENTRE[1]), 9)


def check_identical(a, b) -> None:
    import pandas as pd

    means = [c for c in a.columns if c.startswith("mean_")]
    pd.testing.assert_frame_equal(a.drop(columns=means), b.drop(columns=means), check_exact=True)
    pd.testing.assert_frame_equal(a[means], b[means], check_exact=False, rtol=1e-12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000_000, help="rows to generate (default 50 M)")
    parser.add_argument("--data", type=Path, help="folder for the generated input (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated input")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (default 2)")
    parser.add_argument("--only", choices=("counts", "full"), help="run one of the two aggregations")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per engine and aggregation; the fastest counts (default 1)")
    args = parser.parse_args()

    from distributed import Client

    from gis.aggregate.dask_engine import local_cluster

    _warm_up()

    tmp = None
    if args.data is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench_aggregate_"))
        folder = tmp / "pings"
    else:
        folder = args.data
    try:
        existing = sorted(folder.glob("part-*.parquet")) if folder.exists() else []
        import pyarrow.parquet as pq

        have = sum(pq.ParquetFile(p).metadata.num_rows for p in existing)
        if have != args.rows:
            shutil.rmtree(folder, ignore_errors=True)
            start = time.perf_counter()
            files = generate(folder, args.rows)
            print(f"generated {args.rows:,} rows in {len(files)} Parquet files "
                  f"({sum(f.stat().st_size for f in files) / MB:,.0f} MB) in {time.perf_counter() - start:.0f} s")
        else:
            print(f"reusing {have:,} rows in {len(existing)} files under {folder}")
        print(f"machine: {os.cpu_count()} cores (shared with other work while measuring)")

        start = time.perf_counter()
        cluster = local_cluster(args.workers)  # the cluster `--engine dask` starts
        with Client(cluster) as client:
            client.run(_warm_up)  # imports and H3 tables loaded, as on a long-lived cluster
            worker_pids = list(client.run(os.getpid).values())
        startup = time.perf_counter() - start
        print(f"Dask LocalCluster ({args.workers} worker processes × 1 thread) started in {startup:.1f} s\n")

        out_dir = Path(tempfile.mkdtemp(prefix="bench_aggregate_out_"))
        rows = []
        try:
            for name in ("counts", "full"):
                if args.only and name != args.only:
                    continue
                spec = spec_for(folder, full=name == "full")
                a, sa, ta, ma, _, ca = best_of(args.repeat, run_local, spec, out_dir / f"{name}_local.parquet")
                b, sb, tb, mb, wb, cb = best_of(args.repeat, run_dask, spec, out_dir / f"{name}_dask.parquet",
                                                cluster.scheduler_address, worker_pids)
                check_identical(a, b)
                rows.append((name, "local", sa, ta, ma, None, 1.0, ca))
                rows.append((name, f"dask ×{args.workers}", sb, tb, mb, wb, ta / tb, cb))
        finally:
            cluster.close()
            shutil.rmtree(out_dir, ignore_errors=True)

        print(f"{'aggregation':<12}{'engine':<10}{'rows':>13}{'cells':>10}{'seconds':>9}{'rows/s':>13}"
              f"{'× local':>9}{'CPU s':>8}{'rows/CPU s':>12}{'peak MB':>10}{'workers MB':>12}")
        for name, engine, stats, seconds, mem, workers, ratio, cpu in rows:
            print(f"{name:<12}{engine:<10}{stats.rows_read:>13,}{stats.cells:>10,}{seconds:>9.1f}"
                  f"{stats.rows_read / seconds:>13,.0f}{ratio:>9.2f}{cpu:>8.1f}{stats.rows_read / cpu:>12,.0f}"
                  f"{mem / MB:>10,.0f}{'' if workers is None else f'{workers / MB:,.0f}':>12}")
        print("\npeak MB: local = this process; dask = workers + this process (client and scheduler).")
        print("CPU s: user + system seconds of those processes during the run (what a core costs per row).")
        print("layers identical between the engines: yes")
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif args.keep or args.data is not None:
            print(f"input kept in {folder}")


if __name__ == "__main__":
    main()

"""Field-routing benchmarks through the real path: users' files → intake → plan_field.

Each benchmark instance is written as a user would bring it (an outlets CSV, a reps CSV, a
travel-matrix CSV and a run configuration), read back with ``gis.intake.read_table`` and planned
with ``gis.routing.plan_field``. When an executable ``storeplan`` whose ``run`` writes
``rep_summary.csv`` is available, the same files also go through ``storeplan run``.

* TSPLIB (eil51, berlin52, kroA100): every city but the first an outlet, the one rep's home at
  the first city, TSPLIB's rounded Euclidean distances as seconds, one day, no shift limit.
  Target: within 0.1 % of the optimum with 1 s of search.
* Solomon (C101, R101): customers as outlets (ready → open, due + service → close, service,
  demand), 25 reps at the depot with the instance's capacity, shift 0 → depot due time; one time
  unit = 10 s and seconds = 10 × the distance truncated to one decimal, so the optimum in seconds
  is 10 × the published one. Target: within 1 % with 10 s of search.
* A synthetic 150-stop rep-day with binding opening hours: cost after short searches against a
  long run, and without opening hours against the TSP path.
* The sample city's full plan (12 reps × 20 working days) when ``sample_data/`` has its files;
  without tiers, a stand-in: sales quartile → A weekly / B biweekly / C monthly / D none.
  Target: ≤ 120 s.

Usage: ``python bench/bench_routing.py [--quick] [--data DIR] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gis.routing import RoutingParams, plan_field, solve_routes  # noqa: E402
from gis.routing.solver import NO_LIMIT, Vehicle  # noqa: E402

TSPLIB = {"eil51": 426, "berlin52": 7542, "kroA100": 21282}
SOLOMON = {"C101": 827.3, "R101": 1637.7}
NO_SHIFT_LIMIT_MIN = 60 * 24 * 30   # "no time limit": thirty days in minutes


# ---------------------------------------------------------------------- reading the sources
def read_tsplib(path: Path) -> np.ndarray:
    xy, on = [], False
    for line in path.read_text().splitlines():
        if line.startswith("NODE_COORD_SECTION"):
            on = True
            continue
        if line.strip() in ("EOF", "") and on:
            break
        if on:
            _, x, y = line.split()
            xy.append((float(x), float(y)))
    return np.array(xy)


def read_solomon(path: Path):
    lines = path.read_text().splitlines()
    vehicles, capacity = None, None
    rows = []
    for k, line in enumerate(lines):
        if line.strip().startswith("NUMBER"):
            vehicles, capacity = (int(x) for x in lines[k + 1].split())
        parts = line.split()
        if len(parts) == 7 and parts[0].isdigit():
            rows.append([float(x) for x in parts])
    return vehicles, capacity, np.array(rows)


def to_lonlat(xy: np.ndarray):
    """Planar benchmark coordinates into a small box near Shanghai (only drawn, never used for
    travel: the matrix holds every pair)."""
    span = max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1.0)
    return 121.2 + (xy[:, 0] - xy[:, 0].min()) / span * 0.4, 31.0 + (xy[:, 1] - xy[:, 1].min()) / span * 0.4


def matrix_rows(ids, seconds: np.ndarray) -> pd.DataFrame:
    a, b = np.meshgrid(np.arange(len(ids)), np.arange(len(ids)), indexing="ij")
    off = a != b
    ids = np.asarray(ids, dtype=object)
    return pd.DataFrame({"from_id": ids[a[off]], "to_id": ids[b[off]],
                         "seconds": seconds[a[off], b[off]]})


# ---------------------------------------------------------------------- writing user files
def write_case(folder: Path, outlets: pd.DataFrame, reps: pd.DataFrame, matrix: pd.DataFrame,
               routing: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    outlets.to_csv(folder / "outlets.csv", index=False)
    reps.to_csv(folder / "reps.csv", index=False)
    matrix.to_csv(folder / "travel_matrix.csv", index=False)
    lines = ["[inputs]", 'outlets = "outlets.csv"', 'reps = "reps.csv"',
             'travel_matrix = "travel_matrix.csv"', "", "[routing]"]
    lines += [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in routing.items()]
    (folder / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "config.toml"


def tsplib_case(name: str, data: Path, folder: Path, time_limit: float) -> Path:
    xy = read_tsplib(data / "tsplib" / f"{name}.tsp")
    d = np.floor(np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) + 0.5)
    lon, lat = to_lonlat(xy)
    n = len(xy)
    ids = ["R1"] + [f"C{k + 1}" for k in range(1, n)]
    outlets = pd.DataFrame({"outlet_id": ids[1:], "name": ids[1:], "lat": lat[1:], "lon": lon[1:],
                            "open_time": 0, "close_time": NO_SHIFT_LIMIT_MIN, "service_min": 0,
                            "visits": 1})
    reps = pd.DataFrame({"rep_id": ["R1"], "name": ["rep"], "lat": [lat[0]], "lon": [lon[0]],
                         "shift_start": [0], "shift_end": [NO_SHIFT_LIMIT_MIN]})
    return write_case(folder, outlets, reps, matrix_rows(ids, d),
                      {"days": 1, "time_limit_s": time_limit, "start_date": "2026-03-02"})


def solomon_case(name: str, data: Path, folder: Path, time_limit: float) -> Path:
    n_veh, cap, a = read_solomon(data / "solomon" / f"{name}.txt")
    xy = a[:, 1:3]
    d = np.floor(np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) * 10 + 1e-9)  # 10 × trunc1
    lon, lat = to_lonlat(xy)
    unit_min = 10 / 60                                   # one time unit = 10 s
    cust = np.arange(1, len(a))
    reps_ids = [f"V{k + 1:02d}" for k in range(n_veh)]
    outlets = pd.DataFrame({
        "outlet_id": [f"C{int(a[k, 0])}" for k in cust], "name": [f"C{int(a[k, 0])}" for k in cust],
        "lat": lat[cust], "lon": lon[cust],
        "open_time": a[cust, 4] * unit_min, "close_time": (a[cust, 5] + a[cust, 6]) * unit_min,
        "service_min": a[cust, 6] * unit_min, "demand": a[cust, 3], "visits": 1})
    reps = pd.DataFrame({"rep_id": reps_ids, "name": reps_ids, "lat": lat[0], "lon": lon[0],
                         "shift_start": 0.0, "shift_end": a[0, 5] * unit_min, "capacity": cap})
    # every rep sits at the depot: matrix rows for each rep id
    ids = ["DEPOT"] + list(outlets["outlet_id"])
    m = matrix_rows(ids, d)
    depot_rows = m[(m["from_id"] == "DEPOT") | (m["to_id"] == "DEPOT")]
    parts = [m[(m["from_id"] != "DEPOT") & (m["to_id"] != "DEPOT")]]
    for rid in reps_ids:
        parts.append(depot_rows.replace({"from_id": {"DEPOT": rid}, "to_id": {"DEPOT": rid}}))
    return write_case(folder, outlets, reps, pd.concat(parts, ignore_index=True),
                      {"days": 1, "time_limit_s": time_limit, "start_date": "2026-03-02"})


# ---------------------------------------------------------------------- the real path
def read_inputs(config: Path):
    """Tables of a case through the intake (``gis.intake.read_table``)."""
    import tomllib

    cfg = tomllib.loads(config.read_text(encoding="utf-8"))
    folder = config.parent
    try:
        from gis.intake import read_table
    except ImportError:  # FALLBACK while the intake is not there: plain pandas, same columns
        read_table = None
    tables = {}
    for key, kind in (("outlets", "outlets"), ("reps", "reps"), ("travel_matrix", "matrix")):
        path = folder / cfg["inputs"][key]
        if read_table is not None:
            res = read_table(path, kind)
            if not res.usable:
                raise SystemExit(f"{path}: not usable\n{res.report.to_text()}")
            tables[key] = res.table
        else:
            tables[key] = pd.read_csv(path, dtype={"outlet_id": str, "rep_id": str,
                                                   "from_id": str, "to_id": str})
    params = RoutingParams.from_dict(cfg.get("routing", {}))
    return tables["outlets"], tables["reps"], tables["travel_matrix"], params


def visits_of(outlets: pd.DataFrame) -> pd.Series:
    return pd.Series(outlets["visits"].to_numpy(float), index=outlets["outlet_id"].astype(str))


def run_direct(config: Path):
    outlets, reps, matrix, params = read_inputs(config)
    t = time.perf_counter()
    plan = plan_field(outlets, reps, visits_of(outlets), matrix, params)
    return plan, time.perf_counter() - t


def storeplan_cli() -> Path | None:
    exe = ROOT / ".venv" / "bin" / "storeplan"
    return exe if exe.exists() and os.access(exe, os.X_OK) else None


def run_cli(config: Path, outdir: Path):
    """Cost in seconds from ``storeplan run`` (None when routing is not wired into it yet)."""
    exe = storeplan_cli()
    if exe is None:
        return None
    t = time.perf_counter()
    proc = subprocess.run([str(exe), "run", str(config), "--out", str(outdir)],
                          capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - t
    summary = next(outdir.rglob("rep_summary.csv"), None) if outdir.exists() else None
    if proc.returncode != 0 or summary is None:
        return None
    return int(pd.read_csv(summary)["travel_s"].sum()), elapsed


def report(label: str, cost: float, optimum: float, seconds: float, target_gap: float,
           target_s: float, extra: str = "") -> bool:
    gap = (cost / optimum - 1) * 100
    ok = gap <= target_gap + 1e-9
    print(f"  {label:<10} cost {cost:>10.0f}  optimum {optimum:>10.0f}  gap {gap:6.3f} %  "
          f"time {seconds:6.2f} s  {'OK' if ok else 'MISS'} (≤ {target_gap} %, search {target_s} s)"
          f"{extra}")
    return ok


# ---------------------------------------------------------------------- benchmarks
def bench_files(data: Path, work: Path) -> None:
    print("TSPLIB (1 rep, 1 day, rounded Euclidean distances as seconds; search 1 s)")
    for name, opt in TSPLIB.items():
        cfg = tsplib_case(name, data, work / name, 1.0)
        plan, secs = run_direct(cfg)
        k = plan.kpis()
        assert k.unscheduled_visits == 0 and k.violations == 0
        report(name, k.travel_s, opt, secs, 0.1, 1.0)
        cli = run_cli(cfg, work / name / "out")
        if cli is not None:
            report(name + " cli", cli[0], opt, cli[1], 0.1, 1.0, "  (storeplan run, whole process)")
    print("Solomon VRPTW (25 reps at the depot; 10 s units; search 10 s)")
    for name, opt in SOLOMON.items():
        cfg = solomon_case(name, data, work / name, 10.0)
        plan, secs = run_direct(cfg)
        k = plan.kpis()
        assert k.violations == 0
        extra = f"  routes {k.routes}"
        if k.unscheduled_visits:
            extra += f"  UNSCHEDULED {k.unscheduled_visits}"
        report(name, k.travel_s, opt * 10, secs, 1.0, 10.0, extra)
        cli = run_cli(cfg, work / name / "out")
        if cli is not None:
            report(name + " cli", cli[0], opt * 10, cli[1], 1.0, 10.0, "  (storeplan run)")
    if storeplan_cli() is None:
        print("  (no storeplan executable: the direct path only)")


def feasible_tw_day(n: int, seed: int, width: int = 3600):
    """Random stops with opening windows of ±``width`` s around a nearest-neighbour schedule:
    feasible, binding, and leaving room for a better order."""
    rng = np.random.default_rng(seed)
    pts = rng.random((n + 1, 2)) * 8000                       # metres in an 8 km square
    d = np.rint(np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1)) * 1.3 / (15 / 3.6)).astype(int)
    w = np.zeros((n + 1, 2), np.int64)
    w[:, 1] = NO_LIMIT
    t, prev = 8 * 3600, 0
    left = list(range(1, n + 1))
    order = []
    while left:
        prev_ = order[-1] if order else 0
        order.append(left.pop(int(np.argmin(d[prev_, left]))))
    for c in order:
        t += d[prev, c]
        w[c] = [max(0, t - width), t + width]
        t += 300
        prev = c
    return d, w, np.full(n + 1, 300)


def bench_150(quick: bool) -> None:
    print("Synthetic rep-day, 150 stops, e-bike in an 8 km square, 5-minute visits")
    from gis.routing.schedule import BreakSpec

    lunch = BreakSpec(11 * 3600 + 1800, 13 * 3600 + 1800, 45 * 60)
    for label, width, brk in (("±60 min windows", 3600, None), ("no windows", None, None),
                              ("windows + lunch", 3600, lunch)):
        v = Vehicle(0, shift_start=8 * 3600, shift_end=NO_LIMIT, brk=brk)
        d, w, svc = feasible_tw_day(150, 11, width or 3600)
        if brk is not None:   # the break shifts the day: widen the afternoon windows by it
            w[w[:, 0] > brk.start, 1] += brk.duration
        if width is None:
            w[:, 0], w[:, 1] = 0, NO_LIMIT
        long_s = 10.0 if quick else 30.0
        ref = solve_routes(d, d, w, svc, vehicles=[v], time_limit_s=long_s, allow_drop=False)
        base = ref.travel_s
        assert ref.violations == 0 and not ref.unassigned
        line = f"  {label:<16} long run ({long_s:.0f} s, {ref.method}) {base} s;"
        for tl in (0.25, 0.5, 1.0, 2.0):
            t = time.perf_counter()
            r = solve_routes(d, d, w, svc, vehicles=[v], time_limit_s=tl, allow_drop=False)
            el = time.perf_counter() - t
            if r.violations or r.unassigned:
                line += f"  {tl:g} s → no feasible route yet ({el:.2f} s)"
            else:
                line += f"  {tl:g} s → {(r.travel_s / base - 1) * 100:+.2f} % ({el:.2f} s, {r.method})"
        print(line)


def sample_city_tables():
    """Outlets and reps of sample_data/ through the intake with the demo's column mapping."""
    import tomllib

    from gis.intake import read_table

    folder = ROOT / "sample_data"
    cfg = tomllib.loads((folder / "demo.toml").read_text(encoding="utf-8"))
    crs = cfg["inputs"].get("crs")
    cols = cfg.get("columns", {})
    outlets = read_table(folder / cfg["inputs"]["outlets"], "outlets", crs=crs,
                         columns=cols.get("outlets")).table
    reps = read_table(folder / cfg["inputs"]["reps"], "reps", crs=crs,
                      columns=cols.get("reps")).table
    return outlets, reps


def stand_in_visits(outlets: pd.DataFrame) -> pd.Series:
    """Visits in 20 working days by a stand-in tier: covered outlets' sales quartile."""
    cov = outlets[outlets["covered"].astype(bool)]
    q = cov["sales"].rank(pct=True).fillna(0)
    v = np.select([q > 0.75, q > 0.5, q > 0.25], [4.0, 2.0, 1.0], 0.0)
    out = pd.Series(v, index=cov["outlet_id"].astype(str))
    if "visits" in cov.columns:                       # the outlet's own visits column wins
        own = pd.to_numeric(cov["visits"], errors="coerce").to_numpy(float)
        out = out.where(~np.isfinite(own), own)
    return out


def bench_sample_city(work: Path, time_limit: float) -> None:
    if not (ROOT / "sample_data" / "outlets.csv").exists():
        print("Sample city: sample_data/outlets.csv not found, skipped")
        return
    from gis.routing import write_route_outputs

    outlets, reps = sample_city_tables()
    visits = stand_in_visits(outlets)
    print(f"Sample city: {len(outlets)} outlets, {int((visits > 0).sum())} to visit "
          f"({int(visits.sum())} visits), {len(reps)} reps, 20 working days, "
          f"time_limit_s={time_limit:g}")
    t = time.perf_counter()
    plan = plan_field(outlets, reps, visits, None, RoutingParams(time_limit_s=time_limit,
                                                                 start_date="2026-03-02"))
    el = time.perf_counter() - t
    k = plan.kpis()
    print(f"  plan {el:.1f} s ({'OK' if el <= 120 else 'MISS'} ≤ 120 s): {k.visits} visits, "
          f"{k.unscheduled_visits} unscheduled, travel {k.travel_s / 3600:.1f} h "
          f"({k.travel_s / max(k.visits, 1) / 60:.1f} min per visit), {k.travel_m / 1000:.0f} km, "
          f"window violations {k.window_violations}, workload max/min {k.workload_balance:.2f}, "
          f"territory balance {plan.territory.balance:.2f}")
    t = time.perf_counter()
    files = write_route_outputs(plan, work / "sample_out", outlets, reps)
    print(f"  outputs: {len(files)} files in {time.perf_counter() - t:.1f} s")
    reasons = plan.unscheduled_table().groupby("reason")["visits_missing"].sum()
    for reason, n in reasons.sort_values(ascending=False).head(4).items():
        print(f"    unscheduled {n:>5}: {reason[:110]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "routing",
                    help="folder with tsplib/ and solomon/")
    ap.add_argument("--keep", type=Path, help="write the benchmark files here and keep them")
    ap.add_argument("--quick", action="store_true", help="shorter reference runs")
    ap.add_argument("--only", choices=["files", "150", "city"], help="run one group")
    ap.add_argument("--city-time", type=float, default=100.0, help="time_limit_s of the city plan")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_routing_"))
    try:
        if args.only in (None, "files"):
            if args.data.exists():
                bench_files(args.data, work)
            else:
                print(f"benchmark data not found at {args.data}; pass --data")
        if args.only in (None, "150"):
            bench_150(args.quick)
        if args.only in (None, "city"):
            bench_sample_city(work, args.city_time)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    import resource

    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

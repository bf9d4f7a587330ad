"""Outlet scoring benchmark: 100,000 outlets on a synthetic city, features + potential model.

Target: catchment features and the cross-validated potential model for 100,000 outlets in under
30 s. Also timed: the whole pipeline as run by default (channels, score, tiers, rank stability,
explanations), and a baseline in the same run — the same features and model with the
linear model only (no gradient boosting, no model choice).

    python bench/bench_scoring.py [--outlets N] [--quick]

The city: every res-9 cell within ~13 km of a centre (5,677 cells), population, workers,
visitors, consumption index and POI counts from smooth hubs plus noise; outlets placed in
proportion to people, 60 % covered, sales = a hidden log-linear potential × lognormal noise.
Printed: timings per stage, throughput, peak memory, and the held-out figures of the model.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from gis import hexgrid
from gis.gridlayer import make_layer
from gis.scoring import ModelParams, ScoringParams, score_outlets
from gis.scoring.features import build_features
from gis.scoring.potential import fit_potential

CHANNELS = np.array(["hypermarket", "supermarket", "convenience", "traditional", "catering", "other"])
BASE = np.array([100_000.0, 30_000.0, 10_000.0, 4_000.0, 5_000.0, 3_000.0])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Timer:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t
        print(f"  {self.label:<60s} {self.seconds:7.2f} s")


def make_city(n_outlets: int, radius_km: float = 15.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    centre = hexgrid.latlon_to_cells(np.array([31.23]), np.array([121.47]), 9)
    k = int(radius_km * 1000 / (np.sqrt(3) * hexgrid.edge_length_m(9)))
    _, cells, _ = hexgrid.grid_disk(centre, k)
    cells = np.unique(cells)
    lat, lon = hexgrid.cells_to_latlon(cells)
    x = (lon - 121.47) * 95.3
    y = (lat - 31.23) * 110.6
    hubs = rng.uniform(-radius_km * 0.7, radius_km * 0.7, (30, 2))
    cbd = sum(np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / rng.uniform(0.5, 3.0)) for hx, hy in hubs[:8])
    home = sum(np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / rng.uniform(2.0, 8.0)) for hx, hy in hubs[8:])
    n = len(cells)
    layer = pd.DataFrame({
        "residents": rng.poisson(200 + 2500 * home).astype(float),
        "workers": rng.poisson(100 + 5000 * cbd).astype(float),
        "visitors": rng.poisson(100 + 2000 * cbd + 300 * home).astype(float),
        "consumption_index": 80 + 40 * np.tanh(cbd) + 10 * np.tanh(home) + rng.normal(0, 5, n),
        **{f"poi_{p}": rng.poisson(0.2 + a * cbd + b * home).astype(float)
           for p, a, b in (("food", 6, 2), ("retail", 3, 3), ("office", 8, 0.2), ("school", 0.2, 1.0),
                           ("transit", 1.5, 0.3), ("tourism", 0.5, 0.1), ("hotel", 1.0, 0.1),
                           ("competitor", 1.5, 0.8))},
    }, index=pd.Index(cells, name="cell"))
    layer = make_layer(layer, 9, ["consumption_index"])
    people = (layer["residents"] + layer["workers"] + layer["visitors"]).to_numpy()
    rows = rng.choice(n, size=n_outlets, p=people / people.sum())
    o_lat = lat[rows] + rng.normal(0, 0.0007, n_outlets)
    o_lon = lon[rows] + rng.normal(0, 0.0008, n_outlets)
    ch = rng.choice(len(CHANNELS), size=n_outlets, p=[0.03, 0.12, 0.3, 0.3, 0.17, 0.08])
    L = layer.to_numpy()[rows]
    cols = list(layer.columns)
    log_pot = (np.log(BASE[ch]) + 0.3 * np.log1p(L[:, cols.index("residents")] / 300)
               + 0.3 * np.log1p(L[:, cols.index("workers")] / 300)
               + 0.8 * np.log(L[:, cols.index("consumption_index")] / 100)
               - 0.2 * np.log1p(L[:, cols.index("poi_competitor")]))
    covered = rng.random(n_outlets) < 0.6
    sales = np.where(covered, np.exp(log_pot + rng.normal(0, 0.35, n_outlets)), np.nan)
    outlets = pd.DataFrame({
        "outlet_id": [f"B{i:07d}" for i in range(n_outlets)], "name": "",
        "lat": o_lat, "lon": o_lon, "channel": pd.array(CHANNELS[ch], dtype="string"),
        "covered": covered, "sales": sales,
        "district": pd.array(np.where(o_lat > 31.23, "N", "S").astype(object)
                             + np.where(o_lon > 121.47, "E", "W").astype(object), dtype="string"),
    })
    return layer, outlets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outlets", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="10,000 outlets")
    args = ap.parse_args()
    n = 10_000 if args.quick else args.outlets
    import sklearn  # noqa: F401  (import time is not scoring time)

    print(f"Outlet scoring benchmark: {n:,} outlets")
    with Timer("synthetic city"):
        layer, outlets = make_city(n)
    print(f"  grid layer: {len(layer):,} cells; covered outlets with sales: {int(outlets['covered'].sum()):,}")
    params = ScoringParams()

    print("Target: features + model")
    with Timer("catchment features (500 m, linear decay)") as t_feat:
        fs = build_features(outlets, layer, params)
    with Timer("potential model: 5-fold CV of hgb and linear, full fit") as t_model:
        pot = fit_potential(fs.frame, fs.numeric, outlets["channel"], outlets["sales"], outlets["covered"],
                            params.model)
    total = t_feat.seconds + t_model.seconds
    print(f"  => features + model: {total:.2f} s ({n / total:,.0f} outlets/s); target < 30 s: "
          f"{'met' if total < 30 else 'NOT met'}")
    ho = pot.report["held_out"]
    print(f"  model: {pot.report['kind']}, n_train {pot.report['n_train']:,}, held-out RMSE(log) "
          f"{ho['rmse_log']:.3f}, R²(log) {ho['r2_log']:.3f}, MAPE {ho['mape']:.1%}, Spearman {ho['spearman']:.3f}")

    print("Baseline in the same run: linear model only")
    with Timer("potential model: linear only") as t_lin:
        fit_potential(fs.frame, fs.numeric, outlets["channel"], outlets["sales"], outlets["covered"],
                      ModelParams(kind="linear"))
    print(f"  => auto model choice costs {t_model.seconds / max(t_lin.seconds, 1e-9):.1f}× the linear-only fit")

    print("Whole pipeline as run by default")
    with Timer("score_outlets (features, channels, model, score, tiers, stability, reasons)") as t_all:
        result = score_outlets(outlets, layer, params=params)
    print(f"  => {n / t_all.seconds:,.0f} outlets/s; tiers {result.table['tier'].value_counts().to_dict()}; "
          f"tied {result.table['tied'].mean():.1%}")
    print(f"peak memory: {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()

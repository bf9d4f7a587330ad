"""Tiny ping tables for the aggregation tests, with the H3 cells they fall in known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis import hexgrid

RES = 9
# Three res-9 cells in Shanghai, from the centres of which the pings are placed.
_SEEDS = [(31.2304, 121.4737), (31.2400, 121.5000), (31.1900, 121.4300)]
CELLS = hexgrid.latlon_to_cells([s[0] for s in _SEEDS], [s[1] for s in _SEEDS], RES)
CENTRES = hexgrid.cells_to_latlon(CELLS)  # (lat array, lon array)


def at(cell_no: int, n: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """n points at the centre of CELLS[cell_no]."""
    lat, lon = CENTRES
    return np.full(n, lat[cell_no]), np.full(n, lon[cell_no])


def pings(rows: list[tuple[int, str, str, float]]) -> pd.DataFrame:
    """Rows (cell number, device id, local timestamp text, dwell) as a ping table."""
    lat = [CENTRES[0][r[0]] for r in rows]
    lon = [CENTRES[1][r[0]] for r in rows]
    return pd.DataFrame({
        "lat": np.asarray(lat, dtype=float), "lon": np.asarray(lon, dtype=float),
        "device": [r[1] for r in rows],
        "ts": pd.to_datetime([r[2] for r in rows]).astype("datetime64[us]"),
        "dwell": np.asarray([r[3] for r in rows], dtype=float),
    })


def random_pings(n: int, seed: int, n_devices: int = 300) -> pd.DataFrame:
    """n pings scattered over about a hundred cells around the seeds, over January 2026."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, len(_SEEDS), n)
    lat = np.array([s[0] for s in _SEEDS])[base] + rng.normal(0, 0.004, n)
    lon = np.array([s[1] for s in _SEEDS])[base] + rng.normal(0, 0.004, n)
    seconds = rng.integers(0, 31 * 86400, n)
    dwell = rng.exponential(12.0, n)
    dwell[rng.random(n) < 0.05] = np.nan  # some missing values
    return pd.DataFrame({
        "lat": lat, "lon": lon,
        "device": [f"dev{d:04d}" for d in rng.integers(0, n_devices, n)],
        "ts": (np.datetime64("2026-01-01T00:00:00", "us") + seconds.astype("timedelta64[s]")),
        "dwell": dwell,
    })

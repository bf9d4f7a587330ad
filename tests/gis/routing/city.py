"""A small seeded city for field-planning tests: outlets, reps and visit counts."""

from __future__ import annotations

import numpy as np
import pandas as pd


def small_city(n=36, reps=3, seed=3, breaks=True):
    rng = np.random.default_rng(seed)
    lat = 31.20 + rng.random(n) * 0.08
    lon = 121.40 + rng.random(n) * 0.10
    open_t = rng.choice([7 * 60, 8 * 60, 9 * 60, 10 * 60], n).astype(float)
    close_t = open_t + rng.choice([8 * 60, 10 * 60, 12 * 60], n)
    outlets = pd.DataFrame({
        "outlet_id": [f"O{k:03d}" for k in range(n)],
        "name": [f"店{k}" for k in range(n)],
        "lat": lat, "lon": lon,
        "open_time": open_t, "close_time": close_t,
        "service_min": rng.choice([10.0, 15.0, 20.0], n),
        "demand": rng.integers(1, 5, n).astype(float),
        "address": [f"路{k}号, 上海" for k in range(n)],
    })
    outlets.loc[0, ["open_time", "close_time"]] = np.nan          # default opening hours
    home_lat = 31.24 + rng.random(reps) * 0.02
    home_lon = 121.44 + rng.random(reps) * 0.02
    rep_tab = pd.DataFrame({
        "rep_id": [f"R{k}" for k in range(reps)],
        "name": [f"业务员{k}" for k in range(reps)],
        "lat": home_lat, "lon": home_lon,
        "shift_start": 8.5 * 60, "shift_end": 17.5 * 60,
    })
    if breaks:
        rep_tab["break_start"] = 11.5 * 60
        rep_tab["break_end"] = 13.5 * 60
        rep_tab["break_min"] = 45.0
    # weekly (2 in 10 days), biweekly (1), twice a week (4)
    visits = pd.Series(rng.choice([1, 2, 2, 4], n), index=outlets["outlet_id"], dtype=float)
    return outlets, rep_tab, visits

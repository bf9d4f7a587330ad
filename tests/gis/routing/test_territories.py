"""Territories: balanced, compact, near home, respecting locks and capacity."""

from __future__ import annotations

import numpy as np

from gis.routing.territories import assign_territories, describe, nearest_home


def instance(seed=7, n=300):
    rng = np.random.default_rng(seed)
    # outlets denser in the east, reps' homes spread evenly: nearest-home is unbalanced
    lat = 31.0 + rng.random(n) * 0.3
    lon = 121.2 + rng.beta(2.0, 1.0, n) * 0.5
    work = rng.uniform(30, 120, n)
    hlat = np.array([31.05, 31.25, 31.05, 31.25])
    hlon = np.array([121.25, 121.25, 121.6, 121.6])
    return lat, lon, work, hlat, hlon


def test_balance_beats_nearest_home():
    lat, lon, work, hlat, hlon = instance()
    cap = np.full(4, work.sum())                     # no capacity limit
    naive = describe(nearest_home(lat, lon, hlat, hlon), lat, lon, work, cap)
    res = assign_territories(lat, lon, work, hlat, hlon, cap, tolerance=0.05)
    assert (res.assignment >= 0).all()
    assert naive.balance > 1.3
    assert res.balance < 1.12 < naive.balance
    # still compact: every rep's outlets lie closer to their own centre than the city spread
    assert res.mean_compactness_km < 10


def test_locked_outlets_keep_their_rep_and_changes_are_counted():
    lat, lon, work, hlat, hlon = instance(n=120)
    locked = np.full(120, -1)
    locked[:10] = 3
    current = nearest_home(lat, lon, hlat, hlon)
    res = assign_territories(lat, lon, work, hlat, hlon, np.full(4, 1e9), locked=locked,
                             current=current)
    assert (res.assignment[:10] == 3).all()
    assert res.changed == int((res.assignment != current).sum())


def test_capacity_leaves_outlets_unassigned_with_a_reason():
    lat, lon, work, hlat, hlon = instance(n=80)
    cap = np.full(4, work.sum() / 8)                 # room for about half the work
    res = assign_territories(lat, lon, work, hlat, hlon, cap)
    assert (res.workload_min <= cap + 1e-6).all()
    assert (res.assignment < 0).any()
    assert "working time" in res.unassigned_reason

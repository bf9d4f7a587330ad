"""Small hand-made markets on a local plane: positions in metres, converted to degrees."""

from __future__ import annotations

import numpy as np
import pytest

from gis.siting import huff

PLANE = huff.LocalPlane(31.2, 121.5)
_K = np.pi / 180.0 * huff.EARTH_RADIUS_M


def latlon(xy) -> tuple[np.ndarray, np.ndarray]:
    """Degrees of points given in metres east/north of the test plane's centre."""
    xy = np.atleast_2d(np.asarray(xy, dtype=float))
    lat = PLANE.lat0 + xy[:, 1] / _K
    lon = PLANE.lon0 + xy[:, 0] / (_K * np.cos(np.radians(PLANE.lat0)))
    return lat, lon


def random_instance(seed: int, n_cells=300, n_own=4, n_comp=6, n_cand=30, side=6000.0, cutoff=2500.0):
    """A seeded random market and candidate set (used by the greedy-vs-exact checks)."""
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0, side, (n_cells, 2))
    spend = rng.gamma(2.0, 50.0, n_cells)
    stores = rng.uniform(0, side, (n_own + n_comp, 2))
    attractiveness = rng.uniform(0.5, 3.0, n_own + n_comp)
    own = np.arange(n_own + n_comp) < n_own
    market = huff.build_market(*latlon(cells), spend, *latlon(stores), attractiveness, own,
                               beta=-2.0, cutoff_m=cutoff, distance_floor_m=100.0, plane=PLANE)
    candidates = huff.build_candidates(market, *latlon(rng.uniform(0, side, (n_cand, 2))), 1.0)
    return market, candidates


@pytest.fixture
def line_market():
    """3 demand points on a line × 2 stores (see test_huff for the hand computation)."""
    cells = [(200, 0), (500, 0), (800, 0)]
    stores = [(0, 0), (1000, 0)]
    return huff.build_market(*latlon(cells), [100.0, 200.0, 300.0], *latlon(stores), [1.0, 2.0],
                             [True, False], beta=-2.0, cutoff_m=5000.0, distance_floor_m=100.0, plane=PLANE)

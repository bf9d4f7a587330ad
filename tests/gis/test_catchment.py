"""Catchment sums on synthetic layers whose answers can be counted by hand."""

from __future__ import annotations

import math

import h3
import numpy as np
import pandas as pd
import pytest

from gis import catchment, gridlayer, hexgrid
from gis.errors import GridError

CENTRE = (31.2304, 121.4737)


@pytest.fixture(scope="module")
def ring_layer():
    """Cells within 4 rings of the centre cell: ``one`` = 1 everywhere, ``ring`` = ring number."""
    origin = int(h3.latlng_to_cell(*CENTRE, 9), 16)
    _, cells, dist = hexgrid.grid_disk([origin], 4)
    frame = pd.DataFrame({"one": np.ones(len(cells)), "ring": dist.astype(float)}, index=cells)
    return origin, gridlayer.make_layer(frame, 9, intensive=["ring"])


def centre_of(cell):
    lat, lon = hexgrid.cells_to_latlon([cell])
    return lat, lon


def test_k_ring_sums_with_each_decay(ring_layer):
    origin, layer = ring_layer
    lat, lon = centre_of(origin)
    plain = catchment.catchment_sums(lat, lon, layer, k=1)
    assert plain.loc[0, "one"] == 7.0  # the cell and its 6 neighbours
    assert catchment.catchment_sums(lat, lon, layer, k=2).loc[0, "one"] == 19.0
    # linear, default scale k + 1 = 2 rings: weights 1 and 1/2
    assert catchment.catchment_sums(lat, lon, layer, k=1, decay="linear").loc[0, "one"] == pytest.approx(4.0)
    expo = catchment.catchment_sums(lat, lon, layer, k=1, decay="exponential", decay_param=1.0)
    assert expo.loc[0, "one"] == pytest.approx(1 + 6 * math.exp(-1))
    gauss = catchment.catchment_sums(lat, lon, layer, k=2, decay="gaussian", decay_param=1.0)
    assert gauss.loc[0, "one"] == pytest.approx(1 + 6 * math.exp(-0.5) + 12 * math.exp(-2))


def test_intensive_metric_is_a_weighted_mean_over_cells_with_data(ring_layer):
    origin, layer = ring_layer
    lat, lon = centre_of(origin)
    assert catchment.catchment_sums(lat, lon, layer, k=1).loc[0, "ring"] == pytest.approx(6 / 7)
    lin = catchment.catchment_sums(lat, lon, layer, k=1, decay="linear")
    assert lin.loc[0, "ring"] == pytest.approx((6 * 0.5 * 1) / (1 + 6 * 0.5))
    # the layer reaches 4 rings only: a 6-ring catchment averages over the 61 cells that exist
    wide = catchment.catchment_sums(lat, lon, layer, k=6)
    assert wide.loc[0, "one"] == 61.0
    assert wide.loc[0, "ring"] == pytest.approx((6 * 1 + 12 * 2 + 18 * 3 + 24 * 4) / 61)


def test_results_align_to_the_points(ring_layer):
    origin, layer = ring_layer
    _, cells, dist = hexgrid.grid_disk([origin], 3)
    lat, lon = hexgrid.cells_to_latlon(cells)
    order = np.random.default_rng(0).permutation(len(cells))
    idx = pd.Index([f"o{i}" for i in order])
    out = catchment.catchment_sums(pd.Series(lat[order], index=idx), lon[order], layer, k=1, columns=["one"])
    assert list(out.index) == list(idx) and list(out.columns) == ["one"]
    # a point in ring 3 of a 4-ring layer keeps all 7 cells; the centre too
    assert (out["one"] == 7.0).all()
    far = catchment.catchment_sums(np.array([31.5, np.nan]), np.array([121.9, 121.0]), layer, k=1)
    assert far.loc[0, "one"] == 0.0 and np.isnan(far.loc[0, "ring"]) and far.loc[1].isna().all()


def test_radius_counts_cells_whose_centres_are_within_reach(ring_layer):
    origin, layer = ring_layer
    lat, lon = centre_of(origin)
    _, ring1, _ = hexgrid.grid_disk([origin], 1)
    n_lat, n_lon = hexgrid.cells_to_latlon(ring1)
    neighbour_m = catchment.haversine_m(lat[0], lon[0], n_lat, n_lon).max()
    out = catchment.catchment_sums(lat, lon, layer, radius_m=1.1 * neighbour_m)
    assert out.loc[0, "one"] == 7.0
    linear = catchment.catchment_sums(lat, lon, layer, radius_m=1.1 * neighbour_m, decay="linear")
    d = catchment.haversine_m(lat[0], lon[0], n_lat, n_lon)
    assert linear.loc[0, "one"] == pytest.approx((1 - d / (1.1 * neighbour_m)).sum())


def test_radius_matches_brute_force_on_random_points():
    rng = np.random.default_rng(3)
    lat = rng.uniform(31.1, 31.3, 4000)
    lon = rng.uniform(121.3, 121.6, 4000)
    layer = gridlayer.bin_points(lat, lon, {"w": rng.uniform(0, 10, 4000)}, 9)
    c_lat, c_lon = hexgrid.cells_to_latlon(layer.index.to_numpy())
    q_lat, q_lon = lat[:50], lon[:50]
    for radius in (150.0, 800.0):
        got = catchment.catchment_sums(q_lat, q_lon, layer, radius_m=radius)["w"].to_numpy()
        d = catchment.haversine_m(q_lat[:, None], q_lon[:, None], c_lat[None, :], c_lon[None, :])
        want = ((d <= radius) * layer["w"].to_numpy()[None, :]).sum(axis=1)
        assert np.allclose(got, want)


def test_cell_neighbourhood_sums_equal_catchments_at_cell_centres():
    rng = np.random.default_rng(4)
    lat = rng.uniform(31.2, 31.25, 3000)
    lon = rng.uniform(121.45, 121.5, 3000)
    layer = gridlayer.bin_points(lat, lon, {"w": rng.uniform(0, 5, 3000)}, 9)
    hood = catchment.cell_neighbourhood_sums(layer, 2, decay="linear")
    assert hood.index.equals(layer.index) and hood.attrs["resolution"] == 9
    c_lat, c_lon = hexgrid.cells_to_latlon(layer.index.to_numpy())
    direct = catchment.catchment_sums(c_lat, c_lon, layer, k=2, decay="linear")
    assert np.allclose(hood["w"].to_numpy(), direct["w"].to_numpy())
    # with no decay each cell's value is counted once for every layer cell within one ring of it
    flat = catchment.cell_neighbourhood_sums(layer, 1)
    o_idx, nb, _ = hexgrid.grid_disk(layer.index.to_numpy(), 1)
    neighbours_in_layer = np.bincount(o_idx, weights=np.isin(nb, layer.index.to_numpy()))
    assert flat["count"].sum() == pytest.approx((layer["count"].to_numpy() * neighbours_in_layer).sum())


def test_arguments_are_checked(ring_layer):
    _, layer = ring_layer
    for kwargs in ({}, {"k": 1, "radius_m": 100}, {"k": -1}, {"k": 1.5}, {"radius_m": 0},
                   {"k": 1, "decay": "cubic"}, {"k": 1, "decay": "linear", "decay_param": 0},
                   {"k": 1, "columns": ["nope"]}):
        with pytest.raises(GridError):
            catchment.catchment_sums([31.23], [121.47], layer, **kwargs)

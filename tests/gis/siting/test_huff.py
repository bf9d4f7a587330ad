import numpy as np
import pytest

from gis.errors import AnalysisError
from gis.siting import huff

from .conftest import PLANE, latlon


def test_local_plane_distances_match_metres():
    lat, lon = latlon([(0, 0), (3000, 4000)])
    xy = PLANE.project(lat, lon)
    assert np.hypot(*(xy[1] - xy[0])) == pytest.approx(5000.0, rel=1e-9)


def test_local_plane_against_great_circle():
    # 10 km east-north-east in Shanghai: equirectangular vs haversine within 0.1 %
    lat = np.array([31.20, 31.25])
    lon = np.array([121.40, 121.49])
    xy = huff.LocalPlane.around(lat, lon).project(lat, lon)
    flat = np.hypot(*(xy[1] - xy[0]))
    p1, p2, dl = np.radians(lat[0]), np.radians(lat[1]), np.radians(lon[1] - lon[0])
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    great = 2 * huff.EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
    assert flat == pytest.approx(great, rel=1e-3)


def test_hand_computed_probabilities_and_sales(line_market):
    # store 1 at x=0 (A=1), store 2 at x=1000 (A=2); cells at 200, 500, 800 m; β = −2
    # cell 200: 1/200² vs 2/800² → P1 = 8/9;  cell 500: 1/500² vs 2/500² → P1 = 1/3;
    # cell 800: 1/800² vs 2/200² → P1 = 1/33
    cell, store, p = huff.probabilities(line_market)
    P = np.zeros((3, 2))
    P[cell, store] = p
    np.testing.assert_allclose(P[:, 0], [8 / 9, 1 / 3, 1 / 33])
    np.testing.assert_allclose(P[:, 1], [1 / 9, 2 / 3, 32 / 33])
    sales = huff.store_sales(line_market)
    np.testing.assert_allclose(sales, [100 * 8 / 9 + 200 / 3 + 300 / 33, 100 / 9 + 400 / 3 + 300 * 32 / 33])
    assert sales.sum() == pytest.approx(600.0)


def test_distance_floor_avoids_blow_up():
    # a store on the cell centre counts as 100 m away, not 0 m
    lat, lon = latlon([(0, 0)])
    slat, slon = latlon([(0, 0), (100, 0)])
    m = huff.build_market(lat, lon, [10.0], slat, slon, [1.0, 1.0], [True, False],
                          beta=-2.0, cutoff_m=1000.0, distance_floor_m=100.0, plane=PLANE)
    _, _, p = huff.probabilities(m)
    np.testing.assert_allclose(p, [0.5, 0.5])


def test_probabilities_sum_to_one_within_cutoff():
    rng = np.random.default_rng(4)
    cells = rng.uniform(0, 20_000, (2_000, 2))
    stores = rng.uniform(0, 20_000, (60, 2))
    m = huff.build_market(*latlon(cells), rng.uniform(1, 10, 2_000), *latlon(stores),
                          rng.uniform(0.5, 4, 60), rng.random(60) < 0.3,
                          beta=-1.5, cutoff_m=2_000.0, distance_floor_m=50.0, plane=PLANE)
    cell, store, p = huff.probabilities(m)
    # every pair is within the cut-off, and every pair within it is present
    d = np.hypot(*(m.cell_xy[cell] - m.store_xy[store]).T)
    assert d.max() <= 2_000.0
    full = np.hypot(m.cell_xy[:, None, 0] - m.store_xy[None, :, 0], m.cell_xy[:, None, 1] - m.store_xy[None, :, 1])
    assert len(p) == int((full <= 2_000.0).sum())
    sums = np.bincount(cell, weights=p, minlength=2_000)
    reached = (full <= 2_000.0).any(axis=1)
    np.testing.assert_allclose(sums[reached], 1.0)
    assert np.all(sums[~reached] == 0)
    # total sales = spend of the cells that some store reaches
    assert huff.store_sales(m).sum() == pytest.approx(m.spend[reached].sum())


def test_cannibalization_equals_drop_of_own_sales(line_market):
    # a new own site at x=500 (A=1), checked against rebuilding the market with it as a store
    cand = huff.build_candidates(line_market, *latlon([(500, 0)]), 1.0)
    effects = huff.candidate_effects(line_market, cand)
    rebuilt = huff.build_market(*latlon([(200, 0), (500, 0), (800, 0)]), [100.0, 200.0, 300.0],
                                *latlon([(0, 0), (1000, 0), (500, 0)]), [1.0, 2.0, 1.0], [True, False, True],
                                beta=-2.0, cutoff_m=5000.0, distance_floor_m=100.0, plane=PLANE)
    before = huff.store_sales(line_market)
    after = huff.store_sales(rebuilt)
    assert effects.expected_sales[0] == pytest.approx(after[2])
    assert effects.cannibalized_sales[0] == pytest.approx(before[0] - after[0])
    assert effects.net_sales[0] == pytest.approx(after[0] + after[2] - before[0])
    # cell 500 m by hand: the site 100 m away (floor) has weight 1e-4 against 4e-6 + 8e-6
    assert after[2] > 200 * 1e-4 / (1e-4 + 12e-6)
    plan = huff.network_sales(line_market, cand, [0])
    np.testing.assert_allclose(plan.store_after, after[:2])
    np.testing.assert_allclose(plan.cannibalized, before - after[:2])
    np.testing.assert_allclose(plan.site_sales, [after[2]])


def test_trade_area_is_cells_above_cutoff(line_market):
    cand = huff.build_candidates(line_market, *latlon([(500, 0)]), 1.0)
    k, i, p = huff.trade_areas(line_market, cand, [0], min_p=0.5)
    # P at the cells: 200 m → (1/300²)/(1/300² + 1/200² + 2/800²) ≈ 0.29, 500 m → 100/112, 800 m ≈ 0.18
    assert i.tolist() == [1]
    assert p[0] == pytest.approx(1e-4 / (1e-4 + 12e-6))
    k, i, p = huff.trade_areas(line_market, cand, [0], min_p=0.1)
    assert sorted(i.tolist()) == [0, 1, 2]


def test_cell_without_store_is_captured_whole_by_new_site():
    lat, lon = latlon([(0, 0), (10_000, 0)])
    slat, slon = latlon([(0, 0)])
    m = huff.build_market(lat, lon, [50.0, 70.0], slat, slon, [1.0], [True],
                          beta=-2.0, cutoff_m=3000.0, distance_floor_m=100.0, plane=PLANE)
    assert huff.store_sales(m).tolist() == [50.0]
    cand = huff.build_candidates(m, *latlon([(10_000, 0)]), 1.0)
    e = huff.candidate_effects(m, cand)
    assert e.expected_sales[0] == pytest.approx(70.0)
    assert e.cannibalized_sales[0] == 0.0


def test_invalid_inputs_raise():
    lat, lon = latlon([(0, 0)])
    with pytest.raises(AnalysisError, match="beta"):
        huff.build_market(lat, lon, [1.0], lat, lon, [1.0], [True], beta=2.0)
    with pytest.raises(AnalysisError, match="spend"):
        huff.build_market(lat, lon, [np.nan], lat, lon, [1.0], [True])
    with pytest.raises(AnalysisError, match="attractiveness"):
        huff.build_market(lat, lon, [1.0], lat, lon, [1.0, 2.0], [True])


def test_effects_alone_match_grouped_candidates():
    rng = np.random.default_rng(9)
    cells = rng.uniform(0, 8_000, (500, 2))
    stores = rng.uniform(0, 8_000, (12, 2))
    m = huff.build_market(*latlon(cells), rng.uniform(1, 5, 500), *latlon(stores), rng.uniform(0.5, 2, 12),
                          np.arange(12) < 5, beta=-1.8, cutoff_m=2_000.0, distance_floor_m=80.0, plane=PLANE)
    pts = latlon(rng.uniform(0, 8_000, (40, 2)))
    grouped = huff.candidate_effects(m, huff.build_candidates(m, *pts, 1.5))
    alone = huff.effects_alone(m, *pts, 1.5)
    np.testing.assert_allclose(alone.expected_sales, grouped.expected_sales)
    np.testing.assert_allclose(alone.cannibalized_sales, grouped.cannibalized_sales)
    assert (grouped.cannibalized_sales <= grouped.expected_sales + 1e-12).all()

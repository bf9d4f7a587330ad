"""Assigning cells and points to districts, on Shanghai's real districts and hand-made squares."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis import coords, districts, hexgrid
from gis.errors import GridError

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "districts"
SHANGHAI = DATA / "shanghai_districts_gcj02.geojson"


@pytest.fixture(scope="module")
def shanghai():
    if not SHANGHAI.exists():
        pytest.skip("Shanghai district data not available")
    raw = gpd.read_file(SHANGHAI)
    # the file is GCJ-02 although GeoJSON implies WGS-84
    geometry = coords.transform_geometries(raw.geometry.values, "gcj02", "wgs84")
    return gpd.GeoDataFrame({"district_id": raw["adcode"].astype(str), "name": raw["name"]},
                            geometry=geometry, crs=4326)


@pytest.fixture
def two_squares():
    """Districts "b" (west) and "a" (east) sharing the meridian 121.5, listed b first."""
    return gpd.GeoDataFrame({"district_id": ["b", "a"], "name": ["west", "east"]},
                            geometry=[shapely.box(121.4, 31.1, 121.5, 31.2), shapely.box(121.5, 31.1, 121.6, 31.2)],
                            crs=4326)


def test_peoples_square_is_in_huangpu_and_the_sea_is_outside(shanghai):
    lat = pd.Series([31.2304, 31.0, 31.2304], index=["peoples_square", "east_china_sea", "missing"])
    lon = np.array([121.4737, 122.6, np.nan])
    got = districts.assign_points(lat, lon, shanghai)
    assert got.index.tolist() == ["peoples_square", "east_china_sea", "missing"]
    assert got["peoples_square"] == "310101"
    assert got.isna().tolist() == [False, True, True]
    summary = districts.points_outside(got)
    assert summary.count == 2 and summary.rows == ("east_china_sea", "missing")
    assert "2 of 3 points" in summary.message()


def test_gcj02_shift_matters_near_a_border(shanghai):
    # the raw GCJ-02 polygons are ~500 m off: the WGS-84 position of People's Square moved by the
    # GCJ-02 offset must still be inside Huangpu once the districts are converted
    g_lon, g_lat = coords.wgs84_to_gcj02(np.array([121.4737]), np.array([31.2304]))
    assert abs(g_lon[0] - 121.4737) > 0.003  # the offset is real
    assert districts.assign_points(np.array([31.2304]), np.array([121.4737]), shanghai)[0] == "310101"


def test_cells_tile_the_city_once(shanghai):
    cover = districts.cells_for_districts(shanghai, 7)
    assert not cover.index.has_duplicates and cover.index.is_monotonic_increasing
    assert set(cover.unique()) == set(shanghai["district_id"])  # every district has cells
    # every cell whose centre is in the city belongs to exactly the district holding its centre
    centred = districts.assign_cells(cover.index.to_numpy(), shanghai)
    inside = centred.notna()
    assert (cover[inside] == centred[inside]).all()
    # and the cells whose centres are inside cover the city: nothing with a centre inside is missing
    city = shapely.union_all(shanghai.geometry.values)
    ring = np.unique(hexgrid.grid_disk(cover.index.to_numpy(), 1)[1])
    lat, lon = hexgrid.cells_to_latlon(ring)
    assert set(ring[shapely.contains_xy(city, lon, lat)].tolist()) <= set(cover.index.tolist())
    assert (~inside).sum() > 0  # the coast and the city limit add edge cells


def test_area_shares_add_up_to_one_inside_the_city(shanghai):
    cover = districts.cells_for_districts(shanghai, 7, include_edge=False)
    shares = districts.assign_cells(cover.index.to_numpy(), shanghai, method="area")
    total = shares.groupby("cell")["share"].sum()
    interior = total.index[total > 0.999]
    assert len(interior) > 0.8 * len(cover)
    assert (total <= 1 + 1e-9).all()
    straddling = shares.groupby("cell").size()
    assert (straddling > 1).any()  # border cells are split between districts


def test_border_points_go_to_the_smallest_id_whatever_the_row_order(two_squares):
    lat = np.array([31.15, 31.15, 31.15, 31.25])
    lon = np.array([121.45, 121.5, 121.55, 121.5])
    got = districts.assign_points(lat, lon, two_squares).tolist()
    assert got == ["b", "a", "a", pd.NA]
    flipped = districts.assign_points(lat, lon, two_squares.iloc[::-1]).tolist()
    assert flipped == got


def test_centroid_and_area_methods_on_squares(two_squares):
    cells = hexgrid.polygon_to_cells(shapely.box(121.45, 31.12, 121.55, 31.18), 8)
    by_centre = districts.assign_cells(cells, two_squares)
    lat, lon = hexgrid.cells_to_latlon(cells)
    assert (by_centre.to_numpy() == np.where(lon < 121.5, "b", "a")).all()
    shares = districts.assign_cells(cells, two_squares, method="area")
    assert np.allclose(shares.groupby("cell")["share"].sum(), 1.0)
    split = shares.groupby("cell").filter(lambda g: len(g) == 2)
    assert len(split) > 0 and set(split["district_id"]) == {"a", "b"}
    with pytest.raises(GridError):
        districts.assign_cells(cells, two_squares, method="nearest")


def test_cells_for_districts_covers_squares_without_double_assignment(two_squares):
    cover = districts.cells_for_districts(two_squares, 8)
    assert not cover.index.has_duplicates
    hexes = hexgrid.cells_to_polygons(cover.index.to_numpy())
    union = shapely.union_all(hexes)
    assert union.contains(shapely.box(121.4, 31.1, 121.6, 31.2).buffer(-1e-6))
    strict = districts.cells_for_districts(two_squares, 8, include_edge=False)
    assert set(strict.index) < set(cover.index)


def test_a_cover_is_computed_once_per_set_of_polygons(two_squares, monkeypatch):
    calls = []
    original = hexgrid.polygon_to_cells
    monkeypatch.setattr(hexgrid, "polygon_to_cells", lambda *a, **k: calls.append(1) or original(*a, **k))
    districts._covers.clear()
    first = districts.cells_for_districts(two_squares, 8)
    n = len(calls)
    again = districts.cells_for_districts(two_squares, 8)
    assert len(calls) == n and n > 0                      # the same polygons: not covered again
    pd.testing.assert_series_equal(first, again)
    again.iloc[0] = "changed"                              # a copy: the kept cover is not spoilt
    assert districts.cells_for_districts(two_squares, 8).iloc[0] == first.iloc[0]
    moved = two_squares.copy()
    moved["geometry"] = moved.geometry.translate(0.001, 0)
    districts.cells_for_districts(moved, 8)
    districts.cells_for_districts(two_squares, 9)
    assert len(calls) == 3 * n                             # other polygons, other resolution: covered anew

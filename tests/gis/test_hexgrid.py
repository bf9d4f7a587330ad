"""The H3 boundary module against h3 itself and hand-checkable geometry."""

from __future__ import annotations

import h3
import numpy as np
import pytest
import shapely

from gis import hexgrid
from gis.errors import GridError

PEOPLES_SQUARE = (31.2304, 121.4737)  # (lat, lon), WGS-84


def h3_cell(lat, lon, res) -> int:
    """Reference: h3's public string API, converted to an int."""
    return int(h3.latlng_to_cell(lat, lon, res), 16)


def test_few_points_match_h3_string_api():
    lat = np.array([31.2304, 39.9042, 22.5431, -33.8688, 0.0])
    lon = np.array([121.4737, 116.4074, 114.0579, 151.2093, 0.0])
    for res in (0, 7, 9, 15):
        cells = hexgrid.latlon_to_cells(lat, lon, res)
        assert cells.dtype == np.int64
        assert cells.tolist() == [h3_cell(a, o, res) for a, o in zip(lat, lon)]


@pytest.mark.parametrize("res", [0, 3, 8, 9, 10, 12, 15])
def test_vectorised_indexing_equals_h3_on_random_points_worldwide(res):
    rng = np.random.default_rng(res)
    n = 40_000
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon = rng.uniform(-180, 180, n)
    fast = hexgrid.latlon_to_cells(lat, lon, res)
    loop = hexgrid.latlon_to_cells(lat, lon, res, method="loop")
    assert np.array_equal(fast, loop)


def test_vectorised_indexing_equals_h3_on_dense_city_points():
    rng = np.random.default_rng(1)
    n = 100_000
    lat = rng.uniform(31.20, 31.25, n)
    lon = rng.uniform(121.44, 121.50, n)
    for res in (7, 9, 11):
        assert np.array_equal(hexgrid.latlon_to_cells(lat, lon, res),
                              hexgrid.latlon_to_cells(lat, lon, res, method="loop"))


def test_vectorised_indexing_near_pentagons_face_centres_and_edges():
    rng = np.random.default_rng(2)
    frames = hexgrid._face_frames()
    assert frames is not None, "the face frames should check out against h3"
    centres = frames.centre
    c_lat = np.degrees(np.arcsin(centres[:, 2]))
    c_lon = np.degrees(np.arctan2(centres[:, 1], centres[:, 0]))
    pent = np.array([h3.cell_to_latlng(p) for p in h3.get_pentagons(0)])
    # face edges: midpoints between neighbouring face centres
    mids = []
    for i in range(20):
        for j in range(i + 1, 20):
            if centres[i] @ centres[j] > 0.7:
                m = centres[i] + centres[j]
                m /= np.linalg.norm(m)
                mids.append((np.degrees(np.arcsin(m[2])), np.degrees(np.arctan2(m[1], m[0]))))
    anchors = np.vstack([np.column_stack([c_lat, c_lon]), pent, np.array(mids)])
    n = 60_000
    pick = rng.integers(0, len(anchors), n)
    spread = 10 ** rng.uniform(-9, -0.5, n)
    lat = np.clip(anchors[pick, 0] + rng.normal(0, 1, n) * spread, -90, 90)
    lon = (anchors[pick, 1] + rng.normal(0, 1, n) * spread + 180) % 360 - 180
    for res in (5, 9, 14):
        assert np.array_equal(hexgrid.latlon_to_cells(lat, lon, res),
                              hexgrid.latlon_to_cells(lat, lon, res, method="loop"))


def test_points_on_cell_vertices_and_centres_match_h3():
    base = h3.latlng_to_cell(*PEOPLES_SQUARE, 9)
    cells = list(h3.grid_disk(base, 6))
    pts = [h3.cell_to_latlng(c) for c in cells]
    pts += [v for c in cells for v in h3.cell_to_boundary(c)]
    pts = np.array(pts * 20)  # enough points for the vectorised path
    fast = hexgrid.latlon_to_cells(pts[:, 0], pts[:, 1], 9)
    assert fast.tolist() == [h3_cell(a, o, 9) for a, o in pts]


def test_latlon_groups_reproduce_cells():
    rng = np.random.default_rng(3)
    lat = rng.uniform(31.0, 31.1, 10_000)
    lon = rng.uniform(121.3, 121.4, 10_000)
    codes, group_cells = hexgrid.latlon_to_cell_groups(lat, lon, 8)
    assert np.array_equal(group_cells[codes], hexgrid.latlon_to_cells(lat, lon, 8, method="loop"))


def test_invalid_coordinates_name_the_rows():
    with pytest.raises(GridError, match=r"2 points .*rows 1, 3"):
        hexgrid.latlon_to_cells([31.0, np.nan, 31.0, 95.0], [121.0, 121.0, 121.0, 121.0], 9)
    with pytest.raises(GridError, match="resolution"):
        hexgrid.latlon_to_cells([31.0], [121.0], 16)


def test_validate_resolution():
    assert hexgrid.validate_resolution(9) == 9
    assert hexgrid.validate_resolution(np.int64(0)) == 0
    for bad in (-1, 16, 9.5, "nine", None):
        with pytest.raises(GridError):
            hexgrid.validate_resolution(bad)


def test_strings_round_trip_and_mixed_parsing():
    cell = h3_cell(*PEOPLES_SQUARE, 9)
    text = h3.latlng_to_cell(*PEOPLES_SQUARE, 9)
    assert hexgrid.cells_to_str([cell]).tolist() == [text]
    parsed = hexgrid.str_to_cells([text, "0x" + text, text.upper(), cell, np.int64(cell), f"  {text} "])
    assert parsed.tolist() == [cell] * 6
    cells, valid = hexgrid.parse_cells([text, "zzz", None, 12345, 6.17e17, ""])
    assert valid.tolist() == [True, False, False, False, False, False]
    assert cells[0] == cell and cells[1] == 0
    with pytest.raises(GridError, match=r"2 values .*'zzz'.*'8'"):
        hexgrid.str_to_cells([text, "zzz", "8"])


def test_validity_and_resolution():
    cells = np.array([h3_cell(*PEOPLES_SQUARE, r) for r in range(16)], dtype=np.int64)
    assert hexgrid.is_valid_cells(cells).all()
    assert hexgrid.cell_resolution(cells).tolist() == list(range(16))
    assert hexgrid.is_valid_cells(np.array([0, 12345, cells[9] + 1])).tolist() == [False, False, False]


def test_cells_to_latlon_and_polygons_swap_axes_once():
    rng = np.random.default_rng(4)
    cells = np.unique(hexgrid.latlon_to_cells(rng.uniform(31, 31.3, 500), rng.uniform(121.2, 121.6, 500), 9))
    lat, lon = hexgrid.cells_to_latlon(cells)
    ref = np.array([h3.cell_to_latlng(h3.int_to_str(int(c))) for c in cells])
    assert np.allclose(lat, ref[:, 0], atol=0, rtol=1e-15) and np.allclose(lon, ref[:, 1], atol=0, rtol=1e-15)
    polys = hexgrid.cells_to_polygons(cells)
    assert len(polys) == len(cells)
    assert shapely.contains_xy(polys, lon, lat).all()  # shapely x = lon, y = lat
    assert (shapely.get_num_coordinates(polys) == 7).all()  # 6 vertices + closing one
    # the polygons tile: no overlaps, and their planar areas are all about the same
    assert shapely.area(shapely.union_all(polys)) == pytest.approx(shapely.area(polys).sum(), rel=1e-9)


def test_pentagon_polygon_has_five_vertices():
    pent = np.array([int(h3.get_pentagons(4)[0], 16)], dtype=np.int64)
    assert shapely.get_num_coordinates(hexgrid.cells_to_polygons(pent)[0]) == 6


def test_parent_and_children():
    cell = h3_cell(*PEOPLES_SQUARE, 9)
    for res in range(10):
        assert hexgrid.cells_to_parent([cell], res)[0] == int(h3.cell_to_parent(h3.int_to_str(cell), res), 16)
    c7 = h3_cell(*PEOPLES_SQUARE, 7)
    pent7 = int(h3.get_pentagons(7)[0], 16)
    parent_index, children = hexgrid.cells_to_children([c7, pent7], 8)
    assert np.bincount(parent_index).tolist() == [7, 6]  # a hexagon has 7 children, a pentagon 6
    assert (hexgrid.cells_to_parent(children, 7) == np.array([c7, pent7])[parent_index]).all()
    _, grandchildren = hexgrid.cells_to_children([c7], 9)
    assert len(grandchildren) == 49
    with pytest.raises(GridError):
        hexgrid.cells_to_parent([c7], 8)


@pytest.mark.parametrize("k", [0, 1, 3])
def test_grid_disk_sizes_and_distances(k):
    origins = np.array([h3_cell(*PEOPLES_SQUARE, 9), h3_cell(31.0, 121.2, 9), h3_cell(*PEOPLES_SQUARE, 9)])
    o_idx, nb, dist = hexgrid.grid_disk(origins, k)
    size = 1 + 3 * k * (k + 1)
    assert np.bincount(o_idx).tolist() == [size] * 3
    for i in range(3):
        rows = o_idx == i
        ref = [h3.grid_distance(h3.int_to_str(int(origins[i])), h3.int_to_str(int(c))) for c in nb[rows]]
        assert dist[rows].tolist() == ref
        assert (np.diff(dist[rows]) >= 0).all()
    assert np.array_equal(nb[o_idx == 0], nb[o_idx == 2])


def test_grid_disk_around_a_pentagon():
    pent = int(h3.get_pentagons(9)[3], 16)
    o_idx, nb, dist = hexgrid.grid_disk([pent], 2)
    assert len(nb) == 1 + 5 + 10  # a pentagon has 5 neighbours per ring step
    ref = [h3.grid_distance(h3.int_to_str(pent), h3.int_to_str(int(c))) for c in nb]
    assert dist.tolist() == ref


def test_polygon_to_cells_respects_holes_and_multipolygons():
    outer = [(121.40, 31.20), (121.50, 31.20), (121.50, 31.28), (121.40, 31.28)]
    hole = [(121.43, 31.22), (121.46, 31.22), (121.46, 31.25), (121.43, 31.25)]
    square = shapely.Polygon(outer, [hole])
    cells = hexgrid.polygon_to_cells(square, 9)
    assert np.all(np.diff(cells) > 0)
    lat, lon = hexgrid.cells_to_latlon(cells)
    assert shapely.contains_xy(square, lon, lat).all()
    # every centre of the neighbourhood inside the polygon is found
    around = hexgrid.grid_disk(cells, 2)[1]
    a_lat, a_lon = hexgrid.cells_to_latlon(np.unique(around))
    inside = shapely.contains_xy(square, a_lon, a_lat)
    assert set(np.unique(around)[inside].tolist()) <= set(cells.tolist())
    far = shapely.box(121.60, 31.20, 121.62, 31.22)
    both = hexgrid.polygon_to_cells(shapely.MultiPolygon([square, far]), 9)
    assert np.array_equal(both, np.union1d(cells, hexgrid.polygon_to_cells(far, 9)))
    overlap = hexgrid.polygon_to_cells(square, 9, contain="overlap")
    assert set(cells.tolist()) < set(overlap.tolist())
    assert len(hexgrid.polygon_to_cells(shapely.Polygon(), 9)) == 0
    with pytest.raises(GridError):
        hexgrid.polygon_to_cells(shapely.Point(121, 31), 9)


def test_sizes_match_the_published_h3_table():
    # H3 documentation, "Tables of Cell Statistics Across Resolutions": res 9 average
    # hexagon area 0.1053 km², average edge 200.8 m; res 7: 5.1613 km², 1406.5 m
    assert hexgrid.cell_area_km2(9) == pytest.approx(0.1053, rel=1e-3)
    assert hexgrid.edge_length_m(9) == pytest.approx(200.8, rel=1e-3)
    assert hexgrid.cell_area_km2(7) == pytest.approx(5.1613, rel=1e-3)
    areas = hexgrid.cells_area_km2([h3_cell(*PEOPLES_SQUARE, 9)])
    assert 0.07 < areas[0] < 0.14

"""Building H3 layers: points, files, H3 tables, polygon grids; conservation of totals."""

from __future__ import annotations

import gzip

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

from gis import coords, gridlayer, hexgrid
from gis.errors import Cancelled, ColumnMappingError, GridError
from gis.progress import CallbackProgress


def h3_cell(lat, lon, res) -> int:
    return int(h3.latlng_to_cell(lat, lon, res), 16)


def random_points(n, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(31.10, 31.30, n), rng.uniform(121.35, 121.60, n),
            rng.integers(1, 10, n).astype(float), rng.uniform(0, 100, n))


def assert_layer(layer, res):
    assert layer.index.name == "cell" and layer.index.dtype == np.int64
    assert layer.index.is_monotonic_increasing and not layer.index.has_duplicates
    assert all(dtype == np.float64 for dtype in layer.dtypes)
    assert layer.attrs["resolution"] == res


def test_few_points_land_in_their_h3_cells_with_sums_and_means():
    lat = np.array([31.2304, 31.2305, 31.2500])
    lon = np.array([121.4737, 121.4738, 121.5000])
    layer = gridlayer.bin_points(lat, lon, {"visits": [2.0, 3.0, 4.0], "price": [10.0, 20.0, 7.0]},
                                 9, intensive=["price"])
    assert_layer(layer, 9)
    a, b = h3_cell(31.2304, 121.4737, 9), h3_cell(31.25, 121.5, 9)
    assert a == h3_cell(31.2305, 121.4738, 9)
    assert set(layer.index) == {a, b}
    assert layer.loc[a, "count"] == 2 and layer.loc[a, "visits"] == 5.0 and layer.loc[a, "price"] == 15.0
    assert layer.loc[b].tolist() == [1.0, 4.0, 7.0]
    assert layer.attrs["intensive"] == ["price"]


def test_missing_metric_values_are_left_out_of_sums_and_means():
    lat = np.full(3, 31.2304)
    lon = np.full(3, 121.4737)
    layer = gridlayer.bin_points(lat, lon, {"v": [1.0, np.nan, 3.0], "m": [np.nan, 4.0, 8.0]}, 9,
                                 intensive=["m"])
    assert layer.iloc[0].tolist() == [3.0, 4.0, 6.0]  # count 3, v 1+3, m mean of 4 and 8


def test_bin_points_conserves_totals_and_rejects_bad_coordinates():
    lat, lon, w, _ = random_points(20_000)
    layer = gridlayer.bin_points(lat, lon, {"w": w}, 8)
    assert layer["count"].sum() == 20_000
    assert layer["w"].sum() == pytest.approx(w.sum(), rel=1e-12)
    ref = pd.Series(w).groupby(hexgrid.latlon_to_cells(lat, lon, 8, method="loop")).sum()
    assert np.allclose(layer["w"].to_numpy(), ref.sort_index().to_numpy())
    with pytest.raises(GridError, match="1 points"):
        gridlayer.bin_points([31.0, np.nan], [121.0, 121.0], None, 9)
    with pytest.raises(GridError, match="intensive"):
        gridlayer.bin_points([31.0], [121.0], {"w": [1.0]}, 9, intensive=["x"])


def write_points_csv(path, n=10_000, seed=0, bad=True, **kwargs):
    lat, lon, w, lvl = random_points(n, seed)
    frame = pd.DataFrame({"lat": lat, "lon": lon, "weight": w, "level": lvl})
    if bad:
        frame["lat"] = frame["lat"].astype(object)
        frame.loc[5, "lat"] = "n/a"  # not a number
        frame.loc[6, "lon"] = np.nan  # missing
        frame.loc[7, "lat"] = 123.0  # out of range
    frame.to_csv(path, index=False, **kwargs)
    return frame


def test_streamed_csv_equals_in_memory_and_counts_skipped_rows(tmp_path):
    path = tmp_path / "points.csv"
    frame = write_points_csv(path)
    layer, stats = gridlayer.bin_points_file(path, "lat", "lon", ["weight", "level"], 9,
                                             intensive=["level"], chunk_rows=1000)
    good = frame.drop(index=[5, 6, 7])
    ref = gridlayer.bin_points(good["lat"].astype(float), good["lon"], good[["weight", "level"]], 9,
                               intensive=["level"])
    pd.testing.assert_frame_equal(layer, ref, check_exact=False, rtol=1e-12)
    assert layer.attrs == ref.attrs
    assert stats.rows_read == 10_000 and stats.rows_binned == 9_997
    assert stats.rows_missing_coordinates == 2 and stats.rows_out_of_range == 1
    assert stats.to_dict()["rows_skipped"] == 3
    assert "9,997 of 10,000" in stats.message()


def test_gcj02_gzip_semicolon_gbk_file(tmp_path):
    lat, lon, w, _ = random_points(3000, seed=5)
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    frame = pd.DataFrame({"纬度": g_lat, "经度": g_lon, "人数": w})
    path = tmp_path / "heat.csv.gz"
    with gzip.open(path, "wt", encoding="gbk") as fh:
        frame.to_csv(fh, index=False, sep=";")
    layer, stats = gridlayer.bin_points_file(path, "纬度", "经度", ["人数"], 9, crs="gcj02",
                                             encoding="gbk", chunk_rows=700)
    ref = gridlayer.bin_points(lat, lon, {"人数": w}, 9)
    assert stats.rows_binned == 3000
    # the GCJ-02 inverse is exact to far below a metre, so every point lands in the same cell
    pd.testing.assert_frame_equal(layer, ref, check_exact=False, rtol=1e-12)


def test_parquet_file_and_missing_columns(tmp_path):
    lat, lon, w, _ = random_points(5000, seed=6)
    path = tmp_path / "points.parquet"
    pd.DataFrame({"y": lat, "x": lon, "w": w}).to_parquet(path)
    layer, stats = gridlayer.bin_points_file(path, "y", "x", ["w"], 8, chunk_rows=999)
    ref = gridlayer.bin_points(lat, lon, {"w": w}, 8)
    pd.testing.assert_frame_equal(layer, ref, check_exact=False, rtol=1e-12)
    assert stats.rows_read == 5000
    with pytest.raises(ColumnMappingError, match="'lat'"):
        gridlayer.bin_points_file(path, "lat", "x", ["w"], 8)


def test_file_binning_reports_progress_and_can_be_cancelled(tmp_path):
    path = tmp_path / "points.csv"
    write_points_csv(path, n=5000, bad=False)
    seen = []
    gridlayer.bin_points_file(path, "lat", "lon", [], 9, chunk_rows=1000,
                              progress=CallbackProgress(lambda f, m: seen.append(f)))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    handle = CallbackProgress()
    handle.cancel()
    with pytest.raises(Cancelled):
        gridlayer.bin_points_file(path, "lat", "lon", [], 9, chunk_rows=1000, progress=handle)


def test_coarse_cell_splits_equally_among_its_seven_children():
    c7 = h3_cell(31.2304, 121.4737, 7)
    layer = gridlayer.from_h3_table([c7], pd.DataFrame({"pop": [49.0], "income": [3.5]}), 8,
                                    intensive=["income"])
    assert_layer(layer, 8)
    assert len(layer) == 7
    assert (layer["pop"] == 7.0).all() and (layer["income"] == 3.5).all()
    assert set(layer.index) == {int(c, 16) for c in h3.cell_to_children(h3.int_to_str(c7), 8)}
    # a pentagon has 6 children: 49 / 6 each, the total preserved
    pent = int(h3.get_pentagons(7)[0], 16)
    split = gridlayer.from_h3_table([pent], pd.DataFrame({"pop": [49.0]}), 9)
    assert len(split) == 6 * 7 - 1 and split["pop"].sum() == pytest.approx(49.0)


def test_fine_cells_gather_to_parents_sum_mean_and_weighted_mean():
    c7 = h3_cell(31.2304, 121.4737, 7)
    kids = np.array([int(c, 16) for c in h3.cell_to_children(h3.int_to_str(c7), 8)], dtype=np.int64)
    pop = np.arange(1.0, 8.0)  # 1…7, total 28
    price = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 40.0])
    plain = gridlayer.from_h3_table(kids, pd.DataFrame({"pop": pop, "price": price}), 7, intensive=["price"])
    assert plain.index.tolist() == [c7]
    assert plain.loc[c7, "pop"] == 28.0
    assert plain.loc[c7, "price"] == pytest.approx(100.0 / 7.0)  # (6·10 + 40) / 7
    weighted = gridlayer.from_h3_table(kids, pd.DataFrame({"pop": pop, "price": price}), 7,
                                       intensive=["price"], weight_column="pop")
    assert weighted.loc[c7, "price"] == pytest.approx((21 * 10.0 + 7 * 40.0) / 28.0)


def test_mixed_resolutions_conserve_totals():
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(31.1, 31.3, 300), rng.uniform(121.3, 121.6, 300)
    res = rng.integers(5, 12, 300)
    cells = np.array([h3_cell(a, o, r) for a, o, r in zip(lat, lon, res)], dtype=np.int64)
    values = rng.uniform(0, 1000, 300)
    for target in (6, 9):
        layer = gridlayer.from_h3_table(cells, pd.DataFrame({"v": values}), target)
        assert_layer(layer, target)
        assert layer["v"].sum() == pytest.approx(values.sum(), rel=1e-9)


def square_grid(lon0, lat0, n, step, seed=0):
    rng = np.random.default_rng(seed)
    boxes = [shapely.box(lon0 + i * step, lat0 + j * step, lon0 + (i + 1) * step, lat0 + (j + 1) * step)
             for i in range(n) for j in range(n)]
    return np.array(boxes, dtype=object), rng.uniform(0, 500, n * n)


def test_polygon_grid_reaggregation_preserves_totals():
    boxes, values = square_grid(121.40, 31.20, 12, 0.01)  # ~1 km squares
    layer = gridlayer.from_polygons(gpd.GeoSeries(boxes, crs=4326), pd.DataFrame({"pop": values}), 9)
    assert_layer(layer, 9)
    assert layer["pop"].sum() == pytest.approx(values.sum(), rel=1e-6)
    # a hexagon well inside one square takes area share × the square's value
    lat, lon = 31.2055, 121.4055
    cell = h3_cell(lat, lon, 9)
    hex_poly = hexgrid.cells_to_polygons([cell])[0]
    assert boxes[0].contains(hex_poly)
    assert layer.loc[cell, "pop"] == pytest.approx(values[0] * hex_poly.area / boxes[0].area, rel=1e-9)


def test_polygon_grid_intensive_metric_is_an_area_weighted_mean():
    boxes, _ = square_grid(121.40, 31.20, 4, 0.01)
    level = np.where(np.arange(16) % 2 == 0, 10.0, 20.0)
    layer = gridlayer.from_polygons(boxes, pd.DataFrame({"level": level}), 9, intensive=["level"])
    assert layer["level"].between(10.0 - 1e-9, 20.0 + 1e-9).all()
    uniform = gridlayer.from_polygons(boxes, pd.DataFrame({"level": np.full(16, 7.0)}), 9, intensive=["level"])
    assert np.allclose(uniform["level"], 7.0)
    # a hexagon straddling two squares gets the mean weighted by the areas inside each
    hexes = hexgrid.cells_to_polygons(layer.index.to_numpy())
    for cell, poly, got in zip(layer.index, hexes, layer["level"]):
        parts = shapely.area(shapely.intersection(poly, boxes))
        if (parts > 0).sum() == 2:
            assert got == pytest.approx((parts * level).sum() / parts.sum())
            break
    else:
        pytest.fail("no hexagon straddles two squares")


def test_merge_write_read_round_trip(tmp_path):
    lat, lon, w, lvl = random_points(2000, seed=8)
    a = gridlayer.bin_points(lat, lon, {"w": w}, 8)
    b = gridlayer.bin_points(lat[:500] + 0.05, lon[:500], {"level": lvl[:500]}, 8, intensive=["level"],
                             count_column=None)
    merged = gridlayer.merge_layers([a, b])
    assert_layer(merged, 8)
    assert merged.attrs["intensive"] == ["level"]
    assert merged["w"].sum() == pytest.approx(w.sum())
    only_b = ~merged.index.isin(a.index)
    assert (merged.loc[only_b, "w"] == 0).all() and merged.loc[~merged.index.isin(b.index), "level"].isna().all()
    path = gridlayer.write_layer(merged, tmp_path / "layer.parquet")
    back = gridlayer.read_layer(path)
    pd.testing.assert_frame_equal(back, merged)
    assert back.attrs == merged.attrs
    assert pd.read_parquet(path)["h3"].iloc[0] == h3.int_to_str(int(merged.index[0]))
    with pytest.raises(GridError, match="resolution"):
        gridlayer.merge_layers([a, gridlayer.bin_points(lat, lon, None, 9, count_column="n")])
    with pytest.raises(GridError, match="more than one layer"):
        gridlayer.merge_layers([a, a])


def test_build_layer_dispatches_on_shape():
    lat, lon, w, lvl = random_points(1000, seed=9)
    pts = pd.DataFrame({"lat": lat, "lon": lon, "w": w, "level": lvl, "name": ["x"] * 1000})
    layer = gridlayer.build_layer(pts, "points", 8, intensive=["level"])
    assert list(layer.columns) == ["count", "w", "level"] and layer["w"].sum() == pytest.approx(w.sum())
    table = pd.DataFrame({"cell": layer.index.to_numpy(), "w": layer["w"].to_numpy()})
    coarse = gridlayer.build_layer(table, "h3", 7)
    assert coarse["w"].sum() == pytest.approx(w.sum())
    boxes, values = square_grid(121.40, 31.20, 3, 0.01)
    gdf = gpd.GeoDataFrame({"pop": values}, geometry=list(boxes), crs=4326)
    poly = gridlayer.build_layer(gdf, "polygons", 9)
    assert poly["pop"].sum() == pytest.approx(values.sum(), rel=1e-6)
    with pytest.raises(GridError):
        gridlayer.build_layer(pts, "raster", 9)

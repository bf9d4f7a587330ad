"""Big-data grids (H3, points, polygons) and travel matrices."""

import geopandas as gpd
import h3.api.basic_int as h3
import numpy as np
import pandas as pd
import pytest
import shapely

from gis import coords
from gis.errors import ColumnMappingError
from gis.intake import read_table
from gis.intake.report import Reason

CELLS = [h3.latlng_to_cell(31.2 + i * 0.01, 121.4, 9) for i in range(4)]


def test_h3_grid_from_hex_strings(tmp_path):
    path = tmp_path / "grid.csv"
    rows = [
        (h3.int_to_str(CELLS[0]), "1,200", "12.5", "A区"),
        (h3.int_to_str(CELLS[1]).upper(), "800", "n/a", "A区"),
        ("not-a-cell", "5", "1", "B区"),
        (h3.int_to_str(CELLS[0]), "7", "7", "A区"),           # duplicate cell
        (h3.int_to_str(CELLS[2]), "lots", "3", "B区"),
        ("8930995908bfff0", "1", "1", "B区"),                 # hex, but not a valid cell
    ]
    pd.DataFrame(rows, columns=["h3_index", "人口热力", "消费水平", "区县名称"]).to_csv(path, index=False)
    res = read_table(path, "grid")
    assert res.grid_shape == "h3"
    t = res.table
    assert list(t.columns) == ["cell", "人口热力", "消费水平"]
    assert t["cell"].dtype == np.int64
    assert t["cell"].tolist() == CELLS[:3]
    assert t["人口热力"].tolist()[:2] == [1200.0, 800.0] and np.isnan(t["人口热力"].iloc[2])
    assert t["消费水平"].dtype == np.float64 and np.isnan(t["消费水平"].iloc[1])
    assert t.attrs["resolution"] == 9
    assert [(p.row, p.column, p.reason, p.action) for p in res.report.problems] == [
        (4, "h3_index", Reason.BAD_CELL, "dropped"),
        (5, "h3_index", Reason.DUPLICATE_CELL, "dropped"),
        (6, "人口热力", Reason.NOT_A_NUMBER, "kept"),
        (7, "h3_index", Reason.BAD_CELL, "dropped"),
    ]
    assert res.report.unmapped_columns == ("区县名称",)
    assert any("'区县名称' looks like an id or a label" in n for n in res.report.notes)
    assert "metrics: 人口热力, 消费水平" in res.report.notes


def test_h3_grid_from_int64_parquet_with_cell_index(tmp_path):
    layer = pd.DataFrame({"population": [10.0, 20.0, 30.0]},
                         index=pd.Index(np.array(CELLS[:3], dtype=np.int64), name="cell"))
    path = tmp_path / "layer.parquet"
    layer.to_parquet(path)
    res = read_table(path, "grid")
    assert res.grid_shape == "h3"
    assert res.table["cell"].tolist() == CELLS[:3]
    assert res.table["population"].tolist() == [10.0, 20.0, 30.0]


def test_point_grid_with_an_id_column(tmp_path):
    path = tmp_path / "points.csv"
    pd.DataFrame({"grid_id": [1, 2, 3], "lng": [121.40, 121.41, 0.0], "lat": [31.20, 31.21, 0.0],
                  "workers": [5, 6, 7], "note": ["a", "b", "c"]}).to_csv(path, index=False)
    res = read_table(path, "grid", crs="gcj02")
    assert res.grid_shape == "points"
    t = res.table
    assert list(t.columns) == ["lat", "lon", "workers"]
    lon, lat = coords.gcj02_to_wgs84(np.array([121.40, 121.41]), np.array([31.20, 31.21]))
    assert t["lon"].to_numpy() == pytest.approx(lon) and t["lat"].to_numpy() == pytest.approx(lat)
    assert [(p.row, p.reason) for p in res.report.problems] == [(4, Reason.ZERO_COORDINATES)]
    assert set(res.report.unmapped_columns) == {"grid_id", "note"}


def test_polygon_grid(tmp_path):
    cells = [shapely.box(121.0 + i * 0.01, 31.0, 121.01 + i * 0.01, 31.01) for i in range(3)]
    bow_tie = shapely.Polygon([(121.1, 31.0), (121.11, 31.01), (121.11, 31.0), (121.1, 31.01)])
    gdf = gpd.GeoDataFrame({"人口": [1, 2, 3, 4]}, geometry=cells + [bow_tie], crs="EPSG:4326")
    path = tmp_path / "grid.gpkg"
    gdf.to_file(path, driver="GPKG")
    res = read_table(path, "grid")
    assert res.grid_shape == "polygons"
    t = res.table
    assert isinstance(t, gpd.GeoDataFrame) and t.crs.to_epsg() == 4326
    assert list(t.columns) == ["geometry", "人口"]
    assert t["人口"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert shapely.is_valid(t.geometry.to_numpy()).all()
    assert [(p.row, p.reason, p.action) for p in res.report.problems] == [(4, Reason.INVALID_GEOMETRY, "repaired")]


def test_grid_without_location_columns(tmp_path):
    path = tmp_path / "nogeo.csv"
    path.write_text("区域,人口\n一,5\n", encoding="utf-8")
    with pytest.raises(ColumnMappingError) as err:
        read_table(path, "grid")
    assert str(path) in str(err.value) and "cell or lon + lat" in str(err.value)


def test_matrix(tmp_path):
    path = tmp_path / "matrix.csv"
    text = ("起点,终点,时间(秒),距离(米)\n"
            "A,B,120,1000\n"
            "B,A,130.5,1100\n"
            "A,B,999,1\n"           # duplicate pair
            "A,C,,500\n"            # missing time
            "C,A,-5,500\n"          # negative time
            "C,B,soon,500\n"        # not a number
            "B,C,60,far\n"          # bad distance: kept, empty
            ",C,60,10\n")           # missing id
    path.write_text(text, encoding="utf-8")
    res = read_table(path, "matrix")
    t = res.table
    assert list(t.columns) == ["from_id", "to_id", "seconds", "meters"]
    assert list(zip(t["from_id"], t["to_id"])) == [("A", "B"), ("B", "A"), ("B", "C")]
    assert t["seconds"].tolist() == [120.0, 130.5, 60.0]
    assert t["meters"].tolist()[:2] == [1000.0, 1100.0] and np.isnan(t["meters"].iloc[2])
    assert [(p.row, p.reason, p.action) for p in res.report.problems] == [
        (4, Reason.DUPLICATE_PAIR, "dropped"),
        (5, Reason.MISSING_TIME, "dropped"),
        (6, Reason.NEGATIVE_TIME, "dropped"),
        (7, Reason.NOT_A_NUMBER, "dropped"),
        (8, Reason.NOT_A_NUMBER, "kept"),
        (9, Reason.MISSING_ID, "dropped"),
    ]
    assert res.report.problems[0].detail == "first at row 2"


def test_matrix_in_minutes_and_kilometres(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("from,to,minutes,km\n1,2,1.5,2.5\n", encoding="utf-8")
    res = read_table(path, "matrix")
    assert res.table[["seconds", "meters"]].iloc[0].tolist() == [90.0, 2500.0]
    assert res.table["from_id"].iloc[0] == "1"
    assert any("minutes" in n for n in res.report.notes) and any("kilometres" in n for n in res.report.notes)

"""Geo files and Parquet: districts, encodings of Shapefiles, projections, damaged files."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis import coords, datasets
from gis.errors import IntakeError
from gis.intake import preview, read_table
from gis.intake.report import Reason

# Shanghai's 16 real districts in GCJ-02 (AMap), shipped with the sample city
SHANGHAI = datasets.sample_dir() / datasets.FILES["districts"]
NAMES = ["黄浦区", "徐汇区", "长宁区"]


def outlets_gdf(crs="EPSG:4326"):
    gdf = gpd.GeoDataFrame(
        {"门店编号": ["A1", "A2", "A3"], "名称": NAMES, "销售额": [100.0, 200.0, 300.0]},
        geometry=gpd.points_from_xy([121.47, 121.43, 121.42], [31.23, 31.18, 31.22]), crs="EPSG:4326")
    return gdf.to_crs(crs)


def squares():
    return [shapely.box(121.0, 31.0, 121.1, 31.1), shapely.box(121.1, 31.0, 121.2, 31.1),
            shapely.box(121.2, 31.0, 121.3, 31.1)]


@pytest.mark.skipif(not SHANGHAI.exists(), reason="reference data not available")
def test_shanghai_districts_from_gcj02():
    res = read_table(SHANGHAI, "districts", crs="gcj02")
    t = res.table
    assert len(t) == 16 and res.report.rows_usable == 16 and not res.report.problems
    assert t.crs.to_epsg() == 4326
    assert t["district_id"].iloc[0] == "310101" and t["name"].iloc[0] == "黄浦区"
    assert set(NAMES) <= set(t["name"])
    assert res.report.mapping == {"district_id": "adcode", "name": "name", "geometry": "(geometry)"}
    assert res.report.crs == "gcj02"
    assert shapely.is_valid(t.geometry.to_numpy()).all()
    assert set(t.geom_type) <= {"Polygon", "MultiPolygon"}
    # every vertex moved by the exact GCJ-02 inverse: compare one with gis.coords
    source = gpd.read_file(SHANGHAI)
    src_xy = shapely.get_coordinates(source.geometry.iloc[0])
    out_xy = shapely.get_coordinates(t.geometry.iloc[0])
    assert out_xy.shape == src_xy.shape
    lon, lat = coords.gcj02_to_wgs84(src_xy[:1, 0], src_xy[:1, 1])
    assert out_xy[0] == pytest.approx([lon[0], lat[0]], abs=1e-9)
    shift = src_xy - out_xy  # GCJ-02 lies ~0.0045° east and ~0.0019° south of WGS-84 here (~500 m)
    assert 0.004 < shift[:, 0].mean() < 0.005 and -0.0025 < shift[:, 1].mean() < -0.0015
    assert 0.004 < np.hypot(shift[:, 0], shift[:, 1]).max() < 0.006
    assert set(res.report.unmapped_columns) == {"province", "city", "level", "source", "cnmaps_id", "cnmaps_path"}


def test_bow_tie_polygon_repaired_and_empty_dropped(tmp_path):
    bow_tie = shapely.Polygon([(121.0, 31.0), (121.1, 31.1), (121.1, 31.0), (121.0, 31.1), (121.0, 31.0)])
    gdf = gpd.GeoDataFrame({"code": ["D1", "D2", "D3", "D1"], "名称": ["一区", "二区", "三区", "一区北"]},
                           geometry=[bow_tie, squares()[1], shapely.Polygon(), squares()[2]], crs="EPSG:4326")
    path = tmp_path / "districts.geojson"
    gdf.to_file(path, driver="GeoJSON")
    res = read_table(path, "districts")
    t = res.table
    assert t["district_id"].tolist() == ["D1", "D2"]
    assert t["name"].tolist() == ["一区", "二区"]
    g = t.geometry.iloc[0]
    assert g.is_valid and g.geom_type == "MultiPolygon"
    # the repaired bow tie is two triangles of 0.0025 each, plus the merged square of 0.01
    assert g.area == pytest.approx(0.005 + 0.01)
    assert [(p.row, p.reason, p.action) for p in res.report.problems] == [
        (1, Reason.INVALID_GEOMETRY, "repaired"),
        (3, Reason.EMPTY_GEOMETRY, "dropped"),
        (4, Reason.MERGED, "dropped"),
    ]
    assert res.report.problems[0].detail.startswith("Self-intersection")
    assert res.report.problems[2].detail == "polygon merged into the district of row 1"


def test_points_in_a_district_file_are_an_error(tmp_path):
    path = tmp_path / "points.geojson"
    outlets_gdf().to_file(path, driver="GeoJSON")
    with pytest.raises(IntakeError) as err:
        read_table(path, "districts")
    assert str(path) in str(err.value)
    assert "holds Point geometries, but districts must be polygons" in str(err.value)


def test_districts_from_wkt_text(tmp_path):
    path = tmp_path / "districts.csv"
    pd.DataFrame({"区县": ["一区", "二区", "三区"], "wkt": [s.wkt for s in squares()[:2]] + ["POLYGON ((1 2"]}) \
        .to_csv(path, index=False)
    res = read_table(path, "districts")
    assert res.table["district_id"].tolist() == ["一区", "二区"]
    assert res.table.geometry.iloc[1].equals(squares()[1])
    assert [(p.row, p.reason, p.detail) for p in res.report.problems] == [
        (4, Reason.INVALID_GEOMETRY, "not readable as WKT")]
    assert any("names" in n and "used as ids" in n for n in res.report.notes)


def test_geopackage_layers_and_projection(tmp_path):
    path = tmp_path / "data.gpkg"
    outlets_gdf("EPSG:32651").to_file(path, layer="outlets_utm", driver="GPKG")
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[squares()[0]], crs="EPSG:4326").to_file(
        path, layer="areas", driver="GPKG")
    res = read_table(path, "outlets", layer="outlets_utm")
    rep = res.report
    assert rep.layer == "outlets_utm" and set(rep.layers) == {"outlets_utm", "areas"}
    assert rep.source_crs == "EPSG:32651" and rep.crs == "wgs84"
    assert any("reprojected from EPSG:32651" in n for n in rep.notes)
    assert rep.mapping["lon"] == "(geometry)" and rep.mapping_source["lon"] == "geometry"
    assert res.table["lon"].to_numpy() == pytest.approx([121.47, 121.43, 121.42], abs=1e-8)
    assert res.table["lat"].to_numpy() == pytest.approx([31.23, 31.18, 31.22], abs=1e-8)
    assert res.table["sales"].tolist() == [100.0, 200.0, 300.0]
    with pytest.raises(IntakeError, match="no layer named 'nope'; layers: "):
        read_table(path, "outlets", layer="nope")
    _, info = preview(path, layer="areas")
    assert info["layer"] == "areas" and info["kind_guess"] in ("districts", "grid")


def test_truncated_geopackage(tmp_path):
    path = tmp_path / "cut.gpkg"
    big = gpd.GeoDataFrame({"id": [f"O{i}" for i in range(2000)]},
                           geometry=gpd.points_from_xy(np.linspace(121, 122, 2000), np.linspace(31, 32, 2000)),
                           crs="EPSG:4326")
    big.to_file(path, driver="GPKG")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    assert str(path) in str(err.value)
    assert "damaged or not a GeoPackage" in str(err.value)


def test_not_a_geopackage(tmp_path):
    path = tmp_path / "fake.gpkg"
    path.write_text("id,lon,lat\n", encoding="utf-8")
    with pytest.raises(IntakeError, match="damaged or not a GeoPackage"):
        read_table(path, "outlets")


@pytest.mark.parametrize("with_cpg", [True, False])
def test_gbk_shapefile(tmp_path, with_cpg):
    path = tmp_path / "outlets.shp"
    outlets_gdf().to_file(path, encoding="gbk")
    if not with_cpg:
        path.with_suffix(".cpg").unlink()
    res = read_table(path, "outlets")
    assert res.report.mapping["outlet_id"] == "门店编号" and res.report.mapping["name"] == "名称"
    assert res.table["name"].tolist() == NAMES
    assert res.report.encoding == ("GBK" if with_cpg else "GB18030")
    assert res.report.row_label == "feature"


def test_utf8_shapefile_without_cpg(tmp_path):
    # dbf field names hold 10 bytes: three Chinese characters in UTF-8
    path = tmp_path / "utf8.shp"
    outlets_gdf().rename(columns={"门店编号": "编号"}).to_file(path, encoding="utf-8")
    path.with_suffix(".cpg").unlink()
    res = read_table(path, "outlets")
    assert res.table["name"].tolist() == NAMES and res.report.encoding == "UTF-8"
    assert res.table["sales"].tolist() == [100.0, 200.0, 300.0]


def test_geojson_outlets_with_bad_features(tmp_path):
    gdf = outlets_gdf()
    gdf.loc[1, "geometry"] = None
    path = tmp_path / "o.geojson"
    gdf.to_file(path, driver="GeoJSON")
    res = read_table(path, "outlets")
    assert res.table["outlet_id"].tolist() == ["A1", "A3"]
    assert [(p.row, p.reason) for p in res.report.problems] == [(2, Reason.MISSING_COORDINATES)]


def test_parquet(tmp_path):
    path = tmp_path / "o.parquet"
    pd.DataFrame({"outlet_id": ["A", "B", "C"], "lng": [121.4, 121.5, np.nan], "lat": [31.2, 31.3, 31.4],
                  "sales": [1, 2, 3], "covered": [True, False, True]}).to_parquet(path)
    res = read_table(path, "outlets")
    assert res.table["outlet_id"].tolist() == ["A", "B"]
    assert res.table["covered"].tolist() == [True, False]
    assert res.report.format == "parquet" and res.report.row_label == "record"
    assert [(p.row, p.reason) for p in res.report.problems] == [(3, Reason.MISSING_COORDINATES)]


def test_geoparquet(tmp_path):
    path = tmp_path / "o.parquet"
    outlets_gdf("EPSG:3857").to_parquet(path)
    res = read_table(path, "outlets")
    assert res.report.source_crs == "EPSG:3857"
    assert res.table["lon"].to_numpy() == pytest.approx([121.47, 121.43, 121.42], abs=1e-8)


def test_damaged_parquet(tmp_path):
    path = tmp_path / "o.parquet"
    pd.DataFrame({"id": range(1000), "lon": 121.0, "lat": 31.0}).to_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    assert str(path) in str(err.value) and "damaged or not a Parquet file" in str(err.value)

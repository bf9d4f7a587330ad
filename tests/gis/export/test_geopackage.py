"""The GeoPackage read back with pyogrio: layers, geometry types, field types, counts, CRS, shapes."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely

from gis import hexgrid
from gis.export.exports import export_geopackage
from gis.export.options import ExportOptions
from tests.gis.export import synthetic

EXPECTED = {
    "districts": ("MultiPolygon", 2), "outlets": ("Point", 12), "expansion": ("Point", 6), "sites": ("Point", 3),
    "trade_areas": ("MultiPolygon", 2), "routes": ("LineString", 3), "route_stops": ("Point", 6),
    "reps": ("Point", 2),
}


def _types(path, layer) -> dict[str, str]:
    info = pyogrio.read_info(path, layer=layer)
    return dict(zip(info["fields"], info["ogr_types"]))


def test_layers_geometry_types_counts_and_crs(exported):
    path = exported["storeplan.gpkg"]
    layers = dict(pyogrio.list_layers(path).tolist())
    grid = synthetic.project().grid
    for name, (geometry, rows) in {**EXPECTED, "h3_grid": ("Polygon", len(grid))}.items():
        assert layers[name] == geometry, name
        info = pyogrio.read_info(path, layer=name)
        assert info["features"] == rows, name
        assert info["crs"] == "EPSG:4326", name
    assert layers["about"] is None  # a plain attribute table


def test_field_types(exported):
    path = exported["storeplan.gpkg"]
    outlets = _types(path, "outlets")
    assert outlets["outlet_id"] == "OFTString" and outlets["name"] == "OFTString"
    assert outlets["score"] == "OFTReal" and outlets["rank_in_district"] == "OFTInteger64"
    assert outlets["covered"] == "OFTInteger"  # with the boolean subtype
    assert pyogrio.read_info(path, layer="outlets")["ogr_subtypes"][list(outlets).index("covered")] == "OFSTBoolean"
    routes = _types(path, "routes")
    assert routes["date"] == "OFTDate" and routes["day"] == "OFTInteger64" and routes["travel_km"] == "OFTReal"
    stops = _types(path, "route_stops")
    assert stops["arrival"] == "OFTString"  # HH:MM
    sites = pyogrio.read_dataframe(path, layer="sites")
    assert _types(path, "sites")["pick_order"] == "OFTInteger64"
    assert sites["pick_order"].isna().sum() == 1  # the candidate not chosen has no pick order
    assert sites["cell"].tolist() == sites["site_id"].tolist()  # hex ids, not 64-bit integers


def test_route_lines_start_and_end_at_home(exported):
    routes = pyogrio.read_dataframe(exported["storeplan.gpkg"], layer="routes")
    r2 = routes.loc[(routes["rep_id"] == "R2") & (routes["day"] == 2)].iloc[0]
    xy = shapely.get_coordinates(r2.geometry)
    np.testing.assert_allclose(xy, [[121.495, 31.225], [121.49, 31.24], [121.495, 31.225]])
    assert r2["stops"] == 1 and r2["first_arrival"] == "09:20"
    r1 = routes.loc[routes["rep_id"] == "R1"].iloc[0]
    assert r1["travel_km"] == pytest.approx(6.5) and r1["rep_name"] == "张伟"


def test_trade_area_is_the_union_of_its_cells(exported):
    areas = pyogrio.read_dataframe(exported["storeplan.gpkg"], layer="trade_areas")
    project = synthetic.project()
    ta = project.results["trade_areas"]
    for row in areas.itertuples():
        cells = ta.loc[ta["site_id"] == row.site_id, "cell"].to_numpy(np.int64)
        assert len(cells) == 7 and row.cells == 7  # the site's cell and its six neighbours
        assert len(row.geometry.geoms) == 1  # adjacent cells make one polygon
        expected = shapely.area(hexgrid.cells_to_polygons(cells)).sum()
        assert row.geometry.area == pytest.approx(expected, rel=1e-6)


def test_grid_cells_and_values_round_trip(exported):
    grid = synthetic.project().grid
    cells = pyogrio.read_dataframe(exported["storeplan.gpkg"], layer="h3_grid")
    ids = hexgrid.str_to_cells(cells["cell"].to_numpy(object))
    np.testing.assert_array_equal(ids, grid.index.to_numpy())
    np.testing.assert_allclose(cells["residents"].to_numpy(float), grid["residents"].to_numpy())
    assert (cells["resolution"] == synthetic.RESOLUTION).all()


def test_one_district_and_missing_results(tmp_path):
    path = export_geopackage(synthetic.project(), tmp_path / "west.gpkg", ExportOptions(district="西区"))
    assert pyogrio.read_info(path, layer="outlets")["features"] == 6
    assert pyogrio.read_info(path, layer="districts")["features"] == 1
    grid = pyogrio.read_dataframe(path, layer="h3_grid")
    centres = shapely.centroid(grid.geometry.to_numpy())
    assert (shapely.get_x(centres) < 121.45).all()
    bare = export_geopackage(synthetic.project(results=False), tmp_path / "bare.gpkg")
    layers = dict(pyogrio.list_layers(bare).tolist())
    assert set(layers) == {"districts", "outlets", "reps", "h3_grid", "about"}
    about = pyogrio.read_dataframe(bare, layer="about")
    missing = about.loc[about["key"] == "missing", "value"].tolist()
    assert "outlet scores" in missing and "routes" in missing

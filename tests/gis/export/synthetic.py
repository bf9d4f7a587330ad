"""A small hand-made project for the export tests: two square districts, a grid, twelve outlets,
two reps and every analysis result, with values chosen so the tests can check them by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import hexgrid
from gis.project import Project

WEST = ("D1", "西区", (121.40, 31.20, 121.45, 31.25))
EAST = ("D2", "东区", (121.45, 31.20, 121.50, 31.25))
RESOLUTION = 9
DATE = "2026-03-02"


def _grid() -> pd.DataFrame:
    lon, lat = np.meshgrid(np.linspace(121.401, 121.499, 90), np.linspace(31.201, 31.249, 45))
    cells = np.unique(hexgrid.latlon_to_cells(lat.ravel(), lon.ravel(), RESOLUTION))
    clat, clon = hexgrid.cells_to_latlon(cells)
    # residents grow eastwards: 0 at the west edge, 1,000 at the east edge
    residents = np.round((clon - 121.40) / 0.10 * 1000.0, 3)
    grid = pd.DataFrame({"residents": residents, "consumption_index": 100.0 + (clat - 31.2) * 100},
                        index=pd.Index(cells, name="cell"))
    grid.attrs = {"resolution": RESOLUTION, "intensive": ["consumption_index"]}
    return grid


OUTLETS = [
    # id, name, lon, lat, channel, covered, sales, district
    ("O01", "联华超市(西一店)", 121.410, 31.210, "supermarket", True, 120_000.0, "西区"),
    ("O02", "好德便利(西二店)", 121.420, 31.220, "convenience", True, 40_000.0, "西区"),
    ("O03", "张记烟纸店", 121.430, 31.230, "traditional", False, np.nan, "西区"),
    ("O04", "=HYPERLINK(\"http://x\")", 121.440, 31.240, "catering", False, np.nan, "西区"),
    ("O05", "家乐福(西区店)", 121.415, 31.235, "hypermarket", True, 300_000.0, "西区"),
    ("O06", "<b>全家</b>", 121.435, 31.215, "convenience", False, np.nan, "西区"),
    ("O07", "联华超市(东一店)", 121.460, 31.210, "supermarket", True, 150_000.0, "东区"),
    ("O08", "罗森(东二店)", 121.470, 31.220, "convenience", True, 50_000.0, "东区"),
    ("O09", "李记小卖部", 121.480, 31.230, "traditional", False, np.nan, "东区"),
    ("O10", "东区餐厅", 121.490, 31.240, "catering", True, 80_000.0, "东区"),
    ("O11", "大润发(东区店)", 121.465, 31.235, "hypermarket", False, np.nan, "东区"),
    ("O12", "7-11(东三店)", 121.485, 31.215, "convenience", False, np.nan, "东区"),
]


def project(results: bool = True) -> Project:
    """The synthetic project; ``results=False`` gives the inputs and grid only."""
    districts = gpd.GeoDataFrame(
        {"district_id": [WEST[0], EAST[0]], "name": [WEST[1], EAST[1]]},
        geometry=[shapely.box(*WEST[2]), shapely.box(*EAST[2])], crs="EPSG:4326")
    o = pd.DataFrame(OUTLETS, columns=["outlet_id", "name", "lon", "lat", "channel", "covered", "sales",
                                       "district"])
    o["district"] = o["district"].astype("string")
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "name": ["张伟", "李娜"], "lat": [31.225, 31.225],
                         "lon": [121.405, 121.495], "shift_start": [540.0, 540.0], "shift_end": [1080.0, 1080.0]})
    p = Project(name="测试城市", settings={"resolution": RESOLUTION, "intensive": ["consumption_index"]})
    p.inputs = {"outlets": o, "districts": districts, "reps": reps}
    p.grid = _grid()
    p.reports = {"intake": {
        "outlets": {"file": "/data/outlets.csv", "rows_read": 12, "rows_usable": 12, "crs": "wgs84"},
        "districts": {"file": "/data/districts.geojson", "rows_read": 2, "rows_usable": 2, "crs": "gcj02"},
        "grid:population.parquet": {"file": "/data/population.parquet", "rows_read": len(p.grid),
                                    "rows_usable": len(p.grid), "crs": "wgs84"},
    }}
    if results:
        p.results = _results(o)
    return p


def _results(o: pd.DataFrame) -> dict[str, pd.DataFrame]:
    covered = o["covered"].to_numpy(bool)
    score = np.array([80, 60, 70, 30, 90, 50, 85, 40, 75, 65, 95, 20], dtype=float)
    potential = np.array([130, 50, 60, 20, 280, 30, 160, 55, 70, 90, 200, 15], dtype=float) * 1000
    scores = o[["outlet_id", "name", "lat", "lon", "district", "channel", "covered", "sales"]].copy()
    scores["score"] = score
    scores["potential"] = potential
    scores["gap"] = np.where(covered, potential - o["sales"].fillna(0).to_numpy(), potential)
    scores["rank_in_district"] = scores.groupby("district")["score"].rank(ascending=False).astype("int64")
    scores["tier"] = pd.Series(np.select([score >= 80, score >= 60, score >= 40], ["A", "B", "C"], "D"),
                               dtype="string")
    ranking = pd.DataFrame({
        "district": pd.array(["东区", "西区"], dtype="string"), "rank": [1, 2], "priority_score": [72.5, 41.0],
        "district_id": pd.array(["D2", "D1"], dtype="string"), "outlets_total": [6, 6], "outlets_covered": [3, 3],
        "coverage_numeric": [0.5, 0.5], "sales": [280_000.0, 460_000.0], "headroom": [350_000.0, 110_000.0],
    })
    prospects = scores.loc[~covered].copy()
    prospects["expected_sales"] = prospects["potential"]
    prospects["cannibalized_sales"] = 1000.0
    prospects["net_sales"] = prospects["expected_sales"] - 1000.0
    prospects = prospects.sort_values(["district", "net_sales"], ascending=[True, False])
    prospects["rank"] = prospects.groupby("district").cumcount() + 1
    expansion = prospects[["district", "rank", "outlet_id", "expected_sales", "cannibalized_sales", "net_sales",
                           "name", "channel", "score", "tier", "lat", "lon"]].reset_index(drop=True)

    site_cells = hexgrid.latlon_to_cells(np.array([31.222, 31.228, 31.205]), np.array([121.425, 121.475, 121.445]),
                                         RESOLUTION)
    slat, slon = hexgrid.cells_to_latlon(site_cells)
    sites = pd.DataFrame({
        "site_id": pd.array(hexgrid.cells_to_str(site_cells), dtype="string"), "lat": slat, "lon": slon,
        "cell": site_cells, "district": pd.array(["西区", "东区", "西区"], dtype="string"),
        "expected_sales": [200_000.0, 150_000.0, 90_000.0], "cannibalized_sales": [20_000.0, 10_000.0, 30_000.0],
        "net_sales": [180_000.0, 140_000.0, 60_000.0], "chosen": [True, True, False],
        "pick_order": pd.array([1, 2, None], dtype="Int64"), "marginal_net_sales": [180_000.0, 135_000.0, np.nan],
    })
    origin, neighbour, _ = hexgrid.grid_disk(site_cells[:2], 1)  # each chosen site: its cell and 6 neighbours
    trade_areas = pd.DataFrame({"site_id": sites["site_id"].to_numpy()[origin], "cell": neighbour,
                                "probability": 0.5, "spend": 100.0, "expected_sales": 50.0})
    strategy = scores[["outlet_id", "name", "district", "covered", "tier"]].copy()
    strategy["segment"] = np.where(np.arange(12) % 2 == 0, "office 办公", "residential 居住")
    strategy["price_band"] = "mainstream"
    strategy["promotion"] = np.where(covered, "display 陈列", "sampling 试饮")
    strategy["visits_per_month"] = scores["tier"].map({"A": 4.0, "B": 2.0, "C": 1.0, "D": 0.0}).astype(float)
    strategy["recommended_products"] = "矿泉水 550ml"
    # R1 visits three western outlets on day 1; R2 two eastern ones on day 1 and one on day 2
    routes = pd.DataFrame({
        "rep_id": ["R1", "R1", "R1", "R2", "R2", "R2"], "day": [1, 1, 1, 1, 1, 2],
        "date": ["2026-03-02", "2026-03-02", "2026-03-02", "2026-03-02", "2026-03-02", "2026-03-03"],
        "seq": [1, 2, 3, 1, 2, 1], "outlet_id": ["O01", "O02", "O05", "O07", "O08", "O10"],
        "arrival": [9 * 3600 + 600, 10 * 3600, 11 * 3600 + 1800, 9 * 3600 + 900, 10 * 3600 + 300, 9 * 3600 + 1200],
        "start": [9 * 3600 + 600, 10 * 3600, 11 * 3600 + 1800, 9 * 3600 + 900, 10 * 3600 + 300, 9 * 3600 + 1200],
        "departure": [9 * 3600 + 1500, 10 * 3600 + 900, 11 * 3600 + 2700, 9 * 3600 + 1800, 10 * 3600 + 1200,
                      9 * 3600 + 2100],
        "travel_s": [600, 900, 1200, 900, 600, 1200], "travel_m": [1500, 2000, 3000, 2500, 1200, 3100],
    })
    routes = routes.merge(o[["outlet_id", "name", "lat", "lon"]], on="outlet_id", how="left")
    rep_summary = pd.DataFrame({"rep_id": ["R1", "R2", "R2"], "day": [1, 1, 2],
                                "date": ["2026-03-02", "2026-03-02", "2026-03-03"], "visits": [3, 2, 1],
                                "travel_s": [4000, 2500, 2400], "travel_m": [9000, 5000, 6200],
                                "leave": [9 * 3600, 9 * 3600, 9 * 3600], "back": [12 * 3600, 11 * 3600, 10 * 3600]})
    unscheduled = pd.DataFrame({"outlet_id": ["O11"], "visits_missing": [2], "reason": ["no rep has time left"]})
    return {"district_ranking": ranking, "outlet_scores": scores, "expansion_list": expansion, "sites": sites,
            "trade_areas": trade_areas, "outlet_strategy": strategy, "routes": routes, "rep_summary": rep_summary,
            "unscheduled": unscheduled}

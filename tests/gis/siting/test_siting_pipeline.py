import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from gis import hexgrid
from gis.errors import AnalysisError, Cancelled
from gis.progress import CallbackProgress
from gis.siting import SitingParams, run_siting
from gis.siting.huff import LocalPlane

CENTRE = (31.23, 121.47)
EAST_LON = 121.50          # the workers' hot spot, far from every store


@pytest.fixture
def city():
    """~470 res-9 cells: residents everywhere, a workers' hot spot in the east, 3 own stores in the west."""
    centre = hexgrid.latlon_to_cells(np.array([CENTRE[0]]), np.array([CENTRE[1]]), 9)
    _, cells, _ = hexgrid.grid_disk(centre, 12)
    cells = np.sort(cells)
    lat, lon = hexgrid.cells_to_latlon(cells)
    hot = np.hypot((lat - CENTRE[0]) * 111_000, (lon - EAST_LON) * 95_000) < 600
    layer = pd.DataFrame({
        "residents": np.full(len(cells), 100.0),
        "workers": np.where(hot, 3000.0, 0.0),
        "consumption_index": np.where(lon > CENTRE[1], 120.0, 90.0),
        "poi_competitor": np.where((np.abs(lat - CENTRE[0]) < 0.002) & (np.abs(lon - 121.455) < 0.002), 1.0, 0.0),
    }, index=pd.Index(cells, name="cell"))
    layer.attrs["resolution"] = 9
    layer.attrs["intensive"] = ["consumption_index"]
    outlets = pd.DataFrame({
        "outlet_id": ["S1", "S2", "S3", "P1", "X1"],
        "name": ["甲店", "乙店", "丙店", "潜在", "对手"],
        "lat": [31.230, 31.225, 31.236, 31.232, 31.228],
        "lon": [121.450, 121.445, 121.447, 121.470, 121.460],
        "channel": pd.array(["convenience", "supermarket", None, "convenience", "convenience"], dtype="string"),
        "covered": [True, True, True, False, False],
        "sales": [5000.0, 9000.0, 4000.0, np.nan, np.nan],
        "district": pd.array(["西区", "西区", "西区", "东区", "西区"], dtype="string"),
        "rival": ["否", "否", "否", "否", "是"],
    })
    return layer, outlets


@pytest.fixture
def districts():
    """West and east districts split at the centre's longitude."""
    return gpd.GeoDataFrame({"district_id": ["W", "E"], "name": ["西区", "东区"]},
                            geometry=[box(121.3, 31.1, CENTRE[1], 31.4), box(CENTRE[1], 31.1, 121.6, 31.4)],
                            crs="EPSG:4326")


def _metres(lat1, lon1, lat2, lon2):
    plane = LocalPlane(lat1, lon1)
    a, b = plane.project([lat1], [lon1])[0], plane.project([lat2], [lon2])[0]
    return float(np.hypot(*(a - b)))


def test_run_siting_tables_are_consistent(city):
    layer, outlets = city
    params = SitingParams(n_sites=3, competitor_column="rival", min_distance_m=500, min_site_spacing_m=800,
                          cutoff_m=1000.0)
    result = run_siting(layer, outlets, params=params)
    sites, cannibal = result.sites, result.cannibalization
    chosen = result.chosen
    assert len(chosen) == 3 and chosen["pick_order"].tolist() == [1, 2, 3]
    assert sites["chosen"].iloc[:3].all() and not sites["chosen"].iloc[3:].any()
    np.testing.assert_allclose(sites["net_sales"], sites["expected_sales"] - sites["cannibalized_sales"])
    assert (sites["cannibalized_sales"] >= -1e-9).all()
    # the marginal gains add up to the plan's net new sales = own sales after − before
    s = result.summary
    assert chosen["marginal_net_sales"].sum() == pytest.approx(s["net_new_sales"])
    assert s["own_sales_after"] - s["own_sales_before"] == pytest.approx(s["net_new_sales"])
    assert chosen["sales_in_plan"].sum() - cannibal["cannibalized_sales"].sum() == pytest.approx(s["net_new_sales"])
    np.testing.assert_allclose(cannibal["cannibalized_sales"], cannibal["sales_before"] - cannibal["sales_after"])
    # calibration: the own stores are modelled at their actual total
    assert cannibal["sales_before"].sum() == pytest.approx(18_000.0)
    assert any("calibrated" in n for n in result.notes)
    # the constraints: 500 m from own stores, 800 m between new sites
    own = outlets[outlets["covered"]]
    for _, site in chosen.iterrows():
        for _, store in own.iterrows():
            assert _metres(site.lat, site.lon, store.lat, store.lon) >= 500
    pts = chosen[["lat", "lon"]].to_numpy()
    for a in range(3):
        for b in range(a + 1, 3):
            assert _metres(*pts[a], *pts[b]) > 800
    # the first pick is in the workers' hot spot, beyond the reach (1 km) of every store
    assert _metres(chosen["lat"].iloc[0], chosen["lon"].iloc[0], CENTRE[0], EAST_LON) < 600
    # trade areas: chosen sites only, cells of the layer, probability above the cut-off
    ta = result.trade_areas
    assert set(ta["site_id"]) <= set(chosen["site_id"])
    assert (ta["probability"] >= params.trade_area_min_p).all()
    assert ta["cell"].isin(layer.index).all()
    np.testing.assert_allclose(ta["expected_sales"], ta["probability"] * ta["spend"])
    first = result.trade_area(chosen["site_id"].iloc[0])
    assert len(first) > 0 and first.index.isin(layer.index).all()
    assert chosen["cell"].iloc[0] in first.index     # a site's own cell is in its trade area
    # site ids are the H3 cells as text
    assert (chosen["site_id"] == pd.Series(hexgrid.cells_to_str(chosen["cell"].to_numpy()))).all()
    assert result.summary["competitor_outlets"] == 1
    assert result.summary["competitor_cells"] == int((layer["poi_competitor"] > 0).sum())


def test_spend_scales_with_people_and_consumption(city):
    layer, outlets = city
    result = run_siting(layer, outlets, params=SitingParams(n_sites=1, calibrate=False, spend_per_capita=2.0))
    # a western cell: 100 residents × 0.9 × 2; a hot-spot cell adds 0.6 × 3000 workers × 1.2 × 2
    west = layer.index[(layer["workers"] == 0) & (layer["consumption_index"] == 90)][0]
    hot = layer.index[layer["workers"] > 0][0]
    assert result.demand[west] == pytest.approx(100 * 0.9 * 2)
    assert result.demand[hot] == pytest.approx((100 + 0.6 * 3000) * 1.2 * 2)
    assert result.summary["calibration_factor"] == 1.0
    assert not any("calibrated" in n for n in result.notes)


def test_target_mode_and_exact_method(city):
    layer, outlets = city
    base = dict(min_distance_m=500, min_site_spacing_m=800, min_demand=400.0)
    one = run_siting(layer, outlets, params=SitingParams(n_sites=1, **base))
    first = one.summary["net_new_sales"]
    target = run_siting(layer, outlets, params=SitingParams(target_sales=first * 1.01, **base))
    assert target.summary["sites_chosen"] >= 2
    assert target.summary["net_new_sales"] >= first * 1.01
    assert any("target" in n and "reached" in n for n in target.notes)
    kept = one.summary["candidates_kept"]
    assert kept < 60   # the minimum demand keeps the exact enumeration small
    exact = run_siting(layer, outlets, params=SitingParams(n_sites=2, method="exact", **base))
    greedy = run_siting(layer, outlets, params=SitingParams(n_sites=2, **base))
    assert greedy.summary["net_new_sales"] >= 0.95 * exact.summary["net_new_sales"]
    assert greedy.summary["net_new_sales"] <= exact.summary["net_new_sales"] * (1 + 1e-9)


def test_district_constraint(city, districts):
    layer, outlets = city
    result = run_siting(layer, outlets, districts=districts,
                        params=SitingParams(n_sites=2, districts=("西区",), min_distance_m=300))
    assert (result.sites["lon"] < CENTRE[1]).all()
    assert set(result.sites["district"]) == {"西区"}
    assert any("by district" in n for n in result.notes)
    by_id = run_siting(layer, outlets, districts=districts, params=SitingParams(n_sites=2, districts=("E",)))
    assert (by_id.sites["lon"] > CENTRE[1]).all()
    with pytest.raises(AnalysisError, match="district boundaries"):
        run_siting(layer, outlets, params=SitingParams(districts=("西区",)))
    # without the constraint the evaluated sites still carry their district
    anywhere = run_siting(layer, outlets, districts=districts, params=SitingParams(n_sites=2, max_candidates=40))
    west = anywhere.sites["lon"] < CENTRE[1]
    assert (anywhere.sites.loc[west, "district"] == "西区").all()
    assert (anywhere.sites.loc[~west, "district"] == "东区").all()


def test_point_candidates(city):
    layer, outlets = city
    points = pd.DataFrame({"site_id": ["near", "hot", "far"], "name": ["近", "热", "远"],
                           "lat": [31.2301, CENTRE[0], 31.26], "lon": [121.4501, EAST_LON, 121.40]})
    result = run_siting(layer, outlets, params=SitingParams(candidate_source="points", n_sites=1), candidates=points)
    # "near" is 10 m from store S1 and filtered out; "far" is outside the layer (no demand of its own)
    assert set(result.sites["site_id"]) == {"hot", "far"}
    assert result.chosen["site_id"].tolist() == ["hot"]
    assert result.chosen["name"].tolist() == ["热"]
    with pytest.raises(AnalysisError, match="candidate points"):
        run_siting(layer, outlets, params=SitingParams(candidate_source="points"))


def test_max_candidates_note(city):
    layer, outlets = city
    result = run_siting(layer, outlets, params=SitingParams(n_sites=2, max_candidates=50))
    assert len(result.sites) == 50
    assert any("left out of the selection" in n for n in result.notes)


def test_no_sales_no_own_stores_and_missing_population(city):
    layer, outlets = city
    no_sales = run_siting(layer, outlets.assign(sales=np.nan), params=SitingParams(n_sites=1))
    assert any("not calibrated" in n for n in no_sales.notes)
    nobody = run_siting(layer, outlets.assign(covered=False), params=SitingParams(n_sites=1))
    assert any("no own stores" in n for n in nobody.notes)
    assert nobody.cannibalization.empty
    assert nobody.sites["cannibalized_sales"].eq(0).all()
    with pytest.raises(AnalysisError, match="people"):
        run_siting(layer[["consumption_index"]], outlets)


def test_cancel(city):
    layer, outlets = city
    handle = CallbackProgress()
    handle.cancel()
    with pytest.raises(Cancelled):
        run_siting(layer, outlets, progress=handle)


def test_no_candidate_left(city):
    layer, outlets = city
    result = run_siting(layer, outlets, params=SitingParams(min_demand=1e12))
    assert result.sites.empty and result.trade_areas.empty
    assert result.summary["sites_chosen"] == 0 and result.summary["net_new_sales"] == 0
    assert (result.cannibalization["cannibalized_sales"] == 0).all()
    assert any("no candidate passes" in n for n in result.notes)

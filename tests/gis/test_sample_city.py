"""The committed sample city: census totals, outlets, truth, spatial structure and determinism."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import h3.api.basic_int as h3
import numpy as np
import pandas as pd
import pytest
import shapely

from gis import datasets
from gis.coords import to_wgs84, transform_geometries

CHANNEL_SHARE = {"大卖场": 0.02, "超市": 0.12, "便利店": 0.30, "夫妻店": 0.35, "餐饮": 0.16, "其他": 0.05}
SERVICE_MIN = {"大卖场": 45, "超市": 30, "便利店": 15, "夫妻店": 10, "餐饮": 15, "其他": 10}
PERIODS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
MONTH_COLUMNS = [f"销售额_{p}" for p in PERIODS]
LUJIAZUI = (31.2380, 121.5020)  # WGS-84 lat, lon


def _km(lat1, lon1, lat2, lon2):
    return np.hypot((lon1 - lon2) * 111.32 * np.cos(np.radians(31.2)), (lat1 - lat2) * 110.57)


@pytest.fixture(scope="module")
def districts_wgs() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(datasets.get_path("districts"))
    return gdf.set_geometry(transform_geometries(gdf.geometry.values, "gcj02", "wgs84"))


@pytest.fixture(scope="module")
def grid(districts_wgs) -> pd.DataFrame:
    frames = [pd.read_parquet(datasets.get_path(n)) for n in ("grid_population", "grid_consumption", "grid_poi")]
    assert all(frames[0]["h3"].equals(f["h3"]) for f in frames[1:]), "the grid files must share one cell list"
    df = frames[0].join([f.drop(columns="h3") for f in frames[1:]])
    df["cell"] = np.array([h3.str_to_int(s) for s in df["h3"]], dtype=np.int64)
    latlng = np.array([h3.cell_to_latlng(int(c)) for c in df["cell"]])
    df["lat"], df["lon"] = latlng[:, 0], latlng[:, 1]
    df["district"] = pd.Series(pd.NA, index=df.index, dtype="string")
    for name, geom in zip(districts_wgs["name"], districts_wgs.geometry):
        df.loc[shapely.contains_xy(geom, df["lon"], df["lat"]), "district"] = name
    return df


@pytest.fixture(scope="module")
def outlets() -> pd.DataFrame:
    return pd.read_csv(datasets.get_path("outlets"), encoding="utf-8-sig",
                       dtype={"门店编号": str, "营业开始": str, "营业结束": str})


# --------------------------------------------------------------------------------------------- accessor


def test_every_kept_dataset_resolves_to_an_existing_file():
    for name in datasets.names():
        if name in datasets.DERIVED:
            continue  # made by a build step, checked below
        path = datasets.get_path(name)
        assert path.is_file() and datasets.sample_dir() in path.parents, name
    assert datasets.get_path("outlets.csv") == datasets.get_path("outlets")
    assert datasets.sample_config() == datasets.sample_dir() / "demo.toml"


def test_a_missing_derived_dataset_names_the_command_that_makes_it(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "sample_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match=r"sample\.storeplan does not exist.*python -m sample_data\.analysed"):
        datasets.get_path("sample_project")
    with pytest.raises(FileNotFoundError, match=r"python -m sample_data\.generate"):
        datasets.get_path("outlets")
    (tmp_path / "sample.storeplan").write_bytes(b"x")
    assert datasets.get_path("sample.storeplan") == tmp_path / "sample.storeplan"


def test_unknown_dataset_lists_the_known_names():
    with pytest.raises(ValueError, match="unknown sample dataset 'nope'.*grid_population.*outlets"):
        datasets.get_path("nope")


def test_frozen_bundle_reads_from_meipass(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert datasets.sample_dir() == tmp_path / "sample_data"
    with pytest.raises(FileNotFoundError, match="outlets"):
        datasets.get_path("outlets")
    (tmp_path / "sample_data").mkdir()
    (tmp_path / "sample_data" / "demo.toml").write_text("", encoding="utf-8")
    assert datasets.sample_config() == tmp_path / "sample_data" / "demo.toml"


# --------------------------------------------------------------------------------------------- grid


def test_residents_match_the_census_in_every_district(grid):
    census = pd.read_csv(datasets.get_path("census"))
    assert len(census) == 16
    totals = grid.groupby("district")["residents"].sum()
    for name, figure in zip(census["district"], census["resident_population_2020_census"]):
        assert totals[name] == pytest.approx(figure, rel=0.005), name


def test_grid_cells_are_unique_sorted_resolution_9_inside_the_city(grid):
    cells = grid["cell"].to_numpy()
    assert (np.diff(cells) > 0).all()
    assert all(h3.get_resolution(int(c)) == 9 for c in cells[::997])
    assert 50_000 < len(cells) < 110_000
    assert grid["district"].notna().mean() > 0.999
    counts = grid.drop(columns=["h3", "cell", "lat", "lon", "district", "consumption_index"])
    assert (counts >= 0).all().all()
    assert ((grid["residents"] + grid["workers"] + grid["visitors"]) > 0).all()


def test_spatial_structure_dense_core_sparse_island(grid):
    by_district = grid.groupby("district")
    residents = by_district["residents"].mean()
    assert residents["黄浦区"] > 20 * residents["崇明区"]
    for core in ("黄浦区", "静安区", "虹口区"):
        assert residents[core] > residents["浦东新区"] > residents["崇明区"]
    ci = by_district["consumption_index"].mean()
    assert ci["黄浦区"] > 130 > 100 > ci["崇明区"]
    assert grid["consumption_index"].mean() == pytest.approx(100, abs=5)


def test_workers_peak_near_lujiazui(grid):
    parents = np.array([h3.cell_to_parent(int(c), 7) for c in grid["cell"]])
    per_parent = grid.groupby(parents)["workers"].sum()
    lat, lon = h3.cell_to_latlng(int(per_parent.idxmax()))
    assert _km(lat, lon, *LUJIAZUI) < 3.0
    near = _km(grid["lat"], grid["lon"], *LUJIAZUI) < 1.0
    assert grid.loc[near, "workers"].mean() > 10 * grid["workers"].mean()


# --------------------------------------------------------------------------------------------- outlets


def test_outlet_file_is_a_chinese_crm_export(outlets):
    raw = datasets.get_path("outlets").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(outlets.columns) == ["门店编号", "门店名称", "经度", "纬度", "渠道", "是否铺货", "近12月销售额",
                                     "区县", "营业开始", "营业结束", "拜访时长(分钟)"] + MONTH_COLUMNS
    assert 4500 <= len(outlets) <= 5500
    assert outlets["门店编号"].is_unique
    assert outlets["门店编号"].str.fullmatch(r"SH\d{6}").all()
    assert outlets["门店名称"].str.len().gt(2).all()
    for column in ("营业开始", "营业结束"):
        assert outlets[column].str.fullmatch(r"([01]\d|2[0-4]):[0-5]\d").all()
    assert (outlets["拜访时长(分钟)"] == outlets["渠道"].map(SERVICE_MIN)).all()


def test_channel_shares_and_coverage(outlets):
    shares = outlets["渠道"].value_counts(normalize=True)
    assert set(shares.index) == set(CHANNEL_SHARE)
    for label, share in CHANNEL_SHARE.items():
        assert shares[label] == pytest.approx(share, abs=0.01), label
    covered = outlets["是否铺货"].map({"是": True, "否": False})
    assert covered.notna().all()
    assert covered.mean() == pytest.approx(0.60, abs=0.03)
    assert outlets.loc[covered, "近12月销售额"].gt(0).all()
    assert outlets.loc[~covered, ["近12月销售额", *MONTH_COLUMNS]].isna().all().all()


def test_monthly_sales_sum_to_the_twelve_month_total(outlets):
    covered = outlets["是否铺货"] == "是"
    months = outlets.loc[covered, MONTH_COLUMNS]
    assert months.gt(0).all().all()
    np.testing.assert_allclose(months.sum(axis=1), outlets.loc[covered, "近12月销售额"], atol=0.01)


def test_outlets_lie_inside_the_city_and_their_district(outlets, districts_wgs):
    lon, lat = to_wgs84(outlets["经度"].to_numpy(), outlets["纬度"].to_numpy(), "gcj02")
    found = pd.Series(pd.NA, index=outlets.index, dtype="string")
    for name, geom in zip(districts_wgs["name"], districts_wgs.geometry):
        found[shapely.contains_xy(geom, lon, lat)] = name
    assert found.notna().all()
    assert (found == outlets["区县"]).mean() > 0.999


# --------------------------------------------------------------------------------------------- truth


def _recomputed_potential(outlets: pd.DataFrame, grid: pd.DataFrame) -> np.ndarray:
    """The hidden model exactly as README.md writes it, computed independently of the generator."""
    base = {"大卖场": 120_000.0, "超市": 36_000.0, "便利店": 10_000.0, "夫妻店": 4_000.0, "餐饮": 5_000.0,
            "其他": 3_000.0}
    ring_weight = (1.0, 0.5, 0.25)
    index = {c: i for i, c in enumerate(grid["cell"].tolist())}
    values = grid[["residents", "workers", "visitors", "poi_food", "poi_competitor", "consumption_index"]].to_numpy(float)
    lon, lat = to_wgs84(outlets["经度"].to_numpy(), outlets["纬度"].to_numpy(), "gcj02")
    out = np.empty(len(outlets))
    for i, (la, lo, channel) in enumerate(zip(lat, lon, outlets["渠道"])):
        cell = h3.latlng_to_cell(la, lo, 9)
        sums, ci_num, ci_den = np.zeros(5), 0.0, 0.0
        for d, w in enumerate(ring_weight):
            for c in h3.grid_ring(cell, d):
                if c in index:
                    row = values[index[c]]
                    sums += w * row[:5]
                    ci_num += w * row[5]
                    ci_den += w
        r, wk, v, food, comp = sums
        ci = ci_num / ci_den
        log_f = (0.30 * np.log1p(r / 2000) + 0.25 * np.log1p(wk / 2000) + 0.15 * np.log1p(v / 1000)
                 + 0.80 * np.log(ci / 100) + 0.10 * np.log1p(food) - 0.25 * np.log1p(comp))
        out[i] = base[channel] * np.exp(log_f)
    return out


def test_truth_is_the_documented_model_and_sales_carry_its_noise(outlets, grid):
    truth = pd.read_csv(datasets.get_path("outlet_truth"), dtype={"outlet_id": str})
    assert list(truth.columns) == ["outlet_id", "true_potential"]
    assert truth["outlet_id"].tolist() == outlets["门店编号"].tolist()
    assert truth["true_potential"].gt(0).all()
    expected = _recomputed_potential(outlets, grid)
    np.testing.assert_allclose(truth["true_potential"], expected, rtol=1e-6, atol=0.006)
    covered = (outlets["是否铺货"] == "是").to_numpy()
    residual = np.log(outlets.loc[covered, "近12月销售额"].to_numpy()) - np.log(expected[covered])
    assert residual.mean() == pytest.approx(0.0, abs=0.03)
    assert residual.std() == pytest.approx(0.35, abs=0.03)


# --------------------------------------------------------------------------------------------- reps, lines, config


def test_reps_are_based_in_the_centre_and_near_suburbs(districts_wgs):
    reps = pd.read_csv(datasets.get_path("reps"), encoding="utf-8-sig", dtype=str)
    assert list(reps.columns) == ["业务员编号", "姓名", "经度", "纬度", "上班时间", "下班时间", "午休开始", "午休结束",
                                  "午休时长(分钟)"]
    assert len(reps) == 12 and reps["业务员编号"].is_unique and reps["姓名"].is_unique
    lon, lat = to_wgs84(reps["经度"].astype(float), reps["纬度"].astype(float), "gcj02")
    far = districts_wgs[districts_wgs["name"].isin(["崇明区", "金山区", "奉贤区", "青浦区"])].union_all()
    city = districts_wgs.union_all()
    assert shapely.contains_xy(city, lon, lat).all()
    assert not shapely.contains_xy(far, lon, lat).any()
    minutes = {c: reps[c].map(lambda t: int(t[:2]) * 60 + int(t[3:])) for c in ("上班时间", "下班时间", "午休开始", "午休结束")}
    assert (minutes["上班时间"] < minutes["午休开始"]).all() and (minutes["午休结束"] < minutes["下班时间"]).all()
    window = minutes["午休结束"] - minutes["午休开始"]
    assert (reps["午休时长(分钟)"].astype(int) <= window).all()


def test_sales_lines_add_up_to_each_outlets_monthly_sales(outlets):
    lines = pd.read_parquet(datasets.get_path("sales_lines"))
    assert list(lines.columns) == ["outlet_id", "product", "category", "price", "period", "quantity", "amount"]
    assert lines["price"].between(3, 30).all()
    assert 25 <= lines["product"].nunique() <= 35
    assert set(lines["category"]) <= {"饮料", "零食", "乳品"}
    assert (lines["quantity"] >= 1).all() and (lines["amount"] > 0).all()
    assert lines.groupby("product")["price"].nunique().eq(1).all()
    covered = outlets[outlets["是否铺货"] == "是"].set_index("门店编号")[MONTH_COLUMNS]
    covered.columns = PERIODS
    expected = covered.stack()
    got = lines.groupby(["outlet_id", "period"])["amount"].sum()
    assert set(got.index) == set(expected.index)
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), atol=0.01)
    # premium products take a larger share of sales in the affluent centre than in the far suburbs
    premium = lines["product"].str.contains("冷萃咖啡|希腊酸奶|椰子水|气泡水 480ml|每日坚果|牛肉干|低温鲜牛奶")
    share = (lines["amount"].where(premium, 0.0).groupby(lines["outlet_id"]).sum()
             / lines.groupby("outlet_id")["amount"].sum())
    district = outlets.set_index("门店编号")["区县"].reindex(share.index)
    centre = share[district.isin(["黄浦区", "静安区", "长宁区"])].mean()
    far = share[district.isin(["崇明区", "金山区", "奉贤区"])].mean()
    assert centre > 1.3 * far


def test_heat_points_are_a_small_gcj02_export():
    path = datasets.get_path("grid_heat_points")
    assert path.stat().st_size < 3_000_000
    heat = pd.read_csv(path)
    assert list(heat.columns) == ["lat", "lon", "heat"]
    assert 40_000 <= len(heat) <= 60_000 and (heat["heat"] >= 1).all()
    assert heat["lat"].between(30.6, 31.9).all() and heat["lon"].between(120.8, 122.2).all()


def test_demo_config_maps_existing_files_and_headers():
    config = datasets.sample_config()
    raw = tomllib.loads(config.read_text(encoding="utf-8"))
    inputs = raw["inputs"]
    assert inputs["crs"] == "gcj02" and raw["grid"]["intensive"] == ["consumption_index"]
    files = [inputs[k] for k in ("outlets", "districts", "reps", "sales_lines")] + inputs["grid"]
    assert all((config.parent / f).is_file() for f in files)
    for key in ("outlets", "reps"):
        headers = pd.read_csv(config.parent / inputs[key], encoding="utf-8-sig", nrows=0).columns
        assert set(raw["columns"][key].values()) <= set(headers), key


# --------------------------------------------------------------------------------------------- determinism


def test_generator_runs_as_a_script():
    script = datasets.sample_dir() / "generate.py"
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--outlets" in done.stdout


@pytest.mark.slow
def test_regenerating_gives_byte_identical_files(tmp_path):
    from sample_data.generate import generate

    generate(tmp_path)
    for name in ("outlets", "reps", "outlet_truth", "grid_heat_points", "demo_config"):
        committed = datasets.get_path(name)
        fresh = tmp_path / committed.relative_to(datasets.sample_dir())
        assert fresh.read_bytes() == committed.read_bytes(), name
    for name in ("grid_population", "grid_poi", "grid_consumption", "sales_lines"):
        committed = datasets.get_path(name)
        fresh = pd.read_parquet(tmp_path / committed.name)
        pd.testing.assert_frame_equal(fresh, pd.read_parquet(committed))

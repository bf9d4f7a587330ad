"""Map rendering tests: a small but complete synthetic city, and QtWebEngine set-up for the GUI tests.

QtWebEngine must be imported, and ``AA_ShareOpenGLContexts`` set, before the QApplication exists,
so it happens here at import time, before pytest-qt creates the application. Without PySide6
(``STOREPLAN_WITHOUT_QT=1``) only the pure tests run.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

try:
    import PySide6.QtWebEngineWidgets  # noqa: F401  (must precede the QApplication)
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
except ImportError:
    pass

CENTRE = (31.2304, 121.4737)  # People's Square, Shanghai (lat, lon)
XSS_NAME = "<img src=x onerror=alert(1)>"


def _cells_around(lat: float, lon: float, k: int) -> np.ndarray:
    from h3.api import basic_int as h3

    return np.sort(np.array(h3.grid_disk(h3.latlng_to_cell(lat, lon, 9), k), dtype=np.int64))


def _box(lon0, lat0, lon1, lat1):
    from shapely.geometry import box

    return box(lon0, lat0, lon1, lat1)


def demo_tables(seed: int = 7) -> dict:
    """Every layer's input for a ~6 km patch of central Shanghai (WGS-84), seeded."""
    import geopandas as gpd

    from gis import hexgrid

    rng = np.random.default_rng(seed)
    lat0, lon0 = CENTRE
    cells = _cells_around(lat0, lon0, 18)
    clat, clon = hexgrid.cells_to_latlon(cells)
    dist = np.hypot((clat - lat0) * 111.0, (clon - lon0) * 95.0)  # km
    grid = pd.DataFrame({"residents": np.round(4000 * np.exp(-dist / 2.0) + rng.uniform(0, 300, len(cells))),
                         "consumption_index": 50 + 40 * np.cos(clon * 200.0)},
                        index=pd.Index(cells, name="cell"))
    grid.attrs.update(resolution=9, intensive=["consumption_index"])

    west, east = float(clon.min()), float(clon.max())
    south, north = float(clat.min()), float(clat.max())
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    districts = gpd.GeoDataFrame({
        "district_id": ["310101", "310106", "310104", "310109"],
        "name": ["黄浦区", "静安区", "徐汇区", XSS_NAME],
        "priority": [0.9, 0.6, 0.4, 0.2],
    }, geometry=[_box(mid_lon, south, east, mid_lat), _box(west, mid_lat, mid_lon, north),
                 _box(west, south, mid_lon, mid_lat), _box(mid_lon, mid_lat, east, north)], crs="EPSG:4326")

    n = 240
    channels = np.array(["hypermarket", "supermarket", "convenience", "traditional", "catering", "other"])
    outlets = pd.DataFrame({
        "outlet_id": [f"O{i:04d}" for i in range(n)],
        "name": [f"便利店 {i} 号" for i in range(n)],
        "lat": lat0 + rng.uniform(-0.022, 0.022, n),
        "lon": lon0 + rng.uniform(-0.026, 0.026, n),
        "channel": pd.array(rng.choice(channels, n), dtype="string"),
        "covered": rng.uniform(size=n) < 0.6,
        "score": np.round(rng.uniform(20, 98, n), 1),
        "tier": pd.array(rng.choice(["A", "B", "C", "D"], n), dtype="string"),
        "potential": np.round(rng.lognormal(10, 0.5, n)),
        "gap": np.round(rng.normal(0, 5000, n)),
        "strategy": pd.array(rng.choice(["核心单品 + 周访", "全品项 + 双周访", "试销"], n), dtype="string"),
    })
    outlets.loc[0, "name"] = XSS_NAME
    outlets.loc[0, ["lat", "lon"]] = [lat0 + 0.004, lon0 + 0.004]
    expansion = outlets.loc[~outlets["covered"]].nlargest(12, "potential").assign(rank=np.arange(1, 13))

    site_cells = cells[rng.choice(len(cells), 9, replace=False)]
    slat, slon = hexgrid.cells_to_latlon(site_cells)
    disks = [hexgrid.grid_disk(np.array([c]), 3)[1] for c in site_cells]
    sites = pd.DataFrame({
        "site_id": [f"S{i}" for i in range(9)], "lat": slat, "lon": slon,
        "expected_sales": np.round(rng.uniform(2e5, 9e5, 9)), "chosen": [True, True, True] + [False] * 6,
        "trade_area": disks,
    })

    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "name": ["王伟", "李娜"],
                         "lat": [lat0 - 0.015, lat0 + 0.015], "lon": [lon0 - 0.02, lon0 + 0.018]})
    rows = []
    for rep in ("R1", "R2"):
        for day in (0, 1):
            pick = rng.choice(n, 7, replace=False)
            for seq, i in enumerate(pick, start=1):
                rows.append({"rep_id": rep, "day": day, "seq": seq, "outlet_id": outlets.outlet_id[i],
                             "name": outlets.name[i], "lat": outlets.lat[i], "lon": outlets.lon[i]})
    routes = pd.DataFrame(rows)
    return {"grid": grid, "districts": districts, "outlets": outlets, "expansion": expansion,
            "sites": sites, "reps": reps, "routes": routes}


def demo_spec(tables: dict | None = None, **overrides):
    from gis.maprender import (
        Classification, DistrictLayer, ExpansionLayer, HexLayer, MapSpec, OutletLayer, RouteLayer, SiteLayer,
    )

    t = tables or demo_tables()
    layers = (
        HexLayer(t["grid"], "residents", title="居住人口", unit="人",
                 classification=Classification("quantile", 5, ramp="YlOrRd")),
        HexLayer(t["grid"], "consumption_index", title="消费指数", visible=False,
                 classification=Classification("natural_breaks", 4, ramp="Purples")),
        DistrictLayer(t["districts"], column="priority", title="片区优先级", visible=False),
        DistrictLayer(t["districts"], title="片区"),
        SiteLayer(t["sites"], title="选址"),
        RouteLayer(t["routes"], t["reps"], title="拜访路线", visible=False),
        OutletLayer(t["outlets"], color_by="tier", title="售点等级"),
        ExpansionLayer(t["expansion"], title="拓展名单"),
    )
    kwargs = dict(title="上海中心城区 · 门店与渠道规划", subtitle="居住人口（H3 9 级网格）与售点等级",
                  source_note="合成演示数据", date="2026-01-05", layers=layers)
    kwargs.update(overrides)
    return MapSpec(**kwargs)


@pytest.fixture(scope="session")
def tables():
    return demo_tables()


@pytest.fixture(scope="session")
def spec(tables):
    return demo_spec(tables)

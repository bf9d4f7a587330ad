"""A small synthetic city for the scoring tests: an H3 layer around a centre, outlets, hidden truth.

The hidden potential is log-linear in the decay-weighted sums of the layers within 600 m of the
outlet (computed here with a KD-tree, independently of the code under test), times a channel base;
sales = potential × lognormal noise for covered outlets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.scoring.features import to_xyz_m

CENTRE = (31.23, 121.47)
RES = 9
CHANNEL_BASE = {"hypermarket": 100_000.0, "supermarket": 30_000.0, "convenience": 10_000.0,
                "traditional": 4_000.0, "catering": 5_000.0, "other": 3_000.0}
CHANNEL_P = [0.03, 0.12, 0.3, 0.3, 0.17, 0.08]
LAYERS = ("residents", "workers", "visitors", "consumption_index", "poi_food", "poi_retail",
          "poi_office", "poi_school", "poi_transit", "poi_tourism", "poi_hotel", "poi_competitor")


def make_layer(radius_km: float = 5.0, seed: int = 1, drop=()) -> pd.DataFrame:
    """An H3 layer of every cell within ``radius_km`` of the centre, with city-like metrics."""
    import h3

    rng = np.random.default_rng(seed)
    centre = h3.latlng_to_cell(*CENTRE, RES)
    k = int(radius_km * 1000 / (np.sqrt(3) * h3.average_hexagon_edge_length(RES, unit="m"))) + 1
    cells = np.array(sorted(h3.str_to_int(c) for c in h3.grid_disk(centre, k)), dtype=np.int64)
    lat = np.array([h3.cell_to_latlng(h3.int_to_str(c))[0] for c in cells])
    lon = np.array([h3.cell_to_latlng(h3.int_to_str(c))[1] for c in cells])
    x = (lon - CENTRE[1]) * 111.32 * np.cos(np.radians(CENTRE[0]))
    y = (lat - CENTRE[0]) * 110.57
    r = np.hypot(x, y)
    cbd = np.exp(-((x - 0.8) ** 2 + (y - 0.3) ** 2) / 1.2)
    sub = np.exp(-((x + 2.5) ** 2 + (y + 1.5) ** 2) / 3.0)
    res_ = rng.poisson(1500 * np.exp(-r / 3) * (1 + 1.5 * sub)).astype(float)
    work = rng.poisson(300 + 6000 * cbd + 500 * np.exp(-r / 2)).astype(float)
    vis = rng.poisson(200 + 2500 * cbd + 800 * np.exp(-((x + 1) ** 2 + (y - 2) ** 2) / 0.8)).astype(float)
    ci = 80 + 50 * cbd + 20 * np.exp(-r / 2) + rng.normal(0, 5, len(cells))
    df = pd.DataFrame({
        "residents": res_, "workers": work, "visitors": vis, "consumption_index": ci,
        "poi_food": rng.poisson(1 + 8 * cbd + 2 * sub).astype(float),
        "poi_retail": rng.poisson(1 + 4 * cbd + 3 * sub).astype(float),
        "poi_office": rng.poisson(0.2 + 10 * cbd).astype(float),
        "poi_school": rng.poisson(0.3 + 1.0 * sub).astype(float),
        "poi_transit": rng.poisson(0.3 + 1.5 * cbd).astype(float),
        "poi_tourism": rng.poisson(0.1 + 0.5 * cbd).astype(float),
        "poi_hotel": rng.poisson(0.1 + 1.0 * cbd).astype(float),
        "poi_competitor": rng.poisson(0.3 + 1.5 * cbd + 0.5 * sub).astype(float),
    }, index=pd.Index(cells, name="cell"))
    df = df.drop(columns=list(drop))
    df.attrs["resolution"] = RES
    df.attrs["intensive"] = [c for c in ("consumption_index",) if c in df.columns]
    return df


def _truth_features(lat, lon, layer: pd.DataFrame) -> pd.DataFrame:
    from scipy.spatial import cKDTree

    from gis.hexgrid import cells_to_latlon

    clat, clon = cells_to_latlon(layer.index.to_numpy())
    tree = cKDTree(to_xyz_m(clat, clon))
    pts = to_xyz_m(lat, lon)
    cols = ["residents", "workers", "visitors", "poi_food", "poi_competitor"]
    vals = layer[cols].to_numpy(dtype=float)
    ci = layer["consumption_index"].to_numpy(dtype=float)
    out = np.zeros((len(pts), len(cols) + 1))
    for i, nb in enumerate(tree.query_ball_point(pts, r=600.0)):
        d = np.linalg.norm(tree.data[nb] - pts[i], axis=1)
        w = np.exp(-d / 300.0)
        out[i, :-1] = w @ vals[nb]
        out[i, -1] = (w @ ci[nb]) / w.sum()
    return pd.DataFrame(out, columns=cols + ["consumption"])


def true_potential(channel: np.ndarray, f: pd.DataFrame) -> np.ndarray:
    base = np.array([CHANNEL_BASE[c] for c in channel])
    log_f = (0.30 * np.log1p(f["residents"] / 2000) + 0.30 * np.log1p(f["workers"] / 2000)
             + 0.15 * np.log1p(f["visitors"] / 1000) + 0.8 * np.log(f["consumption"] / 100)
             + 0.10 * np.log1p(f["poi_food"]) - 0.25 * np.log1p(f["poi_competitor"]))
    return base * np.exp(log_f.to_numpy())


def make_outlets(layer: pd.DataFrame, n: int = 1200, seed: int = 2, cover: float = 0.6,
                 noise: float = 0.3) -> pd.DataFrame:
    """Outlets placed where people are, with channel, district (4 quadrants), truth and sales."""
    from gis.hexgrid import cells_to_latlon

    rng = np.random.default_rng(seed)
    weight = (layer["residents"] + layer["workers"] + layer["visitors"]).to_numpy()
    rows = rng.choice(len(layer), size=n, p=weight / weight.sum())
    clat, clon = cells_to_latlon(layer.index.to_numpy()[rows])
    lat = clat + rng.normal(0, 0.0008, n)
    lon = clon + rng.normal(0, 0.0009, n)
    channel = rng.choice(list(CHANNEL_BASE), size=n, p=CHANNEL_P)
    truth = true_potential(channel, _truth_features(lat, lon, layer))
    covered = rng.random(n) < cover
    sales = np.where(covered, truth * np.exp(rng.normal(0, noise, n)), np.nan)
    district = np.where(lat >= CENTRE[0], "N", "S").astype(object) + np.where(lon >= CENTRE[1], "E", "W").astype(object)
    words = {"hypermarket": "大卖场", "supermarket": "超市", "convenience": "便利店", "traditional": "烟酒店",
             "catering": "面馆", "other": "大药房"}
    names = [f"{i}号{words[c]}" for i, c in enumerate(channel)]
    return pd.DataFrame({
        "outlet_id": [f"O{i:05d}" for i in range(n)], "name": names, "lat": lat, "lon": lon,
        "channel": pd.array(channel, dtype="string"), "covered": covered, "sales": sales,
        "district": pd.array(district, dtype="string"), "true_potential": truth,
    })


def quadrant_districts():
    """Four rectangular districts NE, NW, SE, SW meeting at the centre (EPSG:4326)."""
    import geopandas as gpd
    from shapely.geometry import box

    la, lo = CENTRE
    d = 0.2
    rows = [("NE", "东北区", box(lo, la, lo + d, la + d)), ("NW", "西北区", box(lo - d, la, lo, la + d)),
            ("SE", "东南区", box(lo, la - d, lo + d, la)), ("SW", "西南区", box(lo - d, la - d, lo, la))]
    return gpd.GeoDataFrame({"district_id": [r[0] for r in rows], "name": [r[1] for r in rows]},
                            geometry=[r[2] for r in rows], crs="EPSG:4326")

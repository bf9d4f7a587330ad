"""Chinese coordinate systems: WGS-84, GCJ-02 (AMap, Tencent) and BD-09 (Baidu).

Everything inside StorePlan is WGS-84. Inputs are converted on intake and outputs back on request.
All functions are vectorised over numpy arrays and take and return ``(lon, lat)``.

WGS-84 → GCJ-02 is the published offset formula; GCJ-02 → WGS-84 has no closed form and is
inverted iteratively to well under a centimetre. Points outside mainland China are not shifted
by GCJ-02 (the rectangle test used by every public implementation).
"""

from __future__ import annotations

import numpy as np

from gis.errors import CoordinateError

CRS_NAMES = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def normalise_crs(name: str) -> str:
    """Canonical name of a coordinate system, accepting common spellings."""
    key = str(name).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    aliases = {
        "wgs84": "wgs84", "epsg4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
        "gcj02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02", "tencent": "gcj02",
        "mars": "gcj02", "bd09": "bd09", "bd09ll": "bd09", "baidu": "bd09",
    }
    try:
        return aliases[key]
    except KeyError:
        raise CoordinateError(
            f"unknown coordinate system {name!r}: use one of wgs84, gcj02 (AMap/Tencent), bd09 (Baidu)"
        ) from None


def out_of_china(lon, lat) -> np.ndarray:
    """True where GCJ-02 leaves a point unshifted (outside the mainland China rectangle)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees."""
    x, y = lon - 105.0, lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.array(lon, dtype=float, copy=True), np.array(lat, dtype=float, copy=True)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _arrays(lon, lat)
    inside = ~out_of_china(lon, lat) & np.isfinite(lon) & np.isfinite(lat)
    d_lon, d_lat = _offset(lon[inside], lat[inside])
    lon[inside] += d_lon
    lat[inside] += d_lat
    return lon, lat


def gcj02_to_wgs84(lon, lat, tol_deg: float = 1e-10, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Exact inverse: fixed-point iteration on the forward transform (converges in a few steps)."""
    g_lon, g_lat = _arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    inside = ~out_of_china(g_lon, g_lat) & np.isfinite(g_lon) & np.isfinite(g_lat)
    if not inside.any():
        return w_lon, w_lat
    t_lon, t_lat = g_lon[inside], g_lat[inside]
    x_lon, x_lat = t_lon.copy(), t_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(x_lon, x_lat)
        e_lon, e_lat = f_lon - t_lon, f_lat - t_lat
        x_lon -= e_lon
        x_lat -= e_lat
        if max(np.abs(e_lon).max(), np.abs(e_lat).max()) < tol_deg:
            break
    w_lon[inside], w_lat[inside] = x_lon, x_lat
    return w_lon, w_lat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _arrays(lon, lat)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _arrays(lon, lat)
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def to_wgs84(lon, lat, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert from ``crs`` (wgs84, gcj02 or bd09) to WGS-84."""
    crs = normalise_crs(crs)
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return _arrays(lon, lat)


def from_wgs84(lon, lat, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert from WGS-84 to ``crs``."""
    crs = normalise_crs(crs)
    if crs == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if crs == "bd09":
        return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    return _arrays(lon, lat)


def transform_geometries(geoms, crs_from: str, crs_to: str = "wgs84"):
    """Shift every vertex of a shapely geometry array between Chinese systems."""
    import shapely

    crs_from, crs_to = normalise_crs(crs_from), normalise_crs(crs_to)
    if crs_from == crs_to:
        return geoms

    def _move(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1], crs_from)
        lon, lat = from_wgs84(lon, lat, crs_to)
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, _move)

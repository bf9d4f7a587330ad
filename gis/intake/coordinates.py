"""Coordinate checks on intake: combined "lon,lat" cells, swapped columns, impossible values.

Pure functions on arrays; the validators report what they find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Mainland China and its seas, generously: where a file of Chinese outlets should lie.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)

_PAIR = r"^\s*[(\[]?\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s/|]\s*([-+]?\d+(?:\.\d+)?)\s*[)\]]?\s*$"


def split_pair(series: pd.Series, lat_first: bool = False) -> tuple[pd.Series, pd.Series]:
    """Split "121.47,31.23" (or "121.47 31.23", "(121.47, 31.23)") into two text columns.

    Cells that do not hold two numbers give NA in both.
    """
    text = series.astype("str").str.normalize("NFKC")
    parts = text.str.extract(_PAIR)
    first, second = parts[0].astype("str"), parts[1].astype("str")
    return (second, first) if lat_first else (first, second)


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1]) & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])


def swapped_rows(lon: np.ndarray, lat: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Rows whose lon and lat are the wrong way round.

    A row is swapped when its latitude is impossible (|lat| > 90) while its longitude would be a
    valid latitude, or, in a file that lies in China, when swapping moves it from nowhere into
    China (lat 73–136 and lon 3–54).
    """
    fin = usable & np.isfinite(lon) & np.isfinite(lat)
    if not fin.any():
        return np.zeros(lon.shape, dtype=bool)
    impossible = fin & (np.abs(lat) > 90) & (np.abs(lon) <= 90)
    direct = fin & in_china(lon, lat)
    swapped = fin & in_china(lat, lon)
    china_file = (direct | swapped).sum() > 0.5 * fin.sum()
    return impossible | (china_file & swapped & ~direct)


def out_of_range(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))


def zero(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon == 0) & (lat == 0)


def looks_projected(lon: np.ndarray, lat: np.ndarray) -> bool:
    """Most finite values far beyond degrees: metres of a projected system (e.g. UTM, CGCS2000 GK)."""
    fin = np.isfinite(lon) & np.isfinite(lat)
    if not fin.any():
        return False
    big = (np.abs(lon[fin]) > 1000) | (np.abs(lat[fin]) > 1000)
    return big.mean() > 0.5

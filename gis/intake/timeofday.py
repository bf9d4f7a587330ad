"""Times of day and durations as float minutes.

Times of day: "08:30", "8:30", "08:30:15", "8:30 PM", "8点半", "下午3点", "24:00" (= 1440),
``datetime.time`` / ``datetime`` cells from Excel, numbers of minutes since midnight, and Excel
time fractions (a column whose numbers all lie within 0…1 is read as fractions of a day).
Durations: numbers of minutes (decimals allowed), "45分钟", "1.5小时", "1h", "0:45" (h:mm),
``datetime.time`` / ``timedelta`` cells.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from gis.intake.values import PLACEHOLDERS, blank_mask, by_unique

DAY = 1440.0

_CLOCK = r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}(?:\.\d+)?))?$"
_AMPM = r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2}))?(?P<ap>am|pm|a\.m\.|p\.m\.)$"
_CHINESE = (r"^(?P<pre>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间)?(?P<h>\d{1,2})[点时:]"
            r"(?:(?P<half>半)|(?P<m>\d{1,2})分?)?(?P<zheng>整)?$")
_AFTERNOON = ("下午", "傍晚", "晚上", "夜里", "夜间")


def _object_time(value) -> float:
    if isinstance(value, dt.datetime):
        return value.hour * 60 + value.minute + value.second / 60
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute + value.second / 60
    if isinstance(value, (dt.timedelta, pd.Timedelta)):
        return value.total_seconds() / 60
    return np.nan


def _split_objects(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Minutes from time/datetime/timedelta objects, and where they were."""
    n = len(series)
    if series.dtype != object:
        if ptypes.is_timedelta64_dtype(series.dtype):
            mins = series.dt.total_seconds().to_numpy(dtype=float, na_value=np.nan, copy=True) / 60
            return mins, series.notna().to_numpy(dtype=bool)
        if ptypes.is_datetime64_any_dtype(series.dtype):
            t = series.dt
            mins = (t.hour * 60 + t.minute + t.second / 60).to_numpy(dtype=float, na_value=np.nan, copy=True)
            return mins, series.notna().to_numpy(dtype=bool)
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    is_obj = series.map(lambda v: isinstance(v, (dt.time, dt.datetime, dt.timedelta))).to_numpy(dtype=bool)
    mins = np.full(n, np.nan)
    if is_obj.any():
        mins[is_obj] = [_object_time(v) for v in series[is_obj]]
    return mins, is_obj


def _numbers(text: pd.Series) -> np.ndarray:
    return pd.to_numeric(text, errors="coerce").astype("float64").to_numpy(na_value=np.nan, copy=True)


def parse_times(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(minutes since midnight, bad mask). Blank cells give NaN and are not bad."""
    return by_unique(series, _times, 2)


def _times(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    n = len(series)
    series = series.reset_index(drop=True)
    blank = blank_mask(series)
    out = np.full(n, np.nan)
    obj_mins, is_obj = _split_objects(series)
    out[is_obj] = obj_mins[is_obj]
    rest = ~blank & ~is_obj
    if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
        nums = series.astype("float64").to_numpy(na_value=np.nan, copy=True)
        text_part = np.zeros(n, dtype=bool)
    else:
        text = series.where(rest).astype("str").str.normalize("NFKC").str.strip().str.lower()
        text = text.str.replace(r"\s+", "", regex=True)
        nums = np.where(rest, _numbers(text), np.nan)
        ph = text.isin(PLACEHOLDERS).to_numpy(dtype=bool) & rest
        blank = blank | ph
        rest = rest & ~ph
        text_part = rest & np.isnan(nums)
    is_num = rest & np.isfinite(nums)
    if is_num.any():
        vals = nums[is_num]
        # Excel stores times as fractions of a day; a column of numbers all within 0…1 is read so.
        if vals.min() >= 0 and vals.max() <= 1 and np.any(vals % 1 != 0):
            vals = vals * DAY
        out[is_num] = vals
    if text_part.any():
        out[text_part] = _parse_clock_text(text[text_part])
    bad = ~blank & ~((out >= 0) & (out <= DAY))
    out[bad] = np.nan
    return out, bad


def _parse_clock_text(text: pd.Series) -> np.ndarray:
    text = text.str.replace("：", ":", regex=False)
    res = np.full(len(text), np.nan)
    for pattern in (_CLOCK, _AMPM):
        parts = text.str.extract(pattern)
        h = pd.to_numeric(parts["h"], errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
        m = pd.to_numeric(parts["m"], errors="coerce").fillna(0).to_numpy(dtype=float)
        s = pd.to_numeric(parts["s"], errors="coerce").fillna(0).to_numpy(dtype=float)
        ok = np.isfinite(h) & (m < 60) & (s < 60) & np.isnan(res)
        if "ap" in parts:
            ap = parts["ap"].fillna("").str.startswith("p").to_numpy(dtype=bool)
            ok &= (h >= 1) & (h <= 12)
            h = np.where(h == 12, 0, h) + np.where(ap, 12, 0)
        else:
            ok &= (h < 24) | ((h == 24) & (m == 0) & (s == 0))
        res[ok] = (h * 60 + m + s / 60)[ok]
    parts = text.str.extract(_CHINESE)
    h = pd.to_numeric(parts["h"], errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    m = pd.to_numeric(parts["m"], errors="coerce").fillna(0).to_numpy(dtype=float)
    m = np.where(parts["half"].notna().to_numpy(dtype=bool), 30, m)
    pm = parts["pre"].isin(_AFTERNOON).to_numpy(dtype=bool) & (h < 12)
    noon = parts["pre"].eq("中午").to_numpy(dtype=bool) & (h < 11)
    h = h + np.where(pm | noon, 12, 0)
    ok = np.isfinite(h) & (m < 60) & ((h < 24) | ((h == 24) & (m == 0))) & np.isnan(res)
    res[ok] = (h * 60 + m)[ok]
    return res


_DURATION_UNITS = (
    (r"^(?P<v>\d+(?:\.\d+)?)(?:分钟|分|min|mins|minute|minutes|m)$", 1.0),
    (r"^(?P<v>\d+(?:\.\d+)?)(?:小时|钟头|h|hr|hrs|hour|hours)$", 60.0),
    (r"^(?P<v>\d+(?:\.\d+)?)(?:秒|s|sec|secs|seconds)$", 1 / 60),
)


def parse_durations(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(minutes, bad mask). Blank cells give NaN and are not bad; negative values are returned
    as they are for the caller to report."""
    return by_unique(series, _durations, 2)


def _durations(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    n = len(series)
    series = series.reset_index(drop=True)
    blank = blank_mask(series)
    out = np.full(n, np.nan)
    obj_mins, is_obj = _split_objects(series)
    out[is_obj] = obj_mins[is_obj]
    rest = ~blank & ~is_obj
    if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
        out[rest] = series.astype("float64").to_numpy(na_value=np.nan, copy=True)[rest]
    else:
        text = series.where(rest).astype("str").str.normalize("NFKC").str.strip().str.lower()
        text = text.str.replace(r"\s+", "", regex=True)
        ph = text.isin(PLACEHOLDERS).to_numpy(dtype=bool) & rest
        blank = blank | ph
        rest = rest & ~ph
        nums = _numbers(text)
        out[rest] = nums[rest]
        todo = rest & np.isnan(out)
        if todo.any():
            sub = text[todo]
            res = np.full(int(todo.sum()), np.nan)
            for pattern, factor in _DURATION_UNITS:
                v = pd.to_numeric(sub.str.extract(pattern)["v"], errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan, copy=True)
                res = np.where(np.isnan(res), v * factor, res)
            clock = sub.str.extract(_CLOCK)
            h = pd.to_numeric(clock["h"], errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
            m = pd.to_numeric(clock["m"], errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
            s = pd.to_numeric(clock["s"], errors="coerce").fillna(0).to_numpy(dtype=float)
            hm = h * 60 + m + s / 60
            res = np.where(np.isnan(res) & (m < 60), hm, res)
            out[todo] = res
    bad = ~blank & ~np.isfinite(out)
    out[bad] = np.nan
    return out, bad


_RANGE_SPLIT = r"\s*(?:-|~|～|至|到|—|–|－)\s*"
_ALL_DAY = frozenset({"24小时", "24h", "24hours", "全天", "全天营业", "24小时营业", "通宵", "allday", "24/7"})


def parse_hours(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Opening hours written in one cell, "08:00-22:00" or "24小时": (open, close, bad mask)."""
    return by_unique(series, _hours, 3)


def _hours(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(series)
    series = series.reset_index(drop=True)
    blank = blank_mask(series)
    text = series.where(~blank).astype("str").str.normalize("NFKC").str.strip().str.lower()
    text = text.str.replace(r"\s+", "", regex=True)
    all_day = text.isin(_ALL_DAY).to_numpy(dtype=bool)
    parts = text.str.split(_RANGE_SPLIT, n=1, expand=True, regex=True)
    open_ = np.full(n, np.nan)
    close = np.full(n, np.nan)
    if parts.shape[1] == 2:
        o, _ = _times(parts[0].where(parts[1].notna()))
        c, _ = _times(parts[1])
        open_, close = o, c
    open_[all_day], close[all_day] = 0.0, DAY
    bad = ~blank & ~(np.isfinite(open_) & np.isfinite(close))
    open_[bad], close[bad] = np.nan, np.nan
    return open_, close, bad


def format_minutes(minutes) -> list[str]:
    """"HH:MM" labels for minutes since midnight (NaN gives "")."""
    out = []
    for m in np.asarray(minutes, dtype=float):
        if not np.isfinite(m):
            out.append("")
        else:
            total = int(round(m))
            out.append(f"{total // 60:02d}:{total % 60:02d}")
    return out

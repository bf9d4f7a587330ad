"""From raw values to our tables: outlets, reps, travel matrix and sales lines.

A :class:`Work` holds one file's raw columns, the mapping, which rows are still usable and the
problem log. Rows are dropped first (missing id, unusable coordinates, duplicates), then values
are parsed for every row at once and problems reported for the usable rows only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pandas.api import types as ptypes

from gis import coords as cn
from gis.intake import coordinates as cc
from gis.intake import timeofday as tod
from gis.intake import values as vals
from gis.intake.columns import Mapping
from gis.intake.readers import RawTable
from gis.intake.report import ProblemLog, Reason, display_value

GEOMETRY_LABEL = "(geometry)"


class Work:
    """One file under validation."""

    def __init__(self, path, raw: RawTable, mapping: Mapping, kind: str, crs: str):
        self.path = path
        self.raw = raw
        self.frame = raw.frame
        self.rows = np.asarray(raw.rows, dtype=np.int64)
        self.n = len(self.frame)
        self.mapping = dict(mapping.fields)
        self.mapping_source = dict(mapping.source)
        self.kind = kind
        self.crs = crs
        self.keep = np.ones(self.n, dtype=bool)
        self.log = ProblemLog()
        self.notes: list[str] = list(raw.notes)
        self.crs_notes: list[str] = []
        self.geometry = raw.geometry
        self.used: set[str] = set()
        self.ignored: list[str] = []

    # ----------------------------------------------------------------- access

    def has(self, field: str) -> bool:
        return field in self.mapping and self.mapping[field] != GEOMETRY_LABEL

    def header(self, field: str) -> str:
        return self.mapping.get(field, field)

    def col(self, field: str) -> pd.Series | None:
        if not self.has(field):
            return None
        h = self.mapping[field]
        self.used.add(h)
        return self.frame[h]

    def drop(self, mask, column: str, values, reason: str, detail=None) -> None:
        """Drop usable rows in ``mask`` and report them (values/details: aligned to all rows)."""
        mask = np.asarray(mask, dtype=bool) & self.keep
        if mask.any():
            self._report(mask, column, values, reason, "dropped", detail)
            self.keep &= ~mask

    def flag(self, mask, column: str, values, reason: str, action: str = "kept", detail=None) -> None:
        """Report usable rows in ``mask`` without dropping them."""
        mask = np.asarray(mask, dtype=bool) & self.keep
        if mask.any():
            self._report(mask, column, values, reason, action, detail)

    def _report(self, mask, column, values, reason, action, detail) -> None:
        idx = np.flatnonzero(mask)
        head = idx[: self.log.cap]  # only these can be stored individually: display just them
        self.log.add(self.rows[idx], column, _pick(values, head), reason, action, _pick(detail, head))

    # ----------------------------------------------------------------- values

    def ids(self, field: str) -> pd.Series:
        s = self.col(field)
        ids = _strip_placeholders(vals.as_text(s))
        self.drop(ids.isna().to_numpy(), self.header(field), s, Reason.MISSING_ID)
        return ids

    def dedupe(self, key: pd.Series, column: str, values, reason: str) -> None:
        """Keep the first usable row of every key; drop the others naming the first's row."""
        idx = np.flatnonzero(self.keep)
        k = key.iloc[idx].reset_index(drop=True)
        dup = k.duplicated(keep="first").to_numpy()
        if not dup.any():
            return
        firsts = pd.Series(self.rows[idx[~dup]], index=k[~dup].to_numpy())
        first_rows = k[dup].map(firsts).to_numpy()
        mask = np.zeros(self.n, dtype=bool)
        mask[idx[dup]] = True
        first_of = np.zeros(self.n, dtype=np.int64)
        first_of[idx[dup]] = first_rows
        self.drop(mask, column, values, reason,
                  detail=lambda positions: [f"first at row {r}" for r in first_of[positions]])

    def text(self, field: str, default: str | None = None) -> pd.Series:
        s = self.col(field)
        if s is None:
            out = pd.Series([default] * self.n, dtype="str")
        else:
            out = _strip_placeholders(vals.as_text(s))
            if default is not None:
                out = out.fillna(default)
        return out

    def parse_numbers(self, field: str) -> vals.Numbers | None:
        s = self.col(field)
        return None if s is None else vals.parse_numbers(s)

    def report_numbers(self, field: str, p: vals.Numbers | None, negative: str = "keep") -> np.ndarray:
        """Report bad, repaired and negative values (negative: keep | empty | ok)."""
        if p is None:
            return np.full(self.n, np.nan)
        h = self.header(field)
        s = self.frame[self.mapping[field]]
        values = p.values.copy()
        self.flag(p.bad, h, s, Reason.NOT_A_NUMBER, detail="value left empty")
        self.number_notes(h, p)
        if negative != "ok":
            neg = values < 0
            if negative == "empty":
                self.flag(neg, h, s, Reason.NEGATIVE, detail="value left empty")
                values[neg & self.keep] = np.nan
            else:
                self.flag(neg, h, s, Reason.NEGATIVE, detail="value kept")
        return values

    def number_notes(self, header: str, p: vals.Numbers) -> None:
        k = int((p.repaired & self.keep).sum())
        if k:
            ex = f", e.g. {p.example[0]!r} -> {p.example[1]:g}" if p.example else ""
            self.notes.append(f"{header}: {k} value{'s' if k != 1 else ''} repaired (thousands separators, "
                              f"currency signs, full-width digits or 万/亿){ex}")
        k = int((p.placeholder & self.keep).sum())
        if k:
            self.notes.append(f"{header}: {k} placeholder value{'s' if k != 1 else ''} such as '-' or "
                              f"'#N/A' read as empty")

    def numbers(self, field: str, negative: str = "keep") -> np.ndarray:
        return self.report_numbers(field, self.parse_numbers(field), negative)

    def times(self, field: str) -> np.ndarray:
        s = self.col(field)
        if s is None:
            return np.full(self.n, np.nan)
        minutes, bad = tod.parse_times(s)
        self.flag(bad, self.header(field), s, Reason.NOT_A_TIME, detail="value left empty")
        return minutes

    def durations(self, field: str) -> np.ndarray:
        s = self.col(field)
        if s is None:
            return np.full(self.n, np.nan)
        minutes, bad = tod.parse_durations(s)
        neg = np.isfinite(minutes) & (minutes < 0)
        self.flag(bad, self.header(field), s, Reason.NOT_A_DURATION, detail="value left empty")
        self.flag(neg, self.header(field), s, Reason.NEGATIVE, detail="value left empty")
        minutes[neg] = np.nan
        return minutes

    # ----------------------------------------------------------------- coordinates

    def coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        """WGS-84 lon, lat of every row; rows without usable coordinates are dropped."""
        lon_s, lat_s, label = self._coordinate_sources()
        if lon_s is None:
            return self._geometry_coordinates()
        p_lon, p_lat = vals.parse_numbers(lon_s), vals.parse_numbers(lat_s)
        lon, lat = p_lon.values.copy(), p_lat.values.copy()
        shown = _pair_text(lon_s, lat_s)
        if self.has("lonlat") or self.has("latlon"):
            h = self.header("lonlat" if self.has("lonlat") else "latlon")
            raw = self.frame[h]
            blank = vals.blank_mask(raw)
            self.drop(blank, label, shown, Reason.MISSING_COORDINATES)
            self.drop(~np.isfinite(lon) | ~np.isfinite(lat), label, raw, Reason.BAD_COORDINATES,
                      detail="expected two numbers such as '121.47,31.23'")
        else:
            self.drop(p_lon.blank | p_lat.blank, label, shown, Reason.MISSING_COORDINATES)
            self.drop(p_lon.bad | p_lat.bad, label, shown, Reason.BAD_COORDINATES)
            self.number_notes(self.header("lon"), p_lon)
            self.number_notes(self.header("lat"), p_lat)
        lon, lat = self._unswap(lon, lat, label, shown)
        self._check_range(lon, lat, label, shown)
        return self._convert(lon, lat)

    def _coordinate_sources(self):
        if self.has("lon") and self.has("lat"):
            return self.col("lon"), self.col("lat"), f"{self.header('lon')} / {self.header('lat')}"
        for f, lat_first in (("lonlat", False), ("latlon", True)):
            if self.has(f):
                lon_s, lat_s = cc.split_pair(self.col(f), lat_first)
                return lon_s, lat_s, self.header(f)
        return None, None, None

    def _geometry_coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        geoms = self.geometry
        label = GEOMETRY_LABEL
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        self.drop(missing, label, "", Reason.MISSING_COORDINATES)
        types = shapely.get_type_id(geoms)
        pts = geoms.copy()
        multi = types == 4
        pts[multi] = shapely.get_geometry(geoms[multi], 0)  # a multipoint: its first point
        other = ~np.isin(types, (0, 4)) & ~missing
        if (other & self.keep).any():
            pts[other] = shapely.point_on_surface(geoms[other])
            k = int((other & self.keep).sum())
            self.notes.append(f"{k} feature{'s are' if k != 1 else ' is'} not a point: a point inside "
                              f"{'each' if k != 1 else 'it'} used")
        lon = shapely.get_x(pts)
        lat = shapely.get_y(pts)
        lon = np.where(missing, np.nan, lon)
        lat = np.where(missing, np.nan, lat)
        for f in ("lon", "lat"):
            self.mapping[f] = GEOMETRY_LABEL
            self.mapping_source[f] = "geometry"
        self._check_range(lon, lat, label, _pair_text(lon, lat))
        return self._convert(lon, lat)

    def _unswap(self, lon, lat, label, shown) -> tuple[np.ndarray, np.ndarray]:
        swap = cc.swapped_rows(lon, lat, self.keep)
        n_swap = int(swap.sum())
        if not n_swap:
            return lon, lat
        usable = int((self.keep & np.isfinite(lon) & np.isfinite(lat)).sum())
        lat_h = self.header("lat") if self.has("lat") else label
        if n_swap == usable:
            lo, hi = np.nanmin(lat[swap]), np.nanmax(lat[swap])
            msg = (f"longitude and latitude look swapped in {label} ('{lat_h}' holds {lo:g}…{hi:g}, which are "
                   f"longitudes): swapped back in all {n_swap} rows")
        else:
            msg = f"{n_swap} row{'s' if n_swap != 1 else ''} had longitude and latitude swapped: swapped back"
        self.notes.append(msg)
        self.crs_notes.append(msg)
        self.flag(swap, label, shown, Reason.SWAPPED, action="repaired", detail="lon and lat exchanged")
        lon, lat = np.where(swap, lat, lon), np.where(swap, lon, lat)
        return lon, lat

    def _check_range(self, lon, lat, label, shown) -> None:
        bad = self.keep & cc.out_of_range(np.nan_to_num(lon, nan=0.0), np.nan_to_num(lat, nan=0.0))
        if bad.any() and cc.looks_projected(lon[bad], lat[bad]):
            self.notes.append(f"{label}: values such as {lon[bad][0]:.0f}, {lat[bad][0]:.0f} look like "
                              f"projected metres, not degrees: export longitude/latitude in degrees")
        self.drop(bad, label, shown, Reason.OUT_OF_RANGE, detail="longitude must be within ±180, latitude ±90")
        self.drop(cc.zero(lon, lat), label, shown, Reason.ZERO_COORDINATES, detail="a placeholder, not a place")

    def _convert(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        if self.crs == "wgs84":
            return lon, lat
        ok = self.keep & np.isfinite(lon) & np.isfinite(lat)
        out_lon, out_lat = lon.copy(), lat.copy()
        out_lon[ok], out_lat[ok] = cn.to_wgs84(lon[ok], lat[ok], self.crs)
        return out_lon, out_lat

    def optional_point(self, lon_field: str, lat_field: str) -> tuple[np.ndarray, np.ndarray]:
        """A second, optional coordinate pair (reps' end point): bad values left empty, rows kept."""
        if not (self.has(lon_field) and self.has(lat_field)):
            return np.full(self.n, np.nan), np.full(self.n, np.nan)
        lon_s, lat_s = self.col(lon_field), self.col(lat_field)
        label = f"{self.header(lon_field)} / {self.header(lat_field)}"
        shown = _pair_text(lon_s, lat_s)
        p_lon, p_lat = vals.parse_numbers(lon_s), vals.parse_numbers(lat_s)
        lon, lat = p_lon.values.copy(), p_lat.values.copy()
        self.flag(p_lon.bad | p_lat.bad, label, shown, Reason.BAD_COORDINATES, detail="end point left empty")
        swap = cc.swapped_rows(lon, lat, self.keep)
        self.flag(swap, label, shown, Reason.SWAPPED, action="repaired", detail="lon and lat exchanged")
        lon, lat = np.where(swap, lat, lon), np.where(swap, lon, lat)
        bad = np.isfinite(lon) & np.isfinite(lat) & (cc.out_of_range(lon, lat) | cc.zero(lon, lat))
        self.flag(bad, label, shown, Reason.OUT_OF_RANGE, detail="end point left empty")
        lon[bad | ~np.isfinite(lat)] = np.nan
        lat[bad | ~np.isfinite(lon)] = np.nan
        ok = np.isfinite(lon) & np.isfinite(lat)
        if self.crs != "wgs84" and ok.any():
            lon[ok], lat[ok] = cn.to_wgs84(lon[ok], lat[ok], self.crs)
        return lon, lat

    # ----------------------------------------------------------------- output

    def extras(self, exclude: set[str] = frozenset(), reserved=()) -> pd.DataFrame:
        """Unmapped source columns of the usable rows, typed, renamed if they clash with ours."""
        out = {}
        for h in self.frame.columns:
            if h in self.used or h in exclude or h in self.mapping.values():
                continue
            name = h if h not in reserved else f"{h}_source"
            if name != h:
                self.notes.append(f"column '{h}' kept as '{name}' (the name is taken by our field)")
            out[name] = _infer(self.frame[h][self.keep].reset_index(drop=True))
        return pd.DataFrame(out, index=pd.RangeIndex(int(self.keep.sum())))

    def unmapped(self, exclude: set[str] = frozenset()) -> list[str]:
        return [h for h in self.frame.columns
                if h not in self.used and h not in exclude and h not in self.mapping.values()]


def _pick(values, positions: np.ndarray):
    """Entries at integer ``positions`` of per-row values (a str is the same for every row)."""
    if values is None or isinstance(values, str):
        return values
    if callable(values):
        return values(positions)
    if isinstance(values, pd.Series):
        return values.iloc[positions].to_numpy(dtype=object)
    return np.asarray(values, dtype=object)[positions]


def _pair_text(a, b):
    """Lazy "a, b" display values: computed only for the rows a problem is stored for."""
    def shown(positions):
        xs, ys = _pick(a, positions), _pick(b, positions)
        return np.array([f"{display_value(x)}, {display_value(y)}" for x, y in zip(xs, ys)], dtype=object)
    return shown


def _clock_pair(a: np.ndarray, b: np.ndarray):
    """Lazy "HH:MM, HH:MM" display values of two minute arrays."""
    def shown(positions):
        return np.array([f"{x}, {y}" for x, y in zip(tod.format_minutes(a[positions]),
                                                     tod.format_minutes(b[positions]))], dtype=object)
    return shown


def _take(series: pd.Series, keep: np.ndarray) -> pd.Series:
    return series[keep].reset_index(drop=True)


def _strip_placeholders(text: pd.Series) -> pd.Series:
    low = text.str.lower()
    return text.where(~low.isin(vals.PLACEHOLDERS)).astype("str")


def _infer(series: pd.Series) -> pd.Series:
    """Numbers stay numbers, text stays text; "00123"-style codes stay text."""
    if not (ptypes.is_string_dtype(series.dtype) or series.dtype == object):
        return series
    if series.dtype == object and not series.map(lambda v: v is None or isinstance(v, str)).all():
        nums = pd.to_numeric(series, errors="coerce")
        return nums if nums.notna().sum() == series.notna().sum() else series
    text = series.astype("str").str.strip()
    present = text.notna() & text.ne("")
    if not present.any():
        return text
    nums = pd.to_numeric(text.where(present), errors="coerce")
    leading_zero = text.str.match(r"^[+-]?0\d").fillna(False).to_numpy(dtype=bool)
    if nums[present].notna().all() and not leading_zero.any():
        return nums
    return text


# --------------------------------------------------------------------------- kinds

OUTLET_COLUMNS = ("outlet_id", "name", "lat", "lon", "channel", "channel_raw", "covered", "sales", "district",
                  "open_time", "close_time", "service_min", "visits", "demand")
REP_COLUMNS = ("rep_id", "name", "lat", "lon", "shift_start", "shift_end", "end_lat", "end_lon", "capacity",
               "break_start", "break_end", "break_min", "days")
MATRIX_COLUMNS = ("from_id", "to_id", "seconds", "meters")
SALES_COLUMNS = ("outlet_id", "product", "category", "price", "period", "quantity", "amount")


def outlets(w: Work) -> pd.DataFrame:
    ids = w.ids("outlet_id")
    lon, lat = w.coordinates()
    w.dedupe(ids, w.header("outlet_id"), w.col("outlet_id"), Reason.DUPLICATE_ID)
    name = w.text("name", default="")
    channel, channel_raw = _channels(w)
    covered = _covered(w)
    sales = w.numbers("sales", negative="keep")
    district = w.text("district")
    open_t, close_t = _opening_hours(w)
    service = w.durations("service_min")
    visits = w.numbers("visits", negative="empty")
    demand = w.numbers("demand", negative="keep")
    k = w.keep
    table = pd.DataFrame({
        "outlet_id": _take(ids, k), "name": _take(name, k),
        "lat": lat[k], "lon": lon[k],
        "channel": _take(channel, k), "channel_raw": _take(channel_raw, k),
        "covered": covered[k], "sales": sales[k], "district": _take(district, k),
        "open_time": open_t[k], "close_time": close_t[k], "service_min": service[k],
        "visits": visits[k], "demand": demand[k],
    })
    for c in ("outlet_id", "name", "channel", "channel_raw", "district"):
        table[c] = table[c].astype("str")
    return _with_extras(w, table, OUTLET_COLUMNS)


def _with_extras(w: Work, table: pd.DataFrame, ours) -> pd.DataFrame:
    extras = w.extras(reserved=set(ours))
    if extras.shape[1]:
        table = pd.concat([table, extras], axis=1)
    return table


def _channels(w: Work) -> tuple[pd.Series, pd.Series]:
    s = w.col("channel")
    if s is None:
        na = pd.Series([None] * w.n, dtype="str")
        return na, na
    code, raw = vals.parse_channels(s)
    k = w.keep
    if k.any():
        counts = pd.DataFrame({"raw": raw[k], "code": code[k]}).value_counts(dropna=True)
        if len(counts):
            shown = [f"{r} -> {c} ({n})" for (r, c), n in counts.head(12).items()]
            more = len(counts) - len(shown)
            w.notes.append(f"channel labels in '{w.header('channel')}': " + ", ".join(shown)
                           + (f" and {more} more" if more > 0 else ""))
    return code, raw


def _covered(w: Work) -> np.ndarray:
    s = w.col("covered")
    if s is None:
        if w.kind == "outlets":
            w.notes.append("covered column absent: every outlet treated as covered")
        return np.ones(w.n, dtype=bool)
    values, blank, bad = vals.parse_bools(s)
    h = w.header("covered")
    w.flag(bad, h, s, Reason.NOT_YES_NO, detail="treated as not covered")
    k = int((blank & w.keep).sum())
    if k:
        w.notes.append(f"{h}: {k} empty value{'s' if k != 1 else ''} treated as not covered")
    return values & ~bad


def _opening_hours(w: Work) -> tuple[np.ndarray, np.ndarray]:
    open_t, close_t = w.times("open_time"), w.times("close_time")
    s = w.col("hours")
    if s is not None:
        o, c, bad = tod.parse_hours(s)
        h = w.header("hours")
        w.flag(bad, h, s, Reason.NOT_A_TIME, detail="expected a range such as '08:00-22:00'")
        open_t = np.where(np.isnan(open_t), o, open_t)
        close_t = np.where(np.isnan(close_t), c, close_t)
    overnight = np.isfinite(open_t) & np.isfinite(close_t) & (close_t < open_t)
    if overnight.any():
        label = w.header("hours") if s is not None and not w.has("close_time") else w.header("close_time")
        shown = _clock_pair(open_t, close_t)
        w.flag(overnight, label, shown, Reason.OVERNIGHT, action="repaired",
               detail="close time read as the next day (+24 h)")
        close_t = np.where(overnight, close_t + tod.DAY, close_t)
    return open_t, close_t


def reps(w: Work) -> pd.DataFrame:
    ids = w.ids("rep_id")
    lon, lat = w.coordinates()
    w.dedupe(ids, w.header("rep_id"), w.col("rep_id"), Reason.DUPLICATE_ID)
    name = w.text("name", default="")
    start, end = w.times("shift_start"), w.times("shift_end")
    order = np.isfinite(start) & np.isfinite(end) & (end <= start)
    if order.any():
        shown = _clock_pair(start, end)
        w.flag(order, f"{w.header('shift_start')} / {w.header('shift_end')}", shown, Reason.ENDS_BEFORE_START)
    for f in ("shift_start", "shift_end"):
        if not w.has(f):
            w.notes.append(f"{f} column absent: left empty (the route planner's default shift applies)")
    end_lon, end_lat = w.optional_point("end_lon", "end_lat")
    capacity = w.numbers("capacity", negative="empty")
    b_start, b_end = w.times("break_start"), w.times("break_end")
    b_min = w.durations("break_min")
    days = _days(w)
    k = w.keep
    table = pd.DataFrame({
        "rep_id": _take(ids, k), "name": _take(name, k), "lat": lat[k], "lon": lon[k],
        "shift_start": start[k], "shift_end": end[k], "end_lat": end_lat[k], "end_lon": end_lon[k],
        "capacity": capacity[k], "break_start": b_start[k], "break_end": b_end[k], "break_min": b_min[k],
        "days": _take(days, k),
    })
    for c in ("rep_id", "name", "days"):
        table[c] = table[c].astype("str")
    return _with_extras(w, table, REP_COLUMNS)


def _days(w: Work) -> pd.Series:
    s = w.col("days")
    if s is None:
        return pd.Series([None] * w.n, dtype="str")
    days, bad, one_based = vals.parse_weekdays(s)
    h = w.header("days")
    w.flag(bad, h, s, Reason.NOT_WEEKDAYS, detail="left empty (Monday to Friday)")
    if one_based:
        w.notes.append(f"{h}: no 0 in the column, so numbers were read as 1 = Monday … 7 = Sunday")
    return days


def matrix(w: Work) -> pd.DataFrame:
    src, dst = w.ids("from_id"), w.ids("to_id")
    if w.has("seconds"):
        field, factor = "seconds", 1.0
    else:
        field, factor = "minutes", 60.0
        w.notes.append(f"travel times read in minutes from '{w.header('minutes')}' and converted to seconds")
    p = w.parse_numbers(field)
    h = w.header(field)
    s = w.col(field)
    w.drop(p.blank, h, s, Reason.MISSING_TIME)
    w.drop(p.bad, h, s, Reason.NOT_A_NUMBER)
    w.drop(p.values < 0, h, s, Reason.NEGATIVE_TIME)
    w.number_notes(h, p)
    seconds = p.values * factor
    key = src.fillna("") + "\x1f" + dst.fillna("")
    w.dedupe(key, f"{w.header('from_id')} / {w.header('to_id')}", _pair_text(src, dst), Reason.DUPLICATE_PAIR)
    if w.has("meters"):
        meters = w.numbers("meters", negative="empty")
    elif w.has("km"):
        meters = w.numbers("km", negative="empty") * 1000.0
        w.notes.append(f"distances read in kilometres from '{w.header('km')}' and converted to metres")
    else:
        meters = np.full(w.n, np.nan)
    k = w.keep
    table = pd.DataFrame({"from_id": _take(src, k), "to_id": _take(dst, k),
                          "seconds": seconds[k], "meters": meters[k]})
    table["from_id"] = table["from_id"].astype("str")
    table["to_id"] = table["to_id"].astype("str")
    return _with_extras(w, table, MATRIX_COLUMNS)


def sales_lines(w: Work) -> pd.DataFrame:
    ids = w.ids("outlet_id")
    product = w.text("product")
    w.drop(product.isna().to_numpy(), w.header("product"), w.col("product"), Reason.MISSING_VALUE)
    p_qty, p_amt = w.parse_numbers("quantity"), w.parse_numbers("amount")
    has_qty = np.isfinite(p_qty.values) if p_qty is not None else np.zeros(w.n, dtype=bool)
    has_amt = np.isfinite(p_amt.values) if p_amt is not None else np.zeros(w.n, dtype=bool)
    cols = [w.header(f) for f in ("quantity", "amount") if w.has(f)]
    shown = _pair_text(*(w.frame[c] for c in cols)) if len(cols) == 2 else w.frame[cols[0]]
    w.drop(~has_qty & ~has_amt, " / ".join(cols), shown, Reason.NO_QUANTITY)
    quantity = w.report_numbers("quantity", p_qty, negative="keep")
    amount = w.report_numbers("amount", p_amt, negative="keep")
    price = w.numbers("price", negative="empty")
    category = w.text("category")
    period = pd.Series([None] * w.n, dtype="str")
    s = w.col("period")
    if s is not None:
        period, bad = vals.parse_periods(s)
        w.flag(bad, w.header("period"), s, Reason.NOT_A_MONTH, detail="kept as written")
    k = w.keep
    table = pd.DataFrame({
        "outlet_id": _take(ids, k), "product": _take(product, k), "category": _take(category, k),
        "price": price[k], "period": _take(period, k), "quantity": quantity[k], "amount": amount[k],
    })
    for c in ("outlet_id", "product", "category", "period"):
        table[c] = table[c].astype("str")
    return _with_extras(w, table, SALES_COLUMNS)

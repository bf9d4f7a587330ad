"""One aggregation of raw location pings to H3, as read from a TOML file.

```toml
[input]
paths = ["pings/2026-01/"]        # files, folders (searched recursively) or globs; URLs (s3://…) too
format = "auto"                   # auto (by extension), parquet or csv
crs = "gcj02"                     # coordinate system of lat/lon: wgs84, gcj02 or bd09
encoding = "utf-8"                # CSV only
delimiter = ","                   # CSV only (default: guessed from the first lines)
chunk_rows = 1000000              # rows read at a time; memory per worker grows with it

[columns]
lat = "lat"
lon = "lng"
id = "device_id"                  # optional: needed for distinct_ids
timestamp = "ts"                  # optional: needed for time filters and profiles
timestamp_unit = "s"              # numbers are seconds (s, ms, us, ns) since 1970-01-01 UTC
timestamp_format = "%Y/%m/%d %H:%M:%S"   # optional; default: ISO 8601 text or epoch numbers
timezone = "Asia/Shanghai"        # local time for hours, weekdays and dates

[grid]
resolution = 9

[filters]                         # rows outside these are left out of every measure
dates = ["2026-01-01", "2026-01-31"]   # inclusive, local dates
weekdays = ["mon", "tue", "wed", "thu", "fri"]   # or 0…6 with Monday = 0
hours = [["07:00", "23:00"]]      # [start, end) local time of day; start > end crosses midnight
values = [{ column = "accuracy_m", max = 100 }, { column = "source", in = ["gps", "wifi"] }]

[measures]
count = true                      # rows per cell
distinct_ids = true               # distinct ids per cell (exact)
sum = ["dwell_min"]               # sum_dwell_min; a weighted count is the sum of a weight column
mean = ["speed_kmh"]              # mean_speed_kmh (averaged, not summed, when cells are merged)

[profiles.daytime]                # every measure again on a subset, with the suffix _daytime
hours = [["09:00", "18:00"]]
weekdays = ["mon", "tue", "wed", "thu", "fri"]

[profiles.night]
hours = [["21:00", "07:00"]]

[profiles.weekend]
weekdays = ["sat", "sun"]
```

Relative paths are relative to the TOML file. A profile's hours, weekdays and dates are those
of each ping (a ping at 02:00 on Saturday is a Saturday ping, whichever evening it belongs to).
Every problem is a :class:`ConfigError` naming the key and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gis import hexgrid
from gis.coords import normalise_crs
from gis.errors import ConfigError, CoordinateError, GridError

FORMATS = ("auto", "parquet", "csv")
TIMESTAMP_UNITS = ("s", "ms", "us", "ns")
DEFAULT_TIMEZONE = "Asia/Shanghai"
DAY_MINUTES = 1440.0

_WEEKDAY_NAMES = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                          "saturday", "sunday"))},
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6, "星期天": 6,
}
WEEKDAY_LABELS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PROFILE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _err(where, message: str) -> ConfigError:
    return ConfigError(f"{where}: {message}" if where else message)


# ---------------------------------------------------------------------------------------------
# the parts


@dataclass(frozen=True)
class InputSpec:
    """Where the pings are and how to read them. ``paths`` are absolute paths, globs or URLs."""

    paths: tuple[str, ...]
    format: str = "auto"
    crs: str = "wgs84"
    encoding: str = "utf-8"
    delimiter: str | None = None
    chunk_rows: int = 1_000_000

    def __post_init__(self):
        if not self.paths or not all(isinstance(p, str) and p for p in self.paths):
            raise ConfigError("[input] paths must name at least one file, folder or glob")
        if self.format not in FORMATS:
            raise ConfigError(f"[input] format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        try:
            object.__setattr__(self, "crs", normalise_crs(self.crs))
        except CoordinateError as exc:
            raise ConfigError(f"[input] crs: {exc}") from None
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ConfigError(f"[input] delimiter must be one character, not {self.delimiter!r}")
        if isinstance(self.chunk_rows, bool) or not isinstance(self.chunk_rows, int) or self.chunk_rows < 1:
            raise ConfigError(f"[input] chunk_rows must be a whole number ≥ 1, not {self.chunk_rows!r}")
        try:
            "".encode(self.encoding)
        except LookupError:
            raise ConfigError(f"[input] encoding {self.encoding!r} is unknown; try utf-8 or gb18030") from None


@dataclass(frozen=True)
class ColumnSpec:
    """The input's column names (its headers) and how to read its timestamps."""

    lat: str
    lon: str
    id: str | None = None
    timestamp: str | None = None
    timestamp_unit: str = "s"
    timestamp_format: str | None = None
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self):
        for key in ("lat", "lon"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key):
                raise ConfigError(f"[columns] {key} must name the input's {key} column")
        for key in ("id", "timestamp", "timestamp_format"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"[columns] {key} must be a column name (text) or left out")
        if self.lat == self.lon:
            raise ConfigError("[columns] lat and lon name the same column")
        if self.timestamp_unit not in TIMESTAMP_UNITS:
            raise ConfigError(f"[columns] timestamp_unit must be one of {', '.join(TIMESTAMP_UNITS)}, "
                              f"not {self.timestamp_unit!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ConfigError(f"[columns] timezone {self.timezone!r} is unknown; "
                              f"use a name such as {DEFAULT_TIMEZONE!r} or 'UTC'") from None


@dataclass(frozen=True)
class TimeWindow:
    """Rows whose local time falls in any of ``hours`` ([start, end) minutes since midnight; an
    end before the start crosses midnight), on one of ``weekdays`` (Monday = 0) and between the
    inclusive dates. An empty part does not restrict."""

    hours: tuple[tuple[float, float], ...] = ()
    weekdays: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def __post_init__(self):
        for start, end in self.hours:
            if not (0 <= start < DAY_MINUTES and 0 <= end <= DAY_MINUTES):
                raise ConfigError(f"hours {start}–{end}: times must lie within 00:00…24:00")
            if start == end or (start == 0 and end == DAY_MINUTES):
                raise ConfigError("an hours range that spans the whole day restricts nothing; leave hours out")
        if any(not isinstance(d, int) or not 0 <= d <= 6 for d in self.weekdays):
            raise ConfigError(f"weekdays must be 0…6 (Monday = 0), not {list(self.weekdays)}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ConfigError(f"the date range ends ({self.date_to}) before it starts ({self.date_from})")

    @property
    def empty(self) -> bool:
        return not (self.hours or self.weekdays or self.date_from or self.date_to)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        if self.hours:
            out["hours"] = [[_clock(s), _clock(e)] for s, e in self.hours]
        if self.weekdays:
            out["weekdays"] = [WEEKDAY_LABELS[d] for d in self.weekdays]
        if self.date_from or self.date_to:
            out["dates"] = [self.date_from.isoformat() if self.date_from else "",
                            self.date_to.isoformat() if self.date_to else ""]
        return out


@dataclass(frozen=True)
class ValueFilter:
    """Keep rows whose ``column`` lies within [min, max] and/or is (not) one of the listed values.
    Rows where the column is missing fail a min/max or ``isin`` test."""

    column: str
    min: float | None = None
    max: float | None = None
    isin: tuple = ()
    not_in: tuple = ()

    def __post_init__(self):
        if not isinstance(self.column, str) or not self.column:
            raise ConfigError("[filters] values: every filter needs column = \"…\"")
        if self.min is None and self.max is None and not self.isin and not self.not_in:
            raise ConfigError(f"[filters] values on {self.column!r}: give min, max, in or not_in")
        for key in ("min", "max"):
            v = getattr(self, key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise ConfigError(f"[filters] values on {self.column!r}: {key} must be a number, not {v!r}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ConfigError(f"[filters] values on {self.column!r}: min {self.min} is above max {self.max}")
        for key in ("isin", "not_in"):
            values = getattr(self, key)
            numeric = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in values]
            if values and not (all(numeric) or all(isinstance(v, str) for v in values)):
                raise ConfigError(f"[filters] values on {self.column!r}: list only numbers or only texts "
                                  f"in {'in' if key == 'isin' else 'not_in'}")

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"column": self.column}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        if self.isin:
            out["in"] = list(self.isin)
        if self.not_in:
            out["not_in"] = list(self.not_in)
        return out


@dataclass(frozen=True)
class MeasureSpec:
    """What is computed per cell (and again per profile)."""

    count: bool = True
    distinct_ids: bool = False
    sum: tuple[str, ...] = ()
    mean: tuple[str, ...] = ()

    def __post_init__(self):
        if not (self.count or self.distinct_ids or self.sum or self.mean):
            raise ConfigError("[measures] asks for nothing: set count = true, distinct_ids = true, "
                              "or list columns in sum or mean")
        for key in ("sum", "mean"):
            cols = getattr(self, key)
            if not all(isinstance(c, str) and c for c in cols):
                raise ConfigError(f"[measures] {key} must list column names")
            if len(set(cols)) != len(cols):
                raise ConfigError(f"[measures] {key} lists a column twice")


@dataclass(frozen=True)
class Profile:
    """A named time window; every measure is computed again on its rows, suffixed ``_name``."""

    name: str
    window: TimeWindow

    def __post_init__(self):
        if not isinstance(self.name, str) or not _PROFILE_NAME.match(self.name):
            raise ConfigError(f"[profiles] name {self.name!r}: use lower-case letters, digits and _, "
                              "starting with a letter (it becomes a column suffix)")
        if self.window.empty:
            raise ConfigError(f"[profiles.{self.name}] needs hours, weekdays or dates")


@dataclass(frozen=True)
class AggregationSpec:
    """Everything one aggregation needs; both engines run exactly this."""

    input: InputSpec
    columns: ColumnSpec
    resolution: int = hexgrid.DEFAULT_RESOLUTION
    filters: TimeWindow = field(default_factory=TimeWindow)
    value_filters: tuple[ValueFilter, ...] = ()
    measures: MeasureSpec = field(default_factory=MeasureSpec)
    profiles: tuple[Profile, ...] = ()

    def __post_init__(self):
        try:
            hexgrid.validate_resolution(self.resolution)
        except GridError as exc:
            raise ConfigError(f"[grid] resolution: {exc}") from None
        if self.measures.distinct_ids and self.columns.id is None:
            raise ConfigError("[measures] distinct_ids needs the id column: add id = \"…\" to [columns]")
        timed = [f"[profiles.{p.name}]" for p in self.profiles]
        if not self.filters.empty:
            timed.insert(0, "[filters] hours/weekdays/dates")
        if timed and self.columns.timestamp is None:
            raise ConfigError(f"{', '.join(timed)} need the timestamp column: add timestamp = \"…\" "
                              "to [columns]")
        names = [p.name for p in self.profiles]
        if len(set(names)) != len(names):
            raise ConfigError("[profiles] a profile name appears twice")
        outputs = self.output_columns()
        if len(set(outputs)) != len(outputs):
            dupes = sorted({c for c in outputs if outputs.count(c) > 1})
            raise ConfigError(f"output columns {dupes} would appear twice; rename a profile or column")

    # -- derived ---------------------------------------------------------------------------

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Column suffix of each group of measures: "" for all rows, then one per profile."""
        return ("", *(f"_{p.name}" for p in self.profiles))

    def output_columns(self) -> list[str]:
        out = []
        for s in self.suffixes:
            if self.measures.count:
                out.append(f"count{s}")
            if self.measures.distinct_ids:
                out.append(f"distinct_ids{s}")
            out += [f"sum_{c}{s}" for c in self.measures.sum]
            out += [f"mean_{c}{s}" for c in self.measures.mean]
        return out

    def intensive_columns(self) -> list[str]:
        """The means: averaged, not summed, when cells are merged."""
        return [f"mean_{c}{s}" for s in self.suffixes for c in self.measures.mean]

    def value_columns(self) -> list[str]:
        """Numeric input columns that measures add up."""
        return list(dict.fromkeys([*self.measures.sum, *self.measures.mean]))

    def needs_time(self) -> bool:
        return not self.filters.empty or bool(self.profiles)

    def needed_columns(self) -> list[str]:
        """Every input column the aggregation reads, each once."""
        c = self.columns
        cols = [c.lat, c.lon]
        if self.measures.distinct_ids:
            cols.append(c.id)
        if self.needs_time():
            cols.append(c.timestamp)
        cols += self.value_columns()
        cols += [f.column for f in self.value_filters]
        return list(dict.fromkeys(cols))

    def to_dict(self) -> dict:
        """TOML-ready dict that :func:`parse_spec` reads back to an equal spec."""
        i, c, m = self.input, self.columns, self.measures
        inp: dict[str, Any] = {"paths": list(i.paths), "format": i.format, "crs": i.crs,
                               "encoding": i.encoding, "chunk_rows": i.chunk_rows}
        if i.delimiter is not None:
            inp["delimiter"] = i.delimiter
        cols: dict[str, Any] = {"lat": c.lat, "lon": c.lon, "timestamp_unit": c.timestamp_unit,
                                "timezone": c.timezone}
        for key in ("id", "timestamp", "timestamp_format"):
            if getattr(c, key) is not None:
                cols[key] = getattr(c, key)
        filters = self.filters.to_dict()
        if self.value_filters:
            filters["values"] = [f.to_dict() for f in self.value_filters]
        out = {"input": inp, "columns": cols, "grid": {"resolution": self.resolution},
               "measures": {"count": m.count, "distinct_ids": m.distinct_ids,
                            "sum": list(m.sum), "mean": list(m.mean)}}
        if filters:
            out["filters"] = filters
        if self.profiles:
            out["profiles"] = {p.name: p.window.to_dict() for p in self.profiles}
        return out


# ---------------------------------------------------------------------------------------------
# reading


_SECTIONS = {
    "input": {"paths", "path", "format", "crs", "encoding", "delimiter", "chunk_rows"},
    "columns": {"lat", "lon", "id", "timestamp", "timestamp_unit", "timestamp_format", "timezone"},
    "grid": {"resolution"},
    "filters": {"hours", "weekdays", "dates", "date_from", "date_to", "values"},
    "measures": {"count", "distinct_ids", "sum", "mean"},
    "profiles": None,
}
_WINDOW_KEYS = {"hours", "weekdays", "dates", "date_from", "date_to"}
_VALUE_KEYS = {"column", "min", "max", "in", "not_in"}


def load_spec(path) -> AggregationSpec:
    """Read and check an aggregation description from a TOML file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such aggregation file.") from None
    except UnicodeDecodeError:
        raise _err(path, "not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise _err(path, f"not valid TOML ({exc}).") from None
    try:
        return parse_spec(raw, base=path.parent)
    except ConfigError as exc:
        raise _err(path, str(exc)) from None


def parse_spec(raw: dict[str, Any], base=None) -> AggregationSpec:
    """An :class:`AggregationSpec` from a TOML-style dict; relative paths are taken from ``base``."""
    if not isinstance(raw, dict):
        raise ConfigError("the aggregation must be a table of sections")
    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise ConfigError(f"unknown section(s) {unknown}; known: {sorted(_SECTIONS)}")
    for name, keys in _SECTIONS.items():
        section = raw.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(f"[{name}] must be a table")
        if keys is not None:
            extra = sorted(set(section) - keys)
            if extra:
                raise ConfigError(f"[{name}] unknown key(s) {extra}; known: {sorted(keys)}")

    inp = dict(raw.get("input", {}))
    if "path" in inp and "paths" in inp:
        raise ConfigError("[input] give either path or paths, not both")
    paths = inp.pop("paths", inp.pop("path", None))
    if paths is None:
        raise ConfigError("[input] paths must name the pings: a file, a folder or a glob such as "
                          "\"pings/*.parquet\"")
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not all(isinstance(p, str) and p.strip() for p in paths):
        raise ConfigError("[input] paths must be text or a list of texts")
    input_spec = InputSpec(paths=tuple(_resolve(p.strip(), base) for p in paths), **inp)

    cols = raw.get("columns", {})
    for key in ("lat", "lon"):
        if key not in cols:
            raise ConfigError(f"[columns] {key} is required: {key} = \"the header of the {key} column\"")
    columns = ColumnSpec(**cols)

    filters = dict(raw.get("filters", {}))
    values = filters.pop("values", [])
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise ConfigError("[filters] values must be a list of tables such as { column = \"acc\", max = 100 }")
    value_filters = tuple(_value_filter(v) for v in values)
    window = _window(filters, "[filters]")

    meas = dict(raw.get("measures", {}))
    for key in ("count", "distinct_ids"):
        if key in meas and not isinstance(meas[key], bool):
            raise ConfigError(f"[measures] {key} must be true or false")
    for key in ("sum", "mean"):
        v = meas.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            raise ConfigError(f"[measures] {key} must list column names")
        meas[key] = tuple(v)
    measures = MeasureSpec(**meas)

    profiles = []
    for name, body in raw.get("profiles", {}).items():
        if not isinstance(body, dict):
            raise ConfigError(f"[profiles.{name}] must be a table with hours, weekdays or dates")
        extra = sorted(set(body) - _WINDOW_KEYS)
        if extra:
            raise ConfigError(f"[profiles.{name}] unknown key(s) {extra}; known: {sorted(_WINDOW_KEYS)}")
        profiles.append(Profile(name=name, window=_window(body, f"[profiles.{name}]")))

    resolution = raw.get("grid", {}).get("resolution", hexgrid.DEFAULT_RESOLUTION)
    if isinstance(resolution, bool) or not isinstance(resolution, int):
        raise ConfigError(f"[grid] resolution must be a whole number 0…15, not {resolution!r}")
    return AggregationSpec(input=input_spec, columns=columns, resolution=resolution, filters=window,
                           value_filters=value_filters, measures=measures, profiles=tuple(profiles))


def is_url(path: str) -> bool:
    return "://" in path and not re.match(r"^[a-zA-Z]:[\\/]", path)


def _resolve(path: str, base) -> str:
    if is_url(path):
        return path
    p = Path(path).expanduser()
    if not p.is_absolute() and base is not None:
        p = Path(base) / p
    return str(p)


def _window(body: dict, where: str) -> TimeWindow:
    try:
        hours = _hours(body.get("hours", []))
        weekdays = _weekdays(body.get("weekdays", []))
        if "dates" in body and ("date_from" in body or "date_to" in body):
            raise ConfigError("give either dates = [from, to] or date_from/date_to, not both")
        if "dates" in body:
            dates = body["dates"]
            if not isinstance(dates, list) or len(dates) != 2:
                raise ConfigError("dates must be [from, to], e.g. [\"2026-01-01\", \"2026-01-31\"] "
                                  "(\"\" leaves an end open)")
            date_from, date_to = (_date(d) for d in dates)
        else:
            date_from, date_to = _date(body.get("date_from")), _date(body.get("date_to"))
        return TimeWindow(hours=hours, weekdays=weekdays, date_from=date_from, date_to=date_to)
    except ConfigError as exc:
        raise ConfigError(f"{where} {exc}") from None


def _clock_minutes(value) -> float:
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute + value.second / 60
    if isinstance(value, str):
        m = _CLOCK.match(value.strip())
        if m:
            h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
            minutes = h * 60 + mi + s / 60
            if mi < 60 and s < 60 and minutes <= DAY_MINUTES:
                return minutes
    raise ConfigError(f"hours: {value!r} is not a time of day; write \"HH:MM\" such as \"21:00\"")


def _clock(minutes: float) -> str:
    whole = round(minutes * 60)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _hours(value) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list):
        raise ConfigError("hours must be a list of [start, end] pairs such as [[\"09:00\", \"18:00\"]]")
    if len(value) == 2 and all(isinstance(v, (str, dt.time)) for v in value):
        value = [value]  # a single pair written flat
    out = []
    for pair in value:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ConfigError(f"hours: {pair!r} is not a [start, end] pair such as [\"21:00\", \"07:00\"]")
        out.append((_clock_minutes(pair[0]), _clock_minutes(pair[1])))
    return tuple(out)


def _weekdays(value) -> tuple[int, ...]:
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError("weekdays must be a list such as [\"sat\", \"sun\"] or [5, 6] (Monday = 0)")
    out = set()
    for v in value:
        if isinstance(v, bool):
            raise ConfigError(f"weekdays: {v!r} is not a day")
        if isinstance(v, int) and 0 <= v <= 6:
            out.add(v)
        elif isinstance(v, str) and v.strip().lower() in _WEEKDAY_NAMES:
            out.add(_WEEKDAY_NAMES[v.strip().lower()])
        else:
            raise ConfigError(f"weekdays: {v!r} is not a day; use mon…sun or 0…6 (Monday = 0)")
    return tuple(sorted(out))


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"dates: {value!r} is not a date; write \"YYYY-MM-DD\"")


def _value_filter(body: dict) -> ValueFilter:
    extra = sorted(set(body) - _VALUE_KEYS)
    if extra:
        raise ConfigError(f"[filters] values: unknown key(s) {extra}; known: {sorted(_VALUE_KEYS)}")
    lists = {}
    for key in ("in", "not_in"):
        v = body.get(key, [])
        if not isinstance(v, list):
            v = [v]
        lists[key] = tuple(v)
    return ValueFilter(column=body.get("column"), min=body.get("min"), max=body.get("max"),
                       isin=lists["in"], not_in=lists["not_in"])

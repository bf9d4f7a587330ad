"""Parsing cell values the way people type them: numbers, ids, yes/no, channels, months, weekdays.

Every parser is vectorised over a pandas Series (or works on its unique values only) and returns
arrays aligned to the input plus masks saying which entries were blank, repaired or unparsable,
so the caller can report them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

# Text that means "no value" in exported spreadsheets: read as blank, not as an error.
PLACEHOLDERS = frozenset({
    "-", "--", "---", "—", "——", "/", "\\", "无", "暂无", "空", "na", "n/a", "#n/a", "null", "none",
    "nan", "nil", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "?",
})

CHANNELS = ("hypermarket", "supermarket", "convenience", "traditional", "catering", "other")

# Checked in this order: "大型超市" is a hypermarket before "超市" makes it a supermarket.
_CHANNEL_WORDS = (
    ("hypermarket", ("大卖场", "卖场", "大型超市", "大超", "仓储", "量贩", "购物中心", "百货"),
     ("hypermarket", "hyper", "ka", "keyaccount", "hypermart", "warehouse")),
    ("convenience", ("便利",), ("convenience", "cvs", "conv")),
    ("catering", ("餐饮", "餐厅", "饭店", "饭馆", "餐馆", "酒楼", "小吃", "快餐", "火锅", "食堂", "咖啡",
                  "茶饮", "奶茶", "酒吧", "烧烤"),
     ("catering", "restaurant", "restaurants", "horeca", "cafe", "bar", "food", "foodservice")),
    ("traditional", ("夫妻店", "杂货", "小卖部", "士多", "食杂", "烟酒", "传统", "小店", "便民", "副食", "报亭"),
     ("traditional", "mom", "momandpop", "mompop", "grocery", "kiosk", "tt", "traditionaltrade")),
    ("supermarket", ("超市", "商超", "生鲜"), ("supermarket", "supermarkets", "market", "minimarket", "mt")),
    ("other", ("其他", "其它"), ("other", "others")),
)

_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y", "是", "已铺货", "铺货", "已铺", "合作", "已合作",
                   "合作中", "covered", "有", "√", "✓", "✔", "on", "已覆盖", "覆盖"})
_FALSE = frozenset({"0", "0.0", "false", "f", "no", "n", "否", "未铺货", "未铺", "不铺货", "没铺货", "未合作",
                    "不合作", "非合作", "uncovered", "notcovered", "无", "×", "✗", "✘", "off", "未覆盖",
                    "prospect", "潜在"})

_WEEKDAY_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3,
    "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6,
    "sunday": 6, "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
}


def blank_mask(series: pd.Series) -> np.ndarray:
    """True where a cell is empty: NA or only whitespace."""
    missing = series.isna().to_numpy(dtype=bool)
    if ptypes.is_string_dtype(series.dtype) or series.dtype == object:
        text = series.astype("str")
        missing = missing | text.str.strip().eq("").to_numpy(dtype=bool, na_value=True)
    return missing


@dataclass(frozen=True)
class Numbers:
    """Parsed numbers aligned to the input."""

    values: np.ndarray       # float64, NaN where blank or bad
    blank: np.ndarray        # empty cell or a placeholder such as "-" or "#N/A"
    bad: np.ndarray          # present but not a number
    repaired: np.ndarray     # read after removing thousands separators, currency, full-width digits
    placeholder: np.ndarray  # a placeholder read as blank
    example: tuple[str, float] | None = None  # one repaired value, for the report


def parse_numbers(series: pd.Series) -> Numbers:
    """Numbers, repairing "1,234.5", "¥12", "12元", "１２", "3.5万"."""
    n = len(series)
    none = np.zeros(n, dtype=bool)
    if ptypes.is_bool_dtype(series.dtype):
        values = series.astype("float64").to_numpy(na_value=np.nan, copy=True)
        return Numbers(values, np.isnan(values), none, none, none)
    if ptypes.is_numeric_dtype(series.dtype):
        values = series.astype("float64").to_numpy(na_value=np.nan, copy=True)
        bad = np.isinf(values)
        values[bad] = np.nan
        return Numbers(values, np.isnan(values) & ~bad, bad, none, none)
    missing = series.isna().to_numpy(dtype=bool)
    fast = _arrow_floats(series)
    if fast is not None:
        values, clean = fast
        failed = ~clean & ~missing
    else:
        values = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan, copy=True)
        values[np.isinf(values)] = np.nan
        if series.dtype == object:
            # numbers inside an object column are numbers; bools and dates are not
            kinds = series.map(type)
            values[(kinds == bool).to_numpy()] = np.nan
        failed = np.isnan(values) & ~missing
    blank, bad, repaired, placeholder = missing.copy(), none.copy(), none.copy(), none.copy()
    example = None
    if failed.any():
        idx = np.flatnonzero(failed)
        text = series.iloc[idx].astype("str").str.normalize("NFKC").str.strip()
        lower = text.str.lower()
        empty = text.eq("").to_numpy(dtype=bool)
        ph = lower.isin(PLACEHOLDERS).to_numpy(dtype=bool) & ~empty
        rest = ~(empty | ph)
        fixed = np.full(idx.size, np.nan)
        if rest.any():
            fixed[rest] = _repair_numbers(text[rest])
        ok = rest & ~np.isnan(fixed)
        values[idx[ok]] = fixed[ok]
        repaired[idx[ok]] = True
        blank[idx[empty | ph]] = True
        placeholder[idx[ph]] = True
        bad[idx[rest & ~ok]] = True
        if ok.any():
            first = int(np.flatnonzero(ok)[0])
            example = (str(series.iloc[idx[first]]), float(fixed[first]))
    return Numbers(values, blank, bad, repaired, placeholder, example)


_CLEAN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def _arrow_floats(series: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(values, clean) for Arrow-backed text: plain numbers found and cast in C++, others NaN.

    None when the column is not Arrow-backed text (the caller takes the pandas path).
    """
    if series.dtype == object or not ptypes.is_string_dtype(series.dtype):
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pc.utf8_trim_whitespace(pa.array(series.array))  # zero-copy for Arrow-backed strings
        clean = pc.fill_null(pc.match_substring_regex(arr, _CLEAN_NUMBER), False)
        kept = pc.if_else(clean, arr, pa.scalar(None, type=arr.type))
        values = np.array(pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
        return values, np.array(clean.to_numpy(zero_copy_only=False), dtype=bool)
    except Exception:  # noqa: BLE001 - e.g. a number beyond float range: take the pandas path
        return None


def by_unique(series: pd.Series, parse, n_out: int):
    """Run ``parse`` (returning ``n_out`` arrays) on the distinct values only and spread the result.

    Columns of times, yes/no or labels repeat a few values over many rows; parsing each distinct
    value once keeps text parsing fast on a million rows. Missing cells come back as NaN/False.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if isinstance(uniques, pd.Index):
        uniques = uniques.array
    parts = parse(pd.Series(uniques, dtype=series.dtype if series.dtype != object else object))
    if n_out == 1:
        parts = (parts,)
    out = []
    for part in parts:
        arr = np.asarray(part)
        fill = False if arr.dtype == bool else np.nan
        out.append(np.append(arr, np.array([fill], dtype=arr.dtype))[codes])
    return out[0] if n_out == 1 else tuple(out)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _repair_numbers(text: pd.Series) -> np.ndarray:
    t = text.str.replace(r"\s+", "", regex=True)
    t = t.str.replace(r"^(?:¥|\$|rmb|cny|人民币)", "", regex=True, case=False)
    t = t.str.replace(r"(?:元|块|rmb|cny|人民币)$", "", regex=True, case=False)
    scale = np.ones(len(t))
    for suffix, factor in (("万", 1e4), ("亿", 1e8)):
        has = t.str.endswith(suffix).to_numpy(dtype=bool, na_value=False)
        scale[has] = factor
        t = t.str.removesuffix(suffix)
    thousands = t.str.match(_THOUSANDS).to_numpy(dtype=bool, na_value=False)
    t = t.where(~thousands, t.str.replace(",", "", regex=False))
    values = pd.to_numeric(t, errors="coerce").astype("float64").to_numpy(na_value=np.nan, copy=True)
    values[np.isinf(values)] = np.nan
    return values * scale


def _id_text(value) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def as_text(series: pd.Series) -> pd.Series:
    """Identifiers and labels as str (NA where blank); 1001.0 from a spreadsheet becomes "1001"."""
    if ptypes.is_bool_dtype(series.dtype) or series.dtype == object:
        out = series.map(_id_text)
    elif ptypes.is_integer_dtype(series.dtype):
        out = series.astype("str")
        out = out.where(series.notna())
    elif ptypes.is_float_dtype(series.dtype):
        arr = series.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        integral = np.isfinite(arr) & (np.mod(arr, 1) == 0) & (np.abs(arr) < 1e15)
        text = series.astype("str")
        ints = pd.Series(np.where(integral, arr, 0).astype("int64"), index=series.index).astype("str")
        out = text.where(~integral, ints).where(series.notna())
    else:
        out = series.astype("str").str.strip()
        out = out.where(out.ne("") & series.notna())
    return out.astype("str").reset_index(drop=True)


def parse_bools(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, blank, bad) for yes/no columns: 1/0, true/false, 是/否, Y/N, 已铺货/未铺货, 合作/未合作."""
    blank = blank_mask(series)
    if ptypes.is_bool_dtype(series.dtype):
        return series.fillna(False).to_numpy(dtype=bool), blank, np.zeros(len(series), dtype=bool)
    values, known = by_unique(series, _bool_values, 2)
    return values, blank, ~known & ~blank


def _bool_values(uniques: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    key = as_text(uniques).str.normalize("NFKC").str.lower().str.replace(r"\s+", "", regex=True)
    truth = key.isin(_TRUE).to_numpy(dtype=bool)
    known = truth | key.isin(_FALSE).to_numpy(dtype=bool)
    return truth, known


def _channel_code(label: str) -> str:
    text = label.lower()
    tokens = set(re.split(r"[^0-9a-z]+", text)) | {re.sub(r"[^0-9a-z]+", "", text)}
    for code, cjk, latin in _CHANNEL_WORDS:
        if any(w in text for w in cjk) or tokens.intersection(latin):
            return code
    return "other"


def parse_channels(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(canonical channel code or NA, the original label as str or NA)."""
    raw = as_text(series)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = np.array([_channel_code(unicodedata.normalize("NFKC", str(u)).strip()) for u in uniques] + [None],
                     dtype=object)
    return pd.Series(table[codes], dtype="str"), raw


_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?(?:[ T].*)?$")
_MONTH_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")


def _month_text(value) -> str | None:
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if not np.isfinite(value) or not float(value).is_integer():
            return None
        value = str(int(value))
    text = str(value)
    m = _MONTH.match(text) or _MONTH_COMPACT.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def parse_periods(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Months as "YYYY-MM" (from dates, "2024/3", "2024年3月", 202403); unparsable kept as text.

    Returns (period strings, bad mask).
    """
    blank = blank_mask(series)
    uniques = pd.unique(series[~blank])
    table = {u: _month_text(u) for u in uniques}
    mapped = series.map(table)
    bad = mapped.isna().to_numpy(dtype=bool) & ~blank
    out = mapped.where(~bad, as_text(series))
    return out.astype("str").where(~blank).astype("str"), bad


def _weekday_tokens(text: str) -> list[int | str] | None:
    """Tokens of a weekday list: ints (as written) and ranges; None if unreadable."""
    t = text.strip().lower()
    t = re.sub(r"(星期|礼拜|周)", " ", t)
    t = re.sub(r"\s*(?:-|~|～|至|到|—|–)\s*", "-", t)
    parts = [p for p in re.split(r"[,;、，/\s|+]+", t) if p]
    out: list = []
    for part in parts:
        ends = part.split("-")
        if len(ends) > 2:
            return None
        vals = []
        for e in ends:
            if e.isdigit():
                vals.append(int(e))
            elif e in _WEEKDAY_WORDS:
                vals.append(("w", _WEEKDAY_WORDS[e]))
            else:
                return None
        out.append(tuple(vals))
    return out or None


_DAY_PRESETS = {"工作日": "0,1,2,3,4", "weekdays": "0,1,2,3,4", "workdays": "0,1,2,3,4",
                "每天": "0,1,2,3,4,5,6", "每日": "0,1,2,3,4,5,6", "全周": "0,1,2,3,4,5,6", "daily": "0,1,2,3,4,5,6",
                "everyday": "0,1,2,3,4,5,6", "周末": "5,6", "weekend": "5,6", "weekends": "5,6"}


def parse_weekdays(series: pd.Series) -> tuple[pd.Series, np.ndarray, bool]:
    """Working days as "0,1,2,3,4" (Monday = 0).

    Accepts "0,1,2,3,4", "周一至周五", "Mon-Fri", "一、三、五", "工作日". Numbers follow the file: when
    no 0 appears anywhere in the column they are read as 1 = Monday … 7 = Sunday.
    Returns (days, bad mask, numbers_were_one_based).
    """
    blank = blank_mask(series)
    text = as_text(series).str.normalize("NFKC").str.strip()
    uniques = [u for u in text[~blank].unique() if isinstance(u, str)]
    tokens = {u: (None if u.lower().replace(" ", "") in _DAY_PRESETS else _weekday_tokens(u))
              for u in uniques}
    numbers = [v for toks in tokens.values() if toks for rng in toks for v in rng if isinstance(v, int)]
    one_based = bool(numbers) and 0 not in numbers
    table: dict[str, str | None] = {}
    for u, toks in tokens.items():
        preset = _DAY_PRESETS.get(u.lower().replace(" ", ""))
        if preset:
            table[u] = preset
            continue
        table[u] = _days_from_tokens(toks, one_based)
    mapped = text.map(table)
    bad = mapped.isna().to_numpy(dtype=bool) & ~blank
    return mapped.astype("str"), bad, one_based


def _days_from_tokens(tokens, one_based: bool) -> str | None:
    if not tokens:
        return None
    days: set[int] = set()
    for rng in tokens:
        idx = []
        for v in rng:
            if isinstance(v, tuple):
                idx.append(v[1])
            else:
                d = v - 1 if one_based else v
                if not 0 <= d <= 6:
                    return None
                idx.append(d)
        if len(idx) == 1:
            days.add(idx[0])
        else:
            a, b = idx
            days.update(range(a, b + 1) if a <= b else list(range(a, 7)) + list(range(0, b + 1)))
    return ",".join(str(d) for d in sorted(days))

"""Why an outlet scores what it scores, in words and numbers a planner can read.

Score: each feature contributes ``100·|w|·oriented scaled value`` points (see
:mod:`gis.scoring.composite`). A factor is that contribution minus the median contribution of
the same feature in the outlet's district: "+6.2 points" means the feature puts the outlet 6.2
points above a typical outlet of its district.

Potential: for each model feature, the outlet's prediction is recomputed with that feature set
to its district median (the channel to the district's most common channel), all else unchanged,
by the very model that predicted the outlet (its out-of-fold model when it is a training
outlet). The factor is the ratio of the two predictions: "potential +18 %" means the outlet's
value of that feature raises its predicted sales by 18 % against a typical value. Only the
``explain_features`` most influential features (largest mean absolute effect on a sample) are
explained, to keep the cost at a few predictions of the whole table.

Each value is also placed within its district: "top 5 % of the district" (mid-rank percentile).
Catchment values are the decay-weighted sums of :func:`gis.catchment.catchment_sums`, so counts
such as "transit stops within 500 m: 1.8" may carry decimals.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.scoring.params import CHANNELS, CatchmentDef
from gis.scoring.potential import CHANNEL_FEATURE, PotentialResult

# feature -> (English, Chinese); "{c}" is the catchment phrase
LABELS = {
    "residents": ("residents {c}", "{c}居住人口"),
    "workers": ("workers {c}", "{c}工作人口"),
    "visitors": ("visitors {c}", "{c}到访人口"),
    "population": ("population {c}", "{c}人口"),
    "ta": ("target audience {c}", "{c}目标人群"),
    "purchasing_power": ("purchasing power {c}", "{c}购买力"),
    "consumption_index": ("consumption index {c}", "{c}消费指数"),
    "poi_food": ("food & drink POIs {c}", "{c}餐饮POI"),
    "poi_retail": ("retail POIs {c}", "{c}零售POI"),
    "poi_office": ("office POIs {c}", "{c}办公POI"),
    "poi_school": ("school POIs {c}", "{c}学校POI"),
    "poi_transit": ("transit stops {c}", "{c}交通站点"),
    "poi_tourism": ("tourism POIs {c}", "{c}旅游POI"),
    "poi_hotel": ("hotels {c}", "{c}酒店"),
    "poi_competitor": ("competitor outlets {c}", "{c}竞品售点"),
    "own_outlets": ("own covered outlets {c}", "{c}已铺货自有售点"),
    "own_nearest_m": ("distance to the nearest covered outlet", "距最近已铺货售点距离"),
    "potential": ("sales potential", "销售潜力"),
    CHANNEL_FEATURE: ("channel", "渠道"),
}
CHANNEL_NAMES = {
    "hypermarket": ("hypermarket", "大卖场"), "supermarket": ("supermarket", "超市"),
    "convenience": ("convenience store", "便利店"), "traditional": ("traditional store", "传统小店"),
    "catering": ("catering", "餐饮"), "other": ("other", "其他"),
}


def label(feature: str, lang: str = "en", catchment: CatchmentDef | None = None, resolution: int = 9) -> str:
    """A planner's name for a feature, e.g. 'workers within 500 m' / '500米内工作人口'."""
    zh = lang == "zh"
    c = catchment.label(lang, resolution) if catchment is not None else ("附近" if zh else "nearby")
    if feature in LABELS:
        return LABELS[feature][1 if zh else 0].format(c=c)
    if feature.endswith("_share") and feature[:-6] in LABELS:
        base = LABELS[feature[:-6]][1 if zh else 0].format(c=c)
        return f"{base}占比" if zh else f"share of {base}"
    if feature.startswith("ch_"):
        ch = CHANNEL_NAMES.get(feature[3:], (feature[3:], feature[3:]))[1 if zh else 0]
        return f"渠道为{ch}" if zh else f"channel is {ch}"
    return f"{c}{feature}" if zh else f"{feature} {c}"


def channel_name(code, lang: str = "en") -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)) or code is pd.NA:
        return "未知" if lang == "zh" else "unknown"
    return CHANNEL_NAMES.get(str(code), (str(code), str(code)))[1 if lang == "zh" else 0]


def district_percentiles(frame: pd.DataFrame, features, district: pd.Series) -> pd.DataFrame:
    """Mid-rank percentile (0…1) of each value among the outlets of its district."""
    keys = pd.Series(district, index=frame.index).astype("string").fillna("\x00")
    g = frame[list(features)].astype(float).groupby(keys, sort=False)
    ranks = g.rank(method="average")
    counts = g.transform("count")
    return (ranks - 0.5) / counts


def score_factors(scaled: pd.DataFrame, weights: np.ndarray, district: pd.Series, method: str) -> pd.DataFrame:
    """Score points each feature gives above (+) or below (−) the district's median value.

    ``factor · w_f · (scaled_f − district median of scaled_f)`` with the outlet's own signed weight,
    i.e. the outlet's score minus its score if this feature had the district's median value.
    """
    keys = pd.Series(district, index=scaled.index).astype("string").fillna("\x00")
    median = scaled.groupby(keys, sort=False).transform("median")
    factor = 1.0 if method == "zscore" else 100.0
    return factor * weights * (scaled - median)


def _mode(s: pd.Series):
    """The most common value (the smallest among equals), NaN when there is none."""
    return s.mode().iloc[0] if s.notna().any() else np.nan


def _district_reference(X: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Each feature's district median (the channel code: the district's most common one)."""
    ref = pd.DataFrame(index=X.index)
    g = X.groupby(keys.to_numpy(), sort=False)
    for col in X.columns:
        if col == CHANNEL_FEATURE:
            ref[col] = keys.map(g[col].agg(_mode)).to_numpy(dtype=float)
        else:
            ref[col] = g[col].transform("median").to_numpy()
    return ref


def district_channel(channel: pd.Series, district: pd.Series) -> pd.Series:
    """Each outlet's district's most common channel (the reference of the channel factor)."""
    codes = pd.Series(channel).astype("string").map({c: i for i, c in enumerate(CHANNELS)}).astype(float)
    keys = pd.Series(district, index=codes.index).astype("string").fillna("\x00")
    mode = keys.map(codes.groupby(keys.to_numpy(), sort=False).agg(_mode))
    return mode.map(dict(enumerate(CHANNELS))).astype("string")


_STACK_ROWS = 400_000  # rows predicted at once when explaining (bounds the memory)


def _substituted(X: pd.DataFrame, ref: pd.DataFrame, cols) -> pd.DataFrame:
    """``X`` repeated once per column of ``cols``, that column replaced by its reference value."""
    parts = []
    for col in cols:
        part = X.copy()
        part[col] = ref[col].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def potential_factors(result: PotentialResult, district: pd.Series, max_features: int = 8,
                      sample: int = 2000, seed: int = 0, progress: prog.Progress | None = None) -> pd.DataFrame:
    """Log-ratio of each outlet's prediction to its prediction with the feature at the district median.

    Columns are the explained model features (at most ``max_features``); positional rows.
    """
    progress = prog.ensure(progress)
    if not result.fitted or max_features == 0:
        return pd.DataFrame(index=range(len(result.log_pred)))
    X = result.design
    keys = pd.Series(district).astype("string").fillna("\x00").reset_index(drop=True)
    ref = _district_reference(X, keys)
    base = result.predict_log(X)
    n = len(X)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n, size=min(n, sample), replace=False))
    # which features matter: measured once on a sample with the full model (one stacked prediction)
    cols = list(X.columns)
    stacked = _substituted(X.iloc[rows], ref.iloc[rows], cols)
    pred = result.predict_full(stacked).reshape(len(cols), len(rows))
    base_s = result.predict_full(X.iloc[rows])
    effect = dict(zip(cols, np.nanmean(np.abs(base_s[None, :] - pred), axis=1)))
    chosen = [c for c, e in sorted(effect.items(), key=lambda kv: -kv[1]) if e > 0][:max_features]
    out = {}
    per_block = max(1, _STACK_ROWS // max(n, 1))
    for start in range(0, len(chosen), per_block):
        prog.check(progress)
        block = chosen[start:start + per_block]
        stacked = _substituted(X, ref, block)
        pred = result.predict_log(stacked, np.tile(np.arange(n), len(block))).reshape(len(block), n)
        for j, col in enumerate(block):
            out[col] = base - pred[j]
        progress.report(min(1.0, (start + len(block)) / max(len(chosen), 1)), "explaining potential")
    return pd.DataFrame(out, index=range(n))


def _fmt_value(feature: str, value, lang: str) -> str:
    if feature == CHANNEL_FEATURE:
        return value
    if value is None or not np.isfinite(value):
        return "—"
    if feature.endswith("_share"):
        return f"{value:.0%}"
    if feature.endswith("_m"):
        return f"{value:,.0f}米" if lang == "zh" else f"{value:,.0f} m"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if value == int(value):
        return f"{int(value):,}"
    digits = 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def rank_phrase(pct: float, lang: str = "en") -> str:
    """'top 5 % of the district' / '片区前5%' from a mid-rank percentile."""
    if pct is None or not np.isfinite(pct):
        return ""
    if pct >= 0.5:
        x = max(1, math.ceil(round((1.0 - pct) * 100, 6)))
        return f"片区前{x}%" if lang == "zh" else f"top {x} % of the district"
    x = max(1, math.ceil(round(pct * 100, 6)))
    return f"片区后{x}%" if lang == "zh" else f"bottom {x} % of the district"


def factor_text(feature: str, value, pct, lang: str, catchment, resolution, *, points=None,
                effect=None, reference=None) -> str:
    """One factor in words: label, value, place in the district, and its effect."""
    zh = lang == "zh"
    name = label(feature, lang, catchment, resolution)
    if feature == CHANNEL_FEATURE:
        body = f"{name}：{channel_name(value, lang)}" if zh else f"{name}: {channel_name(value, lang)}"
        if reference is not None:
            body += (f"（片区常见：{channel_name(reference, lang)}）" if zh
                     else f" (district typical: {channel_name(reference, lang)})")
    else:
        place = rank_phrase(pct, lang)
        v = _fmt_value(feature, value, lang)
        body = (f"{name}：{v}" + (f"（{place}）" if place else "")) if zh else \
            (f"{name}: {v}" + (f" ({place})" if place else ""))
    if points is not None:
        body += f"，{points:+.1f}分" if zh else f", {points:+.1f} pts"
    if effect is not None:
        pctchg = (math.exp(effect) - 1.0) * 100
        body += f" → 潜力{pctchg:+.0f}%" if zh else f" → potential {pctchg:+.0f} %"
    return body


def _fmt_values(feature: str, values: np.ndarray, lang: str) -> list[str]:
    """:func:`_fmt_value` for many values of one feature."""
    v = np.asarray(values, dtype=float)
    if feature.endswith("_share"):
        return [f"{x:.0%}" if np.isfinite(x) else "—" for x in v]
    if feature.endswith("_m"):
        unit = "米" if lang == "zh" else " m"
        return [f"{x:,.0f}{unit}" if np.isfinite(x) else "—" for x in v]
    return [_fmt_value(feature, float(x), lang) for x in v]


def _rank_phrases(pct: np.ndarray, lang: str) -> list[str]:
    """:func:`rank_phrase` for many percentiles."""
    p = np.asarray(pct, dtype=float)
    top = p >= 0.5
    with np.errstate(invalid="ignore"):
        x = np.maximum(1, np.ceil(np.round(np.where(top, 1.0 - p, p) * 100, 6)))
    if lang == "zh":
        return ["" if not np.isfinite(q) else (f"片区前{int(q)}%" if t else f"片区后{int(q)}%") for q, t in zip(x, top)]
    return ["" if not np.isfinite(q) else (f"top {int(q)} % of the district" if t else f"bottom {int(q)} % of the district")
            for q, t in zip(x, top)]


def _factor_texts(f: str, rows: np.ndarray, d: np.ndarray, frame_values, pct_values, lang, catchment,
                  resolution, kind, ch, ch_ref) -> list[str]:
    """Texts of feature ``f`` for the given rows (same wording as :func:`factor_text`)."""
    zh = lang == "zh"
    sep = "：" if zh else ": "
    name = label(f, lang, catchment, resolution)
    sign = np.where(d > 0, "+", "−")
    if f == CHANNEL_FEATURE:
        heads = []
        for i in rows:
            body = f"{name}{sep}{channel_name(ch[i] if ch is not None else None, lang)}"
            if ch_ref is not None:
                r = channel_name(ch_ref[i], lang)
                body += f"（片区常见：{r}）" if zh else f" (district typical: {r})"
            heads.append(body)
    else:
        vals = _fmt_values(f, frame_values[rows], lang) if frame_values is not None else ["—"] * len(rows)
        places = _rank_phrases(pct_values[rows], lang) if pct_values is not None else [""] * len(rows)
        if zh:
            heads = [f"{name}{sep}{v}" + (f"（{p}）" if p else "") for v, p in zip(vals, places)]
        else:
            heads = [f"{name}{sep}{v}" + (f" ({p})" if p else "") for v, p in zip(vals, places)]
    if kind == "score":
        tails = [(f"，{x:+.1f}分" if zh else f", {x:+.1f} pts") for x in d]
    else:
        chg = (np.exp(d) - 1.0) * 100
        tails = [(f" → 潜力{x:+.0f}%" if zh else f" → potential {x:+.0f} %") for x in chg]
    return [f"{s} {h}{t}" for s, h, t in zip(sign, heads, tails)]


def top_factor_texts(frame: pd.DataFrame, pct: pd.DataFrame, deltas: pd.DataFrame, lang: str,
                     catchment, resolution, *, kind: str, top: int = 3, channel: pd.Series | None = None,
                     channel_ref: pd.Series | None = None) -> pd.Series:
    """Per outlet, its ``top`` largest factors (by size) as one line of text separated by '; ' ('；')."""
    n = len(deltas)
    if n == 0 or deltas.shape[1] == 0:
        return pd.Series([""] * n, index=frame.index, dtype="string")
    vals = deltas.to_numpy(dtype=float)
    mag = np.where(np.isfinite(vals), np.abs(vals), -1.0)
    k = min(top, vals.shape[1])
    order = np.argsort(-mag, axis=1, kind="stable")[:, :k]
    cols = list(deltas.columns)
    threshold = 0.05 if kind == "score" else 0.01  # smaller than this is no factor
    ch = channel.astype(object).to_numpy() if channel is not None else None
    ch_ref = channel_ref.astype(object).to_numpy() if channel_ref is not None else None
    slots = np.full((n, k), "", dtype=object)
    for j, f in enumerate(cols):
        frame_values = frame[f].to_numpy(dtype=float) if f in frame.columns and f != CHANNEL_FEATURE else None
        pct_values = pct[f].to_numpy(dtype=float) if f in pct.columns else None
        for slot in range(k):
            rows = np.flatnonzero(order[:, slot] == j)
            d = vals[rows, j]
            keep = np.isfinite(d) & (np.abs(d) >= threshold)
            rows, d = rows[keep], d[keep]
            if len(rows):
                slots[rows, slot] = _factor_texts(f, rows, d, frame_values, pct_values, lang, catchment,
                                                  resolution, kind, ch, ch_ref)
    sep = "；" if lang == "zh" else "; "
    texts = [sep.join(t for t in row if t) for row in slots]
    return pd.Series(texts, index=frame.index, dtype="string")


__all__ = ["LABELS", "label", "channel_name", "district_percentiles", "district_channel", "score_factors", "potential_factors",
           "rank_phrase", "factor_text", "top_factor_texts"]

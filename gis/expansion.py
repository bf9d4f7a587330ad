"""Expansion list (拓展名单): prospects ranked by the sales they would add, net of cannibalization.

For a prospect *j* (an uncovered outlet):

- ``expected_sales`` E_j is its potential from the scoring model (the sales an outlet like it
  makes where the brand is present);
- ``cannibalized_sales`` C_j is what it would take from the brand's covered outlets nearby::

      C_j = min(E_j, Σ_i  s · o(d_ij) · f_ij · S_i)

  over covered outlets *i* within ``2R``: S_i is outlet *i*'s sales (its potential when it has no
  sales), o(d) the overlap of two circular catchments of radius R whose centres are d apart —
  the share of *i*'s catchment that *j*'s catchment also covers,
  ``o(d) = (2R²·acos(d/2R) − (d/2)·√(4R² − d²)) / (πR²)``, 1 at d = 0 falling smoothly to 0 at
  d = 2R — ``s`` the share of the overlap's customers the newcomer wins (``capture_share``,
  0.5: two comparable outlets split the overlap evenly, as a Huff model with equal attractiveness
  does) and ``f_ij`` 1 for outlets of the same channel, ``cross_channel_factor`` (0.5) otherwise
  (a restaurant takes less from a supermarket than another supermarket does). C_j never exceeds
  E_j: an outlet cannot take more than it sells;
- ``net_sales`` = E_j − C_j, the incremental sales of the brand.

Prospects are ranked within their district by ``net_sales`` (by score when there is no potential
model), each with its reasons in words. R is the scoring catchment's reach unless ``radius_m``
is given.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, fields
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gis.errors import AnalysisError, ConfigError
from gis.scoring.explain import channel_name
from gis.scoring.features import to_xyz_m

log = logging.getLogger(__name__)

DEFAULT_RADIUS_M = 500.0


@dataclass(frozen=True)
class ExpansionParams:
    """The cannibalization model and the list's length ([expansion] section)."""

    capture_share: float = 0.5
    cross_channel_factor: float = 0.5
    radius_m: float | None = None      # None: the scoring catchment's reach
    top_per_district: int | None = None
    lang: str | None = None            # None: the scoring result's language, else English

    def __post_init__(self):
        for name, low, high in (("capture_share", 0.0, 1.0), ("cross_channel_factor", 0.0, 1.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not low <= v <= high:
                raise ConfigError(f"[expansion] {name} must be a number in {low}…{high}, not {v!r}.")
        if self.radius_m is not None and (not isinstance(self.radius_m, (int, float)) or not self.radius_m > 0):
            raise ConfigError(f"[expansion] radius_m must be a positive number of metres, not {self.radius_m!r}.")
        if self.top_per_district is not None and (isinstance(self.top_per_district, bool)
                                                  or not isinstance(self.top_per_district, int)
                                                  or self.top_per_district < 1):
            raise ConfigError(f"[expansion] top_per_district must be a whole number ≥ 1, not {self.top_per_district!r}.")
        if self.lang not in (None, "en", "zh"):
            raise ConfigError(f"[expansion] lang must be 'en' or 'zh', not {self.lang!r}.")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "ExpansionParams":
        data = dict(data or {})
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"[expansion] unknown key(s) {sorted(unknown)}; known: {[f.name for f in fields(cls)]}.")
        return cls(**data)


@dataclass(frozen=True)
class ExpansionResult:
    table: pd.DataFrame          # district, rank, outlet_id, expected_sales, cannibalized_sales, net_sales, …
    notes: tuple[str, ...]
    params: ExpansionParams
    radius_m: float


def overlap_share(distance_m, radius_m: float) -> np.ndarray:
    """Share of one circle of radius R covered by another of radius R whose centre is d away."""
    d = np.clip(np.asarray(distance_m, dtype=float) / (2.0 * radius_m), 0.0, 1.0)  # d / 2R
    # lens area / πR² with x = d/2R: (2·acos(x) − 2x·√(1 − x²)) / π
    return (2.0 * np.arccos(d) - 2.0 * d * np.sqrt(1.0 - d * d)) / math.pi


def cannibalization(lat_new, lon_new, channel_new, lat_cov, lon_cov, channel_cov, sales_cov,
                    radius_m: float, capture_share: float = 0.5, cross_channel_factor: float = 0.5):
    """Per new outlet: sales taken from covered outlets (uncapped), their count and the nearest distance."""
    from scipy.spatial import cKDTree

    n = len(np.asarray(lat_new))
    taken = np.zeros(n)
    count = np.zeros(n, dtype=np.int64)
    nearest = np.full(n, np.nan)
    if n == 0 or len(np.asarray(lat_cov)) == 0:
        return taken, count, nearest
    tree = cKDTree(to_xyz_m(lat_cov, lon_cov))
    new_xyz = to_xyz_m(lat_new, lon_new)
    pairs = tree.query_ball_point(new_xyz, r=2.0 * radius_m)
    ch_new = np.asarray(pd.Series(channel_new, dtype="string").fillna("").to_numpy(dtype=object))
    ch_cov = np.asarray(pd.Series(channel_cov, dtype="string").fillna("").to_numpy(dtype=object))
    sales_cov = np.asarray(sales_cov, dtype=float)
    for j, nb in enumerate(pairs):
        if not nb:
            continue
        nb = np.asarray(nb)
        d = np.linalg.norm(tree.data[nb] - new_xyz[j], axis=1)
        f = np.where((ch_cov[nb] == ch_new[j]) & (ch_new[j] != ""), 1.0, cross_channel_factor)
        taken[j] = float(np.sum(capture_share * overlap_share(d, radius_m) * f * sales_cov[nb]))
        count[j] = len(nb)
        nearest[j] = float(d.min())
    return taken, count, nearest


def _reason(row, lang: str, radius_m: float) -> str:
    zh = lang == "zh"
    parts = []
    pot, lo, hi = row["expected_sales"], row.get("potential_low"), row.get("potential_high")
    if np.isfinite(pot):
        rng = ""
        if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
            rng = f"（区间{lo:,.0f}–{hi:,.0f}）" if zh else f" (range {lo:,.0f}–{hi:,.0f})"
        parts.append(f"预计销售{pot:,.0f}{rng}" if zh else f"expected sales {pot:,.0f}{rng}")
    tier, score = row.get("tier"), row.get("score")
    if isinstance(tier, str) and score is not None and np.isfinite(score):
        parts.append(f"片区{tier}级，评分{score:.1f}" if zh else f"tier {tier} in its district, score {score:.1f}")
    if row["nearby_covered"] > 0 and np.isfinite(row["cannibalized_sales"]):
        if zh:
            parts.append(f"分流{2 * radius_m:,.0f}米内{int(row['nearby_covered'])}家已铺货售点约"
                         f"{row['cannibalized_sales']:,.0f}（最近{row['nearest_covered_m']:,.0f}米）")
        else:
            parts.append(f"takes ~{row['cannibalized_sales']:,.0f} from {int(row['nearby_covered'])} covered "
                         f"outlet(s) within {2 * radius_m:,.0f} m (nearest {row['nearest_covered_m']:,.0f} m)")
    else:
        parts.append(f"{2 * radius_m:,.0f}米内无已铺货售点" if zh else f"no covered outlet within {2 * radius_m:,.0f} m")
    ch = row.get("channel")
    if isinstance(ch, str):
        parts.append(f"渠道：{channel_name(ch, 'zh')}" if zh else f"channel: {channel_name(ch, 'en')}")
    factors = row.get("top_factors")
    if isinstance(factors, str) and factors:
        first = factors.split("；")[0].split("; ")[0]
        parts.append(f"主要因素：{first}" if zh else f"main factor: {first}")
    return "；".join(parts) if zh else "; ".join(parts)


def expansion_list(scoring, params: ExpansionParams | None = None) -> ExpansionResult:
    """Uncovered outlets per district ranked by net incremental sales, with the reasons.

    ``scoring``: a :class:`gis.scoring.ScoringResult` or its ``table`` (needs ``outlet_id``,
    ``lat``, ``lon``, ``covered``, ``district``, ``potential``; uses ``sales``, ``channel``,
    ``score``, ``tier``, ``potential_low``/``high``, ``top_factors`` and ``name`` when present).
    """
    params = params or ExpansionParams()
    notes: list[str] = []
    table = getattr(scoring, "table", scoring)
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError("expansion needs the scoring table (run outlet scoring first).")
    missing = [c for c in ("outlet_id", "lat", "lon", "covered") if c not in table.columns]
    if missing:
        raise AnalysisError(f"the scoring table has no column(s) {missing}; run outlet scoring first.")
    radius = params.radius_m
    if radius is None:
        sp = getattr(scoring, "params", None)
        radius = sp.catchment.reach_m(getattr(scoring, "resolution", 9)) if sp is not None else DEFAULT_RADIUS_M
    t = table.reset_index(drop=True)
    covered = t["covered"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    potential = t["potential"].to_numpy(dtype=float) if "potential" in t else np.full(len(t), np.nan)
    sales = t["sales"].to_numpy(dtype=float) if "sales" in t else np.full(len(t), np.nan)
    channel = t["channel"] if "channel" in t else pd.Series(pd.NA, index=t.index, dtype="string")
    has_model = np.isfinite(potential).any()
    if not has_model:
        notes.append("no potential model: expected and net sales are unknown; prospects ranked by score.")
    cov_sales = np.where(np.isfinite(sales), sales, np.where(np.isfinite(potential), potential, 0.0))[covered]
    if covered.any() and not np.isfinite(sales[covered]).any() and not has_model:
        notes.append("covered outlets have neither sales nor potential: cannibalization cannot be estimated.")
    prospects = np.flatnonzero(~covered)
    if not len(prospects):
        notes.append("every outlet is covered: the expansion list is empty.")
    taken, count, nearest = cannibalization(
        t["lat"].to_numpy()[prospects], t["lon"].to_numpy()[prospects], channel.iloc[prospects],
        t["lat"].to_numpy()[covered], t["lon"].to_numpy()[covered], channel[covered], cov_sales,
        radius, params.capture_share, params.cross_channel_factor)
    expected = potential[prospects]
    cannibalized = np.where(np.isfinite(expected), np.minimum(taken, expected), np.nan)
    net = expected - cannibalized
    district = t["district"].astype("string") if "district" in t else pd.Series(pd.NA, index=t.index, dtype="string")
    out = pd.DataFrame({
        "district": district.iloc[prospects].to_numpy(),
        "outlet_id": t["outlet_id"].astype("string").iloc[prospects].to_numpy(),
        "expected_sales": expected, "cannibalized_sales": cannibalized, "net_sales": net,
        "name": (t["name"].astype("string").iloc[prospects].to_numpy() if "name" in t else pd.NA),
        "channel": channel.astype("string").iloc[prospects].to_numpy(),
        "score": t["score"].to_numpy(dtype=float)[prospects] if "score" in t else np.nan,
        "tier": (t["tier"].astype("string").iloc[prospects].to_numpy() if "tier" in t else pd.NA),
        "potential_low": t["potential_low"].to_numpy(dtype=float)[prospects] if "potential_low" in t else np.nan,
        "potential_high": t["potential_high"].to_numpy(dtype=float)[prospects] if "potential_high" in t else np.nan,
        "nearby_covered": count, "nearest_covered_m": nearest,
        "lat": t["lat"].to_numpy()[prospects], "lon": t["lon"].to_numpy()[prospects],
    })
    out["district"] = out["district"].astype("string")
    factors = t["top_factors"].astype("string").iloc[prospects].to_numpy() if "top_factors" in t else None
    key = "net_sales" if has_model else "score"
    sort_key = out[key].fillna(-np.inf) if key in out else pd.Series(0.0, index=out.index)
    out = out.assign(_k=sort_key.to_numpy(), _d=out["district"].fillna("\x00"), _f=factors)
    out = out.sort_values(["_d", "_k", "outlet_id"], ascending=[True, False, True], kind="stable")
    out.insert(1, "rank", out.groupby("_d", sort=False).cumcount().to_numpy() + 1)
    if params.top_per_district is not None:
        out = out[out["rank"] <= params.top_per_district]
    lang = params.lang or getattr(getattr(scoring, "params", None), "lang", None) or "en"
    reasons = [_reason({**row, "top_factors": row["_f"]}, lang, radius)
               for row in out.to_dict("records")]
    out = out.drop(columns=["_k", "_d", "_f"]).assign(reasons=pd.array(reasons, dtype="string"))
    cols = ["district", "rank", "outlet_id", "expected_sales", "cannibalized_sales", "net_sales", "name",
            "channel", "score", "tier", "reasons", "potential_low", "potential_high", "nearby_covered",
            "nearest_covered_m", "lat", "lon"]
    out = out[cols].reset_index(drop=True)
    out["rank"] = out["rank"].astype("int64")
    return ExpansionResult(out, tuple(notes), params, float(radius))


__all__ = ["ExpansionParams", "ExpansionResult", "expansion_list", "cannibalization", "overlap_share"]

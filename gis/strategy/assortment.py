"""Recommended products: what sells in similar outlets but is missing here, with the evidence.

Peers of an outlet are the other outlets with sales lines in the same segment and tier, and the
same channel when channels are known (``peer_by_channel``): a restaurant is compared with
restaurants. When a group has fewer than ``min_peers`` outlets the next wider one is used:
segment + tier, then segment + channel, then the segment alone; the evidence names the group.

A product is recommended when at least ``min_share`` of the peers carry it and the outlet does
not, ranked by share × the peers' average monthly sales of it; at most ``max_products``. The
evidence reads e.g. "sold in 78 % of A-tier office/CBD 商务办公 · convenience 便利店 outlets
(39 of 50), avg ¥1,240/month".

A product is carried when the outlet's lines show a positive value for it. Monthly sales of a
product in an outlet are its total over the outlet's number of distinct periods with any line
(one period when there is no period column). Without amounts, the quantity × price is used, and
without prices the units. Outlets without sales lines (prospects) have no products of their own,
so they get the peer group's most carried products.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from gis.errors import AnalysisError
from gis.strategy.params import StrategyParams

log = logging.getLogger(__name__)

ASSORTMENT_COLUMNS = ("outlet_id", "rank", "product", "category", "peer_group", "peers", "carriers",
                      "peer_share", "avg_monthly", "evidence")


def monthly_product_sales(lines: pd.DataFrame) -> tuple[pd.DataFrame, str, str, list[str]]:
    """Per (outlet, product): monthly value and category; with the value's unit and period label."""
    notes: list[str] = []
    missing = [c for c in ("outlet_id", "product") if c not in lines.columns]
    if missing:
        raise AnalysisError(f"sales lines have no column(s) {missing}; read them with the intake first.")
    df = pd.DataFrame({"outlet_id": lines["outlet_id"].astype("string"),
                       "product": lines["product"].astype("string")})
    def number(name: str) -> pd.Series:
        if name in lines.columns:
            return pd.to_numeric(lines[name], errors="coerce").astype(float)
        return pd.Series(np.nan, index=lines.index)

    amount, quantity, price = number("amount"), number("quantity"), number("price")
    value = amount.copy()
    fill = value.isna() & quantity.notna() & price.notna()
    value[fill] = quantity[fill] * price[fill]
    unit = "money"
    if value.notna().sum() == 0:
        value = quantity
        unit = "units"
        notes.append("sales lines have no amounts or prices: product sales are counted in units.")
    df["value"] = value.to_numpy(dtype=float)
    df["category"] = (lines["category"].astype("string") if "category" in lines
                      else pd.Series(pd.NA, index=lines.index, dtype="string")).to_numpy()
    if "period" in lines.columns and lines["period"].notna().any():
        df["period"] = lines["period"].astype("string").to_numpy()
        periods = df["period"].dropna().unique()
        monthly = all(re.fullmatch(r"\d{4}-\d{2}", str(p)) for p in periods)
        label = "month" if monthly else "period"
    else:
        df["period"] = "all"
        label = "period"
    df = df.dropna(subset=["outlet_id", "product"])
    df = df[df["value"].fillna(0) > 0]
    n_periods = df.groupby("outlet_id")["period"].nunique()
    per = df.groupby(["outlet_id", "product"], sort=True).agg(value=("value", "sum"), category=("category", "first"))
    per = per.reset_index()
    per["monthly"] = per["value"] / per["outlet_id"].map(n_periods).to_numpy(dtype=float)
    return per[["outlet_id", "product", "category", "monthly"]], unit, label, notes


def _fmt_value(value: float, unit: str, currency: str, label: str) -> str:
    if unit == "units":
        return f"avg {value:,.0f} units/{label}"
    return f"avg {currency}{value:,.0f}/{label}"


CHANNEL_NAMES = {
    "hypermarket": "hypermarket 大卖场", "supermarket": "supermarket 超市", "convenience": "convenience 便利店",
    "traditional": "traditional 夫妻店", "catering": "catering 餐饮", "other": "other 其他",
}


def _group_label(level: tuple[str, ...], seg_name, tier, channel) -> str:
    text = f"{tier}-tier {seg_name}" if "tier" in level else f"{seg_name}"
    if "channel" in level:
        text += f" · {CHANNEL_NAMES.get(str(channel), str(channel))}"
    if "tier" not in level:
        text += " (all tiers)"
    return text


def recommend_products(outlets: pd.DataFrame, lines: pd.DataFrame, params: StrategyParams | None = None
                       ) -> tuple[pd.DataFrame, list[str]]:
    """Long table of recommendations (:data:`ASSORTMENT_COLUMNS`) and notes.

    ``outlets`` needs ``outlet_id``, ``segment_key``, ``segment`` (display name) and ``tier``; with
    a ``channel`` column and ``params.peer_by_channel``, peers share the channel too when there are
    enough of them. Peer groups, tried in order: segment + tier (+ channel), segment + tier,
    segment (+ channel), segment.
    """
    params = params or StrategyParams()
    per, unit, label, notes = monthly_product_sales(lines)
    use_channel = params.peer_by_channel and "channel" in outlets.columns and outlets["channel"].notna().any()
    meta = pd.DataFrame({
        "outlet_id": outlets["outlet_id"].astype("string").to_numpy(),
        "segment_key": outlets["segment_key"].astype("string").to_numpy(),
        "segment": outlets["segment"].astype("string").to_numpy(),
        "tier": outlets["tier"].astype("string").to_numpy(),
        "channel": (outlets["channel"].astype("string").to_numpy() if use_channel
                    else pd.array([pd.NA] * len(outlets), dtype="string")),
    })
    known = set(meta["outlet_id"].dropna())
    unknown = per.loc[~per["outlet_id"].isin(known), "outlet_id"].nunique()
    if unknown:
        notes.append(f"{unknown} outlet id(s) in the sales lines are not in the outlets table and are left out.")
    per = per[per["outlet_id"].isin(known)]
    reporting = set(per["outlet_id"])
    if not reporting:
        notes.append("no sales line matches an outlet: no assortment recommendations.")
        return pd.DataFrame(columns=list(ASSORTMENT_COLUMNS)), notes
    by_id = meta.drop_duplicates("outlet_id").set_index("outlet_id")
    per = per.join(by_id[["segment_key", "tier", "channel"]], on="outlet_id")
    carried = per.groupby("outlet_id")["product"].agg(frozenset)
    category = per.groupby("product")["category"].first()
    rep_meta = meta[meta["outlet_id"].isin(reporting)]

    levels: list[tuple[str, ...]] = []
    if use_channel:
        levels.append(("segment_key", "tier", "channel"))
    levels.append(("segment_key", "tier"))
    if use_channel:
        levels.append(("segment_key", "channel"))
    levels.append(("segment_key",))

    def ranked(stats: pd.DataFrame) -> list[tuple[str, int, float]]:
        # order by carriers × mean (= share × mean for a fixed number of peers), then name
        key = -(stats["size"] * stats["mean"]).to_numpy(dtype=float)
        order = np.lexsort((stats.index.to_numpy(dtype=str), key))
        return [(stats.index[k], int(stats["size"].iloc[k]), float(stats["mean"].iloc[k])) for k in order]

    sizes, ranking = [], []
    for level in levels:
        cols = list(level)
        size = rep_meta.dropna(subset=cols).groupby(cols).size()
        sizes.append({(k if isinstance(k, tuple) else (k,)): int(v) for k, v in size.items()})
        stats = per.dropna(subset=cols).groupby(cols + ["product"])["monthly"].agg(["size", "mean"])
        ranking.append({(g if isinstance(g, tuple) else (g,)): ranked(df.droplevel(list(range(len(cols)))))
                        for g, df in stats.groupby(level=list(range(len(cols))))})

    rows = []
    used = [0] * len(levels)
    for oid, seg, seg_name, tier, channel in meta.itertuples(index=False):
        if pd.isna(oid) or pd.isna(seg):
            continue
        own = carried.get(oid, frozenset())
        is_rep = int(oid in reporting)
        values = {"segment_key": seg, "tier": tier, "channel": channel}
        chosen = None
        for li, level in enumerate(levels):
            if any(pd.isna(values[c]) for c in level):
                continue
            key = tuple(values[c] for c in level)
            if sizes[li].get(key, 0) - is_rep >= params.min_peers:
                chosen = (li, key)
                break
        if chosen is None:
            continue
        li, key = chosen
        used[li] += 1
        n_peers = sizes[li][key] - is_rep
        group = _group_label(levels[li], seg_name, tier, channel)
        rank = 0
        for product, carriers, avg in ranking[li].get(key, []):
            if rank >= params.max_products:
                break
            share = carriers / n_peers
            if product in own or share < params.min_share - 1e-12:
                continue
            rank += 1
            evidence = (f"{product}: sold in {round(share * 100)} % of {group} outlets ({carriers} of {n_peers}), "
                        f"{_fmt_value(avg, unit, params.currency, label)}")
            rows.append((oid, rank, product, category.get(product, pd.NA), group, n_peers, carriers, share, avg,
                         evidence))
    if any(used[1:]):
        parts = [f"{n:,} by {' + '.join(c.replace('_key', '') for c in level)}"
                 for level, n in zip(levels, used) if n]
        notes.append(f"assortment peers (at least {params.min_peers} outlets with sales lines): {', '.join(parts)}.")
    out = pd.DataFrame(rows, columns=list(ASSORTMENT_COLUMNS))
    for c in ("outlet_id", "product", "category", "peer_group", "evidence"):
        out[c] = out[c].astype("string")
    return out, notes


__all__ = ["ASSORTMENT_COLUMNS", "CHANNEL_NAMES", "monthly_product_sales", "recommend_products"]

"""Distribution strategy (铺货策略) per outlet: segment, price band, promotion, visits, assortment.

:func:`derive_strategy` combines the scoring stage's table (tier, score, potential, gap), the
outlets' catchment features and, when given, the sales lines. It always produces a row per
outlet; what it cannot compute (no sales lines → no assortment; no tier → tiers from the score
quartiles within the district) is said in ``notes``, never faked.

Priority: outlets in tier order (A first), then by opportunity — the gap to potential for covered
outlets, the potential for prospects — then by score. ``priority`` 1 is the outlet to act on first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.errors import AnalysisError
from gis.strategy.assortment import ASSORTMENT_COLUMNS, recommend_products
from gis.strategy.params import TIERS, StrategyParams
from gis.strategy.pricing import consumption_level, price_bands
from gis.strategy.promotion import assign_promotions, gap_ratio
from gis.strategy.segments import segment_outlets

log = logging.getLogger(__name__)

TABLE_COLUMNS = ("outlet_id", "name", "district", "covered", "tier", "segment", "segment_key", "price_band",
                 "promotion", "visits_per_month", "recommended_products", "priority", "opportunity",
                 "evidence", "price_reason", "promotion_reason")


@dataclass(frozen=True, eq=False)
class StrategyResult:
    """``table``: one row per outlet (:data:`TABLE_COLUMNS`), in the outlets' order;
    ``segments``: one row per segment with its profile; ``assortment``: one row per recommended
    product and outlet with the evidence; ``notes``: what could not be computed and why."""

    table: pd.DataFrame
    segments: pd.DataFrame
    assortment: pd.DataFrame
    notes: tuple[str, ...]
    params: StrategyParams
    summary: dict = field(default_factory=dict)


def derive_tiers(score, district, cutoffs=(0.25, 0.5, 0.75)) -> pd.Series:
    """A/B/C/D from the score's rank within the district: top 25 % A, next 25 % B, … (by ``cutoffs``)."""
    score = pd.Series(np.asarray(pd.to_numeric(pd.Series(score), errors="coerce"), dtype=float))
    group = pd.Series(district).astype("string").fillna("\u0000all").reset_index(drop=True)
    # share of the district ranked above or level with the outlet (highest score → smallest share)
    pct = score.groupby(group).rank(method="max", ascending=False, pct=True)
    tier = np.select([pct <= cutoffs[0], pct <= cutoffs[1], pct <= cutoffs[2]], ["A", "B", "C"], default="D")
    out = pd.Series(tier, dtype="string")
    return out.mask(score.isna())


def _align_features(outlets: pd.DataFrame, features: pd.DataFrame | None) -> pd.DataFrame:
    if features is None:
        return pd.DataFrame(index=range(len(outlets)))
    if "outlet_id" in features.columns:
        f = features.drop_duplicates("outlet_id").set_index(features["outlet_id"].drop_duplicates().astype("string"))
        f = f.reindex(outlets["outlet_id"].astype("string").to_numpy()).drop(columns="outlet_id")
        return f.reset_index(drop=True)
    if len(features) != len(outlets):
        raise AnalysisError(f"strategy: the features have {len(features)} rows but there are {len(outlets)} outlets; "
                            "give features aligned with the outlets (or with an outlet_id column).")
    return features.reset_index(drop=True)


def derive_strategy(outlets: pd.DataFrame, scores: pd.DataFrame | None, features: pd.DataFrame | None,
                    sales_lines: pd.DataFrame | None = None, params: StrategyParams | None = None,
                    progress: prog.Progress | None = None) -> StrategyResult:
    """Per-outlet strategy from the scores, the catchment features and the optional sales lines."""
    params = params or StrategyParams()
    progress = prog.ensure(progress)
    notes: list[str] = []
    if "outlet_id" not in outlets.columns:
        raise AnalysisError("strategy: the outlets table has no outlet_id column.")
    o = outlets.reset_index(drop=True)
    n = len(o)
    ids = o["outlet_id"].astype("string")

    # scores by outlet id
    if scores is not None and len(scores):
        if "outlet_id" not in scores.columns:
            raise AnalysisError("strategy: the scores table has no outlet_id column.")
        s = scores.drop_duplicates("outlet_id").assign(outlet_id=scores["outlet_id"].astype("string"))
        s = s.set_index("outlet_id").reindex(ids.to_numpy())
        s = s.reset_index(drop=True)
        missing = int(s["score"].isna().sum()) if "score" in s else n
        if missing and "score" in s:
            notes.append(f"{missing} outlet(s) have no score.")
    else:
        s = pd.DataFrame(index=range(n))
        notes.append("no scores: tiers, priorities and gaps are unknown.")

    def col(name, default=np.nan):
        if name in s.columns and s[name].notna().any():
            return s[name]
        if name in o.columns:
            return o[name]
        return pd.Series(default, index=range(n))

    district = col("district", pd.NA).astype("string")
    covered_s = col("covered", True)
    covered = covered_s.astype("boolean").fillna(True).to_numpy(dtype=bool)
    score = pd.to_numeric(col("score"), errors="coerce").astype(float)
    potential = pd.to_numeric(col("potential"), errors="coerce").astype(float)
    gap = pd.to_numeric(col("gap"), errors="coerce").astype(float)

    if "tier" in s.columns and s["tier"].notna().any():
        tier = s["tier"].astype("string")
        bad = tier.notna() & ~tier.isin(TIERS)
        if bad.any():
            notes.append(f"{int(bad.sum())} tier value(s) not among {TIERS} treated as unknown.")
            tier = tier.mask(bad)
    elif score.notna().any():
        tier = derive_tiers(score, district, params.tier_cutoffs)
        notes.append("the scores carry no tier: tiers derived from the score quartiles within each district "
                     f"(top {params.tier_cutoffs[0]:.0%} A, to {params.tier_cutoffs[1]:.0%} B, "
                     f"to {params.tier_cutoffs[2]:.0%} C, the rest D).")
    else:
        tier = pd.Series(pd.NA, index=range(n), dtype="string")
    if tier.isna().any():
        notes.append(f"{int(tier.isna().sum())} outlet(s) without a tier get no visits.")

    # segments
    prog.check(progress)
    progress.report(0.1, "segments")
    feats = _align_features(o, features)
    seg = segment_outlets(feats, params)
    notes += list(seg.notes)
    seg_key = seg.key.reset_index(drop=True)
    seg_name = seg.name.reset_index(drop=True)

    # price band
    prog.check(progress)
    progress.report(0.4, "price bands and promotions")
    level, level_notes = consumption_level(feats)
    notes += level_notes
    band, band_reason = price_bands(level, seg_key, params)

    # promotion
    ratio = gap_ratio(potential, gap)
    promo, promo_reason = assign_promotions(tier, seg_key, band, covered, ratio, params)
    if promo.isna().any():
        notes.append(f"{int(promo.isna().sum())} outlet(s) match no promotion rule.")

    # visits
    visits = tier.map(lambda t: params.visits_per_month.get(t, 0.0) if pd.notna(t) else 0.0).to_numpy(dtype=float)

    # priority
    opportunity = np.where(covered, gap.clip(lower=0).to_numpy(), potential.to_numpy())
    tier_rank = tier.map(lambda t: TIERS.index(t) if pd.notna(t) else len(TIERS)).to_numpy(dtype=float)
    order = np.lexsort((np.arange(n), -np.nan_to_num(score.to_numpy(), nan=-np.inf),
                        -np.nan_to_num(opportunity, nan=-np.inf), tier_rank))
    priority = np.empty(n, dtype=np.int64)
    priority[order] = np.arange(1, n + 1)

    # assortment
    prog.check(progress)
    progress.report(0.6, "assortment")
    channel = col("channel", pd.NA).astype("string")
    meta = pd.DataFrame({"outlet_id": ids, "segment_key": seg_key, "segment": seg_name, "tier": tier,
                         "channel": channel})
    recommended = pd.Series(pd.NA, index=range(n), dtype="string")
    evidence = pd.Series(pd.NA, index=range(n), dtype="string")
    if sales_lines is None or len(sales_lines) == 0:
        assortment = pd.DataFrame(columns=list(ASSORTMENT_COLUMNS))
        notes.append("no sales lines: assortment recommendations are left out (add a sales_lines input with "
                     "outlet_id, product, category, price, period, quantity, amount).")
    else:
        assortment, a_notes = recommend_products(meta, sales_lines, params)
        notes += a_notes
        if len(assortment):
            grouped = assortment.sort_values(["outlet_id", "rank"]).groupby("outlet_id", sort=False)
            prods = grouped["product"].agg(lambda x: "; ".join(x))
            evid = grouped["evidence"].agg(lambda x: "; ".join(x))
            recommended = ids.map(prods).astype("string")
            evidence = ids.map(evid).astype("string")
        notes.append(f"{int(recommended.notna().sum()):,} outlet(s) have recommended products.")

    table = pd.DataFrame({
        "outlet_id": ids,
        "name": o["name"].astype("string") if "name" in o else pd.Series("", index=range(n), dtype="string"),
        "district": district,
        "covered": covered,
        "tier": tier,
        "segment": seg_name,
        "segment_key": seg_key,
        "price_band": band,
        "promotion": promo,
        "visits_per_month": visits,
        "recommended_products": recommended,
        "priority": priority,
        "opportunity": opportunity,
        "evidence": evidence,
        "price_reason": band_reason,
        "promotion_reason": promo_reason,
    })
    summary = {
        "outlets": n,
        "segments": int(len(seg.profiles)),
        "visits_per_month": float(visits.sum()),
        "by_tier": {t: int((tier == t).sum()) for t in TIERS},
        "by_price_band": {b: int((band == b).sum()) for b in ("economy", "mainstream", "premium")},
        "with_assortment": int(recommended.notna().sum()),
    }
    progress.report(1.0, "strategy done")
    return StrategyResult(table, seg.profiles, assortment, tuple(notes), params, summary)


__all__ = ["StrategyResult", "derive_strategy", "derive_tiers", "TABLE_COLUMNS"]

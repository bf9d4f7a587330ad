"""Outlet scoring end to end: features, channels, potential, score, tiers, stability, reasons.

:func:`score_outlets` is the one way in. It never fails for lack of data it can do without: no
grid layer, no sales, sales for a few outlets only, a single channel — each reduces what is
computed and leaves a note in ``model_report["notes"]``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.errors import AnalysisError
from gis.scoring import composite, explain, tiers
from gis.scoring.channels import classify_channels
from gis.scoring.features import build_features, channel_dummies, layer_resolution
from gis.scoring.params import CHANNELS, ScoringParams
from gis.scoring.potential import PotentialResult, bootstrap_log_predictions, fit_potential
from gis.scoring.uncertainty import ScoreInputs, resample_scores, stability

log = logging.getLogger(__name__)

CORE_COLUMNS = ("outlet_id", "name", "lat", "lon", "district", "channel", "channel_source",
                "channel_confidence", "covered", "sales", "score", "potential", "potential_low",
                "potential_high", "gap", "rank_in_district", "tier", "tier_stability", "tied",
                "rank_low", "rank_high", "score_sd", "score_demand", "score_places",
                "score_competition", "score_potential", "top_factors", "potential_factors")


@dataclass(frozen=True)
class ScoringResult:
    """The scored outlets and how the numbers were made.

    ``table``: one row per outlet in input order (columns :data:`CORE_COLUMNS`, then the features);
    ``model_report``: the potential model's held-out figures and every note on what could not be
    computed; ``weights``: the normalised weights each channel preset used.
    """

    table: pd.DataFrame
    model_report: dict[str, Any]
    weights: dict[str, dict[str, float]]
    params: ScoringParams
    features: tuple[str, ...] = ()
    contributions: pd.DataFrame | None = field(default=None, repr=False)
    score_deltas: pd.DataFrame | None = field(default=None, repr=False)
    potential_deltas: pd.DataFrame | None = field(default=None, repr=False)
    percentiles: pd.DataFrame | None = field(default=None, repr=False)
    resolution: int = 9

    @property
    def notes(self) -> list[str]:
        return list(self.model_report.get("notes", []))

    def summary(self) -> str:
        """The model's cross-validated figures and every note, as lines of plain text."""
        return model_summary(self.model_report)


def model_summary(report: dict[str, Any]) -> str:
    """Lines a planner (or the command line) can read: what was fitted, its held-out figures, notes."""
    lines = []
    if report.get("fitted"):
        h = report["held_out"]
        lines.append(f"potential model: {report['kind']}, trained on {report['n_train']:,} covered outlets "
                     f"with sales, {report['folds']}-fold cross-validation (held-out figures):")
        lines.append(f"  RMSE(log) {h['rmse_log']:.3f}   R²(log) {h['r2_log']:.3f}   MAPE {h['mape']:.1%}   "
                     f"median APE {h['median_ape']:.1%}   Spearman {h['spearman']:.3f} "
                     f"(folds {', '.join(f'{v:.3f}' for v in h['spearman_per_fold'])})")
        lo, hi = report["interval"]
        lines.append(f"  interval: {lo:.0%}–{hi:.0%} of sales for a like outlet; smearing ×{report['smearing']:.3f}")
    else:
        lines.append("potential model: not fitted (see the notes); scores rest on the surroundings.")
    lines += [f"note: {n}" for n in report.get("notes", [])]
    return "\n".join(lines)


def _prepare_outlets(outlets: pd.DataFrame, districts, notes: list[str]) -> pd.DataFrame:
    missing = [c for c in ("outlet_id", "lat", "lon") if c not in outlets.columns]
    if missing:
        raise AnalysisError(f"the outlets table has no column(s) {missing}; read it with the intake first.")
    if len(outlets) == 0:
        raise AnalysisError("the outlets table is empty: nothing to score.")
    o = outlets.reset_index(drop=True).copy()
    o["outlet_id"] = o["outlet_id"].astype("string")
    lat = pd.to_numeric(o["lat"], errors="coerce")
    lon = pd.to_numeric(o["lon"], errors="coerce")
    bad = ~(lat.between(-90, 90) & lon.between(-180, 180))
    if bad.any():
        rows = ", ".join(str(i) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise AnalysisError(f"{int(bad.sum())} outlet(s) have no valid coordinates (rows {rows}…); "
                            "fix or drop them in the intake.")
    o["lat"], o["lon"] = lat.astype(float), lon.astype(float)
    o["name"] = o["name"].astype("string").fillna("") if "name" in o else pd.Series("", index=o.index, dtype="string")
    if "covered" in o:
        o["covered"] = o["covered"].astype("boolean").fillna(True).astype(bool)
    else:
        o["covered"] = True
    o["sales"] = pd.to_numeric(o["sales"], errors="coerce").astype(float) if "sales" in o else np.nan
    if "channel" in o:
        ch = o["channel"].astype("string")
        odd = ch.notna() & ~ch.isin(CHANNELS)
        if odd.any():
            notes.append(f"{int(odd.sum())} channel value(s) not among {list(CHANNELS)} treated as unknown "
                         f"(e.g. {ch[odd].iloc[0]!r}).")
        o["channel"] = ch.where(~odd)
    else:
        o["channel"] = pd.Series(pd.NA, index=o.index, dtype="string")
    district = o["district"].astype("string") if "district" in o else pd.Series(pd.NA, index=o.index, dtype="string")
    if districts is not None and len(districts):
        from gis.districts import assign_points

        ids = pd.Series(assign_points(o["lat"].to_numpy(), o["lon"].to_numpy(), districts), index=o.index)
        names = districts.set_index("district_id")["name"] if "name" in districts else None
        assigned = ids.map(names) if names is not None else ids
        outside = int(assigned.isna().sum())
        if outside:
            notes.append(f"{outside} outlet(s) lie outside every district polygon; their own district is kept.")
        district = assigned.astype("string").fillna(district)
    if district.isna().all():
        notes.append("no districts: outlets are ranked and tiered as one group.")
    o["district"] = district
    return o


def score_outlets(outlets: pd.DataFrame, layer: pd.DataFrame | None, districts=None,
                  params: ScoringParams | None = None, progress: prog.Progress | None = None) -> ScoringResult:
    """Score, rank, tier and explain every outlet; fit the potential model when sales allow."""
    params = params or ScoringParams()
    progress = prog.ensure(progress)
    notes: list[str] = []
    o = _prepare_outlets(outlets, districts, notes)
    n = len(o)
    resolution = layer_resolution(layer)
    lang = params.lang

    progress.report(0.0, "catchment features")
    fs = build_features(o, layer, params, prog.SubProgress(progress, 0.0, 0.35))
    notes += fs.notes
    feats = fs.frame.copy()

    prog.check(progress)
    progress.report(0.35, "channels")
    if params.classify_channels:
        cres = classify_channels(o, feats[list(fs.numeric)], seed=params.model.seed,
                                 threads=params.model.threads)
        chan = cres.frame
        notes += cres.report["notes"]
        channel_report = {k: v for k, v in cres.report.items() if k != "notes"}
    else:
        chan = pd.DataFrame({"channel": o["channel"],
                             "channel_source": pd.Series(pd.NA, index=o.index, dtype="string").mask(o["channel"].notna(), "user"),
                             "channel_confidence": np.where(o["channel"].notna(), 1.0, np.nan)}, index=o.index)
        channel_report = {"user": int(o["channel"].notna().sum())}
    channel = chan["channel"]
    if channel.dropna().nunique() <= 1:
        notes.append("a single channel (or none): channel presets and the model's channel effect do not apply.")
    dummies = channel_dummies(channel)
    feats = pd.concat([feats, dummies], axis=1)

    prog.check(progress)
    pot: PotentialResult = fit_potential(feats, fs.numeric, channel, o["sales"], o["covered"], params.model,
                                         prog.SubProgress(progress, 0.4, 0.7))
    notes += pot.report.get("notes", [])
    if pot.fitted:
        feats["potential"] = pot.potential

    # composite score
    prog.check(progress)
    progress.report(0.7, "composite score")
    available = list(fs.numeric) + list(dummies.columns) + (["potential"] if pot.fitted else [])
    weights, wnotes = composite.resolve_weights(params, channel, available, silent=("potential",))
    if not pot.fitted and any("potential" in params.weights[p] for p in weights):
        notes.append("no potential model: the 'potential' weight is dropped and the score rests on the "
                     "surroundings (weights renormalised).")
    notes += wnotes
    used = [f for f in available if any(f in w for w in weights.values())]
    if not used:
        notes.append("no feature to score on: every outlet gets the same score.")
    groups = o["district"] if params.scale_within == "district" else None
    scaled = composite.scale_features(feats, used, params.scaling, groups)
    W = composite.weight_matrix(channel, weights, used)
    score, comps, contrib = composite.composite_score(scaled, W, params.scaling)
    if not used:
        score = pd.Series(0.0, index=o.index, name="score")
    rt = tiers.rank_and_tier(score, o["district"], params.tier_cutoffs)

    # rank stability
    prog.check(progress)
    unc = params.uncertainty
    inputs = ScoreInputs(scaled=scaled, weights=W, method=params.scaling, groups=groups,
                         codes=tiers.group_codes(o["district"]), cutoffs=params.tier_cutoffs)
    boot = None
    if pot.fitted and params.model.bootstrap and "potential" in used and unc.resamples:
        boot = bootstrap_log_predictions(pot, params.model.bootstrap, params.model.seed,
                                         prog.SubProgress(progress, 0.72, 0.82))
    if unc.resamples and used:
        sc = resample_scores(inputs, unc, pot.log_pred if pot.fitted else None, boot, pot.to_sales,
                             prog.SubProgress(progress, 0.82, 0.88))
        stab = stability(score.to_numpy(dtype=float), sc, inputs, unc)
        what = "model refits and ±{:.0%} weights".format(unc.weight_jitter) if boot is not None \
            else "±{:.0%} weights".format(unc.weight_jitter)
        notes.append(f"tier stability from {unc.resamples} resamples ({what}).")
    else:
        stab = stability(score.to_numpy(dtype=float), np.empty((0, n)), inputs, unc)

    # explanations
    prog.check(progress)
    progress.report(0.88, "explanations")
    explained = [f for f in used if not f.startswith("ch_")]
    pct = explain.district_percentiles(feats, [f for f in fs.numeric] + (["potential"] if pot.fitted else []),
                                       o["district"])
    sdelta = explain.score_factors(scaled, W, o["district"], params.scaling)[explained]
    top = explain.top_factor_texts(feats, pct, sdelta, lang, params.catchment, resolution, kind="score")
    pdelta = explain.potential_factors(pot, o["district"], params.model.explain_features,
                                       seed=params.model.seed, progress=prog.SubProgress(progress, 0.9, 0.98))
    pdelta.index = o.index
    ref_channel = explain.district_channel(channel, o["district"]) if "channel" in pdelta.columns else None
    ptop = explain.top_factor_texts(feats, pct, pdelta, lang, params.catchment, resolution, kind="potential",
                                    channel=channel, channel_ref=ref_channel)

    gap = np.where(o["covered"].to_numpy() & np.isfinite(o["sales"].to_numpy()), pot.potential - o["sales"].to_numpy(), np.nan)
    table = pd.DataFrame({
        "outlet_id": o["outlet_id"], "name": o["name"], "lat": o["lat"], "lon": o["lon"],
        "district": o["district"], "channel": channel.astype("string"),
        "channel_source": chan["channel_source"], "channel_confidence": chan["channel_confidence"],
        "covered": o["covered"].astype(bool), "sales": o["sales"], "score": score.astype(float),
        "potential": pot.potential, "potential_low": pot.low, "potential_high": pot.high, "gap": gap,
        "rank_in_district": rt["rank_in_district"].astype("int64"), "tier": rt["tier"],
        "tier_stability": stab["tier_stability"], "tied": stab["tied"].astype(bool),
        "rank_low": stab["rank_low"], "rank_high": stab["rank_high"], "score_sd": stab["score_sd"],
        **{c: comps[c] for c in comps.columns},
        "top_factors": top, "potential_factors": ptop,
    }, index=o.index)
    feature_cols = [c for c in feats.columns if c != "potential"]
    renamed = {c: (f"f_{c}" if c in table.columns else c) for c in feature_cols}
    table = pd.concat([table, feats[feature_cols].rename(columns=renamed)], axis=1)

    report = dict(pot.report)
    report["notes"] = list(dict.fromkeys(notes))  # keep order, drop repeats
    report["channels"] = channel_report
    report["score_features"] = used
    report["scaling"] = params.scaling
    report["computed"] = {"potential": pot.fitted, "tier_stability": bool(unc.resamples and used),
                          "model_in_stability": boot is not None,
                          "grid_features": list(fs.grid), "explained_model_features": list(pdelta.columns)}
    progress.report(1.0, "scoring done")
    return ScoringResult(table=table, model_report=report, weights=weights, params=params,
                         features=tuple(feature_cols), contributions=contrib, score_deltas=sdelta,
                         potential_deltas=pdelta, percentiles=pct, resolution=resolution)


def explain_outlet(result: ScoringResult, outlet_id: str, lang: str | None = None) -> pd.DataFrame:
    """Every factor of one outlet: value, place in its district, score points and potential effect."""
    lang = lang or result.params.lang
    t = result.table
    hits = np.flatnonzero((t["outlet_id"] == str(outlet_id)).to_numpy())
    if not len(hits):
        raise AnalysisError(f"no outlet {outlet_id!r} in the scoring result.")
    i = int(hits[0])
    feats = [f for f in result.features if not f.startswith("ch_")]
    rows = []
    for f in feats + (["potential"] if result.model_report.get("fitted") else []):
        col = f if f == "potential" or f"f_{f}" not in t.columns else f"f_{f}"
        value = t[col].iloc[i] if col in t.columns else np.nan
        pct = result.percentiles[f].iloc[i] if result.percentiles is not None and f in result.percentiles else np.nan
        pts = result.score_deltas[f].iloc[i] if result.score_deltas is not None and f in result.score_deltas else np.nan
        eff = result.potential_deltas[f].iloc[i] if result.potential_deltas is not None and f in result.potential_deltas else np.nan
        rows.append({
            "feature": f, "label": explain.label(f, lang, result.params.catchment, result.resolution),
            "value": float(value) if value is not None and not pd.isna(value) else np.nan,
            "district_percentile": pct, "score_points": pts,
            "potential_effect": (np.exp(eff) - 1.0) if np.isfinite(eff) else np.nan,
            "text": explain.factor_text(f, value, pct, lang, result.params.catchment, result.resolution,
                                        points=pts if np.isfinite(pts) else None,
                                        effect=eff if np.isfinite(eff) else None),
        })
    if result.potential_deltas is not None and "channel" in result.potential_deltas:
        eff = result.potential_deltas["channel"].iloc[i]
        rows.append({"feature": "channel", "label": explain.label("channel", lang), "value": np.nan,
                     "district_percentile": np.nan, "score_points": np.nan,
                     "potential_effect": np.exp(eff) - 1.0 if np.isfinite(eff) else np.nan,
                     "text": explain.factor_text("channel", t["channel"].iloc[i], None, lang,
                                                 result.params.catchment, result.resolution,
                                                 effect=eff if np.isfinite(eff) else None)})
    out = pd.DataFrame(rows)
    key = out["score_points"].abs().fillna(0) + out["potential_effect"].abs().fillna(0)
    return out.iloc[np.argsort(-key.to_numpy(), kind="stable")].reset_index(drop=True)


__all__ = ["ScoringResult", "score_outlets", "explain_outlet", "model_summary", "CORE_COLUMNS"]

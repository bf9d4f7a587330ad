"""The potential model: the sales an outlet should make given its surroundings and channel.

Learned from covered outlets with sales (scikit-learn) on ``log(sales)``:

- ``hgb``: a histogram gradient-boosting regressor, channel as a categorical feature;
- ``linear``: ridge regression on ``sign(x)·log(1 + |x|)`` of the features plus channel dummies;
- ``auto``: both are cross-validated on the same folds and the one with the lower held-out log
  error is used (the report lists both; choosing the better of two makes its figures a shade
  optimistic, which matters little with two candidates and thousands of outlets).

Every figure in the report is measured on held-out folds (K-fold), never on the training fit.
A covered outlet's potential is its out-of-fold prediction (the model that made it never saw the
outlet's sales); every other outlet is predicted by the model fitted on all training outlets.

Potential is the expected sales: ``exp(log prediction) × smearing`` where the smearing factor is
the mean of ``exp(residual)`` over held-out residuals (Duan's estimator), so that summed potential
is comparable with summed sales. The interval ``[potential_low, potential_high]`` holds the
``interval`` quantiles of sales for an outlet like this one: ``exp(log prediction + q)`` with ``q``
the matching quantiles of the held-out log residuals.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.memo import Memo
from gis.scoring.params import CHANNELS, ModelParams

log = logging.getLogger(__name__)

CHANNEL_FEATURE = "channel"


def _spearman(a, b) -> float:
    from scipy.stats import spearmanr

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        return float("nan")
    return float(spearmanr(a[ok], b[ok]).statistic)


def design_matrix(features: pd.DataFrame, numeric, channel: pd.Series | None) -> pd.DataFrame:
    """Model inputs: the numeric features and the channel as an integer code (NaN when unknown)."""
    X = features[list(numeric)].astype(float).reset_index(drop=True)
    if channel is not None:
        codes = pd.Series(channel).astype("string").map({c: i for i, c in enumerate(CHANNELS)})
        X[CHANNEL_FEATURE] = codes.astype(float).to_numpy()
    return X


def limit_threads(n: int):
    """A context limiting the numerical libraries (OpenMP, BLAS) to ``n`` threads (0 = no limit).

    Gradient boosting on a busy two-core laptop runs many times slower with a thread per core
    than with one (the threads wait for each other), and small data gains nothing from more.
    """
    import contextlib

    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime, so that the limit reaches it)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(n) if n else contextlib.nullcontext()


def threads(params: ModelParams):
    """:func:`limit_threads` to ``params.threads``."""
    return limit_threads(params.threads)


def _make_model(kind: str, X: pd.DataFrame, params: ModelParams, n_train: int, seed: int):
    if kind == "hgb":
        from sklearn.ensemble import HistGradientBoostingRegressor

        cat = [CHANNEL_FEATURE] if CHANNEL_FEATURE in X.columns else None
        return HistGradientBoostingRegressor(
            max_iter=params.max_iter, learning_rate=params.learning_rate,
            max_leaf_nodes=params.max_leaf_nodes,
            min_samples_leaf=int(min(params.min_samples_leaf, max(5, n_train // 10))),
            l2_regularization=params.l2_regularization, categorical_features=cat,
            early_stopping=False, random_state=seed)
    return SymlogRidge(alpha=params.ridge_alpha)


class SymlogRidge:
    """Ridge regression on ``sign(x)·log(1 + |x|)`` of the numeric features (missing values take
    the training median; columns standardised) plus one-hot channel codes.

    Counts and sums of people are heavy-tailed: on the log scale their effect on log(sales) is
    close to linear, which is what a log-linear (multiplicative) sales model looks like.
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        num = X[self.numeric_].to_numpy(dtype=float)
        num = np.where(np.isnan(num), self.median_, num)
        num = (np.sign(num) * np.log1p(np.abs(num)) - self.mean_) / self.scale_
        if not self.categories_:
            return num
        codes = X[CHANNEL_FEATURE].to_numpy(dtype=float)
        onehot = (codes[:, None] == np.asarray(self.categories_)[None, :]).astype(float)
        return np.hstack([num, onehot])

    def fit(self, X: pd.DataFrame, y) -> "SymlogRidge":
        from sklearn.linear_model import Ridge

        self.numeric_ = [c for c in X.columns if c != CHANNEL_FEATURE]
        num = X[self.numeric_].to_numpy(dtype=float)
        with np.errstate(all="ignore"):
            med = np.nanmedian(num, axis=0) if len(num) else np.zeros(num.shape[1])
        self.median_ = np.where(np.isfinite(med), med, 0.0)
        t = np.where(np.isnan(num), self.median_, num)
        t = np.sign(t) * np.log1p(np.abs(t))
        self.mean_ = t.mean(axis=0)
        sd = t.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        if CHANNEL_FEATURE in X.columns:
            codes = X[CHANNEL_FEATURE].to_numpy(dtype=float)
            self.categories_ = sorted(set(codes[np.isfinite(codes)].tolist()))
        else:
            self.categories_ = []
        self.ridge_ = Ridge(alpha=self.alpha).fit(self._matrix(X), np.asarray(y, dtype=float))
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.ridge_.predict(self._matrix(X))


@dataclass(frozen=True)
class PotentialResult:
    """Predictions aligned to the outlets (positional) plus the cross-validation report."""

    fitted: bool
    log_pred: np.ndarray                 # log-scale prediction (NaN when no model)
    potential: np.ndarray
    low: np.ndarray
    high: np.ndarray
    train: np.ndarray                    # bool: used for training
    fold: np.ndarray                     # fold of each training outlet, -1 otherwise
    report: dict[str, Any]
    kind: str | None = None
    design: pd.DataFrame | None = None
    models: tuple = ()                   # fold models then the full model
    target: np.ndarray | None = None     # log(sales) of the training outlets, in row order
    smearing: float = 1.0
    residual_q: tuple[float, float] = (0.0, 0.0)
    params: ModelParams = field(default_factory=ModelParams)

    def model_index(self) -> np.ndarray:
        """Which of :attr:`models` predicts each outlet (its fold model or the full model)."""
        return np.where(self.fold >= 0, self.fold, len(self.models) - 1)

    def predict_log(self, X: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
        """Log prediction of each row of ``X`` by the model assigned to that outlet."""
        which = self.model_index() if rows is None else self.model_index()[rows]
        out = np.empty(len(X))
        with threads(self.params):
            for m in np.unique(which):
                sel = which == m
                out[sel] = self.models[m].predict(X.loc[sel] if isinstance(X, pd.DataFrame) else X[sel])
        return out

    def predict_full(self, X: pd.DataFrame) -> np.ndarray:
        """Log prediction of the model fitted on every training outlet."""
        with threads(self.params):
            return self.models[-1].predict(X)

    def to_sales(self, log_pred) -> np.ndarray:
        return np.exp(np.asarray(log_pred, dtype=float)) * self.smearing


def _not_fitted(n: int, report: dict) -> PotentialResult:
    nan = np.full(n, np.nan)
    report["fitted"] = False
    return PotentialResult(False, nan, nan.copy(), nan.copy(), nan.copy(), np.zeros(n, bool),
                           np.full(n, -1), report)


def _cv(kind: str, X: pd.DataFrame, y: np.ndarray, folds: np.ndarray, k: int, params: ModelParams,
        progress: prog.Progress) -> tuple[np.ndarray, list]:
    oof = np.empty(len(y))
    models = []
    for f in range(k):
        prog.check(progress)
        test = folds == f
        model = _make_model(kind, X, params, int((~test).sum()), params.seed + f)
        model.fit(X.loc[~test], y[~test])
        oof[test] = model.predict(X.loc[test])
        models.append(model)
        progress.report((f + 1) / k, f"cross-validating the {kind} model ({f + 1}/{k})")
    return oof, models


def _metrics(y: np.ndarray, oof: np.ndarray, folds: np.ndarray, k: int) -> dict[str, Any]:
    resid = y - oof
    smear = float(np.mean(np.exp(resid)))
    sales = np.exp(y)
    pot = np.exp(oof) * smear
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    per_fold = [_spearman(oof[folds == f], y[folds == f]) for f in range(k)]
    return {
        "rmse_log": float(np.sqrt(np.mean(resid ** 2))),
        "r2_log": float(1.0 - np.sum(resid ** 2) / ss_tot) if ss_tot > 0 else float("nan"),
        "mape": float(np.mean(np.abs(pot - sales) / sales)),
        "median_ape": float(np.median(np.abs(pot - sales) / sales)),
        "spearman": _spearman(oof, y),
        "spearman_per_fold": [round(v, 4) for v in per_fold],
        "spearman_fold_mean": float(np.nanmean(per_fold)) if np.isfinite(per_fold).any() else float("nan"),
        "smearing": smear,
    }


def fit_potential(features: pd.DataFrame, numeric, channel: pd.Series | None, sales: pd.Series,
                  covered: pd.Series, params: ModelParams = ModelParams(),
                  progress: prog.Progress | None = None) -> PotentialResult:
    """Fit and cross-validate the potential model; predict every outlet.

    Training rows are covered outlets with sales > 0. With fewer than ``params.min_train`` of
    them no model is fitted and the report says why (the score then works without potential).
    """
    key = _fit_key(features, numeric, channel, sales, covered, params)
    kept = _fits.get(key)
    if kept is not None:
        log.info("potential model unchanged (same features, sales and parameters): fit reused")
        return kept
    with threads(params):
        result = _fit_potential(features, numeric, channel, sales, covered, params, prog.ensure(progress))
    _fits.put(key, result)
    return result


# The last fit, reused when nothing it depends on changed: a change of the score's weights or
# tier cut-offs re-runs the scoring stage but cannot change the model (seconds saved per re-run).
_fits = Memo()


def _fit_key(features, numeric, channel, sales, covered, params: ModelParams) -> tuple | None:
    try:
        cols = [c for c in numeric if c in features.columns]
        parts = [pd.util.hash_pandas_object(features[cols], index=False).to_numpy() if cols else np.zeros(0),
                 pd.util.hash_pandas_object(pd.Series(sales).reset_index(drop=True).astype(float),
                                            index=False).to_numpy(),
                 pd.util.hash_pandas_object(pd.Series(covered).reset_index(drop=True).astype("boolean"),
                                            index=False).to_numpy()]
        if channel is not None:
            parts.append(pd.util.hash_pandas_object(pd.Series(channel).reset_index(drop=True).astype("string"),
                                                    index=False).to_numpy())
        digest = hashlib.blake2b(digest_size=16)
        for part in parts:
            digest.update(np.ascontiguousarray(part).tobytes())
        return tuple(cols), digest.hexdigest(), repr(params)
    except (TypeError, ValueError):  # unhashable extra columns: fit again
        return None


def _fit_potential(features, numeric, channel, sales, covered, params: ModelParams,
                   progress: prog.Progress) -> PotentialResult:
    n = len(features)
    sales = pd.Series(sales).reset_index(drop=True).astype(float)
    covered = pd.Series(covered).reset_index(drop=True).fillna(True).astype(bool)
    has_sales = sales.notna().to_numpy()
    positive = (sales > 0).fillna(False).to_numpy()
    train = covered.to_numpy() & positive
    notes: list[str] = []
    report: dict[str, Any] = {"n_outlets": n, "n_covered": int(covered.sum()),
                              "n_with_sales": int(has_sales.sum()), "n_train": int(train.sum()),
                              "target": "log(sales)", "notes": notes}
    if not has_sales.any():
        notes.append("no sales in the data: no potential model; scores use the surroundings only.")
        return _not_fitted(n, report)
    zero = int((covered.to_numpy() & has_sales & ~positive).sum())
    if zero:
        notes.append(f"{zero} covered outlet(s) with sales ≤ 0 left out of training (log scale).")
    uncovered_sales = int((~covered.to_numpy() & has_sales).sum())
    if uncovered_sales:
        notes.append(f"{uncovered_sales} prospect(s) have sales; prospects are not used for training.")
    missing = int((covered.to_numpy() & ~has_sales).sum())
    if missing:
        notes.append(f"{missing} covered outlet(s) without sales: predicted, not trained on.")
    numeric = list(numeric)
    if not numeric and channel is None:
        notes.append("no features to learn from: no potential model.")
        return _not_fitted(n, report)
    if train.sum() < params.min_train:
        notes.append(f"only {int(train.sum())} covered outlets with sales (need {params.min_train}): "
                     "no potential model; scores use the surroundings only.")
        return _not_fitted(n, report)

    X = design_matrix(features, numeric, channel)
    if CHANNEL_FEATURE in X.columns and X[CHANNEL_FEATURE].loc[train].nunique() < 2:
        X = X.drop(columns=CHANNEL_FEATURE)
        notes.append("a single channel among training outlets: channel not used by the model.")
    constant = [c for c in X.columns if X[c].loc[train].nunique(dropna=True) <= 1]
    if constant and len(constant) < len(X.columns):
        X = X.drop(columns=constant)
        notes.append(f"feature(s) {constant} constant among training outlets: left out of the model.")
    Xtr = X.loc[train].reset_index(drop=True)
    y = np.log(sales.to_numpy()[train])
    n_train = len(y)
    k = int(min(params.folds, n_train))
    rng = np.random.default_rng(params.seed)
    folds = rng.permutation(np.arange(n_train) % k)

    kinds = ["hgb", "linear"] if params.kind == "auto" else [params.kind]
    candidates: dict[str, dict[str, Any]] = {}
    fitted: dict[str, tuple[np.ndarray, list]] = {}
    span = 0.8 / len(kinds)
    for i, kind in enumerate(kinds):
        oof, models = _cv(kind, Xtr, y, folds, k, params, prog.SubProgress(progress, i * span, (i + 1) * span))
        candidates[kind] = _metrics(y, oof, folds, k)
        fitted[kind] = (oof, models)
    kind = min(kinds, key=lambda kd: candidates[kd]["rmse_log"])
    oof, models = fitted[kind]
    prog.check(progress)
    progress.report(0.85, "fitting the potential model on every covered outlet")
    full = _make_model(kind, Xtr, params, n_train, params.seed + k)
    full.fit(Xtr, y)
    models = tuple(models) + (full,)

    log_pred = np.empty(n)
    log_pred[train] = oof
    if (~train).any():
        log_pred[~train] = full.predict(X.loc[~train])
    resid = y - oof
    q_lo, q_hi = (float(q) for q in np.quantile(resid, params.interval))
    metrics = candidates[kind]
    smear = metrics["smearing"]
    fold_all = np.full(n, -1)
    fold_all[train] = folds
    report.update({
        "fitted": True, "kind": kind, "folds": k, "features": list(X.columns),
        "held_out": {key: metrics[key] for key in ("rmse_log", "r2_log", "mape", "median_ape", "spearman",
                                                   "spearman_per_fold", "spearman_fold_mean")},
        "candidates": {kd: {key: m[key] for key in ("rmse_log", "r2_log", "mape", "spearman")}
                       for kd, m in candidates.items()},
        "smearing": smear, "interval": list(params.interval),
        "residual_quantiles": [q_lo, q_hi],
    })
    if params.kind == "auto":
        notes.append(f"model chosen by held-out RMSE(log): {kind} ("
                     + ", ".join(f"{kd} {candidates[kd]['rmse_log']:.3f}" for kd in kinds) + ").")
    if n_train < 100:
        notes.append(f"the model learned from only {n_train} outlets: treat potential as indicative.")
    progress.report(1.0, "potential model done")
    return PotentialResult(
        fitted=True, log_pred=log_pred, potential=np.exp(log_pred) * smear,
        low=np.exp(log_pred + q_lo), high=np.exp(log_pred + q_hi), train=train, fold=fold_all,
        report=report, kind=kind, design=X, models=models, target=y, smearing=smear, residual_q=(q_lo, q_hi),
        params=params)


def bootstrap_log_predictions(result: PotentialResult, refits: int, seed: int = 0,
                              progress: prog.Progress | None = None) -> np.ndarray:
    """Log predictions of ``refits`` models fitted on bootstrap resamples of the training outlets.

    Row ``b`` holds model ``b``'s predictions; a training outlet that was in model ``b``'s
    resample gets NaN there (only out-of-bag predictions are honest for it).
    """
    progress = prog.ensure(progress)
    n = len(result.log_pred)
    out = np.full((refits, n), np.nan)
    if not result.fitted or refits == 0:
        return out
    with threads(result.params):
        _bootstrap(result, out, seed, progress)
    return out


def _bootstrap(result: PotentialResult, out: np.ndarray, seed: int, progress: prog.Progress) -> None:
    refits, n = out.shape
    X = result.design
    train_idx = np.flatnonzero(result.train)
    Xtr = X.iloc[train_idx].reset_index(drop=True)
    y_train = result.target
    rng = np.random.default_rng(seed)
    for b in range(refits):
        prog.check(progress)
        pick = rng.integers(0, len(train_idx), len(train_idx))
        model = _make_model(result.kind, Xtr, result.params, len(pick), result.params.seed + 100 + b)
        model.fit(Xtr.iloc[pick], y_train[pick])
        pred = model.predict(X)
        in_bag = np.zeros(n, dtype=bool)
        in_bag[train_idx[np.unique(pick)]] = True
        pred[in_bag] = np.nan
        out[b] = pred
        progress.report((b + 1) / refits, f"model resample {b + 1}/{refits}")


__all__ = ["PotentialResult", "fit_potential", "limit_threads", "threads", "bootstrap_log_predictions", "design_matrix", "CHANNEL_FEATURE"]

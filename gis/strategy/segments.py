"""Outlet segments from the surroundings, named from their dominant features.

The catchment features become a profile per outlet: the shares of residents, workers and visitors
among its people, each POI kind's share of its POIs (competitors left out), its consumption level
relative to the city and the log of its people density. Profiles are standardised and clustered
with k-means (scikit-learn, seeded); with ``n_segments`` unset, k is the best silhouette between 3
and 7 (on a sample of at most 4,000 outlets).

Naming: each archetype (office/CBD, residential family, students, transit, tourist, shopping,
dining) has signal features; a cluster's score for an archetype is the mean, over the signals
present, of its centroid in standard deviations from the city average. Clusters take archetypes
in order of score, each archetype once, if the score is at least ``min_lift``; the others are
"mixed". The profile table says which features set each segment apart ("workers 58 % of people,
city 24 %"). The user can rename any segment by its key (``segment_names``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis.memo import Memo
from gis.strategy.params import StrategyParams

log = logging.getLogger(__name__)

PEOPLE = ("residents", "workers", "visitors")


@dataclass(frozen=True)
class Archetype:
    key: str
    name: str
    signals: tuple[str, ...]      # profile columns (or POI keyword groups) that mark it


# POI kinds by keyword in the column name (after the "poi_" prefix)
POI_KINDS = {
    "office": ("office", "company", "business", "corporate", "写字楼", "办公", "公司"),
    "school": ("school", "university", "college", "campus", "education", "学校", "高校", "大学"),
    "transit": ("transit", "station", "metro", "subway", "bus", "railway", "交通", "地铁", "车站"),
    "tourism": ("tourism", "tourist", "scenic", "attraction", "sight", "景点", "旅游"),
    "hotel": ("hotel", "hostel", "酒店", "宾馆"),
    "retail": ("retail", "shop", "mall", "store", "购物", "商场", "零售"),
    "food": ("food", "restaurant", "catering", "dining", "餐饮", "餐厅"),
    "residential": ("residential", "residence", "community", "housing", "小区", "住宅", "社区"),
}

ARCHETYPES = (
    Archetype("office_cbd", "office/CBD 商务办公", ("workers_share", "poi:office")),
    Archetype("residential_family", "residential family 居住社区", ("residents_share", "poi:residential")),
    Archetype("students", "students 学生校园", ("poi:school",)),
    Archetype("transit", "transit 交通枢纽", ("poi:transit",)),
    Archetype("tourist", "tourist 旅游景点", ("visitors_share", "poi:tourism", "poi:hotel")),
    Archetype("shopping", "shopping 商业购物", ("poi:retail",)),
    Archetype("dining", "dining 餐饮美食", ("poi:food",)),
)
MIXED = Archetype("mixed", "mixed 综合", ())
UNKNOWN = Archetype("unknown", "unknown 未知", ())

_LABELS = {
    "residents_share": "residents share of people 居住人口占比",
    "workers_share": "workers share of people 工作人口占比",
    "visitors_share": "visitors share of people 到访人口占比",
    "consumption_level": "consumption level 消费水平",
    "log_people": "people density (log) 人口密度",
}


def _poi_kind(column: str) -> str | None:
    name = column[4:].lower()
    for kind, words in POI_KINDS.items():
        if any(re.search(re.escape(w), name) for w in words):
            return kind
    return None


def profile_features(features: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Per outlet: people shares, POI shares, consumption level and density (what the clusters use).

    Returns the profile frame (same index) and the POI kind of each ``poi_…`` profile column.
    """
    out = pd.DataFrame(index=features.index)
    people = [c for c in PEOPLE if c in features.columns]
    if people:
        values = features[people].apply(pd.to_numeric, errors="coerce").fillna(0.0).clip(lower=0)
        total = values.sum(axis=1).to_numpy(dtype=float)
        for c in people:
            out[f"{c}_share"] = np.divide(values[c].to_numpy(dtype=float), total,
                                          out=np.zeros(len(out)), where=total > 0)
        out["log_people"] = np.log1p(total)
    pois = [c for c in features.columns if c.startswith("poi_") and not c.endswith("_share")
            and c != "poi_competitor" and pd.api.types.is_numeric_dtype(features[c])]
    kinds: dict[str, str] = {}
    if pois:
        counts = features[pois].fillna(0.0).clip(lower=0).to_numpy(dtype=float)
        total = counts.sum(axis=1)
        for k, c in enumerate(pois):
            out[c] = np.divide(counts[:, k], total, out=np.zeros(len(out)), where=total > 0)
            kind = _poi_kind(c)
            if kind:
                kinds[c] = kind
    elif any(c.startswith("poi_") and c.endswith("_share") for c in features.columns):
        for c in features.columns:
            if c.startswith("poi_") and c.endswith("_share") and c != "poi_competitor_share":
                base = c[: -len("_share")]
                out[base] = pd.to_numeric(features[c], errors="coerce").fillna(0.0).to_numpy(dtype=float)
                kind = _poi_kind(base)
                if kind:
                    kinds[base] = kind
    if "consumption_index" in features.columns:
        ci = pd.to_numeric(features["consumption_index"], errors="coerce").to_numpy(dtype=float)
        valid = np.isfinite(ci) & (ci > 0)
        if valid.any():
            median = float(np.median(ci[valid]))
            scale = 100.0 if 20.0 <= median <= 500.0 else median
            out["consumption_level"] = np.where(valid, ci / scale * 100.0, 100.0)
    return out, kinds


@dataclass(frozen=True)
class Segmentation:
    """Segment of every outlet and the profile of every segment."""

    key: pd.Series            # segment key per outlet (index of the features)
    name: pd.Series           # display name per outlet
    profiles: pd.DataFrame    # one row per segment
    notes: tuple[str, ...]


def _label(column: str, kinds: dict[str, str]) -> str:
    if column in _LABELS:
        return _LABELS[column]
    if column.startswith("poi_"):
        return f"{column[4:]} POIs share {column[4:]}类POI占比"
    return column


def _signal_columns(signal: str, columns, kinds: dict[str, str]) -> list[str]:
    if signal.startswith("poi:"):
        kind = signal[4:]
        return [c for c in columns if kinds.get(c) == kind]
    return [signal] if signal in columns else []


def _choose_k(z: np.ndarray, seed: int) -> int:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(z)
    distinct = len(np.unique(np.round(z, 9), axis=0))
    ks = [k for k in range(3, 8) if k < min(n, distinct + 1)]
    if not ks:
        return max(1, min(distinct, n))
    rng = np.random.default_rng(seed)
    sample = z if n <= 4000 else z[rng.choice(n, 4000, replace=False)]
    best_k, best = ks[0], -np.inf
    for k in ks:
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(sample)
        if len(np.unique(labels)) < 2:
            continue
        s = silhouette_score(sample, labels, random_state=seed)
        if s > best + 1e-9:
            best_k, best = k, s
    return best_k


def segment_outlets(features: pd.DataFrame, params: StrategyParams | None = None) -> Segmentation:
    """Cluster the outlets' surroundings and name each cluster (see the module docstring)."""
    import sklearn.cluster  # noqa: F401  (loaded first: the limit below applies to loaded libraries only)
    from threadpoolctl import threadpool_limits

    params = params or StrategyParams()
    key = _segment_key(features, params)
    kept = _segmentations.get(key)
    if kept is not None:
        return kept
    # one thread: k-means on a few thousand rows is faster without OpenMP start-up and contention
    with threadpool_limits(limits=1):
        result = _segment(features, params)
    _segmentations.put(key, result)
    return result


# The last segmentation, reused while the surroundings and parameters are the same: a change of the
# score's weights re-runs the strategy stage but cannot move an outlet to another segment.
_segmentations = Memo()


def _segment_key(features: pd.DataFrame, params: StrategyParams) -> tuple | None:
    try:
        hashed = pd.util.hash_pandas_object(features, index=True).to_numpy()
    except (TypeError, ValueError):
        return None
    return tuple(map(str, features.columns)), hashlib.blake2b(hashed.tobytes(), digest_size=16).hexdigest(), \
        repr(params)


def _segment(features: pd.DataFrame, params: StrategyParams) -> Segmentation:
    from sklearn.cluster import KMeans

    notes: list[str] = []
    profile, kinds = profile_features(features)
    profile = profile.loc[:, [c for c in profile.columns if profile[c].std(ddof=0) > 0]] if len(profile) else profile
    n = len(features)
    if n == 0 or profile.shape[1] == 0:
        notes.append("no catchment features (population or POI layers): every outlet is in one 'unknown' segment.")
        name = params.segment_names.get(UNKNOWN.key, UNKNOWN.name)
        key = pd.Series(UNKNOWN.key, index=features.index, dtype="string")
        profiles = pd.DataFrame({"segment_key": [UNKNOWN.key], "segment": [name], "outlets": [n],
                                 "share": [1.0 if n else 0.0], "dominant": [""]})
        return Segmentation(key, pd.Series(name, index=features.index, dtype="string"), profiles, tuple(notes))

    values = profile.to_numpy(dtype=float)
    mean, sd = values.mean(axis=0), values.std(axis=0)
    z = (values - mean) / sd
    k = params.n_segments if params.n_segments is not None else _choose_k(z, params.seed)
    distinct = len(np.unique(np.round(z, 9), axis=0))
    if k > distinct:
        notes.append(f"only {distinct} distinct surroundings: {distinct} segment(s) instead of {k}.")
        k = distinct
    labels = KMeans(n_clusters=k, n_init=10, random_state=params.seed).fit_predict(z) if k > 1 else np.zeros(n, int)
    if params.n_segments is None:
        notes.append(f"{k} segments (k-means, k chosen by silhouette among 3–7).")
    centroid_z = np.vstack([z[labels == c].mean(axis=0) for c in range(k)])
    centroid = np.vstack([values[labels == c].mean(axis=0) for c in range(k)])
    cols = list(profile.columns)

    # archetype scores per cluster
    scores = np.full((k, len(ARCHETYPES)), -np.inf)
    for a, arch in enumerate(ARCHETYPES):
        idx = [cols.index(c) for s in arch.signals for c in _signal_columns(s, cols, kinds)]
        if idx:
            scores[:, a] = centroid_z[:, idx].mean(axis=1)
    assignment: dict[int, Archetype] = {}
    taken: set[int] = set()
    for flat in np.argsort(-scores, axis=None, kind="stable"):
        c, a = divmod(int(flat), len(ARCHETYPES))
        if c in assignment or a in taken or not scores[c, a] >= params.min_lift:
            continue
        assignment[c] = ARCHETYPES[a]
        taken.add(a)
    sizes = np.bincount(labels, minlength=k)
    mixed = [c for c in np.argsort(-sizes, kind="stable") if c not in assignment]
    for rank, c in enumerate(mixed):
        suffix = "" if rank == 0 else f"_{rank + 1}"
        assignment[int(c)] = Archetype(MIXED.key + suffix, MIXED.name + ("" if rank == 0 else f" {rank + 1}"), ())

    rows = []
    for c in range(k):
        arch = assignment[c]
        top = np.argsort(-centroid_z[c], kind="stable")[:3]
        dominant = "; ".join(
            f"{_label(cols[j], kinds)} {_fmt(cols[j], centroid[c, j])} (city {_fmt(cols[j], mean[j])})"
            for j in top if centroid_z[c, j] > 0)
        row = {"segment_key": arch.key, "segment": params.segment_names.get(arch.key, arch.name),
               "outlets": int(sizes[c]), "share": float(sizes[c] / n), "dominant": dominant,
               "archetype_score": float(scores[c, ARCHETYPES.index(arch)]) if arch in ARCHETYPES else np.nan}
        row.update({col: float(centroid[c, j]) for j, col in enumerate(cols)})
        rows.append(row)
    profiles = pd.DataFrame(rows).sort_values("outlets", ascending=False, kind="stable").reset_index(drop=True)
    keys = np.array([assignment[c].key for c in range(k)], dtype=object)[labels]
    names = np.array([params.segment_names.get(assignment[c].key, assignment[c].name) for c in range(k)],
                     dtype=object)[labels]
    unused = sorted(set(params.segment_names) - {a.key for a in assignment.values()} - {UNKNOWN.key})
    if unused:
        notes.append(f"segment name(s) for {unused} not used: no such segment in this run.")
    return Segmentation(pd.Series(keys, index=features.index, dtype="string"),
                        pd.Series(names, index=features.index, dtype="string"), profiles, tuple(notes))


def _fmt(column: str, value: float) -> str:
    if column.endswith("_share") or column.startswith("poi_"):
        return f"{value:.0%}"
    if column == "log_people":
        return f"{np.expm1(value):,.0f}"
    return f"{value:.0f}"


def base_key(key: str) -> str:
    """The archetype part of a segment key ("mixed_2" → "mixed")."""
    return re.sub(r"_\d+$", "", str(key))


__all__ = ["Archetype", "ARCHETYPES", "POI_KINDS", "Segmentation", "profile_features", "segment_outlets", "base_key"]

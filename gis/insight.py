"""District insight (片区洞察): demand, coverage and headroom per district, and a priority ranking.

Per district, from whatever the data holds:

- population layers summed over the district's cells (``residents``, ``workers``, ``visitors``);
- ``ta_population``: the target audience (:class:`gis.scoring.params.TADefinition`, e.g. workers
  in cells with a consumption index ≥ 110);
- ``purchasing_power``: Σ population × consumption index / 100 over the cells (population =
  ``population_layers``), and the population-weighted ``consumption_index``;
- the POI mix: ``poi_total`` and each kind's share ``poi_<kind>_share`` (competitors excluded,
  ``poi_competitor`` kept as a count);
- outlets: ``outlets_total``, ``outlets_covered``, ``outlets_prospect`` and the same per channel;
- ``coverage_numeric`` (covered / all, 铺货率) and, with a scoring table, ``coverage_weighted``
  (potential of covered / potential of all);
- ``sales`` (covered outlets), ``sales_per_capita`` (per head of ``population_layers``);
- with a scoring table: ``potential_total`` and ``headroom`` = Σ potential of prospects +
  Σ (potential − sales) of covered outlets with sales (potential − sales).

The priority score is a weighted sum of the metrics scaled across districts (min-max by default),
like the outlet score: ``100 · Σ |w| · oriented scaled value`` with the weights shown in
:attr:`InsightResult.weights` and a ``pts_<metric>`` column per weighted metric. A missing
metric drops its weight (the rest are renormalised) and leaves a note: missing layers reduce the
table, they do not break it.

Cells go to districts by the district polygons (:func:`gis.districts.cells_for_districts`) or,
without polygons, to the district of the nearest outlet within ``max_cell_distance_m``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.errors import AnalysisError, ConfigError
from gis.scoring.composite import scale
from gis.scoring.features import POI_COMPETITOR, cell_purchasing_power, cell_ta, to_xyz_m
from gis.scoring.params import CHANNELS, SCALINGS, TADefinition

log = logging.getLogger(__name__)

POPULATION_LAYERS = ("residents", "workers", "visitors")
WHOLE_AREA = "(all)"
DEFAULT_PRIORITY_WEIGHTS = {"headroom": 0.30, "purchasing_power": 0.20, "ta_population": 0.15,
                            "potential_total": 0.10, "outlets_prospect": 0.10, "coverage_numeric": -0.15}


@dataclass(frozen=True)
class InsightParams:
    """What district insight computes and how districts are prioritised ([insight] section)."""

    ta: TADefinition = field(default_factory=TADefinition)
    population_layers: tuple[str, ...] = ("residents", "workers")
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_PRIORITY_WEIGHTS))
    scaling: str = "minmax"
    max_cell_distance_m: float = 1500.0   # without polygons: cells farther from every outlet are left out

    def __post_init__(self):
        if not isinstance(self.ta, TADefinition):
            raise ConfigError("[insight] ta must be a TA definition.")
        object.__setattr__(self, "population_layers", tuple(str(x) for x in self.population_layers))
        if not isinstance(self.weights, Mapping) or not self.weights:
            raise ConfigError("[insight] weights must map metric names to weights.")
        clean = {}
        for k, v in self.weights.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
                raise ConfigError(f"[insight] weight of {k!r} must be a number, not {v!r}.")
            clean[str(k)] = float(v)
        if not any(clean.values()):
            raise ConfigError("[insight] at least one priority weight must be non-zero.")
        object.__setattr__(self, "weights", MappingProxyType(clean))
        if self.scaling not in SCALINGS:
            raise ConfigError(f"[insight] scaling must be one of {SCALINGS}, not {self.scaling!r}.")
        if not isinstance(self.max_cell_distance_m, (int, float)) or not self.max_cell_distance_m > 0:
            raise ConfigError(f"[insight] max_cell_distance_m must be a positive number, not {self.max_cell_distance_m!r}.")

    def to_dict(self) -> dict[str, Any]:
        return {"ta": self.ta.to_dict(), "population_layers": list(self.population_layers),
                "weights": dict(self.weights), "scaling": self.scaling,
                "max_cell_distance_m": float(self.max_cell_distance_m)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "InsightParams":
        data = dict(data or {})
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"[insight] unknown key(s) {sorted(unknown)}; known: {[f.name for f in fields(cls)]}.")
        if "ta" in data:
            data["ta"] = TADefinition.from_dict(data["ta"], "insight.ta")
        if "population_layers" in data:
            data["population_layers"] = tuple(data["population_layers"])
        return cls(**data)


@dataclass(frozen=True)
class InsightResult:
    """``district_ranking``: one row per district, best priority first; notes on what is missing."""

    district_ranking: pd.DataFrame
    notes: tuple[str, ...]
    weights: dict[str, float]
    params: InsightParams


def _cell_districts_from_polygons(layer: pd.DataFrame, districts) -> pd.Series:
    from gis.districts import cells_for_districts
    from gis.gridlayer import layer_resolution

    mapping = cells_for_districts(districts, layer_resolution(layer))
    ids = mapping.reindex(layer.index)
    names = districts.set_index("district_id")["name"].astype("string") if "name" in districts else None
    out = ids.map(names) if names is not None else ids
    return pd.Series(out.to_numpy(), index=layer.index, dtype="string")


def _cell_districts_from_outlets(layer: pd.DataFrame, outlets: pd.DataFrame, max_m: float) -> pd.Series:
    from scipy.spatial import cKDTree

    from gis.hexgrid import cells_to_latlon

    known = outlets["district"].notna().to_numpy()
    out = pd.Series(pd.NA, index=layer.index, dtype="string")
    if not known.any() or len(layer) == 0:
        return out
    tree = cKDTree(to_xyz_m(outlets["lat"].to_numpy()[known], outlets["lon"].to_numpy()[known]))
    lat, lon = cells_to_latlon(layer.index.to_numpy())
    dist, idx = tree.query(to_xyz_m(lat, lon), k=1, distance_upper_bound=max_m)
    hit = np.isfinite(dist)
    values = outlets["district"].astype("string").to_numpy()[known]
    out.iloc[np.flatnonzero(hit)] = values[idx[hit]]
    return out


def layer_metrics(layer: pd.DataFrame, cell_district: pd.Series, params: InsightParams,
                  notes: list[str]) -> pd.DataFrame:
    """Per district: population sums, TA, purchasing power, consumption index and POI mix."""
    keys = cell_district
    inside = keys.notna().to_numpy()
    L = layer.loc[inside]
    k = keys[inside].to_numpy()
    cols: dict[str, pd.Series] = {}

    def total(values) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=float), index=L.index).groupby(k).sum()

    for name in POPULATION_LAYERS:
        if name in L.columns:
            cols[name] = total(L[name].fillna(0.0))
    missing_pop = [c for c in POPULATION_LAYERS if c not in L.columns]
    if missing_pop:
        notes.append(f"no {missing_pop} layer(s): those columns are left out.")
    ta, n1 = cell_ta(L, params.ta)
    notes += n1
    if ta is not None:
        cols["ta_population"] = total(ta)
    pp, n2 = cell_purchasing_power(L, params.population_layers)
    notes += n2
    if pp is not None:
        cols["purchasing_power"] = total(pp)
    if "consumption_index" in L.columns:
        present = [c for c in params.population_layers if c in L.columns]
        w = sum(L[c].fillna(0.0).to_numpy(dtype=float) for c in present) if present else np.ones(len(L))
        ci = L["consumption_index"].to_numpy(dtype=float)
        ok = np.isfinite(ci)
        num = total(np.where(ok, ci * w, 0.0))
        den = total(np.where(ok, w, 0.0))
        cols["consumption_index"] = num / den.where(den > 0)
    pois = [c for c in L.columns if c.startswith("poi_") and c != POI_COMPETITOR]
    if pois:
        counts = {c: total(L[c].fillna(0.0)) for c in pois}
        poi_total = sum(counts.values())
        cols["poi_total"] = poi_total
        for c in pois:
            cols[f"{c}_share"] = counts[c] / poi_total.where(poi_total > 0)
    else:
        notes.append("no POI layers: the POI mix is left out.")
    if POI_COMPETITOR in L.columns:
        cols["competitors"] = total(L[POI_COMPETITOR].fillna(0.0))
    cols["cells"] = pd.Series(1.0, index=L.index).groupby(k).sum()
    return pd.DataFrame(cols)


def outlet_metrics(outlets: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Per district: outlet counts (overall and by channel), coverage, sales, potential, headroom."""
    o = outlets.loc[outlets["district"].notna()]
    key = o["district"].astype("string").to_numpy()
    covered = o["covered"].to_numpy(dtype=bool)
    out = pd.DataFrame({"outlets_total": pd.Series(1.0, index=o.index).groupby(key).sum()})
    out["outlets_covered"] = pd.Series(covered.astype(float), index=o.index).groupby(key).sum()
    out["outlets_prospect"] = out["outlets_total"] - out["outlets_covered"]
    ch = o["channel"].astype("string")
    for c in CHANNELS:
        is_c = (ch == c).fillna(False).to_numpy()
        if not is_c.any():
            continue
        out[f"outlets_{c}"] = pd.Series(is_c.astype(float), index=o.index).groupby(key).sum()
        out[f"covered_{c}"] = pd.Series((is_c & covered).astype(float), index=o.index).groupby(key).sum()
        out[f"prospects_{c}"] = out[f"outlets_{c}"] - out[f"covered_{c}"]
    out = out.fillna(0.0)
    out["coverage_numeric"] = out["outlets_covered"] / out["outlets_total"]
    sales = o["sales"].to_numpy(dtype=float)
    has_sales = covered & np.isfinite(sales)
    if has_sales.any():
        out["sales"] = pd.Series(np.where(has_sales, sales, 0.0), index=o.index).groupby(key).sum()
        out["outlets_with_sales"] = pd.Series(has_sales.astype(float), index=o.index).groupby(key).sum()
        unknown = int((covered & ~np.isfinite(sales)).sum())
        if unknown:
            notes.append(f"{unknown} covered outlet(s) have no sales: district sales count only the others.")
    else:
        notes.append("no sales in the data: sales, sales per capita and headroom are left out.")
    if "potential" in o.columns and np.isfinite(o["potential"].to_numpy(dtype=float)).any():
        pot = o["potential"].to_numpy(dtype=float)
        pot0 = np.where(np.isfinite(pot), pot, 0.0)
        out["potential_total"] = pd.Series(pot0, index=o.index).groupby(key).sum()
        out["potential_covered"] = pd.Series(np.where(covered, pot0, 0.0), index=o.index).groupby(key).sum()
        out["coverage_weighted"] = out["potential_covered"] / out["potential_total"].where(out["potential_total"] > 0)
        if has_sales.any():
            room = np.where(~covered, pot0, np.where(has_sales, pot0 - np.nan_to_num(sales), 0.0))
            out["headroom"] = pd.Series(room, index=o.index).groupby(key).sum()
    else:
        notes.append("no potential (no scoring result or no model): potential, sales-weighted coverage "
                     "and headroom are left out.")
    return out


def priority(table: pd.DataFrame, params: InsightParams, notes: list[str]) -> tuple[pd.Series, pd.DataFrame, dict[str, float]]:
    """Priority score (0…100 for percentile/min-max scaling), its points per metric, the weights used."""
    usable = {m: w for m, w in params.weights.items()
              if w != 0 and m in table.columns and table[m].notna().any()}
    dropped = sorted(m for m, w in params.weights.items() if w != 0 and m not in usable)
    if dropped:
        notes.append(f"priority weights on {dropped} dropped (not available); the rest renormalised.")
    if not usable:
        fallback = [m for m in ("purchasing_power", "ta_population", "residents", "outlets_prospect")
                    if m in table.columns]
        usable = {fallback[0]: 1.0} if fallback else {"outlets_total": 1.0}
        notes.append(f"no priority weight applies: districts ranked by {next(iter(usable))}.")
    total = sum(abs(w) for w in usable.values())
    weights = {m: w / total for m, w in usable.items()}
    factor = 1.0 if params.scaling == "zscore" else 100.0
    neutral = 0.0 if params.scaling == "zscore" else 0.5
    pts = {}
    for m, w in weights.items():
        s = scale(table[m].astype(float), params.scaling).fillna(neutral)
        if w < 0:
            s = -s if params.scaling == "zscore" else 1.0 - s
        pts[f"pts_{m}"] = factor * abs(w) * s
    points = pd.DataFrame(pts, index=table.index)
    return points.sum(axis=1), points, weights


def district_insight(layer: pd.DataFrame | None, outlets: pd.DataFrame, districts=None,
                     scores: pd.DataFrame | None = None, params: InsightParams | None = None,
                     progress: prog.Progress | None = None) -> InsightResult:
    """Insight metrics per district and the priority ranking (best first).

    ``outlets``: the validated outlets table; ``districts``: polygons (``district_id``, ``name``,
    geometry) or None to use the outlets' ``district`` column; ``scores``: a scoring table
    (``outlet_id``, ``potential`` and optionally ``channel``, ``district``) to add potential,
    sales-weighted coverage and headroom (a :class:`gis.scoring.ScoringResult` works too).
    """
    params = params or InsightParams()
    progress = prog.ensure(progress)
    notes: list[str] = []
    if "lat" not in outlets or "lon" not in outlets:
        raise AnalysisError("the outlets table has no lat/lon columns; read it with the intake first.")
    o = outlets.reset_index(drop=True).copy()
    o["covered"] = o["covered"].astype("boolean").fillna(True).astype(bool) if "covered" in o else True
    o["sales"] = pd.to_numeric(o["sales"], errors="coerce").astype(float) if "sales" in o else np.nan
    o["channel"] = o["channel"].astype("string") if "channel" in o else pd.Series(pd.NA, index=o.index, dtype="string")
    district = o["district"].astype("string") if "district" in o else pd.Series(pd.NA, index=o.index, dtype="string")
    if districts is not None and len(districts):
        from gis.districts import assign_points

        ids = assign_points(o["lat"].to_numpy(), o["lon"].to_numpy(), districts)
        names = districts.set_index("district_id")["name"].astype("string") if "name" in districts else None
        assigned = pd.Series(ids.to_numpy(), index=o.index).map(names) if names is not None else pd.Series(ids.to_numpy(), index=o.index)
        district = assigned.astype("string").fillna(district)
    o["district"] = district
    scores = getattr(scores, "table", scores)  # a ScoringResult or its table
    if scores is not None and len(scores):
        s = scores.drop_duplicates("outlet_id").set_index(scores["outlet_id"].drop_duplicates().astype("string"))
        key = o["outlet_id"].astype("string")
        if "potential" in s:
            o["potential"] = key.map(s["potential"].astype(float)).astype(float).to_numpy()
        if "channel" in s:  # channels the scoring classified fill the gaps
            o["channel"] = o["channel"].fillna(key.map(s["channel"].astype("string")))
        if "district" in s and o["district"].isna().any():
            o["district"] = o["district"].fillna(key.map(s["district"].astype("string")))
    if o["district"].isna().all():
        o["district"] = pd.Series(WHOLE_AREA, index=o.index, dtype="string")
        notes.append(f"no districts (no polygons, no district column): the whole area is one district, {WHOLE_AREA!r}.")
    n_none = int(o["district"].isna().sum())
    if n_none:
        notes.append(f"{n_none} outlet(s) have no district and are left out of the district table.")
    progress.report(0.2, "outlet metrics")
    om = outlet_metrics(o, notes)

    prog.check(progress)
    progress.report(0.4, "layer metrics")
    if layer is None or len(layer) == 0:
        notes.append("no grid layer: population, TA, purchasing power and POI columns are left out.")
        lm = pd.DataFrame()
    else:
        if districts is not None and len(districts):
            cell_d = _cell_districts_from_polygons(layer, districts)
        else:
            cell_d = _cell_districts_from_outlets(layer, o, params.max_cell_distance_m)
            notes.append(f"no district polygons: each grid cell counted for the district of the nearest "
                         f"outlet within {params.max_cell_distance_m:,.0f} m.")
        lm = layer_metrics(layer, cell_d, params, notes)
    table = om.join(lm, how="outer") if len(lm) else om
    if districts is not None and len(districts) and "name" in districts:
        every = pd.Index(districts["name"].astype("string").unique())
        table = table.reindex(table.index.union(every))
        for c in ("outlets_total", "outlets_covered", "outlets_prospect"):
            table[c] = table[c].fillna(0.0)
    if "sales" in table.columns:
        present = [c for c in params.population_layers if c in table.columns]
        if present:
            pop = sum(table[c].fillna(0.0) for c in present)
            table["sales_per_capita"] = table["sales"] / pop.where(pop > 0)
    if len(table) == 0:
        raise AnalysisError("no district to rank: give district polygons or a district column in the outlets.")
    score, points, weights = priority(table, params, notes)
    table.insert(0, "priority_score", score)
    table.index.name = "district"
    table = table.reset_index()
    table["district"] = table["district"].astype("string")
    if districts is not None and len(districts) and "name" in districts:
        ids = districts.assign(name=districts["name"].astype("string")).drop_duplicates("name").set_index("name")["district_id"]
        table.insert(2, "district_id", table["district"].map(ids).astype("string"))
    table = pd.concat([table, points.reset_index(drop=True)], axis=1)
    table = table.sort_values(["priority_score", "district"], ascending=[False, True], kind="stable").reset_index(drop=True)
    table.insert(1, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
    count_cols = [c for c in table.columns if c.startswith(("outlets_", "covered_", "prospects_"))]
    table[count_cols] = table[count_cols].fillna(0.0).astype("int64")
    progress.report(1.0, "district insight done")
    return InsightResult(table, tuple(dict.fromkeys(notes)), weights, params)


__all__ = ["InsightParams", "InsightResult", "district_insight", "layer_metrics", "outlet_metrics",
           "priority", "DEFAULT_PRIORITY_WEIGHTS"]

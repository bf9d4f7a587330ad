"""Store siting (选址) from the project's tables: the grid layer, the outlets and the districts.

:func:`run_siting` builds the demand (spend per cell), the store network (own stores and
competitors with their attractiveness), calibrates the spend on the own stores' actual sales,
evaluates every candidate with the Huff model, chooses the sites and returns the tables.

Spend calibration: the spend per cell from the layer (people × consumption index / 100 × spend per
capita) is an order of magnitude. When own stores have actual sales, the whole spend surface is
multiplied by one factor so that the modelled sales of those stores add up to their actual total;
shares, rankings and the choice of sites do not depend on the factor, only the amounts do.

Large candidate sets: every candidate is first evaluated alone, in chunks, and the
``max_candidates`` best (by net sales alone) go to the selection. Since a site's gain can only
fall as others are added, a left-out candidate cannot replace a chosen site whenever every chosen
site adds at least the best left-out net sales to the others; the notes say whether that held.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from gis import progress as prog
from gis.errors import AnalysisError
from gis.siting import huff
from gis.siting.candidates import cell_candidates, filter_candidates, point_candidates
from gis.siting.params import SitingParams
from gis.siting.selection import Selection, select_sites

log = logging.getLogger(__name__)

_CHUNK = 4_000
_TRUE_TEXT = {"1", "true", "yes", "y", "t", "是", "竞品", "competitor"}


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Tables of a siting run.

    - ``sites``: one row per evaluated candidate, chosen ones first in pick order: ``site_id, lat,
      lon, cell, district, name, demand, expected_sales, cannibalized_sales, net_sales, chosen,
      pick_order, marginal_net_sales, sales_in_plan``. ``expected/cannibalized/net_sales`` are the
      candidate added alone to today's network; ``marginal_net_sales`` is what a chosen site adds
      after the ones picked before it (they sum to the plan's net new sales) and
      ``sales_in_plan`` its expected sales with every chosen site open.
    - ``trade_areas``: ``site_id, cell, probability, spend, expected_sales`` for each chosen site,
      the cells where its probability is at least the cut-off, with every chosen site open.
    - ``cannibalization``: per existing own store, ``sales_before, sales_after,
      cannibalized_sales, share_lost`` and the chosen site taking the most (``top_site``).
    - ``demand``: calibrated spend per cell (index ``cell``).
    """

    sites: pd.DataFrame
    trade_areas: pd.DataFrame
    cannibalization: pd.DataFrame
    demand: pd.Series
    notes: tuple[str, ...]
    params: SitingParams
    summary: dict = field(default_factory=dict)

    @property
    def chosen(self) -> pd.DataFrame:
        return self.sites[self.sites["chosen"]]

    def trade_area(self, site_id: str) -> pd.Series:
        """Probability by cell (index ``cell``) of one chosen site's trade area."""
        rows = self.trade_areas[self.trade_areas["site_id"] == site_id]
        return pd.Series(rows["probability"].to_numpy(), index=pd.Index(rows["cell"].to_numpy(), name="cell"),
                         name="probability")


# --------------------------------------------------------------------------------------------
# demand


def cell_spend(layer: pd.DataFrame, params: SitingParams) -> tuple[pd.Series, list[str]]:
    """Uncalibrated spend per cell: Σ w·people × consumption index / 100 × spend per capita."""
    notes: list[str] = []
    present = {m: w for m, w in params.demand_weights.items() if m in layer.columns and w > 0}
    if not present:
        raise AnalysisError(
            "siting needs people on the grid: the layer has none of the columns "
            f"{sorted(params.demand_weights)}; add a population layer or set [siting] demand_weights "
            f"to columns it has ({', '.join(map(str, layer.columns[:8]))}…).")
    missing = sorted(m for m, w in params.demand_weights.items() if w > 0 and m not in layer.columns)
    if missing:
        notes.append(f"demand uses {sorted(present)} only; the layer has no {missing}.")
    people = np.zeros(len(layer))
    for metric, weight in present.items():
        people += weight * np.nan_to_num(layer[metric].to_numpy(dtype=float), nan=0.0).clip(min=0)
    factor = np.ones(len(layer))
    col = params.consumption_column
    if col and col in layer.columns:
        index = layer[col].to_numpy(dtype=float)
        valid = np.isfinite(index) & (index > 0)
        if valid.any():
            median = float(np.median(index[valid]))
            scale = 100.0
            if not 20.0 <= median <= 500.0:
                scale = median
                notes.append(f"{col} is not on a 100 = average scale (median {median:g}); "
                             "it is divided by its median instead of 100.")
            factor = np.where(valid, index / scale, 1.0)
            if (~valid).any():
                notes.append(f"{int((~valid).sum()):,} cells without {col} count at the average level.")
    elif col:
        notes.append(f"no {col!r} layer: spend per person is the same everywhere.")
    spend = pd.Series(people * factor * params.spend_per_capita, index=layer.index, name="spend", dtype=float)
    return spend, notes


# --------------------------------------------------------------------------------------------
# stores


def _flag(values: pd.Series) -> np.ndarray:
    if values.dtype == bool or str(values.dtype) == "boolean":
        return values.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).to_numpy(dtype=float) != 0
    text = values.astype("string").str.strip().str.lower()
    return text.isin(_TRUE_TEXT).fillna(False).to_numpy(dtype=bool)


def outlet_attractiveness(outlets: pd.DataFrame, params: SitingParams) -> tuple[np.ndarray, list[str]]:
    """Attractiveness of each outlet: its ``attractiveness_column`` value, else by channel."""
    notes: list[str] = []
    if "channel" in outlets.columns:
        channel = outlets["channel"].astype("string")
        by_channel = channel.map(dict(params.channel_attractiveness)).astype(float)
        a = by_channel.fillna(params.default_attractiveness).to_numpy(dtype=float)
    else:
        a = np.full(len(outlets), params.default_attractiveness)
    col = params.attractiveness_column
    if col:
        if col not in outlets.columns:
            raise AnalysisError(f"siting: the attractiveness column {col!r} is not in the outlets table; "
                                f"columns are {list(outlets.columns)}.")
        values = pd.to_numeric(outlets[col], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(values) & (values > 0)
        if (~ok).any():
            notes.append(f"{int((~ok).sum()):,} stores have no positive {col!r}; their attractiveness comes "
                         "from their channel.")
        a = np.where(ok, values, a)
    return a, notes


@dataclass(frozen=True, eq=False)
class StoreNetwork:
    """Own stores and competitors as arrays for the Huff model, with the own stores' rows."""

    lat: np.ndarray
    lon: np.ndarray
    attractiveness: np.ndarray
    own: np.ndarray
    own_rows: pd.DataFrame     # outlets rows of the own stores, in the order of the own entries
    n_competitor_outlets: int
    n_competitor_cells: int


def store_network(outlets: pd.DataFrame, layer: pd.DataFrame, cell_lat: np.ndarray, cell_lon: np.ndarray,
                  params: SitingParams) -> tuple[StoreNetwork, list[str]]:
    notes: list[str] = []
    for col in ("outlet_id", "lat", "lon"):
        if col not in outlets.columns:
            raise AnalysisError(f"siting: the outlets table has no {col!r} column.")
    ok = np.isfinite(outlets["lat"].to_numpy(dtype=float)) & np.isfinite(outlets["lon"].to_numpy(dtype=float))
    competitor = np.zeros(len(outlets), dtype=bool)
    if params.competitor_column:
        if params.competitor_column not in outlets.columns:
            raise AnalysisError(f"siting: the competitor column {params.competitor_column!r} is not in the "
                                "outlets table.")
        competitor = _flag(outlets[params.competitor_column])
    if params.own_stores == "covered" and "covered" in outlets.columns:
        own = _flag(outlets["covered"]) & ~competitor
    else:
        own = ~competitor
    own = own & ok
    competitor = competitor & ok
    a, a_notes = outlet_attractiveness(outlets, params)
    notes += a_notes
    own_rows = outlets.loc[own].reset_index(drop=True)
    lat = [outlets["lat"].to_numpy(dtype=float)[own], outlets["lat"].to_numpy(dtype=float)[competitor]]
    lon = [outlets["lon"].to_numpy(dtype=float)[own], outlets["lon"].to_numpy(dtype=float)[competitor]]
    attr = [a[own], np.full(int(competitor.sum()), params.competitor_attractiveness)]
    n_cells = 0
    col = params.competitor_layer_column
    if col and col in layer.columns:
        counts = np.nan_to_num(layer[col].to_numpy(dtype=float), nan=0.0)
        has = counts > 0
        n_cells = int(has.sum())
        lat.append(cell_lat[has])
        lon.append(cell_lon[has])
        attr.append(counts[has] * params.competitor_attractiveness)
    elif col:
        notes.append(f"no {col!r} layer: competitors come only from the outlets table.")
    flags = np.concatenate([np.ones(int(own.sum()), bool), np.zeros(sum(len(x) for x in lat[1:]), bool)])
    if params.competitor_attractiveness == 0:
        notes.append("competitor attractiveness is 0: competitors take no share.")
    network = StoreNetwork(np.concatenate(lat), np.concatenate(lon), np.concatenate(attr), flags, own_rows,
                           int(competitor.sum()), n_cells)
    return network, notes


# --------------------------------------------------------------------------------------------
# the run


def _districts_of(lat, lon, districts) -> tuple[np.ndarray | None, np.ndarray | None]:
    if districts is None or len(lat) == 0:
        return None, None
    from gis.districts import assign_points

    ids = pd.Series(assign_points(np.asarray(lat), np.asarray(lon), districts)).astype("string")
    names = districts.assign(district_id=districts["district_id"].astype("string")).set_index("district_id")["name"]
    return ids.to_numpy(dtype=object), ids.map(names).astype("string").to_numpy(dtype=object)


def _evaluate_alone(market: huff.Market, lat, lon, attractiveness: float, progress) -> huff.CandidateEffects:
    n = len(lat)
    parts = []
    for start in range(0, n, _CHUNK):
        prog.check(progress)
        stop = min(n, start + _CHUNK)
        parts.append(huff.effects_alone(market, lat[start:stop], lon[start:stop], attractiveness))
        if progress is not None:
            progress.report(stop / n, f"evaluated {stop:,} of {n:,} candidates")
    if not parts:
        empty = np.empty(0)
        return huff.CandidateEffects(empty, empty, empty)
    return huff.CandidateEffects(*(np.concatenate([getattr(p, f) for p in parts])
                                   for f in ("expected_sales", "cannibalized_sales", "net_sales")))


def run_siting(layer: pd.DataFrame, outlets: pd.DataFrame, districts=None,
               params: SitingParams | None = None, candidates: pd.DataFrame | None = None,
               progress: prog.Progress | None = None) -> SitingResult:
    """Evaluate candidate sites with the Huff model and choose the best ones.

    ``layer`` is the H3 grid layer (index ``cell``), ``outlets`` the validated outlets table,
    ``districts`` the district polygons (optional unless the candidates are restricted to
    districts), ``candidates`` the user's own candidate points (``lat``, ``lon``, optional
    ``site_id``/``outlet_id``, ``name``, ``district``); without them the layer's cells are the
    candidates.
    """
    from gis import hexgrid

    params = params or SitingParams()
    progress = prog.ensure(progress)
    notes: list[str] = []
    if layer is None or len(layer) == 0:
        raise AnalysisError("siting needs a grid layer with people (residents, workers or visitors).")
    if params.candidate_source == "points" and candidates is None:
        raise AnalysisError("siting: [siting] candidate_source is 'points' but no candidate points were given.")

    progress.report(0.0, "computing demand")
    spend, spend_notes = cell_spend(layer, params)
    notes += spend_notes
    cells = layer.index.to_numpy(dtype=np.int64)
    cell_lat, cell_lon = hexgrid.cells_to_latlon(cells)

    network, store_notes = store_network(outlets, layer, cell_lat, cell_lon, params)
    notes += store_notes
    n_own = int(network.own.sum())
    if n_own == 0:
        notes.append("no own stores: every candidate's sales are new sales and nothing is cannibalized.")
    prog.check(progress)
    progress.report(0.05, "building the Huff model")
    market = huff.build_market(cell_lat, cell_lon, spend.to_numpy(), network.lat, network.lon,
                               network.attractiveness, network.own, beta=params.beta,
                               cutoff_m=params.cutoff_m, distance_floor_m=params.distance_floor_m)

    # calibration on the own stores' actual sales
    factor = 1.0
    modelled = huff.store_sales(market)[:n_own]
    actual = (pd.to_numeric(network.own_rows["sales"], errors="coerce").to_numpy(dtype=float)
              if "sales" in network.own_rows.columns else np.full(n_own, np.nan))
    with_sales = np.isfinite(actual) & (actual > 0)
    if params.calibrate and with_sales.any() and modelled[with_sales].sum() > 0:
        factor = float(actual[with_sales].sum() / modelled[with_sales].sum())
        market = market.with_spend(market.spend * factor)
        notes.append(f"spend calibrated ×{factor:.4g} so the {int(with_sales.sum()):,} own stores with sales are "
                     f"modelled at their actual total {actual[with_sales].sum():,.0f}.")
    elif params.calibrate and n_own:
        notes.append("spend not calibrated: no own store has sales; amounts follow spend_per_capita.")
    spend = pd.Series(market.spend, index=layer.index, name="spend")
    served = market.denominator > 0
    total_spend = float(market.spend.sum())
    if total_spend > 0 and (~served).any():
        notes.append(f"{market.spend[~served].sum() / total_spend:.1%} of the spend lies beyond "
                     f"{params.cutoff_m:,.0f} m of every store and is captured only by new sites.")

    # candidates
    progress.report(0.15, "filtering candidates")
    if candidates is not None:
        table = point_candidates(candidates)
        if districts is not None:
            ids, names = _districts_of(table["lat"].to_numpy(), table["lon"].to_numpy(), districts)
            table["district"] = pd.Series(names, dtype="string").fillna(table["district"]).to_numpy()
            d_id, d_name = ids, names
        else:
            d_id, d_name = None, table["district"].to_numpy(dtype=object)
        res = int(layer.attrs.get("resolution", hexgrid.DEFAULT_RESOLUTION))
        table["cell"] = hexgrid.latlon_to_cells(table["lat"].to_numpy(), table["lon"].to_numpy(), res)
        table["demand"] = spend.reindex(table["cell"].to_numpy()).fillna(0.0).to_numpy()
    else:
        # districts of every cell only when the constraint needs them (point-in-polygon is costly)
        d_id, d_name = _districts_of(cell_lat, cell_lon, districts) if params.districts else (None, None)
        table = cell_candidates(cells, cell_lat, cell_lon, spend.to_numpy(), d_name)
    comp = ~network.own
    check = filter_candidates(table["lat"].to_numpy(), table["lon"].to_numpy(), table["demand"].to_numpy(),
                              params=params, plane=market.plane,
                              own_lat=network.lat[network.own], own_lon=network.lon[network.own],
                              competitor_lat=network.lat[comp], competitor_lon=network.lon[comp],
                              district_id=d_id, district_name=d_name)
    notes.append(check.describe())
    table = table.loc[check.keep].reset_index(drop=True)

    a_new = params.new_site_attractiveness
    if a_new is None:
        a_new = float(np.median(network.attractiveness[network.own])) if n_own else params.default_attractiveness
    progress.report(0.2, "evaluating candidates")
    alone = _evaluate_alone(market, table["lat"].to_numpy(), table["lon"].to_numpy(), a_new,
                            prog.SubProgress(progress, 0.2, 0.5))
    table["expected_sales"] = alone.expected_sales
    table["cannibalized_sales"] = alone.cannibalized_sales
    table["net_sales"] = alone.net_sales
    n_kept = len(table)
    left_out_best = 0.0
    if n_kept > params.max_candidates:
        order = np.lexsort((np.arange(n_kept), -table["net_sales"].to_numpy()))
        left_out_best = float(table["net_sales"].to_numpy()[order[params.max_candidates]])
        table = table.iloc[np.sort(order[:params.max_candidates])].reset_index(drop=True)
    if candidates is None and districts is not None and not params.districts and len(table):
        _, names = _districts_of(table["lat"].to_numpy(), table["lon"].to_numpy(), districts)
        table["district"] = pd.array(names, dtype="string")

    progress.report(0.5, "choosing sites")
    cands = huff.build_candidates(market, table["lat"].to_numpy(), table["lon"].to_numpy(), a_new)
    if len(table) == 0:
        selection = Selection((), (), params.method, 0, params.target_sales, ("no candidate passes the constraints.",))
    else:
        selection = select_sites(market, cands, n_sites=params.n_sites, target=params.target_sales,
                                 max_sites=params.max_sites, method=params.method,
                                 local_search=params.local_search,
                                 spacing_m=params.min_site_spacing_m, progress=prog.SubProgress(progress, 0.5, 0.9))
    notes += list(selection.notes)
    if n_kept > params.max_candidates:
        # a left-out candidate adds at most its net sales alone, in any network
        worst = _min_leave_one_out(market, cands, selection.chosen)
        left = n_kept - params.max_candidates
        if worst >= left_out_best:
            notes.append(f"{left:,} weaker candidates were left out of the selection; none of them could replace "
                         f"a chosen site (the best adds {left_out_best:,.0f} alone, every chosen site adds at least "
                         f"{worst:,.0f} to the others).")
        else:
            notes.append(f"{left:,} weaker candidates were left out of the selection and one of them might replace "
                         f"a chosen site (adds up to {left_out_best:,.0f} alone, the weakest chosen site adds "
                         f"{worst:,.0f}); raise [siting] max_candidates to be sure.")

    progress.report(0.9, "trade areas and cannibalization")
    chosen = np.asarray(selection.chosen, dtype=np.int64)
    plan = huff.network_sales(market, cands, chosen)
    sites = _sites_table(table, selection, plan)
    trade = _trade_areas(market, cands, chosen, table, plan, layer.index, params)
    cannibal = _cannibalization_table(market, cands, chosen, table, plan, network, n_own)
    if params.target_sales is not None:
        reached = "reached" if selection.reached_target else "not reached"
        notes.append(f"target {params.target_sales:,.0f} {reached} with {len(chosen)} site(s) "
                     f"(net new sales {selection.total:,.0f}).")
    summary = {
        "own_stores": n_own,
        "competitor_outlets": network.n_competitor_outlets,
        "competitor_cells": network.n_competitor_cells,
        "calibration_factor": factor,
        "total_spend": total_spend,
        "own_sales_before": float(plan.store_before[:n_own].sum()),
        "own_sales_after": float(plan.store_after[:n_own].sum() + plan.site_sales.sum()),
        "net_new_sales": selection.total,
        "candidates_total": int(len(check.keep)),
        "candidates_kept": n_kept,
        "candidates_evaluated": int(len(table)),
        "sites_chosen": int(len(chosen)),
        "new_site_attractiveness": float(a_new),
        "method": selection.method,
    }
    progress.report(1.0, f"{len(chosen)} sites chosen")
    return SitingResult(sites, trade, cannibal, spend, tuple(notes), params, summary)


def _min_leave_one_out(market, cands, chosen) -> float:
    """The smallest F(S) − F(S without s) over the chosen sites s (inf when none)."""
    from gis.siting.selection import objective

    chosen = list(chosen)
    if not chosen:
        return float("inf")
    full = objective(market, cands, chosen)
    return min(full - objective(market, cands, chosen[:k] + chosen[k + 1:]) for k in range(len(chosen)))


def _sites_table(table: pd.DataFrame, selection: Selection, plan: huff.NetworkSales) -> pd.DataFrame:
    n = len(table)
    chosen = np.zeros(n, dtype=bool)
    pick = pd.array([pd.NA] * n, dtype="Int64")
    marginal = np.full(n, np.nan)
    in_plan = np.full(n, np.nan)
    for k, (c, g) in enumerate(zip(selection.chosen, selection.gains)):
        chosen[c] = True
        pick[c] = k + 1
        marginal[c] = g
        in_plan[c] = plan.site_sales[k]
    out = table.copy()
    out["chosen"] = chosen
    out["pick_order"] = pick
    out["marginal_net_sales"] = marginal
    out["sales_in_plan"] = in_plan
    key = np.where(chosen, pick.to_numpy(dtype=float, na_value=0.0), np.inf)
    order = np.lexsort((np.arange(n), -out["net_sales"].to_numpy(), key))
    columns = ["site_id", "lat", "lon", "cell", "district", "name", "demand", "expected_sales",
               "cannibalized_sales", "net_sales", "chosen", "pick_order", "marginal_net_sales", "sales_in_plan"]
    return out.iloc[order][columns].reset_index(drop=True)


def _trade_areas(market, cands, chosen, table, plan, cell_index, params) -> pd.DataFrame:
    k, i, p = huff.trade_areas(market, cands, chosen, params.trade_area_min_p, plan.denominator)
    ids = table["site_id"].to_numpy(dtype=object)[chosen] if len(chosen) else np.empty(0, dtype=object)
    out = pd.DataFrame({
        "site_id": pd.array(ids[k], dtype="string"),
        "cell": cell_index.to_numpy(dtype=np.int64)[i],
        "probability": p,
        "spend": market.spend[i],
        "expected_sales": p * market.spend[i],
    })
    return out.sort_values(["site_id", "probability"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _cannibalization_table(market, cands, chosen, table, plan, network, n_own) -> pd.DataFrame:
    rows = network.own_rows
    before = plan.store_before[:n_own]
    after = plan.store_after[:n_own]
    lost = before - after
    top = pd.array([pd.NA] * n_own, dtype="string")
    if len(chosen) and n_own:
        # attribute each store's loss in a cell to the new sites in proportion to their weight there
        pair_own = market.own[market.pair_store]
        ps, pc, pw = market.pair_store[pair_own], market.pair_cell[pair_own], market.pair_weight[pair_own]
        den0, den1 = market.denominator[pc], plan.denominator[pc]
        drop = market.spend[pc] * pw * (huff.safe_ratio(1.0, den0) - huff.safe_ratio(1.0, den1))
        drop_m = sparse.csr_matrix((drop, (ps, pc)), shape=(n_own, market.n_cells))
        added = plan.denominator - market.denominator
        rows_c, cols_c, vals_c = [], [], []
        for k, c in enumerate(chosen):
            sl = slice(cands.indptr[c], cands.indptr[c + 1])
            cells = cands.cell[sl]
            rows_c.append(cells)
            cols_c.append(np.full(len(cells), k))
            vals_c.append(cands.weight[sl] / added[cells])
        share_m = sparse.csr_matrix((np.concatenate(vals_c), (np.concatenate(rows_c), np.concatenate(cols_c))),
                                    shape=(market.n_cells, len(chosen)))
        by_site = (drop_m @ share_m).toarray()
        best = by_site.argmax(axis=1)
        has = by_site.max(axis=1) > 0
        ids = table["site_id"].to_numpy(dtype=object)[chosen]
        top = pd.array(np.where(has, ids[best], None), dtype="string")
    out = pd.DataFrame({
        "outlet_id": rows["outlet_id"].astype("string").to_numpy(),
        "name": rows["name"].astype("string").to_numpy() if "name" in rows else pd.array([""] * n_own, dtype="string"),
        "lat": rows["lat"].to_numpy(dtype=float),
        "lon": rows["lon"].to_numpy(dtype=float),
        "district": rows["district"].astype("string").to_numpy() if "district" in rows
        else pd.array([pd.NA] * n_own, dtype="string"),
        "actual_sales": (pd.to_numeric(rows["sales"], errors="coerce").to_numpy(dtype=float) if "sales" in rows
                         else np.full(n_own, np.nan)),
        "sales_before": before,
        "sales_after": after,
        "cannibalized_sales": lost,
        "share_lost": np.divide(lost, before, out=np.zeros(n_own), where=before > 0),
        "top_site": top,
    })
    return out.sort_values("cannibalized_sales", ascending=False, kind="stable").reset_index(drop=True)


__all__ = ["SitingResult", "run_siting", "cell_spend", "outlet_attractiveness", "store_network", "StoreNetwork"]

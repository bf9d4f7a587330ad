"""The Huff model on arrays, computed sparsely within a distance cut-off.

    P_ij = A_j · D_ij^β / Σ_k A_k · D_ik^β          E_j = Σ_i P_ij · S_i

Demand cells *i* carry spend ``S_i``; stores *k* (own and competitor) carry attractiveness
``A_k``. Only pairs closer than ``cutoff_m`` enter the sums (found with a KD-tree), so a cell's
probabilities sum to 1 over the stores within reach, and the spend of a cell with no store within
reach is not captured by anyone. Distances are floored at ``distance_floor_m`` so that a store on
a cell's centre does not take the whole cell through D = 0.

Coordinates are projected on a local equirectangular plane (metres east and north of the centre
of the demand). Within a city (±1° of latitude) its distances are off by well under 1 %, which is
far below the uncertainty of β; it is not meant for a whole country at once.

New sites are handled incrementally: adding a candidate *c* with weights w_ic = A_c · D_ic^β
raises the denominator of the cells it reaches, so its expected sales, the sales it takes from
the own stores (cannibalization) and the own brand's net gain follow from per-cell sums:

    expected_c     = Σ_i S_i · w_ic / (den_i + w_ic)
    cannibalized_c = Σ_i S_i · own_i · w_ic / (den_i · (den_i + w_ic))
    net_c          = expected_c − cannibalized_c

with den_i = Σ_k A_k D_ik^β over all stores and own_i the same sum over own stores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from gis.errors import AnalysisError

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class LocalPlane:
    """Local equirectangular projection (metres) around ``(lat0, lon0)``."""

    lat0: float
    lon0: float

    @classmethod
    def around(cls, lat, lon) -> "LocalPlane":
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        if lat.size == 0:
            return cls(0.0, 0.0)
        return cls(float((np.nanmin(lat) + np.nanmax(lat)) / 2), float((np.nanmin(lon) + np.nanmax(lon)) / 2))

    def project(self, lat, lon) -> np.ndarray:
        """``(n, 2)`` array of x (east) and y (north) in metres."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        k = np.pi / 180.0 * EARTH_RADIUS_M
        x = (lon - self.lon0) * k * np.cos(np.radians(self.lat0))
        y = (lat - self.lat0) * k
        return np.column_stack([x, y]) if lat.size else np.empty((0, 2))


def pairs_within(from_xy: np.ndarray, to_xy: np.ndarray, cutoff_m: float,
                 from_tree: cKDTree | None = None, grouped: bool = True
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i of ``from_xy``, j of ``to_xy``) within ``cutoff_m``: ``(i, j, distance)``.

    With ``grouped`` the pairs are sorted by ``j`` then ``i``, so the pairs of one ``to`` point
    are contiguous; without it their order is unspecified (cheaper when only sums are needed).
    """
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0))
    if len(from_xy) == 0 or len(to_xy) == 0:
        return empty
    tree = from_tree if from_tree is not None else cKDTree(from_xy)
    found = cKDTree(to_xy).sparse_distance_matrix(tree, cutoff_m, output_type="ndarray")
    if len(found) == 0:
        return empty
    j = found["i"].astype(np.int64)
    i = found["j"].astype(np.int64)
    d = found["v"].astype(float)
    if grouped:
        order = np.lexsort((i, j))
        i, j, d = i[order], j[order], d[order]
    return i, j, d


def huff_weight(distance_m: np.ndarray, attractiveness: np.ndarray, beta: float,
                distance_floor_m: float) -> np.ndarray:
    """A · max(D, floor)^β, elementwise."""
    d = np.maximum(np.asarray(distance_m, dtype=float), distance_floor_m)
    if beta == -2.0:
        return np.asarray(attractiveness, dtype=float) / (d * d)
    return np.asarray(attractiveness, dtype=float) * np.power(d, beta)


def safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with 0 where den == 0."""
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _as_1d(name: str, value, n: int | None = None, dtype=float) -> np.ndarray:
    arr = np.asarray(value, dtype=dtype).reshape(-1)
    if n is not None and arr.size != n:
        raise AnalysisError(f"Huff model: {name} has {arr.size} values, expected {n}.")
    if dtype is float and not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr))[:5].tolist()
        raise AnalysisError(f"Huff model: {name} has missing or infinite values (positions {bad}…).")
    return arr


@dataclass(frozen=True, eq=False)
class Market:
    """Demand cells and existing stores with their sparse Huff weights (see the module docstring)."""

    plane: LocalPlane
    beta: float
    cutoff_m: float
    distance_floor_m: float
    cell_xy: np.ndarray        # (n_cells, 2) metres
    spend: np.ndarray          # (n_cells,)
    store_xy: np.ndarray       # (n_stores, 2)
    attractiveness: np.ndarray  # (n_stores,)
    own: np.ndarray            # (n_stores,) bool
    pair_cell: np.ndarray      # sparse pairs within the cut-off, grouped by store
    pair_store: np.ndarray
    pair_weight: np.ndarray    # A_k · D_ik^β
    denominator: np.ndarray    # (n_cells,) Σ_k A_k D_ik^β
    own_weight: np.ndarray     # (n_cells,) the same over own stores
    cell_tree: cKDTree

    @property
    def n_cells(self) -> int:
        return len(self.spend)

    @property
    def n_stores(self) -> int:
        return len(self.attractiveness)

    def with_spend(self, spend) -> "Market":
        """The same market with other spend per cell (the weights do not depend on spend)."""
        spend = _as_1d("spend", spend, self.n_cells)
        return Market(**{**self.__dict__, "spend": spend})


def build_market(cell_lat, cell_lon, spend, store_lat, store_lon, attractiveness, own, *,
                 beta: float = -2.0, cutoff_m: float = 3000.0, distance_floor_m: float = 100.0,
                 plane: LocalPlane | None = None) -> Market:
    """Demand cells and stores → a :class:`Market` with the sparse Huff weights."""
    if beta >= 0:
        raise AnalysisError(f"Huff model: beta must be negative, not {beta}.")
    cell_lat = _as_1d("demand latitude", cell_lat)
    n = cell_lat.size
    cell_lon = _as_1d("demand longitude", cell_lon, n)
    spend = _as_1d("spend", spend, n)
    if np.any(spend < 0):
        raise AnalysisError("Huff model: spend must not be negative.")
    store_lat = _as_1d("store latitude", store_lat)
    m = store_lat.size
    store_lon = _as_1d("store longitude", store_lon, m)
    attractiveness = _as_1d("attractiveness", attractiveness, m)
    if np.any(attractiveness < 0):
        raise AnalysisError("Huff model: attractiveness must not be negative.")
    own = np.asarray(own, dtype=bool).reshape(-1)
    if own.size != m:
        raise AnalysisError(f"Huff model: the own/competitor flag has {own.size} values, expected {m}.")
    plane = plane or LocalPlane.around(cell_lat, cell_lon)
    cell_xy = plane.project(cell_lat, cell_lon)
    store_xy = plane.project(store_lat, store_lon)
    tree = cKDTree(cell_xy) if n else None
    i, j, d = pairs_within(cell_xy, store_xy, cutoff_m, tree)
    w = huff_weight(d, attractiveness[j], beta, distance_floor_m)
    denominator = np.bincount(i, weights=w, minlength=n)
    own_weight = np.bincount(i, weights=w * own[j], minlength=n)
    return Market(plane, float(beta), float(cutoff_m), float(distance_floor_m), cell_xy, spend,
                  store_xy, attractiveness, own, i, j, w, denominator, own_weight, tree)


def probabilities(market: Market) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse P_ij as ``(cell, store, p)``; per cell they sum to 1 over the stores within reach."""
    p = safe_ratio(market.pair_weight, market.denominator[market.pair_cell])
    return market.pair_cell, market.pair_store, p


def store_sales(market: Market, denominator: np.ndarray | None = None) -> np.ndarray:
    """Expected sales E_k = Σ_i P_ik S_i of every store (optionally under another denominator)."""
    den = market.denominator if denominator is None else denominator
    flow = market.spend[market.pair_cell] * safe_ratio(market.pair_weight, den[market.pair_cell])
    return np.bincount(market.pair_store, weights=flow, minlength=market.n_stores)


def own_share(market: Market, own_weight: np.ndarray | None = None,
              denominator: np.ndarray | None = None) -> np.ndarray:
    """Per cell, the probability that its spend goes to an own store."""
    own_weight = market.own_weight if own_weight is None else own_weight
    den = market.denominator if denominator is None else denominator
    return safe_ratio(own_weight, den)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Candidate sites and their sparse weights to the demand cells, grouped per candidate (CSR)."""

    xy: np.ndarray              # (n, 2) metres on the market's plane
    attractiveness: np.ndarray  # (n,)
    indptr: np.ndarray          # (n + 1,) pairs of candidate c are indptr[c]:indptr[c+1]
    cell: np.ndarray            # (nnz,) demand cell index
    weight: np.ndarray          # (nnz,) A_c · D_ic^β

    @property
    def n(self) -> int:
        return len(self.attractiveness)

    def owner(self) -> np.ndarray:
        """Candidate index of every pair."""
        return np.repeat(np.arange(self.n), np.diff(self.indptr))


def build_candidates(market: Market, lat, lon, attractiveness) -> Candidates:
    """Candidate sites on the market's plane with their weights to every cell within the cut-off."""
    lat = _as_1d("candidate latitude", lat)
    lon = _as_1d("candidate longitude", lon, lat.size)
    attractiveness = np.broadcast_to(np.asarray(attractiveness, dtype=float), lat.shape).copy()
    if np.any(~np.isfinite(attractiveness)) or np.any(attractiveness <= 0):
        raise AnalysisError("Huff model: candidate attractiveness must be a positive number.")
    xy = market.plane.project(lat, lon)
    if market.n_cells == 0:
        i = j = np.empty(0, dtype=np.int64)
        d = np.empty(0)
    else:
        i, j, d = pairs_within(market.cell_xy, xy, market.cutoff_m, market.cell_tree)
    w = huff_weight(d, attractiveness[j], market.beta, market.distance_floor_m)
    indptr = np.zeros(lat.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(j, minlength=lat.size), out=indptr[1:])
    return Candidates(xy, attractiveness, indptr, i, w)


@dataclass(frozen=True, eq=False)
class CandidateEffects:
    """Each candidate added alone to the existing network."""

    expected_sales: np.ndarray
    cannibalized_sales: np.ndarray
    net_sales: np.ndarray


def candidate_effects(market: Market, candidates: Candidates,
                      denominator: np.ndarray | None = None,
                      own_weight: np.ndarray | None = None) -> CandidateEffects:
    """Expected sales, cannibalization of the own stores and net gain of each candidate alone."""
    den = (market.denominator if denominator is None else denominator)[candidates.cell]
    own = (market.own_weight if own_weight is None else own_weight)[candidates.cell]
    s = market.spend[candidates.cell]
    w = candidates.weight
    expected = s * w / (den + w)
    cannibal = s * safe_ratio(own * w, den * (den + w))
    owner = candidates.owner()
    e = np.bincount(owner, weights=expected, minlength=candidates.n)
    c = np.bincount(owner, weights=cannibal, minlength=candidates.n)
    return CandidateEffects(e, c, e - c)


def effects_alone(market: Market, lat, lon, attractiveness) -> CandidateEffects:
    """:func:`candidate_effects` of points without building the grouped structure (cheaper)."""
    lat = _as_1d("candidate latitude", lat)
    lon = _as_1d("candidate longitude", lon, lat.size)
    attractiveness = np.broadcast_to(np.asarray(attractiveness, dtype=float), lat.shape)
    xy = market.plane.project(lat, lon)
    if market.n_cells == 0 or lat.size == 0:
        zero = np.zeros(lat.size)
        return CandidateEffects(zero, zero.copy(), zero.copy())
    i, j, d = pairs_within(market.cell_xy, xy, market.cutoff_m, market.cell_tree, grouped=False)
    w = huff_weight(d, attractiveness[j], market.beta, market.distance_floor_m)
    den, own, s = market.denominator[i], market.own_weight[i], market.spend[i]
    e = np.bincount(j, weights=s * w / (den + w), minlength=lat.size)
    c = np.bincount(j, weights=s * safe_ratio(own * w, den * (den + w)), minlength=lat.size)
    return CandidateEffects(e, c, e - c)


@dataclass(frozen=True, eq=False)
class NetworkSales:
    """Sales of every store before and after adding a set of candidates."""

    chosen: np.ndarray          # candidate indices added
    store_before: np.ndarray    # (n_stores,)
    store_after: np.ndarray     # (n_stores,)
    site_sales: np.ndarray      # (len(chosen),) expected sales of each added site in the new network
    denominator: np.ndarray     # (n_cells,) after adding

    @property
    def cannibalized(self) -> np.ndarray:
        """Sales each existing store loses to the added sites."""
        return self.store_before - self.store_after


def _added_weight(market: Market, candidates: Candidates, chosen) -> tuple[np.ndarray, list[slice]]:
    added = np.zeros(market.n_cells)
    slices = []
    for c in chosen:
        sl = slice(candidates.indptr[c], candidates.indptr[c + 1])
        np.add.at(added, candidates.cell[sl], candidates.weight[sl])
        slices.append(sl)
    return added, slices


def network_sales(market: Market, candidates: Candidates, chosen) -> NetworkSales:
    """Store sales before and after adding the candidates ``chosen`` (indices) together."""
    chosen = np.asarray(chosen, dtype=np.int64).reshape(-1)
    added, slices = _added_weight(market, candidates, chosen)
    den_after = market.denominator + added
    before = store_sales(market)
    after = store_sales(market, den_after)
    site = np.array([
        float(np.sum(market.spend[candidates.cell[sl]] * candidates.weight[sl] / den_after[candidates.cell[sl]]))
        for sl in slices
    ])
    return NetworkSales(chosen, before, after, site, den_after)


def trade_areas(market: Market, candidates: Candidates, chosen, min_p: float,
                denominator: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells where each chosen candidate's probability is at least ``min_p``.

    Probabilities are taken in the network with every chosen site added (or under
    ``denominator`` when given). Returns ``(position in chosen, cell index, p)``.
    """
    chosen = np.asarray(chosen, dtype=np.int64).reshape(-1)
    if denominator is None:
        added, _ = _added_weight(market, candidates, chosen)
        denominator = market.denominator + added
    out_k, out_i, out_p = [], [], []
    for k, c in enumerate(chosen):
        sl = slice(candidates.indptr[c], candidates.indptr[c + 1])
        cells = candidates.cell[sl]
        p = safe_ratio(candidates.weight[sl], denominator[cells])
        keep = p >= min_p
        out_k.append(np.full(int(keep.sum()), k, dtype=np.int64))
        out_i.append(cells[keep])
        out_p.append(p[keep])
    if not out_k:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(out_k), np.concatenate(out_i), np.concatenate(out_p)


__all__ = [
    "LocalPlane", "safe_ratio", "pairs_within", "huff_weight", "Market", "build_market", "probabilities",
    "store_sales", "own_share", "Candidates", "build_candidates", "CandidateEffects",
    "candidate_effects", "effects_alone", "NetworkSales", "network_sales", "trade_areas",
]

"""Territories (任务分发): which rep covers which outlets.

A capacitated clustering. Each outlet has a workload (minutes over the horizon: visits × (service
+ an estimate of the travel per visit)); each rep a fair share of the total, proportional to the
time they work, and a hard capacity (their working minutes in the horizon). The assignment
minimises, for every visit, a commute share (home → outlet) plus the distance to the territory's
centre (compactness), with each rep's workload kept within ``fair share × (1 ± tolerance)`` and
below capacity. It is solved as the linear relaxation of the generalized assignment problem
(HiGHS through SciPy), rounded to the largest fraction, repaired to the bounds, and repeated a few
times with the territory centres updated (a capacitated Lloyd iteration). Locked outlets keep
their rep. What no rep has room for is left unassigned and reported.

Distances here are great-circle kilometres (minutes at the travel speed): the estimate only needs
to rank reps and shape territories.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from gis.routing.travel import haversine_m

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TerritoryResult:
    """Rep index per outlet (-1: no rep had room) and how the territories came out."""

    assignment: np.ndarray          # int per outlet
    workload_min: np.ndarray        # per rep, minutes over the horizon
    capacity_min: np.ndarray        # per rep
    compactness_km: np.ndarray      # per rep: visit-weighted mean distance to the territory centre
    changed: int                    # outlets whose rep differs from the current assignment
    unassigned_reason: str = ""

    @property
    def balance(self) -> float:
        """Max / min workload over the reps that have a territory (1.0 = perfectly even)."""
        w = self.workload_min[self.workload_min > 0]
        return float(w.max() / w.min()) if len(w) else 1.0

    @property
    def mean_compactness_km(self) -> float:
        ok = self.workload_min > 0
        return float(np.average(self.compactness_km[ok], weights=self.workload_min[ok])) if ok.any() else 0.0


def _km(lat1, lon1, lat2, lon2) -> np.ndarray:
    return haversine_m(lat1, lon1, lat2, lon2) / 1000.0


def nearest_home(lat, lon, home_lat, home_lon) -> np.ndarray:
    """Each outlet to the rep whose home is nearest (the naive baseline)."""
    d = _km(np.asarray(lat)[:, None], np.asarray(lon)[:, None],
            np.asarray(home_lat)[None, :], np.asarray(home_lon)[None, :])
    return d.argmin(axis=1)


def describe(assignment, lat, lon, workload, capacity, visits=None, current=None) -> TerritoryResult:
    """Workload, compactness and changes of a given assignment."""
    assignment = np.asarray(assignment, np.int64)
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    workload = np.asarray(workload, float)
    capacity = np.asarray(capacity, float)
    nrep = len(capacity)
    visits = np.ones(len(lat)) if visits is None else np.asarray(visits, float)
    load = np.zeros(nrep)
    comp = np.zeros(nrep)
    for r in range(nrep):
        m = assignment == r
        if not m.any():
            continue
        load[r] = workload[m].sum()
        w = visits[m]
        clat, clon = np.average(lat[m], weights=w), np.average(lon[m], weights=w)
        comp[r] = float(np.average(_km(lat[m], lon[m], clat, clon), weights=w))
    changed = 0
    if current is not None:
        cur = np.asarray(current, np.int64)
        changed = int(((cur >= 0) & (cur != assignment)).sum())
    return TerritoryResult(assignment, load, capacity, comp, changed)


def assign_territories(lat, lon, workload, home_lat, home_lon, capacity, *, visits=None,
                       speed_kmh: float = 15.0, circuity: float = 1.3, stops_per_day: float = 10.0,
                       tolerance: float = 0.2, locked=None, current=None, allowed=None,
                       working_days=None, iterations: int = 4,
                       nearest_reps: int = 8) -> TerritoryResult:
    """Assign outlets to reps (see the module docstring).

    ``workload``: minutes per outlet over the horizon; ``capacity``: minutes per rep over the
    horizon (0 for a rep who does not work); ``visits``: visits per outlet (weights the distance
    terms); ``locked``/``current``: rep index per outlet or -1; ``allowed``: (outlet, rep) bool,
    False where the rep cannot serve the outlet at all (too far for the shift);
    ``working_days``: days each rep works in the horizon — when given, each day's way from home
    to the territory's centre and back is taken off the rep's capacity and fair share, so a rep
    living far from their outlets gets less work.
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    hlat, hlon = np.asarray(home_lat, float), np.asarray(home_lon, float)
    workload = np.asarray(workload, float)
    capacity = np.asarray(capacity, float)
    n, nrep = len(lat), len(hlat)
    visits = np.ones(n) if visits is None else np.asarray(visits, float)
    locked = np.full(n, -1) if locked is None else np.asarray(locked, np.int64)
    current_arr = None if current is None else np.asarray(current, np.int64)
    if n == 0 or nrep == 0:
        return describe(np.full(n, -1), lat, lon, workload, capacity, visits, current_arr)

    minutes_per_km = circuity * 60.0 / speed_kmh
    home_min = _km(lat[:, None], lon[:, None], hlat[None, :], hlon[None, :]) * minutes_per_km
    total = workload.sum()
    works = capacity > 0

    def bounds(overhead):
        """Workload bounds so that work + overhead (the daily way to the territory) is each
        rep's share of the whole, by capacity, within the tolerance."""
        share = capacity / capacity.sum() if capacity.sum() > 0 else np.full(nrep, 1.0 / nrep)
        grand = min(total + overhead[works].sum(), capacity.sum())
        fair = share * grand
        upper = np.minimum(fair * (1 + tolerance), capacity) - overhead
        lower = np.where(works, fair * (1 - tolerance) - overhead, 0.0)
        return np.maximum(upper, 0.0), np.maximum(lower, 0.0)

    upper, lower = bounds(np.zeros(nrep))

    centre_min = home_min  # first pass: territories around home bases
    commute = np.zeros(nrep)
    assignment = np.where(locked >= 0, locked, -1)
    for it in range(max(1, iterations)):
        # Per visit: a commute share (home and back once a day, split over the day's stops) and
        # the distance to the territory centre.
        cost = visits[:, None] * (2.0 * home_min / max(stops_per_day, 1.0) + centre_min)
        cost[:, ~works] = np.inf
        if allowed is not None:
            cost[~np.asarray(allowed, bool)] = np.inf
        if nrep > nearest_reps:
            # only the nearest reps are candidates: keeps the LP at n × nearest_reps variables
            far = np.argsort(cost, axis=1, kind="stable")[:, nearest_reps:]
            np.put_along_axis(cost, far, np.inf, axis=1)
        new = _solve_lp(cost, workload, lower, upper, locked, visits)
        new = _repair(new, cost, workload, upper, locked)
        if it > 0 and np.array_equal(new, assignment):
            break
        assignment = new
        clat = np.empty(nrep)
        clon = np.empty(nrep)
        for r in range(nrep):
            m = assignment == r
            if m.any():
                clat[r] = np.average(lat[m], weights=visits[m])
                clon[r] = np.average(lon[m], weights=visits[m])
            else:
                clat[r], clon[r] = hlat[r], hlon[r]
        centre_min = _km(lat[:, None], lon[:, None], clat[None, :], clon[None, :]) * minutes_per_km
        if working_days is not None:
            commute = 2.0 * _km(hlat, hlon, clat, clon) * minutes_per_km
            upper, lower = bounds(np.minimum(np.asarray(working_days, float) * commute,
                                             0.75 * capacity))
    result = describe(assignment, lat, lon, workload, capacity, visits, current_arr)
    eff_capacity = capacity.copy()
    if working_days is not None:
        commute = np.where(result.workload_min > 0, commute, 0.0)
        overhead = np.asarray(working_days, float) * commute
        eff_capacity = np.maximum(capacity - overhead, 0.0)
        result = TerritoryResult(result.assignment, result.workload_min + overhead,
                                 result.capacity_min, result.compactness_km, result.changed)
    unassigned = int((assignment < 0).sum())
    if unassigned:
        reason = (f"no rep has working time left: the visits need about {total:.0f} min of "
                  f"service and travel over the horizon, the reps have {eff_capacity.sum():.0f} "
                  "min after their daily way to their territory")
        result = TerritoryResult(result.assignment, result.workload_min, result.capacity_min,
                                 result.compactness_km, result.changed, reason)
    log.info("territories: %d outlets, %d reps, balance %.2f, %d unassigned", n, nrep,
             result.balance, unassigned)
    return result


def _solve_lp(cost, workload, lower, upper, locked, visits) -> np.ndarray:
    """Round the LP relaxation of the generalized assignment problem; -1 = left out."""
    n, nrep = cost.shape
    free = np.flatnonzero(locked < 0)
    lock_load = np.zeros(nrep)
    np.add.at(lock_load, locked[locked >= 0], workload[locked >= 0])
    out = locked.copy()
    if len(free) == 0:
        return out
    c = cost[free]
    allowed = np.isfinite(c)
    rows, cols = np.nonzero(allowed)
    nv = len(rows)
    big = float(np.nanmax(np.where(allowed, c, np.nan))) * 10 + 1e6 if allowed.any() else 1e6
    # variables: x[i, r] for allowed pairs, then one "left out" variable per outlet
    # leaving an outlet out costs per visit: frequent outlets are the last to go
    obj = np.concatenate([c[rows, cols], big * np.maximum(visits[free], 1)])
    a_eq = sparse.csr_matrix((np.ones(nv + len(free)),
                              (np.concatenate([rows, np.arange(len(free))]),
                               np.arange(nv + len(free)))), shape=(len(free), nv + len(free)))
    w = workload[free][rows]
    a_cap = sparse.csr_matrix((w, (cols, np.arange(nv))), shape=(nrep, nv + len(free)))
    ub = np.maximum(upper - lock_load, 0.0)
    lb = np.maximum(lower - lock_load, 0.0)
    a_ub = sparse.vstack([a_cap, -a_cap]).tocsr()
    b_ub = np.concatenate([ub, -lb])
    res = linprog(obj, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.ones(len(free)),
                  bounds=(0, 1), method="highs")
    if res.status != 0:
        # Lower bounds can be unreachable (locks, huge outlets): drop them.
        res = linprog(obj, A_ub=a_cap, b_ub=ub, A_eq=a_eq, b_eq=np.ones(len(free)),
                      bounds=(0, 1), method="highs")
    if res.status != 0:
        log.warning("territory LP failed (%s); falling back to the cheapest rep", res.message)
        out[free] = np.where(np.isfinite(c).any(1), np.argmin(np.where(allowed, c, np.inf), 1), -1)
        return out
    x = np.zeros((len(free), nrep))
    x[rows, cols] = res.x[:nv]
    left = res.x[nv:]
    best = x.argmax(1)
    out[free] = np.where(left > x.max(1), -1, best)
    return out


def _repair(assignment, cost, workload, upper, locked) -> np.ndarray:
    """Move outlets out of reps above their upper bound, cheapest extra cost first."""
    a = assignment.copy()
    nrep = cost.shape[1]
    load = np.bincount(a[a >= 0], weights=workload[a >= 0], minlength=nrep)
    for _ in range(len(a)):
        over = np.flatnonzero(load > upper + 1e-6)
        if not len(over):
            break
        r = over[np.argmax(load[over] - upper[over])]
        members = np.flatnonzero((a == r) & (locked < 0))
        if not len(members):
            break
        room = upper - load
        best = None
        for i in members:
            fits = np.flatnonzero((room >= workload[i]) & np.isfinite(cost[i]))
            fits = fits[fits != r]
            delta = cost[i, fits] - cost[i, r] if len(fits) else np.array([])
            if len(fits):
                k = int(np.argmin(delta))
                if best is None or delta[k] < best[0]:
                    best = (delta[k], i, fits[k])
        if best is None:
            # nobody has room: leave the largest outlet of this rep out
            i = members[np.argmax(workload[members])]
            a[i] = -1
            load[r] -= workload[i]
            continue
        _, i, t = best
        a[i] = t
        load[r] -= workload[i]
        load[t] += workload[i]
    return a

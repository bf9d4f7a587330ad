"""The field planner: territories → visit calendar → daily routes, and re-optimisation.

``plan_field`` is the entry the pipeline, the command line and the GUI call. Two paths:

* a one-day horizon (and no locked territories): one joint vehicle-routing search over all reps
  working that day; the day's routes are the territories;
* otherwise: territories (:mod:`gis.routing.territories`), each rep's visit days
  (:mod:`gis.routing.calendar`), then every rep-day solved on its own
  (:func:`gis.routing.solver.solve_routes`). A visit that does not fit its day is moved to the
  rep's nearest other day with room (same week first); if none has room it is reported.

The search time ``params.time_limit_s`` is shared over the whole plan: each route gets the time
left divided by the routes left, and stops earlier once converged. The progress handle's cancel
flag stops the search; the plan found so far is returned (``plan.cancelled`` is True): routes not
optimised yet get a quick nearest-neighbour order with any visit that would break a window
listed as unscheduled.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

import numpy as np
import pandas as pd

from gis.progress import Progress, ensure
from gis.routing.adapter import per_visit_travel_min, prepare, reach_matrix
from gis.routing.calendar import assign_days
from gis.routing.params import RoutingParams
from gis.routing.plan import FieldPlan, PlanInputs, PlanState, Unscheduled, RouteKey
from gis.routing.solver import NO_LIMIT, solve_routes
from gis.routing.territories import assign_territories, describe

log = logging.getLogger(__name__)

JOINT_MAX_OUTLETS = 3000
OnBest = Callable[[str, int, list], None]

REASON_NO_FIT = "did not fit into rep {rep}'s working days (shift, break, opening hours{cap})"
REASON_CANCELLED = "planning was cancelled before this visit could be routed"
REASON_NO_TIME = ("did not fit its day with rep {rep}; the search time ran out before another day "
                  "was tried (raise time_limit_s)")


def plan_field(outlets: pd.DataFrame, reps: pd.DataFrame, visits: pd.Series,
               matrix: pd.DataFrame | None, params: RoutingParams,
               progress: Progress | None = None, on_best: OnBest | None = None) -> FieldPlan:
    """Plan territories, visit days and daily routes.

    ``visits``: outlet_id → visits within the horizon (final counts: an outlet's ``visits``
    column already overrides its tier's frequency upstream). ``matrix``: the user's travel
    matrix or None. ``on_best(rep_id, day, outlet_ids)`` is called whenever a route is
    (re)solved, so a map can redraw it.
    """
    progress = ensure(progress)
    t0 = time.perf_counter()
    deadline = t0 + params.time_limit_s
    inputs = prepare(outlets, reps, visits, matrix, params)
    progress.report(0.02, "field plan: inputs ready")
    if (inputs.n_days == 1 and (inputs.locked < 0).all() and inputs.n_outlets <= JOINT_MAX_OUTLETS):
        state, cancelled, territory = _plan_joint(inputs, deadline, progress, on_best)
        method = "joint"
    else:
        state, cancelled, territory = _plan_by_territory(inputs, deadline, progress, on_best)
        method = "territories"
    plan = FieldPlan(inputs, state, territory=territory, cancelled=cancelled, method=method)
    progress.report(1.0, "field plan ready")
    k = plan.kpis()
    log.info("field plan (%s) in %.1f s: %d visits, travel %.1f h, %d unscheduled, %d violations%s",
             method, time.perf_counter() - t0, k.visits, k.travel_s / 3600,
             k.unscheduled_visits, k.violations, " (cancelled)" if cancelled else "")
    return plan


# ---------------------------------------------------------------------- one rep-day
def solve_day(inputs: PlanInputs, r: int, day: int, stops, time_limit_s: float,
              progress: Progress | None = None, warm=None, seed: int = 0):
    """Solve one rep-day over outlet indices ``stops``; returns (ordered stops, dropped)."""
    stops = [int(s) for s in stops]
    if not stops:
        return [], []
    end_sep = bool(inputs.has_end[r])
    depots = [inputs.home_loc(r)] + ([inputs.end_loc(r)] if end_sep else [])
    off = len(depots)
    locs = np.asarray(depots + stops, np.int64)
    sec, met = inputs.travel.matrices(locs)
    win = np.zeros((len(locs), 2), np.int64)
    win[:, 1] = NO_LIMIT
    win[off:] = inputs.windows(stops)
    svc = np.zeros(len(locs), np.int64)
    svc[off:] = inputs.service_s[stops]
    dem = np.zeros(len(locs), np.int64)
    dem[off:] = inputs.demand[stops]
    vehicle = inputs.vehicle(r, 0, 1 if end_sep else None)
    pos = {s: off + k for k, s in enumerate(stops)}
    initial = None
    if warm:
        initial = [[pos[s] for s in warm if s in pos]]
    res = solve_routes(sec, met, win, svc, dem, [vehicle], clients=list(range(off, len(locs))),
                       objective="travel", time_limit_s=max(0.01, time_limit_s),
                       progress=progress, seed=seed, initial=initial, allow_drop=True,
                       patience=2000 + 40 * len(stops))
    route = [stops[c - off] for c in res.routes[0]]
    dropped = [stops[c - off] for c in res.unassigned]
    return route, dropped


def quick_day(inputs: PlanInputs, r: int, day: int, stops):
    """A nearest-neighbour order without search; visits that would break a window are dropped."""
    stops = [int(s) for s in stops]
    if not stops:
        return [], []
    order = []
    left = list(stops)
    cur = inputs.home_loc(r)
    while left:
        sec, _ = inputs.travel.between([cur], left)
        k = int(np.argmin(sec[0]))
        cur = left.pop(k)
        order.append(cur)
    dropped = []
    while inputs.excess_load(r, order):
        dropped.append(order.pop(int(np.argmax(inputs.demand[order]))))
    sch = inputs.schedule(r, day, order)
    while order and sch.violations:
        late = np.asarray(sch.late)
        k = int(np.argmax(late)) if late.any() else len(order) - 1
        dropped.append(order.pop(k))
        sch = inputs.schedule(r, day, order)
    return order, dropped


def _insert_somewhere(inputs: PlanInputs, routes: dict, locked, r: int, i: int, d0: int,
                      max_days: int = 12, max_positions: int = 4, cache: dict | None = None):
    """Insert visit ``i`` into rep ``r``'s nearest other day where it fits; returns the day.

    Days whose working time leaves no room for the visit are skipped; on the others the
    positions with the smallest detour are timed first."""
    cal = inputs.calendar
    days = [d for d in range(inputs.n_days)
            if d != d0 and inputs.works[r, d] and (r, d) not in locked
            and i not in routes.get((r, d), ())]
    days.sort(key=lambda d: (cal.week[d] != cal.week[d0] if d0 >= 0 else 0, abs(d - d0)))
    shift = int(inputs.shift_end_s[r] - inputs.shift_start_s[r])
    tried = 0
    for d in days:
        if tried >= max_days:
            break
        stops = list(routes.get((r, d), ()))
        key = (r, d, tuple(stops))
        cur = cache.get(key) if cache is not None else None
        if cur is None:
            cur = inputs.schedule(r, d, stops)
            if cache is not None:
                cache[key] = cur
        busy = cur.working_s + (int(inputs.break_s[r]) if cur.break_start is None else 0)
        path = np.asarray([inputs.home_loc(r), *stops, inputs.end_loc(r)], np.int64)
        to_i, _ = inputs.travel.between(path[:-1], [i])
        from_i, _ = inputs.travel.between([i], path[1:])
        detour = to_i[:, 0] + from_i[0] - np.asarray(cur.leg_s)
        if stops and busy + int(inputs.service_s[i]) + int(detour.min()) - cur.wait_total > shift:
            continue
        if inputs.excess_load(r, stops + [i]):
            continue
        tried += 1
        best = None
        for p in np.argsort(detour, kind="stable")[:max_positions]:
            cand = stops[:p] + [i] + stops[p:]
            sch = inputs.schedule(r, d, cand)
            if sch.violations == 0 and (best is None or sch.travel_s < best[0]):
                best = (sch.travel_s, cand)
        if best is not None:
            routes[(r, d)] = tuple(best[1])
            return d
    return None


def _no_fit_reason(inputs: PlanInputs, r: int) -> str:
    cap = ", van capacity" if inputs.capacity[r] >= 0 else ""
    return REASON_NO_FIT.format(rep=inputs.rep_ids[r], cap=cap)


class _Clock:
    def __init__(self, deadline: float, n_routes: int):
        self.deadline = deadline
        self.left = max(1, n_routes)

    def slice(self) -> float:
        s = max(0.0, self.deadline - time.perf_counter()) / self.left
        self.left = max(1, self.left - 1)
        return s


# ---------------------------------------------------------------------- joint (one day)
def _plan_joint(inputs: PlanInputs, deadline: float, progress: Progress, on_best):
    n, nrep = inputs.n_outlets, inputs.n_reps
    reps = [r for r in range(nrep) if inputs.works[r, 0]]
    routes: dict[RouteKey, tuple[int, ...]] = {}
    unscheduled: list[Unscheduled] = []
    if not reps or n == 0:
        for i in range(n):
            unscheduled.append(Unscheduled(i, int(inputs.visits[i]), "no rep works on the plan's day"))
        return _state(inputs, routes, unscheduled), False, None
    homes = [inputs.home_loc(r) for r in reps]
    ends = [inputs.end_loc(r) for r in reps if inputs.has_end[r]]
    depots = list(dict.fromkeys(homes + ends))
    dpos = {loc: k for k, loc in enumerate(depots)}
    off = len(depots)
    locs = np.asarray(depots + list(range(n)), np.int64)
    sec, met = inputs.travel.matrices(locs)
    win = np.zeros((len(locs), 2), np.int64)
    win[:, 1] = NO_LIMIT
    win[off:] = inputs.windows(np.arange(n))
    svc = np.zeros(len(locs), np.int64)
    svc[off:] = inputs.service_s
    dem = np.zeros(len(locs), np.int64)
    dem[off:] = inputs.demand
    vehicles = [inputs.vehicle(r, dpos[inputs.home_loc(r)], dpos[inputs.end_loc(r)]) for r in reps]

    def best_cb(rs):
        if on_best is not None:
            for r, route in zip(reps, rs):
                on_best(str(inputs.rep_ids[r]), 0, [str(inputs.outlet_ids[c - off]) for c in route])

    extra = inputs.visits > 1
    res = solve_routes(sec, met, win, svc, dem, vehicles, clients=list(range(off, len(locs))),
                       objective=inputs.params.objective,
                       time_limit_s=max(0.01, deadline - time.perf_counter()), progress=progress,
                       on_best=best_cb if on_best is not None else None,
                       seed=inputs.params.seed, allow_drop=True)
    for r, route in zip(reps, res.routes):
        routes[(r, 0)] = tuple(c - off for c in route)
        if on_best is not None:
            on_best(str(inputs.rep_ids[r]), 0, [str(inputs.outlet_ids[c - off]) for c in route])
    for c in res.unassigned:
        i = c - off
        cap = ", van capacity" if any(inputs.capacity[r] >= 0 for r in reps) else ""
        unscheduled.append(Unscheduled(i, int(inputs.visits[i]), "did not fit into any rep's day "
                                       f"(shift, break, opening hours{cap})"))
    for i in np.flatnonzero(extra):
        if any(i in v for v in routes.values()):
            unscheduled.append(Unscheduled(int(i), int(inputs.visits[i]) - 1,
                                           "more visits than working days in the horizon"))
    assignment = np.full(n, -1, np.int64)
    for (r, _), route in routes.items():
        assignment[list(route)] = r
    leg_min = per_visit_travel_min(inputs)
    day_min = (inputs.shift_end_s - inputs.shift_start_s - inputs.break_s) / 60.0
    territory = describe(assignment, inputs.lat, inputs.lon,
                         inputs.visits * (inputs.service_s / 60.0 + leg_min),
                         np.where(inputs.works[:, 0], day_min, 0.0), inputs.visits, inputs.current)
    return _state(inputs, routes, unscheduled), res.cancelled, territory


def _state(inputs, routes, unscheduled) -> PlanState:
    return PlanState(routes=routes, unscheduled=_merge(unscheduled))


# ---------------------------------------------------------------------- by territory
def _plan_by_territory(inputs: PlanInputs, deadline: float, progress: Progress, on_best):
    p = inputs.params
    n, nrep = inputs.n_outlets, inputs.n_reps
    unscheduled: list[Unscheduled] = []
    routes: dict[RouteKey, tuple[int, ...]] = {}
    if n == 0:
        return PlanState(routes=routes), False, None
    leg_min = per_visit_travel_min(inputs)
    load_min = inputs.service_s / 60.0 + leg_min
    workload = inputs.visits * load_min
    day_min = (inputs.shift_end_s - inputs.shift_start_s - inputs.break_s) / 60.0
    capacity = inputs.works.sum(axis=1) * day_min * 0.95
    allowed = reach_matrix(inputs)
    stops_per_day = max(1.0, inputs.visits.sum() / max(1, inputs.works.sum()))
    terr = assign_territories(inputs.lat, inputs.lon, workload, inputs.home_lat, inputs.home_lon,
                              capacity, visits=inputs.visits, speed_kmh=p.speed_kmh,
                              circuity=p.circuity, stops_per_day=stops_per_day,
                              tolerance=p.tolerance, locked=inputs.locked,
                              current=inputs.current, allowed=allowed,
                              working_days=inputs.works.sum(axis=1))
    progress.report(0.06, "field plan: territories ready")
    for i in np.flatnonzero(terr.assignment < 0):
        unscheduled.append(Unscheduled(int(i), int(inputs.visits[i]), terr.unassigned_reason
                                       or "no rep can serve this outlet"))

    # Visit days per rep.
    mpk = p.circuity * 60.0 / p.speed_kmh
    for r in range(nrep):
        mine = np.flatnonzero(terr.assignment == r)
        if not len(mine):
            continue
        da = assign_days(inputs.lat[mine], inputs.lon[mine], inputs.visits[mine], load_min[mine],
                         float(inputs.home_lat[r]), float(inputs.home_lon[r]), inputs.calendar,
                         inputs.works[r], np.full(inputs.n_days, day_min[r] * 0.95),
                         minutes_per_km=mpk, demand=inputs.demand[mine],
                         van_capacity=float(inputs.capacity[r]))
        for k, i in enumerate(mine):
            for d in da.days[k]:
                routes.setdefault((r, d), ())
                routes[(r, d)] = routes[(r, d)] + (int(i),)
            if da.missing[k]:
                unscheduled.append(Unscheduled(int(i), int(da.missing[k]), da.reasons[k]))
    progress.report(0.10, "field plan: visit calendar ready")

    keys = sorted(k for k, v in routes.items() if v)
    state, cancelled = _route_all(inputs, routes, keys, set(), deadline, progress, on_best,
                                  0.10, 1.0, unscheduled, warm=False)
    return state, cancelled, terr


def _route_all(inputs: PlanInputs, routes: dict, keys, locked, deadline, progress: Progress,
               on_best, f0: float, f1: float, unscheduled: list, warm: bool):
    """Solve the rep-days ``keys`` (their current stops), repair drops, return the new state."""
    routes = dict(routes)
    # A fifth of the time is kept for placing visits that did not fit their day.
    clock = _Clock(deadline - 0.2 * max(0.0, deadline - time.perf_counter()), len(keys))
    drops: list[tuple[int, int, int]] = []
    cancelled = False
    for k, (r, d) in enumerate(keys):
        stops = routes.get((r, d), ())
        if progress.cancelled():
            cancelled = True
        if cancelled:
            order, dropped = quick_day(inputs, r, d, stops)
            routes[(r, d)] = tuple(order)
            for i in dropped:
                unscheduled.append(Unscheduled(i, 1, REASON_CANCELLED))
            continue
        order, dropped = solve_day(inputs, r, d, stops, clock.slice(), progress,
                                   warm=list(stops) if warm else None, seed=inputs.params.seed)
        if progress.cancelled():
            cancelled = True
        routes[(r, d)] = tuple(order)
        drops += [(i, r, d) for i in dropped]
        if on_best is not None:
            on_best(str(inputs.rep_ids[r]), d, [str(inputs.outlet_ids[i]) for i in order])
        progress.report(f0 + (f1 - f0) * 0.9 * (k + 1) / max(1, len(keys)),
                        f"routes: {k + 1} of {len(keys)} rep-days")
    # Visits that did not fit their day: the rep's nearest other day with room.
    touched = set()
    cache: dict = {}
    for i, r, d in drops:
        if cancelled:
            unscheduled.append(Unscheduled(i, 1, REASON_CANCELLED))
            continue
        if time.perf_counter() > deadline:
            unscheduled.append(Unscheduled(i, 1, REASON_NO_TIME.format(rep=inputs.rep_ids[r])))
            continue
        nd = _insert_somewhere(inputs, routes, locked, r, i, d, cache=cache)
        if nd is None:
            unscheduled.append(Unscheduled(i, 1, _no_fit_reason(inputs, r)))
        else:
            touched.add((r, nd))
    # Re-optimise the days that took extra visits, with the time left.
    if touched and not cancelled:
        clock = _Clock(deadline, len(touched))
        for r, d in sorted(touched):
            if progress.cancelled() or deadline - time.perf_counter() <= 0.01:
                break
            before = routes[(r, d)]
            order, dropped = solve_day(inputs, r, d, before, clock.slice(), progress,
                                       warm=list(before), seed=inputs.params.seed)
            better = inputs.schedule(r, d, order).travel_s <= inputs.schedule(r, d, before).travel_s
            if not dropped and better:
                routes[(r, d)] = tuple(order)
                if on_best is not None:
                    on_best(str(inputs.rep_ids[r]), d, [str(inputs.outlet_ids[i]) for i in order])
    return PlanState(routes=routes, unscheduled=_merge(unscheduled)), cancelled


def _merge(items) -> tuple[Unscheduled, ...]:
    """One entry per outlet and reason, visits added up."""
    acc: dict[tuple[int, str], int] = {}
    for u in items:
        if u.visits_missing > 0:
            acc[(u.outlet, u.reason)] = acc.get((u.outlet, u.reason), 0) + u.visits_missing
    return tuple(Unscheduled(o, v, reason) for (o, reason), v in acc.items())


# ---------------------------------------------------------------------- re-optimisation
def reoptimise_state(plan: FieldPlan, mode: str, time_limit_s: float, progress, on_best):
    """The new state for :meth:`FieldPlan.reoptimise` and whether it was cancelled."""
    progress = ensure(progress)
    inputs = plan.inputs
    st = plan.state
    deadline = time.perf_counter() + time_limit_s
    routes = dict(st.routes)
    locked = {k for k in routes if plan.is_locked(*k)}
    locked |= {(r, d) for r in range(inputs.n_reps) for d in st.locked_days}
    unscheduled = list(st.unscheduled)
    if mode == "repair":
        keys = sorted(k for k in routes if k not in locked and routes[k]
                      and (k in st.dirty or plan.schedule(*k).violations
                           or inputs.excess_load(k[0], routes[k])))
        warm = True
    else:
        _recalendar(inputs, routes, locked)
        keys = sorted(k for k in routes if k not in locked and routes[k])
        warm = False
        # try the unscheduled visits again on their territory rep's free days
        still = []
        terr = plan.territory_table().set_index("outlet_id")["rep_id"] if routes else pd.Series(dtype=object)
        for u in unscheduled:
            oid = str(inputs.outlet_ids[u.outlet])
            if oid not in terr.index:
                still.append(u)
                continue
            r = inputs.rep_index(terr[oid])
            left = u.visits_missing
            for _ in range(u.visits_missing):
                if _insert_somewhere(inputs, routes, locked, r, u.outlet, -1, inputs.n_days) is None:
                    break
                left -= 1
            if left:
                still.append(Unscheduled(u.outlet, left, u.reason))
        unscheduled = still
    state, cancelled = _route_all(inputs, routes, keys, locked, deadline, progress, on_best,
                                  0.0, 1.0, unscheduled, warm=warm)
    dirty = frozenset(k for k in st.dirty if k in locked)
    return PlanState(state.routes, state.unscheduled, st.locked_routes, st.locked_days, dirty), cancelled


def _recalendar(inputs: PlanInputs, routes: dict, locked: set) -> None:
    """Re-plan the days of outlets whose visits all lie in unlocked routes (in place)."""
    p = inputs.params
    leg_min = per_visit_travel_min(inputs)
    load_min = inputs.service_s / 60.0 + leg_min
    day_min = (inputs.shift_end_s - inputs.shift_start_s - inputs.break_s) / 60.0
    for r in range(inputs.n_reps):
        free_days = np.array([inputs.works[r, d] and (r, d) not in locked for d in range(inputs.n_days)])
        counts: dict[int, int] = {}
        pinned = set()
        for (rr, d), stops in routes.items():
            for i in stops:
                if rr == r and (rr, d) not in locked:
                    counts[i] = counts.get(i, 0) + 1
                else:
                    pinned.add(i)
        movable = np.array(sorted(i for i in counts if i not in pinned), np.int64)
        if not len(movable) or not free_days.any():
            continue
        moving = set(movable.tolist())
        for d in range(inputs.n_days):
            if free_days[d] and (r, d) in routes:
                routes[(r, d)] = tuple(i for i in routes[(r, d)] if i not in moving)
        # Minutes already taken on each free day by the outlets that stay.
        base = np.zeros(inputs.n_days)
        for d in range(inputs.n_days):
            base[d] = sum(load_min[i] for i in routes.get((r, d), ()))
        cap = np.where(free_days, day_min[r] * 0.95 - base, 0.0)
        da = assign_days(inputs.lat[movable], inputs.lon[movable],
                         np.array([counts[i] for i in movable]), load_min[movable],
                         float(inputs.home_lat[r]), float(inputs.home_lon[r]), inputs.calendar,
                         free_days, cap, minutes_per_km=p.circuity * 60.0 / p.speed_kmh,
                         demand=inputs.demand[movable], van_capacity=float(inputs.capacity[r]))
        for k, i in enumerate(movable):
            for d in da.days[k]:
                routes[(r, d)] = routes.get((r, d), ()) + (int(i),)

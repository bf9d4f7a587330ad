"""Routes on plain arrays: integer travel matrices and per-location windows in, visit orders out.

:func:`solve_routes` is the one entry of the route search, used by the field planner and by the
tests and benchmarks on hand-written matrices (like spopt's ``from_cost_matrix``).

How a problem is solved:

* One vehicle that starts and ends at the same place with a symmetric matrix: the tour is first
  solved as a travelling-salesman problem (fast-tsp, a Lin–Kernighan style search that reaches
  the optimum of TSPLIB instances of this size within a fraction of a second). Travel ignoring
  opening hours is a lower bound, so when that tour (in either direction) also keeps every
  window, the break and the shift, it is optimal and the search ends there.
* Otherwise PyVRP's iterated local search, warm-started from that tour when there is one.
  PyVRP has no notion of a break; a vehicle's lunch break is modelled as a mutually exclusive
  group of optional "break visits", one at the location of every stop and at the start and end
  (zero travel to the stop it shares a place with), each with the break's duration and a window
  on its start. Exactly one of them is visited, so the rep rests where the route passes, before
  or after a visit; the break costs no travel. Groups cannot be tied to one vehicle, so with
  several vehicles the joint search runs without breaks on shifts shortened by the break, and a
  route whose break does not fit is then re-solved alone with its break group.
* Clients are required first; if no route plan keeps every window, the search continues with
  optional clients carrying a prize far above any detour, so as many as possible are visited.
  Whatever is left is returned in ``unassigned``; the returned routes keep every window (stops
  that still break one are removed, latest first) unless ``allow_drop`` is False.

Stopping is injected: a time limit, the progress handle's cancel flag and an optional patience
(iterations without improvement), combined. Cancelling returns the best routes found so far.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from gis.progress import Progress
from gis.routing.schedule import BreakSpec, Schedule, schedule_route

log = logging.getLogger(__name__)

NO_LIMIT = 10**9  # seconds: "no time limit" (about 31 years) for shifts and windows
_UINT16_MAX = 2**16 - 1


@dataclass(frozen=True)
class Vehicle:
    """A rep for one day: start and end locations (matrix indices), shift, van capacity, break."""

    start: int
    end: int | None = None
    shift_start: int = 0
    shift_end: int = NO_LIMIT
    capacity: int | None = None
    brk: BreakSpec | None = None

    def __post_init__(self):
        if self.shift_end < self.shift_start:
            raise ValueError("a vehicle's shift must end after it starts")
        if self.capacity is not None and self.capacity < 0:
            raise ValueError("capacity must be ≥ 0")

    @property
    def end_loc(self) -> int:
        return self.start if self.end is None else self.end

    @property
    def active_break(self) -> BreakSpec | None:
        b = self.brk
        if b is None or b.duration <= 0 or b.end <= self.shift_start or b.start >= self.shift_end:
            return None
        return b


@dataclass(frozen=True)
class RouteSolution:
    """Routes per vehicle (location indices in visiting order), their timing, what was left out."""

    routes: tuple[tuple[int, ...], ...]
    schedules: tuple[Schedule, ...]
    unassigned: tuple[int, ...]
    cancelled: bool = False
    method: str = ""
    runtime_s: float = 0.0

    @property
    def travel_s(self) -> int:
        return int(sum(s.travel_s for s in self.schedules))

    @property
    def travel_m(self) -> int:
        return int(sum(s.travel_m for s in self.schedules))

    @property
    def violations(self) -> int:
        return int(sum(s.violations for s in self.schedules))


class Stop:
    """Stopping criterion for PyVRP: time limit, cancel flag and patience, whichever comes first.

    ``give_up_s``: stop early if no feasible solution was found by then (the caller then switches
    to optional clients).
    """

    def __init__(self, time_limit_s: float, progress: Progress | None = None,
                 patience: int | None = None, give_up_s: float | None = None):
        self.deadline = time.perf_counter() + max(0.0, float(time_limit_s))
        self.progress = progress
        self.patience = patience
        self.give_up_at = None if give_up_s is None else time.perf_counter() + give_up_s
        self.feasible_seen = False
        self.cancelled = False
        self._best = None
        self._since = 0

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.perf_counter())

    def __call__(self, best_cost: int) -> bool:
        if self.progress is not None and self.progress.cancelled():
            self.cancelled = True
            return True
        now = time.perf_counter()
        if best_cost < 2**62:  # PyVRP reports infeasible solutions at the largest int64
            self.feasible_seen = True
        if now >= self.deadline:
            return True
        if self._best is None or best_cost < self._best:
            self._best, self._since = best_cost, 0
        else:
            self._since += 1
        if self.patience is not None and self._since >= self.patience:
            return True
        return (self.give_up_at is not None and not self.feasible_seen and now >= self.give_up_at)


def _check_inputs(duration, distance, windows, service, demand):
    duration = np.asarray(duration)
    if duration.ndim != 2 or duration.shape[0] != duration.shape[1]:
        raise ValueError("duration must be a square matrix")
    n = duration.shape[0]
    duration = np.rint(duration).astype(np.int64)
    distance = duration if distance is None else np.rint(np.asarray(distance)).astype(np.int64)
    if distance.shape != duration.shape:
        raise ValueError("distance must have the shape of duration")
    if (duration < 0).any() or (distance < 0).any():
        raise ValueError("travel times and distances must be ≥ 0")
    if windows is None:
        windows = np.tile(np.array([0, NO_LIMIT], np.int64), (n, 1))
    windows = np.rint(np.asarray(windows, dtype=float)).astype(np.int64)
    if windows.shape != (n, 2):
        raise ValueError("windows must have one [earliest, latest] service start per location")
    service = np.zeros(n) if service is None else np.asarray(service, float)
    demand = np.zeros(n) if demand is None else np.asarray(demand, float)
    service = np.rint(service).astype(np.int64)
    demand = np.rint(demand).astype(np.int64)
    if service.shape != (n,) or demand.shape != (n,):
        raise ValueError("service and demand need one value per location")
    return duration, distance, windows, service, demand


def evaluate(route: Sequence[int], vehicle: Vehicle, duration, distance, windows, service,
             break_leg: int | None = -1) -> Schedule:
    """Time one route of location indices for ``vehicle`` (see :mod:`gis.routing.schedule`)."""
    path = np.asarray([vehicle.start, *route, vehicle.end_loc], np.int64)
    r = np.asarray(route, np.int64)
    return schedule_route(route, duration[path[:-1], path[1:]], distance[path[:-1], path[1:]],
                          windows[r, 0] if len(r) else [], windows[r, 1] if len(r) else [],
                          service[r] if len(r) else [], vehicle.shift_start, vehicle.shift_end,
                          vehicle.active_break, break_leg)


def reachable(clients, vehicles: Sequence[Vehicle], duration, windows, service) -> np.ndarray:
    """Whether some vehicle can serve each client within its window and be back within its shift
    (a necessary condition; the break is ignored)."""
    clients = np.asarray(clients, np.int64)
    ok = np.zeros(len(clients), bool)
    for v in vehicles:
        arrive = v.shift_start + duration[v.start, clients]
        start = np.maximum(arrive, windows[clients, 0])
        back = start + service[clients] + duration[clients, v.end_loc]
        ok |= (start <= windows[clients, 1]) & (back <= v.shift_end)
    return ok


def solve_routes(duration, distance=None, windows=None, service=None, demand=None,
                 vehicles: Sequence[Vehicle] = (Vehicle(0),), clients=None, *,
                 objective: str = "travel", time_limit_s: float = 1.0,
                 progress: Progress | None = None,
                 on_best: Callable[[tuple[tuple[int, ...], ...]], None] | None = None,
                 seed: int = 0, initial: Sequence[Sequence[int]] | None = None,
                 allow_drop: bool = True, patience: int | None = None) -> RouteSolution:
    """Visit ``clients`` (location indices) with ``vehicles`` at least total travel time.

    ``duration``/``distance``: square integer matrices (seconds, metres) over all locations.
    ``windows[i] = [earliest, latest]`` start of service at location ``i`` (for opening hours
    [open, close] and service ``s`` pass [open, close − s]); ``service`` seconds; ``demand`` load
    units against ``Vehicle.capacity``. ``clients`` defaults to every location that is no
    vehicle's start or end. ``objective="balanced"`` also prices each vehicle's working time above
    an even share. ``initial`` warm-starts the search (one location list per vehicle).
    ``on_best`` receives the routes each time the search finds a better plan.
    """
    t0 = time.perf_counter()
    duration, distance, windows, service, demand = _check_inputs(
        duration, distance, windows, service, demand)
    vehicles = list(vehicles)
    if not vehicles:
        raise ValueError("at least one vehicle is needed")
    depots = {v.start for v in vehicles} | {v.end_loc for v in vehicles}
    if clients is None:
        clients = [i for i in range(duration.shape[0]) if i not in depots]
    clients = [int(c) for c in clients]
    if len(set(clients)) != len(clients):
        raise ValueError("each client location may be visited once")
    stop = Stop(time_limit_s, progress, patience)

    # Clients no vehicle can serve (window shorter than the service, too far for the shift).
    if clients:
        ok = (windows[clients, 1] >= windows[clients, 0]) & reachable(
            clients, vehicles, duration, windows, service)
    else:
        ok = np.zeros(0, bool)
    dropped = [c for c, good in zip(clients, ok) if not good]
    clients = [c for c, good in zip(clients, ok) if good]
    cap = [v.capacity for v in vehicles]
    use_load = any(c is not None for c in cap) and bool(demand[clients].any()) if clients else False

    def finish(routes, method):
        sol = _finalise(routes, vehicles, duration, distance, windows, service, dropped, clients,
                        allow_drop, demand if use_load else None)
        return RouteSolution(sol[0], sol[1], sol[2], stop.cancelled, method,
                             time.perf_counter() - t0)

    if not clients:
        return finish([[] for _ in vehicles], "empty")

    warm = None
    if initial is not None:
        warm = [[int(c) for c in r if int(c) in set(clients)] for r in initial]
        if len(warm) != len(vehicles):
            raise ValueError("initial needs one route per vehicle")

    # A single closed tour: the TSP relaxation first.
    v = vehicles[0]
    if (len(vehicles) == 1 and v.start == v.end_loc and not stop.cancelled
            and (not use_load or v.capacity is None or demand[clients].sum() <= v.capacity)):
        ix = np.asarray([v.start, *clients], np.int64)
        sub = duration[np.ix_(ix, ix)]
        if np.array_equal(sub, sub.T):
            budget = min(stop.remaining(), 0.005 if len(ix) <= 30 else 0.0015 * len(ix))
            if (windows[clients, 1] < NO_LIMIT // 2).any() or v.active_break is not None:
                budget = min(budget, 0.2 * stop.remaining())  # likely only a warm start
            tour = _tsp_tour(sub, budget)
            best = None
            for order in (tour, tour[::-1]):
                route = [int(ix[k]) for k in order if k != 0]
                sch = evaluate(route, v, duration, distance, windows, service)
                key = (sch.violations, sch.travel_s, sch.back)
                if best is None or key < best[0]:
                    best = (key, route)
            if best[0][0] == 0:
                if on_best is not None:
                    on_best((tuple(best[1]),))
                return finish([best[1]], "tsp")
            if warm is None or not any(warm):
                warm = [best[1]]

    routes, method = _search(duration, windows, service, demand if use_load else None, vehicles,
                             clients, objective, stop, on_best, seed, warm, allow_drop)
    return finish(routes, method)


def _tsp_tour(sub: np.ndarray, budget_s: float) -> list[int]:
    """A closed tour from node 0 (fast-tsp). fast-tsp solves up to 20 nodes exactly, which takes
    10 ms to a third of a second at 13–20 nodes; those are padded with copies of node 0 (zero
    distance to it, same distances to the rest) so its heuristic, which finds the same tours in
    milliseconds, is used instead."""
    n = sub.shape[0]
    if n <= 3:
        return list(range(n))
    import fast_tsp

    mat = sub
    top = int(mat.max())
    if top > _UINT16_MAX:
        mat = np.rint(mat * (_UINT16_MAX / top)).astype(np.int64)
    if 13 <= n <= 20:
        pad = 21 - n
        idx = np.concatenate([np.arange(n), np.zeros(pad, np.int64)])
        mat = mat[np.ix_(idx, idx)]
    tour = [t for t in fast_tsp.find_tour(mat, duration_seconds=max(budget_s, 0.005)) if t < n]
    k = tour.index(0)
    return list(tour[k:]) + list(tour[:k])


class _Callbacks:
    """Forwards PyVRP's new-best events as routes of location indices."""

    def __init__(self, decode, on_best, stop: Stop):
        from pyvrp import IteratedLocalSearchCallbacks

        class CB(IteratedLocalSearchCallbacks):
            def on_best(cb_self, best):
                if on_best is not None and best.is_feasible():
                    on_best(tuple(tuple(r) for r in decode(best)))

        self.cb = CB()


def _search(duration, windows, service, demand, vehicles, clients, objective, stop: Stop,
            on_best, seed, warm, allow_drop):
    """PyVRP search; returns routes per vehicle (location indices) and the method used."""
    breaks = [v.active_break for v in vehicles]
    if len(vehicles) == 1 or all(b is None for b in breaks):
        routes, feasible = _pyvrp(duration, windows, service, demand, vehicles, clients,
                                  objective, stop, on_best, seed, warm, required=True,
                                  with_breaks=True, give_up=allow_drop)
        method = "pyvrp"
        if not feasible and allow_drop and not stop.cancelled and stop.remaining() > 0:
            routes, _ = _pyvrp(duration, windows, service, demand, vehicles, clients, objective,
                               stop, on_best, seed, routes, required=False, with_breaks=True)
            method = "pyvrp+drop"
        return routes, method
    # Several vehicles with breaks: joint search on shifts shortened by the break, then each
    # route whose break does not fit is re-solved alone with its break group.
    short = [Vehicle(v.start, v.end, v.shift_start,
                     v.shift_end - (v.active_break.duration if v.active_break else 0),
                     v.capacity, None) for v in vehicles]
    routes, feasible = _pyvrp(duration, windows, service, demand, short, clients, objective,
                              stop, on_best, seed, warm, required=True, with_breaks=False,
                              give_up=allow_drop, share=0.8)
    if not feasible and allow_drop and not stop.cancelled:
        routes, _ = _pyvrp(duration, windows, service, demand, short, clients, objective, stop,
                           on_best, seed, routes, required=False, with_breaks=False, share=0.8)
    out = []
    for v, r in zip(vehicles, routes):
        if r and evaluate(r, v, duration, duration, windows, service).violations:
            sub_stop = Stop(max(0.05, stop.remaining() / 2), stop.progress, patience=2000)
            rr, ok = _pyvrp(duration, windows, service, demand, [v], list(r), objective,
                            sub_stop, None, seed, [r], required=True, with_breaks=True,
                            give_up=allow_drop)
            if not ok and allow_drop:
                rr, _ = _pyvrp(duration, windows, service, demand, [v], list(r), objective,
                               Stop(max(0.05, stop.remaining() / 2), stop.progress, 2000),
                               None, seed, rr, required=False, with_breaks=True)
            r = rr[0]
        out.append(list(r))
    return out, "pyvrp+breaks"


def _pyvrp(duration, windows, service, demand, vehicles, clients, objective, stop: Stop, on_best,
           seed, warm, *, required: bool, with_breaks: bool, give_up: bool = False,
           share: float = 1.0):
    """One PyVRP run. Returns (routes per vehicle as location lists, feasible and complete)."""
    from pyvrp import (Client, ClientGroup, Depot, IteratedLocalSearchParams, Location,
                       ProblemData, Route, Solution, SolveParams, VehicleType)
    from pyvrp import solve as pyvrp_solve
    from pyvrp.exceptions import PenaltyBoundWarning

    depot_locs = sorted({v.start for v in vehicles} | {v.end_loc for v in vehicles})
    dpos = {loc: k for k, loc in enumerate(depot_locs)}
    ix = np.asarray(depot_locs + list(clients), np.int64)
    nd, nc = len(depot_locs), len(clients)
    sub = np.ascontiguousarray(duration[np.ix_(ix, ix)])
    use_load = demand is not None
    total_demand = int(demand[clients].sum()) if use_load else 0
    prize = int(4 * sub.max() + service[clients].max() + 1000) if nc else 0

    locations = [Location(0.0, 0.0) for _ in range(nd + nc)]
    depots = [Depot(location=k) for k in range(nd)]
    pclients = []
    for j, c in enumerate(clients):
        pclients.append(Client(
            location=nd + j, delivery=[int(demand[c])] if use_load else [],
            service_duration=int(service[c]), tw_early=int(windows[c, 0]),
            tw_late=int(max(windows[c, 0], windows[c, 1])), required=required,
            prize=0 if required else prize))
    groups = []
    brk = vehicles[0].active_break if (with_breaks and len(vehicles) == 1) else None
    if brk is not None:
        v = vehicles[0]
        where = sorted({dpos[v.start], dpos[v.end_loc]}) + [nd + j for j in range(nc)]
        first_break = len(pclients)
        for loc in where:
            pclients.append(Client(location=loc, delivery=[0] if use_load else [],
                                   service_duration=brk.duration, tw_early=brk.start,
                                   tw_late=brk.latest_start, required=False, group=0))
        groups = [ClientGroup(list(range(first_break, len(pclients))), required=True)]

    # Identical vehicles share one vehicle type; routes are handed back in vehicle order.
    type_of: dict[tuple, int] = {}
    members: list[list[int]] = []
    for i, v in enumerate(vehicles):
        key = (v.start, v.end_loc, v.shift_start, v.shift_end, v.capacity)
        if key not in type_of:
            type_of[key] = len(members)
            members.append([])
        members[type_of[key]].append(i)
    target = None
    if objective == "balanced" and len(vehicles) > 1:
        lb_travel = np.where(np.eye(len(ix), dtype=bool), np.iinfo(np.int64).max, sub).min(0)[nd:].sum()
        target = int((service[clients].sum() + lb_travel) / len(vehicles) * 1.05) + 1
    vtypes = []
    for idxs in members:
        v = vehicles[idxs[0]]
        shift_len = int(v.shift_end - v.shift_start)
        kw = {}
        if target is not None and target < shift_len:
            kw = dict(shift_duration=target, max_overtime=shift_len - target, unit_overtime_cost=10)
        vtypes.append(VehicleType(
            num_available=len(idxs),
            capacity=[int(v.capacity) if v.capacity is not None else total_demand] if use_load else [],
            start_depot=dpos[v.start], end_depot=dpos[v.end_loc], tw_early=int(v.shift_start),
            tw_late=int(v.shift_end), unit_distance_cost=1, **kw))
    data = ProblemData(locations, pclients, depots, vtypes, [sub], [sub], groups=groups)
    cpos = {c: j for j, c in enumerate(clients)}

    def decode(sol) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in vehicles]
        used = [0] * len(members)
        for route in sol.routes():
            t = route.vehicle_type()
            vi = members[t][used[t]]
            used[t] += 1
            out[vi] = [int(clients[a.idx]) for a in route if a.is_client() and a.idx < nc]
        return out

    init = None
    if warm is not None and any(len(r) for r in warm):
        proutes = []
        taken = [0] * len(members)
        for vi, r in enumerate(warm):
            r = [cpos[c] for c in r if c in cpos]
            if not r:
                continue
            t = next(k for k, m in enumerate(members) if vi in m)
            taken[t] += 1
            if brk is not None:
                r = r + [first_break]  # the break at home first; the search moves it
            proutes.append(Route(data, r, t))
        try:
            init = Solution(data, proutes)
        except (ValueError, RuntimeError) as exc:  # an inconsistent warm start is not fatal
            log.debug("warm start ignored: %s", exc)
            init = None

    cb = _Callbacks(decode, on_best, stop)
    stop.feasible_seen = False
    if give_up:
        stop.give_up_at = time.perf_counter() + 0.5 * stop.remaining() * share
    else:
        stop.give_up_at = None
    deadline = stop.deadline
    if share < 1.0:
        stop.deadline = time.perf_counter() + stop.remaining() * share
    params = SolveParams(ils=IteratedLocalSearchParams(callbacks=cb.cb))
    with warnings.catch_warnings():
        # PyVRP warns when it struggles to reach feasibility; infeasible days are handled here.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        res = pyvrp_solve(data, stop, seed=seed, collect_stats=False, display=False,
                          params=params, initial_solution=init)
    stop.deadline = deadline
    best = res.best
    return decode(best), bool(best.is_feasible() and best.is_complete())


def _finalise(routes, vehicles, duration, distance, windows, service, dropped, clients,
              allow_drop, demand):
    """Time each route; with ``allow_drop`` remove stops until every route keeps its windows,
    break, shift and capacity. Returns (routes, schedules, unassigned)."""
    routes = [list(r) for r in routes]
    unassigned = list(dropped)
    schedules = []
    for v, r in zip(vehicles, routes):
        sch = evaluate(r, v, duration, distance, windows, service)
        if allow_drop:
            while r and demand is not None and v.capacity is not None and demand[r].sum() > v.capacity:
                k = int(np.argmax(demand[r]))
                unassigned.append(r.pop(k))
                sch = evaluate(r, v, duration, distance, windows, service)
            while r and sch.violations:
                late = np.asarray(sch.late)
                k = int(np.argmax(late)) if late.any() else len(r) - 1
                unassigned.append(r.pop(k))
                sch = evaluate(r, v, duration, distance, windows, service)
        schedules.append(sch)
    served = {c for r in routes for c in r}
    unassigned += [c for c in clients if c not in served and c not in unassigned]
    return (tuple(tuple(r) for r in routes), tuple(schedules),
            tuple(sorted(set(unassigned), key=unassigned.index)))

"""The field plan: who visits which outlet on which day in which order, its KPIs, and edits.

:class:`PlanInputs` holds the problem as arrays (built by :mod:`gis.routing.adapter`);
:class:`FieldPlan` holds the current routes on top of it. A plan's state is an immutable
snapshot (:class:`PlanState`); every edit makes a new snapshot and pushes the old one on the undo
stack, so undo/redo is exact and cheap. KPIs are computed from the routes on demand (timings are
cached per route), so they update at once after an edit.

Rep and outlet arguments of the edit methods are ids (``rep_id``, ``outlet_id``); days are
indices into the plan's calendar (0 = the first working day).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gis.errors import AnalysisError
from gis.routing.calendar import WorkCalendar
from gis.routing.params import RoutingParams
from gis.routing.schedule import BreakSpec, Schedule, schedule_route
from gis.routing.solver import Vehicle
from gis.routing.travel import TravelModel

log = logging.getLogger(__name__)

RouteKey = tuple[int, int]  # (rep index, day index)


@dataclass(frozen=True, eq=False)
class PlanInputs:
    """The planning problem as arrays (seconds, integer ids by position).

    Locations for the travel model: outlet ``i`` is ``i``, rep ``r``'s home ``n + r`` and its end
    point ``n + R + r`` (the home again when it has none).
    """

    params: RoutingParams
    calendar: WorkCalendar
    outlet_ids: np.ndarray          # str, the outlets that need visits
    outlet_names: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    open_s: np.ndarray              # int
    close_s: np.ndarray
    service_s: np.ndarray
    demand: np.ndarray              # int
    visits: np.ndarray              # int visits within the horizon
    rep_ids: np.ndarray
    rep_names: np.ndarray
    home_lat: np.ndarray
    home_lon: np.ndarray
    end_lat: np.ndarray
    end_lon: np.ndarray
    has_end: np.ndarray             # bool: a separate end point
    shift_start_s: np.ndarray
    shift_end_s: np.ndarray
    capacity: np.ndarray            # int, -1 = no van capacity
    break_start_s: np.ndarray       # -1 = no break
    break_end_s: np.ndarray
    break_s: np.ndarray
    works: np.ndarray               # bool (rep, day)
    travel: TravelModel
    current: np.ndarray             # rep index per outlet or -1
    locked: np.ndarray              # rep index per outlet or -1
    issues: tuple[tuple[str, int, str], ...] = ()  # (outlet_id, visits, reason) found up front

    def __post_init__(self):
        object.__setattr__(self, "_outlet_pos", {str(x): k for k, x in enumerate(self.outlet_ids)})
        object.__setattr__(self, "_rep_pos", {str(x): k for k, x in enumerate(self.rep_ids)})

    @property
    def n_outlets(self) -> int:
        return len(self.outlet_ids)

    @property
    def n_reps(self) -> int:
        return len(self.rep_ids)

    @property
    def n_days(self) -> int:
        return len(self.calendar)

    def home_loc(self, r: int) -> int:
        return self.n_outlets + r

    def end_loc(self, r: int) -> int:
        return self.n_outlets + self.n_reps + r if self.has_end[r] else self.n_outlets + r

    def windows(self, idx) -> np.ndarray:
        """[earliest, latest] start of service per outlet (the visit ends by closing)."""
        idx = np.asarray(idx, np.int64)
        return np.stack([self.open_s[idx], self.close_s[idx] - self.service_s[idx]], axis=1)

    def brk(self, r: int) -> BreakSpec | None:
        if self.break_s[r] <= 0 or self.break_start_s[r] < 0:
            return None
        return BreakSpec(int(self.break_start_s[r]), int(self.break_end_s[r]), int(self.break_s[r]))

    def vehicle(self, r: int, start: int = 0, end: int | None = None) -> Vehicle:
        """Rep ``r`` as a solver vehicle with the given local start/end indices."""
        cap = int(self.capacity[r])
        return Vehicle(start, end, int(self.shift_start_s[r]), int(self.shift_end_s[r]),
                       cap if cap >= 0 else None, self.brk(r))

    def rep_index(self, rep_id) -> int:
        k = self._rep_pos.get(str(rep_id))
        if k is None:
            raise AnalysisError(f"there is no rep '{rep_id}' in the plan")
        return k

    def outlet_index(self, outlet_id) -> int:
        k = self._outlet_pos.get(str(outlet_id))
        if k is None:
            raise AnalysisError(f"outlet '{outlet_id}' is not in the plan (it needs no visits)")
        return k

    def excess_load(self, r: int, stops) -> int:
        """Load above rep ``r``'s van capacity on a route through ``stops`` (0 = fits)."""
        if self.capacity[r] < 0 or not len(stops):
            return 0
        return max(0, int(self.demand[list(stops)].sum()) - int(self.capacity[r]))

    def schedule(self, r: int, day: int, stops) -> Schedule:
        """Time rep ``r``'s route through ``stops`` (outlet indices)."""
        stops = [int(s) for s in stops]
        path = [self.home_loc(r), *stops, self.end_loc(r)]
        leg_s, leg_m = self.travel.legs(path)
        w = self.windows(stops) if stops else np.zeros((0, 2), np.int64)
        return schedule_route(stops, leg_s, leg_m, w[:, 0], w[:, 1],
                              self.service_s[stops] if stops else [],
                              int(self.shift_start_s[r]), int(self.shift_end_s[r]), self.brk(r))


@dataclass(frozen=True)
class Unscheduled:
    outlet: int
    visits_missing: int
    reason: str


@dataclass(frozen=True)
class PlanState:
    """One snapshot of a plan. ``routes`` maps (rep, day) to outlet indices in visiting order;
    treat it as read-only (edits build a new dict)."""

    routes: Mapping[RouteKey, tuple[int, ...]]
    unscheduled: tuple[Unscheduled, ...] = ()
    locked_routes: frozenset = frozenset()
    locked_days: frozenset = frozenset()
    dirty: frozenset = frozenset()   # routes changed by hand since the last optimisation


@dataclass(frozen=True)
class PlanKPIs:
    """Headline figures of a plan (seconds and metres) and a per-rep table."""

    travel_s: int
    travel_m: int
    visits: int
    working_s: int
    service_s: int
    wait_s: int
    window_violations: int
    capacity_violations: int         # routes loading more than the rep's van holds
    violations: int                  # windows + late breaks + overtime + capacity
    unscheduled_visits: int
    routes: int
    reps_used: int
    workload_balance: float          # max / min working time of reps with work
    per_rep: pd.DataFrame = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "travel_s", "travel_m", "visits", "working_s", "service_s", "wait_s",
            "window_violations", "capacity_violations", "violations", "unscheduled_visits",
            "routes", "reps_used", "workload_balance")}


class FieldPlan:
    """A field plan with edits, locks, undo/redo and re-optimisation."""

    def __init__(self, inputs: PlanInputs, state: PlanState, *, territory=None,
                 cancelled: bool = False, method: str = ""):
        self.inputs = inputs
        self._state = state
        self._undo: list[PlanState] = []
        self._redo: list[PlanState] = []
        self._cache: dict[tuple, Schedule] = {}
        self.territory = territory
        self.cancelled = cancelled
        self.method = method

    # ------------------------------------------------------------------ reading
    @property
    def state(self) -> PlanState:
        return self._state

    @property
    def routes(self) -> Mapping[RouteKey, tuple[int, ...]]:
        return self._state.routes

    def route(self, rep_id, day: int) -> list[str]:
        """Outlet ids of one rep-day in visiting order."""
        r = self.inputs.rep_index(rep_id)
        return [str(self.inputs.outlet_ids[i]) for i in self._state.routes.get((r, int(day)), ())]

    def schedule(self, r: int, day: int) -> Schedule:
        stops = self._state.routes.get((r, day), ())
        key = (r, day, stops)
        sch = self._cache.get(key)
        if sch is None:
            if len(self._cache) > 20000:
                self._cache.clear()
            sch = self.inputs.schedule(r, day, stops)
            self._cache[key] = sch
        return sch

    def schedules(self):
        """(rep, day, schedule) of every non-empty route, by rep then day."""
        for (r, d) in sorted(k for k, v in self._state.routes.items() if v):
            yield r, d, self.schedule(r, d)

    def kpis(self) -> PlanKPIs:
        inp = self.inputs
        rows = []
        tot = dict(travel_s=0, travel_m=0, visits=0, working_s=0, service_s=0, wait_s=0,
                   window_violations=0, capacity_violations=0, violations=0, routes=0)
        per = {r: dict(visits=0, travel_s=0, travel_m=0, working_s=0, service_s=0, days=0,
                       violations=0) for r in range(inp.n_reps)}
        for r, d, s in self.schedules():
            svc = int(inp.service_s[list(s.stops)].sum())
            p = per[r]
            p["visits"] += len(s.stops)
            p["travel_s"] += s.travel_s
            p["travel_m"] += s.travel_m
            p["working_s"] += s.working_s
            p["service_s"] += svc
            p["days"] += 1
            over = int(inp.excess_load(r, s.stops) > 0)
            p["violations"] += s.violations + over
            tot["capacity_violations"] += over
            tot["violations"] += over
            tot["travel_s"] += s.travel_s
            tot["travel_m"] += s.travel_m
            tot["visits"] += len(s.stops)
            tot["working_s"] += s.working_s
            tot["service_s"] += svc
            tot["wait_s"] += int(sum(s.wait))
            tot["window_violations"] += s.window_violations
            tot["violations"] += s.violations
            tot["routes"] += 1
        for r in range(inp.n_reps):
            rows.append({"rep_id": str(inp.rep_ids[r]), **per[r]})
        table = pd.DataFrame(rows, columns=["rep_id", "visits", "travel_s", "travel_m",
                                            "working_s", "service_s", "days", "violations"])
        work = table["working_s"].to_numpy(float)
        work = work[work > 0]
        balance = float(work.max() / work.min()) if len(work) else 1.0
        missing = sum(u.visits_missing for u in self._state.unscheduled)
        missing += sum(v for _, v, _ in self.inputs.issues)
        return PlanKPIs(**tot, unscheduled_visits=int(missing),
                        reps_used=int((table["visits"] > 0).sum()), workload_balance=balance,
                        per_rep=table)

    def unscheduled_table(self) -> pd.DataFrame:
        """outlet_id, visits_missing, reason: visits found impossible up front, then those the
        planning could not place."""
        ids = self.inputs.outlet_ids
        rows = [(str(o), int(v), str(reason)) for o, v, reason in self.inputs.issues]
        rows += [(str(ids[u.outlet]), int(u.visits_missing), u.reason)
                 for u in self._state.unscheduled]
        return pd.DataFrame(rows, columns=["outlet_id", "visits_missing", "reason"])

    def routes_table(self) -> pd.DataFrame:
        """One row per visit: rep_id, day (1-based), date, seq (1-based), outlet_id, name,
        lat, lon, arrival/start/departure (seconds since midnight), wait_s, travel_s, travel_m
        (the leg into the stop), break_before (the lunch break is taken on the way to it)."""
        inp = self.inputs
        cols = ["rep_id", "day", "date", "seq", "outlet_id", "name", "lat", "lon", "arrival",
                "start", "departure", "wait_s", "travel_s", "travel_m", "break_before"]
        rows = []
        for r, d, s in self.schedules():
            for k, i in enumerate(s.stops):
                rows.append((str(inp.rep_ids[r]), d + 1, inp.calendar.dates[d].isoformat(), k + 1,
                             str(inp.outlet_ids[i]), str(inp.outlet_names[i]), float(inp.lat[i]),
                             float(inp.lon[i]), s.arrival[k], s.start[k], s.departure[k], s.wait[k],
                             s.leg_s[k], s.leg_m[k], s.break_leg == k))
        return pd.DataFrame(rows, columns=cols)

    def rep_summary(self) -> pd.DataFrame:
        """One row per rep-day: visits, travel, distance, working time, leave/back, break."""
        inp = self.inputs
        rows = []
        for r, d, s in self.schedules():
            rows.append((str(inp.rep_ids[r]), d + 1, inp.calendar.dates[d].isoformat(),
                         len(s.stops), s.travel_s, s.travel_m,
                         int(inp.service_s[list(s.stops)].sum()), int(sum(s.wait)), s.working_s,
                         s.leave, s.back, s.break_start, s.violations))
        return pd.DataFrame(rows, columns=["rep_id", "day", "date", "visits", "travel_s",
                                           "travel_m", "service_s", "wait_s", "working_s",
                                           "leave", "back", "break_start", "violations"])

    def territory_table(self) -> pd.DataFrame:
        """outlet_id → rep_id that makes most of its visits (after edits too)."""
        inp = self.inputs
        counts: dict[int, dict[int, int]] = {}
        for (r, _), stops in self._state.routes.items():
            for i in stops:
                counts.setdefault(i, {}).setdefault(r, 0)
                counts[i][r] += 1
        ids = sorted(counts)
        return pd.DataFrame({
            "outlet_id": [str(inp.outlet_ids[i]) for i in ids],
            "rep_id": [str(inp.rep_ids[max(counts[i], key=counts[i].get)]) for i in ids],
        })

    def visit_days(self, outlet_id) -> list[tuple[str, int]]:
        i = self.inputs.outlet_index(outlet_id)
        return sorted((str(self.inputs.rep_ids[r]), d)
                      for (r, d), stops in self._state.routes.items() if i in stops)

    # ------------------------------------------------------------------ edits
    def _commit(self, state: PlanState) -> None:
        self._undo.append(self._state)
        self._redo.clear()
        self._state = state

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._state)
        self._state = self._undo.pop()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._state)
        self._state = self._redo.pop()
        return True

    def is_locked(self, r: int, day: int) -> bool:
        return (r, day) in self._state.locked_routes or day in self._state.locked_days

    def _check_editable(self, r: int, day: int) -> None:
        if not 0 <= day < self.inputs.n_days:
            raise AnalysisError(f"day {day} is outside the plan's {self.inputs.n_days} working days")
        if self.is_locked(r, day):
            raise AnalysisError(f"the route of rep '{self.inputs.rep_ids[r]}' on day {day + 1} "
                                "is locked; unlock it first")

    def move_visit(self, outlet_id, from_rep, from_day: int, to_rep, to_day: int,
                   position: int | None = None) -> None:
        """Move one visit to another day and/or rep (at ``position``, default: the cheapest)."""
        i = self.inputs.outlet_index(outlet_id)
        r1, r2 = self.inputs.rep_index(from_rep), self.inputs.rep_index(to_rep)
        self._check_editable(r1, from_day)
        self._check_editable(r2, to_day)
        routes = dict(self._state.routes)
        src = list(routes.get((r1, from_day), ()))
        if i not in src:
            raise AnalysisError(f"outlet '{outlet_id}' is not visited by rep '{from_rep}' "
                                f"on day {from_day + 1}")
        src.remove(i)
        routes[(r1, from_day)] = tuple(src)
        dst = list(routes.get((r2, to_day), ()))
        if i in dst:
            raise AnalysisError(f"outlet '{outlet_id}' is already visited by rep '{to_rep}' "
                                f"on day {to_day + 1}")
        if position is None:
            position = self._best_position(r2, to_day, dst, i)
        dst.insert(int(position), i)
        routes[(r2, to_day)] = tuple(dst)
        self._commit(replace(self._state, routes=routes,
                             dirty=self._state.dirty | {(r1, from_day), (r2, to_day)}))

    def reorder(self, rep_id, day: int, outlet_ids) -> None:
        """Set the visiting order of one rep-day (the same outlets, in a new order)."""
        r = self.inputs.rep_index(rep_id)
        self._check_editable(r, day)
        new = tuple(self.inputs.outlet_index(o) for o in outlet_ids)
        old = self._state.routes.get((r, day), ())
        if sorted(new) != sorted(old):
            raise AnalysisError("a new order must hold exactly the outlets of the route")
        routes = dict(self._state.routes)
        routes[(r, day)] = new
        self._commit(replace(self._state, routes=routes, dirty=self._state.dirty | {(r, day)}))

    def remove_visit(self, outlet_id, rep_id, day: int, reason: str = "removed by hand") -> None:
        """Take a visit out of the plan; it is listed as unscheduled."""
        i = self.inputs.outlet_index(outlet_id)
        r = self.inputs.rep_index(rep_id)
        self._check_editable(r, day)
        stops = list(self._state.routes.get((r, day), ()))
        if i not in stops:
            raise AnalysisError(f"outlet '{outlet_id}' is not visited by rep '{rep_id}' on day {day + 1}")
        stops.remove(i)
        routes = dict(self._state.routes)
        routes[(r, day)] = tuple(stops)
        uns = _add_unscheduled(self._state.unscheduled, i, 1, reason)
        self._commit(replace(self._state, routes=routes, unscheduled=uns,
                             dirty=self._state.dirty | {(r, day)}))

    def add_visit(self, outlet_id, rep_id, day: int, position: int | None = None) -> None:
        """Schedule one more visit of an outlet (e.g. one listed as unscheduled)."""
        i = self.inputs.outlet_index(outlet_id)
        r = self.inputs.rep_index(rep_id)
        self._check_editable(r, day)
        stops = list(self._state.routes.get((r, day), ()))
        if i in stops:
            raise AnalysisError(f"outlet '{outlet_id}' is already visited by rep '{rep_id}' on day {day + 1}")
        if position is None:
            position = self._best_position(r, day, stops, i)
        stops.insert(int(position), i)
        routes = dict(self._state.routes)
        routes[(r, day)] = tuple(stops)
        uns = _add_unscheduled(self._state.unscheduled, i, -1, "")
        self._commit(replace(self._state, routes=routes, unscheduled=uns,
                             dirty=self._state.dirty | {(r, day)}))

    def lock_route(self, rep_id, day: int, locked: bool = True) -> None:
        r = self.inputs.rep_index(rep_id)
        lr = self._state.locked_routes
        lr = lr | {(r, int(day))} if locked else lr - {(r, int(day))}
        self._commit(replace(self._state, locked_routes=lr))

    def lock_day(self, day: int, locked: bool = True) -> None:
        ld = self._state.locked_days
        ld = ld | {int(day)} if locked else ld - {int(day)}
        self._commit(replace(self._state, locked_days=ld))

    def _best_position(self, r: int, day: int, stops: list[int], i: int) -> int:
        """The insertion position with the fewest violations, then the least travel."""
        best = None
        for pos in range(len(stops) + 1):
            s = self.inputs.schedule(r, day, stops[:pos] + [i] + stops[pos:])
            key = (s.violations, s.travel_s)
            if best is None or key < best[0]:
                best = (key, pos)
        return best[1]

    # ------------------------------------------------------------------ optimisation
    def reoptimise(self, mode: str = "repair", time_limit_s: float | None = None,
                   progress=None, on_best=None) -> None:
        """Re-optimise the unlocked routes as one undoable step.

        ``"repair"`` re-solves only the routes changed by hand (and any route that breaks a
        window), keeping every other route as it is; ``"replan"`` re-plans the visit days of the
        unlocked routes and re-solves all of them. Locked routes and days never change.
        """
        from gis.routing.planner import reoptimise_state

        if mode not in ("repair", "replan"):
            raise ValueError("mode must be 'repair' or 'replan'")
        limit = self.inputs.params.time_limit_s if time_limit_s is None else float(time_limit_s)
        state, cancelled = reoptimise_state(self, mode, limit, progress, on_best)
        self.cancelled = cancelled
        self._commit(state)

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        """Routes, unscheduled visits and locks by id (for the project file)."""
        inp = self.inputs
        return {
            "params": inp.params.to_dict(),
            "dates": [d.isoformat() for d in inp.calendar.dates],
            "routes": [{"rep_id": str(inp.rep_ids[r]), "day": int(d),
                        "outlets": [str(inp.outlet_ids[i]) for i in stops]}
                       for (r, d), stops in sorted(self._state.routes.items()) if stops],
            "unscheduled": [{"outlet_id": str(inp.outlet_ids[u.outlet]),
                             "visits_missing": int(u.visits_missing), "reason": u.reason}
                            for u in self._state.unscheduled],
            "locked_routes": [[str(inp.rep_ids[r]), int(d)] for r, d in sorted(self._state.locked_routes)],
            "locked_days": sorted(int(d) for d in self._state.locked_days),
        }

    def load_state(self, data: Mapping[str, Any]) -> None:
        """Replace the routes by those of :meth:`to_dict` (ids that no longer exist are skipped
        with a log line); undoable."""
        self._commit(_state_from_dict(self.inputs, data))

    @classmethod
    def from_dict(cls, inputs: PlanInputs, data: Mapping[str, Any]) -> "FieldPlan":
        """A plan reopened from :meth:`to_dict`, with an empty undo history."""
        return cls(inputs, _state_from_dict(inputs, data))


def _state_from_dict(inp: PlanInputs, data: Mapping[str, Any]) -> PlanState:
    rep = {str(x): k for k, x in enumerate(inp.rep_ids)}
    out = {str(x): k for k, x in enumerate(inp.outlet_ids)}
    routes: dict[RouteKey, tuple[int, ...]] = {}
    for item in data.get("routes", []):
        r = rep.get(str(item["rep_id"]))
        d = int(item["day"])
        if r is None or not 0 <= d < inp.n_days:
            log.warning("saved route of rep %s day %s no longer fits the plan", item["rep_id"], d)
            continue
        routes[(r, d)] = tuple(out[o] for o in item["outlets"] if o in out)
    uns = tuple(Unscheduled(out[u["outlet_id"]], int(u["visits_missing"]), str(u["reason"]))
                for u in data.get("unscheduled", []) if u["outlet_id"] in out)
    locked = frozenset((rep[a], int(d)) for a, d in data.get("locked_routes", []) if a in rep)
    return PlanState(routes, uns, locked, frozenset(int(d) for d in data.get("locked_days", [])))


def _add_unscheduled(items, outlet: int, delta: int, reason: str) -> tuple[Unscheduled, ...]:
    out = []
    done = False
    for u in items:
        if u.outlet == outlet and not done:
            n = u.visits_missing + delta
            done = True
            if n > 0:
                out.append(Unscheduled(outlet, n, reason or u.reason))
        else:
            out.append(u)
    if not done and delta > 0:
        out.append(Unscheduled(outlet, delta, reason))
    return tuple(out)

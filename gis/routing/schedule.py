"""Timing of one route: arrival, start and departure at every stop, the lunch break, lateness.

A route is a sequence of stops between a start (home) and an end location. The rep leaves at the
shift start (later if the first stop is not open yet), waits where an outlet is not open yet,
serves, and moves on. Each stop has a window on the *start* of service: for opening hours
[open, close] and a service of ``s`` seconds that is [open, close − s], so the visit lies entirely
inside the opening hours.

The lunch break is taken during one leg, wherever the rep is: after leaving the previous stop (or
while waiting at the next one). On leg ``k`` (the leg into stop ``k``; leg ``len(stops)`` is the
way back) the break starts at ``max(departure, break window start)`` and the rep is ready at the
next stop at ``max(departure + travel, window start) + break``. It must start no later than
``window end − break``. A day that ends before the break window opens, or starts after it closes,
needs no break. Everything is integer seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BreakSpec:
    """A break of ``duration`` seconds that starts and ends within [start, end]."""

    start: int
    end: int
    duration: int

    def __post_init__(self):
        if self.duration < 0 or self.end < self.start:
            raise ValueError("a break needs duration ≥ 0 and end ≥ start")
        if self.end - self.start < self.duration:
            raise ValueError("the break window is shorter than the break")

    @property
    def latest_start(self) -> int:
        return self.end - self.duration


@dataclass(frozen=True)
class Schedule:
    """The timing of one route (seconds; per-stop tuples align with ``stops``)."""

    stops: tuple[int, ...]
    arrival: tuple[int, ...]
    start: tuple[int, ...]
    departure: tuple[int, ...]
    wait: tuple[int, ...]
    late: tuple[int, ...]            # seconds the service starts after its latest start
    leg_s: tuple[int, ...]           # travel into each stop, then the way back (len(stops)+1)
    leg_m: tuple[int, ...]
    leave: int                       # leaves the start location
    back: int                        # arrives at the end location
    break_leg: int | None            # the break is taken on the leg into stop k (k = len: way back)
    break_start: int | None
    break_late: int                  # seconds the break starts after its latest start
    overtime: int                    # seconds back after the shift end

    @property
    def travel_s(self) -> int:
        return int(sum(self.leg_s)) if self.stops else 0

    @property
    def travel_m(self) -> int:
        return int(sum(self.leg_m)) if self.stops else 0

    @property
    def wait_total(self) -> int:
        return int(sum(self.wait))

    @property
    def working_s(self) -> int:
        return int(self.back - self.leave) if self.stops else 0

    @property
    def window_violations(self) -> int:
        return int(sum(1 for v in self.late if v > 0))

    @property
    def violations(self) -> int:
        """Opening-hour violations plus a late break plus coming back after the shift."""
        return self.window_violations + int(self.break_late > 0) + int(self.overtime > 0)


def _forward(leg_s, early, late, service, t0, brk, break_leg):
    m = len(early)
    arr = np.empty(m, np.int64)
    st = np.empty(m, np.int64)
    t = t0
    bstart = None
    blate = 0
    for k in range(m + 1):
        if k == break_leg and brk is not None:
            bstart = max(t, brk.start)
            blate = max(0, bstart - brk.latest_start)
            a = max(t + leg_s[k], brk.start) + brk.duration
        else:
            a = t + leg_s[k]
        if k == m:
            return arr, st, a, bstart, blate
        arr[k] = a
        st[k] = max(a, early[k])
        t = st[k] + service[k]


def schedule_route(stops, leg_s, leg_m, early, late, service, shift_start: int, shift_end: int,
                   brk: BreakSpec | None = None, break_leg: int | None = -1) -> Schedule:
    """Time a route. ``early``/``late``/``service`` align with ``stops``; ``leg_*`` have one more
    entry (the way back). ``break_leg=-1`` picks the best leg for the break (fewest violations,
    then the earliest return); ``None`` times the route without a break.
    """
    stops = tuple(int(s) for s in stops)
    m = len(stops)
    leg_s = np.asarray(leg_s, np.int64)
    leg_m = np.asarray(leg_m, np.int64)
    early = np.asarray(early, np.int64)
    late = np.asarray(late, np.int64)
    service = np.asarray(service, np.int64)
    if m == 0:
        return Schedule((), (), (), (), (), (), (int(leg_s[0]) if len(leg_s) else 0,),
                        (int(leg_m[0]) if len(leg_m) else 0,), int(shift_start), int(shift_start),
                        None, None, 0, 0)
    if brk is not None and brk.duration <= 0:
        brk = None
    # Leave home so as to arrive when the first stop opens, never before the shift starts.
    t0 = int(max(shift_start, early[0] - leg_s[0]))
    if brk is not None:
        arr, st, back, _, _ = _forward(leg_s, early, late, service, t0, None, None)
        if back <= brk.start or t0 >= brk.latest_start or shift_end <= brk.start:
            brk = None
    if brk is None or break_leg is None:
        brk = None
        candidates = [None]
    elif break_leg >= 0:
        candidates = [int(break_leg)]
    else:
        # Departures before each leg without a break are lower bounds: a leg that leaves after
        # the break's latest start cannot hold it.
        # Taking the break on a leg that leaves before the window opens only adds waiting, so
        # the candidates run from the last leg leaving by the window start.
        nb_dep = np.concatenate([[t0], st + service])
        first = int(np.searchsorted(nb_dep, brk.start, side="right")) - 1
        candidates = [k for k in range(max(first, 0), m + 1) if nb_dep[k] <= brk.latest_start]
        candidates = candidates or list(range(m + 1))
    best = None
    for b in candidates:
        start_t = int(shift_start) if b == 0 else t0
        arr, st, back, bstart, blate = _forward(leg_s, early, late, service, start_t, brk, b)
        lateness = np.maximum(st - late, 0)
        over = max(0, int(back) - int(shift_end))
        key = (int((lateness > 0).sum()) + int(blate > 0) + int(over > 0),
               int(lateness.sum()) + blate + over, int(back))
        if best is None or key < best[0]:
            best = (key, b, arr, st, back, bstart, blate, lateness, over, start_t)
    _, b, arr, st, back, bstart, blate, lateness, over, start_t = best
    dep = st + service
    return Schedule(
        stops=stops,
        arrival=tuple(int(x) for x in arr),
        start=tuple(int(x) for x in st),
        departure=tuple(int(x) for x in dep),
        wait=tuple(int(x) for x in st - arr),
        late=tuple(int(x) for x in lateness),
        leg_s=tuple(int(x) for x in leg_s),
        leg_m=tuple(int(x) for x in leg_m),
        leave=int(start_t),
        back=int(back),
        break_leg=b,
        break_start=None if bstart is None else int(bstart),
        break_late=int(blate),
        overtime=int(over),
    )


def legs(stops, start: int, end: int, seconds: np.ndarray, meters: np.ndarray,
         index=None) -> tuple[np.ndarray, np.ndarray]:
    """Leg seconds and metres of start → stops → end; ``index`` maps location ids to matrix rows."""
    path = [start, *stops, end]
    if index is not None:
        path = [index[p] for p in path]
    path = np.asarray(path, np.int64)
    return seconds[path[:-1], path[1:]], meters[path[:-1], path[1:]]

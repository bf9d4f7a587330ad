"""The visit calendar: on which working days of the horizon each outlet is visited.

Visits within the horizon become a regular pattern: as many visits as weeks → the same weekday
every week; half as many → every other week on one weekday; one → once; twice as many → two
weekdays spread over the week (Mon/Wed, Tue/Thu, …); anything else → evenly spaced working days.
A pattern that meets a holiday moves that visit to the nearest free working day of that week.

Days are grouped geographically so daily routes are short: a sweep around the rep's home cuts the
territory into one sector per working weekday (balanced by load), each sector into one sub-sector
per week, and each day starts with its sub-sector's centre. Outlets are then given, most frequent
first, the pattern whose days' centres are nearest, avoiding days already full; the centres are
updated and the assignment repeated (a capacitated Lloyd iteration over day slots).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np



@dataclass(frozen=True)
class WorkCalendar:
    """The working days of the horizon: dates, weekday (Mon = 0) and week number (from 0)."""

    dates: tuple[dt.date, ...]
    weekday: tuple[int, ...]
    week: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def n_weeks(self) -> int:
        return (max(self.week) + 1) if self.week else 0


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def working_calendar(days: int, start_date: str | dt.date | None = None,
                     working_weekdays=(0, 1, 2, 3, 4), holidays=()) -> WorkCalendar:
    """``days`` working days from ``start_date`` (default: next Monday) on the given weekdays."""
    if start_date is None:
        start = next_monday()
    elif isinstance(start_date, dt.date):
        start = start_date
    else:
        start = dt.date.fromisoformat(str(start_date)[:10])
    off = {dt.date.fromisoformat(str(h)[:10]) for h in holidays}
    wd = set(int(d) for d in working_weekdays)
    dates, weekdays, weeks = [], [], []
    monday0 = start - dt.timedelta(days=start.weekday())
    d = start
    while len(dates) < days:
        if d.weekday() in wd and d not in off:
            dates.append(d)
            weekdays.append(d.weekday())
            weeks.append((d - monday0).days // 7)
        d += dt.timedelta(days=1)
        if (d - start).days > 3660:
            raise ValueError("no working days found: check working_weekdays and holidays")
    return WorkCalendar(tuple(dates), tuple(weekdays), tuple(weeks))


def describe_pattern(visits: int, n_weeks: int) -> str:
    """A short name of the pattern ``visits`` in a horizon of ``n_weeks`` follow."""
    if visits <= 0:
        return "none"
    if n_weeks and visits % n_weeks == 0:
        k = visits // n_weeks
        return "weekly" if k == 1 else f"{k}× a week"
    if n_weeks and n_weeks % visits == 0:
        p = n_weeks // visits
        return {2: "biweekly", 4: "monthly"}.get(p, f"every {p} weeks")
    return f"{visits} in {n_weeks} weeks"


def pattern_options(visits: int, cal: WorkCalendar, available) -> list[tuple[int, ...]]:
    """Candidate day sets (indices into the calendar) for ``visits`` visits, using only days where
    ``available`` is True. A set may hold fewer days than visits when the rep works too little."""
    avail = [d for d in range(len(cal)) if available[d]]
    if visits <= 0 or not avail:
        return []
    if visits >= len(avail):
        return [tuple(avail)]
    weeks = sorted({cal.week[d] for d in avail})
    by_week = {w: [d for d in avail if cal.week[d] == w] for w in weeks}
    weekdays = sorted({cal.weekday[d] for d in avail})
    nw, nwd = len(weeks), len(weekdays)
    options: set[tuple[int, ...]] = set()

    def in_week(w, wanted_wd, taken):
        days = [d for d in by_week[w] if d not in taken]
        if not days:
            return None
        exact = [d for d in days if cal.weekday[d] == wanted_wd]
        if exact:
            return exact[0]
        return min(days, key=lambda d: (abs(cal.weekday[d] - wanted_wd), d))

    if visits % nw == 0 and visits // nw <= nwd:
        k = visits // nw
        for p in range(nwd):
            chosen = sorted({weekdays[(p + (j * nwd) // k) % nwd] for j in range(k)})
            days = []
            for w in weeks:
                taken: set[int] = set()
                for wdn in chosen:
                    d = in_week(w, wdn, taken)
                    if d is not None:
                        taken.add(d)
                days += sorted(taken)
            options.add(tuple(sorted(days)))
    elif nw % visits == 0:
        period = nw // visits
        for q in range(period):
            for wdn in weekdays:
                days = []
                for w in weeks[q::period]:
                    d = in_week(w, wdn, set())
                    if d is not None:
                        days.append(d)
                options.add(tuple(days))
    else:
        step = len(avail) / visits
        for p in range(max(1, math.ceil(step))):
            idx = sorted({min(len(avail) - 1, int(math.floor(p + j * step))) for j in range(visits)})
            options.add(tuple(avail[i] for i in idx))
    return sorted(options)


@dataclass(frozen=True)
class DayAssignment:
    """Day indices per outlet (in the order given) and the visits that found no day."""

    days: tuple[tuple[int, ...], ...]
    missing: tuple[int, ...]           # visits without a day, per outlet
    reasons: tuple[str, ...]


def assign_days(lat, lon, visits, load_min, home_lat: float, home_lon: float, cal: WorkCalendar,
                available, day_capacity_min, *, minutes_per_km: float = 5.2,
                demand=None, van_capacity: float | None = None,
                iterations: int = 4) -> DayAssignment:
    """Give one rep's outlets their visit days (see the module docstring).

    ``load_min``: minutes per visit (service + travel estimate); ``available``: per calendar day,
    whether the rep works; ``day_capacity_min``: per calendar day, the minutes of work that fit;
    ``demand``/``van_capacity``: load per visit and what the van holds in a day (van sales).
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    visits = np.asarray(visits, np.int64)
    load_min = np.asarray(load_min, float)
    cap = np.asarray(day_capacity_min, float)
    n, nd = len(lat), len(cal)
    avail = np.asarray(available, bool)
    options = [pattern_options(int(v), cal, avail) for v in visits]
    missing = np.zeros(n, np.int64)
    reasons = [""] * n
    n_avail = int(avail.sum())
    for i, v in enumerate(visits):
        if v > 0 and not options[i]:
            missing[i] = v
            reasons[i] = "the rep has no working day in the horizon"
        elif v > n_avail:
            missing[i] = v - n_avail
            reasons[i] = f"needs {v} visits but the rep works only {n_avail} days in the horizon"
    if n == 0 or nd == 0:
        return DayAssignment(tuple(() for _ in range(n)), tuple(int(m) for m in missing), tuple(reasons))

    # Local planar coordinates (km) around the home.
    kx = 111.32 * math.cos(math.radians(home_lat))
    x = (lon - home_lon) * kx
    y = (lat - home_lat) * 110.57
    cx, cy = _initial_centres(x, y, visits, load_min, cal, avail)

    order = np.lexsort((-load_min, -visits))  # most frequent, then heaviest first
    chosen: list[tuple[int, ...]] = [() for _ in range(n)]
    home_km = np.hypot(cx, cy)
    dem = np.zeros(n) if demand is None else np.asarray(demand, float)
    vcap = np.inf if van_capacity is None or van_capacity < 0 else float(van_capacity)
    for _ in range(max(1, iterations)):
        day_load = 2 * home_km * minutes_per_km  # the day's commute
        day_dem = np.zeros(nd)
        new: list[tuple[int, ...]] = [() for _ in range(n)]
        for i in order:
            if not options[i]:
                continue
            dist = np.hypot(cx - x[i], cy - y[i]) * minutes_per_km
            best, best_cost = None, math.inf
            for opt in options[i]:
                o = np.asarray(opt, np.int64)
                over = np.maximum(day_load[o] + load_min[i] - cap[o], 0.0)
                full = (day_dem[o] + dem[i] > vcap).sum()
                c = dist[o].sum() + 10.0 * over.sum() + 1000.0 * ((over > 0).sum() + full)
                if c < best_cost:
                    best, best_cost = opt, c
            new[i] = best
            day_load[np.asarray(best, np.int64)] += load_min[i]
            day_dem[np.asarray(best, np.int64)] += dem[i]
        # Day centres from their members; an empty day keeps its centre.
        sx = np.zeros(nd)
        sy = np.zeros(nd)
        cnt = np.zeros(nd)
        for i, days in enumerate(new):
            for d in days:
                sx[d] += x[i]
                sy[d] += y[i]
                cnt[d] += 1
        nz = cnt > 0
        cx = np.where(nz, sx / np.maximum(cnt, 1), cx)
        cy = np.where(nz, sy / np.maximum(cnt, 1), cy)
        home_km = np.hypot(cx, cy)
        if new == chosen:
            break
        chosen = new
    return DayAssignment(tuple(tuple(int(d) for d in c) for c in chosen),
                         tuple(int(m) for m in missing), tuple(reasons))


def _initial_centres(x, y, visits, load, cal: WorkCalendar, avail):
    """Sweep sectors: one per working weekday, each split into one per week."""
    nd = len(cal)
    cx = np.zeros(nd)
    cy = np.zeros(nd)
    weekdays = sorted({cal.weekday[d] for d in range(nd) if avail[d]})
    weeks = sorted({cal.week[d] for d in range(nd) if avail[d]})
    if not len(x) or not weekdays:
        return cx, cy
    w = visits * load
    ang = np.arctan2(y, x)
    # start the sweep at the widest angular gap so no sector wraps around a populated direction
    srt = np.sort(ang)
    gaps = np.diff(np.concatenate([srt, [srt[0] + 2 * np.pi]]))
    start = srt[(np.argmax(gaps) + 1) % len(srt)]
    order = np.argsort((ang - start) % (2 * np.pi))
    sectors = _cut(order, w, len(weekdays))
    for k, wdn in enumerate(weekdays):
        members = sectors[k]
        if not len(members):
            continue
        sub_ang = np.arctan2(y[members] - y[members].mean(), x[members] - x[members].mean())
        sub_order = members[np.argsort(sub_ang)]
        subs = _cut(sub_order, w, len(weeks))
        for j, wk in enumerate(weeks):
            m = subs[j] if len(subs[j]) else members
            for d in range(nd):
                if cal.weekday[d] == wdn and cal.week[d] == wk:
                    cx[d], cy[d] = x[m].mean(), y[m].mean()
    return cx, cy


def _cut(order, weight, k):
    """Split ``order`` into ``k`` consecutive runs of about equal total weight."""
    cum = np.cumsum(weight[order])
    total = cum[-1] if len(cum) else 0.0
    if total <= 0:
        return np.array_split(order, k)
    bounds = np.searchsorted(cum, total * np.arange(1, k) / k)
    return np.split(order, bounds)

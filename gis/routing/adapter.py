"""From the validated outlets, reps and travel-matrix tables to the planner's arrays.

Conventions (documented for users):

* Only outlets with a positive visit count in ``visits`` (rounded to whole visits) are planned.
* Missing opening hours get ``RoutingParams.default_open_time/close_time``; a closing time at or
  before the opening time means the outlet closes after midnight (e.g. 18:00–02:00). Missing
  service times get ``default_service_min``; missing demand is 0 and demand is rounded up to
  whole units.
* A rep without a home base (``lat``/``lon``) is an error naming the rep. Missing shifts get the
  default shift. A break needs ``break_min``; without ``break_start``/``break_end`` its window is
  11:30–13:30. ``days`` lists the weekdays the rep works (Monday = 0); empty means every working
  day of the calendar. ``end_lat``/``end_lon`` give an end point other than home.
* Current territories: an outlets column ``rep_id`` (the rep who covers it now) and a boolean
  column ``locked`` (or ``rep_locked``) that keeps that rep.
* The user's travel matrix names outlets by ``outlet_id`` and reps' homes by ``rep_id``; a rep's
  separate end point is ``<rep_id>@end``.
* Up front, visits that cannot happen are listed with the reason and left out: an opening window
  shorter than the visit, or an outlet no rep can reach and serve within its shift.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from gis.errors import AnalysisError
from gis.routing.calendar import working_calendar
from gis.routing.params import RoutingParams
from gis.routing.plan import PlanInputs
from gis.routing.travel import TravelModel

log = logging.getLogger(__name__)

DEFAULT_BREAK_WINDOW = (11 * 60 + 30.0, 13 * 60 + 30.0)


def _num(df: pd.DataFrame, col: str, default=np.nan) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), default, dtype=float)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _str(df: pd.DataFrame, col: str, default: str = "") -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), default, dtype=object)
    s = df[col].astype("string").fillna(default)
    return s.to_numpy(dtype=object)


def _fmt(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}"


def _secs(minutes: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(minutes, float) * 60.0).astype(np.int64)


def prepare(outlets: pd.DataFrame, reps: pd.DataFrame, visits: pd.Series,
            matrix: pd.DataFrame | None, params: RoutingParams) -> PlanInputs:
    """Build :class:`PlanInputs` (see the module docstring for the conventions)."""
    if "outlet_id" not in outlets.columns:
        raise AnalysisError("the outlets table has no 'outlet_id' column")
    if "rep_id" not in reps.columns:
        raise AnalysisError("the reps table has no 'rep_id' column")
    if len(reps) == 0:
        raise AnalysisError("there are no reps: field planning needs at least one rep")
    cal = working_calendar(params.days, params.start_date, params.working_weekdays, params.holidays)

    # ---------------------------------------------------------------- reps
    rep_ids = _str(reps, "rep_id").astype(str)
    dup = pd.Series(rep_ids)[pd.Series(rep_ids).duplicated()].unique()
    if len(dup):
        raise AnalysisError(f"rep id(s) {', '.join(map(str, dup[:5]))} appear more than once "
                            "in the reps table")
    hlat, hlon = _num(reps, "lat"), _num(reps, "lon")
    bad = ~(np.isfinite(hlat) & np.isfinite(hlon))
    if bad.any():
        names = ", ".join(f"'{r}'" for r in rep_ids[bad][:10])
        raise AnalysisError(f"rep(s) {names} have no home base: give their home coordinates "
                            "(lat/lon) in the reps table")
    elat, elon = _num(reps, "end_lat"), _num(reps, "end_lon")
    has_end = np.isfinite(elat) & np.isfinite(elon)
    elat = np.where(has_end, elat, hlat)
    elon = np.where(has_end, elon, hlon)
    sh0 = _num(reps, "shift_start")
    sh1 = _num(reps, "shift_end")
    sh0 = np.where(np.isfinite(sh0), sh0, params.default_shift_start)
    sh1 = np.where(np.isfinite(sh1), sh1, params.default_shift_end)
    sh1 = np.where(sh1 <= sh0, sh1 + 24 * 60, sh1)
    bmin = _num(reps, "break_min")
    b0 = _num(reps, "break_start")
    b1 = _num(reps, "break_end")
    has_break = np.isfinite(bmin) & (bmin > 0)
    b0 = np.where(np.isfinite(b0), b0, DEFAULT_BREAK_WINDOW[0])
    b1 = np.where(np.isfinite(b1), b1, DEFAULT_BREAK_WINDOW[1])
    b1 = np.maximum(b1, b0 + np.where(has_break, bmin, 0))  # a window at least the break long
    cap = _num(reps, "capacity")
    capacity = np.where(np.isfinite(cap), np.floor(cap), -1).astype(np.int64)
    works = np.ones((len(reps), len(cal)), bool)
    if "days" in reps.columns:
        for r, spec in enumerate(_str(reps, "days", "")):
            spec = str(spec).strip()
            if not spec:
                continue
            try:
                wds = {int(float(x)) for x in spec.replace(";", ",").replace(" ", ",").split(",") if x}
            except ValueError:
                raise AnalysisError(f"rep '{rep_ids[r]}': days '{spec}' must list weekday "
                                    "numbers, Monday = 0 (e.g. 0,1,2,3,4)") from None
            works[r] = [wd in wds for wd in cal.weekday]

    # ---------------------------------------------------------------- outlets
    ids_all = _str(outlets, "outlet_id").astype(str)
    v = pd.Series(visits, copy=False)
    v.index = v.index.astype(str)
    v = pd.to_numeric(v, errors="coerce")
    v = v[~v.index.duplicated(keep="first")]
    unknown = v.index.difference(pd.Index(ids_all))
    if len(unknown):
        log.warning("%d outlet ids in the visit counts are not in the outlets table (e.g. %s)",
                    len(unknown), ", ".join(unknown[:3]))
    vis_all = v.reindex(ids_all).to_numpy(dtype=float, na_value=np.nan)
    vis_all = np.where(np.isfinite(vis_all), np.rint(vis_all), 0).astype(np.int64)
    lat_all, lon_all = _num(outlets, "lat"), _num(outlets, "lon")
    issues: list[tuple[str, int, str]] = []
    no_xy = (vis_all > 0) & ~(np.isfinite(lat_all) & np.isfinite(lon_all))
    for k in np.flatnonzero(no_xy):
        issues.append((ids_all[k], int(vis_all[k]), "the outlet has no coordinates"))
    op = _num(outlets, "open_time")
    cl = _num(outlets, "close_time")
    op = np.where(np.isfinite(op), op, params.default_open_time)
    cl = np.where(np.isfinite(cl), cl, params.default_close_time)
    cl = np.where(cl <= op, cl + 24 * 60, cl)
    svc = _num(outlets, "service_min")
    svc = np.where(np.isfinite(svc) & (svc >= 0), svc, params.default_service_min)
    dem = _num(outlets, "demand")
    dem = np.where(np.isfinite(dem) & (dem > 0), np.ceil(dem - 1e-9), 0).astype(np.int64)
    short = (vis_all > 0) & ~no_xy & (cl - op < svc)
    for k in np.flatnonzero(short):
        issues.append((ids_all[k], int(vis_all[k]),
                       f"the opening window {_fmt(op[k])}–{_fmt(cl[k])} is shorter than the "
                       f"{svc[k]:g}-minute visit"))
    keep = (vis_all > 0) & ~no_xy & ~short
    current_all = np.full(len(outlets), -1, np.int64)
    rep_pos = {rid: k for k, rid in enumerate(rep_ids)}
    if "rep_id" in outlets.columns:
        current_all = np.array([rep_pos.get(x, -1) for x in _str(outlets, "rep_id").astype(str)],
                               np.int64)
    lock_col = next((c for c in ("locked", "rep_locked") if c in outlets.columns), None)
    locked_all = np.full(len(outlets), -1, np.int64)
    if lock_col is not None:
        flag = outlets[lock_col].astype("boolean").fillna(False).to_numpy(dtype=bool)
        locked_all = np.where(flag, current_all, -1)

    idx = np.flatnonzero(keep)
    if len(np.unique(ids_all[idx])) != len(idx):
        dups = pd.Series(ids_all[idx])
        raise AnalysisError(f"outlet id(s) {', '.join(dups[dups.duplicated()].unique()[:5])} "
                            "appear more than once in the outlets table")
    n, nrep = len(idx), len(rep_ids)
    end_ids = np.array([f"{rid}@end" if e else rid for rid, e in zip(rep_ids, has_end)], dtype=object)
    loc_ids = np.concatenate([ids_all[idx].astype(object), rep_ids.astype(object), end_ids])
    travel = TravelModel(np.concatenate([lat_all[idx], hlat, elat]),
                         np.concatenate([lon_all[idx], hlon, elon]), loc_ids,
                         params.speed_kmh, params.circuity, matrix)
    inputs = PlanInputs(
        params=params, calendar=cal,
        outlet_ids=ids_all[idx].astype(object),
        outlet_names=_str(outlets, "name")[idx],
        lat=lat_all[idx], lon=lon_all[idx],
        open_s=_secs(op[idx]), close_s=_secs(cl[idx]), service_s=_secs(svc[idx]),
        demand=dem[idx], visits=vis_all[idx],
        rep_ids=rep_ids.astype(object), rep_names=_str(reps, "name"),
        home_lat=hlat, home_lon=hlon, end_lat=elat, end_lon=elon, has_end=has_end,
        shift_start_s=_secs(sh0), shift_end_s=_secs(sh1), capacity=capacity,
        break_start_s=np.where(has_break, _secs(b0), -1),
        break_end_s=np.where(has_break, _secs(b1), -1),
        break_s=np.where(has_break, _secs(np.where(has_break, bmin, 0)), 0),
        works=works, travel=travel,
        current=current_all[idx], locked=locked_all[idx], issues=tuple(issues))

    # Outlets no rep can reach and serve within a shift and the opening hours.
    if n:
        ok = reach_matrix(inputs)
        never = ~ok.any(axis=1) & (inputs.locked < 0)
        if never.any():
            drop = np.flatnonzero(never)
            more = [(str(inputs.outlet_ids[k]), int(inputs.visits[k]),
                     "cannot be reached and served within any rep's shift and the outlet's "
                     f"opening hours ({_fmt(inputs.open_s[k] / 60)}–{_fmt(inputs.close_s[k] / 60)})")
                    for k in drop]
            inputs = _subset(inputs, np.flatnonzero(~never), more, outlets, reps, matrix)
    log.info("field plan inputs: %d outlets with %d visits, %d reps, %d days, %d issues",
             inputs.n_outlets, int(inputs.visits.sum()), nrep, len(cal), len(inputs.issues))
    return inputs


def reach_matrix(inputs: PlanInputs) -> np.ndarray:
    """(outlet, rep) True where the rep can get there, serve within the window and get back."""
    n, nrep = inputs.n_outlets, inputs.n_reps
    homes = [inputs.home_loc(r) for r in range(nrep)]
    ends = [inputs.end_loc(r) for r in range(nrep)]
    out_s, _ = inputs.travel.between(homes, np.arange(n))      # (rep, outlet)
    back_s, _ = inputs.travel.between(np.arange(n), ends)      # (outlet, rep)
    arrive = inputs.shift_start_s[:, None] + out_s
    start = np.maximum(arrive, inputs.open_s[None, :])
    ok = start <= (inputs.close_s - inputs.service_s)[None, :]
    ok &= start + inputs.service_s[None, :] + back_s.T <= inputs.shift_end_s[:, None]
    ok &= inputs.works.any(axis=1)[:, None]
    return ok.T


def _subset(inputs: PlanInputs, keep: np.ndarray, more_issues, outlets, reps, matrix) -> PlanInputs:
    """The same inputs restricted to outlets ``keep`` (a new travel model over them)."""
    nrep = inputs.n_reps
    tr = inputs.travel
    n = inputs.n_outlets
    loc_keep = np.concatenate([keep, n + np.arange(2 * nrep)])
    travel = TravelModel(tr.lat[loc_keep], tr.lon[loc_keep], tr.ids[loc_keep],
                         inputs.params.speed_kmh, inputs.params.circuity, matrix)
    fields = {}
    for name in ("outlet_ids", "outlet_names", "lat", "lon", "open_s", "close_s", "service_s",
                 "demand", "visits", "current", "locked"):
        fields[name] = getattr(inputs, name)[keep]
    from dataclasses import replace

    return replace(inputs, travel=travel, issues=inputs.issues + tuple(more_issues), **fields)


def per_visit_travel_min(inputs: PlanInputs) -> np.ndarray:
    """A rough travel time per visit (minutes, per outlet) for sizing territories and days.

    When a rep's days are grouped geographically, the stops of one day are about as dense as
    the outlets around them, and a tour through stops of density ρ has legs of about
    0.7124/√ρ (Beardwood–Halton–Hammersley). ρ is estimated from the distance to the fifth
    nearest planned outlet.
    """
    from scipy.spatial import cKDTree

    n = inputs.n_outlets
    if n < 2:
        return np.zeros(n)
    kx = 111.32 * math.cos(math.radians(float(np.mean(inputs.lat))))
    xy = np.column_stack([inputs.lon * kx, inputs.lat * 110.57])
    k = min(5, n - 1)
    dist, _ = cKDTree(xy).query(xy, k=k + 1)
    rk = np.maximum(dist[:, -1], 0.05)
    density = k / (math.pi * rk ** 2)
    leg_km = 0.7124 / np.sqrt(density) * inputs.params.circuity
    return leg_km / inputs.params.speed_kmh * 60.0

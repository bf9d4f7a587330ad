"""plan_field end to end on a small city, edits with undo/redo, locks, cancel, scenarios."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from gis.errors import AnalysisError
from gis.progress import CallbackProgress
from gis.routing import RoutingParams, Scenario, compare_plans, plan_field, run_scenarios
from tests.gis.routing.city import small_city

PARAMS = RoutingParams(days=10, time_limit_s=4, start_date="2026-03-02", mode="ebike")


@pytest.fixture(scope="module")
def city():
    return small_city()


@pytest.fixture(scope="module")
def plan(city):
    outlets, reps, visits = city
    return plan_field(outlets, reps, visits, None, PARAMS)


def minutes(t):
    h, m, s = (int(x) for x in t.split(":")) if isinstance(t, str) else (0, 0, int(t))
    return h * 60 + m + s / 60


def test_every_visit_keeps_opening_hours_shift_and_break(plan, city):
    outlets, reps, visits = city
    k = plan.kpis()
    assert k.violations == 0 and k.window_violations == 0
    tab = plan.routes_table().merge(outlets[["outlet_id", "open_time", "close_time",
                                             "service_min"]], on="outlet_id")
    op = tab["open_time"].fillna(PARAMS.default_open_time) * 60
    cl = tab["close_time"].fillna(PARAMS.default_close_time) * 60
    assert (tab["start"] >= op).all()                                 # arrive ≥ open
    assert (tab["departure"] <= cl).all()                             # leave ≤ close
    assert (tab["departure"] - tab["start"] == tab["service_min"] * 60).all()
    for _, row in plan.rep_summary().iterrows():
        assert row["leave"] >= 8.5 * 3600 and row["back"] <= 17.5 * 3600
        if row["break_start"] is not None and not pd.isna(row["break_start"]):
            assert 11.5 * 3600 <= row["break_start"] <= 13.5 * 3600 - 45 * 60


def test_every_visit_is_scheduled_or_reported(plan, city):
    _, _, visits = city
    k = plan.kpis()
    assert k.visits + k.unscheduled_visits == int(visits.sum())
    per_outlet = plan.routes_table().groupby("outlet_id").size()
    uns = plan.unscheduled_table().groupby("outlet_id")["visits_missing"].sum()
    total = per_outlet.add(uns, fill_value=0)
    assert (total.reindex(visits.index).fillna(0) == visits).all()


def test_weekly_outlets_are_visited_on_one_weekday(plan, city):
    _, _, visits = city
    tab = plan.routes_table()
    tab["weekday"] = pd.to_datetime(tab["date"]).dt.day_of_week
    weekly = [o for o, v in visits.items() if v == 2]
    regular = 0
    for o in weekly:
        days = tab[tab["outlet_id"] == o]
        if len(days) == 2:
            regular += days["weekday"].nunique() == 1
    assert regular >= 0.8 * len(weekly)


def test_impossible_visits_are_reported_up_front(city):
    outlets, reps, visits = city
    outlets = outlets.copy()
    outlets.loc[1, ["open_time", "close_time", "service_min"]] = [600.0, 605.0, 15.0]
    outlets.loc[2, ["open_time", "close_time"]] = [60.0, 120.0]      # 1–2 am: outside shifts
    plan = plan_field(outlets, reps, visits, None, RoutingParams(days=10, time_limit_s=2,
                                                                  start_date="2026-03-02"))
    uns = plan.unscheduled_table().set_index("outlet_id")
    assert "shorter than the 15-minute visit" in uns.loc["O001", "reason"]
    assert uns.loc["O001", "visits_missing"] == visits["O001"]
    assert "cannot be reached" in uns.loc["O002", "reason"]
    assert plan.kpis().violations == 0


def test_rep_without_home_base_is_an_error_naming_the_rep(city):
    outlets, reps, visits = city
    reps = reps.copy()
    reps.loc[1, "lat"] = np.nan
    with pytest.raises(AnalysisError, match="'R1'"):
        plan_field(outlets, reps, visits, None, PARAMS)


def test_user_matrix_fallback_is_reported(city):
    outlets, reps, visits = city
    ids = list(outlets["outlet_id"][1:])          # every pair but those of O000 and the homes
    m = pd.DataFrame([(a, b, 300.0) for a in ids for b in ids if a != b],
                     columns=["from_id", "to_id", "seconds"])
    plan = plan_field(outlets, reps, visits, m, RoutingParams(days=10, time_limit_s=2,
                                                              start_date="2026-03-02"))
    miss = plan.inputs.travel.missing_pairs()
    assert miss.used > miss.missing > 0
    # a leg between two matrix outlets takes the matrix's 300 s
    tab = plan.routes_table()
    for (rep, day), g in tab.groupby(["rep_id", "day"]):
        seq = list(g.sort_values("seq")["outlet_id"])
        for a, b, t in zip(seq, seq[1:], g.sort_values("seq")["travel_s"].iloc[1:]):
            if a in ids and b in ids:
                assert t == 300


def test_edits_undo_redo_and_locks(city):
    outlets, reps, visits = city
    plan = plan_field(outlets, reps, visits, None, PARAMS)
    before = dict(plan.routes)
    k0 = plan.kpis()
    (r, d), stops = next((k, v) for k, v in sorted(plan.routes.items()) if len(v) >= 2)
    rep_id = plan.inputs.rep_ids[r]
    oid = plan.inputs.outlet_ids[stops[0]]
    target = next(dd for dd in range(plan.inputs.n_days)
                  if dd != d and stops[0] not in plan.routes.get((r, dd), ()))
    plan.move_visit(oid, rep_id, d, rep_id, target)
    assert oid not in plan.route(rep_id, d) and oid in plan.route(rep_id, target)
    k1 = plan.kpis()
    assert k1.visits == k0.visits
    assert plan.undo()
    assert dict(plan.routes) == before and plan.kpis().travel_s == k0.travel_s
    assert plan.redo()
    assert oid in plan.route(rep_id, target)

    new_order = list(reversed(plan.route(rep_id, target)))
    plan.reorder(rep_id, target, new_order)
    assert plan.route(rep_id, target) == new_order

    plan.lock_route(rep_id, d)
    with pytest.raises(AnalysisError, match="locked"):
        plan.move_visit(plan.route(rep_id, d)[0], rep_id, d, rep_id, target)
    locked_before = plan.route(rep_id, d)
    plan.reoptimise("repair", time_limit_s=2)
    assert plan.route(rep_id, d) == locked_before
    assert plan.kpis().violations == 0
    assert not (plan.state.dirty - plan.state.locked_routes)
    # the repaired route is no longer the reversed order unless that was optimal
    s_rev = plan.inputs.schedule(r, target, [plan.inputs.outlet_index(o) for o in new_order])
    assert plan.schedule(r, target).travel_s <= s_rev.travel_s

    plan.lock_day(target)
    kept = {k: v for k, v in plan.routes.items() if k[1] == target or k == (r, d)}
    plan.reoptimise("replan", time_limit_s=3)
    for k, v in kept.items():
        assert plan.routes[k] == v
    assert plan.kpis().violations == 0
    assert plan.kpis().visits + plan.kpis().unscheduled_visits == int(visits.sum())
    # every edit and re-optimisation is one undo step
    steps = 0
    while plan.undo():
        steps += 1
    assert steps == 6 and dict(plan.routes) == before   # move, reorder, lock, repair, lock, replan


def test_remove_and_add_visit(plan):
    plan = plan  # module plan: undo afterwards
    (r, d), stops = next((k, v) for k, v in sorted(plan.routes.items()) if v)
    rep_id, oid = plan.inputs.rep_ids[r], plan.inputs.outlet_ids[stops[-1]]
    n0 = plan.kpis().unscheduled_visits
    plan.remove_visit(oid, rep_id, d)
    assert plan.kpis().unscheduled_visits == n0 + 1
    assert "removed by hand" in set(plan.unscheduled_table()["reason"])
    plan.add_visit(oid, rep_id, d)
    assert plan.kpis().unscheduled_visits == n0
    plan.undo()
    plan.undo()


def test_cancel_at_once_returns_a_feasible_plan(city):
    outlets, reps, visits = city
    prog = CallbackProgress()
    prog.cancel()
    t = time.perf_counter()
    plan = plan_field(outlets, reps, visits, None, RoutingParams(days=10, time_limit_s=60,
                                                                  start_date="2026-03-02"),
                      progress=prog)
    assert time.perf_counter() - t < 15
    assert plan.cancelled
    k = plan.kpis()
    assert k.violations == 0
    assert k.visits + k.unscheduled_visits == int(visits.sum())


def test_cancel_mid_run_keeps_the_routes_found(city):
    outlets, reps, visits = city
    prog = CallbackProgress()
    seen = []

    def on_best(rep_id, day, outlet_ids):
        seen.append((rep_id, day))
        if len(seen) == 4:
            prog.cancel()

    plan = plan_field(outlets, reps, visits, None, RoutingParams(days=10, time_limit_s=60,
                                                                  start_date="2026-03-02"),
                      progress=prog, on_best=on_best)
    assert plan.cancelled and len(seen) >= 4
    k = plan.kpis()
    assert k.violations == 0 and k.visits + k.unscheduled_visits == int(visits.sum())


def test_one_day_plan_is_one_joint_search(city):
    outlets, reps, visits = city
    one = pd.Series(1.0, index=visits.index)
    plan = plan_field(outlets, reps, one, None, RoutingParams(days=1, time_limit_s=3,
                                                              start_date="2026-03-02"))
    assert plan.method == "joint"
    k = plan.kpis()
    assert k.violations == 0 and k.visits + k.unscheduled_visits == len(one)


def test_balanced_objective_evens_workload(city):
    outlets, reps, visits = city
    travel = plan_field(outlets, reps, visits, None, RoutingParams(
        days=10, time_limit_s=3, start_date="2026-03-02", objective="travel",
        balance_tolerance=0.6))
    balanced = plan_field(outlets, reps, visits, None, RoutingParams(
        days=10, time_limit_s=3, start_date="2026-03-02", objective="balanced"))
    assert balanced.territory.balance <= 1.12
    assert balanced.territory.balance <= travel.territory.balance


def test_scenarios_compare_side_by_side(city):
    outlets, reps, visits = city
    sc = [Scenario("minus R2", remove_reps=("R2",)),
          Scenario("close 5", close_outlets=tuple(outlets["outlet_id"][:5]))]
    plans = run_scenarios(outlets, reps, visits, None,
                          RoutingParams(days=10, time_limit_s=1.5, start_date="2026-03-02"), sc)
    table = compare_plans(plans)
    assert list(table.columns) == ["base", "minus R2", "close 5"]
    assert table.loc["reps", "minus R2"] == 2
    requested = visits.sum()
    assert (table.loc["visits", "close 5"] + table.loc["unscheduled_visits", "close 5"]
            == requested - visits.iloc[:5].sum())
    assert Scenario.from_dict(sc[1].to_dict()) == sc[1]


def test_plan_state_round_trips_through_a_dict(plan):
    d = plan.to_dict()
    routes = dict(plan.routes)
    plan.load_state(d)
    assert {k: v for k, v in plan.routes.items() if v} == {k: v for k, v in routes.items() if v}
    plan.undo()


def test_rep_days_end_point_and_van_capacity(city):
    outlets, reps, visits = city
    reps = reps.copy()
    reps["days"] = ["0,2,4", None, None]
    reps["capacity"] = [np.nan, 12.0, np.nan]
    reps["end_lat"] = [np.nan, np.nan, 31.30]
    reps["end_lon"] = [np.nan, np.nan, 121.52]
    plan = plan_field(outlets, reps, visits, None, RoutingParams(days=10, time_limit_s=3,
                                                                  start_date="2026-03-02"))
    inp = plan.inputs
    assert plan.kpis().violations == 0
    for (r, d), stops in plan.routes.items():
        if not stops:
            continue
        if inp.rep_ids[r] == "R0":
            assert inp.calendar.weekday[d] in (0, 2, 4)
        if inp.rep_ids[r] == "R1":
            assert inp.demand[list(stops)].sum() <= 12
        if inp.rep_ids[r] == "R2":
            s = plan.schedule(r, d)
            back_leg, _ = inp.travel.legs([stops[-1], inp.end_loc(r)])
            assert s.leg_s[-1] == back_leg[0] and inp.end_loc(r) != inp.home_loc(r)
    assert plan.kpis().visits + plan.kpis().unscheduled_visits == int(visits.sum())

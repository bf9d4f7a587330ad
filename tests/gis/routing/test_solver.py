"""Route search on hand-written matrices: optimal tours, windows, break, capacity, stopping."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gis.progress import CallbackProgress
from gis.routing.schedule import BreakSpec
from gis.routing.solver import NO_LIMIT, Vehicle, evaluate, solve_routes


def line(xs, scale=60):
    x = np.asarray(xs)
    return np.abs(x[:, None] - x[None, :]) * scale


def open_windows(n):
    w = np.zeros((n, 2), np.int64)
    w[:, 1] = NO_LIMIT
    return w


def test_points_on_a_line_out_and_back():
    # depot at 0, clients at 3, 1, 4, 2 (minutes): any optimal tour reaches 4 and comes back
    # without doubling back: 8 minutes.
    d = line([0, 3, 1, 4, 2])
    res = solve_routes(d, d, time_limit_s=1)
    assert res.travel_s == 8 * 60
    assert sorted(res.routes[0]) == [1, 2, 3, 4]
    assert res.unassigned == ()


def test_square_tour_goes_round_the_edge():
    # a unit square (100 s sides) with the depot at one corner: optimum 400, never a diagonal
    pts = np.array([[0, 0], [0, 1], [1, 1], [1, 0]], float)
    d = np.rint(np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1)) * 100).astype(int)
    res = solve_routes(d, d, time_limit_s=1)
    assert res.travel_s == 400
    assert res.routes[0] in ((1, 2, 3), (3, 2, 1))


def test_time_window_forces_the_order():
    # clients at 1 and 2 (minutes) on a line; 1 opens at 200 s, 2 must start by 150 s, so
    # 0→1→2 (arrive at 2 at 260 s) is infeasible and 0→2→1→0 it is: 120 + 60 + 60 s.
    d = line([0, 1, 2])
    w = open_windows(3)
    w[1] = [200, NO_LIMIT]
    w[2] = [0, 150]
    res = solve_routes(d, d, w, np.zeros(3), time_limit_s=1)
    assert res.routes[0] == (2, 1)
    assert res.travel_s == 240
    s = res.schedules[0]
    assert s.start == (120, 200) and s.violations == 0


def brute_force(d, w, svc, vehicle):
    best = None
    clients = list(range(1, len(d)))
    for perm in itertools.permutations(clients):
        s = evaluate(list(perm), vehicle, d, d, w, svc)
        if s.violations == 0 and (best is None or s.travel_s < best):
            best = s.travel_s
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_small_windows_match_brute_force_and_keep_every_window(seed):
    d, w, svc = random_tw_instance(6, seed, width=900)
    v = Vehicle(0, shift_start=0, shift_end=10_000)
    res = solve_routes(d, d, w, svc, vehicles=[v], time_limit_s=1, allow_drop=False)
    expected = brute_force(d, w, svc, v)
    assert expected is not None
    assert res.travel_s == expected
    s = res.schedules[0]
    assert s.violations == 0
    for k, c in enumerate(s.stops):
        assert w[c, 0] <= s.start[k] <= w[c, 1]


def test_lunch_break_is_taken_inside_its_window():
    d = line([0, 1, 2, 3, 4], scale=600)          # 10-minute legs
    svc = np.full(5, 1800)                        # 30-minute visits
    brk = BreakSpec(12 * 3600, 13 * 3600, 45 * 60)
    v = Vehicle(0, shift_start=10 * 3600, shift_end=18 * 3600, brk=brk)
    res = solve_routes(d, d, open_windows(5), svc, vehicles=[v], time_limit_s=1)
    s = res.schedules[0]
    assert len(s.stops) == 4 and s.violations == 0
    assert s.break_start is not None
    assert 12 * 3600 <= s.break_start <= 13 * 3600 - 45 * 60
    # nobody serves during the break
    for a, b in zip(s.start, s.departure):
        assert b <= s.break_start or a >= s.break_start + 45 * 60


def test_break_with_tight_windows_uses_pyvrp_break_group():
    # a visit that must start at 12:00 sharp, another at 12:50: the break fits only between
    # them if it is short; a 30-minute break must come before noon or after 13:10.
    d = line([0, 1, 2], scale=300)
    svc = np.array([0, 1200, 600])
    w = open_windows(3)
    w[1] = [12 * 3600, 12 * 3600]
    w[2] = [12 * 3600 + 3000, 12 * 3600 + 3000]
    brk = BreakSpec(11 * 3600, 14 * 3600, 1800)
    v = Vehicle(0, shift_start=8 * 3600, shift_end=18 * 3600, brk=brk)
    res = solve_routes(d, d, w, svc, vehicles=[v], time_limit_s=1)
    s = res.schedules[0]
    assert res.unassigned == ()
    assert s.violations == 0
    bs = s.break_start
    assert 11 * 3600 <= bs <= 14 * 3600 - 1800
    for a, b in zip(s.start, s.departure):
        assert b <= bs or a >= bs + 1800


def test_van_capacity_is_respected():
    d = line([0, 1, 2, 3, 4, 5, 6])
    demand = np.array([0, 4, 4, 4, 4, 4, 4])
    vehicles = [Vehicle(0, capacity=8)] * 3
    res = solve_routes(d, d, open_windows(7), np.zeros(7), demand, vehicles, time_limit_s=1)
    assert res.unassigned == ()
    for r in res.routes:
        assert demand[list(r)].sum() <= 8
    assert sum(len(r) for r in res.routes) == 6


def test_window_shorter_than_the_service_is_left_out():
    d = line([0, 1, 2])
    w = open_windows(3)
    w[2] = [600, 500]   # latest start before the earliest: the window is shorter than the visit
    res = solve_routes(d, d, w, np.full(3, 60), time_limit_s=0.5)
    assert res.unassigned == (2,)
    assert res.routes[0] == (1,)


def test_too_many_visits_for_one_shift_drop_some_and_keep_the_rest_feasible():
    d = line([0, 1, 2, 3, 4, 5], scale=60)
    svc = np.full(6, 3600)
    v = Vehicle(0, shift_start=0, shift_end=3 * 3600 + 600)
    res = solve_routes(d, d, open_windows(6), svc, vehicles=[v], time_limit_s=1)
    assert len(res.routes[0]) == 3
    assert len(res.unassigned) == 2
    assert res.schedules[0].violations == 0
    assert res.schedules[0].back <= v.shift_end


def random_tw_instance(n, seed, width=1800):
    """Random points with windows of ±``width`` s around the schedule of a random order, so a
    feasible route exists and the windows bind."""
    rng = np.random.default_rng(seed)
    pts = rng.random((n + 1, 2)) * 8000
    d = np.rint(np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1)) / 4).astype(int)
    w = open_windows(n + 1)
    t, prev = 0, 0
    for c in rng.permutation(np.arange(1, n + 1)):
        t += d[prev, c]
        w[c] = [max(0, t - width), t + width]
        t += 60
        prev = c
    return d, w, np.full(n + 1, 60)


def test_cancel_at_once_returns_a_plan_without_searching():
    d, w, svc = random_tw_instance(40, 5)
    prog = CallbackProgress()
    prog.cancel()
    res = solve_routes(d, d, w, svc, time_limit_s=30, progress=prog)
    assert res.cancelled
    assert res.runtime_s < 5
    served = sorted(c for r in res.routes for c in r) + sorted(res.unassigned)
    assert sorted(served) == list(range(1, 41))
    assert res.violations == 0


class CancelAfter:
    """A progress handle that reports cancelled after ``n`` polls."""

    def __init__(self, n):
        self.n = n

    def report(self, fraction, message=""):
        pass

    def cancelled(self):
        self.n -= 1
        return self.n < 0


def test_cancel_mid_run_keeps_the_best_plan_so_far():
    d, w, svc = random_tw_instance(60, 6)
    seen = []
    res = solve_routes(d, d, w, svc, time_limit_s=30, progress=CancelAfter(3000),
                       on_best=seen.append)
    assert res.cancelled and res.runtime_s < 20
    assert seen, "on_best reports improvements"
    assert res.violations == 0
    assert len(res.routes[0]) + len(res.unassigned) == 60
    # the returned route is the last improvement reported (or better)
    last = evaluate(list(seen[-1][0]), Vehicle(0), d, d, w, svc)
    assert res.travel_s <= last.travel_s or len(res.routes[0]) > len(seen[-1][0])


def test_separate_end_point():
    # start at 0, end at location 4 far right; clients in between: the path is monotone
    d = line([0, 2, 1, 3, 5])
    v = Vehicle(0, end=4)
    res = solve_routes(d, d, vehicles=[v], time_limit_s=1)
    assert res.routes[0] == (2, 1, 3)
    assert res.travel_s == 5 * 60

"""Visit calendar: regular patterns and geographic grouping of days."""

from __future__ import annotations

import datetime as dt

import numpy as np

from gis.routing.calendar import assign_days, describe_pattern, pattern_options, working_calendar


def cal20():
    return working_calendar(20, "2026-03-02")   # a Monday; 4 weeks Mon–Fri


def test_calendar_skips_weekends_and_holidays():
    cal = working_calendar(6, "2026-03-05", holidays=["2026-03-09"])
    assert [d.isoformat() for d in cal.dates] == [
        "2026-03-05", "2026-03-06", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"]
    assert cal.weekday == (3, 4, 1, 2, 3, 4)
    assert cal.week == (0, 0, 1, 1, 1, 1)


def test_weekly_outlets_keep_one_weekday():
    cal = cal20()
    opts = pattern_options(4, cal, [True] * 20)
    assert len(opts) == 5
    for days in opts:
        assert len(days) == 4
        assert len({cal.weekday[d] for d in days}) == 1
        assert sorted(cal.week[d] for d in days) == [0, 1, 2, 3]


def test_biweekly_outlets_alternate_weeks_on_one_weekday():
    cal = cal20()
    opts = pattern_options(2, cal, [True] * 20)
    assert len(opts) == 10
    for days in opts:
        assert len({cal.weekday[d] for d in days}) == 1
        weeks = sorted(cal.week[d] for d in days)
        assert weeks in ([0, 2], [1, 3])


def test_monthly_once_and_twice_a_week_spread():
    cal = cal20()
    assert all(len(o) == 1 for o in pattern_options(1, cal, [True] * 20))
    assert len(pattern_options(1, cal, [True] * 20)) == 20
    for days in pattern_options(8, cal, [True] * 20):
        wds = sorted({cal.weekday[d] for d in days})
        assert len(wds) == 2 and (wds[1] - wds[0]) in (2, 3)   # e.g. Mon/Wed, Tue/Thu, Mon/Thu
        for w in range(4):
            assert sum(cal.week[d] == w for d in days) == 2
    assert describe_pattern(4, 4) == "weekly" and describe_pattern(2, 4) == "biweekly"
    assert describe_pattern(1, 4) == "monthly" and describe_pattern(8, 4) == "2× a week"


def test_holiday_moves_a_weekly_visit_within_its_week():
    cal = working_calendar(19, "2026-03-02", holidays=["2026-03-11"])   # Wednesday of week 1
    for days in pattern_options(4, cal, [True] * 19):
        assert sorted(cal.week[d] for d in days) == [0, 1, 2, 3]
        assert all(cal.dates[d] != dt.date(2026, 3, 11) for d in days)


def test_rep_working_days_limit_the_patterns():
    cal = cal20()
    avail = [cal.weekday[d] in (0, 2) for d in range(20)]   # works Mon and Wed only
    for days in pattern_options(4, cal, avail):
        assert all(cal.weekday[d] in (0, 2) for d in days)


def test_days_are_grouped_geographically():
    # four monthly clusters far apart, 5 outlets each, each cluster should share its days
    rng = np.random.default_rng(0)
    centres = np.array([[31.30, 121.30], [31.30, 121.70], [31.00, 121.30], [31.00, 121.70]])
    pts = np.concatenate([c + rng.normal(0, 0.005, (5, 2)) for c in centres])
    cal = working_calendar(5, "2026-03-02")   # one week
    visits = np.ones(20, int)
    da = assign_days(pts[:, 0], pts[:, 1], visits, np.full(20, 30.0), 31.15, 121.5, cal,
                     [True] * 5, np.full(5, 480.0))
    assert da.missing == (0,) * 20
    day_of = np.array([d[0] for d in da.days])
    for k in range(4):
        assert len(set(day_of[k * 5:(k + 1) * 5])) == 1, day_of
    assert len(set(day_of)) == 4


def test_more_visits_than_working_days_are_reported():
    cal = working_calendar(5, "2026-03-02")
    da = assign_days([31.0], [121.0], [8], [20.0], 31.0, 121.0, cal, [True] * 5, np.full(5, 480.0))
    assert len(da.days[0]) == 5 and da.missing[0] == 3
    assert "works only 5 days" in da.reasons[0]

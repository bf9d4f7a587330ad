"""Times of day, durations, opening hours, weekdays, numbers, yes/no and channel labels."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from gis.intake import timeofday as tod
from gis.intake import values as vals

TIMES = [
    ("08:30", 510.0),
    ("8:30", 510.0),
    ("08:30:30", 510.5),
    ("0:00", 0.0),
    ("24:00", 1440.0),
    ("23:59", 1439.0),
    ("08：30", 510.0),          # full-width colon
    ("8:30 PM", 1230.0),
    ("12:00am", 0.0),
    ("12:15 pm", 735.0),
    ("8点半", 510.0),
    ("下午3点", 900.0),
    ("晚上9点30分", 1290.0),
    ("9时", 540.0),
    ("540", 540.0),             # minutes since midnight as text
    (dt.time(8, 30), 510.0),
    (dt.time(7, 0, 30), 420.5),
    (dt.datetime(1899, 12, 30, 18, 0), 1080.0),  # Excel time stored as a date-time
]
BAD_TIMES = ["25:00", "8:75", "abc", "24:30", "1500", "-5", "13:00 pm"]


@pytest.mark.parametrize("value, minutes", TIMES)
def test_parse_time_of_day(value, minutes):
    out, bad = tod.parse_times(pd.Series([value], dtype=object))
    assert not bad[0]
    assert out[0] == pytest.approx(minutes)


@pytest.mark.parametrize("value", BAD_TIMES)
def test_unparsable_times_are_bad_and_empty(value):
    out, bad = tod.parse_times(pd.Series([value], dtype="str"))
    assert bad[0] and np.isnan(out[0])


def test_blank_and_placeholder_times_are_empty_not_bad():
    out, bad = tod.parse_times(pd.Series(["", None, "-", "  "], dtype=object))
    assert np.isnan(out).all()
    assert not bad.any()


def test_excel_fractions_when_every_number_lies_within_a_day():
    # 0.375 of a day = 09:00, 0.75 = 18:00, 1.0 = 24:00
    out, bad = tod.parse_times(pd.Series([0.375, 0.75, 1.0]))
    assert out.tolist() == [540.0, 1080.0, 1440.0]
    assert not bad.any()


def test_numbers_above_one_are_minutes():
    out, _ = tod.parse_times(pd.Series([480, 1320, 0.5]))
    assert out.tolist() == [480.0, 1320.0, 0.5]


DURATIONS = [
    ("30", 30.0), ("7.5", 7.5), ("45分钟", 45.0), ("1.5小时", 90.0), ("2h", 120.0), ("20 min", 20.0),
    ("0:45", 45.0), ("1:30:00", 90.0), ("90秒", 1.5), (dt.time(0, 20), 20.0), (dt.timedelta(minutes=12), 12.0),
]


@pytest.mark.parametrize("value, minutes", DURATIONS)
def test_parse_durations(value, minutes):
    out, bad = tod.parse_durations(pd.Series([value], dtype=object))
    assert not bad[0]
    assert out[0] == pytest.approx(minutes)


def test_negative_durations_are_returned_for_the_caller_to_report():
    out, bad = tod.parse_durations(pd.Series(["-5", "abc", ""], dtype="str"))
    assert out[0] == -5.0
    assert bad.tolist() == [False, True, False]


@pytest.mark.parametrize("value, open_, close", [
    ("08:00-22:00", 480, 1320), ("8:00~21:30", 480, 1290), ("09:00至18:00", 540, 1080),
    ("24小时", 0, 1440), ("全天", 0, 1440), ("07:00-02:00", 420, 120),
])
def test_parse_opening_hours(value, open_, close):
    o, c, bad = tod.parse_hours(pd.Series([value], dtype="str"))
    assert (o[0], c[0], bad[0]) == (open_, close, False)


def test_unreadable_opening_hours_are_bad():
    o, c, bad = tod.parse_hours(pd.Series(["soon", "08:00", ""], dtype="str"))
    assert bad.tolist() == [True, True, False]
    assert np.isnan(o).all() and np.isnan(c).all()


def test_format_minutes():
    assert tod.format_minutes([0, 510, 1440, np.nan]) == ["00:00", "08:30", "24:00", ""]


@pytest.mark.parametrize("text, expected", [
    ("1,234.5", 1234.5), ("¥800", 800.0), ("￥1,000", 1000.0), ("12元", 12.0), ("１２３", 123.0),
    ("3.5万", 35000.0), (" 42 ", 42.0), ("1,234,567", 1234567.0),
])
def test_numbers_repaired(text, expected):
    p = vals.parse_numbers(pd.Series([text], dtype="str"))
    assert p.values[0] == pytest.approx(expected)
    assert not p.bad[0]


def test_numbers_plain_bad_and_placeholders():
    p = vals.parse_numbers(pd.Series(["12", "n.a.", "-", "#N/A", "", "1,23"], dtype="str"))
    assert p.values[0] == 12.0 and not p.repaired[0]
    assert p.bad.tolist() == [False, True, False, False, False, True]
    assert p.placeholder.tolist() == [False, False, True, True, False, False]
    assert p.blank.tolist() == [False, False, True, True, True, False]


@pytest.mark.parametrize("text, expected", [
    ("1", True), ("0", False), ("true", True), ("FALSE", False), ("yes", True), ("No", False), ("是", True),
    ("否", False), ("Y", True), ("n", False), ("已铺货", True), ("未铺货", False), ("合作", True),
    ("未合作", False),
])
def test_yes_no_values(text, expected):
    values, blank, bad = vals.parse_bools(pd.Series([text], dtype="str"))
    assert values[0] is np.True_ if expected else values[0] is np.False_
    assert not bad[0] and not blank[0]


def test_yes_no_from_numbers_and_unknown_text():
    values, blank, bad = vals.parse_bools(pd.Series([1.0, 0.0, 2.0, np.nan]))
    assert values.tolist() == [True, False, False, False]
    assert bad.tolist() == [False, False, True, False]
    assert blank.tolist() == [False, False, False, True]


@pytest.mark.parametrize("label, code", [
    ("大卖场", "hypermarket"), ("KA", "hypermarket"), ("Hypermarket", "hypermarket"), ("大型超市", "hypermarket"),
    ("超市", "supermarket"), ("supermarket", "supermarket"), ("便利店", "convenience"), ("CVS", "convenience"),
    ("convenience", "convenience"), ("夫妻店", "traditional"), ("杂货店", "traditional"), ("小卖部", "traditional"),
    ("mom-and-pop", "traditional"), ("traditional", "traditional"), ("餐饮", "catering"), ("餐厅", "catering"),
    ("饭店", "catering"), ("restaurant", "catering"), ("加油站", "other"), ("pharmacy", "other"),
])
def test_channel_codes(label, code):
    codes, raw = vals.parse_channels(pd.Series([label], dtype="str"))
    assert codes[0] == code
    assert raw[0] == label


def test_missing_channel_is_na():
    codes, raw = vals.parse_channels(pd.Series([None, ""], dtype=object))
    assert codes.isna().all() and raw.isna().all()


@pytest.mark.parametrize("text, days", [
    ("0,1,2,3,4", "0,1,2,3,4"), ("周一至周五", "0,1,2,3,4"), ("Mon-Fri", "0,1,2,3,4"), ("一、三、五", "0,2,4"),
    ("工作日", "0,1,2,3,4"), ("周末", "5,6"), ("sat,sun", "5,6"), ("5-1", "0,1,5,6"),
])
def test_weekdays_zero_based_column(text, days):
    # a 0 elsewhere in the column tells that numbers count from Monday = 0
    out, bad, one_based = vals.parse_weekdays(pd.Series([text, "0"], dtype="str"))
    assert out[0] == days and not bad[0] and not one_based


def test_weekdays_one_based_when_no_zero_appears():
    out, bad, one_based = vals.parse_weekdays(pd.Series(["1-5", "1,3,5", "7"], dtype="str"))
    assert one_based
    assert out.tolist() == ["0,1,2,3,4", "0,2,4", "6"]
    out, bad, _ = vals.parse_weekdays(pd.Series(["someday", "0-8"], dtype="str"))
    assert bad.tolist() == [True, True]


@pytest.mark.parametrize("value, month", [
    ("2024-03", "2024-03"), ("2024/3", "2024-03"), ("2024年3月", "2024-03"), ("202403", "2024-03"),
    ("2024-03-15", "2024-03"), (dt.datetime(2023, 11, 2), "2023-11"), (202312, "2023-12"),
])
def test_periods(value, month):
    out, bad = vals.parse_periods(pd.Series([value], dtype=object))
    assert out[0] == month and not bad[0]


def test_unparsable_period_kept_as_text():
    out, bad = vals.parse_periods(pd.Series(["Q1 2024", "2024-13"], dtype="str"))
    assert out.tolist() == ["Q1 2024", "2024-13"]
    assert bad.tolist() == [True, True]


def test_ids_from_spreadsheet_numbers():
    out = vals.as_text(pd.Series([1001.0, 7.5, np.nan]))
    assert out[0] == "1001" and out[1] == "7.5" and pd.isna(out[2])
    out = vals.as_text(pd.Series(["  00123 ", "", None], dtype=object))
    assert out[0] == "00123" and pd.isna(out[1]) and pd.isna(out[2])

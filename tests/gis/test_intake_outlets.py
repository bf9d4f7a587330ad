"""Outlets and reps: values, coordinates, duplicates, and what the report says about each row."""

import numpy as np
import pandas as pd
import pytest

from gis import coords, datasets
from gis.errors import IntakeError
from gis.intake import detect_columns, guess_kind, read_table
from gis.intake.report import Reason


def write(tmp_path, text, name="outlets.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(res):
    return [(p.row, p.column, p.value, p.reason, p.action) for p in res.report.problems]


def test_detect_columns_english_and_chinese():
    assert detect_columns(["Store ID", "Store Name", "Longitude", "Latitude", "Channel", "Revenue"], "outlets") == {
        "outlet_id": "Store ID", "name": "Store Name", "lon": "Longitude", "lat": "Latitude",
        "channel": "Channel", "sales": "Revenue"}
    assert detect_columns(["售点编号", "客户名称", "LNG", "lat ", "业态", "合作状态", "年销售额（元）", "行政区",
                           "拜访时长", "拜访频次", "订货量"], "outlets") == {
        "outlet_id": "售点编号", "name": "客户名称", "lon": "LNG", "lat": "lat ", "channel": "业态",
        "covered": "合作状态", "sales": "年销售额（元）", "district": "行政区", "service_min": "拜访时长",
        "visits": "拜访频次", "demand": "订货量"}
    # a specific header beats a generic one whatever the column order
    assert detect_columns(["id", "客户编码", "x", "lng_gcj02", "lat_gcj02"], "outlets") == {
        "outlet_id": "客户编码", "lon": "lng_gcj02", "lat": "lat_gcj02"}
    assert detect_columns(["编号", "经纬度"], "outlets") == {"outlet_id": "编号", "lonlat": "经纬度"}


def test_swapped_columns_are_swapped_back_and_reported(tmp_path):
    # the "纬度" column holds longitudes, "经度" latitudes
    path = write(tmp_path, "编号,经度,纬度\nA,31.23,121.47\nB,31.30,121.50\n")
    res = read_table(path, "outlets")
    assert res.table["lon"].tolist() == [121.47, 121.50]
    assert res.table["lat"].tolist() == [31.23, 31.30]
    assert problems(res) == [
        (2, "经度 / 纬度", "31.23, 121.47", Reason.SWAPPED, "repaired"),
        (3, "经度 / 纬度", "31.30, 121.50", Reason.SWAPPED, "repaired"),
    ]
    assert any("look swapped" in n and "all 2 rows" in n for n in res.report.notes)
    assert "swapped" in res.report.crs_note
    assert res.report.rows_usable == 2


def test_single_swapped_row_and_impossible_latitudes(tmp_path):
    path = write(tmp_path, "id,lon,lat\nA,121.47,31.23\nB,31.30,121.50\nC,121.48,31.24\nD,-70.1,-95.0\n")
    res = read_table(path, "outlets")
    assert res.table.set_index("outlet_id")["lat"].to_dict() == {"A": 31.23, "B": 31.30, "C": 31.24, "D": -70.1}
    assert [(p.row, p.reason) for p in res.report.problems] == [(3, Reason.SWAPPED), (5, Reason.SWAPPED)]
    assert "2 rows had longitude and latitude swapped: swapped back" in res.report.notes


def test_bad_coordinates_are_dropped_each_with_a_reason(tmp_path):
    text = ("id,lon,lat\n"
            "A,121.47,31.23\n"     # 2 fine
            "B,,31.2\n"            # 3 missing
            "C,abc,31.2\n"         # 4 not a number
            "D,0,0\n"              # 5 (0, 0)
            "E,200,31.2\n"         # 6 out of range
            "F,１２１.４,３１.２\n"  # 7 full-width digits: repaired
            "G,-,-\n")             # 8 placeholder: missing
    res = read_table(write(tmp_path, text), "outlets")
    assert res.table["outlet_id"].tolist() == ["A", "F"]
    assert res.table["lon"].tolist() == [121.47, 121.4]
    assert problems(res) == [
        (3, "lon / lat", ", 31.2", Reason.MISSING_COORDINATES, "dropped"),
        (4, "lon / lat", "abc, 31.2", Reason.BAD_COORDINATES, "dropped"),
        (5, "lon / lat", "0, 0", Reason.ZERO_COORDINATES, "dropped"),
        (6, "lon / lat", "200, 31.2", Reason.OUT_OF_RANGE, "dropped"),
        (8, "lon / lat", "-, -", Reason.MISSING_COORDINATES, "dropped"),
    ]
    assert res.report.rows_read == 7 and res.report.rows_usable == 2


def test_projected_coordinates_get_a_hint(tmp_path):
    res = read_table(write(tmp_path, "id,x,y\nA,351234.5,3456789.1\nB,351300.0,3456800.0\n"), "outlets")
    assert not res.report.usable and len(res.table) == 0
    assert {p.reason for p in res.report.problems} == {Reason.OUT_OF_RANGE}
    assert any("projected metres" in n for n in res.report.notes)
    assert "no usable rows: every row was dropped (see the problems below)" in res.report.notes


def test_duplicate_ids_keep_the_first(tmp_path):
    text = "id,name,lon,lat\nA,one,121.4,31.2\nB,two,121.5,31.2\nA,three,121.6,31.2\nA,four,121.7,31.2\n"
    res = read_table(write(tmp_path, text), "outlets")
    assert res.table["name"].tolist() == ["one", "two"]
    assert [(p.row, p.value, p.reason, p.action, p.detail) for p in res.report.problems] == [
        (4, "A", Reason.DUPLICATE_ID, "dropped", "first at row 2"),
        (5, "A", Reason.DUPLICATE_ID, "dropped", "first at row 2"),
    ]


def test_duplicate_of_a_dropped_row_is_kept(tmp_path):
    # the first "A" has no coordinates, so the second is the one kept
    res = read_table(write(tmp_path, "id,lon,lat\nA,,\nA,121.5,31.2\n"), "outlets")
    assert res.table["lon"].tolist() == [121.5]
    assert [p.reason for p in res.report.problems] == [Reason.MISSING_COORDINATES]


def test_text_in_numeric_columns_is_emptied_and_reported(tmp_path):
    text = ("id,lon,lat,sales,visits,service_min,open_time,close_time\n"
            "A,121.4,31.2,\"1,234.5\",4,15,08:00,22:00\n"
            "B,121.5,31.2,unknown,four,abc,8点,soon\n"
            "C,121.6,31.2,-50,-1,-5,9:00,21:00\n"
            "D,121.7,31.2,¥300,2,7.5,22:00,02:00\n")
    res = read_table(write(tmp_path, text), "outlets")
    t = res.table.set_index("outlet_id")
    assert t.loc["A", "sales"] == 1234.5 and t.loc["D", "sales"] == 300.0
    assert np.isnan(t.loc["B", "sales"]) and t.loc["C", "sales"] == -50.0
    assert np.isnan(t.loc["B", "visits"]) and np.isnan(t.loc["C", "visits"])
    assert t["service_min"].tolist()[0] == 15.0 and t.loc["D", "service_min"] == 7.5
    assert np.isnan(t.loc["B", "service_min"]) and np.isnan(t.loc["C", "service_min"])
    assert t.loc["B", "open_time"] == 480.0 and np.isnan(t.loc["B", "close_time"])
    assert (t.loc["D", "open_time"], t.loc["D", "close_time"]) == (1320.0, 1440.0 + 120.0)
    assert [(p.row, p.column, p.value, p.reason, p.action) for p in res.report.problems] == [
        (3, "close_time", "soon", Reason.NOT_A_TIME, "kept"),
        (3, "sales", "unknown", Reason.NOT_A_NUMBER, "kept"),
        (3, "service_min", "abc", Reason.NOT_A_DURATION, "kept"),
        (3, "visits", "four", Reason.NOT_A_NUMBER, "kept"),
        (4, "sales", "-50", Reason.NEGATIVE, "kept"),
        (4, "service_min", "-5", Reason.NEGATIVE, "kept"),
        (4, "visits", "-1", Reason.NEGATIVE, "kept"),
        (5, "close_time", "22:00, 02:00", Reason.OVERNIGHT, "repaired"),
    ]
    assert res.report.rows_usable == 4
    assert any(n.startswith("sales: 2 values repaired") for n in res.report.notes)


def test_covered_channel_and_defaults(tmp_path):
    text = ("id,lon,lat,渠道,铺货\n"
            "A,121.4,31.2,大卖场,已铺货\n"
            "B,121.5,31.2,CVS,未铺货\n"
            "C,121.6,31.2,,\n"
            "D,121.7,31.2,加油站,maybe\n")
    res = read_table(write(tmp_path, text), "outlets")
    t = res.table
    assert t["channel"].tolist()[:2] == ["hypermarket", "convenience"]
    assert pd.isna(t["channel"].iloc[2]) and t["channel"].iloc[3] == "other"
    assert t["channel_raw"].iloc[3] == "加油站"
    assert t["covered"].tolist() == [True, False, False, False]
    assert problems(res) == [(5, "铺货", "maybe", Reason.NOT_YES_NO, "kept")]
    assert "铺货: 1 empty value treated as not covered" in res.report.notes
    res = read_table(write(tmp_path, "id,lon,lat\nA,121.4,31.2\n", "nocov.csv"), "outlets")
    assert res.table["covered"].tolist() == [True]
    assert res.table["covered"].dtype == bool
    assert "covered column absent: every outlet treated as covered" in res.report.notes
    assert pd.isna(res.table["channel"].iloc[0]) and res.table["name"].iloc[0] == ""
    assert np.isnan(res.table["sales"].iloc[0])


def test_combined_coordinate_column_and_opening_hours(tmp_path):
    text = '门店编码,经纬度,营业时间\nA,"121.47,31.23",08:00-22:00\nB,121.48 31.24,24小时\nC,"121.5",9-18\n'
    res = read_table(write(tmp_path, text), "outlets")
    assert res.report.mapping == {"outlet_id": "门店编码", "lonlat": "经纬度", "hours": "营业时间"}
    assert res.table["lon"].tolist() == [121.47, 121.48]
    assert res.table["open_time"].tolist() == [480.0, 0.0]
    assert res.table["close_time"].tolist() == [1320.0, 1440.0]
    assert problems(res) == [(4, "经纬度", "121.5", Reason.BAD_COORDINATES, "dropped")]


def test_gcj02_converted_and_source_system_remembered(tmp_path):
    wgs_lon, wgs_lat = np.array([121.4737, 116.3975]), np.array([31.2304, 39.9087])
    g_lon, g_lat = coords.wgs84_to_gcj02(wgs_lon, wgs_lat)
    text = "id,lon,lat\n" + "".join(f"P{i},{a:.9f},{b:.9f}\n" for i, (a, b) in enumerate(zip(g_lon, g_lat)))
    res = read_table(write(tmp_path, text), "outlets", crs="gcj02")
    assert res.report.crs == "gcj02"
    assert res.table["lon"].to_numpy() == pytest.approx(wgs_lon, abs=1e-7)
    assert res.table["lat"].to_numpy() == pytest.approx(wgs_lat, abs=1e-7)
    b_lon, b_lat = coords.from_wgs84(wgs_lon, wgs_lat, "bd09")
    text = "id,lon,lat\n" + "".join(f"P{i},{a:.9f},{b:.9f}\n" for i, (a, b) in enumerate(zip(b_lon, b_lat)))
    res = read_table(write(tmp_path, text, "bd.csv"), "outlets", crs="baidu")
    assert res.report.crs == "bd09"
    assert res.table["lon"].to_numpy() == pytest.approx(wgs_lon, abs=1e-6)


def test_coordinate_system_named_in_the_header(tmp_path):
    g_lon, g_lat = coords.wgs84_to_gcj02(np.array([121.4737]), np.array([31.2304]))
    path = write(tmp_path, f"id,经度(高德),纬度(高德)\nA,{g_lon[0]:.9f},{g_lat[0]:.9f}\n")
    res = read_table(path, "outlets")
    assert res.report.crs == "gcj02" and "经度(高德)" in res.report.crs_note
    assert res.table["lon"].iloc[0] == pytest.approx(121.4737, abs=1e-7)
    res = read_table(path, "outlets", crs="wgs84")  # the user's word wins, and the report says so
    assert res.report.crs == "wgs84" and "suggests gcj02" in res.report.crs_note
    assert res.table["lon"].iloc[0] == pytest.approx(g_lon[0], abs=1e-9)


def test_extra_columns_kept_with_their_types(tmp_path):
    text = "id,lon,lat,区域经理,店铺面积,邮编,name_en\nA,121.4,31.2,张三,120.5,020001,Shop\nB,121.5,31.2,李四,80,200001,\n"
    res = read_table(write(tmp_path, text), "outlets")
    t = res.table
    assert list(t.columns[-4:]) == ["区域经理", "店铺面积", "邮编", "name_en"]
    assert t["店铺面积"].tolist() == [120.5, 80.0]
    assert t["邮编"].tolist() == ["020001", "200001"]  # a leading zero keeps codes as text
    assert res.report.unmapped_columns == ("区域经理", "店铺面积", "邮编", "name_en")


def test_user_mapping_can_leave_a_field_out(tmp_path):
    path = write(tmp_path, "id,lon,lat,sales\nA,121.4,31.2,12\n")
    res = read_table(path, "outlets", columns={"sales": None})
    assert np.isnan(res.table["sales"].iloc[0]) and res.table["sales_source"].iloc[0] == 12
    assert "sales" not in res.report.mapping


def test_reps(tmp_path):
    text = ("工号,姓名,经度,纬度,上班时间,下班时间,工作日,终点经度,终点纬度,午休时长\n"
            "R1,王五,121.40,31.20,08:30,17:30,周一至周五,121.45,31.25,60\n"
            "R2,赵六,121.50,31.30,9:00,18:00,1-6,,,\n"
            "R3,钱七,121.60,31.10,18:00,08:00,everyday,abc,31.1,30分钟\n"
            "R1,重复,121.70,31.40,08:00,17:00,,,,\n")
    res = read_table(write(tmp_path, text, "reps.csv"), "reps")
    t = res.table
    assert list(t.columns[:13]) == ["rep_id", "name", "lat", "lon", "shift_start", "shift_end", "end_lat",
                                    "end_lon", "capacity", "break_start", "break_end", "break_min", "days"]
    assert t["rep_id"].tolist() == ["R1", "R2", "R3"]
    assert t["shift_start"].tolist() == [510.0, 540.0, 1080.0]
    assert t["days"].tolist()[:2] == ["0,1,2,3,4", "0,1,2,3,4,5"]  # no 0 in the column: 1 = Monday
    assert t["days"].iloc[2] == "0,1,2,3,4,5,6"
    assert (t["end_lon"].iloc[0], t["end_lat"].iloc[0]) == (121.45, 31.25)
    assert np.isnan(t["end_lon"].iloc[1]) and np.isnan(t["end_lon"].iloc[2])
    assert t["break_min"].tolist()[0] == 60.0 and t["break_min"].iloc[2] == 30.0
    assert [(p.row, p.reason, p.action) for p in res.report.problems] == [
        (4, Reason.ENDS_BEFORE_START, "kept"),   # column "上班时间 / 下班时间" sorts first
        (4, Reason.BAD_COORDINATES, "kept"),
        (5, Reason.DUPLICATE_ID, "dropped"),
    ]


def test_guess_kind_from_headers(tmp_path):
    cases = {
        "outlets": "门店编号,门店名称,经度,纬度,渠道\nA,店,121.4,31.2,超市\n",
        "reps": "业务员编号,姓名,经度,纬度,上班时间,下班时间\nR1,王,121.4,31.2,08:30,17:30\n",
        "grid": "lat,lon,heat\n31.2,121.4,5\n",
        "matrix": "起点,终点,时间(秒)\nA,B,60\n",
        "sales_lines": "客户编码,商品名称,数量,金额\nA,可乐,1,3\n",
    }
    for kind, text in cases.items():
        assert guess_kind(write(tmp_path, text, f"{kind}.csv")) == kind
    with pytest.raises(IntakeError, match="cannot tell what the file holds"):
        guess_kind(write(tmp_path, "city,population\n上海,1\n", "census.csv"))


SAMPLE_OUTLETS = datasets.sample_dir() / datasets.FILES["outlets"]


@pytest.mark.skipif(not SAMPLE_OUTLETS.exists(), reason="sample city not generated")
def test_sample_city_outlets_read_without_help():
    res = read_table(SAMPLE_OUTLETS, "outlets", crs="gcj02")
    rep = res.report
    assert rep.usable and rep.rows_usable == rep.rows_read and not rep.problems
    assert rep.mapping["sales"] == "近12月销售额"  # not one of the monthly columns
    assert rep.mapping["service_min"] == "拜访时长(分钟)"
    assert set(res.table["channel"].dropna()) <= {"hypermarket", "supermarket", "convenience", "traditional",
                                                   "catering", "other"}
    covered = res.table["covered"].to_numpy()
    assert np.isnan(res.table["sales"].to_numpy()[~covered]).all()  # prospects have no sales

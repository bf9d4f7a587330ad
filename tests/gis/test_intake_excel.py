"""Excel workbooks: choosing the sheet, cell types, title rows, broken workbooks."""

import datetime as dt

import numpy as np
import openpyxl
import pytest

from gis.errors import ColumnMappingError, IntakeError
from gis.intake import preview, read_table
from gis.intake.report import Reason


@pytest.fixture
def workbook(tmp_path):
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "说明"
    first.append(["本工作簿包含门店清单"])
    ws = wb.create_sheet("门店")
    ws.append(["2024年上海门店清单"])          # a title row above the header
    ws.append(["门店编号", "门店名称", "经度", "纬度", "开门时间", "关门时间", "服务时长", "月均销售额", "是否铺货"])
    ws.append([1001, "静安店", 121.45, 31.23, dt.time(8, 30), dt.time(22, 0), 15, 12000.5, "是"])
    ws.append([1002, "徐汇店", 121.44, 31.19, 0.375, 0.875, 7.5, "1,200", 0])
    ws.append([None, None, None, None, None, None, None, None, None])  # an empty row
    ws.append([1003, "坏店", "N/A", 31.2, "9:00", "21:00", 10, "很多", 1])
    ws.append([1001.0, "重复店", 121.46, 31.24, "9:00", "21:00", 10, 10, 1])
    path = tmp_path / "outlets.xlsx"
    wb.save(path)
    return path


def test_second_sheet_by_name_and_by_index(workbook):
    for sheet in ("门店", 1):
        res = read_table(workbook, "outlets", sheet=sheet)
        rep = res.report
        assert rep.sheet == "门店" and rep.sheets == ("说明", "门店")
        assert res.table["outlet_id"].tolist() == ["1001", "1002"]
        assert res.table["name"].tolist() == ["静安店", "徐汇店"]
        # a time cell and an Excel fraction of a day
        assert res.table["open_time"].tolist() == [510.0, 540.0]
        assert res.table["close_time"].tolist() == [1320.0, 1260.0]
        assert res.table["service_min"].tolist() == [15.0, 7.5]
        assert res.table["sales"].tolist() == [12000.5, 1200.0]
        assert res.table["covered"].tolist() == [True, False]
        # header on row 2, first data row is row 3; row 5 is empty and skipped
        assert [(p.row, p.column, p.reason, p.action) for p in rep.problems] == [
            (6, "经度 / 纬度", Reason.MISSING_COORDINATES, "dropped"),
            (7, "门店编号", Reason.DUPLICATE_ID, "dropped"),
        ]
        assert rep.problems[1].detail == "first at row 3"
        assert any("header found on row 2" in n for n in rep.notes)


def test_first_sheet_is_the_default_and_lists_the_others(workbook):
    with pytest.raises(ColumnMappingError) as err:
        read_table(workbook, "outlets")
    # the first sheet has no outlet columns: the message lists what it found
    assert "本工作簿包含门店清单" in str(err.value) and str(workbook) in str(err.value)
    _, info = preview(workbook)
    assert info["sheets"] == ["说明", "门店"] and info["sheet"] == "说明"


def test_missing_sheet_lists_the_sheets(workbook):
    with pytest.raises(IntakeError) as err:
        read_table(workbook, "outlets", sheet="Sheet9")
    assert str(workbook) in str(err.value)
    assert "no sheet named 'Sheet9'; sheets: 说明, 门店" in str(err.value)
    with pytest.raises(IntakeError, match="no sheet number 5"):
        read_table(workbook, "outlets", sheet=5)


def test_preview_of_a_sheet(workbook):
    frame, info = preview(workbook, nrows=2, sheet="门店")
    assert info["headers"][:2] == ["门店编号", "门店名称"]
    assert info["header_row"] == 2 and info["rows"] == [3, 4]
    assert frame["门店名称"].tolist() == ["静安店", "徐汇店"]
    assert info["kind_guess"] == "outlets"


def test_damaged_workbook(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    assert str(path) in str(err.value) and "damaged" in str(err.value)


def test_old_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(IntakeError, match=r"save it as \.xlsx or as CSV"):
        read_table(path, "outlets")


def test_sales_lines_from_excel(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户编码", "商品名称", "品类", "单价", "月份", "数量", "金额"])
    ws.append(["C1", "可乐500ml", "饮料", 3.5, dt.datetime(2024, 3, 1), 10, 35])
    ws.append(["C1", "雪碧500ml", "饮料", 3.5, "2024年4月", None, 70])
    ws.append(["C2", "薯片", "零食", "¥6", "2024/05", 3, None])
    ws.append(["C2", None, "零食", 6, "2024-05", 3, 18])
    ws.append(["C3", "矿泉水", "饮料", 2, "上月", None, None])
    ws.append(["C3", "果汁", "饮料", 5, "上月", 2, 10])
    path = tmp_path / "lines.xlsx"
    wb.save(path)
    res = read_table(path, "sales_lines")
    t = res.table
    assert list(t.columns) == ["outlet_id", "product", "category", "price", "period", "quantity", "amount"]
    assert t["product"].tolist() == ["可乐500ml", "雪碧500ml", "薯片", "果汁"]
    assert t["period"].tolist() == ["2024-03", "2024-04", "2024-05", "上月"]
    assert t["price"].tolist() == [3.5, 3.5, 6.0, 5.0]
    assert np.isnan(t["quantity"].iloc[1]) and np.isnan(t["amount"].iloc[2])
    assert [(p.row, p.reason, p.action) for p in res.report.problems] == [
        (5, Reason.MISSING_VALUE, "dropped"),
        (6, Reason.NO_QUANTITY, "dropped"),
        (7, Reason.NOT_A_MONTH, "kept"),
    ]

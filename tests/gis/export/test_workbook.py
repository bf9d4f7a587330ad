"""The strategy workbook read back with openpyxl: sheets, headers, panes, filters, formats, values."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from gis.export.exports import export_workbook
from gis.export.options import ExportOptions
from gis.export.workbook import column_kind
from tests.gis.export import synthetic

SHEETS_ZH = ["概览", "片区排名", "售点评分", "拓展名单", "选址", "铺货策略", "拜访路线", "业务员汇总", "未排拜访"]


@pytest.fixture(scope="module")
def book(exported):
    return openpyxl.load_workbook(exported["strategy.xlsx"])


def _column(ws, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise AssertionError(f"no column {header!r} in {[c.value for c in ws[1]]}")


def test_sheets_headers_panes_and_filters(book):
    assert book.sheetnames == SHEETS_ZH
    scores = book["售点评分"]
    assert [c.value for c in scores[1]][:13] == ["售点编号", "名称", "纬度", "经度", "片区", "渠道", "已铺货", "销售额",
                                                 "评分", "潜力", "缺口", "片区内排名", "等级"]
    assert scores.max_row == 13  # 12 outlets and the header
    assert scores.freeze_panes == "C2"  # header row and the id and name columns stay in view
    assert scores.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(scores.max_column)}13"
    assert book["片区排名"].freeze_panes == "B2"
    assert book["拜访路线"].freeze_panes == "C2"  # rep id and name


def test_values_and_number_formats(book):
    scores = book["售点评分"]
    row = {c.value: scores.cell(2, c.column) for c in scores[1]}  # O01
    assert row["售点编号"].value == "O01"
    assert row["渠道"].value == "超市" and row["已铺货"].value == "是"
    assert row["销售额"].value == 120_000 and row["销售额"].number_format == "#,##0"
    assert row["纬度"].number_format == "0.000000"
    name = scores.cell(5, _column(scores, "名称"))  # O04: text that looks like a formula stays text
    assert name.value == '=HYPERLINK("http://x")' and name.data_type == "s"

    ranking = book["片区排名"]
    cov = ranking.cell(2, _column(ranking, "铺货率"))
    assert cov.value == 0.5 and cov.number_format == "0.0%"
    assert ranking.cell(2, _column(ranking, "片区")).value == "东区"

    routes = book["拜访路线"]
    arrival = routes.cell(2, _column(routes, "到达时间"))
    assert arrival.number_format == "hh:mm"
    assert arrival.value == dt.time(9, 10) or arrival.value == pytest.approx((9 * 3600 + 600) / 86400)
    assert routes.cell(2, _column(routes, "业务员")).value == "张伟"
    assert routes.cell(2, _column(routes, "行驶距离（公里）")).value == pytest.approx(1.5)
    date = routes.cell(2, _column(routes, "日期"))
    assert date.value == dt.datetime(2026, 3, 2) and date.number_format == "yyyy-mm-dd"

    reps = book["业务员汇总"]
    assert reps.cell(2, _column(reps, "行驶时间（分钟）")).value == pytest.approx(4000 / 60)

    sites = book["选址"]
    assert sites.max_row == 4  # three candidates, the chosen ones first
    assert [sites.cell(r, _column(sites, "入选")).value for r in (2, 3, 4)] == ["是", "是", "否"]
    assert sites.cell(4, _column(sites, "入选顺序")).value is None  # not chosen: blank, not 0


def test_tier_cells_are_coloured_by_conditional_formats(book):
    scores = book["售点评分"]
    letter = openpyxl.utils.get_column_letter(_column(scores, "等级"))
    rules = [rule for cf in scores.conditional_formatting for rule in cf.rules
             if str(cf.sqref) == f"{letter}2:{letter}13"]
    assert sorted(f for rule in rules for f in rule.formula) == ['"A"', '"B"', '"C"', '"D"']
    fills = {rule.formula[0]: rule.dxf.fill.bgColor.rgb for rule in rules}
    assert fills['"A"'].endswith("1A9850")  # the maps' tier-A green


def test_summary_names_missing_results_and_english_headers(tmp_path):
    path = export_workbook(synthetic.project(results=False), tmp_path / "bare.xlsx",
                           ExportOptions(language="en", date=synthetic.DATE))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary"]
    values = [c.value for row in book["Summary"].iter_rows() for c in row if c.value]
    for name in ("outlet scores", "expansion list", "store siting", "routes"):
        assert name in values
    path = export_workbook(synthetic.project(), tmp_path / "en.xlsx",
                           ExportOptions(language="en", district="D1", date=synthetic.DATE))
    book = openpyxl.load_workbook(path)
    scores = book["Outlet scores"]
    assert [c.value for c in scores[1]][:3] == ["Outlet ID", "Name", "Latitude"]
    assert scores.max_row == 7  # the six outlets of 西区 (D1)
    assert scores.cell(2, 6).value == "Supermarket"


def test_column_kinds():
    import pandas as pd

    assert column_kind("net_sales", pd.Series([1.0])) == "amount"
    assert column_kind("coverage_numeric", pd.Series([0.5])) == "share"
    assert column_kind("poi_food_share", pd.Series([0.5])) == "share"
    assert column_kind("arrival", pd.Series([32400])) == "clock"
    assert column_kind("travel_s", pd.Series([60])) == "minutes"
    assert column_kind("name", pd.Series(["a"])) == "text"
    assert column_kind("covered", pd.Series([True])) == "flag"

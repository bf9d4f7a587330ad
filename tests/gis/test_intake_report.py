"""The intake report (text, table, dict), writing clean files, progress and cancelling."""

import json

import geopandas as gpd
import h3.api.basic_int as h3
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from gis.errors import Cancelled, CoordinateError, IntakeError
from gis.intake import IntakeReport, RowProblem, read_table, readers, write_clean
from gis.intake.report import MAX_PROBLEMS_PER_GROUP, ProblemLog, Reason
from gis.progress import CallbackProgress


@pytest.fixture
def messy(tmp_path):
    lines = ["门店编号,门店名称,经度,纬度,销售额"]
    lines += [f"S{i},店{i},121.{i:03d},31.2,{i}" for i in range(1, 31)]
    lines += [f"X{i},坏{i},,31.2,abc" for i in range(25)]          # 25 rows without longitude
    lines += ["S1,重复,121.5,31.2,1"]                                 # a duplicate of row 2
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_report_text_summary_first_then_problems_grouped_and_capped(messy):
    rep = read_table(messy, "outlets").report
    text = rep.to_text(max_rows_per_reason=3)
    lines = text.splitlines()
    assert lines[0] == f"File: {messy}"
    assert "Rows: 56 read, 30 usable, 26 dropped" in text
    assert "  outlet_id    <- 门店编号  (auto)" in text
    assert "Problems (26 in all" in text
    start = lines.index("  missing coordinates [经度 / 纬度] - 25 rows dropped:")
    assert lines[start + 1:start + 5] == ["    row 32: ', 31.2'", "    row 33: ', 31.2'", "    row 34: ', 31.2'",
                                          "    … and 22 more"]
    assert "    row 57: 'S1' (first at row 2)" in lines
    assert text.index("Rows:") < text.index("Problems")


def test_problems_frame_and_dict_round_trip(messy):
    rep = read_table(messy, "outlets").report
    frame = rep.problems_frame()
    assert list(frame.columns) == ["row", "column", "value", "reason", "action", "detail"]
    assert len(frame) == 26 and frame["row"].is_monotonic_increasing
    assert frame["row"].iloc[-1] == 57
    data = json.loads(json.dumps(rep.to_dict(), ensure_ascii=False))
    again = IntakeReport.from_dict(data)
    assert again == rep
    assert rep.count(reason=Reason.MISSING_COORDINATES) == 25
    assert rep.count(action="dropped") == 26


def test_problem_log_counts_everything_but_stores_a_capped_number():
    log = ProblemLog(cap=5)
    rows = np.arange(2, 102)
    log.add(rows, "sales", rows.astype(str), Reason.NOT_A_NUMBER, "kept")
    log.add(rows[:3], "sales", "x", Reason.NOT_A_NUMBER, "kept")
    assert len(log.problems()) == 5
    assert log.counts()[0].count == 103
    assert MAX_PROBLEMS_PER_GROUP >= 100


def test_row_problem_validates_its_action():
    with pytest.raises(ValueError):
        RowProblem(2, "sales", "x", Reason.NOT_A_NUMBER, "ignored")


def test_many_bad_rows_stay_cheap(tmp_path):
    n = 50_000
    path = tmp_path / "bad.csv"
    pd.DataFrame({"id": np.arange(n), "lon": 121.4, "lat": 31.2, "sales": "n.a."}).to_csv(path, index=False)
    rep = read_table(path, "outlets").report
    assert rep.count(reason=Reason.NOT_A_NUMBER) == n
    assert len(rep.problems) == MAX_PROBLEMS_PER_GROUP
    assert f"… and {n - 10} more" in rep.to_text()


@pytest.fixture
def outlets_result(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("编号,名称,经度,纬度,渠道\n001,静安店,121.45,31.23,便利店\n002,徐汇店,121.44,31.19,超市\n",
                    encoding="utf-8")
    return read_table(path, "outlets")


def test_write_clean_csv_has_a_bom_and_keeps_ids(outlets_result, tmp_path):
    out = write_clean(outlets_result, tmp_path / "clean.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(out, encoding="utf-8-sig", dtype={"outlet_id": str})
    assert back["outlet_id"].tolist() == ["001", "002"]
    assert back["name"].tolist() == ["静安店", "徐汇店"]
    assert list(back.columns[:6]) == ["outlet_id", "name", "lat", "lon", "channel", "channel_raw"]


def test_write_clean_other_formats(outlets_result, tmp_path):
    xlsx = write_clean(outlets_result, tmp_path / "clean.xlsx")
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.title == "outlets" and ws["B2"].value == "静安店"
    pq = write_clean(outlets_result, tmp_path / "clean.parquet")
    assert pd.read_parquet(pq)["lon"].tolist() == [121.45, 121.44]
    gpkg = write_clean(outlets_result, tmp_path / "clean.gpkg")
    g = gpd.read_file(gpkg, layer="outlets")
    assert g.crs.to_epsg() == 4326 and g.geometry.x.tolist() == [121.45, 121.44]
    gj = write_clean(outlets_result, tmp_path / "clean.geojson")
    assert gpd.read_file(gj)["name"].tolist() == ["静安店", "徐汇店"]
    with pytest.raises(IntakeError, match="cannot write .dbf"):
        write_clean(outlets_result, tmp_path / "clean.dbf")


def test_write_clean_round_trips_through_read_table(outlets_result, tmp_path):
    for suffix in (".csv", ".xlsx", ".parquet", ".gpkg"):
        out = write_clean(outlets_result, tmp_path / f"again{suffix}")
        again = read_table(out, "outlets")
        assert again.table["outlet_id"].tolist() == ["001", "002"], suffix
        assert again.table["channel"].tolist() == ["convenience", "supermarket"], suffix
        assert again.table["lat"].to_numpy() == pytest.approx([31.23, 31.19]), suffix


def test_write_clean_grids_and_districts(tmp_path):
    cells = [h3.latlng_to_cell(31.2, 121.4 + i * 0.01, 9) for i in range(2)]
    src = tmp_path / "g.csv"
    pd.DataFrame({"h3": [h3.int_to_str(c) for c in cells], "pop": [1, 2]}).to_csv(src, index=False)
    grid = read_table(src, "grid")
    write_clean(grid, tmp_path / "g_out.csv")
    assert pd.read_csv(tmp_path / "g_out.csv")["cell"].tolist() == [h3.int_to_str(c) for c in cells]
    write_clean(grid, tmp_path / "g_out.parquet")
    assert pd.read_parquet(tmp_path / "g_out.parquet")["cell"].tolist() == cells
    g = gpd.read_file(write_clean(grid, tmp_path / "g_out.gpkg"))
    lat, lng = h3.cell_to_latlng(cells[0])
    assert (g.geometry.x.iloc[0], g.geometry.y.iloc[0]) == pytest.approx((lng, lat))
    districts = gpd.GeoDataFrame({"name": ["一区"]}, geometry=[shapely.box(121, 31, 121.1, 31.1)], crs=4326)
    districts.to_file(tmp_path / "d.geojson")
    res = read_table(tmp_path / "d.geojson", "districts")
    back = pd.read_csv(write_clean(res, tmp_path / "d.csv"), encoding="utf-8-sig")
    assert shapely.from_wkt(back["geometry"].iloc[0]).equals(shapely.box(121, 31, 121.1, 31.1))


def test_progress_runs_from_zero_to_one_and_cancel_stops(outlets_result, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,lon,lat\nA,121.4,31.2\n", encoding="utf-8")
    seen = []
    read_table(path, "outlets", progress=CallbackProgress(lambda f, m: seen.append((f, m))))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert seen[-1][1] == "1 of 1 rows usable"
    handle = CallbackProgress()
    handle.cancel()
    with pytest.raises(Cancelled):
        read_table(path, "outlets", progress=handle)


def test_cancel_in_the_middle_of_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_CHUNKED_ABOVE_BYTES", 0)
    monkeypatch.setattr(readers, "CHUNK_ROWS", 100)
    path = tmp_path / "p.csv"
    pd.DataFrame({"id": range(1000), "lon": 121.4, "lat": 31.2}).to_csv(path, index=False)
    seen = []

    def on_report(fraction, message):
        seen.append(message)
        if message.startswith("read "):  # the first chunk is in: the user presses Cancel
            handle.cancel()

    handle = CallbackProgress(on_report)
    with pytest.raises(Cancelled):
        read_table(path, "outlets", progress=handle)
    assert seen == ["reading p.csv", "read 100 rows"]


def test_unknown_kind_and_crs(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,lon,lat\nA,121.4,31.2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind 'stores'"):
        read_table(path, "stores")
    with pytest.raises(CoordinateError, match="unknown coordinate system .mercator."):
        read_table(path, "outlets", crs="mercator")

"""Text tables: encodings, delimiters, title lines, broken files."""

import gzip
import time

import numpy as np
import pandas as pd
import pytest

from gis.errors import ColumnMappingError, IntakeError
from gis.intake import encoding as enc
from gis.intake import readers
from gis.intake import preview, read_table
from gis.intake.report import Reason

CHINESE = (
    "门店编号,门店名称,经度,纬度,渠道类型,是否铺货,月均销售额\n"
    "S001,好又多超市,121.47,31.23,超市,是,1200\n"
    "S002,全家便利店,121.48,31.24,便利店,否,800\n"
    "S003,老王小卖部,121.49,31.25,夫妻店,是,300\n"
)
EXPECTED_MAPPING = {"outlet_id": "门店编号", "name": "门店名称", "lon": "经度", "lat": "纬度",
                    "channel": "渠道类型", "covered": "是否铺货", "sales": "月均销售额"}


@pytest.mark.parametrize("codec, reported", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                             ("gbk", "gb18030"), ("utf-16", "utf-16")])
def test_chinese_headers_in_every_encoding(tmp_path, codec, reported):
    path = tmp_path / f"outlets_{codec}.csv"
    path.write_bytes(CHINESE.encode(codec))
    res = read_table(path, "outlets")
    rep = res.report
    assert rep.encoding == reported
    assert rep.mapping == EXPECTED_MAPPING
    assert set(rep.mapping_source.values()) == {"auto"}
    assert res.table["name"].tolist() == ["好又多超市", "全家便利店", "老王小卖部"]
    assert res.table["channel"].tolist() == ["supermarket", "convenience", "traditional"]
    assert res.table["covered"].tolist() == [True, False, True]
    assert res.table["sales"].tolist() == [1200.0, 800.0, 300.0]
    assert rep.rows_read == rep.rows_usable == 3 and rep.usable


def test_multibyte_character_cut_at_sample_end_is_not_an_encoding_error():
    text = "名称\n" + "上海" * 100
    data = text.encode("gbk")
    cut = data[: len("名称\n".encode("gbk")) + 7]  # ends inside the fourth character
    assert enc.detect_encoding(cut, complete=False) == "gb18030"
    utf = text.encode("utf-8")[:10]  # "名称\n" + one and a bit characters
    assert enc.detect_encoding(utf, complete=False) == "utf-8"


def test_gbk_detected_beyond_a_utf8_looking_start(tmp_path):
    # the first 256 KiB are ASCII, the Chinese (GBK) comes later
    filler = "".join(f"S{i:06d},x{i},121.4,31.2\n" for i in range(12000))
    text = "id,name,lon,lat\n" + filler + "S999999,黄浦店,121.5,31.2\n"
    path = tmp_path / "late.csv"
    path.write_bytes(text.encode("gbk"))
    res = read_table(path, "outlets")
    assert res.report.encoding == "gb18030"
    assert res.table["name"].iloc[-1] == "黄浦店"
    assert any("gb18030" in n for n in res.report.notes)


@pytest.mark.parametrize("delimiter, name", [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiters(tmp_path, delimiter, name):
    rows = ["id;name;lon;lat", "A1;Shop, Big;121.5;31.2", "A2;Small;121.6;31.3"]
    text = "\n".join(r.replace(";", delimiter) for r in rows) + "\n"
    if delimiter != ",":
        text = text.replace("Shop, Big", "Shop, Big")
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    res = read_table(path, "outlets")
    assert res.report.delimiter == delimiter
    assert res.table["outlet_id"].tolist() == ["A1", "A2"]
    assert res.table["name"].tolist() == ["Shop, Big", "Small"]
    assert res.table["lon"].tolist() == [121.5, 121.6]


def test_gzip_csv(tmp_path):
    path = tmp_path / "outlets.csv.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(CHINESE.encode("utf-8"))
    res = read_table(path, "outlets")
    assert len(res.table) == 3
    assert res.table["name"].iloc[0] == "好又多超市"


def test_title_line_and_row_numbers(tmp_path):
    text = "2024年门店清单,,,\n门店编号,经度,纬度,销售额\nA,121.4,31.2,1\nB,abc,31.2,2\n"
    path = tmp_path / "titled.csv"
    path.write_text(text, encoding="utf-8")
    res = read_table(path, "outlets")
    assert res.table["outlet_id"].tolist() == ["A"]
    # header on line 2, so B is on line 4
    (p,) = res.report.problems
    assert (p.row, p.reason, p.action) == (4, Reason.BAD_COORDINATES, "dropped")
    _, info = preview(path)
    assert info["header_row"] == 2 and info["rows"] == [3, 4]


def test_excel_sep_line(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nid;lon;lat\nA;121,5;31\n", encoding="utf-8")
    res = read_table(path, "outlets")
    assert res.report.delimiter == ";"
    # "121,5" is not a number we repair (a decimal comma): the row is reported, not guessed
    assert res.report.problems[0].row == 3
    assert res.report.problems[0].reason == Reason.BAD_COORDINATES


def test_blank_lines_keep_row_numbers(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("id,lon,lat\nA,121.4,31.2\n\nB,121.5,0\nC,,\n", encoding="utf-8")
    res = read_table(path, "outlets")
    rows = {p.row: p.reason for p in res.report.problems}
    assert rows == {5: Reason.MISSING_COORDINATES}  # line 4 (B) has lat 0 but lon 121.5: valid
    assert res.table["outlet_id"].tolist() == ["A", "B"]
    assert res.source_rows.tolist() == [2, 4]
    assert "1 blank row skipped" in res.report.notes


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    assert str(path) in str(err.value) and "empty" in str(err.value)
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(IntakeError, match="empty"):
        read_table(path, "outlets")


def test_header_only_file_is_not_usable_but_readable(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("id,lon,lat\n", encoding="utf-8")
    res = read_table(path, "outlets")
    assert not res.report.usable and res.report.rows_read == 0 and len(res.table) == 0
    assert "the file has a header but no data rows" in res.report.notes
    assert list(res.table.columns[:4]) == ["outlet_id", "name", "lat", "lon"]


def test_wrong_delimiter_names_the_file_and_the_likely_delimiter(tmp_path):
    # header split by ';', rows by tabs: no delimiter splits the whole file consistently
    path = tmp_path / "mixed.csv"
    path.write_text("id;name;lon;lat\nA\tx\t121.4\t31.2\nB\ty\t121.5\t31.3\n", encoding="utf-8")
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    msg = str(err.value)
    assert str(path) in msg and "looks like ';'-separated" in msg


def test_single_column_with_full_width_commas(tmp_path):
    path = tmp_path / "fullwidth.csv"
    path.write_text("编号，经度，纬度\nA，121.4，31.2\n", encoding="utf-8")
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    assert str(path) in str(err.value) and "looks like '，'-separated" in str(err.value)


def test_row_with_more_fields_than_the_header(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("id,name,lon,lat\nA,x,121.4,31.2\nB,Shop, Big,121.5,31.3\n", encoding="utf-8")
    with pytest.raises(IntakeError) as err:
        read_table(path, "outlets")
    assert str(path) in str(err.value)
    assert "line 3 has 5 fields but the header has 4 (delimiter ',')" in str(err.value)


def test_trailing_delimiters_are_ignored(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("id,lon,lat\nA,121.4,31.2,\nB,121.5,31.3,\n", encoding="utf-8")
    res = read_table(path, "outlets")
    assert res.table["lat"].tolist() == [31.2, 31.3]
    assert res.report.rows_usable == 2 and not res.report.problems


def test_unclosed_quote_is_read_and_noted(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('id,name,lon,lat\nA,"Big shop,121.4,31.2\nB,Small,121.5,31.3\n', encoding="utf-8")
    res = read_table(path, "outlets")
    assert any("unclosed quote" in n for n in res.report.notes)
    assert res.table["outlet_id"].tolist() == ["A", "B"]


def test_missing_required_columns_message(tmp_path):
    path = tmp_path / "nocoords.csv"
    path.write_text("门店编号,门店名称,X1,Y1\nA,店,121.47,31.23\n", encoding="utf-8")
    with pytest.raises(ColumnMappingError) as err:
        read_table(path, "outlets")
    msg = str(err.value)
    assert str(path) in msg
    assert "missing required column(s) for outlets: lon + lat or lonlat or latlon or geometry" in msg
    assert "'门店编号', '门店名称', 'X1', 'Y1'" in msg
    assert "{'lon': 'X1', 'lat': 'Y1'}" in msg  # suggested from the values
    res = read_table(path, "outlets", columns={"lon": "X1", "lat": "Y1"})
    assert res.report.mapping_source == {"outlet_id": "auto", "name": "auto", "lon": "user", "lat": "user"}
    assert (res.table["lon"].iloc[0], res.table["lat"].iloc[0]) == (121.47, 31.23)


def test_mapping_errors(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,lon,lat\nA,121.4,31.2\n", encoding="utf-8")
    with pytest.raises(ColumnMappingError, match="unknown field"):
        read_table(path, "outlets", columns={"longitude": "lon"})
    with pytest.raises(ColumnMappingError, match="no such column") as err:
        read_table(path, "outlets", columns={"sales": "revenue"})
    assert "'id', 'lon', 'lat'" in str(err.value)


def test_file_not_found(tmp_path):
    with pytest.raises(IntakeError, match="not found"):
        read_table(tmp_path / "nope.csv", "outlets")


def test_preview_reports_sniffed_format(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(CHINESE.replace(",", ";").encode("gbk"))
    frame, info = preview(path, nrows=2)
    assert len(frame) == 2
    assert info["encoding"] == "gb18030" and info["delimiter"] == ";"
    assert info["headers"][:2] == ["门店编号", "门店名称"]
    assert info["detected"]["outlets"]["lon"] == "经度"
    assert info["kind_guess"] == "outlets"
    assert frame["门店名称"].iloc[1] == "全家便利店"


def test_large_csv_is_read_in_chunks_quickly(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_CHUNKED_ABOVE_BYTES", 256 * 1024)
    monkeypatch.setattr(readers, "CHUNK_ROWS", 10_000)
    rng = np.random.default_rng(7)
    n = 60_000
    lon = rng.uniform(121.0, 122.0, n).round(6)
    lat = rng.uniform(30.7, 31.8, n).round(6)
    path = tmp_path / "big.csv"
    pd.DataFrame({"outlet_id": [f"O{i}" for i in range(n)], "lon": lon, "lat": lat,
                  "sales": np.arange(n) % 1000, "channel": "便利店"}).to_csv(path, index=False)
    assert path.stat().st_size > readers._CHUNKED_ABOVE_BYTES
    seen = []

    class Recorder:
        def report(self, fraction, message=""):
            seen.append(fraction)

        def cancelled(self):
            return False

    start = time.perf_counter()
    res = read_table(path, "outlets", progress=Recorder())
    assert time.perf_counter() - start < 5.0  # about 0.3 s here; generous for a busy machine
    assert res.report.rows_usable == n
    assert res.table["lon"].to_numpy() == pytest.approx(lon)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert len(seen) >= 6  # one report per chunk of 10,000 rows at least

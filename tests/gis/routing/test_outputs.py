"""Route outputs: tables parse, iCalendar is RFC 5545 shaped, GPX/KML are well-formed XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from gis.routing import RoutingParams, plan_field, write_route_outputs
from gis.routing.outputs import atomic_write, hms, ics_fold
from tests.gis.routing.city import small_city


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    outlets, reps, visits = small_city(n=24, reps=2)
    outlets.loc[3, "name"] = "长名字的便利店, 含逗号; 分号 \\ 反斜杠 " * 3
    plan = plan_field(outlets, reps, visits, None,
                      RoutingParams(days=5, time_limit_s=2, start_date="2026-03-02"))
    out = tmp_path_factory.mktemp("routes")
    files = write_route_outputs(plan, out, outlets, reps)
    return plan, out, files


def test_files_and_no_leftover_temporaries(written):
    plan, out, files = written
    names = {p.relative_to(out).as_posix() for p in files}
    assert {"routes.csv", "rep_summary.csv", "unscheduled.csv"} <= names
    for rep in ("R0", "R1"):
        for ext in ("xlsx", "ics", "gpx", "kml"):
            assert f"route_sheets/{rep}.{ext}" in names
    assert not [p for p in out.rglob("*.tmp")]
    assert all(p.exists() and p.stat().st_size > 0 for p in files)


def test_routes_csv_matches_the_plan(written):
    plan, out, _ = written
    df = pd.read_csv(out / "routes.csv", dtype={"outlet_id": str})
    for col in ("rep_id", "day", "seq", "outlet_id", "arrival", "start", "departure",
                "travel_s", "travel_m", "date", "name", "lat", "lon", "wait_s"):
        assert col in df.columns
    assert len(df) == plan.kpis().visits
    assert df["start"].str.fullmatch(r"\d\d:\d\d:\d\d").all()
    assert df["travel_s"].sum() < plan.kpis().travel_s      # the way home is not a stop
    summ = pd.read_csv(out / "rep_summary.csv")
    assert summ["visits"].sum() == len(df)
    assert summ["travel_s"].sum() == plan.kpis().travel_s
    uns = pd.read_csv(out / "unscheduled.csv")
    assert list(uns.columns) == ["outlet_id", "visits_missing", "reason"]


def test_ics_is_folded_crlf_and_escaped(written):
    plan, out, _ = written
    raw = (out / "route_sheets" / "R0.ics").read_bytes()
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8")                   # folding never splits a character
    unfolded = text.replace("\r\n ", "").split("\r\n")
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-2] == "END:VCALENDAR"
    n_events = sum(1 for line in unfolded if line == "BEGIN:VEVENT")
    r0_visits = sum(len(v) for (r, _), v in plan.routes.items() if plan.inputs.rep_ids[r] == "R0")
    assert n_events == r0_visits
    assert sum(line.startswith("UID:") for line in unfolded) == n_events
    assert sum(line.startswith("DTSTAMP:") for line in unfolded) == n_events
    assert any(line.startswith("DTSTART;TZID=Asia/Shanghai:2026030") for line in unfolded)
    assert "TZID:Asia/Shanghai" in unfolded
    both = unfolded + (out / "route_sheets" / "R1.ics").read_bytes().decode().replace(
        "\r\n ", "").split("\r\n")
    long = [line for line in both if line.startswith("SUMMARY:长名字")]
    assert long, "outlet O003 (a long name with , ; and \\) is visited"
    assert "\\," in long[0] and "\\;" in long[0] and "\\\\" in long[0]


def test_ics_fold_keeps_utf8_characters_whole():
    line = "SUMMARY:" + "拜访便利店" * 20
    folded = ics_fold(line)
    parts = folded[:-2].split(b"\r\n ")
    assert all(len(p) <= 75 for p in parts)
    assert b"".join(parts).decode("utf-8") == line


def test_gpx_and_kml_parse_with_one_route_per_day(written):
    plan, out, _ = written
    days = {d for (r, d), v in plan.routes.items() if v and plan.inputs.rep_ids[r] == "R1"}
    gpx = ET.parse(out / "route_sheets" / "R1.gpx").getroot()
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    assert len(gpx.findall("g:rte", ns)) == len(days)
    n_stops = sum(len(v) for (r, _), v in plan.routes.items() if plan.inputs.rep_ids[r] == "R1")
    assert len(gpx.findall("g:wpt", ns)) == n_stops
    for rte in gpx.findall("g:rte", ns):
        pts = rte.findall("g:rtept", ns)
        assert float(pts[0].get("lat")) == pytest.approx(plan.inputs.home_lat[1], abs=1e-6)
    kml = ET.parse(out / "route_sheets" / "R1.kml").getroot()
    kns = {"k": "http://www.opengis.net/kml/2.2"}
    folders = kml.findall("k:Document/k:Folder", kns)
    assert len(folders) == len(days)
    assert all(f.find("k:Placemark/k:LineString", kns) is not None for f in folders)


def test_xlsx_opens_with_day_headers(written):
    from openpyxl import load_workbook

    plan, out, _ = written
    ws = load_workbook(out / "route_sheets" / "R0.xlsx").active
    values = [c.value for c in ws["A"] if c.value]
    days = {d for (r, d), v in plan.routes.items() if v and plan.inputs.rep_ids[r] == "R0"}
    assert sum(1 for v in values if str(v).startswith("Day ")) == len(days)
    assert ws.page_setup.orientation == "landscape"


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x.csv"

    def boom(p):
        p.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert hms(3661) == "01:01:01" and hms(90000) == "25:00:00"

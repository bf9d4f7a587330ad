"""Files of a field plan: tables for review and per-rep route sheets for phones and calendars.

``write_route_outputs`` writes into ``outdir``:

* ``routes.csv`` — one row per visit: ``rep_id, day, seq, outlet_id, arrival, start, departure,
  travel_s, travel_m`` then ``date, name, lat, lon, wait_s, break_before``. ``day`` and ``seq``
  count from 1; times are local wall-clock ``HH:MM:SS`` (hours go past 24 for work after
  midnight); ``travel_s``/``travel_m`` are the leg into the stop; ``break_before`` says the lunch
  break is taken on the way to this stop.
* ``rep_summary.csv`` — one row per rep and working day with visits: visits, travel time,
  distance, service, waiting and working time (``HH:MM:SS`` and seconds), leave and back times.
* ``unscheduled.csv`` — ``outlet_id, visits_missing, reason``.
* ``territories.csv`` — ``outlet_id, rep_id`` (the rep making most of its visits),
  ``current_rep_id`` (from the outlets' ``rep_id`` column) and ``changed``.
* ``route_sheets/<rep_id>.xlsx`` (printable, one page per day), ``.ics`` (one event per visit,
  RFC 5545, times in ``TZID=Asia/Shanghai`` with its VTIMEZONE, or floating local time with
  ``tzid=None``), ``.gpx`` and ``.kml`` (one route per day, the stops as waypoints). GPX and KML
  coordinates are WGS-84 as their standards say; ``nav_crs="gcj02"`` writes GCJ-02 for Chinese
  map apps that read files as GCJ-02.

CSV files are UTF-8 with a byte-order mark so Excel opens Chinese text correctly. Every file is
written to a temporary name in the same folder and renamed into place, so a file is either
complete or absent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from gis.fileio import atomic_path
from gis.progress import Progress, check, ensure
from gis.routing.plan import FieldPlan

ICS_TZ_BLOCK = (
    "BEGIN:VTIMEZONE", "TZID:Asia/Shanghai", "BEGIN:STANDARD", "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "TZNAME:CST", "END:STANDARD", "END:VTIMEZONE",
)


def hms(seconds) -> str:
    """Seconds since midnight as HH:MM:SS (hours may exceed 23)."""
    s = int(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    return f"{sign}{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    return atomic_write(path, lambda p: df.to_csv(p, index=False, encoding="utf-8-sig"))


def safe_name(text: str) -> str:
    """A file name from an id: letters, digits, CJK, '-', '_' and '.' kept, the rest '_'."""
    name = re.sub(r"[^\w\-.\u4e00-\u9fff]", "_", str(text)).strip(". ")
    return name or "rep"


def write_route_outputs(plan: FieldPlan, outdir, outlets: pd.DataFrame | None = None,
                        reps: pd.DataFrame | None = None, progress: Progress | None = None, *,
                        tzid: str | None = "Asia/Shanghai", nav_crs: str = "wgs84") -> list[Path]:
    """Write the plan's tables and route sheets (see the module docstring); returns the paths."""
    progress = ensure(progress)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    routes = plan.routes_table()
    out = routes[["rep_id", "day", "seq", "outlet_id", "arrival", "start", "departure",
                  "travel_s", "travel_m", "date", "name", "lat", "lon", "wait_s",
                  "break_before"]].copy()
    for col in ("arrival", "start", "departure"):
        out[col] = [hms(v) for v in out[col]]
    written.append(_write_csv(out, outdir / "routes.csv"))

    summ = plan.rep_summary()
    names = dict(zip(plan.inputs.rep_ids.astype(str), plan.inputs.rep_names.astype(str)))
    rs = pd.DataFrame({
        "rep_id": summ["rep_id"], "name": [names.get(r, "") for r in summ["rep_id"]],
        "day": summ["day"], "date": summ["date"], "visits": summ["visits"],
        "travel_time": [hms(v) for v in summ["travel_s"]], "travel_s": summ["travel_s"],
        "distance_m": summ["travel_m"], "service_s": summ["service_s"], "wait_s": summ["wait_s"],
        "working_time": [hms(v) for v in summ["working_s"]], "working_s": summ["working_s"],
        "leave": [hms(v) for v in summ["leave"]], "back": [hms(v) for v in summ["back"]],
        "break_start": ["" if pd.isna(v) else hms(v) for v in summ["break_start"]],
    })
    written.append(_write_csv(rs, outdir / "rep_summary.csv"))
    written.append(_write_csv(plan.unscheduled_table(), outdir / "unscheduled.csv"))
    terr = plan.territory_table()
    cur = {str(plan.inputs.outlet_ids[i]): plan.inputs.current[i] for i in range(plan.inputs.n_outlets)}
    terr["current_rep_id"] = [str(plan.inputs.rep_ids[cur[o]]) if cur.get(o, -1) >= 0 else ""
                              for o in terr["outlet_id"]]
    terr["changed"] = (terr["current_rep_id"] != "") & (terr["current_rep_id"] != terr["rep_id"])
    written.append(_write_csv(terr, outdir / "territories.csv"))
    progress.report(0.1, "route tables written")

    extra = _outlet_extras(outlets)
    sheets = outdir / "route_sheets"
    rep_ids = sorted(set(routes["rep_id"]))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    used_names: set[str] = set()
    for k, rep_id in enumerate(rep_ids):
        check(progress)
        mine = routes[routes["rep_id"] == rep_id]
        base = safe_name(rep_id)
        while base.lower() in used_names:
            base += "_"
        used_names.add(base.lower())
        r = plan.inputs.rep_index(rep_id)
        written.append(_write_xlsx(plan, r, mine, extra, sheets / f"{base}.xlsx"))
        written.append(atomic_write(sheets / f"{base}.ics", lambda p, m=mine, rr=r: p.write_bytes(
            ics_bytes(plan, rr, m, extra, tzid, stamp))))
        lon_lat = _nav_coords(plan, r, mine, nav_crs)
        written.append(atomic_write(sheets / f"{base}.gpx", lambda p, m=mine, rr=r, c=lon_lat:
                                    p.write_bytes(gpx_bytes(plan, rr, m, c))))
        written.append(atomic_write(sheets / f"{base}.kml", lambda p, m=mine, rr=r, c=lon_lat:
                                    p.write_bytes(kml_bytes(plan, rr, m, c))))
        progress.report(0.1 + 0.9 * (k + 1) / max(1, len(rep_ids)), f"route sheets: {rep_id}")
    return written


def _outlet_extras(outlets: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    """address/phone per outlet id when the outlets table has such columns."""
    if outlets is None or "outlet_id" not in outlets.columns:
        return {}
    cols = [c for c in ("address", "phone", "contact") if c in outlets.columns]
    if not cols:
        return {}
    df = outlets[["outlet_id", *cols]].astype("string").fillna("")
    return {str(row[0]): dict(zip(cols, map(str, row[1:]))) for row in df.itertuples(index=False)}


def _window(plan: FieldPlan, outlet_id: str) -> str:
    i = plan.inputs.outlet_index(outlet_id)
    return f"{hms(plan.inputs.open_s[i])[:5]}–{hms(plan.inputs.close_s[i])[:5]}"


# ---------------------------------------------------------------------- Excel
def _write_xlsx(plan: FieldPlan, r: int, mine: pd.DataFrame, extra, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.worksheet.pagebreak import Break

    inp = plan.inputs
    wb = Workbook()
    ws = wb.active
    ws.title = "Route"
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named styles: setting fonts and fills cell by cell is slow in openpyxl.
    styles = {
        "sp_title": NamedStyle("sp_title", font=Font(bold=True, size=14)),
        "sp_day": NamedStyle("sp_day", font=Font(bold=True),
                             fill=PatternFill("solid", fgColor="FCE4D6")),
        "sp_head": NamedStyle("sp_head", font=Font(bold=True), border=box,
                              fill=PatternFill("solid", fgColor="DDEBF7")),
        "sp_cell": NamedStyle("sp_cell", border=box, alignment=Alignment(vertical="top")),
        "sp_wrap": NamedStyle("sp_wrap", border=box,
                              alignment=Alignment(vertical="top", wrap_text=True)),
    }
    for st in styles.values():
        wb.add_named_style(st)
    has_addr = any("address" in extra.get(o, {}) for o in mine["outlet_id"])
    headers = ["#", "Arrive", "Start", "Leave", "Outlet ID", "Name"]
    headers += (["Address"] if has_addr else []) + ["Opening hours", "Travel (min)", "Note"]
    widths = [4, 9, 9, 9, 14, 30] + ([36] if has_addr else []) + [13, 11, 24]
    title = f"{inp.rep_ids[r]} {inp.rep_names[r]} — {len(mine)} visits"
    ws.append([title])
    ws["A1"].style = "sp_title"
    row = 2
    for day, grp in mine.groupby("day", sort=True):
        s = plan.schedule(r, int(day) - 1)
        if row > 2:
            ws.row_breaks.append(Break(id=row - 1))
        date = dt.date.fromisoformat(grp["date"].iloc[0])
        text = (f"Day {day} · {date.isoformat()} ({date.strftime('%a')}) — {len(grp)} visits, "
                f"leave {hms(s.leave)[:5]}, back {hms(s.back)[:5]}, "
                f"travel {s.travel_s // 60} min, {s.travel_m / 1000:.1f} km")
        ws.cell(row=row, column=1, value=text)
        for c in range(1, len(headers) + 1):
            ws.cell(row=row, column=c).style = "sp_day"
        row += 1
        for c, h in enumerate(headers, 1):
            ws.cell(row=row, column=c, value=h).style = "sp_head"
        row += 1
        for rec in grp.sort_values("seq").itertuples(index=False):
            note = "lunch break before this visit" if rec.break_before else ""
            if rec.wait_s > 60:
                note = (note + "; " if note else "") + f"wait {rec.wait_s // 60} min"
            vals = [int(rec.seq), hms(rec.arrival)[:5], hms(rec.start)[:5], hms(rec.departure)[:5],
                    str(rec.outlet_id), str(rec.name)]
            if has_addr:
                vals.append(extra.get(str(rec.outlet_id), {}).get("address", ""))
            vals += [_window(plan, str(rec.outlet_id)), round(rec.travel_s / 60), note]
            for c, v in enumerate(vals, 1):
                ws.cell(row=row, column=c, value=v).style = "sp_wrap" if c in (6, 7) else "sp_cell"
            row += 1
        row += 1
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[chr(64 + c)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&P / &N"
    return atomic_write(path, lambda p: wb.save(p))


# ---------------------------------------------------------------------- iCalendar
def ics_escape(text: str) -> str:
    return (str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str) -> bytes:
    """One content line folded to at most 75 octets per physical line (RFC 5545 §3.1),
    never splitting a UTF-8 character; CRLF-terminated."""
    data = line.encode("utf-8")
    parts = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # not inside a multi-byte character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines start with one space
    parts.append(data)
    return b"\r\n ".join(parts) + b"\r\n"


def _ics_time(date: dt.date, seconds: int, tzid: str | None, name: str) -> str:
    t = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=int(seconds))
    stamp = t.strftime("%Y%m%dT%H%M%S")
    return f"{name};TZID={tzid}:{stamp}" if tzid else f"{name}:{stamp}"


def ics_bytes(plan: FieldPlan, r: int, mine: pd.DataFrame, extra, tzid: str | None,
              stamp: str) -> bytes:
    inp = plan.inputs
    rep_id = str(inp.rep_ids[r])
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//StorePlan//Field plan//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{ics_escape(f'{rep_id} {inp.rep_names[r]} visits'.strip())}"]
    if tzid == "Asia/Shanghai":
        lines += list(ICS_TZ_BLOCK)
    elif tzid:
        raise ValueError("tzid must be 'Asia/Shanghai' or None (floating local time)")
    for rec in mine.sort_values(["day", "seq"]).itertuples(index=False):
        date = dt.date.fromisoformat(rec.date)
        uid = hashlib.sha1(f"{rep_id}|{rec.date}|{rec.outlet_id}".encode("utf-8")).hexdigest()
        address = extra.get(str(rec.outlet_id), {}).get("address", "")
        desc = (f"Stop {rec.seq} on day {rec.day}. Outlet {rec.outlet_id}. Opening hours "
                f"{_window(plan, str(rec.outlet_id))}. Arrive {hms(rec.arrival)[:5]}"
                + (f", wait {rec.wait_s // 60} min" if rec.wait_s >= 60 else "") + ".")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@storeplan",
            f"DTSTAMP:{stamp}",
            _ics_time(date, rec.start, tzid, "DTSTART"),
            _ics_time(date, rec.departure, tzid, "DTEND"),
            f"SUMMARY:{ics_escape(f'{rec.name} ({rec.outlet_id})' if rec.name else str(rec.outlet_id))}",
            f"LOCATION:{ics_escape(address or rec.name)}",
            f"GEO:{rec.lat:.6f};{rec.lon:.6f}",
            f"DESCRIPTION:{ics_escape(desc)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(ics_fold(line) for line in lines)


# ---------------------------------------------------------------------- GPX / KML
def _nav_coords(plan: FieldPlan, r: int, mine: pd.DataFrame, nav_crs: str):
    """(lon, lat) per outlet id plus 'home'/'end' for rep ``r`` in the navigation system."""
    inp = plan.inputs
    ids = list(mine["outlet_id"])
    lon = np.concatenate([mine["lon"].to_numpy(float), [inp.home_lon[r], inp.end_lon[r]]])
    lat = np.concatenate([mine["lat"].to_numpy(float), [inp.home_lat[r], inp.end_lat[r]]])
    if nav_crs.lower() in ("gcj02", "gcj-02"):
        from gis.coords import wgs84_to_gcj02

        lon, lat = wgs84_to_gcj02(lon, lat)
    elif nav_crs.lower() not in ("wgs84", "wgs-84", "epsg:4326"):
        raise ValueError("nav_crs must be 'wgs84' or 'gcj02'")
    out = {oid: (float(x), float(y)) for oid, x, y in zip(ids, lon[:-2], lat[:-2])}
    out["__home__"] = (float(lon[-2]), float(lat[-2]))
    out["__end__"] = (float(lon[-1]), float(lat[-1]))
    return out


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def gpx_bytes(plan: FieldPlan, r: int, mine: pd.DataFrame, coords) -> bytes:
    inp = plan.inputs
    ns = "http://www.topografix.com/GPX/1/1"
    root = ET.Element("gpx", {"version": "1.1", "creator": "StorePlan", "xmlns": ns})
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "name").text = f"{inp.rep_ids[r]} {inp.rep_names[r]}".strip()
    days = sorted(mine.groupby("day"), key=lambda x: x[0])
    for day, grp in days:
        for rec in grp.sort_values("seq").itertuples(index=False):
            x, y = coords[rec.outlet_id]
            w = ET.SubElement(root, "wpt", {"lat": f"{y:.7f}", "lon": f"{x:.7f}"})
            ET.SubElement(w, "name").text = f"D{int(day):02d}-{int(rec.seq):02d} {rec.name}".strip()
            ET.SubElement(w, "desc").text = (f"{rec.date} {hms(rec.start)[:5]}–"
                                             f"{hms(rec.departure)[:5]} {rec.outlet_id}")
            ET.SubElement(w, "type").text = "visit"
    for day, grp in days:
        rte = ET.SubElement(root, "rte")
        ET.SubElement(rte, "name").text = f"Day {int(day)} {grp['date'].iloc[0]}"
        pts = [("Home", coords["__home__"])]
        pts += [(f"{int(rec.seq)}. {rec.name}".strip(), coords[rec.outlet_id])
                for rec in grp.sort_values("seq").itertuples(index=False)]
        pts.append(("End" if inp.has_end[r] else "Home", coords["__end__"]))
        for name, (x, y) in pts:
            p = ET.SubElement(rte, "rtept", {"lat": f"{y:.7f}", "lon": f"{x:.7f}"})
            ET.SubElement(p, "name").text = name
    return _xml(root)


def kml_bytes(plan: FieldPlan, r: int, mine: pd.DataFrame, coords) -> bytes:
    inp = plan.inputs
    root = ET.Element("kml", {"xmlns": "http://www.opengis.net/kml/2.2"})
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = f"{inp.rep_ids[r]} {inp.rep_names[r]}".strip()
    for day, grp in sorted(mine.groupby("day"), key=lambda x: x[0]):
        folder = ET.SubElement(doc, "Folder")
        ET.SubElement(folder, "name").text = f"Day {int(day)} {grp['date'].iloc[0]}"
        line = [coords["__home__"]]
        for rec in grp.sort_values("seq").itertuples(index=False):
            x, y = coords[rec.outlet_id]
            line.append((x, y))
            pm = ET.SubElement(folder, "Placemark")
            ET.SubElement(pm, "name").text = f"{int(rec.seq)}. {rec.name}".strip()
            ET.SubElement(pm, "description").text = (
                f"{rec.outlet_id} · {hms(rec.start)[:5]}–{hms(rec.departure)[:5]}")
            pt = ET.SubElement(pm, "Point")
            ET.SubElement(pt, "coordinates").text = f"{x:.7f},{y:.7f},0"
        line.append(coords["__end__"])
        pm = ET.SubElement(folder, "Placemark")
        ET.SubElement(pm, "name").text = f"Route day {int(day)}"
        ls = ET.SubElement(pm, "LineString")
        ET.SubElement(ls, "tessellate").text = "1"
        ET.SubElement(ls, "coordinates").text = " ".join(f"{x:.7f},{y:.7f},0" for x, y in line)
    return _xml(root)

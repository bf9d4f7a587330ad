"""The strategy workbook (``strategy.xlsx``), written with xlsxwriter.

One sheet per result table (districts, outlet scores and tiers, expansion list, sites, outlet
strategy, routes, rep summary, visits not planned) after a summary sheet that names what is
missing. Every sheet has headers in the user's language, a frozen header row and key column, an
autofilter over the data, number formats by column (money with thousands separators, shares as
percentages, times of day as ``hh:mm``, durations in minutes, distances in kilometres), widths
fitted to the content and tier cells coloured like the maps (conditional formats, so they follow
a user's edits and sorting).

User text is never turned into formulas or links (``strings_to_formulas`` off): an outlet named
``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from gis import progress as prog
from gis.export import frames, labels
from gis.export.options import ExportOptions
from gis.maprender.classify import TIER_COLORS

log = logging.getLogger(__name__)

MAX_ROWS = 1_048_575  # Excel's row limit less the header
NAVY = "#1f3a5f"

AMOUNT = {"sales", "potential", "potential_low", "potential_high", "gap", "expected_sales", "cannibalized_sales",
          "net_sales", "marginal_net_sales", "sales_in_plan", "headroom", "potential_total", "potential_covered",
          "spend", "demand", "opportunity", "purchasing_power", "residents", "workers", "visitors", "population",
          "ta", "ta_population", "sales_per_capita"}
SHARE = {"coverage_numeric", "coverage_weighted", "probability", "tier_stability", "channel_confidence"}
COORD = {"lat", "lon", "end_lat", "end_lon"}
TIME_OF_DAY = {"arrival", "start", "departure", "leave", "back", "break_start", "break_end", "open_time",
               "close_time", "shift_start", "shift_end"}
SECONDS = {"travel_s", "wait_s", "service_s", "working_s"}
METRES = {"travel_m"}
ORDINAL = {"rank", "seq", "day", "pick_order", "rank_in_district", "priority", "rank_low", "rank_high"}
DATES = {"date"}
KEY_COLUMNS = ("district", "outlet_id", "site_id", "rep_id")


@dataclass(frozen=True)
class Sheet:
    key: str  # result name (for "missing" notes)
    zh: str
    en: str
    build: Callable  # (project, district) -> DataFrame | None


def _districts(project, district):
    return frames.ranking_frame(project, district)


def _scores(project, district):
    scores = project.results.get("outlet_scores")
    if not isinstance(scores, pd.DataFrame):
        return None
    scores = scores.drop(columns=[c for c in scores.columns if str(c).startswith("ch_")])  # one-hot helpers
    return frames.in_district(scores, district).reset_index(drop=True)


def _sites(project, district):
    return frames.sites_frame(project, district)


def _with_rep_names(project, frame):
    reps = frames.rep_frame(project)
    if frame is None or reps is None or "name" not in reps.columns or "rep_id" not in frame.columns:
        return frame
    names = reps.set_index("rep_id")["name"]
    out = frame.assign(rep_id=frame["rep_id"].astype("string"))
    out.insert(int(out.columns.get_loc("rep_id")) + 1, "rep_name", out["rep_id"].map(names))
    if "name" in out.columns and "outlet_id" not in out.columns:
        out = out.drop(columns="name")
    return out


def _routes(project, district):
    routes = frames.routes_frame(project, district)
    return _with_rep_names(project, routes)


def _rep_summary(project, district):
    table = project.results.get("rep_summary")
    if not isinstance(table, pd.DataFrame):
        return None
    if district is not None:  # the rep-days with a visit in the district
        routes = frames.routes_frame(project, district)
        if routes is None:
            return table.iloc[0:0]
        keys = set(zip(routes["rep_id"].astype(str), routes["day"]))
        keep = [(str(r), d) in keys for r, d in zip(table["rep_id"], table["day"])] if "day" in table \
            else table["rep_id"].astype(str).isin({k[0] for k in keys}).tolist()
        table = table.loc[np.asarray(keep, dtype=bool)]
    return _with_rep_names(project, table.reset_index(drop=True))


def _unscheduled(project, district):
    table = project.results.get("unscheduled")
    if not isinstance(table, pd.DataFrame):
        return None
    if district is not None and "outlet_id" in table.columns:
        table = table.assign(outlet_id=table["outlet_id"].astype("string")).merge(
            frames.outlet_district(project), on="outlet_id", how="left")
        table = frames.in_district(table, district)
    return table.reset_index(drop=True)


SHEETS = (
    Sheet("district_ranking", "片区排名", "Districts", _districts),
    Sheet("outlet_scores", "售点评分", "Outlet scores", _scores),
    Sheet("expansion_list", "拓展名单", "Expansion list", frames.expansion_frame),
    Sheet("sites", "选址", "Sites", _sites),
    Sheet("outlet_strategy", "铺货策略", "Outlet strategy", frames.strategy_frame),
    Sheet("routes", "拜访路线", "Routes", _routes),
    Sheet("rep_summary", "业务员汇总", "Rep summary", _rep_summary),
    Sheet("unscheduled", "未排拜访", "Visits not planned", _unscheduled),
)


# ---------------------------------------------------------------------------------------------
# columns


def column_kind(name: str, series: pd.Series) -> str:
    """How a column is written: text, flag, tier, channel, cell, date, clock, minutes, km, coord,
    share, amount, ordinal, int or float."""
    if name == "tier":
        return "tier"
    if name == "channel":
        return "channel"
    if name == "cell":
        return "cell"
    if pd.api.types.is_bool_dtype(series.dtype) or name in ("covered", "chosen", "tied", "break_before"):
        return "flag"
    if name in DATES:
        return "date"
    if not pd.api.types.is_numeric_dtype(series.dtype):
        return "text"
    if name in TIME_OF_DAY:
        return "clock"
    if name in SECONDS:
        return "minutes"
    if name in METRES:
        return "km"
    if name in COORD:
        return "coord"
    if name in SHARE or name.endswith("_share"):
        return "share"
    if name in ORDINAL:
        return "ordinal"
    if name in AMOUNT or name.startswith("outlets_") or name.startswith("covered_") or name.startswith("prospects_"):
        return "amount"
    if pd.api.types.is_integer_dtype(series.dtype):
        return "int"
    return "float"


NUMBER_FORMATS = {
    "amount": "#,##0", "int": "#,##0", "ordinal": "0", "float": "#,##0.00", "share": "0.0%",
    "coord": "0.000000", "clock": "hh:mm", "minutes": "#,##0", "km": "#,##0.0", "date": "yyyy-mm-dd",
}
SCORE_COLUMNS = re.compile(r"^(score|priority_score|score_\w+|pts_\w+)$")


def _floats(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _cells_of(values: np.ndarray) -> list:
    out = np.asarray(values, dtype=object)
    bad = ~np.isfinite(values)
    out[bad] = None
    return out.tolist()


def column_values(series: pd.Series, kind: str, lang: str) -> list:
    """The cell values of a column (None for blank cells), converted to what its format shows."""
    if kind in ("amount", "int", "ordinal", "float", "share", "coord"):
        return _cells_of(_floats(series))
    if kind == "clock":
        return _cells_of(frames.seconds_of_day(series).to_numpy(dtype=float) / 86400.0)
    if kind == "minutes":
        return _cells_of(_floats(series) / 60.0)
    if kind == "km":
        return _cells_of(_floats(series) / 1000.0)
    if kind == "date":
        parsed = pd.to_datetime(series, errors="coerce")
        return [None if pd.isna(v) else v.to_pydatetime() for v in parsed]
    missing = series.isna().to_numpy()
    if kind == "flag":
        flags = series.astype("boolean")
        return [None if m else labels.yes_no(bool(v), lang) for v, m in zip(flags.tolist(), missing)]
    if kind == "channel":
        return [None if m else labels.channel(v, lang) for v, m in zip(series.tolist(), missing)]
    if kind == "cell":
        from gis import hexgrid

        values = series.to_numpy()
        if pd.api.types.is_integer_dtype(series.dtype):
            return hexgrid.cells_to_str(values.astype(np.int64)).tolist()
        return [None if m else str(v) for v, m in zip(values.tolist(), missing)]
    return [None if m else str(v) for v, m in zip(series.astype(object).tolist(), missing)]


def _display_width(text: str) -> float:
    return sum(2.0 if ord(c) > 0x2E7F else 1.0 for c in text)


def _column_width(header: str, values: list, kind: str) -> float:
    fixed = {"clock": 7, "date": 11, "coord": 11, "share": 8, "tier": 6, "ordinal": 7, "minutes": 9, "km": 9,
             "flag": 6}
    width = fixed.get(kind)
    if width is None:
        sample = [v for v in values[:500] if v is not None]
        if kind in ("amount", "int", "float"):
            longest = max((len(f"{v:,.0f}") for v in sample), default=4) + (3 if kind == "float" else 0)
        else:
            longest = max((_display_width(str(v)) for v in sample), default=4)
        width = longest + 2
    head = max((_display_width(part) for part in header.split()), default=4) + 2
    return float(min(max(width, head if kind != "text" else min(head, 40), 6), 60))


# ---------------------------------------------------------------------------------------------
# writing


class _Formats:
    def __init__(self, book):
        self.book = book
        self._cache: dict = {}
        self.header = book.add_format({"bold": True, "font_color": "#ffffff", "bg_color": NAVY, "text_wrap": True,
                                       "valign": "vcenter", "align": "center", "border": 1,
                                       "border_color": "#ffffff", "font_size": 10})
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": NAVY})
        self.label = book.add_format({"bold": True, "font_color": "#4a5568"})
        self.note = book.add_format({"font_color": "#718096", "italic": True})
        self.missing = book.add_format({"font_color": "#c53030"})
        self.tiers = {t: book.add_format({"bg_color": c, "font_color": "#ffffff" if t in ("A", "D") else "#1a202c",
                                          "bold": True, "align": "center"}) for t, c in TIER_COLORS.items()}

    def number(self, kind: str):
        fmt = NUMBER_FORMATS.get(kind)
        if fmt is None:
            return None
        if fmt not in self._cache:
            self._cache[fmt] = self.book.add_format({"num_format": fmt})
        return self._cache[fmt]


def _write_table(book, formats: _Formats, name: str, frame: pd.DataFrame, lang: str, progress) -> None:
    """One formatted sheet (the first ``MAX_ROWS`` rows of ``frame``)."""
    frame = frame.iloc[:MAX_ROWS]
    ws = book.add_worksheet(name)
    n, m = len(frame), len(frame.columns)
    ws.set_row(0, 32, formats.header)
    kinds = {}
    for j, column in enumerate(frame.columns):
        prog.check(progress)
        series = frame[column]
        kind = column_kind(str(column), series)
        kinds[column] = kind
        header = labels.header(str(column), lang)
        values = column_values(series, kind, lang)
        ws.write_string(0, j, header, formats.header)
        fmt = formats.number(kind)
        write = ws.write_datetime if kind == "date" else ws.write_number if kind in NUMBER_FORMATS \
            else ws.write_string
        for i, v in enumerate(values, start=1):  # blanks stay unwritten: the column format covers them
            if v is not None:
                write(i, j, v, fmt)
        ws.set_column(j, j, _column_width(header, values, kind), fmt)
        if kind == "tier" and n:
            for tier, tier_fmt in formats.tiers.items():
                ws.conditional_format(1, j, n, j, {"type": "cell", "criteria": "==", "value": f'"{tier}"',
                                                   "format": tier_fmt})
        elif SCORE_COLUMNS.match(str(column)) and kind in ("float", "amount") and n:
            ws.conditional_format(1, j, n, j, {"type": "data_bar", "bar_color": "#90cdf4", "data_bar_2010": False})
    keys = 0
    for k, column in enumerate(frame.columns[:3]):
        if column in KEY_COLUMNS or column in ("name", "rep_name"):
            keys = k + 1
    ws.freeze_panes(1, keys)
    if m:
        ws.autofilter(0, 0, max(n, 1), m - 1)


def _summary(book, formats: _Formats, project, options: ExportOptions, district, written: list, missing: list) -> None:
    lang = options.language
    def t(key: str, **values) -> str:
        return labels.text(key, lang, **values)

    ws = book.add_worksheet(t("summary"))
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, options.title or project.name, formats.title)
    ws.set_row(0, 24)
    rows = [(t("project"), project.name), (t("scope"), district.name if district else t("whole_area")),
            (t("prepared"), options.date_text())]
    r = 2
    for label, value in rows:
        ws.write_string(r, 0, label, formats.label)
        ws.write_string(r, 1, str(value))
        r += 1
    r += 1
    ws.write_string(r, 0, t("sheet"), formats.header)
    ws.write_string(r, 1, t("rows_n"), formats.header)
    r += 1
    for sheet_name, info in written:
        ws.write_url(r, 0, f"internal:'{sheet_name}'!A1", string=sheet_name)
        note = f"{info['rows']:,}"
        if info["truncated"]:
            note += " · " + t("truncated", n=f"{MAX_ROWS:,}")
        ws.write_string(r, 1, note)
        r += 1
    if missing:
        r += 1
        ws.write_string(r, 0, t("missing"), formats.label)
        r += 1
        ws.write_string(r, 0, t("missing_note"), formats.note)
        r += 1
        for name in missing:
            ws.write_string(r, 0, labels.result_name(name, lang), formats.missing)
            ws.write_string(r, 1, t("not_run"), formats.missing)
            r += 1
    r += 1
    from gis.export.printmap import source_text

    ws.write_string(r, 0, source_text(project, lang), formats.note)


def build_workbook(project, options: ExportOptions, path, progress=None) -> Path:
    """Write the workbook to ``path`` (the caller makes the write atomic)."""
    import xlsxwriter

    progress = prog.ensure(progress)
    lang = options.language
    district = frames.resolve_district(project, options.district)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False, "nan_inf_to_errors": True,
                                           "default_date_format": "yyyy-mm-dd"})
    try:
        book.set_properties({"title": options.title or project.name, "author": "StorePlan",
                             "company": "StorePlan", "comments": labels.text("app", lang),
                             "created": _dt.datetime.combine(_dt.date.fromisoformat(options.date_text()),
                                                             _dt.time(12))})
        formats = _Formats(book)
        tables = []
        missing = []
        for i, sheet in enumerate(SHEETS):
            prog.check(progress)
            progress.report(0.05 + 0.15 * i / len(SHEETS), f"preparing {sheet.en}")
            frame = sheet.build(project, district)
            if frame is None:
                missing.append(sheet.key)
                continue
            tables.append((sheet.zh if lang == "zh" else sheet.en, frame))
        overview = [(name, {"rows": min(len(frame), MAX_ROWS), "truncated": len(frame) > MAX_ROWS})
                    for name, frame in tables]
        _summary(book, formats, project, options, district, overview, missing)
        for i, (name, frame) in enumerate(tables):
            progress.report(0.2 + 0.7 * i / max(len(tables), 1), f"writing {name}")
            _write_table(book, formats, name, frame, lang, progress)
        prog.check(progress)
        progress.report(0.92, "saving")
    except BaseException:
        book.fileclosed = True  # nothing to save: the caller removes the partial file
        raise
    book.close()
    progress.report(1.0, "")
    return Path(path)

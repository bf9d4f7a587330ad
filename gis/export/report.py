"""The executive pack (``report.pdf``): cover, headline figures, district ranking, one section per
district, methods and data sources.

Laid out with reportlab's platypus in the bundled CJK font (embedded as a subset, so Chinese text
stays searchable and prints anywhere); maps are drawn by :mod:`gis.export.printmap` and placed as
images. Every section uses whatever results exist: a missing result drops its table or map and
is named on the "not included" list, it never stops the report. With ``options.district`` the
pack covers that district alone.
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd
from PIL import Image
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak, PageTemplate,
    Paragraph, Spacer, Table, TableStyle,
)

from gis import progress as prog
from gis.export import frames, labels, printmap
from gis.export.fonts import matplotlib_rc, reportlab_font
from gis.export.options import ExportOptions
from gis.maprender.classify import TIER_COLORS

log = logging.getLogger(__name__)

NAVY = "#1f3a5f"
ACCENT = "#2b6cb0"
INK = "#2d3748"
MUTED = "#718096"
BAND = "#edf2f7"
ZEBRA = "#f7fafc"
GRID = "#e2e8f0"
HIGHLIGHT = "#fefcbf"
MAP_DPI = 200  # images in the report: sharp in print, a report of ~10 MB for a city
TOP_N = 10


@dataclass(frozen=True)
class _Ctx:
    project: object
    options: ExportOptions
    lang: str
    font: str
    styles: dict
    width: float  # frame width, points
    height: float  # frame height, points

    def t(self, key: str, **values) -> str:
        return labels.text(key, self.lang, **values)

    @property
    def dpi(self) -> int:
        return min(self.options.dpi, MAP_DPI)


# ---------------------------------------------------------------------------------------------
# styles and small flowables


def _styles(font: str, lang: str) -> dict:
    wrap = "CJK" if lang == "zh" else None
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, textColor=INK, wordWrap=wrap,
                          bulletFontName=font)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=MUTED),
        "h1": ParagraphStyle("h1", parent=base, fontSize=19, leading=24, textColor=NAVY, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=17, textColor=NAVY, spaceBefore=8,
                             spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9.5, leading=13, textColor=MUTED, spaceAfter=6),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.8, leading=10),
        "cell_r": ParagraphStyle("cell_r", parent=base, fontSize=7.8, leading=10, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontSize=7.8, leading=10, textColor="#ffffff"),
        "head_r": ParagraphStyle("head_r", parent=base, fontSize=7.8, leading=10, textColor="#ffffff",
                                 alignment=TA_RIGHT),
        "kpi_value": ParagraphStyle("kpi_value", parent=base, fontSize=16, leading=20, textColor=NAVY),
        "kpi_label": ParagraphStyle("kpi_label", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "kpi_value_s": ParagraphStyle("kpi_value_s", parent=base, fontSize=12, leading=15, textColor=NAVY),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, textColor=MUTED),
        "tier": ParagraphStyle("tier", parent=base, fontSize=7.8, leading=10, alignment=TA_CENTER,
                               textColor="#ffffff"),
        "group": ParagraphStyle("group", parent=base, fontSize=8.5, leading=11, textColor=ACCENT, spaceBefore=4,
                                spaceAfter=3),
    }


def _esc(value) -> str:
    return "" if labels.is_missing(value) else escape(str(value))


def _heading(ctx: _Ctx, text: str, level: int = 0, section: str | None = None):
    p = Paragraph(_esc(text), ctx.styles["h1" if level == 0 else "h2"])
    p._outline = (text, level)
    p._section = section if section is not None else (text if level == 0 else None)
    return p


def _para(ctx: _Ctx, text: str, style: str = "body"):
    return Paragraph(_esc(text), ctx.styles[style])


class _Picture(Flowable):
    """A PIL image (or PNG bytes) drawn at a fixed size in points."""

    def __init__(self, picture, width: float, height: float):
        super().__init__()
        source = io.BytesIO(picture) if isinstance(picture, (bytes, bytearray)) else picture
        self._reader = ImageReader(source)
        self.width, self.height = width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.drawImage(self._reader, 0, 0, self.width, self.height)


def _image(picture, width: float, height: float) -> _Picture:
    return _Picture(picture, width, height)


def _kpi_cards(ctx: _Ctx, items: list[tuple[str, str]], per_row: int = 4, small: bool = False):
    """Cards of (value, label) in rows of ``per_row``."""
    if not items:
        return None
    gap = 4
    w = (ctx.width - gap * (per_row - 1)) / per_row
    cells, row = [], []
    for value, label in items:
        row.append([Paragraph(_esc(value), ctx.styles["kpi_value_s" if small else "kpi_value"]),
                    Paragraph(_esc(label), ctx.styles["kpi_label"])])
        if len(row) == per_row:
            cells.append(row)
            row = []
    if row:
        cells.append(row + [""] * (per_row - len(row)))
    widths = []
    for k in range(per_row):
        widths += [w] + ([gap] if k < per_row - 1 else [])
    data = [sum(([c] + ([""] if k < per_row - 1 else []) for k, c in enumerate(r)), []) for r in cells]
    table = Table(data, colWidths=widths, hAlign="LEFT")
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), ctx.font),
             ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
             ("LEFTPADDING", (0, 0), (-1, -1), 8)]
    for r, cells_row in enumerate(cells):
        for k, c in enumerate(cells_row):
            if c == "":
                continue
            col = 2 * k
            style += [("BACKGROUND", (col, r), (col, r), colors.HexColor(BAND)),
                      ("LINEBEFORE", (col, r), (col, r), 2.5, colors.HexColor(ACCENT))]
    table.setStyle(TableStyle(style))
    return table


@dataclass(frozen=True)
class _Col:
    column: str
    kind: str = "text"  # text, int, amount, number, percent, tier, channel, km
    width: float = 1.0  # relative
    label: str = ""


def _cell(ctx: _Ctx, value, kind: str):
    if kind == "int":
        return Paragraph(labels.integer(value), ctx.styles["cell_r"])
    if kind == "amount":
        return Paragraph(labels.integer(value), ctx.styles["cell_r"])
    if kind == "number":
        return Paragraph(labels.number(value, 1), ctx.styles["cell_r"])
    if kind == "percent":
        return Paragraph(labels.percent(value), ctx.styles["cell_r"])
    if kind == "channel":
        return Paragraph(_esc(labels.channel(value, ctx.lang)), ctx.styles["cell"])
    if kind == "tier":
        known = str(value) in TIER_COLORS
        return Paragraph(_esc(value), ctx.styles["tier" if known else "cell"])
    if kind == "km":
        v = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        return Paragraph(labels.number(v / 1000.0, 1), ctx.styles["cell_r"])
    return Paragraph(_esc(value), ctx.styles["cell"])


def _data_table(ctx: _Ctx, frame: pd.DataFrame, cols: list[_Col], width: float | None = None,
                highlight: np.ndarray | None = None):
    """A formatted table: navy header, zebra rows, numbers right-aligned, tier cells coloured."""
    cols = [c for c in cols if c.column in frame.columns]
    width = width or ctx.width
    total = sum(c.width for c in cols)
    widths = [width * c.width / total for c in cols]
    right = {"int", "amount", "number", "percent", "km"}
    head = [Paragraph(_esc(c.label or labels.header(c.column, ctx.lang)),
                      ctx.styles["head_r" if c.kind in right else "head"]) for c in cols]
    rows = [head]
    for rec in frame[[c.column for c in cols]].itertuples(index=False):
        rows.append([_cell(ctx, v, c.kind) for v, c in zip(rec, cols)])
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(NAVY)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONTNAME", (0, 0), (-1, -1), ctx.font),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor(GRID)),
    ]
    for r in range(1, len(rows)):
        if r % 2 == 0:
            style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(ZEBRA)))
    if highlight is not None:
        for r in np.flatnonzero(highlight):
            style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor(HIGHLIGHT)))
    for k, c in enumerate(cols):
        if c.kind != "tier":
            continue
        for r, v in enumerate(frame[c.column].tolist(), start=1):
            color = TIER_COLORS.get(str(v))
            if color:
                style.append(("BACKGROUND", (k, r), (k, r), colors.HexColor(color)))
    table.setStyle(TableStyle(style))
    return table


def _side_by_side(ctx: _Ctx, left, right, left_width: float, gap: float = 10):
    table = Table([[left, right]], colWidths=[left_width, ctx.width - left_width],
                  hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), ctx.font),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (0, 0), gap),
                               ("RIGHTPADDING", (1, 0), (1, 0), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _landscape(ctx: _Ctx) -> bool:
    return ctx.width > ctx.height


# ---------------------------------------------------------------------------------------------
# figures


@dataclass(frozen=True)
class Figures:
    """The headline numbers of the project (or of one district)."""

    outlets: int | None = None
    covered: int | None = None
    sales: float | None = None
    potential: float | None = None
    headroom: float | None = None
    expansion_n: int | None = None
    expansion_net: float | None = None
    sites_n: int | None = None
    sites_net: float | None = None
    sites_cannibalized: float | None = None
    reps: int | None = None
    visits: int | None = None
    days: int | None = None
    travel_h: float | None = None
    unscheduled: int | None = None

    @property
    def coverage(self) -> float | None:
        if self.outlets:
            return (self.covered or 0) / self.outlets
        return None


def _sum(frame: pd.DataFrame | None, column: str) -> float | None:
    if frame is None or column not in frame.columns:
        return None
    v = pd.to_numeric(frame[column], errors="coerce")
    return float(v.sum()) if v.notna().any() else None


def figures(project, district: frames.District | None = None) -> Figures:
    """Headline numbers from whatever tables exist (None where a number cannot be known)."""
    out: dict = {}
    outlets = frames.outlet_frame(project, district)
    if outlets is not None:
        out["outlets"] = int(len(outlets))
        covered = outlets["covered"].astype("boolean").fillna(True) if "covered" in outlets else None
        out["covered"] = int(covered.sum()) if covered is not None else len(outlets)
        if "sales" in outlets.columns and covered is not None:
            out["sales"] = _sum(outlets.loc[covered.to_numpy(bool)], "sales")
        out["potential"] = _sum(outlets, "potential")
    ranking = frames.ranking_frame(project, district)
    if ranking is not None:
        out["headroom"] = _sum(ranking, "headroom")
    exp = frames.expansion_frame(project, district)
    if exp is not None:
        out["expansion_n"] = int(len(exp))
        out["expansion_net"] = _sum(exp, "net_sales")
    sites = frames.sites_frame(project, district, chosen_only=True)
    if sites is not None:
        out["sites_n"] = int(len(sites))
        net = "marginal_net_sales" if "marginal_net_sales" in sites.columns else "net_sales"
        out["sites_net"] = _sum(sites, net)
        out["sites_cannibalized"] = _sum(sites, "cannibalized_sales")
    routes = frames.routes_frame(project, district)
    if routes is not None:
        out["reps"] = int(routes["rep_id"].nunique())
        out["visits"] = int(len(routes))
        out["days"] = int(routes["day"].nunique())
        travel = _sum(routes, "travel_s")
        out["travel_h"] = travel / 3600 if travel is not None else None
    unscheduled = project.results.get("unscheduled")
    if isinstance(unscheduled, pd.DataFrame) and "visits_missing" in unscheduled.columns:
        u = unscheduled
        if district is not None and "outlet_id" in u.columns:
            u = u.merge(frames.outlet_district(project), on="outlet_id", how="left")
            u = u.loc[u["district"].isin(list(district.keys())).fillna(False).to_numpy(bool)]
        out["unscheduled"] = int(pd.to_numeric(u["visits_missing"], errors="coerce").fillna(0).sum())
    return Figures(**out)


def _kpi_groups(ctx: _Ctx, f: Figures) -> list[tuple[str, list[tuple[str, str]]]]:
    """Headline numbers in three groups: market and coverage, expansion and siting, field execution."""
    t, lang = ctx.t, ctx.lang
    market, growth, field_ = [], [], []
    if f.outlets is not None:
        market += [(labels.integer(f.outlets), t("outlets_total")),
                   (labels.percent(f.coverage), f"{t('coverage')} · {labels.integer(f.covered)} {t('covered')}")]
    if f.sales is not None:
        market.append((labels.amount(f.sales, lang), t("sales")))
    if f.potential is not None:
        market.append((labels.amount(f.potential, lang), t("potential")))
    if f.headroom is not None:
        market.append((labels.amount(f.headroom, lang), t("headroom")))
    if f.expansion_n is not None:
        growth.append((labels.integer(f.expansion_n), t("expansion_n")))
        if f.expansion_net is not None:
            growth.append((labels.amount(f.expansion_net, lang), t("expansion_sales")))
    if f.sites_n is not None:
        growth.append((labels.integer(f.sites_n), t("sites_n")))
        if f.sites_net is not None:
            growth.append((labels.amount(f.sites_net, lang), t("sites_sales")))
        if f.sites_cannibalized is not None:
            growth.append((labels.amount(f.sites_cannibalized, lang), t("cannibalized")))
    if f.visits is not None:
        field_ += [(labels.integer(f.reps), t("reps")), (labels.integer(f.visits), t("visits")),
                   (labels.integer(f.days), t("working_days"))]
        if f.travel_h is not None:
            field_.append((t("hours", v=labels.number(f.travel_h, 0)), t("travel")))
    if f.unscheduled is not None:
        field_.append((labels.integer(f.unscheduled), t("unscheduled")))
    groups = [(t("group_market"), market), (t("group_growth"), growth), (t("group_field"), field_)]
    return [(title, items) for title, items in groups if items]


def _kpi_block(ctx: _Ctx, groups, per_row: int = 5, small: bool = False) -> list:
    out = []
    for title, items in groups:
        out.append(_para(ctx, title, "group"))
        for start in range(0, len(items), per_row):
            out += [_kpi_cards(ctx, items[start:start + per_row], per_row=per_row, small=small), Spacer(1, 5)]
    return out


def _findings(ctx: _Ctx, f: Figures, district: frames.District | None) -> list[str]:
    t, lang = ctx.t, ctx.lang
    out = []
    ranking = frames.ranking_frame(ctx.project)
    if ranking is not None and district is None and "district" in ranking.columns and len(ranking):
        names = ranking["district"].astype(str).head(3).tolist()
        out.append(t("finding_top", names=("、" if lang == "zh" else ", ").join(names)))
        if "headroom" in ranking.columns and ranking["headroom"].notna().any():
            best = ranking.loc[pd.to_numeric(ranking["headroom"], errors="coerce").idxmax()]
            out.append(t("finding_headroom", name=best["district"], v=labels.amount(best["headroom"], lang)))
    if f.outlets:
        out.append(t("finding_coverage", v=labels.percent(f.coverage), covered=labels.integer(f.covered),
                     total=labels.integer(f.outlets)))
    if f.expansion_n:
        out.append(t("finding_expansion", n=labels.integer(f.expansion_n), v=labels.amount(f.expansion_net, lang)))
    if f.sites_n:
        out.append(t("finding_sites", n=labels.integer(f.sites_n), v=labels.amount(f.sites_net, lang),
                     c=labels.amount(f.sites_cannibalized, lang)))
    if f.visits:
        out.append(t("finding_routes", reps=labels.integer(f.reps), visits=labels.integer(f.visits),
                     days=labels.integer(f.days), missing=labels.integer(f.unscheduled or 0)))
    return out


# ---------------------------------------------------------------------------------------------
# sections


def _cover(ctx: _Ctx, layers: printmap.MapLayers, district, cover_box: tuple[float, float]) -> list:
    w, h = cover_box
    story: list = []
    if layers.bounds(district) is None:
        return [Spacer(1, h / 2 - 20), _para(ctx, ctx.t("no_data"), "center")]
    content = printmap.DISTRICT if district is not None else printmap.Content(routes=False)
    png = printmap.render_image(layers, content, district, w / 72 * 25.4, h / 72 * 25.4, ctx.dpi,
                                legend_mm=0.0, scale=0.9)
    story.append(_image(png, w, h))
    return story


def _kpi_page(ctx: _Ctx, f: Figures, district, missing: list[str]) -> list:
    t = ctx.t
    story = [_heading(ctx, t("kpis"))]
    if district is not None:
        story.append(_para(ctx, district.name, "sub"))
    groups = _kpi_groups(ctx, f)
    story += _kpi_block(ctx, groups, per_row=5, small=not _landscape(ctx)) if groups else \
        [_para(ctx, t("nothing_to_show"))]
    story.append(Spacer(1, 6))
    findings = [Paragraph(_esc(s), ctx.styles["bullet"], bulletText="•") for s in _findings(ctx, f, district)]
    chart = _district_chart(ctx, district)
    if findings and chart is not None and _landscape(ctx):
        left = [_heading(ctx, t("findings"), 1), *findings]
        story.append(_side_by_side(ctx, left, chart, ctx.width * 0.42, gap=16))
    else:
        if findings:
            story += [_heading(ctx, t("findings"), 1), *findings]
        if chart is not None:
            story += [Spacer(1, 6), chart]
    if missing:
        story.append(_heading(ctx, t("missing"), 1))
        story.append(_para(ctx, t("missing_note"), "small"))
        story += [Paragraph(_esc(labels.result_name(m, ctx.lang)), ctx.styles["bullet"], bulletText="–")
                  for m in missing]
    return story


def _district_chart(ctx: _Ctx, district):
    """Headroom per district (bars, best-ranked on top) with coverage beside each bar."""
    ranking = frames.ranking_frame(ctx.project)
    if ranking is None or not {"district", "headroom"} <= set(ranking.columns) or len(ranking) < 2:
        return None


    lang = ctx.lang
    r = ranking.head(20)
    values = pd.to_numeric(r["headroom"], errors="coerce").fillna(0).to_numpy(float)
    names = r["district"].astype(str).tolist()
    coverage = (pd.to_numeric(r["coverage_numeric"], errors="coerce").to_numpy(float)
                if "coverage_numeric" in r.columns else None)
    landscape = _landscape(ctx)
    w = ctx.width * (0.58 if landscape else 1.0) - (16 if landscape else 0)
    h = min(ctx.height * (0.5 if landscape else 0.38), 16 + 15 * len(r))
    scale, unit = (1e4, "万") if lang == "zh" else (1e6, "M")
    if values.max() < scale * 10:
        scale, unit = 1.0, ""
    with matplotlib.rc_context(matplotlib_rc()):
        fig = printmap.new_figure(w / 72 * 25.4, h / 72 * 25.4, ctx.dpi)
        ax = fig.add_axes([0.2, 0.06, 0.66, 0.84])
        y = np.arange(len(r))[::-1]
        highlight = np.array([district is not None and n in district.keys() for n in names])
        colors_ = np.where(highlight, "#d69e2e", ACCENT)
        ax.barh(y, values / scale, color=colors_, height=0.68)
        ax.set_yticks(y, names, fontsize=7.5, color=INK)
        ax.tick_params(axis="x", labelsize=7, colors=MUTED, length=0)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(GRID)
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        title = labels.text("chart_headroom", lang) + (f"（{unit}）" if unit and lang == "zh" else
                                                       f" ({unit})" if unit else "")
        fig.text(0.2, 0.955, title, fontsize=8.5, color=NAVY, ha="left", va="center")
        if coverage is not None:
            fig.text(0.93, 0.955, labels.text("coverage", lang), fontsize=7.5, color=MUTED, ha="center",
                     va="center")
            for yi, c in zip(y, coverage):
                ax.annotate(labels.percent(c, 0), (1.0, yi), xycoords=("axes fraction", "data"),
                            xytext=(26, 0), textcoords="offset points", ha="center", va="center",
                            fontsize=7.2, color=INK)
        fig.canvas.draw()

        picture = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy(), "RGB")
    return _image(picture, w, h)


RANKING_COLS = [
    _Col("rank", "int", 0.55), _Col("district", "text", 1.3), _Col("priority_score", "number", 0.9),
    _Col("outlets_total", "int", 0.8), _Col("coverage_numeric", "percent", 0.8), _Col("sales", "amount", 1.2),
    _Col("headroom", "amount", 1.2),
]


def _ranking(ctx: _Ctx, layers: printmap.MapLayers, district) -> list:
    t = ctx.t
    ranking = frames.ranking_frame(ctx.project)
    if ranking is None:
        return []
    story = [_heading(ctx, t("ranking"))]
    highlight = None
    if district is not None and "district" in ranking.columns:
        highlight = ranking["district"].astype(str).isin(list(district.keys())).to_numpy(bool)
    landscape = _landscape(ctx)
    table_w = ctx.width * (0.46 if landscape else 1.0)
    table = _data_table(ctx, ranking, RANKING_COLS, width=table_w, highlight=highlight)
    has_map = layers.districts is not None and "priority_score" in layers.districts.columns
    if not has_map:
        return story + [table]
    if landscape:
        map_w = ctx.width - table_w - 10
        map_h = min(ctx.height - 40, map_w * 0.95)
    else:
        map_w = ctx.width
        map_h = min(ctx.height * 0.48, map_w * 0.85)
    png = printmap.render_image(layers, printmap.RANKING, None, map_w / 72 * 25.4, map_h / 72 * 25.4, ctx.dpi,
                                legend_mm=32.0, scale=0.9)
    image = _image(png, map_w, map_h)
    if landscape:
        return story + [_side_by_side(ctx, image, table, map_w)]
    return story + [image, Spacer(1, 8), table]


TOP_OUTLET_COLS = [
    _Col("rank_in_district", "int", 0.5, "#"), _Col("name", "text", 1.9), _Col("channel", "channel", 0.9),
    _Col("tier", "tier", 0.55), _Col("score", "number", 0.6), _Col("sales", "amount", 0.95),
    _Col("potential", "amount", 0.95),
]
EXPANSION_COLS = [
    _Col("rank", "int", 0.45), _Col("outlet_id", "text", 0.9), _Col("name", "text", 2.0),
    _Col("channel", "channel", 0.9), _Col("tier", "tier", 0.45), _Col("expected_sales", "amount", 1.0),
    _Col("cannibalized_sales", "amount", 1.0), _Col("net_sales", "amount", 1.0),
]
SITE_COLS = [
    _Col("pick_order", "int", 0.6), _Col("site_id", "text", 1.4), _Col("expected_sales", "amount", 1.0),
    _Col("cannibalized_sales", "amount", 1.0), _Col("marginal_net_sales", "amount", 1.1),
]
STRATEGY_COLS = [
    _Col("segment", "text", 1.6), _Col("outlets", "int", 0.6), _Col("outlets_covered", "int", 0.7),
    _Col("price_band", "text", 0.9), _Col("promotion", "text", 1.2), _Col("visits_per_month", "number", 0.8),
]
REP_COLS = [
    _Col("rep_name", "text", 1.0), _Col("rep_id", "text", 0.9), _Col("outlets", "int", 0.8),
    _Col("visits", "int", 0.8), _Col("days", "int", 0.8), _Col("travel_m", "km", 1.2),
]


def _district_section(ctx: _Ctx, layers: printmap.MapLayers, district: frames.District, total: int) -> list:
    t = ctx.t
    project = ctx.project
    story: list = [_heading(ctx, _district_title(ctx, district))]
    ranking = frames.ranking_frame(project, district)
    sub = []
    if ranking is not None and len(ranking):
        row = ranking.iloc[0]
        if "rank" in ranking.columns and pd.notna(row["rank"]):
            sub.append(t("rank_of", rank=int(row["rank"]), total=total))
        if "priority_score" in ranking.columns and pd.notna(row["priority_score"]):
            sub.append(f"{t('priority')} {labels.number(row['priority_score'], 1)}")
    if sub:
        story.append(_para(ctx, " · ".join(sub), "sub"))
    f = figures(project, district)
    items = [item for _, group in _kpi_groups(ctx, f) for item in group]
    keep = {ctx.t(k) for k in ("outlets_total", "sales", "potential", "headroom", "expansion_n", "sites_n")}
    items = [i for i in items if i[1] in keep or i[1].startswith(ctx.t("coverage"))][:7]
    if items:
        story += [_kpi_cards(ctx, items, per_row=7 if _landscape(ctx) else 4, small=True), Spacer(1, 8)]

    outlets = frames.outlet_frame(project, district)
    top = None
    if outlets is not None and "score" in outlets.columns and len(outlets):
        top = outlets.sort_values("score", ascending=False, kind="stable").head(TOP_N)
    landscape = _landscape(ctx)
    has_map = layers.bounds(district) is not None
    side_w = ctx.width * 0.42 if landscape and has_map else ctx.width
    side: list = [_heading(ctx, t("top_outlets"), 1)]
    side.append(_data_table(ctx, top, TOP_OUTLET_COLS, width=side_w) if top is not None
                else _para(ctx, t("nothing_to_show"), "small"))
    sites = frames.sites_frame(project, district, chosen_only=True)
    if sites is not None:
        side += [Spacer(1, 8), _heading(ctx, t("sites"), 1)]
        side.append(_data_table(ctx, sites, SITE_COLS, width=side_w) if len(sites)
                    else _para(ctx, t("none_chosen"), "small"))
    if has_map:
        if landscape:
            map_w = ctx.width - side_w - 12
            map_h = ctx.height - 118
        else:
            map_w = ctx.width
            map_h = min(ctx.height * 0.45, map_w * 0.85)
        picture = printmap.render_image(layers, printmap.DISTRICT, district, map_w / 72 * 25.4,
                                        map_h / 72 * 25.4, ctx.dpi, legend_mm=34.0, scale=0.85)
        image = _image(picture, map_w, map_h)
        if landscape:
            story.append(_side_by_side(ctx, image, side, map_w, gap=12))
        else:
            story += [image, Spacer(1, 6), *side]
    else:
        story += side

    exp = frames.expansion_frame(project, district)
    if exp is not None:
        block = [_heading(ctx, t("expansion"), 1)]
        block.append(_data_table(ctx, exp.head(TOP_N), EXPANSION_COLS) if len(exp)
                     else _para(ctx, t("nothing_to_show"), "small"))
        story += [CondPageBreak(160), KeepTogether(block)]
    blocks = []
    summary = frames.strategy_summary(project, district)
    if summary is not None:
        blocks.append([_heading(ctx, t("strategy"), 1), _data_table(
            ctx, summary, STRATEGY_COLS, width=ctx.width * (0.52 if landscape else 1.0))])
    reps = frames.rep_coverage(project, district)
    if reps is not None:
        blocks.append([_heading(ctx, t("rep_coverage"), 1),
                       _data_table(ctx, reps, REP_COLS, width=ctx.width * (0.44 if landscape else 1.0))])
    if landscape and len(blocks) == 2:
        story += [CondPageBreak(120), Spacer(1, 8), _side_by_side(ctx, blocks[0], blocks[1], ctx.width * 0.52 + 16,
                                                                  gap=16)]
    else:
        for block in blocks:
            story += [CondPageBreak(100), Spacer(1, 8), KeepTogether(block)]
    return story


def _district_title(ctx: _Ctx, district: frames.District) -> str:
    return f"{ctx.t('district')} · {district.name}" if ctx.lang == "en" else f"{district.name}"


METHODS = {
    "zh": [
        ("片区洞察", "按片区汇总网格人口（居住、工作、到访）、目标人群、购买力、POI 与售点覆盖；优先级得分为各指标"
                   "标准化后的加权和（增长空间、购买力、目标人群、总潜力、未铺货售点为正向，铺货率为反向）。"),
        ("售点评分", "以 H3 商圈（带距离衰减的 k 环）计算每个售点周边的人口、消费与 POI 特征；潜力模型在已铺货售点"
                   "的实际销售额上交叉验证拟合；评分在片区内排序并分为 A/B/C/D 四级。"),
        ("拓展名单", "未铺货售点按预计净增销售额排序：预计销售额减去对周边已铺货售点的蚕食。"),
        ("选址", "Huff 概率模型估算候选点位的销售额与对自有门店的蚕食，以贪心加交换算法选出最佳点位组合。"),
        ("铺货策略", "按细分、等级与价格带给出铺货、价格与促销建议，拜访频次由等级决定。"),
        ("拜访执行", "按片区划分业务员辖区，排定拜访日历，并在营业时间与班次约束下优化每日拜访路线。"),
    ],
    "en": [
        ("District insight", "Grid population (residents, workers, visitors), target audience, purchasing power, "
                             "POIs and outlet coverage per district; the priority score is a weighted sum of the "
                             "scaled metrics (headroom, purchasing power, target audience, potential and prospects "
                             "count up, coverage counts down)."),
        ("Outlet scoring", "Catchment features on H3 rings with distance decay around every outlet; a potential "
                           "model cross-validated on covered outlets' actual sales; scores ranked within each "
                           "district and tiered A/B/C/D."),
        ("Expansion list", "Prospects ranked by expected net new sales: expected sales less what they take from "
                           "covered outlets nearby."),
        ("Store siting", "A Huff model estimates each candidate's sales and the share it takes from own stores; "
                         "a greedy search with swaps picks the best set of sites."),
        ("Distribution strategy", "Assortment, price band and promotion per segment, tier and price level; visit "
                                  "frequency set by tier."),
        ("Field execution", "Territories per rep, a visit calendar and optimised daily routes within opening "
                            "hours and shifts."),
    ],
}


def _methods(ctx: _Ctx, missing: list[str]) -> list:
    t = ctx.t
    project = ctx.project
    story = [_heading(ctx, t("methods"))]
    for title, body in METHODS[ctx.lang]:
        story.append(Paragraph(f"<font color='{NAVY}'>{_esc(title)}</font>　{_esc(body)}"
                               if ctx.lang == "zh" else f"<font color='{NAVY}'>{_esc(title)}.</font> {_esc(body)}",
                               ctx.styles["bullet"], bulletText="•"))
    res = int(project.settings.get("resolution", 9)) if project.settings else 9
    area = {7: 5.16, 8: 0.737, 9: 0.105, 10: 0.015, 11: 0.0021}.get(res)
    if area:
        story.append(_para(ctx, t("grid_resolution", res=res, area=f"{area:g}"), "small"))

    intake = (project.reports or {}).get("intake", {}) or {}
    rows = []
    for key, rep in intake.items():
        if not isinstance(rep, dict):
            continue
        kind = key.split(":")[0]
        rows.append({"kind": printmap.INPUT_KINDS.get(kind, (kind, kind))[0 if ctx.lang == "zh" else 1],
                     "file": Path(str(rep.get("file") or key)).name,
                     "rows": rep.get("rows_read"), "usable": rep.get("rows_usable"),
                     "crs": str(rep.get("crs") or "").upper()})
    if rows:
        story.append(_heading(ctx, t("inputs"), 1))
        cols = [_Col("kind", "text", 0.8, t("source")), _Col("file", "text", 2.0, t("file")),
                _Col("rows", "int", 0.7, t("rows")), _Col("usable", "int", 0.7, t("usable")),
                _Col("crs", "text", 0.7, t("crs"))]
        story.append(_data_table(ctx, pd.DataFrame(rows), cols))
    params = {k: v for k, v in (project.params or {}).items() if isinstance(v, dict) and v}
    if params:
        story.append(_heading(ctx, t("parameters"), 1))
        for stage, values in params.items():
            text = ", ".join(f"{k} = {_short(v)}" for k, v in values.items())
            story.append(Paragraph(f"{_esc(stage)}: {_esc(text)}", ctx.styles["bullet"], bulletText="–"))
    notes = (project.reports or {}).get("stages", {}) or {}
    if notes:
        story.append(_heading(ctx, t("stage_notes"), 1))
        for stage, note in notes.items():
            story.append(Paragraph(f"{_esc(stage)}: {_esc(note)}", ctx.styles["bullet"], bulletText="–"))
    if missing:
        story.append(_heading(ctx, t("missing"), 1))
        story += [Paragraph(f"{_esc(labels.result_name(m, ctx.lang))} ({_esc(t('not_run'))})", ctx.styles["bullet"],
                            bulletText="–") for m in missing]
    return story


# ---------------------------------------------------------------------------------------------
# document


def _page_size(options: ExportOptions) -> tuple[float, float]:
    w, h = options.page_mm
    return w * mm, h * mm


class _Canvas(canvas.Canvas):
    """Draws page headers and "page n of N" footers once the page count is known.

    ``furniture``: (title, footer text, language, font). Pages whose template marks them as
    cover (``_sp_cover``) get neither; the header's right side is the running section.
    """

    def __init__(self, *args, furniture=("", "", "zh", "Helvetica"), **kwargs):
        super().__init__(*args, **kwargs)
        self._furniture_text = furniture
        self._pages: list[dict] = []
        self._sp_cover = False
        self._sp_section = ""

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if not state.get("_sp_cover"):
                self._furniture(number, total)
            canvas.Canvas.showPage(self)
        canvas.Canvas.save(self)

    def _furniture(self, number: int, total: int) -> None:
        title, footer, lang, font = self._furniture_text
        w, h = self._pagesize
        self.saveState()
        self.setFont(font, 8)
        self.setFillColor(colors.HexColor(MUTED))
        self.drawString(15 * mm, h - 10 * mm, title)
        self.drawRightString(w - 15 * mm, h - 10 * mm, self._sp_section or "")
        self.setStrokeColor(colors.HexColor(GRID))
        self.setLineWidth(0.6)
        self.line(15 * mm, h - 12 * mm, w - 15 * mm, h - 12 * mm)
        self.line(15 * mm, 11 * mm, w - 15 * mm, 11 * mm)
        self.drawString(15 * mm, 7 * mm, footer)
        self.drawRightString(w - 15 * mm, 7 * mm, labels.text("page", lang, n=number, total=total))
        self.restoreState()


class _Document(BaseDocTemplate):
    """Adds a PDF bookmark and sets the running section for each heading flowable."""

    def afterFlowable(self, flowable):
        outline = getattr(flowable, "_outline", None)
        if outline:
            text, level = outline
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        section = getattr(flowable, "_section", None)
        if section:
            self.canv._sp_section = section


def build_report(project, options: ExportOptions, path, progress=None,
                 layers: printmap.MapLayers | None = None) -> Path:
    """Write the executive pack to ``path`` (the caller makes the write atomic); ``layers``:
    map layers already prepared with the same options."""
    progress = prog.ensure(progress)
    lang = options.language
    font = reportlab_font()
    district = frames.resolve_district(project, options.district)
    page_w, page_h = _page_size(options)
    margin_x, margin_top, margin_bottom = 15 * mm, 17 * mm, 15 * mm
    frame_w, frame_h = page_w - 2 * margin_x, page_h - margin_top - margin_bottom
    ctx = _Ctx(project, options, lang, font, _styles(font, lang), frame_w, frame_h)
    t = ctx.t
    title = options.title or project.name
    scope = district.name if district is not None else t("whole_area")
    missing = frames.missing_results(project)

    progress.report(0.0, "map layers")
    if layers is None:
        layers = printmap.MapLayers.prepare(project, options, prog.SubProgress(progress, 0.0, 0.25))
    prog.check(progress)

    landscape = options.orientation == "landscape"
    if landscape:
        panel_w = page_w * 0.38
        cover_frame = Frame(panel_w + 10 * mm, 12 * mm, page_w - panel_w - 22 * mm, page_h - 24 * mm,
                            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="cover")
    else:
        band_h = page_h * 0.36
        cover_frame = Frame(15 * mm, 15 * mm, page_w - 30 * mm, page_h - band_h - 25 * mm,
                            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="cover")

    def draw_cover(canv, doc):
        canv._sp_cover = True
        canv.saveState()
        navy = colors.HexColor(NAVY)
        if landscape:
            canv.setFillColor(navy)
            canv.rect(0, 0, panel_w, page_h, stroke=0, fill=1)
            x, top, width = 14 * mm, page_h - 24 * mm, panel_w - 28 * mm
        else:
            canv.setFillColor(navy)
            canv.rect(0, page_h - band_h, page_w, band_h, stroke=0, fill=1)
            x, top, width = 18 * mm, page_h - 26 * mm, page_w - 36 * mm
        canv.setFillColor(colors.HexColor("#90cdf4"))
        canv.setFont(font, 10)
        canv.drawString(x, top, t("app"))
        canv.setFillColor(colors.white)
        y = top - 20 * mm
        for line in _wrap(title, font, 26, width):
            canv.setFont(font, 26)
            canv.drawString(x, y, line)
            y -= 32
        y -= 4
        canv.setFont(font, 15)
        canv.setFillColor(colors.HexColor("#e2e8f0"))
        heading = t("report_title") if district is None else f"{t('district_pack')} · {district.name}"
        canv.drawString(x, y, heading)
        y -= 10 * mm
        canv.setFillColor(colors.HexColor("#90cdf4"))
        canv.rect(x, y, 22 * mm, 1.2 * mm, stroke=0, fill=1)
        y -= 9 * mm
        canv.setFont(font, 9.5)
        canv.setFillColor(colors.HexColor("#e2e8f0"))
        for line in _wrap(t("report_subtitle"), font, 9.5, width):
            canv.drawString(x, y, line)
            y -= 14
        bottom = 22 * mm if landscape else page_h - band_h + 12 * mm
        canv.setFont(font, 10)
        canv.setFillColor(colors.white)
        canv.drawString(x, bottom + 14, f"{t('scope')}：{scope}" if lang == "zh" else f"{t('scope')}: {scope}")
        canv.drawString(x, bottom, f"{t('prepared')}：{options.date_text()}" if lang == "zh"
                        else f"{t('prepared')}: {options.date_text()}")
        canv.restoreState()

    def content_page(canv, doc):
        canv._sp_cover = False

    body = Frame(margin_x, margin_bottom, frame_w, frame_h, leftPadding=0, rightPadding=0, topPadding=0,
                 bottomPadding=0, id="body")
    footer_left = f"{labels.text('app', lang)} · {options.date_text()}"
    doc = _Document(str(path), pagesize=(page_w, page_h), title=f"{title} · {t('report_title')}",
                    author="StorePlan", creator="StorePlan", subject=scope, initialFontName=font,
                    initialFontSize=9.5, leftMargin=margin_x, rightMargin=margin_x, topMargin=margin_top,
                    bottomMargin=margin_bottom)
    doc.addPageTemplates([PageTemplate("cover", [cover_frame], onPage=draw_cover),
                          PageTemplate("body", [body], onPage=content_page)])

    progress.report(0.25, "cover")
    story: list = []
    cover_box = (cover_frame._aW, cover_frame._aH)
    story += _cover(ctx, layers, district, cover_box)
    story += [NextPageTemplate("body"), PageBreak()]
    prog.check(progress)
    story += _kpi_page(ctx, figures(project, district), district, missing)
    progress.report(0.3, "district ranking")
    ranking = _ranking(ctx, layers, district)
    if ranking:
        story += [PageBreak()] + ranking
    prog.check(progress)
    districts = [district] if district is not None else frames.district_list(project)
    total = len(frames.district_list(project))
    for i, d in enumerate(districts):
        progress.report(0.3 + 0.55 * i / max(len(districts), 1), d.name)
        prog.check(progress)
        story += [PageBreak()] + _district_section(ctx, layers, d, total)
    story += [PageBreak()] + _methods(ctx, missing)
    prog.check(progress)
    progress.report(0.88, "writing the PDF")

    # binary image streams: reportlab's default ASCII85 encoding is slow in Python and 25 % larger
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story, canvasmaker=functools.partial(_Canvas, furniture=(title, footer_left, lang, font)))
    finally:
        rl_config.useA85 = a85
    progress.report(1.0, "")
    return Path(path)


def _short(value, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (characters for CJK, words otherwise)."""
    lines, line = [], ""
    tokens = list(text) if any(ord(c) > 0x2E7F for c in text) else text.split(" ")
    sep = "" if any(ord(c) > 0x2E7F for c in text) else " "
    for tok in tokens:
        trial = f"{line}{sep}{tok}" if line else tok
        if stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = tok
    if line:
        lines.append(line)
    return lines

"""Print-ready static maps (``map.png``, ``map.pdf`` and the report's map images), drawn with matplotlib.

The map looks like the interactive one: the same class breaks and colour ramps
(:func:`gis.maprender.classify.classify`, quantile YlOrRd for the grid metric, Blues for a
district choropleth), tier and channel colours, covered outlets as dots and prospects as rings,
orange halos on the expansion list, purple stars and dashed trade areas for chosen sites, one
colour per rep for routes. Longitude/latitude are drawn in an equirectangular projection with
the aspect of the map's central latitude, which is true to scale across a city.

:class:`MapLayers` prepares a project's layers once (H3 cell outlines are the slow part);
:meth:`MapLayers.draw` then draws any view of them — the whole area or one district, with the
outside masked — onto a map axes and a legend axes, and :func:`render_page` lays out a full
page with title, legend, scale bar, north arrow, source and date.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.patheffects as pe
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex, to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from PIL import Image
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

from gis import hexgrid, progress as prog
from gis.export import frames, labels
from gis.export.fonts import matplotlib_rc
from gis.export.options import ExportOptions
from gis.maprender.classify import (
    CHANNEL_COLORS, MISSING_COLOR, QUALITATIVE_COLORS, TIER_COLORS, Classes, Classification, assign,
    category_colors, classify,
)

log = logging.getLogger(__name__)

MM = 1 / 25.4  # inches per millimetre
INK = "#2d3748"
MUTED = "#6b7280"
RULE = "#cbd5e0"
MAP_BACKGROUND = "#f7f8fa"
DISTRICT_EDGE = "#4a5568"
EXPANSION_COLOR = "#ff9f00"
SITE_COLOR = "#6d28d9"
HEX_OPACITY = 0.6
HEX_CLASSES = Classification(method="quantile", k=5, ramp="YlOrRd")
DISTRICT_CLASSES = Classification(method="quantile", k=5, ramp="Blues")
EXPANSION_TOP = 10  # per district
MAX_LEGEND_REPS = 10


@dataclass(frozen=True)
class Content:
    """Which layers a map shows. ``district_fill``: a numeric district column for a choropleth."""

    hexes: bool = True
    district_fill: str | None = None
    rank_labels: bool = False
    outlets: bool = True
    expansion: bool = True
    sites: bool = True
    trade_areas: bool = True
    routes: bool = True
    expansion_labels: bool = False


OVERVIEW = Content()
RANKING = Content(hexes=False, district_fill="priority_score", rank_labels=True, outlets=False,
                  expansion=False, sites=False, trade_areas=False, routes=False)
DISTRICT = Content(expansion_labels=True)


# ---------------------------------------------------------------------------------------------
# geometry helpers


def _rgba(color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    return to_rgba(color, alpha)


def _blend(color: str, alpha: float, background: str = "#ffffff") -> str:
    """The colour a translucent fill shows on ``background`` (for legend swatches)."""
    c, b = np.array(to_rgb(color)), np.array(to_rgb(background))
    return to_hex(alpha * c + (1 - alpha) * b)


def geometry_path(geom):
    """A matplotlib Path of a (Multi)Polygon with its holes (rings oriented for nonzero filling)."""
    verts, codes = [], []
    for part in shapely.get_parts(np.array([geom], dtype=object)):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        part = orient(part, 1.0)
        for ring in [part.exterior, *part.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 4:
                continue
            verts.append(xy)
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _label_point(geom) -> tuple[float, float]:
    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(parts, key=lambda g: g.area)
    try:
        p = polylabel(largest, tolerance=max(math.sqrt(largest.area) / 200, 1e-5))
    except Exception:  # degenerate rings: the surface point always exists
        p = largest.representative_point()
    return float(p.x), float(p.y)


def _hex_vertices(cells: np.ndarray) -> np.ndarray:
    """Closed outlines of the cells as one (n, k, 2) lon/lat array (short rings repeat their last
    vertex), drawn as one compound path per colour class."""
    polys = hexgrid.cells_to_polygons(cells)
    counts = shapely.get_num_coordinates(polys)
    coords = shapely.get_coordinates(polys)
    k = int(counts.max())
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.minimum(np.arange(k)[None, :], (counts - 1)[:, None]) + start[:, None]
    return coords[pos]


def _compound_path(verts: np.ndarray):
    """One matplotlib Path of many closed rings given as an (n, k, 2) array."""
    n, k, _ = verts.shape
    codes = np.full((n, k), MplPath.LINETO, dtype=np.uint8)
    codes[:, 0] = MplPath.MOVETO
    codes[:, -1] = MplPath.CLOSEPOLY
    return MplPath(verts.reshape(-1, 2), codes.reshape(-1))


def _add_shape(ax, patch):
    """Add a patch in data coordinates without updating the data limits (slow for long outlines)."""
    patch.set_transform(ax.transData)
    ax.add_artist(patch)
    return patch


def house_marker():
    """The home-base marker of the routes (a small house, as on the interactive map)."""
    return MarkerStyle(MplPath([(0, 1), (1, 0.2), (0.62, 0.2), (0.62, -0.9), (-0.62, -0.9), (-0.62, 0.2),
                                (-1, 0.2), (0, 1)], closed=True))


def nice_length(km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``km`` (for a scale bar)."""
    if km <= 0 or not np.isfinite(km):
        return 1.0
    exp = math.floor(math.log10(km))
    for step in (5, 2, 1):
        if step * 10 ** exp <= km:
            return step * 10 ** exp
    return 10 ** exp


# ---------------------------------------------------------------------------------------------
# layers


@dataclass
class MapLayers:
    """A project's map layers, prepared once and drawn in any view."""

    lang: str
    districts: object = None  # GeoDataFrame with label points and the ranking's columns
    hex_cells: np.ndarray | None = None
    hex_verts: np.ndarray | None = None
    hex_class: np.ndarray | None = None
    hex_values: np.ndarray | None = None
    hex_lonlat: tuple[np.ndarray, np.ndarray] | None = None
    hex_classes: Classes | None = None
    hex_metric: str = ""
    outlets: pd.DataFrame | None = None
    outlet_colors: dict[str, str] = field(default_factory=dict)
    outlet_color_by: str = ""
    expansion: pd.DataFrame | None = None
    sites: pd.DataFrame | None = None
    trade_areas: object = None
    routes: pd.DataFrame | None = None
    reps: pd.DataFrame | None = None
    rep_colors: dict[str, str] = field(default_factory=dict)

    # -----------------------------------------------------------------------------------------
    @classmethod
    def prepare(cls, project, options: ExportOptions, progress=None) -> "MapLayers":
        progress = prog.ensure(progress)
        lang = options.language
        layers = cls(lang=lang)
        progress.report(0.0, "districts")
        dframe = frames.district_frame(project)
        if dframe is not None and len(dframe):
            geoms = np.asarray(dframe.geometry.to_numpy(), dtype=object)
            ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
            dframe = dframe.loc[ok].reset_index(drop=True)
            at = [_label_point(g) for g in dframe.geometry]
            dframe = dframe.assign(_lx=[p[0] for p in at], _ly=[p[1] for p in at],
                                   _area=shapely.area(np.asarray(dframe.geometry.to_numpy(), dtype=object)))
            layers.districts = dframe
        prog.check(progress)

        metric = frames.hex_metric(project, options.hex_metric)
        if metric is not None:
            progress.report(0.1, "grid cells")
            grid = project.grid
            values = pd.to_numeric(grid[metric], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            idx, classes = classify(values, HEX_CLASSES)
            keep = idx >= 0
            cells = grid.index.to_numpy(dtype=np.int64)[keep]
            layers.hex_cells = cells
            layers.hex_class = idx[keep]
            layers.hex_values = values[keep]
            layers.hex_classes = classes
            layers.hex_metric = metric
            if len(cells):
                lat, lon = hexgrid.cells_to_latlon(cells)
                layers.hex_lonlat = (lon, lat)
                layers.hex_verts = _hex_vertices(cells)
        prog.check(progress)
        progress.report(0.7, "outlets")

        outlets = frames.outlet_frame(project)
        if outlets is not None and len(outlets) and {"lat", "lon"} <= set(outlets.columns):
            by = "tier" if "tier" in outlets.columns and outlets["tier"].notna().any() else (
                "channel" if "channel" in outlets.columns and outlets["channel"].notna().any() else "")
            o = pd.DataFrame({
                "lon": pd.to_numeric(outlets["lon"], errors="coerce").astype(float),
                "lat": pd.to_numeric(outlets["lat"], errors="coerce").astype(float),
                "covered": (outlets["covered"].astype("boolean").fillna(True).to_numpy(bool)
                            if "covered" in outlets.columns else True),
                "district": (outlets["district"].astype("string") if "district" in outlets.columns
                             else pd.Series(pd.NA, index=outlets.index, dtype="string")),
                "key": (outlets[by].astype("string") if by else pd.Series(pd.NA, index=outlets.index,
                                                                           dtype="string")),
            })
            o = o.loc[np.isfinite(o["lon"]) & np.isfinite(o["lat"])].reset_index(drop=True)
            present = sorted(o["key"].dropna().unique().tolist(),
                             key=lambda v: (list(CHANNEL_COLORS).index(v) if v in CHANNEL_COLORS else 99, v))
            known = TIER_COLORS if by == "tier" else CHANNEL_COLORS if by == "channel" else {}
            layers.outlet_colors = category_colors(present, known)
            layers.outlet_color_by = by
            layers.outlets = o

        exp = frames.expansion_frame(project)
        if exp is not None and len(exp) and {"lat", "lon"} <= set(exp.columns):
            rank = (pd.to_numeric(exp["rank"], errors="coerce") if "rank" in exp.columns
                    else pd.Series(np.arange(1, len(exp) + 1), index=exp.index, dtype=float))
            e = pd.DataFrame({"lon": pd.to_numeric(exp["lon"], errors="coerce").astype(float),
                              "lat": pd.to_numeric(exp["lat"], errors="coerce").astype(float),
                              "rank": rank.astype(float),
                              "district": (exp["district"].astype("string") if "district" in exp.columns
                                           else pd.Series(pd.NA, index=exp.index, dtype="string"))})
            layers.expansion = e.loc[np.isfinite(e["lon"]) & np.isfinite(e["lat"])].reset_index(drop=True)

        sites = frames.sites_frame(project, chosen_only=True)
        if sites is not None and len(sites):
            layers.sites = pd.DataFrame({"lon": sites["lon"].astype(float), "lat": sites["lat"].astype(float),
                                         "site_id": sites["site_id"].astype(str)})
            progress.report(0.8, "trade areas")
            layers.trade_areas = frames.trade_area_frame(project, sites)
        prog.check(progress)

        routes = frames.routes_frame(project)
        reps = frames.rep_frame(project)
        if routes is not None and len(routes):
            if "district" not in routes.columns:
                routes = routes.merge(frames.outlet_district(project), on="outlet_id", how="left") \
                    if "outlet_id" in routes.columns else routes.assign(district=pd.NA)
            layers.routes = routes
            order = [] if reps is None else [r for r in reps["rep_id"].tolist() if r in set(routes["rep_id"])]
            order += sorted(set(routes["rep_id"]) - set(order))
            layers.rep_colors = {r: QUALITATIVE_COLORS[i % len(QUALITATIVE_COLORS)] for i, r in enumerate(order)}
            layers.reps = reps
        progress.report(1.0, "")
        return layers

    # -----------------------------------------------------------------------------------------
    def text(self, key: str, **values) -> str:
        return labels.text(key, self.lang, **values)

    def district_geometry(self, district: frames.District | None):
        if district is None or self.districts is None:
            return None
        d = self.districts
        keys = list(district.keys())
        hit = d["name"].astype(str).isin(keys) | d["district_id"].astype(str).isin(keys)
        if not hit.any():
            return None

        return shapely.union_all(np.asarray(d.loc[hit].geometry.to_numpy(), dtype=object))

    def bounds(self, district: frames.District | None = None) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of what the view shows."""
        geom = self.district_geometry(district)
        if geom is not None:
            return tuple(float(v) for v in geom.bounds)
        if district is not None:
            pts = []
            for frame in (self.outlets, self.expansion):
                if frame is not None and "district" in frame.columns:
                    sel = frame.loc[frame["district"].isin(list(district.keys())).fillna(False).to_numpy(bool)]
                    pts.append(sel[["lon", "lat"]].to_numpy(float))
            pts = [p for p in pts if len(p)]
            if pts:
                xy = np.concatenate(pts)
                return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())
        if self.districts is not None and len(self.districts):
            return tuple(float(v) for v in self.districts.total_bounds)
        boxes = []
        if self.hex_lonlat is not None:
            lon, lat = self.hex_lonlat
            boxes.append((lon.min(), lat.min(), lon.max(), lat.max()))
        for frame in (self.outlets, self.sites, self.routes):
            if frame is not None and len(frame):
                boxes.append((frame["lon"].min(), frame["lat"].min(), frame["lon"].max(), frame["lat"].max()))
        if not boxes:
            return None
        b = np.array(boxes, dtype=float)
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())

    # -----------------------------------------------------------------------------------------
    def draw(self, ax, legend_ax, content: Content = OVERVIEW, district: frames.District | None = None,
             scale: float = 1.0, progress=None) -> None:
        """Draw the view on ``ax`` (and its legend on ``legend_ax`` when given).

        ``scale`` multiplies marker sizes and line widths (report thumbnails use less than 1).
        """
        progress = prog.ensure(progress)
        t = self.text
        ax.set_facecolor(MAP_BACKGROUND)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor("#a0aec0")
            spine.set_linewidth(0.6)
        legend: dict[str, tuple[str, list[tuple]]] = {}
        bounds = self.bounds(district)
        if bounds is None:
            ax.text(0.5, 0.5, t("no_data"), transform=ax.transAxes, ha="center", va="center",
                    fontsize=14, color=MUTED)
            if legend_ax is not None:
                legend_ax.set_axis_off()
            return
        west, south, east, north = _fit(bounds, ax)
        lat0 = (south + north) / 2
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_aspect(1 / math.cos(math.radians(lat0)), adjustable="datalim")
        view = (west, south, east, north)
        focus = self.district_geometry(district)
        in_focus = self._focus_filter(district)

        # H3 grid metric: the whole area's classes, or the district's own when one is shown
        if content.hexes and self.hex_verts is not None and self.hex_classes is not None:
            lon, lat = self.hex_lonlat
            pad = 0.01
            sel = np.flatnonzero((lon >= west - pad) & (lon <= east + pad) & (lat >= south - pad) & (lat <= north + pad))
            cls, classes = self.hex_class, self.hex_classes
            if focus is not None and len(sel):
                inside = shapely.contains_xy(focus, lon[sel], lat[sel])
                if inside.sum() >= 2:
                    _, classes = classify(self.hex_values[sel][inside], HEX_CLASSES)

                    cls = np.full(len(lon), -1, dtype=np.int16)
                    cls[sel] = assign(self.hex_values[sel], classes.breaks)
            # opaque colours as they show on the background: translucent fills would darken the
            # hairline overlaps between cells into a visible mesh
            colors = np.array([_rgba(_blend(c, HEX_OPACITY, MAP_BACKGROUND)) for c in classes.colors])
            sel = sel[cls[sel] >= 0]
            for c, color in enumerate(colors):  # one compound path per class: fast to build and draw
                rows = sel[cls[sel] == c]
                if len(rows):
                    patch = PathPatch(_compound_path(self.hex_verts[rows]), facecolor=color, edgecolor=color,
                                      linewidth=0.2 * scale, zorder=1, rasterized=True)
                    _add_shape(ax, patch)  # rasterized in PDFs: 10⁵ vector cells are slow and heavy
            title = labels.header(self.hex_metric, self.lang)
            legend["hex"] = (title, [("rect", _blend(c, HEX_OPACITY, MAP_BACKGROUND), lab)
                                     for c, lab in zip(classes.colors, classes.labels())])
        prog.check(progress)

        # districts
        if self.districts is not None:
            self._draw_districts(ax, content, focus, scale, legend, view)

        # trade areas
        if content.trade_areas and self.trade_areas is not None and len(self.trade_areas):
            n = 0
            for geom in self.trade_areas.geometry:
                path = geometry_path(geom)
                if path is None:
                    continue
                gx0, gy0, gx1, gy1 = geom.bounds
                if gx1 < west or gx0 > east or gy1 < south or gy0 > north:
                    continue
                _add_shape(ax, PathPatch(path, facecolor=_rgba(SITE_COLOR, 0.10), edgecolor=SITE_COLOR,
                                       linewidth=1.1 * scale, linestyle=(0, (4, 2.5)), zorder=4))
                n += 1
            if n:
                legend["sites"] = (t("sites"), [("area", SITE_COLOR, t("trade_area"))])

        # routes
        if content.routes and self.routes is not None:
            self._draw_routes(ax, district, scale, legend, view)

        # outlets
        if content.outlets and self.outlets is not None and len(self.outlets):
            self._draw_outlets(ax, in_focus, scale, legend, view, district is not None)

        # expansion list
        if content.expansion and self.expansion is not None and len(self.expansion):
            e = self.expansion
            top = e.loc[(e["rank"] <= EXPANSION_TOP).to_numpy(bool)]
            top = top.loc[in_focus(top)]
            if len(top):
                size = (40 if district is not None else 22) * scale ** 2
                ax.scatter(top["lon"], top["lat"], s=size, facecolors="none", edgecolors="white",
                           linewidths=2.6 * scale, zorder=7)
                ax.scatter(top["lon"], top["lat"], s=size, facecolors="none", edgecolors=EXPANSION_COLOR,
                           linewidths=1.4 * scale, zorder=7.1)
                if content.expansion_labels:
                    for x, y, r in zip(top["lon"], top["lat"], top["rank"]):
                        ax.annotate(f"{int(r)}", (x, y), xytext=(4 * scale, 3 * scale), textcoords="offset points",
                                    fontsize=6.5 * max(scale, 0.8), color="#7a4a00", zorder=8,
                                    path_effects=[pe.withStroke(linewidth=2, foreground="white")])
                legend["expansion"] = (t("expansion"), [("halo", EXPANSION_COLOR, t("expansion_mark", n=EXPANSION_TOP))])

        # chosen sites
        if content.sites and self.sites is not None and len(self.sites):
            s = self.sites
            inside = (s["lon"] >= west) & (s["lon"] <= east) & (s["lat"] >= south) & (s["lat"] <= north)
            s = s.loc[inside.to_numpy(bool)]
            n_sites = len(s)
            if focus is not None and len(s):
                n_sites = int(shapely.contains_xy(focus, s["lon"].to_numpy(float), s["lat"].to_numpy(float)).sum())
            if len(s):
                ax.scatter(s["lon"], s["lat"], marker="*", s=150 * scale ** 2, c=SITE_COLOR, edgecolors="white",
                           linewidths=0.8 * scale, zorder=9)
                entry = ("star", SITE_COLOR, f"{t('chosen_site')} ({n_sites})")
                legend["sites"] = (t("sites"), [entry, *legend.get("sites", ("", []))[1]])

        if focus is not None:
            self._mask_outside(ax, focus, view)
        self._labels(ax, content, district, scale, view)
        if legend_ax is not None:
            draw_legend(legend_ax, [legend[k] for k in LEGEND_ORDER if k in legend], self.lang)

    # -----------------------------------------------------------------------------------------
    def _focus_filter(self, district):
        def keep(frame: pd.DataFrame) -> np.ndarray:
            if district is None or "district" not in frame.columns:
                return np.ones(len(frame), dtype=bool)
            return frame["district"].isin(list(district.keys())).fillna(False).to_numpy(bool)
        return keep

    def _draw_districts(self, ax, content: Content, focus, scale, legend, view) -> None:
        t = self.text
        d = self.districts
        fill = content.district_fill if content.district_fill in d.columns else None
        colors = None
        if fill:
            values = pd.to_numeric(d[fill], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            idx, classes = classify(values, DISTRICT_CLASSES)
            colors = [classes.colors[i] if i >= 0 else "#d9d9d9" for i in idx]
            legend["fill"] = ((labels.header(fill, self.lang),
                           [("rect", _blend(c, 0.85), lab) for c, lab in zip(classes.colors, classes.labels(1))]))
        for i, geom in enumerate(d.geometry):
            path = geometry_path(geom)
            if path is None:
                continue
            if colors is not None:
                _add_shape(ax, PathPatch(path, facecolor=_rgba(colors[i], 0.85), edgecolor="white",
                                       linewidth=1.2 * scale, zorder=2))
            else:
                _add_shape(ax, PathPatch(path, facecolor="none", edgecolor=_rgba(DISTRICT_EDGE, 0.85),
                                       linewidth=0.7 * scale, zorder=3))
        if focus is not None:
            path = geometry_path(focus)
            if path is not None:
                _add_shape(ax, PathPatch(path, facecolor="none", edgecolor=INK, linewidth=1.8 * scale, zorder=10))
        if not fill:
            legend["outline"] = (t("district"), [("line", DISTRICT_EDGE, t("district_outline"))])

    def _draw_outlets(self, ax, in_focus, scale, legend, view, zoomed: bool) -> None:
        t = self.text
        o = self.outlets
        west, south, east, north = view
        inside = ((o["lon"] >= west) & (o["lon"] <= east) & (o["lat"] >= south) & (o["lat"] <= north)).to_numpy(bool)
        focus = in_focus(o)
        # markers grow when few outlets are shown (a town, a district), up to 3× at ≤ 220 outlets
        boost = float(np.clip(np.sqrt(2000.0 / max(int((inside & focus).sum()), 1)), 1.0, 3.0))
        size = (20 if zoomed else 5.5) * scale ** 2 * (boost if not zoomed else min(boost, 1.5))
        width = (0.45 if zoomed else 0.3) * scale
        keys = o["key"].astype(object).where(o["key"].notna(), None).to_numpy()
        colors = np.array([self.outlet_colors.get(k, MISSING_COLOR) if k is not None else MISSING_COLOR
                           for k in keys], dtype=object)
        covered = o["covered"].to_numpy(bool)
        # outside the focused district: small grey context dots
        ctx = inside & ~focus
        if ctx.any():
            ax.scatter(o.loc[ctx, "lon"], o.loc[ctx, "lat"], s=size * 0.5, c="#a0aec0", linewidths=0,
                       alpha=0.6, zorder=5)
        show = inside & focus
        prospects = show & ~covered
        if prospects.any():
            ax.scatter(o.loc[prospects, "lon"], o.loc[prospects, "lat"], s=size, facecolors="white",
                       edgecolors=list(colors[prospects]), linewidths=width * 2.2, zorder=5.5)
        cov = show & covered
        if cov.any():
            ax.scatter(o.loc[cov, "lon"], o.loc[cov, "lat"], s=size * 1.15, c=list(colors[cov]),
                       edgecolors="white", linewidths=width, zorder=6)
        by = self.outlet_color_by
        counts = pd.Series(keys[show]).value_counts()
        if by == "tier":
            rows = [("dot", self.outlet_colors[k], f"{k}  ({int(counts.get(k, 0)):,})")
                    for k in self.outlet_colors]
            title = t("tiers")
        elif by == "channel":
            rows = [("dot", self.outlet_colors[k], f"{labels.channel(k, self.lang)}  ({int(counts.get(k, 0)):,})")
                    for k in self.outlet_colors]
            title = t("channels")
        else:
            rows = []
            title = t("outlets")
        rows += [("dot", "#718096", f"{t('covered')}  ({int(cov.sum()):,})"),
                 ("ring", "#718096", f"{t('prospect')}  ({int(prospects.sum()):,})")]
        legend["outlets"] = (title, rows)

    def _draw_routes(self, ax, district, scale, legend, view) -> None:
        t = self.text
        routes = self.routes
        homes = {}
        names = {}
        if self.reps is not None:
            for row in self.reps.itertuples(index=False):
                lat, lon = getattr(row, "lat", np.nan), getattr(row, "lon", np.nan)
                if pd.notna(lat) and pd.notna(lon):
                    homes[row.rep_id] = (float(lon), float(lat))
                name = getattr(row, "name", None)
                names[row.rep_id] = str(name) if name is not None and pd.notna(name) else row.rep_id
        keys = None
        if district is not None:  # the rep-days with a stop in the district, drawn whole
            mine = routes["district"].isin(list(district.keys())).fillna(False).to_numpy(bool)
            keys = set(zip(routes.loc[mine, "rep_id"], routes.loc[mine, "day"]))
        solid, dashed, solid_c, dashed_c = [], [], [], []
        used = []
        for (rep, day), g in routes.groupby(["rep_id", "day"], sort=False):
            if keys is not None and (rep, day) not in keys:
                continue
            xy = g[["lon", "lat"]].to_numpy(float)
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy) == 0:
                continue
            color = self.rep_colors.get(rep, MUTED)
            if len(xy) > 1:
                solid.append(xy)
                solid_c.append(color)
            home = homes.get(rep)
            if home is not None:
                dashed += [np.array([home, xy[0]]), np.array([xy[-1], home])]
                dashed_c += [color, color]
            if rep not in used:
                used.append(rep)
        if not used:
            return
        lw = (1.3 if district is not None else 0.75) * scale
        ax.add_collection(LineCollection(solid, colors="white", linewidths=lw + 0.9 * scale, alpha=0.5, zorder=4.4,
                                         capstyle="round", joinstyle="round"))
        ax.add_collection(LineCollection(solid, colors=solid_c, linewidths=lw, alpha=0.9, zorder=4.5,
                                         capstyle="round", joinstyle="round"))
        ax.add_collection(LineCollection(dashed, colors=dashed_c, linewidths=lw * 0.8, alpha=0.6,
                                         linestyles=(0, (3, 3)), zorder=4.3))
        house = house_marker()
        hx = [homes[r] for r in used if r in homes]
        if hx:
            ax.scatter([h[0] for h in hx], [h[1] for h in hx], marker=house, s=70 * scale ** 2,
                       c=[self.rep_colors[r] for r in used if r in homes], edgecolors="white",
                       linewidths=0.7 * scale, zorder=8.5)
        rows = [("line", self.rep_colors[r], names.get(r, r)) for r in used[:MAX_LEGEND_REPS]]
        if len(used) > MAX_LEGEND_REPS:
            rows.append(("none", "", t("more", n=len(used) - MAX_LEGEND_REPS)))
        if hx:
            rows.append(("house", INK, t("home")))
        legend["routes"] = (t("routes"), rows)

    def _mask_outside(self, ax, focus, view) -> None:
        west, south, east, north = view
        dx, dy = east - west, north - south
        box = shapely.box(west - dx, south - dy, east + dx, north + dy)
        outside = shapely.difference(box, focus.buffer(0))
        path = geometry_path(outside)
        if path is not None:
            _add_shape(ax, PathPatch(path, facecolor=_rgba("#ffffff", 0.55), edgecolor="none", zorder=9.5))

    def _labels(self, ax, content: Content, district, scale, view) -> None:
        d = self.districts
        if d is None or len(d) == 0:
            return
        west, south, east, north = view
        fig = ax.figure
        bbox = ax.get_position()
        w_pt = bbox.width * fig.get_figwidth() * 72
        h_pt = bbox.height * fig.get_figheight() * 72
        ppx, ppy = w_pt / (east - west), h_pt / (north - south)  # points per degree
        rank = pd.to_numeric(d["rank"], errors="coerce") if "rank" in d.columns else None
        size = 9.5 if district is not None else 8.0
        size *= max(min(scale, 1.2), 0.75)
        placed: list[tuple[float, float, float, float]] = []
        order = np.argsort(-d["_area"].to_numpy(float), kind="stable")
        for i in order:
            name = d["name"].iloc[i]
            if pd.isna(name):
                continue
            x, y = float(d["_lx"].iloc[i]), float(d["_ly"].iloc[i])
            if not (west <= x <= east and south <= y <= north):
                continue
            label = str(name)
            if content.rank_labels and rank is not None and pd.notna(rank.iloc[i]):
                label = f"{int(rank.iloc[i])}. {label}"
            is_focus = district is not None and label.split(". ")[-1] in district.keys()
            fs = size * (1.25 if is_focus else 1.0)
            wide = sum(2 if ord(ch) > 0x2E7F else 1.1 for ch in label) * fs * 0.5
            box = (x - wide / 2 / ppx, y - fs * 0.6 / ppy, x + wide / 2 / ppx, y + fs * 0.6 / ppy)
            if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in placed):
                continue
            placed.append(box)
            # the white halo is a second, path-only copy: text with path effects becomes outlines
            # in a PDF, and the label itself must stay searchable text
            ax.text(x, y, label, ha="center", va="center", fontsize=fs, color="white", zorder=10.9,
                    path_effects=[pe.Stroke(linewidth=2.6, foreground=(1, 1, 1, 0.9))])
            ax.text(x, y, label, ha="center", va="center", fontsize=fs,
                    color=INK if district is None or is_focus else MUTED, zorder=11)


def _fit(bounds, ax, margin: float = 0.03) -> tuple[float, float, float, float]:
    """Bounds grown by ``margin`` and to the axes' shape (true scale at the central latitude)."""
    west, south, east, north = bounds
    dx, dy = max(east - west, 1e-4), max(north - south, 1e-4)
    west, east = west - dx * margin, east + dx * margin
    south, north = south - dy * margin, north + dy * margin
    fig = ax.figure
    box = ax.get_position()
    ratio = (box.width * fig.get_figwidth()) / (box.height * fig.get_figheight())
    k = math.cos(math.radians((south + north) / 2))
    width_units, height_units = (east - west) * k, north - south
    if width_units / height_units < ratio:  # too tall: widen
        extra = (height_units * ratio / k - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = ((east - west) * k / ratio - (north - south)) / 2
        south, north = south - extra, north + extra
    return west, south, east, north


# ---------------------------------------------------------------------------------------------
# map furniture


LEGEND_ORDER = ("hex", "fill", "outlets", "expansion", "sites", "routes", "outline")


def _legend_layout(sections, w: float, h: float, font: float):
    """Positions (column, y) of every title and row, or None when they do not fit."""
    row_h, title_h, gap = font * 1.6, font * 2.0, font * 0.8
    col_w = max(font * 15, 110.0)
    n_cols = max(1, int(w // col_w))
    top = h - font * 3.0
    col, y = 0, top
    placed = []
    for title, rows in sections:
        need = title_h + row_h * min(len(rows), 3)
        if y - need < 0 and y < top:
            col, y = col + 1, top
        placed.append(("title", col, y, title, None, None))
        y -= title_h
        for symbol, color, label in rows:
            if y - row_h < 0:
                col, y = col + 1, top
            placed.append(("row", col, y - row_h / 2, label, symbol, color))
            y -= row_h
        y -= gap
    if col >= n_cols:
        return None
    return placed, w / n_cols


def draw_legend(ax, sections: list[tuple[str, list[tuple]]], lang: str, font: float = 7.5) -> None:
    """Legend sections (title, [(symbol, colour, label)…]) laid out top-down in as many columns as
    fit; the font shrinks (to 5.5 pt at least) until everything fits."""
    ax.set_axis_off()
    fig = ax.figure
    box = ax.get_position()
    w = box.width * fig.get_figwidth() * 72
    h = box.height * fig.get_figheight() * 72
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    layout = None
    while layout is None and font >= 5.5:
        layout = _legend_layout(sections, w, h, font)
        if layout is None:
            font -= 0.25
    if layout is None:
        font = 5.5
        layout = _legend_layout(sections, w, float("inf"), font)
        layout = ([p for p in layout[0] if p[2] > 0], layout[1])
    placed, col_w = layout
    ax.text(0, h - font * 0.4, labels.text("legend", lang), fontsize=font * 1.35, color=INK, va="top", ha="left")
    for kind, col, y, label, symbol, color in placed:
        x0 = col * col_w
        if kind == "title":
            ax.text(x0, y, label, fontsize=font * 1.05, color=INK, va="top", ha="left")
            continue
        cy = y
        sx = x0 + font * 1.0
        if symbol == "rect":
            ax.add_patch(Rectangle((x0, cy - font * 0.5), font * 2.0, font * 1.0, facecolor=color,
                                   edgecolor=(0, 0, 0, 0.15), linewidth=0.4))
        elif symbol == "area":
            ax.add_patch(Rectangle((x0 + 1, cy - font * 0.45), font * 1.8, font * 0.9,
                                   facecolor=_rgba(color, 0.12), edgecolor=color, linewidth=1.0,
                                   linestyle=(0, (3, 2))))
        elif symbol == "line":
            ax.add_line(Line2D([x0, x0 + font * 2.0], [cy, cy], color=color, linewidth=1.8,
                               solid_capstyle="round"))
        elif symbol in _MARKERS:
            marker, size, face, edge, width = _MARKERS[symbol]
            marker = house_marker() if marker == "house" else marker
            ax.add_line(Line2D([sx], [cy], linestyle="none", marker=marker, markersize=font * size,
                               markerfacecolor=color if face == "c" else face,
                               markeredgecolor=color if edge == "c" else edge, markeredgewidth=width))
        ax.text(x0 + font * 2.6, cy, label, fontsize=font, color=INK, va="center", ha="left")


# symbol -> (marker, size / font, face, edge, edge width); "c" stands for the row's colour
_MARKERS = {
    "dot": ("o", 0.85, "c", "white", 0.5),
    "ring": ("o", 0.8, "white", "c", 1.3),
    "halo": ("o", 1.2, "none", "c", 1.6),
    "star": ("*", 1.6, "c", "white", 0.5),
    "house": ("house", 1.1, "c", "white", 0.5),
}


def draw_scale_bar(ax, font: float = 7.0) -> None:
    """A four-segment scale bar at the bottom left of a lon/lat map axes, at most ~22 % of its width."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    fig = ax.figure
    box = ax.get_position()
    w_mm = box.width * fig.get_figwidth() / MM
    h_mm = box.height * fig.get_figheight() / MM
    per_mm_x, per_mm_y = (east - west) / w_mm, (north - south) / h_mm  # degrees per millimetre
    lat0 = (south + north) / 2
    km_per_deg = 111.320 * math.cos(math.radians(lat0))
    length = nice_length((east - west) * km_per_deg * 0.22)
    deg = length / km_per_deg
    x0, y0 = west + 7 * per_mm_x, south + 6 * per_mm_y
    h = 1.6 * per_mm_y
    lang = getattr(ax, "_storeplan_lang", "zh")
    unit = labels.text("scale_km", lang, v=_fmt_len(length)) if length >= 1 else \
        labels.text("scale_m", lang, v=_fmt_len(length * 1000))
    text_w = (len(unit) + 1) * font * 0.6 / 72 * 25.4 * per_mm_x
    ax.add_patch(FancyBboxPatch((x0 - 3 * per_mm_x, y0 - 2.5 * per_mm_y), deg + text_w + 5 * per_mm_x,
                                h + 8 * per_mm_y, boxstyle="square,pad=0",
                                facecolor=(1, 1, 1, 0.85), edgecolor="none", zorder=20))
    for k in range(4):
        ax.add_patch(Rectangle((x0 + deg * k / 4, y0), deg / 4, h, facecolor=INK if k % 2 == 0 else "white",
                               edgecolor=INK, linewidth=0.6, zorder=21))
    ty = y0 + h + 1.2 * per_mm_y
    ax.text(x0, ty, "0", fontsize=font, color=INK, ha="center", va="bottom", zorder=22)
    ax.text(x0 + deg, ty, unit, fontsize=font, color=INK, ha="center", va="bottom", zorder=22)


def _fmt_len(v: float) -> str:
    return f"{v:g}"


def draw_north_arrow(ax, lang: str, size: float = 1.0) -> None:
    """A north arrow at the top right of the map axes (north is up in this projection)."""
    fig = ax.figure
    box = ax.get_position()
    w_in, h_in = box.width * fig.get_figwidth(), box.height * fig.get_figheight()
    # arrow ~9 mm tall, 6 mm wide, 8 mm from the top right corner (axes fractions)
    aw, ah = 6 * MM * size / w_in, 9 * MM * size / h_in
    cx, top = 1 - 9 * MM * size / w_in, 1 - 5 * MM * size / h_in
    tr = ax.transAxes
    ax.add_patch(Polygon([(cx, top), (cx + aw / 2, top - ah), (cx, top - ah * 0.72)], closed=True,
                         facecolor=INK, edgecolor=INK, linewidth=0.8, transform=tr, zorder=22))
    ax.add_patch(Polygon([(cx, top), (cx - aw / 2, top - ah), (cx, top - ah * 0.72)], closed=True,
                         facecolor="white", edgecolor=INK, linewidth=0.8, transform=tr, zorder=22))
    ax.text(cx, top - ah - 1.2 * MM / h_in, labels.text("north", lang), transform=tr, ha="center", va="top",
            fontsize=8 * size, color=INK, zorder=22)


# ---------------------------------------------------------------------------------------------
# pages


INPUT_KINDS = {"outlets": ("售点", "outlets"), "districts": ("片区", "districts"), "grid": ("网格", "grid"),
               "reps": ("业务员", "reps"), "sales_lines": ("销售明细", "sales lines"),
               "candidates": ("候选点位", "candidates"), "matrix": ("通行矩阵", "travel matrix")}


def source_text(project, lang: str) -> str:
    """"数据来源：…" from the intake reports (file names and coordinate systems)."""
    intake = (project.reports or {}).get("intake", {}) or {}
    kinds = INPUT_KINDS
    parts: dict[str, list[str]] = {}
    crs = set()
    for key, rep in intake.items():
        if not isinstance(rep, dict):
            continue
        kind = "grid" if key.startswith("grid") else key
        name = Path(str(rep.get("file") or key)).name
        parts.setdefault(kind, []).append(name)
        if rep.get("crs"):
            crs.add(str(rep["crs"]).upper().replace("WGS84", "WGS-84").replace("GCJ02", "GCJ-02"))
    i = 0 if lang == "zh" else 1
    items = [f"{kinds.get(k, (k, k))[i]} {', '.join(v)}" for k, v in parts.items()]
    sources = ("；" if lang == "zh" else "; ").join(items) if items else project.name
    out = labels.text("source_note", lang, sources=sources)
    converted = sorted(c for c in crs if c != "WGS-84")
    if converted:
        out += ("（坐标由 " + "、".join(converted) + " 转换为 WGS-84）") if lang == "zh" else \
            f" (coordinates converted from {', '.join(converted)} to WGS-84)"
    return out


def map_subtitle(layers: MapLayers, content: Content, lang: str) -> str:
    parts = []
    if content.hexes and layers.hex_metric:
        parts.append(labels.text("grid_metric", lang, metric=labels.header(layers.hex_metric, lang)))
    if content.outlets and layers.outlets is not None:
        parts.append(labels.text("tiers" if layers.outlet_color_by == "tier" else "outlets", lang))
    if content.expansion and layers.expansion is not None:
        parts.append(labels.text("expansion", lang))
    if content.sites and layers.sites is not None:
        parts.append(labels.text("sites", lang))
    if content.routes and layers.routes is not None:
        parts.append(labels.text("routes", lang))
    return " · ".join(parts)


def new_figure(width_mm: float, height_mm: float, dpi: int):
    """A matplotlib Figure (no pyplot: safe off the main thread) of exactly the given pixel size."""
    w_px, h_px = round(width_mm * MM * dpi), round(height_mm * MM * dpi)
    # a hair over the exact size so the renderer's int() truncation lands on the rounded pixel count
    fig = Figure(figsize=((w_px + 0.01) / dpi, (h_px + 0.01) / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def render_page(project, options: ExportOptions, path, progress=None, layers: MapLayers | None = None,
                content: Content = OVERVIEW) -> Path:
    """Draw the full-page print map and save it to ``path`` (format from the suffix: .png or .pdf)."""
    progress = prog.ensure(progress)
    path = Path(path)
    lang = options.language
    district = frames.resolve_district(project, options.district)
    with matplotlib.rc_context(matplotlib_rc()):
        if layers is None:
            layers = MapLayers.prepare(project, options, prog.SubProgress(progress, 0.0, 0.4))
        prog.check(progress)
        progress.report(0.4, "drawing")
        W, H = options.page_mm
        fig = new_figure(W, H, options.dpi)
        margin, head, foot = 10.0, 17.0, 8.0
        landscape = options.orientation == "landscape"
        legend_w = 56.0 if landscape else 0.0
        legend_h = 0.0 if landscape else 52.0
        gap = 5.0

        def rect(x, y, w, h):  # millimetres from the bottom left -> figure fractions
            return [x / W, y / H, w / W, h / H]

        map_x, map_y = margin, margin + foot + legend_h + (gap if legend_h else 0)
        map_w = W - 2 * margin - legend_w - (gap if legend_w else 0)
        map_h = H - map_y - margin - head
        ax = fig.add_axes(rect(map_x, map_y, map_w, map_h))
        ax._storeplan_lang = lang
        if landscape:
            leg = fig.add_axes(rect(W - margin - legend_w, map_y + 2, legend_w, map_h - 2))
        else:
            leg = fig.add_axes(rect(margin, margin + foot + 1, W - 2 * margin, legend_h - 2))
        if district is not None and content is OVERVIEW:
            content = DISTRICT
        layers.draw(ax, leg, content, district, scale=1.0 if options.paper == "A4" else 1.25,
                    progress=prog.SubProgress(progress, 0.4, 0.85))
        if layers.bounds(district) is not None:
            draw_scale_bar(ax)
            draw_north_arrow(ax, lang)

        title = options.title or project.name
        if district is not None:
            title = f"{title} · {district.name}"
        ty = H - margin - 7.5
        fig.text(margin / W, ty / H, title, fontsize=18, color=INK, ha="left", va="baseline")
        fig.text(margin / W, (ty - 6.5) / H, map_subtitle(layers, content, lang), fontsize=9, color=MUTED,
                 ha="left", va="baseline")
        fig.text((W - margin) / W, ty / H, labels.text("app", lang), fontsize=9, color=MUTED, ha="right",
                 va="baseline")
        fig.text((W - margin) / W, (ty - 6.5) / H, f"{labels.text('prepared', lang)} {options.date_text()}",
                 fontsize=9, color=MUTED, ha="right", va="baseline")

        fig.add_artist(Line2D([margin / W, (W - margin) / W], [(H - margin - head + 2) / H] * 2, color=RULE,
                              linewidth=0.8, transform=fig.transFigure))
        fig.add_artist(Line2D([margin / W, (W - margin) / W], [(margin + foot - 1.5) / H] * 2, color=RULE,
                              linewidth=0.6, transform=fig.transFigure))
        res = int(project.settings.get("resolution", 9)) if project.settings else 9
        note = source_text(project, lang)
        fig.text(margin / W, (margin + 2) / H, _clip(note, 190 if landscape else 120), fontsize=6.5, color=MUTED,
                 ha="left", va="baseline")
        crs_note = ("WGS-84 · H3 " + (f"分辨率 {res}" if lang == "zh" else f"resolution {res}") + " · "
                    + labels.text("made_with", lang))
        fig.text((W - margin) / W, (margin + 2) / H, crs_note, fontsize=6.5, color=MUTED, ha="right",
                 va="baseline")
        prog.check(progress)
        progress.report(0.85, "saving")
        save_figure(fig, path, options, title)
    progress.report(1.0, "")
    return path


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def save_figure(fig, path: Path, options: ExportOptions, title: str) -> None:
    """Save as PDF (vector, text searchable, font embedded) or a raster format, by the suffix."""
    fmt = Path(path).suffix.lower().lstrip(".") or "png"
    if fmt == "pdf":
        metadata = {"Title": title, "Creator": "StorePlan", "Subject": labels.text("app", options.language),
                    "CreationDate": dt.datetime.combine(dt.date.fromisoformat(options.date_text()), dt.time(12))}
        fig.savefig(path, format="pdf", dpi=options.dpi, metadata=metadata)
    else:
        fig.savefig(path, format=fmt, dpi=options.dpi, metadata={"Title": title, "Software": "StorePlan"})


def render_image(layers: MapLayers, content: Content, district, width_mm: float, height_mm: float,
                 dpi: int, legend_mm: float = 42.0, scale: float = 0.8):
    """A map with its legend at the right, as an RGB PIL image (for the report pages)."""
    with matplotlib.rc_context(matplotlib_rc()):
        fig = new_figure(width_mm, height_mm, dpi)
        W = width_mm
        gap = 3.0 if legend_mm else 0.0
        ax = fig.add_axes([0, 0, (W - legend_mm - gap) / W, 1])
        ax._storeplan_lang = layers.lang
        leg = fig.add_axes([(W - legend_mm) / W, 0.02, legend_mm / W, 0.96]) if legend_mm else None
        layers.draw(ax, leg, content, district, scale=scale)
        if layers.bounds(district) is not None:
            draw_scale_bar(ax, font=6.5)
            draw_north_arrow(ax, layers.lang, size=0.8)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
    return Image.fromarray(rgba[:, :, :3].copy(), "RGB")

"""A project's interactive map: which layers it shows and how, turned into a :class:`MapSpec`.

:class:`MapOptions` holds display choices only (visibility, opacity, metric, classification,
palette, what colours the outlets); :func:`build_spec` turns them and the project's tables into
the spec that ``render_map_page`` (the desktop view) and ``export_map_html`` (``map.html``) draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

LAYER_IDS = ("districts", "hexagons", "outlets", "expansion", "sites", "routes")

PREFERRED_METRICS = ("population", "residents", "heat", "workers", "visitors", "consumption_index")

TITLES = {  # layer id -> (中文, English)
    "districts": ("片区", "Districts"),
    "outlets": ("售点", "Outlets"),
    "expansion": ("拓展名单", "Expansion list"),
    "sites": ("选址", "Sites"),
    "routes": ("拜访路线", "Routes"),
}


@dataclass
class LayerOptions:
    visible: bool = True
    opacity: float = 0.7


def _default_layers() -> dict[str, LayerOptions]:
    return {"districts": LayerOptions(True, 0.35), "hexagons": LayerOptions(True, 0.65),
            "outlets": LayerOptions(True, 1.0), "expansion": LayerOptions(True, 1.0),
            "sites": LayerOptions(True, 1.0), "routes": LayerOptions(True, 1.0)}


@dataclass
class MapOptions:
    layers: dict[str, LayerOptions] = field(default_factory=_default_layers)
    hex_metric: str = ""            # "" = the first of PREFERRED_METRICS present
    district_metric: str = ""       # "" = outlines only
    outlet_color: str = ""          # "" = tier when scored, else channel
    method: str = "quantile"
    classes: int = 5
    ramp: str = "YlOrRd"
    candidates: bool = False        # every candidate site, not only the chosen ones (thousands of marks)
    expansion_top: int | None = 20  # the expansion list's first N per district (None: all of it)
    route_rep: str = ""             # routes shown: "" = every rep (applied in the page, no re-render)
    route_day: int | None = None    # None = every day (1-based otherwise)

    def copy(self) -> "MapOptions":
        return replace(self, layers={k: replace(v) for k, v in self.layers.items()})


def hex_metrics(project) -> list[str]:
    grid = project.grid if project is not None else None
    if grid is None:
        return []
    return [c for c in grid.columns if pd.api.types.is_numeric_dtype(grid[c])]


def default_hex_metric(project) -> str:
    metrics = hex_metrics(project)
    return next((m for m in PREFERRED_METRICS if m in metrics), metrics[0] if metrics else "")


def district_frame(project) -> pd.DataFrame | None:
    """District polygons with the ranking's columns joined (the exports' own join)."""
    from gis.export.frames import district_frame as joined

    return joined(project)


def district_metrics(project) -> list[str]:
    frame = district_frame(project) if project is not None else None
    if frame is None:
        return []
    return [c for c in frame.columns if c != "geometry" and pd.api.types.is_numeric_dtype(frame[c])]


def outlet_frame(project) -> pd.DataFrame | None:
    """Outlets with their score columns (score, tier, potential, gap…) when scored."""
    outlets = project.inputs.get("outlets")
    if outlets is None:
        return None
    scores = project.results.get("outlet_scores")
    if scores is None or "outlet_id" not in scores.columns:
        return outlets
    extra = [c for c in scores.columns if c not in outlets.columns or c == "outlet_id"]
    return outlets.merge(scores[extra].drop_duplicates("outlet_id"), on="outlet_id", how="left")


def outlet_colors(project) -> list[str]:
    """The columns outlets can be coloured by, categorical first."""
    frame = outlet_frame(project) if project is not None else None
    if frame is None:
        return []
    out = [c for c in ("tier", "channel", "covered") if c in frame.columns or c == "covered"]
    return out + [c for c in ("score", "potential", "gap", "sales") if c in frame.columns]


def _routes_frame(project) -> pd.DataFrame | None:
    routes = project.results.get("routes")
    if routes is None or not {"rep_id", "day", "seq"} <= set(routes.columns):
        return None
    if not {"lat", "lon"} <= set(routes.columns):
        outlets = project.inputs.get("outlets")
        if outlets is None:
            return None
        routes = routes.merge(outlets[["outlet_id", "lat", "lon", "name"]], on="outlet_id", how="left",
                              suffixes=("", "_outlet"))
    return routes


def build_spec(project, options: MapOptions | None = None, language: str = "zh", title: str = "",
               source_note: str = "StorePlan", basemap=None):
    """The map spec of ``project`` as ``options`` show it, with layer names in ``language``."""
    from gis.export.labels import header
    from gis.maprender.classify import Classification
    from gis.maprender.spec import (DistrictLayer, ExpansionLayer, HexLayer, MapSpec, OutletLayer, RouteLayer,
                                    SiteLayer)

    options = options if options is not None else MapOptions()
    lang = "zh" if str(language).startswith("zh") else "en"
    i = 0 if lang == "zh" else 1
    lo = options.layers
    layers = []
    dframe = district_frame(project)
    if dframe is not None:
        metric = options.district_metric if options.district_metric in dframe.columns else None
        layers.append(DistrictLayer(dframe, column=metric, id="districts", title=TITLES["districts"][i],
                                    opacity=lo["districts"].opacity, visible=lo["districts"].visible,
                                    classification=Classification(ramp="Blues")))
    metric = options.hex_metric or default_hex_metric(project)
    if project.grid is not None and metric in project.grid.columns:
        layers.append(HexLayer(project.grid, metric, title=header(metric, lang), id="hexagons",
                               classification=Classification(method=options.method, k=options.classes,
                                                             ramp=options.ramp),
                               opacity=lo["hexagons"].opacity, visible=lo["hexagons"].visible))
    oframe = outlet_frame(project)
    if oframe is not None:
        color = options.outlet_color or ("tier" if "tier" in oframe.columns else
                                         "channel" if "channel" in oframe.columns else "covered")
        layers.append(OutletLayer(oframe, color_by=color, id="outlets", title=TITLES["outlets"][i],
                                  visible=lo["outlets"].visible))
    expansion = project.results.get("expansion_list")
    if expansion is not None and "outlet_id" in expansion.columns:
        if not {"lat", "lon"} <= set(expansion.columns) and project.inputs.get("outlets") is not None:
            expansion = expansion.merge(project.inputs["outlets"][["outlet_id", "lat", "lon"]], on="outlet_id",
                                        how="left")
        if options.expansion_top and "rank" in expansion.columns:
            expansion = expansion.loc[pd.to_numeric(expansion["rank"], errors="coerce") <= options.expansion_top]
        if {"lat", "lon"} <= set(expansion.columns):
            name = TITLES["expansion"][i]
            if options.expansion_top:
                name += (f" · 前 {options.expansion_top}" if lang == "zh" else f" · top {options.expansion_top}")
            layers.append(ExpansionLayer(expansion, id="expansion", title=name,
                                         visible=lo["expansion"].visible))
    sites = project.results.get("sites")
    if sites is not None and {"site_id", "lat", "lon", "chosen"} <= set(sites.columns):
        layers.append(SiteLayer(sites, id="sites", title=TITLES["sites"][i], visible=lo["sites"].visible,
                                show_candidates=bool(options.candidates)))
    routes = _routes_frame(project)
    if routes is not None and len(routes):
        layers.append(RouteLayer(routes, reps=project.inputs.get("reps"), id="routes", title=TITLES["routes"][i],
                                 visible=lo["routes"].visible))
    return MapSpec(title=title or project.name, layers=tuple(layers), language=lang, north_arrow=False,
                   source_note=source_note, basemap=basemap)

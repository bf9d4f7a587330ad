"""What a map shows: small frozen dataclasses over plain data, drawn by :mod:`gis.maprender.html`.

A :class:`MapSpec` holds a title, a tuple of layers (bottom to top) and the map furniture
(legend, scale bar, north arrow, layer control, source note, optional online basemap). Every
layer is optional. Inputs follow the shared table conventions: WGS-84 ``lat``/``lon``, H3 grid
layers indexed by int64 ``cell``. The renderer never computes analysis; it only draws what the
stages produced.

The style parts (classification, basemap, flags) serialise with ``to_dict``; the data parts are
DataFrames the project already stores, so a spec is rebuilt from a project rather than saved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Union

import numpy as np
import pandas as pd

from gis.coords import normalise_crs
from gis.errors import ConfigError
from gis.maprender.classify import Classification

LANGUAGES = ("zh", "en")
OUTLET_COLOR_BY = ("channel", "tier", "covered")  # categorical; any numeric column is classified
TRADE_AREAS = ("chosen", "all", "none")


def _require_columns(frame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"{what} needs the column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}"
        )


def _check_opacity(value: float, what: str) -> None:
    if not 0.0 <= float(value) <= 1.0:
        raise ConfigError(f"{what} opacity must be between 0 and 1, not {value}")


def _check_color(value: str, what: str) -> None:
    text = str(value)
    if not (len(text) == 7 and text.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in text[1:])):
        raise ConfigError(f"{what} must be a #rrggbb colour, not {value!r}")


def _popup_tuple(value) -> tuple[tuple[str, str], ...]:
    out = []
    for item in value:
        if isinstance(item, str):
            out.append((item, item))
        else:
            column, label = item
            out.append((str(column), str(label)))
    return tuple(out)


class _Styled:
    """``style_dict()``: a layer's settings without its data (for logs, settings and tests)."""

    def style_dict(self) -> dict:
        out: dict = {"type": type(self).__name__}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                continue
            if isinstance(value, Classification):
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            out[f.name] = value
        return out


@dataclass(frozen=True)
class Basemap:
    """An online tile source the user configured (none is used by default: maps work offline).

    ``crs`` is the system the tiles are drawn in: ``gcj02`` for AMap and Tencent, ``wgs84`` for
    OpenStreetMap and most others. Baidu tiles use their own projection and are not supported.
    """

    url: str  # template with {x}, {y}, {z} and optionally {s}
    attribution: str
    crs: str = "wgs84"
    name: str = "Basemap"
    max_zoom: int = 18
    subdomains: str = "abc"

    def __post_init__(self):
        crs = normalise_crs(self.crs)
        if crs == "bd09":
            raise ConfigError("Baidu (BD-09) tiles use their own projection: choose an AMap, Tencent or "
                              "OpenStreetMap-style tile source")
        object.__setattr__(self, "crs", crs)
        url = str(self.url).strip()
        if not url.lower().startswith(("http://", "https://")) or not all(
                t in url for t in ("{x}", "{y}", "{z}")):
            raise ConfigError(f"tile URL {self.url!r} must start with http(s):// and contain {{x}}, {{y}} and {{z}}")
        if not str(self.attribution).strip():
            raise ConfigError("an online tile source needs its attribution (the provider's copyright line)")
        if not 1 <= int(self.max_zoom) <= 22:
            raise ConfigError(f"tile max_zoom must be 1 to 22, not {self.max_zoom}")
        object.__setattr__(self, "url", url)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Basemap":
        return cls(**d)


@dataclass(frozen=True, eq=False)
class HexLayer(_Styled):
    """One metric of an H3 grid layer (index ``cell`` int64, one float column per metric)."""

    grid: pd.DataFrame
    column: str
    title: str = ""
    id: str = ""
    classification: Classification = Classification()
    opacity: float = 0.75
    visible: bool = True
    unit: str = ""

    def __post_init__(self):
        _require_columns(self.grid, [self.column], f"H3 map layer {self.title or self.column!r}")
        if not pd.api.types.is_integer_dtype(self.grid.index.dtype):
            raise ConfigError(f"H3 map layer {self.column!r}: the grid must be indexed by int64 cells")
        _check_opacity(self.opacity, f"H3 map layer {self.column!r}")
        object.__setattr__(self, "title", self.title or self.column)
        object.__setattr__(self, "id", self.id or f"hex:{self.column}")


@dataclass(frozen=True, eq=False)
class DistrictLayer(_Styled):
    """Districts as a choropleth of ``column`` (or outlines only when ``column`` is None), with labels."""

    districts: pd.DataFrame  # GeoDataFrame in EPSG:4326: district_id, name, geometry (+ metrics)
    column: str | None = None
    title: str = ""
    id: str = ""
    classification: Classification = Classification(ramp="Blues")
    labels: bool = True
    label_column: str = "name"
    popup_columns: tuple = ()  # (column, label) pairs or column names; default: the coloured column
    opacity: float = 0.65
    visible: bool = True
    unit: str = ""

    def __post_init__(self):
        need = ["geometry"] + ([self.column] if self.column else []) + ([self.label_column] if self.labels else [])
        _require_columns(self.districts, need, "the district map layer")
        if self.column and not pd.api.types.is_numeric_dtype(self.districts[self.column]):
            raise ConfigError(f"district map layer: column {self.column!r} is not numeric")
        crs = getattr(self.districts, "crs", None)
        if crs is not None and crs.to_epsg() != 4326:
            raise ConfigError(f"district map layer: geometries must be in EPSG:4326 (WGS-84), not {crs}")
        _check_opacity(self.opacity, "district map layer")
        popup = _popup_tuple(self.popup_columns)
        _require_columns(self.districts, [c for c, _ in popup], "the district popups")
        object.__setattr__(self, "popup_columns", popup)
        object.__setattr__(self, "title", self.title or (self.column or "districts"))
        object.__setattr__(self, "id", self.id or (f"districts:{self.column}" if self.column else "districts"))


@dataclass(frozen=True, eq=False)
class OutletLayer(_Styled):
    """Outlets coloured by channel, tier, coverage or a numeric column (score, potential, gap…).

    Covered outlets are filled dots, prospects are rings. Popups show ``popup_columns``
    (default: the usual outlet fields that are present).
    """

    outlets: pd.DataFrame
    color_by: str = "channel"
    title: str = ""
    id: str = "outlets"
    classification: Classification = Classification(ramp="RdYlGn")
    popup_columns: tuple = ()
    radius: float = 4.0
    visible: bool = True

    def __post_init__(self):
        _require_columns(self.outlets, ["outlet_id", "lat", "lon"], "the outlet map layer")
        if self.color_by not in OUTLET_COLOR_BY:
            _require_columns(self.outlets, [self.color_by], "the outlet map layer (colour)")
            if not pd.api.types.is_numeric_dtype(self.outlets[self.color_by]):
                raise ConfigError(f"outlet map layer: colour column {self.color_by!r} is not numeric; "
                                  f"categorical colours are {', '.join(OUTLET_COLOR_BY)}")
        elif self.color_by in ("tier", "channel"):
            _require_columns(self.outlets, [self.color_by], "the outlet map layer (colour)")
        popup = _popup_tuple(self.popup_columns)
        _require_columns(self.outlets, [c for c, _ in popup], "the outlet popups")
        object.__setattr__(self, "popup_columns", popup)
        if not 1.0 <= float(self.radius) <= 20.0:
            raise ConfigError(f"outlet radius must be 1 to 20 pixels, not {self.radius}")
        object.__setattr__(self, "title", self.title or "outlets")


@dataclass(frozen=True, eq=False)
class ExpansionLayer(_Styled):
    """Highlights of the expansion list (拓展名单): outlet_id, lat, lon and optionally rank, name, potential, gap."""

    outlets: pd.DataFrame
    title: str = ""
    id: str = "expansion"
    color: str = "#ff9f00"
    popup_columns: tuple = ()
    visible: bool = True

    def __post_init__(self):
        _require_columns(self.outlets, ["outlet_id", "lat", "lon"], "the expansion map layer")
        _check_color(self.color, "the expansion highlight colour")
        popup = _popup_tuple(self.popup_columns)
        _require_columns(self.outlets, [c for c, _ in popup], "the expansion popups")
        object.__setattr__(self, "popup_columns", popup)
        object.__setattr__(self, "title", self.title or "expansion")


@dataclass(frozen=True, eq=False)
class SiteLayer(_Styled):
    """Candidate and chosen sites with their trade areas.

    ``sites``: site_id, lat, lon, expected_sales, chosen (bool) and optionally name, rank and a
    column of trade-area cells (sequences of int64 cells or hex strings) named by ``trade_area_column``.
    """

    sites: pd.DataFrame
    title: str = ""
    id: str = "sites"
    trade_areas: str = "chosen"  # draw the trade areas of the chosen sites, of all sites, or none
    trade_area_column: str = "trade_area"
    popup_columns: tuple = ()
    show_candidates: bool = True
    visible: bool = True

    def __post_init__(self):
        _require_columns(self.sites, ["site_id", "lat", "lon", "chosen"], "the site map layer")
        if self.trade_areas not in TRADE_AREAS:
            raise ConfigError(f"trade_areas must be one of {', '.join(TRADE_AREAS)}, not {self.trade_areas!r}")
        popup = _popup_tuple(self.popup_columns)
        _require_columns(self.sites, [c for c, _ in popup], "the site popups")
        object.__setattr__(self, "popup_columns", popup)
        object.__setattr__(self, "title", self.title or "sites")


@dataclass(frozen=True, eq=False)
class RouteLayer(_Styled):
    """Routes per rep and day: lines from the rep's home through the numbered stops.

    ``routes``: rep_id, day, seq, outlet_id, lat, lon (optionally name, arrival minutes);
    ``reps``: rep_id, lat, lon (home base) and optionally name, end_lat, end_lon.
    """

    routes: pd.DataFrame
    reps: pd.DataFrame | None = None
    title: str = ""
    id: str = "routes"
    numbered_stops: bool = True
    visible: bool = True

    def __post_init__(self):
        _require_columns(self.routes, ["rep_id", "day", "seq", "lat", "lon"], "the route map layer")
        if self.reps is not None:
            _require_columns(self.reps, ["rep_id", "lat", "lon"], "the route map layer (reps)")
        object.__setattr__(self, "title", self.title or "routes")


Layer = Union[HexLayer, DistrictLayer, OutletLayer, ExpansionLayer, SiteLayer, RouteLayer]
LAYER_TYPES = (HexLayer, DistrictLayer, OutletLayer, ExpansionLayer, SiteLayer, RouteLayer)


@dataclass(frozen=True, eq=False)
class MapSpec:
    """A whole map: layers bottom to top plus title, furniture and the optional basemap."""

    title: str = ""
    layers: tuple = ()
    subtitle: str = ""
    source_note: str = ""
    date: str = ""
    language: str = "zh"
    basemap: Basemap | None = None
    legend: bool = True
    scale_bar: bool = True
    north_arrow: bool = True
    layer_control: bool = True
    background: str = "#eef0f3"
    bounds: tuple[float, float, float, float] | None = None  # south, west, north, east (WGS-84)

    def __post_init__(self):
        layers = tuple(self.layers)
        for layer in layers:
            if not isinstance(layer, LAYER_TYPES):
                raise ConfigError(f"not a map layer: {type(layer).__name__}")
        ids = [layer.id for layer in layers]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ConfigError(f"two map layers share the id {', '.join(dupes)}: give each its own id")
        object.__setattr__(self, "layers", layers)
        if self.language not in LANGUAGES:
            raise ConfigError(f"map language must be one of {', '.join(LANGUAGES)}, not {self.language!r}")
        if self.bounds is not None:
            s, w, n, e = (float(v) for v in self.bounds)
            if not (-90 <= s < n <= 90 and -180 <= w < e <= 180):
                raise ConfigError(f"map bounds must be (south, west, north, east) in degrees, not {self.bounds}")
            object.__setattr__(self, "bounds", (s, w, n, e))
        _check_color(self.background, "the map background")

    def layer(self, layer_id: str) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(layer_id)

    def style_dict(self) -> dict:
        """The serialisable part (everything but the layer data)."""
        return {
            "title": self.title, "subtitle": self.subtitle, "source_note": self.source_note,
            "date": self.date, "language": self.language,
            "basemap": self.basemap.to_dict() if self.basemap else None,
            "legend": self.legend, "scale_bar": self.scale_bar, "north_arrow": self.north_arrow,
            "layer_control": self.layer_control, "background": self.background,
            "bounds": list(self.bounds) if self.bounds else None,
            "layers": [layer.style_dict() for layer in self.layers],
        }


def finite_latlon(frame: pd.DataFrame, lat: str = "lat", lon: str = "lon") -> np.ndarray:
    """Rows whose coordinates can be drawn."""
    la = pd.to_numeric(frame[lat], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lo = pd.to_numeric(frame[lon], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)

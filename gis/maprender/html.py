"""Build the map page: a compact JSON payload drawn by ``storeplan-map.js`` on a folium base page.

folium makes the page (Leaflet map, viewport, optional online tile layer) with its
``default_js``/``default_css`` pointed at the bundled copies under ``resources/web`` instead of
CDNs; every data layer travels as one JSON document and is drawn by our own script:

- H3 layers as cell ids plus one class character per cell, drawn with h3-js on one canvas per
  layer (never as GeoJSON polygons: 200 k cells would be ~100 MB and minutes to draw);
- outlets, expansion highlights and sites as columnar point arrays on canvas layers;
- districts, trade areas and routes as small vector layers.

Every user string goes into the page through JSON (and then DOM ``textContent`` in the script)
or :func:`html.escape`; the JSON block escapes ``<``, ``>`` and ``&`` so no value can close it.

Online tiles in GCJ-02 (AMap, Tencent): points, districts, trade areas and routes are shifted
here with :func:`gis.coords.from_wgs84`. H3 cells keep their WGS-84 ids (a shifted cell is no
cell); the script shifts every drawn vertex with the same published formula (a port of
``gis.coords``, checked against it to 1e-9° by the tests), so cells line up exactly. A single
offset for the whole map would be off by up to ~80 m across Shanghai, one per cell by ~1 m.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import logging
import math
import mimetypes
import re
from collections import OrderedDict
from functools import lru_cache

import numpy as np
import pandas as pd

from branca.element import Element, MacroElement
from folium.template import Template

from gis import hexgrid
from gis.coords import from_wgs84, transform_geometries
from gis.errors import ConfigError
from gis.maprender.classify import (
    CHANNEL_COLORS, MISSING_COLOR, QUALITATIVE_COLORS, TIER_COLORS, Classes, category_colors, classify,
)
from gis.maprender.spec import (
    DistrictLayer, ExpansionLayer, HexLayer, MapSpec, OutletLayer, RouteLayer, SiteLayer, finite_latlon,
)
from gis.progress import check, ensure
from gis.resources import resource_path

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
COORD_SCALE = 1_000_000  # point coordinates travel as integer micro-degrees from a base
GEOMETRY_DECIMALS = 6
SIMPLIFY_DEG = 1e-5  # ~1 m: invisible at any zoom a district is looked at
CLASS_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
MISSING_CLASS = "."

# Assets of the page, in load order, relative to resources/web.
PAGE_JS = (("leaflet", "leaflet/leaflet.js"), ("h3", "h3-js/h3-js.umd.js"),
           ("storeplan", "storeplan/storeplan-map.js"))
PAGE_CSS = (("leaflet_css", "leaflet/leaflet.css"), ("storeplan_css", "storeplan/storeplan-map.css"))
# Licences of the libraries an exported page carries inside it (kept in a comment of the page).
PAGE_LICENSES = (("Leaflet 1.9.4 (BSD-2-Clause)", ("leaflet/LICENSE",)),
                 ("h3-js 4.5.0 (Apache-2.0)", ("h3-js/NOTICE", "h3-js/LICENSE")))

# folium's own CDN links mapped to the bundled copies (for any folium map the app makes).
FOLIUM_JS = {
    "leaflet": "leaflet/leaflet.js", "jquery": "jquery/jquery.min.js",
    "bootstrap": "bootstrap/js/bootstrap.bundle.min.js",
    "awesome_markers": "awesome-markers/leaflet.awesome-markers.js",
}
FOLIUM_CSS = {
    "leaflet_css": "leaflet/leaflet.css", "bootstrap_css": "bootstrap/css/bootstrap.min.css",
    "awesome_markers_font_css": "fontawesome/css/all.min.css",
    "awesome_markers_css": "awesome-markers/leaflet.awesome-markers.css",
}

TEXT = {
    "zh": {
        "legend": "图例", "no_basemap": "无底图", "covered": "已铺货", "prospect": "未铺货",
        "chosen": "选定点位", "candidate": "候选点位", "trade_area": "商圈", "home": "出发点",
        "stop": "第 {n} 站", "day": "日期", "rep": "业务员", "cell": "网格", "class": "分级",
        "more": "另有 {n} 项", "no_data": "无数据", "source": "数据来源", "north": "北",
        "outlets": "售点", "expansion": "拓展名单", "sites": "选址", "routes": "拜访路线",
        "districts": "片区", "rank": "排名", "stops": "站点数", "yes": "是", "no": "否",
        "unknown": "未知", "route_of": "{rep} · {day}", "source_label": "数据来源：",
    },
    "en": {
        "legend": "Legend", "no_basemap": "No basemap", "covered": "Covered", "prospect": "Prospect",
        "chosen": "Chosen site", "candidate": "Candidate site", "trade_area": "Trade area",
        "home": "Home base", "stop": "Stop {n}", "day": "Day", "rep": "Rep", "cell": "Cell",
        "class": "Class", "more": "{n} more", "no_data": "No data", "source": "Source", "north": "N",
        "outlets": "Outlets", "expansion": "Expansion list", "sites": "Sites", "routes": "Routes",
        "districts": "Districts", "rank": "Rank", "stops": "Stops", "yes": "Yes", "no": "No",
        "unknown": "Unknown", "route_of": "{rep} · {day}", "source_label": "Source: ",
    },
}
CHANNEL_LABELS = {
    "zh": {"hypermarket": "大卖场", "supermarket": "超市", "convenience": "便利店",
           "traditional": "传统渠道", "catering": "餐饮", "other": "其他"},
    "en": {"hypermarket": "Hypermarket", "supermarket": "Supermarket", "convenience": "Convenience",
           "traditional": "Traditional trade", "catering": "Catering", "other": "Other"},
}
FIELD_LABELS = {
    "zh": {"outlet_id": "编号", "name": "名称", "channel": "渠道", "covered": "铺货", "score": "评分",
           "tier": "等级", "potential": "潜力", "sales": "销量", "gap": "缺口", "strategy": "策略",
           "district": "片区", "rank": "排名", "rank_in_district": "片区内排名", "site_id": "点位编号",
           "expected_sales": "预计销售额", "cannibalization": "自我蚕食", "visits": "拜访次数"},
    "en": {"outlet_id": "ID", "name": "Name", "channel": "Channel", "covered": "Covered", "score": "Score",
           "tier": "Tier", "potential": "Potential", "sales": "Sales", "gap": "Gap", "strategy": "Strategy",
           "district": "District", "rank": "Rank", "rank_in_district": "Rank in district",
           "site_id": "Site ID", "expected_sales": "Expected sales", "cannibalization": "Cannibalization",
           "visits": "Visits"},
}
OUTLET_POPUP = ("outlet_id", "channel", "covered", "district", "score", "tier", "rank_in_district",
                "sales", "potential", "gap", "strategy")
EXPANSION_POPUP = ("rank", "outlet_id", "channel", "district", "score", "potential", "gap", "strategy")
SITE_POPUP = ("site_id", "expected_sales", "cannibalization", "district")


# ---------------------------------------------------------------------------------------------
# small encoders


def _label(column: str, lang: str) -> str:
    return FIELD_LABELS[lang].get(column, column)


def _popup_columns(frame: pd.DataFrame, explicit, defaults, lang: str) -> list[tuple[str, str]]:
    if explicit:
        return list(explicit)
    return [(c, _label(c, lang)) for c in defaults if c in frame.columns]


def _digits(values: np.ndarray) -> int:
    v = values[np.isfinite(values)]
    if v.size == 0 or np.all(v == np.round(v)):
        return 0
    med = float(np.median(np.abs(v)))
    return 0 if med >= 100 else 1 if med >= 10 else 2 if med >= 1 else 3


def _numbers(values: np.ndarray, digits: int) -> list:
    rounded = np.round(values.astype(float), digits)
    out = rounded.astype(object)
    out[~np.isfinite(rounded)] = None
    if digits == 0:
        ok = np.isfinite(rounded)
        out[ok] = rounded[ok].astype(np.int64).astype(object)
    return out.tolist()


def _strings(series: pd.Series) -> list:
    missing = series.isna().to_numpy()
    text = series.astype(object).to_numpy()
    return [None if m else str(v) for v, m in zip(text, missing)]


def _encode_field(series: pd.Series, label: str, lang: str) -> dict:
    """One popup column: numbers with their decimals, repeated text as categories, else text."""
    t = TEXT[lang]
    name = str(series.name)
    if pd.api.types.is_bool_dtype(series.dtype) or name == "covered":
        flag = series.astype("boolean")
        yes, no = (t["covered"], t["prospect"]) if name == "covered" else (t["yes"], t["no"])
        codes = np.where(flag.isna().to_numpy(), -1, np.where(flag.fillna(False).to_numpy(bool), 0, 1))
        return {"l": label, "t": "c", "c": [yes, no], "v": codes.tolist()}
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        digits = _digits(values)
        return {"l": label, "t": "n", "d": digits, "v": _numbers(values, digits)}
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = series.dt.strftime("%Y-%m-%d")
    if name == "channel":
        names = CHANNEL_LABELS[lang]
        series = series.map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    text = _strings(series)
    cats = pd.unique(pd.Series([s for s in text if s is not None], dtype=object))
    if len(cats) <= max(64, len(text) // 4):
        index = {c: i for i, c in enumerate(cats)}
        return {"l": label, "t": "c", "c": list(cats), "v": [-1 if s is None else index[s] for s in text]}
    return {"l": label, "t": "s", "v": text}


def _class_string(idx: np.ndarray) -> str:
    chars = np.array(list(CLASS_CHARS + MISSING_CLASS))
    safe = np.where(idx < 0, len(CLASS_CHARS), idx)
    return "".join(chars[safe].tolist())


def _legend_from_classes(classes: Classes) -> list[dict]:
    return [{"color": c, "label": lab, "count": n}
            for c, lab, n in zip(classes.colors, classes.labels(), classes.counts)]


def _shift(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    if crs == "wgs84":
        return lon, lat
    return from_wgs84(lon, lat, crs)


class _Points:
    """Columnar points: integer micro-degrees from a base, shifted to the basemap's system."""

    def __init__(self, frame: pd.DataFrame, crs: str):
        keep = finite_latlon(frame)
        self.frame = frame.loc[keep].reset_index(drop=True)
        lat = self.frame["lat"].to_numpy(dtype=float)
        lon = self.frame["lon"].to_numpy(dtype=float)
        self.lon, self.lat = _shift(lon, lat, crs)
        self.dropped = int((~keep).sum())

    def payload(self) -> dict:
        if len(self.lat) == 0:
            return {"y0": 0.0, "x0": 0.0, "lat": [], "lon": []}
        y0 = math.floor(float(self.lat.min()) * 100) / 100
        x0 = math.floor(float(self.lon.min()) * 100) / 100
        return {
            "y0": y0, "x0": x0,
            "lat": np.round((self.lat - y0) * COORD_SCALE).astype(np.int64).tolist(),
            "lon": np.round((self.lon - x0) * COORD_SCALE).astype(np.int64).tolist(),
        }

    def bounds(self):
        if len(self.lat) == 0:
            return None
        return float(self.lat.min()), float(self.lon.min()), float(self.lat.max()), float(self.lon.max())


def _geojson(geom) -> dict:
    import shapely

    rounded = shapely.transform(geom, lambda xy: np.round(xy, GEOMETRY_DECIMALS))
    return json.loads(shapely.to_geojson(rounded))


def _label_point(geom) -> tuple[float, float]:
    from shapely.ops import polylabel

    parts = getattr(geom, "geoms", [geom])
    largest = max(parts, key=lambda g: g.area)
    try:
        p = polylabel(largest, tolerance=max(largest.length / 2000, 1e-5))
    except Exception:  # polylabel fails on degenerate rings; the surface point always exists
        p = largest.representative_point()
    return round(p.y, GEOMETRY_DECIMALS), round(p.x, GEOMETRY_DECIMALS)


# ---------------------------------------------------------------------------------------------
# memo: the desktop view rebuilds its page on every change, mostly with the same grids and classes


class _Memo:
    """A small LRU of results keyed by the bytes of their numpy inputs (plus settings)."""

    def __init__(self, size: int):
        self._size, self._items = size, OrderedDict()

    @staticmethod
    def key(array: np.ndarray, *extra) -> tuple:
        data = np.ascontiguousarray(array)
        return (data.dtype.str, data.shape, hashlib.blake2b(data.tobytes(), digest_size=16).digest(), *extra)

    def get(self, key, make):
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


_GRIDS = _Memo(4)
_CLASSES = _Memo(64)


def _classify_cached(values: np.ndarray, classification) -> tuple[np.ndarray, Classes]:
    idx, classes = _CLASSES.get(_Memo.key(values, classification), lambda: classify(values, classification))
    return idx.copy(), classes


# ---------------------------------------------------------------------------------------------
# layers


def _hex_payload(layer: HexLayer, grids: list, grid_keys: list, lang: str) -> dict:
    cells = layer.grid.index.to_numpy(dtype=np.int64)
    for i, known in enumerate(grid_keys):
        if known is cells or (len(known) == len(cells) and np.array_equal(known, cells)):
            grid_no = i
            break
    else:
        grid_no = len(grids)
        grid_keys.append(cells)
        grids.append(dict(_GRIDS.get(_Memo.key(cells), lambda: _grid_payload(layer.grid, cells))))
    values = pd.to_numeric(layer.grid[layer.column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    idx, classes = _classify_cached(values, layer.classification)
    return {
        "kind": "hex", "id": layer.id, "title": layer.title, "visible": bool(layer.visible),
        "opacity": float(layer.opacity), "grid": grid_no, "cls": _class_string(idx),
        "colors": list(classes.colors), "legend": _legend_from_classes(classes), "unit": layer.unit,
    }


def _centres_b64(cells: np.ndarray) -> tuple[float, float, str]:
    """Cell centres as little-endian int32 (lat, lon) micro-degree offsets from a base, base64.

    h3-js needs ~2.5 µs per ``cellToLatLng`` in QtWebEngine (0.5 s for 200 k cells); decoding
    these takes ~10 ms. Cells stay WGS-84 here: the script shifts them for GCJ-02 tiles.
    """
    lat, lon = hexgrid.cells_to_latlon(cells)
    y0 = math.floor(float(lat.min()) * 100) / 100
    x0 = math.floor(float(lon.min()) * 100) / 100
    pairs = np.empty((len(cells), 2), dtype="<i4")
    pairs[:, 0] = np.round((lat - y0) * COORD_SCALE)
    pairs[:, 1] = np.round((lon - x0) * COORD_SCALE)
    return y0, x0, base64.b64encode(pairs.tobytes()).decode("ascii")


def _grid_payload(grid: pd.DataFrame, cells: np.ndarray) -> dict:
    """Cell ids as hex strings with their common prefix and suffix sent once (res-9 ids end in
    'ffff'), plus their centres packed for a fast first draw."""
    if len(cells) == 0:
        return {"res": int(grid.attrs.get("resolution", hexgrid.DEFAULT_RESOLUTION)), "pre": "", "suf": "",
                "cells": [], "y0": 0.0, "x0": 0.0, "xy": ""}
    res = np.unique(hexgrid.cell_resolution(cells))
    if res.size != 1:
        raise ConfigError(f"an H3 map layer mixes resolutions {res.tolist()}: use one resolution per layer")
    strings = hexgrid.cells_to_str(cells)
    width = {len(s) for s in strings[:1000]} | {len(strings[-1])}
    pre = suf = ""
    if len(width) == 1 and all(len(s) == next(iter(width)) for s in strings):
        table = np.array(strings.tolist(), dtype=f"S{next(iter(width))}").view(np.uint8).reshape(len(cells), -1)
        same = np.all(table == table[0], axis=0)
        n_pre = int(np.argmin(same)) if not same.all() else table.shape[1] - 1
        n_suf = int(np.argmin(same[::-1])) if not same.all() else 0
        n_suf = min(n_suf, table.shape[1] - n_pre - 1)
        first = strings[0]
        pre, suf = first[:n_pre], first[len(first) - n_suf:] if n_suf else ""
        mids = [s[n_pre:len(s) - n_suf] for s in strings.tolist()]
    else:
        mids = strings.tolist()
    y0, x0, xy = _centres_b64(cells)
    return {"res": int(res[0]), "pre": pre, "suf": suf, "cells": mids, "y0": y0, "x0": x0, "xy": xy}


def _district_payload(layer: DistrictLayer, crs: str, lang: str) -> tuple[dict, tuple | None]:
    import shapely

    frame = layer.districts
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    frame, geoms = frame.loc[ok], geoms[ok]
    geoms = shapely.simplify(geoms, SIMPLIFY_DEG, preserve_topology=True)
    if crs != "wgs84":
        geoms = transform_geometries(geoms, "wgs84", crs)
    colors, legend, cls = [], [], np.full(len(frame), -1)
    if layer.column:
        values = pd.to_numeric(frame[layer.column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        cls, classes = classify(values, layer.classification)
        colors, legend = list(classes.colors), _legend_from_classes(classes)
    popup = list(layer.popup_columns) or ([(layer.column, layer.title)] if layer.column else [])
    fields = [_encode_field(frame[c].reset_index(drop=True), lab, lang) for c, lab in popup]
    names = _strings(frame[layer.label_column]) if layer.label_column in frame.columns else [None] * len(frame)
    ids = _strings(frame["district_id"]) if "district_id" in frame.columns else [str(i) for i in range(len(frame))]
    features = []
    for i, geom in enumerate(geoms):
        features.append({"id": ids[i], "name": names[i], "c": int(cls[i]), "area": round(float(geom.area), 8),
                         "geom": _geojson(geom), "at": _label_point(geom)})
    bounds = None
    if len(geoms):
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        bounds = (float(y0), float(x0), float(y1), float(x1))
    return {
        "kind": "districts", "id": layer.id, "title": layer.title, "visible": bool(layer.visible),
        "opacity": float(layer.opacity), "fill": bool(layer.column), "colors": colors, "legend": legend,
        "labels": bool(layer.labels), "features": features, "fields": fields, "unit": layer.unit,
    }, bounds


def _outlet_payload(layer: OutletLayer, crs: str, lang: str) -> tuple[dict, tuple | None]:
    t = TEXT[lang]
    pts = _Points(layer.outlets, crs)
    frame = pts.frame
    n = len(frame)
    if layer.color_by in ("channel", "tier"):
        raw = frame[layer.color_by].astype(object).where(frame[layer.color_by].notna(), None).tolist()
        present = sorted({str(v) for v in raw if v is not None},
                         key=lambda v: (list(CHANNEL_COLORS).index(v) if v in CHANNEL_COLORS else 99, v))
        known = CHANNEL_COLORS if layer.color_by == "channel" else TIER_COLORS
        palette = category_colors(present, known)
        order = {v: i for i, v in enumerate(present)}
        idx = np.array([-1 if v is None else order[str(v)] for v in raw], dtype=np.int16)
        colors = [palette[v] for v in present]
        names = CHANNEL_LABELS[lang] if layer.color_by == "channel" else {}
        counts = np.bincount(idx[idx >= 0], minlength=len(present)) if n else np.zeros(len(present), int)
        legend = [{"color": palette[v], "label": names.get(v, v), "count": int(k)}
                  for v, k in zip(present, counts)]
        if (idx < 0).any():
            colors.append(MISSING_COLOR)
            legend.append({"color": MISSING_COLOR, "label": t["unknown"], "count": int((idx < 0).sum())})
            idx = np.where(idx < 0, len(colors) - 1, idx)
    elif layer.color_by == "covered":
        covered = (frame["covered"].astype("boolean").fillna(True).to_numpy(bool) if "covered" in frame
                   else np.ones(n, bool))
        idx = np.where(covered, 0, 1).astype(np.int16)
        colors = ["#2b6cb0", "#e53e3e"]
        legend = [{"color": colors[0], "label": t["covered"], "count": int(covered.sum())},
                  {"color": colors[1], "label": t["prospect"], "count": int((~covered).sum())}]
    else:
        values = pd.to_numeric(frame[layer.color_by], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        idx, classes = classify(values, layer.classification)
        colors, legend = list(classes.colors), _legend_from_classes(classes)
        if (idx < 0).any():
            colors.append(MISSING_COLOR)
            legend.append({"color": MISSING_COLOR, "label": t["no_data"], "count": int((idx < 0).sum())})
            idx = np.where(idx < 0, len(colors) - 1, idx)
    hollow = None
    if "covered" in frame.columns:
        covered = frame["covered"].astype("boolean").fillna(True).to_numpy(bool)
        if not covered.all():
            hollow = "".join(np.where(covered, "0", "1").tolist())
    popup = _popup_columns(frame, layer.popup_columns, OUTLET_POPUP, lang)
    payload = {
        "kind": "points", "symbol": "dot", "select": "outlet", "id": layer.id, "title": layer.title,
        "visible": bool(layer.visible), "radius": float(layer.radius), "colors": colors,
        "legend": legend, "cls": _class_string(idx), "hollow": hollow,
        "ids": _strings(frame["outlet_id"]),
        "names": _strings(frame["name"]) if "name" in frame.columns else None,
        "fields": [_encode_field(frame[c], lab, lang) for c, lab in popup],
        "hollowNote": hollow is not None,
    }
    payload.update(pts.payload())
    return payload, pts.bounds()


def _expansion_payload(layer: ExpansionLayer, crs: str, lang: str) -> tuple[dict, tuple | None]:
    pts = _Points(layer.outlets, crs)
    frame = pts.frame
    popup = _popup_columns(frame, layer.popup_columns, EXPANSION_POPUP, lang)
    ranks = (_numbers(pd.to_numeric(frame["rank"], errors="coerce").to_numpy(dtype=float, na_value=np.nan), 0)
             if "rank" in frame.columns else list(range(1, len(frame) + 1)))
    payload = {
        "kind": "points", "symbol": "halo", "select": "outlet", "id": layer.id, "title": layer.title,
        "visible": bool(layer.visible), "radius": 7.0, "colors": [layer.color],
        "legend": [{"color": layer.color, "label": layer.title, "count": len(frame)}],
        "cls": "0" * len(frame), "hollow": None, "ids": _strings(frame["outlet_id"]),
        "names": _strings(frame["name"]) if "name" in frame.columns else None,
        "fields": [_encode_field(frame[c], lab, lang) for c, lab in popup], "ranks": ranks,
    }
    payload.update(pts.payload())
    return payload, pts.bounds()


def _trade_area_cells(layer: SiteLayer, frame: pd.DataFrame) -> list:
    col = layer.trade_area_column
    if col not in frame.columns or layer.trade_areas == "none":
        return [None] * len(frame)
    chosen = frame["chosen"].astype("boolean").fillna(False).to_numpy(bool)
    out = []
    for value, is_chosen in zip(frame[col].tolist(), chosen):
        if (layer.trade_areas == "chosen" and not is_chosen) or value is None:
            out.append(None)
            continue
        items = list(value) if not isinstance(value, str) else value.replace(";", ",").split(",")
        items = [v.strip() if isinstance(v, str) else v for v in items if not (isinstance(v, str) and not v.strip())]
        if not items:
            out.append(None)
            continue
        if all(isinstance(v, (int, np.integer)) for v in items):
            cells = np.asarray(items, dtype=np.int64)
        else:
            cells = hexgrid.str_to_cells(np.asarray(items, dtype=object))
        out.append(np.unique(cells))
    return out


def _site_payload(layer: SiteLayer, crs: str, lang: str) -> tuple[dict, tuple | None]:
    import shapely

    t = TEXT[lang]
    frame = layer.sites
    if not layer.show_candidates:
        frame = frame.loc[frame["chosen"].astype("boolean").fillna(False).to_numpy(bool)]
    pts = _Points(frame, crs)
    frame = pts.frame
    chosen = frame["chosen"].astype("boolean").fillna(False).to_numpy(bool)
    # chosen sites last, so they draw on top of the candidates
    order = np.argsort(chosen, kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    pts.lat, pts.lon, chosen = pts.lat[order], pts.lon[order], chosen[order]
    areas = []
    for i, cells in enumerate(_trade_area_cells(layer, frame)):
        if cells is None or len(cells) == 0:
            continue
        shape = shapely.union_all(hexgrid.cells_to_polygons(cells), grid_size=1e-9)
        if crs != "wgs84":
            shape = transform_geometries(np.array([shape], dtype=object), "wgs84", crs)[0]
        areas.append({"i": i, "geom": _geojson(shape), "cells": int(len(cells))})
    popup = _popup_columns(frame, layer.popup_columns, SITE_POPUP, lang)
    colors = ["#6b7280", "#6d28d9"]
    payload = {
        "kind": "points", "symbol": "site", "select": "site", "id": layer.id, "title": layer.title,
        "visible": bool(layer.visible), "radius": 6.0, "colors": colors,
        "legend": [{"color": colors[1], "label": t["chosen"], "count": int(chosen.sum()), "symbol": "star"}]
        + ([{"color": colors[0], "label": t["candidate"], "count": int((~chosen).sum()), "symbol": "diamond"}]
           if (~chosen).any() else [])
        + ([{"color": colors[1], "label": t["trade_area"], "count": len(areas), "symbol": "area"}] if areas else []),
        "cls": "".join(np.where(chosen, "1", "0").tolist()), "hollow": None,
        "ids": _strings(frame["site_id"]),
        "names": _strings(frame["name"]) if "name" in frame.columns else None,
        "fields": [_encode_field(frame[c], lab, lang) for c, lab in popup], "areas": areas,
    }
    payload.update(pts.payload())
    return payload, pts.bounds()


def _route_payload(layer: RouteLayer, crs: str, lang: str) -> tuple[dict, tuple | None]:
    pts = _Points(layer.routes, crs)
    frame = pts.frame
    frame = frame.assign(_lat=pts.lat, _lon=pts.lon)
    present = set(frame["rep_id"].astype(str))
    listed = [] if layer.reps is None else [r for r in pd.unique(layer.reps["rep_id"].astype(str)) if r in present]
    rep_ids = listed + sorted(present - set(listed))
    reps = []
    homes = {}
    if layer.reps is not None:
        rp = _Points(layer.reps, crs)
        for i, row in enumerate(rp.frame.itertuples(index=False)):
            home = [round(float(rp.lat[i]), GEOMETRY_DECIMALS), round(float(rp.lon[i]), GEOMETRY_DECIMALS)]
            end = None
            if "end_lat" in rp.frame.columns and "end_lon" in rp.frame.columns:
                el, eo = row.end_lat, row.end_lon
                if pd.notna(el) and pd.notna(eo):
                    ex, ey = _shift(np.array([float(eo)]), np.array([float(el)]), crs)
                    end = [round(float(ey[0]), GEOMETRY_DECIMALS), round(float(ex[0]), GEOMETRY_DECIMALS)]
            name = getattr(row, "name", None) if "name" in rp.frame.columns else None
            homes[str(row.rep_id)] = (home, end, None if pd.isna(name) else str(name))
    all_ids = list(rep_ids) + [r for r in homes if r not in set(rep_ids)]
    colors = {r: QUALITATIVE_COLORS[i % len(QUALITATIVE_COLORS)] for i, r in enumerate(all_ids)}
    rep_index = {r: i for i, r in enumerate(rep_ids)}
    for r in rep_ids:
        home, end, name = homes.get(r, (None, None, None))
        reps.append({"id": r, "name": name or r, "color": colors[r], "home": home, "end": end})
    routes = []
    frame = frame.assign(_rep=frame["rep_id"].astype(str), _day=frame["day"].map(_day_text))
    for (rep, day), group in frame.sort_values(["_rep", "_day", "seq"], kind="stable").groupby(
            ["_rep", "_day"], sort=False):
        routes.append({
            "r": rep_index[rep], "day": day,
            "lat": np.round(group["_lat"].to_numpy(float), GEOMETRY_DECIMALS).tolist(),
            "lon": np.round(group["_lon"].to_numpy(float), GEOMETRY_DECIMALS).tolist(),
            "ids": _strings(group["outlet_id"]) if "outlet_id" in group.columns else None,
            "names": _strings(group["name"]) if "name" in group.columns else None,
        })
    payload = {
        "kind": "routes", "id": layer.id, "title": layer.title, "visible": bool(layer.visible),
        "numbered": bool(layer.numbered_stops), "reps": reps, "routes": routes,
        "legend": [{"color": r["color"], "label": r["name"]} for r in reps],
    }
    bounds = pts.bounds()
    return payload, bounds


def _day_text(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _union_bounds(boxes) -> tuple | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    a = np.array(boxes, dtype=float)
    return float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 2].max()), float(a[:, 3].max())


def _grid_bounds(grids: list, crs: str) -> tuple | None:
    boxes = []
    for g in grids:
        if not g["cells"]:
            continue
        centres = np.frombuffer(base64.b64decode(g["xy"]), dtype="<i4").reshape(-1, 2)
        lat = g["y0"] + centres[:, 0] / COORD_SCALE
        lon = g["x0"] + centres[:, 1] / COORD_SCALE
        corners = np.array([lon.min(), lon.max()]), np.array([lat.min(), lat.max()])
        lon, lat = _shift(*corners, crs)
        boxes.append((float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())))
    return _union_bounds(boxes)


def build_payload(spec: MapSpec, progress=None) -> dict:
    """Everything the page's script draws, as plain JSON-ready data (coordinates already in the
    basemap's system; H3 cells stay WGS-84 ids and are shifted by the script)."""
    progress = ensure(progress)
    lang = spec.language
    crs = spec.basemap.crs if spec.basemap else "wgs84"
    grids: list = []
    grid_keys: list = []
    layers, boxes = [], []
    n = max(len(spec.layers), 1)
    for i, layer in enumerate(spec.layers):
        check(progress)
        progress.report(i / n, f"{layer.title}")
        if isinstance(layer, HexLayer):
            layers.append(_hex_payload(layer, grids, grid_keys, lang))
            continue
        if isinstance(layer, DistrictLayer):
            item, box = _district_payload(layer, crs, lang)
        elif isinstance(layer, OutletLayer):
            item, box = _outlet_payload(layer, crs, lang)
        elif isinstance(layer, ExpansionLayer):
            item, box = _expansion_payload(layer, crs, lang)
        elif isinstance(layer, SiteLayer):
            item, box = _site_payload(layer, crs, lang)
        else:
            item, box = _route_payload(layer, crs, lang)
        layers.append(item)
        boxes.append(box)
    boxes.append(_grid_bounds(grids, crs))
    if spec.bounds is not None:
        s, w, nn, e = spec.bounds
        lons, lats = _shift(np.array([w, e]), np.array([s, nn]), crs)
        bounds = (float(lats.min()), float(lons.min()), float(lats.max()), float(lons.max()))
    else:
        bounds = _union_bounds(boxes)
    progress.report(1.0, "")
    basemap = None
    if spec.basemap is not None:
        b = spec.basemap
        basemap = {"url": b.url, "attribution": b.attribution, "name": b.name, "maxZoom": int(b.max_zoom),
                   "subdomains": b.subdomains, "crs": b.crs}
    return {
        "v": PAYLOAD_VERSION, "lang": lang, "text": TEXT[lang], "fieldLabels": FIELD_LABELS[lang],
        "title": spec.title, "subtitle": spec.subtitle, "source": spec.source_note, "date": spec.date,
        "background": spec.background, "basemap": basemap, "shift": None if crs == "wgs84" else crs,
        "controls": {"legend": spec.legend, "scale": spec.scale_bar, "north": spec.north_arrow,
                     "layers": spec.layer_control},
        "bounds": [[bounds[0], bounds[1]], [bounds[2], bounds[3]]] if bounds else None,
        "grids": grids, "layers": layers,
    }


def payload_json(payload: dict) -> str:
    """Compact JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------------------------------------
# assets


def asset_url(relative: str) -> str:
    """``file://`` URL of a bundled web asset (relative to ``resources/web``)."""
    return resource_path("web", *relative.split("/")).as_uri()


def offline_folium_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(default_js, default_css) for any ``folium.Map`` pointing at the bundled copies.

    folium's Bootstrap 3 glyphicons and rotated-icon stylesheets are not bundled: offline, use
    Font Awesome icons (``prefix="fa"``) without ``angle``.
    """
    import folium.folium as ff

    js = [(name, asset_url(FOLIUM_JS[name])) for name, _ in ff._default_js if name in FOLIUM_JS]
    css = [(name, asset_url(FOLIUM_CSS[name])) for name, _ in ff._default_css if name in FOLIUM_CSS]
    return js, css


_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)([^'\")]+)\1\s*\)")


@lru_cache(maxsize=32)
def _inline_css(relative: str) -> str:
    """A bundled stylesheet with every ``url(...)`` it references (images, fonts) as a data: URI."""
    path = resource_path("web", *relative.split("/"))
    text = path.read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        target = match.group(2).split("#")[0].split("?")[0]
        file = (path.parent / target).resolve()
        if not file.is_file():
            raise ConfigError(f"bundled stylesheet {relative} references a missing file {target}")
        mime = _FONT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(file.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{encoded}")'

    return _CSS_URL.sub(data_uri, text).replace("</style", "<\\/style")


@lru_cache(maxsize=32)
def _inline_js(relative: str) -> str:
    text = resource_path("web", *relative.split("/")).read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


# ---------------------------------------------------------------------------------------------
# page


@lru_cache(maxsize=1)
def _licence_comment() -> str:
    parts = ["Third-party software inside this page, with its licence:"]
    for title, files in PAGE_LICENSES:
        parts.append(f"\n===== {title} =====")
        parts += [resource_path("web", *f.split("/")).read_text(encoding="utf-8").strip() for f in files]
    text = "\n".join(parts).replace("-->", "- ->").replace("--!>", "- -!>")
    return f"<!--\n{text}\n-->"


def _head(spec: MapSpec) -> str:
    return (f"<title>{html_lib.escape(spec.title or 'StorePlan')}</title>\n"
            '<meta name="generator" content="StorePlan">\n')


class _Raw(Element):
    """Markup placed in the page as it is. branca's ``Element(text)`` would compile ``text`` as a
    Jinja template, so a user string like ``{{ … }}`` in the data would be evaluated."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _Init(MacroElement):
    """Runs after folium's own map script: hands the map and the payload to ``storeplan.init``."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "storeplan.init({{ this._parent.get_name() }}, "
        "JSON.parse(document.getElementById('storeplan-data').textContent));\n"
        "{% endmacro %}"
    )


def page_html(spec: MapSpec, payload: dict, inline: bool) -> str:
    """The complete page: assets inlined (one self-contained file) or linked by ``file://`` URL."""
    import folium

    m = folium.Map(location=[31.23, 121.47], zoom_start=10, tiles=None, zoom_control=False,
                   control_scale=False, attribution_control=False, zoom_snap=0.25, zoom_delta=0.5,
                   prefer_canvas=False)
    root = m.get_root()
    root.header.add_child(_Raw(_head(spec)), name="storeplan_head", index=0)
    if inline:
        m.default_js, m.default_css = [], []
        blocks = [f"<style>\n{_inline_css(rel)}\n</style>" for _, rel in PAGE_CSS]
        blocks += [f"<script>\n{_inline_js(rel)}\n</script>" for _, rel in PAGE_JS]
        root.header.add_child(_Raw("\n".join(blocks)), name="storeplan_assets")
        root.html.add_child(_Raw(_licence_comment()), name="storeplan_licences")
    else:
        m.default_js = [(name, asset_url(rel)) for name, rel in PAGE_JS]
        m.default_css = [(name, asset_url(rel)) for name, rel in PAGE_CSS]
    root.html.add_child(_Raw(
        f'<script type="application/json" id="storeplan-data">{payload_json(payload)}</script>'),
        name="storeplan_data")
    m.add_child(_Init())
    return root.render()

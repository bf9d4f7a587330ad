"""The map page as text: self-contained, escaped, compact, and written atomically (pure: no Qt)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest

from gis import hexgrid
from gis.coords import wgs84_to_gcj02
from gis.errors import Cancelled, ConfigError, StorePlanError
from gis.maprender import (
    Basemap, Classification, ExpansionLayer, HexLayer, MapSpec, OutletLayer, RouteLayer, SiteLayer, export_map_html,
    render_map_page,
)
from gis.maprender.classify import classify
from gis.maprender.html import build_payload, offline_folium_assets, payload_json
from gis.progress import CallbackProgress
from gis.resources import resource_path
from tests.render.conftest import XSS_NAME, demo_spec

LEAFLET_ATTRIBUTION_LINK = 'href="https://leafletjs.com"'  # Leaflet's default prefix; the page turns it off


def _payload_from_html(text: str) -> dict:
    block = re.search(r'<script type="application/json" id="storeplan-data">(.*?)</script>', text, re.S)
    return json.loads(block.group(1))


def _points(layer: dict) -> tuple[np.ndarray, np.ndarray]:
    return (layer["y0"] + np.asarray(layer["lat"]) / 1e6, layer["x0"] + np.asarray(layer["lon"]) / 1e6)


@pytest.fixture(scope="module")
def exported(spec, tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "map.html"
    export_map_html(spec, path)
    return path, path.read_text(encoding="utf-8")


def test_the_exported_file_is_self_contained(exported):
    path, text = exported
    assert path.stat().st_size < 2_000_000  # ~0.5 MB of libraries and a small city
    lowered = text.lower()
    assert 'src="http' not in lowered and "src='http" not in lowered
    assert "url(http" not in lowered and "url('http" not in lowered and 'url("http' not in lowered
    # the only http link is Leaflet's default attribution prefix inside leaflet.js, never shown:
    assert lowered.count('href="http') == lowered.count(LEAFLET_ATTRIBUTION_LINK) == 1
    assert "attributionControl" in text and '"attributionControl": false' in text
    assert "<script src=" not in text and "<link " not in text  # every asset inlined
    assert "L.map(" in text and "h3.cellToBoundary" in text and "storeplan.init(" in text


def test_user_strings_never_reach_the_page_as_markup(exported):
    _, text = exported
    assert XSS_NAME not in text
    payload = _payload_from_html(text)
    outlets = next(layer for layer in payload["layers"] if layer["id"] == "outlets")
    assert outlets["names"][0] == XSS_NAME  # travels as data and is shown with textContent


def test_a_script_closing_tag_in_data_cannot_end_the_data_block(tables):
    evil = "</script><script>alert(1)</script>"
    outlets = tables["outlets"].assign(name=evil)
    spec = MapSpec(title=evil, layers=(OutletLayer(outlets, color_by="channel"),))
    text = payload_json(build_payload(spec))
    assert "</script" not in text and "<" not in text
    assert json.loads(text)["layers"][0]["names"][0] == evil


def test_the_title_is_escaped_in_the_head(tmp_path, tables):
    spec = MapSpec(title='<b>"A&B"</b>', layers=(OutletLayer(tables["outlets"]),))
    text = export_map_html(spec, tmp_path / "m.html").read_text(encoding="utf-8")
    assert "<title>&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</title>" in text


def test_hex_layers_travel_as_cell_ids_and_class_characters(spec, tables):
    payload = build_payload(spec)
    grid = tables["grid"]
    assert len(payload["grids"]) == 1  # two metrics of one grid share its cell list
    g = payload["grids"][0]
    cells = [int(g["pre"] + mid + g["suf"], 16) for mid in g["cells"]]
    assert cells == grid.index.tolist() and g["res"] == 9
    assert g["suf"].endswith("ffff")  # resolution-9 ids end in ffff: sent once, not per cell
    centres = np.frombuffer(base64.b64decode(g["xy"]), dtype="<i4").reshape(-1, 2)
    lat, lon = hexgrid.cells_to_latlon(grid.index.to_numpy())
    assert np.abs(g["y0"] + centres[:, 0] / 1e6 - lat).max() <= 5e-7
    assert np.abs(g["x0"] + centres[:, 1] / 1e6 - lon).max() <= 5e-7
    layer = next(item for item in payload["layers"] if item["id"] == "hex:residents")
    idx, classes = classify(grid["residents"].to_numpy(), Classification("quantile", 5, ramp="YlOrRd"))
    assert layer["cls"] == "".join(str(i) for i in idx)
    assert layer["colors"] == list(classes.colors)
    assert [item["count"] for item in layer["legend"]] == list(classes.counts)
    assert "geometry" not in json.dumps(layer) and "coordinates" not in json.dumps(layer)


def test_missing_values_are_not_drawn(tables):
    grid = tables["grid"].copy()
    grid.iloc[[0, 5], 0] = np.nan
    layer = build_payload(MapSpec(layers=(HexLayer(grid, "residents"),)))["layers"][0]
    assert layer["cls"][0] == "." and layer["cls"][5] == "." and layer["cls"].count(".") == 2


def test_points_keep_their_position_to_a_decimetre(spec, tables):
    payload = build_payload(spec)
    outlets = next(item for item in payload["layers"] if item["id"] == "outlets")
    lat, lon = _points(outlets)
    assert np.abs(lat - tables["outlets"]["lat"].to_numpy()).max() < 1e-6
    assert np.abs(lon - tables["outlets"]["lon"].to_numpy()).max() < 1e-6
    assert outlets["ids"] == tables["outlets"]["outlet_id"].tolist()
    tiers = dict(zip(tables["outlets"]["outlet_id"], tables["outlets"]["tier"]))
    labels = [item["label"] for item in outlets["legend"]]
    assert labels == ["A", "B", "C", "D"]
    assert all(labels[int(c)] == tiers[i] for c, i in zip(outlets["cls"], outlets["ids"]))
    prospects = ~tables["outlets"]["covered"].to_numpy()
    assert [c == "1" for c in outlets["hollow"]] == prospects.tolist()


def test_popup_fields_are_typed_and_localised(spec, tables):
    outlets = next(item for item in build_payload(spec)["layers"] if item["id"] == "outlets")
    fields = {f["l"]: f for f in outlets["fields"]}
    assert fields["评分"]["t"] == "n" and fields["评分"]["d"] == 1
    assert fields["评分"]["v"][:3] == tables["outlets"]["score"].head(3).tolist()
    channel = fields["渠道"]
    first = tables["outlets"]["channel"].iloc[0]
    names = {"hypermarket": "大卖场", "supermarket": "超市", "convenience": "便利店",
             "traditional": "传统渠道", "catering": "餐饮", "other": "其他"}
    assert channel["c"][channel["v"][0]] == names[first]
    covered = fields["铺货"]
    assert [covered["c"][v] for v in covered["v"][:4]] == [
        "已铺货" if c else "未铺货" for c in tables["outlets"]["covered"].head(4)]


def test_gcj02_tiles_shift_our_layers_and_leave_cells_to_the_script(spec, tables):
    base = Basemap("https://webrd0{s}.example.com/{z}/{x}/{y}.png", "© AMap", crs="gcj02", subdomains="1234")
    payload = build_payload(MapSpec(layers=spec.layers, basemap=base))
    assert payload["shift"] == "gcj02" and payload["basemap"]["subdomains"] == "1234"
    outlets = next(item for item in payload["layers"] if item["id"] == "outlets")
    lat, lon = _points(outlets)
    glon, glat = wgs84_to_gcj02(tables["outlets"]["lon"].to_numpy(), tables["outlets"]["lat"].to_numpy())
    assert np.abs(lat - glat).max() < 1e-6 and np.abs(lon - glon).max() < 1e-6
    assert np.abs(lat - tables["outlets"]["lat"].to_numpy()).max() > 1e-3  # ~300 m in Shanghai
    g = payload["grids"][0]
    assert [int(g["pre"] + m + g["suf"], 16) for m in g["cells"]] == tables["grid"].index.tolist()
    plain = build_payload(MapSpec(layers=spec.layers, basemap=Basemap("https://t/{z}/{x}/{y}", "© OSM")))
    assert plain["shift"] is None


def test_routes_keep_stop_order_per_rep_and_day(tables):
    routes = tables["routes"].sample(frac=1.0, random_state=1)  # shuffled rows
    payload = build_payload(MapSpec(layers=(RouteLayer(routes, tables["reps"]),)))
    layer = payload["layers"][0]
    assert [r["id"] for r in layer["reps"]] == ["R1", "R2"]
    assert layer["reps"][0]["home"] == pytest.approx(tables["reps"][["lat", "lon"]].iloc[0].tolist())
    assert len(layer["routes"]) == 4
    for route in layer["routes"]:
        rep = layer["reps"][route["r"]]["id"]
        want = tables["routes"][(tables["routes"].rep_id == rep)
                                & (tables["routes"].day.astype(str) == route["day"])].sort_values("seq")
        assert route["ids"] == want["outlet_id"].tolist()


def test_trade_areas_are_outlines_of_the_chosen_sites_cells(tables):
    layer = build_payload(MapSpec(layers=(SiteLayer(tables["sites"]),)))["layers"][0]
    assert len(layer["areas"]) == 3  # the chosen sites only
    assert all(area["cells"] == 37 for area in layer["areas"])  # a k=3 disk
    assert all(area["geom"]["type"] == "Polygon" for area in layer["areas"])
    assert layer["cls"] == "000000111"  # candidates first, chosen drawn on top
    everything = build_payload(MapSpec(layers=(SiteLayer(tables["sites"], trade_areas="all"),)))
    assert len(everything["layers"][0]["areas"]) == 9


def test_rows_without_coordinates_are_left_out(tables):
    outlets = tables["outlets"].copy()
    outlets.loc[[1, 2], "lat"] = np.nan
    layer = build_payload(MapSpec(layers=(OutletLayer(outlets),)))["layers"][0]
    assert len(layer["lat"]) == len(outlets) - 2 and "O0001" not in layer["ids"]


def test_export_is_atomic_when_cancelled(tmp_path, spec):
    path = tmp_path / "map.html"
    path.write_text("previous map", encoding="utf-8")
    progress = CallbackProgress(lambda fraction, message: progress.cancel() if fraction >= 0.8 else None)
    with pytest.raises(Cancelled):
        export_map_html(spec, path, progress)
    assert path.read_text(encoding="utf-8") == "previous map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_export_reports_progress_up_to_one(tmp_path, spec):
    seen = []
    export_map_html(spec, tmp_path / "m.html", CallbackProgress(lambda f, m: seen.append(f)))
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_export_to_an_unwritable_place_raises_a_plain_error(tmp_path, spec):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorePlanError, match="cannot write the map"):
        export_map_html(spec, blocker / "map.html")


def test_the_desktop_page_links_the_installed_assets(tmp_path, spec):
    page = render_map_page(spec, tmp_path)
    text = page.read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert len(links) == 5 and all(link.startswith("file://") for link in links)
    assert all(Path(re.sub("^file://", "", link)).is_file() for link in links if not link.startswith("file:///C:"))
    assert len(text) < len(payload_json(build_payload(spec))) + 20_000


@pytest.mark.parametrize("make", [
    lambda t: MapSpec(layers=(OutletLayer(t["outlets"]), OutletLayer(t["outlets"]))),  # same id twice
    lambda t: HexLayer(t["grid"], "no_such_metric"),
    lambda t: OutletLayer(t["outlets"], color_by="name"),  # not numeric
    lambda t: OutletLayer(t["outlets"].drop(columns="lat")),
    lambda t: Basemap("https://t/{z}/{x}/{y}", "© Baidu", crs="bd09"),
    lambda t: Basemap("https://t/tiles.png", "© x"),
    lambda t: Basemap("https://t/{z}/{x}/{y}", ""),
    lambda t: MapSpec(language="fr"),
    lambda t: MapSpec(bounds=(32, 121, 31, 122)),
    lambda t: MapSpec(background="red; background-image: url(x)"),
    lambda t: ExpansionLayer(t["expansion"], color="javascript:alert(1)"),
])
def test_invalid_specs_are_rejected_with_config_errors(make, tables):
    with pytest.raises(ConfigError):
        make(tables)


def test_every_layer_is_optional(tmp_path):
    text = export_map_html(MapSpec(title="空白"), tmp_path / "m.html").read_text(encoding="utf-8")
    assert _payload_from_html(text)["layers"] == [] and _payload_from_html(text)["bounds"] is None


def test_english_maps_use_english_labels(tables):
    payload = build_payload(demo_spec(tables, language="en"))
    assert payload["text"]["legend"] == "Legend"
    outlets = next(item for item in payload["layers"] if item["id"] == "outlets")
    assert "Score" in [f["l"] for f in outlets["fields"]]


def test_folium_maps_can_be_pointed_at_the_bundled_assets():
    import folium

    js, css = offline_folium_assets()
    assert {name for name, _ in js} == {"leaflet", "jquery", "bootstrap", "awesome_markers"}
    m = folium.Map(tiles=None)
    m.default_js, m.default_css = js, css
    folium.Marker([31.2, 121.5], popup="x", icon=folium.Icon(prefix="fa", icon="star")).add_to(m)
    html = m.get_root().render()
    assert not re.search(r'(?:src|href)="https?:', html)
    for _, url in js + css:
        assert url.startswith("file://") and Path(re.sub("^file://", "", url)).is_file()


def test_bundled_resources_are_found_and_missing_ones_named():
    assert resource_path("web", "leaflet", "leaflet.js").is_file()
    assert resource_path("web", "h3-js", "LICENSE").is_file()
    with pytest.raises(StorePlanError, match="no-such.js"):
        resource_path("web", "no-such.js")


def test_the_spec_settings_serialise_without_the_data(spec):
    style = json.loads(json.dumps(spec.style_dict()))
    assert style["title"] == spec.title and style["basemap"] is None
    hex_style = style["layers"][0]
    assert hex_style == {"type": "HexLayer", "column": "residents", "title": "居住人口", "id": "hex:residents",
                         "classification": {"method": "quantile", "k": 5, "bins": [], "ramp": "YlOrRd",
                                            "reverse": False},
                         "opacity": 0.75, "visible": True, "unit": "人"}
    assert [layer["id"] for layer in style["layers"]] == [layer.id for layer in spec.layers]


def test_template_syntax_in_user_strings_is_not_evaluated(tmp_path, tables):
    """folium pages are Jinja templates: user strings must never pass through them."""
    braces = "{{ 7*7 }} {% if true %}x{% endif %}"
    outlets = tables["outlets"].assign(name=braces)
    spec = MapSpec(title=braces, source_note=braces, layers=(OutletLayer(outlets),))
    text = export_map_html(spec, tmp_path / "m.html").read_text(encoding="utf-8")
    assert f"<title>{braces}</title>" in text
    payload = _payload_from_html(text)
    assert payload["title"] == payload["source"] == payload["layers"][0]["names"][0] == braces
    assert "49" not in text.split("<title>")[1].split("</title>")[0]


def test_the_initial_view_covers_every_layer(spec, tables):
    (south, west), (north, east) = build_payload(spec)["bounds"]
    lat, lon = hexgrid.cells_to_latlon(tables["grid"].index.to_numpy())
    for la, lo in ((lat, lon), (tables["outlets"]["lat"], tables["outlets"]["lon"]),
                   (tables["sites"]["lat"], tables["sites"]["lon"])):
        assert south <= np.min(la) and np.max(la) <= north and west <= np.min(lo) and np.max(lo) <= east
    assert north - south < 0.2  # and no more than that: a ~12 km patch
    fixed = build_payload(MapSpec(layers=spec.layers, bounds=(31.0, 121.0, 31.5, 121.9)))["bounds"]
    assert fixed == [[31.0, 121.0], [31.5, 121.9]]


def test_inlined_stylesheets_carry_their_fonts_and_images_as_data_uris():
    from gis.maprender.html import _inline_css

    fonts = _inline_css("fontawesome/css/all.min.css")
    assert "url(../webfonts" not in fonts and fonts.count('url("data:font/woff2;base64,') >= 4
    images = _inline_css("leaflet/leaflet.css")
    assert "url(images/" not in images and 'url("data:image/png;base64,' in images

"""Map rendering: specs, class breaks, and the Leaflet/h3-js page (HTML) built from them. No Qt here."""

from gis.maprender.classify import Classes, Classification, class_breaks, classify, ramp
from gis.maprender.export import export_map_html, render_map_page
from gis.maprender.spec import (
    Basemap, DistrictLayer, ExpansionLayer, HexLayer, MapSpec, OutletLayer, RouteLayer, SiteLayer,
)

__all__ = [
    "Basemap", "Classes", "Classification", "DistrictLayer", "ExpansionLayer", "HexLayer", "MapSpec",
    "OutletLayer", "RouteLayer", "SiteLayer", "class_breaks", "classify", "export_map_html", "ramp",
    "render_map_page",
]

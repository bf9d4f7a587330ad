"""Map rendering: specs, class breaks, and the Leaflet/h3-js page (HTML) built from them. No Qt here.

The names below are loaded on first use: importing a small part of the package (the project map's
options, say) does not pay for folium and the classifiers.
"""

from gis.lazy import lazy_exports

# (the function ``classify`` is taken from ``gis.maprender.classify``: the name is the submodule's)
__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Classes": "classify", "Classification": "classify", "class_breaks": "classify", "ramp": "classify",
    "export_map_html": "export", "render_map_page": "export",
    "Basemap": "spec", "DistrictLayer": "spec", "ExpansionLayer": "spec", "HexLayer": "spec", "MapSpec": "spec",
    "OutletLayer": "spec", "RouteLayer": "spec", "SiteLayer": "spec",
})

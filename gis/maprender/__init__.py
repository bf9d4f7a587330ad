"""Map rendering: specs, class breaks, and the Leaflet/h3-js page (HTML) built from them. No Qt here.

The names below are loaded on first use: importing a small part of the package (the project map's
options, say) does not pay for folium and the classifiers.
"""

import importlib

_WHERE = {
    # (the function ``classify`` is taken from ``gis.maprender.classify``: the name is the submodule's)
    "Classes": "classify", "Classification": "classify", "class_breaks": "classify", "ramp": "classify",
    "export_map_html": "export", "render_map_page": "export",
    "Basemap": "spec", "DistrictLayer": "spec", "ExpansionLayer": "spec", "HexLayer": "spec", "MapSpec": "spec",
    "OutletLayer": "spec", "RouteLayer": "spec", "SiteLayer": "spec",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'gis.maprender' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"gis.maprender.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))

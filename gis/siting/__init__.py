"""Store siting (选址): the Huff model, candidate sites and the choice of new sites.

Arrays first (:mod:`gis.siting.huff`, :mod:`gis.siting.selection`), with :func:`run_siting`
as the adapter from the project's tables.
The names are loaded on first use (:mod:`gis.lazy`).
"""

from gis.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "SitingParams": "params", "SitingResult": "pipeline", "run_siting": "pipeline",
})

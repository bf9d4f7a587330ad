"""Outlet scoring (售点评分): catchment features, composite score, potential model, tiers.

The one way in is :func:`score_outlets`; the modules hold one step each:
``params`` (what to compute), ``features`` (catchment features), ``channels`` (channel
classification), ``potential`` (the sales model), ``composite`` (the weighted score and its
components), ``tiers`` (rank and tier within district), ``uncertainty`` (rank stability) and
``explain`` (the factors behind each number).
The names are loaded on first use (:mod:`gis.lazy`).
"""

from gis.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "CatchmentDef": "params", "ModelParams": "params", "ScoringParams": "params", "TADefinition": "params",
    "UncertaintyParams": "params",
    "ScoringResult": "pipeline", "explain_outlet": "pipeline", "score_outlets": "pipeline",
})

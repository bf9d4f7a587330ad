"""Outlet scoring (售点评分): catchment features, composite score, potential model, tiers.

The one way in is :func:`score_outlets`; the modules hold one step each:
``params`` (what to compute), ``features`` (catchment features), ``channels`` (channel
classification), ``potential`` (the sales model), ``composite`` (the weighted score and its
components), ``tiers`` (rank and tier within district), ``uncertainty`` (rank stability) and
``explain`` (the factors behind each number).
"""

from gis.scoring.params import (CatchmentDef, ModelParams, ScoringParams, TADefinition,
                                UncertaintyParams)
from gis.scoring.pipeline import ScoringResult, explain_outlet, score_outlets

__all__ = ["CatchmentDef", "ModelParams", "ScoringParams", "TADefinition", "UncertaintyParams",
           "ScoringResult", "explain_outlet", "score_outlets"]

"""The analysis stages in the order they run, each a thin adapter from a project to a core module.

A stage reads its inputs and earlier results from the project, its parameters from
``project.params[name]`` (plain dicts, as stored in the project file and the TOML sections), and
stores its result tables in ``project.results`` and its notes in ``project.reports[name]``.
Changing a stage's parameters invalidates that stage and every later one (``pipeline.invalidate``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from gis import progress as prog
from gis.project import Project

log = logging.getLogger(__name__)

# Columns the output contract names first, in this order; the rest follow.
OUTLET_SCORES_FIRST = ("outlet_id", "district", "channel", "covered", "score", "potential", "gap",
                       "rank_in_district", "tier")
SITES_FIRST = ("site_id", "lat", "lon", "expected_sales", "cannibalized_sales", "net_sales", "chosen")
EXPANSION_FIRST = ("district", "rank", "outlet_id", "expected_sales", "cannibalized_sales", "net_sales")
STRATEGY_FIRST = ("outlet_id", "tier", "segment", "price_band", "promotion", "visits_per_month",
                  "recommended_products")


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Project, prog.Progress], None]
    produces: tuple[str, ...]
    needs: tuple[str, ...] = ()  # tables without which the stage is skipped, with a note


def _first(df: pd.DataFrame, columns) -> pd.DataFrame:
    head = [c for c in columns if c in df.columns]
    return df[head + [c for c in df.columns if c not in head]]


def _params(project: Project, name: str, cls):
    """The stage's parameters from the project (validated), stored back in canonical form."""
    params = cls.from_dict(project.params.get(name, {}))
    project.params[name] = params.to_dict()
    return params


def _notes(project: Project, name: str, notes, **extra) -> None:
    project.reports[name] = {"notes": [str(n) for n in notes], **extra}


def _plain(value):
    """A JSON-friendly copy of a report (tuples to lists, numpy scalars to numbers)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


# --------------------------------------------------------------------------------------------


def run_scoring(project: Project, progress: prog.Progress) -> None:
    from gis.scoring import ScoringParams, score_outlets

    params = _params(project, "scoring", ScoringParams)
    result = score_outlets(project.inputs["outlets"], project.grid, project.inputs.get("districts"),
                           params, progress)
    project.results["outlet_scores"] = _first(result.table, OUTLET_SCORES_FIRST)
    project.reports["scoring"] = _plain({"notes": list(result.model_report.get("notes", [])),
                                         "model": result.model_report, "weights": result.weights})


def run_insight(project: Project, progress: prog.Progress) -> None:
    from gis.insight import InsightParams, district_insight

    params = _params(project, "insight", InsightParams)
    result = district_insight(project.grid, project.inputs["outlets"], project.inputs.get("districts"),
                              project.results.get("outlet_scores"), params, progress)
    project.results["district_ranking"] = result.district_ranking
    _notes(project, "insight", result.notes, weights=dict(result.weights))


def run_expansion(project: Project, progress: prog.Progress) -> None:
    from gis.expansion import ExpansionParams, expansion_list

    params = _params(project, "expansion", ExpansionParams)
    result = expansion_list(project.results["outlet_scores"], params)
    project.results["expansion_list"] = _first(result.table, EXPANSION_FIRST)
    _notes(project, "expansion", result.notes)


def run_siting(project: Project, progress: prog.Progress) -> None:
    from gis.siting import SitingParams, run_siting as siting

    params = _params(project, "siting", SitingParams)
    result = siting(project.grid, project.inputs["outlets"], project.inputs.get("districts"), params,
                    project.inputs.get("candidates"), progress)
    project.results["sites"] = _first(result.sites, SITES_FIRST)
    project.results["trade_areas"] = result.trade_areas
    project.results["cannibalization"] = result.cannibalization
    _notes(project, "siting", result.notes, summary=_plain(result.summary))


def run_strategy(project: Project, progress: prog.Progress) -> None:
    from gis.strategy import StrategyParams, derive_strategy

    params = _params(project, "strategy", StrategyParams)
    scores = project.results.get("outlet_scores")
    result = derive_strategy(project.inputs["outlets"], scores, scores,
                             project.inputs.get("sales_lines"), params, progress)
    project.results["outlet_strategy"] = _first(result.table, STRATEGY_FIRST)
    project.results["segments"] = result.segments
    _notes(project, "strategy", result.notes, summary=_plain(result.summary))


STAGES: list[Stage] = [
    Stage("scoring", run_scoring, ("outlet_scores",), needs=("outlets",)),
    Stage("insight", run_insight, ("district_ranking",), needs=("outlets",)),
    Stage("expansion", run_expansion, ("expansion_list",), needs=("outlet_scores",)),
    Stage("siting", run_siting, ("sites", "trade_areas", "cannibalization"), needs=("grid", "outlets")),
    Stage("strategy", run_strategy, ("outlet_strategy", "segments"), needs=("outlet_scores",)),
]

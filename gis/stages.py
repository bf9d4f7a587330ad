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
    uses: tuple[str, ...] = ()   # results read when present (a change there makes this stage stale too)


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


# visits a month by tier when the strategy stage has not run (same defaults as the strategy)
DEFAULT_VISITS_PER_MONTH = {"A": 4.0, "B": 2.0, "C": 1.0, "D": 0.0}
WORKING_DAYS_PER_MONTH = 20


def visits_in_horizon(project: Project, days: int) -> pd.Series:
    """Visits each outlet needs within a horizon of ``days`` working days (outlet_id → count > 0).

    Covered outlets get their strategy's visits a month (or their tier's default) scaled to the
    horizon; an outlet's own ``visits`` column overrides that, for prospects too.
    """
    outlets = project.inputs["outlets"]
    ids = outlets["outlet_id"].astype(str)
    strategy = project.results.get("outlet_strategy")
    scores = project.results.get("outlet_scores")
    if strategy is not None and "visits_per_month" in strategy:
        per_month = strategy.set_index(strategy["outlet_id"].astype(str))["visits_per_month"]
    elif scores is not None and "tier" in scores:
        per_month = scores.set_index(scores["outlet_id"].astype(str))["tier"].map(DEFAULT_VISITS_PER_MONTH)
    else:
        per_month = pd.Series(1.0, index=ids)  # nothing to tier by: a monthly visit
    base = per_month.reindex(ids).fillna(0.0).to_numpy(dtype=float) * days / WORKING_DAYS_PER_MONTH
    covered = outlets["covered"].fillna(True).to_numpy(dtype=bool) if "covered" in outlets else True
    base = base * covered
    if "visits" in outlets:
        own = pd.to_numeric(outlets["visits"], errors="coerce").to_numpy(dtype=float)
        base = pd.Series(own).where(~pd.isna(own), base).to_numpy()
    visits = pd.Series(base, index=ids.to_numpy()).round().astype(int)
    return visits[visits > 0]


def run_routing(project: Project, progress: prog.Progress) -> None:
    from gis.routing import RoutingParams, plan_field

    params = _params(project, "routing", RoutingParams)
    visits = visits_in_horizon(project, params.days)
    plan = plan_field(project.inputs["outlets"], project.inputs["reps"], visits,
                      project.inputs.get("matrix"), params, progress)
    store_field_plan(project, plan)


def store_field_plan(project: Project, plan) -> None:
    """Keep a plan's tables as results and its state in the reports (so it can be rebuilt)."""
    project.cache["field_plan"] = plan
    for name, df in (("routes", plan.routes_table()), ("rep_summary", plan.rep_summary()),
                     ("unscheduled", plan.unscheduled_table()), ("territories", plan.territory_table())):
        df.attrs["csv"] = False  # written by the route writer, with formatted times
        project.results[name] = df
    kpis = plan.kpis()
    project.reports["routing"] = _plain({
        "notes": [f"{kpis.unscheduled_visits} visits could not be scheduled; see unscheduled.csv"]
                 if kpis.unscheduled_visits else [],
        "plan": plan.to_dict(),
        "kpis": {k: v for k, v in vars(kpis).items() if not isinstance(v, pd.DataFrame)},
        "method": plan.method,
        "cancelled": bool(plan.cancelled),
    })


def field_plan(project: Project):
    """The project's editable field plan, rebuilt from its saved state when not in memory."""
    plan = project.cache.get("field_plan")
    if plan is not None or "routes" not in project.results:
        return plan
    from gis.routing import RoutingParams
    from gis.routing.adapter import prepare
    from gis.routing.plan import FieldPlan

    saved = project.reports.get("routing", {}).get("plan", {})
    params = RoutingParams.from_dict(saved.get("params", project.params.get("routing", {})))
    inputs = prepare(project.inputs["outlets"], project.inputs["reps"],
                     visits_in_horizon(project, params.days), project.inputs.get("matrix"), params)
    plan = FieldPlan.from_dict(inputs, saved)
    project.cache["field_plan"] = plan
    return plan


STAGES: list[Stage] = [
    Stage("scoring", run_scoring, ("outlet_scores",), needs=("outlets",)),
    Stage("insight", run_insight, ("district_ranking",), needs=("outlets",), uses=("outlet_scores",)),
    Stage("expansion", run_expansion, ("expansion_list",), needs=("outlet_scores",)),
    Stage("siting", run_siting, ("sites", "trade_areas", "cannibalization"), needs=("grid", "outlets")),
    Stage("strategy", run_strategy, ("outlet_strategy", "segments"), needs=("outlet_scores",)),
    Stage("routing", run_routing, ("routes", "rep_summary", "unscheduled", "territories", "field_plan"),
          needs=("outlets", "reps"), uses=("outlet_scores", "outlet_strategy")),
]


def dependents(name: str) -> list[str]:
    """``name`` and every stage that reads what it produces, directly or through another stage, in
    running order: what a change of ``name``'s parameters makes stale (a weight change re-scores
    outlets and re-derives the expansion list, not the store sites)."""
    stale = {name}
    produced: set[str] = set()
    for stage in STAGES:
        if stage.name in stale or produced & (set(stage.needs) | set(stage.uses)):
            stale.add(stage.name)
            produced |= set(stage.produces)
    return [s.name for s in STAGES if s.name in stale]

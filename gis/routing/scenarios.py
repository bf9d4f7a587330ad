"""What-if scenarios of a field plan: add or remove reps, change frequencies, close outlets.

A :class:`Scenario` is a named set of changes to the plan's inputs, serialisable for the project
file. :func:`run_scenarios` plans each one; :func:`compare_plans` puts their KPIs side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from gis.errors import AnalysisError
from gis.progress import Progress, SubProgress, check, ensure
from gis.routing.params import RoutingParams
from gis.routing.plan import FieldPlan
from gis.routing.planner import plan_field


@dataclass(frozen=True)
class Scenario:
    """Changes against the base inputs. ``add_reps``: rows for the reps table (dicts with at
    least rep_id, lat, lon); ``visits``: outlet_id → new visit count (0 stops visits);
    ``close_outlets``: outlets no longer visited; ``params``: overrides of RoutingParams."""

    name: str
    add_reps: tuple[Mapping[str, Any], ...] = ()
    remove_reps: tuple[str, ...] = ()
    visits: Mapping[str, float] = field(default_factory=dict)
    close_outlets: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not str(self.name).strip():
            raise AnalysisError("a scenario needs a name")
        object.__setattr__(self, "add_reps", tuple(dict(r) for r in self.add_reps))
        object.__setattr__(self, "remove_reps", tuple(str(r) for r in self.remove_reps))
        object.__setattr__(self, "close_outlets", tuple(str(o) for o in self.close_outlets))
        object.__setattr__(self, "visits", {str(k): float(v) for k, v in dict(self.visits).items()})
        object.__setattr__(self, "params", dict(self.params))

    def apply(self, outlets: pd.DataFrame, reps: pd.DataFrame, visits: pd.Series,
              params: RoutingParams):
        """The scenario's (outlets, reps, visits, params); the inputs are not modified."""
        reps2 = reps[~reps["rep_id"].astype(str).isin(self.remove_reps)]
        missing = set(self.remove_reps) - set(reps["rep_id"].astype(str))
        if missing:
            raise AnalysisError(f"scenario '{self.name}': no rep {', '.join(sorted(missing))} to remove")
        if self.add_reps:
            reps2 = pd.concat([reps2, pd.DataFrame(list(self.add_reps))], ignore_index=True)
        v = pd.Series(visits, copy=True)
        v.index = v.index.astype(str)
        if self.visits:
            upd = pd.Series(self.visits, dtype=float)
            v = pd.concat([v[~v.index.isin(upd.index)], upd])
        v = v[~v.index.isin(self.close_outlets)]
        p = RoutingParams.from_dict({**params.to_dict(), **self.params}) if self.params else params
        return outlets, reps2.reset_index(drop=True), v, p

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "add_reps": [dict(r) for r in self.add_reps],
                "remove_reps": list(self.remove_reps), "visits": dict(self.visits),
                "close_outlets": list(self.close_outlets), "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scenario":
        d = dict(data)
        return cls(name=d["name"], add_reps=tuple(d.get("add_reps", ())),
                   remove_reps=tuple(d.get("remove_reps", ())), visits=d.get("visits", {}),
                   close_outlets=tuple(d.get("close_outlets", ())), params=d.get("params", {}))


def run_scenarios(outlets: pd.DataFrame, reps: pd.DataFrame, visits: pd.Series,
                  matrix: pd.DataFrame | None, params: RoutingParams, scenarios,
                  progress: Progress | None = None, include_base: bool = True) -> dict[str, FieldPlan]:
    """Plan the base case (as "base") and each scenario; each gets ``params.time_limit_s``."""
    progress = ensure(progress)
    todo = ([Scenario("base")] if include_base else []) + list(scenarios)
    names = [s.name for s in todo]
    if len(set(names)) != len(names):
        raise AnalysisError("scenario names must be unique")
    out: dict[str, FieldPlan] = {}
    for k, sc in enumerate(todo):
        check(progress)
        o, r, v, p = sc.apply(outlets, reps, visits, params)
        out[sc.name] = plan_field(o, r, v, matrix, p,
                                  progress=SubProgress(progress, k / len(todo), (k + 1) / len(todo)))
    return out


def compare_plans(plans: Mapping[str, FieldPlan]) -> pd.DataFrame:
    """KPIs of several plans side by side: one row per KPI, one column per plan."""
    rows = {}
    for name, plan in plans.items():
        k = plan.kpis()
        rows[name] = {
            "reps": int(plan.inputs.n_reps),
            "reps_used": k.reps_used,
            "visits": k.visits,
            "unscheduled_visits": k.unscheduled_visits,
            "travel_h": round(k.travel_s / 3600, 2),
            "distance_km": round(k.travel_m / 1000, 1),
            "working_h": round(k.working_s / 3600, 2),
            "service_h": round(k.service_s / 3600, 2),
            "travel_share": round(k.travel_s / k.working_s, 3) if k.working_s else 0.0,
            "workload_balance": round(k.workload_balance, 3),
            "window_violations": k.window_violations,
            "routes": k.routes,
        }
    return pd.DataFrame(rows)

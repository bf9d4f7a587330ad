"""Field sales planning: territories, visit calendar, optimised daily routes, edits, route sheets.

Entry points: :func:`plan_field` (tables in, :class:`FieldPlan` out), :func:`write_route_outputs`
(CSV tables and per-rep route sheets), :func:`solve_routes` (plain arrays, for one problem).
The names are loaded on first use (:mod:`gis.lazy`).
"""

from gis.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "write_route_outputs": "outputs", "RoutingParams": "params",
    "WorkCalendar": "calendar", "working_calendar": "calendar",
    "FieldPlan": "plan", "PlanInputs": "plan", "PlanKPIs": "plan", "Unscheduled": "plan",
    "plan_field": "planner",
    "Scenario": "scenarios", "compare_plans": "scenarios", "run_scenarios": "scenarios",
    "BreakSpec": "schedule", "Schedule": "schedule",
    "RouteSolution": "solver", "Vehicle": "solver", "solve_routes": "solver",
    "TerritoryResult": "territories",
})

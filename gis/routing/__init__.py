"""Field sales planning: territories, visit calendar, optimised daily routes, edits, route sheets.

Entry points: :func:`plan_field` (tables in, :class:`FieldPlan` out), :func:`write_route_outputs`
(CSV tables and per-rep route sheets), :func:`solve_routes` (plain arrays, for one problem).
"""

from gis.routing.outputs import write_route_outputs
from gis.routing.params import RoutingParams
from gis.routing.calendar import WorkCalendar, working_calendar
from gis.routing.plan import FieldPlan, PlanInputs, PlanKPIs, Unscheduled
from gis.routing.planner import plan_field
from gis.routing.scenarios import Scenario, compare_plans, run_scenarios
from gis.routing.schedule import BreakSpec, Schedule
from gis.routing.solver import RouteSolution, Vehicle, solve_routes
from gis.routing.territories import TerritoryResult

__all__ = ["BreakSpec", "FieldPlan", "PlanInputs", "PlanKPIs", "RouteSolution", "RoutingParams",
           "Scenario", "Schedule", "TerritoryResult", "Unscheduled", "Vehicle", "WorkCalendar",
           "compare_plans", "plan_field", "run_scenarios", "solve_routes", "working_calendar",
           "write_route_outputs"]

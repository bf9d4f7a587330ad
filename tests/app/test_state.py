"""The application state: undoable parameter and input edits, stale results, selection events."""

from __future__ import annotations

import pandas as pd
import pytest

from gis import stages as stages_mod
from gis.project import Project
from gis.stages import Stage

from app.gui.state import AppState, snapshot


def _noop(project, progress):
    pass


@pytest.fixture
def two_stages(monkeypatch):
    """Two stages, the second after the first: a → (t1), b → (t2)."""
    fake = [Stage("a", _noop, ("t1",), needs=("outlets",)), Stage("b", _noop, ("t2",), needs=("t1",))]
    monkeypatch.setattr(stages_mod, "STAGES", fake)
    return fake


@pytest.fixture
def state(qapp, two_stages):
    st = AppState()
    project = Project(name="p", inputs={"outlets": pd.DataFrame({"outlet_id": ["a", "b"]})})
    project.results = {"t1": pd.DataFrame({"x": [1]}), "t2": pd.DataFrame({"y": [2]})}
    project.params = {"b": {"k": 1}}
    st.set_project(project)
    return st


def test_param_change_drops_its_results_and_undo_brings_them_back(state):
    events = []
    state.events.subscribe("results", lambda names: events.append(set(names)))
    t2 = state.project.results["t2"]
    state.set_params("b", {"k": 2})
    assert state.project.params["b"] == {"k": 2}
    assert "t2" not in state.project.results and "t1" in state.project.results
    assert state.modified
    state.undo_stack.undo()
    assert state.project.params["b"] == {"k": 1}
    assert state.project.results["t2"] is t2
    assert not state.modified
    state.undo_stack.redo()
    assert "t2" not in state.project.results
    assert events == [{"t2"}, {"t2"}, {"t2"}]


def test_changing_the_first_stage_drops_everything_after_it(state):
    state.set_params("a", {"w": 1})
    assert state.project.results == {}


def test_same_params_make_no_edit(state):
    state.set_params("b", {"k": 1})
    assert state.undo_stack.count() == 0


def test_results_of_an_older_revision_are_refused(state):
    revision = state.revision
    state.set_params("b", {"k": 3})  # the user changed something while the worker ran
    assert not state.apply_results({"t2": pd.DataFrame({"y": [99]})}, revision)
    assert "t2" not in state.project.results
    assert state.apply_results({"t2": pd.DataFrame({"y": [7]})}, state.revision)
    assert state.project.results["t2"]["y"].tolist() == [7]


def test_importing_an_input_drops_all_results_undoably(state):
    old = state.project.inputs["outlets"]
    new = pd.DataFrame({"outlet_id": ["c"]})
    state.set_input("outlets", new)
    assert state.project.inputs["outlets"] is new and state.project.results == {}
    state.undo_stack.undo()
    assert state.project.inputs["outlets"] is old
    assert set(state.project.results) == {"t1", "t2"}


def test_missing_stages_follow_what_each_stage_needs(state):
    assert state.missing_stages() == []
    state.project.results.pop("t1")
    state.project.results.pop("t2")
    assert state.missing_stages() == ["a", "b"]
    state.project.inputs.pop("outlets")
    assert state.missing_stages() == []


def test_selection_is_announced_once_with_its_origin(state):
    seen = []
    state.events.subscribe("selection", lambda *a: seen.append(a))
    state.select("outlet", "SH1", origin="map")
    state.select("outlet", "SH1", origin="tables")
    state.select("cell", 617700169958293503)
    assert seen == [("outlet", "SH1", "map"), ("cell", "617700169958293503", "")]


def test_a_failing_observer_does_not_stop_the_others(state):
    seen = []
    state.events.subscribe("selection", lambda *a: 1 / 0)
    state.events.subscribe("selection", lambda *a: seen.append(a))
    state.select("site", "S1")
    assert seen == [("site", "S1", "")]


def test_snapshot_shares_tables_but_not_containers(state):
    snap = snapshot(state.project)
    snap.results["new"] = pd.DataFrame()
    snap.params["b"]["k"] = 5
    assert "new" not in state.project.results
    assert state.project.params["b"]["k"] == 1
    assert snap.inputs["outlets"] is state.project.inputs["outlets"]

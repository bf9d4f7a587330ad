"""The application state: the open project, its file, the selection and the undo stack.

A plain Python object that widgets observe (``state.events.subscribe(name, callback)``) and tests
drive directly. Edits go through undo commands (QUndoStack); background analysis results come
back through :meth:`AppState.apply_results`, which refuses a result computed from an older
revision of the parameters or inputs (a stale result never overwrites a newer one).

Events (callback arguments):

- ``project`` () — a different project was opened or created;
- ``results`` (names: set[str]) — result tables were added, replaced or dropped;
- ``inputs`` (names: set[str]) — input tables or the grid changed;
- ``params`` (stage: str) — a stage's parameters changed;
- ``selection`` (kind: str, id: str, origin: str) — ``kind`` is outlet, cell, district, site, stop
  or "" for none; ``origin`` names the widget that made it, so it does not echo it back;
- ``modified`` (bool), ``path`` (Path | None), ``status`` (message: str).
"""

from __future__ import annotations

import copy
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from PySide6.QtGui import QUndoCommand, QUndoStack

from gis.project import Project

log = logging.getLogger(__name__)


class Events:
    """Minimal publish/subscribe; callbacks run synchronously in the caller's thread."""

    def __init__(self):
        self._subs: dict[str, list[Callable]] = defaultdict(list)

    def subscribe(self, name: str, callback: Callable) -> Callable[[], None]:
        self._subs[name].append(callback)

        def unsubscribe():
            if callback in self._subs[name]:
                self._subs[name].remove(callback)

        return unsubscribe

    def emit(self, name: str, *args) -> None:
        for callback in list(self._subs[name]):
            try:
                callback(*args)
            except RuntimeError as exc:
                if "already deleted" in str(exc):  # a closed window's widget: forget it
                    self._subs[name].remove(callback)
                else:
                    log.exception("handler of %r failed", name)
            except Exception:  # one broken view must not stop the others
                log.exception("handler of %r failed", name)


def stage_names() -> list[str]:
    from gis.stages import STAGES

    return [s.name for s in STAGES]


def downstream(stage: str) -> list[str]:
    """``stage`` and every stage reading its results (what a change of its parameters invalidates)."""
    from gis.stages import dependents

    return dependents(stage) if stage in stage_names() else []


def produced_by(stages) -> set[str]:
    from gis.stages import STAGES

    wanted = set(stages)
    return {t for s in STAGES if s.name in wanted for t in s.produces}


def snapshot(project: Project) -> Project:
    """A copy a worker may change freely: new dicts, the same (never mutated) tables."""
    return Project(
        name=project.name,
        settings=copy.deepcopy(project.settings),
        inputs=dict(project.inputs),
        grid=project.grid,
        params=copy.deepcopy(project.params),
        results=dict(project.results),
        reports=copy.deepcopy(project.reports),
        cache=dict(project.cache),
    )


class AppState:
    """What the window shows; see the module docstring for the events."""

    def __init__(self):
        self.events = Events()
        self.project: Project | None = None
        self.path: Path | None = None
        self.selection: tuple[str, str] = ("", "")
        self.revision = 0  # bumped whenever params or inputs change
        self.undo_stack = QUndoStack()
        self.undo_stack.cleanChanged.connect(lambda clean: self.events.emit("modified", not clean))
        self._extra_modified = False

    # project -------------------------------------------------------------------------------
    def set_project(self, project: Project | None, path: Path | None = None, modified: bool = False) -> None:
        self.project = project
        self.path = Path(path) if path else None
        self.selection = ("", "")
        self.revision += 1
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._extra_modified = modified
        self.events.emit("project")
        self.events.emit("path", self.path)
        self.events.emit("modified", self.modified)

    @property
    def modified(self) -> bool:
        return self.project is not None and (self._extra_modified or not self.undo_stack.isClean())

    def mark_saved(self, path: Path) -> None:
        self.path = Path(path)
        self._extra_modified = False
        self.undo_stack.setClean()
        self.events.emit("path", self.path)
        self.events.emit("modified", False)

    def mark_modified(self) -> None:
        """A change that is not an undoable edit (new analysis results) still needs saving."""
        if not self._extra_modified:
            self._extra_modified = True
            self.events.emit("modified", True)

    def table(self, name: str) -> pd.DataFrame | None:
        return None if self.project is None else self.project.table(name)

    def status(self, message: str) -> None:
        self.events.emit("status", message)

    # selection ----------------------------------------------------------------------------
    def select(self, kind: str, ident: Any, origin: str = "") -> None:
        sel = (str(kind or ""), "" if ident is None else str(ident))
        if sel == self.selection:
            return
        self.selection = sel
        self.events.emit("selection", sel[0], sel[1], origin)

    # parameters ---------------------------------------------------------------------------
    def params(self, stage: str) -> dict[str, Any]:
        return copy.deepcopy(self.project.params.get(stage, {})) if self.project else {}

    def set_params(self, stage: str, params: dict[str, Any], text: str = "") -> None:
        """Change a stage's parameters as one undoable edit; its results and later ones are dropped."""
        if self.project is None:
            return
        if params == self.project.params.get(stage, {}):
            return
        self.undo_stack.push(SetParamsCommand(self, stage, params, text or f"Change {stage} parameters"))

    # inputs -------------------------------------------------------------------------------
    def set_input(self, name: str, table: pd.DataFrame | None, text: str = "", report: dict | None = None) -> None:
        """Replace (or add) an input table as one undoable edit; every result is dropped."""
        if self.project is None:
            return
        self.undo_stack.push(SetInputCommand(self, name, table, text or f"Import {name}", report))

    # results ------------------------------------------------------------------------------
    def apply_results(self, results: dict[str, pd.DataFrame], revision: int, dropped=(),
                      reports: dict | None = None, cache: dict | None = None) -> bool:
        """Store results a worker computed from ``revision``; refused (False) when stale."""
        if self.project is None or revision != self.revision:
            log.info("stale analysis result ignored (revision %s, now %s)", revision, self.revision)
            return False
        self.project.drop_results(dropped)
        self.project.drop_results(results)
        self.project.results.update(results)
        self.project.cache.update(cache or {})
        if reports:
            self.project.reports.update(reports)
        self.mark_modified()
        self.events.emit("results", set(results) | set(dropped))
        return True

    def replace_results(self, results: dict[str, pd.DataFrame], text: str) -> None:
        """An edit of result tables (e.g. a field-plan change) as one undoable step."""
        if self.project is None:
            return
        self.undo_stack.push(ReplaceResultsCommand(self, results, text))

    def _swap_results(self, tables: dict[str, pd.DataFrame | None]) -> None:
        for name, df in tables.items():
            if df is None:
                self.project.results.pop(name, None)
            else:
                self.project.results[name] = df
        self.revision += 1  # an analysis started before this edit must not overwrite it
        self.events.emit("results", set(tables))

    def missing_stages(self) -> list[str]:
        """Stages whose inputs exist but whose results do not (yet)."""
        from gis.stages import STAGES

        if self.project is None:
            return []
        p = self.project
        out = []
        available = set(p.inputs) | set(p.results) | ({"grid"} if p.grid is not None else set())
        for stage in STAGES:
            if not all(n in available for n in stage.needs):
                continue  # cannot run (yet): neither missing nor a source for later stages
            # the first table a stage produces is its main result; others (e.g. an editable field
            # plan kept in the cache) are rebuilt from it after a project is reopened
            if stage.produces and stage.produces[0] not in p.results:
                out.append(stage.name)
            available |= set(stage.produces)
        return out


class SetParamsCommand(QUndoCommand):
    def __init__(self, state: AppState, stage: str, params: dict, text: str):
        super().__init__(text)
        self.state, self.stage = state, stage
        project = state.project
        self.old = copy.deepcopy(project.params.get(stage))
        self.new = copy.deepcopy(params)
        self.affected = produced_by(downstream(stage))
        self.old_results = {n: project.results[n] for n in self.affected if n in project.results}
        self.old_cache = {n: project.cache[n] for n in self.affected if n in project.cache}

    def _apply(self, params, results, cache=None) -> None:
        st, project = self.state, self.state.project
        if params is None:
            project.params.pop(self.stage, None)
        else:
            project.params[self.stage] = copy.deepcopy(params)
        st.revision += 1
        project.drop_results(self.affected)
        project.results.update(results)
        project.cache.update(cache or {})
        st.events.emit("params", self.stage)
        st.events.emit("results", set(self.affected))

    def redo(self):
        self._apply(self.new, {})

    def undo(self):
        self._apply(self.old, self.old_results, self.old_cache)


class SetInputCommand(QUndoCommand):
    def __init__(self, state: AppState, name: str, table, text: str, report: dict | None):
        super().__init__(text)
        self.state, self.name, self.new, self.report = state, name, table, report
        project = state.project
        self.old = project.grid if name == "grid" else project.inputs.get(name)
        self.old_results = dict(project.results)
        self.old_cache = dict(project.cache)
        self.old_report = copy.deepcopy(project.reports.get("intake", {}).get(name))

    def _apply(self, table, results, report, cache=None) -> None:
        st, project = self.state, self.state.project
        if self.name == "grid":
            project.grid = table
        elif table is None:
            project.inputs.pop(self.name, None)
        else:
            project.inputs[self.name] = table
        if report is not None:
            project.reports.setdefault("intake", {})[self.name] = report
        dropped = set(project.results) | set(results)
        project.results.clear()
        project.cache.clear()
        project.results.update(results)
        project.cache.update(cache or {})
        st.revision += 1
        st.events.emit("inputs", {self.name})
        st.events.emit("results", dropped)

    def redo(self):
        self._apply(self.new, {}, self.report)

    def undo(self):
        self._apply(self.old, self.old_results, self.old_report, self.old_cache)


class ReplaceResultsCommand(QUndoCommand):
    def __init__(self, state: AppState, results: dict[str, pd.DataFrame | None], text: str):
        super().__init__(text)
        self.state = state
        self.new = dict(results)
        self.old = {n: state.project.results.get(n) for n in results}

    def redo(self):
        self.state._swap_results(self.new)

    def undo(self):
        self.state._swap_results(self.old)

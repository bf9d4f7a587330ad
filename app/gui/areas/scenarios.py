"""Scenarios work area: keep the current parameters and headline figures under a name, compare side by side.

A scenario is stored in the project (``reports["scenarios"]``): its name, every stage's parameters
and the headline figures read from the result tables at the time. Restoring a scenario sets its
parameters back (one undoable edit) and re-runs what they change.
"""

from __future__ import annotations

import copy
import datetime as dt

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.gui.areas.common import RefreshWhenShown, note_label
from app.gui.frame_model import format_value
from app.gui.state import AppState


def headline(project) -> dict[str, float]:
    """Headline figures of the results as they stand (counts and sums of result columns)."""
    r = project.results
    out: dict[str, float] = {}
    scores = r.get("outlet_scores")
    if scores is not None:
        out["outlets_scored"] = len(scores)
        if "tier" in scores.columns:
            out["tier_a"] = int((scores["tier"].astype("string") == "A").sum())
    exp = r.get("expansion_list")
    if exp is not None:
        out["expansion_outlets"] = len(exp)
        if "net_sales" in exp.columns:
            out["expansion_net_sales"] = float(exp["net_sales"].sum())
    sites = r.get("sites")
    if sites is not None and "chosen" in sites.columns:
        chosen = sites[sites["chosen"].astype(bool)]
        out["sites_chosen"] = len(chosen)
        if "net_sales" in chosen.columns:
            out["sites_net_sales"] = float(chosen["net_sales"].sum())
    routes = r.get("routes")
    if routes is not None:
        out["visits"] = len(routes)
    summary = r.get("rep_summary")
    if summary is not None and "travel_s" in summary.columns:
        out["travel_hours"] = float(summary["travel_s"].sum()) / 3600.0
    uns = r.get("unscheduled")
    if uns is not None:
        out["unscheduled_visits"] = int(uns["visits_missing"].sum()) if "visits_missing" in uns.columns else len(uns)
    return out


class ScenarioCommand(QUndoCommand):
    def __init__(self, state: AppState, scenarios: list, text: str):
        super().__init__(text)
        self.state = state
        self.new = copy.deepcopy(scenarios)
        self.old = copy.deepcopy(state.project.reports.get("scenarios", []))

    def _set(self, value):
        self.state.project.reports["scenarios"] = copy.deepcopy(value)
        self.state.events.emit("results", {"scenarios"})

    def redo(self):
        self._set(self.new)

    def undo(self):
        self._set(self.old)


class ScenariosArea(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.note = note_label(self)
        self.note.setText(self.tr("Keep the current parameters and results under a name, change something, "
                                  "keep that too, and compare them here side by side."))
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.keep_button = QPushButton(self.tr("Keep as scenario…"), self)
        self.restore_button = QPushButton(self.tr("Restore parameters"), self)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.keep_button.clicked.connect(self._keep_dialog)
        self.restore_button.clicked.connect(self._restore_selected)
        self.delete_button.clicked.connect(self._delete_selected)
        row = QHBoxLayout()
        for b in (self.keep_button, self.restore_button, self.delete_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        RefreshWhenShown(self, state, self.refresh)
        self.refresh()

    def labels(self) -> dict[str, str]:
        return {"outlets_scored": self.tr("Outlets scored"), "tier_a": self.tr("Tier A outlets"),
                "expansion_outlets": self.tr("Expansion list"), "expansion_net_sales": self.tr("Expansion net sales"),
                "sites_chosen": self.tr("Sites chosen"), "sites_net_sales": self.tr("Net sales of chosen sites"),
                "visits": self.tr("Visits planned"), "travel_hours": self.tr("Travel (hours)"),
                "unscheduled_visits": self.tr("Unscheduled visits")}

    def scenarios(self) -> list[dict]:
        p = self.state.project
        return list(p.reports.get("scenarios", [])) if p is not None else []

    def keep(self, name: str) -> None:
        p = self.state.project
        if p is None:
            return
        item = {"name": name, "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
                "params": copy.deepcopy(p.params), "figures": headline(p)}
        self.state.undo_stack.push(ScenarioCommand(self.state, [*self.scenarios(), item],
                                                   self.tr("Keep scenario %1").replace("%1", name)))

    def restore(self, index: int) -> None:
        item = self.scenarios()[index]
        stack = self.state.undo_stack
        stack.beginMacro(self.tr("Restore scenario %1").replace("%1", item["name"]))
        for stage, params in item.get("params", {}).items():
            self.state.set_params(stage, params)
        stack.endMacro()

    def delete(self, index: int) -> None:
        items = self.scenarios()
        name = items[index]["name"]
        del items[index]
        self.state.undo_stack.push(ScenarioCommand(self.state, items, self.tr("Delete scenario %1").replace("%1", name)))

    def _selected(self) -> int:
        col = self.table.currentColumn()
        return col - 1 if col >= 1 else -1

    def _keep_dialog(self):
        name, ok = QInputDialog.getText(self, self.tr("Keep as scenario"), self.tr("Name"),
                                        text=self.tr("Scenario %1").replace("%1", str(len(self.scenarios()) + 1)))
        if ok and name.strip():
            self.keep(name.strip())

    def _restore_selected(self):
        i = self._selected()
        if 0 <= i < len(self.scenarios()):
            self.restore(i)

    def _delete_selected(self):
        i = self._selected()
        if 0 <= i < len(self.scenarios()):
            self.delete(i)

    def refresh(self, *_):
        items = self.scenarios()
        p = self.state.project
        current = headline(p) if p is not None else {}
        names = self.labels()
        keys = [k for k in names if k in current or any(k in s.get("figures", {}) for s in items)]
        self.table.clear()
        self.table.setColumnCount(1 + len(items))
        self.table.setRowCount(len(keys))
        self.table.setHorizontalHeaderLabels([self.tr("Now")] + [s["name"] for s in items])
        self.table.setVerticalHeaderLabels([names[k] for k in keys])
        for row, key in enumerate(keys):
            for col, figures in enumerate([current] + [s.get("figures", {}) for s in items]):
                value = figures.get(key)
                self.table.setItem(row, col, QTableWidgetItem("" if value is None else format_value(value)))
        self.table.resizeColumnsToContents()
        for b in (self.restore_button, self.delete_button):
            b.setEnabled(bool(items))
        self.keep_button.setEnabled(p is not None)

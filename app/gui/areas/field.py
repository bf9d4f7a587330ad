"""Field work area: a calendar per rep (days as columns), the day's route on the map, edits and KPIs.

Edits (move a visit to another day or rep, lock a route or a day, re-optimise keeping the plan or
re-planning the rest) are the core's ``gis.routing.FieldPlan`` methods; each is one undoable step
on the window's undo stack. The routes, rep summary and unscheduled tables shown everywhere are
re-read from the plan after every edit.
"""

from __future__ import annotations

import logging

import pandas as pd
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QUndoCommand
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QMenu, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from app.gui.areas.common import RefreshWhenShown, missing_text, note_label
from app.gui.dialogs import describe
from app.gui.state import AppState
from app.gui.workers import TaskSlot

log = logging.getLogger(__name__)

PLAN_TABLES = ("routes", "rep_summary", "unscheduled")
ROLE_VISIT = Qt.ItemDataRole.UserRole + 7


def plan_api():
    """The core's field-plan functions (``field_plan``, ``store_field_plan``), or None without them."""
    try:
        from gis import stages
    except ImportError:
        return None
    if not hasattr(stages, "field_plan") or not hasattr(stages, "store_field_plan"):
        return None
    return stages


def _fmt_clock(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value[:5]
    minutes = float(value)
    if minutes > 24 * 60 * 2:  # seconds
        minutes /= 60.0
    return f"{int(minutes // 60):02d}:{int(minutes % 60):02d}"


class PlanEditCommand(QUndoCommand):
    """One edit of the field plan; undo/redo walk the plan's own history in step."""

    def __init__(self, area: "FieldArea", plan, text: str, action=None):
        super().__init__(text)
        self.area, self.plan, self.action = area, plan, action
        self.first = True

    def redo(self):
        if self.first:
            self.first = False
            if self.action is not None:
                self.action(self.plan)  # may raise: the caller pushes only edits that succeeded
        else:
            self.plan.redo()
        self.area.plan_changed(self.plan)

    def undo(self):
        self.plan.undo()
        self.area.plan_changed(self.plan)


class CalendarTable(QTableWidget):
    """Days as columns, visits in order down each column; a visit can be dragged to another day."""

    visit_dropped = Signal(str, int, int)  # outlet_id, from_day, to_day (0-based)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(34)
        self.horizontalHeader().setDefaultSectionSize(92)

    def dropEvent(self, event):  # noqa: N802
        source = self.currentItem()
        target_col = self.columnAt(int(event.position().x()))
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source is None or target_col < 0:
            return
        visit = source.data(ROLE_VISIT)
        if visit and target_col != source.column():
            self.visit_dropped.emit(visit[0], source.column(), target_col)


class MoveDialog(QDialog):
    def __init__(self, reps: list[str], days: int, rep: str, day: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move visit"))
        self.rep = QComboBox(self)
        for r in reps:
            self.rep.addItem(r, r)
        self.rep.setCurrentIndex(max(self.rep.findData(rep), 0))
        self.day = QSpinBox(self)
        self.day.setRange(1, max(days, 1))
        self.day.setValue(day + 1)
        form = QFormLayout(self)
        form.addRow(self.tr("To rep"), self.rep)
        form.addRow(self.tr("On day"), self.day)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def reoptimise_job(progress, plan, mode: str, time_limit_s: float | None):
    plan.reoptimise(mode, time_limit_s=time_limit_s, progress=progress)
    return plan


class FieldArea(QWidget):
    def __init__(self, state: AppState, map_view, pool=None, parent=None):
        super().__init__(parent)
        self.state, self.map = state, map_view
        self.plan = None
        self.slot = TaskSlot(pool, self, name="field")
        self.note = note_label(self)
        self.kpis = QLabel(self)
        self.kpis.setWordWrap(True)
        self.rep = QComboBox(self)
        self.rep.currentIndexChanged.connect(self._rep_changed)
        self.show_all = QPushButton(self.tr("All routes on the map"), self)
        self.show_all.clicked.connect(self._show_all_routes)
        self.calendar = CalendarTable(self)
        self.calendar.visit_dropped.connect(lambda oid, a, b: self.move_visit(oid, self.current_rep(), a,
                                                                              self.current_rep(), b))
        self.calendar.horizontalHeader().sectionClicked.connect(self._day_clicked)
        self.calendar.cellClicked.connect(self._cell_clicked)
        self.calendar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.calendar.customContextMenuRequested.connect(self._context_menu)
        self.repair_button = QPushButton(self.tr("Re-optimise (keep the plan)"), self)
        self.repair_button.setToolTip(self.tr("Re-solve only the routes you changed; every other route stays"))
        self.replan_button = QPushButton(self.tr("Re-plan the rest"), self)
        self.replan_button.setToolTip(self.tr("Re-plan the days and routes of everything not locked"))
        self.repair_button.clicked.connect(lambda: self.reoptimise("repair"))
        self.replan_button.clicked.connect(lambda: self.reoptimise("replan"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Rep"), self))
        top.addWidget(self.rep, 1)
        top.addWidget(self.show_all)
        buttons = QHBoxLayout()
        buttons.addWidget(self.repair_button)
        buttons.addWidget(self.replan_button)
        hint = QLabel(self.tr("Drag a visit to another day; right-click to move it to another rep or to lock "
                              "a day. Click a day to see its route on the map."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#666")
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.kpis)
        layout.addLayout(top)
        layout.addWidget(self.calendar, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self.slot.busy.connect(self._busy)
        state.events.subscribe("project", self._on_project)
        state.events.subscribe("results", self._on_results)
        self._refresher = RefreshWhenShown(self, state, self.refresh, events=())
        self._on_project()

    # plan life cycle ------------------------------------------------------------------------
    def _on_project(self, *_):
        self.slot.cancel()
        self.plan = None
        self._refresher.request()

    def _on_results(self, names) -> None:
        if "routes" in names and not getattr(self, "_own_change", False):
            self.plan = None  # a new plan (stage re-run or undo of an analysis): rebuilt on demand
        self._refresher.request()

    def ensure_plan(self):
        """The editable plan of the project (built from the saved plan on first use), or None."""
        if self.plan is not None:
            return self.plan
        api = plan_api()
        p = self.state.project
        if api is None or p is None or p.results.get("routes") is None:
            return None
        try:
            self.plan = api.field_plan(p)
        except Exception as exc:  # noqa: BLE001
            self.state.status(describe(exc))
            log.warning("field plan could not be rebuilt: %s", exc)
            self.plan = None
        return self.plan

    def plan_changed(self, plan) -> None:
        """After an edit or undo: the plan's tables replace the project's (no new undo step)."""
        self.plan = plan
        p = self.state.project
        api = plan_api()
        self._own_change = True
        try:
            before = set(p.results)
            api.store_field_plan(p, plan)
            tables = (set(p.results) - before) | set(PLAN_TABLES) | {"territories"}
            self.state.revision += 1
            self.state.mark_modified()
            self.state.events.emit("results", set(tables))
        finally:
            self._own_change = False

    # view -----------------------------------------------------------------------------------
    def current_rep(self) -> str:
        return self.rep.currentData() or ""

    def refresh(self) -> None:
        p = self.state.project
        routes = None if p is None else p.results.get("routes")
        editable = plan_api() is not None and routes is not None and not self.slot.running
        for w in (self.repair_button, self.replan_button):
            w.setEnabled(editable)
        self.calendar.setDragEnabled(editable)
        if routes is None:
            self.note.setText(missing_text("routing"))
            self.note.show()
            self.kpis.clear()
            self.calendar.clear()
            self.calendar.setRowCount(0)
            self.calendar.setColumnCount(0)
            self.rep.blockSignals(True)
            self.rep.clear()
            self.rep.blockSignals(False)
            return
        self.note.setVisible(plan_api() is None)
        if plan_api() is None:
            self.note.setText(QCoreApplication.translate("Areas", "Editing the field plan is not available in "
                                                                  "this version yet."))
        reps = sorted(routes["rep_id"].astype(str).unique())
        keep = self.current_rep()
        self.rep.blockSignals(True)
        self.rep.clear()
        names = {}
        rep_table = p.inputs.get("reps")
        if rep_table is not None and "name" in rep_table.columns:
            names = dict(zip(rep_table["rep_id"].astype(str), rep_table["name"].astype(str)))
        for r in reps:
            label = f"{names[r]} ({r})" if names.get(r) else r
            self.rep.addItem(label, r)
        self.rep.setCurrentIndex(max(self.rep.findData(keep), 0))
        self.rep.blockSignals(False)
        self._fill_calendar()
        self._fill_kpis()

    def _n_days(self, routes: pd.DataFrame) -> int:
        if self.plan is not None:
            return int(self.plan.inputs.n_days)
        try:
            from gis.routing.params import RoutingParams

            days = RoutingParams.from_dict(self.state.params("routing")).days
        except Exception:  # noqa: BLE001
            days = 0
        return max(days, int(routes["day"].max()) if len(routes) else 0)

    def _fill_calendar(self) -> None:
        routes = self.state.table("routes")
        if routes is None:
            return
        rep = self.current_rep()
        mine = routes[routes["rep_id"].astype(str) == rep].sort_values(["day", "seq"])
        n_days = self._n_days(routes)
        per_day = mine.groupby("day").size()
        rows = int(per_day.max()) if len(per_day) else 0
        cal = self.calendar
        cal.clear()
        cal.setColumnCount(n_days)
        cal.setRowCount(rows)
        headers = []
        dates = mine.drop_duplicates("day").set_index("day")["date"] if "date" in mine.columns else {}
        for d in range(1, n_days + 1):
            label = self.tr("Day %1").replace("%1", str(d))
            date = dates.get(d) if hasattr(dates, "get") else None
            if date is not None and not pd.isna(date):
                label += "\n" + str(date)[5:10]
            headers.append(label)
        cal.setHorizontalHeaderLabels(headers)
        locked = self._locked_routes()
        for day, group in mine.groupby("day"):
            col = int(day) - 1
            for row, visit in enumerate(group.itertuples(index=False)):
                name = getattr(visit, "name", "") or visit.outlet_id
                text = f"{name}\n{_fmt_clock(getattr(visit, 'arrival', None))}"
                item = QTableWidgetItem(text)
                item.setData(ROLE_VISIT, (str(visit.outlet_id), col))
                item.setToolTip(f"{visit.outlet_id} · {name}")
                if (rep, col) in locked:
                    item.setBackground(QColor("#e8e8e8"))
                cal.setItem(row, col, item)

    def _locked_routes(self) -> set[tuple[str, int]]:
        if self.plan is None:
            return set()
        inp, st = self.plan.inputs, self.plan.state
        out = {(str(inp.rep_ids[r]), int(d)) for r, d in st.locked_routes}
        out |= {(str(r), int(d)) for r in inp.rep_ids for d in st.locked_days}
        return out

    def _fill_kpis(self) -> None:
        p = self.state.project
        summary = p.results.get("rep_summary")
        unscheduled = p.results.get("unscheduled")
        routes = p.results["routes"]
        bits = [self.tr("Visits: %1").replace("%1", f"{len(routes):,}")]
        if summary is not None:
            if "travel_s" in summary.columns:
                bits.append(self.tr("Travel: %1 h").replace("%1", f"{summary['travel_s'].sum() / 3600:,.1f}"))
            if "travel_m" in summary.columns:
                bits.append(self.tr("Distance: %1 km").replace("%1", f"{summary['travel_m'].sum() / 1000:,.0f}"))
        if self.plan is not None:
            k = self.plan.kpis()
            bits.append(self.tr("Workload max/min: %1").replace("%1", f"{k.workload_balance:.2f}"))
            bits.append(self.tr("Opening-hour violations: %1").replace("%1", str(k.window_violations)))
        if unscheduled is not None:
            missing = int(unscheduled["visits_missing"].sum()) if "visits_missing" in unscheduled.columns else len(
                unscheduled)
            bits.append(self.tr("Unscheduled visits: %1").replace("%1", str(missing)))
        self.kpis.setText("   ".join(bits))

    def _rep_changed(self, *_):
        self._fill_calendar()
        self._show_route(self.current_rep(), None)

    def _day_clicked(self, col: int) -> None:
        self._show_route(self.current_rep(), col + 1)

    def _cell_clicked(self, row: int, col: int) -> None:
        item = self.calendar.item(row, col)
        if item is not None and item.data(ROLE_VISIT):
            self.state.select("outlet", item.data(ROLE_VISIT)[0], origin="field")
        self._show_route(self.current_rep(), col + 1)

    def _show_route(self, rep: str, day: int | None) -> None:
        self.map.show_routes(rep, day)

    def _show_all_routes(self) -> None:
        self.map.show_routes("", None)

    # edits ----------------------------------------------------------------------------------
    def _edit(self, text: str, action) -> bool:
        plan = self.ensure_plan()
        if plan is None:
            self.state.status(QCoreApplication.translate("Areas", "Editing the field plan is not available in "
                                                                  "this version yet."))
            return False
        try:
            self.state.undo_stack.push(PlanEditCommand(self, plan, text, action))
        except Exception as exc:  # noqa: BLE001 - the core explains what is not allowed
            self.state.status(describe(exc))
            return False
        return True

    def move_visit(self, outlet_id: str, from_rep: str, from_day: int, to_rep: str, to_day: int) -> bool:
        """Move one visit (days 0-based) as one undoable edit."""
        return self._edit(self.tr("Move visit of %1").replace("%1", outlet_id),
                          lambda plan: plan.move_visit(outlet_id, from_rep, from_day, to_rep, to_day))

    def lock_route(self, rep: str, day: int, locked: bool = True) -> bool:
        return self._edit(self.tr("Lock route") if locked else self.tr("Unlock route"),
                          lambda plan: plan.lock_route(rep, day, locked))

    def lock_day(self, day: int, locked: bool = True) -> bool:
        return self._edit(self.tr("Lock day") if locked else self.tr("Unlock day"),
                          lambda plan: plan.lock_day(day, locked))

    def reoptimise(self, mode: str, time_limit_s: float | None = None) -> None:
        plan = self.ensure_plan()
        if plan is None:
            return
        text = self.tr("Re-optimise") if mode == "repair" else self.tr("Re-plan")
        self.state.status(self.tr("Re-optimising the field plan…"))
        self.slot.start(reoptimise_job, plan, mode, time_limit_s,
                        on_result=lambda pl: self._reoptimised(pl, text),
                        on_error=lambda exc: self.state.status(describe(exc)),
                        on_cancel=lambda: self.state.status(self.tr("Re-optimisation cancelled.")))

    def _reoptimised(self, plan, text: str) -> None:
        self.state.undo_stack.push(PlanEditCommand(self, plan, text, action=None))
        self.state.status(self.tr("Field plan re-optimised."))

    def _busy(self, on: bool) -> None:
        for w in (self.repair_button, self.replan_button):
            w.setEnabled(not on and plan_api() is not None and self.state.table("routes") is not None)
        self.calendar.setEnabled(not on)

    def _context_menu(self, pos) -> None:
        item = self.calendar.itemAt(pos)
        col = self.calendar.columnAt(pos.x())
        rep = self.current_rep()
        menu = QMenu(self)
        if item is not None and item.data(ROLE_VISIT):
            outlet_id, day = item.data(ROLE_VISIT)
            menu.addAction(self.tr("Move to another rep or day…"),
                           lambda: self._move_dialog(outlet_id, rep, day))
        if col >= 0:
            locked = (rep, col) in self._locked_routes()
            menu.addAction(self.tr("Unlock this route") if locked else self.tr("Lock this route"),
                           lambda: self.lock_route(rep, col, not locked))
            menu.addAction(self.tr("Lock this day for every rep"), lambda: self.lock_day(col, True))
            menu.addAction(self.tr("Unlock this day"), lambda: self.lock_day(col, False))
        if not menu.isEmpty():
            menu.exec(self.calendar.viewport().mapToGlobal(pos))

    def _move_dialog(self, outlet_id: str, rep: str, day: int) -> None:
        reps = [self.rep.itemData(i) for i in range(self.rep.count())]
        dialog = MoveDialog(reps, self.calendar.columnCount(), rep, day, self)
        if dialog.exec():
            self.move_visit(outlet_id, rep, day, dialog.rep.currentData(), dialog.day.value() - 1)

    def close_down(self) -> None:
        self.slot.cancel()
        self.slot.wait(30)

"""Tables dock: any input or result table, sortable, searchable, selection synced with the map."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.gui import labels
from app.gui.frame_view import FrameView
from app.gui.selection import TABLE_KINDS, district_keys
from app.gui.state import AppState

# Shown first, in this order, when they exist.
PREFERRED = ["district_ranking", "outlets", "outlet_scores", "expansion_list", "sites", "outlet_strategy",
             "routes", "rep_summary", "unscheduled", "districts", "reps"]


class TablesPanel(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.chooser = QComboBox(self)
        self.chooser.setMinimumContentsLength(18)
        self.table = FrameView(self)
        self.empty = QLabel(self.tr("No table yet: open a project or import data (File → Import data)."), self)
        self.empty.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(self.tr("Table:"), self))
        top.addWidget(self.chooser, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.chooser.currentIndexChanged.connect(self._show_current)
        self.table.row_selected.connect(lambda kind, ident: state.select(kind, ident, origin="tables"))
        state.events.subscribe("project", self.refresh)
        state.events.subscribe("results", lambda names: self.refresh())
        state.events.subscribe("inputs", lambda names: self.refresh())
        state.events.subscribe("selection", self._on_selection)
        self.refresh()

    def names(self) -> list[str]:
        p = self.state.project
        if p is None:
            return []
        present = [n for n in p.inputs] + [n for n in p.results]
        if p.grid is not None:
            present.append("grid")
        ordered = [n for n in PREFERRED if n in present]
        return ordered + sorted(n for n in set(present) if n not in ordered)

    def refresh(self) -> None:
        current = self.chooser.currentData()
        names = self.names()
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for name in names:
            self.chooser.addItem(labels.table(name), name)
        index = names.index(current) if current in names else 0
        self.chooser.setCurrentIndex(index if names else -1)
        self.chooser.blockSignals(False)
        self.empty.setVisible(not names)
        self.table.setVisible(bool(names))
        self._show_current()

    def show_table(self, name: str) -> None:
        i = self.chooser.findData(name)
        if i >= 0:
            self.chooser.setCurrentIndex(i)

    def _show_current(self) -> None:
        name = self.chooser.currentData()
        frame = self.state.table(name) if name else None
        if name == "grid":
            kind, col = "cell", "__index__"
        else:
            kind, col = TABLE_KINDS.get(name, ("", ""))
        self.table.set_frame(frame, kind, col, name or "table")
        kind_sel, ident = self.state.selection
        if kind_sel:
            self._on_selection(kind_sel, ident, "")

    def _on_selection(self, kind: str, ident: str, origin: str) -> None:
        if origin == "tables":
            return
        keys = district_keys(self.state.project, ident) if kind == "district" else None
        self.table.show_selection(kind, ident, keys)


def title() -> str:
    return QCoreApplication.translate("TablesPanel", "Tables")

"""Sites work area: candidate sites, their expected and net sales, and the chosen set."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.gui.areas.common import RefreshWhenShown, SyncedTable, missing_text, note_label
from app.gui.frame_model import format_value
from app.gui.state import AppState


class SitesArea(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.note = note_label(self)
        self.table = SyncedTable(state, "sites", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        RefreshWhenShown(self, state, self.refresh)
        self.refresh()

    def refresh(self, *_):
        p = self.state.project
        sites = None if p is None else p.results.get("sites")
        if sites is not None and "chosen" in sites.columns:
            order = ["chosen"] + [c for c in ("net_sales", "expected_sales") if c in sites.columns]
            sites = sites.sort_values(order, ascending=False)
        self.table.show_frame(sites)
        if sites is None:
            self.note.setText(missing_text("siting"))
            return
        chosen = sites[sites["chosen"].astype(bool)] if "chosen" in sites.columns else sites.iloc[0:0]
        text = self.tr("%1 candidates, %2 chosen.").replace("%1", f"{len(sites):,}").replace("%2", f"{len(chosen):,}")
        if "net_sales" in chosen.columns and len(chosen):
            text += " " + self.tr("Net new sales of the chosen sites: %1.").replace(
                "%1", format_value(float(chosen["net_sales"].sum())))
        self.note.setText(text)

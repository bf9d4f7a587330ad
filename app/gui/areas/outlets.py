"""Outlets work area: tiers at a glance, the scored outlets and the expansion list."""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.gui.areas.common import RefreshWhenShown, SyncedTable, missing_text, note_label
from app.gui.state import AppState


def tier_summary(scores: pd.DataFrame) -> str:
    if "tier" not in scores.columns:
        return ""
    counts = scores["tier"].astype("string").value_counts().sort_index()
    return "  ".join(f"{t}: {n:,}" for t, n in counts.items())


class OutletsArea(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.note = note_label(self)
        self.tabs = QTabWidget(self)
        self.scores = SyncedTable(state, "outlet_scores", self)
        self.expansion = SyncedTable(state, "expansion_list", self)
        self.tabs.addTab(self.scores, self.tr("Scores and tiers"))
        self.tabs.addTab(self.expansion, self.tr("Expansion list"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        RefreshWhenShown(self, state, self.refresh)
        self.refresh()

    def refresh(self, *_):
        p = self.state.project
        scores = None if p is None else p.results.get("outlet_scores")
        expansion = None if p is None else p.results.get("expansion_list")
        self.scores.show_frame(scores)
        self.expansion.show_frame(expansion)
        if scores is None:
            self.note.setText(missing_text("scoring"))
            return
        text = self.tr("%1 outlets scored. Tiers: %2").replace("%1", f"{len(scores):,}").replace(
            "%2", tier_summary(scores))
        if expansion is not None:
            text += "\n" + self.tr("%1 prospects on the expansion list.").replace("%1", f"{len(expansion):,}")
        self.note.setText(text)

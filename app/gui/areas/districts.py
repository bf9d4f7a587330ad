"""Districts work area: the district ranking, and the choropleth metric of the map."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QVBoxLayout, QWidget

from app.gui import labels
from app.gui.areas.common import RefreshWhenShown, SyncedTable, missing_text, note_label
from gis.maprender.project_map import district_metrics
from app.gui.state import AppState


class DistrictsArea(QWidget):
    def __init__(self, state: AppState, map_view, parent=None):
        super().__init__(parent)
        self.state, self.map = state, map_view
        self.note = note_label(self)
        self.metric = QComboBox(self)
        self.metric.currentIndexChanged.connect(self._metric_changed)
        form = QFormLayout()
        form.addRow(self.tr("Colour the districts by"), self.metric)
        self.table = SyncedTable(state, "district_ranking", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        RefreshWhenShown(self, state, self.refresh)
        self.refresh()

    def refresh(self, *_):
        p = self.state.project
        ranking = None if p is None else p.results.get("district_ranking")
        if ranking is not None and "rank" in ranking.columns:
            ranking = ranking.sort_values("rank")
        self.table.show_frame(ranking)
        if ranking is None:
            self.note.setText(missing_text("insight"))
        else:
            top = ranking.iloc[0] if len(ranking) else None
            name = "" if top is None else str(top.get("district", top.get("name", "")))
            self.note.setText(self.tr("%1 districts ranked by priority; first: %2.")
                              .replace("%1", str(len(ranking))).replace("%2", name))
        self.metric.blockSignals(True)
        self.metric.clear()
        self.metric.addItem(self.tr("(outlines only)"), "")
        for m in district_metrics(p) if p is not None else []:
            self.metric.addItem(labels.column(m), m)
        i = self.metric.findData(self.map.options.district_metric)
        self.metric.setCurrentIndex(max(i, 0))
        self.metric.blockSignals(False)

    def _metric_changed(self, *_):
        self.map.options.district_metric = self.metric.currentData() or ""
        self.map.schedule_refresh()

"""Shared pieces of the work areas: a note for missing results and a synced table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QWidget

from app.gui import labels
from app.gui.frame_view import FrameView
from app.gui.selection import TABLE_KINDS, district_keys
from app.gui.state import AppState


def note_label(parent=None) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet("color:#555; padding:4px")
    return label


class RefreshWhenShown(QObject):
    """Calls ``refresh()`` after the state's ``events``: at once while ``widget`` is visible, else the
    next time it is shown. A new project then fills only the area in view (the others, a few
    tenths of a second each, wait for their tab), which leaves the map a free hand to draw."""

    def __init__(self, widget: QWidget, state: AppState, refresh, events=("project", "results")):
        super().__init__(widget)
        self._widget, self._refresh, self._stale = widget, refresh, False
        for name in events:
            state.events.subscribe(name, self.request)
        widget.installEventFilter(self)

    def request(self, *_) -> None:
        if self._widget.isVisible():
            self._stale = False
            self._refresh()
        else:
            self._stale = True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            self._refresh()
        return False


class SyncedTable(FrameView):
    """A FrameView bound to one project table, selection synced with the state."""

    def __init__(self, state: AppState, table: str, parent=None, searchable=True):
        super().__init__(parent, searchable=searchable)
        self.state, self.table_name = state, table
        self.row_selected.connect(lambda kind, ident: state.select(kind, ident, origin=f"area:{table}"))
        state.events.subscribe("selection", self._on_selection)

    def show_frame(self, frame) -> None:
        kind, col = TABLE_KINDS.get(self.table_name, ("", ""))
        self.set_frame(frame, kind, col, self.table_name)

    def _on_selection(self, kind, ident, origin):
        if origin == f"area:{self.table_name}":
            return
        keys = district_keys(self.state.project, ident) if kind == "district" else None
        self.show_selection(kind, ident, keys)


def missing_text(stage: str) -> str:
    from PySide6.QtCore import QCoreApplication

    from app.gui.state import stage_names

    if stage not in stage_names():
        return QCoreApplication.translate("Areas", "%1 is not available in this version yet.").replace(
            "%1", labels.stage(stage))
    return QCoreApplication.translate(
        "Areas", "No results of %1 yet: Analysis → Run all stages (it needs the inputs it names in the "
                 "status bar).").replace("%1", labels.stage(stage))

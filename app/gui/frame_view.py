"""A table of one DataFrame with search, sorting, export of the selection and selection sync."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from app.gui.frame_model import FrameModel

log = logging.getLogger(__name__)

RESIZE_SAMPLE_ROWS = 200
MAX_COLUMN_WIDTH = 220


class FrameView(QWidget):
    """``set_frame(df, kind, id_column)``; emits ``row_selected(kind, id)`` when the user picks a row."""

    row_selected = Signal(str, str)

    def __init__(self, parent=None, searchable: bool = True, exportable: bool = True):
        super().__init__(parent)
        self.kind, self.id_column = "", ""
        self.model = FrameModel(parent=self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        # size columns from the first rows only: measuring all of a 100 000-row table takes seconds
        self.view.horizontalHeader().setResizeContentsPrecision(RESIZE_SAMPLE_ROWS)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_filter)
        self.count = QLabel(self)
        self.export_button = QPushButton(self.tr("Export selection…"), self)
        self.export_button.setToolTip(self.tr("Save the selected rows (or all rows shown) as CSV or Excel"))
        self.export_button.clicked.connect(self._export)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.export_button)
        self.search.setVisible(searchable)
        self.export_button.setVisible(exportable)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.model.modelReset.connect(self._update_count)
        self.name = "table"
        self._quiet = False
        self._columns_fitted = True

    def set_frame(self, frame: pd.DataFrame | None, kind: str = "", id_column: str = "", name: str = "table") -> None:
        self.kind, self.id_column, self.name = kind, id_column, name
        self._quiet = True
        self.model.set_frame(frame)
        self._quiet = False
        # measuring columns is most of the cost of showing a table: a hidden one (another tab)
        # sizes its columns when it is first shown
        self._columns_fitted = False
        if self.isVisible():
            self.fit_columns()
        self._update_count()

    def fit_columns(self) -> None:
        self._columns_fitted = True
        self.view.resizeColumnsToContents()
        for i in range(self.model.columnCount()):
            if self.view.columnWidth(i) > MAX_COLUMN_WIDTH:
                self.view.setColumnWidth(i, MAX_COLUMN_WIDTH)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self._columns_fitted:
            self.fit_columns()

    def _update_count(self):
        total = len(self.model.frame)
        shown = self.model.rowCount()
        self.count.setText(self.tr("%1 rows").replace("%1", f"{total:,}") if shown == total
                           else self.tr("%1 of %2 rows").replace("%1", f"{shown:,}").replace("%2", f"{total:,}"))

    # selection ----------------------------------------------------------------------------
    def _on_selection(self, *_):
        if self._quiet or not self.kind:
            return
        rows = self.view.selectionModel().selectedRows()
        if len(rows) != 1:
            return
        pos = self.model.row_position(rows[0].row())
        frame = self.model.frame
        if self.id_column == "__index__":
            ident = frame.index[pos]
        elif self.id_column in frame.columns:
            ident = frame[self.id_column].iloc[pos]
        else:
            return
        if pd.isna(ident):
            return
        from app.gui.selection import cell_text

        text = cell_text(ident) if self.kind == "cell" else str(ident)
        self.row_selected.emit(self.kind, text)

    def show_selection(self, kind: str, ident: str, keys: set[str] | None = None) -> None:
        """Select (quietly) the row of ``ident`` if this table holds things of ``kind``."""
        if kind != self.kind or not ident:
            return
        row = -1
        if self.id_column == "__index__":
            from app.gui.selection import cell_int

            try:
                target = cell_int(ident)
            except Exception:  # noqa: BLE001
                return
            positions = (self.model.frame.index == target).nonzero()[0]
            if len(positions):
                pos = int(positions[0])
                matches = (self.model._order == pos).nonzero()[0]
                row = int(matches[0]) if len(matches) else -1
        else:
            for key in (keys or {ident}):
                row = self.model.view_row_of(self.id_column, key)
                if row >= 0:
                    break
        self._quiet = True
        try:
            sm = self.view.selectionModel()
            if row < 0:
                sm.clearSelection()
                return
            index = self.model.index(row, 0)
            sm.select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._quiet = False

    # export -------------------------------------------------------------------------------
    def selected_frame(self) -> pd.DataFrame:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return self.model.visible_frame(rows if rows else None)

    def export_to(self, path: Path) -> Path:
        frame = self.selected_frame().drop(columns=["geometry"], errors="ignore")
        frame = pd.DataFrame(frame)
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            frame.to_excel(path, index=False)
        else:
            frame.to_csv(path if path.suffix else path.with_suffix(".csv"), index=False, encoding="utf-8-sig")
        return path

    def _export(self):
        from app.gui.dialogs import show_error

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export rows"), f"{self.name}.csv",
                                              self.tr("CSV (*.csv);;Excel (*.xlsx)"))
        if not path:
            return
        try:
            self.export_to(Path(path))
        except Exception as exc:  # noqa: BLE001
            show_error(self, self.tr("The rows could not be saved"), exc)

"""A read-only Qt table model over a pandas DataFrame, with vectorised sorting and searching."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from app.gui import labels

RAW_ROLE = Qt.ItemDataRole.UserRole + 1


CODED_COLUMNS = frozenset({"channel", "channel_predicted"})  # codes shown by their names (超市, Supermarket)
TIME_COLUMNS = frozenset({"open_time", "close_time", "shift_start", "shift_end", "break_start", "break_end",
                          "arrival", "start", "departure", "leave", "back"})


def format_clock(minutes) -> str:
    """Minutes since midnight as HH:MM (past midnight as 25:30 and so on)."""
    if minutes is None or minutes is pd.NA:
        return ""
    try:
        m = float(minutes)
    except (TypeError, ValueError):
        return str(minutes)
    if math.isnan(m):
        return ""
    m = int(round(m))
    return f"{m // 60:02d}:{m % 60:02d}"


def format_value(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return labels.yes_no(bool(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
    if isinstance(value, (int, np.integer)):
        return f"{value:d}"
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


class FrameModel(QAbstractTableModel):
    """Shows ``frame`` (geometry columns left out); rows in the order of ``self.order``."""

    def __init__(self, frame: pd.DataFrame | None = None, parent=None):
        super().__init__(parent)
        self._frame = pd.DataFrame()
        self._columns: list[str] = []
        self._order = np.arange(0)
        self._all = np.arange(0)
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._filter = ""
        self._clock: dict[str, float] = {}
        self._values: list[np.ndarray] = []
        self._right: list[bool] = []
        if frame is not None:
            self.set_frame(frame)

    # data ---------------------------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        self.beginResetModel()
        frame = pd.DataFrame() if frame is None else frame
        self._frame = frame
        columns = [c for c in frame.columns if c != "geometry"]
        if "name" in columns[1:]:  # a row's name right after its id: what people read first
            columns.remove("name")
            columns.insert(1, "name")
        self._columns = columns
        self._clock: dict[str, float] = {}  # time-of-day column -> divisor to minutes
        for c in self._columns:
            if c in TIME_COLUMNS and pd.api.types.is_numeric_dtype(frame[c]) and len(frame):
                top = pd.to_numeric(frame[c], errors="coerce").max()
                self._clock[c] = 60.0 if pd.notna(top) and top > 48 * 60 else 1.0
        # plain arrays per column: ``data`` is called for every visible cell, pandas lookups are slow
        self._values = [frame[c].to_numpy() for c in self._columns]
        self._right = [pd.api.types.is_numeric_dtype(frame[c].dtype) and not pd.api.types.is_bool_dtype(frame[c].dtype)
                       for c in self._columns]
        self._all = np.arange(len(frame))
        self._order = self._all
        self.endResetModel()
        if self._filter:
            self.set_filter(self._filter)
        if self._sort is not None and self._sort[0] < len(self._columns):
            self.sort(*self._sort)

    def row_position(self, view_row: int) -> int:
        """Position in the frame of a row of the view."""
        return int(self._order[view_row])

    def view_row_of(self, column: str, value) -> int:
        """The view row whose ``column`` equals ``value`` (as text), or -1."""
        if column not in self._frame.columns or not len(self._order):
            return -1
        values = self._frame[column].astype("string").to_numpy()[self._order]
        hits = np.flatnonzero(values == str(value))
        return int(hits[0]) if len(hits) else -1

    def column_name(self, section: int) -> str:
        return self._columns[section]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, RAW_ROLE):
            value = self._values[index.column()][self._order[index.row()]]
            if role == RAW_ROLE:
                return value
            column = self._columns[index.column()]
            divisor = self._clock.get(column)
            if divisor and isinstance(value, (float, np.floating, int, np.integer)):
                return format_clock(float(value) / divisor)
            if column in CODED_COLUMNS and isinstance(value, str):
                return labels.channel(value)
            return format_value(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._right[index.column()]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
                return self._columns[section]
            return None
        if orientation == Qt.Orientation.Horizontal:
            return labels.column(self._columns[section])
        return str(section + 1)

    # sorting and searching ------------------------------------------------------------------
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        values = self._frame[self._columns[column]].iloc[self._order]
        ascending = order == Qt.SortOrder.AscendingOrder
        try:
            ranks = values.reset_index(drop=True).sort_values(ascending=ascending, na_position="last",
                                                              kind="stable").index.to_numpy()
        except TypeError:  # mixed types: sort as text
            ranks = values.astype("string").reset_index(drop=True).sort_values(
                ascending=ascending, na_position="last", kind="stable").index.to_numpy()
        self._order = self._order[ranks]
        self.layoutChanged.emit()

    def set_filter(self, text: str) -> None:
        """Keep the rows where any column contains ``text`` (case-insensitive)."""
        self._filter = text.strip()
        self.beginResetModel()
        if not self._filter or self._frame.empty:
            self._order = self._all
        else:
            mask = np.zeros(len(self._frame), dtype=bool)
            needle = self._filter.lower()
            for col in self._columns:
                s = self._frame[col]
                if col in CODED_COLUMNS:  # search what is shown: 超市 finds "supermarket"
                    s = s.astype("string").map(lambda v: labels.channel(v) if isinstance(v, str) else v)
                text_values = s.astype("string").str.lower()
                mask |= text_values.str.contains(needle, regex=False).fillna(False).to_numpy(dtype=bool)
            self._order = np.flatnonzero(mask)
        self.endResetModel()
        if self._sort is not None and self._sort[0] < len(self._columns):
            self.sort(*self._sort)

    def visible_frame(self, view_rows=None) -> pd.DataFrame:
        """The rows shown (or the given view rows), in view order, for exporting a selection."""
        order = self._order if view_rows is None else self._order[np.asarray(list(view_rows), dtype=int)]
        return self._frame.iloc[order]

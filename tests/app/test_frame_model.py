"""The DataFrame table model: display, sorting, searching, time columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt

from app.gui.frame_model import FrameModel


def _frame():
    return pd.DataFrame({"outlet_id": ["a", "b", "c", "d"], "name": ["超市甲", "便利店乙", "超市丙", None],
                         "sales": [30.0, np.nan, 10.0, 20.0], "open_time": [480.0, 450.0, np.nan, 1410.0]})


def _column(model, col):
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_sorting_keeps_missing_values_last(qapp):
    m = FrameModel(_frame())
    m.sort(2, Qt.SortOrder.AscendingOrder)
    assert _column(m, 0) == ["c", "d", "a", "b"]
    m.sort(2, Qt.SortOrder.DescendingOrder)
    assert _column(m, 0) == ["a", "d", "c", "b"]


def test_search_matches_any_column_and_keeps_the_sort(qapp):
    m = FrameModel(_frame())
    m.sort(2, Qt.SortOrder.DescendingOrder)
    m.set_filter("超市")
    assert _column(m, 0) == ["a", "c"]
    m.set_filter("")
    assert m.rowCount() == 4


def test_times_of_day_show_as_clock_times(qapp):
    m = FrameModel(_frame())
    assert _column(m, 3) == ["08:00", "07:30", "", "23:30"]
    seconds = pd.DataFrame({"arrival": [8 * 3600.0, 9.5 * 3600]})
    assert _column(FrameModel(seconds), 0) == ["08:00", "09:30"]


def test_view_rows_map_back_to_frame_rows(qapp):
    m = FrameModel(_frame())
    m.sort(0, Qt.SortOrder.DescendingOrder)
    assert m.row_position(0) == 3
    assert m.view_row_of("outlet_id", "a") == 3
    assert m.visible_frame([0, 1])["outlet_id"].tolist() == ["d", "c"]


def test_channel_codes_show_and_search_by_their_names(qapp):
    from app.gui.frame_model import FrameModel
    from app.gui.labels import channel

    frame = pd.DataFrame({"outlet_id": ["a", "b"], "channel": ["supermarket", "convenience"], "name": ["甲", "乙"]})
    model = FrameModel(frame)
    assert [model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) for i in range(3)] == [
        "outlet_id", "name", "channel"]                       # the name right after the id
    assert model.data(model.index(0, 2)) == channel("supermarket")
    model.set_filter(channel("convenience"))
    assert model.rowCount() == 1 and model.data(model.index(0, 0)) == "b"

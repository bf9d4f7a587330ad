"""The main window on a small project: map, selection sync, save/reopen, closing, layout memory."""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QMessageBox

from app.gui.main_window import MainWindow, layout_settings
from app.gui.settings import Settings
from tests.app.conftest import wait_idle


def test_window_shows_the_project_on_a_drawn_map(qtbot, window_factory, small_project):
    w = window_factory(small_project)
    wait_idle(qtbot, w)
    assert w.map_view.ready
    stats = {}
    w.map_view.page().runJavaScript("JSON.stringify(Object.keys(window.storeplan.layers))", 0,
                                    lambda v: stats.setdefault("layers", v))
    qtbot.waitUntil(lambda: "layers" in stats, timeout=5000)
    for layer in ("districts", "hexagons", "outlets"):
        assert layer in stats["layers"]
    assert w.tables_panel.chooser.count() >= 4
    assert "Small city" in w.windowTitle()


def test_a_click_on_the_map_selects_everywhere(qtbot, window_factory, small_project):
    w = window_factory(small_project)
    wait_idle(qtbot, w)
    oid = small_project.inputs["outlets"]["outlet_id"].iloc[3]
    w.tables_panel.show_table("outlets")
    w.map_view.bridge.select("outlet", oid)  # what the page calls on a click
    assert w.state.selection == ("outlet", oid)
    view = w.tables_panel.table.view
    rows = view.selectionModel().selectedRows()
    assert len(rows) == 1
    assert w.tables_panel.table.model.data(rows[0].siblingAtColumn(0)) == oid
    assert oid in w.inspector_panel.browser.toPlainText()


def test_a_row_picked_in_a_table_selects_on_the_map(qtbot, window_factory, small_project):
    w = window_factory(small_project)
    wait_idle(qtbot, w)
    w.tables_panel.show_table("outlets")
    table = w.tables_panel.table
    calls = []
    w.map_view.run_js = lambda name, *args: calls.append((name, args))
    table.view.selectRow(5)
    oid = table.model.data(table.model.index(5, 0))
    assert w.state.selection == ("outlet", oid)
    assert ("select", ("outlet", oid)) in calls


def test_save_and_reopen_keeps_every_table(qtbot, window_factory, small_project, tmp_path):
    w = window_factory(small_project)
    wait_idle(qtbot, w)
    target = tmp_path / "saved.storeplan"
    assert w.save_to(target, blocking=True)
    assert w.state.path == target and not w.state.modified
    w2 = window_factory()
    w2.open_project(target, ask=False)
    qtbot.waitUntil(lambda: w2.state.project is not None, timeout=10_000)
    for name, df in small_project.inputs.items():
        pd.testing.assert_frame_equal(pd.DataFrame(w2.state.project.inputs[name]).drop(columns="geometry",
                                                                                         errors="ignore"),
                                      pd.DataFrame(df).drop(columns="geometry", errors="ignore"))
    assert str(target) in w2.settings.recent_files()[0]


def test_a_modified_project_asks_before_closing(qtbot, window_factory, small_project, monkeypatch):
    w = window_factory(small_project)
    w.state.mark_modified()
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel))
    assert not w.close()
    assert asked and w.isVisible()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    assert w.close()


def test_opening_a_damaged_file_says_so_in_the_status_bar(qtbot, window_factory, tmp_path):
    bad = tmp_path / "bad.storeplan"
    bad.write_bytes(b"this is not a project")
    w = window_factory()
    w.open_project(bad, ask=False)
    qtbot.waitUntil(lambda: not w.project_slot.running, timeout=5000)
    assert "bad.storeplan" in w.last_error and "project" in w.last_error.lower()
    assert w.state.project is None


def test_window_layout_is_remembered(qtbot, tmp_path):
    w = MainWindow(settings=Settings(path=tmp_path / "s.json"), restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    w.docks["tables"].hide()
    w._confirmed_close = True
    w.close()
    assert layout_settings().value("window_state") is not None
    w2 = MainWindow(settings=Settings(path=tmp_path / "s.json"), restore_layout=True)
    qtbot.addWidget(w2)
    w2.show()
    assert not w2.docks["tables"].isVisible()
    w2._confirmed_close = True
    w2.close()


def test_help_opens_the_user_guide_in_the_interface_language(qtbot, window_factory):
    for language, heading in (("zh_CN", "用户指南"), ("en", "User guide")):
        w = window_factory(language=language)
        w.open_guide()
        guide = w._guide
        assert guide.isVisible()
        text = guide.browser.toPlainText()
        assert heading in text and "map.html" in text
        guide.close()


def test_a_project_given_at_start_opens_with_the_one_map_page_drawn_beside_it(
        qtbot, tmp_path, small_project_file, monkeypatch):
    from app.gui import map_view

    drawn = []
    real = map_view.render_page
    monkeypatch.setattr(map_view, "render_page", lambda *a, **k: drawn.append(a[0]) or real(*a, **k))
    w = MainWindow(settings=Settings({}, path=tmp_path / "settings.json"), restore_layout=False,
                   start=small_project_file)
    try:
        w.show()
        wait_idle(qtbot, w)
        assert w.state.path == small_project_file and not w.state.modified
        assert w.state.project.name == "Small city" and "small.storeplan" in w.windowTitle()
        assert w.map_view.ready and len(drawn) == 1  # drawn by the opening, not again by the view
        assert str(small_project_file.resolve()) in w.settings.recent_files()
        w.map_view.refresh()  # a later change draws a new page as usual
        wait_idle(qtbot, w)
        assert len(drawn) == 2
    finally:
        w.wait_for_workers(60)
        w._confirmed_close = True
        w.close()


def test_a_work_area_out_of_sight_fills_when_its_tab_is_shown(qtbot, window_factory, small_project):
    outlets = small_project.inputs["outlets"]
    small_project.results["outlet_scores"] = outlets[["outlet_id", "name", "district"]].assign(tier="A")
    w = window_factory()
    w.areas.setCurrentWidget(w.districts_area)
    w.state.set_project(small_project, None)
    area = w.outlets_area
    assert area.scores.model.rowCount() == 0 and "scored" not in area.note.text()  # out of sight: later
    w.areas.setCurrentWidget(area)
    assert area.scores.model.rowCount() == len(outlets)
    assert area.note.text().startswith(f"{len(outlets):,} outlets scored")
    del small_project.results["outlet_scores"]
    w.state.set_project(small_project, None)  # in sight: at once
    assert area.scores.model.rowCount() == 0 and "scored" not in area.note.text()
    wait_idle(qtbot, w)

"""A planner's session from start to finish, through the window's own widgets and workers.

Open the project, import outlets through the wizard (a GBK file with Chinese headers), run the
analysis, change a scoring weight (the analysis re-runs by itself), move a visit, re-optimise,
export, save, reopen and find the same results.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QWizard

from tests.app.conftest import wait_idle

HEADERS = {"outlet_id": "门店编号", "name": "门店名称", "lat": "纬度", "lon": "经度", "channel": "渠道",
           "covered": "是否铺货", "sales": "销售额", "open_time": "开门时间", "close_time": "关门时间"}


def _outlets_file(project, path):
    out = project.inputs["outlets"][list(HEADERS)].copy()
    for col in ("open_time", "close_time"):
        minutes = out[col].astype(float)
        out[col] = [f"{int(m) // 60:02d}:{int(m) % 60:02d}" if pd.notna(m) else "" for m in minutes]
    out["covered"] = out["covered"].map({True: "是", False: "否"})
    out.rename(columns=HEADERS).to_csv(path, index=False, encoding="gbk")
    return path


def _import(qtbot, window, path):
    wizard = window.import_dialog(path)
    qtbot.waitUntil(lambda: wizard.info is not None, timeout=10_000)
    wizard.set_target("outlets")
    for page in range(1, 5):
        wizard.next()
        qtbot.waitUntil(lambda page=page: wizard.currentId() == page, timeout=5000)
    qtbot.waitUntil(lambda: wizard.report_page.isComplete(), timeout=20_000)
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_a_planners_session(qtbot, window_factory, small_project, tmp_path):
    w = window_factory(small_project)
    wait_idle(qtbot, w)

    # import the outlets again from a Chinese Excel-style export
    _import(qtbot, w, _outlets_file(small_project, tmp_path / "门店.csv"))
    outlets = w.state.project.inputs["outlets"]
    assert len(outlets) == len(small_project.inputs["outlets"])
    assert outlets["district"].notna().all()  # assigned to the district polygons again

    # run every stage
    w.run_analysis(None)
    wait_idle(qtbot, w, 120_000)
    results = w.state.project.results
    for name in ("outlet_scores", "district_ranking", "expansion_list", "sites", "outlet_strategy", "routes"):
        assert name in results, w.last_error
    assert w.state.missing_stages() == []

    # change a weight in the Parameters dock: scoring and what follows re-run, routing is kept for later
    form = w.parameters_panel.forms["scoring"]
    scores = results["outlet_scores"]
    old_scores = scores[scores["channel"] == "convenience"].set_index("outlet_id")["score"]
    form.set_weight("workers", 0.6, preset="convenience")
    assert form.apply()
    assert "outlet_scores" not in w.state.project.results  # dropped at once…
    wait_idle(qtbot, w, 120_000)
    new_scores = w.state.project.results["outlet_scores"].set_index("outlet_id")["score"]  # …and re-run
    assert w.state.project.params["scoring"]["weights"]["convenience"]["workers"] == 0.6
    assert not new_scores.reindex(old_scores.index).equals(old_scores)
    assert "routing" in w.state.missing_stages()
    w.run_missing()
    wait_idle(qtbot, w, 120_000)
    assert "routes" in w.state.project.results

    # move a visit to another day, then re-optimise keeping the plan
    field = w.field_area
    routes = w.state.project.results["routes"]
    visit = routes.iloc[0]
    rep, day = str(visit["rep_id"]), int(visit["day"]) - 1
    target = (day + 1) % field.ensure_plan().inputs.n_days
    assert field.move_visit(str(visit["outlet_id"]), rep, day, rep, target), w.last_error
    moved = w.state.project.results["routes"]
    mine = moved[(moved["outlet_id"] == visit["outlet_id"]) & (moved["rep_id"].astype(str) == rep)]
    assert target + 1 in set(mine["day"])
    w.state.undo_stack.undo()
    back = w.state.project.results["routes"]
    assert set(back[back["outlet_id"] == visit["outlet_id"]]["day"]) == set(
        routes[routes["outlet_id"] == visit["outlet_id"]]["day"])
    w.state.undo_stack.redo()
    field.reoptimise("repair", time_limit_s=1.0)
    qtbot.waitUntil(lambda: not field.slot.running, timeout=60_000)
    assert field.ensure_plan().kpis().window_violations == 0

    # export
    dialog = w.export_dialog()
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.outputs["maps and reports"].setChecked(False)  # PDFs take long; tested in the core
    dialog.start()
    qtbot.waitUntil(lambda: not w.export_slot.running and bool(dialog.written), timeout=60_000)
    assert (tmp_path / "out" / "outlet_scores.csv").exists()

    # save, reopen, same results
    saved = w.state.project
    assert w.save_to(tmp_path / "session.storeplan", blocking=True)
    w2 = window_factory()
    w2.open_project(tmp_path / "session.storeplan", ask=False)
    qtbot.waitUntil(lambda: w2.state.project is not None, timeout=20_000)
    again = w2.state.project
    assert set(again.results) == set(saved.results)
    for name in ("outlet_scores", "routes", "sites"):
        pd.testing.assert_frame_equal(pd.DataFrame(again.results[name]), pd.DataFrame(saved.results[name]))
    assert again.params["scoring"] == saved.params["scoring"]

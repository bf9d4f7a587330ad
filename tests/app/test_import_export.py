"""Import wizard (GBK CSV with Chinese headers, through every page) and the export dialog."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtWidgets import QWizard

from tests.app.conftest import wait_idle

ROWS = [
    ("N001", "新店一号超市", 121.4801, 31.2301, "超市", 1200),
    ("N002", "新店二号便利店", 121.4702, 31.2352, "便利店", 800),
    ("N003", "缺坐标的店", None, None, "餐饮", 300),
    ("N004", "新店四号", 121.4655, 31.2249, "夫妻店", "一千"),
]


def _gbk_csv(path: Path) -> Path:
    frame = pd.DataFrame(ROWS, columns=["门店编号", "门店名称", "经度", "纬度", "渠道", "销售额"])
    frame.to_csv(path, index=False, encoding="gbk")
    return path


def _next(qtbot, wizard, page_id):
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=5000)


def test_import_wizard_reads_maps_reports_and_imports(qtbot, window_factory, small_project, tmp_path):
    w = window_factory(small_project)
    wait_idle(qtbot, w)
    path = _gbk_csv(tmp_path / "新门店.csv")
    wizard = w.import_dialog(path)
    qtbot.waitUntil(lambda: wizard.info is not None, timeout=10_000)
    assert wizard.file_page.kind.currentData() == "outlets"  # guessed from the headers
    assert wizard.file_page.isComplete()
    _next(qtbot, wizard, 1)
    assert wizard.preview_page.table.model.rowCount() == 4
    assert "门店名称" in wizard.preview_page.table.model.frame.columns
    _next(qtbot, wizard, 2)
    mapping = wizard.mapping_page.mapping()
    assert mapping["outlet_id"] == "门店编号" and mapping["lon"] == "经度" and mapping["sales"] == "销售额"
    wizard.mapping_page.set_column("channel", None)  # the user leaves a column out
    _next(qtbot, wizard, 3)
    wizard.crs_page.crs.setCurrentIndex(wizard.crs_page.crs.findData("gcj02"))
    _next(qtbot, wizard, 4)
    page = wizard.report_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=20_000)
    report = page.result[0].report
    assert report.rows_read == 4
    problems = page.problems.model.frame
    assert set(problems["row"]) >= {4}  # the row without coordinates (file row 4: header is row 1)
    assert page.isComplete()
    out = page.problems.export_to(tmp_path / "problems.csv")
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(problems)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    imported = w.state.project.inputs["outlets"]
    assert set(imported["outlet_id"]) <= {"N001", "N002", "N003", "N004"}
    assert {"N001", "N002"} <= set(imported["outlet_id"])
    assert imported["channel"].isna().all()  # left out on purpose
    # GCJ-02 in, WGS-84 inside: shifted by a few hundred metres, not copied
    n1 = imported.set_index("outlet_id").loc["N001"]
    assert 0.001 < abs(n1["lon"] - 121.4801) + abs(n1["lat"] - 31.2301) < 0.01
    assert w.state.modified
    w.state.undo_stack.undo()
    assert len(w.state.project.inputs["outlets"]) == len(small_project.inputs["outlets"])


def test_an_unusable_file_is_explained_in_the_wizard(qtbot, window_factory, small_project, tmp_path):
    w = window_factory(small_project)
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    wizard = w.import_dialog(path)
    qtbot.waitUntil(lambda: not wizard.slot.running, timeout=10_000)
    assert wizard.info is None
    assert not wizard.file_page.isComplete()
    assert "empty.csv" in wizard.file_page.status.text()
    wizard.reject()


def test_export_writes_the_chosen_outputs_and_opens_the_folder(qtbot, window_factory, small_project, tmp_path,
                                                               monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())))
    small_project.results["district_ranking"] = pd.DataFrame({"district": ["黄浦区"], "rank": [1]})
    w = window_factory(small_project)
    dialog = w.export_dialog()
    assert "tables" in dialog.outputs
    dialog.folder.setText(str(tmp_path / "out"))
    for name, check in dialog.outputs.items():
        check.setChecked(name == "tables")
    assert dialog.options()["language"] == "en"
    dialog.start()
    qtbot.waitUntil(lambda: not w.export_slot.running and bool(dialog.written), timeout=20_000)
    names = {p.name for p in dialog.written}
    assert "district_ranking.csv" in names
    assert pd.read_csv(tmp_path / "out" / "district_ranking.csv", encoding="utf-8-sig")["district"].tolist() == ["黄浦区"]
    assert opened == [str(tmp_path / "out")]

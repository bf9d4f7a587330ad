"""Export dialog: choose outputs and destination; progress and cancel; opens the folder when done.

The outputs are the writers the core registers (``gis.pipeline.OUTPUT_WRITERS``); language,
district, paper and orientation go to them as the project's ``[export]`` options (on a copy: the
dialog does not change the project).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout)

from gis.export.options import EXPORT_FILES

from app.gui.dialogs import describe
from app.gui.jobs import export_job
from app.gui.state import AppState, snapshot
from app.gui.workers import TaskSlot

log = logging.getLogger(__name__)

EXPORTS_WRITER = "maps and reports"  # the core's writer of the files below


def output_names() -> list[str]:
    from gis.pipeline import OUTPUT_WRITERS

    return [name for name, _ in OUTPUT_WRITERS]


class ExportDialog(QDialog):
    def __init__(self, state: AppState, slot: TaskSlot, settings, parent=None):
        super().__init__(parent)
        self.state, self.slot, self.settings = state, slot, settings
        self.setWindowTitle(self.tr("Export"))
        self.resize(560, 420)
        self.written: list[Path] = []
        self.open_when_done = QCheckBox(self.tr("Open the folder when done"), self)
        self.open_when_done.setChecked(True)

        box = QGroupBox(self.tr("Outputs"), self)
        bl = QVBoxLayout(box)
        self.outputs: dict[str, QCheckBox] = {}
        self._syncing = False
        names = self._output_labels()
        self.files: dict[str, QCheckBox] = {}
        file_names = self._file_labels()
        for name in output_names():
            check = QCheckBox(names.get(name, name), box)
            check.setChecked(True)
            self.outputs[name] = check
            bl.addWidget(check)
            if name == EXPORTS_WRITER:
                # one box per file, indented under the group; the group box toggles them all
                for file in EXPORT_FILES:
                    sub = QCheckBox(file_names.get(file, file), box)
                    sub.setChecked(True)
                    sub.setStyleSheet("margin-left: 24px")
                    sub.toggled.connect(self._file_toggled)
                    self.files[file] = sub
                    bl.addWidget(sub)
                check.toggled.connect(self._group_toggled)
        if not self.outputs:
            bl.addWidget(QLabel(self.tr("No output is available in this version yet."), box))

        self.language = QComboBox(self)
        self.language.addItem("简体中文", "zh")
        self.language.addItem("English", "en")
        self.district = QComboBox(self)
        self.district.addItem(self.tr("All districts"), "")
        districts = state.table("districts")
        if districts is not None and "name" in districts.columns:
            for did, name in zip(districts["district_id"].astype(str), districts["name"].astype(str)):
                self.district.addItem(name, did)
        self.language.setCurrentIndex(0 if str(getattr(parent, "language", "zh")).startswith("zh") else 1)
        self.paper = QComboBox(self)
        for p in ("A4", "A3"):
            self.paper.addItem(p, p)
        self.orientation = QComboBox(self)
        self.orientation.addItem(self.tr("Landscape"), "landscape")
        self.orientation.addItem(self.tr("Portrait"), "portrait")
        self.folder = QLineEdit(self)
        default = self.settings.get("last_export_dir") or str(Path.home() / "StorePlan exports")
        self.folder.setText(default)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("District"), self.district)
        form.addRow(self.tr("Paper size"), self.paper)
        form.addRow(self.tr("Orientation"), self.orientation)
        form.addRow(self.tr("Destination folder"), row)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(form)
        layout.addWidget(self.open_when_done)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.slot.progressed.connect(self._on_progress)

    def _output_labels(self) -> dict[str, str]:
        return {"tables": self.tr("Result tables (CSV)"),
                "field plan": self.tr("Route sheets for reps (Excel, calendar, GPX/KML)"),
                "maps and reports": self.tr("Maps and reports")}

    def _file_labels(self) -> dict[str, str]:
        return {"map.html": self.tr("Interactive map (map.html, opens offline in any browser)"),
                "map.png": self.tr("Print map as image (map.png)"),
                "map.pdf": self.tr("Print map as PDF (map.pdf)"),
                "report.pdf": self.tr("Executive report (report.pdf)"),
                "strategy.xlsx": self.tr("Strategy workbook (strategy.xlsx)"),
                "storeplan.gpkg": self.tr("GIS layers for QGIS or ArcGIS (storeplan.gpkg)")}

    def _group_toggled(self, on: bool) -> None:
        if self._syncing:
            return
        self._syncing = True
        for box in self.files.values():
            box.setChecked(on)
        self._syncing = False

    def _file_toggled(self, _on: bool) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.outputs[EXPORTS_WRITER].setChecked(any(b.isChecked() for b in self.files.values()))
        self._syncing = False

    def _browse(self):
        path = QFileDialog.getExistingDirectory(self, self.tr("Destination folder"), self.folder.text())
        if path:
            self.folder.setText(path)

    def options(self) -> dict:
        """The export options the core's writers take (``[export]`` section)."""
        out = {"language": self.language.currentData(), "paper": self.paper.currentData(),
               "orientation": self.orientation.currentData()}
        if self.district.currentData():
            out["district"] = self.district.currentData()
        if self.files:
            out["files"] = [f for f, box in self.files.items() if box.isChecked()]
        return out

    def chosen(self) -> list[str]:
        return [n for n, c in self.outputs.items() if c.isChecked()]

    def start(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.message.setText(self.tr("Choose at least one output."))
            return
        outdir = Path(self.folder.text().strip()).expanduser()
        self.settings.set("last_export_dir", str(outdir))
        self.progress.setValue(0)
        self.progress.show()
        self.export_button.setEnabled(False)
        self.message.setText(self.tr("Exporting…"))
        project = snapshot(self.state.project)
        project.params["export"] = {**project.params.get("export", {}), **self.options()}
        self.slot.start(export_job, project, outdir, chosen,
                        on_result=lambda paths: self._done(paths, outdir), on_error=self._failed,
                        on_cancel=self._cancelled)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))

    def _done(self, paths, outdir: Path) -> None:
        self.written = list(paths)
        self.progress.setValue(1000)
        self.export_button.setEnabled(True)
        self.message.setText(self.tr("%1 files written to %2.").replace("%1", str(len(self.written))).replace(
            "%2", str(outdir)))
        self.state.status(self.message.text())
        if self.open_when_done.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(outdir)))
        self.accept()

    def _failed(self, exc) -> None:
        self.export_button.setEnabled(True)
        self.progress.hide()
        self.message.setText(describe(exc))

    def _cancelled(self) -> None:
        self.export_button.setEnabled(True)
        self.progress.hide()
        self.message.setText(self.tr("Export cancelled; no half-written file is left behind."))

    def _cancel(self) -> None:
        if self.slot.running:
            self.slot.cancel()
        else:
            self.reject()

    def done(self, code: int) -> None:
        self.slot.progressed.disconnect(self._on_progress)
        super().done(code)

"""Import wizard: file → preview → column mapping → coordinate system → intake report → import.

Reading is the core's (``gis.intake.preview`` / ``read_table``); this wizard only gathers the
choices and shows the report. Both reads run in a worker; the import itself is one undoable edit.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QProgressBar, QPushButton, QScrollArea, QVBoxLayout, QWidget, QWizard, QWizardPage)

from app.gui import labels
from app.gui.dialogs import describe
from app.gui.frame_view import FrameView
from app.gui.state import AppState, snapshot
from app.gui.workers import TaskSlot

log = logging.getLogger(__name__)

# what the user imports -> (intake kind, project input key)
TARGETS = {
    "outlets": ("outlets", "outlets"),
    "reps": ("reps", "reps"),
    "districts": ("districts", "districts"),
    "grid": ("grid", "grid"),
    "matrix": ("matrix", "matrix"),
    "sales_lines": ("sales_lines", "sales_lines"),
    "candidates": ("outlets", "candidates"),
}
NOT_IN_FILE = "\x00none"


def preview_job(progress, path: Path, sheet):
    from gis.intake import preview

    progress.report(0.2, "reading the first rows")
    return preview(path, nrows=50, sheet=sheet)


def read_job(progress, path: Path, kind: str, key: str, crs: str, columns: dict, sheet, project):
    """Read and validate the file; for outlets, assign districts; for grids, build the layer."""
    from gis.intake import read_table

    result = read_table(path, kind, crs=crs, columns=columns, sheet=sheet, progress=progress)
    table = result.table
    if result.report.usable and key == "grid":
        from gis.gridlayer import merge_layers
        from gis.pipeline import build_grid

        intensive = project.settings.get("intensive", [])
        layer = build_grid([(None, result)], project.resolution, intensive)
        if project.grid is not None:
            keep = project.grid.drop(columns=[c for c in layer.columns if c in project.grid.columns])
            table = merge_layers([keep, layer]) if len(keep.columns) else layer
        else:
            table = layer
    elif result.report.usable and key in ("outlets", "districts"):
        from gis.pipeline import assign_districts

        work = snapshot(project)
        work.inputs[key] = table
        assign_districts(work)
        if key == "outlets":
            table = work.inputs["outlets"]
        elif "outlets" in work.inputs and work.inputs["outlets"] is not project.inputs.get("outlets"):
            return result, table, work.inputs["outlets"]
    return result, table, None


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(self.tr("CSV (UTF-8 or GBK), Excel, Parquet, GeoJSON, GeoPackage or Shapefile. "
                                 "You can also drop a file on the main window."))
        self.path = QLineEdit(self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        self.kind = QComboBox(self)
        for key, text in (("outlets", self.tr("Outlets (points of sale)")), ("reps", self.tr("Sales reps")),
                          ("districts", self.tr("Districts (polygons)")),
                          ("grid", self.tr("Location data layer (grid, points or H3)")),
                          ("matrix", self.tr("Travel matrix")), ("sales_lines", self.tr("Sales lines")),
                          ("candidates", self.tr("Candidate sites (points)"))):
            self.kind.addItem(text, key)
        self.sheet = QComboBox(self)
        self.sheet.setEnabled(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.hide()
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("File"), row)
        form.addRow(self.tr("Sheet"), self.sheet)
        form.addRow(self.tr("It holds"), self.kind)
        form.addRow(self.busy)
        form.addRow(self.status)
        self.path.editingFinished.connect(self._path_changed)
        self.sheet.activated.connect(lambda *_: self.w.load_preview())
        self.registerField("path*", self.path)

    def _browse(self):
        start = self.w.settings.get("last_import_dir") or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import data"), start, self.tr("Data files (*.csv *.txt *.tsv *.xlsx *.xls *.parquet *.geojson *.json *.gpkg *.shp *.zip);;All files (*)"))
        if path:
            self.path.setText(path)
            self._path_changed()

    def _path_changed(self):
        if self.w.previewed == self.w.path() and (self.w.info is not None or self.w.slot.running):
            return  # focus left the field without a change
        self.sheet.clear()
        self.sheet.setEnabled(False)
        self.w.load_preview()

    def isComplete(self):  # noqa: N802
        return self.w.info is not None and not self.w.slot.running

    def validatePage(self):  # noqa: N802
        return self.isComplete()


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Preview"))
        self.setSubTitle(self.tr("The first rows of the file as read. Check the characters and the columns."))
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.table = FrameView(self, searchable=False, exportable=False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notes)
        layout.addWidget(self.table, 1)

    def initializePage(self):  # noqa: N802
        frame, info = self.w.frame, self.w.info
        self.table.set_frame(frame)
        bits = [self.tr("Format: %1").replace("%1", str(info.get("format", "")))]
        if info.get("encoding"):
            bits.append(self.tr("Encoding: %1").replace("%1", str(info["encoding"])))
        if info.get("delimiter"):
            bits.append(self.tr("Delimiter: %1").replace("%1", repr(info["delimiter"])))
        notes = "  ·  ".join(bits)
        if info.get("notes"):
            notes += "\n" + "\n".join(str(n) for n in info["notes"])
        self.notes.setText(notes)


class MappingPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Columns"))
        self.setSubTitle(self.tr("Which column of the file holds each field. Detected automatically "
                                 "(Chinese headers too); change any that are wrong."))
        self.combos: dict[str, QComboBox] = {}
        self.inner = QWidget(self)
        self.form = QFormLayout(self.inner)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.inner)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)

    def initializePage(self):  # noqa: N802
        from gis.intake.columns import fields_of

        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = {}
        kind = self.w.kind()
        headers = [str(h) for h in self.w.info.get("headers", [])]
        detected = self.w.info.get("detected", {}).get(kind, {})
        for name in fields_of(kind):
            combo = QComboBox(self.inner)
            combo.addItem(self.tr("(not in the file)"), NOT_IN_FILE)
            for h in headers:
                combo.addItem(h, h)
            if name in detected:
                combo.setCurrentIndex(max(combo.findData(detected[name]), 0))
            self.combos[name] = combo
            self.form.addRow(f"{labels.column(name)}  [{name}]", combo)

    def mapping(self) -> dict:
        """Our field -> header; fields left out map to None (so detection does not bring them back)."""
        return {name: (None if combo.currentData() == NOT_IN_FILE else combo.currentData())
                for name, combo in self.combos.items()}

    def set_column(self, field: str, header: str | None) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(max(combo.findData(header if header else NOT_IN_FILE), 0))


class CrsPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Coordinate system"))
        self.setSubTitle(self.tr("Coordinates from AMap or Tencent are GCJ-02, from Baidu BD-09, from GPS "
                                 "devices and OpenStreetMap WGS-84. StorePlan converts them to WGS-84."))
        self.crs = QComboBox(self)
        for code, text in labels.crs_names().items():
            self.crs.addItem(text, code)
        self.guess = QLabel(self)
        self.guess.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("The file's coordinates are in"), self.crs)
        form.addRow(self.guess)

    def initializePage(self):  # noqa: N802
        guess = self.w.info.get("source_crs")
        if guess in labels.crs_names():
            self.crs.setCurrentIndex(self.crs.findData(guess))
            self.guess.setText(self.tr("Detected from the file: %1").replace("%1", labels.crs_names()[guess]))
        else:
            self.guess.setText(self.tr("The file does not say; WGS-84 is assumed. Choose another if you know it."))


class ReportPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Intake report"))
        self.setSubTitle(self.tr("What was read, what was repaired, and every problem row. Nothing is dropped "
                                 "silently."))
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 1000)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.problems = FrameView(self)
        self.problems.export_button.setText(self.tr("Export problem rows…"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        layout.addWidget(self.text, 2)
        layout.addWidget(QLabel(self.tr("Problem rows"), self))
        layout.addWidget(self.problems, 3)
        self.result = None

    def initializePage(self):  # noqa: N802
        self.result = None
        self.text.setPlainText(self.tr("Reading the file…"))
        self.problems.set_frame(None)
        self.busy.show()
        self.w.read_file(self)

    def cleanupPage(self):  # noqa: N802
        self.w.slot.cancel()

    def show_result(self, result) -> None:
        self.busy.hide()
        self.result = result
        report = result[0].report
        self.text.setPlainText(report.to_text())
        self.problems.set_frame(report.problems_frame(), name="problems")
        if not report.usable:
            self.text.appendPlainText("\n" + self.tr("No usable rows: fix the file or the column mapping and try "
                                                     "again."))
        self.completeChanged.emit()

    def show_error(self, exc) -> None:
        self.busy.hide()
        self.result = None
        self.text.setPlainText(describe(exc) + "\n\n" + self.tr("Go back to change the column mapping or the "
                                                                "coordinate system, or fix the file."))
        self.completeChanged.emit()

    def isComplete(self):  # noqa: N802
        return self.result is not None and self.result[0].report.usable


class ImportWizard(QWizard):
    """``accept()`` stores the imported table in the project as one undoable edit."""

    def __init__(self, state: AppState, pool, settings, parent=None, path: Path | None = None):
        super().__init__(parent)
        self.state, self.settings = state, settings
        self.setWindowTitle(self.tr("Import data"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.resize(820, 620)
        self.slot = TaskSlot(pool, self, name="import")
        self.frame: pd.DataFrame | None = None
        self.previewed: Path | None = None
        self.info: dict | None = None
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.mapping_page = MappingPage(self)
        self.crs_page = CrsPage(self)
        self.report_page = ReportPage(self)
        for page in (self.file_page, self.preview_page, self.mapping_page, self.crs_page, self.report_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Import"))
        self.imported: str | None = None
        self.slot.progressed.connect(lambda f, m: self.report_page.busy.setValue(int(f * 1000)))
        if path is not None:
            self.file_page.path.setText(str(path))
            self.load_preview()

    # steps ----------------------------------------------------------------------------------
    def path(self) -> Path:
        return Path(self.file_page.path.text().strip())

    def kind(self) -> str:
        return TARGETS[self.file_page.kind.currentData()][0]

    def key(self) -> str:
        return TARGETS[self.file_page.kind.currentData()][1]

    def set_target(self, target: str) -> None:
        self.file_page.kind.setCurrentIndex(self.file_page.kind.findData(target))

    def _sheet(self):
        return self.file_page.sheet.currentData() if self.file_page.sheet.isEnabled() else None

    def load_preview(self) -> None:
        path = self.path()
        self.previewed = path
        self.info = None
        self.file_page.completeChanged.emit()
        if not path.is_file():
            self.file_page.status.setText(self.tr("No such file.") if str(path) not in ("", ".") else "")
            return
        self.file_page.busy.show()
        self.file_page.status.setText(self.tr("Reading the first rows…"))
        self.slot.start(preview_job, path, self._sheet(), on_result=self._preview_ready,
                        on_error=self._preview_failed)

    def _preview_ready(self, value) -> None:
        self.frame, self.info = value
        page = self.file_page
        page.busy.hide()
        sheets = self.info.get("sheets") or []
        if sheets and page.sheet.count() == 0:
            for s in sheets:
                page.sheet.addItem(str(s), s)
            page.sheet.setCurrentIndex(max(page.sheet.findData(self.info.get("sheet")), 0))
            page.sheet.setEnabled(True)
        guess = self.info.get("kind_guess")
        if guess in TARGETS and page.kind.currentData() not in ("candidates",):
            page.kind.setCurrentIndex(page.kind.findData(guess))
        headers = ", ".join(str(h) for h in self.info.get("headers", [])[:12])
        page.status.setText(self.tr("Columns: %1").replace("%1", headers))
        self.settings.set("last_import_dir", str(self.path().parent))
        page.completeChanged.emit()

    def _preview_failed(self, exc) -> None:
        self.file_page.busy.hide()
        self.file_page.status.setText(describe(exc))
        self.file_page.completeChanged.emit()

    def read_file(self, page: ReportPage) -> None:
        crs = self.crs_page.crs.currentData()
        self.slot.start(read_job, self.path(), self.kind(), self.key(), crs, self.mapping_page.mapping(),
                        self._sheet(), snapshot(self.state.project),
                        on_result=page.show_result, on_error=page.show_error)

    def accept(self) -> None:
        result = self.report_page.result
        if result is None:
            return
        intake, table, outlets = result
        key = self.key()
        stack = self.state.undo_stack
        stack.beginMacro(self.tr("Import %1").replace("%1", labels.table(key)))
        self.state.set_input(key, table, report=intake.report.to_dict())
        if outlets is not None:  # new districts re-assign the outlets
            self.state.set_input("outlets", outlets)
        stack.endMacro()
        self.imported = key
        self.state.status(self.tr("Imported %1 rows into %2.").replace("%1", f"{len(intake.table):,}").replace(
            "%2", labels.table(key)))
        super().accept()

    def reject(self) -> None:
        self.slot.cancel()
        super().reject()

    def done(self, code: int) -> None:
        self.slot.cancel()
        self.slot.wait(10)
        super().done(code)

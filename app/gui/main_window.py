"""The main window: map in the centre, work areas beside it, docks around, menus and status bar.

It wires widgets to the :class:`~app.gui.state.AppState` explicitly and runs every long task in a
worker: opening and saving projects, analysis stages, map rendering, exports. Nothing here
computes analysis results.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox,
                               QProgressBar, QPushButton, QSplitter, QStyle, QTabWidget, QWidget)

from gis import __version__
from gis.project import Project

from app.gui import labels
from app.gui.areas.districts import DistrictsArea
from app.gui.areas.field import FieldArea
from app.gui.areas.outlets import OutletsArea
from app.gui.areas.scenarios import ScenariosArea
from app.gui.areas.sites import SitesArea
from app.gui.autosave import Autosaver, discard, find_recoverable
from app.gui.dialogs import describe, show_error
from app.gui.docks.inspector import InspectorPanel
from app.gui.docks.layers import LayersPanel
from app.gui.docks.parameters import ParametersPanel
from app.gui.docks.tables import TablesPanel
from app.gui.jobs import (SLOW_STAGES, Opened, StageRun, open_job, run_stages_job, sample_cache_path,
                          sample_inputs_job, save_job)
from app.gui.map_view import MapView
from app.gui.resources import icon_path
from app.gui.settings import Settings
from app.gui.state import AppState, downstream, snapshot, stage_names
from app.gui.workers import TaskSlot

log = logging.getLogger(__name__)

PROJECT_FILTER = "StorePlan (*.storeplan)"
DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet", ".geojson", ".json", ".gpkg", ".shp",
                 ".zip", ".gz")


def layout_settings() -> QSettings:
    """Window geometry and dock layout (Qt's own format), beside the JSON settings."""
    from app.logs import user_dir

    return QSettings(str(user_dir("config") / "layout.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, state: AppState | None = None, settings: Settings | None = None, language: str = "en",
                 restore_layout: bool = True, start: str | Path | None = None):
        """``start``: a project file, or ``"sample"``, to open while the window is being built."""
        super().__init__()
        self.state = state or AppState()
        self.settings = settings or Settings.load()
        self.language = language
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(4)
        self.pool.setExpiryTimeout(-1)  # threads live as long as the window (see workers._keep_pyproj_context)
        self.project_slot = TaskSlot(self.pool, self, name="project")
        self.analysis_slot = TaskSlot(self.pool, self, name="analysis")
        self.save_slot = TaskSlot(self.pool, self, name="save")
        self.export_slot = TaskSlot(self.pool, self, name="export")
        self._models_warmed = False
        self._closing = False
        self._confirmed_close = False
        self.last_error = ""
        self.setWindowTitle("StorePlan")
        self.setWindowIcon(QIcon(str(icon_path("storeplan.png"))))
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        # centre: map | work areas
        self.map_view = MapView(self.state, self.pool, self, language=language)
        if start is not None:  # the project loads (and its map is drawn) while the panels are built
            self._start_open(None if start == "sample" else Path(start))
        self.areas = QTabWidget(self)
        self.districts_area = DistrictsArea(self.state, self.map_view, self)
        self.outlets_area = OutletsArea(self.state, self)
        self.sites_area = SitesArea(self.state, self)
        self.field_area = FieldArea(self.state, self.map_view, self.pool, self)
        self.scenarios_area = ScenariosArea(self.state, self)
        self.areas.addTab(self.districts_area, self.tr("Districts"))
        self.areas.addTab(self.outlets_area, self.tr("Outlets"))
        self.areas.addTab(self.sites_area, self.tr("Sites"))
        self.areas.addTab(self.field_area, self.tr("Field"))
        self.areas.addTab(self.scenarios_area, self.tr("Scenarios"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.map_view)
        self.splitter.addWidget(self.areas)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 440])
        self.setCentralWidget(self.splitter)

        # docks
        self.layers_panel = LayersPanel(self.state, self.map_view, self)
        self.parameters_panel = ParametersPanel(self.state, self)
        self.inspector_panel = InspectorPanel(self.state, self)
        self.tables_panel = TablesPanel(self.state, self)
        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("layers", self.tr("Layers"), self.layers_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("parameters", self.tr("Parameters"), self.parameters_panel,
                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("inspector", self.tr("Inspector"), self.inspector_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("tables", self.tr("Tables"), self.tables_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["layers"], self.docks["parameters"])
        self.tabifyDockWidget(self.docks["parameters"], self.docks["inspector"])
        self.docks["layers"].raise_()
        self.resizeDocks([self.docks["layers"]], [300], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["tables"]], [210], Qt.Orientation.Vertical)

        self._build_status_bar()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()

        self.autosaver = Autosaver(self.state, self.pool, float(self.settings.get("autosave_minutes")), self)
        self.parameters_panel.auto.setChecked(bool(self.settings.get("auto_rerun")))
        self.parameters_panel.auto.toggled.connect(self._set_auto_rerun)
        self._rerun_timer = QTimer(self)
        self._rerun_timer.setSingleShot(True)
        self._rerun_timer.setInterval(150)
        self._rerun_timer.timeout.connect(self._auto_rerun)
        self._pending_stages: set[str] = set()

        for slot in (self.project_slot, self.analysis_slot, self.save_slot, self.export_slot, self.map_view.slot,
                     self.field_area.slot):
            slot.busy.connect(lambda on, slot=slot: self._on_busy(slot, on))
        ev = self.state.events
        ev.subscribe("modified", lambda *_: self._update_title())
        ev.subscribe("path", lambda *_: self._update_title())
        ev.subscribe("project", self._on_project)
        ev.subscribe("params", self._on_params)
        ev.subscribe("status", self.show_status)
        ev.subscribe("selection", self._on_selection)
        self.map_view.render_failed.connect(lambda text: self.show_status(text, error=True))
        self.map_view.ready_changed.connect(self._warm_up_models)
        self.resize(1440, 900)
        if restore_layout:
            self._restore_layout()
        self._update_title()
        self._update_actions()
        if start is not None:
            self.show_status(self.tr("Opening the sample city…") if start == "sample"
                             else self.tr("Opening %1…").replace("%1", Path(start).name))

    # building -------------------------------------------------------------------------------
    def _add_dock(self, key: str, title: str, widget: QWidget, area) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{key}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel(self)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel(self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel_active)
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self._active_slot: TaskSlot | None = None
        self._set_progress_visible(False)

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            act.setIcon(self.style().standardIcon(icon) if isinstance(icon, QStyle.StandardPixmap) else icon)
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(lambda checked=False: slot())
        return act

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        K = QKeySequence.StandardKey
        self.act_new = self._action(self.tr("&New project"), self.new_project, K.New, sp.SP_FileIcon,
                                    self.tr("Start an empty project and import your data"))
        self.act_open = self._action(self.tr("&Open…"), self.open_dialog, K.Open, sp.SP_DialogOpenButton,
                                     self.tr("Open a StorePlan project"))
        self.act_sample = self._action(self.tr("Open the &sample city"), self.open_sample, None, None,
                                       self.tr("The demo project: a synthetic city, already analysed"))
        self.act_save = self._action(self.tr("&Save"), self.save, K.Save, sp.SP_DialogSaveButton,
                                     self.tr("Save the project"))
        self.act_save_as = self._action(self.tr("Save &as…"), self.save_as_dialog, K.SaveAs)
        self.act_import = self._action(self.tr("&Import data…"), self.import_dialog, "Ctrl+I",
                                       QIcon(str(icon_path("import.svg"))),
                                       self.tr("Import outlets, reps, districts or a grid layer from a file"))
        self.act_export = self._action(self.tr("&Export…"), self.export_dialog, "Ctrl+E",
                                       QIcon(str(icon_path("export.svg"))),
                                       self.tr("Write maps, reports and tables for review"))
        self.act_quit = self._action(self.tr("&Quit"), self.close, K.Quit)
        self.act_undo = self.state.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.act_undo.setShortcut(QKeySequence(K.Undo))
        self.act_undo.setIcon(self.style().standardIcon(sp.SP_ArrowBack))
        self.act_redo = self.state.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.act_redo.setShortcut(QKeySequence(K.Redo))
        self.act_redo.setIcon(self.style().standardIcon(sp.SP_ArrowForward))
        self.act_run_all = self._action(self.tr("Run &all stages"), lambda: self.run_analysis(None), "F5",
                                        QIcon(str(icon_path("run.svg"))),
                                        self.tr("Run every analysis stage on the current data"))
        self.act_run_missing = self._action(self.tr("Run &missing stages"), self.run_missing, "Shift+F5")
        self.act_cancel = self._action(self.tr("&Cancel the running task"), self.cancel_active, "Esc",
                                       sp.SP_BrowserStop)
        self.stage_actions: dict[str, QAction] = {}
        for name in stage_names():
            act = self._action(self.tr("Run %1").replace("%1", labels.stage(name)),
                               lambda name=name: self.run_analysis(downstream(name)))
            self.stage_actions[name] = act
        self.act_prefs = self._action(self.tr("&Settings…"), self.preferences_dialog, K.Preferences)
        self.act_log = self._action(self.tr("Open &log file"), self.open_log)
        self.act_guide = self._action(self.tr("&User guide"), self.open_guide, K.HelpContents)
        self.act_about = self._action(self.tr("&About StorePlan"), self.about)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu(self.tr("&File"))
        for a in (self.act_new, self.act_open, self.act_sample):
            m.addAction(a)
        self.recent_menu = m.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        for a in (self.act_save, self.act_save_as):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_import)
        m.addAction(self.act_export)
        m.addSeparator()
        m.addAction(self.act_quit)
        e = mb.addMenu(self.tr("&Edit"))
        e.addAction(self.act_undo)
        e.addAction(self.act_redo)
        e.addSeparator()
        e.addAction(self.act_prefs)
        v = mb.addMenu(self.tr("&View"))
        for dock in self.docks.values():
            v.addAction(dock.toggleViewAction())
        a = mb.addMenu(self.tr("&Analysis"))
        a.addAction(self.act_run_all)
        a.addAction(self.act_run_missing)
        a.addSeparator()
        for act in self.stage_actions.values():
            a.addAction(act)
        a.addSeparator()
        a.addAction(self.act_cancel)
        h = mb.addMenu(self.tr("&Help"))
        h.addAction(self.act_guide)
        h.addAction(self.act_log)
        h.addSeparator()
        h.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = self.addToolBar(self.tr("Main"))
        tb.setObjectName("toolbar-main")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_open, self.act_save, None, self.act_undo, self.act_redo, None, self.act_import,
                  self.act_run_all, self.act_export):
            if a is None:
                tb.addSeparator()
            else:
                tb.addAction(a)

    # layout memory --------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        qs = layout_settings()
        geometry = qs.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = qs.value("window_state")
        if state is not None:
            self.restoreState(state)
        splitter = qs.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        qs = layout_settings()
        qs.setValue("geometry", self.saveGeometry())
        qs.setValue("window_state", self.saveState())
        qs.setValue("splitter", self.splitter.saveState())
        qs.sync()

    # status and progress --------------------------------------------------------------------
    def show_status(self, message: str, error: bool = False) -> None:
        self.status_label.setStyleSheet("color:#b00020" if error else "")
        self.status_label.setText(message)
        if error:
            self.last_error = message
        log.info("status: %s", message)

    def _set_progress_visible(self, on: bool) -> None:
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(on)

    def _on_busy(self, slot: TaskSlot, on: bool) -> None:
        if on:
            if self._active_slot is not None and self._active_slot is not slot:
                self._active_slot.progressed.disconnect(self._on_progress)
            if self._active_slot is not slot:
                slot.progressed.connect(self._on_progress)
            self._active_slot = slot
            self.progress.setValue(0)
            self.progress_label.setText("")
            self._set_progress_visible(True)
        elif slot is self._active_slot:
            slot.progressed.disconnect(self._on_progress)
            self._active_slot = None
            others = [s for s in (self.analysis_slot, self.project_slot, self.field_area.slot, self.export_slot,
                                  self.save_slot, self.map_view.slot) if s.running]
            if others:
                self._on_busy(others[0], True)
            else:
                self._set_progress_visible(False)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(_progress_text(message))

    def cancel_active(self) -> None:
        for slot in (self._active_slot, self.analysis_slot, self.project_slot, self.export_slot,
                     self.field_area.slot):
            if slot is not None and slot.running:
                slot.cancel()
                self.show_status(self.tr("Cancelled."))
                return

    def _warm_up_models(self, ready: bool) -> None:
        if ready and not self._models_warmed:
            from app.gui.jobs import warm_up
            from app.gui.workers import Worker

            self._models_warmed = True
            self._warm = Worker(warm_up)
            self.pool.start(self._warm)

    def is_idle(self) -> bool:
        """Nothing running, a project shown and the map drawn (for screenshots and tests)."""
        busy = any(s.running for s in (self.project_slot, self.analysis_slot, self.save_slot, self.export_slot,
                                       self.map_view.slot, self.field_area.slot))
        return (not busy and not self._rerun_timer.isActive() and not self.map_view._debounce.isActive()
                and self.map_view.ready)

    def wait_for_workers(self, timeout: float = 60.0) -> bool:
        for slot in (self.project_slot, self.analysis_slot, self.save_slot, self.export_slot, self.map_view.slot,
                     self.field_area.slot, self.autosaver.slot):
            slot.cancel()
        return self.pool.waitForDone(int(timeout * 1000))

    # title and actions ----------------------------------------------------------------------
    def _update_title(self) -> None:
        p = self.state.project
        if p is None:
            self.setWindowTitle("StorePlan")
            return
        name = self.state.path.name if self.state.path else p.name
        self.setWindowTitle(f"{name}[*] — StorePlan")  # Qt shows "[*]" as "*" while modified
        self.setWindowModified(self.state.modified)

    def _update_actions(self) -> None:
        has = self.state.project is not None
        for a in (self.act_save, self.act_save_as, self.act_export, self.act_run_all, self.act_run_missing,
                  *self.stage_actions.values()):
            a.setEnabled(has)
        self.act_undo.setEnabled(self.state.undo_stack.canUndo())
        self.act_redo.setEnabled(self.state.undo_stack.canRedo())

    def _on_project(self) -> None:
        self._update_actions()
        self._update_title()
        missing = self.state.missing_stages()
        if self.state.project is not None and missing:
            self.show_status(self.tr("Not run yet: %1. Analysis → Run missing stages.").replace(
                "%1", ", ".join(labels.stage(s) for s in missing)))

    def _on_selection(self, kind: str, ident: str, origin: str) -> None:
        if kind and origin == "map":
            self.docks["inspector"].raise_()

    # projects -------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False if the user cancelled."""
        if not self.state.modified:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("The project has changes that are not saved. Save them first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save(blocking=True)
        return True

    def new_project(self) -> None:
        if not self.maybe_save():
            return
        self.analysis_slot.cancel()
        self.state.set_project(Project(name=self.tr("New project")))
        self.show_status(self.tr("New project: import outlets and other data with File → Import data."))

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open project"), self._last_dir(), PROJECT_FILTER)
        if path:
            self.open_project(Path(path), ask=False)

    def _last_dir(self) -> str:
        recent = self.settings.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def open_project(self, path: Path, ask: bool = True) -> None:
        if ask and not self.maybe_save():
            return
        path = Path(path)
        self.show_status(self.tr("Opening %1…").replace("%1", path.name))
        self._start_open(path)

    def open_sample(self) -> None:
        """The analysed sample project: from the kept copy if there is one, else built in the background."""
        if self.state.project is not None and not self.maybe_save():
            return
        self.show_status(self.tr("Opening the sample city…"))
        self._start_open(None)

    def _start_open(self, path: Path | None) -> None:
        """Open ``path`` (the sample city when None) in the background, its map drawn with it."""
        self.analysis_slot.cancel()
        if path is None:
            failed = self.tr("The sample city could not be opened")
        else:
            failed = self.tr("The project could not be opened")
        self.project_slot.start(open_job, path, self.map_view.page_request(), on_result=self._opened,
                                on_error=lambda exc: self._task_failed(failed, exc))

    def _opened(self, opened: Opened) -> None:
        if opened.project is None:  # no analysed sample kept yet: analyse it now
            self.show_status(self.tr("Preparing the sample city (the first start takes a while)…"))
            self.project_slot.start(sample_inputs_job, on_result=self._sample_inputs_ready,
                                    on_error=lambda exc: self._task_failed(
                                        self.tr("The sample city could not be opened"), exc))
            return
        self.map_view.adopt_page(opened.project, opened.page)
        self.state.set_project(opened.project, None if opened.sample else opened.source)
        if opened.sample:
            self.show_status(self.tr("Sample city opened."))
            if self.state.missing_stages():
                self.run_analysis(self.state.missing_stages(), cache=sample_cache_path())
        else:
            self.settings.add_recent(opened.source)
            self.settings.save()
            self.show_status(self.tr("Opened %1.").replace("%1", str(opened.source)))

    def _sample_inputs_ready(self, project: Project) -> None:
        self.state.set_project(project, None)
        self.run_analysis(None, cache=sample_cache_path())

    def save(self, blocking: bool = False) -> bool:
        if self.state.project is None:
            return False
        if self.state.path is None:
            return self.save_as_dialog(blocking=blocking)
        return self.save_to(self.state.path, blocking=blocking)

    def save_as_dialog(self, blocking: bool = False) -> bool:
        if self.state.project is None:
            return False
        start = str(self.state.path or Path(self._last_dir()) / f"{self.state.project.name}.storeplan")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save project as"), start, PROJECT_FILTER)
        if not path:
            return False
        return self.save_to(Path(path), blocking=blocking)

    def save_to(self, path: Path, blocking: bool = False) -> bool:
        """Save in the background (``blocking`` waits, e.g. before closing); True when started/saved."""
        path = Path(path)
        if path.suffix != ".storeplan":
            path = path.with_suffix(".storeplan")
        self.show_status(self.tr("Saving %1…").replace("%1", path.name))
        done: dict[str, object] = {}
        index = self.state.undo_stack.index()

        def saved(out: Path) -> None:
            done["ok"] = out
            if self.state.undo_stack.index() == index:
                self.state.mark_saved(out)
            else:  # edited while saving: the file holds the earlier state
                self.state.path = out
            self.settings.add_recent(out)
            self.settings.save()
            self.autosaver.discard()
            self.show_status(self.tr("Saved %1.").replace("%1", str(out)))

        def failed(exc) -> None:
            done["error"] = exc
            self._task_failed(self.tr("The project could not be saved"), exc)

        self.save_slot.start(save_job, snapshot(self.state.project), path, on_result=saved, on_error=failed)
        if blocking:
            self.save_slot.wait(120)
            QApplication.processEvents()
            QApplication.processEvents()
            return "ok" in done
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        if not files:
            act = self.recent_menu.addAction(self.tr("(none)"))
            act.setEnabled(False)
        for f in files:
            self.recent_menu.addAction(f, lambda f=f: self.open_project(Path(f)))

    # analysis -------------------------------------------------------------------------------
    def _set_auto_rerun(self, on: bool) -> None:
        self.settings.set("auto_rerun", bool(on))
        self.settings.save()

    def _on_params(self, stage: str) -> None:
        if not self.settings.get("auto_rerun"):
            self.show_status(self.tr("Parameters changed: Analysis → Run missing stages to update the results."))
            return
        self._pending_stages |= set(downstream(stage))
        self._rerun_timer.start()

    def _auto_rerun(self) -> None:
        stages = [s for s in stage_names() if s in self._pending_stages and s not in SLOW_STAGES]
        self._pending_stages.clear()
        if stages:
            self.run_analysis(stages)

    def run_missing(self) -> None:
        missing = self.state.missing_stages()
        if not missing:
            self.show_status(self.tr("Every stage is up to date."))
            return
        self.run_analysis(missing)

    def run_analysis(self, stages: list[str] | None = None, cache: Path | None = None) -> None:
        """Run stages (all when None) in the background; the result is merged unless stale."""
        if self.state.project is None:
            return
        if not stage_names():
            self.show_status(self.tr("No analysis stage is available in this version yet."))
            return
        names = stages if stages is not None else stage_names()
        revision = self.state.revision
        self.show_status(self.tr("Running: %1…").replace("%1", ", ".join(labels.stage(s) for s in names)))
        self.analysis_slot.start(
            run_stages_job, snapshot(self.state.project), stages, cache,
            on_result=lambda run: self._analysis_done(run, revision, names),
            on_error=lambda exc: self._task_failed(self.tr("The analysis stopped"), exc),
            on_cancel=lambda: self.show_status(self.tr("Analysis cancelled; earlier results are kept.")))

    def _analysis_done(self, run: StageRun, revision: int, names: list[str]) -> None:
        notes = dict(self.state.project.reports.get("stages", {})) if self.state.project else {}
        notes.update({k: v for k, v in run.notes.items() if k in names})
        if not self.state.apply_results(run.results, revision, run.dropped, {"stages": notes, **run.reports},
                                        cache=run.cache):
            return
        skipped = [f"{labels.stage(k)} ({v})" for k, v in run.notes.items() if k in names and v != "done"]
        text = self.tr("Analysis done.")
        if skipped:
            text += " " + self.tr("Skipped: %1").replace("%1", "; ".join(skipped))
        missing = [s for s in self.state.missing_stages() if s in SLOW_STAGES]
        if missing:
            text += " " + self.tr("Field plan out of date: Analysis → Run missing stages.")
        self.show_status(text)

    def _task_failed(self, title: str, exc) -> None:
        text = describe(exc)
        self.show_status(f"{title}: {text}", error=True)

    # import / export ------------------------------------------------------------------------
    def import_dialog(self, path: Path | None = None):
        from app.gui.import_wizard import ImportWizard

        if self.state.project is None:
            self.state.set_project(Project(name=self.tr("New project")))
        wizard = ImportWizard(self.state, self.pool, self.settings, self, path=path)
        wizard.open()
        return wizard

    def export_dialog(self):
        from app.gui.export_dialog import ExportDialog

        if self.state.project is None:
            return None
        dialog = ExportDialog(self.state, self.export_slot, self.settings, self)
        dialog.open()
        return dialog

    # drag and drop --------------------------------------------------------------------------
    def dragEnterEvent(self, event):  # noqa: N802 (Qt name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not urls:
            return
        path = Path(urls[0])
        event.acceptProposedAction()
        if path.suffix == ".storeplan":
            self.open_project(path)
        else:
            self.import_dialog(path)

    # help -----------------------------------------------------------------------------------
    def preferences_dialog(self) -> None:
        from app.gui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        if dialog.exec():
            dialog.apply()
            self.autosaver.set_interval(float(self.settings.get("autosave_minutes")))
            self.parameters_panel.auto.setChecked(bool(self.settings.get("auto_rerun")))

    def open_log(self) -> None:
        from app.logs import log_file

        path = log_file()
        if not path.exists():
            path.touch()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_guide(self) -> None:
        """The user guide in the interface's language, in a window of its own (works offline)."""
        from app.gui.dialogs import GuideDialog, guide_path

        path = guide_path(self.language)
        if path is None:
            self.show_status(self.tr("The user guide is not installed."), error=True)
            return
        self._guide = GuideDialog(path, self)
        self._guide.show()

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About StorePlan"),
                          self.tr("<h3>StorePlan %1</h3><p>Retail store siting and sales-channel planning on "
                                  "H3 hexagons: district insight, outlet scoring, expansion lists, store "
                                  "siting, distribution strategy and field routes.</p>").replace("%1", __version__))

    # recovery and closing -------------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """After a crash or kill: offer the newest autosave; True if it was restored."""
        entries = find_recoverable()
        if not entries:
            return False
        entry = entries[0]
        answer = QMessageBox.question(
            self, self.tr("Restore unsaved work?"),
            self.tr("StorePlan did not close properly last time. Restore the unsaved work on “%1” from %2?")
            .replace("%1", entry.get("name", "")).replace("%2", entry.get("saved_at", "").replace("T", " ")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            for e in entries:
                discard(e)
            return False
        try:
            from gis.project import load_project

            project = load_project(entry["project"])
        except Exception as exc:  # noqa: BLE001
            show_error(self, self.tr("The unsaved work could not be restored"), exc)
            return False
        source = Path(entry["source"]) if entry.get("source") else None
        self.state.set_project(project, source, modified=True)
        for e in entries:
            discard(e)
        self.show_status(self.tr("Unsaved work restored: save it to keep it."))
        return True

    def closeEvent(self, event):  # noqa: N802
        if not self._confirmed_close and not self.maybe_save():
            event.ignore()
            return
        self._confirmed_close = True
        self._closing = True
        self._rerun_timer.stop()
        self.save_layout()
        self.settings.save()
        self.wait_for_workers(30)
        self.field_area.close_down()
        self.map_view.close_down()
        self.autosaver.discard()
        event.accept()


def _progress_text(message: str) -> str:
    """The core's progress messages, translated where they name a stage."""
    for code, name in labels.stages().items():
        if message == f"running {code}":
            return name
    return message

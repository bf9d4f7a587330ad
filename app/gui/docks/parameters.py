"""Parameters dock: TA definition, scoring weights and tiers, siting and routing parameters.

Every change is validated by the core's parameter dataclass, then applied as one undoable edit
(which drops the stage's results and later ones; the window re-runs them when auto re-run is on).
An invalid value shows the core's message under the form and is not applied.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel,
                               QScrollArea, QSpinBox, QToolBox, QVBoxLayout, QWidget)

from gis.errors import ConfigError

from app.gui import labels
from app.gui.state import AppState, stage_names

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400


def _dspin(low: float, high: float, step: float, decimals: int = 2, special: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    if special:
        box.setSpecialValueText(special)
    return box


def _ispin(low: int, high: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    return box


class StageForm(QWidget):
    """Base of one stage's form: load from the project, debounce edits, validate, apply."""

    stage = ""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self._loading = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.apply)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020")
        self.error.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(2, 2, 2, 2)

    def finish_layout(self):
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)

    def changed(self, *_):
        if not self._loading:
            self.timer.start()

    def watch(self, widget) -> None:
        if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            widget.valueChanged.connect(self.changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self.changed)

    def current(self) -> Any:
        raise NotImplementedError

    def load(self) -> None:
        raise NotImplementedError

    def build(self) -> dict[str, Any]:
        raise NotImplementedError

    def edit_text(self) -> str:
        return self.tr("Change parameters")

    def apply(self) -> bool:
        """Validate the form and apply it; False (with the message shown) if invalid."""
        self.timer.stop()
        if self.state.project is None:
            return False
        try:
            params = self.build()
        except ConfigError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.error.hide()
        self.state.set_params(self.stage, params, self.edit_text())
        return True

    def reload(self) -> None:
        self._loading = True
        try:
            self.setEnabled(self.state.project is not None)
            if self.state.project is not None:
                self.load()
                self.error.hide()
        except ConfigError as exc:
            self.error.setText(str(exc))
            self.error.show()
        finally:
            self._loading = False


class ScoringForm(StageForm):
    stage = "scoring"

    def __init__(self, state: AppState, parent=None):
        super().__init__(state, parent)
        from gis.scoring.params import DECAYS

        self.preset = QComboBox()
        self.preset.currentIndexChanged.connect(self._show_preset)
        self.weights_box = QGroupBox(self.tr("Scoring weights"))
        self.weights_form = QFormLayout(self.weights_box)
        self.weight_spins: dict[str, QDoubleSpinBox] = {}
        self.weights: dict[str, dict[str, float]] = {}
        w_note = QLabel(self.tr("Weights are normalised; a negative weight lowers the score."))
        w_note.setWordWrap(True)
        w_note.setStyleSheet("color:#666")

        tiers = QGroupBox(self.tr("Tier cut-offs (share of each district's outlets)"))
        tf = QFormLayout(tiers)
        self.tier_spins = [_dspin(0.0, 1.0, 0.05) for _ in range(3)]
        for name, spin in zip("ABC", self.tier_spins):
            tf.addRow(self.tr("Tier %1").replace("%1", name), spin)
            self.watch(spin)
        self.tier_d = QLabel()
        tf.addRow(self.tr("Tier D"), self.tier_d)

        ta = QGroupBox(self.tr("Target audience (TA)"))
        taf = QFormLayout(ta)
        self.ta_layers: dict[str, QDoubleSpinBox] = {}
        for layer in ("residents", "workers", "visitors"):
            spin = _dspin(0.0, 10.0, 0.1)
            self.ta_layers[layer] = spin
            taf.addRow(labels.metric(layer), spin)
            self.watch(spin)
        self.band_metric = QComboBox()
        self.band_min = _dspin(-1.0, 1e6, 5.0, 1, special=self.tr("none"))
        self.band_max = _dspin(-1.0, 1e6, 5.0, 1, special=self.tr("none"))
        taf.addRow(self.tr("Only cells where"), self.band_metric)
        taf.addRow(self.tr("is at least"), self.band_min)
        taf.addRow(self.tr("and at most"), self.band_max)
        for w in (self.band_metric, self.band_min, self.band_max):
            self.watch(w)

        catch = QGroupBox(self.tr("Catchment"))
        cf = QFormLayout(catch)
        self.radius = _ispin(50, 20_000, 50)
        self.radius.setSuffix(" m")
        self.decay = QComboBox()
        for d in DECAYS:
            self.decay.addItem(d, d)
        cf.addRow(self.tr("Radius"), self.radius)
        cf.addRow(self.tr("Distance decay"), self.decay)
        self.watch(self.radius)
        self.watch(self.decay)

        top = QFormLayout()
        top.addRow(self.tr("Weights for"), self.preset)
        self.layout_.addLayout(top)
        self.layout_.addWidget(self.weights_box)
        self.layout_.addWidget(w_note)
        self.layout_.addWidget(tiers)
        self.layout_.addWidget(ta)
        self.layout_.addWidget(catch)
        self.finish_layout()

    def edit_text(self) -> str:
        return self.tr("Change scoring parameters")

    def current(self):
        from gis.scoring.params import ScoringParams

        return ScoringParams.from_dict(self.state.params("scoring"))

    def load(self) -> None:
        p = self.current()
        self.weights = {k: dict(v) for k, v in p.weights.items()}
        keep = self.preset.currentData()
        self.preset.blockSignals(True)
        self.preset.clear()
        for name in self.weights:
            self.preset.addItem(labels.channel(name), name)
        self.preset.setCurrentIndex(max(self.preset.findData(keep), 0))
        self.preset.blockSignals(False)
        self._show_preset()
        for spin, share in zip(self.tier_spins, p.tier_shares):
            spin.setValue(share)
        self.tier_d.setText(f"{max(0.0, 1 - sum(p.tier_shares)):.2f}")
        for layer, spin in self.ta_layers.items():
            spin.setValue(float(p.ta.layers.get(layer, 0.0)))
        grid = self.state.project.grid
        metrics = [c for c in (grid.columns if grid is not None else [])]
        if p.ta.band_metric and p.ta.band_metric not in metrics:
            metrics.append(p.ta.band_metric)
        self.band_metric.clear()
        self.band_metric.addItem(self.tr("(every cell)"), "")
        for m in metrics:
            self.band_metric.addItem(labels.metric(m), m)
        self.band_metric.setCurrentIndex(max(self.band_metric.findData(p.ta.band_metric or ""), 0))
        self.band_min.setValue(-1.0 if p.ta.band_min is None else p.ta.band_min)
        self.band_max.setValue(-1.0 if p.ta.band_max is None else p.ta.band_max)
        self.radius.setValue(int(p.catchment.radius_m or 500))
        self.radius.setEnabled(p.catchment.radius_m is not None)
        self.decay.setCurrentIndex(max(self.decay.findData(p.catchment.decay), 0))

    def _show_preset(self, *_):
        was_loading, self._loading = self._loading, True
        while self.weights_form.rowCount():
            self.weights_form.removeRow(0)
        self.weight_spins = {}
        for feature, weight in self.weights.get(self.preset.currentData() or "default", {}).items():
            spin = _dspin(-1.0, 1.0, 0.05)
            spin.setValue(weight)
            spin.valueChanged.connect(self.changed)
            self.weight_spins[feature] = spin
            self.weights_form.addRow(labels.metric(feature), spin)
        self._loading = was_loading

    def set_weight(self, feature: str, value: float, preset: str = "default") -> None:
        """Change one weight as a user would (for scripted use and tests)."""
        self.preset.setCurrentIndex(self.preset.findData(preset))
        self.weight_spins[feature].setValue(value)

    def build(self) -> dict[str, Any]:
        from gis.scoring.params import ScoringParams

        base = self.current().to_dict()
        preset = self.preset.currentData() or "default"
        weights = {k: dict(v) for k, v in self.weights.items()}
        weights[preset] = {f: spin.value() for f, spin in self.weight_spins.items()}
        base["weights"] = weights
        base["tier_shares"] = [s.value() for s in self.tier_spins]
        ta = dict(base.get("ta", {}))
        ta["layers"] = {k: s.value() for k, s in self.ta_layers.items() if s.value() > 0}
        ta["band_metric"] = self.band_metric.currentData() or ""
        ta["band_min"] = None if self.band_min.value() < 0 else self.band_min.value()
        ta["band_max"] = None if self.band_max.value() < 0 else self.band_max.value()
        base["ta"] = {k: v for k, v in ta.items() if v is not None}
        if not ta["band_metric"]:
            base["ta"].pop("band_min", None)
            base["ta"].pop("band_max", None)
        catchment = dict(base.get("catchment", {}))
        if "radius_m" in catchment:
            catchment["radius_m"] = float(self.radius.value())
        catchment["decay"] = self.decay.currentData()
        base["catchment"] = catchment
        self.tier_d.setText(f"{max(0.0, 1 - sum(base['tier_shares'])):.2f}")
        return ScoringParams.from_dict(base).to_dict()


class SitingForm(StageForm):
    stage = "siting"

    def __init__(self, state: AppState, parent=None):
        super().__init__(state, parent)
        form = QFormLayout()
        self.n_sites = _ispin(1, 500)
        self.beta = _dspin(-4.0, -0.1, 0.1)
        self.cutoff = _ispin(100, 50_000, 100)
        self.min_distance = _ispin(0, 20_000, 50)
        self.spacing = _ispin(0, 20_000, 50)
        for w in (self.cutoff, self.min_distance, self.spacing):
            w.setSuffix(" m")
        form.addRow(self.tr("New sites to choose"), self.n_sites)
        form.addRow(self.tr("Distance decay β (Huff)"), self.beta)
        form.addRow(self.tr("Distance cut-off"), self.cutoff)
        form.addRow(self.tr("Min. distance to own stores"), self.min_distance)
        form.addRow(self.tr("Min. spacing between new sites"), self.spacing)
        for w in (self.n_sites, self.beta, self.cutoff, self.min_distance, self.spacing):
            self.watch(w)
        self.layout_.addLayout(form)
        self.finish_layout()

    def edit_text(self) -> str:
        return self.tr("Change siting parameters")

    def current(self):
        from gis.siting.params import SitingParams

        return SitingParams.from_dict(self.state.params("siting"))

    def load(self) -> None:
        p = self.current()
        self.n_sites.setValue(p.n_sites)
        self.beta.setValue(p.beta)
        self.cutoff.setValue(int(p.cutoff_m))
        self.min_distance.setValue(int(p.min_distance_m))
        self.spacing.setValue(int(p.min_site_spacing_m))

    def build(self) -> dict[str, Any]:
        from gis.siting.params import SitingParams

        base = self.current().to_dict()
        base.update(n_sites=self.n_sites.value(), beta=self.beta.value(), cutoff_m=float(self.cutoff.value()),
                    min_distance_m=float(self.min_distance.value()),
                    min_site_spacing_m=float(self.spacing.value()))
        return SitingParams.from_dict(base).to_dict()


class RoutingForm(StageForm):
    stage = "routing"

    def __init__(self, state: AppState, parent=None):
        super().__init__(state, parent)
        from gis.routing.params import MODES, OBJECTIVES

        form = QFormLayout()
        self.days = _ispin(1, 260)
        self.mode = QComboBox()
        names = {"walk": self.tr("Walking"), "ebike": self.tr("E-bike / scooter"), "car": self.tr("Car")}
        for m in MODES:
            self.mode.addItem(names.get(m, m), m)
        self.objective = QComboBox()
        onames = {"travel": self.tr("Least travel time"), "balanced": self.tr("Balanced workload")}
        for o in OBJECTIVES:
            self.objective.addItem(onames.get(o, o), o)
        self.time_limit = _ispin(1, 3600)
        self.time_limit.setSuffix(" s")
        self.circuity = _dspin(1.0, 5.0, 0.05)
        form.addRow(self.tr("Working days in the plan"), self.days)
        form.addRow(self.tr("Travel mode"), self.mode)
        form.addRow(self.tr("Objective"), self.objective)
        form.addRow(self.tr("Search time"), self.time_limit)
        form.addRow(self.tr("Circuity factor"), self.circuity)
        for w in (self.days, self.mode, self.objective, self.time_limit, self.circuity):
            self.watch(w)
        note = QLabel(self.tr("Field planning takes a while: run it from Analysis → Run field planning "
                              "or the Field area."))
        note.setWordWrap(True)
        note.setStyleSheet("color:#666")
        self.layout_.addLayout(form)
        self.layout_.addWidget(note)
        self.finish_layout()

    def edit_text(self) -> str:
        return self.tr("Change routing parameters")

    def current(self):
        from gis.routing.params import RoutingParams

        return RoutingParams.from_dict(self.state.params("routing"))

    def load(self) -> None:
        p = self.current()
        self.days.setValue(p.days)
        self.mode.setCurrentIndex(max(self.mode.findData(p.mode), 0))
        self.objective.setCurrentIndex(max(self.objective.findData(p.objective), 0))
        self.time_limit.setValue(int(round(p.time_limit_s)))
        self.circuity.setValue(p.circuity)

    def build(self) -> dict[str, Any]:
        from gis.routing.params import RoutingParams

        base = self.current().to_dict()
        base.update(days=self.days.value(), mode=self.mode.currentData(), objective=self.objective.currentData(),
                    time_limit_s=float(self.time_limit.value()), circuity=self.circuity.value())
        return RoutingParams.from_dict(base).to_dict()


FORMS: list[tuple[str, Callable]] = [("scoring", ScoringForm), ("siting", SitingForm), ("routing", RoutingForm)]


class ParametersPanel(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.toolbox = QToolBox(self)
        self.forms: dict[str, StageForm] = {}
        self.auto = QCheckBox(self.tr("Re-run the analysis when a parameter changes"), self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.auto)
        layout.addWidget(self.toolbox, 1)
        self._build_forms()
        state.events.subscribe("project", self.reload)
        state.events.subscribe("params", lambda stage: self._reload_one(stage))
        state.events.subscribe("inputs", lambda names: self.reload())
        self.reload()

    def _build_forms(self):
        for stage, cls in FORMS:
            try:
                form = cls(self.state)
            except ImportError as exc:  # the stage's module is not part of this build yet
                log.info("parameters of %s not available: %s", stage, exc)
                form = None
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            if form is None:
                note = QLabel(self.tr("Not available yet in this version."))
                note.setWordWrap(True)
                scroll.setWidget(note)
            else:
                scroll.setWidget(form)
                self.forms[stage] = form
            self.toolbox.addItem(scroll, labels.stage(stage))

    def reload(self, *_):
        present = set(stage_names())
        for stage, form in self.forms.items():
            form.reload()
            if stage not in present:
                form.setEnabled(False)

    def _reload_one(self, stage: str):
        if stage in self.forms:
            self.forms[stage].reload()

"""Layers dock: show/hide each map layer, its metric, classification, palette and opacity.

Visibility and opacity go straight to the page (instant); a different metric, classification or
palette re-renders the map in the background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QSlider, QSpinBox, QVBoxLayout,
                               QWidget)

from app.gui import labels
from gis.maprender.project_map import LAYER_IDS, default_hex_metric, district_metrics, hex_metrics, outlet_colors
from app.gui.state import AppState

RAMPS = ("YlOrRd", "Blues", "Greens", "Purples", "RdYlGn", "viridis", "magma")


class LayersPanel(QWidget):
    def __init__(self, state: AppState, map_view, parent=None):
        super().__init__(parent)
        self.state, self.map = state, map_view
        self.opts = map_view.options
        names = self.layer_names()
        vis = QGroupBox(self.tr("Show and opacity"), self)
        vf = QFormLayout(vis)
        self.visible: dict[str, QCheckBox] = {}
        self.opacity: dict[str, QSlider] = {}
        for lid in LAYER_IDS:
            box = QCheckBox(names[lid], self)
            box.setChecked(self.opts.layers[lid].visible)
            box.toggled.connect(lambda on, lid=lid: self._toggle(lid, on))
            self.visible[lid] = box
            slider = QSlider(Qt.Orientation.Horizontal, self)
            slider.setRange(0, 100)
            slider.setValue(int(self.opts.layers[lid].opacity * 100))
            slider.setToolTip(self.tr("Opacity"))
            slider.valueChanged.connect(lambda v, lid=lid: self._opacity(lid, v))
            self.opacity[lid] = slider
            vf.addRow(box, slider)

        style = QGroupBox(self.tr("Hexagons"), self)
        sf = QFormLayout(style)
        self.metric = QComboBox(self)
        self.method = QComboBox(self)
        for code, text in (("quantile", self.tr("Quantiles")), ("natural_breaks", self.tr("Natural breaks")),
                           ("equal_interval", self.tr("Equal intervals"))):
            self.method.addItem(text, code)
        self.classes = QSpinBox(self)
        self.classes.setRange(2, 9)
        self.classes.setValue(self.opts.classes)
        self.ramp = QComboBox(self)
        for r in RAMPS:
            self.ramp.addItem(r, r)
        sf.addRow(self.tr("Metric"), self.metric)
        sf.addRow(self.tr("Classes"), self.method)
        sf.addRow(self.tr("Number of classes"), self.classes)
        sf.addRow(self.tr("Palette"), self.ramp)

        other = QGroupBox(self.tr("Districts and outlets"), self)
        of = QFormLayout(other)
        self.district_metric = QComboBox(self)
        self.outlet_color = QComboBox(self)
        of.addRow(self.tr("Districts coloured by"), self.district_metric)
        of.addRow(self.tr("Outlets coloured by"), self.outlet_color)
        self.candidates = QCheckBox(self.tr("Show every candidate site"), self)
        self.candidates.setToolTip(self.tr("Off: only the chosen sites and their trade areas"))
        self.candidates.setChecked(self.opts.candidates)
        self.candidates.toggled.connect(self._style_changed)
        of.addRow(self.candidates)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(vis)
        layout.addWidget(style)
        layout.addWidget(other)
        layout.addStretch(1)
        for combo in (self.metric, self.method, self.ramp, self.district_metric, self.outlet_color):
            combo.currentIndexChanged.connect(self._style_changed)
        self.classes.valueChanged.connect(self._style_changed)
        self._loading = False
        state.events.subscribe("project", self.reload)
        state.events.subscribe("results", lambda names: self.reload())
        state.events.subscribe("inputs", lambda names: self.reload())
        self.reload()

    def layer_names(self) -> dict[str, str]:
        return {"districts": self.tr("Districts"), "hexagons": self.tr("Hexagons (H3)"),
                "outlets": self.tr("Outlets"), "expansion": self.tr("Expansion list"),
                "sites": self.tr("Sites"), "routes": self.tr("Routes")}

    def _fill(self, combo: QComboBox, items: list[tuple[str, str]], current: str) -> None:
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        i = combo.findData(current)
        combo.setCurrentIndex(i if i >= 0 else 0)

    def reload(self, *_):
        self._loading = True
        try:
            p = self.state.project
            metrics = hex_metrics(p)
            current = self.opts.hex_metric or default_hex_metric(p)
            self._fill(self.metric, [(labels.metric(m), m) for m in metrics], current)
            self.method.setCurrentIndex(max(self.method.findData(self.opts.method), 0))
            self.ramp.setCurrentIndex(max(self.ramp.findData(self.opts.ramp), 0))
            self._fill(self.district_metric, [(self.tr("(outlines only)"), "")] +
                       [(labels.column(m), m) for m in district_metrics(p)], self.opts.district_metric)
            colors = outlet_colors(p)
            default_color = "tier" if "tier" in colors else "channel"
            self._fill(self.outlet_color, [(labels.column(c), c) for c in colors],
                       self.opts.outlet_color or default_color)
        finally:
            self._loading = False

    def _toggle(self, lid: str, on: bool) -> None:
        self.opts.layers[lid].visible = on
        self.map.show_layer(lid, on)

    def _opacity(self, lid: str, value: int) -> None:
        self.opts.layers[lid].opacity = value / 100.0
        self.map.set_opacity(lid, value / 100.0)

    def _style_changed(self, *_):
        if self._loading:
            return
        self.opts.hex_metric = self.metric.currentData() or ""
        self.opts.method = self.method.currentData() or "quantile"
        self.opts.classes = self.classes.value()
        self.opts.ramp = self.ramp.currentData() or "YlOrRd"
        self.opts.district_metric = self.district_metric.currentData() or ""
        self.opts.outlet_color = self.outlet_color.currentData() or ""
        self.opts.candidates = self.candidates.isChecked()
        self.map.schedule_refresh()

"""The Settings dialog: language, autosave, automatic re-run."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox,
                               QVBoxLayout)

from app.gui.settings import Settings


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self.language = QComboBox(self)
        self.language.addItem(self.tr("Follow the system"), "")
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(settings.get("language")), 0))
        self.autosave = QSpinBox(self)
        self.autosave.setRange(0, 60)
        self.autosave.setSuffix(self.tr(" min"))
        self.autosave.setSpecialValueText(self.tr("off"))
        self.autosave.setValue(int(settings.get("autosave_minutes")))
        self.auto_rerun = QCheckBox(self.tr("Re-run the analysis when a parameter changes"), self)
        self.auto_rerun.setChecked(bool(settings.get("auto_rerun")))
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Autosave every"), self.autosave)
        form.addRow(self.auto_rerun)
        note = QLabel(self.tr("A new language applies the next time StorePlan starts."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color:#666")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def apply(self) -> None:
        self.settings.set("language", self.language.currentData())
        self.settings.set("autosave_minutes", self.autosave.value())
        self.settings.set("auto_rerun", self.auto_rerun.isChecked())
        self.settings.save()

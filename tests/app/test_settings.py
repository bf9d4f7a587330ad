"""Versioned JSON settings: migrations, validation, recovery from a broken file."""

from __future__ import annotations

import json

import pytest

from app.gui.settings import DEFAULTS, VERSION, Settings, migrate


def test_version_1_files_are_migrated(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "lang": "zh_CN", "recent": ["/a.storeplan"]}), encoding="utf-8")
    s = Settings.load(path)
    assert s.get("language") == "zh_CN"
    assert s.recent_files() == ["/a.storeplan"]
    assert s.get("version") == VERSION
    assert s.get("autosave_minutes") == DEFAULTS["autosave_minutes"]


def test_a_newer_version_is_not_guessed_at():
    with pytest.raises(ValueError):
        migrate({"version": VERSION + 1})


def test_round_trip_and_recent_files_are_unique_newest_first(tmp_path):
    path = tmp_path / "settings.json"
    s = Settings.load(path)
    for name in ("a", "b", "a"):
        s.add_recent(tmp_path / f"{name}.storeplan")
    s.set("language", "en")
    s.save()
    again = Settings.load(path)
    assert [p.rsplit("/", 1)[-1] for p in again.recent_files()] == ["a.storeplan", "b.storeplan"]
    assert again.get("language") == "en"
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == VERSION


def test_only_plain_data_is_accepted():
    s = Settings()
    with pytest.raises(TypeError):
        s.set("language", object())
    s.set("window", {"w": [1, 2.5, "x", None, True]})


def test_a_broken_file_falls_back_to_defaults_and_is_kept_aside(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    s = Settings.load(path)
    assert s.get("language") == DEFAULTS["language"]
    assert (tmp_path / "settings.json.bad").exists()


def test_a_value_of_the_wrong_type_falls_back_to_its_default(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": VERSION, "autosave_minutes": "often"}), encoding="utf-8")
    assert Settings.load(path).get("autosave_minutes") == DEFAULTS["autosave_minutes"]

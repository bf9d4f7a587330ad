"""Atomic writes: a failure leaves the previous file, and no temporary file, behind."""

from __future__ import annotations

import pytest

from gis.fileio import atomic_path


def test_success_replaces_the_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".csv" and not tmp.exists()
        tmp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failure_keeps_the_old_file_and_cleans_up(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_new_files_are_readable_by_others(tmp_path):
    target = tmp_path / "report.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("x", encoding="utf-8")
    assert target.stat().st_mode & 0o044 == 0o044  # not the 0600 of a temporary file

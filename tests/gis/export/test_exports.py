"""The export table and its promise: a file appears complete or not at all, a previous one survives."""

from __future__ import annotations

import pytest

from gis.errors import Cancelled, ConfigError, StorePlanError
from gis.export import exports, workbook
from gis.export.exports import EXPORTS, export_all
from gis.export.options import ExportOptions
from gis.progress import CallbackProgress
from tests.gis.export import synthetic

FAST = ExportOptions(dpi=72, date=synthetic.DATE)


class CancelAt(CallbackProgress):
    """Cancels itself once a report reaches ``fraction``; records every report."""

    def __init__(self, fraction: float):
        super().__init__(self._seen)
        self.fraction, self.reports = fraction, []

    def _seen(self, fraction, message):
        self.reports.append(fraction)
        if fraction >= self.fraction:
            self.cancel()


def test_the_table_names_the_six_files():
    assert list(EXPORTS) == ["map.html", "map.png", "map.pdf", "report.pdf", "strategy.xlsx", "storeplan.gpkg"]
    assert all(callable(f) for f in EXPORTS.values())


@pytest.mark.parametrize("name", list(EXPORTS))
def test_cancel_at_once_writes_nothing(tmp_path, name):
    done = CallbackProgress()
    done.cancel()
    with pytest.raises(Cancelled):
        EXPORTS[name](synthetic.project(), tmp_path / name, FAST, done)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["report.pdf", "strategy.xlsx", "storeplan.gpkg"])
def test_cancel_midway_keeps_the_previous_file(tmp_path, name):
    target = tmp_path / name
    target.write_bytes(b"previous")
    progress = CancelAt(0.4)
    with pytest.raises(Cancelled):
        EXPORTS[name](synthetic.project(), target, FAST, progress)
    assert any(0.4 <= f < 1.0 for f in progress.reports)  # it was stopped midway, not before it started
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind


def test_a_failure_midway_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "strategy.xlsx"
    target.write_bytes(b"previous")
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk trouble")
        return original(*args, **kwargs)

    original = workbook._write_table
    monkeypatch.setattr(workbook, "_write_table", broken)
    with pytest.raises(RuntimeError, match="disk trouble"):
        exports.export_workbook(synthetic.project(), target, FAST)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["strategy.xlsx"]


def test_a_successful_export_replaces_the_previous_file(tmp_path):
    target = tmp_path / "strategy.xlsx"
    target.write_bytes(b"previous")
    exports.export_workbook(synthetic.project(), target, FAST)
    assert target.read_bytes()[:2] == b"PK"  # a zip: the new workbook
    assert [p.name for p in tmp_path.iterdir()] == ["strategy.xlsx"]


def test_unwritable_folder_is_a_plain_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorePlanError, match="cannot write the workbook"):
        exports.export_workbook(synthetic.project(), blocker / "strategy.xlsx", FAST)


def test_export_all_reports_progress_and_refuses_unknown_names(tmp_path):
    with pytest.raises(StorePlanError, match="map.svg"):
        export_all(synthetic.project(), tmp_path, ["map.svg"])
    seen = []
    paths = export_all(synthetic.project(), tmp_path / "out", ["strategy.xlsx", "storeplan.gpkg"], FAST,
                       CallbackProgress(lambda f, m: seen.append(f)))
    assert [p.name for p in paths] == ["strategy.xlsx", "storeplan.gpkg"]
    assert all(p.is_file() for p in paths)
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_options_are_validated():
    assert ExportOptions().page_px == (3508, 2480)  # A4 landscape at 300 dpi
    assert ExportOptions(paper="a3", orientation="portrait", dpi=150).page_px == (1754, 2480)
    assert ExportOptions.from_dict(ExportOptions(district="东区").to_dict()).district == "东区"
    for bad in ({"language": "fr"}, {"paper": "A5"}, {"orientation": "diagonal"}, {"dpi": 1200}, {"dpi": 30.5},
                {"date": "2026-13-01"}):
        with pytest.raises(ConfigError):
            ExportOptions(**bad)
    with pytest.raises(ConfigError, match="unknown"):
        ExportOptions.from_dict({"colour": "red"})

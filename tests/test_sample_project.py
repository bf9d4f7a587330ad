"""The analysed sample project is rebuilt exactly when the code or the inputs are newer than it."""

from __future__ import annotations

import os

from sample_data import analysed


def _touch(path, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    os.utime(path, (mtime, mtime))


def test_stale_when_missing_or_older_than_code_or_inputs(tmp_path):
    target = tmp_path / "sample_data" / "sample.storeplan"
    _touch(tmp_path / "gis" / "scoring" / "model.py", 1000)
    _touch(tmp_path / "sample_data" / "outlets.csv", 1000)
    _touch(tmp_path / "sample_data" / "notes.txt", 5000)  # not an input: ignored
    _touch(tmp_path / "gis" / "maprender" / "html.py", 5000)  # draws results, does not make them
    assert analysed.is_stale(target, tmp_path)            # missing
    _touch(target, 2000)
    assert not analysed.is_stale(target, tmp_path)
    _touch(tmp_path / "gis" / "scoring" / "model.py", 3000)  # the analysis changed
    assert analysed.is_stale(target, tmp_path)
    _touch(target, 4000)
    _touch(tmp_path / "sample_data" / "demo.toml", 4500)    # the sample's configuration changed
    assert analysed.is_stale(target, tmp_path)


def test_sources_cover_the_core_and_the_inputs():
    names = {p.name for p in analysed.sources()}
    assert {"pipeline.py", "outlets.csv", "reps.csv", "demo.toml", "districts_gcj02.geojson"} <= names
    assert "sample.storeplan" not in names and "generate.py" not in names
    assert not any("maprender" in p.parts or "export" in p.parts for p in analysed.sources())

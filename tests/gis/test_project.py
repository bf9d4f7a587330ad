"""Project files: exact round trips, atomic saves, versioned formats, no code execution."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.errors import ProjectFileError
from gis.project import FORMAT_VERSION, Project, load_project, save_project

DATA = Path(__file__).resolve().parents[1] / "data"


def _project() -> Project:
    outlets = pd.DataFrame({
        "outlet_id": pd.array(["SH1", "SH2", "SH3"], dtype="string"),
        "name": pd.array(["全家(南京西路店)", "", "老王烟酒店"], dtype="string"),
        "lat": [31.2304, 31.24, np.nan],
        "lon": [121.4737, 121.5, 121.3],
        "covered": [True, False, True],
        "sales": [125000.5, np.nan, 0.0],
        "district": pd.array(["黄浦区", pd.NA, "静安区"], dtype="string"),
        "visits": pd.array([4, pd.NA, 1], dtype="Int64"),
    })
    grid = pd.DataFrame(
        {"residents": [12.5, 0.0], "consumption_index": [101.2, 96.0]},
        index=pd.Index(np.array([617700169958293503, 617700169958031359], dtype=np.int64), name="cell"),
    )
    grid.attrs = {"resolution": 9, "intensive": ["consumption_index"]}
    districts = gpd.GeoDataFrame(
        {"district_id": ["310101"], "name": ["黄浦区"]},
        geometry=[shapely.MultiPolygon([shapely.box(121.4, 31.2, 121.5, 31.25)])], crs="EPSG:4326",
    )
    return Project(
        name="华东 2027",
        settings={"resolution": 9, "source_crs": {"outlets": "gcj02"}},
        inputs={"outlets": outlets, "districts": districts},
        grid=grid,
        params={"scoring": {"weights": {"workers": 0.4, "residents": 0.6}, "scaling": "percentile"}},
        results={"outlet_scores": pd.DataFrame({"outlet_id": ["SH1"], "score": [0.75], "tier": ["A"]})},
        reports={"intake": {"outlets": {"rows_read": 3, "rows_usable": 3}}},
    )


def test_save_then_load_reproduces_every_table_exactly(tmp_path):
    original = _project()
    path = save_project(original, tmp_path / "plan.storeplan")
    loaded = load_project(path)

    assert loaded.name == "华东 2027"
    assert loaded.settings == original.settings
    assert loaded.params == original.params
    assert loaded.reports == original.reports
    pd.testing.assert_frame_equal(loaded.inputs["outlets"], original.inputs["outlets"])
    pd.testing.assert_frame_equal(loaded.grid, original.grid)
    assert loaded.grid.index.dtype == np.int64
    assert loaded.grid.attrs == {"resolution": 9, "intensive": ["consumption_index"]}
    pd.testing.assert_frame_equal(loaded.results["outlet_scores"], original.results["outlet_scores"])
    districts = loaded.inputs["districts"]
    assert isinstance(districts, gpd.GeoDataFrame)
    assert districts.crs.to_epsg() == 4326
    assert districts.geometry.iloc[0].equals(original.inputs["districts"].geometry.iloc[0])


def test_suffix_is_added_when_missing(tmp_path):
    assert save_project(_project(), tmp_path / "plan").name == "plan.storeplan"


def test_a_failed_save_keeps_the_previous_file(tmp_path):
    path = save_project(_project(), tmp_path / "plan.storeplan")
    before = path.read_bytes()
    broken = _project()
    broken.params = {"scoring": {"weights": object()}}  # cannot be stored
    with pytest.raises(TypeError):
        save_project(broken, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.storeplan"]  # no temp file left


def test_not_a_project_file_is_a_plain_error(tmp_path):
    junk = tmp_path / "notes.storeplan"
    junk.write_text("hello", encoding="utf-8")
    with pytest.raises(ProjectFileError, match="not a StorePlan project file"):
        load_project(junk)
    with pytest.raises(ProjectFileError, match="no such project file"):
        load_project(tmp_path / "missing.storeplan")


def test_newer_format_asks_for_an_update(tmp_path):
    path = save_project(_project(), tmp_path / "plan.storeplan")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    with pytest.raises(ProjectFileError, match="version 99 is newer"):
        load_project(path)


def test_project_files_hold_no_pickle(tmp_path):
    path = save_project(_project(), tmp_path / "plan.storeplan")
    with sqlite3.connect(path) as con:
        blobs = [row[0] for row in con.execute("SELECT data FROM tables")]
    assert blobs and all(bytes(b[:4]) == b"PAR1" for b in blobs)  # Parquet, nothing executable


def test_version_1_file_kept_in_the_repository_still_opens():
    assert FORMAT_VERSION >= 1
    project = load_project(DATA / "project_v1.storeplan")
    outlets = project.inputs["outlets"]
    assert list(outlets["outlet_id"]) == ["SH1", "SH2", "SH3"]
    assert outlets.loc[0, "name"] == "全家(南京西路店)"
    assert project.grid.attrs["resolution"] == 9
    assert project.params["scoring"]["weights"]["workers"] == 0.4

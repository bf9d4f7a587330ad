"""GUI test set-up: QtWebEngine prepared before pytest-qt creates the QApplication; small projects.

Every test runs offscreen with its own ``STOREPLAN_HOME`` (see ``tests/conftest.py``). The small
project is cut from the sample city once per session: two central districts, their outlets, two
reps and the grid cells around them, so windows open and maps draw in about a second.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.gui.qt_env import prepare_qt  # noqa: E402

prepare_qt()  # imports QtWebEngineWidgets and sets AA_ShareOpenGLContexts before any QApplication

import pytest  # noqa: E402

SMALL_DISTRICTS = ("黄浦区", "静安区")


def _small_project(tmp_dir):
    import numpy as np

    from gis.config import load_config
    from gis.datasets import sample_config
    from gis.pipeline import build_project
    from gis.project import save_project

    config = load_config(sample_config())
    inputs = tuple(s for s in config.inputs if s.key != "sales_lines")
    config = type(config)(config.path, "Small city", config.resolution, inputs, config.intensive, config.stages)
    project = build_project(config)
    outlets = project.inputs["outlets"]
    keep = outlets["district"].isin(SMALL_DISTRICTS).to_numpy()
    small = outlets[keep].reset_index(drop=True)
    project.inputs["outlets"] = small
    lat0, lat1 = small["lat"].min() - 0.01, small["lat"].max() + 0.01
    lon0, lon1 = small["lon"].min() - 0.01, small["lon"].max() + 0.01
    reps = project.inputs["reps"]
    centre = np.array([small["lat"].mean(), small["lon"].mean()])
    dist = np.hypot(reps["lat"] - centre[0], reps["lon"] - centre[1])
    project.inputs["reps"] = reps.loc[dist.nsmallest(2).index].reset_index(drop=True)
    import h3

    grid = project.grid
    latlon = np.array([h3.cell_to_latlng(h3.int_to_str(int(c))) for c in grid.index])
    inside = (latlon[:, 0] >= lat0) & (latlon[:, 0] <= lat1) & (latlon[:, 1] >= lon0) & (latlon[:, 1] <= lon1)
    sub = grid[inside]
    sub.attrs = dict(grid.attrs)
    project.grid = sub
    routing = dict(project.params.get("routing", {}))
    routing.update(days=5, time_limit_s=2.0)
    project.params["routing"] = routing
    scoring = dict(project.params.get("scoring", {}))
    scoring.update(model={"bootstrap": 0}, uncertainty={"resamples": 4})  # fewer resamples: faster
    project.params["scoring"] = scoring
    return save_project(project, tmp_dir / "small.storeplan")


def sample_inputs(tmp_dir):
    """The whole sample city's inputs (no sales lines, no analysis), saved."""
    from gis.config import load_config
    from gis.datasets import sample_config
    from gis.pipeline import build_project
    from gis.project import save_project

    config = load_config(sample_config())
    inputs = tuple(s for s in config.inputs if s.key != "sales_lines")
    config = type(config)(config.path, config.name, config.resolution, inputs, config.intensive, config.stages)
    return save_project(build_project(config), tmp_dir / "sample-inputs.storeplan")


@pytest.fixture(scope="session")
def small_project_file(tmp_path_factory):
    """A small project with the sample city's inputs (no analysis results), saved once."""
    return _small_project(tmp_path_factory.mktemp("small"))


@pytest.fixture
def small_project(small_project_file):
    from gis.project import load_project

    return load_project(small_project_file)


@pytest.fixture
def window_factory(qtbot, tmp_path, monkeypatch):
    """Makes main windows with settings in ``tmp_path``; waits for their workers on teardown."""
    from PySide6.QtGui import QDesktopServices

    from app.gui.main_window import MainWindow
    from app.gui.settings import Settings

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: True))
    made = []

    def make(project=None, path=None, language="en", **settings):
        s = Settings(settings, path=tmp_path / "settings.json")
        window = MainWindow(settings=s, language=language, restore_layout=False)
        # not qtbot.addWidget: pytest-qt would close it before this fixture's teardown, and a
        # modified project would then wait for an answer to "save changes?"
        window.resize(1280, 800)
        window.show()
        made.append(window)
        if project is not None:
            window.state.set_project(project, path)
        return window

    yield make
    for window in made:
        window.wait_for_workers(60)
        window._confirmed_close = True
        window.close()


def wait_idle(qtbot, window, timeout: int = 30_000) -> None:
    """Until nothing runs and the map has drawn."""
    qtbot.waitUntil(window.is_idle, timeout=timeout)

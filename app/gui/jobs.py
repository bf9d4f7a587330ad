"""The functions the window runs in background workers: plain calls into ``gis``.

Each takes the worker's progress handle first and returns plain data; none touches a widget.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gis import __version__
from gis import progress as prog
from gis.project import Project, load_project, save_project

from app.gui.state import produced_by, snapshot

log = logging.getLogger(__name__)

# Stages that take minutes on a city: not re-run automatically after every parameter change.
SLOW_STAGES = frozenset({"routing"})


def sample_cache_path() -> Path:
    """The analysed copy of the sample project kept for a fast start."""
    from app.logs import user_dir

    return user_dir("data") / f"sample-{__version__}.storeplan"


def shipped_sample() -> Path | None:
    """An analysed sample project shipped with the application, if there is one."""
    try:
        from gis.datasets import get_path

        path = Path(get_path("sample.storeplan"))
    except Exception:  # noqa: BLE001 - not shipped (yet): build it instead
        return None
    return path if path.is_file() else None


def load_job(progress, path: Path) -> Project:
    progress.report(0.1, "opening project")
    project = load_project(path)
    progress.report(1.0, "opened")
    return project


def sample_inputs_job(progress) -> Project:
    """The sample city's inputs (no analysis yet): quick, so the map shows something at once."""
    from gis.pipeline import sample_project

    return sample_project(progress, run=False)


def load_sample_job(progress) -> tuple[Project, Path | None]:
    """The analysed sample project: the shipped copy (kept up to date by ``make start`` and the
    installer build), else the one a previous start analysed; ``(None, None)`` if neither."""
    for path in (shipped_sample(), sample_cache_path()):
        if path is not None and path.is_file():
            try:
                return load_job(progress, path), path
            except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt
                log.warning("sample project %s unusable (%s); rebuilding it", path, exc)
    return None, None


@dataclass
class Opened:
    """A project opened in the background, with its first map page already written."""

    project: Project | None        # None: no analysed sample yet (see :func:`load_sample_job`)
    source: Path | None = None     # the file it was read from
    page: Path | None = None       # its map page, drawn with the options it was asked for
    sample: bool = False           # the sample city (not a file of the user's)


def open_job(progress, path: Path | None, page_request: tuple | None = None) -> Opened:
    """The project at ``path`` (the analysed sample when None) and, given the map view's
    :meth:`~app.gui.map_view.MapView.page_request`, its map page: written here, while the window
    is still filling its panels, rather than after."""
    if path is None:
        project, source = load_sample_job(progress)
    else:
        project, source = load_job(progress, path), Path(path)
    page = None
    if project is not None and page_request is not None:
        from app.gui.map_view import render_page

        try:
            page = render_page(progress, project, *page_request)
        except Exception as exc:  # noqa: BLE001 - the view draws it again, and reports what fails
            log.warning("map page not prepared with the project: %s", exc)
    return Opened(project, source, page, sample=path is None)


@dataclass
class StageRun:
    """What a stage run produced, to merge into the live project."""

    results: dict[str, pd.DataFrame]
    dropped: set[str]
    notes: dict[str, str]
    reports: dict = field(default_factory=dict)   # the stages' own report sections
    cache: dict = field(default_factory=dict)     # objects rebuilt from results (the field plan)


def run_stages_job(progress, project: Project, stages: list[str] | None,
                   cache: Path | None = None) -> StageRun:
    """Run ``stages`` (all when None) on a snapshot; optionally save the analysed copy to ``cache``."""
    from gis.pipeline import run_stages, stage_names

    work = snapshot(project)
    names = stage_names() if stages is None else list(stages)
    produced = produced_by(names)
    for name in produced:
        work.results.pop(name, None)
    run_stages(work, names, progress)
    results = {n: work.results[n] for n in produced if n in work.results}
    notes = dict(work.reports.get("stages", {}))
    reports = {n: work.reports[n] for n in names if n in work.reports}
    objects = {n: work.cache[n] for n in produced if n in work.cache}
    if cache is not None:
        try:
            save_project(work, cache)
        except Exception as exc:  # noqa: BLE001 - a cache we cannot write only costs time
            log.warning("could not keep the analysed sample at %s: %s", cache, exc)
    return StageRun(results, produced - set(results) - set(objects), notes, reports, objects)


def save_job(progress, project: Project, path: Path) -> Path:
    progress.report(0.1, "saving")
    out = save_project(project, path)
    progress.report(1.0, "saved")
    return out


def export_job(progress, project: Project, outdir: Path, outputs: list[str] | None = None) -> list[Path]:
    """Write the chosen outputs (names of ``gis.pipeline.OUTPUT_WRITERS``; None = all) to ``outdir``."""
    from gis.pipeline import OUTPUT_WRITERS, write_outputs

    outdir = Path(outdir)
    if outputs is None:
        return write_outputs(project, outdir, progress)
    outdir.mkdir(parents=True, exist_ok=True)
    chosen = [(n, w) for n, w in OUTPUT_WRITERS if n in outputs]
    written: list[Path] = []
    for i, (name, writer) in enumerate(chosen):
        prog.check(progress)
        progress.report(i / max(len(chosen), 1), f"writing {name}")
        written += writer(project, outdir, prog.SubProgress(progress, i / len(chosen), (i + 1) / len(chosen)))
    progress.report(1.0, "outputs written")
    return written


def _import_quietly(names) -> None:
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def warm_up(progress) -> None:
    """Import what the analysis and the map classifiers need, once the first map is up: the first
    re-score or re-classification then does not wait for scikit-learn (not before: it would slow the
    first map down)."""
    _import_quietly(("gis.maprender.export", "gis.pipeline", "mapclassify", "sklearn.ensemble", "sklearn.cluster"))

"""From a run configuration to a project with every stage's results, and its output files.

The stages run in a fixed order; each is a function of the project's inputs, earlier results and
its own parameters (``project.params[stage]``). Changing a stage's parameters drops that stage's
results and everything downstream (:func:`invalidate`), nothing before it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import pandas as pd

from gis import progress as prog
from gis.config import RunConfig, load_config
from gis.errors import AnalysisError
from gis.project import Project, save_project
from gis.stages import STAGES

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# intake


def build_project(config: RunConfig, progress: prog.Progress | None = None) -> Project:
    """Read every input of ``config`` into a new project: validated tables and the H3 grid layer."""
    from gis.intake import read_table

    progress = prog.ensure(progress)
    project = Project(name=config.name, settings={"resolution": config.resolution, "intensive": list(config.intensive)})
    project.params = {name: dict(section) for name, section in config.stages.items()}
    reports: dict[str, dict] = {}
    grid_tables = []
    specs = config.inputs
    for i, spec in enumerate(specs):
        prog.check(progress)
        progress.report(0.6 * i / max(len(specs), 1), f"reading {spec.path.name}")
        result = read_table(spec.path, spec.kind, crs=spec.crs, columns=spec.columns or None,
                            sheet=spec.sheet, layer=spec.layer)
        report = result.report
        key = spec.key if spec.key != "grid" else f"grid:{spec.path.name}"
        reports[key] = report.to_dict()
        if not report.usable:
            raise AnalysisError(
                f"{spec.path}: no usable rows ({report.rows_read} read). "
                f"Run `storeplan validate {spec.path}` to see every problem row."
            )
        project.settings.setdefault("source_crs", {})[spec.key] = spec.crs
        if spec.key == "grid":
            grid_tables.append((spec, result))
        else:
            project.inputs[spec.key] = result.table
    project.reports["intake"] = reports
    if grid_tables:
        progress.report(0.6, "building the H3 grid layer")
        project.grid = build_grid(grid_tables, config.resolution, config.intensive)
    assign_districts(project)
    progress.report(1.0, "inputs read")
    return project


def build_grid(grid_tables, resolution: int, intensive) -> pd.DataFrame:
    """Merge every grid input into one H3 layer at the project resolution."""
    from gis.gridlayer import build_layer, merge_layers

    layers = []
    for spec, result in grid_tables:
        table = result.table
        metrics = [c for c in table.columns if c not in ("lat", "lon", "cell", "geometry")]
        layer = build_layer(table, result.grid_shape, resolution,
                            intensive=tuple(c for c in intensive if c in metrics))
        layers.append(layer)
    return merge_layers(layers)


def assign_districts(project: Project) -> None:
    """Give every outlet the district its point falls in when district polygons exist.

    The user's own ``district`` column is kept as ``district_input``; outlets outside every
    polygon keep the user's value and are listed in the project's reports.
    """
    outlets = project.inputs.get("outlets")
    districts = project.inputs.get("districts")
    if outlets is None or districts is None:
        return
    from gis.districts import assign_points

    ids = assign_points(outlets["lat"].to_numpy(), outlets["lon"].to_numpy(), districts)
    names = districts.set_index("district_id")["name"]
    assigned = pd.Series(ids, index=outlets.index).map(names)
    out = outlets.copy()
    if "district" in out:
        out["district_input"] = out["district"]
        out["district"] = assigned.fillna(out["district"]).astype("string")
    else:
        out["district"] = assigned.astype("string")
    outside = out.loc[assigned.isna(), "outlet_id"].tolist()
    project.reports["districts"] = {
        "outlets_outside": len(outside),
        "outlets_outside_ids": outside[:200],
    }
    project.inputs["outlets"] = out


# --------------------------------------------------------------------------------------------
# stages

def stage_names() -> list[str]:
    return [s.name for s in STAGES]


def invalidate(project: Project, stage: str) -> None:
    """Drop the results of ``stage`` and of every stage reading them (see ``stages.dependents``)."""
    from gis.stages import dependents

    if stage not in stage_names():
        raise KeyError(stage)
    stale = set(dependents(stage))
    for s in STAGES:
        if s.name in stale:
            project.drop_results(s.produces)


def run_stages(project: Project, stages=None, progress: prog.Progress | None = None) -> Project:
    """Run the given stages (default: all) in order, in place; skipped stages leave a note."""
    progress = prog.ensure(progress)
    todo = [s for s in STAGES if stages is None or s.name in stages]
    notes = project.reports.setdefault("stages", {})
    for i, stage in enumerate(todo):
        prog.check(progress)
        missing = [n for n in stage.needs if project.table(n) is None]
        if missing:
            notes[stage.name] = f"skipped: needs {', '.join(missing)}"
            log.info("stage %s skipped (needs %s)", stage.name, missing)
            continue
        progress.report(i / len(todo), f"running {stage.name}")
        stage.run(project, prog.SubProgress(progress, i / len(todo), (i + 1) / len(todo)))
        notes[stage.name] = "done"
    progress.report(1.0, "analysis done")
    return project


# --------------------------------------------------------------------------------------------
# outputs

OutputWriter = Callable[[Project, Path, prog.Progress], list[Path]]
OUTPUT_WRITERS: list[tuple[str, OutputWriter]] = []


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    from gis.fileio import atomic_path

    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def write_result_tables(project: Project, outdir: Path, progress: prog.Progress) -> list[Path]:
    """Every result table as ``<name>.csv`` (UTF-8 with BOM so Excel shows Chinese correctly)."""
    written = []
    for name, df in project.results.items():
        if getattr(df, "attrs", {}).get("csv", True) is False:
            continue
        written.append(_write_csv(df, outdir / f"{name}.csv"))
    return written


def write_field_plan(project: Project, outdir: Path, progress: prog.Progress) -> list[Path]:
    """routes.csv, rep_summary.csv, unscheduled.csv, territories.csv and per-rep route sheets."""
    from gis.routing import write_route_outputs
    from gis.stages import field_plan

    plan = field_plan(project)
    if plan is None:
        return []
    return write_route_outputs(plan, outdir, project.inputs.get("outlets"), project.inputs.get("reps"),
                               progress)


def write_exports(project: Project, outdir: Path, progress: prog.Progress) -> list[Path]:
    """map.html, map.png, map.pdf, report.pdf, strategy.xlsx and storeplan.gpkg (or those ``[export] files`` names)."""
    from gis.export.exports import write_exports as export_all

    options = None
    if project.params.get("export"):
        from gis.export.options import ExportOptions

        options = ExportOptions.from_dict(project.params["export"])
    return export_all(project, outdir, progress, options)


OUTPUT_WRITERS.append(("tables", write_result_tables))
OUTPUT_WRITERS.append(("field plan", write_field_plan))
OUTPUT_WRITERS.append(("maps and reports", write_exports))


def write_outputs(project: Project, outdir: Path, progress: prog.Progress | None = None) -> list[Path]:
    progress = prog.ensure(progress)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, (name, writer) in enumerate(OUTPUT_WRITERS):
        prog.check(progress)
        progress.report(i / len(OUTPUT_WRITERS), f"writing {name}")
        written += writer(project, outdir, prog.SubProgress(progress, i / len(OUTPUT_WRITERS),
                                                            (i + 1) / len(OUTPUT_WRITERS)))
    progress.report(1.0, "outputs written")
    return written


def run_config(config_path, outdir, progress: prog.Progress | None = None,
               project_path: Path | None = None) -> tuple[Project, list[Path]]:
    """``storeplan run``: read, analyse, write outputs (and the project file when asked)."""
    progress = prog.ensure(progress)
    config = load_config(config_path)
    project = build_project(config, prog.SubProgress(progress, 0.0, 0.3))
    run_stages(project, progress=prog.SubProgress(progress, 0.3, 0.85))
    outdir = Path(outdir)
    written = write_outputs(project, outdir, prog.SubProgress(progress, 0.85, 0.98))
    if project_path is not None:
        written.append(save_project(project, project_path))
    progress.report(1.0, "done")
    return project, written


def sample_project(progress: prog.Progress | None = None, run: bool = True) -> Project:
    """The sample city as a project, analysed by every stage when ``run``."""
    from gis.datasets import sample_config

    progress = prog.ensure(progress)
    project = build_project(load_config(sample_config()), prog.SubProgress(progress, 0.0, 0.3))
    if run:
        run_stages(project, progress=prog.SubProgress(progress, 0.3, 1.0))
    return project

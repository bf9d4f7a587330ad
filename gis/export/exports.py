"""One function per export file, called alike by the command line and the GUI's Export dialog.

Each ``export_*(project, path, options=None, progress=None)`` writes its file through
:func:`gis.fileio.atomic_path`: the file appears complete or not at all, a previous file of the
same name survives a failure or a cancel (:class:`gis.errors.Cancelled`), and progress goes to
``progress``. Each works with whatever results the project holds; what is missing is named inside
the file (a note page, a summary sheet, an ``about`` table).

:data:`EXPORTS` maps the file names to the functions; :func:`export_all` writes several into a
folder, preparing the map layers once for the maps and the report.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from gis import progress as prog
from gis.errors import StorePlanError
from gis.export import frames
from gis.export.options import EXPORT_FILES, ExportOptions
from gis.fileio import atomic_path

log = logging.getLogger(__name__)

ExportFunction = Callable[..., Path]


def _write(path, what: str, progress, build) -> Path:
    """Run ``build(temporary_path, progress)`` and move the result to ``path`` only when complete."""
    path = Path(path)
    progress = prog.ensure(progress)
    t0 = time.perf_counter()
    try:
        with atomic_path(path) as tmp:
            build(tmp, progress)
            prog.check(progress)
            if not tmp.exists():
                raise StorePlanError(f"{what} was not written to {path}")
    except OSError as error:
        raise StorePlanError(f"cannot write {what} to {path}: {error.strerror or error}") from error
    log.info("%s written to %s (%.1f MB, %.1f s)", what, path, path.stat().st_size / 1e6,
             time.perf_counter() - t0)
    progress.report(1.0, "")
    return path


def _options(options: ExportOptions | None) -> ExportOptions:
    return options if options is not None else ExportOptions()


def export_map_html(project, path, options: ExportOptions | None = None, progress=None) -> Path:
    """The interactive map as one self-contained HTML file (assets inlined, opens offline)."""
    from gis.maprender import export_map_html as write_html
    from gis.maprender.project_map import MapOptions, build_spec

    options = _options(options)
    spec = build_spec(project, MapOptions(hex_metric=options.hex_metric), options.language, title=options.title,
                      source_note=_source_note(project))
    district = frames.resolve_district(project, options.district)
    if district is not None:
        bounds = _district_bounds(project, district)
        if bounds is not None:
            spec = replace(spec, bounds=bounds, subtitle=district.name)
    return _write(path, "the interactive map", progress, lambda tmp, p: write_html(spec, tmp, p))


def _source_note(project) -> str:
    name = project.name or "StorePlan"
    return f"StorePlan · {name}"


def _district_bounds(project, district) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of one district's polygon, when the project has polygons."""
    polygons = project.inputs.get("districts")
    if polygons is None or polygons.empty:
        return None
    mask = polygons["district_id"].astype(str).isin(district.keys()) | polygons["name"].astype(str).isin(
        district.keys())
    if not mask.any():
        return None
    west, south, east, north = polygons.loc[mask].total_bounds
    return float(south), float(west), float(north), float(east)


def export_map_png(project, path, options: ExportOptions | None = None, progress=None, *, layers=None) -> Path:
    """The print map as PNG (A4/A3, landscape or portrait, at ``options.dpi``)."""
    from gis.export import printmap

    options = _options(options)
    return _write(path, "the map (PNG)", progress,
                  lambda tmp, p: printmap.render_page(project, options, tmp, p, layers=layers))


def export_map_pdf(project, path, options: ExportOptions | None = None, progress=None, *, layers=None) -> Path:
    """The print map as a one-page vector PDF (grid cells rasterised at ``options.dpi``)."""
    from gis.export import printmap

    options = _options(options)
    return _write(path, "the map (PDF)", progress,
                  lambda tmp, p: printmap.render_page(project, options, tmp, p, layers=layers))


def export_report(project, path, options: ExportOptions | None = None, progress=None, *, layers=None) -> Path:
    """The executive pack (``options.district`` for one district's pack alone)."""
    from gis.export import report

    options = _options(options)
    return _write(path, "the report", progress,
                  lambda tmp, p: report.build_report(project, options, tmp, p, layers=layers))


def export_workbook(project, path, options: ExportOptions | None = None, progress=None) -> Path:
    """The strategy workbook (Excel)."""
    from gis.export import workbook

    options = _options(options)
    return _write(path, "the workbook", progress, lambda tmp, p: workbook.build_workbook(project, options, tmp, p))


def export_geopackage(project, path, options: ExportOptions | None = None, progress=None) -> Path:
    """Every layer as a GeoPackage."""
    from gis.export import geopackage

    options = _options(options)
    return _write(path, "the GeoPackage", progress,
                  lambda tmp, p: geopackage.build_geopackage(project, options, tmp, p))


EXPORTS: dict[str, ExportFunction] = {
    "map.html": export_map_html,
    "map.png": export_map_png,
    "map.pdf": export_map_pdf,
    "report.pdf": export_report,
    "strategy.xlsx": export_workbook,
    "storeplan.gpkg": export_geopackage,
}
assert tuple(EXPORTS) == EXPORT_FILES
MAP_EXPORTS = ("map.png", "map.pdf", "report.pdf")  # the ones drawing maps


def export_all(project, outdir, names=None, options: ExportOptions | None = None, progress=None) -> list[Path]:
    """Write the named exports (default: all of :data:`EXPORTS`) into ``outdir``; return the paths.

    A cancel stops between files (and inside the one being written, which is then not left behind).
    """
    options = _options(options)
    progress = prog.ensure(progress)
    names = list(EXPORTS) if names is None else list(names)
    unknown = [n for n in names if n not in EXPORTS]
    if unknown:
        raise StorePlanError(f"unknown export(s) {', '.join(unknown)}: choose from {', '.join(EXPORTS)}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    layers = None
    weights = {n: (0.5 if n == "report.pdf" else 0.1 if n == "map.html" else 0.15) for n in names}
    total = sum(weights.values()) + (0.1 if any(n in MAP_EXPORTS for n in names) else 0.0)
    done = 0.0
    if sum(n in MAP_EXPORTS for n in names) > 1:
        from gis.export.printmap import MapLayers

        progress.report(0.0, "map layers")
        layers = MapLayers.prepare(project, options, prog.SubProgress(progress, 0.0, 0.1 / total))
        done = 0.1
    written = []
    for name in names:
        prog.check(progress)
        sub = prog.SubProgress(progress, done / total, (done + weights[name]) / total)
        sub.report(0.0, name)
        kwargs = {"layers": layers} if name in MAP_EXPORTS else {}
        written.append(EXPORTS[name](project, outdir / name, options, sub, **kwargs))
        done += weights[name]
    progress.report(1.0, "exports written")
    return written


def write_exports(project, outdir: Path, progress=None, options: ExportOptions | None = None) -> list[Path]:
    """The exports ``options.files`` names (all by default) into ``outdir``."""
    options = _options(options)
    return export_all(project, outdir, names=list(options.files) or None, options=options, progress=progress)

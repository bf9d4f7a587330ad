"""Export benchmark: time and size of each executive export for the sample city.

    python bench/bench_export.py [--project FILE.storeplan] [--repeat 1] [--out DIR] [--lang zh|en]

Analyses the sample city (every stage; about a minute and a half on 2 cores) unless
``--project`` names an analysed project file, then writes each file of
``gis.export.exports.EXPORTS`` (A4 landscape, 300 dpi) and prints, per format, the best time of
``--repeat`` runs, the file size, and the ratio to the baseline measured in the same run: the
result tables written as CSV (``gis.pipeline.write_result_tables``). Then ``export_all`` of
every format at once (map layers prepared once for the maps and the report), and the process's
peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, help="an analysed project file (default: analyse the sample city)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", type=Path, help="folder for the files (default: a temporary folder)")
    ap.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = ap.parse_args(argv)

    from gis.export.exports import EXPORTS, export_all
    from gis.export.options import ExportOptions
    from gis.pipeline import write_result_tables
    from gis.progress import NullProgress
    from gis.project import load_project

    t0 = time.perf_counter()
    if args.project:
        project = load_project(args.project)
        print(f"project {args.project} opened in {time.perf_counter() - t0:.1f} s")
    else:
        from gis.pipeline import sample_project

        project = sample_project()
        print(f"sample city analysed in {time.perf_counter() - t0:.1f} s")
    grid = 0 if project.grid is None else len(project.grid)
    outlets = project.inputs.get("outlets")
    print(f"{grid:,} grid cells, {0 if outlets is None else len(outlets):,} outlets, results: "
          f"{', '.join(sorted(project.results)) or 'none'}")

    tmp = tempfile.TemporaryDirectory(prefix="storeplan-bench-")
    outdir = args.out or Path(tmp.name)
    outdir.mkdir(parents=True, exist_ok=True)
    options = ExportOptions(language=args.lang)

    # warm-up: imports (matplotlib, reportlab, mapclassify…) are paid once per process, not per export
    import importlib

    for module in ("mapclassify", "matplotlib", "reportlab", "xlsxwriter", "gis.export.printmap", "gis.export.report"):
        importlib.import_module(module)

    baseline = _best(lambda: write_result_tables(project, outdir / "csv", NullProgress()), args.repeat)
    csv_mb = sum(p.stat().st_size for p in (outdir / "csv").glob("*.csv")) / 1e6
    print(f"\nbaseline: result tables as CSV  {baseline:6.2f} s  {csv_mb:6.1f} MB")
    print(f"\n{'export':<16}{'time':>9}{'× CSV':>8}{'size':>10}   (A4 landscape, {options.dpi} dpi, {args.lang})")
    total = 0.0
    for name, export in EXPORTS.items():
        seconds = _best(lambda: export(project, outdir / name, options), args.repeat)
        total += seconds
        size = (outdir / name).stat().st_size / 1e6
        print(f"{name:<16}{seconds:8.2f}s{seconds / baseline:7.1f}×{size:8.1f} MB")
    print(f"{'sum':<16}{total:8.2f}s")
    together = _best(lambda: export_all(project, outdir / "all", options=options), args.repeat)
    print(f"{'export_all':<16}{together:8.2f}s   (map layers prepared once)")
    print(f"\npeak memory of the process: {_peak_mb():,.0f} MB")
    if args.out:
        print(f"files in {outdir}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

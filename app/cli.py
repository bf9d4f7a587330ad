"""The ``storeplan`` command line. Every command but ``gui`` runs headless without importing Qt.

```
storeplan                    # opens the GUI (same as: storeplan gui)
storeplan gui [PROJECT] [--screenshot PNG]
storeplan demo OUTDIR
storeplan validate FILE [--kind …] [--crs wgs84|gcj02|bd09] [--out CLEAN]
storeplan run CONFIG.toml --out OUTDIR
storeplan aggregate SPEC.toml --out LAYER.parquet [--engine local|dask] [--scheduler ADDRESS]
storeplan --version
```
Exit codes: 0 success; 1 the input or configuration cannot be used (a plain message says why);
2 wrong usage; 3 an unexpected error (details in the log file); 130 cancelled.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from gis import __version__

log = logging.getLogger("storeplan")

EXIT_OK, EXIT_UNUSABLE, EXIT_USAGE, EXIT_BUG, EXIT_CANCELLED = 0, 1, 2, 3, 130


class _ConsoleProgress:
    """Prints stage messages and a percentage to stderr, at most a few times a second."""

    def __init__(self, quiet: bool = False):
        self._quiet = quiet
        self._last = 0.0
        self._message = ""

    def report(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if self._quiet or (message == self._message and now - self._last < 0.5):
            return
        self._last, self._message = now, message
        print(f"[{fraction:6.1%}] {message}", file=sys.stderr, flush=True)

    def cancelled(self) -> bool:
        return False


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="storeplan",
        description="StorePlan 门店与渠道规划 — retail store siting and sales-channel planning.",
    )
    p.add_argument("--version", action="version", version=f"StorePlan {__version__}")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    sub = p.add_subparsers(dest="command")

    g = sub.add_parser("gui", help="open the desktop application (the default)")
    g.add_argument("project", nargs="?", type=Path, help="a .storeplan project (default: the sample city)")
    g.add_argument("--screenshot", type=Path, metavar="PNG",
                   help="load, render, save the main window to PNG and exit")
    g.add_argument("--lang", choices=("zh_CN", "en"), help="interface language (default: system locale)")
    g.add_argument("--size", default="1440x900", help="window size for --screenshot (default 1440x900)")

    d = sub.add_parser("demo", help="build the sample project and run every stage, writing outputs to OUTDIR")
    d.add_argument("outdir", type=Path)

    v = sub.add_parser("validate", help="print the intake report of a file; exit 0 if usable, 1 if not")
    v.add_argument("file", type=Path)
    v.add_argument("--kind", choices=("outlets", "reps", "districts", "grid", "matrix", "sales_lines"),
                   help="what the file holds (default: guessed from its columns)")
    v.add_argument("--crs", default="wgs84", help="coordinate system of the file: wgs84, gcj02 or bd09")
    v.add_argument("--sheet", help="XLSX sheet name or number")
    v.add_argument("--layer", help="GeoPackage layer")
    v.add_argument("--map", action="append", default=[], metavar="OURS=HEADER",
                   help="explicit column mapping, e.g. --map outlet_id=门店编号 (repeatable)")
    v.add_argument("--out", type=Path, metavar="CLEAN",
                   help="write the usable rows with our column names, in WGS-84 (format by extension)")

    r = sub.add_parser("run", help="run every stage on your own data")
    r.add_argument("config", type=Path, metavar="CONFIG.toml")
    r.add_argument("--out", type=Path, required=True, metavar="OUTDIR")
    r.add_argument("--save", type=Path, metavar="PROJECT", help="also save the analysed project")

    a = sub.add_parser("aggregate",
                       help="aggregate raw location pings (partitioned Parquet/CSV) to an H3 layer")
    a.add_argument("spec", type=Path, metavar="SPEC.toml",
                   help="the aggregation: inputs, columns, filters, measures, profiles")
    a.add_argument("--out", type=Path, required=True, metavar="LAYER.parquet", help="the H3 layer to write")
    a.add_argument("--engine", choices=("local", "dask"),
                   help="local: stream on this machine (the default); dask: run on a Dask cluster")
    a.add_argument("--scheduler", metavar="ADDRESS",
                   help="a running Dask scheduler, e.g. tcp://host:8786 (implies --engine dask; "
                        "without it --engine dask starts a local cluster of 2 workers)")
    return p


# --------------------------------------------------------------------------------------------
# commands


def _cmd_validate(args) -> int:
    from gis.intake import guess_kind, read_table, write_clean

    mapping = {}
    for item in args.map:
        ours, sep, header = item.partition("=")
        if not sep or not ours or not header:
            print(f"--map expects OURS=HEADER, got {item!r}", file=sys.stderr)
            return EXIT_USAGE
        mapping[ours.strip()] = header.strip()
    sheet = int(args.sheet) if args.sheet and args.sheet.isdigit() else args.sheet
    kind = args.kind or guess_kind(args.file, sheet=sheet, layer=args.layer)
    result = read_table(args.file, kind, crs=args.crs, columns=mapping or None, sheet=sheet, layer=args.layer)
    print(result.report.to_text())
    if args.out is not None and result.report.usable:
        write_clean(result, args.out)
        print(f"\nusable rows written to {args.out}")
    return EXIT_OK if result.report.usable else EXIT_UNUSABLE


def _print_written(paths) -> None:
    for path in paths:
        print(path)


def _cmd_run(args) -> int:
    from gis.pipeline import run_config

    _, written = run_config(args.config, args.out, _ConsoleProgress(args.quiet), project_path=args.save)
    _print_written(written)
    return EXIT_OK


def _cmd_demo(args) -> int:
    from gis.pipeline import sample_project, write_outputs
    from gis.project import save_project

    progress = _ConsoleProgress(args.quiet)
    project = sample_project(progress)
    written = write_outputs(project, args.outdir, progress)
    written.append(save_project(project, args.outdir / "sample.storeplan"))
    _print_written(written)
    return EXIT_OK


def _cmd_aggregate(args) -> int:
    from gis.aggregate import aggregate

    if args.engine == "local" and args.scheduler:
        print("--scheduler needs --engine dask (or leave --engine out)", file=sys.stderr)
        return EXIT_USAGE
    engine = args.engine or ("dask" if args.scheduler else "local")
    _, stats = aggregate(args.spec, args.out, engine=engine, scheduler=args.scheduler,
                         progress=_ConsoleProgress(args.quiet))
    print(stats.message())
    _print_written([args.out])
    return EXIT_OK


def _cmd_gui(args) -> int:
    try:
        from app.gui.main import run_gui
    except ImportError as exc:
        print(f"The desktop interface cannot start: {exc}. Install StorePlan with its Qt dependencies "
              "(pip install -e .).", file=sys.stderr)
        return EXIT_UNUSABLE
    return run_gui(args)


COMMANDS = {"validate": _cmd_validate, "run": _cmd_run, "demo": _cmd_demo, "gui": _cmd_gui,
            "aggregate": _cmd_aggregate}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:  # plain `storeplan` opens the GUI on the sample project
        args = _parser().parse_args(["gui", *(argv or [])])
    from app.logs import setup_logging

    log_file = setup_logging(console=not args.quiet and args.command != "gui")
    from gis.errors import Cancelled, StorePlanError

    try:
        return COMMANDS[args.command](args)
    except Cancelled:
        print("cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except StorePlanError as exc:
        log.info("stopped: %s", exc)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception:  # a bug: the traceback goes to the log, not in the user's face
        log.exception("unexpected error in `storeplan %s`", args.command)
        print(f"StorePlan hit an unexpected error. Details are in {log_file}; please send that file "
              "with a description of what you did.", file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())

"""Write the analysed sample project the desktop app opens at first start: ``python -m sample_data.analysed``.

Every stage runs on the sample city (about a minute and a half on two cores) and the result is
saved as ``sample_data/sample.storeplan``. The file is built, not kept in the repository: ``make
start`` and ``build_installer.py`` rebuild it whenever the analysis code or the sample inputs are
newer than it, so the app never shows results the current code would not produce.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from gis.datasets import FILES

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "sample_data" / FILES["sample_project"]


#: parts of the core that draw or export results, or aggregate raw pings: they do not change the analysis
NOT_ANALYSIS = ("maprender", "export", "aggregate")


def sources(root: Path = ROOT) -> list[Path]:
    """The files the analysed sample depends on: the analysis code and the sample inputs."""
    found = [p for p in sorted((root / "gis").rglob("*.py"))
             if p.relative_to(root / "gis").parts[0] not in NOT_ANALYSIS]
    found += [p for p in sorted((root / "sample_data").iterdir())
              if p.is_file() and p.suffix in {".csv", ".parquet", ".geojson", ".toml"}]
    return found


def is_stale(target: Path = TARGET, root: Path = ROOT) -> bool:
    """Whether ``target`` is missing or older than any of :func:`sources`."""
    if not target.is_file():
        return True
    built = target.stat().st_mtime
    return any(p.stat().st_mtime > built for p in sources(root))


def build(target: Path = TARGET) -> Path:
    from gis.pipeline import sample_project
    from gis.project import save_project

    return save_project(sample_project(), target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-stale", action="store_true", help="do nothing when the file is up to date")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    if args.if_stale and not is_stale(args.out):
        print(f"{args.out} is up to date")
        return 0
    print(f"analysing the sample city into {args.out} (about a minute and a half)…", flush=True)
    t0 = time.perf_counter()
    build(args.out)
    print(f"done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

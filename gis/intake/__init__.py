"""Data intake: users' files into the validated tables every stage consumes.

Formats: CSV/TXT/TSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16; comma, semicolon, tab or
pipe), ``.csv.gz``, Excel ``.xlsx`` (any sheet), Parquet/GeoParquet, GeoJSON, GeoPackage (any
layer), Shapefile (``.shp`` or zipped; ``.cpg`` honoured, GBK sniffed without one).

>>> res = read_table("门店.csv", "outlets", crs="gcj02")
>>> res.table                      # usable rows, our columns, WGS-84
>>> print(res.report.to_text())    # what was mapped, repaired and dropped, row by row

Kinds (:data:`KINDS`): outlets, reps, districts, grid, matrix, sales_lines. Every dropped,
repaired or doubtful row is in ``res.report.problems`` with its row number as the user sees it in
the file. A file that cannot be read raises :class:`~gis.errors.IntakeError`; missing required
columns raise :class:`~gis.errors.ColumnMappingError`; a readable file whose rows are all
unusable gives ``res.report.usable == False``.
"""

from gis.intake.columns import KINDS, detect_columns
from gis.intake.report import IntakeReport, ProblemCount, Reason, RowProblem
from gis.intake.table import IntakeResult, guess_kind, preview, read_table
from gis.intake.writer import write_clean

__all__ = [
    "KINDS", "read_table", "preview", "detect_columns", "guess_kind", "write_clean", "IntakeResult",
    "IntakeReport", "RowProblem", "ProblemCount", "Reason",
]

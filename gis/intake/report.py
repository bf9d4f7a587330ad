"""What intake did to a file: the mapping it used, its repairs and every row problem.

Row numbers are the ones a user sees in the file: for CSV and Excel the header is row 1, so the
first data row is row 2; for GeoJSON, GeoPackage, Shapefile and Parquet the first feature
(record) is row 1.

Problems are stored individually up to :data:`MAX_PROBLEMS_PER_GROUP` per (reason, column,
action) group and counted exactly in ``problem_counts``, so a file with a million bad rows does not
produce a million objects.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
import numpy as np
import pandas as pd

MAX_PROBLEMS_PER_GROUP = 1000
ACTIONS = ("dropped", "repaired", "kept")


class Reason:
    """The fixed reasons a row can be reported for (stable strings: the GUI may translate them)."""

    MISSING_ID = "missing id"
    DUPLICATE_ID = "duplicate id"
    MISSING_VALUE = "missing value"
    MISSING_COORDINATES = "missing coordinates"
    BAD_COORDINATES = "coordinates are not numbers"
    OUT_OF_RANGE = "coordinates out of range"
    ZERO_COORDINATES = "coordinates are (0, 0)"
    SWAPPED = "lat/lon swapped"
    NOT_A_NUMBER = "not a number"
    NEGATIVE = "negative value"
    NOT_A_TIME = "not a time of day"
    NOT_A_DURATION = "not a duration"
    OVERNIGHT = "closes after midnight"
    ENDS_BEFORE_START = "ends before it starts"
    NOT_YES_NO = "not a yes/no value"
    NOT_A_MONTH = "not a month"
    NOT_WEEKDAYS = "not a list of weekdays"
    BAD_CELL = "invalid H3 cell"
    DUPLICATE_CELL = "duplicate H3 cell"
    DUPLICATE_PAIR = "duplicate from/to pair"
    MISSING_TIME = "missing travel time"
    NEGATIVE_TIME = "negative travel time"
    EMPTY_GEOMETRY = "empty geometry"
    INVALID_GEOMETRY = "invalid geometry"
    NOT_POLYGON = "not a polygon"
    MERGED = "duplicate id merged"
    NO_QUANTITY = "no quantity or amount"


@dataclass(frozen=True)
class RowProblem:
    """One problem in one row. ``action`` is what intake did: dropped, repaired or kept."""

    row: int
    column: str
    value: str
    reason: str
    action: str
    detail: str = ""

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, not {self.action!r}")


@dataclass(frozen=True)
class ProblemCount:
    """How many rows a (reason, column, action) group holds, stored or not."""

    reason: str
    column: str
    action: str
    count: int


def display_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    try:
        if value is pd.NA or value is pd.NaT:
            return ""
    except TypeError:
        pass
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ProblemLog:
    """Collects row problems vectorised: counts every row, stores a capped number of them."""

    def __init__(self, cap: int = MAX_PROBLEMS_PER_GROUP):
        self.cap = cap
        self._problems: list[RowProblem] = []
        self._counts: dict[tuple[str, str, str], int] = {}

    def add(self, rows, column: str, values, reason: str, action: str, detail=None) -> None:
        """Report ``reason`` for every row number in ``rows``.

        ``values`` and ``detail`` are a single string for all rows or sequences aligned to
        ``rows``; they may stop after the first :attr:`cap` entries, as only those can be stored.
        """
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        key = (reason, str(column), action)
        stored = min(self._counts.get(key, 0), self.cap)
        self._counts[key] = self._counts.get(key, 0) + int(rows.size)
        room = self.cap - stored
        if room <= 0:
            return
        values = _as_list(values, rows.size)
        details = _as_list(detail if detail is not None else "", rows.size)
        take = min(room, rows.size, len(values), len(details))
        for i in range(take):
            self._problems.append(RowProblem(int(rows[i]), str(column), display_value(values[i]), reason,
                                             action, str(details[i])))

    def total(self, reason: str | None = None, action: str | None = None) -> int:
        return sum(n for (r, _, a), n in self._counts.items()
                   if (reason is None or r == reason) and (action is None or a == action))

    def problems(self) -> tuple[RowProblem, ...]:
        return tuple(sorted(self._problems, key=lambda p: (p.row, p.column, p.reason)))

    def counts(self) -> tuple[ProblemCount, ...]:
        return tuple(ProblemCount(r, c, a, n) for (r, c, a), n in sorted(self._counts.items()))


def _as_list(values, n: int) -> list:
    if isinstance(values, (str, bytes)) or np.isscalar(values) or values is None:
        return [values] * n
    if isinstance(values, pd.Series):
        return values.tolist()
    return list(values)


@dataclass(frozen=True)
class IntakeReport:
    """Everything intake learnt about one file. Built once, never changed."""

    file: str
    kind: str
    rows_read: int
    rows_usable: int
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    layer: str | None = None
    layers: tuple[str, ...] = ()
    row_label: str = "row"
    mapping: dict = field(default_factory=dict)
    mapping_source: dict = field(default_factory=dict)
    unmapped_columns: tuple[str, ...] = ()
    crs: str = "wgs84"
    source_crs: str | None = None
    crs_note: str = ""
    notes: tuple[str, ...] = ()
    problems: tuple[RowProblem, ...] = ()
    problem_counts: tuple[ProblemCount, ...] = ()
    usable: bool = True

    def __post_init__(self):
        if self.rows_usable < 0 or self.rows_usable > self.rows_read:
            raise ValueError(f"rows_usable {self.rows_usable} not within 0…{self.rows_read}")
        for name in ("sheets", "layers", "unmapped_columns", "notes", "problems", "problem_counts"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def rows_dropped(self) -> int:
        return self.rows_read - self.rows_usable

    def count(self, reason: str | None = None, action: str | None = None,
              column: str | None = None) -> int:
        """Number of reported rows (all of them, not only the stored ones) matching the filters."""
        return sum(c.count for c in self.problem_counts
                   if (reason is None or c.reason == reason) and (action is None or c.action == action)
                   and (column is None or c.column == column))

    def problems_frame(self) -> pd.DataFrame:
        """The stored problems as a table (row, column, value, reason, action, detail)."""
        cols = ["row", "column", "value", "reason", "action", "detail"]
        if not self.problems:
            return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str") for c in cols})
        frame = pd.DataFrame([asdict(p) for p in self.problems], columns=cols)
        return frame.sort_values(["row", "column"], kind="stable").reset_index(drop=True)

    def to_dict(self) -> dict:
        """JSON-ready dictionary; :meth:`from_dict` reads it back."""
        out = asdict(self)
        out["problems"] = [asdict(p) for p in self.problems]
        out["problem_counts"] = [asdict(c) for c in self.problem_counts]
        for name in ("sheets", "layers", "unmapped_columns", "notes"):
            out[name] = list(out[name])
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "IntakeReport":
        data = dict(data)
        data["problems"] = tuple(RowProblem(**p) for p in data.get("problems", ()))
        data["problem_counts"] = tuple(ProblemCount(**c) for c in data.get("problem_counts", ()))
        return cls(**data)

    def to_text(self, max_rows_per_reason: int = 10) -> str:
        """A readable report: summary first, then problem rows grouped by reason."""
        lines = [f"File: {self.file}", f"Kind: {self.kind}"]
        source = [self.format or "?"]
        if self.sheet is not None:
            source.append(f"sheet '{self.sheet}'" + (f" of {len(self.sheets)}: {', '.join(self.sheets)}"
                                                     if len(self.sheets) > 1 else ""))
        if self.layer is not None:
            source.append(f"layer '{self.layer}'" + (f" of {len(self.layers)}: {', '.join(self.layers)}"
                                                     if len(self.layers) > 1 else ""))
        if self.encoding:
            source.append(f"encoding {self.encoding}")
        if self.delimiter:
            source.append("delimiter " + {"\t": "tab", " ": "space"}.get(self.delimiter, repr(self.delimiter)))
        lines.append("Read as: " + ", ".join(source))
        lines.append(f"Rows: {self.rows_read} read, {self.rows_usable} usable, {self.rows_dropped} dropped"
                     + ("" if self.usable else "  -- NOT USABLE"))
        crs = f"Coordinates: {self.crs}"
        if self.source_crs:
            crs += f" (file CRS {self.source_crs})"
        lines.append(crs + (f"; {self.crs_note}" if self.crs_note else ""))
        if self.mapping:
            lines.append("Columns:")
            for ours, theirs in self.mapping.items():
                how = self.mapping_source.get(ours, "auto")
                lines.append(f"  {ours:<12} <- {theirs}  ({how})")
        if self.unmapped_columns:
            lines.append("Other columns kept as they are: " + ", ".join(self.unmapped_columns))
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  - {n}" for n in self.notes)
        if self.problem_counts:
            total = sum(c.count for c in self.problem_counts)
            lines.append(f"Problems ({total} in all, row numbers as in the file, "
                         f"{'header = row 1' if self.row_label == 'row' else 'first ' + self.row_label + ' = 1'}):")
            by_group: dict[tuple[str, str, str], list[RowProblem]] = {}
            for p in self.problems:
                by_group.setdefault((p.reason, p.column, p.action), []).append(p)
            for c in sorted(self.problem_counts, key=lambda c: (-c.count, c.reason, c.column)):
                lines.append(f"  {c.reason} [{c.column}] - {c.count} {self.row_label}"
                             f"{'s' if c.count != 1 else ''} {c.action}:")
                shown = by_group.get((c.reason, c.column, c.action), [])[:max_rows_per_reason]
                for p in shown:
                    extra = f" ({p.detail})" if p.detail else ""
                    lines.append(f"    {self.row_label} {p.row}: {p.value!r}{extra}")
                if c.count > len(shown):
                    lines.append(f"    … and {c.count - len(shown)} more")
        else:
            lines.append("Problems: none")
        return "\n".join(lines)


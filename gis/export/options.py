"""What an export looks like: language, paper, orientation, resolution, district, title."""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

from gis.errors import ConfigError

LANGUAGES = ("zh", "en")
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # millimetres, portrait (width, height)
ORIENTATIONS = ("landscape", "portrait")
DPI_RANGE = (72, 600)
#: the files an export can write, in the order they are written (``gis.export.exports.EXPORTS``)
EXPORT_FILES = ("map.html", "map.png", "map.pdf", "report.pdf", "strategy.xlsx", "storeplan.gpkg")


@dataclass(frozen=True)
class ExportOptions:
    """Options shared by every export (each format uses the ones that apply to it).

    ``district``: a district id or name to export that district alone (maps zoom to it, the
    report becomes its pack, the workbook and GeoPackage keep its rows); ``None`` for the whole
    area. ``title``: empty for the project's name. ``date``: ISO date printed on maps and
    reports, empty for today. ``hex_metric``: the grid metric of the print map ("" = the first of
    residents, workers, visitors… present). ``files``: which of :data:`EXPORT_FILES` to write
    (empty for all).
    """

    language: str = "zh"
    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    district: str | None = None
    title: str = ""
    date: str = ""
    hex_metric: str = ""
    files: tuple[str, ...] = ()

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ConfigError(f"export language must be one of {', '.join(LANGUAGES)}, not {self.language!r}")
        paper = str(self.paper).upper()
        if paper not in PAPERS:
            raise ConfigError(f"paper size must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        object.__setattr__(self, "paper", paper)
        if self.orientation not in ORIENTATIONS:
            raise ConfigError(f"orientation must be one of {', '.join(ORIENTATIONS)}, not {self.orientation!r}")
        if isinstance(self.dpi, bool) or not isinstance(self.dpi, (int, float)) or int(self.dpi) != self.dpi \
                or not DPI_RANGE[0] <= self.dpi <= DPI_RANGE[1]:
            raise ConfigError(f"dpi must be a whole number from {DPI_RANGE[0]} to {DPI_RANGE[1]}, not {self.dpi!r}")
        object.__setattr__(self, "dpi", int(self.dpi))
        if self.district is not None:
            text = str(self.district).strip()
            object.__setattr__(self, "district", text or None)
        object.__setattr__(self, "title", str(self.title or "").strip())
        if self.date:
            try:
                _dt.date.fromisoformat(str(self.date))
            except ValueError:
                raise ConfigError(f"export date must be an ISO date (YYYY-MM-DD), not {self.date!r}") from None
        object.__setattr__(self, "hex_metric", str(self.hex_metric or ""))
        files = (self.files,) if isinstance(self.files, str) else tuple(str(f) for f in (self.files or ()))
        unknown = [f for f in files if f not in EXPORT_FILES]
        if unknown:
            raise ConfigError(f"[export] files: unknown {', '.join(unknown)}; choose from {', '.join(EXPORT_FILES)}")
        object.__setattr__(self, "files", tuple(f for f in EXPORT_FILES if f in files))

    @property
    def page_mm(self) -> tuple[float, float]:
        """(width, height) of the page in millimetres, in the chosen orientation."""
        w, h = PAPERS[self.paper]
        return (h, w) if self.orientation == "landscape" else (w, h)

    @property
    def page_px(self) -> tuple[int, int]:
        """(width, height) in pixels at ``dpi``: A4 landscape at 300 dpi is 3508 × 2480."""
        w, h = self.page_mm
        return round(w / 25.4 * self.dpi), round(h / 25.4 * self.dpi)

    def date_text(self) -> str:
        return self.date or _dt.date.today().isoformat()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "ExportOptions":
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"[export] unknown key(s) {unknown}; known: {sorted(known)}")
        return cls(**data)

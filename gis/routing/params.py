"""Parameters of field planning: travel model, horizon, calendar, objective, search time.

:class:`RoutingParams` is the ``[routing]`` section of a run configuration and of the project
file. Times of day are minutes since midnight, durations minutes, like the validated tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from gis.errors import ConfigError

MODES = ("walk", "ebike", "car")
OBJECTIVES = ("travel", "balanced")


@dataclass(frozen=True)
class RoutingParams:
    """Everything a field plan depends on besides its input tables.

    ``days`` working days from ``start_date`` on the ``working_weekdays`` (Monday = 0), skipping
    ``holidays`` (ISO dates). ``time_limit_s`` is the search time for the whole plan.
    ``objective="travel"`` minimises total travel time; ``"balanced"`` evens the workload across
    reps (tighter territory balance, overtime priced in joint solves). Outlets missing opening
    hours, service time or demand get the defaults here; reps missing a shift get the default shift.
    """

    days: int = 20
    time_limit_s: float = 60.0
    mode: str = "ebike"
    objective: str = "travel"
    circuity: float = 1.3
    speed_walk_kmh: float = 4.5
    speed_ebike_kmh: float = 15.0
    speed_car_kmh: float = 25.0
    default_open_time: float = 8 * 60.0
    default_close_time: float = 21 * 60.0
    default_service_min: float = 15.0
    default_shift_start: float = 9 * 60.0
    default_shift_end: float = 18 * 60.0
    start_date: str | None = None
    working_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: tuple[str, ...] = ()
    balance_tolerance: float | None = None
    seed: int = 0

    def __post_init__(self):
        if int(self.days) != self.days or self.days < 1:
            raise ConfigError(f"[routing] days must be a whole number ≥ 1, got {self.days!r}")
        object.__setattr__(self, "days", int(self.days))
        if not self.time_limit_s > 0:
            raise ConfigError(f"[routing] time_limit_s must be > 0, got {self.time_limit_s!r}")
        if self.mode not in MODES:
            raise ConfigError(f"[routing] mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.objective not in OBJECTIVES:
            raise ConfigError(
                f"[routing] objective must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}")
        if not 1.0 <= self.circuity <= 5.0:
            raise ConfigError(f"[routing] circuity must be within 1…5, got {self.circuity!r}")
        for name in ("speed_walk_kmh", "speed_ebike_kmh", "speed_car_kmh"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"[routing] {name} must be > 0, got {getattr(self, name)!r}")
        for name in ("default_open_time", "default_close_time", "default_shift_start",
                     "default_shift_end"):
            if not 0 <= getattr(self, name) <= 48 * 60:
                raise ConfigError(f"[routing] {name} must be minutes within 0…2880")
        if self.default_close_time <= self.default_open_time:
            raise ConfigError("[routing] default_close_time must be after default_open_time")
        if self.default_shift_end <= self.default_shift_start:
            raise ConfigError("[routing] default_shift_end must be after default_shift_start")
        if not self.default_service_min >= 0:
            raise ConfigError("[routing] default_service_min must be ≥ 0")
        wd = tuple(sorted({int(d) for d in self.working_weekdays}))
        if not wd or any(d < 0 or d > 6 for d in wd):
            raise ConfigError("[routing] working_weekdays must be weekday numbers 0 (Mon) … 6 (Sun)")
        object.__setattr__(self, "working_weekdays", wd)
        if self.start_date is not None:
            _parse_date(self.start_date, "start_date")
        object.__setattr__(self, "holidays", tuple(str(h) for h in self.holidays))
        for h in self.holidays:
            _parse_date(h, "holidays")
        if self.balance_tolerance is not None and not 0 < self.balance_tolerance <= 2:
            raise ConfigError("[routing] balance_tolerance must be within (0, 2]")

    @property
    def speed_kmh(self) -> float:
        return {"walk": self.speed_walk_kmh, "ebike": self.speed_ebike_kmh,
                "car": self.speed_car_kmh}[self.mode]

    @property
    def tolerance(self) -> float:
        """Allowed workload above a rep's fair share when building territories."""
        if self.balance_tolerance is not None:
            return self.balance_tolerance
        return 0.05 if self.objective == "balanced" else 0.20

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["working_weekdays"] = list(self.working_weekdays)
        d["holidays"] = list(self.holidays)
        return {k: v for k, v in d.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "RoutingParams":
        data = dict(data or {})
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"[routing] unknown key(s): {', '.join(unknown)}; "
                              f"known keys: {', '.join(sorted(names))}")
        if isinstance(data.get("start_date"), (dt.date, dt.datetime)):
            data["start_date"] = data["start_date"].isoformat()[:10]
        for key in ("working_weekdays", "holidays"):
            if key in data:
                value = data[key]
                if isinstance(value, str):
                    value = [v for v in value.replace(";", ",").split(",") if v.strip()]
                data[key] = tuple(v.isoformat()[:10] if isinstance(v, dt.date) else v for v in value)
        try:
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(f"[routing] {exc}") from None


def _parse_date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        raise ConfigError(f"[routing] {name}: {text!r} is not a date like 2025-03-03") from None

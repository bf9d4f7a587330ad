"""Travel times and distances between outlets and reps' home bases.

The default model is the great-circle distance times a circuity factor (streets are not straight
lines; about 1.3 in cities) at the travel mode's speed. A user's own matrix (``from_id, to_id,
seconds[, meters]``, e.g. exported from a map provider) takes precedence for the pairs it holds;
pairs it lacks fall back to the default model and are counted, so the plan can report them.

Everything inside is integer seconds and integer metres (the route solver needs integers).
Matrices are built on demand for the locations a step needs (one rep's territory, one rep-day),
never for all outlets at once, so a national outlet list fits in memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis.errors import AnalysisError

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in metres between points (degrees); broadcasts like numpy."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class MissingPairs:
    """Pairs the plan needed that the user's matrix does not hold (default model used)."""

    used: int
    missing: int
    examples: tuple[tuple[str, str], ...]

    @property
    def message(self) -> str:
        if self.missing == 0:
            return ""
        ex = ", ".join(f"{a}→{b}" for a, b in self.examples)
        return (f"{self.missing} of the {self.used} location pairs the plan used are not in the "
                f"travel matrix; the default travel model was used for them (e.g. {ex})")


class TravelModel:
    """Travel seconds and metres between numbered locations.

    ``ids`` name the locations as the user's matrix does (outlet and rep ids); several locations
    may share an id (a rep's home and its end point). ``speed_kmh`` and ``circuity`` define the
    default model.
    """

    def __init__(self, lat, lon, ids, speed_kmh: float, circuity: float = 1.3,
                 matrix: pd.DataFrame | None = None):
        self.lat = np.asarray(lat, dtype=float)
        self.lon = np.asarray(lon, dtype=float)
        self.ids = np.asarray(ids, dtype=object).astype(str)
        if not (len(self.lat) == len(self.lon) == len(self.ids)):
            raise ValueError("lat, lon and ids must have the same length")
        if not speed_kmh > 0:
            raise ValueError("speed_kmh must be > 0")
        self.speed_ms = speed_kmh / 3.6
        self.circuity = float(circuity)
        self.n = len(self.ids)
        self._keys = np.empty(0, dtype=np.int64)
        self._sec = np.empty(0, dtype=np.int64)
        self._met = np.empty(0, dtype=float)
        self._used: list[np.ndarray] = []
        self._missing: list[np.ndarray] = []
        self.has_matrix = matrix is not None and len(matrix) > 0
        if self.has_matrix:
            self._load(matrix)

    def _load(self, matrix: pd.DataFrame) -> None:
        for col in ("from_id", "to_id", "seconds"):
            if col not in matrix.columns:
                raise AnalysisError(f"the travel matrix has no '{col}' column")
        loc = pd.DataFrame({"id": self.ids, "loc": np.arange(self.n, dtype=np.int64)})
        m = pd.DataFrame({
            "from_id": matrix["from_id"].astype(str).to_numpy(dtype=object),
            "to_id": matrix["to_id"].astype(str).to_numpy(dtype=object),
            "seconds": pd.to_numeric(matrix["seconds"], errors="coerce").to_numpy(dtype=float),
            "meters": (pd.to_numeric(matrix["meters"], errors="coerce").to_numpy(dtype=float)
                       if "meters" in matrix.columns else np.full(len(matrix), np.nan)),
        })
        m = m[np.isfinite(m["seconds"]) & (m["seconds"] >= 0)]
        m = m.merge(loc.rename(columns={"id": "from_id", "loc": "a"}), on="from_id")
        m = m.merge(loc.rename(columns={"id": "to_id", "loc": "b"}), on="to_id")
        keys = m["a"].to_numpy(np.int64) * self.n + m["b"].to_numpy(np.int64)
        keys, first = np.unique(keys, return_index=True)  # a repeated pair: first row wins
        self._keys = keys
        self._sec = np.rint(m["seconds"].to_numpy(float)[first]).astype(np.int64)
        self._met = m["meters"].to_numpy(float)[first]
        log.info("travel matrix: %d usable pairs", len(keys))

    def between(self, a, b) -> tuple[np.ndarray, np.ndarray]:
        """Integer (seconds, metres) matrices from locations ``a`` (rows) to ``b`` (columns)."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        return self._pairs(a[:, None], b[None, :])

    def legs(self, path) -> tuple[np.ndarray, np.ndarray]:
        """Integer (seconds, metres) of each consecutive leg along ``path`` (location indices)."""
        path = np.asarray(path, dtype=np.int64)
        return self._pairs(path[:-1], path[1:])

    def _pairs(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        met = self.circuity * haversine_m(self.lat[a], self.lon[a], self.lat[b], self.lon[b])
        sec = met / self.speed_ms
        same = a == b
        if self.has_matrix and len(self._keys):
            keys = a * self.n + b
            pos = np.searchsorted(self._keys, keys).clip(0, len(self._keys) - 1)
            found = self._keys[pos] == keys
            sec = np.where(found, self._sec[pos], sec)
            user_m = self._met[pos]
            met = np.where(found & np.isfinite(user_m), user_m, met)
            keys, found = np.broadcast_arrays(keys, found)
            off = ~np.broadcast_to(same, keys.shape)
            self._used.append(np.unique(keys[off]))
            miss = keys[off & ~found]
            if miss.size:
                self._missing.append(np.unique(miss))
        elif self.has_matrix:
            keys = np.broadcast_to(a * self.n + b, np.broadcast_shapes(a.shape, b.shape))
            off = ~np.broadcast_to(same, keys.shape)
            self._used.append(np.unique(keys[off]))
            self._missing.append(np.unique(keys[off]))
        if len(self._used) > 256:  # keep the bookkeeping small
            self._used = [np.unique(np.concatenate(self._used))]
            if self._missing:
                self._missing = [np.unique(np.concatenate(self._missing))]
        sec = np.where(same, 0, np.rint(sec)).astype(np.int64)
        met = np.where(same, 0, np.rint(met)).astype(np.int64)
        return sec, met

    def matrices(self, idx) -> tuple[np.ndarray, np.ndarray]:
        """Square integer (seconds, metres) matrices among the locations ``idx``."""
        return self.between(idx, idx)

    def missing_pairs(self, max_examples: int = 5) -> MissingPairs:
        if not self.has_matrix:
            return MissingPairs(0, 0, ())
        used = np.unique(np.concatenate(self._used)) if self._used else np.empty(0, np.int64)
        miss = np.unique(np.concatenate(self._missing)) if self._missing else np.empty(0, np.int64)
        ex = tuple((str(self.ids[k // self.n]), str(self.ids[k % self.n])) for k in miss[:max_examples])
        return MissingPairs(int(used.size), int(miss.size), ex)

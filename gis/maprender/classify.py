"""Class breaks and colour ramps for choropleths and H3 layers.

Breaks follow :mod:`mapclassify` (quantile, Fisher-Jenks natural breaks, equal interval, or the
user's own bins); colours are ColorBrewer ramps as lists of ``#rrggbb`` strings (via ``branca``,
which folium already depends on), so nothing here needs matplotlib.

Breaks are *upper bounds*, inclusive, ascending, the last one equal to the largest value: a value
``v`` is in class ``i`` when ``breaks[i-1] < v <= breaks[i]`` (``mapclassify``'s convention).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from gis.errors import ConfigError

log = logging.getLogger(__name__)

METHODS = ("quantile", "natural_breaks", "equal_interval", "manual")
MAX_CLASSES = 12

# Fisher-Jenks is O(k·n²) in mapclassify's pure-Python path: it runs on this many equally spaced
# quantiles of the data (each standing for the same share of the values), which keeps it under
# ~0.1 s for any n while the breaks stay within one summary step of the exact optimum.
JENKS_SUMMARY_SIZE = 200

TIER_COLORS = {"A": "#1a9850", "B": "#91cf60", "C": "#fdae61", "D": "#d73027"}
CHANNEL_COLORS = {
    "hypermarket": "#e41a1c", "supermarket": "#377eb8", "convenience": "#4daf4a",
    "traditional": "#984ea3", "catering": "#ff7f00", "other": "#a65628",
}
MISSING_COLOR = "#9e9e9e"
QUALITATIVE_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939",
)


@lru_cache(maxsize=1)
def _ramp_names() -> frozenset[str]:
    import json
    from pathlib import Path

    import branca

    codes = json.loads((Path(branca.__file__).parent / "scheme_base_codes.json").read_text("utf-8"))
    return frozenset(codes["codes"])


def ramp_names() -> list[str]:
    """Names of the available colour ramps (ColorBrewer plus viridis, plasma, inferno, magma)."""
    return sorted(_ramp_names())


@lru_cache(maxsize=256)
def _ramp(name: str, k: int) -> tuple[str, ...]:
    from branca.utilities import color_brewer

    if k >= 3:
        return tuple(c.lower() for c in color_brewer(name, k))
    three = [c.lower() for c in color_brewer(name, 3)]
    return (three[2],) if k == 1 else (three[0], three[2])


def ramp(name: str, k: int, reverse: bool = False) -> list[str]:
    """``k`` colours of the named ramp, light to dark (dark to light with ``reverse``)."""
    if name not in _ramp_names():
        raise ConfigError(f"unknown colour ramp {name!r}: use one of {', '.join(ramp_names())}")
    if not 1 <= int(k) <= 253:
        raise ConfigError(f"a colour ramp needs 1 to 253 colours, not {k}")
    colors = list(_ramp(name, int(k)))
    return colors[::-1] if reverse else colors


@dataclass(frozen=True)
class Classification:
    """How to turn a numeric column into colour classes."""

    method: str = "quantile"
    k: int = 5
    bins: tuple[float, ...] = ()  # manual only: ascending upper bounds
    ramp: str = "YlOrRd"
    reverse: bool = False

    def __post_init__(self):
        if self.method not in METHODS:
            raise ConfigError(f"unknown classification {self.method!r}: use one of {', '.join(METHODS)}")
        if not 1 <= self.k <= MAX_CLASSES:
            raise ConfigError(f"number of classes must be 1 to {MAX_CLASSES}, not {self.k}")
        bins = tuple(float(b) for b in self.bins)
        object.__setattr__(self, "bins", bins)
        if self.method == "manual":
            if not bins:
                raise ConfigError("manual classification needs at least one class bound")
            if not all(np.isfinite(bins)) or any(b >= c for b, c in zip(bins, bins[1:])):
                raise ConfigError(f"manual class bounds must be finite and strictly ascending: {list(bins)}")
            if len(bins) > MAX_CLASSES:
                raise ConfigError(f"at most {MAX_CLASSES} manual class bounds, not {len(bins)}")
        if self.ramp not in _ramp_names():
            raise ConfigError(f"unknown colour ramp {self.ramp!r}: use one of {', '.join(ramp_names())}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["bins"] = list(self.bins)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Classification":
        d = dict(d)
        d["bins"] = tuple(d.get("bins", ()))
        return cls(**d)


@dataclass(frozen=True)
class Classes:
    """The classes found for one set of values: bounds, colours and how many values fell in each."""

    breaks: tuple[float, ...]  # inclusive upper bounds, ascending
    lower: float  # smallest value (the first class's lower bound); NaN when there were no values
    colors: tuple[str, ...]
    counts: tuple[int, ...] = field(default=())

    def __post_init__(self):
        if len(self.colors) != len(self.breaks):
            raise ConfigError(f"{len(self.breaks)} classes but {len(self.colors)} colours")

    @property
    def k(self) -> int:
        return len(self.breaks)

    def labels(self, digits: int | None = None) -> list[str]:
        """``"lower – upper"`` for each class, numbers with thousands separators."""
        if not self.breaks:
            return []
        if digits is None:
            digits = auto_digits(np.array((self.lower,) + self.breaks))
        bounds = (self.lower,) + self.breaks
        if len(self.breaks) == 1 and self.lower == self.breaks[0]:
            return [format_number(self.lower, digits)]
        return [f"{format_number(a, digits)} – {format_number(b, digits)}" for a, b in zip(bounds, bounds[1:])]


def auto_digits(values: np.ndarray) -> int:
    """Decimals that tell the given class bounds apart without noise (0 for counts and money)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or np.all(v == np.round(v)):
        return 0
    steps = np.diff(np.unique(v))
    scale = float(steps.min()) if steps.size else float(np.abs(v).max())
    if scale == 0 or scale >= 10:
        return 0
    return int(min(4, max(0, np.ceil(-np.log10(scale)) + 1)))


def format_number(x: float, digits: int = 0) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    text = f"{x:,.{digits}f}"
    return "0" if text in ("-0", "-0.0", "-0.00", "-0.000", "-0.0000") and float(x) > -1 else text


def _finite(values) -> np.ndarray:
    y = np.asarray(values, dtype=float).ravel()
    return y[np.isfinite(y)]


def _jenks(y: np.ndarray, k: int) -> np.ndarray:
    import mapclassify

    ys = np.sort(y)
    summarised = ys.size > JENKS_SUMMARY_SIZE
    summary = np.quantile(ys, np.linspace(0.0, 1.0, JENKS_SUMMARY_SIZE), method="inverted_cdf") if summarised else ys
    k = min(k, np.unique(summary).size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns about ties; the caller drops repeated breaks
        bins = np.asarray(mapclassify.FisherJenks(summary, k=k).bins, dtype=float)
    if summarised:
        # The optimum on the full data lies between a summary break and the next summary value:
        # put the break at the widest gap of the data there (exact when the data has clear gaps).
        steps = np.unique(summary)
        for i, b in enumerate(bins[:-1]):
            j = np.searchsorted(steps, b, side="right")
            upper = steps[j] if j < steps.size else ys[-1]
            seg = ys[np.searchsorted(ys, b, side="left"):np.searchsorted(ys, upper, side="right")]
            if seg.size >= 2:
                bins[i] = seg[int(np.argmax(np.diff(seg)))]
    return bins


# Quantile and equal-interval breaks are mapclassify's Quantiles / EqualInterval bins (the tests hold
# them equal), computed here with numpy: importing mapclassify imports scikit-learn, about 2.5 s that
# would otherwise delay the first map of every start. Fisher-Jenks still comes from mapclassify.
def _quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    p[-1] = min(p[-1], 100.0)
    return np.unique(np.percentile(y, p))


def _equal_interval_bins(y: np.ndarray, k: int) -> np.ndarray:
    lo, hi = float(y.min()), float(y.max())
    width = (hi - lo) / k
    cuts = np.arange(lo + width, hi + width, width)[:k]
    cuts[-1] = hi
    return cuts


def class_breaks(values, method: str = "quantile", k: int = 5, bins=()) -> np.ndarray:
    """Inclusive upper class bounds for the finite values (NaN and ±inf ignored).

    Fewer than ``k`` classes come back when there are fewer distinct values (or tied quantiles);
    an empty array when there are no finite values. The last bound is always the largest value,
    except for manual bins already above it.
    """
    Classification(method=method, k=k, bins=tuple(bins))  # validates
    y = _finite(values)
    if y.size == 0:
        return np.array([], dtype=float)
    hi = float(y.max())
    n_unique = np.unique(y).size
    if method == "manual":
        b = np.asarray(bins, dtype=float)
        if b[-1] < hi:
            b = np.append(b, hi)
        return b
    if n_unique == 1:
        return np.array([hi])
    k = min(k, n_unique)
    if method == "quantile":
        b = _quantile_bins(y, k)
    elif method == "equal_interval":
        b = _equal_interval_bins(y, k)
    else:
        b = _jenks(y, k)
    b = np.unique(b[np.isfinite(b)])
    b = b[b < hi]
    return np.append(b, hi)


def assign(values, breaks) -> np.ndarray:
    """Class index (int16) of each value: the first bound ≥ value; -1 for NaN and when no breaks."""
    v = np.asarray(values, dtype=float)
    b = np.asarray(breaks, dtype=float)
    out = np.full(v.shape, -1, dtype=np.int16)
    if b.size == 0:
        return out
    ok = np.isfinite(v)
    idx = np.searchsorted(b, v[ok], side="left")
    out[ok] = np.minimum(idx, b.size - 1)
    return out


def classify(values, classification: Classification = Classification()) -> tuple[np.ndarray, Classes]:
    """Class index per value (``-1`` for missing) and the :class:`Classes` that describe them."""
    c = classification
    breaks = class_breaks(values, c.method, c.k, c.bins)
    idx = assign(values, breaks)
    y = _finite(values)
    lower = float(y.min()) if y.size else float("nan")
    if c.method == "manual" and y.size:
        lower = min(lower, float(breaks[0]))
    counts = np.bincount(idx[idx >= 0], minlength=breaks.size) if breaks.size else np.array([], int)
    colors = ramp(c.ramp, breaks.size, c.reverse) if breaks.size else []
    return idx, Classes(tuple(float(b) for b in breaks), lower, tuple(colors), tuple(int(n) for n in counts))


def category_colors(categories, known: dict[str, str] | None = None) -> dict[str, str]:
    """A colour per category: the ``known`` colour where there is one, else the next qualitative colour."""
    known = known or {}
    out: dict[str, str] = {}
    spare = iter(c for c in QUALITATIVE_COLORS if c not in known.values())
    for cat in categories:
        key = str(cat)
        if key in out:
            continue
        out[key] = known.get(key) or next(spare, MISSING_COLOR)
    return out

"""Parameters of outlet scoring: what a saved project needs to reproduce every score.

Every class is a frozen dataclass validated in ``__post_init__`` and round-trips through
``to_dict()`` / ``from_dict()`` (the ``[scoring]`` section of a run configuration and the
project file). ``to_dict`` leaves out ``None`` values because TOML has no null.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping

from gis.errors import ConfigError

CHANNELS = ("hypermarket", "supermarket", "convenience", "traditional", "catering", "other")
SCALINGS = ("percentile", "minmax", "zscore")
DECAYS = ("none", "linear", "exponential", "gaussian")
MODEL_KINDS = ("auto", "hgb", "linear")
TIER_LABELS = ("A", "B", "C", "D")

# Weight presets per channel (normalised when used). "potential" is the model's potential, used
# only when a model could be fitted; features missing from the data are dropped with a note.
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "default": {"potential": 0.40, "purchasing_power": 0.20, "ta": 0.15, "visitors": 0.10,
                "poi_transit": 0.05, "poi_competitor": -0.05, "own_outlets": -0.05},
    "hypermarket": {"potential": 0.40, "purchasing_power": 0.25, "residents": 0.15, "ta": 0.10,
                    "poi_transit": 0.05, "poi_competitor": -0.05},
    "supermarket": {"potential": 0.40, "purchasing_power": 0.20, "residents": 0.15, "ta": 0.10,
                    "poi_retail": 0.05, "poi_competitor": -0.05, "own_outlets": -0.05},
    "convenience": {"potential": 0.40, "workers": 0.12, "visitors": 0.10, "ta": 0.10,
                    "purchasing_power": 0.08, "poi_transit": 0.05, "poi_office": 0.05,
                    "poi_competitor": -0.05, "own_outlets": -0.05},
    "traditional": {"potential": 0.40, "residents": 0.20, "purchasing_power": 0.10, "ta": 0.10,
                    "poi_school": 0.05, "poi_competitor": -0.05, "own_outlets": -0.10},
    "catering": {"potential": 0.40, "workers": 0.12, "visitors": 0.12, "poi_food": 0.08,
                 "poi_office": 0.08, "poi_tourism": 0.05, "purchasing_power": 0.05,
                 "own_outlets": -0.05, "poi_competitor": -0.05},
    "other": {"potential": 0.40, "purchasing_power": 0.20, "ta": 0.15, "visitors": 0.10,
              "residents": 0.10, "poi_competitor": -0.05},
}


def _err(message: str) -> ConfigError:
    return ConfigError(message)


def _check_keys(cls, data: Mapping[str, Any], where: str) -> None:
    if not isinstance(data, Mapping):
        raise _err(f"[{where}] must be a table of settings, not {type(data).__name__}.")
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise _err(f"[{where}] unknown key(s) {sorted(unknown)}; known: {sorted(known)}.")


def _number(value, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _err(f"{where} must be a number, not {value!r}.")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _err(f"{where} must lie in {low}…{high}, not {value!r}.")
    return float(value)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


@dataclass(frozen=True)
class TADefinition:
    """Target-audience (TA, 目标人群) population of a grid cell.

    ``TA = Σ weight_l · layer_l`` over the population ``layers``, counted only in cells whose
    ``band_metric`` lies in ``[band_min, band_max]`` (either bound may be None). Example: workers in
    cells with a consumption index of at least 110 is ``layers={"workers": 1}, band_min=110``.
    A missing band metric drops the band (with a note), not the TA.
    """

    layers: Mapping[str, float] = field(default_factory=lambda: {"residents": 1.0, "workers": 1.0})
    band_metric: str | None = "consumption_index"
    band_min: float | None = 100.0
    band_max: float | None = None

    def __post_init__(self):
        if not isinstance(self.layers, Mapping) or not self.layers:
            raise _err("TA definition: 'layers' must name at least one population layer with a weight.")
        layers = {str(k): _number(v, f"TA weight of {k!r}", 0.0) for k, v in self.layers.items()}
        object.__setattr__(self, "layers", MappingProxyType(layers))
        for name in ("band_min", "band_max"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _number(value, f"TA {name}"))
        if self.band_min is not None and self.band_max is not None and self.band_min > self.band_max:
            raise _err(f"TA definition: band_min {self.band_min} is above band_max {self.band_max}.")

    def describe(self) -> str:
        terms = " + ".join(k if w == 1 else f"{w:g}×{k}" for k, w in self.layers.items())
        band = []
        if self.band_metric and self.band_min is not None:
            band.append(f"{self.band_metric} ≥ {self.band_min:g}")
        if self.band_metric and self.band_max is not None:
            band.append(f"{self.band_metric} ≤ {self.band_max:g}")
        return terms + (f" in cells with {' and '.join(band)}" if band else "")

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"layers": dict(self.layers), "band_metric": self.band_metric or "",
                           "band_min": self.band_min, "band_max": self.band_max})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "ta") -> "TADefinition":
        _check_keys(cls, data, where)
        data = dict(data)
        if "band_metric" in data:  # a band given explicitly: absent bounds are open
            data.setdefault("band_min", None)
            data.setdefault("band_max", None)
            if data["band_metric"] in ("", None):
                data["band_metric"] = None
        return cls(**data)


@dataclass(frozen=True)
class CatchmentDef:
    """The cells that feed an outlet (商圈): an H3 k-ring or a radius, with distance decay."""

    k: int | None = None
    radius_m: float | None = 500.0
    decay: str = "linear"
    decay_param: float | None = None

    def __post_init__(self):
        if (self.k is None) == (self.radius_m is None):
            raise _err("catchment: give either k (rings) or radius_m (metres), not both or neither.")
        if self.k is not None and (isinstance(self.k, bool) or not isinstance(self.k, int) or not 0 <= self.k <= 20):
            raise _err(f"catchment k must be a whole number 0…20, not {self.k!r}.")
        if self.radius_m is not None:
            object.__setattr__(self, "radius_m", _number(self.radius_m, "catchment radius_m", 1.0, 50_000.0))
        if self.decay not in DECAYS:
            raise _err(f"catchment decay must be one of {DECAYS}, not {self.decay!r}.")
        if self.decay_param is not None:
            object.__setattr__(self, "decay_param", _number(self.decay_param, "catchment decay_param", 0.0))

    def reach_m(self, resolution: int) -> float:
        """How far the catchment reaches, in metres (for a k-ring: k centre spacings plus one edge)."""
        if self.radius_m is not None:
            return self.radius_m
        import h3

        edge = h3.average_hexagon_edge_length(resolution, unit="m")
        return self.k * math.sqrt(3.0) * edge + edge

    def label(self, lang: str = "en", resolution: int = 9) -> str:
        """'within 500 m' / '500米内' for explanations."""
        metres = int(round(self.reach_m(resolution), -1))
        if self.radius_m is not None:
            return f"{metres}米内" if lang == "zh" else f"within {metres} m"
        return (f"{self.k}圈(约{metres}米)内" if lang == "zh"
                else f"within {self.k} rings (~{metres} m)")

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"k": self.k, "radius_m": self.radius_m, "decay": self.decay,
                           "decay_param": self.decay_param})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "catchment") -> "CatchmentDef":
        _check_keys(cls, data, where)
        data = dict(data)
        if "k" in data and "radius_m" not in data:
            data["radius_m"] = None
        return cls(**data)


@dataclass(frozen=True)
class ModelParams:
    """The potential model: which learner, how it is cross-validated, its interval."""

    kind: str = "auto"              # "auto" picks the kind with the lower held-out log error
    min_train: int = 30             # fewer covered outlets with sales -> score only, with a note
    folds: int = 5
    max_iter: int = 200
    learning_rate: float = 0.08
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0
    ridge_alpha: float = 1.0
    interval: tuple[float, float] = (0.1, 0.9)
    bootstrap: int = 8              # model refits for rank stability (0 = weights only)
    explain_features: int = 8       # model features explained per outlet (most important first)
    threads: int = 1                # CPU threads for fitting; 0 = all (one is fastest on a busy laptop)
    seed: int = 0

    def __post_init__(self):
        if self.kind not in MODEL_KINDS:
            raise _err(f"model kind must be one of {MODEL_KINDS}, not {self.kind!r}.")
        for name, low in (("min_train", 5), ("folds", 2), ("max_iter", 1), ("max_leaf_nodes", 2),
                          ("min_samples_leaf", 1), ("bootstrap", 0), ("explain_features", 0), ("threads", 0), ("seed", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise _err(f"model {name} must be a whole number ≥ {low}, not {value!r}.")
        _number(self.learning_rate, "model learning_rate", 1e-4, 1.0)
        _number(self.l2_regularization, "model l2_regularization", 0.0)
        _number(self.ridge_alpha, "model ridge_alpha", 0.0)
        iv = self.interval
        if not isinstance(iv, (list, tuple)) or len(iv) != 2:
            raise _err(f"model interval must be two quantiles [low, high], not {iv!r}.")
        lo, hi = (_number(x, "model interval") for x in iv)
        if not 0.0 < lo < hi < 1.0:
            raise _err(f"model interval must be two quantiles 0 < low < high < 1, not {iv!r}.")
        object.__setattr__(self, "interval", (lo, hi))

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["interval"] = list(self.interval)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "model") -> "ModelParams":
        _check_keys(cls, data, where)
        data = dict(data)
        if "interval" in data and isinstance(data["interval"], list):
            data["interval"] = tuple(data["interval"])
        return cls(**data)


@dataclass(frozen=True)
class UncertaintyParams:
    """Rank stability: resamples of model and weights, and when two outlets count as tied."""

    resamples: int = 40
    weight_jitter: float = 0.2      # each weight multiplied by U(1 - j, 1 + j)
    tie_flip_share: float = 0.25    # neighbours whose order flips this often are tied
    seed: int = 0

    def __post_init__(self):
        if isinstance(self.resamples, bool) or not isinstance(self.resamples, int) or self.resamples < 0:
            raise _err(f"uncertainty resamples must be a whole number ≥ 0, not {self.resamples!r}.")
        _number(self.weight_jitter, "uncertainty weight_jitter", 0.0, 0.99)
        _number(self.tie_flip_share, "uncertainty tie_flip_share", 0.0, 0.5)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise _err(f"uncertainty seed must be a whole number, not {self.seed!r}.")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "uncertainty") -> "UncertaintyParams":
        _check_keys(cls, data, where)
        return cls(**data)


def _freeze_weights(weights: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    if not isinstance(weights, Mapping) or "default" not in weights:
        raise _err("scoring weights must be a table of presets with at least a 'default' preset.")
    out = {}
    for preset, table in weights.items():
        if not isinstance(table, Mapping) or not table:
            raise _err(f"scoring weights.{preset} must map feature names to weights.")
        clean = {str(f): _number(w, f"scoring weight {preset}.{f}") for f, w in table.items()}
        if not any(w != 0 for w in clean.values()):
            raise _err(f"scoring weights.{preset}: at least one weight must be non-zero.")
        out[str(preset)] = MappingProxyType(clean)
    return MappingProxyType(out)


@dataclass(frozen=True)
class ScoringParams:
    """Everything outlet scoring needs besides the data.

    ``weights`` holds one preset per channel plus ``default`` (used for channels without a preset
    and outlets without a channel). Weights are normalised to Σ|w| = 1 over the features that
    exist in the data; a negative weight lowers the score (competition, saturation).
    ``tier_shares`` are the shares of each district's outlets in tiers A, B, C (D is the rest).
    """

    catchment: CatchmentDef = field(default_factory=CatchmentDef)
    ta: TADefinition = field(default_factory=TADefinition)
    purchasing_layers: tuple[str, ...] = ("residents", "workers")
    features: tuple[str, ...] | None = None   # model/score features; None = every one available
    scaling: str = "percentile"
    scale_within: str = "all"                 # "all" outlets or each "district" separately
    weights: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    tier_shares: tuple[float, float, float] = (0.2, 0.3, 0.3)
    classify_channels: bool = True
    model: ModelParams = field(default_factory=ModelParams)
    uncertainty: UncertaintyParams = field(default_factory=UncertaintyParams)
    lang: str = "en"

    def __post_init__(self):
        for name, cls in (("catchment", CatchmentDef), ("ta", TADefinition), ("model", ModelParams),
                          ("uncertainty", UncertaintyParams)):
            if not isinstance(getattr(self, name), cls):
                raise _err(f"scoring {name} must be a {cls.__name__}.")
        if self.scaling not in SCALINGS:
            raise _err(f"scoring scaling must be one of {SCALINGS}, not {self.scaling!r}.")
        if self.scale_within not in ("all", "district"):
            raise _err(f"scoring scale_within must be 'all' or 'district', not {self.scale_within!r}.")
        if self.lang not in ("en", "zh"):
            raise _err(f"scoring lang must be 'en' or 'zh', not {self.lang!r}.")
        object.__setattr__(self, "purchasing_layers", tuple(str(x) for x in self.purchasing_layers))
        if self.features is not None:
            object.__setattr__(self, "features", tuple(str(x) for x in self.features))
        object.__setattr__(self, "weights", _freeze_weights(self.weights))
        shares = tuple(self.tier_shares)
        if len(shares) != 3:
            raise _err("scoring tier_shares must give three shares (A, B, C); D takes the rest.")
        shares = tuple(_number(s, "scoring tier share", 0.0, 1.0) for s in shares)
        if sum(shares) > 1.0 + 1e-9:
            raise _err(f"scoring tier_shares add up to {sum(shares):.2f}, more than 1.")
        object.__setattr__(self, "tier_shares", shares)

    def preset(self, channel) -> Mapping[str, float]:
        """The weights of ``channel``'s preset (``default`` for unknown channels)."""
        if isinstance(channel, str) and channel in self.weights:
            return self.weights[channel]
        return self.weights["default"]

    @property
    def tier_cutoffs(self) -> tuple[float, float, float]:
        """Cumulative shares: an outlet in the top ``cutoffs[0]`` of its district is tier A, …"""
        a, b, c = self.tier_shares
        return (a, a + b, a + b + c)

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({
            "catchment": self.catchment.to_dict(),
            "ta": self.ta.to_dict(),
            "purchasing_layers": list(self.purchasing_layers),
            "features": list(self.features) if self.features is not None else None,
            "scaling": self.scaling,
            "scale_within": self.scale_within,
            "weights": {k: dict(v) for k, v in self.weights.items()},
            "tier_shares": list(self.tier_shares),
            "classify_channels": self.classify_channels,
            "model": self.model.to_dict(),
            "uncertainty": self.uncertainty.to_dict(),
            "lang": self.lang,
        })

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "ScoringParams":
        """From the ``[scoring]`` section or a project file; absent keys take their defaults."""
        data = dict(data or {})
        _check_keys(cls, data, "scoring")
        for name, sub in (("catchment", CatchmentDef), ("ta", TADefinition), ("model", ModelParams),
                          ("uncertainty", UncertaintyParams)):
            if name in data:
                data[name] = sub.from_dict(data[name], f"scoring.{name}")
        for name in ("purchasing_layers", "features", "tier_shares"):
            if name in data and data[name] is not None:
                if not isinstance(data[name], (list, tuple)):
                    raise _err(f"[scoring] {name} must be a list.")
                data[name] = tuple(data[name])
        return cls(**data)


__all__ = ["CHANNELS", "SCALINGS", "DECAYS", "MODEL_KINDS", "TIER_LABELS", "DEFAULT_WEIGHTS",
           "TADefinition", "CatchmentDef", "ModelParams", "UncertaintyParams", "ScoringParams"]

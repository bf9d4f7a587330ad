"""Parameters of store siting (选址), stored in the project and in the TOML ``[siting]`` section.

The Huff model
--------------
The probability that spend at demand cell *i* goes to store *j* is

    P_ij = A_j · D_ij^β / Σ_k A_k · D_ik^β

over every store *k* (own and competitor) within ``cutoff_m`` of the cell, with attractiveness
``A`` and distance ``D`` in metres (never below ``distance_floor_m``).

``beta`` is the distance-decay exponent and must be negative. The default −2.0 suits convenience
goods (beverages, snacks, daily needs), for which shoppers go to a nearby store; values between
−1.5 and −2 are the usual range for such goods, and values nearer −1 suit goods people travel
for (furniture, apparel). Sources: D. L. Huff, "A probabilistic analysis of shopping center
trade areas", *Land Economics* 39 (1963) 81–90, and "Defining and estimating a trading area",
*Journal of Marketing* 28 (1964) 34–38 (exponents fitted per kind of good); T. Wieland, "Market
area analysis for retail and service locations with MCI", *The R Journal* 9 (2017) 298–323 (the
R packages MCI and REAT, whose Huff functions default to λ = −2); the Huff function of the R
package spopt documents −1.5 as a typical exponent. Calibrate β on local data when you can.

Attractiveness
--------------
Own stores: the value of ``attractiveness_column`` when given (e.g. sales area in m²), otherwise
by channel from ``channel_attractiveness`` (``default_attractiveness`` for an unknown channel).
Competitors: outlets flagged by ``competitor_column`` and, per grid cell, the count in the layer
column ``competitor_layer_column`` (e.g. ``poi_competitor``), each worth
``competitor_attractiveness``. A new site is worth ``new_site_attractiveness`` (default: the median
of the own stores).

Demand
------
Spend per cell S_i = Σ_m w_m · metric_m × consumption_index / 100 × ``spend_per_capita`` with the
weights ``demand_weights`` (residents, workers, visitors by default), then scaled so the own stores'
modelled sales equal their actual sales where sales are known (``calibrate``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping

from gis.errors import ConfigError

CANDIDATE_SOURCES = ("cells", "points")
METHODS = ("greedy", "exact")
OWN_STORES = ("covered", "all")

DEFAULT_CHANNEL_ATTRACTIVENESS = {
    "hypermarket": 5.0,
    "supermarket": 3.0,
    "convenience": 1.0,
    "traditional": 0.7,
    "catering": 0.5,
    "other": 0.5,
}
DEFAULT_DEMAND_WEIGHTS = {"residents": 1.0, "workers": 0.6, "visitors": 0.3}


def _frozen_mapping(value: Mapping[str, Any] | None, what: str) -> Mapping[str, float]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[siting] {what} must be a table of name = number, not {value!r}.")
    out = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) or number < 0:
            raise ConfigError(f"[siting] {what}.{key} must be a number ≥ 0, not {number!r}.")
        out[str(key)] = float(number)
    return MappingProxyType(out)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(f"[siting] {message}")


def _number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


@dataclass(frozen=True)
class SitingParams:
    """Everything that decides the siting result; see the module docstring for the model."""

    # candidates and constraints
    candidate_source: str = "cells"
    districts: tuple[str, ...] = ()           # district ids or names; empty = everywhere
    min_demand: float = 0.0                   # minimum calibrated spend of a candidate's cell
    min_distance_m: float = 500.0             # from every existing own store
    min_distance_competitor_m: float = 0.0    # from every competitor store
    min_site_spacing_m: float = 500.0         # between two chosen new sites
    # Huff model
    beta: float = -2.0
    cutoff_m: float = 3000.0
    distance_floor_m: float = 100.0
    trade_area_min_p: float = 0.2
    # attractiveness
    own_stores: str = "covered"               # "covered": covered outlets are the own stores; "all"
    attractiveness_column: str | None = None
    channel_attractiveness: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_ATTRACTIVENESS))
    default_attractiveness: float = 1.0
    competitor_column: str | None = None
    competitor_layer_column: str | None = "poi_competitor"
    competitor_attractiveness: float = 1.0
    new_site_attractiveness: float | None = None
    # demand
    demand_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DEMAND_WEIGHTS))
    consumption_column: str | None = "consumption_index"
    spend_per_capita: float = 10.0
    calibrate: bool = True
    # selection
    n_sites: int = 10
    target_sales: float | None = None         # when set: the fewest sites reaching it
    max_sites: int = 100                      # cap in target mode
    method: str = "greedy"                    # "greedy" (lazy greedy) or "exact" (enumeration, small cases)
    local_search: bool = True                 # greedy, then swap sites while that adds sales
    max_candidates: int = 10_000              # candidates kept for selection (best alone first)

    def __post_init__(self):
        _check(self.candidate_source in CANDIDATE_SOURCES,
               f"candidate_source must be one of {CANDIDATE_SOURCES}, not {self.candidate_source!r}.")
        _check(self.method in METHODS, f"method must be one of {METHODS}, not {self.method!r}.")
        _check(self.own_stores in OWN_STORES, f"own_stores must be one of {OWN_STORES}, not {self.own_stores!r}.")
        if isinstance(self.districts, str):
            object.__setattr__(self, "districts", (self.districts,))
        _check(all(isinstance(d, str) for d in self.districts), "districts must be a list of district ids or names.")
        object.__setattr__(self, "districts", tuple(self.districts))
        for name in ("min_demand", "min_distance_m", "min_distance_competitor_m", "min_site_spacing_m",
                     "spend_per_capita", "default_attractiveness", "competitor_attractiveness"):
            value = getattr(self, name)
            _check(_number(value) and value >= 0, f"{name} must be a number ≥ 0, not {value!r}.")
        _check(_number(self.beta) and self.beta < 0,
               "beta must be negative (distance lowers the pull of a store; −2 for convenience goods), "
               f"not {self.beta!r}.")
        _check(_number(self.cutoff_m) and self.cutoff_m > 0, f"cutoff_m must be > 0, not {self.cutoff_m!r}.")
        _check(_number(self.distance_floor_m) and 0 < self.distance_floor_m < self.cutoff_m,
               f"distance_floor_m must be > 0 and below cutoff_m, not {self.distance_floor_m!r}.")
        _check(_number(self.trade_area_min_p) and 0 < self.trade_area_min_p <= 1,
               f"trade_area_min_p must be in (0, 1], not {self.trade_area_min_p!r}.")
        if self.new_site_attractiveness is not None:
            _check(_number(self.new_site_attractiveness) and self.new_site_attractiveness > 0,
                   f"new_site_attractiveness must be > 0, not {self.new_site_attractiveness!r}.")
        if self.target_sales is not None:
            _check(_number(self.target_sales) and self.target_sales > 0,
                   f"target_sales must be > 0, not {self.target_sales!r}.")
        for name in ("n_sites", "max_sites", "max_candidates"):
            value = getattr(self, name)
            _check(isinstance(value, int) and not isinstance(value, bool) and value >= 1,
                   f"{name} must be a whole number ≥ 1, not {value!r}.")
        for name in ("attractiveness_column", "competitor_column", "competitor_layer_column", "consumption_column"):
            value = getattr(self, name)
            _check(value is None or (isinstance(value, str) and value), f"{name} must be a column name.")
        object.__setattr__(self, "channel_attractiveness",
                           _frozen_mapping(self.channel_attractiveness, "channel_attractiveness"))
        weights = _frozen_mapping(self.demand_weights, "demand_weights")
        _check(sum(weights.values()) > 0, "demand_weights must give at least one metric a weight > 0.")
        object.__setattr__(self, "demand_weights", weights)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the project file and TOML (``None`` values are left out)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "SitingParams":
        """Parameters from a ``[siting]`` table; missing keys take the defaults."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"[siting] unknown key(s) {unknown}; known: {sorted(known)}.")
        if "districts" in data and isinstance(data["districts"], list):
            data["districts"] = tuple(data["districts"])
        for name in ("n_sites", "max_sites", "max_candidates"):
            if isinstance(data.get(name), float) and data[name].is_integer():
                data[name] = int(data[name])
        return cls(**data)


__all__ = ["SitingParams", "CANDIDATE_SOURCES", "METHODS", "DEFAULT_CHANNEL_ATTRACTIVENESS",
           "DEFAULT_DEMAND_WEIGHTS"]

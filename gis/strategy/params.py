"""Parameters of the distribution strategy (铺货策略), stored in the project and in TOML ``[strategy]``.

Every rule is data here, so a planner can read and change it:

- visit frequency per tier (visits per month; default A weekly = 4, B every two weeks = 2,
  C monthly = 1, D none = 0);
- the tier cut-offs used only when the scores carry no tier (top 25 % of the district's scores
  = A, next 25 % = B, …);
- segments: their number (``None`` = chosen by silhouette between 3 and 7), the seed, the lift a
  feature needs to name a segment, and the user's own names (``segment_names``: key → name);
- price bands: the catchment consumption level (100 = city average) plus a per-segment shift,
  below ``economy_below`` → economy, from ``premium_from`` → premium, otherwise mainstream;
- promotion rules: an ordered list, the first rule whose conditions all hold gives the outlet
  its promotion and the reason shown beside it;
- assortment: a product is recommended when at least ``min_share`` of at least ``min_peers``
  similar outlets (same segment and tier, and channel with ``peer_by_channel``) carry it and this
  outlet does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping

from gis.errors import ConfigError

TIERS = ("A", "B", "C", "D")
PRICE_BANDS = ("economy", "mainstream", "premium")
PROMOTIONS = ("display", "bundle", "price_off", "sampling", "loyalty")
PROMOTION_NAMES = {
    "display": "display 陈列",
    "bundle": "bundle 组合装",
    "price_off": "price-off 特价",
    "sampling": "sampling 试饮",
    "loyalty": "loyalty 会员积分",
}
DEFAULT_VISITS = {"A": 4.0, "B": 2.0, "C": 1.0, "D": 0.0}
DEFAULT_PRICE_SHIFT = {"office_cbd": 10.0, "tourist": 10.0, "shopping": 5.0, "students": -10.0,
                       "transit": 0.0, "residential_family": -5.0, "dining": 0.0}


def _err(message: str) -> ConfigError:
    return ConfigError(f"[strategy] {message}")


def _number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _mapping(value, what: str, check_number: bool = True) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _err(f"{what} must be a table, not {value!r}.")
    out = {}
    for key, v in value.items():
        if check_number:
            if not _number(v):
                raise _err(f"{what}.{key} must be a number, not {v!r}.")
            v = float(v)
        elif not isinstance(v, str) or not v.strip():
            raise _err(f"{what}.{key} must be a non-empty text, not {v!r}.")
        out[str(key)] = v
    return MappingProxyType(out)


@dataclass(frozen=True)
class PromotionRule:
    """``promotion`` applies when every given condition holds (an empty condition always holds).

    ``min_gap_ratio``/``max_gap_ratio`` bound the gap as a share of potential ((potential − sales)
    / potential); an outlet without a potential fails a gap condition.
    """

    promotion: str
    reason: str
    tiers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()       # segment keys, e.g. "office_cbd"
    price_bands: tuple[str, ...] = ()
    covered: bool | None = None
    min_gap_ratio: float | None = None
    max_gap_ratio: float | None = None

    def __post_init__(self):
        if self.promotion not in PROMOTIONS:
            raise _err(f"promotion rule: promotion must be one of {PROMOTIONS}, not {self.promotion!r}.")
        if not isinstance(self.reason, str) or not self.reason:
            raise _err(f"promotion rule for {self.promotion!r} needs a reason.")
        for name in ("tiers", "segments", "price_bands"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            if not all(isinstance(v, str) for v in value):
                raise _err(f"promotion rule: {name} must be a list of texts.")
            object.__setattr__(self, name, tuple(value))
        bad = [t for t in self.tiers if t not in TIERS]
        if bad:
            raise _err(f"promotion rule: unknown tier(s) {bad}; tiers are {TIERS}.")
        bad = [b for b in self.price_bands if b not in PRICE_BANDS]
        if bad:
            raise _err(f"promotion rule: unknown price band(s) {bad}; bands are {PRICE_BANDS}.")
        if self.covered is not None and not isinstance(self.covered, bool):
            raise _err("promotion rule: covered must be true or false.")
        for name in ("min_gap_ratio", "max_gap_ratio"):
            value = getattr(self, name)
            if value is not None and not _number(value):
                raise _err(f"promotion rule: {name} must be a number.")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PromotionRule":
        if not isinstance(data, Mapping):
            raise _err(f"each promotion rule must be a table, not {data!r}.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise _err(f"promotion rule: unknown key(s) {unknown}; known: {sorted(known)}.")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


DEFAULT_PROMOTION_RULES = (
    PromotionRule("sampling", "prospect outlet: let shoppers try the range before listing 未铺货，先试饮",
                  covered=False),
    PromotionRule("display", "high-tier outlet selling well below its potential: win shelf and secondary "
                  "display 高潜力未达成，争取陈列", tiers=("A", "B"), covered=True, min_gap_ratio=0.25),
    PromotionRule("price_off", "price-sensitive catchment selling below its potential: targeted price-off "
                  "价格敏感且未达潜力，特价拉动", price_bands=("economy",), covered=True, min_gap_ratio=0.25),
    PromotionRule("loyalty", "top outlet at or above its potential: keep it with loyalty rewards "
                  "头部售点已达潜力，会员积分维护", tiers=("A",), covered=True, max_gap_ratio=0.1),
    PromotionRule("bundle", "grab-and-go shoppers (office, transit, campus): meal deals and combo packs "
                  "即买即走客群，组合装", segments=("office_cbd", "transit", "students")),
    PromotionRule("bundle", "family shoppers: multi-packs and family sizes 家庭客群，多连包",
                  segments=("residential_family",)),
    PromotionRule("sampling", "visitors new to the brand: sampling 游客客群，试饮推广", segments=("tourist",)),
    PromotionRule("display", "standard display support 常规陈列支持"),
)


@dataclass(frozen=True)
class StrategyParams:
    """Everything that decides the strategy table; see the module docstring."""

    visits_per_month: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_VISITS))
    tier_cutoffs: tuple[float, ...] = (0.25, 0.5, 0.75)
    # segments
    n_segments: int | None = None
    seed: int = 0
    min_lift: float = 0.5                   # standard deviations above the city to name a segment
    segment_names: Mapping[str, str] = field(default_factory=dict)
    # price bands
    economy_below: float = 90.0
    premium_from: float = 115.0
    segment_price_shift: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_PRICE_SHIFT))
    # promotions
    promotion_rules: tuple[PromotionRule, ...] = DEFAULT_PROMOTION_RULES
    # assortment
    min_share: float = 0.5
    min_peers: int = 5
    max_products: int = 5
    peer_by_channel: bool = True            # peers share the outlet's channel when enough do
    currency: str = "¥"

    def __post_init__(self):
        visits = _mapping(self.visits_per_month, "visits_per_month")
        bad = [t for t in visits if t not in TIERS]
        if bad:
            raise _err(f"visits_per_month: unknown tier(s) {bad}; tiers are {TIERS}.")
        if any(v < 0 for v in visits.values()):
            raise _err("visits_per_month must not be negative.")
        full = {t: visits.get(t, DEFAULT_VISITS[t]) for t in TIERS}   # tiers left out keep their default
        object.__setattr__(self, "visits_per_month", MappingProxyType(full))
        cut = tuple(self.tier_cutoffs)
        if len(cut) != 3 or not all(_number(c) for c in cut) or not 0 < cut[0] < cut[1] < cut[2] < 1:
            raise _err(f"tier_cutoffs must be three increasing shares in (0, 1), not {self.tier_cutoffs!r}.")
        object.__setattr__(self, "tier_cutoffs", tuple(float(c) for c in cut))
        if self.n_segments is not None and (not isinstance(self.n_segments, int) or isinstance(self.n_segments, bool)
                                            or not 1 <= self.n_segments <= 20):
            raise _err(f"n_segments must be a whole number 1…20 (or left out for automatic), not {self.n_segments!r}.")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise _err(f"seed must be a whole number, not {self.seed!r}.")
        if not _number(self.min_lift) or self.min_lift < 0:
            raise _err(f"min_lift must be a number ≥ 0, not {self.min_lift!r}.")
        object.__setattr__(self, "segment_names", _mapping(self.segment_names, "segment_names", check_number=False))
        if not (_number(self.economy_below) and _number(self.premium_from) and self.economy_below < self.premium_from):
            raise _err("economy_below must be a number below premium_from.")
        object.__setattr__(self, "segment_price_shift", _mapping(self.segment_price_shift, "segment_price_shift"))
        rules = tuple(r if isinstance(r, PromotionRule) else PromotionRule.from_dict(r) for r in self.promotion_rules)
        if not rules:
            raise _err("promotion_rules must hold at least one rule (end with a rule without conditions).")
        object.__setattr__(self, "promotion_rules", rules)
        if not _number(self.min_share) or not 0 < self.min_share <= 1:
            raise _err(f"min_share must be in (0, 1], not {self.min_share!r}.")
        for name in ("min_peers", "max_products"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise _err(f"{name} must be a whole number ≥ 1, not {value!r}.")
        if not isinstance(self.peer_by_channel, bool):
            raise _err("peer_by_channel must be true or false.")
        if not isinstance(self.currency, str):
            raise _err("currency must be a text such as ¥.")

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the project file and TOML (``None`` values are left out)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "promotion_rules":
                value = [r.to_dict() for r in value]
            elif isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "StrategyParams":
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise _err(f"unknown key(s) {unknown}; known: {sorted(known)}.")
        if "promotion_rules" in data:
            rules = data["promotion_rules"]
            if not isinstance(rules, (list, tuple)):
                raise _err("promotion_rules must be a list of tables ([[strategy.promotion_rules]]).")
            data["promotion_rules"] = tuple(PromotionRule.from_dict(r) if not isinstance(r, PromotionRule) else r
                                            for r in rules)
        if "tier_cutoffs" in data and isinstance(data["tier_cutoffs"], list):
            data["tier_cutoffs"] = tuple(data["tier_cutoffs"])
        for name in ("n_segments", "min_peers", "max_products", "seed"):
            if isinstance(data.get(name), float) and data[name].is_integer():
                data[name] = int(data[name])
        return cls(**data)


__all__ = ["StrategyParams", "PromotionRule", "DEFAULT_PROMOTION_RULES", "TIERS", "PRICE_BANDS", "PROMOTIONS",
           "PROMOTION_NAMES", "DEFAULT_VISITS"]

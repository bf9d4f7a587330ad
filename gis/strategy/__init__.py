"""Distribution strategy (铺货策略): segments, assortment, price band, promotion and visit frequency."""

from gis.strategy.params import PromotionRule, StrategyParams
from gis.strategy.pipeline import StrategyResult, derive_strategy

__all__ = ["PromotionRule", "StrategyParams", "StrategyResult", "derive_strategy"]

"""Channel classification (渠道识别) for outlets without a channel.

In order of precedence:

1. ``user`` — the channel in the user's data always wins and is kept (confidence 1);
2. ``name`` — keywords in the outlet's name, Chinese and English: retail brands (沃尔玛, 家乐福,
   全家, 罗森, 7-Eleven…) first, then generic words (超市, 便利店, 餐厅, 烟酒…). A brand match is
   0.95 confident, a generic word 0.8; names matching words of different channels are less
   confident (× 0.7) and take the most specific (brand, then longest) match;
3. ``model`` — a small classifier (gradient boosting) trained on the outlets that have a user
   channel, from their catchment features and keyword hits; confidence is its class probability.
   Its held-out accuracy (K-fold) is reported.

Outlets none of these can classify keep ``<NA>`` with ``channel_source`` ``<NA>``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis.scoring.params import CHANNELS

log = logging.getLogger(__name__)

BRAND_CONFIDENCE = 0.95
WORD_CONFIDENCE = 0.8
CONFLICT_FACTOR = 0.7
MIN_LABELLED = 30

# (channel, is_brand, patterns). Patterns are regular expressions matched case-insensitively.
RULES: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("hypermarket", True, ("沃尔玛", "walmart", "wal-mart", "家乐福", "carrefour", "大润发", "rt-mart",
                           "欧尚", "auchan", "麦德龙", "metro", "山姆", "sam'?s club", "开市客", "costco",
                           "世纪联华", "华润万家", "万家mart", "物美", "wumart", "卜蜂莲花", "易初莲花", "lotus",
                           "乐购", "tesco", "人人乐", "百佳", "永旺", "aeon", "伊藤洋华堂", "ito-?yokado",
                           "步步高", "家家悦", "易买得", "e-?mart")),
    ("supermarket", True, ("盒马", "hema", "联华超市", "华联超市", "永辉", "城市超市", "city'?super",
                           "钱大妈", "农工商", "快客超市", "标超")),
    ("convenience", True, ("全家", "familymart", "family mart", "罗森", "lawson", r"7[\s\-－]?(?:eleven|11)\b",
                           r"seven[\s\-]?eleven", "柒一拾壹", "便利蜂", "好德", "可的", "快客", "喜士多",
                           "c-?store", "美宜佳", "易捷", "昆仑好客", "十足", "见福", "天福", "苏宁小店",
                           "唐久", "红旗连锁", "今天便利", "西亚兴", "ok便利", "circle ?k", "ministop")),
    ("catering", True, ("肯德基", "kfc", "麦当劳", "mcdonald", "必胜客", "pizza hut", "星巴克", "starbucks",
                        "瑞幸", "luckin", "汉堡王", "burger king", "海底捞", "喜茶", "奈雪", "蜜雪冰城",
                        "瑞幸咖啡", "沙县小吃", "兰州拉面", "真功夫", "老乡鸡", "华莱士", "塔斯汀", "避风塘",
                        "外婆家", "西贝", "小杨生煎", "和府捞面", "吉野家", "味千")),
    ("hypermarket", False, ("大卖场", "量贩", "购物广场", "hypermarket", "仓储会员店")),
    ("supermarket", False, ("超市", "supermarket", "生鲜", "菜场超市", "超级市场", "grocery", "market")),
    ("convenience", False, ("便利店", "便利", "convenience", "24小时店", r"\bmart\b")),
    ("traditional", False, ("烟酒", "杂货", "小卖部", "小卖", "便民", "便民超市", "便民店", "副食", "食杂",
                            "商店", "商行", "批发部", "士多", "百货店", "小店", "综合店", "烟草", "烟纸店",
                            "烟杂", "tobacco", "kiosk", "报刊亭", "杂货铺", "日杂", "夫妻店")),
    ("catering", False, ("餐厅", "饭店", "小吃", "面馆", "餐馆", "菜馆", "酒家", "酒楼", "火锅", "烧烤",
                         "快餐", "食堂", "咖啡", "奶茶", "茶餐厅", "饺子", "包子", "麻辣烫", "串串", "烤肉",
                         "料理", "米线", "粉店", "粥", "披萨", "汉堡", "炸鸡", "饮品", "茶饮", "甜品",
                         "烘焙", "面包", "食府", "饭馆", "大排档", "小笼", "汤包", "生煎", "馄饨", "锅贴",
                         "冒菜", "烤鱼", "酸菜鱼", "盖浇", "煲仔", "黄焖鸡", "煎饼", "寿司", "点心", "茶楼",
                         "酒吧", "葱油饼", "饼店", "(?:拉|捞|牛肉|小|汤|炒|凉|拌|刀削|担担|热干|臊子|阳春|葱油)面", "restaurant", "cafe", "café", "coffee",
                         "bistro", "diner", "noodle", "bar\\b", "grill", "kitchen", "bakery", "tea\\b")),
    ("other", False, ("药房", "药店", "大药房", "医药", "pharmacy", "drugstore", "母婴", "孕婴", "婴童",
                      "宝贝", "书店", "文具", "加油站", "网吧", "网咖", "ktv", "影院", "影城", "电影",
                      "酒店", "宾馆", "hotel", "洗浴", "台球", "棋牌", "俱乐部", "游泳馆", "体育馆",
                      "美容", "理发", "健身", "gym", "花店", "五金", "手机", "眼镜")),
)
# longer patterns first, so that a rule reports its most specific word ("便民超市" before "便民")
_COMPILED = tuple((ch, brand, re.compile("|".join(f"(?:{p})" for p in sorted(pats, key=len, reverse=True)),
                                         re.IGNORECASE))
                  for ch, brand, pats in RULES)
# word groups exposed to the classifier as keyword-hit features
KEYWORD_GROUPS = tuple(f"kw_{ch}" for ch in CHANNELS)


def keyword_hits(names: pd.Series) -> pd.DataFrame:
    """Per name and channel: 2 for a brand match, 1 for a generic word, 0 for none."""
    text = pd.Series(names, dtype="string").fillna("")
    out = {}
    for ch in CHANNELS:
        hit = np.zeros(len(text))
        for rule_ch, brand, rx in _COMPILED:
            if rule_ch != ch:
                continue
            found = text.str.contains(rx, regex=True).fillna(False).to_numpy(dtype=bool)
            hit = np.maximum(hit, np.where(found, 2.0 if brand else 1.0, 0.0))
        out[f"kw_{ch}"] = hit
    return pd.DataFrame(out, index=text.index)


def classify_by_name(names: pd.Series) -> pd.DataFrame:
    """``channel`` and ``confidence`` from the name alone (``<NA>``/NaN when no keyword matches)."""
    text = pd.Series(names, dtype="string").fillna("")
    n = len(text)
    best = np.full(n, None, dtype=object)
    best_level = np.zeros(n)           # 2 brand, 1 word
    best_len = np.zeros(n)
    channels_hit: list[set] = [set() for _ in range(n)]
    for ch, brand, rx in _COMPILED:
        level = 2.0 if brand else 1.0
        for i, name in enumerate(text.to_numpy()):
            if not name:
                continue
            m = rx.search(name)
            if m is None:
                continue
            length = len(m.group(0))
            channels_hit[i].add(ch)
            if (level, length) > (best_level[i], best_len[i]):
                best[i], best_level[i], best_len[i] = ch, level, length
    conf = np.where(best_level == 2, BRAND_CONFIDENCE, np.where(best_level == 1, WORD_CONFIDENCE, np.nan))
    conflict = np.array([len(s) > 1 for s in channels_hit], dtype=bool)
    # a brand beats generic words of another channel (e.g. "罗森便利超市" is convenience) without doubt
    conf = np.where(conflict & (best_level < 2), conf * CONFLICT_FACTOR, conf)
    return pd.DataFrame({"channel": pd.array(best, dtype="string"), "confidence": conf}, index=text.index)


@dataclass(frozen=True)
class ChannelResult:
    frame: pd.DataFrame            # channel, channel_source, channel_confidence (aligned to outlets)
    report: dict


def classify_channels(outlets: pd.DataFrame, features: pd.DataFrame | None = None, *, folds: int = 5,
                      seed: int = 0, threads: int = 1) -> ChannelResult:
    """Fill in missing channels from names, then from the surroundings; the user's channel wins."""
    n = len(outlets)
    idx = outlets.index
    user = (outlets["channel"].astype("string") if "channel" in outlets else pd.Series(pd.NA, index=idx, dtype="string"))
    user = user.where(user.isin(CHANNELS))
    names = outlets["name"] if "name" in outlets else pd.Series("", index=idx)
    channel = user.copy()
    source = pd.Series(pd.NA, index=idx, dtype="string").mask(user.notna(), "user")
    conf = pd.Series(np.where(user.notna(), 1.0, np.nan), index=idx)
    report: dict = {"user": int(user.notna().sum()), "name": 0, "model": 0, "unclassified": 0, "notes": []}
    todo = user.isna()
    if todo.any():
        by_name = classify_by_name(names[todo])
        hit = by_name["channel"].notna()
        channel.loc[by_name.index[hit]] = by_name.loc[hit, "channel"]
        source.loc[by_name.index[hit]] = "name"
        conf.loc[by_name.index[hit]] = by_name.loc[hit, "confidence"]
        report["name"] = int(hit.sum())
    todo = channel.isna()
    if todo.any():
        labelled = user.notna()
        if labelled.sum() < MIN_LABELLED or user[labelled].nunique() < 2:
            report["notes"].append(
                f"{int(todo.sum())} outlet(s) without a channel and no name keyword; too few outlets with a "
                f"channel ({int(labelled.sum())}, need {MIN_LABELLED} of at least two channels) to learn one.")
        else:
            from gis.scoring.potential import limit_threads

            with limit_threads(threads):
                pred, proba, accuracy = _model_channels(features, names, user, todo, folds, seed)
            channel.loc[todo] = pred
            source.loc[todo] = "model"
            conf.loc[todo] = proba
            report["model"] = int(todo.sum())
            report["model_accuracy_held_out"] = accuracy
            report["notes"].append(f"{int(todo.sum())} channel(s) inferred from surroundings and name "
                                   f"(held-out accuracy {accuracy:.0%} on outlets with a channel).")
    if report["name"]:
        report["notes"].insert(0, f"{report['name']} channel(s) read from outlet names (keywords); "
                                  "see channel_source and channel_confidence.")
    report["unclassified"] = int(channel.isna().sum())
    if report["unclassified"]:
        report["notes"].append(f"{report['unclassified']} outlet(s) without a channel: they use the default weights.")
    frame = pd.DataFrame({"channel": channel.astype("string"), "channel_source": source.astype("string"),
                          "channel_confidence": conf.astype(float)}, index=idx)
    assert len(frame) == n
    return ChannelResult(frame, report)


def _model_channels(features, names, user, todo, folds, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X = keyword_hits(names)
    if features is not None and len(features.columns):
        f = features.drop(columns=[c for c in features.columns if c.startswith("ch_")], errors="ignore")
        X = pd.concat([f.astype(float), X], axis=1)
    X = X.reset_index(drop=True)
    lab = user.notna().to_numpy()
    y = user[user.notna()].to_numpy(dtype=str)
    model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                           min_samples_leaf=max(5, min(20, len(y) // 20)), random_state=seed)
    counts = pd.Series(y).value_counts()
    k = int(min(folds, counts.min())) if counts.min() >= 2 else 0
    accuracy = float("nan")
    if k >= 2:
        cv = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        held = cross_val_predict(model, X[lab], y, cv=cv)
        accuracy = float(np.mean(held == y))
    model.fit(X[lab], y)
    t = todo.to_numpy()
    proba = model.predict_proba(X[t])
    pred = model.classes_[proba.argmax(axis=1)]
    return pred, proba.max(axis=1), accuracy


__all__ = ["RULES", "keyword_hits", "classify_by_name", "classify_channels", "ChannelResult"]

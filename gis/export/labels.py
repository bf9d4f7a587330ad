"""Words of the exports in the user's language: column headers, value names, page texts.

:func:`header` turns a result table's column name into a header (``"net_sales"`` →
``"净增销售额"`` / ``"Net sales"``); unknown columns keep their name, so a table with extra user
columns still exports. :func:`text` holds the sentences of maps, reports and workbooks.
"""

from __future__ import annotations

import re

from gis.maprender.html import CHANNEL_LABELS

TIERS = ("A", "B", "C", "D")

# column -> (中文, English). Units sit in the header of columns the exports convert
# (seconds to minutes, metres to kilometres, seconds since midnight to a time of day).
COLUMNS: dict[str, tuple[str, str]] = {
    # outlets and scores
    "outlet_id": ("售点编号", "Outlet ID"),
    "name": ("名称", "Name"),
    "lat": ("纬度", "Latitude"),
    "lon": ("经度", "Longitude"),
    "district": ("片区", "District"),
    "district_id": ("片区编码", "District ID"),
    "district_name": ("片区", "District"),
    "channel": ("渠道", "Channel"),
    "channel_source": ("渠道来源", "Channel source"),
    "channel_confidence": ("渠道置信度", "Channel confidence"),
    "covered": ("已铺货", "Covered"),
    "sales": ("销售额", "Sales"),
    "score": ("评分", "Score"),
    "potential": ("潜力", "Potential"),
    "potential_low": ("潜力下限", "Potential (low)"),
    "potential_high": ("潜力上限", "Potential (high)"),
    "gap": ("缺口", "Gap"),
    "rank_in_district": ("片区内排名", "Rank in district"),
    "tier": ("等级", "Tier"),
    "tier_stability": ("等级稳定性", "Tier stability"),
    "tied": ("并列", "Tied"),
    "rank_low": ("排名下限", "Rank (best case)"),
    "rank_high": ("排名上限", "Rank (worst case)"),
    "score_sd": ("评分标准差", "Score s.d."),
    "score_demand": ("需求得分", "Demand points"),
    "score_places": ("场所得分", "Places points"),
    "score_competition": ("竞争得分", "Competition points"),
    "score_potential": ("潜力得分", "Potential points"),
    "top_factors": ("主要因素", "Main factors"),
    "potential_factors": ("潜力因素", "Potential factors"),
    "residents": ("居住人口", "Residents"),
    "workers": ("工作人口", "Workers"),
    "visitors": ("到访人口", "Visitors"),
    "population": ("人口", "Population"),
    "heat": ("人口热力", "Population heat"),
    "consumption_index": ("消费指数", "Consumption index"),
    "ta": ("目标人群", "Target audience"),
    "ta_population": ("目标人群", "Target audience"),
    "purchasing_power": ("购买力", "Purchasing power"),
    "own_outlets": ("周边本品售点", "Own outlets nearby"),
    "own_nearest_m": ("最近本品售点（米）", "Nearest own outlet (m)"),
    "open_time": ("营业开始", "Opens"),
    "close_time": ("营业结束", "Closes"),
    "service_min": ("拜访时长（分钟）", "Service (min)"),
    "visits": ("拜访次数", "Visits"),
    "demand": ("需求", "Demand"),
    # districts
    "rank": ("排名", "Rank"),
    "priority_score": ("优先级得分", "Priority score"),
    "outlets_total": ("售点总数", "Outlets"),
    "outlets_covered": ("已铺货售点", "Covered outlets"),
    "outlets_prospect": ("未铺货售点", "Prospects"),
    "coverage_numeric": ("铺货率", "Coverage"),
    "coverage_weighted": ("加权铺货率", "Weighted coverage"),
    "outlets_with_sales": ("有销售售点", "Outlets with sales"),
    "potential_total": ("总潜力", "Total potential"),
    "potential_covered": ("已铺货潜力", "Covered potential"),
    "headroom": ("增长空间", "Headroom"),
    "poi_total": ("POI 总数", "POIs"),
    "competitors": ("竞品数", "Competitors"),
    "cells": ("网格数", "Cells"),
    "sales_per_capita": ("人均销售额", "Sales per capita"),
    # expansion
    "expected_sales": ("预计销售额", "Expected sales"),
    "cannibalized_sales": ("蚕食销售额", "Cannibalized sales"),
    "net_sales": ("净增销售额", "Net new sales"),
    "reasons": ("理由", "Reasons"),
    "nearby_covered": ("周边已铺货售点", "Covered outlets nearby"),
    "nearest_covered_m": ("最近已铺货售点（米）", "Nearest covered outlet (m)"),
    # sites and trade areas
    "site_id": ("点位编号", "Site ID"),
    "cell": ("H3 网格", "H3 cell"),
    "chosen": ("入选", "Chosen"),
    "pick_order": ("入选顺序", "Pick order"),
    "marginal_net_sales": ("边际净增销售额", "Marginal net sales"),
    "sales_in_plan": ("方案内销售额", "Sales in plan"),
    "probability": ("光顾概率", "Probability"),
    "spend": ("消费额", "Spend"),
    "trade_area_cells": ("商圈网格数", "Trade-area cells"),
    # strategy
    "segment": ("细分", "Segment"),
    "segment_key": ("细分代码", "Segment key"),
    "price_band": ("价格带", "Price band"),
    "promotion": ("促销", "Promotion"),
    "visits_per_month": ("月拜访次数", "Visits per month"),
    "recommended_products": ("推荐产品", "Recommended products"),
    "priority": ("优先顺序", "Priority"),
    "opportunity": ("机会值", "Opportunity"),
    "evidence": ("依据", "Evidence"),
    "price_reason": ("定价理由", "Price reason"),
    "promotion_reason": ("促销理由", "Promotion reason"),
    # routes and reps
    "rep_id": ("业务员编号", "Rep ID"),
    "rep_name": ("业务员", "Rep"),
    "day": ("第几天", "Day"),
    "date": ("日期", "Date"),
    "seq": ("顺序", "Stop"),
    "arrival": ("到达时间", "Arrival"),
    "start": ("开始时间", "Start"),
    "departure": ("离开时间", "Departure"),
    "wait_s": ("等待（分钟）", "Wait (min)"),
    "travel_s": ("行驶时间（分钟）", "Travel (min)"),
    "travel_m": ("行驶距离（公里）", "Distance (km)"),
    "service_s": ("拜访时间（分钟）", "Service (min)"),
    "working_s": ("工作时间（分钟）", "Working (min)"),
    "break_before": ("途中午休", "Break before"),
    "leave": ("出发时间", "Leaves"),
    "back": ("返回时间", "Back"),
    "break_start": ("午休开始", "Break starts"),
    "violations": ("违反约束", "Violations"),
    "visits_missing": ("未排拜访", "Visits not planned"),
    "reason": ("原因", "Reason"),
    "stops": ("站点数", "Stops"),
    "outlets": ("售点数", "Outlets"),
    "days": ("出勤天数", "Days"),
    "shift_start": ("上班时间", "Shift starts"),
    "shift_end": ("下班时间", "Shift ends"),
}

_PATTERNS: tuple[tuple[str, tuple[str, str]], ...] = (
    (r"^outlets_(\w+)$", ("{ch}售点", "{Ch} outlets")),
    (r"^covered_(\w+)$", ("{ch}已铺货", "{Ch} covered")),
    (r"^prospects_(\w+)$", ("{ch}未铺货", "{Ch} prospects")),
    (r"^ch_(\w+)$", ("渠道·{ch}", "Channel: {ch_en}")),
    (r"^poi_(\w+)_share$", ("{poi}占比", "{Poi} share")),
    (r"^poi_(\w+)$", ("{poi}", "{Poi} POIs")),
    (r"^pts_(\w+)$", ("得分·{metric}", "Points: {metric}")),
)

POI_LABELS = {"food": ("餐饮 POI", "food"), "retail": ("零售 POI", "retail"), "office": ("办公 POI", "office"),
              "school": ("学校 POI", "school"), "transit": ("交通 POI", "transit"),
              "tourism": ("旅游 POI", "tourism"), "hotel": ("酒店 POI", "hotel"),
              "competitor": ("竞品", "competitor")}


def header(column: str, lang: str = "zh") -> str:
    """The header of ``column`` in ``lang`` (the column's own name when it is not known)."""
    i = 0 if lang == "zh" else 1
    if column in COLUMNS:
        return COLUMNS[column][i]
    for pattern, (zh, en) in _PATTERNS:
        m = re.match(pattern, column)
        if not m:
            continue
        key = m.group(1)
        if pattern.startswith("^pts_"):
            inner = header(key, lang)
            return (zh if i == 0 else en).format(metric=inner)
        if pattern.startswith("^poi_"):
            if key not in POI_LABELS:
                continue
            zh_name, en_name = POI_LABELS[key]
            return zh.format(poi=zh_name) if i == 0 else en.format(Poi=en_name.capitalize())
        if key not in CHANNEL_LABELS["zh"]:
            continue
        ch = CHANNEL_LABELS["zh"][key]
        ch_en = CHANNEL_LABELS["en"][key]
        return zh.format(ch=ch) if i == 0 else en.format(Ch=ch_en, ch_en=ch_en)
    return column


def channel(code, lang: str = "zh") -> str:
    """A channel's display name ("supermarket" → "超市"); unknown codes unchanged, missing → ""."""
    if is_missing(code):
        return ""
    return CHANNEL_LABELS[lang].get(str(code), str(code))


def is_missing(value) -> bool:
    """None, NaN, pd.NA or NaT (False for anything pandas cannot judge, such as a list)."""
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def yes_no(value, lang: str = "zh") -> str:
    if is_missing(value):
        return ""
    return ("是" if value else "否") if lang == "zh" else ("Yes" if value else "No")


TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "app": "StorePlan 门店与渠道规划",
        "report_title": "管理层报告",
        "report_subtitle": "片区洞察 · 售点评分 · 拓展名单 · 选址 · 铺货策略 · 拜访执行",
        "district_pack": "片区报告",
        "whole_area": "全部片区",
        "prepared": "编制日期",
        "scope": "范围",
        "kpis": "核心指标",
        "findings": "要点",
        "ranking": "片区排名",
        "district": "片区",
        "top_outlets": "重点售点（评分最高）",
        "expansion": "拓展名单",
        "sites": "选定点位",
        "rep_coverage": "业务员覆盖",
        "methods": "方法与数据来源",
        "missing": "未包含的内容",
        "missing_note": "以下分析结果在导出时尚未生成，相应部分已省略：",
        "not_run": "尚未运行",
        "page": "第 {n} 页 / 共 {total} 页",
        "source": "数据来源",
        "source_note": "数据来源：{sources}",
        "made_with": "StorePlan 制图",
        "no_data": "无数据",
        "outlets": "售点",
        "outlets_total": "售点总数",
        "covered": "已铺货",
        "prospect": "未铺货",
        "coverage": "铺货率",
        "sales": "销售额",
        "potential": "潜力",
        "headroom": "增长空间",
        "expansion_n": "拓展名单售点",
        "expansion_sales": "拓展预计净增",
        "sites_n": "选定点位",
        "sites_sales": "新店净增销售额",
        "reps": "业务员",
        "visits": "计划拜访",
        "travel": "行驶时间",
        "unscheduled": "未排拜访",
        "hours": "{v} 小时",
        "priority": "优先级",
        "tier": "等级",
        "tiers": "售点等级",
        "channels": "渠道",
        "chosen_site": "选定点位",
        "trade_area": "商圈",
        "routes": "拜访路线",
        "home": "出发点",
        "expansion_mark": "拓展名单（前 {n} 名）",
        "district_outline": "片区边界",
        "scale_km": "{v} 公里",
        "scale_m": "{v} 米",
        "north": "北",
        "legend": "图例",
        "more": "另有 {n} 项",
        "grid_metric": "网格：{metric}",
        "rank_of": "第 {rank} 名 / 共 {total} 个片区",
        "finding_top": "优先级最高的片区：{names}。",
        "finding_headroom": "增长空间最大的片区是{name}，约 {v}。",
        "finding_expansion": "拓展名单共 {n} 家未铺货售点，预计净增销售额 {v}。",
        "finding_sites": "选定 {n} 个新店点位，预计净增销售额 {v}，蚕食自有门店 {c}。",
        "finding_routes": "{reps} 名业务员在 {days} 个工作日内计划拜访 {visits} 次，未能排入 {missing} 次。",
        "finding_coverage": "整体铺货率 {v}（{covered} / {total} 家售点）。",
        "nothing_to_show": "此部分没有可显示的数据。",
        "strategy": "铺货策略（按细分）",
        "group_market": "市场与覆盖",
        "group_growth": "拓展与选址",
        "group_field": "拜访执行",
        "cannibalized": "蚕食自有门店",
        "working_days": "工作日",
        "chart_headroom": "各片区增长空间",
        "parameters": "分析参数",
        "inputs": "输入数据",
        "file": "文件",
        "rows": "读取行数",
        "usable": "可用行数",
        "crs": "坐标系",
        "stage_notes": "分析说明",
        "grid_resolution": "H3 网格分辨率 {res}（平均单元约 {area} 平方公里）",
        "none_chosen": "没有选定点位。",
        "travel_km": "行驶（公里）",
        "summary": "概览",
        "project": "项目",
        "sheet": "工作表",
        "rows_n": "行数",
        "truncated": "仅包含前 {n} 行（Excel 上限）",
    },
    "en": {
        "app": "StorePlan store and channel planning",
        "report_title": "Executive report",
        "report_subtitle": "District insight · Outlet scoring · Expansion · Siting · Distribution · Field execution",
        "district_pack": "District pack",
        "whole_area": "All districts",
        "prepared": "Prepared",
        "scope": "Scope",
        "kpis": "Headline figures",
        "findings": "Key findings",
        "ranking": "District ranking",
        "district": "District",
        "top_outlets": "Top outlets (highest scores)",
        "expansion": "Expansion list",
        "sites": "Chosen sites",
        "rep_coverage": "Rep coverage",
        "methods": "Methods and data sources",
        "missing": "Not included",
        "missing_note": "These analysis results did not exist when the report was made; their sections are left out:",
        "not_run": "not run",
        "page": "Page {n} of {total}",
        "source": "Source",
        "source_note": "Source: {sources}",
        "made_with": "Made with StorePlan",
        "no_data": "No data",
        "outlets": "Outlets",
        "outlets_total": "Outlets",
        "covered": "Covered",
        "prospect": "Prospect",
        "coverage": "Coverage",
        "sales": "Sales",
        "potential": "Potential",
        "headroom": "Headroom",
        "expansion_n": "Expansion outlets",
        "expansion_sales": "Expansion net sales",
        "sites_n": "Chosen sites",
        "sites_sales": "New-store net sales",
        "reps": "Reps",
        "visits": "Planned visits",
        "travel": "Travel time",
        "unscheduled": "Visits not planned",
        "hours": "{v} h",
        "priority": "Priority",
        "tier": "Tier",
        "tiers": "Outlet tier",
        "channels": "Channel",
        "chosen_site": "Chosen site",
        "trade_area": "Trade area",
        "routes": "Routes",
        "home": "Home base",
        "expansion_mark": "Expansion list (top {n})",
        "district_outline": "District boundary",
        "scale_km": "{v} km",
        "scale_m": "{v} m",
        "north": "N",
        "legend": "Legend",
        "more": "{n} more",
        "grid_metric": "Grid: {metric}",
        "rank_of": "Rank {rank} of {total} districts",
        "finding_top": "Highest-priority districts: {names}.",
        "finding_headroom": "{name} has the largest headroom, about {v}.",
        "finding_expansion": "The expansion list holds {n} prospects with {v} expected net new sales.",
        "finding_sites": "{n} new store sites chosen: {v} net new sales, {c} taken from own stores.",
        "finding_routes": "{reps} reps plan {visits} visits over {days} working days; {missing} could not be planned.",
        "finding_coverage": "Overall coverage {v} ({covered} of {total} outlets).",
        "nothing_to_show": "Nothing to show in this section.",
        "strategy": "Distribution strategy by segment",
        "group_market": "Market and coverage",
        "group_growth": "Expansion and siting",
        "group_field": "Field execution",
        "cannibalized": "Taken from own stores",
        "working_days": "Working days",
        "chart_headroom": "Headroom by district",
        "parameters": "Parameters",
        "inputs": "Input data",
        "file": "File",
        "rows": "Rows read",
        "usable": "Rows usable",
        "crs": "Coordinates",
        "stage_notes": "Analysis notes",
        "grid_resolution": "H3 resolution {res} (cells of about {area} km² on average)",
        "none_chosen": "No site was chosen.",
        "travel_km": "Travel (km)",
        "summary": "Summary",
        "project": "Project",
        "sheet": "Sheet",
        "rows_n": "Rows",
        "truncated": "first {n} rows only (the Excel limit)",
    },
}

# Result tables by name, for "not included" notes.
RESULT_NAMES: dict[str, tuple[str, str]] = {
    "district_ranking": ("片区排名（片区洞察）", "district ranking (district insight)"),
    "outlet_scores": ("售点评分", "outlet scores"),
    "expansion_list": ("拓展名单", "expansion list"),
    "sites": ("选址", "store siting"),
    "trade_areas": ("商圈", "trade areas"),
    "outlet_strategy": ("铺货策略", "distribution strategy"),
    "routes": ("拜访路线", "routes"),
    "rep_summary": ("业务员汇总", "rep summary"),
    "unscheduled": ("未排拜访", "visits not planned"),
}


def text(key: str, lang: str = "zh", **values) -> str:
    template = TEXTS[lang][key]
    return template.format(**values) if values else template


def result_name(name: str, lang: str = "zh") -> str:
    pair = RESULT_NAMES.get(name)
    return pair[0 if lang == "zh" else 1] if pair else name


# ---------------------------------------------------------------------------------------------
# numbers as an executive reads them


def _finite(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None


def integer(value) -> str:
    v = _finite(value)
    return "–" if v is None else f"{v:,.0f}"


def number(value, digits: int = 1) -> str:
    v = _finite(value)
    return "–" if v is None else f"{v:,.{digits}f}"


def percent(value, digits: int = 1) -> str:
    """0.6275 → "62.8%"."""
    v = _finite(value)
    return "–" if v is None else f"{v * 100:.{digits}f}%"


def amount(value, lang: str = "zh") -> str:
    """Money and other large amounts, short: 43,185,154 → "4,318.5 万" / "43.2 M"."""
    v = _finite(value)
    if v is None:
        return "–"
    a = abs(v)
    if lang == "zh":
        if a >= 1e8:
            return f"{v / 1e8:,.2f} 亿"
        if a >= 1e4:
            return f"{v / 1e4:,.1f} 万"
        return f"{v:,.0f}"
    if a >= 1e9:
        return f"{v / 1e9:,.2f} bn"
    if a >= 1e6:
        return f"{v / 1e6:,.1f} M"
    if a >= 1e4:
        return f"{v / 1e3:,.0f} k"
    return f"{v:,.0f}"

"""Display names for the core's codes (tables, columns, stages, channels, tiers), translated.

The core speaks in stable English codes (``outlet_scores``, ``net_sales``, ``convenience``); the
interface shows these names in the user's language. Codes without a name are shown as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def yes_no(value: bool) -> str:
    return QCoreApplication.translate("Labels", "yes") if value else QCoreApplication.translate("Labels", "no")


def tables() -> dict[str, str]:
    return {
        "outlets": QCoreApplication.translate("Labels", "Outlets"),
        "reps": QCoreApplication.translate("Labels", "Reps"),
        "districts": QCoreApplication.translate("Labels", "Districts"),
        "matrix": QCoreApplication.translate("Labels", "Travel matrix"),
        "sales_lines": QCoreApplication.translate("Labels", "Sales lines"),
        "candidates": QCoreApplication.translate("Labels", "Candidate sites"),
        "grid": QCoreApplication.translate("Labels", "H3 grid layer"),
        "district_ranking": QCoreApplication.translate("Labels", "District ranking"),
        "outlet_scores": QCoreApplication.translate("Labels", "Outlet scores"),
        "expansion_list": QCoreApplication.translate("Labels", "Expansion list"),
        "sites": QCoreApplication.translate("Labels", "Sites"),
        "trade_areas": QCoreApplication.translate("Labels", "Trade areas"),
        "outlet_strategy": QCoreApplication.translate("Labels", "Outlet strategy"),
        "territories": QCoreApplication.translate("Labels", "Territories"),
        "routes": QCoreApplication.translate("Labels", "Routes"),
        "rep_summary": QCoreApplication.translate("Labels", "Rep summary"),
        "unscheduled": QCoreApplication.translate("Labels", "Unscheduled visits"),
    }


def table(name: str) -> str:
    return tables().get(name, name)


def stages() -> dict[str, str]:
    return {
        "insight": QCoreApplication.translate("Labels", "District insight"),
        "scoring": QCoreApplication.translate("Labels", "Outlet scoring"),
        "expansion": QCoreApplication.translate("Labels", "Expansion list"),
        "siting": QCoreApplication.translate("Labels", "Store siting"),
        "strategy": QCoreApplication.translate("Labels", "Distribution strategy"),
        "routing": QCoreApplication.translate("Labels", "Field planning"),
    }


def stage(name: str) -> str:
    return stages().get(name, name)


def channels() -> dict[str, str]:
    return {
        "hypermarket": QCoreApplication.translate("Labels", "Hypermarket"),
        "supermarket": QCoreApplication.translate("Labels", "Supermarket"),
        "convenience": QCoreApplication.translate("Labels", "Convenience store"),
        "traditional": QCoreApplication.translate("Labels", "Traditional trade"),
        "catering": QCoreApplication.translate("Labels", "Catering"),
        "other": QCoreApplication.translate("Labels", "Other"),
        "default": QCoreApplication.translate("Labels", "Default (all channels)"),
    }


def channel(code: str) -> str:
    return channels().get(code, code)


def kinds() -> dict[str, str]:
    return {
        "outlet": QCoreApplication.translate("Labels", "Outlet"),
        "cell": QCoreApplication.translate("Labels", "H3 cell"),
        "district": QCoreApplication.translate("Labels", "District"),
        "site": QCoreApplication.translate("Labels", "Site"),
        "stop": QCoreApplication.translate("Labels", "Route stop"),
    }


def crs_names() -> dict[str, str]:
    return {
        "wgs84": QCoreApplication.translate("Labels", "WGS-84 (GPS, OpenStreetMap)"),
        "gcj02": QCoreApplication.translate("Labels", "GCJ-02 (AMap, Tencent)"),
        "bd09": QCoreApplication.translate("Labels", "BD-09 (Baidu)"),
    }


def _columns() -> dict[str, str]:
    return {
        "outlet_id": QCoreApplication.translate("Labels", "Outlet ID"),
        "name": QCoreApplication.translate("Labels", "Name"),
        "lat": QCoreApplication.translate("Labels", "Latitude"),
        "lon": QCoreApplication.translate("Labels", "Longitude"),
        "channel": QCoreApplication.translate("Labels", "Channel"),
        "covered": QCoreApplication.translate("Labels", "Covered"),
        "sales": QCoreApplication.translate("Labels", "Sales"),
        "district": QCoreApplication.translate("Labels", "District"),
        "district_id": QCoreApplication.translate("Labels", "District ID"),
        "open_time": QCoreApplication.translate("Labels", "Opens"),
        "close_time": QCoreApplication.translate("Labels", "Closes"),
        "service_min": QCoreApplication.translate("Labels", "Service (min)"),
        "visits": QCoreApplication.translate("Labels", "Visits"),
        "demand": QCoreApplication.translate("Labels", "Demand"),
        "rep_id": QCoreApplication.translate("Labels", "Rep ID"),
        "shift_start": QCoreApplication.translate("Labels", "Shift start"),
        "shift_end": QCoreApplication.translate("Labels", "Shift end"),
        "rank": QCoreApplication.translate("Labels", "Rank"),
        "priority_score": QCoreApplication.translate("Labels", "Priority score"),
        "score": QCoreApplication.translate("Labels", "Score"),
        "potential": QCoreApplication.translate("Labels", "Potential"),
        "potential_low": QCoreApplication.translate("Labels", "Potential (low)"),
        "potential_high": QCoreApplication.translate("Labels", "Potential (high)"),
        "gap": QCoreApplication.translate("Labels", "Gap"),
        "rank_in_district": QCoreApplication.translate("Labels", "Rank in district"),
        "tier": QCoreApplication.translate("Labels", "Tier"),
        "expected_sales": QCoreApplication.translate("Labels", "Expected sales"),
        "cannibalized_sales": QCoreApplication.translate("Labels", "Cannibalised sales"),
        "net_sales": QCoreApplication.translate("Labels", "Net sales"),
        "site_id": QCoreApplication.translate("Labels", "Site ID"),
        "chosen": QCoreApplication.translate("Labels", "Chosen"),
        "segment": QCoreApplication.translate("Labels", "Segment"),
        "price_band": QCoreApplication.translate("Labels", "Price band"),
        "promotion": QCoreApplication.translate("Labels", "Promotion"),
        "visits_per_month": QCoreApplication.translate("Labels", "Visits per month"),
        "recommended_products": QCoreApplication.translate("Labels", "Recommended products"),
        "day": QCoreApplication.translate("Labels", "Day"),
        "seq": QCoreApplication.translate("Labels", "Stop"),
        "arrival": QCoreApplication.translate("Labels", "Arrival"),
        "start": QCoreApplication.translate("Labels", "Start"),
        "departure": QCoreApplication.translate("Labels", "Departure"),
        "travel_s": QCoreApplication.translate("Labels", "Travel (s)"),
        "travel_m": QCoreApplication.translate("Labels", "Travel (m)"),
        "visits_missing": QCoreApplication.translate("Labels", "Visits missing"),
        "reason": QCoreApplication.translate("Labels", "Reason"),
        "residents": QCoreApplication.translate("Labels", "Residents"),
        "workers": QCoreApplication.translate("Labels", "Workers"),
        "visitors": QCoreApplication.translate("Labels", "Visitors"),
        "consumption_index": QCoreApplication.translate("Labels", "Consumption index"),
        "ta": QCoreApplication.translate("Labels", "Target audience"),
        "purchasing_power": QCoreApplication.translate("Labels", "Purchasing power"),
        "coverage": QCoreApplication.translate("Labels", "Coverage"),
        "headroom": QCoreApplication.translate("Labels", "Headroom"),
        "row": QCoreApplication.translate("Labels", "Row"),
        "column": QCoreApplication.translate("Labels", "Column"),
        "value": QCoreApplication.translate("Labels", "Value"),
        "action": QCoreApplication.translate("Labels", "Action"),
        "detail": QCoreApplication.translate("Labels", "Detail"),
        "explanation": QCoreApplication.translate("Labels", "Explanation"),
    }


def _language() -> str:
    from PySide6.QtCore import QLocale

    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def column(code: str) -> str:
    """A column's header: the interface's own name, else the exports' (which also knows patterns
    such as ``outlets_<channel>``), else the code itself."""
    known = _columns().get(code)
    if known is not None:
        return known
    from gis.export.labels import header

    return header(code, _language())


def metric(code: str) -> str:
    """Grid metrics and score features share the column names where they exist."""
    return column(code)

"""Which source column holds which of our fields: header synonyms (English and Chinese) per kind.

Headers are compared after normalising: full-width characters folded (NFKC), lower case, spaces,
underscores, hyphens and dots removed. Matching runs in passes, each over every field before the
next pass starts: exact synonym, then the header without a bracketed unit ("销售额(元)"), then
without a coordinate-system tag ("lng_gcj02", "经度(高德)"), then, for longitude, latitude and sales
only, a header that contains the word ("门店经度", "本季度销售额", but not the month column
"销售额_2025-12"). Generic synonyms ("id", "x", "名称", "type") wait until every specific synonym
had its chance. Within a pass a field takes the header matching its earliest (most specific)
synonym, and a header serves one field only.

Pseudo-fields: ``lonlat``/``latlon`` (one column "121.47,31.23"), ``hours`` (one column
"08:00-22:00"), ``geometry`` (WKT text), ``minutes``/``km`` (matrix units converted to seconds and
metres).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from gis.errors import ColumnMappingError

KINDS = ("outlets", "reps", "districts", "grid", "matrix", "sales_lines")

_OUTLET_ID = ("outlet_id", "outletid", "store_id", "shop_id", "poi_id", "store_code", "outlet_code",
              "shop_code", "customer_id", "customer_code", "门店编号", "门店编码", "门店id", "门店代码",
              "网点编号", "网点编码", "售点编号", "售点编码", "售点id", "终端编号", "终端编码", "店铺编号",
              "店铺编码", "客户编码", "客户编号", "客户代码", "客户id", "店号", "门店号", "id", "编号", "编码",
              "代码", "code")
_LON = ("lon", "lng", "long", "longitude", "经度", "x坐标", "x")
_LAT = ("lat", "latitude", "纬度", "y坐标", "y")
_LONLAT = ("lonlat", "lnglat", "经纬度", "坐标", "经纬度坐标", "位置坐标", "坐标(经度,纬度)", "location",
           "coordinates", "coordinate", "coords", "gps")
_LATLON = ("latlon", "latlng", "纬经度", "纬度经度", "坐标(纬度,经度)")
_GEOMETRY = ("geometry", "wkt", "geom", "the_geom", "shape", "几何", "边界", "范围", "轮廓")

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "outlets": {
        "outlet_id": _OUTLET_ID,
        "name": ("name", "outlet_name", "store_name", "shop_name", "customer_name", "门店名称", "店名",
                 "售点名称", "网点名称", "终端名称", "店铺名称", "客户名称", "名称", "门店", "店铺"),
        "lon": _LON, "lat": _LAT, "lonlat": _LONLAT, "latlon": _LATLON,
        "channel": ("channel", "outlet_type", "store_type", "shop_type", "channel_type", "渠道", "渠道类型",
                    "渠道名称", "业态", "门店类型", "门店业态", "售点类型", "终端类型", "店铺类型", "网点类型",
                    "类型", "type"),
        "covered": ("covered", "is_covered", "coverage", "distributed", "是否铺货", "铺货", "铺货状态",
                    "是否已铺货", "已铺货", "合作状态", "是否合作", "是否覆盖", "覆盖状态"),
        "sales": ("sales", "revenue", "sales_amount", "turnover", "销售额", "销量金额", "月均销售额",
                  "年销售额", "月销售额", "销售金额", "营业额", "近12月销售额", "近12个月销售额", "近一年销售额",
                  "全年销售额", "年度销售额", "总销售额", "累计销售额", "sales_value", "销量", "amount"),
        "district": ("district", "区县", "所属区县", "区", "片区", "所属片区", "行政区", "所在区", "区域",
                     "county", "region"),
        "open_time": ("open_time", "opening_time", "open", "opens", "opentime", "营业时间(开始)",
                      "营业开始", "营业开始时间", "开门时间", "开店时间", "开始营业时间"),
        "close_time": ("close_time", "closing_time", "close", "closes", "closetime", "营业时间(结束)",
                       "营业结束", "营业结束时间", "关门时间", "打烊时间", "闭店时间", "结束营业时间"),
        "hours": ("hours", "opening_hours", "business_hours", "营业时间", "营业时段"),
        "service_min": ("service_min", "service_minutes", "service_time", "visit_duration", "service",
                        "拜访时长", "服务时长", "拜访时长(分钟)", "服务时间", "停留时长", "拜访用时"),
        "visits": ("visits", "visit_frequency", "visit_freq", "frequency", "拜访次数", "拜访频次",
                   "拜访频率", "频次"),
        "demand": ("demand", "order_qty", "order_quantity", "需求", "需求量", "订货量", "订单量"),
    },
    "reps": {
        "rep_id": ("rep_id", "repid", "employee_id", "staff_id", "salesman_id", "业务员编号", "业务员id",
                   "业务员工号", "工号", "员工编号", "员工工号", "业代编号", "人员编号", "id", "编号", "编码",
                   "code"),
        "name": ("name", "rep_name", "业务员姓名", "业务员名称", "业务员", "姓名", "名称", "员工姓名"),
        "lon": ("home_lon", "home_lng", "start_lon", "start_lng", "起点经度", "出发经度", "驻地经度",
                "家庭经度") + _LON,
        "lat": ("home_lat", "start_lat", "起点纬度", "出发纬度", "驻地纬度", "家庭纬度") + _LAT,
        "lonlat": _LONLAT, "latlon": _LATLON,
        "shift_start": ("shift_start", "work_start", "start_time", "start", "上班时间", "开始时间",
                        "工作开始", "工作开始时间"),
        "shift_end": ("shift_end", "work_end", "end_time", "end", "下班时间", "结束时间", "工作结束",
                      "工作结束时间"),
        "end_lon": ("end_lon", "end_lng", "终点经度", "返回经度"),
        "end_lat": ("end_lat", "终点纬度", "返回纬度"),
        "capacity": ("capacity", "max_visits", "容量", "每日拜访上限", "最大拜访数", "拜访上限"),
        "break_start": ("break_start", "lunch_start", "午休开始", "休息开始", "午休开始时间"),
        "break_end": ("break_end", "lunch_end", "午休结束", "休息结束", "午休结束时间"),
        "break_min": ("break_min", "break_minutes", "break", "休息时长", "午休时长"),
        "days": ("days", "work_days", "workdays", "weekdays", "工作日", "出勤日", "上班日", "工作日期"),
    },
    "districts": {
        "district_id": ("district_id", "adcode", "ad_code", "区划代码", "行政区划代码", "区县编码",
                        "区县代码", "片区编号", "片区编码", "code", "id", "编码", "代码", "编号"),
        "name": ("name", "district_name", "district", "区县名称", "片区名称", "行政区名称", "名称", "区县",
                 "片区", "行政区", "区"),
        "geometry": _GEOMETRY,
    },
    "grid": {
        "cell": ("cell", "h3", "h3_index", "h3index", "h3_cell", "h3cell", "h3_id", "h3id", "hex_id",
                 "hexid", "hex", "h3编码", "格网编码", "网格编码", "格网id", "网格id", "蜂窝编码"),
        "lon": _LON, "lat": _LAT, "lonlat": _LONLAT, "latlon": _LATLON,
        "geometry": _GEOMETRY,
    },
    "matrix": {
        "from_id": ("from_id", "from", "origin", "origin_id", "source", "src", "起点", "起点编号",
                    "起点id", "出发点", "o"),
        "to_id": ("to_id", "to", "destination", "destination_id", "dest", "dest_id", "target", "终点",
                  "终点编号", "终点id", "目的地", "d"),
        "seconds": ("seconds", "secs", "duration_s", "time_s", "travel_time", "duration", "秒", "时间(秒)",
                    "时长(秒)", "耗时(秒)", "行驶时间(秒)", "通行时间", "时间(s)", "time"),
        "minutes": ("minutes", "mins", "duration_min", "time_min", "分钟", "时间(分钟)", "时长(分钟)",
                    "耗时(分钟)", "时间(min)"),
        "meters": ("meters", "metres", "distance_m", "distance", "dist", "米", "距离(米)", "距离(m)",
                   "距离"),
        "km": ("km", "kilometers", "kilometres", "distance_km", "公里", "千米", "距离(公里)", "距离(km)"),
    },
    "sales_lines": {
        "outlet_id": _OUTLET_ID,
        "product": ("product", "sku", "sku_name", "product_name", "item", "item_name", "商品名称", "产品名称",
                    "商品", "产品", "品名", "sku名称", "sku_id", "商品编码", "产品编码", "货号"),
        "category": ("category", "product_category", "品类", "类别", "产品类别", "商品类别", "品类名称",
                     "大类"),
        "price": ("price", "unit_price", "单价", "价格", "售价", "零售价"),
        "period": ("period", "month", "date", "月份", "年月", "日期", "销售月份", "期间", "月", "yearmonth"),
        "quantity": ("quantity", "qty", "volume", "units", "数量", "销量", "销售数量", "件数", "箱数"),
        "amount": ("amount", "sales", "revenue", "sales_amount", "金额", "销售额", "销售金额", "含税金额"),
    },
}

# Fields that must be present (alternatives inside a tuple). Coordinates may come as lon+lat,
# one combined column or point geometry.
_COORDS = (("lon", "lat"), ("lonlat",), ("latlon",), ("geometry",))
REQUIRED: dict[str, tuple[tuple[tuple[str, ...], ...], ...]] = {
    "outlets": ((("outlet_id",),), _COORDS),
    "reps": ((("rep_id",),), _COORDS),
    "districts": ((("geometry",),),),
    "grid": (((("cell",),) + _COORDS),),
    "matrix": ((("from_id",),), (("to_id",),), (("seconds",), ("minutes",))),
    "sales_lines": ((("outlet_id",),), (("product",),), (("quantity",), ("amount",))),
}

_CRS_TAGS = (("bd09", "bd09"), ("bd", "bd09"), ("百度", "bd09"), ("gcj02", "gcj02"), ("gcj", "gcj02"),
             ("高德", "gcj02"), ("腾讯", "gcj02"), ("火星", "gcj02"), ("amap", "gcj02"), ("gaode", "gcj02"),
             ("wgs84", "wgs84"), ("wgs", "wgs84"), ("gps", "wgs84"))
_COORD_FIELDS = ("lon", "lat", "lonlat", "latlon", "end_lon", "end_lat")
# Generic synonyms match only after every specific one had its chance ("x" loses to "lng_gcj02").
_WEAK = frozenset({"x", "y", "o", "d", "id", "编号", "编码", "代码", "code", "type", "类型", "名称", "区",
                   "time", "date", "月", "start", "end", "open", "close", "service", "hex", "shape",
                   "geom", "distance", "duration", "dist", "区域", "region", "frequency", "频次", "门店",
                   "店铺", "gps", "location", "sales", "amount", "long"})


def normalise_header(header) -> str:
    """Header key for matching: NFKC, lower case, no spaces, underscores, hyphens or dots."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    return re.sub(r"[\s_\-.·]+", "", text)


def _strip_brackets(key: str) -> str:
    return re.sub(r"[(\[【{<〔].*?[)\]】}>〕]", "", key)


def _strip_crs(key: str) -> tuple[str, str | None]:
    stripped = _strip_brackets(key) if _strip_brackets(key) else key
    for tag, crs in _CRS_TAGS:
        if tag in key:
            return stripped.replace(tag, ""), crs
    return stripped, None


def fields_of(kind: str) -> tuple[str, ...]:
    check_kind(kind)
    return tuple(SYNONYMS[kind])


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Mapping:
    """Our field -> source header, how each was found, and a coordinate system named in a header."""

    fields: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    crs_hint: str | None = None
    crs_hint_header: str | None = None


def detect_columns(headers, kind: str) -> dict[str, str]:
    """Automatic mapping our field name -> source header for a kind."""
    return dict(_detect(list(headers), kind, given={})[0])


def _detect(headers: list[str], kind: str, given: dict[str, str], skip: frozenset = frozenset()):
    """Auto-detected fields not in ``given`` (fields already mapped), and a coordinate-system hint."""
    check_kind(kind)
    synonyms = SYNONYMS[kind]
    keys = {h: normalise_header(h) for h in headers}
    taken = set(given.values())
    found: dict[str, str] = {}
    hits: dict[str, object] = {}

    def take(fieldname: str, matcher, weak: bool) -> None:
        for syn in synonyms[fieldname]:
            target = normalise_header(syn)
            if (target in _WEAK) != weak:
                continue
            for h in headers:
                if h in taken:
                    continue
                hit = matcher(keys[h], target)
                if hit:
                    found[fieldname], hits[fieldname] = h, hit
                    taken.add(h)
                    return

    def exact(key, target):
        return key == target

    def bracketless(key, target):
        bare = _strip_brackets(key)
        return bool(bare) and bare != key and bare == target

    def crs_tagged(key, target):
        bare, crs = _strip_crs(key)
        return crs if crs and bare == target else False

    def contains(key, target):
        # "门店经度" holds longitudes; "销售额_2025-12" is one month, not the outlet's sales
        return (len(target) >= 2 and not target.isascii() and target in key
                and not re.search(r"(19|20)\d{2}", key))

    passes = ((exact, None, False), (bracketless, None, False), (crs_tagged, _COORD_FIELDS, False),
              (contains, ("lon", "lat", "sales"), False), (exact, None, True), (bracketless, None, True),
              (crs_tagged, _COORD_FIELDS, True))
    for matcher, only, weak in passes:
        for fieldname in synonyms:
            if fieldname in found or fieldname in given or fieldname in skip:
                continue
            if only and fieldname not in only:
                continue
            take(fieldname, matcher, weak)
    # Coordinates: lon + lat beat a combined column; a lone lon or lat is no use.
    have = set(found) | set(given)
    if "lon" in have and "lat" in have:
        drop = ("lonlat", "latlon")
    elif "lonlat" in have or "latlon" in have:
        drop = ("lon", "lat")
    else:
        drop = ("lon", "lat")
    for f in drop:
        found.pop(f, None)
    if "lonlat" in have and "latlon" in found:
        found.pop("latlon")
    crs_hint = crs_header = None
    for f in ("lon", "lat", "lonlat", "latlon"):
        h = found.get(f) or given.get(f)
        if h is None:
            continue
        crs = _strip_crs(keys.get(h, normalise_header(h)))[1]
        if crs:
            crs_hint, crs_header = crs, h
            break
    ordered = {f: found[f] for f in synonyms if f in found}
    return ordered, crs_hint, crs_header


def resolve_mapping(path, headers: list[str], kind: str, user: dict | None) -> Mapping:
    """Detected mapping overridden by the user's ``{our_name: source_header}`` (None = leave out)."""
    check_kind(kind)
    user = dict(user or {})
    valid = set(SYNONYMS[kind])
    unknown = sorted(set(user) - valid)
    if unknown:
        raise ColumnMappingError(
            path, f"unknown field(s) {', '.join(unknown)} in the column mapping for {kind}; "
                  f"valid fields are: {', '.join(SYNONYMS[kind])}")
    by_key = {normalise_header(h): h for h in headers}
    given: dict[str, str] = {}
    for ours, theirs in user.items():
        if theirs is None:
            continue
        if theirs in headers:
            actual = theirs
        elif normalise_header(theirs) in by_key:
            actual = by_key[normalise_header(theirs)]
        else:
            raise ColumnMappingError(
                path, f"the mapping says {ours} <- {theirs!r}, but the file has no such column. "
                      f"Columns found: {_list(headers)}")
        given[ours] = actual
    skip = {f for f, v in user.items() if v is None}
    if {"lon", "lat"} & set(given):
        skip |= {"lonlat", "latlon"}
    if {"lonlat", "latlon"} & set(given):
        skip |= {"lon", "lat"}
    auto, hint, hint_header = _detect(headers, kind, given=given, skip=frozenset(skip))
    fields = {**auto, **given}
    source = {f: ("user" if f in given else "auto") for f in fields}
    order = list(SYNONYMS[kind])
    fields = {f: fields[f] for f in order if f in fields}
    return Mapping(fields, {f: source[f] for f in fields}, hint, hint_header)


def missing_required(kind: str, present: set[str]) -> list[tuple[str, ...]]:
    """Required groups not satisfied; each group is a tuple of alternative field sets."""
    out = []
    for group in REQUIRED[kind]:
        if not any(all(f in present for f in alt) for alt in group):
            out.append(group)
    return out


def describe_group(group) -> str:
    alts = [" + ".join(alt) for alt in group]
    return alts[0] if len(alts) == 1 else " or ".join(alts)


def suggest(kind: str, fieldname: str, headers: list[str]) -> str | None:
    """The header most similar to any synonym of a field (for error messages)."""
    best, best_score = None, 0.0
    for h in headers:
        key = normalise_header(h)
        for syn in SYNONYMS[kind].get(fieldname, ()):
            score = difflib.SequenceMatcher(None, key, normalise_header(syn)).ratio()
            if score > best_score:
                best, best_score = h, score
    return best if best_score >= 0.6 else None


def _list(headers) -> str:
    shown = [repr(h) for h in list(headers)[:30]]
    more = len(headers) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def list_headers(headers) -> str:
    return _list(headers)

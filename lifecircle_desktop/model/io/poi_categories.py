"""The words Chinese map services use for a place's category, mapped to the catalogue's types.

An Amap (高德) export names a category as a path "大类;中类;小类" ("科教文化服务;学校;幼儿园"),
Baidu (百度) as "大类;小类" ("教育培训;幼儿园"), and a hand-made list just says "幼儿园". The most
specific part that this table (or a catalogue type's own Chinese name, code or English name) knows
decides; a path none of whose parts is known is listed back to the planner, never guessed.
"""
from __future__ import annotations

import re

from ..catalogue import Catalogue

# Word (a whole category or one part of an Amap/Baidu path) -> catalogue code. The catalogue's
# own name_zh (and that name without its bracketed note) is recognised as well: only the other
# words a map service or a planner uses are listed here.
POI_WORDS: dict[str, str] = {
    # education
    "幼儿园": "kindergarten", "托儿所": "nursery", "托育": "nursery", "托育机构": "nursery", "早教中心": "nursery",
    "小学": "primary_school", "中学": "middle_school", "初中": "middle_school", "初级中学": "middle_school",
    "高中": "middle_school", "高级中学": "middle_school", "完全中学": "middle_school", "九年一贯制学校": "middle_school",
    # health
    "社区卫生服务站": "health_station", "卫生站": "health_station", "卫生室": "health_station",
    "社区卫生服务中心": "health_center", "社区医院": "health_center", "卫生服务中心": "health_center",
    "综合医院": "hospital", "专科医院": "hospital", "三级甲等医院": "hospital", "医院": "hospital",
    "诊所": "clinic", "门诊部": "clinic", "药店": "pharmacy", "药房": "pharmacy", "医药保健销售店": "pharmacy",
    # elderly
    "养老院": "nursing_home", "敬老院": "nursing_home", "养老机构": "nursing_home", "福利院": "nursing_home",
    "日间照料中心": "elderly_day_care", "老年人日间照料中心": "elderly_day_care",
    "长者照护之家": "elderly_care_home", "为老服务中心": "elderly_care_center", "养老服务中心": "elderly_care_center",
    "长者食堂": "community_canteen", "老年食堂": "community_canteen", "社区食堂": "community_canteen",
    # community services
    "居委会": "community_service_station", "居民委员会": "community_service_station",
    "社区服务中心": "community_service_station", "社区综合服务站": "community_service_station",
    "党群服务中心": "party_service_center", "街道办事处": "subdistrict_office", "街道办": "subdistrict_office",
    "文化活动中心": "cultural_center", "文化宫": "cultural_center", "社区文化活动中心": "cultural_center",
    # commerce
    "超级市场": "supermarket", "超市": "supermarket", "综合市场": "fresh_market", "农贸市场": "fresh_market",
    "菜市场": "fresh_market", "生鲜市场": "fresh_market", "便民商店/便利店": "convenience_store",
    "便利店": "convenience_store", "便民商店": "convenience_store", "美容美发店": "barber", "理发店": "barber",
    "美发": "barber", "洗衣店": "laundry", "干洗店": "laundry", "维修站点": "repair_point", "维修点": "repair_point",
    "家政服务": "housekeeping", "中餐厅": "restaurant", "快餐厅": "restaurant", "餐饮服务": "restaurant",
    "美食": "restaurant", "餐馆": "restaurant",
    "物流速递": "express_station", "快递": "express_station", "邮局": "express_station", "邮政速递": "express_station",
    "快递柜": "parcel_locker", "智能快递柜": "parcel_locker",
    # municipal
    "公共厕所": "public_toilet", "公厕": "public_toilet", "垃圾站": "waste_station", "垃圾中转站": "waste_station",
    "再生资源回收": "recycling_point",
    # green and sport
    "公园": "community_park", "公园广场": "community_park", "街心公园": "pocket_park", "口袋公园": "pocket_park",
    "社区花园": "community_garden", "体育场馆": "sports_hall", "综合体育馆": "sports_hall",
    "运动场馆": "sports_hall", "健身中心": "sports_hall", "运动场": "sports_field", "足球场": "sports_field",
    "篮球场": "sports_field", "广场": "activity_ground",
    # transport
    "公交车站": "bus_stop", "公交站": "bus_stop", "公交站点": "bus_stop", "公交车站相关": "bus_stop",
    "地铁站": "metro_station", "地铁站出入口": "metro_station", "轨道交通站点": "metro_station", "轻轨站": "metro_station",
    "停车场": "parking", "公共停车场": "parking", "地下停车场": "parking", "非机动车停车场": "bicycle_parking",
    "物业管理": "property_office", "物业公司": "property_office",
}

# The parts of a path: Amap writes ";", Baidu ";", hand-made lists "；", "/", "|", ">" or "、".
_SEPARATORS = re.compile(r"[;；|>、]")
_BRACKETED = re.compile(r"[（(].*?[）)]")


def category_words(catalogue: Catalogue) -> dict[str, str]:
    """Every word this table and the catalogue know, lower-cased where Latin."""
    words = {}
    for t in catalogue:
        words[t.code.lower()] = t.code
        words[t.name_en.lower()] = t.code
        words[t.name_zh] = t.code
        words[_BRACKETED.sub("", t.name_zh)] = t.code
    words.update(POI_WORDS)  # a map service's word outranks a coincidental catalogue name
    return words


def category_type(category: str, words: dict[str, str]) -> str | None:
    """The catalogue code of a map service's category text, or None when no part of it is known.
    ``words``: category_words(catalogue). The whole text first ("便民商店/便利店" is one
    Amap word), then its parts from the most specific."""
    text = category.strip()
    if not text:
        return None
    if text in words or text.lower() in words:
        return words.get(text) or words[text.lower()]
    for part in reversed([p.strip() for p in _SEPARATORS.split(text)]):
        code = words.get(part) or words.get(part.lower())
        if code is not None:
            return code
    return None

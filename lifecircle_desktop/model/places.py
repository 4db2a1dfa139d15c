"""Where a plan lies, and what follows from it: the rule packs that apply there (issue 16) and the
name of an OpenStreetMap extract's place.

National standards apply everywhere in China: the complete-community guide (完整居住社区建设指南,
2021) and GB 50180-2018 (城市居住区规划设计标准). The two Shanghai packs (上海市社区服务设施规划
导则 2022, 上海15分钟社区生活圈 / 完整社区 2025) apply only inside Shanghai's administrative
area. A plan's packs are chosen from its location when it is made and can be changed by the
planner at any time (规划 → 规则包; ``create_plan(..., rule_packs=...)``).

``SHANGHAI_OUTLINE`` is a deliberately coarse outline of Shanghai municipality (上海市, 行政区划代码
310000), 29 vertices at the main turning points of its land border with Jiangsu (Taicang, Kunshan,
Wujiang) and Zhejiang (Jiashan, Pinghu) and around its coast and the Yangtze islands (Chongming,
Changxing, Hengsha), read off the public administrative map of Shanghai (上海市行政区划图, 上海市
规划和自然资源局 / 国家标准地图服务 standard map, and the OpenStreetMap admin_level=4 boundary of
上海市 for comparison). It is accurate to a few kilometres: it tells Shanghai's districts from
Beijing, Suzhou or Jiaxing, not a street on the border from its neighbour — a plan within a few
kilometres of the border should have its packs checked (they are shown, and can be changed, when
the plan is made). The sea and the Yangtze estuary are inside it where convenient (no plan lies
there). Coordinates: WGS 84 longitude, latitude.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import shapely
from shapely.geometry import Point, Polygon

NATIONAL_PACKS = ("national_complete_community_2021", "gb50180_2018_life_circle")
SHANGHAI_PACKS = ("shanghai_community_service_2022", "shanghai_complete_community_2025")
# The order packs are listed in a plan (the order of plan.DEFAULT_PACKS).
PACK_ORDER = ("national_complete_community_2021", "shanghai_community_service_2022",
              "shanghai_complete_community_2025", "gb50180_2018_life_circle")

SHANGHAI_OUTLINE = (
    (121.30, 31.53),   # Yangtze shore at the Baoshan / Taicang border (浏河口)
    (121.20, 31.45),   # Jiading's north (华亭)
    (121.12, 31.37),   # Jiading's west (外冈 / 太仓)
    (121.13, 31.30),   # Anting / Kunshan (花桥)
    (121.05, 31.22),   # Qingpu's north (白鹤 / 昆山)
    (120.95, 31.15),   # Dianshan Lake (淀山湖)
    (120.87, 31.08),   # Qingpu's west tip (金泽 / 周庄)
    (120.90, 30.99),   # Qingpu / Jiashan (西塘)
    (121.00, 30.90),   # Songjiang / Jinshan's Fengjing (枫泾)
    (121.07, 30.84),   # Jinshan / Pinghu
    (121.15, 30.76),   # Jinshan / Pinghu (新仓)
    (121.27, 30.68),   # Hangzhou Bay shore at the Jinshan / Pinghu border
    (121.45, 30.76),   # Jinshan / Fengxian coast
    (121.70, 30.84),   # Fengxian coast
    (121.97, 30.85),   # Nanhui's south-east tip (芦潮港, 南汇嘴)
    (122.00, 31.05),   # Pudong's east coast
    (121.93, 31.20),   # Pudong airport coast
    (121.85, 31.30),   # Pudong north shore
    (122.02, 31.40),   # Hengsha and the Jiuduansha shoals
    (122.00, 31.53),   # Chongming's east tip (东滩)
    (121.88, 31.68),   # Chongming's north-east coast
    (121.60, 31.78),   # Chongming's north coast
    (121.35, 31.86),   # Chongming's north-west
    (121.18, 31.87),   # Chongming's west tip
    (121.17, 31.80),
    (121.25, 31.70),   # the Yangtze's south channel, west of Chongming
    (121.30, 31.60),
    (121.32, 31.56),
    (121.30, 31.53),
)
SHANGHAI = Polygon(SHANGHAI_OUTLINE)
shapely.prepare(SHANGHAI)


def in_shanghai(lon: float, lat: float) -> bool:
    """The point (WGS 84) lies in Shanghai's administrative area (the coarse outline above)."""
    return bool(SHANGHAI.contains(Point(float(lon), float(lat))))


def packs_for_location(lonlat: tuple[float, float] | None) -> tuple[str, ...]:
    """The rule packs that apply where a plan lies: the national ones everywhere, Shanghai's only
    inside Shanghai. An unknown location (a plan made from a CRS alone) gets the national ones:
    nothing says it is in Shanghai."""
    chosen = set(NATIONAL_PACKS)
    if lonlat is not None and in_shanghai(*lonlat):
        chosen |= set(SHANGHAI_PACKS)
    return ordered(chosen)


def ordered(packs: Iterable[str]) -> tuple[str, ...]:
    """``packs`` in the plan's order (known packs first, in PACK_ORDER; others after, as given)."""
    packs = list(dict.fromkeys(packs))
    return tuple([p for p in PACK_ORDER if p in packs] + [p for p in packs if p not in PACK_ORDER])


# --- the place an OpenStreetMap extract shows -----------------------------------------------------
PLACE_KEYS = ("addr:city", "addr:district", "addr:subdistrict")


def place_name(tag_sets: Iterable[dict]) -> str | None:
    """The place an extract shows, from its objects' tags: the most common ``addr:city``, then
    the most common ``addr:district`` and ``addr:subdistrict`` when the city does not already
    name them ("上海市" + "杨浦区" → "上海市杨浦区"; "北京市海淀区" stays). Without any address:
    the name of the smallest administrative boundary in the extract. None when the data says
    nothing (the caller then uses the file's name)."""
    counts = {key: Counter() for key in PLACE_KEYS}
    boundaries: list[tuple[int, str]] = []
    for tags in tag_sets:
        if not tags:
            continue
        for key in PLACE_KEYS:
            value = tags.get(key)
            if isinstance(value, str) and value.strip():
                counts[key][value.strip()] += 1
        if tags.get("boundary") == "administrative" and tags.get("name"):
            try:
                level = int(tags.get("admin_level", 0))
            except (TypeError, ValueError):
                level = 0
            boundaries.append((level, str(tags["name"]).strip()))
    name = ""
    for key in PLACE_KEYS:
        if counts[key]:
            value = counts[key].most_common(1)[0][0]
            if value not in name:
                name += value
    if name:
        return name
    if boundaries:
        return max(boundaries)[1]
    return None


def osm_place_name(data) -> str | None:
    """``place_name`` of an ``OsmData`` (model/io/osm_reader.py): nodes, ways and relations."""
    relations = (getattr(r, "tags", None) for r in data.relations)
    return place_name((*data.node_tags.values(), *data.way_tags, *relations))


__all__ = ["NATIONAL_PACKS", "SHANGHAI_PACKS", "PACK_ORDER", "SHANGHAI", "SHANGHAI_OUTLINE", "in_shanghai",
           "packs_for_location", "ordered", "place_name", "osm_place_name"]

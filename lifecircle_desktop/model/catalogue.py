"""The facility catalogue (设施目录): every facility type a plan can hold, as data.

Loaded from ``resources/standards/catalogue.toml`` (docs/standards-format.md).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import PlanError
from .resources import STANDARDS


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    colour: str


@dataclass(frozen=True)
class FacilityType:
    """One kind of facility, e.g. ``kindergarten`` (幼儿园)."""
    code: str
    name_zh: str
    name_en: str
    category: str
    colour: str
    geometry: str = "polygon"
    default_floors: int = 1
    source: str = ""
    osm: tuple[str, ...] = ()
    land_use: str = ""  # 用地代码: its class in the national land-use classification (2023), "" when none

    def name(self, language: str = "zh") -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


@dataclass(frozen=True)
class Catalogue:
    types: dict[str, FacilityType]
    categories: dict[str, Category] = field(default_factory=dict)
    land_uses: dict[str, str] = field(default_factory=dict)  # land-use code -> its class name (用地类别)

    def __getitem__(self, code: str) -> FacilityType:
        try:
            return self.types[code]
        except KeyError:
            raise PlanError(f"未知设施类型 {code!r}", f"unknown facility type {code!r}") from None

    def __contains__(self, code: str) -> bool:
        return code in self.types

    def __iter__(self):
        return iter(self.types.values())

    def by_category(self) -> dict[str, list[FacilityType]]:
        out: dict[str, list[FacilityType]] = {c: [] for c in self.categories}
        for t in self.types.values():
            out.setdefault(t.category, []).append(t)
        return out


@lru_cache(maxsize=4)
def load_catalogue(path: Path | str = STANDARDS / "catalogue.toml") -> Catalogue:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise PlanError(f"设施目录 {path.name} 无法读取：{e}", f"the facility catalogue {path.name} cannot be read: {e}") from None
    cats = {code: Category(code, c["name_zh"], c["name_en"], c.get("colour", "#888888"))
            for code, c in data.get("categories", {}).items()}
    types = {}
    for i, t in enumerate(data.get("facility", [])):
        missing = [k for k in ("code", "name_zh", "name_en", "category", "colour") if k not in t]
        if missing:
            raise PlanError(f"{path.name} 第 {i + 1} 个设施缺少 {', '.join(missing)}",
                            f"{path.name}: facility #{i + 1} lacks {', '.join(missing)}")
        if t["code"] in types:
            raise PlanError(f"{path.name} 设施代码 {t['code']} 重复", f"{path.name}: duplicate facility code {t['code']}")
        types[t["code"]] = FacilityType(
            t["code"], t["name_zh"], t["name_en"], t["category"], t["colour"], t.get("geometry", "polygon"),
            int(t.get("default_floors", 1)), t.get("source", ""), tuple(t.get("osm", ())), str(t.get("land_use", "")))
    land_uses = {str(code): str(name) for code, name in data.get("land_use", {}).items()}
    unnamed = sorted({t.land_use for t in types.values() if t.land_use and t.land_use not in land_uses})
    if unnamed:
        raise PlanError(f"{path.name} 用地代码 {', '.join(unnamed)} 不在 [land_use] 中",
                        f"{path.name}: land-use codes {', '.join(unnamed)} are not in [land_use]")
    return Catalogue(types, cats, land_uses)

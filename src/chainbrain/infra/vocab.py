"""The closed vocabularies of the infrastructure registry, with the Chinese forms people write.

Canonical values are stored; every form listed is accepted on import (case-insensitive). The first Chinese
form is what tables and templates show.
"""

from __future__ import annotations

#: station kinds: 超充 / 快充 / 慢充 / 重卡超充
STATION_KIND: dict[str, tuple[str, ...]] = {
    "ultra": ("超充", "超充站", "超级充电", "ultra-fast"),
    "fast": ("快充", "快充站", "直流快充"),
    "slow": ("慢充", "慢充站", "交流慢充"),
    "truck_ultra": ("重卡超充", "重卡超充站", "电动重型货车超充站", "重型货车超充"),
}
#: lifecycle of an asset
STATE: dict[str, tuple[str, ...]] = {
    "planned": ("规划", "规划中", "拟建"),
    "building": ("在建", "建设中"),
    "operating": ("运营", "运营中", "投用", "已投用", "建成"),
    "closed": ("关闭", "已关闭", "停运", "退役"),
}
ROAD_CLASS: dict[str, tuple[str, ...]] = {
    "city": ("城区道路", "城市道路", "城区"),
    "highway": ("高速公路", "高速"),
}
VEHICLE_CLASS: dict[str, tuple[str, ...]] = {
    "car": ("乘用车", "小客车"),
    "truck": ("重卡", "货车", "商用车"),
}
#: provenance status, as everywhere in chainbrain
STATUS: dict[str, tuple[str, ...]] = {
    "verified": ("已核实", "核实", "已验证"),
    "illustrative": ("示意", "示例", "演示"),
    "synthetic": ("合成", "生成"),
}

VOCABS: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": STATION_KIND,
    "state": STATE,
    "road_class": ROAD_CLASS,
    "vehicle_class": VEHICLE_CLASS,
    "status": STATUS,
}

#: kinds that count as ultra-fast (超充) in the indicators and the township coverage
ULTRA_KINDS = ("ultra", "truck_ultra")
#: kinds of seed 001's "超快充" (ultra-fast and fast) coverage
ULTRA_AND_FAST_KINDS = ("ultra", "truck_ultra", "fast")


def zh(vocab: str, value: str) -> str:
    """The Chinese label of a canonical value (the value itself when it has none)."""
    forms = VOCABS[vocab].get(value)
    return forms[0] if forms else value


def lookup(vocab: str) -> dict[str, str]:
    """Accepted form (case-folded) → canonical value."""
    out: dict[str, str] = {}
    for canonical, forms in VOCABS[vocab].items():
        for form in (canonical, *forms):
            out[form.lower()] = canonical
    return out


def choices(vocab: str) -> str:
    """``超充（ultra）、快充（fast）…`` for notes and error messages."""
    return "、".join(f"{forms[0]}（{c}）" for c, forms in VOCABS[vocab].items())

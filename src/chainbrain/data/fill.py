"""The illustrative fill: plausible parts firms that bring the demo up to the 2024 count of the plans.

Seed 001 (D1) counts 543 智能网联新能源汽车零部件企业 in Chongqing in 2024. The firms the seeds name are
few, so the rest are generated here — names, credit codes, figures and sites are all invented
(status ``illustrative``), spread over the districts the way the plans place the industry
(D4 二(七)): 中心城区 for intelligent and electronic parts, 渝西 for parts at large, 万州/涪陵/长寿/綦江
(万盛)/南川 for batteries and materials. A few suppliers in 四川 and elsewhere in China complete it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from chainbrain.schema.credit_code import CHARSET, make_credit_code

FILL_AS_OF = dt.date(2024, 12, 31)
FILL_SOURCE = (
    "示意数据：chainbrain 种子化生成器 chainbrain.data.fill（非真实企业；总量按种子001“零部件企业达到543家”）"
)

#: segment -> (role, words for the firm's name, capacity range in the segment's unit)
SEGMENTS: dict[str, tuple[str, tuple[str, ...], tuple[float, float]]] = {
    "adas.radar": ("Tier1", ("智能感知科技", "雷达技术", "电子科技"), (2e5, 2e6)),
    "adas.camera": ("Tier1", ("光电科技", "视觉科技", "智能科技"), (5e5, 5e6)),
    "adas.lidar": ("Tier1", ("激光雷达科技", "光电科技"), (5e4, 5e5)),
    "adas.radar4d": ("Tier1", ("成像雷达科技", "微波科技"), (5e4, 5e5)),
    "chip.soc": ("Tier2", ("智能芯片", "计算芯片科技"), (1e5, 2e6)),
    "adas.domain": ("Tier1", ("智能驾驶科技", "智行科技", "汽车电子"), (5e4, 5e5)),
    "adas.algorithm": ("Tier2", ("智能算法科技", "人工智能科技", "智驾软件"), (5e4, 1e6)),
    "adas.hdmap": ("Tier2", ("地理信息", "导航科技", "时空信息"), (1e5, 1e6)),
    "cockpit.headunit": ("Tier1", ("汽车电子", "车联科技", "电子技术"), (1e5, 1e6)),
    "cockpit.display": ("Tier1", ("显示科技", "光电显示", "触控科技"), (2e5, 2e6)),
    "cockpit.domain": ("Tier1", ("智能座舱科技", "座舱电子"), (5e4, 5e5)),
    "cockpit.hud": ("Tier1", ("光学科技", "抬头显示科技"), (5e4, 3e5)),
    "control.vcu": ("Tier1", ("汽车电子", "控制技术", "电控科技"), (1e5, 1e6)),
    "control.body": ("Tier1", ("汽车电子", "电器科技"), (2e5, 2e6)),
    "control.zonal": ("Tier1", ("智能控制科技", "汽车电子"), (5e4, 5e5)),
    "v2x.tbox": ("Tier1", ("车联网科技", "通信技术", "网联科技"), (2e5, 2e6)),
    "v2x.gateway": ("Tier1", ("网联科技", "通信技术"), (1e5, 1e6)),
    "v2x.cv2x": ("Tier1", ("车路协同科技", "通信科技"), (5e4, 5e5)),
    "v2x.rsu": ("Tier1", ("智慧交通科技", "路侧感知科技"), (500, 5000)),
    "chip.mcu": ("Tier2", ("微电子", "芯片设计"), (1e6, 2e7)),
    "chip.pmic": ("Tier2", ("半导体", "集成电路"), (1e6, 3e7)),
    "chip.sensor": ("Tier2", ("传感技术", "微电子"), (1e6, 3e7)),
    "chip.power": ("Tier2", ("功率半导体", "半导体"), (5e6, 5e7)),
    "chip.foundry": ("Tier3", ("集成电路制造", "封装测试"), (5e4, 5e5)),
    "software.os": ("Tier1", ("软件科技", "操作系统技术"), (1e5, 2e6)),
    "software.middleware": ("Tier2", ("软件科技", "信息技术"), (1e5, 2e6)),
    "software.ota": ("Tier2", ("数字科技", "信息技术"), (1e5, 2e6)),
    "software.industrial": ("Tier2", ("工业软件", "数字科技"), (100, 2000)),
    "battery.pack": ("Tier1", ("新能源科技", "电池系统", "储能科技"), (1e6, 1e7)),
    "battery.cell": ("Tier2", ("锂电科技", "新能源电池"), (2e6, 2e7)),
    "battery.bms": ("Tier2", ("电池管理技术", "新能源电子"), (1e5, 1e6)),
    "battery.cathode": ("Tier3", ("锂电材料", "新材料科技"), (5e3, 5e4)),
    "battery.anode": ("Tier3", ("碳材料科技", "新材料科技"), (5e3, 5e4)),
    "battery.separator": ("Tier3", ("膜科技", "新材料科技"), (1e4, 1e5)),
    "battery.electrolyte": ("Tier3", ("电解液科技", "化工新材料"), (5e3, 5e4)),
    "battery.lithium": ("Tier3", ("锂业", "锂盐科技"), (2e3, 3e4)),
    "edrive": ("Tier1", ("电驱科技", "动力科技"), (1e5, 6e5)),
    "motor": ("Tier2", ("电机", "电气科技"), (1e5, 8e5)),
    "econtrol": ("Tier2", ("电控技术", "电力电子"), (1e5, 8e5)),
    "motor.magnet": ("Tier3", ("磁材科技", "稀土永磁"), (500, 5000)),
    "motor.lamination": ("Tier3", ("硅钢科技", "冲压件"), (5e3, 5e4)),
    "small3.ebrake": ("Tier1", ("汽车制动系统", "制动科技"), (2e5, 1e6)),
    "small3.esteer": ("Tier1", ("转向系统", "转向器"), (2e5, 1e6)),
    "small3.eac": ("Tier1", ("汽车空调", "热能科技"), (1e5, 8e5)),
    "thermal": ("Tier1", ("热管理科技", "汽车热系统"), (1e5, 8e5)),
    "rex": ("Tier1", ("动力机械", "增程动力科技"), (5e4, 3e5)),
    "ice.engine": ("Tier1", ("发动机", "动力机械"), (1e5, 5e5)),
    "ice.transmission": ("Tier1", ("齿轮", "传动科技", "变速器"), (1e5, 5e5)),
    "chassis.xbw": ("Tier1", ("线控底盘科技", "智能底盘"), (5e4, 3e5)),
    "chassis.suspension": ("Tier1", ("悬架系统", "减振器"), (5e4, 5e5)),
    "fuelcell.h2tank": ("Tier1", ("氢能装备", "储氢科技"), (2e3, 2e4)),
    "fuelcell.catalyst": ("Tier3", ("催化材料", "贵金属材料"), (100, 2000)),
    "fuelcell.membrane": ("Tier3", ("氢能材料", "膜材料"), (1e4, 1e5)),
    "lightweight.mgal": ("Tier3", ("铝业", "镁合金科技", "轻合金"), (1e4, 2e5)),
    "lightweight.hss": ("Tier3", ("钢材加工", "精密钢材"), (1e4, 2e5)),
    "lightweight.cfrp": ("Tier3", ("复合材料", "碳纤维科技"), (200, 3000)),
    "lightweight.panel": ("Tier1", ("轻量化科技", "汽车覆盖件"), (1e5, 6e5)),
    "parts.body": ("Tier1", ("汽车零部件", "冲压件", "车身部件"), (1e5, 8e5)),
    "parts.interior": ("Tier1", ("汽车内饰", "座椅", "塑胶制品"), (1e5, 8e5)),
    "parts.chassis": ("Tier1", ("底盘部件", "机械制造", "汽车配件"), (1e5, 8e5)),
    "parts.electrical": ("Tier1", ("线束", "汽车电器"), (1e5, 1e6)),
    "parts.castings": ("Tier2", ("铸造", "锻造", "精密机械"), (2e3, 5e4)),
    "services.recycling": ("service", ("再生资源", "电池回收科技"), (5e3, 5e4)),
    "services.logistics": ("service", ("汽车物流", "供应链管理"), (1e4, 2e5)),
    "services.export": ("service", ("国际贸易", "汽车进出口"), (1e4, 2e5)),
    "services.finance": ("service", ("汽车金融服务", "融资租赁"), (1e4, 5e5)),
    "services.maintenance": ("service", ("汽车服务", "新能源汽车售后服务"), (1e3, 2e4)),
    "services.testing": ("service", ("检测技术", "汽车检测"), (1e3, 2e4)),
    "v2x.cloud": ("service", ("云控科技", "车联网数据服务"), (10, 200)),
}

#: segment mixes (segment -> weight) for the three kinds of place the plans describe
INTELLIGENT = {
    "adas.radar": 5, "adas.camera": 6, "adas.domain": 4, "adas.algorithm": 5, "adas.hdmap": 2,
    "cockpit.headunit": 5, "cockpit.display": 5, "cockpit.domain": 3, "cockpit.hud": 1,
    "control.vcu": 4, "control.body": 4, "control.zonal": 2, "v2x.tbox": 4, "v2x.gateway": 3,
    "v2x.cv2x": 2, "v2x.rsu": 2, "chip.mcu": 2, "chip.pmic": 2, "chip.sensor": 3, "chip.power": 1,
    "chip.foundry": 1, "software.os": 2, "software.middleware": 3, "software.ota": 2,
    "software.industrial": 2, "battery.bms": 3, "edrive": 2, "econtrol": 3, "small3.ebrake": 2,
    "small3.esteer": 2, "thermal": 2, "chassis.xbw": 2, "parts.electrical": 3, "parts.interior": 2,
}  # fmt: skip
PARTS = {
    "parts.body": 14, "parts.interior": 10, "parts.chassis": 12, "parts.electrical": 7, "parts.castings": 14,
    "ice.engine": 2, "ice.transmission": 3, "lightweight.panel": 4, "lightweight.hss": 3, "motor": 5,
    "econtrol": 2, "edrive": 2, "small3.ebrake": 3, "small3.esteer": 3, "small3.eac": 3, "thermal": 4,
    "rex": 2, "battery.pack": 1, "chassis.suspension": 3, "motor.lamination": 2, "fuelcell.h2tank": 1,
    "control.body": 2, "v2x.tbox": 1, "adas.camera": 1,
}  # fmt: skip
MATERIALS = {
    "battery.cathode": 5, "battery.anode": 4, "battery.separator": 3, "battery.electrolyte": 3,
    "battery.lithium": 3, "battery.cell": 2, "battery.pack": 1, "lightweight.mgal": 5, "lightweight.cfrp": 2,
    "motor.magnet": 2, "fuelcell.catalyst": 1, "fuelcell.membrane": 1, "parts.castings": 4, "parts.body": 3,
}  # fmt: skip

#: district -> (share of the Chongqing fill, segment mix, park given to 60% of its sites)
CQ_LAYOUT: dict[str, tuple[float, dict[str, int], str | None]] = {
    # 中心城区 (≈37%): intelligent and electronic parts (D4 二(七))
    "500112": (0.080, INTELLIGENT, "两江新区"), "500105": (0.045, INTELLIGENT, "两江新区"),
    "500109": (0.045, INTELLIGENT, "两江新区"), "500106": (0.050, INTELLIGENT, "西部科学城"),
    "500107": (0.055, INTELLIGENT, "西部科学城"), "500113": (0.040, PARTS, None),
    "500108": (0.030, INTELLIGENT, "重庆经开区"), "500104": (0.015, PARTS, None),
    "500103": (0.005, INTELLIGENT, None),
    # 渝西 = 主城新区 (≈52%): parts at large; 涪陵/长寿/綦江(万盛)/南川 batteries and materials
    "500120": (0.060, PARTS, None), "500116": (0.060, PARTS, None), "500118": (0.055, PARTS, None),
    "500117": (0.040, PARTS, None), "500111": (0.045, PARTS, "双桥经开区"), "500151": (0.040, PARTS, None),
    "500153": (0.025, PARTS, None), "500152": (0.025, PARTS, None), "500102": (0.045, MATERIALS, None),
    "500115": (0.040, MATERIALS, None), "500110": (0.045, MATERIALS, "万盛经开区"),
    "500119": (0.040, MATERIALS, None),
    # 渝东北 / 渝东南 (≈11%): 万州 batteries and materials, a few parts makers elsewhere
    "500101": (0.040, MATERIALS, None), "500154": (0.012, PARTS, None), "500155": (0.012, PARTS, None),
    "500231": (0.012, PARTS, None), "500233": (0.008, PARTS, None), "500114": (0.008, PARTS, None),
    "500230": (0.006, PARTS, None), "500156": (0.004, PARTS, None), "500235": (0.004, PARTS, None),
    "500240": (0.002, PARTS, None), "500241": (0.002, PARTS, None),
}  # fmt: skip

#: illustrative service firms in Chongqing (D4 一 “5大支撑”: 检测维保电池回收服务, 物流出口服务 …): district -> segments
SERVICES: dict[str, tuple[str, ...]] = {
    "500102": ("services.recycling",),
    "500115": ("services.recycling",),
    "500118": ("services.recycling", "services.testing"),
    "500112": ("services.logistics", "services.maintenance", "v2x.cloud", "services.finance"),
    "500106": ("services.logistics", "services.export"),
    "500116": ("services.logistics",),
    "500103": ("services.finance",),
    "500105": ("services.export",),
    "500107": ("services.maintenance",),
}

#: illustrative suppliers outside Chongqing: district -> segments (one firm each)
OUTSIDE: dict[str, tuple[str, ...]] = {
    "510112": ("parts.body", "parts.body", "parts.interior", "parts.chassis", "thermal", "small3.eac"),
    "510116": ("adas.camera", "cockpit.display", "chip.sensor", "adas.lidar"),
    "510114": ("parts.electrical", "parts.electrical", "small3.esteer"),
    "510107": ("software.middleware", "adas.algorithm", "chip.soc"),
    "510681": ("parts.castings", "ice.engine"),
    "510683": ("battery.cathode",),
    "511504": ("battery.separator", "battery.electrolyte"),
    "512002": ("fuelcell.h2tank", "parts.chassis"),
    "511602": ("lightweight.hss", "parts.castings"),
    "310114": ("adas.lidar", "adas.lidar", "adas.radar4d", "cockpit.hud", "chassis.xbw"),
    "440305": ("adas.lidar", "adas.camera", "chip.soc", "cockpit.hud", "adas.domain"),
    "330108": ("chip.soc", "adas.algorithm", "v2x.cv2x"),
    "110108": ("chip.soc", "software.middleware", "adas.hdmap", "software.ota"),
    "320214": ("chip.mcu", "chip.sensor", "chip.pmic"),
    "320505": ("thermal", "parts.electrical", "control.zonal"),
    "340111": ("battery.cell", "battery.pack"),
    "420115": ("adas.radar4d", "adas.radar"),
    "430104": ("battery.cathode", "battery.anode"),
    "320412": ("battery.cell", "battery.electrolyte", "battery.anode"),
    "120111": ("ice.engine", "motor.magnet"),
    "440606": ("small3.eac", "chassis.suspension"),
    "440605": ("fuelcell.membrane", "fuelcell.catalyst"),
    "360502": ("battery.lithium",),
}

_TRADE = (
    "鑫",
    "宏",
    "达",
    "精",
    "诚",
    "华",
    "瑞",
    "恒",
    "盛",
    "凯",
    "博",
    "智",
    "新",
    "科",
    "力",
    "源",
    "通",
    "宇",
)
_TRADE2 = (
    "泰",
    "嘉",
    "联",
    "驰",
    "远",
    "腾",
    "航",
    "创",
    "锐",
    "晟",
    "信",
    "元",
    "隆",
    "丰",
    "鼎",
    "昊",
    "川",
    "渝",
)
ELECTRONICS = ("adas.", "cockpit.", "control.", "v2x.", "chassis.xbw", "edrive", "econtrol", "small3.ebrake",
               "small3.esteer", "thermal")  # fmt: skip
CONVENTIONAL = ("parts.", "ice.")


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` over keys by weight, largest remainder first (sums exactly to ``total``)."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[:rest]:
        out[k] += 1
    return out


def _pick(rng: random.Random, mix: dict[str, int]) -> str:
    keys = sorted(mix)
    return rng.choices(keys, weights=[mix[k] for k in keys])[0]


def _labels(rng: random.Random, segment: str) -> list[str]:
    labels = []
    electronic = segment.startswith(ELECTRONICS)
    if rng.random() < (0.55 if electronic or segment.startswith("chip.") else 0.3):
        labels.append("高新技术")
    if rng.random() < 0.075:
        labels.append("专精特新")
        if rng.random() < 0.2:
            labels.append("小巨人")
    if electronic:
        labels.append("汽车电子")
    if segment.startswith(CONVENTIONAL):
        labels.append("传统零部件")
    return labels


class _Namer:
    """Unique firm names and credit codes."""

    def __init__(self, rng: random.Random, district_names: dict[str, str]) -> None:
        self.rng, self.district_names = rng, district_names
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def name(self, district: str, segment: str, province_prefix: str) -> str:
        words = SEGMENTS[segment][1] if segment in SEGMENTS else ("科技",)
        place = self.district_names[district].rstrip("区县市")
        for _ in range(100):
            trade = self.rng.choice(_TRADE) + self.rng.choice(_TRADE2)
            head = f"{province_prefix}{place}" if self.rng.random() < 0.4 else province_prefix
            n = f"{head}{trade}{self.rng.choice(words)}有限公司"
            if n not in self.names:
                self.names.add(n)
                return n
        raise RuntimeError(f"could not find a free firm name for {district} {segment}")

    def credit_code(self, district: str) -> str:
        while True:
            body = "MA" + str(self.rng.randint(0, 9)) + "".join(self.rng.choices(CHARSET[:31], k=5))
            code = make_credit_code("9", "1", district, body)
            if code not in self.codes:
                self.codes.add(code)
                return code


def _firm(
    namer: _Namer, rng: random.Random, fid: str, district: str, segment: str, province_prefix: str
) -> dict[str, Any]:
    role = SEGMENTS[segment][0] if segment in SEGMENTS else "Tier2"
    scale = {"Tier1": 60000, "Tier2": 25000, "Tier3": 15000, "service": 20000}[role]
    revenue = round(scale * rng.lognormvariate(0, 0.9), 1)
    return {
        "id": fid,
        "credit_code": namer.credit_code(district),
        "name": namer.name(district, segment, province_prefix),
        "short_name": None,
        "district_code": district,
        "roles": [role],
        "labels": _labels(rng, segment),
        "main_segment_id": segment,
        "revenue": revenue,
        "employees": max(20, int(revenue / rng.uniform(60, 140))),
        "founded": rng.randint(1988, 2022),
        "note": "示意企业：名称、信用代码与经营数据均为生成，非真实企业",
        "source": FILL_SOURCE,
        "as_of": FILL_AS_OF,
        "status": "illustrative",
    }


def _site(rng: random.Random, firm: dict[str, Any], segment: str, unit: str | None, park: str | None) -> dict:
    lo, hi = SEGMENTS[segment][2] if segment in SEGMENTS else (1e4, 1e5)
    return {
        "id": f"{firm['id']}.s1",
        "enterprise_id": firm["id"],
        "name": firm["name"].removesuffix("有限公司") + "工厂",
        "district_code": firm["district_code"],
        "park": park,
        "segment_id": segment,
        "capacity": float(round(rng.uniform(lo, hi), -2 if hi > 1e4 else 0)),
        "capacity_unit": unit,
        "source": FILL_SOURCE,
        "as_of": FILL_AS_OF,
        "status": "illustrative",
    }


def generate(
    rng: random.Random, n_local: int, district_names: dict[str, str], units: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n_local`` illustrative Chongqing parts firms, a few service firms and the outside suppliers;
    returns (firms, sites).

    Site lon/lat are left empty here: the caller places them inside the district.
    """
    namer = _Namer(rng, district_names)
    per_district = apportion(n_local, {d: w for d, (w, _, _) in CQ_LAYOUT.items()})
    firms, sites = [], []
    n = 0
    for district in sorted(per_district):
        _, mix, park = CQ_LAYOUT[district]
        for _ in range(per_district[district]):
            n += 1
            segment = _pick(rng, mix)
            firm = _firm(namer, rng, f"fill{n:04d}", district, segment, "重庆")
            firms.append(firm)
            sites.append(_site(rng, firm, segment, units[segment], park if rng.random() < 0.6 else None))
    for district in sorted(SERVICES):
        for segment in SERVICES[district]:
            n += 1
            firm = _firm(namer, rng, f"fill{n:04d}", district, segment, "重庆")
            firms.append(firm)
            sites.append(_site(rng, firm, segment, units[segment], None))
    for district in sorted(OUTSIDE):
        prefix = "四川" if district.startswith("51") else ""
        for segment in OUTSIDE[district]:
            n += 1
            firm = _firm(namer, rng, f"fill{n:04d}", district, segment, prefix)
            firms.append(firm)
            sites.append(_site(rng, firm, segment, units[segment], None))
    return firms, sites

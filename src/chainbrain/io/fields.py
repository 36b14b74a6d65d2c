"""The columns of each chain-map table as people write them: Chinese and English headers, value kinds,
closed vocabularies with their Chinese forms, and a note with an example for templates and docs.

The store column name is always accepted as a header, so an exported file re-imports as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainbrain.schema import TABLES
from chainbrain.schema.common import LABELS

#: closed vocabularies: canonical value → other accepted forms (the first is shown in drop-downs)
VOCAB: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {
        "verified": ("已核实", "核实", "已验证"),
        "illustrative": ("示意", "示例", "演示"),
        "synthetic": ("合成", "生成"),
    },
    "role": {
        "OEM": ("整车", "整车企业", "主机厂"),
        "Tier1": ("一级供应商", "一级"),
        "Tier2": ("二级供应商", "二级"),
        "Tier3": ("三级供应商", "三级"),
        "service": ("服务", "服务商"),
        "research": ("科研", "科研机构"),
    },
    "powertrain": {
        "BEV": ("纯电", "纯电动"),
        "EREV": ("增程", "增程式"),
        "PHEV": ("插混", "插电混动", "插电式混合动力"),
        "FCEV": ("燃料电池", "氢燃料电池"),
        "HEV": ("混动", "油电混动"),
        "ICE": ("燃油", "传统燃油"),
    },
    "confidence": {"verified": ("已核实", "核实", "已证实"), "suggested": ("推测", "待核实", "建议")},
    "stream": {"上游": ("upstream",), "中游": ("midstream",), "下游": ("downstream",)},
    "kind": {
        "vehicle": ("整车",),
        "system": ("系统",),
        "component": ("零部件", "部件"),
        "material": ("材料",),
        "chip": ("芯片",),
        "software": ("软件",),
        "service": ("服务",),
        "infrastructure": ("基础设施",),
    },
    "label": {label: () for label in LABELS},
}

#: separators accepted between the items of a list cell (written back as ";")
LIST_SEPARATORS = ";；,，、|"

TEXT, FLOAT, INT, DATE, BOOL, ENUM, LIST = "text", "float", "int", "date", "bool", "enum", "list"


@dataclass(frozen=True)
class Column:
    """One column of an importable table."""

    field: str  # store column / record field
    zh: str  # Chinese header used in templates
    kind: str = TEXT
    note: str = ""  # what goes there (zh-CN)
    example: str = ""
    aliases: tuple[str, ...] = ()
    vocab: str | None = None  # VOCAB key for ENUM and LIST columns
    #: the record has no such field: the column only helps to find another one (a link's buyer firm)
    helper: bool = False
    #: what the cell names, by id or by name (:mod:`chainbrain.io.names`): district, segment, firm, …
    ref: str | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.field, self.zh, *self.aliases)


def _prov() -> list[Column]:
    return [
        Column("source", "来源", note="数据来源：文件、文件条款或网址", example="示例：导入模板示例行",
               aliases=("数据来源",)),
        Column("as_of", "数据日期", DATE, note="数据截至日期，格式 2024-12-31", example="2024-12-31",
               aliases=("截至日期", "日期")),
        Column("status", "数据状态", ENUM, vocab="status",
               note="已核实（有公开出处）/ 示意（演示数据）/ 合成（生成数据）", example="示意", aliases=("状态",)),
    ]  # fmt: skip


_DISTRICT: dict[str, Any] = dict(
    kind=TEXT,
    ref="district",
    example="渝北区",
    note="区县名称（如 渝北区；重庆市外写全称如 四川省宜宾市翠屏区）或6位行政区划代码",
)

COLUMNS: dict[str, list[Column]] = {
    "districts": [
        Column("id", "行政区划代码", note="6位行政区划代码（GB/T 2260）", example="500112",
               aliases=("区县代码", "代码", "编号")),
        Column("name", "名称", note="区县名称", example="渝北区", aliases=("区县名称",)),
        Column("province", "省份", note="省级名称", example="重庆市", aliases=("省",)),
        Column("city", "地市", note="地级市名称，直辖市区县留空", example="", aliases=("城市",)),
        Column("region", "区域", note="中心城区 / 主城新区 / 渝东北 / 渝东南", example="中心城区"),
        Column("yuxi", "渝西", BOOL, note="是否属于渝西地区：是 / 否", example="否", aliases=("是否渝西",)),
        Column("lon", "经度", FLOAT, note="区政府驻地经度", example="106.631"),
        Column("lat", "纬度", FLOAT, note="区政府驻地纬度", example="29.718"),
        *_prov(),
    ],
    "segments": [
        Column("id", "环节编号", note="小写字母、数字、下划线、点；上级编号加一段，如 battery.sodium",
               example="battery.sodium", aliases=("编号",)),
        Column("parent_id", "上级环节", ref="segment", note="上级环节的中文名称或编号，根环节留空", example="动力电池",
               aliases=("上级环节编号", "上级编号")),
        Column("name_zh", "中文名称", note="环节中文名（不能与已有环节重名）", example="钠离子电池", aliases=("名称",)),
        Column("name_en", "英文名称", note="环节英文名", example="Sodium-ion battery"),
        Column("level", "层级", INT, note="1 为根，逐级加 1（1–6）", example="3"),
        Column("stream", "上中下游", ENUM, vocab="stream", note="上游 / 中游 / 下游", example="中游",
               aliases=("链段",)),
        Column("kind", "环节类型", ENUM, vocab="kind",
               note="整车/系统/零部件/材料/芯片/软件/服务/基础设施", example="零部件", aliases=("类型",)),
        Column("unit", "计量单位", note="产能与单车用量的单位", example="kWh", aliases=("单位",)),
        Column("clause", "政策条款", note="提到该环节的规划条款", example="", aliases=("条款",)),
        *_prov(),
    ],
    "enterprises": [
        Column("id", "企业编号", note="可留空：按企业名称匹配已有企业，否则自动编号", example="", aliases=("编号",)),
        Column("credit_code", "统一社会信用代码", note="18位，含校验位（GB 32100-2015）；不知道可留空",
               example="91500112MA5U00003P", aliases=("信用代码",)),
        Column("name", "企业名称", note="企业全称", example="重庆示例汽车零部件有限公司", aliases=("名称",)),
        Column("short_name", "简称", note="企业简称", example="示例零部件", aliases=("企业简称",)),
        Column("district_code", "所在区县", **_DISTRICT, aliases=("所在区县代码", "区县代码", "区县")),
        Column("roles", "角色", LIST, vocab="role",
               note="整车/一级供应商/二级供应商/三级供应商/服务/科研，多个用 ; 分隔", example="一级供应商;二级供应商",
               aliases=("企业角色",)),
        Column("labels", "标签", LIST, vocab="label", note=f"可选：{'、'.join(LABELS)}，多个用 ; 分隔",
               example="专精特新;高新技术", aliases=("企业标签",)),
        Column("main_segment_id", "主营环节", ref="segment", note="主营产品所属环节的中文名称（如 电池包）或编号",
               example="电池包", aliases=("主营环节编号",)),
        Column("revenue", "营业收入(万元)", FLOAT, note="上年营业收入，单位万元", example="52000",
               aliases=("营业收入", "营收(万元)")),
        Column("employees", "从业人数", INT, note="从业人员数", example="860", aliases=("员工人数",)),
        Column("founded", "成立年份", INT, note="四位年份", example="2015"),
        Column("note", "备注", note="其他说明", example=""),
        *_prov(),
    ],
    "sites": [
        Column("id", "场所编号", note="可留空：按企业和场所名称匹配已有场所，否则自动编号", example="",
               aliases=("编号",)),
        Column("enterprise_id", "所属企业", ref="firm",
               note="企业简称或全称（数据库中已有，或本工作簿“企业”表中的企业），也可填企业编号", example="示例零部件",
               aliases=("企业编号", "所属企业编号", "企业")),
        Column("name", "场所名称", note="工厂或办公地名称", example="示例零部件两江工厂", aliases=("名称",)),
        Column("district_code", "所在区县", **_DISTRICT, aliases=("所在区县代码", "区县代码", "区县")),
        Column("park", "所在园区", note="产业园区名称", example="两江新区", aliases=("园区",)),
        Column("lon", "经度", FLOAT, note="经度（度）", example="106.62"),
        Column("lat", "纬度", FLOAT, note="纬度（度）", example="29.71"),
        Column("segment_id", "产品环节", ref="segment", note="该场所生产的环节的中文名称或编号", example="电池包",
               aliases=("产品环节编号", "环节编号", "环节")),
        Column("capacity", "年产能", FLOAT, note="每年产能，单位见产能单位", example="120000", aliases=("产能",)),
        Column("capacity_unit", "产能单位", note="套、辆、GWh 等", example="套"),
        *_prov(),
    ],
    "vehicle_models": [
        Column("id", "车型编号", note="可留空：按整车企业和车型名称匹配已有车型，否则自动编号", example="",
               aliases=("编号",)),
        Column("oem_id", "整车企业", ref="firm", note="整车企业的简称、全称或编号（须已存在）", example="长安汽车",
               aliases=("整车企业编号", "企业编号")),
        Column("site_id", "生产场所", ref="site", note="总装厂的场所名称或编号（须已存在）",
               example="长安汽车两江鱼嘴工厂", aliases=("生产场所编号", "场所编号")),
        Column("brand", "品牌", note="品牌名", example="长安"),
        Column("name", "车型名称", note="车型名", example="示例车型 S7", aliases=("名称",)),
        Column("powertrain", "动力类型", ENUM, vocab="powertrain",
               note="纯电/增程/插混/燃料电池/混动/燃油（或 BEV/EREV/PHEV/FCEV/HEV/ICE）", example="纯电"),
        Column("annual_volume", "年产量(辆)", FLOAT, note="年产量，单位辆", example="80000",
               aliases=("年产量",)),
        Column("price", "售价(万元)", FLOAT, note="指导价，单位万元", example="18.99", aliases=("售价",)),
        Column("year", "上市年份", INT, note="四位年份", example="2024", aliases=("年份",)),
        *_prov(),
    ],
    "bom_lines": [
        Column("id", "BOM编号", note="可留空：按车型和环节匹配已有 BOM 行，否则自动编号", example="",
               aliases=("编号",)),
        Column("model_id", "车型", ref="model", note="车型名称或编号（须已存在）", example="示例车型 S7",
               aliases=("车型编号",)),
        Column("segment_id", "环节", ref="segment", note="所用环节的中文名称或编号", example="电池包",
               aliases=("环节编号",)),
        Column("qty", "单车用量", FLOAT, note="每辆车的用量，单位为环节的计量单位，须大于 0", example="1",
               aliases=("用量",)),
        Column("unit_value", "单价(元)", FLOAT, note="每单位价值，单位元", example="45000", aliases=("单价",)),
        *_prov(),
    ],
    "supply_links": [
        Column("id", "供应关系编号", note="可留空：按采购方、供应方和环节匹配已有供应关系，否则自动编号", example="",
               aliases=("编号",)),
        Column("buyer_enterprise", "采购方企业", helper=True, ref="firm",
               note="采购方企业的简称或全称；该企业只有一个场所时可不填采购方场所", example="长安汽车"),
        Column("buyer_site_id", "采购方场所", ref="site",
               note="采购方场所名称或编号（数据库中或本工作簿“场所”表中）", example="长安汽车两江鱼嘴工厂",
               aliases=("采购方场所编号", "采购方")),
        Column("supplier_enterprise", "供应方企业", helper=True, ref="firm",
               note="供应方企业的简称或全称；该企业只有一个场所时可不填供应方场所", example="示例零部件"),
        Column("supplier_site_id", "供应方场所", ref="site",
               note="供应方场所名称或编号（数据库中或本工作簿“场所”表中）", example="示例零部件两江工厂",
               aliases=("供应方场所编号", "供应方")),
        Column("segment_id", "供应环节", ref="segment", note="供应的环节的中文名称或编号", example="电池包",
               aliases=("环节编号", "环节")),
        Column("annual_value", "年采购额(元)", FLOAT, note="每年采购金额，单位元", example="350000000",
               aliases=("年采购额",)),
        Column("share", "份额", FLOAT, note="占采购方该环节需求的比例，0–1", example="0.6",
               aliases=("采购份额",)),
        Column("volume", "年供货量", FLOAT, note="每年供货数量", example="80000"),
        Column("since", "起始年份", INT, note="开始供货的年份", example="2021"),
        Column("evidence", "证据", note="说明该供应关系的依据", example="企业公告", aliases=("依据",)),
        Column("confidence", "可信度", ENUM, vocab="confidence", note="已核实 / 推测", example="推测",
               aliases=("置信度",)),
        *_prov(),
    ],
}  # fmt: skip

TITLE_ZH = {
    "districts": "行政区划",
    "segments": "产业链环节",
    "enterprises": "企业",
    "sites": "厂区场所",
    "vehicle_models": "车型",
    "bom_lines": "BOM行",
    "supply_links": "供应关系",
}


#: tables whose id may be left blank in a file: the importer finds the stored record by its names, else
#: gives a new id (:mod:`chainbrain.io.names`)
AUTO_ID = frozenset({"enterprises", "sites", "vehicle_models", "bom_lines", "supply_links"})
#: field → the helper column that can stand in for it (the firm, when it has only one site)
STAND_INS = {"buyer_site_id": "buyer_enterprise", "supplier_site_id": "supplier_enterprise"}


def required_fields(table: str) -> set[str]:
    """Fields the record type requires (no default)."""
    model = TABLES[table]
    return {name for name, f in model.model_fields.items() if f.is_required()}


def required_columns(table: str) -> set[str]:
    """Fields a file must have a column for: the required ones, less an id the importer can give and
    the sites a firm column can stand in for."""
    out = required_fields(table) - set(STAND_INS)
    return out - {"id"} if table in AUTO_ID else out


def stored_columns(table: str) -> list[Column]:
    """The columns that are fields of the record (not helpers)."""
    return [c for c in COLUMNS[table] if not c.helper]


def header_index(table: str) -> dict[str, Column]:
    """Every accepted header (case-insensitive for ASCII, spaces ignored) → its column."""
    out: dict[str, Column] = {}
    for col in COLUMNS[table]:
        for h in col.headers:
            out[normalize_header(h)] = col
    return out


def normalize_header(h: str) -> str:
    """Fold case, full-width brackets and spaces so 年采购额（元） matches 年采购额(元)."""
    return str(h).strip().lower().replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")


def vocab_lookup(name: str) -> dict[str, str]:
    """Accepted form (case-folded) → canonical value for one vocabulary."""
    out: dict[str, str] = {}
    for canonical, forms in VOCAB[name].items():
        for form in (canonical, *forms):
            out[form.lower()] = canonical
    return out


def display_choices(name: str) -> list[str]:
    """The forms shown in template drop-downs: the first Chinese form, else the canonical value."""
    return [
        forms[0] if forms and canonical.isascii() else canonical for canonical, forms in VOCAB[name].items()
    ]

"""The importable infrastructure tables: their columns as people write them (Chinese and English headers,
kinds, vocabularies, notes with examples), their record type and their store table."""

from __future__ import annotations

from dataclasses import dataclass

from chainbrain.infra import records as r
from chainbrain.infra.vocab import choices
from chainbrain.io.fields import DATE, ENUM, FLOAT, INT, Column
from chainbrain.schema.common import Record


@dataclass(frozen=True)
class InfraTable:
    name: str  # public name: chainbrain import|export|template NAME
    sql: str
    title_zh: str
    model: type[Record]
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()


def _id(example: str) -> Column:
    return Column("id", "编号", note="本系统内的编号，任意不重复文本", example=example, aliases=("ID",))


def _place(*, required: bool = True) -> list[Column]:
    need = "必填" if required else "选填"
    return [
        Column("district_code", "区县", note=f"{need}：6位行政区划代码或区县名称", example="渝北区",
               aliases=("区县代码", "所在区县")),
        Column("township_code", "乡镇街道", note="选填：9位乡镇代码或乡镇/街道名称（须属于该区县）",
               example="龙溪街道", aliases=("乡镇代码", "乡镇", "街道")),
        Column("lon", "经度", FLOAT, note=f"{need}：经度（度，GCJ-02）", example="106.52"),
        Column("lat", "纬度", FLOAT, note=f"{need}：纬度（度，GCJ-02）", example="29.60"),
    ]  # fmt: skip


def _asset() -> list[Column]:
    return [
        Column("opened", "投用日期", DATE, note="投用（建成）日期；运营或关闭的须填", example="2025-06-30",
               aliases=("建成日期", "开通日期")),
        Column("state", "运营状态", ENUM, vocab="state", note=f"可选：{choices('state')}", example="运营",
               aliases=("建设状态",)),
    ]  # fmt: skip


def _prov() -> list[Column]:
    return [
        Column("source", "来源", note="数据来源：文件、条款或网址", example="区能源局 2025年台账",
               aliases=("数据来源",)),
        Column("as_of", "数据日期", DATE, note="数据截至日期，格式 2025-12-31", example="2025-12-31",
               aliases=("截至日期",)),
        Column("status", "数据状态", ENUM, vocab="status", note=f"可选：{choices('status')}", example="已核实"),
    ]  # fmt: skip


def _name(example: str) -> Column:
    return Column("name", "名称", note="设施名称", example=example, aliases=("站名",))


def _operator() -> Column:
    return Column("operator", "运营商", note="运营企业", example="国网重庆电力", aliases=("运营单位",))


TABLES: dict[str, InfraTable] = {
    t.name: t
    for t in (
        InfraTable("townships", "township", "乡镇街道", r.Township, (
            Column("id", "乡镇代码", note="9位乡级行政区划代码", example="500112001", aliases=("代码", "编号")),
            Column("name", "名称", note="乡镇或街道名称", example="双龙湖街道"),
            Column("district_code", "区县", note="6位行政区划代码或区县名称", example="500112", aliases=("区县代码",)),
            Column("lon", "经度", FLOAT, note="代表点经度（度，GCJ-02）", example="106.63"),
            Column("lat", "纬度", FLOAT, note="代表点纬度（度，GCJ-02）", example="29.72"),
            *_prov(),
        ), ("township", "乡镇", "街道")),
        InfraTable("charging_stations", "charging_station", "充电站", r.ChargingStation, (
            _id("CS0001"), _name("两江超充示范站"),
            Column("kind", "类型", ENUM, vocab="kind", note=f"可选：{choices('kind')}", example="超充",
                   aliases=("站点类型",)),
            Column("piles", "充电桩数", INT, note="充电桩数（个）", example="6", aliases=("桩数",)),
            Column("guns", "充电枪数", INT, note="充电枪数（个），不少于桩数", example="12", aliases=("枪数",)),
            Column("max_power_kw", "单枪最大功率(kW)", FLOAT, note="单枪额定最大功率，单位 kW", example="480",
                   aliases=("单枪功率", "最大功率(kW)")),
            _operator(), *_asset(), *_place(), *_prov(),
        ), ("charging_station", "充电站")),
        InfraTable("swap_stations", "swap_station", "换电站", r.SwapStation, (
            _id("SW0001"), _name("渝北换电站"),
            Column("bays", "换电工位数", INT, note="换电工位（个）", example="2", aliases=("工位数",)),
            Column("vehicle_class", "服务车型", ENUM, vocab="vehicle_class",
                   note=f"可选：{choices('vehicle_class')}", example="乘用车"),
            _operator(), *_asset(), *_place(), *_prov(),
        ), ("swap_station", "换电站")),
        InfraTable("hydrogen_stations", "hydrogen_station", "加氢站", r.HydrogenStation, (
            _id("H0001"), _name("九龙坡加氢站"),
            Column("capacity_kg_day", "日加氢能力(kg)", FLOAT, note="日加氢能力，单位 kg/天", example="1000",
                   aliases=("加氢能力",)),
            Column("pressure_mpa", "加注压力(MPa)", FLOAT, note="35 或 70", example="35", aliases=("压力",)),
            _operator(), *_asset(), *_place(), *_prov(),
        ), ("hydrogen_station", "加氢站")),
        InfraTable("sensing_intersections", "sensing_intersection", "感知路口", r.SensingIntersection, (
            _id("X0001"), _name("金开大道-星光大道路口"), *_asset(), *_place(), *_prov(),
        ), ("sensing_intersection", "感知路口")),
        InfraTable("v2x_roads", "v2x_road", "车路协同道路", r.V2xRoad, (
            _id("R0001"), _name("G50沪渝高速 渝北段"),
            Column("road_class", "道路类型", ENUM, vocab="road_class", note=f"可选：{choices('road_class')}",
                   example="高速公路"),
            Column("km", "里程(公里)", FLOAT, note="覆盖里程，单位公里", example="12.5", aliases=("里程",)),
            *_asset(), *_place(), *_prov(),
        ), ("v2x_road", "车路协同道路", "覆盖道路")),
        InfraTable("v2x_vehicles", "v2x_vehicles", "协同预警车辆", r.V2xVehicles, (
            _id("V0001"),
            Column("oem", "车企", note="整车企业名称", example="长安汽车", aliases=("整车企业",)),
            Column("period_end", "统计截至日期", DATE, note="在用车辆数的统计时点", example="2026-09-30",
                   aliases=("期末",)),
            Column("vehicles", "车辆数(辆)", INT, note="具备协同预警功能（OTA 升级）的在用车辆，单位辆",
                   example="5200", aliases=("车辆数",)),
            *_place(required=False), *_prov(),
        ), ("ota_vehicles", "协同预警车辆")),
        InfraTable("nev_fleet", "nev_fleet", "新能源汽车保有量", r.NevFleet, (
            _id("F0001"),
            Column("district_code", "区县", note="6位行政区划代码或区县名称", example="渝北区",
                   aliases=("区县代码",)),
            Column("period_end", "统计截至日期", DATE, note="保有量统计时点", example="2025-12-31",
                   aliases=("期末",)),
            Column("vehicles", "保有量(辆)", INT, note="新能源汽车保有量，单位辆", example="25000",
                   aliases=("保有量",)),
            *_prov(),
        ), ("fleet", "保有量")),
    )
}  # fmt: skip

#: columns whose cell may name a district or township instead of its code
DISTRICT_FIELDS = ("district_code",)
TOWNSHIP_FIELDS = ("township_code",)

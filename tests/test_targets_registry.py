"""The target registry holds every quantitative target of seeds 002, 003 and 004, cited by clause.

The list below was made by hand, reading the seeds line by line; it matches targets by document, clause,
value, unit and year — not by id — so renaming an id cannot hide a missing target.
"""

from __future__ import annotations

import pytest

from chainbrain.monitor.registry import bundled_targets, list_targets, load_targets, not_registered

ECO = "智能新能源汽车产业生态行动计划"  # seed 002 (征求意见稿, 2021-12-29)
CLUSTER = "产业集群发展规划(2022—2030年)"  # seed 003 (渝府发〔2022〕38号)
YULIAN = "“渝链智擎”行动计划(2025—2027)"  # seed 004 (征求意见稿, 2025-07)

# (document, clause, value, unit, year[, max])
HAND_LIST = [
    (ECO, "一(一)", 100, "万辆", 2025),  # 产量达到100万辆以上
    (ECO, "一(一)", 40, "%", 2025),  # 占汽车产量比重40%以上
    (ECO, "一(二)", 3, "家", 2025, 5),  # 大小三电企业各3-5家 (6 segments)
    (ECO, "一(二)", 80, "亿瓦时", 2025),  # 动力电池年生产能力
    (ECO, "一(二)", 100, "万套", 2025),  # 电机、电控年生产能力
    (ECO, "一(二)", 50, "%", 2025),  # 大小三电本地化配套率超过50%
    (ECO, "一(二)", 40, "%", 2025),  # 汽车电子和软件价值占比40%
    (ECO, "一(三)", 23, "万个", 2025),  # 充电桩
    (ECO, "一(三)", 3, "万个", 2025),  # 公共充电桩
    (ECO, "一(三)", 4, "辆/桩", 2025),  # 公共车桩比4:1
    (ECO, "一(三)", 20, "万个", 2025),  # 私人充电桩
    (ECO, "一(三)", 2, "辆/桩", 2025),  # 私人车桩比2:1
    (ECO, "一(三)", 200, "座", 2025),  # 换电站
    (ECO, "一(三)", 2, "万辆", 2025),  # 换电车型服务能力
    (ECO, "一(三)", 10, "座", 2025),  # 加氢站
    (ECO, "一(三)", 50, "万辆", 2025),  # 累计推广新能源汽车
    (ECO, "一(三)", 5000, "辆", 2025),  # 其中氢燃料电池汽车
    (ECO, "一(三)", 40, "%", 2025),  # 渗透率
    (ECO, "一(三)", 1000, "公里", 2025),  # 车路协同道路
    (ECO, "一(三)", 500, "公里", 2025),  # 智慧高速
    (CLUSTER, "二(三)", 10, "%", 2025),  # 占全国比重10%以上
    (CLUSTER, "二(三)", 1, "家", 2030, 2),  # 1—2家全球一流企业和品牌
    (CLUSTER, "三(六)3", 100, "%", 2030),  # 乡村场镇等区域充电设施全覆盖 (no year given: plan end)
    (YULIAN, "一", 7000, "亿元", 2027),
    (YULIAN, "一", 1000, "家", 2027),
    (YULIAN, "一", 500, "家", 2027),
    (YULIAN, "二(一)", 20, "百分点", 2027),
    (YULIAN, "二(二)", 300, "家", 2027),
    (YULIAN, "二(三)", 150, "家", 2027),
    (YULIAN, "二(四)", 400, "家", 2027),
    (YULIAN, "二(四)", 80, "家", 2027),
    (YULIAN, "二(五)", 5, "个", 2027),
    (YULIAN, "二(五)", 50, "项", 2027),
    (YULIAN, "二(七)", 500, "家", 2027),
    (YULIAN, "二(八)", 3, "万人", 2027),
    (YULIAN, "二(九)", 3, "个", 2027),
    (YULIAN, "二(九)", 10, "个", 2027),
    (YULIAN, "二(十)", 5, "家", 2027),
    (YULIAN, "二(十)", 25, "项", 2027),
    (YULIAN, "二(十一)", 2000, "座", 2027),
    (YULIAN, "二(十一)", 10, "座", 2027),
    (YULIAN, "二(十二)", 50, "个", 2027),
    (YULIAN, "二(十三)", 600, "个", 2027),
    (YULIAN, "二(十三)", 2500, "公里", 2027),
    (YULIAN, "二(十三)", 20000, "辆", 2027),
    (YULIAN, "二(十四)", 2, "家", 2027),
    (YULIAN, "二(十五)", 1200, "亿元", 2027),
]


def _matches(t, item) -> bool:
    doc, clause, value, unit, year, *mx = item
    return (
        doc in t.document
        and t.clause == clause
        and t.value == value
        and t.unit == unit
        and t.year == year
        and (not mx or t.max_value == mx[0])
    )


@pytest.mark.parametrize("item", HAND_LIST, ids=lambda i: f"{i[1]}-{i[2]}{i[3]}-{i[4]}")
def test_every_hand_listed_target_is_registered(item):
    assert any(_matches(t, item) for t in bundled_targets()), f"missing target {item}"


def test_nothing_registered_beyond_the_hand_list():
    # 大小三电 "各3-5家" is six targets (one per segment); everything else is one entry per hand-list line
    targets = bundled_targets()
    unmatched = [t.id for t in targets if not any(_matches(t, i) for i in HAND_LIST)]
    assert unmatched == []
    assert len(targets) == len(HAND_LIST) - 1 + 6
    assert len({t.id for t in targets}) == len(targets)


def test_ids_are_ascii_slugs_and_citations_complete():
    for t in bundled_targets():
        assert t.id.isascii() and t.id == t.id.lower() and " " not in t.id
        assert t.document.startswith("《") and t.document.endswith("》")
        assert t.clause and t.name and t.source
        assert t.kind in ("level", "cumulative", "increase", "share", "range", "ratio")


def test_drafts_are_marked_and_baselines_come_from_seed_001():
    by = {(t.document_id, t.value, t.unit): t for t in bundled_targets()}
    assert {t.document_status for t in bundled_targets() if ECO in t.document} == {"征求意见稿"}
    assert {t.document_status for t in bundled_targets() if YULIAN in t.document} == {"征求意见稿"}
    assert {t.document_status for t in bundled_targets() if CLUSTER in t.document} == {"正式印发"}
    output = by[("cq_ecosystem_2025", 100.0, "万辆")]
    assert (output.baseline_value, output.baseline_year) == (95.3, 2024)  # 2024年新能源汽车产量95.3万辆
    firms = by[("cq_yulian_2027", 1000.0, "家")]
    assert (firms.baseline_value, firms.baseline_year) == (543.0, 2024)  # 零部件企业达到543家


def test_kinds_and_directions():
    by = {t.id: t for t in bundled_targets()}
    assert by["eco25_public_vehicle_charger_ratio"].kind == "ratio"
    assert (
        by["eco25_public_vehicle_charger_ratio"].direction == "at_most"
    )  # 4:1 — fewer cars per pile is better
    assert by["eco25_nev_promoted_cumulative"].kind == "cumulative"  # 累计推广
    assert by["yulian27_local_rate_increase"].kind == "increase"  # 提高20个百分点
    assert by["eco25_nev_penetration"].kind == "share"
    assert by["cluster_world_class_brands_2030"].kind == "range"
    assert by["cluster_world_class_brands_2030"].public()["max"] == 2


def test_related_targets_are_linked_both_ways_and_none_duplicated():
    by = {t.id: t for t in bundled_targets()}
    assert "yulian27_local_rate_increase" in by["eco25_three_electric_local_rate"].related
    assert "eco25_three_electric_local_rate" in by["yulian27_local_rate_increase"].related
    assert "yulian27_connected_road_km" in by["eco25_v2x_roads"].related
    # seed 004 repeats 二(五) and 二(十二) in its lead paragraph: one target each, with the second citation
    assert len([t for t in by.values() if t.clause == "二(十二)"]) == 1
    assert by["yulian27_software_products"].also_cited


def test_left_out_figures_say_why():
    for item in not_registered():
        assert item["why"] and item["clause"]


def test_load_targets_is_idempotent(fresh_db):
    assert load_targets(fresh_db) == 52
    assert load_targets(fresh_db) == 52
    stored = list_targets(fresh_db)
    assert len(stored) == 52
    t = next(x for x in stored if x.id == "eco25_battery_firms")
    assert (t.value, t.max_value, t.kind) == (3.0, 5.0, "range")

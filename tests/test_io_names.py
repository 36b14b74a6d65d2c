"""Names instead of ids in imported files: districts, segments, firms, plants; ambiguity and unknown names
are problems naming the cell and the candidates; blank ids match stored records or get stable new ones."""

from __future__ import annotations

import pytest

from chainbrain.io import ImportRejected, import_file
from chainbrain.io.names import NameProblem, Names, new_id
from chainbrain.store.records import dump_table, fetch_dicts, insert_rows
from fixtures.files import write_csv
from fixtures.io_store import PROV, base_store, snapshot


def _names_store():
    """The base store plus two districts that share a name with a Chongqing one or with each other."""
    conn = base_store()
    insert_rows(
        conn,
        "districts",
        [
            {"id": "500105", "name": "江北区", "province": "重庆市", "yuxi": False, **PROV},
            {"id": "330205", "name": "江北区", "province": "浙江省", "city": "宁波市", "yuxi": False, **PROV},
            {"id": "110105", "name": "朝阳区", "province": "北京市", "yuxi": False, **PROV},
            {"id": "220104", "name": "朝阳区", "province": "吉林省", "city": "长春市", "yuxi": False, **PROV},
        ],
    )
    return conn


def test_district_names_codes_and_qualified_names() -> None:
    names = Names(_names_store())
    assert names.district("渝北区") == "500112"
    assert names.district("渝北") == "500112"  # without 区
    assert names.district("500106") == "500106"
    # two 江北区: the one in 重庆市 (the cluster's city) unless the other is written in full
    assert names.district("江北区") == "500105"
    assert names.district("浙江省宁波市江北区") == "330205"
    assert names.district("宁波市江北区") == "330205"
    # two 朝阳区, neither in 重庆市: ambiguous, and both are named
    with pytest.raises(NameProblem) as e:
        names.district("朝阳区")
    assert "不唯一" in str(e.value)
    assert "北京市朝阳区（110105）" in str(e.value) and "吉林省长春市朝阳区（220104）" in str(e.value)
    assert names.district("吉林省长春市朝阳区") == "220104"


def test_unknown_names_say_what_is_close() -> None:
    names = Names(base_store())
    with pytest.raises(NameProblem) as e:
        names.segment("电池")
    assert str(e.value).startswith("没有名为“电池”的环节") and "动力电池" in str(e.value)
    with pytest.raises(NameProblem) as e:
        names.firm("重庆甲汽车")
    assert "相近的有：重庆甲汽车有限公司" in str(e.value)
    # text written like an id goes on as an id: the foreign-key check reports it as before
    assert names.firm("E9") == "E9"


def test_firms_by_short_or_full_name_and_their_one_plant() -> None:
    conn = base_store()
    conn.execute("UPDATE enterprise SET short_name = '甲汽车' WHERE id = 'E1'")
    names = Names(conn)
    assert names.firm("甲汽车") == names.firm("重庆甲汽车有限公司") == names.firm("E1") == "E1"
    assert names.site(None, "E1") == "S1"  # E1 has one plant
    assert names.site("乙二厂", "E2") == "S3"
    with pytest.raises(NameProblem) as e:
        names.site(None, "E2")  # E2 has two
    assert str(e.value) == "企业“重庆乙电池有限公司”有 2 个场所，请填写其中一个：乙电池厂、乙二厂"
    with pytest.raises(NameProblem) as e:
        names.site("甲总装厂", "E2")
    assert str(e.value) == "场所“甲总装厂”不属于企业“重庆乙电池有限公司”"


def test_a_shared_short_name_is_ambiguous() -> None:
    conn = base_store()
    conn.execute("UPDATE enterprise SET short_name = '甲乙' WHERE id IN ('E1', 'E2')")
    with pytest.raises(NameProblem) as e:
        Names(conn).firm("甲乙")
    assert "企业“甲乙”不唯一，有 2 个" in str(e.value) and "重庆甲汽车有限公司" in str(e.value)


LINK_HEADER = [
    "采购方企业",
    "采购方场所",
    "供应方企业",
    "供应方场所",
    "供应环节",
    "年采购额(元)",
    "来源",
    "数据状态",
]


def test_a_link_by_names_gets_the_demo_form_of_id_and_reimports_as_an_update(tmp_path) -> None:
    conn = base_store()
    row = ["重庆甲汽车有限公司", "", "重庆乙电池有限公司", "乙二厂", "动力电池", "1.2亿", "t", "示意"]
    row[5] = 120000000
    path = write_csv(tmp_path / "links.csv", LINK_HEADER, [row])
    first = import_file(conn, "supply_links", path)
    assert (first.inserted, first.updated) == (1, 0)
    link = {r["id"]: r for r in dump_table(conn, "supply_links")}["S1>S3:power.battery"]
    assert (link["buyer_site_id"], link["supplier_site_id"], link["annual_value"]) == ("S1", "S3", 1.2e8)
    again = import_file(conn, "supply_links", path)
    assert (again.inserted, again.updated) == (0, 1)
    assert len(dump_table(conn, "supply_links")) == 2  # L1 and the new one


def test_ambiguous_and_unknown_names_are_problems_naming_the_cell(tmp_path) -> None:
    conn = base_store()
    before = snapshot(conn)
    rows = [
        [
            "重庆乙电池有限公司",
            "",
            "重庆甲汽车有限公司",
            "",
            "动力电池",
            1,
            "t",
            "示意",
        ],  # buyer E2: two plants
        ["重庆甲汽车有限公司", "", "重庆丙有限公司", "", "动力电池", 1, "t", "示意"],  # no such firm
        [
            "重庆甲汽车有限公司",
            "",
            "重庆乙电池有限公司",
            "乙电池厂",
            "电池",
            1,
            "t",
            "示意",
        ],  # no such segment
    ]
    with pytest.raises(ImportRejected) as e:
        import_file(conn, "supply_links", write_csv(tmp_path / "bad.csv", LINK_HEADER, rows))
    found = {(p.row, p.column, p.value): p.reason for p in e.value.problems}
    assert set(found) == {
        (2, "采购方企业", "重庆乙电池有限公司"),
        (3, "供应方企业", "重庆丙有限公司"),
        (4, "供应环节", "电池"),
    }
    assert "有 2 个场所，请填写其中一个：乙电池厂、乙二厂" in found[(2, "采购方企业", "重庆乙电池有限公司")]
    assert found[(3, "供应方企业", "重庆丙有限公司")].startswith("没有名为“重庆丙有限公司”的企业")
    assert found[(4, "供应环节", "电池")].endswith("；相近的有：动力电池")
    assert snapshot(conn) == before


def test_a_firm_with_a_blank_id_matches_the_stored_one_by_full_name(tmp_path) -> None:
    conn = base_store()
    header = ["企业名称", "所在区县", "角色", "来源", "数据状态"]
    rows = [
        ["重庆甲汽车有限公司", "渝北区", "整车", "t", "示意"],
        ["重庆丁科技有限公司", "沙坪坝区", "二级供应商", "t", "示意"],
    ]
    r = import_file(conn, "enterprises", write_csv(tmp_path / "e.csv", header, rows))
    assert (r.inserted, r.updated) == (1, 1)
    ids = {d["name"]: d["id"] for d in fetch_dicts(conn, "SELECT id, name FROM enterprise")}
    assert ids["重庆甲汽车有限公司"] == "E1"
    assert ids["重庆丁科技有限公司"] == new_id("e", "重庆丁科技有限公司")
    # the id is a hash of the name: stable, and not the hash of anything else
    assert new_id("e", "重庆丁科技有限公司") != new_id("e", "重庆丁科技有限公司 ")
    assert len(new_id("e", "x")) == len("e-") + 12


def test_a_bad_cell_in_a_row_without_id_is_the_only_problem(tmp_path) -> None:
    conn = base_store()
    header = ["企业编号", "企业名称", "所在区县", "角色", "营业收入(万元)", "来源", "数据状态"]
    rows = [
        ["", "重庆壬有限公司", "渝北区", "整车", "很多", "t", "示意"],
        ["", "", "渝北区", "整车", 1, "t", "示意"],
    ]
    with pytest.raises(ImportRejected) as e:
        import_file(conn, "enterprises", write_csv(tmp_path / "e.csv", header, rows))
    assert [(p.row, p.column) for p in e.value.problems] == [(2, "营业收入(万元)"), (3, "企业名称")]

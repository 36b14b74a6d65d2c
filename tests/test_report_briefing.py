"""The Word briefing and the Excel workbook of the demo targets: they open, and show the right figures."""

from __future__ import annotations

import pytest
from docx import Document
from openpyxl import load_workbook

from chainbrain.monitor.demo import DEMO_AS_OF, load_demo_monitor
from chainbrain.report import write_docx, write_xlsx
from chainbrain.store import memory


@pytest.fixture(scope="module")
def demo_store():
    conn = memory()
    load_demo_monitor(conn)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def briefing(demo_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "简报.docx"
    write_docx(demo_store, path, as_of=DEMO_AS_OF)
    return Document(str(path))


def _rows(table):
    return [[c.text for c in r.cells] for r in table.rows]


def test_briefing_opens_with_title_date_and_summary(briefing):
    text = "\n".join(p.text for p in briefing.paragraphs)
    assert "重庆市智能网联新能源汽车规划目标监测简报" in text
    assert "2026年10月31日" in text
    assert "全部 52 项量化目标" in text
    # the summary counts agree with the status column of the all-targets table
    all_rows = _rows(briefing.tables[1])[1:]
    for status in ("达标", "正常", "预警", "滞后"):
        n = sum(1 for r in all_rows if r[6] == status)
        assert f"{status} {n} 项" in text
    assert {r[6] for r in all_rows} == {
        "达标",
        "正常",
        "数据不足",
        "预警",
        "滞后",
        "无数据",
    }  # every status shows


def test_warnings_come_first_with_hand_checked_figures(briefing):
    headings = [p.text for p in briefing.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["一、总体情况", "二、预警与滞后目标"]
    warn = _rows(briefing.tables[0])
    assert warn[0][:3] == ["序号", "目标", "状态"]
    statuses = [r[2] for r in warn[1:]]
    assert statuses == sorted(statuses, key=["滞后", "预警"].index)  # 滞后 before 预警
    exports = next(r for r in warn if r[1] == "年出口金额超过1200亿元")
    # 7 quarters 780…950 at t = 2024.25…2025.75: slope 196.25/1.75 = 112.14 a year, mean 873.57 at 2025.0
    # → 873.57 + 2·112.14 = 1,098 at 2027.0; s = 6.748, half = 2.015·6.748·1.8516 = 25.2 → 1,073–1,123,
    # all below 1,200 → 滞后
    assert exports[2:6] == ["滞后", "950（2026Q3）\n〔示意〕", "1,200亿元（2027年）", "1,098（1,073–1,123）"]
    text = "\n".join(p.text for p in briefing.paragraphs)
    # catch-up: 950 at 2026Q3 to 1,200 at 2027Q4 in five equal quarterly steps of 50
    assert (
        "年出口金额超过1200亿元：2026Q4 1,000、2027Q1 1,050、2027Q2 1,100、2027Q3 1,150、2027Q4 1,200" in text
    )


def test_all_targets_table_has_every_target_and_its_citation(briefing):
    rows = _rows(briefing.tables[1])
    assert len(rows) == 1 + 52
    nev = next(r for r in rows if r[0] == "智能新能源汽车产量达到100万辆以上")
    assert nev[1:3] == ["100万辆", "2025"]
    assert (
        nev[4] == "118.6（2025Q4）\n〔示意〕" and nev[6] == "达标"
    )  # an illustrative value carries its mark
    assert "《重庆市加速构建完善的智能新能源汽车产业生态行动计划》一(一)" == nev[7]
    ratio = next(r for r in rows if r[0] == "公共充电桩车桩比达4:1")
    assert ratio[1] == "≤4辆/桩" and ratio[6] == "滞后"  # 5.2 cars per pile at the end of 2025


def test_charts_are_embedded_images_one_per_warning(briefing):
    n_warn = len(briefing.tables[0].rows) - 1
    shapes = briefing.inline_shapes
    assert len(shapes) == n_warn > 0
    for shape in shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blob = briefing.part.related_parts[rid].blob
        assert blob[:8] == b"\x89PNG\r\n\x1a\n" and len(blob) > 10_000


def test_sources_and_data_status_caveat(briefing):
    text = "\n".join(p.text for p in briefing.paragraphs)
    assert "渝府发〔2022〕38号" in text
    assert "征求意见稿" in text and "示意" in text and "不是真实统计" in text


def test_workbook_holds_all_targets_and_observations(demo_store, tmp_path):
    path = write_xlsx(demo_store, tmp_path / "目标.xlsx", as_of=DEMO_AS_OF)
    wb = load_workbook(path)
    assert wb.sheetnames == ["目标", "观测", "预警", "走势图", "说明"]
    assert wb["目标"].max_row == 1 + 52
    n_obs = demo_store.execute("SELECT count(*) FROM observation").fetchone()[0]
    assert wb["观测"].max_row == 1 + n_obs == 1 + 219
    firms = next(r for r in wb["目标"].iter_rows(values_only=True) if r[0] == "yulian27_parts_firms")
    assert (firms[3], firms[7], firms[8]) == (1000, 543, 2024)


def test_missing_cjk_font_names_the_debian_package(monkeypatch):
    from matplotlib import font_manager

    from chainbrain.report import charts

    # no CJK face listed, none found when the list is rebuilt, none known to fontconfig
    empty = font_manager.FontManager.__new__(font_manager.FontManager)
    empty.ttflist, empty.afmlist = [], []
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager.fontManager, "afmlist", [])
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda try_read_cache=True: empty)
    monkeypatch.setattr(charts, "_fc_list_files", lambda: [])
    charts.cjk_font.cache_clear()
    try:
        with pytest.raises(charts.FontMissing, match="fonts-noto-cjk"):
            charts.cjk_font()
    finally:
        monkeypatch.undo()
        charts.cjk_font.cache_clear()
    assert charts.cjk_font().startswith("Noto Sans CJK")


def test_catch_up_and_projections_of_counts_are_whole(briefing):
    """A plan counts firms and stations whole: no "71.6 家" or "4.4 座" in the briefing a reader is handed."""
    text = "\n".join(p.text for p in briefing.paragraphs)
    # 3 heavy-truck stations at 2026Q3 to 10 at 2027Q4 in five equal steps of 1.4: 4.4, 5.8, 7.2, 8.6, 10
    assert "建成电动重型货车超充站10座：2026Q4 4、2027Q1 6、2027Q2 7、2027Q3 9、2027Q4 10（单位：座）" in text
    # 52 transformed firms at 2026Q3 to 150 at 2027Q4, steps of 19.6: 71.6, 91.2, 110.8, 130.4, 150
    assert (
        "力争推动150家传统零部件转型升级：2026Q4 72、2027Q1 91、2027Q2 111、2027Q3 130、2027Q4 150（单位：家）"
        in text
    )
    # and the tables' projections in a count unit carry no decimals (5.32 座 → 5, its band too)
    for table in briefing.tables[:2]:
        rows = _rows(table)
        col = next(i for i, h in enumerate(rows[0]) if h.startswith("预测值"))
        for r in rows[1:]:
            if "超充站10座" in "".join(r):
                assert r[col].split("（")[0] == "5" and "." not in r[col], r


def test_workbook_catch_up_levels_in_the_plans_units(demo_store, briefing, tmp_path):
    """The 预警 sheet's 应达到 column as the Word briefing writes it: counts whole, others to two decimals."""
    wb = load_workbook(write_xlsx(demo_store, tmp_path / "目标.xlsx", as_of=DEMO_AS_OF))
    ws = wb["预警"]
    head = [c.value for c in ws[1]]
    col = head.index("应达到")
    cells = {(r[1].value, r[5].value): r[col] for r in ws.iter_rows(min_row=2)}
    # 52 transformed firms at 2026Q3 to 150 at 2027Q4 in five steps of 19.6: 71.6 at 2026Q4 → 72 家
    firms = cells[("yulian27_transformed_parts_firms", "2026Q4")]
    assert firms.value == 72 and firms.number_format == "#,##0"
    # 3 heavy-truck stations to 10 in steps of 1.4: 4.4 → 4 座, 8.6 → 9 座
    assert cells[("yulian27_heavy_truck_stations", "2026Q4")].value == 4
    assert cells[("yulian27_heavy_truck_stations", "2027Q3")].value == 9
    # 1.58 万人 at 2026Q3 to 3 万人 in steps of 0.284: 1.864 → 1.86, 2.716 → 2.72 (not a count: two decimals)
    assert cells[("yulian27_talent", "2026Q4")].value == pytest.approx(1.86, abs=1e-12)
    assert cells[("yulian27_talent", "2027Q3")].value == pytest.approx(2.72, abs=1e-12)
    # 950 亿元 to 1,200 亿元 in steps of 50: 1,000 with its thousands separator
    exports = cells[("yulian27_exports", "2026Q4")]
    assert exports.value == 1000 and exports.number_format == "#,##0"
    # no cell of the column carries more decimals than the briefing shows
    for c in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
        v = c[0].value
        assert v is None or round(v, 2) == v, v
    # the same figures as the Word briefing's catch-up lines
    text = "\n".join(p.text for p in briefing.paragraphs)
    assert "2026Q4 1.86、2027Q1 2.15、2027Q2 2.43、2027Q3 2.72、2027Q4 3（单位：万人）" in text

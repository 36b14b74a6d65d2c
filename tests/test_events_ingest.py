"""Events in: manual entry, CSV/JSON import (all-or-nothing, Chinese errors), RSS/Atom feeds served from a
local HTTP server, webhook tokens, duplicate merging; and the classification rules."""

from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest

from chainbrain.events.classify import ClassifyError, chinese_number, classify, corrected, duration_in_text
from chainbrain.events.feeds import FeedError, add_feed, create_token, pull_feed, token_sender
from chainbrain.events.ingest import EventError, EventIn, add_events, import_file, similarity
from chainbrain.io.problems import ImportRejected

T0 = dt.datetime(2026, 7, 1, 8, 0)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>汽车快讯</title><link>http://127.0.0.1/</link><description>x</description>
<item><title>宁德时代宜宾基地停电</title><link>http://127.0.0.1/a1</link><guid>a1</guid>
<description>&lt;p&gt;四川时代宜宾基地&lt;b&gt;停电&lt;/b&gt;两天&lt;/p&gt;</description>
<pubDate>Wed, 01 Jul 2026 02:00:00 GMT</pubDate></item>
<item><title>碳酸锂价格上涨</title><link>http://127.0.0.1/a2</link><guid>a2</guid>
<pubDate>Wed, 01 Jul 2026 03:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id><updated>2026-07-02T00:00:00Z</updated>
<entry><title>大陆集团重庆电制动工厂火灾</title><id>urn:e1</id><link href="http://127.0.0.1/e1"/>
<updated>2026-07-02T01:00:00Z</updated><summary>工厂起火，停产</summary></entry>
</feed>"""


@pytest.fixture
def feed_server(tmp_path):
    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "news.atom").write_text(ATOM, encoding="utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(tmp_path), **k)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _events(conn):
    return conn.execute(
        "SELECT id, text, sources, event_type, severity, duration_days FROM event ORDER BY id"
    ).fetchall()


def test_manual_event_is_classified_and_linked(demo_db):
    [got] = add_events(demo_db, [EventIn("长安汽车渝北工厂受暴雨影响临时停产两天。", "手工录入", T0)])
    assert not got.merged
    row = demo_db.execute("SELECT event_type, severity, duration_days, rule, status FROM event").fetchone()
    assert row == ("flood", 3, 2.0, "暴雨；两天", "verified")
    links = demo_db.execute("SELECT kind, target_id, mention FROM event_link ORDER BY kind").fetchall()
    assert links == [
        ("district", "500112", "渝北"),
        ("firm", "changan", "长安汽车"),
        ("site", "changan.yubei", "渝北"),
    ]


def test_duplicates_merge_by_hash_and_by_similarity(demo_db):
    a = "宁德时代宜宾基地因限电停产三天"
    b = "宁德时代宜宾基地因限电停产三天！"  # same normalised text
    c = "宁德时代宜宾基地因为限电停产三天"  # 13 of 16 bigrams shared with a
    d = "赛力斯超级工厂发生火灾"  # different
    got = add_events(
        demo_db,
        [
            EventIn(a, "源A", T0),
            EventIn(b, "源B", T0),
            EventIn(c, "源C", T0 + dt.timedelta(days=1)),
            EventIn(d, "源A", T0),
        ],
    )
    assert [g.merged for g in got] == [False, True, True, False]
    assert got[1].similarity == 1.0
    assert got[2].similarity == pytest.approx(13 / 16)
    assert _events(demo_db)[0][2] == 3
    assert demo_db.execute("SELECT count(*) FROM event_report").fetchone()[0] == 4
    # c again eight days later: its hash is not an event's (c was merged into a), and a is outside ±3 days
    [late] = add_events(demo_db, [EventIn(c, "源D", T0 + dt.timedelta(days=8))])
    assert not late.merged


def test_similarity_by_hand():
    # 长安停产 → bigrams {长安, 安停, 停产}; 长安减产 → {长安, 安减, 减产}: 1 shared of 5
    assert similarity("长安停产", "长安减产") == pytest.approx(1 / 5)


def test_csv_import_is_all_or_nothing_with_chinese_errors(demo_db, tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text(
        "文本,发生时间,来源\n赛力斯工厂火灾,2026-07-01,新闻A\n,2026-07-02,新闻B\n某地暴雨,明天,新闻C\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as e:
        import_file(demo_db, bad)
    probs = [(p.row, p.column, p.reason) for p in e.value.problems]
    assert probs == [(3, "text", "事件文本不能为空"), (4, "occurred_at", "应为 YYYY-MM-DD 或 ISO 时间")]
    assert demo_db.execute("SELECT count(*) FROM event").fetchone()[0] == 0
    good = tmp_path / "events.json"
    good.write_text(
        '{"data": [{"text": "赛力斯超级工厂起火", "occurred_at": "2026-07-01T10:00:00+08:00"}]}',
        encoding="utf-8",
    )
    [got] = import_file(demo_db, good)
    row = demo_db.execute("SELECT source, occurred_at, event_type FROM event").fetchone()
    assert row == ("events.json", dt.datetime(2026, 7, 1, 2, 0), "fire")


def test_bad_manual_input_is_refused(demo_db):
    with pytest.raises(EventError, match="不能为空"):
        add_events(demo_db, [EventIn("  ", "x", T0)])
    with pytest.raises(EventError, match="1990–2100"):
        add_events(demo_db, [EventIn("x工厂火灾", "x", dt.datetime(1900, 1, 1))])


def test_rss_and_atom_feeds_from_a_local_server(demo_db, feed_server):
    rss = add_feed(demo_db, "快讯", f"{feed_server}/news.rss")
    atom = add_feed(demo_db, "Atom", f"{feed_server}/news.atom")
    r1 = pull_feed(demo_db, rss.id)
    assert (r1.entries, r1.added, r1.error) == (2, 2, None)
    r2 = pull_feed(demo_db, atom.id)
    assert (r2.entries, r2.added) == (1, 1)
    again = pull_feed(demo_db, rss.id)
    assert (again.added, again.skipped) == (0, 2)
    rows = demo_db.execute("SELECT text, occurred_at, url, event_type FROM event ORDER BY id").fetchall()
    assert rows[0] == (
        "宁德时代宜宾基地停电。四川时代宜宾基地 停电 两天",
        dt.datetime(2026, 7, 1, 2, 0),
        "http://127.0.0.1/a1",
        "power",
    )
    assert rows[2][3] == "fire"
    firm = demo_db.execute("SELECT target_id FROM event_link WHERE event_id = 3 AND kind = 'firm'").fetchall()
    assert firm == [("continental",)]
    missing = add_feed(demo_db, "坏", f"{feed_server}/nothing.rss")
    r3 = pull_feed(demo_db, missing.id)
    assert r3.error is not None and "无法读取订阅源" in r3.error
    with pytest.raises(FeedError, match="http"):
        add_feed(demo_db, "x", "file:///etc/passwd")


def test_webhook_tokens(demo_db):
    token = create_token(demo_db, "舆情系统")
    assert token_sender(demo_db, token) == "舆情系统"
    assert token_sender(demo_db, token + "x") is None
    assert token_sender(demo_db, None) is None
    assert (
        demo_db.execute("SELECT count(*) FROM event_token WHERE token_hash = ?", [token]).fetchone()[0] == 0
    )


@pytest.mark.parametrize(
    ("text", "etype", "severity", "days"),
    [
        ("宁德时代宁德基地发生火灾，部分电芯产线停工。", "fire", 3, 30.0),
        ("某工厂爆炸造成人员伤亡，全面停产", "fire", 4, 30.0),
        ("暴雨致工厂积水，暂无人员伤亡", "flood", 2, 7.0),
        ("璧山区启动有序用电，工业企业错峰生产。", "power", 2, 5.0),
        ("万国半导体两江水土基地停电四小时。", "power", 2, 4 / 24),
        ("弗吉亚重庆座舱电子工厂员工罢工，生产中断一周。", "strike", 2, 7.0),
        ("美国对部分车规级芯片实施出口管制。", "export_control", 3, 90.0),
        ("一家零部件供应商破产清算", "bankruptcy", 4, 120.0),
        ("深蓝汽车召回部分S7车型", "recall", 2, 7.0),
        ("碳酸锂价格本周上涨百分之五，持续三个月", "price", 1, 0.0),
        ("CATL宣布扩产", "expansion", 1, 0.0),
        ("某工厂停产检修十五天", "other", 2, 15.0),
    ],
)
def test_classification_rules(text, etype, severity, days):
    c = classify(text)
    assert (c.event_type, c.severity) == (etype, severity)
    assert c.duration_days == pytest.approx(days)


def test_numbers_and_durations():
    assert [chinese_number(x) for x in ("十五", "二十", "两", "三百二十", "7", "半")] == [
        15,
        20,
        2,
        320,
        7,
        0.5,
    ]
    assert duration_in_text("预计停产两周") == (14.0, "两周")
    assert duration_in_text("没有时间") is None


def test_user_corrections_are_checked():
    base = classify("某工厂火灾")
    c = corrected(base, event_type="flood", severity=4, duration_days=12)
    assert (c.event_type, c.severity, c.duration_days, c.rule) == ("flood", 4, 12.0, "用户更正")
    with pytest.raises(ClassifyError, match="1–4"):
        corrected(base, event_type=None, severity=5, duration_days=None)
    with pytest.raises(ClassifyError, match="0–365"):
        corrected(base, event_type=None, severity=None, duration_days=float("inf"))
    with pytest.raises(ClassifyError, match="无效"):
        corrected(base, event_type="meteor", severity=None, duration_days=None)

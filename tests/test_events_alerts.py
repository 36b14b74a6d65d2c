"""Alerts: fan-out by role on the hand-worked store of test_events_exposure, no duplicates, in-app list,
e-mail through a local SMTP server (aiosmtpd) and a webhook on a local HTTP server."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from chainbrain.api.accounts import create_user
from chainbrain.events.alerts import (
    AlertError,
    add_subscription,
    deliveries,
    dispatch,
    list_alerts,
    mark_read,
    message,
    set_smtp,
)
from chainbrain.events.ingest import EventIn, add_events
from fixtures.events import events_store

T0 = dt.datetime(2026, 7, 1)


@pytest.fixture
def conn():
    c = events_store()
    yield c
    c.close()


@pytest.fixture
def users(conn):
    return {
        "ana": create_user(conn, "ana_events", "analyst-pass-2026", "analyst").id,
        "buyer": create_user(
            conn, "buyer_events", "purchasing-pass-2026", "enterprise", enterprise_id="oem"
        ).id,
        "rival": create_user(
            conn, "rival_events", "battery-pass-2026", "enterprise", enterprise_id="bat2"
        ).id,
        "viewer": create_user(conn, "viewer_events", "viewing-pass-2026", "viewer").id,
    }


def _event(conn, text):
    [ev] = add_events(conn, [EventIn(text, "手工录入", T0)])
    return ev.event_id


def _alerted(conn, users):
    return {name: [(a.event_id, a.reason) for a in list_alerts(conn, uid)] for name, uid in users.items()}


def test_fan_out_by_role_and_no_duplicates(conn, users):
    add_subscription(conn, users["buyer"], min_severity=2)  # everything about its own suppliers
    add_subscription(conn, users["rival"])  # bat2 buys nothing: only news about itself
    add_subscription(conn, users["ana"], segments=["battery.pack"], min_severity=4)
    add_subscription(conn, users["ana"], districts=["500120"])
    add_subscription(conn, users["ana"], firms=["bat1"])  # a second match: still one alert
    add_subscription(conn, users["viewer"], firms=["bat2"])
    fire = _event(conn, "璧电电池璧山工厂火灾，停产十天")  # severity 3, names bat1 and 璧山区
    assert len(dispatch(conn, fire)) == 2
    assert dispatch(conn, fire) == []  # a second run adds nothing
    got = _alerted(conn, users)
    assert got["buyer"] == [(fire, "璧电电池有限公司")]
    assert got["ana"] == [(fire, "璧山区")]  # its first matching subscription (by id) gives the reason
    assert got["rival"] == [] and got["viewer"] == []

    both = _event(conn, "璧电电池和渝能电池工厂同时停电，停产三天")
    dispatch(conn, both)
    got = _alerted(conn, users)
    assert got["buyer"][0] == (both, "璧电电池有限公司、渝能电池有限公司")
    assert got["rival"] == [(both, "渝能电池有限公司")]  # never told about the other firm in the line
    assert got["viewer"] == [(both, "渝能电池有限公司")]
    assert [a for a, _ in got["ana"]] == [both, fire]


def test_severity_floor(conn, users):
    add_subscription(conn, users["ana"], firms=["bat1"], min_severity=3)
    price = _event(conn, "璧电电池电池包涨价")  # price change, severity 1
    assert dispatch(conn, price) == []


def test_read_mark_is_per_user(conn, users):
    add_subscription(conn, users["ana"])
    ev = _event(conn, "璧电电池璧山工厂火灾")
    [aid] = dispatch(conn, ev)
    assert not mark_read(conn, aid, users["buyer"])
    assert mark_read(conn, aid, users["ana"])
    assert list_alerts(conn, users["ana"])[0].read


def test_bad_subscriptions_are_refused(conn, users):
    with pytest.raises(AlertError, match="企业 'nope' 不存在"):
        add_subscription(conn, users["ana"], firms=["nope"])
    with pytest.raises(AlertError, match="1–4"):
        add_subscription(conn, users["ana"], min_severity=0)
    with pytest.raises(AlertError, match="邮箱"):
        add_subscription(conn, users["ana"], email="not-an-address")
    with pytest.raises(AlertError, match="http"):
        add_subscription(conn, users["ana"], webhook_url="ftp://x")


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    got: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            got.append(envelope.content)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    yield port, got
    ctl.stop()


@pytest.fixture
def hook_server():
    got: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/hook", got
    srv.shutdown()
    srv.server_close()


def test_email_and_webhook_delivery(conn, users, smtp_server, hook_server):
    port, mails = smtp_server
    url, posts = hook_server
    set_smtp(conn, "127.0.0.1", port, "alerts@chainbrain.test")
    add_subscription(conn, users["buyer"], email="buyer@oem.test", webhook_url=url)
    ev = _event(conn, "璧电电池璧山工厂火灾，停产十天")
    [aid] = dispatch(conn, ev)
    assert deliveries(conn, aid) == [("email", "buyer@oem.test", True, None), ("webhook", url, True, None)]
    [raw] = mails
    mail = message_from_bytes(raw, policy=default_policy)
    assert mail["To"] == "buyer@oem.test"
    assert mail["Subject"].startswith("【产业大脑预警】火灾/爆炸（高）")
    assert "涉及：璧电电池有限公司" in mail.get_content()
    [post] = posts
    assert (post["event_id"], post["severity"], post["firms"]) == (
        ev,
        3,
        [{"enterprise_id": "bat1", "name": "璧电电池有限公司"}],
    )
    dispatch(conn, ev)
    assert len(mails) == 1 and len(posts) == 1  # nothing sent twice


def test_failed_delivery_is_recorded(conn, users):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # nothing listens here once the socket is closed
    add_subscription(conn, users["ana"], webhook_url=f"http://127.0.0.1:{dead}/x")
    [aid] = dispatch(conn, _event(conn, "璧电电池璧山工厂火灾"))
    [(channel, _, ok, error)] = deliveries(conn, aid)
    assert (channel, ok) == ("webhook", False) and "Webhook 推送失败" in error


def test_message_text():
    subject, body = message(
        {
            "severity": 4,
            "type_zh": "破产/停业",
            "text": "某供应商破产",
            "reason": "某公司",
            "source": "新闻",
            "url": None,
        }
    )
    assert subject == "【产业大脑预警】破产/停业（严重）：某供应商破产"
    assert body.splitlines()[:3] == ["事件类型：破产/停业", "严重程度：4（严重）", "涉及：某公司"]

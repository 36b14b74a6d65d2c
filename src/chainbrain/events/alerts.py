"""Alerts: who is told about an event, in the app, by webhook and by e-mail.

A **subscription** belongs to one user: firms, segments, districts (each a list; all empty = every event),
a least severity (1–4), and optionally an e-mail address and a webhook URL.

**Fan-out** of an event: a subscription matches when the event's severity is at least its least severity
and the event names one of its firms, segments or districts (or its lists are all empty). Then:

- an *enterprise* user is alerted only about events that name its own firm or one of its suppliers (a firm
  with a site that supplies one of its sites, ``supply_link``); the alert names only those firms — never
  another firm the same news line mentions. A subscription list cannot widen that;
- admins, analysts and viewers are alerted about whatever matches (the news text is public; what the
  exposure shows each role is decided where it is shown).

There is **one alert per user and event** (a unique key), however many subscriptions match and however
often the fan-out runs; e-mail and webhook go out only when the alert is first created, and each delivery
is recorded (``alert_delivery``) with its error, if any. E-mail goes through the SMTP server an admin
configured (``event_setting``: smtp_host, smtp_port, smtp_from).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import duckdb

from chainbrain.events.classify import SEVERITY_ZH, event_types
from chainbrain.store.records import fetch_dicts

SEND_TIMEOUT_S = 10.0
MAX_LIST = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AlertError(ValueError):
    """A bad subscription or setting; the message names the field and value (in Chinese)."""


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int
    firms: list[str]
    segments: list[str]
    districts: list[str]
    min_severity: int
    email: str | None
    webhook_url: str | None


@dataclass(frozen=True)
class Alert:
    id: int
    event_id: int
    user_id: int
    reason: str
    created_at: dt.datetime
    read: bool
    event_type: str
    type_zh: str
    severity: int
    text: str


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str


def _check_ids(conn: duckdb.DuckDBPyConnection, table: str, ids: list[str], what: str) -> None:
    if len(ids) > MAX_LIST:
        raise AlertError(f"{what}最多 {MAX_LIST} 个")
    known = {
        r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE list_contains(?, id)", [ids]).fetchall()
    }
    missing = [x for x in ids if x not in known]
    if missing:
        raise AlertError(f"{what} {missing[0]!r} 不存在")


def add_subscription(
    conn: duckdb.DuckDBPyConnection,
    user_id: int,
    *,
    firms: Sequence[str] = (),
    segments: Sequence[str] = (),
    districts: Sequence[str] = (),
    min_severity: int = 1,
    email: str | None = None,
    webhook_url: str | None = None,
) -> Subscription:
    firm_ids, segment_ids, district_ids = list(firms), list(segments), list(districts)
    if not conn.execute("SELECT 1 FROM app_user WHERE id = ?", [user_id]).fetchone():
        raise AlertError(f"用户 {user_id} 不存在")
    _check_ids(conn, "enterprise", firm_ids, "企业")
    _check_ids(conn, "segment", segment_ids, "产业链环节")
    _check_ids(conn, "district", district_ids, "区县")
    if not isinstance(min_severity, int) or not 1 <= min_severity <= 4:
        raise AlertError(f"最低严重程度 {min_severity!r} 应为 1–4 的整数")
    if email is not None and not _EMAIL.match(email):
        raise AlertError(f"邮箱地址 {email!r} 格式不正确")
    if webhook_url is not None and not re.match(r"^https?://", webhook_url):
        raise AlertError(f"Webhook 地址 {webhook_url!r} 应以 http:// 或 https:// 开头")
    row = conn.execute(
        "INSERT INTO subscription (user_id, firms, segments, districts, min_severity, email, webhook_url)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [user_id, firm_ids, segment_ids, district_ids, min_severity, email, webhook_url],
    ).fetchone()
    assert row is not None
    return Subscription(
        int(row[0]), user_id, firm_ids, segment_ids, district_ids, min_severity, email, webhook_url
    )


def list_subscriptions(conn: duckdb.DuckDBPyConnection, user_id: int | None = None) -> list[Subscription]:
    rows = fetch_dicts(
        conn,
        "SELECT id, user_id, firms, segments, districts, min_severity, email, webhook_url FROM subscription"
        " WHERE ? IS NULL OR user_id = ? ORDER BY id",
        [user_id, user_id],
    )
    return [Subscription(**r) for r in rows]


def remove_subscription(conn: duckdb.DuckDBPyConnection, sub_id: int, user_id: int) -> bool:
    cur = conn.execute(
        "DELETE FROM subscription WHERE id = ? AND user_id = ? RETURNING id", [sub_id, user_id]
    )
    return bool(cur.fetchall())


def set_smtp(conn: duckdb.DuckDBPyConnection, host: str, port: int, sender: str) -> SmtpConfig:
    if not host.strip():
        raise AlertError("SMTP 服务器地址不能为空")
    if not 1 <= port <= 65535:
        raise AlertError(f"SMTP 端口 {port} 应在 1–65535 之间")
    if not _EMAIL.match(sender):
        raise AlertError(f"发件人地址 {sender!r} 格式不正确")
    for k, v in (("smtp_host", host.strip()), ("smtp_port", str(port)), ("smtp_from", sender)):
        conn.execute("INSERT OR REPLACE INTO event_setting VALUES (?, ?)", [k, v])
    return SmtpConfig(host.strip(), port, sender)


def smtp_config(conn: duckdb.DuckDBPyConnection) -> SmtpConfig | None:
    got = dict(conn.execute("SELECT key, value FROM event_setting").fetchall())
    if not {"smtp_host", "smtp_port", "smtp_from"} <= set(got):
        return None
    return SmtpConfig(got["smtp_host"], int(got["smtp_port"]), got["smtp_from"])


def own_supplier_firms(conn: duckdb.DuckDBPyConnection, enterprise_id: str) -> set[str]:
    """The firm itself and every firm with a site supplying one of its sites."""
    rows = conn.execute(
        "SELECT DISTINCT ss.enterprise_id FROM supply_link l JOIN site bs ON bs.id = l.buyer_site_id"
        " JOIN site ss ON ss.id = l.supplier_site_id WHERE bs.enterprise_id = ?",
        [enterprise_id],
    ).fetchall()
    return {enterprise_id} | {r[0] for r in rows}


def _matches(
    sub: dict, sev: int, firms: set[str], segments: set[str], districts: set[str]
) -> list[str] | None:
    if sev < sub["min_severity"]:
        return None
    wanted = (set(sub["firms"]), set(sub["segments"]), set(sub["districts"]))
    if not any(wanted):
        return sorted(firms)
    hits = [*sorted(wanted[0] & firms), *sorted(wanted[1] & segments), *sorted(wanted[2] & districts)]
    return hits or None


def dispatch(conn: duckdb.DuckDBPyConnection, event_id: int) -> list[int]:
    """Fan one event out to every matching subscription; returns the ids of the alerts created now."""
    ev = conn.execute(
        "SELECT severity, event_type, text, source, url FROM event WHERE id = ?", [event_id]
    ).fetchone()
    if ev is None:
        raise KeyError(f"事件 {event_id} 不存在")
    sev = int(ev[0])
    links = conn.execute("SELECT kind, target_id FROM event_link WHERE event_id = ?", [event_id]).fetchall()
    firms = {t for k, t in links if k == "firm"}
    segments = {t for k, t in links if k == "segment"}
    districts = {t for k, t in links if k == "district"}
    names: dict[str, str] = {}
    for sql, ids in (
        ("SELECT id, name FROM enterprise WHERE list_contains(?, id)", firms),
        ("SELECT id, name FROM district WHERE list_contains(?, id)", districts),
        ("SELECT id, name_zh FROM segment WHERE list_contains(?, id)", segments),
    ):
        names |= dict(conn.execute(sql, [sorted(ids)]).fetchall())
    subs = fetch_dicts(
        conn,
        "SELECT s.*, u.role, u.enterprise_id FROM subscription s JOIN app_user u ON u.id = s.user_id"
        " WHERE u.active ORDER BY s.id",
    )
    created: list[int] = []
    smtp = smtp_config(conn)
    for sub in subs:
        visible = firms
        if sub["role"] == "enterprise":
            visible = firms & own_supplier_firms(conn, sub["enterprise_id"])
            if not visible:
                continue
        hits = _matches(sub, sev, visible, segments, districts)
        if hits is None:
            continue
        reason = "、".join(names.get(h, h) for h in hits) or "全部事件"
        row = conn.execute(
            "INSERT INTO alert (event_id, user_id, subscription_id, reason) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING id",
            [event_id, sub["user_id"], sub["id"], reason],
        ).fetchone()
        if row is None:
            continue  # this user already has an alert for this event
        alert_id = int(row[0])
        created.append(alert_id)
        etype = event_types().get(str(ev[1]), event_types()["other"])
        payload = {
            "alert_id": alert_id,
            "event_id": event_id,
            "event_type": etype.id,
            "type_zh": etype.zh,
            "severity": sev,
            "text": ev[2],
            "source": ev[3],
            "url": ev[4],
            "firms": [{"enterprise_id": f, "name": names.get(f, f)} for f in sorted(visible)],
            "reason": reason,
        }
        if sub["email"] and smtp is not None:
            _record(conn, alert_id, "email", sub["email"], _send_email(smtp, sub["email"], payload))
        if sub["webhook_url"]:
            _record(conn, alert_id, "webhook", sub["webhook_url"], _post(sub["webhook_url"], payload))
    return created


def _record(
    conn: duckdb.DuckDBPyConnection, alert_id: int, channel: str, target: str, error: str | None
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO alert_delivery (alert_id, channel, target, ok, error) VALUES (?, ?, ?, ?, ?)",
        [alert_id, channel, target, error is None, error],
    )


def message(payload: dict) -> tuple[str, str]:
    """Subject and plain-text body of an alert e-mail (zh-CN)."""
    sev = int(payload["severity"])
    subject = f"【产业大脑预警】{payload['type_zh']}（{SEVERITY_ZH[sev]}）：{str(payload['text'])[:40]}"
    lines = [
        f"事件类型：{payload['type_zh']}",
        f"严重程度：{sev}（{SEVERITY_ZH[sev]}）",
        f"涉及：{payload['reason']}",
        f"来源：{payload['source']}" + (f"（{payload['url']}）" if payload["url"] else ""),
        "",
        str(payload["text"]),
    ]
    return subject, "\n".join(lines)


def _send_email(cfg: SmtpConfig, to: str, payload: dict) -> str | None:
    subject, body = message(payload)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = cfg.sender, to, subject
    msg.set_content(body)
    try:
        with smtplib.SMTP(cfg.host, cfg.port, timeout=SEND_TIMEOUT_S) as s:
            s.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        return f"邮件发送失败：{e}"
    return None


def _post(url: str, payload: dict) -> str | None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=SEND_TIMEOUT_S) as resp:
            resp.read(1024)
    except (urllib.error.URLError, OSError) as e:
        return f"Webhook 推送失败：{e}"
    return None


def list_alerts(conn: duckdb.DuckDBPyConnection, user_id: int, *, limit: int = 100) -> list[Alert]:
    rows = fetch_dicts(
        conn,
        "SELECT a.id, a.event_id, a.user_id, a.reason, a.created_at, a.read_at IS NOT NULL AS read,"
        " e.event_type, e.severity, e.text FROM alert a JOIN event e ON e.id = a.event_id"
        " WHERE a.user_id = ? ORDER BY a.id DESC LIMIT ?",
        [user_id, limit],
    )
    types = event_types()
    return [Alert(**{**r, "type_zh": types.get(r["event_type"], types["other"]).zh}) for r in rows]


def mark_read(conn: duckdb.DuckDBPyConnection, alert_id: int, user_id: int) -> bool:
    cur = conn.execute(
        "UPDATE alert SET read_at = coalesce(read_at, current_timestamp) WHERE id = ? AND user_id = ? RETURNING id",
        [alert_id, user_id],
    )
    return bool(cur.fetchall())


def deliveries(conn: duckdb.DuckDBPyConnection, alert_id: int) -> list[tuple[str, str, bool, str | None]]:
    return [
        (str(a), str(b), bool(c), d)
        for a, b, c, d in conn.execute(
            "SELECT channel, target, ok, error FROM alert_delivery WHERE alert_id = ? ORDER BY channel",
            [alert_id],
        ).fetchall()
    ]

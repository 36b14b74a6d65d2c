"""Who must report what by when: the reporting duties of the 《新能源汽车动力蓄电池回收利用溯源管理暂行规定》
(工业和信息化部 2018 年第 35 号公告, in force 2018-08-01), per actor and event, in working days.

:data:`DUTIES` is the one table of rules. Each rule cites its article; ``checked`` says whether its
deadline was read here in a public copy of the final text (articles 10–15 were; articles 8 and 9 — battery
makers at shipment, OEMs at the vehicle certificate and at sale — were only seen in secondary summaries and
in the May 2018 consultation draft, which said 7 working days where summaries of the final text say 15).
Unchecked rules are used, but marked as such in every result and in ``docs/battery.md``.

"N 个工作日内上传" is counted with :mod:`chainbrain.battery.calendar`: the deadline is the N-th working day
after the event day. Where the rule says the OEM uploads (after its partner's report), the reporter is the
OEM of the pack the unit belongs to.

Broken chains (the standard requires pack ↔ module ↔ cell links): a module with no cells, an installed
pack with no VIN, a unit recycled that was never retired (itself or any unit above it), a parent code that
is not in the store.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import duckdb

from chainbrain.battery import ledger
from chainbrain.battery.calendar import CalendarError, add_working_days, working_days_between

SOURCE = "工业和信息化部《新能源汽车动力蓄电池回收利用溯源管理暂行规定》（2018年第35号公告）"
_FINAL = "条文（终稿）公开转载本，已在此核对"
_UNCHECKED = "未能在此核对条文：仅见二手摘要与2018年5月征求意见稿（意见稿为7个工作日）"


@dataclass(frozen=True)
class Duty:
    """One reporting rule: an ``event`` by one of ``roles`` must be uploaded by ``reporter`` (the actor
    itself, or the pack's OEM) within ``working_days`` working days."""

    id: str
    event: str
    roles: tuple[str, ...]
    reporter: Literal["actor", "oem"]
    working_days: int
    article: str
    summary_zh: str
    checked: bool
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "source": SOURCE}


DUTIES: tuple[Duty, ...] = (
    Duty("maker_shipped", "shipped", ("battery_maker",), "actor", 15, "第八条",
         "电池生产企业：动力蓄电池出厂后上传编码等信息", False, _UNCHECKED),
    Duty("oem_installed", "installed", ("oem",), "actor", 15, "第九条",
         "汽车生产企业：配发新能源汽车出厂合格证后上传车辆与电池对应信息", False, _UNCHECKED),
    Duty("oem_sold", "sold", ("oem", "dealer"), "oem", 30, "第九条",
         "汽车生产企业：新车销售后上传（合作销售商先向其报送）", False,
         "未能在此核对：期限按第十条同类结构推定，条文未见"),
    Duty("oem_repaired", "repaired", ("oem", "repairer"), "oem", 30, "第十条",
         "汽车生产企业：动力蓄电池维修后上传（合作维修商先向其报送）", True, _FINAL),
    Duty("oem_replaced", "replaced", ("oem", "repairer"), "oem", 30, "第十条",
         "汽车生产企业：动力蓄电池更换后上传（合作维修商先向其报送）", True, _FINAL),
    Duty("oem_collected_in", "collected_in", ("collection_point",), "oem", 30, "第十一条",
         "汽车生产企业：废旧动力蓄电池在回收服务网点回收入库后上传", True, _FINAL),
    Duty("oem_collected_out", "collected_out", ("collection_point",), "oem", 30, "第十一条",
         "汽车生产企业：废旧动力蓄电池从回收服务网点移交出库后上传", True, _FINAL),
    Duty("dismantler_received", "retired", ("dismantler",), "actor", 15, "第十三条",
         "报废汽车回收拆解企业：接收报废新能源汽车并出具《报废汽车回收证明》后上传", True, _FINAL),
    Duty("dismantler_dismantled", "dismantled", ("dismantler",), "actor", 15, "第十三条",
         "报废汽车回收拆解企业：废旧动力蓄电池拆卸并移交出库后上传", True, _FINAL),
    Duty("cascade_product_out", "cascade_made", ("cascade_user",), "actor", 15, "第十四条",
         "梯次利用企业：梯次利用电池产品出库后上传", True, _FINAL),
    Duty("cascade_waste_in", "collected_in", ("cascade_user",), "actor", 15, "第十四条",
         "梯次利用企业：梯次利用过程中产生的废旧电池回收入库后上传", True, _FINAL),
    Duty("cascade_waste_out", "collected_out", ("cascade_user",), "actor", 15, "第十四条",
         "梯次利用企业：梯次利用过程中产生的废旧电池移交出库后上传", True, _FINAL),
    Duty("recycler_received", "recycler_in", ("recycler",), "actor", 30, "第十五条",
         "再生利用企业：废旧动力蓄电池接收入库后上传", True, _FINAL),
    Duty("recycler_done", "recycled", ("recycler",), "actor", 30, "第十五条",
         "再生利用企业：完成再生利用及最终处理后上传", True, _FINAL),
)  # fmt: skip
_BY_EVENT_ROLE = {(d.event, r): d for d in DUTIES for r in d.roles}

State = Literal["on_time", "late", "missing", "pending", "unknown", "no_reporter"]
STATE_ZH = {"on_time": "按时", "late": "逾期上报", "missing": "逾期未报", "pending": "未到期",
            "unknown": "无法判定", "no_reporter": "找不到上报主体"}  # fmt: skip


def duty_for(event: str, role: str | None) -> Duty | None:
    """The rule an event by an actor of ``role`` falls under (None: no reporting duty)."""
    return _BY_EVENT_ROLE.get((event, role or ""))


@dataclass(frozen=True)
class ReportCheck:
    """One event checked against its rule as of ``as_of``."""

    event_id: str
    code: str
    event: str
    duty_id: str
    article: str
    checked_rule: bool
    reporter_id: str | None
    reporter_role: str
    date: dt.date
    deadline: dt.date | None
    reported_at: dt.date | None
    state: State
    working_days_late: int | None
    note: str = ""

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    @property
    def event_zh(self) -> str:
        return ledger.EVENTS[self.event]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "state_zh": self.state_zh, "event_zh": self.event_zh}


def check_event(e: ledger.BatteryEvent, duty: Duty, reporter_id: str | None, as_of: dt.date) -> ReportCheck:
    """Classify one event: reported on time, late, missing (deadline passed, nothing reported), pending."""
    role = "oem" if duty.reporter == "oem" else (e.actor_role or "")

    def made(deadline: dt.date | None, state: State, late: int | None, note: str = "") -> ReportCheck:
        return ReportCheck(e.id, e.code, e.event, duty.id, duty.article, duty.checked, reporter_id, role,
                           e.date, deadline, e.reported_at, state, late, note)  # fmt: skip

    if reporter_id is None:
        return made(None, "no_reporter", None, "上报主体为汽车生产企业，但该电池未记录汽车生产企业")
    try:
        deadline = add_working_days(e.date, duty.working_days)
        if e.reported_at is not None:
            if e.reported_at > deadline:
                return made(deadline, "late", working_days_between(deadline, e.reported_at))
            return made(deadline, "on_time", 0)
        if as_of > deadline:
            return made(deadline, "missing", working_days_between(deadline, as_of))
        return made(deadline, "pending", None)
    except CalendarError as err:
        return made(None, "unknown", None, str(err))


def _pack_oem(conn: duckdb.DuckDBPyConnection, codes: Sequence[str]) -> dict[str, str | None]:
    """code → the nearest OEM recorded on the unit or on a unit above it (walks up at most 8 levels)."""
    if not codes:
        return {}
    known = {u.code: u for u in ledger.units(conn, codes)}
    out: dict[str, str | None] = {}
    cursor = {c: c for c in codes}  # code → the unit reached so far
    for _ in range(9):
        missing = [cur for cur in cursor.values() if cur not in known]
        if missing:
            known.update({u.code: u for u in ledger.units(conn, missing)})
        nxt = {}
        for c, cur in cursor.items():
            u = known.get(cur)
            if u is None:
                out[c] = None
            elif u.oem_id:
                out[c] = u.oem_id
            elif u.parent_code and u.parent_code != c:
                nxt[c] = u.parent_code
            else:
                out[c] = None
        if not nxt:
            break
        cursor = nxt
    for c in cursor:
        out.setdefault(c, None)
    return out


def check_reports(
    conn: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    *,
    codes: Sequence[str] | None = None,
    events: Sequence[ledger.BatteryEvent] | None = None,
    oems: dict[str, str | None] | None = None,
) -> list[ReportCheck]:
    """Every event that carries a reporting duty, checked as of ``as_of`` (events after it are ignored).

    ``events`` and ``oems`` (code → the OEM that reports for it) may be given when already at hand (a trace
    has them); otherwise they are read from the store, for ``codes`` or for all."""
    evs = [e for e in (events if events is not None else ledger.events(conn, codes)) if e.date <= as_of]
    if oems is None:
        oems = _pack_oem(conn, sorted({e.code for e in evs}))
    out = []
    for e in evs:
        duty = duty_for(e.event, e.actor_role)
        if duty is None:
            continue
        reporter = oems.get(e.code) if duty.reporter == "oem" else e.actor_id
        out.append(check_event(e, duty, reporter, as_of))
    return out


@dataclass(frozen=True)
class ActorCompliance:
    """Per reporter: how many duties, and how many on time, late, missing, pending, undecidable."""

    reporter_id: str | None
    reporter_role: str
    total: int
    on_time: int
    late: int
    missing: int
    pending: int
    unknown: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def by_actor(checks: Sequence[ReportCheck]) -> list[ActorCompliance]:
    """Roll the checks up per reporter, worst first (missing, then late)."""
    groups: dict[tuple[str | None, str], Counter[str]] = {}
    for c in checks:
        groups.setdefault((c.reporter_id, c.reporter_role), Counter())[c.state] += 1
    rows = [
        ActorCompliance(
            rid,
            role,
            sum(n.values()),
            n["on_time"],
            n["late"],
            n["missing"],
            n["pending"],
            n["unknown"] + n["no_reporter"],
        )  # fmt: skip
        for (rid, role), n in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r.missing, -r.late, r.reporter_id or ""))


@dataclass(frozen=True)
class BrokenLink:
    code: str
    kind: str
    problem: Literal["module_without_cells", "installed_pack_without_vin", "recycled_never_retired",
                     "parent_missing"]  # fmt: skip
    detail_zh: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def broken_chains(conn: duckdb.DuckDBPyConnection) -> list[BrokenLink]:
    """Units whose chain is broken (see the module docstring), sorted by problem then code."""
    out: list[BrokenLink] = []
    for (code,) in conn.execute(
        "SELECT m.code FROM battery_unit m WHERE m.kind = 'module' AND NOT EXISTS "
        "(SELECT 1 FROM battery_unit c WHERE c.parent_code = m.code) ORDER BY m.code"
    ).fetchall():
        out.append(BrokenLink(code, "module", "module_without_cells", "模块下没有任何单体"))
    for (code,) in conn.execute(
        "SELECT DISTINCT u.code FROM battery_unit u JOIN battery_event e ON e.code = u.code "
        "WHERE u.kind = 'pack' AND e.event = 'installed' AND u.vin IS NULL ORDER BY u.code"
    ).fetchall():
        out.append(BrokenLink(code, "pack", "installed_pack_without_vin", "电池包已装车但未记录车辆识别代号"))
    for code, kind in conn.execute(
        """
        WITH RECURSIVE up(code, cur, depth) AS (
            SELECT code, code, 0 FROM battery_unit
            WHERE code IN (SELECT code FROM battery_event WHERE event IN ('recycler_in', 'recycled'))
            UNION ALL
            SELECT up.code, u.parent_code, up.depth + 1 FROM up JOIN battery_unit u ON u.code = up.cur
            WHERE u.parent_code IS NOT NULL AND up.depth < 8
        )
        SELECT u.code, u.kind FROM battery_unit u
        WHERE u.code IN (SELECT code FROM up)
          AND NOT EXISTS (SELECT 1 FROM up JOIN battery_event e ON e.code = up.cur
                          WHERE up.code = u.code AND e.event = 'retired')
        ORDER BY u.code
        """
    ).fetchall():
        out.append(
            BrokenLink(code, kind, "recycled_never_retired", "已进入再生利用，但本身及上级均无退役记录")
        )
    for code, kind, parent in conn.execute(
        "SELECT u.code, u.kind, u.parent_code FROM battery_unit u WHERE u.parent_code IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM battery_unit p WHERE p.code = u.parent_code) ORDER BY u.code"
    ).fetchall():
        out.append(BrokenLink(code, kind, "parent_missing", f"上级编码 {parent} 不在库中"))
    return out


def board_sql(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[ActorCompliance]:
    """:func:`by_actor` of :func:`check_reports`, computed inside DuckDB for ledgers of tens of millions of
    events: the working-day calendar and :data:`DUTIES` become two small tables, a deadline is one join.

    Same definitions as the row-by-row path (tested equal); a unit's OEM is the nearest one recorded on it or
    on the (at most two) units above it — packs, modules and cells nest at most three deep.
    """
    import pyarrow as pa

    from chainbrain.battery.calendar import _tables, covered_years

    first, cum, nth = _tables()
    lo, hi = covered_years()
    days = pa.table({"day": pa.array([first + dt.timedelta(days=i) for i in range(len(cum))], pa.date32()),
                     "cum": pa.array(cum, pa.int32())})  # fmt: skip
    kth = pa.table({"k": pa.array(range(1, len(nth) + 1), pa.int32()), "day": pa.array(nth, pa.date32())})
    rules = pa.table({
        "event": [d.event for d in DUTIES for _ in d.roles],
        "role": [r for d in DUTIES for r in d.roles],
        "by_oem": [d.reporter == "oem" for d in DUTIES for _ in d.roles],
        "n": pa.array([d.working_days for d in DUTIES for _ in d.roles], pa.int32()),
    })  # fmt: skip
    conn.register("_cb_days", days)
    conn.register("_cb_kth", kth)
    conn.register("_cb_rules", rules)
    bar = conn.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0]
    conn.execute("SET enable_progress_bar = false")  # a library stays quiet on long statements
    try:
        rows = conn.execute(
            """
            WITH e AS (
                SELECT e.code, e.date, e.reported_at, e.actor_id, e.actor_role, r.by_oem, r.n
                FROM battery_event e JOIN _cb_rules r ON r.event = e.event AND r.role = e.actor_role
                WHERE e.date <= ?
            ),
            own AS (  -- duties the actor files itself: counted per (reporter, day, report day) first
                SELECT actor_id AS reporter, actor_role AS reporter_role, n, date, reported_at, count(*) AS cnt
                FROM e WHERE NOT by_oem GROUP BY ALL
            ),
            o AS (  -- duties the OEM files: the unit's own OEM, else the nearest above it
                SELECT e.n, e.date, e.reported_at, u.oem_id, u.parent_code
                FROM e LEFT JOIN battery_unit u ON u.code = e.code WHERE e.by_oem
            ),
            oem AS (
                SELECT oem_id AS reporter, n, date, reported_at, count(*) AS cnt
                FROM o WHERE oem_id IS NOT NULL GROUP BY ALL
                UNION ALL
                SELECT coalesce(p.oem_id, g.oem_id), o.n, o.date, o.reported_at, count(*)
                FROM o LEFT JOIN battery_unit p ON p.code = o.parent_code
                LEFT JOIN battery_unit g ON g.code = p.parent_code
                WHERE o.oem_id IS NULL GROUP BY ALL
            ),
            w AS (
                SELECT reporter, reporter_role, n, date, reported_at, cnt FROM own
                UNION ALL
                SELECT reporter, 'oem', n, date, reported_at, cnt FROM oem
            ),
            d AS (  -- the deadline: the n-th working day after the event day, two lookups in small tables
                SELECT w.*, k.day AS deadline
                FROM w LEFT JOIN _cb_days c ON c.day = w.date LEFT JOIN _cb_kth k ON k.k = c.cum + w.n
            ),
            s AS (
                SELECT reporter, reporter_role, cnt,
                       CASE WHEN reporter IS NULL THEN 'no_reporter'
                            WHEN year(date) NOT BETWEEN ? AND ? OR deadline IS NULL THEN 'unknown'
                            WHEN reported_at IS NOT NULL AND reported_at > deadline THEN 'late'
                            WHEN reported_at IS NOT NULL THEN 'on_time'
                            WHEN ? > deadline THEN 'missing'
                            ELSE 'pending' END AS state
                FROM d
            )
            SELECT reporter, reporter_role, sum(cnt),
                   coalesce(sum(cnt) FILTER (WHERE state = 'on_time'), 0),
                   coalesce(sum(cnt) FILTER (WHERE state = 'late'), 0),
                   coalesce(sum(cnt) FILTER (WHERE state = 'missing'), 0),
                   coalesce(sum(cnt) FILTER (WHERE state = 'pending'), 0),
                   coalesce(sum(cnt) FILTER (WHERE state IN ('unknown', 'no_reporter')), 0)
            FROM s GROUP BY ALL
            """,
            [as_of, lo, hi, as_of],
        ).fetchall()
    finally:
        conn.execute(f"SET enable_progress_bar = {bool(bar)}")
        for name in ("_cb_days", "_cb_kth", "_cb_rules"):
            conn.unregister(name)
    board = [ActorCompliance(r[0], r[1] or "", *(int(x) for x in r[2:])) for r in rows]
    return sorted(board, key=lambda r: (-r.missing, -r.late, r.reporter_id or ""))

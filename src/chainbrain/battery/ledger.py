"""The traceability ledger: battery units (pack / module / cell), their lifecycle events and manufacturer
codes, as typed records, and the queries over the ``battery_*`` tables (migration 010).

Vocabularies (event types, actor roles) are defined here once, with their Chinese names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import duckdb

from chainbrain.store.records import fetch_dicts

Kind = Literal["pack", "module", "cell"]
Status = Literal["verified", "illustrative", "synthetic"]

#: lifecycle events in life order → Chinese name
EVENTS: dict[str, str] = {
    "produced": "生产",
    "shipped": "出厂",
    "installed": "装车（配发合格证）",
    "sold": "销售",
    "repaired": "维修",
    "replaced": "更换",
    "retired": "退役（报废车辆回收）",
    "collected_in": "回收服务网点入库",
    "collected_out": "回收服务网点移交出库",
    "dismantled": "拆卸并移交出库",
    "cascade_made": "梯次利用产品出库",
    "recycler_in": "再生利用企业接收入库",
    "recycled": "完成再生利用",
}
#: who acts → Chinese name
ROLES: dict[str, str] = {
    "battery_maker": "电池生产企业",
    "oem": "汽车生产企业",
    "dealer": "销售商",
    "repairer": "维修商",
    "collection_point": "回收服务网点",
    "dismantler": "报废汽车回收拆解企业",
    "cascade_user": "梯次利用企业",
    "recycler": "再生利用企业",
}
KIND_ZH: dict[str, str] = {"pack": "电池包", "module": "模块", "cell": "单体"}
#: a unit's kind → the kinds its parent may have (a cell may sit directly in a pack)
PARENT_KINDS: dict[str, tuple[str, ...]] = {"pack": (), "module": ("pack",), "cell": ("module", "pack")}


@dataclass(frozen=True)
class BatteryUnit:
    code: str
    kind: Kind
    parent_code: str | None
    maker_id: str | None
    vin: str | None
    oem_id: str | None
    capacity_kwh: float | None
    produced: dt.date | None
    source: str
    as_of: dt.date | None
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BatteryEvent:
    id: str
    code: str
    event: str
    actor_id: str | None
    actor_role: str | None
    site: str | None
    district_code: str | None
    date: dt.date
    reported_at: dt.date | None
    ref: str | None
    source: str
    as_of: dt.date | None
    status: Status

    @property
    def event_zh(self) -> str:
        return EVENTS[self.event]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "event_zh": self.event_zh}


@dataclass(frozen=True)
class Maker:
    code: str
    enterprise_id: str
    name: str | None
    source: str
    status: Status


_UNIT_COLS = "code, kind, parent_code, maker_id, vin, oem_id, capacity_kwh, produced, source, as_of, status"
_EVENT_COLS = "id, code, event, actor_id, actor_role, site, district_code, date, reported_at, ref, source, as_of, status"


#: codes per IN (?, …) list: point lookups stay on the indexes (a list joined from an array is a full scan)
_CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterable[tuple[str, list[str]]]:
    """(``(?, ?, …)``, values) per chunk of at most :data:`_CHUNK` values."""
    vals = list(dict.fromkeys(values))
    for i in range(0, len(vals), _CHUNK):
        part = vals[i : i + _CHUNK]
        yield "(" + ", ".join("?" * len(part)) + ")", part


def _units(rows: Iterable[dict[str, Any]]) -> list[BatteryUnit]:
    return [BatteryUnit(**r) for r in rows]


def _events(rows: Iterable[dict[str, Any]]) -> list[BatteryEvent]:
    return [BatteryEvent(**r) for r in rows]


def unit(conn: duckdb.DuckDBPyConnection, code: str) -> BatteryUnit | None:
    found = fetch_dicts(conn, f"SELECT {_UNIT_COLS} FROM battery_unit WHERE code = ?", [code])
    return BatteryUnit(**found[0]) if found else None


def units(
    conn: duckdb.DuckDBPyConnection, codes: Sequence[str] | None = None, *, maker_or_oem: str | None = None
) -> list[BatteryUnit]:
    """Units by code (all when ``codes`` is None); ``maker_or_oem`` keeps one enterprise's own."""
    own = " AND (maker_id = ? OR oem_id = ?)" if maker_or_oem is not None else ""
    extra = [maker_or_oem, maker_or_oem] if maker_or_oem is not None else []
    if codes is None:
        where = " WHERE " + own[5:] if own else ""
        return _units(fetch_dicts(conn, f"SELECT {_UNIT_COLS} FROM battery_unit{where} ORDER BY code", extra))
    out: list[BatteryUnit] = []
    for marks, part in _chunks(codes):
        out += _units(fetch_dicts(conn, f"SELECT {_UNIT_COLS} FROM battery_unit WHERE code IN {marks}{own}",
                                  [*part, *extra]))  # fmt: skip
    return sorted(out, key=lambda u: u.code)


def children(conn: duckdb.DuckDBPyConnection, code: str) -> list[BatteryUnit]:
    """Every unit below ``code`` (modules and their cells), breadth first, codes sorted within a level.

    Level by level with indexed lookups (at most 8 levels; a cycle in bad data stops there)."""
    out: list[BatteryUnit] = []
    seen = {code}
    level = [code]
    for _ in range(8):
        found: list[BatteryUnit] = []
        for marks, part in _chunks(level):
            found += _units(fetch_dicts(conn, f"SELECT {_UNIT_COLS} FROM battery_unit WHERE parent_code IN {marks}",
                                        part))  # fmt: skip
        found = sorted((u for u in found if u.code not in seen), key=lambda u: u.code)
        if not found:
            break
        seen.update(u.code for u in found)
        out += found
        level = [u.code for u in found if u.kind != "cell"]  # nothing sits below a cell
        if not level:
            break
    return out


def ancestors(
    conn: duckdb.DuckDBPyConnection, code: str, start: BatteryUnit | None = None
) -> list[BatteryUnit]:
    """The unit's parent, its parent's parent … nearest first (stops at a cycle or after 8 levels).

    ``start``: the unit ``code`` itself when the caller has already read it (saves one lookup)."""
    out: list[BatteryUnit] = []
    seen = {code}
    current = start if start is not None and start.code == code else unit(conn, code)
    while current is not None and current.parent_code and current.parent_code not in seen and len(out) < 8:
        seen.add(current.parent_code)
        current = unit(conn, current.parent_code)
        if current is not None:
            out.append(current)
    return out


def events(conn: duckdb.DuckDBPyConnection, codes: Sequence[str] | None = None) -> list[BatteryEvent]:
    """Events of these codes (all when None), in date order."""
    if codes is None:
        return _events(fetch_dicts(conn, f"SELECT {_EVENT_COLS} FROM battery_event ORDER BY date, code, id"))
    out: list[BatteryEvent] = []
    for marks, part in _chunks(codes):
        out += _events(
            fetch_dicts(conn, f"SELECT {_EVENT_COLS} FROM battery_event WHERE code IN {marks}", part)
        )
    return sorted(out, key=lambda e: (e.date, e.code, e.id))


def makers(conn: duckdb.DuckDBPyConnection) -> dict[str, Maker]:
    """Manufacturer code → the enterprise it belongs to (name from the enterprise table when present)."""
    rows = fetch_dicts(
        conn,
        "SELECT m.code, m.enterprise_id, e.name, m.source, m.status FROM battery_maker m "
        "LEFT JOIN enterprise e ON e.id = m.enterprise_id ORDER BY m.code",
    )
    return {r["code"]: Maker(**r) for r in rows}


def existing_keys(conn: duckdb.DuckDBPyConnection, table: str, key: str, values: Sequence[str]) -> set[str]:
    """Which of ``values`` are already stored as ``key`` of ``table`` (one of the battery tables)."""
    if table not in ("battery_unit", "battery_event", "battery_maker") or key not in ("code", "id"):
        raise ValueError(f"not a battery table key: {table}.{key}")
    if not values:
        return set()
    found = conn.execute(
        f"SELECT {key} FROM {table} WHERE {key} IN (SELECT unnest(?::VARCHAR[]))", [list(values)]
    ).fetchall()
    return {r[0] for r in found}


def enterprise_ids(conn: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    found = conn.execute(
        "SELECT id FROM enterprise WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
    ).fetchall()
    return {r[0] for r in found}


def enterprise_names(conn: duckdb.DuckDBPyConnection, ids: Sequence[str | None]) -> dict[str, str]:
    """Enterprise id → short name (else full name) for the ids found; unknown ids are left out."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    found = conn.execute(
        "SELECT id, coalesce(short_name, name) FROM enterprise WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [wanted],
    ).fetchall()
    return {r[0]: r[1] for r in found}


def display_names(
    conn: duckdb.DuckDBPyConnection, enterprise_ids: Sequence[str | None], site_ids: Sequence[str | None] = ()
) -> dict[str, str]:
    """Id → the name a person reads: firms by short name, plants by name; ids not in the store are left out.

    Sites in the ledger may be free text (长安授权经销商) rather than a plant id; those need no name."""
    names = enterprise_names(conn, enterprise_ids)
    wanted = sorted({i for i in site_ids if i})
    if wanted:
        found = conn.execute(
            "SELECT id, name FROM site WHERE id IN (SELECT unnest(?::VARCHAR[]))", [wanted]
        ).fetchall()
        names |= {r[0]: r[1] for r in found}
    return names


def district_names(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """District code → name, for rendering."""
    return {r[0]: r[1] for r in conn.execute("SELECT id, name FROM district").fetchall()}


def district_codes(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM district").fetchall()}


def replace(conn: duckdb.DuckDBPyConnection, table: str, key: str, rows: Sequence[dict[str, Any]]) -> int:
    """Delete the rows with these keys, then insert all: an update replaces the whole row.

    The caller owns the transaction."""
    from chainbrain.store.records import insert_rows

    if not rows:
        return 0
    if table not in ("battery_unit", "battery_event", "battery_maker") or key not in ("code", "id"):
        raise ValueError(f"not a battery table key: {table}.{key}")
    conn.execute(
        f"DELETE FROM {table} WHERE {key} IN (SELECT unnest(?::VARCHAR[]))", [[r[key] for r in rows]]
    )
    return insert_rows(conn, table, rows)

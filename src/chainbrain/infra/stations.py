"""Stations in the registry — charging (超充/快充/慢充/重卡超充), swap and hydrogen — as typed rows, and
their counts by kind and by district."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from chainbrain.errors import InvalidInput
from chainbrain.infra.vocab import ULTRA_KINDS, lookup, zh
from chainbrain.settings import get_settings
from chainbrain.store.records import fetch_dicts

CATEGORIES = ("charging", "swap", "hydrogen")
CATEGORY_ZH = {"charging": "充电站", "swap": "换电站", "hydrogen": "加氢站"}
STATES = ("planned", "building", "operating", "closed")


class StationFilterError(InvalidInput):
    """A station filter that is not one of its choices (the CLI exits 2, as for any bad option)."""

    exit_code = 2


def station_kind(word: str) -> str:
    """The charging kind a user's word names — 超充 / ultra, 快充, 慢充, 重卡超充 (Chinese or English)."""
    canonical = lookup("kind").get(word.lower())
    if canonical is None:
        raise StationFilterError(
            f"“{word}”不是可选的充电站类型（可选：超充、快充、慢充、重卡超充）", param="kind"
        )
    return canonical


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    category: str  # charging / swap / hydrogen
    kind: str  # ultra / fast / slow / truck_ultra for charging; swap; hydrogen
    kind_zh: str
    ultra: bool  # counts as 超充: an ultra kind whose highest gun power reaches the threshold
    piles: int | None
    guns: int | None
    max_power_kw: float | None
    operator: str | None
    opened: dt.date | None
    state: str
    state_zh: str
    district_code: str
    district_name: str | None
    township_code: str | None
    township_name: str | None
    lon: float
    lat: float
    source: str
    as_of: dt.date | None
    status: str


@dataclass(frozen=True)
class KindCount:
    category: str
    kind: str
    kind_zh: str
    stations: int  # every state
    operating: int
    piles: int  # of the operating ones (charging only)


_SELECT = {
    "charging": "s.kind, s.piles, s.guns, s.max_power_kw",
    "swap": "'swap' AS kind, NULL::INTEGER AS piles, NULL::INTEGER AS guns, NULL::DOUBLE AS max_power_kw",
    "hydrogen": "'hydrogen' AS kind, NULL::INTEGER AS piles, NULL::INTEGER AS guns, NULL::DOUBLE AS max_power_kw",
}
_TABLE = {"charging": "charging_station", "swap": "swap_station", "hydrogen": "hydrogen_station"}


def list_stations(
    conn: duckdb.DuckDBPyConnection,
    *,
    category: str | None = None,
    kind: str | None = None,
    district: str | None = None,
    state: str | None = None,
) -> list[Station]:
    """Stations, filtered by category, (charging) kind as the user writes it (:func:`station_kind`),
    district and state; ordered by category and id. A filter outside its choices raises
    :class:`StationFilterError`."""
    if category is not None and category not in CATEGORIES:
        raise StationFilterError(
            f"未知站点类别 {category!r}，可选：{'、'.join(CATEGORIES)}", param="category"
        )
    if state is not None and state not in STATES:
        raise StationFilterError(f"“{state}”不是可选的运营状态（可选：{'、'.join(STATES)}）", param="state")
    kind = None if kind is None else station_kind(kind)
    threshold = get_settings().ultra_gun_kw
    out: list[Station] = []
    for cat in [category] if category else CATEGORIES:
        where, params = [], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if district:
            where.append("s.district_code = ?")
            params.append(district)
        if state:
            where.append("s.state = ?")
            params.append(state)
        sql = (
            f"SELECT * FROM (SELECT s.id, s.name, {_SELECT[cat]}, s.operator, s.opened, s.state,"
            " s.district_code, d.name AS district_name, s.township_code, t.name AS township_name, s.lon, s.lat,"
            f" s.source, s.as_of, s.status FROM {_TABLE[cat]} s LEFT JOIN district d ON d.id = s.district_code"
            " LEFT JOIN township t ON t.id = s.township_code) s"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id"
        )
        for r in fetch_dicts(conn, sql, params):
            ultra = r["kind"] in ULTRA_KINDS and (r["max_power_kw"] or 0) >= threshold
            kind_zh = zh("kind", r["kind"]) if cat == "charging" else CATEGORY_ZH[cat]
            out.append(
                Station(category=cat, kind_zh=kind_zh, ultra=ultra, state_zh=zh("state", r["state"]), **r)
            )
    return out


def kind_counts(conn: duckdb.DuckDBPyConnection) -> list[KindCount]:
    """Stations of each kind: all, operating, and the piles of the operating ones."""
    out = []
    for r in fetch_dicts(
        conn,
        "SELECT kind, count(*) AS n, count(*) FILTER (state = 'operating') AS op,"
        " coalesce(sum(piles) FILTER (state = 'operating'), 0) AS piles FROM charging_station GROUP BY kind",
    ):
        out.append(KindCount("charging", r["kind"], zh("kind", r["kind"]), r["n"], r["op"], int(r["piles"])))
    order = {k: i for i, k in enumerate(("ultra", "truck_ultra", "fast", "slow"))}
    out.sort(key=lambda k: order.get(k.kind, 9))
    for cat in ("swap", "hydrogen"):
        row = conn.execute(
            f"SELECT count(*), count(*) FILTER (state = 'operating') FROM {_TABLE[cat]}"
        ).fetchone()
        n, op = (int(row[0]), int(row[1])) if row else (0, 0)
        out.append(KindCount(cat, cat, CATEGORY_ZH[cat], n, op, 0))
    return out

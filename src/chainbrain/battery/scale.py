"""Synthetic battery ledgers at national scale (status ``synthetic``), generated inside DuckDB.

``synthesize_batteries(conn, packs, seed)`` writes ``packs`` packs, 2 modules per pack and 4 cells per
module (so 1,000,000 packs → 10,000,000 modules and cells), and their lives:

- every unit: produced, shipped (its maker); every pack: installed (合格证) by its OEM 10 days later,
  sold 30 days after that; reports mostly a few days after, 2 % late, 1 % never;
- about 60 % of packs retire 4–6 years after production if that falls before 2026-10-31: retired and
  dismantled (dismantler), collected in / out at a collection point (the OEM's), then either their
  modules are made into cascade-use products (a third) or the pack goes to a recycler, whose receipt and
  completion are recorded on its cells.

Codes are valid GB/T 34014 codes (20 manufacturer codes ``S00``–``S19``); VINs carry a valid GB 16735 check
digit. Actors are synthetic ids (``syn-maker-07``, ``syn-oem-12`` …) that are not in the enterprise table.
Pseudo-random choices are hashes of (seed, unit number), so the same seed gives the same ledger.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb

from chainbrain.battery.codes import DATE_SYMBOLS, YEAR_BASE

SOURCE = "chainbrain synth battery"
PACKS_PER_DAY = 500  # per maker-day serial space stays far below 9,999,999
_MAKERS, _OEMS = 20, 40


class ScaleError(ValueError):
    """The synthetic ledger cannot be written (zh-CN)."""


@dataclass(frozen=True)
class ScaleReport:
    packs: int
    units: int
    events: int
    seconds: float


def _date_code(day: str) -> str:
    """SQL: the three GB/T 34014 date symbols of a DATE expression."""
    t = DATE_SYMBOLS
    return (
        f"substr('{t}', year({day}) - {YEAR_BASE}, 1) || substr('{t}', month({day}), 1) || "
        f"substr('{t}', day({day}), 1)"
    )


def synthesize_batteries(conn: duckdb.DuckDBPyConnection, packs: int, seed: int = 0) -> ScaleReport:
    """Write the synthetic ledger (refused when synthetic batteries are already stored)."""
    if not 1 <= packs <= 2_000_000:
        raise ScaleError(f"电池包数应在 1–2,000,000 之间，实际为 {packs}")
    row = conn.execute("SELECT count(*) FROM battery_unit WHERE source = ?", [SOURCE]).fetchall()[0]
    if row and row[0]:
        raise ScaleError(f"数据库中已有 {row[0]} 个合成电池；请换一个新的数据库文件再生成")
    t0 = time.perf_counter()
    s = int(seed)
    h = f"hash({s}, i)"  # a per-pack pseudo-random 64-bit number
    bar = conn.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0]
    conn.execute("SET enable_progress_bar = false")
    try:
        conn.execute("BEGIN TRANSACTION")
        conn.execute(
            f"""
            CREATE TEMP TABLE syn_pack AS
            SELECT i,
                   'S' || lpad(CAST(i % {_MAKERS} AS VARCHAR), 2, '0') AS mk,
                   CASE WHEN {h} % 2 = 0 THEN 'B' ELSE 'E' END AS bt,
                   (DATE '2019-01-01' + CAST(i // {PACKS_PER_DAY} % 2000 AS INTEGER)) AS made,
                   i % {PACKS_PER_DAY} AS k,
                   50 + CAST({h} % 31 AS DOUBLE) AS kwh,
                   'syn-oem-' || lpad(CAST({h} // 7 % {_OEMS} AS VARCHAR), 2, '0') AS oem,
                   lpad(CAST(i AS VARCHAR), 6, '0') AS tail,
                   {h} % 100 AS r
            FROM range({packs}) t(i)
            """
        )
        code = (
            "mk || '{kind}' || bt || '01' || 'SYNTH01' || "
            + _date_code("made")
            + " || lpad(CAST({n} AS VARCHAR), 7, '0')"
        )
        # VIN: LSYAB2C0 ? R S dddddd — weights of positions 1-8, 10, 11 give 208; positions 12-17 weigh 7..2
        check = (
            "(208 + " + " + ".join(f"CAST(substr(tail, {p}, 1) AS INTEGER) * {w}"
                                  for p, w in zip(range(1, 7), (7, 6, 5, 4, 3, 2), strict=True)) + ") % 11"
        )  # fmt: skip
        conn.execute(
            f"""
            INSERT INTO battery_unit
            SELECT {code.format(kind="P", n="k + 1")}, 'pack', NULL, 'syn-maker-' || mk,
                   'LSYAB2C0' || CASE WHEN {check} = 10 THEN 'X' ELSE CAST({check} AS VARCHAR) END || 'RS' || tail,
                   oem, kwh, made, '{SOURCE}', DATE '2026-11-30', 'synthetic'
            FROM syn_pack
            """
        )
        conn.execute(
            f"""
            INSERT INTO battery_unit
            SELECT {code.format(kind="M", n="k * 2 + j + 1")}, 'module', {code.format(kind="P", n="k + 1")},
                   'syn-maker-' || mk, NULL, NULL, kwh / 2, made, '{SOURCE}', DATE '2026-11-30', 'synthetic'
            FROM syn_pack, range(2) m(j)
            """
        )
        conn.execute(
            f"""
            INSERT INTO battery_unit
            SELECT {code.format(kind="C", n="k * 8 + j * 4 + c + 1")}, 'cell', {code.format(kind="M", n="k * 2 + j + 1")},
                   'syn-maker-' || mk, NULL, NULL, kwh / 8, made, '{SOURCE}', DATE '2026-11-30', 'synthetic'
            FROM syn_pack, range(2) m(j), range(4) q(c)
            """
        )
        conn.execute(_EVENTS_SQL.format(source=SOURCE))
        conn.execute("DROP TABLE syn_pack")
        conn.execute("COMMIT")
    except duckdb.Error:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute(f"SET enable_progress_bar = {bool(bar and bar[0])}")
    units = conn.execute("SELECT count(*) FROM battery_unit WHERE source = ?", [SOURCE]).fetchall()[0]
    events = conn.execute("SELECT count(*) FROM battery_event WHERE source = ?", [SOURCE]).fetchall()[0]
    return ScaleReport(packs, int(units[0]) if units else 0, int(events[0]) if events else 0,
                       time.perf_counter() - t0)  # fmt: skip


#: every event of the synthetic ledger, from the unit table (pack rows carry the pack's fate)
_EVENTS_SQL = """
INSERT INTO battery_event
WITH u AS (
    SELECT code, kind, parent_code, maker_id, oem_id, produced, hash(code) AS hh FROM battery_unit
    WHERE source = '{source}'
),
life AS (  -- per pack: retirement day (NULL: still in service) and fate
    SELECT code, oem_id, produced, hh,
           CASE WHEN hh % 100 < 60 AND produced + CAST(1460 + hh % 730 AS INTEGER) <= DATE '2026-10-31'
                THEN produced + CAST(1460 + hh % 730 AS INTEGER) END AS ret,
           hh // 100 % 3 = 0 AS cascade
    FROM u WHERE kind = 'pack'
),
rep(late_pct, missing_pct) AS (VALUES (2, 1)),
ev(code, event, actor, role, site, district, date, hh) AS (
    SELECT code, 'produced', maker_id, 'battery_maker', 'syn-plant', '500120', produced, hh FROM u
    UNION ALL SELECT code, 'shipped', maker_id, 'battery_maker', 'syn-plant', '500120', produced + 2, hh FROM u
    UNION ALL SELECT code, 'installed', oem_id, 'oem', 'syn-car-plant', '500112', produced + 10, hh FROM life
    UNION ALL SELECT code, 'sold', oem_id, 'dealer', 'syn-dealer', '500105', produced + 40, hh FROM life
    UNION ALL SELECT code, 'retired', 'syn-dismantler', 'dismantler', 'syn-yard', '500118', ret, hh FROM life WHERE ret IS NOT NULL
    UNION ALL SELECT code, 'dismantled', 'syn-dismantler', 'dismantler', 'syn-yard', '500118', ret + 5, hh FROM life WHERE ret IS NOT NULL
    UNION ALL SELECT code, 'collected_in', oem_id, 'collection_point', 'syn-point', '500112', ret + 8, hh FROM life WHERE ret IS NOT NULL
    UNION ALL SELECT code, 'collected_out', oem_id, 'collection_point', 'syn-point', '500112', ret + 20, hh FROM life WHERE ret IS NOT NULL
    UNION ALL SELECT m.code, 'cascade_made', 'syn-cascade', 'cascade_user', 'syn-line', '500102', l.ret + 40, m.hh
        FROM life l JOIN u m ON m.parent_code = l.code WHERE l.ret IS NOT NULL AND l.cascade
    UNION ALL SELECT c.code, 'recycler_in', 'syn-recycler', 'recycler', 'syn-works', '500115', l.ret + 25, c.hh
        FROM life l JOIN u m ON m.parent_code = l.code JOIN u c ON c.parent_code = m.code
        WHERE l.ret IS NOT NULL AND NOT l.cascade
    UNION ALL SELECT c.code, 'recycled', 'syn-recycler', 'recycler', 'syn-works', '500115', l.ret + 60, c.hh
        FROM life l JOIN u m ON m.parent_code = l.code JOIN u c ON c.parent_code = m.code
        WHERE l.ret IS NOT NULL AND NOT l.cascade AND l.ret + 60 <= DATE '2026-11-30'
)
SELECT 'syn-' || md5(code || event)[:16], code, event, actor, role, site, district, date,
       CASE WHEN event = 'produced' THEN NULL
            WHEN (hh // 1000 + hash(event)) % 100 < 1 THEN NULL
            WHEN (hh // 1000 + hash(event)) % 100 < 3 THEN date + 45
            ELSE date + 4 END,
       NULL, '{source}', DATE '2026-11-30', 'synthetic'
FROM ev
"""

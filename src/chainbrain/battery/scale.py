"""Synthetic battery ledgers at national scale (status ``synthetic``), generated inside DuckDB.

``synthesize_batteries(conn, packs, seed)`` writes ``packs`` packs, 2 modules per pack and 4 cells per
module (so 1,000,000 packs → 10,000,000 modules and cells), and their lives — about 50 events per pack, so
1,000,000 packs give the issue's 50,000,000 events:

- every unit: produced, shipped (its maker); every pack: installed (合格证) by its OEM 10 days later, sold
  30 days after that, and 0–7 repairs about 11 months apart while in service (repairer; the OEM reports);
- 95 % of packs retire 5–8 years after production (production runs 2014-01 to 2019-06) if that falls
  before 2026-10-31: retired and dismantled (dismantler), collected in / out at a collection point (the
  OEM's); then either the recycler receives and recycles the pack, its modules and its cells (each unit's
  record closed), or (a third) its modules are made into cascade-use products, which after 2–3 more years
  come back through the cascade user (collected in / out) to the recycler;
- reports mostly 4 days after the event, 2 % 45 days after (late), 1 % never; no event after 2026-11-30.

Codes are valid GB/T 34014 codes (20 manufacturer codes ``S00``–``S19``, each maker a contiguous block of
packs); VINs carry a valid GB 16735 check digit. Actors are synthetic ids (``syn-maker-07``, ``syn-oem-12``
…) that are not in the enterprise table. Pseudo-random choices are hashes of (seed, pack number) or of the
code, so the same seed gives the same ledger.

**Chunked and clustered.** One maker's packs at a time (at most :data:`CHUNK_PACKS`), each chunk committed
on its own, so memory stays bounded by a chunk, whatever ``packs`` is; units and events are written in code
order, so each table ends up sorted by code within a maker block and DuckDB's zone maps (min/max per row
group) skip almost every row group in a lookup by code. Each chunk's stored trees
(:mod:`chainbrain.battery.trees`) are refreshed in its own transaction. Should a chunk fail, the chunks
already written are deleted again (and the trees rebuilt): the ledger is all-or-nothing like every import.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from chainbrain.battery import trees
from chainbrain.battery.codes import DATE_SYMBOLS, YEAR_BASE

SOURCE = "chainbrain synth battery"
CHUNK_PACKS = 50_000  # packs per chunk: ~0.55 M units and ~2.5 M events in flight
_MAKERS, _OEMS, _REPAIRERS = 20, 40, 30
_DAYS = 2000  # production days, from 2014-01-01
AS_OF = "DATE '2026-11-30'"


class ScaleError(ValueError):
    """The synthetic ledger cannot be written (zh-CN)."""


@dataclass(frozen=True)
class ScaleReport:
    packs: int
    units: int
    events: int
    seconds: float
    chunks: int = 1


def _date_code(day: str) -> str:
    """SQL: the three GB/T 34014 date symbols of a DATE expression."""
    t = DATE_SYMBOLS
    return (
        f"substr('{t}', year({day}) - {YEAR_BASE}, 1) || substr('{t}', month({day}), 1) || "
        f"substr('{t}', day({day}), 1)"
    )


def plan_chunks(packs: int, chunk_packs: int = CHUNK_PACKS) -> list[tuple[int, int, int]]:
    """(maker number, first pack, end pack) per chunk: makers own contiguous blocks of pack numbers."""
    per_maker = -(-packs // _MAKERS)
    out = []
    for m in range(_MAKERS):
        lo, hi = m * per_maker, min(packs, (m + 1) * per_maker)
        for a in range(lo, hi, chunk_packs):
            out.append((m, a, min(hi, a + chunk_packs)))
    return out


def synthesize_batteries(
    conn: duckdb.DuckDBPyConnection,
    packs: int,
    seed: int = 0,
    *,
    chunk_packs: int = CHUNK_PACKS,
    progress: Callable[[int, int], None] | None = None,
) -> ScaleReport:
    """Write the synthetic ledger (refused when synthetic batteries are already stored).

    ``progress(done, total)`` is called after each chunk (chunks, not rows)."""
    if not 1 <= packs <= 2_000_000:
        raise ScaleError(f"电池包数应在 1–2,000,000 之间，实际为 {packs}")
    if not 1 <= chunk_packs <= 500_000:
        raise ScaleError(f"每批电池包数应在 1–500,000 之间，实际为 {chunk_packs}")
    row = conn.execute("SELECT count(*) FROM battery_unit WHERE source = ?", [SOURCE]).fetchall()[0]
    if row and row[0]:
        raise ScaleError(f"数据库中已有 {row[0]} 个合成电池；请换一个新的数据库文件再生成")
    t0 = time.perf_counter()
    chunks = plan_chunks(packs, chunk_packs)
    per_maker = -(-packs // _MAKERS)
    bar = conn.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0]
    conn.execute("SET enable_progress_bar = false")
    try:
        for n, (m, a, b) in enumerate(chunks, 1):
            _write_chunk(conn, int(seed), m, a, b, per_maker)
            if progress is not None:
                progress(n, len(chunks))
    except duckdb.Error:
        conn.execute("BEGIN TRANSACTION")
        conn.execute("DELETE FROM battery_event WHERE source = ?", [SOURCE])
        conn.execute("DELETE FROM battery_unit WHERE source = ?", [SOURCE])
        trees.rebuild_all(conn)
        conn.execute("COMMIT")
        raise
    finally:
        conn.execute(f"SET enable_progress_bar = {bool(bar and bar[0])}")
    units = conn.execute("SELECT count(*) FROM battery_unit WHERE source = ?", [SOURCE]).fetchall()[0]
    events = conn.execute("SELECT count(*) FROM battery_event WHERE source = ?", [SOURCE]).fetchall()[0]
    return ScaleReport(packs, int(units[0]) if units else 0, int(events[0]) if events else 0,
                       time.perf_counter() - t0, len(chunks))  # fmt: skip


def _write_chunk(conn: duckdb.DuckDBPyConnection, s: int, m: int, a: int, b: int, per_maker: int) -> None:
    """Packs ``a`` ≤ i < ``b`` of maker ``m``, their modules, cells and events, in one transaction."""
    h = f"hash({s}, i)"  # a per-pack pseudo-random 64-bit number
    mk = f"S{m:02d}"
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE syn_pack AS
            SELECT i, i - {m * per_maker} AS k,
                   CASE WHEN {h} % 2 = 0 THEN 'B' ELSE 'E' END AS bt,
                   (DATE '2014-01-01' + CAST((i - {m * per_maker}) * {_DAYS} // {per_maker} AS INTEGER)) AS made,
                   50 + CAST({h} % 31 AS DOUBLE) AS kwh,
                   'syn-oem-' || lpad(CAST({h} // 7 % {_OEMS} AS VARCHAR), 2, '0') AS oem,
                   lpad(CAST(i AS VARCHAR), 6, '0') AS tail,
                   {h} AS hp
            FROM range({a}, {b}) t(i)
            """
        )
        code = (
            f"'{mk}' || '{{kind}}' || bt || '01' || 'SYNTH01' || "
            + _date_code("made")
            + " || lpad(CAST({n} AS VARCHAR), 7, '0')"
        )
        # VIN: LSYAB2C0 ? R S dddddd — weights of positions 1-8, 10, 11 give 208; positions 12-17 weigh 7..2
        check = (
            "(208 + " + " + ".join(f"CAST(substr(tail, {p}, 1) AS INTEGER) * {w}"
                                  for p, w in zip(range(1, 7), (7, 6, 5, 4, 3, 2), strict=True)) + ") % 11"
        )  # fmt: skip
        pack, module = code.format(kind="P", n="k + 1"), code.format(kind="M", n="k * 2 + j + 1")
        cell = code.format(kind="C", n="k * 8 + j * 4 + c + 1")
        vin = (
            f"'LSYAB2C0' || CASE WHEN {check} = 10 THEN 'X' ELSE CAST({check} AS VARCHAR) END || 'RS' || tail"
        )
        conn.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE syn_unit AS
            WITH life AS (  -- per pack: retirement day (NULL: still in service), fate, cascade end of life
                SELECT *,
                       CASE WHEN hp // 100 % 100 < 95
                             AND made + CAST(1826 + hp % 1096 AS INTEGER) <= DATE '2026-10-31'
                            THEN made + CAST(1826 + hp % 1096 AS INTEGER) END AS ret,
                       hp // 10000 % 3 = 0 AS cascade
                FROM syn_pack
            ),
            p AS (
                SELECT *, ret + CAST(770 + hp // 1000000 % 365 AS INTEGER) AS cend,
                       CAST(hp // 100000 % 8 AS INTEGER) AS repairs
                FROM life
            )
            SELECT {pack} AS code, 'pack' AS kind, NULL::VARCHAR AS parent_code, {vin} AS vin, oem AS oem_id,
                   kwh AS capacity_kwh, made, ret, cascade, cend, repairs, oem, i
            FROM p
            UNION ALL
            SELECT {module}, 'module', {pack}, NULL, NULL, kwh / 2, made, ret, cascade, cend, 0, oem, i
            FROM p, range(2) m(j)
            UNION ALL
            SELECT {cell}, 'cell', {module}, NULL, NULL, kwh / 8, made, ret, cascade, cend, 0, oem, i
            FROM p, range(2) m(j), range(4) q(c)
            """
        )
        conn.execute(
            f"""
            INSERT INTO battery_unit
            SELECT code, kind, parent_code, 'syn-maker-{mk}', vin, oem_id, capacity_kwh, made,
                   '{SOURCE}', {AS_OF}, 'synthetic'
            FROM syn_unit ORDER BY code
            """
        )
        conn.execute(_EVENTS_SQL.format(source=SOURCE, maker=f"syn-maker-{mk}", as_of=AS_OF,
                                        repairers=_REPAIRERS))  # fmt: skip
        trees.refresh(conn, units_query="SELECT code FROM syn_unit")  # the chunk's trees, in its transaction
        conn.execute("DROP TABLE syn_unit")
        conn.execute("DROP TABLE syn_pack")
        conn.execute("COMMIT")
    except duckdb.Error:
        conn.execute("ROLLBACK")
        raise


#: every event of one chunk, from its units (pack rows carry the pack's fate), in code order
_EVENTS_SQL = """
INSERT INTO battery_event
WITH u AS (SELECT *, hash(code) AS hh FROM syn_unit),
ev(code, event, actor, role, site, district, date) AS (
    SELECT code, 'produced', '{maker}', 'battery_maker', 'syn-plant', '500120', made FROM u
    UNION ALL SELECT code, 'shipped', '{maker}', 'battery_maker', 'syn-plant', '500120', made + 2 FROM u
    UNION ALL SELECT code, 'installed', oem, 'oem', 'syn-car-plant', '500112', made + 10 FROM u WHERE kind = 'pack'
    UNION ALL SELECT code, 'sold', oem, 'dealer', 'syn-dealer', '500105', made + 40 FROM u WHERE kind = 'pack'
    UNION ALL SELECT code, 'repaired', 'syn-repairer-' || lpad(CAST((hh // 7 + r) % {repairers} AS VARCHAR), 2, '0'),
              'repairer', 'syn-workshop', '500106', made + CAST(330 * (r + 1) + hh % 97 AS INTEGER)
        FROM u, range(7) t(r)
        WHERE kind = 'pack' AND r < repairs
          AND made + CAST(330 * (r + 1) + hh % 97 AS INTEGER) < coalesce(ret, {as_of})
    UNION ALL SELECT code, 'retired', 'syn-dismantler', 'dismantler', 'syn-yard', '500118', ret FROM u
        WHERE kind = 'pack' AND ret IS NOT NULL
    UNION ALL SELECT code, 'dismantled', 'syn-dismantler', 'dismantler', 'syn-yard', '500118', ret + 5 FROM u
        WHERE kind = 'pack' AND ret IS NOT NULL
    UNION ALL SELECT code, 'collected_in', oem, 'collection_point', 'syn-point', '500112', ret + 8 FROM u
        WHERE kind = 'pack' AND ret IS NOT NULL
    UNION ALL SELECT code, 'collected_out', oem, 'collection_point', 'syn-point', '500112', ret + 20 FROM u
        WHERE kind = 'pack' AND ret IS NOT NULL
    -- straight to the recycler: the pack, its modules and its cells
    UNION ALL SELECT code, 'recycler_in', 'syn-recycler', 'recycler', 'syn-works', '500115', ret + 25 FROM u
        WHERE ret IS NOT NULL AND NOT cascade
    UNION ALL SELECT code, 'recycled', 'syn-recycler', 'recycler', 'syn-works', '500115', ret + 60 FROM u
        WHERE ret IS NOT NULL AND NOT cascade
    -- cascade use: modules made into products, back after 2-3 years, then recycled with their cells
    UNION ALL SELECT code, 'cascade_made', 'syn-cascade', 'cascade_user', 'syn-line', '500102', ret + 40 FROM u
        WHERE kind = 'module' AND ret IS NOT NULL AND cascade
    UNION ALL SELECT code, 'collected_in', 'syn-cascade', 'cascade_user', 'syn-line', '500102', cend FROM u
        WHERE kind = 'module' AND ret IS NOT NULL AND cascade
    UNION ALL SELECT code, 'collected_out', 'syn-cascade', 'cascade_user', 'syn-line', '500102', cend + 10 FROM u
        WHERE kind = 'module' AND ret IS NOT NULL AND cascade
    UNION ALL SELECT code, 'recycler_in', 'syn-recycler', 'recycler', 'syn-works', '500115', cend + 25 FROM u
        WHERE kind <> 'pack' AND ret IS NOT NULL AND cascade
    UNION ALL SELECT code, 'recycled', 'syn-recycler', 'recycler', 'syn-works', '500115', cend + 60 FROM u
        WHERE kind <> 'pack' AND ret IS NOT NULL AND cascade
),
r AS (SELECT *, hash(code, event, date) // 1000 % 100 AS pct FROM ev WHERE date <= {as_of})
SELECT 'syn-' || md5(code || event || CAST(date AS VARCHAR))[:16], code, event, actor, role, site, district, date,
       CASE WHEN event = 'produced' THEN NULL
            WHEN pct < 1 THEN NULL
            WHEN pct < 3 THEN date + 45
            ELSE date + 4 END,
       NULL, '{source}', {as_of}, 'synthetic'
FROM r ORDER BY code, date, event
"""

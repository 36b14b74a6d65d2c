"""Battery trees stored whole (migration 018): a trace reads two things instead of walking the tables.

A *tree* is a root unit (normally a pack) with every unit at most two links below it (its modules and their
cells, or cells sitting directly in the pack). ``battery_tree_member`` maps every unit to its root — the
topmost stored unit at most two links above it — and ``battery_tree_row`` holds, per root, the JSON of each
member's ``battery_unit`` row and of each member's events (one row each, written in root order). A trace
of any code reads its member row and its tree's rows (:func:`read`), and walks parents, children and
events in memory with the same rules as :mod:`chainbrain.battery.ledger` (parents nearest first, children
breadth first and sorted by code within a level, nothing below a cell, events by date, code, id), so the
answer is the one the table walk gives.

A tree is *irregular* — it keeps no rows, and a trace of it walks the tables — when the two-level rule
does not describe it: its root sits under another stored unit (a chain deeper than pack → module → cell,
or a cycle), or one of its members has a child that belongs to another tree. Imports refuse such shapes
(a unit's parent must be stored and of a kind that may hold it), so they only arise from data written past
the importer.

The trees are derived data and never edited by hand: :func:`refresh` rebuilds the trees a write touches,
inside the writer's transaction (the battery importer, :func:`chainbrain.battery.files.write`, and the
synthetic generator, per chunk), and :func:`rebuild_all` rebuilds every tree (what migration 018 does for a
store that already holds batteries). Rows written past those writers (plain SQL into the battery tables)
are not seen by the trees until :func:`rebuild_all` runs or a refresh touches their trees.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from chainbrain.battery import ledger

#: the member rows of a refresh: those of the roots in the temporary table _bt_roots
_SOME = "(SELECT code, root FROM battery_tree_member WHERE root IN (SELECT root FROM _bt_roots))"

_MEMBERS_SQL = """
INSERT INTO battery_tree_member
SELECT u.code, coalesce(p2.code, p1.code, u.code)
FROM battery_unit u
LEFT JOIN battery_unit p1 ON p1.code = u.parent_code
LEFT JOIN battery_unit p2 ON p2.code = p1.parent_code
{where}
ORDER BY u.code
"""

_TREES_SQL = """
INSERT INTO battery_tree_row
WITH m AS (SELECT code, root FROM {members}),
bad AS (
    -- the root sits under a stored unit (a deeper chain, a cycle)
    SELECT t.code AS root FROM battery_unit t JOIN battery_unit tp ON tp.code = t.parent_code
    WHERE t.code IN (SELECT root FROM m)
    -- a member has a child in another tree
    UNION SELECT m.root FROM m JOIN battery_unit c ON c.parent_code = m.code
    LEFT JOIN battery_tree_member cm ON cm.code = c.code
    WHERE cm.root IS DISTINCT FROM m.root
),
ok AS (SELECT code, root FROM m WHERE root NOT IN (SELECT root FROM bad))
SELECT ok.root, false, to_json(struct_pack(u.code, u.kind, u.parent_code, u.maker_id, u.vin, u.oem_id,
       u.capacity_kwh, u.produced, u.source, u.as_of, u.status))::VARCHAR
FROM ok JOIN battery_unit u ON u.code = ok.code
UNION ALL
SELECT ok.root, true, to_json(struct_pack(e.id, e.code, e.event, e.actor_id, e.actor_role, e.site,
       e.district_code, e.date, e.reported_at, e.ref, e.source, e.as_of, e.status))::VARCHAR
FROM ok JOIN battery_event e ON e.code = ok.code
ORDER BY 1
"""


#: the full build writes the trees in this many slices (by a hash of the root), so that its memory stays
#: bounded at national scale (one slice of 1,000,000 packs: ~4 M rows to sort)
PARTS = 16


def rebuild_statements() -> list[str]:
    """The statements that build every tree from the tables (migration 018 holds the same text)."""
    part = "(SELECT code, root FROM battery_tree_member WHERE hash(root) % {n} = {k})"
    return [
        _MEMBERS_SQL.format(where="").strip(),
        *(_TREES_SQL.format(members=part.format(n=PARTS, k=k)).strip() for k in range(PARTS)),
    ]


def rebuild_all(conn: duckdb.DuckDBPyConnection) -> None:
    """Every tree from the tables (the caller owns the transaction); what migration 018 runs."""
    conn.execute("DELETE FROM battery_tree_row")
    conn.execute("DELETE FROM battery_tree_member")
    for sql in rebuild_statements():
        conn.execute(sql)


def roots_of(conn: duckdb.DuckDBPyConnection, unit_codes: Sequence[str]) -> list[str]:
    """The stored roots of these units and of their parents — the trees a write of these units may leave;
    read them *before* the write and pass them to :func:`refresh` as ``also``."""
    if not unit_codes:
        return []
    rows = conn.execute(
        "WITH k AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS code), "
        "c AS (SELECT code FROM k UNION SELECT u.parent_code FROM battery_unit u "
        "      WHERE u.code IN (SELECT code FROM k) AND u.parent_code IS NOT NULL) "
        "SELECT DISTINCT root FROM battery_tree_member WHERE code IN (SELECT code FROM c)",
        [list(unit_codes)],
    ).fetchall()
    return [r[0] for r in rows]


def refresh(
    conn: duckdb.DuckDBPyConnection,
    unit_codes: Sequence[str] = (),
    *,
    event_codes: Sequence[str] = (),
    also: Sequence[str] = (),
    units_query: str | None = None,
) -> int:
    """Rebuild the trees that a write of these units (rows inserted or replaced: ``unit_codes``) or of
    events of these units (``event_codes``: the codes of the events written and of the rows they replaced)
    changed, plus the trees ``also`` (roots read by :func:`roots_of` before the write). Runs in the
    caller's transaction; returns how many trees were rebuilt. ``units_query``: a query of a ``code``
    column naming the written units instead of ``unit_codes`` (the generator's chunk table).

    A unit's root depends on its parent and its parent's parent, so the units whose root may change are
    the written ones, their children and their grandchildren; their member rows are recomputed, then every
    tree that held one of them, now holds one, or holds one's parent is rebuilt. The temporary tables
    live in the caller's transaction: a failed refresh is rolled back with the write."""
    if not unit_codes and not event_codes and not also and units_query is None:
        return 0
    if units_query is not None:
        conn.execute(f"CREATE OR REPLACE TEMP TABLE _bt_units AS SELECT DISTINCT code FROM ({units_query})")
    else:
        conn.execute("CREATE OR REPLACE TEMP TABLE _bt_units AS SELECT DISTINCT unnest(?::VARCHAR[]) AS code",
                     [list(dict.fromkeys(unit_codes))])  # fmt: skip
    for _ in range(2):  # children, then grandchildren
        conn.execute(
            "INSERT INTO _bt_units SELECT DISTINCT u.code FROM battery_unit u "
            "WHERE u.parent_code IN (SELECT code FROM _bt_units) AND u.code NOT IN (SELECT code FROM _bt_units)"
        )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _bt_roots AS "
        "SELECT root FROM battery_tree_member WHERE code IN (SELECT code FROM _bt_units) "
        "UNION SELECT unnest(?::VARCHAR[]) "
        "UNION SELECT root FROM battery_tree_member WHERE code IN (SELECT unnest(?::VARCHAR[]))",
        [list(dict.fromkeys(also)), list(dict.fromkeys(event_codes))],
    )
    conn.execute("DELETE FROM battery_tree_member WHERE code IN (SELECT code FROM _bt_units)")
    conn.execute(_MEMBERS_SQL.format(where="WHERE u.code IN (SELECT code FROM _bt_units)"))
    conn.execute(
        "INSERT INTO _bt_roots "
        "SELECT root FROM battery_tree_member WHERE code IN (SELECT code FROM _bt_units) "
        "UNION SELECT m.root FROM battery_tree_member m JOIN battery_unit u ON m.code = u.parent_code "
        "WHERE u.code IN (SELECT code FROM _bt_units)"
    )
    conn.execute("CREATE OR REPLACE TEMP TABLE _bt_roots AS SELECT DISTINCT root FROM _bt_roots")
    n = conn.execute("SELECT count(*) FROM _bt_roots").fetchall()[0][0]
    conn.execute("DELETE FROM battery_tree_row WHERE root IN (SELECT root FROM _bt_roots)")
    conn.execute(_TREES_SQL.format(members=_SOME))
    conn.execute("DROP TABLE _bt_units")
    conn.execute("DROP TABLE _bt_roots")
    return int(n)


_UNIT_DATES = ("produced", "as_of")
#: codes that JSON writes as they are (no escapes), so a body that names one contains it verbatim
_PLAIN = re.compile(r"[0-9A-Za-z_.-]+")
_EVENT_DATES = ("date", "reported_at", "as_of")


def _day(v: Any) -> dt.date | None:
    return None if v is None else dt.date.fromisoformat(v)


def _unit(text: str) -> ledger.BatteryUnit:
    d = json.loads(text)
    for k in _UNIT_DATES:
        d[k] = _day(d[k])
    return ledger.BatteryUnit(**d)


def _event(text: str) -> ledger.BatteryEvent:
    d = json.loads(text)
    for k in _EVENT_DATES:
        d[k] = _day(d[k])
    return ledger.BatteryEvent(**d)


@dataclass(frozen=True)
class StoredTree:
    """One regular tree as read from ``battery_tree_row``: its units by code and its events' JSON."""

    units: dict[str, ledger.BatteryUnit]
    event_json: list[str]

    def unit(self, code: str) -> ledger.BatteryUnit | None:
        return self.units.get(code)

    def ancestors(self, code: str, start: ledger.BatteryUnit | None = None) -> list[ledger.BatteryUnit]:
        """As :func:`chainbrain.battery.ledger.ancestors` (a regular tree holds every stored ancestor)."""
        out: list[ledger.BatteryUnit] = []
        seen = {code}
        current = start if start is not None and start.code == code else self.units.get(code)
        while (
            current is not None and current.parent_code and current.parent_code not in seen and len(out) < 8
        ):
            seen.add(current.parent_code)
            current = self.units.get(current.parent_code)
            if current is not None:
                out.append(current)
        return out

    def children(self, code: str) -> list[ledger.BatteryUnit]:
        """As :func:`chainbrain.battery.ledger.children` (a regular tree holds every stored descendant)."""
        below: dict[str, list[ledger.BatteryUnit]] = {}
        for u in self.units.values():
            if u.parent_code is not None:
                below.setdefault(u.parent_code, []).append(u)
        out: list[ledger.BatteryUnit] = []
        seen = {code}
        level = [code]
        for _ in range(8):
            found = sorted((u for c in dict.fromkeys(level) for u in below.get(c, ()) if u.code not in seen),
                           key=lambda u: u.code)  # fmt: skip
            if not found:
                break
            seen.update(u.code for u in found)
            out += found
            level = [u.code for u in found if u.kind != "cell"]
            if not level:
                break
        return out

    def events(self, codes: Sequence[str]) -> list[ledger.BatteryEvent]:
        """As :func:`chainbrain.battery.ledger.events` for these codes (date, code, id order)."""
        wanted = set(codes)
        bodies = self.event_json
        if all(_PLAIN.fullmatch(c) for c in wanted):  # skip, unparsed, the bodies that name none of them
            needles = [f'"code":"{c}"' for c in wanted]
            bodies = [b for b in bodies if any(n in b for n in needles)]
        out = [e for e in map(_event, bodies) if e.code in wanted]
        return sorted(out, key=lambda e: (e.date, e.code, e.id))


_HAS_TREES: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()


def _has_trees(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has the tree tables (a store opened read-only before migration 018 has not)."""
    known = _HAS_TREES.get(conn)
    if known is None:
        row = conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'battery_tree_row'"
        ).fetchall()
        known = _HAS_TREES[conn] = bool(row[0][0])
    return known


def read(conn: duckdb.DuckDBPyConnection, code: str) -> StoredTree | None:
    """The regular tree that holds ``code``; None when the code is not stored, its tree is irregular (no
    rows are kept for it), or the store has no trees (then walk the tables)."""
    if not _has_trees(conn):
        return None
    found = conn.execute("SELECT root FROM battery_tree_member WHERE code = ?", [code]).fetchall()
    if not found:
        return None
    rows = conn.execute(
        "SELECT is_event, body FROM battery_tree_row WHERE root = ?", [found[0][0]]
    ).fetchall()
    units = {u.code: u for u in (_unit(b) for e, b in rows if not e)}
    if code not in units:
        return None
    return StoredTree(units, [b for e, b in rows if e])

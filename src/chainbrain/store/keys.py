"""Integer surrogate keys of sites, kept by the store so that the chain analytics join on integers.

``site_key`` (migration 017) gives every site id the store has seen — as a site, or named by a supply link
as buyer or supplier — an INTEGER ``k``, for ever: the registry is only appended to, so a key once copied
into a row cannot go stale when a site is replaced (deleted and inserted again) or arrives after the
links that name it. ``site.k``, ``supply_link.buyer_k`` and ``supply_link.supplier_k`` are those copies.

:func:`refresh` fills the NULL copies (registering new ids first); the store's writers call it in their
own transaction (:func:`chainbrain.store.records.insert_rows` for sites and links, ``chainbrain synth``).
A row written by plain SQL past them keeps NULL keys, which :func:`complete` sees from the column
statistics at once; the analytics then take their string-keyed SQL, which gives the same answers.
What no check sees is an UPDATE of a row's site id by plain SQL: nothing in chainbrain updates an id.

The key columns are the store's own: :func:`chainbrain.store.records.table_columns` leaves them out, so
exports, templates and imports never see them.
"""

from __future__ import annotations

import duckdb

#: per table, the key columns the store keeps (hidden from exports and imports)
KEY_COLUMNS: dict[str, tuple[str, ...]] = {"site": ("k",), "supply_link": ("buyer_k", "supplier_k")}

_NEW_IDS = """
    INSERT INTO site_key
    SELECT id, (SELECT coalesce(max(k), 0) FROM site_key) + row_number() OVER (ORDER BY id)::INTEGER
    FROM (
        SELECT id FROM site WHERE k IS NULL
        UNION SELECT buyer_site_id FROM supply_link WHERE buyer_k IS NULL
        UNION SELECT supplier_site_id FROM supply_link WHERE supplier_k IS NULL
    ) n
    WHERE NOT EXISTS (SELECT 1 FROM site_key r WHERE r.id = n.id)
"""

_MISSING = """
    SELECT (SELECT count(*) - count(k) FROM site),
           (SELECT count(*) - count(buyer_k) FROM supply_link),
           (SELECT count(*) - count(supplier_k) FROM supply_link)
"""


def missing(conn: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Rows without their key: (sites, links without buyer key, links without supplier key)."""
    # fetchall, not fetchone: DuckDB counts a result not read to its end as unfinished work on the connection
    (row,) = conn.execute(_MISSING).fetchall()
    return int(row[0]), int(row[1]), int(row[2])


def complete(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether every site and supply link carries its key (one query, answered from column statistics).

    False, too, for a store opened read-only before migration 017 gave it the key columns.
    """
    try:
        return missing(conn) == (0, 0, 0)
    except (duckdb.BinderException, duckdb.CatalogException):
        return False


def refresh(conn: duckdb.DuckDBPyConnection) -> None:
    """Register new site ids and fill every NULL key; run it inside the writer's transaction."""
    sites, buyers, suppliers = missing(conn)
    if not (sites or buyers or suppliers):
        return
    conn.execute(_NEW_IDS)
    if sites:
        conn.execute("UPDATE site SET k = r.k FROM site_key r WHERE site.k IS NULL AND r.id = site.id")
    if buyers:
        conn.execute(
            "UPDATE supply_link SET buyer_k = r.k FROM site_key r "
            "WHERE supply_link.buyer_k IS NULL AND r.id = supply_link.buyer_site_id"
        )
    if suppliers:
        conn.execute(
            "UPDATE supply_link SET supplier_k = r.k FROM site_key r "
            "WHERE supply_link.supplier_k IS NULL AND r.id = supply_link.supplier_site_id"
        )


def register_range(conn: duckdb.DuckDBPyConnection, pattern: str, n: int) -> int | None:
    """Register the site ids ``printf(pattern, i)`` for i in 0..n-1 with the keys ``base + i``; return base.

    For a bulk writer that names its sites by a running number (``chainbrain synth``): its rows can carry
    their keys as written (``base + i``) instead of being updated afterwards. None, and nothing registered,
    when any of those ids already has a key; the writer then leaves its keys to :func:`refresh`.
    """
    ids = "SELECT printf(?, i::INTEGER) AS id, i FROM range(?) t(i)"
    row = conn.execute(
        f"SELECT count(*) FROM ({ids}) n WHERE EXISTS (SELECT 1 FROM site_key r WHERE r.id = n.id)",
        [pattern, n],
    ).fetchall()[0]
    if row[0]:
        return None
    (top,) = conn.execute("SELECT coalesce(max(k), 0) + 1 FROM site_key").fetchall()
    base = int(top[0])
    conn.execute(f"INSERT INTO site_key SELECT id, (? + i)::INTEGER FROM ({ids})", [base, pattern, n])
    return base

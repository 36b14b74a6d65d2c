"""The editable alias table ``entity_alias``: extra names of a firm the linker recognises.

The bundled aliases (``data/events/aliases.csv``: English names such as CATL, abbreviations, old names of
the demo firms) are written by hand and loaded as ``illustrative`` with the demo; users add and remove
their own. An alias of a firm that is not in the store is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from importlib import resources

import duckdb

from chainbrain.store.records import fetch_dicts

BUNDLED_SOURCE = "chainbrain 内置别名表（人工整理，示意）"
MAX_ALIAS_CHARS = 60


class AliasError(ValueError):
    """A bad alias; the message names the value (in Chinese)."""


@dataclass(frozen=True)
class Alias:
    alias: str
    enterprise_id: str
    lang: str
    ambiguous: bool
    source: str
    status: str


def bundled_aliases() -> list[dict[str, str]]:
    path = resources.files("chainbrain.data") / "events" / "aliases.csv"
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def load_bundled_aliases(conn: duckdb.DuckDBPyConnection) -> int:
    """Insert the bundled aliases of the firms present in the store (idempotent); returns rows added."""
    known = {r[0] for r in conn.execute("SELECT id FROM enterprise").fetchall()}
    added = 0
    for r in bundled_aliases():
        if r["enterprise_id"] not in known:
            continue
        cur = conn.execute(
            "INSERT INTO entity_alias (alias, enterprise_id, lang, ambiguous, source, as_of, status)"
            " VALUES (?, ?, ?, ?, ?, ?, 'illustrative') ON CONFLICT DO NOTHING",
            [
                r["alias"],
                r["enterprise_id"],
                r["lang"],
                r["ambiguous"] == "true",
                BUNDLED_SOURCE,
                dt.date.today(),
            ],
        )
        added += int((cur.fetchone() or (0,))[0])
    return added


def list_aliases(conn: duckdb.DuckDBPyConnection, enterprise_id: str | None = None) -> list[Alias]:
    rows = fetch_dicts(
        conn,
        "SELECT alias, enterprise_id, lang, ambiguous, source, status FROM entity_alias"
        " WHERE ? IS NULL OR enterprise_id = ? ORDER BY enterprise_id, alias",
        [enterprise_id, enterprise_id],
    )
    return [Alias(**r) for r in rows]


def add_alias(
    conn: duckdb.DuckDBPyConnection,
    alias: str,
    enterprise_id: str,
    *,
    source: str,
    ambiguous: bool = False,
    status: str = "verified",
) -> Alias:
    """Add (or replace) one alias; ``lang`` is ``en`` when the alias is all ASCII."""
    text = alias.strip()
    if not 2 <= len(text) <= MAX_ALIAS_CHARS:
        raise AliasError(f"别名 {alias!r} 长度应为 2–{MAX_ALIAS_CHARS} 个字符")
    if status not in ("verified", "illustrative", "synthetic"):
        raise AliasError(f"status {status!r} 应为 verified / illustrative / synthetic 之一")
    if not conn.execute("SELECT 1 FROM enterprise WHERE id = ?", [enterprise_id]).fetchone():
        raise AliasError(f"企业 {enterprise_id!r} 不存在")
    lang = "en" if text.isascii() else "zh"
    conn.execute(
        "INSERT OR REPLACE INTO entity_alias (alias, enterprise_id, lang, ambiguous, source, as_of, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [text, enterprise_id, lang, ambiguous, source, dt.date.today(), status],
    )
    return Alias(text, enterprise_id, lang, ambiguous, source, status)


def remove_alias(conn: duckdb.DuckDBPyConnection, alias: str, enterprise_id: str) -> bool:
    cur = conn.execute(
        "DELETE FROM entity_alias WHERE alias = ? AND enterprise_id = ? RETURNING alias",
        [alias, enterprise_id],
    )
    return bool(cur.fetchall())

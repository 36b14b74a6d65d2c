"""动力电池溯源 routes on the demo store: the library's answers, and who may see which battery."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

USERS = {"analyst": ("analyst", None), "changan": ("enterprise", "changan"), "catl": ("enterprise", "catl"),
         "viewer": ("viewer", None)}  # fmt: skip
PASSWORD = "demo-pass-123"
BASE = "/api/v1/battery"
CHANGAN_PACK = "FDBPBL5CQBS0019340000001"  # 弗迪 pack in a 长安 car (demo)
SERES_PACK = "CATPET4NDE0001C2E0000001"  # 宁德时代 pack in a 赛力斯 car (demo)


@pytest.fixture(scope="module")
def client(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("apibattery") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    for name, (role, ent) in USERS.items():
        create_user(conn, name, PASSWORD, role, enterprise_id=ent)
    conn.close()
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c


@pytest.fixture(scope="module")
def heads(client: TestClient) -> dict[str, dict[str, str]]:
    out = {}
    for u in USERS:
        r = client.post("/api/v1/auth/login", json={"username": u, "password": PASSWORD})
        client.cookies.clear()
        out[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


def get(client: TestClient, heads: dict, user: str, path: str, code: int = 200) -> dict:
    r = client.get(BASE + path, headers=heads[user])
    assert r.status_code == code, r.text
    return r.json()


def test_parse_code_for_everyone(client: TestClient, heads: dict) -> None:
    out = get(client, heads, "viewer", "/codes/ABCXB01A1B2C3DE2W0000001")
    assert out["valid"] is False
    assert out["errors"] == ["第4位“X”（产品类型代码）：应为 P（电池包）、M（模块）或 C（单体）"]


def test_trace_and_roles(client: TestClient, heads: dict) -> None:
    t = get(client, heads, "analyst", f"/trace/{CHANGAN_PACK}?as_of=2026-11-30")
    assert len(t["children"]) == 8 and t["vehicle"]["oem_id"] == "changan"
    assert [e["event"] for e in t["events"]][:3] == ["produced", "shipped", "installed"]
    assert get(client, heads, "changan", f"/trace/{CHANGAN_PACK}")["code"] == CHANGAN_PACK
    get(client, heads, "changan", f"/trace/{SERES_PACK}", 403)
    assert get(client, heads, "catl", f"/trace/{SERES_PACK}")["unit"]["maker_id"] == "catl"
    get(client, heads, "viewer", f"/trace/{CHANGAN_PACK}", 403)
    get(client, heads, "analyst", "/trace/ABCPE01T000001EA10000999", 404)


def test_units_only_own(client: TestClient, heads: dict) -> None:
    assert get(client, heads, "analyst", "/units")["count"] == 16
    mine = get(client, heads, "changan", "/units")
    assert mine["count"] == 8 and all(u["oem_id"] == "changan" for u in mine["data"])
    assert get(client, heads, "catl", "/units?kind=cell")["count"] == 48
    get(client, heads, "viewer", "/units", 403)


def test_reports_filtered_to_own_duties(client: TestClient, heads: dict) -> None:
    everything = get(client, heads, "analyst", "/reports?as_of=2026-11-30&state=missing")
    assert {d["reporter_id"] for d in everything["data"]} == {"changan"} and everything["count"] == 2
    assert get(client, heads, "catl", "/reports?as_of=2026-11-30&state=missing")["count"] == 0
    board = get(client, heads, "changan", "/reports/by-actor?as_of=2026-11-30")
    assert [(a["reporter_id"], a["missing"]) for a in board["data"]] == [("changan", 2)]
    get(client, heads, "viewer", "/reports", 403)
    # the board (in DuckDB) counts what the row-by-row report list says, reporter by reporter
    rows = get(client, heads, "analyst", "/reports?as_of=2026-11-30")["data"]
    full = get(client, heads, "analyst", "/reports/by-actor?as_of=2026-11-30")["data"]
    counted: dict[tuple, dict[str, int]] = {}
    for r in rows:
        c = counted.setdefault((r["reporter_id"], r["reporter_role"]), {})
        c[r["state"]] = c.get(r["state"], 0) + 1
    assert {(a["reporter_id"], a["reporter_role"]): (a["total"], a["on_time"], a["late"], a["missing"])
            for a in full} == {k: (sum(c.values()), c.get("on_time", 0), c.get("late", 0), c.get("missing", 0))
                               for k, c in counted.items()}  # fmt: skip


def test_recycling_is_aggregate_for_everyone(client: TestClient, heads: dict) -> None:
    out = get(client, heads, "viewer", "/recycling")
    assert out["districts_total"] == 38 and out["cascade_share"] is not None
    assert all(f["unit"] == "GWh" for f in out["flows"])


def test_passport_levels(client: TestClient, heads: dict) -> None:
    pub = get(client, heads, "viewer", f"/passport/{CHANGAN_PACK}")
    assert "dynamic.vehicle.vin" in pub["withheld"]
    get(client, heads, "viewer", f"/passport/{CHANGAN_PACK}?audience=authorised", 403)
    own = get(client, heads, "changan", f"/passport/{CHANGAN_PACK}?audience=authorised")
    assert own["static"]["composition"]["children"]
    get(client, heads, "catl", f"/passport/{CHANGAN_PACK}?audience=authorised", 403)
    gov = get(client, heads, "analyst", f"/passport/{CHANGAN_PACK}?audience=authority")
    assert gov["dynamic"]["vehicle"]["vin"] == "LCBA1B2C9R5000001"


def test_answers_carry_the_names_of_the_firms_and_plants_they_name(client: TestClient, heads: dict) -> None:
    # the demo store: 比亚迪电池 (fudi_cq) makes the pack at its 璧山 plant, 长安汽车 (changan) installs it
    t = get(client, heads, "analyst", f"/trace/{CHANGAN_PACK}?as_of=2026-11-30")
    names = t["names"]
    assert t["unit"]["maker_id"] == "fudi_cq" and names["fudi_cq"] == "比亚迪电池"
    assert names["changan"] == "长安汽车"
    sites = {e["site"] for e in t["events"] if e["site"]}
    assert "fudi_cq.bishan" in sites and names["fudi_cq.bishan"] == "比亚迪电池璧山基地（含二期）"
    assert "长安授权经销商" not in names  # free-text sites are names already
    units = get(client, heads, "changan", "/units")
    assert units["names"]["changan"] == "长安汽车"
    board = get(client, heads, "analyst", "/reports/by-actor")
    assert all(a["reporter_id"] in board["names"] for a in board["data"] if a["reporter_id"])

"""Checks and writes are one step: concurrent imports cannot together commit what each alone may not.

The store is test_api's small store without link l2, so its supply network is one link, s2 → s1
(goods flow supplier → buyer). File A adds s1 → s3 and file B adds s3 → s2: each alone leaves the
network acyclic, together they close the cycle s1 → s3 → s2 → s1. The two imports are made to overlap
for certain: each waits for the other at a barrier just before its checks against the store (with a
timeout, so an importer that runs them one after the other only waits, and the test never hangs).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

import chainbrain.io.validate as validate_module
from chainbrain.api import ApiSettings, create_app
from chainbrain.io import ImportRejected, import_file
from chainbrain.store import connect
from chainbrain.store.records import WriteConflict
from fixtures.api import PASSWORDS, build_store

LINKS = "id,buyer_site_id,supplier_site_id,segment_id,annual_value,source,status\n"
FILE_A = LINKS + "la,s3,s1,battery,1000,test,illustrative\n"  # s1 supplies s3
FILE_B = LINKS + "lb,s2,s3,battery,1000,test,illustrative\n"  # s3 supplies s2
FIRMS = "id,name,district_code,roles,source,status\n"


@pytest.fixture(scope="module")
def one_link_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("conc") / "one_link.duckdb"
    build_store(path)
    conn = connect(path)
    conn.execute("DELETE FROM supply_link WHERE id = 'l2'")
    conn.close()
    return path


@pytest.fixture
def db_path(one_link_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copy(one_link_db, path)
    return path


@pytest.fixture
def overlap(monkeypatch: pytest.MonkeyPatch) -> threading.Barrier:
    """Make the checks of two concurrent imports start together (when the importer lets them)."""
    barrier = threading.Barrier(2)
    original = validate_module.check_all

    def meeting(ctx: Any) -> Any:
        try:
            barrier.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # the other import is not checking at the same time: the importer serialised them
        return original(ctx)

    monkeypatch.setattr(validate_module, "check_all", meeting)
    return barrier


def _has_cycle(edges: list[tuple[str, str]]) -> bool:
    """Depth-first search for a back edge (written here, independent of the importer's Tarjan)."""
    succ: dict[str, list[str]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(n: str) -> bool:
        state[n] = 1
        for m in succ.get(n, []):
            if state.get(m) == 1 or (m not in state and visit(m)):
                return True
        state[n] = 2
        return False

    return any(n not in state and visit(n) for n in list(succ))


def _edges(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in conn.execute("SELECT supplier_site_id, buyer_site_id FROM supply_link").fetchall()
    ]


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads at once; each result is the return value or the exception raised."""
    out: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            out[i] = calls[i]()
        except Exception as e:  # the test inspects what each call raised
            out[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


def test_the_fixture_files_are_each_acyclic_and_together_cyclic(db_path: Path) -> None:
    conn = connect(db_path)
    base = _edges(conn)
    conn.close()
    assert base == [("s2", "s1")]
    assert not _has_cycle([*base, ("s1", "s3")])
    assert not _has_cycle([*base, ("s3", "s2")])
    assert _has_cycle([*base, ("s1", "s3"), ("s3", "s2")])


def test_two_concurrent_library_imports_cannot_commit_a_cycle(
    db_path: Path, tmp_path: Path, overlap: threading.Barrier
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(FILE_A, encoding="utf-8")
    b.write_text(FILE_B, encoding="utf-8")
    conn = connect(db_path)
    cur_a, cur_b = conn.cursor(), conn.cursor()  # as the web app does: one cursor per request thread
    results = _together(
        lambda: import_file(cur_a, "supply_links", a), lambda: import_file(cur_b, "supply_links", b)
    )
    landed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(landed) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], ImportRejected)
    assert "供应关系形成循环" in refused[0].problems[0].reason
    edges = _edges(conn)
    assert len(edges) == 2 and not _has_cycle(edges)
    conn.close()


@pytest.fixture
def client(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=db_path)), raise_server_exceptions=False) as c:
        yield c


def _login(client: TestClient, user: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORDS[user]})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _upload(client: TestClient, h: dict[str, str], table: str, name: str, text: str) -> Any:
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    return client.post(f"/api/v1/imports/{table}", files=files, headers=h)


def _audit(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/api/v1/users/audit", headers=_login(client, "admin")).json()["data"]


def test_two_concurrent_uploads_cannot_commit_a_cycle(client: TestClient, overlap: threading.Barrier) -> None:
    h = _login(client, "analyst")
    ra, rb = _together(
        lambda: _upload(client, h, "supply_links", "a.csv", FILE_A),
        lambda: _upload(client, h, "supply_links", "b.csv", FILE_B),
    )
    assert sorted([ra.status_code, rb.status_code]) == [200, 422], (ra.text, rb.text)
    refused = ra if ra.status_code == 422 else rb
    assert "供应关系形成循环" in refused.json()["problems"][0]["reason"]
    edges = _edges(client.app.state.conn.cursor())  # type: ignore[attr-defined]
    assert len(edges) == 2 and not _has_cycle(edges)
    # the resilience routes still answer: the network has no cycle
    assert client.get("/api/v1/resilience/ranking", headers=h).status_code == 200
    actions = [e["action"] for e in _audit(client)]
    assert actions.count("import.commit") == 1 and actions.count("import.rejected") == 1


def test_two_concurrent_uploads_of_one_new_id_are_applied_one_after_the_other(
    client: TestClient, overlap: threading.Barrier
) -> None:
    """Serialised, the second upload finds the first one's row and replaces it, as imports do by id."""
    h = _login(client, "analyst")
    r1, r2 = _together(
        lambda: _upload(
            client, h, "enterprises", "one.csv", FIRMS + "x1,新企业甲,500112,Tier1,test,illustrative\n"
        ),
        lambda: _upload(
            client, h, "enterprises", "two.csv", FIRMS + "x1,新企业乙,500113,Tier2,test,illustrative\n"
        ),
    )
    assert (r1.status_code, r2.status_code) == (200, 200), (r1.text, r2.text)
    assert sorted((r.json()["inserted"], r.json()["updated"]) for r in (r1, r2)) == [(0, 1), (1, 0)]
    later = r1 if r1.json()["updated"] == 1 else r2
    names = client.app.state.conn.cursor().execute("SELECT name FROM enterprise WHERE id = 'x1'").fetchall()  # type: ignore[attr-defined]
    assert names == [("新企业甲",) if later is r1 else ("新企业乙",)]
    commits = [e for e in _audit(client) if e["action"] == "import.commit"]
    assert len(commits) == 2


def test_a_write_that_collides_outside_the_lock_is_a_409_naming_the_record(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection commits the same new id after the import checked the store: 409, nothing written."""
    h = _login(client, "analyst")
    other = client.app.state.conn.cursor()  # type: ignore[attr-defined]
    original = validate_module.check_all

    def interloper(ctx: Any) -> Any:
        problems = original(ctx)  # the import's transaction has read the store: its snapshot is taken
        other.execute(
            "INSERT INTO enterprise (id, name, district_code, roles, source, status)"
            " VALUES ('x7', '别处写入', '500112', ['Tier1'], 'test', 'illustrative')"
        )
        return problems

    monkeypatch.setattr(validate_module, "check_all", interloper)
    r = _upload(client, h, "enterprises", "e.csv", FIRMS + "x7,新企业丁,500112,Tier1,test,illustrative\n")
    assert r.status_code == 409, r.text
    assert "编号 x7" in r.json()["detail"] and "未写入" in r.json()["detail"]
    rows = other.execute("SELECT name FROM enterprise WHERE id = 'x7'").fetchall()
    assert rows == [("别处写入",)]  # the import wrote nothing
    assert any(e["action"] == "import.conflict" for e in _audit(client))


def test_a_library_write_conflict_names_the_record(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "e.csv"
    f.write_text(FIRMS + "x8,新企业戊,500112,Tier1,test,illustrative\n", encoding="utf-8")
    conn = connect(db_path)
    other = conn.cursor()
    original = validate_module.check_all

    def interloper(ctx: Any) -> Any:
        problems = original(ctx)  # the import's transaction has read the store: its snapshot is taken
        other.execute(
            "INSERT INTO enterprise (id, name, district_code, roles, source, status)"
            " VALUES ('x8', '别处写入', '500112', ['Tier1'], 'test', 'illustrative')"
        )
        return problems

    monkeypatch.setattr(validate_module, "check_all", interloper)
    with pytest.raises(WriteConflict, match="编号 x8"):
        import_file(conn.cursor(), "enterprises", f)
    conn.close()
